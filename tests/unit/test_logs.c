/* src/api/logs.c: requests against a fake transport, every page oldest
 * first, times, filters and following. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */
#include "mmadm/api_logs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- the fake transport: replies are built per test ---- */
#define MAXR 16

struct fake {
	long status[MAXR];
	char *reply[MAXR];
	size_t nreplies, next;
	char path[MAXR][256];
	char *body[MAXR];
	size_t nsent;
};

static enum mm_result
fake_send(void *ud, const struct mm_http_req *req, struct mm_http_resp *resp,
	  struct mm_error *err)
{
	struct fake *f = ud;

	(void)err;
	assert_true(f->next < f->nreplies);
	strcpy(f->path[f->nsent], req->path);
	f->body[f->nsent] =
		req->body ? strndup(req->body, req->body_len) : NULL;
	f->nsent++;
	resp->status = f->status[f->next];
	if (f->reply[f->next] != NULL)
		mm_buf_puts(&resp->body, f->reply[f->next]);
	f->next++;
	return MM_OK;
}

static void
reply(struct fake *f, long status, const char *body)
{
	f->status[f->nreplies] = status;
	f->reply[f->nreplies] = body ? strdup(body) : NULL;
	f->nreplies++;
}

/* A page of log lines "line <from>" .. "line <to - 1>" as the server
 * sends them (JSON records with a trailing newline). */
static void
reply_lines(struct fake *f, int from, int to)
{
	struct mm_buf b = MM_BUF_INIT;

	mm_buf_putc(&b, '[');
	for (int i = from; i < to; i++)
		mm_buf_printf(&b,
			      "%s\"{\\\"timestamp\\\":\\\"2024-01-15 "
			      "10:%02d:%02d.000 Z\\\",\\\"level\\\":\\\"%s\\\","
			      "\\\"msg\\\":\\\"line %d\\\"}\\n\"",
			      i > from ? "," : "", (i / 60) % 60, i % 60,
			      i % 2 ? "error" : "info", i);
	mm_buf_putc(&b, ']');
	reply(f, 200, mm_buf_str(&b));
	mm_buf_release(&b);
}

static void
client(struct mm_client *c, struct fake *f)
{
	mm_client_init(c, NULL, false);
	c->send = fake_send;
	c->send_ud = f;
}

static void
fake_release(struct fake *f)
{
	for (size_t i = 0; i < f->nreplies; i++)
		free(f->reply[i]);
	for (size_t i = 0; i < f->nsent; i++)
		free(f->body[i]);
}

static struct mm_json *
parse(const char *text)
{
	struct mm_json *j = NULL;
	struct mm_error err;

	mm_error_clear(&err);
	assert_int_equal(mm_json_parse(text, strlen(text), &j, &err), MM_OK);
	return j;
}

/* ---- requests ---- */

static void
test_get(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_json *out = NULL;

	(void)state;
	reply_lines(&f, 0, 3);
	reply(&f, 200, "null");
	reply(&f, 200, "{\"a\":1}");
	reply(&f, 403,
	      "{\"id\":\"api.context.permissions.app_error\","
	      "\"message\":\"no\"}");
	client(&c, &f);
	mm_error_clear(&err);
	assert_int_equal(mm_api_logs_get(&c, 2, 3, &out, &err), MM_OK);
	assert_string_equal(f.path[0], "/api/v4/logs?page=2&logs_per_page=3");
	assert_int_equal(mm_json_size(out), 3);
	mm_json_free(out);
	assert_int_equal(mm_api_logs_get(&c, 0, 3, &out, &err), MM_OK);
	assert_int_equal(mm_json_type(out), MM_JSON_ARRAY);
	assert_int_equal(mm_json_size(out), 0);
	mm_json_free(out);
	assert_int_equal(mm_api_logs_get(&c, 0, 3, &out, &err),
			 MM_ERR_RESPONSE);
	assert_null(out);
	assert_int_equal(mm_api_logs_get(&c, 0, 3, &out, &err), MM_ERR_PERM);
	fake_release(&f);
}

