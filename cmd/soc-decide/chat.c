/*
 * The conversation with the LLM reasoner: rounds of chat-completions,
 * each answered either by tool calls (which we answer and send back) or
 * by the final content.  Bounded: llm.max_rounds requests (the last one
 * with tool_choice "none"), llm.max_tool_calls calls in all, each request
 * within llm.timeout_s and all of them within llm.time_budget_s.
 *
 * The one tool, investigate, asks one investigation question about one
 * entity of this incident, answered by the built-in investigation's code
 * (dec_invest_entity) within its query and time budgets.  An entity that
 * is not the incident's, a question we do not ask, or arguments that are
 * not what the tool takes get an error the model reads; nothing else
 * happens.  New findings join the decision's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "decide.h"
#include "err.h"
#include "json.h"

#define MAX_CALLS_PER_ROUND 16

static const char *const local_questions[] = { "prior_incidents",
	"user_activity", "account_changes", "user_hosts", "host_alerts",
	"who_else", NULL };

void
dec_chat_questions(struct dec_invest *iv, struct soc_buf *q)
{
	const char *const *l;
	const char *name;
	json_t *act;
	size_t i;

	for (l = local_questions; *l; l++)
		soc_buf_addf(q, "%s%s", q->len ? ", " : "", *l);
	for (i = 0; i < iv->nsrc; i++)
		json_object_foreach((json_t *)json_object_get(soc_conn_template(
		    iv->src[i].conn), "actions"), name, act)
			if (!strstr(q->p, name))
				soc_buf_addf(q, ", %s", name);
}

/* Is value an entity of kind in the incident (and not a hub)? */
static int
entity(json_t *inc, const char *kind, const char *value)
{
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(json_object_get(inc, "blast_radius"),
	    kind), i, e)
		if (json_is_string(json_object_get(e, "value")) &&
		    strcmp(json_string_value(json_object_get(e, "value")),
		    value) == 0)
			return !json_is_true(json_object_get(e, "hub"));
	return 0;
}

static int
known_question(struct dec_chat *c, const char *q)
{
	struct soc_buf all = SOC_BUF_INIT;
	const char *p;
	size_t n = strlen(q);
	int found = 0;

	dec_chat_questions(c->iv, &all);
	for (p = all.p; !found && p && (p = strstr(p, q)); p += n)
		found = (p == all.p || p[-1] == ' ') && (p[n] == ',' || !p[n]);
	soc_buf_release(&all);
	return found;
}

/* Answer one call of the investigate tool: a new object. */
static json_t *
tool(struct dec_chat *c, const char *name, const char *args)
{
	json_t *a, *out, *f, *e;
	const char *q, *kind, *value;
	size_t i, j;

	if (!name || strcmp(name, "investigate") != 0)
		return json_pack("{s:s}", "error", "no such tool");
	if (c->calls >= c->l->max_tool_calls)
		return json_pack("{s:s}", "error", "the tool-call budget is spent");
	c->calls++;
	a = args ? json_loads(args, 0, NULL) : NULL;
	q = json_string_value(json_object_get(a, "question"));
	kind = json_string_value(json_object_get(a, "kind"));
	value = json_string_value(json_object_get(a, "value"));
	if (!q || !kind || !value || !known_question(c, q)) {
		json_decref(a);
		return json_pack("{s:s}", "error", "arguments must be a question "
		    "the tool answers, a kind and a value");
	}
	if (!entity(c->inc, kind, value)) {
		json_decref(a);
		return json_pack("{s:s}", "error", "not an entity of this incident");
	}
	out = json_array();
	dec_invest_entity(c->iv, c->id, kind, value, q, out, c->facts, c->now);
	json_decref(a);
	json_array_foreach(out, i, f) {
		int seen = 0;

		json_array_foreach(c->findings, j, e)
			seen |= json_equal(e, f);
		if (!seen)
			json_array_append(c->findings, f);
	}
	return json_pack("{s:o}", "findings", out);
}

