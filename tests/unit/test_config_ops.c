/* src/api/config_ops.c and src/api/license.c: requests against a fake
 * transport, and the logic that keeps saves from wiping secrets and
 * plugin settings. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */
#include "mmadm/api_config.h"
#include "mmadm/api_license.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PH MM_CONFIG_PLACEHOLDER

#include "fake_transport.h"

static struct mm_json *
parse(const char *text)
{
	struct mm_json *j = NULL;
	struct mm_error err;

	mm_error_clear(&err);
	assert_int_equal(mm_json_parse(text, strlen(text), &j, &err), MM_OK);
	return j;
}

static char *
print(const struct mm_json *j)
{
	struct mm_buf b = MM_BUF_INIT;

	assert_true(mm_json_print(j, false, &b));
	return mm_buf_take(&b);
}

static void
assert_json(const struct mm_json *j, const char *want)
{
	char *got = print(j);

	assert_string_equal(got, want);
	free(got);
}

/* A small config with the shapes that matter. */
static const char cfg_text[] =
	"{\"ServiceSettings\":{\"SiteURL\":\"https://a\",\"EnableDeveloper\":"
	"false,\"SplitKey\":\"" PH "\"},"
	"\"TeamSettings\":{\"MaxUsersPerTeam\":50,\"SiteName\":\"Mattermost\"},"
	"\"LogSettings\":{\"ConsoleLevel\":\"INFO\",\"AdvancedLoggingJSON\":"
	"{\"a\":{\"x\":1},\"b\":2}},"
	"\"NativeAppSettings\":{\"AppCustomURLSchemes\":[\"mmauth://\"]},"
	"\"RateLimitSettings\":{\"VaryByHeader\":\"\",\"Ports\":[80,443]},"
	"\"SqlSettings\":{\"DataSource\":\"" PH
	"\",\"DataSourceReplicas\":[\"" PH "\"],\"ReplicaLagSettings\":[]},"
	"\"CacheSettings\":{\"CacheType\":\"lru\",\"RedisPassword\":\"" PH
	"\"},"
	"\"PluginSettings\":{\"Enable\":true,\"Plugins\":{\"jira\":{\"url\":"
	"\"https://j\",\"secret\":\"" PH "\"},\"com.example.gl\":{\"url\":"
	"\"https://g\",\"token\":\"tok\"}},\"PluginStates\":{\"jira\":{"
	"\"Enable\":true}}}}";

/* ---- requests ---- */

static void
test_requests(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_json *out = NULL, *body = parse("{\"A\":{}}");
	struct mm_config_get_req req = {true, true};

	(void)state;
	fake_reply(&f, 200, "{\"A\":1}");
	fake_reply(&f, 200, "[1]");
	fake_reply(&f, 200, "{\"A\":{}}");
	fake_reply(&f, 200, "{\"status\":\"OK\"}");
	fake_reply(&f, 200, "{\"status\":\"OK\"}");
	fake_reply(&f, 200, "{\"SiteURL\":\"x\"}");
	fake_reply(&f, 200, "{\"ServiceSettings\":{\"SiteURL\":true}}");
	fake_client(&c, &f);
	mm_error_clear(&err);
	assert_int_equal(mm_api_config_get_with(&c, &req, &out, &err), MM_OK);
	assert_string_equal(f.sent[0].path, "/api/v4/config?remove_masked=true"
					    "&remove_defaults=true");
	mm_json_free(out);
	req.remove_masked = false;
	assert_int_equal(mm_api_config_get_with(&c, &req, &out, &err),
			 MM_ERR_RESPONSE);
	assert_null(out);
	assert_string_equal(f.sent[1].path,
			    "/api/v4/config?remove_defaults=true");
	assert_int_equal(mm_api_config_put(&c, body, &out, &err), MM_OK);
	assert_string_equal(f.sent[2].method, "PUT");
	assert_string_equal(f.sent[2].path, "/api/v4/config");
	assert_string_equal(f.sent[2].body, "{\"A\":{}}");
	mm_json_free(out);
	assert_int_equal(mm_api_config_reload(&c, &out, &err), MM_OK);
	assert_string_equal(f.sent[3].path, "/api/v4/config/reload");
	assert_string_equal(f.sent[3].method, "POST");
	mm_json_free(out);
	assert_int_equal(mm_api_config_migrate(&c, "/a.json", "postgres://x",
					       &out, &err),
			 MM_OK);
	assert_string_equal(f.sent[4].body,
			    "{\"from\":\"/a.json\",\"to\":\"postgres://x\"}");
	mm_json_free(out);
	assert_int_equal(mm_api_config_client(&c, &out, &err), MM_OK);
	assert_string_equal(f.sent[5].path, "/api/v4/config/client?format=old");
	mm_json_free(out);
	assert_int_equal(mm_api_config_environment(&c, &out, &err), MM_OK);
	assert_string_equal(f.sent[6].path, "/api/v4/config/environment");
	mm_json_free(out);
	mm_json_free(body);
	fake_release(&f);
}

