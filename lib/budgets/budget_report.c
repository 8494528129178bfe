/*
 * budget_report.c - the human table of budget statuses.
 *
 * Columns are sized to their widest cell so the table stays aligned for
 * any budget names and amounts.  The bar shows percent used on 20 cells,
 * capped at 100 %; it is plain ASCII, so a table copied into a ticket or
 * mail stays readable.  STATUS is the severity of the highest threshold
 * crossed ("ok" when none), with medium shown as "warning"; a budget
 * whose connector's data is out of date reads "stale", and one whose
 * scope matches no cost row "unmatched" (after the severity when a
 * threshold is crossed: "critical, stale"), as their figures mean little.
 * A user:, role: or query_tag: budget whose connector has no attribution
 * has no figures ("-") and reads "not_evaluated".
 */
#include "budget.h"

#include <string.h>

#define BAR_CELLS 20

enum {
	C_NAME,
	C_PERIOD,
	C_START,
	C_END,
	C_SPEND,
	C_AMOUNT,
	C_USED,
	C_FORECAST,
	C_STATUS,
	NCOL
};

static const char *const heads[NCOL] = {
	"BUDGET", "PERIOD", "START", "END", "SPEND", "AMOUNT", "USED", "FORECAST", "STATUS",
};

static void cells(const struct fg_budget *b, const json_t *st, char cell[NCOL][128])
{
	double pct = json_real_value(json_object_get(st, "percent"));
	const json_t *thr = json_object_get(st, "thresholds_crossed");
	size_t n = json_array_size(thr);
	char bar[BAR_CELLS + 1];
	int fill = pct >= 100.0 ? BAR_CELLS : pct <= 0.0 ? 0 : (int)(pct * BAR_CELLS / 100.0);
	const char *cur = json_string_value(json_object_get(st, "currency"));

	for (int i = 0; i < BAR_CELLS; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[BAR_CELLS] = '\0';
	snprintf(cell[C_NAME], 128, "%s", b->name);
	snprintf(cell[C_PERIOD], 128, "%s", json_string_value(json_object_get(st, "period")));
	snprintf(cell[C_START], 128, "%s", json_string_value(json_object_get(st, "period_start")));
	snprintf(cell[C_END], 128, "%s", json_string_value(json_object_get(st, "period_end")));
	snprintf(cell[C_AMOUNT], 128, "%s %s", json_string_value(json_object_get(st, "amount")), cur);
	snprintf(cell[C_USED], 128, "%6.2f%% [%s]", pct, bar);
	if (json_is_null(json_object_get(st, "spend"))) {
		snprintf(cell[C_SPEND], 128, "-");
		snprintf(cell[C_USED], 128, "-");
		snprintf(cell[C_FORECAST], 128, "-");
		snprintf(cell[C_STATUS], 128, "not_evaluated");
		return;
	}
	snprintf(cell[C_SPEND], 128, "%s", json_string_value(json_object_get(st, "spend")));
	snprintf(cell[C_FORECAST], 128, "%s", json_string_value(json_object_get(st, "forecast")));
	const char *sev = n == 0 ? "ok"
				 : fg_severity_label(fg_budget_severity(
					   b, (int)json_integer_value(json_array_get(thr, n - 1)), false));
	const char *flag = json_is_true(json_object_get(st, "stale"))      ? "stale"
			   : json_is_false(json_object_get(st, "matched")) ? "unmatched"
									   : NULL;
	if (flag == NULL)
		snprintf(cell[C_STATUS], 128, "%s", sev);
	else if (n == 0)
		snprintf(cell[C_STATUS], 128, "%s", flag);
	else
		snprintf(cell[C_STATUS], 128, "%s, %s", sev, flag);
}

void fg_budget_print_table(FILE *out, const struct fg_budget_set *set, const json_t *statuses)
{
	int width[NCOL];
	char cell[NCOL][128];
	size_t row;
	int pass, i;

	for (i = 0; i < NCOL; i++)
		width[i] = (int)strlen(heads[i]);
	/* Pass 0 measures, pass 1 prints. */
	for (pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			for (i = 0; i < NCOL; i++)
				fprintf(out, i < C_SPEND || i == C_USED || i == C_STATUS ? "%-*s%s" : "%*s%s",
					i == NCOL - 1 ? 0 : width[i], heads[i], i == NCOL - 1 ? "\n" : "  ");
		}
		row = 0;
		for (int k = 0; k < set->n; k++) {
			const struct fg_budget *b = &set->v[k];
			if (!b->selected)
				continue;
			const json_t *st = json_array_get(statuses, row++);
			if (st == NULL)
				break;
			cells(b, st, cell);
			for (i = 0; i < NCOL; i++) {
				int len = (int)strlen(cell[i]);
				if (pass == 0 && len > width[i])
					width[i] = len;
				if (pass == 1)
					fprintf(out,
						i < C_SPEND || i == C_USED || i == C_STATUS ? "%-*s%s"
											    : "%*s%s",
						i == NCOL - 1 ? 0 : width[i], cell[i],
						i == NCOL - 1 ? "\n" : "  ");
			}
		}
	}
}
