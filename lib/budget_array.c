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
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', a->f);
		fputc(*s, a->f);
	}
	fputc('"', a->f);
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
