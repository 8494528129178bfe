/*
 * secscan_eval.c - evaluate rules over the copies and keep findings.
 *
 * Per connector, inside the connector's transaction:
 *   1. each selected rule whose sources were read runs once, set-based:
 *      INSERT INTO sec_cur SELECT ... (rule query); rules whose sources are
 *      unavailable are reported not_evaluated with the reason and their
 *      findings are left alone (never resolved by a blind scan);
 *   2. one statement applies the lifecycle to every evaluated rule at once:
 *      upsert (new, still open, reopened), resolve open findings no longer
 *      reported, and enqueue one outbox row per [secscan] notify channel for
 *      new or reopened, unsuppressed findings at or above min_severity
 *      (dedup_key "finding:<id>:<opened_at epoch>", so a reopen notifies
 *      again and a retry of the same transaction cannot notify twice).
 * The number of statements depends on the number of rules, never on the
 * number of users, grants or logins.
 */
#include "db.h"
#include "exitcode.h"
#include "log.h"
#include "secscan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char lifecycle_sql[] =
	"WITH prev AS (SELECT rule, subject, status FROM findings WHERE connector = $1),"
	" cur AS (SELECT c.rule, c.subject, c.severity, c.evidence, EXISTS (SELECT 1 FROM"
	"  jsonb_array_elements($4::jsonb) i WHERE i->>'rule' = c.rule AND i->>'subject' = c.subject) AS suppressed"
	"  FROM sec_cur c),"
	" up AS (INSERT INTO findings AS f (connector, rule, subject, severity, suppressed, first_seen, last_seen,"
	"  opened_at, evidence) SELECT $1, rule, subject, severity, suppressed, $2, $2, $2, evidence FROM cur"
	"  ON CONFLICT (connector, rule, subject) DO UPDATE SET severity = EXCLUDED.severity,"
	"  suppressed = EXCLUDED.suppressed, last_seen = $2, evidence = EXCLUDED.evidence, status = 'open',"
	"  resolved_at = NULL, opened_at = CASE WHEN f.status = 'resolved' THEN $2 ELSE f.opened_at END,"
	"  times_opened = f.times_opened + CASE WHEN f.status = 'resolved' THEN 1 ELSE 0 END"
	"  RETURNING f.id, f.rule, f.subject, f.severity, f.suppressed, f.first_seen, f.last_seen, f.opened_at,"
	"  f.evidence),"
	" st AS (SELECT up.*, CASE WHEN prev.status IS NULL THEN 'new' WHEN prev.status = 'resolved'"
	"  THEN 'reopened' ELSE 'open' END AS state FROM up LEFT JOIN prev USING (rule, subject)),"
	" res AS (UPDATE findings f SET status = 'resolved', resolved_at = $2 WHERE f.connector = $1"
	"  AND f.status = 'open' AND f.rule IN (SELECT jsonb_array_elements_text($3::jsonb))"
	"  AND NOT EXISTS (SELECT 1 FROM sec_cur c WHERE c.rule = f.rule AND c.subject = f.subject)"
	"  RETURNING f.id, f.rule, f.subject, f.severity, f.suppressed, f.first_seen, f.last_seen, f.opened_at,"
	"  f.evidence, 'resolved'::text AS state),"
	" meta AS (SELECT key AS rule, value AS m FROM jsonb_each($7::jsonb)),"
	" nt AS (INSERT INTO notifications (channel, kind, source_id, severity, title, body, fields, dedup_key)"
	"  SELECT ch, 'finding', st.id, st.severity,"
	"  left('secscan ' || $1 || ': ' || (meta.m->>'title') || ': '"
	"   || regexp_replace(st.subject, '[[:cntrl:]]+', ' ', 'g'), 300),"
	"  'Rule: ' || st.rule || coalesce(' (CIS ' || (meta.m->>'cis') || ')', '') || E'\\n'"
	"   || 'Severity: ' || st.severity || E'\\n' || 'Connector: ' || $1 || E'\\n'"
	"   || 'Subject: ' || regexp_replace(st.subject, '[[:cntrl:]]+', ' ', 'g') || E'\\n'"
	"   || 'First seen: ' || to_char(st.first_seen AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
	"   || CASE WHEN st.state = 'reopened' THEN ' (reopened)' ELSE '' END || E'\\n'"
	"   || 'Evidence: ' || st.evidence::text || E'\\n' || 'Remediation: ' || (meta.m->>'remediation'),"
	"  jsonb_build_object('rule', st.rule, 'title', meta.m->>'title', 'subject', st.subject, 'connector', $1,"
	"   'severity', st.severity, 'evidence', st.evidence, 'remediation', meta.m->>'remediation',"
	"   'cis', meta.m->'cis', 'state', st.state),"
	"  'finding:' || st.id || ':' || extract(epoch FROM st.opened_at)::bigint"
	"  FROM st JOIN meta ON meta.rule = st.rule CROSS JOIN jsonb_array_elements_text($5::jsonb) AS ch"
	"  WHERE st.state IN ('new', 'reopened') AND NOT st.suppressed"
	"  AND sec_severity_rank(st.severity) >= sec_severity_rank($6)"
	"  ON CONFLICT (channel, dedup_key) DO NOTHING RETURNING 1),"
	" outp AS (SELECT rule, subject, severity, suppressed, first_seen, last_seen, evidence, state FROM st"
	"  UNION ALL SELECT rule, subject, severity, suppressed, first_seen, last_seen, evidence, state FROM res)"
	" SELECT rule, subject, severity, suppressed, state,"
	"  to_char(first_seen AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
	"  to_char(last_seen AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
	"  evidence::text, (SELECT count(*) FROM nt)"
	" FROM outp ORDER BY rule, subject";

