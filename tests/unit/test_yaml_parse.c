/* mm_yaml_parse: typing, structure, refusals and error positions. */
/* cmocka needs these first, in this order. */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include "mmadm/yaml.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct mm_json *
parse_ok(const char *text)
{
	struct mm_error err;
	struct mm_json *doc = NULL;

	mm_error_clear(&err);
	if (mm_yaml_parse(text, strlen(text), "t.yaml", MM_ERR_CONFIG, &doc,
			  &err) != MM_OK)
		fail_msg("parse failed: %s\ninput: %s", err.message, text);
	assert_non_null(doc);
	return doc;
}

/* Parse expecting failure; returns the message. */
static const char *
parse_fail(const char *text, size_t len, const char *name, enum mm_result kind)
{
	static struct mm_error err;
	struct mm_json *doc = (struct mm_json *)&err; /* must become NULL */

	mm_error_clear(&err);
	if (mm_yaml_parse(text, len, name, kind, &doc, &err) == MM_OK) {
		mm_json_free(doc);
		fail_msg("parse unexpectedly succeeded: %s", text);
	}
	assert_null(doc);
	assert_int_equal(err.kind, kind);
	return err.message;
}

static const char *
fail_config(const char *text)
{
	return parse_fail(text, strlen(text), "t.yaml", MM_ERR_CONFIG);
}

static void
assert_contains(const char *haystack, const char *needle)
{
	if (strstr(haystack, needle) == NULL)
		fail_msg("\"%s\" does not contain \"%s\"", haystack, needle);
}

/* ---- typing of scalars ---- */

enum want { W_NULL, W_TRUE, W_FALSE, W_NUM, W_STR, W_INF, W_NINF, W_NAN };

static const struct {
	const char *yaml; /* the value after "v: " */
	enum want want;
	double num;
	const char *str;
} typing[] = {
	/* booleans: only true/false, in three spellings */
	{"true", W_TRUE, 0, NULL},
	{"True", W_TRUE, 0, NULL},
	{"TRUE", W_TRUE, 0, NULL},
	{"false", W_FALSE, 0, NULL},
	{"False", W_FALSE, 0, NULL},
	{"FALSE", W_FALSE, 0, NULL},
	{"tRue", W_STR, 0, "tRue"},
	{"yes", W_STR, 0, "yes"},
	{"no", W_STR, 0, "no"},
	{"on", W_STR, 0, "on"},
	{"off", W_STR, 0, "off"},
	{"y", W_STR, 0, "y"},
	{"\"true\"", W_STR, 0, "true"},
	{"'false'", W_STR, 0, "false"},
	/* null */
	{"~", W_NULL, 0, NULL},
	{"null", W_NULL, 0, NULL},
	{"Null", W_NULL, 0, NULL},
	{"NULL", W_NULL, 0, NULL},
	{"", W_NULL, 0, NULL},
	{"\"\"", W_STR, 0, ""},
	{"''", W_STR, 0, ""},
	{"\"~\"", W_STR, 0, "~"},
	{"'null'", W_STR, 0, "null"},
	{"nul", W_STR, 0, "nul"},
	/* integers: 1.2 core, so 010 is ten, not eight */
	{"0", W_NUM, 0, NULL},
	{"42", W_NUM, 42, NULL},
	{"-17", W_NUM, -17, NULL},
	{"+5", W_NUM, 5, NULL},
	{"010", W_NUM, 10, NULL},
	{"\"010\"", W_STR, 0, "010"},
	{"'010'", W_STR, 0, "010"},
	{"0o17", W_NUM, 15, NULL},
	{"0x1F", W_NUM, 31, NULL},
	{"0xff", W_NUM, 255, NULL},
	{"0X1F", W_STR, 0, "0X1F"},
	{"0b101", W_STR, 0, "0b101"},
	{"1_000", W_STR, 0, "1_000"},
	{"12:30", W_STR, 0, "12:30"},
	{"9007199254740992", W_NUM, 9007199254740992.0, NULL},
	/* floats */
	{"1e3", W_NUM, 1000, NULL},
	{"\"1e3\"", W_STR, 0, "1e3"},
	{"1E-2", W_NUM, 0.01, NULL},
	{"1.5", W_NUM, 1.5, NULL},
	{"-2.25", W_NUM, -2.25, NULL},
	{".5", W_NUM, 0.5, NULL},
	{"1.", W_NUM, 1, NULL},
	{"+1.5e+2", W_NUM, 150, NULL},
	{".inf", W_INF, 0, NULL},
	{".Inf", W_INF, 0, NULL},
	{"+.INF", W_INF, 0, NULL},
	{"-.inf", W_NINF, 0, NULL},
	{".nan", W_NAN, 0, NULL},
	{".NaN", W_NAN, 0, NULL},
	{".NAN", W_NAN, 0, NULL},
	{"inf", W_STR, 0, "inf"},
	{"nan", W_STR, 0, "nan"},
	{"1e", W_STR, 0, "1e"},
	{"1.2.3", W_STR, 0, "1.2.3"},
	{"e3", W_STR, 0, "e3"},
	{".", W_STR, 0, "."},
	{"-x", W_STR, 0, "-x"},
	{"\"1.5\"", W_STR, 0, "1.5"},
	/* other styles are strings */
	{"|\n  true\n", W_STR, 0, "true\n"},
	{">-\n  12\n", W_STR, 0, "12"},
	{"|-\n  a\n  b\n", W_STR, 0, "a\nb"},
	{">\n  a\n  b\n", W_STR, 0, "a b\n"},
	{"\"a\\tb\\n\\\"c\\\"\"", W_STR, 0, "a\tb\n\"c\""},
	{"'it''s'", W_STR, 0, "it's"},
	{"hello world", W_STR, 0, "hello world"},
	{"a # comment", W_STR, 0, "a"},
	/* explicit standard tags */
	{"!!str 12", W_STR, 0, "12"},
	{"!!str true", W_STR, 0, "true"},
	{"!!int \"12\"", W_NUM, 12, NULL},
	{"!!float 2", W_NUM, 2, NULL},
	{"!!bool \"true\"", W_TRUE, 0, NULL},
	{"!!null ''", W_NULL, 0, NULL},
	{"! 12", W_STR, 0, "12"},
	/* unicode */
	{"héllo wörld ✓", W_STR, 0, "héllo wörld ✓"},
	{"\"\\u00e9\\U0001F600\"", W_STR, 0, "é😀"},
	{"😀", W_STR, 0, "😀"},
};

