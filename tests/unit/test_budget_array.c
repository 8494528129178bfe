/* PostgreSQL array literals for parameters: quoting, NULL, nested lists, growth. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka.h needs the headers above first. */
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "budget_array.h"

static void test_elements(void **state)
{
	struct fg_pgarr a;
	char *const items[] = { "WH\"1", "a\\b", NULL };
	const int nums[] = { 50, -75, 1000 };

	(void)state;
	assert_int_equal(fg_pgarr_init(&a), 0);
	fg_pgarr_add(&a, "plain");
	fg_pgarr_add(&a, NULL);
	fg_pgarr_add(&a, "say \"hi\" \\ ok");
	fg_pgarr_add(&a, "");
	fg_pgarr_addf(&a, "%d", 42);
	assert_int_equal(fg_pgarr_add_list(&a, items, NULL, 2), 0);
	assert_int_equal(fg_pgarr_add_list(&a, NULL, nums, 3), 0);
	assert_int_equal(fg_pgarr_add_list(&a, NULL, NULL, 0), 0);
	assert_string_equal(fg_pgarr_finish(&a),
			    "{\"plain\",NULL,\"say \\\"hi\\\" \\\\ ok\",\"\",\"42\","
			    "\"{\\\"WH\\\\\\\"1\\\",\\\"a\\\\\\\\b\\\"}\",\"{50,-75,1000}\",\"{}\"}");
	/* finishing twice gives the same literal */
	assert_string_equal(fg_pgarr_finish(&a), fg_pgarr_finish(&a));
	fg_pgarr_release(&a);
}

static void test_empty_and_large(void **state)
{
	struct fg_pgarr a;
	const char *lit;
	size_t len;

	(void)state;
	assert_int_equal(fg_pgarr_init(&a), 0);
	assert_string_equal(fg_pgarr_finish(&a), "{}");
	fg_pgarr_release(&a);

	assert_int_equal(fg_pgarr_init(&a), 0);
	for (int i = 0; i < 10000; i++)
		fg_pgarr_addf(&a, "b%05d", i);
	lit = fg_pgarr_finish(&a);
	assert_non_null(lit);
	len = strlen(lit);
	assert_int_equal(len, 2 + 10000 * 8 + 9999);
	assert_memory_equal(lit, "{\"b00000\",\"b00001\",", 19);
	assert_string_equal(lit + len - 9, "\"b09999\"}");
	fg_pgarr_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_elements),
		cmocka_unit_test(test_empty_and_large),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
