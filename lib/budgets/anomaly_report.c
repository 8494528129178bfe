/*
 * anomaly_report.c - what an anomaly says: the notification's title and
 * fields, the --json alert objects, the backtest and the incident list.
 *
 * The explanation sentence itself is made in SQL with the figures
 * (evaluate.sql), so every channel, the JSON and the tables carry the
 * same text.  Money stays decimal text; only the deviation (a multiple
 * of the spread) and the day counts are JSON numbers.
 */
#include "anomaly_run.h"
#include "clock.h"
#include "db.h"
#include "exitcode.h"
#include "fg_sql_budgets.h"
#include "log.h"

#include <stdlib.h>
#include <string.h>

/* "warehouse ETL_WH of prod", "account prod". */
static void label(const PGresult *ev, int row, char *buf, size_t len)
{
	const char *dim = PQgetvalue(ev, row, AN_DIMENSION);

	if (strcmp(dim, "account") == 0)
		snprintf(buf, len, "account %s", PQgetvalue(ev, row, AN_CONNECTOR));
	else
		snprintf(buf, len, "%s %s of %s", dim, PQgetvalue(ev, row, AN_SERIES),
			 PQgetvalue(ev, row, AN_CONNECTOR));
}

void fg_anomaly_title(const PGresult *ev, int row, char *buf, size_t len)
{
	char who[300];
	const char *diff = PQgetvalue(ev, row, AN_DIFFERENCE);

	label(ev, row, who, sizeof(who));
	snprintf(buf, len, "cost %s: %s %s%s %s on %s (expected %s)", PQgetvalue(ev, row, AN_VERDICT), who,
		 *diff == '-' ? "" : "+", diff, PQgetvalue(ev, row, AN_CURRENCY), PQgetvalue(ev, row, AN_DAY),
		 PQgetvalue(ev, row, AN_EXPECTED));
}

/* "service WAREHOUSE_METERING +890.00, warehouse ETL_WH +880.00", and for
 * a query hash "query 8f3a... +880.00 ran 412 times (usually 30)" */
static json_t *contributors(const PGresult *ev, int row, char *text, size_t len)
{
	json_t *arr = json_loads(PQgetvalue(ev, row, AN_CONTRIB), 0, NULL), *c;
	size_t i, used = 0;

	text[0] = '\0';
	if (!json_is_array(arr)) {
		json_decref(arr);
		return json_array();
	}
	json_array_foreach(arr, i, c)
	{
		const char *change = json_string_value(json_object_get(c, "change"));
		const char *dim = json_string_value(json_object_get(c, "dimension"));
		const char *series = json_string_value(json_object_get(c, "series"));
		json_t *runs = json_object_get(c, "queries"), *usual = json_object_get(c, "usual_queries");
		char ran[64] = "";
		int w;

		if (dim && strcmp(dim, "query") == 0 && json_is_integer(runs) && json_is_integer(usual))
			snprintf(ran, sizeof(ran),
				 " ran %" JSON_INTEGER_FORMAT " times (usually %" JSON_INTEGER_FORMAT ")",
				 json_integer_value(runs), json_integer_value(usual));
		w = snprintf(text + used, len - used, "%s%s %s %s%s%s", used ? ", " : "", dim ? dim : "?",
			     series ? series : "?", change && *change == '-' ? "" : "+",
			     change ? change : "?", ran);
		if (w < 0 || (size_t)w >= len - used)
			break;
		used += (size_t)w;
	}
	return arr;
}

json_t *fg_anomaly_fields(const PGresult *ev, int row)
{
	char top[1024];
	json_t *arr = contributors(ev, row, top, sizeof(top)), *f;

	json_decref(arr);
	f = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
		      "connector", PQgetvalue(ev, row, AN_CONNECTOR), "dimension",
		      PQgetvalue(ev, row, AN_DIMENSION), "series", PQgetvalue(ev, row, AN_SERIES), "day",
		      PQgetvalue(ev, row, AN_DAY), "direction", PQgetvalue(ev, row, AN_VERDICT), "actual",
		      PQgetvalue(ev, row, AN_ACTUAL), "expected", PQgetvalue(ev, row, AN_EXPECTED),
		      "difference", PQgetvalue(ev, row, AN_DIFFERENCE), "spreads",
		      PQgetvalue(ev, row, AN_DEVIATION), "spread", PQgetvalue(ev, row, AN_SPREAD), "baseline",
		      PQgetvalue(ev, row, AN_LOW), "baseline_high", PQgetvalue(ev, row, AN_HIGH),
		      "baseline_days", PQgetvalue(ev, row, AN_NDAYS), "currency",
		      PQgetvalue(ev, row, AN_CURRENCY), "contributors", top);
	/* the account has no series name, and a warehouse nothing below it yet */
	if (f != NULL && *PQgetvalue(ev, row, AN_SERIES) == '\0')
		json_object_del(f, "series");
	if (f != NULL && *top == '\0')
		json_object_del(f, "contributors");
	return f;
}

