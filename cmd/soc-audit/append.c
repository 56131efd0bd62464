/* append.c: soc-audit append, NDJSON lines to batched, durable entries. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "audit.h"
#include "err.h"
#include "ndjson.h"
#include "note.h"
#include "cli.h"

struct pending {
	struct soc_audit_entry e[BATCH_MAX];
	json_t *own[BATCH_MAX];
	char *text[BATCH_MAX];
	char *refs[BATCH_MAX][8];
	unsigned long lineno[BATCH_MAX];	/* of the input, for a reject */
	size_t n, bytes;
};

static void
pending_clear(struct pending *p)
{
	size_t i, j;

	for (i = 0; i < p->n; i++) {
		json_decref(p->own[i]);
		free(p->text[i]);
		p->text[i] = NULL;
		p->own[i] = NULL;
		for (j = 0; j < p->e[i].nrefs; j++)
			free(p->refs[i][j]);
	}
	p->n = 0;
	p->bytes = 0;
}

static void
flush_batch(struct soc_audit *a, struct pending *p, struct soc_out *out,
    struct soc_rejects *rej)
{
	struct soc_audit_receipt *r;
	char b64[48], line[128];
	size_t i, j, nr;
	int rc, n;

	if (!p->n)
		return;
	nr = p->n;
	r = soc_xcalloc(p->n, sizeof *r);
	rc = soc_audit_append_batch(a, p->e, p->n, r);
	if (rc == SOC_AUDIT_E_PROFILE || rc == SOC_AUDIT_E_USAGE) {
		/* an entry the library refused (too long once wrapped, nested
		 * one level too deep, a reserved kind): append the others one
		 * by one, reject it */
		for (i = j = 0; i < p->n; i++) {
			rc = soc_audit_append_batch(a, &p->e[i], 1, &r[j]);
			if (rc == SOC_AUDIT_E_PROFILE || rc == SOC_AUDIT_E_USAGE) {
				soc_reject(rej, "-", p->lineno[i], p->e[i].json ? p->e[i].json : "",
				    p->e[i].json ? p->e[i].jsonlen : 0, 0,
				    p->e[i].json ? p->e[i].jsonlen : 0, "%s",
				    soc_audit_error(a));
				continue;
			}
			if (rc != 0)
				break;
			j++;
		}
		if (rc == SOC_AUDIT_E_PROFILE || rc == SOC_AUDIT_E_USAGE)
			rc = 0;
		nr = j;		/* receipts for the appended ones */
	}
	if (rc != 0 && nr == p->n)
		nr = 0;		/* the batch failed whole: nothing is in the log */
	for (i = 0; i < nr; i++) {
		soc_note_b64_encode(r[i].leaf, SOC_HASH_LEN, b64);
		n = snprintf(line, sizeof line, "{\"leaf\":\"%s\",\"seq\":%llu}", b64,
		    (unsigned long long)r[i].seq);
		soc_out_line(out, line, (size_t)n);
	}
	if (rc != 0) {
		/* fail closed: no receipt for what is not durable */
		soc_out_flush(out);
		soc_die(lib_status(rc), "%s", soc_audit_error(a));
	}
	free(r);
	pending_clear(p);
}

/* A line is data for --kind (default evidence), or, without --kind, an
 * entry {"kind":K,"data":{...},"refs":[...]}. */
static int
take_line(struct pending *p, json_t *o, const char **why)
{
	struct soc_audit_entry *e = &p->e[p->n];
	json_t *k = json_object_get(o, "kind"), *d = json_object_get(o, "data");
	json_t *refs = json_object_get(o, "refs"), *x;
	size_t i;

	memset(e, 0, sizeof *e);
	if (!g.kind && json_is_string(k) && json_is_object(d) &&
	    json_object_size(o) == 2 + (refs != NULL)) {
		e->kind = json_string_value(k);
		e->data = d;
		if (refs) {
			if (!json_is_array(refs) || json_array_size(refs) > 8) {
				*why = "refs is not an array of at most 8 leaf hashes";
				return -1;
			}
			json_array_foreach(refs, i, x) {
				if (!json_is_string(x)) {
					*why = "refs holds a non-string";
					return -1;
				}
				p->refs[p->n][i] = soc_xstrdup(json_string_value(x));
			}
			e->nrefs = json_array_size(refs);
			e->refs = (const char *const *)p->refs[p->n];
		}
	} else {
		e->kind = g.kind ? g.kind : "evidence";
		e->data = o;
	}
	if (soc_audit_profile_check(e->data, why) != 0) {
		for (i = 0; i < e->nrefs; i++)
			free(p->refs[p->n][i]);
		return -1;
	}
	p->own[p->n++] = o;
	return 0;
}

