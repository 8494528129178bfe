/*
 * status.c - last run per job, staleness and failure, in one query
 * (sql/snapshot/status.sql).
 *
 * The jobs, their locks and default intervals come from the job table
 * (jobs.h); [status] overrides the intervals.  A run left 'running' by a
 * job that takes a lock has died when nobody holds that lock any more;
 * a job without a lock (notifyd-once) cannot be judged that way.  Whoever
 * holds a job's lock is named (pid, application, client, since when), so
 * a run that exits "another run holds the lock" can be traced to it.
 */
#include "status.h"
#include "status_data.h"
#include "clock.h"
#include "db.h"
#include "exitcode.h"
#include "fg_sql_snapshot.h"
#include "log.h"
#include "jobs.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Append formatted text to a fixed buffer (truncating). */
static void append(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void append(char *buf, size_t len, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;
	if (n >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + n, len - n, fmt, ap);
	va_end(ap);
}

/* Compact "a=1 b=2" from a counts JSON object. */
static void counts_text(const char *json, char *buf, size_t len)
{
	json_t *o = json ? json_loads(json, 0, NULL) : NULL;
	const char *k;
	json_t *v;
	size_t used = 0;
	buf[0] = '\0';
	if (o == NULL)
		return;
	json_object_foreach(o, k, v)
	{
		char val[64];
		if (json_is_integer(v))
			snprintf(val, sizeof(val), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		else if (json_is_string(v))
			snprintf(val, sizeof(val), "%s", json_string_value(v));
		else
			continue;
		int n = snprintf(buf + used, len - used, "%s%s=%s", used ? " " : "", k, val);
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
	json_decref(o);
}

/* The session holding the job's lock (columns 13..18), or NULL. */
static json_t *holder_json(const PGresult *r, int i)
{
	if (PQgetisnull(r, i, 13))
		return json_null();
	json_t *o = json_pack("{s:I}", "pid", (json_int_t)strtoll(PQgetvalue(r, i, 13), NULL, 10));
	const char *keys[] = { "application_name", "client", "since", "state", "wait_event_type" };
	for (int c = 0; c < 5; c++) {
		const char *v = fg_db_val(r, i, 14 + c);
		json_object_set_new(o, keys[c], v ? json_string(v) : json_null());
	}
	return o;
}

/* "lock held by pid 12 (snapshot, local, idle) since T; " or "". */
static void holder_text(const PGresult *r, int i, char *buf, size_t len)
{
	const char *app = fg_db_val(r, i, 14), *client = fg_db_val(r, i, 15), *since = fg_db_val(r, i, 16);
	const char *state = fg_db_val(r, i, 17), *wait = fg_db_val(r, i, 18);

	*buf = '\0';
	if (PQgetisnull(r, i, 13))
		return;
	snprintf(buf, len, "lock held by pid %s (%.60s, %.60s, %s%s)%s%s; ", PQgetvalue(r, i, 13),
		 app && *app ? app : "?", client ? client : "?", state ? state : "?",
		 wait && strcmp(wait, "Lock") == 0 ? ", waiting for a lock" : "", since ? " since " : "",
		 since ? since : "");
}

static void human_interval(int64_t s, char *buf, size_t len)
{
	if (s <= 0)
		snprintf(buf, len, "off");
	else if (s % 86400 == 0)
		snprintf(buf, len, "%lldd", (long long)(s / 86400));
	else if (s % 3600 == 0)
		snprintf(buf, len, "%lldh", (long long)(s / 3600));
	else if (s % 60 == 0)
		snprintf(buf, len, "%lldm", (long long)(s / 60));
	else
		snprintf(buf, len, "%llds", (long long)s);
}

int fg_status_check(const struct fg_config *cfg)
{
	const struct fg_conf_section *sec = fg_config_section(cfg, "status", NULL);
	int rc = 0;

	for (int i = 0; fg_jobs[i].name; i++) {
		const char *v = fg_conf_get(sec, fg_jobs[i].name);
		int64_t iv;
		if (v != NULL && strcmp(v, "off") != 0 && fg_parse_interval(v, &iv) < 0) {
			fg_conf_error(cfg, sec, fg_jobs[i].name,
				      "'%s' is not an interval (e.g. 90s, 5m, 1h, 1d, off)", v);
			rc = FG_ERR_CONFIG;
		}
	}
	return rc;
}

int fg_status_report(PGconn *db, const struct fg_config *cfg, time_t now, bool json, int *unhealthy)
{
	const struct fg_conf_section *sec = fg_config_section(cfg, "status", NULL);
	char jobs[256] = "{", locks[64] = "{", excl[64] = "{", intervals[256] = "{", nowbuf[32];
	int rc;

	*unhealthy = 0;
	for (int i = 0; fg_jobs[i].name; i++) {
		const struct fg_job *j = &fg_jobs[i];
		int64_t iv = j->interval;
		const char *v = fg_conf_get(sec, j->name);
		if (v != NULL && strcmp(v, "off") != 0 && fg_parse_interval(v, &iv) < 0) {
			fg_conf_error(cfg, sec, j->name,
				      "'%s' is not an interval (e.g. 90s, 5m, 1h, 1d, off)", v);
			return FG_ERR_CONFIG;
		}
		if (v != NULL && strcmp(v, "off") == 0)
			iv = 0;
		append(jobs, sizeof(jobs), "%s\"%s\"", i ? "," : "", j->name);
		append(locks, sizeof(locks), "%s%d", i ? "," : "", j->lock_id);
		append(excl, sizeof(excl), "%s%s", i ? "," : "", j->exclusive ? "t" : "f");
		append(intervals, sizeof(intervals), "%s%lld", i ? "," : "", (long long)iv);
	}
	append(jobs, sizeof(jobs), "}");
	append(locks, sizeof(locks), "}");
	append(excl, sizeof(excl), "}");
	append(intervals, sizeof(intervals), "}");
	fg_timestamp_format(now, nowbuf, sizeof(nowbuf));
	const struct fg_sql_arg args[] = {
		{ "jobs", jobs },           { "lock_ids", locks }, { "exclusive", excl },
		{ "intervals", intervals }, { "now", nowbuf },     { "lock_class", FG_LOCK_CLASS },
	};
	PGresult *r =
		fg_sql_query(db, &rc, "read job status", &fg_sql_snapshot_status, args, FG_SQL_COUNT(args));
	if (r == NULL)
		return rc;

	json_t *arr = json ? json_array() : NULL;
	if (!json)
		printf("%-13s %-20s %9s %-11s %-8s %s\n", "JOB", "LAST RUN (UTC)", "DURATION", "STATUS",
		       "HEALTH", "DETAIL");
	for (int i = 0; i < PQntuples(r); i++) {
		const char *job = PQgetvalue(r, i, 0);
		const char *started = fg_db_val(r, i, 1), *dur = fg_db_val(r, i, 2), *st = fg_db_val(r, i, 3);
		const char *code = fg_db_val(r, i, 4), *host = fg_db_val(r, i, 5),
			   *counts = fg_db_val(r, i, 6);
		const char *err = fg_db_val(r, i, 7), *succ = fg_db_val(r, i, 8);
		int64_t iv = strtoll(PQgetvalue(r, i, 9), NULL, 10);
		bool stale = strcmp(PQgetvalue(r, i, 10), "t") == 0;
		bool failing = strcmp(PQgetvalue(r, i, 11), "t") == 0;
		bool died = strcmp(PQgetvalue(r, i, 12), "t") == 0;
		const char *health = failing ? (died ? "died" : "failing")
				     : stale ? (started ? "stale" : "never")
					     : "ok";
		char ivs[32];
		human_interval(iv, ivs, sizeof(ivs));
		if (failing || stale)
			(*unhealthy)++;
		if (json) {
			json_t *o =
				json_pack("{s:s, s:s, s:b, s:b, s:I}", "job", job, "health", health, "stale",
					  stale, "failing", failing, "expected_interval_s", (json_int_t)iv);
			json_object_set_new(o, "last_success", succ ? json_string(succ) : json_null());
			if (started) {
				json_t *counts_j = counts ? json_loads(counts, 0, NULL) : NULL;
				json_t *last = json_pack("{s:s, s:s, s:s?}", "started_at", started, "status",
							 st, "host", host);
				json_object_set_new(last, "duration_s",
						    dur ? json_real(strtod(dur, NULL)) : json_null());
				json_object_set_new(last, "exit_code",
						    code ? json_integer(strtoll(code, NULL, 10))
							 : json_null());
				json_object_set_new(last, "counts", counts_j ? counts_j : json_object());
				json_object_set_new(last, "error", err ? json_string(err) : json_null());
				json_object_set_new(o, "last_run", last);
			} else {
				json_object_set_new(o, "last_run", json_null());
			}
			json_object_set_new(o, "lock_holder", holder_json(r, i));
			json_array_append_new(arr, o);
			continue;
		}
		char detail[768] = "", ct[256];
		counts_text(counts, ct, sizeof(ct));
		holder_text(r, i, detail, sizeof(detail));
		size_t n = strlen(detail);
		if (died)
			snprintf(detail + n, sizeof(detail) - n, "died while running (no lock held); ");
		else if (failing && err)
			snprintf(detail + n, sizeof(detail) - n, "exit %s: %.200s; ", code ? code : "?", err);
		else if (failing)
			snprintf(detail + n, sizeof(detail) - n, "exit %s; ", code ? code : "?");
		n = strlen(detail);
		if (stale)
			snprintf(detail + n, sizeof(detail) - n, "no success %s%s (expected every %s)",
				 succ ? "since " : "yet", succ ? succ : "", ivs);
		else
			snprintf(detail + n, sizeof(detail) - n, "%s", ct);
		char durs[16] = "-";
		if (dur)
			snprintf(durs, sizeof(durs), "%.1fs", strtod(dur, NULL));
		printf("%-13s %-20s %9s %-11s %-8s %s\n", job, started ? started : "never", durs,
		       st ? st : "-", health, detail);
	}
	/* data freshness per connector, next to the jobs */
	json_t *conns = json ? json_array() : NULL;
	json_t *doc = json ? json_object() : NULL;
	if ((rc = fg_status_freshness(db, cfg, now, conns, unhealthy)) < 0 ||
	    (rc = fg_status_configs(db, now, doc)) < 0) {
		json_decref(doc);
		json_decref(conns);
		json_decref(arr);
		PQclear(r);
		return rc;
	}
	if (json) {
		json_object_set_new(doc, "jobs", arr);
		json_object_set_new(doc, "connectors", conns);
		json_object_set_new(doc, "healthy", json_boolean(*unhealthy == 0));
		char *s = json_dumps(doc, JSON_INDENT(2));
		if (s)
			printf("%s\n", s);
		free(s);
		json_decref(doc);
	}
	PQclear(r);
	return 0;
}
