/*
 * budget_eval.c - spend, percent and forecast of every budget in one query.
 *
 * The query is sql/budgets/evaluate.sql, whose comments describe its
 * steps.  The selected budgets travel as array parameters (one per
 * column) and are unnested in SQL, so one statement evaluates any number
 * of budgets and works on a dry run, when nothing may be written.
 * Budgets share scope units, so C numbers the distinct units (connector,
 * service type, entity; '*' for any) and the distinct (unit, period)
 * pairs first (budget_units.c): a warehouse unit is (connector,
 * WAREHOUSE_METERING, NAME), left out when the same budget also has
 * service:WAREHOUSE_METERING so no cost row counts twice.  C also works
 * out the distinct period starts, the slot of each period among them,
 * the first day to scan and the Monday the samples count from, so the
 * planner sees the scan's bounds as values.
 *
 * A user:, role: or query_tag: scope is one unit (budget_attr.c) whose
 * names travel as their own arrays, each exact or a pattern: the query
 * matches them against attribution_daily.
 *
 * forecast = spend before today + projection of the remaining days, and
 * never less than the spend so far.  A forecast alert needs 3 complete
 * days of data in the period.  Money stays NUMERIC; C only sees text.
 */
#include "budget_eval.h"
#include "budget_array.h"
#include "budget_attr.h"
#include "budget_units.h"
#include "clock.h"
#include "db.h"
#include "exitcode.h"
#include "fg_sql_budgets.h"
#include "log.h"

#include <stdlib.h>
#include <string.h>

/* Array parameters of sql/budgets/evaluate.sql. */
enum {
	P_NAME,
	P_CONNECTOR,
	P_AMOUNT,
	P_PERIOD,
	P_PAIR,
	P_BATTR, /* per budget */
	P_PNAME,
	P_PSTART,
	P_PEND,
	P_PSLOT, /* per period in use */
	P_CONN,  /* per connector in use */
	P_UCONN,
	P_USVC,
	P_UENT, /* per unit */
	P_PUNIT,
	P_PPERIOD, /* per (unit, period) pair */
	P_MIDX,
	P_MPAIR, /* per pair of a multi-unit budget */
	P_ACONN,
	P_AUNIT,
	P_AENT,
	P_ANAME,
	P_ARX, /* per name of an attribution unit */
	P_COUNT
};

/* The distinct period starts the spend is summed since: :start1 to :start6. */
enum {
	NSTARTS = 6
};

/* The parts of a budget's scope, as pair numbers; returns how many or an fg_err. */
static int scope_pairs(struct fg_budget_units *u, const struct fg_budget *b, int *out)
{
	bool all_compute = false;
	int n = 0;

#define PART(st, ent)                                                                     \
	do {                                                                              \
		int pair = fg_budget_units_pair(u, b->connector, (st), (ent), b->period); \
		if (pair < 0)                                                             \
			return pair;                                                      \
		out[n++] = pair;                                                          \
	} while (0)
	if (b->attr != FG_ATTR_NONE)
		PART(fg_budget_attr_unit(b->attr), b->attr_key);
	if (b->account)
		PART("*", "*");
	for (int j = 0; j < b->nservices; j++) {
		PART(b->services[j], "*");
		all_compute |= strcmp(b->services[j], "WAREHOUSE_METERING") == 0;
	}
	/* service:WAREHOUSE_METERING already holds every warehouse's compute. */
	for (int j = 0; j < b->nwarehouses && !all_compute; j++)
		PART("WAREHOUSE_METERING", b->warehouses[j]);
#undef PART
	return n;
}

/* Add day to the distinct starts, kept newest first (at most NSTARTS). */
static void add_start(long *starts, int *n, long day)
{
	int i = 0;

	while (i < *n && starts[i] > day)
		i++;
	if (i < *n && starts[i] == day)
		return;
	memmove(starts + i + 1, starts + i, (size_t)(*n - i) * sizeof(*starts));
	starts[i] = day;
	(*n)++;
}

/* The position (from 1) of day among the starts. */
static int start_slot(const long *starts, int n, long day)
{
	for (int i = 0; i < n; i++)
		if (starts[i] == day)
			return i + 1;
	return 0;
}

/* Add a connector to the array of those in use unless it is there: there are few. */
static int add_connector(struct fg_pgarr *a, const char ***seen, int *n, const char *c)
{
	const char **v;

	for (int i = *n - 1; i >= 0; i--)
		if (strcmp((*seen)[i], c) == 0)
			return 0;
	if ((v = realloc(*seen, (size_t)(*n + 1) * sizeof(*v))) == NULL)
		return FG_ERR_INTERNAL;
	*seen = v;
	v[(*n)++] = c;
	fg_pgarr_add(a, c);
	return 0;
}

