/* Exact decimals: parsing, formatting, rounding, arithmetic, overflow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "decimal.h"

static struct fg_dec D(const char *s) {
	struct fg_dec d;
	assert_int_equal(fg_dec_parse(s, &d, NULL), 0);
	return d;
}

static const char *
F(struct fg_dec d, int places)
{
	static char buf[8][64];
	static int slot;
	char *b = buf[slot++ % 8];
	assert_true(fg_dec_format(d, places, b, 64) > 0);
	return b;
}

static void test_parse_format(void **state)
{
	(void)state;
	assert_string_equal(F(D("0"), -1), "0");
	assert_string_equal(F(D("3.00"), -1), "3");
	assert_string_equal(F(D("3.00"), 2), "3.00");
	assert_string_equal(F(D("-0.5"), -1), "-0.5");
	assert_string_equal(F(D("+12.340"), -1), "12.34");
	assert_string_equal(F(D(".25"), -1), "0.25");
	assert_string_equal(F(D("1.5E-5"), -1), "0.000015");
	assert_string_equal(F(D("2e3"), -1), "2000");
	assert_string_equal(F(D("123456789012345678901234.123456789012"), -1),
			    "123456789012345678901234.123456789012");
	assert_string_equal(F(D("-0.000"), 2), "0.00");
	assert_string_equal(F(D("0.1234567890120000"), -1), "0.123456789012");
}

static void test_parse_rejects(void **state)
{
	(void)state;
	struct fg_dec d;
	const char *why;
	const char *bad[] = { "",
			      "-",
			      ".",
			      "1.2.3",
			      "abc",
			      "1,5",
			      " 1",
			      "1 ",
			      "1e",
			      "1e+",
			      "0x10",
			      "NaN",
			      "inf",
			      "--1",
			      "1.0000000000001",
			      "1e-13",
			      "1"
			      "000000000000000000000000000000000000000" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		assert_int_equal(fg_dec_parse(bad[i], &d, &why), -1);
		assert_non_null(why);
	}
	assert_int_equal(fg_dec_parse(NULL, &d, NULL), -1);
	assert_int_equal(fg_dec_parsen("12abc", 2, &d, NULL), 0);
	assert_string_equal(F(d, -1), "12");
}

static void test_rounding(void **state)
{
	(void)state;
	assert_string_equal(F(D("2.345"), 2), "2.35");
	assert_string_equal(F(D("2.344999"), 2), "2.34");
	assert_string_equal(F(D("-2.345"), 2), "-2.35");
	assert_string_equal(F(D("0.005"), 2), "0.01");
	assert_string_equal(F(D("0.004"), 2), "0.00");
	assert_string_equal(F(D("9.995"), 2), "10.00");
	assert_string_equal(F(D("7.5"), 0), "8");
}

static void test_arithmetic(void **state)
{
	(void)state;
	struct fg_dec r;
	/* 0.1 + 0.2 is exactly 0.3 */
	assert_int_equal(fg_dec_add(D("0.1"), D("0.2"), &r), 0);
	assert_int_equal(fg_dec_cmp(r, D("0.3")), 0);
	assert_int_equal(fg_dec_sub(D("1"), D("1.000000000001"), &r), 0);
	assert_string_equal(F(r, -1), "-0.000000000001");
	/* the largest values: their sum and difference are refused, not wrapped */
	assert_int_equal(fg_dec_add(D("90000000000000000000000000"), D("90000000000000000000000000"), &r),
			 -1);
	assert_int_equal(fg_dec_sub(D("-90000000000000000000000000"), D("90000000000000000000000000"), &r),
			 -1);
	assert_int_equal(fg_dec_add(D("50000000000000000000000000"), D("50000000000000000000000000"), &r), 0);
	/* credits * price */
	assert_int_equal(fg_dec_mul(D("12.345678901"), D("3.00"), &r), 0);
	assert_string_equal(F(r, -1), "37.037036703");
	assert_int_equal(fg_dec_mul(D("-2.5"), D("4"), &r), 0);
	assert_string_equal(F(r, -1), "-10");
	assert_int_equal(fg_dec_mul(D("100000000000000000000"), D("100000000000000000000"), &r), -1);
	assert_int_equal(fg_dec_mul(D("123456789.123456789"), D("987654.321"), &r), 0);
	assert_string_equal(F(r, -1), "121932631234567.900112635269");
	assert_int_equal(fg_dec_div(D("10"), D("3"), &r), 0);
	assert_string_equal(F(r, -1), "3.333333333333");
	assert_int_equal(fg_dec_div(D("20"), D("3"), &r), 0);
	assert_string_equal(F(r, -1), "6.666666666667");
	assert_int_equal(fg_dec_div(D("1"), D("0"), &r), -1);
	assert_int_equal(fg_dec_div(D("-7.5"), D("2.5"), &r), 0);
	assert_string_equal(F(r, -1), "-3");
	assert_true(fg_dec_cmp(D("-1"), D("0.5")) < 0);
	assert_true(fg_dec_cmp(D("2"), D("1.999999999999")) > 0);
	assert_string_equal(F(fg_dec_from_int(-42), 2), "-42.00");
}

static void test_canonical_and_buffer(void **state)
{
	(void)state;
	char buf[64];
	assert_int_equal(fg_dec_canonical("001.500", buf, sizeof(buf), NULL), 0);
	assert_string_equal(buf, "1.5");
	char small[4];
	assert_int_equal(fg_dec_format(D("12345"), -1, small, sizeof(small)), -1);
	assert_int_equal(fg_dec_format(D("123"), -1, small, sizeof(small)), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_format),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_rounding),
		cmocka_unit_test(test_arithmetic),
		cmocka_unit_test(test_canonical_and_buffer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
