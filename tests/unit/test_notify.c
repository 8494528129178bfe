/* Delivery decisions: classification of answers, backoff bounds, and
 * parsing of alerts given on stdin. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "exitcode.h"
#include "http.h"
#include "log.h"
#include "notify.h"
#include "notify_input.h"

static const struct fg_notify_conf nc = { .max_attempts = 8, .backoff_base_s = 30, .backoff_max_s = 3600 };

static enum fg_outcome run(enum fg_chan_type t, enum fg_proto proto, int cc, long status, const char *resp,
			   long retry_after, int attempts, double *delay, char *err)
{
	struct fg_request r;
	fg_request_init(&r);
	r.proto = proto;
	r.curl_code = cc;
	r.status = status;
	r.resp = (char *)resp;
	r.retry_after = retry_after;
	snprintf(r.errbuf, sizeof(r.errbuf), "%s",
		 cc ? "Failed to connect to 127.0.0.1 port 9: refused" : "");
	return fg_notify_classify(&nc, t, &r, attempts, delay, err, 256);
}

static void test_classify(void **state)
{
	(void)state;
	double d;
	char err[256];
	const enum fg_proto H = FG_PROTO_HTTP, S = FG_PROTO_SMTP;

	assert_int_equal(run(FG_CHAN_SLACK, H, 0, 200, "ok", -1, 0, &d, err), FG_OUT_SENT);
	assert_string_equal(err, "");
	assert_int_equal(run(FG_CHAN_PAGERDUTY, H, 0, 202, "{}", -1, 0, &d, err), FG_OUT_SENT);
	/* 429 honours Retry-After */
	assert_int_equal(run(FG_CHAN_WEBHOOK, H, 0, 429, "slow down", 7, 0, &d, err), FG_OUT_RETRY);
	assert_true(d == 7.0);
	/* 5xx, 408, timeouts and connection errors: backoff */
	assert_int_equal(run(FG_CHAN_WEBHOOK, H, 0, 503, "busy", -1, 0, &d, err), FG_OUT_RETRY);
	assert_true(d >= 15.0 && d <= 30.0);
	assert_string_equal(err, "HTTP 503: busy");
	assert_int_equal(run(FG_CHAN_WEBHOOK, H, 0, 408, "", -1, 2, &d, err), FG_OUT_RETRY);
	assert_true(d >= 60.0 && d <= 120.0);
	assert_int_equal(run(FG_CHAN_WEBHOOK, H, CURLE_COULDNT_CONNECT, 0, NULL, -1, 0, &d, err),
			 FG_OUT_RETRY);
	assert_non_null(strstr(err, "Failed to connect"));
	assert_int_equal(run(FG_CHAN_WEBHOOK, H, CURLE_OPERATION_TIMEDOUT, 0, NULL, -1, 0, &d, err),
			 FG_OUT_RETRY);
	/* other 4xx: dead */
	assert_int_equal(run(FG_CHAN_WEBHOOK, H, 0, 400, "bad", -1, 0, &d, err), FG_OUT_DEAD);
	assert_int_equal(run(FG_CHAN_WEBHOOK, H, 0, 403, "no", -1, 0, &d, err), FG_OUT_DEAD);
	assert_int_equal(run(FG_CHAN_WEBHOOK, H, 0, 301, "", -1, 0, &d, err), FG_OUT_DEAD);
	/* Slack permanent errors, whatever the status */
	assert_int_equal(run(FG_CHAN_SLACK, H, 0, 404, "no_service", -1, 0, &d, err), FG_OUT_DEAD);
	assert_non_null(strstr(err, "no_service"));
	assert_int_equal(run(FG_CHAN_SLACK, H, 0, 400, "invalid_payload", -1, 0, &d, err), FG_OUT_DEAD);
	assert_int_equal(run(FG_CHAN_SLACK, H, 0, 410, "channel_is_archived", -1, 0, &d, err), FG_OUT_DEAD);
	assert_int_equal(run(FG_CHAN_SLACK, H, 0, 500, "channel_is_archived", -1, 0, &d, err), FG_OUT_DEAD);
	/* Teams legacy connector: errors inside a 200 */
	assert_int_equal(
		run(FG_CHAN_TEAMS, H, 0, 200,
		    "Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 429",
		    -1, 0, &d, err),
		FG_OUT_RETRY);
	assert_int_equal(run(FG_CHAN_TEAMS, H, 0, 200, "Microsoft Teams endpoint returned HTTP error 400", -1,
			     0, &d, err),
			 FG_OUT_DEAD);
	assert_int_equal(run(FG_CHAN_TEAMS, H, 0, 200, "1", -1, 0, &d, err), FG_OUT_SENT);
	/* SMTP: 4xx retry, 5xx dead, connection errors retry */
	assert_int_equal(run(FG_CHAN_EMAIL, S, CURLE_SEND_ERROR, 451, NULL, -1, 0, &d, err), FG_OUT_RETRY);
	assert_int_equal(run(FG_CHAN_EMAIL, S, CURLE_SEND_ERROR, 554, NULL, -1, 0, &d, err), FG_OUT_DEAD);
	assert_int_equal(run(FG_CHAN_EMAIL, S, CURLE_COULDNT_CONNECT, 0, NULL, -1, 0, &d, err), FG_OUT_RETRY);
	assert_int_equal(run(FG_CHAN_EMAIL, S, 0, 250, NULL, -1, 0, &d, err), FG_OUT_SENT);
	/* TLS failures: retried, say nothing was sent, and are flagged for a warning */
	assert_int_equal(run(FG_CHAN_EMAIL, S, CURLE_USE_SSL_FAILED, 250, NULL, -1, 0, &d, err),
			 FG_OUT_RETRY);
	assert_non_null(strstr(err, "does not offer STARTTLS"));
	assert_non_null(strstr(err, "not sent in clear"));
	assert_int_equal(run(FG_CHAN_EMAIL, S, CURLE_PEER_FAILED_VERIFICATION, 0, NULL, -1, 0, &d, err),
			 FG_OUT_RETRY);
	assert_non_null(strstr(err, "ca_file"));
	assert_int_equal(run(FG_CHAN_WEBHOOK, H, CURLE_SSL_CONNECT_ERROR, 0, NULL, -1, 0, &d, err),
			 FG_OUT_RETRY);
	assert_true(strncmp(err, "TLS: ", 5) == 0);
	{
		struct fg_request r;
		fg_request_init(&r);
		r.curl_code = CURLE_PEER_FAILED_VERIFICATION;
		assert_true(fg_notify_tls_failed(&r));
		r.curl_code = CURLE_COULDNT_CONNECT;
		assert_false(fg_notify_tls_failed(&r));
	}
	/* max_attempts turns the last retry into dead */
	assert_int_equal(run(FG_CHAN_WEBHOOK, H, 0, 500, "x", -1, 7, &d, err), FG_OUT_DEAD);
	assert_non_null(strstr(err, "gave up after 8 attempts: HTTP 500"));
}

