/*
 * json_util_get.c: the typed getters of json_util.h: objects, arrays,
 * identifiers, messages, decimals as exact text, int64, epoch ms, booleans,
 * each naming the reply and the field in its error message.
 */
#include "json_util.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* --- context --- */

void
jsonu_ctx_init(jsonu_ctx *c, const char *what, jsonu_error *err)
{
	c->what = what;
	c->where[0] = '\0';
	c->err = err;
	jsonu_error_clear(err);
}

void
jsonu_ctx_at(jsonu_ctx *c, const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(c->where, sizeof c->where, fmt, ap);
	va_end(ap);
}

bool
jsonu_ctx_fail(jsonu_ctx *c, jsonu_status status, const char *name, const char *fmt,...)
{
	char		detail[JSONU_MSG_SIZE];
	const char *sep;
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	jsonu_utf8_trim(detail);
	if (name == NULL)
		name = "";
	sep = (c->where[0] != '\0' && name[0] != '\0' && name[0] != '[') ? "." : "";
	jsonu_fail(c->err, status, "%s: %s%s%s%s%s", c->what, c->where, sep, name,
			   (c->where[0] != '\0' || name[0] != '\0') ? ": " : "", detail);
	return false;
}

json_object *
jsonu_member(json_object *obj, const char *key)
{
	json_object *v = NULL;

	if (obj == NULL || !json_object_is_type(obj, json_type_object))
		return NULL;
	if (!json_object_object_get_ex(obj, key, &v))
		return NULL;
	return v;
}

/*
 * The value to read: obj itself (key NULL) or obj[key].  JSON null reads as
 * absent (NULL).
 */
static json_object *
pick(json_object *obj, const char *key)
{
	json_object *v = key ? jsonu_member(obj, key) : obj;

	if (v != NULL && json_object_is_type(v, json_type_null))
		return NULL;
	return v;
}

/* A short rendering of a bad value for messages, quoted and cut. */
static const char *
shown(json_object *v, char *buf, size_t size)
{
	const char *s = json_object_get_string(v);
	size_t		n = 0,
				i;

	if (s == NULL)
		s = "";
	buf[n++] = '"';
	for (i = 0; s[i] != '\0' && n + 5 < size; i++)
	{
		unsigned char ch = (unsigned char) s[i];

		buf[n++] = (ch < 0x20 || ch == 0x7f || ch >= 0x80) ? '?' : (char) ch;
	}
	if (s[i] != '\0')
	{
		buf[n++] = '.';
		buf[n++] = '.';
		buf[n++] = '.';
	}
	buf[n++] = '"';
	buf[n] = '\0';
	return buf;
}

static const char *
type_name(json_object *v)
{
	return json_type_to_name(json_object_get_type(v));
}

static bool
absent_or_missing(jsonu_ctx *c, const char *name, int flags)
{
	if (flags & JSONU_OPT)
		return true;
	return jsonu_ctx_fail(c, JSONU_ESHAPE, name, "missing");
}

static bool
get_container(jsonu_ctx *c, json_object *obj, const char *key, int flags,
			  json_object **out, json_type type)
{
	json_object *v = pick(obj, key);

	*out = NULL;
	if (v == NULL)
		return absent_or_missing(c, key, flags);
	if (!json_object_is_type(v, type))
		return jsonu_ctx_fail(c, JSONU_ESHAPE, key, "expected %s, got %s",
							  json_type_to_name(type), type_name(v));
	*out = v;
	return true;
}

bool
jsonu_get_object(jsonu_ctx *c, json_object *obj, const char *key, int flags, json_object **out)
{
	return get_container(c, obj, key, flags, out, json_type_object);
}

bool
jsonu_get_array(jsonu_ctx *c, json_object *obj, const char *key, int flags, json_object **out)
{
	return get_container(c, obj, key, flags, out, json_type_array);
}

/* A JSON string's bytes; false (after reporting) if v is not a string or holds a NUL. */
static bool
string_bytes(jsonu_ctx *c, json_object *v, const char *name, const char **s, size_t *len)
{
	char		buf[48];

	if (!json_object_is_type(v, json_type_string))
		return jsonu_ctx_fail(c, JSONU_ESHAPE, name, "expected a string, got %s", type_name(v));
	*s = json_object_get_string(v);
	*len = (size_t) json_object_get_string_len(v);
	if (strlen(*s) != *len)
		return jsonu_ctx_fail(c, JSONU_EVALUE, name, "string contains a NUL character: %s",
							  shown(v, buf, sizeof buf));
	return true;
}

