/* libFuzzer harness: the --stdin alert reader, then every renderer. */
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

/* Every payload must serialise to JSON that parses back. */
static void check_json(json_t *p, int slack)
{
	if (p == NULL)
		return;
	char *s = json_dumps(p, 0);
	if (s == NULL)
		abort();
	json_t *back = json_loads(s, 0, NULL);
	if (back == NULL)
		abort();
	if (slack && strstr(s, "<!channel>") != NULL)
		abort(); /* a Slack payload must never carry a raw mention */
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
		check_json(fg_slack_payload(&v[i]), 1);
		check_json(fg_teams_payload(&v[i]), 0);
		check_json(fg_webhook_payload(&v[i]), 0);
		check_json(fg_pagerduty_payload(&v[i], "routingkey0000000000000000000000"), 0);
		char *subject = NULL, *text = NULL, *html = NULL;
		if (fg_email_compose(&v[i], &subject, &text, &html) == 0) {
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
