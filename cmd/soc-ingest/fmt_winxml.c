/*
 * fmt_winxml.c: the "windows-xml" format: Windows Event XML, one
 * <Event>...</Event> per line (wevtutil qe /f:xml, Get-WinEvent ToXml(),
 * forwarded events), parsed by common/winxml.c into the evtx_dump-style
 * object {"Event":{"System":{...},"EventData":{...}}} and handed to the
 * windows mapper (ing_windows_map, fmt_windows.c), so an event gives the
 * same record as XML and as evtx_dump JSON.
 *
 * A multi-line XML event reaches this mapper only when the driver joins
 * its lines into one text (see ingest.h); the mapper accepts newlines in
 * s.  Severity and field mapping are the windows format's.
 */
#include <string.h>

#include "ingest.h"
#include "winxml.h"

static int
detect_text(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (n - i >= 6 && memcmp(s + i, "<Event", 6) == 0 &&
	    (s[i + 6] == '>' || s[i + 6] == ' '))
		return 100;
	if (n - i >= 5 && memcmp(s + i, "<?xml", 5) == 0 &&
	    memmem(s, n, "<Event", 6))
		return 100;
	return 0;
}

static int
map_text(struct ing_ctx *c, const char *s, size_t n, json_t *out,
    const char **why)
{
	json_t *ev = soc_winxml_parse(s, n, why);
	int rc;

	if (!ev)
		return -1;
	if (!json_object_get(ev, "Event")) {
		json_decref(ev);
		*why = "XML root element is not <Event>";
		return -1;
	}
	rc = ing_windows_map(c, ev, out, why);
	json_decref(ev);
	return rc;
}

const struct ing_format ing_fmt_windows_xml = {
	.name = "windows-xml",
	.desc = "Windows Event XML (<Event> elements)",
	.detect_text = detect_text,
	.map_text = map_text,
};
