/*
 * audit_key: the signing keys of the audit log (load, generate); see
 * audit.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "audit.h"
#include "audit_int.h"
#include "clock.h"
#include "err.h"
#include "state.h"

/* ---- keys ---- */

int
soc_audit_key_load(const char *path, struct soc_note_skey *k, char **err)
{
	struct stat st;
	char buf[512];
	ssize_t n;
	size_t len = 0;
	int fd, rc;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno == ELOOP) {
			soc_audit_set_err(err, "key '%s' is a symbolic link: refused", path);
			return SOC_AUDIT_E_KEYPERM;
		}
		soc_audit_set_err(err, "cannot open key '%s': %s", path, strerror(errno));
		return errno == EACCES ? SOC_AUDIT_E_KEYPERM : SOC_AUDIT_E_KEY;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		soc_audit_set_err(err, "key '%s' is not a regular file: refused", path);
		return SOC_AUDIT_E_KEYPERM;
	}
	/* ssh's rule: only the owner (and at most group read) */
	if (st.st_mode & (S_IWGRP | S_IXGRP | S_IRWXO)) {
		close(fd);
		soc_audit_set_err(err, "key '%s' has permissions %04o, too open "
		    "(chmod 600): refused", path, (unsigned)(st.st_mode & 07777));
		return SOC_AUDIT_E_KEYPERM;
	}
	if (st.st_uid != geteuid() && st.st_uid != 0) {
		close(fd);
		soc_audit_set_err(err, "key '%s' is owned by uid %u, not by us: refused",
		    path, (unsigned)st.st_uid);
		return SOC_AUDIT_E_KEYPERM;
	}
	while (len < sizeof buf) {
		n = read(fd, buf + len, sizeof buf - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	rc = soc_note_skey_parse(buf, len, k);
	sodium_memzero(buf, sizeof buf);
	if (rc != 0) {
		soc_audit_set_err(err, "key '%s' is not a private key", path);
		return SOC_AUDIT_E_KEY;
	}
	return 0;
}

static char *
dirname_of(const char *path)
{
	const char *s = strrchr(path, '/');

	if (!s)
		return soc_xstrdup(".");
	if (s == path)
		return soc_xstrdup("/");
	return soc_xstrndup(path, (size_t)(s - path));
}

static void
random_origin(char *out, size_t n)
{
	char host[256], clean[64];
	unsigned char r[4];
	size_t i, j = 0;

	if (gethostname(host, sizeof host) != 0)
		host[0] = '\0';
	host[sizeof host - 1] = '\0';
	for (i = 0; host[i] && j < sizeof clean - 1; i++) {
		char c = host[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '-')
			clean[j++] = c;
	}
	clean[j] = '\0';
	randombytes_buf(r, sizeof r);
	snprintf(out, n, "socpipe.local/audit/%s%s%02x%02x%02x%02x",
	    clean, j ? "-" : "", r[0], r[1], r[2], r[3]);
}

/* The folder of file, created (0700) if missing; 0 or -1 with *err. */
static int
make_dir_of(const char *file, char **err)
{
	char *d = dirname_of(file);
	int rc = soc_mkdirs(d, 0700);

	if (rc != 0)
		soc_audit_set_err(err, "cannot create '%s': %s", d, strerror(errno));
	free(d);
	return rc != 0 ? -1 : 0;
}

int
soc_audit_keygen(const char *keyfile, const char *vkeyfile,
    const char *origin, char **err)
{
	struct soc_note_skey *k;
	struct soc_note_vkey v;
	struct soc_buf b = SOC_BUF_INIT;
	unsigned char seed[32];
	char name[SOC_NOTE_MAX_NAME + 1];
	int fd, rc = SOC_AUDIT_E_IO;

	if (soc_note_init(), !origin) {
		random_origin(name, sizeof name);
		origin = name;
	}
	if (!soc_note_name_ok(origin, strlen(origin))) {
		soc_audit_set_err(err, "bad origin '%s': printable ASCII, no space or '+'",
		    origin);
		return SOC_AUDIT_E_USAGE;
	}
	if (access(vkeyfile, F_OK) == 0 || access(keyfile, F_OK) == 0 ||
	    errno != ENOENT) {
		soc_audit_set_err(err, "key '%s' or '%s' already exists", keyfile, vkeyfile);
		return SOC_AUDIT_E_EXISTS;
	}
	if (make_dir_of(keyfile, err) != 0 || make_dir_of(vkeyfile, err) != 0)
		return SOC_AUDIT_E_IO;
	k = sodium_malloc(sizeof *k);
	if (!k)
		soc_die(SOC_EX_SOFTWARE, "out of memory");
	randombytes_buf(seed, sizeof seed);
	soc_note_skey_from_seed(origin, seed, k);
	sodium_memzero(seed, sizeof seed);
	fd = open(keyfile, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		soc_audit_set_err(err, "cannot create key '%s': %s", keyfile, strerror(errno));
		rc = errno == EEXIST ? SOC_AUDIT_E_EXISTS : SOC_AUDIT_E_IO;
		goto out;
	}
	soc_note_skey_format(k, &b);
	soc_buf_addch(&b, '\n');
	if (fchmod(fd, 0600) != 0 || soc_audit_write_all(fd, b.p, b.len) != 0 ||
	    fsync(fd) != 0) {
		soc_audit_set_err(err, "cannot write key '%s': %s", keyfile, strerror(errno));
		close(fd);
		unlink(keyfile);
		goto out;
	}
	close(fd);
	sodium_memzero(b.p, b.len);
	soc_buf_reset(&b);
	soc_note_skey_public(k, &v);
	soc_note_vkey_format(&v, &b);
	soc_buf_addch(&b, '\n');
	fd = open(vkeyfile, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || soc_audit_write_all(fd, b.p, b.len) != 0 || fsync(fd) != 0) {
		soc_audit_set_err(err, "cannot write '%s': %s", vkeyfile, strerror(errno));
		if (fd >= 0)
			close(fd);
		goto out;
	}
	close(fd);
	rc = 0;
out:
	if (b.p)
		sodium_memzero(b.p, b.len);
	soc_buf_release(&b);
	sodium_free(k);
	return rc;
}

/* Rotation: the entry that names both keys, co-signed (audit.h). */
int
soc_audit_rotate(struct soc_audit *a, const struct soc_note_skey *newkey,
    const char *reason, struct soc_audit_receipt *r)
{
	struct soc_note_vkey ov, nv;
	struct soc_buf b1 = SOC_BUF_INIT, b2 = SOC_BUF_INIT;
	struct soc_audit_entry e;
	struct soc_note_skey *nk;
	json_t *d;
	int rc;

	if (strcmp(newkey->name, a->key->name) != 0) {
		soc_audit_seterr(a, "the new key must have the log's name '%s'", a->key->name);
		return SOC_AUDIT_E_USAGE;
	}
	soc_note_skey_public(a->key, &ov);
	soc_note_skey_public(newkey, &nv);
	soc_note_vkey_format(&ov, &b1);
	soc_note_vkey_format(&nv, &b2);
	d = json_pack("{s:s,s:s,s:s}", "new_vkey", b2.p, "old_vkey", b1.p,
	    "reason", reason ? reason : "scheduled");
	soc_buf_release(&b1);
	soc_buf_release(&b2);
	if (!d || soc_audit_profile_check(d, &(const char *){ NULL }) != 0) {
		json_decref(d);
		soc_audit_seterr(a, "bad rotation reason");
		return SOC_AUDIT_E_PROFILE;
	}
	memset(&e, 0, sizeof e);
	e.kind = "key_rotation";
	e.data = d;
	e.refs = NULL;
	e.nrefs = 0;
	nk = sodium_malloc(sizeof *nk);
	if (!nk)
		soc_die(SOC_EX_SOFTWARE, "out of memory");
	*nk = *newkey;
	/*
	 * The checkpoint that covers the rotation entry is signed by both
	 * keys (the old one vouches for the new one; verifiers that know only
	 * one still verify it); every later one by the new key alone.
	 */
	a->cosign = nk;
	rc = soc_audit_append_entries(a, &e, 1, r, 1);
	a->cosign = NULL;
	json_decref(d);
	if (rc != 0) {
		sodium_free(nk);
		return rc;
	}
	sodium_free(a->key);
	a->key = nk;
	return 0;
}
