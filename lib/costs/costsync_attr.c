/*
 * costsync_attr.c - who spent the warehouse compute: QUERY_ATTRIBUTION_HISTORY
 * into attributed_costs, attributed_queries, attribution_daily and
 * warehouse_idle.
 *
 * Inside the connector's transaction, once daily_costs holds the window:
 *   rates    the day's compute and Query Acceleration rates, read once
 *            (attribution/rates.sql);
 *   hashes   a thread starts reading the top query hashes on a second
 *            connection into a temporary file (attr_read.c);
 *   costs    the costs query runs in Snowflake; the stored rows of the
 *            window are set aside and the result streams by COPY straight
 *            into attributed_costs, each row with its day's rates
 *            (PostgreSQL prices it: generated columns, migration 015),
 *            summed per day and user, role and query tag on the way
 *            (attr_rollup.c); the days the view did not report get their
 *            rows back;
 *   finish   the roll-up into attribution_daily, the idle compute of the
 *            window (the stored warehouse compute minus the attributed
 *            compute, so the two add up to it exactly);
 *   hashes   the thread's file is copied into attributed_queries the
 *            same way (set aside, COPY, restore).
 * Memory holds two ODBC blocks, a COPY line and the roll-up's groups
 * (bounded: see attr_rollup.h).
 *
 * A role that cannot read the view (or an edition without it: SQLSTATE
 * classes 42, 28, 0A) is not a failure: one warning, attribution skipped,
 * the costs synced, and attribution_state says so for budgetcheck.  A
 * query is executed before anything of its table is touched, so a
 * refusal never aborts the PostgreSQL transaction.  Anything else failing
 * fails the connector.
 */
#include "attr_read.h"
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
static const char sql_roll[] =
	"CREATE TEMP TABLE cs_roll (day date NOT NULL, dimension text NOT NULL, name text NOT NULL,"
	" queries bigint NOT NULL, credits numeric NOT NULL, credits_qas numeric NOT NULL) ON COMMIT DROP";
static const char sql_rates[] =
	"SELECT CAST(day AS text), CAST(rate AS text), CAST(qas_rate AS text) FROM cs_attr_rate ORDER BY day";

/* What the credits are summed by, and the column of each: per user, role
 * and tag for attribution_daily, per warehouse for the idle compute. */
#define NDIMS 4
static const char *const dims[NDIMS] = { "user", "role", "query_tag", "warehouse" };
static const int dim_col[NDIMS] = { 2, 3, 4, 1 };

/* clang-format on */

/* Aggregated rows above which the stored attribution is analysed. */
#define ATTR_ANALYZE_ROWS 50000

/* Groups of each roll-up kept in memory (about 72 bytes each with the key). */
#define ROLLUP_GROUPS 262144

/* One connector's attribution run. */
struct attr_run {
	struct attr_window w;
	PGconn *pg;
	char **rate;                   /* w.rate, owned */
	bool *seen;                    /* per day: the costs query reported it */
	char *days;                    /* seen days as a date[] literal */
	char *unseen;                  /* the other days of the window */
	struct fg_rollup *roll[NDIMS]; /* one per dimension: a small table stays in cache */
	struct fg_copy_line key;
};

/* Read the window's rates into r->rate. */
static int load_rates(struct attr_run *r)
{
	const struct fg_sql_arg args[] = { { "since", r->w.since },
					   { "until", r->w.until },
					   { "credit_price", r->w.c->credit_price } };
	int rc = fg_sql_exec(r->pg, "price attribution", &fg_sql_costs_attribution_rates, args,
			     FG_SQL_COUNT(args));
	if (rc < 0)
		return rc;
	PGresult *res = fg_db_query(r->pg, &rc, "price attribution", sql_rates, 0, NULL);
	if (res == NULL)
		return rc;
	for (int i = 0; i < PQntuples(res); i++) {
		long day;
		if (fg_date_parse(PQgetvalue(res, i, 0), &day) < 0 || day < r->w.first ||
		    day >= r->w.first + r->w.ndays)
			continue;
		for (int k = 0; k < 2; k++) {
			const char *v = fg_db_val(res, i, 1 + k);
			if (v != NULL && (r->rate[2 * (day - r->w.first) + k] = strdup(v)) == NULL)
				rc = FG_ERR_INTERNAL;
		}
	}
	PQclear(res);
	return rc;
}