static bool selected(const struct fg_secscan_opts *o, const char *id)
{
	if (o->nrules == 0)
		return true;
	for (size_t i = 0; i < o->nrules; i++)
		if (strcmp(o->rules[i], id) == 0)
			return true;
	return false;
}

/* The $3 settings object of the rule queries. */
static json_t *settings_json(PGconn *db, const char *connector, const struct fg_sec_settings *s, time_t now)
{
	json_t *o = json_object(), *svc = json_array(), *apps = json_array();
	char since[32];
	time_t t = now - 24 * 3600;
	const char *p[] = { connector };
	int rc;

	/* "since the last scan": last scan minus ACCOUNT_USAGE latency */
	PGresult *r = fg_db_query(db, &rc, "read last secscan time",
				  "SELECT extract(epoch FROM scanned_at)::bigint FROM sec_scans WHERE connector = $1",
				  1, p);
	if (r != NULL && PQntuples(r) == 1) {
		time_t last = (time_t)strtoll(PQgetvalue(r, 0, 0), NULL, 10) - 4 * 3600;
		if (last < now)
			t = last;
	}
	PQclear(r);
	if (rc < 0) {
		json_decref(o);
		json_decref(svc);
		json_decref(apps);
		return NULL;
	}
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(since, sizeof(since), "%Y-%m-%dT%H:%M:%SZ", &tm);
	for (int i = 0; i < s->nservice_users; i++)
		json_array_append_new(svc, json_string(s->service_users[i]));
	for (int i = 0; i < s->nioc_apps; i++)
		json_array_append_new(apps, json_string(s->ioc_apps[i]));
	json_object_set_new(o, "stale_days", json_integer(s->stale_days));
	json_object_set_new(o, "burst", json_integer(s->burst));
	json_object_set_new(o, "max_admins", json_integer(s->max_admins));
	json_object_set_new(o, "login_days", json_integer(s->login_days));
	json_object_set_new(o, "threat_days", json_integer(s->threat_days));
	json_object_set_new(o, "key_max_age_days", json_integer(s->key_max_age_days));
	json_object_set_new(o, "since", json_string(since));
	json_object_set_new(o, "service_users", svc);
	json_object_set_new(o, "ioc_apps", apps);
	json_object_set_new(o, "ioc_ips", s->ioc_ips ? json_incref(s->ioc_ips) : json_array());
	return o;
}

static char *reason_for(const struct fg_sec_rule *r, const struct fg_sec_sources *src)
{
	for (int i = 0; i < FG_SRC_COUNT; i++)
		if ((r->sources & (1 << i)) && !(src->available & (1 << i)))
			return src->reason[i] ? src->reason[i] : "source unavailable";
	return NULL;
}

