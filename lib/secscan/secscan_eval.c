/*
 * secscan_eval.c - evaluate rules over the copies and keep findings.
 *
 * Per connector, inside the connector's transaction:
 *   1. each selected rule whose sources were read runs once, set-based:
 *      INSERT INTO sec_cur SELECT ... (rule query); rules whose sources are
 *      unavailable are reported not_evaluated with the reason and their
 *      findings are left alone (never resolved by a blind scan);
 *   2. a fixed sequence of set-based statements applies the lifecycle to
 *      every evaluated rule at once: classify each result against the
 *      findings table (new, still open, reopened) and mark suppressions,
 *      upsert, resolve open findings no longer reported, and enqueue one
 *      outbox row per [secscan] notify channel for new or reopened,
 *      unsuppressed findings at or above min_severity (dedup_key
 *      "finding:<id>:<opened_at epoch>", so a reopen notifies again and a
 *      retry of the same transaction cannot notify twice, and the same
 *      key names the incident the finding opens), and one resolution per
 *      channel that was told of each finding resolved here
 *      (fg_outbox_resolve); upsert, resolve, notify, resolved and the
 *      read of the results are in
 *      sql/secscan/findings/.  sec_cur and findings are analyzed first:
 *      with stale statistics (a table filled by the previous scan, before
 *      autovacuum came by) the anti-join that resolves degrades to a
 *      nested loop, quadratic in the findings.
 * The number of statements depends on the number of rules, never on the
 * number of users, grants or logins.
 */
#include "db.h"
#include "clock.h"
#include "exitcode.h"
#include "fg_sql_secscan.h"
#include "log.h"
#include "odbc.h"
#include "outbox.h"
#include "secscan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Each result's state before this scan: new (default), open or reopened. */
static const char state_sql[] =
	"UPDATE sec_cur c SET state = CASE WHEN f.status = 'resolved' THEN 'reopened' ELSE 'open' END"
	" FROM findings f WHERE f.connector = $1 AND f.rule = c.rule AND f.subject = c.subject";

static const char suppress_sql[] =
	"UPDATE sec_cur c SET suppressed = true FROM jsonb_to_recordset($1::jsonb) AS i (rule text, subject text)"
	" WHERE i.rule = c.rule AND i.subject = c.subject";

/*
 * A rule's query runs as the source of this INSERT (fg_sql_compose): its
 * rows are kept in sec_cur.  Every rule is bound the same five values;
 * the WHERE clause gives a rule that does not use one of the first three
 * a place for it.
 */
static const char rule_head[] =
	"INSERT INTO sec_cur (rule, subject, severity, evidence)"
	" SELECT :rule, r.subject, coalesce(r.severity, :severity), coalesce(r.evidence, '{}') FROM (";
static const char rule_tail[] = ") AS r (subject, evidence, severity)"
				" WHERE :connector::text IS NOT NULL AND :now::timestamptz IS NOT NULL"
				" AND :settings::jsonb IS NOT NULL AND r.subject IS NOT NULL";

static bool selected(const struct fg_secscan_opts *o, const char *id)
{
	if (o->nrules == 0)
		return true;
	for (size_t i = 0; i < o->nrules; i++)
		if (strcmp(o->rules[i], id) == 0)
			return true;
	return false;
}

