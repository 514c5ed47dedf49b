/*
 * json_util.h: strict, bounded JSON parsing and exact typed getters for the
 * venue parsers (okx_parse, ibkr_parse).
 *
 * Parsing (jsonu_parse): one complete JSON document of at most
 * JSONU_MAX_BYTES bytes (4 MiB; exchange replies are a few hundred KiB at
 * most, and the cap keeps json-c far from its int length limit), nested at
 * most JSONU_MAX_DEPTH (32) deep (the deepest real reply is 4 levels), no
 * NUL byte anywhere in the body, strictly valid UTF-8 (RFC 3629: json-c's
 * own check lets overlong forms, surrogates and code points above U+10FFFF
 * through), json-c's strict mode (no comments, no trailing commas, no
 * single quotes: json-c 0.16 accepts 'key' even in strict mode, so the
 * body is pre-scanned for it), nothing but whitespace after the document.
 * json-c 0.16 still accepts NaN and Infinity in strict mode and saturates
 * integers beyond 64 bits; the getters below reject both.
 *
 * Numbers are never converted to double.  A decimal is returned as its
 * text, exactly as the venue wrote it, whether the venue sent a JSON string
 * ("97012.4", OKX) or a JSON number (4.41, IBKR positions: json-c keeps the
 * original token text of non-integers).  Decimal text must match
 *
 *     -? (0 | [1-9][0-9]*) ( . [0-9]+ )? ( [eE] [+-]? [0-9]{1,3} )?
 *
 * (the JSON number grammar with an exponent of at most three digits) and
 * be at most JSONU_DECIMAL_MAX (64) characters.  So: no leading '+', no
 * leading zeros, no ".5" or "5.", no blanks, no NaN/Infinity, no thousands
 * separators.  Every text that passes is accepted by PostgreSQL's
 * numeric_in without error (at most 64 + 999 digits either side of the
 * point, far below numeric's limits), so the glue can convert it with
 * numeric_in and no subtransaction.
 *
 * Integers are parsed exactly into int64 from a JSON integer or from text
 * -?(0|[1-9][0-9]*) with overflow detection; because json-c 0.16 clamps
 * JSON integers silently, the JSON integers INT64_MIN and UINT64_MAX and
 * anything above INT64_MAX are rejected as out of range.  Epoch
 * milliseconds are such integers within [0, JSONU_EPOCH_MS_MAX].
 *
 * Empty strings: the venues send "" for "not applicable".  A getter called
 * with JSONU_OPT treats an absent key, JSON null and "" alike as absent (text
 * fields become "", integer fields keep the value the caller put there);
 * with JSONU_REQ each of them is an error.
 *
 * Errors: every function reports through a jsonu_error: a status and a
 * message that names the reply and the field, e.g.
 *     okx ticker: data[0].last: not a decimal: "97,012.4"
 * No allocation beyond json-c's own; the caller owns the root returned by
 * jsonu_parse and drops it with exactly one json_object_put.  No PostgreSQL
 * headers, no global state: safe to call from any backend or worker.
 * Implemented in json_util.c (parsing, errors, text checks) and
 * json_util_get.c (context and getters).
 */
#ifndef BIFROST_JSON_UTIL_H
#define BIFROST_JSON_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#define JSONU_MAX_BYTES (4 * 1024 * 1024)
#define JSONU_MAX_DEPTH 32
#define JSONU_DECIMAL_MAX 64
#define JSONU_DEC_SIZE (JSONU_DECIMAL_MAX + 1)	/* a decimal text field */
#define JSONU_EXPONENT_DIGITS 3
#define JSONU_EPOCH_MS_MAX INT64_C(253402300799999)	/* 9999-12-31 23:59:59.999 */
#define JSONU_CODE_SIZE 24
#define JSONU_MSG_SIZE 384
#define JSONU_WHERE_SIZE 48

typedef enum jsonu_status
{
	JSONU_OK = 0,
	JSONU_ESIZE = -1,			/* empty, or larger than JSONU_MAX_BYTES */
	JSONU_ESYNTAX = -2,			/* not one strict JSON document (truncated,
								 * trailing data, NUL byte, bad UTF-8, ...) */
	JSONU_EDEPTH = -3,			/* nested deeper than JSONU_MAX_DEPTH */
	JSONU_ESHAPE = -4,			/* a required field is missing or has the
								 * wrong JSON type */
	JSONU_EVALUE = -5,			/* right type, invalid value: bad decimal,
								 * integer out of range, text too long,
								 * unknown enumeration value */
	JSONU_EVENUE = -6,			/* a well-formed answer in which the venue
								 * reports an error (see venue_code) */
	JSONU_ECAPACITY = -7,		/* more rows than the caller's array holds */
	JSONU_ENOMEM = -8			/* json-c could not allocate */
} jsonu_status;

typedef struct jsonu_error
{
	jsonu_status status;
	char		venue_code[JSONU_CODE_SIZE];	/* JSONU_EVENUE: the venue's
												 * code (OKX "50011", sCode
												 * "51008"), else "" */
	char		msg[JSONU_MSG_SIZE];	/* "" when status == JSONU_OK */
} jsonu_error;

/*
 * Getter flags.  With JSONU_OPT an absent value leaves text fields ""
 * and integer and boolean outputs untouched (preset them).
 */
