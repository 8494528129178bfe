/*
 * copytext.h - lines of PostgreSQL COPY text format, built in memory.
 *
 * costsync and secscan stream rows read from Snowflake into PostgreSQL
 * with COPY ... FROM STDIN.  A value from Snowflake may hold any byte;
 * in text format a backslash, tab, newline or carriage return inside a
 * field must be written as \\, \t, \n or \r, and SQL NULL as \N, or the
 * row splits or shifts its columns.  This is the one place that does it.
 *
 * A struct fg_copy_line is a growable buffer, zeroed to start, always
 * NUL-terminated once anything was added; set len to 0 to reuse it.
 */
#ifndef FG_COPYTEXT_H
#define FG_COPYTEXT_H

#include <stddef.h>
#include <stdio.h>

struct fg_copy_line {
	char *buf;
	size_t len, cap;
};

/* Append n bytes of s as they are.  Returns 0, or FG_ERR_INTERNAL when out of memory. */
int fg_copy_put(struct fg_copy_line *l, const char *s, size_t n);

/*
 * Append the value v escaped as one COPY text field (NULL: \N), without
 * a separator.  Returns 0, or FG_ERR_INTERNAL when out of memory (l keeps
 * what it had, maybe part of the field).
 */
int fg_copy_field(struct fg_copy_line *l, const char *v);

/*
 * A put callback (as fg_copy_replay takes) appending the line to the FILE
 * arg, a temporary file: 0, or FG_ERR_TEMP after logging.
 */
int fg_copy_file_put(void *file, const char *line, size_t len);

/*
 * Pass each line of f, written earlier (a temporary file of COPY lines),
 * from its start to put, newline included, until put returns < 0.
 * Returns 0, put's failure, or FG_ERR_TEMP after logging when f cannot
 * be read back whole (what names its rows in the message).
 */
int fg_copy_replay(FILE *f, const char *what, int (*put)(void *arg, const char *line, size_t len), void *arg);

/* Free the buffer and zero l. */
void fg_copy_line_release(struct fg_copy_line *l);

#endif
