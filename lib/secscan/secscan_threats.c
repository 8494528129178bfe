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
 * patterns, so a pattern of a rule must be a subset of what is extracted.
 * The queries are sql/secscan/rules/<id>.sql (see secscan_rules.h).
 */
#include "secscan.h"
#include "secscan_rules.h"

#define LH FG_SRC_LOGIN_HISTORY
#define QH FG_SRC_QUERY_HISTORY
#define GR_SOURCES (FG_SRC_USERS | FG_SRC_GRANTS_TO_USERS | FG_SRC_GRANTS_TO_ROLES)

const struct fg_sec_rule fg_sec_threat_rules[] = {
	{ "failed-login-burst-user", "Burst of failed sign-ins for one user", FG_SEV_MEDIUM, NULL, "threat",
	  LH,
	  "failed_login_burst or more failures for one user within an hour is password guessing or "
	  "credential stuffing.",
	  "ALTER USER <user> SET MINS_TO_UNLOCK = 0; -- after checking with the user; rotate the password",
	  SQL(failed_login_burst_user) },

	{ "failed-login-burst-ip", "Burst of failed sign-ins from one address", FG_SEV_HIGH, NULL, "threat",
	  LH,
	  "failed_login_burst or more failures, or failures against five or more users, from one "
	  "address within an hour is a stuffing or spraying source.",
	  "ALTER NETWORK POLICY <policy> SET BLOCKED_IP_LIST = ('<address>', ...);",
	  SQL(failed_login_burst_ip) },

	{ "login-after-failures", "Successful sign-in after a burst of failures", FG_SEV_HIGH, NULL, "threat",
	  LH,
	  "A success from the address that just failed failed_login_burst times for the same user "
	  "within 24 hours is what a working stolen credential looks like.",
	  "ALTER USER <user> SET DISABLED = TRUE; -- investigate the session, rotate credentials",
	  SQL(login_after_failures) },

	{ "ioc-ip-login", "Sign-in attempt from a published attack address", FG_SEV_CRITICAL, NULL, "threat",
	  LH | FG_SRC_IOC_LIST, "The address is on the published UNC5537 indicator list (ioc_ip_file).",
	  "ALTER USER <user> SET DISABLED = TRUE; -- rotate its credentials and review its queries",
	  SQL(ioc_ip_login) },

	{ "ioc-client-app", "Session from a client application used in attacks", FG_SEV_CRITICAL, NULL,
	  "threat", FG_SRC_SESSIONS,
	  "Client application names published as attack indicators (ioc_client_apps, e.g. rapeflake) "
	  "appear in the session's client application or environment.",
	  "ALTER USER <user> SET DISABLED = TRUE; -- and investigate the session", SQL(ioc_client_app) },

	{ "password-login-no-mfa", "Password sign-in without a second factor", FG_SEV_MEDIUM, "2.4", "threat",
	  LH | GR_SOURCES, "A successful PASSWORD sign-in with no second factor (high for administrators).",
	  "ALTER USER <user> UNSET PASSWORD; -- or enforce MFA with an authentication policy",
	  SQL(password_login_no_mfa) },

	{ "keypair-user-password-login", "Key-pair user signed in with a password", FG_SEV_HIGH, NULL,
	  "threat", LH | FG_SRC_USERS,
	  "A user set up with an RSA key signed in successfully with a PASSWORD first factor within "
	  "threat_days: the password is a second, weaker way in, and an unexpected one.",
	  "ALTER USER <user> UNSET PASSWORD; -- after checking who signed in",
	  SQL(keypair_user_password_login) },

	{ "sso-user-password-login", "Password sign-in by a user who signs in with SSO", FG_SEV_MEDIUM, "2.3",
	  "threat", LH,
	  "A successful PASSWORD sign-in within threat_days by a user who also signs in with "
	  "SAML2_ASSERTION (in the copied login window) went around the identity provider.",
	  "ALTER USER <user> UNSET PASSWORD;", SQL(sso_user_password_login) },

	{ "person-looks-like-service", "Person whose sign-ins all come from drivers", FG_SEV_LOW, NULL,
	  "identity", LH | FG_SRC_USERS,
	  "A person (TYPE PERSON or unset) with at least 5 successful sign-ins over 30 days, every one "
	  "from a driver (REPORTED_CLIENT_TYPE ending in _DRIVER, or C_API, SQL_API) and none from the "
	  "web interface, SnowSQL or another client, is probably a program running under a person's "
	  "name: it escapes the service-user rules and holds a person's MFA exemptions.",
	  "ALTER USER <user> SET TYPE = SERVICE; -- after moving it to key-pair authentication",
	  SQL(person_looks_like_service) },

	{ "rare-client-app", "Client application first seen in the last 10 days", FG_SEV_LOW, NULL, "threat",
	  FG_SRC_CLIENT_APPS | FG_SRC_SESSIONS,
	  "An application (SESSIONS.CLIENT_APPLICATION_ID without its version) that no session used in "
	  "the 90 days before the last 10.  Not evaluated while less than 30 days of sessions are on "
	  "record, since every application would look new.",
	  "-- ask the users listed which tool this is; block it with an authentication policy CLIENT_TYPES if unwanted",
	  SQL(rare_client_app) },

	{ "admin-role-granted", "New grant of an admin role", FG_SEV_HIGH, "2.1", "threat",
	  FG_SRC_GRANTS_TO_USERS | FG_SRC_GRANTS_TO_ROLES,
	  "ACCOUNTADMIN, SECURITYADMIN or ORGADMIN was granted since the last scan.",
	  "REVOKE ROLE <role> FROM USER <user>; -- unless the grant was approved", SQL(admin_role_granted) },

	{ "manage-grants-granted", "New MANAGE GRANTS privilege", FG_SEV_HIGH, "2.2", "threat",
	  FG_SRC_GRANTS_TO_ROLES,
	  "MANAGE GRANTS lets a role grant anything to anyone; it was granted since the last scan.",
	  "REVOKE MANAGE GRANTS ON ACCOUNT FROM ROLE <role>;", SQL(manage_grants_granted) },

	{ "network-policy-changed", "Network policy created, changed or unset", FG_SEV_HIGH, "2.6", "threat",
	  QH, "Changing who may connect is a classic step before or after a takeover.",
	  "-- review the statement; DESCRIBE NETWORK POLICY <name>; SHOW PARAMETERS LIKE 'NETWORK_POLICY' IN ACCOUNT;",
	  SQL(network_policy_changed) },

	{ "security-integration-changed", "Security integration created, changed or dropped", FG_SEV_HIGH,
	  "2.5", "threat", QH, "Security integrations (SSO, SCIM, OAuth) decide who is trusted to sign in.",
	  "-- review the statement; DESCRIBE SECURITY INTEGRATION <name>;",
	  SQL(security_integration_changed) },

	{ "scim-token-created", "SCIM access token generated", FG_SEV_MEDIUM, "2.7", "threat", QH,
	  "SYSTEM$GENERATE_SCIM_ACCESS_TOKEN issues a token that can create users and grant roles "
	  "through the SCIM API.",
	  "-- check the integration's owner expected it; ALTER SECURITY INTEGRATION <name> SET ENABLED = FALSE;",
	  SQL(scim_token_created) },

	{ "share-changed", "Share or reader account created or changed", FG_SEV_MEDIUM, "2.8", "threat", QH,
	  "CREATE SHARE, ALTER SHARE and CREATE MANAGED ACCOUNT decide which data leaves the account "
	  "and for whom.",
	  "-- review the statement; SHOW SHARES; DESCRIBE SHARE <name>; SHOW MANAGED ACCOUNTS;",
	  SQL(share_changed) },

	{ "copy-into-external-url", "COPY INTO an external URL without a storage integration", FG_SEV_HIGH,
	  "4.7", "threat", QH,
	  "Unloading straight to an s3://, gcs:// or azure:// URL with inline credentials sends data "
	  "wherever the statement says; a storage integration limits it to approved locations.",
	  "ALTER ACCOUNT SET PREVENT_UNLOAD_TO_INLINE_URL = TRUE; -- unload through a stage with a storage integration",
	  SQL(copy_into_external_url) },

	{ "exfil-chain", "Exfiltration pattern in one session", FG_SEV_CRITICAL, NULL, "threat", QH,
	  "A temporary stage created, data unloaded into it (COPY INTO @stage) and fetched (GET) or "
	  "preceded by SHOW TABLES, in one session: the UNC5537 theft sequence.",
	  "ALTER USER <user> SET DISABLED = TRUE; -- and investigate the session", SQL(exfil_chain) },
};

const size_t fg_sec_threat_rule_count = sizeof(fg_sec_threat_rules) / sizeof(fg_sec_threat_rules[0]);
