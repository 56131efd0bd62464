/*
 * event.c: an event to its record (input.h).  A JSON value is one event,
 * or a list of them (an array, CloudTrail's {"Records":[...]} and the
 * like); a shipper's envelope around an event no product claims is read
 * as the event inside.  The event's format (-f, else detect.c) maps it
 * into a new record, which write.c completes and writes; an event no
 * format can map is a reject naming file, line and reason.
 */
#include <string.h>

#include "input.h"
#include "keep.h"
/*
 * Before format f maps an event: a format with per-input state takes the
 * slot from another one, whose state is freed.
 */
static void
state_slot(const struct ing_format *f)
{
	if (f->free_state && g.ctx.state_owner && g.ctx.state_owner != f) {
		if (g.ctx.state_owner->free_state && g.ctx.state)
			g.ctx.state_owner->free_state(g.ctx.state);
		g.ctx.state = NULL;
		g.ctx.state_owner = NULL;
	}
}

void
ing_state_end(void)
{
	if (g.ctx.state_owner && g.ctx.state_owner->free_state && g.ctx.state)
		g.ctx.state_owner->free_state(g.ctx.state);
	g.ctx.state = NULL;
	g.ctx.state_owner = NULL;
}

/* Run f's mapper result rc on rec: emit, reject or count a header. */
static void
finish_event(int rc, struct soc_val *rec, const struct ing_format *f,
    const char *why, unsigned long line, const char *raw, size_t rawlen)
{
	if (rc == ING_HEADER)
		g.nheaders++;
	else if (g.replay)
		return;
	else if (rc == 0)
		ing_write(rec, f, line, raw, rawlen);
	else
		soc_reject(&g.rej, g.ctx.file, line, raw, rawlen, 0, rawlen,
		    "%s: %s", f->name, why ? why : "cannot map event");
}

/* Format f is about to map the event at line: it owns the per-input
 * state slot from now on.  Returns the empty record to fill; the last
 * event's record is gone. */
static struct soc_val *
begin_event(const struct ing_format *f, unsigned long line)
{
	g.last = f;
	state_slot(f);
	/* The mapping a mapping file's format, csv or json-map maps with. */
	g.ctx.map = f->rules ? f->rules : g.map;
	g.ctx.map_name = f->name;
	g.ctx.line = line;
	g.ctx.why[0] = '\0';
	soc_val_arena_reset(g.ra);
	return soc_val_new_object(g.ra);
}

/*
 * A shipper's envelope around the original event, read as the original
 * when no product's format claims the envelope itself: Logstash and Beats
 * keep it in "message" (with @version, agent, log.file or input beside),
 * Log Analytics custom tables in RawData, other exports in a raw or
 * payload column.  A JSON original is read as JSON, a text one (only from
 * a shipper's "message") as a text line.  Returns 1 when it did.
 */
static int
unwrap_envelope(const struct soc_val *ev, unsigned long line)
{
	static const char *const cols[] = { "message", "RawData", "rawData",
		"raw_data", "raw", "Raw", "payload", "Payload", NULL };
	static int depth;
	const struct soc_val *m = NULL, *inner;
	const char *s, *why;
	size_t i, n, off;
	int cut, shipper;

	if (depth > 0)
		return 0;
	shipper = soc_val_key(ev, "@version") != NULL ||
	    soc_val_is_object(soc_val_key(ev, "agent")) ||
	    soc_val_is_object(soc_val_key(ev, "beat")) ||
	    soc_val_get(ev, "log.file.path") != NULL ||
	    soc_val_is_object(soc_val_key(ev, "input"));
	for (i = 0; cols[i] && !m; i++)
		if (soc_val_is_string(soc_val_key(ev, cols[i])))
			m = soc_val_key(ev, cols[i]);
	if (!m)
		return 0;
	s = m->u.s.p;
	n = m->u.s.len;
	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	if (n == 0)
		return 0;
	if (*s == '{') {
		inner = soc_val_parse(g.ia, s, n, &why, &off, &cut);
		if (!soc_val_is_object(inner))
			return 0;
		depth++;
		ing_json_value(inner, line, s, n, 1);
		depth--;
		return 1;
	}
	if (!shipper || m != soc_val_key(ev, "message") || memchr(s, '\n', n))
		return 0;
	depth++;
	ing_text_line(s, n, line);
	depth--;
	return 1;
}

