/*
 * soc-pull: fetch events from products' APIs, from where the last run
 * stopped, and write them as they came, one JSON object per line, for
 * soc-ingest to map (soc-pull okta-logs | soc-ingest | ...).
 *
 * Reads: the configuration (--config, else STATE/pull.json): for each
 * source the settings of its template in connectors/pull/ (pull.h), its
 * secrets named as {"env":"VAR"}; the cursor of each source.
 *
 * Decides: which page comes next (a Link header, an @odata.nextLink, a
 * token) and which events of a page were written already: a first request
 * starts at the cursor's time, inclusive, and skips the events at exactly
 * that time whose ids the cursor holds.
 *
 * Writes: each event's bytes as the answer held them (whitespace between
 * tokens dropped) on stdout, flushed after each page; then the cursor.
 * Requests go through common/connector.h (OAuth2 and its refresh,
 * Retry-After, https only, secrets redacted from every message).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "clock.h"
#include "config.h"
#include "connector.h"
#include "err.h"
#include "http.h"
#include "json.h"
#include "ndjson.h"
#include "opt.h"
#include "pull.h"
#include "state.h"

#define PAGE_MAX_EVENTS 100000
#define DEFAULT_LOOKBACK_MS (24 * 3600 * 1000LL)

enum { OPT_SINCE = 0x200, OPT_MAX_PAGES, OPT_WAIT, OPT_STATS, OPT_LIST };

static struct {
	struct soc_opts opts;
	const char *since;	/* --since */
	long max_pages;
	double wait_s;
	int stats;
	json_t *cfg;
	char *dir;		/* STATE/pull */
	struct soc_out out;
	struct soc_buf line;
} g;

/* What one source's run did, for --stats. */
struct tally {
	unsigned long long pages, events, dups, untimed;
};

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp,
	    "usage: soc-pull [--state DIR] [--config FILE] [--since TIME]\n"
	    "                [--max-pages N] [--wait SECONDS] [--stats] SOURCE ...\n"
	    "       soc-pull --list\n"
	    "       soc-pull -h | --help | -V | --version\n");
	exit(status);
}

static json_t *
builtin(const char *name)
{
	const struct soc_embed *b = soc_embed_find(pull_builtins, name);
	json_error_t e;
	json_t *j;

	if (!b)
		return NULL;
	if (!(j = json_loadb(b->text, b->len, 0, &e)))
		soc_die(SOC_EX_SOFTWARE, "built-in %s: %s", name, e.text);
	return j;
}

static void
list(void)
{
	const struct soc_embed *b;

	for (b = pull_builtins; b->name; b++) {
		json_t *j = builtin(b->name);

		printf("%-20s %s\n", b->name,
		    json_string_value(json_object_get(j, "doc")));
		json_decref(j);
	}
	if (soc_out_close(&g.out) != 0 || fflush(stdout) != 0)
		exit(SOC_EX_IOERR);
	exit(0);
}

static const char *
spec_str(const json_t *spec, const char *k)
{
	return json_string_value(json_object_get(spec, k));
}

/* The string (decoded) or number (as written) at path in v; "" if none. */
static void
scalar_at(const struct soc_span *v, const char *path, struct soc_buf *out)
{
	struct soc_span s;
	enum soc_json_type t = *path ? soc_json_path(v, path, &s) : SOC_JSON_NONE;

	out->len = 0;
	if (t == SOC_JSON_STRING)
		(void)soc_json_str_decode(&s, out);
	else if (t == SOC_JSON_NUMBER)
		(void)soc_buf_add(out, s.p, s.len);
	(void)soc_buf_addch(out, '\0');
	out->len--;
}

static int
in_ids(const json_t *ids, const char *id)
{
	const json_t *v;
	size_t i;

	json_array_foreach(ids, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), id) == 0)
			return 1;
	return 0;
}

/* Note event time t (text ts) and id: the latest time of the pass and the
 * ids at it. */
static void
note_high(struct pull_cursor *c, int64_t t, const char *ts, const char *id)
{
	if (t > c->high_ms) {
		c->high_ms = t;
		pull_set(&c->high, ts);
		json_array_clear(c->high_ids);
	}
	if (t == c->high_ms && *id && !in_ids(c->high_ids, id))
		json_array_append_new(c->high_ids, json_string(id));
}

/* Write the events of array span evs; returns how many were written. */
static unsigned long long
write_events(const struct soc_span *evs, const json_t *spec,
    struct pull_cursor *c, struct tally *t, const char *name)
{
	const char *tpath = spec_str(spec, "time"), *ipath = spec_str(spec, "id");
	struct soc_buf ts = SOC_BUF_INIT, id = SOC_BUF_INIT;
	struct soc_json_iter it;
	struct soc_span k, v;
	unsigned long long n = 0;

