/*
 * merkle: RFC 6962/9162 vectors (transparency-dev/merkle testonly and
 * testdata, as listed in the audit-log reference section 5), and the
 * transparency-dev probe mutations, every one of which must be rejected.
 * SHA-256 (common/sha256, libcrypto's EVP) is checked against libsodium's,
 * whole and in pieces, and on the leaf sizes around its copy buffer.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "merkle.h"
#include "note.h"
#include "sha256.h"
#include "tap.h"

typedef unsigned char H[SOC_HASH_LEN];

static const char *leaf_hex[8] = {
	"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
	"606162636465666768696a6b6c6d6e6f",
};
static const char *root_hex[9] = {
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
	"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
	"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
	"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
	"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};
static const char *lh_hex[8] = {
	"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
	"0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
	"07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
	"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
	"4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
	"b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
	"46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
};

static H leaves[8];

static void
unhex(const char *s, unsigned char *out, size_t *len)
{
	size_t n = 0;

	if (sodium_hex2bin(out, 64, s, strlen(s), NULL, &n, NULL) != 0)
		abort();
	if (len)
		*len = n;
}

static void
b64(const char *s, unsigned char *out)
{
	size_t n;

	if (soc_note_b64_decode(s, strlen(s), out, 32, &n) != 0 || n != 32)
		abort();
}

static int
heq_hex(const unsigned char *h, const char *hex)
{
	char buf[65];

	sodium_bin2hex(buf, sizeof buf, h, 32);
	return strcmp(buf, hex) == 0;
}

struct incl {
	uint64_t index, size;
	const char *leaf, *root;
	const char *proof[4];
};

struct cons {
	uint64_t size1, size2;
	const char *proof[4];
};

/* Section 5.2 of the reference (0-based indexes). */
static const struct incl incls[] = {
	{ 0, 8, "bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=",
	  "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=",
	  { "lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c=",
	    "Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4=",
	    "a0eq8p7jwq+a+Im8H7klTavTEXfxYjLdaqsDXKOb9uQ=" } },
	{ 5, 8, "QnGia+DYqE8L1UyMMC58s6O10fpngKQLzOKHNHfatlg=",
	  "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=",
	  { "vBoGQ7EuTS18d5GPROD095qDi2z57FtcKD4fTYhZnms=",
	    "yoVOoSjtBQtBs1/8G4e46yveRh6eO1WW7Oa51ZdaCuA=",
	    "037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFLc=" } },
	{ 2, 3, NULL, "rra8/idLcKFPsGel5VeCZNsPqbUa9eC6FZFY8yngbnc=",
	  { "+sVCA+fMaWzw38tCySodnbr3CtnmIfS9jZhmLwDjwSU=" } },
	{ 1, 5, NULL, "Tju7H3tHjc/nH7YxYxUZo7yhLJrvyhYSv85ME6hiZNQ=",
	  { "bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=",
	    "Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4=",
	    "vBoGQ7EuTS18d5GPROD095qDi2z57FtcKD4fTYhZnms=" } },
};

static const struct cons conss[] = {
	{ 1, 8, { "lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c=",
	    "Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4=",
	    "a0eq8p7jwq+a+Im8H7klTavTEXfxYjLdaqsDXKOb9uQ=" } },
	{ 6, 8, { "DrxdNDf74tsVi58Sah0RjjCBgQMdCpSfje3t68VY72o=",
	    "yoVOoSjtBQtBs1/8G4e46yveRh6eO1WW7Oa51ZdaCuA=",
	    "037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFLc=" } },
	{ 2, 5, { "Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4=",
	    "vBoGQ7EuTS18d5GPROD095qDi2z57FtcKD4fTYhZnms=" } },
	{ 6, 7, { "DrxdNDf74tsVi58Sah0RjjCBgQMdCpSfje3t68VY72o=",
	    "sIaT7C5yFZcTBkHoIR5+7cy0wmQTlj7ubB4u0W/7Gl8=",
	    "037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFLc=" } },
};

