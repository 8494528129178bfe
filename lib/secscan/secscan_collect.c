/*
 * secscan_collect.c - copy what the rules need from SNOWFLAKE.ACCOUNT_USAGE
 * into PostgreSQL (sec_* tables of 005_secscan.sql).
 *
 * Read-only on the Snowflake side: plain SELECTs (sql/secscan/collect/)
 * with three-part names, the window bound as parameters
 * (CAST(:since AS TIMESTAMP_LTZ)), timestamps normalised with
 * CONVERT_TIMEZONE('UTC', col), no session statements.
 * Account parameters come from SHOW PARAMETERS IN ACCOUNT; a view named
 * ACCOUNT_PARAMETERS, when present, is read instead (the simulator cannot
 * run SHOW commands; Snowflake has no such view).
 *
 * One catalogue query (SNOWFLAKE.INFORMATION_SCHEMA.TABLES, which lists
 * only what the role may see) tells which views exist; a missing view, or
 * one Snowflake refuses to read, makes its source unavailable with a
 * warning; a timeout or a lost connection fails the connector instead.
 *
 * Rows are streamed from ODBC into a temporary staging table with COPY,
 * then merged: snapshot sources replace the connector's rows; event
 * sources (LOGIN_HISTORY, SESSIONS, QUERY_HISTORY) are read from their
 * watermark minus 4 hours (ACCOUNT_USAGE latency), inserted with ON
 * CONFLICT DO NOTHING on their Snowflake key, and pruned to their window
 * (sql/secscan/prune/).  What was read, or why not, goes to sec_sources
 * (sql/secscan/sources/).
 * CLIENT_APPS is SESSIONS grouped by client application in Snowflake and
 * merged into first/last-seen dates (008_secscan_rules.sql), over a
 * 90-day window.
 * Everything runs in the caller's transaction.
 */
#include "clock.h"
#include "db.h"
#include "exitcode.h"
#include "fg_sql_secscan.h"
#include "log.h"
#include "odbc.h"
#include "secscan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define QUERY_KEY_DAYS 400L

enum kind {
	SNAPSHOT,
	EVENT
};

struct source {
	int bit;
	const char *view;
	enum kind kind;
	const struct fg_sql *sql;   /* sql/secscan/collect/ (events: :since, :until) */
	const char *stage;          /* CREATE TEMP TABLE ... */
	const char *copy;           /* COPY stage (connector, ...) FROM STDIN */
	const char *merge;          /* INSERT INTO target SELECT * FROM stage ... */
	const char *clear;          /* snapshot: DELETE the connector's rows */
	const struct fg_sql *prune; /* event: drop rows outside the window (sql/secscan/prune/) */
	const char *watermark;      /* event: SELECT max(ts) */
};

#define AU "SNOWFLAKE.ACCOUNT_USAGE."
#define STAGE(t) "CREATE TEMP TABLE IF NOT EXISTS sec_stage_" t " (LIKE sec_" t ") ON COMMIT DROP"
#define MERGE(t) "INSERT INTO sec_" t " SELECT * FROM sec_stage_" t " ON CONFLICT DO NOTHING"
#define CLEAR(t) "DELETE FROM sec_" t " WHERE connector = $1"

