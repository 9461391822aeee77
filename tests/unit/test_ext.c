/* src/cli extensions: --curl rendering, fleet selection and rows, --jq,
 * JSON lines. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */
#include "mmadm/cli_ext.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- an output captured in memory ---- */
struct cap {
	struct mm_out o;
	FILE *f;
	char *text;
	size_t len;
};

static void
cap_open(struct cap *c, enum mm_format fmt)
{
	memset(c, 0, sizeof(*c));
	c->f = open_memstream(&c->text, &c->len);
	assert_non_null(c->f);
	mm_out_init(&c->o, c->f, NULL, fmt, true, true);
}

static const char *
cap_text(struct cap *c)
{
	fflush(c->f);
	return c->text;
}

static void
cap_close(struct cap *c)
{
	mm_out_release(&c->o);
	fclose(c->f);
	free(c->text);
}

/* ---- --curl ---- */

static void
test_shell_quote(void **state)
{
	struct mm_buf b = MM_BUF_INIT;

	(void)state;
	assert_true(mm_shell_quote("it's $HOME", &b));
	assert_string_equal(mm_buf_str(&b), "'it'\\''s $HOME'");
	mm_buf_release(&b);
}

static void
test_curl_get_and_local(void **state)
{
	struct mm_curl_target t = {
		"https://chat.example.com", NULL, true, false, NULL, 0, NULL};
	struct mm_http_req req;
	struct mm_buf b = MM_BUF_INIT;

	(void)state;
	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.path = "/api/v4/system/ping?a=1&b=2";
	assert_true(mm_curl_command(&t, &req, &b));
	assert_non_null(strstr(mm_buf_str(&b),
			       "curl -sS --compressed "
			       "'https://chat.example.com/api/v4/system/"
			       "ping?a=1&b=2'"));
	assert_non_null(strstr(mm_buf_str(&b),
			       "-H \"Authorization: Bearer $MMADM_TOKEN\""));
	assert_null(strstr(mm_buf_str(&b), " -X "));
	mm_buf_reset(&b);
	/* local: the socket, no token, HEAD */
	t.url = NULL;
	t.socket = "/var/tmp/mm.sock";
	t.token = false;
	req.method = "HEAD";
	assert_true(mm_curl_command(&t, &req, &b));
	assert_non_null(strstr(mm_buf_str(&b),
			       "--unix-socket '/var/tmp/mm.sock' "
			       "--compressed --head 'http://localhost/api/v4"));
	assert_null(strstr(mm_buf_str(&b), "Authorization"));
	mm_buf_release(&b);
}

static void
test_curl_bodies(void **state)
{
	struct mm_curl_target t = {"http://h",    NULL, true,     true,
				   "/etc/ca.pem", 9,    "mmadm/x"};
	static const char body[] =
		"{\"SqlSettings\":{\"DataSource\":\"postgres://u:pw@db\"},"
		"\"Name\":\"it's\"}";
	const char *hdrs[] = {"X-RemoteCluster-Token: abc", "X-Plain: 1", NULL};
	struct mm_http_part parts[2] = {
		{"certificate", NULL, "my \"cert\".pem", stdin, 10, NULL, NULL},
		{"force", "true", NULL, NULL, 0, NULL, NULL},
	};
	/* the local file is shown, the server's name added when it
	 * differs */
	struct mm_http_part local[3] = {
		{"license", NULL, "a.txt", stdin, 3, NULL, "ex/a.txt"},
		{"image", NULL, "logo.png", stdin, 3, NULL,
		 "/abs/it's/logo.png"},
		{"files", NULL, "name.bin", stdin, 3, "text/plain",
		 "d/o\"dd;x,y.bin"},
	};
	struct mm_http_req req;
	struct mm_buf b = MM_BUF_INIT;
	const char *s;

	(void)state;
	memset(&req, 0, sizeof(req));
	req.method = "PUT";
	req.path = "/api/v4/config/patch";
	req.body = body;
	req.body_len = strlen(body);
	req.headers = hdrs;
	assert_true(mm_curl_command(&t, &req, &b));
	s = mm_buf_str(&b);
	assert_non_null(strstr(s, " -k --cacert '/etc/ca.pem' --max-time 9"));
	assert_non_null(strstr(s, "-X PUT"));
	assert_non_null(strstr(s, "-A 'mmadm/x'"));
	assert_non_null(strstr(s, "-H 'Content-Type: application/json'"));
	assert_null(strstr(s, "postgres://"));
	assert_null(strstr(s, "abc"));
	assert_non_null(strstr(s, "-H \"X-RemoteCluster-Token: "
				  "$MMADM_X_REMOTECLUSTER_TOKEN\""));
	assert_non_null(strstr(s, "-H 'X-Plain: 1'"));
	assert_non_null(strstr(s, "\"Name\":\"it'\\''s\""));
	assert_true(s[b.len - 1] == '\n');
	mm_buf_reset(&b);
	/* multipart: files by name, text parts as --form-string */
	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.path = "/api/v4/saml/certificate/public";
	req.parts = parts;
	req.nparts = 2;
	assert_true(mm_curl_command(&t, &req, &b));
	s = mm_buf_str(&b);
	assert_null(strstr(s, "-X POST"));
	assert_non_null(strstr(s, "-F 'certificate=@\"my \\\"cert\\\".pem\"'"));
	assert_non_null(strstr(s, "--form-string 'force=true'"));
	mm_buf_reset(&b);
	req.parts = local;
	req.nparts = 3;
	assert_true(mm_curl_command(&t, &req, &b));
	s = mm_buf_str(&b);
	assert_non_null(strstr(s, "-F 'license=@\"ex/a.txt\"'"));
	assert_non_null(strstr(s, "-F 'image=@\"/abs/it'\\''s/logo.png\"'"));
	assert_non_null(strstr(s, "-F 'files=@\"d/o\\\"dd;x,y.bin\";"
				  "filename=\"name.bin\";type=text/plain'"));
	mm_buf_reset(&b);
	/* a streamed body comes from standard input */
	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.path = "/api/v4/uploads/x";
	req.upload = stdin;
	req.upload_size = 1234;
	req.content_type = "application/octet-stream";
	assert_true(mm_curl_command(&t, &req, &b));
	s = mm_buf_str(&b);
	assert_non_null(strstr(s, "# the 1234-byte body is read from "
				  "standard input\n"));
	assert_non_null(strstr(s, "--data-binary '@-'"));
	mm_buf_release(&b);
}

