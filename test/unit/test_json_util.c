/*
 * test_json_util.c: the strict JSON layer under the venue parsers: decimal
 * grammar, exact int64 and epoch-ms text, the parse limits (size, depth,
 * NUL, UTF-8, truncation, trailing data), and the typed getters (strings
 * and JSON numbers as exact text, json-c's integer saturation, NaN,
 * control characters, lengths, optional and required fields).
 */
#include "json_util.h"
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#define S(lit) (lit), strlen(lit)

static void
test_decimal_syntax(void)
{
	static const char *const good[] = {
		"0", "-0", "1", "97012.4", "-0.00375", "0.0000821", "100000000.0000000000000000",
		"1e5", "1E+05", "-1.5e-999", "12345678901234567890123456789", "0.0", "-5.0"
	};
	static const char *const bad[] = {
		"", "+1", "01", "-01", ".5", "5.", "-", "1e", "1e+", "1e1000", "1.2.3", " 1", "1 ",
		"NaN", "nan", "Infinity", "-Infinity", "inf", "1,000.5", "0x10", "1_000", "--1",
		"1e-", "C137.42", "137.42%", "١٢", "1.5e+1234"
	};
	size_t		i;
	char		big[80];

	for (i = 0; i < sizeof good / sizeof good[0]; i++)
		if (!CHECK(jsonu_decimal_syntax(good[i], strlen(good[i]))))
			unit_note("good: \"%s\"", good[i]);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (!CHECK(!jsonu_decimal_syntax(bad[i], strlen(bad[i]))))
			unit_note("bad: \"%s\"", bad[i]);
	/* the length limit: 64 accepted, 65 refused */
	memset(big, '9', sizeof big);
	CHECK(jsonu_decimal_syntax(big, JSONU_DECIMAL_MAX));
	CHECK(!jsonu_decimal_syntax(big, JSONU_DECIMAL_MAX + 1));
	/* a length shorter than the string reads only that prefix */
	CHECK(jsonu_decimal_syntax("12x", 2));
	CHECK(!jsonu_decimal_syntax(NULL, 0));

	CHECK(jsonu_decimal_negative("-1"));
	CHECK(jsonu_decimal_negative("-0.001"));
	CHECK(!jsonu_decimal_negative("-0"));
	CHECK(!jsonu_decimal_negative("-0.000"));
	CHECK(!jsonu_decimal_negative("-0e5"));
	CHECK(!jsonu_decimal_negative("5"));
}

static void
test_int64_text(void)
{
	int64_t		v = 0;

	CHECK(jsonu_int64_from_text(S("0"), &v) == JSONU_INT_OK && v == 0);
	CHECK(jsonu_int64_from_text(S("-0"), &v) == JSONU_INT_OK && v == 0);
	CHECK(jsonu_int64_from_text(S("1736935200123"), &v) == JSONU_INT_OK && v == INT64_C(1736935200123));
	CHECK(jsonu_int64_from_text(S("9223372036854775807"), &v) == JSONU_INT_OK && v == INT64_MAX);
	CHECK(jsonu_int64_from_text(S("-9223372036854775808"), &v) == JSONU_INT_OK && v == INT64_MIN);
	CHECK(jsonu_int64_from_text(S("9223372036854775808"), &v) == JSONU_INT_RANGE);
	CHECK(jsonu_int64_from_text(S("-9223372036854775809"), &v) == JSONU_INT_RANGE);
	CHECK(jsonu_int64_from_text(S("18446744073709551616"), &v) == JSONU_INT_RANGE);
	CHECK(jsonu_int64_from_text(S("99999999999999999999999"), &v) == JSONU_INT_RANGE);
	CHECK(jsonu_int64_from_text(S(""), &v) == JSONU_INT_SYNTAX);
	CHECK(jsonu_int64_from_text(S("-"), &v) == JSONU_INT_SYNTAX);
	CHECK(jsonu_int64_from_text(S("+1"), &v) == JSONU_INT_SYNTAX);
	CHECK(jsonu_int64_from_text(S("01"), &v) == JSONU_INT_SYNTAX);
	CHECK(jsonu_int64_from_text(S("1.0"), &v) == JSONU_INT_SYNTAX);
	CHECK(jsonu_int64_from_text(S("1e3"), &v) == JSONU_INT_SYNTAX);
	CHECK(jsonu_int64_from_text(S(" 1"), &v) == JSONU_INT_SYNTAX);
	CHECK(jsonu_int64_from_text(S("12a"), &v) == JSONU_INT_SYNTAX);

	CHECK(jsonu_epoch_ms_from_text(S("1736935200123"), &v) == JSONU_INT_OK && v == INT64_C(1736935200123));
	CHECK(jsonu_epoch_ms_from_text(S("0"), &v) == JSONU_INT_OK && v == 0);
	CHECK(jsonu_epoch_ms_from_text(S("253402300799999"), &v) == JSONU_INT_OK);
	CHECK(jsonu_epoch_ms_from_text(S("253402300800000"), &v) == JSONU_INT_RANGE);
	CHECK(jsonu_epoch_ms_from_text(S("-1"), &v) == JSONU_INT_RANGE);
	CHECK(jsonu_epoch_ms_from_text(S("1736935200.123"), &v) == JSONU_INT_SYNTAX);
}

