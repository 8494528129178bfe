/*
 * notify_run.c - the delivery loop of notifyd-once.
 *
 * A run first queues the reminders that are due (notify_lifecycle.c).
 * Each round: make due e-mail digests and per-run group messages, claim a
 * batch (committed at once), decide per row (unknown channel: dead; not
 * taken by the channel (below min_severity, an unwanted resolution) or
 * matching an active [silence]: skipped, with no attempt recorded; held
 * for the channel's group message; then what the channel type's gate
 * says: hold for the digest, count against the e-mail quota), render,
 * deliver the batch concurrently, classify, and record each attempt with
 * the row's next state as soon as it finishes (one statement for the
 * requests that finished together, before more start), so a run that dies
 * repeats at most the requests in flight.  Rounds go on until nothing is due, --limit
 * is reached or a signal arrives; claimed_by keeps a row from coming back
 * in the same run, so a retry that is due at once waits for the next run.
 * Rows claimed but never started (signal, half the lease gone, or a
 * failure to record results) are released for the next run at once; rows
 * in flight when the process dies, or whose outcome could not be
 * recorded, stay claimed until the lease runs out.
 */
#include "notify_run.h"
#include "clock.h"
#include "db.h"
#include "exitcode.h"
#include "http.h"
#include "log.h"
#include "outbox.h"
#include "notify_lifecycle.h"
#include "notify_store.h"
#include "redact.h"
#include "tool.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BATCH 500

static void run_id(char *out, size_t len)
{
	char host[128] = "unknown";
	unsigned r = 0;
	gethostname(host, sizeof(host));
	host[sizeof(host) - 1] = '\0';
	if (getentropy(&r, sizeof(r)) < 0)
		r = (unsigned)rand();
	snprintf(out, len, "%s:%d:%08x", host, (int)getpid(), r);
}

static char *redacted(const char *s)
{
	char *r = fg_redact(s ? s : "");
	if (r && strlen(r) > 240)
		r[240] = '\0';
	return r;
}

/*
 * Queue the 80/90/100 % warnings that `sent` of `quota` crosses today, to
 * [email] quota_alert_channel when there is one.
 */
static int quota_warnings(PGconn *db, int64_t quota, const char *alert_channel, const char *day, int64_t sent)
{
	static const int levels[] = { 80, 90, 100 };
	for (int i = 0; i < 3; i++) {
		bool first = false;
		int rc;
		if (sent * 100 < quota * levels[i])
			continue;
		if ((rc = fg_store_quota_warn(db, day, levels[i], &first)) < 0)
			return rc;
		if (!first)
			continue;
		if (alert_channel == NULL) {
			fg_warn("e-mail quota %d%% used (%lld of %lld on %s); set [email] quota_alert_channel "
				"to be told through a channel",
				levels[i], (long long)sent, (long long)quota, day);
			continue;
		}
		char title[200], body[300], dedup[64];
		struct fg_outbox_batch warning;
		snprintf(title, sizeof(title), "e-mail quota %d%% used: %lld of %lld on %s", levels[i],
			 (long long)sent, (long long)quota, day);
		snprintf(
			body, sizeof(body), "%s",
			levels[i] < 100
				? "Critical mail always goes out; other mail is deferred to the next "
				  "UTC day once the quota is used up."
				: "Non-critical mail is now deferred to the next UTC day; critical mail still goes out.");
		snprintf(dedup, sizeof(dedup), "quota:%s:%d", day, levels[i]);
		fg_outbox_batch_init(&warning);
		fg_outbox_batch_add(&warning, alert_channel, 0, levels[i] < 90 ? "medium" : "high", title,
				    body,
				    json_pack("{s:i, s:I, s:I, s:s}", "level", levels[i], "sent",
					      (json_int_t)sent, "quota", (json_int_t)quota, "day", day),
				    dedup);
		rc = fg_outbox_batch_flush(db, &warning, FG_OUTBOX_QUOTA, "queue the e-mail quota warning",
					   NULL);
		fg_outbox_batch_release(&warning);
		if (rc < 0)
			return rc;
	}
	return 0;
}

struct batch {
	struct fg_notification *n;
	int count;
	struct fg_request *req;   /* one per notification */
	struct fg_request **live; /* those to send */
	int *live_idx;
	int nlive;
	struct fg_attempt *att;
	int natt;
	int recorded; /* att[0..recorded) are in the database */
	char **errs;  /* owned error strings of att */
	bool *quota_taken;
	int64_t *unsent;
	int nunsent;
	int64_t *skip; /* not taken by the channel (fg_notify_refusal) */
	const char **skip_why;
	int nskip;
	int64_t *muted; /* matching a silence */
	const struct fg_silence **why;
	int nmuted;
};

