/* src/api system requests against a fake transport: version parsing,
 * waiting for health, restart drops, error remapping, request shapes,
 * integrity summaries and named downloads. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */
#include "fake_transport.h"
#include "mmadm/api_system.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct mm_json *
parse(const char *text)
{
	struct mm_json *j = NULL;
	struct mm_error err;

	mm_error_clear(&err);
	assert_int_equal(mm_json_parse(text, strlen(text), &j, &err), MM_OK);
	return j;
}

#define APPERR(id, code)                                                       \
	"{\"id\":\"" id "\",\"message\":\"m\",\"detailed_error\":\"\","        \
	"\"request_id\":\"r\",\"status_code\":" #code "}"

/* ---- version ---- */

static void
test_version_parse(void **state)
{
	struct mm_system_version v;

	(void)state;
	assert_true(mm_api_system_version_parse(
		"11.1.0.4521.9f0c1e2d3c4b5a69788796a5b4c3d2e1.true", &v));
	assert_string_equal(v.version, "11.1.0");
	assert_string_equal(v.build, "4521");
	assert_string_equal(v.config_hash, "9f0c1e2d3c4b5a69788796a5b4c3d2e1");
	assert_int_equal(v.licensed, 1);
	/* dev builds, and build numbers with dots */
	assert_true(mm_api_system_version_parse("11.2.0.dev.abc.false", &v));
	assert_string_equal(v.build, "dev");
	assert_int_equal(v.licensed, 0);
	assert_true(mm_api_system_version_parse("5.35.0.5.35.0.hh.true", &v));
	assert_string_equal(v.version, "5.35.0");
	assert_string_equal(v.build, "5.35.0");
	assert_string_equal(v.config_hash, "hh");
	/* only a version */
	assert_true(mm_api_system_version_parse("9.8.1", &v));
	assert_string_equal(v.version, "9.8.1");
	assert_int_equal(v.licensed, -1);
	assert_false(mm_api_system_version_parse("11.1", &v));
	assert_false(mm_api_system_version_parse("", &v));
	assert_false(mm_api_system_version_parse(NULL, &v));
}

static void
test_version_request(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_system_version v;
	struct canned *r;

	(void)state;
	fake_client(&c, &f);
	r = fake_reply(&f, 200, "{\"status\":\"OK\"}");
	r->version_id = "11.1.0.4521.hash.true";
	/* an unhealthy server (500 + ping body) still tells its version */
	r = fake_reply(&f, 500, "{\"status\":\"UNHEALTHY\"}");
	r->version_id = "11.1.0.4521.hash.false";
	fake_reply(&f, 200, "{\"status\":\"OK\"}");
	mm_error_clear(&err);
	assert_int_equal(mm_api_system_version(&c, &v, &err), MM_OK);
	assert_string_equal(f.sent[0].path, "/api/v4/system/ping");
	assert_int_equal(v.licensed, 1);
	assert_int_equal(mm_api_system_version(&c, &v, &err), MM_OK);
	assert_int_equal(v.licensed, 0);
	assert_int_equal(mm_api_system_version(&c, &v, &err), MM_ERR_RESPONSE);
	fake_release(&f);
}

static void
test_schema_latest_and_doc(void **state)
{
	struct mm_json *doc = parse("[{\"version\":141,\"name\":\"a\"},"
				    "{\"version\":143,\"name\":\"c\"},"
				    "{\"version\":\"x\"},"
				    "{\"version\":142,\"name\":\"b\"}]");
	struct mm_json *empty = parse("[]"), *out;
	struct mm_system_version v;
	struct mm_buf b = MM_BUF_INIT;
	const char *name;
	long ver;

	(void)state;
	assert_true(mm_api_system_schema_latest(doc, &ver, &name));
	assert_int_equal(ver, 143);
	assert_string_equal(name, "c");
	assert_false(mm_api_system_schema_latest(empty, &ver, &name));
	assert_int_equal(ver, -1);
	assert_true(mm_api_system_version_parse("11.1.0.7.h.true", &v));
	out = mm_api_system_version_doc(&v, 143, "c");
	assert_non_null(out);
	assert_true(mm_json_print(out, false, &b));
	assert_string_equal(mm_buf_str(&b),
			    "{\"server_version\":\"11.1.0\",\"build_number\":"
			    "\"7\",\"config_hash\":\"h\",\"licensed\":true,"
			    "\"version_id\":\"11.1.0.7.h.true\","
			    "\"schema_version\":143,\"schema_name\":\"c\"}");
	mm_json_free(out);
	mm_buf_release(&b);
	/* no schema, unknown license */
	assert_true(mm_api_system_version_parse("9.8.1", &v));
	out = mm_api_system_version_doc(&v, -1, NULL);
	assert_true(mm_json_print(out, false, &b));
	assert_null(strstr(mm_buf_str(&b), "schema"));
	assert_non_null(strstr(mm_buf_str(&b), "\"licensed\":null"));
	mm_json_free(out);
	mm_buf_release(&b);
	mm_json_free(doc);
	mm_json_free(empty);
}

