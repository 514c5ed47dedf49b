/*
 * config_rows.h: reading bifrost.config values as the engine's validator sees them.
 */
#ifndef BIFROST_CONFIG_SQL_H
#define BIFROST_CONFIG_SQL_H

#include "postgres.h"

#include "utils/jsonb.h"

#include "engine/config_schema.h"

/* The rows of bifrost.config, decoded and indexed like config_keys[]. */
typedef struct config_rows
{
	config_value *by_key[CONFIG_MAX_KEYS];	/* NULL when the key has no row */
	Jsonb	   *jsonb_by_key[CONFIG_MAX_KEYS];
	int			n_unknown;
	const char **unknown_keys;	/* keys of rows config_schema does not know */
} config_rows;

/* Reads bifrost.config (SPI connected). */
extern void config_rows_load(config_rows *rows);

/*
 * Runs config_check_all() on the rows, time zones judged by PostgreSQL:
 * the one judgement behind bifrost_config_set(), bifrost.config_problems()
 * and the hedger's loader.
 */
extern int	config_rows_check(const config_rows *rows, config_problem_fn report, void *arg);

/* The first problem config_rows_check() reports, and how many it reported. */
typedef struct config_first_problem
{
	char		key[128];
	char		message[CONFIG_MESSAGE_MAX];
	int			count;
} config_first_problem;

/* A config_problem_fn that keeps the first problem in a config_first_problem (arg). */
extern void config_note_first_problem(const char *key, const char *other_key, const char *message, void *arg);

/* Decodes a jsonb document into the validator's view of it (palloc'd). */
extern void config_jsonb_to_value(Jsonb *jb, config_value *out);

/* True for a zone of the tz database (what pg_timezone_names lists). */
extern bool config_zone_known(const char *name);

/* One value by the schema, time zones judged by PostgreSQL. */
extern bool config_value_valid(const config_key_spec *spec, const config_value *v,
							   char *msg, size_t msglen);

#endif							/* BIFROST_CONFIG_SQL_H */