static size_t
load_proof(const char *const *src, H *p)
{
	size_t n = 0;

	while (n < 4 && src[n]) {
		b64(src[n], p[n]);
		n++;
	}
	return n;
}

static void
root_of(uint64_t n, H out)
{
	unhex(root_hex[n], out, NULL);
}

/* The transparency-dev probes for one inclusion proof (proof/verify_test.go
 * corruptInclusionProof): each must be rejected. */
static void
probe_inclusion(const struct incl *t, const unsigned char *leaf, const H root)
{
	H p[SOC_MERKLE_MAX_PROOF + 2], q[SOC_MERKLE_MAX_PROOF + 2], r2;
	size_t n = load_proof(t->proof, p), i;
	int bad = 0, b;

	ok(soc_merkle_inclusion_verify(t->index, t->size, leaf, p, n, root) == 0,
	    "inclusion %llu/%llu: happy path", (unsigned long long)t->index,
	    (unsigned long long)t->size);
	bad += soc_merkle_inclusion_verify(t->index + 1, t->size, leaf, p, n, root) == 0;
	if (t->index > 0)
		bad += soc_merkle_inclusion_verify(t->index - 1, t->size, leaf, p, n, root) == 0;
	bad += soc_merkle_inclusion_verify(t->index ^ 2, t->size, leaf, p, n, root) == 0;
	bad += soc_merkle_inclusion_verify(t->index, t->size * 2, leaf, p, n, root) == 0;
	bad += soc_merkle_inclusion_verify(t->index, t->size / 2, leaf, p, n, root) == 0;
	/* wrong leaf, empty root, random root */
	memcpy(r2, leaf, 32);
	r2[0] ^= 1;
	bad += soc_merkle_inclusion_verify(t->index, t->size, r2, p, n, root) == 0;
	soc_merkle_empty(r2);
	bad += soc_merkle_inclusion_verify(t->index, t->size, leaf, p, n, r2) == 0;
	memset(r2, 0x5a, 32);
	bad += soc_merkle_inclusion_verify(t->index, t->size, leaf, p, n, r2) == 0;
	/* each proof element with bit 3 flipped */
	for (i = 0; i < n; i++) {
		for (b = 0; b < 8; b++) {
			memcpy(q, p, sizeof(H) * n);
			q[i][b % 32] ^= (unsigned char)(1 << 3);
			bad += soc_merkle_inclusion_verify(t->index, t->size, leaf, q, n, root) == 0;
		}
	}
	/* preceding / trailing garbage, root prepended or appended,
	 * truncated, empty, component inserted or removed */
	memset(q[0], 0x42, 32);
	memcpy(q + 1, p, sizeof(H) * n);
	bad += soc_merkle_inclusion_verify(t->index, t->size, leaf, q, n + 1, root) == 0;
	memcpy(q[0], root, 32);
	bad += soc_merkle_inclusion_verify(t->index, t->size, leaf, q, n + 1, root) == 0;
	memcpy(q, p, sizeof(H) * n);
	memset(q[n], 0x42, 32);
	bad += soc_merkle_inclusion_verify(t->index, t->size, leaf, q, n + 1, root) == 0;
	memcpy(q[n], root, 32);
	bad += soc_merkle_inclusion_verify(t->index, t->size, leaf, q, n + 1, root) == 0;
	if (n > 0) {
		bad += soc_merkle_inclusion_verify(t->index, t->size, leaf, p, n - 1, root) == 0;
		bad += soc_merkle_inclusion_verify(t->index, t->size, leaf, p, 0, root) == 0;
		for (i = 0; i <= n; i++) {	/* inserted component */
			memcpy(q, p, sizeof(H) * i);
			memset(q[i], 0x17, 32);
			memcpy(q + i + 1, p + i, sizeof(H) * (n - i));
			bad += soc_merkle_inclusion_verify(t->index, t->size, leaf, q, n + 1, root) == 0;
		}
		for (i = 0; i < n; i++) {	/* removed component */
			memcpy(q, p, sizeof(H) * i);
			memcpy(q + i, p + i + 1, sizeof(H) * (n - i - 1));
			bad += soc_merkle_inclusion_verify(t->index, t->size, leaf, q, n - 1, root) == 0;
		}
	}
	ok(bad == 0, "inclusion %llu/%llu: every probe rejected (%d accepted)",
	    (unsigned long long)t->index, (unsigned long long)t->size, bad);
}

