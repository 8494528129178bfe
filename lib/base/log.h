/*
 * log.h - diagnostics on stderr.
 *
 * One line per message, as text ("costsync: error: ...") or JSON lines.
 * The default level is FG_LOG_WARN so a successful run is silent under cron.
 * Every message passes through the redactor (redact.h) before it is written,
 * so a secret registered with fg_secret_add() never reaches stderr, whatever
 * the code path that produced the message (libpq, ODBC, curl, our own).
 */
#ifndef FG_LOG_H
#define FG_LOG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>

enum fg_log_level {
	FG_LOG_ERROR = 0,
	FG_LOG_WARN = 1,
	FG_LOG_INFO = 2,
	FG_LOG_DEBUG = 3,
};

enum fg_log_format {
	FG_LOG_TEXT = 0,
	FG_LOG_JSON = 1,
};

/* Set the program name shown in every line (not copied: keep it alive). */
void fg_log_init(const char *prog);
void fg_log_set_level(enum fg_log_level level);
void fg_log_set_format(enum fg_log_format format);
enum fg_log_level fg_log_get_level(void);
bool fg_log_enabled(enum fg_log_level level);
/* Parse "text" or "json"; returns 0 or -1. */
int fg_log_parse_format(const char *s, enum fg_log_format *out);

/*
 * Log one message.  Embedded newlines are folded into "; " so a multi-line
 * libpq or ODBC message stays one line.  Registered secrets are masked.
 */
void fg_log(enum fg_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void fg_vlog(enum fg_log_level level, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* The last error-level message logged (redacted, one line), or NULL. */
const char *fg_log_last_error(void);
void fg_log_clear_last_error(void);

/*
 * Until called again with NULL, errors the calling thread logs are kept
 * in buf (the first one, at most len bytes, redacted) instead of being
 * written: for a helper thread whose failure its caller reports, or not
 * when the caller failed first and said so.
 */
void fg_log_capture(char *buf, size_t len);

#define fg_error(...) fg_log(FG_LOG_ERROR, __VA_ARGS__)
#define fg_warn(...) fg_log(FG_LOG_WARN, __VA_ARGS__)
#define fg_info(...) fg_log(FG_LOG_INFO, __VA_ARGS__)
#define fg_debug(...) fg_log(FG_LOG_DEBUG, __VA_ARGS__)

#endif
