/*
 * config.c - load, expand and check the INI file.
 *
 * inih calls our handler once per key; it does not pass line numbers (the
 * Debian build has INI_HANDLER_LINENO 0), so we feed it through our own
 * line reader and remember which line it last handed out.  The same reader
 * refuses lines longer than inih's INI_MAX_LINE instead of letting inih
 * split them silently.
 *
 * Errors are logged where they are found and counted; loading fails after
 * the whole file has been read, so a user sees every mistake at once.
 */
#include "config.h"
#include "decimal.h"
#include "exitcode.h"
#include "log.h"
#include "redact.h"
#include "strlist.h"

#include <errno.h>
#include <ini.h>
#include <search.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_VALUE (64 * 1024)

struct loader {
	struct fg_config *cfg;
	const char *text;	/* string source, or NULL */
	size_t pos;
	FILE *fp;		/* file source, or NULL */
	int line;		/* line last handed to inih */
	int errors;
	int long_line;		/* first line that was too long */
	bool holds_secret;	/* a literal secret is written in the file */
	int secret_line;
	bool section_seen;	/* a [section] line since the last key */
	int header_line;	/* line of the last [section] header */
	struct fg_conf_section *last;
	struct fg_conf_section *tail;	/* last of cfg->sections */
	void *index;		/* tsearch tree of sections by (type, name) */
};

/* Order of the section index: by type, then name. */
static int section_cmp(const void *a, const void *b)
{
	const struct fg_conf_section *x = a, *y = b;
	int c = strcmp(x->type, y->type);
	return c != 0 ? c : strcmp(x->name, y->name);
}

/* The index borrows the sections; the config owns and frees them. */
static void index_node_keep(void *node)
{
	(void)node;
}

const char *fg_config_default_path(void)
{
	const char *env = getenv("FLAKEGUARD_CONFIG");
	if (env != NULL && *env != '\0')
		return env;
	return "/etc/flakeguard/flakeguard.conf";
}

static void lerr(struct loader *ld, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void lerr(struct loader *ld, int line, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fg_error("%s:%d: %s", ld->cfg->path, line, msg);
	ld->errors++;
}

/* inih reader: one line per call, counting lines. */
static char *reader(char *buf, int size, void *stream)
{
	struct loader *ld = stream;
	size_t n = 0, cap = (size_t)size - 1;
	int c;
	bool too_long = false;

	for (;;) {
		if (ld->fp != NULL) {
			c = getc(ld->fp);
		} else {
			c = ld->text[ld->pos] ? (unsigned char)ld->text[ld->pos++] : EOF;
		}
		if (c == EOF) {
			if (n == 0 && !too_long)
				return NULL;
			break;
		}
		if (c == '\0')
			c = ' ';
		if (n < cap)
			buf[n++] = (char)c;
		else if (c != '\n')
			too_long = true;
		if (c == '\n')
			break;
	}
	ld->line++;
	{
		const char *q = buf;
		while (q < buf + n && (*q == ' ' || *q == '\t'))
			q++;
		if (q < buf + n && *q == '[') {
			ld->section_seen = true;
			ld->header_line = ld->line;
		}
	}
	if (too_long || (n == cap && buf[n - 1] != '\n' && c != EOF)) {
		if (too_long) {
			lerr(ld, ld->line, "line longer than %d characters; put the value in ${VARIABLE} or a _file",
			     size - 2);
			strcpy(buf, ";\n");
			return buf;
		}
	}
	buf[n] = '\0';
	return buf;
}

static const struct fg_conf_section_type *section_type(const char *type)
{
	for (const struct fg_conf_section_type *t = fg_conf_section_types; t->type; t++)
		if (strcmp(t->type, type) == 0)
			return t;
	return NULL;
}

static const struct fg_conf_key *key_info(const char *section, const char *key)
{
	for (const struct fg_conf_key *k = fg_conf_keys; k->section; k++)
		if (strcmp(k->section, section) == 0 && strcmp(k->key, key) == 0)
			return k;
	return NULL;
}

/* Expand ${VAR}; returns malloc'd string or NULL after logging. */
static char *expand(struct loader *ld, const char *key, const char *value)
{
	size_t len = 0, cap = strlen(value) + 1;
	char *out = malloc(cap);
	const char *p = value;

	if (out == NULL)
		return NULL;
	while (*p) {
		const char *add = p;
		size_t addlen = 1;
		if (p[0] == '$' && p[1] == '{') {
			const char *close = strchr(p + 2, '}');
			if (close == NULL) {
				lerr(ld, ld->line, "unterminated ${ in value of '%s'", key);
				free(out);
				return NULL;
			}
			size_t nl = (size_t)(close - (p + 2));
			char name[256];
			if (nl == 0 || nl >= sizeof(name)) {
				lerr(ld, ld->line, "bad variable name in value of '%s'", key);
				free(out);
				return NULL;
			}
			memcpy(name, p + 2, nl);
			name[nl] = '\0';
			for (size_t i = 0; i < nl; i++) {
				char ch = name[i];
				if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
				      (ch >= '0' && ch <= '9') || ch == '_')) {
					lerr(ld, ld->line, "bad variable name '%s' in value of '%s'", name, key);
					free(out);
					return NULL;
				}
			}
			const char *env = getenv(name);
			if (env == NULL) {
				lerr(ld, ld->line, "environment variable '%s' used by '%s' is not set", name, key);
				free(out);
				return NULL;
			}
			add = env;
			addlen = strlen(env);
			p = close + 1;
		} else {
			p++;
		}
		if (len + addlen + 1 > MAX_VALUE) {
			lerr(ld, ld->line, "value of '%s' is longer than %d bytes", key, MAX_VALUE);
			free(out);
			return NULL;
		}
		if (len + addlen + 1 > cap) {
			while (cap < len + addlen + 1)
				cap *= 2;
			char *n = realloc(out, cap);
			if (n == NULL) {
				free(out);
				return NULL;
			}
			out = n;
		}
		memcpy(out + len, add, addlen);
		len += addlen;
	}
	out[len] = '\0';
	return out;
}