/* One anomalous row as a JSON object. */
static json_t *row_json(const PGresult *ev, int row, unsigned char flags)
{
	char title[512], top[1024];
	json_t *contrib = contributors(ev, row, top, sizeof(top));
	json_t *o = json_pack(
		"{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:f, s:s, s:s, s:i, s:s, s:o, s:b, s:b}",
		"connector", PQgetvalue(ev, row, AN_CONNECTOR), "dimension",
		PQgetvalue(ev, row, AN_DIMENSION), "series", PQgetvalue(ev, row, AN_SERIES), "day",
		PQgetvalue(ev, row, AN_DAY), "direction", PQgetvalue(ev, row, AN_VERDICT), "severity",
		PQgetvalue(ev, row, AN_SEVERITY), "actual", PQgetvalue(ev, row, AN_ACTUAL), "expected",
		PQgetvalue(ev, row, AN_EXPECTED), "difference", PQgetvalue(ev, row, AN_DIFFERENCE), "spread",
		PQgetvalue(ev, row, AN_SPREAD), "spreads", strtod(PQgetvalue(ev, row, AN_DEVIATION), NULL),
		"baseline_low", PQgetvalue(ev, row, AN_LOW), "baseline_high", PQgetvalue(ev, row, AN_HIGH),
		"baseline_days", atoi(PQgetvalue(ev, row, AN_NDAYS)), "currency",
		PQgetvalue(ev, row, AN_CURRENCY), "contributors", contrib, "new",
		(flags & FG_ANOMALY_NEW) != 0, "queued", (flags & FG_ANOMALY_QUEUED) != 0);

	if (o == NULL)
		return NULL;
	fg_anomaly_title(ev, row, title, sizeof(title));
	/* the generic alert shape, so notifyd-once --stdin can send what is not queued */
	if (json_object_set_new(o, "title", json_string(title)) < 0 ||
	    json_object_set_new(o, "text", json_string(PQgetvalue(ev, row, AN_EXPLANATION))) < 0 ||
	    json_object_set_new(o, "anomaly", json_true()) < 0 ||
	    json_object_set_new(o, "dedup_key",
				json_sprintf("anomaly:%s:%s:%s:%s", PQgetvalue(ev, row, AN_CONNECTOR),
					     PQgetvalue(ev, row, AN_DIMENSION),
					     PQgetvalue(ev, row, AN_SERIES), PQgetvalue(ev, row, AN_DAY))) <
		    0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* A series too young to judge on its last day: never silently ok. */
static bool young(const struct fg_anomaly_result *res, int i)
{
	return (res->flags[i] & FG_ANOMALY_LAST) &&
	       strcmp(PQgetvalue(res->ev, i, AN_VERDICT), "not_evaluated") == 0;
}

/*
 * {"series_status": "not_evaluated", ...} of a young series: no "anomaly"
 * key, so select(.anomaly) still picks the anomalies alone.
 */
static json_t *young_json(const PGresult *ev, int i)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:i}", "series_status", "not_evaluated", "connector",
			 PQgetvalue(ev, i, AN_CONNECTOR), "dimension", PQgetvalue(ev, i, AN_DIMENSION),
			 "series", PQgetvalue(ev, i, AN_SERIES), "day", PQgetvalue(ev, i, AN_DAY),
			 "history_days", atoi(PQgetvalue(ev, i, AN_HIST)));
}

int fg_anomaly_json_open(const struct fg_anomaly_result *res, json_t *arr)
{
	for (int i = 0; i < PQntuples(res->ev); i++) {
		json_t *o;
		if (young(res, i))
			o = young_json(res->ev, i);
		else if ((res->flags[i] & FG_ANOMALY_LAST) && fg_anomaly_row_anomalous(res->ev, i))
			o = row_json(res->ev, i, res->flags[i]);
		else
			continue;
		if (o == NULL || json_array_append_new(arr, o) < 0)
			return FG_ERR_INTERNAL;
	}
	return 0;
}

void fg_anomaly_print_open(FILE *out, const struct fg_anomaly_result *res)
{
	for (int i = 0; i < PQntuples(res->ev); i++) {
		if (young(res, i))
			fprintf(out, "anomaly  not_evaluated  %s %s of %s: %s days of history\n",
				PQgetvalue(res->ev, i, AN_DIMENSION), PQgetvalue(res->ev, i, AN_SERIES),
				PQgetvalue(res->ev, i, AN_CONNECTOR), PQgetvalue(res->ev, i, AN_HIST));
		else if ((res->flags[i] & FG_ANOMALY_LAST) && fg_anomaly_row_anomalous(res->ev, i))
			fprintf(out, "anomaly  %-8s  %s\n", PQgetvalue(res->ev, i, AN_SEVERITY),
				PQgetvalue(res->ev, i, AN_EXPLANATION));
	}
}

