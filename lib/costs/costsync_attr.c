/*
 * costsync_attr.c - who spent the warehouse compute: QUERY_ATTRIBUTION_HISTORY
 * into attributed_costs, attributed_queries and warehouse_idle.
 *
 * Inside the connector's transaction, after the cost views:
 *   extract  two queries run in Snowflake (sql/costs/extract/attribution*.sql):
 *            credits per (UTC day, warehouse, user, role, query tag), and
 *            per (day, warehouse) the top attribution_top_queries
 *            parameterized hashes with the rest folded into '(other)';
 *            each streamed into its own COPY (cs_attr, cs_attr_q);
 *   store    after daily_costs is written: the reported days replaced
 *            as a whole, priced like the warehouse compute of the day,
 *            rolled up per user, role and tag (attribution_daily), and
 *            the idle compute of the window recomputed as the stored
 *            warehouse compute minus the attributed compute, so the two
 *            add up to it exactly (sql/costs/attribution/).
 *
 * A role that cannot read the view (or an edition without it: SQLSTATE
 * classes 42, 28, 0A) is not a failure: one warning, attribution skipped,
 * the costs synced, and attribution_state says so for budgetcheck.  The
 * query is executed before its COPY starts, so a refusal never aborts the
 * PostgreSQL transaction.  Anything else failing fails the connector.
 */
#include "clock.h"
#include "copytext.h"
#include "costsync.h"
#include "db.h"
#include "exitcode.h"
#include "fg_sql_costs.h"
#include "log.h"
#include "tool.h"

#include <stdio.h>
#include <string.h>

/* clang-format off */
static const char sql_stage[] =
	"CREATE TEMP TABLE cs_attr (day date NOT NULL, warehouse text NOT NULL, user_name text NOT NULL,"
	" role_name text NOT NULL, query_tag text NOT NULL, queries bigint NOT NULL, credits numeric NOT NULL,"
	" credits_qas numeric NOT NULL) ON COMMIT DROP";
static const char sql_stage_q[] =
	"CREATE TEMP TABLE cs_attr_q (day date NOT NULL, warehouse text NOT NULL, query_hash text NOT NULL,"
	" queries bigint NOT NULL, sample_query_id text, credits numeric NOT NULL,"
	" credits_qas numeric NOT NULL) ON COMMIT DROP";

struct attr_query {
	const struct fg_sql *sql;
	const char *copy;	/* literal COPY ... FROM STDIN */
	int ncols;
	unsigned numeric;	/* bit i: column i must be a number */
	const char *cols[8];	/* Snowflake's names, for messages */
};

static const struct attr_query attr_queries[] = {
	{ &fg_sql_costs_extract_attribution,
	  "COPY cs_attr (day, warehouse, user_name, role_name, query_tag, queries, credits, credits_qas)"
	  " FROM STDIN", 8, 7u << 5,
	  { "USAGE_DAY", "WAREHOUSE_NAME", "USER_NAME", "ROLE_NAME", "QUERY_TAG", "QUERIES",
	    "CREDITS_ATTRIBUTED_COMPUTE", "CREDITS_USED_QUERY_ACCELERATION" } },
	{ &fg_sql_costs_extract_attribution_queries,
	  "COPY cs_attr_q (day, warehouse, query_hash, queries, sample_query_id, credits, credits_qas)"
	  " FROM STDIN", 7, (1u << 3) | (3u << 5),
	  { "USAGE_DAY", "WAREHOUSE_NAME", "QUERY_PARAMETERIZED_HASH", "QUERIES", "SAMPLE_QUERY_ID",
	    "CREDITS_ATTRIBUTED_COMPUTE", "CREDITS_USED_QUERY_ACCELERATION" } },
};

/* clang-format on */

#define VIEW "SNOWFLAKE.ACCOUNT_USAGE.QUERY_ATTRIBUTION_HISTORY"

/* Aggregated rows above which the stored attribution is analysed. */
#define ATTR_ANALYZE_ROWS 50000

