/*
 * metrics_text.c: Prometheus text exposition (metrics_text.h).
 */
#include "app/metrics_text.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

bool
metrics_name_ok(const char *name, bool label)
{
	if (name == NULL || name[0] == '\0' || isdigit((unsigned char) name[0]))
		return false;
	for (const char *p = name; *p; p++)
		if (!(isalnum((unsigned char) *p) || *p == '_' || (!label && *p == ':')))
			return false;
	/* labels beginning with __ are Prometheus's own */
	return !(label && strncmp(name, "__", 2) == 0);
}

/* HELP text: backslash and newline escaped. */
static void
append_help(text_buffer *out, const char *s)
{
	for (; *s; s++)
	{
		if (*s == '\\')
			tb_puts(out, "\\\\");
		else if (*s == '\n')
			tb_puts(out, "\\n");
		else
			tb_append(out, s, 1);
	}
}

/* A label value: backslash, double quote and newline escaped. */
static void
append_label_value(text_buffer *out, const char *s)
{
	for (; *s; s++)
	{
		if (*s == '\\')
			tb_puts(out, "\\\\");
		else if (*s == '"')
			tb_puts(out, "\\\"");
		else if (*s == '\n')
			tb_puts(out, "\\n");
		else
			tb_append(out, s, 1);
	}
}

/* PostgreSQL's float8 text to Prometheus's: NaN, +Inf, -Inf, or the number as it is. */
static const char *
sample_value(const char *v)
{
	char	   *end;

	if (v == NULL)
		return NULL;
	if (strcmp(v, "NaN") == 0)
		return "NaN";
	if (strcmp(v, "Infinity") == 0)
		return "+Inf";
	if (strcmp(v, "-Infinity") == 0)
		return "-Inf";
	strtod(v, &end);
	return (end != v && *end == '\0') ? v : NULL;
}

static bool
type_ok(const char *type)
{
	return type != NULL && (strcmp(type, "counter") == 0 || strcmp(type, "gauge") == 0 ||
							strcmp(type, "histogram") == 0 || strcmp(type, "summary") == 0 ||
							strcmp(type, "untyped") == 0);
}

bool
metrics_text_row(text_buffer *out, const metric_row *row, const char *previous_family)
{
	const char *value = sample_value(row->value);
	json_object *labels = NULL;
	text_buffer line;
	bool		ok = true;

	if (!metrics_name_ok(row->family, false) || !metrics_name_ok(row->sample, false) ||
		!type_ok(row->type) || value == NULL || strncmp(row->sample, row->family, strlen(row->family)) != 0)
		return false;
	if (row->labels_json != NULL)
	{
		labels = json_tokener_parse(row->labels_json);
		if (labels == NULL || !json_object_is_type(labels, json_type_object))
		{
			json_object_put(labels);
			return false;
		}
	}

	tb_init(&line, 1024 * 1024);
	if (previous_family == NULL || strcmp(previous_family, row->family) != 0)
	{
		tb_printf(&line, "# HELP %s ", row->family);
		append_help(&line, row->help ? row->help : "");
		tb_printf(&line, "\n# TYPE %s %s\n", row->family, row->type);
	}
	tb_puts(&line, row->sample);
	if (labels != NULL && json_object_object_length(labels) > 0)
	{
		bool		first = true;

		tb_puts(&line, "{");
		json_object_object_foreach(labels, key, val)
		{
			if (!metrics_name_ok(key, true) || !json_object_is_type(val, json_type_string))
			{
				ok = false;
				break;
			}
			tb_printf(&line, "%s%s=\"", first ? "" : ",", key);
			append_label_value(&line, json_object_get_string(val));
			tb_puts(&line, "\"");
			first = false;
		}
		tb_puts(&line, "}");
	}
	tb_printf(&line, " %s\n", value);
	json_object_put(labels);
	if (ok && !line.failed)
		tb_append(out, line.data, line.len);
	ok = ok && !line.failed;
	tb_free(&line);
	return ok;
}
