/* connector_show: a connector's context for a step (its settings and the
 * step's variables), the checks on the target, and the masked requests
 * people see before anything is sent (soc_conn_show). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connector_int.h"
#include "err.h"
#include "http.h"
#include "json.h"

json_t *
soc_conn_context(struct soc_conn *c, const json_t *vars)
{
	json_t *ctx = json_is_object(vars) ? json_copy((json_t *)vars) :
	    json_object();

	json_object_set(ctx, "settings", c->settings);
	return ctx;
}

/* Does the step's target fit the action? */
int
soc_conn_check_target(struct soc_conn_render *r, const json_t *act)
{
	const json_t *types = json_object_get(act, "target"), *t;
	const char *type = json_string_value(soc_conn_path(r->ctx, "target.type"));
	size_t i;

	if (!json_is_array(types))
		return 0;
	json_array_foreach(types, i, t)
		if (type && json_is_string(t) && strcmp(json_string_value(t), type) == 0)
			return 0;
	return soc_conn_fail(r->err, r->errlen, "action takes a target of type %s, not %s",
	    json_string_value(json_array_get(types, 0)), type ? type : "none");
}

const char *
soc_conn_auth_type(const struct soc_conn *c)
{
	const char *t = json_string_value(json_object_get(
	    json_object_get(c->tmpl, "auth"), "type"));

	return t ? t : "none";
}

/* One request template, rendered for people (new, or NULL with r->err). */
static json_t *
show_one(struct soc_conn_render *r, const json_t *t)
{
	struct soc_conn_req q;
	json_t *out = NULL, *h;
	const char *type = soc_conn_auth_type(r->c);
	size_t i;

	if (soc_conn_render_req(r, t, &q) < 0)
		goto out;
	out = json_object();
	json_object_set_new(out, "method", json_string(q.method));
	json_object_set_new(out, "url", json_string(q.url.p));
	h = json_object();
	if (strcmp(type, "oauth2") == 0)
		json_object_set_new(h, "Authorization",
		    json_string("Bearer " SOC_REDACT_MARK));
	else if (strcmp(type, "aws_sigv4") == 0)
		json_object_set_new(h, "Authorization",
		    json_string("AWS4-HMAC-SHA256 " SOC_REDACT_MARK));
	for (i = 0; i < q.nhdr; i++) {
		char *colon = strchr(q.hdr[i], ':');

		*colon = '\0';
		json_object_set_new(h, q.hdr[i], json_string(colon + 2));
		*colon = ':';
	}
	json_object_set_new(out, "headers", h);
	if (q.body.len)
		json_object_set_new(out, "body", json_stringn(q.body.p, q.body.len));
out:
	soc_conn_req_release(&q);
	return out;
}

json_t *
soc_conn_show(struct soc_conn *c, const char *action, const json_t *vars,
    char *err, size_t errlen)
{
	const json_t *act = soc_conn_action(c, action), *t;
	struct soc_conn_render r = { c, NULL, 1, err, errlen, 0 };
	json_t *out = NULL, *then, *x;
	size_t i;

	if (!act) {
		soc_conn_fail(err, errlen, "connector %s has no action %s", c->name, action);
		return NULL;
	}
	r.ctx = soc_conn_context(c, vars);
	r.probe = json_is_true(json_object_get(vars, "dry_run"));
	if (soc_conn_check_target(&r, act) < 0 || !(out = show_one(&r, act)))
		goto out;
	/* The chained requests, with what earlier answers give shown as
	 * their placeholders. */
	r.probe = 1;
	if (json_array_size(json_object_get(act, "then"))) {
		then = json_array();
		json_object_set_new(out, "then", then);
		json_array_foreach(json_object_get(act, "then"), i, t) {
			if (!(x = show_one(&r, t))) {
				json_decref(out);
				out = NULL;
				goto out;
			}
			json_array_append_new(then, x);
		}
	}
out:
	json_decref((json_t *)r.ctx);
	return out;
}
