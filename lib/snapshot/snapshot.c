/*
 * snapshot.c - cost summary rows from daily_costs.
 *
 * One statement rebuilds the summary of a range of days
 * (sql/snapshot/cost_summary.sql); a dry run only counts the rows it
 * would write.
 */
#include "snapshot.h"
#include "clock.h"
#include "db.h"
#include "exitcode.h"
#include "fg_sql_snapshot.h"
#include "log.h"

#include <stdlib.h>

static const char *count_sql =
	"SELECT count(*) FROM (SELECT DISTINCT connector, day, service_type FROM daily_costs"
	" WHERE day BETWEEN $1::date AND $2::date) s";

int fg_snapshot_costs(PGconn *db, long from, long to, bool dry_run, long long *rows)
{
	char a[16], b[16];
	int rc;
	PGresult *r;

	fg_date_format(from, a, sizeof(a));
	fg_date_format(to, b, sizeof(b));
	const char *params[] = { a, b };
	const struct fg_sql_arg args[] = { { "since", a }, { "until", b } };
	r = dry_run ? fg_db_query(db, &rc, "count cost summary rows", count_sql, 2, params)
		    : fg_sql_query(db, &rc, "write cost summary", &fg_sql_snapshot_cost_summary, args,
				   FG_SQL_COUNT(args));
	if (r == NULL)
		return rc;
	*rows = strtoll(dry_run ? PQgetvalue(r, 0, 0) : PQcmdTuples(r), NULL, 10);
	PQclear(r);
	return 0;
}
