/*
 * email_mime.c - building RFC 5322 / MIME messages.
 *
 * Invariants: every line of the output ends in CRLF; header values are
 * either printable ASCII or RFC 2047 encoded-words; bodies are UTF-8 in
 * quoted-printable, so no line passes 76 characters and any server without
 * 8BITMIME takes them.  A CR or LF in any header value or address makes
 * rendering fail: nothing half-built is ever handed to the transport.
 */
#include "email.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct buf {
	char *p;
	size_t len, cap;
	bool oom;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->cap ? b->cap * 2 : 256) + n;
		char *np = realloc(b->p, cap);
		if (np == NULL) {
			b->oom = true;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void puts_(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

static char *finish(struct buf *b)
{
	if (b->oom || b->p == NULL) {
		free(b->p);
		return b->oom ? NULL : strdup("");
	}
	return b->p;
}

bool fg_email_addr_valid(const char *a)
{
	const char *at;

	if (a == NULL || *a == '\0' || strlen(a) > 254)
		return false;
	for (const char *p = a; *p; p++)
		if (*p <= ' ' || *p >= 127 || strchr("<>()[],;:\\\"", *p))
			return false;
	at = strchr(a, '@');
	return at != NULL && at != a && at[1] != '\0' && strchr(at + 1, '@') == NULL &&
	       strchr(at + 1, '.') != NULL;
}

char *fg_email_addr_extract(const char *mb)
{
	const char *lt = strrchr(mb, '<');
	char *a;

	if (strpbrk(mb, "\r\n"))
		return NULL;
	if (lt) {
		const char *gt = strchr(lt, '>');
		if (gt == NULL || gt[1] != '\0')
			return NULL;
		a = strndup(lt + 1, (size_t)(gt - lt - 1));
	} else {
		a = strdup(mb);
	}
	if (a && !fg_email_addr_valid(a)) {
		free(a);
		return NULL;
	}
	return a;
}

static bool is_ascii_printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < ' ' || (unsigned char)*s > '~')
			return false;
	return true;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void put_b64(struct buf *b, const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)s[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		char o[4] = { b64[v >> 18 & 63], b64[v >> 12 & 63], i + 1 < n ? b64[v >> 6 & 63] : '=',
			      i + 2 < n ? b64[v & 63] : '=' };
		put(b, o, 4);
	}
}

/*
 * ASCII folded at spaces so no line passes 78 characters (the first line
 * leaves room for "Subject: "); NULL when a word is too long to fold.
 */
static char *fold_ascii(const char *s)
{
	struct buf b = { 0 };
	size_t col = 10;

	while (*s) {
		size_t sp = strspn(s, " "), w = strcspn(s + sp, " ");
		if (w > 900)
			return NULL;
		if (col > 1 && col + sp + w > 78 && w > 0) {
			puts_(&b, "\r\n ");
			col = 1;
			sp = 0;
			s += strspn(s, " ");
		}
		put(&b, s, sp + w);
		col += sp + w;
		s += sp + w;
	}
	return finish(&b);
}

char *fg_email_encode_header(const char *in)
{
	struct buf b = { 0 };
	char *one = strdup(in), *folded;

	if (one == NULL)
		return NULL;
	/* a header is one line: line breaks and tabs of a title become spaces */
	for (char *q = one; *q; q++)
		if (*q == '\r' || *q == '\n' || *q == '\t')
			*q = ' ';
	const char *s = one;
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);

	if (is_ascii_printable(s) && (folded = fold_ascii(s)) != NULL) {
		free(one);
		return folded;
	}
	/* "=?UTF-8?B?" + base64 + "?=" <= 75: at most 45 raw bytes per word */
	for (size_t i = 0; i < n;) {
		size_t take = 0;
		while (i + take < n) {
			size_t cl = 1;
			unsigned char c = p[i + take];
			if (c >= 0xF0)
				cl = 4;
			else if (c >= 0xE0)
				cl = 3;
			else if (c >= 0xC0)
				cl = 2;
			if (take + cl > 45)
				break;
			take += cl;
		}
		if (take == 0)
			take = 1;
		if (i + take > n)
			take = n - i;
		if (i > 0)
			puts_(&b, "\r\n ");
		puts_(&b, "=?UTF-8?B?");
		put_b64(&b, p + i, take);
		puts_(&b, "?=");
		i += take;
	}
	free(one);
	return finish(&b);
}

char *fg_email_qp(const char *s)
{
	struct buf b = { 0 };
	size_t col = 0;
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		char enc[4];
		size_t el;
		if (*p == '\r')
			continue;
		if (*p == '\n') {
			puts_(&b, "\r\n");
			col = 0;
			continue;
		}
		bool at_eol = p[1] == '\n' || p[1] == '\0' || (p[1] == '\r' && p[2] == '\n');
		if ((*p >= 33 && *p <= 126 && *p != '=') || (*p == ' ' && !at_eol) ||
		    (*p == '\t' && !at_eol)) {
			enc[0] = (char)*p;
			el = 1;
		} else {
			enc[0] = '=';
			enc[1] = hex[*p >> 4];
			enc[2] = hex[*p & 15];
			el = 3;
		}
		/* a leading dot is left to the SMTP layer; keep lines <= 76 */
		if (col + el > 75) {
			puts_(&b, "=\r\n");
			col = 0;
		}
		put(&b, enc, el);
		col += el;
	}
	if (col > 0)
		puts_(&b, "\r\n");
	return finish(&b);
}

