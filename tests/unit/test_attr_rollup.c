/* attr_rollup: exact group sums in bounded memory, spilled past the cap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attr_rollup.h"
#include "exitcode.h"

struct out {
	char text[65536];
	size_t len;
	int lines;
};

static int collect(void *arg, const char *line, size_t len)
{
	struct out *o = arg;
	assert_true(o->len + len < sizeof(o->text));
	memcpy(o->text + o->len, line, len);
	o->len += len;
	o->text[o->len] = '\0';
	o->lines++;
	return 0;
}

static struct fg_dec dec(const char *s)
{
	struct fg_dec d;
	assert_int_equal(fg_dec_parse(s, &d, NULL), 0);
	return d;
}

static void add(struct fg_rollup *r, const char *key, long long n, const char *a, const char *b)
{
	const char *why = NULL;
	assert_int_equal(fg_rollup_add(r, key, strlen(key), n, dec(a), dec(b), &why), 0);
}

static void test_sums(void **state)
{
	(void)state;
	struct fg_rollup *r = fg_rollup_new(100);
	struct out o = { .len = 0 };
	add(r, "2026-03-01\tuser\tALICE", 2, "1.500000000001", "0");
	add(r, "2026-03-01\tuser\tBOB", 1, "0.25", "0.5");
	add(r, "2026-03-01\tuser\tALICE", 3, "2.499999999999", "0.000000000001");
	add(r, "2026-03-02\tuser\tALICE", 1, "7", "0");
	assert_int_equal(fg_rollup_emit(r, collect, &o), 0);
	assert_int_equal(fg_rollup_spilled(r), 0);
	assert_int_equal(o.lines, 3);
	assert_non_null(strstr(o.text, "2026-03-01\tuser\tALICE\t5\t4\t0.000000000001\n"));
	assert_non_null(strstr(o.text, "2026-03-01\tuser\tBOB\t1\t0.25\t0.5\n"));
	assert_non_null(strstr(o.text, "2026-03-02\tuser\tALICE\t1\t7\t0\n"));
	fg_rollup_free(r);
}

/* Sum the "count a" of every line of o whose key is key. */
static void sum_of(const struct out *o, const char *key, long long *n, struct fg_dec *a)
{
	size_t klen = strlen(key);
	*n = 0;
	*a = fg_dec_zero();
	for (const char *p = o->text; *p;) {
		const char *end = strchr(p, '\n');
		assert_non_null(end);
		if (strncmp(p, key, klen) == 0 && p[klen] == '\t') {
			char *q;
			*n += strtoll(p + klen + 1, &q, 10);
			const char *tab = strchr(q + 1, '\t');
			struct fg_dec d;
			assert_int_equal(fg_dec_parsen(q + 1, (size_t)(tab - q - 1), &d, NULL), 0);
			assert_int_equal(fg_dec_add(*a, d, a), 0);
		}
		p = end + 1;
	}
}

static void test_spill(void **state)
{
	(void)state;
	/* 50 groups through a table of 4: most groups come out in parts, whose
	 * sums add up to what went in */
	struct fg_rollup *r = fg_rollup_new(4);
	struct out o = { .len = 0 };
	for (int round = 0; round < 7; round++)
		for (int g = 0; g < 50; g++) {
			char key[64];
			snprintf(key, sizeof(key), "2026-03-%02d\tquery_tag\tteam=t%d", 1 + g % 3, g);
			add(r, key, 1 + g, "0.000000000001", "1");
		}
	assert_int_equal(fg_rollup_emit(r, collect, &o), 0);
	assert_true(fg_rollup_spilled(r) > 0);
	assert_true(o.lines > 50);
	for (int g = 0; g < 50; g++) {
		char key[64], want[32], got[64];
		long long n;
		struct fg_dec a;
		snprintf(key, sizeof(key), "2026-03-%02d\tquery_tag\tteam=t%d", 1 + g % 3, g);
		sum_of(&o, key, &n, &a);
		assert_int_equal(n, 7LL * (1 + g));
		fg_dec_format(a, -1, got, sizeof(got));
		snprintf(want, sizeof(want), "0.000000000007");
		assert_string_equal(got, want);
	}
	fg_rollup_free(r);
}

static void test_overflow(void **state)
{
	(void)state;
	struct fg_rollup *r = fg_rollup_new(8);
	const char *why = NULL;
	struct fg_dec big = dec("90000000000000000000000000");
	assert_int_equal(fg_rollup_add(r, "k", 1, 1, big, fg_dec_zero(), &why), 0);
	assert_int_equal(fg_rollup_add(r, "k", 1, 1, big, fg_dec_zero(), &why), FG_ERR_DATA);
	assert_non_null(why);
	fg_rollup_free(r);
}

/* A failing consumer stops the emission with its code. */
static int refuse(void *arg, const char *line, size_t len)
{
	(void)line;
	(void)len;
	(*(int *)arg)++;
	return FG_ERR_TEMP;
}

static void test_emit_stops(void **state)
{
	(void)state;
	struct fg_rollup *r = fg_rollup_new(2);
	int calls = 0;
	add(r, "a", 1, "1", "1");
	add(r, "b", 1, "1", "1");
	add(r, "c", 1, "1", "1"); /* spills a and b */
	assert_int_equal(fg_rollup_emit(r, refuse, &calls), FG_ERR_TEMP);
	assert_int_equal(calls, 1);
	fg_rollup_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sums),
		cmocka_unit_test(test_spill),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_emit_stops),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
