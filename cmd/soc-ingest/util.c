/*
 * util.c: the helpers of ingest.h that every format uses: setters and
 * getters by dotted path, time, severity, ATT&CK, users, hashes, paths.
 *
 * Setters copy what they are given and ignore empty values, so a mapper
 * can pass optional vendor fields straight through without checks.  The
 * dotted path walk creates intermediate objects; a non-object in the way
 * is replaced (the last setter wins, as with a plain assignment).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <strings.h>

#include "clock.h"
#include "err.h"
#include "ingest.h"
#include "utf8.h"

void
ing_set_s(struct soc_val *out, const char *path, const struct soc_val *v)
{
	/* A value's string is valid UTF-8 and knows whether it is plain:
	 * copied as it is, not looked at again. */
	if (soc_val_is_string(v) && soc_val_len(v) > 0)
		soc_val_set(out, path, soc_val_copy(out->arena, v));
}

void
ing_set_n(struct soc_val *out, const char *path, const struct soc_val *v)
{
	int64_t iv;
	double dv;

	if (soc_val_is_integer(v))
		soc_val_set_int(out, path, soc_val_int(v));
	else if (soc_val_is_real(v))
		soc_val_set_real(out, path, soc_val_real(v));
	else if (soc_val_is_string(v)) {
		switch (soc_val_numstr(soc_val_str(v), &iv, &dv)) {
		case 1:
			soc_val_set_int(out, path, iv);
			break;
		case 2:
			soc_val_set_real(out, path, dv);
			break;
		}
	}
}

void
ing_set_sum(struct soc_val *out, const char *path, int64_t a, int64_t b)
{
	if (a >= 0 && b >= 0 && a <= INT64_MAX - b)
		soc_val_set_int(out, path, a + b);
}

int
ing_set_ip(struct soc_val *out, const char *path, const char *s)
{
	unsigned char addr[16];
	char tmp[64];
	size_t n;

	if (!s || !*s)
		return 0;
	n = strlen(s);
	if (n >= sizeof tmp)
		return 0;
	memcpy(tmp, s, n + 1);
	if (strchr(tmp, ':')) {
		char *pct = strchr(tmp, '%');	/* fe80::1%eth0: drop the zone */

		if (pct)
			*pct = '\0';
		if (inet_pton(AF_INET6, tmp, addr) != 1)
			return 0;
		/* RFC 5952's one text form (compressed, lower case), so an
		 * address is keyed one way whatever the vendor wrote */
		if (!inet_ntop(AF_INET6, addr, tmp, sizeof tmp))
			return 0;
	} else if (inet_pton(AF_INET, tmp, addr) != 1)
		return 0;
	soc_val_set_str(out, path, tmp);
	return 1;
}

void
ing_set_port(struct soc_val *out, const char *path, const struct soc_val *v)
{
	int64_t p;

	if (soc_val_is_integer(v))
		p = soc_val_int(v);
	else if (soc_val_is_string(v)) {
		double d;

		if (soc_val_numstr(soc_val_str(v), &p, &d) != 1)
			return;
	} else
		return;
	if (p >= 0 && p <= 65535)
		soc_val_set_int(out, path, p);
}

void
ing_set_decimal(struct soc_val *out, const char *path, long long v)
{
	char b[24];

	snprintf(b, sizeof b, "%lld", v);
	soc_val_set_str(out, path, b);
}

/* --- time ------------------------------------------------------------ */

#define MS_1990 631152000000LL
#define MS_DAY 86400000LL

int
ing_set_time_ms(struct soc_val *out, const char *path, int64_t ms)
{
	char buf[SOC_TIME_LEN + 1];

	/* 9999-12-31T23:59:59.999Z is the last time RFC 3339 can write. */
	if (ms < MS_1990 || ms > 253402300799999LL)
		return -1;
	soc_time_format(ms, buf);
	soc_val_set_strn(out, path, buf, SOC_TIME_LEN);
	return 0;
}

/* Epoch seconds, ms, us or ns (told apart by magnitude) to ms. */
static int
epoch_ms(double d, int64_t *ms)
{
	if (!isfinite(d) || d < 0)
		return -1;
	if (d >= 1e17)
		d /= 1e6;
	else if (d >= 1e14)
		d /= 1e3;
	else if (d < 1e11)
		d *= 1e3;
	if (d > 9.2e18)
		return -1;
	*ms = (int64_t)floor(d + 1e-6);
	return 0;
}

