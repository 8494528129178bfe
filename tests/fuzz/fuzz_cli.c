/*
 * libFuzzer harness: the shared command line.  The input, split at NUL
 * bytes, is argv (after a program name) for a tool with a flag, an option
 * taking a value, a date option and a long-only option; the callback
 * refuses one value as a tool would.  fg_cli_parse() must return run,
 * exit (help or version, printed to /dev/null) or a usage error.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "exitcode.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum {
	OPT_SINCE = 256,
	OPT_LONG_ONLY,
};

static const struct fg_cli_opt opts[] = {
	{ "all", 'a', false, NULL, "a flag" },
	{ "budget", 'b', true, "NAME", "an option with a value" },
	{ "since", OPT_SINCE, true, "DATE", "a date" },
	{ "long-only", OPT_LONG_ONLY, false, NULL, "no short form" },
	{ NULL, 0, false, NULL, NULL },
};

static const struct fg_tool_info tool = { "fuzz", "fuzz the command line", opts, "a match" };

static int on_opt(void *ud, int key, const char *arg)
{
	long day;

	(void)ud;
	if (key == 'b' && strcmp(arg, "bad") == 0) {
		fg_error("invalid budget '%s'", arg);
		return FG_ERR_USAGE;
	}
	if (key == OPT_SINCE)
		return fg_cli_date("--since", arg, &day);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	struct fg_cli cli;
	char *buf, **argv;
	int argc = 1, rc;

	if (!init) {
		if (freopen("/dev/null", "w", stdout) == NULL)
			abort();
		init = 1;
	}
	if (size > 4096 || (buf = malloc(size + 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (size_t i = 0; i < size; i++)
		argc += buf[i] == '\0';
	argc += size > 0;
	if ((argv = calloc((size_t)argc + 1, sizeof(*argv))) == NULL) {
		free(buf);
		return 0;
	}
	argv[0] = (char *)"fuzz";
	for (size_t i = 0, n = 1; size > 0 && i <= size; n++) {
		argv[n] = buf + i;
		i += strlen(buf + i) + 1;
	}
	rc = fg_cli_parse(&cli, &tool, argc, argv, on_opt, NULL);
	if (rc != FG_CLI_RUN && rc != FG_CLI_EXIT && rc != FG_ERR_USAGE)
		abort();
	if (rc == FG_CLI_RUN && cli.config == NULL)
		abort();
	fg_log_set_level(FG_LOG_ERROR);
	free(argv);
	free(buf);
	return 0;
}