static void
test_utf8(void)
{
	char		buf[JSONU_MSG_SIZE + 8];
	jsonu_error err;
	size_t		i;

	CHECK(jsonu_utf8_valid(S("plain ascii")));
	CHECK(jsonu_utf8_valid(S("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80")));
	CHECK(!jsonu_utf8_valid(S("\xc0\xaf")));	/* overlong */
	CHECK(!jsonu_utf8_valid(S("\xed\xa0\x80")));	/* surrogate */
	CHECK(!jsonu_utf8_valid(S("\xf4\x90\x80\x80")));	/* above U+10FFFF */
	CHECK(!jsonu_utf8_valid(S("\xe2\x82")));	/* cut */
	CHECK(!jsonu_utf8_valid(S("\x80")));

	strcpy(buf, "ab\xc3");
	jsonu_utf8_trim(buf);
	CHECK(strcmp(buf, "ab") == 0);
	strcpy(buf, "ab\xe2\x82");
	jsonu_utf8_trim(buf);
	CHECK(strcmp(buf, "ab") == 0);
	strcpy(buf, "ab\xf0\x9f\x98");
	jsonu_utf8_trim(buf);
	CHECK(strcmp(buf, "ab") == 0);
	strcpy(buf, "ab\xc3\xa9");
	jsonu_utf8_trim(buf);
	CHECK(strcmp(buf, "ab\xc3\xa9") == 0);
	strcpy(buf, "\xf0\x9f\x98\x80");
	jsonu_utf8_trim(buf);
	CHECK(strcmp(buf, "\xf0\x9f\x98\x80") == 0);

	/* a message longer than the buffer is cut on a character boundary */
	for (i = 0; i + 2 < sizeof buf; i += 2)
		memcpy(buf + i, "\xc3\xa9", 2);
	buf[i] = '\0';
	CHECK(jsonu_fail(&err, JSONU_EVALUE, "%s", buf) == JSONU_EVALUE && err.status == JSONU_EVALUE);
	CHECK(strlen(err.msg) == JSONU_MSG_SIZE - 2 && jsonu_utf8_valid(err.msg, strlen(err.msg)));
}

static jsonu_status
parse(const char *body, size_t len, jsonu_error *err)
{
	json_object *root = NULL;
	jsonu_status st = jsonu_parse(body, len, "test", &root, err);

	if (st == JSONU_OK)
		CHECK(root != NULL && err->msg[0] == '\0');
	else
		CHECK(root == NULL && err->status == st && strncmp(err->msg, "test: ", 6) == 0);
	json_object_put(root);
	return st;
}

