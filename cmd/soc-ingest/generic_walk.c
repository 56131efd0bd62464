/*
 * generic_walk.c: the walk over an event of an unknown product
 * (generic_walk.h): each leaf is read by its key's words and its value's
 * shape, in the order of leaf_shape (addresses, ports, hashes, URLs,
 * e-mail addresses), leaf_keyed (users, hosts, domains, processes, cloud
 * ids), leaf_event (message, action, outcome, severity, rule, ids,
 * vendor and product).  The first
 * value found for an ECS field wins; every address, user, host and hash
 * also goes to related.*.
 */
#include <stdio.h>
#include <string.h>

#include "fmt_text.h"
#include "generic_walk.h"
#include "vendor.h"

static const char *const w_src[] = { "src", "source", "client", "caller",
	"remote", "origin", "attacker", "initiator", "actor", "from", "sender",
	NULL };
static const char *const w_dst[] = { "dst", "dest", "destination", "target",
	"server", "victim", "responder", "to", "recipient", NULL };
static const char *const w_dst_pre[] = { "dst", "dest", NULL };
static const char *const w_src_pre[] = { "src", NULL };
static const char *const w_host[] = { "host", "device", "agent", "endpoint",
	"machine", "computer", "sensor", "asset", "workstation", NULL };
static const char *const k_user[] = { "user", "username", "usr", "login",
	"loginname", "account", "accountname", "principal", "principalname",
	"userprincipalname", "upn", "actor", "owner", "samaccountname",
	"subjectusername", "suser", "useridentity", "email", "mail",
	"emailaddress", "useremail", "actoremail", "creator", "modifiedby",
	"createdby", "initiatedby", "performedby", NULL };
static const char *const k_user_parent[] = { "user", "actor", "principal",
	"identity", "subject", "initiator", "caller", "owner",
	"useridentity", "creator", NULL };
static const char *const k_user_leaf[] = { "name", "login", "alternateid",
	"username", "email", "principalname", "userprincipalname", "upn",
	"loginname", "mail", NULL };
static const char *const k_target_user[] = { "targetuser", "targetusername",
	"duser", "targetaccount", "targetuserprincipalname", "member",
	"membername", NULL };
static const char *const k_host[] = { "host", "hostname", "computer",
	"computername", "devicename", "device", "machine", "machinename",
	"endpoint", "endpointname", "agentname", "workstation",
	"workstationname", "nodename", "dvchost", "shost", NULL };
static const char *const k_host_parent[] = { "host", "device", "endpoint",
	"machine", "agent", "computer", "asset", NULL };
static const char *const k_host_leaf[] = { "name", "hostname", "fqdn",
	"computername", NULL };
static const char *const k_domain[] = { "domain", "fqdn", "query", "qname",
	"dnsquery", "servername", "sni", "domainname", "queryname",
	"hostheader", NULL };
static const char *const k_hash[] = { "hash", "md5", "sha1", "sha256",
	"sha512", "digest", "checksum", "filehash", "hashes", NULL };
static const char *const k_cloud_account[] = { "accountid", "awsaccountid",
	"subscriptionid", "recipientaccountid", "cloudaccountid",
	"accountnumber", NULL };
static const char *const k_cloud_project[] = { "projectid", "project", NULL };
static const char *const k_region[] = { "region", "awsregion", "cloudregion",
	NULL };
static const char *const k_message[] = { "message", "msg", "displaymessage",
	"description", "summary", "title", "details", "detail", "reason",
	"alertname", NULL };
static const char *const k_action[] = { "action", "eventtype", "eventname",
	"eventaction", "operation", "operationname", "activity",
	"activitytype", "activityname", "actiontype", "event", "type", NULL };
static const char *const k_outcome[] = { "outcome", "result", "status",
	"resultstatus", "outcomeresult", "success", NULL };
static const char *const k_severity[] = { "severity", "severityname",
	"level", "priority", "risklevel", "criticality", "risk",
	"severitylevel", "threatlevel", NULL };
static const char *const k_rule[] = { "rulename", "rule", "signature",
	"alertname", "detectionname", "policyname", "signaturename",
	"threatname", "alerttitle", NULL };
static const char *const k_rule_id[] = { "ruleid", "signatureid", "sid",
	"alertid", "detectionid", NULL };
