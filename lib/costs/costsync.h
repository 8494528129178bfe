/*
 * costsync.h - daily Snowflake cost facts into PostgreSQL (costsync(1)).
 *
 * Three modules:
 *   costsync_config.c   which connectors a run syncs (the sections are
 *                       read by connector.c);
 *   costsync_extract.c  the extraction SQL (portable between Snowflake and
 *                       the simulator) and the stream of source rows into
 *                       a COPY on the PostgreSQL connection;
 *   costsync_attr.c     cost attribution (QUERY_ATTRIBUTION_HISTORY): users,
 *                       roles, query tags and query hashes, and the idle
 *                       compute that makes each warehouse's day add up
 *                       (attr_rollup.c sums them per user, role and tag);
 *   costsync.c          one transaction per connector: stage, price, diff,
 *                       upsert, reconcile, watermark; the run summary.
 *
 * Money is never a C number: prices travel as decimal text and every
 * multiplication happens in PostgreSQL NUMERIC (credits are only added
 * up in C, exactly, by attr_rollup.c).
 */
#ifndef FG_COSTSYNC_H
#define FG_COSTSYNC_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

#include "config.h"
#include "connector.h"
#include "odbc.h"

/*
 * Mark the connectors to run: the named ones (names, nnames > 0), even when
 * disabled, or every enabled one.  Returns 0, or FG_ERR_USAGE after
 * logging an unknown name.
 */
int fg_costsync_select(const struct fg_connector_set *set, char *const *names, int nnames, bool *run);

/* The run as the command line asked for it. */
struct fg_costsync_opts {
	char **names; /* --connector, repeatable */
	int nnames;
	long since, until; /* day numbers, -1 when not given */
	bool dry_run;
	bool json;
};

/* What one connector's sync read and changed. */
struct fg_costsync_stats {
	long rows_read; /* aggregated rows fetched from Snowflake */
	long rows;      /* cost rows in the window after pricing */
	long inserted, updated, deleted;
};

/*
 * Stream every extraction query for the window [since, until] (YYYY-MM-DD)
 * into `COPY stage FROM STDIN` on pg, and, when use_org_rates is set, the
 * contract rates into `COPY rates FROM STDIN`.  The COPY is started and
 * ended here; the caller owns the transaction.  Every number is checked;
 * a malformed one is FG_ERR_DATA naming view, row and column.  Returns 0
 * or < 0 after logging; stats->rows_read is filled.
 */
int fg_costsync_extract(const struct fg_connector *c, struct fg_odbc *src, PGconn *pg, const char *since,
			const char *until, struct fg_costsync_stats *stats);

/*
 * Start `COPY ... FROM STDIN` (sql, a literal) on pg; end it, committing
 * the rows when ok, else aborting it (which aborts the transaction).
 * Both return 0 or < 0 after logging (copy_end logs only when ok).
 */
int fg_costsync_copy_begin(PGconn *pg, const char *sql);
int fg_costsync_copy_end(PGconn *pg, bool ok);

/* What one connector's attribution read. */
struct fg_costsync_attr {
	bool available;   /* the view could be read */
	long rows, qrows; /* aggregated rows, query-hash rows */
	char reason[512]; /* why not, when !available */
};

/*
 * After daily_costs holds the window [since, until]: read the window's
 * attribution from Snowflake through src into attributed_costs,
 * attributed_queries and attribution_daily on pg, recompute its idle
 * compute, and record whether the view could be read (attribution_state).
 * A view the role may not read is one warning and a->available false,
 * returning 0.  Returns 0 or < 0 after logging (the transaction must then
 * be rolled back).
 */
int fg_costsync_attr_sync(const struct fg_connector *c, struct fg_odbc *src, PGconn *pg, const char *since,
			  const char *until, struct fg_costsync_attr *a);

/*
 * True when s is [+-]digits[.digits][(e|E)[+-]digits], the text both
 * engines give for a DECIMAL; false for NaN, Infinity, "", "1,5", "0x10".
 */
bool fg_costsync_is_number(const char *s);

/*
 * Sync every selected connector.  Fills *summary (new reference, a JSON
 * object {"dry_run", "connectors": [...]}) and prints the dry-run report
 * on stdout.  Returns 0 when every connector succeeded, FG_ERR_TEMP when
 * any failed temporarily, otherwise the first failure's code.
 */
struct fg_tool;
int fg_costsync_run(struct fg_tool *t, const struct fg_costsync_opts *o, json_t **summary);

#endif
