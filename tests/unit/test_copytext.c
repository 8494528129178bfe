/* COPY text fields: the bytes COPY reads specially are escaped, NULL is \N. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "copytext.h"

static void test_copy_field(void **state)
{
	struct fg_copy_line l = { 0 };
	(void)state;
	assert_int_equal(fg_copy_field(&l, "plain"), 0);
	assert_int_equal(fg_copy_put(&l, "|", 1), 0);
	assert_int_equal(fg_copy_field(&l, NULL), 0);
	assert_int_equal(fg_copy_put(&l, "|", 1), 0);
	assert_int_equal(fg_copy_field(&l, "a\tb\nc\rd\\N"), 0);
	assert_string_equal(l.buf, "plain|\\N|a\\tb\\nc\\rd\\\\N");
	fg_copy_line_release(&l);
	assert_null(l.buf);
	/* growth past the first block */
	for (int i = 0; i < 10000; i++)
		assert_int_equal(fg_copy_field(&l, "\\"), 0);
	assert_int_equal(l.len, 20000);
	fg_copy_line_release(&l);
}

/* An empty value is an empty field, not \N, and leaves a string behind. */
static void test_copy_empty(void **state)
{
	struct fg_copy_line l = { 0 };
	(void)state;
	assert_int_equal(fg_copy_field(&l, ""), 0);
	assert_non_null(l.buf);
	assert_string_equal(l.buf, "");
	l.len = 0;
	assert_int_equal(fg_copy_field(&l, "x"), 0);
	assert_string_equal(l.buf, "x");
	fg_copy_line_release(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copy_field),
		cmocka_unit_test(test_copy_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
