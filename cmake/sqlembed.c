/*
 * sqlembed.c - compile a part's statements from sql/<part>/ into C.
 *
 *   fg_sqlembed OUT.c OUT.h PART SQLDIR FILE.sql...
 *
 * Run by the build (fg_embed_statements() in lib/CMakeLists.txt).  Each
 * file is translated by lib/base/sqlparam.c into its canonical, libpq and
 * ODBC forms, with the parameter names of each, and written as a
 * const struct fg_sql (lib/core/sqlfile.h) named after its path under
 * SQLDIR: budgets/evaluate.sql becomes fg_sql_budgets_evaluate, its libpq
 * text also fg_sql_budgets_evaluate_pq[].  OUT.h declares them and the
 * NULL-terminated fg_sql_PART[].  A file that does not translate, or two
 * files with the same C name, fail the build with FILE:LINE.
 */
#include "sqlparam.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PARAMS 64 /* FG_SQL_MAX_PARAMS */

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (f == NULL)
		return NULL;
	do {
		if (len + 4096 + 1 > cap) {
			char *p = realloc(buf, cap = len + 4096 + 1 + cap);
			if (p == NULL) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = p;
		}
		n = fread(buf + len, 1, 4096, f);
		len += n;
	} while (n > 0);
	if (ferror(f) || memchr(buf, '\0', len) != NULL) {
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[len] = '\0';
	return buf;
}

/* C name of a path under SQLDIR: "fg_sql_" + path without ".sql", / and - as _. */
static int c_name(const char *path, char *out, size_t size)
{
	size_t len = strlen(path), o = 0;

	if (len < 5 || strcmp(path + len - 4, ".sql") != 0)
		return -1;
	o = (size_t)snprintf(out, size, "fg_sql_");
	for (size_t i = 0; i < len - 4; i++) {
		char c = path[i];
		if (o + 1 >= size)
			return -1;
		if (c == '/' || c == '-')
			out[o++] = '_';
		else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')
			out[o++] = c;
		else
			return -1;
	}
	out[o] = '\0';
	return 0;
}

/* s as a C string literal, in pieces of about 100 characters. */
static void literal(FILE *f, const char *s)
{
	int col = 0;

	fputs("\n\t\"", f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (col >= 100 && c == ' ') {
			fputs("\"\n\t\"", f);
			col = 0;
		}
		if (c == '"' || c == '\\')
			col += fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			col += fprintf(f, "\\%03o", c);
		else
			col += fprintf(f, "%c", c);
	}
	fputc('"', f);
}

static void names(FILE *f, const char *label, int i, const struct fg_sqlparam *p)
{
	fprintf(f, "static const char *const %s%d[] = {", label, i);
	for (int k = 0; k < p->n; k++)
		fprintf(f, "%s\"%s\"", k ? ", " : " ", p->names[k]);
	fprintf(f, "%s};\n", p->n ? " " : " NULL ");
}

