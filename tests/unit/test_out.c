/* Output module: every format rendered into memory streams. */
/* cmocka needs these first, in this order. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include "mmadm/json.h"
#include "mmadm/out.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct cap {
	FILE *out, *err;
	char *obuf, *ebuf;
	size_t olen, elen;
	struct mm_out o;
};

static void
cap_open_opts(struct cap *c, enum mm_format fmt, bool no_color, bool quiet)
{
	memset(c, 0, sizeof(*c));
	c->out = open_memstream(&c->obuf, &c->olen);
	c->err = open_memstream(&c->ebuf, &c->elen);
	assert_non_null(c->out);
	assert_non_null(c->err);
	mm_out_init(&c->o, c->out, c->err, fmt, no_color, quiet);
}

static void
cap_open(struct cap *c, enum mm_format fmt)
{
	cap_open_opts(c, fmt, false, false);
}

static const char *
cap_out(struct cap *c)
{
	assert_int_equal(fflush(c->out), 0);
	return c->obuf;
}

static const char *
cap_err(struct cap *c)
{
	assert_int_equal(fflush(c->err), 0);
	return c->ebuf;
}

static void
cap_close(struct cap *c)
{
	mm_out_release(&c->o);
	assert_int_equal(fclose(c->out), 0);
	assert_int_equal(fclose(c->err), 0);
	free(c->obuf);
	free(c->ebuf);
}

static struct mm_json *
parse(const char *text)
{
	struct mm_json *j = NULL;
	struct mm_error err;

	assert_int_equal(mm_json_parse(text, strlen(text), &j, &err), MM_OK);
	return j;
}

/* Render doc with cols in fmt and compare. */
static void
check_doc(enum mm_format fmt, const char *json, const struct mm_column *cols,
	  const char *want)
{
	struct cap c;
	struct mm_json *j = parse(json);

	cap_open(&c, fmt);
	assert_true(mm_out_doc(&c.o, j, cols));
	assert_string_equal(cap_out(&c), want);
	assert_string_equal(cap_err(&c), "");
	assert_false(c.o.write_failed);
	cap_close(&c);
	mm_json_free(j);
}

static int
clean_env(void **state)
{
	(void)state;
	unsetenv("MMADM_FORCE_TTY");
	unsetenv("MMADM_JSON_COMPACT");
	unsetenv("NO_COLOR");
	unsetenv("COLUMNS");
	return 0;
}

/* ---- init ------------------------------------------------------------- */

static void
test_format_names(void **state)
{
	enum mm_format f = MM_FMT_AUTO;

	(void)state;
	assert_true(mm_format_parse("yaml", &f));
	assert_int_equal(f, MM_FMT_YAML);
	assert_true(mm_format_parse("plain", &f));
	assert_int_equal(f, MM_FMT_PLAIN);
	assert_false(mm_format_parse("xml", &f));
	assert_false(mm_format_parse("auto", &f));
	assert_false(mm_format_parse(NULL, &f));
	assert_string_equal(mm_format_name(MM_FMT_TABLE), "table");
	assert_string_equal(mm_format_name(MM_FMT_JSON), "json");
}

static void
test_init(void **state)
{
	struct cap c;

	(void)state;
	cap_open(&c, MM_FMT_AUTO);
	assert_int_equal(c.o.format, MM_FMT_PLAIN);
	assert_false(c.o.out_tty);
	assert_false(c.o.color);
	assert_true(c.o.pretty);
	assert_int_equal(c.o.width, 0);
	cap_close(&c);

	setenv("MMADM_FORCE_TTY", "1", 1);
	setenv("COLUMNS", "50", 1);
	setenv("MMADM_JSON_COMPACT", "1", 1);
	cap_open(&c, MM_FMT_AUTO);
	assert_int_equal(c.o.format, MM_FMT_TABLE);
	assert_true(c.o.out_tty);
	assert_true(c.o.err_tty);
	assert_true(c.o.color);
	assert_false(c.o.pretty);
	assert_int_equal(c.o.width, 50);
	cap_close(&c);

	cap_open_opts(&c, MM_FMT_JSON, true, false);
	assert_int_equal(c.o.format, MM_FMT_JSON);
	assert_false(c.o.color);
	cap_close(&c);

	setenv("NO_COLOR", "1", 1);
	setenv("COLUMNS", "wide", 1);
	cap_open(&c, MM_FMT_AUTO);
	assert_false(c.o.color);
	assert_int_equal(c.o.width, 0);
	cap_close(&c);

	setenv("NO_COLOR", "", 1); /* empty: colour stays on */
	cap_open(&c, MM_FMT_AUTO);
	assert_true(c.o.color);
	cap_close(&c);
}

