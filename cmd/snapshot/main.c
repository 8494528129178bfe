/*
 * snapshot - keep daily per-budget history and cost summaries, prune old
 * state, and report the status of every job.
 */
#include "clock.h"
#include "db.h"
#include "confcheck.h"
#include "exitcode.h"
#include "history.h"
#include "log.h"
#include "retention.h"
#include "snapshot.h"
#include "status.h"
#include "tool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	OPT_DATE = 256,
	OPT_SINCE,
	OPT_UNTIL,
	OPT_STATUS,
	OPT_NO_PRUNE,
	OPT_HISTORY,
	OPT_DAYS,
};

struct snapshot_opts {
	long date, since, until;
	bool have_date, have_since, have_until;
	bool status;
	bool no_prune;
	const char *history;
	int days;
	bool have_days;
};

static const struct fg_cli_opt opts[] = {
	{ "date", OPT_DATE, true, "DATE",
	  "(re)build history for one day, YYYY-MM-DD (default: the last 7 complete days)" },
	{ "since", OPT_SINCE, true, "DATE", "(re)build every day from DATE (backfill)" },
	{ "until", OPT_UNTIL, true, "DATE", "last day to build with --since (default yesterday)" },
	{ "status", OPT_STATUS, false, NULL,
	  "print the last run of every job; exit 1 if any is stale or failing" },
	{ "no-prune", OPT_NO_PRUNE, false, NULL, "build history but do not apply retention" },
	{ "history", OPT_HISTORY, true, "BUDGET", "print a budget's daily history with a sparkline" },
	{ "days", OPT_DAYS, true, "N", "days of history to print (default 30)" },
	{ NULL, 0, false, NULL, NULL },
};

static int on_opt(void *ud, int key, const char *arg)
{
	struct snapshot_opts *o = ud;
	switch (key) {
	case OPT_DATE:
		o->have_date = true;
		return fg_cli_date("date", arg, &o->date);
	case OPT_SINCE:
		o->have_since = true;
		return fg_cli_date("since", arg, &o->since);
	case OPT_UNTIL:
		o->have_until = true;
		return fg_cli_date("until", arg, &o->until);
	case OPT_STATUS:
		o->status = true;
		return 0;
	case OPT_NO_PRUNE:
		o->no_prune = true;
		return 0;
	case OPT_HISTORY:
		o->history = arg;
		return 0;
	case OPT_DAYS: {
		char *end;
		long n = strtol(arg, &end, 10);
		if (end == arg || *end != '\0' || n < 1 || n > 3660) {
			fg_error("invalid --days '%s': use a number of days from 1 to 3660", arg);
			return FG_ERR_USAGE;
		}
		o->days = (int)n;
		o->have_days = true;
		return 0;
	}
	}
	return FG_ERR_USAGE;
}

/* Option combinations; --status and --history are read-only reports. */
static int check(void *ud)
{
	const struct snapshot_opts *o = ud;

	if (o->have_date && (o->have_since || o->have_until)) {
		fg_error("--date cannot be combined with --since or --until");
		return FG_ERR_USAGE;
	}
	if (o->have_until && !o->have_since) {
		fg_error("--until needs --since");
		return FG_ERR_USAGE;
	}
	if (o->have_since && o->have_until && o->until < o->since) {
		fg_error("--until is before --since");
		return FG_ERR_USAGE;
	}
	if (o->have_days && o->history == NULL) {
		fg_error("--days needs --history");
		return FG_ERR_USAGE;
	}
	if (o->history && (o->status || o->have_date || o->have_since || o->no_prune)) {
		fg_error("--history cannot be combined with --status, --date, --since or --no-prune");
		return FG_ERR_USAGE;
	}
	if (o->status && (o->have_date || o->have_since || o->no_prune)) {
		fg_error("--status cannot be combined with --date, --since or --no-prune");
		return FG_ERR_USAGE;
	}
	return o->status || o->history != NULL ? FG_RUN_REPORT : FG_RUN_JOB;
}

