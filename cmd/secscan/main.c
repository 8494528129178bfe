/*
 * secscan - Evaluate Snowflake security rules and raise findings.
 *
 * Options into struct fg_secscan_opts, then fg_secscan_run() inside the
 * run skeleton (tool.h); --list-rules needs neither config nor database.
 */
#include "confcheck.h"
#include "exitcode.h"
#include "log.h"
#include "secscan.h"
#include "tool.h"

#include <stdlib.h>

enum {
	OPT_LIST_RULES = 300,
	OPT_RULE,
	OPT_FAIL_ON,
	OPT_CONNECTOR,
};

static const struct fg_cli_opt opts[] = {
	{ "list-rules", OPT_LIST_RULES, false, NULL, "print the rule catalogue and exit (JSON with --json)" },
	{ "rule", OPT_RULE, true, "ID", "evaluate only this rule (repeatable)" },
	{ "connector", OPT_CONNECTOR, true, "NAME", "scan only this connector" },
	{ "fail-on", OPT_FAIL_ON, true, "high|medium|low",
	  "exit 1 when an open finding is at or above this severity" },
	{ NULL, 0, false, NULL, NULL },
};

struct cli_state {
	struct fg_secscan_opts o;
	bool list;
};

static int on_opt(void *ud, int key, const char *arg)
{
	struct cli_state *st = ud;

	switch (key) {
	case OPT_LIST_RULES:
		st->list = true;
		return 0;
	case OPT_RULE: {
		const char **g;
		if (fg_sec_rule_find(arg) == NULL) {
			fg_error("unknown rule '%s'; see 'secscan --list-rules'", arg);
			return FG_ERR_USAGE;
		}
		if ((g = realloc(st->o.rules, (st->o.nrules + 1) * sizeof(*g))) == NULL)
			return FG_ERR_INTERNAL;
		g[st->o.nrules++] = arg;
		st->o.rules = g;
		return 0;
	}
	case OPT_CONNECTOR:
		st->o.connector = arg;
		return 0;
	case OPT_FAIL_ON:
		if (fg_severity_parse(arg, &st->o.fail_on) < 0 || st->o.fail_on == FG_SEV_INFO) {
			fg_error("invalid --fail-on '%s': use critical, high, medium or low", arg);
			return FG_ERR_USAGE;
		}
		st->o.fail_on_set = true;
		return 0;
	default:
		return FG_ERR_USAGE;
	}
}

static int check(void *ud)
{
	const struct cli_state *st = ud;

	return st->list ? FG_RUN_BARE : FG_RUN_JOB;
}

static int run(struct fg_tool *t, void *ud)
{
	struct cli_state *st = ud;

	if (st->list) {
		fg_secscan_list_rules(t->cli.json);
		return FG_EX_OK;
	}
	return fg_secscan_run(t, &st->o);
}

static void release(void *ud)
{
	struct cli_state *st = ud;
	free(st->o.rules);
}

/* Sections whose secrets this tool uses: connectors. */
static const char *const sections[] = { "database", "connector", "secscan", "monitoring", NULL };

static const struct fg_tool_def def = {
	.info = { "secscan", "Evaluate Snowflake security rules and raise findings.", opts,
		  "--fail-on matched" },
	.on_opt = on_opt,
	.check = check,
	.run = run,
	.release = release,
	.sections = sections,
	.check_config = fg_confcheck,
};

int main(int argc, char **argv)
{
	struct cli_state st = { 0 };
	return fg_tool_main(&def, &st, argc, argv);
}