static void
test_environment_keys(void **state)
{
	struct mm_json *env = parse("{\"ServiceSettings\":{\"SiteURL\":true,"
				    "\"ListenAddress\":true},\"SqlSettings\":{"
				    "\"DataSource\":true},\"Empty\":{}}");
	struct mm_strv keys = MM_STRV_INIT;
	char var[64];

	(void)state;
	assert_true(mm_config_env_keys(env, &keys));
	assert_int_equal(keys.n, 3);
	assert_string_equal(keys.v[0], "ServiceSettings.SiteURL");
	assert_string_equal(keys.v[2], "SqlSettings.DataSource");
	assert_true(mm_config_env_var(keys.v[0], var, sizeof(var)));
	assert_string_equal(var, "MM_SERVICESETTINGS_SITEURL");
	assert_false(mm_config_env_var(keys.v[0], var, 10));
	mm_strv_release(&keys);
	mm_json_free(env);
}

/* ---- set ---- */

static void
test_set_values(void **state)
{
	struct mm_json *cfg = parse(cfg_text), *p = NULL;
	struct mm_error err;
	const char *one[] = {"yes"};
	const char *two[] = {"a://", "b://"};
	const char *ports[] = {"8080", "8443"};
	const char *bad[] = {"8080", "x"};
	const char *gl[] = {"https://new"};
	const char *entry[] = {"{\"url\":\"u\"}"};

	(void)state;
	mm_error_clear(&err);
	assert_int_equal(mm_config_patch_from_values(
				 cfg, "ServiceSettings.EnableDeveloper", one, 1,
				 &p, &err),
			 MM_OK);
	assert_json(p, "{\"ServiceSettings\":{\"EnableDeveloper\":true}}");
	mm_json_free(p);
	assert_int_equal(mm_config_patch_from_values(
				 cfg, "NativeAppSettings.AppCustomURLSchemes",
				 two, 2, &p, &err),
			 MM_OK);
	assert_json(p, "{\"NativeAppSettings\":{\"AppCustomURLSchemes\":["
		       "\"a://\",\"b://\"]}}");
	mm_json_free(p);
	assert_int_equal(mm_config_patch_from_values(cfg,
						     "RateLimitSettings.Ports",
						     ports, 2, &p, &err),
			 MM_OK);
	assert_json(p, "{\"RateLimitSettings\":{\"Ports\":[8080,8443]}}");
	mm_json_free(p);
	assert_int_equal(mm_config_patch_from_values(cfg,
						     "RateLimitSettings.Ports",
						     bad, 2, &p, &err),
			 MM_ERR_USAGE);
	assert_non_null(strstr(err.message, "'x' is not a number"));
	assert_int_equal(
		mm_config_patch_from_values(cfg, "TeamSettings.MaxUsersPerTeam",
					    ports, 2, &p, &err),
		MM_ERR_USAGE);
	assert_non_null(strstr(err.message, "not a list"));
	assert_int_equal(
		mm_config_patch_from_values(cfg, "TeamSettings.MaxUserPerTeam",
					    ports, 2, &p, &err),
		MM_ERR_USAGE);
	assert_non_null(strstr(err.message, "TeamSettings.MaxUsersPerTeam"));
	/* the placeholder means "keep": never a value to send */
	two[1] = PH;
	assert_int_equal(mm_config_patch_from_values(
				 cfg, "NativeAppSettings.AppCustomURLSchemes",
				 two, 2, &p, &err),
			 MM_ERR_USAGE);
	assert_null(p);
	/* plugin ids contain dots */
	assert_int_equal(mm_config_patch_from_values(
				 cfg,
				 "PluginSettings.Plugins.com.example.gl.url",
				 gl, 1, &p, &err),
			 MM_OK);
	assert_json(p, "{\"PluginSettings\":{\"Plugins\":{\"com.example.gl\":"
		       "{\"url\":\"https://new\"}}}}");
	mm_json_free(p);
	assert_int_equal(mm_config_patch_from_values(
				 cfg, "PluginSettings.Plugins.com.example.gl",
				 gl, 1, &p, &err),
			 MM_ERR_USAGE);
	assert_int_equal(mm_config_patch_from_values(
				 cfg, "PluginSettings.Plugins.new.plugin",
				 entry, 1, &p, &err),
			 MM_OK);
	assert_json(p, "{\"PluginSettings\":{\"Plugins\":{\"new\":{\"plugin\":"
		       "{\"url\":\"u\"}}}}}");
	mm_json_free(p);
	assert_int_equal(mm_config_patch_from_values(
				 cfg, "PluginSettings.PluginStates.jira.Enable",
				 (const char *[]){"false"}, 1, &p, &err),
			 MM_OK);
	assert_json(p, "{\"PluginSettings\":{\"PluginStates\":{\"jira\":{"
		       "\"Enable\":false}}}}");
	mm_json_free(p);
	assert_int_equal(mm_config_patch_from_values(cfg, "TeamSettings..X",
						     one, 1, &p, &err),
			 MM_ERR_USAGE);
	mm_json_free(cfg);
}

