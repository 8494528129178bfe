/*
 * channel_conf.c - one [channel NAME] section, and the config helpers the
 * [notify] and [email] sections share with it.
 *
 * Everything that can be checked without sending is checked here, so a bad
 * channel is a configuration error (exit 78, FILE:LINE) rather than a dead
 * notification.  The keys every type has are read here in a fixed order:
 * type, url (or the type's default), url syntax, header syntax, then the
 * type's own keys (ops->load), then min_severity, TLS, timeouts and rate.
 * `header` lines are checked whatever the type, so a malformed one is
 * refused even where it would not be sent.  Turning TLS verification off
 * is allowed but logged as a warning on every run.
 */
#include "channel.h"
#include "exitcode.h"
#include "log.h"
#include "url.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

int fg_channel_conf_interval(const struct fg_config *cfg, const struct fg_conf_section *sec, const char *key,
			     int64_t def, int64_t *out)
{
	const char *v = fg_conf_get(sec, key);
	if (v == NULL) {
		*out = def;
		return 0;
	}
	if (fg_parse_interval(v, out) < 0) {
		fg_conf_error(cfg, sec, key, "'%s' is not an interval such as 30s, 5m or 1h", v);
		return FG_ERR_CONFIG;
	}
	return 0;
}

int fg_channel_conf_ms(const struct fg_config *cfg, const struct fg_conf_section *sec, const char *key,
		       long def, long *out)
{
	int64_t s;
	int rc = fg_channel_conf_interval(cfg, sec, key, -1, &s);
	if (rc < 0)
		return rc;
	*out = s < 0 ? def : (long)(s > 3600 ? 3600 : s) * 1000L;
	if (s == 0) {
		fg_conf_error(cfg, sec, key, "a timeout must be at least 1s");
		return FG_ERR_CONFIG;
	}
	return 0;
}

/* A ca_file that cannot be read is a configuration error, not a retry. */
int fg_channel_conf_ca_file(const struct fg_config *cfg, const struct fg_conf_section *sec, const char *path)
{
	if (path == NULL || access(path, R_OK) == 0)
		return 0;
	fg_conf_error(cfg, sec, "ca_file", "cannot read ca_file '%s': %s", path, strerror(errno));
	return FG_ERR_CONFIG;
}

/* "slack, webhook, ..." from the table, for messages. */
static const char *type_list(char *out, size_t len)
{
	size_t used = 0;

	out[0] = '\0';
	for (int i = 0; i < FG_CHAN_NTYPES && used < len; i++) {
		const struct fg_channel_ops *ops = fg_channel_ops_of((enum fg_chan_type)i);
		if (ops)
			used += (size_t)snprintf(out + used, len - used, "%s%s", used ? ", " : "", ops->type);
	}
	return out;
}

static bool has_crlf(const char *s)
{
	return s != NULL && strpbrk(s, "\r\n") != NULL;
}

static int load_type(const struct fg_config *cfg, const struct fg_conf_section *sec, struct fg_channel *ch)
{
	const char *type = fg_conf_get(sec, "type");
	char types[256];

	if (type == NULL) {
		fg_conf_error(cfg, sec, NULL, "channel '%s' has no type (%s)", sec->name,
			      type_list(types, sizeof(types)));
		return FG_ERR_CONFIG;
	}
	if (fg_chan_type_parse(type, &ch->type) < 0 || (ch->ops = fg_channel_ops_of(ch->type)) == NULL) {
		fg_conf_error(cfg, sec, "type", "unknown channel type '%s' (%s)", type,
			      type_list(types, sizeof(types)));
		return FG_ERR_CONFIG;
	}
	return 0;
}

static int load_url(const struct fg_config *cfg, const struct fg_conf_section *sec, struct fg_channel *ch)
{
	ch->url = fg_conf_get(sec, "url");
	if (ch->url == NULL)
		ch->url = ch->ops->default_url;
	if (ch->ops->needs_url && ch->url == NULL) {
		fg_conf_error(cfg, sec, NULL, "channel '%s' needs a url (or url_file)", sec->name);
		return FG_ERR_CONFIG;
	}
	if (ch->url && (has_crlf(ch->url) || strchr(ch->url, ' '))) {
		fg_conf_error(cfg, sec, "url", "the url of channel '%s' contains spaces or line breaks",
			      sec->name);
		return FG_ERR_CONFIG;
	}
	/* the url is a secret: say what is wrong, not what it is */
	if (ch->url &&
	    ((strncasecmp(ch->url, "https://", 8) != 0 && strncasecmp(ch->url, "http://", 7) != 0) ||
	     ch->url[strcspn(ch->url, ":") + 3] == '\0' ||
	     strchr("/?#", ch->url[strcspn(ch->url, ":") + 3]) != NULL)) {
		fg_conf_error(cfg, sec, "url",
			      "the url of channel '%s' is not an http:// or https:// URL with a host",
			      sec->name);
		return FG_ERR_CONFIG;
	}
	for (const struct fg_conf_entry *e = sec->entries; e; e = e->next) {
		if (strcmp(e->key, "header") != 0)
			continue;
		const char *colon = strchr(e->value, ':');
		if (has_crlf(e->value) || colon == NULL || colon == e->value) {
			fg_conf_error(cfg, sec, "header",
				      "header of channel '%s' must be 'Name: value' on one line", sec->name);
			return FG_ERR_CONFIG;
		}
	}
	char host[256];
	if (ch->url && fg_url_has_scheme(ch->url, "http") && !fg_url_is_loopback(ch->url))
		fg_warn("channel '%s' sends to '%s' over plain http: its URL token and messages cross "
			"the network in clear; use https://",
			sec->name, fg_url_host(ch->url, host, sizeof(host)));
	return 0;
}

