/* Unit tests of common/id.c, opt.c, state.c, config.c and db.c. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "err.h"
#include "db.h"
#include "id.h"
#include "opt.h"
#include "state.h"
#include "tap.h"

static const char *const migrations[] = {
	"CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)",
	"ALTER TABLE t ADD COLUMN w TEXT",
};

int
main(void)
{
	char id[SOC_ID_LEN + 1], hex[65], tmpl[] = "/tmp/socpipe-unit.XXXXXX";
	char *dir, *p, err[512];
	int64_t v;
	size_t sz;
	struct stat st;
	struct soc_db db;
	sqlite3_stmt *q;
	json_t *cfg;
	FILE *f;

	/* id: SHA-256("alert\0abc") truncated; checked with sha256sum. */
	soc_id("alert", "abc", 3, id);
	is_str(id, "68f085dd71a0182feb5ffa898fefffb6", "content id");
	soc_id("incident", "abc", 3, hex);
	ok(strcmp(id, hex) != 0, "another tag gives another id");
	soc_sha256_hex("abc", 3, hex);
	is_str(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	    "SHA-256 of abc (FIPS 180-2 vector)");

	ok(soc_parse_i64("42", 0, 100, &v) == 0 && v == 42, "parse 42");
	ok(soc_parse_i64("101", 0, 100, &v) < 0, "out of range");
	ok(soc_parse_i64("4x", 0, 100, &v) < 0, "trailing junk");
	ok(soc_parse_i64("", 0, 100, &v) < 0, "empty");
	ok(soc_parse_size("2M", &sz) == 0 && sz == 2097152, "2M");
	ok(soc_parse_size("-1", &sz) < 0, "negative size");
	ok(soc_parse_size("1T", &sz) < 0, "unknown suffix");

	if (!mkdtemp(tmpl))
		return 1;
	setenv("SOC_HOME", tmpl, 1);
	p = soc_state_dir_path(NULL);
	is_str(p, tmpl, "SOC_HOME names the state directory");
	free(p);
	p = soc_state_dir_path("/x/y");
	is_str(p, "/x/y", "--state wins over SOC_HOME");
	free(p);
	unsetenv("SOC_HOME");
	setenv("XDG_STATE_HOME", "/xdg", 1);
	p = soc_state_dir_path(NULL);
	is_str(p, "/xdg/socpipe", "XDG_STATE_HOME");
	free(p);
	unsetenv("XDG_STATE_HOME");
	setenv("HOME", "/home/u", 1);
	p = soc_state_dir_path(NULL);
	is_str(p, "/home/u/.local/state/socpipe", "HOME fallback");
	free(p);
	p = soc_xasprintf("%s/a/b", tmpl);
	dir = soc_state_dir(p);
	ok(stat(dir, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0700,
	    "state directory created with mode 0700");
	free(p);

	/* db: migrations, persistence, a newer schema refused. */
	p = soc_state_file(dir, "t.db");
	umask(022);	/* what SQLite alone turned into 0644 */
	soc_db_open(&db, p, migrations, 1);
	is_int(soc_db_version(&db), 1, "first migration applied");
	ok(stat(p, &st) == 0 && (st.st_mode & 0777) == 0600,
	    "database created with mode 0600 (%o)", (unsigned)st.st_mode & 0777);
	{
		char *wal = soc_xasprintf("%s-wal", p);

		ok(stat(wal, &st) == 0 && (st.st_mode & 0777) == 0600,
		    "its write-ahead log too");
		free(wal);
	}
	q = soc_db_prepare(&db, "INSERT INTO t (k, v) VALUES (?1, ?2)");
	sqlite3_bind_text(q, 1, "a'); DROP TABLE t; --", -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 2, 7);
	is_int(soc_db_step(&db, q), SQLITE_DONE, "insert with bound parameters");
	sqlite3_finalize(q);
	soc_db_close(&db);
	soc_db_open(&db, p, migrations, 2);
	is_int(soc_db_version(&db), 2, "second migration applied on reopen");
	q = soc_db_prepare(&db, "SELECT v FROM t WHERE k = ?1");
	sqlite3_bind_text(q, 1, "a'); DROP TABLE t; --", -1, SQLITE_STATIC);
	ok(soc_db_step(&db, q) == SQLITE_ROW && sqlite3_column_int(q, 0) == 7,
	    "row kept across reopen; the hostile key stayed data");
	sqlite3_finalize(q);
	q = soc_db_prepare(&db, "PRAGMA journal_mode");
	soc_db_step(&db, q);
	is_str((const char *)sqlite3_column_text(q, 0), "wal", "WAL mode");
	sqlite3_finalize(q);
	soc_db_close(&db);
	ok(soc_db_open_ro(&db, p) == 0, "read-only open of another's database");
	q = soc_db_try_prepare(&db, "SELECT w FROM t");
	ok(q != NULL, "a query that fits the schema prepares");
	sqlite3_finalize(q);
	ok(soc_db_try_prepare(&db, "SELECT nope FROM t") == NULL,
	    "one that does not gives NULL, not death");
	q = soc_db_prepare(&db, "INSERT INTO t (k, v) VALUES ('x', 1)");
	ok(sqlite3_step(q) == SQLITE_READONLY, "writes refused");
	sqlite3_finalize(q);
	soc_db_close(&db);
	{
		char *none = soc_state_file(dir, "none.db");

		ok(soc_db_open_ro(&db, none) < 0, "an absent database: -1");
		free(none);
	}
	free(p);
	{
		/* A database an older version left 0644 is narrowed. */
		char *old = soc_state_file(dir, "old.db");

		soc_db_open(&db, old, migrations, 1);
		soc_db_close(&db);
		chmod(old, 0644);
		soc_db_open(&db, old, migrations, 1);
		soc_db_close(&db);
		ok(stat(old, &st) == 0 && (st.st_mode & 0777) == 0600,
		    "an existing 0644 database is narrowed to 0600");
		free(old);
	}

	/* config: errors name file, line and column. */
	p = soc_state_file(dir, "c.json");
	f = fopen(p, "w");
	fputs("{\n  \"a\": 1,\n  \"b\": [1, 2,]\n}\n", f);
	fclose(f);
	ok(soc_config_load(p, err, sizeof err) == NULL, "syntax error refused");
	{
		char *want = soc_xasprintf("%s:3:", p);

		ok(strncmp(err, want, strlen(want)) == 0, "error names file and line: %s", err);
		free(want);
	}
	f = fopen(p, "w");
	fputs("{\"k\":{\"env\":\"SOC_TEST_SECRET\"}}", f);
	fclose(f);
	cfg = soc_config_load(p, err, sizeof err);
	ok(cfg != NULL, "valid config loads");
	setenv("SOC_TEST_SECRET", "s3cret", 1);
	{
		char *sec = soc_config_secret(json_object_get(cfg, "k"));

		is_str(sec, "s3cret", "secret from the environment");
		soc_config_secret_free(sec);
	}
	unsetenv("SOC_TEST_SECRET");
	ok(soc_config_secret(json_object_get(cfg, "k")) == NULL, "unset secret is NULL");
	json_decref(cfg);
	{
		char *found = soc_config_find(NULL, dir, "c.json");

		is_str(found, p, "config found in the state directory");
		free(found);
		ok(soc_config_find(NULL, dir, "none.json") == NULL, "absent config: defaults");
	}
	unlink(p);
	free(p);
	p = soc_xasprintf("rm -rf '%s'", tmpl);
	if (system(p) != 0)
		return 1;
	free(p);
	free(dir);
	return done_testing();
}
