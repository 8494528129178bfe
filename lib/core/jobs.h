/*
 * jobs.h - the table of flakeguard's jobs, one row per tool.
 *
 * The one place that says which jobs exist and, for each, the advisory
 * lock it takes, whether two runs of it exclude each other, and how often
 * it is expected to succeed.  The run skeleton (tool.c) takes the lock,
 * the monitoring hooks name their files and labels after the job, the
 * job-status report (snapshot --status) watches every row, and the config
 * file accepts one [status] key per row (config_keys.c), all from here.
 *
 * Lock ids are part of the contract with running hosts and with operators'
 * queries on pg_locks: add jobs at the end, never renumber.
 */
#ifndef FG_JOBS_H
#define FG_JOBS_H

#include <stdbool.h>
#include <stdint.h>

/* Per-job advisory locks are pg_try_advisory_lock(FG_LOCK_CLASS, lock_id). */
#define FG_LOCK_CLASS "1718381415"

/*
 * The rows, as an X-macro so that tables which must be constant
 * initializers (the config keys) expand from the same list.
 *
 *	  name            lock id  exclusive  expected interval, seconds
 */
#define FG_JOB_LIST(X)                   \
	X("costsync", 1, true, 86400)    \
	X("budgetcheck", 2, true, 3600)  \
	X("notifyd-once", 3, false, 300) \
	X("snapshot", 4, true, 86400)    \
	X("secscan", 5, true, 86400)

struct fg_job {
	const char *name; /* the tool and its job_runs.job */
	int lock_id;      /* second key of the advisory lock */
	bool exclusive;   /* runs take the lock; notifyd-once runs share
				 * the outbox through SKIP LOCKED instead */
	int64_t interval; /* default expected interval between successes
				 * ([status] overrides it; 0 = not watched) */
};

/* FG_JOB_LIST in order, terminated by a row whose name is NULL. */
extern const struct fg_job fg_jobs[];

/* The row named name, or NULL. */
const struct fg_job *fg_job_find(const char *name);

#endif