static void batch_free(struct batch *b)
{
	for (int i = 0; i < b->count; i++) {
		fg_notification_release(&b->n[i]);
		fg_request_release(&b->req[i]);
	}
	for (int i = 0; i < b->natt; i++)
		free(b->errs[i]);
	free(b->n);
	free(b->req);
	free(b->live);
	free(b->live_idx);
	free(b->att);
	free(b->errs);
	free(b->quota_taken);
	free(b->unsent);
	free(b->skip);
	free(b->skip_why);
	free(b->muted);
	free(b->why);
	memset(b, 0, sizeof(*b));
}

static void add_attempt(struct batch *b, const struct fg_notification *n, enum fg_outcome o, double delay,
			const struct fg_request *req, const char *err)
{
	struct fg_attempt *a = &b->att[b->natt];
	a->id = n->id;
	a->outcome = o;
	a->delay_s = delay;
	a->status = req ? req->status : 0;
	a->duration_ms = req ? req->duration_ms : 0;
	a->started = req && req->started > 0 ? req->started : fg_http_wallclock();
	b->errs[b->natt] = err && *err ? redacted(err) : NULL;
	a->error = b->errs[b->natt];
	b->natt++;
}

static void tally(struct fg_notify_summary *s, const char *channel, enum fg_outcome o, const char *err)
{
	if (o == FG_OUT_SENT)
		fg_notify_count(s, channel, "sent", &s->sent);
	else if (o == FG_OUT_RETRY)
		fg_notify_count(s, channel, "retried", &s->retried);
	else
		fg_notify_count(s, channel, "dead", &s->dead);
	if (o == FG_OUT_DEAD && s->why && err && *err)
		json_object_set_new(s->why, channel, json_string(err));
}

struct result_ctx {
	PGconn *db;
	const struct fg_notify_conf *nc;
	const char *me;
	const char *today;
	struct batch *b;
	struct fg_notify_summary *s;
};

/* One request finished: classify it; r == NULL: record what finished. */
static int on_result(struct fg_request *r, void *arg)
{
	struct result_ctx *x = arg;
	struct batch *b = x->b;
	int rc;

	if (r == NULL) {
		rc = fg_store_finish(x->db, x->me, b->att + b->recorded, b->natt - b->recorded);
		b->recorded = b->natt;
		return rc;
	}
	int i = (int)(r - b->req);
	struct fg_notification *n = &b->n[i];
	const struct fg_channel *ch = fg_notify_channel(x->nc, n->channel);
	char err[256];
	double delay;
	enum fg_outcome o = fg_notify_classify(x->nc, ch->type, r, n->attempts, &delay, err, sizeof(err));
	add_attempt(b, n, o, delay, r, err);
	tally(x->s, n->channel, o, err);
	if (o != FG_OUT_SENT) {
		char *u = fg_redact_url(fg_channel_where(ch));
		/* a retry is routine (the exit status says 75); a TLS failure
		 * that no retry will cure needs a person; a dead one is lost
		 * unless someone acts, so it is an error, shown even under -q */
		enum fg_log_level level = o == FG_OUT_DEAD          ? FG_LOG_ERROR
					  : fg_notify_tls_failed(r) ? FG_LOG_WARN
								    : FG_LOG_INFO;
		fg_log(level, "notification %lld to '%s' (%s): %s%s", (long long)n->id, n->channel,
		       u ? u : "", err,
		       o == FG_OUT_DEAD ? "; now dead, see notifyd-once --dead" : "; will retry");
		free(u);
		if (b->quota_taken[i] && (rc = fg_store_quota_return(x->db, x->today)) < 0)
			return rc;
	}
	return 0;
}

/*
 * Give back at once the claims of requests that never started, returning
 * their quota, so the next run sends them without waiting for the lease.
 * Requests that started keep their claim: they may have been sent, and
 * the lease keeps another run from sending them again.
 */
static int release_unstarted(PGconn *db, const char *today, const char *me, struct batch *b,
			     struct fg_notify_summary *s, bool failed)
{
	int rc;

