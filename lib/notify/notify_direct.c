/*
 * notify_direct.c - delivery without the outbox (--stdin, --test) and the
 * dry-run printer.
 *
 * Direct delivery has no database to remember a retry, so it retries in
 * the process: up to three tries (or max_attempts if lower), waiting what
 * the service asked (Retry-After) or the backoff, at most 10 s a wait.
 * Whatever is still failing after that is reported: exit 75 when it may
 * work later, 69 when the service refused it.
 *
 * The printer shows what would be sent: the redacted URL and the payload,
 * passed through the redactor so a PagerDuty routing key or a header with
 * a token stays hidden.
 */
#include "notify_run.h"
#include "exitcode.h"
#include "http.h"
#include "log.h"
#include "redact.h"
#include "tool.h"
#include "clock.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int fg_notify_print(const struct fg_channel *ch, const struct fg_notification *n,
		    const struct fg_notify_opts *o, json_t *jout)
{
	struct fg_request req;
	char err[256];
	int rc = 0;

	fg_request_init(&req);
	if (fg_channel_render(ch, n, &req, err, sizeof(err)) < 0) {
		fg_warn("cannot render notification %lld for '%s': %s", (long long)n->id, ch->name, err);
		fg_request_release(&req);
		return 0;
	}
	char *url = fg_redact_url(req.url);
	if (jout) {
		json_t *payload = req.proto == FG_PROTO_HTTP ? json_loads(req.body, 0, NULL) : NULL;
		if (payload == NULL)
			payload = json_string(req.body);
		json_array_append_new(jout,
				      json_pack("{s:I, s:s, s:s, s:s, s:o}", "id", (json_int_t)n->id,
						"channel", ch->name, "type", fg_chan_type_name(ch->type),
						"url", url ? url : "", "payload", payload));
	} else {
		char *body = fg_redact(req.body ? req.body : "");
		if (body == NULL)
			rc = FG_ERR;
		else
			fprintf(o->out, "--- notification %lld to '%s' (%s) %s\n%s\n", (long long)n->id,
				ch->name, fg_chan_type_name(ch->type), url ? url : "", body);
		free(body);
	}
	free(url);
	fg_request_release(&req);
	return rc;
}

int fg_notify_direct(const struct fg_notify_conf *nc, struct fg_notification *n, int count,
		     const struct fg_notify_opts *o, struct fg_notify_summary *s)
{
	int tries = nc->max_attempts < 3 ? (int)nc->max_attempts : 3, rc = 0;
	struct fg_request *req = calloc((size_t)count + 1, sizeof(*req));
	struct fg_request **live = calloc((size_t)count + 1, sizeof(*live));
	int *idx = calloc((size_t)count + 1, sizeof(*idx));
	enum fg_outcome *state = calloc((size_t)count + 1, sizeof(*state));
	json_t *jout = o->dry_run && o->json ? json_array() : NULL;

	if (!req || !live || !idx || !state) {
		fg_error("cannot deliver: out of memory");
		rc = FG_ERR;
		goto out;
	}
	for (int i = 0; i < count; i++) {
		s->claimed++;
		state[i] = FG_OUT_RETRY;
		fg_request_init(&req[i]);
	}
	if (o->dry_run) {
		for (int i = 0; i < count && rc == 0; i++)
			rc = fg_notify_print(fg_notify_channel(nc, n[i].channel), &n[i], o, jout);
		if (jout && rc == 0) {
			char *d = json_dumps(jout, JSON_INDENT(2)), *red = d ? fg_redact(d) : NULL;
			if (red)
				fprintf(o->out, "%s\n", red);
			free(red);
			free(d);
		}
		goto out;
	}
	for (int t = 0; t < tries && !fg_interrupted; t++) {
		int nlive = 0;
		double wait = 0;
		for (int i = 0; i < count; i++) {
			const struct fg_channel *ch = fg_notify_channel(nc, n[i].channel);
			char err[256];
			if (state[i] != FG_OUT_RETRY)
				continue;
			fg_request_release(&req[i]);
			if (fg_channel_render(ch, &n[i], &req[i], err, sizeof(err)) < 0) {
				fg_error("cannot send alert %d to '%s': %s", i + 1, ch->name, err);
				state[i] = FG_OUT_DEAD;
				continue;
			}
			live[nlive] = &req[i];
			idx[nlive++] = i;
		}
		if (nlive == 0)
			break;
		if ((rc = fg_http_run(live, (size_t)nlive, (long)nc->concurrency, 0, &fg_interrupted)) < 0)
			goto out;
		for (int k = 0; k < nlive; k++) {
			int i = idx[k];
			const struct fg_channel *ch = fg_notify_channel(nc, n[i].channel);
			char err[256];
			double delay;
			if (!live[k]->done)
				continue;
			state[i] = fg_notify_classify(nc, ch->type, live[k], t, &delay, err, sizeof(err));
			if (state[i] == FG_OUT_RETRY && t + 1 == tries)
				fg_warn("alert %d to '%s' not delivered: %s; try again later", i + 1,
					ch->name, err);
			else if (state[i] == FG_OUT_DEAD)
				fg_error("alert %d to '%s' refused: %s", i + 1, ch->name, err);
			if (state[i] == FG_OUT_RETRY && delay > wait)
				wait = delay;
		}
		if (t + 1 < tries && wait > 0)
			usleep((useconds_t)((wait > 10 ? 10 : wait) * 1e6));
	}
	for (int i = 0; i < count; i++) {
		long *total = state[i] == FG_OUT_SENT   ? &s->sent
			      : state[i] == FG_OUT_DEAD ? &s->dead
							: &s->retried;
		const char *key = state[i] == FG_OUT_SENT   ? "sent"
				  : state[i] == FG_OUT_DEAD ? "dead"
							    : "retried";
		json_t *c = json_object_get(s->channels, n[i].channel);
		if (c == NULL) {
			c = json_pack("{s:i, s:i, s:i, s:i}", "claimed", 0, "sent", 0, "retried", 0, "dead",
				      0);
			json_object_set_new(s->channels, n[i].channel, c);
		}
		json_object_set_new(c, "claimed",
				    json_integer(json_integer_value(json_object_get(c, "claimed")) + 1));
		json_object_set_new(c, key, json_integer(json_integer_value(json_object_get(c, key)) + 1));
		(*total)++;
	}
out:
	for (int i = 0; req && i < count; i++)
		fg_request_release(&req[i]);
	json_decref(jout);
	free(req);
	free(live);
	free(idx);
	free(state);
	return rc;
}

struct fg_notification *fg_notify_test_message(const char *channel)
{
	char host[128] = "this host", body[400];
	struct fg_notification *n = calloc(1, sizeof(*n));

	if (n == NULL)
		return NULL;
	if (gethostname(host, sizeof(host)) < 0)
		snprintf(host, sizeof(host), "this host");
	host[sizeof(host) - 1] = '\0';
	snprintf(body, sizeof(body),
		 "A test message from notifyd-once on %s. If you can read this, channel '%s' works.", host,
		 channel);
	n->channel = strdup(channel);
	n->kind = strdup("test");
	n->title = strdup("flakeguard test message");
	n->body = strdup(body);
	n->fields = json_pack("{s:s}", "host", host);
	n->dedup_key = strdup("test");
	n->created_at = fg_now();
	if (!n->channel || !n->kind || !n->title || !n->body || !n->fields || !n->dedup_key) {
		fg_notification_release(n);
		free(n);
		return NULL;
	}
	return n;
}
