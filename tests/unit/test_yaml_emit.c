/* mm_yaml_emit: block style, quoting of strings that look typed. */
/* cmocka needs these first, in this order. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include "mmadm/json.h"
#include "mmadm/yaml.h"

#include <stdlib.h>
#include <string.h>

static struct mm_json *
parse(const char *text)
{
	struct mm_json *j = NULL;
	struct mm_error err;

	assert_int_equal(mm_json_parse(text, strlen(text), &j, &err), MM_OK);
	return j;
}

static void
check(const char *json, const char *yaml)
{
	struct mm_json *j = parse(json);
	struct mm_buf b = MM_BUF_INIT;

	assert_true(mm_yaml_emit(j, &b));
	assert_string_equal(mm_buf_str(&b), yaml);
	mm_buf_release(&b);
	mm_json_free(j);
}

static void
test_scalars(void **state)
{
	(void)state;
	check("\"hello\"", "hello\n");
	check("\"true\"", "\"true\"\n");
	check("true", "true\n");
	check("12", "12\n");
	check("-1.5", "-1.5\n");
	check("null", "null\n");
	check("\"\"", "\"\"\n");
}

static void
test_quoting(void **state)
{
	(void)state;
	check("[\"true\",\"False\",\"123\",\"\",\"null\",\"~\",\"yes\",\"off\","
	      "\"1.5\",\"0x1f\",\"1e3\",\".inf\",\"2024-01-02\",\"12:30\","
	      "\"plain\",\"hello world\",\"x: y\",\"- a\",\"#c\"]",
	      "- \"true\"\n"
	      "- \"False\"\n"
	      "- \"123\"\n"
	      "- \"\"\n"
	      "- \"null\"\n"
	      "- \"~\"\n"
	      "- \"yes\"\n"
	      "- \"off\"\n"
	      "- \"1.5\"\n"
	      "- \"0x1f\"\n"
	      "- \"1e3\"\n"
	      "- \".inf\"\n"
	      "- \"2024-01-02\"\n"
	      "- \"12:30\"\n"
	      "- plain\n"
	      "- hello world\n"
	      "- 'x: y'\n"
	      "- '- a'\n"
	      "- '#c'\n");
	/* Real typed values stay plain. */
	check("[true,false,null,123,0.25]",
	      "- true\n- false\n- null\n- 123\n- 0.25\n");
}

static void
test_keys_quoted(void **state)
{
	(void)state;
	check("{\"true\":1,\"123\":\"x\",\"\":null,\"n\":\"no\"}",
	      "\"true\": 1\n\"123\": x\n\"\": null\n\"n\": \"no\"\n");
}

static void
test_nested(void **state)
{
	(void)state;
	check("{\"ServiceSettings\":{\"SiteURL\":\"https://x.example\","
	      "\"ListenAddress\":\":8065\",\"Ports\":[80,443],"
	      "\"Empty\":{},\"None\":[]},"
	      "\"Teams\":[{\"name\":\"a\",\"ids\":[[1,2],[]]}]}",
	      "ServiceSettings:\n"
	      "  SiteURL: https://x.example\n"
	      "  ListenAddress: :8065\n"
	      "  Ports:\n"
	      "  - 80\n"
	      "  - 443\n"
	      "  Empty: {}\n"
	      "  None: []\n"
	      "Teams:\n"
	      "- name: a\n"
	      "  ids:\n"
	      "  - - 1\n"
	      "    - 2\n"
	      "  - []\n");
	check("{}", "{}\n");
	check("[]", "[]\n");
}

static void
test_multiline(void **state)
{
	(void)state;
	check("{\"text\":\"line 1\\nline 2\\n\",\"t2\":\"a\\n\\nb\"}",
	      "text: |\n  line 1\n  line 2\nt2: |-\n  a\n\n  b\n");
	/* Trailing spaces cannot be literal: double-quoted. */
	check("\"a  \\nb\"", "\"a  \\nb\"\n");
}

static void
test_unsafe_text(void **state)
{
	struct mm_json *obj = mm_json_new_object();
	struct mm_buf b = MM_BUF_INIT;

	(void)state;
	/* Controls are escaped by libyaml; invalid UTF-8 becomes U+FFFD. */
	check("[\"\\u001b[31mred\",\"\\u009b2J\",\"tab\\there\",\"日本\","
	      "\"é\"]",
	      "- \"\\e[31mred\"\n- \"\\x9B2J\"\n- \"tab\\there\"\n- 日本\n"
	      "- é\n");
	/* A bidi override or zero-width space anywhere: every non-ASCII
	 * character is escaped, the values stay the same. */
	check("[\"x\\u202ey\",\"日本\"]",
	      "- \"x\\u202Ey\"\n- \"\\u65E5\\u672C\"\n");
	check("{\"a\\u200bb\":1}", "\"a\\u200Bb\": 1\n");
	assert_true(mm_json_set_string(obj, "k\xff", "bad\xc3(x"));
	assert_true(mm_yaml_emit(obj, &b));
	assert_string_equal(mm_buf_str(&b),
			    "k\xef\xbf\xbd: bad\xef\xbf\xbd(x\n");
	mm_buf_release(&b);
	mm_json_free(obj);
}

static void
test_appends(void **state)
{
	struct mm_json *j = parse("{\"a\":1}");
	struct mm_buf b = MM_BUF_INIT;

	(void)state;
	assert_true(mm_buf_puts(&b, "# head\n"));
	assert_true(mm_yaml_emit(j, &b));
	assert_string_equal(mm_buf_str(&b), "# head\na: 1\n");
	mm_buf_release(&b);
	mm_json_free(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_keys_quoted),
		cmocka_unit_test(test_nested),
		cmocka_unit_test(test_multiline),
		cmocka_unit_test(test_unsafe_text),
		cmocka_unit_test(test_appends),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