	ts.max = id.max = 4096;
	soc_json_iter_init(&it, evs);
	while (soc_json_iter_next(&it, &k, &v)) {
		int64_t ms;

		if (v.type != SOC_JSON_OBJECT) {
			soc_warn("%s: an event that is not an object, skipped", name);
			continue;
		}
		scalar_at(&v, tpath ? tpath : "", &ts);
		scalar_at(&v, ipath ? ipath : "", &id);
		if (ts.len && soc_time_parse(ts.p, ts.len, &ms) == 0) {
			/* A first request starts at since, inclusive. */
			if (ms == c->since_ms && id.len && in_ids(c->seen, id.p)) {
				t->dups++;
				continue;
			}
			note_high(c, ms, ts.p, id.p);
		} else
			t->untimed++;
		g.line.len = 0;
		if (soc_json_compact(&v, &g.line) < 0) {
			soc_warn("%s: an event longer than %zu bytes, skipped",
			    name, g.line.max);
			continue;
		}
		soc_out_line(&g.out, g.line.p, g.line.len);
		n++;
	}
	soc_buf_release(&ts);
	soc_buf_release(&id);
	t->events += n;
	return n;
}

/* Exit status for an outcome that is not DONE. */
static int
failed(const char *name, const struct soc_conn_outcome *o)
{
	soc_warn("%s: %s", name, o->error);
	if (o->retry_later || o->http_status == 429)
		return SOC_EX_TEMPFAIL;
	return o->status == SOC_CONN_REFUSED && !o->http_status ?
	    SOC_EX_CONFIG : SOC_EX_UNAVAILABLE;
}

/* Validate an answer's body; the root span, or -1 with a warning. */
static int
answer_root(const char *name, const struct soc_http_resp *r,
    struct soc_span *root)
{
	const char *why;
	size_t off;

	if (soc_json_validate(r->body.p ? r->body.p : "", r->body.len,
	    SOC_JSON_MAX_DEPTH, root, &why, &off) < 0) {
		soc_warn("%s: the answer (HTTP %ld) is not JSON: %s at byte %zu",
		    name, r->status, why, off);
		return -1;
	}
	return 0;
}

/* The events of an id page: the ids at "ids", fetched by "entities".
 * Returns 0 with *evs in ent's body, 1 when the page has no ids, or an
 * exit status. */
static int
entities(struct soc_conn *conn, const json_t *spec, const char *name,
    const struct soc_span *root, struct soc_http_resp *ent,
    struct soc_span *evs)
{
	struct soc_span ids, ev;
	struct soc_json_iter it;
	struct soc_span k, v;
	struct soc_buf s = SOC_BUF_INIT;
	struct soc_conn_outcome o;
	json_t *arr = json_array(), *vars;
	int rc;

	if (soc_json_path(root, spec_str(spec, "ids"), &ids) != SOC_JSON_ARRAY) {
		json_decref(arr);
		return 1;
	}
	soc_json_iter_init(&it, &ids);
	while (soc_json_iter_next(&it, &k, &v)) {
		s.len = 0;
		if (v.type == SOC_JSON_STRING && soc_json_str_decode(&v, &s) == 0 &&
		    soc_buf_addch(&s, '\0') == 0)
			json_array_append_new(arr, json_string(s.p));
	}
	soc_buf_release(&s);
	if (!json_array_size(arr)) {
		json_decref(arr);
		return 1;
	}
	vars = json_pack("{s:{s:o}}", "step", "ids", arr);
	if (soc_conn_fetch(conn, spec_str(spec, "entities"), vars, NULL, ent,
	    &o) != SOC_CONN_DONE) {
		rc = failed(name, &o);
		goto out;
	}
	rc = SOC_EX_UNAVAILABLE;
	if (answer_root(name, ent, &ev) < 0)
		goto out;
	if (soc_json_path(&ev, spec_str(spec, "events"), evs) != SOC_JSON_ARRAY) {
		soc_warn("%s: the answer has no array '%s'", name,
		    spec_str(spec, "events"));
		goto out;
	}
	rc = 0;
out:
	soc_conn_outcome_release(&o);
	json_decref(vars);
	return rc;
}

/* The next page's URL or token of an answer, new or NULL. */
static char *
next_of(const json_t *spec, const struct soc_http_resp *r,
    const struct soc_span *root)
{
	const char *np = spec_str(spec, "next");
	struct soc_buf b = SOC_BUF_INIT;
	struct soc_span s;
	char *next = NULL;

	if (!np)
		return NULL;
	if (strcmp(np, "link") == 0)
		return r->link ? soc_http_link_next(r->link) : NULL;
	b.max = 64 << 10;
	if (soc_json_path(root, np, &s) == SOC_JSON_STRING &&
	    soc_json_str_decode(&s, &b) == 0 && b.len &&
	    soc_buf_addch(&b, '\0') == 0)
		next = soc_xstrdup(b.p);
	soc_buf_release(&b);
	return next;
}

