/*
 * cli.h: what the files of soc-audit share: the parsed command line (g,
 * defined in main.c) and the helpers and verbs one file gives another.
 */
#ifndef SOC_AUDIT_CLI_H
#define SOC_AUDIT_CLI_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "audit.h"
#include "opt.h"

/* append: entries committed in one write and one sync at most. */
#define BATCH_MAX 4096
#define BATCH_BYTES ((size_t)8 << 20)

struct audit_cli {
	struct soc_opts o;
	const char *log, *key, *origin, *out, *kind, *pin, *grep, *reason;
	const char *newkey;
	const char *vkeys[SOC_AUDIT_MAX_KEYS];
	size_t nvkeys;
	int strict, json, follow;
	int64_t from, to, index, old, batch;
	int has_index, has_old;
	char *logdir, *keyfile, *vkeyfile;	/* resolved */
};


extern struct audit_cli g;

/* Map a library result to an exit status, after saying why. */
int lib_status(int rc);
/* Load every vkey line of every --vkey file (or the default keyring). */
void load_keyring(struct soc_audit_verify_opts *vo);

int cmd_append(void);
int cmd_verify(void);
int cmd_show(void);
int cmd_proof(int consistency);
int cmd_verify_proof(const char *file);
int cmd_stats(void);
/* stats_table.c: the figures of stats (borrowed) as a table on stdout. */
void stats_table(const json_t *f);

#endif
