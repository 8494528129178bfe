/*
 * budget_period.c - UTC calendar periods and alert severities of budgets.
 *
 * Pure functions over day numbers (days since 1970-01-01, see clock.h):
 * the period holding a day is [start, end], both inclusive.  Weeks are ISO
 * weeks (Monday to Sunday), so a week may span two years; quarters start
 * in January, April, July and October.  The evaluation SQL takes these
 * bounds as parameters, so this file is the one definition of a period.
 */
#include "budget.h"
#include "clock.h"

#include <string.h>

static const char *const period_names[FG_PERIOD_COUNT] = {
	"daily", "weekly", "monthly", "quarterly", "yearly",
};

int fg_period_parse(const char *s, enum fg_period *out)
{
	for (int i = 0; i < FG_PERIOD_COUNT; i++)
		if (strcmp(s, period_names[i]) == 0) {
			*out = (enum fg_period)i;
			return 0;
		}
	return -1;
}

const char *fg_period_name(enum fg_period p)
{
	return (unsigned)p < FG_PERIOD_COUNT ? period_names[p] : "unknown";
}

/* ISO weekday of a day number: Monday 1 .. Sunday 7 (1970-01-01 was a Thursday). */
static int iso_weekday(long day)
{
	long r = (day + 3) % 7;
	if (r < 0)
		r += 7;
	return (int)r + 1;
}

static long month_start(int y, unsigned m)
{
	while (m > 12) {
		m -= 12;
		y++;
	}
	return fg_days_from_civil(y, m, 1);
}

void fg_period_bounds(enum fg_period p, long day, long *start, long *end)
{
	int y;
	unsigned m, d, q;

	fg_civil_from_days(day, &y, &m, &d);
	switch (p) {
	case FG_PERIOD_WEEKLY:
		*start = day - (iso_weekday(day) - 1);
		*end = *start + 6;
		break;
	case FG_PERIOD_MONTHLY:
		*start = month_start(y, m);
		*end = month_start(y, m + 1) - 1;
		break;
	case FG_PERIOD_QUARTERLY:
		q = (m - 1) / 3 * 3 + 1;
		*start = month_start(y, q);
		*end = month_start(y, q + 3) - 1;
		break;
	case FG_PERIOD_YEARLY:
		*start = fg_days_from_civil(y, 1, 1);
		*end = fg_days_from_civil(y + 1, 1, 1) - 1;
		break;
	case FG_PERIOD_DAILY:
	default:
		*start = *end = day;
		break;
	}
}

const char *fg_budget_severity(const struct fg_budget *b, int threshold, bool forecast)
{
	const char *sev = "info";

	if (forecast)
		return b->forecast_severity;
	for (int i = 0; i < b->nsev; i++)
		if (threshold >= b->sev[i].from)
			sev = b->sev[i].severity;
	return sev;
}

const char *fg_severity_label(const char *severity)
{
	return strcmp(severity, "medium") == 0 ? "warning" : severity;
}
