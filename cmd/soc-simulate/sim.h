/*
 * sim.h: soc-simulate's model of a company, shared by its files.
 *
 * main.c parses the options and drives the clock one simulated minute at
 * a time; org.c builds the organisation (people, hosts, addresses, cloud
 * keys) from the seed and writes the inventories soc-enrich imports;
 * emit.c formats events in the vendors' own shapes; noise.c is the benign
 * activity; campaign.c plans the attacks and their ground truth; out.c
 * buffers one minute of events, sorts them by time and writes them.
 *
 * Everything random comes from struct sim_rng (xoshiro256**), seeded from
 * --seed, so one seed gives the same bytes on every machine.  Two streams
 * are kept apart: the campaigns draw from their own, so the same seed
 * plants the same attacks whatever --rate or --users say about volume.
 *
 * Ownership: one struct sim_org lives for the whole run (main.c owns it);
 * the events of one minute live in struct sim_out's arena until written.
 */
#ifndef SIM_H
#define SIM_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "buf.h"

#define SIM_MIN_MS 60000LL
#define SIM_HOUR_MS 3600000LL
#define SIM_DAY_MS 86400000LL

/* The desktop browser everyone uses (and an attacker with their password
 * pretends to). */
#define SIM_UA_BROWSER "Mozilla/5.0 (Windows NT 10.0; Win64; x64) " \
    "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"

/* --- random numbers ------------------------------------------------------ */

struct sim_rng {
	uint64_t s[4];
};

void sim_rng_seed(struct sim_rng *r, uint64_t seed);
uint64_t sim_rng_next(struct sim_rng *r);
/* Uniform in [0, n); n > 0. */
uint64_t sim_rng_below(struct sim_rng *r, uint64_t n);
/* Uniform in [lo, hi]. */
int64_t sim_rng_range(struct sim_rng *r, int64_t lo, int64_t hi);
/* Uniform in [0, 1). */
double sim_rng_unit(struct sim_rng *r);
/* 1 with probability p. */
int sim_rng_chance(struct sim_rng *r, double p);
/* A Poisson count of mean lambda (normal approximation above 60). */
uint64_t sim_rng_poisson(struct sim_rng *r, double lambda);
/* An index into w[0..n-1] drawn with probability w[i] / sum. */
size_t sim_rng_weighted(struct sim_rng *r, const double *w, size_t n);
/* n random lower-case hex digits into out (no NUL added). */
void sim_rng_hex(struct sim_rng *r, char *out, size_t n);
/* A random RFC 4122 version-4 UUID, 36 characters and a NUL. */
void sim_rng_uuid(struct sim_rng *r, char out[37]);

/* --- the organisation ---------------------------------------------------- */

struct sim_country {
	const char *iso, *name, *city, *region;
	int tz;			/* hours from UTC, standard time */
	double lat, lon;
	int asn;
	const char *isp;
};

enum sim_host_role {
	ROLE_WORKSTATION, ROLE_DC, ROLE_DNS, ROLE_PROXY, ROLE_FILE, ROLE_DB,
	ROLE_APP, ROLE_BACKUP, ROLE_BUILD, ROLE_SCANNER, ROLE_WEB,
	ROLE_BASTION, ROLE_MAIL, ROLE_VPN,
};

struct sim_host {
	char name[32];		/* short name: ws-0012, dc-01 */
	char fqdn[48];		/* ws-0012.corp.example */
	char ip[16];
	enum sim_host_role role;
	int windows;		/* Windows (Sysmon, Security log) or Linux */
	int criticality;	/* 0-100 */
	const char *owner, *tags;
	int user;		/* the workstation's user, else -1 */
	int agent;		/* a server's Wazuh agent id, else 0 */
};

struct sim_user {
	char name[40];		/* login: first.last */
	char full[64];		/* display name */
	char id[37];		/* directory object id */
	char okta_id[21];
	const char *dept;
	int manager;		/* user index, -1 for none */
	int privileged, mfa, cloud;
	int country;		/* index into the country table */
	int start_hour, hours;	/* local working hours */
	int night_shift;
	int host;		/* workstation index into org.hosts */
	char home_ip[16];	/* residential address */
	char key[21];		/* AWS access key id, "" without cloud access */
	int trip_day, trip_len, trip_country;	/* trip_len 0: no trip */
	unsigned apps;		/* bit set of the desktop apps used */
};

