/*
 * capture.h - capture what the code under test writes to stderr.
 * capture_begin() redirects fd 2 to a temp file; capture_end() restores it
 * and returns the text (static buffer, valid until the next capture).
 */
#ifndef FG_TEST_CAPTURE_H
#define FG_TEST_CAPTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int capture_saved = -1;
static FILE *capture_fp;
static char capture_buf[65536];

static inline void capture_begin(void)
{
	fflush(stderr);
	capture_fp = tmpfile();
	capture_saved = dup(2);
	dup2(fileno(capture_fp), 2);
}

static inline const char *capture_end(void)
{
	size_t n;
	fflush(stderr);
	dup2(capture_saved, 2);
	close(capture_saved);
	rewind(capture_fp);
	n = fread(capture_buf, 1, sizeof(capture_buf) - 1, capture_fp);
	capture_buf[n] = '\0';
	fclose(capture_fp);
	return capture_buf;
}

#endif