/* Add a row of the costs query to the roll-ups. */
static int roll_row(void *arg, long rowno, const char *const *row)
{
	struct attr_run *r = arg;
	struct fg_dec credits, qas;
	const char *why = "not a number";
	char *end;
	long long n = strtoll(row[5], &end, 10);
	int rc;

	if (*end != '\0' || fg_dec_parse(row[6], &credits, &why) < 0 ||
	    fg_dec_parse(row[7], &qas, &why) < 0) {
		fg_error("connector '%s': cannot sum QUERY_ATTRIBUTION_HISTORY row %ld (day %s): %s;"
			 " nothing was written for this connector",
			 r->w.c->name, rowno, row[0], why);
		return FG_ERR_DATA;
	}
	for (int d = 0; d < NDIMS; d++) {
		/* "day\tdimension\t": the day is checked, YYYY-MM-DD */
		r->key.len = 0;
		char head[32];
		size_t dl = strlen(dims[d]);
		memcpy(head, row[0], 10);
		head[10] = '\t';
		memcpy(head + 11, dims[d], dl);
		head[11 + dl] = '\t';
		if ((rc = fg_copy_put(&r->key, head, 12 + dl)) < 0 ||
		    (rc = fg_copy_field(&r->key, row[dim_col[d]])) < 0)
			return rc;
		if ((rc = fg_rollup_add(r->roll[d], r->key.buf, r->key.len, n, credits, qas, &why)) < 0) {
			if (rc == FG_ERR_DATA)
				fg_error("connector '%s': cannot sum QUERY_ATTRIBUTION_HISTORY up to row %ld"
					 " (day %s): %s; nothing was written for this connector",
					 r->w.c->name, rowno, row[0], why);
			return rc;
		}
	}
	return 0;
}

/* The days of the window with seen[day] == which, as a date[] literal in *out. */
static int day_list(const struct attr_run *r, const bool *seen, bool which, char **out)
{
	struct fg_copy_line l = { 0 };
	int rc = fg_copy_put(&l, "{", 1);
	for (long i = 0; i < r->w.ndays && rc == 0; i++) {
		char d[16];
		if (seen[i] != which)
			continue;
		fg_date_format(r->w.first + i, d, sizeof(d));
		if (l.len > 1)
			rc = fg_copy_put(&l, ",", 1);
		if (rc == 0)
			rc = fg_copy_put(&l, d, strlen(d));
	}
	if (rc == 0)
		rc = fg_copy_put(&l, "}", 1);
	free(*out);
	*out = rc == 0 ? l.buf : NULL;
	if (rc < 0)
		fg_copy_line_release(&l);
	return rc;
}

static int put_copy(void *arg, const char *line, size_t len)
{
	PGconn *pg = arg;
	if (PQputCopyData(pg, line, (int)len) != 1) {
		fg_error("cannot send attribution rows to PostgreSQL: %s", PQerrorMessage(pg));
		return FG_ERR_TEMP;
	}
	return 0;
}

/* Set the stored rows of q's window aside and start the COPY of its table. */
static int replace_begin(struct attr_run *r, const struct attr_query *q)
{
	const struct fg_sql_arg window[] = { { "connector", r->w.c->name },
					     { "since", r->w.since },
					     { "until", r->w.until } };
	int rc;
	if ((rc = fg_db_exec(r->pg, "set stored attribution aside", q->old, 0, NULL)) < 0 ||
	    (rc = fg_sql_exec(r->pg, "set stored attribution aside", q->set_aside, window,
			      FG_SQL_COUNT(window))) < 0)
		return rc;
	return fg_costsync_copy_begin(r->pg, q->copy);
}

/* End the COPY (committing the rows when rc is 0) and put back the days not seen. */
static int replace_end(struct attr_run *r, const struct attr_query *q, int rc, const bool *seen)
{
	int rc2 = fg_costsync_copy_end(r->pg, rc == 0);
	if ((rc = rc < 0 ? rc : rc2) < 0 || (rc = day_list(r, seen, true, &r->days)) < 0)
		return rc;
	const struct fg_sql_arg back[] = { { "connector", r->w.c->name }, { "days", r->days } };
	return fg_sql_exec(r->pg, "restore unreported attribution", q->restore, back, FG_SQL_COUNT(back));
}

/* COPY the roll-up into cs_roll, store it, and recompute the idle compute
 * (r->days and r->unseen filled). */