/* Build history for the days asked (default the last 7), then prune. */
static int build(struct fg_tool *t, const struct snapshot_opts *o)
{
	long yesterday = fg_today() - 1, from, to;
	long long rows = 0;
	int rc;

	if (o->have_date)
		from = to = o->date;
	else if (o->have_since) {
		from = o->since;
		to = o->have_until ? o->until : yesterday;
	} else {
		from = yesterday - 6;
		to = yesterday;
	}
	if (to < from) {
		fg_error("nothing to build: --since is after yesterday");
		return FG_ERR_USAGE;
	}
	if ((rc = fg_snapshot_costs(t->db, from, to, t->cli.dry_run, &rows)) < 0)
		return rc;
	fg_tool_count(t, "days", to - from + 1);
	fg_tool_count(t, "cost_summary_rows", rows);
	if ((rc = fg_history_build(t->db, t->cfg, from, to, t->cli.dry_run, &rows)) < 0)
		return rc;
	fg_tool_count(t, "history_rows", rows);
	if (!o->no_prune) {
		if (t->counts == NULL)
			t->counts = json_object();
		if ((rc = fg_retention_prune(t->db, t->cfg, fg_now(), t->cli.dry_run, t->counts)) < 0)
			return rc;
	}
	{
		json_int_t pruned = 0;
		const char *k;
		json_t *v;
		json_object_foreach(t->counts, k, v)
		{
			size_t kl = strlen(k);
			if (kl > 7 && strcmp(k + kl - 7, "_pruned") == 0)
				pruned += json_integer_value(v);
		}
		fg_info("%s %ld day%s of history (%lld history rows, %lld cost summary rows), %s %lld old rows"
			" in %.3f s",
			t->cli.dry_run ? "would build" : "built", to - from + 1, to == from ? "" : "s",
			(long long)json_integer_value(json_object_get(t->counts, "history_rows")),
			(long long)json_integer_value(json_object_get(t->counts, "cost_summary_rows")),
			t->cli.dry_run ? "would prune" : "pruned", (long long)pruned,
			fg_elapsed_since(&t->t0));
	}
	if (t->cli.json) {
		char a[16], b[16];
		fg_date_format(from, a, sizeof(a));
		fg_date_format(to, b, sizeof(b));
		json_t *doc = json_pack("{s:s, s:s, s:b, s:O}", "from", a, "to", b, "dry_run", t->cli.dry_run,
					"counts", t->counts);
		char *s = json_dumps(doc, JSON_INDENT(2));
		if (s)
			printf("%s\n", s);
		free(s);
		json_decref(doc);
	}
	return 0;
}

static int run(struct fg_tool *t, void *ud)
{
	const struct snapshot_opts *o = ud;
	int rc, unhealthy = 0;

	if (o->status) {
		rc = fg_status_report(t->db, t->cfg, fg_now(), t->cli.json, &unhealthy);
		return rc < 0 ? rc : unhealthy > 0 ? FG_EX_FINDING : FG_EX_OK;
	}
	if (o->history)
		return fg_history_print(t->db, o->history, o->have_days ? o->days : 30, fg_today(),
					t->cli.json);
	return build(t, o);
}

/* Sections whose secrets this tool uses: none beyond the database. */
static const char *const sections[] = { "database", "monitoring", NULL };

static const struct fg_tool_def def = {
	.info = { "snapshot",
		  "Keep daily per-budget history and cost summaries, prune old state, report job status.",
		  opts, "--status found a stale or failing job" },
	.on_opt = on_opt,
	.check = check,
	.run = run,
	.sections = sections,
	.check_config = fg_confcheck,
};

int main(int argc, char **argv)
{
	struct snapshot_opts o = { 0 };
	return fg_tool_main(&def, &o, argc, argv);
}
