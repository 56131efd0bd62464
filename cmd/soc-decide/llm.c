/*
 * The optional LLM reasoner: any OpenAI-compatible chat-completions
 * endpoint (OpenAI, Azure OpenAI, Ollama, llama.cpp's server, vLLM),
 * through common/http (libcurl: https, or http to a loopback address
 * only; no redirects; timeouts; a response size cap).
 *
 * For one incident: the messages (prompt.c) and the investigate tool go
 * out; the model may call the tool (each call one investigation question
 * about one entity of this incident, answered by the same code as the
 * built-in investigation, within its budgets) for a bounded number of
 * rounds and calls, then answers {"narrative", "steps"}.  The result,
 * whatever happened, is an object for the planner:
 *   {"status": "used" | "fallback", "reason", "model", "prompt_sha256",
 *    "cache": "hit" | "miss", "rounds", "tool_calls", "narrative",
 *    "steps"}
 * A timeout, a transport error, an HTTP error, a refusal, an answer that
 * is not the JSON asked for, or a spent budget is a "fallback": the
 * built-in plan stands alone and the reason is recorded.  A good answer
 * is cached in decide.db by the prompt's SHA-256, so the same prompt gets
 * the same answer again without asking, and an incident version the
 * model answered before (in an earlier decision, under another policy)
 * gets that answer again, whatever else changed (replay reads both,
 * read-only).
 *
 * The key comes from the environment (llm.key_env, SOC_LLM_KEY by
 * default), goes only into the request's header, is never printed,
 * stored or audited, is removed from everything the model says, and is
 * wiped at the end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <sodium.h>

#include "clock.h"
#include "config.h"
#include "decide.h"
#include "err.h"
#include "http.h"
#include "id.h"
#include "json.h"
#include "redact.h"

#define MAX_ANSWER (1 << 20)

static const char *
str_setting(const json_t *cfg, const char *name, const char *def)
{
	const json_t *v = json_object_get(cfg, name);

	if (v && !json_is_string(v))
		soc_die(SOC_EX_CONFIG, "llm.%s must be a string", name);
	return v ? json_string_value(v) : def;
}

static long
int_setting(const json_t *cfg, const char *name, long def, long lo, long hi)
{
	const json_t *v = json_object_get(cfg, name);

	if (!v)
		return def;
	if (!json_is_integer(v) || json_integer_value(v) < lo ||
	    json_integer_value(v) > hi)
		soc_die(SOC_EX_CONFIG, "llm.%s must be an integer from %ld to %ld",
		    name, lo, hi);
	return (long)json_integer_value(v);
}

/* http only to a loopback host (a local Ollama or llama.cpp, a test). */
static int
loopback_http(const char *url)
{
	static const char *const hosts[] = { "http://127.0.0.1",
	    "http://localhost", "http://[::1]", NULL };
	const char *const *h;

	for (h = hosts; *h; h++) {
		size_t n = strlen(*h);

		if (strncmp(url, *h, n) == 0 && (url[n] == ':' ||
		    url[n] == '/' || !url[n]))
			return 1;
	}
	return 0;
}

/* The chat-completions URL: as given when it names the path, else a
 * base URL (".../v1", as OpenAI clients take it) with the path added. */
static void
endpoint(struct dec_llm *l, const char *url)
{
	const char *q = strchr(url, '?');
	size_t n = q ? (size_t)(q - url) : strlen(url);

	if (strncmp(url, "https://", 8) != 0 && !loopback_http(url))
		soc_die(SOC_EX_CONFIG, "the LLM endpoint must be https (http only "
		    "to a loopback address): '%s'", url);
	if (n >= 17 && strncmp(url + n - 17, "/chat/completions", 17) == 0) {
		l->url = soc_xstrdup(url);
		return;
	}
	while (n && url[n - 1] == '/')
		n--;
	l->url = soc_xasprintf("%.*s/chat/completions%s", (int)n, url,
	    q ? q : "");
}

/* The prompt of the latest decision for an incident version that asked
 * the model, to answer that version the same way whatever else changed
 * since (the policy, the clock, the products' answers). */
static const char prior_sql[] = "SELECT json_extract(record,"
    " '$.soc.decision.reasoning.llm.prompt_sha256') AS p FROM decisions"
    " WHERE incident = ?1 AND version = ?2 AND p IS NOT NULL"
    " ORDER BY at DESC, rowid DESC LIMIT 1";

static void
open_cache(struct dec_llm *l, struct soc_db *db, const char *ro_path)
{
	if (ro_path) {
		l->ro = soc_xcalloc(1, sizeof *l->ro);
		if (access(ro_path, F_OK) == 0 && soc_db_open_ro(l->ro,
		    ro_path) == 0) {
			l->q_get = soc_db_try_prepare(l->ro, "SELECT answer FROM"
			    " llm_cache WHERE prompt = ?1 AND model = ?2");
			l->q_prior = soc_db_try_prepare(l->ro, prior_sql);
		}
		return;
	}
	l->q_prior = soc_db_prepare(db, prior_sql);
	l->q_get = soc_db_prepare(db, "SELECT answer FROM llm_cache"
	    " WHERE prompt = ?1 AND model = ?2");
	l->q_put = soc_db_prepare(db, "INSERT OR REPLACE INTO llm_cache(prompt,"
	    " model, answer, at) VALUES (?1, ?2, ?3, ?4)");
	l->db = db;
}

