/*
 * budget_array.c - PostgreSQL array literals for set-based parameters.
 *
 * Written into one growing buffer: "{" elements "}".  An allocation
 * failure makes the whole literal fail at fg_pgarr_finish.  (A stdio
 * memory stream did the same with a lock and a call per character: a
 * tenth of a run's CPU for the 10 arrays of 10,000 budgets.)
 */
#include "budget_array.h"
#include "exitcode.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for more bytes (and a final NUL); false once failed. */
static bool reserve(struct fg_pgarr *a, size_t more)
{
	size_t cap = a->cap;
	char *p;

	if (a->failed)
		return false;
	if (a->len + more + 1 <= cap)
		return true;
	while (cap < a->len + more + 1)
		cap = cap ? 2 * cap : 4096;
	if ((p = realloc(a->buf, cap)) == NULL) {
		a->failed = true;
		return false;
	}
	a->buf = p;
	a->cap = cap;
	return true;
}

int fg_pgarr_init(struct fg_pgarr *a)
{
	memset(a, 0, sizeof(*a));
	if (!reserve(a, 1))
		return FG_ERR_INTERNAL;
	a->buf[a->len++] = '{';
	return 0;
}

void fg_pgarr_add(struct fg_pgarr *a, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	char *p;

	/* worst case: every byte escaped, quotes and a comma */
	if (!reserve(a, 2 * n + 4))
		return;
	p = a->buf + a->len;
	if (a->n++ > 0)
		*p++ = ',';
	if (s == NULL) {
		memcpy(p, "NULL", 4);
		p += 4;
	} else {
		*p++ = '"';
		for (; *s; s++) {
			if (*s == '"' || *s == '\\')
				*p++ = '\\';
			*p++ = *s;
		}
		*p++ = '"';
	}
	a->len = (size_t)(p - a->buf);
}

int fg_pgarr_add_list(struct fg_pgarr *a, char *const *items, const int *nums, int n)
{
	char stack[1024], *buf = stack;
	size_t need = 3, used = 0;

	for (int j = 0; j < n; j++)
		need += nums ? 16 : 3 + 2 * strlen(items[j]);
	if (need > sizeof(stack) && (buf = malloc(need)) == NULL)
		return -1;
	buf[used++] = '{';
	for (int j = 0; j < n; j++) {
		if (j > 0)
			buf[used++] = ',';
		if (nums != NULL) {
			used += (size_t)snprintf(buf + used, 16, "%d", nums[j]);
			continue;
		}
		buf[used++] = '"';
		for (const char *p = items[j]; *p; p++) {
			if (*p == '"' || *p == '\\')
				buf[used++] = '\\';
			buf[used++] = *p;
		}
		buf[used++] = '"';
	}
	buf[used++] = '}';
	buf[used] = '\0';
	fg_pgarr_add(a, buf);
	if (buf != stack)
		free(buf);
	return 0;
}

void fg_pgarr_addf(struct fg_pgarr *a, const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		a->failed = true;
		return;
	}
	fg_pgarr_add(a, buf);
}

const char *fg_pgarr_finish(struct fg_pgarr *a)
{
	if (!a->finished) {
		a->finished = true;
		if (reserve(a, 1)) {
			a->buf[a->len++] = '}';
			a->buf[a->len] = '\0';
		}
	}
	return a->failed ? NULL : a->buf;
}

void fg_pgarr_release(struct fg_pgarr *a)
{
	free(a->buf);
	a->buf = NULL;
	a->len = a->cap = 0;
}
