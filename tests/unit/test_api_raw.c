/* src/api/raw.c (mmadm api), the events sequence bookkeeping and the
 * WebSocket handshake key. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */
#include "mmadm/api_events.h"
#include "mmadm/api_raw.h"
#include "mmadm/ws.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
test_method(void **state)
{
	char m[8];
	struct mm_error err;

	(void)state;
	mm_error_clear(&err);
	assert_int_equal(mm_api_raw_method("patch", m, sizeof(m), &err), MM_OK);
	assert_string_equal(m, "PATCH");
	assert_int_equal(mm_api_raw_method("FETCH", m, sizeof(m), &err),
			 MM_ERR_USAGE);
}

static void
check_path(const char *in, const char *want)
{
	struct mm_buf b = MM_BUF_INIT;
	struct mm_error err;

	mm_error_clear(&err);
	if (want == NULL) {
		assert_int_equal(mm_api_raw_path(in, &b, &err), MM_ERR_USAGE);
	} else {
		assert_int_equal(mm_api_raw_path(in, &b, &err), MM_OK);
		assert_string_equal(mm_buf_str(&b), want);
	}
	mm_buf_release(&b);
}

static void
test_path(void **state)
{
	(void)state;
	check_path("/users/me", "/api/v4/users/me");
	check_path("users/me?x=1", "/api/v4/users/me?x=1");
	check_path("/api/v4/users/me", "/api/v4/users/me");
	check_path("api/v4/system/ping", "/api/v4/system/ping");
	check_path("//api/v4/x", "/api/v4/x");
	check_path("https://h/api/v4/users/me", NULL);
	check_path("/a b", NULL);
	check_path("/a\tb", NULL);
	check_path("", NULL);
	/* dot segments would leave /api/v4 (libcurl resolves them) */
	check_path("/../../etc/passwd", NULL);
	check_path("/users/..", NULL);
	check_path("/users/./me", NULL);
	check_path(".", NULL);
	check_path("..", NULL);
	check_path("/api/v4/../x", NULL);
	check_path("/%2e%2E/x", NULL);
	check_path("/.%2e/x", NULL);
	check_path("/%2E/x", NULL);
	check_path("/users/..%2fx", NULL);
	check_path("/users/..%5Cx", NULL);
	check_path("/users/..?x=1", NULL);
	/* dots that are no segment, or only in the query, are fine */
	check_path("/files/a..b", "/api/v4/files/a..b");
	check_path("/x/...", "/api/v4/x/...");
	check_path("/x/.hidden", "/api/v4/x/.hidden");
	check_path("/x?next=../y", "/api/v4/x?next=../y");
	check_path("/x/%2e%2e%2e", "/api/v4/x/%2e%2e%2e");
	check_path("/x/%252e%252e", "/api/v4/x/%252e%252e");
}

static struct mm_json *
body(const char *const *specs, const bool *typed, size_t n, enum mm_result want)
{
	struct mm_raw_field f[8];
	struct mm_json *doc = NULL;
	struct mm_error err;

	for (size_t i = 0; i < n; i++) {
		f[i].spec = specs[i];
		f[i].typed = typed[i];
	}
	mm_error_clear(&err);
	assert_int_equal(mm_api_raw_body(f, n, &doc, &err), want);
	return doc;
}

static void
assert_json(const struct mm_json *doc, const char *want)
{
	struct mm_buf b = MM_BUF_INIT;

	assert_true(mm_json_print(doc, false, &b));
	assert_string_equal(mm_buf_str(&b), want);
	mm_buf_release(&b);
}

static void
test_body_fields(void **state)
{
	const char *s1[] = {"a=1",   "b=1",   "c=true", "d=null",
			    "e=-12", "f=1.5", "g=x=y"};
	const bool t1[] = {false, true, true, true, true, true, true};
	const char *s2[] = {"S[A][B]=1", "S[A][C]=x", "L[]=1", "L[]=two"};
	const bool t2[] = {true, false, true, false};
	const char *bad[][2] = {{"a=1", "a=2"},    {"a=1", "a[b]=2"},
				{"=1", "x=1"},     {"a[b=1", "x=1"},
				{"a[]x=1", "x=1"}, {"noequals", "x=1"}};
	struct mm_json *doc;

	(void)state;
	doc = body(s1, t1, 7, MM_OK);
	assert_json(doc, "{\"a\":\"1\",\"b\":1,\"c\":true,\"d\":null,\"e\":-12,"
			 "\"f\":\"1.5\",\"g\":\"x=y\"}");
	mm_json_free(doc);
	doc = body(s2, t2, 4, MM_OK);
	assert_json(doc, "{\"S\":{\"A\":{\"B\":1,\"C\":\"x\"}},\"L\":[1,"
			 "\"two\"]}");
	mm_json_free(doc);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const bool t[] = {false, false};

		doc = body(bad[i], t, 2, MM_ERR_USAGE);
		assert_null(doc);
	}
}

