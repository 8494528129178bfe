/*
 * sqlfile.c - bind the values of a statement from sql/ by name.
 *
 * Binding is a lookup, nothing is parsed at run time: the build already
 * translated each statement and listed its parameter names (sqlfile.h).
 * Every name of the statement must be bound exactly once and every pair
 * must name a parameter, so a statement and its caller cannot drift apart
 * silently.  Only composed statements are translated here, with the same
 * code the build uses (sqlparam.c).
 */
#include "sqlfile.h"
#include "db.h"
#include "exitcode.h"
#include "log.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Index of the pair binding name, or -1. */
static int arg_of(const struct fg_sql_arg *args, int nargs, const char *name)
{
	for (int i = 0; i < nargs; i++)
		if (strcmp(args[i].name, name) == 0)
			return i;
	return -1;
}

static bool has_name(const struct fg_sql *q, const char *name)
{
	for (int k = 0; k < q->pq_n; k++)
		if (strcmp(q->pq_names[k], name) == 0)
			return true;
	return false;
}

int fg_sql_bind(const struct fg_sql *q, enum fg_sql_style style, const struct fg_sql_arg *args, int nargs,
		struct fg_sql_bound *out)
{
	const char *const *names = style == FG_SQL_ODBC ? q->odbc_names : q->pq_names;
	int n = style == FG_SQL_ODBC ? q->odbc_n : q->pq_n;

	out->text = style == FG_SQL_ODBC ? q->odbc : q->pq;
	out->n = 0;
	if (style == FG_SQL_NAMED || out->text == NULL || n > FG_SQL_MAX_PARAMS) {
		fg_error("statement '%s': cannot be bound in this form", q->path);
		return FG_ERR_INTERNAL;
	}
	for (int i = 0; i < nargs; i++) {
		if (!has_name(q, args[i].name)) {
			fg_error("statement '%s': no parameter :%s to bind", q->path, args[i].name);
			return FG_ERR_INTERNAL;
		}
		if (arg_of(args, i, args[i].name) >= 0) {
			fg_error("statement '%s': parameter :%s bound twice", q->path, args[i].name);
			return FG_ERR_INTERNAL;
		}
	}
	for (int k = 0; k < n; k++) {
		int i = arg_of(args, nargs, names[k]);
		if (i < 0) {
			fg_error("statement '%s': parameter :%s is not bound", q->path, names[k]);
			return FG_ERR_INTERNAL;
		}
		out->values[k] = args[i].value;
	}
	out->n = n;
	return 0;
}

PGresult *fg_sql_query(PGconn *c, int *rc, const char *what, const struct fg_sql *q,
		       const struct fg_sql_arg *args, int nargs)
{
	struct fg_sql_bound b;

	if ((*rc = fg_sql_bind(q, FG_SQL_PQ, args, nargs, &b)) < 0)
		return NULL;
	return fg_db_query(c, rc, what, b.text, b.n, b.values);
}

int fg_sql_exec(PGconn *c, const char *what, const struct fg_sql *q, const struct fg_sql_arg *args, int nargs)
{
	struct fg_sql_bound b;
	int rc;

	if ((rc = fg_sql_bind(q, FG_SQL_PQ, args, nargs, &b)) < 0)
		return rc;
	return fg_db_exec(c, what, b.text, b.n, b.values);
}

void fg_sql_batch_add(struct fg_db_batch *b, const char *what, const struct fg_sql *q,
		      const struct fg_sql_arg *args, int nargs)
{
	struct fg_sql_bound bd;
	int rc;

	if ((rc = fg_sql_bind(q, FG_SQL_PQ, args, nargs, &bd)) < 0) {
		if (b->rc == 0)
			b->rc = rc;
		return;
	}
	fg_db_batch_add(b, what, bd.text, bd.n, bd.values);
}

int fg_sql_odbc_query(struct fg_odbc *db, const char *what, const struct fg_sql *q,
		      const struct fg_sql_arg *args, int nargs, int query_timeout, struct fg_odbc_stmt **out)
{
	struct fg_sql_bound b;
	int rc;

	*out = NULL;
	if ((rc = fg_sql_bind(q, FG_SQL_ODBC, args, nargs, &b)) < 0)
		return rc;
	return fg_odbc_query(db, what, b.text, b.n, b.values, query_timeout, out);
}

/* The three translations a composed statement owns. */
struct composed {
	struct fg_sqlparam form[3];
};

void fg_sql_release(struct fg_sql *q)
{
	struct composed *m = q->owned;

	if (m == NULL)
		return;
	for (int i = 0; i < 3; i++)
		fg_sqlparam_release(&m->form[i]);
	free(m);
	q->owned = NULL;
}

int fg_sql_compose(struct fg_sql *out, const char *prefix, const struct fg_sql *q, const char *suffix)
{
	static const enum fg_sql_style styles[3] = { FG_SQL_NAMED, FG_SQL_PQ, FG_SQL_ODBC };
	size_t lp = strlen(prefix), lq = strlen(q->named), ls = strlen(suffix);
	struct composed *m = calloc(1, sizeof(*m));
	char *text = malloc(lp + lq + ls + 1), err[160];
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (m == NULL || text == NULL) {
		free(m);
		free(text);
		fg_error("statement '%s': out of memory", q->path);
		return FG_ERR_INTERNAL;
	}
	memcpy(text, prefix, lp);
	memcpy(text + lp, q->named, lq);
	memcpy(text + lp + lq, suffix, ls + 1);
	for (int i = 0; i < 3 && rc == 0; i++)
		if ((rc = fg_sqlparam_translate(text, styles[i], &m->form[i], err, sizeof(err))) < 0)
			fg_error("statement '%s' composed: %s", q->path, err);
	free(text);
	out->owned = m;
	if (rc < 0) {
		fg_sql_release(out);
		return rc;
	}
	out->path = q->path;
	out->named = m->form[0].text;
	out->pq = m->form[1].text;
	out->pq_names = (const char *const *)m->form[1].names;
	out->pq_n = m->form[1].n;
	out->odbc = m->form[2].text;
	out->odbc_names = (const char *const *)m->form[2].names;
	out->odbc_n = m->form[2].n;
	return 0;
}
