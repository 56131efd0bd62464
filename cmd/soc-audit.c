/*
 * soc-audit: the signed, append-only audit log from the command line.
 *
 * Reads: NDJSON on stdin for `append` (one entry per line), the log
 * directory (audit.log, checkpoint, checkpoints.log), key files.
 * Writes: receipts ({"leaf":...,"seq":N}) for `append`, entries for
 * `show`, proofs in the C2SP formats for `prove` and `consistency`, a
 * verdict for `verify` (human or --json).
 * Decides: nothing about the entries; every rule lives in common/audit*.c
 * so that soc-act, soc-decide and soc-score append through the same code.
 *
 * The default log is DIR/audit and the default key DIR/keys/audit.key in
 * the state directory (--state, $SOC_HOME, ...), so
 * `soc-audit init && ... | soc-audit append && soc-audit verify` needs no
 * flags.  Secrets are never printed: keygen prints the vkey only.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "audit.h"
#include "buf.h"
#include "err.h"
#include "merkle.h"
#include "ndjson.h"
#include "note.h"
#include "opt.h"
#include "state.h"

#define BATCH_MAX 4096
#define BATCH_BYTES ((size_t)8 << 20)

enum {
	OPT_LOG = 0x200, OPT_KEY, OPT_VKEY, OPT_ORIGIN, OPT_OUT, OPT_KIND,
	OPT_PIN, OPT_STRICT, OPT_JSON, OPT_FOLLOW, OPT_FROM, OPT_TO, OPT_GREP,
	OPT_INDEX, OPT_OLD, OPT_REASON, OPT_NEWKEY, OPT_BATCH,
};

static const struct option longopts[] = {
	{ "log", required_argument, NULL, OPT_LOG },
	{ "key", required_argument, NULL, OPT_KEY },
	{ "vkey", required_argument, NULL, OPT_VKEY },
	{ "origin", required_argument, NULL, OPT_ORIGIN },
	{ "out", required_argument, NULL, OPT_OUT },
	{ "kind", required_argument, NULL, OPT_KIND },
	{ "pin", required_argument, NULL, OPT_PIN },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "follow-rotations", no_argument, NULL, OPT_FOLLOW },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "to", required_argument, NULL, OPT_TO },
	{ "grep", required_argument, NULL, OPT_GREP },
	{ "index", required_argument, NULL, OPT_INDEX },
	{ "old", required_argument, NULL, OPT_OLD },
	{ "reason", required_argument, NULL, OPT_REASON },
	{ "new-key", required_argument, NULL, OPT_NEWKEY },
	{ "batch", required_argument, NULL, OPT_BATCH },
	SOC_OPT_LONG
};

static struct {
	struct soc_opts o;
	const char *log, *key, *origin, *out, *kind, *pin, *grep, *reason;
	const char *newkey;
	const char *vkeys[SOC_AUDIT_MAX_KEYS];
	size_t nvkeys;
	int strict, json, follow;
	int64_t from, to, index, old, batch;
	int has_index, has_old;
	char *logdir, *keyfile, *vkeyfile;	/* resolved */
} g;

static void
usage(int status)
{
	FILE *f = status ? stderr : stdout;

	fprintf(f,
	    "usage: soc-audit init [--log dir] [--origin name] [--key file] [--vkey file]\n"
	    "       soc-audit keygen --origin name [--out prefix]\n"
	    "       soc-audit append [--log dir] [--key file] [--kind kind] [--batch n]\n"
	    "       soc-audit verify [--log dir] [--vkey file ...] [--origin name]\n"
	    "                        [--pin file] [--strict] [--json] [--follow-rotations]\n"
	    "       soc-audit show [--log dir] [--from n] [--to n] [--kind kind]\n"
	    "                      [--grep text]\n"
	    "       soc-audit prove --index k [--log dir]\n"
	    "       soc-audit consistency --old m [--log dir]\n"
	    "       soc-audit verify-proof [--vkey file ...] [file]\n"
	    "       soc-audit rotate-key [--log dir] [--key file] [--vkey file]\n"
	    "                            [--new-key file] [--reason text]\n"
	    "\n"
	    "       Every form also takes [--state dir] [--rejects file]\n"
	    "       [--max-line bytes] [--help] [--version].\n");
	exit(status);
}

