/*
 * budgetcheck - Compare spend and projected spend to budgets and raise each alert once.
 *
 * Options into struct budgetcheck_opts; the budgets are read and checked
 * in the prepare hook, before anything touches the database (a bad budget
 * is exit 78 even when PostgreSQL is down); then one fg_budget_run and the
 * output, inside the run skeleton (tool.h).  --as-of is a backtest and
 * implies --dry-run: alerts for past periods must never be recorded or
 * sent.  --explain BUDGET is a read-only report (explain.c): no lock, no
 * job record, nothing written.
 */
#include "anomaly.h"
#include "budget.h"
#include "clock.h"
#include "confcheck.h"
#include "exitcode.h"
#include "explain.h"
#include "log.h"
#include "tool.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	OPT_BUDGET = 256,
	OPT_AS_OF,
	OPT_FAIL_ON,
	OPT_ALLOW_EMPTY,
	OPT_ANOMALIES,
	OPT_SINCE,
	OPT_UNTIL,
	OPT_EXPLAIN,
	OPT_BY,
	OPT_PERIOD
};
enum fail_on {
	FAIL_NEVER,
	FAIL_WARN,
	FAIL_BREACH,
	FAIL_FORECAST,
	FAIL_ANOMALY
};

struct budgetcheck_opts {
	char **budgets; /* --budget names, NULL-terminated, or NULL */
	int nbudgets;
	bool have_as_of;
	long as_of;
	enum fail_on fail_on;
	bool allow_empty;
	struct fg_budget_set set;   /* the selected budgets, from prepare */
	bool anomalies;             /* --anomalies: list incidents, or backtest with --since */
	long since, until;          /* --since/--until day numbers, 0 when unset */
	struct fg_anomaly_set anom; /* [anomaly], from prepare */
	char *explain[2];           /* --explain NAME, NULL-terminated */
	const char *by;             /* --by DIM */
	bool previous;              /* --period previous */
	bool have_period;
};

static const struct fg_cli_opt opts[] = {
	{ "budget", OPT_BUDGET, true, "NAME", "check only this budget (repeatable)" },
	{ "as-of", OPT_AS_OF, true, "DATE",
	  "evaluate as if today were DATE (YYYY-MM-DD, UTC); implies --dry-run" },
	{ "fail-on", OPT_FAIL_ON, true, "warn|breach|forecast|anomaly",
	  "exit 1 when a budget crossed a threshold, 100 %, is projected past 100 %, or a cost anomaly is open" },
	{ "allow-empty", OPT_ALLOW_EMPTY, false, NULL,
	  "let a file that names none of the active budgets deactivate them all" },
	{ "anomalies", OPT_ANOMALIES, false, NULL,
	  "list open and recent cost anomaly incidents; with --since, a backtest that writes nothing" },
	{ "since", OPT_SINCE, true, "DATE", "with --anomalies: judge the days from DATE (YYYY-MM-DD, UTC)" },
	{ "until", OPT_UNTIL, true, "DATE", "with --anomalies --since: up to DATE (default yesterday)" },
	{ "explain", OPT_EXPLAIN, true, "BUDGET",
	  "break BUDGET's spend down by warehouse, user, role, query tag and query" },
	{ "by", OPT_BY, true, "warehouse|user|role|query_tag|query", "with --explain: only this dimension" },
	{ "period", OPT_PERIOD, true, "current|previous", "with --explain: this period or the one before" },
	{ NULL, 0, false, NULL, NULL },
};

