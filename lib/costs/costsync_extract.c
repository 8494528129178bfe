/*
 * costsync_extract.c - read the cost views and stream them into COPY.
 *
 * The queries, in sql/costs/extract/, run unchanged on Snowflake and on
 * the simulator (see odbc.h): three-part names, UTC days by
 * CAST(CONVERT_TIMEZONE('UTC', col) AS DATE), dates bound as parameters
 * written CAST(:since AS DATE), DECIMAL(p,s) casts, GROUP BY pushed down,
 * no session statements.  Hourly views also get a sargable bound on the
 * raw timestamp widened by a day on each side, so whatever the session
 * time zone is, no row of the window is missed and both engines can prune.
 *
 * Each result row becomes one or more staging rows
 *   kind ('c' credits, 's' storage bytes, 't' transfer bytes), day,
 *   service_type, entity, credits, quantity
 * written with PQputCopyData as it arrives: memory holds one ODBC block
 * and one COPY line, whatever the size of the window.  Numbers are checked
 * before they are sent (PostgreSQL would also refuse them, but could not
 * say which view and row they came from).
 */
#include "clock.h"
#include "copytext.h"
#include "costsync.h"
#include "exitcode.h"
#include "fg_sql_costs.h"
#include "log.h"
#include "progress.h"
#include "tool.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* clang-format off */
enum source { SRC_WAREHOUSE, SRC_DAILY, SRC_STORAGE, SRC_TRANSFER, SRC_RATES };

struct query {
	enum source src;
	const char *view;
	const struct fg_sql *sql;	/* sql/costs/extract/ */
	bool hourly;		/* takes the widened bounds too */
	const char *cols[5];	/* Snowflake's names, for messages */
	unsigned numeric;	/* bit i: column i must be a number */
};

static const struct query queries[] = {
	{ SRC_WAREHOUSE, "WAREHOUSE_METERING_HISTORY", &fg_sql_costs_extract_warehouse, true,
	  { "USAGE_DAY", "WAREHOUSE_NAME", "CREDITS_USED_COMPUTE" }, 1u << 2 },
	{ SRC_DAILY, "METERING_DAILY_HISTORY", &fg_sql_costs_extract_daily, false,
	  { "USAGE_DATE", "SERVICE_TYPE", "CREDITS_USED_COMPUTE", "CREDITS_USED_CLOUD_SERVICES",
	    "CREDITS_ADJUSTMENT_CLOUD_SERVICES" }, 7u << 2 },
	{ SRC_STORAGE, "STORAGE_USAGE", &fg_sql_costs_extract_storage, false, { "USAGE_DATE", "BYTES" }, 1u << 1 },
	{ SRC_TRANSFER, "DATA_TRANSFER_HISTORY", &fg_sql_costs_extract_transfer, true,
	  { "USAGE_DAY", "BYTES_TRANSFERRED" }, 1u << 1 },
};

static const struct query rates_query = {
	SRC_RATES, "RATE_SHEET_DAILY", &fg_sql_costs_extract_rates, false,
	{ "DATE", "USAGE_TYPE", "CURRENCY", "EFFECTIVE_RATE" }, 1u << 3,
};

/* clang-format on */

/* Append a field (NULL as \N) in COPY text format, then sep. */
static int line_field(struct fg_copy_line *l, const char *v, char sep)
{
	int rc = fg_copy_field(l, v);
	return rc == 0 ? fg_copy_put(l, &sep, 1) : rc;
}

/* Send one staging row: kind, day, service_type, entity, credits, quantity. */
static int stage_row(PGconn *pg, struct fg_copy_line *l, const char *kind, const char *day, const char *svc,
		     const char *entity, const char *credits, const char *quantity)
{
	int rc;
	l->len = 0;
	if ((rc = line_field(l, kind, '\t')) < 0 || (rc = line_field(l, day, '\t')) < 0 ||
	    (rc = line_field(l, svc, '\t')) < 0 || (rc = line_field(l, entity ? entity : "", '\t')) < 0 ||
	    (rc = line_field(l, credits, '\t')) < 0 || (rc = line_field(l, quantity, '\n')) < 0)
		return rc;
	if (PQputCopyData(pg, l->buf, (int)l->len) != 1) {
		fg_error("cannot send cost rows to PostgreSQL: %s", PQerrorMessage(pg));
		return FG_ERR_TEMP;
	}
	return 0;
}

