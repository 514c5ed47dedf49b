/*
 * config_sql.c: SQL access to the strategy configuration (bifrost.config).
 *
 * bifrost._config_defaults() seeds the table, bifrost.config_problems()
 * judges its rows for the self-check, bifrost_config_set() changes one key.
 * All three use the key table of src/engine/config_schema.c, and the last
 * two, like the hedger's loader (engine_glue.c), its one judgement of a
 * whole configuration, config_check_all(), through config_rows_check().
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "nodes/pg_list.h"
#include "pgtime.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

#include "engine/config_schema.h"
#include "pg/common/config_rows.h"
#include "pg/common/echo.h"
#include "pg/hedger/daemon.h"

PG_FUNCTION_INFO_V1(bifrost_config_defaults);
PG_FUNCTION_INFO_V1(bifrost_config_problems);
PG_FUNCTION_INFO_V1(bifrost_config_set);

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

Datum
bifrost_config_defaults(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	InitMaterializedSRF(fcinfo, 0);
	for (int i = 0; i < config_key_count; i++)
	{
		Datum		values[2];
		bool		nulls[2] = {false, false};

		values[0] = CStringGetTextDatum(config_keys[i].key);
		values[1] = DirectFunctionCall1(jsonb_in, CStringGetDatum(config_keys[i].default_json));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
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

static void
emit_problem(const char *key, const char *other_key, const char *problem, void *arg)
{
	ReturnSetInfo *rsinfo = arg;
	Datum		values[2] = {CStringGetTextDatum(key), CStringGetTextDatum(problem)};
	bool		nulls[2] = {false, false};

	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

Datum
bifrost_config_problems(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	config_rows rows;

	InitMaterializedSRF(fcinfo, 0);
	SPI_connect();
	config_rows_load(&rows);
	(void) config_rows_check(&rows, emit_problem, rsinfo);
	SPI_finish();
	return (Datum) 0;
}

/* The first problem of the judgement that involves the key being set. */
typedef struct key_problem
{
	const char *key;
	char		other[128];		/* empty: the value itself is invalid */
	char		message[CONFIG_MESSAGE_MAX];
	bool		found;
} key_problem;

static void
find_key_problem(const char *key, const char *other_key, const char *message, void *arg)
{
	key_problem *hit = arg;

	if (hit->found)
		return;
	if (strcmp(key, hit->key) == 0)
		strlcpy(hit->other, other_key ? other_key : "", sizeof(hit->other));
	else if (other_key && strcmp(other_key, hit->key) == 0)
		strlcpy(hit->other, key, sizeof(hit->other));
	else
		return;					/* another key's problem: not this call's to refuse */
	strlcpy(hit->message, message, sizeof(hit->message));
	hit->found = true;
}

/*
 * bifrost_config_set(key, value): neither may be NULL (a NULL would silently
 * change nothing); a nullable key is switched off with the JSON null.
 */
Datum
bifrost_config_set(PG_FUNCTION_ARGS)
{
	text	   *key_text;
	Jsonb	   *value;
	char	   *key;
	const config_key_spec *spec;
	config_value decoded;
	config_rows rows;
	key_problem hit = {0};
	Oid			types[2] = {TEXTOID, JSONBOID};
	Datum		values[2];

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the configuration key of bifrost_config_set must not be NULL"),
				 errhint("SELECT key FROM bifrost.config lists the keys.")));
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the value for configuration key \"%s\" must not be NULL",
						echo_text(PG_GETARG_TEXT_PP(0))),
				 errhint("Pass a jsonb value; 'null'::jsonb switches off a key that can be off.")));
	key_text = PG_GETARG_TEXT_PP(0);
	value = PG_GETARG_JSONB_P(1);
	key = text_to_cstring(key_text);
	spec = config_find_key(key);
	if (spec == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown configuration key \"%s\"", echo_cstring(key)),
				 errhint("SELECT key FROM bifrost.config lists the keys; the README explains each.")));

	/* the whole configuration as it would be, judged as the hedger will judge it */
	config_jsonb_to_value(value, &decoded);
	SPI_connect();
	config_rows_load(&rows);
	rows.by_key[config_key_index(key)] = &decoded;
	hit.key = key;
	(void) config_rows_check(&rows, find_key_problem, &hit);
	if (hit.found && hit.other[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid value %s for configuration key \"%s\"", echo_jsonb(value), key),
				 errdetail("%s.", hit.message),
				 spec->unit ? errhint("The key is in %s: %s.", spec->unit, spec->meaning)
				 : errhint("The key means: %s.", spec->meaning)));
	if (hit.found)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid value %s for configuration key \"%s\": it conflicts with \"%s\"",
						echo_jsonb(value), key, hit.other),
				 errdetail("%s.", hit.message),
				 errhint("Change \"%s\" first, or choose a value that keeps both consistent.", hit.other)));

	values[0] = CStringGetTextDatum(key);
	values[1] = JsonbPGetDatum(value);
	if (SPI_execute_with_args("INSERT INTO bifrost.config AS c (key, value, updated_at, updated_by)"
							  " VALUES ($1, $2, now(), session_user)"
							  " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value,"
							  " updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by",
							  2, types, values, NULL, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "could not store configuration key \"%s\"", key);
	SPI_finish();

	/* The worker re-reads its config at once instead of at the next heartbeat. */
	(void) bifrost_wake();
	PG_RETURN_JSONB_P(value);
}
