/* src/api against a fake transport: AppError parsing, ping, config patch
 * building, file test fallback, invites, login. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */
#include "fake_transport.h"
#include "mmadm/api.h"
#include "mmadm/api_system.h"

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

/* ---- AppError ---- */

static void
test_apperror_kinds(void **state)
{
	static const struct {
		long status;
		enum mm_result kind;
	} cases[] = {
		{400, MM_ERR_REJECTED},    {401, MM_ERR_AUTH},
		{403, MM_ERR_PERM},        {404, MM_ERR_NOTFOUND},
		{413, MM_ERR_REJECTED},    {422, MM_ERR_REJECTED},
		{429, MM_ERR_SERVER},      {500, MM_ERR_SERVER},
		{501, MM_ERR_UNAVAILABLE}, {503, MM_ERR_SERVER},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fake f = {0};
		struct mm_client c;
		struct mm_error err;
		struct mm_json *out = NULL;

		fake_reply(
			&f, cases[i].status,
			"{\"id\":\"api.some.error\",\"message\":\"It "
			"failed.\",\"detailed_error\":\"more\",\"request_id\":"
			"\"bodyrequestid\",\"status_code\":400}");
		fake_client(&c, &f);
		mm_error_clear(&err);
		assert_int_equal(mm_api_request(&c, "GET", "/api/v4/x", NULL, 0,
						&out, NULL, &err),
				 cases[i].kind);
		assert_null(out);
		assert_int_equal(err.http_status, cases[i].status);
		assert_string_equal(err.server_id, "api.some.error");
		assert_string_equal(err.detail, "more");
		assert_string_equal(err.request_id, "bodyrequestid");
		assert_non_null(strstr(err.message, "It failed."));
		assert_non_null(strstr(err.message, "api.some.error"));
		fake_release(&f);
	}
}

static void
test_apperror_not_json(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_json *out = NULL;

	(void)state;
	fake_reply(&f, 429, "limit exceeded\n\x1b[31mred");
	fake_reply(&f, 404, NULL);
	fake_reply(&f, 302, NULL);
	f.replies[2].location = "https://other.example.com/api/v4/x";
	fake_client(&c, &f);

	mm_error_clear(&err);
	assert_int_equal(
		mm_api_request(&c, "GET", "/a", NULL, 0, &out, NULL, &err),
		MM_ERR_SERVER);
	assert_non_null(strstr(err.message, "HTTP 429"));
	assert_non_null(strstr(err.message, "limit exceeded"));
	assert_null(strchr(err.message, '\x1b'));
	assert_string_equal(err.request_id, "hdrrequestid");

	mm_error_clear(&err);
	assert_int_equal(
		mm_api_request(&c, "GET", "/b", NULL, 0, &out, NULL, &err),
		MM_ERR_NOTFOUND);
	assert_non_null(strstr(err.message, "empty body"));

	mm_error_clear(&err);
	assert_int_equal(
		mm_api_request(&c, "GET", "/c", NULL, 0, &out, NULL, &err),
		MM_ERR_RESPONSE);
	assert_non_null(strstr(err.message, "redirect"));
	assert_non_null(strstr(err.message, "other.example.com"));
	fake_release(&f);
}

/* Bodies over the server's limit: the error names the setting, both for
 * the mapped 413 AppError and for Go's plain-text 400. */
static void
test_body_too_large(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_json *out = NULL;

	(void)state;
	fake_reply(&f, 413,
		   "{\"id\":\"api.context.request_body_too_large.app_error\","
		   "\"message\":\"Your request is too large to process.\","
		   "\"detailed_error\":\"\",\"status_code\":413}");
	fake_reply(&f, 400, "http: request body too large\n");
	fake_reply(&f, 400, "{\"id\":\"x\",\"message\":\"m\"}");
	fake_client(&c, &f);
	for (int i = 0; i < 2; i++) {
		mm_error_clear(&err);
		assert_int_not_equal(mm_api_request(&c, "PUT", "/api/v4/config",
						    NULL, 0, &out, NULL, &err),
				     MM_OK);
		assert_non_null(strstr(err.message, "MaximumPayloadSizeBytes"));
		assert_null(out);
	}
	assert_non_null(strstr(err.message, "request body too large"));
	mm_error_clear(&err);
	assert_int_not_equal(mm_api_request(&c, "PUT", "/api/v4/config", NULL,
					    0, &out, NULL, &err),
			     MM_OK);
	assert_null(strstr(err.message, "MaximumPayloadSizeBytes"));
	fake_release(&f);
}