/* Move c past a page that is out: to the next page's link or, at the end
 * of a pass, to the latest time it saw (with the ids seen at that time,
 * which the next pass skips).  0 to go on, 1 when the pass is over. */
static int
advance(struct pull_cursor *c, int poll, const char *next,
    unsigned long long n)
{
	if (poll && next && n == 0) {
		/* Caught up: the link is where the next run starts. */
		pull_set(&c->next, next);
		return 1;
	}
	if (next) {
		pull_set(&c->next, next);
		return 0;
	}
	/* The pass is over: the next starts at its latest time. */
	pull_set(&c->next, NULL);
	if (c->high && c->high_ms > c->since_ms) {
		pull_set(&c->since, c->high);
		c->since_ms = c->high_ms;
		json_decref(c->seen);
		c->seen = json_incref(c->high_ids);
	} else if (c->high && c->high_ms == c->since_ms) {
		const json_t *v;
		size_t i;

		json_array_foreach(c->high_ids, i, v)
			if (!in_ids(c->seen, json_string_value(v)))
				json_array_append(c->seen, (json_t *)v);
	}
	pull_set(&c->high, NULL);
	c->high_ms = INT64_MIN;
	c->high_ids = (json_decref(c->high_ids), json_array());
	return 1;
}

/* One page: fetch, write its events, move the cursor.  Returns 0 to go
 * on, 1 when the pass is over, or an exit status. */
static int
page(struct soc_conn *conn, const json_t *spec, struct pull_cursor *c,
    struct tally *t, const char *name)
{
	const char *more = spec_str(spec, "more"), *action = spec_str(spec, "first");
	const char *url = NULL;
	struct soc_http_resp r, ent;
	struct soc_conn_outcome o;
	struct soc_span root, evs;
	json_t *vars = json_pack("{s:{s:s}}", "step", "since", c->since);
	unsigned long long n = 0;
	char *next = NULL;
	int rc, looped = 0, poll = json_is_true(json_object_get(spec, "poll"));

	soc_http_resp_init(&ent);
	if (c->next && more) {
		action = more;
		json_object_set_new(json_object_get(vars, "step"), "token",
		    json_string(c->next));
	} else if (c->next)
		url = c->next;
	/* Nothing waits in our buffer while the answer does. */
	soc_out_flush(&g.out);
	if (soc_conn_fetch(conn, action, vars, url, &r, &o) != SOC_CONN_DONE) {
		rc = failed(name, &o);
		goto out;
	}
	rc = SOC_EX_UNAVAILABLE;
	if (answer_root(name, &r, &root) < 0)
		goto out;
	next = next_of(spec, &r, &root);
	if (spec_str(spec, "entities")) {
		int e = entities(conn, spec, name, &root, &ent, &evs);

		if (e > 1) {
			rc = e;
			goto out;
		}
		if (e == 0)
			n = write_events(&evs, spec, c, t, name);
	} else if ((*spec_str(spec, "events") ?
	    soc_json_path(&root, spec_str(spec, "events"), &evs) :
	    (evs = root, root.type)) == SOC_JSON_ARRAY)
		n = write_events(&evs, spec, c, t, name);
	else {
		soc_warn("%s: the answer has no array '%s'", name,
		    spec_str(spec, "events"));
		goto out;
	}
	/* The page is out before the cursor moves past it. */
	soc_out_flush(&g.out);
	if (g.out.failed) {
		rc = SOC_EX_IOERR;
		goto out;
	}
	t->pages++;
	c->pages++;
	/* A next page that is the page just read (a server that ignores
	 * its own skip token) would be read for ever: the pass ends. */
	if (next && c->next && strcmp(next, c->next) == 0 && !(poll && n == 0)) {
		soc_warn("%s: the next page is the page just read: the pass "
		    "ends here", name);
		free(next);
		next = NULL;
		looped = 1;
	}
	rc = advance(c, poll, next, n);
	if (pull_cursor_save(c, g.dir, name) < 0)
		rc = SOC_EX_IOERR;
	else if (looped)
		rc = SOC_EX_UNAVAILABLE;
out:
	free(next);
	json_decref(vars);
	soc_conn_outcome_release(&o);
	soc_http_resp_release(&r);
	soc_http_resp_release(&ent);
	return rc;
}

/* The settings of source name: its configuration without "template". */
static json_t *
settings(const char *name, const char **tmpl_name)
{
	json_t *s = json_object_get(g.cfg, name);

	if (!s)
		soc_die(SOC_EX_CONFIG, "no source '%s' in the configuration "
		    "(--config FILE, or pull.json in the state directory)", name);
	if (!json_is_object(s))
		soc_die(SOC_EX_CONFIG, "source '%s': settings must be an object", name);
	s = json_copy(s);
	*tmpl_name = json_string_value(json_object_get(
	    json_object_get(g.cfg, name), "template"));
	if (!*tmpl_name)
		*tmpl_name = name;
	json_object_del(s, "template");
	return s;
}

