/*
 * cli.c - getopt_long over the common options plus a tool's own.
 */
#include "cli.h"
#include "clock.h"
#include "config.h"
#include "exitcode.h"
#include "fg_version.h"
#include "odbc.h"

#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	OPT_JSON = 1000,
	OPT_LOG_FORMAT,
	OPT_CHECK_CONFIG,
};

static const struct fg_cli_opt common_opts[] = {
	{ "config", 'c', true, "FILE",
	  "config file (default $FLAKEGUARD_CONFIG, then /etc/flakeguard/flakeguard.conf)" },
	{ "dry-run", 'n', false, NULL, "read and compute everything, write nothing, send nothing" },
	{ "json", OPT_JSON, false, NULL, "print a machine-readable JSON result on stdout" },
	{ "verbose", 'v', false, NULL, "log more on stderr (repeat for debug)" },
	{ "quiet", 'q', false, NULL, "log only errors" },
	{ "log-format", OPT_LOG_FORMAT, true, "text|json", "stderr log lines as text (default) or JSON" },
	{ "check-config", OPT_CHECK_CONFIG, false, NULL,
	  "check the whole config file for every tool, print each problem, and exit (with -v, a summary)" },
	{ "help", 'h', false, NULL, "show this help and exit" },
	{ "version", 'V', false, NULL,
	  "show the version and the library versions built with (with -v, also those loaded) and exit" },
	{ NULL, 0, false, NULL, NULL },
};

static void print_opts(const struct fg_cli_opt *o)
{
	for (; o->name; o++) {
		char left[64];
		if (o->key > 0 && o->key < 256)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", o->key, o->name, o->has_arg ? " " : "",
				 o->has_arg ? o->argname : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", o->name, o->has_arg ? " " : "",
				 o->has_arg ? o->argname : "");
		printf("  %-28s %s\n", left, o->help);
	}
}

void fg_cli_help(const struct fg_tool_info *tool)
{
	printf("usage: %s [options]\n\n%s\n\nOptions:\n", tool->name, tool->summary);
	if (tool->opts != NULL && tool->opts[0].name != NULL)
		print_opts(tool->opts);
	print_opts(common_opts);
	printf("\nExit status: 0 success, ");
	if (tool->exit1 != NULL)
		printf("1 %s, ", tool->exit1);
	printf("64 usage, 65 bad input data,\n"
	       "69 remote refused permanently, 75 temporary failure, 78 configuration error.\n"
	       "See %s(1) and flakeguard.conf(5).\n",
	       tool->name);
}

int fg_cli_date(const char *opt, const char *arg, long *day)
{
	if (fg_date_parse(arg, day) < 0) {
		fg_error("invalid --%s '%s': expected a date as YYYY-MM-DD", opt, arg);
		return FG_ERR_USAGE;
	}
	return 0;
}

void fg_cli_version(const char *prog, bool verbose)
{
	printf("%s (flakeguard) %s\nbuilt with %s\n", prog, FG_VERSION, FG_BUILT_WITH);
	if (verbose) {
		int pq = PQlibVersion();
		curl_version_info_data *cv = curl_version_info(CURLVERSION_NOW);
		char dm[48];
		fg_odbc_dm_version(dm, sizeof(dm));
		printf("running with libpq %d.%d, libcurl %s (%s), jansson %s, unixODBC %s\n", pq / 10000,
		       pq % 10000, cv->version, cv->ssl_version ? cv->ssl_version : "no TLS",
		       jansson_version_str(), dm);
	}
}

static int count_opts(const struct fg_cli_opt *o)
{
	int n = 0;
	while (o && o[n].name)
		n++;
	return n;
}

static void add_opts(const struct fg_cli_opt *o, struct option *lo, int *nlo, char *shorts, int *ns)
{
	for (; o && o->name; o++) {
		lo[*nlo].name = o->name;
		lo[*nlo].has_arg = o->has_arg ? required_argument : no_argument;
		lo[*nlo].flag = NULL;
		lo[*nlo].val = o->key;
		(*nlo)++;
		if (o->key > 0 && o->key < 256) {
			shorts[(*ns)++] = (char)o->key;
			if (o->has_arg)
				shorts[(*ns)++] = ':';
		}
	}
}

