/*
 * anomaly_run.c - one anomaly run: judge, record, group, notify.
 *
 * A real run is one transaction of a fixed number of statements after
 * the evaluation (anomaly_eval.c):
 *
 *   BEGIN
 *   insert the anomalous days ON CONFLICT DO NOTHING   (record.sql)
 *   resolve open incidents followed by a normal day    (resolve.sql)
 *   queue their resolutions (fg_outbox_resolve)        (resolved.sql)
 *   attach new anomalies to incidents, opening some    (incidents.sql)
 *   one outbox row per (incident opened, channel)      (outbox batch)
 *   COMMIT
 *
 * UNIQUE (connector, dimension, series, day) keeps one anomaly per series
 * and day whatever runs overlap; an incident is notified once, when it
 * opens (dedup_key "anomaly:<connector>:<dimension>:<series>:<first
 * day>"), so days that extend it are recorded and listed but not sent
 * again.  The opening names that key as its incident (HACKING.md,
 * Incidents), so the run that resolves it queues one resolution per
 * channel the opening went to, and a channel with repeat reminds of it
 * while it is open.  A dry run (and a backtest) issues the evaluation
 * only.
 */
#include "anomaly_run.h"
#include "budget_array.h"
#include "clock.h"
#include "db.h"
#include "exitcode.h"
#include "fg_sql_budgets.h"
#include "log.h"
#include "outbox.h"

#include <stdlib.h>
#include <string.h>

static bool same_series(const PGresult *ev, int a, int b)
{
	return strcmp(PQgetvalue(ev, a, AN_CONNECTOR), PQgetvalue(ev, b, AN_CONNECTOR)) == 0 &&
	       strcmp(PQgetvalue(ev, a, AN_DIMENSION), PQgetvalue(ev, b, AN_DIMENSION)) == 0 &&
	       strcmp(PQgetvalue(ev, a, AN_SERIES), PQgetvalue(ev, b, AN_SERIES)) == 0;
}

static const struct fg_anomaly_conf *conf_of(const struct fg_anomaly_set *set, const char *connector)
{
	for (int i = 0; i < set->n; i++)
		if (strcmp(set->v[i].connector, connector) == 0)
			return &set->v[i];
	return NULL;
}

/* Insert the new anomalous rows; counts what was created. */
static int record(PGconn *db, struct fg_anomaly_result *res)
{
	static const int cols[] = { AN_CONNECTOR, AN_DIMENSION, AN_SERIES,   AN_DAY,         AN_VERDICT,
				    AN_SEVERITY,  AN_ACTUAL,    AN_EXPECTED, AN_SPREAD,      AN_DEVIATION,
				    AN_LOW,       AN_HIGH,      AN_NDAYS,    AN_EXPLANATION, AN_CONTRIB };
	enum {
		N = sizeof(cols) / sizeof(cols[0])
	};
	struct fg_pgarr arr[N];
	const char *v[N];
	PGresult *r = NULL;
	int rc = 0, k;

	for (k = 0; k < N; k++)
		if (fg_pgarr_init(&arr[k]) < 0) {
			rc = FG_ERR_INTERNAL;
			goto out;
		}
	for (int i = 0; i < PQntuples(res->ev); i++)
		if (res->flags[i] & FG_ANOMALY_NEW)
			for (k = 0; k < N; k++)
				fg_pgarr_add(&arr[k], PQgetvalue(res->ev, i, cols[k]));
	for (k = 0; k < N; k++)
		if ((v[k] = fg_pgarr_finish(&arr[k])) == NULL) {
			rc = FG_ERR_INTERNAL;
			goto out;
		}
	const struct fg_sql_arg args[] = {
		{ "connectors", v[0] }, { "dimensions", v[1] },    { "series", v[2] },
		{ "days", v[3] },       { "directions", v[4] },    { "severities", v[5] },
		{ "actuals", v[6] },    { "expecteds", v[7] },     { "spreads", v[8] },
		{ "deviations", v[9] }, { "lows", v[10] },         { "highs", v[11] },
		{ "ndays", v[12] },     { "explanations", v[13] }, { "contributors", v[14] },
	};
	res->statements++;
	if ((r = fg_sql_query(db, &rc, "record cost anomalies", &fg_sql_budgets_anomaly_record, args,
			      FG_SQL_COUNT(args))) != NULL)
		res->anomalies = PQntuples(r);
out:
	PQclear(r);
	for (k = 0; k < N; k++)
		fg_pgarr_release(&arr[k]);
	return rc;
}

