/*
 * okx_auth.c: timestamp and HMAC-SHA256 signature of OKX private requests.
 */
#include "postgres.h"

#include "common/base64.h"
#include "common/cryptohash.h"
#include "common/hmac.h"
#include "common/sha2.h"
#include "pgtime.h"
#include "utils/datetime.h"
#include "utils/resowner.h"
#include "utils/timestamp.h"

#include "pg/venue/okx/okx_auth.h"

void
okx_timestamp(TimestampTz t, char *out, size_t outlen)
{
	struct pg_tm tm;
	fsec_t		fsec;

	if (timestamp2tm(t, NULL, &tm, &fsec, NULL, NULL) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range for an OKX request")));
	snprintf(out, outlen, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
			 tm.tm_year, tm.tm_mon, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			 (int) (fsec / 1000));
}

static void
compute_signature(const char *secret, const char *timestamp, const char *method,
				  const char *request_path, const char *body, char *out, size_t outlen)
{
	pg_hmac_ctx *ctx = pg_hmac_create(PG_SHA256);
	uint8		digest[PG_SHA256_DIGEST_LENGTH];
	int			len;

	if (ctx == NULL ||
		pg_hmac_init(ctx, (const uint8 *) secret, strlen(secret)) < 0 ||
		pg_hmac_update(ctx, (const uint8 *) timestamp, strlen(timestamp)) < 0 ||
		pg_hmac_update(ctx, (const uint8 *) method, strlen(method)) < 0 ||
		pg_hmac_update(ctx, (const uint8 *) request_path, strlen(request_path)) < 0 ||
		pg_hmac_update(ctx, (const uint8 *) (body ? body : ""), body ? strlen(body) : 0) < 0 ||
		pg_hmac_final(ctx, digest, sizeof(digest)) < 0)
	{
		if (ctx)
			pg_hmac_free(ctx);
		elog(ERROR, "could not compute the HMAC-SHA256 signature of an OKX request");
	}
	pg_hmac_free(ctx);
	if ((size_t) pg_b64_enc_len(sizeof(digest)) + 1 > outlen)
		elog(ERROR, "signature buffer too small");
	len = pg_b64_encode((const char *) digest, sizeof(digest), out, (int) outlen - 1);
	if (len < 0)
		elog(ERROR, "could not encode the OKX signature");
	out[len] = '\0';
}

/*
 * With OpenSSL, PostgreSQL's HMAC context registers with CurrentResourceOwner,
 * which is NULL where the worker signs: between transactions, so that no
 * transaction stays open across a transfer.  Signing then happens under a
 * process-wide owner of our own; it holds nothing once pg_hmac_free has run.
 */
void
okx_sign(const char *secret, const char *timestamp, const char *method,
		 const char *request_path, const char *body, char *out, size_t outlen)
{
	static ResourceOwner signing_owner = NULL;
	ResourceOwner saved = CurrentResourceOwner;

	if (saved != NULL)
	{
		compute_signature(secret, timestamp, method, request_path, body, out, outlen);
		return;
	}
	if (signing_owner == NULL)
		signing_owner = ResourceOwnerCreate(NULL, "bifrost okx signing");
	CurrentResourceOwner = signing_owner;
	PG_TRY();
	{
		compute_signature(secret, timestamp, method, request_path, body, out, outlen);
	}
	PG_FINALLY();
	{
		CurrentResourceOwner = saved;
	}
	PG_END_TRY();
}
