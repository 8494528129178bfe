/*
 * db.c - libpq connection and statement helpers.
 */
#include "db.h"
#include "exitcode.h"
#include "log.h"

#include <stdlib.h>
#include <string.h>

/* Server notices (e.g. "already exists, skipping") are debug output. */
static void on_notice(void *arg, const char *message)
{
	(void)arg;
	fg_debug("PostgreSQL: %s", message);
}

/*
 * True when the server refused the connection for a reason that lasts
 * until someone changes the configuration: the database or role does not
 * exist, authentication failed, pg_hba.conf has no entry, no password was
 * given.  libpq reports these only as text (no SQLSTATE before the
 * session exists); the server's wording is stable across versions.
 */
static bool refused_for_good(const char *msg)
{
	static const char *const patterns[] = {
		"does not exist",        /* database "x" / role "x" */
		"authentication failed", /* password, ident, peer, ... */
		"no pg_hba.conf entry",  "no password supplied", "is not permitted to log in", NULL,
	};
	for (int i = 0; patterns[i]; i++)
		if (strstr(msg, patterns[i]) != NULL)
			return true;
	return false;
}

int fg_db_connect(const char *conninfo, const char *appname, PGconn **out)
{
	const char *keys[5], *vals[5];
	int n = 0;
	PGconn *c;
	PGresult *r;

	*out = NULL;
	if (getenv("PGCONNECT_TIMEOUT") == NULL) {
		keys[n] = "connect_timeout";
		vals[n++] = "5";
	}
	keys[n] = "fallback_application_name";
	vals[n++] = appname;
	keys[n] = "dbname";
	vals[n++] = conninfo ? conninfo : "";
	keys[n] = NULL;
	vals[n] = NULL;

	c = PQconnectdbParams(keys, vals, 1);
	if (c == NULL) {
		fg_error("cannot connect to PostgreSQL: out of memory");
		return FG_ERR_TEMP;
	}
	if (PQstatus(c) != CONNECTION_OK) {
		const char *msg = PQerrorMessage(c);
		bool syntax = strstr(msg, "invalid connection option") || strstr(msg, "missing \"=\"") ||
			      strstr(msg, "invalid URI") || strstr(msg, "unterminated quoted string") ||
			      strstr(msg, "invalid sslmode") || strstr(msg, "definition of service");
		bool refused = !syntax && refused_for_good(msg);
		fg_error("cannot connect to PostgreSQL: %s%s", msg,
			 syntax    ? ""
			 : refused ? "; fix the database, user or password in [database] conninfo"
				   : "; check [database] conninfo and that the server is running");
		PQfinish(c);
		return syntax || refused ? FG_ERR_CONFIG : FG_ERR_TEMP;
	}
	PQsetNoticeProcessor(c, on_notice, NULL);
	r = PQexec(c, "SELECT pg_catalog.set_config('search_path', '" FG_DB_SCHEMA "', false)");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		fg_error("cannot set search_path: %s", PQerrorMessage(c));
		PQclear(r);
		PQfinish(c);
		return FG_ERR_TEMP;
	}
	PQclear(r);
	*out = c;
	return 0;
}

int fg_db_classify(PGconn *c, const PGresult *res)
{
	if (PQstatus(c) != CONNECTION_OK)
		return FG_ERR_TEMP;
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	if (state == NULL)
		return FG_ERR_TEMP; /* no result at all: connection-level trouble */
	if (strncmp(state, "08", 2) == 0 || strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
	    strncmp(state, "57P", 3) == 0 || strcmp(state, "53300") == 0 || strcmp(state, "55P03") == 0 ||
	    strcmp(state, "57014") == 0)
		return FG_ERR_TEMP;
	if (strcmp(state, "42501") == 0) /* insufficient privilege: the role's grants */
		return FG_ERR_CONFIG;
	/* data exception, program limit exceeded (a value too large to index):
	 * what the source sent cannot be stored as it is */
	if (strncmp(state, "22", 2) == 0 || strncmp(state, "54", 2) == 0)
		return FG_ERR_DATA;
	return FG_ERR;
}

PGresult *fg_db_query(PGconn *c, int *rc, const char *what, const char *sql, int nparams,
		      const char *const *params)
{
	PGresult *r = PQexecParams(c, sql, nparams, NULL, params, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(r);

	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
		*rc = 0;
		return r;
	}
	*rc = fg_db_classify(c, r);
	if (PQstatus(c) != CONNECTION_OK)
		fg_error("cannot %s: lost connection to PostgreSQL: %s", what, PQerrorMessage(c));
	else
		fg_error("cannot %s: %s", what, r ? PQresultErrorMessage(r) : PQerrorMessage(c));
	PQclear(r);
	return NULL;
}

int fg_db_exec(PGconn *c, const char *what, const char *sql, int nparams, const char *const *params)
{
	int rc;
	PGresult *r = fg_db_query(c, &rc, what, sql, nparams, params);
	PQclear(r);
	return rc;
}

int fg_db_begin(PGconn *c)
{
	return fg_db_exec(c, "begin transaction", "BEGIN", 0, NULL);
}

int fg_db_commit(PGconn *c)
{
	return fg_db_exec(c, "commit transaction", "COMMIT", 0, NULL);
}

void fg_db_rollback(PGconn *c)
{
	if (c != NULL && PQstatus(c) == CONNECTION_OK && PQtransactionStatus(c) != PQTRANS_IDLE)
		PQclear(PQexec(c, "ROLLBACK"));
}