static bool refused(struct fg_odbc *src)
{
	const char *st = fg_odbc_last_sqlstate(src);
	return strncmp(st, "42", 2) == 0 || strncmp(st, "28", 2) == 0 || strncmp(st, "0A", 2) == 0;
}

static int check_row(const struct fg_connector *c, const struct attr_query *q, long rowno,
		     const char *const *row)
{
	long day;
	if (row[0] == NULL || fg_date_parse(row[0], &day) < 0) {
		fg_error("connector '%s': malformed date '%s' in QUERY_ATTRIBUTION_HISTORY row %ld column %s;"
			 " nothing was written for this connector",
			 c->name, row[0] ? row[0] : "NULL", rowno, q->cols[0]);
		return FG_ERR_DATA;
	}
	for (int i = 1; i < q->ncols; i++) {
		if (!(q->numeric & (1u << i)) || (row[i] != NULL && fg_costsync_is_number(row[i])))
			continue;
		fg_error("connector '%s': malformed number '%.40s' in QUERY_ATTRIBUTION_HISTORY row %ld"
			 " column %s (day %s); nothing was written for this connector",
			 c->name, row[i] ? row[i] : "NULL", rowno, q->cols[i], row[0]);
		return FG_ERR_DATA;
	}
	return 0;
}

/* Stream the rows of an executed statement into q's COPY. */
static int copy_rows(const struct fg_connector *c, PGconn *pg, const struct attr_query *q,
		     struct fg_odbc_stmt *st, long *rows)
{
	struct fg_copy_line l = { 0 };
	const char *const *row;
	int rc;

	if ((rc = fg_costsync_copy_begin(pg, q->copy)) < 0)
		return rc;
	while ((rc = fg_odbc_fetch(st, &row)) > 0) {
		if (fg_interrupted) {
			fg_error(
				"connector '%s': interrupted while reading QUERY_ATTRIBUTION_HISTORY; nothing"
				" was written for this connector",
				c->name);
			rc = FG_ERR_TEMP;
			break;
		}
		if ((rc = check_row(c, q, fg_odbc_rows(st), row)) < 0)
			break;
		l.len = 0;
		for (int i = 0; i < q->ncols && rc == 0; i++)
			if ((rc = fg_copy_field(&l, row[i])) == 0)
				rc = fg_copy_put(&l, i + 1 < q->ncols ? "\t" : "\n", 1);
		if (rc < 0)
			break;
		if (PQputCopyData(pg, l.buf, (int)l.len) != 1) {
			fg_error("cannot send attribution rows to PostgreSQL: %s", PQerrorMessage(pg));
			rc = FG_ERR_TEMP;
			break;
		}
		(*rows)++;
	}
	fg_copy_line_release(&l);
	if (rc == FG_ERR)
		rc = FG_ERR_TEMP;
	int rc2 = fg_costsync_copy_end(pg, rc == 0);
	return rc < 0 ? rc : rc2;
}

