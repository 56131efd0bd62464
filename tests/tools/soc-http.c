/*
 * soc-http: a test driver of common/http.c.
 *   soc-http [--allow-http] [--max BYTES] [--timeout MS] [--redirects N]
 *            [-H HEADER]... URL
 * Prints "status=N retry_after=N bytes=N" (and "redirect=URL" for a 3xx
 * not followed) and, on failure, "error=...";
 * exits 0 when a response arrived, 69 otherwise.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "err.h"
#include "http.h"
#include "opt.h"

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "allow-http", no_argument, NULL, 'a' },
		{ "max", required_argument, NULL, 'm' },
		{ "timeout", required_argument, NULL, 't' },
		{ "redirects", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	struct soc_http_req req = { 0 };
	struct soc_http_resp resp;
	const char *hdrs[9] = { NULL };
	int c, nh = 0, rc;
	int64_t v;

	while ((c = getopt_long(argc, argv, "H:", longopts, NULL)) != -1) {
		switch (c) {
		case 'a': req.allow_http = 1; break;
		case 'm':
			if (soc_parse_i64(optarg, 1, 1 << 30, &v) < 0)
				soc_die(SOC_EX_USAGE, "bad --max");
			req.max_response = (size_t)v;
			break;
		case 't':
			if (soc_parse_i64(optarg, 1, 600000, &v) < 0)
				soc_die(SOC_EX_USAGE, "bad --timeout");
			req.timeout_ms = (long)v;
			break;
		case 'r':
			if (soc_parse_i64(optarg, 0, 20, &v) < 0)
				soc_die(SOC_EX_USAGE, "bad --redirects");
			req.max_redirects = (int)v;
			break;
		case 'H':
			if (nh < 8)
				hdrs[nh++] = optarg;
			break;
		default:
			return SOC_EX_USAGE;
		}
	}
	if (optind + 1 != argc)
		soc_die(SOC_EX_USAGE, "usage: soc-http [options] URL");
	req.url = argv[optind];
	req.headers = hdrs;
	soc_http_global_init();
	soc_http_resp_init(&resp);
	rc = soc_http_perform(&req, &resp);
	printf("status=%ld retry_after=%ld bytes=%zu\n", resp.status,
	    resp.retry_after, resp.body.len);
	if (resp.redirect)
		printf("redirect=%s\n", resp.redirect);
	if (rc < 0)
		printf("error=%s\n", resp.error);
	soc_http_resp_release(&resp);
	curl_global_cleanup();
	return rc < 0 ? SOC_EX_UNAVAILABLE : 0;
}
