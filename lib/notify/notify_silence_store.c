/*
 * notify_silence_store.c - what silences do to the outbox: mark the
 * notifications they mute, and count them for notifyd-once --silences.
 *
 * A muted row is 'skipped' with last_error "silenced by 'NAME' until
 * DATE: REASON"; the count per silence is read back from that prefix, so
 * no column is added and the count is what retention has kept.  One
 * statement per batch and one for the listing, whatever the number of
 * silences or rows.
 */
#include "notify_silence.h"
#include "db.h"
#include "exitcode.h"
#include "log.h"
#include "redact.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

int fg_silence_record(PGconn *db, const char *me, const int64_t *ids, const struct fg_silence *const *why,
		      int n)
{
	json_t *rows;
	char *doc;
	int rc;

	if (n == 0)
		return 0;
	if ((rows = json_array()) == NULL)
		return FG_ERR_INTERNAL;
	for (int i = 0; i < n; i++) {
		char err[512];
		fg_silence_describe(why[i], err, sizeof(err));
		json_array_append_new(rows, json_pack("{s:I, s:s}", "id", (json_int_t)ids[i], "err", err));
	}
	doc = json_dumps(rows, JSON_COMPACT);
	json_decref(rows);
	if (doc == NULL) {
		fg_error("cannot record silenced notifications: out of memory");
		return FG_ERR_INTERNAL;
	}
	const char *p[] = { doc, me };
	rc = fg_db_exec(db, "record silenced notifications",
			"UPDATE notifications AS n SET status = 'skipped', claimed_at = NULL,"
			" last_error = x.err, defer_day = NULL"
			" FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, err text)"
			" WHERE n.id = x.id AND n.claimed_by = $2",
			2, p);
	free(doc);
	return rc;
}

/* How many skipped rows each name of the JSON array names muted. */
static json_t *muted_counts(PGconn *db, const char *names)
{
	int rc;
	const char *p[] = { names };
	PGresult *r = fg_db_query(
		db, &rc, "count silenced notifications",
		"SELECT coalesce(jsonb_object_agg(s.name, (SELECT count(*) FROM notifications n"
		" WHERE n.status = 'skipped' AND left(n.last_error, length(s.prefix)) = s.prefix)),"
		" '{}')::text FROM (SELECT v AS name, 'silenced by ''' || v || ''' until ' AS prefix"
		" FROM jsonb_array_elements_text($1::jsonb) AS v) AS s",
		1, p);
	if (r == NULL)
		return NULL;
	json_t *counts = json_loads(PQgetvalue(r, 0, 0), 0, NULL);
	PQclear(r);
	if (counts == NULL)
		fg_error("cannot count silenced notifications: out of memory");
	return counts;
}

int fg_silence_print(PGconn *db, const struct fg_silence_set *set, long today, bool as_json, FILE *out)
{
	json_t *names = json_array(), *counts = NULL, *doc = json_array();
	char *n = NULL;
	int rc = FG_ERR_INTERNAL;

	if (names == NULL || doc == NULL)
		goto out;
	for (int i = 0; i < set->n; i++)
		json_array_append_new(names, json_string(set->v[i].name));
	if ((n = json_dumps(names, JSON_COMPACT)) == NULL)
		goto out;
	if ((counts = muted_counts(db, n)) == NULL) {
		rc = FG_ERR_TEMP;
		goto out;
	}
	for (int i = 0; i < set->n; i++) {
		const struct fg_silence *s = &set->v[i];
		char match[512];
		fg_silence_match_text(s, match, sizeof(match));
		json_int_t muted = json_integer_value(json_object_get(counts, s->name));
		json_array_append_new(doc, json_pack("{s:s, s:s, s:s, s:s, s:I, s:s}", "name", s->name,
						     "match", match, "until", s->until, "state",
						     fg_silence_active(s, today) ? "active" : "expired",
						     "muted", muted, "reason", s->reason));
		if (!as_json)
			fprintf(out, "%s\t%s\tuntil %s\t%s\t%lld muted\t%s\n", s->name, match, s->until,
				fg_silence_active(s, today) ? "active" : "expired", (long long)muted,
				s->reason);
	}
	if (as_json) {
		char *d = json_dumps(doc, JSON_INDENT(2));
		char *red = d ? fg_redact(d) : NULL;
		if (red)
			fprintf(out, "%s\n", red);
		free(red);
		free(d);
	}
	rc = 0;
out:
	free(n);
	json_decref(counts);
	json_decref(names);
	json_decref(doc);
	return rc;
}
