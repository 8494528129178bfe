/*
 * outbox.c - enqueue notifications: the single INSERT INTO notifications.
 *
 * The producer's rows become a CTE ("WITH r (...) AS (rows_sql)"), so
 * whatever computes them, the columns, the kind and the duplicate rule are
 * written once, here.  A batch is a JSON array of row objects, unpacked by
 * jsonb_to_recordset: one parameter, one statement, any number of rows.
 */
#include "outbox.h"
#include "db.h"
#include "exitcode.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PARAMS 16

static const char *const kind_names[] = {
	[FG_OUTBOX_BUDGET] = "budget",
	[FG_OUTBOX_FINDING] = "finding",
	[FG_OUTBOX_QUOTA] = "quota",
	[FG_OUTBOX_DIGEST] = "digest",
};

const char *fg_outbox_kind_name(enum fg_outbox_kind kind)
{
	return (unsigned)kind < sizeof(kind_names) / sizeof(kind_names[0]) ? kind_names[kind] : "generic";
}

int fg_outbox_enqueue(PGconn *db, enum fg_outbox_kind kind, const char *what, const char *rows_sql,
		      int nparams, const char *const *params, long *added)
{
	static const char head[] =
		"WITH r (channel, source_id, severity, title, body, fields, dedup_key) AS (";
	const char *p[MAX_PARAMS + 1];
	char tail[256];
	char *sql;
	size_t len;
	int rc;

	if (nparams < 0 || nparams > MAX_PARAMS) {
		fg_error("cannot %s: %d parameters, at most %d", what, nparams, MAX_PARAMS);
		return FG_ERR_INTERNAL;
	}
	for (int i = 0; i < nparams; i++)
		p[i] = params[i];
	p[nparams] = fg_outbox_kind_name(kind);
	/* the format writes a parameter number, never a value */
	snprintf(tail, sizeof(tail), /* fg_db_lint_ok */
		 ") " FG_OUTBOX_INSERT " SELECT channel, $%d, source_id, severity, title, body,"
		 " fields, dedup_key FROM r" FG_OUTBOX_ON_CONFLICT,
		 nparams + 1);
	len = strlen(head) + strlen(rows_sql) + strlen(tail) + 1;
	if ((sql = malloc(len)) == NULL)
		return FG_ERR_INTERNAL;
	snprintf(sql, len, "%s%s%s", head, rows_sql, tail);
	PGresult *r = fg_db_query(db, &rc, what, sql, nparams + 1, p);
	free(sql);
	if (r == NULL)
		return rc;
	if (added != NULL)
		*added = strtol(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	return 0;
}

void fg_outbox_batch_init(struct fg_outbox_batch *b)
{
	b->rows = json_array();
	b->failed = b->rows == NULL;
}

void fg_outbox_batch_add(struct fg_outbox_batch *b, const char *channel, int64_t source_id,
			 const char *severity, const char *title, const char *body, json_t *fields,
			 const char *dedup_key)
{
	json_t *row = json_pack("{s:s, s:o, s:s, s:s, s:s, s:o, s:s}", "channel", channel, "source_id",
				source_id > 0 ? json_integer(source_id) : json_null(), "severity", severity,
				"title", title, "body", body ? body : "", "fields",
				fields ? fields : json_object(), "dedup_key", dedup_key);
	if (row == NULL || b->rows == NULL || json_array_append_new(b->rows, row) < 0)
		b->failed = 1;
}

size_t fg_outbox_batch_count(const struct fg_outbox_batch *b)
{
	return json_array_size(b->rows);
}

int fg_outbox_batch_flush(PGconn *db, struct fg_outbox_batch *b, enum fg_outbox_kind kind,
			  const char *what, long *added)
{
	char *doc;
	int rc;

	if (added != NULL)
		*added = 0;
	if (b->failed) {
		fg_error("cannot %s: out of memory", what);
		return FG_ERR_INTERNAL;
	}
	if (json_array_size(b->rows) == 0)
		return 0;
	/* 15 digits keep a float field (a budget's percent) as computed */
	if ((doc = json_dumps(b->rows, JSON_COMPACT | JSON_REAL_PRECISION(15))) == NULL) {
		fg_error("cannot %s: out of memory", what);
		return FG_ERR_INTERNAL;
	}
	const char *p[] = { doc };
	rc = fg_outbox_enqueue(db, kind, what,
			       "SELECT channel, source_id, severity, title, body, fields, dedup_key"
			       " FROM jsonb_to_recordset($1::jsonb) AS x (channel text, source_id bigint,"
			       " severity text, title text, body text, fields jsonb, dedup_key text)",
			       1, p, added);
	free(doc);
	json_array_clear(b->rows);
	return rc;
}

void fg_outbox_batch_release(struct fg_outbox_batch *b)
{
	json_decref(b->rows);
	b->rows = NULL;
}
