/* src/util/dl.c: optional libraries opened on first use. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */
#include "mmadm/dl.h"

#include <string.h>
#include <unistd.h>

static struct {
	__typeof__(getpid) *getpid;
	__typeof__(strlen) *strlen;
} libc;

static void
test_load_and_cache(void **state)
{
	const struct mm_dl_sym syms[] = {
		MM_DL_SYM(libc, getpid), MM_DL_SYM(libc, strlen), {NULL, NULL}};
	struct mm_error err;

	(void)state;
	mm_error_clear(&err);
	assert_int_equal(mm_dl_load("libc.so.6", "test", syms, &err), MM_OK);
	assert_non_null(libc.getpid);
	assert_int_equal(libc.getpid(), getpid());
	assert_int_equal(libc.strlen("abc"), 3);
	/* A second call is a no-op that still succeeds. */
	assert_int_equal(mm_dl_load("libc.so.6", "test", syms, &err), MM_OK);
}

static void
test_missing_library(void **state)
{
	static const char what[] =
		"the test needs libnosuch (Debian package libnosuch9)";
	static void *slot;
	const struct mm_dl_sym syms[] = {{"nothing", &slot}, {NULL, NULL}};
	struct mm_error err;

	(void)state;
	mm_error_clear(&err);
	assert_int_equal(mm_dl_load("libmmadm-no-such.so.9", what, syms, &err),
			 MM_ERR_OTHER);
	assert_int_equal(err.kind, MM_ERR_OTHER);
	/* "WHAT: dlerror()", one line, naming the library. */
	assert_memory_equal(err.message, what, sizeof(what) - 1);
	assert_memory_equal(err.message + sizeof(what) - 1, ": ", 2);
	assert_non_null(strstr(err.message, "libmmadm-no-such.so.9"));
	assert_null(strchr(err.message, '\n'));
	assert_null(slot);
}

static void
test_missing_symbol(void **state)
{
	static void *a, *b;
	const struct mm_dl_sym syms[] = {
		{"getpid", &a}, {"mmadm_no_such_symbol", &b}, {NULL, NULL}};
	struct mm_error err;

	(void)state;
	mm_error_clear(&err);
	assert_int_equal(mm_dl_load("libc.so.6", "libc", syms, &err),
			 MM_ERR_OTHER);
	assert_non_null(strstr(err.message, "mmadm_no_such_symbol"));
	/* All or nothing: no slot was filled. */
	assert_null(a);
	assert_null(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_and_cache),
		cmocka_unit_test(test_missing_library),
		cmocka_unit_test(test_missing_symbol),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
