/* Calendar arithmetic and FLAKEGUARD_NOW. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "clock.h"
#include "exitcode.h"
#include "log.h"

static void test_civil(void **state)
{
	(void)state;
	assert_int_equal(fg_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(fg_days_from_civil(2000, 3, 1) - fg_days_from_civil(2000, 2, 28), 2);
	assert_int_equal(fg_days_from_civil(2100, 3, 1) - fg_days_from_civil(2100, 2, 28), 1);
	for (long d = -1000; d < 200000; d += 37) {
		int y;
		unsigned m, dd;
		fg_civil_from_days(d, &y, &m, &dd);
		assert_int_equal(fg_days_from_civil(y, m, dd), d);
	}
}

static void test_dates(void **state)
{
	(void)state;
	long d;
	char buf[16];
	assert_int_equal(fg_date_parse("2024-02-29", &d), 0);
	fg_date_format(d, buf, sizeof(buf));
	assert_string_equal(buf, "2024-02-29");
	fg_date_format(d + 1, buf, sizeof(buf));
	assert_string_equal(buf, "2024-03-01");
	assert_int_equal(fg_date_parse("2023-02-29", &d), -1);
	assert_int_equal(fg_date_parse("2023-13-01", &d), -1);
	assert_int_equal(fg_date_parse("2023-1-01", &d), -1);
	assert_int_equal(fg_date_parse("2023-01-01x", &d), -1);
	assert_int_equal(fg_date_parse("yesterday", &d), -1);
	assert_int_equal(fg_date_parse("2023-01-0", &d), -1);
	assert_int_equal(fg_date_parse("2023/01/01", &d), -1);
	assert_int_equal(fg_date_parse("2023-01-0a", &d), -1);
	assert_int_equal(fg_date_parse("", &d), -1);
	assert_int_equal(fg_date_parse("1969-12-31", &d), -1);
}

static void test_timestamps(void **state)
{
	(void)state;
	time_t t;
	char buf[32];
	assert_int_equal(fg_timestamp_parse("2026-03-15T10:00:00Z", &t), 0);
	fg_timestamp_format(t, buf, sizeof(buf));
	assert_string_equal(buf, "2026-03-15T10:00:00Z");
	assert_int_equal(fg_timestamp_parse("2026-03-15 23:59:59+00:00", &t), 0);
	assert_int_equal(t % 86400, 86399);
	assert_int_equal(fg_timestamp_parse("2026-03-15T10:00:00+02:00", &t), -1);
	assert_int_equal(fg_timestamp_parse("2026-03-15", &t), -1);
}

static void test_now(void **state)
{
	(void)state;
	setenv("FLAKEGUARD_NOW", "2026-03-15T10:00:00Z", 1);
	assert_int_equal(fg_clock_init(), 0);
	char buf[16];
	fg_date_format(fg_today(), buf, sizeof(buf));
	assert_string_equal(buf, "2026-03-15");
	setenv("FLAKEGUARD_NOW", "tomorrow", 1);
	capture_begin();
	assert_int_equal(fg_clock_init(), FG_ERR_CONFIG);
	assert_non_null(strstr(capture_end(), "invalid FLAKEGUARD_NOW 'tomorrow'"));
	unsetenv("FLAKEGUARD_NOW");
	assert_int_equal(fg_clock_init(), 0);
	assert_true(labs((long)(fg_now() - time(NULL))) < 5);
}

static void test_elapsed(void **state)
{
	(void)state;
	/* a fixed "now" does not stop the clock durations are measured on */
	setenv("FLAKEGUARD_NOW", "2026-03-15T10:00:00Z", 1);
	assert_int_equal(fg_clock_init(), 0);
	struct timespec t0 = fg_mono_now();
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	nanosleep(&pause, NULL);
	double s = fg_elapsed_since(&t0);
	assert_true(s >= 0.019);
	assert_true(s < 5.0);
	struct timespec later = fg_mono_now();
	assert_true(later.tv_sec > t0.tv_sec || (later.tv_sec == t0.tv_sec && later.tv_nsec >= t0.tv_nsec));
	unsetenv("FLAKEGUARD_NOW");
	assert_int_equal(fg_clock_init(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_civil),      cmocka_unit_test(test_dates),
		cmocka_unit_test(test_timestamps), cmocka_unit_test(test_now),
		cmocka_unit_test(test_elapsed),
	};
	fg_log_init("test");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
