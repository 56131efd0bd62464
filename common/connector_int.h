/*
 * connector_int: what the connector modules (connector.c loading,
 * connector_render.c rendering, connector_send.c sending,
 * connector_answer.c reading answers) share and nothing else uses.  Not
 * part of the API.
 */
#ifndef SOC_CONNECTOR_INT_H
#define SOC_CONNECTOR_INT_H

#include <stddef.h>
#include <jansson.h>

#include "buf.h"
#include "connector.h"
#include "err.h"
#include "redact.h"

/* Limits no template or answer may pass. */
#define CONN_MAX_TEXT (256u << 10)	/* a rendered URL, header or body */
#define CONN_MAX_ATTEMPTS 10
#define CONN_MAX_POLLS 100
#define CONN_MAX_THEN 8			/* requests chained after the first */

struct soc_conn {
	char *name;
	json_t *tmpl;		/* owned copy of the template */
	json_t *settings;	/* NAME -> value, or {"env":VAR} for secrets */
	json_t *secret;		/* NAME -> true for secret settings */
	int allow_http;
	long timeout_ms;
	int attempts;		/* per request, first one included */
	long backoff_ms, max_wait_s;
	double min_interval, last_sent;
	int circuit_after, failures;
	double circuit_open_s, open_until;
	long poll_ms;		/* verify's interval, when configured */
	long max_response;	/* an answer's largest body ("max_response") */
	char *token;		/* OAuth2 bearer token, wiped on free */
	double token_until;
	struct soc_redact red;
};

/* The context of one rendering: the variables, and whether secrets are
 * masked (for people) or read (to send).  probe: a value the requests
 * before this one will give ({result.X}, {hidden.X}) renders as
 * "{result.X}" when it is not known yet, to check a chain before its
 * first request is sent. */
struct soc_conn_render {
	struct soc_conn *c;
	const json_t *ctx;	/* {"target","inputs","step","result","settings",
				 * "ticket","hidden"} */
	int mask;
	char *err;
	size_t errlen;
	int probe;
};

enum enc {
	ENC_RAW,	/* the caller encodes (JSON, form, query, header) */
	ENC_URL,	/* percent-encode values that are not configuration */
};

/* A request, rendered. */
struct soc_conn_req {
	const char *method;
	struct soc_buf url, body;
	char *hdr[24];
	size_t nhdr;
	const char *ctype;
};

/* connector.c */
double soc_conn_mono(void);
void soc_conn_sleep(double s);
void soc_conn_wipe_buf(struct soc_buf *b);
void soc_conn_wipe_str(char *s);
int soc_conn_fail(char *err, size_t errlen, const char *fmt, ...)
    SOC_PRINTF(3, 4);
/* The integer o.key clamped to [min, max], def when absent. */
long soc_conn_num(const json_t *o, const char *key, long def, long min,
    long max);

/* connector_answer.c */
/* Is the answer a success by the template's "ok"? */
int soc_conn_answer_ok(const json_t *ok, long status, const json_t *body,
    const struct soc_buf *text);
/* Read "result" (spec) from the answer into res, redacted. */
void soc_conn_read_result(struct soc_conn *c, const json_t *spec,
    const json_t *body, const struct soc_buf *text, json_t *res);
/* Read "hidden" into the context's "hidden", each value redacted from
 * then on. */
void soc_conn_read_hidden(struct soc_conn *c, struct soc_conn_render *r,
    const json_t *spec, const json_t *body, const struct soc_buf *text);
/* Wipe the hidden values of a context before it goes. */
void soc_conn_wipe_hidden(const json_t *ctx);
/* A read connector's records: the array at path, as "records" in res. */
void soc_conn_read_records(struct soc_conn *c, const char *path,
    const json_t *body, json_t *res);
int soc_conn_in_list(const json_t *list, const json_t *v);
/* Does "result" read any JSON path? */
int soc_conn_wants_json(const json_t *spec);

/* connector_render.c */
int soc_conn_render_text(struct soc_conn_render *r, const char *s,
    enum enc enc, struct soc_buf *out);
int soc_conn_render_form(struct soc_conn_render *r, const json_t *t,
    struct soc_buf *out);
/* Render request template t (an action, a chained request or a verify). */
int soc_conn_render_req(struct soc_conn_render *r, const json_t *t,
    struct soc_conn_req *q);
void soc_conn_req_release(struct soc_conn_req *q);
int soc_conn_add_header(struct soc_conn_render *r, struct soc_conn_req *q,
    const char *name, const char *val);
int soc_conn_loopback(const char *url);
/* The rendering context for vars: a new object. */
json_t *soc_conn_context(struct soc_conn *c, const json_t *vars);
int soc_conn_check_target(struct soc_conn_render *r, const json_t *act);
const char *soc_conn_auth_type(const struct soc_conn *c);

/* connector_send.c */
struct soc_http_resp;
/* Send request template t for r (to url instead of its own when url is
 * not NULL: it must have the origin of t's URL) once per attempt until
 * an answer that is not a 429, 5xx or transport error.  resp gets the
 * last answer.  Returns 0 with an answer, -1 when none (out->error), -2
 * when nothing could be sent (out->error). */
int soc_conn_send(struct soc_conn *c, struct soc_conn_render *r,
    const json_t *t, const char *url, struct soc_http_resp *resp,
    struct soc_conn_outcome *out);
/* The first bytes of resp's body, redacted, after what, into out. */
void soc_conn_describe(struct soc_conn *c, const struct soc_http_resp *resp,
    char *out, size_t outlen, const char *what);

#endif
