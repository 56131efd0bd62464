/*
 * soc-audit: the signed, append-only audit log from the command line.
 *
 * Reads: NDJSON on stdin for `append` (one entry per line), the log
 * directory (audit.log, checkpoint, checkpoints.log), key files.
 * Writes: receipts ({"leaf":...,"seq":N}) for `append`, entries for
 * `show`, a SOC's figures for `stats`, proofs in the C2SP formats for `prove` and `consistency`, a
 * verdict for `verify` (human or --json).
 * Decides: nothing about the entries; every rule lives in common/audit*.c
 * so that soc-act, soc-decide and soc-score append through the same code.
 *
 * The default log is DIR/audit and the default key DIR/keys/audit.key in
 * the state directory (--state, $SOC_HOME, ...), so
 * `soc-audit init && ... | soc-audit append && soc-audit verify` needs no
 * flags.  Secrets are never printed: keygen prints the vkey only.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "audit.h"
#include "buf.h"
#include "err.h"
#include "note.h"
#include "opt.h"
#include "state.h"
#include "cli.h"

enum {
	OPT_LOG = 0x200, OPT_KEY, OPT_VKEY, OPT_ORIGIN, OPT_OUT, OPT_KIND,
	OPT_PIN, OPT_STRICT, OPT_JSON, OPT_FOLLOW, OPT_FROM, OPT_TO, OPT_GREP,
	OPT_INDEX, OPT_OLD, OPT_REASON, OPT_NEWKEY, OPT_BATCH,
};

static const struct option longopts[] = {
	{ "log", required_argument, NULL, OPT_LOG },
	{ "key", required_argument, NULL, OPT_KEY },
	{ "vkey", required_argument, NULL, OPT_VKEY },
	{ "origin", required_argument, NULL, OPT_ORIGIN },
	{ "out", required_argument, NULL, OPT_OUT },
	{ "kind", required_argument, NULL, OPT_KIND },
	{ "pin", required_argument, NULL, OPT_PIN },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "follow-rotations", no_argument, NULL, OPT_FOLLOW },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "to", required_argument, NULL, OPT_TO },
	{ "grep", required_argument, NULL, OPT_GREP },
	{ "index", required_argument, NULL, OPT_INDEX },
	{ "old", required_argument, NULL, OPT_OLD },
	{ "reason", required_argument, NULL, OPT_REASON },
	{ "new-key", required_argument, NULL, OPT_NEWKEY },
	{ "batch", required_argument, NULL, OPT_BATCH },
	SOC_OPT_LONG
};

struct audit_cli g;

static void
usage(int status)
{
	FILE *f = status ? stderr : stdout;

	fprintf(f,
	    "usage: soc-audit init [--log dir] [--origin name] [--key file] [--vkey file]\n"
	    "       soc-audit keygen --origin name [--out prefix]\n"
	    "       soc-audit append [--log dir] [--key file] [--kind kind] [--batch n]\n"
	    "       soc-audit verify [--log dir] [--vkey file ...] [--origin name]\n"
	    "                        [--pin file] [--strict] [--json] [--follow-rotations]\n"
	    "       soc-audit show [--log dir] [--from n] [--to n] [--kind kind]\n"
	    "                      [--grep text]\n"
	    "       soc-audit prove --index k [--log dir]\n"
	    "       soc-audit consistency --old m [--log dir]\n"
	    "       soc-audit verify-proof [--vkey file ...] [file]\n"
	    "       soc-audit rotate-key [--log dir] [--key file] [--vkey file]\n"
	    "                            [--new-key file] [--reason text]\n"
	    "       soc-audit stats [--log dir] [--json]\n"
	    "\n"
	    "       Every form also takes [--state dir] [--rejects file]\n"
	    "       [--max-line bytes] [-h | --help] [-V | --version].\n");
	exit(status);
}

/* Map a library result to an exit status, after saying why. */
int
lib_status(int rc)
{
	switch (rc) {
	case SOC_AUDIT_OK: return SOC_EX_OK;
	case SOC_AUDIT_E_TAMPERED: return SOC_EX_NEGATIVE;
	case SOC_AUDIT_E_PROFILE: return SOC_EX_DATAERR;
	case SOC_AUDIT_E_KEYPERM: return SOC_EX_NOPERM;
	case SOC_AUDIT_E_KEY: return SOC_EX_CONFIG;
	case SOC_AUDIT_E_LOCK: return SOC_EX_TEMPFAIL;
	case SOC_AUDIT_E_NOLOG: return SOC_EX_NOINPUT;
	case SOC_AUDIT_E_EXISTS: return SOC_EX_USAGE;
	case SOC_AUDIT_E_USAGE: return SOC_EX_USAGE;
	default: return SOC_EX_IOERR;
	}
}

