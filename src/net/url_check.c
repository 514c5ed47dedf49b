/*
 * url_check.c: decides whether a base URL may receive bifrost's requests.
 *
 * Signed requests carry API keys and passphrases, so a base URL must name
 * its destination plainly: https to any host, plain http only to this
 * machine's loopback names (the test mocks).  libcurl's own URL parser
 * decides what the host is, so the check sees the destination exactly as
 * the transfer will; a few characters no base URL needs are refused before
 * it parses, so that no other parser (a proxy, a log reader, a person) can
 * read a different host into the same text.
 */
/* strncasecmp and strnlen are POSIX, not C99 */
#define _POSIX_C_SOURCE 200809L

#include "url_check.h"

#include <curl/curl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static bool refuse(char *why, size_t whylen, const char *fmt,...) __attribute__((format(printf, 3, 4)));

/* Writes the reason (cut to whylen) and returns false. */
static bool
refuse(char *why, size_t whylen, const char *fmt,...)
{
	va_list		ap;

	if (why == NULL || whylen == 0)
		return false;
	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return false;
}

/*
 * '@' (user-info hides the real host behind a name that looks like one),
 * backslashes (parsers disagree on what they separate), '?' and '#' (the
 * request path is appended to a base URL) and anything that is not visible
 * ASCII.
 */
static bool
check_characters(const char *url, size_t len, char *why, size_t whylen)
{
	for (size_t i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) url[i];

		if (c <= ' ' || c >= 0x7f)
			return refuse(why, whylen,
						  "Base URLs may not contain a space, a control or a non-ASCII character (character %zu).",
						  i + 1);
		switch (c)
		{
			case '\\':
				return refuse(why, whylen, "Base URLs may not contain a backslash.");
			case '@':
				return refuse(why, whylen,
							  "Base URLs may not contain '@': user-info (user:password@host) hides the real host.");
			case '?':
				return refuse(why, whylen, "Base URLs may not contain a query string ('?').");
			case '#':
				return refuse(why, whylen, "Base URLs may not contain a fragment ('#').");
			default:
				break;
		}
	}
	return true;
}

static bool
is_loopback_host(const char *host)
{
	return strcmp(host, "127.0.0.1") == 0 || strcasecmp(host, "localhost") == 0 ||
		strcmp(host, "[::1]") == 0;
}

/* What libcurl parsed: nothing but scheme, host, port and path; plain http only to loopback. */
static bool
check_parsed(CURLU *h, bool secure, char *why, size_t whylen)
{
	static const struct
	{
		CURLUPart	part;
		const char *what;
	}			absent[] = {
		{CURLUPART_USER, "user-info (a user name)"},
		{CURLUPART_PASSWORD, "user-info (a password)"},
		{CURLUPART_OPTIONS, "user-info (login options)"},
		{CURLUPART_QUERY, "a query string"},
		{CURLUPART_FRAGMENT, "a fragment"},
		{CURLUPART_ZONEID, "an IPv6 zone id"},
	};
	char	   *value = NULL;
	bool		ok;

	for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
		if (curl_url_get(h, absent[i].part, &value, 0) == CURLUE_OK)
		{
			curl_free(value);
			return refuse(why, whylen, "Base URLs may not contain %s.", absent[i].what);
		}

	if (curl_url_get(h, CURLUPART_SCHEME, &value, 0) != CURLUE_OK)
		return refuse(why, whylen, "The base URL has no scheme.");
	ok = strcmp(value, secure ? "https" : "http") == 0;
	curl_free(value);
	if (!ok)
		return refuse(why, whylen, "libcurl reads another scheme than the URL starts with.");

	if (curl_url_get(h, CURLUPART_HOST, &value, 0) != CURLUE_OK)
		return refuse(why, whylen, "The base URL has no host.");
	if (value[0] == '\0')
		ok = refuse(why, whylen, "The base URL has no host.");
	else if (!secure && !is_loopback_host(value))
		ok = refuse(why, whylen,
					"Plain http:// is allowed only to 127.0.0.1, localhost or [::1], not to host \"%.64s\"; use https://.",
					value);
	else
		ok = true;
	curl_free(value);
	return ok;
}

bool
url_check_base(const char *url, char *why, size_t whylen)
{
	size_t		len;
	bool		secure;
	const char *authority;
	size_t		authority_len;
	CURLU	   *h;
	CURLUcode	rc;
	bool		ok;

	if (why && whylen > 0)
		why[0] = '\0';
	if (url == NULL || url[0] == '\0')
		return refuse(why, whylen, "The base URL is empty.");
	len = strnlen(url, BIFROST_MAX_BASE_URL_LEN + 1);
	if (len > BIFROST_MAX_BASE_URL_LEN)
		return refuse(why, whylen, "The base URL is longer than %d characters.", BIFROST_MAX_BASE_URL_LEN);
	if (!check_characters(url, len, why, whylen))
		return false;

	/* libcurl would take "http:/host" and "https:///host" too */
	if (strncasecmp(url, "https://", 8) == 0)
		secure = true;
	else if (strncasecmp(url, "http://", 7) == 0)
		secure = false;
	else
		return refuse(why, whylen,
					  "Base URLs must start with https:// (or http:// for a test server on 127.0.0.1, localhost or [::1]).");
	authority = url + (secure ? 8 : 7);
	if (authority[0] == '\0' || authority[0] == '/')
		return refuse(why, whylen, "The base URL has no host.");
	authority_len = strcspn(authority, "/");
	/* libcurl decodes "%6cocalhost" to localhost; no operator writes a host that way */
	if (memchr(authority, '%', authority_len) != NULL)
		return refuse(why, whylen, "Base URLs may not percent-encode the host or port ('%%').");

	h = curl_url();
	if (h == NULL)
		return refuse(why, whylen, "Out of memory while parsing the base URL.");
	rc = curl_url_set(h, CURLUPART_URL, url, 0);
	if (rc != CURLUE_OK)
		ok = refuse(why, whylen, "libcurl cannot parse the base URL: %s.", curl_url_strerror(rc));
	else
		ok = check_parsed(h, secure, why, whylen);
	curl_url_cleanup(h);
	return ok;
}
