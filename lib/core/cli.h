/*
 * cli.h - the command line every tool shares (flakeguard(7), Common behaviour).
 *
 * A tool describes its own options in a table; fg_cli_parse() merges them
 * with the common ones, parses argv with getopt_long, handles --help and
 * --version itself, and hands tool options to a callback.  Errors are one
 * line on stderr and return FG_ERR_USAGE (exit 64).
 */
#ifndef FG_CLI_H
#define FG_CLI_H

#include <stdbool.h>
#include "log.h"

enum {
	FG_CLI_RUN = 0,
	FG_CLI_EXIT = 1
};

/* Keys of tool options: a printable char (short option too) or >= 256. */
struct fg_cli_opt {
	const char *name; /* long name, without -- */
	int key;
	bool has_arg;
	const char *argname; /* e.g. "NAME" */
	const char *help;    /* one line */
};

struct fg_tool_info {
	const char *name;              /* "costsync" */
	const char *summary;           /* one line: what the tool does */
	const struct fg_cli_opt *opts; /* terminated by {NULL} */
	const char *exit1;             /* what exit status 1 means, or NULL */
};

struct fg_cli {
	const char *config; /* -c, or the default path */
	bool dry_run;
	bool json;
	bool check_config; /* --check-config: check the file, nothing else */
	int verbosity;     /* -v count minus -q count */
	enum fg_log_format log_format;
};

/* Called for each tool option; return 0, or FG_ERR_USAGE after logging. */
typedef int (*fg_cli_cb)(void *ud, int key, const char *arg);

/*
 * Parse argv.  Returns FG_CLI_RUN, FG_CLI_EXIT (help or version printed:
 * exit 0), or FG_ERR_USAGE (message logged).  Also sets up logging (level,
 * format, program name).  Positional arguments are a usage error.
 */
int fg_cli_parse(struct fg_cli *cli, const struct fg_tool_info *tool, int argc, char **argv, fg_cli_cb cb,
		 void *ud);

/* Print the --help text to stdout. */
void fg_cli_help(const struct fg_tool_info *tool);
/*
 * Parse the argument of a date option (--since, --as-of, ...), YYYY-MM-DD,
 * into a day number.  Returns 0, or FG_ERR_USAGE after one error line
 * naming the option and the value.
 */
int fg_cli_date(const char *opt, const char *arg, long *day);

/*
 * Print the --version text to stdout: the versions built against, and
 * with verbose those of the shared libraries actually loaded.
 */
void fg_cli_version(const char *prog, bool verbose);

/*
 * Finish stdout: flush and check for write errors (a full disk, a closed
 * pipe).  Returns 0, or FG_ERR_TEMP after logging.
 */
int fg_cli_close_stdout(void);

#endif