struct sim_org {
	uint64_t seed;
	int64_t start, end;	/* ms since the epoch */
	int days;
	struct sim_user *users;
	size_t nusers;		/* people, then the service accounts */
	size_t npeople;
	struct sim_host *hosts;
	size_t nhosts, nws;	/* workstations are hosts[0 .. nws-1] */
	int dc, dc2, dns, dns2, proxy, fs, db, hr, backup, build, scanner,
	    bastion, mail, vpn, web;
	int svc_backup, svc_deploy, svc_scanner;	/* user indices */
	char account_prod[13], account_dev[13];
	/* People by time zone and hours; per UTC hour of the week, the
	 * cumulative activity over those schedules. */
	struct sim_sched *sched;
	size_t nsched;
	double *wcum[168];
	double wsum[168];
};

extern const struct sim_country sim_countries[];
extern const size_t sim_ncountries;
#define SIM_HQ 0		/* sim_countries[0]: the head office */

/* An AWS access key id: AKIA and 16 characters of base 32. */
void sim_access_key(struct sim_rng *r, char out[21]);
void sim_org_build(struct sim_org *o, uint64_t seed, size_t people,
    int64_t start, int days);
void sim_org_free(struct sim_org *o);
/* An address of country c (198.18.0.0/15, the benchmarking range). */
void sim_country_ip(struct sim_rng *r, int c, char out[16]);
/* The country a user is in on a day (a trip moves it). */
int sim_user_country(const struct sim_org *o, const struct sim_user *u,
    int64_t ms);
int sim_user_travelling(const struct sim_org *o, const struct sim_user *u,
    int64_t ms);
/* 0 Monday .. 6 Sunday; the UTC hour of the week 0 .. 167. */
int sim_weekday(int64_t ms);
int sim_org_how(int64_t ms);
/* The address the user's sign-ins come from at ms. */
const char *sim_user_egress(const struct sim_org *o, const struct sim_user *u,
    int64_t ms, char buf[16]);
/* A person drawn by activity at ms; -1 when nobody is active. */
int sim_org_pick_user(const struct sim_org *o, struct sim_rng *r, int64_t ms);
/* DIR/NAME opened for writing, or death with a message. */
FILE *sim_create(const char *dir, const char *name);
/* The inventories soc-enrich imports, into DIR. */
void sim_org_write(const struct sim_org *o, const char *dir,
    const char *const *intel, size_t nintel);

struct sim_campaigns;

/* --- output --------------------------------------------------------------- */

/* One event of the current minute: its text is out->arena[off, off+len). */
struct sim_ev {
	int64_t ms;
	uint32_t seq;
	size_t off, len;
	int truth;		/* index into the campaign events, -1 benign */
};

struct sim_out {
	FILE *fp;		/* the events */
	FILE *truth;		/* NULL: no ground truth written */
	const struct sim_campaigns *camp;	/* names the truth */
	struct soc_buf arena;
	struct sim_ev *ev;
	size_t nev, cap;
	uint32_t seq;
	uint64_t line;		/* lines written so far */
	uint64_t nbenign, nmal;
	uint64_t bysrc[16];
};

/* The sources, for --stats and the ground truth. */
enum sim_src {
	SRC_SURICATA, SRC_OKTA, SRC_ENTRA, SRC_SYSMON, SRC_WINSEC,
	SRC_CLOUDTRAIL, SRC_WAZUH, SRC_SYSLOG, SRC_PROXY, SRC_N
};
extern const char *const sim_src_names[SRC_N];

/*
 * A writer for one event: emit.c's functions append the line's bytes to
 * b and the caller hands it to sim_out_add (benign) or to the campaign's
 * list (malicious).
 */
void sim_out_init(struct sim_out *out, FILE *fp, FILE *truth,
    const struct sim_campaigns *camp);
/* Add the event in *b (one line without its newline) at ms. */
void sim_out_add(struct sim_out *out, int64_t ms, const struct soc_buf *b,
    int truth, enum sim_src src);
/* Sort the buffered events by time and write them; returns -1 on I/O
 * error. */