static int finish_costs(struct attr_run *r, long rows)
{
	const struct fg_sql_arg conn[] = { { "connector", r->w.c->name } };
	const struct fg_sql_arg days[] = { { "connector", r->w.c->name }, { "days", r->days } };
	const struct fg_sql_arg window[] = { { "connector", r->w.c->name },
					     { "since", r->w.since },
					     { "until", r->w.until } };
	const struct fg_sql_arg idle[] = { { "connector", r->w.c->name },
					   { "since", r->w.since },
					   { "until", r->w.until },
					   { "unseen", r->unseen },
					   { "currency", r->w.c->currency } };
	int rc;

	if ((rc = fg_db_exec(r->pg, "stage the attribution roll-up", sql_roll, 0, NULL)) < 0 ||
	    (rc = fg_costsync_copy_begin(
		     r->pg,
		     "COPY cs_roll (day, dimension, name, queries, credits, credits_qas) FROM STDIN")) < 0)
		return rc;
	for (int d = 0; d < NDIMS && rc == 0; d++)
		rc = fg_rollup_emit(r->roll[d], put_copy, r->pg);
	int rc2 = fg_costsync_copy_end(r->pg, rc == 0);
	if ((rc = rc < 0 ? rc : rc2) < 0 ||
	    (rc = fg_sql_exec(r->pg, "clear the attribution roll-up", &fg_sql_costs_attribution_rollup_clear,
			      days, FG_SQL_COUNT(days))) < 0 ||
	    (rc = fg_sql_exec(r->pg, "roll attribution up", &fg_sql_costs_attribution_rollup, conn,
			      FG_SQL_COUNT(conn))) < 0 ||
	    (rc = fg_sql_exec(r->pg, "clear idle compute", &fg_sql_costs_attribution_idle_clear, window,
			      FG_SQL_COUNT(window))) < 0 ||
	    (rc = fg_sql_exec(r->pg, "compute idle compute", &fg_sql_costs_attribution_idle, idle,
			      FG_SQL_COUNT(idle))) < 0)
		return rc;
	/* after a big load the planner of budgetcheck's next run guesses until
	 * autovacuum comes by: its evaluation took 35 s instead of 1.5 */
	if (rows > ATTR_ANALYZE_ROWS)
		rc = fg_db_exec(r->pg, "analyse attribution", "ANALYZE attributed_costs, attribution_daily",
				0, NULL);
	return rc;
}

static void warn_refused(const struct attr_run *r, const char *reason, const char *what)
{
	fg_warn("connector '%s': %s; %s: grant the role access to the view (Enterprise Edition and later)",
		r->w.c->name, reason, what);
}

static int run(struct attr_run *r, struct fg_odbc *src, struct fg_costsync_attr *a)
{
	struct fg_odbc_stmt *st = NULL;
	struct attr_reader *rd = NULL;
	char why[512];
	int rc;

	if ((rc = load_rates(r)) < 0 || (rc = attr_reader_start(&r->w, &attr_queries, &rd)) < 0)
		return rc;
	rc = attr_execute(&r->w, src, &attr_costs, a->reason, sizeof(a->reason), &st);
	if (rc == 0 && (rc = replace_begin(r, &attr_costs)) == 0) {
		struct attr_pump p = {
			.put = put_copy, .put_arg = r->pg, .each = roll_row, .each_arg = r, .seen = r->seen
		};
		rc = attr_pump(&r->w, &attr_costs, st, &p);
		a->rows = p.rows;
		rc = replace_end(r, &attr_costs, rc, r->seen);
	}
	fg_odbc_stmt_free(st);
	if (rc == 0 && (rc = day_list(r, r->seen, false, &r->unseen)) == 0 &&
	    (rc = finish_costs(r, a->rows)) == 0)
		a->available = true;
	int q = attr_reader_join(rd, rc != 0, why, sizeof(why));
	if (rc == 1)
		warn_refused(r, a->reason, "cost attribution skipped, costs synced");
	if (rc != 0 || q < 0) {
		attr_reader_free(rd);
		return rc == 1 ? 0 : rc < 0 ? rc : q;
	}
	if (q == 1) { /* the costs were read, only the hashes are missing */
		warn_refused(r, why, "query hashes skipped");
		attr_reader_free(rd);
		return 0;
	}
	if ((rc = replace_begin(r, &attr_queries)) == 0) {
		rc = attr_reader_emit(rd, put_copy, r->pg);
		rc = replace_end(r, &attr_queries, rc, attr_reader_seen(rd));
	}
	a->qrows = attr_reader_rows(rd);
	attr_reader_free(rd);
	return rc;
}

int fg_costsync_attr_sync(const struct fg_connector *c, struct fg_odbc *src, PGconn *pg, const char *since,
			  const char *until, struct fg_costsync_attr *a)
{
	struct attr_run r = { .w = { .c = c, .since = since, .until = until }, .pg = pg };
	long u;
	char now[32];
	int rc;

	a->available = false;
	a->rows = a->qrows = 0;
	a->reason[0] = '\0';
	if (fg_date_parse(since, &r.w.first) < 0 || fg_date_parse(until, &u) < 0 || u < r.w.first)
		return FG_ERR_INTERNAL;
	r.w.ndays = u - r.w.first + 1;
	r.rate = calloc((size_t)r.w.ndays * 2, sizeof(*r.rate));
	r.w.rate = r.rate;
	r.seen = calloc((size_t)r.w.ndays, sizeof(*r.seen));
	bool ok = r.rate && r.seen;
	for (int d = 0; d < NDIMS; d++)
		ok &= (r.roll[d] = fg_rollup_new(ROLLUP_GROUPS)) != NULL;
	rc = ok ? run(&r, src, a) : FG_ERR_INTERNAL;
	for (long i = 0; r.rate && i < 2 * r.w.ndays; i++)
		free(r.rate[i]);
	free(r.rate);
	free(r.seen);
	free(r.days);
	free(r.unseen);
	for (int d = 0; d < NDIMS; d++)
		fg_rollup_free(r.roll[d]);
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
