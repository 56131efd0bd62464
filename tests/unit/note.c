/*
 * note: RFC 8032 Ed25519 vectors, the Go x/mod note known answers, the
 * C2SP signed-note example and our own format KAT (audit-log reference
 * section 5.4 and 5.5); vkey/skey strictness (Go note_test: every
 * substring and every byte+1 of a key must be rejected); note parsing
 * and signature policy (unknown keys ignored, a known key that fails is
 * fatal, at most 100 signatures); checkpoint body strictness.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "buf.h"
#include "note.h"
#include "tap.h"

static void
unhex(const char *s, unsigned char *out, size_t max)
{
	size_t n;

	if (sodium_hex2bin(out, max, s, strlen(s), NULL, &n, NULL) != 0)
		abort();
}

static void
rfc8032(const char *seedhex, const char *pkhex, const char *msghex,
    const char *sighex, const char *name)
{
	unsigned char seed[32], pk[32], sk[64], msg[8], sig[64], want[64];
	size_t mlen = strlen(msghex) / 2;

	unhex(seedhex, seed, 32);
	unhex(msghex, msg, sizeof msg);
	unhex(sighex, want, 64);
	crypto_sign_seed_keypair(pk, sk, seed);
	{
		unsigned char wpk[32];

		unhex(pkhex, wpk, 32);
		ok(memcmp(pk, wpk, 32) == 0, "%s: public key", name);
	}
	crypto_sign_detached(sig, NULL, msg, mlen, sk);
	ok(memcmp(sig, want, 64) == 0, "%s: signature", name);
	ok(crypto_sign_verify_detached(sig, msg, mlen, pk) == 0, "%s: verifies", name);
	msg[0] ^= 1;
	ok(mlen == 0 || crypto_sign_verify_detached(sig, msg, mlen, pk) != 0,
	    "%s: other message fails", name);
	sodium_memzero(sk, sizeof sk);
}

static int
sign_line(const char *skey, const char *text, struct soc_buf *out)
{
	struct soc_note_skey k;
	int rc;

	if (soc_note_skey_parse(skey, strlen(skey), &k) != 0)
		return -1;
	rc = soc_note_sign(&k, text, strlen(text), out);
	soc_note_skey_wipe(&k);
	return rc;
}

static void
key_strictness(const char *vkey)
{
	struct soc_note_vkey k;
	char buf[256];
	size_t n = strlen(vkey), i, j;
	int accepted = 0;

	for (i = 0; i < n; i++)		/* every proper substring */
		for (j = i + 1; j <= n; j++)
			if (j - i < n && soc_note_vkey_parse(vkey + i, j - i, &k) == 0)
				accepted++;
	for (i = 0; i < n; i++) {	/* every byte + 1 */
		memcpy(buf, vkey, n);
		buf[i]++;
		if (soc_note_vkey_parse(buf, n, &k) == 0)
			accepted++;
	}
	ok(accepted == 0, "vkey: every substring and byte+1 rejected (%d accepted)",
	    accepted);
}

static int
parse_ckpt(const char *t)
{
	struct soc_checkpoint c;
	const char *why;

	return soc_note_checkpoint_parse(t, strlen(t), &c, &why);
}

