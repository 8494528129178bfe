/*
 * email_providers.c - turn a composed e-mail into a request for the
 * configured provider.
 *
 *   smtp:     the MIME message from email_mime.c, submitted by libcurl's
 *             SMTP (STARTTLS required unless smtp_tls = none or loopback;
 *             smtps:// is TLS from the start), one envelope, many RCPT TO;
 *   sendgrid: POST /v3/mail/send with a Bearer key, text then HTML content;
 *   ses:      POST /v2/email/outbound-emails signed by libcurl's
 *             CURLOPT_AWS_SIGV4 ("aws:amz:REGION:ses"), session token in
 *             X-Amz-Security-Token.
 * The caller (channel_email.c) has checked the subject and addresses for
 * CR/LF for every provider, not only SMTP: an API would otherwise pass an
 * injected header along.
 */
#include "email.h"
#include "channel_render.h"
#include "exitcode.h"
#include "http.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

static void rand_hex(char *out, size_t nbytes)
{
	unsigned char r[32];
	static const char hex[] = "0123456789abcdef";
	if (nbytes > sizeof(r))
		nbytes = sizeof(r);
	if (getrandom(r, nbytes, 0) != (ssize_t)nbytes)
		for (size_t i = 0; i < nbytes; i++)
			r[i] = (unsigned char)rand();
	for (size_t i = 0; i < nbytes; i++) {
		out[2 * i] = hex[r[i] >> 4];
		out[2 * i + 1] = hex[r[i] & 15];
	}
	out[2 * nbytes] = '\0';
}

static int smtp_request(const struct fg_email_conf *em, const char *const *to, int nto,
			const struct fg_notification *n, const char *subj, const char *text, const char *html,
			struct fg_request *req, char *err, size_t errlen)
{
	char mid[160], bnd[64], rnd[33], *addr_domain = strchr(em->from_addr, '@');

	rand_hex(rnd, 12);
	snprintf(mid, sizeof(mid), "<flakeguard.%lld.%s%s>", (long long)n->id, rnd, addr_domain);
	rand_hex(rnd, 12);
	snprintf(bnd, sizeof(bnd), "=_flakeguard_%s", rnd);
	struct fg_email_msg m = {
		.from = em->from,
		.reply_to = em->reply_to,
		.to = to,
		.nto = nto,
		.subject = subj,
		.text = text,
		.html = html,
		.date = fg_render_now(),
		.message_id = mid,
		.boundary = bnd,
	};
	if ((req->body = fg_email_render(&m, err, errlen)) == NULL)
		return FG_ERR_DATA;
	req->body_len = strlen(req->body);
	req->proto = FG_PROTO_SMTP;
	req->url = strdup(em->smtp_url);
	if (asprintf(&req->mail_from, "<%s>", em->from_addr) < 0)
		req->mail_from = NULL;
	for (int i = 0; i < nto; i++) {
		char rc[300];
		snprintf(rc, sizeof(rc), "<%s>", to[i]);
		struct curl_slist *l = curl_slist_append(req->rcpt, rc);
		if (l == NULL)
			return FG_ERR;
		req->rcpt = l;
	}
	req->username = em->smtp_user;
	req->password = em->smtp_password;
	req->smtp_tls_required = em->smtp_tls_required;
	return req->url && req->mail_from ? 0 : FG_ERR;
}

static json_t *addr_list(const char *const *to, int nto, const char *key)
{
	json_t *a = json_array();
	for (int i = 0; i < nto; i++)
		json_array_append_new(a, key ? json_pack("{s:s}", key, to[i]) : json_string(to[i]));
	return a;
}

