/* The shared command line: fg_cli_parse() called more than once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>

#include "cli.h"
#include "exitcode.h"
#include "log.h"

static const struct fg_cli_opt opts[] = {
	{ "budget", 'b', true, "NAME", "an option with a value" },
	{ NULL, 0, false, NULL, NULL },
};

static const struct fg_tool_info tool = { "test", "test the command line", opts, NULL };

static int on_opt(void *ud, int key, const char *arg)
{
	(void)key;
	(void)arg;
	(*(int *)ud)++;
	return 0;
}

/* A parse that stops inside "-Zv" leaves nothing for the next parse. */
static void test_parse_after_error_in_cluster(void **state)
{
	(void)state;
	char a0[] = "test", a1[] = "-Zvb", b0[] = "test";
	char *first[] = { a0, a1, NULL }, *second[] = { b0, NULL };
	struct fg_cli cli;
	int calls = 0;

	assert_int_equal(fg_cli_parse(&cli, &tool, 2, first, on_opt, &calls), FG_ERR_USAGE);
	assert_int_equal(fg_cli_parse(&cli, &tool, 1, second, on_opt, &calls), FG_CLI_RUN);
	assert_int_equal(cli.verbosity, 0);
	assert_int_equal(calls, 0);
}

/* Each parse reads its own argv from the first argument on. */
static void test_parse_twice(void **state)
{
	(void)state;
	char a0[] = "test", a1[] = "-v", a2[] = "--budget=x", b0[] = "test", b1[] = "-q";
	char *first[] = { a0, a1, a2, NULL }, *second[] = { b0, b1, NULL };
	struct fg_cli cli;
	int calls = 0;

	assert_int_equal(fg_cli_parse(&cli, &tool, 3, first, on_opt, &calls), FG_CLI_RUN);
	assert_int_equal(cli.verbosity, 1);
	assert_int_equal(calls, 1);
	assert_int_equal(fg_cli_parse(&cli, &tool, 2, second, on_opt, &calls), FG_CLI_RUN);
	assert_int_equal(cli.verbosity, -1);
	assert_int_equal(calls, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_after_error_in_cluster),
		cmocka_unit_test(test_parse_twice),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
