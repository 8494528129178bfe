/*
 * odbc.c - unixODBC connection, prepared queries, block fetch as text.
 *
 * Lifecycle: fg_odbc_connect (env + dbc handles, connected) ->
 * fg_odbc_query (stmt handle, executed, columns bound) -> fg_odbc_fetch
 * until 0 -> fg_odbc_stmt_free -> fg_odbc_close.
 *
 * Column buffers: one array per column of rowset * width bytes, plus an
 * indicator array.  width is the described column size + 1, capped at
 * WIDE_COLUMN; the rowset is sized so all buffers stay under
 * BUFFER_BUDGET bytes.
 */
#include "odbc.h"
#include "exitcode.h"
#include "log.h"

#include <sql.h>
#include <sqlext.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WIDE_COLUMN 16384
#define BUFFER_BUDGET (4 * 1024 * 1024)
#define MAX_ROWSET 1024

struct fg_odbc {
	SQLHENV env;
	SQLHDBC dbc;
	char *label;
	SQLULEN max_rowset;
	bool quiet; /* leave refusals (not temporary failures) to the caller */
	char sqlstate[6];
	char error[1024];
};

struct col {
	char name[128];
	SQLLEN width;
	char *buf;
	SQLLEN *ind;
};

struct fg_odbc_stmt {
	struct fg_odbc *db;
	SQLHSTMT h;
	char *what;
	int ncols;
	struct col *cols;
	SQLULEN rowset, fetched, pos;
	SQLUSMALLINT *status;
	const char **row;
	long rows;
	bool done;
};

/* Collect diagnostics of a handle into db->error / db->sqlstate. */
static void collect(struct fg_odbc *db, SQLSMALLINT type, SQLHANDLE h)
{
	SQLCHAR state[6], msg[512];
	SQLINTEGER native;
	SQLSMALLINT len;
	size_t used = 0;

	db->error[0] = '\0';
	db->sqlstate[0] = '\0';
	for (SQLSMALLINT i = 1; i <= 8; i++) {
		if (!SQL_SUCCEEDED(SQLGetDiagRec(type, h, i, state, &native, msg, sizeof(msg), &len)))
			break;
		if (i == 1)
			snprintf(db->sqlstate, sizeof(db->sqlstate), "%s", (char *)state);
		int n = snprintf(db->error + used, sizeof(db->error) - used, "%sSQLSTATE %s: %s",
				 used ? "; " : "", (char *)state, (char *)msg);
		if (n < 0 || (size_t)n >= sizeof(db->error) - used)
			break;
		used += (size_t)n;
	}
	if (db->error[0] == '\0')
		snprintf(db->error, sizeof(db->error), "no diagnostic from the ODBC driver");
}

static int classify(const char *state)
{
	if (strncmp(state, "08", 2) == 0 || strcmp(state, "HYT00") == 0 || strcmp(state, "HYT01") == 0 ||
	    strcmp(state, "57014") == 0 || strcmp(state, "40001") == 0)
		return FG_ERR_TEMP;
	return FG_ERR;
}

