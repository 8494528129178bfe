/*
 * http.h - one outgoing request (HTTP POST or SMTP submission) and the curl
 * multi engine that runs many of them concurrently.
 *
 * A request owns its URL, headers, body and recipients; credentials are
 * borrowed from the configuration.  fg_http_run() runs a set of requests
 * with at most `concurrency` in flight, reusing connections through one
 * multi handle, and serialises requests that share a rate key through a
 * token bucket (Slack accepts about one message per second per webhook).
 * Every request gets its connect and total timeouts.  Results (status,
 * curl code, Retry-After, response body, duration) are written back into
 * each request.
 */
#ifndef FG_HTTP_H
#define FG_HTTP_H

#include <curl/curl.h>
#include <stdbool.h>
#include <signal.h>
#include <stddef.h>

enum fg_proto {
	FG_PROTO_HTTP = 0,
	FG_PROTO_SMTP,
};

struct fg_request {
	enum fg_proto proto;
	char *url;                  /* owned; a secret for webhooks */
	struct curl_slist *headers; /* owned */
	char *body;                 /* owned: JSON, or the RFC 5322 message */
	size_t body_len;
	char *mail_from;         /* owned, SMTP */
	struct curl_slist *rcpt; /* owned, SMTP */
	const char *username;    /* borrowed (SMTP user, AWS key id) */
	const char *password;    /* borrowed (SMTP password, AWS secret) */
	char *aws_sigv4;         /* owned: "aws:amz:REGION:ses" */
	bool smtp_tls_required;
	bool tls_verify;
	const char *ca_file;
	long timeout_ms;
	long connect_timeout_ms;
	const char *rate_key; /* borrowed; NULL = no rate limit */
	double rate_per_sec;

	/* results */
	bool done;
	int curl_code;    /* CURLcode */
	long status;      /* HTTP status or last SMTP reply code */
	long retry_after; /* seconds, -1 when absent */
	char *resp;       /* owned, NUL-terminated, at most 4 KiB kept */
	size_t resp_len;
	long duration_ms;
	double started; /* wall clock, seconds since the epoch */
	char errbuf[CURL_ERROR_SIZE];

	/* engine state */
	CURL *easy;
	size_t upload_off;
	double mono_start;
	int bucket;
};

/* Zero a request (no allocation). */
void fg_request_init(struct fg_request *r);
/* Free what a request owns. */
void fg_request_release(struct fg_request *r);
/* Append a header line (copied).  Returns 0 or FG_ERR. */
int fg_request_header(struct fg_request *r, const char *line);

/* Global curl setup/teardown (call once around everything). */
int fg_http_global_init(void);
void fg_http_global_cleanup(void);

/*
 * Run reqs[0..n-1].  Stops starting new requests once *stop becomes
 * non-zero or `start_for` seconds have passed (0: no limit); in-flight
 * ones finish, the others keep done = false.  Returns 0 (each request's
 * own result says how it went), or FG_ERR on an internal failure after
 * logging.
 */
int fg_http_run(struct fg_request **reqs, size_t n, long concurrency, double start_for,
		const volatile sig_atomic_t *stop);

/*
 * fg_http_run, telling the caller as results come in: done(r, arg) for
 * each finished request, then done(NULL, arg) once the requests that
 * finished together have been reported, before anything new starts.  A
 * caller that records results there loses at most the requests in flight
 * when it dies.  A negative return from done stops the run: nothing new
 * starts, in-flight requests are abandoned (done = false) and that value
 * is returned.
 */
int fg_http_run_cb(struct fg_request **reqs, size_t n, long concurrency, double start_for,
		   const volatile sig_atomic_t *stop, int (*done)(struct fg_request *r, void *arg),
		   void *arg);

/* Wall clock in seconds with sub-second precision. */
double fg_http_wallclock(void);

#endif
