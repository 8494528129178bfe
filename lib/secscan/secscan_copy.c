/*
 * secscan_copy.c - stream ODBC result rows into PostgreSQL with COPY.
 *
 * Rows are escaped for COPY text format (fg_copy_field), prefixed with
 * the connector name, and sent in blocks of FLUSH_BYTES, so memory stays
 * bounded whatever the number of rows.  A failure on either side ends the
 * COPY (aborting it when the source failed) and leaves the caller's
 * transaction to be rolled back.
 */
#include "copytext.h"
#include "db.h"
#include "exitcode.h"
#include "log.h"
#include "odbc.h"
#include "secscan.h"

#define FLUSH_BYTES (256 * 1024)

static int put(PGconn *db, struct fg_copy_line *b, bool force)
{
	if (b->len == 0 || (!force && b->len < FLUSH_BYTES))
		return 0;
	if (PQputCopyData(db, b->buf, (int)b->len) != 1) {
		fg_error("cannot copy into PostgreSQL: %s", PQerrorMessage(db));
		return fg_db_classify(db, NULL);
	}
	b->len = 0;
	return 0;
}

static int copy_end(PGconn *db, const char *errmsg)
{
	int rc = 0;
	PGresult *r;

	if (PQputCopyEnd(db, errmsg) != 1) {
		fg_error("cannot finish copy into PostgreSQL: %s", PQerrorMessage(db));
		rc = fg_db_classify(db, NULL);
	}
	while ((r = PQgetResult(db)) != NULL) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK && errmsg == NULL && rc == 0) {
			rc = fg_db_fail(db, r, "copy into PostgreSQL");
		}
		PQclear(r);
	}
	return rc;
}

int fg_sec_copy_rows(PGconn *db, const char *copy_sql, const char *connector, struct fg_odbc_stmt *st,
		     const int *cols, int ncols, long *rows)
{
	struct fg_copy_line b = { 0 };
	const char *const *row;
	PGresult *r;
	int rc;

	r = PQexec(db, copy_sql); /* fg_db_lint_ok: literal COPY ... FROM STDIN */
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		rc = fg_db_fail(db, r, "start copy into PostgreSQL");
		PQclear(r);
		return rc;
	}
	PQclear(r);
	while ((rc = fg_odbc_fetch(st, &row)) > 0) {
		if (fg_interrupted) {
			rc = FG_ERR_TEMP;
			break;
		}
		rc = fg_copy_field(&b, connector);
		for (int i = 0; rc == 0 && i < ncols; i++)
			if ((rc = fg_copy_put(&b, "\t", 1)) == 0)
				rc = fg_copy_field(&b, row[cols ? cols[i] : i]);
		if (rc < 0 || fg_copy_put(&b, "\n", 1) < 0) {
			rc = FG_ERR_INTERNAL;
			break;
		}
		(*rows)++;
		if ((rc = put(db, &b, false)) < 0)
			break;
	}
	if (rc == 0)
		rc = put(db, &b, true);
	fg_copy_line_release(&b);
	int rc2 = copy_end(db, rc < 0 ? "aborted" : NULL);
	return rc < 0 ? rc : rc2;
}