/* ---- ping and waiting ---- */

struct clock {
	long long now;
	long long slept;
	int cancel_after; /* set *cancel after this many sleeps, 0 = never */
	int sleeps;
	volatile int *cancel;
	unsigned polls_seen;
};

static long long
fake_now(void *ud)
{
	return ((struct clock *)ud)->now;
}

static void
fake_sleep(void *ud, long ms)
{
	struct clock *k = ud;

	assert_true(ms > 0 && ms <= 200);
	k->now += ms;
	k->slept += ms;
	if (++k->sleeps == k->cancel_after && k->cancel != NULL)
		*k->cancel = 1;
}

static void
on_poll(void *ud, unsigned attempt, const struct mm_error *why)
{
	struct clock *k = ud;

	(void)why;
	k->polls_seen = attempt;
}

static void
wait_setup(struct mm_system_wait *w, struct clock *k, long timeout_ms,
	   long interval_ms)
{
	memset(w, 0, sizeof(*w));
	w->timeout_ms = timeout_ms;
	w->interval_ms = interval_ms;
	w->now_ms = fake_now;
	w->sleep_ms = fake_sleep;
	w->clock_ud = k;
	w->on_poll = on_poll;
	w->poll_ud = k;
}

static void
test_ping_with_paths(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_ping_result res;
	struct mm_system_ping_req req = {true, "dev ice"};

	(void)state;
	fake_client(&c, &f);
	fake_reply(&f, 200,
		   "{\"status\":\"OK\",\"database_status\":\"UNHEALTHY\","
		   "\"CanReceiveNotifications\":\"unknown\"}");
	fake_reply(&f, 200, "[]");
	mm_error_clear(&err);
	assert_int_equal(mm_api_system_ping_with(&c, &req, &res, &err), MM_OK);
	assert_string_equal(f.sent[0].path,
			    "/api/v4/system/ping?use_rest_semantics=true&"
			    "get_server_status=true&device_id=dev%20ice");
	assert_false(res.healthy);
	mm_json_free(res.doc);
	assert_int_equal(mm_api_system_ping_with(&c, &req, &res, &err),
			 MM_ERR_RESPONSE);
	assert_null(res.doc);
	fake_release(&f);
}

static void
test_ping_wait_turns_healthy(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_ping_result res;
	struct mm_system_ping_req req = {false, NULL};
	struct mm_system_wait w;
	struct clock k = {1000, 0, 0, 0, NULL, 0};

	(void)state;
	fake_client(&c, &f);
	fake_drop(&f, MM_ERR_CONNECT);                     /* down */
	fake_reply(&f, 502, "<html>bad gateway</html>");   /* proxy, no app */
	fake_reply(&f, 500, "{\"status\":\"UNHEALTHY\"}"); /* starting */
	fake_reply(&f, 200, "{\"status\":\"OK\"}");
	wait_setup(&w, &k, 60000, 2000);
	mm_error_clear(&err);
	assert_int_equal(mm_api_system_ping_wait(&c, &req, &w, &res, &err),
			 MM_OK);
	assert_true(res.healthy);
	assert_int_equal(w.attempts, 4);
	assert_int_equal(k.polls_seen, 3);
	assert_int_equal(k.slept, 3 * 2000);
	assert_string_equal(mm_json_string(mm_json_get(res.doc, "status")),
			    "OK");
	mm_json_free(res.doc);
	fake_release(&f);
}