static const char *const k_event_id[] = { "id", "uuid", "eventid", "guid",
	NULL };
static const char *const k_vendor[] = { "vendor", "vendorname",
	"provider", "company", NULL };
static const char *const k_product[] = { "product", "productname",
	"tool", "sourcetype", "productfamily", NULL };
static const char *const k_geo_parent[] = { "location", "geo",
	"geolocation", "geographicalcontext", "address", "geoip", NULL };
static const char *const k_logtype[] = { "logtype", "eventcategory",
	"category", "kind", "class", "eventclass", "datatype", "recordtype",
	NULL };
static const char *const k_alert_words[] = { "alert", "alerts",
	"detection", "detections", "finding", "findings", "threat", "threats",
	"incident", "signature", "indicator", "malware", "issue", "issues",
	NULL };

/* Does the path of w name the destination side (_dst) or the source? */
static int
side_dst(const struct words *w)
{
	return ing_gen_word_is(w, 0, w_dst) ||
	    ing_gen_word_pre(w, 0, w_dst_pre);
}

static int
side_src(const struct words *w)
{
	return ing_gen_word_is(w, 0, w_src) ||
	    ing_gen_word_pre(w, 0, w_src_pre);
}

static void
take_ip(struct walk *wk, const struct words *w, const char *s)
{
	int dst = side_dst(w);
	int src = side_src(w);
	int host = ing_gen_word_is(w, 0, w_host);

	wk->entities = 1;
	if (dst && !soc_val_get(wk->out, "destination.ip"))
		ing_set_ip(wk->out, "destination.ip", s);
	else if (src && !dst && !soc_val_get(wk->out, "source.ip"))
		ing_set_ip(wk->out, "source.ip", s);
	else if (host && !src && !dst)
		vnd_add_ip(wk->out, "host.ip", s);
	vnd_add_ip(wk->out, "related.ip", s);
}

static void
take_port(struct walk *wk, const struct words *w, const struct soc_val *v)
{
	int dst = side_dst(w);
	int src = side_src(w);
	const char *path = dst ? "destination.port" : src ? "source.port" :
	    NULL;

	if (path && !soc_val_get(wk->out, path))
		ing_set_port(wk->out, path, v);
}

static void
take_user(struct walk *wk, const struct words *w, const char *s)
{
	int target = ing_gen_in_list(w->key, k_target_user) ||
	    ing_gen_word_is(w, 0, w_dst);
	const char *prefix = target ? "user.target" : "user";
	char path[32];

	wk->entities = 1;
	snprintf(path, sizeof path, "%s.name", prefix);
	if (!soc_val_get(wk->out, path))
		vnd_set_login(wk->out, prefix, s);
	soc_val_add_str(wk->out, "related.user", s);
}

static void
take_hash(struct walk *wk, const struct words *w, const char *s)
{
	size_t n = strlen(s);
	const char *algo = n == 32 ? "md5" : n == 40 ? "sha1" : n == 64 ?
	    "sha256" : n == 128 ? "sha512" : NULL;
	static const char *const proc[] = { "process", "image", "parent",
		"proc", NULL };
	char path[48];

	if (!algo || !ing_gen_is_hex(s, n) || vnd_zero_hash(s))
		return;
	snprintf(path, sizeof path, "%s.hash.%s",
	    ing_gen_word_is(w, 0, proc) ? "process" : "file", algo);
	vnd_set_once(wk->out, path, s);
	soc_val_add_str(wk->out, "related.hash", s);
	wk->entities = 1;
}

static void
take_url(struct walk *wk, const char *s)
{
	const char *h = strstr(s, "://");
	char dom[256];
	size_t n;

	if (!h)
		return;
	h += 3;
	n = strcspn(h, "/:?#@");
	if (h[n] == '@') {	/* user:pass@host: never keep the password */
		return;
	}
	if (n == 0 || n >= sizeof dom)
		return;
	memcpy(dom, h, n);
	dom[n] = '\0';
	if (!soc_val_get(wk->out, "url.original")) {
		soc_val_set_str(wk->out, "url.original", s);
		if (ing_gen_is_ip(dom))
			ing_set_ip(wk->out, "url.domain", dom);
		else
			soc_val_set_str(wk->out, "url.domain", dom);
	}
	if (ing_gen_is_hostname(dom, 1))
		soc_val_add_str(wk->out, "related.hosts", dom);
	wk->entities = 1;
}

