/* src/api/plugins.c against a fake transport: ids, table rows, the
 * streamed multipart upload, install from URL, marketplace paging rules,
 * reattach validation and the 501 hints. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */
#include "fake_transport.h"
#include "mmadm/api.h"
#include "mmadm/api_plugins.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static void
test_ids(void **state)
{
	(void)state;
	assert_true(mm_plugin_id_valid("com.mattermost.plugin-todo"));
	assert_true(mm_plugin_id_valid("a_b"));
	assert_false(mm_plugin_id_valid(""));
	assert_false(mm_plugin_id_valid(NULL));
	assert_false(mm_plugin_id_valid("a/b"));
	assert_false(mm_plugin_id_valid("a b"));
	assert_false(mm_plugin_id_valid("../x"));
}

static void
test_rows(void **state)
{
	struct mm_json *doc = parse(
		"{\"active\":[{\"id\":\"a\",\"version\":\"1\"}],\"inactive\":"
		"[{\"id\":\"b\",\"state\":9},{\"id\":\"c\"}]}");
	struct mm_json *rows = mm_plugin_rows(doc), *bad;
	struct mm_json *st = parse("[{\"plugin_id\":\"a\",\"state\":2},"
				   "{\"plugin_id\":\"b\",\"state\":3},"
				   "{\"plugin_id\":\"c\",\"state\":77},"
				   "{\"plugin_id\":\"d\"}]");

	(void)state;
	assert_int_equal(mm_json_size(rows), 3);
	assert_string_equal(
		mm_json_string(mm_json_get(mm_json_at(rows, 0), "state")),
		"active");
	assert_string_equal(
		mm_json_string(mm_json_get(mm_json_at(rows, 1), "state")),
		"inactive");
	assert_string_equal(
		mm_json_string(mm_json_get(mm_json_at(rows, 2), "id")), "c");
	/* the server's document is not changed */
	assert_null(mm_json_get(mm_json_path(doc, "active.0"), "state"));
	mm_json_free(rows);
	mm_json_free(doc);

	doc = parse("{\"active\":null,\"inactive\":[]}");
	rows = mm_plugin_rows(doc);
	assert_int_equal(mm_json_size(rows), 0);
	mm_json_free(rows);
	mm_json_free(doc);
	bad = parse("{\"active\":[1]}");
	assert_null(mm_plugin_rows(bad));
	mm_json_free(bad);
	bad = parse("[]");
	assert_null(mm_plugin_rows(bad));
	mm_json_free(bad);

	rows = mm_plugin_status_rows(st);
	assert_string_equal(
		mm_json_string(mm_json_get(mm_json_at(rows, 0), "state_name")),
		"running");
	assert_string_equal(
		mm_json_string(mm_json_get(mm_json_at(rows, 1), "state_name")),
		"failed-to-start");
	assert_string_equal(
		mm_json_string(mm_json_get(mm_json_at(rows, 2), "state_name")),
		"unknown");
	assert_string_equal(
		mm_json_string(mm_json_get(mm_json_at(rows, 3), "state_name")),
		"unknown");
	mm_json_free(rows);
	mm_json_free(st);
	assert_string_equal(mm_plugin_state_name(0), "not-running");
	assert_string_equal(mm_plugin_state_name(-1), "unknown");
}

