/* src/http/http.c: mm_http_promise_no_tls, the OpenSSL set-up skipped by
 * one-shot runs that make no TLS connection. Each case runs in a child
 * process, as library initialisation happens once per process. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */
#include "mmadm/http.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* ERR_PACK(ERR_LIB_BN, 0, BN_R_DIV_BY_ZERO) in OpenSSL 3: a reason whose
 * text ("div by zero") exists only once the error strings are loaded. */
#define BN_DIV_BY_ZERO ((3UL << 23) | 103UL)

static bool
openssl3(void)
{
	const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);

	return v != NULL && v->ssl_version != NULL &&
	       strncmp(v->ssl_version, "OpenSSL/3", 9) == 0;
}

/* The text OpenSSL has for BN_DIV_BY_ZERO, NULL when not loaded. */
static const char *
reason_text(void)
{
	const char *(*fn)(unsigned long);
	void *sym = dlsym(RTLD_DEFAULT, "ERR_reason_error_string");

	if (sym == NULL)
		return NULL;
	memcpy(&fn, &sym, sizeof(fn));
	return fn(BN_DIV_BY_ZERO);
}

/* Child: exit 0 when (promise?) the strings are absent : present. */
static int
child(bool promise)
{
	struct mm_error err;
	const char *text;

	if (promise && !mm_http_promise_no_tls())
		return 10;
	if (mm_http_global_init(&err) != MM_OK)
		return 11;
	/* Once libcurl is set up the promise comes too late. */
	if (mm_http_promise_no_tls())
		return 12;
	text = reason_text();
	if (promise)
		return text == NULL ? 0 : 13;
	return text != NULL && strstr(text, "div by zero") != NULL ? 0 : 14;
}

static int
in_child(bool promise)
{
	int status = 0;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(child(promise));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void
test_promise_skips_strings(void **state)
{
	(void)state;
	if (!openssl3())
		skip();
	assert_int_equal(in_child(true), 0);
}

static void
test_default_loads_everything(void **state)
{
	(void)state;
	if (!openssl3())
		skip();
	assert_int_equal(in_child(false), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_promise_skips_strings),
		cmocka_unit_test(test_default_loads_everything),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
