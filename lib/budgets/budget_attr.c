/*
 * budget_attr.c - user:, role: and query_tag: scopes.
 *
 * Their spend is attributed compute (attribution_daily, written by
 * costsync from QUERY_ATTRIBUTION_HISTORY): the compute and Query
 * Acceleration cost of the queries of those users, roles or tags, idle
 * time excluded.  Names match case-insensitively, so they are kept upper
 * case; '*' matches any text ("team=data;*"), and a scope of several names
 * counts a query once even when two of its names match it.  Such a scope
 * stands alone: combined with a warehouse or another dimension the same
 * query would count twice.  In the evaluation the whole list is one unit
 * (service "@USER", entity the names joined by ','), so budgets with the
 * same list share it.
 */
#include "budget_attr.h"
#include "exitcode.h"
#include "log.h"
#include "strlist.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *prefix, *unit, *dim, *what;
	enum fg_attr_dim d;
} dims[] = {
	{ "user:", "@USER", "user", "user", FG_ATTR_USER },
	{ "role:", "@ROLE", "role", "role", FG_ATTR_ROLE },
	{ "query_tag:", "@QUERY_TAG", "query_tag", "query tag", FG_ATTR_TAG },
};

#define NDIMS (sizeof(dims) / sizeof(dims[0]))

const char *fg_budget_attr_unit(enum fg_attr_dim d)
{
	for (size_t i = 0; i < NDIMS; i++)
		if (dims[i].d == d)
			return dims[i].unit;
	return NULL;
}

const char *fg_budget_attr_dim(enum fg_attr_dim d)
{
	for (size_t i = 0; i < NDIMS; i++)
		if (dims[i].d == d)
			return dims[i].dim;
	return NULL;
}

int fg_budget_attr_regex(const char *name, char *out, size_t len)
{
	size_t n = 0;

	if (strchr(name, '*') == NULL)
		return 0;
	if (len < 3)
		return -1;
	out[n++] = '^';
	for (const char *p = name; *p; p++) {
		if (n + 4 > len)
			return -1;
		if (*p == '*') {
			out[n++] = '.';
			out[n++] = '*';
			continue;
		}
		if (strchr(".^$|()[]{}+?\\", *p))
			out[n++] = '\\';
		out[n++] = *p;
	}
	out[n++] = '$';
	out[n] = '\0';
	return 1;
}

int fg_budget_attr_scope(const struct fg_config *cfg, const struct fg_conf_section *sec, struct fg_budget *b,
			 const char *x, const char *y)
{
	char *part = NULL, **names = NULL;
	int count = 0, rc = 1;
	size_t i, keylen = 0;

	for (i = 0; i < NDIMS; i++) {
		size_t pl = strlen(dims[i].prefix);
		if ((size_t)(y - x) > pl && strncmp(x, dims[i].prefix, pl) == 0)
			break;
	}
	if (i == NDIMS)
		return 0;
	if (b->attr != FG_ATTR_NONE) {
		fg_conf_error(cfg, sec, "scope", "only one user:, role: or query_tag: part is allowed");
		return FG_ERR_CONFIG;
	}
	x += strlen(dims[i].prefix);
	if ((part = strndup(x, (size_t)(y - x))) == NULL ||
	    fg_strlist_split(part, FG_STRLIST_KEEP_EMPTY, &names, &count) < 0) {
		rc = FG_ERR_INTERNAL;
		goto out;
	}
	for (int k = 0; k < count && rc > 0; k++) {
		for (char *p = names[k]; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		keylen += strlen(names[k]) + 1;
		if (names[k][0] == '\0') {
			fg_conf_error(cfg, sec, "scope", "empty %s name", dims[i].what);
			rc = FG_ERR_CONFIG;
		}
		for (int j = 0; j < k && rc > 0; j++)
			if (strcmp(names[j], names[k]) == 0) {
				fg_conf_error(cfg, sec, "scope", "%s '%s' is listed twice", dims[i].what,
					      names[k]);
				rc = FG_ERR_CONFIG;
			}
	}
	if (rc > 0 && (b->attr_key = malloc(keylen + 1)) == NULL)
		rc = FG_ERR_INTERNAL;
	if (rc > 0) {
		size_t at = 0;
		for (int k = 0; k < count; k++) {
			size_t len = strlen(names[k]);
			if (k > 0)
				b->attr_key[at++] = ',';
			memcpy(b->attr_key + at, names[k], len);
			at += len;
		}
		b->attr_key[at] = '\0';
		b->attr = dims[i].d;
		b->attr_names = names;
		b->nattr = count;
		names = NULL;
	}
out:
	fg_strlist_free(names);
	free(part);
	return rc;
}
