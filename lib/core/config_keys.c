/*
 * config_keys.c - every section and key flakeguard accepts.
 *
 * The loader rejects anything not listed here, so a typo in a key is an
 * error at load time rather than a silently ignored setting.  Defaults and
 * meaning are documented in flakeguard.conf(5).
 */
#include "config.h"
#include "jobs.h"

#include <stddef.h>

const struct fg_conf_section_type fg_conf_section_types[] = {
	{ "database", false },   { "connector", true }, { "budget", true },   { "channel", true },
	{ "email", false },      { "notify", false },   { "secscan", false }, { "retention", false },
	{ "monitoring", false }, { "status", false },   { "silence", true },  { "anomaly", false },
	{ NULL, false },
};

#define S FG_KEY_SECRET
#define R FG_KEY_REPEAT
#define PC (FG_KEY_SECRET_IF_PASSWORD | FG_KEY_CONNINFO)
#define PO (FG_KEY_SECRET_IF_PASSWORD | FG_KEY_ODBC)
#define PU (FG_KEY_SECRET_IF_PASSWORD | FG_KEY_URL)

const struct fg_conf_key fg_conf_keys[] = {
	{ "database", "conninfo", PC },
	{ "database", "lock_timeout", 0 },
	{ "database", "statement_timeout", 0 },

	{ "connector", "odbc", PO },
	{ "connector", "enabled", 0 },
	{ "connector", "credit_price", 0 },
	{ "connector", "storage_price_tb_month", 0 },
	{ "connector", "transfer_price_tb", 0 },
	{ "connector", "currency", 0 },
	{ "connector", "lookback_days", 0 },
	{ "connector", "backfill_days", 0 },
	{ "connector", "use_org_rates", 0 },
	{ "connector", "query_timeout", 0 },
	{ "connector", "connect_timeout", 0 },
	{ "connector", "login_days", 0 },
	{ "connector", "service_users", 0 },
	{ "connector", "fetch_rows", 0 },
	{ "connector", "max_data_age", 0 },
	/* [anomaly] overrides: anomaly_KEY (lib/budgets/anomaly_config.c) */
	{ "connector", "anomaly_enabled", 0 },
	{ "connector", "anomaly_dimensions", 0 },
	{ "connector", "anomaly_sensitivity", 0 },
	{ "connector", "anomaly_lookback_weeks", 0 },
	{ "connector", "anomaly_min_history_days", 0 },
	{ "connector", "anomaly_min_daily_cost", 0 },
	{ "connector", "anomaly_min_change_percent", 0 },
	{ "connector", "anomaly_min_change_amount", 0 },
	{ "connector", "anomaly_dips", 0 },
	{ "connector", "anomaly_notify", 0 },
	{ "connector", "attribution_top_queries", 0 },

	{ "budget", "connector", 0 },
	{ "budget", "amount", 0 },
	{ "budget", "period", 0 },
	{ "budget", "scope", 0 },
	{ "budget", "thresholds", 0 },
	{ "budget", "forecast", 0 },
	{ "budget", "notify", 0 },
	{ "budget", "severity", 0 },
	{ "budget", "enabled", 0 },

	{ "channel", "type", 0 },
	{ "channel", "url", S },
	{ "channel", "secret", S },
	{ "channel", "header", S | R },
	{ "channel", "routing_key", S },
	{ "channel", "to", 0 },
	{ "channel", "min_severity", 0 },
	{ "channel", "tls_verify", 0 },
	{ "channel", "ca_file", 0 },
	{ "channel", "timeout", 0 },
	{ "channel", "connect_timeout", 0 },
	{ "channel", "rate_per_minute", 0 },
	{ "channel", "fallback", 0 },
	{ "channel", "notify_resolved", 0 },
	{ "channel", "group", 0 },
	{ "channel", "repeat", 0 },

	{ "email", "provider", 0 },
	{ "email", "from", 0 },
	{ "email", "reply_to", 0 },
	{ "email", "smtp_url", PU },
	{ "email", "smtp_user", 0 },
	{ "email", "smtp_password", S },
	{ "email", "smtp_tls", 0 },
	{ "email", "sendgrid_api_key", S },
	{ "email", "sendgrid_url", PU },
	{ "email", "ses_region", 0 },
	{ "email", "ses_access_key_id", 0 },
	{ "email", "ses_secret_access_key", S },
	{ "email", "ses_session_token", S },
	{ "email", "ses_endpoint", PU },
	{ "email", "daily_quota", 0 },
	{ "email", "quota_alert_channel", 0 },
	{ "email", "digest", 0 },
	{ "email", "tls_verify", 0 },
	{ "email", "ca_file", 0 },
	{ "email", "timeout", 0 },

	{ "notify", "concurrency", 0 },
	{ "notify", "max_attempts", 0 },
	{ "notify", "lease", 0 },
	{ "notify", "timeout", 0 },
	{ "notify", "connect_timeout", 0 },
	{ "notify", "backoff_base", 0 },
	{ "notify", "backoff_max", 0 },

	{ "silence", "source", 0 },
	{ "silence", "rule", 0 },
	{ "silence", "subject", 0 },
	{ "silence", "budget", 0 },
	{ "silence", "channel", 0 },
	{ "silence", "reason", 0 },
	{ "silence", "until", 0 },

	{ "anomaly", "enabled", 0 },
	{ "anomaly", "dimensions", 0 },
	{ "anomaly", "sensitivity", 0 },
	{ "anomaly", "lookback_weeks", 0 },
	{ "anomaly", "min_history_days", 0 },
	{ "anomaly", "min_daily_cost", 0 },
	{ "anomaly", "min_change_percent", 0 },
	{ "anomaly", "min_change_amount", 0 },
	{ "anomaly", "dips", 0 },
	{ "anomaly", "notify", 0 },
	{ "anomaly", "severity", 0 },

	{ "secscan", "notify", 0 },
	{ "secscan", "min_severity", 0 },
	{ "secscan", "stale_days", 0 },
	{ "secscan", "failed_login_burst", 0 },
	{ "secscan", "max_admins", 0 },
	{ "secscan", "ignore", R },
	{ "secscan", "login_days", 0 },
	{ "secscan", "service_users", 0 },
	{ "secscan", "ioc_ip_file", 0 },
	{ "secscan", "ioc_client_apps", 0 },
	{ "secscan", "key_max_age_days", 0 },
	{ "secscan", "threat_days", 0 },
	{ "secscan", "password_max_age_days", 0 },
	{ "secscan", "admin_password_max_age_days", 0 },

	{ "retention", "attempts_days", 0 },
	{ "retention", "notifications_days", 0 },
	{ "retention", "job_runs_days", 0 },
	{ "retention", "findings_days", 0 },
	{ "retention", "batch_size", 0 },

	{ "monitoring", "metrics_dir", 0 },
	{ "monitoring", "ping_url", S },
	{ "monitoring", "ping_timeout", 0 },

/* [status] JOB = expected interval, one key per job */
#define STATUS_KEY(name, lock_id, exclusive, interval) { "status", name, 0 },
	FG_JOB_LIST(STATUS_KEY)
#undef STATUS_KEY

		{ NULL, NULL, 0 },
};
