/*
 * org.c: the simulated company, built from the seed.
 *
 * People have a login (first.last), a department, a manager, a home
 * country and its time zone, working hours (a few work nights), a
 * workstation, a home address, and sometimes a trip abroad; engineers and
 * IT staff have AWS access keys; IT operations staff are privileged.
 * Servers have roles and a criticality (the domain controllers, the
 * finance database and the HR application are the crown jewels).  Three
 * service accounts run backups, deployments and vulnerability scans.
 *
 * Addresses: the offices are 10.0.0.0/16 (core, servers, DMZ) and
 * 10.20.0.0/14 (workstations), the VPN pool 10.30.0.0/16; the internet is
 * drawn from 198.18.0.0/15 (RFC 2544's benchmarking range: never a real
 * party's address), 198.18.0.0/16 split into one block per country,
 * 198.19.0.0/24 the company's own egress; attackers also use 203.0.113.0/24.
 *
 * Who is active when: people with the same time zone and hours share a
 * schedule; for each UTC hour of the week a cumulative weight over the
 * schedules picks the person behind the next event in O(log n), with
 * memory that does not grow with the head count.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "err.h"
#include "sim.h"

const struct sim_country sim_countries[] = {
	{ "DE", "Germany", "Frankfurt am Main", "Hesse", 1, 50.1109, 8.6821, 3320, "Deutsche Telekom AG" },
	{ "US", "United States", "New York", "New York", -5, 40.7128, -74.0060, 7922, "Comcast Cable Communications" },
	{ "GB", "United Kingdom", "London", "England", 0, 51.5074, -0.1278, 2856, "British Telecommunications PLC" },
	{ "FR", "France", "Paris", "Ile-de-France", 1, 48.8566, 2.3522, 3215, "Orange S.A." },
	{ "NL", "Netherlands", "Amsterdam", "North Holland", 1, 52.3676, 4.9041, 1136, "KPN B.V." },
	{ "IN", "India", "Bengaluru", "Karnataka", 5, 12.9716, 77.5946, 24560, "Bharti Airtel Ltd." },
	{ "ES", "Spain", "Madrid", "Madrid", 1, 40.4168, -3.7038, 3352, "Telefonica de Espana" },
	{ "JP", "Japan", "Tokyo", "Tokyo", 9, 35.6762, 139.6503, 2516, "KDDI Corporation" },
	{ "SG", "Singapore", "Singapore", "Singapore", 8, 1.3521, 103.8198, 9506, "Singtel Fibre Broadband" },
	{ "BR", "Brazil", "Sao Paulo", "Sao Paulo", -3, -23.5505, -46.6333, 28573, "Claro NXT Telecomunicacoes" },
	{ "RU", "Russia", "Moscow", "Moscow", 3, 55.7558, 37.6173, 12389, "Rostelecom" },
	{ "NG", "Nigeria", "Lagos", "Lagos", 1, 6.5244, 3.3792, 29465, "MTN Nigeria" },
	{ "VN", "Vietnam", "Hanoi", "Hanoi", 7, 21.0278, 105.8342, 7552, "Viettel Group" },
	{ "RO", "Romania", "Bucharest", "Bucharest", 2, 44.4268, 26.1025, 8708, "RCS & RDS" },
};
const size_t sim_ncountries = sizeof sim_countries / sizeof sim_countries[0];
#define NHOME 7			/* people live in the first seven */
#define NTRAVEL 10		/* and travel to the first ten */

static const double home_share[NHOME] = { 55, 15, 10, 6, 5, 6, 3 };