/* Map a library result to an exit status, after saying why. */
static int
lib_status(int rc)
{
	switch (rc) {
	case SOC_AUDIT_OK: return SOC_EX_OK;
	case SOC_AUDIT_E_TAMPERED: return SOC_EX_NEGATIVE;
	case SOC_AUDIT_E_PROFILE: return SOC_EX_DATAERR;
	case SOC_AUDIT_E_KEYPERM: return SOC_EX_NOPERM;
	case SOC_AUDIT_E_KEY: return SOC_EX_CONFIG;
	case SOC_AUDIT_E_LOCK: return SOC_EX_TEMPFAIL;
	case SOC_AUDIT_E_NOLOG: return SOC_EX_NOINPUT;
	case SOC_AUDIT_E_EXISTS: return SOC_EX_USAGE;
	case SOC_AUDIT_E_USAGE: return SOC_EX_USAGE;
	default: return SOC_EX_IOERR;
	}
}

static void
resolve_paths(void)
{
	g.logdir = g.log ? soc_xstrdup(g.log) : soc_audit_default_log(g.o.state);
	g.keyfile = g.key ? soc_xstrdup(g.key) : soc_audit_default_key(g.o.state);
	g.vkeyfile = g.nvkeys ? soc_xstrdup(g.vkeys[0]) :
	    soc_audit_default_vkey(g.o.state);
}

/* Load every vkey line of every --vkey file (or the default keyring). */
static void
load_keyring(struct soc_audit_verify_opts *vo)
{
	const char *files[SOC_AUDIT_MAX_KEYS];
	size_t nf = g.nvkeys, i;

	if (nf == 0) {
		files[0] = g.vkeyfile;
		nf = 1;
	} else {
		memcpy(files, g.vkeys, nf * sizeof files[0]);
	}
	for (i = 0; i < nf; i++) {
		struct soc_buf b = SOC_BUF_INIT;
		char *p, *nl;
		FILE *f = fopen(files[i], "r");
		char tmp[4096];
		size_t n;

		if (!f)
			soc_die_errno(errno == ENOENT ? SOC_EX_USAGE : SOC_EX_NOINPUT,
			    "cannot open vkey '%s'%s", files[i], errno == ENOENT &&
			    !g.nvkeys ? " (run soc-audit init, or give --vkey)" : "");
		while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
			if (soc_buf_add(&b, tmp, n) != 0)
				soc_die(SOC_EX_USAGE, "vkey '%s' is too large", files[i]);
		fclose(f);
		for (p = b.p; p && *p; p = nl + 1) {
			nl = strchr(p, '\n');
			if (!nl)
				nl = p + strlen(p);
			if (nl > p && nl[-1] == '\r')
				soc_die(SOC_EX_USAGE, "vkey '%s' has CRLF line ends", files[i]);
			if (nl > p) {
				if (vo->nkeys == SOC_AUDIT_MAX_KEYS)
					soc_die(SOC_EX_USAGE, "more than %d keys",
					    SOC_AUDIT_MAX_KEYS);
				if (soc_note_vkey_parse(p, (size_t)(nl - p),
				    &vo->keys[vo->nkeys]) != 0)
					soc_die(SOC_EX_USAGE, "'%s' holds a malformed vkey",
					    files[i]);
				vo->nkeys++;
			}
			if (!*nl)
				break;
		}
		soc_buf_release(&b);
	}
	if (vo->nkeys == 0)
		soc_die(SOC_EX_USAGE, "no verification key given");
}

