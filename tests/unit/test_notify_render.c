/* Channel payloads: Slack, Teams, webhook (with HMAC), PagerDuty. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "channel.h"
#include "channel_render.h"

static struct fg_notification budget(enum fg_severity sev)
{
	struct fg_notification n = { 0 };
	n.id = 42;
	n.channel = "ops";
	n.kind = "budget";
	n.severity = sev;
	n.title = "budget prod passed 90%";
	n.body = "spend 912.50 of 1000.00 USD";
	n.fields = json_loads("{\"budget\":\"prod\",\"connector\":\"prod\",\"kind\":\"actual\","
			      "\"threshold\":90,\"spend\":\"912.50\",\"amount\":\"1000.00\","
			      "\"currency\":\"USD\",\"percent\":\"91.25\",\"remaining\":\"87.50\","
			      "\"period\":\"monthly\",\"forecast\":\"1180.00\"}",
			      0, NULL);
	n.dedup_key = "budget:prod:2026-03-01:actual:90";
	n.created_at = 1773568800;
	return n;
}

static void test_slack(void **state)
{
	(void)state;
	struct fg_notification n = budget(FG_SEV_CRITICAL);
	json_t *o = fg_slack_payload(&n);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "text")),
			    "[critical] budget prod passed 90%");
	json_t *att = json_array_get(json_object_get(o, "attachments"), 0);
	assert_string_equal(json_string_value(json_object_get(att, "color")), "danger");
	assert_string_equal(json_string_value(json_object_get(att, "title")), n.title);
	json_t *fields = json_object_get(att, "fields");
	assert_int_equal(json_array_size(fields), 8);
	assert_string_equal(json_string_value(json_object_get(json_array_get(fields, 0), "title")), "budget");
	assert_string_equal(json_string_value(json_object_get(json_array_get(fields, 1), "value")), "90%");
	assert_string_equal(json_string_value(json_object_get(json_array_get(fields, 2), "value")),
			    "912.50 USD");
	assert_string_equal(json_string_value(json_object_get(json_array_get(fields, 7), "title")),
			    "forecast");
	assert_int_equal(json_integer_value(json_object_get(att, "ts")), 1773568800);
	json_decref(o);
	json_decref(n.fields);

	n = budget(FG_SEV_LOW);
	o = fg_slack_payload(&n);
	att = json_array_get(json_object_get(o, "attachments"), 0);
	assert_string_equal(json_string_value(json_object_get(att, "color")), "good");
	json_decref(o);
	json_decref(n.fields);
}

static void test_slack_finding(void **state)
{
	(void)state;
	struct fg_notification n = { .channel = "ops",
				     .kind = "finding",
				     .severity = FG_SEV_HIGH,
				     .title = "user-password-no-mfa: ALICE",
				     .body = "" };
	n.fields = json_loads("{\"rule\":\"user-password-no-mfa\",\"subject\":\"ALICE\","
			      "\"evidence\":{\"has_password\":true},\"extra\":1}",
			      0, NULL);
	json_t *o = fg_slack_payload(&n);
	json_t *fields = json_object_get(json_array_get(json_object_get(o, "attachments"), 0), "fields");
	assert_int_equal(json_array_size(fields), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(fields, 2), "value")),
			    "{\"has_password\":true}");
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(o, "attachments"), 0), "color")),
			    "warning");
	json_decref(o);
	json_decref(n.fields);
}

static void test_slack_long_title(void **state)
{
	(void)state;
	char title[2001];
	for (int i = 0; i < 1000; i++)
		memcpy(title + 2 * i, "\xc3\xa9", 2);
	title[2000] = '\0';
	struct fg_notification n = {
		.channel = "ops", .kind = "generic", .severity = FG_SEV_INFO, .title = title, .body = ""
	};
	n.fields = json_object();
	json_t *o = fg_slack_payload(&n); /* jansson refuses invalid UTF-8 */
	assert_non_null(o);
	assert_true(strlen(json_string_value(json_object_get(o, "text"))) < 600);
	json_decref(o);
	json_decref(n.fields);
	char s[] = "ab\xc3";
	fg_utf8_trim(s);
	assert_string_equal(s, "ab");
	char t[] = "ab\xc3\xa9";
	fg_utf8_trim(t);
	assert_string_equal(t, "ab\xc3\xa9");
}

