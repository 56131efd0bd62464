/*
 * soc-conn: a test driver of common/connector.c.
 *   soc-conn [--show] [--read] TEMPLATE SETTINGS ACTION VARS
 * Loads the connector TEMPLATE (a JSON file) with SETTINGS (a JSON file,
 * or - for none) and runs ACTION for VARS (a JSON file); --show prints
 * the masked request instead.  Prints one JSON object: status, http,
 * attempts, result, error.  Exits 0 when done, 69 when failed, 78 when
 * refused or the connector does not load.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "connector.h"
#include "err.h"
#include "http.h"

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "show", no_argument, NULL, 's' },
		{ "read", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const names[] = { "done", "failed", "refused" };
	enum soc_conn_access acc = SOC_CONN_WRITE;
	struct soc_conn_outcome o;
	struct soc_conn *c;
	json_t *tmpl, *cfg = NULL, *vars, *out;
	char err[256];
	int show = 0, ch, rc;

	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1)
		switch (ch) {
		case 's': show = 1; break;
		case 'r': acc = SOC_CONN_READ; break;
		default: return 64;
		}
	if (argc - optind != 4) {
		fprintf(stderr, "usage: soc-conn [--show] [--read] TEMPLATE SETTINGS ACTION VARS\n");
		return 64;
	}
	soc_http_global_init();
	tmpl = soc_config_load_or_die(argv[optind]);
	if (strcmp(argv[optind + 1], "-") != 0)
		cfg = soc_config_load_or_die(argv[optind + 1]);
	vars = soc_config_load_or_die(argv[optind + 3]);
	if (!(c = soc_conn_new(tmpl, cfg, acc, err, sizeof err))) {
		printf("{\"status\":\"refused\",\"error\":\"%s\"}\n", err);
		rc = 78;
		goto done;
	}
	if (show) {
		out = soc_conn_show(c, argv[optind + 2], vars, err, sizeof err);
		if (!out) {
			printf("{\"status\":\"refused\",\"error\":\"%s\"}\n", err);
			rc = 78;
		} else {
			char *s = json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS);

			printf("%s\n", s);
			free(s);
			json_decref(out);
			rc = 0;
		}
	} else {
		char *s;

		soc_conn_run(c, argv[optind + 2], vars, &o);
		out = json_pack("{s:s,s:i,s:i,s:s}", "status", names[o.status],
		    "http", (json_int_t)o.http_status, "attempts",
		    (json_int_t)o.attempts, "error", o.error);
		if (o.result)
			json_object_set(out, "result", o.result);
		if (o.retry_later)
			json_object_set_new(out, "retry_later", json_true());
		s = json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS);
		printf("%s\n", s);
		free(s);
		json_decref(out);
		rc = o.status == SOC_CONN_DONE ? 0 : o.status == SOC_CONN_FAILED ? 69 : 78;
		soc_conn_outcome_release(&o);
	}
	soc_conn_free(c);
done:
	json_decref(tmpl);
	json_decref(cfg);
	json_decref(vars);
	return rc;
}