/* The normal days judged (not spike or dip), one array per column. */
static int normal_days(const struct fg_anomaly_result *res, struct fg_pgarr *arr, const char **v)
{
	static const int cols[] = { AN_CONNECTOR, AN_DIMENSION, AN_SERIES, AN_DAY };

	for (int i = 0; i < PQntuples(res->ev); i++)
		if (!fg_anomaly_row_anomalous(res->ev, i))
			for (int k = 0; k < 4; k++)
				fg_pgarr_add(&arr[k], PQgetvalue(res->ev, i, cols[k]));
	for (int k = 0; k < 4; k++)
		if ((v[k] = fg_pgarr_finish(&arr[k])) == NULL)
			return FG_ERR_INTERNAL;
	return 0;
}

/* The row of (connector, dimension, series, day) in ev, or -1. */
static int find_row(const PGresult *ev, PGresult *inc, int j)
{
	for (int i = 0; i < PQntuples(ev); i++)
		if (strcmp(PQgetvalue(ev, i, AN_DAY), PQgetvalue(inc, j, 4)) == 0 &&
		    strcmp(PQgetvalue(ev, i, AN_SERIES), PQgetvalue(inc, j, 3)) == 0 &&
		    strcmp(PQgetvalue(ev, i, AN_DIMENSION), PQgetvalue(inc, j, 2)) == 0 &&
		    strcmp(PQgetvalue(ev, i, AN_CONNECTOR), PQgetvalue(inc, j, 1)) == 0)
			return i;
	return -1;
}

/* One outbox row per channel of each incident opened. */
static int notify(PGconn *db, struct fg_anomaly_result *res, PGresult *inc)
{
	struct fg_outbox_batch batch;
	char title[512], dedup[640];
	int rc = 0;

	fg_outbox_batch_init(&batch);
	for (int j = 0; j < PQntuples(inc); j++) {
		int row = find_row(res->ev, inc, j);
		const struct fg_anomaly_conf *c = conf_of(res->set, PQgetvalue(inc, j, 1));
		if (row < 0 || c == NULL || c->nnotify == 0)
			continue;
		json_t *f = fg_anomaly_fields(res->ev, row);
		if (f == NULL) {
			rc = FG_ERR_INTERNAL;
			goto out;
		}
		fg_anomaly_title(res->ev, row, title, sizeof(title));
		snprintf(dedup, sizeof(dedup), "anomaly:%s:%s:%s:%s", PQgetvalue(inc, j, 1),
			 PQgetvalue(inc, j, 2), PQgetvalue(inc, j, 3), PQgetvalue(inc, j, 4));
		if (json_object_set_new(f, "incident", json_string(dedup)) < 0) {
			json_decref(f);
			rc = FG_ERR_INTERNAL;
			goto out;
		}
		for (int i = 0; i < c->nnotify; i++)
			fg_outbox_batch_add(&batch, c->notify[i], strtoll(PQgetvalue(inc, j, 0), NULL, 10),
					    PQgetvalue(res->ev, row, AN_SEVERITY), title,
					    PQgetvalue(res->ev, row, AN_EXPLANATION),
					    i + 1 < c->nnotify ? json_deep_copy(f) : f, dedup);
	}
	if (fg_outbox_batch_count(&batch) > 0) {
		res->statements++;
		rc = fg_outbox_batch_flush(db, &batch, FG_OUTBOX_ANOMALY, "enqueue anomaly notifications",
					   &res->notifications);
	}
out:
	fg_outbox_batch_release(&batch);
	return rc;
}

/* One resolution per channel told of each incident in closed (resolve.sql). */
static int resolutions(PGconn *db, struct fg_anomaly_result *res, PGresult *closed)
{
	struct fg_pgarr ids;
	const char *v;
	int rc;

	if (PQntuples(closed) == 0)
		return 0;
	if (fg_pgarr_init(&ids) < 0)
		return FG_ERR_INTERNAL;
	for (int i = 0; i < PQntuples(closed); i++)
		fg_pgarr_add(&ids, PQgetvalue(closed, i, 0));
	if ((v = fg_pgarr_finish(&ids)) == NULL) {
		fg_pgarr_release(&ids);
		return FG_ERR_INTERNAL;
	}
	const struct fg_sql_arg args[] = { { "ids", v } };
	res->statements++;
	rc = fg_outbox_resolve(db, "enqueue anomaly resolutions", &fg_sql_budgets_anomaly_resolved, args,
			       FG_SQL_COUNT(args), NULL);
	fg_pgarr_release(&ids);
	return rc;
}

