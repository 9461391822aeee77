/* mm_json iteration: first/next, last/prev against mm_json_at. */
/* cmocka needs these first, in this order. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include "mmadm/json.h"

#include <string.h>

static struct mm_json *
parse(const char *text)
{
	struct mm_json *j = NULL;
	struct mm_error err;

	assert_int_equal(mm_json_parse(text, strlen(text), &j, &err), MM_OK);
	return j;
}

/* Forward and backward walks visit exactly mm_json_at's members. */
static void
check_walks(const struct mm_json *j)
{
	size_t n = mm_json_size(j), i = 0;
	const struct mm_json *m;

	for (m = mm_json_first(j); m != NULL; m = mm_json_next(m)) {
		assert_true(i < n);
		assert_ptr_equal(m, mm_json_at(j, i));
		i++;
	}
	assert_int_equal(i, n);
	for (m = mm_json_last(j); m != NULL; m = mm_json_prev(m)) {
		assert_true(i > 0);
		i--;
		assert_ptr_equal(m, mm_json_at(j, i));
	}
	assert_int_equal(i, 0);
}

static void
test_array(void **state)
{
	struct mm_json *j = parse("[1, \"two\", [3], {\"four\": 4}, null]");
	const struct mm_json *m;

	(void)state;
	check_walks(j);
	m = mm_json_first(j);
	assert_int_equal(mm_json_number(m), 1);
	m = mm_json_next(m);
	assert_string_equal(mm_json_string(m), "two");
	assert_int_equal(mm_json_type(mm_json_last(j)), MM_JSON_NULL);
	/* A nested container is walked on its own, not past its end. */
	m = mm_json_first(mm_json_at(j, 2));
	assert_int_equal(mm_json_number(m), 3);
	assert_null(mm_json_next(m));
	assert_null(mm_json_prev(m));
	assert_ptr_equal(mm_json_last(mm_json_at(j, 2)), m);
	mm_json_free(j);
}

static void
test_object(void **state)
{
	struct mm_json *j =
		parse("{\"a\": 1, \"b\": {\"c\": true}, \"d\": []}");
	const struct mm_json *m;

	(void)state;
	check_walks(j);
	m = mm_json_first(j);
	assert_string_equal(mm_json_key(m), "a");
	m = mm_json_next(m);
	assert_string_equal(mm_json_key(m), "b");
	assert_string_equal(mm_json_key(mm_json_last(j)), "d");
	assert_string_equal(mm_json_key(mm_json_prev(mm_json_last(j))), "b");
	assert_null(mm_json_prev(mm_json_first(j)));
	mm_json_free(j);
}

static void
test_empty_and_scalars(void **state)
{
	const char *docs[] = {"[]", "{}", "1", "\"s\"", "null", "true"};

	(void)state;
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		struct mm_json *j = parse(docs[i]);

		assert_null(mm_json_first(j));
		assert_null(mm_json_last(j));
		check_walks(j);
		mm_json_free(j);
	}
	assert_null(mm_json_first(NULL));
	assert_null(mm_json_last(NULL));
	assert_null(mm_json_next(NULL));
	assert_null(mm_json_prev(NULL));
}

/* Built, appended to, replaced into and duplicated trees keep the tail. */
static void
test_built(void **state)
{
	struct mm_json *a = mm_json_new_array();
	struct mm_json *o = mm_json_new_object();
	struct mm_json *d;

	(void)state;
	assert_null(mm_json_last(a));
	for (int i = 0; i < 5; i++) {
		char s[2] = {(char)('a' + i), 0};

		assert_true(mm_json_append(a, mm_json_new_string(s)));
		assert_string_equal(mm_json_string(mm_json_last(a)), s);
		check_walks(a);
	}
	assert_true(mm_json_set_string(o, "x", "1"));
	assert_true(mm_json_set_string(o, "y", "2"));
	assert_true(mm_json_set_string(o, "z", "3"));
	assert_true(mm_json_set_string(o, "z", "4")); /* replaces the tail */
	assert_string_equal(mm_json_string(mm_json_last(o)), "4");
	assert_true(mm_json_set_string(o, "x", "5")); /* replaces the head */
	assert_string_equal(mm_json_string(mm_json_first(o)), "5");
	check_walks(o);
	d = mm_json_dup(a);
	check_walks(d);
	assert_true(mm_json_append(d, mm_json_new_string("f")));
	assert_string_equal(mm_json_string(mm_json_last(d)), "f");
	assert_int_equal(mm_json_size(d), 6);
	check_walks(d);
	mm_json_free(d);
	mm_json_free(a);
	mm_json_free(o);
}

/* A long array: the walks are linear (this would take seconds if not). */
static void
test_long(void **state)
{
	struct mm_json *a = mm_json_new_array();
	const struct mm_json *m;
	size_t n = 0;

	(void)state;
	for (int i = 0; i < 200000; i++)
		assert_true(mm_json_append(a, mm_json_new_string("x")));
	for (m = mm_json_first(a); m != NULL; m = mm_json_next(m))
		n++;
	assert_int_equal(n, 200000);
	for (m = mm_json_last(a); m != NULL; m = mm_json_prev(m))
		n--;
	assert_int_equal(n, 0);
	mm_json_free(a);
}

struct pieces {
	struct mm_buf all;
	size_t calls;
};

static bool
take_piece(void *ud, struct mm_buf *out)
{
	struct pieces *p = ud;

	p->calls++;
	assert_true(mm_buf_append(&p->all, out->data, out->len));
	mm_buf_reset(out);
	return true;
}

/* Printing in pieces gives the same text, escapes and indentation
 * included, and never cuts a string. */
static void
test_print_chunked(void **state)
{
	struct mm_json *j = parse(
		"{\"a\": [1, 2.5, \"x\\\"y\\\\z\\n\\t\\u0001\\u007f\u00e9\"], "
		"\"b\": {\"c\": null, \"d\": [true, false, {}, []]}, "
		"\"long\": \"0123456789012345678901234567890123456789\"}");

	(void)state;
	for (int pretty = 0; pretty < 2; pretty++) {
		struct mm_buf whole = MM_BUF_INIT, rest = MM_BUF_INIT;
		struct pieces p = {MM_BUF_INIT, 0};

		assert_true(mm_json_print(j, pretty, &whole));
		assert_true(mm_json_print_chunked(j, pretty, &rest, 1,
						  take_piece, &p));
		assert_true(p.calls > 3);
		assert_true(mm_buf_append(&p.all, rest.data, rest.len));
		assert_string_equal(mm_buf_str(&p.all), mm_buf_str(&whole));
		mm_buf_release(&whole);
		mm_buf_release(&rest);
		mm_buf_release(&p.all);
	}
	mm_json_free(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_array),
		cmocka_unit_test(test_object),
		cmocka_unit_test(test_empty_and_scalars),
		cmocka_unit_test(test_built),
		cmocka_unit_test(test_long),
		cmocka_unit_test(test_print_chunked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
