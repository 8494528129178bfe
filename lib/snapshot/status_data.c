/*
 * status_data.c - data freshness per connector for snapshot --status.
 *
 * A job can succeed every hour while the data it reads is weeks old:
 * costsync failing for one connector, or removed from a crontab, leaves
 * budgetcheck healthy and every budget at no spend.  So the report shows,
 * next to the jobs, each connector's last synced day (costsync's
 * watermark, sql/snapshot/freshness.sql) and calls it stale past the
 * connector's max_data_age, as budgetcheck does.
 *
 * Hosts sharing the database should run the same configuration file: one
 * with an old file mirrors old budgets back.  Every job run records the
 * file's SHA-256 (tool.c), and the report compares the hosts' latest.
 */
#include "status_data.h"
#include "budget_array.h"
#include "clock.h"
#include "connector.h"
#include "db.h"
#include "exitcode.h"
#include "fg_sql_snapshot.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_row(const PGresult *r, int i, bool stale)
{
	const char *last = fg_db_val(r, i, 1), *sync = fg_db_val(r, i, 2), *age = fg_db_val(r, i, 3);
	const char *max = PQgetvalue(r, i, 4);
	char ages[16] = "-", detail[160];

	if (age != NULL)
		snprintf(ages, sizeof(ages), "%sd", age);
	if (last == NULL)
		snprintf(detail, sizeof(detail), "never synced; run costsync");
	else if (stale)
		snprintf(detail, sizeof(detail), "older than max_data_age %sd; check that costsync runs",
			 max);
	else if (sync != NULL)
		snprintf(detail, sizeof(detail), "synced %s", sync);
	else
		snprintf(detail, sizeof(detail), "no watermark: last cost row");
	printf("%-13s %-12s %5s %-8s %s\n", PQgetvalue(r, i, 0), last ? last : "never", ages,
	       stale ? "stale" : "ok", detail);
}

static json_t *row_json(const PGresult *r, int i, bool stale)
{
	const char *last = fg_db_val(r, i, 1), *sync = fg_db_val(r, i, 2), *age = fg_db_val(r, i, 3);
	json_t *o = json_pack("{s:s, s:b, s:I}", "connector", PQgetvalue(r, i, 0), "stale", stale,
			      "max_data_age_days", (json_int_t)strtoll(PQgetvalue(r, i, 4), NULL, 10));

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "last_synced_day", last ? json_string(last) : json_null());
	json_object_set_new(o, "age_days", age ? json_integer(strtoll(age, NULL, 10)) : json_null());
	json_object_set_new(o, "last_sync_at", sync ? json_string(sync) : json_null());
	return o;
}

int fg_status_freshness(PGconn *db, const struct fg_config *cfg, time_t now, json_t *arr, int *unhealthy)
{
	struct fg_connector_set set;
	struct fg_pgarr names, ages;
	const char *n, *a;
	char today[16];
	PGresult *r = NULL;
	int rc, count = 0;

	if ((rc = fg_connector_load(cfg, 0, &set)) < 0)
		return rc;
	if (fg_pgarr_init(&names) < 0 || fg_pgarr_init(&ages) < 0) {
		rc = FG_ERR_INTERNAL;
		goto out;
	}
	for (int i = 0; i < set.n; i++)
		if (set.v[i].enabled) {
			fg_pgarr_add(&names, set.v[i].name);
			fg_pgarr_addf(&ages, "%d", set.v[i].max_data_age);
			count++;
		}
	if (count == 0)
		goto out;
	if ((n = fg_pgarr_finish(&names)) == NULL || (a = fg_pgarr_finish(&ages)) == NULL) {
		rc = FG_ERR_INTERNAL;
		goto out;
	}
	fg_date_format((long)(now / 86400), today, sizeof(today));
	const struct fg_sql_arg args[] = { { "connectors", n }, { "max_ages", a }, { "today", today } };
	r = fg_sql_query(db, &rc, "read data freshness", &fg_sql_snapshot_freshness, args,
			 FG_SQL_COUNT(args));
	if (r == NULL)
		goto out;
	if (arr == NULL)
		printf("\n%-13s %-12s %5s %-8s %s\n", "CONNECTOR", "DATA THROUGH", "AGE", "HEALTH", "DETAIL");
	for (int i = 0; i < PQntuples(r); i++) {
		bool stale = strcmp(PQgetvalue(r, i, 5), "t") == 0;
		*unhealthy += stale;
		if (arr == NULL)
			print_row(r, i, stale);
		else if (json_array_append_new(arr, row_json(r, i, stale)) < 0)
			rc = FG_ERR_INTERNAL;
	}
out:
	if (rc == FG_ERR_INTERNAL)
		fg_error("cannot report data freshness: out of memory");
	PQclear(r);
	fg_pgarr_release(&names);
	fg_pgarr_release(&ages);
	fg_connector_set_release(&set);
	return rc;
}

int fg_status_configs(PGconn *db, time_t now, json_t *obj)
{
	char nowbuf[32], days[16], list[512] = "";
	const struct fg_sql_arg args[] = { { "now", nowbuf }, { "days", days } };
	size_t used = 0;
	bool differ = false;
	int rc;

	fg_timestamp_format(now, nowbuf, sizeof(nowbuf));
	snprintf(days, sizeof(days), "%d", FG_STATUS_CONFIG_DAYS);
	PGresult *r = fg_sql_query(db, &rc, "read configuration fingerprints", &fg_sql_snapshot_configs, args,
				   FG_SQL_COUNT(args));
	if (r == NULL)
		return rc;
	for (int i = 1; i < PQntuples(r); i++)
		differ |= strcmp(PQgetvalue(r, i, 1), PQgetvalue(r, 0, 1)) != 0;
	if (obj != NULL) {
		json_t *arr = json_array();
		for (int i = 0; i < PQntuples(r); i++)
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s}", "host",
							     PQgetvalue(r, i, 0), "config_sha256",
							     PQgetvalue(r, i, 1), "job", PQgetvalue(r, i, 2),
							     "started_at", PQgetvalue(r, i, 3)));
		json_object_set_new(obj, "configs", arr);
		json_object_set_new(obj, "config_consistent", json_boolean(!differ));
	} else if (differ) {
		printf("\n%-20s %-16s %-13s %s\n", "HOST", "CONFIG SHA-256", "LAST JOB", "STARTED (UTC)");
		for (int i = 0; i < PQntuples(r); i++)
			printf("%-20s %-16.12s %-13s %s\n", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1),
			       PQgetvalue(r, i, 2), PQgetvalue(r, i, 3));
	}
	for (int i = 0; differ && i < PQntuples(r) && used < sizeof(list); i++) {
		int w = snprintf(list + used, sizeof(list) - used, "%s'%s' %.12s", i ? ", " : "",
				 PQgetvalue(r, i, 0), PQgetvalue(r, i, 1));
		if (w < 0)
			break;
		used += (size_t)w;
	}
	if (differ)
		fg_warn("compare the configuration files of the hosts: they differ (%s); deploy the same file"
			" to every host",
			list);
	PQclear(r);
	return 0;
}
