/*
 * Read-only queries to the products themselves, for the investigation:
 * the Okta System Log, Microsoft Graph sign-ins and directory audits,
 * Defender advanced hunting.  Each is an action of a read connector
 * (common/connector: the templates in connectors/read/, compiled in),
 * configured in the decide configuration's "investigate.connectors"
 * with credentials that can read and nothing else: soc-decide loads
 * read connectors only, so it never holds soc-act's write credentials.
 *
 * A query is sent for an entity of the incident's blast radius whose
 * type the action takes (user, host, hash, ip), only when its value is
 * one a query filter can carry as it is (a login, a host name, an
 * address, a hash: no quotes, no spaces), counted against the
 * investigation's query and time budgets.  Each answer becomes one
 * finding with the connector and action as its source; an answer that
 * does not come, or comes as an error, is a finding that says so.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "decide.h"
#include "err.h"

#define QUERY_TIMEOUT_MS 10000	/* per request, unless configured */

static const json_t *
builtin(const char *name, json_t **owned)
{
	const struct soc_embed *t = soc_embed_find(dec_read_templates, name);

	return t ? (*owned = json_loads(t->text, 0, NULL)) : NULL;
}

void
dec_query_open(struct dec_invest *iv, const json_t *cfg)
{
	const json_t *v;
	const char *k;
	char err[300];

	json_object_foreach((json_t *)json_object_get(cfg, "connectors"), k, v) {
		const char *tname = json_string_value(json_object_get(v, "template"));
		json_t *owned = NULL, *set;
		const json_t *t;
		struct soc_conn *c;

		t = builtin(tname ? tname : k, &owned);
		if (!t)
			soc_die(SOC_EX_CONFIG, "investigate.connectors.%s: no "
			    "read-only template '%s' (okta, graph, defender)", k,
			    tname ? tname : k);
		set = json_is_object(v) ? json_copy((json_t *)v) : json_object();
		json_object_del(set, "template");
		if (!json_object_get(set, "timeout_ms"))
			json_object_set_new(set, "timeout_ms",
			    json_integer(QUERY_TIMEOUT_MS));
		if (!json_object_get(set, "retry"))
			json_object_set_new(set, "retry", json_pack("{s:i,s:i}",
			    "attempts", 2, "max_wait_s", 5));
		c = soc_conn_new(t, set, SOC_CONN_READ, err, sizeof err);
		json_decref(set);
		json_decref(owned);
		if (!c)
			soc_die(SOC_EX_CONFIG, "investigate.connectors.%s: %s", k, err);
		iv->src = soc_xrealloc(iv->src, (iv->nsrc + 1) * sizeof *iv->src);
		iv->src[iv->nsrc].name = soc_xstrdup(k);
		iv->src[iv->nsrc].conn = c;
		iv->nsrc++;
	}
}

void
dec_query_close(struct dec_invest *iv)
{
	size_t i;

	for (i = 0; i < iv->nsrc; i++) {
		free(iv->src[i].name);
		soc_conn_free(iv->src[i].conn);
	}
	free(iv->src);
	iv->src = NULL;
	iv->nsrc = 0;
}

/* Can value go into a query filter as it is?  Logins, host names,
 * addresses and hashes can; anything with quotes, spaces or operators is
 * never sent (it came from an alert). */
static int
safe_value(const char *type, const char *v)
{
	unsigned char a[16];
	size_t i, n = strlen(v);

	if (strcmp(type, "ip") == 0)
		return inet_pton(AF_INET, v, a) == 1 || inet_pton(AF_INET6, v, a) == 1;
	if (n == 0 || n > 256)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];

		if (strcmp(type, "hash") == 0 ? !isxdigit(c) :
		    !(isalnum(c) || strchr(".-_@+$\\", c)))
			return 0;
	}
	return 1;
}

/* The template's question with {value} and {window} filled in. */
static void
question(struct soc_buf *q, const json_t *act, const char *value, int window_h)
{
	const char *s = json_string_value(json_object_get(act, "question"));

	soc_buf_reset(q);
	if (!s)
		s = "what does the product say about {value}?";
	while (*s) {
		if (strncmp(s, "{value}", 7) == 0) {
			soc_buf_addstr(q, value);
			s += 7;
		} else if (strncmp(s, "{window}", 8) == 0) {
			soc_buf_addf(q, "%d h", window_h);
			s += 8;
		} else
			soc_buf_addch(q, *s++);
	}
}

static const char *
str_at(const json_t *v, const char *path)
{
	const char *s = json_string_value(soc_conn_path(v, path));

	return s ? s : "";
}

