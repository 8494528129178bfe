/*
 * costsync_config.c - which connectors a costsync run syncs.
 *
 * The [connector] sections themselves are read and checked by connector.c
 * (costsync needs odbc, and credit_price unless use_org_rates), before
 * anything is synced.  Here: the enabled ones, or those named with
 * --connector, which run even when disabled.
 */
#include "costsync.h"
#include "exitcode.h"
#include "log.h"

#include <string.h>

int fg_costsync_select(const struct fg_connector_set *set, char *const *names, int nnames, bool *run)
{
	for (int i = 0; i < set->n; i++)
		run[i] = nnames == 0 && set->v[i].enabled;
	for (int k = 0; k < nnames; k++) {
		int i;
		for (i = 0; i < set->n; i++)
			if (strcmp(set->v[i].name, names[k]) == 0)
				break;
		if (i == set->n) {
			fg_error("unknown connector '%s': no [connector %s] section in the configuration",
				 names[k], names[k]);
			return FG_ERR_USAGE;
		}
		run[i] = true; /* named explicitly: run even when disabled */
	}
	return 0;
}
