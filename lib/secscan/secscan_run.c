/*
 * secscan_run.c - one secscan run over the enabled connectors, and the
 * --list-rules output.
 *
 * Each connector is one PostgreSQL transaction: collect, evaluate, update
 * findings and the outbox, then commit (rolled back under --dry-run, so a
 * dry run computes everything and leaves nothing behind).  Connectors are
 * independent: one that cannot be reached is logged and the run goes on;
 * the exit status then says 75.  Sources that are missing or not permitted
 * are warnings (one line per source) and do not change the exit status;
 * a source with too little history yet is said at info level.  Every
 * [connector] section is read and checked (connector.c) before the first
 * connector is scanned, so a bad value stops the run before any work.
 */
#include "clock.h"
#include "connector.h"
#include "db.h"
#include "exitcode.h"
#include "log.h"
#include "secscan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int needed_sources(const struct fg_secscan_opts *o)
{
	int bits = 0;
	for (size_t i = 0; i < fg_sec_rule_count(); i++) {
		const struct fg_sec_rule *r = fg_sec_rule_at(i);
		bool sel = o->nrules == 0;
		for (size_t k = 0; !sel && k < o->nrules; k++)
			sel = strcmp(o->rules[k], r->id) == 0;
		if (sel)
			bits |= r->sources;
	}
	if (bits & FG_SRC_USERS)
		bits |= FG_SRC_ROLES;
	return bits;
}

static void warn_unavailable(const char *connector, const struct fg_sec_sources *src, int needed,
			     const struct fg_secscan_opts *o)
{
	for (int i = 0; i < FG_SRC_COUNT; i++) {
		int bit = 1 << i;
		char rules[1024] = "";
		size_t len = 0;
		bool said = false;
		if (!(needed & bit) || (src->available & bit))
			continue;
		/* one view behind two copies (SESSIONS): one line */
		for (int j = 0; j < i && src->reason[i]; j++)
			said |= (needed & (1 << j)) && !(src->available & (1 << j)) && src->reason[j] &&
				strcmp(src->reason[j], src->reason[i]) == 0;
		if (said)
			continue;
		for (size_t k = 0; k < fg_sec_rule_count(); k++) {
			const struct fg_sec_rule *r = fg_sec_rule_at(k);
			bool sel = o->nrules == 0;
			for (size_t j = 0; !sel && j < o->nrules; j++)
				sel = strcmp(o->rules[j], r->id) == 0;
			if (!sel || !(r->sources & bit))
				continue;
			int n = snprintf(rules + len, sizeof(rules) - len, "%s%s", len ? ", " : "", r->id);
			if (n < 0 || (size_t)n >= sizeof(rules) - len)
				break;
			len += (size_t)n;
		}
		if (len == 0)
			continue;
		fg_log(src->young & bit ? FG_LOG_INFO : FG_LOG_WARN, "connector '%s': %s; not evaluated: %s",
		       connector, src->reason[i] ? src->reason[i] : fg_sec_source_name(bit), rules);
	}
}

