/*
 * monitor.c - metrics textfile and health pings.
 *
 * The metrics file keeps the last success timestamp across failed runs by
 * reading it back from the previous file, so the collector can alert on
 * "no success for N hours" without a database query.
 */
#include "monitor.h"
#include "exitcode.h"
#include "log.h"
#include "redact.h"

#include <curl/curl.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static size_t discard(char *ptr, size_t size, size_t n, void *ud)
{
	(void)ptr;
	(void)ud;
	return size * n;
}

static void ping(const struct fg_config *cfg, const char *suffix)
{
	const struct fg_conf_section *m = fg_config_section(cfg, "monitoring", NULL);
	const char *base = fg_conf_get(m, "ping_url");
	int64_t timeout = 10;
	char url[2048];
	CURL *c;

	if (base == NULL || *base == '\0')
		return;
	const char *t = fg_conf_get(m, "ping_timeout");
	if (t != NULL && fg_parse_interval(t, &timeout) < 0)
		timeout = 10;
	size_t bl = strlen(base);
	if (snprintf(url, sizeof(url), "%s%s%s", base, bl > 0 && base[bl - 1] == '/' ? "" : "/", suffix) >=
	    (int)sizeof(url)) {
		fg_warn("health ping URL is too long; not pinging");
		return;
	}
	if ((c = curl_easy_init()) == NULL)
		return;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)timeout);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)(timeout < 5 ? timeout : 5));
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "flakeguard");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	CURLcode rc = curl_easy_perform(c);
	long code = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (rc != CURLE_OK || code >= 400) {
		char *shown = fg_redact_url(base);
		if (rc != CURLE_OK)
			fg_warn("health ping to %s failed: %s; the job itself is not affected",
				shown ? shown : "***", curl_easy_strerror(rc));
		else
			fg_warn("health ping to %s answered HTTP %ld; the job itself is not affected",
				shown ? shown : "***", code);
		free(shown);
	}
	curl_easy_cleanup(c);
}

void fg_monitor_start(const struct fg_config *cfg, const struct fg_job *job)
{
	(void)job;
	ping(cfg, "start");
}

/* Last success timestamp from a previous metrics file, or 0. */
static double previous_success(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];
	double v = 0;
	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "flakeguard_last_success_timestamp_seconds{", 42) == 0) {
			const char *sp = strrchr(line, ' ');
			if (sp)
				v = strtod(sp + 1, NULL);
		}
	fclose(f);
	return v;
}

static void write_metrics(const char *dir, const char *job, int status, double duration, const json_t *counts)
{
	char path[4096], tmp[4200];
	struct timespec now;
	FILE *f;

	if (snprintf(path, sizeof(path), "%s/flakeguard_%s.prom", dir, job) >= (int)sizeof(path)) {
		fg_warn("metrics_dir '%s' is too long; no metrics written", dir);
		return;
	}
	snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid());
	clock_gettime(CLOCK_REALTIME, &now);
	double ts = (double)now.tv_sec + (double)now.tv_nsec / 1e9;
	bool ok = status == 0 || status == 1;
	double last_success = ok ? ts : previous_success(path);

	if ((f = fopen(tmp, "w")) == NULL) {
		fg_warn("cannot write metrics file '%s': %s; the job itself is not affected", tmp,
			strerror(errno));
		return;
	}
	fprintf(f,
		"# HELP flakeguard_last_run_timestamp_seconds End of the last run.\n"
		"# TYPE flakeguard_last_run_timestamp_seconds gauge\n"
		"flakeguard_last_run_timestamp_seconds{job=\"%s\"} %.3f\n"
		"# HELP flakeguard_last_success_timestamp_seconds End of the last successful run.\n"
		"# TYPE flakeguard_last_success_timestamp_seconds gauge\n"
		"flakeguard_last_success_timestamp_seconds{job=\"%s\"} %.3f\n"
		"# HELP flakeguard_last_duration_seconds Duration of the last run.\n"
		"# TYPE flakeguard_last_duration_seconds gauge\n"
		"flakeguard_last_duration_seconds{job=\"%s\"} %.3f\n"
		"# HELP flakeguard_last_exit_status Exit status of the last run.\n"
		"# TYPE flakeguard_last_exit_status gauge\n"
		"flakeguard_last_exit_status{job=\"%s\"} %d\n",
		job, ts, job, last_success, job, duration, job, status);
	if (counts != NULL && json_object_size(counts) > 0) {
		const char *key;
		json_t *v;
		fprintf(f, "# HELP flakeguard_items_processed Items processed by the last run.\n"
			   "# TYPE flakeguard_items_processed gauge\n");
		json_object_foreach((json_t *)counts, key, v)
		{
			if (json_is_integer(v))
				fprintf(f,
					"flakeguard_items_processed{job=\"%s\",item=\"%s\"} %" JSON_INTEGER_FORMAT
					"\n",
					job, key, json_integer_value(v));
		}
	}
	if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0) {
		fg_warn("cannot write metrics file '%s': %s; the job itself is not affected", tmp,
			strerror(errno));
		fclose(f);
		unlink(tmp);
		return;
	}
	fclose(f);
	if (rename(tmp, path) < 0) {
		fg_warn("cannot rename metrics file to '%s': %s", path, strerror(errno));
		unlink(tmp);
	}
}

void fg_monitor_end(const struct fg_config *cfg, const struct fg_job *job, int status, double duration,
		    const json_t *counts)
{
	const struct fg_conf_section *m = fg_config_section(cfg, "monitoring", NULL);
	const char *dir = fg_conf_get(m, "metrics_dir");
	char suffix[16];

	if (dir != NULL && *dir != '\0')
		write_metrics(dir, job->name, status, duration, counts);
	snprintf(suffix, sizeof(suffix), "%d", status);
	ping(cfg, suffix);
}

int fg_monitor_check(const struct fg_config *cfg)
{
	const struct fg_conf_section *m = fg_config_section(cfg, "monitoring", NULL);
	const char *url = fg_conf_get(m, "ping_url"), *dir = fg_conf_get(m, "metrics_dir");
	int64_t timeout;
	int rc = 0;

	if (url != NULL && *url != '\0' &&
	    ((strncasecmp(url, "https://", 8) != 0 && strncasecmp(url, "http://", 7) != 0) ||
	     strchr("/?#", url[strcspn(url, ":") + 3]) != NULL || strpbrk(url, " \t\r\n") != NULL)) {
		fg_conf_error(cfg, m, "ping_url",
			      "the ping url is not an http:// or https:// URL with a host");
		rc = FG_ERR_CONFIG;
	}
	if (fg_conf_seconds(cfg, m, "ping_timeout", 10, 1, 300, &timeout) < 0)
		rc = FG_ERR_CONFIG;
	if (dir != NULL && *dir != '\0' && access(dir, W_OK | X_OK) < 0) {
		fg_conf_error(cfg, m, "metrics_dir", "cannot write to metrics_dir '%s': %s", dir,
			      strerror(errno));
		rc = FG_ERR_CONFIG;
	}
	return rc;
}