static void
test_file_field(void **state)
{
	char path[] = "/tmp/mmadm-raw-XXXXXX";
	int fd = mkstemp(path);
	char spec[64];
	const char *s[1] = {spec};
	const bool t[1] = {true};
	struct mm_json *doc;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "two\nlines", 9), 9);
	close(fd);
	snprintf(spec, sizeof(spec), "text=@%s", path);
	doc = body(s, t, 1, MM_OK);
	assert_json(doc, "{\"text\":\"two\\nlines\"}");
	mm_json_free(doc);
	unlink(path);
	doc = body(s, t, 1, MM_ERR_IO);
	assert_null(doc);
}

/* Write n bytes to a new temp file; its name in path. */
static void
temp_file(char *path, const char *data, size_t n)
{
	int fd;

	strcpy(path, "/tmp/mmadm-raw-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	close(fd);
}

static void
test_file_field_text_only(void **state)
{
	static const struct {
		const char *data;
		size_t n;
		const char *want; /* NULL = refused */
	} cases[] = {
		{"abc\0def", 7, NULL},
		{"ab\xff", 3, NULL},
		{"\xc3\xa9t\xc3", 4, NULL}, /* truncated */
		{"\xc0\xaf", 2, NULL},      /* overlong */
		{"\xed\xa0\x80", 3, NULL},  /* surrogate */
		{"\xc3\xa9t\xc3\xa9", 5, "{\"m\":\"\xc3\xa9t\xc3\xa9\"}"},
		{"", 0, "{\"m\":\"\"}"},
	};
	char path[32], spec[64];
	const char *s[1] = {spec};
	const bool t[1] = {true};
	struct mm_raw_field f = {spec, true};
	struct mm_json *doc;
	struct mm_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		temp_file(path, cases[i].data, cases[i].n);
		snprintf(spec, sizeof(spec), "m=@%s", path);
		if (cases[i].want != NULL) {
			doc = body(s, t, 1, MM_OK);
			assert_json(doc, cases[i].want);
			mm_json_free(doc);
		} else {
			mm_error_clear(&err);
			doc = NULL;
			assert_int_equal(mm_api_raw_body(&f, 1, &doc, &err),
					 MM_ERR_USAGE);
			assert_null(doc);
			assert_non_null(strstr(err.message, path));
			assert_non_null(strstr(err.message, "offset"));
			assert_non_null(strstr(err.message, "--input"));
		}
		unlink(path);
	}
	temp_file(path, "abc\0", 4);
	snprintf(spec, sizeof(spec), "m=@%s", path);
	mm_error_clear(&err);
	assert_int_equal(mm_api_raw_body(&f, 1, &doc, &err), MM_ERR_USAGE);
	assert_non_null(strstr(err.message, "NUL byte at offset 3"));
	unlink(path);
}

static void
test_secret_file(void **state)
{
	char path[32];
	struct mm_buf b = MM_BUF_INIT;
	struct mm_error err;

	(void)state;
	mm_error_clear(&err);
	temp_file(path, "tok\r\n", 5);
	assert_int_equal(mm_read_secret_file(path, &b, "token", &err), MM_OK);
	assert_string_equal(mm_buf_str(&b), "tok");
	unlink(path);
	mm_buf_reset(&b);
	temp_file(path, "ab\0cd\n", 6);
	assert_int_equal(mm_read_secret_file(path, &b, "token", &err),
			 MM_ERR_USAGE);
	assert_non_null(strstr(err.message, "NUL byte at offset 2"));
	assert_null(strstr(err.message, "cd"));
	unlink(path);
	mm_buf_reset(&b);
	temp_file(path, "ab\x1b[2Jcd", 8);
	assert_int_equal(mm_read_secret_file(path, &b, "token", &err),
			 MM_ERR_USAGE);
	assert_non_null(strstr(err.message, "control character at offset 2"));
	unlink(path);
	mm_buf_wipe(&b);
}