static const struct source sources[] = {
	{ FG_SRC_USERS, "USERS", SNAPSHOT, &fg_sql_secscan_collect_users, STAGE("users"),
	  "COPY sec_stage_users (connector, name, created_on, email, has_password, has_mfa, ext_authn_duo,"
	  " disabled, default_role, last_success_login, has_rsa_public_key, password_last_set_time,"
	  " bypass_mfa_until, type) FROM STDIN",
	  MERGE("users"), CLEAR("users"), NULL, NULL },
	{ FG_SRC_LOGIN_HISTORY, "LOGIN_HISTORY", EVENT, &fg_sql_secscan_collect_login_history,
	  STAGE("login_history"),
	  "COPY sec_stage_login_history (connector, event_id, event_timestamp, user_name, client_ip, client_type,"
	  " first_factor, second_factor, is_success, error_code, error_message) FROM STDIN",
	  MERGE("login_history"), NULL, &fg_sql_secscan_prune_login_history,
	  "SELECT max(event_timestamp) FROM sec_login_history WHERE connector = $1" },
	{ FG_SRC_GRANTS_TO_USERS, "GRANTS_TO_USERS", SNAPSHOT, &fg_sql_secscan_collect_grants_to_users,
	  STAGE("grants_to_users"),
	  "COPY sec_stage_grants_to_users (connector, role, grantee_name, created_on) FROM STDIN",
	  MERGE("grants_to_users"), CLEAR("grants_to_users"), NULL, NULL },
	{ FG_SRC_GRANTS_TO_ROLES, "GRANTS_TO_ROLES", SNAPSHOT, &fg_sql_secscan_collect_grants_to_roles,
	  STAGE("grants_to_roles"),
	  "COPY sec_stage_grants_to_roles (connector, privilege, granted_on, name, table_catalog, table_schema,"
	  " granted_to, grantee_name, created_on) FROM STDIN",
	  MERGE("grants_to_roles"), CLEAR("grants_to_roles"), NULL, NULL },
	{ FG_SRC_ROLES, "ROLES", SNAPSHOT, &fg_sql_secscan_collect_roles, STAGE("roles"),
	  "COPY sec_stage_roles (connector, name, created_on, owner) FROM STDIN", MERGE("roles"),
	  CLEAR("roles"), NULL, NULL },
	{ FG_SRC_SESSIONS, "SESSIONS", EVENT, &fg_sql_secscan_collect_sessions, STAGE("sessions"),
	  "COPY sec_stage_sessions (connector, session_id, created_on, user_name, authentication_method,"
	  " login_event_id, client_application_id, client_environment) FROM STDIN",
	  MERGE("sessions"), NULL, &fg_sql_secscan_prune_sessions,
	  "SELECT max(created_on) FROM sec_sessions WHERE connector = $1" },
	{ FG_SRC_CLIENT_APPS, "SESSIONS", EVENT, &fg_sql_secscan_collect_client_apps, STAGE("client_apps"),
	  "COPY sec_stage_client_apps (connector, client_application_id, first_seen, last_seen) FROM STDIN",
	  "INSERT INTO sec_client_apps AS a SELECT * FROM sec_stage_client_apps ON CONFLICT (connector,"
	  " client_application_id) DO UPDATE SET first_seen = least(a.first_seen, EXCLUDED.first_seen),"
	  " last_seen = greatest(a.last_seen, EXCLUDED.last_seen)",
	  NULL, &fg_sql_secscan_prune_client_apps,
	  "SELECT max(last_seen) FROM sec_client_apps WHERE connector = $1" },
	{ FG_SRC_SESSION_POLICIES, "SESSION_POLICIES", SNAPSHOT, &fg_sql_secscan_collect_session_policies,
	  STAGE("session_policies"),
	  "COPY sec_stage_session_policies (connector, name, database, schema, session_idle_timeout_mins,"
	  " session_ui_idle_timeout_mins) FROM STDIN",
	  MERGE("session_policies"), CLEAR("session_policies"), NULL, NULL },
	{ FG_SRC_NETWORK_POLICIES, "NETWORK_POLICIES", SNAPSHOT, &fg_sql_secscan_collect_network_policies,
	  STAGE("network_policies"),
	  "COPY sec_stage_network_policies (connector, name, allowed_ip_list, blocked_ip_list, created,"
	  " last_altered) FROM STDIN",
	  MERGE("network_policies"), CLEAR("network_policies"), NULL, NULL },
	{ FG_SRC_POLICY_REFERENCES, "POLICY_REFERENCES", SNAPSHOT, &fg_sql_secscan_collect_policy_references,
	  STAGE("policy_references"),
	  "COPY sec_stage_policy_references (connector, policy_name, policy_kind, ref_entity_name,"
	  " ref_entity_domain, policy_status) FROM STDIN",
	  MERGE("policy_references"), CLEAR("policy_references"), NULL, NULL },
	{ FG_SRC_PASSWORD_POLICIES, "PASSWORD_POLICIES", SNAPSHOT, &fg_sql_secscan_collect_password_policies,
	  STAGE("password_policies"),
	  "COPY sec_stage_password_policies (connector, name, password_min_length) FROM STDIN",
	  MERGE("password_policies"), CLEAR("password_policies"), NULL, NULL },
	{ FG_SRC_QUERY_HISTORY, "QUERY_HISTORY", EVENT, &fg_sql_secscan_collect_query_history,
	  STAGE("query_history"),
	  "COPY sec_stage_query_history (connector, query_id, start_time, user_name, role_name, session_id,"
	  " query_type, query_text, execution_status) FROM STDIN",
	  MERGE("query_history"), NULL, &fg_sql_secscan_prune_query_history,
	  "SELECT max(start_time) FROM sec_query_history WHERE connector = $1" },
	{ FG_SRC_PARAMETERS, "ACCOUNT_PARAMETERS", SNAPSHOT, NULL, STAGE("parameters"),
	  "COPY sec_stage_parameters (connector, key, value, level) FROM STDIN", MERGE("parameters"),
	  CLEAR("parameters"), NULL, NULL },
};

