/* Redaction: secrets and webhook URLs never reach any log path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "capture.h"
#include "log.h"
#include "redact.h"

#define SLACK "https://hooks.slack.com/services/T0ABCDEF/B0GHIJKL/zyxwvutsrqponm"

static int setup(void **state)
{
	(void)state;
	fg_secret_clear();
	fg_secret_add(SLACK);
	fg_log_set_level(FG_LOG_DEBUG);
	return 0;
}

static void test_redact_url(void **state)
{
	(void)state;
	char *r = fg_redact_url(SLACK);
	assert_string_equal(r, "https://hooks.slack.com/services/T0\xe2\x80\xa6/***");
	free(r);
	r = fg_redact_url("https://user:pw@example.com/hook");
	assert_string_equal(r, "https://example.com/***");
	free(r);
	r = fg_redact_url("https://example.com");
	assert_string_equal(r, "https://example.com");
	free(r);
	r = fg_redact_url("not a url");
	assert_string_equal(r, "***");
	free(r);
}

static void test_redact_string(void **state)
{
	(void)state;
	char *r = fg_redact("POST " SLACK " failed: 404");
	assert_null(strstr(r, "zyxwvutsrqponm"));
	assert_null(strstr(r, "B0GHIJKL"));
	assert_non_null(strstr(r, "hooks.slack.com/services/T0"));
	assert_non_null(strstr(r, "failed: 404"));
	free(r);
	r = fg_redact("host=db password=s3cr3t dbname=x");
	assert_string_equal(r, "host=db password=*** dbname=x");
	free(r);
	r = fg_redact("DSN=snow;UID=bot;PWD={a;b};Role=R");
	assert_string_equal(r, "DSN=snow;UID=bot;PWD=***;Role=R");
	free(r);
}

static void test_every_log_path(void **state)
{
	(void)state;
	const char *out;
	/* text format, every level */
	fg_log_set_format(FG_LOG_TEXT);
	capture_begin();
	fg_error("cannot deliver to '%s': HTTP 500", SLACK);
	fg_warn("retrying %s", SLACK);
	fg_info("sent to %s", SLACK);
	fg_debug("payload for %s", SLACK);
	fg_error("multi\nline\n" SLACK "\n");
	out = capture_end();
	assert_null(strstr(out, "zyxwvutsrqponm"));
	assert_non_null(strstr(out, "test: error: cannot deliver to 'https://hooks.slack.com/services/T0"));
	assert_non_null(strstr(out, "test: warning: retrying"));
	assert_non_null(strstr(out, "multi; line; https://"));
	/* the last error, recorded in job_runs.error, is redacted too */
	assert_null(strstr(fg_log_last_error(), "zyxwvutsrqponm"));
	/* JSON lines */
	fg_log_set_format(FG_LOG_JSON);
	capture_begin();
	fg_error("cannot deliver to %s", SLACK);
	fg_info("secret in %s", SLACK);
	out = capture_end();
	fg_log_set_format(FG_LOG_TEXT);
	assert_null(strstr(out, "zyxwvutsrqponm"));
	assert_non_null(strstr(out, "\"level\": \"error\"") ? strstr(out, "\"level\": \"error\"")
							    : strstr(out, "\"level\":\"error\""));
	assert_non_null(strstr(out, "\"prog\":\"test\""));
}

/* A short last segment: the redacted form shows none of it, once. */
static void test_redact_short_segment(void **state)
{
	(void)state;
	const char *url = "http://127.0.0.1:8080/busted/x";
	char *r = fg_redact_url(url);
	assert_string_equal(r, "http://127.0.0.1:8080/busted/\xe2\x80\xa6/***");
	free(r);
	r = fg_redact_url("https://h/a/xyzw/more");
	assert_string_equal(r, "https://h/a/xy\xe2\x80\xa6/***");
	free(r);
	r = fg_redact_url("https://h/a/xyz");
	assert_string_equal(r, "https://h/a/x\xe2\x80\xa6/***");
	free(r);
	/* never half a UTF-8 character */
	r = fg_redact_url("https://h/a/\xc3\xa9t\xc3\xa9");
	assert_string_equal(r, "https://h/a/\xe2\x80\xa6/***");
	free(r);
	fg_secret_add(url);
	r = fg_redact("posting to "
		      "http://127.0.0.1:8080/busted/x"
		      " failed");
	assert_string_equal(r, "posting to http://127.0.0.1:8080/busted/\xe2\x80\xa6/*** failed");
	free(r);
	fg_log_set_format(FG_LOG_TEXT);
	capture_begin();
	fg_warn("notification 1 to 'gone' (%s): HTTP 404", url);
	const char *out = capture_end();
	assert_non_null(strstr(out, "(http://127.0.0.1:8080/busted/\xe2\x80\xa6/***): HTTP 404"));
	assert_null(strstr(out, "/busted/x"));
}

/* A redacted form never shows a secret: not a URL with nothing after its
 * host (its form is itself), nor another secret inside a form's host. */
static void test_redact_form_shows_no_secret(void **state)
{
	(void)state;
	char *r;

	fg_secret_add("smtps://mail.example.com:465");
	r = fg_redact("to smtps://mail.example.com:465 failed");
	assert_string_equal(r, "to *** failed");
	free(r);
	fg_secret_add("https://hooks.example.org/services/T0/B0/xyzzy");
	fg_secret_add("hooks.example");
	r = fg_redact("to https://hooks.example.org/services/T0/B0/xyzzy failed");
	assert_string_equal(r, "to *** failed");
	free(r);
	/* the usual form is kept when it shows nothing */
	r = fg_redact(SLACK);
	assert_string_equal(r, "https://hooks.slack.com/services/T0\xe2\x80\xa6/***");
	free(r);
}

static void test_levels(void **state)
{
	(void)state;
	fg_log_set_level(FG_LOG_WARN);
	capture_begin();
	fg_info("quiet on success");
	fg_debug("quiet too");
	const char *out = capture_end();
	assert_string_equal(out, "");
	fg_log_set_level(FG_LOG_ERROR);
	capture_begin();
	fg_warn("hidden with -q");
	out = capture_end();
	assert_string_equal(out, "");
	enum fg_log_format f;
	assert_int_equal(fg_log_parse_format("json", &f), 0);
	assert_int_equal(f, FG_LOG_JSON);
	assert_int_equal(fg_log_parse_format("xml", &f), -1);
}

static void test_non_utf8_json(void **state)
{
	(void)state;
	fg_log_set_format(FG_LOG_JSON);
	fg_log_set_level(FG_LOG_DEBUG);
	capture_begin();
	fg_error("bad byte \xff here");
	const char *out = capture_end();
	fg_log_set_format(FG_LOG_TEXT);
	assert_non_null(strstr(out, "bad byte ? here"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_redact_url),
		cmocka_unit_test(test_redact_string),
		cmocka_unit_test(test_every_log_path),
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_non_utf8_json),
		cmocka_unit_test(test_redact_short_segment),
		cmocka_unit_test_setup(test_redact_form_shows_no_secret, setup),
	};
	fg_log_init("test");
	int rc = cmocka_run_group_tests(tests, setup, NULL);
	fg_secret_clear();
	return rc;
}
