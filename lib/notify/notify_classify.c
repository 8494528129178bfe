/*
 * notify_classify.c - what one finished attempt means.
 *
 *   2xx                                   sent
 *   429                                   retry, no earlier than Retry-After
 *   408, 5xx, timeouts, connection errors retry with backoff and jitter
 *   SMTP 4xx replies                      retry with backoff and jitter
 *   other 4xx and 3xx, SMTP 5xx replies   dead (permanent)
 *   Slack invalid_payload, no_service,
 *   channel_is_archived (any status)      dead
 *   Teams legacy "HTTP error NNN" in a
 *   200 body                              classified as NNN
 *   TLS failures (certificate not
 *   trusted, handshake, no STARTTLS
 *   with smtp_tls = required)             retry: nothing was sent; the
 *                                         caller warns, a person must act
 * A retry that would be attempt max_attempts or more becomes dead.
 * The error text is short and never carries a URL: only status, the first
 * line of the answer, or curl's message (which names hosts, not paths).
 */
#include "notify.h"
#include "http.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

static const char *slack_permanent[] = { "invalid_payload", "no_service", "channel_is_archived",
					 "channel_not_found", "action_prohibited", "invalid_token",
					 "no_team", "team_disabled", "user_not_found", NULL };

double fg_notify_backoff(int64_t base_s, int64_t max_s, int attempts)
{
	double d = (double)base_s * pow(2.0, attempts > 30 ? 30 : attempts);
	unsigned r = 0;

	if (d > (double)max_s)
		d = (double)max_s;
	if (getrandom(&r, sizeof(r), 0) != sizeof(r))
		r = (unsigned)rand();
	/* equal jitter: half fixed, half random, so runs spread out */
	return d / 2.0 + (d / 2.0) * ((double)r / 4294967295.0);
}

static void first_line(const char *s, char *out, size_t len)
{
	size_t n = s ? strcspn(s, "\r\n") : 0;
	if (n > 120)
		n = 120;
	snprintf(out, len, "%.*s", (int)n, s ? s : "");
}

static enum fg_outcome http_status(long code, const char *resp, char *err, size_t errlen)
{
	char line[128];

	first_line(resp, line, sizeof(line));
	snprintf(err, errlen, "HTTP %ld%s%s", code, line[0] ? ": " : "", line);
	if (code >= 200 && code < 300)
		return FG_OUT_SENT;
	if (code == 429 || code == 408 || code >= 500 || code == 0)
		return FG_OUT_RETRY;
	return FG_OUT_DEAD;
}

bool fg_notify_tls_failed(const struct fg_request *req)
{
	switch (req->curl_code) {
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_USE_SSL_FAILED:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_ISSUER_ERROR:
		return true;
	default:
		return false;
	}
}

/* A TLS failure in words that say nothing went out and what to do. */
static void tls_error(const struct fg_request *req, char *err, size_t errlen)
{
	char line[128];

	first_line(req->errbuf, line, sizeof(line));
	if (req->curl_code == CURLE_USE_SSL_FAILED)
		snprintf(err, errlen, "the server does not offer STARTTLS and smtp_tls = required: "
				      "not sent in clear");
	else if (req->curl_code == CURLE_PEER_FAILED_VERIFICATION)
		snprintf(err, errlen, "TLS: %s: not sent (trust the server's CA with ca_file)", line);
	else
		snprintf(err, errlen, "TLS: %s: not sent", line);
}

enum fg_outcome fg_notify_classify(const struct fg_notify_conf *nc, enum fg_chan_type t,
				   const struct fg_request *req, int attempts, double *delay_s,
				   char *err, size_t errlen)
{
	enum fg_outcome o;
	long code = req->status;

	*delay_s = 0;
	err[0] = '\0';
	if (fg_notify_tls_failed(req)) {
		tls_error(req, err, errlen);
		o = FG_OUT_RETRY;
		code = 0;
	} else if (req->proto == FG_PROTO_SMTP) {
		if (req->curl_code == 0) {
			o = FG_OUT_SENT;
		} else {
			char line[128];
			first_line(req->errbuf, line, sizeof(line));
			if (code >= 400)
				snprintf(err, errlen, "SMTP %ld: %s", code, line);
			else
				snprintf(err, errlen, "%s", line);
			o = code >= 500 && code < 600 ? FG_OUT_DEAD : FG_OUT_RETRY;
			if (req->curl_code == CURLE_LOGIN_DENIED)
				o = FG_OUT_DEAD;
		}
	} else if (req->curl_code != 0) {
		char line[128];
		first_line(req->errbuf, line, sizeof(line));
		snprintf(err, errlen, "%s", line);
		o = req->curl_code == CURLE_URL_MALFORMAT || req->curl_code == CURLE_UNSUPPORTED_PROTOCOL
			    ? FG_OUT_DEAD
			    : FG_OUT_RETRY;
	} else {
		if (t == FG_CHAN_TEAMS && code >= 200 && code < 300 && req->resp) {
			const char *p = strstr(req->resp, "HTTP error ");
			if (p)
				code = strtol(p + 11, NULL, 10);
			else if (strstr(req->resp, "delivery failed"))
				code = 502;
		}
		o = http_status(code, req->resp, err, errlen);
		if (t == FG_CHAN_SLACK && req->resp)
			for (int i = 0; slack_permanent[i]; i++)
				if (strstr(req->resp, slack_permanent[i])) {
					snprintf(err, errlen, "HTTP %ld: slack says %s", req->status,
						 slack_permanent[i]);
					o = FG_OUT_DEAD;
				}
	}
	if (o == FG_OUT_SENT) {
		err[0] = '\0';
		return o;
	}
	if (o == FG_OUT_RETRY) {
		if (code == 429 && req->retry_after >= 0)
			*delay_s = (double)(req->retry_after > 86400 ? 86400 : req->retry_after);
		else
			*delay_s = fg_notify_backoff(nc->backoff_base_s, nc->backoff_max_s, attempts);
		if (attempts + 1 >= nc->max_attempts) {
			size_t l = strlen(err);
			char tmp[256];
			snprintf(tmp, sizeof(tmp), "gave up after %d attempts: %.*s", attempts + 1,
				 (int)(l > 200 ? 200 : l), err);
			snprintf(err, errlen, "%s", tmp);
			o = FG_OUT_DEAD;
		}
	}
	return o;
}