static void
json_event(const struct soc_val *ev, unsigned long line, const char *raw,
    size_t rawlen)
{
	const struct ing_format *f = g.force;
	const char *why = NULL;
	struct soc_val *rec;
	int rc;

	if (!soc_val_is_object(ev)) {
		soc_reject(&g.rej, g.ctx.file, line, raw, rawlen, 0, rawlen,
		    "a JSON event must be an object, not %s",
		    soc_val_is_array(ev) ? "an array" : soc_val_is_string(ev) ?
		    "a string" : soc_val_is_number(ev) ? "a number" : "a literal");
		return;
	}
	if (!f && (f = ing_detect_json(ev)) != NULL &&
	    (strcmp(f->name, "ecs") == 0 || strcmp(f->name, "generic") == 0) &&
	    unwrap_envelope(ev, line))
		return;
	if (!f) {
		soc_reject(&g.rej, g.ctx.file, line, raw, rawlen, 0, rawlen,
		    "unknown format: no JSON format recognises this event");
		return;
	}
	if (!f->map_json) {
		soc_reject(&g.rej, g.ctx.file, line, raw, rawlen, 0, rawlen,
		    "%s: not a JSON format", f->name);
		return;
	}
	rec = begin_event(f, line);
	rc = f->map_json(&g.ctx, ev, rec, &why);
	if (rc == 0 && f->ns)
		ing_keep_vendor(rec, ev, f->ns, NULL);
	finish_event(rc, rec, f, why, line, raw, rawlen);
}

/* An element of a split document: its compact text is its raw form. */
static void
json_element(const struct soc_val *ev, unsigned long line)
{
	soc_buf_reset(&g.raw);
	if (soc_val_dump(ev, &g.raw) < 0) {
		soc_reject(&g.rej, g.ctx.file, line, "", 0, 0, 0,
		    "JSON event too large");
		return;
	}
	json_event(ev, line, g.raw.p, g.raw.len);
}

/*
 * The list inside a file-form wrapper: CloudTrail's {"Records":[...]},
 * Azure's {"records":[...]}, Security Hub's {"Findings":[...]}, and a
 * Microsoft Graph page {"value":[...]}, alone or with the pagination
 * members their APIs add.  NULL when v is not such a wrapper (borrowed).
 */
static const struct soc_val *
wrapped_list(const struct soc_val *v)
{
	static const char *const lists[] = { "Records", "records", "Findings",
		"value", NULL };
	static const char *const paging[] = { "NextToken", "nextToken",
		"@odata.context", "@odata.nextLink", "@odata.count", NULL };
	const struct soc_val *list = NULL, *m;
	const char *k;
	size_t i;

	/* Most events hold none of the lists: asked by key (a Bloom word
	 * answers), not by comparing every member with every name. */
	for (i = 0; lists[i] && !soc_val_key(v, lists[i]); i++)
		;
	if (!lists[i])
		return NULL;
	soc_val_foreach_member(v, k, m) {
		for (i = 0; lists[i] && strcmp(k, lists[i]) != 0; i++)
			;
		if (lists[i]) {
			if (list || !soc_val_is_array(m))
				return NULL;
			list = m;
			continue;
		}
		for (i = 0; paging[i] && strcmp(k, paging[i]) != 0; i++)
			;
		if (!paging[i])
			return NULL;
	}
	return list;
}

/*
 * A parsed JSON value: an array, or an object that only holds a
 * "Records"/"records" array (CloudTrail files, Azure Monitor exports), is
 * a list of events; anything else is one event.
 */
void
ing_json_value(const struct soc_val *v, unsigned long line, const char *raw,
    size_t rawlen, int single_line)
{
	const struct soc_val *list = NULL, *x;
	size_t i;

	if (soc_val_is_array(v))
		list = v;
	else if (soc_val_is_object(v))
		list = wrapped_list(v);
	if (!list) {
		if (single_line)
			json_event(v, line, raw, rawlen);
		else
			json_element(v, line);
		return;
	}
	if (soc_val_array_size(list) == 0) {
		g.nempty++;	/* no event, nothing lost: counted */
		return;
	}
	soc_val_foreach(list, i, x)
		json_element(x, line);
}

void
ing_text_line(const char *p, size_t n, unsigned long line)
{
	const struct ing_format *f = g.force;
	const char *why = NULL, *nul;
	struct soc_val *rec;
	int rc;

	/*
	 * A NUL byte: the text formats read fields as C strings, which
	 * would end there, and the stream has no way to carry one (\u0000
	 * is a reject in every stage).  The line is a reject, never a
	 * record cut short in silence.
	 */
	if ((nul = memchr(p, '\0', n)) != NULL) {
		soc_reject(&g.rej, g.ctx.file, line, p, n, 0, n,
		    "a NUL byte in a text line (byte %zu)",
		    (size_t)(nul - p) + 1);
		return;
	}
	if (!f && !(f = ing_detect_text(p, n))) {
		soc_reject(&g.rej, g.ctx.file, line, p, n, 0, n,
		    "unknown format: no text format recognises this line");
		return;
	}
	if (!f->map_text) {
		soc_reject(&g.rej, g.ctx.file, line, p, n, 0, n,
		    "%s: not a JSON event", f->name);
		return;
	}
	rec = begin_event(f, line);
	rc = f->map_text(&g.ctx, p, n, rec, &why);
	finish_event(rc, rec, f, why, line, p, n);
}
