/*
 * email_send.c - turn a notification into a request for the configured
 * e-mail provider.
 *
 *   smtp:     the MIME message from email_mime.c, submitted by libcurl's
 *             SMTP (STARTTLS required unless smtp_tls = none or loopback;
 *             smtps:// is TLS from the start), one envelope, many RCPT TO;
 *   sendgrid: POST /v3/mail/send with a Bearer key, text then HTML content;
 *   ses:      POST /v2/email/outbound-emails signed by libcurl's
 *             CURLOPT_AWS_SIGV4 ("aws:amz:REGION:ses"), session token in
 *             X-Amz-Security-Token.
 * The subject and addresses are checked for CR/LF for every provider, not
 * only SMTP: an API would otherwise pass an injected header along.
 */
#include "email.h"
#include "exitcode.h"
#include "http.h"
#include "notify_render.h"

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

int fg_email_compose(const struct fg_notification *n, char **subject, char **text, char **html)
{
	struct fg_facts f;
	char *esc;
	size_t len;
	FILE *fp;

	*subject = *text = *html = NULL;
	if (fg_facts_build(n, &f) < 0)
		return FG_ERR;
	if (asprintf(subject, "[flakeguard] %s: %s", fg_severity_name(n->severity), n->title) < 0)
		*subject = NULL;
	fp = open_memstream(text, &len);
	if (fp) {
		fprintf(fp, "%s\n", n->title);
		if (n->body && *n->body)
			fprintf(fp, "\n%s\n", n->body);
		if (f.n > 0)
			fputc('\n', fp);
		for (int i = 0; i < f.n; i++)
			fprintf(fp, "%s: %s\n", f.v[i].label, f.v[i].value);
		fprintf(fp, "\nseverity: %s\n-- \nflakeguard\n", fg_severity_name(n->severity));
		fclose(fp);
	}
	fp = open_memstream(html, &len);
	if (fp) {
		esc = fg_html_escape(n->title);
		fprintf(fp, "<!DOCTYPE html>\n<html><body>\n<h2 style=\"color:%s\">%s</h2>\n",
			fg_severity_color(n->severity), esc ? esc : "");
		free(esc);
		if (n->body && *n->body) {
			esc = fg_html_escape(n->body);
			fprintf(fp, "<p style=\"white-space:pre-wrap\">%s</p>\n", esc ? esc : "");
			free(esc);
		}
		fprintf(fp, "<table>\n");
		for (int i = 0; i < f.n; i++) {
			char *l = fg_html_escape(f.v[i].label), *v = fg_html_escape(f.v[i].value);
			fprintf(fp, "<tr><th align=\"left\">%s</th><td>%s</td></tr>\n", l ? l : "", v ? v : "");
			free(l);
			free(v);
		}
		fprintf(fp, "<tr><th align=\"left\">severity</th><td>%s</td></tr>\n</table>\n"
			    "<p><small>flakeguard</small></p>\n</body></html>\n",
			fg_severity_name(n->severity));
		fclose(fp);
	}
	fg_facts_release(&f);
	if (*subject == NULL || *text == NULL || *html == NULL) {
		free(*subject);
		free(*text);
		free(*html);
		*subject = *text = *html = NULL;
		return FG_ERR;
	}
	return 0;
}

