/*
 * notify_summary.c - what a notifyd-once run did, per channel and in
 * all: the --json document and the exit status made from it.
 */
#include "notify_run.h"
#include "exitcode.h"
#include "redact.h"

#include <stdlib.h>
#include <string.h>

void fg_notify_summary_init(struct fg_notify_summary *s)
{
	memset(s, 0, sizeof(*s));
	s->channels = json_object();
	s->why = json_object();
}

void fg_notify_summary_release(struct fg_notify_summary *s)
{
	json_decref(s->channels);
	json_decref(s->why);
	s->channels = NULL;
	s->why = NULL;
}

void fg_notify_count(struct fg_notify_summary *s, const char *channel, const char *what, long *total)
{
	json_t *c = json_object_get(s->channels, channel);
	if (c == NULL) {
		c = json_pack("{s:i, s:i, s:i, s:i, s:i}", "claimed", 0, "sent", 0, "retried", 0, "dead", 0,
			      "skipped", 0);
		json_object_set_new(s->channels, channel, c);
	}
	json_object_set_new(c, what, json_integer(json_integer_value(json_object_get(c, what)) + 1));
	(*total)++;
}

json_t *fg_notify_summary_json(const struct fg_notify_summary *s)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:O}", "claimed", (json_int_t)s->claimed,
			 "sent", (json_int_t)s->sent, "retried", (json_int_t)s->retried, "dead",
			 (json_int_t)s->dead, "skipped", (json_int_t)s->skipped, "deferred",
			 (json_int_t)s->deferred, "held", (json_int_t)s->held, "left", (json_int_t)s->left,
			 "channels", s->channels);
}

void fg_notify_summary_print(const struct fg_notify_summary *s, FILE *out)
{
	json_t *doc = fg_notify_summary_json(s);
	char *d = doc ? json_dumps(doc, JSON_INDENT(2)) : NULL;
	char *red = d ? fg_redact(d) : NULL;
	if (red)
		fprintf(out, "%s\n", red);
	free(red);
	free(d);
	json_decref(doc);
}

int fg_notify_exit_status(const struct fg_notify_summary *s)
{
	if (s->dead > 0)
		return FG_EX_UNAVAILABLE;
	if (s->retried > 0 || s->left > 0)
		return FG_EX_TEMPFAIL;
	return FG_EX_OK;
}
