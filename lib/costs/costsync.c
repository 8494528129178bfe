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
 *            no longer reports, move the watermark forward, COMMIT.
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

/* $1 since, $2 until: the rate in force each day of the window, per usage type. */
static const char sql_price_days[] =
	"CREATE TEMP TABLE cs_price ON COMMIT DROP AS"
	" SELECT CAST(d AS date) AS day, u.usage_type,"
	"  (SELECT r.rate FROM cs_rates r WHERE r.usage_type = u.usage_type AND r.day <= CAST(d AS date)"
	"   ORDER BY r.day DESC LIMIT 1) AS rate"
	" FROM generate_series(CAST($1 AS date), CAST($2 AS date), interval '1 day') d,"
	"  (SELECT DISTINCT usage_type FROM cs_rates) u";

/* $1 credit price, $2 storage price per TB-month, $3 transfer price per TB. */
static const char sql_final[] =
	"CREATE TEMP TABLE cs_final ON COMMIT DROP AS"
	" SELECT s.day, s.service_type, s.entity, sum(s.credits) AS credits, sum(s.quantity) AS quantity,"
	"  coalesce(sum(CASE s.kind"
	"   WHEN 's' THEN round(s.quantity * CAST($2 AS numeric) / (1099511627776 *"
	"    extract(day FROM date_trunc('month', s.day) + interval '1 month - 1 day')), 12)"
	"   WHEN 't' THEN round(s.quantity * CAST($3 AS numeric) / 1099511627776, 12)"
	"   ELSE s.credits * coalesce(ps.rate, pc.rate, CAST($1 AS numeric)) END), 0) AS cost,"
	"  bool_or(s.kind = 'c' AND s.credits IS NOT NULL"
	"   AND coalesce(ps.rate, pc.rate, CAST($1 AS numeric)) IS NULL) AS unpriced"
	" FROM cs_stage s"
	" LEFT JOIN cs_price ps ON ps.day = s.day AND ps.usage_type = lower(replace(s.service_type, '_', ' '))"
	" LEFT JOIN cs_price pc ON pc.day = s.day AND pc.usage_type = 'compute'"
	" GROUP BY s.day, s.service_type, s.entity";

/* $1 connector, $2 since, $3 until, $4 currency: what the write would change. */
#define DIFF_SQL                                                                                   \
	"SELECT CASE WHEN d.day IS NULL THEN 'insert' WHEN f.day IS NULL THEN 'delete' ELSE 'update' END" \
	" AS op, coalesce(f.day, d.day) AS day, coalesce(f.service_type, d.service_type) AS service_type," \
	" coalesce(f.entity, d.entity) AS entity, d.cost AS old_cost, f.cost AS new_cost,"          \
	" f.credits, f.quantity"                                                                    \
	" FROM cs_final f FULL JOIN (SELECT * FROM daily_costs WHERE connector = $1"                \
	"  AND day BETWEEN CAST($2 AS date) AND CAST($3 AS date)) d"                                \
	"  ON f.day = d.day AND f.service_type = d.service_type AND f.entity = d.entity"            \
	" WHERE d.day IS NULL"                                                                      \
	"  OR (f.day IS NULL AND d.day IN (SELECT day FROM cs_final))"                              \
	"  OR (f.day IS NOT NULL AND (d.credits, d.quantity, d.cost, d.currency)"                   \
	"   IS DISTINCT FROM (f.credits, f.quantity, f.cost, $4))"

static const char sql_diff_counts[] = "SELECT op, count(*) FROM (" DIFF_SQL ") x GROUP BY op";
static const char sql_diff_rows[] = DIFF_SQL " ORDER BY 2, 3, 4";