int fg_costsync_attr_extract(const struct fg_connector *c, struct fg_odbc *src, PGconn *pg, const char *since,
			     const char *until, struct fg_costsync_attr *a)
{
	char lo[16], hi[16], top[16];
	long s, u;
	int rc;

	a->available = false;
	a->rows = a->qrows = 0;
	a->reason[0] = '\0';
	if (fg_date_parse(since, &s) < 0 || fg_date_parse(until, &u) < 0)
		return FG_ERR_INTERNAL;
	fg_date_format(s - 1, lo, sizeof(lo));
	fg_date_format(u + 2, hi, sizeof(hi));
	snprintf(top, sizeof(top), "%d", c->attribution_top_queries);
	const struct fg_sql_arg args[] = { { "since", since },
					   { "until", until },
					   { "scan_from", lo },
					   { "scan_before", hi },
					   { "top_queries", top } };
	if ((rc = fg_db_exec(pg, "create staging table", sql_stage, 0, NULL)) < 0 ||
	    (rc = fg_db_exec(pg, "create staging table", sql_stage_q, 0, NULL)) < 0)
		return rc;
	for (size_t i = 0; i < sizeof(attr_queries) / sizeof(attr_queries[0]); i++) {
		const struct attr_query *q = &attr_queries[i];
		struct fg_odbc_stmt *st = NULL;
		/* the first query has no :top_queries */
		int nargs = i == 0 ? FG_SQL_COUNT(args) - 1 : FG_SQL_COUNT(args);

		fg_debug("connector '%s': read QUERY_ATTRIBUTION_HISTORY (%zu of 2)", c->name, i + 1);
		fg_odbc_set_quiet(src, true);
		rc = fg_sql_odbc_query(src, "read QUERY_ATTRIBUTION_HISTORY", q->sql, args, nargs,
				       c->query_timeout, &st);
		fg_odbc_set_quiet(src, false);
		if (rc < 0 && rc != FG_ERR_TEMP && refused(src)) {
			snprintf(a->reason, sizeof(a->reason), "cannot read " VIEW ": %s",
				 fg_odbc_last_error(src));
			fg_warn("connector '%s': %s; cost attribution skipped, costs synced: grant the role"
				" access to the view (Enterprise Edition and later)",
				c->name, a->reason);
			return 0;
		}
		if (rc < 0) {
			if (rc != FG_ERR_TEMP)
				fg_error("connector '%s': cannot read " VIEW ": %s", c->name,
					 fg_odbc_last_error(src));
			return FG_ERR_TEMP;
		}
		rc = copy_rows(c, pg, q, st, i == 0 ? &a->rows : &a->qrows);
		fg_odbc_stmt_free(st);
		if (rc < 0)
			return rc;
	}
	a->available = true;
	return 0;
}

int fg_costsync_attr_store(PGconn *pg, const struct fg_connector *c, const char *since, const char *until,
			   const struct fg_costsync_attr *a)
{
	char now[32];
	int rc;

	fg_timestamp_format(fg_now(), now, sizeof(now));
	const struct fg_sql_arg state[] = { { "connector", c->name },
					    { "available", a->available ? "true" : "false" },
					    { "now", now },
					    { "reason", a->available ? NULL : a->reason } };
	if ((rc = fg_sql_exec(pg, "record attribution state", &fg_sql_costs_attribution_state, state,
			      FG_SQL_COUNT(state))) < 0 ||
	    !a->available)
		return rc;
	const struct fg_sql_arg conn[] = { { "connector", c->name } };
	const struct fg_sql_arg price[] = { { "connector", c->name },
					    { "credit_price", c->credit_price },
					    { "currency", c->currency } };
	const struct fg_sql_arg window[] = { { "connector", c->name },
					     { "since", since },
					     { "until", until } };
	const struct fg_sql_arg idle[] = {
		{ "connector", c->name }, { "since", since }, { "until", until }, { "currency", c->currency }
	};
	if ((rc = fg_sql_exec(pg, "clear reported attribution", &fg_sql_costs_attribution_clear, conn,
			      FG_SQL_COUNT(conn))) < 0 ||
	    (rc = fg_sql_exec(pg, "store attributed costs", &fg_sql_costs_attribution_store, price,
			      FG_SQL_COUNT(price))) < 0 ||
	    (rc = fg_sql_exec(pg, "store attributed queries", &fg_sql_costs_attribution_store_queries, price,
			      FG_SQL_COUNT(price))) < 0 ||
	    (rc = fg_sql_exec(pg, "roll attribution up", &fg_sql_costs_attribution_rollup, conn,
			      FG_SQL_COUNT(conn))) < 0 ||
	    (rc = fg_sql_exec(pg, "clear idle compute", &fg_sql_costs_attribution_idle_clear, window,
			      FG_SQL_COUNT(window))) < 0)
		return rc;
	if ((rc = fg_sql_exec(pg, "compute idle compute", &fg_sql_costs_attribution_idle, idle,
			      FG_SQL_COUNT(idle))) < 0)
		return rc;
	/* after a big load the planner of budgetcheck's next run guesses until
	 * autovacuum comes by: its evaluation took 35 s instead of 1.5 */
	if (a->rows > ATTR_ANALYZE_ROWS)
		rc = fg_db_exec(pg, "analyse attribution", "ANALYZE attributed_costs, attribution_daily", 0,
				NULL);
	return rc;
}