static void
test_lookup(void **state)
{
	struct mm_json *cfg = parse(cfg_text);

	(void)state;
	assert_string_equal(
		mm_json_string(mm_config_lookup(
			cfg, "PluginSettings.Plugins.com.example.gl.url")),
		"https://g");
	assert_int_equal(mm_json_type(mm_config_lookup(
				 cfg, "PluginSettings.Plugins.com.example.gl")),
			 MM_JSON_OBJECT);
	assert_int_equal(mm_json_number(mm_config_lookup(
				 cfg, "TeamSettings.MaxUsersPerTeam")),
			 50);
	assert_null(mm_config_lookup(cfg, "TeamSettings.Nope"));
	assert_null(mm_config_lookup(cfg, "TeamSettings."));
	mm_json_free(cfg);
}

/* ---- edit ---- */

static void
test_edit_patch(void **state)
{
	struct mm_json *cfg = parse(cfg_text), *ed, *p = NULL;
	struct mm_strv removed = MM_STRV_INIT;
	struct mm_error err;
	char *text = print(cfg);
	char *s;

	(void)state;
	mm_error_clear(&err);
	/* unchanged: an empty patch, placeholders never in it */
	ed = parse(text);
	assert_int_equal(mm_config_edit_patch(cfg, ed, &p, &removed, &err),
			 MM_OK);
	assert_json(p, "{}");
	assert_int_equal(removed.n, 0);
	mm_json_free(p);
	mm_json_free(ed);
	/* change a leaf, a list, a plugin key and the raw JSON setting;
	 * drop a key */
	s = strstr(text, "\"Mattermost\"");
	memcpy(s, "\"Mattermosx\"", 12);
	s = strstr(text, "\"mmauth://\"");
	memcpy(s, "\"mmauth:/x\"", 11);
	s = strstr(text, "\"https://j\"");
	memcpy(s, "\"https://k\"", 11);
	s = strstr(text, "\"b\":2");
	s[4] = '3';
	s = strstr(text, "\"VaryByHeader\":\"\",");
	memset(s, ' ', strlen("\"VaryByHeader\":\"\","));
	ed = parse(text);
	assert_int_equal(mm_config_edit_patch(cfg, ed, &p, &removed, &err),
			 MM_OK);
	assert_json(p, "{\"TeamSettings\":{\"SiteName\":\"Mattermosx\"},"
		       "\"LogSettings\":{\"AdvancedLoggingJSON\":{\"a\":{"
		       "\"x\":1},\"b\":3}},\"NativeAppSettings\":{"
		       "\"AppCustomURLSchemes\":[\"mmauth:/x\"]},"
		       "\"PluginSettings\":{\"Plugins\":{\"jira\":{\"url\":"
		       "\"https://k\"}}}}");
	assert_int_equal(removed.n, 1);
	assert_string_equal(removed.v[0], "RateLimitSettings.VaryByHeader");
	mm_json_free(p);
	mm_json_free(ed);
	ed = parse("[1]");
	assert_int_equal(mm_config_edit_patch(cfg, ed, &p, NULL, &err),
			 MM_ERR_USAGE);
	assert_null(p);
	mm_json_free(ed);
	mm_strv_release(&removed);
	free(text);
	mm_json_free(cfg);
}

