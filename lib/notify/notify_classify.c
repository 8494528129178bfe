/*
 * notify_classify.c - what one finished attempt means, and when to try
 * again.
 *
 *   TLS failures (certificate not
 *   trusted, handshake, no STARTTLS
 *   with smtp_tls = required)             retry: nothing was sent; the
 *                                         caller warns, a person must act
 *   anything else                         as the channel type's
 *                                         ops->classify says (channel.c
 *                                         has the common HTTP reading,
 *                                         the types their exceptions)
 *   retry after 429 with Retry-After      no earlier than it says (<= 1 day)
 *   other retries                         backoff with equal jitter
 * A retry that would be attempt max_attempts or more becomes dead.
 * The error text is short and never carries a URL: only status, the first
 * line of the answer, or curl's message (which names hosts, not paths).
 */
#include "notify.h"
#include "channel_render.h"
#include "http.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

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

	fg_channel_first_line(req->errbuf, line, sizeof(line));
	if (req->curl_code == CURLE_USE_SSL_FAILED)
		snprintf(err, errlen,
			 "the server does not offer STARTTLS and smtp_tls = required: "
			 "not sent in clear");
	else if (req->curl_code == CURLE_PEER_FAILED_VERIFICATION)
		snprintf(err, errlen, "TLS: %s: not sent (trust the server's CA with ca_file)", line);
	else
		snprintf(err, errlen, "TLS: %s: not sent", line);
}

enum fg_outcome fg_notify_classify(const struct fg_notify_conf *nc, enum fg_chan_type t,
				   const struct fg_request *req, int attempts, double *delay_s, char *err,
				   size_t errlen)
{
	const struct fg_channel_ops *ops = fg_channel_ops_of(t);
	enum fg_outcome o;
	long code = req->status;

	*delay_s = 0;
	err[0] = '\0';
	if (fg_notify_tls_failed(req)) {
		tls_error(req, err, errlen);
		o = FG_OUT_RETRY;
		code = 0;
	} else if (ops == NULL) {
		snprintf(err, errlen, "no channel type %d", (int)t);
		return FG_OUT_DEAD;
	} else {
		o = ops->classify(req, &code, err, errlen);
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