int fg_cli_parse(struct fg_cli *cli, const struct fg_tool_info *tool, int argc, char **argv, fg_cli_cb cb,
		 void *ud)
{
	int ntool = count_opts(tool->opts), ncommon = count_opts(common_opts);
	struct option *lo = calloc((size_t)(ntool + ncommon + 1), sizeof(*lo));
	char shorts[128] = ":";
	int nlo = 0, ns = 1, c, rc = FG_CLI_RUN;
	int verbose = 0, quiet = 0;
	bool version = false;

	fg_log_init(tool->name);
	memset(cli, 0, sizeof(*cli));
	if (lo == NULL)
		return FG_ERR_INTERNAL;
	add_opts(common_opts, lo, &nlo, shorts, &ns);
	add_opts(tool->opts, lo, &nlo, shorts, &ns);
	shorts[ns] = '\0';
	opterr = 0;
	/* 0, not 1: glibc then also forgets where it was inside a cluster of
	 * short options ("-Zv") that an earlier call stopped in, which would
	 * otherwise be read from that call's (maybe freed) argv */
	optind = 0;
	while ((c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		switch (c) {
		case 'c':
			cli->config = optarg;
			break;
		case 'n':
			cli->dry_run = true;
			break;
		case OPT_JSON:
			cli->json = true;
			break;
		case 'v':
			verbose++;
			break;
		case 'q':
			quiet++;
			break;
		case OPT_LOG_FORMAT:
			if (fg_log_parse_format(optarg, &cli->log_format) < 0) {
				fg_error("invalid --log-format '%s': use text or json", optarg);
				rc = FG_ERR_USAGE;
				goto out;
			}
			fg_log_set_format(cli->log_format);
			break;
		case OPT_CHECK_CONFIG:
			cli->check_config = true;
			break;
		case 'h':
			fg_cli_help(tool);
			rc = fg_cli_close_stdout() < 0 ? FG_ERR_TEMP : FG_CLI_EXIT;
			goto out;
		case 'V':
			version = true;
			break;
		case ':':
			fg_error("option '%s' needs an argument; see '%s --help'", argv[optind - 1],
				 tool->name);
			rc = FG_ERR_USAGE;
			goto out;
		case '?':
			if (optopt > 0 && optopt < 256)
				fg_error("unknown option '-%c'; see '%s --help'", optopt, tool->name);
			else
				fg_error("unknown option '%s'; see '%s --help'", argv[optind - 1],
					 tool->name);
			rc = FG_ERR_USAGE;
			goto out;
		default:
			if (cb == NULL || (rc = cb(ud, c, optarg)) < 0) {
				rc = rc < 0 ? rc : FG_ERR_USAGE;
				goto out;
			}
			rc = FG_CLI_RUN;
			break;
		}
	}
	if (version) {
		fg_cli_version(tool->name, verbose > 0);
		rc = fg_cli_close_stdout() < 0 ? FG_ERR_TEMP : FG_CLI_EXIT;
		goto out;
	}
	if (optind < argc) {
		fg_error("unexpected argument '%s'; see '%s --help'", argv[optind], tool->name);
		rc = FG_ERR_USAGE;
		goto out;
	}
	cli->verbosity = verbose - quiet;
	{
		int level = FG_LOG_WARN + cli->verbosity;
		fg_log_set_level(level < 0 ? FG_LOG_ERROR : (enum fg_log_level)level);
	}
	if (cli->config == NULL)
		cli->config = fg_config_default_path();
out:
	free(lo);
	return rc;
}

int fg_cli_close_stdout(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fg_error("cannot write standard output: %s", strerror(errno));
		return FG_ERR_TEMP;
	}
	return 0;
}
