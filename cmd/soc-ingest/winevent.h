/*
 * winevent.h: a Windows event as one view, whatever shape it came in
 * (win_view.c), and what the channels' mappings share.  The windows
 * format's mapper (fmt_windows.c) reads the view, then calls the
 * mapping of the event's channel: Security and System (win_security.c)
 * or Sysmon (win_sysmon.c), which set ECS fields with the setters of
 * fmt_windows.c declared below.
 *
 * Ownership: a struct win borrows the event's values and the record's
 * arena (own); it lives for one event.
 */
#ifndef SOC_INGEST_WINEVENT_H
#define SOC_INGEST_WINEVENT_H

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ingest.h"

struct win {
	int64_t id;
	const char *channel, *provider, *computer;
	const struct soc_val *time;
	const struct soc_val *record_id;
	const char *message;	/* the rendered Message, when given */
	const struct soc_val *data;	/* EventData names -> values (borrowed or own) */
	struct soc_val *own;	/* what the view built (record's arena) */
	int sysmon;
};

/*
 * Fill w from any shape of in (fmt_windows.c's opening comment lists
 * them), building in arena a what it must; 0, or -1 when no event id is
 * found.
 */
int ing_win_view(struct win *w, struct soc_val_arena *a,
    const struct soc_val *in);
/* An integer from a number, a decimal string or {"#text": either}: 0,
 * or -1. */
int ing_win_int(const struct soc_val *v, int64_t *out);

/* EventData value by name: exact, then with a lower-case first letter
 * (Wazuh's targetUserName).  Inline: the mappings call it for nearly
 * every field. */
static inline const struct soc_val *
Dv(const struct win *w, const char *name)
{
	const struct soc_val *v = soc_val_key(w->data, name);

	if (!v && name[0]) {
		char low[64];

		snprintf(low, sizeof low, "%s", name);
		low[0] = (char)tolower((unsigned char)low[0]);
		v = soc_val_key(w->data, low);
	}
	return v;
}

/* The same as a string; NULL also for "" and "-" (Windows' empty). */
static inline const char *
D(const struct win *w, const char *name)
{
	const char *s = soc_val_str(Dv(w, name));

	if (s && (!*s || strcmp(s, "-") == 0))
		return NULL;
	return s;
}

/*
 * A channel's mapping of its event ids: sets the ECS fields of out and
 * a summary in msg[0..mn), and returns the severity 0-100, or -1 for an
 * id it does not map (the mapper then sets the common entities).
 */
int ing_win_security(const struct win *w, struct soc_val *out, char *msg,
    size_t mn);
int ing_win_sysmon(const struct win *w, struct soc_val *out, char *msg,
    size_t mn);

/*
 * Setters of the fields Windows events share (fmt_windows.c); a NULL
 * value sets nothing.  pid: decimal or "0x12d8"; image: PREFIX.executable
 * and PREFIX.name; user: PREFIX.name, .domain and .id (a SID other than
 * S-1-0-0) from separate fields, or a "DOMAIN\user" name split; addr: an
 * address, "::ffff:10.0.0.5" as 10.0.0.5; port: 0-65535 from text;
 * category: event.category and one or two event.type.
 */
void ing_win_pid(struct soc_val *out, const char *path, const char *s);
void ing_win_image(struct soc_val *out, const char *prefix,
    const char *path);
void ing_win_user(struct soc_val *out, const char *prefix, const char *name,
    const char *domain, const char *sid);
void ing_win_addr(struct soc_val *out, const char *path, const char *s);
void ing_win_port(struct soc_val *out, const char *path, const char *s);
void ing_win_category(struct soc_val *out, const char *cat,
    const char *type1, const char *type2);

#endif
