/*
 * secscan_catalog.c - posture rules: identity (CIS Snowflake Foundations
 * Benchmark section 1), network (section 3) and data protection (section
 * 4), and the lookup over the whole catalogue.
 *
 * Each rule is data: metadata for --list-rules, secscan(1) and the
 * notification text, and one SQL query evaluated by PostgreSQL over the
 * sec_* copies, sql/secscan/rules/<id>.sql (see secscan_rules.h for its
 * parameters and result).  Ids
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
	{ "user-password-no-mfa", "Person with a password and no MFA", FG_SEV_HIGH, "1.4", "identity",
	  ID | GR,
	  "A password alone is what credential-stuffing campaigns replay; Snowflake requires MFA for "
	  "password sign-ins of people.",
	  "ALTER USER <user> SET DISABLE_MFA = FALSE; -- and have the user enroll, or: ALTER USER <user> UNSET PASSWORD;",
	  SQL(user_password_no_mfa) },

	{ "admin-no-mfa", "Administrator with a password and no MFA", FG_SEV_CRITICAL, "1.4", "identity",
	  ID | GR,
	  "An ACCOUNTADMIN or SECURITYADMIN holder signing in with a password alone can be taken over "
	  "with one leaked password.",
	  "ALTER USER <user> UNSET PASSWORD; -- or enroll the user in MFA before the next sign-in",
	  SQL(admin_no_mfa) },

	{ "sso-user-has-password", "SSO user still has a password", FG_SEV_MEDIUM, "1.3", "identity",
	  ID | FG_SRC_LOGIN_HISTORY,
	  "A person who signs in through the identity provider keeps a password that bypasses it.",
	  "ALTER USER <user> UNSET PASSWORD;", SQL(sso_user_has_password) },

	{ "stale-user", "User not signed in for stale_days", FG_SEV_MEDIUM, "1.8", "identity", ID,
	  "Dormant accounts keep their privileges and their passwords, and nobody notices their use.",
	  "ALTER USER <user> SET DISABLED = TRUE;", SQL(stale_user) },

	{ "service-user-password", "Service user authenticates by password", FG_SEV_HIGH, "1.6", "identity",
	  ID | FG_SRC_LOGIN_HISTORY,
	  "Programs should authenticate with a key pair; a service password is long-lived, shared and "
	  "cannot use MFA.",
	  "ALTER USER <user> SET RSA_PUBLIC_KEY = '<key>'; ALTER USER <user> UNSET PASSWORD;",
	  SQL(service_user_password) },

	{ "legacy-service-user", "LEGACY_SERVICE user", FG_SEV_HIGH, NULL, "identity", ID,
	  "LEGACY_SERVICE users keep single-factor passwords, which Snowflake is phasing out.",
	  "ALTER USER <user> SET RSA_PUBLIC_KEY = '<key>'; ALTER USER <user> SET TYPE = SERVICE;",
	  SQL(legacy_service_user) },

	{ "mfa-bypass-active", "MFA bypass in effect", FG_SEV_MEDIUM, NULL, "identity", ID,
	  "A user allowed to skip MFA until a future time signs in with a password alone meanwhile.",
	  "ALTER USER <user> SET MINS_TO_BYPASS_MFA = 0;", SQL(mfa_bypass_active) },

	{ "key-not-rotated", "RSA key older than key_max_age_days", FG_SEV_LOW, "1.7", "identity",
	  ID | FG_SRC_QUERY_HISTORY,
	  "Key pairs that never rotate outlive the people and hosts that held them.  Judged from the last "
	  "ALTER/CREATE USER ... RSA_PUBLIC_KEY statement in QUERY_HISTORY; users with no such statement "
	  "on record are not judged.",
	  "ALTER USER <user> SET RSA_PUBLIC_KEY_2 = '<new key>'; -- then UNSET RSA_PUBLIC_KEY",
	  SQL(key_not_rotated) },

	{ "password-old", "Password older than password_max_age_days", FG_SEV_LOW, NULL, "identity", ID | GR,
	  "A password that never changes has had the longest time to leak.  Users whose "
	  "password_last_set_time is unknown are not judged; administrators (ACCOUNTADMIN or "
	  "SECURITYADMIN, direct or inherited) get admin_password_max_age_days.",
	  "ALTER USER <user> SET MUST_CHANGE_PASSWORD = TRUE; -- or UNSET PASSWORD for key-pair or SSO users",
	  SQL(password_old) },

	{ "admin-idle-timeout", "Administrator without a session idle timeout <= 15 min", FG_SEV_MEDIUM,
	  "1.9", "identity", ID | GR | FG_SRC_POLICY_REFERENCES | FG_SRC_SESSION_POLICIES,
	  "An unattended ACCOUNTADMIN or SECURITYADMIN session is a standing admin credential.  The "
	  "session policy in effect is the user's own, else the account's (POLICY_REFERENCES); its "
	  "SESSION_IDLE_TIMEOUT_MINS must be at most 15.",
	  "CREATE SESSION POLICY <db.schema.name> SESSION_IDLE_TIMEOUT_MINS = 15 SESSION_UI_IDLE_TIMEOUT_MINS = 15;"
	  " ALTER USER <user> SET SESSION POLICY <db.schema.name>;",
	  SQL(admin_idle_timeout) },

	{ "admin-count", "Too many (or too few) administrators", FG_SEV_HIGH, "1.10", "identity", ID | GR,
	  "Every ACCOUNTADMIN or SECURITYADMIN holder, direct or through the role hierarchy, can take the "
	  "account; keep at least two and at most max_admins.",
	  "REVOKE ROLE ACCOUNTADMIN FROM USER <user>; -- or from the role that carries it",
	  SQL(admin_count) },

	{ "admin-no-email", "ACCOUNTADMIN holder without an email", FG_SEV_LOW, "1.11", "identity", ID | GR,
	  "Snowflake sends security notices (and MFA recovery) to the email of ACCOUNTADMIN users.",
	  "ALTER USER <user> SET EMAIL = '<address>';", SQL(admin_no_email) },

	{ "admin-default-role", "Default role is ACCOUNTADMIN or SECURITYADMIN", FG_SEV_MEDIUM, "1.12",
	  "identity", ID,
	  "Every session of such a user starts with full administrative power, even for routine work.",
	  "ALTER USER <user> SET DEFAULT_ROLE = <least privileged role>;", SQL(admin_default_role) },

	{ "admin-role-nested", "ACCOUNTADMIN or SECURITYADMIN granted to a custom role", FG_SEV_HIGH, "1.13",
	  "identity", FG_SRC_GRANTS_TO_ROLES,
	  "Nesting an admin role into a custom role hands it to everyone who holds that role, out of "
	  "sight of reviews of the admin roles.",
	  "REVOKE ROLE ACCOUNTADMIN FROM ROLE <role>;", SQL(admin_role_nested) },

	{ "admin-owned-task-proc", "Task or procedure owned by an admin role", FG_SEV_MEDIUM, "1.14-1.17",
	  "identity", FG_SRC_GRANTS_TO_ROLES,
	  "Tasks run as their owner and owner's-rights procedures run with its privileges: owned by "
	  "ACCOUNTADMIN or SECURITYADMIN they are a standing admin session.",
	  "GRANT OWNERSHIP ON TASK <db.schema.task> TO ROLE <service role> COPY CURRENT GRANTS;",
	  SQL(admin_owned_task_proc) },

	{ "grant-to-public", "Privilege granted to PUBLIC", FG_SEV_MEDIUM, NULL, "identity",
	  FG_SRC_GRANTS_TO_ROLES,
	  "Every user holds PUBLIC: a privilege granted to it is granted to the whole account, including "
	  "service users and anyone who steals a credential.",
	  "REVOKE <privilege> ON <object type> <object> FROM ROLE PUBLIC;", SQL(grant_to_public) },

	{ "password-policy-weak", "No account password policy with length >= 14", FG_SEV_MEDIUM, "1.5",
	  "identity", FG_SRC_POLICY_REFERENCES | FG_SRC_PASSWORD_POLICIES,
	  "CIS asks for an account-level password policy with at least 14 characters.",
	  "CREATE PASSWORD POLICY <db.schema.name> PASSWORD_MIN_LENGTH = 14; ALTER ACCOUNT SET PASSWORD POLICY <db.schema.name>;",
	  SQL(password_policy_weak) },

	{ "no-account-network-policy", "No account-level network policy", FG_SEV_HIGH, "3.1", "network",
	  FG_SRC_POLICY_REFERENCES,
	  "Without an account network policy any address on the internet may try the account's "
	  "credentials.",
	  "CREATE NETWORK POLICY <name> ALLOWED_IP_LIST = ('<cidr>'); ALTER ACCOUNT SET NETWORK_POLICY = <name>;",
	  SQL(no_account_network_policy) },

	{ "network-policy-open", "Network policy allows 0.0.0.0/0", FG_SEV_HIGH, NULL, "network",
	  FG_SRC_NETWORK_POLICIES | FG_SRC_POLICY_REFERENCES,
	  "A policy that allows every address filters nothing while appearing to.",
	  "ALTER NETWORK POLICY <name> SET ALLOWED_IP_LIST = ('<cidr>', ...);", SQL(network_policy_open) },

	{ "service-user-no-network-policy", "Service user without a network policy", FG_SEV_MEDIUM, "3.2",
	  "network", ID | FG_SRC_POLICY_REFERENCES,
	  "Service credentials are used from known hosts; a user-level policy makes a stolen key useless "
	  "elsewhere.",
	  "ALTER USER <user> SET NETWORK_POLICY = <policy>;", SQL(service_user_no_network_policy) },

	{ "data-protection-params", "Data-protection account parameter not set", FG_SEV_MEDIUM, "4.4-4.8",
	  "data-protection", FG_SRC_PARAMETERS,
	  "PREVENT_UNLOAD_TO_INLINE_URL and REQUIRE_STORAGE_INTEGRATION_FOR_STAGE_CREATION/_OPERATION "
	  "block unloads to arbitrary URLs; MIN_DATA_RETENTION_TIME_IN_DAYS >= 7 keeps Time Travel for "
	  "recovery; PERIODIC_DATA_REKEYING re-encrypts data older than a year with fresh keys.",
	  "ALTER ACCOUNT SET <parameter> = <expected>;", SQL(data_protection_params) },
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
