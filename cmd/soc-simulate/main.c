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

int
main(int argc, char **argv)
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
	static char evbuf[1 << 18];
	struct soc_opts so;
	struct sim_org org;
	struct sim_rng rng;
	struct sim_noise *noise;
	struct sim_campaigns *camp;
	struct sim_out out;
	const char *dir = NULL, *intel[512];
	uint64_t seed = 1;
	int64_t days = 1, users = 50, rate = 200, events = 0, ncamp = -1, start, ms;
	size_t nintel, i;
	int stats = 0, c;
	FILE *fp, *truth = NULL;
	double t0 = seconds(), el;

	soc_opts_init(&so);
	if (soc_time_parse(DEFAULT_START, strlen(DEFAULT_START), &start) < 0)
		soc_bug("bad default start");
	while ((c = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_SEED:
			seed = (uint64_t)number("--seed", optarg, 0, INT64_MAX);
			break;
		case OPT_DAYS:
			days = number("--days", optarg, 1, 3650);
			break;
		case OPT_USERS:
			users = number("--users", optarg, 1, 10000000);
			break;
		case OPT_RATE:
			rate = number("--rate", optarg, 1, 10000000);
			break;
		case OPT_EVENTS:
			events = number("--events", optarg, 1, INT64_MAX / 2);
			break;
		case OPT_CAMPAIGNS:
			ncamp = number("--campaigns", optarg, 0, 200);
			break;
		case OPT_START:
			if (soc_time_parse(optarg, strlen(optarg), &start) < 0) {
				soc_warn("--start: '%s' is not an RFC 3339 time", optarg);
				usage(SOC_EX_USAGE);
			}
			break;
		case OPT_OUT:
			dir = optarg;
			break;
		case OPT_STATS:
			stats = 1;
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
	/* About one campaign event in a hundred: a campaign (some forty
	 * events) per 4,000 events, at least four, at most 200. */
	if (ncamp < 0) {
		double total = events ? (double)events :
		    (double)rate * (double)users * (double)days;

		ncamp = total / 4000 < 4 ? 4 : total / 4000 > 200 ? 200 :
		    (int64_t)(total / 4000);
	}
	signal(SIGPIPE, SIG_IGN);

	sim_org_build(&org, seed, (size_t)users, start, (int)days);
	sim_rng_seed(&rng, seed);
	noise = sim_noise_new(&org, &rng, events ?
	    (double)events / (double)users / (double)days : (double)rate);
	camp = sim_campaigns_plan(&org, seed, (int)ncamp);

	if (dir) {
		if (mkdir(dir, 0777) < 0 && errno != EEXIST)
			soc_die_errno(SOC_EX_IOERR, "cannot create '%s'", dir);
		nintel = sim_campaigns_intel(camp, intel, 256);
		/* About a third of the internet scanners are in the feed. */
		for (i = 0; nintel < sizeof intel / sizeof intel[0] &&
		    sim_noise_scanner(noise, i); i += 3)
			intel[nintel++] = sim_noise_scanner(noise, i);
		sim_org_write(&org, dir, intel, nintel);
		fp = sim_create(dir, "campaigns.ndjson");
		sim_campaigns_write(camp, fp);
		close_out(fp, "campaigns.ndjson");
		truth = sim_create(dir, "truth.ndjson");
		fp = sim_create(dir, "events.log");
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
			    dir ? "events.log" : "standard output");
		}
	}
	close_out(fp, dir ? "events.log" : "standard output");
	if (truth)
		close_out(truth, "truth.ndjson");

	el = seconds() - t0;
	if (stats) {
		fprintf(stderr, "soc-simulate: %llu events (%llu benign, %llu in %lld "
		    "campaigns) over %lld days of %lld people in %.2f s (%.0f events/s)\n",
		    (unsigned long long)out.line, (unsigned long long)out.nbenign,
		    (unsigned long long)out.nmal, (long long)ncamp, (long long)days,
		    (long long)users, el, el > 0 ? (double)out.line / el : 0.0);
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
