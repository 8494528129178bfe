/*
 * config.h - the flakeguard INI file (flakeguard.conf(5)), read with inih.
 *
 * Loading does all the checks that need no knowledge of a particular tool:
 * known sections and keys (the table in config_keys.c), ${VAR} expansion,
 * _file twins of secret keys, duplicate keys and sections, and the
 * permission check for files that hold a secret.  Every error is logged as
 * "FILE:LINE: message" and loading fails with FG_ERR_CONFIG after reporting
 * all of them.  A secret that cannot be read (its _file, its ${VAR}) is the
 * exception: it is kept with its section (fg_conf_section_check) and only
 * a tool that uses that section fails on it.
 *
 * Typed getters check values and report FILE:LINE on error; they return 0
 * and fill *out (the default when the key is absent), or FG_ERR_CONFIG.
 * Strings returned are borrowed from the config and live until
 * fg_config_free().
 *
 * Three files: config.c loads (the inih handler), config_value.c expands
 * and checks one value, config_get.c looks up and reads typed values.
 */
#ifndef FG_CONFIG_H
#define FG_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

struct fg_conf_entry {
	char *key;   /* as written, "_file" twins stored under the base key */
	char *value; /* expanded value (secret read from file for _file) */
	int line;
	bool secret;
	struct fg_conf_entry *next;
};

/*
 * A secret of the section that could not be read (an unreadable _file, an
 * undefined ${VAR}): kept, not reported at load, so that only a tool that
 * uses the section refuses to run (fg_conf_section_check).
 */
struct fg_conf_problem {
	int line;
	char *msg;
	bool reported; /* logged already: once per run */
	struct fg_conf_problem *next;
};

struct fg_conf_section {
	char *type; /* "connector", "budget", "database", ... */
	char *name; /* "prod" for [connector prod]; "" for unnamed sections */
	int line;
	struct fg_conf_entry *entries;
	struct fg_conf_problem *problems; /* secrets that could not be read */
	struct fg_conf_section *next;
};

struct fg_config {
	char *path;
	struct fg_conf_section *sections;
};

/* Default path: $FLAKEGUARD_CONFIG, then /etc/flakeguard/flakeguard.conf. */
const char *fg_config_default_path(void);

/* Load and check a file.  *out is NULL on error. */
int fg_config_load(const char *path, struct fg_config **out);
/* Same, from a string (tests, fuzzing); path is used in messages only. */
int fg_config_load_string(const char *text, const char *path, struct fg_config **out);
void fg_config_free(struct fg_config *cfg);
/*
 * The SHA-256 of the bytes of the file at path, as 64 hex digits, into
 * out (config_hash.c).  Returns 0, or -1 with out empty when it cannot be
 * read; logs nothing (the file was just loaded).
 */
int fg_config_fingerprint(const char *path, char out[65]);

/*
 * The secrets of sec that could not be read: logs each as FILE:LINE the
 * first time it is asked for.  Returns 0 when there is none (or sec is
 * NULL), FG_ERR_CONFIG otherwise.  A part calls it for the sections whose
 * secrets it uses, so a tool refuses only what it needs.
 */
int fg_conf_section_check(const struct fg_config *cfg, const struct fg_conf_section *sec);
/* The same for every section of the types listed (NULL-terminated); NULL: every section. */
int fg_config_check_sections(const struct fg_config *cfg, const char *const *types);

/* First section of a type (and name, unless NULL), or NULL. */
const struct fg_conf_section *fg_config_section(const struct fg_config *cfg, const char *type,
						const char *name);
/* Iterate sections of a type: pass NULL first, then the previous result. */
const struct fg_conf_section *fg_config_next(const struct fg_config *cfg, const struct fg_conf_section *prev,
					     const char *type);

/* The entry for key in sec (sec may be NULL), or NULL. */
const struct fg_conf_entry *fg_conf_entry(const struct fg_conf_section *sec, const char *key);
/* The value, or NULL when absent.  sec may be NULL. */
const char *fg_conf_get(const struct fg_conf_section *sec, const char *key);

/* Log "FILE:LINE: <message>" at error level for an entry (or a section). */
void fg_conf_error(const struct fg_config *cfg, const struct fg_conf_section *sec, const char *key,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

int fg_conf_str(const struct fg_config *cfg, const struct fg_conf_section *sec, const char *key,
		const char *def, const char **out);
int fg_conf_int(const struct fg_config *cfg, const struct fg_conf_section *sec, const char *key, int64_t def,
		int64_t min, int64_t max, int64_t *out);
int fg_conf_bool(const struct fg_config *cfg, const struct fg_conf_section *sec, const char *key, bool def,
		 bool *out);
/* A duration (see fg_parse_interval) as whole seconds in [min, max]. */
int fg_conf_seconds(const struct fg_config *cfg, const struct fg_conf_section *sec, const char *key,
		    int64_t def, int64_t min, int64_t max, int64_t *out);
/* An exact decimal (see decimal.h), returned as its canonical text. */
int fg_conf_decimal(const struct fg_config *cfg, const struct fg_conf_section *sec, const char *key,
		    const char *def, bool positive, const char **out);
/*
 * A comma-separated list split into trimmed, non-empty items (see
 * strlist.h).  *items is a new NULL-terminated list of *n items, free it
 * with fg_conf_list_free(); NULL when the key is absent.  Returns 0, or
 * FG_ERR_INTERNAL when out of memory.
 */
int fg_conf_list(const struct fg_config *cfg, const struct fg_conf_section *sec, const char *key,
		 char ***items, int *n);
/* Same as fg_strlist_free(). */
void fg_conf_list_free(char **items);

/* Parse an interval such as "90", "30s", "5m", "1h", "2d" into seconds. */
int fg_parse_interval(const char *s, int64_t *seconds);

/*
 * Key table (config_keys.c).  flags: FG_KEY_SECRET (has a _file twin, is
 * masked, triggers the permission check), FG_KEY_SECRET_IF_PASSWORD (a
 * string that may carry a password: secret when it does; with one of
 * FG_KEY_CONNINFO, FG_KEY_ODBC or FG_KEY_URL saying how it is read),
 * FG_KEY_REPEAT (may appear several times).
 */
enum {
	FG_KEY_SECRET = 1 << 0,
	FG_KEY_SECRET_IF_PASSWORD = 1 << 1,
	FG_KEY_REPEAT = 1 << 2,
	FG_KEY_CONNINFO = 1 << 3, /* libpq conninfo or URI, read by PQconninfoParse */
	FG_KEY_ODBC = 1 << 4,     /* ODBC connection string, KEY=value;... */
	FG_KEY_URL = 1 << 5,      /* URL, read by libcurl's URL API */
};

struct fg_conf_key {
	const char *section;
	const char *key;
	int flags;
};

struct fg_conf_section_type {
	const char *type;
	bool named;
};

extern const struct fg_conf_section_type fg_conf_section_types[];
extern const struct fg_conf_key fg_conf_keys[];

#endif
