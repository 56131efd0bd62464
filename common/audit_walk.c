/*
 * audit_walk: reading a log line by line and checking each entry in
 * order, shared by the appender (catching up after a crash) and the
 * verifier, so both hold every line to the same rules.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "audit_int.h"
#include "err.h"

#define LSRC_CAP ((size_t)1 << 20)

void
soc_audit_lsrc_fd(struct soc_audit_lsrc *s, int fd, uint64_t off, uint64_t len)
{
	memset(s, 0, sizeof *s);
	s->fd = fd;
	s->left = len;
	if (lseek(fd, (off_t)off, SEEK_SET) < 0)
		s->fd = -2;
	s->cap = LSRC_CAP;
	s->buf = soc_xmalloc(s->cap);
}

void
soc_audit_lsrc_mem(struct soc_audit_lsrc *s, const char *p, size_t n)
{
	memset(s, 0, sizeof *s);
	s->fd = -1;
	s->mem = p;
	s->left = n;
}

void
soc_audit_lsrc_release(struct soc_audit_lsrc *s)
{
	free(s->buf);
	s->buf = NULL;
}

static int
mem_next(struct soc_audit_lsrc *s)
{
	const char *nl;
	size_t lim;

	if (s->left == 0)
		return SOC_LS_EOF;
	lim = s->left < SOC_AUDIT_MAX_LINE + 1 ? (size_t)s->left :
	    SOC_AUDIT_MAX_LINE + 1;
	nl = memchr(s->mem, '\n', lim);
	s->line = s->mem;
	if (!nl) {
		if (lim == s->left) {
			s->len = (size_t)s->left;
			s->left = 0;
			return SOC_LS_FRAG;
		}
		return SOC_LS_LONG;
	}
	s->len = (size_t)(nl - s->mem);
	s->mem = nl + 1;
	s->left -= s->len + 1;
	return SOC_LS_LINE;
}

int
soc_audit_lsrc_next(struct soc_audit_lsrc *s)
{
	char *nl;
	ssize_t n;
	size_t want;

	if (s->fd == -1)
		return mem_next(s);
	if (s->fd == -2)
		return SOC_LS_ERR;
	for (;;) {
		nl = memchr(s->buf + s->start, '\n', s->end - s->start);
		if (nl && (size_t)(nl - (s->buf + s->start)) <= SOC_AUDIT_MAX_LINE) {
			s->line = s->buf + s->start;
			s->len = (size_t)(nl - s->line);
			s->start += s->len + 1;
			return SOC_LS_LINE;
		}
		if (nl || s->end - s->start > SOC_AUDIT_MAX_LINE)
			return SOC_LS_LONG;
		if (s->left == 0) {
			if (s->end == s->start)
				return SOC_LS_EOF;
			s->line = s->buf + s->start;
			s->len = s->end - s->start;
			s->start = s->end;
			return SOC_LS_FRAG;
		}
		if (s->start > 0) {
			memmove(s->buf, s->buf + s->start, s->end - s->start);
			s->end -= s->start;
			s->start = 0;
		}
		want = s->cap - s->end;
		if (want > s->left)
			want = (size_t)s->left;
		n = read(s->fd, s->buf + s->end, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return SOC_LS_ERR;
		if (n == 0) {
			s->left = 0;	/* the file shrank under us */
			continue;
		}
		s->end += (size_t)n;
		s->left -= (uint64_t)n;
	}
}

void
soc_audit_walk_init(struct soc_audit_walk *w, const char *origin,
    struct soc_audit_keyring *kr)
{
	memset(w, 0, sizeof *w);
	soc_merkle_frontier_init(&w->f);
	if (origin)
		snprintf(w->origin, sizeof w->origin, "%s", origin);
	w->kr = kr;
	w->bad_seq = -1;
	w->first_noncanon = -1;
}

/* A line that is a torn write (not an entry): add its leaf, remember it
 * for the recovery entry.  -1 when too many are pending. */
static int
walk_torn(struct soc_audit_walk *w, const char *p, size_t n)
{
	unsigned char leaf[SOC_HASH_LEN];
	struct soc_audit_torn *t;

	if (w->ntorn == SOC_AUDIT_MAX_TORN)
		return -1;
	t = &w->torn[w->ntorn++];
	t->seq = w->f.size;
	t->bytes = n;
	soc_merkle_sha256(p, n, t->h);
	soc_merkle_leaf(p, n, leaf);
	soc_merkle_frontier_add(&w->f, leaf);
	return 0;
}

