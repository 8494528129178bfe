/*
 * config_value.c - expand, read and check one config value.
 *
 * Nothing here knows about files, lines or sections: each function gets a
 * value (and the key, for messages) and either returns the result or says
 * why not in err, so the loader reports every problem the same way, as
 * FILE:LINE.  Secret values are wiped before they are freed.
 *
 * Secrets inside a value (a password in a conninfo, an ODBC string or a
 * URL) are found by reading the value the way its consumer will: libpq's
 * PQconninfoParse, libcurl's URL API, the ODBC KEY=value;... syntax with
 * blanks trimmed.  A string search for "password=" missed "password = x".
 */
#include "config_value.h"
#include "config.h"
#include "redact.h"
#include "url.h"

#include <ctype.h>
#include <errno.h>
#include <libpq-fe.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

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

/* Called with each secret found inside a value. */
typedef void (*secret_fn)(const char *secret, void *arg);

/* ODBC keys whose value is a secret (Snowflake's driver: PWD, the key
 * file's passphrase, an OAuth token). */
static const char *const odbc_secret_keys[] = { "pwd", "password", "priv_key_file_pwd", "token", NULL };

/* libpq conninfo keywords whose value is a secret. */
static const char *const pq_secret_keys[] = { "password", "sslpassword", NULL };

static bool in_list(const char *const *list, const char *s, size_t n)
{
	for (int i = 0; list[i]; i++)
		if (strlen(list[i]) == n && strncasecmp(list[i], s, n) == 0)
			return true;
	return false;
}

/* Blanks off both ends of [*s, *s + *n). */
static void trim(const char **s, size_t *n)
{
	while (*n > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

static void found(const char *v, size_t n, secret_fn fn, void *arg)
{
	char *copy = strndup(v, n);
	if (copy == NULL)
		return;
	if (*copy != '\0')
		fn(copy, arg);
	explicit_bzero(copy, n);
	free(copy);
}

/*
 * An ODBC connection string, "KEY = value; KEY={value;with;semicolons}":
 * keys and values trimmed as the driver manager does, braces around a
 * value removed ("}}" inside braces is one "}").
 */
static void odbc_secrets(const char *s, secret_fn fn, void *arg)
{
	while (*s) {
		const char *eq = s + strcspn(s, "=;");
		size_t kl = (size_t)(eq - s);
		const char *key = s;
		trim(&key, &kl);
		if (*eq != '=') {
			s = *eq ? eq + 1 : eq;
			continue;
		}
		const char *v = eq + 1, *next;
		while (*v == ' ' || *v == '\t')
			v++;
		size_t vl;
		if (*v == '{') {
			const char *e = v + 1;
			while (*e && !(e[0] == '}' && e[1] != '}'))
				e += e[0] == '}' ? 2 : 1;
			vl = (size_t)(e - v - 1);
			next = *e ? e + 1 : e;
			next += strcspn(next, ";");
			v++;
		} else {
			vl = strcspn(v, ";");
			next = v + vl;
			trim(&v, &vl);
		}
		if (in_list(odbc_secret_keys, key, kl))
			found(v, vl, fn, arg);
		s = *next ? next + 1 : next;
	}
}

/*
 * Any "key = value" whose key names a secret, anywhere in s: the fallback
 * for a string its consumer will refuse anyway, so that nothing written
 * in it is missed.  Values may be quoted '...' or braced {...}.
 */
static void scan_secrets(const char *s, secret_fn fn, void *arg)
{
	for (const char *p = s; *p; p++) {
		if (p > s && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))
			continue;
		size_t kl = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_");
		if (kl == 0 || !(in_list(odbc_secret_keys, p, kl) || in_list(pq_secret_keys, p, kl)))
			continue;
		const char *v = p + kl;
		v += strspn(v, " \t");
		if (*v != '=')
			continue;
		v++;
		v += strspn(v, " \t");
		size_t vl;
		if (*v == '\'' || *v == '{') {
			char close = *v == '{' ? '}' : '\'';
			v++;
			vl = strcspn(v, (char[]){ close, '\0' });
		} else {
			vl = strcspn(v, " \t;&");
		}
		found(v, vl, fn, arg);
		/* on the closing quote or the delimiter, which p++ skips; an
		 * empty value at the end ("PWD=", "PWD={") ends the scan here,
		 * not one byte past the string */
		p = v + vl;
		if (*p == '\0')
			break;
	}
}

/* A URL's password, as written and percent-decoded. */
static void url_secrets(const char *s, secret_fn fn, void *arg)
{
	for (int decode = 0; decode < 2; decode++) {
		char *user = NULL, *pw = NULL;
		if (fg_url_credentials(s, decode, &user, &pw) && pw != NULL)
			found(pw, strlen(pw), fn, arg);
		fg_secret_free(user);
		fg_secret_free(pw);
	}
}

/*
 * A libpq conninfo or URI, read by libpq itself: "password = x" with
 * blanks, quoted values and URIs all count.  dbname may itself be a
 * conninfo or URI (the tools connect with expand_dbname), so it is read
 * too.  A string libpq cannot parse fails to connect later; its secrets
 * are still looked for (scan_secrets), so none is missed.
 */
static void conninfo_secrets(const char *s, secret_fn fn, void *arg, int depth)
{
	char *err = NULL;
	PQconninfoOption *opts = PQconninfoParse(s, &err);

	if (opts == NULL) {
		PQfreemem(err);
		scan_secrets(s, fn, arg);
		url_secrets(s, fn, arg);
		return;
	}
	for (PQconninfoOption *o = opts; o->keyword; o++) {
		if (o->val == NULL || *o->val == '\0')
			continue;
		if (in_list(pq_secret_keys, o->keyword, strlen(o->keyword)))
			found(o->val, strlen(o->val), fn, arg);
		else if (strcmp(o->keyword, "dbname") == 0 && depth == 0 &&
			 (strchr(o->val, '=') || strstr(o->val, "://")))
			conninfo_secrets(o->val, fn, arg, 1);
	}
	for (PQconninfoOption *o = opts; o->keyword; o++)
		if (o->val)
			explicit_bzero(o->val, strlen(o->val));
	PQconninfoFree(opts);
}

static void each_secret(int flags, const char *s, secret_fn fn, void *arg)
{
	if (flags & FG_KEY_CONNINFO)
		conninfo_secrets(s, fn, arg, 0);
	else if (flags & FG_KEY_ODBC)
		odbc_secrets(s, fn, arg);
	else if (flags & FG_KEY_URL)
		url_secrets(s, fn, arg);
}

static void count_one(const char *secret, void *arg)
{
	(void)secret;
	(*(int *)arg)++;
}

bool fg_conf_has_password(int flags, const char *s)
{
	int n = 0;
	each_secret(flags, s, count_one, &n);
	return n > 0;
}

static void register_one(const char *secret, void *arg)
{
	(void)arg;
	fg_secret_add(secret);
}

void fg_conf_add_embedded_secrets(int flags, const char *s)
{
	each_secret(flags, s, register_one, NULL);
}

/* A secret counts as written in the file when the raw value holds it. */
struct literal {
	const char *raw;
	bool found;
};

static void literal_one(const char *secret, void *arg)
{
	struct literal *l = arg;
	if (strstr(l->raw, secret) != NULL)
		l->found = true;
}

bool fg_conf_has_literal_password(int flags, const char *raw, const char *val)
{
	struct literal l = { raw, false };
	each_secret(flags, val, literal_one, &l);
	return l.found;
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