static void
test_bad_json_2xx(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_json *out = NULL;

	(void)state;
	fake_reply(&f, 200, "{\"status\":");
	fake_reply(&f, 200, "");
	fake_client(&c, &f);
	mm_error_clear(&err);
	assert_int_equal(
		mm_api_request(&c, "GET", "/a", NULL, 0, &out, NULL, &err),
		MM_ERR_RESPONSE);
	assert_non_null(strstr(err.message, "not valid JSON"));
	mm_error_clear(&err);
	assert_int_equal(
		mm_api_request(&c, "GET", "/a", NULL, 0, &out, NULL, &err),
		MM_ERR_RESPONSE);
	assert_non_null(strstr(err.message, "empty body"));
	fake_release(&f);
}

/* ---- ping ---- */

static void
test_ping(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_system_ping_req req = {.full = true};
	struct mm_ping_result res;

	(void)state;
	fake_reply(&f, 200,
		   "{\"status\":\"OK\",\"database_status\":\"OK\","
		   "\"filestore_status\":\"OK\"}");
	fake_reply(&f, 200,
		   "{\"status\":\"OK\",\"database_status\":\"UNHEALTHY\"}");
	fake_reply(&f, 500, "{\"status\":\"UNHEALTHY\"}");
	fake_reply(&f, 500, "{\"id\":\"x\",\"message\":\"boom\"}");
	fake_reply(&f, 200, "[1,2]");
	fake_client(&c, &f);

	mm_error_clear(&err);
	assert_int_equal(mm_api_system_ping_with(&c, &req, &res, &err), MM_OK);
	assert_true(res.healthy);
	assert_non_null(strstr(f.sent[0].path, "get_server_status=true"));
	assert_non_null(strstr(f.sent[0].path, "use_rest_semantics=true"));
	mm_json_free(res.doc);

	assert_int_equal(mm_api_system_ping_with(&c, &req, &res, &err), MM_OK);
	assert_false(res.healthy);
	mm_json_free(res.doc);

	assert_int_equal(mm_api_system_ping_with(&c, &req, &res, &err), MM_OK);
	assert_false(res.healthy);
	mm_json_free(res.doc);

	mm_error_clear(&err);
	assert_int_equal(mm_api_system_ping_with(&c, &req, &res, &err),
			 MM_ERR_SERVER);
	assert_null(res.doc);

	mm_error_clear(&err);
	assert_int_equal(mm_api_system_ping_with(&c, &req, &res, &err),
			 MM_ERR_RESPONSE);
	assert_null(res.doc);
	fake_release(&f);
}

/* ---- config patch building ---- */

static const char *cfg_text =
	"{\"ServiceSettings\":{\"SiteURL\":\"http://a\",\"EnableDeveloper\":"
	"false,\"MaximumLoginAttempts\":10,\"AllowCorsFrom\":\"\","
	"\"TrustedProxyIPHeader\":[\"X-Forwarded-For\"]},"
	"\"EmailSettings\":{\"SMTPPassword\":"
	"\"********************************\"},"
	"\"PluginSettings\":{\"Plugins\":{\"p1\":{\"k\":\"v\"}}},"
	"\"LogSettings\":{\"ConsoleLevel\":\"INFO\",\"FileJson\":null}}";

static enum mm_result
sets(const struct mm_json *cfg, const char *one, struct mm_json **patch,
     struct mm_error *err)
{
	const char *v[1] = {one};

	mm_error_clear(err);
	return mm_config_patch_from_sets(cfg, v, 1, patch, err);
}

static void
assert_patch(const struct mm_json *cfg, const char *set, const char *want)
{
	struct mm_json *patch = NULL;
	struct mm_error err;
	struct mm_buf b = MM_BUF_INIT;

	assert_int_equal(sets(cfg, set, &patch, &err), MM_OK);
	assert_true(mm_json_print(patch, false, &b));
	assert_string_equal(mm_buf_str(&b), want);
	mm_buf_release(&b);
	mm_json_free(patch);
}