static const char *const firsts[64] = {
	"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi",
	"ivan", "judy", "karl", "laura", "mallory", "nina", "oscar", "peggy",
	"quinn", "rupert", "sybil", "trent", "ursula", "victor", "wendy",
	"xavier", "yvonne", "zoe", "anna", "ben", "clara", "daniel", "eva",
	"felix", "greta", "hans", "ines", "jonas", "katrin", "lukas", "marie",
	"noah", "olivia", "paul", "rosa", "simon", "tina", "uwe", "vera",
	"walter", "yusuf", "zara", "amir", "bianca", "chen", "divya", "emre",
	"fatima", "gabriel", "hiro", "isabel", "jamal", "kenji", "leila",
	"mateo", "priya",
};
static const char *const lasts[64] = {
	"kim", "meyer", "schmidt", "novak", "garcia", "rossi", "dubois",
	"jansen", "smith", "patel", "tanaka", "silva", "weber", "fischer",
	"wagner", "becker", "hoffmann", "koch", "richter", "klein", "wolf",
	"neumann", "schwarz", "braun", "zimmermann", "kruger", "hartmann",
	"lange", "werner", "krause", "lehmann", "kohler", "martin", "bernard",
	"moreau", "laurent", "lopez", "santos", "costa", "nguyen", "tran",
	"singh", "sharma", "ito", "sato", "suzuki", "brown", "jones", "miller",
	"davis", "wilson", "taylor", "clark", "lewis", "walker", "hall",
	"young", "allen", "wright", "scott", "green", "baker", "adams", "hill",
};

struct dept {
	const char *name;
	double share;
	int cloud;		/* has AWS keys */
	double privileged;	/* share with admin rights */
};
static const struct dept depts[] = {
	{ "Engineering", 30, 1, 0.0 },
	{ "Sales", 15, 0, 0.0 },
	{ "Support", 14, 0, 0.0 },
	{ "Finance", 10, 0, 0.0 },
	{ "Marketing", 8, 0, 0.0 },
	{ "IT Operations", 9, 1, 0.6 },
	{ "HR", 5, 0, 0.0 },
	{ "Legal", 4, 0, 0.0 },
	{ "Security", 5, 1, 0.4 },
};
#define NDEPT (sizeof depts / sizeof depts[0])

struct server {
	const char *name;
	enum sim_host_role role;
	int windows, crit;
	const char *ip, *owner, *tags;
};
static const struct server servers[] = {
	{ "dc-01", ROLE_DC, 1, 95, "10.0.0.10", "infra-team", "domain-controller;crown-jewel" },
	{ "dc-02", ROLE_DC, 1, 95, "10.0.0.11", "infra-team", "domain-controller;crown-jewel" },
	{ "dns-01", ROLE_DNS, 0, 75, "10.0.0.53", "infra-team", "dns" },
	{ "dns-02", ROLE_DNS, 0, 75, "10.0.0.54", "infra-team", "dns" },
	{ "proxy-01", ROLE_PROXY, 0, 70, "10.0.0.80", "infra-team", "proxy" },
	{ "fs-01", ROLE_FILE, 1, 80, "10.0.1.20", "infra-team", "file-server" },
	{ "mail-01", ROLE_MAIL, 0, 75, "10.0.1.25", "infra-team", "mail" },
	{ "db-01", ROLE_DB, 0, 95, "10.0.1.30", "finance-it", "database;finance;crown-jewel" },
	{ "hr-app-01", ROLE_APP, 0, 85, "10.0.1.35", "hr-it", "application;hr;pii;crown-jewel" },
	{ "backup-01", ROLE_BACKUP, 0, 85, "10.0.1.40", "infra-team", "backup" },
	{ "build-01", ROLE_BUILD, 0, 70, "10.0.1.50", "platform-team", "build;ci" },
	{ "vuln-scan-01", ROLE_SCANNER, 0, 60, "10.0.1.60", "security-team", "scanner" },
	{ "vpn-gw-01", ROLE_VPN, 0, 80, "10.0.2.1", "infra-team", "vpn;dmz" },
	{ "bastion-01", ROLE_BASTION, 0, 80, "10.0.2.5", "infra-team", "bastion;ssh;dmz" },
	{ "web-01", ROLE_WEB, 0, 60, "10.0.2.10", "web-team", "web;dmz" },
	{ "web-02", ROLE_WEB, 0, 60, "10.0.2.11", "web-team", "web;dmz" },
};
#define NSERVERS (sizeof servers / sizeof servers[0])

/* A schedule: the people sharing a time zone and working hours. */
struct sim_sched {
	int tz, start, hours, night;
	size_t *who, n, cap;
};


void
sim_country_ip(struct sim_rng *r, int c, char out[16])
{
	unsigned x = 1 + (unsigned)sim_rng_below(r, 4094);

	snprintf(out, 16, "198.18.%u.%u", (unsigned)c * 16 + x / 256, x % 256);
}

