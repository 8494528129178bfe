/*
 * costsync_attr.c - who spent the warehouse compute: QUERY_ATTRIBUTION_HISTORY
 * into attributed_costs, attributed_queries, attribution_daily and
 * warehouse_idle.
 *
 * Inside the connector's transaction, once daily_costs holds the window:
 *   rates    the day's compute and Query Acceleration rates, read once
 *            (attribution/rates.sql);
 *   costs    the first query (credits per UTC day, warehouse, user, role
 *            and query tag, sql/costs/extract/attribution.sql) runs in
 *            Snowflake; the stored rows of the window are set aside and
 *            the result streams by COPY straight into attributed_costs,
 *            each row with its day's rates (PostgreSQL prices it:
 *            generated columns, migration 015), summed per day and user,
 *            role and query tag on the way (attr_rollup.c); the days the
 *            view did not report get their rows back;
 *   finish   the roll-up into attribution_daily and the idle compute of
 *            the window (the stored warehouse compute minus the
 *            attributed compute, so the two add up to it exactly) are
 *            sent as one pipeline: PostgreSQL runs them while Snowflake
 *            runs
 *   queries  the second query, the top attribution_top_queries
 *            parameterized hashes per day and warehouse with the rest
 *            folded into '(other)', streamed the same way into
 *            attributed_queries.
 * Memory holds one ODBC block, one COPY line and the roll-up's groups
 * (bounded: see attr_rollup.h).
 *
 * A role that cannot read the view (or an edition without it: SQLSTATE
 * classes 42, 28, 0A) is not a failure: one warning, attribution skipped,
 * the costs synced, and attribution_state says so for budgetcheck.  Each
 * query is executed before anything of its table is touched, so a
 * refusal never aborts the PostgreSQL transaction.  Anything else failing
 * fails the connector.
 */
#include "attr_rollup.h"
#include "clock.h"
#include "copytext.h"
#include "costsync.h"
#include "db.h"
#include "exitcode.h"
#include "fg_sql_costs.h"
#include "log.h"
#include "tool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* clang-format off */
static const char sql_old_costs[] =
	"CREATE TEMP TABLE cs_old_costs (day date, warehouse text, user_name text, role_name text,"
	" query_tag text, queries bigint, credits numeric, credits_qas numeric, rate numeric, qas_rate numeric,"
	" currency text) ON COMMIT DROP";
static const char sql_old_queries[] =
	"CREATE TEMP TABLE cs_old_queries (day date, warehouse text, query_hash text, queries bigint,"
	" sample_query_id text, credits numeric, credits_qas numeric, rate numeric, qas_rate numeric,"
	" currency text) ON COMMIT DROP";
static const char sql_roll[] =
	"CREATE TEMP TABLE cs_roll (day date NOT NULL, dimension text NOT NULL, name text NOT NULL,"
	" queries bigint NOT NULL, credits numeric NOT NULL, credits_qas numeric NOT NULL) ON COMMIT DROP";
static const char sql_rates[] =
	"SELECT CAST(day AS text), CAST(rate AS text), CAST(qas_rate AS text) FROM cs_attr_rate ORDER BY day";

struct attr_query {
	const struct fg_sql *sql;	/* run in Snowflake */
	const char *old;		/* the table the stored rows are set aside in */
	const struct fg_sql *set_aside, *restore;
	const char *copy;		/* literal COPY ... FROM STDIN */
	int ncols;
	unsigned numeric;		/* bit i: column i must be a number */
	const char *cols[8];		/* Snowflake's names, for messages */
};

/* Each row is copied as: connector, its columns, rate, qas_rate, currency. */
static const struct attr_query q_costs = {
	&fg_sql_costs_extract_attribution, sql_old_costs, &fg_sql_costs_attribution_set_aside_costs,
	&fg_sql_costs_attribution_restore_costs,
	"COPY attributed_costs (connector, day, warehouse, user_name, role_name, query_tag, queries, credits,"
	" credits_qas, rate, qas_rate, currency) FROM STDIN", 8, 7u << 5,
	{ "USAGE_DAY", "WAREHOUSE_NAME", "USER_NAME", "ROLE_NAME", "QUERY_TAG", "QUERIES",
	  "CREDITS_ATTRIBUTED_COMPUTE", "CREDITS_USED_QUERY_ACCELERATION" },
};
static const struct attr_query q_queries = {
	&fg_sql_costs_extract_attribution_queries, sql_old_queries, &fg_sql_costs_attribution_set_aside_queries,
	&fg_sql_costs_attribution_restore_queries,
	"COPY attributed_queries (connector, day, warehouse, query_hash, queries, sample_query_id, credits,"
	" credits_qas, rate, qas_rate, currency) FROM STDIN", 7, (1u << 3) | (3u << 5),
	{ "USAGE_DAY", "WAREHOUSE_NAME", "QUERY_PARAMETERIZED_HASH", "QUERIES", "SAMPLE_QUERY_ID",
	  "CREDITS_ATTRIBUTED_COMPUTE", "CREDITS_USED_QUERY_ACCELERATION" },
};