int fg_budget_eval_query(PGconn *db, const struct fg_budget_set *set, long as_of, PGresult **out)
{
	struct fg_pgarr arr[P_COUNT];
	struct fg_budget_units units;
	const char *a[P_COUNT], *start[NSTARTS], **conns = NULL, *last_conn = NULL;
	char dates[2 + NSTARTS + 1][16], buf[16];
	long starts[NSTARTS], pstart[FG_PERIOD_COUNT], lo, mon, e;
	int rc = 0, k, idx = 0, nstarts = 0, nconns = 0, stack[16], *pairs = stack;
	size_t pcap = sizeof(stack) / sizeof(stack[0]);
	bool used[FG_PERIOD_COUNT] = { false };

	*out = NULL;
	fg_budget_units_init(&units);
	for (k = 0; k < P_COUNT; k++)
		if (fg_pgarr_init(&arr[k]) < 0) {
			rc = FG_ERR_INTERNAL;
			goto out;
		}
	for (int i = 0; i < set->n; i++) {
		const struct fg_budget *b = &set->v[i];
		size_t need = (size_t)b->nservices + (size_t)b->nwarehouses + 1;
		int n;
		if (!b->selected)
			continue;
		idx++;
		used[b->period] = true;
		if (need > pcap) {
			if (pairs != stack)
				free(pairs);
			pcap = 0;
			if ((pairs = malloc(need * sizeof(*pairs))) == NULL) {
				rc = FG_ERR_INTERNAL;
				goto out;
			}
			pcap = need;
		}
		int known = units.nunits;
		if ((n = scope_pairs(&units, b, pairs)) < 0 ||
		    (b->connector != last_conn &&
		     add_connector(&arr[P_CONN], &conns, &nconns, b->connector) < 0)) {
			rc = FG_ERR_INTERNAL;
			goto out;
		}
		last_conn = b->connector;
		/* a new attribution unit: its names, each exact or a pattern */
		for (int j = 0; b->attr != FG_ATTR_NONE && units.nunits > known && j < b->nattr; j++) {
			const char *nm = b->attr_names[j];
			char *rx = malloc(2 * strlen(nm) + 3);
			if (rx == NULL) {
				rc = FG_ERR_INTERNAL;
				goto out;
			}
			bool pattern = fg_budget_attr_regex(nm, rx, 2 * strlen(nm) + 3) == 1;
			fg_pgarr_add(&arr[P_ACONN], b->connector);
			fg_pgarr_add(&arr[P_AUNIT], fg_budget_attr_unit(b->attr));
			fg_pgarr_add(&arr[P_AENT], b->attr_key);
			fg_pgarr_add(&arr[P_ANAME], nm);
			fg_pgarr_add(&arr[P_ARX], pattern ? rx : NULL);
			free(rx);
		}
		fg_pgarr_add(&arr[P_BATTR], b->attr != FG_ATTR_NONE ? "t" : "f");
		fg_pgarr_add(&arr[P_NAME], b->name);
		fg_pgarr_add(&arr[P_CONNECTOR], b->connector);
		fg_pgarr_add(&arr[P_AMOUNT], b->amount);
		fg_pgarr_add(&arr[P_PERIOD], fg_period_name(b->period));
		/* one part: its pair is the budget's figures; several: added up */
		if (n == 1)
			fg_pgarr_addf(&arr[P_PAIR], "%d", pairs[0]);
		else
			fg_pgarr_add(&arr[P_PAIR], NULL);
		for (int j = 0; j < n && n > 1; j++) {
			fg_pgarr_addf(&arr[P_MIDX], "%d", idx);
			fg_pgarr_addf(&arr[P_MPAIR], "%d", pairs[j]);
		}
	}
	for (int j = 0; j < units.nunits; j++) {
		fg_pgarr_add(&arr[P_UCONN], units.unit[j].connector);
		fg_pgarr_add(&arr[P_USVC], units.unit[j].service);
		fg_pgarr_add(&arr[P_UENT], units.unit[j].entity);
	}
	for (int j = 0; j < units.npairs; j++) {
		fg_pgarr_addf(&arr[P_PUNIT], "%d", units.pair_unit[j]);
		fg_pgarr_add(&arr[P_PPERIOD], fg_period_name(units.pair_period[j]));
	}
	/*
	 * Only the periods in use.  Spend is summed since each distinct start,
	 * today's first; the scan starts at the earliest start or at the
	 * first sample day, whichever comes first.
	 */
	add_start(starts, &nstarts, as_of);
	for (int p = 0; p < FG_PERIOD_COUNT; p++) {
		fg_period_bounds((enum fg_period)p, as_of, &pstart[p], &e);
		if (used[p])
			add_start(starts, &nstarts, pstart[p]);
	}
	for (int p = 0; p < FG_PERIOD_COUNT; p++) {
		if (!used[p])
			continue;
		fg_period_bounds((enum fg_period)p, as_of, &pstart[p], &e);
		fg_pgarr_add(&arr[P_PNAME], fg_period_name((enum fg_period)p));
		fg_date_format(pstart[p], buf, sizeof(buf));
		fg_pgarr_add(&arr[P_PSTART], buf);
		fg_date_format(e, buf, sizeof(buf));
		fg_pgarr_add(&arr[P_PEND], buf);
		fg_pgarr_addf(&arr[P_PSLOT], "%d", start_slot(starts, nstarts, pstart[p]));
	}
	lo = starts[nstarts - 1] < as_of - 28 ? starts[nstarts - 1] : as_of - 28;
	/* Samples are numbered by weekday from the Monday of the first sample day. */
	fg_period_bounds(FG_PERIOD_WEEKLY, as_of - 28, &mon, &e);
	fg_date_format(as_of, dates[0], sizeof(dates[0]));
	fg_date_format(lo, dates[1], sizeof(dates[1]));
	fg_date_format(mon, dates[2], sizeof(dates[2]));
	for (k = 0; k < NSTARTS; k++) {
		start[k] = NULL;
		if (k < nstarts) {
			fg_date_format(starts[k], dates[3 + k], sizeof(dates[3 + k]));
			start[k] = dates[3 + k];
		}
	}
	for (k = 0; k < P_COUNT; k++)
		if ((a[k] = fg_pgarr_finish(&arr[k])) == NULL) {
			rc = FG_ERR_INTERNAL;
			goto out;
		}
	const struct fg_sql_arg args[] = {
		{ "as_of", dates[0] },
		{ "scan_from", dates[1] },
		{ "sample_monday", dates[2] },
		{ "start1", start[0] },
		{ "start2", start[1] },
		{ "start3", start[2] },
		{ "start4", start[3] },
		{ "start5", start[4] },
		{ "start6", start[5] },
		{ "budget_names", a[P_NAME] },
		{ "budget_connectors", a[P_CONNECTOR] },
		{ "budget_amounts", a[P_AMOUNT] },
		{ "budget_periods", a[P_PERIOD] },
		{ "budget_pairs", a[P_PAIR] },
		{ "budget_attr", a[P_BATTR] },
		{ "attr_connectors", a[P_ACONN] },
		{ "attr_units", a[P_AUNIT] },
		{ "attr_entities", a[P_AENT] },
		{ "attr_names", a[P_ANAME] },
		{ "attr_regexes", a[P_ARX] },
		{ "period_names", a[P_PNAME] },
		{ "period_starts", a[P_PSTART] },
		{ "period_ends", a[P_PEND] },
		{ "period_slots", a[P_PSLOT] },
		{ "connectors", a[P_CONN] },
		{ "unit_connectors", a[P_UCONN] },
		{ "unit_services", a[P_USVC] },
		{ "unit_entities", a[P_UENT] },
		{ "pair_units", a[P_PUNIT] },
		{ "pair_periods", a[P_PPERIOD] },
		{ "multi_budgets", a[P_MIDX] },
		{ "multi_pairs", a[P_MPAIR] },
	};
	/*
	 * The evaluation's cost estimates (unnested parameters) are far above
	 * jit_above_cost: compiling it took seconds, running it a fraction of
	 * that.  Parallel workers did not pay off either for the few tens of
	 * thousands of rows it reads.  The planner cannot know how many rows
	 * the unnested parameters and the CTEs built from them hold, guesses a
	 * handful, and then joined units to units in nested loops: millions of
	 * comparisons, one to fifteen seconds.  Every join of the statement is
	 * an equality join, so hash joins are always right; nested loops stay
	 * only where nothing else can run (the per-period calendar), and are
	 * allowed again after the statement: snapshot's retention deletes,
	 * later on the same connection, want them.  The other settings are
	 * for the session: the connection is ours.
	 */
	if ((rc = fg_db_exec(db, "tune the session",
			     "SELECT set_config('jit', 'off', false),"
			     " set_config('max_parallel_workers_per_gather', '0', false),"
			     " set_config('enable_nestloop', 'off', false),"
			     " set_config('work_mem', '64MB', false)",
			     0, NULL)) < 0)
		goto out;
	*out = fg_sql_query(db, &rc, "evaluate budgets", &fg_sql_budgets_evaluate, args, FG_SQL_COUNT(args));
	if (*out != NULL && (rc = fg_db_exec(db, "tune the session", "RESET enable_nestloop", 0, NULL)) < 0) {
		PQclear(*out);
		*out = NULL;
	}
out:
	if (pairs != stack)
		free(pairs);
	free(conns);
	fg_budget_units_release(&units);
	for (k = 0; k < P_COUNT; k++)
		fg_pgarr_release(&arr[k]);
	return rc;
}
