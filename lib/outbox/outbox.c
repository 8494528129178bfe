/*
 * outbox.c - enqueue notifications: the single INSERT INTO notifications.
 *
 * The producer's rows become a CTE ("WITH r (...) AS (rows)", composed
 * with fg_sql_compose), so whatever computes them, the columns, the kind
 * and the duplicate rule are written once, here.  A batch is a JSON array
 * of row objects, unpacked by sql/outbox/batch.sql: one parameter, one
 * statement, any number of rows.
 */
#include "outbox.h"
#include "db.h"
#include "exitcode.h"
#include "fg_sql_outbox.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = {
	[FG_OUTBOX_BUDGET] = "budget", [FG_OUTBOX_FINDING] = "finding",   [FG_OUTBOX_QUOTA] = "quota",
	[FG_OUTBOX_DIGEST] = "digest", [FG_OUTBOX_FALLBACK] = "fallback", [FG_OUTBOX_ANOMALY] = "anomaly",
};

const char *fg_outbox_kind_name(enum fg_outbox_kind kind)
{
	return (unsigned)kind < sizeof(kind_names) / sizeof(kind_names[0]) ? kind_names[kind] : "generic";
}

/* Run the composed insert q, release it, and count the rows it added. */
static int run_insert(PGconn *db, const char *what, struct fg_sql *q, const struct fg_sql_arg *args,
		      int nargs, long *added)
{
	int rc;
	PGresult *r = fg_sql_query(db, &rc, what, q, args, nargs);

	fg_sql_release(q);
	if (r == NULL)
		return rc;
	if (added != NULL)
		*added = strtol(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	return 0;
}

int fg_outbox_enqueue(PGconn *db, enum fg_outbox_kind kind, const char *what, const struct fg_sql *rows,
		      const struct fg_sql_arg *args, int nargs, long *added)
{
	struct fg_sql_arg all[FG_SQL_MAX_PARAMS];
	struct fg_sql q;
	int rc;

	if (nargs < 0 || nargs >= FG_SQL_MAX_PARAMS) {
		fg_error("cannot %s: %d parameters, at most %d", what, nargs, FG_SQL_MAX_PARAMS - 1);
		return FG_ERR_INTERNAL;
	}
	for (int i = 0; i < nargs; i++)
		all[i] = args[i];
	all[nargs] = (struct fg_sql_arg){ "outbox_kind", fg_outbox_kind_name(kind) };
	if ((rc = fg_sql_compose(
		     &q, "WITH r (channel, source_id, severity, title, body, fields, dedup_key) AS (", rows,
		     ") " FG_OUTBOX_INSERT " SELECT channel, :outbox_kind, source_id, severity, title,"
		     " body, fields, dedup_key FROM r" FG_OUTBOX_ON_CONFLICT)) < 0)
		return rc;
	return run_insert(db, what, &q, all, nargs + 1, added);
}

/* The INSERT of rows that name their kind (copied from an opening). */
#define OUTBOX_INSERT_ROWS                                                                      \
	" " FG_OUTBOX_INSERT " SELECT channel, kind, source_id, severity, title, body, fields," \
	" dedup_key FROM r" FG_OUTBOX_ON_CONFLICT

/*
 * o: per channel and incident, the kind and source of its latest opening
 * and the highest severity of its openings there.
 */
int fg_outbox_resolve(PGconn *db, const char *what, const struct fg_sql *closed,
		      const struct fg_sql_arg *args, int nargs, long *added)
{
	struct fg_sql q;
	int rc;

	if ((rc = fg_sql_compose(
		     &q, "WITH c (incident, title, body, fields) AS (", closed,
		     "), o AS (SELECT n.channel, n.incident,"
		     "  (array_agg(n.kind ORDER BY n.id DESC))[1] AS kind,"
		     "  (array_agg(n.source_id ORDER BY n.id DESC))[1] AS source_id,"
		     "  (ARRAY['info','low','medium','high','critical'])[max(array_position("
		     "    ARRAY['info','low','medium','high','critical'], n.severity))] AS severity"
		     "  FROM notifications n WHERE n.incident IN (SELECT incident FROM c)"
		     "   AND n.event = 'trigger' AND n.status <> 'skipped' GROUP BY n.channel, n.incident),"
		     " r AS (SELECT o.channel, o.kind, o.source_id, o.severity, c.title, c.body,"
		     "  coalesce(c.fields, '{}') || jsonb_build_object('incident', c.incident, 'event', 'resolve')"
		     "   AS fields, 'resolve:' || c.incident AS dedup_key FROM o JOIN c USING (incident))" OUTBOX_INSERT_ROWS)) <
	    0)
		return rc;
	return run_insert(db, what, &q, args, nargs, added);
}

int fg_outbox_remind(PGconn *db, const char *channels, long *added)
{
	const struct fg_sql_arg args[] = { { "channels", channels } };
	struct fg_sql q;
	int rc;

	if ((rc = fg_sql_compose(&q, "WITH r AS (", &fg_sql_outbox_remind, ")" OUTBOX_INSERT_ROWS)) < 0)
		return rc;
	return run_insert(db, "queue reminders of open incidents", &q, args, FG_SQL_COUNT(args), added);
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

int fg_outbox_batch_flush(PGconn *db, struct fg_outbox_batch *b, enum fg_outbox_kind kind, const char *what,
			  long *added)
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
	const struct fg_sql_arg args[] = { { "rows", doc } };
	rc = fg_outbox_enqueue(db, kind, what, &fg_sql_outbox_batch, args, FG_SQL_COUNT(args), added);
	free(doc);
	json_array_clear(b->rows);
	return rc;
}

void fg_outbox_batch_release(struct fg_outbox_batch *b)
{
	json_decref(b->rows);
	b->rows = NULL;
}
