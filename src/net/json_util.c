/*
 * json_util.c: strict, bounded JSON parsing, errors, and the text checks
 * (decimal grammar, exact integers, strict UTF-8).  The typed getters are
 * in json_util_get.c.  Rules: json_util.h.
 */
#include "json_util.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* --- errors --- */

void
jsonu_error_clear(jsonu_error *err)
{
	err->status = JSONU_OK;
	err->venue_code[0] = '\0';
	err->msg[0] = '\0';
}

const char *
jsonu_status_name(jsonu_status status)
{
	switch (status)
	{
		case JSONU_OK:
			return "ok";
		case JSONU_ESIZE:
			return "size";
		case JSONU_ESYNTAX:
			return "syntax";
		case JSONU_EDEPTH:
			return "depth";
		case JSONU_ESHAPE:
			return "shape";
		case JSONU_EVALUE:
			return "value";
		case JSONU_EVENUE:
			return "venue";
		case JSONU_ECAPACITY:
			return "capacity";
		case JSONU_ENOMEM:
			return "memory";
	}
	return "unknown";
}

jsonu_status
jsonu_fail(jsonu_error *err, jsonu_status status, const char *fmt,...)
{
	va_list		ap;

	err->status = status;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	jsonu_utf8_trim(err->msg);
	return status;
}

/* --- text checks --- */

static bool
is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/* Unsigned integer without leading zeros: "0" or [1-9][0-9]*; returns its length or 0. */
static size_t
scan_uint(const char *s, size_t len)
{
	size_t		i = 0;

	if (len == 0 || !is_digit(s[0]))
		return 0;
	if (s[0] == '0')
		return 1;
	while (i < len && is_digit(s[i]))
		i++;
	return i;
}

bool
jsonu_decimal_syntax(const char *s, size_t len)
{
	size_t		i = 0;
	size_t		n;

	if (s == NULL || len == 0 || len > JSONU_DECIMAL_MAX)
		return false;
	if (s[i] == '-')
		i++;
	n = scan_uint(s + i, len - i);
	if (n == 0)
		return false;
	i += n;
	if (i < len && s[i] == '.')
	{
		size_t		start = ++i;

		while (i < len && is_digit(s[i]))
			i++;
		if (i == start)
			return false;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E'))
	{
		size_t		start;

		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		start = i;
		while (i < len && is_digit(s[i]))
			i++;
		if (i == start || i - start > JSONU_EXPONENT_DIGITS)
			return false;
	}
	return i == len;
}

bool
jsonu_decimal_negative(const char *s)
{
	const char *p;

	if (s[0] != '-')
		return false;
	/* "-0", "-0.000" and "-0e5" are zero, not negative. */
	for (p = s + 1; *p && *p != 'e' && *p != 'E'; p++)
		if (*p >= '1' && *p <= '9')
			return true;
	return false;
}

jsonu_int_result
jsonu_int64_from_text(const char *s, size_t len, int64_t *out)
{
	size_t		i = 0;
	bool		neg = false;
	uint64_t	acc = 0;
	uint64_t	limit;

	if (s == NULL || len == 0)
		return JSONU_INT_SYNTAX;
	if (s[0] == '-')
	{
		neg = true;
		i = 1;
	}
	if (i == len || scan_uint(s + i, len - i) != len - i)
		return JSONU_INT_SYNTAX;
	/* |INT64_MIN| = INT64_MAX + 1, computed without overflow */
	limit = neg ? (uint64_t) INT64_MAX + 1u : (uint64_t) INT64_MAX;
	for (; i < len; i++)
	{
		unsigned	d = (unsigned) (s[i] - '0');

		if (acc > (limit - d) / 10u)
			return JSONU_INT_RANGE;
		acc = acc * 10u + d;
	}
	if (neg)
		*out = (acc == (uint64_t) INT64_MAX + 1u) ? INT64_MIN : -(int64_t) acc;
	else
		*out = (int64_t) acc;
	return JSONU_INT_OK;
}

jsonu_int_result
jsonu_epoch_ms_from_text(const char *s, size_t len, int64_t *out)
{
	int64_t		v;
	jsonu_int_result r = jsonu_int64_from_text(s, len, &v);

	if (r != JSONU_INT_OK)
		return r;
	if (v < 0 || v > JSONU_EPOCH_MS_MAX)
		return JSONU_INT_RANGE;
	*out = v;
	return JSONU_INT_OK;
}

/*
 * The length (1..4) of the strict UTF-8 sequence at s (RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF), or 0 if it is
 * invalid or cut short.  json-c's own check lets all three through, and
 * PostgreSQL would refuse them later in a text column or a message.
 */
static size_t
utf8_seq(const unsigned char *s, size_t avail)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80,
				hi = 0xBF;
	size_t		n,
				k;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF)
	{
		n = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	}
	else if (c >= 0xF0 && c <= 0xF4)
	{
		n = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	}
	else
		return 0;
	if (avail < n || s[1] < lo || s[1] > hi)
		return 0;
	for (k = 2; k < n; k++)
		if (s[k] < 0x80 || s[k] > 0xBF)
			return 0;
	return n;
}

