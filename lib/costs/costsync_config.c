/*
 * costsync_config.c - the [connector NAME] sections costsync reads.
 *
 * Every connector is checked before any of them is synced, so a typo in one
 * section stops the run with FILE:LINE (exit 78) instead of surfacing
 * halfway through.  Defaults follow flakeguard.conf(5): enabled true,
 * currency USD, lookback_days 7, backfill_days 365, use_org_rates false,
 * query_timeout 15m, connect_timeout 30s, fetch_rows left to the ODBC
 * layer.  credit_price is required unless use_org_rates is set; storage and
 * transfer prices are optional (their rows then keep quantity and cost 0).
 */
#include "costsync.h"
#include "exitcode.h"
#include "log.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* An interval key ("90", "30s", "15m") as whole seconds in [min, max]. */
static int conf_seconds(const struct fg_config *cfg, const struct fg_conf_section *sec, const char *key,
                        int def, int min, int max, int *out)
{
	const char *v = fg_conf_get(sec, key);
	int64_t s;

	if (v == NULL) {
		*out = def;
		return 0;
	}
	if (fg_parse_interval(v, &s) < 0) {
		fg_conf_error(cfg, sec, key, "'%s' is not a duration (such as 90, 30s, 15m, 1h)", v);
		return FG_ERR_CONFIG;
	}
	if (s < min || s > max) {
		fg_conf_error(cfg, sec, key, "%lld seconds is out of range %d..%d", (long long)s, min, max);
		return FG_ERR_CONFIG;
	}
	*out = (int)s;
	return 0;
}

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

static int load_one(const struct fg_config *cfg, const struct fg_conf_section *sec,
                    struct fg_costsync_conn *c)
{
	int64_t v;
	int bad = 0;

	memset(c, 0, sizeof(*c));
	c->name = sec->name;
	c->odbc = fg_conf_get(sec, "odbc");
	if (fg_conf_bool(cfg, sec, "enabled", true, &c->enabled) < 0)
		bad = 1;
	if (fg_conf_bool(cfg, sec, "use_org_rates", false, &c->use_org_rates) < 0)
		bad = 1;
	if (fg_conf_decimal(cfg, sec, "credit_price", NULL, false, &c->credit_price) < 0)
		bad = 1;
	if (fg_conf_decimal(cfg, sec, "storage_price_tb_month", NULL, false, &c->storage_price) < 0)
		bad = 1;
	if (fg_conf_decimal(cfg, sec, "transfer_price_tb", NULL, false, &c->transfer_price) < 0)
		bad = 1;
	if (fg_conf_str(cfg, sec, "currency", "USD", &c->currency) < 0)
		bad = 1;
	if (fg_conf_int(cfg, sec, "lookback_days", 7, 0, 3650, &v) < 0)
		bad = 1;
	else
		c->lookback_days = (int)v;
	if (fg_conf_int(cfg, sec, "backfill_days", 365, 1, 3650, &v) < 0)
		bad = 1;
	else
		c->backfill_days = (int)v;
	if (fg_conf_int(cfg, sec, "fetch_rows", 0, 1, 100000, &v) < 0)
		bad = 1;
	else
		c->fetch_rows = (int)v;
	if (conf_seconds(cfg, sec, "query_timeout", 900, 0, 86400, &c->query_timeout) < 0)
		bad = 1;
	if (conf_seconds(cfg, sec, "connect_timeout", 30, 0, 3600, &c->connect_timeout) < 0)
		bad = 1;
	if (c->odbc == NULL || *c->odbc == '\0') {
		fg_conf_error(cfg, sec, NULL,
		              "missing odbc: set it to an ODBC connection string such as DSN=snowflake_prod");
		bad = 1;
	}
	if (!currency_ok(c->currency)) {
		fg_conf_error(cfg, sec, "currency", "'%s' is not a currency code such as USD", c->currency);
		bad = 1;
	}
	if (c->credit_price == NULL && !c->use_org_rates) {
		fg_conf_error(cfg, sec, NULL,
		              "missing credit_price: set the price of one credit, or use_org_rates = true");
		bad = 1;
	}
	return bad ? FG_ERR_CONFIG : 0;
}

int fg_costsync_conns_load(const struct fg_config *cfg, struct fg_costsync_conn **out, int *n)
{
	const struct fg_conf_section *sec = NULL;
	struct fg_costsync_conn *conns;
	int count = 0, rc = 0;

	*out = NULL;
	*n = 0;
	while ((sec = fg_config_next(cfg, sec, "connector")) != NULL)
		count++;
	if (count == 0)
		return 0;
	if ((conns = calloc((size_t)count, sizeof(*conns))) == NULL)
		return FG_ERR_INTERNAL;
	count = 0;
	while ((sec = fg_config_next(cfg, sec, "connector")) != NULL)
		if (load_one(cfg, sec, &conns[count++]) < 0)
			rc = FG_ERR_CONFIG;
	if (rc < 0) {
		free(conns);
		return rc;
	}
	*out = conns;
	*n = count;
	return 0;
}

int fg_costsync_select(const struct fg_costsync_conn *conns, int n, char *const *names, int nnames, bool *run)
{
	for (int i = 0; i < n; i++)
		run[i] = nnames == 0 && conns[i].enabled;
	for (int k = 0; k < nnames; k++) {
		int i;
		for (i = 0; i < n; i++)
			if (strcmp(conns[i].name, names[k]) == 0)
				break;
		if (i == n) {
			fg_error("unknown connector '%s': no [connector %s] section in the configuration",
			         names[k], names[k]);
			return FG_ERR_USAGE;
		}
		run[i] = true; /* named explicitly: run even when disabled */
	}
	return 0;
}
