/* connector_answer: reading an answer: the success condition, results
 * (JSON paths, XML elements), hidden values, a read connector's records. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "connector_int.h"
#include "err.h"
#include "json.h"

/* Is the answer a success by the template's "ok"? */
int
soc_conn_answer_ok(const json_t *ok, long status, const json_t *body,
    const struct soc_buf *text)
{
	const char *has = json_string_value(json_object_get(ok, "contains"));
	const json_t *codes = json_object_get(ok, "status"), *v;
	const char *path = json_string_value(json_object_get(ok, "path"));
	size_t i;
	int found = 0;

	if (json_is_array(codes)) {
		json_array_foreach(codes, i, v)
			if (json_integer_value(v) == status)
				found = 1;
	} else
		found = status >= 200 && status < 300;
	if (found && path)
		found = json_equal((json_t *)soc_conn_path(body, path),
		    json_object_get(ok, "equals"));
	if (found && has)
		found = text->p && memmem(text->p, text->len, has, strlen(has));
	return found;
}

/* XML text p[0..n) with the five named entities decoded into b (AWS
 * answers use no others; any other '&' stays as it is). */
static void
xml_text(struct soc_buf *b, const char *p, size_t n)
{
	static const struct {
		const char *name, *ch;
	} named[] = { { "&lt;", "<" }, { "&gt;", ">" }, { "&amp;", "&" },
	    { "&quot;", "\"" }, { "&apos;", "'" } };
	size_t i, k, l;

	for (i = 0; i < n; i++) {
		for (k = 0; k < 5 && p[i] == '&'; k++) {
			l = strlen(named[k].name);
			if (n - i >= l && memcmp(p + i, named[k].name, l) == 0)
				break;
		}
		if (p[i] == '&' && k < 5) {
			soc_buf_addstr(b, named[k].ch);
			i += strlen(named[k].name) - 1;
		} else
			soc_buf_addch(b, p[i]);
	}
}

/*
 * The value at path in an answer (new, or NULL): a JSON path, or, for an
 * answer in XML (the AWS Query APIs), "xml:TAG" (the first element TAG's
 * text) or "xml:TAG*" (every element TAG's text, a list).
 */
static json_t *
answer_value(const json_t *body, const struct soc_buf *text, const char *path)
{
	const char *p, *end, *stop;
	char open[80], close[80];
	size_t n;
	int all;
	json_t *list;

	if (strncmp(path, "xml:", 4) != 0) {
		const json_t *v = soc_conn_path(body, path);

		return v ? json_deep_copy(v) : NULL;
	}
	path += 4;
	n = strlen(path);
	all = n && path[n - 1] == '*';
	if (all)
		n--;
	if (!text->p || n == 0 || n > 64)
		return NULL;
	snprintf(open, sizeof open, "<%.*s>", (int)n, path);
	snprintf(close, sizeof close, "</%.*s>", (int)n, path);
	list = json_array();
	stop = text->p + text->len;
	for (p = text->p; (p = memmem(p, (size_t)(stop - p), open, strlen(open)));
	    p = end) {
		struct soc_buf v = SOC_BUF_INIT;
		json_t *s;

		p += strlen(open);
		if (!(end = memmem(p, (size_t)(stop - p), close, strlen(close))))
			break;
		xml_text(&v, p, (size_t)(end - p));
		s = json_stringn(v.p ? v.p : "", v.len);
		soc_conn_wipe_buf(&v);
		if (s)
			json_array_append_new(list, s);
		if (!all)
			break;
	}
	if (!all) {
		json_t *first = json_incref(json_array_get(list, 0));

		json_decref(list);
		return first;
	}
	return list;
}

/* Read "result" from the answer into res, redacted. */
void
soc_conn_read_result(struct soc_conn *c, const json_t *spec, const json_t *body,
    const struct soc_buf *text, json_t *res)
{
	const char *k;
	const json_t *p;

	json_object_foreach((json_t *)spec, k, p) {
		json_t *v = json_is_string(p) ?
		    answer_value(body, text, json_string_value(p)) : NULL;
		struct soc_buf b = SOC_BUF_INIT;

		if (v && (json_is_string(v) || json_is_array(v))) {
			char *s;

			soc_json_dump(v, &b);
			soc_redact_buf(&c->red, &b);
			json_decref(v);
			s = soc_xstrndup(b.p ? b.p : "null", b.len);
			v = json_loads(s, JSON_DECODE_ANY, NULL);
			free(s);
			soc_buf_release(&b);
		}
		if (v && (json_is_string(v) || json_is_array(v) ||
		    json_is_number(v) || json_is_boolean(v)))
			json_object_set(res, k, v);
		json_decref(v);
	}
}

/* Read "hidden" (secrets an answer hands over, for the requests after
 * it and nothing else) into the context's "hidden", and add each to the
 * redaction list before anything else reads the answer. */
void
soc_conn_read_hidden(struct soc_conn *c, struct soc_conn_render *r, const json_t *spec,
    const json_t *body, const struct soc_buf *text)
{
	json_t *h = json_object_get(r->ctx, "hidden");
	const char *k;
	const json_t *p;

	json_object_foreach((json_t *)spec, k, p) {
		json_t *v = json_is_string(p) ?
		    answer_value(body, text, json_string_value(p)) : NULL;

		if (json_is_string(v)) {
			soc_redact_add(&c->red, json_string_value(v));
			if (!h) {
				h = json_object();
				json_object_set_new((json_t *)r->ctx, "hidden", h);
			}
			json_object_set(h, k, v);
		}
		json_decref(v);
	}
}

/* Wipe the hidden values of a context before it goes. */
void
soc_conn_wipe_hidden(const json_t *ctx)
{
	const char *k;
	json_t *v;

	json_object_foreach(json_object_get(ctx, "hidden"), k, v)
		if (json_is_string(v))
			sodium_memzero((char *)json_string_value(v),
			    json_string_length(v));
}

/* A read connector's query: the array at path in the answer, as
 * "records" in res, redacted (its text passes the redaction list whole,
 * then is read again).  Only read connectors return records. */
void
soc_conn_read_records(struct soc_conn *c, const char *path, const json_t *body,
    json_t *res)
{
	const json_t *v = soc_conn_path(body, path);
	char *text, *clean;
	json_t *r;

	if (!json_is_array(v) || strcmp(json_string_value(json_object_get(
	    c->tmpl, "access")), "read") != 0)
		return;
	if (!(text = json_dumps(v, JSON_COMPACT)))
		soc_die(SOC_EX_SOFTWARE, "out of memory");
	clean = soc_redact_str(&c->red, text);
	if ((r = json_loads(clean, 0, NULL)))
		json_object_set_new(res, "records", r);
	free(clean);
	free(text);
}

int
soc_conn_in_list(const json_t *list, const json_t *v)
{
	const json_t *x;
	size_t i;

	json_array_foreach(list, i, x)
		if (json_equal((json_t *)x, (json_t *)v))
			return 1;
	return 0;
}

/* Does "result" read any JSON path (so an answer that is not JSON is a
 * failure)? */
int
soc_conn_wants_json(const json_t *spec)
{
	const char *k;
	const json_t *p;

	json_object_foreach((json_t *)spec, k, p)
		if (json_is_string(p) && strncmp(json_string_value(p), "xml:", 4) != 0)
			return 1;
	return 0;
}
