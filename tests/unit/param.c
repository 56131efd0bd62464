/* Unit tests for common/param: defaults, loading, and what is refused. */
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "param.h"
#include "tap.h"

struct p {
	double a, b;
};

static const struct soc_param t[] = {
	SOC_PARAM(struct p, a, 1.5, 0, 10),
	SOC_PARAM(struct p, b, -2, -5, 5),
};

/* The exit status of loading text (0 when it loads). */
static int
load_status(const char *text)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		struct p v;
		json_t *cfg = json_loads(text, 0, NULL);

		close(2);
		soc_param_default(&v, t, 2);
		soc_param_load(&v, t, 2, cfg, "test.json");
		_exit(0);
	}
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

int
main(void)
{
	struct p v;
	json_t *cfg, *back;

	soc_param_default(&v, t, 2);
	ok(v.a == 1.5 && v.b == -2, "defaults");
	cfg = json_loads("{\"b\":4.5}", 0, NULL);
	soc_param_load(&v, t, 2, cfg, "test.json");
	ok(v.a == 1.5 && v.b == 4.5, "a setting overrides its default only");
	back = soc_param_json(&v, t, 2);
	ok(json_real_value(json_object_get(back, "b")) == 4.5 &&
	    json_object_size(back) == 2, "the settings as JSON");
	json_decref(back);
	json_decref(cfg);
	is_int(load_status("{\"a\":3}"), 0, "a value in range loads");
	is_int(load_status("{\"c\":1}"), 78, "an unknown name is 78");
	is_int(load_status("{\"a\":11}"), 78, "above the maximum is 78");
	is_int(load_status("{\"b\":\"1\"}"), 78, "a string is 78");
	is_int(load_status("[1]"), 78, "not an object is 78");
	return done_testing();
}