static const char sql_upsert[] =
	"INSERT INTO daily_costs AS t (connector, day, service_type, entity, credits, quantity, cost,"
	" currency, updated_at)"
	" SELECT $1, day, service_type, entity, credits, quantity, cost, $2, CAST($3 AS timestamptz)"
	" FROM cs_final"
	" ON CONFLICT (connector, day, service_type, entity) DO UPDATE SET credits = EXCLUDED.credits,"
	" quantity = EXCLUDED.quantity, cost = EXCLUDED.cost, currency = EXCLUDED.currency,"
	" updated_at = EXCLUDED.updated_at"
	" WHERE (t.credits, t.quantity, t.cost, t.currency) IS DISTINCT FROM"
	" (EXCLUDED.credits, EXCLUDED.quantity, EXCLUDED.cost, EXCLUDED.currency)";

/*
 * EXCEPT rather than NOT EXISTS: right after a backfill daily_costs has no
 * statistics yet and the planner would pick a quadratic nested loop.
 */
static const char sql_delete[] =
	"DELETE FROM daily_costs d USING ("
	" SELECT day, service_type, entity FROM daily_costs WHERE connector = $1"
	"  AND day BETWEEN CAST($2 AS date) AND CAST($3 AS date) AND day IN (SELECT day FROM cs_final)"
	" EXCEPT SELECT day, service_type, entity FROM cs_final) g"
	" WHERE d.connector = $1 AND d.day = g.day AND d.service_type = g.service_type"
	" AND d.entity = g.entity";

static const char sql_watermark[] =
	"INSERT INTO connector_state AS s (connector, last_synced_day, last_sync_at)"
	" VALUES ($1, CAST($2 AS date), CAST($3 AS timestamptz))"
	" ON CONFLICT (connector) DO UPDATE SET"
	" last_synced_day = GREATEST(s.last_synced_day, EXCLUDED.last_synced_day),"
	" last_sync_at = EXCLUDED.last_sync_at";

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