int
dec_llm_open(struct dec_llm *l, const json_t *cfg, const char *url,
    const char *model, struct soc_db *db, const char *ro_path)
{
	const char *env, *hdr;
	json_t *ref;

	memset(l, 0, sizeof *l);
	if (!url)
		url = str_setting(cfg, "url", NULL);
	if (!model)
		model = str_setting(cfg, "model", NULL);
	if (!url && !model)
		return 0;
	if (!url || !model)
		soc_die(SOC_EX_CONFIG, "the LLM reasoner needs both an endpoint "
		    "(--llm, llm.url) and a model (--model, llm.model)");
	endpoint(l, url);
	l->model = soc_xstrdup(model);
	env = str_setting(cfg, "key_env", "SOC_LLM_KEY");
	hdr = str_setting(cfg, "key_header", "Authorization");
	l->key_header = soc_xstrdup(hdr);
	l->timeout_ms = int_setting(cfg, "timeout_s", 30, 1, 600) * 1000;
	l->budget_ms = int_setting(cfg, "time_budget_s", 90, 1, 3600) * 1000;
	l->max_rounds = (int)int_setting(cfg, "max_rounds", 4, 1, 16);
	l->max_tool_calls = (int)int_setting(cfg, "max_tool_calls", 8, 0, 64);
	ref = json_pack("{s:s}", "env", env);
	l->key = soc_config_secret(ref);
	json_decref(ref);
	if (l->key && strpbrk(l->key, "\r\n"))
		soc_die(SOC_EX_CONFIG, "the LLM key in $%s holds a line break", env);
	soc_redact_add(&l->red, l->key);
	open_cache(l, db, ro_path);
	l->on = 1;
	return 1;
}

void
dec_llm_close(struct dec_llm *l)
{
	sqlite3_finalize(l->q_get);
	sqlite3_finalize(l->q_put);
	sqlite3_finalize(l->q_prior);
	if (l->ro) {
		if (l->ro->h)
			soc_db_close(l->ro);
		free(l->ro);
	}
	soc_config_secret_free(l->key);
	soc_redact_free(&l->red);
	free(l->url);
	free(l->model);
	free(l->key_header);
	memset(l, 0, sizeof *l);
}

/* A cached answer for the prompt's hash (new reference), or NULL. */
static json_t *
cache_get(struct dec_llm *l, const char *sha)
{
	json_t *a = NULL;

	if (!l->q_get)
		return NULL;
	sqlite3_reset(l->q_get);
	sqlite3_bind_text(l->q_get, 1, sha, -1, SQLITE_STATIC);
	sqlite3_bind_text(l->q_get, 2, l->model, -1, SQLITE_STATIC);
	if (sqlite3_step(l->q_get) == SQLITE_ROW)
		a = json_loads((const char *)sqlite3_column_text(l->q_get, 0), 0,
		    NULL);
	sqlite3_reset(l->q_get);
	return a;
}

/* The prompt hash an earlier decision for this version used, into sha;
 * 0, or -1 when there is none. */
