/*
 * confcheck.h - --check-config: the whole configuration file, for every
 * tool, without a database.
 *
 * The run skeleton (core) cannot call the parts above it, so each tool's
 * def points its check_config hook at fg_confcheck(), and every tool links
 * this part: costsync checks budgets and channels with the same loaders
 * budgetcheck and notifyd-once use, and no rule exists twice.
 */
#ifndef FG_CONFCHECK_H
#define FG_CONFCHECK_H

#include <stdbool.h>
#include <stdio.h>

#include "config.h"

/*
 * Run every part's loader over cfg; each problem is logged once as
 * FILE:LINE.  With verbose, print a summary (connectors, budgets,
 * channels, e-mail) on out.  Returns 0, or FG_ERR_CONFIG when any part
 * found a problem (FG_ERR_INTERNAL when out of memory).
 */
int fg_confcheck(const struct fg_config *cfg, bool verbose, FILE *out);

#endif
