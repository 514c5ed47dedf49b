/*
 * echo.c: the one cut of user-supplied values repeated in messages (echo.h);
 * SQL and PL/pgSQL reach it through bifrost._echo(text) (sqlapi/echo.c).
 */
#include "postgres.h"

#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "pg/common/echo.h"

/* The first BIFROST_ECHO_MAX_CHARS characters of len bytes at s, "..." when cut. */
static char *
echo_bytes(const char *s, int len)
{
	int			shown = pg_mbcharcliplen(s, len, BIFROST_ECHO_MAX_CHARS);

	return psprintf("%.*s%s", shown, s, shown < len ? "..." : "");
}

char *
echo_cstring(const char *value)
{
	if (value == NULL)
		return pstrdup("NULL");
	return echo_bytes(value, (int) strlen(value));
}

char *
echo_text(text *value)
{
	/* enough bytes for the shown characters in any encoding, plus one to know a cut */
	int			want = BIFROST_ECHO_MAX_CHARS * pg_database_encoding_max_length() + 1;
	text	   *head = DatumGetTextPSlice(PointerGetDatum(value), 0, want);

	return echo_bytes(VARDATA_ANY(head), VARSIZE_ANY_EXHDR(head));
}

char *
echo_jsonb(Jsonb *value)
{
	char	   *json = JsonbToCString(NULL, &value->root, VARSIZE(value));

	return echo_bytes(json, (int) strlen(json));
}
