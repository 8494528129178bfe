/*
 * retention.c - batched deletes of old delivery attempts, notifications,
 * job runs and resolved findings.
 *
 * The statements are fixed text: the table-specific parts are chosen from
 * the static table below, never from input, and the cut-off and batch size
 * are bound parameters.
 *
 * One clock per comparison (HACKING.md, Clocks): a cut-off is computed
 * from the clock its column was stamped with.  Delivery attempts,
 * notifications and job runs are stamped when they happen, by the
 * database or the system clock: their cut-off counts back from the
 * database's now().  Resolved findings carry business time, the instant
 * of the scan (FLAKEGUARD_NOW when set): theirs counts back from `now`.
 * So a fixed FLAKEGUARD_NOW in the past does not keep every run forever,
 * nor one in the future prune everything.  A notification that opened an
 * incident still open on its channel is kept whatever its age.
 */
#include "retention.h"
#include "clock.h"
#include "db.h"
#include "exitcode.h"
#include "log.h"
#include "progress.h"
#include "tool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct kind {
	const char *name; /* count key and config prefix */
	const char *key;  /* [retention] key */
	int64_t def_days;
	bool business;     /* stamped with business time (fg_now), else the database clock */
	const char *table; /* for the existence check */
	const char *count_sql;
	const char *delete_sql;
};

/*
 * The opening of an incident still open on its channel stays: its
 * resolution (a yearly budget's, a year later) and reminders are queued for
 * the channels its openings name.
 */
#define KEEP_OPEN_INCIDENTS                                                                     \
	" AND (incident IS NULL OR event <> 'trigger' OR EXISTS (SELECT 1 FROM notifications r" \
	" WHERE r.incident = notifications.incident AND r.channel = notifications.channel"      \
	" AND r.event = 'resolve'))"

static const struct kind kinds[] = {
	{ "attempts", "attempts_days", 30, false, "delivery_attempts",
	  "SELECT count(*) FROM delivery_attempts WHERE attempted_at < $1",
	  "DELETE FROM delivery_attempts WHERE id IN (SELECT id FROM delivery_attempts"
	  " WHERE attempted_at < $1 ORDER BY id LIMIT $2)" },
	{ "notifications", "notifications_days", 90, false, "notifications",
	  "SELECT count(*) FROM notifications WHERE ((status = 'sent' AND sent_at < $1)"
	  " OR (status = 'skipped' AND created_at < $1))" KEEP_OPEN_INCIDENTS,
	  "DELETE FROM notifications WHERE id IN (SELECT id FROM notifications"
	  " WHERE ((status = 'sent' AND sent_at < $1) OR (status = 'skipped' AND created_at < $1))" KEEP_OPEN_INCIDENTS
	  " ORDER BY id LIMIT $2)" },
	{ "job_runs", "job_runs_days", 90, false, "job_runs",
	  "SELECT count(*) FROM job_runs WHERE status <> 'running' AND started_at < $1",
	  "DELETE FROM job_runs WHERE id IN (SELECT id FROM job_runs"
	  " WHERE status <> 'running' AND started_at < $1 ORDER BY id LIMIT $2)" },
	{ "findings", "findings_days", 365, true, "findings",
	  "SELECT count(*) FROM findings WHERE status = 'resolved' AND resolved_at < $1",
	  "DELETE FROM findings WHERE id IN (SELECT id FROM findings"
	  " WHERE status = 'resolved' AND resolved_at < $1 ORDER BY id LIMIT $2)" },
	{ NULL, NULL, 0, false, NULL, NULL, NULL },
};

static int table_exists(PGconn *db, const char *table, bool *exists)
{
	int rc;
	const char *params[] = { table };
	PGresult *r = fg_db_query(db, &rc, "check table",
				  "SELECT to_regclass(pg_catalog.quote_ident($1)) IS NOT NULL", 1, params);
	if (r == NULL)
		return rc;
	*exists = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
	PQclear(r);
	return 0;
}

/* The database's clock, in seconds since the epoch. */
static int db_now(PGconn *db, time_t *out)
{
	int rc;
	PGresult *r = fg_db_query(db, &rc, "read the database clock",
				  "SELECT extract(epoch FROM now())::bigint", 0, NULL);
	if (r == NULL)
		return rc;
	*out = (time_t)strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return 0;
}

int fg_retention_check(const struct fg_config *cfg)
{
	const struct fg_conf_section *sec = fg_config_section(cfg, "retention", NULL);
	int64_t v;
	int rc = 0;

	if (fg_conf_int(cfg, sec, "batch_size", 5000, 1, 1000000, &v) < 0)
		rc = FG_ERR_CONFIG;
	for (const struct kind *k = kinds; k->name; k++)
		if (fg_conf_int(cfg, sec, k->key, k->def_days, 1, 100000, &v) < 0)
			rc = FG_ERR_CONFIG;
	return rc;
}

int fg_retention_prune(PGconn *db, const struct fg_config *cfg, time_t now, bool dry_run, json_t *counts)
{
	const struct fg_conf_section *sec = fg_config_section(cfg, "retention", NULL);
	int64_t batch;
	time_t stamped_now = 0;
	int rc;

	if ((rc = fg_conf_int(cfg, sec, "batch_size", 5000, 1, 1000000, &batch)) < 0 ||
	    (rc = db_now(db, &stamped_now)) < 0)
		return rc;
	for (const struct kind *k = kinds; k->name; k++) {
		int64_t days;
		bool exists = false;
		long long total = 0;
		char cutoff[32], limit[24], key[64];

		if ((rc = fg_conf_int(cfg, sec, k->key, k->def_days, 1, 100000, &days)) < 0)
			return rc;
		if ((rc = table_exists(db, k->table, &exists)) < 0)
			return rc;
		if (!exists)
			continue;
		fg_timestamp_format((k->business ? now : stamped_now) - (time_t)days * 86400, cutoff,
				    sizeof(cutoff));
		snprintf(limit, sizeof(limit), "%lld", (long long)batch);
		const char *params[] = { cutoff, limit };
		if (dry_run) {
			PGresult *r = fg_db_query(db, &rc, "count old rows", k->count_sql, 1, params);
			if (r == NULL)
				return rc;
			total = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
			PQclear(r);
		} else {
			struct fg_progress prog;
			char label[64];
			snprintf(label, sizeof(label), "pruning %s", k->name);
			fg_progress_start(&prog, label, "rows", 0);
			for (;;) {
				if (fg_interrupted) {
					fg_progress_end(&prog);
					return FG_ERR_TEMP;
				}
				PGresult *r =
					fg_db_query(db, &rc, "prune old rows", k->delete_sql, 2, params);
				if (r == NULL) {
					fg_progress_end(&prog);
					return rc;
				}
				long long n = strtoll(PQcmdTuples(r), NULL, 10);
				fg_progress_add(&prog, n);
				PQclear(r);
				total += n;
				fg_debug("pruned a batch of %lld %s", n, k->name);
				if (n < batch)
					break;
			}
			fg_progress_end(&prog);
		}
		if (total > 0)
			fg_info("%s %lld %s older than %lld days", dry_run ? "would prune" : "pruned", total,
				k->name, (long long)days);
		snprintf(key, sizeof(key), "%s_pruned", k->name);
		json_object_set_new(counts, key, json_integer(total));
	}
	return 0;
}