struct collect {
	char lines[64][64];
	size_t n;
	size_t stop_after;
};

static bool
collect_line(void *ud, const char *line)
{
	struct collect *c = ud;
	struct mm_json *rec = mm_logs_parse_line(line);

	assert_true(c->n < 64);
	if (rec != NULL)
		snprintf(c->lines[c->n], sizeof(c->lines[0]), "%s",
			 mm_json_string(mm_json_get(rec, "msg")));
	else
		snprintf(c->lines[c->n], sizeof(c->lines[0]), "%s", line);
	mm_json_free(rec);
	c->n++;
	return c->stop_after == 0 || c->n < c->stop_after;
}

static void
test_all_pages_oldest_first(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct collect got = {0};

	(void)state;
	/* 11 lines, 4 per page: page 0 = 7..10, 1 = 3..6, 2 = 0..2 */
	reply_lines(&f, 7, 11);
	reply_lines(&f, 3, 7);
	reply_lines(&f, 0, 3);
	client(&c, &f);
	mm_error_clear(&err);
	assert_int_equal(mm_api_logs_all(&c, 0, 4, collect_line, &got, &err),
			 MM_OK);
	assert_int_equal(f.nsent, 3);
	assert_string_equal(f.path[2], "/api/v4/logs?page=2&logs_per_page=4");
	assert_int_equal(got.n, 11);
	for (size_t i = 0; i < got.n; i++) {
		char want[32];

		snprintf(want, sizeof(want), "line %zu", i);
		assert_string_equal(got.lines[i], want);
	}
	fake_release(&f);
}

static void
test_all_pages_stops(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct collect got = {0};

	(void)state;
	/* a server logging to no file answers [""] to every page */
	reply(&f, 200, "[\"\"]");
	client(&c, &f);
	mm_error_clear(&err);
	assert_int_equal(mm_api_logs_all(&c, 0, 1, collect_line, &got, &err),
			 MM_OK);
	assert_int_equal(f.nsent, 1);
	fake_release(&f);
	/* an exactly full last page: one more (empty) request; the
	 * callback can stop early; an error ends it */
	memset(&f, 0, sizeof(f));
	memset(&got, 0, sizeof(got));
	reply_lines(&f, 2, 4);
	reply_lines(&f, 0, 2);
	reply(&f, 200, "[]");
	client(&c, &f);
	got.stop_after = 3;
	assert_int_equal(mm_api_logs_all(&c, 0, 2, collect_line, &got, &err),
			 MM_OK);
	assert_int_equal(f.nsent, 3);
	assert_int_equal(got.n, 3);
	assert_string_equal(got.lines[2], "line 2");
	fake_release(&f);
	memset(&f, 0, sizeof(f));
	memset(&got, 0, sizeof(got));
	reply_lines(&f, 2, 4);
	reply(&f, 500, "{\"id\":\"x\",\"message\":\"boom\"}");
	client(&c, &f);
	assert_int_equal(mm_api_logs_all(&c, 0, 2, collect_line, &got, &err),
			 MM_ERR_SERVER);
	assert_int_equal(got.n, 0);
	fake_release(&f);
}

