/*
 * exitcode.h - the exit statuses every flakeguard tool uses (sysexits.h).
 *
 * Library functions return 0 or a negative fg_err; only main() turns the
 * outcome into one of these with fg_exit_for().
 */
#ifndef FG_EXITCODE_H
#define FG_EXITCODE_H

enum fg_exit {
	FG_EX_OK = 0,           /* success */
	FG_EX_FINDING = 1,      /* --fail-on matched */
	FG_EX_USAGE = 64,       /* bad command line */
	FG_EX_DATAERR = 65,     /* bad input data (stdin JSON, source rows) */
	FG_EX_UNAVAILABLE = 69, /* a remote service refused permanently */
	FG_EX_SOFTWARE = 70,    /* internal error (a bug) */
	FG_EX_TEMPFAIL = 75,    /* database/Snowflake unreachable, timeout */
	FG_EX_CONFIG = 78,      /* configuration error */
};

/* Negative error codes returned by library functions. */
enum fg_err {
	FG_OK = 0,
	FG_ERR = -1, /* generic, already logged */
	FG_ERR_USAGE = -64,
	FG_ERR_DATA = -65,
	FG_ERR_PERM = -69,
	FG_ERR_INTERNAL = -70,
	FG_ERR_TEMP = -75,
	FG_ERR_CONFIG = -78,
};

/* Map a library result (0 or a negative fg_err) to an exit status. */
static inline int fg_exit_for(int rc)
{
	if (rc >= 0)
		return FG_EX_OK;
	if (rc == FG_ERR)
		return FG_EX_SOFTWARE;
	return -rc;
}

#endif