bool fg_costsync_is_number(const char *s)
{
	bool digits = false;
	if (*s == '+' || *s == '-')
		s++;
	while (isdigit((unsigned char)*s)) {
		s++;
		digits = true;
	}
	if (*s == '.') {
		s++;
		while (isdigit((unsigned char)*s)) {
			s++;
			digits = true;
		}
	}
	if (!digits)
		return false;
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!isdigit((unsigned char)*s))
			return false;
		while (isdigit((unsigned char)*s))
			s++;
	}
	return *s == '\0';
}

static int check_row(const struct fg_connector *c, const struct query *q, long rowno, const char *const *row)
{
	long day;
	if (row[0] == NULL || fg_date_parse(row[0], &day) < 0) {
		fg_error("connector '%s': malformed date '%s' in %s row %ld column %s; nothing was written"
			 " for this connector",
			 c->name, row[0] ? row[0] : "NULL", q->view, rowno, q->cols[0]);
		return FG_ERR_DATA;
	}
	for (int i = 1; i < 5 && q->cols[i]; i++) {
		if (!(q->numeric & (1u << i)) || row[i] == NULL || fg_costsync_is_number(row[i]))
			continue;
		fg_error("connector '%s': malformed number '%.40s' in %s row %ld column %s (day %s);"
			 " nothing was written for this connector",
			 c->name, row[i], q->view, rowno, q->cols[i], row[0]);
		return FG_ERR_DATA;
	}
	return 0;
}

static int emit(PGconn *pg, struct fg_copy_line *l, const struct query *q, const char *const *row)
{
	int rc = 0;
	const char *day = row[0];

	switch (q->src) {
	case SRC_WAREHOUSE:
		return stage_row(pg, l, "c", day, "WAREHOUSE_METERING", row[1], row[2], NULL);
	case SRC_DAILY:
		/* warehouse compute comes per warehouse from the hourly view */
		if (row[1] == NULL || strcmp(row[1], "WAREHOUSE_METERING") != 0)
			rc = stage_row(pg, l, "c", day, row[1] ? row[1] : "", "", row[2], NULL);
		/* billed cloud services: used + adjustment, summed over service types */
		if (rc == 0 && row[3] != NULL)
			rc = stage_row(pg, l, "c", day, "CLOUD_SERVICES", "", row[3], NULL);
		if (rc == 0 && row[4] != NULL)
			rc = stage_row(pg, l, "c", day, "CLOUD_SERVICES", "", row[4], NULL);
		return rc;
	case SRC_STORAGE:
		return stage_row(pg, l, "s", day, "STORAGE", "", NULL, row[1]);
	case SRC_TRANSFER:
		return stage_row(pg, l, "t", day, "DATA_TRANSFER", "", NULL, row[1]);
	case SRC_RATES:
		l->len = 0;
		if ((rc = line_field(l, day, '\t')) < 0 || (rc = line_field(l, row[1], '\t')) < 0 ||
		    (rc = line_field(l, row[2], '\t')) < 0 || (rc = line_field(l, row[3], '\n')) < 0)
			return rc;
		if (PQputCopyData(pg, l->buf, (int)l->len) != 1) {
			fg_error("cannot send rates to PostgreSQL: %s", PQerrorMessage(pg));
			return FG_ERR_TEMP;
		}
		return 0;
	}
	return FG_ERR_INTERNAL;
}

/*
 * A query Snowflake refuses for good (no such view, no privilege, a
 * feature not supported: SQLSTATE classes 42, 28, 0A) will be refused
 * again: exit 69.  Anything else that failed while running may pass on
 * the next run: exit 75.
 */
static int refused_or_failed(struct fg_odbc *src)
{
	return fg_odbc_refused(src) ? FG_ERR_PERM : FG_ERR_TEMP;
}

