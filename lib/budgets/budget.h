/*
 * budget.h - budgets from the config file, their periods, and their
 * evaluation against the daily cost facts that costsync writes.
 *
 * A budget set is loaded from the [budget NAME] sections of a config
 * (fg_budget_load), checked as a whole (every error reported as FILE:LINE,
 * then FG_ERR_CONFIG), and owned by the caller until fg_budget_set_free().
 * Strings inside a budget are borrowed from the config unless noted, so
 * the config must outlive the set.
 *
 * Evaluation is set-based: fg_budget_run() issues a fixed number of SQL
 * statements whatever the number of budgets (see budget_eval.c).
 */
#ifndef FG_BUDGET_H
#define FG_BUDGET_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>

#include "config.h"

#define FG_BUDGET_MAX_THRESHOLDS 32
#define FG_BUDGET_MAX_SEVERITIES 16

/* UTC calendar periods. */
enum fg_period {
	FG_PERIOD_DAILY,
	FG_PERIOD_WEEKLY, /* ISO weeks: Monday to Sunday */
	FG_PERIOD_MONTHLY,
	FG_PERIOD_QUARTERLY,
	FG_PERIOD_YEARLY,
	FG_PERIOD_COUNT
};

/* Parse a period name; returns 0 or -1. */
int fg_period_parse(const char *s, enum fg_period *out);
/* The period's name ("monthly"). */
const char *fg_period_name(enum fg_period p);
/* First and last day (inclusive, day numbers) of the period holding day. */
void fg_period_bounds(enum fg_period p, long day, long *start, long *end);

/* One step of a severity mapping: thresholds >= from get severity. */
struct fg_budget_sev {
	int from;
	const char *severity; /* static string: info, low, medium, high, critical */
};

/* The attribution dimension a scope is on (user:, role:, query_tag:). */
enum fg_attr_dim {
	FG_ATTR_NONE,
	FG_ATTR_USER,
	FG_ATTR_ROLE,
	FG_ATTR_TAG,
};

struct fg_budget {
	const char *name;
	const char *connector;
	const char *amount;   /* exact decimal text, > 0 */
	const char *currency; /* the connector's currency */
	int max_data_age;     /* the connector's: days its data may lag, 0: no limit */
	enum fg_period period;
	const char *scope; /* as written (default "account") */
	bool account;      /* scope covers every cost row of the connector */
	char **warehouses; /* owned, upper case, NULL-terminated (may be empty) */
	int nwarehouses;
	char **services; /* owned, upper case, NULL-terminated (may be empty) */
	int nservices;
	enum fg_attr_dim attr; /* an attribution scope: spend is attributed compute */
	char **attr_names;     /* owned, upper case, NULL-terminated; '*' matches any text */
	int nattr;
	char *attr_key;                           /* owned: the names joined by ',', the scope's unit */
	int thresholds[FG_BUDGET_MAX_THRESHOLDS]; /* ascending, 1..1000 */
	int nthresholds;
	bool forecast;
	char **notify; /* owned (fg_conf_list), NULL-terminated, may be NULL */
	int nnotify;
	struct fg_budget_sev sev[FG_BUDGET_MAX_SEVERITIES]; /* ascending from */
	int nsev;
	const char *forecast_severity; /* static string */
	bool enabled;
	bool selected; /* evaluated in this run (all, or --budget) */
};

struct fg_budget_set {
	struct fg_budget *v;
	int n;
};

/*
 * Load and check every [budget] section of cfg.  Returns 0 and fills *set
 * (possibly empty), or FG_ERR_CONFIG after logging each problem with its
 * FILE:LINE, or FG_ERR_INTERNAL on allocation failure.
 */
int fg_budget_load(const struct fg_config *cfg, struct fg_budget_set *set);
/* Release what fg_budget_load allocated; the set may be zeroed. */
void fg_budget_set_release(struct fg_budget_set *set);

/*
 * Select budgets by name (--budget, repeatable); names NULL-terminated, or
 * NULL to select every enabled budget.  An unknown name is logged and
 * returns FG_ERR_USAGE.  A disabled budget named explicitly is skipped
 * with a notice.
 */
int fg_budget_select(struct fg_budget_set *set, char *const *names);

/* Severity of an alert on threshold (percent) of kind actual or forecast. */
const char *fg_budget_severity(const struct fg_budget *b, int threshold, bool forecast);
/* How a severity is shown to people: "medium" reads "warning". */
const char *fg_severity_label(const char *severity);

/* Outcome of one run, for --fail-on and the counts of the job run. */
struct fg_budget_cand;
struct fg_budget_result {
	size_t count;       /* budgets evaluated: one status each */
	bool any_warn;      /* some budget at or past its lowest threshold */
	bool any_breach;    /* some budget's spend at or past 100 % */
	bool any_forecast;  /* some budget projected past 100 % (with 3 complete days) */
	bool any_stale;     /* some budget's connector has no cost data recent enough */
	long alerts;        /* alerts created (or that would be, on a dry run) */
	long notifications; /* outbox rows enqueued */
	long statements;    /* SQL statements issued */
	/* private to budget*.c: what the statuses are made of */
	PGresult *ev;                 /* the evaluation, one row per status */
	const struct fg_budget **sel; /* the budget of each row */
	struct fg_budget_cand *cands; /* alert candidates in row order; created = new */
	unsigned char *flags;         /* per row: FG_BUDGET_UNMATCHED, ... (budget_coverage.h) */
	int ncands;
	json_t *statuses; /* built on demand by fg_budget_statuses */
};

/* How fg_budget_run runs. */
enum {
	FG_BUDGET_DRY_RUN = 1 << 0,     /* write nothing */
	FG_BUDGET_ALLOW_EMPTY = 1 << 1, /* the file may deactivate every active budget */
};

/*
 * Mirror the set into PostgreSQL (unless FG_BUDGET_DRY_RUN), evaluate the
 * selected budgets as of day as_of, record new alerts and enqueue their
 * notifications in one transaction.  On a dry run nothing is written and
 * new_alerts lists the alerts a real run would create.  A file that names
 * none of the active budgets and would deactivate them all is refused
 * with FG_ERR_CONFIG unless how has FG_BUDGET_ALLOW_EMPTY.  Returns 0
 * and fills *res (release with fg_budget_result_release), or a negative
 * fg_err after logging (the transaction is rolled back).
 */
int fg_budget_run(PGconn *db, const struct fg_budget_set *set, long as_of, unsigned how,
		  struct fg_budget_result *res);
void fg_budget_result_release(struct fg_budget_result *res);

/*
 * Write the statuses as the --json document (an array in the shape of
 * budgetcheck(1) under --json, then a newline).  Returns 0 or FG_ERR_INTERNAL (no memory).
 */
int fg_budget_write_json(FILE *out, const struct fg_budget_result *res);
/*
 * The statuses as a jansson array in the --json shape, built on first use
 * and owned by res; NULL when out of memory.
 */
json_t *fg_budget_statuses(struct fg_budget_result *res);

/*
 * Print the aligned table of statuses (with a bar of percent used); the
 * statuses are those of fg_budget_run for the selected budgets of set.
 */
void fg_budget_print_table(FILE *out, const struct fg_budget_set *set, const json_t *statuses);

#endif
