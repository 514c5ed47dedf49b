/*
 * fetch.h: rate-limited GETs to OKX for the ingestion code of each data
 * type (okx_candles.c, okx_market.c), which parses the answers with
 * net/okx_parse.h.  It brings json-c's names: a file that includes it must
 * not include utils/builtins.h, whose SQL function json_object() clashes
 * with json-c's type (ingest_text() makes text Datums instead).
 */
#ifndef BIFROST_INGEST_FETCH_H
#define BIFROST_INGEST_FETCH_H

#include "postgres.h"

#include "net/okx_parse.h"

/* Parses a reply body into the caller's structs; the caller's arg. */
typedef jsonu_status (*ingest_parse_fn) (const char *body, size_t len, void *arg,
										 jsonu_error *err);

/*
 * GET base_url + endpoint + query through the endpoint's rate limiter, then
 * parse.  HTTP 429 and OKX 50011/50061 back off and retry.  False with why
 * on any other failure.  Honours query cancel and SIGTERM within a
 * transfer slice.
 */
extern bool ingest_okx_get(const char *endpoint, const char *query, ingest_parse_fn parse,
						   void *arg, char *why, size_t whylen);

#endif							/* BIFROST_INGEST_FETCH_H */
