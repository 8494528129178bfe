/*
 * snapshot.c - cost summary rows from daily_costs.
 */
#include "snapshot.h"
#include "clock.h"
#include "db.h"
#include "exitcode.h"
#include "log.h"

#include <stdlib.h>

static const char *summary_sql =
	"WITH src AS ("
	"  SELECT connector, day, service_type, sum(credits) AS credits, sum(quantity) AS quantity,"
	"         sum(cost) AS cost, min(currency) AS currency, count(*)::integer AS entities"
	"  FROM daily_costs WHERE day BETWEEN $1::date AND $2::date"
	"  GROUP BY connector, day, service_type),"
	" gone AS ("
	"  DELETE FROM cost_summary c WHERE c.day BETWEEN $1::date AND $2::date"
	"  AND NOT EXISTS (SELECT 1 FROM src s WHERE s.connector = c.connector AND s.day = c.day"
	"                  AND s.service_type = c.service_type))"
	" INSERT INTO cost_summary (connector, day, service_type, credits, quantity, cost, currency, entities)"
	" SELECT connector, day, service_type, credits, quantity, cost, currency, entities FROM src"
	" ON CONFLICT (connector, day, service_type) DO UPDATE SET"
	"  credits = EXCLUDED.credits, quantity = EXCLUDED.quantity, cost = EXCLUDED.cost,"
	"  currency = EXCLUDED.currency, entities = EXCLUDED.entities, updated_at = now()";

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
	r = fg_db_query(db, &rc, dry_run ? "count cost summary rows" : "write cost summary",
			dry_run ? count_sql : summary_sql, 2, params);
	if (r == NULL)
		return rc;
	*rows = strtoll(dry_run ? PQgetvalue(r, 0, 0) : PQcmdTuples(r), NULL, 10);
	PQclear(r);
	return 0;
}
