/* costsync: --connector selection, source numbers (sections: test_connector.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "config.h"
#include "connector.h"
#include "costsync.h"
#include "exitcode.h"

static void test_select(void **state)
{
	(void)state;
	struct fg_config *cfg;
	struct fg_connector_set set;
	bool run[3];
	assert_int_equal(
		fg_config_load_string("[connector a]\nodbc = DSN=x\ncredit_price = 1\n"
				      "[connector b]\nodbc = DSN=x\ncredit_price = 1\nenabled = false\n"
				      "[connector c]\nodbc = DSN=x\ncredit_price = 1\n",
				      "t.conf", &cfg),
		0);
	assert_int_equal(fg_connector_load(cfg, FG_CONNECTOR_ODBC | FG_CONNECTOR_PRICED, &set), 0);
	assert_int_equal(fg_costsync_select(&set, NULL, 0, run), 0);
	assert_true(run[0] && !run[1] && run[2]);
	char *names[] = { "b", "c" };
	assert_int_equal(fg_costsync_select(&set, names, 2, run), 0);
	assert_true(!run[0] && run[1] && run[2]);
	char *bad[] = { "a", "nope" };
	capture_begin();
	assert_int_equal(fg_costsync_select(&set, bad, 2, run), FG_ERR_USAGE);
	capture_end();
	assert_non_null(strstr(capture_buf, "unknown connector 'nope'"));
	fg_connector_set_release(&set);
	fg_config_free(cfg);
}

static void test_numbers(void **state)
{
	(void)state;
	const char *good[] = { "0",           "-0.5",   "+12",
			       "1.500000000", ".5",     "5.",
			       "1e10",        "2.5E-3", "123456789012345678901234567890" };
	const char *bad[] = { "",     "-",  ".",   "NaN", "nan", "Infinity", "-inf", "1,5",
			      "0x10", "1e", "1e+", " 1",  "1 ",  "1.2.3",    "--1" };
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(fg_costsync_is_number(good[i]));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(fg_costsync_is_number(bad[i]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_select),
		cmocka_unit_test(test_numbers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
