/*
 * email.h - e-mail messages: addresses, RFC 2047 headers, MIME rendering,
 * and the three ways to send one (SMTP, SendGrid v3, SES v2).
 *
 * Any CR or LF in a header value or an address is refused: a message that
 * would need one is never built, so no header can be injected.
 */
#ifndef FG_EMAIL_H
#define FG_EMAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "notify.h"

struct fg_request;

/* A bare address local@domain: printable ASCII, no spaces, <>, CR or LF. */
bool fg_email_addr_valid(const char *addr);
/* The bare address of "Name <addr>" or "addr"; new string, NULL if invalid. */
char *fg_email_addr_extract(const char *mailbox);
/* True when an smtp(s):// URL points at localhost or 127.0.0.0/8 or ::1. */
bool fg_email_url_is_loopback(const char *url);

/*
 * A header value ready to write: ASCII stays as is, anything else becomes
 * RFC 2047 encoded-words (UTF-8, base64, each at most 75 characters).
 * Returns a new string, or NULL when s holds CR or LF (or no memory).
 */
char *fg_email_encode_header(const char *s);

/* Quoted-printable body (RFC 2045), lines ending CRLF.  New string or NULL. */
char *fg_email_qp(const char *s);

struct fg_email_msg {
	const char *from;	/* "Name <addr>" or "addr" */
	const char *reply_to;	/* or NULL */
	const char *const *to;
	int nto;
	const char *subject;	/* UTF-8, one line */
	const char *text;
	const char *html;
	time_t date;
	const char *message_id;	/* "<...@domain>" */
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
 * Build the request that sends notification n to ch's recipients through
 * the configured provider.  Returns 0 or FG_ERR_DATA with err filled.
 */
int fg_email_request(const struct fg_email_conf *em, const struct fg_channel *ch,
		     const struct fg_notification *n, struct fg_request *req, char *err,
		     size_t errlen);

#endif
