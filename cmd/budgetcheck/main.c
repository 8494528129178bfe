/*
 * budgetcheck - Compare spend and projected spend to budgets and raise each alert once.
 *
 * Options into struct budgetcheck_opts, budgets checked from the config
 * before anything touches the database (a bad budget is exit 78 even when
 * PostgreSQL is down; the config is then handed to fg_tool_begin, not read
 * twice), then one fg_budget_run and the output.
 */
#include "budget.h"
#include "clock.h"
#include "exitcode.h"
#include "log.h"
#include "tool.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { OPT_BUDGET = 256, OPT_AS_OF, OPT_FAIL_ON };
enum fail_on { FAIL_NEVER, FAIL_WARN, FAIL_BREACH, FAIL_FORECAST };

struct budgetcheck_opts {
	char **budgets; /* --budget names, NULL-terminated, or NULL */
	int nbudgets;
	bool have_as_of;
	long as_of;
	enum fail_on fail_on;
};

static const struct fg_cli_opt opts[] = {
    {"budget", OPT_BUDGET, true, "NAME", "check only this budget (repeatable)"},
    {"as-of", OPT_AS_OF, true, "DATE", "evaluate as if today were DATE (YYYY-MM-DD, UTC)"},
    {"fail-on", OPT_FAIL_ON, true, "warn|breach|forecast",
     "exit 1 when a budget crossed a threshold, 100 %, or is projected past 100 %"},
    {NULL, 0, false, NULL, NULL},
};

static const struct fg_tool_info info = {
    "budgetcheck",
    "Compare spend and projected spend to budgets and raise each alert once.",
    opts,
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
	case OPT_AS_OF:
		if (fg_cli_date("as-of", arg, &o->as_of) < 0)
			return FG_ERR_USAGE;
		o->have_as_of = true;
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

static bool failed(const struct budgetcheck_opts *o, const struct fg_budget_result *r)
{
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

int main(int argc, char **argv)
{
	struct fg_tool t = {.info = &info};
	struct budgetcheck_opts o = {0};
	struct fg_config *cfg = NULL;
	struct fg_budget_set set = {0};
	struct fg_budget_result res = {0};
	int rc = fg_cli_parse(&t.cli, &info, argc, argv, on_opt, &o);
	int status;

	if (rc == FG_CLI_EXIT || rc < 0) {
		free(o.budgets);
		return rc < 0 ? fg_exit_for(rc) : FG_EX_OK;
	}
	if ((rc = fg_config_load(t.cli.config, &cfg)) < 0 || (rc = fg_budget_load(cfg, &set)) < 0 ||
	    (rc = fg_budget_select(&set, o.budgets)) < 0)
		goto out;
	t.cfg = cfg; /* the tool owns it from here: parsed once */
	cfg = NULL;
	rc = fg_tool_begin(&t);
	if (rc == FG_TOOL_BUSY) {
		rc = 0;
		goto end;
	}
	if (rc < 0)
		goto end;
	rc = fg_budget_run(t.db, &set, o.have_as_of ? o.as_of : fg_today(), t.cli.dry_run, &res);
	if (rc < 0)
		goto end;
	fg_tool_count(&t, "budgets", (long)res.count);
	fg_tool_count(&t, "alerts", res.alerts);
	fg_tool_count(&t, "notifications", res.notifications);
	fg_tool_count(&t, "statements", res.statements);
	fg_info("checked %zu budgets: %ld new alerts, %ld notifications, %ld statements in %.3f s",
	        res.count, res.alerts, res.notifications, res.statements,
	        fg_elapsed_since(&t.t0));
	if (t.cli.json) {
		rc = fg_budget_write_json(stdout, &res);
	} else if (isatty(STDOUT_FILENO) || t.cli.verbosity > 0) {
		json_t *statuses = fg_budget_statuses(&res);
		if (statuses == NULL)
			rc = FG_ERR_INTERNAL;
		else
			fg_budget_print_table(stdout, &set, statuses);
	}
	if (rc < 0)
		fg_error("cannot write the budget statuses: out of memory");
end:
	status = fg_exit_for(rc);
	if (status == FG_EX_OK && failed(&o, &res))
		status = FG_EX_FINDING;
	status = fg_tool_end(&t, status);
	fg_budget_result_release(&res);
	fg_budget_set_release(&set);
	fg_config_free(cfg);
	free(o.budgets);
	return status;
out:
	fg_budget_set_release(&set);
	fg_config_free(cfg);
	free(o.budgets);
	return fg_exit_for(rc);
}