/* ---- escaping and width ----------------------------------------------- */

static void
check_escape(const char *in, bool one_line, const char *want)
{
	struct mm_buf b = MM_BUF_INIT;

	assert_true(mm_out_escape(in, one_line, &b));
	assert_string_equal(mm_buf_str(&b), want);
	mm_buf_release(&b);
}

static void
test_escape(void **state)
{
	struct mm_buf b = MM_BUF_INIT;

	(void)state;
	check_escape("plain text", true, "plain text");
	check_escape("a\x1b[31mb", true, "a\\x1b[31mb");
	check_escape("a\x1b[31mb", false, "a\\x1b[31mb");
	check_escape("\xc2\x9b"
		     "2J",
		     false, "\\u{9b}2J");
	check_escape("\xc2\x80\xc2\x9f\xc2\xa0", true,
		     "\\u{80}\\u{9f}\xc2\xa0");
	check_escape("x\xffy", true, "x\\xffy");
	check_escape("\xc3(", true, "\\xc3(");
	check_escape("\xc0\xaf", true, "\\xc0\\xaf");          /* overlong */
	check_escape("\xed\xa0\x80", true, "\\xed\\xa0\\x80"); /* surrogate */
	check_escape("ab\xe6\x97", true, "ab\\xe6\\x97");      /* truncated */
	check_escape("del\x7f", true, "del\\x7f");
	check_escape("\x01\x1f", false, "\\x01\\x1f");
	check_escape("a\tb\nc\r", true, "a\\tb\\nc\\r");
	check_escape("a\tb\nc\r", false, "a\tb\nc\\r");
	check_escape("日本 é ü 😀", true, "日本 é ü 😀");
	/* Invisible text-changers: bidi override, isolate, zero-width
	 * space, BOM, line separator; ZWJ in an emoji sequence stays. */
	check_escape("abc\xe2\x80\xaexyz", true, "abc\\u{202e}xyz");
	check_escape("\xe2\x81\xa6x\xe2\x81\xa9", true, "\\u{2066}x\\u{2069}");
	check_escape("ad\xe2\x80\x8bmin\xef\xbb\xbf", true,
		     "ad\\u{200b}min\\u{feff}");
	check_escape("a\xe2\x80\xa8"
		     "b",
		     false, "a\\u{2028}b");
	check_escape("👨\xe2\x80\x8d👩", true, "👨\xe2\x80\x8d👩");
	check_escape("", true, "");
	check_escape(NULL, true, "");
	/* Appends. */
	assert_true(mm_buf_puts(&b, "> "));
	assert_true(mm_out_escape("\x1b", true, &b));
	assert_string_equal(mm_buf_str(&b), "> \\x1b");
	mm_buf_release(&b);
}

static void
test_width(void **state)
{
	(void)state;
	assert_int_equal(mm_out_width("abc"), 3);
	assert_int_equal(mm_out_width(""), 0);
	assert_int_equal(mm_out_width(NULL), 0);
	assert_int_equal(mm_out_width("é"), 1);
	assert_int_equal(mm_out_width("e\xcc\x81"), 1); /* e + U+0301 */
	assert_int_equal(mm_out_width("日本"), 4);
	assert_int_equal(mm_out_width("한국어"), 6);
	assert_int_equal(mm_out_width("😀"), 2);
	assert_int_equal(mm_out_width("ａ"), 2); /* fullwidth a */
	assert_int_equal(mm_out_width("\xff"), 1);
	assert_int_equal(mm_out_width("a\xe2\x80\x8b"
				      "b"),
			 2); /* zero width space */
}

/* ---- documents -------------------------------------------------------- */

static const char obj_json[] =
	"{\"Id\":\"abc\",\"Name\":\"Ann\",\"Nested\":{\"A\":1,\"B\":[1,2],"
	"\"C\":{\"D\":false}},\"Ok\":true,\"Nil\":null,\"Tab\":\"a\\tb\","
	"\"Empty\":{}}";