static int on_opt(void *ud, int key, const char *arg)
{
	struct budgetcheck_opts *o = ud;

	switch (key) {
	case OPT_BUDGET: {
		char **nb = realloc(o->budgets, (size_t)(o->nbudgets + 2) * sizeof(*nb));
		if (nb == NULL)
			return FG_ERR_INTERNAL;
		o->budgets = nb;
		nb[o->nbudgets++] = (char *)arg;
		nb[o->nbudgets] = NULL;
		return 0;
	}
	case OPT_ALLOW_EMPTY:
		o->allow_empty = true;
		return 0;
	case OPT_ANOMALIES:
		o->anomalies = true;
		return 0;
	case OPT_SINCE:
	case OPT_UNTIL:
		return fg_cli_date(key == OPT_SINCE ? "since" : "until", arg,
				   key == OPT_SINCE ? &o->since : &o->until) < 0
			       ? FG_ERR_USAGE
			       : 0;
	case OPT_AS_OF:
		if (fg_cli_date("as-of", arg, &o->as_of) < 0)
			return FG_ERR_USAGE;
		o->have_as_of = true;
		return 0;
	case OPT_EXPLAIN:
		o->explain[0] = (char *)arg;
		return 0;
	case OPT_BY:
		for (int i = 0; fg_explain_dims[i] != NULL; i++)
			if (strcmp(arg, fg_explain_dims[i]) == 0) {
				o->by = fg_explain_dims[i];
				return 0;
			}
		fg_error("invalid --by '%s': use warehouse, user, role, query_tag or query", arg);
		return FG_ERR_USAGE;
	case OPT_PERIOD:
		if (strcmp(arg, "current") != 0 && strcmp(arg, "previous") != 0) {
			fg_error("invalid --period '%s': use current or previous", arg);
			return FG_ERR_USAGE;
		}
		o->previous = strcmp(arg, "previous") == 0;
		o->have_period = true;
		return 0;
	case OPT_FAIL_ON:
		if (strcmp(arg, "warn") == 0)
			o->fail_on = FAIL_WARN;
		else if (strcmp(arg, "breach") == 0)
			o->fail_on = FAIL_BREACH;
		else if (strcmp(arg, "forecast") == 0)
			o->fail_on = FAIL_FORECAST;
		else if (strcmp(arg, "anomaly") == 0)
			o->fail_on = FAIL_ANOMALY;
		else {
			fg_error("invalid --fail-on '%s': use warn, breach, forecast or anomaly", arg);
			return FG_ERR_USAGE;
		}
		return 0;
	}
	return FG_ERR_USAGE;
}

/* A stale budget fails every mode: a gate must not pass on missing data. */
static bool failed(const struct budgetcheck_opts *o, const struct fg_budget_result *r,
		   const struct fg_anomaly_result *a)
{
	if (o->fail_on != FAIL_NEVER && r->any_stale)
		return true;
	switch (o->fail_on) {
	case FAIL_WARN:
		return r->any_warn;
	case FAIL_BREACH:
		return r->any_breach;
	case FAIL_FORECAST:
		return r->any_forecast;
	case FAIL_ANOMALY:
		return a->any_open;
	case FAIL_NEVER:
	default:
		return false;
	}
}

/* --anomalies and --explain are read-only reports; the rest a job. */
static int check(void *ud)
{
	const struct budgetcheck_opts *o = ud;

	if ((o->since || o->until) && !o->anomalies) {
		fg_error("--since and --until need --anomalies: they choose the days of a backtest");
		return FG_ERR_USAGE;
	}
	if (o->until && !o->since) {
		fg_error("--until needs --since: the first day of the backtest");
		return FG_ERR_USAGE;
	}
	if (o->since && o->until && o->until < o->since) {
		fg_error("invalid --until: it is before --since");
		return FG_ERR_USAGE;
	}
	if ((o->by || o->have_period) && o->explain[0] == NULL) {
		fg_error("--by and --period need --explain BUDGET");
		return FG_ERR_USAGE;
	}
	if (o->explain[0] && (o->budgets || o->fail_on != FAIL_NEVER || o->allow_empty || o->anomalies)) {
		fg_error(
			"--explain cannot be combined with --budget, --fail-on, --allow-empty or --anomalies");
		return FG_ERR_USAGE;
	}
	return o->anomalies || o->explain[0] ? FG_RUN_REPORT : FG_RUN_JOB;
}

/* budgetcheck --anomalies: the incident list, or the backtest. */
static int report(struct fg_tool *t, struct budgetcheck_opts *o)
{
	struct fg_anomaly_result res = { 0 };
	long yesterday = fg_today() - 1;
	int rc;

	if (!o->since)
		return fg_anomaly_list(t->db, fg_today() - 30, NULL, t->cli.json, stdout);
	if (!o->anom.active) {
		fg_error("cannot backtest cost anomalies: no [anomaly] section, or no enabled connector");
		return FG_ERR_CONFIG;
	}
	rc = fg_anomaly_run(t->db, &o->anom, o->since, o->until ? o->until : yesterday, FG_ANOMALY_DRY_RUN,
			    &res);
	if (rc == 0 && (rc = fg_anomaly_print_backtest(stdout, &res, t->cli.json)) < 0)
		fg_error("cannot write the backtest: out of memory");
	fg_anomaly_result_release(&res);
	return rc;
}

/* The budget statuses followed by the open anomalies, as one JSON array. */
static int write_json(struct fg_budget_result *res, const struct fg_anomaly_result *an)
{
	json_t *all;

	if (an->ev == NULL)
		return fg_budget_write_json(stdout, res);
	if ((all = fg_budget_statuses(res)) == NULL || fg_anomaly_json_open(an, all) < 0)
		return FG_ERR_INTERNAL;
	if (json_dumpf(all, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(15)) < 0)
		return FG_ERR_INTERNAL;
	fputc('\n', stdout);
	return 0;
}

