/* costsync: connector sections, --connector selection, source numbers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "config.h"
#include "costsync.h"
#include "exitcode.h"

static int load(const char *text, struct fg_config **cfg, struct fg_costsync_conn **conns, int *n)
{
	*conns = NULL;
	*n = 0;
	assert_int_equal(fg_config_load_string(text, "t.conf", cfg), 0);
	capture_begin();
	int rc = fg_costsync_conns_load(*cfg, conns, n);
	capture_end();
	return rc;
}

static void test_defaults(void **state)
{
	(void)state;
	struct fg_config *cfg;
	struct fg_costsync_conn *c;
	int n;
	assert_int_equal(load("[connector prod]\nodbc = DSN=x\ncredit_price = 3.00\n"
	                      "[connector org]\nodbc = DSN=y\nuse_org_rates = true\nenabled = no\n"
	                      "fetch_rows = 500\nquery_timeout = 2m\ncurrency = EUR\n",
	                      &cfg, &c, &n),
	                 0);
	assert_int_equal(n, 2);
	assert_string_equal(c[0].name, "prod");
	assert_string_equal(c[0].credit_price, "3.00");
	assert_null(c[0].storage_price);
	assert_null(c[0].transfer_price);
	assert_string_equal(c[0].currency, "USD");
	assert_int_equal(c[0].lookback_days, 7);
	assert_int_equal(c[0].backfill_days, 365);
	assert_int_equal(c[0].query_timeout, 900);
	assert_int_equal(c[0].connect_timeout, 30);
	assert_int_equal(c[0].fetch_rows, 0);
	assert_true(c[0].enabled);
	assert_false(c[0].use_org_rates);
	assert_null(c[1].credit_price);
	assert_true(c[1].use_org_rates);
	assert_false(c[1].enabled);
	assert_int_equal(c[1].fetch_rows, 500);
	assert_int_equal(c[1].query_timeout, 120);
	assert_string_equal(c[1].currency, "EUR");
	free(c);
	fg_config_free(cfg);
}

static void test_errors_name_file_and_line(void **state)
{
	(void)state;
	struct fg_config *cfg;
	struct fg_costsync_conn *c;
	int n;
	assert_int_equal(load("[connector a]\nodbc = DSN=x\ncredit_price = 1,5\nlookback_days = 9999\n"
	                      "[connector b]\ncredit_price = 1\n",
	                      &cfg, &c, &n),
	                 FG_ERR_CONFIG);
	assert_null(c);
	assert_non_null(strstr(capture_buf, "t.conf:3: credit_price: '1,5' is not a decimal number"));
	assert_non_null(strstr(capture_buf, "t.conf:4: lookback_days: 9999 is out of range"));
	assert_non_null(strstr(capture_buf, "missing odbc"));
	fg_config_free(cfg);
}

static void test_select(void **state)
{
	(void)state;
	struct fg_config *cfg;
	struct fg_costsync_conn *c;
	int n;
	bool run[3];
	assert_int_equal(load("[connector a]\nodbc = DSN=x\ncredit_price = 1\n"
	                      "[connector b]\nodbc = DSN=x\ncredit_price = 1\nenabled = false\n"
	                      "[connector c]\nodbc = DSN=x\ncredit_price = 1\n",
	                      &cfg, &c, &n),
	                 0);
	assert_int_equal(fg_costsync_select(c, n, NULL, 0, run), 0);
	assert_true(run[0] && !run[1] && run[2]);
	char *names[] = {"b", "c"};
	assert_int_equal(fg_costsync_select(c, n, names, 2, run), 0);
	assert_true(!run[0] && run[1] && run[2]);
	char *bad[] = {"a", "nope"};
	capture_begin();
	assert_int_equal(fg_costsync_select(c, n, bad, 2, run), FG_ERR_USAGE);
	capture_end();
	assert_non_null(strstr(capture_buf, "unknown connector 'nope'"));
	free(c);
	fg_config_free(cfg);
}

static void test_numbers(void **state)
{
	(void)state;
	const char *good[] = {"0",           "-0.5",   "+12",
	                      "1.500000000", ".5",     "5.",
	                      "1e10",        "2.5E-3", "123456789012345678901234567890"};
	const char *bad[] = {"",     "-",  ".",   "NaN", "nan", "Infinity", "-inf", "1,5",
	                     "0x10", "1e", "1e+", " 1",  "1 ",  "1.2.3",    "--1"};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(fg_costsync_is_number(good[i]));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(fg_costsync_is_number(bad[i]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_errors_name_file_and_line),
	    cmocka_unit_test(test_select),
	    cmocka_unit_test(test_numbers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
