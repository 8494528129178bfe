/*
 * anomaly_config.c - the [anomaly] section and its per-connector
 * overrides.
 *
 * [anomaly] holds the defaults of every connector; a [connector NAME]
 * section overrides any of them with the same key prefixed "anomaly_"
 * (anomaly_sensitivity = 5), so one file line says which account is
 * judged differently.  severity (money at stake -> severity) is global.
 * Without an [anomaly] section nothing is judged.  Every problem is
 * logged as FILE:LINE before FG_ERR_CONFIG.
 */
#include "anomaly.h"
#include "connector.h"
#include "decimal.h"
#include "exitcode.h"
#include "log.h"

#include <stdlib.h>
#include <string.h>

static const char *const dimension_names[] = { "account", "warehouse", "service", "user", "query_tag", NULL };
static const char *const severities[] = { "info", "low", "medium", "high", "critical", NULL };

/* The key in sec: "anomaly_KEY" in a [connector], KEY in [anomaly]. */
static const char *key_of(const struct fg_conf_section *sec, const char *key, char *buf, size_t len)
{
	if (strcmp(sec->type, "connector") != 0)
		return key;
	snprintf(buf, len, "anomaly_%s", key);
	return buf;
}

static int read_dims(const struct fg_config *cfg, const struct fg_conf_section *sec, const char *key,
		     char *dims, size_t len)
{
	char **items = NULL;
	int n = 0, rc = fg_conf_list(cfg, sec, key, &items, &n);

	if (rc < 0 || items == NULL)
		return rc;
	dims[0] = '\0';
	for (int i = 0; i < n; i++) {
		int k = 0;
		while (dimension_names[k] && strcmp(dimension_names[k], items[i]) != 0)
			k++;
		if (dimension_names[k] == NULL) {
			fg_conf_error(
				cfg, sec, key,
				"'%s' is not a dimension: use account, warehouse, service, user or query_tag",
				items[i]);
			rc = FG_ERR_CONFIG;
		} else if (strstr(dims, items[i]) == NULL) {
			size_t used = strlen(dims);
			snprintf(dims + used, len - used, "%s%s", used ? "," : "", items[i]);
		}
	}
	fg_conf_list_free(items);
	return rc;
}

static int read_notify(const struct fg_config *cfg, const struct fg_conf_section *sec, const char *key,
		       struct fg_anomaly_conf *c)
{
	char **items = NULL;
	int n = 0, rc = fg_conf_list(cfg, sec, key, &items, &n);

	if (rc < 0 || items == NULL)
		return rc;
	for (int i = 0; i < n; i++)
		if (fg_config_section(cfg, "channel", items[i]) == NULL) {
			fg_conf_error(cfg, sec, key, "unknown channel '%s': no [channel %s] section",
				      items[i], items[i]);
			rc = FG_ERR_CONFIG;
		}
	if (rc < 0) {
		fg_conf_list_free(items);
		return rc;
	}
	c->notify = items;
	c->nnotify = n;
	return 0;
}

/* Read sec's settings over *c (the defaults); worst error returned. */
static int read_conf(const struct fg_config *cfg, const struct fg_conf_section *sec,
		     struct fg_anomaly_conf *c)
{
	char k[64];
	int64_t v;
	int rc = 0, one;

	if (sec == NULL)
		return 0;
#define TAKE(call)                \
	do {                      \
		one = (call);     \
		if (one < 0)      \
			rc = one; \
	} while (0)
	TAKE(fg_conf_bool(cfg, sec, key_of(sec, "enabled", k, sizeof(k)), c->enabled, &c->enabled));
	TAKE(read_dims(cfg, sec, key_of(sec, "dimensions", k, sizeof(k)), c->dimensions,
		       sizeof(c->dimensions)));
	TAKE(fg_conf_decimal(cfg, sec, key_of(sec, "sensitivity", k, sizeof(k)), c->sensitivity, true,
			     &c->sensitivity));
	one = fg_conf_int(cfg, sec, key_of(sec, "lookback_weeks", k, sizeof(k)), c->lookback_weeks, 2, 52,
			  &v);
	if (one < 0)
		rc = one;
	else
		c->lookback_weeks = (int)v;
	one = fg_conf_int(cfg, sec, key_of(sec, "min_history_days", k, sizeof(k)), c->min_history_days, 1,
			  364, &v);
	if (one < 0)
		rc = one;
	else
		c->min_history_days = (int)v;
	TAKE(fg_conf_decimal(cfg, sec, key_of(sec, "min_daily_cost", k, sizeof(k)), c->min_daily_cost, false,
			     &c->min_daily_cost));
	TAKE(fg_conf_decimal(cfg, sec, key_of(sec, "min_change_percent", k, sizeof(k)), c->min_change_percent,
			     false, &c->min_change_percent));
	TAKE(fg_conf_decimal(cfg, sec, key_of(sec, "min_change_amount", k, sizeof(k)), c->min_change_amount,
			     false, &c->min_change_amount));
	TAKE(fg_conf_bool(cfg, sec, key_of(sec, "dips", k, sizeof(k)), c->dips, &c->dips));
	const char *nk = key_of(sec, "notify", k, sizeof(k));
	if (fg_conf_get(sec, nk) != NULL) {
		/* c->notify is NULL here: a connector's list replaces the default */
		TAKE(read_notify(cfg, sec, nk, c));
	}
#undef TAKE
	if (rc == 0 && c->min_history_days > 7 * c->lookback_weeks) {
		fg_conf_error(cfg, sec, key_of(sec, "min_history_days", k, sizeof(k)),
			      "%d days is more than lookback_weeks (%d) holds: use at most %d",
			      c->min_history_days, c->lookback_weeks, 7 * c->lookback_weeks);
		rc = FG_ERR_CONFIG;
	}
	return rc;
}