/* The fast path for what programs send, {"kind":K,"data":{...}}: the
 * data made canonical from its bytes, with no tree.  1 when taken. */
static int
take_request(struct pending *p, const struct soc_span *span,
    struct soc_buf *canon)
{
	struct soc_audit_entry *e;
	const char *ks;
	size_t kl;
	char *t;

	soc_buf_reset(canon);
	if (g.kind || soc_audit_request_canon(span->p, span->len, &ks, &kl,
	    canon) != 0)
		return 0;
	e = &p->e[p->n];
	t = soc_xmalloc(kl + canon->len + 2);
	memcpy(t, ks, kl);
	t[kl] = '\0';
	memcpy(t + kl + 1, canon->p, canon->len);
	t[kl + 1 + canon->len] = '\0';
	memset(e, 0, sizeof *e);
	e->kind = t;
	e->json = t + kl + 1;
	e->jsonlen = canon->len;
	p->text[p->n] = t;
	p->own[p->n++] = NULL;
	p->bytes += span->len;
	return 1;
}

/* The fast path for a canonical line that is plain data: spliced into its
 * entry as it is, without a parse and a dump.  1 when taken. */
static int
take_canonical(struct pending *p, const struct soc_span *span)
{
	struct soc_audit_fields fl;
	struct soc_audit_entry *e;
	const char *why;

	if (soc_audit_line_check(span->p, span->len, &fl, &why) !=
	    SOC_AUDIT_LINE_OK || !(g.kind || !fl.kind || !fl.data))
		return 0;
	e = &p->e[p->n];
	memset(e, 0, sizeof *e);
	e->kind = g.kind ? g.kind : "evidence";
	p->text[p->n] = soc_xstrndup(span->p, span->len);
	e->json = p->text[p->n];
	e->jsonlen = span->len;
	p->own[p->n++] = NULL;
	p->bytes += span->len;
	return 1;
}

int
cmd_append(void)
{
	struct soc_audit *a;
	struct soc_reader r;
	struct soc_out out;
	struct soc_rejects rej;
	struct soc_span span;
	struct pending *p = soc_xcalloc(1, sizeof *p);
	struct soc_buf canon = SOC_BUF_INIT;
	json_error_t jerr;
	const char *why;
	char *err = NULL;
	json_t *o;
	int rc, st;
	size_t cap = g.batch > 0 ? (size_t)g.batch : BATCH_MAX;

	rc = soc_audit_open(&a, g.logdir, g.keyfile, &err);
	if (rc != 0)
		soc_die(lib_status(rc), "%s", err);
	soc_out_init(&out, 1);
	soc_rejects_open(&rej, g.o.rejects);
	if (soc_reader_open(&r, "-", g.o.max_line, &out, &rej) != 0)
		soc_die_errno(SOC_EX_NOINPUT, "cannot read stdin");
	while ((st = soc_reader_record(&r, &span)) == 1) {
		p->lineno[p->n] = r.lineno;	/* of the entry taken, if one is */
		if (take_request(p, &span, &canon) ||
		    take_canonical(p, &span)) {
			if (p->n == cap || p->bytes >= BATCH_BYTES || !soc_reader_ready(&r))
				flush_batch(a, p, &out, &rej);
			continue;
		}
		o = json_loadb(span.p, span.len, JSON_REJECT_DUPLICATES, &jerr);
		if (!o) {
			soc_reject(&rej, r.name, r.lineno, r.line, r.len, 0, r.len,
			    "%s", jerr.text);
		} else if (take_line(p, o, &why) != 0) {
			soc_reject(&rej, r.name, r.lineno, r.line, r.len, 0, r.len,
			    "not an audit entry: %s", why);
			json_decref(o);
		} else {
			p->bytes += span.len;
		}
		/* one durable batch per burst of input: a slow producer gets
		 * one append per line, a file gets big batches */
		if (p->n == cap || p->bytes >= BATCH_BYTES || !soc_reader_ready(&r))
			flush_batch(a, p, &out, &rej);
	}
	flush_batch(a, p, &out, &rej);
	soc_buf_release(&canon);
	soc_reader_close(&r);
	soc_audit_close(a);
	free(p);
	return soc_finish(&out, &rej, st < 0);
}
