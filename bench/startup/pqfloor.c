/*
 * pqfloor - the least a run against PostgreSQL can cost: link libpq,
 * connect as the tools do (conninfo from the PG* environment), run one
 * statement, disconnect.  The floor for a flakeguard run with no work.
 */
#include <libpq-fe.h>
#include <stdio.h>

int main(void)
{
	PGconn *c = PQconnectdb("");
	PGresult *r;
	int ok;

	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "pqfloor: %s", PQerrorMessage(c));
		PQfinish(c);
		return 75;
	}
	r = PQexec(c, "SELECT 1");
	ok = PQresultStatus(r) == PGRES_TUPLES_OK;
	PQclear(r);
	PQfinish(c);
	return ok ? 0 : 75;
}
