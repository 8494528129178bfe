/*
 * secscan_threats.c - monitoring and threat-detection rules (CIS Snowflake
 * Foundations Benchmark section 2, and the 2024 UNC5537 credential-stuffing
 * campaign).
 *
 * Event rules look at a window of the copied history: threat_days (default
 * 7) for bursts, password sign-ins, DDL, shares, unloads and exfiltration;
 * the whole copied login window for indicator-of-compromise matches and
 * for "signs in with SSO"; 30 days for person-looks-like-service; the
 * 90-day client application baseline (CLIENT_APPS) for rare-client-app;
 * and "since the last scan" (minus 4 h for ACCOUNT_USAGE latency; 24 h
 * before the first scan) for new grants.  A finding stays open while its
 * events are in the window and resolves when they age out.
 *
 * Statement rules match the query text with anchored regular expressions
 * over the copy; the extraction (secscan_collect.c) only narrows with LIKE
 * patterns, so a pattern here must be a subset of what is extracted.
 */
#include "secscan.h"
#include "secscan_rules.h"

#define LH FG_SRC_LOGIN_HISTORY
#define QH FG_SRC_QUERY_HISTORY
#define GR_SOURCES (FG_SRC_USERS | FG_SRC_GRANTS_TO_USERS | FG_SRC_GRANTS_TO_ROLES)

/* Failed sign-ins inside the threat window. */
#define FAILURES                                                                                   \
	"(SELECT event_id, user_name, client_ip, event_timestamp AS ts FROM sec_login_history"      \
	" WHERE connector = $1 AND NOT is_success AND event_timestamp > " NOW " - " SET_DAYS(       \
		"threat_days") " AND event_timestamp <= " NOW ")"
#define DDL_CHANGE(pattern)                                                                        \
	"SELECT q.query_id, jsonb_build_object('user', q.user_name, 'role', q.role_name, 'query_type',"  \
	" q.query_type, 'start_time', " TS("q.start_time") ", 'query_text', left(q.query_text, 1000)), NULL"  \
	" FROM sec_query_history q WHERE q.connector = $1 AND q.execution_status = 'SUCCESS'"       \
	" AND q.start_time > " NOW " - " SET_DAYS("threat_days") " AND q.start_time <= " NOW       \
	" AND upper(coalesce(q.query_type, '')) NOT IN ('SELECT', 'SHOW', 'DESCRIBE')"               \
	" AND (" pattern ")"

/* Successful sign-ins inside the threat window. */
#define SUCCESSES(days)                                                                            \
	" l.connector = $1 AND l.is_success AND l.event_timestamp > " NOW " - " days                \
	" AND l.event_timestamp <= " NOW
/* A query of the threat window that succeeded. */
#define RECENT_QUERY                                                                               \
	"q.connector = $1 AND q.execution_status = 'SUCCESS' AND q.start_time > " NOW " - " SET_DAYS( \
		"threat_days") " AND q.start_time <= " NOW
#define QUERY_EVIDENCE(extra)                                                                      \
	"jsonb_build_object('user', q.user_name, 'role', q.role_name, 'query_type', q.query_type,"     \
	" 'start_time', " TS("q.start_time") ", 'query_text', left(q.query_text, 1000)" extra ")"
/* Client types of programs (LOGIN_HISTORY.REPORTED_CLIENT_TYPE). */
#define DRIVER(c) "(upper(coalesce(" c ", '')) LIKE '%\\_DRIVER' OR upper(" c ") IN ('C_API', 'SQL_API'))"
/* Application name: the client application id without its version. */
#define APP_NAME(c) "regexp_replace(" c ", '\\s+v?[0-9][^\\s]*$', '')"

