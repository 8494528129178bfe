/*
 * confcheck.c - every part's configuration, checked in one pass.
 *
 * Each loader logs its own problems as FILE:LINE and reports as many as it
 * can; this file only calls them in turn, keeps the worst result, and
 * prints the summary.  The secrets that could not be read were reported by
 * the run skeleton before (fg_config_check_sections); a loader that meets
 * one again stays quiet, as fg_conf_section_check() logs once per run.
 */
#include "confcheck.h"
#include "anomaly.h"
#include "budget.h"
#include "connector.h"
#include "db.h"
#include "exitcode.h"
#include "log.h"
#include "monitor.h"
#include "notify.h"
#include "retention.h"
#include "secscan.h"
#include "status.h"

#include <string.h>

/* The worse of two results: out of memory, then a configuration error. */
static int worse(int a, int b)
{
	if (a == FG_ERR_INTERNAL || b == FG_ERR_INTERNAL)
		return FG_ERR_INTERNAL;
	return a < 0 ? a : b < 0 ? FG_ERR_CONFIG : 0;
}

static void print_connectors(FILE *out, const struct fg_connector_set *set)
{
	fprintf(out, "connectors: %d", set->n);
	for (int i = 0; i < set->n; i++)
		fprintf(out, "%s%s%s", i ? ", " : " (", set->v[i].name, set->v[i].enabled ? "" : " disabled");
	fprintf(out, "%s\n", set->n ? ")" : "");
}

static void print_budgets(FILE *out, const struct fg_budget_set *set)
{
	fprintf(out, "budgets: %zu", (size_t)set->n);
	for (int i = 0; i < (int)set->n; i++)
		fprintf(out, "%s%s", i ? ", " : " (", set->v[i].name);
	fprintf(out, "%s\n", set->n ? ")" : "");
}

static void print_channels(FILE *out, const struct fg_notify_conf *nc)
{
	fprintf(out, "channels: %d", nc->nchannels);
	for (int i = 0; i < nc->nchannels; i++) {
		const struct fg_channel *ch = &nc->channels[i];
		fprintf(out, "%s%s %s", i ? ", " : " (", ch->name, ch->ops ? ch->ops->type : "?");
	}
	fprintf(out, "%s\n", nc->nchannels ? ")" : "");
	for (int i = 0; i < nc->silences.n; i++)
		fprintf(out, "%s%s until %s%s", i ? ", " : "silences: ", nc->silences.v[i].name,
			nc->silences.v[i].until, i + 1 == nc->silences.n ? "\n" : "");
	if (nc->email && nc->email->configured)
		fprintf(out, "email: %s from %s\n",
			nc->email->provider == FG_EMAIL_SMTP       ? "smtp"
			: nc->email->provider == FG_EMAIL_SENDGRID ? "sendgrid"
								   : "ses",
			nc->email->from ? nc->email->from : "?");
}

static void print_ioc(FILE *out, const struct fg_sec_settings *sec)
{
	if (sec->ioc_ips != NULL)
		fprintf(out, "ioc addresses: %zu from '%s'\n", json_array_size(sec->ioc_ips), sec->ioc_file);
	else if (sec->ioc_reason != NULL)
		fprintf(out, "ioc addresses: none, %s: ioc-ip-login will not be evaluated\n",
			sec->ioc_reason);
}

int fg_confcheck(const struct fg_config *cfg, bool verbose, FILE *out)
{
	struct fg_connector_set connectors = { 0 };
	struct fg_budget_set budgets = { 0 };
	struct fg_notify_conf nc = { 0 };
	struct fg_sec_settings sec;
	int rc = 0, one;

	/* costsync connects and prices every enabled connector, secscan
	 * connects: what the strictest of them needs */
	one = fg_connector_load(cfg, FG_CONNECTOR_ODBC | FG_CONNECTOR_PRICED, &connectors);
	rc = worse(rc, one);
	one = fg_budget_load(cfg, &budgets);
	rc = worse(rc, one);
	{
		struct fg_anomaly_set anom;
		rc = worse(rc, fg_anomaly_load(cfg, &anom));
		fg_anomaly_set_release(&anom);
	}
	one = fg_notify_conf_load(cfg, &nc);
	rc = worse(rc, one < 0 ? one : nc.nbroken > 0 ? FG_ERR_CONFIG : 0);
	one = fg_secscan_settings(cfg, &sec);
	rc = worse(rc, one);
	{
		struct fg_db_settings dbset;
		rc = worse(rc, fg_db_settings_load(cfg, &dbset));
	}
	rc = worse(rc, fg_retention_check(cfg));
	rc = worse(rc, fg_status_check(cfg));
	rc = worse(rc, fg_monitor_check(cfg));
	if (verbose) {
		fprintf(out, "config '%s': %s\n", cfg->path, rc == 0 ? "valid" : "has problems (see above)");
		print_connectors(out, &connectors);
		print_budgets(out, &budgets);
		print_channels(out, &nc);
		print_ioc(out, &sec);
	}
	fg_secscan_settings_release(&sec);
	fg_notify_conf_release(&nc);
	fg_budget_set_release(&budgets);
	fg_connector_set_release(&connectors);
	return rc;
}
