/* Unit tests of cmd/soc-enrich/ioc.c: normal forms, type guessing, STIX patterns
 * and the three file parsers. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../cmd/soc-enrich/ioc.h"
#include "tap.h"

static struct soc_buf out;

static const char *
norm(enum soc_ioc_type t, const char *s)
{
	static char r[512];
	enum soc_ioc_type got = soc_ioc_normalize(t, s, strlen(s), &out);

	if (got == SOC_IOC_NONE)
		return "(none)";
	snprintf(r, sizeof r, "%s %s", soc_ioc_type_name(got), out.p);
	return r;
}

/* Every URL made of these pieces gets from soc_ioc_normalize what libcurl
 * alone gives it: the plain path (url_plain) agrees with curl wherever it
 * answers.  Returns the number of URLs that differ (each shown). */
static int
url_same_as_curl(void)
{
	static const char *const scheme[] = { "http://", "https://", "HTTP://",
	    "Https://", "ftp://", "http:/", "" };
	static const char *const host[] = { "a.example", "Evil.Example",
	    "www.d736e1c5a.example3.com", "x", "1.2.3.4", "0x7f.1", "127.1",
	    "2130706433", "1a.2b", "a.1", "1.a", "0x1f.a", "a..b", ".a", "a.",
	    "a-b.c", "-a.b", "a_b.example", "xn--bcher-kva.example", "a%41.b",
	    "user@a.example", "a.example:80", "a.example:8080", "[::1]", "",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.b",
	    "\xc3\xa9.example" };
	static const char *const rest[] = { "", "/", "/x", "/A/../b", "/p?q=1",
	    "/p?", "?q", "#f", "/p#f", "/%41%zz", "/a'b(c)*!$&+,;=", "/x?y?z",
	    "/@:~", "//x", "/a b", "/a\"b", "/a<b>", "/a{b}|^`", "/a\\b",
	    "/\xc3\xa9", "/p?q#f", "/?", "/p?&" };
	struct soc_buf a = SOC_BUF_INIT, b = SOC_BUF_INIT;
	char url[512];
	size_t i, j, k;
	int bad = 0;

	for (i = 0; i < sizeof scheme / sizeof *scheme; i++)
		for (j = 0; j < sizeof host / sizeof *host; j++)
			for (k = 0; k < sizeof rest / sizeof *rest; k++) {
				enum soc_ioc_type x, y;
				size_t n = (size_t)snprintf(url, sizeof url,
				    "%s%s%s", scheme[i], host[j], rest[k]);

				x = soc_ioc_normalize(SOC_IOC_URL, url, n, &a);
				soc_buf_reset(&b);
				y = soc_ioc_url_by_curl(url, n, &b);
				if (x == y && (x == SOC_IOC_NONE ||
				    strcmp(a.p, b.p) == 0))
					continue;
				printf("# %s: %s '%s', curl %s '%s'\n", url,
				    soc_ioc_type_name(x), x ? a.p : "",
				    soc_ioc_type_name(y), y ? b.p : "");
				bad++;
			}
	soc_buf_release(&a);
	soc_buf_release(&b);
	return bad;
}

static struct soc_buf seen;

static void
collect(void *arg, const struct soc_ioc *ioc)
{
	(void)arg;
	soc_buf_addf(&seen, "%s%s=%s", seen.len ? " " : "",
	    soc_ioc_type_name(ioc->type), ioc->value);
}

static const char *
pattern(const char *p)
{
	const char *why;
	int n;

	soc_buf_reset(&seen);
	n = soc_ioc_stix_pattern(p, strlen(p), collect, NULL, &why);
	if (n < 0)
		return why;
	return seen.p ? seen.p : "";
}

static void
collect_labels(void *arg, const struct soc_ioc *ioc)
{
	(void)arg;
	soc_buf_addf(&seen, "%s%s", seen.len ? " " : "", ioc->labels);
}

static const char *
labels(const char *data)
{
	struct soc_ioc_stats st;

	soc_buf_reset(&seen);
	soc_ioc_parse("test", data, strlen(data), collect_labels, NULL, &st);
	return seen.p ? seen.p : "";
}

