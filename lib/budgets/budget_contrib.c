/*
 * budget_contrib.c - the top contributors every budget alert names.
 *
 * A budget alert answers "who spent it" one level below its scope: an
 * account names its top warehouses and users, a warehouse its users and
 * query hashes, a user its warehouses and query tags, a role or a query
 * tag its users and warehouses.  Each contributor comes with its amount,
 * its share of the budget's spend and its change against the same days of
 * the previous period (day 1 to today's day of the period), from what
 * costsync attributed.  One statement covers every budget of the run that
 * sends a message, only when some does; the lines go into the body and a
 * "contributors" field, so every channel shows them.
 */
#include "budget_contrib.h"
#include "budget_array.h"
#include "budget_attr.h"
#include "budget_eval.h"
#include "clock.h"
#include "db.h"
#include "exitcode.h"
#include "fg_sql_budgets.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	C_KEY,
	C_DIM,
	C_RANK,
	C_NAME,
	C_AMOUNT,
	C_SHARE,
	C_CHANGE,
	C_NEW,
	C_SAMPLE
};

enum {
	A_KEY,
	A_CONN,
	A_LEVEL,
	A_SINCE,
	A_UNTIL,
	A_PSINCE,
	A_PUNTIL,
	A_SPEND,
	A_ALLWH,
	A_WHKEY,
	A_WHNAME,
	A_NKEY,
	A_NAME,
	A_NRX,
	A_COUNT
};

/* The level below which a budget's contributors are, or NULL. */
static const char *level_of(const struct fg_budget *b, bool *all_wh)
{
	*all_wh = false;
	if (b->attr != FG_ATTR_NONE)
		return fg_budget_attr_dim(b->attr);
	if (b->account)
		return "account";
	for (int i = 0; i < b->nservices; i++)
		if (strcmp(b->services[i], "WAREHOUSE_METERING") == 0)
			*all_wh = true;
	return *all_wh || b->nwarehouses > 0 ? "warehouse" : NULL;
}

int fg_budget_contrib_query(PGconn *db, const struct fg_budget *const *rows, const bool *want,
			    const PGresult *ev, long as_of, struct fg_budget_contrib *ct, long *stmts)
{
	struct fg_pgarr arr[A_COUNT];
	const char *a[A_COUNT];
	char buf[16];
	int rc = 0, n = 0;

	ct->r = NULL;
	for (int k = 0; k < A_COUNT; k++)
		fg_pgarr_init(&arr[k]);
	for (int i = 0; i < PQntuples(ev); i++) {
		const struct fg_budget *b = rows[i];
		bool all_wh;
		const char *level = want[i] ? level_of(b, &all_wh) : NULL;
		long ps, pe, pps, ppe, pu;
		if (level == NULL)
			continue;
		n++;
		fg_period_bounds(b->period, as_of, &ps, &pe);
		fg_period_bounds(b->period, ps - 1, &pps, &ppe);
		pu = pps + (as_of - ps) < ppe ? pps + (as_of - ps) : ppe;
		fg_pgarr_addf(&arr[A_KEY], "%d", i);
		fg_pgarr_add(&arr[A_CONN], b->connector);
		fg_pgarr_add(&arr[A_LEVEL], level);
		fg_date_format(ps, buf, sizeof(buf));
		fg_pgarr_add(&arr[A_SINCE], buf);
		fg_date_format(as_of, buf, sizeof(buf));
		fg_pgarr_add(&arr[A_UNTIL], buf);
		fg_date_format(pps, buf, sizeof(buf));
		fg_pgarr_add(&arr[A_PSINCE], buf);
		fg_date_format(pu, buf, sizeof(buf));
		fg_pgarr_add(&arr[A_PUNTIL], buf);
		fg_pgarr_add(&arr[A_SPEND], PQgetvalue(ev, i, EV_SPEND));
		fg_pgarr_add(&arr[A_ALLWH], all_wh ? "t" : "f");
		for (int j = 0; j < b->nwarehouses; j++) {
			fg_pgarr_addf(&arr[A_WHKEY], "%d", i);
			fg_pgarr_add(&arr[A_WHNAME], b->warehouses[j]);
		}
		for (int j = 0; j < b->nattr; j++) {
			size_t len = 2 * strlen(b->attr_names[j]) + 3;
			char *rx = malloc(len);
			if (rx == NULL) {
				rc = FG_ERR_INTERNAL;
				goto out;
			}
			bool pattern = fg_budget_attr_regex(b->attr_names[j], rx, len) == 1;
			fg_pgarr_addf(&arr[A_NKEY], "%d", i);
			fg_pgarr_add(&arr[A_NAME], b->attr_names[j]);
			fg_pgarr_add(&arr[A_NRX], pattern ? rx : NULL);
			free(rx);
		}
	}
	if (n == 0)
		goto out;
	for (int k = 0; k < A_COUNT; k++)
		if ((a[k] = fg_pgarr_finish(&arr[k])) == NULL) {
			rc = FG_ERR_INTERNAL;
			goto out;
		}
	const struct fg_sql_arg args[] = {
		{ "keys", a[A_KEY] },          { "connectors", a[A_CONN] },  { "levels", a[A_LEVEL] },
		{ "since", a[A_SINCE] },       { "until", a[A_UNTIL] },      { "prev_since", a[A_PSINCE] },
		{ "prev_until", a[A_PUNTIL] }, { "spends", a[A_SPEND] },     { "all_warehouses", a[A_ALLWH] },
		{ "wh_keys", a[A_WHKEY] },     { "wh_names", a[A_WHNAME] },  { "name_keys", a[A_NKEY] },
		{ "names", a[A_NAME] },        { "name_regexes", a[A_NRX] },
	};
	(*stmts)++;
	ct->r = fg_sql_query(db, &rc, "find the top contributors", &fg_sql_budgets_attribution_contributors,
			     args, FG_SQL_COUNT(args));
out:
	if (rc == FG_ERR_INTERNAL)
		fg_error("cannot find the top contributors: out of memory");
	for (int k = 0; k < A_COUNT; k++)
		fg_pgarr_release(&arr[k]);
	return rc;
}

