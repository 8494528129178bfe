/*
 * redact.h - keep secrets out of every output.
 *
 * The config loader registers each secret value it reads (passwords, API
 * keys, webhook URLs, routing keys, passwords inside conninfo/ODBC strings).
 * fg_redact() replaces every occurrence of a registered secret in a string
 * with a redacted form; for URLs the form keeps scheme, host and the first
 * path segment so an operator can still tell which webhook failed:
 *   https://hooks.slack.com/services/T0… then a slash and three asterisks
 */
#ifndef FG_REDACT_H
#define FG_REDACT_H

#include <stddef.h>

/* Register a secret (copied).  Strings shorter than 4 bytes are ignored. */
void fg_secret_add(const char *secret);
/* Forget all secrets (wiping them). */
void fg_secret_clear(void);
/* Wipe a malloc'd string that held a secret, then free it; accepts NULL. */
void fg_secret_free(char *s);

/*
 * Redacted display form of a URL: scheme://host/first-segment/XX… then "/" and three asterisks,
 * where XX is at most two ASCII characters and at most half the second segment, so the
 * form never contains the URL it stands for.
 * Returns a new string (free()), or NULL on allocation failure.
 */
char *fg_redact_url(const char *url);

/*
 * Copy of s with every registered secret replaced by its redacted form, and
 * with password=/PWD= values in conninfo/ODBC strings masked.
 * Returns a new string (free()), or NULL on allocation failure.
 */
char *fg_redact(const char *s);

#endif