struct ctx {
	PGconn *db;
	struct fg_odbc *odbc;
	const char *connector;
	int query_timeout;
	time_t now;
	const struct fg_sec_settings *s;
	char **views; /* present views (upper case), NULL if unknown */
	size_t nviews;
	struct fg_sec_sources *src;
	int first_load; /* event sources read without a watermark */
};

static void unavailable(struct ctx *c, int bit, const char *why)
{
	for (int i = 0; i < FG_SRC_COUNT; i++)
		if (bit == 1 << i) {
			free(c->src->reason[i]);
			c->src->reason[i] = strdup(why);
		}
	c->src->available &= ~bit;
}

static bool view_present(const struct ctx *c, const char *view)
{
	if (c->views == NULL)
		return true;
	for (size_t i = 0; i < c->nviews; i++)
		if (strcmp(c->views[i], view) == 0)
			return true;
	return false;
}

static void free_views(struct ctx *c)
{
	for (size_t i = 0; i < c->nviews; i++)
		free(c->views[i]);
	free(c->views);
	c->views = NULL;
	c->nviews = 0;
}

/* Which ACCOUNT_USAGE views this role can see; leaves views NULL on failure. */
static void probe_views(struct ctx *c)
{
	struct fg_odbc_stmt *st;
	const char *const *row;
	char **views = NULL;
	size_t n = 0;
	int rc;

	if (fg_odbc_query(c->odbc, "list ACCOUNT_USAGE views",
			  "SELECT UPPER(TABLE_NAME) FROM SNOWFLAKE.INFORMATION_SCHEMA.TABLES"
			  " WHERE UPPER(TABLE_SCHEMA) = 'ACCOUNT_USAGE'",
			  0, NULL, c->query_timeout, &st) < 0)
		return;
	while ((rc = fg_odbc_fetch(st, &row)) > 0) {
		char **g = realloc(views, (n + 1) * sizeof(*views));
		if (g == NULL || row[0] == NULL || (g[n] = strdup(row[0])) == NULL) {
			views = g ? g : views;
			rc = -1;
			break;
		}
		views = g;
		n++;
	}
	fg_odbc_stmt_free(st);
	c->views = views;
	c->nviews = n;
	if (rc < 0)
		free_views(c);
}

static void ts_param(time_t t, char *buf, size_t len)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S +00:00", &tm);
}

/* Watermark of an event source from sec_sources, or 0. */
static int watermark(struct ctx *c, const struct source *s, time_t *out)
{
	const char *p[] = { c->connector, fg_sec_source_name(s->bit) };
	int rc;
	PGresult *r = fg_db_query(c->db, &rc, "read secscan watermark",
				  "SELECT extract(epoch FROM watermark)::bigint FROM sec_sources"
				  " WHERE connector = $1 AND source = $2 AND watermark IS NOT NULL",
				  2, p);
	*out = 0;
	if (r == NULL)
		return rc;
	if (PQntuples(r) == 1)
		*out = (time_t)strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return 0;
}