static void
test_doc_object(void **state)
{
	(void)state;
	check_doc(MM_FMT_TABLE, obj_json, NULL,
		  "KEY         VALUE\n"
		  "Id          abc\n"
		  "Name        Ann\n"
		  "Nested.A    1\n"
		  "Nested.B    [1,2]\n"
		  "Nested.C.D  false\n"
		  "Ok          true\n"
		  "Nil         null\n"
		  "Tab         a\\tb\n"
		  "Empty       {}\n");
	check_doc(MM_FMT_PLAIN, obj_json, NULL,
		  "Id\tabc\n"
		  "Name\tAnn\n"
		  "Nested.A\t1\n"
		  "Nested.B\t[1,2]\n"
		  "Nested.C.D\tfalse\n"
		  "Ok\ttrue\n"
		  "Nil\tnull\n"
		  "Tab\ta\\tb\n"
		  "Empty\t{}\n");
	check_doc(MM_FMT_JSON, obj_json, NULL,
		  "{\n"
		  "  \"Id\": \"abc\",\n"
		  "  \"Name\": \"Ann\",\n"
		  "  \"Nested\": {\n"
		  "    \"A\": 1,\n"
		  "    \"B\": [\n"
		  "      1,\n"
		  "      2\n"
		  "    ],\n"
		  "    \"C\": {\n"
		  "      \"D\": false\n"
		  "    }\n"
		  "  },\n"
		  "  \"Ok\": true,\n"
		  "  \"Nil\": null,\n"
		  "  \"Tab\": \"a\\tb\",\n"
		  "  \"Empty\": {}\n"
		  "}\n");
	check_doc(MM_FMT_YAML, obj_json, NULL,
		  "Id: abc\n"
		  "Name: Ann\n"
		  "Nested:\n"
		  "  A: 1\n"
		  "  B:\n"
		  "  - 1\n"
		  "  - 2\n"
		  "  C:\n"
		  "    D: false\n"
		  "Ok: true\n"
		  "Nil: null\n"
		  "Tab: \"a\\tb\"\n"
		  "Empty: {}\n");
	/* One row with columns. */
	static const struct mm_column cols[] = {
		{"Id", "Id"},
		{"D", "Nested.C.D"},
		MM_COLUMN_END,
	};
	check_doc(MM_FMT_TABLE, obj_json, cols, "ID   D\nabc  false\n");
	check_doc(MM_FMT_PLAIN, obj_json, cols, "abc\tfalse\n");
}

static void
test_doc_compact_json(void **state)
{
	(void)state;
	setenv("MMADM_JSON_COMPACT", "1", 1);
	check_doc(MM_FMT_JSON, "{\"a\": [1, 2.5, \"x\"], \"b\": {}}", NULL,
		  "{\"a\":[1,2.5,\"x\"],\"b\":{}}\n");
}

static const char users_json[] =
	"[{\"id\":\"u1\",\"username\":\"ann\",\"active\":false,\"score\":1.0},"
	"{\"id\":\"u22\",\"username\":\"bob\",\"score\":null},"
	"{\"id\":\"u3\",\"username\":\"carol\",\"active\":true,\"score\":2.5,"
	"\"props\":{\"x\":[1]}}]";

static const struct mm_column user_cols[] = {
	{"Id", "id"},       {"User name", "username"}, {"Active", "active"},
	{"Score", "score"}, {"X", "props.x"},          MM_COLUMN_END,
};

static void
test_doc_array_cols(void **state)
{
	(void)state;
	check_doc(MM_FMT_TABLE, users_json, user_cols,
		  "ID   USER NAME  ACTIVE  SCORE  X\n"
		  "u1   ann        false   1\n"
		  "u22  bob\n"
		  "u3   carol      true    2.5    [1]\n");
	check_doc(MM_FMT_PLAIN, users_json, user_cols,
		  "u1\tann\tfalse\t1\t\n"
		  "u22\tbob\t\t\t\n"
		  "u3\tcarol\ttrue\t2.5\t[1]\n");
	setenv("MMADM_JSON_COMPACT", "1", 1);
	check_doc(MM_FMT_JSON, users_json, user_cols,
		  "[{\"id\":\"u1\",\"username\":\"ann\",\"active\":false,"
		  "\"score\":1},{\"id\":\"u22\",\"username\":\"bob\",\"score\":"
		  "null},{\"id\":\"u3\",\"username\":\"carol\",\"active\":true,"
		  "\"score\":2.5,\"props\":{\"x\":[1]}}]\n");
	check_doc(MM_FMT_YAML, users_json, user_cols,
		  "- id: u1\n"
		  "  username: ann\n"
		  "  active: false\n"
		  "  score: 1\n"
		  "- id: u22\n"
		  "  username: bob\n"
		  "  score: null\n"
		  "- id: u3\n"
		  "  username: carol\n"
		  "  active: true\n"
		  "  score: 2.5\n"
		  "  props:\n"
		  "    x:\n"
		  "    - 1\n");
}

static void
test_doc_empty(void **state)
{
	(void)state;
	check_doc(MM_FMT_TABLE, "[]", user_cols,
		  "ID  USER NAME  ACTIVE  SCORE  X\n");
	check_doc(MM_FMT_PLAIN, "[]", user_cols, "");
	check_doc(MM_FMT_JSON, "[]", user_cols, "[]\n");
	check_doc(MM_FMT_YAML, "[]", user_cols, "[]\n");
	/* The server answers some empty lists with null. */
	check_doc(MM_FMT_PLAIN, "null", user_cols, "");
	check_doc(MM_FMT_JSON, "null", user_cols, "null\n");
	check_doc(MM_FMT_TABLE, "{}", NULL, "KEY  VALUE\n");
	check_doc(MM_FMT_PLAIN, "{}", NULL, "");
}