static void
take_process(struct walk *wk, const struct words *w, const char *s)
{
	static const char *const par[] = { "parent", NULL };
	const char *pre = ing_gen_word_is(w, 0, par) ||
	    strncmp(w->key, "parent", 6) == 0 ||
	    strncmp(w->key, "pp", 2) == 0 ? "process.parent" : "process";
	const char *k = w->key;
	char path[48];

	if (strstr(k, "commandline") || strstr(k, "cmdline") ||
	    strcmp(k, "cmd") == 0 || strcmp(k, "command") == 0) {
		snprintf(path, sizeof path, "%s.command_line", pre);
	} else if (strcmp(k, "pid") == 0 || strcmp(k, "ppid") == 0 ||
	    strstr(k, "processid")) {
		int64_t pid;

		snprintf(path, sizeof path, "%s.pid", pre);
		if (soc_val_numstr(s, &pid, &(double){ 0 }) == 1 && pid >= 0 &&
		    !soc_val_get(wk->out, path))
			soc_val_set_int(wk->out, path, pid);
		return;
	} else if (strchr(s, '/') || strchr(s, '\\')) {
		snprintf(path, sizeof path, "%s.executable", pre);
		vnd_set_once(wk->out, path, s);
		snprintf(path, sizeof path, "%s.name", pre);
		s = ing_basename(s);
	} else
		snprintf(path, sizeof path, "%s.name", pre);
	vnd_set_once(wk->out, path, s);
	wk->entities = 1;
}

static int
is_process_key(const struct words *w)
{
	static const char *const keys[] = { "process", "processname",
		"procname", "image", "imagename", "exe", "executable",
		"processpath", "imagepath", "commandline", "cmdline", "cmd",
		"command", "pid", "ppid", "processid", "parentprocessid",
		"parentprocessname", "parentimage", "parentcommandline",
		"processcommandline", "parentprocess", "comm", NULL };
	static const char *const parents[] = { "process", "proc",
		"parentprocess", "parent", NULL };
	static const char *const leaves[] = { "name", "path", "executable",
		"commandline", "cmdline", "pid", "image", NULL };

	return ing_gen_in_list(w->key, keys) ||
	    (ing_gen_in_list(w->parent, parents) &&
	    ing_gen_in_list(w->key, leaves));
}

/* event.outcome from a word. */
static void
take_outcome(struct walk *wk, const char *s)
{
	static const char *const ok[] = { "success", "succeeded", "successful",
		"ok", "allowed", "allow", "pass", "passed", "accept",
		"accepted", "permit", "permitted", "true", NULL };
	static const char *const bad[] = { "fail", "failed", "failure",
		"denied", "deny", "blocked", "block", "drop", "dropped",
		"reject", "rejected", "error", "false", NULL };
	char low[32];

	if (wk->have_outcome || strlen(s) >= sizeof low)
		return;
	ing_lower(s, low, sizeof low);
	if (ing_gen_in_list(low, ok))
		vnd_outcome(wk->out, 1);
	else if (ing_gen_in_list(low, bad))
		vnd_outcome(wk->out, 0);
	else
		return;
	wk->have_outcome = 1;
}

/*
 * A string leaf that is an entity by its shape (an address, an ARN, a
 * URL, an e-mail address; a port and a hash by their key too): set, and
 * 1 when the leaf is nothing else.
 */
static int
leaf_shape(struct walk *wk, const struct words *w, const char *s, size_t n)
{
	const char *k = w->key;

	if (ing_gen_is_ip(s)) {
		take_ip(wk, w, s);
		return 1;
	}
	if (strstr(k, "port") && strspn(s, "0123456789") == n && n <= 5) {
		struct soc_val *tmp = soc_val_new_strn(wk->out->arena, s, n);

		take_port(wk, w, tmp);
		return 1;
	}
	if (strncmp(s, "arn:aws", 7) == 0) {
		char acct[32];
		const char *p = s;
		int i;

		for (i = 0; i < 4 && p; i++)
			p = strchr(p + 1, ':');
		if (p && strspn(p + 1, "0123456789") == 12 && p[13] == ':') {
			memcpy(acct, p + 1, 12);
			acct[12] = '\0';
			vnd_set_once(wk->out, "cloud.account.id", acct);
			vnd_set_once(wk->out, "cloud.provider", "aws");
		}
	}
	if (ing_gen_in_list(k, k_hash) || ing_gen_word_is(w, w->leaf, k_hash)) {
		take_hash(wk, w, s);
		return 1;
	}
	if (strstr(s, "://") && n < 8192 && !strchr(s, ' ')) {
		take_url(wk, s);
		return 1;
	}
	if (ing_gen_is_email(s)) {
		take_user(wk, w, s);
		return 1;
	}
	return 0;
}

