/* Unit tests of cmd/soc-enrich/cidr.c: parsing, formatting, internal ranges and
 * the longest-prefix matcher (against a brute-force reference). */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "../../cmd/soc-enrich/cidr.h"
#include "tap.h"

static const char *
canon(const char *s)
{
	static char out[80];
	struct soc_ip ip;
	int plen;

	if (soc_cidr_parse(s, strlen(s), &ip, &plen) < 0)
		return "(bad)";
	soc_cidr_format(&ip, plen, out, sizeof out);
	return out;
}

static int
lookup(const struct soc_cidr_set *s, const char *a, uint64_t *v)
{
	struct soc_ip ip;
	int plen;

	if (soc_ip_parse(a, strlen(a), &ip) < 0)
		return -1;
	return soc_cidr_lookup(s, &ip, v, &plen) ? plen : -1;
}

static int
internal(const char *a)
{
	struct soc_ip ip;

	return soc_ip_parse(a, strlen(a), &ip) == 0 && soc_ip_is_internal(&ip);
}

static void
add(struct soc_cidr_set *s, const char *c, uint64_t v)
{
	struct soc_ip ip;
	int plen;

	if (soc_cidr_parse(c, strlen(c), &ip, &plen) == 0)
		soc_cidr_add(s, &ip, plen, v);
}