static int smtp_request(const struct fg_email_conf *em, const struct fg_channel *ch,
			const struct fg_notification *n, const char *subj, const char *text,
			const char *html, struct fg_request *req, char *err, size_t errlen)
{
	char mid[160], bnd[64], rnd[33], *addr_domain = strchr(em->from_addr, '@');

	rand_hex(rnd, 12);
	snprintf(mid, sizeof(mid), "<flakeguard.%lld.%s%s>", (long long)n->id, rnd, addr_domain);
	rand_hex(rnd, 12);
	snprintf(bnd, sizeof(bnd), "=_flakeguard_%s", rnd);
	struct fg_email_msg m = {
		.from = em->from, .reply_to = em->reply_to, .to = (const char *const *)ch->to,
		.nto = ch->nto, .subject = subj, .text = text, .html = html,
		.date = fg_render_now(), .message_id = mid, .boundary = bnd,
	};
	if ((req->body = fg_email_render(&m, err, errlen)) == NULL)
		return FG_ERR_DATA;
	req->body_len = strlen(req->body);
	req->proto = FG_PROTO_SMTP;
	req->url = strdup(em->smtp_url);
	if (asprintf(&req->mail_from, "<%s>", em->from_addr) < 0)
		req->mail_from = NULL;
	for (int i = 0; i < ch->nto; i++) {
		char rc[300];
		snprintf(rc, sizeof(rc), "<%s>", ch->to[i]);
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

static json_t *addr_list(const struct fg_channel *ch, const char *key)
{
	json_t *a = json_array();
	for (int i = 0; i < ch->nto; i++)
		json_array_append_new(a, key ? json_pack("{s:s}", key, ch->to[i]) : json_string(ch->to[i]));
	return a;
}

static int sendgrid_request(const struct fg_email_conf *em, const struct fg_channel *ch,
			    const char *subj, const char *text, const char *html,
			    struct fg_request *req)
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
			      "personalizations", "to", addr_list(ch, "email"), "from", from, "subject",
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
	if (snprintf(auth, sizeof(auth), "Authorization: Bearer %s", em->sendgrid_api_key) >= (int)sizeof(auth))
		return FG_ERR_DATA;
	if (fg_request_header(req, auth) < 0 || fg_request_header(req, "Content-Type: application/json") < 0)
		return FG_ERR;
	explicit_bzero(auth, sizeof(auth));
	return req->url ? 0 : FG_ERR;
}

static int ses_request(const struct fg_email_conf *em, const struct fg_channel *ch,
		       const char *subj, const char *text, const char *html, struct fg_request *req)
{
	json_t *o = json_pack(
		"{s:s, s:{s:o}, s:{s:{s:{s:s, s:s}, s:{s:{s:s, s:s}, s:{s:s, s:s}}, s:[{s:s, s:s}]}}}",
		"FromEmailAddress", em->from, "Destination", "ToAddresses", addr_list(ch, NULL),
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

int fg_email_request(const struct fg_email_conf *em, const struct fg_channel *ch,
		     const struct fg_notification *n, struct fg_request *req, char *err,
		     size_t errlen)
{
	char *subj, *text, *html, *only[1];
	struct fg_channel one;
	int rc;

	/* a digest goes to the one recipient it was made for */
	if (strcmp(n->kind, "digest") == 0 && json_is_string(json_object_get(n->fields, "to"))) {
		one = *ch;
		only[0] = (char *)json_string_value(json_object_get(n->fields, "to"));
		one.to = only;
		one.nto = 1;
		ch = &one;
	}
	if (!em->configured) {
		snprintf(err, errlen, "no [email] section");
		return FG_ERR_DATA;
	}
	if (fg_email_compose(n, &subj, &text, &html) < 0) {
		snprintf(err, errlen, "out of memory");
		return FG_ERR;
	}
	if (strpbrk(subj, "\r\n")) {
		snprintf(err, errlen, "refusing a subject that contains a line break");
		rc = FG_ERR_DATA;
		goto out;
	}
	for (int i = 0; i < ch->nto; i++)
		if (!fg_email_addr_valid(ch->to[i])) {
			snprintf(err, errlen, "invalid recipient address");
			rc = FG_ERR_DATA;
			goto out;
		}
	req->tls_verify = em->tls_verify;
	req->ca_file = ch->ca_file ? ch->ca_file : em->ca_file;
	req->timeout_ms = em->timeout_ms;
	req->connect_timeout_ms = ch->connect_timeout_ms;
	switch (em->provider) {
	case FG_EMAIL_SMTP:
		rc = smtp_request(em, ch, n, subj, text, html, req, err, errlen);
		break;
	case FG_EMAIL_SENDGRID:
		rc = sendgrid_request(em, ch, subj, text, html, req);
		break;
	default:
		rc = ses_request(em, ch, subj, text, html, req);
		break;
	}
	if (rc < 0 && err[0] == '\0')
		snprintf(err, errlen, "cannot build the message");
out:
	free(subj);
	free(text);
	free(html);
	return rc;
}
