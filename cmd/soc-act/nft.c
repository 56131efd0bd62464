/*
 * nft.c: the local connector nft: block_ip, unblock_ip, block_domain,
 * unblock_domain as elements (timeout = the step's TTL) in the named sets
 * TABLE SET_v4 / SET_v6 of nftables, created with input, output and
 * forward chains that drop them when absent; the kernel expires an
 * element itself, and expire removes it too.  Addresses reach nft only
 * after inet_pton/inet_ntop; domains are resolved here.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "act.h"
#include "err.h"
#include "json.h"

#define LOCAL_MAX_ADDRS 16

static int
ok_name(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return i > 0 && i < 32;
}

/* The addresses of the target, canonical text, into addrs (families in
 * fam: 4 or 6).  Returns how many, or -1 with err. */
static int
target_addrs(const char *action, const char *value, char addrs[][INET6_ADDRSTRLEN],
    int *fam, char *err, size_t errlen)
{
	unsigned char bin[16];
	int n = 0;

	if (strstr(action, "_ip")) {
		if (inet_pton(AF_INET, value, bin) == 1) {
			inet_ntop(AF_INET, bin, addrs[0], INET6_ADDRSTRLEN);
			fam[0] = 4;
			return 1;
		}
		if (inet_pton(AF_INET6, value, bin) == 1) {
			inet_ntop(AF_INET6, bin, addrs[0], INET6_ADDRSTRLEN);
			fam[0] = 6;
			return 1;
		}
		snprintf(err, errlen, "'%.64s' is not an IP address", value);
		return -1;
	} else {
		struct addrinfo hints, *res, *ai;
		size_t i, len = strlen(value);
		int rc;

		for (i = 0; i < len; i++)
			if (!((value[i] >= 'a' && value[i] <= 'z') ||
			    (value[i] >= 'A' && value[i] <= 'Z') ||
			    (value[i] >= '0' && value[i] <= '9') ||
			    value[i] == '-' || value[i] == '.'))
				break;
		if (len == 0 || len > 253 || i < len) {
			snprintf(err, errlen, "'%.64s' is not a domain name", value);
			return -1;
		}
		memset(&hints, 0, sizeof hints);
		hints.ai_family = AF_UNSPEC;
		hints.ai_socktype = SOCK_STREAM;
		if ((rc = getaddrinfo(value, NULL, &hints, &res)) != 0) {
			snprintf(err, errlen, "cannot resolve '%s': %s", value,
			    gai_strerror(rc));
			return -1;
		}
		for (ai = res; ai && n < LOCAL_MAX_ADDRS; ai = ai->ai_next) {
			const void *p = ai->ai_family == AF_INET ?
			    (const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr :
			    (const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
			int k, dup = 0;

			inet_ntop(ai->ai_family, p, addrs[n], INET6_ADDRSTRLEN);
			for (k = 0; k < n; k++)
				dup |= strcmp(addrs[k], addrs[n]) == 0;
			if (dup)
				continue;
			fam[n++] = ai->ai_family == AF_INET ? 4 : 6;
		}
		freeaddrinfo(res);
		return n;
	}
}

/* Line (new, freed here) appended to list l. */
static void
append_line(json_t *l, char *line)
{
	json_array_append_new(l, json_string(line));
	free(line);
}

/* The table with the sets s4 and s6 and the chains that drop what they
 * hold, created when the set s4 is absent: 0, or -1 with err. */
static int
nft_table(const char *bin, const char *family, const char *table,
    const char *s4, const char *s6, char *err, size_t errlen)
{
	char *const probe[] = { (char *)bin, "list", "set", (char *)family,
	    (char *)table, (char *)s4, NULL };
	char *const mk[] = { (char *)bin, "-f", "-", NULL };
	char e2[256], *script;
	int rc;

	if (act_spawn(probe, NULL, NULL, 0, 30, e2, sizeof e2) == 0)
		return 0;
	script = soc_xasprintf(
	    "table %s %s {\n"
	    " set %s { type ipv4_addr; flags timeout; }\n"
	    " set %s { type ipv6_addr; flags timeout; }\n"
	    " chain input { type filter hook input priority -10; policy accept;"
	    " ip saddr @%s drop; ip6 saddr @%s drop; }\n"
	    " chain output { type filter hook output priority -10; policy accept;"
	    " ip daddr @%s drop; ip6 daddr @%s drop; }\n"
	    " chain forward { type filter hook forward priority -10; policy accept;"
	    " ip saddr @%s drop; ip daddr @%s drop; ip6 saddr @%s drop;"
	    " ip6 daddr @%s drop; }\n}\n", family, table, s4, s6, s4, s6,
	    s4, s6, s4, s4, s6, s6);
	rc = act_spawn(mk, NULL, script, strlen(script), 30, err, errlen);
	free(script);
	if (rc == 0)
		return 0;
	if (rc > 0 && !err[0])
		snprintf(err, errlen, "nft exited %d", rc);
	return -1;
}

/* Add (block) or delete one address's element of set: the command goes
 * into cmds, and runs unless show.  0, or -1 with err. */
static int
nft_element(const char *bin, const char *family, const char *table,
    const char *set, const char *addr, const json_t *ttl, int block,
    int show, json_t *cmds, char *err, size_t errlen)
{
	char el[INET6_ADDRSTRLEN + 48];
	char *const av[] = { (char *)bin, block ? "add" : "delete", "element",
	    (char *)family, (char *)table, (char *)set, el, NULL };
	int rc;

	if (block && json_is_integer(ttl) && json_integer_value(ttl) > 0)
		snprintf(el, sizeof el, "{ %.46s timeout %llds }", addr,
		    (long long)json_integer_value(ttl));
	else
		snprintf(el, sizeof el, "{ %.46s }", addr);
	append_line(cmds, soc_xasprintf("%s %s element %s %s %s %s", bin, av[1],
	    family, table, set, el));
	if (show)
		return 0;
	rc = act_spawn(av, NULL, NULL, 0, 30, err, errlen);
	/* An element the kernel expired already is gone: done. */
	if (rc != 0 && !block && strstr(err, "No such file or directory"))
		rc = 0;
	if (rc != 0) {
		if (rc > 0 && !err[0])
			snprintf(err, errlen, "nft exited %d", rc);
		return -1;
	}
	err[0] = '\0';
	return 0;
}

int
act_nft(const json_t *cfg, const char *action, const json_t *vars, int show,
    json_t **shown, char *err, size_t errlen)
{
	const char *bin = act_cfg_str(cfg, "nft", "nft");
	const char *family = act_cfg_str(cfg, "family", "inet");
	const char *table = act_cfg_str(cfg, "table", "socpipe");
	const char *set = act_cfg_str(cfg, "set", "soc_block");
	const char *value = act_var(vars, "target.value");
	char addrs[LOCAL_MAX_ADDRS][INET6_ADDRSTRLEN], s4[40], s6[40];
	const json_t *ttl = soc_conn_path(vars, "step.ttl_s");
	int fam[LOCAL_MAX_ADDRS], n, i, block = strncmp(action, "block", 5) == 0;
	json_t *cmds = json_array();

	if (strcmp(family, "inet") != 0 && strcmp(family, "ip") != 0 &&
	    strcmp(family, "ip6") != 0)
		family = "inet";
	if (!ok_name(table) || !ok_name(set)) {
		snprintf(err, errlen, "nft: table and set names are letters, digits, _");
		json_decref(cmds);
		return -1;
	}
	snprintf(s4, sizeof s4, "%s_v4", set);
	snprintf(s6, sizeof s6, "%s_v6", set);
	if (show && value && strstr(action, "_domain")) {
		/* A dry run does not ask DNS: the addresses are named. */
		append_line(cmds, soc_xasprintf("%s %s element %s %s %s|%s "
		    "{ <addresses of %.200s>%s }", bin, block ? "add" : "delete",
		    family, table, s4, s6, value,
		    block && json_is_integer(ttl) ? " timeout TTL" : ""));
		*shown = json_pack("{s:o}", "commands", cmds);
		return 0;
	}
	if (!value || (n = target_addrs(action, value, addrs, fam, err, errlen)) < 0) {
		if (!value)
			snprintf(err, errlen, "no target.value");
		json_decref(cmds);
		return -1;
	}
	if (n == 0) {
		snprintf(err, errlen, "'%s' has no address", value);
		json_decref(cmds);
		return -1;
	}
	if (!show && block && nft_table(bin, family, table, s4, s6, err,
	    errlen) < 0) {
		json_decref(cmds);
		return -1;
	}
	for (i = 0; i < n; i++)
		if (nft_element(bin, family, table, fam[i] == 4 ? s4 : s6,
		    addrs[i], ttl, block, show, cmds, err, errlen) < 0) {
			json_decref(cmds);
			return -1;
		}
	*shown = json_pack("{s:o}", "commands", cmds);
	return 0;
}
