/*
 * secscan_rules.h - the queries of the rule catalogue files.
 *
 * A rule's query is sql/secscan/rules/<id>.sql.  It sees :connector
 * (text), :now (timestamptz) and :settings (jsonb), the settings object
 * secscan_eval.c builds:
 *   stale_days, burst, max_admins, login_days, threat_days,
 *   key_max_age_days, password_max_age_days, admin_password_max_age_days
 *   (numbers), since (timestamp: start of "since the last scan"),
 *   service_users, ioc_apps, ioc_ips (arrays of strings);
 * and returns (subject text, evidence jsonb, severity text or NULL).
 * secscan_eval.c runs it under the INSERT that keeps its results.
 *
 * The queries share a few idioms, spelled out in each:
 *   (((:settings::jsonb)->>'k')::int)                 a number setting
 *   ((((:settings::jsonb)->>'k')::int) * interval '1 day')   days of it
 *   ARRAY(SELECT upper(x) FROM jsonb_array_elements_text(
 *     (:settings::jsonb)->'k') x)                     a list setting
 *   NOT coalesce(u.disabled, false)                   an active user
 *   (upper(coalesce(u.type, '')) IN ('SERVICE', 'LEGACY_SERVICE') OR
 *     upper(u.name) = ANY (<service_users>))          a service user
 *   sec_admin_holders(:connector)                     ACCOUNTADMIN and
 *     SECURITYADMIN holders, direct or inherited, with the role chain
 *   to_char((ts) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
 *                                                     a time in evidence
 */
#ifndef FG_SECSCAN_RULES_H
#define FG_SECSCAN_RULES_H

#include "fg_sql_secscan.h"

/* The query fields of a rule: its statement, and its text for libpq. */
#define SQL(name) &fg_sql_secscan_rules_##name, fg_sql_secscan_rules_##name##_pq

#endif