static void
test_complete_maps(void **state)
{
	struct mm_json *cfg = parse(cfg_text);
	struct mm_json *p =
		parse("{\"PluginSettings\":{\"Plugins\":{\"jira\":{"
		      "\"url\":\"https://k\"},\"new\":{\"a\":1}}}}");
	struct mm_json *q = parse("{\"TeamSettings\":{\"SiteName\":\"x\"}}");
	bool sent = true;

	(void)state;
	assert_true(mm_config_patch_complete_maps(cfg, q, &sent));
	assert_false(sent);
	assert_json(q, "{\"TeamSettings\":{\"SiteName\":\"x\"}}");
	assert_true(mm_config_patch_complete_maps(cfg, p, &sent));
	assert_true(sent);
	/* the other plugin and the other key (a placeholder the server
	 * restores) are kept */
	assert_json(p, "{\"PluginSettings\":{\"Plugins\":{\"jira\":{\"url\":"
		       "\"https://k\",\"secret\":\"" PH "\"},"
		       "\"com.example.gl\":{\"url\":\"https://g\",\"token\":"
		       "\"tok\"},\"new\":{\"a\":1}}}}");
	mm_json_free(p);
	mm_json_free(q);
	mm_json_free(cfg);
}

static void
test_guard(void **state)
{
	struct mm_json *cfg = parse(cfg_text), *p;
	struct mm_error err;

	(void)state;
	mm_error_clear(&err);
	p = parse("{\"SqlSettings\":{\"DataSourceReplicas\":[\"" PH "\"]}}");
	assert_int_equal(mm_config_patch_guard(cfg, p, &err), MM_OK);
	mm_json_free(p);
	p = parse("{\"SqlSettings\":{\"DataSourceReplicas\":[\"" PH
		  "\",\"postgres://new\"]}}");
	assert_int_equal(mm_config_patch_guard(cfg, p, &err), MM_ERR_USAGE);
	assert_non_null(strstr(err.message, "DataSourceReplicas"));
	mm_json_free(p);
	p = parse("{\"SqlSettings\":{\"ReplicaLagSettings\":[{\"DataSource\":"
		  "\"" PH "\",\"QueryAbsoluteLag\":5}]}}");
	assert_int_equal(mm_config_patch_guard(cfg, p, &err), MM_ERR_USAGE);
	assert_non_null(strstr(err.message, "ReplicaLagSettings"));
	mm_json_free(p);
	p = parse("{\"TeamSettings\":{\"SiteName\":\"x\"}}");
	assert_int_equal(mm_config_patch_guard(cfg, p, &err), MM_OK);
	mm_json_free(p);
	mm_json_free(cfg);
}

/* ---- full saves ---- */

