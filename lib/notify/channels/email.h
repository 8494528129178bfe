/*
 * email.h - the e-mail channel type's parts: the [email] section,
 * addresses, RFC 2047 headers, MIME rendering, and the three ways to send
 * a message (SMTP, SendGrid v3, SES v2).  The type itself is fg_email_ops
 * (channel_email.c).
 *
 * Any CR or LF in a header value or an address is refused: a message that
 * would need one is never built, so no header can be injected.
 */
#ifndef FG_EMAIL_H
#define FG_EMAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "channel.h"
#include "config.h"

struct fg_request;

enum fg_email_provider {
	FG_EMAIL_SMTP = 0,
	FG_EMAIL_SENDGRID,
	FG_EMAIL_SES,
};

/* The [email] section: strings borrowed from the config unless noted. */
struct fg_email_conf {
	bool configured; /* there is an [email] section */
	bool broken;     /* it has errors (logged): email channels cannot send */
	enum fg_email_provider provider;
	const char *from; /* as written: "name <addr>" or "addr" */
	char *from_addr;  /* the bare address (owned) */
	const char *reply_to;
	const char *smtp_url;
	const char *smtp_user;
	const char *smtp_password;
	bool smtp_tls_required;
	const char *sendgrid_api_key;
	const char *sendgrid_url;
	const char *ses_region;
	const char *ses_access_key_id;
	const char *ses_secret_access_key;
	const char *ses_session_token;
	const char *ses_endpoint; /* full URL; default from the region */
	int64_t daily_quota;      /* 0 = none */
	const char *quota_alert_channel;
	int digest_minute; /* minute of the UTC day, -1 = no digest */
	bool tls_verify;
	const char *ca_file;
	long timeout_ms;
};

/*
 * Load [email] (absent: configured = false and the defaults).  Returns 0
 * or FG_ERR_CONFIG after logging FILE:LINE; release em either way.
 */
int fg_email_conf_load(const struct fg_config *cfg, struct fg_email_conf *em);
void fg_email_conf_release(struct fg_email_conf *em);

/* A bare address local@domain: printable ASCII, no spaces, <>, CR or LF. */
bool fg_email_addr_valid(const char *addr);
/* The bare address of "Name <addr>" or "addr"; new string, NULL if invalid. */
char *fg_email_addr_extract(const char *mailbox);

/*
 * A header value ready to write, one logical line folded so no physical
 * line passes 78 characters (RFC 5322): CR, LF and tabs become spaces
 * (a title with a line break is sent as one line, and cannot inject a
 * header); ASCII is folded at spaces, anything else (or a word too long
 * to fold) becomes RFC 2047 encoded-words (UTF-8, base64, each at most 75
 * characters, one per line).  Returns a new string, or NULL (no memory).
 */
char *fg_email_encode_header(const char *s);

/* Quoted-printable body (RFC 2045), lines ending CRLF.  New string or NULL. */
char *fg_email_qp(const char *s);

struct fg_email_msg {
	const char *from;     /* "Name <addr>" or "addr" */
	const char *reply_to; /* or NULL */
	const char *const *to;
	int nto;
	const char *subject; /* UTF-8, one line */
	const char *text;
	const char *html;
	time_t date;
	const char *message_id; /* "<...@domain>" */
	const char *boundary;
};

/*
 * Render a complete RFC 5322 message, multipart/alternative with the text
 * part first and the HTML part second.  Returns a new string with CRLF line
 * ends, or NULL with err filled (CR/LF in a header or address).
 */
char *fg_email_render(const struct fg_email_msg *m, char *err, size_t errlen);

/* Subject, text and HTML of a notification (new strings). */
int fg_email_compose(const struct fg_notification *n, char **subject, char **text, char **html);

/*
 * Fill req to send the composed message (subject, text, html) of n to
 * to[0..nto-1] through em's provider: URL, body, credentials, headers.
 * Returns 0, FG_ERR_DATA with err filled, or FG_ERR (no memory).
 */
int fg_email_provider_request(const struct fg_email_conf *em, const char *const *to, int nto,
			      const struct fg_notification *n, const char *subject, const char *text,
			      const char *html, struct fg_request *req, char *err, size_t errlen);

#endif
