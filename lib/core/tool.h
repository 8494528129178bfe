/*
 * tool.h - the run skeleton: the one main() every tool shares.
 *
 * A tool is its option state, a table of hooks and a one-line main:
 *
 *	static const struct fg_tool_def def = {
 *		.info = { "costsync", "Pull daily Snowflake cost facts ...", opts },
 *		.on_opt = on_opt, .check = check, .run = run, .release = release,
 *	};
 *
 *	int main(int argc, char **argv)
 *	{
 *		struct fg_costsync_opts o = { .since = -1, .until = -1 };
 *		return fg_tool_main(&def, &o, argc, argv);
 *	}
 *
 * fg_tool_main() takes every run through these steps, in this order.  A
 * step that fails skips to "end" with the exit status of its error
 * (failing "parse" or "check" skips straight to def->release):
 *
 *   parse    the common options and the tool's own (def->on_opt fills the
 *            tool's opts); --help and --version answer and exit here
 *   check    def->check: reject option combinations, choose the mode
 *   start    SIGTERM/SIGINT handlers, FLAKEGUARD_NOW, the config file and
 *            the secrets of def->sections
 *   prepare  def->prepare: read and check the tool's own settings before
 *            the database is touched (so they fail with 78 even when
 *            PostgreSQL is down)
 *   connect  the health start ping, PostgreSQL, migrations (only checked
 *            with --dry-run), the job's advisory lock (held by another
 *            run: an info line and exit 0), the job_runs row
 *   run      def->run: the work, filling t->counts
 *   end      record the outcome in job_runs, flush stdout, the metrics
 *            file and end ping, disconnect, free the config, wipe
 *            secrets; then def->release
 *
 * The mode (def->check's answer) leaves steps out:
 *
 *   FG_RUN_JOB     all of them; --dry-run skips ping, lock, record, metrics
 *   FG_RUN_REPORT  a read-only report (snapshot --status): connects, but
 *                  no ping, lock, record or metrics
 *   FG_RUN_LOCAL   no database: start, prepare, run (notifyd-once --stdin)
 *   FG_RUN_BARE    not even a config: run only (secscan --list-rules)
 *   FG_RUN_CHECK   --check-config, on every tool, whatever its other
 *                  options: start without prepare, then def->check_config
 *                  in place of run; no database
 *
 * The exit status is def->run's: a negative fg_err maps through
 * fg_exit_for(), anything else (0, or 1 for --fail-on) is kept.  A run
 * with a database that a signal interrupted exits 75 and is recorded as
 * 'interrupted'; a write error on stdout turns 0 into 75.
 *
 * The advisory lock is session-level, so PostgreSQL releases it if the
 * process dies; a run killed with SIGKILL leaves a job_runs row in state
 * 'running', which snapshot --status reports.
 */
#ifndef FG_TOOL_H
#define FG_TOOL_H

#include <jansson.h>
#include <libpq-fe.h>
#include <signal.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "cli.h"
#include "config.h"
#include "db.h"
#include "jobs.h"

enum fg_run_mode {
	FG_RUN_JOB = 0,
	FG_RUN_REPORT,
	FG_RUN_LOCAL,
	FG_RUN_BARE,
	FG_RUN_CHECK,
};

struct fg_tool;

struct fg_tool_def {
	struct fg_tool_info info; /* name (a row of jobs.h), summary, options */
	/* One of the tool's options into opts: 0, or FG_ERR_USAGE after logging. */
	fg_cli_cb on_opt;
	/* After parsing: an fg_run_mode, or FG_ERR_USAGE after logging.
	 * NULL: always FG_RUN_JOB. */
	int (*check)(void *opts);
	/* With t->cfg loaded, before the database: 0 or a negative fg_err
	 * after logging.  May be NULL. */
	int (*prepare)(struct fg_tool *t, void *opts);
	/* The work: a negative fg_err after logging, or an exit status. */
	int (*run)(struct fg_tool *t, void *opts);
	/* Free what on_opt, prepare and run left in opts.  Called on every
	 * path once parsing has begun.  May be NULL. */
	void (*release)(void *opts);
	/* The section types whose secrets the tool uses (NULL-terminated):
	 * a secret it cannot read elsewhere does not stop it.  NULL: all. */
	const char *const *sections;
	/* --check-config: check every part's sections of cfg, logging each
	 * problem; with verbose print a summary on out.  0 or FG_ERR_CONFIG.
	 * Set by every cmd to the confcheck part's fg_confcheck(). */
	int (*check_config)(const struct fg_config *cfg, bool verbose, FILE *out);
};

/* One run, as the hooks see it. */
struct fg_tool {
	const struct fg_tool_def *def;
	const struct fg_job *job; /* the row named def->info.name */
	enum fg_run_mode mode;
	struct fg_cli cli;
	struct fg_config *cfg;       /* NULL in FG_RUN_BARE */
	struct fg_db_settings dbset; /* [database], read with the config */
	PGconn *db;                  /* NULL in FG_RUN_LOCAL and FG_RUN_BARE */
	int64_t run_id;              /* 0 when not recorded (dry run, report) */
	json_t *counts;              /* items processed, recorded with the run */
	struct timespec t0;          /* fg_mono_now() when the run started */
	bool monitored;              /* start ping sent: end hooks due */
};

/* Set by SIGTERM/SIGINT once the run has started. */
extern volatile sig_atomic_t fg_interrupted;

/*
 * Run the tool described by def with argv; opts is the tool's own option
 * state, zeroed or given its defaults by main().  Returns the exit status
 * for main() to return.
 */
int fg_tool_main(const struct fg_tool_def *def, void *opts, int argc, char **argv);

/* Set counts[key] = n. */
void fg_tool_count(struct fg_tool *t, const char *key, long long n);

#endif
