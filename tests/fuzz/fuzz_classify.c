/*
 * libFuzzer harness: reading the answer to a delivery.  The input is a
 * finished request (channel type, protocol, HTTP or SMTP status, curl
 * code, Retry-After, attempts so far, curl's error text, then the answer
 * body after a NUL) classified by the type's ops->classify and by
 * fg_notify_classify().  The outcome is sent, retry or dead; the error
 * text is one line within its buffer, empty when sent, and never shows
 * the request's URL; a retry waits no longer than a day.  As in
 * fg_notify_classify(), err starts empty: a type may leave it so when the
 * answer needs no words (SMTP accepted).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "channel.h"
#include "http.h"
#include "log.h"
#include "notify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define URL "https://hooks.example.com/services/T00/B00/sEcReTpAtH"
#define MARK "sEcReTpAtH"

static void check_err(const char *err, size_t errlen, int url_in_input)
{
	if (strlen(err) >= errlen || strpbrk(err, "\r\n") != NULL)
		abort();
	if (!url_in_input && strstr(err, MARK) != NULL)
		abort();
}

static int valid(enum fg_outcome o)
{
	return o == FG_OUT_SENT || o == FG_OUT_RETRY || o == FG_OUT_DEAD;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fg_notify_conf nc = { .max_attempts = 5, .backoff_base_s = 30, .backoff_max_s = 3600 };
	struct fg_request req;
	char err[256], small[16];
	const char *rest;
	size_t nrest, nerr;
	int attempts, url_in_input;
	double delay;
	enum fg_chan_type t;
	enum fg_outcome o;
	long code;

	if (size < 10 || size > 8192)
		return 0;
	fg_request_init(&req);
	t = (enum fg_chan_type)(data[0] % (FG_CHAN_NTYPES + 1));
	req.proto = data[1] & 1 ? FG_PROTO_SMTP : FG_PROTO_HTTP;
	req.status = (long)(int16_t)(data[2] | data[3] << 8);
	req.curl_code = data[4] % 100;
	req.retry_after = (long)(int32_t)((uint32_t)data[5] | (uint32_t)data[6] << 8 |
					  (uint32_t)data[7] << 16 | (uint32_t)data[8] << 24);
	attempts = data[9] % 8;
	rest = (const char *)data + 10;
	nrest = size - 10;
	url_in_input = memmem(rest, nrest, MARK, strlen(MARK)) != NULL;
	nerr = strnlen(rest, nrest);
	memcpy(req.errbuf, rest, nerr < sizeof(req.errbuf) ? nerr : sizeof(req.errbuf) - 1);
	if (nerr < nrest) {
		size_t n = nrest - nerr - 1;
		if (n > 4096)
			n = 4096;
		if ((req.resp = malloc(n + 1)) == NULL)
			return 0;
		memcpy(req.resp, rest + nerr + 1, n);
		req.resp[n] = '\0';
		req.resp_len = n;
	}
	if ((req.url = strdup(URL)) == NULL) {
		fg_request_release(&req);
		return 0;
	}
	req.done = true;

	const struct fg_channel_ops *ops = fg_channel_ops_of(t);
	if (ops != NULL) {
		code = req.status;
		err[0] = '\0';
		if (!valid(ops->classify(&req, &code, err, sizeof(err))))
			abort();
		check_err(err, sizeof(err), url_in_input);
		code = req.status;
		small[0] = '\0';
		if (!valid(ops->classify(&req, &code, small, sizeof(small))))
			abort();
		check_err(small, sizeof(small), url_in_input);
	}
	o = fg_notify_classify(&nc, t, &req, attempts, &delay, err, sizeof(err));
	if (!valid(o))
		abort();
	check_err(err, sizeof(err), url_in_input);
	if (o == FG_OUT_SENT && err[0] != '\0')
		abort();
	if (delay < 0 || delay > 86400 || (o != FG_OUT_RETRY && o != FG_OUT_DEAD && delay != 0))
		abort();
	fg_request_release(&req);
	return 0;
}
