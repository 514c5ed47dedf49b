/*
 * okx_sign.c: bifrost._okx_sign(), the signature of an OKX private request
 * as the OKX venue computes it (venue/okx/okx_auth.c).
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"

#include "pg/venue/okx/okx_auth.h"

PG_FUNCTION_INFO_V1(bifrost_okx_sign);

/*
 * bifrost._okx_sign(secret, timestamp, method, request_path, body): the
 * signature, for tests against OKX's published examples.  Owner only.
 */
Datum
bifrost_okx_sign(PG_FUNCTION_ARGS)
{
	char		sig[OKX_SIGNATURE_LEN];

	okx_sign(text_to_cstring(PG_GETARG_TEXT_PP(0)), text_to_cstring(PG_GETARG_TEXT_PP(1)),
			 text_to_cstring(PG_GETARG_TEXT_PP(2)), text_to_cstring(PG_GETARG_TEXT_PP(3)),
			 text_to_cstring(PG_GETARG_TEXT_PP(4)), sig, sizeof(sig));
	PG_RETURN_TEXT_P(cstring_to_text(sig));
}
