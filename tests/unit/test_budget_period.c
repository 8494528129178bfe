/* Budget periods (UTC calendar, ISO weeks) and severity mapping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka.h needs the headers above first. */
#include <cmocka.h>

#include <string.h>

#include "budget.h"
#include "clock.h"

static void expect_bounds(enum fg_period p, const char *day, const char *start, const char *end)
{
	long d, s, e;
	char sb[16], eb[16];

	assert_int_equal(fg_date_parse(day, &d), 0);
	fg_period_bounds(p, d, &s, &e);
	fg_date_format(s, sb, sizeof(sb));
	fg_date_format(e, eb, sizeof(eb));
	assert_string_equal(sb, start);
	assert_string_equal(eb, end);
}

static void test_daily(void **state)
{
	(void)state;
	expect_bounds(FG_PERIOD_DAILY, "2026-03-15", "2026-03-15", "2026-03-15");
	expect_bounds(FG_PERIOD_DAILY, "2024-02-29", "2024-02-29", "2024-02-29");
}

static void test_month_end_and_leap_day(void **state)
{
	(void)state;
	expect_bounds(FG_PERIOD_MONTHLY, "2026-01-31", "2026-01-01", "2026-01-31");
	expect_bounds(FG_PERIOD_MONTHLY, "2026-02-01", "2026-02-01", "2026-02-28");
	expect_bounds(FG_PERIOD_MONTHLY, "2024-02-29", "2024-02-01", "2024-02-29");
	expect_bounds(FG_PERIOD_MONTHLY, "2100-02-15", "2100-02-01", "2100-02-28");
	expect_bounds(FG_PERIOD_MONTHLY, "2000-02-15", "2000-02-01", "2000-02-29");
	expect_bounds(FG_PERIOD_MONTHLY, "2026-12-31", "2026-12-01", "2026-12-31");
	expect_bounds(FG_PERIOD_YEARLY, "2024-02-29", "2024-01-01", "2024-12-31");
	expect_bounds(FG_PERIOD_YEARLY, "2026-12-31", "2026-01-01", "2026-12-31");
}

static void test_quarters(void **state)
{
	(void)state;
	expect_bounds(FG_PERIOD_QUARTERLY, "2026-01-01", "2026-01-01", "2026-03-31");
	expect_bounds(FG_PERIOD_QUARTERLY, "2026-03-31", "2026-01-01", "2026-03-31");
	expect_bounds(FG_PERIOD_QUARTERLY, "2026-04-01", "2026-04-01", "2026-06-30");
	expect_bounds(FG_PERIOD_QUARTERLY, "2026-08-15", "2026-07-01", "2026-09-30");
	expect_bounds(FG_PERIOD_QUARTERLY, "2026-12-31", "2026-10-01", "2026-12-31");
	expect_bounds(FG_PERIOD_QUARTERLY, "2024-02-29", "2024-01-01", "2024-03-31");
}

static void test_iso_weeks(void **state)
{
	(void)state;
	/* Monday start, Sunday end. */
	expect_bounds(FG_PERIOD_WEEKLY, "2026-03-09", "2026-03-09", "2026-03-15");
	expect_bounds(FG_PERIOD_WEEKLY, "2026-03-15", "2026-03-09", "2026-03-15");
	expect_bounds(FG_PERIOD_WEEKLY, "2026-03-16", "2026-03-16", "2026-03-22");
	/* ISO week 1 of 2026 starts on Monday 2025-12-29. */
	expect_bounds(FG_PERIOD_WEEKLY, "2025-12-31", "2025-12-29", "2026-01-04");
	expect_bounds(FG_PERIOD_WEEKLY, "2026-01-01", "2025-12-29", "2026-01-04");
	expect_bounds(FG_PERIOD_WEEKLY, "2026-01-04", "2025-12-29", "2026-01-04");
	/* Week 53 of 2020 runs into 2021. */
	expect_bounds(FG_PERIOD_WEEKLY, "2021-01-03", "2020-12-28", "2021-01-03");
	expect_bounds(FG_PERIOD_WEEKLY, "2024-02-29", "2024-02-26", "2024-03-03");
}

static void test_period_names(void **state)
{
	(void)state;
	enum fg_period p;
	const char *names[] = { "daily", "weekly", "monthly", "quarterly", "yearly" };
	for (int i = 0; i < 5; i++) {
		assert_int_equal(fg_period_parse(names[i], &p), 0);
		assert_int_equal(p, i);
		assert_string_equal(fg_period_name(p), names[i]);
	}
	assert_int_equal(fg_period_parse("fortnightly", &p), -1);
	assert_int_equal(fg_period_parse("Monthly", &p), -1);
	assert_int_equal(fg_period_parse("", &p), -1);
}

static void test_severity(void **state)
{
	(void)state;
	struct fg_budget b;
	memset(&b, 0, sizeof(b));
	b.sev[0] = (struct fg_budget_sev){ 0, "info" };
	b.sev[1] = (struct fg_budget_sev){ 90, "medium" };
	b.sev[2] = (struct fg_budget_sev){ 100, "critical" };
	b.nsev = 3;
	b.forecast_severity = "high";
	assert_string_equal(fg_budget_severity(&b, 50, false), "info");
	assert_string_equal(fg_budget_severity(&b, 89, false), "info");
	assert_string_equal(fg_budget_severity(&b, 90, false), "medium");
	assert_string_equal(fg_budget_severity(&b, 99, false), "medium");
	assert_string_equal(fg_budget_severity(&b, 100, false), "critical");
	assert_string_equal(fg_budget_severity(&b, 250, false), "critical");
	assert_string_equal(fg_budget_severity(&b, 100, true), "high");
	assert_string_equal(fg_severity_label("medium"), "warning");
	assert_string_equal(fg_severity_label("critical"), "critical");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_daily),        cmocka_unit_test(test_month_end_and_leap_day),
		cmocka_unit_test(test_quarters),     cmocka_unit_test(test_iso_weeks),
		cmocka_unit_test(test_period_names), cmocka_unit_test(test_severity),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
