/*
 * notify_store.c - outbox statements for notifyd-once.
 *
 * Claiming is one UPDATE over a SELECT ... FOR UPDATE SKIP LOCKED, run in
 * autocommit: when it returns, the claim is committed and visible to every
 * other run, before any message leaves.  Concurrent runs skip rows another
 * transaction holds and, once that one commits, see claimed_at set (READ
 * COMMITTED re-checks the WHERE clause on the locked row), so a row is
 * claimed by one run at a time.  Finishing updates only rows still claimed
 * by this run: when a run outlives its lease and another took the row over,
 * the late result is dropped instead of overwriting the newer one.
 * A reminder or resolution waits while an earlier row of its incident on
 * its channel is pending or held: delivered concurrently in one batch, a
 * resolve could reach PagerDuty before its trigger and leave the incident
 * open.
 * Retry, lease and backoff times use the database clock (now()); the e-mail
 * quota day and the digest use the tool's clock (FLAKEGUARD_NOW).
 */
#include "notify_store.h"
#include "db.h"
#include "exitcode.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* RETURNING gives rows in scan order: put them back in outbox order. */
static int by_id(const void *a, const void *b)
{
	const struct fg_notification *x = a, *y = b;
	return x->id < y->id ? -1 : x->id > y->id;
}

static char *dupv(const PGresult *r, int row, int col)
{
	const char *v = fg_db_val(r, row, col);
	return strdup(v ? v : "");
}

int fg_store_claim(PGconn *db, const char *me, int64_t lease_s, const char *channels, const char *today,
		   long limit, struct fg_notification **out, int *n)
{
	char lease[24], lim[24];
	int rc;
	PGresult *r;

	*out = NULL;
	*n = 0;
	snprintf(lease, sizeof(lease), "%lld", (long long)lease_s);
	snprintf(lim, sizeof(lim), "%ld", limit);
	const char *p[] = { me, lease, channels, lim, today };
	r = fg_db_query(
		db, &rc, "claim due notifications",
		"UPDATE notifications n SET claimed_at = now(), claimed_by = $1"
		" WHERE n.id IN (SELECT id FROM notifications c"
		"  WHERE status = 'pending' AND next_attempt_at <= now()"
		"   AND (claimed_at IS NULL OR claimed_at < now() - make_interval(secs => $2::int))"
		"   AND claimed_by IS DISTINCT FROM $1"
		"   AND (defer_day IS NULL OR defer_day <= $5::date)"
		"   AND ($3::jsonb IS NULL OR channel IN (SELECT jsonb_array_elements_text($3::jsonb)))"
		"   AND (c.event = 'trigger' OR NOT EXISTS (SELECT 1 FROM notifications o"
		"    WHERE o.incident = c.incident AND o.channel = c.channel AND o.id < c.id"
		"     AND o.status IN ('pending', 'held')))"
		"  ORDER BY next_attempt_at, id LIMIT $4::int FOR UPDATE SKIP LOCKED)"
		" RETURNING n.id, n.channel, n.kind, n.severity, n.title, n.body, n.fields::text,"
		"  n.dedup_key, n.attempts, extract(epoch FROM n.created_at)::bigint",
		5, p);
	if (r == NULL)
		return rc;
	int rows = PQntuples(r);
	struct fg_notification *a = calloc((size_t)rows + 1, sizeof(*a));
	if (a == NULL) {
		PQclear(r);
		return FG_ERR;
	}
	for (int i = 0; i < rows; i++) {
		a[i].id = strtoll(PQgetvalue(r, i, 0), NULL, 10);
		a[i].channel = dupv(r, i, 1);
		a[i].kind = dupv(r, i, 2);
		enum fg_severity sev = FG_SEV_INFO;
		fg_severity_parse(PQgetvalue(r, i, 3), &sev);
		a[i].severity = sev;
		a[i].title = dupv(r, i, 4);
		a[i].body = dupv(r, i, 5);
		a[i].fields = json_loads(PQgetvalue(r, i, 6), 0, NULL);
		if (a[i].fields == NULL)
			a[i].fields = json_object();
		a[i].dedup_key = dupv(r, i, 7);
		a[i].attempts = (int)strtol(PQgetvalue(r, i, 8), NULL, 10);
		a[i].created_at = (time_t)strtoll(PQgetvalue(r, i, 9), NULL, 10);
	}
	PQclear(r);
	qsort(a, (size_t)rows, sizeof(*a), by_id);
	*out = a;
	*n = rows;
	return 0;
}

