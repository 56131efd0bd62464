/*
 * generic.c: an event of an unknown product read by key names and value
 * shapes (generic.h).
 *
 * Keys are compared by their words: "sourceIPAddress", "src_ip" and
 * "Source-Ip" are the words source/ip/address, src/ip and source/ip.  A
 * key's own words decide what a value is (a user, a host, a hash); the
 * words of the whole path decide its side (source or destination).  The
 * first value found for an ECS field wins; every address, user, host and
 * hash also goes to related.*.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "fmt_text.h"
#include "generic.h"
#include "vendor.h"

#define MAXW 12		/* words of a path kept */
#define WLEN 24		/* bytes of a word kept */

struct words {
	size_t n, leaf;		/* words in all; the leaf key's first */
	char w[MAXW][WLEN];
	char key[64];		/* the leaf key, lower-case, alphanumerics only */
	char parent[64];	/* the parent key, the same way */
};

/* Split key k into lower-case words at non-alphanumerics and camel-case
 * humps ("IPAddress" is ip, address). */
static void
add_words(struct words *w, const char *k)
{
	size_t i, len = 0;

	for (i = 0; k[i]; i++) {
		unsigned char ch = (unsigned char)k[i];
		int split = 0;

		if (!isalnum(ch)) {
			len = 0;
			continue;
		}
		if (len > 0 && isupper(ch) && (islower((unsigned char)k[i - 1]) ||
		    (isupper((unsigned char)k[i - 1]) &&
		    islower((unsigned char)k[i + 1]))))
			split = 1;
		if (len == 0 || split) {
			if (w->n == MAXW)
				return;
			w->n++;
			len = 0;
		}
		if (len + 1 < WLEN) {
			w->w[w->n - 1][len++] = (char)tolower(ch);
			w->w[w->n - 1][len] = '\0';
		}
	}
}

static void
squash(const char *k, char *buf, size_t sz)
{
	size_t i, j = 0;

	for (i = 0; k && k[i] && j + 1 < sz; i++)
		if (isalnum((unsigned char)k[i]))
			buf[j++] = (char)tolower((unsigned char)k[i]);
	buf[j] = '\0';
}

static int
in_list(const char *s, const char *const *list)
{
	size_t i;

	for (i = 0; list[i]; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

/* Does any word (from word `from` on) start with one of pre? */
static int
word_pre(const struct words *w, size_t from, const char *const *pre)
{
	size_t i, j;

	for (i = from; i < w->n; i++)
		for (j = 0; pre[j]; j++)
			if (strncmp(w->w[i], pre[j], strlen(pre[j])) == 0)
				return 1;
	return 0;
}

static int
word_is(const struct words *w, size_t from, const char *const *list)
{
	size_t i;

	for (i = from; i < w->n; i++)
		if (in_list(w->w[i], list))
			return 1;
	return 0;
}

/* --- value shapes ------------------------------------------------------ */

static int
is_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return n > 0;
}

static int
is_email(const char *s)
{
	const char *at = strchr(s, '@');

	return at && at > s && strchr(at + 1, '.') && !strchr(at + 1, '@') &&
	    !strpbrk(s, " \t/\\:<>\"") && at[1] != '.';
}

/* A host or domain name: letters, digits, '-', '.', '_', with a letter. */
static int
is_hostname(const char *s, int need_dot)
{
	size_t i, n = strlen(s);
	int alpha = 0, dot = 0;

	if (n == 0 || n > 253 || s[0] == '.' || s[0] == '-')
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (isalpha(ch))
			alpha = 1;
		else if (ch == '.')
			dot = 1;
		else if (!isdigit(ch) && ch != '-' && ch != '_')
			return 0;
	}
	return alpha && (dot || !need_dot);
}

static int
is_ip(const char *s)
{
	unsigned char addr[16];
	char tmp[64];
	size_t n = strlen(s);

	if (n >= sizeof tmp || n < 2)
		return 0;
	memcpy(tmp, s, n + 1);
	if (strchr(tmp, '%'))
		*strchr(tmp, '%') = '\0';
	return inet_pton(strchr(tmp, ':') ? AF_INET6 : AF_INET, tmp, addr) == 1;
}