static int
cmd_keygen(void)
{
	char *prefix, *k, *v, *err = NULL;
	struct soc_buf b = SOC_BUF_INIT;
	int rc;

	if (!g.origin)
		soc_die(SOC_EX_USAGE, "keygen needs --origin NAME");
	prefix = g.out ? soc_xstrdup(g.out) : NULL;
	if (!prefix) {
		char *d = soc_state_dir(g.o.state);

		prefix = soc_state_file(d, "keys/audit");
		free(d);
	}
	k = soc_xasprintf("%s.key", prefix);
	v = soc_xasprintf("%s.vkey", prefix);
	rc = soc_audit_keygen(k, v, g.origin, &err);
	if (rc != 0)
		soc_die(lib_status(rc), "%s", err);
	if (soc_audit_read_vkey_line(v, &b) == 0)
		printf("%s\n", b.p);
	soc_buf_release(&b);
	free(k);
	free(v);
	free(prefix);
	return 0;
}

static int
cmd_init(void)
{
	char *err = NULL, *d;
	struct soc_buf b = SOC_BUF_INIT;
	int rc;

	d = soc_state_dir(g.o.state);	/* created 0700 */
	free(d);
	rc = soc_audit_create(g.logdir, g.keyfile, g.vkeyfile, g.origin, &err);
	if (rc != 0)
		soc_die(lib_status(rc), "%s", err);
	if (soc_audit_read_vkey_line(g.vkeyfile, &b) == 0)
		printf("log %s\nvkey %s\n", g.logdir, b.p);
	else
		printf("log %s\n", g.logdir);
	soc_buf_release(&b);
	return 0;
}

struct pending {
	struct soc_audit_entry e[BATCH_MAX];
	json_t *own[BATCH_MAX];
	char *text[BATCH_MAX];
	char *refs[BATCH_MAX][8];
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
	if (rc == SOC_AUDIT_E_PROFILE && p->n > 1) {
		/* one entry the library refused (too long once wrapped, nested
		 * one level too deep): append the others one by one, reject it */
		for (i = j = 0; i < p->n; i++) {
			rc = soc_audit_append_batch(a, &p->e[i], 1, &r[j]);
			if (rc == SOC_AUDIT_E_PROFILE) {
				soc_reject(rej, "-", 0, p->e[i].json ? p->e[i].json : "",
				    p->e[i].json ? p->e[i].jsonlen : 0, 0,
				    p->e[i].json ? p->e[i].jsonlen : 0, "%s",
				    soc_audit_error(a));
				continue;
			}
			if (rc != 0)
				break;
			j++;
		}
		if (rc == SOC_AUDIT_E_PROFILE)
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

static int
cmd_append(void)
{
	struct soc_audit *a;
	struct soc_reader r;
	struct soc_out out;
	struct soc_rejects rej;
	struct soc_span span;
	struct pending *p = soc_xcalloc(1, sizeof *p);
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
		struct soc_audit_fields fl;

		/* Fast path: a canonical line that is plain data is spliced
		 * into its entry as it is, without a parse and a dump. */
		if (soc_audit_line_check(span.p, span.len, &fl, &why) ==
		    SOC_AUDIT_LINE_OK && (g.kind || !fl.kind || !fl.data)) {
			struct soc_audit_entry *e = &p->e[p->n];

			memset(e, 0, sizeof *e);
			e->kind = g.kind ? g.kind : "evidence";
			p->text[p->n] = soc_xstrndup(span.p, span.len);
			e->json = p->text[p->n];
			e->jsonlen = span.len;
			p->own[p->n++] = NULL;
			p->bytes += span.len;
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
	soc_reader_close(&r);
	soc_audit_close(a);
	free(p);
	return soc_finish(&out, &rej, st < 0);
}

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
	json_object_set_new(o, "root", json_string(b64));
	json_object_set_new(o, "warnings", w);
	json_object_set_new(o, "evidence", r->evidence.len ?
	    json_stringn(r->evidence.p, r->evidence.len) : json_null());
	s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	printf("%s\n", s);
	free(s);
	json_decref(o);
}

static int
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
		if (r.evidence.len)
			fwrite(r.evidence.p, 1, r.evidence.len, stdout);
	}
	soc_audit_report_release(&r);
	free(vo);
	if (fflush(stdout) != 0 || ferror(stdout))
		soc_die(SOC_EX_IOERR, "cannot write the report");
	return rc;
}