static void
test_typing_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(typing) / sizeof(typing[0]); i++) {
		char text[256];
		struct mm_json *doc;
		const struct mm_json *v;
		enum mm_json_type t;

		snprintf(text, sizeof(text), "v: %s\n", typing[i].yaml);
		doc = parse_ok(text);
		v = mm_json_get(doc, "v");
		assert_non_null(v);
		t = mm_json_type(v);
		switch (typing[i].want) {
		case W_NULL:
			if (t != MM_JSON_NULL)
				fail_msg("%s: not null", typing[i].yaml);
			break;
		case W_TRUE:
		case W_FALSE:
			if (t != MM_JSON_BOOL ||
			    mm_json_is_true(v) != (typing[i].want == W_TRUE))
				fail_msg("%s: wrong bool", typing[i].yaml);
			break;
		case W_NUM:
			if (t != MM_JSON_NUMBER ||
			    mm_json_number(v) != typing[i].num)
				fail_msg("%s: not the number %g",
					 typing[i].yaml, typing[i].num);
			break;
		case W_INF:
		case W_NINF:
			if (t != MM_JSON_NUMBER || !isinf(mm_json_number(v)) ||
			    (mm_json_number(v) < 0) !=
				    (typing[i].want == W_NINF))
				fail_msg("%s: not infinity", typing[i].yaml);
			break;
		case W_NAN:
			if (t != MM_JSON_NUMBER || !isnan(mm_json_number(v)))
				fail_msg("%s: not NaN", typing[i].yaml);
			break;
		case W_STR:
			if (t != MM_JSON_STRING ||
			    strcmp(mm_json_string(v), typing[i].str) != 0)
				fail_msg("%s: not the string \"%s\"",
					 typing[i].yaml, typing[i].str);
			break;
		}
		mm_json_free(doc);
	}
}

static void
test_bad_tagged_values(void **state)
{
	(void)state;
	assert_contains(fail_config("v: !!int 1.5\n"),
			"line 1, column 4: \"1.5\" is not a valid !!int");
	assert_contains(fail_config("v: !!bool yes\n"), "!!bool");
	assert_contains(fail_config("v: !!null x\n"), "!!null");
	assert_contains(fail_config("v: !!float x\n"), "!!float");
	assert_contains(fail_config("v: !custom x\n"),
			"unsupported tag !custom");
	assert_contains(fail_config("v: !!binary aGVsbG8=\n"),
			"unsupported tag");
	assert_contains(fail_config("v: !!seq {a: 1}\n"), "unsupported tag");
	assert_contains(fail_config("!!int k: v\n"), "mapping key");
	mm_json_free(parse_ok("v: !!map {a: 1}\nw: !!seq [1]\n"));
}

