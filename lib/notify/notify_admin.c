/*
 * notify_admin.c - outbox statements beyond the delivery loop: the dead
 * list, requeueing, and gathering held e-mail into a daily digest.
 *
 * A digest is one notification of kind 'digest' per (recipient address,
 * UTC day), across every e-mail channel that names the address: its
 * fields.to is the one recipient, its channel the first such channel by
 * name, and it lists each alert once (rows of one event on two channels
 * share a dedup_key).  All digests of a day are made in one transaction
 * under an advisory lock on the day, so two runs cannot both make them.
 * digest_items records which digest carried a held row to which
 * recipient; the row becomes 'sent' (digest_id: the first digest) once
 * every recipient of its channel has it.  A recipient gets at most one
 * digest a day: a row held after that waits for the next day's digest for
 * that recipient, while its other recipients may still get it today.
 */
#include "notify_run.h"
#include "notify_store.h"
#include "db.h"
#include "exitcode.h"
#include "log.h"
#include "outbox.h"
#include "redact.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *fg_store_dead(PGconn *db, const char *channels)
{
	int rc;
	const char *p[] = { channels };
	PGresult *r = fg_db_query(
		db, &rc, "list dead notifications",
		"SELECT coalesce(jsonb_agg(jsonb_build_object('id', id, 'channel', channel,"
		" 'kind', kind, 'severity', severity, 'title', title, 'attempts', attempts,"
		" 'created_at', to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
		" 'last_error', last_error) ORDER BY id), '[]')::text"
		" FROM notifications WHERE status = 'dead'"
		" AND ($1::jsonb IS NULL OR channel IN (SELECT jsonb_array_elements_text($1::jsonb)))",
		1, p);
	if (r == NULL)
		return NULL;
	json_t *a = json_loads(PQgetvalue(r, 0, 0), 0, NULL);
	PQclear(r);
	return a;
}

int fg_store_requeue(PGconn *db, int64_t id, const char *to, const char *configured, long *count,
		     long *clashes)
{
	char ids[24];
	int rc;
	PGresult *r;

	*count = *clashes = 0;
	snprintf(ids, sizeof(ids), "%lld", (long long)id);
	if (to == NULL) {
		const char *p[] = { ids };
		r = fg_db_query(
			db, &rc, "requeue dead notifications",
			"UPDATE notifications SET status = 'pending', attempts = 0,"
			" next_attempt_at = now(), claimed_at = NULL, claimed_by = NULL, defer_day = NULL"
			" WHERE status = 'dead' AND ($1::bigint = 0 OR id = $1::bigint)",
			1, p);
		if (r == NULL)
			return rc;
		*count = strtol(PQcmdTuples(r), NULL, 10);
		PQclear(r);
		return 0;
	}
	/* to another channel: the dead ones, and those left pending for a
	 * channel the configuration no longer has; one already queued for
	 * the target under the same dedup_key stays where it is */
	const char *p[] = { ids, to, configured };
	r = fg_db_query(
		db, &rc, "requeue notifications to another channel",
		"WITH c AS (SELECT id FROM notifications n"
		"  WHERE ($1::bigint = 0 OR n.id = $1::bigint)"
		"  AND (n.status = 'dead' OR (n.status = 'pending'"
		"   AND n.channel NOT IN (SELECT jsonb_array_elements_text($3::jsonb))))"
		"  FOR UPDATE),"
		" u AS (UPDATE notifications n SET channel = $2, status = 'pending', attempts = 0,"
		"  next_attempt_at = now(), claimed_at = NULL, claimed_by = NULL, defer_day = NULL,"
		"  last_error = 'requeued from ' || n.channel || ' by an operator'"
		"  FROM c WHERE n.id = c.id AND NOT EXISTS (SELECT 1 FROM notifications x"
		"   WHERE x.channel = $2 AND x.dedup_key = n.dedup_key AND x.id <> n.id) RETURNING n.id)"
		" SELECT (SELECT count(*) FROM u), (SELECT count(*) FROM c) - (SELECT count(*) FROM u)",
		3, p);
	if (r == NULL)
		return rc;
	*count = strtol(PQgetvalue(r, 0, 0), NULL, 10);
	*clashes = strtol(PQgetvalue(r, 0, 1), NULL, 10);
	PQclear(r);
	return 0;
}