static const char *const dims[3] = { "user", "role", "query_tag" };

/* clang-format on */

#define VIEW "SNOWFLAKE.ACCOUNT_USAGE.QUERY_ATTRIBUTION_HISTORY"

/* Aggregated rows above which the stored attribution is analysed. */
#define ATTR_ANALYZE_ROWS 50000

/* Groups of each roll-up kept in memory (about 72 bytes each with the key). */
#define ROLLUP_GROUPS 262144

/* One connector's attribution run. */
struct attr_run {
	const struct fg_connector *c;
	struct fg_odbc *src;
	PGconn *pg;
	const char *since, *until;
	long first;                /* day number of since */
	long ndays;                /* days in the window */
	char **rate;               /* per day: rate, qas_rate (NULL: unpriced) */
	bool *seen;                /* per day: the query being streamed reported it */
	char *days;                /* the seen days as a date[] literal */
	struct fg_rollup *roll[3]; /* per user, role and tag: a small table stays in cache */
	struct fg_copy_line line, key;
};

static bool refused(struct fg_odbc *src)
{
	const char *st = fg_odbc_last_sqlstate(src);
	return strncmp(st, "42", 2) == 0 || strncmp(st, "28", 2) == 0 || strncmp(st, "0A", 2) == 0;
}

/* Read the window's rates into r->rate. */
static int load_rates(struct attr_run *r)
{
	const struct fg_sql_arg args[] = { { "since", r->since },
					   { "until", r->until },
					   { "credit_price", r->c->credit_price } };
	int rc = fg_sql_exec(r->pg, "price attribution", &fg_sql_costs_attribution_rates, args,
			     FG_SQL_COUNT(args));
	if (rc < 0)
		return rc;
	PGresult *res = fg_db_query(r->pg, &rc, "price attribution", sql_rates, 0, NULL);
	if (res == NULL)
		return rc;
	for (int i = 0; i < PQntuples(res); i++) {
		long day;
		if (fg_date_parse(PQgetvalue(res, i, 0), &day) < 0 || day < r->first ||
		    day >= r->first + r->ndays)
			continue;
		for (int k = 0; k < 2; k++) {
			const char *v = fg_db_val(res, i, 1 + k);
			if (v != NULL && (r->rate[2 * (day - r->first) + k] = strdup(v)) == NULL)
				rc = FG_ERR_INTERNAL;
		}
	}
	PQclear(res);
	return rc;
}

static int check_row(const struct attr_run *r, const struct attr_query *q, long rowno, const char *const *row,
		     long *day)
{
	if (row[0] == NULL || fg_date_parse(row[0], day) < 0) {
		fg_error("connector '%s': malformed date '%s' in QUERY_ATTRIBUTION_HISTORY row %ld column %s;"
			 " nothing was written for this connector",
			 r->c->name, row[0] ? row[0] : "NULL", rowno, q->cols[0]);
		return FG_ERR_DATA;
	}
	if (*day < r->first || *day >= r->first + r->ndays) {
		fg_error(
			"connector '%s': date %s outside %s..%s in QUERY_ATTRIBUTION_HISTORY row %ld column %s;"
			" nothing was written for this connector",
			r->c->name, row[0], r->since, r->until, rowno, q->cols[0]);
		return FG_ERR_DATA;
	}
	for (int i = 1; i < q->ncols; i++) {
		if (!(q->numeric & (1u << i)) || (row[i] != NULL && fg_costsync_is_number(row[i])))
			continue;
		fg_error("connector '%s': malformed number '%.40s' in QUERY_ATTRIBUTION_HISTORY row %ld"
			 " column %s (day %s); nothing was written for this connector",
			 r->c->name, row[i] ? row[i] : "NULL", rowno, q->cols[i], row[0]);
		return FG_ERR_DATA;
	}
	if (r->rate[2 * (*day - r->first)] == NULL || r->rate[2 * (*day - r->first) + 1] == NULL) {
		fg_error("connector '%s': no rate in RATE_SHEET_DAILY on or before %s and no credit_price"
			 " to fall back on; set credit_price",
			 r->c->name, row[0]);
		return FG_ERR_DATA;
	}
	return 0;
}