static int prepare(struct fg_tool *t, void *ud)
{
	struct budgetcheck_opts *o = ud;
	int rc = fg_budget_load(t->cfg, &o->set);

	if (rc == 0 && o->explain[0])
		return fg_budget_select(&o->set, o->explain);
	if (rc == 0)
		rc = fg_anomaly_load(t->cfg, &o->anom);

	/* before the database is reached: no lock, no job record, no writes */
	if (o->have_as_of)
		t->cli.dry_run = true;
	return rc < 0 ? rc : fg_budget_select(&o->set, o->budgets);
}

static int run(struct fg_tool *t, void *ud)
{
	struct budgetcheck_opts *o = ud;
	struct fg_budget_result res = { 0 };
	struct fg_anomaly_result an = { 0 };
	long as_of = o->have_as_of ? o->as_of : fg_today();
	unsigned flags =
		(t->cli.dry_run ? FG_BUDGET_DRY_RUN : 0) | (o->allow_empty ? FG_BUDGET_ALLOW_EMPTY : 0);
	int rc;

	if (o->explain[0]) {
		const struct fg_explain_opts eo = { as_of, o->previous, o->by, t->cli.json };
		return fg_budget_explain(t->db, &o->set, &eo, stdout);
	}
	if (o->anomalies)
		return report(t, o);
	if ((rc = fg_budget_run(t->db, &o->set, as_of, flags, &res)) < 0)
		goto out;
	if (o->anom.active && (rc = fg_anomaly_run(t->db, &o->anom, as_of - FG_ANOMALY_WINDOW, as_of - 1,
						   t->cli.dry_run ? FG_ANOMALY_DRY_RUN : 0, &an)) < 0)
		goto out;
	if (an.ev != NULL) {
		fg_tool_count(t, "anomaly_series", an.series);
		fg_tool_count(t, "anomalies", an.anomalies);
		fg_tool_count(t, "incidents", an.incidents);
		res.notifications += an.notifications;
		res.statements += an.statements;
		fg_info("judged %ld cost series from %s to %s: %ld new anomalies, %ld incidents opened, "
			"%ld resolved, %ld series not evaluated",
			an.series, an.from, an.to, an.anomalies, an.incidents, an.resolved, an.not_evaluated);
	}
	fg_tool_count(t, "budgets", (long)res.count);
	fg_tool_count(t, "alerts", res.alerts);
	fg_tool_count(t, "notifications", res.notifications);
	fg_tool_count(t, "statements", res.statements);
	fg_info("checked %zu budgets: %ld new alerts, %ld notifications, %ld statements in %.3f s", res.count,
		res.alerts, res.notifications, res.statements, fg_elapsed_since(&t->t0));
	if (t->cli.json) {
		rc = write_json(&res, &an);
	} else if (isatty(STDOUT_FILENO) || t->cli.verbosity > 0) {
		json_t *statuses = fg_budget_statuses(&res);
		if (statuses == NULL)
			rc = FG_ERR_INTERNAL;
		else
			fg_budget_print_table(stdout, &o->set, statuses);
		if (an.ev != NULL)
			fg_anomaly_print_open(stdout, &an);
	}
	if (rc < 0)
		fg_error("cannot write the budget statuses: out of memory");
	else if (failed(o, &res, &an))
		rc = FG_EX_FINDING;
out:
	fg_anomaly_result_release(&an);
	fg_budget_result_release(&res);
	return rc;
}

static void release(void *ud)
{
	struct budgetcheck_opts *o = ud;

	fg_budget_set_release(&o->set);
	fg_anomaly_set_release(&o->anom);
	free(o->budgets);
}

/* Sections whose secrets this tool uses: none beyond the database: budgets name channels and connectors but use none of their secrets. */
static const char *const sections[] = { "database", "monitoring", NULL };

static const struct fg_tool_def def = {
	.info = { "budgetcheck", "Compare spend and projected spend to budgets and raise each alert once.",
		  opts, "--fail-on matched" },
	.on_opt = on_opt,
	.check = check,
	.prepare = prepare,
	.run = run,
	.release = release,
	.sections = sections,
	.check_config = fg_confcheck,
};

int main(int argc, char **argv)
{
	struct budgetcheck_opts o = { 0 };
	return fg_tool_main(&def, &o, argc, argv);
}
