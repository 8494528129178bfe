/* [budget NAME] sections: defaults, scopes, severities and every refusal. */
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
#include "budget_names.h"
#include "capture.h"
#include "exitcode.h"
#include "log.h"

static const char base[] = "[connector prod]\nodbc = DSN=x\ncurrency = EUR\n"
			   "[connector dev]\nodbc = DSN=y\n"
			   "[channel ops]\ntype = webhook\n"
			   "[channel mail]\ntype = email\nto = a@example.com\n";

/* Section errors carry the line of the section's first key (config.c). */
/* Load base + extra; base has 10 lines, so extra's first line is line 11. */
static int load(const char *extra, struct fg_config **cfg, struct fg_budget_set *set)
{
	char text[4096];
	int rc;

	snprintf(text, sizeof(text), "%s%s", base, extra);
	fg_log_clear_last_error();
	rc = fg_config_load_string(text, "t.conf", cfg);
	assert_int_equal(rc, 0);
	capture_begin();
	rc = fg_budget_load(*cfg, set);
	capture_end();
	return rc;
}

static void expect_error(const char *extra, const char *where, const char *what)
{
	struct fg_config *cfg = NULL;
	struct fg_budget_set set;
	int rc = load(extra, &cfg, &set);
	const char *msg = fg_log_last_error();

	assert_int_equal(rc, FG_ERR_CONFIG);
	assert_non_null(msg);
	if (strstr(msg, where) == NULL || strstr(msg, what) == NULL)
		fail_msg("message '%s' lacks '%s' or '%s'", msg, where, what);
	assert_null(set.v);
	fg_config_free(cfg);
}

static void test_defaults(void **state)
{
	(void)state;
	struct fg_config *cfg;
	struct fg_budget_set set;
	assert_int_equal(load("[budget m]\nconnector = prod\namount = 1000.50\n", &cfg, &set), 0);
	assert_int_equal(set.n, 1);
	const struct fg_budget *b = &set.v[0];
	assert_string_equal(b->name, "m");
	assert_string_equal(b->connector, "prod");
	assert_string_equal(b->amount, "1000.50");
	assert_string_equal(b->currency, "EUR");
	assert_int_equal(b->period, FG_PERIOD_MONTHLY);
	assert_true(b->account);
	assert_string_equal(b->scope, "account");
	assert_int_equal(b->nthresholds, 4);
	assert_int_equal(b->thresholds[0], 50);
	assert_int_equal(b->thresholds[3], 100);
	assert_true(b->forecast);
	assert_true(b->enabled);
	assert_int_equal(b->nnotify, 0);
	assert_string_equal(fg_budget_severity(b, 75, false), "info");
	assert_string_equal(fg_budget_severity(b, 90, false), "medium");
	assert_string_equal(fg_budget_severity(b, 120, false), "critical");
	fg_budget_set_release(&set);
	fg_config_free(cfg);
}

static void test_full_budget(void **state)
{
	(void)state;
	struct fg_config *cfg;
	struct fg_budget_set set;
	assert_int_equal(load("[budget etl]\nconnector = dev\namount = 250\nperiod = quarterly\n"
			      "scope = warehouse:etl_wh, Load_WH + service:snowpipe\n"
			      "thresholds = 120, 80%, 100\nforecast = false\nnotify = ops, mail\n"
			      "severity = 80:low, 100:warning, 120:critical, forecast:medium\n",
			      &cfg, &set),
			 0);
	const struct fg_budget *b = &set.v[0];
	assert_string_equal(b->currency, "USD");
	assert_int_equal(b->period, FG_PERIOD_QUARTERLY);
	assert_false(b->account);
	assert_int_equal(b->nwarehouses, 2);
	assert_string_equal(b->warehouses[0], "ETL_WH");
	assert_string_equal(b->warehouses[1], "LOAD_WH");
	assert_int_equal(b->nservices, 1);
	assert_string_equal(b->services[0], "PIPE"); /* as costsync stores it */
	assert_int_equal(b->nthresholds, 3);
	assert_int_equal(b->thresholds[0], 80);
	assert_int_equal(b->thresholds[1], 100);
	assert_int_equal(b->thresholds[2], 120);
	assert_false(b->forecast);
	assert_int_equal(b->nnotify, 2);
	assert_string_equal(b->notify[1], "mail");
	assert_string_equal(fg_budget_severity(b, 50, false), "info");
	assert_string_equal(fg_budget_severity(b, 80, false), "low");
	assert_string_equal(fg_budget_severity(b, 100, false), "medium");
	assert_string_equal(fg_budget_severity(b, 120, false), "critical");
	assert_string_equal(fg_budget_severity(b, 100, true), "medium");
	fg_budget_set_release(&set);
	fg_config_free(cfg);
}