static void
resolve_paths(void)
{
	g.logdir = g.log ? soc_xstrdup(g.log) : soc_audit_default_log(g.o.state);
	g.keyfile = g.key ? soc_xstrdup(g.key) : soc_audit_default_key(g.o.state);
	g.vkeyfile = g.nvkeys ? soc_xstrdup(g.vkeys[0]) :
	    soc_audit_default_vkey(g.o.state);
}

/* Load every vkey line of every --vkey file (or the default keyring). */
void
load_keyring(struct soc_audit_verify_opts *vo)
{
	const char *files[SOC_AUDIT_MAX_KEYS];
	size_t nf = g.nvkeys, i;

	if (nf == 0) {
		files[0] = g.vkeyfile;
		nf = 1;
	} else {
		memcpy(files, g.vkeys, nf * sizeof files[0]);
	}
	for (i = 0; i < nf; i++) {
		struct soc_buf b = SOC_BUF_INIT;
		char *p, *nl;
		FILE *f = fopen(files[i], "r");
		char tmp[4096];
		size_t n;

		if (!f)
			soc_die_errno(errno == ENOENT ? SOC_EX_USAGE : SOC_EX_NOINPUT,
			    "cannot open vkey '%s'%s", files[i], errno == ENOENT &&
			    !g.nvkeys ? " (run soc-audit init, or give --vkey)" : "");
		while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
			if (soc_buf_add(&b, tmp, n) != 0)
				soc_die(SOC_EX_USAGE, "vkey '%s' is too large", files[i]);
		fclose(f);
		for (p = b.p; p && *p; p = nl + 1) {
			nl = strchr(p, '\n');
			if (!nl)
				nl = p + strlen(p);
			if (nl > p && nl[-1] == '\r')
				soc_die(SOC_EX_USAGE, "vkey '%s' has CRLF line ends", files[i]);
			if (nl > p) {
				if (vo->nkeys == SOC_AUDIT_MAX_KEYS)
					soc_die(SOC_EX_USAGE, "more than %d keys",
					    SOC_AUDIT_MAX_KEYS);
				if (soc_note_vkey_parse(p, (size_t)(nl - p),
				    &vo->keys[vo->nkeys]) != 0)
					soc_die(SOC_EX_USAGE, "'%s' holds a malformed vkey",
					    files[i]);
				vo->nkeys++;
			}
			if (!*nl)
				break;
		}
		soc_buf_release(&b);
	}
	if (vo->nkeys == 0)
		soc_die(SOC_EX_USAGE, "no verification key given");
}

static int
cmd_keygen(void)
{
	char *prefix, *k, *v, *err = NULL;
	struct soc_buf b = SOC_BUF_INIT;
	int rc;

	if (!g.origin)
		soc_die(SOC_EX_USAGE, "keygen needs --origin NAME");
	prefix = g.out ? soc_xstrdup(g.out) : NULL;
	if (!prefix) {
		char *d = soc_state_dir(g.o.state);

		prefix = soc_state_file(d, "keys/audit");
		free(d);
	}
	k = soc_xasprintf("%s.key", prefix);
	v = soc_xasprintf("%s.vkey", prefix);
	rc = soc_audit_keygen(k, v, g.origin, &err);
	if (rc != 0)
		soc_die(lib_status(rc), "%s", err);
	if (soc_audit_read_vkey_line(v, &b) == 0)
		printf("%s\n", b.p);
	soc_buf_release(&b);
	free(k);
	free(v);
	free(prefix);
	return 0;
}

