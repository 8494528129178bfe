/*
 * attr_read.c - reading QUERY_ATTRIBUTION_HISTORY (see attr_read.h).
 */
#include "attr_read.h"
#include "clock.h"
#include "copytext.h"
#include "costsync.h"
#include "exitcode.h"
#include "fg_sql_costs.h"
#include "log.h"
#include "tool.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* clang-format off */
const struct attr_query attr_costs = {
	&fg_sql_costs_extract_attribution,
	"CREATE TEMP TABLE cs_old_costs (day date, warehouse text, user_name text, role_name text,"
	" query_tag text, queries bigint, credits numeric, credits_qas numeric, rate numeric, qas_rate numeric,"
	" currency text) ON COMMIT DROP",
	&fg_sql_costs_attribution_set_aside_costs, &fg_sql_costs_attribution_restore_costs,
	"COPY attributed_costs (connector, day, warehouse, user_name, role_name, query_tag, queries, credits,"
	" credits_qas, rate, qas_rate, currency) FROM STDIN", 8, 7u << 5,
	{ "USAGE_DAY", "WAREHOUSE_NAME", "USER_NAME", "ROLE_NAME", "QUERY_TAG", "QUERIES",
	  "CREDITS_ATTRIBUTED_COMPUTE", "CREDITS_USED_QUERY_ACCELERATION" },
};
const struct attr_query attr_queries = {
	&fg_sql_costs_extract_attribution_queries,
	"CREATE TEMP TABLE cs_old_queries (day date, warehouse text, query_hash text, queries bigint,"
	" sample_query_id text, credits numeric, credits_qas numeric, rate numeric, qas_rate numeric,"
	" currency text) ON COMMIT DROP",
	&fg_sql_costs_attribution_set_aside_queries, &fg_sql_costs_attribution_restore_queries,
	"COPY attributed_queries (connector, day, warehouse, query_hash, queries, sample_query_id, credits,"
	" credits_qas, rate, qas_rate, currency) FROM STDIN", 7, (1u << 3) | (3u << 5),
	{ "USAGE_DAY", "WAREHOUSE_NAME", "QUERY_PARAMETERIZED_HASH", "QUERIES", "SAMPLE_QUERY_ID",
	  "CREDITS_ATTRIBUTED_COMPUTE", "CREDITS_USED_QUERY_ACCELERATION" },
};
/* clang-format on */

#define VIEW "SNOWFLAKE.ACCOUNT_USAGE.QUERY_ATTRIBUTION_HISTORY"

int attr_execute(const struct attr_window *w, struct fg_odbc *src, const struct attr_query *q, char *reason,
		 size_t rlen, struct fg_odbc_stmt **st)
{
	char lo[16], hi[16], top[16];
	int rc;

	fg_date_format(w->first - 1, lo, sizeof(lo));
	fg_date_format(w->first + w->ndays + 1, hi, sizeof(hi));
	snprintf(top, sizeof(top), "%d", w->c->attribution_top_queries);
	const struct fg_sql_arg args[] = { { "since", w->since },
					   { "until", w->until },
					   { "scan_from", lo },
					   { "scan_before", hi },
					   { "top_queries", top } };
	/* the costs query has no :top_queries */
	int nargs = q == &attr_costs ? FG_SQL_COUNT(args) - 1 : FG_SQL_COUNT(args);

	fg_debug("connector '%s': read QUERY_ATTRIBUTION_HISTORY (%s)", w->c->name,
		 q == &attr_costs ? "costs" : "query hashes");
	fg_odbc_set_quiet(src, true);
	rc = fg_sql_odbc_query(src, "read QUERY_ATTRIBUTION_HISTORY", q->sql, args, nargs,
			       w->c->query_timeout, st);
	fg_odbc_set_quiet(src, false);
	if (rc < 0 && rc != FG_ERR_TEMP && fg_odbc_refused(src)) {
		snprintf(reason, rlen, "cannot read " VIEW ": %s", fg_odbc_last_error(src));
		return 1;
	}
	if (rc < 0) {
		if (rc != FG_ERR_TEMP)
			fg_error("connector '%s': cannot read " VIEW ": %s", w->c->name,
				 fg_odbc_last_error(src));
		return FG_ERR_TEMP;
	}
	return 0;
}

