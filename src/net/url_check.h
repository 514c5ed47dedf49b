/*
 * url_check.h: may a base URL receive bifrost's (signed) requests?
 *
 * Plain C and libcurl, no PostgreSQL headers: the settings' check hooks use
 * it, and it is unit-tested alone.
 */
#ifndef BIFROST_URL_CHECK_H
#define BIFROST_URL_CHECK_H

#include <stdbool.h>
#include <stddef.h>

/* Longer base URLs are refused: requests append their paths to it in 1 kB buffers. */
#define BIFROST_MAX_BASE_URL_LEN 255
/* Room for any reason url_check_base gives. */
#define URL_CHECK_WHY_MAX 192

/*
 * True when url is https://host[:port][/path] or, for a test server on this
 * machine, http:// to exactly 127.0.0.1, localhost or [::1]; no user-info,
 * query or fragment.  Otherwise false, with the reason (one sentence) in why
 * when whylen > 0.
 */
extern bool url_check_base(const char *url, char *why, size_t whylen);

#endif							/* BIFROST_URL_CHECK_H */