static const char *plural(const char *dim)
{
	if (strcmp(dim, "warehouse") == 0)
		return "warehouses";
	if (strcmp(dim, "user") == 0)
		return "users";
	if (strcmp(dim, "query_tag") == 0)
		return "query tags";
	return "queries";
}

void fg_budget_contrib_render(const struct fg_budget_contrib *ct, int row, const char *currency, char *body,
			      size_t len, json_t *fields)
{
	const PGresult *r = ct->r;
	size_t used = strlen(body);
	json_t *list = NULL;
	const char *dim = "";

	for (int i = 0; r != NULL && i < PQntuples(r); i++) {
		if (strtol(PQgetvalue(r, i, C_KEY), NULL, 10) != row)
			continue;
		const char *d = PQgetvalue(r, i, C_DIM), *name = PQgetvalue(r, i, C_NAME);
		const char *amount = PQgetvalue(r, i, C_AMOUNT), *share = PQgetvalue(r, i, C_SHARE);
		const char *change = PQgetvalue(r, i, C_CHANGE);
		bool fresh = strcmp(PQgetvalue(r, i, C_NEW), "t") == 0;
		const char *sample = PQgetisnull(r, i, C_SAMPLE) ? NULL : PQgetvalue(r, i, C_SAMPLE);
		char item[640], delta[96];
		int w;

		if (fresh)
			snprintf(delta, sizeof(delta), "none on the same days of the previous period");
		else
			snprintf(delta, sizeof(delta), "%s%s %s on the same days of the previous period",
				 change[0] == '-' ? "" : "+", change, currency);
		snprintf(item, sizeof(item), "%s%s%s%s %s %s (%s%% of the spend, %s)",
			 strcmp(d, dim) == 0 ? "; " : "", *name ? name : "(none)",
			 sample ? " e.g. query " : "", sample ? sample : "", amount, currency,
			 share[0] ? share : "-", delta);
		if (strcmp(d, dim) != 0) {
			w = snprintf(body + used, len - used, "%sTop %s: ", *dim ? ".\n" : "", plural(d));
			if (w > 0 && (size_t)w < len - used)
				used += (size_t)w;
			dim = d;
		}
		w = snprintf(body + used, len - used, "%s", item);
		if (w > 0 && (size_t)w < len - used)
			used += (size_t)w;
		if (list == NULL)
			list = json_array();
		json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:b}", "dimension", d, "name", name, "amount",
				      amount, "share", share, "change", change, "new", fresh);
		if (o != NULL && sample != NULL)
			json_object_set_new(o, "sample_query_id", json_string(sample));
		json_array_append_new(list, o);
	}
	if (*dim && used + 2 < len) {
		body[used++] = '.';
		body[used++] = '\n';
		body[used] = '\0';
	}
	if (list != NULL)
		json_object_set_new(fields, "contributors", list);
}

void fg_budget_contrib_release(struct fg_budget_contrib *ct)
{
	PQclear(ct->r);
	ct->r = NULL;
}
