/* connector_fetch: soc_conn_fetch (connector.h), an answer handed back
 * whole, for callers that page through it themselves (soc-pull). */
#include <stdio.h>
#include <string.h>

#include "connector_int.h"
#include "http.h"

enum soc_conn_status
soc_conn_fetch(struct soc_conn *c, const char *action, const json_t *vars,
    const char *url, struct soc_http_resp *resp, struct soc_conn_outcome *out)
{
	const json_t *act = soc_conn_action(c, action);
	char err[256] = "";
	struct soc_conn_render r = { c, NULL, 0, err, sizeof err, 0 };
	double t0 = soc_conn_mono();
	int rc;

	soc_conn_outcome_init(out);
	soc_http_resp_init(resp);
	out->status = SOC_CONN_REFUSED;
	if (!act) {
		snprintf(out->error, sizeof out->error,
		    "connector %s has no action %s", c->name, action);
		return out->status;
	}
	r.ctx = soc_conn_context(c, vars);
	rc = soc_conn_send(c, &r, act, url, resp, out);
	out->http_status = resp->status;
	if (rc == -2)
		out->status = SOC_CONN_REFUSED;
	else if (rc < 0)
		out->status = SOC_CONN_FAILED;
	else if (resp->status < 200 || resp->status >= 300) {
		out->status = SOC_CONN_FAILED;
		/* A 429 or 5xx past its retries keeps the reason given. */
		if (!out->error[0] || (resp->status < 500 && resp->status != 429))
			soc_conn_describe(c, resp, out->error, sizeof out->error,
			    "refused");
	} else {
		out->status = SOC_CONN_DONE;
		out->error[0] = '\0';
	}
	out->duration_ms = (long)((soc_conn_mono() - t0) * 1000.0);
	json_decref((json_t *)r.ctx);
	return out->status;
}
