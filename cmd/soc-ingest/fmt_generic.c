/*
 * fmt_generic.c: the "generic" format, the last resort of detection: a
 * JSON object or a text line that no product's format recognises still
 * becomes a record (generic.h says how it is read), marked by
 * soc.source.format "generic", an event.dataset from the best evidence
 * and a mapping confidence (soc.source.confidence) below the 100 of a
 * product's own mapper.  Only an event without any time, or a line that
 * is not text (control bytes, bad UTF-8) or is broken JSON, is a reject,
 * and the reject keeps the raw line.
 *
 * A text line: its key=value pairs (as for kv logs) are read as the
 * fields of a JSON event, its time is that of a time key, a date= and
 * time= pair, or the first time written in the line (ISO 8601, syslog's
 * "Mmm dd hh:mm:ss", Apache's "dd/Mmm/yyyy:hh:mm:ss", ...); the line is
 * the message.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "fmt_text.h"
#include "generic.h"
#include "keep.h"
#include "utf8.h"
#include "vendor.h"

static int
gen_detect_json(const struct soc_val *in)
{
	return soc_val_is_object(in) ? 1 : 0;
}

static int
gen_map_json(struct ing_ctx *c, const struct soc_val *in, struct soc_val *out,
    const char **why)
{
	struct ing_generic g;

	if (ing_generic_fill(c, in, out, &g, why) < 0)
		return -1;
	ing_keep_vendor(out, in, g.ns, NULL);
	return 0;
}

/* Text: printable, valid UTF-8, not JSON, nor a piece of a JSON document
 * (a member, a closing bracket: the lines of a document that broke off
 * stay rejects). */
static int
gen_detect_text(const char *s, size_t n)
{
	size_t i;

	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	if (n == 0 || strchr("{[\"}]", *s))
		return 0;
	/* an XML element (not syslog's <PRI>) */
	if (n > 1 && *s == '<' && !(s[1] >= '0' && s[1] <= '9'))
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 && s[i] != '\t')
			return 0;
	return soc_utf8_check(s, n) == n ? 1 : 0;
}

/* The candidate at s (room bytes of the line left) as a time. */
static int
time_at(struct ing_ctx *c, const char *s, size_t room, int64_t *ms)
{
	static const size_t widths[] = { 20, 19, 15, 24 };
	char tmp[48];
	size_t n, i;

	if (isdigit((unsigned char)*s)) {
		/* ISO 8601 / RFC 3339, as long as it runs, then shorter */
		n = strspn(s, "0123456789-:T.+Z ,");
		if (n > room)
			n = room;
		if (n > 35)
			n = 35;
		for (; n >= 16; n--) {
			if (s[n - 1] == ' ' || s[n - 1] == ',')
				continue;
			if (soc_time_parse(s, n, ms) == 0 && s[4] == '-')
				return 0;
		}
	}
	for (i = 0; i < sizeof widths / sizeof widths[0]; i++) {
		if (widths[i] > room)
			continue;
		memcpy(tmp, s, widths[i]);
		tmp[widths[i]] = '\0';
		if (ing_text_time(c, tmp, ms) == 0)
			return 0;
	}
	return -1;
}

/* The first time written in the line (within its first 512 bytes). */
static int
line_time(struct ing_ctx *c, const char *s, size_t n, int64_t *ms)
{
	size_t i, lim = n < 512 ? n : 512;

	for (i = 0; i < lim; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (i > 0 && isalnum((unsigned char)s[i - 1]))
			continue;
		if (!isdigit(ch) && !isupper(ch))
			continue;
		if (time_at(c, s + i, n - i, ms) == 0)
			return 0;
	}
	return -1;
}

/* date=2026-11-22 time=10:15:03 (FortiGate, Sophos, ...) */
static int
date_time_pair(struct ing_ctx *c, const struct soc_val *kv, int64_t *ms)
{
	const char *d = soc_val_get_nonempty(kv, "date");
	const char *t = soc_val_get_nonempty(kv, "time");
	char tmp[160];

	if (!d || !t || strlen(d) + strlen(t) + 2 > 64)
		return -1;
	snprintf(tmp, sizeof tmp, "%s %s", d, t);
	if (soc_time_parse(tmp, strlen(tmp), ms) == 0)
		return 0;
	return ing_text_time(c, tmp, ms);
}

int
ing_generic_text(struct ing_ctx *c, const char *s, size_t n,
    struct soc_val *out, const char **why, const char *dataset)
{
	struct ing_generic g;
	struct soc_val *kv;
	size_t npairs, cover;
	int64_t ms;

	kv = ing_kv_parse(c->arena, s, n, &npairs, &cover);
	if (date_time_pair(c, kv, &ms) == 0 ||
	    (ing_generic_time(c, kv, &ms) < 0 && line_time(c, s, n, &ms) == 0))
		ing_set_time_ms(out, "@timestamp", ms);
	if (ing_generic_fill(c, kv, out, &g, why) < 0) {
		*why = "no time found in the line (generic mapping)";
		return -1;
	}
	vnd_msg(out, "%.*s", (int)(n > 1000 ? 1000 : n), s);
	if (npairs == 0) {
		soc_val_set_str(out, "event.dataset", dataset);
		ing_set_confidence(out, 20);
	} else
		ing_keep_vendor(out, kv, g.ns, NULL);
	return 0;
}

static int
gen_map_text(struct ing_ctx *c, const char *s, size_t n, struct soc_val *out,
    const char **why)
{
	return ing_generic_text(c, s, n, out, why, "generic.text");
}

const struct ing_format ing_fmt_generic = {
	.name = "generic",
	.desc = "any other JSON object or text line with a time: fields by "
	    "key names and value shapes",
	.detect_json = gen_detect_json,
	.detect_text = gen_detect_text,
	.map_json = gen_map_json,
	.map_text = gen_map_text,
};
