/*
 * connector: declarative HTTP connectors to products' APIs.
 *
 * A connector is a JSON template (the built-in ones ship in connectors/,
 * compiled into the programs that use them) plus the settings a site
 * gives it in configuration.  The template names:
 *
 *   "connector", "product", "version", "doc"
 *   "access": "read" (queries, soc-decide) or "write" (actions, soc-act);
 *       a program loads only connectors of the access it asks for, so
 *       read and write credentials live in different connectors;
 *   "settings": {NAME: {"default": ..., "secret": true, "doc": ...}}:
 *       what configuration may or must give (a secret is always
 *       {"env":"VAR"}, read from the environment when a request needs it);
 *   "auth": {"type": "none" | "oauth2" | "aws_sigv4", ...}: OAuth2 client
 *       credentials ("token_url", "form", cached until it expires,
 *       fetched again once on a 401), or AWS Signature Version 4 by
 *       libcurl ("provider", "access_key", "secret_key", "session_token");
 *       a static key is just a header with a secret placeholder;
 *   "actions": {NAME: {"target": [TYPES], "method", "url", "query": {},
 *       "headers": {}, "json": BODY | "form": {} | "text": "...",
 *       "ok": {"status": [..], "path": P, "equals": V},
 *       "result": {NAME: PATH}, "hidden": {NAME: PATH}, "then": [...],
 *       "verify": {...}, "inverse": NAME, "records": PATH}};
 *       "records" (read connectors only) returns the array at PATH of the
 *       answer ("" the whole answer) in the outcome's result as
 *       "records", redacted.
 *
 * A PATH in "result" is a dotted path in a JSON answer, or for an XML
 * answer (the AWS Query APIs) "xml:TAG" (the first element TAG's text) or
 * "xml:TAG*" (every TAG's text, a list).  "hidden" reads values that are
 * secrets (a new access key's secret): they are added to the redaction
 * list at once, reach the requests after this one as {hidden.NAME}, and
 * are never in the result, a rendering or a record.  "then" chains
 * requests (each a request template with its own "ok", "result",
 * "hidden" and "provider") sent in order after the first succeeded; each
 * sees what the answers before it gave as {result.NAME}.  Every request
 * of a chain is rendered before the first is sent (a missing setting
 * stops it before anything happens); a failure after the first is a
 * failure (never "nothing was sent") whose result keeps what was done.
 * A form or query key holding "{n}" ("GroupId.{n}") with one placeholder
 * as its value is repeated over the list the placeholder names, n from 1.
 *
 * Placeholders {ROOT.PATH} or {ROOT.PATH|xml} in every string of a
 * request take values from the step (ROOT target, inputs, step, result)
 * or the configuration (settings, secret), never from anywhere else.
 * Each value is encoded for where it lands: percent-encoded in a URL
 * (settings and secrets, which are configuration, go in as they are),
 * form-encoded in a query or form value, a JSON string (or the JSON value
 * itself, when the whole string is one placeholder) in a JSON body, and
 * refused in a header when it holds a line break.  "|xml" escapes a value
 * for XML first.  A secret is shown as "[redacted]" in every rendering
 * meant for people, and every secret read is added to the connector's
 * redaction list, through which all response text passes.
 *
 * Transport: https only, http only when a setting "allow_http" is true
 * and the URL's host is a loopback address; no redirects; timeouts;
 * retries with exponential backoff on transport errors, 429 and 5xx,
 * honouring Retry-After up to "retry.max_wait_s"; a minimum interval
 * between requests ("rate.per_s"); after "circuit.failures" failed calls
 * in a row the connector refuses calls for "circuit.open_s" seconds.
 *
 * Ownership: soc_conn_new copies what it keeps; the caller frees the
 * connector with soc_conn_free, which wipes cached tokens.
 */
#ifndef SOC_CONNECTOR_H
#define SOC_CONNECTOR_H

#include <stddef.h>
#include <jansson.h>

#include "buf.h"
#include "redact.h"

