/*
 * log.c - one-line diagnostics on stderr, text or JSON lines.
 *
 * State is process-global (program name, level, format), set once from
 * main().  A line is written whole under a lock: costsync reads one
 * Snowflake query on a thread of its own, which may log too.
 */
#include "log.h"
#include "redact.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *log_prog = "flakeguard";
static enum fg_log_level log_level = FG_LOG_WARN;
static enum fg_log_format log_format = FG_LOG_TEXT;

static char last_error[512];
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static __thread char *capture_buf;
static __thread size_t capture_len;

static const char *level_names[] = { "error", "warning", "info", "debug" };

void fg_log_init(const char *prog)
{
	if (prog != NULL) {
		const char *slash = strrchr(prog, '/');
		log_prog = slash ? slash + 1 : prog;
	}
}

void fg_log_set_level(enum fg_log_level level)
{
	if (level > FG_LOG_DEBUG)
		level = FG_LOG_DEBUG;
	log_level = level;
}

void fg_log_set_format(enum fg_log_format format)
{
	log_format = format;
}
enum fg_log_level fg_log_get_level(void)
{
	return log_level;
}
bool fg_log_enabled(enum fg_log_level level)
{
	return level <= log_level;
}

int fg_log_parse_format(const char *s, enum fg_log_format *out)
{
	if (strcmp(s, "text") == 0)
		*out = FG_LOG_TEXT;
	else if (strcmp(s, "json") == 0)
		*out = FG_LOG_JSON;
	else
		return -1;
	return 0;
}

/* Copy of s with CR/LF runs folded into "; " and trailing newlines dropped. */
static char *fold_lines(const char *s)
{
	char *out = malloc(strlen(s) * 2 + 1), *w = out;
	const char *r = s;

	if (out == NULL)
		return NULL;
	while (*r) {
		if (*r == '\n' || *r == '\r') {
			while (*r == '\n' || *r == '\r' || *r == ' ' || *r == '\t')
				r++;
			if (*r && *r != ';' && w > out) {
				*w++ = ';';
				*w++ = ' ';
			}
			continue;
		}
		*w++ = *r++;
	}
	*w = '\0';
	return out;
}

void fg_vlog(enum fg_log_level level, const char *fmt, va_list ap)
{
	char *raw = NULL, *folded, *msg;

	if (!fg_log_enabled(level))
		return;
	if (vasprintf(&raw, fmt, ap) < 0)
		return;
	folded = fold_lines(raw);
	free(raw);
	if (folded == NULL)
		return;
	msg = fg_redact(folded);
	free(folded);
	if (msg == NULL)
		return;
	if (level == FG_LOG_ERROR && capture_buf != NULL) {
		if (capture_buf[0] == '\0')
			snprintf(capture_buf, capture_len, "%s", msg);
		free(msg);
		return;
	}
	pthread_mutex_lock(&log_lock);
	if (level == FG_LOG_ERROR)
		snprintf(last_error, sizeof(last_error), "%s", msg);
	if (log_format == FG_LOG_JSON) {
		char ts[64];
		struct timespec now;
		struct tm tm;
		clock_gettime(CLOCK_REALTIME, &now);
		gmtime_r(&now.tv_sec, &tm);
		snprintf(ts, sizeof(ts), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, now.tv_nsec / 1000000);
		json_t *o = json_pack("{s:s, s:s, s:s, s:s%}", "ts", ts, "level", level_names[level], "prog",
				      log_prog, "msg", msg, strlen(msg));
		if (o == NULL) { /* not UTF-8: replace high bytes */
			for (char *q = msg; *q; q++)
				if ((unsigned char)*q >= 0x80)
					*q = '?';
			o = json_pack("{s:s, s:s, s:s, s:s}", "ts", ts, "level", level_names[level], "prog",
				      log_prog, "msg", msg);
		}
		char *line = o ? json_dumps(o, JSON_COMPACT) : NULL;
		if (line != NULL)
			fprintf(stderr, "%s\n", line);
		free(line);
		json_decref(o);
	} else {
		fprintf(stderr, "%s: %s%s%s\n", log_prog,
			level == FG_LOG_INFO || level == FG_LOG_DEBUG ? "" : level_names[level],
			level == FG_LOG_INFO || level == FG_LOG_DEBUG ? "" : ": ", msg);
	}
	fflush(stderr);
	pthread_mutex_unlock(&log_lock);
	free(msg);
}

void fg_log(enum fg_log_level level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fg_vlog(level, fmt, ap);
	va_end(ap);
}

const char *fg_log_last_error(void)
{
	return last_error[0] ? last_error : NULL;
}

void fg_log_capture(char *buf, size_t len)
{
	capture_buf = len > 0 ? buf : NULL;
	capture_len = len;
	if (capture_buf != NULL)
		capture_buf[0] = '\0';
}

void fg_log_clear_last_error(void)
{
	last_error[0] = '\0';
}
