/*
 * config.c - load the INI file: read lines, hand them to inih, and turn
 * each key it reports into an entry of the right section.
 *
 * inih calls our handler once per key; it does not pass line numbers (the
 * Debian build has INI_HANDLER_LINENO 0), so we feed it through our own
 * line reader and remember which line it last handed out.  The same reader
 * refuses lines longer than inih's INI_MAX_LINE instead of letting inih
 * split them silently, and notes [section] headers, since inih reports a
 * section only with its first key.
 *
 * A key goes through a chain of steps (split_header, check_header,
 * open_section, find_key, read_value, check_value, register_secret,
 * add_entry); each passes, or logs "FILE:LINE: message" and drops the
 * key, or runs out of memory, which stops inih.  Errors are counted and loading fails after
 * the whole file has been read, so a user sees every mistake at once.
 * What happens to the value itself (${VAR}, _file, passwords, UTF-8) is
 * config_value.c; typed reading of a loaded config is config_get.c.
 */
#include "config.h"
#include "config_value.h"
#include "exitcode.h"
#include "log.h"
#include "redact.h"

#include <errno.h>
#include <ini.h>
#include <search.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct loader {
	struct fg_config *cfg;
	const char *text; /* string source, or NULL */
	size_t pos;
	FILE *fp; /* file source, or NULL */
	int line; /* line last handed to inih */
	int errors;
	bool holds_secret; /* a literal secret is written in the file */
	int secret_line;
	bool section_seen;  /* a [section] line since the last key */
	int header_line;    /* line of the last [section] header */
	int refused_header; /* header_line of a section already refused: its keys are skipped */
	struct fg_conf_section *last;
	struct fg_conf_section *tail; /* last of cfg->sections */
	void *index;                  /* tsearch tree of sections by (type, name) */
};

/* Sizes of the parts of a section header, "[type name]". */
enum {
	TYPE_SIZE = 64,
	NAME_SIZE = 192
};