static void
test_patch_typing(void **state)
{
	struct mm_json *cfg = parse(cfg_text);

	(void)state;
	assert_patch(cfg, "ServiceSettings.EnableDeveloper=yes",
		     "{\"ServiceSettings\":{\"EnableDeveloper\":true}}");
	assert_patch(cfg, "ServiceSettings.MaximumLoginAttempts=5",
		     "{\"ServiceSettings\":{\"MaximumLoginAttempts\":5}}");
	assert_patch(cfg, "ServiceSettings.SiteURL=https://x.example.com",
		     "{\"ServiceSettings\":{\"SiteURL\":\"https://x.example."
		     "com\"}}");
	assert_patch(cfg, "ServiceSettings.AllowCorsFrom=true",
		     "{\"ServiceSettings\":{\"AllowCorsFrom\":\"true\"}}");
	assert_patch(cfg, "ServiceSettings.TrustedProxyIPHeader=a, b",
		     "{\"ServiceSettings\":{\"TrustedProxyIPHeader\":[\"a\","
		     "\"b\"]}}");
	assert_patch(cfg, "ServiceSettings.TrustedProxyIPHeader=[]",
		     "{\"ServiceSettings\":{\"TrustedProxyIPHeader\":[]}}");
	assert_patch(cfg, "LogSettings.FileJson=true",
		     "{\"LogSettings\":{\"FileJson\":true}}");
	assert_patch(cfg, "PluginSettings.Plugins.p2.key=abc",
		     "{\"PluginSettings\":{\"Plugins\":{\"p2\":{\"key\":"
		     "\"abc\"}}}}");
	mm_json_free(cfg);
}

static void
test_patch_errors(void **state)
{
	struct mm_json *cfg = parse(cfg_text), *patch = NULL;
	struct mm_error err;

	(void)state;
	assert_int_equal(sets(cfg, "ServiceSettings.SiteUrl=x", &patch, &err),
			 MM_ERR_USAGE);
	assert_non_null(strstr(err.message, "ServiceSettings.SiteURL"));
	assert_int_equal(
		sets(cfg, "ServiceSettings.EnableDevelopr=true", &patch, &err),
		MM_ERR_USAGE);
	assert_non_null(strstr(err.message,
			       "did you mean "
			       "'ServiceSettings.EnableDeveloper'"));
	assert_int_equal(sets(cfg, "ConsoleLevel=DEBUG", &patch, &err),
			 MM_ERR_USAGE);
	assert_non_null(strstr(err.message, "LogSettings.ConsoleLevel"));
	assert_int_equal(sets(cfg, "ServiceSettings.EnableDeveloper=maybe",
			      &patch, &err),
			 MM_ERR_USAGE);
	assert_int_equal(sets(cfg, "ServiceSettings.MaximumLoginAttempts=1.5",
			      &patch, &err),
			 MM_ERR_USAGE);
	assert_int_equal(sets(cfg, "ServiceSettings.MaximumLoginAttempts=ten",
			      &patch, &err),
			 MM_ERR_USAGE);
	assert_int_equal(sets(cfg, "novalue", &patch, &err), MM_ERR_USAGE);
	assert_int_equal(sets(cfg, "=x", &patch, &err), MM_ERR_USAGE);
	assert_int_equal(sets(cfg, "ServiceSettings=1", &patch, &err),
			 MM_ERR_USAGE);
	assert_int_equal(sets(cfg,
			      "EmailSettings.SMTPPassword=*********************"
			      "***********",
			      &patch, &err),
			 MM_ERR_USAGE);
	assert_null(patch);
	mm_json_free(cfg);
}

