/* [connector NAME] sections: defaults, durations, requirements, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka.h needs the headers above first. */
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "config.h"
#include "connector.h"
#include "exitcode.h"

static int load(const char *text, int need, struct fg_config **cfg, struct fg_connector_set *set)
{
	assert_int_equal(fg_config_load_string(text, "t.conf", cfg), 0);
	capture_begin();
	int rc = fg_connector_load(*cfg, need, set);
	capture_end();
	return rc;
}

static void test_defaults(void **state)
{
	(void)state;
	struct fg_config *cfg;
	struct fg_connector_set set;
	assert_int_equal(load("[connector prod]\nodbc = DSN=x\ncredit_price = 3.00\n"
			      "[connector org]\nodbc = DSN=y\nuse_org_rates = true\nenabled = no\n"
			      "fetch_rows = 500\nquery_timeout = 2m\ncurrency = EUR\n",
			      FG_CONNECTOR_ODBC | FG_CONNECTOR_PRICED, &cfg, &set),
			 0);
	assert_int_equal(set.n, 2);
	const struct fg_connector *c = set.v;
	assert_string_equal(c[0].name, "prod");
	assert_ptr_equal(c[0].sec, fg_config_section(cfg, "connector", "prod"));
	assert_string_equal(c[0].odbc, "DSN=x");
	assert_string_equal(c[0].credit_price, "3.00");
	assert_null(c[0].storage_price);
	assert_null(c[0].transfer_price);
	assert_string_equal(c[0].currency, "USD");
	assert_int_equal(c[0].lookback_days, 7);
	assert_int_equal(c[0].backfill_days, 365);
	assert_int_equal(c[0].query_timeout, 900);
	assert_int_equal(c[0].connect_timeout, 30);
	assert_int_equal(c[0].fetch_rows, 0);
	assert_int_equal(c[0].login_days, 0);
	assert_null(c[0].service_users);
	assert_int_equal(c[0].nservice_users, 0);
	assert_true(c[0].enabled);
	assert_false(c[0].use_org_rates);
	assert_null(c[1].credit_price);
	assert_true(c[1].use_org_rates);
	assert_false(c[1].enabled);
	assert_int_equal(c[1].fetch_rows, 500);
	assert_int_equal(c[1].query_timeout, 120);
	assert_string_equal(c[1].currency, "EUR");
	assert_ptr_equal(fg_connector_find(&set, "org"), &c[1]);
	assert_null(fg_connector_find(&set, "nope"));
	fg_connector_set_release(&set);
	assert_null(set.v);
	assert_int_equal(set.n, 0);
	fg_config_free(cfg);
}

static void test_durations_and_secscan_keys(void **state)
{
	(void)state;
	struct fg_config *cfg;
	struct fg_connector_set set;
	assert_int_equal(load("[connector a]\nodbc = DSN=x\nquery_timeout = 15m\nconnect_timeout = 45\n"
			      "login_days = 30\nservice_users = etl, ,loader \n"
			      "[connector b]\nodbc = DSN=x\nquery_timeout = 1d\nconnect_timeout = 1h\n",
			      FG_CONNECTOR_ODBC, &cfg, &set),
			 0);
	assert_int_equal(set.v[0].query_timeout, 900);
	assert_int_equal(set.v[0].connect_timeout, 45);
	assert_int_equal(set.v[0].login_days, 30);
	assert_int_equal(set.v[0].nservice_users, 2);
	assert_string_equal(set.v[0].service_users[0], "etl");
	assert_string_equal(set.v[0].service_users[1], "loader");
	assert_null(set.v[0].service_users[2]);
	assert_int_equal(set.v[1].query_timeout, 86400);
	assert_int_equal(set.v[1].connect_timeout, 3600);
	fg_connector_set_release(&set);
	fg_config_free(cfg);
}

static void test_no_connector(void **state)
{
	(void)state;
	struct fg_config *cfg;
	struct fg_connector_set set;
	assert_int_equal(load("[database]\nconninfo =\n", FG_CONNECTOR_ODBC, &cfg, &set), 0);
	assert_int_equal(set.n, 0);
	assert_null(set.v);
	fg_connector_set_release(&set);
	fg_config_free(cfg);
}

static void test_errors_name_file_and_line(void **state)
{
	(void)state;
	struct fg_config *cfg;
	struct fg_connector_set set;
	assert_int_equal(load("[connector a]\nodbc = DSN=x\ncredit_price = 1,5\nlookback_days = 9999\n"
			      "query_timeout = soon\nconnect_timeout = 2h\nlogin_days = 0\ncurrency = usd\n"
			      "[connector b]\ncredit_price = 1\n",
			      FG_CONNECTOR_ODBC, &cfg, &set),
			 FG_ERR_CONFIG);
	assert_null(set.v);
	assert_int_equal(set.n, 0);
	assert_non_null(strstr(capture_buf, "t.conf:3: credit_price: '1,5' is not a decimal number"));
	assert_non_null(strstr(capture_buf, "t.conf:4: lookback_days: 9999 is out of range"));
	assert_non_null(strstr(capture_buf,
			       "t.conf:5: query_timeout: 'soon' is not a duration (such as 90, 30s, 15m, 1h)"
			       " in section '[connector a]'"));
	assert_non_null(
		strstr(capture_buf, "t.conf:6: connect_timeout: 7200 seconds is out of range 0..3600"));
	assert_non_null(strstr(capture_buf, "t.conf:7: login_days: 0 is out of range 1..365"));
	assert_non_null(strstr(capture_buf, "t.conf:8: currency: 'usd' is not a currency code"));
	assert_non_null(strstr(capture_buf, "missing odbc: set it to an ODBC connection string"));
	assert_non_null(strstr(capture_buf, "in section '[connector b]'"));
	fg_config_free(cfg);
}

static void test_requirements_follow_need(void **state)
{
	(void)state;
	static const char text[] = "[connector a]\ncurrency = EUR\n[connector b]\nodbc =\n";
	struct fg_config *cfg;
	struct fg_connector_set set;

	/* a tool that never connects (budgetcheck) needs neither */
	assert_int_equal(load(text, 0, &cfg, &set), 0);
	assert_int_equal(set.n, 2);
	assert_null(set.v[0].odbc);
	fg_connector_set_release(&set);
	fg_config_free(cfg);

	/* an empty odbc is as missing as an absent one */
	assert_int_equal(load(text, FG_CONNECTOR_ODBC, &cfg, &set), FG_ERR_CONFIG);
	assert_non_null(strstr(capture_buf, "missing odbc"));
	assert_non_null(strstr(capture_buf, "[connector b]"));
	assert_null(strstr(capture_buf, "credit_price"));
	fg_config_free(cfg);

	assert_int_equal(
		load("[connector a]\nodbc = DSN=x\n[connector b]\nodbc = DSN=x\nuse_org_rates = yes\n",
		     FG_CONNECTOR_ODBC | FG_CONNECTOR_PRICED, &cfg, &set),
		FG_ERR_CONFIG);
	assert_non_null(strstr(capture_buf, "t.conf:1: missing credit_price: set the price of one credit, "
					    "or use_org_rates = true in section '[connector a]'"));
	assert_null(strstr(capture_buf, "[connector b]"));
	fg_config_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_durations_and_secscan_keys),
		cmocka_unit_test(test_no_connector),
		cmocka_unit_test(test_errors_name_file_and_line),
		cmocka_unit_test(test_requirements_follow_need),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