static void
test_query_fields(void **state)
{
	struct mm_raw_field f[] = {{"q=a b&c", false}, {"x[]=1", true}};
	struct mm_buf p = MM_BUF_INIT;
	struct mm_error err;

	(void)state;
	mm_error_clear(&err);
	assert_true(mm_buf_puts(&p, "/api/v4/x"));
	assert_int_equal(mm_api_raw_query(f, 2, &p, &err), MM_OK);
	assert_string_equal(mm_buf_str(&p), "/api/v4/x?q=a%20b%26c&x%5B%5D=1");
	mm_buf_reset(&p);
	assert_true(mm_buf_puts(&p, "/api/v4/x?y=2"));
	assert_int_equal(mm_api_raw_query(f, 1, &p, &err), MM_OK);
	assert_string_equal(mm_buf_str(&p), "/api/v4/x?y=2&q=a%20b%26c");
	mm_buf_release(&p);
}

static void
test_headers(void **state)
{
	struct mm_error err;

	(void)state;
	mm_error_clear(&err);
	assert_int_equal(mm_api_raw_header("X-A: b", &err), MM_OK);
	assert_int_equal(mm_api_raw_header("Content-Type:text/plain", &err),
			 MM_OK);
	assert_int_equal(mm_api_raw_header("authorization: Bearer x", &err),
			 MM_ERR_USAGE);
	assert_int_equal(mm_api_raw_header("Cookie: a=b", &err), MM_ERR_USAGE);
	assert_int_equal(mm_api_raw_header("no colon", &err), MM_ERR_USAGE);
	assert_int_equal(mm_api_raw_header("Bad Name: x", &err), MM_ERR_USAGE);
	assert_int_equal(mm_api_raw_header("X: a\nb", &err), MM_ERR_USAGE);
}

/* ---- a fake transport for the call and --paginate ---- */
struct fake {
	int calls;
	char paths[8][256];
	long status;
	const char *ctype;
	const char *reply;
};

static enum mm_result
fake_send(void *ud, const struct mm_http_req *req, struct mm_http_resp *resp,
	  struct mm_error *err)
{
	struct fake *f = ud;
	char reply[4096];

	(void)err;
	if (f->calls < 8)
		snprintf(f->paths[f->calls], sizeof(f->paths[0]), "%s %s",
			 req->method, req->path);
	f->calls++;
	resp->status = f->status;
	mm_strlcpy(resp->content_type, f->ctype, sizeof(resp->content_type));
	if (f->reply == NULL) {
		/* pages of 2: a full page, then a short one */
		snprintf(reply, sizeof(reply), "%s",
			 f->calls < 2 ? "[{\"n\":1},{\"n\":2}]"
				      : "[{\"n\":3}]");
		mm_buf_puts(&resp->body, reply);
	} else {
		mm_buf_puts(&resp->body, f->reply);
	}
	return MM_OK;
}

static int items;

static bool
count_item(void *ud, struct mm_json *item)
{
	(void)ud;
	(void)item;
	items++;
	return true;
}

