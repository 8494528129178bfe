/*
 * db.h - PostgreSQL through libpq, the way PostgreSQL's own tools use it.
 *
 * Connections come from any libpq conninfo or URI (empty: PG* environment,
 * service files and .pgpass all apply), pin search_path to the flakeguard
 * schema, and carry the tool name as application_name.  Every value goes
 * through PQexecParams.  Failures are logged once here, folded to one line;
 * the returned code says whether retrying later may help (FG_ERR_TEMP: lost
 * connection, shutdown, serialization failure, deadlock) or not (FG_ERR).
 */
#ifndef FG_DB_H
#define FG_DB_H

#include <libpq-fe.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"

#define FG_DB_SCHEMA "flakeguard"

/* Defaults of [database] lock_timeout and statement_timeout, seconds. */
#define FG_DB_LOCK_TIMEOUT 60
#define FG_DB_STATEMENT_TIMEOUT 900

/*
 * The [database] section: conninfo (borrowed from the config) and how long
 * a statement may wait for a lock and run at all, in seconds (0: no limit,
 * as in PostgreSQL).  No tool may hang forever behind another session.
 */
struct fg_db_settings {
	const char *conninfo;
	int64_t lock_timeout;
	int64_t statement_timeout;
};

/* Read [database] from cfg (may be NULL: defaults); 0 or FG_ERR_CONFIG. */
int fg_db_settings_load(const struct fg_config *cfg, struct fg_db_settings *out);

/*
 * Connect with s (NULL: defaults), pin search_path and set lock_timeout and
 * statement_timeout for the session; returns 0, FG_ERR_TEMP (unreachable)
 * or FG_ERR_CONFIG (bad conninfo).  A statement that later gives up
 * waiting (SQLSTATE 55P03, or 57014 without a signal) is logged naming the
 * setting and is FG_ERR_TEMP.
 */
int fg_db_connect(const struct fg_db_settings *s, const char *appname, PGconn **out);

/*
 * Run one parameterised statement (text parameters, text results).  `what`
 * names the action for the error message ("record job run").  Returns the
 * result (PQclear it) with *rc = 0, or NULL with *rc < 0 after logging.
 */
PGresult *fg_db_query(PGconn *c, int *rc, const char *what, const char *sql, int nparams,
		      const char *const *params);
/* Same, for statements whose result is not needed.  Returns 0 or < 0. */
int fg_db_exec(PGconn *c, const char *what, const char *sql, int nparams, const char *const *params);

int fg_db_begin(PGconn *c);
int fg_db_commit(PGconn *c);
/* Roll back, ignoring errors (used on failure paths). */
void fg_db_rollback(PGconn *c);

/*
 * Map the last failure on c (and its result, may be NULL) to FG_ERR_TEMP
 * (connection, deadlock, cancel, lock or statement timeout, insufficient
 * resources such as a full disk: SQLSTATE class 53), FG_ERR_CONFIG
 * (privileges, a read-only session: 42501, 25006), FG_ERR_DATA (a value
 * that cannot be stored: classes 22 and 54) or FG_ERR.
 */
int fg_db_classify(PGconn *c, const PGresult *res);

/*
 * Log the failure of the action fmt names ("cannot <action>: <server
 * message>; <what to do>", one line) and return fg_db_classify(c, res).
 */
int fg_db_fail(PGconn *c, const PGresult *res, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * Statements sent together and run by the server while the caller does
 * something else (costsync reads Snowflake meanwhile): libpq's pipeline
 * mode, inside the caller's transaction.  fg_db_batch_begin(), then
 * fg_db_batch_add() per statement (the values are copied at once; `what`
 * must outlive the batch), then fg_db_batch_end() waits for all of them:
 * 0, or the first failure, logged as fg_db_exec() would (the statements
 * after it are skipped, and the transaction is aborted).  At most
 * FG_DB_BATCH_MAX statements.
 */
#define FG_DB_BATCH_MAX 8
struct fg_db_batch {
	PGconn *c;
	int n, rc;
	const char *what[FG_DB_BATCH_MAX];
};
int fg_db_batch_begin(struct fg_db_batch *b, PGconn *c);
void fg_db_batch_add(struct fg_db_batch *b, const char *what, const char *sql, int nparams,
		     const char *const *params);
int fg_db_batch_end(struct fg_db_batch *b);

/* Set by a signal handler that cancels the running statement, so that the
 * cancel is not reported as a statement_timeout. */
extern volatile sig_atomic_t fg_db_canceled;

/* Value helpers: NULL-safe field access. */
static inline const char *fg_db_val(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
}

#endif
