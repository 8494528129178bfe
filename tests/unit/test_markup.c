/* Text from the outside never becomes markup in any channel: a user named
 * "[Reset your password](https://evil.example)" is not a link in Teams,
 * Slack, e-mail or PagerDuty, and a line break cannot forge a line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "channel.h"
#include "channel_render.h"
#include "email.h"

#define EVIL "[Reset your password](https://evil.example)"

/* Every Markdown-special character of s is escaped by a backslash. */
static bool markdown_inert(const char *s)
{
	for (size_t i = 0; s[i]; i++) {
		if (s[i] == '\\') {
			if (s[i + 1] == '\0')
				return false;
			i++;
			continue;
		}
		if (strchr("`*_[](){}<>~|#!", s[i]) != NULL)
			return false;
	}
	return true;
}

static struct fg_notification evil(void)
{
	struct fg_notification n = { 0 };
	n.channel = "ops";
	n.kind = "finding";
	n.severity = FG_SEV_HIGH;
	n.title = "user " EVIL " has no MFA";
	n.body = "- **click** <https://evil.example>\n1. `x` ![i](https://evil.example/i.png)";
	n.fields = json_pack("{s:s, s:s, s:s}", "rule", "user-password-no-mfa", "subject", EVIL, "evidence",
			     "a_b *c* ~d~ | e #f");
	return n;
}

static void test_markdown_escape(void **state)
{
	(void)state;
	char *s = fg_markdown_escape(EVIL);
	assert_string_equal(s, "\\[Reset your password\\]\\(https://evil.example\\)");
	free(s);
	s = fg_markdown_escape("- a\n  + b\n12. c 12.50 a-b");
	assert_string_equal(s, "\\- a\n  \\+ b\n12\\. c 12.50 a-b");
	free(s);
	s = fg_markdown_escape("\\[x]");
	assert_string_equal(s, "\\\\\\[x\\]");
	free(s);
}

static void check_teams_strings(json_t *v, int *seen)
{
	const char *k;
	json_t *x;
	size_t i;

	if (json_is_object(v)) {
		json_object_foreach(v, k, x)
		{
			if ((strcmp(k, "text") == 0 || strcmp(k, "title") == 0 || strcmp(k, "value") == 0) &&
			    json_is_string(x)) {
				assert_true(markdown_inert(json_string_value(x)));
				(*seen)++;
			} else {
				check_teams_strings(x, seen);
			}
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x) check_teams_strings(x, seen);
	}
}

static void test_teams(void **state)
{
	(void)state;
	struct fg_notification n = evil();
	json_t *p = fg_teams_payload(&n);
	int seen = 0;
	assert_non_null(p);
	check_teams_strings(p, &seen);
	assert_true(seen >= 8); /* title, body, 3 facts x (title, value), severity */
	char *s = json_dumps(p, 0);
	assert_null(strstr(s, EVIL));
	free(s);
	json_decref(p);
	json_decref(n.fields);
}

static void test_other_channels(void **state)
{
	(void)state;
	struct fg_notification n = evil();
	n.title = "user " EVIL "\nSeverity: resolved <https://evil.example|ok>";

	/* Slack: no <...> link or mention survives */
	json_t *p = fg_slack_payload(&n);
	char *s = json_dumps(p, 0);
	assert_null(strstr(s, "<https://"));
	free(s);
	json_decref(p);

	/* PagerDuty shows plain text: one line, nothing forged after a break */
	p = fg_pagerduty_payload(&n, "routingkey0000000000000000000000");
	const char *sum = json_string_value(json_object_get(json_object_get(p, "payload"), "summary"));
	assert_non_null(sum);
	assert_null(strpbrk(sum, "\r\n"));
	json_decref(p);

	/* webhook: data for programs, passed exactly as given */
	p = fg_webhook_payload(&n);
	assert_string_equal(json_string_value(json_object_get(p, "title")), n.title);
	json_decref(p);

	/* e-mail: HTML-escaped, no tag from the outside */
	char *subject = NULL, *text = NULL, *html = NULL;
	assert_int_equal(fg_email_compose(&n, &subject, &text, &html), 0);
	assert_null(strstr(html, "<https://"));
	assert_null(strstr(html, "evil.example|ok>"));
	assert_non_null(strstr(html, "&lt;https://evil.example|ok&gt;"));
	free(subject);
	free(text);
	free(html);
	json_decref(n.fields);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_markdown_escape),
		cmocka_unit_test(test_teams),
		cmocka_unit_test(test_other_channels),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
