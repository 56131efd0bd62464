/* verify.c: soc-audit verify, show, prove, consistency and verify-proof. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "audit.h"
#include "buf.h"
#include "err.h"
#include "merkle.h"
#include "ndjson.h"
#include "note.h"
#include "cli.h"

static void
json_report(const struct soc_audit_report *r)
{
	json_t *o = json_object(), *w = json_array();
	const char *res = r->result == 0 ? "ok" : r->result == 1 ? "tampered" :
	    r->result == 75 ? "incomplete" : "error";
	char b64[48], *s, *p, *nl;
	long long seq;
	char code[64];

	for (p = r->warnings.p; p && *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (sscanf(p, "%63s %lld", code, &seq) == 2)
			json_array_append_new(w, json_pack("{s:s,s:I}", "code", code,
			    "seq", (json_int_t)seq));
		if (!nl)
			break;
	}
	soc_note_b64_encode(r->root, SOC_HASH_LEN, b64);
	json_object_set_new(o, "result", json_string(res));
	json_object_set_new(o, "exit", json_integer(r->result));
	json_object_set_new(o, "reason", json_string(r->reason));
	json_object_set_new(o, "detail", json_string(r->detail));
	json_object_set_new(o, "first_bad_seq", r->first_bad_seq < 0 ? json_null() :
	    json_integer(r->first_bad_seq));
	json_object_set_new(o, "log_entries", json_integer((json_int_t)r->entries));
	json_object_set_new(o, "checkpoint_size",
	    json_integer((json_int_t)r->checkpoint_size));
	json_object_set_new(o, "unsealed", json_integer((json_int_t)r->unsealed));
	json_object_set_new(o, "origin", json_string(r->origin));
	json_object_set_new(o, "key", r->key[0] ? json_string(r->key) : json_null());
	json_object_set_new(o, "root", json_string(b64));
	json_object_set_new(o, "warnings", w);
	json_object_set_new(o, "evidence", r->evidence.len ?
	    json_stringn(r->evidence.p, r->evidence.len) : json_null());
	s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	printf("%s\n", s);
	free(s);
	json_decref(o);
}

int
cmd_verify(void)
{
	struct soc_audit_verify_opts *vo = soc_xcalloc(1, sizeof *vo);
	struct soc_audit_report r;
	char *p, *nl;
	int rc;

	load_keyring(vo);
	vo->logdir = g.logdir;
	vo->origin = g.origin;
	vo->pin = g.pin;
	vo->strict = g.strict;
	vo->follow_rotations = g.follow;
	soc_audit_report_init(&r);
	rc = soc_audit_verify(vo, &r);
	if (g.json) {
		json_report(&r);
	} else {
		for (p = r.warnings.p; p && *p; p = nl + 1) {
			nl = strchr(p, '\n');
			printf("warning: %.*s\n", nl ? (int)(nl - p) : (int)strlen(p), p);
			if (!nl)
				break;
		}
		if (rc == 0)
			printf("verified: %llu entries, checkpoint size %llu, origin %s\n",
			    (unsigned long long)r.entries,
			    (unsigned long long)r.checkpoint_size, r.origin);
		else if (r.first_bad_seq >= 0)
			printf("%s: %s at seq %lld: %s\n", rc == 1 ? "FAILED" :
			    rc == 75 ? "INCOMPLETE" : "ERROR", r.reason,
			    (long long)r.first_bad_seq, r.detail);
		else
			printf("%s: %s: %s\n", rc == 1 ? "FAILED" : rc == 75 ?
			    "INCOMPLETE" : "ERROR", r.reason, r.detail);
		/* the key is only as good as the channel the vkey came by:
		 * say which one was trusted, so a person can compare it */
		if (r.key[0])
			printf("trusted key: %s\n", r.key);
		if (r.evidence.len)
			fwrite(r.evidence.p, 1, r.evidence.len, stdout);
	}
	soc_audit_report_release(&r);
	free(vo);
	if (fflush(stdout) != 0 || ferror(stdout))
		soc_die(SOC_EX_IOERR, "cannot write the report");
	return rc;
}

int
cmd_show(void)
{
	char *path = soc_xasprintf("%s/audit.log", g.logdir);
	struct soc_reader r;
	struct soc_out out;
	struct soc_rejects rej;
	unsigned long long seq = 0;
	json_t *o;
	int st;

	soc_out_init(&out, 1);
	soc_rejects_open(&rej, NULL);
	rej.quiet = 1;
	if (soc_reader_open(&r, path, SOC_AUDIT_MAX_LINE + 1, NULL, &rej) != 0)
		soc_die_errno(errno == ENOENT ? SOC_EX_NOINPUT : SOC_EX_IOERR,
		    "cannot open '%s'", path);
	free(path);
	while ((st = soc_reader_line(&r)) == 1) {
		seq = r.lineno - 1;
		if ((int64_t)seq < g.from)
			continue;
		if (g.to >= 0 && (int64_t)seq > g.to)
			break;
		if (g.grep && !memmem(r.line, r.len, g.grep, strlen(g.grep)))
			continue;
		if (g.kind) {
			o = json_loadb(r.line, r.len, 0, NULL);
			if (!o || !json_is_string(json_object_get(o, "kind")) ||
			    strcmp(json_string_value(json_object_get(o, "kind")),
			    g.kind) != 0) {
				json_decref(o);
				continue;
			}
			json_decref(o);
		}
		soc_out_line(&out, r.line, r.len);
	}
	soc_reader_close(&r);
	soc_rejects_close(&rej);
	return soc_out_close(&out) ? SOC_EX_IOERR : st < 0 ? SOC_EX_IOERR : 0;
}

