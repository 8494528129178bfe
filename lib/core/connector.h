/*
 * connector.h - the [connector NAME] sections, read the same way by every
 * tool: one Snowflake account each.
 *
 * fg_connector_load() reads and checks every section before a tool does
 * any work, so a typo in one connector stops the run with FILE:LINE (exit
 * 78) instead of surfacing halfway through, whichever connectors the run
 * then selects.  Keys and defaults are those of flakeguard.conf(5):
 *
 *   odbc                    connection string (see FG_CONNECTOR_ODBC)
 *   enabled                 true
 *   credit_price            exact decimal >= 0 (see FG_CONNECTOR_PRICED)
 *   storage_price_tb_month  exact decimal >= 0, unset: storage unpriced
 *   transfer_price_tb       exact decimal >= 0, unset: transfer unpriced
 *   currency                USD; 3 to 8 upper-case letters
 *   lookback_days           7, 0..3650
 *   backfill_days           365, 1..3650
 *   use_org_rates           false
 *   query_timeout           15m, a duration up to 1d
 *   connect_timeout         30s, a duration up to 1h
 *   fetch_rows              the ODBC layer's default, 1..100000
 *   login_days              secscan's [secscan] login_days, 1..365
 *   max_data_age            2 days, 0..3650 (0: never stale)
 *   attribution_top_queries 50, 0..10000: costsync's query hashes kept per
 *                           day and warehouse, the rest folded together
 *   service_users           secscan: names added to [secscan] service_users
 *
 * Durations are seconds, or a number with s, m, h or d.  Strings are
 * borrowed from the config, which must outlive the set.
 */
#ifndef FG_CONNECTOR_H
#define FG_CONNECTOR_H

#include <stdbool.h>

#include "config.h"

struct fg_connector {
	const char *name;
	const struct fg_conf_section *sec; /* for FILE:LINE in a tool's own checks */
	const char *odbc;                  /* connection string (may hold a secret), NULL when unset */
	bool enabled;
	const char *credit_price;   /* canonical decimal text, NULL when unset */
	const char *storage_price;  /* per TB-month, NULL: storage unpriced */
	const char *transfer_price; /* per TB, NULL: transfer unpriced */
	const char *currency;
	int lookback_days;
	int backfill_days;
	bool use_org_rates;
	int query_timeout;           /* seconds, 0: none */
	int connect_timeout;         /* seconds, 0: the driver's default */
	int fetch_rows;              /* rows per ODBC block, 0: the ODBC layer's default */
	int login_days;              /* 0: as [secscan] login_days */
	int max_data_age;            /* days the last synced day may lag the day evaluated; 0: no limit */
	int attribution_top_queries; /* query hashes kept per day and warehouse */
	char **service_users;        /* owned list (strlist.h), NULL when unset */
	int nservice_users;
};

/* Every [connector] section, in file order. */
struct fg_connector_set {
	struct fg_connector *v;
	int n;
};

/* What a tool needs of every connector, beyond well-formed values. */
enum {
	FG_CONNECTOR_ODBC = 1 << 0,   /* odbc set and not empty: the tool connects */
	FG_CONNECTOR_PRICED = 1 << 1, /* credit_price set, unless use_org_rates */
};

/*
 * Read and check every [connector] section of cfg into *set, requiring
 * what the FG_CONNECTOR_* bits in need say.  Returns 0 (an empty set when
 * there is no connector), FG_ERR_CONFIG after logging FILE:LINE for every
 * bad key of every section, or FG_ERR_INTERNAL; *set is empty on error.
 * Release with fg_connector_set_release().
 */
int fg_connector_load(const struct fg_config *cfg, int need, struct fg_connector_set *set);

/* The connector called name, or NULL.  Borrowed from set. */
const struct fg_connector *fg_connector_find(const struct fg_connector_set *set, const char *name);

/* Free what the set owns and empty it; the set itself is the caller's. */
void fg_connector_set_release(struct fg_connector_set *set);

#endif
