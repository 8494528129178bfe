/*
 * costsync.c - one transaction per connector: stage, price, diff, write.
 *
 * For each selected connector:
 *   window   --since/--until, else (last synced day - lookback_days) ..
 *            today, or (today - backfill_days + 1) .. today on a first run;
 *   BEGIN    temporary tables cs_stage and cs_rates (dropped at the end);
 *   extract  COPY the aggregated source rows in (costsync_extract.c);
 *   price    cs_final: one row per (day, service_type, entity) with
 *            credits x price, storage bytes / 2^40 x price per TB-month /
 *            days in that month, transfer bytes / 2^40 x price per TB,
 *            all in NUMERIC (storage and transfer rounded to 12 decimals);
 *   diff     compare cs_final with daily_costs in the window;
 *   write    INSERT .. ON CONFLICT DO UPDATE (only rows that changed),
 *            delete the connector's rows of reported days that Snowflake
 *            no longer reports, move the watermark forward;
 *   attribute who spent the window's compute (costsync_attr.c), then
 *            COMMIT.
 * The statements of these steps are in sql/costs/.
 * A dry run does everything up to the diff, prints it and rolls back.
 *
 * Reconciliation is per day: a day for which the source returned at least
 * one row is replaced as a whole (a revised day can lose a service type or
 * a dropped warehouse's row), while a day with no source row at all is left
 * alone, so neither ingestion latency nor the end of ACCOUNT_USAGE
 * retention (one year) can wipe history when a wide window is re-synced.
 *
 * Any failure rolls the connector's transaction back: daily_costs and the
 * watermark then hold exactly what the previous successful run left, which
 * is also what a run killed at any point leaves behind.
 */
#include "costsync.h"
#include "clock.h"
#include "db.h"
#include "exitcode.h"
#include "fg_sql_costs.h"
#include "log.h"
#include "tool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* clang-format off */
static const char sql_stage[] =
	"CREATE TEMP TABLE cs_stage (kind \"char\" NOT NULL, day date NOT NULL,"
	" service_type text NOT NULL, entity text NOT NULL, credits numeric, quantity numeric)"
	" ON COMMIT DROP";
static const char sql_rates[] =
	"CREATE TEMP TABLE cs_rates (day date NOT NULL, usage_type text, currency text, rate numeric)"
	" ON COMMIT DROP";

static const char sql_totals[] =
	"SELECT service_type, CAST(sum(credits) AS text), CAST(sum(quantity) AS text),"
	" CAST(round(sum(cost), 2) AS text) FROM cs_final GROUP BY service_type ORDER BY service_type";

/* Staged rows above which the temporary tables are analysed. */
#define ANALYZE_ROWS 5000

/* clang-format on */

struct window {
	char since[16], until[16];
	long until_day;
};

static int compute_window(struct fg_tool *t, const struct fg_connector *c, const struct fg_costsync_opts *o,
			  struct window *w)
{
	long today = fg_today(), since, until, last = -1;
	int rc;
	const char *params[] = { c->name };
	PGresult *r = fg_db_query(
		t->db, &rc, "read the connector watermark",
		"SELECT CAST(last_synced_day AS text) FROM connector_state WHERE connector = $1", 1, params);
	if (r == NULL)
		return rc;
	if (PQntuples(r) == 1 && !PQgetisnull(r, 0, 0) && fg_date_parse(PQgetvalue(r, 0, 0), &last) < 0)
		last = -1;
	PQclear(r);
	until = o->until >= 0 ? o->until : today;
	if (o->since >= 0)
		since = o->since;
	else if (last >= 0)
		since = last - c->lookback_days;
	else
		since = today - c->backfill_days + 1;
	if (since > until) {
		fg_date_format(since, w->since, sizeof(w->since));
		fg_date_format(until, w->until, sizeof(w->until));
		fg_error("connector '%s': empty window %s..%s: --since must not be after --until (or today)",
			 c->name, w->since, w->until);
		return FG_ERR_USAGE;
	}
	fg_date_format(since, w->since, sizeof(w->since));
	fg_date_format(until, w->until, sizeof(w->until));
	w->until_day = until;
	return 0;
}

static long count_of(PGresult *r, const char *op)
{
	for (int i = 0; i < PQntuples(r); i++)
		if (strcmp(PQgetvalue(r, i, 0), op) == 0)
			return strtol(PQgetvalue(r, i, 1), NULL, 10);
	return 0;
}

