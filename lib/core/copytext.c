/*
 * copytext.c - COPY text format fields (see copytext.h).
 *
 * Runs of ordinary bytes are copied whole; only the four bytes COPY
 * reads specially are escaped.  Other control bytes and invalid UTF-8
 * pass through: the server checks the encoding and rejects the COPY,
 * which is the right outcome for a value it cannot store.
 */
#include "copytext.h"
#include "exitcode.h"
#include "log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int fg_copy_put(struct fg_copy_line *l, const char *s, size_t n)
{
	if (l->len + n + 1 > l->cap) {
		size_t cap = l->cap ? l->cap : 256;
		while (cap < l->len + n + 1)
			cap *= 2;
		char *p = realloc(l->buf, cap);
		if (p == NULL)
			return FG_ERR_INTERNAL;
		l->buf = p;
		l->cap = cap;
	}
	memcpy(l->buf + l->len, s, n);
	l->len += n;
	l->buf[l->len] = '\0';
	return 0;
}

/* The letter after the backslash for a byte COPY text format escapes. */
static char escape_of(char ch)
{
	switch (ch) {
	case '\t':
		return 't';
	case '\n':
		return 'n';
	case '\r':
		return 'r';
	default:
		return ch; /* the backslash itself */
	}
}

int fg_copy_field(struct fg_copy_line *l, const char *v)
{
	int rc = 0;

	if (v == NULL)
		return fg_copy_put(l, "\\N", 2);
	for (const char *p = v; *p && rc == 0;) {
		size_t run = strcspn(p, "\\\t\n\r");
		rc = fg_copy_put(l, p, run);
		p += run;
		if (*p && rc == 0) {
			char esc[2] = { '\\', escape_of(*p) };
			rc = fg_copy_put(l, esc, 2);
			p++;
		}
	}
	if (rc == 0 && l->buf == NULL) /* an empty field: still a string */
		rc = fg_copy_put(l, "", 0);
	return rc;
}

int fg_copy_file_put(void *file, const char *line, size_t len)
{
	if (fwrite(line, 1, len, file) != len) {
		fg_error("cannot write to a temporary file: %s", strerror(errno));
		return FG_ERR_TEMP;
	}
	return 0;
}

int fg_copy_replay(FILE *f, const char *what, int (*put)(void *arg, const char *line, size_t len), void *arg)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int rc = 0;

	if (fflush(f) != 0 || fseek(f, 0, SEEK_SET) != 0) {
		fg_error("cannot read %s back from a temporary file", what);
		return FG_ERR_TEMP;
	}
	while (rc == 0 && (len = getline(&line, &cap, f)) > 0)
		rc = put(arg, line, (size_t)len);
	free(line);
	if (rc == 0 && ferror(f)) {
		fg_error("cannot read %s back from a temporary file", what);
		rc = FG_ERR_TEMP;
	}
	return rc;
}

void fg_copy_line_release(struct fg_copy_line *l)
{
	free(l->buf);
	l->buf = NULL;
	l->len = l->cap = 0;
}