static void
test_post_and_query(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_json *out = NULL;
	struct mm_logs_query q;
	const char *levels[] = {"error", "warn"};
	const char *servers[] = {"node-1"};

	(void)state;
	reply(&f, 200,
	      "{\"level\":\"ERROR\",\"message\":\"Client Logs API "
	      "Endpoint Message: hi\"}");
	reply(&f, 200, "{\"default\":[{\"level\":\"error\",\"msg\":\"m\"}]}");
	reply(&f, 200, "[]");
	reply(&f, 500,
	      "{\"id\":\"api.system.logs.invalidFilter\","
	      "\"message\":\"bad\"}");
	client(&c, &f);
	mm_error_clear(&err);
	assert_int_equal(mm_api_logs_post(&c, "ERROR", "hi", &out, &err),
			 MM_OK);
	assert_string_equal(f.path[0], "/api/v4/logs");
	assert_string_equal(f.body[0], "{\"level\":\"ERROR\",\"message\":"
				       "\"hi\"}");
	mm_json_free(out);
	memset(&q, 0, sizeof(q));
	q.levels = levels;
	q.nlevels = 2;
	q.servers = servers;
	q.nservers = 1;
	q.date_from = "2024-01-15 10:00:00.000 +00:00";
	assert_int_equal(mm_api_logs_query(&c, &q, 1, 50, &out, &err), MM_OK);
	assert_string_equal(f.path[1],
			    "/api/v4/logs/query?page=1&logs_per_page=50");
	assert_string_equal(f.body[1],
			    "{\"server_names\":[\"node-1\"],\"log_levels\":["
			    "\"error\",\"warn\"],\"date_from\":\"2024-01-15 "
			    "10:00:00.000 +00:00\",\"date_to\":\"\"}");
	mm_json_free(out);
	assert_int_equal(mm_api_logs_query(&c, &q, 0, 50, &out, &err),
			 MM_ERR_RESPONSE);
	assert_int_equal(mm_api_logs_query(&c, &q, 0, 50, &out, &err),
			 MM_ERR_SERVER);
	assert_string_equal(err.server_id, "api.system.logs.invalidFilter");
	fake_release(&f);
}

/* ---- records and times ---- */

static void
test_times(void **state)
{
	long long now = 1705312800000LL; /* 2024-01-15 10:00:00 UTC */
	long long ms = 0;
	char buf[64];
	struct mm_json *rec;

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	assert_true(mm_logs_parse_time("15m", now, &ms));
	assert_true(ms == now - 15 * 60 * 1000);
	assert_true(mm_logs_parse_time("2d", now, &ms));
	assert_true(ms == now - 2 * 86400000LL);
	assert_true(mm_logs_parse_time("now", now, &ms));
	assert_true(ms == now);
	assert_true(mm_logs_parse_time("2024-01-15", now, &ms));
	assert_true(ms == 1705276800000LL);
	assert_true(mm_logs_parse_time("2024-01-15 10:00", now, &ms));
	assert_true(ms == now);
	assert_true(mm_logs_parse_time("2024-01-15T12:00:00+02:00", now, &ms));
	assert_true(ms == now);
	assert_true(
		mm_logs_parse_time("2024-01-15 05:00:00.250 -0500", now, &ms));
	assert_true(ms == now + 250);
	assert_true(mm_logs_parse_time("2024-01-15 10:00:00 Z", now, &ms));
	assert_true(ms == now);
	setenv("TZ", "EST5", 1);
	tzset();
	assert_true(mm_logs_parse_time("2024-01-15 05:00", now, &ms));
	assert_true(ms == now); /* naive = local time */
	setenv("TZ", "UTC", 1);
	tzset();
	assert_false(mm_logs_parse_time("yesterday", now, &ms));
	assert_false(mm_logs_parse_time("15x", now, &ms));
	assert_false(mm_logs_parse_time("2024-13-01", now, &ms));
	assert_false(mm_logs_parse_time("2024-01-15 25:00", now, &ms));
	assert_false(mm_logs_parse_time("2024-01-15 10:00 +5", now, &ms));
	assert_false(mm_logs_parse_time("", now, &ms));
	assert_true(mm_logs_format_time(now + 5, buf, sizeof(buf)));
	assert_string_equal(buf, "2024-01-15 10:00:00.005 +00:00");
	assert_false(mm_logs_format_time(now, buf, 10));
	rec = mm_logs_parse_line("  {\"timestamp\":\"2024-01-15 11:00:00.5 "
				 "+01:00\",\"level\":\"info\"}\n");
	assert_non_null(rec);
	assert_true(mm_logs_record_time(rec, &ms));
	assert_true(ms == now + 500);
	mm_json_free(rec);
	assert_null(mm_logs_parse_line("plain text line"));
	assert_null(mm_logs_parse_line("[1,2]"));
	assert_null(mm_logs_parse_line("{broken"));
	assert_null(mm_logs_parse_line("\n"));
}

