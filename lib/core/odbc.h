/*
 * odbc.h - read-only queries against Snowflake through unixODBC.
 *
 * Production uses Snowflake's ODBC driver; tests use the PostgreSQL ODBC
 * driver against the simulator (HACKING.md, Snowflake).  The SQL text is the
 * same for both, so this module only ever prepares, binds text parameters
 * (write CAST(? AS DATE) in the SQL) and fetches every column as text.
 *
 * Results are fetched in blocks (SQL_ATTR_ROW_ARRAY_SIZE, column-wise
 * binding) so memory stays bounded whatever the number of rows.  A value
 * longer than its column buffer (16 KiB for wide columns) is an error
 * naming the column rather than a silent truncation.
 *
 * Errors are logged once, with every diagnostic record folded into one
 * line ("SQLSTATE 08001: ..."); secrets registered with fg_secret_add never
 * appear.  Return codes: FG_ERR_TEMP for connection trouble and timeouts
 * (SQLSTATE 08xxx, HYT00, HYT01), FG_ERR otherwise.
 */
#ifndef FG_ODBC_H
#define FG_ODBC_H

#include <stdbool.h>
#include <stddef.h>

struct fg_odbc;
struct fg_odbc_stmt;

/*
 * How far SNOWFLAKE.ACCOUNT_USAGE views lag behind events, in seconds:
 * Snowflake documents up to 45 minutes to 3 hours by view; 4 hours
 * covers them all.  Readers of event views re-read this margin before
 * their watermark.
 */
#define FG_ACCOUNT_USAGE_LATENCY (4 * 3600)

/*
 * Connect with an ODBC connection string ("DSN=x;UID=y" or "Driver=...").
 * label names the connector in messages.  connect_timeout in seconds (0:
 * the driver's default).  Returns 0 or < 0 after logging; *out is NULL on
 * error.
 */
int fg_odbc_connect(const char *connstr, const char *label, int connect_timeout, struct fg_odbc **out);
/*
 * Cap the rows fetched per block by later queries on db (rows >= 1; the
 * default is what fits the 4 MiB buffer budget, at most 1024 rows).
 */
void fg_odbc_set_fetch_rows(struct fg_odbc *db, int rows);
/* Disconnect and free; accepts NULL. */
void fg_odbc_close(struct fg_odbc *db);

/*
 * Prepare and execute sql with nparams text parameters (NULL pointer binds
 * SQL NULL).  what names the query in messages ("read
 * WAREHOUSE_METERING_HISTORY").  query_timeout in seconds (0: none).
 * Returns 0 and a statement to fetch from, or < 0 after logging.
 */
int fg_odbc_query(struct fg_odbc *db, const char *what, const char *sql, int nparams,
		  const char *const *params, int query_timeout, struct fg_odbc_stmt **out);

/*
 * Next row: returns 1 and sets *row to an array of ncols strings (NULL for
 * SQL NULL) valid until the next call; 0 at the end; < 0 after logging.
 */
int fg_odbc_fetch(struct fg_odbc_stmt *st, const char *const **row);
int fg_odbc_ncols(const struct fg_odbc_stmt *st);
/* Column name (as the driver reports it), borrowed. */
const char *fg_odbc_colname(const struct fg_odbc_stmt *st, int col);
/* Rows fetched so far. */
long fg_odbc_rows(const struct fg_odbc_stmt *st);
void fg_odbc_stmt_free(struct fg_odbc_stmt *st);

/*
 * The version of the ODBC driver manager loaded at run time, as
 * "2.3 (ODBC 3.52)", into buf; "unknown" when it cannot say.
 */
void fg_odbc_dm_version(char *buf, size_t size);

/* SQLSTATE of the last error on db (e.g. "42S02"), or "" when none. */
const char *fg_odbc_last_sqlstate(const struct fg_odbc *db);
/*
 * True when the last error on db is Snowflake refusing for good: no such
 * object or no privilege, bad authorization, a feature not supported
 * (SQLSTATE classes 42, 28, 0A).  Asked again, it will refuse again.
 */
bool fg_odbc_refused(const struct fg_odbc *db);
/* The last error on db as one line (redact before printing). */
const char *fg_odbc_last_error(const struct fg_odbc *db);
/*
 * With quiet, a query on db that the service refuses (anything but the
 * temporary failures above) is not logged: the caller reports it once,
 * with fg_odbc_last_error, at the level it decides.  Temporary failures
 * are always logged.
 */
void fg_odbc_set_quiet(struct fg_odbc *db, bool quiet);

#endif
