/*
 * The --json writer: byte for byte what jansson dumps for the same
 * statuses (JSON_INDENT(2) | JSON_REAL_PRECISION(15), then a newline),
 * on evaluation rows built in memory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka.h needs the headers above first. */
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "budget.h"
#include "budget_eval.h"
#include "budget_notify.h"

struct row {
	const char *quotient; /* spend * 100 div amount */
	const char *percent;
	const char *spend;
	int elapsed;
};

static PGresult *make_ev(const struct row *rows, int n)
{
	PGresAttDesc att[EV_NCOLS];
	PGresult *r = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
	char name[EV_NCOLS][8], num[16];

	memset(att, 0, sizeof(att));
	for (int c = 0; c < EV_NCOLS; c++) {
		snprintf(name[c], sizeof(name[c]), "c%d", c);
		att[c].name = name[c];
		att[c].format = 0;
		att[c].typlen = -1;
		att[c].atttypmod = -1;
	}
	assert_non_null(r);
	assert_true(PQsetResultAttrs(r, EV_NCOLS, att));
	for (int i = 0; i < n; i++) {
		for (int c = 0; c < EV_NCOLS; c++) {
			const char *v = "0";
			switch (c) {
			case EV_START:
				v = "2026-03-01";
				break;
			case EV_END:
				v = "2026-03-31";
				break;
			case EV_AMOUNT2:
				v = "1000.00";
				break;
			case EV_SPEND2:
			case EV_FORECAST2:
			case EV_FORECAST_LOW2:
			case EV_FORECAST_HIGH2:
				v = rows[i].spend;
				break;
			case EV_PERCENT2:
				v = rows[i].percent;
				break;
			case EV_ELAPSED:
				snprintf(num, sizeof(num), "%d", rows[i].elapsed);
				v = num;
				break;
			case EV_QUOTIENT:
				v = rows[i].quotient;
				break;
			default:
				break;
			}
			assert_true(PQsetvalue(r, i, c, (char *)v, v ? (int)strlen(v) : -1));
		}
	}
	return r;
}

static char *written(const struct fg_budget_result *res)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(fg_budget_write_json(f, res), 0);
	fclose(f);
	return buf;
}

static char *dumped(struct fg_budget_result *res)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	json_t *st = fg_budget_statuses(res);

	assert_non_null(f);
	assert_non_null(st);
	json_dumpf(st, f, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
	fputc('\n', f);
	fclose(f);
	return buf;
}

static void expect_same(struct fg_budget_result *res)
{
	char *a = written(res), *b = dumped(res);

	assert_string_equal(a, b);
	free(a);
	free(b);
}

static void test_empty(void **state)
{
	struct fg_budget_result res = { 0 };

	(void)state;
	expect_same(&res);
	json_decref(res.statuses);
}

static void test_rows_and_alerts(void **state)
{
	static const struct row rows[] = {
		{ "0", "0.00", "0.00", 0 },
		{ "93", "93.25", "932.50", 14 },
		{ "0", "100.00", "-1.00", 3 },
		{ "1001", "17897250000.00", "178972.50", 30 },
		{ "1001", "1789725000000000000.00", "5.00", 1 },
		{ "0", "-0.50", "-5.00", 2 },
		{ "100", "0.01", "0.10", 6 },
	};
	struct fg_budget b[2] = {
		{ .name = "b-1.x",
		  .connector = "prod",
		  .currency = "USD",
		  .period = FG_PERIOD_MONTHLY,
		  .thresholds = { 50, 75, 90, 100 },
		  .nthresholds = 4 },
		{ .name = "b_2",
		  .connector = "odd \"conn\" \\ /\t\x01\xc3\xa9",
		  .currency = "E\"UR\n",
		  .period = FG_PERIOD_QUARTERLY,
		  .thresholds = { 1, 50, 75, 90, 1000 },
		  .nthresholds = 5,
		  .forecast_severity = "high" },
	};
	const struct fg_budget *sel[7] = { &b[0], &b[1], &b[0], &b[1], &b[0], &b[1], &b[0] };
	struct fg_budget_cand cands[] = {
		{ .b = &b[1], .row = 1, .threshold = 50, .severity = "info", .created = true },
		{ .b = &b[1], .row = 1, .threshold = 75, .severity = "info", .created = false },
		{ .b = &b[1], .row = 1, .threshold = 90, .severity = "medium", .created = true },
		{ .b = &b[1],
		  .row = 1,
		  .threshold = 100,
		  .forecast = true,
		  .severity = "high",
		  .created = true },
		{ .b = &b[1], .row = 3, .threshold = 1, .severity = "info", .created = false },
		{ .b = &b[0], .row = 6, .threshold = 100, .severity = "critical", .created = true },
	};
	unsigned char flags[7] = { 0, 1, 2, 0, 3, 0, 0 };
	struct fg_budget_result res = { 0 };

	(void)state;
	res.flags = flags;
	res.ev = make_ev(rows, 7);
	res.count = 7;
	res.sel = sel;
	res.cands = cands;
	res.ncands = (int)(sizeof(cands) / sizeof(cands[0]));
	expect_same(&res);
	json_decref(res.statuses);
	PQclear(res.ev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_rows_and_alerts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