static long window_days(const struct ctx *c, const struct source *s)
{
	if (s->bit == FG_SRC_LOGIN_HISTORY)
		return c->s->login_days;
	if (s->bit == FG_SRC_CLIENT_APPS)
		return FG_SEC_APP_BASELINE_DAYS;
	return c->s->threat_days;
}

static int record(struct ctx *c, const struct source *s, long rows)
{
	char nrows[24], now[32];
	const struct fg_sql_arg args[] = {
		{ "connector", c->connector },
		{ "source", fg_sec_source_name(s->bit) },
		{ "rows", nrows },
		{ "now", now },
	};
	snprintf(nrows, sizeof(nrows), "%ld", rows);
	ts_param(c->now, now, sizeof(now));
	return fg_sql_exec(c->db, "record secscan source", &fg_sql_secscan_sources_read, args,
			   FG_SQL_COUNT(args));
}

static int finish_event(struct ctx *c, const struct source *s)
{
	char now[32], days[16];
	const struct fg_sql_arg args[] = { { "connector", c->connector }, { "now", now }, { "days", days } };
	int rc;

	ts_param(c->now, now, sizeof(now));
	snprintf(days, sizeof(days), "%ld", window_days(c, s));
	if ((rc = fg_sql_exec(c->db, "prune secscan copy", s->prune, args, FG_SQL_COUNT(args))) < 0)
		return rc;
	const char *q[] = { c->connector, fg_sec_source_name(s->bit) };
	char sql[512];
	int n = snprintf(sql, sizeof(sql),
			 /* fg_db_lint_ok: %s is a compiled-in subquery, not a value */
			 "UPDATE sec_sources SET watermark = (%s) WHERE connector = $1 AND source = $2",
			 s->watermark);
	if (n < 0 || (size_t)n >= sizeof(sql))
		return FG_ERR_INTERNAL;
	return fg_db_exec(c->db, "record secscan watermark", sql, 2, q);
}

/* Read one ODBC source into its copy. */
static int read_source(struct ctx *c, const struct source *s)
{
	char since[32], until[32], since_short[32];
	const struct fg_sql_arg args[] = {
		{ "since", since },
		{ "until", until },
		{ "recent_since", since_short }, /* QUERY_HISTORY only */
	};
	struct fg_odbc_stmt *st = NULL;
	long rows = 0;
	int rc, nargs = 0;
	time_t wm = 0;

	if (!view_present(c, s->view)) {
		char why[160];
		snprintf(why, sizeof(why),
			 "view SNOWFLAKE.ACCOUNT_USAGE.%s is missing or not granted to this role", s->view);
		unavailable(c, s->bit, why);
		return 0;
	}
	if (s->kind == EVENT) {
		time_t lo = c->now - window_days(c, s) * 86400L, lo_short = lo;
		if ((rc = watermark(c, s, &wm)) < 0)
			return rc;
		if (wm == 0)
			c->first_load |= s->bit;
		if (s->bit == FG_SRC_QUERY_HISTORY)
			lo = c->now - QUERY_KEY_DAYS * 86400L;
		if (wm > 0) {
			lo = wm - FG_ACCOUNT_USAGE_LATENCY > lo ? wm - FG_ACCOUNT_USAGE_LATENCY : lo;
			lo_short = lo > lo_short ? lo : lo_short;
			if (s->bit == FG_SRC_QUERY_HISTORY)
				lo = wm - FG_ACCOUNT_USAGE_LATENCY;
		}
		ts_param(lo, since, sizeof(since));
		ts_param(c->now, until, sizeof(until));
		ts_param(lo_short, since_short, sizeof(since_short));
		nargs = s->bit == FG_SRC_QUERY_HISTORY ? 3 : 2;
	}
	char what[64];
	struct timespec t0 = fg_mono_now();
	snprintf(what, sizeof(what), "read %s", s->view);
	/* a timeout or a lost connection fails the connector (exit 75,
	 * rolled back, scanned again next run; logged by the ODBC layer); a
	 * refusal that will recur makes the view's rules not evaluated, said
	 * once in their warning with the diagnostic */
	fg_odbc_set_quiet(c->odbc, true);
	rc = fg_sql_odbc_query(c->odbc, what, s->sql, args, nargs, c->query_timeout, &st);
	fg_odbc_set_quiet(c->odbc, false);
	if (rc < 0) {
		if (rc == FG_ERR_TEMP)
			return rc;
		char why[512];
		snprintf(why, sizeof(why), "cannot read SNOWFLAKE.ACCOUNT_USAGE.%s: %s", s->view,
			 fg_odbc_last_error(c->odbc));
		unavailable(c, s->bit, why);
		return 0;
	}
	rc = fg_db_exec(c->db, "create staging table", s->stage, 0, NULL);
	if (rc == 0)
		rc = fg_sec_copy_rows(c->db, s->copy, c->connector, st, NULL, fg_odbc_ncols(st), &rows);
	fg_odbc_stmt_free(st);
	const char *p[] = { c->connector };
	if (rc == 0 && s->clear)
		rc = fg_db_exec(c->db, "replace secscan copy", s->clear, 1, p);
	if (rc == 0)
		rc = fg_db_exec(c->db, "merge secscan copy", s->merge, 0, NULL);
	if (rc == 0)
		rc = record(c, s, rows);
	if (rc == 0 && s->kind == EVENT)
		rc = finish_event(c, s);
	if (rc == 0)
		fg_debug("connector '%s': read %ld rows from %s in %.0f ms", c->connector, rows, s->view,
			 fg_elapsed_since(&t0) * 1e3);
	return rc;
}