static void test_refusals(void **state)
{
	(void)state;
	expect_error("[budget a]\nconnector = prod\namount = 0\n", "t.conf:13:", "amount");
	expect_error("[budget a]\nconnector = prod\namount = -5\n", "t.conf:13:", "greater than 0");
	expect_error("[budget a]\nconnector = prod\namount = ten\n", "t.conf:13:", "not a decimal");
	expect_error("[budget a]\nconnector = prod\n", "t.conf:11:", "missing key 'amount'");
	expect_error("[budget a]\nconnector = prod\namount = 5\nperiod = fortnightly\n",
		     "t.conf:14:", "unknown period 'fortnightly'");
	expect_error("[budget a]\nconnector = nope\namount = 5\n", "t.conf:12:", "unknown connector 'nope'");
	expect_error("[budget a]\namount = 5\n", "t.conf:11:", "missing key 'connector'");
	expect_error("[budget a]\nconnector = prod\namount = 5\nnotify = ops, pager\n",
		     "t.conf:14:", "unknown channel 'pager'");
	expect_error("[budget a]\nconnector = prod\namount = 5\nthresholds = 50, 0\n",
		     "t.conf:14:", "'0' is not a whole percentage in 1..1000");
	expect_error("[budget a]\nconnector = prod\namount = 5\nthresholds = 1001\n",
		     "t.conf:14:", "'1001' is not a whole percentage");
	expect_error("[budget a]\nconnector = prod\namount = 5\nthresholds = 50, 75.5\n",
		     "t.conf:14:", "'75.5'");
	expect_error("[budget a]\nconnector = prod\namount = 5\nthresholds = 50, 90, 50\n",
		     "t.conf:14:", "50 is listed twice");
	expect_error("[budget a]\nconnector = prod\namount = 5\nscope = database:X\n",
		     "t.conf:14:", "'database:X' is not a scope");
	expect_error("[budget a]\nconnector = prod\namount = 5\nscope = account+warehouse:X\n",
		     "t.conf:14:", "cannot be combined");
	expect_error("[budget a]\nconnector = prod\namount = 5\nscope = warehouse:X,,Y\n",
		     "t.conf:14:", "empty warehouse name");
	expect_error("[budget a]\nconnector = prod\namount = 5\nscope = warehouse:X+warehouse:x\n",
		     "t.conf:14:", "'x' is listed twice");
	expect_error("[budget a]\nconnector = prod\namount = 5\nforecast = maybe\n", "t.conf:14:", "boolean");
	expect_error("[budget a]\nconnector = prod\namount = 5\nseverity = 90:urgent\n",
		     "t.conf:14:", "'urgent' is not a severity");
	expect_error("[budget a:b]\nconnector = prod\namount = 5\n", "t.conf:11:", "budget name");
}

/* The connectors are read as every tool reads them (connector.c). */
static void test_connector_values(void **state)
{
	(void)state;
	struct fg_config *cfg;
	struct fg_budget_set set;
	assert_int_equal(load("[connector stage]\nquery_timeout = 15m\ncurrency = CHF\n"
			      "[budget a]\nconnector = stage\namount = 5\n",
			      &cfg, &set),
			 0);
	assert_string_equal(set.v[0].currency, "CHF");
	fg_budget_set_release(&set);
	fg_config_free(cfg);
	expect_error("[connector stage]\nquery_timeout = soon\n[budget a]\nconnector = prod\namount = 5\n",
		     "t.conf:12:", "query_timeout: 'soon' is not a duration");
	expect_error("[connector stage]\ncurrency = chf\n[budget a]\nconnector = stage\namount = 5\n",
		     "t.conf:12:", "currency: 'chf' is not a currency code");
}

static void test_all_errors_reported(void **state)
{
	(void)state;
	struct fg_config *cfg;
	struct fg_budget_set set;
	/* The first budget is bad, the second good: loading still fails. */
	assert_int_equal(load("[budget a]\nconnector = prod\namount = 0\n"
			      "[budget b]\nconnector = prod\namount = 5\nperiod = hourly\n",
			      &cfg, &set),
			 FG_ERR_CONFIG);
	assert_non_null(strstr(fg_log_last_error(), "t.conf:17:"));
	fg_config_free(cfg);
}

