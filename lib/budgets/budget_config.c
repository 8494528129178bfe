/*
 * budget_config.c - [budget NAME] sections: parse, default and check.
 *
 * Every section is checked and every problem reported (FILE:LINE, key,
 * section) before loading fails, so one run shows all the mistakes of a
 * config.  Defaults follow flakeguard.conf(5): period monthly, scope
 * account, thresholds 50,75,90,100, forecast true.  Scope grammar:
 *
 *   scope = part ['+' part ...]
 *   part  = "account" | "warehouse:" NAME[,NAME..] | "service:" TYPE[,TYPE..]
 *         | ("user:" | "role:" | "query_tag:") NAME[,NAME..]  (alone; budget_attr.c)
 *
 * Warehouse names and service types are matched case-insensitively, so
 * they are kept upper case; a service type is kept as costsync stores it
 * (budget_names.c: SNOWPIPE is PIPE).  "account" already covers every row and is
 * refused in a combination.  Severity mapping: "severity = 75:low,
 * 90:medium, 100:critical, forecast:high" (thresholds at or above each
 * percent get that severity; "warning" is accepted for medium).
 */
#include "budget.h"
#include "budget_attr.h"
#include "budget_names.h"
#include "connector.h"
#include "exitcode.h"
#include "log.h"
#include "strlist.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const severities[] = { "info", "low", "medium", "high", "critical", NULL };

static const char *severity_parse(const char *s)
{
	if (strcmp(s, "warning") == 0)
		return "medium";
	for (int i = 0; severities[i]; i++)
		if (strcmp(s, severities[i]) == 0)
			return severities[i];
	return NULL;
}

/* Strict whole number in [min, max]; returns 0 or -1. */
static int parse_int(const char *s, long min, long max, int *out)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

static bool name_ok(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("-_.", *s))
			return false;
	return true;
}