/* ---- fleet selection and rows ---- */

static void
profiles(struct mm_profiles *set)
{
	static const char *const names[] = {"prod-eu", "prod-us", "staging",
					    NULL};

	memset(set, 0, sizeof(*set));
	for (size_t i = 0; names[i] != NULL; i++) {
		struct mm_profile p;

		memset(&p, 0, sizeof(p));
		p.name = (char *)names[i];
		p.url = (char *)"https://x";
		assert_true(mm_profiles_put(set, &p));
	}
}

static void
test_fleet_select(void **state)
{
	struct mm_profiles set;
	struct mm_strv names = MM_STRV_INIT;
	struct mm_error err;

	(void)state;
	profiles(&set);
	mm_error_clear(&err);
	assert_int_equal(mm_fleet_select(&set, "staging, prod-eu", false, NULL,
					 &names, &err),
			 MM_OK);
	assert_int_equal(names.n, 2);
	assert_string_equal(names.v[0], "staging");
	assert_string_equal(names.v[1], "prod-eu");
	mm_strv_release(&names);
	assert_int_equal(mm_fleet_select(&set, "staging,nope", false, NULL,
					 &names, &err),
			 MM_ERR_CONFIG);
	assert_non_null(strstr(err.message, "nope"));
	mm_strv_release(&names);
	assert_int_equal(mm_fleet_select(&set, "staging,staging", false, NULL,
					 &names, &err),
			 MM_ERR_USAGE);
	mm_strv_release(&names);
	assert_int_equal(mm_fleet_select(&set, ",", false, NULL, &names, &err),
			 MM_ERR_USAGE);
	mm_strv_release(&names);
	assert_int_equal(
		mm_fleet_select(&set, NULL, false, "prod-*", &names, &err),
		MM_OK);
	assert_int_equal(names.n, 2);
	mm_strv_release(&names);
	assert_int_equal(
		mm_fleet_select(&set, NULL, false, "dev*", &names, &err),
		MM_ERR_CONFIG);
	mm_strv_release(&names);
	assert_int_equal(mm_fleet_select(&set, NULL, true, NULL, &names, &err),
			 MM_OK);
	assert_int_equal(names.n, 3);
	mm_strv_release(&names);
	mm_profiles_release(&set);
}

