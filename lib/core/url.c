/*
 * url.c - URLs through libcurl's URL API (see url.h).
 *
 * Every function parses afresh: URLs come from the config file and are
 * checked once per run.  Schemes libcurl does not speak are accepted
 * (CURLU_NON_SUPPORT_SCHEME), since the point is to read what is written.
 */
#include "url.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

/* The part of url (CURLUPART_*), a curl string to curl_free, or NULL. */
static char *url_part(const char *url, CURLUPart what, unsigned flags)
{
	CURLU *u = curl_url();
	char *out = NULL;

	if (u == NULL || url == NULL)
		goto out;
	if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK)
		goto out;
	if (curl_url_get(u, what, &out, flags) != CURLUE_OK)
		out = NULL;
out:
	curl_url_cleanup(u);
	return out;
}

static bool addr_is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
		return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	}
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
		if (IN6_IS_ADDR_LOOPBACK(a))
			return true;
		return IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127;
	}
	return false;
}

bool fg_url_is_loopback(const char *url)
{
	char *host = url_part(url, CURLUPART_HOST, 0);
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *res = NULL;
	bool loop = false;

	if (host == NULL || *host == '\0')
		goto out;
	/* curl gives an IPv6 host in brackets */
	size_t n = strlen(host);
	if (host[0] == '[' && host[n - 1] == ']') {
		memmove(host, host + 1, n - 2);
		host[n - 2] = '\0';
		host[strcspn(host, "%")] = '\0'; /* drop a zone id */
	}
	if (getaddrinfo(host, NULL, &hints, &res) != 0)
		goto out;
	loop = res != NULL;
	for (const struct addrinfo *ai = res; ai; ai = ai->ai_next)
		if (!addr_is_loopback(ai->ai_addr))
			loop = false;
	freeaddrinfo(res);
out:
	curl_free(host);
	return loop;
}

bool fg_url_has_scheme(const char *url, const char *s)
{
	char *scheme = url_part(url, CURLUPART_SCHEME, 0);
	bool yes = scheme != NULL && strcasecmp(scheme, s) == 0;
	curl_free(scheme);
	return yes;
}

const char *fg_url_host(const char *url, char *buf, size_t len)
{
	char *host = url_part(url, CURLUPART_HOST, 0);
	snprintf(buf, len, "%s", host ? host : "");
	curl_free(host);
	return buf;
}

/* A curl string as a malloc'd one, the curl copy wiped and freed. */
static char *take(char *s)
{
	char *out = s ? strdup(s) : NULL;
	if (s) {
		explicit_bzero(s, strlen(s));
		curl_free(s);
	}
	return out;
}

bool fg_url_credentials(const char *url, bool decode, char **user, char **password)
{
	CURLU *u = curl_url();
	char *p = NULL;
	bool ok = false;

	*user = *password = NULL;
	if (u == NULL || url == NULL)
		goto out;
	if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK)
		goto out;
	ok = true;
	if (curl_url_get(u, CURLUPART_USER, &p, decode ? CURLU_URLDECODE : 0) == CURLUE_OK)
		*user = take(p);
	p = NULL;
	if (curl_url_get(u, CURLUPART_PASSWORD, &p, decode ? CURLU_URLDECODE : 0) == CURLUE_OK)
		*password = take(p);
out:
	curl_url_cleanup(u);
	return ok;
}