static int run_query(const struct fg_connector *c, struct fg_odbc *src, PGconn *pg, struct fg_copy_line *l,
		     const struct query *q, const struct fg_sql_arg *args, int nargs, long *rows_read)
{
	struct fg_odbc_stmt *st = NULL;
	const char *const *row;
	char what[96];
	int rc;

	snprintf(what, sizeof(what), "read %s", q->view);
	fg_debug("connector '%s': %s", c->name, what);
	/* Snowflake refusing a query that is not a timeout or a lost connection
	 * (no such view, no privilege) will refuse it again: exit 69, not 70 */
	struct fg_progress prog;
	char label[160];
	snprintf(label, sizeof(label), "connector '%s': %s", c->name, q->view);
	fg_progress_start(&prog, label, "rows", 0);
	if ((rc = fg_sql_odbc_query(src, what, q->sql, args, nargs, c->query_timeout, &st)) < 0) {
		fg_progress_end(&prog);
		return rc == FG_ERR ? refused_or_failed(src) : rc;
	}
	while ((rc = fg_odbc_fetch(st, &row)) >= 0) {
		if (fg_interrupted) {
			fg_error("connector '%s': interrupted while reading %s; nothing was written for"
				 " this connector",
				 c->name, q->view);
			rc = FG_ERR_TEMP;
			break;
		}
		if (rc == 0)
			break;
		if ((rc = check_row(c, q, fg_odbc_rows(st), row)) < 0 || (rc = emit(pg, l, q, row)) < 0)
			break;
		(*rows_read)++;
		fg_progress_add(&prog, 1);
	}
	fg_progress_end(&prog);
	fg_odbc_stmt_free(st);
	if (rc == FG_ERR)
		rc = refused_or_failed(src);
	return rc < 0 ? rc : 0;
}

int fg_costsync_copy_begin(PGconn *pg, const char *sql)
{
	PGresult *r = PQexec(pg, sql); /* fg_db_lint_ok: literal COPY ... FROM STDIN */
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		int rc = fg_db_fail(pg, r, "start COPY of source rows");
		PQclear(r);
		return rc;
	}
	PQclear(r);
	return 0;
}

int fg_costsync_copy_end(PGconn *pg, bool ok)
{
	PGresult *r;
	int rc = 0;

	if (PQputCopyEnd(pg, ok ? NULL : "costsync: source read failed") != 1) {
		if (ok)
			fg_error("cannot finish COPY of source rows: %s", PQerrorMessage(pg));
		return FG_ERR_TEMP;
	}
	while ((r = PQgetResult(pg)) != NULL) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK && ok && rc == 0) {
			rc = fg_db_fail(pg, r, "store cost rows");
		}
		PQclear(r);
	}
	return rc;
}

int fg_costsync_extract(const struct fg_connector *c, struct fg_odbc *src, PGconn *pg, const char *since,
			const char *until, struct fg_costsync_stats *stats)
{
	struct fg_copy_line l = { 0 };
	char lo[16], hi[16];
	long s, u;
	int rc;

	if (fg_date_parse(since, &s) < 0 || fg_date_parse(until, &u) < 0)
		return FG_ERR_INTERNAL;
	fg_date_format(s - 1, lo, sizeof(lo));
	fg_date_format(u + 2, hi, sizeof(hi));
	const struct fg_sql_arg hourly[] = {
		{ "since", since }, { "until", until }, { "scan_from", lo }, { "scan_before", hi }
	};
	const struct fg_sql_arg daily[] = { { "since", since }, { "until", until } };

	rc = fg_costsync_copy_begin(
		pg, "COPY cs_stage (kind, day, service_type, entity, credits, quantity) FROM STDIN");
	for (size_t i = 0; rc == 0 && i < sizeof(queries) / sizeof(queries[0]); i++) {
		const struct query *q = &queries[i];
		rc = run_query(c, src, pg, &l, q, q->hourly ? hourly : daily,
			       q->hourly ? FG_SQL_COUNT(hourly) : FG_SQL_COUNT(daily), &stats->rows_read);
		if (rc < 0)
			fg_costsync_copy_end(pg, false);
		else if (i + 1 == sizeof(queries) / sizeof(queries[0]))
			rc = fg_costsync_copy_end(pg, true);
	}
	if (rc == 0 && c->use_org_rates) {
		rc = fg_costsync_copy_begin(pg, "COPY cs_rates (day, usage_type, currency, rate) FROM STDIN");
		if (rc == 0) {
			rc = run_query(c, src, pg, &l, &rates_query, daily, FG_SQL_COUNT(daily),
				       &stats->rows_read);
			int rc2 = fg_costsync_copy_end(pg, rc == 0);
			rc = rc < 0 ? rc : rc2;
		}
	}
	fg_copy_line_release(&l);
	return rc;
}
