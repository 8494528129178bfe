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
	OPT_EXPLAIN,
	OPT_BY,
	OPT_PERIOD
};
enum fail_on {
	FAIL_NEVER,
	FAIL_WARN,
	FAIL_BREACH,
	FAIL_FORECAST
};

struct budgetcheck_opts {
	char **budgets; /* --budget names, NULL-terminated, or NULL */
	int nbudgets;
	bool have_as_of;
	long as_of;
	enum fail_on fail_on;
	bool allow_empty;
	char *explain[2]; /* --explain NAME, NULL-terminated */
	const char *by;   /* --by DIM */
	bool previous;    /* --period previous */
	bool have_period;
	struct fg_budget_set set; /* the selected budgets, from prepare */
};

static const struct fg_cli_opt opts[] = {
	{ "budget", OPT_BUDGET, true, "NAME", "check only this budget (repeatable)" },
	{ "as-of", OPT_AS_OF, true, "DATE",
	  "evaluate as if today were DATE (YYYY-MM-DD, UTC); implies --dry-run" },
	{ "fail-on", OPT_FAIL_ON, true, "warn|breach|forecast",
	  "exit 1 when a budget crossed a threshold, 100 %, or is projected past 100 %" },
	{ "allow-empty", OPT_ALLOW_EMPTY, false, NULL,
	  "let a file that names none of the active budgets deactivate them all" },
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
		else {
			fg_error("invalid --fail-on '%s': use warn, breach or forecast", arg);
			return FG_ERR_USAGE;
		}
		return 0;
	}
	return FG_ERR_USAGE;
}

/* A stale budget fails every mode: a gate must not pass on missing data. */
static bool failed(const struct budgetcheck_opts *o, const struct fg_budget_result *r)
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
	case FAIL_NEVER:
	default:
		return false;
	}
}

/* Option combinations; --explain is a read-only report. */
static int check(void *ud)
{
	const struct budgetcheck_opts *o = ud;

	if ((o->by || o->have_period) && o->explain[0] == NULL) {
		fg_error("--by and --period need --explain BUDGET");
		return FG_ERR_USAGE;
	}
	if (o->explain[0] && (o->budgets || o->fail_on != FAIL_NEVER || o->allow_empty)) {
		fg_error("--explain cannot be combined with --budget, --fail-on or --allow-empty");
		return FG_ERR_USAGE;
	}
	return o->explain[0] ? FG_RUN_REPORT : FG_RUN_JOB;
}

static int prepare(struct fg_tool *t, void *ud)
{
	struct budgetcheck_opts *o = ud;
	int rc = fg_budget_load(t->cfg, &o->set);

	if (rc == 0 && o->explain[0])
		return fg_budget_select(&o->set, o->explain);

	/* before the database is reached: no lock, no job record, no writes */
	if (o->have_as_of)
		t->cli.dry_run = true;
	return rc < 0 ? rc : fg_budget_select(&o->set, o->budgets);
}

static int run(struct fg_tool *t, void *ud)
{
	struct budgetcheck_opts *o = ud;
	struct fg_budget_result res = { 0 };
	unsigned flags =
		(t->cli.dry_run ? FG_BUDGET_DRY_RUN : 0) | (o->allow_empty ? FG_BUDGET_ALLOW_EMPTY : 0);
	long day = o->have_as_of ? o->as_of : fg_today();

	if (o->explain[0]) {
		const struct fg_explain_opts eo = { day, o->previous, o->by, t->cli.json };
		return fg_budget_explain(t->db, &o->set, &eo, stdout);
	}
	int rc = fg_budget_run(t->db, &o->set, day, flags, &res);

	if (rc < 0)
		goto out;
	fg_tool_count(t, "budgets", (long)res.count);
	fg_tool_count(t, "alerts", res.alerts);
	fg_tool_count(t, "notifications", res.notifications);
	fg_tool_count(t, "statements", res.statements);
	fg_info("checked %zu budgets: %ld new alerts, %ld notifications, %ld statements in %.3f s", res.count,
		res.alerts, res.notifications, res.statements, fg_elapsed_since(&t->t0));
	if (t->cli.json) {
		rc = fg_budget_write_json(stdout, &res);
	} else if (isatty(STDOUT_FILENO) || t->cli.verbosity > 0) {
		json_t *statuses = fg_budget_statuses(&res);
		if (statuses == NULL)
			rc = FG_ERR_INTERNAL;
		else
			fg_budget_print_table(stdout, &o->set, statuses);
	}
	if (rc < 0)
		fg_error("cannot write the budget statuses: out of memory");
	else if (failed(o, &res))
		rc = FG_EX_FINDING;
out:
	fg_budget_result_release(&res);
	return rc;
}

static void release(void *ud)
{
	struct budgetcheck_opts *o = ud;

	fg_budget_set_release(&o->set);
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
