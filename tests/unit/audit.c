/*
 * audit: the library end to end, in one process.
 *   - appends through the API return seq and leaf hash; batches are all
 *     or nothing; reserved kinds and profile breaches (reals,
 *     int > 2^53, NUL, C0, non-ASCII keys, deep nesting,
 *     oversize) are refused with nothing written;
 *   - the line scanner: canonical, non-canonical, duplicate key, profile;
 *   - every single-bit flip of audit.log and of checkpoint in
 *     a 5-entry log is detected (exit 1), asserted, never just logged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "audit.h"
#include "buf.h"
#include "tap.h"

static char dir[256];

static char *
slurp(const char *name, size_t *len)
{
	char path[512];
	FILE *f;
	char *p;
	long n;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (!(f = fopen(path, "rb")))
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = malloc((size_t)n + 1);
	if (fread(p, 1, (size_t)n, f) != (size_t)n)
		abort();
	p[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return p;
}

static int
lines_in(const char *name)
{
	size_t n, i;
	char *p = slurp(name, &n);
	int c = 0;

	for (i = 0; i < n; i++)
		c += p[i] == '\n';
	free(p);
	return c;
}

static void
rmrf(void)
{
	char cmd[600];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		abort();
}

static enum soc_audit_line
classify(const char *s)
{
	struct soc_audit_fields f;
	const char *why;

	return soc_audit_line_check(s, strlen(s), &f, &why);
}

int
main(void)
{
	struct soc_audit_verify_opts *vo = calloc(1, sizeof *vo);
	struct soc_audit_report rep;
	struct soc_audit_receipt rc4[4], r;
	struct soc_audit *a;
	struct soc_audit_entry e[4];
	char logdir[300], key[300], vkey[300], *err = NULL, *log, *ck, *vk;
	size_t loglen, cklen, vklen, i;
	int b, missed, before, rc;
	json_t *d;
	const char *why;

	memset(e, 0, sizeof e);
	setenv("SOC_NOW", "2026-01-02T03:04:05.678Z", 1);
	snprintf(dir, sizeof dir, "%s/audit-unit.XXXXXX", getenv("TMPDIR") ?
	    getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(dir))
		return 1;
	snprintf(logdir, sizeof logdir, "%s/log", dir);
	snprintf(key, sizeof key, "%s/keys/k.key", dir);
	snprintf(vkey, sizeof vkey, "%s/keys/k.vkey", dir);

	ok(soc_audit_create(logdir, key, vkey, "soc.test/audit/unit", &err) == 0,
	    "create a log and its key");
	ok(soc_audit_create(logdir, key, vkey, "soc.test/audit/unit", &err) ==
	    SOC_AUDIT_E_EXISTS, "create refuses an existing log");
	free(err);
	err = NULL;
	{
		struct stat st;

		ok(stat(key, &st) == 0 && (st.st_mode & 0777) == 0600, "key is 0600");
	}
	ok(soc_audit_open(&a, logdir, key, &err) == 0, "open for appending");

	d = json_pack("{s:s,s:i}", "alert", "A-1", "n", 7);
	ok(soc_audit_append(a, "decision", d, &r) == 0 && r.seq == 2,
	    "append returns seq 2 (after genesis and its batch header)");
	json_decref(d);
	for (i = 0; i < 3; i++) {
		e[i].kind = "action_intent";
		e[i].data = json_pack("{s:I}", "i", (json_int_t)i);
		e[i].refs = NULL;
		e[i].nrefs = 0;
	}
	{
		char ref[48];
		const char *refs[1] = { ref };

		soc_note_b64_encode(r.leaf, 32, ref);
		e[2].refs = refs;
		e[2].nrefs = 1;
		ok(soc_audit_append_batch(a, e, 3, rc4) == 0 && rc4[0].seq == 4 &&
		    rc4[2].seq == 6, "batch of 3 gets seq 4..6 after its header");
	}
	for (i = 0; i < 3; i++)
		json_decref(e[i].data);
	is_int(lines_in("log/audit.log"), 7, "7 lines in audit.log");

	/* nothing of a refused append is written */
	before = lines_in("log/audit.log");
	{
		const char *bad[] = {
			"{\"x\":0.5}", "{\"x\":9007199254740992}", "{\"x\":-9007199254740992}",
			"{\"x\":\"a\\u0000b\"}", "{\"x\":\"a\\u0001b\"}", "{\"\\u00e9\":1}",
			"{\"x\":1e3}",
		};
		int refused = 0;

		for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			d = json_loads(bad[i], JSON_ALLOW_NUL, NULL);
			if (!d) {
				printf("# cannot load %s\n", bad[i]);
				continue;
			}
			refused += soc_audit_append(a, "evidence", d, &r) == SOC_AUDIT_E_PROFILE;
			json_decref(d);
		}
		is_int(refused, (int64_t)(sizeof bad / sizeof bad[0]),
		    "reals, big integers, NUL, C0, non-ASCII keys refused (E_PROFILE)");
		d = json_object();
		{
			json_t *cur = d;
			for (i = 0; i < 40; i++) {
				json_t *n = json_object();
				json_object_set_new(cur, "n", n);
				cur = n;
			}
		}
		ok(soc_audit_append(a, "evidence", d, &r) == SOC_AUDIT_E_PROFILE,
		    "nesting deeper than %d refused", SOC_AUDIT_MAX_DEPTH);
		json_decref(d);
		{
			char *big = malloc(70000);

			memset(big, 'x', 69999);
			big[69999] = '\0';
			d = json_pack("{s:s}", "x", big);
			free(big);
			ok(soc_audit_append(a, "evidence", d, &r) == SOC_AUDIT_E_PROFILE,
			    "entry over 65535 bytes refused");
			json_decref(d);
		}
		d = json_object();
		ok(soc_audit_append(a, "genesis", d, &r) == SOC_AUDIT_E_USAGE &&
		    soc_audit_append(a, "recovery", d, &r) == SOC_AUDIT_E_USAGE &&
		    soc_audit_append(a, "Bad Kind", d, &r) == SOC_AUDIT_E_USAGE,
		    "reserved and malformed kinds refused");
		/* a batch with one bad entry writes nothing */
		e[0].kind = "evidence";
		e[0].data = d;
		e[0].refs = NULL;
		e[0].nrefs = 0;
		e[1].kind = "evidence";
		e[1].data = json_pack("{s:f}", "x", 1.5);
		e[1].refs = NULL;
		e[1].nrefs = 0;
		ok(soc_audit_append_batch(a, e, 2, rc4) == SOC_AUDIT_E_PROFILE,
		    "batch with one bad entry refused");
		json_decref(e[1].data);
		json_decref(d);
	}
	is_int(lines_in("log/audit.log"), before, "nothing written by refused appends");
	soc_audit_close(a);

	/* the scanner */
	is_int(classify("{\"a\":1,\"b\":[true,false,null,\"x\"]}"), SOC_AUDIT_LINE_OK, "canonical");
	is_int(classify("{\"b\":1,\"a\":2}"), SOC_AUDIT_LINE_NONCANON, "key order");
	is_int(classify("{\"a\": 1}"), SOC_AUDIT_LINE_NONCANON, "space");
	is_int(classify("{\"a\":\"\\/\"}"), SOC_AUDIT_LINE_NONCANON, "escaped slash");
	is_int(classify("{\"a\":-0}"), SOC_AUDIT_LINE_NONCANON, "-0");
	is_int(classify("{\"seq\":3,\"seq\":4}"), SOC_AUDIT_LINE_DUPKEY, "duplicate key");
	is_int(classify("{\"b\":1,\"a\":2,\"b\":3}"), SOC_AUDIT_LINE_DUPKEY, "duplicate key, unsorted");
	is_int(classify("{\"a\":1.0}"), SOC_AUDIT_LINE_PROFILE, "real");
	is_int(classify("{\"a\":12345678901234567}"), SOC_AUDIT_LINE_PROFILE, "big integer");
	is_int(classify("{\"a\":\"\\u0007\"}"), SOC_AUDIT_LINE_PROFILE, "C0 escape");
	is_int(classify("[1]"), SOC_AUDIT_LINE_PROFILE, "not an object");
	is_int(classify("{\"a\":1"), SOC_AUDIT_LINE_INVALID, "truncated");
	is_int(classify("{\"a\":\"\xff\"}"), SOC_AUDIT_LINE_INVALID, "bad UTF-8");
	is_int(classify("{\"a\":1}x"), SOC_AUDIT_LINE_INVALID, "trailing bytes");
	is_int(classify("\xef\xbb\xbf{\"a\":1}"), SOC_AUDIT_LINE_INVALID, "BOM");
	is_int(classify("{\"a\":\"\\ud800\"}"), SOC_AUDIT_LINE_INVALID, "lone surrogate");
	d = json_object();
	ok(soc_audit_profile_check(d, &why) == 0, "empty data meets the profile");
	json_decref(d);

	/* every single-bit flip detected */
	log = slurp("log/audit.log", &loglen);
	ck = slurp("log/checkpoint", &cklen);
	vk = slurp("keys/k.vkey", &vklen);
	ok(soc_note_vkey_parse(vk, vklen - 1, &vo->keys[0]) == 0, "load vkey");
	vo->nkeys = 1;
	soc_audit_report_init(&rep);
	rc = soc_audit_verify_mem(vo, log, loglen, ck, cklen, NULL, 0, &rep);
	ok(rc == 0, "the clean 5-entry log verifies (%s %s)", rep.reason, rep.detail);
	soc_audit_report_release(&rep);
	missed = 0;
	for (i = 0; i < loglen; i++) {
		for (b = 0; b < 8; b++) {
			log[i] ^= (char)(1 << b);
			soc_audit_report_init(&rep);
			rc = soc_audit_verify_mem(vo, log, loglen, ck, cklen, NULL, 0, &rep);
			if (rc != 1) {
				if (missed++ < 5)
					printf("# log byte %zu bit %d: exit %d %s\n", i, b, rc,
					    rep.reason);
			}
			soc_audit_report_release(&rep);
			log[i] ^= (char)(1 << b);
		}
	}
	ok(missed == 0, "every one of %zu bit flips in audit.log detected (%d missed)",
	    loglen * 8, missed);
	missed = 0;
	for (i = 0; i < cklen; i++) {
		for (b = 0; b < 8; b++) {
			ck[i] ^= (char)(1 << b);
			soc_audit_report_init(&rep);
			rc = soc_audit_verify_mem(vo, log, loglen, ck, cklen, NULL, 0, &rep);
			if (rc != 1) {
				if (missed++ < 5)
					printf("# checkpoint byte %zu bit %d: exit %d %s\n", i,
					    b, rc, rep.reason);
			}
			soc_audit_report_release(&rep);
			ck[i] ^= (char)(1 << b);
		}
	}
	ok(missed == 0, "every one of %zu bit flips in checkpoint detected (%d missed)",
	    cklen * 8, missed);
	/* truncation at every byte: never 0 (1, or 75 for a cut inside the
	 * unsealed part, which there is none of here) */
	missed = 0;
	for (i = 0; i < loglen; i++) {
		soc_audit_report_init(&rep);
		rc = soc_audit_verify_mem(vo, log, i, ck, cklen, NULL, 0, &rep);
		missed += rc != 1;
		soc_audit_report_release(&rep);
	}
	ok(missed == 0, "every truncation of audit.log detected (%d missed)", missed);
	free(log);
	free(ck);
	free(vk);
	free(vo);
	rmrf();
	return done_testing();
}
