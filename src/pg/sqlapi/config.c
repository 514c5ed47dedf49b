/*
 * config.c: SQL access to the strategy configuration (bifrost.config).
 *
 * bifrost._config_defaults() seeds the table, bifrost.config_problems()
 * judges its rows for the self-check, bifrost_config_set() changes one key.
 * All three use the key table of src/engine/config_schema.c, and the last
 * two, like the hedger's loader (engine_glue.c), its one judgement of a
 * whole configuration, config_check_all(), through config_rows_check().
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/jsonb.h"

#include "engine/config_schema.h"
#include "pg/common/config_rows.h"
#include "pg/common/echo.h"
#include "pg/hedger/worker.h"

PG_FUNCTION_INFO_V1(bifrost_config_defaults);
PG_FUNCTION_INFO_V1(bifrost_config_problems);
PG_FUNCTION_INFO_V1(bifrost_config_set);

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
	(void) hedger_wake();
	PG_RETURN_JSONB_P(value);
}
