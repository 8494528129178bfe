/*
 * severity.c - names of the shared severity scale.
 */
#include "severity.h"

#include <string.h>

static const char *const names[] = { "info", "low", "medium", "high", "critical" };

int fg_severity_parse(const char *s, enum fg_severity *out)
{
	if (s == NULL)
		return -1;
	for (int i = 0; i <= FG_SEV_CRITICAL; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (enum fg_severity)i;
			return 0;
		}
	if (strcmp(s, "warning") == 0) {
		*out = FG_SEV_MEDIUM;
		return 0;
	}
	return -1;
}

const char *fg_severity_name(enum fg_severity s)
{
	return (unsigned)s <= FG_SEV_CRITICAL ? names[s] : "info";
}