static int write_run(PGconn *db, struct fg_anomaly_result *res)
{
	struct fg_pgarr arr[4];
	const char *v[4];
	PGresult *r = NULL;
	int rc, k;

	for (k = 0; k < 4; k++)
		if (fg_pgarr_init(&arr[k]) < 0)
			return FG_ERR_INTERNAL;
	if ((rc = record(db, res)) < 0 || (rc = normal_days(res, arr, v)) < 0)
		goto out;
	const struct fg_sql_arg args[] = {
		{ "normal_connectors", v[0] },
		{ "normal_dimensions", v[1] },
		{ "normal_series", v[2] },
		{ "normal_days", v[3] },
	};
	res->statements += 2;
	if ((r = fg_sql_query(db, &rc, "resolve anomaly incidents", &fg_sql_budgets_anomaly_resolve, args,
			      FG_SQL_COUNT(args))) == NULL)
		goto out;
	res->resolved = PQntuples(r);
	rc = resolutions(db, res, r);
	PQclear(r);
	r = NULL;
	if (rc < 0)
		goto out;
	if ((r = fg_sql_query(db, &rc, "group anomalies into incidents", &fg_sql_budgets_anomaly_incidents,
			      args, FG_SQL_COUNT(args))) == NULL)
		goto out;
	res->incidents = PQntuples(r);
	rc = notify(db, res, r);
out:
	PQclear(r);
	for (k = 0; k < 4; k++)
		fg_pgarr_release(&arr[k]);
	return rc;
}

int fg_anomaly_run(PGconn *db, const struct fg_anomaly_set *set, long from, long to, unsigned how,
		   struct fg_anomaly_result *res)
{
	bool dry_run = how & FG_ANOMALY_DRY_RUN;
	int rc, rows;

	memset(res, 0, sizeof(*res));
	res->set = set;
	fg_date_format(from, res->from, sizeof(res->from));
	fg_date_format(to, res->to, sizeof(res->to));
	res->statements += 2; /* session settings, the evaluation */
	if ((rc = fg_anomaly_eval_query(db, set, from, to, &res->ev)) < 0)
		return rc;
	rows = PQntuples(res->ev);
	if ((res->flags = calloc((size_t)rows + 1, 1)) == NULL) {
		fg_error("cannot evaluate cost anomalies: out of memory");
		fg_anomaly_result_release(res);
		return FG_ERR_INTERNAL;
	}
	for (int i = 0; i < rows; i++) {
		bool anomalous = fg_anomaly_row_anomalous(res->ev, i);
		bool recorded = strcmp(PQgetvalue(res->ev, i, AN_RECORDED), "t") == 0;
		const struct fg_anomaly_conf *c = conf_of(set, PQgetvalue(res->ev, i, AN_CONNECTOR));
		if (anomalous && !recorded)
			res->flags[i] |= FG_ANOMALY_NEW;
		if (anomalous && (recorded || !dry_run) && c != NULL && c->nnotify > 0)
			res->flags[i] |= FG_ANOMALY_QUEUED;
		if (i + 1 == rows || !same_series(res->ev, i, i + 1)) {
			res->flags[i] |= FG_ANOMALY_LAST;
			res->series++;
			res->any_open |= anomalous;
			res->not_evaluated +=
				strcmp(PQgetvalue(res->ev, i, AN_VERDICT), "not_evaluated") == 0;
		}
	}
	if (dry_run) {
		for (int i = 0; i < rows; i++)
			res->anomalies += (res->flags[i] & FG_ANOMALY_NEW) != 0;
		return 0;
	}
	res->statements += 2;
	if ((rc = fg_db_begin(db)) < 0)
		goto fail;
	if ((rc = write_run(db, res)) < 0) {
		fg_db_rollback(db);
		goto fail;
	}
	if ((rc = fg_db_commit(db)) < 0)
		goto fail;
	return 0;
fail:
	if (rc == FG_ERR_INTERNAL)
		fg_error("cannot record cost anomalies: out of memory");
	fg_anomaly_result_release(res);
	return rc;
}

void fg_anomaly_result_release(struct fg_anomaly_result *res)
{
	PQclear(res->ev);
	free(res->flags);
	res->ev = NULL;
	res->flags = NULL;
}