static int
prior(struct dec_llm *l, const char *id, int64_t version, char *sha)
{
	int rc = -1;

	if (!l->q_prior)
		return -1;
	sqlite3_reset(l->q_prior);
	sqlite3_bind_text(l->q_prior, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(l->q_prior, 2, version);
	if (sqlite3_step(l->q_prior) == SQLITE_ROW &&
	    sqlite3_column_bytes(l->q_prior, 0) == 64) {
		memcpy(sha, sqlite3_column_text(l->q_prior, 0), 64);
		sha[64] = '\0';
		rc = 0;
	}
	sqlite3_reset(l->q_prior);
	return rc;
}

static void
cache_put(struct dec_llm *l, const char *sha, json_t *answer, int64_t now)
{
	struct soc_buf b = SOC_BUF_INIT;

	if (!l->q_put)
		return;
	soc_json_dump(answer, &b);
	sqlite3_reset(l->q_put);
	sqlite3_bind_text(l->q_put, 1, sha, -1, SQLITE_STATIC);
	sqlite3_bind_text(l->q_put, 2, l->model, -1, SQLITE_STATIC);
	sqlite3_bind_text(l->q_put, 3, b.p, (int)b.len, SQLITE_STATIC);
	sqlite3_bind_int64(l->q_put, 4, now);
	soc_db_step(l->db, l->q_put);
	sqlite3_reset(l->q_put);
	soc_buf_release(&b);
}

/* POST body; the parsed answer (new) or NULL with why in err. */
static json_t *
post(struct dec_llm *l, json_t *body, long timeout_ms, char *err,
    size_t errlen)
{
	struct soc_buf b = SOC_BUF_INIT;
	struct soc_http_req req = { 0 };
	struct soc_http_resp resp;
	char *auth = NULL;
	const char *hdrs[4] = { "Content-Type: application/json",
	    "Accept: application/json", NULL, NULL };
	json_t *j = NULL;

	soc_json_dump(body, &b);
	if (l->key) {
		auth = strcasecmp(l->key_header, "Authorization") == 0 ?
		    soc_xasprintf("Authorization: Bearer %s", l->key) :
		    soc_xasprintf("%s: %s", l->key_header, l->key);
		hdrs[2] = auth;
	}
	req.method = "POST";
	req.url = l->url;
	req.headers = hdrs;
	req.body = b.p;
	req.body_len = b.len;
	req.timeout_ms = timeout_ms;
	req.connect_timeout_ms = timeout_ms < 10000 ? timeout_ms : 10000;
	req.max_response = MAX_ANSWER;
	req.allow_http = loopback_http(l->url);
	soc_http_resp_init(&resp);
	if (soc_http_perform(&req, &resp) < 0)
		snprintf(err, errlen, "the endpoint did not answer: %s",
		    resp.too_large ? "the answer is too large" : resp.error[0] ?
		    resp.error : curl_easy_strerror(resp.code));
	else if (resp.status != 200)
		snprintf(err, errlen, "the endpoint answered HTTP %ld", resp.status);
	else if (!(j = json_loadb(resp.body.p ? resp.body.p : "", resp.body.len,
	    0, NULL)) || !json_is_object(j)) {
		snprintf(err, errlen, "the endpoint's answer is not JSON");
		json_decref(j);
		j = NULL;
	}
	if (auth) {
		sodium_memzero(auth, strlen(auth));
		free(auth);
	}
	soc_http_resp_release(&resp);
	soc_buf_release(&b);
	return j;
}

void
dec_llm_fail(json_t *r, struct dec_llm *l, const char *why)
{
	char *s = soc_redact_str(&l->red, why);

	json_object_set_new(r, "status", json_string("fallback"));
	json_object_set_new(r, "reason", json_string(s));
	json_object_del(r, "steps");
	json_object_del(r, "narrative");
	free(s);
}

/* The final answer in content (redacted): into r, cached. */
static int
answer(struct dec_llm *l, json_t *r, const char *sha, const char *content,
    int64_t now)
{
	const char *why = NULL;
	char *clean = soc_redact_str(&l->red, content);
	json_t *a = dec_prompt_answer(clean, strlen(clean), &why);

	free(clean);
	if (!a) {
		dec_llm_fail(r, l, why);
		return -1;
	}
	json_object_set_new(r, "status", json_string("used"));
	json_object_set(r, "narrative", json_object_get(a, "narrative"));
	json_object_set(r, "steps", json_object_get(a, "steps"));
	json_object_set(a, "rounds", json_object_get(r, "rounds"));
	json_object_set(a, "tool_calls", json_object_get(r, "tool_calls"));
	cache_put(l, sha, a, now);
	json_decref(a);
	return 0;
}

json_t *
dec_llm_ask(struct dec_llm *l, struct dec_invest *iv, const char *id,
    int64_t version, json_t *inc, json_t *findings, json_t *facts,
    int64_t now)
{
	struct dec_chat c = { l, iv, id, inc, findings, facts, now, 0, 0, NULL,
	    NULL };
	struct soc_buf key = SOC_BUF_INIT, q = SOC_BUF_INIT;
	char sha[65];
	json_t *r, *cached;

	dec_chat_questions(iv, &q);
	c.messages = dec_prompt_messages(id, inc, findings, q.p);
	c.tools = dec_prompt_tools(q.p);
	soc_buf_addstr(&key, l->model);
	soc_buf_add(&key, "", 1);
	soc_json_dump(c.messages, &key);
	soc_buf_add(&key, "", 1);
	soc_json_dump(c.tools, &key);
	if (prior(l, id, version, sha) < 0 || !(cached = cache_get(l, sha))) {
		soc_sha256_hex(key.p, key.len, sha);
		cached = cache_get(l, sha);
	}
	r = json_pack("{s:s,s:s,s:s,s:s}", "status", "fallback", "model",
	    l->model, "prompt_sha256", sha, "cache", "miss");
	if (cached) {
		json_object_update(r, cached);
		json_object_set_new(r, "status", json_string("used"));
		json_object_set_new(r, "cache", json_string("hit"));
		json_decref(cached);
	} else {
		char *content = dec_chat_run(&c, r);

		if (content)
			answer(l, r, sha, content, now);
		free(content);
	}
	json_decref(c.messages);
	json_decref(c.tools);
	soc_buf_release(&key);
	soc_buf_release(&q);
	return r;
}

json_t *
dec_llm_post(struct dec_llm *l, json_t *body, long timeout_ms, char *err,
    size_t errlen)
{
	return post(l, body, timeout_ms, err, errlen);
}
