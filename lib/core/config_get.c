/*
 * config_get.c - look up sections and keys of a loaded config, and read
 * values as types.
 *
 * The getters take a section that may be NULL (the section is absent:
 * every key has its default).  A value that does not parse is reported
 * once, as "FILE:LINE: key: message in section '[type name]'", and the
 * getter returns FG_ERR_CONFIG leaving *out alone; callers collect these
 * and fail after checking every key.  Nothing here allocates except
 * fg_conf_list(), whose list the caller owns.
 */
#include "config.h"
#include "decimal.h"
#include "exitcode.h"
#include "log.h"
#include "strlist.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const struct fg_conf_section *fg_config_section(const struct fg_config *cfg, const char *type,
						const char *name)
{
	for (const struct fg_conf_section *s = cfg ? cfg->sections : NULL; s; s = s->next)
		if (strcmp(s->type, type) == 0 && (name == NULL || strcmp(s->name, name) == 0))
			return s;
	return NULL;
}

const struct fg_conf_section *fg_config_next(const struct fg_config *cfg, const struct fg_conf_section *prev,
					     const char *type)
{
	const struct fg_conf_section *s = prev ? prev->next : (cfg ? cfg->sections : NULL);
	for (; s; s = s->next)
		if (strcmp(s->type, type) == 0)
			return s;
	return NULL;
}

const struct fg_conf_entry *fg_conf_entry(const struct fg_conf_section *sec, const char *key)
{
	for (const struct fg_conf_entry *e = sec ? sec->entries : NULL; e; e = e->next)
		if (strcmp(e->key, key) == 0)
			return e;
	return NULL;
}

const char *fg_conf_get(const struct fg_conf_section *sec, const char *key)
{
	const struct fg_conf_entry *e = fg_conf_entry(sec, key);
	return e ? e->value : NULL;
}

void fg_conf_error(const struct fg_config *cfg, const struct fg_conf_section *sec, const char *key,
		   const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	const struct fg_conf_entry *e = key ? fg_conf_entry(sec, key) : NULL;
	int line = e ? e->line : (sec ? sec->line : 0);
	char where[256] = "";

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (sec != NULL)
		snprintf(where, sizeof(where), " in section '[%s%s%s]'", sec->type, *sec->name ? " " : "",
			 sec->name);
	if (key != NULL)
		fg_error("%s:%d: %s: %s%s", cfg ? cfg->path : "config", line, key, msg, where);
	else
		fg_error("%s:%d: %s%s", cfg ? cfg->path : "config", line, msg, where);
}

int fg_conf_str(const struct fg_config *cfg, const struct fg_conf_section *sec, const char *key,
		const char *def, const char **out)
{
	(void)cfg;
	const char *v = fg_conf_get(sec, key);
	*out = v ? v : def;
	return 0;
}

int fg_conf_int(const struct fg_config *cfg, const struct fg_conf_section *sec, const char *key, int64_t def,
		int64_t min, int64_t max, int64_t *out)
{
	const char *v = fg_conf_get(sec, key);
	char *end;
	long long n;

	if (v == NULL) {
		*out = def;
		return 0;
	}
	errno = 0;
	n = strtoll(v, &end, 10);
	if (end == v || *end != '\0' || errno == ERANGE) {
		fg_conf_error(cfg, sec, key, "'%s' is not a whole number", v);
		return FG_ERR_CONFIG;
	}
	if (n < min || n > max) {
		fg_conf_error(cfg, sec, key, "%lld is out of range %lld..%lld", n, (long long)min,
			      (long long)max);
		return FG_ERR_CONFIG;
	}
	*out = n;
	return 0;
}

