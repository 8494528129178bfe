/*
 * notify_silence.c - loading and matching [silence NAME] sections.
 *
 * Pure: no database, no clock of its own (today is passed in), so the
 * matcher is tested alone (tests/unit/test_silence.c).  The delivery loop
 * asks fg_silence_match() after the min_severity check; what it returns
 * ends as 'skipped' through fg_silence_record() (notify_silence_store.c).
 * Patterns know one wildcard, '*': names of rules, budgets and channels
 * hold no other metacharacter an operator would mean, and '?' or '['
 * read literally avoid surprises.
 */
#include "notify_silence.h"
#include "clock.h"
#include "exitcode.h"
#include "log.h"

#include <stdlib.h>
#include <string.h>

static const char *const match_keys[] = { "source", "rule", "subject", "budget", "channel" };

bool fg_silence_glob(const char *p, const char *s)
{
	const char *star = NULL, *back = NULL;

	while (*s) {
		if (*p == '*') {
			star = p++;
			back = s;
		} else if (*p == *s) {
			p++;
			s++;
		} else if (star) {
			p = star + 1;
			s = ++back;
		} else {
			return false;
		}
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

static int load_one(const struct fg_config *cfg, const struct fg_conf_section *sec, struct fg_silence *s)
{
	const char **slot[] = { &s->source, &s->rule, &s->subject, &s->budget, &s->channel };
	int rc = 0;

	s->name = sec->name;
	for (size_t i = 0; i < sizeof(slot) / sizeof(slot[0]); i++)
		*slot[i] = fg_conf_get(sec, match_keys[i]);
	if (s->source && strcmp(s->source, "budget") != 0 && strcmp(s->source, "finding") != 0 &&
	    strcmp(s->source, "anomaly") != 0 && strcmp(s->source, "*") != 0) {
		fg_conf_error(cfg, sec, "source",
			      "invalid source '%s': expected budget, finding, anomaly or *", s->source);
		rc = FG_ERR_CONFIG;
	}
	s->reason = fg_conf_get(sec, "reason");
	if (s->reason == NULL || *s->reason == '\0') {
		fg_conf_error(cfg, sec, "reason", "silence '%s' needs a reason: say why it is muted",
			      s->name);
		rc = FG_ERR_CONFIG;
	}
	s->until = fg_conf_get(sec, "until");
	if (s->until == NULL) {
		fg_conf_error(cfg, sec, "until", "silence '%s' needs an until date (YYYY-MM-DD, UTC)",
			      s->name);
		rc = FG_ERR_CONFIG;
	} else if (fg_date_parse(s->until, &s->until_day) < 0) {
		fg_conf_error(cfg, sec, "until", "invalid until '%s': expected a date YYYY-MM-DD", s->until);
		rc = FG_ERR_CONFIG;
	}
	return rc;
}

int fg_silence_load(const struct fg_config *cfg, struct fg_silence_set *set)
{
	const struct fg_conf_section *sec;
	int n = 0, rc = 0;

	memset(set, 0, sizeof(*set));
	for (sec = fg_config_next(cfg, NULL, "silence"); sec; sec = fg_config_next(cfg, sec, "silence"))
		n++;
	if ((set->v = calloc((size_t)n + 1, sizeof(*set->v))) == NULL) {
		fg_error("cannot load silences: out of memory");
		return FG_ERR_INTERNAL;
	}
	for (sec = fg_config_next(cfg, NULL, "silence"); sec; sec = fg_config_next(cfg, sec, "silence"))
		if (load_one(cfg, sec, &set->v[set->n++]) < 0)
			rc = FG_ERR_CONFIG;
	return rc;
}

void fg_silence_set_release(struct fg_silence_set *set)
{
	free(set->v);
	memset(set, 0, sizeof(*set));
}

bool fg_silence_active(const struct fg_silence *s, long today)
{
	return today <= s->until_day;
}

/* A match key against a value: absent key matches all; absent value none. */
static bool key_matches(const char *pattern, const char *value)
{
	if (pattern == NULL)
		return true;
	return value != NULL && fg_silence_glob(pattern, value);
}

static const char *field(const struct fg_notification *n, const char *key)
{
	return n->fields ? json_string_value(json_object_get(n->fields, key)) : NULL;
}

const struct fg_silence *fg_silence_match(const struct fg_silence_set *set, const struct fg_notification *n,
					  long today)
{
	if (n->kind == NULL || (strcmp(n->kind, "budget") != 0 && strcmp(n->kind, "finding") != 0 &&
				strcmp(n->kind, "anomaly") != 0))
		return NULL;
	for (int i = 0; i < set->n; i++) {
		const struct fg_silence *s = &set->v[i];
		if (fg_silence_active(s, today) && key_matches(s->source, n->kind) &&
		    key_matches(s->rule, field(n, "rule")) && key_matches(s->subject, field(n, "subject")) &&
		    key_matches(s->budget, field(n, "budget")) && key_matches(s->channel, n->channel))
			return s;
	}
	return NULL;
}

void fg_silence_describe(const struct fg_silence *s, char *buf, size_t len)
{
	snprintf(buf, len, "silenced by '%s' until %s: %s", s->name, s->until, s->reason);
}

void fg_silence_match_text(const struct fg_silence *s, char *buf, size_t len)
{
	const char *v[] = { s->source, s->rule, s->subject, s->budget, s->channel };
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]) && used < len; i++) {
		if (v[i] == NULL)
			continue;
		int w = snprintf(buf + used, len - used, "%s%s=%s", used ? " " : "", match_keys[i], v[i]);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	if (buf[0] == '\0')
		snprintf(buf, len, "*");
}

void fg_silence_warn_expired(const struct fg_silence_set *set, long today)
{
	for (int i = 0; i < set->n; i++)
		if (!fg_silence_active(&set->v[i], today))
			fg_warn("silence '%s' expired on %s and mutes nothing; remove it or move its until",
				set->v[i].name, set->v[i].until);
}
