/*
 * budget_names.c - service-type aliases and close-name suggestions.
 *
 * costsync stores a serverless cost row under the SERVICE_TYPE of
 * Snowflake's METERING_DAILY_HISTORY (PIPE, SERVERLESS_TASK, ...), warehouse
 * compute as WAREHOUSE_METERING, and adds CLOUD_SERVICES, STORAGE and
 * DATA_TRANSFER.  Users write the names they meet in Snowflake Budgets,
 * Snowsight and the documentation ("Snowpipe", "Serverless Tasks"); the
 * table maps those to the stored names, so "service:SNOWPIPE" counts the
 * PIPE rows instead of matching nothing.  Suggestions use the
 * Levenshtein distance, enough for the tens of names a connector has.
 */
#include "budget_names.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *alias, *name;
} aliases[] = {
	{ "AI_SERVICE", "AI_SERVICES" },
	{ "ALERT", "SERVERLESS_ALERTS" },
	{ "ALERTS", "SERVERLESS_ALERTS" },
	{ "AUTOMATIC_CLUSTERING", "AUTO_CLUSTERING" },
	{ "CLOUD_SERVICE", "CLOUD_SERVICES" },
	{ "CLUSTERING", "AUTO_CLUSTERING" },
	{ "COMPUTE", "WAREHOUSE_METERING" },
	{ "CORTEX", "AI_SERVICES" },
	{ "DATA_TRANSFERS", "DATA_TRANSFER" },
	{ "DATABASE_REPLICATION", "REPLICATION" },
	{ "HYBRID_TABLES", "HYBRID_TABLE_REQUESTS" },
	{ "MATERIALIZED_VIEWS", "MATERIALIZED_VIEW" },
	{ "QUERY_ACCELERATION_SERVICE", "QUERY_ACCELERATION" },
	{ "SEARCH_OPTIMIZATION_SERVICE", "SEARCH_OPTIMIZATION" },
	{ "SERVERLESS_ALERT", "SERVERLESS_ALERTS" },
	{ "SERVERLESS_TASKS", "SERVERLESS_TASK" },
	{ "SNOWPARK_CONTAINER_SERVICE", "SNOWPARK_CONTAINER_SERVICES" },
	{ "SNOWPIPE", "PIPE" },
	{ "SNOWPIPE_STREAMING_SERVICE", "SNOWPIPE_STREAMING" },
	{ "SPCS", "SNOWPARK_CONTAINER_SERVICES" },
	{ "STORAGE_USAGE", "STORAGE" },
	{ "TASK", "SERVERLESS_TASK" },
	{ "TASKS", "SERVERLESS_TASK" },
	{ "TRANSFER", "DATA_TRANSFER" },
	{ "WAREHOUSE", "WAREHOUSE_METERING" },
	{ "WAREHOUSE_COMPUTE", "WAREHOUSE_METERING" },
	{ "WAREHOUSES", "WAREHOUSE_METERING" },
};

char *fg_budget_service_name(const char *in, size_t n, char *out, size_t len)
{
	size_t k = 0;

	if (len == 0)
		return out;
	for (size_t i = 0; i < n && k + 1 < len; i++) {
		unsigned char c = (unsigned char)in[i];
		out[k++] = c == ' ' || c == '-' ? '_' : (char)toupper(c);
	}
	out[k] = '\0';
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcmp(out, aliases[i].alias) == 0) {
			size_t m = strlen(aliases[i].name);
			if (m >= len)
				m = len - 1;
			memcpy(out, aliases[i].name, m);
			out[m] = '\0';
			break;
		}
	return out;
}

/* Edit distance, case-insensitive; at most limit + 1 (stops early). */
static size_t distance(const char *a, const char *b, size_t limit)
{
	size_t la = strlen(a), lb = strlen(b), *row, best, d;

	if ((la > lb ? la - lb : lb - la) > limit)
		return limit + 1;
	if ((row = malloc((lb + 1) * sizeof(*row))) == NULL)
		return limit + 1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		best = row[0];
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t cost = toupper((unsigned char)a[i - 1]) != toupper((unsigned char)b[j - 1]);
			size_t v = diag + cost;
			if (up + 1 < v)
				v = up + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			row[j] = v;
			diag = up;
			if (v < best)
				best = v;
		}
		if (best > limit) {
			free(row);
			return limit + 1;
		}
	}
	d = row[lb];
	free(row);
	return d;
}

int fg_budget_closest(const char *name, const char *const *known, int n, const char **out, int max)
{
	size_t limit = strlen(name) / 2 + 2, dist[16];
	int got = 0;

	if (max > 16)
		max = 16;
	for (int i = 0; i < n; i++) {
		size_t d = distance(name, known[i], limit);
		int at;
		if (d > limit || (got == max && d >= dist[got - 1]))
			continue;
		/* insertion into the ascending list of the best so far */
		at = got < max ? got++ : got - 1;
		while (at > 0 && dist[at - 1] > d) {
			dist[at] = dist[at - 1];
			out[at] = out[at - 1];
			at--;
		}
		dist[at] = d;
		out[at] = known[i];
	}
	return got;
}