/* Add the row of the first query to the roll-up: per user, role and tag. */
static int roll_row(struct attr_run *r, long rowno, const char *const *row)
{
	struct fg_dec credits, qas;
	const char *why = "not a number";
	char *end;
	long long n = strtoll(row[5], &end, 10);
	int rc;

	if (*end != '\0' || fg_dec_parse(row[6], &credits, &why) < 0 ||
	    fg_dec_parse(row[7], &qas, &why) < 0) {
		fg_error("connector '%s': cannot sum QUERY_ATTRIBUTION_HISTORY row %ld (day %s): %s;"
			 " nothing was written for this connector",
			 r->c->name, rowno, row[0], why);
		return FG_ERR_DATA;
	}
	for (int d = 0; d < 3; d++) {
		r->key.len = 0;
		if ((rc = fg_copy_put(&r->key, row[0], strlen(row[0]))) < 0 ||
		    (rc = fg_copy_put(&r->key, "\t", 1)) < 0 ||
		    (rc = fg_copy_put(&r->key, dims[d], strlen(dims[d]))) < 0 ||
		    (rc = fg_copy_put(&r->key, "\t", 1)) < 0 || (rc = fg_copy_field(&r->key, row[2 + d])) < 0)
			return rc;
		if ((rc = fg_rollup_add(r->roll[d], r->key.buf, r->key.len, n, credits, qas, &why)) < 0) {
			if (rc == FG_ERR_DATA)
				fg_error("connector '%s': cannot sum QUERY_ATTRIBUTION_HISTORY up to row %ld"
					 " (day %s): %s; nothing was written for this connector",
					 r->c->name, rowno, row[0], why);
			return rc;
		}
	}
	return 0;
}

/* The COPY line of a row: connector, its columns, the day's rates, currency. */
static int build_line(struct attr_run *r, const struct attr_query *q, long day, const char *const *row)
{
	struct fg_copy_line *l = &r->line;
	int rc;

	l->len = 0;
	if ((rc = fg_copy_field(l, r->c->name)) < 0)
		return rc;
	for (int i = 0; i < q->ncols + 3; i++) {
		const char *v = i < q->ncols       ? row[i]
				: i < q->ncols + 2 ? r->rate[2 * (day - r->first) + i - q->ncols]
						   : r->c->currency;
		if ((rc = fg_copy_put(l, "\t", 1)) < 0 || (rc = fg_copy_field(l, v)) < 0)
			return rc;
	}
	return fg_copy_put(l, "\n", 1);
}

/* The seen days as a date[] literal in r->days. */
static int seen_days(struct attr_run *r)
{
	struct fg_copy_line l = { 0 };
	int rc = fg_copy_put(&l, "{", 1);
	for (long i = 0; i < r->ndays && rc == 0; i++) {
		char d[16];
		if (!r->seen[i])
			continue;
		fg_date_format(r->first + i, d, sizeof(d));
		if (l.len > 1)
			rc = fg_copy_put(&l, ",", 1);
		if (rc == 0)
			rc = fg_copy_put(&l, d, strlen(d));
	}
	if (rc == 0)
		rc = fg_copy_put(&l, "}", 1);
	free(r->days);
	r->days = rc == 0 ? l.buf : NULL;
	if (rc < 0)
		fg_copy_line_release(&l);
	return rc;
}

