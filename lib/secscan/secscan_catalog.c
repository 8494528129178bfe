/*
 * secscan_catalog.c - posture rules: identity (CIS Snowflake Foundations
 * Benchmark section 1), network (section 3) and data protection (section
 * 4), and the lookup over the whole catalogue.
 *
 * Each rule is data: metadata for --list-rules, secscan(1) and the
 * notification text, and one SQL query evaluated by PostgreSQL over the
 * sec_* copies (see secscan_rules.h for its parameters and result).  Ids
 * are stable: findings and suppressions refer to them.  Disabled and
 * deleted users are out of scope of every identity rule (deleted ones are
 * not even copied).
 */
#include "secscan.h"
#include "secscan_rules.h"

#include <string.h>

#define ID FG_SRC_USERS
#define GR (FG_SRC_GRANTS_TO_USERS | FG_SRC_GRANTS_TO_ROLES)

const struct fg_sec_rule fg_sec_posture_rules[] = {
	{ "user-password-no-mfa", "Person with a password and no MFA", FG_SEV_HIGH, "1.4", "identity", ID | GR,
	  "A password alone is what credential-stuffing campaigns replay; Snowflake requires MFA for "
	  "password sign-ins of people.",
	  "ALTER USER <user> SET DISABLE_MFA = FALSE; -- and have the user enroll, or: ALTER USER <user> UNSET PASSWORD;",
	  "SELECT u.name, jsonb_build_object('has_password', u.has_password, 'has_mfa', u.has_mfa,"
	  " 'ext_authn_duo', u.ext_authn_duo, 'last_success_login', " TS("u.last_success_login") "), NULL"
	  " FROM sec_users u WHERE u.connector = $1 AND " ACTIVE("u") " AND " IS_PERSON("u")
	  " AND u.has_password AND NOT coalesce(u.has_mfa, false) AND NOT coalesce(u.ext_authn_duo, false)"
	  " AND NOT EXISTS (SELECT 1 FROM sec_admin_holders($1) a WHERE a.user_name = u.name)" },

	{ "admin-no-mfa", "Administrator with a password and no MFA", FG_SEV_CRITICAL, "1.4", "identity", ID | GR,
	  "An ACCOUNTADMIN or SECURITYADMIN holder signing in with a password alone can be taken over "
	  "with one leaked password.",
	  "ALTER USER <user> UNSET PASSWORD; -- or enroll the user in MFA before the next sign-in",
	  "SELECT u.name, jsonb_build_object('admin_roles', a.admin_roles, 'chains', a.chains,"
	  " 'has_mfa', u.has_mfa, 'ext_authn_duo', u.ext_authn_duo), NULL"
	  " FROM sec_users u JOIN " ADMINS " a ON a.user_name = u.name"
	  " WHERE u.connector = $1 AND " ACTIVE("u") " AND " IS_PERSON("u")
	  " AND u.has_password AND NOT coalesce(u.has_mfa, false) AND NOT coalesce(u.ext_authn_duo, false)" },

	{ "sso-user-has-password", "SSO user still has a password", FG_SEV_MEDIUM, "1.3", "identity",
	  ID | FG_SRC_LOGIN_HISTORY,
	  "A person who signs in through the identity provider keeps a password that bypasses it.",
	  "ALTER USER <user> UNSET PASSWORD;",
	  "SELECT u.name, jsonb_build_object('last_sso_login', " TS("l.ts") ", 'has_password', true), NULL"
	  " FROM (SELECT user_name, max(event_timestamp) AS ts FROM sec_login_history WHERE connector = $1"
	  " AND first_factor = 'SAML2_ASSERTION' AND is_success GROUP BY user_name) l"
	  " JOIN sec_users u ON u.connector = $1 AND u.name = l.user_name"
	  " WHERE " ACTIVE("u") " AND " IS_PERSON("u") " AND u.has_password" },

	{ "stale-user", "User not signed in for stale_days", FG_SEV_MEDIUM, "1.8", "identity", ID,
	  "Dormant accounts keep their privileges and their passwords, and nobody notices their use.",
	  "ALTER USER <user> SET DISABLED = TRUE;",
	  "SELECT u.name, jsonb_build_object('last_success_login', " TS("u.last_success_login") ","
	  " 'created_on', " TS("u.created_on") ", 'idle_days',"
	  " extract(day FROM " NOW " - coalesce(u.last_success_login, u.created_on))::int,"
	  " 'stale_days', " SET_INT("stale_days") "), NULL"
	  " FROM sec_users u WHERE u.connector = $1 AND " ACTIVE("u")
	  " AND " NOW " - coalesce(u.last_success_login, u.created_on) > " SET_DAYS("stale_days") },

	{ "service-user-password", "Service user authenticates by password", FG_SEV_HIGH, "1.6", "identity",
	  ID | FG_SRC_LOGIN_HISTORY,
	  "Programs should authenticate with a key pair; a service password is long-lived, shared and "
	  "cannot use MFA.",
	  "ALTER USER <user> SET RSA_PUBLIC_KEY = '<key>'; ALTER USER <user> UNSET PASSWORD;",
	  "SELECT u.name, jsonb_build_object('type', u.type, 'has_password', u.has_password,"
	  " 'has_rsa_public_key', u.has_rsa_public_key, 'last_password_login', " TS("p.ts") "), NULL"
	  " FROM sec_users u LEFT JOIN LATERAL (SELECT l.event_timestamp AS ts FROM sec_login_history l"
	  " WHERE l.connector = $1 AND l.user_name = u.name AND l.first_factor = 'PASSWORD' AND l.is_success"
	  " ORDER BY l.event_timestamp DESC LIMIT 1) p ON true"
	  " WHERE u.connector = $1 AND " ACTIVE("u") " AND " IS_SERVICE("u")
	  " AND (coalesce(u.has_password, false) OR NOT coalesce(u.has_rsa_public_key, false) OR p.ts IS NOT NULL)" },

	{ "legacy-service-user", "LEGACY_SERVICE user", FG_SEV_HIGH, NULL, "identity", ID,
	  "LEGACY_SERVICE users keep single-factor passwords, which Snowflake is phasing out.",
	  "ALTER USER <user> SET RSA_PUBLIC_KEY = '<key>'; ALTER USER <user> SET TYPE = SERVICE;",
	  "SELECT u.name, jsonb_build_object('type', u.type, 'has_password', u.has_password), NULL"
	  " FROM sec_users u WHERE u.connector = $1 AND " ACTIVE("u")
	  " AND upper(coalesce(u.type, '')) = 'LEGACY_SERVICE'" },

	{ "mfa-bypass-active", "MFA bypass in effect", FG_SEV_MEDIUM, NULL, "identity", ID,
	  "A user allowed to skip MFA until a future time signs in with a password alone meanwhile.",
	  "ALTER USER <user> SET MINS_TO_BYPASS_MFA = 0;",
	  "SELECT u.name, jsonb_build_object('bypass_mfa_until', " TS("u.bypass_mfa_until") "), NULL"
	  " FROM sec_users u WHERE u.connector = $1 AND " ACTIVE("u") " AND u.bypass_mfa_until > " NOW },

	{ "key-not-rotated", "RSA key older than key_max_age_days", FG_SEV_LOW, "1.7", "identity",
	  ID | FG_SRC_QUERY_HISTORY,
	  "Key pairs that never rotate outlive the people and hosts that held them.  Judged from the last "
	  "ALTER/CREATE USER ... RSA_PUBLIC_KEY statement in QUERY_HISTORY; users with no such statement "
	  "on record are not judged.",
	  "ALTER USER <user> SET RSA_PUBLIC_KEY_2 = '<new key>'; -- then UNSET RSA_PUBLIC_KEY",
	  "WITH k AS (SELECT CASE WHEN m[1] LIKE '\"%' THEN replace(substr(m[1], 2, length(m[1]) - 2), '\"\"', '\"')"
	  " ELSE upper(m[1]) END AS name, q.start_time, q.query_id"
	  " FROM sec_query_history q, regexp_match(q.query_text,"
	  " '^\\s*(?:alter|create(?:\\s+or\\s+replace)?)\\s+user\\s+(?:if\\s+(?:not\\s+)?exists\\s+)?(\"(?:[^\"]|\"\")+\"|[^\\s;]+)',"
	  " 'i') AS m"
	  " WHERE q.connector = $1 AND q.execution_status = 'SUCCESS' AND upper(q.query_text) LIKE '%RSA_PUBLIC_KEY%'),"
	  " last AS (SELECT name, max(start_time) AS set_at FROM k GROUP BY name)"
	  " SELECT u.name, jsonb_build_object('key_set_at', " TS("l.set_at") ", 'age_days',"
	  " extract(day FROM " NOW " - l.set_at)::int, 'key_max_age_days', " SET_INT("key_max_age_days") "), NULL"
	  " FROM sec_users u JOIN last l ON l.name = u.name"
	  " WHERE u.connector = $1 AND " ACTIVE("u") " AND coalesce(u.has_rsa_public_key, false)"
	  " AND " NOW " - l.set_at > " SET_DAYS("key_max_age_days") },

	{ "password-old", "Password older than password_max_age_days", FG_SEV_LOW, NULL, "identity", ID | GR,
	  "A password that never changes has had the longest time to leak.  Users whose "
	  "password_last_set_time is unknown are not judged; administrators (ACCOUNTADMIN or "
	  "SECURITYADMIN, direct or inherited) get admin_password_max_age_days.",
	  "ALTER USER <user> SET MUST_CHANGE_PASSWORD = TRUE; -- or UNSET PASSWORD for key-pair or SSO users",
	  "SELECT u.name, jsonb_build_object('password_last_set_time', " TS("u.password_last_set_time") ","
	  " 'age_days', extract(day FROM " NOW " - u.password_last_set_time)::int, 'admin', a.user_name IS NOT NULL,"
	  " 'max_age_days', CASE WHEN a.user_name IS NULL THEN " SET_INT("password_max_age_days")
	  " ELSE " SET_INT("admin_password_max_age_days") " END), NULL"
	  " FROM sec_users u LEFT JOIN (SELECT DISTINCT user_name FROM sec_admin_holders($1)) a ON a.user_name = u.name"
	  " WHERE u.connector = $1 AND " ACTIVE("u") " AND coalesce(u.has_password, false)"
	  " AND u.password_last_set_time IS NOT NULL AND " NOW " - u.password_last_set_time > CASE WHEN"
	  " a.user_name IS NULL THEN " SET_DAYS("password_max_age_days") " ELSE " SET_DAYS("admin_password_max_age_days")
	  " END" },

	{ "admin-idle-timeout", "Administrator without a session idle timeout <= 15 min", FG_SEV_MEDIUM, "1.9",
	  "identity", ID | GR | FG_SRC_POLICY_REFERENCES | FG_SRC_SESSION_POLICIES,
	  "An unattended ACCOUNTADMIN or SECURITYADMIN session is a standing admin credential.  The "
	  "session policy in effect is the user's own, else the account's (POLICY_REFERENCES); its "
	  "SESSION_IDLE_TIMEOUT_MINS must be at most 15.",
	  "CREATE SESSION POLICY <db.schema.name> SESSION_IDLE_TIMEOUT_MINS = 15 SESSION_UI_IDLE_TIMEOUT_MINS = 15;"
	  " ALTER USER <user> SET SESSION POLICY <db.schema.name>;",
	  "WITH pol AS (SELECT r.ref_entity_domain AS domain, r.ref_entity_name AS entity, p.name,"
	  " p.session_idle_timeout_mins AS idle, p.session_ui_idle_timeout_mins AS ui_idle"
	  " FROM sec_policy_references r JOIN sec_session_policies p ON p.connector = r.connector"
	  " AND p.name = r.policy_name WHERE r.connector = $1 AND r.policy_kind = 'SESSION_POLICY'"
	  " AND r.ref_entity_domain IN ('USER', 'ACCOUNT'))"
	  " SELECT u.name, jsonb_build_object('admin_roles', a.admin_roles, 'session_policy', e.name,"
	  " 'policy_level', e.domain, 'session_idle_timeout_mins', e.idle,"
	  " 'session_ui_idle_timeout_mins', e.ui_idle, 'required_max_mins', 15), NULL"
	  " FROM sec_users u JOIN " ADMINS " a ON a.user_name = u.name"
	  " LEFT JOIN LATERAL (SELECT * FROM pol WHERE (pol.domain = 'USER' AND pol.entity = u.name)"
	  " OR pol.domain = 'ACCOUNT' ORDER BY pol.domain = 'USER' DESC, pol.idle DESC NULLS FIRST LIMIT 1) e ON true"
	  " WHERE u.connector = $1 AND " ACTIVE("u") " AND NOT coalesce(e.idle <= 15, false)" },

	{ "admin-count", "Too many (or too few) administrators", FG_SEV_HIGH, "1.10", "identity", ID | GR,
	  "Every ACCOUNTADMIN or SECURITYADMIN holder, direct or through the role hierarchy, can take the "
	  "account; keep at least two and at most max_admins.",
	  "REVOKE ROLE ACCOUNTADMIN FROM USER <user>; -- or from the role that carries it",
	  "SELECT 'account', jsonb_build_object('admins', jsonb_agg(user_name ORDER BY user_name),"
	  " 'count', count(*), 'max_admins', " SET_INT("max_admins") ", 'min_admins', 2), NULL"
	  " FROM (SELECT DISTINCT user_name FROM sec_admin_holders($1)) a"
	  " HAVING count(*) > " SET_INT("max_admins") " OR count(*) < 2" },

	{ "admin-no-email", "ACCOUNTADMIN holder without an email", FG_SEV_LOW, "1.11", "identity", ID | GR,
	  "Snowflake sends security notices (and MFA recovery) to the email of ACCOUNTADMIN users.",
	  "ALTER USER <user> SET EMAIL = '<address>';",
	  "SELECT u.name, jsonb_build_object('via', h.via), NULL"
	  " FROM sec_users u JOIN sec_admin_holders($1) h ON h.user_name = u.name AND h.admin_role = 'ACCOUNTADMIN'"
	  " WHERE u.connector = $1 AND " ACTIVE("u") " AND coalesce(trim(u.email), '') = ''" },

	{ "admin-default-role", "Default role is ACCOUNTADMIN or SECURITYADMIN", FG_SEV_MEDIUM, "1.12",
	  "identity", ID,
	  "Every session of such a user starts with full administrative power, even for routine work.",
	  "ALTER USER <user> SET DEFAULT_ROLE = <least privileged role>;",
	  "SELECT u.name, jsonb_build_object('default_role', u.default_role), NULL"
	  " FROM sec_users u WHERE u.connector = $1 AND " ACTIVE("u")
	  " AND upper(u.default_role) IN " ADMIN_ROLES },

	{ "admin-role-nested", "ACCOUNTADMIN or SECURITYADMIN granted to a custom role", FG_SEV_HIGH, "1.13",
	  "identity", FG_SRC_GRANTS_TO_ROLES,
	  "Nesting an admin role into a custom role hands it to everyone who holds that role, out of "
	  "sight of reviews of the admin roles.",
	  "REVOKE ROLE ACCOUNTADMIN FROM ROLE <role>;",
	  "SELECT g.grantee_name, jsonb_build_object('granted_roles', jsonb_agg(DISTINCT g.name)), NULL"
	  " FROM sec_grants_to_roles g WHERE g.connector = $1 AND g.granted_on = 'ROLE'"
	  " AND g.granted_to = 'ROLE' AND g.name IN " ADMIN_ROLES " AND g.grantee_name NOT IN " SYSTEM_ROLES
	  " GROUP BY g.grantee_name" },

	{ "admin-owned-task-proc", "Task or procedure owned by an admin role", FG_SEV_MEDIUM, "1.14-1.17",
	  "identity", FG_SRC_GRANTS_TO_ROLES,
	  "Tasks run as their owner and owner's-rights procedures run with its privileges: owned by "
	  "ACCOUNTADMIN or SECURITYADMIN they are a standing admin session.",
	  "GRANT OWNERSHIP ON TASK <db.schema.task> TO ROLE <service role> COPY CURRENT GRANTS;",
	  "SELECT g.granted_on || ' ' || concat_ws('.', g.table_catalog, g.table_schema, g.name),"
	  " jsonb_build_object('owner', g.grantee_name, 'granted_on', g.granted_on), NULL"
	  " FROM sec_grants_to_roles g WHERE g.connector = $1 AND g.privilege = 'OWNERSHIP'"
	  " AND g.granted_on IN ('TASK', 'PROCEDURE') AND g.grantee_name IN " ADMIN_ROLES },

	{ "grant-to-public", "Privilege granted to PUBLIC", FG_SEV_MEDIUM, NULL, "identity", FG_SRC_GRANTS_TO_ROLES,
	  "Every user holds PUBLIC: a privilege granted to it is granted to the whole account, including "
	  "service users and anyone who steals a credential.",
	  "REVOKE <privilege> ON <object type> <object> FROM ROLE PUBLIC;",
	  "SELECT g.privilege || ' on ' || g.granted_on || ' ' || concat_ws('.', g.table_catalog, g.table_schema, g.name),"
	  " jsonb_build_object('granted_at', " TS("min(g.created_on)") "), NULL"
	  " FROM sec_grants_to_roles g WHERE g.connector = $1 AND g.grantee_name = 'PUBLIC' AND g.granted_to = 'ROLE'"
	  " GROUP BY 1" },

	{ "password-policy-weak", "No account password policy with length >= 14", FG_SEV_MEDIUM, "1.5",
	  "identity", FG_SRC_POLICY_REFERENCES | FG_SRC_PASSWORD_POLICIES,
	  "CIS asks for an account-level password policy with at least 14 characters.",
	  "CREATE PASSWORD POLICY <db.schema.name> PASSWORD_MIN_LENGTH = 14; ALTER ACCOUNT SET PASSWORD POLICY <db.schema.name>;",
	  "WITH acct AS (SELECT p.name, p.password_min_length FROM sec_policy_references r"
	  " JOIN sec_password_policies p ON p.connector = r.connector AND p.name = r.policy_name"
	  " WHERE r.connector = $1 AND r.policy_kind = 'PASSWORD_POLICY' AND r.ref_entity_domain = 'ACCOUNT')"
	  " SELECT 'account', jsonb_build_object('policy', max(name), 'password_min_length',"
	  " min(password_min_length), 'required', 14), NULL FROM acct"
	  " HAVING count(*) = 0 OR min(password_min_length) < 14" },

	{ "no-account-network-policy", "No account-level network policy", FG_SEV_HIGH, "3.1", "network",
	  FG_SRC_POLICY_REFERENCES,
	  "Without an account network policy any address on the internet may try the account's "
	  "credentials.",
	  "CREATE NETWORK POLICY <name> ALLOWED_IP_LIST = ('<cidr>'); ALTER ACCOUNT SET NETWORK_POLICY = <name>;",
	  "SELECT 'account', jsonb_build_object('account_network_policy', NULL), NULL"
	  " WHERE NOT EXISTS (SELECT 1 FROM sec_policy_references r WHERE r.connector = $1"
	  " AND r.policy_kind = 'NETWORK_POLICY' AND r.ref_entity_domain = 'ACCOUNT')"
	  " AND NOT EXISTS (SELECT 1 FROM sec_parameters p WHERE p.connector = $1"
	  " AND p.key = 'NETWORK_POLICY' AND coalesce(p.value, '') <> '')" },

	{ "network-policy-open", "Network policy allows 0.0.0.0/0", FG_SEV_HIGH, NULL, "network",
	  FG_SRC_NETWORK_POLICIES | FG_SRC_POLICY_REFERENCES,
	  "A policy that allows every address filters nothing while appearing to.",
	  "ALTER NETWORK POLICY <name> SET ALLOWED_IP_LIST = ('<cidr>', ...);",
	  "SELECT n.name, jsonb_build_object('allowed_ip_list', n.allowed_ip_list, 'attached_to',"
	  " (SELECT coalesce(jsonb_agg(r.ref_entity_domain || ' ' || r.ref_entity_name), '[]') FROM sec_policy_references r"
	  " WHERE r.connector = $1 AND r.policy_kind = 'NETWORK_POLICY' AND r.policy_name = n.name)), NULL"
	  " FROM sec_network_policies n WHERE n.connector = $1 AND EXISTS (SELECT 1 FROM"
	  " unnest(string_to_array(regexp_replace(coalesce(n.allowed_ip_list, ''), '[\\s''\"()\\[\\]]', '', 'g'), ',')) ip"
	  " WHERE ip IN ('0.0.0.0/0', '0.0.0.0', '::/0'))" },

	{ "service-user-no-network-policy", "Service user without a network policy", FG_SEV_MEDIUM, "3.2",
	  "network", ID | FG_SRC_POLICY_REFERENCES,
	  "Service credentials are used from known hosts; a user-level policy makes a stolen key useless "
	  "elsewhere.",
	  "ALTER USER <user> SET NETWORK_POLICY = <policy>;",
	  "SELECT u.name, jsonb_build_object('type', u.type), NULL"
	  " FROM sec_users u WHERE u.connector = $1 AND " ACTIVE("u") " AND " IS_SERVICE("u")
	  " AND NOT EXISTS (SELECT 1 FROM sec_policy_references r WHERE r.connector = $1"
	  " AND r.policy_kind = 'NETWORK_POLICY' AND r.ref_entity_domain = 'USER' AND r.ref_entity_name = u.name)" },

	{ "data-protection-params", "Data-protection account parameter not set", FG_SEV_MEDIUM, "4.4-4.8",
	  "data-protection", FG_SRC_PARAMETERS,
	  "PREVENT_UNLOAD_TO_INLINE_URL and REQUIRE_STORAGE_INTEGRATION_FOR_STAGE_CREATION/_OPERATION "
	  "block unloads to arbitrary URLs; MIN_DATA_RETENTION_TIME_IN_DAYS >= 7 keeps Time Travel for "
	  "recovery; PERIODIC_DATA_REKEYING re-encrypts data older than a year with fresh keys.",
	  "ALTER ACCOUNT SET <parameter> = <expected>;",
	  "SELECT p.key, jsonb_build_object('value', p.value, 'level', p.level, 'expected',"
	  " CASE WHEN p.key = 'MIN_DATA_RETENTION_TIME_IN_DAYS' THEN '>= 7' ELSE 'true' END), NULL"
	  " FROM sec_parameters p WHERE p.connector = $1 AND CASE"
	  " WHEN p.key IN ('PREVENT_UNLOAD_TO_INLINE_URL', 'REQUIRE_STORAGE_INTEGRATION_FOR_STAGE_CREATION',"
	  " 'REQUIRE_STORAGE_INTEGRATION_FOR_STAGE_OPERATION', 'PERIODIC_DATA_REKEYING')"
	  " THEN lower(coalesce(p.value, '')) <> 'true'"
	  " WHEN p.key = 'MIN_DATA_RETENTION_TIME_IN_DAYS' THEN"
	  " CASE WHEN p.value ~ '^\\s*[0-9]{1,9}\\s*$' THEN trim(p.value)::int < 7 ELSE true END"
	  " ELSE false END" },
};

const size_t fg_sec_posture_rule_count = sizeof(fg_sec_posture_rules) / sizeof(fg_sec_posture_rules[0]);

size_t fg_sec_rule_count(void)
{
	return fg_sec_posture_rule_count + fg_sec_threat_rule_count;
}

const struct fg_sec_rule *fg_sec_rule_at(size_t i)
{
	if (i < fg_sec_posture_rule_count)
		return &fg_sec_posture_rules[i];
	i -= fg_sec_posture_rule_count;
	return i < fg_sec_threat_rule_count ? &fg_sec_threat_rules[i] : NULL;
}

const struct fg_sec_rule *fg_sec_rule_find(const char *id)
{
	for (size_t i = 0; id != NULL && i < fg_sec_rule_count(); i++)
		if (strcmp(fg_sec_rule_at(i)->id, id) == 0)
			return fg_sec_rule_at(i);
	return NULL;
}