static void
test_parse_limits(void)
{
	jsonu_error err;
	char	   *big;
	size_t		i;

	CHECK(parse(S("{\"a\":[1,2,{\"b\":null}]}"), &err) == JSONU_OK);
	CHECK(parse(S("{\"a\":1}\r\n \t"), &err) == JSONU_OK);	/* trailing whitespace */
	CHECK(parse(S("[]"), &err) == JSONU_OK);
	CHECK(parse("", 0, &err) == JSONU_ESIZE);
	CHECK(parse(NULL, 0, &err) == JSONU_ESIZE);
	CHECK(parse(S("{\"a\":1"), &err) == JSONU_ESYNTAX && strstr(err.msg, "truncated"));
	CHECK(parse(S("{\"a\":1}x"), &err) == JSONU_ESYNTAX);
	CHECK(parse(S("{\"a\":1}{}"), &err) == JSONU_ESYNTAX);
	CHECK(parse(S("{\"a\":1,}"), &err) == JSONU_ESYNTAX);
	CHECK(parse(S("{'a':1}"), &err) == JSONU_ESYNTAX);	/* json-c takes it as a key */
	CHECK(parse(S("{\"a\":['x']}"), &err) == JSONU_ESYNTAX);
	CHECK(parse(S("{\"it's\":\"\\\"'\"}"), &err) == JSONU_OK);	/* quotes inside strings */
	CHECK(parse(S("/*c*/{}"), &err) == JSONU_ESYNTAX);
	CHECK(parse(S("[01]"), &err) == JSONU_ESYNTAX);
	CHECK(parse(S("<html>502 Bad Gateway</html>"), &err) == JSONU_ESYNTAX);
	CHECK(parse("{\"a\":\"x\0y\"}", 11, &err) == JSONU_ESYNTAX && strstr(err.msg, "NUL"));
	CHECK(parse(S("[\"\xff\"]"), &err) == JSONU_ESYNTAX && strstr(err.msg, "UTF-8"));
	/* what json-c 0.16 lets through: overlong, surrogate, beyond U+10FFFF */
	CHECK(parse(S("[\"\xc0\xaf\"]"), &err) == JSONU_ESYNTAX);
	CHECK(parse(S("[\"\xed\xa0\x80\"]"), &err) == JSONU_ESYNTAX);
	CHECK(parse(S("[\"\xf4\x90\x80\x80\"]"), &err) == JSONU_ESYNTAX);
	CHECK(parse(S("[\"\xe2\x82\"]"), &err) == JSONU_ESYNTAX);	/* cut sequence */
	CHECK(parse(S("[\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"]"), &err) == JSONU_OK);

	/* depth: 32 nested arrays pass, 33 do not */
	big = malloc(JSONU_MAX_BYTES + 2);
	for (i = 0; i < 32; i++)
		big[i] = '[';
	for (i = 0; i < 32; i++)
		big[32 + i] = ']';
	CHECK(parse(big, 64, &err) == JSONU_OK);
	for (i = 0; i < 33; i++)
		big[i] = '[';
	for (i = 0; i < 33; i++)
		big[33 + i] = ']';
	CHECK(parse(big, 66, &err) == JSONU_EDEPTH && strstr(err.msg, "32"));

	/* size: exactly the limit is parsed, one byte more is refused unread */
	big[0] = '"';
	memset(big + 1, 'a', JSONU_MAX_BYTES - 2);
	big[JSONU_MAX_BYTES - 1] = '"';
	CHECK(parse(big, JSONU_MAX_BYTES, &err) == JSONU_OK);
	big[JSONU_MAX_BYTES] = ' ';
	CHECK(parse(big, JSONU_MAX_BYTES + 1, &err) == JSONU_ESIZE);
	free(big);
}

/* Parses body (must succeed) and reads root[key] with the given getter. */
static json_object *
doc(const char *body)
{
	json_object *root = NULL;
	jsonu_error err;

	if (!CHECK(jsonu_parse(body, strlen(body), "t", &root, &err) == JSONU_OK))
		unit_note("%s", err.msg);
	return root;
}

static void
test_getters_decimal(void)
{
	json_object *r = doc("{\"s\":\"97012.4\",\"d\":4.41,\"neg\":-5.0,\"i\":250,\"e\":\"\","
						 "\"n\":null,\"bad\":\"97,012.4\",\"nan\":NaN,\"snan\":\"NaN\","
						 "\"inf\":Infinity,\"big\":123456789012345678901234,"
						 "\"u\":18446744073709551614,\"exp\":1.0E-4,\"b\":true,"
						 "\"plus\":\"+1\",\"long\":\"1234567890123456789012345678901234567890123456789012345678901234\","
						 "\"longer\":\"12345678901234567890123456789012345678901234567890123456789012345\"}");
	jsonu_error err;
	jsonu_ctx	c;
	char		d[JSONU_DEC_SIZE];

	jsonu_ctx_init(&c, "t", &err);
	jsonu_ctx_at(&c, "data[0]");
	CHECK(jsonu_get_decimal(&c, r, "s", NULL, JSONU_REQ, d) && strcmp(d, "97012.4") == 0);
	CHECK(jsonu_get_decimal(&c, r, "d", NULL, JSONU_REQ, d) && strcmp(d, "4.41") == 0);
	CHECK(jsonu_get_decimal(&c, r, "neg", NULL, JSONU_REQ, d) && strcmp(d, "-5.0") == 0);
	CHECK(jsonu_get_decimal(&c, r, "i", NULL, JSONU_REQ, d) && strcmp(d, "250") == 0);
	CHECK(jsonu_get_decimal(&c, r, "exp", NULL, JSONU_REQ, d) && strcmp(d, "1.0E-4") == 0);
	CHECK(jsonu_get_decimal(&c, r, "u", NULL, JSONU_REQ, d) && strcmp(d, "18446744073709551614") == 0);
	CHECK(jsonu_get_decimal(&c, r, "long", NULL, JSONU_REQ, d) && strlen(d) == 64);
	CHECK(jsonu_get_decimal(&c, r, "e", NULL, JSONU_OPT, d) && d[0] == '\0');
	CHECK(jsonu_get_decimal(&c, r, "n", NULL, JSONU_OPT, d) && d[0] == '\0');
	CHECK(jsonu_get_decimal(&c, r, "absent", NULL, JSONU_OPT, d) && d[0] == '\0');
	CHECK(err.status == JSONU_OK);

	CHECK(!jsonu_get_decimal(&c, r, "e", NULL, JSONU_REQ, d) && err.status == JSONU_ESHAPE &&
		  strcmp(err.msg, "t: data[0].e: missing") == 0);
	CHECK(!jsonu_get_decimal(&c, r, "absent", NULL, JSONU_REQ, d) && err.status == JSONU_ESHAPE);
	CHECK(!jsonu_get_decimal(&c, r, "bad", NULL, JSONU_REQ, d) && err.status == JSONU_EVALUE &&
		  strcmp(err.msg, "t: data[0].bad: not a decimal: \"97,012.4\"") == 0);
	CHECK(!jsonu_get_decimal(&c, r, "nan", NULL, JSONU_OPT, d) && err.status == JSONU_EVALUE);
	CHECK(!jsonu_get_decimal(&c, r, "snan", NULL, JSONU_OPT, d) && err.status == JSONU_EVALUE);
	CHECK(jsonu_get_decimal(&c, r, "nan", NULL, JSONU_OPT | JSONU_NAN_ABSENT, d) && d[0] == '\0');
	CHECK(jsonu_get_decimal(&c, r, "snan", NULL, JSONU_OPT | JSONU_NAN_ABSENT, d) && d[0] == '\0');
	CHECK(!jsonu_get_decimal(&c, r, "snan", NULL, JSONU_REQ | JSONU_NAN_ABSENT, d));
	CHECK(!jsonu_get_decimal(&c, r, "inf", NULL, JSONU_REQ, d) && err.status == JSONU_EVALUE);
	CHECK(!jsonu_get_decimal(&c, r, "big", NULL, JSONU_REQ, d) && err.status == JSONU_EVALUE &&
		  strstr(err.msg, "64-bit"));
	CHECK(!jsonu_get_decimal(&c, r, "b", NULL, JSONU_REQ, d) && err.status == JSONU_ESHAPE &&
		  strstr(err.msg, "expected a decimal, got boolean"));
	CHECK(!jsonu_get_decimal(&c, r, "plus", NULL, JSONU_REQ, d) && err.status == JSONU_EVALUE);
	CHECK(!jsonu_get_decimal(&c, r, "longer", NULL, JSONU_REQ, d) && err.status == JSONU_EVALUE);
	CHECK(!jsonu_get_decimal(&c, r, "neg", NULL, JSONU_REQ | JSONU_NONNEG, d) &&
		  strstr(err.msg, "negative"));
	/* a named value read directly, as in candle rows */
	jsonu_ctx_at(&c, "data[3]");
	CHECK(!jsonu_get_decimal(&c, jsonu_member(r, "bad"), NULL, "[4] close", JSONU_REQ, d) &&
		  strcmp(err.msg, "t: data[3][4] close: not a decimal: \"97,012.4\"") == 0);
	json_object_put(r);
}

static void
test_getters_int(void)
{
	json_object *r = doc("{\"i\":4815747,\"s\":\"1736935200123\",\"neg\":-3,\"sneg\":\"-3\","
						 "\"max\":9223372036854775807,\"over\":9223372036854775808,"
						 "\"umax\":18446744073709551615,\"huge\":99999999999999999999999,"
						 "\"min\":-9223372036854775808,\"d\":1.0,\"t\":\"12a\",\"e\":\"\","
						 "\"sbig\":\"9223372036854775808\",\"msf\":1736935200.5}");
	jsonu_error err;
	jsonu_ctx	c;
	int64_t		v = 7;

	jsonu_ctx_init(&c, "t", &err);
	CHECK(jsonu_get_int64(&c, r, "i", NULL, JSONU_REQ, &v) && v == 4815747);
	CHECK(jsonu_get_int64(&c, r, "s", NULL, JSONU_REQ, &v) && v == INT64_C(1736935200123));
	CHECK(jsonu_get_int64(&c, r, "neg", NULL, JSONU_REQ, &v) && v == -3);
	CHECK(jsonu_get_int64(&c, r, "sneg", NULL, JSONU_REQ, &v) && v == -3);
	CHECK(jsonu_get_int64(&c, r, "max", NULL, JSONU_REQ, &v) && v == INT64_MAX);
	v = 7;
	CHECK(jsonu_get_int64(&c, r, "e", NULL, JSONU_OPT, &v) && v == 7);
	CHECK(jsonu_get_int64(&c, r, "absent", NULL, JSONU_OPT, &v) && v == 7);
	CHECK(err.status == JSONU_OK);
	CHECK(!jsonu_get_int64(&c, r, "over", NULL, JSONU_REQ, &v) && err.status == JSONU_EVALUE);
	CHECK(!jsonu_get_int64(&c, r, "umax", NULL, JSONU_REQ, &v) && err.status == JSONU_EVALUE);
	CHECK(!jsonu_get_int64(&c, r, "huge", NULL, JSONU_REQ, &v) && err.status == JSONU_EVALUE);
	/* json-c clamps -2^63 - 1 to INT64_MIN: the value itself is refused */
	CHECK(!jsonu_get_int64(&c, r, "min", NULL, JSONU_REQ, &v) && err.status == JSONU_EVALUE);
	CHECK(!jsonu_get_int64(&c, r, "sbig", NULL, JSONU_REQ, &v) && err.status == JSONU_EVALUE);
	CHECK(!jsonu_get_int64(&c, r, "d", NULL, JSONU_REQ, &v) && err.status == JSONU_ESHAPE);
	CHECK(!jsonu_get_int64(&c, r, "t", NULL, JSONU_REQ, &v) && strstr(err.msg, "not an integer"));
	CHECK(!jsonu_get_int64(&c, r, "e", NULL, JSONU_REQ, &v) && err.status == JSONU_ESHAPE);
	CHECK(!jsonu_get_int64(&c, r, "neg", NULL, JSONU_NONNEG, &v) && err.status == JSONU_EVALUE);

	CHECK(jsonu_get_epoch_ms(&c, r, "s", NULL, JSONU_REQ, &v) && v == INT64_C(1736935200123));
	CHECK(!jsonu_get_epoch_ms(&c, r, "neg", NULL, JSONU_REQ, &v) && strstr(err.msg, "epoch"));
	CHECK(!jsonu_get_epoch_ms(&c, r, "max", NULL, JSONU_REQ, &v) && err.status == JSONU_EVALUE);
	CHECK(!jsonu_get_epoch_ms(&c, r, "msf", NULL, JSONU_REQ, &v) && err.status == JSONU_ESHAPE);
	json_object_put(r);
}

static void
test_getters_text(void)
{
	json_object *r = doc("{\"id\":\"BTC-USDT-SWAP\",\"sp\":\"BRK B\",\"ctl\":\"a\\u0001b\","
						 "\"nul\":\"a\\u0000b\",\"num\":5,\"e\":\"\",\"long\":\"abcdefghij\","
						 "\"msg\":\"line1\\nline2\\t\\u00e9\\u00e9\\u00e9\",\"t\":\"true\","
						 "\"f\":false,\"tb\":true,\"x\":\"yes\",\"arr\":[1],\"obj\":{}}");
	jsonu_error err;
	jsonu_ctx	c;
	char		t[8],
				big[64];
	bool		b = false;
	json_object *o;

	jsonu_ctx_init(&c, "t", &err);
	CHECK(jsonu_get_token(&c, r, "id", NULL, JSONU_REQ, big, sizeof big) &&
		  strcmp(big, "BTC-USDT-SWAP") == 0);
	CHECK(jsonu_get_text(&c, r, "sp", NULL, JSONU_REQ, big, sizeof big) && strcmp(big, "BRK B") == 0);
	CHECK(!jsonu_get_token(&c, r, "sp", NULL, JSONU_REQ, big, sizeof big) &&
		  strstr(err.msg, "not an identifier") && big[0] == '\0');
	CHECK(!jsonu_get_text(&c, r, "ctl", NULL, JSONU_REQ, big, sizeof big) &&
		  strstr(err.msg, "control character"));
	CHECK(!jsonu_get_text(&c, r, "nul", NULL, JSONU_REQ, big, sizeof big) && strstr(err.msg, "NUL"));
	CHECK(!jsonu_get_text(&c, r, "num", NULL, JSONU_REQ, big, sizeof big) &&
		  strstr(err.msg, "expected a string, got int"));
	CHECK(!jsonu_get_text(&c, r, "long", NULL, JSONU_REQ, t, sizeof t) &&
		  strstr(err.msg, "longer than 7 bytes"));
	CHECK(jsonu_get_text(&c, r, "e", NULL, JSONU_OPT, t, sizeof t) && t[0] == '\0');

	/* messages: cut on a character boundary, control characters blanked */
	jsonu_error_clear(&err);
	CHECK(jsonu_get_message(&c, r, "msg", big, sizeof big) &&
		  strcmp(big, "line1 line2 \xc3\xa9\xc3\xa9\xc3\xa9") == 0);
	CHECK(jsonu_get_message(&c, r, "msg", t, 8) && strcmp(t, "line1 l") == 0);
	CHECK(jsonu_get_message(&c, r, "msg", big, 14) && strcmp(big, "line1 line2 ") == 0);
	CHECK(jsonu_get_message(&c, r, "msg", big, 15) && strcmp(big, "line1 line2 \xc3\xa9") == 0);
	CHECK(jsonu_get_message(&c, r, "msg", big, 16) && strcmp(big, "line1 line2 \xc3\xa9") == 0);
	CHECK(jsonu_get_message(&c, r, "absent", big, sizeof big) && big[0] == '\0');
	CHECK(!jsonu_get_message(&c, r, "num", big, sizeof big));

	jsonu_error_clear(&err);
	CHECK(jsonu_get_bool(&c, r, "t", JSONU_REQ, &b) && b);
	CHECK(jsonu_get_bool(&c, r, "f", JSONU_REQ, &b) && !b);
	CHECK(jsonu_get_bool(&c, r, "tb", JSONU_REQ, &b) && b);
	CHECK(jsonu_get_bool(&c, r, "e", JSONU_OPT, &b) && b);
	CHECK(!jsonu_get_bool(&c, r, "x", JSONU_REQ, &b) && err.status == JSONU_EVALUE);
	CHECK(!jsonu_get_bool(&c, r, "num", JSONU_REQ, &b) && err.status == JSONU_ESHAPE);

	CHECK(jsonu_get_array(&c, r, "arr", JSONU_REQ, &o) && o != NULL);
	CHECK(jsonu_get_object(&c, r, "obj", JSONU_REQ, &o) && o != NULL);
	CHECK(jsonu_get_object(&c, r, "absent", JSONU_OPT, &o) && o == NULL);
	CHECK(!jsonu_get_array(&c, r, "obj", JSONU_REQ, &o) && strstr(err.msg, "expected array, got object"));
	CHECK(jsonu_member(r, "absent") == NULL && jsonu_member(NULL, "x") == NULL);
	CHECK(strcmp(jsonu_status_name(JSONU_EVENUE), "venue") == 0);
	json_object_put(r);
}

int
main(void)
{
	test_decimal_syntax();
	test_int64_text();
	test_utf8();
	test_parse_limits();
	test_getters_decimal();
	test_getters_int();
	test_getters_text();
	return unit_summary("test_json_util");
}