/* Answer the tool calls of message m: the messages it adds. */
static void
calls(struct dec_chat *c, json_t *m)
{
	json_t *tc = json_object_get(m, "tool_calls"), *call;
	struct soc_buf b = SOC_BUF_INIT;
	size_t i;

	json_array_append_new(c->messages, json_pack("{s:s,s:O*,s:O}", "role",
	    "assistant", "content", json_object_get(m, "content"),
	    "tool_calls", tc));
	json_array_foreach(tc, i, call) {
		json_t *fn = json_object_get(call, "function"), *res;

		res = i < MAX_CALLS_PER_ROUND ? tool(c, json_string_value(
		    json_object_get(fn, "name")), json_string_value(
		    json_object_get(fn, "arguments"))) :
		    json_pack("{s:s}", "error", "too many calls in one round");
		soc_buf_reset(&b);
		soc_json_dump(res, &b);
		json_array_append_new(c->messages, json_pack("{s:s,s:s,s:s}",
		    "role", "tool", "tool_call_id", json_is_string(json_object_get(
		    call, "id")) ? json_string_value(json_object_get(call, "id")) :
		    "", "content", b.p));
		json_decref(res);
	}
	soc_buf_release(&b);
}

/* One request; the message answered (new) or NULL after recording why. */
static json_t *
round_trip(struct dec_chat *c, json_t *r, double t0)
{
	long left = c->l->budget_ms - (long)((soc_clock_mono() - t0) * 1000.0);
	int last = c->rounds + 1 >= c->l->max_rounds ||
	    c->calls >= c->l->max_tool_calls;
	json_t *body, *ans, *choice, *m;
	char err[300] = "";

	if (left <= 0) {
		dec_llm_fail(r, c->l, "the reasoner's time budget is spent");
		return NULL;
	}
	body = json_pack("{s:s,s:i,s:O,s:O,s:s}", "model", c->l->model,
	    "temperature", 0, "messages", c->messages, "tools", c->tools,
	    "tool_choice", last ? "none" : "auto");
	ans = dec_llm_post(c->l, body, left < c->l->timeout_ms ? left :
	    c->l->timeout_ms, err, sizeof err);
	json_decref(body);
	json_object_set_new(r, "rounds", json_integer(++c->rounds));
	if (!ans) {
		dec_llm_fail(r, c->l, err);
		return NULL;
	}
	choice = json_array_get(json_object_get(ans, "choices"), 0);
	m = json_object_get(choice, "message");
	if (!json_is_object(m)) {
		dec_llm_fail(r, c->l, "the answer has no message");
		m = NULL;
	} else if ((json_is_string(json_object_get(m, "refusal")) &&
	    json_string_length(json_object_get(m, "refusal"))) ||
	    (json_is_string(json_object_get(choice, "finish_reason")) &&
	    strcmp(json_string_value(json_object_get(choice, "finish_reason")),
	    "content_filter") == 0)) {
		dec_llm_fail(r, c->l, "the model refused");
		m = NULL;
	} else
		json_incref(m);
	json_decref(ans);
	return m;
}

char *
dec_chat_run(struct dec_chat *c, json_t *r)
{
	double t0 = soc_clock_mono();
	json_t *m;
	char *content = NULL;

	json_object_set_new(r, "rounds", json_integer(0));
	json_object_set_new(r, "tool_calls", json_integer(0));
	while (c->rounds < c->l->max_rounds) {
		if (!(m = round_trip(c, r, t0)))
			return NULL;
		if (json_array_size(json_object_get(m, "tool_calls"))) {
			calls(c, m);
			json_object_set_new(r, "tool_calls", json_integer(c->calls));
			json_decref(m);
			continue;
		}
		if (json_is_string(json_object_get(m, "content")))
			content = soc_xstrdup(json_string_value(json_object_get(m,
			    "content")));
		else
			dec_llm_fail(r, c->l, "the answer has no content");
		json_decref(m);
		return content;
	}
	dec_llm_fail(r, c->l, "no answer within the rounds allowed");
	return NULL;
}