/* A set cancel flag stops output at the next write: nothing more is
 * written, and the stream says why (cancelled, a failed write). */
static void
test_cancel(void **state)
{
	static const struct mm_column cols[] = {{"ID", "id"}, MM_COLUMN_END};
	volatile int cancel = 0;
	struct mm_json *row = parse("{\"id\":\"a\"}");
	struct cap c;

	(void)state;
	cap_open(&c, MM_FMT_PLAIN);
	c.o.cancel = &cancel;
	assert_true(mm_out_list_begin(&c.o, cols));
	assert_true(mm_out_list_row(&c.o, row));
	assert_true(mm_out_list_flush(&c.o));
	assert_false(c.o.cancelled);
	cancel = 1;
	/* A stream that the signal ends (events, --follow, --watch) still
	 * writes out what it received. */
	mm_signal_ends_stream_set(true);
	assert_true(mm_out_list_row(&c.o, row));
	assert_true(mm_out_list_flush(&c.o));
	assert_false(c.o.cancelled);
	mm_signal_ends_stream_set(false);
	assert_false(mm_out_list_row(&c.o, row));
	assert_false(mm_out_doc(&c.o, row, NULL));
	(void)mm_out_list_end(&c.o);
	assert_true(c.o.cancelled);
	assert_true(c.o.write_failed);
	assert_string_equal(cap_out(&c), "a\na\n");
	assert_false(mm_output_busy());
	cap_close(&c);
	mm_json_free(row);
}

static void
test_doc_scalars(void **state)
{
	(void)state;
	check_doc(MM_FMT_PLAIN, "[\"a\",\"b\\tc\",1,true,\"\\u001b\"]", NULL,
		  "a\nb\\tc\n1\ntrue\n\\x1b\n");
	check_doc(MM_FMT_TABLE, "[\"a\",2]", NULL, "a\n2\n");
	check_doc(MM_FMT_TABLE, "\"hello\\nworld\\u001b\"", NULL,
		  "hello\nworld\\x1b\n");
	check_doc(MM_FMT_PLAIN, "42", NULL, "42\n");
	check_doc(MM_FMT_YAML, "\"123\"", NULL, "\"123\"\n");
	check_doc(MM_FMT_JSON, "\"x\"", NULL, "\"x\"\n");
}

static void
test_doc_unsafe_json(void **state)
{
	struct mm_json *obj = mm_json_new_object();
	struct cap c;

	(void)state;
	assert_true(mm_json_set_string(obj, "c1",
				       "\xc2\x9b"
				       "2J"));
	assert_true(mm_json_set_string(obj, "esc", "\x1b[0m"));
	assert_true(mm_json_set_string(obj, "bad", "a\xff"));
	assert_true(mm_json_set_string(obj, "ok", "日本 é"));
	assert_true(mm_json_set_string(obj, "rlo", "x\xe2\x80\xaey"));
	setenv("MMADM_JSON_COMPACT", "1", 1);
	cap_open(&c, MM_FMT_JSON);
	assert_true(mm_out_doc(&c.o, obj, NULL));
	assert_string_equal(cap_out(&c),
			    "{\"c1\":\"\\u009b2J\",\"esc\":\"\\u001b[0m\","
			    "\"bad\":\"a\\ufffd\",\"ok\":\"日本 é\","
			    "\"rlo\":\"x\\u202ey\"}\n");
	cap_close(&c);
	cap_open(&c, MM_FMT_TABLE);
	assert_true(mm_out_doc(&c.o, obj, NULL));
	assert_string_equal(cap_out(&c), "KEY  VALUE\n"
					 "c1   \\u{9b}2J\n"
					 "esc  \\x1b[0m\n"
					 "bad  a\\xff\n"
					 "ok   日本 é\n"
					 "rlo  x\\u{202e}y\n");
	cap_close(&c);
	mm_json_free(obj);
}

/* ---- tables ----------------------------------------------------------- */

static void
check_rows(enum mm_format fmt, int width, const char *const *headers,
	   size_t ncols, const char *const *cells, size_t nrows,
	   const char *want)
{
	struct cap c;

	cap_open(&c, fmt);
	c.o.width = width;
	assert_true(mm_out_rows(&c.o, headers, ncols, cells, nrows));
	assert_string_equal(cap_out(&c), want);
	cap_close(&c);
}