static void
test_check_complete(void **state)
{
	struct mm_json *cfg = parse(cfg_text), *b;
	struct mm_strv missing = MM_STRV_INIT;
	struct mm_error err;
	char *text = print(cfg), *s;

	(void)state;
	mm_error_clear(&err);
	b = parse(text);
	assert_int_equal(mm_config_check_complete(cfg, b, &missing, &err),
			 MM_OK);
	assert_int_equal(missing.n, 0);
	mm_json_free(b);
	/* a missing section */
	b = parse(text);
	assert_true(mm_json_set(b, "RateLimitSettings", mm_json_new_array()));
	assert_int_equal(mm_config_check_complete(cfg, b, NULL, &err),
			 MM_ERR_USAGE);
	assert_non_null(strstr(err.message, "RateLimitSettings"));
	mm_json_free(b);
	/* an unknown key */
	s = strstr(text, "\"SiteName\"");
	memcpy(s, "\"SiteNane\"", 10);
	b = parse(text);
	assert_int_equal(mm_config_check_complete(cfg, b, NULL, &err),
			 MM_ERR_USAGE);
	assert_non_null(strstr(err.message, "did you mean "
					    "'TeamSettings.SiteName'"));
	mm_json_free(b);
	memcpy(s, "\"SiteName\"", 10);
	/* a missing secret (exported with remove_masked) */
	s = strstr(text, "\"SplitKey\"");
	memcpy(s, "\"Xxxxxxxx\"", 10);
	b = parse(text);
	assert_int_equal(mm_config_check_complete(cfg, b, NULL, &err),
			 MM_ERR_USAGE);
	mm_json_free(b);
	memcpy(s, "\"SplitKey\"", 10);
	/* a missing ordinary setting is only reported */
	s = strstr(text, "\"MaxUsersPerTeam\":50,");
	memset(s, ' ', strlen("\"MaxUsersPerTeam\":50,"));
	b = parse(text);
	assert_int_equal(mm_config_check_complete(cfg, b, &missing, &err),
			 MM_OK);
	assert_int_equal(missing.n, 1);
	assert_string_equal(missing.v[0], "TeamSettings.MaxUsersPerTeam");
	mm_json_free(b);
	mm_strv_release(&missing);
	free(text);
	mm_json_free(cfg);
}

static void
test_put_prepare(void **state)
{
	struct mm_json *cfg = parse(cfg_text), *b;
	struct mm_error err;
	unsigned notes = 0;
	char *text = print(cfg);

	(void)state;
	mm_error_clear(&err);
	b = parse(text);
	assert_int_equal(mm_config_put_prepare(cfg, b, &notes, &err), MM_OK);
	assert_int_equal(notes,
			 MM_CONFIG_PUT_REDIS_DROPPED | MM_CONFIG_PUT_PLUGINS);
	assert_null(mm_json_path(b, "CacheSettings.RedisPassword"));
	/* the restored secrets stay as placeholders */
	assert_string_equal(
		mm_json_string(mm_json_path(b, "SqlSettings.DataSource")), PH);
	mm_json_free(b);
	free(text);
	b = parse(cfg_text);
	mm_json_set_string((struct mm_json *)mm_json_get(b, "CacheSettings"),
			   "CacheType", "redis");
	assert_int_equal(mm_config_put_prepare(cfg, b, &notes, &err),
			 MM_ERR_USAGE);
	assert_non_null(strstr(err.message, "--local"));
	mm_json_free(b);
	b = parse("{\"SqlSettings\":{\"ReplicaLagSettings\":[{\"DataSource\":"
		  "\"" PH "\"}]}}");
	assert_int_equal(mm_config_put_prepare(cfg, b, &notes, &err),
			 MM_ERR_USAGE);
	mm_json_free(b);
	mm_json_free(cfg);
}

