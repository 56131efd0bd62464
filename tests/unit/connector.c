/* Unit tests of common/connector.c: paths, encodings, loading, masking. */
#include <stdlib.h>
#include <string.h>

#include "connector.h"
#include "tap.h"

static const char tmpl_text[] =
    "{\"connector\":\"t\",\"access\":\"write\","
    "\"settings\":{\"base_url\":{\"default\":\"https://api.example\"},"
    " \"key\":{\"secret\":true},\"n\":{\"default\":3}},"
    "\"actions\":{"
    " \"a\":{\"target\":[\"user\"],\"method\":\"POST\","
    "  \"url\":\"{settings.base_url}/u/{target.value}/x\","
    "  \"query\":{\"q\":\"{inputs.q}\",\"k\":\"{secret.key}\"},"
    "  \"headers\":{\"X-Key\":\"K {secret.key}\",\"X-In\":\"{inputs.h}\"},"
    "  \"json\":{\"s\":\"say {inputs.q}\",\"n\":\"{settings.n}\",\"t\":\"{inputs.t}\","
    "   \"alt\":\"{inputs.none,target.value}\",\"x\":\"<{target.value|xml}>\","
    "   \"b\":\"{secret.key|base64}\"}},"
    " \"h\":{\"url\":\"{settings.base_url}/\",\"headers\":{\"X\":\"{inputs.h}\"}}}}";

static char *
show(struct soc_conn *c, const char *action, const char *vars, char *err,
    size_t errlen)
{
	json_t *v = json_loads(vars, 0, NULL), *r;
	char *s = NULL;

	r = soc_conn_show(c, action, v, err, errlen);
	if (r)
		s = json_dumps(r, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(r);
	json_decref(v);
	return s;
}

int
main(void)
{
	json_t *v = json_loads("{\"ids\":{\"a.b\":{\"c\":1},\"a\":{\"b\":2,\"z\":3}},"
	    "\"l\":[10,{\"x\":\"y\"}]}", 0, NULL);
	json_t *tmpl = json_loads(tmpl_text, 0, NULL), *cfg;
	struct soc_buf b = SOC_BUF_INIT;
	struct soc_conn *c;
	char err[256], *s;

	ok(json_integer_value(soc_conn_path(v, "ids.a.b.c")) == 1,
	    "a key holding a dot matches first");
	ok(json_integer_value(soc_conn_path(v, "ids.a.z")) == 3,
	    "then nested keys");
	ok(strcmp(json_string_value(soc_conn_path(v, "l.1.x")), "y") == 0,
	    "array indices");
	ok(!soc_conn_path(v, "l.2") && !soc_conn_path(v, "l.-1") &&
	    !soc_conn_path(v, "ids.z"), "absent paths");
	soc_conn_pct(&b, "a b/ü?&=~._-", strlen("a b/ü?&=~._-"));
	is_str(b.p, "a%20b%2F%C3%BC%3F%26%3D~._-", "percent-encoding");
	soc_buf_release(&b);

	cfg = json_loads("{\"key\":\"plain\"}", 0, NULL);
	ok(!soc_conn_new(tmpl, cfg, SOC_CONN_WRITE, err, sizeof err) &&
	    strstr(err, "never the secret itself"), "a plain secret is refused");
	json_decref(cfg);
	cfg = json_loads("{\"bogus\":1,\"key\":{\"env\":\"UNIT_KEY\"}}", 0, NULL);
	ok(!soc_conn_new(tmpl, cfg, SOC_CONN_WRITE, err, sizeof err) &&
	    strstr(err, "no setting 'bogus'"), "an unknown setting is refused");
	json_decref(cfg);
	ok(!soc_conn_new(tmpl, NULL, SOC_CONN_READ, err, sizeof err) &&
	    strstr(err, "write connector, not read"), "access is checked");

	setenv("UNIT_KEY", "k3y:S3CR3T", 1);
	cfg = json_loads("{\"key\":{\"env\":\"UNIT_KEY\"}}", 0, NULL);
	c = soc_conn_new(tmpl, cfg, SOC_CONN_WRITE, err, sizeof err);
	ok(c != NULL, "loads: %s", c ? "" : err);
	s = show(c, "a", "{\"target\":{\"type\":\"user\",\"value\":\"a/../b\\\"<&>\"},"
	    "\"inputs\":{\"q\":\"x=1&y\\n\\\"\",\"h\":\"v\",\"t\":[1,true]}}",
	    err, sizeof err);
	is_str(s, "{\"body\":\"{\\\"s\\\":\\\"say x=1&y\\\\n\\\\\\\"\\\",\\\"n\\\":3,"
	    "\\\"t\\\":[1,true],\\\"alt\\\":\\\"a/../b\\\\\\\"<&>\\\","
	    "\\\"x\\\":\\\"<a/../b&quot;&lt;&amp;&gt;>\\\",\\\"b\\\":\\\"[redacted]\\\"}\","
	    "\"headers\":{\"Content-Type\":\"application/json\",\"X-In\":\"v\","
	    "\"X-Key\":\"K [redacted]\"},\"method\":\"POST\","
	    "\"url\":\"https://api.example/u/a%2F..%2Fb%22%3C%26%3E/x?q=x%3D1%26y%0A%22&k=%5Bredacted%5D\"}",
	    "each value encoded for where it lands, secrets masked");
	free(s);
	s = show(c, "a", "{\"target\":{\"type\":\"host\",\"value\":\"x\"}}", err,
	    sizeof err);
	ok(!s && strstr(err, "takes a target of type user, not host"),
	    "the target type is checked");
	s = show(c, "a", "{\"target\":{\"type\":\"user\",\"value\":\"x\"}}", err,
	    sizeof err);
	ok(!s && strstr(err, "no value for {inputs.q}"), "a missing value is named");
	s = show(c, "h", "{\"inputs\":{\"h\":\"v\\r\\nX-Evil: 1\"}}", err, sizeof err);
	ok(!s && strstr(err, "line break"), "a header value with CR LF is refused");
	soc_conn_free(c);
	json_decref(cfg);
	json_decref(tmpl);
	json_decref(v);
	return done_testing();
}