/* Outcome of one step of handling a key. */
enum step {
	STEP_OK,
	STEP_SKIP,  /* logged (or out of memory reading the value): drop the key */
	STEP_NOMEM, /* stop parsing */
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

static void lerr(struct loader *ld, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
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

/* The next character of the source, or EOF. */
static int next_char(struct loader *ld)
{
	if (ld->fp != NULL)
		return getc(ld->fp);
	return ld->text[ld->pos] ? (unsigned char)ld->text[ld->pos++] : EOF;
}

/* Remember a line that opens a [section]. */
static void note_header(struct loader *ld, const char *buf, size_t n)
{
	const char *q = buf;
	while (q < buf + n && (*q == ' ' || *q == '\t'))
		q++;
	if (q < buf + n && *q == '[') {
		ld->section_seen = true;
		ld->header_line = ld->line;
	}
}

/* inih reader: one line per call, counting lines. */
static char *reader(char *buf, int size, void *stream)
{
	struct loader *ld = stream;
	size_t n = 0, cap = (size_t)size - 1;
	int c;
	bool too_long = false;

	for (;;) {
		c = next_char(ld);
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
	note_header(ld, buf, n);
	if (too_long) {
		lerr(ld, ld->line, "line longer than %d characters; put the value in ${VARIABLE} or a _file",
		     size - 2);
		memcpy(buf, ";\n", 3); /* a comment: inih skips it */
		return buf;
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

/* "type  name " into type[TYPE_SIZE] and name[NAME_SIZE], blanks trimmed. */
static enum step split_header(struct loader *ld, const char *section, char *type, char *name)
{
	const char *sp = section + strcspn(section, " \t");
	size_t tl = (size_t)(sp - section);

	while (*sp == ' ' || *sp == '\t')
		sp++;
	if (tl >= TYPE_SIZE || strlen(sp) >= NAME_SIZE) {
		lerr(ld, ld->header_line, "section name '[%.40s]' too long", section);
		return STEP_SKIP;
	}
	if (!fg_conf_utf8_valid(section)) {
		lerr(ld, ld->header_line, "section name is not valid UTF-8");
		return STEP_SKIP;
	}
	memcpy(type, section, tl);
	type[tl] = '\0';
	snprintf(name, NAME_SIZE, "%s", sp);
	for (size_t i = strlen(name); i > 0 && (name[i - 1] == ' ' || name[i - 1] == '\t'); i--)
		name[i - 1] = '\0';
	return STEP_OK;
}

/* A known section type, named when it must be and only then. */
static enum step check_header(struct loader *ld, const char *section, const char *type, const char *name)
{
	const struct fg_conf_section_type *st = section_type(type);

	if (st == NULL) {
		lerr(ld, ld->header_line, "unknown section '[%s]'", section);
		return STEP_SKIP;
	}
	if (st->named && *name == '\0') {
		lerr(ld, ld->header_line, "section '[%s]' needs a name, as in [%s NAME]", type, type);
		return STEP_SKIP;
	}
	if (!st->named && *name != '\0') {
		lerr(ld, ld->header_line, "section '[%s]' takes no name", type);
		return STEP_SKIP;
	}
	return STEP_OK;
}

/* Append a new section to the config and the index. */
static enum step new_section(struct loader *ld, const char *type, const char *name,
			     struct fg_conf_section **out)
{
	struct fg_conf_section *sec = calloc(1, sizeof(*sec));

	if (sec == NULL)
		return STEP_NOMEM;
	sec->type = strdup(type);
	sec->name = strdup(name);
	/* inih reports a section with its first key: name its header */
	sec->line = ld->header_line > 0 ? ld->header_line : ld->line;
	if (ld->tail != NULL)
		ld->tail->next = sec;
	else
		ld->cfg->sections = sec;
	ld->tail = sec;
	if (sec->type == NULL || sec->name == NULL || tsearch(sec, &ld->index, section_cmp) == NULL)
		return STEP_NOMEM;
	*out = sec;
	return STEP_OK;
}

/*
 * The section a key belongs to: the one the last key went to, unless a
 * header came in between; a header seen before is a section defined twice.
 */
static enum step open_section(struct loader *ld, const char *section, char *type, char *name,
			      struct fg_conf_section **out)
{
	struct fg_conf_section *sec;

	if (ld->section_seen) {
		ld->last = NULL;
		ld->section_seen = false;
	}
	sec = ld->last;
	if (sec != NULL && strcmp(sec->type, type) == 0 && strcmp(sec->name, name) == 0) {
		*out = sec;
		return STEP_OK;
	}
	struct fg_conf_section probe = { .type = type, .name = name };
	void *found = tfind(&probe, &ld->index, section_cmp);
	if (found != NULL) {
		sec = *(struct fg_conf_section **)found;
		lerr(ld, ld->header_line, "section '[%s]' is defined twice (first at line %d)", section,
		     sec->line);
		return STEP_SKIP;
	}
	enum step st = new_section(ld, type, name, out);
	if (st == STEP_OK)
		ld->last = *out;
	return st;
}

/* The table entry of a key as written, or of its base key for a _file twin. */
static const struct fg_conf_key *key_for(const char *type, const char *name, bool *from_file)
{
	const struct fg_conf_key *ki = key_info(type, name);
	size_t nl = strlen(name);
	char base[128];

	*from_file = false;
	if (ki != NULL || nl <= 5 || strcmp(name + nl - 5, "_file") != 0 || nl - 5 >= sizeof(base))
		return ki;
	memcpy(base, name, nl - 5);
	base[nl - 5] = '\0';
	ki = key_info(type, base);
	if (ki != NULL && !(ki->flags & (FG_KEY_SECRET | FG_KEY_SECRET_IF_PASSWORD)))
		ki = NULL;
	*from_file = ki != NULL;
	return ki;
}

/* A known key of the section, not set before unless it may repeat. */
static enum step find_key(struct loader *ld, const struct fg_conf_section *sec, const char *section,
			  const char *name, const struct fg_conf_key **out, bool *from_file)
{
	const struct fg_conf_key *ki = key_for(sec->type, name, from_file);

	if (ki == NULL) {
		lerr(ld, ld->line, "unknown key '%s' in section '[%s]'", name, section);
		return STEP_SKIP;
	}
	for (const struct fg_conf_entry *e = sec->entries; e; e = e->next) {
		if (strcmp(e->key, ki->key) == 0 && !(ki->flags & FG_KEY_REPEAT)) {
			lerr(ld, ld->line, "key '%s' in section '[%s]' is set twice (first at line %d)", name,
			     section, e->line);
			return STEP_SKIP;
		}
	}
	*out = ki;
	return STEP_OK;
}

/* Remember the first line that writes a secret into the file itself. */
static void note_literal_secret(struct loader *ld, const struct fg_conf_key *ki, const char *raw,
				const char *val)
{
	bool literal;

	if (ki->flags & FG_KEY_SECRET_IF_PASSWORD)
		literal = fg_conf_has_literal_password(ki->flags, raw, val);
	else
		literal = (ki->flags & FG_KEY_SECRET) && !fg_conf_is_pure_reference(raw);
	if (literal && !ld->holds_secret) {
		ld->holds_secret = true;
		ld->secret_line = ld->line;
	}
}

/* Keep a secret that could not be read with its section, for later. */
static enum step defer_problem(struct loader *ld, struct fg_conf_section *sec, const char *msg)
{
	struct fg_conf_problem *p = calloc(1, sizeof(*p)), **tail = &sec->problems;

	if (p == NULL || (p->msg = strdup(msg)) == NULL) {
		free(p);
		return STEP_NOMEM;
	}
	p->line = ld->line;
	while (*tail)
		tail = &(*tail)->next;
	*tail = p;
	return STEP_SKIP;
}

/* The value as stored: expanded, or read from the file a _file twin names. */
static enum step read_value(struct loader *ld, struct fg_conf_section *sec, const struct fg_conf_key *ki,
			    const char *name, const char *raw, bool from_file, char **out, bool *secret)
{
	char err[1024];
	char *val;

	if (from_file) {
		char *path = fg_conf_expand(name, raw, err, sizeof(err));
		val = path ? fg_conf_read_secret(name, path, err, sizeof(err)) : NULL;
		free(path);
		*secret = true;
	} else {
		val = fg_conf_expand(name, raw, err, sizeof(err));
		if (ki->flags & FG_KEY_SECRET_IF_PASSWORD)
			*secret = val != NULL && fg_conf_has_password(ki->flags, val);
		else
			*secret = (ki->flags & FG_KEY_SECRET) != 0;
		if (val != NULL)
			note_literal_secret(ld, ki, raw, val);
	}
	if (val == NULL) {
		/* a secret missing from this environment (not a mistake in the
		 * file): only the tools that use the section need it */
		if ((ki->flags & (FG_KEY_SECRET | FG_KEY_SECRET_IF_PASSWORD)) &&
		    (strstr(err, "secret file") != NULL || strncmp(err, "environment variable", 20) == 0))
			return defer_problem(ld, sec, err);
		if (*err != '\0')
			lerr(ld, ld->line, "%s", err);
		return STEP_SKIP;
	}
	*out = val;
	return STEP_OK;
}

/* Everything read here ends up in JSON, headers or SQL text: UTF-8 only. */
static enum step check_value(struct loader *ld, const char *name, const char *val)
{
	if (!fg_conf_utf8_valid(val)) {
		lerr(ld, ld->line, "value of '%s' is not valid UTF-8", name);
		return STEP_SKIP;
	}
	return STEP_OK;
}

/* Make sure a secret value, or the secret inside it, is never printed. */
static void register_secret(const struct fg_conf_key *ki, const char *val)
{
	if (ki->flags & FG_KEY_SECRET_IF_PASSWORD)
		fg_conf_add_embedded_secrets(ki->flags, val);
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

/* Append an entry for val (which it takes over) to the section. */
static enum step add_entry(struct loader *ld, struct fg_conf_section *sec, const struct fg_conf_key *ki,
			   char *val, bool secret)
{
	struct fg_conf_entry *e = calloc(1, sizeof(*e));
	struct fg_conf_entry **tail = &sec->entries;

	if (e == NULL || (e->key = strdup(ki->key)) == NULL) {
		free(e);
		return STEP_NOMEM;
	}
	e->value = val;
	e->line = ld->line;
	e->secret = secret;
	while (*tail)
		tail = &(*tail)->next;
	*tail = e;
	return STEP_OK;
}

/* inih handler: returns 0 only to stop parsing (out of memory). */
static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct loader *ld = user;
	struct fg_conf_section *sec = NULL;
	const struct fg_conf_key *ki = NULL;
	char type[TYPE_SIZE], sname[NAME_SIZE];
	char *val = NULL;
	bool from_file = false, secret = false;
	enum step st;

	if (*section == '\0') {
		lerr(ld, ld->line, "key '%s' outside any [section]", name);
		return 1;
	}
	/* a refused header is one error, however many keys follow it */
	if (ld->header_line > 0 && ld->header_line == ld->refused_header)
		return 1;
	st = split_header(ld, section, type, sname);
	if (st == STEP_OK)
		st = check_header(ld, section, type, sname);
	if (st == STEP_SKIP)
		ld->refused_header = ld->header_line;
	if (st == STEP_OK)
		st = open_section(ld, section, type, sname, &sec);
	if (st == STEP_OK)
		st = find_key(ld, sec, section, name, &ki, &from_file);
	if (st == STEP_OK)
		st = read_value(ld, sec, ki, name, value, from_file, &val, &secret);
	if (st == STEP_OK)
		st = check_value(ld, name, val);
	if (st == STEP_OK && secret)
		register_secret(ki, val);
	if (st == STEP_OK)
		st = add_entry(ld, sec, ki, val, secret);
	if (st != STEP_OK && secret)
		fg_secret_free(val);
	else if (st != STEP_OK)
		free(val);
	return st != STEP_NOMEM;
}

static int load(struct loader *ld, struct fg_config **out)
{
	int rc = ini_parse_stream(reader, ld, handler, ld);

	tdestroy(ld->index, index_node_keep);
	ld->index = NULL;
	/* a line inih could not parse and we did not report already */
	if (rc > 0 && ld->errors == 0)
		lerr(ld, rc, "syntax error: expected 'key = value' or '[section]'");
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

/* A loader with an empty config named path; FG_ERR_INTERNAL without memory. */
static int loader_init(struct loader *ld, const char *path)
{
	memset(ld, 0, sizeof(*ld));
	ld->cfg = calloc(1, sizeof(*ld->cfg));
	if (ld->cfg == NULL || (ld->cfg->path = strdup(path)) == NULL) {
		free(ld->cfg);
		return FG_ERR_INTERNAL;
	}
	return 0;
}

int fg_config_load(const char *path, struct fg_config **out)
{
	struct loader ld;
	struct stat st = { 0 };
	int rc;

	*out = NULL;
	if ((rc = loader_init(&ld, path)) < 0)
		return rc;
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
	struct loader ld;
	int rc;

	*out = NULL;
	if ((rc = loader_init(&ld, path)) < 0)
		return rc;
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
			free(e->key);
			if (e->secret)
				fg_secret_free(e->value);
			else
				free(e->value);
			free(e);
			e = en;
		}
		struct fg_conf_problem *p = s->problems;
		while (p) {
			struct fg_conf_problem *pn = p->next;
			free(p->msg);
			free(p);
			p = pn;
		}
		free(s->type);
		free(s->name);
		free(s);
		s = sn;
	}
	free(cfg->path);
	free(cfg);
}