static void test_select(void **state)
{
	(void)state;
	struct fg_config *cfg;
	struct fg_budget_set set;
	assert_int_equal(load("[budget a]\nconnector = prod\namount = 5\n"
			      "[budget b]\nconnector = prod\namount = 5\nenabled = false\n"
			      "[budget c]\nconnector = prod\namount = 5\n",
			      &cfg, &set),
			 0);
	assert_int_equal(fg_budget_select(&set, NULL), 0);
	assert_true(set.v[0].selected);
	assert_false(set.v[1].selected);
	assert_true(set.v[2].selected);
	char *only[] = { "c", NULL };
	assert_int_equal(fg_budget_select(&set, only), 0);
	assert_false(set.v[0].selected);
	assert_true(set.v[2].selected);
	char *bad[] = { "a", "zz", NULL };
	capture_begin();
	assert_int_equal(fg_budget_select(&set, bad), FG_ERR_USAGE);
	assert_non_null(strstr(capture_end(), "unknown budget 'zz'"));
	fg_budget_set_release(&set);
	fg_config_free(cfg);
}

/* Budgets may come before the connectors and channels they name. */
static void test_references_after_budgets(void **state)
{
	static const char text[] = "[budget a]\nconnector = prod\namount = 5\nnotify = ops, mail\n"
				   "[budget b]\nconnector = dev\namount = 7\n"
				   "[connector dev]\nodbc = DSN=y\n"
				   "[connector prod]\nodbc = DSN=x\ncurrency = EUR\n"
				   "[channel mail]\ntype = email\nto = a@example.com\n"
				   "[channel ops]\ntype = webhook\n";
	struct fg_config *cfg = NULL;
	struct fg_budget_set set;

	(void)state;
	assert_int_equal(fg_config_load_string(text, "t.conf", &cfg), 0);
	assert_int_equal(fg_budget_load(cfg, &set), 0);
	assert_int_equal(set.n, 2);
	assert_string_equal(set.v[0].currency, "EUR");
	assert_int_equal(set.v[0].nnotify, 2);
	assert_string_equal(set.v[1].connector, "dev");
	assert_string_equal(set.v[1].currency, "USD");
	fg_budget_set_release(&set);
	fg_config_free(cfg);
	/* the only connector is the default, wherever it is */
	assert_int_equal(fg_config_load_string("[budget a]\namount = 5\n[connector solo]\nodbc = DSN=z\n",
					       "t.conf", &cfg),
			 0);
	assert_int_equal(fg_budget_load(cfg, &set), 0);
	assert_string_equal(set.v[0].connector, "solo");
	fg_budget_set_release(&set);
	fg_config_free(cfg);
}

/* Service types as users write them are those costsync stores. */
static void test_service_names(void **state)
{
	struct fg_config *cfg;
	struct fg_budget_set set;
	(void)state;
	assert_int_equal(load("[budget s]\nconnector = prod\namount = 1\n"
			      "scope = service:Snowpipe, serverless tasks, Search-Optimization, PIPE_X,"
			      " warehouse\n",
			      &cfg, &set),
			 0);
	const struct fg_budget *b = &set.v[0];
	assert_int_equal(b->nservices, 5);
	assert_string_equal(b->services[0], "PIPE");
	assert_string_equal(b->services[1], "SERVERLESS_TASK");
	assert_string_equal(b->services[2], "SEARCH_OPTIMIZATION");
	assert_string_equal(b->services[3], "PIPE_X"); /* a type Snowflake adds later */
	assert_string_equal(b->services[4], "WAREHOUSE_METERING");
	fg_budget_set_release(&set);
	fg_config_free(cfg);
	/* two names of one type would count its rows twice */
	expect_error("[budget s]\nconnector = prod\namount = 1\nscope = service:SNOWPIPE, pipe\n",
		     "t.conf:14", "service type 'pipe' is listed twice");
}

static void test_closest(void **state)
{
	const char *known[] = { "BI_WH", "ETL_WH", "LOAD_WH", "REPORTING_WAREHOUSE" }, *out[3];
	(void)state;
	assert_int_equal(fg_budget_closest("ETL_HW", known, 4, out, 3), 2);
	assert_string_equal(out[0], "ETL_WH");
	assert_int_equal(fg_budget_closest("WH_999", known, 4, out, 1), 1);
	assert_int_equal(fg_budget_closest("SOMETHING_ELSE_ENTIRELY", known, 4, out, 3), 0);
	assert_int_equal(fg_budget_closest("etl_wh", known, 4, out, 1), 1);
	assert_string_equal(out[0], "ETL_WH");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_full_budget),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_connector_values),
		cmocka_unit_test(test_all_errors_reported),
		cmocka_unit_test(test_select),
		cmocka_unit_test(test_references_after_budgets),
		cmocka_unit_test(test_service_names),
		cmocka_unit_test(test_closest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
