/* The job table: stable lock ids, lookup, and one [status] key per job. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "capture.h"
#include "config.h"
#include "jobs.h"
#include "log.h"

static void test_lock_ids_are_stable(void **state)
{
	(void)state;
	/* running hosts and operators' pg_locks queries know these numbers */
	static const struct {
		const char *name;
		int lock_id;
		bool exclusive;
	} want[] = {
		{ "costsync", 1, true }, { "budgetcheck", 2, true }, { "notifyd-once", 3, false },
		{ "snapshot", 4, true }, { "secscan", 5, true },
	};
	size_t n = 0;
	while (fg_jobs[n].name != NULL)
		n++;
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(fg_jobs[i].name, want[i].name);
		assert_int_equal(fg_jobs[i].lock_id, want[i].lock_id);
		assert_int_equal(fg_jobs[i].exclusive, want[i].exclusive);
		assert_true(fg_jobs[i].interval > 0);
		for (size_t k = 0; k < i; k++)
			assert_int_not_equal(fg_jobs[k].lock_id, fg_jobs[i].lock_id);
	}
}

static void test_find(void **state)
{
	(void)state;
	const struct fg_job *j = fg_job_find("notifyd-once");
	assert_non_null(j);
	assert_int_equal(j->lock_id, 3);
	assert_int_equal(j->interval, 300);
	assert_null(fg_job_find("notifyd"));
	assert_null(fg_job_find(""));
	assert_null(fg_job_find(NULL));
}

static void test_status_key_per_job(void **state)
{
	(void)state;
	char text[1024] = "[status]\n";
	struct fg_config *cfg = NULL;

	for (const struct fg_job *j = fg_jobs; j->name; j++) {
		size_t used = strlen(text);
		snprintf(text + used, sizeof(text) - used, "%s = 2h\n", j->name);
	}
	assert_int_equal(fg_config_load_string(text, "jobs.conf", &cfg), 0);
	for (const struct fg_job *j = fg_jobs; j->name; j++)
		assert_string_equal(fg_conf_get(fg_config_section(cfg, "status", NULL), j->name), "2h");
	fg_config_free(cfg);

	capture_begin();
	int rc = fg_config_load_string("[status]\nnotifyd = 1h\n", "jobs.conf", &cfg);
	const char *err = capture_end();
	assert_true(rc < 0);
	assert_non_null(strstr(err, "unknown key 'notifyd'"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lock_ids_are_stable),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_status_key_per_job),
	};
	fg_log_init("test");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