/*
 * A first-seen date means something only against a baseline: with less
 * than FG_SEC_APP_MIN_HISTORY_DAYS of sessions on record every application
 * looks new, so the source is reported unavailable instead (the copy is
 * kept and grows towards the baseline).  A young account is not a fault:
 * the caller says so at info level, not as a warning.
 */
static int check_app_history(struct ctx *c)
{
	char now[32], need[16];
	const struct fg_sql_arg args[] = { { "connector", c->connector }, { "now", now }, { "days", need } };
	int rc;

	ts_param(c->now, now, sizeof(now));
	snprintf(need, sizeof(need), "%d", FG_SEC_APP_MIN_HISTORY_DAYS);
	PGresult *r = fg_sql_query(c->db, &rc, "measure session history",
				   &fg_sql_secscan_sources_history_days, args, FG_SQL_COUNT(args));
	if (r == NULL)
		return rc;
	if (PQntuples(r) == 1) {
		char why[200];
		snprintf(
			why, sizeof(why),
			"SESSIONS history covers %s days, less than the %d a baseline of client applications needs",
			PQgetvalue(r, 0, 0), FG_SEC_APP_MIN_HISTORY_DAYS);
		unavailable(c, FG_SRC_CLIENT_APPS, why);
		c->src->young |= FG_SRC_CLIENT_APPS;
	}
	PQclear(r);
	return 0;
}

/* Account parameters: the ACCOUNT_PARAMETERS view if present, else SHOW. */
static int read_parameters(struct ctx *c, const struct source *s)
{
	struct fg_odbc_stmt *st = NULL;
	int cols[3] = { -1, -1, -1 };
	const char *names[3] = { "key", "value", "level" };
	long rows = 0;
	int rc;
	bool view = c->views != NULL && view_present(c, "ACCOUNT_PARAMETERS");

	rc = view ? fg_odbc_query(c->odbc, "read ACCOUNT_PARAMETERS",
				  "SELECT KEY, VALUE, LEVEL FROM " AU "ACCOUNT_PARAMETERS", 0, NULL,
				  c->query_timeout, &st)
		  : fg_odbc_query(c->odbc, "run SHOW PARAMETERS IN ACCOUNT", "SHOW PARAMETERS IN ACCOUNT", 0,
				  NULL, c->query_timeout, &st);
	if (rc == FG_ERR_TEMP)
		return rc;
	if (rc < 0) {
		unavailable(c, s->bit, "SHOW PARAMETERS IN ACCOUNT failed or is not permitted");
		return 0;
	}
	for (int i = 0; i < fg_odbc_ncols(st); i++)
		for (int k = 0; k < 3; k++)
			if (strcasecmp(fg_odbc_colname(st, i), names[k]) == 0)
				cols[k] = i;
	if (cols[0] < 0 || cols[1] < 0 || cols[2] < 0) {
		fg_odbc_stmt_free(st);
		unavailable(c, s->bit, "SHOW PARAMETERS IN ACCOUNT returned no key/value/level columns");
		return 0;
	}
	rc = fg_db_exec(c->db, "create staging table", s->stage, 0, NULL);
	if (rc == 0)
		rc = fg_sec_copy_rows(c->db, s->copy, c->connector, st, cols, 3, &rows);
	fg_odbc_stmt_free(st);
	const char *p[] = { c->connector };
	if (rc == 0)
		rc = fg_db_exec(c->db, "replace secscan copy", s->clear, 1, p);
	if (rc == 0)
		rc = fg_db_exec(c->db, "merge secscan copy", s->merge, 0, NULL);
	if (rc == 0)
		rc = record(c, s, rows);
	return rc;
}