/* Stream the rows of an executed query into its table (set aside, COPY, restore). */
static int stream(struct attr_run *r, const struct attr_query *q, struct fg_odbc_stmt *st, long *rows)
{
	const struct fg_sql_arg window[] = { { "connector", r->c->name },
					     { "since", r->since },
					     { "until", r->until } };
	const char *const *row;
	long day;
	int rc;

	memset(r->seen, 0, (size_t)r->ndays * sizeof(*r->seen));
	if ((rc = fg_db_exec(r->pg, "set stored attribution aside", q->old, 0, NULL)) < 0 ||
	    (rc = fg_sql_exec(r->pg, "set stored attribution aside", q->set_aside, window,
			      FG_SQL_COUNT(window))) < 0 ||
	    (rc = fg_costsync_copy_begin(r->pg, q->copy)) < 0)
		return rc;
	while ((rc = fg_odbc_fetch(st, &row)) > 0) {
		if (fg_interrupted) {
			fg_error(
				"connector '%s': interrupted while reading QUERY_ATTRIBUTION_HISTORY; nothing"
				" was written for this connector",
				r->c->name);
			rc = FG_ERR_TEMP;
			break;
		}
		if ((rc = check_row(r, q, fg_odbc_rows(st), row, &day)) < 0 ||
		    (q == &q_costs && (rc = roll_row(r, fg_odbc_rows(st), row)) < 0) ||
		    (rc = build_line(r, q, day, row)) < 0)
			break;
		if (PQputCopyData(r->pg, r->line.buf, (int)r->line.len) != 1) {
			fg_error("cannot send attribution rows to PostgreSQL: %s", PQerrorMessage(r->pg));
			rc = FG_ERR_TEMP;
			break;
		}
		r->seen[day - r->first] = true;
		(*rows)++;
	}
	if (rc == FG_ERR)
		rc = FG_ERR_TEMP;
	int rc2 = fg_costsync_copy_end(r->pg, rc == 0);
	if ((rc = rc < 0 ? rc : rc2) < 0 || (rc = seen_days(r)) < 0)
		return rc;
	const struct fg_sql_arg back[] = { { "connector", r->c->name }, { "days", r->days } };
	return fg_sql_exec(r->pg, "restore unreported attribution", q->restore, back, FG_SQL_COUNT(back));
}

/*
 * Execute q in Snowflake.  Returns 0 with *st, 1 when the view is refused
 * (the reason in a->reason), or < 0 after logging.
 */
static int execute(struct attr_run *r, const struct attr_query *q, struct fg_costsync_attr *a,
		   struct fg_odbc_stmt **st)
{
	char lo[16], hi[16], top[16];
	int rc;

	fg_date_format(r->first - 1, lo, sizeof(lo));
	fg_date_format(r->first + r->ndays + 1, hi, sizeof(hi));
	snprintf(top, sizeof(top), "%d", r->c->attribution_top_queries);
	const struct fg_sql_arg args[] = { { "since", r->since },
					   { "until", r->until },
					   { "scan_from", lo },
					   { "scan_before", hi },
					   { "top_queries", top } };
	/* the first query has no :top_queries */
	int nargs = q == &q_costs ? FG_SQL_COUNT(args) - 1 : FG_SQL_COUNT(args);

	fg_debug("connector '%s': read QUERY_ATTRIBUTION_HISTORY (%d of 2)", r->c->name,
		 q == &q_costs ? 1 : 2);
	fg_odbc_set_quiet(r->src, true);
	rc = fg_sql_odbc_query(r->src, "read QUERY_ATTRIBUTION_HISTORY", q->sql, args, nargs,
			       r->c->query_timeout, st);
	fg_odbc_set_quiet(r->src, false);
	if (rc < 0 && rc != FG_ERR_TEMP && refused(r->src)) {
		snprintf(a->reason, sizeof(a->reason), "cannot read " VIEW ": %s",
			 fg_odbc_last_error(r->src));
		fg_warn("connector '%s': %s; cost attribution skipped, costs synced: grant the role"
			" access to the view (Enterprise Edition and later)",
			r->c->name, a->reason);
		return 1;
	}
	if (rc < 0) {
		if (rc != FG_ERR_TEMP)
			fg_error("connector '%s': cannot read " VIEW ": %s", r->c->name,
				 fg_odbc_last_error(r->src));
		return FG_ERR_TEMP;
	}
	return 0;
}

static int put_copy(void *arg, const char *line, size_t len)
{
	PGconn *pg = arg;
	if (PQputCopyData(pg, line, (int)len) != 1) {
		fg_error("cannot send the attribution roll-up to PostgreSQL: %s", PQerrorMessage(pg));
		return FG_ERR_TEMP;
	}
	return 0;
}