int fg_anomaly_print_backtest(FILE *out, const struct fg_anomaly_result *res, bool json)
{
	const PGresult *ev = res->ev;
	json_t *doc = NULL, *flagged = NULL, *young_series = NULL;
	long nflagged = 0;

	if (json) {
		doc = json_pack("{s:s, s:s, s:I, s:[], s:[]}", "since", res->from, "until", res->to, "series",
				(json_int_t)res->series, "flagged", "not_evaluated");
		if (doc == NULL)
			return FG_ERR_INTERNAL;
		flagged = json_object_get(doc, "flagged");
		young_series = json_object_get(doc, "not_evaluated");
	}
	for (int i = 0; i < PQntuples(ev); i++) {
		if (fg_anomaly_row_anomalous(ev, i)) {
			nflagged++;
			if (json) {
				json_t *o = row_json(ev, i, 0);
				if (o == NULL || json_array_append_new(flagged, o) < 0)
					goto oom;
				json_object_del(o, "queued");
				json_object_del(o, "new");
			} else {
				fprintf(out, "%s  %-5s  %-8s  %s\n", PQgetvalue(ev, i, AN_DAY),
					PQgetvalue(ev, i, AN_VERDICT), PQgetvalue(ev, i, AN_SEVERITY),
					PQgetvalue(ev, i, AN_EXPLANATION));
			}
		}
		if (young(res, i)) {
			if (json) {
				json_t *o = young_json(ev, i);
				if (o == NULL || json_array_append_new(young_series, o) < 0)
					goto oom;
				json_object_del(o, "series_status");
				json_object_del(o, "day");
			} else {
				fprintf(out, "%s  not_evaluated  %s %s of %s: %s days of history\n",
					PQgetvalue(ev, i, AN_DAY), PQgetvalue(ev, i, AN_DIMENSION),
					PQgetvalue(ev, i, AN_SERIES), PQgetvalue(ev, i, AN_CONNECTOR),
					PQgetvalue(ev, i, AN_HIST));
			}
		}
	}
	if (json) {
		int rc = json_dumpf(doc, out, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
		json_decref(doc);
		fputc('\n', out);
		return rc < 0 ? FG_ERR_INTERNAL : 0;
	}
	fprintf(out, "%ld series judged from %s to %s: %ld anomalous days, %ld series not evaluated\n",
		res->series, res->from, res->to, nflagged, res->not_evaluated);
	return 0;
oom:
	json_decref(doc);
	return FG_ERR_INTERNAL;
}

int fg_anomaly_list(PGconn *db, long since, const char *connector, bool json, FILE *out)
{
	char day[11];
	int rc = 0;
	json_t *arr = NULL;

	fg_date_format(since, day, sizeof(day));
	const struct fg_sql_arg args[] = { { "since", day }, { "connector", connector } };
	PGresult *r = fg_sql_query(db, &rc, "list anomaly incidents", &fg_sql_budgets_anomaly_list, args,
				   FG_SQL_COUNT(args));
	if (r == NULL)
		return rc;
	if (json && (arr = json_array()) == NULL)
		goto oom;
	for (int i = 0; i < PQntuples(r); i++) {
		bool open = PQgetisnull(r, i, 8);
		if (json) {
			json_t *o = json_pack(
				"{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:i, s:s, s:s, s:s, "
				"s:s}",
				"id", (json_int_t)strtoll(PQgetvalue(r, i, 0), NULL, 10), "connector",
				PQgetvalue(r, i, 1), "dimension", PQgetvalue(r, i, 2), "series",
				PQgetvalue(r, i, 3), "direction", PQgetvalue(r, i, 4), "severity",
				PQgetvalue(r, i, 5), "status", open ? "open" : "resolved", "first_day",
				PQgetvalue(r, i, 6), "last_day", PQgetvalue(r, i, 7), "resolved_day",
				open ? json_null() : json_string(PQgetvalue(r, i, 8)), "days",
				atoi(PQgetvalue(r, i, 9)), "actual", PQgetvalue(r, i, 10), "expected",
				PQgetvalue(r, i, 11), "difference", PQgetvalue(r, i, 12), "explanation",
				PQgetvalue(r, i, 13));
			if (o == NULL)
				goto oom;
			if (json_array_append_new(arr, o) < 0)
				goto oom;
		} else {
			fprintf(out, "%-8s  %-8s  %-5s  %s..%s  %s\n", open ? "open" : "resolved",
				PQgetvalue(r, i, 5), PQgetvalue(r, i, 4), PQgetvalue(r, i, 6),
				PQgetvalue(r, i, 7), PQgetvalue(r, i, 13));
		}
	}
	if (json) {
		rc = json_dumpf(arr, out, JSON_INDENT(2)) < 0 ? FG_ERR_INTERNAL : 0;
		fputc('\n', out);
	}
	json_decref(arr);
	PQclear(r);
	return rc;
oom:
	fg_error("cannot list anomaly incidents: out of memory");
	json_decref(arr);
	PQclear(r);
	return FG_ERR_INTERNAL;
}
