/*
 * db: SQLite through one door.
 *
 * soc_db_open opens (creating it, mode 0600) a program's own database
 * with WAL, a busy timeout, foreign keys and SQLite's defensive mode,
 * then brings its schema up to date: migrations[i] takes the schema from version i to
 * i + 1 (PRAGMA user_version), each in its own transaction.  A database
 * newer than the program is refused.  Statements are prepared with bound
 * parameters only; SQL is never built from data.
 *
 * Errors: a busy or locked database dies with SOC_EX_TEMPFAIL (75, retry
 * later); other failures die with SOC_EX_IOERR naming the file.
 */
#ifndef SOC_DB_H
#define SOC_DB_H

#include <sqlite3.h>

struct soc_db {
	sqlite3 *h;
	char *path;
};

void soc_db_open(struct soc_db *db, const char *path,
    const char *const *migrations, int nmigrations);
/* The same, a new file created with pages of page_size bytes (a power of
 * two, 512 to 65536; 0: SQLite's default); an existing file keeps its. */
void soc_db_open_paged(struct soc_db *db, const char *path,
    const char *const *migrations, int nmigrations, int page_size);
void soc_db_close(struct soc_db *db);
/*
 * Open another program's database read-only, to read what it publishes
 * (soc-enrich reads soc-correlate's incident_entity): no migrations, no
 * writes, the same defensive settings.  Returns 0, or -1 when the file is
 * absent or unreadable (a reader treats that as "nothing known").
 */
int soc_db_open_ro(struct soc_db *db, const char *path);
/*
 * Many queries of a reader in one read transaction: alone, each statement
 * takes and drops SQLite's read lock (fcntl locks and a stat of the file:
 * more than the query itself when it is one per alert).  soc_db_read_begin
 * opens one unless one is open, soc_db_read_end ends it; end it before
 * waiting for input and every so many records, so that what the writer
 * beside us commits shows up soon and its WAL can be checkpointed.
 * Returns 1 when a transaction is open (for the caller's busy), else 0
 * (db NULL or not open: nothing to do).
 */
int soc_db_read_begin(struct soc_db *db);
void soc_db_read_end(struct soc_db *db);
/* Prepare static SQL that may not match the schema (a reader of another
 * program's database): NULL instead of dying. */
sqlite3_stmt *soc_db_try_prepare(struct soc_db *db, const char *sql);
/* Prepare static SQL; a failure is a programmer error (dies, 70). */
sqlite3_stmt *soc_db_prepare(struct soc_db *db, const char *sql);
/* Run static SQL with no parameters (BEGIN, COMMIT, DDL). */
void soc_db_exec(struct soc_db *db, const char *sql);
/* sqlite3_step with the module's error policy: returns SQLITE_ROW or
 * SQLITE_DONE, dies otherwise.  Resets nothing. */
int soc_db_step(struct soc_db *db, sqlite3_stmt *st);
/*
 * Bind a row of parameters, from the first, one a letter of types:
 *   i  an int            l  an int64_t
 *   t  a const char *, text (copied; NULL binds NULL)
 *   s  a const char * and a size_t, text of that length (not copied: it
 *      must outlive the step)
 *   b  a const void * and a size_t, a blob (not copied: it must outlive
 *      the step; NULL binds NULL)
 *   -  none: the parameter is left as it is (bound apart)
 * A failure (more letters than parameters) is a programmer error (70).
 */
void soc_db_bind(struct soc_db *db, sqlite3_stmt *st, const char *types, ...);
/* The schema version (user_version). */
int soc_db_version(struct soc_db *db);
/*
 * The version of what a database publishes to other programs (its
 * contract: the tables, views and columns socpipe-record(7) lists for
 * it), kept in its meta table as the row k = 'contract'.  It changes only
 * when that part changes, whatever the owner's own migrations
 * (user_version) do.  -1 when the database states none.
 */
int soc_db_contract(struct soc_db *db);

#endif