int fg_conf_seconds(const struct fg_config *cfg, const struct fg_conf_section *sec, const char *key,
		    int64_t def, int64_t min, int64_t max, int64_t *out)
{
	const char *v = fg_conf_get(sec, key);
	int64_t s;

	if (v == NULL) {
		*out = def;
		return 0;
	}
	if (fg_parse_interval(v, &s) < 0) {
		fg_conf_error(cfg, sec, key, "'%s' is not a duration (such as 90, 30s, 15m, 1h)", v);
		return FG_ERR_CONFIG;
	}
	if (s < min || s > max) {
		fg_conf_error(cfg, sec, key, "%lld seconds is out of range %lld..%lld", (long long)s,
			      (long long)min, (long long)max);
		return FG_ERR_CONFIG;
	}
	*out = s;
	return 0;
}

int fg_conf_bool(const struct fg_config *cfg, const struct fg_conf_section *sec, const char *key, bool def,
		 bool *out)
{
	const char *v = fg_conf_get(sec, key);
	if (v == NULL) {
		*out = def;
		return 0;
	}
	if (!strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcasecmp(v, "on") || !strcmp(v, "1"))
		*out = true;
	else if (!strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcasecmp(v, "off") || !strcmp(v, "0"))
		*out = false;
	else {
		fg_conf_error(cfg, sec, key, "'%s' is not a boolean (true or false)", v);
		return FG_ERR_CONFIG;
	}
	return 0;
}

int fg_conf_decimal(const struct fg_config *cfg, const struct fg_conf_section *sec, const char *key,
		    const char *def, bool positive, const char **out)
{
	const char *v = fg_conf_get(sec, key);
	struct fg_dec d;
	const char *why = NULL;

	if (v == NULL) {
		*out = def;
		return 0;
	}
	if (fg_dec_parse(v, &d, &why) < 0) {
		fg_conf_error(cfg, sec, key, "'%s' is not a decimal number (%s)", v, why);
		return FG_ERR_CONFIG;
	}
	if (positive ? d.v <= 0 : d.v < 0) {
		fg_conf_error(cfg, sec, key, "'%s' must be %s", v, positive ? "greater than 0" : "0 or more");
		return FG_ERR_CONFIG;
	}
	*out = v;
	return 0;
}

int fg_conf_list(const struct fg_config *cfg, const struct fg_conf_section *sec, const char *key,
		 char ***items, int *n)
{
	(void)cfg;
	const char *v = fg_conf_get(sec, key);

	*items = NULL;
	*n = 0;
	if (v == NULL)
		return 0;
	return fg_strlist_split(v, 0, items, n) < 0 ? FG_ERR_INTERNAL : 0;
}

void fg_conf_list_free(char **items)
{
	fg_strlist_free(items);
}

int fg_parse_interval(const char *s, int64_t *seconds)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(s, &end, 10);
	if (end == s || errno == ERANGE || n < 0)
		return -1;
	long long mult = 1;
	if (*end == 's')
		end++;
	else if (*end == 'm')
		mult = 60, end++;
	else if (*end == 'h')
		mult = 3600, end++;
	else if (*end == 'd')
		mult = 86400, end++;
	if (*end != '\0' || n > INT64_MAX / mult)
		return -1;
	*seconds = n * mult;
	return 0;
}

int fg_conf_section_check(const struct fg_config *cfg, const struct fg_conf_section *sec)
{
	if (sec == NULL || sec->problems == NULL)
		return 0;
	for (struct fg_conf_problem *p = sec->problems; p; p = p->next) {
		if (!p->reported)
			fg_error("%s:%d: %s", cfg->path, p->line, p->msg);
		p->reported = true;
	}
	return FG_ERR_CONFIG;
}

int fg_config_check_sections(const struct fg_config *cfg, const char *const *types)
{
	int rc = 0;

	for (const struct fg_conf_section *s = cfg->sections; s; s = s->next) {
		bool wanted = types == NULL;
		for (int i = 0; !wanted && types[i]; i++)
			wanted = strcmp(types[i], s->type) == 0;
		if (wanted && fg_conf_section_check(cfg, s) < 0)
			rc = FG_ERR_CONFIG;
	}
	return rc;
}
