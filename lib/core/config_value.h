/*
 * config_value.h - what the config loader does to one value, apart from
 * the file: ${VAR} expansion, _file secrets, spotting passwords in
 * conninfo/ODBC strings, and the UTF-8 check.  Used by config.c only;
 * other code reads values through config.h.
 *
 * Functions that can fail write a one-line reason into err (errlen bytes)
 * for the loader to report with FILE:LINE, and return NULL; err is left
 * empty when the failure was running out of memory.
 */
#ifndef FG_CONFIG_VALUE_H
#define FG_CONFIG_VALUE_H

#include <stdbool.h>
#include <stddef.h>

/* Longest value, after expansion or read from a secret file. */
#define FG_CONF_MAX_VALUE (64 * 1024)

/* value with every ${NAME} replaced by $NAME, malloc'd; key names it in err. */
char *fg_conf_expand(const char *key, const char *value, char *err, size_t errlen);

/* The whole secret file at path, trailing newlines removed, malloc'd. */
char *fg_conf_read_secret(const char *key, const char *path, char *err, size_t errlen);

/*
 * The secrets inside a value of a key whose flags (config.h) say how it is
 * read: FG_KEY_CONNINFO, FG_KEY_ODBC or FG_KEY_URL.
 */
/* s carries a password. */
bool fg_conf_has_password(int flags, const char *s);
/* One of the passwords in val (raw expanded) is written in raw itself
 * rather than coming from a ${VARIABLE}. */
bool fg_conf_has_literal_password(int flags, const char *raw, const char *val);
/* Register the passwords inside s as secrets (redact.h). */
void fg_conf_add_embedded_secrets(int flags, const char *s);
/* raw is exactly one ${NAME} and nothing else. */
bool fg_conf_is_pure_reference(const char *raw);

/* str is RFC 3629 UTF-8: no overlong forms, surrogates or code points past U+10FFFF. */
bool fg_conf_utf8_valid(const char *str);

#endif