static void test_teams(void **state)
{
	(void)state;
	struct fg_notification n = budget(FG_SEV_HIGH);
	json_t *o = fg_teams_payload(&n);
	assert_string_equal(json_string_value(json_object_get(o, "type")), "message");
	json_t *a = json_array_get(json_object_get(o, "attachments"), 0);
	assert_string_equal(json_string_value(json_object_get(a, "contentType")),
			    "application/vnd.microsoft.card.adaptive");
	json_t *card = json_object_get(a, "content");
	assert_string_equal(json_string_value(json_object_get(card, "type")), "AdaptiveCard");
	assert_string_equal(json_string_value(json_object_get(card, "version")), "1.4");
	json_t *body = json_object_get(card, "body");
	assert_string_equal(json_string_value(json_object_get(json_array_get(body, 0), "color")), "Warning");
	json_t *facts = json_object_get(json_array_get(body, 2), "facts");
	assert_int_equal(json_array_size(facts), 9); /* 8 budget facts + severity */
	json_decref(o);
	json_decref(n.fields);
}

static void test_webhook(void **state)
{
	(void)state;
	struct fg_notification n = budget(FG_SEV_MEDIUM);
	json_t *o = fg_webhook_payload(&n);
	assert_int_equal(json_integer_value(json_object_get(o, "version")), 1);
	assert_int_equal(json_integer_value(json_object_get(o, "id")), 42);
	assert_string_equal(json_string_value(json_object_get(o, "severity")), "medium");
	assert_string_equal(json_string_value(json_object_get(o, "created_at")), "2026-03-15T10:00:00Z");
	assert_string_equal(json_string_value(json_object_get(json_object_get(o, "fields"), "spend")),
			    "912.50");
	json_decref(o);
	json_decref(n.fields);
}

static void test_hmac(void **state)
{
	(void)state;
	char hex[65];
	const char *data = "what do ya want for nothing?";
	/* RFC 4231 test case 2 */
	assert_int_equal(fg_webhook_sign("Jefe", data, strlen(data), hex), 0);
	assert_string_equal(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

static void test_pagerduty(void **state)
{
	(void)state;
	struct fg_notification n = budget(FG_SEV_HIGH);
	json_t *o = fg_pagerduty_payload(&n, "R0UTINGKEY");
	assert_string_equal(json_string_value(json_object_get(o, "routing_key")), "R0UTINGKEY");
	assert_string_equal(json_string_value(json_object_get(o, "event_action")), "trigger");
	assert_string_equal(json_string_value(json_object_get(o, "dedup_key")), n.dedup_key);
	json_t *p = json_object_get(o, "payload");
	assert_string_equal(json_string_value(json_object_get(p, "severity")), "error");
	assert_string_equal(json_string_value(json_object_get(p, "source")), "flakeguard");
	assert_string_equal(json_string_value(json_object_get(p, "component")), "prod");
	assert_string_equal(json_string_value(json_object_get(json_object_get(p, "custom_details"), "spend")),
			    "912.50 USD");
	json_decref(o);

	/* severity mapping, summary cut at 1024 bytes on a character boundary */
	static const struct {
		enum fg_severity s;
		const char *pd;
	} map[] = {
		{ FG_SEV_CRITICAL, "critical" }, { FG_SEV_HIGH, "error" }, { FG_SEV_MEDIUM, "warning" },
		{ FG_SEV_LOW, "info" },          { FG_SEV_INFO, "info" },
	};
	char *title = malloc(3001);
	for (int i = 0; i < 1500; i++)
		memcpy(title + 2 * i, "\xc3\xa9", 2); /* é */
	title[3000] = '\0';
	n.title = title;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		n.severity = map[i].s;
		o = fg_pagerduty_payload(&n, "R0UTINGKEY");
		p = json_object_get(o, "payload");
		assert_non_null(p); /* valid UTF-8 or jansson would refuse it */
		assert_string_equal(json_string_value(json_object_get(p, "severity")), map[i].pd);
		assert_true(strlen(json_string_value(json_object_get(p, "summary"))) <= 1024);
		json_decref(o);
	}
	/* an over-long dedup key is hashed to fit PagerDuty's 255 characters */
	char longkey[400];
	memset(longkey, 'k', sizeof(longkey) - 1);
	longkey[sizeof(longkey) - 1] = '\0';
	n.dedup_key = longkey;
	o = fg_pagerduty_payload(&n, "R0UTINGKEY");
	assert_int_equal(strlen(json_string_value(json_object_get(o, "dedup_key"))), 64);
	json_decref(o);
	free(title);
	json_decref(n.fields);
}

static void test_html_escape(void **state)
{
	(void)state;
	char *s = fg_html_escape("<b>\"A&B\"</b> 'x'");
	assert_string_equal(s, "&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt; &#39;x&#39;");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slack),
		cmocka_unit_test(test_slack_finding),
		cmocka_unit_test(test_slack_long_title),
		cmocka_unit_test(test_teams),
		cmocka_unit_test(test_webhook),
		cmocka_unit_test(test_hmac),
		cmocka_unit_test(test_pagerduty),
		cmocka_unit_test(test_html_escape),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