int sim_out_flush(struct sim_out *out);
void sim_out_release(struct sim_out *out);

/* --- event formats (emit.c) ---------------------------------------------- */

/* Time in the forms the vendors write. */
void sim_time_iso(int64_t ms, char out[32]);	/* 2026-11-02T09:14:02.512Z */
void sim_time_sec(int64_t ms, char out[32]);	/* 2026-11-02T09:14:02Z */

struct sim_suricata {
	const char *type;	/* alert, dns, tls, http, flow */
	const char *src, *dst;
	int sport, dport;
	const char *proto, *app;
	const char *sensor;
	/* alert */
	long sid;
	int rev, severity;
	const char *signature, *category, *action;
	const char *technique, *tactic;	/* ATT&CK ids or NULL */
	/* dns, tls, http */
	const char *rrname, *rrtype, *sni, *hostname, *url, *ua, *method;
	int status;
	long long bytes_out, bytes_in;
};
void sim_emit_suricata(struct soc_buf *b, struct sim_rng *r, int64_t ms,
    const struct sim_suricata *e);

struct sim_okta {
	const char *event_type, *display, *result, *reason, *severity;
	const struct sim_user *user;
	const char *ip;
	int country;
	const char *ua;
	const char *legacy;
	int threat;		/* debugData.threatSuspected */
};
void sim_emit_okta(struct soc_buf *b, struct sim_rng *r, int64_t ms,
    const struct sim_okta *e);

struct sim_entra {
	const struct sim_user *user;
	const char *app, *ip, *client, *risk, *risk_state;
	int country;
	int error;		/* 0 success, else the AADSTS code */
	const char *failure;
	const char *device_id;	/* NULL: an unregistered device */
	const char *ua;
};
void sim_emit_entra(struct soc_buf *b, struct sim_rng *r, int64_t ms,
    const struct sim_entra *e);

/* A Windows event as Winlogbeat ships it; data is a list of name, value
 * pairs (values raw, escaped here) ended by NULL. */
void sim_emit_winlog(struct soc_buf *b, int64_t ms, const struct sim_host *h,
    int sysmon, int event_id, long long record, const char *const *data);

struct sim_trail {
	const char *source, *name, *region, *ip, *ua;
	const char *account;
	const struct sim_user *user;	/* an IAM user */
	const char *role, *role_session;	/* or an assumed role */
	const char *key;
	const char *error_code, *error_msg;
	const char *params;	/* requestParameters JSON or NULL */
	const char *type;	/* eventType, default AwsApiCall */
	int read_only;
};
void sim_emit_cloudtrail(struct soc_buf *b, struct sim_rng *r, int64_t ms,
    const struct sim_trail *e);

struct sim_wazuh {
	const struct sim_host *agent;
	const char *rule_id, *description, *groups;	/* groups: "a","b" */
	int level;
	const char *mitre_id, *mitre_tactic;		/* or NULL */
	const char *full_log, *location, *decoder;
	const char *srcip, *srcuser, *dstuser;
	int srcport;
	const char *file;	/* syscheck path or NULL */
};
void sim_emit_wazuh(struct soc_buf *b, struct sim_rng *r, int64_t ms,
    const struct sim_wazuh *e);

/* RFC 5424: <PRI>1 TIME HOST APP PROCID - - MSG */
void sim_emit_syslog(struct soc_buf *b, int64_t ms, int pri,
    const char *host, const char *app, int pid, const char *msg);

struct sim_proxy {
	const struct sim_user *user;
	const char *src, *dst, *host, *url, *method, *ua, *result, *category;
	int status;
	long long bytes_out, bytes_in;
};
void sim_emit_proxy(struct soc_buf *b, int64_t ms, const struct sim_host *proxy,
    const struct sim_proxy *e);

/* --- the machines' events (events.c) ------------------------------------ */

/* user NULL: SYSTEM.  rule: Sysmon's RuleName (technique tags) or NULL. */
void sim_ev_proc(struct soc_buf *b, struct sim_rng *r, int64_t ms,
    const struct sim_host *h, const char *user, const char *image,
    const char *cmd, const char *pimage, const char *pcmd, const char *rule);
