/* Slack payloads escape &, < and > so names cannot mention @channel. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "channel.h"
#include "channel_render.h"

static void test_no_mrkdwn_injection(void **state)
{
	(void)state;
	struct fg_notification n = { 0 };
	n.kind = "finding";
	n.severity = FG_SEV_CRITICAL;
	n.title = "user <!channel> & <https://evil.example|click> found";
	n.body = "subject <!here> > 1";
	n.fields = json_pack("{s:s, s:s, s:s}", "rule", "stale-user", "subject", "<!everyone>", "connector",
			     "a&b");
	json_t *p = fg_slack_payload(&n);
	assert_non_null(p);
	char *s = json_dumps(p, 0);
	assert_non_null(s);
	assert_null(strstr(s, "<!channel>"));
	assert_null(strstr(s, "<!here>"));
	assert_null(strstr(s, "<!everyone>"));
	assert_null(strstr(s, "<https://"));
	assert_non_null(strstr(s, "&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;"));
	assert_non_null(strstr(s, "a&amp;b"));
	json_t *att = json_array_get(json_object_get(p, "attachments"), 0);
	assert_string_equal(json_string_value(json_object_get(att, "text")), "subject &lt;!here&gt; &gt; 1");
	free(s);
	json_decref(p);
	json_decref(n.fields);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_mrkdwn_injection),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