void
soc_audit_b64_hash(const unsigned char h[SOC_HASH_LEN], char out[44])
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, o = 0;
	uint32_t v;

	for (i = 0; i + 3 <= SOC_HASH_LEN; i += 3) {
		v = (uint32_t)h[i] << 16 | (uint32_t)h[i + 1] << 8 | h[i + 2];
		out[o++] = tab[v >> 18];
		out[o++] = tab[v >> 12 & 63];
		out[o++] = tab[v >> 6 & 63];
		out[o++] = tab[v & 63];
	}
	v = (uint32_t)h[30] << 16 | (uint32_t)h[31] << 8;
	out[o++] = tab[v >> 18];
	out[o++] = tab[v >> 12 & 63];
	out[o++] = tab[v >> 6 & 63];
	out[o] = '=';
}

static const char *
fail(struct soc_audit_walk *w, int64_t seq, const char *reason,
    const char *fmt, const char *arg)
{
	w->bad_seq = seq;
	snprintf(w->detail, sizeof w->detail, fmt, arg);
	return reason;
}

static int
span_is(const char *p, size_t n, const char *s)
{
	return p && strlen(s) == n && memcmp(p, s, n) == 0;
}

/* The data member as a jansson object; new reference or NULL. */
static json_t *
data_of(const struct soc_audit_fields *fl)
{
	if (!fl->data)
		return NULL;
	return json_loadb(fl->data, fl->datalen, JSON_REJECT_DUPLICATES, NULL);
}

static int
find_key(struct soc_audit_keyring *kr, const struct soc_note_vkey *k)
{
	size_t i;

	for (i = 0; i < kr->n; i++)
		if (strcmp(kr->keys[i].name, k->name) == 0 &&
		    memcmp(kr->keys[i].pk, k->pk, 32) == 0)
			return (int)i;
	return -1;
}

static const char *
special(struct soc_audit_walk *w, const struct soc_audit_fields *fl,
    int64_t seq)
{
	struct soc_note_vkey ov, nv;
	const char *ov_s, *nv_s, *o, *vk;
	json_t *d;
	int oi, ni;

	if (span_is(fl->kind, fl->kindlen, "genesis") != (seq == 0))
		return fail(w, seq, "GENESIS_INVALID", "%s", seq == 0 ?
		    "entry 0 is not the genesis entry" : "a second genesis entry");
	if (seq == 0) {
		struct soc_note_vkey gk;

		d = data_of(fl);
		o = json_string_value(json_object_get(d, "origin"));
		vk = json_string_value(json_object_get(d, "vkey"));
		if (!o || !vk || soc_note_vkey_parse(vk, strlen(vk), &gk) != 0 ||
		    strcmp(gk.name, o) != 0) {
			json_decref(d);
			return fail(w, seq, "GENESIS_INVALID", "%s",
			    "genesis entry without a valid origin and vkey");
		}
		if (w->origin[0] && strcmp(o, w->origin) != 0) {
			fail(w, seq, "ORIGIN_MISMATCH", "genesis names origin '%s'", o);
			json_decref(d);
			return "ORIGIN_MISMATCH";
		}
		json_decref(d);
		return NULL;
	}
	if (span_is(fl->kind, fl->kindlen, "key_rotation")) {
		d = data_of(fl);
		ov_s = json_string_value(json_object_get(d, "old_vkey"));
		nv_s = json_string_value(json_object_get(d, "new_vkey"));
		if (!ov_s || !nv_s || soc_note_vkey_parse(ov_s, strlen(ov_s), &ov) ||
		    soc_note_vkey_parse(nv_s, strlen(nv_s), &nv)) {
			json_decref(d);
			return fail(w, seq, "ENTRY_INVALID", "%s",
			    "key_rotation without two valid vkeys");
		}
		json_decref(d);
		if (w->kr) {
			struct soc_audit_keyring *kr = w->kr;

			oi = find_key(kr, &ov);
			ni = find_key(kr, &nv);
			/* the old key signs nothing alone past this entry */
			if (oi >= 0 && kr->m[oi].until > (uint64_t)seq + 1)
				kr->m[oi].until = (uint64_t)seq + 1;
			if (ni < 0 && oi >= 0 && kr->follow &&
			    kr->n < SOC_AUDIT_MAX_KEYS) {
				ni = (int)kr->n++;
				kr->keys[ni] = nv;
				kr->m[ni].from = (uint64_t)seq + 1;
				kr->m[ni].until = UINT64_MAX;
				kr->m[ni].pending = 1;
				kr->m[ni].parent = oi;
			}
		}
	}
	return NULL;
}

