/*
 * config_sql.h: reading bifrost.config values as the engine's validator sees them.
 */
#ifndef BIFROST_CONFIG_SQL_H
#define BIFROST_CONFIG_SQL_H

#include "postgres.h"

#include "utils/jsonb.h"

#include "../engine/config_schema.h"

/* Decodes a jsonb document into the validator's view of it (palloc'd). */
extern void config_jsonb_to_value(Jsonb *jb, config_value *out);

/* The schema's checks plus the ones only PostgreSQL can make (time zones). */
extern bool config_value_valid(const config_key_spec *spec, const config_value *v,
							   char *msg, size_t msglen);

#endif							/* BIFROST_CONFIG_SQL_H */