static void
test_rowset(void **state)
{
	const char *heads[] = {"Id", "Name"};
	const char *r1[] = {"1", "a b"}, *r2[] = {"2", ""}, *v[] = {"OK"};
	struct mm_rowset rs = {NULL, 0};
	struct cap c;

	(void)state;
	assert_true(mm_rowset_add(&rs, "eu", heads, r1, 2));
	assert_true(mm_rowset_add(&rs, "us", heads, r2, 2));
	assert_true(mm_rowset_add(&rs, "us", NULL, v, 1));
	assert_int_equal(rs.n, 2);
	cap_open(&c, MM_FMT_PLAIN);
	assert_true(mm_rowset_print(&rs, &c.o));
	assert_string_equal(cap_text(&c), "eu\t1\ta b\nus\t2\t\nus\tOK\n");
	cap_close(&c);
	cap_open(&c, MM_FMT_TABLE);
	assert_true(mm_rowset_print(&rs, &c.o));
	assert_string_equal(cap_text(&c), "SERVER  ID  NAME\n"
					  "eu      1   a b\n"
					  "us      2\n"
					  "SERVER  RESULT\n"
					  "us      OK\n");
	cap_close(&c);
	mm_rowset_release(&rs);
}

/* The out row sink sees raw rows of every table/plain renderer. */
static bool
collect(void *ud, const char *const *heads, const char *const *cells, size_t n)
{
	return mm_rowset_add(ud, "x", heads, cells, n);
}

static void
test_row_sink(void **state)
{
	struct mm_rowset rs = {NULL, 0};
	struct mm_json *doc = NULL;
	struct mm_error err;
	static const struct mm_column cols[] = {{"Id", "id"}, MM_COLUMN_END};
	static const char text[] = "[{\"id\":\"a\\tb\"},{\"id\":2}]";
	struct cap c;

	(void)state;
	mm_error_clear(&err);
	assert_int_equal(mm_json_parse(text, strlen(text), &doc, &err), MM_OK);
	cap_open(&c, MM_FMT_PLAIN);
	c.o.row_sink = collect;
	c.o.row_sink_ud = &rs;
	assert_true(mm_out_doc(&c.o, doc, cols));
	assert_true(mm_out_line(&c.o, "done"));
	assert_string_equal(cap_text(&c), ""); /* nothing printed */
	assert_int_equal(rs.n, 2);
	assert_string_equal(rs.tabs[0].heads.v[0], "Id");
	assert_string_equal(rs.tabs[0].cells.v[1], "a\tb"); /* raw */
	assert_string_equal(rs.tabs[0].cells.v[3], "2");
	assert_int_equal(rs.tabs[1].heads.n, 0);
	assert_string_equal(rs.tabs[1].cells.v[1], "done");
	cap_close(&c);
	mm_rowset_release(&rs);
	mm_json_free(doc);
}

/* ---- --jq ---- */

static void
test_jq_compile_errors(void **state)
{
	struct mm_jq *jq = NULL;
	struct mm_error err;

	(void)state;
	mm_error_clear(&err);
	assert_int_equal(mm_jq_compile(".[", &jq, &err), MM_ERR_USAGE);
	assert_null(jq);
	assert_non_null(strstr(err.message, "--jq: syntax error"));
	assert_int_equal(mm_jq_compile("", &jq, &err), MM_ERR_USAGE);
	assert_int_equal(mm_jq_compile("nosuch(1)", &jq, &err), MM_ERR_USAGE);
	assert_int_equal(mm_jq_compile(".a", &jq, &err), MM_OK);
	mm_jq_free(jq);
}

static void
test_jq_filter(void **state)
{
	static const char text[] = "{\"a\":[1,\"x\\u0085y\",{\"b\":null}]}\n"
				   "{\"a\":[]}";
	struct mm_jq *jq = NULL;
	struct mm_error err;
	struct cap c;

	(void)state;
	mm_error_clear(&err);
	assert_int_equal(mm_jq_compile(".a[]", &jq, &err), MM_OK);
	cap_open(&c, MM_FMT_JSON);
	assert_int_equal(mm_jq_filter_text(jq, text, strlen(text), &c.o, &err),
			 MM_OK);
	/* strings raw (not a terminal), others compact */
	assert_string_equal(cap_text(&c), "1\nx\xc2\x85y\n{\"b\":null}\n");
	cap_close(&c);
	mm_jq_free(jq);
	assert_int_equal(mm_jq_compile(".a | tojson", &jq, &err), MM_OK);
	cap_open(&c, MM_FMT_JSON);
	c.o.out_tty = true; /* escaped for a terminal */
	assert_int_equal(mm_jq_filter_text(jq, text, strlen(text), &c.o, &err),
			 MM_OK);
	assert_null(strstr(cap_text(&c), "\xc2\x85"));
	cap_close(&c);
	mm_jq_free(jq);
	/* runtime error, and output that is not JSON */
	assert_int_equal(mm_jq_compile(".a.b", &jq, &err), MM_OK);
	cap_open(&c, MM_FMT_JSON);
	assert_int_equal(mm_jq_filter_text(jq, text, strlen(text), &c.o, &err),
			 MM_ERR_OTHER);
	assert_non_null(strstr(err.message, "Cannot index array"));
	assert_int_equal(mm_jq_filter_text(jq, "POST /x\n", 8, &c.o, &err),
			 MM_ERR_USAGE);
	cap_close(&c);
	mm_jq_free(jq);
}