static void
test_ping_wait_times_out(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_ping_result res;
	struct mm_system_ping_req req = {false, NULL};
	struct mm_system_wait w;
	struct clock k = {0, 0, 0, 0, NULL, 0};

	(void)state;
	fake_client(&c, &f);
	fake_reply(&f, 200, "{\"status\":\"UNHEALTHY\"}");
	f.repeat_last = true;
	wait_setup(&w, &k, 5000, 2000);
	mm_error_clear(&err);
	assert_int_equal(mm_api_system_ping_wait(&c, &req, &w, &res, &err),
			 MM_ERR_SERVER);
	/* polls at 0, 2, 4 and 5 s (the last sleep is cut to the deadline) */
	assert_int_equal(w.attempts, 4);
	assert_int_equal(k.slept, 5000);
	assert_non_null(strstr(err.message, "not healthy after 5 s"));
	assert_non_null(strstr(err.message, "UNHEALTHY"));
	/* the last answer is kept for the caller */
	assert_non_null(res.doc);
	mm_json_free(res.doc);
	fake_release(&f);
}

static void
test_ping_wait_stops_on_other_errors(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_ping_result res;
	struct mm_system_ping_req req = {false, NULL};
	struct mm_system_wait w;
	struct clock k = {0, 0, 0, 0, NULL, 0};
	volatile int cancel = 0;

	(void)state;
	fake_client(&c, &f);
	fake_reply(&f, 500, "{\"status\":\"UNHEALTHY\"}");
	fake_reply(&f, 404, APPERR("api.context.404.app_error", 404));
	wait_setup(&w, &k, 60000, 1000);
	mm_error_clear(&err);
	assert_int_equal(mm_api_system_ping_wait(&c, &req, &w, &res, &err),
			 MM_ERR_NOTFOUND);
	assert_int_equal(w.attempts, 2);
	assert_string_equal(err.server_id, "api.context.404.app_error");
	assert_null(res.doc);
	fake_release(&f);

	/* a cancel during the pause ends the wait */
	memset(&f, 0, sizeof(f));
	fake_client(&c, &f);
	fake_drop(&f, MM_ERR_CONNECT);
	f.repeat_last = true;
	memset(&k, 0, sizeof(k));
	k.cancel_after = 3;
	k.cancel = &cancel;
	wait_setup(&w, &k, 60000, 1000);
	w.cancel = &cancel;
	assert_int_equal(mm_api_system_ping_wait(&c, &req, &w, &res, &err),
			 MM_ERR_CANCELLED);
	assert_int_equal(w.attempts, 1);
	assert_int_equal(k.slept, 600);
	fake_release(&f);
}

/* ---- restart, upgrade, remaps ---- */

static void
test_restart(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_json *out = NULL;
	bool dropped;

	(void)state;
	fake_client(&c, &f);
	fake_reply(&f, 200, "{\"status\":\"OK\"}");
	fake_drop(&f, MM_ERR_CONNECT);
	fake_reply(&f, 403, APPERR("api.context.permissions.app_error", 403));
	mm_error_clear(&err);
	assert_int_equal(mm_api_system_restart(&c, &out, &dropped, &err),
			 MM_OK);
	assert_false(dropped);
	assert_true(mm_api_status_ok(out));
	mm_json_free(out);
	assert_int_equal(mm_api_system_restart(&c, &out, &dropped, &err),
			 MM_OK);
	assert_true(dropped);
	assert_null(out);
	assert_int_equal(mm_api_system_restart(&c, &out, &dropped, &err),
			 MM_ERR_PERM);
	assert_false(dropped);
	assert_string_equal(f.sent[0].method, "POST");
	assert_string_equal(f.sent[0].path, "/api/v4/restart");
	fake_release(&f);
}

static void
test_upgrade_and_remaps(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_json *out = NULL;

	(void)state;
	fake_client(&c, &f);
	fake_reply(&f, 202, "{\"status\":\"OK\"}");
	fake_reply(
		&f, 429,
		APPERR("api.upgrade_to_enterprise.already-enterprise.app_error",
		       429));
	fake_reply(&f, 403,
		   APPERR("api.upgrade_to_enterprise.invalid-user.app_error",
			  403));
	fake_reply(&f, 404, APPERR("api.context.404.app_error", 404));
	fake_reply(&f, 501,
		   APPERR("api.ai_bridge_test_helper.disabled.app_error", 501));
	fake_reply(&f, 404, APPERR("app.some.thing.not_found", 404));
	mm_error_clear(&err);
	assert_int_equal(mm_api_system_upgrade(&c, &out, &err), MM_OK);
	mm_json_free(out);
	assert_int_equal(mm_api_system_upgrade(&c, &out, &err),
			 MM_ERR_REJECTED);
	assert_int_equal(err.http_status, 429);
	assert_int_equal(mm_api_system_upgrade(&c, &out, &err), MM_ERR_PERM);
	/* a server without the route */
	assert_int_equal(mm_api_system_ai_bridge_get(&c, &out, &err),
			 MM_ERR_UNAVAILABLE);
	assert_int_equal(err.kind, MM_ERR_UNAVAILABLE);
	assert_int_equal(err.http_status, 404);
	assert_non_null(strstr(err.message, "EnableTesting"));
	assert_int_equal(mm_api_system_ai_bridge_delete(&c, &out, &err),
			 MM_ERR_UNAVAILABLE);
	assert_string_equal(err.server_id,
			    "api.ai_bridge_test_helper.disabled.app_error");
	/* any other 404 stays a 404 */
	assert_int_equal(mm_api_system_ai_bridge_get(&c, &out, &err),
			 MM_ERR_NOTFOUND);
	fake_release(&f);
}

