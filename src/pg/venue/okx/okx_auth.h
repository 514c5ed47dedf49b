/*
 * okx_auth.h: the signature of OKX v5 private requests.
 *
 * OK-ACCESS-SIGN = Base64(HMAC-SHA256(secret, timestamp + METHOD + requestPath + body)), with the
 * timestamp in ISO-8601 UTC milliseconds (2020-12-08T09:08:57.715Z) and the query string part of
 * requestPath.  Uses PostgreSQL's own HMAC (common/hmac.h), so no other crypto library is needed.
 */
#ifndef BIFROST_OKX_AUTH_H
#define BIFROST_OKX_AUTH_H

#include "postgres.h"

#include "datatype/timestamp.h"

#define OKX_TIMESTAMP_LEN 25	/* "2020-12-08T09:08:57.715Z" + NUL */
#define OKX_SIGNATURE_LEN 64	/* Base64 of 32 bytes is 44 characters */

/* The request timestamp OKX expects, of an instant. */
extern void okx_timestamp(TimestampTz t, char *out, size_t outlen);

/* Fills out with the Base64 signature; raises an ERROR if hashing fails. */
extern void okx_sign(const char *secret, const char *timestamp, const char *method,
					 const char *request_path, const char *body, char *out, size_t outlen);

#endif							/* BIFROST_OKX_AUTH_H */
