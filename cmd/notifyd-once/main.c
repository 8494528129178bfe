/*
 * notifyd-once - Deliver pending alerts to Slack, webhooks, Teams, PagerDuty and email, then exit.
 *
 * Options into struct notifyd_opts, then inside the run skeleton (tool.h)
 * either the outbox (deliver, --dead, --requeue) or, without a database,
 * the alerts given by --stdin or --test.
 */
#include "clock.h"
#include "confcheck.h"
#include "exitcode.h"
#include "http.h"
#include "log.h"
#include "notify.h"
#include "notify_input.h"
#include "notify_run.h"
#include "notify_store.h"
#include "strlist.h"
#include "tool.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	OPT_LIMIT = 256,
	OPT_CHANNEL,
	OPT_DEAD,
	OPT_REQUEUE,
	OPT_STDIN,
	OPT_TEST,
	OPT_TO,
	OPT_DISCARD,
	OPT_SILENCES
};

static const struct fg_cli_opt opts[] = {
	{ "limit", OPT_LIMIT, true, "N", "deliver at most N notifications in this run" },
	{ "channel", OPT_CHANNEL, true, "NAME", "only this channel (repeatable, or NAME,NAME)" },
	{ "dead", OPT_DEAD, false, NULL, "list dead notifications and exit" },
	{ "requeue", OPT_REQUEUE, true, "ID|all", "make dead notifications pending again" },
	{ "to", OPT_TO, true, "CHANNEL",
	  "with --requeue: move them, and those waiting for a removed channel, to CHANNEL" },
	{ "discard", OPT_DISCARD, true, "ID|CHANNEL",
	  "give up on undelivered notifications (kept as skipped, with the reason)" },
	{ "silences", OPT_SILENCES, false, NULL,
	  "list the [silence] sections, whether active and what each muted, and exit" },
	{ "stdin", OPT_STDIN, false, NULL, "deliver alerts read as JSON from stdin to --channel" },
	{ "test", OPT_TEST, true, "CHANNEL", "send a test message through CHANNEL" },
	{ NULL, 0, false, NULL, NULL },
};

struct notifyd_opts {
	long limit;
	json_t *channels; /* array of names, or NULL */
	bool dead;
	const char *requeue; /* "all" or an id */
	const char *to;      /* --requeue target channel */
	const char *discard; /* an id or a channel name */
	bool from_stdin;
	const char *test;
	bool silences;
};

static int on_opt(void *ud, int key, const char *arg)
{
	struct notifyd_opts *o = ud;
	char *end;

	switch (key) {
	case OPT_LIMIT:
		errno = 0;
		o->limit = strtol(arg, &end, 10);
		if (errno || end == arg || *end || o->limit < 1) {
			fg_error("invalid --limit '%s': expected a positive whole number", arg);
			return FG_ERR_USAGE;
		}
		return 0;
	case OPT_CHANNEL: {
		char **items;
		int n;
		if (o->channels == NULL)
			o->channels = json_array();
		if (fg_strlist_split(arg, 0, &items, &n) < 0)
			return FG_ERR_INTERNAL;
		for (int i = 0; i < n; i++)
			json_array_append_new(o->channels, json_string(items[i]));
		fg_strlist_free(items);
		if (json_array_size(o->channels) == 0) {
			fg_error("invalid --channel '%s': expected a channel name", arg);
			return FG_ERR_USAGE;
		}
		return 0;
	}
	case OPT_DEAD:
		o->dead = true;
		return 0;
	case OPT_REQUEUE:
		if (strcmp(arg, "all") != 0) {
			errno = 0;
			long long id = strtoll(arg, &end, 10);
			if (errno || end == arg || *end || id < 1) {
				fg_error("invalid --requeue '%s': expected a notification id or 'all'", arg);
				return FG_ERR_USAGE;
			}
		}
		o->requeue = arg;
		return 0;
	case OPT_TO:
		o->to = arg;
		return 0;
	case OPT_DISCARD:
		if (*arg == '\0') {
			fg_error("invalid --discard '': expected a notification id or a channel name");
			return FG_ERR_USAGE;
		}
		o->discard = arg;
		return 0;
	case OPT_STDIN:
		o->from_stdin = true;
		return 0;
	case OPT_SILENCES:
		o->silences = true;
		return 0;
	case OPT_TEST:
		o->test = arg;
		return 0;
	}
	return FG_ERR_USAGE;
}

