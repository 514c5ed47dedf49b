/*
 * test_app_metrics_text.c: bifrost_metrics() rows in Prometheus's text format
 * (src/app/metrics_text.c): HELP and TYPE once per family, label values
 * escaped, PostgreSQL's special floats, and rows that are no valid sample left out.
 */
#include <string.h>

#include "app/metrics_text.h"
#include "unit.h"

static metric_row
row(const char *family, const char *type, const char *sample, const char *labels, const char *value)
{
	metric_row	r = {family, type, "help text", sample, labels, value};

	return r;
}

int
main(void)
{
	text_buffer out;
	metric_row	r;

	tb_init(&out, 1 << 20);
	r = row("bifrost_worker_up", "gauge", "bifrost_worker_up", "{}", "1");
	CHECK(metrics_text_row(&out, &r, NULL));
	CHECK(strcmp(out.data, "# HELP bifrost_worker_up help text\n# TYPE bifrost_worker_up gauge\nbifrost_worker_up 1\n") == 0);
	tb_free(&out);

	/* one HELP/TYPE per family; labels in order, escaped */
	tb_init(&out, 1 << 20);
	r = row("bifrost_orders_total", "counter", "bifrost_orders_total", "{\"status\": \"FILLED\", \"side\": \"BUY\"}", "12");
	CHECK(metrics_text_row(&out, &r, NULL));
	r = row("bifrost_orders_total", "counter", "bifrost_orders_total", "{\"status\": \"a\\\"b\\\\c\\nd\"}", "3");
	CHECK(metrics_text_row(&out, &r, "bifrost_orders_total"));
	CHECK(strstr(out.data, "bifrost_orders_total{status=\"FILLED\",side=\"BUY\"} 12\n") != NULL);
	CHECK(strstr(out.data, "bifrost_orders_total{status=\"a\\\"b\\\\c\\nd\"} 3\n") != NULL);
	{
		/* exactly one TYPE line */
		const char *first = strstr(out.data, "# TYPE");

		CHECK(first != NULL && strstr(first + 1, "# TYPE") == NULL);
	}
	tb_free(&out);

	/* histogram samples, special floats */
	tb_init(&out, 1 << 20);
	r = row("bifrost_intent_to_fill_seconds", "histogram", "bifrost_intent_to_fill_seconds_bucket", "{\"le\": \"+Inf\"}", "7");
	CHECK(metrics_text_row(&out, &r, NULL));
	r = row("bifrost_intent_to_fill_seconds", "histogram", "bifrost_intent_to_fill_seconds_sum", NULL, "Infinity");
	CHECK(metrics_text_row(&out, &r, "bifrost_intent_to_fill_seconds"));
	r = row("bifrost_intent_to_fill_seconds", "histogram", "bifrost_intent_to_fill_seconds_count", NULL, "NaN");
	CHECK(metrics_text_row(&out, &r, "bifrost_intent_to_fill_seconds"));
	CHECK(strstr(out.data, "bifrost_intent_to_fill_seconds_bucket{le=\"+Inf\"} 7\n") != NULL);
	CHECK(strstr(out.data, "bifrost_intent_to_fill_seconds_sum +Inf\n") != NULL);
	CHECK(strstr(out.data, "bifrost_intent_to_fill_seconds_count NaN\n") != NULL);
	{
		size_t		before = out.len;

		/* no valid sample: nothing appended */
		r = row("bifrost x", "gauge", "bifrost x", NULL, "1");
		CHECK(!metrics_text_row(&out, &r, NULL));
		r = row("bifrost_a", "gauge", "bifrost_a", NULL, "one");
		CHECK(!metrics_text_row(&out, &r, NULL));
		r = row("bifrost_a", "gauge", "bifrost_a", NULL, NULL);
		CHECK(!metrics_text_row(&out, &r, NULL));
		r = row("bifrost_a", "gauge", "other_a", NULL, "1");
		CHECK(!metrics_text_row(&out, &r, NULL));
		r = row("bifrost_a", "thing", "bifrost_a", NULL, "1");
		CHECK(!metrics_text_row(&out, &r, NULL));
		r = row("bifrost_a", "gauge", "bifrost_a", "[1, 2]", "1");
		CHECK(!metrics_text_row(&out, &r, NULL));
		r = row("bifrost_a", "gauge", "bifrost_a", "{\"n\": 1}", "1");
		CHECK(!metrics_text_row(&out, &r, NULL));
		r = row("bifrost_a", "gauge", "bifrost_a", "{\"__name__\": \"x\"}", "1");
		CHECK(!metrics_text_row(&out, &r, NULL));
		r = row("bifrost_a", "gauge", "bifrost_a", "{\"bad-label\": \"x\"}", "1");
		CHECK(!metrics_text_row(&out, &r, NULL));
		r = row("bifrost_a", "gauge", "bifrost_a", "{not json", "1");
		CHECK(!metrics_text_row(&out, &r, NULL));
		CHECK(out.len == before);
	}
	tb_free(&out);

	/* HELP escaping */
	tb_init(&out, 1 << 20);
	{
		metric_row	h = {"bifrost_h", "gauge", "a\\b\nc", "bifrost_h", NULL, "0"};

		CHECK(metrics_text_row(&out, &h, NULL));
		CHECK(strstr(out.data, "# HELP bifrost_h a\\\\b\\nc\n") != NULL);
	}
	tb_free(&out);

	/* names */
	CHECK(metrics_name_ok("bifrost_up", false));
	CHECK(metrics_name_ok("a:b", false));
	CHECK(!metrics_name_ok("a:b", true));
	CHECK(!metrics_name_ok("9lives", false));
	CHECK(!metrics_name_ok("", false));
	CHECK(!metrics_name_ok(NULL, false));

	/* a buffer at its limit fails instead of writing past it */
	tb_init(&out, 16);
	r = row("bifrost_worker_up", "gauge", "bifrost_worker_up", NULL, "1");
	CHECK(!metrics_text_row(&out, &r, NULL) || out.failed);
	tb_free(&out);
	return unit_summary("test_app_metrics_text");
}