static int sendgrid_request(const struct fg_email_conf *em, const char *const *to, int nto, const char *subj,
			    const char *text, const char *html, struct fg_request *req)
{
	char auth[1200];
	json_t *from = json_pack("{s:s}", "email", em->from_addr);
	const char *lt = strrchr(em->from, '<');
	if (lt && lt > em->from) {
		char *name = strndup(em->from, (size_t)(lt - em->from));
		size_t nl = name ? strlen(name) : 0;
		while (nl > 0 && name[nl - 1] == ' ')
			name[--nl] = '\0';
		if (name && *name)
			json_object_set_new(from, "name", json_string(name));
		free(name);
	}
	json_t *o = json_pack("{s:[{s:o}], s:o, s:s, s:[{s:s, s:s}, {s:s, s:s}], s:{s:s}}",
			      "personalizations", "to", addr_list(to, nto, "email"), "from", from, "subject",
			      subj, "content", "type", "text/plain", "value", text, "type", "text/html",
			      "value", html, "headers", "Auto-Submitted", "auto-generated");
	if (o && em->reply_to)
		json_object_set_new(o, "reply_to", json_pack("{s:s}", "email", em->reply_to));
	req->body = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (req->body == NULL)
		return FG_ERR;
	req->body_len = strlen(req->body);
	req->url = strdup(em->sendgrid_url);
	if (snprintf(auth, sizeof(auth), "Authorization: Bearer %s", em->sendgrid_api_key) >=
	    (int)sizeof(auth))
		return FG_ERR_DATA;
	if (fg_request_header(req, auth) < 0 || fg_request_header(req, "Content-Type: application/json") < 0)
		return FG_ERR;
	explicit_bzero(auth, sizeof(auth));
	return req->url ? 0 : FG_ERR;
}

static int ses_request(const struct fg_email_conf *em, const char *const *to, int nto, const char *subj,
		       const char *text, const char *html, struct fg_request *req)
{
	json_t *o = json_pack(
		"{s:s, s:{s:o}, s:{s:{s:{s:s, s:s}, s:{s:{s:s, s:s}, s:{s:s, s:s}}, s:[{s:s, s:s}]}}}",
		"FromEmailAddress", em->from, "Destination", "ToAddresses", addr_list(to, nto, NULL),
		"Content", "Simple", "Subject", "Data", subj, "Charset", "UTF-8", "Body", "Text", "Data",
		text, "Charset", "UTF-8", "Html", "Data", html, "Charset", "UTF-8", "Headers", "Name",
		"Auto-Submitted", "Value", "auto-generated");
	if (o && em->reply_to)
		json_object_set_new(o, "ReplyToAddresses", json_pack("[s]", em->reply_to));
	req->body = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (req->body == NULL)
		return FG_ERR;
	req->body_len = strlen(req->body);
	if (em->ses_endpoint) {
		const char *e = em->ses_endpoint;
		size_t el = strlen(e);
		while (el > 0 && e[el - 1] == '/')
			el--;
		if (asprintf(&req->url, "%.*s%s", (int)el, e,
			     strstr(e, "/v2/") ? "" : "/v2/email/outbound-emails") < 0)
			req->url = NULL;
	} else if (asprintf(&req->url, "https://email.%s.amazonaws.com/v2/email/outbound-emails",
			    em->ses_region) < 0) {
		req->url = NULL;
	}
	if (asprintf(&req->aws_sigv4, "aws:amz:%s:ses", em->ses_region) < 0)
		req->aws_sigv4 = NULL;
	req->username = em->ses_access_key_id;
	req->password = em->ses_secret_access_key;
	if (fg_request_header(req, "Content-Type: application/json") < 0)
		return FG_ERR;
	if (em->ses_session_token) {
		char *h;
		if (asprintf(&h, "X-Amz-Security-Token: %s", em->ses_session_token) < 0)
			return FG_ERR;
		int rc = fg_request_header(req, h);
		explicit_bzero(h, strlen(h));
		free(h);
		if (rc < 0)
			return FG_ERR;
	}
	return req->url && req->aws_sigv4 ? 0 : FG_ERR;
}

int fg_email_provider_request(const struct fg_email_conf *em, const char *const *to, int nto,
			      const struct fg_notification *n, const char *subject, const char *text,
			      const char *html, struct fg_request *req, char *err, size_t errlen)
{
	switch (em->provider) {
	case FG_EMAIL_SMTP:
		return smtp_request(em, to, nto, n, subject, text, html, req, err, errlen);
	case FG_EMAIL_SENDGRID:
		return sendgrid_request(em, to, nto, subject, text, html, req);
	default:
		return ses_request(em, to, nto, subject, text, html, req);
	}
}
