/*
 * secscan.h - Snowflake security posture and threat rules (secscan(1)).
 *
 * Three parts:
 *   secscan_catalog.c, secscan_threats.c: the rule catalogue (id, title,
 *       severity, CIS reference, sources, rationale, remediation, and the
 *       evaluation as one set-based SQL query over the PostgreSQL copies);
 *   secscan_collect.c: reads ACCOUNT_USAGE through ODBC into those copies;
 *   secscan_eval.c: runs the rules and keeps the findings lifecycle and the
 *       outbox in step, in the connector's transaction;
 *   secscan_util.c: pure helpers (severities, suppressions, IoC list, COPY
 *       text escaping), unit tested.
 */
#ifndef FG_SECSCAN_H
#define FG_SECSCAN_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

#include "severity.h"
#include <time.h>

#include "tool.h"

/* Data sources a rule can need (bit set). */
enum fg_sec_source {
	FG_SRC_USERS = 1 << 0,
	FG_SRC_LOGIN_HISTORY = 1 << 1,
	FG_SRC_GRANTS_TO_USERS = 1 << 2,
	FG_SRC_GRANTS_TO_ROLES = 1 << 3,
	FG_SRC_ROLES = 1 << 4,
	FG_SRC_SESSIONS = 1 << 5,
	FG_SRC_NETWORK_POLICIES = 1 << 6,
	FG_SRC_POLICY_REFERENCES = 1 << 7,
	FG_SRC_PASSWORD_POLICIES = 1 << 8,
	FG_SRC_QUERY_HISTORY = 1 << 9,
	FG_SRC_PARAMETERS = 1 << 10,
	FG_SRC_IOC_LIST = 1 << 11,
	FG_SRC_CLIENT_APPS = 1 << 12, /* SESSIONS grouped by client application */
	FG_SRC_SESSION_POLICIES = 1 << 13,
};
#define FG_SRC_COUNT 14

/* rare-client-app: baseline kept, and the history it needs at least. */
#define FG_SEC_APP_BASELINE_DAYS 90
#define FG_SEC_APP_MIN_HISTORY_DAYS 30

/* Name of one source bit ("LOGIN_HISTORY", "PARAMETERS", ...), static. */
const char *fg_sec_source_name(int bit);

struct fg_sql;

/*
 * One rule.  query returns rows (subject text, evidence jsonb, severity
 * text or NULL for the rule's own) with parameters :connector, :now
 * (timestamptz) and :settings (jsonb, see secscan_rules.h).
 */
struct fg_sec_rule {
	const char *id;    /* stable kebab-case */
	const char *title; /* one line */
	enum fg_severity severity;
	const char *cis;      /* "1.4", or NULL */
	const char *category; /* identity, network, data-protection, threat */
	int sources;          /* FG_SRC_* bits */
	const char *rationale;
	const char *remediation;    /* SQL or steps, placeholders in <> */
	const struct fg_sql *query; /* sql/secscan/rules/<id>.sql */
	const char *sql;            /* its text as PostgreSQL receives it */
};

/* Number of rules; fg_sec_rule_at(i) for i < that. */
size_t fg_sec_rule_count(void);
const struct fg_sec_rule *fg_sec_rule_at(size_t i);
/* Rule by id, or NULL. */
const struct fg_sec_rule *fg_sec_rule_find(const char *id);

/* The two halves of the catalogue (secscan_catalog.c, secscan_threats.c). */
extern const struct fg_sec_rule fg_sec_posture_rules[];
extern const size_t fg_sec_posture_rule_count;
extern const struct fg_sec_rule fg_sec_threat_rules[];
extern const size_t fg_sec_threat_rule_count;

/* A suppression from [secscan] ignore. */
struct fg_sec_ignore {
	char *rule;
	char *subject;
	char *reason;
};

/*
 * Parse one ignore value "RULE:SUBJECT (reason), RULE:SUBJECT (reason)"
 * and append to *list (realloc'd, *n grows).  A missing reason, an empty
 * subject or an unknown rule fails: *err is set to a static message and
 * *bad to the offending entry (malloc'd, caller frees).  Returns 0 or -1.
 */