static const char *
check_recovery(struct soc_audit_walk *w, const struct soc_audit_fields *fl,
    int64_t seq)
{
	char hex[2 * SOC_HASH_LEN + 1];
	json_t *d, *t, *x;
	size_t i;
	int okay;

	if (!span_is(fl->kind, fl->kindlen, "recovery"))
		return fail(w, (int64_t)w->torn[0].seq, "JSON_INVALID", "%s",
		    w->cr ? "not JSON, CR_DETECTED (line endings converted?)" :
		    "not JSON, and no recovery entry follows it");
	d = data_of(fl);
	t = json_object_get(d, "torn");
	okay = json_is_array(t) && json_array_size(t) == w->ntorn;
	for (i = 0; okay && i < w->ntorn; i++) {
		x = json_array_get(t, i);
		sodium_bin2hex(hex, sizeof hex, w->torn[i].h, SOC_HASH_LEN);
		okay = json_integer_value(json_object_get(x, "seq")) ==
		    (json_int_t)w->torn[i].seq &&
		    json_integer_value(json_object_get(x, "bytes")) ==
		    (json_int_t)w->torn[i].bytes &&
		    json_is_string(json_object_get(x, "sha256")) &&
		    strcmp(json_string_value(json_object_get(x, "sha256")), hex) == 0;
	}
	json_decref(d);
	if (!okay)
		return fail(w, seq, "RECOVERY_INVALID", "%s",
		    "recovery entry does not name the torn lines before it");
	w->ntorn = 0;
	w->cr = 0;
	return NULL;
}

const char *
soc_audit_walk_line(struct soc_audit_walk *w, const char *p, size_t n)
{
	struct soc_audit_fields fl;
	enum soc_audit_line cls;
	unsigned char leaf[SOC_HASH_LEN], root[SOC_HASH_LEN];
	char rb64[48];
	const char *why, *r;
	int64_t seq = (int64_t)w->f.size, got;
	size_t i;

	cls = soc_audit_line_check(p, n, &fl, &why);
	switch (cls) {
	case SOC_AUDIT_LINE_INVALID:
		/* possibly a torn write: acceptable only when the next entry
		 * is the recovery that names it */
		if (memchr(p, '\r', n))
			w->cr = 1;
		if (walk_torn(w, p, n) != 0)
			return fail(w, (int64_t)w->torn[0].seq, "JSON_INVALID", "%s",
			    "too many lines that are not JSON");
		return NULL;
	case SOC_AUDIT_LINE_DUPKEY:
		return fail(w, seq, "DUPLICATE_KEY", "%s", why);
	case SOC_AUDIT_LINE_PROFILE:
		return fail(w, seq, "PROFILE_VIOLATION", "%s", why);
	case SOC_AUDIT_LINE_NONCANON:
		if (!w->noncanon++)
			w->first_noncanon = seq;
		break;
	case SOC_AUDIT_LINE_OK:
		break;
	}
	if (!fl.seq || !fl.prev || !fl.kind || !fl.ts || !span_is(fl.v, fl.vlen, "1"))
		return fail(w, seq, "ENTRY_INVALID", "%s",
		    "missing seq, prev, kind, ts or v:1");
	if (w->ntorn) {
		/* after a torn line, only its recovery entry may come */
		if ((r = check_recovery(w, &fl, seq)) != NULL)
			return r;
	} else if (span_is(fl.kind, fl.kindlen, "recovery")) {
		return fail(w, seq, "RECOVERY_INVALID", "%s",
		    "recovery entry without a torn line before it");
	}
	got = 0;
	for (i = 0; i < fl.seqlen; i++) {
		if (fl.seq[i] < '0' || fl.seq[i] > '9' || i > 17) {
			got = -1;
			break;
		}
		got = got * 10 + (fl.seq[i] - '0');
	}
	if (got != seq) {
		w->bad_seq = seq;
		snprintf(w->detail, sizeof w->detail, "seq is %.*s, expected %lld",
		    (int)(fl.seqlen > 24 ? 24 : fl.seqlen), fl.seq, (long long)seq);
		return "SEQ_MISMATCH";
	}
	soc_merkle_frontier_root(&w->f, root);
	soc_audit_b64_hash(root, rb64);
	if (fl.prevlen != 44 || memcmp(fl.prev, rb64, 44) != 0)
		return fail(w, seq, "PREV_MISMATCH", "%s",
		    "prev is not the tree head of the entries before it");
	if ((r = special(w, &fl, seq)) != NULL)
		return r;
	soc_merkle_leaf(p, n, leaf);
	soc_merkle_frontier_add(&w->f, leaf);
	return NULL;
}