bool
jsonu_get_text(jsonu_ctx *c, json_object *obj, const char *key, const char *name,
			   int flags, char *dst, size_t size)
{
	json_object *v = pick(obj, key);
	const char *s;
	size_t		len,
				i;
	char		buf[48];

	if (name == NULL)
		name = key;
	dst[0] = '\0';
	if (v == NULL)
		return absent_or_missing(c, name, flags);
	if (!string_bytes(c, v, name, &s, &len))
		return false;
	if (len == 0)
		return absent_or_missing(c, name, flags);
	if (len >= size)
		return jsonu_ctx_fail(c, JSONU_EVALUE, name, "longer than %zu bytes: %s",
							  size - 1, shown(v, buf, sizeof buf));
	for (i = 0; i < len; i++)
		if ((unsigned char) s[i] < 0x20 || s[i] == 0x7f)
			return jsonu_ctx_fail(c, JSONU_EVALUE, name, "control character in %s",
								  shown(v, buf, sizeof buf));
	memcpy(dst, s, len + 1);
	return true;
}

static bool
token_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		strchr("_.:@/+-", ch) != NULL;
}

bool
jsonu_get_token(jsonu_ctx *c, json_object *obj, const char *key, const char *name,
				int flags, char *dst, size_t size)
{
	size_t		i;
	char		buf[48];

	if (!jsonu_get_text(c, obj, key, name, flags, dst, size))
		return false;
	for (i = 0; dst[i] != '\0'; i++)
		if (!token_char(dst[i]))
		{
			dst[0] = '\0';
			return jsonu_ctx_fail(c, JSONU_EVALUE, name ? name : key,
								  "not an identifier: %s", shown(pick(obj, key), buf, sizeof buf));
		}
	return true;
}

bool
jsonu_get_message(jsonu_ctx *c, json_object *obj, const char *key, char *dst, size_t size)
{
	json_object *v = pick(obj, key);
	const char *s;
	size_t		len,
				n,
				i;

	dst[0] = '\0';
	if (v == NULL)
		return true;
	if (!json_object_is_type(v, json_type_string))
		return jsonu_ctx_fail(c, JSONU_ESHAPE, key, "expected a string, got %s", type_name(v));
	s = json_object_get_string(v);
	len = strlen(s);			/* an embedded NUL just ends the message */
	n = len < size - 1 ? len : size - 1;
	/* do not cut inside a UTF-8 sequence: back up over continuation bytes */
	if (n < len)
		while (n > 0 && ((unsigned char) s[n] & 0xC0) == 0x80)
			n--;
	for (i = 0; i < n; i++)
	{
		unsigned char ch = (unsigned char) s[i];

		dst[i] = (ch < 0x20 || ch == 0x7f) ? ' ' : (char) ch;
	}
	dst[n] = '\0';
	return true;
}

/*
 * json-c 0.16 clamps integers beyond 64 bits to INT64_MIN or UINT64_MAX
 * without an error, so those two values cannot be trusted.
 */
static bool
json_int_saturated(json_object *v)
{
	return json_object_get_int64(v) == INT64_MIN ||
		json_object_get_uint64(v) == UINT64_MAX;
}

bool
jsonu_get_decimal(jsonu_ctx *c, json_object *obj, const char *key, const char *name,
				  int flags, char *dst)
{
	json_object *v = pick(obj, key);
	const char *s;
	size_t		len;
	char		buf[48];

	if (name == NULL)
		name = key;
	dst[0] = '\0';
	if (v == NULL)
		return absent_or_missing(c, name, flags);
	if (json_object_is_type(v, json_type_string))
	{
		if (!string_bytes(c, v, name, &s, &len))
			return false;
		if (len == 0)
			return absent_or_missing(c, name, flags);
	}
	else if (json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double))
	{
		if (json_object_is_type(v, json_type_int) && json_int_saturated(v))
			return jsonu_ctx_fail(c, JSONU_EVALUE, name, "integer out of the 64-bit range");
		/* a non-integer keeps its token text; an integer prints exactly */
		s = json_object_get_string(v);
		len = strlen(s);
	}
	else
		return jsonu_ctx_fail(c, JSONU_ESHAPE, name, "expected a decimal, got %s", type_name(v));
	if ((flags & JSONU_NAN_ABSENT) && strcmp(s, "NaN") == 0)
		return absent_or_missing(c, name, flags);
	if (!jsonu_decimal_syntax(s, len))
		return jsonu_ctx_fail(c, JSONU_EVALUE, name, "not a decimal: %s", shown(v, buf, sizeof buf));
	if ((flags & JSONU_NONNEG) && jsonu_decimal_negative(s))
		return jsonu_ctx_fail(c, JSONU_EVALUE, name, "negative: %s", shown(v, buf, sizeof buf));
	memcpy(dst, s, len + 1);
	return true;
}