/*
 * A string leaf that is an entity by its key (a user, host, domain,
 * process, cloud account, project or region): set, and 1 when the leaf
 * is nothing else.
 */
static int
leaf_keyed(struct walk *wk, const struct words *w, const char *s, size_t n,
    int d)
{
	const char *k = w->key;

	if (ing_gen_in_list(k, k_user) || ing_gen_in_list(k, k_target_user) ||
	    (ing_gen_in_list(w->parent, k_user_parent) &&
	    ing_gen_in_list(k, k_user_leaf))) {
		if (n < 256 && !strpbrk(s, "\n\t") && strncmp(s, "arn:", 4) != 0)
			take_user(wk, w, s);
		return 1;
	}
	if (ing_gen_in_list(k, k_host) ||
	    (ing_gen_in_list(w->parent, k_host_parent) &&
	    ing_gen_in_list(k, k_host_leaf))) {
		if (ing_gen_is_hostname(s, 0)) {
			vnd_set_once(wk->out, "host.name", s);
			soc_val_add_str(wk->out, "related.hosts", s);
			wk->entities = 1;
		}
		return 1;
	}
	if (ing_gen_in_list(k, k_domain) && ing_gen_is_hostname(s, 1)) {
		if (strcmp(k, "query") == 0 || strcmp(k, "qname") == 0 ||
		    strcmp(k, "queryname") == 0 || strcmp(k, "dnsquery") == 0)
			vnd_set_once(wk->out, "dns.question.name", s);
		soc_val_add_str(wk->out, "related.hosts", s);
		wk->entities = 1;
		return 1;
	}
	if (is_process_key(w)) {
		take_process(wk, w, s);
		return 1;
	}
	if (ing_gen_in_list(k, k_cloud_account) && n < 64) {
		vnd_set_once(wk->out, "cloud.account.id", s);
		return 1;
	}
	if (ing_gen_in_list(k, k_cloud_project) && n < 64 && d <= 1) {
		vnd_set_once(wk->out, "cloud.project.id", s);
		return 1;
	}
	if (ing_gen_in_list(k, k_region) && n < 64 &&
	    !ing_gen_in_list(w->parent, k_geo_parent)) {
		vnd_set_once(wk->out, "cloud.region", s);
		return 1;
	}
	return 0;
}

/* A string leaf that tells of the event: message, action, outcome,
 * severity, rule, event id, vendor, product, log type. */
static void
leaf_event(struct walk *wk, const struct words *w, const char *s, size_t n,
    int d)
{
	const char *k = w->key;
	int r;

	if ((r = ing_gen_rank(k, k_message)) >= 0 && d <= 1 &&
	    (wk->msg_rank < 0 || r < wk->msg_rank)) {
		wk->msg_rank = r;
		vnd_msg(wk->out, "%s", s);
	}
	if ((r = ing_gen_rank(k, k_action)) >= 0 && d <= 1 && n <= 128 &&
	    (wk->action_rank < 0 || r < wk->action_rank)) {
		wk->action_rank = r;
		soc_val_set_str(wk->out, "event.action", s);
	}
	if (ing_gen_in_list(k, k_outcome) && d <= 2)
		take_outcome(wk, s);
	if (ing_gen_in_list(k, k_severity) && !wk->have_sev &&
	    vnd_sev_word(s) >= 0) {
		ing_set_severity(wk->out, vnd_sev_word(s));
		wk->have_sev = 1;
	}
	if ((ing_gen_in_list(k, k_rule) ||
	    ((ing_gen_in_list(w->parent, k_alert_words) ||
	    strstr(w->parent, "rule")) &&
	    (strcmp(k, "name") == 0 || strcmp(k, "title") == 0))) && d <= 3 &&
	    n <= 512)
		vnd_set_once(wk->out, "rule.name", s);
	if (ing_gen_in_list(k, k_rule_id) && d <= 2 && n <= 128)
		vnd_set_once(wk->out, "rule.id", s);
	if (ing_gen_in_list(k, k_event_id) && d == 0 && n <= 128)
		vnd_set_once(wk->out, "event.id", s);
	if (ing_gen_in_list(k, k_vendor) && d <= 1 && !wk->vendor && n <= 64)
		wk->vendor = s;
	if (ing_gen_in_list(k, k_product) && d <= 1 && !wk->product && n <= 64)
		wk->product = s;
	if (ing_gen_in_list(k, k_logtype) && d <= 1 && !wk->logtype && n <= 64)
		wk->logtype = s;
}

