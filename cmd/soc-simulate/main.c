/*
 * soc-simulate: a simulated company's security telemetry, with planted
 * attacks and their ground truth.
 *
 * Reads: nothing but its options.  Writes, for a seed and a size, the raw
 * events of a company's sensors and services in their vendors' formats
 * (Suricata EVE, Okta, Entra ID sign-ins, Sysmon and Windows Security
 * via Winlogbeat, CloudTrail, Wazuh, RFC 5424 syslog, a proxy's CEF), one
 * per line, interleaved in time order: events.log in --out DIR (or the
 * standard output without --out).  In DIR also: truth.ndjson (each
 * campaign event's line, campaign, step, ATT&CK tactic and technique, and
 * the entities soc-ingest must find in it), campaigns.ndjson (one line a
 * campaign), and the inventories soc-enrich imports (assets.csv,
 * identities.csv, zones.csv, intel/feed.txt).
 *
 * Decides: nothing about the pipeline; it is the world the pipeline is
 * tested against.  Deterministic: the same options give the same bytes.
 * Memory is one simulated minute of events, so --days and --users scale
 * it to tens of millions of events.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "clock.h"
#include "err.h"
#include "opt.h"
#include "sim.h"

#define DEFAULT_START "2026-11-02T00:00:00Z"	/* a Monday */

enum { OPT_SEED = 0x200, OPT_DAYS, OPT_USERS, OPT_RATE, OPT_EVENTS,
	OPT_CAMPAIGNS, OPT_START, OPT_OUT, OPT_STATS };

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp,
	    "usage: soc-simulate [--seed N] [--days N] [--users N] [--rate N | --events N]\n"
	    "                    [--campaigns N] [--start TIME] [--out DIR] [--stats]\n"
	    "       soc-simulate -h | --help | -V | --version\n");
	exit(status);
}

static int64_t
number(const char *opt, const char *arg, int64_t min, int64_t max)
{
	int64_t v;

	if (soc_parse_i64(arg, min, max, &v) < 0) {
		soc_warn("%s: '%s' is not a number from %lld to %lld", opt, arg,
		    (long long)min, (long long)max);
		usage(SOC_EX_USAGE);
	}
	return v;
}

static void
close_out(FILE *fp, const char *name)
{
	int bad = ferror(fp);

	if (fclose(fp) != 0 || bad) {
		if (errno == EPIPE && fp == stdout)
			exit(0);
		soc_die_errno(SOC_EX_IOERR, "cannot write '%s'", name);
	}
}

static double
seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* 10000-01-01T00:00:00Z in ms: the first time RFC 3339 cannot write. */
#define SIM_TIME_END INT64_C(253402300800000)

/* What a run is asked for. */
struct run {
	uint64_t seed;
	int64_t days, users, rate, events, ncamp, start;
	const char *dir;
	int stats;
};

/* What the options say together, once all are read. */
static void
finish_opts(struct run *o)
{
	/* RFC 3339 times end at 9999 (soc_time_format writes a later one
	 * as 9999): the run, and a day after it for the last campaign
	 * steps. */
	if (o->start + (o->days + 1) * 86400000 > SIM_TIME_END) {
		soc_warn("--start and --days: the run must end before "
		    "9999-12-31T00:00:00Z");
		usage(SOC_EX_USAGE);
	}
	/* About one campaign event in a hundred: a campaign (some forty
	 * events) per 4,000 events, at least four, at most 200. */
	if (o->ncamp < 0) {
		double total = o->events ? (double)o->events :
		    (double)o->rate * (double)o->users * (double)o->days;

		o->ncamp = total / 4000 < 4 ? 4 : total / 4000 > 200 ? 200 :
		    (int64_t)(total / 4000);
	}
}