/* ---- request shapes ---- */

static void
test_request_shapes(void **state)
{
	static const char *const ids[] = {"n2", "n1"};
	static const char *const plugins[] = {"com.a"};
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_json *out = NULL;
	struct mm_system_notices_req nreq = {"teamid", "web", "1.2 beta", "en"};
	struct mm_push_ack ack = {"ackid",  "ios", "message",
				  "postid", 17,    true};

	(void)state;
	fake_client(&c, &f);
	/* Each answer in the shape its endpoint has: notices and analytics
	 * are lists of objects, the rest objects. */
	for (int i = 0; i < 9; i++)
		fake_reply(&f, 200,
			   i == 0 || i == 6 ? "[{\"name\":\"n\"}]"
					    : "{\"status\":\"OK\"}");
	mm_error_clear(&err);
	assert_int_equal(mm_api_system_notices(&c, &nreq, &out, &err), MM_OK);
	mm_json_free(out);
	assert_string_equal(f.sent[0].path,
			    "/api/v4/system/notices/teamid?clientVersion=1.2%"
			    "20beta&client=web&locale=en");
	assert_int_equal(mm_api_system_notices_view(&c, ids, 2, &out, &err),
			 MM_OK);
	mm_json_free(out);
	assert_string_equal(f.sent[1].method, "PUT");
	assert_string_equal(f.sent[1].body, "[\"n2\",\"n1\"]");
	assert_int_equal(mm_api_system_onboarding_complete(&c, "Acme", plugins,
							   1, &out, &err),
			 MM_OK);
	mm_json_free(out);
	assert_string_equal(f.sent[2].body,
			    "{\"organization\":\"Acme\",\"install_plugins\":"
			    "[\"com.a\"]}");
	assert_int_equal(mm_api_system_busy_set(&c, 600, &out, &err), MM_OK);
	mm_json_free(out);
	assert_string_equal(f.sent[3].path, "/api/v4/server_busy?seconds=600");
	assert_int_equal(mm_api_system_busy_set(&c, 0, &out, &err), MM_OK);
	mm_json_free(out);
	assert_string_equal(f.sent[4].path, "/api/v4/server_busy");
	assert_int_equal(mm_api_system_push_ack(&c, &ack, &out, &err), MM_OK);
	mm_json_free(out);
	assert_string_equal(f.sent[5].body,
			    "{\"id\":\"ackid\",\"platform\":\"ios\",\"type\":"
			    "\"message\",\"received_at\":17,\"is_id_loaded\":"
			    "true,\"post_id\":\"postid\"}");
	assert_int_equal(mm_api_system_analytics(&c, "post_counts_day", "t&1",
						 &out, &err),
			 MM_OK);
	mm_json_free(out);
	assert_string_equal(f.sent[6].path,
			    "/api/v4/analytics/old?name=post_counts_day&"
			    "team_id=t%261");
	assert_int_equal(mm_api_system_redirect_location(&c, "https://a.b/?x=1",
							 &out, &err),
			 MM_OK);
	mm_json_free(out);
	assert_string_equal(f.sent[7].path,
			    "/api/v4/redirect_location?url=https%3A%2F%2Fa.b%"
			    "2F%3Fx%3D1");
	/* email test without a config sends no body */
	assert_int_equal(mm_api_system_email_test(&c, NULL, &out, &err), MM_OK);
	mm_json_free(out);
	assert_null(f.sent[8].body);
	fake_release(&f);
}