/* Print the rows a dry run would change, streamed in single-row mode. */
static int print_diff(PGconn *pg, const char *conn, const struct fg_sql_arg *args, int nargs)
{
	struct fg_sql rows;
	struct fg_sql_bound b;
	PGresult *r;
	int rc = fg_sql_compose(&rows, "", &fg_sql_costs_diff, " ORDER BY 2, 3, 4");

	if (rc == 0)
		rc = fg_sql_bind(&rows, FG_SQL_PQ, args, nargs, &b);
	if (rc < 0) {
		fg_sql_release(&rows);
		return rc;
	}
	if (!PQsendQueryParams(pg, b.text, b.n, NULL, b.values, NULL, NULL, 0) || !PQsetSingleRowMode(pg)) {
		fg_sql_release(&rows);
		fg_error("cannot list changes: %s", PQerrorMessage(pg));
		return FG_ERR_TEMP;
	}
	while ((r = PQgetResult(pg)) != NULL) {
		ExecStatusType st = PQresultStatus(r);
		if (st == PGRES_SINGLE_TUPLE) {
			json_t *ent = json_string(PQgetvalue(r, 0, 3));
			char *e = ent ? json_dumps(ent, JSON_ENCODE_ANY) : NULL;
			printf("%s\t%s\t%s\t%s\t%s\t%s -> %s\n", conn, PQgetvalue(r, 0, 0),
			       PQgetvalue(r, 0, 1), PQgetvalue(r, 0, 2), e ? e : "\"\"",
			       PQgetisnull(r, 0, 4) ? "-" : PQgetvalue(r, 0, 4),
			       PQgetisnull(r, 0, 5) ? "-" : PQgetvalue(r, 0, 5));
			free(e);
			json_decref(ent);
		} else if (st != PGRES_TUPLES_OK && rc == 0) {
			rc = fg_db_fail(pg, r, "list changes");
		}
		PQclear(r);
	}
	fg_sql_release(&rows);
	return rc;
}

static json_t *totals_json(PGconn *pg, int *rc)
{
	PGresult *r = fg_db_query(pg, rc, "total the costs", sql_totals, 0, NULL);
	json_t *o = json_object();
	if (r == NULL)
		return o;
	for (int i = 0; i < PQntuples(r); i++) {
		json_t *e = json_object();
		for (int k = 1; k <= 3; k++) {
			static const char *keys[] = { NULL, "credits", "quantity", "cost" };
			const char *v = fg_db_val(r, i, k);
			json_object_set_new(e, keys[k], v ? json_string(v) : json_null());
		}
		json_object_set_new(o, PQgetvalue(r, i, 0), e);
	}
	PQclear(r);
	return o;
}

static void print_summary(const struct fg_connector *c, const struct window *w,
			  const struct fg_costsync_stats *s)
{
	printf("%s\tdry run %s..%s: %ld rows read, %ld cost rows: would insert %ld, update %ld,"
	       " delete %ld; %ld unchanged\n",
	       c->name, w->since, w->until, s->rows_read, s->rows, s->inserted, s->updated, s->deleted,
	       s->rows - s->inserted - s->updated);
}

/* Steps after the extract: price, check, diff, and (not dry) write. */
static int price_and_write(struct fg_tool *t, const struct fg_connector *c, const struct window *w, bool dry,
			   struct fg_costsync_stats *s, json_t *rep)
{
	PGconn *pg = t->db;
	PGresult *r;
	int rc;
	char now[32];

	const struct fg_sql_arg window[] = { { "since", w->since }, { "until", w->until } };
	/* temporary tables are never auto-analysed: give the planner real
	 * counts when they are big enough for a plan to go wrong */
	bool big = s->rows_read > ANALYZE_ROWS;
	if (big && (rc = fg_db_exec(pg, "analyse staged rows", "ANALYZE cs_stage, cs_rates", 0, NULL)) < 0)
		return rc;
	if (c->use_org_rates)
		rc = fg_sql_exec(pg, "stage rates", &fg_sql_costs_price_days, window, FG_SQL_COUNT(window));
	else
		rc = fg_db_exec(
			pg, "stage rates",
			"CREATE TEMP TABLE cs_price (day date, usage_type text, rate numeric) ON COMMIT DROP",
			0, NULL);
	if (rc < 0)
		return rc;
	const struct fg_sql_arg prices[] = { { "credit_price", c->credit_price },
					     { "storage_price", c->storage_price },
					     { "transfer_price", c->transfer_price } };
	rc = fg_sql_exec(pg, "price cost rows", &fg_sql_costs_price, prices, FG_SQL_COUNT(prices));
	if (rc < 0 || (big && (rc = fg_db_exec(pg, "analyse cost rows", "ANALYZE cs_final", 0, NULL)) < 0))
		return rc;
	if (c->use_org_rates) {
		const char *pc[] = { c->currency };
		r = fg_db_query(pg, &rc, "check rate currency",
				"SELECT currency FROM cs_rates WHERE currency IS DISTINCT FROM $1 LIMIT 1", 1,
				pc);
		if (r == NULL)
			return rc;
		if (PQntuples(r) > 0) {
			fg_error("connector '%s': RATE_SHEET_DAILY rates are in '%s' but currency = %s;"
				 " set currency to match the contract",
				 c->name, PQgetisnull(r, 0, 0) ? "NULL" : PQgetvalue(r, 0, 0), c->currency);
			PQclear(r);
			return FG_ERR_CONFIG;
		}
		PQclear(r);
	}
	r = fg_db_query(pg, &rc, "check prices",
			"SELECT count(*), CAST(min(day) FILTER (WHERE unpriced) AS text) FROM cs_final", 0,
			NULL);
	if (r == NULL)
		return rc;
	s->rows = strtol(PQgetvalue(r, 0, 0), NULL, 10);
	if (!PQgetisnull(r, 0, 1)) {
		fg_error("connector '%s': no rate in RATE_SHEET_DAILY on or before %s and no credit_price"
			 " to fall back on; set credit_price",
			 c->name, PQgetvalue(r, 0, 1));
		PQclear(r);
		return FG_ERR_DATA;
	}
	PQclear(r);

