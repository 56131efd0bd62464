/*
 * note: signed notes, Ed25519 keys and checkpoint bodies; see note.h.
 *
 * The rules follow Go's golang.org/x/mod/sumdb/note (Open, NewVerifier,
 * NewSigner) and C2SP signed-note / tlog-checkpoint; where those allow a
 * choice we take the strict one (lower-case hex key ids, no extension
 * lines in a checkpoint), since we only need to read what we write and
 * what Go writes.
 */
#include <stdint.h>
#include <string.h>

#include <sodium.h>

#include "buf.h"
#include "err.h"
#include "note.h"
#include "sha256.h"

static const char sig_prefix[] = "\xe2\x80\x94 ";	/* U+2014 EM DASH, space */
#define SIG_PREFIX_LEN 4
#define KEY_ALG_ED25519 0x01

size_t
soc_note_b64_encode(const void *p, size_t n, char *out)
{
	size_t cap = sodium_base64_ENCODED_LEN(n,
	    sodium_base64_VARIANT_ORIGINAL);

	sodium_bin2base64(out, cap, p, n, sodium_base64_VARIANT_ORIGINAL);
	return cap - 1;
}

int
soc_note_b64_decode(const char *s, size_t n, unsigned char *out, size_t max,
    size_t *outlen)
{
	char check[4 * (SOC_NOTE_MAX_SIGLEN / 3 + 2) + 1];
	const char *end = NULL;
	size_t len = 0;

	if (n == 0 || n % 4 != 0 || n >= sizeof check)
		return -1;
	if (sodium_base642bin(out, max, s, n, NULL, &len, &end,
	    sodium_base64_VARIANT_ORIGINAL) != 0 || end != s + n)
		return -1;
	/* Canonical only: the unused bits of the last symbol must be zero,
	 * which re-encoding checks. */
	if (soc_note_b64_encode(out, len, check) != n || memcmp(check, s, n) != 0)
		return -1;
	*outlen = len;
	return 0;
}

int
soc_note_name_ok(const char *name, size_t n)
{
	size_t i;

	if (n == 0 || n > SOC_NOTE_MAX_NAME)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c <= 0x20 || c >= 0x7f || c == '+')
			return 0;
	}
	return 1;
}

void
soc_note_init(void)
{
	if (sodium_init() < 0)
		soc_die(SOC_EX_SOFTWARE, "cannot initialise libsodium");
}

