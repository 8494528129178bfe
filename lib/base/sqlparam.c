/*
 * sqlparam.c - translate named parameters, skipping literals and comments.
 *
 * One pass over the text with a small amount of state: the output buffer,
 * whether white space is pending (written as one space before the next
 * token, never at either end), the previous source character (a $ or an
 * E after an identifier character belongs to the identifier) and the
 * line, for messages.  Literals, quoted identifiers and dollar-quoted
 * strings are copied whole; comments count as white space.
 */
#include "sqlparam.h"
#include "exitcode.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct out {
	char *p;
	size_t len, cap;
	bool oom;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->oom)
		return;
	if (o->len + n + 1 > o->cap) {
		size_t cap = o->cap ? o->cap : 256;
		while (cap < o->len + n + 1)
			cap *= 2;
		char *p = realloc(o->p, cap);
		if (p == NULL) {
			o->oom = true;
			return;
		}
		o->p = p;
		o->cap = cap;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

static bool is_ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (unsigned char)c >= 0x80;
}

static bool is_ident(char c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9') || c == '$';
}

static int count_lines(const char *s, size_t n)
{
	int lines = 0;
	for (size_t i = 0; i < n; i++)
		lines += s[i] == '\n';
	return lines;
}

/*
 * Length of the quoted token at s (quote q; doubled inside stands for
 * itself; backslash escapes when esc), the closing quote included, or 0
 * when it does not end.  s points at the opening quote.
 */
static size_t quoted_len(const char *s, char q, bool esc)
{
	size_t i = 1;
	for (;;) {
		if (s[i] == '\0')
			return 0;
		if (esc && s[i] == '\\' && s[i + 1] != '\0') {
			i += 2;
		} else if (s[i] == q) {
			if (s[i + 1] != q)
				return i + 1;
			i += 2;
		} else {
			i++;
		}
	}
}

/* Length of a $tag$ opener at s ("$$" included), or 0 when s is none. */
static size_t dollar_tag_len(const char *s)
{
	size_t i = 1;
	if (is_ident_start(s[1]))
		while (is_ident(s[i]) && s[i] != '$')
			i++;
	return s[i] == '$' ? i + 1 : 0;
}

/* Index of name among the n names, or -1. */
static int find_name(char *const *names, int n, const char *name, size_t len)
{
	for (int k = 0; k < n; k++)
		if (strlen(names[k]) == len && memcmp(names[k], name, len) == 0)
			return k;
	return -1;
}

static int add_name(struct fg_sqlparam *p, const char *name, size_t len)
{
	char **v = realloc(p->names, (size_t)(p->n + 1) * sizeof(*v));
	if (v == NULL)
		return -1;
	p->names = v;
	if ((v[p->n] = strndup(name, len)) == NULL)
		return -1;
	p->n++;
	return 0;
}

void fg_sqlparam_release(struct fg_sqlparam *p)
{
	for (int k = 0; k < p->n; k++)
		free(p->names[k]);
	free(p->names);
	free(p->text);
	p->names = NULL;
	p->text = NULL;
	p->n = 0;
}

/* Write the parameter name[0..len) in style; returns 0 or -1 (memory). */
static int parameter(struct out *o, struct fg_sqlparam *p, enum fg_sql_style style, const char *name,
		     size_t len)
{
	char num[16];
	int k = find_name(p->names, p->n, name, len);

	if (style == FG_SQL_ODBC || k < 0) {
		if (add_name(p, name, len) < 0)
			return -1;
		if (k < 0)
			k = p->n - 1;
	}
	switch (style) {
	case FG_SQL_NAMED:
		put(o, ":", 1);
		put(o, name, len);
		break;
	case FG_SQL_PQ:
		snprintf(num, sizeof(num), "$%d", k + 1);
		put(o, num, strlen(num));
		break;
	case FG_SQL_ODBC:
		put(o, "?", 1);
		break;
	}
	return 0;
}

int fg_sqlparam_translate(const char *sql, enum fg_sql_style style, struct fg_sqlparam *out, char *err,
			  size_t errsize)
{
	struct out o = { 0 };
	const char *s = sql, *why = NULL;
	char prev = ' ';
	bool space = false;
	int line = 1, at = 1;

	memset(out, 0, sizeof(*out));
	put(&o, "", 0);
	while (*s != '\0' && why == NULL && !o.oom) {
		size_t n = 0;
		char c = *s;

		at = line;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
			line += c == '\n';
			space = true;
			prev = ' ';
			s++;
			continue;
		}
		if (c == '-' && s[1] == '-') {
			s += strcspn(s, "\n");
			space = true;
			prev = ' ';
			continue;
		}
		if (c == '/' && s[1] == '*') {
			int depth = 1;
			for (s += 2; depth > 0 && *s != '\0'; s++) {
				line += *s == '\n';
				if (s[0] == '/' && s[1] == '*')
					depth++, s++;
				else if (s[0] == '*' && s[1] == '/')
					depth--, s++;
			}
			if (depth > 0)
				why = "unterminated comment";
			space = true;
			prev = ' ';
			continue;
		}
		if (space && o.len > 0)
			put(&o, " ", 1);
		space = false;
		if (c == '\'') {
			if ((n = quoted_len(s, '\'', false)) == 0)
				why = "unterminated string literal";
		} else if ((c == 'E' || c == 'e') && s[1] == '\'' && !is_ident(prev)) {
			if ((n = quoted_len(s + 1, '\'', true)) == 0)
				why = "unterminated string literal";
			else
				n++;
		} else if (c == '"') {
			if ((n = quoted_len(s, '"', false)) == 0)
				why = "unterminated quoted identifier";
		} else if (c == '$' && !is_ident(prev) && s[1] >= '0' && s[1] <= '9') {
			why = "positional parameter: name it (:name)";
		} else if (c == '$' && !is_ident(prev) && (n = dollar_tag_len(s)) > 0) {
			char tag[64];
			const char *end;
			if (n >= sizeof(tag)) {
				why = "dollar quote tag too long";
			} else {
				memcpy(tag, s, n);
				tag[n] = '\0';
				if ((end = strstr(s + n, tag)) == NULL)
					why = "unterminated dollar-quoted string";
				else
					n = (size_t)(end - s) + n;
			}
		} else if (c == ':' && s[1] == ':') {
			n = 2;
		} else if (c == ':' && is_ident_start(s[1]) && (unsigned char)s[1] < 0x80) {
			size_t len = 1;
			while (is_ident(s[1 + len]) && s[1 + len] != '$' && (unsigned char)s[1 + len] < 0x80)
				len++;
			if (parameter(&o, out, style, s + 1, len) < 0)
				o.oom = true;
			s += 1 + len;
			prev = 'a';
			continue;
		} else if (c == ';') {
			why = "';' in a statement: one statement per text, without a terminator";
		} else if (c == '?') {
			why = "'?' outside a literal: ODBC would take it for a parameter";
		} else {
			n = 1;
		}
		if (why != NULL)
			break;
		put(&o, s, n);
		line += count_lines(s, n);
		prev = s[n - 1];
		s += n;
	}
	if (why == NULL && o.oom)
		why = "out of memory";
	if (why != NULL) {
		snprintf(err, errsize, "line %d: %s", at, why);
		free(o.p);
		fg_sqlparam_release(out);
		return FG_ERR_INTERNAL;
	}
	out->text = o.p;
	return 0;
}