static void test_backoff(void **state)
{
	(void)state;
	for (int n = 0; n < 40; n++) {
		double d = fg_notify_backoff(30, 3600, n);
		double full = 30.0 * (n > 30 ? 1e9 : (double)(1LL << n));
		if (full > 3600)
			full = 3600;
		assert_true(d >= full / 2 - 1e-9 && d <= full + 1e-9);
	}
	assert_true(fg_notify_backoff(0, 3600, 5) == 0.0);
}

static int parse(const char *in, struct fg_notification **n, int *count)
{
	const char *ch[] = { "ops" };
	return fg_notify_parse_input(in, strlen(in), ch, 1, n, count);
}

static void release(struct fg_notification *n, int count)
{
	for (int i = 0; i < count; i++)
		fg_notification_release(&n[i]);
	free(n);
}

static void test_input(void **state)
{
	(void)state;
	struct fg_notification *n;
	int c;

	assert_int_equal(
		parse("{\"severity\":\"high\",\"title\":\"t\",\"text\":\"b\",\"fields\":{\"k\":\"v\"}}", &n,
		      &c),
		0);
	assert_int_equal(c, 1);
	assert_int_equal(n[0].severity, FG_SEV_HIGH);
	assert_string_equal(n[0].body, "b");
	assert_string_equal(n[0].kind, "generic");
	assert_string_equal(json_string_value(json_object_get(n[0].fields, "k")), "v");
	release(n, c);

	assert_int_equal(parse("{\"title\":\"a\"}\n{\"title\":\"b\"}\n[{\"title\":\"c\"}]\n", &n, &c), 0);
	assert_int_equal(c, 3);
	assert_int_equal(n[0].severity, FG_SEV_INFO);
	assert_string_equal(n[2].title, "c");
	release(n, c);

	assert_int_equal(parse("  \n", &n, &c), 0);
	assert_int_equal(c, 0);
	release(n, c);

	assert_int_equal(parse("{\"title\":\"a\"}\n{\"title\": nope}\n", &n, &c), FG_ERR_DATA);
	assert_non_null(strstr(fg_log_last_error(), "stdin:2:"));
	assert_int_equal(parse("{\"text\":\"no title\"}", &n, &c), FG_ERR_DATA);
	assert_int_equal(parse("{\"title\":\"a\",\"severity\":\"urgent\"}", &n, &c), FG_ERR_DATA);
	assert_int_equal(parse("{\"title\":\"a\",\"fields\":[1]}", &n, &c), FG_ERR_DATA);
	assert_int_equal(parse("42", &n, &c), FG_ERR_DATA);

	/* budgetcheck: the highest actual threshold wins over forecast */
	assert_int_equal(
		parse("[{\"name\":\"b\",\"period_start\":\"2026-03-01\",\"amount\":\"100.00\","
		      "\"spend\":\"95.50\",\"currency\":\"EUR\",\"percent\":\"95.50\","
		      "\"new_alerts\":[{\"threshold\":100,\"kind\":\"forecast\",\"severity\":\"high\"},"
		      "{\"threshold\":90,\"kind\":\"actual\",\"severity\":\"medium\"},"
		      "{\"threshold\":50,\"kind\":\"actual\",\"severity\":\"low\"}]},"
		      "{\"name\":\"quiet\",\"new_alerts\":[]}]",
		      &n, &c),
		0);
	assert_int_equal(c, 1);
	assert_string_equal(n[0].kind, "budget");
	assert_int_equal(n[0].severity, FG_SEV_MEDIUM);
	assert_string_equal(n[0].dedup_key, "budget:b:2026-03-01:actual:90");
	assert_string_equal(json_string_value(json_object_get(n[0].fields, "remaining")), "4.50");
	release(n, c);

	/* secscan: only new findings */
	assert_int_equal(
		parse("{\"findings\":[{\"rule\":\"r1\",\"severity\":\"critical\",\"subject\":\"S\","
		      "\"status\":\"new\",\"evidence\":{\"x\":1}},{\"rule\":\"r2\",\"subject\":\"T\","
		      "\"status\":\"resolved\"}],\"not_evaluated\":[],\"counts\":{}}",
		      &n, &c),
		0);
	assert_int_equal(c, 1);
	assert_string_equal(n[0].kind, "finding");
	assert_string_equal(n[0].title, "secscan -: r1: S");
	assert_int_equal(n[0].severity, FG_SEV_CRITICAL);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(n[0].fields, "evidence"), "x")),
			 1);
	release(n, c);
}