int fg_store_discard(PGconn *db, int64_t id, const char *channel, long *count)
{
	char ids[24];
	int rc;
	snprintf(ids, sizeof(ids), "%lld", (long long)id);
	const char *p[] = { ids, channel };
	/* kept, as 'skipped' with the reason, so the outbox still tells what
	 * happened to every event; retention prunes it like any other */
	PGresult *r =
		fg_db_query(db, &rc, "discard notifications",
			    "UPDATE notifications SET status = 'skipped', claimed_at = NULL,"
			    " claimed_by = NULL, last_error = 'discarded by an operator at '"
			    "  || to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
			    " WHERE status IN ('pending', 'dead', 'held')"
			    " AND ($1::bigint = 0 OR id = $1::bigint) AND ($2::text IS NULL OR channel = $2)",
			    2, p);
	if (r == NULL)
		return rc;
	*count = strtol(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	return 0;
}

int fg_store_unhold(PGconn *db, const char *channel)
{
	const char *p[] = { channel };
	return fg_db_exec(db, "release held notifications",
			  "UPDATE notifications SET status = 'pending', next_attempt_at = now()"
			  " WHERE status = 'held' AND channel = $1",
			  1, p);
}

int fg_store_digest(PGconn *db, const char *recipients, const char *day, int *made)
{
	int rc;
	PGresult *r;
	const char *p[] = { recipients, day, fg_outbox_kind_name(FG_OUTBOX_DIGEST) };

	*made = 0;
	if ((rc = fg_db_begin(db)) < 0)
		return rc;
	if ((rc = fg_db_exec(db, "lock the e-mail digests of a day",
			     "SELECT pg_advisory_xact_lock(1718381416, hashtext('digest:' || $1))", 1,
			     p + 1)) < 0)
		goto fail;
	/* m: (channel, recipient) from the configuration; p: the (held row,
	 * recipient) pairs not yet carried, for recipients without a digest
	 * today; a: each alert once per recipient (the same event queued on
	 * two channels shares its dedup_key); d: one digest per recipient */
	r = fg_db_query(
		db, &rc, "make the e-mail digests",
		"WITH m AS (SELECT DISTINCT c->>'channel' AS channel, lower(t) AS rkey, t AS rcpt"
		"   FROM jsonb_array_elements($1::jsonb) c, jsonb_array_elements_text(c->'to') t),"
		" h AS (SELECT id, channel, severity, title, body, dedup_key FROM notifications"
		"   WHERE status = 'held' AND channel IN (SELECT channel FROM m) FOR UPDATE),"
		" p AS (SELECT h.*, m.rkey FROM h JOIN m USING (channel)"
		"   WHERE NOT EXISTS (SELECT 1 FROM digest_items i"
		"       WHERE i.notification_id = h.id AND i.recipient = m.rkey)"
		"     AND NOT EXISTS (SELECT 1 FROM notifications x WHERE x.kind = 'digest'"
		"       AND x.dedup_key = 'digest:' || $2 || ':' || m.rkey)),"
		" a AS (SELECT DISTINCT ON (rkey, dedup_key) rkey, id, severity, title, body FROM p"
		"   ORDER BY rkey, dedup_key, id),"
		" s AS (SELECT rkey, count(*) AS n,"
		"   (ARRAY['info','low','medium','high','critical'])[max(array_position("
		"     ARRAY['info','low','medium','high','critical'], severity))] AS sev,"
		"   string_agg('[' || severity || '] ' || title"
		"     || CASE WHEN body <> '' THEN E'\\n' || body ELSE '' END, E'\\n\\n' ORDER BY id) AS body"
		"   FROM a GROUP BY rkey),"
		" d AS (" FG_OUTBOX_INSERT
		"   SELECT (SELECT min(channel) FROM m WHERE m.rkey = s.rkey), $3, NULL, s.sev,"
		"     'digest: ' || s.n || ' alert' || CASE WHEN s.n = 1 THEN '' ELSE 's' END || ' on ' || $2,"
		"     s.body, jsonb_build_object('count', s.n, 'day', $2,"
		"       'to', (SELECT min(rcpt) FROM m WHERE m.rkey = s.rkey)),"
		"     'digest:' || $2 || ':' || s.rkey"
		"   FROM s" FG_OUTBOX_ON_CONFLICT " RETURNING id, dedup_key),"
		" i AS (INSERT INTO digest_items (notification_id, recipient, digest_id)"
		"   SELECT p.id, p.rkey, d.id FROM p JOIN d ON d.dedup_key = 'digest:' || $2 || ':' || p.rkey"
		"   RETURNING digest_id)"
		" SELECT (SELECT count(*) FROM d), (SELECT count(*) FROM i)",
		3, p);
	if (r == NULL)
		goto fail;
	*made = (int)strtol(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	/* a held row is done once every recipient of its channel has it */
	if ((rc = fg_db_exec(
		     db, "mark digested notifications",
		     "UPDATE notifications n SET status = 'sent', sent_at = now(),"
		     " digest_id = (SELECT min(i.digest_id) FROM digest_items i WHERE i.notification_id = n.id)"
		     " WHERE n.status = 'held'"
		     " AND n.channel IN (SELECT c->>'channel' FROM jsonb_array_elements($1::jsonb) c)"
		     " AND EXISTS (SELECT 1 FROM digest_items i WHERE i.notification_id = n.id)"
		     " AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements($1::jsonb) c,"
		     "   jsonb_array_elements_text(c->'to') t WHERE c->>'channel' = n.channel"
		     "   AND NOT EXISTS (SELECT 1 FROM digest_items i"
		     "     WHERE i.notification_id = n.id AND i.recipient = lower(t)))",
		     1, p)) < 0)
		goto fail;
	return fg_db_commit(db);
fail:
	fg_db_rollback(db);
	return rc;
}

int fg_notify_warn_unknown(PGconn *db, const char *channels)
{
	int rc;
	const char *p[] = { channels };
	PGresult *r = fg_db_query(db, &rc, "look for notifications to unknown channels",
				  "SELECT channel, count(*) FROM notifications WHERE status = 'pending'"
				  " AND channel NOT IN (SELECT jsonb_array_elements_text($1::jsonb))"
				  " GROUP BY channel ORDER BY channel",
				  1, p);
	if (r == NULL)
		return rc;
	for (int i = 0; i < PQntuples(r); i++)
		fg_warn("%s notification%s wait for channel '%s', which is not in the configuration: "
			"add [channel %s], move them with --requeue all --to CHANNEL, or drop them with "
			"--discard %s",
			PQgetvalue(r, i, 1), strcmp(PQgetvalue(r, i, 1), "1") == 0 ? "" : "s",
			PQgetvalue(r, i, 0), PQgetvalue(r, i, 0), PQgetvalue(r, i, 0));
	PQclear(r);
	return 0;
}

int fg_notify_print_dead(PGconn *db, const char *channels, bool as_json, FILE *out)
{
	json_t *a = fg_store_dead(db, channels), *v;
	size_t i;
	if (a == NULL)
		return FG_ERR_TEMP;
	if (as_json) {
		char *d = json_dumps(a, JSON_INDENT(2)), *red = d ? fg_redact(d) : NULL;
		if (red)
			fprintf(out, "%s\n", red);
		free(red);
		free(d);
	} else {
		json_array_foreach(a, i, v)
		{
			char *line = NULL;
			if (asprintf(&line, "%lld\t%s\t%s\t%lld attempts\t%s\t%s",
				     (long long)json_integer_value(json_object_get(v, "id")),
				     json_string_value(json_object_get(v, "channel")),
				     json_string_value(json_object_get(v, "severity")),
				     (long long)json_integer_value(json_object_get(v, "attempts")),
				     json_string_value(json_object_get(v, "title")),
				     json_string_value(json_object_get(v, "last_error"))
					     ? json_string_value(json_object_get(v, "last_error"))
					     : "") >= 0) {
				char *red = fg_redact(line);
				fprintf(out, "%s\n", red ? red : "");
				free(red);
				free(line);
			}
		}
	}
	json_decref(a);
	return 0;
}
