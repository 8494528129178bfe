/*
 * sqlfile.h - SQL statements kept in sql/<part>/, bound by name.
 *
 * Long statements live in files under sql/ (sql/costs/, sql/budgets/,
 * sql/secscan/, sql/snapshot/; the migrations sql/NNN_*.sql are apart),
 * written with named parameters, :since or :connector (lexical rules in
 * sqlparam.h).  The build translates each file for both clients
 * (cmake/sqlembed.c, run by fg_embed_statements() in lib/CMakeLists.txt)
 * and compiles the result into the library of the part that uses it, so
 * a binary carries its SQL and nothing is parsed at run time; a malformed
 * file fails the build.  A part's statements are declared in its
 * generated fg_sql_<part>.h as
 *   extern const struct fg_sql fg_sql_<path with / and - as _>;
 * e.g. sql/budgets/evaluate.sql is fg_sql_budgets_evaluate (its libpq
 * text also fg_sql_budgets_evaluate_pq[]), and the NULL-terminated array
 * fg_sql_<part>[] lists them all.
 *
 * Values are bound by name, as text, through an array of {name, value}
 * pairs:
 *
 *	const struct fg_sql_arg args[] = {
 *		{ "connector", c->name },
 *		{ "since", w->since },
 *	};
 *	rc = fg_sql_exec(db, "store daily costs", &fg_sql_costs_upsert, args, FG_SQL_COUNT(args));
 *
 * The pairs must name exactly the statement's parameters, each once: a
 * missing, unknown or repeated name is an error at the call (logged,
 * FG_ERR_INTERNAL: a bug, exit 70), before anything is sent.  The order of
 * the pairs does not matter.  For libpq each name is one parameter $k,
 * for ODBC the value is bound at every ? the name became.  A NULL value
 * binds SQL NULL.  tests/unit/test_sqlfile.c pins every statement's
 * parameter names and checks that the code running it binds them all.
 *
 * A statement used inside another (a rule's query under the INSERT that
 * keeps its results, a diff counted or listed) is joined to it at run time
 * with fg_sql_compose(), which translates the whole the same way.
 */
#ifndef FG_SQLFILE_H
#define FG_SQLFILE_H

#include <libpq-fe.h>

#include "odbc.h"
#include "sqlparam.h"

/* One statement, translated for both clients. */
struct fg_sql {
	const char *path;            /* under sql/: "budgets/evaluate.sql" */
	const char *named;           /* canonical text, :name kept */
	const char *pq;              /* for libpq: $1..$n */
	const char *const *pq_names; /* pq_names[k] is $k+1 */
	int pq_n;
	const char *odbc;              /* for ODBC: ? */
	const char *const *odbc_names; /* the name of each ?, in order */
	int odbc_n;
	void *owned; /* composed: what fg_sql_release frees */
};

/* One value bound by name (without the colon); NULL value: SQL NULL. */
struct fg_sql_arg {
	const char *name;
	const char *value;
};

#define FG_SQL_COUNT(args) ((int)(sizeof(args) / sizeof((args)[0])))

/* Parameters a statement may have (distinct names, and ? in ODBC form). */
#define FG_SQL_MAX_PARAMS 64

/* A statement ready to send: text and values in placeholder order. */
struct fg_sql_bound {
	const char *text; /* borrowed from the statement */
	int n;
	const char *values[FG_SQL_MAX_PARAMS]; /* borrowed from the args */
};

/*
 * Order the values of args for q in style (FG_SQL_PQ or FG_SQL_ODBC).
 * Returns 0, or FG_ERR_INTERNAL after logging a name missing, unknown or
 * bound twice.
 */
int fg_sql_bind(const struct fg_sql *q, enum fg_sql_style style, const struct fg_sql_arg *args, int nargs,
		struct fg_sql_bound *out);

/*
 * fg_db_query() and fg_db_exec() for a statement bound by name: the same
 * results, logging and codes, plus FG_ERR_INTERNAL for a bad binding.
 */
PGresult *fg_sql_query(PGconn *c, int *rc, const char *what, const struct fg_sql *q,
		       const struct fg_sql_arg *args, int nargs);
int fg_sql_exec(PGconn *c, const char *what, const struct fg_sql *q, const struct fg_sql_arg *args,
		int nargs);

/* fg_db_batch_add() for a statement bound by name (see db.h). */
struct fg_db_batch;
void fg_sql_batch_add(struct fg_db_batch *b, const char *what, const struct fg_sql *q,
		      const struct fg_sql_arg *args, int nargs);

/* fg_odbc_query() for a statement bound by name. */
int fg_sql_odbc_query(struct fg_odbc *db, const char *what, const struct fg_sql *q,
		      const struct fg_sql_arg *args, int nargs, int query_timeout, struct fg_odbc_stmt **out);

/*
 * The statement prefix, q, suffix (all three with named parameters), e.g.
 * "SELECT op, count(*) FROM (", diff, ") x GROUP BY op".  Returns 0 and
 * fills *out (release with fg_sql_release), or FG_ERR_INTERNAL after
 * logging.  out->path is q's.
 */
int fg_sql_compose(struct fg_sql *out, const char *prefix, const struct fg_sql *q, const char *suffix);
/* Free a composed statement; accepts an embedded one (no-op). */
void fg_sql_release(struct fg_sql *q);

#endif
