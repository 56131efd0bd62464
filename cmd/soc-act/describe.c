/*
 * describe.c: `soc-act connectors`: every connector a configuration may
 * name, its actions, settings and version: the configured ones first,
 * then the built-in templates not configured.  The local kinds describe
 * themselves here as templates do, from the table below.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "act.h"
#include "err.h"
#include "json.h"

/* What each local kind does and takes, in the templates' shape. */
static const struct {
	enum act_kind kind;
	const char *json;
} local_doc[] = {
	{ ACT_NFT, "{\"product\":\"nftables (this host)\",\"version\":\"1\","
	    "\"doc\":\"Block addresses in named nftables sets with per-element "
	    "timeouts (the step's TTL), so the kernel lifts a block by itself; "
	    "the table, the sets SET_v4 and SET_v6 and input, output and forward "
	    "chains that drop them are created when absent.  Needs CAP_NET_ADMIN.\","
	    "\"actions\":{"
	    "\"block_ip\":{\"doc\":\"the address into the set, timeout = the step's TTL\",\"target\":[\"ip\"],\"inverse\":\"unblock_ip\"},"
	    "\"unblock_ip\":{\"doc\":\"the address out of the set\",\"target\":[\"ip\"]},"
	    "\"block_domain\":{\"doc\":\"the domain's addresses (resolved now) into the sets\",\"target\":[\"domain\"],\"inverse\":\"unblock_domain\"},"
	    "\"unblock_domain\":{\"doc\":\"the domain's addresses out of the sets\",\"target\":[\"domain\"]}},"
	    "\"settings\":{"
	    "\"table\":{\"default\":\"socpipe\",\"doc\":\"the table (letters, digits, _)\"},"
	    "\"set\":{\"default\":\"soc_block\",\"doc\":\"the sets' name, before _v4 and _v6\"},"
	    "\"family\":{\"default\":\"inet\",\"doc\":\"the table's family: inet, ip or ip6\"},"
	    "\"nft\":{\"default\":\"nft\",\"doc\":\"the nft program\"}}}" },
	{ ACT_TICKETS, "{\"product\":\"ticket folder (this host)\",\"version\":\"1\","
	    "\"doc\":\"One JSON file per incident (INCIDENT.json, mode 600) in a "
	    "folder, rewritten in place: title, status, tags and an entry per "
	    "action.\","
	    "\"actions\":{"
	    "\"open_ticket\":{\"doc\":\"create the incident's ticket (or add to it)\",\"target\":[\"*\"]},"
	    "\"update_ticket\":{\"doc\":\"add inputs.text to it\",\"target\":[\"*\"]},"
	    "\"close_ticket\":{\"doc\":\"add inputs.text, status closed\",\"target\":[\"*\"]},"
	    "\"tag\":{\"doc\":\"add inputs.tags to it\",\"target\":[\"*\"]}},"
	    "\"settings\":{"
	    "\"dir\":{\"default\":\"tickets\",\"doc\":\"the folder (relative: in the state directory)\"}}}" },
	{ ACT_MAILBOX, "{\"product\":\"mailbox file (this host)\",\"version\":\"1\","
	    "\"doc\":\"A message appended to an mbox file (locked), read by a "
	    "mail client or forwarded by the site's mail system.\","
	    "\"actions\":{"
	    "\"notify_channel\":{\"doc\":\"inputs.title as subject, inputs.text as body\",\"target\":[\"*\"]},"
	    "\"notify_owner\":{\"doc\":\"the same, for an asset's owner\",\"target\":[\"*\"]}},"
	    "\"settings\":{"
	    "\"path\":{\"default\":\"mailbox\",\"doc\":\"the mbox file (relative: in the state directory)\"},"
	    "\"to\":{\"default\":\"soc@localhost\",\"doc\":\"the To: address\"},"
	    "\"from\":{\"default\":\"soc-act@localhost\",\"doc\":\"the From: address\"}}}" },
	{ ACT_HOOK, "{\"product\":\"command hook (this host)\",\"version\":\"1\","
	    "\"doc\":\"A command (no shell) for the actions listed: the step's "
	    "variables as JSON on its stdin, SOC_ACTION, SOC_STEP, SOC_INCIDENT, "
	    "SOC_TARGET_TYPE and SOC_TARGET_VALUE in its environment; exit 0 is "
	    "done.\","
	    "\"actions\":{},"
	    "\"settings\":{"
	    "\"command\":{\"doc\":\"the command and its arguments, a list (absolute path)\"},"
	    "\"actions\":{\"doc\":\"the actions it serves, a list\"},"
	    "\"timeout_s\":{\"default\":60,\"doc\":\"seconds before it is killed\"}}}" },
};