static int
set_checked(struct ing_ctx *c, struct soc_val *out, const char *path, int64_t ms)
{
	int64_t now = c && c->now ? c->now : soc_clock_now();

	if (ms < MS_1990 || ms > now + MS_DAY)
		return -1;
	return ing_set_time_ms(out, path, ms);
}

int
ing_set_time_str(struct ing_ctx *c, struct soc_val *out, const char *path,
    const char *s)
{
	int64_t ms, iv;
	double dv;
	size_t n;

	if (!s)
		return -1;
	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n == 0 || n > 64)
		return -1;
	if (strspn(s, "0123456789.") >= n) {
		char tmp[65];

		memcpy(tmp, s, n);
		tmp[n] = '\0';
		switch (soc_val_numstr(tmp, &iv, &dv)) {
		case 1:
			dv = (double)iv;
			/* FALLTHROUGH */
		case 2:
			if (epoch_ms(dv, &ms) < 0)
				return -1;
			return set_checked(c, out, path, ms);
		default:
			return -1;
		}
	}
	if (soc_time_parse(s, n, &ms) < 0) {
		/* "2026-11-22 10:15:03 UTC", "... +0000 UTC" */
		if (n > 4 && strcmp(s + n - 4, " UTC") == 0 &&
		    soc_time_parse(s, n - 4, &ms) == 0)
			return set_checked(c, out, path, ms);
		return -1;
	}
	return set_checked(c, out, path, ms);
}

int
ing_set_time(struct ing_ctx *c, struct soc_val *out, const char *path,
    const struct soc_val *v)
{
	int64_t ms;

	if (soc_val_is_string(v))
		return ing_set_time_str(c, out, path, soc_val_str(v));
	if (soc_val_is_number(v)) {
		if (epoch_ms(soc_val_number(v), &ms) < 0)
			return -1;
		return set_checked(c, out, path, ms);
	}
	return -1;
}

void
ing_set_severity(struct soc_val *out, int sev)
{
	if (sev < 0)
		sev = 0;
	if (sev > 100)
		sev = 100;
	soc_val_set_int(out, "soc.severity", sev);
}

int
ing_vendor_sev(struct soc_val *out, const struct soc_val *v, double lo,
    double hi, int whole, double *d)
{
	int64_t iv;
	double x;

	if (soc_val_is_number(v))
		x = soc_val_number(v);
	else if (soc_val_is_string(v))
		switch (soc_val_numstr(soc_val_str(v), &iv, &x)) {
		case 1:
			x = (double)iv;
			break;
		case 2:
			break;
		default:
			return -1;
		}
	else
		return -1;
	if (!isfinite(x) || x < lo || x > hi || (whole && x != floor(x)))
		return -1;
	/* event.severity is an ECS long: a fractional vendor severity (AWS's
	 * 5.5) is rounded there, and kept exact in the vendor's namespace */
	if (out)
		soc_val_set_int(out, "event.severity", (int64_t)llround(x));
	*d = x;
	return 0;
}

/* --- ATT&CK ---------------------------------------------------------- */

static int
cmp_technique(const void *k, const void *e)
{
	return strcmp(k, ((const struct ing_attack_technique *)e)->id);
}

const struct ing_attack_technique *
ing_attack_technique(const char *id)
{
	char key[16];
	size_t i, n;

	if (!id)
		return NULL;
	n = strlen(id);
	if (n < 5 || n >= sizeof key)
		return NULL;
	for (i = 0; i < n; i++)
		key[i] = (char)toupper((unsigned char)id[i]);
	key[n] = '\0';
	return bsearch(key, ing_attack_techniques, ing_attack_ntechniques,
	    sizeof ing_attack_techniques[0], cmp_technique);
}

/* The tactic common/attack.c names by id, short name or title.  An id
 * ("TA0001", in any case, as most sources give them) is compared here
 * without strcasecmp's locale tables: ids are "TA" and four digits. */
const struct soc_attack_tactic *
ing_attack_tactic(const char *s)
{
	int i;

	if (s && (s[0] == 'T' || s[0] == 't') && (s[1] == 'A' || s[1] == 'a') &&
	    isdigit((unsigned char)s[2]) && isdigit((unsigned char)s[3]) &&
	    isdigit((unsigned char)s[4]) && isdigit((unsigned char)s[5]) &&
	    s[6] == '\0')
		for (i = 0; i < SOC_ATTACK_NTACTIC; i++)
			if (memcmp(s + 2, soc_attack_tactics[i].id + 2, 5) == 0)
				return &soc_attack_tactics[i];
	i = soc_attack_tactic_find(s);
	return i < 0 ? NULL : &soc_attack_tactics[i];
}

