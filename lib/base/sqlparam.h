/*
 * sqlparam.h - named parameters in SQL text: :name to $n or ?.
 *
 * Statements are written with named parameters (:connector, :since) and
 * translated for the client that sends them:
 *   FG_SQL_PQ     $1..$n: one number per distinct name, in order of first
 *                 appearance (libpq: a name used twice is one parameter);
 *   FG_SQL_ODBC   ? at every occurrence (ODBC: a name used twice is bound
 *                 twice);
 *   FG_SQL_NAMED  :name kept: the canonical text, to compose statements.
 * Every form drops comments and turns each run of white space outside
 * literals into one space, so the text sent is one line, as it would be
 * had it been written as a C string.
 *
 * The lexical rules are PostgreSQL's, which the statements run in
 * Snowflake also follow: '...' literals (a quote doubled inside; a
 * backslash is an ordinary character -- Snowflake's \' is not understood,
 * write ''), E'...' literals (backslash escapes), "..." identifiers,
 * $tag$...$tag$ strings, -- and (nesting) slash-star comments: nothing
 * inside them is a parameter, and literals and identifiers are copied
 * byte for byte.  '::' is a cast.  A parameter is ':' followed by a letter
 * or '_', then letters, digits and '_' (write an array slice with spaces,
 * a[lo : hi]).
 *
 * Refused, with the line in the message: an unterminated literal,
 * identifier or comment; a positional $1 (name it); a ';' (one statement,
 * no terminator); a '?' (the ODBC driver would take it for a parameter;
 * in PostgreSQL use jsonb_exists() and friends instead of the ? operators).
 *
 * Pure: libc only, so the build can run it (cmake/sqlembed.c) to embed
 * statements already translated.
 */
#ifndef FG_SQLPARAM_H
#define FG_SQLPARAM_H

#include <stddef.h>

enum fg_sql_style {
	FG_SQL_NAMED,
	FG_SQL_PQ,
	FG_SQL_ODBC
};

struct fg_sqlparam {
	char *text;   /* the translated statement */
	char **names; /* PQ, NAMED: the distinct names, names[k] being $k+1;
			 * ODBC: the name of each ?, in order */
	int n;
};

/*
 * Translate sql into style.  Returns 0 and fills *out (release with
 * fg_sqlparam_release), or FG_ERR_INTERNAL with a one-line reason in err
 * ("line 3: unterminated string literal"); *out is then empty.
 */
int fg_sqlparam_translate(const char *sql, enum fg_sql_style style, struct fg_sqlparam *out, char *err,
			  size_t errsize);
/* Free what a translation holds; accepts an empty one. */
void fg_sqlparam_release(struct fg_sqlparam *p);

#endif