	for (int k = 0; k < b->nlive; k++) {
		int i = b->live_idx[k];
		if (b->live[k]->done || b->live[k]->started > 0)
			continue;
		b->unsent[b->nunsent++] = b->n[i].id;
		/* after a failure the quota row is best left as it is: the day's
		 * count then errs on the side of sending less */
		if (!failed && b->quota_taken[i] && (rc = fg_store_quota_return(db, today)) < 0)
			return rc;
	}
	if (b->nunsent > 0) {
		s->left += b->nunsent;
		fg_info("%d notification%s left for the next run", b->nunsent, b->nunsent == 1 ? "" : "s");
	}
	if (failed) {
		fg_store_release_quietly(db, me, b->unsent, b->nunsent);
		return 0;
	}
	return fg_store_release(db, me, b->unsent, b->nunsent);
}

/* Decide, render and deliver one claimed batch. */
static int deliver(PGconn *db, const struct fg_notify_conf *nc, const char *me, const char *today,
		   const char *tomorrow, struct batch *b, struct fg_notify_summary *s)
{
	int rc;

	for (int i = 0; i < b->count; i++) {
		struct fg_notification *n = &b->n[i];
		const struct fg_channel *ch = fg_notify_channel(nc, n->channel);
		char err[256];

		fg_notify_count(s, n->channel, "claimed", &s->claimed);
		fg_request_init(&b->req[i]);
		if (ch == NULL) {
			snprintf(err, sizeof(err), "channel '%s' is not in the configuration", n->channel);
			fg_error("cannot deliver notification %lld: %s; now dead, see notifyd-once --dead",
				 (long long)n->id, err);
			add_attempt(b, n, FG_OUT_DEAD, 0, NULL, err);
			tally(s, n->channel, FG_OUT_DEAD, err);
			continue;
		}
		const char *no = fg_notify_refusal(ch, n);
		if (no != NULL) {
			if (n->severity < ch->min_severity)
				fg_debug("notification %lld to '%s' skipped: %s is below min_severity %s",
					 (long long)n->id, n->channel, fg_severity_name(n->severity),
					 fg_severity_name(ch->min_severity));
			else
				fg_debug("notification %lld to '%s' skipped: %s", (long long)n->id,
					 n->channel, no);
			b->skip_why[b->nskip] = no;
			b->skip[b->nskip++] = n->id;
			fg_notify_count(s, n->channel, "skipped", &s->skipped);
			continue;
		}
		const struct fg_silence *sil = fg_silence_match(&nc->silences, n, fg_today());
		if (sil != NULL) {
			fg_debug("notification %lld to '%s' skipped: silenced by '%s'", (long long)n->id,
				 n->channel, sil->name);
			b->muted[b->nmuted] = n->id;
			b->why[b->nmuted++] = sil;
			fg_notify_count(s, n->channel, "skipped", &s->skipped);
			continue;
		}
		struct fg_gate g = { 0 };
		if (ch->ops->gate)
			ch->ops->gate(ch, n, &g);
		if (g.hold || fg_notify_grouped(ch, n)) {
			if ((rc = fg_store_hold(db, me, n->id)) < 0)
				return rc;
			s->held++;
			continue;
		}
		if (g.quota > 0) {
			bool granted;
			int64_t sent;
			if ((rc = fg_store_quota_take(db, today, g.quota, g.bypass, &granted, &sent)) < 0)
				return rc;
			if (!granted) {
				if ((rc = fg_store_defer(db, me, n->id, tomorrow)) < 0)
					return rc;
				s->deferred++;
				continue;
			}
			b->quota_taken[i] = true;
			if ((rc = quota_warnings(db, g.quota, nc->email->quota_alert_channel, today, sent)) <
			    0)
				return rc;
		}
		if (fg_channel_render(ch, n, &b->req[i], err, sizeof(err)) < 0) {
			fg_error(
				"cannot deliver notification %lld to '%s': %s; now dead, see notifyd-once --dead",
				(long long)n->id, n->channel, err);
			add_attempt(b, n, FG_OUT_DEAD, 0, NULL, err);
			tally(s, n->channel, FG_OUT_DEAD, err);
			if (b->quota_taken[i] && (rc = fg_store_quota_return(db, today)) < 0)
				return rc;
			continue;
		}
		b->live[b->nlive] = &b->req[i];
		b->live_idx[b->nlive++] = i;
	}
	/* record what was decided without a request before anything leaves */
	if ((rc = fg_store_skip(db, me, b->skip, b->skip_why, b->nskip)) < 0 ||
	    (rc = fg_silence_record(db, me, b->muted, b->why, b->nmuted)) < 0 ||
	    (rc = fg_store_finish(db, me, b->att, b->natt)) < 0)
		return rc;
	b->recorded = b->natt;
	/* start nothing after half the lease: a request then still ends well
	 * before another run may take the claim over; record results as they
	 * come, so a run that dies repeats at most the requests in flight */
	struct result_ctx rx = { db, nc, me, today, b, s };
	rc = fg_http_run_cb(b->live, (size_t)b->nlive, (long)nc->concurrency, (double)nc->lease_s / 2.0,
			    &fg_interrupted, on_result, &rx);
	/* also after a failure to record (disk full, read-only): what never
	 * left is released now, not held for the lease; that failure was
	 * logged and is what the run reports, so the release is quiet */
	int rel = release_unstarted(db, today, me, b, s, rc < 0);
	return rc < 0 ? rc : rel;
}