static void
test_utf8_alignment(void **state)
{
	static const char *const head[] = {"Name", "City"};
	static const char *const cells[] = {
		"é", "x",         "日本語", "y",    "abc",
		"z", "e\xcc\x81", "w",      "한국", "v",
	};

	(void)state;
	check_rows(MM_FMT_TABLE, 0, head, 2, cells, 5,
		   "NAME    CITY\n"
		   "é       x\n"
		   "日本語  y\n"
		   "abc     z\n"
		   "e\xcc\x81       w\n"
		   "한국    v\n");
}

static void
test_truncation(void **state)
{
	static const char *const head[] = {"Id", "Description"};
	static const char *const cells[] = {
		"1",
		"short",
		"2",
		"a fairly long description here",
	};
	static const char *const head2[] = {"A", "B"};
	static const char *const cells2[] = {"aaaaaaaaaa",
					     "bbbbbbbbbbbbbbbbbbbb"};
	static const char *const head3[] = {"K", "V"};
	static const char *const cells3[] = {"k", "日本語日本語"};

	(void)state;
	check_rows(MM_FMT_TABLE, 20, head, 2, cells, 2,
		   "ID  DESCRIPTION\n"
		   "1   short\n"
		   "2   a fairly long d…\n");
	/* Fits: untouched. */
	check_rows(MM_FMT_TABLE, 34, head, 2, cells, 2,
		   "ID  DESCRIPTION\n"
		   "1   short\n"
		   "2   a fairly long description here\n");
	/* The widest column shrinks first, then both. */
	check_rows(MM_FMT_TABLE, 20, head2, 2, cells2, 1,
		   "A          B\n"
		   "aaaaaaaa…  bbbbbbbb…\n");
	/* Never inside a wide character. */
	check_rows(MM_FMT_TABLE, 8, head3, 2, cells3, 1,
		   "K  V\n"
		   "k  日本…\n");
	/* Never below the header width. */
	check_rows(MM_FMT_TABLE, 5, head, 2, cells, 2,
		   "ID  DESCRIPTION\n"
		   "1   short\n"
		   "2   a fairly l…\n");
	/* Plain output is never truncated. */
	check_rows(MM_FMT_PLAIN, 20, head, 2, cells, 2,
		   "1\tshort\n"
		   "2\ta fairly long description here\n");
}

static void
test_color_header(void **state)
{
	static const char *const head[] = {"Id", "Name"};
	static const char *const cells[] = {"1", "a"};
	struct cap c;

	(void)state;
	setenv("MMADM_FORCE_TTY", "1", 1);
	cap_open(&c, MM_FMT_AUTO);
	assert_true(mm_out_rows(&c.o, head, 2, cells, 1));
	assert_string_equal(cap_out(&c),
			    "\033[1mID\033[0m  \033[1mNAME\033[0m\n1   a\n");
	cap_close(&c);
	cap_open_opts(&c, MM_FMT_AUTO, true, false);
	assert_true(mm_out_rows(&c.o, head, 2, cells, 1));
	assert_string_equal(cap_out(&c), "ID  NAME\n1   a\n");
	cap_close(&c);
	/* Plain never has colour, even on a terminal. */
	cap_open(&c, MM_FMT_PLAIN);
	assert_true(mm_out_rows(&c.o, head, 2, cells, 1));
	assert_string_equal(cap_out(&c), "1\ta\n");
	cap_close(&c);
}

static void
test_rows_formats(void **state)
{
	static const char *const head[] = {"Name", "Display Name"};
	static const char *const cells[] = {"a", "A\tb", "true", NULL};

	(void)state;
	check_rows(MM_FMT_TABLE, 0, head, 2, cells, 2,
		   "NAME  DISPLAY NAME\n"
		   "a     A\\tb\n"
		   "true\n");
	check_rows(MM_FMT_PLAIN, 0, head, 2, cells, 2, "a\tA\\tb\ntrue\t\n");
	check_rows(MM_FMT_JSON, 0, head, 2, cells, 2,
		   "[\n"
		   "  {\n"
		   "    \"name\": \"a\",\n"
		   "    \"display_name\": \"A\\tb\"\n"
		   "  },\n"
		   "  {\n"
		   "    \"name\": \"true\",\n"
		   "    \"display_name\": \"\"\n"
		   "  }\n"
		   "]\n");
	check_rows(MM_FMT_YAML, 0, head, 2, cells, 2,
		   "- name: a\n"
		   "  display_name: \"A\\tb\"\n"
		   "- name: \"true\"\n"
		   "  display_name: \"\"\n");
	check_rows(MM_FMT_JSON, 0, head, 2, cells, 0, "[]\n");
	check_rows(MM_FMT_TABLE, 0, head, 2, cells, 0, "NAME  DISPLAY NAME\n");
}