int fg_sec_ignore_parse(const char *value, struct fg_sec_ignore **list, size_t *n, const char **err,
			char **bad);
void fg_sec_ignore_free(struct fg_sec_ignore *list, size_t n);

/*
 * Check one line of an IoC address file: returns 1 and writes the trimmed
 * address into out when the line holds one, 0 for a blank or '#' comment
 * line, -1 when the line is not an IPv4/IPv6 address (or CIDR).
 */
int fg_sec_ioc_line(const char *line, char *out, size_t outlen);

struct fg_odbc_stmt;
/*
 * Run copy_sql ("COPY table (connector, ...) FROM STDIN") and stream every
 * row of st into it, the connector first, then ncols columns (cols maps
 * them to result columns; NULL: the first ncols in order).  *rows counts
 * rows sent.  Returns 0, or < 0 after logging (the COPY is aborted).
 */
int fg_sec_copy_rows(PGconn *db, const char *copy_sql, const char *connector, struct fg_odbc_stmt *st,
		     const int *cols, int ncols, long *rows);

/* Options from the command line. */
struct fg_secscan_opts {
	const char **rules; /* --rule ids (NULL: all) */
	size_t nrules;
	const char *connector; /* --connector, or NULL */
	bool fail_on_set;
	enum fg_severity fail_on;
};

/* Settings from [secscan] (and per-connector overrides), see fg_secscan_settings(). */
struct fg_sec_settings {
	char **notify;
	int nnotify;
	enum fg_severity min_severity;
	long stale_days, burst, max_admins, login_days, threat_days, key_max_age_days;
	long password_max_age_days, admin_password_max_age_days;
	char **service_users;
	int nservice_users;
	char **ioc_apps;
	int nioc_apps;
	json_t *ioc_ips;  /* array of strings, NULL when the list is unavailable */
	char *ioc_reason; /* why ioc_ips is NULL */
	char *ioc_file;   /* the IoC file read (or the default not found) */
	struct fg_sec_ignore *ignore;
	size_t nignore;
};

/* Read [secscan]; returns 0 or FG_ERR_CONFIG after logging. */
int fg_secscan_settings(const struct fg_config *cfg, struct fg_sec_settings *s);
void fg_secscan_settings_release(struct fg_sec_settings *s);

/* Per connector source status after collection. */
struct fg_sec_sources {
	int available;              /* FG_SRC_* bits read successfully */
	int young;                  /* of the unavailable bits: read, but too little history yet */
	char *reason[FG_SRC_COUNT]; /* why a source is unavailable (malloc'd) */
};
void fg_sec_sources_release(struct fg_sec_sources *src);

/*
 * Read every source the selected rules need for one connector through
 * ODBC into the sec_* tables, inside the caller's open transaction on db.
 * A missing or forbidden view marks the source unavailable (reason set,
 * warning logged) and is not an error.  Returns 0, or < 0 when the
 * connector cannot be read at all (connection failure) or PostgreSQL
 * fails.
 */
int fg_secscan_collect(PGconn *db, const char *connector, const char *odbc, int connect_timeout,
		       int query_timeout, const struct fg_sec_settings *s, int needed, time_t now,
		       struct fg_sec_sources *src);

/*
 * Evaluate the selected rules for one connector over the copies, update
 * findings, enqueue notifications (unless dry_run, when the caller rolls
 * back anyway), and append to out (the --json document: "findings",
 * "not_evaluated", "counts").  *fail is set when an open, unsuppressed
 * finding is at or above opts->fail_on.  Returns 0 or < 0.
 */
int fg_secscan_evaluate(PGconn *db, const char *connector, const struct fg_sec_settings *s,
			const struct fg_secscan_opts *opts, const struct fg_sec_sources *src, time_t now,
			json_t *out, bool *fail);

/* Whole run: every enabled connector (or opts->connector). Returns an exit status. */
int fg_secscan_run(struct fg_tool *t, const struct fg_secscan_opts *opts);

/* Print the catalogue (text table, or JSON array with --json). */
void fg_secscan_list_rules(bool json);

#endif
