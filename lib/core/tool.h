/*
 * tool.h - the life of one tool run, shared by every main().
 *
 *   fg_tool_begin: parse config (unless the caller already set t->cfg,
 *                  which the tool then owns), read FLAKEGUARD_NOW, connect to
 *                  PostgreSQL, apply migrations (check only on --dry-run),
 *                  take the job's advisory lock, record the run as started;
 *   ... the tool's own work, filling t->counts ...
 *   fg_tool_end:   record the outcome (status, exit code, counts, last
 *                  error), release everything, return the exit status.
 *
 * The advisory lock is session-level, so it is released by PostgreSQL if
 * the process dies; a run killed with SIGKILL leaves a job_runs row in
 * state 'running', which snapshot --status reports.
 */
#ifndef FG_TOOL_H
#define FG_TOOL_H

#include <jansson.h>
#include <libpq-fe.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "cli.h"
#include "config.h"
#include "jobs.h"

enum { FG_TOOL_BUSY = 1 };

struct fg_tool {
	const struct fg_tool_info *info;
	const struct fg_job *job;	/* the row of info->name, set by fg_tool_begin */
	bool report_only;	/* a read-only report (snapshot --status): no lock,
				 * no job record, no monitoring hooks */
	struct fg_cli cli;
	struct fg_config *cfg;
	PGconn *db;
	int64_t run_id;		/* 0 when not recorded (dry run) */
	json_t *counts;		/* items processed, recorded with the run */
	struct timespec t0;	/* fg_mono_now() at fg_tool_begin */
	bool monitored;		/* start ping sent: end hooks due */
};

/* Set by SIGTERM/SIGINT once fg_tool_begin has run. */
extern volatile sig_atomic_t fg_interrupted;

/*
 * Returns 0 to go on, FG_TOOL_BUSY when another run of the job holds the
 * lock (logged at info; exit 0), or a negative fg_err after logging.
 */
int fg_tool_begin(struct fg_tool *t);

/*
 * Record the run's outcome for exit status `status` and release resources.
 * error: a one-line summary, or NULL to use the last error logged.
 * Returns the exit status to return from main().
 */
int fg_tool_end(struct fg_tool *t, int status);

/* Set counts[key] = n. */
void fg_tool_count(struct fg_tool *t, const char *key, long long n);

#endif