static int make_digests(PGconn *db, const struct fg_notify_conf *nc, const char *today)
{
	time_t now = fg_now();
	int minute = (int)((now % 86400) / 60), rc = 0, made;
	json_t *map;
	char *doc;

	if (nc->email->digest_minute >= 0 && minute < nc->email->digest_minute)
		return 0;
	if ((map = json_array()) == NULL)
		return FG_ERR;
	for (int i = 0; i < nc->nchannels; i++) {
		const struct fg_channel *ch = &nc->channels[i];
		if (ch->broken || ch->ops->digest_to == NULL)
			continue;
		if (nc->email->digest_minute < 0) {
			/* digest switched off: what it held goes out as usual */
			if ((rc = fg_store_unhold(db, ch->name)) < 0)
				break;
			continue;
		}
		json_t *to = ch->ops->digest_to(ch);
		json_array_append_new(map, json_pack("{s:s, s:o}", "channel", ch->name, "to", to));
	}
	if (rc < 0 || json_array_size(map) == 0) {
		json_decref(map);
		return rc;
	}
	doc = json_dumps(map, JSON_COMPACT);
	json_decref(map);
	if (doc == NULL)
		return FG_ERR;
	rc = fg_store_digest(db, doc, today, &made);
	free(doc);
	if (rc == 0 && made > 0)
		fg_info("queued %d e-mail digest%s for %s", made, made == 1 ? "" : "s", today);
	return rc;
}

static int peek(PGconn *db, const struct fg_notify_conf *nc, const struct fg_notify_opts *o,
		struct fg_notify_summary *s);
static int rounds(PGconn *db, const struct fg_notify_conf *nc, const struct fg_notify_opts *o, const char *me,
		  const char *today, const char *tomorrow, struct fg_notify_summary *s);

int fg_notify_run(PGconn *db, const struct fg_notify_conf *nc, const struct fg_notify_opts *o,
		  struct fg_notify_summary *s)
{
	char me[200], today[16], tomorrow[16];
	int rc = 0;

	fg_silence_warn_expired(&nc->silences, fg_today());
	if (o->dry_run)
		return peek(db, nc, o, s);
	run_id(me, sizeof(me));
	fg_date_format(fg_today(), today, sizeof(today));
	fg_date_format(fg_today() + 1, tomorrow, sizeof(tomorrow));
	if ((rc = fg_notify_remind(db, nc)) < 0)
		return rc;
	/* a second pass delivers the fallback notices of the first; notices
	 * about the second are queued for the next run */
	for (int pass = 0; rc == 0 && pass < 3 && !fg_interrupted && s->left == 0; pass++) {
		long queued = 0;
		if (pass > 0 &&
		    ((rc = fg_notify_fallback(db, nc, me, s, &queued)) < 0 || queued == 0 || pass == 2))
			break;
		if ((rc = rounds(db, nc, o, me, today, tomorrow, s)) < 0)
			break;
	}
	return rc;
}