static int scan_connector(struct fg_tool *t, const struct fg_connector *c, const struct fg_sec_settings *s,
			  const struct fg_secscan_opts *o, json_t *out, bool *fail)
{
	struct fg_sec_sources src = { 0 };
	int needed = needed_sources(o);
	int rc;

	/* a connector's login_days and service_users refine [secscan] */
	struct fg_sec_settings cs = *s;
	char **svc = NULL;
	if (c->login_days > 0)
		cs.login_days = c->login_days;
	if (c->nservice_users > 0) {
		if ((svc = calloc((size_t)(s->nservice_users + c->nservice_users + 1), sizeof(*svc))) == NULL)
			return FG_ERR_INTERNAL;
		for (int i = 0; i < s->nservice_users; i++)
			svc[i] = s->service_users[i];
		for (int i = 0; i < c->nservice_users; i++)
			svc[s->nservice_users + i] = c->service_users[i];
		cs.service_users = svc;
		cs.nservice_users = s->nservice_users + c->nservice_users;
	}
	s = &cs;
	if ((rc = fg_db_begin(t->db)) < 0)
		goto fail;
	if ((rc = fg_db_exec(t->db, "set time zone", "SET LOCAL TimeZone = 'UTC'", 0, NULL)) < 0)
		goto fail;
	if ((rc = fg_secscan_collect(t->db, c->name, c->odbc, c->connect_timeout, c->query_timeout, s, needed,
				     fg_now(), &src)) < 0)
		goto fail;
	warn_unavailable(c->name, &src, needed, o);
	size_t before = json_array_size(json_object_get(out, "findings"));
	if ((rc = fg_secscan_evaluate(t->db, c->name, s, o, &src, fg_now(), out, fail)) < 0)
		goto fail;
	if (t->cli.dry_run) {
		/* rolled back: nothing of this scan is in the outbox */
		json_t *all = json_object_get(out, "findings");
		for (size_t i = before; i < json_array_size(all); i++)
			json_object_set_new(json_array_get(all, i), "queued", json_false());
		fg_db_rollback(t->db);
	} else if ((rc = fg_db_commit(t->db)) < 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	fg_db_rollback(t->db);
out:
	fg_sec_sources_release(&src);
	free(svc);
	return rc;
}

int fg_secscan_run(struct fg_tool *t, const struct fg_secscan_opts *opts)
{
	struct fg_sec_settings s;
	struct fg_connector_set set = { 0 };
	json_t *out = json_pack("{s:[], s:[], s:{}}", "findings", "not_evaluated", "counts");
	bool fail = false, any = false;
	int rc, worst = 0, nconn = 0;

	if ((rc = fg_secscan_settings(t->cfg, &s)) < 0 ||
	    (rc = fg_connector_load(t->cfg, FG_CONNECTOR_ODBC, &set)) < 0)
		goto out;
	if (opts->connector != NULL && fg_connector_find(&set, opts->connector) == NULL) {
		fg_error("unknown connector '%s': no [connector %s] in %s", opts->connector, opts->connector,
			 t->cfg->path);
		rc = FG_ERR_USAGE;
		goto out;
	}
	for (int i = 0; i < set.n; i++) {
		const struct fg_connector *c = &set.v[i];
		if (opts->connector != NULL && strcmp(opts->connector, c->name) != 0)
			continue;
		if (!c->enabled) {
			if (opts->connector == NULL)
				continue;
			fg_warn("connector '%s' is disabled (enabled = false); scanning it because it was named",
				c->name);
		}
		if (fg_interrupted) {
			worst = FG_ERR_TEMP;
			break;
		}
		any = true;
		nconn++;
		int crc = scan_connector(t, c, &s, opts, out, &fail);
		/* connectors are independent: a failure, even a misconfigured
		 * one, leaves the others to scan; a temporary failure decides the
		 * exit status (retry), as in costsync */
		if (crc < 0 && (worst == 0 || crc == FG_ERR_TEMP))
			worst = crc == FG_ERR || crc == FG_ERR_CONFIG ? crc : FG_ERR_TEMP;
	}
	if (!any)
		fg_info("no enabled connector in %s: nothing to scan", t->cfg->path);
	{
		json_t *c = json_object_get(out, "counts");
		json_object_set_new(c, "connectors", json_integer(nconn));
		const char *keys[] = { "new",
				       "open",
				       "resolved",
				       "suppressed",
				       "not_evaluated",
				       "notifications",
				       "rules_evaluated",
				       "connectors",
				       NULL };
		for (int i = 0; keys[i]; i++) {
			json_t *v = json_object_get(c, keys[i]);
			if (v == NULL)
				json_object_set_new(c, keys[i], json_integer(0));
			if (strcmp(keys[i], "rules_evaluated") != 0)
				fg_tool_count(t, keys[i], json_integer_value(json_object_get(c, keys[i])));
		}
		fg_info("scanned %d connector%s with %lld rules: %lld new, %lld open, %lld resolved findings,"
			" %lld notifications in %.3f s",
			nconn, nconn == 1 ? "" : "s",
			(long long)json_integer_value(json_object_get(c, "rules_evaluated")),
			(long long)json_integer_value(json_object_get(c, "new")),
			(long long)json_integer_value(json_object_get(c, "open")),
			(long long)json_integer_value(json_object_get(c, "resolved")),
			(long long)json_integer_value(json_object_get(c, "notifications")),
			fg_elapsed_since(&t->t0));
	}
	if (t->cli.json) {
		if (json_dumpf(out, stdout, JSON_INDENT(2) | JSON_ENSURE_ASCII) < 0)
			fg_error("cannot write standard output");
		fputc('\n', stdout);
	}
	rc = worst;
out:
	json_decref(out);
	fg_connector_set_release(&set);
	fg_secscan_settings_release(&s);
	if (rc < 0)
		return fg_exit_for(rc);
	return fail ? FG_EX_FINDING : FG_EX_OK;
}

void fg_secscan_list_rules(bool json)
{
	if (json) {
		json_t *a = json_array();
		for (size_t i = 0; i < fg_sec_rule_count(); i++) {
			const struct fg_sec_rule *r = fg_sec_rule_at(i);
			json_t *srcs = json_array();
			for (int k = 0; k < FG_SRC_COUNT; k++)
				if (r->sources & (1 << k))
					json_array_append_new(srcs, json_string(fg_sec_source_name(1 << k)));
			json_array_append_new(
				a, json_pack("{s:s, s:s, s:s, s:s?, s:s, s:o, s:s, s:s}", "id", r->id,
					     "title", r->title, "severity", fg_severity_name(r->severity),
					     "cis", r->cis, "category", r->category, "sources", srcs,
					     "rationale", r->rationale, "remediation", r->remediation));
		}
		json_dumpf(a, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(a);
		return;
	}
	printf("%-32s %-9s %-10s %s\n", "ID", "SEVERITY", "CIS", "TITLE");
	for (size_t i = 0; i < fg_sec_rule_count(); i++) {
		const struct fg_sec_rule *r = fg_sec_rule_at(i);
		printf("%-32s %-9s %-10s %s\n", r->id, fg_severity_name(r->severity), r->cis ? r->cis : "-",
		       r->title);
	}
}
