/* Comma-separated lists: trimming, empty items, ownership. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka.h needs the headers above first. */
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strlist.h"

/* Split s and compare with want ("|"-joined items). */
static void expect(const char *s, int flags, const char *want, int wantn)
{
	char **items = NULL;
	char got[256] = "";
	size_t len = 0;
	int n = -1;

	assert_int_equal(fg_strlist_split(s, flags, &items, &n), 0);
	assert_non_null(items);
	assert_int_equal(n, wantn);
	for (int i = 0; i < n; i++) {
		assert_non_null(items[i]);
		len += (size_t)snprintf(got + len, sizeof(got) - len, "%s%s", i ? "|" : "", items[i]);
		assert_true(len < sizeof(got));
	}
	assert_null(items[n]);
	assert_string_equal(got, want);
	fg_strlist_free(items);
}

static void test_trims_blanks(void **state)
{
	(void)state;
	expect("ops", 0, "ops", 1);
	expect("ops,finance", 0, "ops|finance", 2);
	expect(" ops ,\tfinance-mail\t, x y ", 0, "ops|finance-mail|x y", 3);
}

static void test_drops_empty_items(void **state)
{
	(void)state;
	expect("", 0, "", 0);
	expect(" , ,\t", 0, "", 0);
	expect(",a,,b,", 0, "a|b", 2);
	expect("a, ,b", 0, "a|b", 2);
}

static void test_keeps_empty_items_when_asked(void **state)
{
	(void)state;
	expect("", FG_STRLIST_KEEP_EMPTY, "", 1);
	expect("a,,b", FG_STRLIST_KEEP_EMPTY, "a||b", 3);
	expect("a, ", FG_STRLIST_KEEP_EMPTY, "a|", 2);
	expect(",", FG_STRLIST_KEEP_EMPTY, "|", 2);
}

static void test_items_are_owned_copies(void **state)
{
	(void)state;
	char src[] = "a,b";
	char **items;
	int n;
	assert_int_equal(fg_strlist_split(src, 0, &items, &n), 0);
	src[0] = 'x';
	assert_string_equal(items[0], "a");
	items[1][0] = 'c'; /* writable */
	assert_string_equal(items[1], "c");
	fg_strlist_free(items);
	fg_strlist_free(NULL);
}

static void test_long_list(void **state)
{
	(void)state;
	char s[4000];
	char **items;
	int n;
	size_t len = 0;
	for (int i = 0; i < 500; i++)
		len += (size_t)snprintf(s + len, sizeof(s) - len, "%s u%d", i ? "," : "", i);
	assert_int_equal(fg_strlist_split(s, 0, &items, &n), 0);
	assert_int_equal(n, 500);
	assert_string_equal(items[0], "u0");
	assert_string_equal(items[499], "u499");
	assert_null(items[500]);
	fg_strlist_free(items);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trims_blanks),
		cmocka_unit_test(test_drops_empty_items),
		cmocka_unit_test(test_keeps_empty_items_when_asked),
		cmocka_unit_test(test_items_are_owned_copies),
		cmocka_unit_test(test_long_list),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