static int compute_window(struct fg_tool *t, const struct fg_connector *c,
                          const struct fg_costsync_opts *o, struct window *w)
{
	long today = fg_today(), since, until, last = -1;
	int rc;
	const char *params[] = {c->name};
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
static int print_diff(PGconn *pg, const char *conn, const char *const *params)
{
	PGresult *r;
	int rc = 0;

	if (!PQsendQueryParams(pg, sql_diff_rows, 4, NULL, params, NULL, NULL, 0) ||
	    !PQsetSingleRowMode(pg)) {
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
			fg_error("cannot list changes: %s", PQresultErrorMessage(r));
			rc = fg_db_classify(pg, r);
		}
		PQclear(r);
	}
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
			static const char *keys[] = {NULL, "credits", "quantity", "cost"};
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
static int price_and_write(struct fg_tool *t, const struct fg_connector *c, const struct window *w,
                           bool dry, struct fg_costsync_stats *s, json_t *rep)
{
	PGconn *pg = t->db;
	PGresult *r;
	int rc;
	char now[32];

	const char *pd[] = {w->since, w->until};
	/* temporary tables are never auto-analysed: give the planner real
	 * counts when they are big enough for a plan to go wrong */
	bool big = s->rows_read > ANALYZE_ROWS;
	if (big && (rc = fg_db_exec(pg, "analyse staged rows", "ANALYZE cs_stage, cs_rates", 0, NULL)) < 0)
		return rc;
	if (c->use_org_rates)
		rc = fg_db_exec(pg, "stage rates", sql_price_days, 2, pd);
	else
		rc = fg_db_exec(
		    pg, "stage rates",
		    "CREATE TEMP TABLE cs_price (day date, usage_type text, rate numeric) ON COMMIT DROP", 0,
		    NULL);
	if (rc < 0)
		return rc;
	const char *pf[] = {c->credit_price, c->storage_price, c->transfer_price};
	if ((rc = fg_db_exec(pg, "price cost rows", sql_final, 3, pf)) < 0 ||
	    (big && (rc = fg_db_exec(pg, "analyse cost rows", "ANALYZE cs_final", 0, NULL)) < 0))
		return rc;
	if (c->use_org_rates) {
		const char *pc[] = {c->currency};
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

	const char *pdiff[] = {c->name, w->since, w->until, c->currency};
	r = fg_db_query(pg, &rc, "compare with stored costs", sql_diff_counts, 4, pdiff);
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
		return print_diff(pg, c->name, pdiff);
	}

	fg_timestamp_format(fg_now(), now, sizeof(now));
	const char *pu[] = {c->name, c->currency, now};
	if (s->inserted + s->updated > 0 && (rc = fg_db_exec(pg, "store daily costs", sql_upsert, 3, pu)) < 0)
		return rc;
	if (s->deleted > 0 &&
	    (rc = fg_db_exec(pg, "remove costs Snowflake no longer reports", sql_delete, 3, pdiff)) < 0)
		return rc;
	char mark[16];
	long today = fg_today();
	fg_date_format(w->until_day < today ? w->until_day : today, mark, sizeof(mark));
	const char *pw[] = {c->name, mark, now};
	return fg_db_exec(pg, "move the watermark", sql_watermark, 3, pw);
}

static int sync_one(struct fg_tool *t, const struct fg_connector *c, const struct fg_costsync_opts *o,
                    struct fg_costsync_stats *s, json_t *rep)
{
	struct fg_odbc *src = NULL;
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
	/* a few statements over at most some 100k rows: compiling them costs more than it saves */
	if ((rc = fg_db_exec(t->db, "configure the transaction", "SET LOCAL jit = off", 0, NULL)) < 0)
		goto out;
	if ((rc = fg_db_exec(t->db, "create staging table", sql_stage, 0, NULL)) < 0 ||
	    (rc = fg_db_exec(t->db, "create staging table", sql_rates, 0, NULL)) < 0)
		goto out;
	if ((rc = fg_costsync_extract(c, src, t->db, w.since, w.until, s)) < 0)
		goto out;
	fg_odbc_close(src);
	src = NULL;
	if ((rc = price_and_write(t, c, &w, o->dry_run, s, rep)) < 0)
		goto out;
	if (fg_interrupted) {
		fg_error("connector '%s': interrupted before commit; nothing was written for this connector",
		         c->name);
		rc = FG_ERR_TEMP;
		goto out;
	}
	if (o->dry_run)
		fg_db_rollback(t->db);
	else if ((rc = fg_db_commit(t->db)) == 0)
		fg_info(
		    "connector '%s': %ld rows read, %ld cost rows: %ld inserted, %ld updated, %ld deleted",
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
		struct fg_costsync_stats s = {0};
		struct timespec t0, t1;
		if (!run[i])
			continue;
		if (fg_interrupted) {
			worst = FG_ERR_TEMP;
			break;
		}
		nrun++;
		json_t *rep = json_pack("{s:s,s:s,s:n,s:o}", "connector", set.v[i].name, "currency",
		                        set.v[i].currency, "window", "totals", json_object());
		clock_gettime(CLOCK_MONOTONIC, &t0);
		fg_log_clear_last_error();
		rc = sync_one(t, &set.v[i], o, &s, rep);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		json_object_set_new(rep, "status", json_string(rc < 0 ? "failed" : "ok"));
		json_object_set_new(rep, "rows_read", json_integer(s.rows_read));
		json_object_set_new(rep, "rows", json_integer(s.rows));
		json_object_set_new(rep, "inserted", json_integer(rc < 0 ? 0 : s.inserted));
		json_object_set_new(rep, "updated", json_integer(rc < 0 ? 0 : s.updated));
		json_object_set_new(rep, "deleted", json_integer(rc < 0 ? 0 : s.deleted));
		json_object_set_new(rep, "unchanged",
		                    json_integer(rc < 0 ? 0 : s.rows - s.inserted - s.updated));
		json_object_set_new(
		    rep, "duration",
		    json_real((double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9));
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
