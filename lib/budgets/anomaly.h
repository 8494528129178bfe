/*
 * anomaly.h - cost anomalies: daily series judged against a weekday-aware
 * robust baseline, recorded once per (series, day), grouped into
 * incidents and notified when an incident opens.
 *
 * The settings come from the [anomaly] section, with per-connector
 * overrides as anomaly_KEY in [connector NAME] (flakeguard.conf(5)); the
 * method is described in budgetcheck(1), ANOMALIES.  Evaluation is one
 * statement whatever the number of series (sql/budgets/anomaly/
 * evaluate.sql); recording is a fixed number more (anomaly_run.c).
 * Money is exact decimal text throughout; C never computes with it.
 */
#ifndef FG_ANOMALY_H
#define FG_ANOMALY_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>

#include "config.h"

#define FG_ANOMALY_MAX_SEVERITIES 8
/* Complete days each run judges, ending yesterday: runs missed for a day
 * or two, and costs revised by costsync's lookback, are still judged. */
#define FG_ANOMALY_WINDOW 3

/* The settings of one connector: [anomaly] with its anomaly_* overrides. */
struct fg_anomaly_conf {
	const char *connector;
	const char *currency;
	bool enabled;
	char dimensions[64]; /* comma-separated: account,warehouse,service,user,query_tag */
	const char *sensitivity;
	int lookback_weeks;
	int min_history_days;
	const char *min_daily_cost;
	const char *min_change_percent;
	const char *min_change_amount;
	bool dips;
	char **notify; /* owned (fg_conf_list), NULL-terminated, may be NULL */
	int nnotify;
};

struct fg_anomaly_set {
	bool active; /* an [anomaly] section exists and some connector is enabled */
	struct fg_anomaly_conf *v;
	int n;
	const char *sev_amount[FG_ANOMALY_MAX_SEVERITIES]; /* ascending decimal text */
	const char *sev_name[FG_ANOMALY_MAX_SEVERITIES];
	int nsev;
	char **sev_items; /* owned: what sev_amount points into */
};

/*
 * Load [anomaly] and the anomaly_* keys of every [connector].  Returns 0
 * (set->active false without an [anomaly] section), FG_ERR_CONFIG after
 * logging every problem as FILE:LINE, or FG_ERR_INTERNAL.  Strings are
 * borrowed from cfg.
 */
int fg_anomaly_load(const struct fg_config *cfg, struct fg_anomaly_set *set);
void fg_anomaly_set_release(struct fg_anomaly_set *set);
/* Keep only the connector named (--connector); FG_ERR_USAGE when unknown. */
int fg_anomaly_select(struct fg_anomaly_set *set, const char *connector);

/* Columns of an evaluation row (sql/budgets/anomaly/evaluate.sql). */
enum {
	AN_CONNECTOR,
	AN_DIMENSION,
	AN_SERIES,
	AN_DAY,
	AN_VERDICT, /* ok, spike, dip, not_evaluated, low_volume */
	AN_ACTUAL,
	AN_EXPECTED,
	AN_SPREAD,
	AN_DEVIATION,
	AN_DIFFERENCE,
	AN_LOW,
	AN_HIGH,
	AN_NDAYS,
	AN_HIST,
	AN_CURRENCY,
	AN_SEVERITY,
	AN_EXPLANATION,
	AN_CONTRIB,
	AN_RECORDED,
	AN_NCOLS
};

struct fg_anomaly_result {
	PGresult *ev;         /* one row per judged (series, day), by series then day */
	unsigned char *flags; /* per row: FG_ANOMALY_NEW, FG_ANOMALY_QUEUED */
	const struct fg_anomaly_set *set;
	char from[11], to[11]; /* the days judged */
	long series;           /* distinct series judged */
	long anomalies;        /* anomalous days recorded by this run (would be, on a dry run) */
	long incidents;        /* incidents opened */
	long resolved;         /* incidents resolved */
	long notifications;    /* outbox rows enqueued */
	long not_evaluated;    /* series too young on their last day judged */
	long statements;
	bool any_open; /* some series anomalous on its last day judged */
};

enum {
	FG_ANOMALY_NEW = 1 << 0,    /* recorded by this run (or would be) */
	FG_ANOMALY_QUEUED = 1 << 1, /* its incident's notification is in the outbox */
	FG_ANOMALY_LAST = 1 << 2,   /* the last day judged of its series */
};

enum {
	FG_ANOMALY_DRY_RUN = 1 << 0, /* judge, write nothing (dry runs, backtests) */
};

/*
 * Judge every series of the active connectors on the complete days from
 * `from` to `to` (day numbers) and, unless FG_ANOMALY_DRY_RUN, record the
 * anomalies, open, extend and resolve incidents and enqueue the
 * notifications of the incidents opened, in one transaction.  Returns 0
 * and fills *res (release with fg_anomaly_result_release), or a negative
 * fg_err after logging.
 */
int fg_anomaly_run(PGconn *db, const struct fg_anomaly_set *set, long from, long to, unsigned how,
		   struct fg_anomaly_result *res);
void fg_anomaly_result_release(struct fg_anomaly_result *res);

/* The notification of an anomaly row: title, body and fields (anomaly_notify.c). */
json_t *fg_anomaly_fields(const PGresult *ev, int row);
void fg_anomaly_title(const PGresult *ev, int row, char *buf, size_t len);

/*
 * The open anomalies of a run (the series anomalous on their last day
 * judged) as alert objects for --json, appended to arr.  Returns 0 or
 * FG_ERR_INTERNAL.
 */
int fg_anomaly_json_open(const struct fg_anomaly_result *res, json_t *arr);
/* The explanation of each open anomaly, one line each (the -v table). */
void fg_anomaly_print_open(FILE *out, const struct fg_anomaly_result *res);
/* The backtest: every anomalous day and the series not evaluated, as text or JSON. */
int fg_anomaly_print_backtest(FILE *out, const struct fg_anomaly_result *res, bool json);
/*
 * budgetcheck --anomalies: open incidents and those whose last day is on
 * or after since, as text or JSON.  Returns 0 or < 0 after logging.
 */
int fg_anomaly_list(PGconn *db, long since, const char *connector, bool json, FILE *out);

#endif