static void
test_answer_shapes(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_json *out = NULL;

	(void)state;
	fake_client(&c, &f);
	mm_error_clear(&err);
	fake_reply(&f, 200, "[\"UTC\",\"Europe/Paris\"]");
	assert_int_equal(mm_api_system_timezones(&c, &out, &err), MM_OK);
	mm_json_free(out);
	fake_reply(&f, 200, "null"); /* a nil slice */
	assert_int_equal(mm_api_system_timezones(&c, &out, &err), MM_OK);
	mm_json_free(out);
	fake_reply(&f, 200, "{\"busy\":\"yes\"}");
	assert_int_equal(mm_api_system_timezones(&c, &out, &err),
			 MM_ERR_RESPONSE);
	assert_null(out);
	assert_string_equal(err.message, "unexpected response: expected a "
					 "list of strings, got object");
	fake_reply(&f, 200, "[\"UTC\",1]");
	assert_int_equal(mm_api_system_timezones(&c, &out, &err),
			 MM_ERR_RESPONSE);
	assert_null(out);
	fake_reply(&f, 200, "[1,2,3]");
	assert_int_equal(mm_api_system_latest_version(&c, &out, &err),
			 MM_ERR_RESPONSE);
	assert_string_equal(err.message, "unexpected response: expected an "
					 "object, got list");
	fake_reply(&f, 200, "null");
	assert_int_equal(mm_api_system_busy_get(&c, &out, &err),
			 MM_ERR_RESPONSE);
	fake_reply(&f, 200, "[{},\"x\"]");
	assert_int_equal(mm_api_system_analytics(&c, NULL, NULL, &out, &err),
			 MM_ERR_RESPONSE);
	assert_null(out);
	/* no shape asked: anything goes */
	assert_int_equal(mm_api_check_shape(NULL, 0, &err), MM_OK);
	fake_release(&f);
}

static void
test_manual_test(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_manual_test_req req = {"autolink", "u 1", "bob", "Team"};
	struct mm_manual_test_result res;
	struct canned *r;

	(void)state;
	fake_client(&c, &f);
	r = fake_reply(&f, 307, "");
	r->location = "/channels/town-square";
	r = fake_reply(&f, 200, "<!doctype html><html></html>");
	r->content_type = "text/html; charset=utf-8";
	fake_reply(&f, 400,
		   APPERR("manaultesting.manual_test.parse.app_error", 400));
	mm_error_clear(&err);
	assert_int_equal(mm_api_system_manual_test(&c, &req, &res, &err),
			 MM_OK);
	assert_int_equal(res.status, 307);
	assert_string_equal(res.location, "/channels/town-square");
	assert_string_equal(f.sent[0].path,
			    "/manualtest?test=autolink&uid=u%201&username=bob&"
			    "teamname=Team");
	assert_int_equal(mm_api_system_manual_test(&c, &req, &res, &err),
			 MM_ERR_UNAVAILABLE);
	assert_int_equal(mm_api_system_manual_test(&c, &req, &res, &err),
			 MM_ERR_REJECTED);
	/* a dry run describes the request and sends nothing */
	c.dry_run = true;
	assert_int_equal(mm_api_system_manual_test(&c, &req, &res, &err),
			 MM_OK);
	assert_int_equal(res.status, 0);
	assert_int_equal(f.nsent, 3);
	fake_release(&f);
}

/* ---- integrity ---- */

static void
test_integrity_summary(void **state)
{
	struct mm_json *ok =
		parse("[{\"data\":{\"parent_name\":\"Teams\",\"records\":[]},"
		      "\"err\":null},"
		      "{\"data\":{\"records\":[{\"parent_id\":\"a\",\"child_"
		      "id\":\"b\"},"
		      "{\"parent_id\":null,\"child_id\":\"c\"}]},\"err\":null},"
		      "{\"data\":{\"records\":[]},\"err\":{}},"
		      "{\"data\":{\"records\":[]},\"err\":\"boom\"}]");
	struct mm_json *bad = parse("{\"err\":null}"), *bad2 = parse("[1]"),
		       *null = parse("null");
	struct mm_integrity_summary s;

	(void)state;
	assert_true(mm_api_system_integrity_summary(ok, &s));
	assert_int_equal(s.checks, 4);
	assert_int_equal(s.failed, 2);
	assert_int_equal(s.orphans, 2);
	assert_false(mm_api_system_integrity_summary(bad, &s));
	assert_false(mm_api_system_integrity_summary(bad2, &s));
	assert_true(mm_api_system_integrity_summary(null, &s));
	assert_int_equal(s.checks, 0);
	mm_json_free(ok);
	mm_json_free(bad);
	mm_json_free(bad2);
	mm_json_free(null);
}

