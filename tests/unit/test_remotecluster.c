/* src/api/remotecluster.c against a fake transport: list filters, table
 * rows, token blanking, create/patch/delete/accept, the server-to-server
 * frames and their headers (never Authorization), ids and hints. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */
#include "fake_transport.h"
#include "mmadm/api.h"
#include "mmadm/api_remotecluster.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct mm_json *
parse(const char *text)
{
	struct mm_json *j = NULL;
	struct mm_error err;

	mm_error_clear(&err);
	assert_int_equal(mm_json_parse(text, strlen(text), &j, &err), MM_OK);
	return j;
}

#define RID "8ur9pkmwdpgjpxyxcr8ahrkfmo"
#define TEAM "4xp9fdt77pncbef59f4k1qe83o"

/* ---- list ---- */

static void
test_list_req(void **state)
{
	struct mm_rc_filter f;
	struct mm_page_req req;
	struct mm_buf path = MM_BUF_INIT;
	struct mm_error err;

	(void)state;
	memset(&f, 0, sizeof(f));
	memset(&req, 0, sizeof(req));
	mm_error_clear(&err);
	assert_int_equal(mm_api_remotecluster_list_req(&f, &req, &path, &err),
			 MM_OK);
	assert_string_equal(req.path, "/api/v4/remotecluster");
	assert_null(req.items_key);

	f.exclude_offline = f.only_confirmed = f.include_deleted = true;
	f.in_channel = RID;
	f.topic = "share incident";
	f.plugin_id = "com.example.p";
	assert_int_equal(mm_api_remotecluster_list_req(&f, &req, &path, &err),
			 MM_OK);
	assert_string_equal(req.path,
			    "/api/v4/remotecluster?exclude_offline=true"
			    "&only_confirmed=true&include_deleted=true"
			    "&in_channel=" RID "&topic=share%20incident"
			    "&plugin_id=com.example.p");

	f.creator_id = "nope";
	assert_int_equal(mm_api_remotecluster_list_req(&f, &req, &path, &err),
			 MM_ERR_USAGE);
	assert_non_null(strstr(err.message, "nope"));
	f.creator_id = NULL;
	f.plugin_id = "a/b";
	assert_int_equal(mm_api_remotecluster_list_req(&f, &req, &path, &err),
			 MM_ERR_USAGE);
	f.plugin_id = NULL;
	f.only_plugins = f.exclude_plugins = true;
	assert_int_equal(mm_api_remotecluster_list_req(&f, &req, &path, &err),
			 MM_ERR_USAGE);
	mm_buf_release(&path);
}

/* Paging through the list: per_page/page in every request, stop on a
 * short page. */
static int items_seen;

static bool
count_item(void *ud, struct mm_json *item)
{
	(void)ud;
	assert_non_null(mm_json_get(item, "remote_id"));
	items_seen++;
	return true;
}

static void
test_list_paged(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_rc_filter flt;
	struct mm_page_req req;
	struct mm_buf path = MM_BUF_INIT;
	struct mm_error err;

	(void)state;
	fake_reply(&f, 200, "[{\"remote_id\":\"a\"},{\"remote_id\":\"b\"}]");
	fake_reply(&f, 200, "[{\"remote_id\":\"c\"}]");
	fake_client(&c, &f);
	memset(&flt, 0, sizeof(flt));
	flt.only_confirmed = true;
	memset(&req, 0, sizeof(req));
	mm_error_clear(&err);
	assert_int_equal(mm_api_remotecluster_list_req(&flt, &req, &path, &err),
			 MM_OK);
	req.per_page = 2;
	req.all = true;
	items_seen = 0;
	assert_int_equal(mm_api_paged(&c, &req, count_item, NULL, NULL, &err),
			 MM_OK);
	assert_int_equal(items_seen, 3);
	assert_int_equal(f.nsent, 2);
	assert_string_equal(f.sent[0].path,
			    "/api/v4/remotecluster?only_confirmed=true&page=0"
			    "&per_page=2");
	assert_string_equal(f.sent[1].path,
			    "/api/v4/remotecluster?only_confirmed=true&page=1"
			    "&per_page=2");
	mm_buf_release(&path);
	fake_release(&f);
}

/* ---- rows and tokens ---- */