int fg_odbc_connect(const char *connstr, const char *label, int connect_timeout, struct fg_odbc **out)
{
	struct fg_odbc *db = calloc(1, sizeof(*db));
	SQLRETURN r;
	int rc;

	*out = NULL;
	if (db == NULL || (db->label = strdup(label)) == NULL) {
		free(db);
		return FG_ERR_INTERNAL;
	}
	if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &db->env)) ||
	    !SQL_SUCCEEDED(SQLSetEnvAttr(db->env, SQL_ATTR_ODBC_VERSION, (SQLPOINTER)SQL_OV_ODBC3, 0)) ||
	    !SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_DBC, db->env, &db->dbc))) {
		fg_error("connector '%s': cannot initialise the ODBC driver manager", label);
		fg_odbc_close(db);
		return FG_ERR_TEMP;
	}
	if (connect_timeout > 0) {
		SQLSetConnectAttr(db->dbc, SQL_ATTR_LOGIN_TIMEOUT, (SQLPOINTER)(SQLULEN)connect_timeout, 0);
		SQLSetConnectAttr(db->dbc, SQL_ATTR_CONNECTION_TIMEOUT, (SQLPOINTER)(SQLULEN)connect_timeout,
				  0);
	}
	r = SQLDriverConnect(db->dbc, NULL, (SQLCHAR *)connstr, SQL_NTS, NULL, 0, NULL, SQL_DRIVER_NOPROMPT);
	if (!SQL_SUCCEEDED(r)) {
		collect(db, SQL_HANDLE_DBC, db->dbc);
		/* a data source or driver that does not exist (IM0xx, or any
		 * refusal by the driver manager itself, which unixODBC reports as
		 * 01000 for a driver library it cannot open) or a login refused
		 * (28xxx) stays so until someone edits odbc.ini or the
		 * credentials: configuration, not worth retrying; anything else
		 * (network, timeouts, the service) may pass by itself */
		bool permanent = strncmp(db->sqlstate, "IM", 2) == 0 || strncmp(db->sqlstate, "28", 2) == 0 ||
				 strstr(db->error, "[Driver Manager]") != NULL;
		rc = permanent ? FG_ERR_CONFIG : FG_ERR_TEMP;
		fg_error("connector '%s': cannot connect through ODBC: %s%s", label, db->error,
			 permanent ? "; check the connector's odbc string, odbc.ini and the credentials"
				   : "");
		SQLFreeHandle(SQL_HANDLE_DBC, db->dbc);
		db->dbc = SQL_NULL_HDBC;
		fg_odbc_close(db);
		return rc;
	}
	SQLSetConnectAttr(db->dbc, SQL_ATTR_ACCESS_MODE, (SQLPOINTER)SQL_MODE_READ_ONLY, 0);
	db->max_rowset = MAX_ROWSET;
	*out = db;
	return 0;
}

void fg_odbc_set_fetch_rows(struct fg_odbc *db, int rows)
{
	db->max_rowset = rows < 1 ? 1 : (SQLULEN)rows;
}

void fg_odbc_close(struct fg_odbc *db)
{
	if (db == NULL)
		return;
	if (db->dbc != SQL_NULL_HDBC) {
		SQLDisconnect(db->dbc);
		SQLFreeHandle(SQL_HANDLE_DBC, db->dbc);
	}
	if (db->env != SQL_NULL_HENV)
		SQLFreeHandle(SQL_HANDLE_ENV, db->env);
	free(db->label);
	free(db);
}

const char *fg_odbc_last_sqlstate(const struct fg_odbc *db)
{
	return db->sqlstate;
}

bool fg_odbc_refused(const struct fg_odbc *db)
{
	const char *st = fg_odbc_last_sqlstate(db);
	return strncmp(st, "42", 2) == 0 || strncmp(st, "28", 2) == 0 || strncmp(st, "0A", 2) == 0;
}

const char *fg_odbc_last_error(const struct fg_odbc *db)
{
	return db->error;
}

void fg_odbc_set_quiet(struct fg_odbc *db, bool quiet)
{
	db->quiet = quiet;
}

static int stmt_error(struct fg_odbc_stmt *st, const char *action)
{
	collect(st->db, SQL_HANDLE_STMT, st->h);
	int rc = classify(st->db->sqlstate);
	if (!st->db->quiet || rc == FG_ERR_TEMP)
		fg_error("connector '%s': cannot %s (%s): %s", st->db->label, st->what, action,
			 st->db->error);
	return rc;
}

void fg_odbc_stmt_free(struct fg_odbc_stmt *st)
{
	if (st == NULL)
		return;
	if (st->h != SQL_NULL_HSTMT) {
		SQLCloseCursor(st->h);
		SQLFreeHandle(SQL_HANDLE_STMT, st->h);
	}
	for (int i = 0; st->cols && i < st->ncols; i++) {
		free(st->cols[i].buf);
		free(st->cols[i].ind);
	}
	free(st->cols);
	free(st->status);
	free(st->row);
	free(st->what);
	free(st);
}