static int check_row(const struct attr_window *w, const struct attr_query *q, long rowno,
		     const char *const *row, long *day)
{
	if (row[0] == NULL || fg_date_parse(row[0], day) < 0) {
		fg_error("connector '%s': malformed date '%s' in QUERY_ATTRIBUTION_HISTORY row %ld column %s;"
			 " nothing was written for this connector",
			 w->c->name, row[0] ? row[0] : "NULL", rowno, q->cols[0]);
		return FG_ERR_DATA;
	}
	if (*day < w->first || *day >= w->first + w->ndays) {
		fg_error(
			"connector '%s': date %s outside %s..%s in QUERY_ATTRIBUTION_HISTORY row %ld column %s;"
			" nothing was written for this connector",
			w->c->name, row[0], w->since, w->until, rowno, q->cols[0]);
		return FG_ERR_DATA;
	}
	for (int i = 1; i < q->ncols; i++) {
		if (!(q->numeric & (1u << i)) || (row[i] != NULL && fg_costsync_is_number(row[i])))
			continue;
		fg_error("connector '%s': malformed number '%.40s' in QUERY_ATTRIBUTION_HISTORY row %ld"
			 " column %s (day %s); nothing was written for this connector",
			 w->c->name, row[i] ? row[i] : "NULL", rowno, q->cols[i], row[0]);
		return FG_ERR_DATA;
	}
	if (w->rate[2 * (*day - w->first)] == NULL || w->rate[2 * (*day - w->first) + 1] == NULL) {
		fg_error("connector '%s': no rate in RATE_SHEET_DAILY on or before %s and no credit_price"
			 " to fall back on; set credit_price",
			 w->c->name, row[0]);
		return FG_ERR_DATA;
	}
	return 0;
}

/* The COPY line of a row: connector, its columns, the day's rates, currency. */
static int build_line(const struct attr_window *w, const struct attr_query *q, long day,
		      const char *const *row, struct fg_copy_line *l)
{
	int rc;

	l->len = 0;
	if ((rc = fg_copy_field(l, w->c->name)) < 0)
		return rc;
	for (int i = 0; i < q->ncols + 3; i++) {
		const char *v = i < q->ncols       ? row[i]
				: i < q->ncols + 2 ? w->rate[2 * (day - w->first) + i - q->ncols]
						   : w->c->currency;
		if ((rc = fg_copy_put(l, "\t", 1)) < 0 || (rc = fg_copy_field(l, v)) < 0)
			return rc;
	}
	return fg_copy_put(l, "\n", 1);
}

int attr_pump(const struct attr_window *w, const struct attr_query *q, struct fg_odbc_stmt *st,
	      struct attr_pump *p)
{
	struct fg_copy_line line = { 0 };
	const char *const *row;
	long day;
	int rc;

	memset(p->seen, 0, (size_t)w->ndays * sizeof(*p->seen));
	p->rows = 0;
	while ((rc = fg_odbc_fetch(st, &row)) > 0) {
		if (fg_interrupted || (p->stop && atomic_load(p->stop))) {
			if (fg_interrupted)
				fg_error(
					"connector '%s': interrupted while reading QUERY_ATTRIBUTION_HISTORY;"
					" nothing was written for this connector",
					w->c->name);
			rc = FG_ERR_TEMP;
			break;
		}
		long rowno = fg_odbc_rows(st);
		if ((rc = check_row(w, q, rowno, row, &day)) < 0 ||
		    (p->each && (rc = p->each(p->each_arg, rowno, row)) < 0) ||
		    (rc = build_line(w, q, day, row, &line)) < 0 ||
		    (rc = p->put(p->put_arg, line.buf, line.len)) < 0)
			break;
		p->seen[day - w->first] = true;
		p->rows++;
	}
	fg_copy_line_release(&line);
	return rc == FG_ERR ? FG_ERR_TEMP : rc;
}