/* A hash of two numbers, for facts that are the same whenever asked. */
static uint64_t
mix(uint64_t a, uint64_t b)
{
	uint64_t z = a * 0x9e3779b97f4a7c15ULL ^ (b + 0x632be59bd9b4e019ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

int
sim_weekday(int64_t ms)
{
	int64_t d = ms >= 0 ? ms / SIM_DAY_MS : (ms - SIM_DAY_MS + 1) / SIM_DAY_MS;

	return (int)(((d + 3) % 7 + 7) % 7);	/* 1970-01-01 was a Thursday */
}

/* The weight of a schedule at a UTC hour of the week (0 = Monday 00). */
static double
sched_weight(const struct sim_sched *s, int how)
{
	int h = how + s->tz, day, hour, in;

	h = ((h % 168) + 168) % 168;
	day = h / 24;
	hour = h % 24;
	if (s->night)
		in = hour >= 22 || hour < 6;
	else
		in = hour >= s->start && hour < s->start + s->hours;
	if (day >= 5)
		return in ? 0.05 : 0.01;
	if (in)
		return 1.0;
	if (!s->night && (hour == s->start - 1 || hour == s->start + s->hours))
		return 0.35;
	return hour >= 7 && hour < 23 ? 0.06 : 0.015;
}

static void
add_to_sched(struct sim_org *o, size_t who, int tz, int start, int hours, int night)
{
	struct sim_sched *s;
	size_t i;

	for (i = 0; i < o->nsched; i++) {
		s = &o->sched[i];
		if (s->tz == tz && s->start == start && s->hours == hours &&
		    s->night == night)
			goto found;
	}
	o->sched = soc_xrealloc(o->sched, (o->nsched + 1) * sizeof(*o->sched));
	s = &o->sched[o->nsched++];
	memset(s, 0, sizeof(*s));
	s->tz = tz;
	s->start = start;
	s->hours = hours;
	s->night = night;
found:
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->who = soc_xrealloc(s->who, s->cap * sizeof(*s->who));
	}
	s->who[s->n++] = who;
}

static struct sim_host *
new_host(struct sim_org *o, const char *name, enum sim_host_role role,
    int windows, int crit, const char *ip, const char *owner,
    const char *tags)
{
	struct sim_host *h = &o->hosts[o->nhosts++];

	snprintf(h->name, sizeof h->name, "%s", name);
	snprintf(h->fqdn, sizeof h->fqdn, "%s.corp.example", name);
	snprintf(h->ip, sizeof h->ip, "%s", ip);
	h->role = role;
	h->windows = windows;
	h->criticality = crit;
	h->owner = owner;
	h->tags = tags;
	h->user = -1;
	if (role != ROLE_WORKSTATION)
		h->agent = (int)(o->nhosts - o->nws);
	return h;
}

void
sim_access_key(struct sim_rng *r, char out[21])
{
	static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	int i;

	memcpy(out, "AKIA", 4);
	for (i = 4; i < 20; i++)
		out[i] = b32[sim_rng_below(r, 32)];
	out[20] = '\0';
}

static void
service(struct sim_org *o, struct sim_rng *r, const char *name,
    const char *full, int privileged, int cloud, int host)
{
	struct sim_user *u = &o->users[o->nusers++];

	memset(u, 0, sizeof(*u));
	snprintf(u->name, sizeof u->name, "%s", name);
	snprintf(u->full, sizeof u->full, "%s", full);
	sim_rng_uuid(r, u->id);
	snprintf(u->okta_id, sizeof u->okta_id, "00u");
	sim_rng_hex(r, u->okta_id + 3, 17);
	u->okta_id[20] = '\0';
	u->dept = "IT Operations";
	u->manager = -1;
	u->privileged = privileged;
	u->cloud = cloud;
	u->host = host;
	if (cloud)
		sim_access_key(r, u->key);
}

/* Person i: their name and ids, department and manager (the first
 * people head the departments), rights, home, hours, a trip perhaps, and
 * their workstation. */
static void
add_person(struct sim_org *o, struct sim_rng *r, size_t i, int days,
    double dshare[NDEPT], int head[NDEPT])
{
	struct sim_user *u = &o->users[i];
	struct sim_host *h;
	const struct dept *d;
	size_t f = (i + o->seed) % 64;
	size_t l = ((i / 64) * 65 + i + o->seed / 64) % 64, k;
	char name[32], ip[16];
	int trip;

	/* Distinct for the first 4096 (65 is prime to 64), then a number. */
	if (i < 4096)
		snprintf(u->name, sizeof u->name, "%s.%s", firsts[f], lasts[l]);
	else
		snprintf(u->name, sizeof u->name, "%s.%s%zu", firsts[f], lasts[l],
		    i / 4096);
	snprintf(u->full, sizeof u->full, "%c%s %c%s",
	    firsts[f][0] - 32, firsts[f] + 1, lasts[l][0] - 32, lasts[l] + 1);
	sim_rng_uuid(r, u->id);
	memcpy(u->okta_id, "00u", 3);
	sim_rng_hex(r, u->okta_id + 3, 17);
	u->okta_id[20] = '\0';
	/* The first people of the company head its departments. */
	k = i < NDEPT ? i : sim_rng_weighted(r, dshare, NDEPT);
	d = &depts[k];
	u->dept = d->name;
	if (head[k] < 0)
		head[k] = (int)i;
	u->manager = head[k] == (int)i ? (i ? 0 : -1) : head[k];
	u->privileged = sim_rng_chance(r, d->privileged) ||
	    (i == 5 /* the head of IT operations */);
	u->cloud = d->cloud;
	u->mfa = !sim_rng_chance(r, 0.04);
	u->country = (int)(i < NDEPT ? SIM_HQ :
	    sim_rng_weighted(r, home_share, NHOME));
	u->night_shift = strcmp(d->name, "Support") == 0 &&
	    sim_rng_chance(r, 0.2);
	u->start_hour = (int)sim_rng_range(r, 7, 10);
	u->hours = (int)sim_rng_range(r, 8, 10);
	sim_country_ip(r, u->country, u->home_ip);
	if (u->cloud)
		sim_access_key(r, u->key);
	u->apps = (unsigned)sim_rng_next(r);
	/* The same draws whatever the length of the run, so a run of
	 * other days (a warm-up before an evaluation) has the same
	 * people; a trip needs a run of two days or more. */
	trip = sim_rng_chance(r, days / 90.0 + 0.02);
	u->trip_day = (int)sim_rng_below(r, (uint64_t)days);
	u->trip_len = (int)sim_rng_range(r, 2, 6);
	if (!trip || days < 2)
		u->trip_len = 0;
	do
		u->trip_country = (int)sim_rng_below(r, NTRAVEL);
	while (u->trip_country == u->country);

	snprintf(name, sizeof name, "ws-%04zu", i + 1);
	/* 62,500 a /16 from 10.20.0.0: ten million fit below 10.181. */
	snprintf(ip, sizeof ip, "10.%u.%u.%u", (unsigned char)(20 + i / 62500),
	    (unsigned char)((i % 62500) / 250), (unsigned char)(i % 250 + 2));
	h = new_host(o, name, ROLE_WORKSTATION, 1, u->privileged ? 65 : 45,
	    ip, "desktop-team", u->privileged ? "workstation;admin" :
	    "workstation");
	h->user = (int)i;
	u->host = (int)(h - o->hosts);
	add_to_sched(o, i, sim_countries[u->country].tz, u->start_hour,
	    u->hours, u->night_shift);
}

/* The servers (each role noted where the generators find it) and napp
 * application servers. */
static void
add_servers(struct sim_org *o, size_t napp)
{
	size_t k;

	for (k = 0; k < NSERVERS; k++) {
		const struct server *s = &servers[k];
		int idx = (int)o->nhosts;

		new_host(o, s->name, s->role, s->windows, s->crit, s->ip, s->owner,
		    s->tags);
		switch (s->role) {
		case ROLE_DC: if (!o->dc) o->dc = idx; else o->dc2 = idx; break;
		case ROLE_DNS: if (!o->dns) o->dns = idx; else o->dns2 = idx; break;
		case ROLE_PROXY: o->proxy = idx; break;
		case ROLE_FILE: o->fs = idx; break;
		case ROLE_DB: o->db = idx; break;
		case ROLE_APP: o->hr = idx; break;
		case ROLE_BACKUP: o->backup = idx; break;
		case ROLE_BUILD: o->build = idx; break;
		case ROLE_SCANNER: o->scanner = idx; break;
		case ROLE_BASTION: o->bastion = idx; break;
		case ROLE_MAIL: o->mail = idx; break;
		case ROLE_VPN: o->vpn = idx; break;
		case ROLE_WEB: if (!o->web) o->web = idx; break;
		default: break;
		}
	}
	for (k = 0; k < napp; k++) {
		char name[32], ip[16];

		snprintf(name, sizeof name, "app-%02zu", k + 1);
		snprintf(ip, sizeof ip, "10.0.%u.%u", (unsigned char)(3 + k / 250),
		    (unsigned char)(k % 250 + 10));
		new_host(o, name, ROLE_APP, k % 3 == 0, 50, ip, "platform-team",
		    k % 3 == 0 ? "application;windows" : "application");
	}
}

void
sim_org_build(struct sim_org *o, uint64_t seed, size_t people, int64_t start,
    int days)
{
	struct sim_rng r;
	double dshare[NDEPT];
	int head[NDEPT];
	size_t i, k, nsrv, napp;
	int how;

	memset(o, 0, sizeof(*o));
	o->seed = seed;
	o->start = start;
	o->end = start + days * SIM_DAY_MS;
	o->days = days;
	sim_rng_seed(&r, seed ^ 0x6f7267616e697361ULL);
	snprintf(o->account_prod, sizeof o->account_prod, "%012llu",
	    (unsigned long long)(100000000000ULL + sim_rng_below(&r, 800000000000ULL)));
	snprintf(o->account_dev, sizeof o->account_dev, "%012llu",
	    (unsigned long long)(100000000000ULL + sim_rng_below(&r, 800000000000ULL)));

	napp = people / 100;
	if (napp > 200)
		napp = 200;
	nsrv = NSERVERS + napp;
	o->hosts = soc_xcalloc(people + nsrv, sizeof(*o->hosts));
	o->users = soc_xcalloc(people + 3, sizeof(*o->users));
	o->npeople = people;
	for (k = 0; k < NDEPT; k++) {
		dshare[k] = depts[k].share;
		head[k] = -1;
	}

	for (i = 0; i < people; i++)
		add_person(o, &r, i, days, dshare, head);
	o->nws = o->nhosts;

	add_servers(o, napp);

	o->nusers = people;
	o->svc_backup = (int)o->nusers;
	service(o, &r, "svc-backup", "Backup Service", 1, 1, o->backup);
	o->svc_deploy = (int)o->nusers;
	service(o, &r, "svc-deploy", "Deployment Pipeline", 1, 1, o->build);
	o->svc_scanner = (int)o->nusers;
	service(o, &r, "svc-scanner", "Vulnerability Scanner", 0, 0, o->scanner);

	for (how = 0; how < 168; how++) {
		double sum = 0;

		o->wcum[how] = soc_xcalloc(o->nsched ? o->nsched : 1, sizeof(double));
		for (k = 0; k < o->nsched; k++) {
			sum += sched_weight(&o->sched[k], how) * (double)o->sched[k].n;
			o->wcum[how][k] = sum;
		}
		o->wsum[how] = sum;
	}
}

void
sim_org_free(struct sim_org *o)
{
	size_t i;

	for (i = 0; i < 168; i++)
		free(o->wcum[i]);
	for (i = 0; i < o->nsched; i++)
		free(o->sched[i].who);
	free(o->sched);
	free(o->users);
	free(o->hosts);
}

int
sim_org_how(int64_t ms)
{
	return sim_weekday(ms) * 24 + (int)(((ms % SIM_DAY_MS) + SIM_DAY_MS) %
	    SIM_DAY_MS / SIM_HOUR_MS);
}

int
sim_org_pick_user(const struct sim_org *o, struct sim_rng *r, int64_t ms)
{
	int how = sim_org_how(ms);
	const double *c = o->wcum[how];
	double x;
	size_t lo = 0, hi = o->nsched;
	const struct sim_sched *s;

	if (o->wsum[how] <= 0 || !o->nsched)
		return -1;
	x = sim_rng_unit(r) * o->wsum[how];
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (c[mid] <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= o->nsched)
		lo = o->nsched - 1;
	s = &o->sched[lo];
	return (int)s->who[sim_rng_below(r, s->n)];
}

int
sim_user_country(const struct sim_org *o, const struct sim_user *u, int64_t ms)
{
	int day = (int)((ms - o->start) / SIM_DAY_MS);

	if (u->trip_len && day >= u->trip_day && day < u->trip_day + u->trip_len)
		return u->trip_country;
	return u->country;
}

int
sim_user_travelling(const struct sim_org *o, const struct sim_user *u,
    int64_t ms)
{
	return sim_user_country(o, u, ms) != u->country;
}

const char *
sim_user_egress(const struct sim_org *o, const struct sim_user *u, int64_t ms,
    char buf[16])
{
	int64_t day = (ms - o->start) / SIM_DAY_MS;
	uint64_t h = mix((uint64_t)(u - o->users), (uint64_t)day);
	int c = sim_user_country(o, u, ms);

	if (c != u->country) {
		/* A hotel: one address for the trip. */
		unsigned x = 1 + (unsigned)(mix((uint64_t)(u - o->users), 7) % 4094);

		snprintf(buf, 16, "198.18.%u.%u", (unsigned)c * 16 + x / 256, x % 256);
		return buf;
	}
	if (sim_weekday(ms) < 5 && h % 10 < 6) {
		/* The office of the person's country, behind its NAT. */
		snprintf(buf, 16, "198.19.0.%u", (unsigned char)(10 + u->country));
		return buf;
	}
	return u->home_ip;
}

/* --- the inventories ------------------------------------------------------ */

FILE *
sim_create(const char *dir, const char *name)
{
	char path[4096];
	FILE *fp;

	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
		soc_die(SOC_EX_USAGE, "'%s': path too long", dir);
	if (!(fp = fopen(path, "w")))
		soc_die_errno(SOC_EX_IOERR, "cannot create '%s'", path);
	return fp;
}

static void
finish(FILE *fp, const char *name)
{
	if (ferror(fp) | fclose(fp))
		soc_die_errno(SOC_EX_IOERR, "cannot write '%s'", name);
}

void
sim_org_write(const struct sim_org *o, const char *dir,
    const char *const *intel, size_t nintel)
{
	char path[4096];
	FILE *fp;
	size_t i;

	fp = sim_create(dir, "assets.csv");
	fprintf(fp, "host,ip,cidr,criticality,owner,tags\n");
	for (i = 0; i < o->nhosts; i++) {
		const struct sim_host *h = &o->hosts[i];

		fprintf(fp, "%s,%s,,%d,%s,%s\n", h->name, h->ip, h->criticality,
		    h->owner, h->tags);
	}
	finish(fp, "assets.csv");

	fp = sim_create(dir, "identities.csv");
	fprintf(fp, "user,privileged,department,manager,mfa,email\n");
	for (i = 0; i < o->nusers; i++) {
		const struct sim_user *u = &o->users[i];

		fprintf(fp, "%s,%s,%s,%s,%s,", u->name,
		    u->privileged ? "true" : "false", u->dept,
		    u->manager >= 0 ? o->users[u->manager].name : "",
		    u->mfa ? "true" : "false");
		if (i < o->npeople)
			fprintf(fp, "%s@corp.example", u->name);
		fputc('\n', fp);
	}
	finish(fp, "identities.csv");

	fp = sim_create(dir, "zones.csv");
	fprintf(fp, "cidr,zone\n10.0.0.0/24,core\n10.0.1.0/24,servers\n"
	    "10.0.2.0/24,dmz\n10.0.3.0/24,servers\n10.20.0.0/14,workstations\n"
	    "10.30.0.0/16,vpn\n198.19.0.0/24,corp-egress\n");
	finish(fp, "zones.csv");

	if ((size_t)snprintf(path, sizeof path, "%s/intel", dir) >= sizeof path)
		soc_die(SOC_EX_USAGE, "'%s': path too long", dir);
	if (mkdir(path, 0777) < 0 && errno != EEXIST)
		soc_die_errno(SOC_EX_IOERR, "cannot create '%s'", path);
	fp = sim_create(dir, "intel/feed.txt");
	fprintf(fp, "# soc-simulate threat feed, seed %llu: addresses and domains\n"
	    "# reported as malicious (some campaigns' infrastructure, and\n"
	    "# internet scanners that knock on every door)\n",
	    (unsigned long long)o->seed);
	for (i = 0; i < nintel; i++)
		fprintf(fp, "%s\n", intel[i]);
	finish(fp, "intel/feed.txt");
}