static void
key_id(const char *name, const unsigned char pk[32],
    unsigned char id[4])
{
	struct soc_sha256 s = SOC_SHA256_INIT;
	unsigned char h[SOC_SHA256_LEN];
	const unsigned char sep[2] = { '\n', KEY_ALG_ED25519 };

	soc_sha256_init(&s);
	soc_sha256_update(&s, name, strlen(name));
	soc_sha256_update(&s, sep, 2);
	soc_sha256_update(&s, pk, 32);
	soc_sha256_final(&s, h);
	soc_sha256_free(&s);
	memcpy(id, h, 4);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Split "name+hex8+base64(0x01 || 32 bytes)" at the first two '+' (the
 * base64 part may itself contain '+').  key gets the 32 bytes.
 */
static int
parse_key(const char *s, size_t n, char *name, unsigned char id[4],
    unsigned char key[32])
{
	unsigned char raw[40];
	const char *p1, *p2;
	size_t nlen, rlen, i;
	int hi, lo;

	p1 = memchr(s, '+', n);
	if (!p1)
		return -1;
	nlen = (size_t)(p1 - s);
	if (!soc_note_name_ok(s, nlen))
		return -1;
	p2 = p1 + 1;
	if ((size_t)(s + n - p2) < 9 || p2[8] != '+')
		return -1;
	for (i = 0; i < 4; i++) {
		hi = hexval(p2[2 * i]);
		lo = hexval(p2[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		id[i] = (unsigned char)(hi << 4 | lo);
	}
	p2 += 9;
	if (soc_note_b64_decode(p2, (size_t)(s + n - p2), raw, sizeof raw,
	    &rlen) != 0 || rlen != 33 || raw[0] != KEY_ALG_ED25519) {
		sodium_memzero(raw, sizeof raw);
		return -1;
	}
	memcpy(name, s, nlen);
	name[nlen] = '\0';
	memcpy(key, raw + 1, 32);
	sodium_memzero(raw, sizeof raw);
	return 0;
}

int
soc_note_vkey_parse(const char *s, size_t n, struct soc_note_vkey *k)
{
	unsigned char id[4];

	if (parse_key(s, n, k->name, k->id, k->pk) != 0)
		return -1;
	key_id(k->name, k->pk, id);
	return memcmp(id, k->id, 4) == 0 ? 0 : -1;
}

int
soc_note_skey_parse(const char *s, size_t n, struct soc_note_skey *k)
{
	static const char pfx[] = "PRIVATE+KEY+";
	unsigned char seed[32], id[4];
	char name[SOC_NOTE_MAX_NAME + 1];
	int rc;

	if (n < sizeof pfx - 1 || memcmp(s, pfx, sizeof pfx - 1) != 0)
		return -1;
	if (parse_key(s + sizeof pfx - 1, n - (sizeof pfx - 1), name, id,
	    seed) != 0)
		return -1;
	rc = soc_note_skey_from_seed(name, seed, k);
	sodium_memzero(seed, sizeof seed);
	if (rc == 0 && memcmp(id, k->id, 4) != 0) {
		soc_note_skey_wipe(k);
		return -1;
	}
	return rc;
}

int
soc_note_skey_from_seed(const char *name, const unsigned char seed[32],
    struct soc_note_skey *k)
{
	size_t n = strlen(name);

	if (!soc_note_name_ok(name, n))
		return -1;
	memcpy(k->name, name, n + 1);
	if (crypto_sign_seed_keypair(k->pk, k->sk, seed) != 0)
		return -1;
	key_id(k->name, k->pk, k->id);
	return 0;
}

void
soc_note_skey_public(const struct soc_note_skey *k, struct soc_note_vkey *v)
{
	memcpy(v->name, k->name, sizeof v->name);
	memcpy(v->id, k->id, 4);
	memcpy(v->pk, k->pk, 32);
}

void
soc_note_skey_wipe(struct soc_note_skey *k)
{
	sodium_memzero(k, sizeof *k);
}

static int
format_key(const char *pfx, const char *name, const unsigned char id[4],
    const unsigned char key[32], struct soc_buf *out)
{
	unsigned char raw[33];
	char b64[64];
	int rc;

	raw[0] = KEY_ALG_ED25519;
	memcpy(raw + 1, key, 32);
	soc_note_b64_encode(raw, sizeof raw, b64);
	rc = soc_buf_addf(out, "%s%s+%02x%02x%02x%02x+%s", pfx, name, id[0],
	    id[1], id[2], id[3], b64);
	sodium_memzero(raw, sizeof raw);
	sodium_memzero(b64, sizeof b64);
	return rc;
}

int
soc_note_vkey_format(const struct soc_note_vkey *k, struct soc_buf *out)
{
	return format_key("", k->name, k->id, k->pk, out);
}

int
soc_note_skey_format(const struct soc_note_skey *k, struct soc_buf *out)
{
	/* libsodium's sk is seed || pk: the seed is its first half. */
	return format_key("PRIVATE+KEY+", k->name, k->id, k->sk, out);
}

int
soc_note_sign(const struct soc_note_skey *k, const char *text, size_t n,
    struct soc_buf *out)
{
	unsigned char raw[4 + crypto_sign_BYTES];
	char b64[128];

	memcpy(raw, k->id, 4);
	if (crypto_sign_detached(raw + 4, NULL, (const unsigned char *)text, n,
	    k->sk) != 0)
		return -1;
	soc_note_b64_encode(raw, sizeof raw, b64);
	return soc_buf_addf(out, "%s%s %s\n", sig_prefix, k->name, b64);
}

/* Valid UTF-8 with no control character other than LF (Go's rule). */
static int
note_chars_ok(const unsigned char *p, size_t n)
{
	size_t i = 0, len, j;
	uint32_t cp;

	while (i < n) {
		unsigned char c = p[i];

		if (c < 0x80) {
			if (c < 0x20 && c != '\n')
				return 0;
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			len = 2;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			len = 3;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if (n - i < len)
			return 0;
		for (j = 1; j < len; j++) {
			if ((p[i + j] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i + j] & 0x3f);
		}
		if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
			return 0;
		i += len;
	}
	return 1;
}

int
soc_note_parse(const char *p, size_t n, struct soc_note *note,
    const char **why)
{
	const char *sigs, *end, *line, *nl, *sp;
	size_t i, llen;

	note->nsig = 0;
	if (!note_chars_ok((const unsigned char *)p, n)) {
		*why = "invalid UTF-8 or control character";
		return -1;
	}
	/* The text ends at the last blank line. */
	for (i = n; i >= 2; i--)
		if (p[i - 1] == '\n' && p[i - 2] == '\n')
			break;
	if (i < 2) {
		*why = "no blank line before the signatures";
		return -1;
	}
	note->text = p;
	note->textlen = i - 1;
	sigs = p + i;
	end = p + n;
	if (sigs == end || end[-1] != '\n') {
		*why = "signature block missing or not ending in a newline";
		return -1;
	}
	for (line = sigs; line < end; line = nl + 1) {
		struct soc_note_sig *s;

		nl = memchr(line, '\n', (size_t)(end - line));
		llen = (size_t)(nl - line);
		if (llen < SIG_PREFIX_LEN || memcmp(line, sig_prefix,
		    SIG_PREFIX_LEN) != 0) {
			*why = "signature line without the em dash prefix";
			return -1;
		}
		if (note->nsig == SOC_NOTE_MAX_SIGS) {
			*why = "too many signatures";
			return -1;
		}
		s = &note->sig[note->nsig];
		s->name = line + SIG_PREFIX_LEN;
		sp = memchr(s->name, ' ', (size_t)(nl - s->name));
		if (!sp) {
			*why = "signature line without a signature";
			return -1;
		}
		s->namelen = (size_t)(sp - s->name);
		if (!soc_note_name_ok(s->name, s->namelen)) {
			*why = "bad key name in a signature line";
			return -1;
		}
		if (soc_note_b64_decode(sp + 1, (size_t)(nl - sp - 1), s->raw,
		    sizeof s->raw, &s->rawlen) != 0 || s->rawlen < 5) {
			*why = "bad base64 in a signature line";
			return -1;
		}
		note->nsig++;
	}
	return 0;
}

int
soc_note_verify(const struct soc_note *note,
    const struct soc_note_vkey *keys, size_t nkeys, uint64_t *valid,
    size_t *bad)
{
	size_t i, k;

	SOC_ASSERT(nkeys <= 64);
	*valid = 0;
	for (i = 0; i < note->nsig; i++) {
		const struct soc_note_sig *s = &note->sig[i];

		for (k = 0; k < nkeys; k++) {
			if (strlen(keys[k].name) != s->namelen ||
			    memcmp(keys[k].name, s->name, s->namelen) != 0 ||
			    memcmp(keys[k].id, s->raw, 4) != 0)
				continue;
			if (s->rawlen != 4 + crypto_sign_BYTES ||
			    crypto_sign_verify_detached(s->raw + 4,
			    (const unsigned char *)note->text, note->textlen,
			    keys[k].pk) != 0) {
				*bad = k;
				return -1;
			}
			*valid |= (uint64_t)1 << k;
		}
	}
	return 0;
}

int
soc_note_checkpoint_parse(const char *text, size_t n,
    struct soc_checkpoint *c, const char **why)
{
	const char *l1, *l2, *l3, *end = text + n;
	size_t len, i, rlen;
	uint64_t v = 0;

	if (n == 0 || text[n - 1] != '\n') {
		*why = "checkpoint text does not end in a newline";
		return -1;
	}
	l1 = memchr(text, '\n', n);
	len = (size_t)(l1 - text);
	if (!soc_note_name_ok(text, len)) {
		*why = "bad origin line";
		return -1;
	}
	memcpy(c->origin, text, len);
	c->origin[len] = '\0';
	l1++;
	l2 = memchr(l1, '\n', (size_t)(end - l1));
	if (!l2) {
		*why = "missing tree size";
		return -1;
	}
	len = (size_t)(l2 - l1);
	if (len == 0 || len > 20 || (len > 1 && l1[0] == '0')) {
		*why = "tree size is not a canonical decimal";
		return -1;
	}
	for (i = 0; i < len; i++) {
		unsigned d;

		if (l1[i] < '0' || l1[i] > '9') {
			*why = "tree size is not a canonical decimal";
			return -1;
		}
		d = (unsigned)(l1[i] - '0');
		if (v > (UINT64_MAX - d) / 10) {
			*why = "tree size out of range";
			return -1;
		}
		v = v * 10 + d;
	}
	if (v > (uint64_t)INT64_MAX) {
		*why = "tree size out of range";
		return -1;
	}
	c->size = v;
	l2++;
	l3 = memchr(l2, '\n', (size_t)(end - l2));
	if (!l3 || l3 - l2 != 44 || soc_note_b64_decode(l2, 44, c->root,
	    sizeof c->root, &rlen) != 0 || rlen != 32) {
		*why = "root hash is not 44 characters of canonical base64";
		return -1;
	}
	if (l3 + 1 != end) {
		*why = "extension lines after the root hash";
		return -1;
	}
	return 0;
}

int
soc_note_checkpoint_text(const struct soc_checkpoint *c, struct soc_buf *out)
{
	char b64[48];

	soc_note_b64_encode(c->root, 32, b64);
	return soc_buf_addf(out, "%s\n%llu\n%s\n", c->origin,
	    (unsigned long long)c->size, b64);
}
