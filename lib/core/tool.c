/*
 * tool.c - the run skeleton (see tool.h for the steps and the modes).
 *
 * One struct fg_tool per process.  The steps are static functions called
 * in order by fg_tool_main(); each returns 0 or a negative fg_err after
 * logging (begin() also BUSY), and end() undoes whatever the steps before
 * it did, however far they got.  The only state outside the struct is
 * what a signal handler may touch: fg_interrupted and the cancel handle
 * of the open connection.
 */
#include "tool.h"
#include "clock.h"
#include "db.h"
#include "exitcode.h"
#include "log.h"
#include "migrate.h"
#include "monitor.h"
#include "redact.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* begin(): another run of the job holds its lock (exit 0). */
enum {
	BUSY = 1
};

volatile sig_atomic_t fg_interrupted;

/* Cancel handle of the open connection; PQcancel is async-signal-safe. */
static PGcancel *volatile cancel_handle;

static void on_signal(int sig)
{
	char errbuf[256];
	PGcancel *c = cancel_handle;

	(void)sig;
	fg_interrupted = 1;
	if (c != NULL) {
		fg_db_canceled = 1;
		PQcancel(c, errbuf, sizeof(errbuf));
	}
}

void fg_tool_count(struct fg_tool *t, const char *key, long long n)
{
	if (t->counts == NULL)
		t->counts = json_object();
	json_object_set_new(t->counts, key, json_integer(n));
}

/* Insert the job_runs row ('running', or 'skipped' already finished). */
static int record_start(struct fg_tool *t, const char *status)
{
	char host[256] = "unknown", pid[16];
	int rc;
	PGresult *r;

	if (gethostname(host, sizeof(host)) < 0)
		snprintf(host, sizeof(host), "unknown");
	host[sizeof(host) - 1] = '\0';
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	/* which file this host runs: snapshot --status compares hosts */
	char sha[65];
	fg_config_fingerprint(t->cfg->path, sha);
	const char *params[] = { t->job->name, host, pid, status, sha[0] ? sha : NULL };
	r = fg_db_query(
		t->db, &rc, "record job run",
		"INSERT INTO job_runs (job, host, pid, status, finished_at, config_sha256)"
		" VALUES ($1, $2, $3, $4, CASE WHEN $4 = 'running' THEN NULL ELSE clock_timestamp() END, $5)"
		" RETURNING id",
		5, params);
	if (r == NULL)
		return rc;
	t->run_id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return 0;
}

static bool uses_db(const struct fg_tool *t)
{
	return t->mode == FG_RUN_JOB || t->mode == FG_RUN_REPORT;
}

/* A job run proper: health pings, lock, job record, metrics. */
static bool is_job(const struct fg_tool *t)
{
	return t->mode == FG_RUN_JOB && !t->cli.dry_run;
}

/* Signals, FLAKEGUARD_NOW, the config file, the tool's own settings. */
static int start(struct fg_tool *t, void *opts)
{
	struct sigaction sa;
	int rc;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if ((rc = fg_clock_init()) < 0)
		return rc;
	if ((rc = fg_config_load(t->cli.config, &t->cfg)) < 0)
		return rc;
	if (t->mode == FG_RUN_CHECK)
		return 0;
	if ((rc = fg_config_check_sections(t->cfg, t->def->sections)) < 0)
		return rc;
	if (t->mode != FG_RUN_LOCAL && (rc = fg_db_settings_load(t->cfg, &t->dbset)) < 0)
		return rc;
	if (t->def->prepare != NULL && (rc = t->def->prepare(t, opts)) < 0)
		return rc;
	return 0;
}

/* --check-config: every section for every tool; silent when all is well. */
static int check_config(struct fg_tool *t)
{
	int rc = fg_config_check_sections(t->cfg, NULL);

	if (t->def->check_config != NULL && t->def->check_config(t->cfg, t->cli.verbosity > 0, stdout) < 0)
		rc = FG_ERR_CONFIG;
	return rc;
}

/* Start ping, connection, migrations. */
static int connect_db(struct fg_tool *t)
{
	int rc;

	if (is_job(t)) {
		fg_monitor_start(t->cfg, t->job);
		t->monitored = true;
	}
	if ((rc = fg_db_connect(&t->dbset, t->job->name, &t->db)) < 0)
		return rc;
	cancel_handle = PQgetCancel(t->db);
	return fg_migrate(t->db, !t->cli.dry_run);
}

/* The job's advisory lock: 0, BUSY when another run holds it, or < 0. */
static int take_lock(struct fg_tool *t)
{
	char lockid[16];
	int rc;

	snprintf(lockid, sizeof(lockid), "%d", t->job->lock_id);
	const char *params[] = { lockid };
	PGresult *r = fg_db_query(t->db, &rc, "take the job lock",
				  "SELECT pg_try_advisory_lock(" FG_LOCK_CLASS ", $1::integer)", 1, params);
	if (r == NULL)
		return rc;
	bool got = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
	PQclear(r);
	if (got)
		return 0;
	fg_info("another %s run holds the lock; nothing to do", t->job->name);
	record_start(t, "skipped");
	t->run_id = 0;
	return BUSY;
}

