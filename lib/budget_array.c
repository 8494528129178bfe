/*
 * budget_array.c - PostgreSQL array literals for set-based parameters.
 *
 * Written into an open_memstream buffer: "{" elements "}".  A write error
 * (out of memory) makes the whole literal fail at fg_pgarr_finish.
 */
#include "budget_array.h"
#include "exitcode.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int fg_pgarr_init(struct fg_pgarr *a)
{
	a->buf = NULL;
	a->len = 0;
	a->n = 0;
	a->failed = false;
	a->f = open_memstream(&a->buf, &a->len);
	if (a->f == NULL)
		return FG_ERR_INTERNAL;
	fputc('{', a->f);
	return 0;
}

void fg_pgarr_add(struct fg_pgarr *a, const char *s)
{
	if (a->n++ > 0)
		fputc(',', a->f);
	if (s == NULL) {
		fputs("NULL", a->f);
		return;
	}
	fputc('"', a->f);
	for (;;) {
		size_t n = strcspn(s, "\"\\");
		fwrite(s, 1, n, a->f);
		s += n;
		if (*s == '\0')
			break;
		fputc('\\', a->f);
		fputc(*s++, a->f);
	}
	fputc('"', a->f);
}

int fg_pgarr_add_list(struct fg_pgarr *a, char *const *items, const int *nums, int n)
{
	char stack[1024], *buf = stack;
	size_t need = 3, used = 0;
	int rc = 0;

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
	return rc;
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
	if (a->f == NULL)
		return a->buf;
	fputc('}', a->f);
	if (ferror(a->f))
		a->failed = true;
	if (fclose(a->f) != 0)
		a->failed = true;
	a->f = NULL;
	return a->failed ? NULL : a->buf;
}

void fg_pgarr_release(struct fg_pgarr *a)
{
	if (a->f != NULL)
		fclose(a->f);
	a->f = NULL;
	free(a->buf);
	a->buf = NULL;
}
