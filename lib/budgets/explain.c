/*
 * explain.c - budgetcheck --explain: who spent one budget's money.
 *
 * The budget's spend comes from the evaluation (the same statement and
 * figures as a run), then sql/budgets/attribution/explain.sql breaks it
 * down per warehouse, user, role, query tag and query hash from what
 * costsync attributed, with the idle and unattributed lines that make
 * every dimension add up to that spend exactly.  Read-only: two
 * statements (plus the evaluation's session settings), whatever the
 * number of lines.  Money stays decimal text from PostgreSQL.
 */
#include "budget_array.h"
#include "budget_attr.h"
#include "budget_eval.h"
#include "clock.h"
#include "db.h"
#include "exitcode.h"
#include "explain.h"
#include "fg_sql_budgets.h"
#include "log.h"

#include <stdlib.h>
#include <string.h>

/* Text output shows this many names per dimension, then one line for the rest. */
#define TEXT_LINES 10

const char *const fg_explain_dims[] = { "warehouse", "user", "role", "query_tag", "query", NULL };

enum {
	X_DIM,
	X_KIND,
	X_NAME,
	X_AMOUNT,
	X_QUERIES,
	X_SAMPLE,
	X_SHARE,
	X_REST,
	X_RESTN
};

/* What the scope covers of the attributed costs. */
static void coverage(const struct fg_budget *b, bool *all_wh, bool *qas)
{
	*all_wh = b->account || b->attr != FG_ATTR_NONE;
	*qas = b->account || b->attr != FG_ATTR_NONE;
	for (int i = 0; i < b->nservices; i++) {
		*all_wh |= strcmp(b->services[i], "WAREHOUSE_METERING") == 0;
		*qas |= strcmp(b->services[i], "QUERY_ACCELERATION") == 0;
	}
}

static const char *val(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
}

static json_t *jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *document(const struct fg_budget *b, const char *since, const char *until, const char *end,
			const char *spend, const PGresult *r)
{
	json_t *doc = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "budget", b->name, "connector",
				b->connector, "scope", b->scope, "period", fg_period_name(b->period),
				"period_start", since, "period_end", end, "through", until, "currency",
				b->currency, "spend", spend);
	json_t *bd = json_object(), *cur = NULL;
	const char *curdim = "";

	json_object_set_new(doc, "breakdown", bd);
	for (int i = 0; i < PQntuples(r); i++) {
		const char *dim = PQgetvalue(r, i, X_DIM), *kind = PQgetvalue(r, i, X_KIND);
		if (strcmp(dim, curdim) != 0) {
			cur = json_pack("{s:[],s:s}", "lines", "total", spend);
			json_object_set_new(bd, dim, cur);
			curdim = dim;
		}
		if (strcmp(kind, "0") == 0) {
			json_t *l = json_pack("{s:o,s:o,s:o}", "name", jstr(val(r, i, X_NAME)), "amount",
					      jstr(val(r, i, X_AMOUNT)), "share", jstr(val(r, i, X_SHARE)));
			if (val(r, i, X_QUERIES))
				json_object_set_new(
					l, "queries",
					json_integer(strtoll(PQgetvalue(r, i, X_QUERIES), NULL, 10)));
			if (strcmp(dim, "query") == 0)
				json_object_set_new(l, "sample_query_id", jstr(val(r, i, X_SAMPLE)));
			json_array_append_new(json_object_get(cur, "lines"), l);
		} else {
			json_object_set_new(cur, PQgetvalue(r, i, X_NAME), jstr(val(r, i, X_AMOUNT)));
		}
	}
	return doc;
}

static void print_text(FILE *out, const struct fg_budget *b, const char *since, const char *until,
		       const char *spend, const PGresult *r)
{
	const char *curdim = "";
	int shown = 0;

	fprintf(out, "budget %s (%s) on %s, %s %s..%s: spend %s %s\n", b->name, b->scope, b->connector,
		fg_period_name(b->period), since, until, spend, b->currency);
	for (int i = 0; i < PQntuples(r); i++) {
		const char *dim = PQgetvalue(r, i, X_DIM), *name = PQgetvalue(r, i, X_NAME);
		bool line = strcmp(PQgetvalue(r, i, X_KIND), "0") == 0;
		const char *share = val(r, i, X_SHARE);
		if (strcmp(dim, curdim) != 0) {
			fprintf(out, "\nby %s%*s%14s %7s %9s\n", dim, (int)(40 - strlen(dim)), "", "amount",
				"share", "queries");
			curdim = dim;
			shown = 0;
		}
		if (line && shown == TEXT_LINES) {
			char more[64];
			snprintf(more, sizeof(more), "(%s more)", PQgetvalue(r, i, X_RESTN));
			fprintf(out, "  %-41s %14s\n", more, PQgetvalue(r, i, X_REST));
		}
		if (line && shown++ >= TEXT_LINES)
			continue;
		if (line && *name == '\0')
			name = "(none)";
		if (val(r, i, X_QUERIES))
			fprintf(out, "  %-41.41s %14s %6s%% %9s\n", name, PQgetvalue(r, i, X_AMOUNT),
				share ? share : "-", PQgetvalue(r, i, X_QUERIES));
		else
			fprintf(out, "  %-41.41s %14s %6s%%\n", name, PQgetvalue(r, i, X_AMOUNT),
				share ? share : "-");
		if (strcmp(PQgetvalue(r, i, X_KIND), "2") == 0)
			fprintf(out, "  %-41s %14s %6s%%\n", "total", spend, "100.0");
	}
}

