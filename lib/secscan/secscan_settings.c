/*
 * secscan_settings.c - the [secscan] section and the IoC address list.
 *
 * Defaults (flakeguard.conf(5), secscan(1)): min_severity low, stale_days
 * 90, failed_login_burst 10 (per hour), max_admins 3, login_days 90,
 * threat_days 7, key_max_age_days 180, password_max_age_days 90,
 * admin_password_max_age_days 365, ioc_client_apps "rapeflake,
 * DBeaver_DBeaverUltimate", ioc_ip_file FG_DATADIR/unc5537-ips.txt.
 *
 * A configured ioc_ip_file that cannot be read or holds a bad line is a
 * configuration error; the default file missing only makes ioc-ip-login
 * not evaluated (with the reason), since a source build may not have
 * installed it.
 */
#include "config.h"
#include "datadir.h"
#include "exitcode.h"
#include "log.h"
#include "secscan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_IOC_FILE "unc5537-ips.txt"

static int load_ioc(const struct fg_config *cfg, const struct fg_conf_section *sec, struct fg_sec_settings *s)
{
	const char *path = fg_conf_get(sec, "ioc_ip_file");
	bool configured = path != NULL;
	char *line = NULL, addr[64];
	size_t cap = 0;
	int lineno = 0, rc = 0;
	FILE *fp;

	s->ioc_file = configured ? strdup(path) : fg_datadir_file(DEFAULT_IOC_FILE);
	if ((path = s->ioc_file) == NULL)
		return FG_ERR_INTERNAL;
	if ((fp = fopen(path, "r")) == NULL) {
		if (configured) {
			fg_conf_error(cfg, sec, "ioc_ip_file", "cannot read IoC address file '%s': %s", path,
				      strerror(errno));
			return FG_ERR_CONFIG;
		}
		size_t n = strlen(path) + 64;
		if ((s->ioc_reason = malloc(n)) != NULL)
			snprintf(s->ioc_reason, n, "cannot read IoC address file '%s'", path);
		return 0;
	}
	s->ioc_ips = json_array();
	while (getline(&line, &cap, fp) >= 0) {
		lineno++;
		int k = fg_sec_ioc_line(line, addr, sizeof(addr));
		if (k < 0) {
			fg_error("%s:%d: not an IP address: fix or comment out the line", path, lineno);
			rc = FG_ERR_CONFIG;
			break;
		}
		if (k > 0)
			json_array_append_new(s->ioc_ips, json_string(addr));
	}
	free(line);
	fclose(fp);
	return rc;
}

static int get_days(const struct fg_config *cfg, const struct fg_conf_section *sec, const char *key, long def,
		    long min, long max, long *out)
{
	int64_t v;
	int rc = fg_conf_int(cfg, sec, key, def, min, max, &v);
	*out = (long)v;
	return rc;
}

int fg_secscan_settings(const struct fg_config *cfg, struct fg_sec_settings *s)
{
	const struct fg_conf_section *sec = fg_config_section(cfg, "secscan", NULL);
	const char *sev = NULL;
	int rc = 0;

	memset(s, 0, sizeof(*s));
	if (fg_conf_str(cfg, sec, "min_severity", "low", &sev) < 0 ||
	    fg_severity_parse(sev, &s->min_severity) < 0) {
		fg_conf_error(cfg, sec, "min_severity",
			      "invalid min_severity '%s': use info, low, medium, high or critical",
			      sev ? sev : "");
		return FG_ERR_CONFIG;
	}
	if (get_days(cfg, sec, "stale_days", 90, 1, 3650, &s->stale_days) < 0 ||
	    get_days(cfg, sec, "failed_login_burst", 10, 2, 1000000, &s->burst) < 0 ||
	    get_days(cfg, sec, "max_admins", 3, 1, 100000, &s->max_admins) < 0 ||
	    get_days(cfg, sec, "login_days", 90, 1, 365, &s->login_days) < 0 ||
	    get_days(cfg, sec, "threat_days", 7, 1, 90, &s->threat_days) < 0 ||
	    get_days(cfg, sec, "key_max_age_days", 180, 1, 3650, &s->key_max_age_days) < 0 ||
	    get_days(cfg, sec, "password_max_age_days", 90, 1, 3650, &s->password_max_age_days) < 0 ||
	    get_days(cfg, sec, "admin_password_max_age_days", 365, 1, 3650, &s->admin_password_max_age_days) <
		    0)
		return FG_ERR_CONFIG;
	if (fg_conf_list(cfg, sec, "notify", &s->notify, &s->nnotify) < 0 ||
	    fg_conf_list(cfg, sec, "service_users", &s->service_users, &s->nservice_users) < 0)
		return FG_ERR_CONFIG;
	if (fg_conf_get(sec, "ioc_client_apps") != NULL) {
		if (fg_conf_list(cfg, sec, "ioc_client_apps", &s->ioc_apps, &s->nioc_apps) < 0)
			return FG_ERR_CONFIG;
	} else {
		s->ioc_apps = calloc(3, sizeof(char *));
		if (s->ioc_apps == NULL)
			return FG_ERR_INTERNAL;
		s->ioc_apps[0] = strdup("rapeflake");
		s->ioc_apps[1] = strdup("DBeaver_DBeaverUltimate");
		s->nioc_apps = 2;
	}
	for (int i = 0; i < s->nnotify; i++)
		if (fg_config_section(cfg, "channel", s->notify[i]) == NULL) {
			fg_conf_error(cfg, sec, "notify", "unknown channel '%s': define [channel %s]",
				      s->notify[i], s->notify[i]);
			rc = FG_ERR_CONFIG;
		}
	for (const struct fg_conf_entry *e = sec ? sec->entries : NULL; e != NULL; e = e->next) {
		const char *err = NULL;
		char *bad = NULL;
		if (strcmp(e->key, "ignore") != 0)
			continue;
		if (fg_sec_ignore_parse(e->value, &s->ignore, &s->nignore, &err, &bad) < 0) {
			fg_error("%s:%d: invalid ignore entry '%s': %s", cfg->path, e->line,
				 bad ? bad : e->value, err);
			free(bad);
			rc = FG_ERR_CONFIG;
		}
	}
	if (rc == 0)
		rc = load_ioc(cfg, sec, s);
	return rc;
}

void fg_secscan_settings_release(struct fg_sec_settings *s)
{
	fg_conf_list_free(s->notify);
	fg_conf_list_free(s->service_users);
	if (s->ioc_apps != NULL)
		fg_conf_list_free(s->ioc_apps);
	json_decref(s->ioc_ips);
	free(s->ioc_reason);
	free(s->ioc_file);
	fg_sec_ignore_free(s->ignore, s->nignore);
	free(s->ignore);
	memset(s, 0, sizeof(*s));
}