/* COPY the roll-up into cs_roll, then send the statements that finish the costs. */
static int finish_costs(struct attr_run *r, struct fg_db_batch *b, long rows)
{
	const struct fg_sql_arg conn[] = { { "connector", r->c->name } };
	const struct fg_sql_arg days[] = { { "connector", r->c->name }, { "days", r->days } };
	const struct fg_sql_arg window[] = { { "connector", r->c->name },
					     { "since", r->since },
					     { "until", r->until } };
	const struct fg_sql_arg idle[] = { { "connector", r->c->name },
					   { "since", r->since },
					   { "until", r->until },
					   { "currency", r->c->currency } };
	int rc;

	if ((rc = fg_db_exec(r->pg, "stage the attribution roll-up", sql_roll, 0, NULL)) < 0 ||
	    (rc = fg_costsync_copy_begin(
		     r->pg,
		     "COPY cs_roll (day, dimension, name, queries, credits, credits_qas) FROM STDIN")) < 0)
		return rc;
	for (int d = 0; d < 3 && rc == 0; d++)
		rc = fg_rollup_emit(r->roll[d], put_copy, r->pg);
	int rc2 = fg_costsync_copy_end(r->pg, rc == 0);
	if ((rc = rc < 0 ? rc : rc2) < 0 || (rc = fg_db_batch_begin(b, r->pg)) < 0)
		return rc;
	fg_sql_batch_add(b, "clear the attribution roll-up", &fg_sql_costs_attribution_rollup_clear, days,
			 FG_SQL_COUNT(days));
	fg_sql_batch_add(b, "roll attribution up", &fg_sql_costs_attribution_rollup, conn,
			 FG_SQL_COUNT(conn));
	fg_sql_batch_add(b, "clear idle compute", &fg_sql_costs_attribution_idle_clear, window,
			 FG_SQL_COUNT(window));
	fg_sql_batch_add(b, "compute idle compute", &fg_sql_costs_attribution_idle, idle, FG_SQL_COUNT(idle));
	/* after a big load the planner of budgetcheck's next run guesses until
	 * autovacuum comes by: its evaluation took 35 s instead of 1.5 */
	if (rows > ATTR_ANALYZE_ROWS)
		fg_db_batch_add(b, "analyse attribution", "ANALYZE attributed_costs, attribution_daily", 0,
				NULL);
	return 0;
}

static int run(struct attr_run *r, struct fg_costsync_attr *a)
{
	struct fg_odbc_stmt *st = NULL;
	struct fg_db_batch b;
	int rc;

	if ((rc = execute(r, &q_costs, a, &st)) != 0)
		return rc < 0 ? rc : 0;
	rc = load_rates(r);
	if (rc == 0)
		rc = stream(r, &q_costs, st, &a->rows);
	fg_odbc_stmt_free(st);
	st = NULL;
	if (rc < 0 || (rc = finish_costs(r, &b, a->rows)) < 0)
		return rc;
	a->available = true;
	/* Snowflake ranks the query hashes while PostgreSQL finishes the costs */
	int q = execute(r, &q_queries, a, &st);
	if ((rc = fg_db_batch_end(&b)) < 0 || q < 0) {
		fg_odbc_stmt_free(st);
		return rc < 0 ? rc : q;
	}
	if (q == 1) /* the costs were read, only the hashes are missing */
		return 0;
	rc = stream(r, &q_queries, st, &a->qrows);
	fg_odbc_stmt_free(st);
	return rc;
}

int fg_costsync_attr_sync(const struct fg_connector *c, struct fg_odbc *src, PGconn *pg, const char *since,
			  const char *until, struct fg_costsync_attr *a)
{
	struct attr_run r = { .c = c, .src = src, .pg = pg, .since = since, .until = until };
	long u;
	char now[32];
	int rc;

	a->available = false;
	a->rows = a->qrows = 0;
	a->reason[0] = '\0';
	if (fg_date_parse(since, &r.first) < 0 || fg_date_parse(until, &u) < 0 || u < r.first)
		return FG_ERR_INTERNAL;
	r.ndays = u - r.first + 1;
	r.rate = calloc((size_t)r.ndays * 2, sizeof(*r.rate));
	r.seen = calloc((size_t)r.ndays, sizeof(*r.seen));
	for (int d = 0; d < 3; d++)
		r.roll[d] = fg_rollup_new(ROLLUP_GROUPS);
	rc = r.rate && r.seen && r.roll[0] && r.roll[1] && r.roll[2] ? run(&r, a) : FG_ERR_INTERNAL;
	for (long i = 0; r.rate && i < 2 * r.ndays; i++)
		free(r.rate[i]);
	free(r.rate);
	free(r.seen);
	free(r.days);
	for (int d = 0; d < 3; d++)
		fg_rollup_free(r.roll[d]);
	fg_copy_line_release(&r.line);
	fg_copy_line_release(&r.key);
	if (rc < 0)
		return rc;

	fg_timestamp_format(fg_now(), now, sizeof(now));
	const struct fg_sql_arg state[] = { { "connector", c->name },
					    { "available", a->available ? "true" : "false" },
					    { "now", now },
					    { "reason", a->available ? NULL : a->reason } };
	return fg_sql_exec(pg, "record attribution state", &fg_sql_costs_attribution_state, state,
			   FG_SQL_COUNT(state));
}