/* ---- structure ---- */

static void
test_nested(void **state)
{
	struct mm_json *doc;
	const struct mm_json *a, *v;

	(void)state;
	doc = parse_ok("top:\n"
		       "  list:\n"
		       "    - 1\n"
		       "    - two\n"
		       "    - {three: 3, four: [4, \"4\"]}\n"
		       "    - - nested\n"
		       "      - ~\n"
		       "  map:\n"
		       "    k: v\n"
		       "empty_map: {}\n"
		       "empty_list: []\n");
	a = mm_json_path(doc, "top.list");
	assert_int_equal(mm_json_type(a), MM_JSON_ARRAY);
	assert_int_equal(mm_json_size(a), 4);
	assert_true(mm_json_number(mm_json_at(a, 0)) == 1);
	assert_string_equal(mm_json_string(mm_json_at(a, 1)), "two");
	assert_true(mm_json_number(mm_json_path(doc, "top.list.2.three")) == 3);
	v = mm_json_path(doc, "top.list.2.four.1");
	assert_string_equal(mm_json_string(v), "4");
	assert_string_equal(mm_json_string(mm_json_path(doc, "top.list.3.0")),
			    "nested");
	assert_int_equal(mm_json_type(mm_json_path(doc, "top.list.3.1")),
			 MM_JSON_NULL);
	assert_string_equal(mm_json_string(mm_json_path(doc, "top.map.k")),
			    "v");
	assert_int_equal(mm_json_type(mm_json_get(doc, "empty_map")),
			 MM_JSON_OBJECT);
	assert_int_equal(mm_json_size(mm_json_get(doc, "empty_map")), 0);
	assert_int_equal(mm_json_type(mm_json_get(doc, "empty_list")),
			 MM_JSON_ARRAY);
	/* Member order is kept. */
	assert_string_equal(mm_json_key(mm_json_at(doc, 0)), "top");
	assert_string_equal(mm_json_key(mm_json_at(doc, 2)), "empty_list");
	mm_json_free(doc);
}

static void
test_json_is_yaml(void **state)
{
	struct mm_json *doc, *expect = NULL;
	struct mm_error err;
	const char *j = "{\"a\": 1, \"b\": [true, false, null, 2.5], "
			"\"c\": {\"d\": \"x\\ny\"}, \"e\": \"\"}";

	(void)state;
	doc = parse_ok(j);
	mm_error_clear(&err);
	assert_int_equal(mm_json_parse(j, strlen(j), &expect, &err), MM_OK);
	assert_true(mm_json_equal(doc, expect));
	mm_json_free(doc);
	mm_json_free(expect);
}

static void
test_keys_are_text(void **state)
{
	struct mm_json *doc;

	(void)state;
	doc = parse_ok("1: a\ntrue: b\n~: c\n\"q\": d\n1.5: e\n");
	assert_string_equal(mm_json_string(mm_json_get(doc, "1")), "a");
	assert_string_equal(mm_json_string(mm_json_get(doc, "true")), "b");
	assert_string_equal(mm_json_string(mm_json_get(doc, "~")), "c");
	assert_string_equal(mm_json_string(mm_json_get(doc, "q")), "d");
	assert_string_equal(mm_json_string(mm_json_get(doc, "1.5")), "e");
	mm_json_free(doc);
}

static void
test_top_level_scalars(void **state)
{
	struct mm_json *doc;

	(void)state;
	doc = parse_ok("42\n");
	assert_true(mm_json_number(doc) == 42);
	mm_json_free(doc);
	doc = parse_ok("\"42\"");
	assert_string_equal(mm_json_string(doc), "42");
	mm_json_free(doc);
	doc = parse_ok("- a\n- b\n");
	assert_int_equal(mm_json_size(doc), 2);
	mm_json_free(doc);
	/* One explicit document, with an end marker, is fine. */
	doc = parse_ok("---\na: 1\n...\n");
	assert_true(mm_json_number(mm_json_get(doc, "a")) == 1);
	mm_json_free(doc);
}

static void
test_empty_input(void **state)
{
	static const char *const empties[] = {
		"", "\n", "   \n\n", "# only a comment\n", "---\n", "--- ~\n",
	};
	struct mm_error err;
	struct mm_json *doc;

	(void)state;
	for (size_t i = 0; i < sizeof(empties) / sizeof(empties[0]); i++) {
		doc = parse_ok(empties[i]);
		assert_int_equal(mm_json_type(doc), MM_JSON_NULL);
		mm_json_free(doc);
	}
	mm_error_clear(&err);
	assert_int_equal(
		mm_yaml_parse(NULL, 0, NULL, MM_ERR_CONFIG, &doc, &err), MM_OK);
	assert_int_equal(mm_json_type(doc), MM_JSON_NULL);
	mm_json_free(doc);
}