/* Add "what (when)" to a list of at most 3 entries, counting all. */
static void
note(struct soc_buf *b, int *n, const char *what, const char *when)
{
	if ((*n)++ < 3)
		soc_buf_addf(b, "%s%.80s%s%.24s%s", b->len ? ", " : "", what,
		    *when ? " at " : "", when, "");
}

/* An address list, without repeats, at most 3. */
static void
addr(struct soc_buf *b, int *n, const char *ip)
{
	if (!*ip || (b->p && strstr(b->p, ip)))
		return;
	if ((*n)++ < 3)
		soc_buf_addf(b, "%s%.45s", b->len ? ", " : "", ip);
}

enum change { CH_NONE, CH_PASSWORD, CH_MFA, CH_DEVICE };

struct tally {
	int signins, failed, naddr, risky, changes[4];
	struct soc_buf addrs, listed[4];
};

static void
tally_change(struct tally *t, enum change c, const char *what, const char *when)
{
	if (c != CH_NONE)
		note(&t->listed[c], &t->changes[c], what, when);
}

/* Okta LogEvents. */
static void
okta_events(struct tally *t, const json_t *rows)
{
	const json_t *e;
	size_t i;

	json_array_foreach(rows, i, e) {
		const char *ty = str_at(e, "eventType");
		const char *when = str_at(e, "published");

		if (strcmp(ty, "user.session.start") == 0) {
			t->signins++;
			t->failed += strcmp(str_at(e, "outcome.result"),
			    "SUCCESS") != 0;
			addr(&t->addrs, &t->naddr, str_at(e, "client.ipAddress"));
		}
		tally_change(t, strncmp(ty, "user.account.reset_password", 27) == 0 ||
		    strncmp(ty, "user.account.update_password", 28) == 0 ||
		    strncmp(ty, "user.credential.", 16) == 0 ? CH_PASSWORD :
		    strncmp(ty, "user.mfa.", 9) == 0 ||
		    strncmp(ty, "system.mfa.", 11) == 0 ? CH_MFA :
		    strncmp(ty, "device.", 7) == 0 ? CH_DEVICE : CH_NONE, ty, when);
	}
}

/* Graph signIn resources. */
static void
graph_signins(struct tally *t, const json_t *rows)
{
	const json_t *e;
	size_t i;

	json_array_foreach(rows, i, e) {
		const char *risk = str_at(e, "riskLevelDuringSignIn");

		t->signins++;
		t->failed += json_integer_value(soc_conn_path(e,
		    "status.errorCode")) != 0;
		t->risky += strcmp(risk, "medium") == 0 || strcmp(risk, "high") == 0;
		addr(&t->addrs, &t->naddr, str_at(e, "ipAddress"));
	}
}

/* Graph directoryAudit resources. */
static void
graph_audits(struct tally *t, const json_t *rows)
{
	const json_t *e;
	size_t i;

	json_array_foreach(rows, i, e) {
		const char *what = str_at(e, "activityDisplayName");

		tally_change(t, strcasestr(what, "password") ? CH_PASSWORD :
		    strcasestr(what, "security info") ||
		    strcasestr(what, "authentication method") ||
		    strcasestr(what, "StrongAuthentication") ? CH_MFA :
		    strcasestr(what, "device") ? CH_DEVICE : CH_NONE, what,
		    str_at(e, "activityDateTime"));
	}
}

/* Advanced hunting result rows: each row's values, "a / b / c". */
static void
hunting_rows(struct soc_buf *a, const json_t *rows)
{
	const json_t *e, *v;
	const char *k;
	size_t i;

	json_array_foreach(rows, i, e) {
		int first = 1;

		if (i == 5) {
			soc_buf_addf(a, "; and %zu more", json_array_size(rows) - 5);
			break;
		}
		soc_buf_addstr(a, i ? "; " : ": ");
		json_object_foreach((json_t *)e, k, v) {
			if (json_is_string(v))
				soc_buf_addf(a, "%s%.60s", first ? "" : " / ",
				    json_string_value(v));
			else if (json_is_integer(v))
				soc_buf_addf(a, "%s%s %lld", first ? "" : " / ", k,
				    (long long)json_integer_value(v));
			else
				continue;
			first = 0;
		}
	}
}

/* The answer to one query, and the facts it adds. */
static void
summarize(const char *kind, const char *action, const json_t *rows,
    struct soc_buf *a, json_t *facts)
{
	static const char *const names[4] = { "", "password change",
	    "MFA change", "device event" };
	struct tally t = { 0, 0, 0, 0, { 0 }, SOC_BUF_INIT, { SOC_BUF_INIT,
	    SOC_BUF_INIT, SOC_BUF_INIT, SOC_BUF_INIT } };
	int c, any = 0;