static int
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

static int
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
static int
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
	char tmp[4096];
	size_t n;
	FILE *f = file ? fopen(file, "r") : stdin;
	int rc = 1;

	load_keyring(vo);
	if (!f)
		soc_die_errno(SOC_EX_NOINPUT, "cannot open '%s'", file);
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
		if (soc_buf_add(&b, tmp, n) != 0)
			soc_die(SOC_EX_DATAERR, "proof too large");
	if (file)
		fclose(f);
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
	if (!LINE() || nl - p < 7 || memcmp(p, "index ", 6) != 0)
		goto done;
	{
		char num[24];

		if ((size_t)(nl - p - 6) >= sizeof num)
			goto done;
		memcpy(num, p + 6, (size_t)(nl - p - 6));
		num[nl - p - 6] = '\0';
		if (soc_parse_i64(num, 0, INT64_MAX, &index) != 0)
			goto done;
	}
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
	soc_merkle_init();
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

static int
cmd_rotate(void)
{
	struct soc_audit *a;
	struct soc_note_skey *nk = sodium_malloc(sizeof *nk);
	struct soc_note_vkey nv;
	struct soc_audit_receipt r;
	struct soc_buf b = SOC_BUF_INIT;
	char *err = NULL, *tmpkey = NULL;
	int rc, fd;

	if (!nk)
		soc_die(SOC_EX_SOFTWARE, "out of memory");
	rc = soc_audit_open(&a, g.logdir, g.keyfile, &err);
	if (rc != 0)
		soc_die(lib_status(rc), "%s", err);
	if (g.newkey) {
		rc = soc_audit_key_load(g.newkey, nk, &err);
		if (rc != 0)
			soc_die(lib_status(rc), "%s", err);
	} else {
		/* a fresh key beside the old one, swapped in once the log
		 * vouches for it */
		char *tmpv;
		const char *name = soc_audit_key_name(a);

		tmpkey = soc_xasprintf("%s.new", g.keyfile);
		tmpv = soc_xasprintf("%s.new.vkey", g.keyfile);
		unlink(tmpv);
		rc = soc_audit_keygen(tmpkey, tmpv, name, &err);
		unlink(tmpv);
		free(tmpv);
		if (rc != 0)
			soc_die(lib_status(rc), "%s", err);
		rc = soc_audit_key_load(tmpkey, nk, &err);
		if (rc != 0)
			soc_die(lib_status(rc), "%s", err);
	}
	rc = soc_audit_rotate(a, nk, g.reason, &r);
	if (rc != 0) {
		if (tmpkey)
			unlink(tmpkey);
		soc_die(lib_status(rc), "%s", soc_audit_error(a));
	}
	soc_note_skey_public(nk, &nv);
	sodium_free(nk);
	soc_audit_close(a);
	if (tmpkey) {
		/* overwrite the retired key before it goes */
		fd = open(g.keyfile, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0) {
			struct stat st;
			char z[512];

			memset(z, 0, sizeof z);
			if (fstat(fd, &st) == 0 && st.st_size <= (off_t)sizeof z)
				(void)!write(fd, z, (size_t)st.st_size);
			fsync(fd);
			close(fd);
		}
		if (rename(tmpkey, g.keyfile) != 0)
			soc_die_errno(SOC_EX_IOERR, "cannot move '%s' to '%s' (the log "
			    "already uses the new key)", tmpkey, g.keyfile);
		free(tmpkey);
	}
	/* publish: the new vkey joins the keyring file */
	soc_note_vkey_format(&nv, &b);
	soc_buf_addch(&b, '\n');
	fd = open(g.vkeyfile, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0644);
	if (fd < 0 || write(fd, b.p, b.len) != (ssize_t)b.len || fsync(fd) != 0)
		soc_die_errno(SOC_EX_IOERR, "cannot add the new vkey to '%s'",
		    g.vkeyfile);
	close(fd);
	printf("%.*s", (int)b.len, b.p);
	soc_buf_release(&b);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *verb;
	int c;

	/* RLIMIT_FSIZE must fail a write with EFBIG, not kill us */
	signal(SIGXFSZ, SIG_IGN);
	if (sodium_init() < 0)
		soc_die(SOC_EX_SOFTWARE, "cannot initialise libsodium");
	soc_opts_init(&g.o);
	g.from = 0;
	g.to = -1;
	/* the verb is the first operand; options may come before or after */
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_LOG: g.log = optarg; break;
		case OPT_KEY: g.key = optarg; break;
		case OPT_VKEY:
			if (g.nvkeys == SOC_AUDIT_MAX_KEYS)
				soc_die(SOC_EX_USAGE, "too many --vkey");
			g.vkeys[g.nvkeys++] = optarg;
			break;
		case OPT_ORIGIN: g.origin = optarg; break;
		case OPT_OUT: g.out = optarg; break;
		case OPT_KIND: g.kind = optarg; break;
		case OPT_PIN: g.pin = optarg; break;
		case OPT_STRICT: g.strict = 1; break;
		case OPT_JSON: g.json = 1; break;
		case OPT_FOLLOW: g.follow = 1; break;
		case OPT_GREP: g.grep = optarg; break;
		case OPT_REASON: g.reason = optarg; break;
		case OPT_NEWKEY: g.newkey = optarg; break;
		case OPT_FROM:
		case OPT_TO:
		case OPT_INDEX:
		case OPT_OLD:
		case OPT_BATCH: {
			int64_t v;

			if (soc_parse_i64(optarg, 0, INT64_MAX, &v) != 0) {
				soc_warn("not a number: '%s'", optarg);
				usage(SOC_EX_USAGE);
			}
			if (c == OPT_FROM) g.from = v;
			else if (c == OPT_TO) g.to = v;
			else if (c == OPT_INDEX) { g.index = v; g.has_index = 1; }
			else if (c == OPT_OLD) { g.old = v; g.has_old = 1; }
			else if (v < 1 || v > BATCH_MAX) {
				soc_warn("--batch: from 1 to %d", BATCH_MAX);
				usage(SOC_EX_USAGE);
			} else g.batch = v;
			break;
		}
		default:
			if (!soc_opt_common(c, optarg, &g.o, usage))
				usage(SOC_EX_USAGE);
		}
	}
	if (optind >= argc)
		usage(SOC_EX_USAGE);
	verb = argv[optind++];
	if (optind != argc && strcmp(verb, "verify-proof") != 0) {
		soc_warn("unexpected argument '%s'", argv[optind]);
		usage(SOC_EX_USAGE);
	}
	if (g.kind && strcmp(verb, "append") != 0 && strcmp(verb, "show") != 0)
		usage(SOC_EX_USAGE);
	resolve_paths();
	if (strcmp(verb, "init") == 0)
		return cmd_init();
	if (strcmp(verb, "keygen") == 0)
		return cmd_keygen();
	if (strcmp(verb, "append") == 0)
		return cmd_append();
	if (strcmp(verb, "verify") == 0)
		return cmd_verify();
	if (strcmp(verb, "show") == 0)
		return cmd_show();
	if (strcmp(verb, "prove") == 0)
		return cmd_proof(0);
	if (strcmp(verb, "consistency") == 0)
		return cmd_proof(1);
	if (strcmp(verb, "verify-proof") == 0)
		return cmd_verify_proof(optind < argc ? argv[optind] : NULL);
	if (strcmp(verb, "rotate-key") == 0)
		return cmd_rotate();
	soc_warn("unknown command '%s'", verb);
	usage(SOC_EX_USAGE);
}