/* --- the walk ---------------------------------------------------------- */

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

struct walk {
	struct ing_ctx *c;
	struct soc_val *out;
	const char *vendor, *product, *logtype;
	int kind_alert, entities, msg_rank, action_rank, have_outcome;
	int have_sev;
};

/* The rank of s in list (0 best), or -1. */
static int
rank_of(const char *s, const char *const *list)
{
	int i;

	for (i = 0; list[i]; i++)
		if (strcmp(s, list[i]) == 0)
			return i;
	return -1;
}

static void
set_first(struct soc_val *out, const char *path, const char *s)
{
	if (!soc_val_get(out, path))
		soc_val_set_str(out, path, s);
}

static void
take_ip(struct walk *wk, const struct words *w, const char *s)
{
	int dst = word_is(w, 0, w_dst) || word_pre(w, 0, w_dst_pre);
	int src = word_is(w, 0, w_src) || word_pre(w, 0, w_src_pre);
	int host = word_is(w, 0, w_host);

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
	int dst = word_is(w, 0, w_dst) || word_pre(w, 0, w_dst_pre);
	int src = word_is(w, 0, w_src) || word_pre(w, 0, w_src_pre);
	const char *path = dst ? "destination.port" : src ? "source.port" :
	    NULL;

	if (path && !soc_val_get(wk->out, path))
		ing_set_port(wk->out, path, v);
}

static void
take_user(struct walk *wk, const struct words *w, const char *s)
{
	int target = in_list(w->key, k_target_user) || word_is(w, 0, w_dst);
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

	if (!algo || !is_hex(s, n) || vnd_zero_hash(s))
		return;
	snprintf(path, sizeof path, "%s.hash.%s",
	    word_is(w, 0, proc) ? "process" : "file", algo);
	set_first(wk->out, path, s);
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
		if (is_ip(dom))
			ing_set_ip(wk->out, "url.domain", dom);
		else
			soc_val_set_str(wk->out, "url.domain", dom);
	}
	if (is_hostname(dom, 1))
		soc_val_add_str(wk->out, "related.hosts", dom);
	wk->entities = 1;
}

static void
take_process(struct walk *wk, const struct words *w, const char *s)
{
	static const char *const par[] = { "parent", NULL };
	const char *pre = word_is(w, 0, par) || strncmp(w->key, "parent", 6) ==
	    0 || strncmp(w->key, "pp", 2) == 0 ? "process.parent" : "process";
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
		set_first(wk->out, path, s);
		snprintf(path, sizeof path, "%s.name", pre);
		s = ing_basename(s);
	} else
		snprintf(path, sizeof path, "%s.name", pre);
	set_first(wk->out, path, s);
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

	return in_list(w->key, keys) || (in_list(w->parent, parents) &&
	    in_list(w->key, leaves));
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
	if (in_list(low, ok))
		vnd_outcome(wk->out, 1);
	else if (in_list(low, bad))
		vnd_outcome(wk->out, 0);
	else
		return;
	wk->have_outcome = 1;
}

/*
 * A string leaf at depth d.
 * long: one table of what a string leaf may be (time, address, user, host,
 * hash, URL, ...) by its key and its shape, tried in order
 */
