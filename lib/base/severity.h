/*
 * severity.h - the five severities shared by budget alerts, findings,
 * notifications and --fail-on: info < low < medium < high < critical.
 */
#ifndef FG_SEVERITY_H
#define FG_SEVERITY_H

enum fg_severity {
	FG_SEV_INFO = 0,
	FG_SEV_LOW,
	FG_SEV_MEDIUM,
	FG_SEV_HIGH,
	FG_SEV_CRITICAL,
};

/*
 * Parse "info" .. "critical" ("warning" reads as medium, the label budget
 * alerts show people).  Returns 0 and sets *out, or -1.
 */
int fg_severity_parse(const char *s, enum fg_severity *out);
/* The canonical name, static ("info" for out-of-range values). */
const char *fg_severity_name(enum fg_severity s);

#endif