#define JSONU_REQ 0x0				/* must be present, not null, not "" */
#define JSONU_OPT 0x1				/* absent, null and "" mean "absent" */
#define JSONU_NONNEG 0x2			/* decimals and integers: not negative */
#define JSONU_NAN_ABSENT 0x4		/* decimals, with JSONU_OPT: "NaN" (string
									 * or json-c's bare token) reads as absent,
									 * for IBKR's Java-side "no value" */

/*
 * Where a getter is: the reply being read ("okx ticker") and the path of
 * the current element ("data[3]"), both quoted in error messages.
 */
typedef struct jsonu_ctx
{
	const char *what;
	char		where[JSONU_WHERE_SIZE];
	jsonu_error *err;
} jsonu_ctx;

typedef enum jsonu_int_result
{
	JSONU_INT_OK,
	JSONU_INT_SYNTAX,
	JSONU_INT_RANGE
} jsonu_int_result;

/* --- errors --- */
extern void jsonu_error_clear(jsonu_error *err);
extern const char *jsonu_status_name(jsonu_status status);
extern jsonu_status jsonu_fail(jsonu_error *err, jsonu_status status, const char *fmt,...)
			__attribute__((format(printf, 3, 4)));

/* --- text checks, no json-c involved --- */

/* s[0..len) matches the decimal grammar above (len <= JSONU_DECIMAL_MAX). */
extern bool jsonu_decimal_syntax(const char *s, size_t len);

/* A valid decimal below zero ("-0.000" is not). */
extern bool jsonu_decimal_negative(const char *s);

/* Exact int64 from -?(0|[1-9][0-9]*); JSONU_INT_RANGE past int64. */
extern jsonu_int_result jsonu_int64_from_text(const char *s, size_t len, int64_t *out);

/* The same, and RANGE outside [0, JSONU_EPOCH_MS_MAX]. */
extern jsonu_int_result jsonu_epoch_ms_from_text(const char *s, size_t len, int64_t *out);

/* Strict UTF-8 (RFC 3629). */
extern bool jsonu_utf8_valid(const char *s, size_t len);

/* Drops a UTF-8 sequence cut short at the end of s (after a truncating printf). */
extern void jsonu_utf8_trim(char *s);

/* --- parsing --- */

/*
 * Parses body[0..len) into *root (caller puts it).  what names the reply in
 * messages.  On error *root is NULL.
 */
extern jsonu_status jsonu_parse(const char *body, size_t len, const char *what,
								json_object **root, jsonu_error *err);

/* --- context and getters: each returns true on success --- */
extern void jsonu_ctx_init(jsonu_ctx *c, const char *what, jsonu_error *err);
extern void jsonu_ctx_at(jsonu_ctx *c, const char *fmt,...)
			__attribute__((format(printf, 2, 3)));
extern bool jsonu_ctx_fail(jsonu_ctx *c, jsonu_status status, const char *name,
						   const char *fmt,...)
			__attribute__((format(printf, 4, 5)));

/* The member, or NULL when obj is not an object or has no such key. */
extern json_object *jsonu_member(json_object *obj, const char *key);

/*
 * Each getter reads obj[key]; with key == NULL it reads obj itself and
 * names it name in messages (array elements: name "[4]").
 */

/* Object or array of the given type; *out is NULL when optional and absent. */
extern bool jsonu_get_object(jsonu_ctx *c, json_object *obj, const char *key,
							 int flags, json_object **out);
extern bool jsonu_get_array(jsonu_ctx *c, json_object *obj, const char *key,
							int flags, json_object **out);

/*
 * A JSON string copied into dst[size]: no control characters, no embedded
 * NUL, shorter than size (longer is an error, never a silent cut).
 */
extern bool jsonu_get_text(jsonu_ctx *c, json_object *obj, const char *key,
						   const char *name, int flags, char *dst, size_t size);

/*
 * An identifier or enumeration word: jsonu_get_text restricted to ASCII
 * letters, digits and _ . : @ / + - (instId, ordId, clOrdId, ccy, state,
 * account ids, reply ids).
 */
extern bool jsonu_get_token(jsonu_ctx *c, json_object *obj, const char *key,
							const char *name, int flags, char *dst, size_t size);

/*
 * A free-text message (OKX msg/sMsg, IBKR questions): a JSON string, cut at
 * a UTF-8 character boundary to fit dst, control characters replaced by a
 * blank.  Absent, null or "" give "" (never an error).  A value of another
 * type is an error.
 */
extern bool jsonu_get_message(jsonu_ctx *c, json_object *obj, const char *key,
							  char *dst, size_t size);

/*
 * A decimal as text into dst[JSONU_DEC_SIZE], from a JSON string or a JSON
 * number, validated as described at the top of this file.
 */
extern bool jsonu_get_decimal(jsonu_ctx *c, json_object *obj, const char *key,
							  const char *name, int flags, char *dst);

/* An exact int64 from a JSON integer or integer text. */
extern bool jsonu_get_int64(jsonu_ctx *c, json_object *obj, const char *key,
							const char *name, int flags, int64_t *out);

/* Epoch milliseconds from a JSON integer or integer text, 0..JSONU_EPOCH_MS_MAX. */
extern bool jsonu_get_epoch_ms(jsonu_ctx *c, json_object *obj, const char *key,
							   const char *name, int flags, int64_t *out);

/* A JSON boolean, or the text "true"/"false" (OKX sends reduceOnly as text). */
extern bool jsonu_get_bool(jsonu_ctx *c, json_object *obj, const char *key,
						   int flags, bool *out);

#endif							/* BIFROST_JSON_UTIL_H */