/* Append an upper-cased copy of [a, b) to a NULL-terminated list. */
static int list_add(char ***list, int *n, const char *a, const char *b)
{
	char **nl = realloc(*list, (size_t)(*n + 2) * sizeof(**list));
	char *s;

	if (nl == NULL)
		return FG_ERR_INTERNAL;
	*list = nl;
	s = strndup(a, (size_t)(b - a));
	if (s == NULL)
		return FG_ERR_INTERNAL;
	for (char *p = s; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	nl[(*n)++] = s;
	nl[*n] = NULL;
	return 0;
}

static void list_free(char **list)
{
	if (list == NULL)
		return;
	for (char **p = list; *p; p++)
		free(*p);
	free(list);
}

static bool list_has(char **list, int n, const char *a, const char *b)
{
	size_t len = (size_t)(b - a);
	for (int i = 0; i < n; i++)
		if (strlen(list[i]) == len && strncasecmp(list[i], a, len) == 0)
			return true;
	return false;
}

static void trim(const char **a, const char **b)
{
	while (*a < *b && isspace((unsigned char)**a))
		(*a)++;
	while (*b > *a && isspace((unsigned char)(*b)[-1]))
		(*b)--;
}

/* Parse the names of one scope part, "A,B" in [a, b). */
static int scope_names(const struct fg_config *cfg, const struct fg_conf_section *sec, const char *what,
		       const char *a, const char *b, char ***list, int *n)
{
	bool service = strcmp(what, "service type") == 0;
	char *part = strndup(a, (size_t)(b - a));
	char **names = NULL;
	int count = 0, rc = 0;

	if (part == NULL || fg_strlist_split(part, FG_STRLIST_KEEP_EMPTY, &names, &count) < 0) {
		rc = FG_ERR_INTERNAL;
		goto out;
	}
	for (int i = 0; i < count && rc == 0; i++) {
		const char *x = names[i], *y = x + strlen(x);
		char svc[128];
		if (service && x != y) {
			x = fg_budget_service_name(x, (size_t)(y - x), svc, sizeof(svc));
			y = x + strlen(x);
		}
		if (x == y) {
			fg_conf_error(cfg, sec, "scope", "empty %s name", what);
			rc = FG_ERR_CONFIG;
		} else if (list_has(*list, *n, x, y)) {
			fg_conf_error(cfg, sec, "scope", "%s '%s' is listed twice", what, names[i]);
			rc = FG_ERR_CONFIG;
		} else if (list_add(list, n, x, y) < 0) {
			rc = FG_ERR_INTERNAL;
		}
	}
out:
	fg_strlist_free(names);
	free(part);
	return rc;
}

static int parse_scope(const struct fg_config *cfg, const struct fg_conf_section *sec, struct fg_budget *b)
{
	const char *p = b->scope;
	int nparts = 0, rc;

	for (;;) {
		const char *e = p + strcspn(p, "+");
		const char *x = p, *y = e;
		trim(&x, &y);
		size_t len = (size_t)(y - x);
		nparts++;
		if (len == 7 && strncmp(x, "account", 7) == 0) {
			b->account = true;
		} else if (len > 10 && strncmp(x, "warehouse:", 10) == 0) {
			if ((rc = scope_names(cfg, sec, "warehouse", x + 10, y, &b->warehouses,
					      &b->nwarehouses)) < 0)
				return rc;
		} else if (len > 8 && strncmp(x, "service:", 8) == 0) {
			if ((rc = scope_names(cfg, sec, "service type", x + 8, y, &b->services,
					      &b->nservices)) < 0)
				return rc;
		} else if ((rc = fg_budget_attr_scope(cfg, sec, b, x, y)) <= 0) {
			if (rc < 0)
				return rc;
			fg_conf_error(cfg, sec, "scope",
				      "'%.*s' is not a scope: use account, warehouse:NAME[,NAME] or "
				      "service:TYPE[,TYPE] joined with +, or one of user:NAME[,NAME],"
				      " role:NAME[,NAME], query_tag:VALUE[,VALUE]",
				      (int)len, x);
			return FG_ERR_CONFIG;
		}
		if (*e == '\0')
			break;
		p = e + 1;
	}
	if (b->attr != FG_ATTR_NONE && nparts > 1) {
		fg_conf_error(cfg, sec, "scope",
			      "a user:, role: or query_tag: scope cannot be combined with another part");
		return FG_ERR_CONFIG;
	}
	if (b->account && nparts > 1) {
		fg_conf_error(cfg, sec, "scope",
			      "'account' already covers every cost and cannot be combined");
		return FG_ERR_CONFIG;
	}
	return 0;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static int parse_thresholds(const struct fg_config *cfg, const struct fg_conf_section *sec,
			    struct fg_budget *b)
{
	char **items = NULL;
	int n = 0, rc;

	if ((rc = fg_conf_list(cfg, sec, "thresholds", &items, &n)) < 0)
		return rc;
	if (items == NULL) {
		static const int def[] = { 50, 75, 90, 100 };
		memcpy(b->thresholds, def, sizeof(def));
		b->nthresholds = 4;
		return 0;
	}
	rc = 0;
	if (n == 0 || n > FG_BUDGET_MAX_THRESHOLDS) {
		fg_conf_error(cfg, sec, "thresholds", "give 1 to %d percentages", FG_BUDGET_MAX_THRESHOLDS);
		rc = FG_ERR_CONFIG;
		goto out;
	}
	for (int i = 0; i < n; i++) {
		int v;
		const char *s = items[i];
		size_t len = strlen(s);
		char buf[32];
		if (len > 0 && s[len - 1] == '%' && len < sizeof(buf)) {
			memcpy(buf, s, len - 1);
			buf[len - 1] = '\0';
			s = buf;
		}
		if (parse_int(s, 1, 1000, &v) < 0) {
			fg_conf_error(cfg, sec, "thresholds", "'%s' is not a whole percentage in 1..1000",
				      items[i]);
			rc = FG_ERR_CONFIG;
			goto out;
		}
		for (int j = 0; j < b->nthresholds; j++)
			if (b->thresholds[j] == v) {
				fg_conf_error(cfg, sec, "thresholds", "%d is listed twice", v);
				rc = FG_ERR_CONFIG;
				goto out;
			}
		b->thresholds[b->nthresholds++] = v;
	}
	qsort(b->thresholds, (size_t)b->nthresholds, sizeof(int), cmp_int);
out:
	fg_conf_list_free(items);
	return rc;
}

static int parse_severity(const struct fg_config *cfg, const struct fg_conf_section *sec, struct fg_budget *b)
{
	char **items = NULL;
	int n = 0, rc;

	b->forecast_severity = "high";
	if ((rc = fg_conf_list(cfg, sec, "severity", &items, &n)) < 0)
		return rc;
	if (items == NULL) {
		b->sev[0] = (struct fg_budget_sev){ 0, "info" };
		b->sev[1] = (struct fg_budget_sev){ 90, "medium" };
		b->sev[2] = (struct fg_budget_sev){ 100, "critical" };
		b->nsev = 3;
		return 0;
	}
	rc = 0;
	for (int i = 0; i < n && rc == 0; i++) {
		char *colon = strchr(items[i], ':');
		const char *sev;
		int from;
		if (colon == NULL) {
			fg_conf_error(cfg, sec, "severity",
				      "'%s' is not PERCENT:SEVERITY or forecast:SEVERITY", items[i]);
			rc = FG_ERR_CONFIG;
			break;
		}
		*colon = '\0';
		if ((sev = severity_parse(colon + 1)) == NULL) {
			fg_conf_error(cfg, sec, "severity",
				      "'%s' is not a severity: use info, low, medium, high or critical",
				      colon + 1);
			rc = FG_ERR_CONFIG;
		} else if (strcmp(items[i], "forecast") == 0) {
			b->forecast_severity = sev;
		} else if (parse_int(items[i], 0, 1000, &from) < 0) {
			fg_conf_error(cfg, sec, "severity", "'%s' is not a whole percentage in 0..1000",
				      items[i]);
			rc = FG_ERR_CONFIG;
		} else if (b->nsev == FG_BUDGET_MAX_SEVERITIES) {
			fg_conf_error(cfg, sec, "severity", "too many steps (at most %d)",
				      FG_BUDGET_MAX_SEVERITIES);
			rc = FG_ERR_CONFIG;
		} else {
			for (int j = 0; j < b->nsev; j++)
				if (b->sev[j].from == from) {
					fg_conf_error(cfg, sec, "severity", "%d is listed twice", from);
					rc = FG_ERR_CONFIG;
				}
			b->sev[b->nsev++] = (struct fg_budget_sev){ from, sev };
		}
	}
	/* Insertion sort by percent: the mapping is read in ascending order. */
	for (int i = 1; i < b->nsev; i++)
		for (int j = i; j > 0 && b->sev[j - 1].from > b->sev[j].from; j--) {
			struct fg_budget_sev t = b->sev[j];
			b->sev[j] = b->sev[j - 1];
			b->sev[j - 1] = t;
		}
	fg_conf_list_free(items);
	return rc;
}

/*
 * The connectors (read and checked once, connector.c) and the [channel]
 * sections, collected in one pass: every budget names them, and looking
 * each up through the whole config made loading quadratic when they come
 * after the budgets (2.4 s of CPU for 10,000 budgets).
 */
struct refs {
	struct fg_connector_set connectors;
	const struct fg_conf_section **channels;
	int nchannels;
};

static int collect(const struct fg_config *cfg, struct refs *r)
{
	int nh = 0, rc;

	if ((rc = fg_connector_load(cfg, 0, &r->connectors)) < 0)
		return rc;
	for (const struct fg_conf_section *s = cfg->sections; s; s = s->next)
		nh += strcmp(s->type, "channel") == 0;
	if ((r->channels = calloc((size_t)nh + 1, sizeof(*r->channels))) == NULL)
		return FG_ERR_INTERNAL;
	for (const struct fg_conf_section *s = cfg->sections; s; s = s->next)
		if (strcmp(s->type, "channel") == 0)
			r->channels[r->nchannels++] = s;
	return 0;
}

/* The first section of v named name, as fg_config_section finds it, or NULL. */
static const struct fg_conf_section *find(const struct fg_conf_section *const *v, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(v[i]->name, name) == 0)
			return v[i];
	return NULL;
}

static int parse_connector(const struct fg_config *cfg, const struct fg_conf_section *sec,
			   const struct refs *r, struct fg_budget *b)
{
	const struct fg_connector *c;

	b->connector = fg_conf_get(sec, "connector");
	if (b->connector == NULL) {
		if (r->connectors.n != 1) {
			fg_conf_error(cfg, sec, NULL,
				      "missing key 'connector' (required when there is not exactly"
				      " one [connector] section)");
			return FG_ERR_CONFIG;
		}
		b->connector = r->connectors.v[0].name;
	}
	c = fg_connector_find(&r->connectors, b->connector);
	if (c == NULL) {
		fg_conf_error(cfg, sec, "connector", "unknown connector '%s': no [connector %s] section",
			      b->connector, b->connector);
		return FG_ERR_CONFIG;
	}
	b->currency = c->currency;
	b->max_data_age = c->max_data_age;
	return 0;
}

static int parse_notify(const struct fg_config *cfg, const struct fg_conf_section *sec, const struct refs *r,
			struct fg_budget *b)
{
	int rc = fg_conf_list(cfg, sec, "notify", &b->notify, &b->nnotify);

	if (rc < 0)
		return rc;
	for (int i = 0; i < b->nnotify; i++) {
		if (find(r->channels, r->nchannels, b->notify[i]) == NULL) {
			fg_conf_error(cfg, sec, "notify", "unknown channel '%s': no [channel %s] section",
				      b->notify[i], b->notify[i]);
			return FG_ERR_CONFIG;
		}
		for (int j = 0; j < i; j++)
			if (strcmp(b->notify[i], b->notify[j]) == 0) {
				fg_conf_error(cfg, sec, "notify", "channel '%s' is listed twice",
					      b->notify[i]);
				return FG_ERR_CONFIG;
			}
	}
	return 0;
}

static int parse_budget(const struct fg_config *cfg, const struct fg_conf_section *sec, const struct refs *r,
			struct fg_budget *b)
{
	const char *period;
	int rc, worst = 0;

	b->name = sec->name;
	if (!name_ok(b->name)) {
		fg_conf_error(cfg, sec, NULL,
			      "budget name '%s' may hold only letters, digits, '-', '_' and '.'", b->name);
		worst = FG_ERR_CONFIG;
	}
	if ((rc = parse_connector(cfg, sec, r, b)) < 0)
		worst = rc;
	if (fg_conf_get(sec, "amount") == NULL) {
		fg_conf_error(cfg, sec, NULL, "missing key 'amount'");
		worst = FG_ERR_CONFIG;
	} else if ((rc = fg_conf_decimal(cfg, sec, "amount", NULL, true, &b->amount)) < 0) {
		worst = rc;
	}
	period = fg_conf_get(sec, "period");
	if (period == NULL)
		b->period = FG_PERIOD_MONTHLY;
	else if (fg_period_parse(period, &b->period) < 0) {
		fg_conf_error(cfg, sec, "period",
			      "unknown period '%s': use daily, weekly, monthly, quarterly or yearly", period);
		worst = FG_ERR_CONFIG;
	}
	b->scope = fg_conf_get(sec, "scope");
	if (b->scope == NULL)
		b->scope = "account";
	if ((rc = parse_scope(cfg, sec, b)) < 0)
		worst = rc;
	if ((rc = parse_thresholds(cfg, sec, b)) < 0)
		worst = rc;
	if ((rc = fg_conf_bool(cfg, sec, "forecast", true, &b->forecast)) < 0)
		worst = rc;
	if ((rc = fg_conf_bool(cfg, sec, "enabled", true, &b->enabled)) < 0)
		worst = rc;
	if ((rc = parse_notify(cfg, sec, r, b)) < 0)
		worst = rc;
	if ((rc = parse_severity(cfg, sec, b)) < 0)
		worst = rc;
	return worst == FG_ERR_INTERNAL || rc == FG_ERR_INTERNAL ? FG_ERR_INTERNAL : worst;
}

int fg_budget_load(const struct fg_config *cfg, struct fg_budget_set *set)
{
	const struct fg_conf_section *sec = NULL;
	struct refs r = { 0 };
	int n = 0, rc = 0;

	memset(set, 0, sizeof(*set));
	while ((sec = fg_config_next(cfg, sec, "budget")) != NULL)
		n++;
	if (n == 0)
		return 0;
	if ((set->v = calloc((size_t)n, sizeof(*set->v))) == NULL) {
		rc = FG_ERR_INTERNAL;
		goto out;
	}
	if ((rc = collect(cfg, &r)) < 0)
		goto out;
	while ((sec = fg_config_next(cfg, sec, "budget")) != NULL) {
		int x = parse_budget(cfg, sec, &r, &set->v[set->n++]);
		if (x < 0 && rc != FG_ERR_INTERNAL)
			rc = x;
	}
out:
	fg_connector_set_release(&r.connectors);
	free(r.channels);
	if (rc < 0)
		fg_budget_set_release(set);
	return rc;
}

void fg_budget_set_release(struct fg_budget_set *set)
{
	for (int i = 0; i < set->n; i++) {
		list_free(set->v[i].warehouses);
		list_free(set->v[i].services);
		fg_strlist_free(set->v[i].attr_names);
		free(set->v[i].attr_key);
		fg_conf_list_free(set->v[i].notify);
	}
	free(set->v);
	set->v = NULL;
	set->n = 0;
}

int fg_budget_select(struct fg_budget_set *set, char *const *names)
{
	for (int i = 0; i < set->n; i++)
		set->v[i].selected = names == NULL && set->v[i].enabled;
	if (names == NULL)
		return 0;
	for (char *const *p = names; *p; p++) {
		int i;
		for (i = 0; i < set->n; i++)
			if (strcmp(set->v[i].name, *p) == 0)
				break;
		if (i == set->n) {
			fg_error("unknown budget '%s': no [budget %s] section in the config", *p, *p);
			return FG_ERR_USAGE;
		}
		if (!set->v[i].enabled)
			fg_warn("budget '%s' is disabled (enabled = false); skipping it", *p);
		else
			set->v[i].selected = true;
	}
	return 0;
}
