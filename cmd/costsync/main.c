/*
 * costsync - Pull daily Snowflake cost facts from ACCOUNT_USAGE into PostgreSQL.
 *
 * Options into struct fg_costsync_opts, then fg_costsync_run() inside the
 * run skeleton (tool.h) and the --json summary.
 */
#include "costsync.h"
#include "confcheck.h"
#include "exitcode.h"
#include "log.h"
#include "tool.h"

#include <stdio.h>
#include <stdlib.h>

enum {
	OPT_CONNECTOR = 256,
	OPT_SINCE,
	OPT_UNTIL
};

static const struct fg_cli_opt opts[] = {
	{ "connector", OPT_CONNECTOR, true, "NAME", "sync only this connector (repeatable)" },
	{ "since", OPT_SINCE, true, "DATE", "re-sync from this UTC day (YYYY-MM-DD, inclusive)" },
	{ "until", OPT_UNTIL, true, "DATE", "re-sync up to this UTC day (YYYY-MM-DD, inclusive)" },
	{ NULL, 0, false, NULL, NULL },
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

static int check(void *ud)
{
	const struct fg_costsync_opts *o = ud;

	if (o->since >= 0 && o->until >= 0 && o->since > o->until) {
		fg_error("--since is after --until: give an inclusive range such as"
			 " --since 2026-03-01 --until 2026-03-31");
		return FG_ERR_USAGE;
	}
	return FG_RUN_JOB;
}

static int run(struct fg_tool *t, void *ud)
{
	struct fg_costsync_opts *o = ud;
	json_t *summary = NULL;
	int rc;

	o->dry_run = t->cli.dry_run;
	o->json = t->cli.json;
	rc = fg_costsync_run(t, o, &summary);
	if (summary != NULL && o->json && rc != FG_ERR_CONFIG && rc != FG_ERR_USAGE) {
		json_dumpf(summary, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
		putchar('\n');
	}
	json_decref(summary);
	return rc;
}

static void release(void *ud)
{
	struct fg_costsync_opts *o = ud;
	free(o->names);
}

/* Sections whose secrets this tool uses: connectors. */
static const char *const sections[] = { "database", "connector", "monitoring", NULL };

static const struct fg_tool_def def = {
	.info = { "costsync", "Pull daily Snowflake cost facts from ACCOUNT_USAGE into PostgreSQL.", opts,
		  NULL },
	.on_opt = on_opt,
	.check = check,
	.run = run,
	.release = release,
	.sections = sections,
	.check_config = fg_confcheck,
};

int main(int argc, char **argv)
{
	struct fg_costsync_opts o = { .since = -1, .until = -1 };
	return fg_tool_main(&def, &o, argc, argv);
}