/* A badly typed record is named (line:column, record, field) and the whole input refused. */
static void test_input_types(void **state)
{
	(void)state;
	struct fg_notification *n;
	int c;

	assert_int_equal(parse("{\"new_alerts\":[{}]}", &n, &c), FG_ERR_DATA);
	assert_int_equal(c, 0);
	assert_null(n);
	assert_int_equal(parse("{\"title\":\"ok\"}\n  {\"name\":\"b\",\"new_alerts\":[{}]}\n", &n, &c),
			 FG_ERR_DATA);
	assert_int_equal(c, 0);
	assert_non_null(
		strstr(fg_log_last_error(), "refusing all of stdin: 1 bad record; nothing sent (1 valid"));
	fg_log_clear_last_error();
	assert_int_equal(
		parse("{\"title\":\"ok\"}\n  {\"name\":\"b\",\"new_alerts\":[{\"threshold\":\"x\"}]}", &n,
		      &c),
		FG_ERR_DATA);
	assert_int_equal(parse("{\"name\":7,\"new_alerts\":[]}", &n, &c), FG_ERR_DATA);
	assert_int_equal(parse("{\"findings\":[{\"rule\":\"r\",\"subject\":[]}]}", &n, &c), FG_ERR_DATA);
	assert_int_equal(parse("{\"title\":\"a\",\"text\":5}", &n, &c), FG_ERR_DATA);
}