void sim_ev_net(struct soc_buf *b, struct sim_rng *r, int64_t ms,
    const struct sim_host *h, const char *user, const char *image,
    const char *dst, int dport, const char *dhost);
void sim_ev_dns(struct soc_buf *b, struct sim_rng *r, int64_t ms,
    const struct sim_host *h, const char *user, const char *image,
    const char *qname, const char *answer);
void sim_ev_file(struct soc_buf *b, struct sim_rng *r, int64_t ms,
    const struct sim_host *h, const char *user, const char *image,
    const char *target);
void sim_ev_lsass(struct soc_buf *b, struct sim_rng *r, int64_t ms,
    const struct sim_host *h, const char *user, const char *image);
/* Security 4624 (or 4625 when failed) of user on h from src. */
void sim_ev_logon(struct soc_buf *b, struct sim_rng *r, int64_t ms,
    const struct sim_host *h, const char *user, const char *src,
    int type, int failed);
void sim_ev_special(struct soc_buf *b, int64_t ms, const struct sim_host *h,
    const char *user);
/* 4769 for service, else 4768 (a TGT). */
void sim_ev_ticket(struct soc_buf *b, int64_t ms, const struct sim_host *dc,
    const char *user, const char *src, const char *service);
void sim_ev_service(struct soc_buf *b, int64_t ms, const struct sim_host *h,
    const char *user, const char *name, const char *path);
void sim_ev_sshd(struct soc_buf *b, struct sim_rng *r, int64_t ms,
    const struct sim_host *h, int ok, const char *method, const char *user,
    int invalid, const char *src);
void sim_ev_sudo(struct soc_buf *b, struct sim_rng *r, int64_t ms,
    const struct sim_host *h, const char *user, const char *cmd);
/* Wazuh's alerts on sshd and sudo lines: a login (5715), a failed one
 * (5710 for an unknown user, 5716), sudo to root (5402). */
void sim_ev_wazuh_login(struct soc_buf *b, struct sim_rng *r, int64_t ms,
    const struct sim_host *h, const char *user, const char *src,
    const char *method);
void sim_ev_wazuh_fail(struct soc_buf *b, struct sim_rng *r, int64_t ms,
    const struct sim_host *h, const char *user, int invalid, const char *src);
void sim_ev_wazuh_sudo(struct soc_buf *b, struct sim_rng *r, int64_t ms,
    const struct sim_host *h, const char *user, const char *cmd);

/* The Suricata rules both the noise and the attacks trip: fill e's rule
 * fields (event_type alert, sid, rev, signature, category, severity,
 * ATT&CK ids). */
enum sim_rule { RULE_SSH_SCAN, RULE_CURL_UA, RULE_COBALT_STRIKE,
	RULE_SMB_EXE };
void sim_rule(struct sim_suricata *e, enum sim_rule rule);

/* --- benign activity (noise.c) and campaigns (campaign.c) ---------------- */

struct sim_noise;
struct sim_noise *sim_noise_new(const struct sim_org *o, struct sim_rng *r,
    double per_user_day);
/* Every benign event of the minute starting at ms. */
void sim_noise_minute(struct sim_noise *n, struct sim_out *out, int64_t ms);
void sim_noise_free(struct sim_noise *n);
/* The internet scanners' addresses, some of which the intel feed names. */
const char *sim_noise_scanner(const struct sim_noise *n, size_t i);

struct sim_campaigns *sim_campaigns_plan(const struct sim_org *o,
    uint64_t seed, int count);
/* Add the campaign events of [ms, ms + 1 min) to out. */
void sim_campaigns_minute(struct sim_campaigns *c, struct sim_out *out,
    int64_t ms);
/* The truth line of campaign event i, written at line (the output's). */
void sim_campaigns_truth(const struct sim_campaigns *c, int i, uint64_t line,
    FILE *fp);
/* One line a campaign into fp (campaigns.ndjson). */
void sim_campaigns_write(const struct sim_campaigns *c, FILE *fp);
/* The indicators threat intel knows (NUL-terminated strings). */
size_t sim_campaigns_intel(const struct sim_campaigns *c,
    const char **out, size_t max);
size_t sim_campaigns_events(const struct sim_campaigns *c);
void sim_campaigns_free(struct sim_campaigns *c);

#endif