/* Claim and deliver batches until nothing is due, the limit or a signal. */
static int rounds(PGconn *db, const struct fg_notify_conf *nc, const struct fg_notify_opts *o, const char *me,
		  const char *today, const char *tomorrow, struct fg_notify_summary *s)
{
	int rc = 0;

	while (!fg_interrupted) {
		struct batch b = { 0 };
		long want = BATCH;
		if (o->limit > 0 && o->limit - s->claimed < want)
			want = o->limit - s->claimed;
		if (want <= 0)
			break;
		if ((rc = make_digests(db, nc, today)) < 0 || (rc = fg_notify_group(db, nc)) < 0)
			break;
		if ((rc = fg_store_claim(db, me, nc->lease_s, o->channels, today, want, &b.n, &b.count)) < 0)
			break;
		if (b.count == 0) {
			batch_free(&b);
			break;
		}
		size_t c = (size_t)b.count;
		b.req = calloc(c, sizeof(*b.req));
		b.live = calloc(c, sizeof(*b.live));
		b.live_idx = calloc(c, sizeof(*b.live_idx));
		b.att = calloc(c, sizeof(*b.att));
		b.errs = calloc(c, sizeof(*b.errs));
		b.quota_taken = calloc(c, sizeof(*b.quota_taken));
		b.unsent = calloc(c, sizeof(*b.unsent));
		b.skip = calloc(c, sizeof(*b.skip));
		b.skip_why = calloc(c, sizeof(*b.skip_why));
		b.muted = calloc(c, sizeof(*b.muted));
		b.why = calloc(c, sizeof(*b.why));
		if (!b.req || !b.live || !b.live_idx || !b.att || !b.errs || !b.quota_taken || !b.unsent ||
		    !b.skip || !b.skip_why || !b.muted || !b.why) {
			fg_error("cannot deliver: out of memory");
			/* leave the claim to expire */
			for (int i = 0; b.req && i < b.count; i++)
				fg_request_init(&b.req[i]);
			batch_free(&b);
			return FG_ERR;
		}
		rc = deliver(db, nc, me, today, tomorrow, &b, s);
		batch_free(&b);
		if (rc < 0 || s->left > 0)
			break;
	}
	return rc;
}

static int peek(PGconn *db, const struct fg_notify_conf *nc, const struct fg_notify_opts *o,
		struct fg_notify_summary *s)
{
	char lim[24];
	int rc;
	snprintf(lim, sizeof(lim), "%ld", o->limit > 0 ? o->limit : 1000000L);
	const char *p[] = { o->channels, lim };
	PGresult *r = fg_db_query(
		db, &rc, "read due notifications",
		"SELECT id, channel, kind, severity, title, body, fields::text, dedup_key,"
		" attempts, extract(epoch FROM created_at)::bigint FROM notifications"
		" WHERE status = 'pending' AND next_attempt_at <= now()"
		" AND ($1::jsonb IS NULL OR channel IN (SELECT jsonb_array_elements_text($1::jsonb)))"
		" ORDER BY next_attempt_at, id LIMIT $2::int",
		2, p);
	if (r == NULL)
		return rc;
	json_t *out = o->json ? json_array() : NULL;
	for (int i = 0; i < PQntuples(r) && rc == 0; i++) {
		struct fg_notification n = { 0 };
		enum fg_severity sev = FG_SEV_INFO;
		fg_severity_parse(PQgetvalue(r, i, 3), &sev);
		n.id = strtoll(PQgetvalue(r, i, 0), NULL, 10);
		n.channel = PQgetvalue(r, i, 1);
		n.kind = PQgetvalue(r, i, 2);
		n.severity = sev;
		n.title = PQgetvalue(r, i, 4);
		n.body = PQgetvalue(r, i, 5);
		n.fields = json_loads(PQgetvalue(r, i, 6), 0, NULL);
		n.dedup_key = PQgetvalue(r, i, 7);
		n.attempts = (int)strtol(PQgetvalue(r, i, 8), NULL, 10);
		n.created_at = (time_t)strtoll(PQgetvalue(r, i, 9), NULL, 10);
		const struct fg_channel *ch = fg_notify_channel(nc, n.channel);
		fg_notify_count(s, n.channel, "claimed", &s->claimed);
		if (ch == NULL)
			fg_warn("notification %lld: channel '%s' is not in the configuration",
				(long long)n.id, n.channel);
		else if (fg_notify_refusal(ch, &n) != NULL ||
			 fg_silence_match(&nc->silences, &n, fg_today()) != NULL)
			fg_notify_count(s, n.channel, "skipped", &s->skipped);
		else
			rc = fg_notify_print(ch, &n, o, out);
		json_decref(n.fields);
	}
	PQclear(r);
	if (out) {
		if (rc == 0) {
			char *d = json_dumps(out, JSON_INDENT(2));
			char *red = d ? fg_redact(d) : NULL;
			if (red)
				fprintf(o->out, "%s\n", red);
			free(red);
			free(d);
		}
		json_decref(out);
	}
	return rc;
}
