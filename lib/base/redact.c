/*
 * redact.c - registry of secrets and the masking applied to all output.
 *
 * The registry is a small growable array of copies; the tools register a
 * few dozen secrets at most, so a linear scan per message is fine.  Longer
 * secrets are matched first so a secret that contains another is masked
 * whole.
 */
#include "redact.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static char **secrets;
static size_t nsecrets, capsecrets;

void fg_secret_add(const char *secret)
{
	size_t i, len;
	char *copy;

	if (secret == NULL || (len = strlen(secret)) < 4)
		return;
	for (i = 0; i < nsecrets; i++)
		if (strcmp(secrets[i], secret) == 0)
			return;
	if (nsecrets == capsecrets) {
		size_t ncap = capsecrets ? capsecrets * 2 : 16;
		char **n = realloc(secrets, ncap * sizeof(*n));
		if (n == NULL)
			return;
		secrets = n;
		capsecrets = ncap;
	}
	if ((copy = strdup(secret)) == NULL)
		return;
	/* keep longest first */
	for (i = nsecrets; i > 0 && strlen(secrets[i - 1]) < len; i--)
		secrets[i] = secrets[i - 1];
	secrets[i] = copy;
	nsecrets++;
}

void fg_secret_clear(void)
{
	for (size_t i = 0; i < nsecrets; i++) {
		explicit_bzero(secrets[i], strlen(secrets[i]));
		free(secrets[i]);
	}
	free(secrets);
	secrets = NULL;
	nsecrets = capsecrets = 0;
}

static bool looks_like_url(const char *s)
{
	const char *p = strstr(s, "://");
	if (p == NULL || p == s)
		return false;
	for (const char *q = s; q < p; q++)
		if (!isalnum((unsigned char)*q) && *q != '+' && *q != '-' && *q != '.')
			return false;
	return true;
}

/*
 * How many bytes of the second path segment the redacted form shows: up to
 * two ASCII characters, and never more than half the segment, so the form
 * is never the secret itself ("/busted/x" must not show "x": fg_redact()
 * would find the secret again inside its own output and mask it twice).
 */
static size_t shown_prefix(const char *seg, size_t max)
{
	size_t len = strcspn(seg, "/?#"), keep = 0;

	if (len > max)
		len = max;
	while (keep < 2 && keep < len / 2 && (unsigned char)seg[keep] < 0x80)
		keep++;
	return keep;
}

char *fg_redact_url(const char *url)
{
	const char *host, *path, *seg_end, *end;
	size_t out_len;
	char *out;

	if (url == NULL)
		return strdup("(null)");
	if (!looks_like_url(url))
		return strdup("***");
	end = url + strcspn(url, " \t\r\n\"'<>");
	host = strstr(url, "://") + 3;
	/* drop userinfo (user:password@) */
	{
		const char *at = memchr(host, '@', (size_t)(end - host));
		const char *slash = memchr(host, '/', (size_t)(end - host));
		if (at != NULL && (slash == NULL || at < slash))
			host = at + 1;
	}
	path = host + strcspn(host, "/?#");
	if (path > end)
		path = end;
	out_len = (size_t)(path - url) + 64 + (size_t)(end - path);
	if ((out = malloc(out_len)) == NULL)
		return NULL;
	/* scheme:// */
	size_t scheme_len = (size_t)(strstr(url, "://") + 3 - url);
	size_t n = 0;
	memcpy(out + n, url, scheme_len);
	n += scheme_len;
	memcpy(out + n, host, (size_t)(path - host));
	n += (size_t)(path - host);
	if (path < end && *path == '/') {
		const char *seg = path + 1;
		seg_end = seg + strcspn(seg, "/?#");
		if (seg_end > end)
			seg_end = end;
		if (*seg_end == '/' && seg_end < end) {
			/* first segment kept, e.g. /services/ */
			size_t sl = (size_t)(seg_end - path) + 1;
			memcpy(out + n, path, sl);
			n += sl;
			const char *next = seg_end + 1;
			size_t keep = shown_prefix(next, (size_t)(end - next));
			memcpy(out + n, next, keep);
			n += keep;
			memcpy(out + n, "\xe2\x80\xa6/***", 7);
			n += 7;
		} else {
			memcpy(out + n, "/***", 4);
			n += 4;
		}
	}
	out[n] = '\0';
	return out;
}

/* Append to a growable buffer; returns false on allocation failure. */
static bool buf_add(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		size_t ncap = (*cap ? *cap : 64);
		while (ncap < *len + n + 1)
			ncap *= 2;
		char *nb = realloc(*buf, ncap);
		if (nb == NULL)
			return false;
		*buf = nb;
		*cap = ncap;
	}
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = '\0';
	return true;
}

/*
 * Mask the value of password=/pwd= style key-value pairs; libpq and ODBC
 * drivers accept blanks around the '=' ("password = x"), so they are
 * skipped too.  Returns the length of "key =" and its blanks, or 0.
 */
static size_t match_password_key(const char *s)
{
	static const char *keys[] = { "password",    "pwd",    "passwd", "token",
				      "api_key",     "apikey", "secret", "priv_key_file_pwd",
				      "sslpassword", NULL };
	for (int i = 0; keys[i]; i++) {
		size_t kl = strlen(keys[i]);
		if (strncasecmp(s, keys[i], kl) != 0)
			continue;
		while (s[kl] == ' ' || s[kl] == '\t')
			kl++;
		if (s[kl] != '=')
			continue;
		kl++;
		while (s[kl] == ' ' || s[kl] == '\t')
			kl++;
		return kl;
	}
	return 0;
}

/*
 * Whether a redacted form shows a registered secret: the form of a URL
 * with nothing after its host is the URL itself, and a host can hold
 * another secret; such a form is replaced by "***".
 */
static bool shows_secret(const char *form)
{
	for (size_t i = 0; i < nsecrets; i++)
		if (strstr(form, secrets[i]) != NULL)
			return true;
	return false;
}

char *fg_redact(const char *s)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;

	if (s == NULL)
		return strdup("(null)");
	const char *p = s;
	while (*p) {
		size_t i;
		bool matched = false;
		for (i = 0; i < nsecrets; i++) {
			size_t sl = strlen(secrets[i]);
			if (strncmp(p, secrets[i], sl) == 0) {
				char *r = looks_like_url(secrets[i]) ? fg_redact_url(secrets[i])
								     : strdup("***");
				if (r != NULL && shows_secret(r)) {
					free(r);
					r = strdup("***");
				}
				bool ok = r != NULL && buf_add(&buf, &len, &cap, r, strlen(r));
				free(r);
				if (!ok)
					goto fail;
				p += sl;
				matched = true;
				break;
			}
		}
		if (matched)
			continue;
		size_t kl;
		if ((p == s || !isalnum((unsigned char)p[-1])) && (kl = match_password_key(p)) > 0) {
			if (!buf_add(&buf, &len, &cap, p, kl) || !buf_add(&buf, &len, &cap, "***", 3))
				goto fail;
			p += kl;
			if (*p == '{') { /* ODBC braced value */
				const char *e = strchr(p, '}');
				p = e ? e + 1 : p + strlen(p);
			} else if (*p == '\'' || *p == '"') {
				const char *e = strchr(p + 1, *p);
				p = e ? e + 1 : p + strlen(p);
			} else {
				p += strcspn(p, "; \t\r\n&");
			}
			continue;
		}
		if (!buf_add(&buf, &len, &cap, p, 1))
			goto fail;
		p++;
	}
	if (buf == NULL)
		return strdup("");
	return buf;
fail:
	free(buf);
	return NULL;
}

void fg_secret_free(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}
