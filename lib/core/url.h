/*
 * url.h - what a URL says, read with libcurl's URL API (curl_url), never
 * by string prefix: its host, whether that host is really loopback, and
 * the credentials written into it.
 *
 * A string test is fooled by user information: "smtp://localhost@192.0.2.2"
 * starts with "localhost" but connects to 192.0.2.2.  Here the URL is
 * parsed as libcurl will use it, and the host is resolved (getaddrinfo):
 * it is loopback only when every address it has is 127.0.0.0/8 or ::1.
 */
#ifndef FG_URL_H
#define FG_URL_H

#include <stdbool.h>
#include <stddef.h>

/* url's host resolves only to loopback addresses; false when url does not
 * parse, has no host, or the host does not resolve. */
bool fg_url_is_loopback(const char *url);

/* url's scheme is s (case-insensitive); false when url does not parse. */
bool fg_url_has_scheme(const char *url, const char *s);

/*
 * The host of url into buf (len bytes, truncated), or "" when url does not
 * parse.  Returns buf.
 */
const char *fg_url_host(const char *url, char *buf, size_t len);

/*
 * The user name and password written into url, percent-decoded when
 * decode is true, else as written; each a new string the caller wipes and
 * frees, or NULL when absent.  Returns true when url parses.
 */
bool fg_url_credentials(const char *url, bool decode, char **user, char **password);

#endif