int fg_odbc_query(struct fg_odbc *db, const char *what, const char *sql, int nparams,
		  const char *const *params, int query_timeout, struct fg_odbc_stmt **out)
{
	struct fg_odbc_stmt *st = calloc(1, sizeof(*st));
	SQLLEN *plen = NULL;
	SQLSMALLINT ncols = 0;
	int rc = FG_ERR;

	*out = NULL;
	if (st == NULL || (st->what = strdup(what)) == NULL) {
		free(st);
		return FG_ERR_INTERNAL;
	}
	st->db = db;
	if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_STMT, db->dbc, &st->h))) {
		collect(db, SQL_HANDLE_DBC, db->dbc);
		fg_error("connector '%s': cannot %s: %s", db->label, what, db->error);
		rc = classify(db->sqlstate);
		st->h = SQL_NULL_HSTMT;
		goto fail;
	}
	if (query_timeout > 0)
		SQLSetStmtAttr(st->h, SQL_ATTR_QUERY_TIMEOUT, (SQLPOINTER)(SQLULEN)query_timeout, 0);
	if (!SQL_SUCCEEDED(SQLPrepare(st->h, (SQLCHAR *)sql, SQL_NTS))) {
		rc = stmt_error(st, "prepare");
		goto fail;
	}
	if (nparams > 0 && (plen = calloc((size_t)nparams, sizeof(*plen))) == NULL) {
		rc = FG_ERR_INTERNAL;
		goto fail;
	}
	for (int i = 0; i < nparams; i++) {
		size_t len = params[i] ? strlen(params[i]) : 0;
		plen[i] = params[i] ? SQL_NTS : SQL_NULL_DATA;
		if (!SQL_SUCCEEDED(SQLBindParameter(st->h, (SQLUSMALLINT)(i + 1), SQL_PARAM_INPUT, SQL_C_CHAR,
						    SQL_VARCHAR, len > 0 ? len : 1, 0, (SQLPOINTER)params[i],
						    0, &plen[i]))) {
			rc = stmt_error(st, "bind parameter");
			goto fail;
		}
	}
	SQLRETURN r = SQLExecute(st->h);
	if (!SQL_SUCCEEDED(r) && r != SQL_NO_DATA) {
		rc = stmt_error(st, "execute");
		goto fail;
	}
	free(plen);
	plen = NULL;
	if (!SQL_SUCCEEDED(SQLNumResultCols(st->h, &ncols))) {
		rc = stmt_error(st, "describe result");
		goto fail;
	}
	st->ncols = ncols;
	if (ncols == 0) {
		st->done = true;
		*out = st;
		return 0;
	}
	st->cols = calloc((size_t)ncols, sizeof(*st->cols));
	st->row = calloc((size_t)ncols, sizeof(*st->row));
	if (st->cols == NULL || st->row == NULL) {
		rc = FG_ERR_INTERNAL;
		goto fail;
	}
	SQLLEN rowbytes = 0;
	for (int i = 0; i < ncols; i++) {
		SQLSMALLINT nlen, type, digits, nullable;
		SQLULEN size;
		if (!SQL_SUCCEEDED(SQLDescribeCol(st->h, (SQLUSMALLINT)(i + 1), (SQLCHAR *)st->cols[i].name,
						  sizeof(st->cols[i].name), &nlen, &type, &size, &digits,
						  &nullable))) {
			rc = stmt_error(st, "describe column");
			goto fail;
		}
		/* text form of numbers/dates needs room for sign, point, exponent */
		SQLLEN w = (SQLLEN)size + 8;
		if (type == SQL_TYPE_TIMESTAMP || type == SQL_TYPE_DATE || type == SQL_TYPE_TIME ||
		    type == SQL_TIMESTAMP || type == SQL_DATE)
			w = 64;
		if (type == SQL_DECIMAL || type == SQL_NUMERIC || type == SQL_DOUBLE || type == SQL_FLOAT ||
		    type == SQL_REAL || type == SQL_BIGINT || type == SQL_INTEGER)
			w = size > 80 ? 140 : 80;
		if (size == 0 || w > WIDE_COLUMN || w < 0)
			w = WIDE_COLUMN;
		/* UTF-8 text can take 4 bytes per character of the declared size */
		if ((type == SQL_WVARCHAR || type == SQL_WCHAR || type == SQL_WLONGVARCHAR) &&
		    w < WIDE_COLUMN)
			w = w * 4 > WIDE_COLUMN ? WIDE_COLUMN : w * 4;
		st->cols[i].width = w;
		rowbytes += w + (SQLLEN)sizeof(SQLLEN);
	}
	st->rowset = (SQLULEN)(BUFFER_BUDGET / rowbytes);
	if (st->rowset < 1)
		st->rowset = 1;
	if (st->rowset > db->max_rowset)
		st->rowset = db->max_rowset;
	st->status = calloc(st->rowset, sizeof(*st->status));
	if (st->status == NULL) {
		rc = FG_ERR_INTERNAL;
		goto fail;
	}
	SQLSetStmtAttr(st->h, SQL_ATTR_ROW_BIND_TYPE, (SQLPOINTER)SQL_BIND_BY_COLUMN, 0);
	if (!SQL_SUCCEEDED(SQLSetStmtAttr(st->h, SQL_ATTR_ROW_ARRAY_SIZE, (SQLPOINTER)st->rowset, 0)))
		st->rowset = 1;
	SQLSetStmtAttr(st->h, SQL_ATTR_ROW_STATUS_PTR, st->status, 0);
	SQLSetStmtAttr(st->h, SQL_ATTR_ROWS_FETCHED_PTR, &st->fetched, 0);
	for (int i = 0; i < ncols; i++) {
		struct col *c = &st->cols[i];
		c->buf = malloc(st->rowset * (size_t)c->width);
		c->ind = calloc(st->rowset, sizeof(*c->ind));
		if (c->buf == NULL || c->ind == NULL) {
			rc = FG_ERR_INTERNAL;
			goto fail;
		}
		if (!SQL_SUCCEEDED(
			    SQLBindCol(st->h, (SQLUSMALLINT)(i + 1), SQL_C_CHAR, c->buf, c->width, c->ind))) {
			rc = stmt_error(st, "bind column");
			goto fail;
		}
	}
	*out = st;
	return 0;