/* Shared by the integer getters; epoch selects the epoch-ms range. */
static bool
get_integer(jsonu_ctx *c, json_object *obj, const char *key, const char *name,
			int flags, int64_t *out, bool epoch)
{
	json_object *v = pick(obj, key);
	int64_t		val;
	char		buf[48];

	if (name == NULL)
		name = key;
	if (v == NULL)
		return absent_or_missing(c, name, flags);
	if (json_object_is_type(v, json_type_int))
	{
		if (json_int_saturated(v) ||
			(json_object_get_int64(v) == INT64_MAX && json_object_get_uint64(v) != (uint64_t) INT64_MAX))
			return jsonu_ctx_fail(c, JSONU_EVALUE, name, "integer out of the 64-bit range");
		val = json_object_get_int64(v);
	}
	else if (json_object_is_type(v, json_type_string))
	{
		const char *s;
		size_t		len;
		jsonu_int_result r;

		if (!string_bytes(c, v, name, &s, &len))
			return false;
		if (len == 0)
			return absent_or_missing(c, name, flags);
		r = jsonu_int64_from_text(s, len, &val);
		if (r == JSONU_INT_SYNTAX)
			return jsonu_ctx_fail(c, JSONU_EVALUE, name, "not an integer: %s", shown(v, buf, sizeof buf));
		if (r == JSONU_INT_RANGE)
			return jsonu_ctx_fail(c, JSONU_EVALUE, name, "integer out of the 64-bit range: %s",
								  shown(v, buf, sizeof buf));
	}
	else
		return jsonu_ctx_fail(c, JSONU_ESHAPE, name, "expected an integer, got %s %s",
							  type_name(v), shown(v, buf, sizeof buf));
	if (epoch && (val < 0 || val > JSONU_EPOCH_MS_MAX))
		return jsonu_ctx_fail(c, JSONU_EVALUE, name, "epoch milliseconds out of range: %lld",
							  (long long) val);
	if (!epoch && (flags & JSONU_NONNEG) && val < 0)
		return jsonu_ctx_fail(c, JSONU_EVALUE, name, "negative: %lld", (long long) val);
	*out = val;
	return true;
}

bool
jsonu_get_int64(jsonu_ctx *c, json_object *obj, const char *key, const char *name,
				int flags, int64_t *out)
{
	return get_integer(c, obj, key, name, flags, out, false);
}

bool
jsonu_get_epoch_ms(jsonu_ctx *c, json_object *obj, const char *key, const char *name,
				   int flags, int64_t *out)
{
	return get_integer(c, obj, key, name, flags, out, true);
}

bool
jsonu_get_bool(jsonu_ctx *c, json_object *obj, const char *key, int flags, bool *out)
{
	json_object *v = pick(obj, key);
	char		buf[48];

	if (v == NULL)
		return absent_or_missing(c, key, flags);
	if (json_object_is_type(v, json_type_boolean))
	{
		*out = json_object_get_boolean(v) != 0;
		return true;
	}
	if (json_object_is_type(v, json_type_string))
	{
		const char *s;
		size_t		len;

		if (!string_bytes(c, v, key, &s, &len))
			return false;
		if (len == 0)
			return absent_or_missing(c, key, flags);
		if (strcmp(s, "true") == 0 || strcmp(s, "false") == 0)
		{
			*out = (s[0] == 't');
			return true;
		}
		return jsonu_ctx_fail(c, JSONU_EVALUE, key, "not a boolean: %s", shown(v, buf, sizeof buf));
	}
	return jsonu_ctx_fail(c, JSONU_ESHAPE, key, "expected a boolean, got %s", type_name(v));
}