void fg_sec_sources_release(struct fg_sec_sources *src)
{
	for (int i = 0; i < FG_SRC_COUNT; i++) {
		free(src->reason[i]);
		src->reason[i] = NULL;
	}
}

int fg_secscan_collect(PGconn *db, const char *connector, const char *odbc, int connect_timeout,
		       int query_timeout, const struct fg_sec_settings *s, int needed, time_t now,
		       struct fg_sec_sources *src)
{
	struct ctx c = { .db = db,
			 .connector = connector,
			 .query_timeout = query_timeout,
			 .now = now,
			 .s = s,
			 .src = src };
	int rc;

	src->available = needed;
	if (needed & FG_SRC_IOC_LIST && s->ioc_ips == NULL)
		unavailable(&c, FG_SRC_IOC_LIST, s->ioc_reason ? s->ioc_reason : "no IoC address list");
	if ((rc = fg_odbc_connect(odbc, connector, connect_timeout, &c.odbc)) < 0)
		return rc;
	probe_views(&c);
	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]) && rc == 0; i++) {
		if (!(needed & sources[i].bit))
			continue;
		if (fg_interrupted) {
			rc = FG_ERR_TEMP;
			break;
		}
		rc = sources[i].bit == FG_SRC_PARAMETERS ? read_parameters(&c, &sources[i])
							 : read_source(&c, &sources[i]);
		if (rc == 0 && sources[i].bit == FG_SRC_CLIENT_APPS && (src->available & FG_SRC_CLIENT_APPS))
			rc = check_app_history(&c);
	}
	/*
	 * Fresh statistics so the rule queries get index plans: the replaced
	 * snapshot copies every time, the event copies after their first load
	 * (a day's increment does not change their shape; autovacuum follows).
	 */
	struct timespec t0;
	char analyze[256];
	snprintf(analyze, sizeof(analyze),
		 "ANALYZE sec_users, sec_grants_to_users, sec_grants_to_roles%s%s%s",
		 c.first_load & FG_SRC_LOGIN_HISTORY ? ", sec_login_history" : "",
		 c.first_load & FG_SRC_SESSIONS ? ", sec_sessions" : "",
		 c.first_load & FG_SRC_QUERY_HISTORY ? ", sec_query_history" : "");
	t0 = fg_mono_now();
	if (rc == 0)
		rc = fg_db_exec(db, "analyze secscan copies", analyze, 0, NULL);
	fg_debug("connector '%s': analyzed the copies in %.0f ms", connector, fg_elapsed_since(&t0) * 1e3);
	for (int i = 0; rc == 0 && i < FG_SRC_COUNT; i++)
		if ((needed & (1 << i)) && !(src->available & (1 << i)) && (1 << i) != FG_SRC_IOC_LIST) {
			char now_s[32];
			const struct fg_sql_arg args[] = {
				{ "connector", connector },
				{ "source", fg_sec_source_name(1 << i) },
				{ "now", now_s },
				{ "reason", src->reason[i] },
			};
			ts_param(now, now_s, sizeof(now_s));
			rc = fg_sql_exec(db, "record secscan source", &fg_sql_secscan_sources_unavailable,
					 args, FG_SQL_COUNT(args));
		}
	free_views(&c);
	fg_odbc_close(c.odbc);
	return rc;
}
