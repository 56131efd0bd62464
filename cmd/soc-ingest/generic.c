/*
 * generic.c: an event of an unknown product read by key names and value
 * shapes (generic.h): its time (generic_time.c), then a walk over its
 * members (generic_walk.c, by the key words and value shapes of
 * generic_words.c) that sets the entities and event fields it finds;
 * here, the record made of them: event.dataset and the vendor namespace
 * from the product named, a message when the event has none, and the
 * mapping's confidence.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "generic_walk.h"
#include "vendor.h"

void
ing_slug(const char *s, char *buf, size_t sz)
{
	size_t i, j = 0;

	for (i = 0; s && s[i] && j + 1 < sz; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (isalnum(ch))
			buf[j++] = (char)tolower(ch);
		else if (j > 0 && buf[j - 1] != '_')
			buf[j++] = '_';
	}
	while (j > 0 && buf[j - 1] == '_')
		j--;
	buf[j] = '\0';
}

void
ing_set_confidence(struct soc_val *out, int confidence)
{
	soc_val_set_int(out, "soc.confidence", confidence < 0 ? 0 :
	    confidence > 100 ? 100 : confidence);
}

/* ECS field sets: a product slug equal to one is not a namespace of its
 * own. */
static const char *const ecs_sets[] = { "agent", "as", "client", "cloud",
	"code_signature", "container", "data_stream", "destination", "device",
	"dll", "dns", "ecs", "elf", "email", "error", "event", "faas", "file",
	"geo", "group", "hash", "host", "http", "interface", "log", "macho",
	"network", "observer", "orchestrator", "organization", "os", "package",
	"pe", "process", "registry", "related", "risk", "rule", "server",
	"service", "source", "span", "threat", "tls", "trace", "transaction",
	"url", "user", "user_agent", "vlan", "vulnerability", "x509", "labels",
	"tags", "message", "soc", "generic", NULL };

static void
dataset(struct walk *wk, struct ing_generic *g)
{
	char prod[40] = "", type[40] = "", ds[96];
	const char *who = wk->product ? wk->product : wk->vendor;

	ing_slug(who, prod, sizeof prod);
	ing_slug(wk->logtype, type, sizeof type);
	if (prod[0] && ing_gen_in_list(prod, ecs_sets)) {
		char tmp[48];

		snprintf(tmp, sizeof tmp, "vendor_%s", prod);
		snprintf(prod, sizeof prod, "%.39s", tmp);
	}
	snprintf(g->ns, sizeof g->ns, "%s", prod[0] ? prod : "generic");
	snprintf(ds, sizeof ds, "%s.%s", g->ns, type[0] ? type : "event");
	soc_val_set_str(wk->out, "event.dataset", ds);
	soc_val_set_str(wk->out, "observer.vendor", wk->vendor);
	soc_val_set_str(wk->out, "observer.product", wk->product);
}

/* A message when the event has none: what happened, who, where. */
static void
make_message(struct walk *wk, const char *ds)
{
	const struct soc_val *o = wk->out;
	const char *act = soc_val_get_nonempty(o, "event.action");
	const char *rule = soc_val_get_nonempty(o, "rule.name");
	const char *user = soc_val_get_nonempty(o, "user.name");
	const char *src = soc_val_get_nonempty(o, "source.ip");
	const char *host = soc_val_get_nonempty(o, "host.name");

	vnd_msg(wk->out, "%s%s%s%s%s%s%s%s%s", ds,
	    act || rule ? ": " : " event", rule ? rule : act ? act : "",
	    user ? " by " : "", user ? user : "", src ? " from " : "",
	    src ? src : "", host ? " on " : "", host ? host : "");
}

int
ing_generic_fill(struct ing_ctx *c, const struct soc_val *in,
    struct soc_val *out, struct ing_generic *g, const char **why)
{
	struct walk wk = { 0 };
	int64_t ms;
	int conf = 10;

	memset(g, 0, sizeof *g);
	if (!soc_val_get(out, "@timestamp")) {
		if (ing_generic_time(c, in, &ms) < 0 ||
		    ing_set_time_ms(out, "@timestamp", ms) < 0) {
			*why = "no time found in the event (generic mapping)";
			return -1;
		}
		g->have_time = 1;
		conf += 20;
	}
	wk.c = c;
	wk.out = out;
	ing_gen_walk(&wk, in);
	dataset(&wk, g);
	soc_val_set_str(out, "event.kind", wk.kind_alert ? "alert" : "event");
	if (wk.product || wk.vendor)
		conf += 15;
	if (wk.action_rank >= 0)
		conf += 10;
	if (wk.msg_rank >= 0)
		conf += 10;
	else
		make_message(&wk, soc_val_get_str(out, "event.dataset"));
	if (wk.entities)
		conf += 10;
	if (wk.have_sev || wk.have_outcome)
		conf += 5;
	g->confidence = conf;
	ing_set_confidence(out, conf);
	return 0;
}