/* ---- helpers ---- */

static void
test_helpers(void **state)
{
	char buf[64];
	struct mm_json *o = mm_json_new_object();
	struct mm_buf b = MM_BUF_INIT;

	(void)state;
	assert_true(mm_api_time_text(0, buf, sizeof(buf)));
	assert_string_equal(buf, "1970-01-01T00:00:00Z");
	assert_true(mm_api_time_text(1700000000123LL, buf, sizeof(buf)));
	assert_string_equal(buf, "2023-11-14T22:13:20Z");
	assert_true(mm_api_time_text(-1, buf, sizeof(buf)));
	assert_string_equal(buf, "1969-12-31T23:59:59Z");
	assert_false(mm_api_time_text(0, buf, 4));

	assert_true(mm_api_url_basename("https://h.example/a/cat.png?x=1#f",
					buf, sizeof(buf)));
	assert_string_equal(buf, "cat.png");
	assert_true(mm_api_url_basename("https://h/a/b%20c d.gif", buf,
					sizeof(buf)));
	assert_string_equal(buf, "b_20c_d.gif");
	assert_false(
		mm_api_url_basename("https://h.example/", buf, sizeof(buf)));
	assert_false(
		mm_api_url_basename("https://h.example", buf, sizeof(buf)));
	assert_false(mm_api_url_basename("https://h/a/..", buf, sizeof(buf)));
	assert_false(
		mm_api_url_basename("https://h/.hidden", buf, sizeof(buf)));
	assert_true(mm_api_url_basename("logo.svg", buf, sizeof(buf)));
	assert_string_equal(buf, "logo.svg");

	assert_true(mm_api_json_set_number(o, "n", 143));
	assert_true(mm_api_json_set_number(o, "f", 0.5));
	assert_true(mm_api_json_set_bool(o, "b", false));
	assert_false(mm_api_json_set_number(o, "x", 1.0 / 0.0));
	assert_true(mm_json_print(o, false, &b));
	assert_string_equal(mm_buf_str(&b),
			    "{\"n\":143,\"f\":0.5,\"b\":false}");
	mm_buf_release(&b);
	mm_json_free(o);
}

/* ---- named downloads ---- */

static char tmpdir[64];