static const char *outcome_name(enum fg_outcome o)
{
	return o == FG_OUT_SENT ? "sent" : o == FG_OUT_RETRY ? "retry" : "dead";
}

int fg_store_finish(PGconn *db, const char *me, const struct fg_attempt *a, int n)
{
	json_t *arr = json_array();
	char *doc;
	int rc;

	if (n == 0) {
		json_decref(arr);
		return 0;
	}
	for (int i = 0; i < n; i++) {
		json_t *o = json_pack("{s:I, s:s, s:f, s:f, s:I}", "id", (json_int_t)a[i].id, "outcome",
				      outcome_name(a[i].outcome), "delay", a[i].delay_s, "at", a[i].started,
				      "dur", (json_int_t)a[i].duration_ms);
		if (o && a[i].status > 0)
			json_object_set_new(o, "code", json_integer(a[i].status));
		if (o && a[i].error)
			json_object_set_new(o, "err", json_string(a[i].error));
		json_array_append_new(arr, o);
	}
	doc = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	if (doc == NULL)
		return FG_ERR;
	const char *p[] = { doc, me };
	rc = fg_db_exec(
		db, "record delivery attempts",
		"WITH r AS (SELECT * FROM jsonb_to_recordset($1::jsonb)"
		"   AS x(id bigint, outcome text, delay float8, at float8, dur int, code int, err text)),"
		" u AS (UPDATE notifications n SET"
		"   status = CASE r.outcome WHEN 'retry' THEN 'pending' ELSE r.outcome END,"
		"   attempts = n.attempts + 1,"
		"   sent_at = CASE WHEN r.outcome = 'sent' THEN now() END,"
		"   next_attempt_at = CASE WHEN r.outcome = 'retry'"
		"     THEN now() + make_interval(secs => r.delay) ELSE n.next_attempt_at END,"
		"   last_error = r.err, claimed_at = NULL, defer_day = NULL"
		"  FROM r WHERE n.id = r.id AND n.claimed_by = $2 RETURNING n.id, n.channel)"
		" INSERT INTO delivery_attempts (notification_id, channel, attempted_at, duration_ms,"
		"  status_code, outcome, error)"
		" SELECT u.id, u.channel, to_timestamp(r.at), r.dur, r.code, r.outcome, r.err"
		" FROM u JOIN r ON r.id = u.id",
		2, p);
	free(doc);
	return rc;
}

static char *ids_json(const int64_t *ids, int n)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_integer(ids[i]));
	char *s = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return s;
}

/* Run sql, whose $1 is a JSON array of notification ids and $2 the claimer. */
static int exec_on_ids(PGconn *db, const char *what, const char *sql, const char *me, const int64_t *ids,
		       int n)
{
	if (n == 0)
		return 0;
	char *doc = ids_json(ids, n);
	if (doc == NULL)
		return FG_ERR;
	const char *p[] = { doc, me };
	int rc = fg_db_exec(db, what, sql, 2, p);
	free(doc);
	return rc;
}

#define SQL_RELEASE                                                          \
	"UPDATE notifications SET claimed_at = NULL, claimed_by = NULL"      \
	" WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb)::bigint)" \
	" AND claimed_by = $2"

int fg_store_release(PGconn *db, const char *me, const int64_t *ids, int n)
{
	return exec_on_ids(db, "release unsent notifications", SQL_RELEASE, me, ids, n);
}

