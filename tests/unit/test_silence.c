/* Silences: loading [silence NAME] and matching notifications. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "clock.h"
#include "config.h"
#include "exitcode.h"
#include "log.h"
#include "notify_silence.h"

static long day(const char *s)
{
	long d = 0;
	assert_int_equal(fg_date_parse(s, &d), 0);
	return d;
}

static void test_glob(void **state)
{
	(void)state;
	assert_true(fg_silence_glob("*", ""));
	assert_true(fg_silence_glob("*", "anything"));
	assert_true(fg_silence_glob("ETL_*", "ETL_USER"));
	assert_true(fg_silence_glob("*_SVC", "LOAD_SVC"));
	assert_true(fg_silence_glob("a*b*c", "aXXbYYc"));
	assert_true(fg_silence_glob("exact", "exact"));
	assert_false(fg_silence_glob("exact", "exactly"));
	assert_false(fg_silence_glob("ETL_*", "XETL_USER"));
	assert_false(fg_silence_glob("a*b", "acb c"));
	assert_false(fg_silence_glob("?", "x")); /* only '*' is special */
}

static struct fg_config *load(const char *text)
{
	struct fg_config *cfg = NULL;
	assert_int_equal(fg_config_load_string(text, "t.conf", &cfg), 0);
	return cfg;
}

static const char conf[] = "[silence etl]\n"
			   "source = finding\n"
			   "rule = stale-*\n"
			   "subject = ETL_*\n"
			   "reason = migration\n"
			   "until = 2026-04-01\n"
			   "[silence dev]\n"
			   "budget = dev-*\n"
			   "channel = slack\n"
			   "reason = dev is noisy\n"
			   "until = 2026-01-01\n";

static void test_match(void **state)
{
	(void)state;
	struct fg_config *cfg = load(conf);
	struct fg_silence_set set;
	assert_int_equal(fg_silence_load(cfg, &set), 0);
	assert_int_equal(set.n, 2);

	struct fg_notification f = { .channel = "slack", .kind = "finding" };
	f.fields = json_pack("{s:s, s:s}", "rule", "stale-user", "subject", "ETL_LOADER");
	const struct fg_silence *s = fg_silence_match(&set, &f, day("2026-04-01"));
	assert_non_null(s);
	assert_string_equal(s->name, "etl");
	char buf[200];
	fg_silence_describe(s, buf, sizeof(buf));
	assert_string_equal(buf, "silenced by 'etl' until 2026-04-01: migration");
	fg_silence_match_text(s, buf, sizeof(buf));
	assert_string_equal(buf, "source=finding rule=stale-* subject=ETL_*");
	/* inclusive until, then expired */
	assert_null(fg_silence_match(&set, &f, day("2026-04-02")));
	json_object_set_new(f.fields, "subject", json_string("ADMIN"));
	assert_null(fg_silence_match(&set, &f, day("2026-03-01")));
	json_decref(f.fields);

	struct fg_notification b = { .channel = "slack", .kind = "budget" };
	b.fields = json_pack("{s:s}", "budget", "dev-team");
	assert_string_equal(fg_silence_match(&set, &b, day("2025-12-31"))->name, "dev");
	assert_null(fg_silence_match(&set, &b, day("2026-01-02")));
	b.channel = "pagerduty";
	assert_null(fg_silence_match(&set, &b, day("2025-12-31")));
	json_decref(b.fields);

	/* the tool's own notices are never silenced */
	struct fg_notification q = { .channel = "slack", .kind = "quota" };
	q.fields = json_pack("{s:s}", "budget", "dev-team");
	assert_null(fg_silence_match(&set, &q, day("2025-12-31")));
	json_decref(q.fields);

	fg_silence_set_release(&set);
	fg_config_free(cfg);
}

static void test_bad(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"[silence a]\nuntil = 2026-01-01\n",
		"[silence a]\nreason = x\n",
		"[silence a]\nreason = x\nuntil = tomorrow\n",
		"[silence a]\nreason = x\nuntil = 2026-01-01\nsource = alert\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct fg_config *cfg = load(bad[i]);
		struct fg_silence_set set;
		assert_int_equal(fg_silence_load(cfg, &set), FG_ERR_CONFIG);
		fg_silence_set_release(&set);
		fg_config_free(cfg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_glob),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
