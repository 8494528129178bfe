/*
 * attr_read.h - reading QUERY_ATTRIBUTION_HISTORY (for costsync_attr.c).
 *
 * Two queries run in Snowflake (sql/costs/extract/attribution*.sql):
 * credits per UTC day, warehouse, user, role and query tag; and per day
 * and warehouse the top attribution_top_queries parameterized hashes,
 * the rest folded into '(other)'.  Each row is checked and becomes a COPY
 * line of its table: connector, the row's columns, the day's rate and
 * qas_rate, currency.
 *
 * The query hashes are read by a thread of their own, on a second ODBC
 * connection, into a temporary file, while the main thread streams the
 * costs: Snowflake ranks the hashes meanwhile instead of after.  The
 * thread touches nothing but its connection, its file and the
 * read-only window; its error is kept (fg_log_capture) and logged by
 * attr_reader_join unless the main thread failed first.
 */
#ifndef FG_ATTR_READ_H
#define FG_ATTR_READ_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "connector.h"
#include "odbc.h"
#include "sqlfile.h"

struct attr_query {
	const struct fg_sql *sql; /* run in Snowflake */
	const char *old;          /* CREATE TEMP TABLE the stored rows are set aside in */
	const struct fg_sql *set_aside, *restore;
	const char *copy; /* literal COPY ... FROM STDIN */
	int ncols;
	unsigned numeric;    /* bit i: column i must be a number */
	const char *cols[8]; /* Snowflake's names, for messages */
};
extern const struct attr_query attr_costs, attr_queries;

/* What a run reads: the connector, its window and the rates of its days. */
struct attr_window {
	const struct fg_connector *c;
	const char *since, *until;
	long first;        /* day number of since */
	long ndays;        /* days in the window */
	char *const *rate; /* per day: rate, qas_rate (NULL: unpriced) */
};

/*
 * Execute q in Snowflake through src.  Returns 0 with *st, 1 when the
 * role may not read the view (why in reason, nothing logged), or < 0
 * after logging.
 */
int attr_execute(const struct attr_window *w, struct fg_odbc *src, const struct attr_query *q, char *reason,
		 size_t rlen, struct fg_odbc_stmt **st);

/*
 * Every row of st: checked, each (when not NULL) called with it, then
 * its COPY line passed to put; seen[day] set.  Stops when *stop or
 * fg_interrupted is set.  Returns 0, or < 0 after logging.
 */
struct attr_pump {
	int (*put)(void *arg, const char *line, size_t len);
	void *put_arg;
	int (*each)(void *arg, long rowno, const char *const *row);
	void *each_arg;
	bool *seen;
	long rows;
	const atomic_int *stop;
};
int attr_pump(const struct attr_window *w, const struct attr_query *q, struct fg_odbc_stmt *st,
	      struct attr_pump *p);

/* A reader thread: q read on a second connection into a temporary file. */
struct attr_reader;
/* Start it (w must outlive it).  Returns 0, or < 0 after logging. */
int attr_reader_start(const struct attr_window *w, const struct attr_query *q, struct attr_reader **out);
/*
 * Wait for it (after asking it to stop when `stop`, the caller having
 * failed).  Returns 0, 1 when the view was refused (the reason in
 * reason), or its failure (logged here unless `stop`).
 */
int attr_reader_join(struct attr_reader *rd, bool stop, char *reason, size_t rlen);
/* Its lines, to put; the days it saw; how many rows. */
int attr_reader_emit(struct attr_reader *rd, int (*put)(void *arg, const char *line, size_t len), void *arg);
const bool *attr_reader_seen(const struct attr_reader *rd);
long attr_reader_rows(const struct attr_reader *rd);
void attr_reader_free(struct attr_reader *rd);

#endif