/* Every --channel must name a configured channel (else a usage error). */
static int check_channels(const struct fg_notify_conf *nc, json_t *channels)
{
	size_t i;
	json_t *v;
	json_array_foreach(channels, i, v)
	{
		const struct fg_channel *ch = fg_notify_channel(nc, json_string_value(v));
		if (ch == NULL) {
			fg_error("unknown channel '%s': no [channel %s] in the configuration",
				 json_string_value(v), json_string_value(v));
			return FG_ERR_USAGE;
		}
		if (ch->broken) {
			fg_error("cannot deliver to channel '%s': fix its configuration (see above)",
				 ch->name);
			return FG_ERR_CONFIG;
		}
	}
	return 0;
}

/*
 * --stdin and --test deliver without the database; --dead, --requeue,
 * --discard and --silences administer the outbox; the rest is a delivery
 * run.
 */
static int check(void *ud)
{
	const struct notifyd_opts *o = ud;

	if (o->from_stdin + (o->test != NULL) + o->dead + (o->requeue != NULL) + (o->discard != NULL) +
		    o->silences >
	    1) {
		fg_error("--stdin, --test, --dead, --requeue, --discard and --silences cannot be combined");
		return FG_ERR_USAGE;
	}
	if (o->to != NULL && o->requeue == NULL) {
		fg_error("--to needs --requeue: say which notifications to move");
		return FG_ERR_USAGE;
	}
	if (o->from_stdin || o->test)
		return FG_RUN_LOCAL;
	/* administration, not a delivery run: no job record, metrics or pings */
	return o->dead || o->requeue || o->discard || o->silences ? FG_RUN_REPORT : FG_RUN_JOB;
}

/* --stdin and --test: no database. */
static int run_direct(struct fg_tool *t, const struct notifyd_opts *o)
{
	struct fg_notify_conf nc = { 0 };
	struct fg_notify_summary s;
	struct fg_notification *n = NULL;
	int count = 0, rc;
	const char **names = NULL;

	fg_notify_summary_init(&s);
	if ((rc = fg_notify_conf_load(t->cfg, &nc)) < 0)
		goto out;
	if (o->test) {
		json_t *one = json_pack("[s]", o->test);
		rc = check_channels(&nc, one);
		json_decref(one);
		if (rc < 0)
			goto out;
		if ((n = fg_notify_test_message(o->test)) == NULL) {
			rc = FG_ERR;
			goto out;
		}
		count = 1;
	} else {
		if (o->channels == NULL) {
			fg_error("--stdin needs --channel NAME: where to deliver the alerts");
			rc = FG_ERR_USAGE;
			goto out;
		}
		if ((rc = check_channels(&nc, o->channels)) < 0)
			goto out;
		size_t nch = json_array_size(o->channels);
		if ((names = calloc(nch + 1, sizeof(*names))) == NULL) {
			rc = FG_ERR;
			goto out;
		}
		for (size_t i = 0; i < nch; i++)
			names[i] = json_string_value(json_array_get(o->channels, i));
		enum fg_severity floor;
		if ((rc = fg_notify_input_floor(t->cfg, &floor)) < 0)
			goto out;
		if ((rc = fg_notify_read_input(stdin, names, (int)nch, floor, &n, &count)) < 0)
			goto out;
	}
	struct fg_notify_opts ro = { .dry_run = t->cli.dry_run, .json = t->cli.json, .out = stdout };
	if ((rc = fg_http_global_init()) < 0)
		goto out;
	rc = fg_notify_direct(&nc, n, count, &ro, &s);
	fg_http_global_cleanup();
	if (rc == 0 && !t->cli.dry_run) {
		if (t->cli.json)
			fg_notify_summary_print(&s, stdout);
		else if (o->test)
			printf("test message to '%s': %s\n", o->test,
			       s.sent   ? "sent"
			       : s.dead ? "refused (see the error above)"
					: "not delivered, try again later");
	}
	if (rc == 0)
		rc = fg_notify_exit_status(&s);
out:
	for (int i = 0; i < count; i++)
		fg_notification_release(&n[i]);
	free(n);
	free(names);
	fg_notify_summary_release(&s);
	fg_notify_conf_release(&nc);
	return rc;
}

