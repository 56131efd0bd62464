/*
 * formats.c: soc-ingest's format registry.
 *
 * The list is in detection order: where two formats are equally sure of
 * an event, the one listed first wins, so the specific come before the
 * generic (ECS pass-through last).  References are weak so a format file
 * that is absent from a build leaves a NULL slot rather than a link
 * error; every format of the man page is present in a release build and
 * a test checks --list-formats against the man page.
 */
#include <string.h>

#include "err.h"
#include "ingest.h"

#define F(n) extern const struct ing_format ing_fmt_##n __attribute__((weak));
F(suricata_eve) F(suricata_fast) F(zeek) F(wazuh) F(windows) F(windows_xml)
F(cloudtrail) F(guardduty) F(asff)
F(graph_alert) F(defender_incident)
F(crowdstrike) F(crowdstrike_fdr) F(mde)
F(elastic_alert) F(cef) F(leef) F(auditd) F(kv) F(syslog)
F(csv) F(json_map) F(ecs) F(generic)
#undef F

static const struct ing_format *const formats[] = {
	&ing_fmt_suricata_eve, &ing_fmt_suricata_fast, &ing_fmt_zeek,
	&ing_fmt_wazuh, &ing_fmt_windows, &ing_fmt_windows_xml,
	&ing_fmt_cloudtrail, &ing_fmt_guardduty, &ing_fmt_asff,
	&ing_fmt_graph_alert, &ing_fmt_defender_incident,
	&ing_fmt_crowdstrike, &ing_fmt_crowdstrike_fdr,
	&ing_fmt_mde,
	&ing_fmt_elastic_alert, &ing_fmt_cef, &ing_fmt_leef, &ing_fmt_auditd, &ing_fmt_kv,
	&ing_fmt_syslog,
	&ing_fmt_csv, &ing_fmt_json_map, &ing_fmt_ecs, &ing_fmt_generic,
};

/* With mapping files: the list above with theirs before csv. */
static struct {
	const struct ing_format **v;
	size_t n;
} all;

void
ing_format_add(const struct ing_format *f)
{
	size_t i, at;

	if (!all.v) {
		all.n = sizeof formats / sizeof formats[0];
		all.v = soc_xcalloc(all.n, sizeof *all.v);
		memcpy(all.v, formats, sizeof formats);
	}
	for (i = 0; i < all.n; i++)
		if (all.v[i] && all.v[i]->rules &&
		    strcmp(all.v[i]->name, f->name) == 0) {
			all.v[i] = f;
			return;
		}
	for (at = 0; at < all.n && !(all.v[at] &&
	    strcmp(all.v[at]->name, "csv") == 0); at++)
		;
	all.v = soc_xrealloc(all.v, (all.n + 1) * sizeof *all.v);
	memmove(all.v + at + 1, all.v + at, (all.n - at) * sizeof *all.v);
	all.v[at] = f;
	all.n++;
}

size_t
ing_nformats(void)
{
	return all.v ? all.n : sizeof formats / sizeof formats[0];
}

const struct ing_format *
ing_format_at(size_t i)
{
	if (all.v)
		return i < all.n ? all.v[i] : NULL;
	return i < ing_nformats() ? formats[i] : NULL;
}

const struct ing_format *
ing_format_find(const char *name)
{
	size_t i;

	for (i = 0; i < ing_nformats(); i++)
		if (ing_format_at(i) && strcmp(ing_format_at(i)->name, name) == 0)
			return ing_format_at(i);
	return NULL;
}