bool
jsonu_utf8_valid(const char *s, size_t len)
{
	size_t		i = 0;

	while (i < len)
	{
		size_t		n = utf8_seq((const unsigned char *) s + i, len - i);

		if (n == 0)
			return false;
		i += n;
	}
	return true;
}

void
jsonu_utf8_trim(char *s)
{
	size_t		len = strlen(s),
				i = len;

	while (i > 0 && len - i < 3 && ((unsigned char) s[i - 1] & 0xC0) == 0x80)
		i--;
	if (i > 0 && (unsigned char) s[i - 1] >= 0xC0 &&
		utf8_seq((const unsigned char *) s + i - 1, len - i + 1) == 0)
		s[i - 1] = '\0';
}

/*
 * Strict UTF-8, and no single quote outside a string: json-c 0.16 takes
 * 'key' as an object key even in strict mode.  Returns NULL or what is
 * wrong.
 */
static const char *
scan_body(const unsigned char *s, size_t len)
{
	size_t		i = 0;
	bool		in_string = false;

	while (i < len)
	{
		unsigned char c = s[i];
		size_t		n;

		if (c < 0x80)
		{
			if (in_string && c == '\\')
				i++;			/* skip the escaped character; json-c checks it */
			else if (c == '"')
				in_string = !in_string;
			else if (c == '\'' && !in_string)
				return "a single quote outside a string";
			i++;
			continue;
		}
		n = utf8_seq(s + i, len - i);
		if (n == 0)
			return "invalid UTF-8";
		i += n;
	}
	return NULL;
}

/* --- parsing --- */

jsonu_status
jsonu_parse(const char *body, size_t len, const char *what,
			json_object **root, jsonu_error *err)
{
	json_tokener *tok;
	json_object *obj;
	enum json_tokener_error jerr;
	size_t		end;
	const char *problem;

	*root = NULL;
	jsonu_error_clear(err);
	if (body == NULL || len == 0)
		return jsonu_fail(err, JSONU_ESIZE, "%s: empty body", what);
	if (len > JSONU_MAX_BYTES)
		return jsonu_fail(err, JSONU_ESIZE, "%s: body of %zu bytes exceeds the limit of %d bytes",
						  what, len, JSONU_MAX_BYTES);
	if (memchr(body, '\0', len) != NULL)
		return jsonu_fail(err, JSONU_ESYNTAX, "%s: body contains a NUL byte", what);
	problem = scan_body((const unsigned char *) body, len);
	if (problem != NULL)
		return jsonu_fail(err, JSONU_ESYNTAX, "%s: body has %s", what, problem);

	tok = json_tokener_new_ex(JSONU_MAX_DEPTH);
	if (tok == NULL)
		return jsonu_fail(err, JSONU_ENOMEM, "%s: out of memory for the JSON tokener", what);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, body, (int) len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);

	if (jerr == json_tokener_success && obj != NULL && end == len)
	{
		*root = obj;
		return JSONU_OK;
	}
	json_object_put(obj);
	if (jerr == json_tokener_error_depth)
		return jsonu_fail(err, JSONU_EDEPTH, "%s: JSON nested deeper than %d levels",
						  what, JSONU_MAX_DEPTH);
	if (jerr == json_tokener_continue)
		return jsonu_fail(err, JSONU_ESYNTAX, "%s: truncated JSON (%zu bytes)", what, len);
	if (jerr == json_tokener_success)
		return jsonu_fail(err, JSONU_ESYNTAX, "%s: trailing data after the JSON document at byte %zu",
						  what, end);
	return jsonu_fail(err, JSONU_ESYNTAX, "%s: invalid JSON at byte %zu: %s",
					  what, end, json_tokener_error_desc(jerr));
}