/* --requeue: make dead notifications pending again. */
/* Refuse to change the outbox on a dry run: 0 or FG_ERR_USAGE. */
static int writes(const struct fg_tool *t, const char *opt)
{
	if (!t->cli.dry_run)
		return 0;
	fg_error("%s changes the outbox; it cannot run with --dry-run", opt);
	return FG_ERR_USAGE;
}

/* --requeue [--to]: make dead notifications pending again, or move them. */
static int requeue(struct fg_tool *t, const struct notifyd_opts *o, const struct fg_notify_conf *nc)
{
	const char *what = o->requeue;
	long n = 0, clashes = 0;
	char *configured;
	json_t *names;
	int rc;

	if ((rc = writes(t, "--requeue")) < 0)
		return rc;
	if (o->to != NULL && fg_notify_channel(nc, o->to) == NULL) {
		fg_error("unknown channel '%s' in --to: no [channel %s] in the configuration", o->to, o->to);
		return FG_ERR_USAGE;
	}
	names = json_array();
	for (int i = 0; i < nc->nchannels; i++)
		json_array_append_new(names, json_string(nc->channels[i].name));
	configured = json_dumps(names, JSON_COMPACT);
	json_decref(names);
	if (configured == NULL)
		return FG_ERR_INTERNAL;
	rc = fg_store_requeue(t->db, strcmp(what, "all") == 0 ? 0 : strtoll(what, NULL, 10), o->to,
			      configured, &n, &clashes);
	free(configured);
	if (rc == 0 && n == 0 && clashes == 0 && strcmp(what, "all") != 0) {
		fg_error("cannot requeue notification %s: no dead notification%s with that id", what,
			 o->to ? ", or one waiting for a removed channel," : "");
		rc = FG_ERR_DATA;
	}
	if (rc == 0 && clashes > 0)
		fg_warn("%ld notification%s left as they were: '%s' already has the same alert%s", clashes,
			clashes == 1 ? "" : "s", o->to, clashes == 1 ? "" : "s");
	/* the one thing --requeue does, said on stdout as its result */
	if (rc == 0 && t->cli.json)
		printf("{\"requeued\": %ld}\n", n);
	else if (rc == 0 && o->to)
		printf("requeued %ld notification%s to '%s'\n", n, n == 1 ? "" : "s", o->to);
	else if (rc == 0)
		printf("requeued %ld dead notification%s\n", n, n == 1 ? "" : "s");
	fg_tool_count(t, "requeued", n);
	return rc;
}

/* --discard ID|CHANNEL: give up on undelivered notifications, on record. */
static int discard(struct fg_tool *t, const char *what)
{
	char *end;
	long long id;
	long n = 0;
	int rc;

	if ((rc = writes(t, "--discard")) < 0)
		return rc;
	errno = 0;
	id = strtoll(what, &end, 10);
	bool by_id = errno == 0 && end != what && *end == '\0' && id > 0;
	rc = fg_store_discard(t->db, by_id ? id : 0, by_id ? NULL : what, &n);
	if (rc == 0 && n == 0) {
		fg_error(by_id ? "cannot discard notification %s: no undelivered notification with that id"
			       : "cannot discard for channel '%s': it has no undelivered notification",
			 what);
		return FG_ERR_DATA;
	}
	if (rc == 0 && t->cli.json)
		printf("{\"discarded\": %ld}\n", n);
	else if (rc == 0)
		printf("discarded %ld notification%s (kept as skipped)\n", n, n == 1 ? "" : "s");
	return rc;
}