/*
 * notify_resolved (the type's default), group = per-run (refused where the
 * type has a reason) and repeat = INTERVAL (at least a minute: reminders
 * are for people, a year at most).
 */
static int load_lifecycle(const struct fg_config *cfg, const struct fg_conf_section *sec,
			  struct fg_channel *ch)
{
	const char *g = fg_conf_get(sec, "group");
	int rc;

	if ((rc = fg_conf_bool(cfg, sec, "notify_resolved", ch->ops->resolved_default,
			       &ch->notify_resolved)) < 0)
		return rc;
	if (g && strcmp(g, "per-run") != 0 && strcmp(g, "none") != 0) {
		fg_conf_error(cfg, sec, "group", "unknown grouping '%s' (per-run or none)", g);
		return FG_ERR_CONFIG;
	}
	ch->group_per_run = g && strcmp(g, "per-run") == 0;
	if (ch->group_per_run && ch->ops->no_group) {
		fg_conf_error(cfg, sec, "group", "channel '%s' cannot group: %s", sec->name,
			      ch->ops->no_group);
		return FG_ERR_CONFIG;
	}
	return fg_conf_seconds(cfg, sec, "repeat", 0, 60, 366 * 86400, &ch->repeat_s);
}

int fg_channel_load(const struct fg_config *cfg, const struct fg_conf_section *sec,
		    const struct fg_channel_defaults *d, struct fg_channel *ch)
{
	const char *v;
	int rc;
	int64_t rate;

	memset(ch, 0, sizeof(*ch));
	ch->name = sec->name;
	ch->broken = true; /* until it has loaded */
	if ((rc = fg_conf_section_check(cfg, sec)) < 0 || (rc = load_type(cfg, sec, ch)) < 0 ||
	    (rc = load_url(cfg, sec, ch)) < 0)
		return rc;
	if (ch->ops->load && (rc = ch->ops->load(cfg, sec, d, ch)) < 0)
		return rc;
	v = fg_conf_get(sec, "min_severity");
	enum fg_severity minsev = FG_SEV_INFO;
	if (v && fg_severity_parse(v, &minsev) < 0) {
		fg_conf_error(cfg, sec, "min_severity",
			      "unknown severity '%s' (info, low, medium, high, critical)", v);
		return FG_ERR_CONFIG;
	}
	ch->min_severity = minsev;
	ch->fallback = fg_conf_get(sec, "fallback");
	if ((rc = load_lifecycle(cfg, sec, ch)) < 0)
		return rc;
	if ((rc = fg_conf_bool(cfg, sec, "tls_verify", true, &ch->tls_verify)) < 0)
		return rc;
	if (!ch->tls_verify)
		fg_warn("TLS certificate verification is OFF for channel '%s' (tls_verify = false): "
			"anyone on the path can read and forge its messages",
			sec->name);
	ch->ca_file = fg_conf_get(sec, "ca_file");
	if ((rc = fg_channel_conf_ca_file(cfg, sec, ch->ca_file)) < 0)
		return rc;
	if ((rc = fg_channel_conf_ms(cfg, sec, "timeout", d->timeout_ms, &ch->timeout_ms)) < 0 ||
	    (rc = fg_channel_conf_ms(cfg, sec, "connect_timeout", d->connect_timeout_ms,
				     &ch->connect_timeout_ms)) < 0)
		return rc;
	if ((rc = fg_conf_int(cfg, sec, "rate_per_minute", ch->ops->default_rate_per_minute, 0, 1000000,
			      &rate)) < 0)
		return rc;
	ch->rate_per_sec = (double)rate / 60.0;
	ch->broken = false;
	return 0;
}

void fg_channel_release(struct fg_channel *ch)
{
	if (ch->ops && ch->ops->release)
		ch->ops->release(ch);
	else
		free(ch->priv);
	ch->priv = NULL;
}