int
cmd_proof(int consistency)
{
	struct soc_buf b = SOC_BUF_INIT;
	char *err = NULL;
	int rc;

	if (consistency && !g.has_old)
		soc_die(SOC_EX_USAGE, "consistency needs --old M");
	if (!consistency && !g.has_index)
		soc_die(SOC_EX_USAGE, "prove needs --index K");
	rc = consistency ? soc_audit_consistency(g.logdir, (uint64_t)g.old, &b, &err) :
	    soc_audit_prove(g.logdir, (uint64_t)g.index, &b, &err);
	if (rc != 0)
		soc_die(errno == ENOENT ? SOC_EX_NOINPUT : SOC_EX_USAGE, "%s", err);
	if (fwrite(b.p, 1, b.len, stdout) != b.len || fflush(stdout) != 0)
		soc_die(SOC_EX_IOERR, "cannot write the proof");
	soc_buf_release(&b);
	return 0;
}

/* Check a c2sp.org/tlog-proof@v1 file against the keyring. */
/* The proof in file (NULL: stdin), whole. */
static void
read_proof(const char *file, struct soc_buf *b)
{
	FILE *f = file ? fopen(file, "r") : stdin;
	char tmp[4096];
	size_t n;

	if (!f)
		soc_die_errno(SOC_EX_NOINPUT, "cannot open '%s'", file);
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
		if (soc_buf_add(b, tmp, n) != 0)
			soc_die(SOC_EX_DATAERR, "proof too large");
	if (file)
		fclose(f);
}

/* The line "index N" from p to nl: N, 0; or -1. */
static int
index_line(const char *p, const char *nl, int64_t *index)
{
	char num[24];

	if (nl - p < 7 || memcmp(p, "index ", 6) != 0 ||
	    (size_t)(nl - p - 6) >= sizeof num)
		return -1;
	memcpy(num, p + 6, (size_t)(nl - p - 6));
	num[nl - p - 6] = '\0';
	return soc_parse_i64(num, 0, INT64_MAX, index) != 0 ? -1 : 0;
}

int
cmd_verify_proof(const char *file)
{
	struct soc_audit_verify_opts *vo = soc_xcalloc(1, sizeof *vo);
	struct soc_buf b = SOC_BUF_INIT;
	struct soc_note *note = soc_xmalloc(sizeof *note);
	struct soc_checkpoint c;
	unsigned char proof[SOC_MERKLE_MAX_PROOF][SOC_HASH_LEN], leaf[SOC_HASH_LEN];
	unsigned char *extra = NULL;
	const char *why = "malformed proof", *p, *nl, *end;
	size_t np = 0, elen = 0, hl;
	uint64_t valid;
	size_t bad;
	int64_t index = -1;
	int rc = 1;

	load_keyring(vo);
	read_proof(file, &b);
	p = b.p ? b.p : "";
	end = p + b.len;
#define LINE() (nl = memchr(p, '\n', (size_t)(end - p)))
	if (!LINE() || (size_t)(nl - p) != 22 || memcmp(p, "c2sp.org/tlog-proof@v1", 22))
		goto done;
	p = nl + 1;
	if (LINE() && nl - p > 6 && memcmp(p, "extra ", 6) == 0) {
		extra = soc_xmalloc((size_t)(nl - p));
		if (sodium_base642bin(extra, (size_t)(nl - p), p + 6,
		    (size_t)(nl - p - 6), NULL, &elen, NULL,
		    sodium_base64_VARIANT_ORIGINAL) != 0)
			goto done;
		p = nl + 1;
	}
	if (!LINE() || index_line(p, nl, &index) != 0)
		goto done;
	p = nl + 1;
	while (LINE() && nl > p) {
		if (np == SOC_MERKLE_MAX_PROOF || soc_note_b64_decode(p,
		    (size_t)(nl - p), proof[np], SOC_HASH_LEN, &hl) != 0 || hl != 32)
			goto done;
		np++;
		p = nl + 1;
	}
	if (!nl)
		goto done;
	p = nl + 1;
	if (soc_note_parse(p, (size_t)(end - p), note, &why) != 0 ||
	    soc_note_checkpoint_parse(note->text, note->textlen, &c, &why) != 0)
		goto done;
	if (soc_note_verify(note, vo->keys, vo->nkeys, &valid, &bad) != 0 || !valid) {
		why = "checkpoint not signed by a trusted key";
		goto done;
	}
	if (!extra) {
		why = "no entry (extra line) to prove";
		goto done;
	}
	soc_merkle_leaf(extra, elen, leaf);
	if (soc_merkle_inclusion_verify((uint64_t)index, c.size, leaf,
	    (const unsigned char (*)[SOC_HASH_LEN])proof, np, c.root) != 0) {
		why = "inclusion proof does not match the signed root";
		goto done;
	}
	rc = 0;
done:
	if (rc == 0)
		printf("proof verified: entry %lld is in '%s' at size %llu\n",
		    (long long)index, c.origin, (unsigned long long)c.size);
	else
		printf("FAILED: %s\n", why);
	free(extra);
	free(note);
	free(vo);
	soc_buf_release(&b);
	return rc;
}