static void
test_patch_check(void **state)
{
	struct mm_json *cfg = parse(cfg_text), *p;
	struct mm_error err;
	struct mm_buf b = MM_BUF_INIT;

	(void)state;
	p = parse("{\"ServiceSettings\":{\"SiteURL\":\"https://b\","
		  "\"EnableDeveloper\":null},\"EmailSettings\":{"
		  "\"SMTPPassword\":\"********************************\"}}");
	mm_error_clear(&err);
	assert_int_equal(mm_config_patch_check(cfg, p, &err), MM_OK);
	assert_true(mm_json_print(p, false, &b));
	assert_string_equal(
		mm_buf_str(&b),
		"{\"ServiceSettings\":{\"SiteURL\":\"https://b\"}}");
	mm_buf_release(&b);
	mm_json_free(p);

	p = parse("{\"ServiceSettings\":{\"SiteURLs\":\"x\"}}");
	assert_int_equal(mm_config_patch_check(cfg, p, &err), MM_ERR_USAGE);
	assert_non_null(strstr(err.message, "ServiceSettings.SiteURL"));
	mm_json_free(p);

	p = parse("{\"ServiceSettings\":{\"EnableDeveloper\":\"yes\"}}");
	assert_int_equal(mm_config_patch_check(cfg, p, &err), MM_ERR_USAGE);
	assert_non_null(strstr(err.message, "must be a boolean"));
	mm_json_free(p);

	p = parse("[1]");
	assert_int_equal(mm_config_patch_check(cfg, p, &err), MM_ERR_USAGE);
	mm_json_free(p);
	mm_json_free(cfg);
}

static void
test_diff_and_redact(void **state)
{
	struct mm_json *cfg = parse(cfg_text), *patch, *merged, *red;
	struct mm_config_changes ch;
	struct mm_buf b = MM_BUF_INIT;

	(void)state;
	patch = parse("{\"ServiceSettings\":{\"SiteURL\":\"http://a\","
		      "\"MaximumLoginAttempts\":3},\"EmailSettings\":{"
		      "\"SMTPPassword\":\"hunter2\"}}");
	merged = mm_config_merge(cfg, patch);
	assert_true(mm_config_diff(cfg, merged, patch, &ch));
	assert_int_equal(ch.n, 2);
	assert_string_equal(ch.v[0].key,
			    "ServiceSettings.MaximumLoginAttempts");
	assert_string_equal(ch.v[0].before, "10");
	assert_string_equal(ch.v[0].after, "3");
	assert_string_equal(ch.v[1].key, "EmailSettings.SMTPPassword");
	assert_null(strstr(ch.v[1].after, "hunter2"));
	mm_config_changes_release(&ch);

	red = mm_config_redact(patch);
	assert_true(mm_json_print(red, false, &b));
	assert_null(strstr(mm_buf_str(&b), "hunter2"));
	assert_non_null(strstr(mm_buf_str(&b), MM_CONFIG_PLACEHOLDER));
	mm_buf_release(&b);
	mm_json_free(red);
	mm_json_free(merged);
	mm_json_free(patch);
	mm_json_free(cfg);
}

/* A masked secret counts as changed only when it can have changed: an
 * empty secret sent back empty, replicas sent back as shown, or the
 * placeholder, are no change. */
static void
test_diff_unchanged_secrets(void **state)
{
	static const char *before_text =
		"{\"FileSettings\":{\"ExportAmazonS3SecretAccessKey\":\"\","
		"\"AmazonS3SecretAccessKey\":\"********************************"
		"\"},"
		"\"SqlSettings\":{\"DataSourceReplicas\":[],"
		"\"DataSourceSearchReplicas\":[\"******************************"
		"**\"]},"
		"\"EmailSettings\":{\"SMTPPassword\":\"\"}}";
	struct mm_json *cfg = parse(before_text), *patch, *merged, *answer;
	struct mm_config_changes ch;

	(void)state;
	/* The whole GET sent back: nothing changes, before or after. */
	patch = parse(before_text);
	merged = mm_config_merge(cfg, patch);
	assert_true(mm_config_diff(cfg, merged, patch, &ch));
	assert_int_equal(ch.n, 0);
	mm_config_changes_release(&ch);
	assert_true(mm_config_diff(cfg, cfg, patch, &ch));
	assert_int_equal(ch.n, 0);
	mm_config_changes_release(&ch);
	mm_json_free(merged);
	mm_json_free(patch);

	/* Real changes still show, masked. */
	patch = parse("{\"FileSettings\":{\"ExportAmazonS3SecretAccessKey\":"
		      "\"k1\",\"AmazonS3SecretAccessKey\":\"k2\"},"
		      "\"SqlSettings\":{\"DataSourceReplicas\":[\"dsn\"],"
		      "\"DataSourceSearchReplicas\":[]}}");
	merged = mm_config_merge(cfg, patch);
	assert_true(mm_config_diff(cfg, merged, patch, &ch));
	assert_int_equal(ch.n, 4);
	for (size_t i = 0; i < ch.n; i++) {
		assert_string_equal(ch.v[i].after, "(secret, updated)");
		assert_null(strstr(ch.v[i].after, "k1"));
	}
	mm_config_changes_release(&ch);
	mm_json_free(merged);
	mm_json_free(patch);

	/* The server answers with the unmasked old value: it kept it (an
	 * environment override, a write filter). A masked answer may hide a
	 * change, so it counts. */
	patch = parse("{\"EmailSettings\":{\"SMTPPassword\":\"pw\"}}");
	answer = parse("{\"EmailSettings\":{\"SMTPPassword\":\"\"}}");
	assert_true(mm_config_diff(cfg, answer, patch, &ch));
	assert_int_equal(ch.n, 0);
	mm_config_changes_release(&ch);
	mm_json_free(answer);
	answer = parse("{\"EmailSettings\":{\"SMTPPassword\":"
		       "\"********************************\"}}");
	assert_true(mm_config_diff(cfg, answer, patch, &ch));
	assert_int_equal(ch.n, 1);
	mm_config_changes_release(&ch);
	mm_json_free(answer);
	mm_json_free(patch);
	mm_json_free(cfg);
}

