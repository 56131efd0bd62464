/*
 * syslog: the header of a syslog line, RFC 5424 or RFC 3164 (BSD), and
 * RFC 5424 structured data.
 *
 * soc_syslog_parse splits one line into PRI, time, host, app, procid,
 * msgid, structured data and MSG.  Every text part is a span into the
 * caller's line (nothing is copied or allocated), so the struct lives as
 * long as the line.  Accepted forms:
 *
 *   <PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG     RFC 5424 ("-" = nil,
 *                                                     MSG may start with
 *                                                     a UTF-8 BOM)
 *   <PRI>Mmm dd hh:mm:ss HOST TAG[PID]: MSG           RFC 3164
 *   <PRI>Mmm dd yyyy hh:mm:ss HOST ...                with a year (Cisco)
 *   <PRI>Mmm dd hh:mm:ss yyyy HOST ...
 *   <PRI>2026-11-22T10:15:03.123+01:00 HOST TAG: MSG  ISO time (rsyslog)
 *   any of these without <PRI>, and <PRI>MSG with no header at all.
 *
 * A 3164 time has no year and no zone: it is taken as UTC, in the year
 * of the receiver's clock `now` (ms), or the year before when that would
 * put it more than a day in the future (December lines read in January).
 * The host is omitted when the token after the time is already a tag
 * ("sshd[12]:") or a CEF/LEEF header.
 */
#ifndef SOC_SYSLOG_H
#define SOC_SYSLOG_H

#include <stddef.h>
#include <stdint.h>

#include "val.h"

struct soc_span_s {
	const char *p;
	size_t n;		/* 0 with p NULL when absent or nil */
};

struct soc_syslog {
	int pri;		/* -1 when absent */
	int facility, severity;	/* -1 when absent */
	int version;		/* 1 for RFC 5424, 0 otherwise */
	int has_time;
	int64_t time_ms;
	struct soc_span_s host, app, procid, msgid, sd, msg;
};

/*
 * Parse line[0..n).  Returns 0, or -1 with *why static when the line has
 * a PRI or a 5424 version but a malformed header (an unterminated PRI, a
 * 5424 timestamp that does not parse, bad structured data).  A line with
 * no recognisable header at all returns 0 with everything absent and the
 * whole line as msg; callers decide whether that is theirs.
 */
int soc_syslog_parse(const char *line, size_t n, int64_t now_ms,
    struct soc_syslog *s, const char **why);

/*
 * Structured data "[id k="v"...][id2 ...]" as an object in a (val.h),
 * {"id":{"k":"v"},...}, with the escapes \" \\ \] decoded (a backslash
 * before any other byte stays, as RFC 5424 says), or NULL with *why set
 * when the text is malformed.
 */
struct soc_val *soc_syslog_sd(struct soc_val_arena *a, const char *p,
    size_t n, const char **why);

/* Length of structured data at p (one or more [..] elements), 0 if the
 * text does not start with a well-formed element. */
size_t soc_syslog_sd_len(const char *p, size_t n);

#endif