static const char *
parse(const char *data, struct soc_ioc_stats *st)
{
	soc_buf_reset(&seen);
	soc_ioc_parse("test", data, strlen(data), collect, NULL, st);
	return seen.p ? seen.p : "";
}

int
main(void)
{
	struct soc_ioc_stats st;

	soc_buf_init(&out, 1 << 16);
	soc_buf_init(&seen, 1 << 16);
	is_str(norm(SOC_IOC_NONE, "198.51.100.7"), "ipv4 198.51.100.7", "guess ipv4");
	is_str(norm(SOC_IOC_NONE, "2001:DB8::0:1"), "ipv6 2001:db8::1", "guess ipv6, canonical");
	is_str(norm(SOC_IOC_NONE, "10.1.0.0/16"), "cidr 10.1.0.0/16", "guess cidr");
	is_str(norm(SOC_IOC_NONE, "10.1.2.3/32"), "ipv4 10.1.2.3", "a /32 is an address");
	is_str(norm(SOC_IOC_NONE, "Evil.Example."), "domain evil.example", "domain lower-cased, dot dropped");
	is_str(norm(SOC_IOC_NONE, "localhost"), "(none)", "a bare label is no domain");
	is_str(norm(SOC_IOC_NONE, "1.2.3"), "(none)", "digits are no domain");
	is_str(norm(SOC_IOC_NONE, "D41D8CD98F00B204E9800998ECF8427E"),
	    "md5 d41d8cd98f00b204e9800998ecf8427e", "md5 lower-cased");
	is_str(norm(SOC_IOC_NONE, "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
	    "sha1 da39a3ee5e6b4b0d3255bfef95601890afd80709", "sha1");
	is_str(norm(SOC_IOC_NONE, "Bob@Bad.Example"), "email bob@bad.example", "email");
	is_str(norm(SOC_IOC_NONE, "HTTP://User:pw@Evil.Example:80/A/b?Q=1#frag"),
	    "url http://evil.example/A/b?Q=1", "url: scheme/host lower, userinfo, port, fragment dropped");
	is_str(norm(SOC_IOC_URL, "https://evil.example"), "url https://evil.example/", "empty path is /");
	is_str(norm(SOC_IOC_URL, "https://evil.example:8443/x"), "url https://evil.example:8443/x", "other ports kept");
	is_str(norm(SOC_IOC_URL, "https://[2001:db8::1]:443/x"), "url https://[2001:db8::1]/x", "IPv6 host");
	is_str(norm(SOC_IOC_URL, "evil.example/x"), "(none)", "no scheme, no URL");
	is_str(norm(SOC_IOC_URL, "http://a b/"), "(none)", "spaces refused");
	is_str(norm(SOC_IOC_URL, "ftp://Host.Example.:21/a/../b?x#y"), "url ftp://host.example/a/../b?x",
	    "url: the scheme's default port and the host's last dot dropped, path as written");
	is_str(norm(SOC_IOC_URL, "http://0x7f.1:080/"), "url http://127.0.0.1/", "url: numeric IPv4 host and port normalised");
	is_str(norm(SOC_IOC_URL, "https://[2001:DB8:0:0::1]/"), "url https://[2001:db8::1]/", "url: IPv6 host normalised");
	is_str(norm(SOC_IOC_URL, "http://host:99999/"), "(none)", "url: port out of range refused");
	is_str(norm(SOC_IOC_URL, "http:///path"), "(none)", "url: empty host refused");
	is_str(norm(SOC_IOC_URL, "19://8.51.#x"), "url 19://8.0.0.51/",
	    "url: a host that reads otherwise without its last dot is read again");
	is_str(norm(SOC_IOC_URL, "19://8.0.0.51/"), "url 19://8.0.0.51/", "... and that form is its own");
	ok(url_same_as_curl() == 0, "url: the plain path gives what libcurl gives");
	is_str(norm(SOC_IOC_DOMAIN, "bad domain.example"), "(none)", "space in a domain refused");
	is_str(norm(SOC_IOC_IPV4, "300.1.1.1"), "(none)", "bad address refused");

	is_str(pattern("[ipv4-addr:value = '198.51.100.1']"), "ipv4=198.51.100.1", "one comparison");
	is_str(pattern("[domain-name:value = 'a.example' OR ipv4-addr:value = '10.0.0.0/8']"),
	    "domain=a.example cidr=10.0.0.0/8", "OR inside one observation, CIDR");
	is_str(pattern("[url:value = 'http://x.example/'] OR [email-addr:value = 'a@b.example']"),
	    "url=http://x.example/ email=a@b.example", "OR of observations");
	is_str(pattern("[file:hashes.'SHA-256' = 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855']"),
	    "sha256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "quoted hash name");
	is_str(pattern("[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']"),
	    "md5=d41d8cd98f00b204e9800998ecf8427e", "bare hash name");
	is_str(pattern("[domain-name:value = 'it\\'s.example']"), "", "escaped quote; invalid domain skipped");
	is_str(pattern("[ipv4-addr:value = '1.2.3.4' AND network-traffic:dst_port = 80]"),
	    "only comparisons joined by OR can be matched", "AND refused, nothing emitted");
	ok(seen.len == 0, "AND emits nothing");
	is_str(pattern("[ipv4-addr:value = '1.2.3.4'] FOLLOWEDBY [ipv4-addr:value = '1.2.3.5']"),
	    "only comparisons joined by OR can be matched", "FOLLOWEDBY refused");
	is_str(pattern("[email-message:body_multipart[*].body_raw_ref.name MATCHES '^x$']"), "",
	    "MATCHES with a list index: nothing to match, not an error");
	is_str(pattern("[ipv4-addr:value = '1.2.3.4'"), "unbalanced brackets", "unbalanced");
	is_str(pattern("[ipv4-addr:value = '1.2.3.4]"), "unterminated string", "unterminated");
	is_str(pattern("[ipv4-addr:value IN ('1.2.3.4', '1.2.3.5')]"), "", "IN lists skipped");
	is_str(pattern("[ipv4-addr:value != '1.2.3.4']"), "", "!= never an indicator");
	{
		/* A NUL inside IN (...) once made the lexer stand still for
		 * ever (fuzz/corpus/fuzz-ioc/stix-in-list-nul.txt): the alarm
		 * turns a hang into a failure. */
		static const char nul[] = "[file:name IN ('a', \0 'b')] OR "
		    "[ipv4-addr:value = '10.0.0.1']";
		const char *why;
		int n;

		alarm(20);
		soc_buf_reset(&seen);
		n = soc_ioc_stix_pattern(nul, sizeof nul - 1, collect, NULL, &why);
		alarm(0);
		ok(n == 1 && seen.p && strcmp(seen.p, "ipv4=10.0.0.1") == 0,
		    "a NUL inside an IN list ends (%d: %s)", n,
		    n < 0 ? why : seen.p);
	}

	is_str(parse("# c\n; c\n1.4.0.0/17 ; SBL1\n198.51.100.9\nhttp://x.example/a\n\n", &st),
	    "cidr=1.4.0.0/17 ipv4=198.51.100.9 url=http://x.example/a", "list");
	ok(st.format == SOC_IOC_FMT_LIST && st.found == 3 && st.errors == 0, "list stats");
	is_str(parse("Start\tEnd\tNetblock\n43.229.53.0\t43.229.53.255\t24\t788\n", &st),
	    "cidr=43.229.53.0/24", "DShield start/end/netblock");
	is_str(parse("\"a\",\"b\"\n\"2026-01-01 00:00:00\",\"198.51.100.1\",\"443\"\n", &st),
	    "ipv4=198.51.100.1", "quoted CSV with a header");
	is_str(parse("198.51.100.1\nhello world\n", &st), "ipv4=198.51.100.1",
	    "a bad line after data");
	is_int((int64_t)st.errors, 1, "is an error");
	is_str(parse("{\"type\":\"bundle\",\"objects\":[{\"type\":\"indicator\","
	    "\"pattern\":\"[ipv4-addr:value = '1.2.3.4']\",\"pattern_type\":\"stix\"},"
	    "{\"type\":\"indicator\",\"pattern\":\"x\",\"pattern_type\":\"sigma\"}]}", &st),
	    "ipv4=1.2.3.4", "STIX bundle");
	ok(st.format == SOC_IOC_FMT_STIX && st.found == 1 && st.unsupported == 1,
	    "STIX: other pattern types unsupported");
	is_str(parse("{\"Event\":{\"Attribute\":[{\"type\":\"domain|ip\",\"value\":"
	    "\"a.example|10.0.0.1\"},{\"type\":\"filename|sha1\",\"value\":"
	    "\"x.exe|da39a3ee5e6b4b0d3255bfef95601890afd80709\"},{\"type\":\"regkey\","
	    "\"value\":\"HKLM\\\\x\"}]}}", &st),
	    "domain=a.example ipv4=10.0.0.1 sha1=da39a3ee5e6b4b0d3255bfef95601890afd80709",
	    "MISP composite attributes");
	ok(st.format == SOC_IOC_FMT_MISP && st.unsupported == 1, "MISP: regkey unsupported");
	is_str(labels("{\"type\":\"bundle\",\"objects\":[{\"type\":\"indicator\","
	    "\"indicator_types\":[\"c2\",\"x\\\",\\\"c2\"],\"labels\":[\"c2\",\"x\","
	    "\"c2x\",\"c\"],\"pattern\":\"[ipv4-addr:value = '1.2.3.4']\","
	    "\"pattern_type\":\"stix\"}]}"),
	    "[\"c2\",\"x\\\",\\\"c2\",\"x\",\"c2x\",\"c\"]",
	    "STIX: a label named twice is listed once");
	is_str(labels("{\"Event\":{\"Tag\":[{\"name\":\"tlp:amber\"},{\"name\":"
	    "\"c2\"}],\"Attribute\":[{\"type\":\"ip-dst\",\"value\":\"10.0.0.1\","
	    "\"to_ids\":true,\"category\":\"c2\",\"Tag\":[{\"name\":\"to_ids\"},"
	    "{\"name\":\"tlp:amber\"},{\"name\":\"new\"}]}]}}"),
	    "[\"tlp:amber\",\"c2\",\"to_ids\",\"new\"]",
	    "MISP: the event's and the attribute's tags merged without repeats");
	parse("{\"type\":\"bundle\",\n\"objects\":[,]}", &st);
	ok(st.errors == 1, "invalid JSON is an error");
	parse("{\"hello\":1}", &st);
	ok(st.errors == 1, "JSON that is neither STIX nor MISP is an error");
	{
		/* Lower case a word at a time and the tail byte by byte: every
		 * length to 40, capitals, digits, '-', '_' and UTF-8 bytes in
		 * every place of a word. */
		static const char mix[] = "aZ-Q9_m\xc3\xa9" "B.Yz0-"
		    "\xf0\x9f\x98\x80" "cD";
		char in[48], want[48];
		size_t n, i, bad = 0;

		for (n = 1; n <= 40; n++) {
			for (i = 0; i < n; i++) {
				in[i] = mix[(i * 7 + n) % (sizeof mix - 1)];
				if (in[i] == '.' && (i == 0 || in[i - 1] == '.'))
					in[i] = 'K';
				want[i] = in[i] >= 'A' && in[i] <= 'Z' ?
				    (char)(in[i] + 32) : in[i];
			}
			if (in[n - 1] == '.')
				in[n - 1] = want[n - 1] = 'x';
			if (soc_ioc_normalize(SOC_IOC_DOMAIN, in, n, &out) !=
			    SOC_IOC_DOMAIN || out.len != n ||
			    memcmp(out.p, want, n) != 0)
				bad++;
		}
		is_int((long)bad, 0, "domains of every length in lower case");
	}
	soc_buf_release(&out);
	soc_buf_release(&seen);
	return done_testing();
}