/* Every step before the work: 0, BUSY, or a negative fg_err. */
static int begin(struct fg_tool *t, void *opts)
{
	const char *name = t->def->info.name;
	int rc;

	t->t0 = fg_mono_now();
	if ((t->job = fg_job_find(name)) == NULL) {
		fg_error("no job named '%s' in the job table", name);
		return FG_ERR_INTERNAL;
	}
	if (t->mode == FG_RUN_BARE)
		return 0;
	if ((rc = start(t, opts)) < 0 || t->mode == FG_RUN_LOCAL || t->mode == FG_RUN_CHECK)
		return rc;
	if ((rc = connect_db(t)) < 0)
		return rc;
	if (is_job(t) && t->job->exclusive && (rc = take_lock(t)) != 0)
		return rc;
	if (is_job(t) && (rc = record_start(t, "running")) < 0)
		return rc;
	return 0;
}

/* Record the outcome, flush stdout, report, release; the exit status. */
static int end(struct fg_tool *t, int status)
{
	PGcancel *c = cancel_handle;
	cancel_handle = NULL;
	PQfreeCancel(c);
	/* without a database no work is in hand: the tool's own status says
	 * what was done */
	if (fg_interrupted && uses_db(t)) {
		if (status == FG_EX_OK || status == FG_EX_FINDING)
			status = FG_EX_TEMPFAIL;
		fg_warn("interrupted by a signal; work in hand was rolled back or finished");
	}
	if (t->db != NULL && t->run_id > 0 && PQstatus(t->db) == CONNECTION_OK) {
		char id[24], code[16];
		const char *st = fg_interrupted                                    ? "interrupted"
				 : (status == FG_EX_OK || status == FG_EX_FINDING) ? "success"
										   : "failed";
		char *counts = t->counts ? json_dumps(t->counts, JSON_COMPACT) : NULL;
		const char *err = status == FG_EX_OK || status == FG_EX_FINDING ? NULL : fg_log_last_error();
		snprintf(id, sizeof(id), "%lld", (long long)t->run_id);
		snprintf(code, sizeof(code), "%d", status);
		fg_db_rollback(t->db);
		const char *params[] = { id, st, code, counts ? counts : "{}", err };
		PGresult *r = PQexecParams(t->db,
					   "UPDATE job_runs SET finished_at = clock_timestamp(), status = $2,"
					   " exit_code = $3, counts = $4::jsonb, error = $5 WHERE id = $1",
					   5, NULL, params, NULL, NULL, 0);
		/* a failed run that lost the server has said so in its own error
		 * line: one line per error */
		if (PQresultStatus(r) != PGRES_COMMAND_OK &&
		    (status == FG_EX_OK || PQstatus(t->db) == CONNECTION_OK))
			fg_error("cannot record job outcome: %s", PQerrorMessage(t->db));
		PQclear(r);
		free(counts);
	}
	if (status == FG_EX_OK && fg_cli_close_stdout() < 0)
		status = FG_EX_TEMPFAIL;
	if (t->monitored)
		fg_monitor_end(t->cfg, t->job, status, fg_elapsed_since(&t->t0), t->counts);
	if (t->db != NULL)
		PQfinish(t->db);
	t->db = NULL;
	fg_config_free(t->cfg);
	t->cfg = NULL;
	json_decref(t->counts);
	t->counts = NULL;
	fg_secret_clear();
	return status;
}

int fg_tool_main(const struct fg_tool_def *def, void *opts, int argc, char **argv)
{
	struct fg_tool t = { .def = def };
	int rc = fg_cli_parse(&t.cli, &def->info, argc, argv, def->on_opt, opts);
	int status;

	if (rc == FG_CLI_EXIT) {
		status = FG_EX_OK;
		goto out;
	}
	if (rc == FG_CLI_RUN && t.cli.check_config)
		rc = FG_RUN_CHECK;
	else if (rc == FG_CLI_RUN)
		rc = def->check != NULL ? def->check(opts) : FG_RUN_JOB;
	if (rc < 0) {
		status = fg_exit_for(rc);
		goto out;
	}
	t.mode = (enum fg_run_mode)rc;
	rc = begin(&t, opts);
	if (rc == 0 && t.mode == FG_RUN_CHECK)
		rc = check_config(&t);
	else if (rc == 0)
		rc = def->run(&t, opts);
	else if (rc == BUSY)
		rc = 0;
	status = end(&t, rc < 0 ? fg_exit_for(rc) : rc);
out:
	if (def->release != NULL)
		def->release(opts);
	return status;
}