	const struct fg_sql_arg diff[] = { { "connector", c->name },
					   { "since", w->since },
					   { "until", w->until },
					   { "currency", c->currency } };
	struct fg_sql counts;
	if ((rc = fg_sql_compose(&counts, "SELECT op, count(*) FROM (", &fg_sql_costs_diff,
				 ") x GROUP BY op")) < 0)
		return rc;
	r = fg_sql_query(pg, &rc, "compare with stored costs", &counts, diff, FG_SQL_COUNT(diff));
	fg_sql_release(&counts);
	if (r == NULL)
		return rc;
	s->inserted = count_of(r, "insert");
	s->updated = count_of(r, "update");
	s->deleted = count_of(r, "delete");
	PQclear(r);
	json_object_set_new(rep, "totals", totals_json(pg, &rc));
	if (rc < 0)
		return rc;
	if (dry) {
		if (t->cli.json)
			return 0;
		print_summary(c, w, s);
		return print_diff(pg, c->name, diff, FG_SQL_COUNT(diff));
	}

	fg_timestamp_format(fg_now(), now, sizeof(now));
	const struct fg_sql_arg upsert[] = { { "connector", c->name },
					     { "currency", c->currency },
					     { "now", now } };
	if (s->inserted + s->updated > 0 && (rc = fg_sql_exec(pg, "store daily costs", &fg_sql_costs_upsert,
							      upsert, FG_SQL_COUNT(upsert))) < 0)
		return rc;
	const struct fg_sql_arg days[] = { { "connector", c->name },
					   { "since", w->since },
					   { "until", w->until } };
	if (s->deleted > 0 &&
	    (rc = fg_sql_exec(pg, "remove costs Snowflake no longer reports", &fg_sql_costs_delete_unreported,
			      days, FG_SQL_COUNT(days))) < 0)
		return rc;
	char mark[16];
	long today = fg_today();
	fg_date_format(w->until_day < today ? w->until_day : today, mark, sizeof(mark));
	const struct fg_sql_arg mark_args[] = { { "connector", c->name }, { "day", mark }, { "now", now } };
	return fg_sql_exec(pg, "move the watermark", &fg_sql_costs_watermark, mark_args,
			   FG_SQL_COUNT(mark_args));
}

static int sync_one(struct fg_tool *t, const struct fg_connector *c, const struct fg_costsync_opts *o,
		    struct fg_costsync_stats *s, json_t *rep)
{
	struct fg_odbc *src = NULL;
	struct fg_costsync_attr attr;
	struct window w;
	int rc;

