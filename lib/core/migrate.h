/*
 * migrate.h - versioned schema migrations compiled in from sql/.
 *
 * fg_migrate() applies every migration the database lacks, in version
 * order, in one transaction under a transaction-scoped advisory lock, so
 * several hosts starting at once apply each exactly once.  A database whose
 * schema is newer than this binary knows is refused.
 */
#ifndef FG_MIGRATE_H
#define FG_MIGRATE_H

#include <libpq-fe.h>
#include <stdbool.h>

struct fg_migration {
	int version;
	const char *name;
	const char *sql;
};

/* Terminated by {0, NULL, NULL}; generated from sql/ at build time. */
extern const struct fg_migration fg_migrations[];

/* Highest version this binary knows. */
int fg_migrate_known_version(void);

/*
 * apply = true: bring the schema up to date.  apply = false (dry runs):
 * check only; a missing or older schema is FG_ERR_CONFIG with a message.
 * Returns 0, FG_ERR_CONFIG (schema newer than the binary, or not migrated
 * in check mode), FG_ERR_TEMP or FG_ERR.
 */
int fg_migrate(PGconn *c, bool apply);

#endif