int main(int argc, char **argv)
{
	static const enum fg_sql_style styles[3] = { FG_SQL_NAMED, FG_SQL_PQ, FG_SQL_ODBC };
	FILE *c, *h;
	int rc = 0, nfiles = argc - 5;
	char(*syms)[256];

	if (argc < 5) {
		fprintf(stderr, "usage: fg_sqlembed OUT.c OUT.h PART SQLDIR FILE.sql...\n");
		return 64;
	}
	const char *part = argv[3], *dir = argv[4];
	size_t dlen = strlen(dir), plen = strlen(part);
	char guard[64];

	for (size_t k = 0; k < plen && k + 1 < sizeof(guard); k++)
		guard[k] = (char)(part[k] >= 'a' && part[k] <= 'z' ? part[k] - 'a' + 'A' : part[k]);
	guard[plen < sizeof(guard) ? plen : sizeof(guard) - 1] = '\0';
	if ((syms = calloc((size_t)(nfiles > 0 ? nfiles : 1), sizeof(*syms))) == NULL ||
	    (c = fopen(argv[1], "w")) == NULL || (h = fopen(argv[2], "w")) == NULL) {
		perror("fg_sqlembed");
		return 70;
	}
	fprintf(c,
		"/* generated from sql/%s/ by cmake/sqlembed.c; do not edit */\n#include \"fg_sql_%s.h\"\n",
		part, part);
	fprintf(h,
		"/* generated from sql/%s/ by cmake/sqlembed.c; do not edit */\n"
		"#ifndef FG_SQL_%s_H\n#define FG_SQL_%s_H\n\n#include \"sqlfile.h\"\n\n",
		part, guard, guard);
	for (int i = 0; i < nfiles && rc == 0; i++) {
		const char *file = argv[5 + i], *path = file + dlen;
		struct fg_sqlparam form[3] = { { 0 } };
		char err[200];
		char *text;

		while (*path == '/')
			path++;
		if (strncmp(file, dir, dlen) != 0 || strncmp(path, part, plen) != 0 || path[plen] != '/' ||
		    c_name(path, syms[i], sizeof(syms[i])) < 0) {
			fprintf(stderr, "%s: name it sql/PART/name.sql, in [a-z0-9_-]\n", file);
			rc = 65;
			break;
		}
		for (int k = 0; k < i; k++)
			if (strcmp(syms[k], syms[i]) == 0) {
				fprintf(stderr, "%s: same C name as %s\n", file, argv[5 + k]);
				rc = 65;
			}
		if (rc != 0)
			break;
		if ((text = slurp(file)) == NULL) {
			fprintf(stderr, "%s: cannot read\n", file);
			rc = 66;
			break;
		}
		for (int k = 0; k < 3 && rc == 0; k++) {
			if (fg_sqlparam_translate(text, styles[k], &form[k], err, sizeof(err)) < 0) {
				/* "line N: why" as FILE:N: why */
				fprintf(stderr, "%s:%s\n", file, err + strlen("line "));
				rc = 65;
			} else if (form[k].n > MAX_PARAMS) {
				fprintf(stderr, "%s: more than %d parameters\n", file, MAX_PARAMS);
				rc = 65;
			}
		}
		if (rc == 0) {
			fprintf(c, "\n/* %s */\n", path);
			names(c, "pq", i, &form[1]);
			names(c, "odbc", i, &form[2]);
			fprintf(c, "const char %s_pq[] =", syms[i]);
			literal(c, form[1].text);
			fprintf(c, ";\nconst struct fg_sql %s = {\n\t.path = \"%s\",\n\t.named =", syms[i],
				path);
			literal(c, form[0].text);
			fprintf(c,
				",\n\t.pq = %s_pq,\n\t.pq_names = pq%d,\n\t.pq_n = %d,\n\t.odbc =", syms[i],
				i, form[1].n);
			literal(c, form[2].text);
			fprintf(c, ",\n\t.odbc_names = odbc%d,\n\t.odbc_n = %d,\n};\n", i, form[2].n);
			fprintf(h,
				"/* sql/%s */\nextern const struct fg_sql %s;\nextern const char %s_pq[];\n",
				path, syms[i], syms[i]);
		}
		for (int k = 0; k < 3; k++)
			fg_sqlparam_release(&form[k]);
		free(text);
	}
	fprintf(c, "\nconst struct fg_sql *const fg_sql_%s[] = {\n", part);
	for (int i = 0; i < nfiles && rc == 0; i++)
		fprintf(c, "\t&%s,\n", syms[i]);
	fprintf(c, "\tNULL,\n};\n");
	fprintf(h,
		"\n/* Every statement of sql/%s/, then NULL. */\nextern const struct fg_sql *const fg_sql_%s[];\n"
		"\n#endif\n",
		part, part);
	free(syms);
	if (fclose(c) != 0 || fclose(h) != 0) {
		perror("fg_sqlembed");
		rc = 74;
	}
	if (rc != 0) {
		remove(argv[1]);
		remove(argv[2]);
	}
	return rc;
}