/* The first error names where the bad record starts and the field. */
static void test_input_where(void **state)
{
	(void)state;
	struct fg_notification *n;
	int c;
	FILE *f = fmemopen((char *)"{\"title\":\"ok\"}\n  {\"name\":\"b\",\"new_alerts\":[{}]}\n", 52, "r");

	assert_non_null(f);
	capture_begin();
	assert_int_equal(fg_notify_read_input(f, (const char *const[]){ "ops" }, 1, FG_SEV_INFO, &n, &c),
			 FG_ERR_DATA);
	const char *buf = capture_end();
	fclose(f);
	assert_non_null(
		strstr(buf, "stdin:2:3: record 2: \"new_alerts[0].threshold\" must be a whole number"));
}

/* budgetcheck --json: percent is a number; queued alerts are the outbox's. */
static void test_input_budget(void **state)
{
	(void)state;
	struct fg_notification *n;
	int c;
	const char *doc =
		"[{\"name\":\"b\",\"period_start\":\"2026-03-01\",\"amount\":\"100.00\","
		"\"spend\":\"147.36\",\"currency\":\"EUR\",\"percent\":147.36,"
		"\"new_alerts\":[{\"threshold\":100,\"kind\":\"actual\",\"severity\":\"high\","
		"\"queued\":false}]},"
		"{\"name\":\"q\",\"percent\":60.0,\"new_alerts\":[{\"threshold\":50,\"queued\":true}]}]";

	assert_int_equal(parse(doc, &n, &c), 0);
	assert_int_equal(c, 1);
	assert_non_null(strstr(n[0].title, "(147.36%)"));
	assert_null(strstr(n[0].title, "?"));
	assert_string_equal(json_string_value(json_object_get(n[0].fields, "percent")), "147.36");
	release(n, c);
	assert_int_equal(
		parse("{\"name\":\"b\",\"percent\":\"91.25\",\"new_alerts\":[{\"threshold\":90}]}", &n, &c),
		0);
	assert_non_null(strstr(n[0].title, "(91.25%)"));
	release(n, c);
}

/* secscan --json: worded as the outbox rows, and the severity floor. */
static void test_input_findings(void **state)
{
	(void)state;
	struct fg_notification *n;
	int c;
	char doc[] =
		"{\"findings\":[{\"rule\":\"user-password-no-mfa\",\"title\":\"Password user without MFA\","
		"\"remediation\":\"Enrol the user in MFA.\",\"severity\":\"high\",\"subject\":\"AL\\nICE\","
		"\"connector\":\"prod\",\"status\":\"new\",\"queued\":false},"
		"{\"rule\":\"stale-user\",\"severity\":\"info\",\"subject\":\"BOB\",\"status\":\"new\"},"
		"{\"rule\":\"q\",\"severity\":\"high\",\"subject\":\"C\",\"status\":\"new\",\"queued\":true}]}";
	FILE *f = fmemopen(doc, strlen(doc), "r");

	assert_int_equal(fg_notify_read_input(f, (const char *const[]){ "ops" }, 1, FG_SEV_LOW, &n, &c), 0);
	fclose(f);
	assert_int_equal(c, 1);
	assert_string_equal(n[0].title, "secscan prod: Password user without MFA: AL ICE");
	assert_non_null(strstr(n[0].body, "Remediation: Enrol the user in MFA."));
	assert_string_equal(json_string_value(json_object_get(n[0].fields, "remediation")),
			    "Enrol the user in MFA.");
	release(n, c);
}

int main(void)
{
	fg_log_set_level(FG_LOG_ERROR);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify),       cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_input),          cmocka_unit_test(test_input_types),
		cmocka_unit_test(test_input_where),    cmocka_unit_test(test_input_budget),
		cmocka_unit_test(test_input_findings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