static void
test_jq_stream(void **state)
{
	struct mm_jq *jq = NULL;
	struct mm_jq_stream *s = NULL;
	struct mm_error err;
	FILE *capture = NULL;
	struct cap c;

	(void)state;
	mm_error_clear(&err);
	assert_int_equal(mm_jq_compile(".n", &jq, &err), MM_OK);
	cap_open(&c, MM_FMT_JSON);
	assert_int_equal(mm_jq_stream_begin(jq, &c.o, &s, &capture, &err),
			 MM_OK);
	/* a value split across writes comes out once complete */
	fputs("{\"n\":", capture);
	fflush(capture);
	assert_string_equal(cap_text(&c) ? cap_text(&c) : "", "");
	fputs("1}\n{\"n\"", capture);
	fflush(capture);
	assert_string_equal(cap_text(&c), "1\n");
	fputs(":\"two\"}", capture);
	assert_int_equal(mm_jq_stream_end(s, &err), MM_OK);
	assert_string_equal(cap_text(&c), "1\ntwo\n");
	cap_close(&c);
	/* an unfinished document is reported at the end */
	cap_open(&c, MM_FMT_JSON);
	assert_int_equal(mm_jq_stream_begin(jq, &c.o, &s, &capture, &err),
			 MM_OK);
	fputs("{\"n\":", capture);
	assert_int_equal(mm_jq_stream_end(s, &err), MM_ERR_USAGE);
	cap_close(&c);
	mm_jq_free(jq);
}

static void
test_json_collect_and_lines(void **state)
{
	struct mm_buf b = MM_BUF_INIT;
	struct mm_json *doc = NULL;
	struct mm_error err;
	struct cap c;

	(void)state;
	assert_true(mm_json_collect("", 0, &b));
	assert_string_equal(mm_buf_str(&b), "null");
	mm_buf_reset(&b);
	assert_true(mm_json_collect(" {\"a\":1} ", 9, &b));
	assert_string_equal(mm_buf_str(&b), "{\"a\":1}");
	mm_buf_reset(&b);
	assert_true(mm_json_collect("1 \"x\"", 5, &b));
	assert_string_equal(mm_buf_str(&b), "[1,\"x\"]");
	mm_buf_reset(&b);
	assert_false(mm_json_collect("GET /x", 6, &b));
	mm_buf_release(&b);
	mm_error_clear(&err);
	assert_int_equal(
		mm_json_parse("{\"m\":\"a\\u009bb\\n\"}", 18, &doc, &err),
		MM_OK);
	cap_open(&c, MM_FMT_JSON);
	assert_true(mm_cli_json_line(&c.o, doc));
	assert_string_equal(cap_text(&c), "{\"m\":\"a\\u009bb\\n\"}\n");
	cap_close(&c);
	mm_json_free(doc);
	cap_open(&c, MM_FMT_PLAIN);
	assert_true(mm_cli_write_raw(&c.o, "a\x1b[2Jb", 6));
	assert_string_equal(cap_text(&c), "a\x1b[2Jb"); /* not a terminal */
	cap_close(&c);
	cap_open(&c, MM_FMT_PLAIN);
	c.o.out_tty = true;
	assert_true(mm_cli_write_raw(&c.o, "a\x1b[2Jb", 6));
	assert_null(strchr(cap_text(&c), '\x1b'));
	cap_close(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shell_quote),
		cmocka_unit_test(test_curl_get_and_local),
		cmocka_unit_test(test_curl_bodies),
		cmocka_unit_test(test_fleet_select),
		cmocka_unit_test(test_rowset),
		cmocka_unit_test(test_row_sink),
		cmocka_unit_test(test_jq_compile_errors),
		cmocka_unit_test(test_jq_filter),
		cmocka_unit_test(test_jq_stream),
		cmocka_unit_test(test_json_collect_and_lines),
	};

	return cmocka_run_group_tests_name("ext", tests, NULL, NULL);
}