enum soc_conn_access {
	SOC_CONN_READ = 1,
	SOC_CONN_WRITE = 2,
};

struct soc_conn;
struct soc_http_resp;	/* http.h */

/*
 * A connector from template tmpl and site settings (both borrowed; cfg
 * may be NULL).  Returns NULL with a reason in err when the template is
 * malformed, is not of the access asked for, or a required setting is
 * missing or of the wrong kind (a secret given as plain text is refused).
 */
struct soc_conn *soc_conn_new(const json_t *tmpl, const json_t *cfg,
    enum soc_conn_access access, char *err, size_t errlen);
void soc_conn_free(struct soc_conn *c);
/* The template (borrowed from c). */
const json_t *soc_conn_template(const struct soc_conn *c);
/* The action's template, or NULL when c has none of that name. */
const json_t *soc_conn_action(const struct soc_conn *c, const char *action);
/* The redaction list of c's secrets read so far (borrowed). */
const struct soc_redact *soc_conn_redact(const struct soc_conn *c);

/*
 * The request action would send for vars ({"target":..., "inputs":...,
 * "step":..., "result":..., "ticket":...}, borrowed), with secrets masked
 * (with "dry_run": true in vars, a {result.X} or {ticket.X} that earlier
 * steps would give shows as itself):
 * {"method","url","headers":{...},"body":"..."} as a new reference; NULL
 * with err when a value is missing or the target type is not one the
 * action takes.
 */
json_t *soc_conn_show(struct soc_conn *c, const char *action,
    const json_t *vars, char *err, size_t errlen);

enum soc_conn_status {
	SOC_CONN_DONE = 0,
	SOC_CONN_FAILED,	/* the service answered no, or never answered */
	SOC_CONN_REFUSED,	/* nothing was sent: bad template/vars, open
				 * circuit, missing secret, token refused */
};

struct soc_conn_outcome {
	enum soc_conn_status status;
	long http_status;	/* the last answer's status, 0 if none */
	int attempts;		/* requests sent for the action (not tokens) */
	long duration_ms;
	char sha256[65];	/* of the last answer's body, "" if none */
	json_t *result;		/* new: what "result" read, plus the
				 * verify answer's state; NULL if nothing */
	char error[256];	/* why, redacted, when not DONE */
	int retry_later;	/* failed on 429 past max_wait_s */
};

void soc_conn_outcome_init(struct soc_conn_outcome *o);
void soc_conn_outcome_release(struct soc_conn_outcome *o);

/* Send action for vars (as soc_conn_show), with auth, retries, the
 * success condition, the result and the verify polls. */
enum soc_conn_status soc_conn_run(struct soc_conn *c, const char *action,
    const json_t *vars, struct soc_conn_outcome *out);

/*
 * Send one request of action as soc_conn_run sends it (auth and its
 * refresh on a 401, retries on 429 and 5xx honouring Retry-After, the
 * rate) and hand back the answer itself: status, body and Link header in
 * resp, which this initialises and the caller releases.  url, when not
 * NULL, is sent instead of the action's URL and query: a next page's link
 * from an earlier answer, refused unless it has the origin of the
 * action's URL.  DONE for a 2xx answer; FAILED, REFUSED and out as
 * soc_conn_run.  A template may raise the body's cap with
 * "max_response" (bytes, default 1 MiB).
 */
enum soc_conn_status soc_conn_fetch(struct soc_conn *c, const char *action,
    const json_t *vars, const char *url, struct soc_http_resp *resp,
    struct soc_conn_outcome *out);

/* Helpers the connector uses, exported for their unit tests. */
/* The value at a dotted path in v (borrowed); a segment may be an array
 * index or a key holding dots (the longest match first).  NULL if none. */
const json_t *soc_conn_path(const json_t *v, const char *path);
/* p[0..n) percent-encoded, every byte but RFC 3986 unreserved ones. */
int soc_conn_pct(struct soc_buf *b, const char *p, size_t n);

#endif