/* Read a secret file: whole content, trailing newlines removed. */
static char *read_secret_file(struct loader *ld, const char *key, const char *path)
{
	struct stat st;
	FILE *fp;
	char *buf;
	size_t n;

	if (stat(path, &st) < 0) {
		lerr(ld, ld->line, "cannot read secret file '%s' for '%s': %s", path, key, strerror(errno));
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		lerr(ld, ld->line, "secret file '%s' for '%s' is not a regular file", path, key);
		return NULL;
	}
	if (st.st_size > MAX_VALUE) {
		lerr(ld, ld->line, "secret file '%s' for '%s' is larger than %d bytes", path, key, MAX_VALUE);
		return NULL;
	}
	if ((fp = fopen(path, "r")) == NULL) {
		lerr(ld, ld->line, "cannot read secret file '%s' for '%s': %s", path, key, strerror(errno));
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
		lerr(ld, ld->line, "secret file '%s' for '%s' is empty or binary", path, key);
		explicit_bzero(buf, n);
		free(buf);
		return NULL;
	}
	return buf;
}

static bool has_password(const char *s)
{
	const char *keys[] = { "password=", "pwd=", "priv_key_file_pwd=", "://", NULL };
	for (int i = 0; keys[i]; i++) {
		const char *p = strcasestr(s, keys[i]);
		if (p == NULL)
			continue;
		if (i == 3) { /* URI with user:password@ */
			const char *at = strchr(p, '@');
			const char *colon = strchr(p + 3, ':');
			if (at && colon && colon < at)
				return true;
			continue;
		}
		return true;
	}
	return false;
}