static void
test_row_status(void **state)
{
	static const struct {
		const char *doc, *status, *ping;
	} cases[] = {
		{"{\"site_url\":\"https://a\",\"last_ping_at\":1700000000000,"
		 "\"delete_at\":0,\"token\":\"t\",\"remote_token\":\"r\"}",
		 "online", "2023-11-14 22:13:20"},
		{"{\"site_url\":\"https://a\",\"last_ping_at\":1699999000000,"
		 "\"delete_at\":0}",
		 "offline", "2023-11-14 21:56:40"},
		{"{\"site_url\":\"pending_x\",\"last_ping_at\":0}", "pending",
		 "never"},
		{"{\"site_url\":\"\",\"last_ping_at\":0}", "pending", "never"},
		{"{\"site_url\":\"https://a\",\"last_ping_at\":1700000000000,"
		 "\"delete_at\":5}",
		 "deleted", "2023-11-14 22:13:20"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mm_json *rc = parse(cases[i].doc);
		struct mm_json *row = mm_json_dup(rc);

		assert_non_null(row);
		assert_true(mm_remotecluster_to_row(row, 1700000060000LL));
		assert_string_equal(mm_json_string(mm_json_get(row, "status")),
				    cases[i].status);
		assert_string_equal(
			mm_json_string(mm_json_get(row, "last_ping")),
			cases[i].ping);
		assert_null(mm_json_get(row, "token"));
		assert_null(mm_json_get(row, "remote_token"));
		/* only the row was changed */
		if (i == 0)
			assert_string_equal(
				mm_json_string(mm_json_get(rc, "token")), "t");
		mm_json_free(row);
		mm_json_free(rc);
	}
}

static void
test_blank_tokens(void **state)
{
	struct mm_json *rc = parse("{\"remote_id\":\"x\",\"token\":\"secret1\","
				   "\"remote_token\":7,\"name\":\"n\"}");
	struct mm_buf text = MM_BUF_INIT;

	(void)state;
	mm_remotecluster_blank_tokens(rc);
	assert_true(mm_json_print(rc, false, &text));
	assert_string_equal(mm_buf_str(&text),
			    "{\"remote_id\":\"x\",\"token\":\"\","
			    "\"remote_token\":\"\",\"name\":\"n\"}");
	mm_buf_release(&text);
	mm_json_free(rc);
	mm_remotecluster_blank_tokens(NULL);
}

/* ---- admin routes ---- */

static void
test_create(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_json *out = NULL;
	struct mm_rc_create_req r = {"branch", NULL, TEAM, NULL};

	(void)state;
	fake_reply(&f, 201,
		   "{\"remote_cluster\":{\"remote_id\":\"" RID "\",\"token\":"
		   "\"leak\"},\"invite\":\"aW52\",\"password\":\"gen\"}");
	fake_reply(&f, 201, "{\"invite\":\"x\"}");
	fake_client(&c, &f);
	mm_error_clear(&err);
	assert_int_equal(mm_api_remotecluster_create(&c, &r, &out, &err),
			 MM_OK);
	assert_string_equal(f.sent[0].method, "POST");
	assert_string_equal(f.sent[0].path, "/api/v4/remotecluster");
	assert_string_equal(f.sent[0].body,
			    "{\"name\":\"branch\","
			    "\"default_team_id\":\"" TEAM "\"}");
	assert_string_equal(mm_json_string(mm_json_get(out, "password")),
			    "gen");
	assert_string_equal(
		mm_json_string(mm_json_path(out, "remote_cluster.token")), "");
	mm_api_json_free_wiped(out);

	r.password = "pw";
	r.display_name = "Branch";
	assert_int_equal(mm_api_remotecluster_create(&c, &r, &out, &err),
			 MM_ERR_RESPONSE);
	assert_null(out);
	assert_non_null(strstr(f.sent[1].body, "\"password\":\"pw\""));
	assert_non_null(strstr(f.sent[1].body, "\"display_name\":\"Branch\""));

	r.default_team_id = "short";
	assert_int_equal(mm_api_remotecluster_create(&c, &r, &out, &err),
			 MM_ERR_USAGE);
	assert_int_equal(f.nsent, 2);
	fake_release(&f);
}

static void
test_patch_get_delete(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_json *out = NULL;
	struct mm_rc_patch_req p = {"New name", NULL};

	(void)state;
	fake_reply(&f, 200,
		   "{\"remote_id\":\"" RID "\",\"display_name\":\"New name\","
		   "\"token\":\"tok1\",\"remote_token\":\"tok2\"}");
	fake_reply(&f, 200, "{\"remote_id\":\"" RID "\",\"token\":\"\"}");
	fake_reply(&f, 200, "{\"status\":\"OK\"}");
	fake_reply(&f, 204, NULL);
	fake_reply(&f, 404,
		   "{\"id\":\"api.remote_cluster.get.not_found\",\"message\":"
		   "\"Not found.\"}");
	fake_client(&c, &f);
	mm_error_clear(&err);
	assert_int_equal(mm_api_remotecluster_patch(&c, RID, &p, &out, &err),
			 MM_OK);
	assert_string_equal(f.sent[0].method, "PATCH");
	assert_string_equal(f.sent[0].path, "/api/v4/remotecluster/" RID);
	assert_string_equal(f.sent[0].body, "{\"display_name\":\"New name\"}");
	assert_string_equal(mm_json_string(mm_json_get(out, "token")), "");
	assert_string_equal(mm_json_string(mm_json_get(out, "remote_token")),
			    "");
	assert_string_equal(mm_json_string(mm_json_get(out, "display_name")),
			    "New name");
	mm_json_free(out);

	assert_int_equal(mm_api_remotecluster_get(&c, RID, &out, &err), MM_OK);
	mm_json_free(out);
	/* the fork: 200 + OK; the spec: 204 */
	assert_int_equal(mm_api_remotecluster_delete(&c, RID, &out, &err),
			 MM_OK);
	assert_true(mm_api_status_ok(out));
	mm_json_free(out);
	assert_int_equal(mm_api_remotecluster_delete(&c, RID, &out, &err),
			 MM_OK);
	assert_null(out);
	assert_int_equal(mm_api_remotecluster_delete(&c, RID, &out, &err),
			 MM_ERR_NOTFOUND);
	assert_string_equal(err.server_id, "api.remote_cluster.get.not_found");

	/* bad ids and empty patches send nothing */
	assert_int_equal(mm_api_remotecluster_get(&c, "x/y", &out, &err),
			 MM_ERR_USAGE);
	p.display_name = NULL;
	assert_int_equal(mm_api_remotecluster_patch(&c, RID, &p, &out, &err),
			 MM_ERR_USAGE);
	assert_int_equal(f.nsent, 5);
	fake_release(&f);
}

static void
test_accept_and_hints(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_json *out = NULL;
	struct mm_rc_accept_req r = {"aW52", "hq", NULL, TEAM, "pw"};

	(void)state;
	fake_reply(&f, 201, "{\"remote_id\":\"" RID "\",\"token\":\"t\"}");
	fake_reply(
		&f, 501,
		"{\"id\":\"api.remote_cluster.service_not_enabled.app_error\","
		"\"message\":\"Not enabled.\"}");
	fake_reply(&f, 422,
		   "{\"id\":\"api.get_site_url_error\",\"message\":\"No site "
		   "URL.\"}");
	fake_client(&c, &f);
	mm_error_clear(&err);
	assert_int_equal(mm_api_remotecluster_accept(&c, &r, &out, &err),
			 MM_OK);
	assert_string_equal(f.sent[0].path,
			    "/api/v4/remotecluster/accept_invite");
	assert_string_equal(f.sent[0].body,
			    "{\"invite\":\"aW52\",\"name\":\"hq\","
			    "\"default_team_id\":\"" TEAM
			    "\",\"password\":\"pw\"}");
	assert_string_equal(mm_json_string(mm_json_get(out, "token")), "");
	mm_json_free(out);
	assert_int_equal(mm_api_remotecluster_accept(&c, &r, &out, &err),
			 MM_ERR_UNAVAILABLE);
	assert_non_null(strstr(err.message, "secure connections are not "
					    "available"));
	mm_error_clear(&err);
	assert_int_equal(mm_api_remotecluster_accept(&c, &r, &out, &err),
			 MM_ERR_REJECTED);
	assert_non_null(strstr(err.message, "ServiceSettings.SiteURL"));
	r.invite = "";
	assert_int_equal(mm_api_remotecluster_accept(&c, &r, &out, &err),
			 MM_ERR_USAGE);
	assert_int_equal(f.nsent, 3);
	fake_release(&f);
}

/* ---- server to server ---- */

static void
test_new_id(void **state)
{
	char a[27], b[27], small[10];

	(void)state;
	assert_true(mm_api_new_id(a, sizeof(a)));
	assert_true(mm_api_new_id(b, sizeof(b)));
	assert_int_equal(strlen(a), 26);
	assert_string_not_equal(a, b);
	for (size_t i = 0; i < 26; i++)
		assert_non_null(
			strchr("ybndrfg8ejkmcpqxot1uwisza345h769", a[i]));
	assert_false(mm_api_new_id(small, sizeof(small)));
}

static void
test_frame(void **state)
{
	struct mm_json *payload = parse("{\"sent_at\":5}");
	struct mm_json *frame =
		mm_remotecluster_frame(RID, "ping", payload, 1700000000000LL,
				       "msgid0000000000000000000a");
	struct mm_buf text = MM_BUF_INIT;

	(void)state;
	assert_non_null(frame);
	assert_true(mm_json_print(frame, false, &text));
	assert_string_equal(mm_buf_str(&text),
			    "{\"remote_id\":\"" RID "\",\"msg\":{\"id\":"
			    "\"msgid0000000000000000000a\",\"topic\":\"ping\","
			    "\"create_at\":1700000000000,\"payload\":"
			    "{\"sent_at\":5}}}");
	mm_buf_release(&text);
	mm_json_free(frame);
	frame = mm_remotecluster_frame(RID, "t", payload, 1, NULL);
	assert_int_equal(strlen(mm_json_string(mm_json_path(frame, "msg.id"))),
			 26);
	mm_json_free(frame);
	mm_json_free(payload);
}

static void
test_peer_headers(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_json *out = NULL, *payload = parse("{\"a\":1}");
	struct mm_rc_peer p = {RID, "tok-secret"};
	struct mm_json *frame;

	(void)state;
	fake_reply(&f, 200, "{\"sent_at\":42,\"recv_at\":43}");
	fake_reply(&f, 200, "{\"status\":\"OK\",\"err\":\"\"}");
	fake_reply(&f, 401,
		   "{\"id\":\"api.context.session_expired.app_error\","
		   "\"message\":\"Invalid or expired session.\"}");
	fake_client(&c, &f);
	mm_error_clear(&err);
	assert_int_equal(mm_api_remotecluster_ping(&c, &p, 42, &out, &err),
			 MM_OK);
	assert_string_equal(f.sent[0].path, "/api/v4/remotecluster/ping");
	assert_true(f.sent[0].no_auth);
	assert_int_equal(f.sent[0].nheaders, 2);
	assert_string_equal(f.sent[0].headers[0], "X-RemoteCluster-Id: " RID);
	assert_string_equal(f.sent[0].headers[1],
			    "X-RemoteCluster-Token: tok-secret");
	frame = parse(f.sent[0].body);
	assert_string_equal(mm_json_string(mm_json_get(frame, "remote_id")),
			    RID);
	assert_string_equal(mm_json_string(mm_json_path(frame, "msg.topic")),
			    "ping");
	assert_int_equal(
		mm_json_number(mm_json_path(frame, "msg.payload.sent_at")), 42);
	mm_json_free(frame);
	assert_int_equal(mm_json_number(mm_json_get(out, "recv_at")), 43);
	mm_json_free(out);

	assert_int_equal(
		mm_api_remotecluster_msg(&c, &p, "topic1", payload, &out, &err),
		MM_OK);
	assert_string_equal(f.sent[1].path, "/api/v4/remotecluster/msg");
	assert_true(f.sent[1].no_auth);
	mm_json_free(out);

	assert_int_equal(
		mm_api_remotecluster_confirm(&c, &p, payload, &out, &err),
		MM_ERR_AUTH);
	assert_non_null(strstr(err.message, "remote cluster id and token"));

	/* nothing sent: bad id, empty token, empty topic, no payload */
	p.remote_id = "bad";
	assert_int_equal(mm_api_remotecluster_ping(&c, &p, 1, &out, &err),
			 MM_ERR_USAGE);
	p.remote_id = RID;
	p.token = "";
	assert_int_equal(mm_api_remotecluster_ping(&c, &p, 1, &out, &err),
			 MM_ERR_USAGE);
	p.token = "t";
	assert_int_equal(
		mm_api_remotecluster_msg(&c, &p, "", payload, &out, &err),
		MM_ERR_USAGE);
	assert_int_equal(
		mm_api_remotecluster_msg(&c, &p, "x", NULL, &out, &err),
		MM_ERR_USAGE);
	p.token = "a\nb";
	assert_int_equal(mm_api_remotecluster_ping(&c, &p, 1, &out, &err),
			 MM_ERR_USAGE);
	assert_int_equal(f.nsent, 3);
	mm_json_free(payload);
	fake_release(&f);
}

static void
test_upload_and_image(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_json *out = NULL;
	struct mm_rc_peer p = {RID, "tok"};
	struct mm_rc_file file;
	FILE *tmp = tmpfile();

	(void)state;
	assert_non_null(tmp);
	assert_int_equal(fwrite("0123456789", 1, 10, tmp), 10);
	rewind(tmp);
	memset(&file, 0, sizeof(file));
	file.f = tmp;
	file.size = 10;
	file.filename = "a.png";
	fake_reply(&f, 204, NULL);
	fake_reply(&f, 200, "{\"id\":\"f\",\"size\":10}");
	fake_reply(&f, 200, "{\"status\":\"OK\"}");
	fake_client(&c, &f);
	mm_error_clear(&err);
	assert_int_equal(
		mm_api_remotecluster_upload(&c, &p, RID, &file, &out, &err),
		MM_OK);
	assert_null(out);
	assert_string_equal(f.sent[0].path,
			    "/api/v4/remotecluster/upload/" RID);
	assert_true(f.sent[0].upload);
	assert_int_equal(f.sent[0].upload_size, 10);
	assert_true(f.sent[0].no_auth);
	assert_int_equal(
		mm_api_remotecluster_upload(&c, &p, RID, &file, &out, &err),
		MM_OK);
	assert_int_equal(mm_json_number(mm_json_get(out, "size")), 10);
	mm_json_free(out);
	assert_int_equal(
		mm_api_remotecluster_image(&c, &p, RID, &file, &out, &err),
		MM_OK);
	assert_string_equal(f.sent[2].path,
			    "/api/v4/remotecluster/" RID "/image");
	assert_int_equal(f.sent[2].nparts, 1);
	assert_string_equal(f.sent[2].part[0].name, "image");
	assert_int_equal(f.sent[2].part[0].size, 10);
	assert_true(f.sent[2].no_auth);
	mm_json_free(out);
	assert_int_equal(
		mm_api_remotecluster_image(&c, &p, "x", &file, &out, &err),
		MM_ERR_USAGE);
	assert_int_equal(f.nsent, 3);
	fclose(tmp);
	fake_release(&f);
}

/* A dry run shows the headers with the token redacted, sends nothing. */
static char dry_text[2048];

static void
dry(void *ud, const char *method, const char *path, const char *body)
{
	(void)ud;
	snprintf(dry_text, sizeof(dry_text), "%s %s\n%s", method, path,
		 body ? body : "");
}

static void
test_dry_run_redacts(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_json *out = NULL;
	struct mm_rc_peer p = {RID, "very-secret-token"};
	struct mm_rc_create_req r = {"b", NULL, TEAM, "hunter2"};

	(void)state;
	fake_client(&c, &f);
	c.dry_run = true;
	c.dry_run_fn = dry;
	mm_error_clear(&err);
	assert_int_equal(mm_api_remotecluster_ping(&c, &p, 1, &out, &err),
			 MM_OK);
	assert_null(out);
	assert_int_equal(f.nsent, 0);
	assert_non_null(strstr(dry_text, "POST /api/v4/remotecluster/ping"));
	assert_non_null(strstr(dry_text, "header X-RemoteCluster-Id: " RID));
	assert_non_null(
		strstr(dry_text, "header X-RemoteCluster-Token: [redacted]"));
	assert_null(strstr(dry_text, "very-secret-token"));
	assert_int_equal(mm_api_remotecluster_create(&c, &r, &out, &err),
			 MM_OK);
	assert_null(strstr(dry_text, "hunter2"));
	assert_int_equal(f.nsent, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_req),
		cmocka_unit_test(test_list_paged),
		cmocka_unit_test(test_row_status),
		cmocka_unit_test(test_blank_tokens),
		cmocka_unit_test(test_create),
		cmocka_unit_test(test_patch_get_delete),
		cmocka_unit_test(test_accept_and_hints),
		cmocka_unit_test(test_new_id),
		cmocka_unit_test(test_frame),
		cmocka_unit_test(test_peer_headers),
		cmocka_unit_test(test_upload_and_image),
		cmocka_unit_test(test_dry_run_redacts),
	};

	return cmocka_run_group_tests_name("remotecluster", tests, NULL, NULL);
}