/* ---- streaming -------------------------------------------------------- */

static const struct mm_column id_cols[] = {
	{"Id", "id"},
	{"Name", "name"},
	MM_COLUMN_END,
};

static void
stream(struct cap *c, size_t n)
{
	static const char *const items[] = {
		"{\"id\":\"1\",\"name\":\"a\",\"n\":[1,2]}",
		"{\"id\":\"222\",\"name\":\"bbbbb\",\"n\":{}}",
		"{\"id\":\"3\",\"name\":\"c\\td\",\"n\":null}",
	};

	assert_true(mm_out_list_begin(&c->o, id_cols));
	for (size_t i = 0; i < n; i++) {
		struct mm_json *j = parse(items[i]);

		assert_true(mm_out_list_row(&c->o, j));
		mm_json_free(j);
	}
	assert_true(mm_out_list_end(&c->o));
}

static void
check_json_stream(size_t n)
{
	struct cap c;
	struct mm_json *j = NULL;
	struct mm_error err;
	const char *text;

	cap_open(&c, MM_FMT_JSON);
	stream(&c, n);
	text = cap_out(&c);
	assert_int_equal(mm_json_parse(text, strlen(text), &j, &err), MM_OK);
	assert_int_equal(mm_json_type(j), MM_JSON_ARRAY);
	assert_int_equal(mm_json_size(j), n);
	if (n == 3) {
		assert_string_equal(mm_json_string(mm_json_path(j, "1.name")),
				    "bbbbb");
		assert_string_equal(mm_json_string(mm_json_path(j, "2.name")),
				    "c\td");
	}
	assert_int_equal(text[strlen(text) - 1], '\n');
	mm_json_free(j);
	cap_close(&c);
}

static void
test_stream_json(void **state)
{
	struct cap c;

	(void)state;
	check_json_stream(0);
	check_json_stream(1);
	check_json_stream(3);
	setenv("MMADM_JSON_COMPACT", "1", 1);
	check_json_stream(0);
	check_json_stream(1);
	check_json_stream(3);

	cap_open(&c, MM_FMT_JSON);
	stream(&c, 2);
	assert_string_equal(cap_out(&c),
			    "[{\"id\":\"1\",\"name\":\"a\",\"n\":[1,2]},"
			    "{\"id\":\"222\",\"name\":\"bbbbb\",\"n\":{}}]\n");
	cap_close(&c);
	unsetenv("MMADM_JSON_COMPACT");

	cap_open(&c, MM_FMT_JSON);
	stream(&c, 0);
	assert_string_equal(cap_out(&c), "[]\n");
	cap_close(&c);

	cap_open(&c, MM_FMT_JSON);
	stream(&c, 1);
	assert_string_equal(cap_out(&c), "[\n"
					 "  {\n"
					 "    \"id\": \"1\",\n"
					 "    \"name\": \"a\",\n"
					 "    \"n\": [\n"
					 "      1,\n"
					 "      2\n"
					 "    ]\n"
					 "  }\n"
					 "]\n");
	cap_close(&c);
}

static void
test_stream_yaml(void **state)
{
	struct cap c;

	(void)state;
	cap_open(&c, MM_FMT_YAML);
	stream(&c, 0);
	assert_string_equal(cap_out(&c), "[]\n");
	cap_close(&c);

	cap_open(&c, MM_FMT_YAML);
	stream(&c, 3);
	assert_string_equal(cap_out(&c), "- id: \"1\"\n"
					 "  name: a\n"
					 "  \"n\":\n"
					 "  - 1\n"
					 "  - 2\n"
					 "- id: \"222\"\n"
					 "  name: bbbbb\n"
					 "  \"n\": {}\n"
					 "- id: \"3\"\n"
					 "  name: \"c\\td\"\n"
					 "  \"n\": null\n");
	cap_close(&c);
}

static void
test_stream_yaml_scalars(void **state)
{
	static const char *const items[] = {
		"\"  lead\\nx\"", "\"a\\nb\\n\"", "\"true\"", "[1,[2]]", "{}",
	};
	struct cap c;

	(void)state;
	cap_open(&c, MM_FMT_YAML);
	assert_true(mm_out_list_begin(&c.o, NULL));
	for (size_t i = 0; i < sizeof(items) / sizeof(*items); i++) {
		struct mm_json *j = parse(items[i]);

		assert_true(mm_out_list_row(&c.o, j));
		mm_json_free(j);
	}
	assert_true(mm_out_list_end(&c.o));
	/* The same text as the sequence emitted in one piece. */
	assert_string_equal(cap_out(&c), "- |2-\n"
					 "    lead\n"
					 "  x\n"
					 "- |\n"
					 "  a\n"
					 "  b\n"
					 "- \"true\"\n"
					 "- - 1\n"
					 "  - - 2\n"
					 "- {}\n");
	cap_close(&c);
}