/* Claim the due notifications of channels (a JSON array) and deliver them. */
static int deliver(struct fg_tool *t, const struct notifyd_opts *o, const struct fg_notify_conf *nc,
		   const char *channels)
{
	struct fg_notify_summary s;
	struct fg_notify_opts ro = { .limit = o->limit,
				     .channels = channels,
				     .dry_run = t->cli.dry_run,
				     .json = t->cli.json,
				     .out = stdout };
	int rc;

	fg_notify_summary_init(&s);
	if ((rc = fg_http_global_init()) == 0) {
		rc = fg_notify_run(t->db, nc, &ro, &s);
		fg_http_global_cleanup();
	}
	fg_tool_count(t, "claimed", s.claimed);
	fg_tool_count(t, "sent", s.sent);
	fg_tool_count(t, "retried", s.retried);
	fg_tool_count(t, "dead", s.dead);
	fg_tool_count(t, "skipped", s.skipped);
	fg_tool_count(t, "deferred", s.deferred);
	fg_tool_count(t, "held", s.held);
	fg_tool_count(t, "left", s.left);
	if (rc == 0)
		fg_info("%s %ld notification%s: %ld sent, %ld retried, %ld dead, %ld skipped, %ld deferred,"
			" %ld held, %ld left in %.3f s",
			t->cli.dry_run ? "would deliver" : "claimed", s.claimed, s.claimed == 1 ? "" : "s",
			s.sent, s.retried, s.dead, s.skipped, s.deferred, s.held, s.left,
			fg_elapsed_since(&t->t0));
	if (rc == 0 && t->cli.json && !t->cli.dry_run)
		fg_notify_summary_print(&s, stdout);
	if (rc == 0)
		rc = fg_notify_exit_status(&s);
	fg_notify_summary_release(&s);
	return rc;
}

/* The outbox: --dead, --requeue, or a delivery run. */
static int run_outbox(struct fg_tool *t, const struct notifyd_opts *o)
{
	struct fg_notify_conf nc = { 0 };
	char *channels = NULL;
	int rc = fg_notify_conf_load(t->cfg, &nc);
	bool admin = o->dead || o->requeue || o->discard || o->silences;

	if (rc == 0 && o->channels)
		rc = check_channels(&nc, o->channels);
	if (rc == 0) {
		/* without --channel: every configured channel, and no other;
		 * a broken one keeps its notifications pending */
		json_t *all = o->channels ? json_incref(o->channels) : json_array();
		json_t *usable = o->channels ? json_incref(o->channels) : json_array();
		for (int i = 0; !o->channels && i < nc.nchannels; i++) {
			json_array_append_new(all, json_string(nc.channels[i].name));
			if (!nc.channels[i].broken)
				json_array_append_new(usable, json_string(nc.channels[i].name));
		}
		channels = json_dumps(all, JSON_COMPACT);
		if (!o->channels && !admin)
			rc = fg_notify_warn_unknown(t->db, channels);
		if (!admin) {
			free(channels);
			channels = json_dumps(usable, JSON_COMPACT);
		}
		json_decref(all);
		json_decref(usable);
	}
	if (rc == 0 && o->dead)
		rc = fg_notify_print_dead(t->db, o->channels ? channels : NULL, t->cli.json, stdout);
	else if (rc == 0 && o->requeue)
		rc = requeue(t, o, &nc);
	else if (rc == 0 && o->discard)
		rc = discard(t, o->discard);
	else if (rc == 0 && o->silences)
		rc = fg_silence_print(t->db, &nc.silences, fg_today(), t->cli.json, stdout);
	else if (rc == 0)
		rc = deliver(t, o, &nc, channels);
	/* the others were delivered; the broken ones need a person */
	if (rc >= 0 && nc.nbroken > 0 && !admin)
		rc = FG_ERR_CONFIG;
	free(channels);
	fg_notify_conf_release(&nc);
	return rc;
}

static int run(struct fg_tool *t, void *ud)
{
	const struct notifyd_opts *o = ud;

	return t->mode == FG_RUN_LOCAL ? run_direct(t, o) : run_outbox(t, o);
}

static void release(void *ud)
{
	struct notifyd_opts *o = ud;

	json_decref(o->channels);
}

/* Sections whose secrets this tool uses: channels and [email] are checked one by one as they load, so one broken channel stops only itself. */
static const char *const sections[] = { "database", "notify", "monitoring", NULL };

static const struct fg_tool_def def = {
	.info = { "notifyd-once",
		  "Deliver pending alerts to Slack, webhooks, Teams, PagerDuty and email, then exit.", opts,
		  NULL },
	.on_opt = on_opt,
	.check = check,
	.run = run,
	.release = release,
	.sections = sections,
	.check_config = fg_confcheck,
};

int main(int argc, char **argv)
{
	struct notifyd_opts o = { 0 };
	return fg_tool_main(&def, &o, argc, argv);
}
