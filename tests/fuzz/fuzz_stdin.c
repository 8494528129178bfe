/*
 * libFuzzer harness: the --stdin alert reader, then every renderer.  Each
 * payload must be valid JSON, and text from the input must never become
 * markup: no unescaped Markdown in a Teams card, no <...> in a Slack
 * message, no line break in a PagerDuty summary, no tag from the input in
 * an e-mail's HTML part.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "email.h"
#include "log.h"
#include "notify_input.h"
#include "channel.h"
#include "channel_render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum kind {
	PLAIN,
	SLACK,
	TEAMS,
	PAGERDUTY
};

/* Every Markdown-special character of s is escaped by a backslash. */
static int markdown_inert(const char *s)
{
	for (size_t i = 0; s[i]; i++) {
		if (s[i] == '\\') {
			if (s[++i] == '\0')
				return 0;
		} else if (strchr("`*_[](){}<>~|#!", s[i]) != NULL) {
			return 0;
		}
	}
	return 1;
}

/* The text, title and value strings of a Teams card are inert. */
static void check_teams(json_t *v)
{
	const char *k;
	json_t *x;
	size_t i;

	if (json_is_object(v)) {
		json_object_foreach(v, k, x)
		{
			if ((strcmp(k, "text") == 0 || strcmp(k, "title") == 0 || strcmp(k, "value") == 0) &&
			    json_is_string(x)) {
				if (!markdown_inert(json_string_value(x)))
					abort();
			} else {
				check_teams(x);
			}
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x) check_teams(x);
	}
}

/* Every tag of an e-mail's HTML part is one the template writes. */
static int html_tags_known(const char *html)
{
	static const char *const tags[] = { "<!DOCTYPE html>",
					    "<html>",
					    "</html>",
					    "<body>",
					    "</body>",
					    "<h2 style=",
					    "</h2>",
					    "<p>",
					    "<p style=",
					    "</p>",
					    "<table>",
					    "</table>",
					    "<tr>",
					    "</tr>",
					    "<th align=",
					    "</th>",
					    "<td>",
					    "</td>",
					    "<small>",
					    "</small>",
					    NULL };
	for (const char *p = strchr(html, '<'); p; p = strchr(p + 1, '<')) {
		int ok = 0;
		for (int t = 0; tags[t] && !ok; t++)
			ok = strncmp(p, tags[t], strlen(tags[t])) == 0;
		if (!ok)
			return 0;
	}
	return 1;
}

/* Every payload must serialise to JSON that parses back, markup-free. */
static void check_json(json_t *p, enum kind kind)
{
	if (p == NULL)
		return;
	char *s = json_dumps(p, 0);
	if (s == NULL)
		abort();
	json_t *back = json_loads(s, 0, NULL);
	if (back == NULL)
		abort();
	if (kind == SLACK && strchr(s, '<') != NULL)
		abort(); /* a Slack payload never carries a link or mention */
	if (kind == TEAMS)
		check_teams(p);
	if (kind == PAGERDUTY) {
		const char *sum =
			json_string_value(json_object_get(json_object_get(p, "payload"), "summary"));
		for (; sum && *sum; sum++)
			if ((unsigned char)*sum < 0x20 || *sum == 0x7f)
				abort();
	}
	json_decref(back);
	free(s);
	json_decref(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const channels[] = { "ops" };
	struct fg_notification *v = NULL;
	int n = 0;

	fg_log_set_level(FG_LOG_ERROR);
	if (fg_notify_parse_input((const char *)data, size, channels, 1, &v, &n) != 0)
		return 0;
	for (int i = 0; i < n; i++) {
		check_json(fg_slack_payload(&v[i]), SLACK);
		check_json(fg_teams_payload(&v[i]), TEAMS);
		check_json(fg_webhook_payload(&v[i]), PLAIN);
		check_json(fg_pagerduty_payload(&v[i], "routingkey0000000000000000000000"), PAGERDUTY);
		char *subject = NULL, *text = NULL, *html = NULL;
		if (fg_email_compose(&v[i], &subject, &text, &html) == 0) {
			if (html && !html_tags_known(html))
				abort();
			const char *to[] = { "ops@example.com" };
			struct fg_email_msg m = {
				"flakeguard <a@example.com>", NULL, to, 1, subject, text, html, 0,
				"<id@example.com>",           "=_b"
			};
			char err[256];
			char *msg = fg_email_render(&m, err, sizeof(err));
			if (msg != NULL) {
				/* headers end at the first empty line; none may be injected */
				char *end = strstr(msg, "\r\n\r\n");
				if (end == NULL)
					abort();
				for (char *p = msg; p < end; p++)
					if ((*p == '\n' && p[-1] != '\r') || (*p == '\r' && p[1] != '\n'))
						abort();
				free(msg);
			}
		}
		free(subject);
		free(text);
		free(html);
		fg_notification_release(&v[i]);
	}
	free(v);
	return 0;
}