struct attr_reader {
	const struct attr_window *w;
	const struct attr_query *q;
	pthread_t thread;
	atomic_int stop;
	FILE *file;
	bool *seen;
	struct attr_pump pump;
	int rc; /* 0, 1 refused, < 0 */
	char reason[512];
	char error[1024]; /* its failure, reported by attr_reader_join */
};

static void *reader_main(void *arg)
{
	struct attr_reader *rd = arg;
	const struct fg_connector *c = rd->w->c;
	struct fg_odbc *src = NULL;
	struct fg_odbc_stmt *st = NULL;

	fg_log_capture(rd->error, sizeof(rd->error));
	if ((rd->rc = fg_odbc_connect(c->odbc, c->name, c->connect_timeout, &src)) < 0) {
		fg_log_capture(NULL, 0);
		return NULL;
	}
	if (c->fetch_rows > 0)
		fg_odbc_set_fetch_rows(src, c->fetch_rows);
	rd->rc = attr_execute(rd->w, src, rd->q, rd->reason, sizeof(rd->reason), &st);
	if (rd->rc == 0) {
		rd->pump = (struct attr_pump){
			.put = fg_copy_file_put, .put_arg = rd->file, .seen = rd->seen, .stop = &rd->stop
		};
		rd->rc = attr_pump(rd->w, rd->q, st, &rd->pump);
	}
	fg_odbc_stmt_free(st);
	fg_odbc_close(src);
	fg_log_capture(NULL, 0);
	return NULL;
}

int attr_reader_start(const struct attr_window *w, const struct attr_query *q, struct attr_reader **out)
{
	struct attr_reader *rd = calloc(1, sizeof(*rd));
	sigset_t all, old;
	int err;

	*out = NULL;
	if (rd == NULL || (rd->seen = calloc((size_t)w->ndays, sizeof(*rd->seen))) == NULL ||
	    (rd->file = tmpfile()) == NULL) {
		fg_error("connector '%s': cannot start reading query hashes: %s", w->c->name,
			 rd && rd->seen ? "no temporary file" : "out of memory");
		attr_reader_free(rd);
		return FG_ERR_TEMP;
	}
	rd->w = w;
	rd->q = q;
	/* signals stay with the main thread, which handles them */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&rd->thread, NULL, reader_main, rd);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err != 0) {
		fg_error("connector '%s': cannot start reading query hashes: %s", w->c->name, strerror(err));
		attr_reader_free(rd);
		return FG_ERR_TEMP;
	}
	*out = rd;
	return 0;
}

int attr_reader_join(struct attr_reader *rd, bool stop, char *reason, size_t rlen)
{
	if (stop)
		atomic_store(&rd->stop, 1);
	pthread_join(rd->thread, NULL);
	/* one failure, one line: the caller's, when it failed first */
	if (rd->rc < 0 && !stop && rd->error[0] != '\0')
		fg_error("%s", rd->error);
	if (rd->rc == 1)
		snprintf(reason, rlen, "%s", rd->reason);
	return rd->rc;
}

int attr_reader_emit(struct attr_reader *rd, int (*put)(void *arg, const char *line, size_t len), void *arg)
{
	return fg_copy_replay(rd->file, "QUERY_ATTRIBUTION_HISTORY rows", put, arg);
}

const bool *attr_reader_seen(const struct attr_reader *rd)
{
	return rd->seen;
}

long attr_reader_rows(const struct attr_reader *rd)
{
	return rd->pump.rows;
}

void attr_reader_free(struct attr_reader *rd)
{
	if (rd == NULL)
		return;
	if (rd->file)
		fclose(rd->file);
	free(rd->seen);
	free(rd);
}