/* Register password values inside conninfo/ODBC strings as secrets. */
static void add_embedded_secrets(const char *s)
{
	const char *keys[] = { "password=", "pwd=", "priv_key_file_pwd=", NULL };
	for (int i = 0; keys[i]; i++) {
		const char *p = s;
		while ((p = strcasestr(p, keys[i])) != NULL) {
			p += strlen(keys[i]);
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
	/* URI user:password@ */
	const char *sch = strstr(s, "://");
	if (sch) {
		const char *u = sch + 3, *at = strchr(u, '@'), *colon = strchr(u, ':');
		if (at && colon && colon < at) {
			char *v = strndup(colon + 1, (size_t)(at - colon - 1));
			fg_secret_add(v);
			free(v);
		}
	}
}

/* A password= value written in the file itself, not as ${VARIABLE}. */
static bool has_literal_password(const char *raw)
{
	const char *keys[] = { "password=", "pwd=", "priv_key_file_pwd=", NULL };
	for (int i = 0; keys[i]; i++) {
		const char *p = raw;
		while ((p = strcasestr(p, keys[i])) != NULL) {
			p += strlen(keys[i]);
			if (*p == '{' || *p == '\'')
				p++;
			if (strncmp(p, "${", 2) != 0 && *p != ';' && *p != '\0')
				return true;
		}
	}
	const char *sch = strstr(raw, "://");
	if (sch) {
		const char *u = sch + 3, *at = strchr(u, '@'), *colon = strchr(u, ':');
		if (at && colon && colon < at && strncmp(colon + 1, "${", 2) != 0)
			return true;
	}
	return false;
}

static bool is_pure_reference(const char *raw)
{
	size_t n = strlen(raw);
	return n > 3 && raw[0] == '$' && raw[1] == '{' && raw[n - 1] == '}' &&
	       strchr(raw + 2, '}') == raw + n - 1;
}

/* RFC 3629 UTF-8: no overlong forms, no surrogates, nothing past U+10FFFF. */
static bool utf8_valid(const char *str)
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

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct loader *ld = user;
	struct fg_config *cfg = ld->cfg;
	struct fg_conf_section *sec;
	char type[64], sname[192];
	const char *sp;

	if (*section == '\0') {
		lerr(ld, ld->line, "key '%s' outside any [section]", name);
		return 1;
	}
	/* find or create the section: "type name" */
	sp = section + strcspn(section, " \t");
	size_t tl = (size_t)(sp - section);
	while (*sp == ' ' || *sp == '\t')
		sp++;
	if (tl >= sizeof(type) || strlen(sp) >= sizeof(sname)) {
		lerr(ld, ld->line, "section name '[%.40s]' too long", section);
		return 1;
	}
	if (!utf8_valid(section)) {
		lerr(ld, ld->header_line, "section name is not valid UTF-8");
		return 1;
	}
	memcpy(type, section, tl);
	type[tl] = '\0';
	snprintf(sname, sizeof(sname), "%s", sp);
	/* trim trailing blanks of the name */
	for (size_t i = strlen(sname); i > 0 && (sname[i - 1] == ' ' || sname[i - 1] == '\t'); i--)
		sname[i - 1] = '\0';

	const struct fg_conf_section_type *st = section_type(type);
	if (st == NULL) {
		lerr(ld, ld->line, "unknown section '[%s]'", section);
		return 1;
	}
	if (st->named && *sname == '\0') {
		lerr(ld, ld->line, "section '[%s]' needs a name, as in [%s NAME]", type, type);
		return 1;
	}
	if (!st->named && *sname != '\0') {
		lerr(ld, ld->line, "section '[%s]' takes no name", type);
		return 1;
	}
	if (ld->section_seen) {
		ld->last = NULL;
		ld->section_seen = false;
	}
	sec = ld->last;
	if (sec == NULL || strcmp(sec->type, type) != 0 || strcmp(sec->name, sname) != 0) {
		struct fg_conf_section probe = { .type = type, .name = sname };
		void *found = tfind(&probe, &ld->index, section_cmp);
		if (found != NULL) {
			sec = *(struct fg_conf_section **)found;
			lerr(ld, ld->header_line, "section '[%s]' is defined twice (first at line %d)", section, sec->line);
			return 1;
		}
		sec = calloc(1, sizeof(*sec));
		if (sec == NULL)
			return 0;
		sec->type = strdup(type);
		sec->name = strdup(sname);
		/* inih reports a section with its first key: name its header */
		sec->line = ld->header_line > 0 ? ld->header_line : ld->line;
		if (ld->tail != NULL)
			ld->tail->next = sec;
		else
			cfg->sections = sec;
		ld->tail = sec;
		if (sec->type == NULL || sec->name == NULL || tsearch(sec, &ld->index, section_cmp) == NULL)
			return 0;
		ld->last = sec;
	}

	/* key, possibly a _file twin */
	char base[128];
	bool from_file = false;
	size_t nl = strlen(name);
	const struct fg_conf_key *ki = key_info(type, name);
	if (ki == NULL && nl > 5 && strcmp(name + nl - 5, "_file") == 0 && nl - 5 < sizeof(base)) {
		memcpy(base, name, nl - 5);
		base[nl - 5] = '\0';
		ki = key_info(type, base);
		if (ki != NULL && !(ki->flags & (FG_KEY_SECRET | FG_KEY_SECRET_IF_PASSWORD)))
			ki = NULL;
		from_file = ki != NULL;
	}
	if (ki == NULL) {
		lerr(ld, ld->line, "unknown key '%s' in section '[%s]'", name, section);
		return 1;
	}
	for (struct fg_conf_entry *e = sec->entries; e; e = e->next) {
		if (strcmp(e->key, ki->key) == 0 && !(ki->flags & FG_KEY_REPEAT)) {
			lerr(ld, ld->line, "key '%s' in section '[%s]' is set twice (first at line %d)",
			     name, section, e->line);
			return 1;
		}
	}

	char *val;
	bool secret = (ki->flags & FG_KEY_SECRET) != 0;
	if (from_file) {
		char *path = expand(ld, name, value);
		if (path == NULL)
			return 1;
		val = read_secret_file(ld, name, path);
		free(path);
		if (val == NULL)
			return 1;
		secret = true;
	} else {
		val = expand(ld, name, value);
		if (val == NULL)
			return 1;
		if (ki->flags & FG_KEY_SECRET_IF_PASSWORD) {
			secret = has_password(val);
			if (has_literal_password(value) && !ld->holds_secret) {
				ld->holds_secret = true;
				ld->secret_line = ld->line;
			}
		} else if (secret && !is_pure_reference(value) && !ld->holds_secret) {
			ld->holds_secret = true;
			ld->secret_line = ld->line;
		}
	}
	if (!utf8_valid(val)) {
		/* everything read here ends up in JSON, headers or SQL text */
		lerr(ld, ld->line, "value of '%s' is not valid UTF-8", name);
		free(val);
		return 1;
	}
	if (secret) {
		if (ki->flags & FG_KEY_SECRET_IF_PASSWORD)
			add_embedded_secrets(val);
		else
			fg_secret_add(val);
		/* a header "Name: value": the value is the secret */
		if (ki->flags & FG_KEY_REPEAT) {
			const char *colon = strchr(val, ':');
			if (colon) {
				colon++;
				while (*colon == ' ')
					colon++;
				fg_secret_add(colon);
			}
		}
	}

	struct fg_conf_entry *e = calloc(1, sizeof(*e));
	if (e == NULL) {
		free(val);
		return 0;
	}
	e->key = strdup(ki->key);
	e->value = val;
	e->line = ld->line;
	e->secret = secret;
	struct fg_conf_entry **tail = &sec->entries;
	while (*tail)
		tail = &(*tail)->next;
	*tail = e;
	return 1;
}

static int load(struct loader *ld, struct fg_config **out)
{
	int rc = ini_parse_stream(reader, ld, handler, ld);
	tdestroy(ld->index, index_node_keep);
	ld->index = NULL;
	if (rc > 0 && ld->errors == 0)
		lerr(ld, rc, "syntax error: expected 'key = value' or '[section]'");
	else if (rc > 0) {
		/* a line inih could not parse and we did not report */
	}
	if (rc < 0)
		lerr(ld, 0, "cannot parse (out of memory)");
	if (ld->errors > 0) {
		fg_config_free(ld->cfg);
		*out = NULL;
		return FG_ERR_CONFIG;
	}
	*out = ld->cfg;
	return 0;
}

int fg_config_load(const char *path, struct fg_config **out)
{
	struct loader ld = { 0 };
	struct stat st;
	int rc;

	*out = NULL;
	ld.cfg = calloc(1, sizeof(*ld.cfg));
	if (ld.cfg == NULL || (ld.cfg->path = strdup(path)) == NULL) {
		free(ld.cfg);
		return FG_ERR_INTERNAL;
	}
	ld.fp = fopen(path, "r");
	if (ld.fp == NULL) {
		fg_error("cannot open config file '%s': %s", path, strerror(errno));
		fg_config_free(ld.cfg);
		return FG_ERR_CONFIG;
	}
	if (fstat(fileno(ld.fp), &st) == 0 && S_ISDIR(st.st_mode)) {
		fg_error("cannot read config file '%s': is a directory", path);
		fclose(ld.fp);
		fg_config_free(ld.cfg);
		return FG_ERR_CONFIG;
	}
	rc = load(&ld, out);
	fclose(ld.fp);
	if (rc == 0 && ld.holds_secret && (st.st_mode & 077)) {
		fg_error("%s:%d: config file holds a secret but is readable by %s (mode %03o); "
			 "run 'chmod 600 %s' or move the secret to a _file or ${VARIABLE}",
			 path, ld.secret_line, (st.st_mode & 007) ? "others" : "its group",
			 (unsigned)(st.st_mode & 0777), path);
		fg_config_free(*out);
		*out = NULL;
		return FG_ERR_CONFIG;
	}
	return rc;
}

int fg_config_load_string(const char *text, const char *path, struct fg_config **out)
{
	struct loader ld = { 0 };

	*out = NULL;
	ld.cfg = calloc(1, sizeof(*ld.cfg));
	if (ld.cfg == NULL || (ld.cfg->path = strdup(path)) == NULL) {
		free(ld.cfg);
		return FG_ERR_INTERNAL;
	}
	ld.text = text;
	return load(&ld, out);
}

void fg_config_free(struct fg_config *cfg)
{
	if (cfg == NULL)
		return;
	struct fg_conf_section *s = cfg->sections;
	while (s) {
		struct fg_conf_section *sn = s->next;
		struct fg_conf_entry *e = s->entries;
		while (e) {
			struct fg_conf_entry *en = e->next;
			if (e->secret && e->value)
				explicit_bzero(e->value, strlen(e->value));
			free(e->key);
			free(e->value);
			free(e);
			e = en;
		}
		free(s->type);
		free(s->name);
		free(s);
		s = sn;
	}
	free(cfg->path);
	free(cfg);
}

const struct fg_conf_section *fg_config_section(const struct fg_config *cfg, const char *type,
						const char *name)
{
	for (const struct fg_conf_section *s = cfg ? cfg->sections : NULL; s; s = s->next)
		if (strcmp(s->type, type) == 0 && (name == NULL || strcmp(s->name, name) == 0))
			return s;
	return NULL;
}

const struct fg_conf_section *fg_config_next(const struct fg_config *cfg,
					     const struct fg_conf_section *prev, const char *type)
{
	const struct fg_conf_section *s = prev ? prev->next : (cfg ? cfg->sections : NULL);
	for (; s; s = s->next)
		if (strcmp(s->type, type) == 0)
			return s;
	return NULL;
}

const struct fg_conf_entry *fg_conf_entry(const struct fg_conf_section *sec, const char *key)
{
	for (const struct fg_conf_entry *e = sec ? sec->entries : NULL; e; e = e->next)
		if (strcmp(e->key, key) == 0)
			return e;
	return NULL;
}

const char *fg_conf_get(const struct fg_conf_section *sec, const char *key)
{
	const struct fg_conf_entry *e = fg_conf_entry(sec, key);
	return e ? e->value : NULL;
}

void fg_conf_error(const struct fg_config *cfg, const struct fg_conf_section *sec, const char *key,
		   const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	const struct fg_conf_entry *e = key ? fg_conf_entry(sec, key) : NULL;
	int line = e ? e->line : (sec ? sec->line : 0);
	char where[256] = "";

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (sec != NULL)
		snprintf(where, sizeof(where), " in section '[%s%s%s]'", sec->type, *sec->name ? " " : "",
			 sec->name);
	if (key != NULL)
		fg_error("%s:%d: %s: %s%s", cfg ? cfg->path : "config", line, key, msg, where);
	else
		fg_error("%s:%d: %s%s", cfg ? cfg->path : "config", line, msg, where);
}

int fg_conf_str(const struct fg_config *cfg, const struct fg_conf_section *sec, const char *key,
		const char *def, const char **out)
{
	(void)cfg;
	const char *v = fg_conf_get(sec, key);
	*out = v ? v : def;
	return 0;
}

int fg_conf_int(const struct fg_config *cfg, const struct fg_conf_section *sec, const char *key,
		int64_t def, int64_t min, int64_t max, int64_t *out)
{
	const char *v = fg_conf_get(sec, key);
	char *end;
	long long n;

	if (v == NULL) {
		*out = def;
		return 0;
	}
	errno = 0;
	n = strtoll(v, &end, 10);
	if (end == v || *end != '\0' || errno == ERANGE) {
		fg_conf_error(cfg, sec, key, "'%s' is not a whole number", v);
		return FG_ERR_CONFIG;
	}
	if (n < min || n > max) {
		fg_conf_error(cfg, sec, key, "%lld is out of range %lld..%lld", n, (long long)min,
			      (long long)max);
		return FG_ERR_CONFIG;
	}
	*out = n;
	return 0;
}

int fg_conf_seconds(const struct fg_config *cfg, const struct fg_conf_section *sec, const char *key,
		    int64_t def, int64_t min, int64_t max, int64_t *out)
{
	const char *v = fg_conf_get(sec, key);
	int64_t s;

	if (v == NULL) {
		*out = def;
		return 0;
	}
	if (fg_parse_interval(v, &s) < 0) {
		fg_conf_error(cfg, sec, key, "'%s' is not a duration (such as 90, 30s, 15m, 1h)", v);
		return FG_ERR_CONFIG;
	}
	if (s < min || s > max) {
		fg_conf_error(cfg, sec, key, "%lld seconds is out of range %lld..%lld", (long long)s,
			      (long long)min, (long long)max);
		return FG_ERR_CONFIG;
	}
	*out = s;
	return 0;
}

int fg_conf_bool(const struct fg_config *cfg, const struct fg_conf_section *sec, const char *key,
		 bool def, bool *out)
{
	const char *v = fg_conf_get(sec, key);
	if (v == NULL) {
		*out = def;
		return 0;
	}
	if (!strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcasecmp(v, "on") || !strcmp(v, "1"))
		*out = true;
	else if (!strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcasecmp(v, "off") || !strcmp(v, "0"))
		*out = false;
	else {
		fg_conf_error(cfg, sec, key, "'%s' is not a boolean (true or false)", v);
		return FG_ERR_CONFIG;
	}
	return 0;
}

int fg_conf_decimal(const struct fg_config *cfg, const struct fg_conf_section *sec, const char *key,
		    const char *def, bool positive, const char **out)
{
	const char *v = fg_conf_get(sec, key);
	struct fg_dec d;
	const char *why = NULL;

	if (v == NULL) {
		*out = def;
		return 0;
	}
	if (fg_dec_parse(v, &d, &why) < 0) {
		fg_conf_error(cfg, sec, key, "'%s' is not a decimal number (%s)", v, why);
		return FG_ERR_CONFIG;
	}
	if (positive ? d.v <= 0 : d.v < 0) {
		fg_conf_error(cfg, sec, key, "'%s' must be %s", v, positive ? "greater than 0" : "0 or more");
		return FG_ERR_CONFIG;
	}
	*out = v;
	return 0;
}

int fg_conf_list(const struct fg_config *cfg, const struct fg_conf_section *sec, const char *key,
		 char ***items, int *n)
{
	(void)cfg;
	const char *v = fg_conf_get(sec, key);

	*items = NULL;
	*n = 0;
	if (v == NULL)
		return 0;
	return fg_strlist_split(v, 0, items, n) < 0 ? FG_ERR_INTERNAL : 0;
}

void fg_conf_list_free(char **items)
{
	fg_strlist_free(items);
}

int fg_parse_interval(const char *s, int64_t *seconds)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(s, &end, 10);
	if (end == s || errno == ERANGE || n < 0)
		return -1;
	long long mult = 1;
	if (*end == 's')
		end++;
	else if (*end == 'm')
		mult = 60, end++;
	else if (*end == 'h')
		mult = 3600, end++;
	else if (*end == 'd')
		mult = 86400, end++;
	if (*end != '\0' || n > INT64_MAX / mult)
		return -1;
	*seconds = n * mult;
	return 0;
}
