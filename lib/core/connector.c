/*
 * connector.c - read and check the [connector NAME] sections.
 *
 * One pass over the sections, one struct per section; each key goes
 * through the typed getters of config.h, so a bad value is reported as
 * "FILE:LINE: key: message in section '[connector NAME]'" and a missing
 * one names the section.  Every section is checked even after an error,
 * so one run shows every mistake; the set is then released and
 * FG_ERR_CONFIG returned.  Out of memory is FG_ERR_INTERNAL and stops at
 * once.
 */
#include "connector.h"
#include "exitcode.h"
#include "strlist.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static bool currency_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 3 || n > 8)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 'A' || s[i] > 'Z')
			return false;
	return true;
}

/* fg_conf_int() into an int; *out is untouched on error. */
static int get_int(const struct fg_config *cfg, const struct fg_conf_section *sec, const char *key, int def,
		   int min, int max, int *out)
{
	int64_t v;
	int rc = fg_conf_int(cfg, sec, key, def, min, max, &v);
	if (rc == 0)
		*out = (int)v;
	return rc;
}

/* fg_conf_seconds() into an int, at least 0. */
static int get_seconds(const struct fg_config *cfg, const struct fg_conf_section *sec, const char *key,
		       int def, int max, int *out)
{
	int64_t v;
	int rc = fg_conf_seconds(cfg, sec, key, def, 0, max, &v);
	if (rc == 0)
		*out = (int)v;
	return rc;
}

/* The values of one section; returns 0 or FG_ERR_CONFIG after logging each. */
static int read_values(const struct fg_config *cfg, const struct fg_conf_section *sec, struct fg_connector *c)
{
	int bad = 0;

	c->odbc = fg_conf_get(sec, "odbc");
	bad |= fg_conf_bool(cfg, sec, "enabled", true, &c->enabled) < 0;
	bad |= fg_conf_bool(cfg, sec, "use_org_rates", false, &c->use_org_rates) < 0;
	bad |= fg_conf_decimal(cfg, sec, "credit_price", NULL, false, &c->credit_price) < 0;
	bad |= fg_conf_decimal(cfg, sec, "storage_price_tb_month", NULL, false, &c->storage_price) < 0;
	bad |= fg_conf_decimal(cfg, sec, "transfer_price_tb", NULL, false, &c->transfer_price) < 0;
	bad |= fg_conf_str(cfg, sec, "currency", "USD", &c->currency) < 0;
	bad |= get_int(cfg, sec, "lookback_days", 7, 0, 3650, &c->lookback_days) < 0;
	bad |= get_int(cfg, sec, "backfill_days", 365, 1, 3650, &c->backfill_days) < 0;
	bad |= get_int(cfg, sec, "fetch_rows", 0, 1, 100000, &c->fetch_rows) < 0;
	bad |= get_seconds(cfg, sec, "query_timeout", 900, 86400, &c->query_timeout) < 0;
	bad |= get_seconds(cfg, sec, "connect_timeout", 30, 3600, &c->connect_timeout) < 0;
	bad |= get_int(cfg, sec, "login_days", 0, 1, 365, &c->login_days) < 0;
	bad |= get_int(cfg, sec, "max_data_age", 2, 0, 3650, &c->max_data_age) < 0;
	bad |= get_int(cfg, sec, "attribution_top_queries", 50, 0, 10000, &c->attribution_top_queries) < 0;
	if (!currency_ok(c->currency)) {
		fg_conf_error(cfg, sec, "currency", "'%s' is not a currency code such as USD", c->currency);
		bad = 1;
	}
	return bad ? FG_ERR_CONFIG : 0;
}

/* What the tool needs of the section; returns 0 or FG_ERR_CONFIG after logging. */
static int check_needs(const struct fg_config *cfg, const struct fg_connector *c, int need)
{
	int rc = 0;

	if ((need & FG_CONNECTOR_ODBC) && (c->odbc == NULL || *c->odbc == '\0')) {
		fg_conf_error(cfg, c->sec, NULL,
			      "missing odbc: set it to an ODBC connection string such as DSN=snowflake_prod");
		rc = FG_ERR_CONFIG;
	}
	/* a credit_price written but refused has had its own error */
	if ((need & FG_CONNECTOR_PRICED) && fg_conf_get(c->sec, "credit_price") == NULL &&
	    !c->use_org_rates) {
		fg_conf_error(cfg, c->sec, NULL,
			      "missing credit_price: set the price of one credit, or use_org_rates = true");
		rc = FG_ERR_CONFIG;
	}
	return rc;
}

static int load_one(const struct fg_config *cfg, const struct fg_conf_section *sec, int need,
		    struct fg_connector *c)
{
	int rc = 0;

	memset(c, 0, sizeof(*c));
	c->name = sec->name;
	c->sec = sec;
	/* an odbc secret that cannot be read matters only to who connects */
	if ((need & FG_CONNECTOR_ODBC) && fg_conf_section_check(cfg, sec) < 0)
		return FG_ERR_CONFIG;
	if (fg_conf_list(cfg, sec, "service_users", &c->service_users, &c->nservice_users) < 0)
		return FG_ERR_INTERNAL;
	if (read_values(cfg, sec, c) < 0)
		rc = FG_ERR_CONFIG;
	if (check_needs(cfg, c, need) < 0)
		rc = FG_ERR_CONFIG;
	return rc;
}

int fg_connector_load(const struct fg_config *cfg, int need, struct fg_connector_set *set)
{
	const struct fg_conf_section *sec = NULL;
	int count = 0, rc = 0;

	memset(set, 0, sizeof(*set));
	while ((sec = fg_config_next(cfg, sec, "connector")) != NULL)
		count++;
	if (count == 0)
		return 0;
	if ((set->v = calloc((size_t)count, sizeof(*set->v))) == NULL)
		return FG_ERR_INTERNAL;
	while ((sec = fg_config_next(cfg, sec, "connector")) != NULL) {
		int one = load_one(cfg, sec, need, &set->v[set->n++]);
		if (one == FG_ERR_INTERNAL) {
			rc = one;
			break;
		}
		if (one < 0)
			rc = one;
	}
	if (rc < 0)
		fg_connector_set_release(set);
	return rc;
}

const struct fg_connector *fg_connector_find(const struct fg_connector_set *set, const char *name)
{
	for (int i = 0; i < set->n; i++)
		if (strcmp(set->v[i].name, name) == 0)
			return &set->v[i];
	return NULL;
}

void fg_connector_set_release(struct fg_connector_set *set)
{
	for (int i = 0; i < set->n; i++)
		fg_conf_list_free(set->v[i].service_users);
	free(set->v);
	memset(set, 0, sizeof(*set));
}
