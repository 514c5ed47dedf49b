/*
 * config_schema.h: the strategy configuration keys of bifrost.config.
 *
 * One table describes every key: its JSON type, default and allowed range.
 * The install script seeds bifrost.config from it, and config_check_all()
 * is the one judgement of a whole configuration: bifrost_config_set(),
 * bifrost.config_problems() (the self-check) and the hedger's loader all
 * ask it, so they can never disagree.  Pure C: no PostgreSQL headers.
 */
#ifndef BIFROST_CONFIG_SCHEMA_H
#define BIFROST_CONFIG_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

typedef enum config_type
{
	CONFIG_BOOL,				/* true | false */
	CONFIG_INT,					/* a JSON number with no fractional part */
	CONFIG_NUMBER,				/* any finite JSON number */
	CONFIG_STRING,				/* non-empty JSON string, CONFIG_MAX_STRING_BYTES at most */
	CONFIG_ENUM,				/* one of spec->choices */
	CONFIG_TIMEZONE,			/* a zone name; the caller checks it exists */
	CONFIG_DATE_LIST			/* JSON array of "YYYY-MM-DD" strings, CONFIG_MAX_DATES at most */
} config_type;

/* Longest string value: the worker keeps strings in 64-byte buffers. */
#define CONFIG_MAX_STRING_BYTES 63

/* Most dates in a date list: the engine keeps them in a fixed array. */
#define CONFIG_MAX_DATES 64

typedef struct config_key_spec
{
	const char *key;
	config_type type;
	const char *default_json;	/* default as JSON text */
	bool		nullable;		/* JSON null allowed (means "off") */
	double		min;			/* numeric range, inclusive unless ... */
	bool		min_exclusive;	/* ... the lower bound is exclusive */
	double		max;
	const char *choices;		/* CONFIG_ENUM: '|'-separated values */
	const char *unit;			/* shown in messages and the README */
	const char *meaning;
} config_key_spec;

/* The kinds of JSON value a validator can see, already decoded. */
typedef enum config_value_kind
{
	CONFIG_VALUE_NULL,
	CONFIG_VALUE_BOOL,
	CONFIG_VALUE_NUMBER,
	CONFIG_VALUE_STRING,
	CONFIG_VALUE_ARRAY,
	CONFIG_VALUE_OBJECT
} config_value_kind;

typedef struct config_value
{
	config_value_kind kind;
	bool		boolean;
	double		number;			/* NUMBER */
	bool		number_is_integral;
	const char *string;			/* STRING (NUL-terminated) */
	int			n_items;		/* ARRAY */
	const char *const *items;	/* ARRAY: string items, NULL for non-strings */
} config_value;

#define CONFIG_MESSAGE_MAX 256

/* Room for keys in arrays indexed like config_keys[] (a unit test checks it). */
#define CONFIG_MAX_KEYS 256

extern const config_key_spec config_keys[];
extern const int config_key_count;

extern const config_key_spec *config_find_key(const char *key);
extern int	config_key_index(const char *key);

/* Validates one value; returns false and writes why into msg. */
extern bool config_check_value(const config_key_spec *spec,
							   const config_value *value,
							   char *msg, size_t msglen);

/*
 * Rules between keys (e.g. the hedge threshold may not sit inside the
 * no-trade band).  values[] is indexed like config_keys[]; entries may be
 * NULL when a key is missing.  Calls report(key, message, arg) once per
 * violated rule, naming the key the rule is attached to and the other key.
 * Returns the number of violations.
 */
typedef void (*config_problem_fn) (const char *key, const char *other_key,
								   const char *message, void *arg);
extern int	config_check_cross(const config_value *const *values,
							   config_problem_fn report, void *arg);

/* Whether a time zone name exists: the engine cannot know, its host can. */
typedef bool (*config_zone_fn) (const char *name);

/*
 * The one judgement of a whole configuration.  values[] is indexed like
 * config_keys[], NULL where the key has no row; unknown[] holds the keys of
 * rows the schema does not know.  Reports, in this order, every unknown key,
 * every missing key, every invalid value (time zones through zone_known,
 * which may be NULL to skip that test), and every rule between keys that the
 * valid values break, as report(key, other_key, message, arg) with
 * other_key NULL except for rules between keys.  A configuration with no
 * report is one the hedger can load.  Returns the number of reports.
 */
extern int	config_check_all(const config_value *const *values,
							 const char *const *unknown, int n_unknown,
							 config_zone_fn zone_known,
							 config_problem_fn report, void *arg);

#endif							/* BIFROST_CONFIG_SCHEMA_H */
