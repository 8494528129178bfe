/*
 * http.c - the curl multi engine behind every delivery.
 *
 * Requests wait in a queue; up to `concurrency` run at once on one multi
 * handle, whose connection cache lets later requests to the same host reuse
 * a connection.  A request with a rate key takes a token from that key's
 * bucket before it starts (capacity one, refilled at rate_per_sec), so one
 * Slack webhook never sees more than about a message a second while other
 * webhooks keep the slots busy.  A request never started (stop flag set)
 * keeps done = false; its caller releases it for a later run.
 *
 * TLS peer and host verification are on unless the request says otherwise
 * (tls_verify = false, which the configuration warns about loudly).
 * Redirects are not followed: a webhook that redirects is misconfigured.
 */
#include "http.h"
#include "clock.h"
#include "exitcode.h"
#include "log.h"
#include "fg_version.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define RESP_MAX 4096

struct bucket {
	const char *key;
	double rate;
	double tokens;
	double last;
};

void fg_request_init(struct fg_request *r)
{
	memset(r, 0, sizeof(*r));
	r->retry_after = -1;
	r->tls_verify = true;
	r->smtp_tls_required = true;
	r->bucket = -1;
}

void fg_request_release(struct fg_request *r)
{
	if (r == NULL)
		return;
	if (r->easy)
		curl_easy_cleanup(r->easy);
	free(r->url);
	curl_slist_free_all(r->headers);
	free(r->body);
	free(r->mail_from);
	curl_slist_free_all(r->rcpt);
	free(r->aws_sigv4);
	free(r->resp);
	fg_request_init(r);
}

int fg_request_header(struct fg_request *r, const char *line)
{
	struct curl_slist *l = curl_slist_append(r->headers, line);
	if (l == NULL)
		return FG_ERR;
	r->headers = l;
	return 0;
}

int fg_http_global_init(void)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fg_error("cannot initialise libcurl");
		return FG_ERR;
	}
	return 0;
}

void fg_http_global_cleanup(void)
{
	curl_global_cleanup();
}

double fg_http_wallclock(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t on_write(char *p, size_t size, size_t nmemb, void *ud)
{
	struct fg_request *r = ud;
	size_t n = size * nmemb, keep = n;

	if (r->resp_len + keep > RESP_MAX)
		keep = RESP_MAX - r->resp_len;
	if (keep > 0) {
		char *nb = realloc(r->resp, r->resp_len + keep + 1);
		if (nb == NULL)
			return 0;
		r->resp = nb;
		memcpy(r->resp + r->resp_len, p, keep);
		r->resp_len += keep;
		r->resp[r->resp_len] = '\0';
	}
	return n;
}

static size_t on_read(char *p, size_t size, size_t nmemb, void *ud)
{
	struct fg_request *r = ud;
	size_t n = size * nmemb, left = r->body_len - r->upload_off;

	if (n > left)
		n = left;
	memcpy(p, r->body + r->upload_off, n);
	r->upload_off += n;
	return n;
}

static int setup(struct fg_request *r)
{
	CURL *e = curl_easy_init();
	if (e == NULL)
		return FG_ERR;
	r->easy = e;
	r->upload_off = 0;
	r->errbuf[0] = '\0';
	curl_easy_setopt(e, CURLOPT_URL, r->url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, r);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
			 r->connect_timeout_ms > 0 ? r->connect_timeout_ms : 10000L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, r->timeout_ms > 0 ? r->timeout_ms : 30000L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, r->tls_verify ? 1L : 0L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, r->tls_verify ? 2L : 0L);
	if (r->ca_file)
		curl_easy_setopt(e, CURLOPT_CAINFO, r->ca_file);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "flakeguard/" FG_VERSION);
	if (r->username)
		curl_easy_setopt(e, CURLOPT_USERNAME, r->username);
	if (r->password)
		curl_easy_setopt(e, CURLOPT_PASSWORD, r->password);
	if (r->proto == FG_PROTO_SMTP) {
		curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
		curl_easy_setopt(e, CURLOPT_MAIL_FROM, r->mail_from);
		curl_easy_setopt(e, CURLOPT_MAIL_RCPT, r->rcpt);
		curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(e, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(e, CURLOPT_READDATA, r);
		curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, (curl_off_t)r->body_len);
		curl_easy_setopt(e, CURLOPT_USE_SSL,
				 r->smtp_tls_required ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_NONE);
	} else {
		curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
		curl_easy_setopt(e, CURLOPT_POST, 1L);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body ? r->body : "");
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_len);
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->headers);
		if (r->aws_sigv4)
			curl_easy_setopt(e, CURLOPT_AWS_SIGV4, r->aws_sigv4);
	}
	return 0;
}

