/*
 * channel_email.c - the e-mail channel type: recipients, the message
 * (subject, plain text, HTML), and what the outbox does with mail.
 *
 * A channel names its recipients (`to`, checked when loaded) and needs an
 * [email] section (email_conf.c), whose provider (email_providers.c) turns
 * the message into a request: MIME over SMTP (email_mime.c), SendGrid or
 * SES.  A digest goes to the one recipient it was made for.
 *
 * From the outbox, non-critical mail is held for the daily digest when one
 * is set (digests, quota warnings and test messages excepted), and mail
 * counts against the daily quota, which critical mail and the quota's own
 * warnings bypass.  SMTP answers: 4xx replies and connection errors retry,
 * 5xx replies and refused logins are dead.
 */
#include "email.h"
#include "channel_render.h"
#include "exitcode.h"
#include "http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct email {
	const struct fg_email_conf *em; /* [email], borrowed */
	char **to;                      /* recipients (fg_conf_list) */
	int nto;
};

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
			fprintf(fp, "<tr><th align=\"left\">%s</th><td>%s</td></tr>\n", l ? l : "",
				v ? v : "");
			free(l);
			free(v);
		}
		fprintf(fp,
			"<tr><th align=\"left\">severity</th><td>%s</td></tr>\n</table>\n"
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

static int email_load(const struct fg_config *cfg, const struct fg_conf_section *sec,
		      const struct fg_channel_defaults *d, struct fg_channel *ch)
{
	struct email *e = calloc(1, sizeof(*e));
	int rc;

	if ((ch->priv = e) == NULL)
		return FG_ERR_CONFIG;
	e->em = d->email;
	if ((rc = fg_conf_list(cfg, sec, "to", &e->to, &e->nto)) < 0)
		return rc;
	if (e->nto == 0) {
		fg_conf_error(cfg, sec, NULL, "email channel '%s' needs 'to' recipients", sec->name);
		return FG_ERR_CONFIG;
	}
	for (int i = 0; i < e->nto; i++)
		if (!fg_email_addr_valid(e->to[i])) {
			fg_conf_error(cfg, sec, "to", "invalid recipient address '%s'", e->to[i]);
			return FG_ERR_CONFIG;
		}
	if (e->em == NULL || !e->em->configured) {
		fg_conf_error(cfg, sec, NULL, "email channel '%s' needs an [email] section with 'from'",
			      sec->name);
		return FG_ERR_CONFIG;
	}
	/* [email] said what is wrong with it: one line per problem */
	if (e->em->broken)
		return FG_ERR_CONFIG;
	return 0;
}

static void email_release(struct fg_channel *ch)
{
	struct email *e = ch->priv;

	if (e)
		fg_conf_list_free(e->to);
	free(e);
}

static int email_render(const struct fg_channel *ch, const struct fg_notification *n, struct fg_request *req,
			char *err, size_t errlen)
{
	const struct email *e = ch->priv;
	const struct fg_email_conf *em = e->em;
	const char *const *to = (const char *const *)e->to;
	const char *only[1];
	int nto = e->nto, rc;
	char *subj, *text, *html;

	/* a digest goes to the one recipient it was made for */
	if (strcmp(n->kind, "digest") == 0 && json_is_string(json_object_get(n->fields, "to"))) {
		only[0] = json_string_value(json_object_get(n->fields, "to"));
		to = only;
		nto = 1;
	}
	if (em == NULL || !em->configured) {
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
	for (int i = 0; i < nto; i++)
		if (!fg_email_addr_valid(to[i])) {
			snprintf(err, errlen, "invalid recipient address");
			rc = FG_ERR_DATA;
			goto out;
		}
	req->tls_verify = em->tls_verify;
	req->ca_file = ch->ca_file ? ch->ca_file : em->ca_file;
	req->timeout_ms = em->timeout_ms;
	req->connect_timeout_ms = ch->connect_timeout_ms;
	rc = fg_email_provider_request(em, to, nto, n, subj, text, html, req, err, errlen);
	if (rc < 0 && err[0] == '\0')
		snprintf(err, errlen, "cannot build the message");
out:
	free(subj);
	free(text);
	free(html);
	return rc;
}

static enum fg_outcome email_classify(const struct fg_request *req, long *code, char *err, size_t errlen)
{
	char line[128];

	if (req->proto != FG_PROTO_SMTP)
		return fg_channel_classify_http(req, code, err, errlen);
	if (req->curl_code == 0)
		return FG_OUT_SENT;
	fg_channel_first_line(req->errbuf, line, sizeof(line));
	if (*code >= 400)
		snprintf(err, errlen, "SMTP %ld: %s", *code, line);
	else
		snprintf(err, errlen, "%s", line);
	if (req->curl_code == CURLE_LOGIN_DENIED)
		return FG_OUT_DEAD;
	return *code >= 500 && *code < 600 ? FG_OUT_DEAD : FG_OUT_RETRY;
}

static void email_gate(const struct fg_channel *ch, const struct fg_notification *n, struct fg_gate *g)
{
	const struct fg_email_conf *em = ((const struct email *)ch->priv)->em;
	bool critical = n->severity == FG_SEV_CRITICAL;

	g->hold = !critical && em->digest_minute >= 0 && strcmp(n->kind, "digest") != 0 &&
		  strcmp(n->kind, "quota") != 0 && strcmp(n->kind, "test") != 0 &&
		  strcmp(n->kind, "fallback") != 0;
	g->quota = em->daily_quota;
	/* critical mail, the quota's own warnings and fallback notices always go */
	g->bypass = critical || strcmp(n->kind, "quota") == 0 || strcmp(n->kind, "fallback") == 0;
}

static json_t *email_digest_to(const struct fg_channel *ch)
{
	const struct email *e = ch->priv;
	json_t *to = json_array();

	for (int k = 0; to && k < e->nto; k++)
		json_array_append_new(to, json_string(e->to[k]));
	return to;
}

static const char *email_where(const struct fg_channel *ch)
{
	return ((const struct email *)ch->priv)->em->smtp_url;
}

const struct fg_channel_ops fg_email_ops = {
	.type = "email",
	.no_group = "e-mail gathers alerts in its daily digest ([email] digest)",
	.load = email_load,
	.release = email_release,
	.render = email_render,
	.classify = email_classify,
	.gate = email_gate,
	.digest_to = email_digest_to,
	.where = email_where,
};
