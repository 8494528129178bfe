/*
 * fg-odbcq - run one query through lib/odbc.c and print rows as
 * tab-separated text (NULL as \N).  Used by tests to exercise the ODBC
 * path against the simulator: fg-odbcq CONNSTR SQL [PARAM...]
 */
#include "exitcode.h"
#include "log.h"
#include "odbc.h"

#include <stdio.h>

int main(int argc, char **argv)
{
	struct fg_odbc *db;
	struct fg_odbc_stmt *st;
	const char *const *row;
	int rc;

	fg_log_init("fg-odbcq");
	if (argc < 3) {
		fprintf(stderr, "usage: fg-odbcq CONNSTR SQL [PARAM...]\n");
		return FG_EX_USAGE;
	}
	if ((rc = fg_odbc_connect(argv[1], "test", 5, &db)) < 0)
		return fg_exit_for(rc);
	rc = fg_odbc_query(db, "run query", argv[2], argc - 3, (const char *const *)argv + 3, 10, &st);
	if (rc == 0) {
		while ((rc = fg_odbc_fetch(st, &row)) > 0)
			for (int i = 0; i < fg_odbc_ncols(st); i++)
				printf("%s%c", row[i] ? row[i] : "\\N",
				       i + 1 < fg_odbc_ncols(st) ? '\t' : '\n');
		fg_odbc_stmt_free(st);
	}
	fg_odbc_close(db);
	return fg_exit_for(rc);
}