static void
probe_consistency(const struct cons *t)
{
	H p[SOC_MERKLE_MAX_PROOF + 2], q[SOC_MERKLE_MAX_PROOF + 2], r1, r2, x;
	size_t n = load_proof(t->proof, p), i;
	int bad = 0, b;
	uint64_t s1 = t->size1, s2 = t->size2;

	root_of(s1, r1);
	root_of(s2, r2);
	ok(soc_merkle_consistency_verify(s1, s2, r1, r2, p, n) == 0,
	    "consistency %llu->%llu: happy path", (unsigned long long)s1,
	    (unsigned long long)s2);
	bad += soc_merkle_consistency_verify(s1 + 1, s2, r1, r2, p, n) == 0;
	bad += soc_merkle_consistency_verify(s1 - 1, s2, r1, r2, p, n) == 0;
	bad += soc_merkle_consistency_verify(s1 ^ 2, s2, r1, r2, p, n) == 0;
	bad += soc_merkle_consistency_verify(s1, s2 * 2, r1, r2, p, n) == 0;
	bad += soc_merkle_consistency_verify(s1, s2 / 2, r1, r2, p, n) == 0;
	bad += soc_merkle_consistency_verify(s1, s2, r2, r1, p, n) == 0;
	memcpy(x, r1, 32); x[0] ^= 1;
	bad += soc_merkle_consistency_verify(s1, s2, x, r2, p, n) == 0;
	memcpy(x, r2, 32); x[0] ^= 1;
	bad += soc_merkle_consistency_verify(s1, s2, r1, x, p, n) == 0;
	bad += soc_merkle_consistency_verify(s1, s2, r1, r2, p, 0) == 0;
	bad += soc_merkle_consistency_verify(s1, s2, r1, r2, p, n - 1) == 0;
	for (i = 0; i < n; i++) {
		for (b = 0; b < 8; b++) {
			memcpy(q, p, sizeof(H) * n);
			q[i][b * 4] ^= (unsigned char)(1 << 4);
			bad += soc_merkle_consistency_verify(s1, s2, r1, r2, q, n) == 0;
		}
	}
	memset(q[0], 0x42, 32);
	memcpy(q + 1, p, sizeof(H) * n);
	bad += soc_merkle_consistency_verify(s1, s2, r1, r2, q, n + 1) == 0;
	memcpy(q[0], r1, 32);
	bad += soc_merkle_consistency_verify(s1, s2, r1, r2, q, n + 1) == 0;
	memcpy(q[0], r2, 32);
	bad += soc_merkle_consistency_verify(s1, s2, r1, r2, q, n + 1) == 0;
	memcpy(q[0], p[0], 32);	/* preceding proof[0] */
	bad += soc_merkle_consistency_verify(s1, s2, r1, r2, q, n + 1) == 0;
	memcpy(q, p, sizeof(H) * n);
	memset(q[n], 0x42, 32);
	bad += soc_merkle_consistency_verify(s1, s2, r1, r2, q, n + 1) == 0;
	memcpy(q[n], r1, 32);
	bad += soc_merkle_consistency_verify(s1, s2, r1, r2, q, n + 1) == 0;
	memcpy(q[n], r2, 32);
	bad += soc_merkle_consistency_verify(s1, s2, r1, r2, q, n + 1) == 0;
	ok(bad == 0, "consistency %llu->%llu: every probe rejected (%d accepted)",
	    (unsigned long long)s1, (unsigned long long)s2, bad);
}