static void
dsn_is(const char *in, const char *want)
{
	char *got = mm_redact_dsn(in);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

#define PH MM_CONFIG_PLACEHOLDER

static void
test_redact_dsn(void **state)
{
	(void)state;
	dsn_is("postgres://mmuser:secret@db/mattermost?sslmode=disable",
	       "postgres://mmuser:" PH "@db/mattermost?sslmode=disable");
	dsn_is("postgres://mmuser:p@ss:w@db:5432/mm",
	       "postgres://mmuser:" PH "@db:5432/mm");
	dsn_is("mysql://mmuser:secret@tcp(db:3306)/mm?charset=utf8mb4",
	       "mysql://mmuser:" PH "@tcp(db:3306)/mm?charset=utf8mb4");
	dsn_is("mmuser:secret@tcp(db:3306)/mattermost?charset=utf8mb4",
	       "mmuser:" PH "@tcp(db:3306)/mattermost?charset=utf8mb4");
	dsn_is("mmuser:s@cr/t@unix(/run/mysqld.sock)/mm",
	       "mmuser:" PH "@unix(/run/mysqld.sock)/mm");
	dsn_is("root:pw@/mm", "root:" PH "@/mm");
	dsn_is("host=db user=mm password=secret dbname=mm",
	       "host=db user=mm password=" PH " dbname=mm");
	dsn_is("host=db password='se cr\\'et' dbname=mm",
	       "host=db password='" PH "' dbname=mm");
	dsn_is("postgres://db/mm?user=u&Password=secret&sslmode=disable",
	       "postgres://db/mm?user=u&Password=" PH "&sslmode=disable");
	/* Nothing to hide. */
	dsn_is("postgres://mmuser@db/mm", "postgres://mmuser@db/mm");
	dsn_is("postgres://db/mm", "postgres://db/mm");
	dsn_is("/opt/mattermost/config/config.json",
	       "/opt/mattermost/config/config.json");
	dsn_is("/srv/a@b/config.json", "/srv/a@b/config.json");
	dsn_is("https://chat.example.com", "https://chat.example.com");
	dsn_is("user@example.com", "user@example.com");
	dsn_is("mypassword=x", "mypassword=x");
	dsn_is("", "");
}

static void
test_redact_migrate_body(void **state)
{
	struct mm_json *body =
		parse("{\"from\":\"/opt/mm/config.json\",\"to\":"
		      "\"postgres://mmuser:secret@db/mm?sslmode=disable\"}");
	struct mm_json *red = mm_config_redact(body);
	struct mm_buf b = MM_BUF_INIT;

	(void)state;
	assert_non_null(red);
	assert_true(mm_json_print(red, false, &b));
	assert_null(strstr(mm_buf_str(&b), "secret"));
	assert_non_null(
		strstr(mm_buf_str(&b), "postgres://mmuser:" PH "@db/mm"));
	assert_non_null(strstr(mm_buf_str(&b), "/opt/mm/config.json"));
	/* The body sent keeps the real value. */
	assert_string_equal(mm_json_string(mm_json_get(body, "to")),
			    "postgres://mmuser:secret@db/mm?sslmode=disable");
	mm_buf_release(&b);
	mm_json_free(red);
	mm_json_free(body);
}

#undef PH

/* ---- file test ---- */

static const char *fs_cfg =
	"{\"FileSettings\":{\"DriverName\":\"local\",\"AmazonS3Bucket\":\"\","
	"\"AmazonS3SecretAccessKey\":\"********************************\"}}";

static void
test_file_test_no_overrides(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_file_test_req req = {0};
	struct mm_file_test_result res;

	(void)state;
	fake_reply(&f, 200, "{\"status\":\"OK\"}");
	fake_client(&c, &f);
	mm_error_clear(&err);
	assert_int_equal(mm_api_file_test(&c, &req, &res, &err), MM_OK);
	assert_int_equal(f.nsent, 1);
	assert_string_equal(f.sent[0].method, "POST");
	assert_string_equal(f.sent[0].path, "/api/v4/file/test");
	assert_null(f.sent[0].body);
	assert_false(res.used_legacy);
	mm_file_test_result_release(&res);
	fake_release(&f);
}

static void
test_file_test_overrides_and_fallback(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_file_test_req req = {0};
	struct mm_file_test_result res;

	(void)state;
	fake_reply(&f, 200, fs_cfg);
	fake_reply(&f, 404,
		   "{\"id\":\"api.context.404.app_error\",\"message\":\"x\"}");
	fake_reply(&f, 200, "{\"status\":\"OK\"}");
	fake_client(&c, &f);
	req.driver = "amazons3";
	req.bucket = "b1";
	mm_error_clear(&err);
	assert_int_equal(mm_api_file_test(&c, &req, &res, &err), MM_OK);
	assert_int_equal(f.nsent, 3);
	assert_string_equal(f.sent[0].path, "/api/v4/config");
	assert_string_equal(f.sent[1].path, "/api/v4/file/test");
	assert_non_null(strstr(f.sent[1].body, "\"AmazonS3Bucket\":\"b1\""));
	assert_non_null(strstr(f.sent[1].body, "\"DriverName\":\"amazons3\""));
	/* the placeholder goes back untouched for the server to swap */
	assert_non_null(strstr(f.sent[1].body, MM_CONFIG_PLACEHOLDER));
	assert_string_equal(f.sent[2].path, "/api/v4/file/s3_test");
	assert_string_equal(f.sent[2].body, f.sent[1].body);
	assert_true(res.used_legacy);
	mm_file_test_result_release(&res);
	fake_release(&f);
}

static void
test_file_test_old_server_other_driver(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_file_test_req req = {0};
	struct mm_file_test_result res;

	(void)state;
	fake_reply(&f, 404, "");
	fake_reply(&f, 200, fs_cfg);
	fake_client(&c, &f);
	mm_error_clear(&err);
	assert_int_equal(mm_api_file_test(&c, &req, &res, &err),
			 MM_ERR_UNAVAILABLE);
	assert_non_null(strstr(err.message, "'local'"));
	assert_non_null(strstr(err.message, "newer server"));
	mm_file_test_result_release(&res);
	fake_release(&f);
}

static void
test_file_test_error_ids(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_file_test_req req = {0};
	struct mm_file_test_result res;

	(void)state;
	fake_reply(
		&f, 400,
		"{\"id\":\"api.admin.test_s3.missing_s3_bucket\",\"message\":"
		"\"Missing bucket\"}");
	fake_client(&c, &f);
	mm_error_clear(&err);
	assert_int_equal(mm_api_file_test(&c, &req, &res, &err),
			 MM_ERR_REJECTED);
	assert_non_null(strstr(err.message, "FileSettings.AmazonS3Bucket"));
	assert_non_null(strstr(err.message, "--bucket"));
	mm_file_test_result_release(&res);
	fake_release(&f);
}

/* ---- remote cluster invite ---- */

static void
test_invite(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	char *invite = NULL;
	const char *id = "abcdefghijklmnopqrstuvwxyz";

	(void)state;
	fake_reply(&f, 201, "\"aW52aXRl\"");
	fake_reply(&f, 201, "{\"id\":\"x\"}");
	fake_client(&c, &f);
	mm_error_clear(&err);
	assert_int_equal(
		mm_api_remotecluster_invite(&c, id, "pw", &invite, &err),
		MM_OK);
	assert_string_equal(invite, "aW52aXRl");
	assert_string_equal(f.sent[0].body, "{\"password\":\"pw\"}");
	assert_string_equal(f.sent[0].path, "/api/v4/remotecluster/"
					    "abcdefghijklmnopqrstuvwxyz/"
					    "generate_invite");
	free(invite);
	assert_int_equal(
		mm_api_remotecluster_invite(&c, id, "pw", &invite, &err),
		MM_ERR_RESPONSE);
	assert_null(invite);
	assert_int_equal(
		mm_api_remotecluster_invite(&c, "../x", "pw", &invite, &err),
		MM_ERR_USAGE);
	assert_int_equal(f.nsent, 2);
	fake_release(&f);
}

/* ---- login ---- */

static void
test_login(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_login_req req = {"admin", "pw", NULL};
	struct mm_json *user = NULL;
	char *token = NULL;

	(void)state;
	fake_reply(&f, 200, "{\"id\":\"u1\",\"username\":\"admin\"}");
	f.replies[0].token = "tok123";
	fake_reply(&f, 200, "{\"id\":\"u1\"}");
	fake_reply(&f, 401,
		   "{\"id\":\"mfa.validate_token.authenticate.app_error\","
		   "\"message\":\"MFA\"}");
	fake_client(&c, &f);
	mm_error_clear(&err);
	assert_int_equal(mm_api_login(&c, &req, &token, &user, &err), MM_OK);
	assert_string_equal(token, "tok123");
	assert_string_equal(mm_json_string(mm_json_get(user, "username")),
			    "admin");
	assert_string_equal(f.sent[0].body,
			    "{\"login_id\":\"admin\",\"password\":\"pw\"}");
	free(token);
	mm_json_free(user);
	assert_int_equal(mm_api_login(&c, &req, &token, &user, &err),
			 MM_ERR_RESPONSE);
	assert_null(token);
	assert_null(user);
	mm_error_clear(&err);
	assert_int_equal(mm_api_login(&c, &req, &token, &user, &err),
			 MM_ERR_AUTH);
	assert_true(mm_api_login_needs_mfa(&err));
	fake_release(&f);
}

static void
test_dry_run_sends_nothing(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_json *out = NULL;

	(void)state;
	fake_client(&c, &f);
	c.dry_run = true;
	mm_error_clear(&err);
	assert_int_equal(mm_api_db_recycle(&c, &out, &err), MM_OK);
	assert_null(out);
	assert_int_equal(f.nsent, 0);
}

static void
test_version_header(void **state)
{
	char v[32];

	(void)state;
	assert_true(mm_api_version_from_header("11.1.0.4521.abc.true", v,
					       sizeof(v)));
	assert_string_equal(v, "11.1.0");
	assert_false(mm_api_version_from_header("", v, sizeof(v)));
	assert_false(mm_api_version_from_header("garbage", v, sizeof(v)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apperror_kinds),
		cmocka_unit_test(test_apperror_not_json),
		cmocka_unit_test(test_body_too_large),
		cmocka_unit_test(test_bad_json_2xx),
		cmocka_unit_test(test_ping),
		cmocka_unit_test(test_patch_typing),
		cmocka_unit_test(test_patch_errors),
		cmocka_unit_test(test_patch_check),
		cmocka_unit_test(test_diff_and_redact),
		cmocka_unit_test(test_diff_unchanged_secrets),
		cmocka_unit_test(test_redact_dsn),
		cmocka_unit_test(test_redact_migrate_body),
		cmocka_unit_test(test_file_test_no_overrides),
		cmocka_unit_test(test_file_test_overrides_and_fallback),
		cmocka_unit_test(test_file_test_old_server_other_driver),
		cmocka_unit_test(test_file_test_error_ids),
		cmocka_unit_test(test_invite),
		cmocka_unit_test(test_login),
		cmocka_unit_test(test_dry_run_sends_nothing),
		cmocka_unit_test(test_version_header),
	};

	return cmocka_run_group_tests_name("api", tests, NULL, NULL);
}