static void fmt_date(time_t t, char *out, size_t len)
{
	static const char *days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *mons[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
				      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(out, len, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
		 mons[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* "Name <addr>" with the name encoded when needed; NULL when invalid. */
static char *mailbox(const char *mb)
{
	char *addr = fg_email_addr_extract(mb);
	const char *lt = strrchr(mb, '<');
	struct buf b = { 0 };

	if (addr == NULL)
		return NULL;
	if (lt && lt > mb) {
		char *name = strndup(mb, (size_t)(lt - mb));
		size_t nl = name ? strlen(name) : 0;
		while (nl > 0 && isspace((unsigned char)name[nl - 1]))
			name[--nl] = '\0';
		char *enc = name ? fg_email_encode_header(name) : NULL;
		if (enc && *enc) {
			bool plain = is_ascii_printable(name) && strpbrk(name, "\"\\,;:<>()[]@") == NULL;
			if (plain || strncmp(enc, "=?", 2) == 0) {
				puts_(&b, enc);
			} else {
				puts_(&b, "\"");
				for (const char *q = name; *q; q++) {
					if (*q == '"' || *q == '\\')
						puts_(&b, "\\");
					put(&b, q, 1);
				}
				puts_(&b, "\"");
			}
			puts_(&b, " ");
		}
		free(enc);
		free(name);
	}
	puts_(&b, "<");
	puts_(&b, addr);
	puts_(&b, ">");
	free(addr);
	return finish(&b);
}

char *fg_email_render(const struct fg_email_msg *m, char *err, size_t errlen)
{
	struct buf b = { 0 };
	char date[64], *from = NULL, *subj = NULL, *text = NULL, *html = NULL, *reply = NULL;

	if ((from = mailbox(m->from)) == NULL) {
		snprintf(err, errlen, "invalid sender address");
		goto fail;
	}
	if (m->reply_to && (reply = mailbox(m->reply_to)) == NULL) {
		snprintf(err, errlen, "invalid reply-to address");
		goto fail;
	}
	if (m->nto < 1) {
		snprintf(err, errlen, "no recipient");
		goto fail;
	}
	for (int i = 0; i < m->nto; i++)
		if (!fg_email_addr_valid(m->to[i])) {
			snprintf(err, errlen, "invalid recipient address (line break or bad syntax)");
			goto fail;
		}
	if ((subj = fg_email_encode_header(m->subject)) == NULL) {
		snprintf(err, errlen, "cannot encode the subject: out of memory");
		goto fail;
	}
	if (strpbrk(m->message_id, "\r\n") || strpbrk(m->boundary, "\r\n\"")) {
		snprintf(err, errlen, "refusing a header that contains a line break");
		goto fail;
	}
	text = fg_email_qp(m->text);
	html = fg_email_qp(m->html);
	if (text == NULL || html == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	fmt_date(m->date, date, sizeof(date));
	puts_(&b, "From: ");
	puts_(&b, from);
	puts_(&b, "\r\nTo: ");
	for (int i = 0; i < m->nto; i++) {
		if (i > 0)
			puts_(&b, ",\r\n ");
		puts_(&b, m->to[i]);
	}
	if (reply) {
		puts_(&b, "\r\nReply-To: ");
		puts_(&b, reply);
	}
	puts_(&b, "\r\nSubject: ");
	puts_(&b, subj);
	puts_(&b, "\r\nDate: ");
	puts_(&b, date);
	puts_(&b, "\r\nMessage-ID: ");
	puts_(&b, m->message_id);
	puts_(&b, "\r\nAuto-Submitted: auto-generated\r\nX-Auto-Response-Suppress: All\r\n"
		  "MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"");
	puts_(&b, m->boundary);
	puts_(&b, "\"\r\n\r\nThis is a multi-part message in MIME format.\r\n\r\n--");
	puts_(&b, m->boundary);
	puts_(&b, "\r\nContent-Type: text/plain; charset=UTF-8\r\n"
		  "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
	puts_(&b, text);
	puts_(&b, "\r\n--");
	puts_(&b, m->boundary);
	puts_(&b, "\r\nContent-Type: text/html; charset=UTF-8\r\n"
		  "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
	puts_(&b, html);
	puts_(&b, "\r\n--");
	puts_(&b, m->boundary);
	puts_(&b, "--\r\n");
	free(from);
	free(reply);
	free(subj);
	free(text);
	free(html);
	if (b.oom)
		snprintf(err, errlen, "out of memory");
	return finish(&b);
fail:
	free(from);
	free(reply);
	free(subj);
	free(text);
	free(html);
	free(b.p);
	return NULL;
}
