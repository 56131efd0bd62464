/* Unit tests of cmd/soc-ingest/syslog.c: RFC 5424 and RFC 3164 headers. */
#include <string.h>

#include "../../cmd/soc-ingest/syslog.h"
#include "tap.h"

#define NOW 1795305600000LL	/* 2026-11-22T00:00:00Z */

static int
eq(struct soc_span_s sp, const char *s)
{
	return s ? sp.p && sp.n == strlen(s) && memcmp(sp.p, s, sp.n) == 0 :
	    sp.p == NULL;
}

static int
parse(const char *s, struct soc_syslog *sl, const char **why)
{
	return soc_syslog_parse(s, strlen(s), NOW, sl, why);
}

int
main(void)
{
	struct soc_syslog sl;
	const char *why = NULL;
	struct soc_val_arena *ar = soc_val_arena_new();
	const struct soc_val *sd;

	ok(parse("<165>1 2026-11-21T10:00:00.5Z h app 12 ID [a@1 k=\"v\"] \xef\xbb\xbfmsg", &sl, &why) == 0, "5424");
	is_int(sl.pri, 165, "PRI");
	is_int(sl.severity, 5, "severity");
	is_int(sl.facility, 20, "facility");
	is_int(sl.time_ms, 1795255200500LL, "time");
	ok(eq(sl.host, "h") && eq(sl.app, "app") && eq(sl.procid, "12") &&
	    eq(sl.msgid, "ID"), "header fields");
	ok(eq(sl.sd, "[a@1 k=\"v\"]"), "structured data span");
	ok(eq(sl.msg, "msg"), "BOM removed from MSG");
	ok(parse("<13>1 - - - - - -", &sl, &why) == 0 && !sl.has_time &&
	    eq(sl.host, NULL) && eq(sl.msg, NULL), "all nil");
	ok(parse("<13>1 bad h a p m -", &sl, &why) < 0, "bad 5424 time: %s", why);
	ok(parse("<13>1 - h a p m [x", &sl, &why) < 0, "bad SD");
	ok(parse("<999>x", &sl, &why) < 0, "PRI over 191");
	ok(parse("<13x", &sl, &why) < 0, "unterminated PRI");

	ok(parse("<34>Oct 11 22:14:15 mymachine su: 'su root' failed", &sl, &why) == 0, "3164");
	is_int(sl.time_ms, 1791756855000LL, "3164 time in the receiver's year");
	ok(eq(sl.host, "mymachine") && eq(sl.app, "su") && eq(sl.msg, "'su root' failed"), "3164 fields");
	ok(parse("Dec 31 23:59:59 h x: y", &sl, &why) == 0 &&
	    sl.time_ms == 1767225599000LL, "December read in November: last year");
	ok(parse("Jan  5 2015 05:38:59 h sshd[7]: m", &sl, &why) == 0 &&
	    sl.time_ms == 1420436339000LL && eq(sl.procid, "7"), "year before the time");
	ok(parse("Jan  5 05:38:59 2015 h m", &sl, &why) == 0 &&
	    sl.time_ms == 1420436339000LL, "year after the time");
	ok(parse("<13>2026-11-21T10:00:00+01:00 h t: m", &sl, &why) == 0 &&
	    sl.time_ms == 1795251600000LL && eq(sl.host, "h"), "ISO time");
	ok(parse("<13>Nov 21 10:00:00 sshd[1]: x", &sl, &why) == 0 &&
	    eq(sl.host, NULL) && eq(sl.app, "sshd"), "no host before the tag");
	ok(parse("<14>CEF:0|a", &sl, &why) == 0 && eq(sl.msg, "CEF:0|a"),
	    "PRI then message");

	{
		const char *t = "[a@1 q=\"x\\\"y\\]z\\\\w\\n\"][b k=\"\"]";

		sd = soc_syslog_sd(ar, t, strlen(t), &why);
	}
	ok(sd != NULL, "SD parses");
	is_str(soc_val_get_str(sd, "a@1.q"), "x\"y]z\\w\\n", "SD escapes");
	ok(soc_syslog_sd(ar, "[a k=v]", 7, &why) == NULL, "unquoted SD value rejected");
	ok(soc_syslog_sd(ar, "[a k=\"v]", 8, &why) == NULL, "unterminated SD value");
	soc_val_arena_free(ar);
	return done_testing();
}