static void
test_call_and_paginate(void **state)
{
	struct fake f = {0, {{0}}, 200, "application/json", "{\"a\":1}"};
	struct mm_client c;
	struct mm_raw_req req;
	struct mm_raw_result res;
	struct mm_error err;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.send = fake_send;
	c.send_ud = &f;
	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.path = "/api/v4/x";
	mm_error_clear(&err);
	assert_int_equal(mm_api_raw_call(&c, &req, &res, &err), MM_OK);
	assert_non_null(res.doc);
	assert_int_equal(res.body.len, 0);
	mm_api_raw_result_release(&res);
	f.ctype = "text/plain";
	f.reply = "hello";
	assert_int_equal(mm_api_raw_call(&c, &req, &res, &err), MM_OK);
	assert_null(res.doc);
	assert_string_equal(mm_buf_str(&res.body), "hello");
	mm_api_raw_result_release(&res);
	f.status = 404;
	f.ctype = "application/json";
	f.reply = "{\"id\":\"api.context.404.app_error\",\"message\":\"nope\"}";
	assert_int_equal(mm_api_raw_call(&c, &req, &res, &err),
			 MM_ERR_NOTFOUND);
	assert_string_equal(err.server_id, "api.context.404.app_error");
	mm_api_raw_result_release(&res);
	/* --paginate: the path's own page size, page params replaced */
	memset(&f, 0, sizeof(f));
	f.status = 200;
	f.ctype = "application/json";
	items = 0;
	assert_int_equal(mm_api_raw_paginate(&c, "/api/v4/l?per_page=2&x=1",
					     count_item, NULL, NULL, &err),
			 MM_OK);
	assert_int_equal(items, 3);
	assert_int_equal(f.calls, 2);
	assert_string_equal(f.paths[0], "GET /api/v4/l?x=1&page=0&per_page=2");
	assert_string_equal(f.paths[1], "GET /api/v4/l?x=1&page=1&per_page=2");
	memset(&f, 0, sizeof(f));
	f.status = 200;
	f.ctype = "application/json";
	f.reply = "{\"not\":\"a list\"}";
	assert_int_equal(mm_api_raw_paginate(&c, "/api/v4/l?page=3", count_item,
					     NULL, NULL, &err),
			 MM_ERR_RESPONSE);
	assert_non_null(strstr(err.message, "--paginate"));
	assert_string_equal(f.paths[0], "GET /api/v4/l?page=3&per_page=200");
	/* a server answering the same full page for every page: stopped at
	 * the second, whose rows are not passed on */
	memset(&f, 0, sizeof(f));
	f.status = 200;
	f.ctype = "application/json";
	f.reply = "[{\"n\":1},{\"n\":2}]";
	items = 0;
	assert_int_equal(mm_api_raw_paginate(&c, "/api/v4/l?per_page=2",
					     count_item, NULL, NULL, &err),
			 MM_ERR_RESPONSE);
	assert_int_equal(f.calls, 2);
	assert_int_equal(items, 2);
	assert_non_null(strstr(err.message, "the same page twice"));
	assert_null(strstr(err.message, "--paginate"));
	/* a list of the wrong elements, with the flag */
	{
		struct mm_page_req pr;

		memset(&f, 0, sizeof(f));
		f.status = 200;
		f.ctype = "application/json";
		f.reply = "[{\"n\":1},2]";
		memset(&pr, 0, sizeof(pr));
		pr.path = "/api/v4/l";
		pr.per_page = 2;
		pr.all = true;
		pr.flags = MM_API_WANT_OBJECTS;
		items = 0;
		assert_int_equal(
			mm_api_paged(&c, &pr, count_item, NULL, NULL, &err),
			MM_ERR_RESPONSE);
		assert_int_equal(items, 0);
		assert_non_null(strstr(err.message, "unexpected response"));
	}
}

/* ---- events ---- */

static void
test_events_seq(void **state)
{
	struct mm_events_seq s;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(mm_events_seq_step(&s, 0), 0);
	assert_int_equal(mm_events_seq_step(&s, 1), 0);
	assert_int_equal(s.next, 2);
	assert_int_equal(mm_events_seq_step(&s, 1), -1); /* duplicate */
	assert_int_equal(mm_events_seq_step(&s, 5), 3);  /* 2, 3, 4 lost */
	assert_int_equal(s.next, 6);
}

/* ---- WebSocket handshake ---- */

static void
test_sha1_and_accept(void **state)
{
	unsigned char d[20];
	char hex[41], accept[29];
	char big[1000];

	(void)state;
	mm_sha1("abc", 3, d);
	for (int i = 0; i < 20; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	assert_string_equal(hex, "a9993e364706816aba3e25717850c26c9cd0d89d");
	mm_sha1("", 0, d);
	for (int i = 0; i < 20; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	assert_string_equal(hex, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
	memset(big, 'a', sizeof(big));
	mm_sha1(big, sizeof(big), d);
	for (int i = 0; i < 20; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	assert_string_equal(hex, "291e9a6c66994949b57ba5e650361e98fc36b1ba");
	/* RFC 6455, section 1.3 */
	mm_ws_accept_key("dGhlIHNhbXBsZSBub25jZQ==", accept);
	assert_string_equal(accept, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_method),
		cmocka_unit_test(test_path),
		cmocka_unit_test(test_body_fields),
		cmocka_unit_test(test_file_field),
		cmocka_unit_test(test_file_field_text_only),
		cmocka_unit_test(test_secret_file),
		cmocka_unit_test(test_query_fields),
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_call_and_paginate),
		cmocka_unit_test(test_events_seq),
		cmocka_unit_test(test_sha1_and_accept),
	};

	return cmocka_run_group_tests_name("api_raw", tests, NULL, NULL);
}