static void
test_stream_plain(void **state)
{
	struct cap c;
	struct mm_json *j = parse("{\"id\":\"1\",\"name\":\"a\\tb\"}");

	(void)state;
	cap_open(&c, MM_FMT_PLAIN);
	assert_true(mm_out_list_begin(&c.o, id_cols));
	assert_true(mm_out_list_row(&c.o, j));
	/* Out at once, before the end of the list. */
	assert_string_equal(cap_out(&c), "1\ta\\tb\n");
	assert_true(mm_out_list_row(&c.o, j));
	assert_true(mm_out_list_end(&c.o));
	assert_string_equal(cap_out(&c), "1\ta\\tb\n1\ta\\tb\n");
	cap_close(&c);
	mm_json_free(j);

	cap_open(&c, MM_FMT_PLAIN);
	stream(&c, 0);
	assert_string_equal(cap_out(&c), "");
	cap_close(&c);
}

static void
test_stream_table(void **state)
{
	struct cap c;
	struct mm_json *a = parse("{\"id\":\"1\",\"name\":\"a\"}");
	struct mm_json *b = parse("{\"id\":\"222\",\"name\":\"bbbbb\"}");

	(void)state;
	cap_open(&c, MM_FMT_TABLE);
	assert_true(mm_out_list_begin(&c.o, id_cols));
	assert_false(mm_out_list_begin(&c.o, id_cols)); /* already open */
	assert_true(mm_out_list_row(&c.o, a));
	assert_string_equal(cap_out(&c), ""); /* buffered */
	assert_true(mm_out_list_flush(&c.o));
	assert_string_equal(cap_out(&c), "ID  NAME\n1   a\n");
	assert_true(mm_out_list_flush(&c.o)); /* nothing pending */
	assert_true(mm_out_list_row(&c.o, b));
	assert_true(mm_out_list_row(&c.o, a));
	assert_true(mm_out_list_end(&c.o));
	assert_string_equal(cap_out(&c), "ID  NAME\n"
					 "1   a\n"
					 "222  bbbbb\n"
					 "1    a\n");
	assert_false(mm_out_list_row(&c.o, a)); /* closed */
	cap_close(&c);

	cap_open(&c, MM_FMT_TABLE);
	stream(&c, 0);
	assert_string_equal(cap_out(&c), "ID  NAME\n");
	cap_close(&c);

	cap_open(&c, MM_FMT_TABLE);
	stream(&c, 3);
	assert_string_equal(cap_out(&c), "ID   NAME\n"
					 "1    a\n"
					 "222  bbbbb\n"
					 "3    c\\td\n");
	cap_close(&c);

	/* Released mid-list: pending rows are dropped, nothing leaks. */
	cap_open(&c, MM_FMT_TABLE);
	assert_true(mm_out_list_begin(&c.o, id_cols));
	assert_true(mm_out_list_row(&c.o, a));
	cap_close(&c);
	mm_json_free(a);
	mm_json_free(b);
}

/* ---- lines and messages ----------------------------------------------- */

static void
test_line(void **state)
{
	struct cap c;

	(void)state;
	cap_open(&c, MM_FMT_TABLE);
	assert_true(mm_out_line(&c.o, "abc\x1b]0;x\x07"));
	assert_true(mm_out_line(&c.o, "a\tb"));
	assert_string_equal(cap_out(&c), "abc\\x1b]0;x\\x07\na\\tb\n");
	cap_close(&c);

	cap_open(&c, MM_FMT_PLAIN);
	assert_true(mm_out_line(&c.o, "code-123"));
	assert_string_equal(cap_out(&c), "code-123\n");
	cap_close(&c);

	cap_open(&c, MM_FMT_JSON);
	assert_true(mm_out_line(&c.o, "a\tb"));
	assert_string_equal(cap_out(&c), "\"a\\tb\"\n");
	cap_close(&c);

	cap_open(&c, MM_FMT_YAML);
	assert_true(mm_out_line(&c.o, "123"));
	assert_true(mm_out_line(&c.o, "abc"));
	assert_string_equal(cap_out(&c), "\"123\"\nabc\n");
	cap_close(&c);
}

