/*
 * libFuzzer harness: alerts on stdin (notifyd-once --stdin) and every
 * renderer they reach.  Whatever the input, parsing either fails cleanly
 * or yields notifications whose Slack, Teams, webhook and PagerDuty
 * payloads build (valid UTF-8 for jansson) and whose e-mail is refused or
 * has CRLF line ends only.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "email.h"
#include "log.h"
#include "notify_input.h"
#include "notify_render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(json_t *o)
{
	if (o == NULL)
		abort();
	json_decref(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *ch[] = { "ops" };
	struct fg_notification *n = NULL;
	int count = 0;
	char *buf = malloc(size + 1);

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	if (fg_notify_parse_input(buf, size, ch, 1, &n, &count) == 0) {
		for (int i = 0; i < count && i < 8; i++) {
			check(fg_slack_payload(&n[i]));
			check(fg_teams_payload(&n[i]));
			check(fg_webhook_payload(&n[i]));
			check(fg_pagerduty_payload(&n[i], "key"));
			char *subj, *text, *html, err[128];
			if (fg_email_compose(&n[i], &subj, &text, &html) != 0)
				abort();
			const char *to[] = { "a@example.com" };
			struct fg_email_msg m = { .from = "x <a@example.com>", .to = to, .nto = 1,
						  .subject = subj, .text = text, .html = html, .date = 0,
						  .message_id = "<m@example.com>", .boundary = "b" };
			char *msg = fg_email_render(&m, err, sizeof(err));
			for (char *p = msg; p && *p; p++)
				if ((*p == '\n' && (p == msg || p[-1] != '\r')) || (*p == '\r' && p[1] != '\n'))
					abort();
			free(msg);
			free(subj);
			free(text);
			free(html);
		}
		for (int i = 0; i < count; i++)
			fg_notification_release(&n[i]);
		free(n);
	}
	free(buf);
	return 0;
}
