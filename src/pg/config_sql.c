/*
 * config_sql.c: SQL access to the strategy configuration (bifrost.config).
 *
 * bifrost._config_defaults() seeds the table, bifrost.config_problems()
 * judges its rows for the self-check, bifrost_config_set() changes one key.
 * All three use the key table of src/engine/config_schema.c.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "pgtime.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

#include "../engine/config_schema.h"
#include "config_sql.h"
#include "worker.h"

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

/* The schema's checks plus the ones only PostgreSQL can make (time zones). */
bool
config_value_valid(const config_key_spec *spec, const config_value *v, char *msg, size_t msglen)
{
	if (!config_check_value(spec, v, msg, msglen))
		return false;
	if (spec->type == CONFIG_TIMEZONE && v->kind == CONFIG_VALUE_STRING && pg_tzset(v->string) == NULL)
	{
		snprintf(msg, msglen, "\"%s\" is not a time zone PostgreSQL knows", v->string);
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

/* The rows of bifrost.config, decoded and indexed like config_keys[]. */
typedef struct config_rows
{
	config_value *by_key[256];	/* NULL when the key has no row */
	int			n_unknown;
	char	   *unknown_keys[64];
} config_rows;


static void
load_config_rows(config_rows *rows)
{
	memset(rows, 0, sizeof(*rows));
	Assert(config_key_count <= (int) lengthof(rows->by_key));
	if (SPI_execute("SELECT key, value FROM bifrost.config ORDER BY key", true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read bifrost.config");
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
			if (rows->n_unknown < (int) lengthof(rows->unknown_keys))
				rows->unknown_keys[rows->n_unknown++] = key ? key : pstrdup("(null)");
			continue;
		}
		rows->by_key[idx] = palloc(sizeof(config_value));
		if (isnull)
			rows->by_key[idx]->kind = CONFIG_VALUE_NULL;
		else
			config_jsonb_to_value(DatumGetJsonbP(d), rows->by_key[idx]);
	}
}

typedef struct problem_sink
{
	ReturnSetInfo *rsinfo;
} problem_sink;

static void
emit_problem(problem_sink *sink, const char *key, const char *problem)
{
	Datum		values[2] = {CStringGetTextDatum(key), CStringGetTextDatum(problem)};
	bool		nulls[2] = {false, false};

	tuplestore_putvalues(sink->rsinfo->setResult, sink->rsinfo->setDesc, values, nulls);
}

static void
emit_cross_problem(const char *key, const char *other_key, const char *message, void *arg)
{
	emit_problem((problem_sink *) arg, key, message);
}

Datum
bifrost_config_problems(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	problem_sink sink;
	config_rows rows;
	config_value *checked[256] = {0};

	InitMaterializedSRF(fcinfo, 0);
	sink.rsinfo = rsinfo;
	SPI_connect();
	load_config_rows(&rows);
	for (int i = 0; i < rows.n_unknown; i++)
		emit_problem(&sink, rows.unknown_keys[i], "unknown key: bifrost does not read it");
	for (int i = 0; i < config_key_count; i++)
	{
		char		msg[CONFIG_MESSAGE_MAX];

		if (rows.by_key[i] == NULL)
			emit_problem(&sink, config_keys[i].key, "missing: the key has no row in bifrost.config");
		else if (!config_value_valid(&config_keys[i], rows.by_key[i], msg, sizeof(msg)))
			emit_problem(&sink, config_keys[i].key, msg);
		else
			checked[i] = rows.by_key[i];
	}
	config_check_cross((const config_value *const *) checked, emit_cross_problem, &sink);
	SPI_finish();
	return (Datum) 0;
}

/* Collects the first cross-key violation that involves the key being set. */
typedef struct cross_hit
{
	const char *key;
	char		other[128];
	char		message[CONFIG_MESSAGE_MAX];
	bool		found;
} cross_hit;

static void
find_cross_problem(const char *key, const char *other_key, const char *message, void *arg)
{
	cross_hit  *hit = arg;

	if (hit->found || (strcmp(key, hit->key) != 0 && strcmp(other_key, hit->key) != 0))
		return;
	hit->found = true;
	strlcpy(hit->other, strcmp(key, hit->key) == 0 ? other_key : key, sizeof(hit->other));
	strlcpy(hit->message, message, sizeof(hit->message));
}

Datum
bifrost_config_set(PG_FUNCTION_ARGS)
{
	text	   *key_text = PG_GETARG_TEXT_PP(0);
	Jsonb	   *value = PG_GETARG_JSONB_P(1);
	char	   *key = text_to_cstring(key_text);
	char	   *value_text = JsonbToCString(NULL, &value->root, VARSIZE(value));
	const config_key_spec *spec = config_find_key(key);
	int			idx = config_key_index(key);
	config_value decoded;
	config_rows rows;
	config_value *checked[256] = {0};
	cross_hit	hit = {0};
	char		msg[CONFIG_MESSAGE_MAX];
	Oid			types[2] = {TEXTOID, JSONBOID};
	Datum		values[2];

	if (spec == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown configuration key \"%s\"", key),
				 errhint("SELECT key FROM bifrost.config lists the keys; the README explains each.")));
	config_jsonb_to_value(value, &decoded);
	if (!config_value_valid(spec, &decoded, msg, sizeof(msg)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid value %s for configuration key \"%s\"", value_text, key),
				 errdetail("%s.", msg),
				 spec->unit ? errhint("The key is in %s: %s.", spec->unit, spec->meaning)
				 : errhint("The key means: %s.", spec->meaning)));

	SPI_connect();
	load_config_rows(&rows);
	rows.by_key[idx] = &decoded;
	for (int i = 0; i < config_key_count; i++)
		if (rows.by_key[i] && config_value_valid(&config_keys[i], rows.by_key[i], msg, sizeof(msg)))
			checked[i] = rows.by_key[i];
	hit.key = key;
	config_check_cross((const config_value *const *) checked, find_cross_problem, &hit);
	if (hit.found)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid value %s for configuration key \"%s\": it conflicts with \"%s\"",
						value_text, key, hit.other),
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
