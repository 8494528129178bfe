/*
 * db.c - libpq connection and statement helpers.
 *
 * A session waits at most lock_timeout for a lock and runs a statement at
 * most statement_timeout ([database]); both are set right after connecting,
 * with search_path.  A process holds one connection, so the values in
 * force are kept here for the message that names them when a statement
 * gives up.  Failures are classified by SQLSTATE (fg_db_classify) and
 * logged once with what to fix (fg_db_fail).
 */
#include "db.h"
#include "exitcode.h"
#include "log.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

volatile sig_atomic_t fg_db_canceled;

static int64_t lock_timeout_in_force = FG_DB_LOCK_TIMEOUT;
static int64_t statement_timeout_in_force = FG_DB_STATEMENT_TIMEOUT;

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

int fg_db_settings_load(const struct fg_config *cfg, struct fg_db_settings *out)
{
	const struct fg_conf_section *sec = fg_config_section(cfg, "database", NULL);
	int bad = 0;

	out->conninfo = fg_conf_get(sec, "conninfo");
	/* a week is past any sane statement; the cap keeps milliseconds in an int */
	bad |= fg_conf_seconds(cfg, sec, "lock_timeout", FG_DB_LOCK_TIMEOUT, 0, 7 * 86400,
			       &out->lock_timeout);
	bad |= fg_conf_seconds(cfg, sec, "statement_timeout", FG_DB_STATEMENT_TIMEOUT, 0, 7 * 86400,
			       &out->statement_timeout);
	return bad ? FG_ERR_CONFIG : 0;
}

/* search_path, lock_timeout and statement_timeout for this session. */
static int set_session(PGconn *c, const struct fg_db_settings *s)
{
	char lock[32], stmt[32];
	snprintf(lock, sizeof(lock), "%lld", (long long)s->lock_timeout * 1000);
	snprintf(stmt, sizeof(stmt), "%lld", (long long)s->statement_timeout * 1000);
	const char *params[] = { lock, stmt };
	PGresult *r = PQexecParams(c,
				   "SELECT pg_catalog.set_config('search_path', '" FG_DB_SCHEMA "', false),"
				   " pg_catalog.set_config('lock_timeout', $1, false),"
				   " pg_catalog.set_config('statement_timeout', $2, false)",
				   2, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		fg_error("cannot set up the PostgreSQL session: %s", PQerrorMessage(c));
		PQclear(r);
		return FG_ERR_TEMP;
	}
	PQclear(r);
	lock_timeout_in_force = s->lock_timeout;
	statement_timeout_in_force = s->statement_timeout;
	return 0;
}

int fg_db_connect(const struct fg_db_settings *set, const char *appname, PGconn **out)
{
	static const struct fg_db_settings defaults = {
		.lock_timeout = FG_DB_LOCK_TIMEOUT,
		.statement_timeout = FG_DB_STATEMENT_TIMEOUT,
	};
	const struct fg_db_settings *s = set ? set : &defaults;
	const char *conninfo = s->conninfo;
	const char *keys[5], *vals[5];
	int n = 0;
	PGconn *c;

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
	if (set_session(c, s) < 0) {
		PQfinish(c);
		return FG_ERR_TEMP;
	}
	*out = c;
	return 0;
}

static const char *sqlstate(const PGresult *res)
{
	return res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
}

int fg_db_classify(PGconn *c, const PGresult *res)
{
	if (PQstatus(c) != CONNECTION_OK)
		return FG_ERR_TEMP;
	const char *state = sqlstate(res);
	if (state == NULL)
		return FG_ERR_TEMP; /* no result at all: connection-level trouble */
	/* connection, serialization, deadlock, shutdown, insufficient
	 * resources (53: disk full, out of memory, too many connections),
	 * lock not available, canceled: another run may succeed */
	if (strncmp(state, "08", 2) == 0 || strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
	    strncmp(state, "57P", 3) == 0 || strncmp(state, "53", 2) == 0 || strcmp(state, "55P03") == 0 ||
	    strcmp(state, "57014") == 0)
		return FG_ERR_TEMP;
	/* insufficient privilege (the role's grants), read-only transaction
	 * (a read-only role or a hot standby): the setup must change */
	if (strcmp(state, "42501") == 0 || strcmp(state, "25006") == 0)
		return FG_ERR_CONFIG;
	/* data exception, program limit exceeded (a value too large to index):
	 * what the source sent cannot be stored as it is */
	if (strncmp(state, "22", 2) == 0 || strncmp(state, "54", 2) == 0)
		return FG_ERR_DATA;
	return FG_ERR;
}