static int
mkdir_tmp(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/mmadm-test-sys-XXXXXX");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
rm_tmp(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static size_t
count_files(const char *dir)
{
	char cmd[160];
	FILE *p;
	size_t n = 0;
	int ch;

	snprintf(cmd, sizeof(cmd), "ls -A '%s'", dir);
	p = popen(cmd, "r");
	assert_non_null(p);
	while ((ch = fgetc(p)) != EOF)
		if (ch == '\n')
			n++;
	pclose(p);
	return n;
}

static void
read_back(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static void
test_save_named(void **state)
{
	static const char *const plugins[] = {"com.a b", "c"};
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_save s;
	struct mm_support_packet_req req = {true, plugins, 2};
	struct canned *r;
	char path[256], text[64];
	struct stat st;

	(void)state;
	fake_client(&c, &f);
	r = fake_reply(&f, 200, "PK-zip-bytes");
	r->disposition = "attachment; filename=\"mm_support_packet_A_1.zip\"";
	r->content_type = "application/zip";
	r = fake_reply(&f, 200, "second");
	r->disposition = "attachment; filename=\"mm_support_packet_A_1.zip\"";
	fake_reply(&f, 403, APPERR("api.no_license", 403));
	fake_reply(&f, 200, "no name"); /* no Content-Disposition */

	memset(&s, 0, sizeof(s));
	s.dir = tmpdir;
	mm_error_clear(&err);
	assert_int_equal(mm_api_system_support_packet(&c, &req, &s, &err),
			 MM_OK);
	assert_string_equal(f.sent[0].path,
			    "/api/v4/system/support_packet?basic_server_logs="
			    "false&plugin_packets=com.a%20b&plugin_packets=c");
	snprintf(path, sizeof(path), "%s/mm_support_packet_A_1.zip", tmpdir);
	assert_string_equal(s.path, path);
	assert_int_equal(s.bytes, 12);
	assert_string_equal(s.content_type, "application/zip");
	read_back(path, text, sizeof(text));
	assert_string_equal(text, "PK-zip-bytes");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	/* the same name again: kept, and no temp file left behind */
	memset(&s, 0, sizeof(s));
	s.dir = tmpdir;
	assert_int_equal(mm_api_system_support_packet(&c, &req, &s, &err),
			 MM_ERR_IO);
	assert_non_null(strstr(err.message, "already exists"));
	read_back(path, text, sizeof(text));
	assert_string_equal(text, "PK-zip-bytes");
	assert_int_equal(count_files(tmpdir), 1);

	/* no license: unavailable, nothing written */
	memset(&s, 0, sizeof(s));
	s.dir = tmpdir;
	assert_int_equal(mm_api_system_support_packet(&c, &req, &s, &err),
			 MM_ERR_UNAVAILABLE);
	assert_int_equal(err.http_status, 403);
	assert_int_equal(count_files(tmpdir), 1);

	/* no name from the server: the fallback */
	memset(&s, 0, sizeof(s));
	s.dir = tmpdir;
	s.fallback = "cat.png";
	assert_int_equal(mm_api_system_image(&c, "https://x/cat.png", &s, &err),
			 MM_OK);
	assert_string_equal(f.sent[3].path,
			    "/api/v4/image?url=https%3A%2F%2Fx%2Fcat.png");
	snprintf(path, sizeof(path), "%s/cat.png", tmpdir);
	assert_string_equal(s.path, path);
	read_back(path, text, sizeof(text));
	assert_string_equal(text, "no name");
	fake_release(&f);
}

static void
test_save_dest_and_redirect(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_save s;
	struct canned *r;
	char path[256], text[64];

	(void)state;
	fake_client(&c, &f);
	r = fake_reply(&f, 200, "one");
	r->disposition = "attachment; filename=\"ignored.zip\"";
	fake_reply(&f, 200, "two");
	r = fake_reply(&f, 302, "");
	r->location = "http://localhost:8065/static/logo.png";
	snprintf(path, sizeof(path), "%s/out.bin", tmpdir);

	memset(&s, 0, sizeof(s));
	s.dest = path;
	mm_error_clear(&err);
	assert_int_equal(mm_api_save(&c, "/api/v4/x", &s, &err), MM_OK);
	assert_string_equal(s.path, path);
	read_back(path, text, sizeof(text));
	assert_string_equal(text, "one");
	/* an existing dest is refused before any request... */
	memset(&s, 0, sizeof(s));
	s.dest = path;
	assert_int_equal(mm_api_save(&c, "/api/v4/x", &s, &err), MM_ERR_IO);
	assert_int_equal(f.nsent, 1);
	/* ...unless overwriting */
	s.overwrite = true;
	assert_int_equal(mm_api_save(&c, "/api/v4/x", &s, &err), MM_OK);
	read_back(path, text, sizeof(text));
	assert_string_equal(text, "two");
	/* a redirect leaves nothing and reports where */
	memset(&s, 0, sizeof(s));
	s.dir = tmpdir;
	assert_int_equal(mm_api_save(&c, "/api/v4/image?url=x", &s, &err),
			 MM_ERR_RESPONSE);
	assert_int_equal(s.status, 302);
	assert_string_equal(s.location,
			    "http://localhost:8065/static/logo.png");
	assert_string_equal(s.path, "");
	fake_release(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_parse),
		cmocka_unit_test(test_version_request),
		cmocka_unit_test(test_schema_latest_and_doc),
		cmocka_unit_test(test_ping_with_paths),
		cmocka_unit_test(test_ping_wait_turns_healthy),
		cmocka_unit_test(test_ping_wait_times_out),
		cmocka_unit_test(test_ping_wait_stops_on_other_errors),
		cmocka_unit_test(test_restart),
		cmocka_unit_test(test_upgrade_and_remaps),
		cmocka_unit_test(test_request_shapes),
		cmocka_unit_test(test_answer_shapes),
		cmocka_unit_test(test_manual_test),
		cmocka_unit_test(test_integrity_summary),
		cmocka_unit_test(test_helpers),
		cmocka_unit_test_setup_teardown(test_save_named, mkdir_tmp,
						rm_tmp),
		cmocka_unit_test_setup_teardown(test_save_dest_and_redirect,
						mkdir_tmp, rm_tmp),
	};

	return cmocka_run_group_tests_name("api_system", tests, NULL, NULL);
}