static void
test_crlf(void **state)
{
	struct mm_json *doc;

	(void)state;
	doc = parse_ok("a: 1\r\nb: text\r\nc:\r\n  - \"q\"\r\n  - x\r\n"
		       "d: |\r\n  l1\r\n  l2\r\n");
	assert_true(mm_json_number(mm_json_get(doc, "a")) == 1);
	assert_string_equal(mm_json_string(mm_json_get(doc, "b")), "text");
	assert_string_equal(mm_json_string(mm_json_path(doc, "c.0")), "q");
	assert_string_equal(mm_json_string(mm_json_path(doc, "c.1")), "x");
	assert_string_equal(mm_json_string(mm_json_get(doc, "d")), "l1\nl2\n");
	mm_json_free(doc);
	/* Line numbers count CRLF lines. */
	assert_contains(fail_config("a: 1\r\nb: 2\r\na: 3\r\n"),
			"line 3, column 1: duplicate key");
}

static void
test_unicode_and_bom(void **state)
{
	struct mm_json *doc;

	(void)state;
	doc = parse_ok("\xef\xbb\xbfnäme: \"日本語\"\nemoji: 🎉 party\n");
	assert_string_equal(mm_json_string(mm_json_get(doc, "näme")), "日本語");
	assert_string_equal(mm_json_string(mm_json_get(doc, "emoji")),
			    "🎉 party");
	mm_json_free(doc);
}

/* ---- errors ---- */

static void
test_syntax_error_position(void **state)
{
	const char *m;

	(void)state;
	m = fail_config("key: value\n  bad: indent\n");
	assert_string_equal(m, "t.yaml: line 2, column 6: mapping values are "
			       "not allowed in this context");
	m = fail_config("a: 1\nb: [1, 2\n");
	assert_contains(m, "t.yaml: line 3, column 1: ");
	assert_contains(m, "did not find expected");
	m = fail_config("a: \"unterminated\n");
	assert_contains(m, "t.yaml: line 2");
	/* No name: the message starts with the position. */
	m = parse_fail("a: b: c", 7, NULL, MM_ERR_USAGE);
	assert_string_equal(m, "line 1, column 5: mapping values are not "
			       "allowed in this context");
	/* The kind is the caller's. */
	parse_fail("a: [", 4, "x", MM_ERR_RESPONSE);
}

static void
test_encoding_errors(void **state)
{
	(void)state;
	assert_contains(fail_config("a: 1\nb: \xff\n"),
			"t.yaml: line 2, column 4: invalid leading UTF-8");
	/* The position is the byte that breaks the sequence. */
	assert_contains(fail_config("a: \"\xc3\"\n"),
			"line 1, column 6: invalid trailing UTF-8");
	assert_contains(fail_config("a: \x01\n"), "control characters");
	/* A NUL byte inside the given length. */
	assert_contains(parse_fail("a: b\0c\n", 7, "t.yaml", MM_ERR_CONFIG),
			"line 1");
	/* An escaped NUL would silently truncate the string. */
	assert_contains(fail_config("a: \"x\\0y\"\n"),
			"line 1, column 4: NUL characters are not allowed");
}

static void
test_duplicate_keys(void **state)
{
	(void)state;
	assert_string_equal(fail_config("a: 1\nb: 2\na: 3\n"),
			    "t.yaml: line 3, column 1: duplicate key \"a\"");
	assert_contains(fail_config("x:\n  k: 1\n  k: 2\n"),
			"line 3, column 3: duplicate key \"k\"");
	assert_contains(fail_config("{a: 1, b: 2, a: 3}"),
			"line 1, column 14: duplicate key \"a\"");
	/* Same text, different style: still the same key. */
	assert_contains(fail_config("\"a\": 1\n'a': 2\n"), "duplicate key");
	assert_contains(fail_config("1: x\n\"1\": y\n"), "duplicate key");
	/* The same key in different mappings is fine. */
	mm_json_free(parse_ok("a: {k: 1}\nb: {k: 2}\nc: [{k: 1}, {k: 2}]\n"));
}