static void
leaf_str(struct walk *wk, const struct words *w, const char *s, int d)
{
	const char *k = w->key;
	size_t n = strlen(s);
	int r;

	if (n == 0 || strcmp(s, "-") == 0)
		return;
	if (is_ip(s)) {
		take_ip(wk, w, s);
		return;
	}
	if (strstr(k, "port") && strspn(s, "0123456789") == n && n <= 5) {
		struct soc_val *tmp = soc_val_new_strn(wk->out->arena, s, n);

		take_port(wk, w, tmp);
		return;
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
			set_first(wk->out, "cloud.account.id", acct);
			set_first(wk->out, "cloud.provider", "aws");
		}
	}
	if (in_list(k, k_hash) || word_is(w, w->leaf, k_hash)) {
		take_hash(wk, w, s);
		return;
	}
	if (strstr(s, "://") && n < 8192 && !strchr(s, ' ')) {
		take_url(wk, s);
		return;
	}
	if (is_email(s)) {
		take_user(wk, w, s);
		return;
	}
	if (in_list(k, k_user) || in_list(k, k_target_user) ||
	    (in_list(w->parent, k_user_parent) && in_list(k, k_user_leaf))) {
		if (n < 256 && !strpbrk(s, "\n\t") && strncmp(s, "arn:", 4) != 0)
			take_user(wk, w, s);
		return;
	}
	if (in_list(k, k_host) ||
	    (in_list(w->parent, k_host_parent) && in_list(k, k_host_leaf))) {
		if (is_hostname(s, 0)) {
			set_first(wk->out, "host.name", s);
			soc_val_add_str(wk->out, "related.hosts", s);
			wk->entities = 1;
		}
		return;
	}
	if (in_list(k, k_domain) && is_hostname(s, 1)) {
		if (strcmp(k, "query") == 0 || strcmp(k, "qname") == 0 ||
		    strcmp(k, "queryname") == 0 || strcmp(k, "dnsquery") == 0)
			set_first(wk->out, "dns.question.name", s);
		soc_val_add_str(wk->out, "related.hosts", s);
		wk->entities = 1;
		return;
	}
	if (is_process_key(w)) {
		take_process(wk, w, s);
		return;
	}
	if (in_list(k, k_cloud_account) && n < 64) {
		set_first(wk->out, "cloud.account.id", s);
		return;
	}
	if (in_list(k, k_cloud_project) && n < 64 && d <= 1) {
		set_first(wk->out, "cloud.project.id", s);
		return;
	}
	if (in_list(k, k_region) && n < 64 &&
	    !in_list(w->parent, k_geo_parent)) {
		set_first(wk->out, "cloud.region", s);
		return;
	}
	if ((r = rank_of(k, k_message)) >= 0 && d <= 1 && (wk->msg_rank < 0 ||
	    r < wk->msg_rank)) {
		wk->msg_rank = r;
		vnd_msg(wk->out, "%s", s);
	}
	if ((r = rank_of(k, k_action)) >= 0 && d <= 1 && n <= 128 &&
	    (wk->action_rank < 0 || r < wk->action_rank)) {
		wk->action_rank = r;
		soc_val_set_str(wk->out, "event.action", s);
	}
	if (in_list(k, k_outcome) && d <= 2)
		take_outcome(wk, s);
	if (in_list(k, k_severity) && !wk->have_sev && vnd_sev_word(s) >= 0) {
		ing_set_severity(wk->out, vnd_sev_word(s));
		wk->have_sev = 1;
	}
	if ((in_list(k, k_rule) || ((in_list(w->parent, k_alert_words) ||
	    strstr(w->parent, "rule")) &&
	    (strcmp(k, "name") == 0 || strcmp(k, "title") == 0))) && d <= 3 &&
	    n <= 512)
		set_first(wk->out, "rule.name", s);
	if (in_list(k, k_rule_id) && d <= 2 && n <= 128)
		set_first(wk->out, "rule.id", s);
	if (in_list(k, k_event_id) && d == 0 && n <= 128)
		set_first(wk->out, "event.id", s);
	if (in_list(k, k_vendor) && d <= 1 && !wk->vendor && n <= 64)
		wk->vendor = s;
	if (in_list(k, k_product) && d <= 1 && !wk->product && n <= 64)
		wk->product = s;
	if (in_list(k, k_logtype) && d <= 1 && !wk->logtype && n <= 64)
		wk->logtype = s;
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
	if (in_list(k, k_cloud_account) && soc_val_is_integer(v)) {
		snprintf(b, sizeof b, "%012lld", (long long)soc_val_int(v));
		set_first(wk->out, "cloud.account.id", b);
	}
	if (in_list(k, k_event_id) && w->n == 1 && soc_val_is_integer(v)) {
		snprintf(b, sizeof b, "%lld", (long long)soc_val_int(v));
		set_first(wk->out, "event.id", b);
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
		add_words(w, key);
		squash(key, w->key, sizeof w->key);
		squash(parent ? parent : "", w->parent, sizeof w->parent);
		if (d <= 3 && v->type == SOC_VAL_OBJ) {
			char low[64];

			squash(key, low, sizeof low);
			if (in_list(low, k_alert_words))
				wk->kind_alert = 1;
		}
		/* alertId, detection_name, threatName at the top */
		if (d == 1 && w->leaf < w->n &&
		    in_list(w->w[w->leaf], k_alert_words))
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

/* --- time -------------------------------------------------------------- */

static const char *const k_time[] = { "timestamp", "eventtime",
	"eventtimestamp", "time", "ts", "datetime", "published", "occurredat",
	"occurred", "occurrencetime", "eventdate", "detectedat",
	"detectiontime", "timegenerated", "generatedtime", "logtime",
	"date", "createdat", "created", "creationtime", "createdtime",
	"createddatetime", "activitydatetime", "firstseen", "starttime",
	"start", "receivedat", "received", "receivedtime", "ingesttime",
	"updatedat", "updated", "lastseen", "endtime", "end", "when",
	"datecreate", "datecreated", NULL };

/* The rank of a time key (lower is better), or -1 when k is none. */
static int
time_rank(const char *k)
{
	char sq[64];
	struct words w = { 0 };
	size_t n;
	int r;

	squash(k, sq, sizeof sq);
	if ((r = rank_of(sq, k_time)) >= 0)
		return r;
	n = strlen(sq);
	add_words(&w, k);
	if ((n > 4 && strcmp(sq + n - 4, "time") == 0) ||
	    (n > 9 && strcmp(sq + n - 9, "timestamp") == 0) ||
	    (n > 4 && strcmp(sq + n - 4, "date") == 0) ||
	    (w.n > 1 && strcmp(w.w[w.n - 1], "at") == 0))
		return 100;
	return -1;
}

struct tpick {
	int rank;
	int64_t ms;
};

/* The best time among the members of o (depth d). */
static void
pick_time(struct ing_ctx *c, const struct soc_val *o, struct tpick *best)
{
	const char *k;
	const struct soc_val *m;
	struct soc_val *tmp;
	const char *t;

	soc_val_foreach_member(o, k, m) {
		int r = time_rank(k);
		int64_t ms;

		if (r < 0 || (best->rank >= 0 && r >= best->rank))
			continue;
		tmp = soc_val_new_object(c->arena);
		if (ing_set_time(c, tmp, "t", m) == 0 &&
		    (t = soc_val_get_nonempty(tmp, "t")) != NULL &&
		    soc_time_parse(t, strlen(t), &ms) == 0)
			;
		else if (!soc_val_is_string(m) ||
		    ing_text_time(c, soc_val_str(m), &ms) < 0)
			continue;
		best->rank = r;
		best->ms = ms;
	}
}

/* Top level, else one level down, else two. */
int
ing_generic_time(struct ing_ctx *c, const struct soc_val *in, int64_t *ms)
{
	struct tpick best = { -1, 0 };
	const char *k, *k2;
	const struct soc_val *m, *m2;

	pick_time(c, in, &best);
	if (best.rank < 0)
		soc_val_foreach_member(in, k, m)
			if (soc_val_is_object(m))
				pick_time(c, m, &best);
	if (best.rank < 0)
		soc_val_foreach_member(in, k, m)
			soc_val_foreach_member(m, k2, m2)
				if (soc_val_is_object(m2))
					pick_time(c, m2, &best);
	(void)k;
	(void)k2;
	if (best.rank < 0)
		return -1;
	*ms = best.ms;
	return 0;
}

/* --- the record -------------------------------------------------------- */

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
	if (prod[0] && in_list(prod, ecs_sets)) {
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
	struct words w = { 0 };
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
	wk.msg_rank = wk.action_rank = -1;
	walk_val(&wk, in, NULL, NULL, &w, 0);
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