static void
test_upload(void **state)
{
	char path[] = "/tmp/mmadm-plugin-XXXXXX";
	int fd = mkstemp(path);
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_json *out = NULL;
	struct mm_plugin_upload u;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "bundle-bytes", 12), 12);
	close(fd);
	fake_reply(&f, 201, "{\"id\":\"com.example.demo\"}");
	fake_reply(
		&f, 501,
		"{\"id\":\"app.plugin.upload_disabled.app_error\",\"message\":"
		"\"Plugin uploads have been disabled.\"}");
	fake_client(&c, &f);
	memset(&u, 0, sizeof(u));
	u.path = path;
	u.force = true;
	mm_error_clear(&err);
	assert_int_equal(mm_api_plugin_upload(&c, &u, &out, &err), MM_OK);
	assert_string_equal(f.sent[0].path, "/api/v4/plugins");
	assert_int_equal(f.sent[0].nparts, 2);
	assert_string_equal(f.sent[0].part[0].name, "force");
	assert_string_equal(f.sent[0].part[0].value, "true");
	assert_string_equal(f.sent[0].part[1].name, "plugin");
	assert_true(f.sent[0].part[1].file);
	assert_int_equal(f.sent[0].part[1].size, 12);
	assert_string_equal(f.sent[0].part[1].filename, strrchr(path, '/') + 1);
	mm_json_free(out);

	u.force = false;
	assert_int_equal(mm_api_plugin_upload(&c, &u, &out, &err),
			 MM_ERR_UNAVAILABLE);
	assert_int_equal(f.sent[1].nparts, 1);
	assert_string_equal(f.sent[1].part[0].name, "plugin");
	assert_non_null(strstr(err.message, "EnableUploads"));
	unlink(path);

	/* a missing file or a directory: nothing is sent */
	assert_int_equal(mm_api_plugin_upload(&c, &u, &out, &err), MM_ERR_IO);
	u.path = "/tmp";
	assert_int_equal(mm_api_plugin_upload(&c, &u, &out, &err), MM_ERR_IO);
	assert_int_equal(f.nsent, 2);
	fake_release(&f);
}

static void
test_actions(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_json *out = NULL;

	(void)state;
	fake_reply(&f, 201, "{\"id\":\"todo\"}");
	fake_reply(&f, 501,
		   "{\"id\":\"app.plugin.disabled.app_error\",\"message\":"
		   "\"Plugins have been disabled.\"}");
	fake_reply(&f, 200, "{\"status\":\"OK\"}");
	fake_reply(&f, 200, "{\"status\":\"OK\"}");
	fake_reply(&f, 404,
		   "{\"id\":\"app.plugin.not_installed.app_error\",\"message\":"
		   "\"Plugin is not installed.\"}");
	fake_reply(&f, 200, NULL);
	fake_reply(&f, 501,
		   "{\"id\":\"app.plugin.disabled.app_error\",\"message\":"
		   "\"Plugins have been disabled.\"}");
	fake_client(&c, &f);
	mm_error_clear(&err);
	assert_int_equal(mm_api_plugin_install_url(&c,
						   "https://h/p.tar.gz?a=1&b",
						   true, &out, &err),
			 MM_OK);
	assert_string_equal(f.sent[0].path,
			    "/api/v4/plugins/install_from_url"
			    "?plugin_download_url=https%3A%2F%2Fh%2Fp.tar.gz"
			    "%3Fa%3D1%26b&force=true");
	mm_json_free(out);
	assert_int_equal(mm_api_plugin_install_url(&c, "https://h/p.tar.gz",
						   false, &out, &err),
			 MM_ERR_UNAVAILABLE);
	assert_non_null(strstr(err.message, "EnableUploads=true"));
	assert_int_equal(
		mm_api_plugin_install_url(&c, "ftp://h/p", false, &out, &err),
		MM_ERR_USAGE);

	assert_int_equal(mm_api_plugin_enable(&c, "com.x", &out, &err), MM_OK);
	assert_string_equal(f.sent[2].path, "/api/v4/plugins/com.x/enable");
	mm_json_free(out);
	assert_int_equal(mm_api_plugin_disable(&c, "com.x", &out, &err), MM_OK);
	assert_string_equal(f.sent[3].path, "/api/v4/plugins/com.x/disable");
	mm_json_free(out);
	assert_int_equal(mm_api_plugin_remove(&c, "com.x", &out, &err),
			 MM_ERR_NOTFOUND);
	assert_string_equal(f.sent[4].method, "DELETE");
	assert_string_equal(f.sent[4].path, "/api/v4/plugins/com.x");
	/* detach answers an empty 200 */
	assert_int_equal(mm_api_plugin_detach(&c, "com.x", &out, &err), MM_OK);
	assert_null(out);
	assert_string_equal(f.sent[5].path, "/api/v4/plugins/com.x/detach");
	mm_error_clear(&err);
	assert_int_equal(mm_api_plugin_list(&c, &out, &err),
			 MM_ERR_UNAVAILABLE);
	assert_non_null(strstr(err.message, "PluginSettings.Enable"));
	assert_int_equal(mm_api_plugin_enable(&c, "a b", &out, &err),
			 MM_ERR_USAGE);
	assert_int_equal(f.nsent, 7);
	fake_release(&f);
}

