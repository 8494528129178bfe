/*
 * secscan_util.c - pure helpers for secscan: severities, suppression
 * entries, IoC list lines, the source names.
 *
 * Nothing here touches a database or a file, so every function is unit
 * tested (tests/unit/test_secscan_util.c).
 */
#include "secscan.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char *const source_names[FG_SRC_COUNT] = {
	"USERS",      "LOGIN_HISTORY",    "GRANTS_TO_USERS",   "GRANTS_TO_ROLES",   "ROLES",
	"SESSIONS",   "NETWORK_POLICIES", "POLICY_REFERENCES", "PASSWORD_POLICIES", "QUERY_HISTORY",
	"PARAMETERS", "IOC_LIST",         "CLIENT_APPS",       "SESSION_POLICIES",
};

const char *fg_sec_source_name(int bit)
{
	for (int i = 0; i < FG_SRC_COUNT; i++)
		if (bit == 1 << i)
			return source_names[i];
	return "?";
}

static char *dup_trim(const char *s, size_t n)
{
	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	return strndup(s, n);
}

/* One entry "RULE:SUBJECT (reason)". */
static int parse_entry(const char *e, size_t n, struct fg_sec_ignore *out, const char **err)
{
	const char *colon = memchr(e, ':', n);
	const char *end = e + n;

	memset(out, 0, sizeof(*out));
	while (end > e && isspace((unsigned char)end[-1]))
		end--;
	if (colon == NULL) {
		*err = "expected RULE:SUBJECT (reason)";
		return -1;
	}
	if (end == e || end[-1] != ')') {
		*err = "a suppression needs its reason: write RULE:SUBJECT (reason)";
		return -1;
	}
	const char *open = NULL;
	int depth = 0;
	for (const char *p = end - 1; p > colon; p--) {
		if (*p == ')')
			depth++;
		else if (*p == '(' && --depth == 0) {
			open = p;
			break;
		}
	}
	if (open == NULL) {
		*err = "a suppression needs its reason: write RULE:SUBJECT (reason)";
		return -1;
	}
	out->rule = dup_trim(e, (size_t)(colon - e));
	out->subject = dup_trim(colon + 1, (size_t)(open - colon - 1));
	out->reason = dup_trim(open + 1, (size_t)(end - open - 2));
	if (out->rule == NULL || out->subject == NULL || out->reason == NULL) {
		*err = "out of memory";
		return -1;
	}
	if (fg_sec_rule_find(out->rule) == NULL) {
		*err = "unknown rule id (see secscan --list-rules)";
		return -1;
	}
	if (out->subject[0] == '\0') {
		*err = "empty subject";
		return -1;
	}
	if (out->reason[0] == '\0') {
		*err = "empty reason";
		return -1;
	}
	return 0;
}

int fg_sec_ignore_parse(const char *value, struct fg_sec_ignore **list, size_t *n, const char **err,
			char **bad)
{
	const char *p = value;

	*bad = NULL;
	while (*p) {
		/* an entry ends at a comma outside parentheses */
		const char *q = p;
		int depth = 0;
		while (*q && !(*q == ',' && depth == 0)) {
			if (*q == '(')
				depth++;
			else if (*q == ')' && depth > 0)
				depth--;
			q++;
		}
		size_t len = (size_t)(q - p);
		char *trimmed = dup_trim(p, len);
		if (trimmed == NULL) {
			*err = "out of memory";
			return -1;
		}
		if (trimmed[0] != '\0') {
			struct fg_sec_ignore e;
			struct fg_sec_ignore *grown;
			if (parse_entry(trimmed, strlen(trimmed), &e, err) < 0) {
				fg_sec_ignore_free(&e, 1);
				*bad = trimmed;
				return -1;
			}
			grown = realloc(*list, (*n + 1) * sizeof(**list));
			if (grown == NULL) {
				fg_sec_ignore_free(&e, 1);
				free(trimmed);
				*err = "out of memory";
				return -1;
			}
			*list = grown;
			(*list)[(*n)++] = e;
		}
		free(trimmed);
		p = *q ? q + 1 : q;
	}
	return 0;
}

void fg_sec_ignore_free(struct fg_sec_ignore *list, size_t n)
{
	for (size_t i = 0; list != NULL && i < n; i++) {
		free(list[i].rule);
		free(list[i].subject);
		free(list[i].reason);
	}
}

int fg_sec_ioc_line(const char *line, char *out, size_t outlen)
{
	const char *s = line, *e;
	size_t n;
	bool colon = false, dot = false;

	while (isspace((unsigned char)*s))
		s++;
	if (*s == '\0' || *s == '#')
		return 0;
	e = s;
	while (*e && !isspace((unsigned char)*e) && *e != '#')
		e++;
	for (const char *p = e; *p; p++)
		if (!isspace((unsigned char)*p)) {
			if (*p == '#')
				break;
			return -1; /* two words on a line */
		}
	n = (size_t)(e - s);
	if (n >= outlen || n < 2)
		return -1;
	for (const char *p = s; p < e; p++) {
		if (*p == ':')
			colon = true;
		else if (*p == '.')
			dot = true;
		else if (!(isxdigit((unsigned char)*p) || *p == '/'))
			return -1;
	}
	if (!colon && !dot)
		return -1;
	if (!colon) {
		/* IPv4: four decimal octets, optional /prefix */
		unsigned parts = 0, val = 0, digits = 0;
		bool prefix = false;
		for (const char *p = s; p <= e; p++) {
			if (p < e && isdigit((unsigned char)*p)) {
				val = val * 10 + (unsigned)(*p - '0');
				if (++digits > 3)
					return -1;
			} else if (p == e || *p == '.' || *p == '/') {
				if (digits == 0 || (!prefix && val > 255) || (prefix && val > 32))
					return -1;
				if (!prefix)
					parts++;
				if (p < e && *p == '/') {
					if (prefix || parts != 4)
						return -1;
					prefix = true;
				}
				val = 0;
				digits = 0;
			} else {
				return -1;
			}
		}
		if (parts != 4)
			return -1;
	}
	memcpy(out, s, n);
	out[n] = '\0';
	return 1;
}