/* The options into o, with their defaults. */
static void
parse_opts(int argc, char **argv, struct run *o)
{
	static const struct option longopts[] = {
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "days", required_argument, NULL, OPT_DAYS },
		{ "users", required_argument, NULL, OPT_USERS },
		{ "rate", required_argument, NULL, OPT_RATE },
		{ "events", required_argument, NULL, OPT_EVENTS },
		{ "campaigns", required_argument, NULL, OPT_CAMPAIGNS },
		{ "start", required_argument, NULL, OPT_START },
		{ "out", required_argument, NULL, OPT_OUT },
		{ "stats", no_argument, NULL, OPT_STATS },
		{ "help", no_argument, NULL, SOC_OPT_HELP },
		{ "version", no_argument, NULL, SOC_OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	struct soc_opts so;
	int c;

	memset(o, 0, sizeof *o);
	o->seed = 1;
	o->days = 1;
	o->users = 50;
	o->rate = 200;
	o->ncamp = -1;
	soc_opts_init(&so);
	if (soc_time_parse(DEFAULT_START, strlen(DEFAULT_START), &o->start) < 0)
		soc_bug("bad default start");
	while ((c = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_SEED:
			o->seed = (uint64_t)number("--seed", optarg, 0, INT64_MAX);
			break;
		case OPT_DAYS:
			o->days = number("--days", optarg, 1, 3650);
			break;
		case OPT_USERS:
			o->users = number("--users", optarg, 1, 10000000);
			break;
		case OPT_RATE:
			o->rate = number("--rate", optarg, 1, 10000000);
			break;
		case OPT_EVENTS:
			o->events = number("--events", optarg, 1, INT64_MAX / 2);
			break;
		case OPT_CAMPAIGNS:
			o->ncamp = number("--campaigns", optarg, 0, 200);
			break;
		case OPT_START:
			if (soc_time_parse(optarg, strlen(optarg), &o->start) < 0) {
				soc_warn("--start: '%s' is not an RFC 3339 time", optarg);
				usage(SOC_EX_USAGE);
			}
			break;
		case OPT_OUT:
			o->dir = optarg;
			break;
		case OPT_STATS:
			o->stats = 1;
			break;
		default:
			if (!soc_opt_common(c, optarg, &so, usage))
				usage(SOC_EX_USAGE);
		}
	}
	if (optind < argc) {
		soc_warn("unexpected argument '%s'", argv[optind]);
		usage(SOC_EX_USAGE);
	}
	finish_opts(o);
}

int
main(int argc, char **argv)
{
	static char evbuf[1 << 18];
	struct run o;
	struct sim_org org;
	struct sim_rng rng;
	struct sim_noise *noise;
	struct sim_campaigns *camp;
	struct sim_out out;
	const char *intel[512];
	int64_t ms;
	size_t nintel, i;
	int c;
	FILE *fp, *truth = NULL;
	double t0 = seconds(), el;

	parse_opts(argc, argv, &o);
	signal(SIGPIPE, SIG_IGN);

	sim_org_build(&org, o.seed, (size_t)o.users, o.start, (int)o.days);
	sim_rng_seed(&rng, o.seed);
	noise = sim_noise_new(&org, &rng, o.events ?
	    (double)o.events / (double)o.users / (double)o.days : (double)o.rate);
	camp = sim_campaigns_plan(&org, o.seed, (int)o.ncamp);

	if (o.dir) {
		if (mkdir(o.dir, 0777) < 0 && errno != EEXIST)
			soc_die_errno(SOC_EX_IOERR, "cannot create '%s'", o.dir);
		nintel = sim_campaigns_intel(camp, intel, 256);
		/* About a third of the internet scanners are in the feed. */
		for (i = 0; nintel < sizeof intel / sizeof intel[0] &&
		    sim_noise_scanner(noise, i); i += 3)
			intel[nintel++] = sim_noise_scanner(noise, i);
		sim_org_write(&org, o.dir, intel, nintel);
		fp = sim_create(o.dir, "campaigns.ndjson");
		sim_campaigns_write(camp, fp);
		close_out(fp, "campaigns.ndjson");
		truth = sim_create(o.dir, "truth.ndjson");
		fp = sim_create(o.dir, "events.log");
		setvbuf(fp, evbuf, _IOFBF, sizeof evbuf);
	} else {
		/* At most half a pipe, so the next stage runs alongside. */
		fp = stdout;
		setvbuf(fp, evbuf, _IOFBF, 32768);
	}

	sim_out_init(&out, fp, truth, camp);
	for (ms = org.start; ms < org.end; ms += SIM_MIN_MS) {
		sim_campaigns_minute(camp, &out, ms);
		sim_noise_minute(noise, &out, ms);
		if (sim_out_flush(&out) < 0) {
			if (errno == EPIPE)
				exit(0);
			soc_die_errno(SOC_EX_IOERR, "cannot write '%s'",
			    o.dir ? "events.log" : "standard output");
		}
	}
	close_out(fp, o.dir ? "events.log" : "standard output");
	if (truth)
		close_out(truth, "truth.ndjson");

	el = seconds() - t0;
	if (o.stats) {
		fprintf(stderr, "soc-simulate: %llu events (%llu benign, %llu in %lld "
		    "campaigns) over %lld days of %lld people in %.2f s (%.0f events/s)\n",
		    (unsigned long long)out.line, (unsigned long long)out.nbenign,
		    (unsigned long long)out.nmal, (long long)o.ncamp,
		    (long long)o.days, (long long)o.users, el,
		    el > 0 ? (double)out.line / el : 0.0);
		for (c = 0; c < SRC_N; c++)
			fprintf(stderr, "soc-simulate: %s: %llu\n", sim_src_names[c],
			    (unsigned long long)out.bysrc[c]);
	}
	sim_out_release(&out);
	sim_campaigns_free(camp);
	sim_noise_free(noise);
	sim_org_free(&org);
	return 0;
}