int fg_budget_explain(PGconn *db, const struct fg_budget_set *set, const struct fg_explain_opts *o, FILE *out)
{
	const struct fg_budget *b = NULL;
	struct fg_pgarr arr[4];
	PGresult *ev = NULL, *r = NULL;
	long ps, pe, until;
	char since_s[16], until_s[16], end_s[16], *spend = NULL;
	bool all_wh, qas;
	int rc = 0;

	for (int i = 0; i < set->n && b == NULL; i++)
		if (set->v[i].selected)
			b = &set->v[i];
	if (b == NULL) {
		fg_error("no budget to explain: name an enabled budget");
		return FG_ERR_USAGE;
	}
	if (o->by != NULL && strcmp(o->by, "query") == 0 && b->attr != FG_ATTR_NONE) {
		fg_error("cannot break budget '%s' down by query: query hashes are kept per warehouse, not"
			 " per %s; use --by warehouse",
			 b->name, fg_budget_attr_dim(b->attr));
		return FG_ERR_USAGE;
	}
	fg_period_bounds(b->period, o->as_of, &ps, &pe);
	until = o->as_of;
	if (o->previous) {
		fg_period_bounds(b->period, ps - 1, &ps, &pe);
		until = pe;
	}
	fg_date_format(ps, since_s, sizeof(since_s));
	fg_date_format(until, until_s, sizeof(until_s));
	fg_date_format(pe, end_s, sizeof(end_s));
	if ((rc = fg_budget_eval_query(db, set, until, &ev)) < 0)
		return rc;
	if (PQntuples(ev) != 1) {
		fg_error("cannot explain budget '%s': the evaluation gave %d rows", b->name, PQntuples(ev));
		rc = FG_ERR_INTERNAL;
		goto out;
	}
	if (strcmp(PQgetvalue(ev, 0, EV_BLIND), "t") == 0) {
		fg_warn("budget '%s' is not evaluated: connector '%s' has no cost attribution (its last sync"
			" could not read QUERY_ATTRIBUTION_HISTORY)",
			b->name, b->connector);
		if (o->json) {
			json_t *d = json_pack("{s:s,s:s,s:s}", "budget", b->name, "connector", b->connector,
					      "status", "not_evaluated");
			rc = json_dumpf(d, out, JSON_INDENT(2)) == 0 ? 0 : FG_ERR_INTERNAL;
			fputc('\n', out);
			json_decref(d);
		}
		goto out;
	}
	const char *total = PQgetvalue(ev, 0, EV_SPEND);
	spend = strdup(PQgetvalue(ev, 0, EV_SPEND2));
	coverage(b, &all_wh, &qas);
	for (int i = 0; i < 4; i++)
		fg_pgarr_init(&arr[i]);
	for (size_t i = 0; fg_explain_dims[i] != NULL; i++) {
		bool want = o->by ? strcmp(o->by, fg_explain_dims[i]) == 0 : true;
		if (want && !(b->attr != FG_ATTR_NONE && strcmp(fg_explain_dims[i], "query") == 0))
			fg_pgarr_add(&arr[0], fg_explain_dims[i]);
	}
	for (int i = 0; i < b->nwarehouses; i++)
		fg_pgarr_add(&arr[1], b->warehouses[i]);
	for (int i = 0; i < b->nattr; i++) {
		size_t len = 2 * strlen(b->attr_names[i]) + 3;
		char *rx = malloc(len);
		bool pattern = rx != NULL && fg_budget_attr_regex(b->attr_names[i], rx, len) == 1;
		fg_pgarr_add(&arr[2], b->attr_names[i]);
		fg_pgarr_add(&arr[3], pattern ? rx : NULL);
		free(rx);
	}
	const char *a[4];
	for (int i = 0; i < 4; i++)
		if ((a[i] = fg_pgarr_finish(&arr[i])) == NULL)
			rc = FG_ERR_INTERNAL;
	if (rc == 0 && spend != NULL) {
		const struct fg_sql_arg args[] = {
			{ "connector", b->connector },
			{ "since", since_s },
			{ "until", until_s },
			{ "total", total },
			{ "dims", a[0] },
			{ "all_warehouses", all_wh ? "t" : "f" },
			{ "warehouses", a[1] },
			{ "with_qas", qas ? "t" : "f" },
			{ "attr_dim", b->attr != FG_ATTR_NONE ? fg_budget_attr_dim(b->attr) : NULL },
			{ "attr_names", a[2] },
			{ "attr_regexes", a[3] },
		};
		r = fg_sql_query(db, &rc, "break the spend down", &fg_sql_budgets_attribution_explain, args,
				 FG_SQL_COUNT(args));
	} else if (rc == 0) {
		rc = FG_ERR_INTERNAL;
	}
	for (int i = 0; i < 4; i++)
		fg_pgarr_release(&arr[i]);
	if (r == NULL)
		goto out;
	if (o->json) {
		json_t *d = document(b, since_s, until_s, end_s, spend, r);
		if (d == NULL || json_dumpf(d, out, JSON_INDENT(2)) < 0)
			rc = FG_ERR_INTERNAL;
		fputc('\n', out);
		json_decref(d);
	} else {
		print_text(out, b, since_s, until_s, spend, r);
	}
out:
	if (rc == FG_ERR_INTERNAL)
		fg_error("cannot explain budget '%s': out of memory", b->name);
	free(spend);
	PQclear(r);
	PQclear(ev);
	return rc;
}