/* The :settings object of the rule queries. */
static json_t *settings_json(PGconn *db, const char *connector, const struct fg_sec_settings *s, time_t now)
{
	json_t *o = json_object(), *svc = json_array(), *apps = json_array();
	char since[32];
	time_t t = now - 24 * 3600;
	const char *p[] = { connector };
	int rc;

	/* "since the last scan": last scan minus ACCOUNT_USAGE latency */
	PGresult *r = fg_db_query(
		db, &rc, "read last secscan time",
		"SELECT extract(epoch FROM scanned_at)::bigint FROM sec_scans WHERE connector = $1", 1, p);
	if (r != NULL && PQntuples(r) == 1) {
		time_t last = (time_t)strtoll(PQgetvalue(r, 0, 0), NULL, 10) - FG_ACCOUNT_USAGE_LATENCY;
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
	json_object_set_new(o, "password_max_age_days", json_integer(s->password_max_age_days));
	json_object_set_new(o, "admin_password_max_age_days", json_integer(s->admin_password_max_age_days));
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

static int run_rule(PGconn *db, const struct fg_sec_rule *r, const char *connector, const char *now,
		    const char *settings, long *n)
{
	const struct fg_sql_arg args[] = {
		{ "connector", connector },
		{ "now", now },
		{ "settings", settings },
		{ "rule", r->id },
		{ "severity", fg_severity_name(r->severity) },
	};
	struct fg_sql q;
	char what[96];
	int rc;

	if ((rc = fg_sql_compose(&q, rule_head, r->query, rule_tail)) < 0)
		return rc;
	snprintf(what, sizeof(what), "evaluate rule %s", r->id);
	PGresult *res = fg_sql_query(db, &rc, what, &q, args, FG_SQL_COUNT(args));
	fg_sql_release(&q);
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

/* Append result rows (rule, subject, severity, suppressed, state, first, last, evidence) to the output. */
/*
 * Each finding carries its rule's title, remediation and CIS reference,
 * so a reader (notifyd-once --stdin) can word it as the outbox rows are,
 * and "queued": whether this scan put its notification in the outbox
 * (the conditions of sql/secscan/findings/notify.sql; a dry run clears
 * it, secscan_run.c).
 */
static void emit(const PGresult *r, const char *connector, const struct fg_sec_settings *s,
		 const struct fg_secscan_opts *opts, json_t *findings, json_t *counts, bool *fail)
{
	for (int i = 0; i < PQntuples(r); i++) {
		const char *state = PQgetvalue(r, i, 4);
		bool suppressed = strcmp(PQgetvalue(r, i, 3), "t") == 0;
		bool resolved = strcmp(state, "resolved") == 0;
		const char *status = suppressed && !resolved          ? "suppressed"
				     : strcmp(state, "reopened") == 0 ? "new"
								      : state;
		enum fg_severity sev = FG_SEV_INFO;
		json_error_t jerr;
		json_t *ev = json_loads(PQgetvalue(r, i, 7), 0, &jerr);
		fg_severity_parse(PQgetvalue(r, i, 2), &sev);
		const struct fg_sec_rule *rule = fg_sec_rule_find(PQgetvalue(r, i, 0));
		bool queued = strcmp(status, "new") == 0 && s->nnotify > 0 && sev >= s->min_severity;
		json_t *o =
			json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:o}", "rule",
				  PQgetvalue(r, i, 0), "severity", PQgetvalue(r, i, 2), "subject",
				  PQgetvalue(r, i, 1), "connector", connector, "status", status, "reopened",
				  strcmp(state, "reopened") == 0, "first_seen", PQgetvalue(r, i, 5),
				  "last_seen", PQgetvalue(r, i, 6), "evidence", ev ? ev : json_object());
		if (o && rule) {
			json_object_set_new(o, "title", json_string(rule->title));
			json_object_set_new(o, "remediation", json_string(rule->remediation));
			if (rule->cis)
				json_object_set_new(o, "cis", json_string(rule->cis));
		}
		if (o)
			json_object_set_new(o, "queued", json_boolean(queued));
		json_array_append_new(findings, o);
		count_add(counts, status, 1);
		if (opts->fail_on_set && !suppressed && !resolved && sev >= opts->fail_on)
			*fail = true;
	}
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
	PGresult *r = NULL, *resolved = NULL;
	int rc;

	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(now_s, sizeof(now_s), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if ((conf = settings_json(db, connector, s, now)) == NULL) {
		rc = FG_ERR;
		goto out;
	}
	if ((rc = fg_db_exec(
		     db, "create rule result table",
		     "CREATE TEMP TABLE IF NOT EXISTS sec_cur (rule text NOT NULL, subject text NOT NULL,"
		     " severity text NOT NULL, evidence jsonb NOT NULL, state text NOT NULL DEFAULT 'new',"
		     " suppressed boolean NOT NULL DEFAULT false) ON COMMIT DROP",
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
			json_array_append_new(notev, json_pack("{s:s, s:s, s:s}", "rule", rule->id,
							       "connector", connector, "reason", why));
			count_add(counts, "not_evaluated", 1);
			continue;
		}
		struct timespec r0 = fg_mono_now();
		if ((rc = run_rule(db, rule, connector, now_s, conf_s, &n)) < 0)
			goto out;
		fg_debug("connector '%s': rule %s: %ld subjects in %.0f ms", connector, rule->id, n,
			 fg_elapsed_since(&r0) * 1e3);
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
	struct timespec t0 = fg_mono_now();
	{
		const char *p1[] = { connector }, *pi[] = { ign_s };
		const struct fg_sql_arg up[] = { { "connector", connector }, { "now", now_s } };
		const struct fg_sql_arg res[] = {
			{ "connector", connector },
			{ "now", now_s },
			{ "evaluated", ev_s },
		};
		const struct fg_sql_arg notify[] = {
			{ "connector", connector },
			{ "channels", ch_s },
			{ "min_severity", fg_severity_name(s->min_severity) },
			{ "rule_meta", meta_s },
		};
		const struct fg_sql_arg closed[] = {
			{ "connector", connector },
			{ "now", now_s },
			{ "rule_meta", meta_s },
		};
		const struct fg_sql_arg rd[] = { { "connector", connector } };
		long added = 0, ended = 0;
		/* statistics on the results, so the joins below hash instead of looping */
		if ((rc = fg_db_exec(db, "analyze rule results", "ANALYZE sec_cur, findings", 0, NULL)) < 0 ||
		    (rc = fg_db_exec(db, "classify findings", state_sql, 1, p1)) < 0 ||
		    (rc = fg_db_exec(db, "apply suppressions", suppress_sql, 1, pi)) < 0 ||
		    (rc = fg_sql_exec(db, "update findings", &fg_sql_secscan_findings_upsert, up,
				      FG_SQL_COUNT(up))) < 0)
			goto out;
		resolved = fg_sql_query(db, &rc, "resolve findings", &fg_sql_secscan_findings_resolve, res,
					FG_SQL_COUNT(res));
		if (resolved == NULL)
			goto out;
		if ((rc = fg_outbox_enqueue(db, FG_OUTBOX_FINDING, "enqueue notifications",
					    &fg_sql_secscan_findings_notify, notify, FG_SQL_COUNT(notify),
					    &added)) < 0)
			goto out;
		if ((rc = fg_outbox_resolve(db, "enqueue resolutions", &fg_sql_secscan_findings_resolved,
					    closed, FG_SQL_COUNT(closed), &ended)) < 0)
			goto out;
		count_add(counts, "notifications", added + ended);
		r = fg_sql_query(db, &rc, "read findings", &fg_sql_secscan_findings_read, rd,
				 FG_SQL_COUNT(rd));
		if (r == NULL)
			goto out;
	}
	fg_debug("connector '%s': updated %d findings, resolved %d in %.0f ms", connector, PQntuples(r),
		 PQntuples(resolved), fg_elapsed_since(&t0) * 1e3);
	emit(r, connector, s, opts, findings, counts, fail);
	emit(resolved, connector, s, opts, findings, counts, fail);
	{
		const char *p[] = { connector, now_s };
		rc = fg_db_exec(db, "record secscan time",
				"INSERT INTO sec_scans (connector, scanned_at) VALUES ($1, $2)"
				" ON CONFLICT (connector) DO UPDATE SET scanned_at = $2",
				2, p);
	}
out:
	PQclear(r);
	PQclear(resolved);
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