/* A connector's entry, from a template (or a local kind's table). */
static void
list_template(const json_t *t, const char *configured, json_t *all)
{
	json_t *o = json_object(), *acts = json_object(), *sets = json_object();
	const char *auth = json_string_value(json_object_get(
	    json_object_get(t, "auth"), "type"));
	const json_t *v;
	const char *k;

	json_object_set_new(o, "connector", json_string(configured ? configured :
	    json_string_value(json_object_get(t, "connector"))));
	json_object_set(o, "template", json_object_get(t, "connector"));
	json_object_set(o, "product", json_object_get(t, "product"));
	json_object_set(o, "version", json_object_get(t, "version"));
	json_object_set(o, "access", json_object_get(t, "access"));
	json_object_set(o, "doc", json_object_get(t, "doc"));
	json_object_set_new(o, "auth", json_string(auth ? auth : "header"));
	json_object_set_new(o, "configured", json_boolean(configured != NULL));
	json_object_foreach(json_object_get(t, "actions"), k, v)
		json_object_set_new(acts, k, json_pack("{s:O?,s:O?,s:O*,s:b}",
		    "doc", json_object_get(v, "doc"), "target",
		    json_object_get(v, "target"), "inverse",
		    json_object_get(v, "inverse"), "verify",
		    json_object_get(v, "verify") != NULL));
	json_object_foreach(json_object_get(t, "settings"), k, v)
		json_object_set_new(sets, k, json_pack("{s:b,s:O*,s:O?}", "secret",
		    json_is_true(json_object_get(v, "secret")), "default",
		    json_object_get(v, "default"), "doc", json_object_get(v, "doc")));
	json_object_set_new(o, "actions", acts);
	json_object_set_new(o, "settings", sets);
	json_array_append_new(all, o);
}

/* A configured local connector's entry: its kind's table, and for a hook
 * the actions its configuration lists. */
static void
list_local(const struct act_conn *c, json_t *all)
{
	json_t *t = NULL, *acts, *x;
	size_t i;

	for (i = 0; i < sizeof local_doc / sizeof local_doc[0]; i++)
		if (local_doc[i].kind == c->kind)
			t = json_loads(local_doc[i].json, 0, NULL);
	if (!t)
		soc_die(SOC_EX_SOFTWARE, "no description of local connector %s", c->name);
	json_object_set_new(t, "connector", json_string(c->kind == ACT_NFT ?
	    "nft" : c->kind == ACT_TICKETS ? "tickets" : c->kind == ACT_MAILBOX ?
	    "mailbox" : "hook"));
	json_object_set_new(t, "access", json_string("write"));
	json_object_set_new(t, "auth", json_pack("{s:s}", "type", "local"));
	acts = json_object_get(t, "actions");
	json_array_foreach(json_object_get(c->cfg, "actions"), i, x)
		if (json_is_string(x))
			json_object_set_new(acts, json_string_value(x), json_pack(
			    "{s:s,s:[s]}", "doc", "run the hook", "target", "*"));
	list_template(t, c->name, all);
	json_decref(t);
}

static void
print_text(size_t i, const json_t *c)
{
	const json_t *act, *inv;
	const char *k;
	const char *prod = json_string_value(json_object_get(c, "product"));
	const char *ver = json_string_value(json_object_get(c, "version"));

	printf("%s%s: %s (%s, %s, version %s)%s\n", i ? "\n" : "",
	    json_string_value(json_object_get(c, "connector")), prod ? prod : "",
	    json_string_value(json_object_get(c, "access")),
	    json_string_value(json_object_get(c, "auth")), ver ? ver : "-",
	    json_is_true(json_object_get(c, "configured")) ? ", configured" : "");
	json_object_foreach(json_object_get(c, "actions"), k, act) {
		inv = json_object_get(act, "inverse");
		printf("  %-22s %s%s%s\n", k,
		    json_string_value(json_object_get(act, "doc")) ?
		    json_string_value(json_object_get(act, "doc")) : "",
		    json_is_string(inv) ? "; inverse " : "",
		    json_is_string(inv) ? json_string_value(inv) : "");
	}
	json_object_foreach(json_object_get(c, "settings"), k, act) {
		const json_t *def = json_object_get(act, "default");
		const char *doc = json_string_value(json_object_get(act, "doc"));

		printf("  setting %s", k);
		if (json_is_true(json_object_get(act, "secret")))
			printf(" (secret: {\"env\":\"VARIABLE\"})");
		else if (json_is_string(def))
			printf(" (default %s)", json_string_value(def));
		else if (json_is_integer(def))
			printf(" (default %" JSON_INTEGER_FORMAT ")",
			    json_integer_value(def));
		printf("%s%s\n", doc ? ": " : "", doc ? doc : "");
	}
}

int
act_connectors_cmd(struct soc_stage *st, int argc, char **argv)
{
	struct act *a = act_g();
	const struct soc_embed *b;
	json_t *all = json_array(), *c;
	size_t i;

	act_verb_args(st, argc, argv, 0);
	act_setup(st, 0);
	for (i = 0; i < a->nconn; i++)
		if (a->conn[i].kind == ACT_HTTP)
			list_template(soc_conn_template(a->conn[i].http),
			    a->conn[i].name, all);
		else
			list_local(&a->conn[i], all);
	for (b = act_builtins; b->name; b++) {
		json_t *t = json_loads(b->text, 0, NULL);
		int seen = 0;

		for (i = 0; i < a->nconn; i++)
			if (a->conn[i].kind == ACT_HTTP && strcmp(json_string_value(
			    json_object_get(soc_conn_template(a->conn[i].http),
			    "connector")), b->name) == 0)
				seen = 1;
		if (!seen)
			list_template(t, NULL, all);
		json_decref(t);
	}
	json_array_foreach(all, i, c) {
		if (act_verb_json()) {
			char *s = json_dumps(c, JSON_COMPACT);

			printf("%s\n", s);
			free(s);
		} else
			print_text(i, c);
	}
	json_decref(all);
	if (fflush(stdout) != 0 || ferror(stdout))
		soc_die_errno(SOC_EX_IOERR, "cannot write the list");
	return 0;
}
