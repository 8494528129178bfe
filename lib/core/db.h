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
#include <stdbool.h>

#define FG_DB_SCHEMA "flakeguard"

/* Connect; returns 0, FG_ERR_TEMP (unreachable) or FG_ERR_CONFIG (bad conninfo). */
int fg_db_connect(const char *conninfo, const char *appname, PGconn **out);

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
 * (connection, deadlock, cancel), FG_ERR_CONFIG (privileges), FG_ERR_DATA
 * (a value that cannot be stored: SQLSTATE classes 22 and 54) or FG_ERR.
 */
int fg_db_classify(PGconn *c, const PGresult *res);

/* Value helpers: NULL-safe field access. */
static inline const char *fg_db_val(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
}

#endif
