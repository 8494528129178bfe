/*
 * libFuzzer harness: COPY text escaping of values read from Snowflake.
 * The input, split at NUL bytes, is the fields of one row (a first byte
 * 0xff stands for SQL NULL).  The row is built as costsync and secscan
 * build theirs, then read back by PostgreSQL's COPY text rules, written
 * out here: every field comes back exactly, and no raw tab, newline or
 * carriage return is left inside a field.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "copytext.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXF 64

/*
 * Unescape one field of a COPY text line at *p (up to a tab or the final
 * newline) into out; *null set for \N.  Returns the bytes written.
 */
static size_t unescape(const char **p, char *out, int *null)
{
	const char *s = *p;
	size_t n = 0;

	*null = 0;
	if (s[0] == '\\' && s[1] == 'N' && (s[2] == '\t' || s[2] == '\n')) {
		*null = 1;
		*p = s + 2;
		return 0;
	}
	for (; *s != '\t' && *s != '\n'; s++) {
		if (*s == '\r' || *s == '\0')
			abort(); /* a raw CR, or the line ended inside a field */
		if (*s != '\\') {
			out[n++] = *s;
			continue;
		}
		switch (*++s) {
		case 't':
			out[n++] = '\t';
			break;
		case 'n':
			out[n++] = '\n';
			break;
		case 'r':
			out[n++] = '\r';
			break;
		case '\\':
			out[n++] = '\\';
			break;
		default:
			abort(); /* nothing else is ever escaped */
		}
	}
	*p = s;
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fg_copy_line l = { 0 };
	const char *fields[MAXF];
	char *text, *out;
	int nf = 0, rc = 0;

	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	for (size_t i = 0; nf < MAXF && i <= size; i += strlen(text + i) + 1)
		fields[nf++] = (unsigned char)text[i] == 0xff ? NULL : text + i;
	for (int i = 0; rc == 0 && i < nf; i++)
		if ((rc = fg_copy_field(&l, fields[i])) == 0)
			rc = fg_copy_put(&l, i + 1 < nf ? "\t" : "\n", 1);
	if (rc != 0 || (out = malloc(l.len + 1)) == NULL)
		goto done;
	/* one line: a newline only at the end, tabs exactly between fields */
	if (memchr(l.buf, '\n', l.len) != l.buf + l.len - 1 || strlen(l.buf) != l.len)
		abort();
	const char *p = l.buf;
	for (int i = 0; i < nf; i++) {
		int null;
		size_t n = unescape(&p, out, &null);
		if (null != (fields[i] == NULL))
			abort();
		if (!null && (n != strlen(fields[i]) || memcmp(out, fields[i], n) != 0))
			abort();
		if (*p != (i + 1 < nf ? '\t' : '\n'))
			abort();
		p++;
	}
	if (*p != '\0')
		abort();
	free(out);
done:
	fg_copy_line_release(&l);
	free(text);
	return 0;
}