static void
test_marketplace(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_json *out = NULL;
	struct mm_marketplace_filter flt;
	struct mm_page_req req;
	struct mm_buf path = MM_BUF_INIT;

	(void)state;
	memset(&flt, 0, sizeof(flt));
	memset(&req, 0, sizeof(req));
	mm_error_clear(&err);
	assert_int_equal(mm_api_marketplace_list_req(&flt, &req, &path, &err),
			 MM_OK);
	assert_string_equal(req.path, "/api/v4/plugins/marketplace");
	flt.filter = "to do";
	flt.remote_only = true;
	assert_int_equal(mm_api_marketplace_list_req(&flt, &req, &path, &err),
			 MM_OK);
	assert_string_equal(req.path, "/api/v4/plugins/marketplace?filter="
				      "to%20do&remote_only=true");
	flt.local_only = true;
	assert_int_equal(mm_api_marketplace_list_req(&flt, &req, &path, &err),
			 MM_ERR_USAGE);
	assert_int_equal(MM_MARKETPLACE_PER_PAGE, 100);

	fake_reply(&f, 201, "{\"id\":\"zoom\"}");
	fake_reply(&f, 501,
		   "{\"id\":\"app.plugin.marketplace_disabled.app_error\","
		   "\"message\":\"Marketplace has been disabled.\"}");
	fake_client(&c, &f);
	assert_int_equal(
		mm_api_marketplace_install(&c, "zoom", NULL, &out, &err),
		MM_OK);
	assert_string_equal(f.sent[0].body,
			    "{\"id\":\"zoom\",\"version\":\"\"}");
	mm_json_free(out);
	assert_int_equal(
		mm_api_marketplace_install(&c, "zoom", "1.2.3", &out, &err),
		MM_ERR_UNAVAILABLE);
	assert_string_equal(f.sent[1].body,
			    "{\"id\":\"zoom\",\"version\":\"1.2.3\"}");
	assert_non_null(strstr(err.message, "EnableMarketplace"));
	assert_int_equal(mm_api_marketplace_install(&c, "", NULL, &out, &err),
			 MM_ERR_USAGE);
	assert_int_equal(f.nsent, 2);
	mm_buf_release(&path);
	fake_release(&f);
}

static void
test_reattach(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_json *out = NULL;
	struct mm_json *good = parse(
		"{\"manifest\":{\"id\":\"com.dev\"},\"pluginReattachConfig\":"
		"{\"Protocol\":\"grpc\"}}");
	struct mm_json *no_cfg = parse("{\"Manifest\":{\"id\":\"com.dev\"}}");
	struct mm_json *no_id = parse("{\"Manifest\":{},"
				      "\"PluginReattachConfig\":{}}");

	(void)state;
	fake_reply(&f, 200, NULL);
	fake_client(&c, &f);
	mm_error_clear(&err);
	assert_int_equal(mm_api_plugin_reattach(&c, good, &out, &err), MM_OK);
	assert_null(out);
	assert_string_equal(f.sent[0].path, "/api/v4/plugins/reattach");
	assert_non_null(strstr(f.sent[0].body, "com.dev"));
	assert_int_equal(mm_api_plugin_reattach(&c, no_cfg, &out, &err),
			 MM_ERR_USAGE);
	assert_non_null(strstr(err.message, "PluginReattachConfig"));
	assert_int_equal(mm_api_plugin_reattach(&c, no_id, &out, &err),
			 MM_ERR_USAGE);
	assert_int_equal(f.nsent, 1);
	mm_json_free(good);
	mm_json_free(no_cfg);
	mm_json_free(no_id);
	fake_release(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_upload),
		cmocka_unit_test(test_actions),
		cmocka_unit_test(test_marketplace),
		cmocka_unit_test(test_reattach),
	};

	return cmocka_run_group_tests_name("plugins", tests, NULL, NULL);
}