static void
test_filters(void **state)
{
	struct mm_logs_filter_spec spec;
	struct mm_logs_filter *f = NULL;
	struct mm_error err;
	const char *l1 = "{\"timestamp\":\"2024-01-15 09:00:00.000 Z\","
			 "\"level\":\"error\",\"msg\":\"plugin crashed\"}\n";
	const char *l2 = "{\"timestamp\":\"2024-01-15 09:50:00.000 Z\","
			 "\"level\":\"info\",\"msg\":\"plugin started\"}\n";
	struct mm_json *r1 = mm_logs_parse_line(l1);
	struct mm_json *r2 = mm_logs_parse_line(l2);

	(void)state;
	mm_error_clear(&err);
	memset(&spec, 0, sizeof(spec));
	spec.now_ms = 1705312800000LL;
	assert_int_equal(mm_logs_filter_new(&spec, &f, &err), MM_OK);
	assert_true(mm_logs_filter_match(f, l1, r1));
	assert_true(mm_logs_filter_match(f, "text", NULL));
	mm_logs_filter_free(f);
	spec.levels = "ERROR, Warn";
	assert_int_equal(mm_logs_filter_new(&spec, &f, &err), MM_OK);
	assert_true(mm_logs_filter_match(f, l1, r1));
	assert_false(mm_logs_filter_match(f, l2, r2));
	assert_false(mm_logs_filter_match(f, "text", NULL));
	mm_logs_filter_free(f);
	spec.levels = NULL;
	spec.grep = "plugin (crash|stop)";
	spec.since = "30m";
	assert_int_equal(mm_logs_filter_new(&spec, &f, &err), MM_OK);
	assert_false(mm_logs_filter_match(f, l1, r1)); /* too old */
	assert_false(mm_logs_filter_match(f, l2, r2)); /* no match */
	mm_logs_filter_free(f);
	spec.since = NULL;
	spec.until = "2024-01-15 09:30";
	assert_int_equal(mm_logs_filter_new(&spec, &f, &err), MM_OK);
	assert_true(mm_logs_filter_match(f, l1, r1));
	mm_logs_filter_free(f);
	spec.grep = "(";
	assert_int_equal(mm_logs_filter_new(&spec, &f, &err), MM_ERR_USAGE);
	assert_null(f);
	spec.grep = NULL;
	spec.levels = "err or";
	assert_int_equal(mm_logs_filter_new(&spec, &f, &err), MM_ERR_USAGE);
	spec.levels = ",";
	assert_int_equal(mm_logs_filter_new(&spec, &f, &err), MM_ERR_USAGE);
	/* only the levels the server writes */
	spec.levels = "error,bogus";
	assert_int_equal(mm_logs_filter_new(&spec, &f, &err), MM_ERR_USAGE);
	assert_non_null(strstr(err.message, "'bogus' is not a log level"));
	assert_non_null(strstr(err.message, "debug, info, warn, error"));
	assert_null(f);
	spec.levels = "Trace,CRITICAL,fatal,panic,stdlog,logerror,warn";
	assert_int_equal(mm_logs_filter_new(&spec, &f, &err), MM_OK);
	mm_logs_filter_free(f);
	spec.levels = NULL;
	spec.since = "tomorrow";
	assert_int_equal(mm_logs_filter_new(&spec, &f, &err), MM_ERR_USAGE);
	assert_non_null(strstr(err.message, "tomorrow"));
	mm_json_free(r1);
	mm_json_free(r2);
}

/* ---- following ---- */

