/* Named parameters: :name to $n or ?, never inside literals or comments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "exitcode.h"
#include "sqlparam.h"

/* Translate sql; check the text and the names (space-separated). */
static void check(const char *sql, enum fg_sql_style style, const char *text, const char *names)
{
	struct fg_sqlparam p;
	char err[160], got[512] = "";
	size_t len = 0;

	if (fg_sqlparam_translate(sql, style, &p, err, sizeof(err)) != 0)
		fail_msg("%s: %s", sql, err);
	assert_string_equal(p.text, text);
	for (int k = 0; k < p.n && len < sizeof(got); k++)
		len += (size_t)snprintf(got + len, sizeof(got) - len, "%s%s", k ? " " : "", p.names[k]);
	assert_string_equal(got, names);
	fg_sqlparam_release(&p);
}

/* sql is refused with a message holding why. */
static void refused(const char *sql, const char *why)
{
	struct fg_sqlparam p;
	char err[160];

	assert_int_equal(fg_sqlparam_translate(sql, FG_SQL_PQ, &p, err, sizeof(err)), FG_ERR_INTERNAL);
	if (strstr(err, why) == NULL)
		fail_msg("'%s': message '%s' lacks '%s'", sql, err, why);
	assert_null(p.text);
	assert_int_equal(p.n, 0);
}

static void test_forms(void **state)
{
	static const char sql[] = "SELECT * FROM t WHERE a = :a AND b > :b AND c <> :a";
	(void)state;
	/* libpq: one number per distinct name, in order of first appearance */
	check(sql, FG_SQL_PQ, "SELECT * FROM t WHERE a = $1 AND b > $2 AND c <> $1", "a b");
	/* ODBC: a name used twice is bound twice */
	check(sql, FG_SQL_ODBC, "SELECT * FROM t WHERE a = ? AND b > ? AND c <> ?", "a b a");
	check(sql, FG_SQL_NAMED, sql, "a b");
	check("SELECT 1", FG_SQL_PQ, "SELECT 1", "");
	check("", FG_SQL_ODBC, "", "");
	check(":since_1,:_x", FG_SQL_PQ, "$1,$2", "since_1 _x");
}

static void test_casts(void **state)
{
	(void)state;
	check("SELECT :as_of::date - 28, x::text, ARRAY[1]::int[]", FG_SQL_PQ,
	      "SELECT $1::date - 28, x::text, ARRAY[1]::int[]", "as_of");
	check("CAST(:d AS DATE)", FG_SQL_ODBC, "CAST(? AS DATE)", "d");
	/* not a parameter: a colon before a digit or a space */
	check("SELECT a[1:2], b[lo : hi]", FG_SQL_PQ, "SELECT a[1:2], b[lo : hi]", "");
}

static void test_literals(void **state)
{
	(void)state;
	check("SELECT to_char(:t, 'HH24:MI:SS'), 'it''s :x', \"col:y\" FROM t", FG_SQL_PQ,
	      "SELECT to_char($1, 'HH24:MI:SS'), 'it''s :x', \"col:y\" FROM t", "t");
	/* white space inside literals is kept, outside it is one space */
	check("SELECT  'a  b\n c',\n\t:v", FG_SQL_PQ, "SELECT 'a  b\n c', $1", "v");
	/* backslash: ordinary in '...', an escape in E'...' */
	check("SELECT '\\', :a, E'\\':b', :c", FG_SQL_PQ, "SELECT '\\', $1, E'\\':b', $2", "a c");
	/* ELSE'...' is not an E'...' literal */
	check("CASE WHEN :p THEN 'x' ELSE'a\\' END", FG_SQL_PQ, "CASE WHEN $1 THEN 'x' ELSE'a\\' END", "p");
	check("SELECT $$ :a; ? $$, $f$ it's :b $f$, :c", FG_SQL_ODBC,
	      "SELECT $$ :a; ? $$, $f$ it's :b $f$, ?", "c");
	/* a $ inside an identifier, '?' and ';' inside literals */
	check("SELECT SYSTEM$TYPEOF(x), '?;', :n", FG_SQL_PQ, "SELECT SYSTEM$TYPEOF(x), '?;', $1", "n");
	check("upper(q) LIKE '%SYSTEM$GENERATE\\_SCIM%' AND t ~ '^\\s*$'", FG_SQL_PQ,
	      "upper(q) LIKE '%SYSTEM$GENERATE\\_SCIM%' AND t ~ '^\\s*$'", "");
}

static void test_comments(void **state)
{
	(void)state;
	check("-- the window :a\nSELECT :b -- and :c; it's\n, 1", FG_SQL_PQ, "SELECT $1 , 1", "b");
	check("SELECT /* :a /* nested :b */ still ; */ :c/**/FROM t", FG_SQL_ODBC, "SELECT ? FROM t", "c");
	check("SELECT 1 - -1, 2--x\n", FG_SQL_PQ, "SELECT 1 - -1, 2", "");
	check("  \n-- only\n  ", FG_SQL_NAMED, "", "");
}

static void test_refused(void **state)
{
	(void)state;
	refused("SELECT 'abc", "line 1: unterminated string literal");
	refused("SELECT\n\nE'abc\\'", "line 3: unterminated string literal");
	refused("SELECT \"abc", "unterminated quoted identifier");
	refused("SELECT 1 /* a /* b */", "unterminated comment");
	refused("SELECT $x$ abc $y$", "unterminated dollar-quoted string");
	refused("SELECT * FROM t WHERE a = $1", "positional parameter");
	refused("SELECT 1;", "';'");
	refused("SELECT 1;\nSELECT 2", "line 1: ';'");
	refused("SELECT * FROM t WHERE a = ?", "'?'");
	refused("SELECT j ? 'k'", "'?'");
}

static void test_many(void **state)
{
	char sql[4096], want[4096], names[4096];
	size_t n = 0, w = 0, m = 0;
	(void)state;
	/* numbers past 9, and the same name again after them */
	for (int i = 1; i <= 30; i++) {
		n += (size_t)snprintf(sql + n, sizeof(sql) - n, "%s:p%d", i > 1 ? ", " : "", i);
		w += (size_t)snprintf(want + w, sizeof(want) - w, "%s$%d", i > 1 ? ", " : "", i);
		m += (size_t)snprintf(names + m, sizeof(names) - m, "%sp%d", i > 1 ? " " : "", i);
	}
	snprintf(sql + n, sizeof(sql) - n, ", :p12");
	snprintf(want + w, sizeof(want) - w, ", $12");
	check(sql, FG_SQL_PQ, want, names);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),    cmocka_unit_test(test_casts),
		cmocka_unit_test(test_literals), cmocka_unit_test(test_comments),
		cmocka_unit_test(test_refused),  cmocka_unit_test(test_many),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
