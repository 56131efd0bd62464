/*
 * stats_table: soc-audit stats' figures as a table for a person: one row a
 * priority, the steps and the approvals waiting (the ten oldest), one row
 * a day.  It prints the JSON object stats.c builds, so the table and
 * --json never disagree.
 */
#include <stdio.h>

#include <jansson.h>

#include "cli.h"

static void
dur(double s, char *out, size_t cap)
{
	long v = (long)s;

	if (v < 60)
		snprintf(out, cap, "%lds", v);
	else if (v < 3600)
		snprintf(out, cap, "%ldm%02lds", v / 60, v % 60);
	else if (v < 86400)
		snprintf(out, cap, "%ldh%02ldm", v / 3600, v % 3600 / 60);
	else
		snprintf(out, cap, "%ldd%02ldh", v / 86400, v % 86400 / 3600);
}

/* "mean/p90" of a summary, or "-". */
static const char *
cell(const json_t *s, char *out, size_t cap)
{
	char m[32], p[32];

	if (json_integer_value(json_object_get(s, "n")) == 0)
		return "-";
	dur(json_number_value(json_object_get(s, "mean_s")), m, sizeof m);
	dur(json_number_value(json_object_get(s, "p90_s")), p, sizeof p);
	snprintf(out, cap, "%s/%s", m, p);
	return out;
}

static json_int_t
num(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static void
table_priorities(const json_t *f)
{
	const json_t *r;
	size_t i;
	char c[4][64], sla[32];

	printf("%-4s %9s %5s  %-15s %-15s %-15s %-15s %s\n", "PRI", "INCIDENTS",
	    "OPEN", "DETECT mean/p90", "DECIDE", "ACT", "RESOLVE",
	    "SLA BREACHED ack/resolve");
	json_array_foreach(json_object_get(f, "by_priority"), i, r) {
		const json_t *b = json_object_get(r, "sla_breached");

		if (b)
			snprintf(sla, sizeof sla, "%lld/%lld", (long long)num(b,
			    "acknowledge"), (long long)num(b, "resolve"));
		printf("%-4s %9lld %5lld  %-15s %-15s %-15s %-15s %s\n",
		    json_string_value(json_object_get(r, "priority")),
		    (long long)num(r, "incidents"), (long long)num(r, "open"),
		    cell(json_object_get(r, "detect"), c[0], sizeof c[0]),
		    cell(json_object_get(r, "decide"), c[1], sizeof c[1]),
		    cell(json_object_get(r, "act"), c[2], sizeof c[2]),
		    cell(json_object_get(r, "resolve"), c[3], sizeof c[3]),
		    b ? sla : "-");
	}
}

static void
table_approvals(const json_t *f)
{
	const json_t *a = json_object_get(f, "approvals"), *s;
	const json_t *o = json_object_get(f, "steps");
	size_t i;
	char age[32];

	printf("\nsteps decided: %lld; done %lld (%lld automatically, %lld after "
	    "approval), failed %lld, denied %lld, not done %lld\n",
	    (long long)num(o, "decided"), (long long)num(o, "done"),
	    (long long)num(o, "done_automatically"),
	    (long long)num(o, "done_after_approval"), (long long)num(o, "failed"),
	    (long long)num(o, "denied"), (long long)num(o, "open"));
	printf("approvals waiting: %lld (tier approve %lld, senior %lld)",
	    (long long)num(a, "waiting"),
	    (long long)num(json_object_get(a, "by_tier"), "approve"),
	    (long long)num(json_object_get(a, "by_tier"), "senior"));
	if (num(a, "waiting") > 0) {
		dur((double)num(a, "oldest_age_s"), age, sizeof age);
		printf(", the oldest %s", age);
		dur(json_number_value(json_object_get(a, "mean_age_s")), age, sizeof age);
		printf(", mean age %s", age);
	}
	printf("\n");
	json_array_foreach(json_object_get(a, "steps"), i, s) {
		if (i == 10) {
			printf("  ... (--json lists all)\n");
			break;
		}
		dur((double)num(s, "age_s"), age, sizeof age);
		printf("  %-8s %-7s %s %s %s (incident %.8s)\n", age,
		    json_string_value(json_object_get(s, "tier")),
		    json_string_value(json_object_get(s, "step")),
		    json_string_value(json_object_get(s, "action")),
		    json_string_value(json_object_get(s, "target")),
		    json_string_value(json_object_get(s, "incident")));
	}
}

/* The figures of stats (figures() in stats.c) as a table. */
void
stats_table(const json_t *f)
{
	const json_t *al = json_object_get(f, "alerts"), *d;
	size_t i;

	printf("SOC figures at %s from %lld audit entries%s\n",
	    json_string_value(json_object_get(f, "now")),
	    (long long)num(f, "entries"), json_is_true(json_object_get(f, "cases")) ?
	    " and correlate.db" : " (no correlate.db: detection is the first decision)");
	printf("alerts: %lld, closed without a person: %lld", (long long)num(al,
	    "total"), (long long)num(al, "auto_closed"));
	if (num(al, "total") > 0)
		printf(" (%.1f%%)", 100.0 * json_number_value(json_object_get(al,
		    "automation")));
	printf("\n\n");
	table_priorities(f);
	table_approvals(f);
	printf("\n%-10s %7s %7s %9s %7s %6s %9s %7s %7s\n", "DAY", "ALERTS",
	    "CLOSED", "DECISIONS", "ACTIONS", "FAILED", "APPROVALS", "DENIALS",
	    "CLOSES");
	json_array_foreach(json_object_get(f, "days"), i, d)
		printf("%-10s %7lld %7lld %9lld %7lld %6lld %9lld %7lld %7lld\n",
		    json_string_value(json_object_get(d, "day")),
		    (long long)num(d, "alerts"), (long long)num(d, "auto_closed"),
		    (long long)num(d, "decisions"), (long long)num(d, "actions_done"),
		    (long long)num(d, "actions_failed"), (long long)num(d, "approvals"),
		    (long long)num(d, "denials"), (long long)num(d, "incidents_closed"));
}
