/* secscan pure helpers: severities, suppressions, IoC lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "secscan.h"

static void test_severity(void **state)
{
	enum fg_severity s;
	(void)state;
	assert_int_equal(fg_severity_parse("critical", &s), 0);
	assert_int_equal(s, FG_SEV_CRITICAL);
	assert_int_equal(fg_severity_parse("low", &s), 0);
	assert_int_equal(s, FG_SEV_LOW);
	assert_int_equal(fg_severity_parse("High", &s), -1);
	assert_int_equal(fg_severity_parse("", &s), -1);
	assert_int_equal(fg_severity_parse(NULL, &s), -1);
	assert_true(FG_SEV_HIGH > FG_SEV_MEDIUM && FG_SEV_MEDIUM > FG_SEV_LOW);
	for (int i = FG_SEV_INFO; i <= FG_SEV_CRITICAL; i++) {
		assert_int_equal(fg_severity_parse(fg_severity_name((enum fg_severity)i), &s), 0);
		assert_int_equal(s, i);
	}
}

static void test_ignore_ok(void **state)
{
	struct fg_sec_ignore *l = NULL;
	size_t n = 0;
	const char *err = NULL;
	char *bad = NULL;
	(void)state;
	assert_int_equal(fg_sec_ignore_parse("stale-user:BOB (on leave, back in May), "
					     "network-policy-open:OPEN:POLICY (vendor (temporary))",
					     &l, &n, &err, &bad),
			 0);
	assert_int_equal(n, 2);
	assert_string_equal(l[0].rule, "stale-user");
	assert_string_equal(l[0].subject, "BOB");
	assert_string_equal(l[0].reason, "on leave, back in May");
	assert_string_equal(l[1].subject, "OPEN:POLICY");
	assert_string_equal(l[1].reason, "vendor (temporary)");
	/* a second line appends */
	assert_int_equal(
		fg_sec_ignore_parse("admin-count:account (two break-glass users)", &l, &n, &err, &bad), 0);
	assert_int_equal(n, 3);
	assert_string_equal(l[2].subject, "account");
	fg_sec_ignore_free(l, n);
	free(l);
}

static void expect_bad(const char *value, const char *culprit, const char *msg)
{
	struct fg_sec_ignore *l = NULL;
	size_t n = 0;
	const char *err = NULL;
	char *bad = NULL;
	assert_int_equal(fg_sec_ignore_parse(value, &l, &n, &err, &bad), -1);
	assert_non_null(bad);
	assert_string_equal(bad, culprit);
	assert_non_null(strstr(err, msg));
	free(bad);
	fg_sec_ignore_free(l, n);
	free(l);
}

static void test_ignore_bad(void **state)
{
	(void)state;
	expect_bad("stale-user:BOB", "stale-user:BOB", "reason");
	expect_bad("stale-user:BOB (ok), stale-user:EVE", "stale-user:EVE", "reason");
	expect_bad("nope:BOB (why)", "nope:BOB (why)", "unknown rule");
	expect_bad("stale-user: (why)", "stale-user: (why)", "empty subject");
	expect_bad("stale-user:BOB ()", "stale-user:BOB ()", "empty reason");
	expect_bad("BOB (why)", "BOB (why)", "RULE:SUBJECT");
}

static void test_ioc_line(void **state)
{
	char out[64];
	(void)state;
	assert_int_equal(fg_sec_ioc_line("102.165.16.161\n", out, sizeof(out)), 1);
	assert_string_equal(out, "102.165.16.161");
	assert_int_equal(fg_sec_ioc_line("  10.0.0.0/8  # office\n", out, sizeof(out)), 1);
	assert_string_equal(out, "10.0.0.0/8");
	assert_int_equal(fg_sec_ioc_line("2001:db8::1", out, sizeof(out)), 1);
	assert_int_equal(fg_sec_ioc_line("# comment", out, sizeof(out)), 0);
	assert_int_equal(fg_sec_ioc_line("   \n", out, sizeof(out)), 0);
	assert_int_equal(fg_sec_ioc_line("256.1.1.1", out, sizeof(out)), -1);
	assert_int_equal(fg_sec_ioc_line("1.2.3", out, sizeof(out)), -1);
	assert_int_equal(fg_sec_ioc_line("1.2.3.4/33", out, sizeof(out)), -1);
	assert_int_equal(fg_sec_ioc_line("1.2.3.4 5.6.7.8", out, sizeof(out)), -1);
	assert_int_equal(fg_sec_ioc_line("evil.example.com", out, sizeof(out)), -1);
	assert_int_equal(fg_sec_ioc_line("1.2.3.4'; DROP", out, sizeof(out)), -1);
	assert_int_equal(fg_sec_ioc_line("1.2.3.4", out, 4), -1);
}

static void test_source_names(void **state)
{
	(void)state;
	assert_string_equal(fg_sec_source_name(FG_SRC_USERS), "USERS");
	assert_string_equal(fg_sec_source_name(FG_SRC_QUERY_HISTORY), "QUERY_HISTORY");
	assert_string_equal(fg_sec_source_name(FG_SRC_IOC_LIST), "IOC_LIST");
	assert_string_equal(fg_sec_source_name(3), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_severity),     cmocka_unit_test(test_ignore_ok),
		cmocka_unit_test(test_ignore_bad),   cmocka_unit_test(test_ioc_line),
		cmocka_unit_test(test_source_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