static void
run(const char *label)
{
	unsigned char data[64];
	H root, h, p[SOC_MERKLE_MAX_PROOF], a, b;
	struct soc_merkle_frontier f;
	size_t len, n, i, j, plen;
	int good;

	printf("# SHA-256 implementation: %s\n", label);
	/* hasher vectors, section 5.3 */
	soc_merkle_empty(h);
	ok(heq_hex(h, root_hex[0]), "%s: empty tree is SHA-256(\"\")", label);
	soc_merkle_leaf("", 0, h);
	ok(heq_hex(h, lh_hex[0]), "%s: empty leaf", label);
	soc_merkle_leaf("L123456", 7, h);
	ok(heq_hex(h, "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56"),
	    "%s: HashLeaf(L123456)", label);
	{
		H l, r;

		memset(l, 0, 32);
		memset(r, 0, 32);
		/* HashChildren over the raw strings "N123","N456" needs the
		 * generic hash, as the Go test does */
		unsigned char buf[1 + 8];
		buf[0] = 1;
		memcpy(buf + 1, "N123N456", 8);
		soc_merkle_sha256(buf, sizeof buf, h);
		ok(heq_hex(h, "aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb"),
		    "%s: HashChildren(N123, N456)", label);
		memcpy(l, "aaaa", 4);
		memcpy(r, "bbbb", 4);
		soc_merkle_node(l, r, a);
		soc_merkle_node(r, l, b);
		ok(memcmp(a, b, 32) != 0, "%s: HashChildren(a,b) != HashChildren(b,a)", label);
		{
			unsigned char lr[64];

			memcpy(lr, l, 32);
			memcpy(lr + 32, r, 32);
			soc_merkle_leaf(lr, 64, b);
			ok(memcmp(a, b, 32) != 0, "%s: HashChildren(a,b) != HashLeaf(a||b)", label);
		}
	}
	{
		char enc[64];

		soc_merkle_leaf("hello world", 11, h);
		soc_note_b64_encode(h, 32, enc);
		is_str(enc, "TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=",
		    "Go tlog.RecordHash(hello world)");
	}
	/* long inputs cross the block boundary in every way */
	good = 1;
	for (len = 0; len < 300; len++) {
		unsigned char big[300], x[32];

		for (i = 0; i < len; i++)
			big[i] = (unsigned char)(i * 7 + len);
		soc_merkle_sha256(big, len, h);
		crypto_hash_sha256(x, big, len);
		good &= memcmp(h, x, 32) == 0;
	}
	ok(good, "%s: SHA-256 agrees with libsodium for lengths 0..299", label);
	/* the same message in two and three pieces, one context reused,
	 * and a one-shot hash in the middle of it */
	good = 1;
	{
		struct soc_sha256 s = SOC_SHA256_INIT;
		unsigned char big[300], x[32], y[32];
		size_t cut;

		for (i = 0; i < sizeof big; i++)
			big[i] = (unsigned char)(i * 13 + 1);
		crypto_hash_sha256(x, big, sizeof big);
		for (cut = 0; cut <= sizeof big; cut += 7) {
			soc_sha256_init(&s);
			soc_sha256_update(&s, big, cut / 2);
			soc_merkle_sha256(big, cut, y);
			soc_sha256_update(&s, big + cut / 2, cut - cut / 2);
			soc_sha256_update(&s, big + cut, sizeof big - cut);
			soc_sha256_final(&s, h);
			good &= memcmp(h, x, 32) == 0;
		}
		soc_sha256_free(&s);
	}
	ok(good, "%s: SHA-256 in pieces, a context reused, agrees", label);
	/* leaves on both sides of soc_merkle_leaf's stack buffer */
	good = 1;
	for (len = 500; len < 530; len++) {
		unsigned char big[530], x[32];
		crypto_hash_sha256_state st;
		const unsigned char z = 0;

		for (i = 0; i < len; i++)
			big[i] = (unsigned char)(i * 5 + len);
		soc_merkle_leaf(big, len, h);
		crypto_hash_sha256_init(&st);
		crypto_hash_sha256_update(&st, &z, 1);
		crypto_hash_sha256_update(&st, big, len);
		crypto_hash_sha256_final(&st, x);
		good &= memcmp(h, x, 32) == 0;
	}
	ok(good, "%s: leaf hashes of 500..529 bytes agree with libsodium", label);

	/* the 8 RFC leaves, roots 0..8, frontier and array */
	for (i = 0; i < 8; i++) {
		unhex(leaf_hex[i], data, &len);
		soc_merkle_leaf(data, len, leaves[i]);
		ok(heq_hex(leaves[i], lh_hex[i]), "%s: leaf hash %zu", label, i);
	}
	soc_merkle_frontier_init(&f);
	for (n = 0; n <= 8; n++) {
		soc_merkle_frontier_root(&f, root);
		ok(heq_hex(root, root_hex[n]), "%s: MTH of %zu leaves (frontier)", label, n);
		soc_merkle_root((const unsigned char (*)[32])leaves, n, h);
		ok(heq_hex(h, root_hex[n]), "%s: MTH of %zu leaves (array)", label, n);
		if (n < 8)
			soc_merkle_frontier_add(&f, leaves[n]);
	}

	/* published proofs */
	for (i = 0; i < sizeof incls / sizeof incls[0]; i++) {
		const struct incl *t = &incls[i];
		H want[4], r;
		size_t wn = load_proof(t->proof, want);

		soc_merkle_inclusion_proof((const unsigned char (*)[32])leaves,
		    t->size, t->index, p, &plen);
		ok(plen == wn && memcmp(p, want, wn * 32) == 0,
		    "%s: inclusion proof %llu/%llu generated", label,
		    (unsigned long long)t->index, (unsigned long long)t->size);
		b64(t->root, r);
		probe_inclusion(t, t->leaf ? (b64(t->leaf, h), h) : leaves[t->index], r);
	}
	for (i = 0; i < sizeof conss / sizeof conss[0]; i++) {
		const struct cons *t = &conss[i];
		H want[4];
		size_t wn = load_proof(t->proof, want);

		soc_merkle_consistency_proof((const unsigned char (*)[32])leaves,
		    t->size2, t->size1, p, &plen);
		ok(plen == wn && memcmp(p, want, wn * 32) == 0,
		    "%s: consistency proof %llu->%llu generated", label,
		    (unsigned long long)t->size1, (unsigned long long)t->size2);
		probe_consistency(t);
	}

	/* every (index, size) and (m, n) up to 8: round trip, and the
	 * edge cases of RFC 9162: m == n, m == 0, index >= size */
	good = 1;
	for (n = 1; n <= 8; n++) {
		H rn;

		soc_merkle_root((const unsigned char (*)[32])leaves, n, rn);
		for (i = 0; i < n; i++) {
			soc_merkle_inclusion_proof((const unsigned char (*)[32])leaves, n, i, p, &plen);
			good &= soc_merkle_inclusion_verify(i, n, leaves[i], p, plen, rn) == 0;
			good &= soc_merkle_inclusion_verify(n, n, leaves[i], p, plen, rn) != 0;
		}
		for (j = 0; j <= n; j++) {
			H rm;

			soc_merkle_root((const unsigned char (*)[32])leaves, j, rm);
			soc_merkle_consistency_proof((const unsigned char (*)[32])leaves, n, j, p, &plen);
			good &= soc_merkle_consistency_verify(j, n, rm, rn, p, plen) == 0;
			if (j == n || j == 0) {
				memcpy(p[0], rn, 32);
				good &= soc_merkle_consistency_verify(j, n, rm, rn, p, 1) != 0;
			}
			if (j < n)
				good &= soc_merkle_consistency_verify(n, j, rn, rm, p, plen) != 0;
		}
	}
	ok(good, "%s: all proofs for trees up to 8 round-trip; edge cases rejected", label);
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	run("evp");
	return done_testing();
}
