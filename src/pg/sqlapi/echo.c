/*
 * echo.c: bifrost._echo(text), the cut of a user-supplied value that C
 * messages use (common/echo.c), for messages raised in SQL and PL/pgSQL.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"

#include "pg/common/echo.h"

PG_FUNCTION_INFO_V1(bifrost_echo);

Datum
bifrost_echo(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(echo_text(PG_GETARG_TEXT_PP(0))));
}