	if ((rc = compute_window(t, c, o, &w)) < 0)
		return rc;
	json_object_set_new(rep, "window", json_pack("{s:s,s:s}", "since", w.since, "until", w.until));
	fg_info("connector '%s': syncing %s..%s", c->name, w.since, w.until);
	if ((rc = fg_odbc_connect(c->odbc, c->name, c->connect_timeout, &src)) < 0)
		return rc;
	if (c->fetch_rows > 0)
		fg_odbc_set_fetch_rows(src, c->fetch_rows);
	if ((rc = fg_db_begin(t->db)) < 0)
		goto out;
	/* a few statements over at most some million rows: compiling them costs more than it
	 * saves; the attribution set aside while a window is read again (a row per day,
	 * warehouse, user, role and tag) would spill from the default 8 MB of buffers for
	 * temporary tables (taken only before the session's first temporary table: the first
	 * connector's run sets it), and its roll-up per user, role and tag from 4 MB of work
	 * memory */
	if ((rc = fg_db_exec(t->db, "configure the transaction", "SET LOCAL jit = off", 0, NULL)) < 0 ||
	    (rc = fg_db_exec(t->db, "configure the transaction",
			     "SELECT set_config('temp_buffers', '256MB', false),"
			     " set_config('work_mem', '128MB', true)",
			     0, NULL)) < 0)
		goto out;
	if ((rc = fg_db_exec(t->db, "create staging table", sql_stage, 0, NULL)) < 0 ||
	    (rc = fg_db_exec(t->db, "create staging table", sql_rates, 0, NULL)) < 0)
		goto out;
	if ((rc = fg_costsync_extract(c, src, t->db, w.since, w.until, s)) < 0 ||
	    (rc = price_and_write(t, c, &w, o->dry_run, s, rep)) < 0 ||
	    (rc = fg_costsync_attr_sync(c, src, t->db, w.since, w.until, &attr)) < 0)
		goto out;
	fg_odbc_close(src);
	src = NULL;
	json_object_set_new(rep, "attribution",
			    json_pack("{s:b,s:I,s:I}", "available", attr.available, "rows",
				      (json_int_t)attr.rows, "query_rows", (json_int_t)attr.qrows));
	if (fg_interrupted) {
		fg_error("connector '%s': interrupted before commit; nothing was written for this connector",
			 c->name);
		rc = FG_ERR_TEMP;
		goto out;
	}
	if (o->dry_run)
		fg_db_rollback(t->db);
	else if ((rc = fg_db_commit(t->db)) == 0)
		fg_info("connector '%s': %ld rows read, %ld cost rows: %ld inserted, %ld updated, %ld deleted",
			c->name, s->rows_read, s->rows, s->inserted, s->updated, s->deleted);
out:
	if (rc < 0)
		fg_db_rollback(t->db);
	fg_odbc_close(src);
	return rc;
}

int fg_costsync_run(struct fg_tool *t, const struct fg_costsync_opts *o, json_t **summary)
{
	struct fg_connector_set set;
	bool *run = NULL;
	int rc, worst = 0, nrun = 0, nfail = 0;
	long long read = 0, ins = 0, upd = 0, del = 0;
	json_t *list = json_array();

	*summary = json_pack("{s:b,s:o}", "dry_run", o->dry_run, "connectors", list);
	if ((rc = fg_connector_load(t->cfg, FG_CONNECTOR_ODBC | FG_CONNECTOR_PRICED, &set)) < 0)
		return rc;
	if (set.n > 0 && (run = calloc((size_t)set.n, sizeof(*run))) == NULL) {
		rc = FG_ERR_INTERNAL;
		goto out;
	}
	if ((rc = fg_costsync_select(&set, o->names, o->nnames, run)) < 0)
		goto out;
	for (int i = 0; i < set.n; i++) {
		struct fg_costsync_stats s = { 0 };
		struct timespec t0;
		double seconds;
		if (!run[i])
			continue;
		if (fg_interrupted) {
			worst = FG_ERR_TEMP;
			break;
		}
		nrun++;
		json_t *rep = json_pack("{s:s,s:s,s:n,s:o}", "connector", set.v[i].name, "currency",
					set.v[i].currency, "window", "totals", json_object());
		t0 = fg_mono_now();
		fg_log_clear_last_error();
		rc = sync_one(t, &set.v[i], o, &s, rep);
		seconds = fg_elapsed_since(&t0);
		json_object_set_new(rep, "status", json_string(rc < 0 ? "failed" : "ok"));
		json_object_set_new(rep, "rows_read", json_integer(s.rows_read));
		json_object_set_new(rep, "rows", json_integer(s.rows));
		json_object_set_new(rep, "inserted", json_integer(rc < 0 ? 0 : s.inserted));
		json_object_set_new(rep, "updated", json_integer(rc < 0 ? 0 : s.updated));
		json_object_set_new(rep, "deleted", json_integer(rc < 0 ? 0 : s.deleted));
		json_object_set_new(rep, "unchanged",
				    json_integer(rc < 0 ? 0 : s.rows - s.inserted - s.updated));
		json_object_set_new(rep, "duration", json_real(seconds));
		const char *err = rc < 0 ? fg_log_last_error() : NULL;
		json_object_set_new(rep, "error", err ? json_string(err) : json_null());
		json_array_append_new(list, rep);
		if (rc < 0) {
			nfail++;
			if (rc == FG_ERR_TEMP || worst == 0)
				worst = worst == FG_ERR_TEMP ? worst : rc;
			continue;
		}
		read += s.rows_read;
		ins += s.inserted;
		upd += s.updated;
		del += s.deleted;
	}
	if (nrun == 0)
		fg_info("no connector to sync: add a [connector NAME] section or enable one");
	fg_tool_count(t, "connectors", nrun);
	fg_tool_count(t, "failed", nfail);
	fg_tool_count(t, "rows_read", read);
	fg_tool_count(t, "inserted", ins);
	fg_tool_count(t, "updated", upd);
	fg_tool_count(t, "deleted", del);
	rc = worst;
out:
	free(run);
	fg_connector_set_release(&set);
	return rc;
}
