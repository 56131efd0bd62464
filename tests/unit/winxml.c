/* Unit tests of cmd/soc-ingest/winxml.c: the XML subset and the evtx_dump shape. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "tap.h"
#include "../../cmd/soc-ingest/winxml.h"

/* The compact JSON of the parse of s (a new string), or NULL. */
static char *
dump(const char *s, const char **why)
{
	struct soc_val_arena *a = soc_val_arena_new();
	const struct soc_val *v = soc_winxml_parse(a, s, strlen(s), why);
	struct soc_buf b = SOC_BUF_INIT;
	char *d = NULL;

	soc_buf_init(&b, 1 << 20);
	if (v && soc_val_dump(v, &b) == 0)
		d = strdup(b.p);
	soc_buf_release(&b);
	soc_val_arena_free(a);
	return d;
}

static void
is_dump(const char *xml, const char *want, const char *name)
{
	const char *why = "";
	char *d = dump(xml, &why);

	if (!is_str(d, want, name) && !d)
		printf("#   why: %s\n", why);
	free(d);
}

static void
bad(const char *xml, const char *name)
{
	const char *why = NULL;
	char *d = dump(xml, &why);

	ok(!d && why, "%s: %s", name, why ? why : "(accepted)");
	free(d);
}

int
main(void)
{
	is_dump("<Event xmlns='u'><System><Provider Name=\"P\"/><EventID Qualifiers=\"0\">4624</EventID>"
	    "<TimeCreated SystemTime=\"2026-11-21T10:00:00Z\"/><Execution ProcessID=\"4\" ThreadID=\"8\"/>"
	    "<Computer>h</Computer><Correlation/></System>"
	    "<EventData><Data Name=\"A\">x &amp; &lt;y&gt; &#65;&#x42;</Data><Data Name=\"B\"/></EventData></Event>",
	    "{\"Event\":{\"#attributes\":{\"xmlns\":\"u\"},\"System\":{\"Provider\":{\"#attributes\":{\"Name\":\"P\"}},"
	    "\"EventID\":{\"#attributes\":{\"Qualifiers\":\"0\"},\"#text\":4624},"
	    "\"TimeCreated\":{\"#attributes\":{\"SystemTime\":\"2026-11-21T10:00:00Z\"}},"
	    "\"Execution\":{\"#attributes\":{\"ProcessID\":4,\"ThreadID\":8}},\"Computer\":\"h\",\"Correlation\":null},"
	    "\"EventData\":{\"A\":\"x & <y> AB\",\"B\":\"\"}}}",
	    "System, EventData, entities, numbers");
	is_dump("<?xml version=\"1.0\"?>\n<!-- c --><Event><EventData><Data>a</Data><Data>b</Data></EventData>"
	    "<UserData><X><Y>1</Y><Y>2</Y></X></UserData></Event>\n",
	    "{\"Event\":{\"EventData\":{\"Data\":[\"a\",\"b\"]},\"UserData\":{\"X\":{\"Y\":[\"1\",\"2\"]}}}}",
	    "unnamed Data and repeated elements as arrays");
	is_dump("<a><![CDATA[<x>&amp;]]></a>", "{\"a\":\"<x>&amp;\"}", "CDATA");
	bad("<a>", "truncated");
	bad("<a></b>", "mismatched end tag");
	bad("<a>&nope;</a>", "unknown entity");
	bad("<a>&#xD800;</a>", "surrogate reference");
	bad("<!DOCTYPE a [<!ENTITY x \"y\">]><a/>", "DTD refused");
	bad("<a x=y/>", "unquoted attribute");
	bad("<a>\xff</a>", "not UTF-8");
	bad("<a/><b/>", "two roots");
	{
		char deep[400] = "";
		int i;

		for (i = 0; i < 40; i++)
			memcpy(deep + 3 * i, "<a>", 4);
		bad(deep, "nesting limit");
	}
	return done_testing();
}
