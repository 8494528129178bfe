/*
 * budget_coverage.c - scopes that match no cost row.
 *
 * A budget whose scope names a warehouse or a service type that has no
 * cost row reads 0.00 % forever: a typo in a warehouse name, or a service
 * type under a name costsync does not store, looks exactly like no spend.
 * One statement (sql/budgets/coverage.sql) lists, per connector in use,
 * the names that have rows in the last FG_BUDGET_MATCH_DAYS days; C looks
 * every name of every scope up in that list (sorted byte-wise, so a
 * binary search) and warns about the budgets with a name not in it.
 */
#include "budget_coverage.h"
#include "budget_array.h"
#include "budget_names.h"
#include "clock.h"
#include "db.h"
#include "exitcode.h"
#include "fg_sql_budgets.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The rows of one connector: services [s0, s1), warehouses [w0, w1). */
struct conn_rows {
	const char *connector;
	int s0, s1, w0, w1;
};

struct known {
	const PGresult *r;
	struct conn_rows *c;
	int n;
};

static const struct conn_rows *find_conn(const struct known *k, const char *connector)
{
	for (int i = 0; i < k->n; i++)
		if (strcmp(k->c[i].connector, connector) == 0)
			return &k->c[i];
	return NULL;
}

/* Whether name is among the rows [lo, hi) (column 2, sorted byte-wise). */
static bool has(const PGresult *r, int lo, int hi, const char *name)
{
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2, c = strcmp(PQgetvalue(r, mid, 2), name);
		if (c == 0)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* Index the rows by connector and kind; returns 0 or FG_ERR_INTERNAL. */
static int index_rows(const PGresult *r, struct known *k)
{
	int rows = PQntuples(r);

	k->r = r;
	for (int i = 0; i < rows; i++) {
		const char *conn = PQgetvalue(r, i, 0);
		bool svc = PQgetvalue(r, i, 1)[0] == 's';
		if (k->n == 0 || strcmp(k->c[k->n - 1].connector, conn) != 0) {
			struct conn_rows *v = realloc(k->c, (size_t)(k->n + 1) * sizeof(*v));
			if (v == NULL)
				return FG_ERR_INTERNAL;
			k->c = v;
			v[k->n++] = (struct conn_rows){ conn, i, i, i, i };
		}
		struct conn_rows *c = &k->c[k->n - 1];
		if (svc) {
			c->s1 = i + 1;
			c->w0 = c->w1 = i + 1;
		} else {
			c->w1 = i + 1;
		}
	}
	return 0;
}

/* Append ", what 'name' (closest: A, B)" for a name that matches nothing. */
static void describe(char *buf, size_t len, const char *what, const char *name, const PGresult *r, int lo,
		     int hi)
{
	const char *known[64], *best[3];
	size_t used = strlen(buf);
	int n = 0, nb;

	for (int i = lo; i < hi && n < 64; i++)
		known[n++] = PQgetvalue(r, i, 2);
	nb = fg_budget_closest(name, known, n, best, 3);
	if (used < len)
		used += (size_t)snprintf(buf + used, len - used, "%s%s '%s'", used ? ", " : "", what, name);
	for (int i = 0; i < nb && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : " (closest: ", best[i]);
	if (nb > 0 && used < len)
		snprintf(buf + used, len - used, ")");
}

/* Check one budget; warn when some name matches nothing.  Returns the flags. */
static unsigned char check(const struct known *k, const struct fg_budget *b, const char *since)
{
	const struct conn_rows *c = find_conn(k, b->connector);
	char missing[1024] = "";
	bool any = false;

	for (int j = 0; j < b->nservices; j++)
		if (c == NULL || !has(k->r, c->s0, c->s1, b->services[j])) {
			any = true;
			if (c != NULL)
				describe(missing, sizeof(missing), "service type", b->services[j], k->r,
					 c->s0, c->s1);
		}
	for (int j = 0; j < b->nwarehouses; j++)
		if (c == NULL || !has(k->r, c->w0, c->w1, b->warehouses[j])) {
			any = true;
			if (c != NULL)
				describe(missing, sizeof(missing), "warehouse", b->warehouses[j], k->r, c->w0,
					 c->w1);
		}
	if (any && c != NULL)
		fg_warn("scope of budget '%s' matches no cost: no row since %s on connector '%s' for %s;"
			" correct the scope",
			b->name, since, b->connector, missing);
	return any ? FG_BUDGET_UNMATCHED : 0;
}

int fg_budget_coverage(PGconn *db, const struct fg_budget *const *sel, int nsel, long as_of,
		       unsigned char *flags)
{
	struct fg_pgarr conns;
	struct known k = { 0 };
	const char *last = NULL, *list;
	char since[16], asof[16];
	PGresult *r = NULL;
	int rc = 0;

	if (fg_pgarr_init(&conns) < 0)
		return FG_ERR_INTERNAL;
	/* Budgets of a connector usually come together: the list stays short. */
	for (int i = 0; i < nsel; i++)
		if (last == NULL || strcmp(last, sel[i]->connector) != 0)
			fg_pgarr_add(&conns, last = sel[i]->connector);
	if ((list = fg_pgarr_finish(&conns)) == NULL) {
		rc = FG_ERR_INTERNAL;
		goto out;
	}
	fg_date_format(as_of - (FG_BUDGET_MATCH_DAYS - 1), since, sizeof(since));
	fg_date_format(as_of, asof, sizeof(asof));
	const struct fg_sql_arg args[] = { { "connectors", list }, { "since", since }, { "as_of", asof } };
	r = fg_sql_query(db, &rc, "read the names scopes can match", &fg_sql_budgets_coverage, args,
			 FG_SQL_COUNT(args));
	if (r == NULL)
		goto out;
	if ((rc = index_rows(r, &k)) < 0)
		goto out;
	for (int i = 0; i < nsel; i++)
		if (sel[i]->nservices > 0 || sel[i]->nwarehouses > 0)
			flags[i] |= check(&k, sel[i], since);
out:
	if (rc == FG_ERR_INTERNAL)
		fg_error("cannot check budget scopes: out of memory");
	free(k.c);
	PQclear(r);
	fg_pgarr_release(&conns);
	return rc;
}