fail:
	free(plen);
	fg_odbc_stmt_free(st);
	return rc;
}

int fg_odbc_fetch(struct fg_odbc_stmt *st, const char *const **row)
{
	if (st->done)
		return 0;
	if (st->pos >= st->fetched) {
		st->fetched = 0;
		st->pos = 0;
		SQLRETURN r = SQLFetch(st->h);
		if (r == SQL_NO_DATA) {
			st->done = true;
			return 0;
		}
		if (!SQL_SUCCEEDED(r))
			return stmt_error(st, "fetch");
		if (st->fetched == 0) {
			st->done = true;
			return 0;
		}
	}
	while (st->pos < st->fetched && st->status[st->pos] == SQL_ROW_NOROW)
		st->pos++;
	if (st->pos >= st->fetched)
		return fg_odbc_fetch(st, row);
	for (int i = 0; i < st->ncols; i++) {
		struct col *c = &st->cols[i];
		SQLLEN ind = c->ind[st->pos];
		char *cell = c->buf + st->pos * (size_t)c->width;
		if (ind == SQL_NULL_DATA) {
			st->row[i] = NULL;
		} else if (ind == SQL_NO_TOTAL || ind >= c->width) {
			fg_error("connector '%s': %s: value in column %s of row %ld is longer than %ld bytes",
				 st->db->label, st->what, c->name, st->rows + 1, (long)c->width - 1);
			return FG_ERR_DATA;
		} else {
			cell[ind] = '\0';
			st->row[i] = cell;
		}
	}
	st->pos++;
	st->rows++;
	*row = st->row;
	return 1;
}

int fg_odbc_ncols(const struct fg_odbc_stmt *st)
{
	return st->ncols;
}

const char *fg_odbc_colname(const struct fg_odbc_stmt *st, int col)
{
	return col >= 0 && col < st->ncols ? st->cols[col].name : "";
}

long fg_odbc_rows(const struct fg_odbc_stmt *st)
{
	return st->rows;
}

void fg_odbc_dm_version(char *buf, size_t size)
{
	SQLHENV env = SQL_NULL_HENV;
	SQLHDBC dbc = SQL_NULL_HDBC;
	char v[32] = "";
	unsigned odbc_major, odbc_minor, dm_major, dm_minor;

	snprintf(buf, size, "unknown");
	if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &env)))
		return;
	SQLSetEnvAttr(env, SQL_ATTR_ODBC_VERSION, (SQLPOINTER)SQL_OV_ODBC3, 0);
	/* SQL_DM_VER needs a connection handle, not a connection:
	 * "03.52.0002.0003" is ODBC 3.52 from unixODBC 2.3 */
	if (SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_DBC, env, &dbc)) &&
	    SQL_SUCCEEDED(SQLGetInfo(dbc, SQL_DM_VER, v, sizeof(v), NULL)) &&
	    sscanf(v, "%u.%u.%u.%u", &odbc_major, &odbc_minor, &dm_major, &dm_minor) == 4)
		snprintf(buf, size, "%u.%u (ODBC %u.%02u)", dm_major, dm_minor, odbc_major, odbc_minor);
	if (dbc != SQL_NULL_HDBC)
		SQLFreeHandle(SQL_HANDLE_DBC, dbc);
	SQLFreeHandle(SQL_HANDLE_ENV, env);
}