int
main(void)
{
	struct soc_cidr_set s;
	struct soc_ip ip;
	uint64_t v = 0;
	int i, bad = 0;
	char buf[64];

	is_str(canon("10.1.2.3/8"), "10.0.0.0/8", "host bits cleared");
	is_str(canon("192.0.2.7"), "192.0.2.7/32", "bare address is full length");
	is_str(canon("2001:DB8::1/32"), "2001:db8::/32", "IPv6 canonical");
	is_str(canon("0.0.0.0/0"), "0.0.0.0/0", "IPv4 default route");
	is_str(canon("10.0.0.0/33"), "(bad)", "/33 refused");
	is_str(canon("10.0.0/8"), "(bad)", "short address refused");
	is_str(canon("10.0.0.0/"), "(bad)", "empty length refused");
	is_str(canon("10.0.0.0/8x"), "(bad)", "junk length refused");
	is_str(canon("::/129"), "(bad)", "/129 refused");
	is_str(canon("1.2.3.4 "), "(bad)", "trailing space refused");
	ok(soc_ip_parse("::ffff:1.2.3.4", 14, &ip) == 0 && soc_ip_is_v4(&ip),
	    "IPv4-mapped IPv6 is IPv4");
	ok(internal("10.9.9.9") && internal("172.31.0.1") && internal("192.168.1.1") &&
	    internal("127.0.0.1") && internal("169.254.1.1") && internal("100.64.0.1") &&
	    internal("fd00::1") && internal("fe80::1") && internal("::1"),
	    "private, loopback, link-local, CGNAT, ULA are internal");
	ok(!internal("8.8.8.8") && !internal("172.32.0.1") && !internal("2001:db8::1") &&
	    !internal("198.51.100.7"), "public addresses are external");

	soc_cidr_init(&s);
	ok(lookup(&s, "10.0.0.1", &v) == -1, "empty set matches nothing");
	add(&s, "10.0.0.0/8", 1);
	add(&s, "10.20.0.0/16", 2);
	add(&s, "10.20.30.0/24", 3);
	add(&s, "2001:db8::/32", 4);
	add(&s, "2001:db8:dead::/48", 5);
	add(&s, "10.20.0.0/16", 6);	/* re-added: the later value wins */
	add(&s, "0.0.0.0/0", 7);
	soc_cidr_build(&s);
	is_int(lookup(&s, "10.20.30.40", &v), 120, "longest prefix /24");
	is_int((int64_t)v, 3, "its value");
	is_int(lookup(&s, "10.20.31.1", &v), 112, "/16 when /24 misses");
	is_int((int64_t)v, 6, "a re-added prefix keeps the later value");
	is_int(lookup(&s, "10.99.0.1", &v), 104, "/8");
	is_int(lookup(&s, "11.0.0.1", &v), 96, "IPv4 default route");
	is_int((int64_t)v, 7, "its value");
	is_int(lookup(&s, "2001:db8:dead:1::5", &v), 48, "IPv6 /48");
	is_int(lookup(&s, "2001:db9::1", &v), -1, "IPv4 /0 does not cover IPv6");

	soc_cidr_free(&s);
	soc_cidr_init(&s);
	add(&s, "::/0", 8);
	add(&s, "2001:db8::/32", 9);
	soc_cidr_build(&s);
	is_int(lookup(&s, "192.0.2.1", &v), 0, "an IPv6 ::/0 covers IPv4 addresses too");
	is_int(lookup(&s, "2001:db8::1", &v), 32, "and IPv6 ones take the longer prefix");

	/* Against brute force: random prefixes and addresses. */
	soc_cidr_free(&s);
	soc_cidr_init(&s);
	srand(7);
	{
		struct { struct soc_ip net; int plen; } ref[500];

		for (i = 0; i < 500; i++) {
			snprintf(buf, sizeof buf, "10.%d.%d.0/%d", rand() % 4,
			    rand() % 256, 8 + rand() % 25);
			soc_cidr_parse(buf, strlen(buf), &ref[i].net, &ref[i].plen);
			soc_cidr_add(&s, &ref[i].net, ref[i].plen, (uint64_t)i);
		}
		soc_cidr_build(&s);
		for (i = 0; i < 5000; i++) {
			int j, best = -1, got;
			uint64_t gv;

			snprintf(buf, sizeof buf, "10.%d.%d.%d", rand() % 4,
			    rand() % 256, rand() % 256);
			soc_ip_parse(buf, strlen(buf), &ip);
			for (j = 0; j < 500; j++) {
				struct soc_ip m = ip;

				soc_ip_mask(&m, ref[j].plen);
				if (memcmp(m.a, ref[j].net.a, 16) == 0 &&
				    (best < 0 || ref[j].plen >= ref[best].plen))
					best = j;
			}
			got = lookup(&s, buf, &gv);
			if ((best < 0) != (got < 0) ||
			    (best >= 0 && (got != ref[best].plen)))
				bad++;
		}
	}
	is_int(bad, 0, "5000 random lookups agree with brute force");
	{
		/* The dotted quad as inet_pton reads it: random strings of
		 * digits, dots and a few others, and edge cases, with their
		 * NUL-terminated form given to inet_pton as the oracle. */
		static const char *const edge[] = { "0.0.0.0", "255.255.255.255",
		    "256.1.1.1", "01.2.3.4", "1.2.3.04", "1.2.3.4.", ".1.2.3.4",
		    "1..2.3", "1.2.3", "1.2.3.4.5", "1.2.3.4 ", "00.1.2.3",
		    "1.2.3.0", "1.2.3.4x", "1.2.3.1000", "" };
		static const char chars[] = "0123456789...1a /";
		char str[24];
		struct soc_ip q;
		unsigned char want[4];
		int bad4 = 0, nvalid = 0, k;

		for (k = 0; k < 200000; k++) {
			size_t n, j;
			int rc, oracle;

			if (k < (int)(sizeof edge / sizeof edge[0])) {
				n = strlen(edge[k]);
				memcpy(str, edge[k], n + 1);
			} else if (k % 2) {
				/* four parts, some past 255 or with a zero
				 * before them */
				snprintf(str, sizeof str, "%s%d.%d.%s%d.%d",
				    rand() % 8 ? "" : "0", rand() % 300,
				    rand() % 256, rand() % 8 ? "" : "0",
				    rand() % 300, rand() % 256);
				n = strlen(str);
			} else {
				n = (size_t)(rand() % 18);
				for (j = 0; j < n; j++)
					str[j] = chars[rand() % (sizeof chars - 1)];
				str[n] = '\0';
			}
			oracle = inet_pton(AF_INET, str, want) == 1;
			nvalid += oracle;
			rc = soc_ip_parse(str, n, &q) == 0;
			if (rc != oracle || (rc && (memcmp(q.a + 12, want, 4) != 0 ||
			    !soc_ip_is_v4(&q))))
				bad4++;
		}
		ok(soc_ip_parse("1.2.3.4\0:x", 7, &q) == 0 &&
		    soc_ip_parse("1.2.3.4\0x", 9, &q) == 0 &&
		    soc_ip_parse("1.2.3.4\0:x", 10, &q) < 0,
		    "a NUL ends the quad, as in the C string inet_pton reads");
		is_int(bad4, 0, "200000 dotted quads read as inet_pton reads them");
		ok(nvalid > 40000, "of which many valid (%d)", nvalid);
	}
	{
		/* Masks a word at a time against a byte at a time. */
		int badm = 0, k, pl, j;

		for (k = 0; k < 200; k++) {
			struct soc_ip a, m, r;

			for (j = 0; j < 16; j++)
				a.a[j] = (unsigned char)rand();
			for (pl = 0; pl <= 128; pl++) {
				m = a;
				r = a;
				soc_ip_mask(&m, pl);
				for (j = 0; j < 16; j++) {
					int bits = pl - j * 8;

					if (bits < 8)
						r.a[j] &= bits <= 0 ? 0 :
						    (unsigned char)(0xff << (8 - bits));
				}
				if (memcmp(m.a, r.a, 16) != 0)
					badm++;
			}
		}
		is_int(badm, 0, "masks of every length as byte by byte");
	}
	soc_cidr_free(&s);
	return done_testing();
}