	soc_buf_addf(a, "%zu record%s", json_array_size(rows),
	    json_array_size(rows) == 1 ? "" : "s");
	if (strcmp(kind, "hunting_rows") == 0) {
		hunting_rows(a, rows);
		dec_fact_add(facts, strcmp(action, "host_alerts") == 0 ?
		    "endpoint_alerts" : "spread", (json_int_t)json_array_size(rows));
		return;
	}
	if (strcmp(kind, "okta_events") == 0)
		okta_events(&t, rows);
	else if (strcmp(kind, "graph_signins") == 0)
		graph_signins(&t, rows);
	else if (strcmp(kind, "graph_audits") == 0)
		graph_audits(&t, rows);
	if (t.signins)
		soc_buf_addf(a, "; %d sign-in%s (%d failed%s) from %d address%s: %s",
		    t.signins, t.signins == 1 ? "" : "s", t.failed,
		    t.risky ? ", some risky" : "", t.naddr, t.naddr == 1 ? "" : "es",
		    t.addrs.p ? t.addrs.p : "");
	for (c = CH_PASSWORD; c <= CH_DEVICE; c++) {
		if (t.changes[c])
			soc_buf_addf(a, "; %d %s%s: %s", t.changes[c], names[c],
			    t.changes[c] == 1 ? "" : "s", t.listed[c].p);
		any += t.changes[c];
		soc_buf_release(&t.listed[c]);
	}
	if (strcmp(kind, "graph_signins") != 0 && !any)
		soc_buf_addstr(a, "; no password, MFA or device change");
	dec_fact_add(facts, "account_changes", any);
	soc_buf_release(&t.addrs);
}

static void
run_one(struct dec_invest *iv, struct dec_source *s, const char *action,
    const json_t *act, const char *type, const char *value, json_t *out,
    json_t *facts, int64_t now)
{
	struct soc_buf q = SOC_BUF_INIT, a = SOC_BUF_INIT, src = SOC_BUF_INIT;
	struct soc_conn_outcome o;
	char since[SOC_TIME_LEN + 1], until[SOC_TIME_LEN + 1];
	json_t *vars;

	question(&q, act, value, iv->window_h);
	soc_buf_addf(&src, "%s.%s (%s)", s->name, action, json_string_value(
	    json_object_get(soc_conn_template(s->conn), "product")));
	if (!safe_value(type, value)) {
		dec_finding(out, q.p, "not asked: the value holds characters a "
		    "query filter must not carry", src.p, now);
		goto out;
	}
	if (!dec_invest_may(iv, out, q.p, src.p, now))
		goto out;
	soc_time_format(now - (int64_t)iv->window_h * 3600000, since);
	soc_time_format(now, until);
	vars = json_pack("{s:{s:s,s:s},s:{s:s,s:s,s:i,s:i}}", "target", "type",
	    type, "value", value, "inputs", "since", since, "until", until,
	    "limit", iv->limit, "window_h", iv->window_h);
	soc_conn_run(s->conn, action, vars, &o);
	json_decref(vars);
	if (o.status != SOC_CONN_DONE)
		soc_buf_addf(&a, "the query failed: %s", o.error);
	else
		summarize(json_string_value(json_object_get(act, "summary")),
		    action, json_object_get(o.result, "records"), &a, facts);
	dec_finding(out, q.p, a.p, src.p, now);
	soc_conn_outcome_release(&o);
out:
	soc_buf_release(&q);
	soc_buf_release(&a);
	soc_buf_release(&src);
}

void
dec_query_entity(struct dec_invest *iv, const char *kind, const char *value,
    const char *ask, json_t *out, json_t *facts, int64_t now)
{
	static const struct { const char *kind, *type; } types[] = {
		{ "users", "user" }, { "hosts", "host" }, { "hashes", "hash" },
		{ "addresses", "ip" },
	};
	const char *type = NULL, *name;
	const json_t *act;
	size_t i, k;

	for (k = 0; k < sizeof types / sizeof types[0]; k++)
		if (strcmp(types[k].kind, kind) == 0)
			type = types[k].type;
	for (i = 0; type && i < iv->nsrc; i++)
		json_object_foreach((json_t *)json_object_get(soc_conn_template(
		    iv->src[i].conn), "actions"), name, act) {
			const char *t = json_string_value(json_array_get(
			    json_object_get(act, "target"), 0));

			if (!t || strcmp(t, type) != 0 || (ask &&
			    strcmp(ask, name) != 0))
				continue;
			run_one(iv, &iv->src[i], name, act, type, value, out,
			    facts, now);
		}
}
