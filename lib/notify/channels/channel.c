/*
 * channel.c - the table of channel types, and what every channel does
 * the same way whatever its type.
 *
 * The table maps enum fg_chan_type to the type's ops; each entry lives in
 * the type's own file.  Invariant (checked by the unit tests): every type
 * has an entry, and every entry has a name, a renderer and a classifier.
 *
 * fg_channel_render() fills what every request shares (timeouts, TLS
 * settings, the URL, the rate key) around the type's renderer.  The
 * helpers the types share (the default HTTP classifier among them) are in
 * the leaf channel_render.c, so this table depends on the types and the
 * types never depend on it.
 */
#include "channel.h"
#include "exitcode.h"
#include "http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct fg_channel_ops *const table[FG_CHAN_NTYPES] = {
	[FG_CHAN_SLACK] = &fg_slack_ops, [FG_CHAN_WEBHOOK] = &fg_webhook_ops,
	[FG_CHAN_TEAMS] = &fg_teams_ops, [FG_CHAN_PAGERDUTY] = &fg_pagerduty_ops,
	[FG_CHAN_EMAIL] = &fg_email_ops,
};

const struct fg_channel_ops *fg_channel_ops_of(enum fg_chan_type t)
{
	return (unsigned)t < FG_CHAN_NTYPES ? table[t] : NULL;
}

const char *fg_chan_type_name(enum fg_chan_type t)
{
	const struct fg_channel_ops *ops = fg_channel_ops_of(t);
	return ops ? ops->type : "?";
}

int fg_chan_type_parse(const char *name, enum fg_chan_type *t)
{
	for (int i = 0; i < FG_CHAN_NTYPES; i++)
		if (table[i] && strcmp(name, table[i]->type) == 0) {
			*t = (enum fg_chan_type)i;
			return 0;
		}
	return -1;
}

void fg_notification_release(struct fg_notification *n)
{
	if (n == NULL)
		return;
	free(n->channel);
	free(n->kind);
	free(n->title);
	free(n->body);
	json_decref(n->fields);
	free(n->dedup_key);
	memset(n, 0, sizeof(*n));
}

int fg_channel_render(const struct fg_channel *ch, const struct fg_notification *n, struct fg_request *req,
		      char *err, size_t errlen)
{
	int rc;

	err[0] = '\0';
	req->tls_verify = ch->tls_verify;
	req->ca_file = ch->ca_file;
	req->timeout_ms = ch->timeout_ms;
	req->connect_timeout_ms = ch->connect_timeout_ms;
	if ((rc = ch->ops->render(ch, n, req, err, errlen)) < 0) {
		if (err[0] == '\0')
			snprintf(err, errlen, "cannot render the message: out of memory");
		return rc;
	}
	if (ch->ops->rate_key && ch->rate_per_sec > 0) {
		req->rate_key = ch->ops->rate_key(ch);
		req->rate_per_sec = ch->rate_per_sec;
	}
	if (req->url == NULL && (ch->url == NULL || (req->url = strdup(ch->url)) == NULL))
		return FG_ERR;
	return 0;
}

const char *fg_channel_where(const struct fg_channel *ch)
{
	if (ch->url || ch->ops->where == NULL)
		return ch->url;
	return ch->ops->where(ch);
}