static void
test_reset_body(void **state)
{
	struct mm_json *cfg = parse(cfg_text), *body = NULL, *shape = NULL;
	struct mm_error err;
	const char *keys[] = {"TeamSettings.SiteName", "LogSettings",
			      "PluginSettings.Plugins.com.example.gl"};
	const char *bad[] = {"TeamSettings.SiteNam"};
	const char *elem[] = {"RateLimitSettings.Ports.0"};

	(void)state;
	mm_error_clear(&err);
	assert_int_equal(
		mm_config_reset_body(cfg, keys, 3, &body, &shape, &err), MM_OK);
	assert_null(mm_json_path(body, "TeamSettings.SiteName"));
	assert_non_null(mm_json_path(body, "TeamSettings.MaxUsersPerTeam"));
	assert_null(mm_json_get(body, "LogSettings"));
	assert_null(mm_config_lookup(body,
				     "PluginSettings.Plugins.com.example.gl"));
	assert_non_null(mm_config_lookup(body, "PluginSettings.Plugins.jira"));
	assert_json(shape,
		    "{\"TeamSettings\":{\"SiteName\":\"Mattermost\"},"
		    "\"LogSettings\":{\"ConsoleLevel\":\"INFO\","
		    "\"AdvancedLoggingJSON\":{\"a\":{\"x\":1},\"b\":2}},"
		    "\"PluginSettings\":{\"Plugins\":{\"com.example.gl\":{"
		    "\"url\":\"https://g\",\"token\":\"tok\"}}}}");
	mm_json_free(body);
	mm_json_free(shape);
	assert_int_equal(mm_config_reset_body(cfg, bad, 1, &body, &shape, &err),
			 MM_ERR_USAGE);
	assert_null(body);
	assert_non_null(strstr(err.message, "did you mean"));
	assert_int_equal(
		mm_config_reset_body(cfg, elem, 1, &body, &shape, &err),
		MM_ERR_USAGE);
	assert_non_null(strstr(err.message, "element of a list"));
	mm_json_free(cfg);
}

static void
test_compare(void **state)
{
	struct mm_json *a = parse(cfg_text), *b = parse(cfg_text), *out;
	struct mm_json *team = (struct mm_json *)mm_json_get(b, "TeamSettings");
	struct mm_json *gl = (struct mm_json *)mm_config_lookup(
		b, "PluginSettings.Plugins.com.example.gl");

	(void)state;
	out = mm_config_compare(a, b);
	assert_json(out, "{}");
	mm_json_free(out);
	mm_json_set_string(team, "SiteName", "Other");
	mm_json_set_string(team, "NewKey", "n");
	mm_json_set_string(gl, "token", "other-token"); /* secret-like */
	mm_json_set_string((struct mm_json *)mm_json_get(b, "SqlSettings"),
			   "DataSource", "postgres://real");
	mm_json_set_string((struct mm_json *)mm_json_get(b, "CacheSettings"),
			   "RedisPassword", "real");
	out = mm_config_compare(a, b);
	assert_json(out, "{\"TeamSettings.SiteName\":[\"Mattermost\","
			 "\"Other\"],\"TeamSettings.NewKey\":[null,\"n\"]}");
	mm_json_free(out);
	mm_json_free(a);
	mm_json_free(b);
}

/* ---- license ---- */

static void
test_license_upload(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_json *out = NULL;
	struct mm_license_upload req;
	FILE *tmp = tmpfile();

	(void)state;
	assert_non_null(tmp);
	fputs("license-bytes", tmp);
	rewind(tmp);
	memset(&req, 0, sizeof(req));
	req.file = tmp;
	req.size = 13;
	req.filename = "my.license";
	fake_reply(&f, 200,
		   "{\"id\":\"lic1\",\"sku_short_name\":\"enterprise\"}");
	fake_reply(&f, 201, "{\"status\":\"OK\"}");
	fake_reply(&f, 200, "{\"something\":\"else\"}");
	fake_reply(&f, 400,
		   "{\"id\":\"api.license.add_license.invalid.app_error\","
		   "\"message\":\"Invalid license file.\"}");
	fake_client(&c, &f);
	mm_error_clear(&err);
	assert_int_equal(mm_api_license_upload(&c, &req, &out, &err), MM_OK);
	assert_true(mm_license_is_object(out));
	assert_string_equal(f.sent[0].path, "/api/v4/license");
	assert_string_equal(f.sent[0].method, "POST");
	assert_string_equal(f.sent[0].part[0].name, "license");
	assert_string_equal(f.sent[0].part[0].filename, "my.license");
	assert_int_equal(f.sent[0].part[0].size, 13);
	mm_json_free(out);
	assert_int_equal(mm_api_license_upload(&c, &req, &out, &err), MM_OK);
	assert_false(mm_license_is_object(out));
	assert_true(mm_api_status_ok(out));
	mm_json_free(out);
	assert_int_equal(mm_api_license_upload(&c, &req, &out, &err),
			 MM_ERR_RESPONSE);
	assert_null(out);
	assert_int_equal(mm_api_license_upload(&c, &req, &out, &err),
			 MM_ERR_REJECTED);
	assert_string_equal(err.server_id,
			    "api.license.add_license.invalid.app_error");
	/* a dry run sends nothing */
	c.dry_run = true;
	assert_int_equal(mm_api_license_upload(&c, &req, &out, &err), MM_OK);
	assert_null(out);
	assert_int_equal(f.nsent, 4);
	fclose(tmp);
	fake_release(&f);
}