static void
test_many_keys(void **state)
{
	struct mm_buf b = MM_BUF_INIT;
	struct mm_json *doc;
	const size_t n = 50000;

	(void)state;
	for (size_t i = 0; i < n; i++)
		assert_true(mm_buf_printf(&b, "key%zu: %zu\n", i, i));
	doc = parse_ok(mm_buf_str(&b));
	assert_int_equal(mm_json_size(doc), n);
	assert_true(mm_json_number(mm_json_get(doc, "key49999")) == 49999);
	mm_json_free(doc);
	assert_true(mm_buf_printf(&b, "key123: again\n"));
	assert_contains(fail_config(mm_buf_str(&b)),
			"line 50001, column 1: duplicate key \"key123\"");
	mm_buf_release(&b);
}

static void
test_non_scalar_keys(void **state)
{
	(void)state;
	assert_contains(fail_config("? [a, b]\n: 1\n"),
			"line 1, column 3: a mapping key must be a scalar");
	assert_contains(fail_config("{[1]: 2}"),
			"mapping key must be a scalar");
	assert_contains(fail_config("? {a: 1}\n: 1\n"),
			"must be a scalar, not a mapping");
}

static void
test_anchors_and_aliases(void **state)
{
	(void)state;
	assert_string_equal(fail_config("a: &x 1\nb: *x\n"),
			    "t.yaml: line 1, column 4: anchors (&) are not "
			    "allowed");
	assert_contains(fail_config("a: *x\n"),
			"line 1, column 4: aliases (*) are not allowed");
	assert_contains(fail_config("base: &b {x: 1}\n"), "anchors");
	assert_contains(fail_config("list: &l [1]\n"), "anchors");
	assert_contains(fail_config("a: {<<: *b}\n"), "aliases");
	/* The billion laughs never gets past its first anchor. */
	assert_contains(fail_config("a: &a [\"lol\",\"lol\",\"lol\"]\n"
				    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
				    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"),
			"line 1, column 4: anchors");
}

static void
test_multiple_documents(void **state)
{
	(void)state;
	assert_string_equal(fail_config("a: 1\n---\nb: 2\n"),
			    "t.yaml: line 2, column 1: more than one document "
			    "(---) in the input");
	assert_contains(fail_config("---\na: 1\n...\n---\nb: 2\n"),
			"line 4, column 1: more than one document");
	assert_contains(fail_config("--- 1\n--- 2\n"), "more than one");
}

static void
test_depth_limit(void **state)
{
	struct mm_buf b = MM_BUF_INIT;
	struct mm_json *doc;
	const struct mm_json *v;
	size_t depth = 0;

	(void)state;
	/* 512 levels are fine. */
	for (int i = 0; i < 512; i++)
		assert_true(mm_buf_putc(&b, '['));
	for (int i = 0; i < 512; i++)
		assert_true(mm_buf_putc(&b, ']'));
	doc = parse_ok(mm_buf_str(&b));
	for (v = doc; mm_json_type(v) == MM_JSON_ARRAY; v = mm_json_at(v, 0))
		depth++;
	assert_int_equal(depth, 512);
	mm_json_free(doc);
	/* 513 are not. */
	mm_buf_reset(&b);
	for (int i = 0; i < 513; i++)
		assert_true(mm_buf_putc(&b, '['));
	for (int i = 0; i < 513; i++)
		assert_true(mm_buf_putc(&b, ']'));
	assert_contains(fail_config(mm_buf_str(&b)),
			"line 1, column 513: nested deeper than 512 levels");
	/* Block mappings and an unterminated flood too. */
	mm_buf_reset(&b);
	for (int i = 0; i < 600; i++)
		assert_true(mm_buf_printf(&b, "%*sk:\n", i, ""));
	assert_contains(fail_config(mm_buf_str(&b)), "nested deeper");
	mm_buf_reset(&b);
	for (int i = 0; i < 100000; i++)
		assert_true(mm_buf_puts(&b, "{a: "));
	assert_contains(fail_config(mm_buf_str(&b)), "nested deeper");
	mm_buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_typing_table),
		cmocka_unit_test(test_bad_tagged_values),
		cmocka_unit_test(test_nested),
		cmocka_unit_test(test_json_is_yaml),
		cmocka_unit_test(test_keys_are_text),
		cmocka_unit_test(test_top_level_scalars),
		cmocka_unit_test(test_empty_input),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_unicode_and_bom),
		cmocka_unit_test(test_syntax_error_position),
		cmocka_unit_test(test_encoding_errors),
		cmocka_unit_test(test_duplicate_keys),
		cmocka_unit_test(test_many_keys),
		cmocka_unit_test(test_non_scalar_keys),
		cmocka_unit_test(test_anchors_and_aliases),
		cmocka_unit_test(test_multiple_documents),
		cmocka_unit_test(test_depth_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
