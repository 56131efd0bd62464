/* db: see db.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "err.h"

static _Noreturn void
db_die(struct soc_db *db, int rc, const char *what)
{
	int code = (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED ?
	    SOC_EX_TEMPFAIL : SOC_EX_IOERR;

	soc_die(code, "%s '%s': %s", what, db->path,
	    db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
}

void
soc_db_exec(struct soc_db *db, const char *sql)
{
	int rc = sqlite3_exec(db->h, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		db_die(db, rc, "database error in");
}

sqlite3_stmt *
soc_db_prepare(struct soc_db *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &st, NULL);

	if (rc != SQLITE_OK) {
		if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
			db_die(db, rc, "database busy:");
		soc_bug("cannot prepare '%s': %s", sql, sqlite3_errmsg(db->h));
	}
	return st;
}

int
soc_db_step(struct soc_db *db, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		db_die(db, rc, "database error in");
	return rc;
}

int
soc_db_version(struct soc_db *db)
{
	sqlite3_stmt *st = soc_db_prepare(db, "PRAGMA user_version");
	int v = 0;

	if (soc_db_step(db, st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

int
soc_db_contract(struct soc_db *db)
{
	sqlite3_stmt *st = soc_db_try_prepare(db,
	    "SELECT v FROM meta WHERE k = 'contract'");
	int v = -1;

	if (!st)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) == SQLITE_INTEGER)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void
defensive(struct soc_db *db)
{
	sqlite3_extended_result_codes(db->h, 1);
	sqlite3_busy_timeout(db->h, 5000);
	/* Defensive: no writes to the schema through PRAGMA or shadow tables,
	 * no double-quoted string literals, no untrusted schema. */
	sqlite3_db_config(db->h, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(db->h, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_db_config(db->h, SQLITE_DBCONFIG_DQS_DDL, 0, NULL);
	sqlite3_db_config(db->h, SQLITE_DBCONFIG_DQS_DML, 0, NULL);
	sqlite3_db_config(db->h, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
}

/*
 * A program's database holds what it learned from the alerts (entities,
 * verdicts, cached lookups): it is created 0600 by us, not 0644 by
 * SQLite, and SQLite gives its -wal and -shm files the database's mode.
 * A database an older version left readable by others is narrowed.
 */
static void
create_private(struct soc_db *db)
{
	struct stat st;
	int fd = open(db->path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0600);

	if (fd < 0)
		return;		/* sqlite3_open_v2 says why, with its own words */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_uid == geteuid() && (st.st_mode & 077) &&
	    fchmod(fd, st.st_mode & 0700) != 0)
		soc_warn("cannot narrow the mode of '%s': %s", db->path,
		    strerror(errno));
	close(fd);
}

void
soc_db_open(struct soc_db *db, const char *path,
    const char *const *migrations, int nmigrations)
{
	soc_db_open_paged(db, path, migrations, nmigrations, 0);
}

void
soc_db_open_paged(struct soc_db *db, const char *path,
    const char *const *migrations, int nmigrations, int page_size)
{
	int rc, v;
	char pragma[64];

	db->h = NULL;
	db->path = soc_xstrdup(path);
	create_private(db);
	rc = sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW, NULL);
	if (rc != SQLITE_OK)
		db_die(db, rc, "cannot open database");
	defensive(db);
	/* Before WAL, which writes the header of a new file: the page size
	 * of an existing file stays (only VACUUM outside WAL changes it). */
	if (page_size) {
		snprintf(pragma, sizeof pragma, "PRAGMA page_size=%d", page_size);
		soc_db_exec(db, pragma);
	}
	soc_db_exec(db, "PRAGMA journal_mode=WAL");
	soc_db_exec(db, "PRAGMA synchronous=NORMAL");
	soc_db_exec(db, "PRAGMA foreign_keys=ON");

	v = soc_db_version(db);
	if (v > nmigrations)
		soc_die(SOC_EX_CONFIG, "database '%s' has schema version %d, newer "
		    "than this program knows (%d)", path, v, nmigrations);
	for (; v < nmigrations; v++) {
		soc_db_exec(db, "BEGIN IMMEDIATE");
		/* Another process may have migrated while we waited. */
		if (soc_db_version(db) > v) {
			soc_db_exec(db, "COMMIT");
			continue;
		}
		soc_db_exec(db, migrations[v]);
		/* PRAGMA takes no parameters; v is our own integer. */
		snprintf(pragma, sizeof pragma, "PRAGMA user_version=%d", v + 1);
		soc_db_exec(db, pragma);
		soc_db_exec(db, "COMMIT");
	}
}

int
soc_db_open_ro(struct soc_db *db, const char *path)
{
	db->h = NULL;
	db->path = NULL;
	if (sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK) {
		sqlite3_close(db->h);
		db->h = NULL;
		return -1;
	}
	db->path = soc_xstrdup(path);
	defensive(db);
	return 0;
}

int
soc_db_read_begin(struct soc_db *db)
{
	if (!db || !db->h)
		return 0;
	if (sqlite3_get_autocommit(db->h))
		soc_db_exec(db, "BEGIN");
	return 1;
}

void
soc_db_read_end(struct soc_db *db)
{
	/* A failed statement may have ended it already. */
	if (db && db->h && !sqlite3_get_autocommit(db->h))
		soc_db_exec(db, "COMMIT");
}

sqlite3_stmt *
soc_db_try_prepare(struct soc_db *db, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
	    NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

void
soc_db_bind(struct soc_db *db, sqlite3_stmt *st, const char *types, ...)
{
	va_list ap;
	const char *t, *s;
	const void *p;
	size_t n;
	int i, rc = SQLITE_OK;

	va_start(ap, types);
	for (t = types, i = 1; *t && rc == SQLITE_OK; t++, i++) {
		switch (*t) {
		case 'i':
			rc = sqlite3_bind_int(st, i, va_arg(ap, int));
			break;
		case 'l':
			rc = sqlite3_bind_int64(st, i, va_arg(ap, int64_t));
			break;
		case 't':
			s = va_arg(ap, const char *);
			rc = s ? sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT) :
			    sqlite3_bind_null(st, i);
			break;
		case 's':
		case 'b':
			p = va_arg(ap, const void *);
			n = va_arg(ap, size_t);
			SOC_ASSERT(n <= INT32_MAX);
			rc = !p ? sqlite3_bind_null(st, i) : *t == 's' ?
			    sqlite3_bind_text(st, i, p, (int)n, SQLITE_STATIC) :
			    sqlite3_bind_blob(st, i, p, (int)n, SQLITE_STATIC);
			break;
		case '-':
			break;
		default:
			SOC_ASSERT(!"soc_db_bind: a type letter");
		}
	}
	va_end(ap);
	if (rc != SQLITE_OK)
		soc_die(SOC_EX_SOFTWARE, "%s: cannot bind parameter %d: %s",
		    db->path ? db->path : "database", i - 1, sqlite3_errstr(rc));
}

void
soc_db_close(struct soc_db *db)
{
	if (db->h)
		sqlite3_close_v2(db->h);
	db->h = NULL;
	free(db->path);
	db->path = NULL;
}
