/*
 * metrics_text.h: bifrost_metrics()'s rows in Prometheus's text
 * exposition format 0.0.4: a # HELP and a # TYPE line per family, then its
 * samples, label values escaped.  Pure: no libpq, no HTTP.
 */
#ifndef BIFROST_APP_METRICS_TEXT_H
#define BIFROST_APP_METRICS_TEXT_H

#include <stdbool.h>

#include "app/text_buffer.h"

typedef struct metric_row
{
	const char *family;
	const char *type;			/* counter, gauge, histogram */
	const char *help;
	const char *sample;			/* the family's name, or with _bucket, _sum, _count */
	const char *labels_json;	/* a flat JSON object of strings, or NULL */
	const char *value;			/* as PostgreSQL prints a float8: NaN, Infinity, -Infinity too */
} metric_row;

/*
 * Appends one row; HELP and TYPE when its family differs from the previous
 * row's (pass that family, NULL for the first).  false (and nothing
 * appended) for a row that is no valid sample: a bad name, labels that are
 * not a flat object of strings, a value that is no number.
 */
extern bool metrics_text_row(text_buffer *out, const metric_row *row, const char *previous_family);

/* A metric or label name Prometheus accepts: [a-zA-Z_:][a-zA-Z0-9_:]* (labels without ':'). */
extern bool metrics_name_ok(const char *name, bool label);

#endif							/* BIFROST_APP_METRICS_TEXT_H */