static void
test_tail(void **state)
{
	struct mm_logs_tail t;
	struct mm_json *a = parse("[\"a\\n\",\"b\\n\",\"\",\"c\\n\"]");
	struct mm_json *same = parse("[\"\\nb\",\"c\"]");
	struct mm_json *more = parse("[\"b\",\"c\",\"d\",\"e\"]");
	struct mm_json *dup =
		parse("[\"a\",\"b\",\"c\",\"x\",\"a\",\"b\",\"c\",\"c\"]");
	struct mm_json *start = parse("[\"c\",\"x\",\"b\",\"c\",\"c\"]");
	struct mm_json *other = parse("[\"x\",\"y\"]");
	struct mm_json *blank = parse("[\"\"]");

	(void)state;
	memset(&t, 0, sizeof(t));
	assert_int_equal(mm_logs_tail_find(&t, a), 0);
	assert_true(mm_logs_tail_update(&t, a));
	assert_int_equal(t.n, 3);
	assert_string_equal(t.lines[2], "c");
	assert_int_equal(mm_logs_tail_find(&t, a), 4);
	assert_int_equal(mm_logs_tail_find(&t, same), 2); /* nothing new */
	assert_int_equal(mm_logs_tail_find(&t, more), 2); /* d, e new */
	assert_int_equal(mm_logs_tail_find(&t, other), -1);
	/* the last place the page ends like the tail */
	assert_int_equal(mm_logs_tail_find(&t, dup), 7);
	/* the page starts inside the tail */
	assert_int_equal(mm_logs_tail_find(&t, start), 1);
	/* no lines: the tail stays */
	assert_true(mm_logs_tail_update(&t, blank));
	assert_int_equal(t.n, 3);
	mm_logs_tail_release(&t);
	mm_json_free(a);
	mm_json_free(same);
	mm_json_free(more);
	mm_json_free(dup);
	mm_json_free(start);
	mm_json_free(other);
	mm_json_free(blank);
}

static void
test_poll(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_logs_tail t;
	struct mm_json *lines = NULL, *first;
	size_t from = 0;
	bool gap = true;

	(void)state;
	memset(&t, 0, sizeof(t));
	reply_lines(&f, 0, 5);
	first = NULL;
	client(&c, &f);
	mm_error_clear(&err);
	/* seed the tail as logs get --follow does */
	assert_int_equal(mm_api_logs_get(&c, 0, 100, &first, &err), MM_OK);
	assert_true(mm_logs_tail_update(&t, first));
	mm_json_free(first);
	/* two new lines */
	reply_lines(&f, 0, 7);
	assert_int_equal(mm_api_logs_poll(&c, &t, &lines, &from, &gap, &err),
			 MM_OK);
	assert_string_equal(f.path[1],
			    "/api/v4/logs?page=0&logs_per_page=1000");
	assert_int_equal(from, 5);
	assert_false(gap);
	mm_json_free(lines);
	/* more than 1000 new lines: a full page without the tail makes it
	 * ask for the maximum */
	reply_lines(&f, 1000, 2000);
	reply_lines(&f, 0, 2000);
	assert_int_equal(mm_api_logs_poll(&c, &t, &lines, &from, &gap, &err),
			 MM_OK);
	assert_string_equal(f.path[3],
			    "/api/v4/logs?page=0&logs_per_page=10000");
	assert_int_equal(from, 7);
	assert_false(gap);
	mm_json_free(lines);
	/* rotated: the tail is gone, everything is new, a gap is reported */
	reply_lines(&f, 5000, 5003);
	assert_int_equal(mm_api_logs_poll(&c, &t, &lines, &from, &gap, &err),
			 MM_OK);
	assert_int_equal(from, 0);
	assert_true(gap);
	assert_int_equal(mm_json_size(lines), 3);
	mm_json_free(lines);
	assert_string_equal(t.lines[t.n - 1],
			    "{\"timestamp\":\"2024-01-15 10:23:22.000 Z\","
			    "\"level\":\"info\",\"msg\":\"line 5002\"}");
	mm_logs_tail_release(&t);
	fake_release(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get),
		cmocka_unit_test(test_all_pages_oldest_first),
		cmocka_unit_test(test_all_pages_stops),
		cmocka_unit_test(test_post_and_query),
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_tail),
		cmocka_unit_test(test_poll),
	};

	return cmocka_run_group_tests_name("logs", tests, NULL, NULL);
}