/* A string leaf at depth d: an entity, else a field of the event. */
static void
leaf_str(struct walk *wk, const struct words *w, const char *s, int d)
{
	size_t n = strlen(s);

	if (n == 0 || strcmp(s, "-") == 0)
		return;
	if (!leaf_shape(wk, w, s, n) && !leaf_keyed(wk, w, s, n, d))
		leaf_event(wk, w, s, n, d);
}

static void
leaf_num(struct walk *wk, const struct words *w, const struct soc_val *v)
{
	const char *k = w->key;
	char b[32];

	if (strstr(k, "port") && soc_val_is_integer(v)) {
		take_port(wk, w, v);
		return;
	}
	if (is_process_key(w) && soc_val_is_integer(v)) {
		snprintf(b, sizeof b, "%lld", (long long)soc_val_int(v));
		take_process(wk, w, b);
		return;
	}
	if (ing_gen_in_list(k, k_cloud_account) && soc_val_is_integer(v)) {
		snprintf(b, sizeof b, "%012lld", (long long)soc_val_int(v));
		vnd_set_once(wk->out, "cloud.account.id", b);
	}
	if (ing_gen_in_list(k, k_event_id) && w->n == 1 &&
	    soc_val_is_integer(v)) {
		snprintf(b, sizeof b, "%lld", (long long)soc_val_int(v));
		vnd_set_once(wk->out, "event.id", b);
	}
}

static void walk_val(struct walk *wk, const struct soc_val *v,
    const char *key, const char *parent, struct words *w, int d);

static void
walk_obj(struct walk *wk, const struct soc_val *o, struct words *w, int d,
    const char *self)
{
	const char *k;
	const struct soc_val *m;

	soc_val_foreach_member(o, k, m) {
		struct words sub = *w;

		walk_val(wk, m, k, self, &sub, d);
	}
}

static void
walk_val(struct walk *wk, const struct soc_val *v, const char *key,
    const char *parent, struct words *w, int d)
{
	const struct soc_val *x;
	size_t i;

	if (d > 8)
		return;
	if (key) {
		w->leaf = w->n;
		ing_gen_words(w, key);
		ing_gen_squash(key, w->key, sizeof w->key);
		ing_gen_squash(parent ? parent : "", w->parent,
		    sizeof w->parent);
		if (d <= 3 && v->type == SOC_VAL_OBJ) {
			char low[64];

			ing_gen_squash(key, low, sizeof low);
			if (ing_gen_in_list(low, k_alert_words))
				wk->kind_alert = 1;
		}
		/* alertId, detection_name, threatName at the top */
		if (d == 1 && w->leaf < w->n &&
		    ing_gen_in_list(w->w[w->leaf], k_alert_words))
			wk->kind_alert = 1;
	}
	switch (v->type) {
	case SOC_VAL_OBJ:
		walk_obj(wk, v, w, d + 1, key);
		break;
	case SOC_VAL_ARR:
		soc_val_foreach(v, i, x)
			if (x->type != SOC_VAL_ARR) {
				struct words sub = *w;

				walk_val(wk, x, NULL, parent, &sub, d);
			}
		break;
	case SOC_VAL_STR:
		leaf_str(wk, w, v->u.s.p, d - 1 < 0 ? 0 : d - 1);
		break;
	case SOC_VAL_INT:
	case SOC_VAL_REAL:
		leaf_num(wk, w, v);
		break;
	default:
		break;
	}
}


void
ing_gen_walk(struct walk *wk, const struct soc_val *in)
{
	struct words w = { 0 };

	wk->msg_rank = wk->action_rank = -1;
	walk_val(wk, in, NULL, NULL, &w, 0);
}
