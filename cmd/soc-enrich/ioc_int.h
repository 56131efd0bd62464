/*
 * ioc_int: what the intel file parsers share (ioc_list.c: lists and the
 * dispatch; ioc_feed.c: STIX bundles and MISP events).
 */
#ifndef ENRICH_IOC_INT_H
#define ENRICH_IOC_INT_H

#include "buf.h"
#include "ioc.h"
#include "json.h"

/* Defaults when a file gives no confidence of its own. */
#define CONF_STIX	70
#define CONF_MISP_IDS	75
#define CONF_MISP_NOIDS	30
#define CONF_LIST	50

/* One file being parsed: its name and bytes, the callback, the counts,
 * and scratch buffers. */
struct pctx {
	const char *name, *data;
	soc_ioc_cb cb;
	void *arg;
	struct soc_ioc_stats *st;
	struct soc_buf s, norm, labels;
};

/* A STIX 2.x bundle (or array of objects) or a MISP event (or array or
 * response of events) at root: its indicators to pc->cb.  0, or -1 when
 * it is neither (reported). */
int ioc_json_doc(struct pctx *pc, const struct soc_span *root);

#endif
