/*
 * config_rows.c: the rows of bifrost.config as the engine's validator sees
 * them (config_rows.h): decoded from jsonb, time zones judged by
 * PostgreSQL.  One reading for bifrost_config_set(),
 * bifrost.config_problems() and the hedger's loader (engine_glue.c), so all
 * three refuse the same configurations.
 */
#include "postgres.h"

#include <math.h>

#include "executor/spi.h"
#include "fmgr.h"
#include "nodes/pg_list.h"
#include "pgtime.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "engine/config_schema.h"
#include "pg/common/config_rows.h"

static double
numeric_to_double(Numeric num)
{
	return DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow, NumericGetDatum(num)));
}

static void
scalar_to_value(const JsonbValue *jv, config_value *out)
{
	memset(out, 0, sizeof(*out));
	switch (jv->type)
	{
		case jbvNull:
			out->kind = CONFIG_VALUE_NULL;
			break;
		case jbvBool:
			out->kind = CONFIG_VALUE_BOOL;
			out->boolean = jv->val.boolean;
			break;
		case jbvNumeric:
			out->kind = CONFIG_VALUE_NUMBER;
			out->number = numeric_to_double(jv->val.numeric);
			out->number_is_integral = isfinite(out->number) && out->number == floor(out->number);
			break;
		case jbvString:
			out->kind = CONFIG_VALUE_STRING;
			out->string = pnstrdup(jv->val.string.val, jv->val.string.len);
			break;
		default:
			out->kind = CONFIG_VALUE_OBJECT;
			break;
	}
}

/* Decodes a jsonb document into the validator's view of it (palloc'd). */
void
config_jsonb_to_value(Jsonb *jb, config_value *out)
{
	if (JB_ROOT_IS_SCALAR(jb))
	{
		JsonbValue	jv;

		if (!JsonbExtractScalar(&jb->root, &jv))
			elog(ERROR, "could not read a jsonb scalar");
		scalar_to_value(&jv, out);
	}
	else if (JB_ROOT_IS_ARRAY(jb))
	{
		int			n = JB_ROOT_COUNT(jb);
		const char **items = palloc0(sizeof(char *) * Max(n, 1));
		JsonbIterator *it = JsonbIteratorInit(&jb->root);
		JsonbValue	jv;
		JsonbIteratorToken tok;
		int			i = 0;
		int			depth = 0;

		while ((tok = JsonbIteratorNext(&it, &jv, false)) != WJB_DONE)
		{
			if (tok == WJB_BEGIN_ARRAY || tok == WJB_BEGIN_OBJECT)
			{
				/* a nested container is an item that is not a string */
				if (depth++ == 1 && i < n)
					items[i++] = NULL;
			}
			else if (tok == WJB_END_ARRAY || tok == WJB_END_OBJECT)
				depth--;
			else if (tok == WJB_ELEM && depth == 1 && i < n)
				items[i++] = jv.type == jbvString ? pnstrdup(jv.val.string.val, jv.val.string.len) : NULL;
		}
		memset(out, 0, sizeof(*out));
		out->kind = CONFIG_VALUE_ARRAY;
		out->n_items = n;
		out->items = items;
	}
	else
	{
		memset(out, 0, sizeof(*out));
		out->kind = CONFIG_VALUE_OBJECT;
	}
}

/*
 * A POSIX zone specification such as "<+99>-99" also passes pg_tzset(),
 * but bifrost_history_stats() and every reader of pg_timezone_names know
 * only the zones of the tz database.  pg_tzset() gives a database zone the
 * spelling of its file and a specification its input in upper case, so a
 * canonical name with a lower-case letter is a database zone; the few
 * upper-case names (UTC, EST5EDT, ...) are looked up in the database's
 * list, read once per process.
 */
static bool
upper_case_zone_listed(const char *canon)
{
	static List *upper_names = NIL;
	static bool loaded = false;
	ListCell   *lc;

	if (!loaded)
	{
		MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);
		pg_tzenum  *e = pg_tzenumerate_start();
		pg_tz	   *tz;

		while ((tz = pg_tzenumerate_next(e)) != NULL)
		{
			const char *name = pg_get_timezone_name(tz);
			bool		has_lower = false;

			for (const char *p = name; *p; p++)
				has_lower |= (*p >= 'a' && *p <= 'z');
			if (!has_lower)
				upper_names = lappend(upper_names, pstrdup(name));
		}
		pg_tzenumerate_end(e);
		MemoryContextSwitchTo(old);
		loaded = true;
	}
	foreach(lc, upper_names)
		if (strcmp((const char *) lfirst(lc), canon) == 0)
			return true;
	return false;
}

void
config_note_first_problem(const char *key, const char *other_key, const char *message, void *arg)
{
	config_first_problem *p = arg;

	(void) other_key;
	if (p->count++ == 0)
	{
		strlcpy(p->key, key, sizeof(p->key));
		strlcpy(p->message, message, sizeof(p->message));
	}
}

bool
config_zone_known(const char *name)
{
	pg_tz	   *tz = pg_tzset(name);
	const char *canon;

	if (tz == NULL || !pg_tz_acceptable(tz))
		return false;
	canon = pg_get_timezone_name(tz);
	for (const char *p = canon; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			return true;
	return upper_case_zone_listed(canon);
}

bool
config_value_valid(const config_key_spec *spec, const config_value *v, char *msg, size_t msglen)
{
	if (!config_check_value(spec, v, msg, msglen))
		return false;
	if (spec->type == CONFIG_TIMEZONE && v->kind == CONFIG_VALUE_STRING && !config_zone_known(v->string))
	{
		snprintf(msg, msglen, "\"%s\" is not a time zone of the tz database"
				 " (SELECT name FROM pg_timezone_names lists them)", v->string);
		return false;
	}
	return true;
}

void
config_rows_load(config_rows *rows)
{
	memset(rows, 0, sizeof(*rows));
	if (config_key_count > CONFIG_MAX_KEYS)
		elog(ERROR, "bifrost: %d configuration keys, room for %d", config_key_count, CONFIG_MAX_KEYS);
	if (SPI_execute("SELECT key, value FROM bifrost.config ORDER BY key", true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read bifrost.config");
	rows->unknown_keys = palloc0(sizeof(char *) * Max(SPI_processed, 1));
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		HeapTuple	tup = SPI_tuptable->vals[r];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		char	   *key = SPI_getvalue(tup, desc, 1);
		bool		isnull;
		Datum		d = SPI_getbinval(tup, desc, 2, &isnull);
		int			idx = key ? config_key_index(key) : -1;

		if (idx < 0)
		{
			rows->unknown_keys[rows->n_unknown++] = key ? key : "(null)";
			continue;
		}
		rows->by_key[idx] = palloc(sizeof(config_value));
		if (isnull)
			rows->by_key[idx]->kind = CONFIG_VALUE_NULL;
		else
		{
			rows->jsonb_by_key[idx] = DatumGetJsonbPCopy(d);
			config_jsonb_to_value(rows->jsonb_by_key[idx], rows->by_key[idx]);
		}
	}
}

int
config_rows_check(const config_rows *rows, config_problem_fn report, void *arg)
{
	return config_check_all((const config_value *const *) rows->by_key,
							rows->unknown_keys, rows->n_unknown,
							config_zone_known, report, arg);
}