static int
cmd_init(void)
{
	char *err = NULL, *d;
	struct soc_buf b = SOC_BUF_INIT;
	int rc;

	d = soc_state_dir(g.o.state);	/* created 0700 */
	free(d);
	rc = soc_audit_create(g.logdir, g.keyfile, g.vkeyfile, g.origin, &err);
	if (rc != 0)
		soc_die(lib_status(rc), "%s", err);
	if (soc_audit_read_vkey_line(g.vkeyfile, &b) == 0)
		printf("log %s\nvkey %s\n", g.logdir, b.p);
	else
		printf("log %s\n", g.logdir);
	soc_buf_release(&b);
	return 0;
}

static int
cmd_rotate(void)
{
	struct soc_audit *a;
	struct soc_note_skey *nk = sodium_malloc(sizeof *nk);
	struct soc_note_vkey nv;
	struct soc_audit_receipt r;
	struct soc_buf b = SOC_BUF_INIT;
	char *err = NULL, *tmpkey = NULL;
	int rc, fd;

	if (!nk)
		soc_die(SOC_EX_SOFTWARE, "out of memory");
	rc = soc_audit_open(&a, g.logdir, g.keyfile, &err);
	if (rc != 0)
		soc_die(lib_status(rc), "%s", err);
	if (g.newkey) {
		rc = soc_audit_key_load(g.newkey, nk, &err);
		if (rc != 0)
			soc_die(lib_status(rc), "%s", err);
	} else {
		/* a fresh key beside the old one, swapped in once the log
		 * vouches for it */
		char *tmpv;
		const char *name = soc_audit_key_name(a);

		tmpkey = soc_xasprintf("%s.new", g.keyfile);
		tmpv = soc_xasprintf("%s.new.vkey", g.keyfile);
		unlink(tmpv);
		rc = soc_audit_keygen(tmpkey, tmpv, name, &err);
		unlink(tmpv);
		free(tmpv);
		if (rc != 0)
			soc_die(lib_status(rc), "%s", err);
		rc = soc_audit_key_load(tmpkey, nk, &err);
		if (rc != 0)
			soc_die(lib_status(rc), "%s", err);
	}
	rc = soc_audit_rotate(a, nk, g.reason, &r);
	if (rc != 0) {
		if (tmpkey)
			unlink(tmpkey);
		soc_die(lib_status(rc), "%s", soc_audit_error(a));
	}
	soc_note_skey_public(nk, &nv);
	sodium_free(nk);
	soc_audit_close(a);
	if (tmpkey) {
		/* overwrite the retired key before it goes */
		fd = open(g.keyfile, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0) {
			struct stat st;
			char z[512];

			memset(z, 0, sizeof z);
			if (fstat(fd, &st) == 0 && st.st_size <= (off_t)sizeof z)
				(void)!write(fd, z, (size_t)st.st_size);
			fsync(fd);
			close(fd);
		}
		if (rename(tmpkey, g.keyfile) != 0)
			soc_die_errno(SOC_EX_IOERR, "cannot move '%s' to '%s' (the log "
			    "already uses the new key)", tmpkey, g.keyfile);
		free(tmpkey);
	}
	/* publish: the new vkey joins the keyring file */
	soc_note_vkey_format(&nv, &b);
	soc_buf_addch(&b, '\n');
	fd = open(g.vkeyfile, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0644);
	if (fd < 0 || write(fd, b.p, b.len) != (ssize_t)b.len || fsync(fd) != 0)
		soc_die_errno(SOC_EX_IOERR, "cannot add the new vkey to '%s'",
		    g.vkeyfile);
	close(fd);
	printf("%.*s", (int)b.len, b.p);
	soc_buf_release(&b);
	return 0;
}