static int run_rule(PGconn *db, const struct fg_sec_rule *r, const char *const *p5, long *n)
{
	char sql[16384];
	int len = snprintf(sql, sizeof(sql),
			   "INSERT INTO sec_cur (rule, subject, severity, evidence)"
			   " SELECT $4, r.subject, coalesce(r.severity, $5), coalesce(r.evidence, '{}')"
			   " FROM (%s) AS r (subject, evidence, severity)"
			   " WHERE $1::text IS NOT NULL AND $2::timestamptz IS NOT NULL AND $3::jsonb IS NOT NULL"
			   " AND r.subject IS NOT NULL",
			   r->sql);
	if (len < 0 || (size_t)len >= sizeof(sql)) {
		fg_error("rule '%s': query too long", r->id);
		return FG_ERR_INTERNAL;
	}
	char what[96];
	snprintf(what, sizeof(what), "evaluate rule %s", r->id);
	int rc;
	PGresult *res = fg_db_query(db, &rc, what, sql, 5, p5);
	if (res == NULL)
		return rc;
	*n = strtol(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return 0;
}

static void count_add(json_t *counts, const char *key, long long n)
{
	json_t *v = json_object_get(counts, key);
	json_object_set_new(counts, key, json_integer((v ? json_integer_value(v) : 0) + n));
}

int fg_secscan_evaluate(PGconn *db, const char *connector, const struct fg_sec_settings *s,
			const struct fg_secscan_opts *opts, const struct fg_sec_sources *src, time_t now,
			json_t *out, bool *fail)
{
	json_t *conf = NULL, *evaluated = json_array(), *meta = json_object(), *ignore = json_array();
	json_t *channels = json_array();
	json_t *findings = json_object_get(out, "findings"), *notev = json_object_get(out, "not_evaluated");
	json_t *counts = json_object_get(out, "counts");
	char *conf_s = NULL, *ev_s = NULL, *meta_s = NULL, *ign_s = NULL, *ch_s = NULL, now_s[32];
	PGresult *r = NULL;
	int rc;

	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(now_s, sizeof(now_s), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if ((conf = settings_json(db, connector, s, now)) == NULL) {
		rc = FG_ERR;
		goto out;
	}
	if ((rc = fg_db_exec(db, "create rule result table",
			     "CREATE TEMP TABLE IF NOT EXISTS sec_cur (rule text NOT NULL, subject text NOT NULL,"
			     " severity text NOT NULL, evidence jsonb NOT NULL) ON COMMIT DROP",
			     0, NULL)) < 0 ||
	    (rc = fg_db_exec(db, "empty rule result table", "TRUNCATE sec_cur", 0, NULL)) < 0)
		goto out;
	conf_s = json_dumps(conf, JSON_COMPACT);
	for (size_t i = 0; i < fg_sec_rule_count(); i++) {
		const struct fg_sec_rule *rule = fg_sec_rule_at(i);
		const char *why;
		long n = 0;
		if (!selected(opts, rule->id))
			continue;
		if ((why = reason_for(rule, src)) != NULL) {
			json_array_append_new(notev, json_pack("{s:s, s:s, s:s}", "rule", rule->id, "connector",
							       connector, "reason", why));
			count_add(counts, "not_evaluated", 1);
			continue;
		}
		const char *p5[] = { connector, now_s, conf_s, rule->id, fg_severity_name(rule->severity) };
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if ((rc = run_rule(db, rule, p5, &n)) < 0)
			goto out;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		fg_debug("connector '%s': rule %s: %ld subjects in %.0f ms", connector, rule->id, n,
			 (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
		json_array_append_new(evaluated, json_string(rule->id));
		json_object_set_new(meta, rule->id,
				    json_pack("{s:s, s:s, s:s?}", "title", rule->title, "remediation",
					      rule->remediation, "cis", rule->cis));
		count_add(counts, "rules_evaluated", 1);
	}
	for (size_t i = 0; i < s->nignore; i++)
		json_array_append_new(ignore, json_pack("{s:s, s:s}", "rule", s->ignore[i].rule, "subject",
							s->ignore[i].subject));
	for (int i = 0; i < s->nnotify; i++)
		json_array_append_new(channels, json_string(s->notify[i]));
	ev_s = json_dumps(evaluated, JSON_COMPACT);
	meta_s = json_dumps(meta, JSON_COMPACT);
	ign_s = json_dumps(ignore, JSON_COMPACT);
	ch_s = json_dumps(channels, JSON_COMPACT);
	const char *p7[] = { connector, now_s, ev_s, ign_s, ch_s, fg_severity_name(s->min_severity), meta_s };
	if ((r = fg_db_query(db, &rc, "update findings", lifecycle_sql, 7, p7)) == NULL)
		goto out;
	for (int i = 0; i < PQntuples(r); i++) {
		const char *state = PQgetvalue(r, i, 4);
		bool suppressed = strcmp(PQgetvalue(r, i, 3), "t") == 0;
		const char *status = suppressed && strcmp(state, "resolved") != 0 ? "suppressed"
				     : strcmp(state, "reopened") == 0		   ? "new"
										   : state;
		enum fg_severity sev = FG_SEV_INFO;
		json_error_t jerr;
		json_t *ev = json_loads(PQgetvalue(r, i, 7), 0, &jerr);
		fg_severity_parse(PQgetvalue(r, i, 2), &sev);
		json_array_append_new(findings,
				      json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:o}", "rule",
						PQgetvalue(r, i, 0), "severity", PQgetvalue(r, i, 2), "subject",
						PQgetvalue(r, i, 1), "connector", connector, "status", status,
						"reopened", strcmp(state, "reopened") == 0, "first_seen",
						PQgetvalue(r, i, 5), "last_seen", PQgetvalue(r, i, 6), "evidence",
						ev ? ev : json_object()));
		count_add(counts, status, 1);
		if (opts->fail_on_set && !suppressed && strcmp(state, "resolved") != 0 && sev >= opts->fail_on)
			*fail = true;
		if (i == 0)
			count_add(counts, "notifications", strtoll(PQgetvalue(r, i, 8), NULL, 10));
	}
	{
		const char *p[] = { connector, now_s };
		rc = fg_db_exec(db, "record secscan time",
				"INSERT INTO sec_scans (connector, scanned_at) VALUES ($1, $2)"
				" ON CONFLICT (connector) DO UPDATE SET scanned_at = $2",
				2, p);
	}
out:
	PQclear(r);
	free(conf_s);
	free(ev_s);
	free(meta_s);
	free(ign_s);
	free(ch_s);
	json_decref(conf);
	json_decref(evaluated);
	json_decref(meta);
	json_decref(ignore);
	json_decref(channels);
	return rc;
}