/* severity = AMOUNT:SEVERITY, ...; default 0:low, 100:medium, 1000:high. */
static int read_severity(const struct fg_config *cfg, const struct fg_conf_section *sec,
			 struct fg_anomaly_set *set)
{
	static const char *const def_amount[] = { "0", "100", "1000" };
	static const char *const def_name[] = { "low", "medium", "high" };
	int n = 0, rc = fg_conf_list(cfg, sec, "severity", &set->sev_items, &n);

	if (rc < 0)
		return rc;
	if (set->sev_items == NULL) {
		for (int i = 0; i < 3; i++) {
			set->sev_amount[i] = def_amount[i];
			set->sev_name[i] = def_name[i];
		}
		set->nsev = 3;
		return 0;
	}
	for (int i = 0; i < n; i++) {
		char *colon = strchr(set->sev_items[i], ':');
		struct fg_dec d, prev;
		const char *why = NULL;
		int k = 0;
		if (colon == NULL) {
			fg_conf_error(cfg, sec, "severity", "'%s' is not AMOUNT:SEVERITY", set->sev_items[i]);
			return FG_ERR_CONFIG;
		}
		*colon = '\0';
		while (severities[k] && strcmp(severities[k], colon + 1) != 0)
			k++;
		if (severities[k] == NULL) {
			fg_conf_error(cfg, sec, "severity",
				      "'%s' is not a severity: use info, low, medium, high or critical",
				      colon + 1);
			return FG_ERR_CONFIG;
		}
		if (fg_dec_parse(set->sev_items[i], &d, &why) < 0 || d.v < 0) {
			fg_conf_error(cfg, sec, "severity", "'%s' is not an amount of 0 or more",
				      set->sev_items[i]);
			return FG_ERR_CONFIG;
		}
		if (i >= FG_ANOMALY_MAX_SEVERITIES) {
			fg_conf_error(cfg, sec, "severity", "too many steps (at most %d)",
				      FG_ANOMALY_MAX_SEVERITIES);
			return FG_ERR_CONFIG;
		}
		if (i > 0 &&
		    (fg_dec_parse(set->sev_amount[i - 1], &prev, &why) < 0 || fg_dec_cmp(prev, d) >= 0)) {
			fg_conf_error(cfg, sec, "severity", "amounts must rise: '%s' follows '%s'",
				      set->sev_items[i], set->sev_amount[i - 1]);
			return FG_ERR_CONFIG;
		}
		set->sev_amount[i] = set->sev_items[i];
		set->sev_name[i] = severities[k];
	}
	set->nsev = n;
	return 0;
}

int fg_anomaly_load(const struct fg_config *cfg, struct fg_anomaly_set *set)
{
	const struct fg_conf_section *sec = fg_config_section(cfg, "anomaly", NULL);
	struct fg_connector_set conns = { 0 };
	struct fg_anomaly_conf def = {
		.enabled = true,
		.dimensions = "account,warehouse,service,user,query_tag",
		.sensitivity = "3.5",
		.lookback_weeks = 8,
		.min_history_days = 14,
		.min_daily_cost = "5",
		.min_change_percent = "20",
		.min_change_amount = "10",
		.dips = false,
	};
	int rc, one;

	memset(set, 0, sizeof(*set));
	if (sec == NULL)
		return 0;
	rc = read_conf(cfg, sec, &def);
	if ((one = read_severity(cfg, sec, set)) < 0)
		rc = one;
	if ((one = fg_connector_load(cfg, 0, &conns)) < 0) {
		fg_conf_list_free(def.notify);
		fg_anomaly_set_release(set);
		return one;
	}
	set->v = calloc((size_t)conns.n + 1, sizeof(*set->v));
	if (set->v == NULL) {
		rc = FG_ERR_INTERNAL;
		goto out;
	}
	for (int i = 0; i < conns.n; i++) {
		struct fg_anomaly_conf *c = &set->v[set->n++];
		*c = def;
		c->notify = NULL;
		c->nnotify = 0;
		c->connector = conns.v[i].name;
		c->currency = conns.v[i].currency;
		if ((one = read_conf(cfg, conns.v[i].sec, c)) < 0)
			rc = rc == FG_ERR_INTERNAL ? rc : one;
		if (c->notify == NULL && def.notify != NULL) {
			if (fg_conf_list(cfg, sec, "notify", &c->notify, &c->nnotify) < 0)
				rc = FG_ERR_INTERNAL;
		}
		c->enabled &= conns.v[i].enabled;
		set->active |= c->enabled;
	}
out:
	fg_conf_list_free(def.notify);
	fg_connector_set_release(&conns);
	if (rc < 0)
		fg_anomaly_set_release(set);
	return rc;
}

int fg_anomaly_select(struct fg_anomaly_set *set, const char *connector)
{
	bool found = false;

	if (connector == NULL)
		return 0;
	set->active = false;
	for (int i = 0; i < set->n; i++) {
		struct fg_anomaly_conf *c = &set->v[i];
		if (strcmp(c->connector, connector) == 0)
			found = true;
		else
			c->enabled = false;
		set->active |= c->enabled;
	}
	if (!found) {
		fg_error("unknown connector '%s': no [connector %s] section", connector, connector);
		return FG_ERR_USAGE;
	}
	return 0;
}

void fg_anomaly_set_release(struct fg_anomaly_set *set)
{
	for (int i = 0; i < set->n; i++)
		fg_conf_list_free(set->v[i].notify);
	free(set->v);
	fg_conf_list_free(set->sev_items);
	memset(set, 0, sizeof(*set));
}