/* threat.framework, ATT&CK's, unless it is that already: the member the
 * setter would replace in place (not soc_val_get's flat dotted keys). */
static void
set_framework(struct soc_val *out)
{
	static const char fw[] = "MITRE ATT&CK";
	const struct soc_val *v = soc_val_member(soc_val_member(out,
	    "threat", 6), "framework", 9);

	if (!v || v->type != SOC_VAL_STR || v->u.s.len != sizeof fw - 1 ||
	    memcmp(v->u.s.p, fw, sizeof fw - 1) != 0)
		soc_val_set_str(out, "threat.framework", fw);
}

/* Is s a well-formed technique id "T1234" or "T1234.567"? */
static int
technique_id_ok(const char *s)
{
	size_t i;

	if ((s[0] != 'T' && s[0] != 't') || strlen(s) < 5)
		return 0;
	for (i = 1; i <= 4; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	if (s[5] == '\0')
		return 1;
	return s[5] == '.' && isdigit((unsigned char)s[6]) &&
	    isdigit((unsigned char)s[7]) && isdigit((unsigned char)s[8]) &&
	    s[9] == '\0';
}

/* Is s already in the string array at path? */
static int
has_str(const struct soc_val *out, const char *path, const char *s)
{
	const struct soc_val *a = soc_val_get(out, path);
	size_t i;

	if (!a || a->type != SOC_VAL_ARR)
		return 0;
	for (i = 0; i < a->n; i++)
		if (a->u.a[i]->type == SOC_VAL_STR &&
		    strcmp(a->u.a[i]->u.s.p, s) == 0)
			return 1;
	return 0;
}

/* Append to an array at path without the uniqueness check. */
static void
append_str(struct soc_val *out, const char *path, const char *s)
{
	soc_val_append_at(out, path, soc_val_new_strn(out->arena, s, strlen(s)));
}

/*
 * threat.technique.id[] and .name[] are parallel arrays (ECS), as are the
 * tactic ones: an id is added once, with its name when the table knows it.
 * An unknown but well-formed id is kept without a name; anything else is
 * not an ATT&CK id and is dropped.
 */
void
ing_add_technique(struct soc_val *out, const char *id)
{
	const struct ing_attack_technique *t;
	char norm[16];
	size_t i, n;
	const char *p;

	if (!id)
		return;
	while (*id == ' ')
		id++;
	n = strlen(id);
	while (n > 0 && id[n - 1] == ' ')
		n--;
	if (n == 0 || n >= sizeof norm)
		return;
	for (i = 0; i < n; i++)
		norm[i] = (char)toupper((unsigned char)id[i]);
	norm[n] = '\0';
	if (!technique_id_ok(norm))
		return;
	if (has_str(out, "threat.technique.id", norm) ||
	    has_str(out, "threat.technique.subtechnique.id", norm))
		return;
	set_framework(out);
	t = ing_attack_technique(norm);
	if (strchr(norm, '.')) {
		/* ECS: a sub-technique under its technique ("T1218.010" in
		 * subtechnique.id, "T1218" in technique.id) */
		char parent[16];
		const struct ing_attack_technique *pt;

		append_str(out, "threat.technique.subtechnique.id", norm);
		if (t)
			append_str(out, "threat.technique.subtechnique.name",
			    t->name);
		snprintf(parent, sizeof parent, "%.*s",
		    (int)strcspn(norm, "."), norm);
		if (!has_str(out, "threat.technique.id", parent)) {
			append_str(out, "threat.technique.id", parent);
			pt = ing_attack_technique(parent);
			if (pt)
				append_str(out, "threat.technique.name",
				    pt->name);
		}
	} else {
		append_str(out, "threat.technique.id", norm);
		if (t)
			append_str(out, "threat.technique.name", t->name);
	}
	if (!t)
		return;
	/* Its tactics, "TA0002,TA0005". */
	for (p = t->tactics; *p; ) {
		char tid[16];
		size_t k = strcspn(p, ",");

		if (k > 0 && k < sizeof tid) {
			memcpy(tid, p, k);
			tid[k] = '\0';
			ing_add_tactic(out, tid);
		}
		p += k;
		if (*p == ',')
			p++;
	}
}

/*
 * Tactics are written as their id and ATT&CK name ("TA0002",
 * "Execution"), as ECS and ATT&CK have them; a vendor's short name
 * ("execution", "lateral-movement") is found and written the same way.
 */
void
ing_add_tactic(struct soc_val *out, const char *s)
{
	const struct soc_attack_tactic *t = ing_attack_tactic(s);

	if (!t || has_str(out, "threat.tactic.id", t->id))
		return;
	set_framework(out);
	append_str(out, "threat.tactic.id", t->id);
	append_str(out, "threat.tactic.name", t->title);
}

/* --- users, hashes, paths -------------------------------------------- */

static int
empty_value(const char *s)
{
	return !s || !*s || strcmp(s, "-") == 0;
}

void
ing_set_user(struct soc_val *out, const char *prefix, const char *s)
{
	char path[96];
	const char *bs, *at;

	if (empty_value(s))
		return;
	if ((bs = strchr(s, '\\')) != NULL) {
		if (bs > s) {
			snprintf(path, sizeof path, "%s.domain", prefix);
			soc_val_set_strn(out, path, s, (size_t)(bs - s));
		}
		snprintf(path, sizeof path, "%s.name", prefix);
		soc_val_set_str(out, path, bs + 1);
		return;
	}
	if ((at = strrchr(s, '@')) != NULL && at > s && at[1]) {
		snprintf(path, sizeof path, "%s.name", prefix);
		soc_val_set_strn(out, path, s, (size_t)(at - s));
		snprintf(path, sizeof path, "%s.domain", prefix);
		soc_val_set_str(out, path, at + 1);
		if (strchr(at + 1, '.')) {
			snprintf(path, sizeof path, "%s.email", prefix);
			soc_val_set_str(out, path, s);
		}
		return;
	}
	snprintf(path, sizeof path, "%s.name", prefix);
	soc_val_set_str(out, path, s);
}

/* Set PREFIX.hash.ALGO to the lower-cased hex value v[0..n). */
static void
set_hash(struct soc_val *out, const char *prefix, const char *algo, const char *v,
    size_t n)
{
	char path[96], hex[129];
	size_t i;

	if (n == 0 || n >= sizeof hex)
		return;
	for (i = 0; i < n; i++) {
		if (!isxdigit((unsigned char)v[i]))
			return;
		hex[i] = (char)tolower((unsigned char)v[i]);
	}
	hex[n] = '\0';
	/* ECS: the import hash is a property of the PE file, not a hash of
	 * its bytes */
	snprintf(path, sizeof path, strcmp(algo, "imphash") == 0 ?
	    "%s.pe.%s" : "%s.hash.%s", prefix, algo);
	soc_val_set_str(out, path, hex);
}

void
ing_set_hashes(struct soc_val *out, const char *prefix, const char *s)
{
	const char *p = s;

	if (empty_value(s))
		return;
	if (!strchr(s, '=')) {
		size_t n = strlen(s);

		if (n == 32)
			set_hash(out, prefix, "md5", s, n);
		else if (n == 40)
			set_hash(out, prefix, "sha1", s, n);
		else if (n == 64)
			set_hash(out, prefix, "sha256", s, n);
		return;
	}
	while (*p) {
		size_t k = strcspn(p, ",");
		const char *eq = memchr(p, '=', k);

		if (eq) {
			char algo[16];
			size_t an = (size_t)(eq - p), i;

			while (an > 0 && p[0] == ' ') {
				p++;
				an--;
				k--;
			}
			eq = p + an;
			if (an > 0 && an < sizeof algo) {
				for (i = 0; i < an; i++)
					algo[i] = (char)tolower((unsigned char)p[i]);
				algo[an] = '\0';
				if (strcmp(algo, "sha256") == 0 ||
				    strcmp(algo, "sha1") == 0 ||
				    strcmp(algo, "md5") == 0 ||
				    strcmp(algo, "imphash") == 0 ||
				    strcmp(algo, "sha512") == 0)
					set_hash(out, prefix, algo, eq + 1,
					    k - an - 1);
			}
		}
		p += k;
		if (*p == ',')
			p++;
	}
}

const char *
ing_basename(const char *path)
{
	const char *p, *b;

	if (!path)
		return NULL;
	b = path;
	for (p = path; *p; p++)
		if ((*p == '/' || *p == '\\') && p[1])
			b = p + 1;
	return b;
}
