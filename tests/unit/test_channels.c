/* The table of channel types: every type has ops, names resolve both ways,
 * every entry can load, render and classify, and the generic loader asks
 * each type for what it needs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "channel.h"
#include "config.h"
#include "exitcode.h"
#include "http.h"
#include "notify.h"

static void test_table(void **state)
{
	(void)state;
	for (int i = 0; i < FG_CHAN_NTYPES; i++) {
		enum fg_chan_type t = (enum fg_chan_type)i, back = FG_CHAN_NTYPES;
		const struct fg_channel_ops *ops = fg_channel_ops_of(t);
		assert_non_null(ops);
		assert_non_null(ops->type);
		assert_true(ops->type[0] != '\0');
		assert_non_null(ops->render);
		assert_non_null(ops->classify);
		/* a type without a URL of its own must say where it sends */
		if (!ops->needs_url)
			assert_non_null(ops->where);
		assert_string_equal(fg_chan_type_name(t), ops->type);
		assert_int_equal(fg_chan_type_parse(ops->type, &back), 0);
		assert_int_equal(back, t);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(fg_channel_ops_of((enum fg_chan_type)j)->type, ops->type);
	}
	enum fg_chan_type t = FG_CHAN_SLACK;
	assert_null(fg_channel_ops_of(FG_CHAN_NTYPES));
	assert_string_equal(fg_chan_type_name(FG_CHAN_NTYPES), "?");
	assert_int_equal(fg_chan_type_parse("carrier-pigeon", &t), -1);
	assert_int_equal(fg_chan_type_parse("", &t), -1);
	/* the names the configuration documents */
	static const char *names[] = { "slack", "webhook", "teams", "pagerduty", "email" };
	assert_int_equal(FG_CHAN_NTYPES, sizeof(names) / sizeof(names[0]));
	for (int i = 0; i < FG_CHAN_NTYPES; i++)
		assert_string_equal(fg_chan_type_name((enum fg_chan_type)i), names[i]);
}

static const char conf_text[] = "[email]\nfrom = flakeguard <alerts@example.com>\n"
				"smtp_url = smtp://127.0.0.1:2525\n"
				"[channel s]\ntype = slack\nurl = https://hooks.example.com/s\n"
				"[channel w]\ntype = webhook\nurl = https://hooks.example.com/w\n"
				"secret = k\nheader = X-Team: finops\n"
				"[channel t]\ntype = teams\nurl = https://hooks.example.com/t\n"
				"[channel p]\ntype = pagerduty\nrouting_key = R0UTINGKEY\n"
				"[channel e]\ntype = email\nto = ops@example.com, cto@example.com\n";

/* Every type loads from its section and renders a request. */
static void test_load_render(void **state)
{
	(void)state;
	struct fg_config *cfg;
	struct fg_notify_conf nc;
	assert_int_equal(fg_config_load_string(conf_text, "t.conf", &cfg), 0);
	assert_int_equal(fg_notify_conf_load(cfg, &nc), 0);
	assert_int_equal(nc.nchannels, FG_CHAN_NTYPES);

	struct fg_notification n = { .id = 7,
				     .channel = "x",
				     .kind = "budget",
				     .severity = FG_SEV_HIGH,
				     .title = "budget prod passed 90%",
				     .body = "spend",
				     .dedup_key = "d",
				     .created_at = 1773568800 };
	n.fields = json_loads("{\"budget\":\"prod\"}", 0, NULL);
	for (int i = 0; i < nc.nchannels; i++) {
		const struct fg_channel *ch = &nc.channels[i];
		struct fg_request req;
		char err[256];
		assert_ptr_equal(ch->ops, fg_channel_ops_of(ch->type));
		assert_non_null(fg_channel_where(ch));
		fg_request_init(&req);
		assert_int_equal(fg_channel_render(ch, &n, &req, err, sizeof(err)), 0);
		assert_string_equal(err, "");
		assert_non_null(req.url);
		assert_non_null(req.body);
		fg_request_release(&req);
	}
	/* the type's defaults: PagerDuty's endpoint, Slack's rate */
	assert_string_equal(fg_notify_channel(&nc, "p")->url, "https://events.pagerduty.com/v2/enqueue");
	assert_true(fg_notify_channel(&nc, "s")->rate_per_sec == 1.0);
	assert_true(fg_notify_channel(&nc, "w")->rate_per_sec == 0.0);
	json_decref(n.fields);
	fg_notify_conf_release(&nc);
	fg_config_free(cfg);
}

/* Each type's required keys are asked for by the type, FILE:LINE first. */
static void expect_refused(const char *text, const char *msg)
{
	struct fg_config *cfg;
	struct fg_notify_conf nc;
	assert_int_equal(fg_config_load_string(text, "t.conf", &cfg), 0);
	capture_begin();
	int rc = fg_notify_conf_load(cfg, &nc);
	capture_end();
	/* a bad channel or [email] is marked broken; the rest still loads */
	if (rc == 0)
		assert_true(nc.nbroken > 0);
	else
		assert_int_equal(rc, FG_ERR_CONFIG);
	if (strstr(capture_buf, msg) == NULL)
		fail_msg("expected '%s' in '%s'", msg, capture_buf);
	fg_notify_conf_release(&nc);
	fg_config_free(cfg);
}

static void test_required_keys(void **state)
{
	(void)state;
	expect_refused(
		"[channel a]\ntype = pigeon\n",
		"t.conf:2: type: unknown channel type 'pigeon' (slack, webhook, teams, pagerduty, email)");
	expect_refused("[channel a]\nurl = https://x.example/y\n",
		       "channel 'a' has no type (slack, webhook, teams, pagerduty, email)");
	expect_refused("[channel a]\ntype = slack\n", "channel 'a' needs a url (or url_file)");
	expect_refused("[channel a]\ntype = pagerduty\n", "channel 'a' needs a routing_key");
	expect_refused("[channel a]\ntype = email\n", "email channel 'a' needs 'to' recipients");
	expect_refused("[channel a]\ntype = email\nto = a@example.com\n",
		       "email channel 'a' needs an [email] section with 'from'");
	/* header lines are checked whatever the type */
	expect_refused("[channel a]\ntype = slack\nurl = https://x.example/y\nheader = nocolon\n",
		       "header of channel 'a' must be 'Name: value' on one line");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_load_render),
		cmocka_unit_test(test_required_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
