/*
 * http.h: the one libcurl wrapper of bifrost.
 *
 * Plain C (no PostgreSQL headers) so that it never longjmps through
 * libcurl: the caller passes an abort predicate that is polled at least
 * every HTTP_POLL_SLICE_MS while a transfer runs, and raises its own
 * errors after the call returns.
 */
#ifndef BIFROST_HTTP_H
#define BIFROST_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#define HTTP_POLL_SLICE_MS 50
/* A body larger than the JSON parser takes (JSONU_MAX_BYTES) is refused while it arrives. */
#define HTTP_MAX_BODY_BYTES (4 * 1024 * 1024)
#define HTTP_ERROR_MAX 256

typedef enum http_outcome
{
	HTTP_DONE,					/* a response arrived (any status) */
	HTTP_TIMEOUT,				/* no complete response within the timeout */
	HTTP_FAILED,				/* connect refused, DNS, TLS, too large... */
	HTTP_ABORTED				/* the abort predicate said stop */
} http_outcome;

typedef struct http_response
{
	http_outcome outcome;
	long		status;			/* HTTP status when outcome == HTTP_DONE */
	char	   *body;			/* malloc'd, NUL-terminated; free with http_response_free */
	size_t		body_len;
	char		error[HTTP_ERROR_MAX];
} http_response;

/* Returns true when the transfer should stop now (interrupt, latch). */
typedef bool (*http_abort_fn) (void *arg);

typedef struct http_request
{
	const char *method;			/* "GET" or "POST" */
	const char *url;
	const char *const *headers; /* NULL-terminated list of "Name: value", or NULL */
	const char *body;			/* POST body or NULL */
	long		timeout_ms;
	http_abort_fn should_abort;
	void	   *abort_arg;
} http_request;

/* Must be called once per process before the first request. */
extern bool http_global_init(char *error, size_t errlen);

extern void http_perform(const http_request *req, http_response *resp);
extern void http_response_free(http_response *resp);

#endif							/* BIFROST_HTTP_H */