static int
pull_one(const char *name, const char *since)
{
	const char *tname;
	json_t *set = settings(name, &tname), *tmpl = builtin(tname);
	const json_t *spec;
	struct soc_conn *conn;
	struct pull_cursor c;
	struct tally t = { 0, 0, 0, 0 };
	char err[256];
	long n;
	int fd, rc = 0;

	if (!tmpl)
		soc_die(SOC_EX_CONFIG, "source '%s': no template '%s' "
		    "(soc-pull --list)", name, tname);
	spec = json_object_get(tmpl, "pull");
	if (!(conn = soc_conn_new(tmpl, set, SOC_CONN_READ, err, sizeof err)))
		soc_die(SOC_EX_CONFIG, "source '%s': %s", name, err);
	fd = pull_lock(g.dir, name, g.wait_s);
	pull_cursor_load(&c, g.dir, name, since);
	for (n = 0; g.max_pages == 0 || n < g.max_pages; n++)
		if ((rc = page(conn, spec, &c, &t, name)) != 0)
			break;
	if (rc == 1 || (g.max_pages && n == g.max_pages))
		rc = 0;
	if (g.stats)
		fprintf(stderr, "soc-pull: %s: %llu pages, %llu events, "
		    "%llu already written, %llu without a time; since %s%s\n",
		    name, t.pages, t.events, t.dups, t.untimed, c.since,
		    c.next ? ", more to come" : "");
	pull_cursor_release(&c);
	close(fd);
	soc_conn_free(conn);
	json_decref(tmpl);
	json_decref(set);
	return rc;
}

/* The options into g; whether --list was given. */
static int
parse_opts(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "max-pages", required_argument, NULL, OPT_MAX_PAGES },
		{ "wait", required_argument, NULL, OPT_WAIT },
		{ "stats", no_argument, NULL, OPT_STATS },
		{ "list", no_argument, NULL, OPT_LIST },
		SOC_OPT_LONG
	};
	int64_t v;
	int c, do_list = 0;

	while ((c = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_SINCE:
			if (soc_time_parse(optarg, strlen(optarg), &v) < 0)
				soc_die(SOC_EX_USAGE, "--since: '%s' is not an "
				    "RFC 3339 time", optarg);
			g.since = optarg;
			break;
		case OPT_MAX_PAGES:
			if (soc_parse_i64(optarg, 1, 1000000, &v) < 0)
				soc_die(SOC_EX_USAGE, "--max-pages: '%s' is not "
				    "a number from 1 to 1000000", optarg);
			g.max_pages = (long)v;
			break;
		case OPT_WAIT:
			if (soc_parse_i64(optarg, 0, 86400, &v) < 0)
				soc_die(SOC_EX_USAGE, "--wait: '%s' is not a "
				    "number of seconds", optarg);
			g.wait_s = (double)v;
			break;
		case OPT_STATS:
			g.stats = 1;
			break;
		case OPT_LIST:
			do_list = 1;
			break;
		case SOC_OPT_REJECTS:
		case SOC_OPT_MAX_LINE:
			usage(SOC_EX_USAGE);
			break;
		default:
			if (!soc_opt_common(c, optarg, &g.opts, usage))
				usage(SOC_EX_USAGE);
		}
	}
	return do_list;
}

int
main(int argc, char **argv)
{
	char since[32], *state, *cfgpath;
	int i, rc = 0, worst = 0;

	soc_opts_init(&g.opts);
	soc_out_init(&g.out, 1);
	if (parse_opts(argc, argv))
		list();
	if (optind >= argc)
		usage(SOC_EX_USAGE);
	soc_http_global_init();
	state = soc_state_dir(g.opts.state);
	g.dir = soc_state_file(state, "pull");
	if (soc_mkdirs(g.dir, 0700) < 0)
		soc_die_errno(SOC_EX_IOERR, "cannot create '%s'", g.dir);
	cfgpath = soc_config_find(g.opts.config, state, "pull.json");
	g.cfg = cfgpath ? soc_config_load_or_die(cfgpath) : json_object();
	if (!g.since) {
		soc_time_format(soc_clock_now() - DEFAULT_LOOKBACK_MS, since);
		g.since = since;
	}
	soc_buf_init(&g.line, 16 << 20);
	for (i = optind; i < argc; i++) {
		rc = pull_one(argv[i], g.since);
		if (rc > worst)
			worst = rc;
	}
	soc_buf_release(&g.line);
	json_decref(g.cfg);
	free(cfgpath);
	free(state);
	free(g.dir);
	rc = soc_out_close(&g.out);
	return worst ? worst : rc;
}