static void finish(struct fg_request *r, CURLcode cc)
{
	curl_off_t ra = -1;

	r->done = true;
	r->curl_code = (int)cc;
	curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &r->status);
	if (curl_easy_getinfo(r->easy, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK && ra > 0)
		r->retry_after = (long)ra;
	r->duration_ms = (long)((fg_mono_seconds() - r->mono_start) * 1000.0);
	if (cc != CURLE_OK && r->errbuf[0] == '\0')
		snprintf(r->errbuf, sizeof(r->errbuf), "%s", curl_easy_strerror(cc));
	curl_easy_cleanup(r->easy);
	r->easy = NULL;
}

/* Index of the bucket for key, creating it; buckets has room for n. */
static int bucket_for(struct bucket *b, int *nb, const char *key, double rate)
{
	for (int i = 0; i < *nb; i++)
		if (strcmp(b[i].key, key) == 0)
			return i;
	b[*nb] = (struct bucket){ key, rate, 1.0, fg_mono_seconds() };
	return (*nb)++;
}

/* Seconds until bucket i holds a token (0 = now). */
static double bucket_wait(struct bucket *b, double now)
{
	b->tokens = fmin(1.0, b->tokens + (now - b->last) * b->rate);
	b->last = now;
	return b->tokens >= 0.999 ? 0.0 : (1.0 - b->tokens) / b->rate;
}

int fg_http_run(struct fg_request **reqs, size_t n, long concurrency, double start_for,
		const volatile sig_atomic_t *stop)
{
	return fg_http_run_cb(reqs, n, concurrency, start_for, stop, NULL, NULL);
}

int fg_http_run_cb(struct fg_request **reqs, size_t n, long concurrency, double start_for,
		   const volatile sig_atomic_t *stop, int (*done)(struct fg_request *r, void *arg), void *arg)
{
	double t_end = start_for > 0 ? fg_mono_seconds() + start_for : 0;
	int rc = FG_ERR, nb = 0;
	size_t nq = n, running = 0;
	size_t *queue = calloc(n ? n : 1, sizeof(*queue));
	struct bucket *b = calloc(n ? n : 1, sizeof(*b));
	CURLM *m = curl_multi_init();

	if (concurrency < 1)
		concurrency = 1;
	if (queue == NULL || b == NULL || m == NULL) {
		fg_error("cannot start deliveries: out of memory");
		goto out;
	}
	curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, concurrency);
	curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, concurrency * 2);
	for (size_t i = 0; i < n; i++) {
		queue[i] = i;
		reqs[i]->bucket = -1;
		if (reqs[i]->rate_key && reqs[i]->rate_per_sec > 0)
			reqs[i]->bucket = bucket_for(b, &nb, reqs[i]->rate_key, reqs[i]->rate_per_sec);
	}
	while (nq > 0 || running > 0) {
		double now = fg_mono_seconds(), wait = 1.0;
		bool late = t_end > 0 && now >= t_end;
		if (late && running == 0)
			break;
		/* start what the slots and buckets allow */
		for (size_t qi = 0; qi < nq && running < (size_t)concurrency && !*stop && !late;) {
			struct fg_request *r = reqs[queue[qi]];
			if (r->bucket >= 0) {
				double w = bucket_wait(&b[r->bucket], now);
				if (w > 0) {
					wait = fmin(wait, w);
					qi++;
					continue;
				}
				b[r->bucket].tokens -= 1.0;
			}
			if (setup(r) < 0 || curl_multi_add_handle(m, r->easy) != CURLM_OK) {
				fg_error("cannot start a delivery: out of memory");
				goto out;
			}
			r->started = fg_http_wallclock();
			r->mono_start = now;
			running++;
			/* keep the queue in order: one webhook gets its messages in outbox order */
			memmove(&queue[qi], &queue[qi + 1], (nq - qi - 1) * sizeof(*queue));
			nq--;
		}
		if (*stop && running == 0)
			break;
		if (running == 0) {
			usleep((useconds_t)(wait * 1e6) + 1000);
			continue;
		}
		int still;
		curl_multi_perform(m, &still);
		CURLMsg *msg;
		int left, finished = 0;
		while ((msg = curl_multi_info_read(m, &left)) != NULL) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			struct fg_request *r;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&r);
			curl_multi_remove_handle(m, msg->easy_handle);
			finish(r, msg->data.result);
			running--;
			finished++;
			if (done && (rc = done(r, arg)) < 0)
				goto out;
		}
		if (done && finished > 0 && (rc = done(NULL, arg)) < 0)
			goto out;
		/* a freed slot is refilled at once, not after the next socket event */
		if (running > 0 && (finished == 0 || nq == 0))
			curl_multi_poll(m, NULL, 0, (int)(wait * 1000) + 1, NULL);
	}
	rc = 0;
out:
	if (m) {
		for (size_t i = 0; i < n; i++)
			if (reqs[i]->easy) {
				curl_multi_remove_handle(m, reqs[i]->easy);
				curl_easy_cleanup(reqs[i]->easy);
				reqs[i]->easy = NULL;
			}
		curl_multi_cleanup(m);
	}
	free(queue);
	free(b);
	return rc;
}