static void
test_messages(void **state)
{
	struct cap c;

	(void)state;
	cap_open(&c, MM_FMT_PLAIN);
	mm_warn(&c.o, "disk %s", "full");
	mm_note(&c.o, "%d rows\n", 3);
	mm_warn(&c.o, "server said %s", "\x1b[2Jhi");
	assert_string_equal(cap_err(&c),
			    "mmadm: warning: disk full\n"
			    "mmadm: note: 3 rows\n"
			    "mmadm: warning: server said \\x1b[2Jhi\n");
	assert_string_equal(cap_out(&c), "");
	cap_close(&c);

	cap_open_opts(&c, MM_FMT_PLAIN, false, true);
	mm_warn(&c.o, "muted");
	mm_note(&c.o, "muted too");
	assert_string_equal(cap_err(&c), "");
	cap_close(&c);
}

static void
test_long_message(void **state)
{
	char big[2000];
	char *want;
	struct cap c;

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	want = malloc(sizeof(big) + 32);
	assert_non_null(want);
	snprintf(want, sizeof(big) + 32, "mmadm: warning: %s.\n", big);
	cap_open(&c, MM_FMT_PLAIN);
	mm_warn(&c.o, "%s.", big);
	assert_string_equal(cap_err(&c), want);
	cap_close(&c);
	free(want);
}

/* ---- write failures --------------------------------------------------- */

static void
test_write_failure(void **state)
{
	struct mm_out o;
	FILE *f = fopen("/dev/full", "w");

	(void)state;
	if (f == NULL)
		skip();
	mm_out_init(&o, f, NULL, MM_FMT_PLAIN, false, false);
	assert_false(mm_out_line(&o, "x"));
	assert_true(o.write_failed);
	mm_out_release(&o);
	(void)fclose(f);
}

static void
test_write_epipe(void **state)
{
	struct mm_out o;
	int fds[2];
	FILE *f;
	void (*old)(int);

	(void)state;
	assert_int_equal(pipe(fds), 0);
	old = signal(SIGPIPE, SIG_IGN);
	assert_int_equal(close(fds[0]), 0);
	f = fdopen(fds[1], "w");
	assert_non_null(f);
	mm_out_init(&o, f, NULL, MM_FMT_PLAIN, false, false);
	assert_false(mm_out_line(&o, "x"));
	assert_false(o.write_failed); /* a closed pipe is not an error */
	mm_out_release(&o);
	(void)fclose(f);
	signal(SIGPIPE, old);
}

static void
test_stream_fail(void **state)
{
	static const enum mm_format fmts[] = {MM_FMT_JSON, MM_FMT_YAML,
					      MM_FMT_TABLE, MM_FMT_PLAIN};
	struct mm_json *a = parse("{\"id\":\"1\",\"name\":\"a\"}");
	struct cap c;

	(void)state;
	/* Failed before any row: nothing at all, in every format. */
	for (size_t i = 0; i < sizeof(fmts) / sizeof(*fmts); i++) {
		cap_open(&c, fmts[i]);
		assert_true(mm_out_list_begin(&c.o, id_cols));
		assert_true(mm_out_list_fail(&c.o));
		assert_string_equal(cap_out(&c), "");
		assert_false(mm_out_list_row(&c.o, a)); /* closed */
		cap_close(&c);
	}
	/* After a row: closed as by mm_out_list_end. */
	setenv("MMADM_JSON_COMPACT", "1", 1);
	cap_open(&c, MM_FMT_JSON);
	assert_true(mm_out_list_begin(&c.o, id_cols));
	assert_true(mm_out_list_row(&c.o, a));
	assert_true(mm_out_list_fail(&c.o));
	assert_string_equal(cap_out(&c), "[{\"id\":\"1\",\"name\":\"a\"}]\n");
	cap_close(&c);
	cap_open(&c, MM_FMT_TABLE);
	assert_true(mm_out_list_begin(&c.o, id_cols));
	assert_true(mm_out_list_row(&c.o, a));
	assert_true(mm_out_list_fail(&c.o));
	assert_string_equal(cap_out(&c), "ID  NAME\n1   a\n");
	cap_close(&c);
	mm_json_free(a);
}

#define T(f) cmocka_unit_test_setup(f, clean_env)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_format_names),    T(test_init),
		T(test_escape),          T(test_width),
		T(test_doc_object),      T(test_doc_compact_json),
		T(test_doc_array_cols),  T(test_doc_empty),
		T(test_doc_scalars),     T(test_cancel),
		T(test_doc_unsafe_json), T(test_utf8_alignment),
		T(test_truncation),      T(test_color_header),
		T(test_rows_formats),    T(test_stream_json),
		T(test_stream_yaml),     T(test_stream_yaml_scalars),
		T(test_stream_plain),    T(test_stream_table),
		T(test_stream_fail),     T(test_line),
		T(test_messages),        T(test_long_message),
		T(test_write_failure),   T(test_write_epipe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
