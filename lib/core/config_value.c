/*
 * config_value.c - expand, read and check one config value.
 *
 * Nothing here knows about files, lines or sections: each function gets a
 * value (and the key, for messages) and either returns the result or says
 * why not in err, so the loader reports every problem the same way, as
 * FILE:LINE.  Secret values are wiped before they are freed.
 */
#include "config_value.h"
#include "redact.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const password_keys[] = { "password=", "pwd=", "priv_key_file_pwd=", NULL };

static void say(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static bool name_char(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_';
}

/*
 * The value of the variable in the ${...} that starts at p (p[0] == '$'),
 * and where the reference ends (*next), or NULL after saying why.
 */
static const char *variable(const char *key, const char *p, const char **next, char *err, size_t errlen)
{
	const char *close = strchr(p + 2, '}');
	char name[256];
	size_t nl;

	if (close == NULL) {
		say(err, errlen, "unterminated ${ in value of '%s'", key);
		return NULL;
	}
	nl = (size_t)(close - (p + 2));
	if (nl == 0 || nl >= sizeof(name)) {
		say(err, errlen, "bad variable name in value of '%s'", key);
		return NULL;
	}
	memcpy(name, p + 2, nl);
	name[nl] = '\0';
	for (size_t i = 0; i < nl; i++) {
		if (!name_char(name[i])) {
			say(err, errlen, "bad variable name '%s' in value of '%s'", name, key);
			return NULL;
		}
	}
	const char *env = getenv(name);
	if (env == NULL) {
		say(err, errlen, "environment variable '%s' used by '%s' is not set", name, key);
		return NULL;
	}
	*next = close + 1;
	return env;
}

char *fg_conf_expand(const char *key, const char *value, char *err, size_t errlen)
{
	size_t len = 0, cap = strlen(value) + 1;
	char *out = malloc(cap);
	const char *p = value;

	*err = '\0';
	if (out == NULL)
		return NULL;
	while (*p) {
		const char *add = p;
		size_t addlen = 1;
		if (p[0] == '$' && p[1] == '{') {
			if ((add = variable(key, p, &p, err, errlen)) == NULL)
				goto fail;
			addlen = strlen(add);
		} else {
			p++;
		}
		if (len + addlen + 1 > FG_CONF_MAX_VALUE) {
			say(err, errlen, "value of '%s' is longer than %d bytes", key, FG_CONF_MAX_VALUE);
			goto fail;
		}
		if (len + addlen + 1 > cap) {
			while (cap < len + addlen + 1)
				cap *= 2;
			char *n = realloc(out, cap);
			if (n == NULL)
				goto fail;
			out = n;
		}
		memcpy(out + len, add, addlen);
		len += addlen;
	}
	out[len] = '\0';
	return out;
fail:
	free(out);
	return NULL;
}

char *fg_conf_read_secret(const char *key, const char *path, char *err, size_t errlen)
{
	struct stat st;
	FILE *fp;
	char *buf;
	size_t n;

	*err = '\0';
	if (stat(path, &st) < 0) {
		say(err, errlen, "cannot read secret file '%s' for '%s': %s", path, key, strerror(errno));
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		say(err, errlen, "secret file '%s' for '%s' is not a regular file", path, key);
		return NULL;
	}
	if (st.st_size > FG_CONF_MAX_VALUE) {
		say(err, errlen, "secret file '%s' for '%s' is larger than %d bytes", path, key,
		    FG_CONF_MAX_VALUE);
		return NULL;
	}
	if ((fp = fopen(path, "r")) == NULL) {
		say(err, errlen, "cannot read secret file '%s' for '%s': %s", path, key, strerror(errno));
		return NULL;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL) {
		fclose(fp);
		return NULL;
	}
	n = fread(buf, 1, (size_t)st.st_size, fp);
	fclose(fp);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	if (n == 0 || strlen(buf) != n) {
		say(err, errlen, "secret file '%s' for '%s' is empty or binary", path, key);
		explicit_bzero(buf, n);
		free(buf);
		return NULL;
	}
	return buf;
}

/* The password of a URI's user:password@, or NULL; *len its length. */
static const char *uri_password(const char *s, size_t *len)
{
	const char *sch = strstr(s, "://");
	if (sch == NULL)
		return NULL;
	const char *u = sch + 3, *at = strchr(u, '@'), *colon = strchr(u, ':');
	if (at == NULL || colon == NULL || colon > at)
		return NULL;
	*len = (size_t)(at - colon - 1);
	return colon + 1;
}

bool fg_conf_has_password(const char *s)
{
	size_t n;

	for (int i = 0; password_keys[i]; i++)
		if (strcasestr(s, password_keys[i]) != NULL)
			return true;
	return uri_password(s, &n) != NULL;
}

void fg_conf_add_embedded_secrets(const char *s)
{
	for (int i = 0; password_keys[i]; i++) {
		const char *p = s;
		while ((p = strcasestr(p, password_keys[i])) != NULL) {
			p += strlen(password_keys[i]);
			size_t n;
			if (*p == '{') {
				p++;
				n = strcspn(p, "}");
			} else if (*p == '\'') {
				p++;
				n = strcspn(p, "'");
			} else {
				n = strcspn(p, "; \t&");
			}
			char *v = strndup(p, n);
			fg_secret_add(v);
			if (v)
				explicit_bzero(v, n);
			free(v);
		}
	}
	size_t n;
	const char *pw = uri_password(s, &n);
	if (pw != NULL) {
		char *v = strndup(pw, n);
		fg_secret_add(v);
		free(v);
	}
}

bool fg_conf_has_literal_password(const char *raw)
{
	for (int i = 0; password_keys[i]; i++) {
		const char *p = raw;
		while ((p = strcasestr(p, password_keys[i])) != NULL) {
			p += strlen(password_keys[i]);
			if (*p == '{' || *p == '\'')
				p++;
			if (strncmp(p, "${", 2) != 0 && *p != ';' && *p != '\0')
				return true;
		}
	}
	size_t n;
	const char *pw = uri_password(raw, &n);
	return pw != NULL && strncmp(pw, "${", 2) != 0;
}

bool fg_conf_is_pure_reference(const char *raw)
{
	size_t n = strlen(raw);
	return n > 3 && raw[0] == '$' && raw[1] == '{' && raw[n - 1] == '}' &&
	       strchr(raw + 2, '}') == raw + n - 1;
}

bool fg_conf_utf8_valid(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s) {
		unsigned c = *s++;
		int more;
		unsigned min, cp;
		if (c < 0x80)
			continue;
		if (c >= 0xc2 && c <= 0xdf)
			more = 1, min = 0x80, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			more = 2, min = 0x800, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			more = 3, min = 0x10000, cp = c & 0x07;
		else
			return false;
		while (more-- > 0) {
			if ((*s & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (*s++ & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
	}
	return true;
}