void fg_store_release_quietly(PGconn *db, const char *me, const int64_t *ids, int n)
{
	char *doc = n > 0 ? ids_json(ids, n) : NULL;
	if (doc == NULL)
		return;
	const char *p[] = { doc, me };
	PGresult *r = PQexecParams(db, SQL_RELEASE, 2, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		fg_debug("cannot release unsent notifications: %s", PQerrorMessage(db));
	PQclear(r);
	free(doc);
}

int fg_store_skip(PGconn *db, const char *me, const int64_t *ids, const char *const *why, int n)
{
	json_t *a;
	char *doc;
	int rc;

	if (n == 0)
		return 0;
	if ((a = json_array()) == NULL)
		return FG_ERR;
	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:I, s:s}", "id", (json_int_t)ids[i], "why", why[i]));
	doc = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	if (doc == NULL)
		return FG_ERR;
	const char *p[] = { doc, me };
	rc = fg_db_exec(db, "skip notifications the channel does not take",
			"UPDATE notifications n SET status = 'skipped', claimed_at = NULL,"
			" last_error = x.why, defer_day = NULL"
			" FROM jsonb_to_recordset($1::jsonb) AS x (id bigint, why text)"
			" WHERE n.id = x.id AND n.claimed_by = $2",
			2, p);
	free(doc);
	return rc;
}

int fg_store_defer(PGconn *db, const char *me, int64_t id, const char *day)
{
	char ids[24];
	snprintf(ids, sizeof(ids), "%lld", (long long)id);
	const char *p[] = { ids, me, day };
	return fg_db_exec(db, "defer a notification",
			  "UPDATE notifications SET claimed_at = NULL, defer_day = $3::date,"
			  " last_error = 'deferred by the daily e-mail quota'"
			  " WHERE id = $1 AND claimed_by = $2",
			  3, p);
}

int fg_store_hold(PGconn *db, const char *me, int64_t id)
{
	char ids[24];
	snprintf(ids, sizeof(ids), "%lld", (long long)id);
	const char *p[] = { ids, me };
	return fg_db_exec(db, "hold a notification for the digest",
			  "UPDATE notifications SET status = 'held', claimed_at = NULL"
			  " WHERE id = $1 AND claimed_by = $2",
			  2, p);
}

int fg_store_quota_take(PGconn *db, const char *day, int64_t quota, bool critical, bool *granted,
			int64_t *sent)
{
	char q[24];
	int rc;
	snprintf(q, sizeof(q), "%lld", (long long)quota);
	const char *p[] = { day, q, critical ? "t" : "f" };
	PGresult *r = fg_db_query(db, &rc, "count e-mail against the daily quota",
				  "INSERT INTO email_quota AS e (day, sent) VALUES ($1::date, 1)"
				  " ON CONFLICT (day) DO UPDATE SET sent = e.sent + 1"
				  " WHERE $3::boolean OR e.sent < $2::int"
				  " RETURNING sent",
				  3, p);
	if (r == NULL)
		return rc;
	*granted = PQntuples(r) == 1;
	if (*granted) {
		*sent = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	} else {
		*sent = quota;
	}
	PQclear(r);
	/* a first insert bypasses the WHERE: refuse it for a zero quota */
	if (*granted && !critical && *sent > quota) {
		*granted = false;
		return fg_store_quota_return(db, day);
	}
	return 0;
}

int fg_store_quota_return(PGconn *db, const char *day)
{
	const char *p[] = { day };
	return fg_db_exec(db, "give back e-mail quota",
			  "UPDATE email_quota SET sent = greatest(sent - 1, 0) WHERE day = $1::date", 1, p);
}

int fg_store_quota_warn(PGconn *db, const char *day, int level, bool *first)
{
	char lv[16];
	int rc;
	snprintf(lv, sizeof(lv), "%d", level);
	const char *p[] = { day, lv };
	PGresult *r = fg_db_query(db, &rc, "record an e-mail quota warning",
				  "UPDATE email_quota SET warned = $2::int"
				  " WHERE day = $1::date AND warned < $2::int RETURNING day",
				  2, p);
	if (r == NULL)
		return rc;
	*first = PQntuples(r) == 1;
	PQclear(r);
	return 0;
}