/* ---- batch headers ---- */

/*
 * The text a batch header's signature covers: a domain line, then the
 * log's origin, the header's own seq and prev (base64, as stored) and the
 * number of lines the batch holds after the header, each ending in LF.
 * `openssl pkeyutl -verify -rawin` checks it against the vkey's key.
 */
static int
batch_text(struct soc_buf *t, const char *origin, const char *seq,
    size_t seqlen, const char *prev, size_t prevlen, uint64_t lines)
{
	return soc_buf_addf(t, "soc-audit/batch/v1\n%s\n%.*s\n%.*s\n%llu\n",
	    origin, (int)seqlen, seq, (int)prevlen, prev,
	    (unsigned long long)lines);
}

int
soc_audit_batch_data(const struct soc_note_skey *k, uint64_t seq,
    const unsigned char root[SOC_HASH_LEN], uint64_t lines,
    struct soc_buf *data)
{
	struct soc_buf t = SOC_BUF_INIT;
	unsigned char raw[4 + crypto_sign_BYTES];
	char prev[48], num[24], b64[128];
	int n, rc = -1;

	soc_note_b64_encode(root, SOC_HASH_LEN, prev);
	n = snprintf(num, sizeof num, "%llu", (unsigned long long)seq);
	if (batch_text(&t, k->name, num, (size_t)n, prev, 44, lines) != 0)
		goto out;
	memcpy(raw, k->id, 4);
	if (crypto_sign_detached(raw + 4, NULL, (const unsigned char *)t.p,
	    t.len, k->sk) != 0)
		goto out;
	soc_note_b64_encode(raw, sizeof raw, b64);
	rc = soc_buf_addf(data, "{\"lines\":%llu,\"sig\":\"%s\"}",
	    (unsigned long long)lines, b64);
out:
	soc_buf_release(&t);
	return rc;
}

int
soc_audit_batch_check(const char *p, size_t n, const char *origin,
    const struct soc_note_vkey *keys, size_t nkeys, uint64_t usable,
    uint64_t *lines, const char **why)
{
	struct soc_audit_fields fl;
	struct soc_buf t = SOC_BUF_INIT;
	unsigned char raw[4 + crypto_sign_BYTES + 4];
	const char *d, *e, *sig, *num;
	uint64_t v = 0;
	size_t i, rl, siglen;
	int rc = -1;

	if (soc_audit_line_check(p, n, &fl, why) != SOC_AUDIT_LINE_OK) {
		*why = "not a canonical entry";
		return -1;
	}
	if (!span_is(fl.kind, fl.kindlen, "batch") || !fl.data || !fl.seq ||
	    !fl.prev) {
		*why = "it is not a batch header";
		return -1;
	}
	/* data is exactly {"lines":N,"sig":"B64"} */
	d = fl.data;
	e = fl.data + fl.datalen;
	if (fl.datalen < 12 || memcmp(d, "{\"lines\":", 9) != 0)
		goto malformed;
	for (num = d += 9, i = 0; d < e && *d >= '0' && *d <= '9' && i < 16;
	    d++, i++)
		v = v * 10 + (uint64_t)(*d - '0');
	if (i == 0 || (i > 1 && *num == '0') ||
	    (size_t)(e - d) < 10 || memcmp(d, ",\"sig\":\"", 8) != 0 ||
	    memcmp(e - 2, "\"}", 2) != 0)
		goto malformed;
	sig = d + 8;
	siglen = (size_t)(e - 2 - sig);
	if (soc_note_b64_decode(sig, siglen, raw, sizeof raw, &rl) != 0 ||
	    rl != 4 + crypto_sign_BYTES)
		goto malformed;
	if (batch_text(&t, origin, fl.seq, fl.seqlen, fl.prev, fl.prevlen, v) != 0)
		goto malformed;
	*why = "the batch header is not signed by a trusted key";
	for (i = 0; i < nkeys && i < 64; i++) {
		if (!(usable >> i & 1) || strcmp(keys[i].name, origin) != 0 ||
		    memcmp(keys[i].id, raw, 4) != 0)
			continue;
		if (crypto_sign_verify_detached(raw + 4, (const unsigned char *)t.p,
		    t.len, keys[i].pk) == 0) {
			*lines = v;
			rc = 0;
			break;
		}
		*why = "the batch header's signature does not verify";
	}
	soc_buf_release(&t);
	return rc;
malformed:
	soc_buf_release(&t);
	*why = "malformed batch header";
	return -1;
}