/* What to do about a failure with this SQLSTATE, or "" when nothing useful. */
static void hint(const char *state, char *buf, size_t len)
{
	*buf = '\0';
	if (state == NULL)
		return;
	if (strcmp(state, "55P03") == 0)
		snprintf(buf, len,
			 "; gave up waiting %llds for a lock ([database] lock_timeout): another session "
			 "holds it, see 'snapshot --status' or pg_locks, then retry",
			 (long long)lock_timeout_in_force);
	else if (strcmp(state, "57014") == 0 && !fg_db_canceled)
		snprintf(buf, len,
			 "; gave up after %llds ([database] statement_timeout): look for what blocks or "
			 "slows the statement, or raise statement_timeout",
			 (long long)statement_timeout_in_force);
	else if (strcmp(state, "53100") == 0)
		snprintf(buf, len, "; the database server is out of disk space: free space, then retry");
	else if (strcmp(state, "53200") == 0)
		snprintf(buf, len, "; the database server is out of memory: retry later");
	else if (strcmp(state, "53300") == 0)
		snprintf(buf, len, "; the database server has no free connection slot: retry later");
	else if (strncmp(state, "53", 2) == 0)
		snprintf(buf, len, "; the database server is short of resources: retry later");
	else if (strcmp(state, "25006") == 0)
		snprintf(buf, len,
			 "; the session is read-only (a hot standby, or default_transaction_read_only "
			 "for the role): point [database] conninfo at the primary with a role that may "
			 "write (target_session_attrs=read-write)");
	else if (strcmp(state, "42501") == 0)
		snprintf(buf, len,
			 "; grant the role of [database] conninfo the privileges of flakeguard(7), or "
			 "connect as the schema's owner");
}

int fg_db_fail(PGconn *c, const PGresult *res, const char *fmt, ...)
{
	char what[512], more[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (PQstatus(c) != CONNECTION_OK) {
		fg_error("cannot %s: lost connection to PostgreSQL: %s", what, PQerrorMessage(c));
		return FG_ERR_TEMP;
	}
	hint(sqlstate(res), more, sizeof(more));
	fg_error("cannot %s: %s%s", what, res ? PQresultErrorMessage(res) : PQerrorMessage(c), more);
	return fg_db_classify(c, res);
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
	*rc = fg_db_fail(c, r, "%s", what);
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

int fg_db_batch_begin(struct fg_db_batch *b, PGconn *c)
{
	*b = (struct fg_db_batch){ .c = c };
	if (PQenterPipelineMode(c) != 1)
		return fg_db_fail(c, NULL, "start a pipeline");
	return 0;
}

void fg_db_batch_add(struct fg_db_batch *b, const char *what, const char *sql, int nparams,
		     const char *const *params)
{
	if (b->rc < 0)
		return;
	if (b->n == FG_DB_BATCH_MAX) {
		fg_error("cannot %s: more than %d statements in one pipeline", what, FG_DB_BATCH_MAX);
		b->rc = FG_ERR_INTERNAL;
		return;
	}
	if (PQsendQueryParams(b->c, sql, nparams, NULL, params, NULL, NULL, 0) != 1) {
		b->rc = fg_db_fail(b->c, NULL, "%s", what);
		return;
	}
	b->what[b->n++] = what;
}

int fg_db_batch_end(struct fg_db_batch *b)
{
	PGresult *r;
	int rc = b->rc;

	if (PQpipelineSync(b->c) != 1) {
		if (rc == 0)
			rc = fg_db_fail(b->c, NULL, "%s", b->n > 0 ? b->what[0] : "end a pipeline");
		PQexitPipelineMode(b->c);
		return rc;
	}
	/* each statement: its result, then NULL; then the sync point */
	for (int i = 0; i < b->n; i++) {
		while ((r = PQgetResult(b->c)) != NULL) {
			ExecStatusType st = PQresultStatus(r);
			if (rc == 0 && st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
				rc = fg_db_fail(b->c, r, "%s", b->what[i]);
			PQclear(r);
		}
		if (PQstatus(b->c) != CONNECTION_OK)
			break;
	}
	while ((r = PQgetResult(b->c)) != NULL) {
		ExecStatusType st = PQresultStatus(r);
		PQclear(r);
		if (st == PGRES_PIPELINE_SYNC)
			break;
	}
	if (PQexitPipelineMode(b->c) != 1 && rc == 0)
		rc = fg_db_fail(b->c, NULL, "end a pipeline");
	return rc;
}