static void
test_license_requests(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_json *out = NULL;
	struct mm_trial_req t;

	(void)state;
	fake_reply(&f, 200, "{\"status\":\"OK\"}");
	fake_reply(&f, 200, "{\"IsLicensed\":\"false\"}");
	fake_reply(&f, 200, "{\"load\":523}");
	fake_reply(&f, 200, "{\"load\":\"x\"}");
	fake_reply(&f, 200, "{\"status\":\"OK\"}");
	fake_reply(&f, 200, "{\"IsLicensed\":\"false\"}");
	fake_client(&c, &f);
	mm_error_clear(&err);
	assert_int_equal(mm_api_license_remove(&c, &out, &err), MM_OK);
	assert_string_equal(f.sent[0].method, "DELETE");
	mm_json_free(out);
	assert_int_equal(mm_api_license_client(&c, &out, &err), MM_OK);
	assert_string_equal(f.sent[1].path,
			    "/api/v4/license/client?format=old");
	mm_json_free(out);
	assert_int_equal(mm_api_license_load_metric(&c, &out, &err), MM_OK);
	assert_int_equal(mm_json_number(mm_json_get(out, "load")), 523);
	mm_json_free(out);
	assert_int_equal(mm_api_license_load_metric(&c, &out, &err),
			 MM_ERR_RESPONSE);
	memset(&t, 0, sizeof(t));
	t.users = 0;
	t.terms_accepted = true;
	assert_int_equal(mm_api_license_trial(&c, &t, &out, &err),
			 MM_ERR_USAGE);
	t.users = 25;
	t.terms_accepted = false;
	assert_int_equal(mm_api_license_trial(&c, &t, &out, &err),
			 MM_ERR_USAGE);
	assert_int_equal(f.nsent, 4); /* nothing sent for those */
	t.terms_accepted = true;
	t.company_name = "ACME";
	assert_int_equal(mm_api_license_trial(&c, &t, &out, &err), MM_OK);
	assert_string_equal(f.sent[4].path, "/api/v4/trial-license");
	assert_string_equal(f.sent[4].body,
			    "{\"users\":25,\"terms_accepted\":true,"
			    "\"receive_emails_accepted\":false,"
			    "\"company_name\":\"ACME\"}");
	mm_json_free(out);
	assert_int_equal(mm_api_license_prev_trial(&c, &out, &err), MM_OK);
	assert_string_equal(f.sent[5].path, "/api/v4/trial-license/prev");
	mm_json_free(out);
	fake_release(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_requests),
		cmocka_unit_test(test_environment_keys),
		cmocka_unit_test(test_set_values),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_edit_patch),
		cmocka_unit_test(test_complete_maps),
		cmocka_unit_test(test_guard),
		cmocka_unit_test(test_check_complete),
		cmocka_unit_test(test_put_prepare),
		cmocka_unit_test(test_reset_body),
		cmocka_unit_test(test_compare),
		cmocka_unit_test(test_license_upload),
		cmocka_unit_test(test_license_requests),
	};

	return cmocka_run_group_tests_name("config_ops", tests, NULL, NULL);
}
