/*
 * budget_coverage.c - budgets that cannot see their costs.
 *
 * Two ways a budget reads "0.00 % ok" while money is spent: its cost data
 * is out of date (costsync stopped), or its scope names a warehouse or a
 * service type that has no cost row (a typo, or a type under a name
 * costsync does not store).  One statement (sql/budgets/coverage.sql)
 * gives, per connector in use, the last synced day and the names with
 * rows in the last FG_BUDGET_MATCH_DAYS days.  A connector whose last
 * synced day is more than its max_data_age days before the day evaluated
 * is stale: one warning per connector, every budget of it flagged.  C
 * looks every name of every scope up in the list (sorted byte-wise, so a
 * binary search) and warns once about each budget with a name not in it.
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
	long last;   /* last synced day, or -1 when never */
	bool warned; /* its staleness was reported */
};

struct known {
	const PGresult *r;
	struct conn_rows *c;
	int n;
};

static struct conn_rows *find_conn(const struct known *k, const char *connector)
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
		char kind = PQgetvalue(r, i, 1)[0];
		if (k->n == 0 || strcmp(k->c[k->n - 1].connector, conn) != 0) {
			struct conn_rows *v = realloc(k->c, (size_t)(k->n + 1) * sizeof(*v));
			if (v == NULL)
				return FG_ERR_INTERNAL;
			k->c = v;
			v[k->n++] = (struct conn_rows){ conn, i, i, i, i, -1, false };
		}
		struct conn_rows *c = &k->c[k->n - 1];
		if (kind == 'd') {
			if (PQgetisnull(r, i, 2) || fg_date_parse(PQgetvalue(r, i, 2), &c->last) < 0)
				c->last = -1;
			c->s0 = c->s1 = c->w0 = c->w1 = i + 1;
		} else if (kind == 's') {
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

/* Whether the budget's connector has data recent enough; warns once per connector. */
static bool fresh(struct conn_rows *c, const struct fg_budget *b, long as_of)
{
	char last[16], day[16];

	if (b->max_data_age == 0 || (c->last >= 0 && as_of - c->last <= b->max_data_age))
		return true;
	if (c->warned)
		return false;
	c->warned = true;
	fg_date_format(as_of, day, sizeof(day));
	if (c->last < 0) {
		fg_warn("cost data of connector '%s' is missing: costsync has never synced it, so every budget"
			" of it reads no spend; run costsync",
			b->connector);
		return false;
	}
	fg_date_format(c->last, last, sizeof(last));
	fg_warn("cost data of connector '%s' is stale: last synced day %s is %ld days before %s"
		" (max_data_age %d); check that costsync runs",
		b->connector, last, as_of - c->last, day, b->max_data_age);
	return false;
}

/* Check one budget; warn when some name matches nothing.  Returns the flags. */
static unsigned char check(struct known *k, const struct fg_budget *b, long as_of, const char *since)
{
	struct conn_rows *c = find_conn(k, b->connector);
	char missing[1024] = "";
	bool any = false;
	unsigned char flags = c != NULL && fresh(c, b, as_of) ? 0 : FG_BUDGET_STALE;

	/* without any cost row the connector is the problem, not the scope */
	if (c != NULL && c->s1 == c->s0)
		c = NULL;
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
	return flags | (any ? FG_BUDGET_UNMATCHED : 0);
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
		flags[i] |= check(&k, sel[i], as_of, since);
out:
	if (rc == FG_ERR_INTERNAL)
		fg_error("cannot check budget scopes: out of memory");
	free(k.c);
	PQclear(r);
	fg_pgarr_release(&conns);
	return rc;
}
