/*
 * costsync - Pull daily Snowflake cost facts from ACCOUNT_USAGE into PostgreSQL.
 */
#include "clock.h"
#include "costsync.h"
#include "exitcode.h"
#include "log.h"
#include "tool.h"

#include <stdio.h>
#include <stdlib.h>

enum { OPT_CONNECTOR = 256, OPT_SINCE, OPT_UNTIL };

static const struct fg_cli_opt opts[] = {
    {"connector", OPT_CONNECTOR, true, "NAME", "sync only this connector (repeatable)"},
    {"since", OPT_SINCE, true, "DATE", "re-sync from this UTC day (YYYY-MM-DD, inclusive)"},
    {"until", OPT_UNTIL, true, "DATE", "re-sync up to this UTC day (YYYY-MM-DD, inclusive)"},
    {NULL, 0, false, NULL, NULL},
};

static const struct fg_tool_info info = {
    "costsync",
    "Pull daily Snowflake cost facts from ACCOUNT_USAGE into PostgreSQL.",
    opts,
};

static int on_opt(void *ud, int key, const char *arg)
{
	struct fg_costsync_opts *o = ud;
	long *day = key == OPT_SINCE ? &o->since : &o->until;

	switch (key) {
	case OPT_CONNECTOR: {
		char **names = realloc(o->names, (size_t)(o->nnames + 1) * sizeof(*names));
		if (names == NULL)
			return FG_ERR_INTERNAL;
		names[o->nnames++] = (char *)arg;
		o->names = names;
		return 0;
	}
	case OPT_SINCE:
	case OPT_UNTIL:
		return fg_cli_date(key == OPT_SINCE ? "since" : "until", arg, day);
	}
	return FG_ERR_USAGE;
}

int main(int argc, char **argv)
{
	struct fg_tool t = {.info = &info};
	struct fg_costsync_opts o = {.since = -1, .until = -1};
	json_t *summary = NULL;
	int rc = fg_cli_parse(&t.cli, &info, argc, argv, on_opt, &o);

	if (rc == FG_CLI_EXIT || rc < 0) {
		free(o.names);
		return rc < 0 ? fg_exit_for(rc) : FG_EX_OK;
	}
	if (o.since >= 0 && o.until >= 0 && o.since > o.until) {
		fg_error("--since is after --until: give an inclusive range such as"
		         " --since 2026-03-01 --until 2026-03-31");
		free(o.names);
		return FG_EX_USAGE;
	}
	o.dry_run = t.cli.dry_run;
	o.json = t.cli.json;
	rc = fg_tool_begin(&t);
	if (rc == FG_TOOL_BUSY) {
		free(o.names);
		return fg_tool_end(&t, FG_EX_OK);
	}
	if (rc == 0) {
		rc = fg_costsync_run(&t, &o, &summary);
		if (summary != NULL && o.json && rc != FG_ERR_CONFIG && rc != FG_ERR_USAGE) {
			json_dumpf(summary, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
			putchar('\n');
		}
	}
	json_decref(summary);
	free(o.names);
	return fg_tool_end(&t, fg_exit_for(rc));
}
