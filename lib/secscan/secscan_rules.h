/*
 * secscan_rules.h - SQL fragments shared by the rule catalogue files.
 *
 * Every rule query sees $1 connector (text), $2 now (timestamptz) and $3
 * the settings object (jsonb) built by secscan_eval.c:
 *   stale_days, burst, max_admins, login_days, threat_days,
 *   key_max_age_days, password_max_age_days, admin_password_max_age_days
 *   (numbers), since (timestamp: start of "since the last
 *   scan"), service_users, ioc_apps, ioc_ips (arrays of strings).
 * A query returns (subject text, evidence jsonb, severity text or NULL).
 */
#ifndef FG_SECSCAN_RULES_H
#define FG_SECSCAN_RULES_H

#define NOW "$2::timestamptz"
#define SET_INT(k) "((($3::jsonb)->>'" k "')::int)"
#define SET_DAYS(k) "(" SET_INT(k) " * interval '1 day')"
#define SET_LIST(k) "ARRAY(SELECT upper(x) FROM jsonb_array_elements_text(($3::jsonb)->'" k "') x)"
#define ACTIVE(u) "NOT coalesce(" u ".disabled, false)"
#define IS_SERVICE(u)                                                                              \
	"(upper(coalesce(" u ".type, '')) IN ('SERVICE', 'LEGACY_SERVICE') OR upper(" u           \
	".name) = ANY (" SET_LIST("service_users") "))"
#define IS_PERSON(u) "(NOT " IS_SERVICE(u) ")"
#define ADMIN_ROLES "('ACCOUNTADMIN', 'SECURITYADMIN')"
#define SYSTEM_ROLES                                                                               \
	"('ACCOUNTADMIN', 'SECURITYADMIN', 'USERADMIN', 'SYSADMIN', 'ORGADMIN', 'GLOBALORGADMIN', "  \
	"'PUBLIC')"
/* Users holding an admin role, with the roles and the shortest chain. */
#define ADMINS                                                                                     \
	"(SELECT user_name, jsonb_agg(DISTINCT admin_role) AS admin_roles,"                        \
	" jsonb_agg(jsonb_build_object('role', admin_role, 'via', via)) AS chains"                 \
	" FROM sec_admin_holders($1) GROUP BY user_name)"
#define TS(x) "to_char((" x ") AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

#endif