/* The options into g (the verb is the first operand; options may come
 * before or after it). */
static void
parse_opts(int argc, char **argv)
{
	int c;

	while ((c = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_LOG: g.log = optarg; break;
		case OPT_KEY: g.key = optarg; break;
		case OPT_VKEY:
			if (g.nvkeys == SOC_AUDIT_MAX_KEYS)
				soc_die(SOC_EX_USAGE, "too many --vkey");
			g.vkeys[g.nvkeys++] = optarg;
			break;
		case OPT_ORIGIN: g.origin = optarg; break;
		case OPT_OUT: g.out = optarg; break;
		case OPT_KIND: g.kind = optarg; break;
		case OPT_PIN: g.pin = optarg; break;
		case OPT_STRICT: g.strict = 1; break;
		case OPT_JSON: g.json = 1; break;
		case OPT_FOLLOW: g.follow = 1; break;
		case OPT_GREP: g.grep = optarg; break;
		case OPT_REASON: g.reason = optarg; break;
		case OPT_NEWKEY: g.newkey = optarg; break;
		case OPT_FROM:
		case OPT_TO:
		case OPT_INDEX:
		case OPT_OLD:
		case OPT_BATCH: {
			int64_t v;

			if (soc_parse_i64(optarg, 0, INT64_MAX, &v) != 0) {
				soc_warn("not a number: '%s'", optarg);
				usage(SOC_EX_USAGE);
			}
			if (c == OPT_FROM) g.from = v;
			else if (c == OPT_TO) g.to = v;
			else if (c == OPT_INDEX) { g.index = v; g.has_index = 1; }
			else if (c == OPT_OLD) { g.old = v; g.has_old = 1; }
			else if (v < 1 || v > BATCH_MAX) {
				soc_warn("--batch: from 1 to %d", BATCH_MAX);
				usage(SOC_EX_USAGE);
			} else g.batch = v;
			break;
		}
		case SOC_OPT_CONFIG:
			soc_warn("--config: soc-audit has no configuration file");
			usage(SOC_EX_USAGE);
			break;
		default:
			if (!soc_opt_common(c, optarg, &g.o, usage))
				usage(SOC_EX_USAGE);
		}
	}
}

int
main(int argc, char **argv)
{
	const char *verb;

	/* RLIMIT_FSIZE must fail a write with EFBIG, not kill us */
	signal(SIGXFSZ, SIG_IGN);
	if (sodium_init() < 0)
		soc_die(SOC_EX_SOFTWARE, "cannot initialise libsodium");
	soc_opts_init(&g.o);
	g.from = 0;
	g.to = -1;
	parse_opts(argc, argv);
	if (optind >= argc)
		usage(SOC_EX_USAGE);
	verb = argv[optind++];
	if (optind != argc && strcmp(verb, "verify-proof") != 0) {
		soc_warn("unexpected argument '%s'", argv[optind]);
		usage(SOC_EX_USAGE);
	}
	if (g.kind && strcmp(verb, "append") != 0 && strcmp(verb, "show") != 0)
		usage(SOC_EX_USAGE);
	resolve_paths();
	if (strcmp(verb, "init") == 0)
		return cmd_init();
	if (strcmp(verb, "keygen") == 0)
		return cmd_keygen();
	if (strcmp(verb, "append") == 0)
		return cmd_append();
	if (strcmp(verb, "verify") == 0)
		return cmd_verify();
	if (strcmp(verb, "show") == 0)
		return cmd_show();
	if (strcmp(verb, "prove") == 0)
		return cmd_proof(0);
	if (strcmp(verb, "consistency") == 0)
		return cmd_proof(1);
	if (strcmp(verb, "verify-proof") == 0)
		return cmd_verify_proof(optind < argc ? argv[optind] : NULL);
	if (strcmp(verb, "rotate-key") == 0)
		return cmd_rotate();
	if (strcmp(verb, "stats") == 0)
		return cmd_stats();
	soc_warn("unknown command '%s'", verb);
	usage(SOC_EX_USAGE);
}
