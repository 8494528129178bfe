/*
 * migrate.c - apply sql/NNN_*.sql in order, once, under a lock.
 *
 * The applied versions are rows of flakeguard.schema_migrations.  All
 * pending files run in the same transaction as their bookkeeping rows, so
 * a failure leaves the schema exactly as it was.
 */
#include "migrate.h"
#include "db.h"
#include "exitcode.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 'flakegua' as a bigint: the advisory lock serialising migrations. */
#define MIGRATE_LOCK "7380972168385697121"

int fg_migrate_known_version(void)
{
	int v = 0;
	for (const struct fg_migration *m = fg_migrations; m->sql; m++)
		if (m->version > v)
			v = m->version;
	return v;
}

/* Versions applied, as a sorted-by-query list; returns count or < 0. */
static int applied_versions(PGconn *c, int **out, bool *have_table)
{
	int rc;
	PGresult *r;
	*out = NULL;
	r = fg_db_query(c, &rc, "read schema version",
			"SELECT to_regclass('" FG_DB_SCHEMA ".schema_migrations') IS NOT NULL", 0, NULL);
	if (r == NULL)
		return rc;
	*have_table = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
	PQclear(r);
	if (!*have_table)
		return 0;
	r = fg_db_query(c, &rc, "read schema version",
			"SELECT version FROM " FG_DB_SCHEMA ".schema_migrations ORDER BY version", 0, NULL);
	if (r == NULL)
		return rc;
	int n = PQntuples(r);
	*out = calloc((size_t)n + 1, sizeof(int));
	if (*out == NULL) {
		PQclear(r);
		return FG_ERR_INTERNAL;
	}
	for (int i = 0; i < n; i++)
		(*out)[i] = atoi(PQgetvalue(r, i, 0));
	PQclear(r);
	return n;
}

static bool contains(const int *v, int n, int x)
{
	for (int i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

int fg_migrate(PGconn *c, bool apply)
{
	int known = fg_migrate_known_version();
	int *have = NULL, n, rc = 0;
	bool have_table = false;

	n = applied_versions(c, &have, &have_table);
	if (n < 0)
		return n;
	{
		int newest = n > 0 ? have[n - 1] : 0, missing = 0;
		for (const struct fg_migration *m = fg_migrations; m->sql; m++)
			if (!contains(have, n, m->version))
				missing++;
		if (apply && missing == 0 && newest <= known) {
			free(have);
			return 0; /* up to date: no lock, no transaction */
		}
	}
	if (!apply) {
		int newest = n > 0 ? have[n - 1] : 0;
		int missing = 0;
		for (const struct fg_migration *m = fg_migrations; m->sql; m++)
			if (!contains(have, n, m->version))
				missing++;
		free(have);
		if (newest > known) {
			fg_error("database schema version %d is newer than this flakeguard knows (%d); "
				 "upgrade flakeguard",
				 newest, known);
			return FG_ERR_CONFIG;
		}
		if (missing > 0) {
			fg_error("database schema is %s (%d migration%s pending) and --dry-run does not "
				 "migrate; run once without --dry-run",
				 have_table ? "out of date" : "missing", missing, missing == 1 ? "" : "s");
			return FG_ERR_CONFIG;
		}
		return 0;
	}

	free(have);
	have = NULL;
	if ((rc = fg_db_begin(c)) < 0)
		return rc;
	if ((rc = fg_db_exec(c, "take the migration lock", "SELECT pg_advisory_xact_lock(" MIGRATE_LOCK ")",
			     0, NULL)) < 0)
		goto fail;
	{
		/* CREATE SCHEMA IF NOT EXISTS needs CREATE on the database even when
		 * the schema exists; an administrator may have created it for us */
		PGresult *r = fg_db_query(c, &rc, "look up schema",
					  "SELECT to_regnamespace('" FG_DB_SCHEMA "') IS NOT NULL", 0, NULL);
		if (r == NULL)
			goto fail;
		bool exists = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
		PQclear(r);
		if (!exists &&
		    (rc = fg_db_exec(c, "create schema", "CREATE SCHEMA " FG_DB_SCHEMA, 0, NULL)) < 0)
			goto fail;
	}
	if ((rc = fg_db_exec(c, "create migrations table",
			     "CREATE TABLE IF NOT EXISTS " FG_DB_SCHEMA ".schema_migrations ("
			     " version integer PRIMARY KEY,"
			     " name text NOT NULL,"
			     " applied_at timestamptz NOT NULL DEFAULT now())",
			     0, NULL)) < 0)
		goto fail;
	n = applied_versions(c, &have, &have_table);
	if (n < 0) {
		rc = n;
		goto fail;
	}
	if (n > 0 && have[n - 1] > known) {
		fg_error("database schema version %d is newer than this flakeguard knows (%d); "
			 "upgrade flakeguard",
			 have[n - 1], known);
		rc = FG_ERR_CONFIG;
		goto fail;
	}
	for (const struct fg_migration *m = fg_migrations; m->sql; m++) {
		if (contains(have, n, m->version))
			continue;
		fg_info("applying migration %s", m->name);
		PGresult *r = PQexec(c, m->sql);
		if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
			rc = fg_db_fail(c, r, "apply migration %s", m->name);
			PQclear(r);
			goto fail;
		}
		PQclear(r);
		char ver[16];
		snprintf(ver, sizeof(ver), "%d", m->version);
		const char *params[] = { ver, m->name };
		if ((rc = fg_db_exec(c, "record migration",
				     "INSERT INTO " FG_DB_SCHEMA
				     ".schema_migrations (version, name) VALUES ($1, $2)",
				     2, params)) < 0)
			goto fail;
	}
	free(have);
	return fg_db_commit(c);
fail:
	free(have);
	fg_db_rollback(c);
	return rc;
}