int
main(void)
{
	struct soc_buf b = SOC_BUF_INIT;
	struct soc_note_skey sk;
	struct soc_note_vkey vk, keys[2];
	struct soc_note note;
	struct soc_checkpoint c;
	unsigned char seed[32];
	const char *why;
	uint64_t valid;
	size_t bad, i;
	char *text;

	if (sodium_init() < 0)
		return 1;
	rfc8032("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
	    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
	    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
	    "RFC 8032 TEST 1");
	rfc8032("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
	    "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
	    "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
	    "RFC 8032 TEST 2");

	/* Go x/mod note_test.go TestSign */
	sign_line("PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
	    "If you think cryptography is the answer to your problem,\n"
	    "then you don't know what your problem is.\n", &b);
	is_str(b.p, "\xe2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
	    "Go note TestSign: byte-identical signature line");
	{
		const char *v = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";

		ok(soc_note_vkey_parse(v, strlen(v), &vk) == 0, "Go vkey parses");
		soc_buf_reset(&b);
		soc_note_vkey_format(&vk, &b);
		is_str(b.p, v, "Go vkey round-trips");
		key_strictness(v);
	}

	/* C2SP signed-note example */
	{
		const char *v = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
		const char *n = "This is an example message.\n\n"
		    "\xe2\x80\x94 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";

		ok(soc_note_vkey_parse(v, strlen(v), &keys[0]) == 0, "C2SP vkey parses (key id matches)");
		ok(soc_note_parse(n, strlen(n), &note, &why) == 0, "C2SP note parses");
		ok(soc_note_verify(&note, keys, 1, &valid, &bad) == 0 && valid == 1,
		    "C2SP example note verifies");
	}

	/* our own KAT: seed 00..1f */
	for (i = 0; i < 32; i++)
		seed[i] = (unsigned char)i;
	ok(soc_note_skey_from_seed("soc.example/audit/demo-4f1c", seed, &sk) == 0,
	    "KAT key from seed");
	soc_buf_reset(&b);
	soc_note_skey_public(&sk, &vk);
	soc_note_vkey_format(&vk, &b);
	is_str(b.p, "soc.example/audit/demo-4f1c+bc800065+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4",
	    "KAT vkey");
	soc_buf_reset(&b);
	soc_note_skey_format(&sk, &b);
	is_str(b.p, "PRIVATE+KEY+soc.example/audit/demo-4f1c+bc800065+AQABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f",
	    "KAT skey");
	{
		struct soc_note_skey k2;

		ok(soc_note_skey_parse(b.p, b.len, &k2) == 0 &&
		    memcmp(k2.sk, sk.sk, 64) == 0, "KAT skey parses back");
		soc_note_skey_wipe(&k2);
		for (i = 0; i < sizeof k2; i++)
			if (((unsigned char *)&k2)[i])
				break;
		ok(i == sizeof k2, "skey wiped to zero");
	}
	sodium_memzero(b.p, b.len);
	soc_buf_reset(&b);
	text = "soc.example/audit/demo-4f1c\n5\nA3XmTnHqzizk/enbcWDSjMcMXaqy+J4rtctiATehHpY=\n";
	soc_buf_addstr(&b, text);
	soc_buf_addch(&b, '\n');
	soc_note_sign(&sk, text, strlen(text), &b);
	is_str(b.p + strlen(text) + 1,
	    "\xe2\x80\x94 soc.example/audit/demo-4f1c vIAAZU5Lheteu4IS4/deMpvGu+AMcoD/vWJXWogJwucOzGDuobYcleHbssMsJbWJ48Mc2EIQG+16FVp5rOEWUuygHQ8=\n",
	    "KAT checkpoint signature line");
	ok(soc_note_parse(b.p, b.len, &note, &why) == 0 && note.nsig == 1 &&
	    note.textlen == strlen(text), "KAT note parses");
	ok(soc_note_checkpoint_parse(note.text, note.textlen, &c, &why) == 0 &&
	    c.size == 5 && strcmp(c.origin, "soc.example/audit/demo-4f1c") == 0,
	    "KAT checkpoint body parses");
	keys[0] = vk;
	ok(soc_note_verify(&note, keys, 1, &valid, &bad) == 0 && valid == 1,
	    "KAT note verifies");
	{
		unsigned char lh[32];
		const char *e = "{\"actor\":\"soc-decide\",\"data\":{\"alert\":\"A-0\",\"why\":\"caf\xc3\xa9 evidence\"},\"kind\":\"decision\",\"prev\":\"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\",\"seq\":0,\"ts\":\"2026-01-02T03:04:00Z\",\"v\":1}";
		char enc[48];
		unsigned char z = 0;
		crypto_hash_sha256_state st;

		crypto_hash_sha256_init(&st);
		crypto_hash_sha256_update(&st, &z, 1);
		crypto_hash_sha256_update(&st, (const unsigned char *)e, strlen(e));
		crypto_hash_sha256_final(&st, lh);
		soc_note_b64_encode(lh, 32, enc);
		is_str(enc, "cEvYxVkL3i+vcNn1cjFkTVdPDO3/zkt5faakvdALe98=", "KAT first entry leaf hash");
	}

	/* signature policy */
	{
		struct soc_note_skey other;
		struct soc_buf n2 = SOC_BUF_INIT;
		unsigned char s2[32];

		memset(s2, 7, 32);
		soc_note_skey_from_seed("soc.example/audit/demo-4f1c", s2, &other);
		soc_note_skey_public(&other, &keys[1]);
		ok(soc_note_verify(&note, keys + 1, 1, &valid, &bad) == 0 && valid == 0,
		    "wrong key: no trusted signature (unknown key ignored)");
		/* a line with our name and key id but another signature */
		soc_buf_addstr(&n2, text);
		soc_buf_addch(&n2, '\n');
		soc_note_sign(&other, text, strlen(text), &n2);
		{
			/* replace the key id with ours */
			char *sp = strchr(n2.p + strlen(text) + 1 + 4, ' ') + 1;
			unsigned char raw[68];
			size_t rl;

			soc_note_b64_decode(sp, strlen(sp) - 1, raw, sizeof raw, &rl);
			memcpy(raw, sk.id, 4);
			soc_note_b64_encode(raw, rl, sp);
			sp[strlen(sp)] = '\n';
		}
		ok(soc_note_parse(n2.p, n2.len, &note, &why) == 0 &&
		    soc_note_verify(&note, keys, 1, &valid, &bad) == -1,
		    "key id collision with a bad signature is fatal");
		soc_note_skey_wipe(&other);
		soc_buf_release(&n2);
	}
	{
		struct soc_buf n3 = SOC_BUF_INIT;

		soc_buf_addstr(&n3, text);
		soc_buf_addch(&n3, '\n');
		for (i = 0; i < 100; i++)
			soc_note_sign(&sk, text, strlen(text), &n3);
		ok(soc_note_parse(n3.p, n3.len, &note, &why) == 0, "100 signatures accepted");
		soc_note_sign(&sk, text, strlen(text), &n3);
		ok(soc_note_parse(n3.p, n3.len, &note, &why) == -1, "101 signatures rejected");
		soc_buf_release(&n3);
	}
	{
		static const char *badnotes[] = {
			"a\n5\nx\n",				/* no blank line */
			"a\n\n",				/* no signatures */
			"a\n\n\xe2\x80\x94 a AAAA\n",		/* too short */
			"a\n\n- a AAAAAAAA\n",			/* ascii dash */
			"a\r\n\n\xe2\x80\x94 a AAAAAAAA\n",	/* CR */
			"a\n\n\xe2\x80\x94 a AAAAAAAA",		/* no final LF */
			"a\n\n\xe2\x80\x94 a+b AAAAAAAA\n",	/* + in name */
			"\xff\n\n\xe2\x80\x94 a AAAAAAAA\n",	/* bad UTF-8 */
			"a\n\n\xe2\x80\x94 a AAAAAAB=\n",	/* non-canonical */
		};
		int rej = 0;

		for (i = 0; i < sizeof badnotes / sizeof badnotes[0]; i++)
			rej += soc_note_parse(badnotes[i], strlen(badnotes[i]), &note, &why) == -1;
		is_int(rej, (int64_t)(sizeof badnotes / sizeof badnotes[0]), "malformed notes rejected");
	}
	/* checkpoint bodies (attack table #15) */
	ok(parse_ckpt("o\n5\nA3XmTnHqzizk/enbcWDSjMcMXaqy+J4rtctiATehHpY=\n") == 0, "good body");
	ok(parse_ckpt("o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n") == 0, "size 0 body");
	ok(parse_ckpt("o\n05\nA3XmTnHqzizk/enbcWDSjMcMXaqy+J4rtctiATehHpY=\n") == -1, "size 05");
	ok(parse_ckpt("o\n+5\nA3XmTnHqzizk/enbcWDSjMcMXaqy+J4rtctiATehHpY=\n") == -1, "size +5");
	ok(parse_ckpt("o\n-1\nA3XmTnHqzizk/enbcWDSjMcMXaqy+J4rtctiATehHpY=\n") == -1, "size -1");
	ok(parse_ckpt("o\n99999999999999999999\nA3XmTnHqzizk/enbcWDSjMcMXaqy+J4rtctiATehHpY=\n") == -1, "size overflow");
	ok(parse_ckpt("o\n5\nA3XmTnHqzizk/enbcWDSjMcMXaqy+J4rtctiATehHpY\n") == -1, "root 43 chars");
	ok(parse_ckpt("o\n5\nA3XmTnHqzizk/enbcWDSjMcMXaqy+J4rtctiATehHpZ=\n") == -1, "root non-canonical base64");
	ok(parse_ckpt("o\n5\nA3XmTnHqzizk/enbcWDSjMcMXaqy+J4rtctiATehHpY=\next\n") == -1, "extension line");
	ok(parse_ckpt("o o\n5\nA3XmTnHqzizk/enbcWDSjMcMXaqy+J4rtctiATehHpY=\n") == -1, "space in origin");
	ok(parse_ckpt("o\n5\n") == -1, "no root");

	soc_note_skey_wipe(&sk);
	soc_buf_release(&b);
	return done_testing();
}