const struct fg_sec_rule fg_sec_threat_rules[] = {
	{ "failed-login-burst-user", "Burst of failed sign-ins for one user", FG_SEV_MEDIUM, NULL, "threat", LH,
	  "failed_login_burst or more failures for one user within an hour is password guessing or "
	  "credential stuffing.",
	  "ALTER USER <user> SET MINS_TO_UNLOCK = 0; -- after checking with the user; rotate the password",
	  "SELECT user_name, jsonb_build_object('max_failures_in_hour', max(n), 'failures', count(*),"
	  " 'first_burst_at', " TS("min(ts) FILTER (WHERE n >= " SET_INT("burst") ")") ","
	  " 'addresses', count(DISTINCT client_ip)), NULL"
	  " FROM (SELECT user_name, client_ip, ts, count(*) OVER (PARTITION BY user_name ORDER BY ts"
	  " RANGE BETWEEN CURRENT ROW AND interval '1 hour' FOLLOWING) AS n FROM " FAILURES " f"
	  " WHERE user_name IS NOT NULL) w GROUP BY user_name HAVING max(n) >= " SET_INT("burst") },

	{ "failed-login-burst-ip", "Burst of failed sign-ins from one address", FG_SEV_HIGH, NULL, "threat", LH,
	  "failed_login_burst or more failures, or failures against five or more users, from one "
	  "address within an hour is a stuffing or spraying source.",
	  "ALTER NETWORK POLICY <policy> SET BLOCKED_IP_LIST = ('<address>', ...);",
	  "WITH f AS " FAILURES ","
	  " c AS (SELECT client_ip, ts, count(*) OVER (PARTITION BY client_ip ORDER BY ts"
	  " RANGE BETWEEN CURRENT ROW AND interval '1 hour' FOLLOWING) AS n FROM f WHERE client_ip IS NOT NULL),"
	  " spray AS (SELECT client_ip FROM f WHERE client_ip IS NOT NULL GROUP BY client_ip"
	  " HAVING count(DISTINCT user_name) >= 5),"
	  " u AS (SELECT a.client_ip, a.ts, count(DISTINCT b.user_name) AS users FROM f a"
	  " JOIN spray s ON s.client_ip = a.client_ip JOIN f b ON b.client_ip = a.client_ip"
	  " AND b.ts >= a.ts AND b.ts <= a.ts + interval '1 hour' GROUP BY a.client_ip, a.event_id, a.ts),"
	  " hit AS (SELECT client_ip, max(n) AS n, 0::bigint AS users FROM c GROUP BY client_ip"
	  " UNION ALL SELECT client_ip, 0, max(users) FROM u GROUP BY client_ip)"
	  " SELECT client_ip, jsonb_build_object('max_failures_in_hour', max(n), 'max_users_in_hour', max(users)),"
	  " NULL FROM hit GROUP BY client_ip HAVING max(n) >= " SET_INT("burst") " OR max(users) >= 5" },

	{ "login-after-failures", "Successful sign-in after a burst of failures", FG_SEV_HIGH, NULL, "threat", LH,
	  "A success from the address that just failed failed_login_burst times for the same user "
	  "within 24 hours is what a working stolen credential looks like.",
	  "ALTER USER <user> SET DISABLED = TRUE; -- investigate the session, rotate credentials",
	  "WITH f AS " FAILURES ","
	  " pairs AS (SELECT user_name, client_ip FROM f WHERE user_name IS NOT NULL GROUP BY 1, 2"
	  " HAVING count(*) >= " SET_INT("burst") "),"
	  " s AS (SELECT l.user_name, l.client_ip, l.event_timestamp AS ts FROM sec_login_history l"
	  " JOIN pairs p ON p.user_name = l.user_name AND p.client_ip = l.client_ip"
	  " WHERE l.connector = $1 AND l.is_success AND l.event_timestamp > " NOW " - " SET_DAYS("threat_days")
	  " AND l.event_timestamp <= " NOW "),"
	  " m AS (SELECT s.user_name, s.client_ip, s.ts, count(*) AS failures FROM s JOIN f"
	  " ON f.user_name = s.user_name AND f.client_ip = s.client_ip AND f.ts < s.ts"
	  " AND f.ts >= s.ts - interval '24 hours' GROUP BY 1, 2, 3 HAVING count(*) >= " SET_INT("burst") ")"
	  " SELECT user_name, jsonb_build_object('addresses', jsonb_agg(DISTINCT client_ip),"
	  " 'first_success_at', " TS("min(ts)") ", 'failures_before', max(failures)), NULL"
	  " FROM m GROUP BY user_name" },

	{ "ioc-ip-login", "Sign-in attempt from a published attack address", FG_SEV_CRITICAL, NULL, "threat",
	  LH | FG_SRC_IOC_LIST,
	  "The address is on the published UNC5537 indicator list (ioc_ip_file).",
	  "ALTER USER <user> SET DISABLED = TRUE; -- rotate its credentials and review its queries",
	  "SELECT coalesce(l.user_name, '(unknown user)'), jsonb_build_object('addresses', jsonb_agg(DISTINCT l.client_ip),"
	  " 'attempts', count(*), 'successes', count(*) FILTER (WHERE l.is_success),"
	  " 'first_at', " TS("min(l.event_timestamp)") ", 'last_at', " TS("max(l.event_timestamp)") "), NULL"
	  " FROM (SELECT DISTINCT jsonb_array_elements_text(($3::jsonb)->'ioc_ips') AS ip) ioc"
	  " JOIN sec_login_history l ON l.connector = $1 AND l.client_ip = ioc.ip"
	  " WHERE l.event_timestamp <= " NOW " GROUP BY 1" },

	{ "ioc-client-app", "Session from a client application used in attacks", FG_SEV_CRITICAL, NULL,
	  "threat", FG_SRC_SESSIONS,
	  "Client application names published as attack indicators (ioc_client_apps, e.g. rapeflake) "
	  "appear in the session's client application or environment.",
	  "ALTER USER <user> SET DISABLED = TRUE; -- and investigate the session",
	  "SELECT coalesce(s.user_name, '(unknown user)'), jsonb_build_object('sessions', jsonb_agg(s.session_id ORDER BY s.session_id),"
	  " 'client_application_id', jsonb_agg(DISTINCT s.client_application_id),"
	  " 'first_at', " TS("min(s.created_on)") "), NULL"
	  " FROM sec_sessions s WHERE s.connector = $1 AND s.created_on > " NOW " - " SET_DAYS("threat_days")
	  " AND s.created_on <= " NOW " AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(($3::jsonb)->'ioc_apps') a"
	  " WHERE a <> '' AND (strpos(lower(coalesce(s.client_application_id, '')), lower(a)) > 0"
	  " OR strpos(lower(coalesce(s.client_environment, '')), lower(a)) > 0))"
	  " GROUP BY 1" },

	{ "password-login-no-mfa", "Password sign-in without a second factor", FG_SEV_MEDIUM, "2.4", "threat",
	  LH | GR_SOURCES,
	  "A successful PASSWORD sign-in with no second factor (high for administrators).",
	  "ALTER USER <user> UNSET PASSWORD; -- or enforce MFA with an authentication policy",
	  "SELECT l.user_name, jsonb_build_object('logins', count(*), 'last_at', " TS("max(l.event_timestamp)") ","
	  " 'addresses', jsonb_agg(DISTINCT l.client_ip)),"
	  " CASE WHEN l.user_name IN (SELECT user_name FROM sec_admin_holders($1)) THEN 'high' END"
	  " FROM sec_login_history l WHERE l.connector = $1 AND l.is_success AND l.first_factor = 'PASSWORD'"
	  " AND coalesce(l.second_factor, '') = '' AND l.user_name IS NOT NULL"
	  " AND l.event_timestamp > " NOW " - " SET_DAYS("threat_days") " AND l.event_timestamp <= " NOW
	  " GROUP BY l.user_name" },

	{ "keypair-user-password-login", "Key-pair user signed in with a password", FG_SEV_HIGH, NULL, "threat",
	  LH | FG_SRC_USERS,
	  "A user set up with an RSA key signed in successfully with a PASSWORD first factor within "
	  "threat_days: the password is a second, weaker way in, and an unexpected one.",
	  "ALTER USER <user> UNSET PASSWORD; -- after checking who signed in",
	  "SELECT u.name, jsonb_build_object('password_logins', count(*), 'last_at', " TS("max(l.event_timestamp)") ","
	  " 'addresses', jsonb_agg(DISTINCT l.client_ip), 'client_types', jsonb_agg(DISTINCT l.client_type)), NULL"
	  " FROM sec_login_history l JOIN sec_users u ON u.connector = $1 AND u.name = l.user_name"
	  " WHERE" SUCCESSES(SET_DAYS("threat_days")) " AND l.first_factor = 'PASSWORD'"
	  " AND " ACTIVE("u") " AND coalesce(u.has_rsa_public_key, false) GROUP BY u.name" },

	{ "sso-user-password-login", "Password sign-in by a user who signs in with SSO", FG_SEV_MEDIUM, "2.3",
	  "threat", LH,
	  "A successful PASSWORD sign-in within threat_days by a user who also signs in with "
	  "SAML2_ASSERTION (in the copied login window) went around the identity provider.",
	  "ALTER USER <user> UNSET PASSWORD;",
	  "SELECT l.user_name, jsonb_build_object('password_logins', count(*), 'last_password_at',"
	  " " TS("max(l.event_timestamp)") ", 'last_sso_at', " TS("s.ts") ", 'addresses', jsonb_agg(DISTINCT l.client_ip)), NULL"
	  " FROM sec_login_history l JOIN (SELECT user_name, max(event_timestamp) AS ts FROM sec_login_history"
	  " WHERE connector = $1 AND first_factor = 'SAML2_ASSERTION' AND is_success AND event_timestamp <= " NOW
	  " GROUP BY user_name) s ON s.user_name = l.user_name"
	  " WHERE" SUCCESSES(SET_DAYS("threat_days")) " AND l.first_factor = 'PASSWORD'"
	  " GROUP BY l.user_name, s.ts" },

	{ "person-looks-like-service", "Person whose sign-ins all come from drivers", FG_SEV_LOW, NULL, "identity",
	  LH | FG_SRC_USERS,
	  "A person (TYPE PERSON or unset) with at least 5 successful sign-ins over 30 days, every one "
	  "from a driver (REPORTED_CLIENT_TYPE ending in _DRIVER, or C_API, SQL_API) and none from the "
	  "web interface, SnowSQL or another client, is probably a program running under a person's "
	  "name: it escapes the service-user rules and holds a person's MFA exemptions.",
	  "ALTER USER <user> SET TYPE = SERVICE; -- after moving it to key-pair authentication",
	  "SELECT u.name, jsonb_build_object('logins', l.n, 'client_types', l.types, 'days', 30,"
	  " 'last_at', " TS("l.last_at") "), NULL"
	  /* per (user, client type) first: one hashed pass over the window;
	   * grouping by user alone walks the per-user index over all rows */
	  " FROM (SELECT t.user_name, sum(t.n) AS n, jsonb_agg(t.client_type ORDER BY t.client_type) AS types,"
	  " max(t.last_at) AS last_at FROM (SELECT l.user_name, l.client_type, count(*) AS n,"
	  " max(l.event_timestamp) AS last_at FROM sec_login_history l WHERE" SUCCESSES("interval '30 days'")
	  " GROUP BY 1, 2) t GROUP BY t.user_name HAVING sum(t.n) >= 5 AND bool_and(" DRIVER("t.client_type") ")) l"
	  " JOIN sec_users u ON u.connector = $1 AND u.name = l.user_name"
	  " WHERE " ACTIVE("u") " AND " IS_PERSON("u") },

	{ "rare-client-app", "Client application first seen in the last 10 days", FG_SEV_LOW, NULL, "threat",
	  FG_SRC_CLIENT_APPS | FG_SRC_SESSIONS,
	  "An application (SESSIONS.CLIENT_APPLICATION_ID without its version) that no session used in "
	  "the 90 days before the last 10.  Not evaluated while less than 30 days of sessions are on "
	  "record, since every application would look new.",
	  "-- ask the users listed which tool this is; block it with an authentication policy CLIENT_TYPES if unwanted",
	  "WITH apps AS (SELECT " APP_NAME("client_application_id") " AS app, min(first_seen) AS first_seen,"
	  " max(last_seen) AS last_seen, jsonb_agg(client_application_id ORDER BY client_application_id) AS ids"
	  " FROM sec_client_apps WHERE connector = $1 AND first_seen <= " NOW " GROUP BY 1)"
	  " SELECT a.app, jsonb_build_object('first_seen', " TS("a.first_seen") ", 'last_seen', " TS("a.last_seen") ","
	  " 'client_application_ids', a.ids, 'recent_users', (SELECT coalesce(jsonb_agg(DISTINCT s.user_name), '[]')"
	  " FROM sec_sessions s WHERE s.connector = $1 AND s.created_on >= a.first_seen"
	  " AND " APP_NAME("s.client_application_id") " = a.app)), NULL"
	  " FROM apps a WHERE a.app <> '' AND a.first_seen > " NOW " - interval '10 days'" },

	{ "admin-role-granted", "New grant of an admin role", FG_SEV_HIGH, "2.1", "threat",
	  FG_SRC_GRANTS_TO_USERS | FG_SRC_GRANTS_TO_ROLES,
	  "ACCOUNTADMIN, SECURITYADMIN or ORGADMIN was granted since the last scan.",
	  "REVOKE ROLE <role> FROM USER <user>; -- unless the grant was approved",
	  "SELECT g.role || ' to ' || g.grantee_name, jsonb_build_object('granted_at', " TS("g.created_on") ","
	  " 'grantee_type', 'USER'), NULL FROM sec_grants_to_users g WHERE g.connector = $1"
	  " AND g.role IN ('ACCOUNTADMIN', 'SECURITYADMIN', 'ORGADMIN')"
	  " AND g.created_on >= (($3::jsonb)->>'since')::timestamptz AND g.created_on <= " NOW
	  " UNION ALL SELECT g.name || ' to role ' || g.grantee_name, jsonb_build_object('granted_at',"
	  " " TS("g.created_on") ", 'grantee_type', 'ROLE'), NULL FROM sec_grants_to_roles g"
	  " WHERE g.connector = $1 AND g.granted_on = 'ROLE' AND g.name IN ('ACCOUNTADMIN', 'SECURITYADMIN', 'ORGADMIN')"
	  " AND g.created_on >= (($3::jsonb)->>'since')::timestamptz AND g.created_on <= " NOW },

	{ "manage-grants-granted", "New MANAGE GRANTS privilege", FG_SEV_HIGH, "2.2", "threat",
	  FG_SRC_GRANTS_TO_ROLES,
	  "MANAGE GRANTS lets a role grant anything to anyone; it was granted since the last scan.",
	  "REVOKE MANAGE GRANTS ON ACCOUNT FROM ROLE <role>;",
	  "SELECT g.grantee_name, jsonb_build_object('granted_at', " TS("max(g.created_on)") "), NULL"
	  " FROM sec_grants_to_roles g WHERE g.connector = $1 AND g.privilege = 'MANAGE GRANTS'"
	  " AND g.created_on >= (($3::jsonb)->>'since')::timestamptz AND g.created_on <= " NOW
	  " GROUP BY g.grantee_name" },

	{ "network-policy-changed", "Network policy created, changed or unset", FG_SEV_HIGH, "2.6", "threat", QH,
	  "Changing who may connect is a classic step before or after a takeover.",
	  "-- review the statement; DESCRIBE NETWORK POLICY <name>; SHOW PARAMETERS LIKE 'NETWORK_POLICY' IN ACCOUNT;",
	  DDL_CHANGE("upper(q.query_type) IN ('CREATE_NETWORK_POLICY', 'ALTER_NETWORK_POLICY', 'DROP_NETWORK_POLICY')"
		     " OR upper(q.query_text) ~ 'NETWORK[_ ]POLICY'") },

	{ "security-integration-changed", "Security integration created, changed or dropped", FG_SEV_HIGH, "2.5",
	  "threat", QH,
	  "Security integrations (SSO, SCIM, OAuth) decide who is trusted to sign in.",
	  "-- review the statement; DESCRIBE SECURITY INTEGRATION <name>;",
	  DDL_CHANGE("upper(q.query_text) ~ 'SECURITY\\s+INTEGRATION'") },

	{ "scim-token-created", "SCIM access token generated", FG_SEV_MEDIUM, "2.7", "threat", QH,
	  "SYSTEM$GENERATE_SCIM_ACCESS_TOKEN issues a token that can create users and grant roles "
	  "through the SCIM API.",
	  "-- check the integration's owner expected it; ALTER SECURITY INTEGRATION <name> SET ENABLED = FALSE;",
	  "SELECT q.query_id, " QUERY_EVIDENCE("") ", NULL FROM sec_query_history q WHERE " RECENT_QUERY
	  " AND upper(q.query_text) LIKE '%SYSTEM$GENERATE\\_SCIM\\_ACCESS\\_TOKEN%'" },

	{ "share-changed", "Share or reader account created or changed", FG_SEV_MEDIUM, "2.8", "threat", QH,
	  "CREATE SHARE, ALTER SHARE and CREATE MANAGED ACCOUNT decide which data leaves the account "
	  "and for whom.",
	  "-- review the statement; SHOW SHARES; DESCRIBE SHARE <name>; SHOW MANAGED ACCOUNTS;",
	  "SELECT q.query_id, " QUERY_EVIDENCE("") ", NULL FROM sec_query_history q WHERE " RECENT_QUERY
	  " AND upper(q.query_text) ~ '^\\s*(CREATE\\s+(OR\\s+REPLACE\\s+)?(SHARE|MANAGED\\s+ACCOUNT)|ALTER\\s+SHARE)\\M'" },

	{ "copy-into-external-url", "COPY INTO an external URL without a storage integration", FG_SEV_HIGH, "4.7",
	  "threat", QH,
	  "Unloading straight to an s3://, gcs:// or azure:// URL with inline credentials sends data "
	  "wherever the statement says; a storage integration limits it to approved locations.",
	  "ALTER ACCOUNT SET PREVENT_UNLOAD_TO_INLINE_URL = TRUE; -- unload through a stage with a storage integration",
	  "SELECT q.query_id, " QUERY_EVIDENCE(", 'url', substring(q.query_text FROM"
	  " '(?i)^\\s*COPY\\s+INTO\\s+''?((?:s3|s3gov|gcs|azure)://[^''\\s]*)')") ", NULL"
	  " FROM sec_query_history q WHERE " RECENT_QUERY
	  " AND q.query_text ~* '^\\s*COPY\\s+INTO\\s+''?(s3|s3gov|gcs|azure)://'"
	  " AND q.query_text !~* 'STORAGE_INTEGRATION\\s*='" },

	{ "exfil-chain", "Exfiltration pattern in one session", FG_SEV_CRITICAL, NULL, "threat", QH,
	  "A temporary stage created, data unloaded into it (COPY INTO @stage) and fetched (GET) or "
	  "preceded by SHOW TABLES, in one session: the UNC5537 theft sequence.",
	  "ALTER USER <user> SET DISABLED = TRUE; -- and investigate the session",
	  "SELECT session_id, jsonb_build_object('user', max(user_name), 'show_tables', sum(st),"
	  " 'temporary_stages', sum(ts), 'unloads', sum(ul), 'gets', sum(gt), 'first_at', " TS("min(start_time)") "), NULL"
	  " FROM (SELECT session_id, user_name, start_time,"
	  " (upper(query_text) ~ '^\\s*SHOW\\s+TABLES')::int AS st,"
	  " (upper(query_text) ~ 'CREATE\\s+(OR\\s+REPLACE\\s+)?TEMP(ORARY)?\\s+STAGE')::int AS ts,"
	  " (upper(coalesce(query_type, '')) = 'UNLOAD' OR upper(query_text) ~ '^\\s*COPY\\s+INTO\\s+@')::int AS ul,"
	  " (upper(coalesce(query_type, '')) = 'GET_FILES' OR upper(query_text) ~ '^\\s*GET\\s+@')::int AS gt"
	  " FROM sec_query_history WHERE connector = $1 AND session_id IS NOT NULL"
	  " AND execution_status = 'SUCCESS'"
	  " AND start_time > " NOW " - " SET_DAYS("threat_days") " AND start_time <= " NOW ") q"
	  " GROUP BY session_id HAVING sum(ts) > 0 AND sum(ul) > 0 AND (sum(gt) > 0 OR sum(st) > 0)" },
};

const size_t fg_sec_threat_rule_count = sizeof(fg_sec_threat_rules) / sizeof(fg_sec_threat_rules[0]);
