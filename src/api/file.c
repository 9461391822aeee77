/*
 * File store test: POST /file/test (server 11.10+), falling back to the
 * legacy POST /file/s3_test for amazons3 on older servers.
 */
#include "mmadm/api.h"
#include "mmadm/api_files.h"

#include <stdio.h>
#include <string.h>

bool
mm_file_test_has_overrides(const struct mm_file_test_req *r)
{
	return r->driver || r->directory || r->bucket || r->region ||
	       r->endpoint || r->path_prefix || r->access_key_id ||
	       r->secret_key || r->ssl || r->account || r->container ||
	       r->azure_key || r->azure_endpoint || r->config;
}

void
mm_file_test_result_release(struct mm_file_test_result *r)
{
	if (r == NULL)
		return;
	mm_json_free(r->doc);
	r->doc = NULL;
}

static bool
set_fs(struct mm_json *fs, const char *key, const char *val)
{
	return val == NULL || mm_json_set_string(fs, key, val);
}

/* Lay the overrides over a copy of the server's config. */
static enum mm_result
build_body(const struct mm_json *cfg, const struct mm_file_test_req *r,
	   struct mm_json **out, struct mm_error *err)
{
	struct mm_json *body = mm_json_dup(cfg), *merged, *fs;
	const struct mm_json *cfs;
	bool ok = true;

	*out = NULL;
	if (body == NULL)
		return mm_error_oom(err);
	if (r->config != NULL) {
		const struct mm_json *over =
			mm_json_get(r->config, "FileSettings");
		struct mm_json *patch;

		if (over == NULL) {
			mm_json_free(body);
			return mm_error_set(err, MM_ERR_USAGE,
					    "the --config file has no "
					    "FileSettings section");
		}
		patch = mm_json_new_object();
		if (patch == NULL ||
		    !mm_json_set(patch, "FileSettings", mm_json_dup(over))) {
			mm_json_free(patch);
			mm_json_free(body);
			return mm_error_oom(err);
		}
		if (mm_config_patch_check(cfg, patch, err) != MM_OK) {
			mm_json_free(patch);
			mm_json_free(body);
			mm_error_prefix(err, "--config");
			return err->kind;
		}
		merged = mm_config_merge(body, patch);
		mm_json_free(patch);
		mm_json_free(body);
		body = merged;
		if (body == NULL)
			return mm_error_oom(err);
	}
	cfs = mm_json_get(body, "FileSettings");
	if (cfs == NULL || mm_json_type(cfs) != MM_JSON_OBJECT) {
		mm_json_free(body);
		return mm_error_set(err, MM_ERR_RESPONSE,
				    "the server's config has no FileSettings "
				    "section");
	}
	fs = (struct mm_json *)cfs;
	ok = set_fs(fs, "DriverName", r->driver) &&
	     set_fs(fs, "Directory", r->directory) &&
	     set_fs(fs, "AmazonS3Bucket", r->bucket) &&
	     set_fs(fs, "AmazonS3Region", r->region) &&
	     set_fs(fs, "AmazonS3Endpoint", r->endpoint) &&
	     set_fs(fs, "AmazonS3PathPrefix", r->path_prefix) &&
	     set_fs(fs, "AmazonS3AccessKeyId", r->access_key_id) &&
	     set_fs(fs, "AmazonS3SecretAccessKey", r->secret_key) &&
	     set_fs(fs, "AzureStorageAccount", r->account) &&
	     set_fs(fs, "AzureContainer", r->container) &&
	     set_fs(fs, "AzureAccessKey", r->azure_key) &&
	     set_fs(fs, "AzureEndpoint", r->azure_endpoint);
	if (ok && r->ssl != NULL) {
		struct mm_json *b;
		struct mm_error perr;

		mm_error_clear(&perr);
		if (mm_json_parse(r->ssl, strlen(r->ssl), &b, &perr) != MM_OK ||
		    mm_json_type(b) != MM_JSON_BOOL) {
			mm_json_free(b);
			mm_json_free(body);
			return mm_error_set(err, MM_ERR_USAGE,
					    "--ssl takes true or false");
		}
		ok = mm_json_set(fs, "AmazonS3SSL", b);
	}
	if (!ok) {
		mm_json_free(body);
		return mm_error_oom(err);
	}
	*out = body;
	return MM_OK;
}

/* Turn the server's error ids into messages that name the setting. */
static void
explain(const char *driver, struct mm_error *err)
{
	const char *id = err->server_id;
	const char *why = NULL;
	char keep[sizeof(err->message)];

	if (strcmp(id, "api.admin.test_s3.missing_s3_bucket") == 0)
		why = "FileSettings.AmazonS3Bucket is empty: give --bucket";
	else if (strcmp(id, "api.admin.test_azure.missing_azure_field") == 0)
		why = "a required Azure setting is empty "
		      "(FileSettings.AzureStorageAccount, AzureContainer, "
		      "AzureAccessKey): give --account, --container and "
		      "--azure-key-file";
	else if (strcmp(id, "api.file.test_connection_unsupported_driver") == 0)
		why = "FileSettings.DriverName is empty or unknown: give "
		      "--driver local, amazons3 or azureblob";
	else if (strcmp(id, "api.file.test_connection_settings_nil") == 0 ||
		 strcmp(id,
			"api.file.test_connection_s3_settings_nil.app_error") ==
			 0)
		why = "the FileSettings sent are incomplete (a field is "
		      "null): check the --config file";
	else if (strcmp(id, "api.file.test_connection_s3_auth.app_error") == 0)
		why = "the S3 credentials were rejected: check "
		      "FileSettings.AmazonS3AccessKeyId and "
		      "AmazonS3SecretAccessKey (--access-key-id, "
		      "--secret-key-file)";
	else if (strcmp(id, "api.file.test_connection_s3_bucket_does_not_"
			    "exist.app_error") == 0)
		why = "the bucket does not exist: check "
		      "FileSettings.AmazonS3Bucket and AmazonS3Region";
	else if (strcmp(id, "api.file.test_connection.app_error") == 0)
		why = "the write/read/delete probe of the file store failed";
	else if (err->kind == MM_ERR_PERM)
		why = "testing the file store needs the manage_system "
		      "permission";
	if (why == NULL)
		return;
	memcpy(keep, err->message, sizeof(keep));
	/* Truncation keeps the front, which carries the explanation. */
	if (snprintf(err->message, sizeof(err->message),
		     "%s%s%s; server said: %s",
		     driver && driver[0] ? driver : "",
		     driver && driver[0] ? ": " : "", why, keep) < 0)
		memcpy(err->message, keep, sizeof(keep));
}

static bool
is_missing_endpoint(const struct mm_error *err)
{
	return err->http_status == 404 || err->http_status == 405;
}

enum mm_result
mm_api_file_test(struct mm_client *c, const struct mm_file_test_req *req,
		 struct mm_file_test_result *res, struct mm_error *err)
{
	struct mm_json *cfg = NULL, *body = NULL;
	enum mm_result rc;
	const char *driver;

	memset(res, 0, sizeof(*res));
	if (mm_file_test_has_overrides(req)) {
		rc = mm_api_config_get(c, &cfg, err);
		if (rc != MM_OK)
			goto out;
		rc = build_body(cfg, req, &body, err);
		if (rc != MM_OK)
			goto out;
		driver = mm_json_string(
			mm_json_path(body, "FileSettings.DriverName"));
		mm_strlcpy(res->driver, driver ? driver : "",
			   sizeof(res->driver));
	}
	rc = mm_api_request(c, "POST", "/api/v4/file/test", body,
			    MM_API_EMPTY_OK, &res->doc, NULL, err);
	if (rc == MM_OK || !is_missing_endpoint(err)) {
		if (rc != MM_OK)
			explain(res->driver, err);
		goto out;
	}

	/* An older server: only the S3 test exists there. */
	if (body == NULL) {
		struct mm_error cerr;

		mm_error_clear(&cerr);
		if (mm_api_config_get(c, &cfg, &cerr) == MM_OK) {
			driver = mm_json_string(
				mm_json_path(cfg, "FileSettings.DriverName"));
			mm_strlcpy(res->driver, driver ? driver : "",
				   sizeof(res->driver));
		}
	}
	if (strcmp(res->driver, "amazons3") != 0) {
		rc = mm_error_set(err, MM_ERR_UNAVAILABLE,
				  "this server has no POST /api/v4/file/test "
				  "(added in server 11.10); testing the '%s' "
				  "driver needs a newer server (only amazons3 "
				  "can be tested on older ones)",
				  res->driver[0] ? res->driver : "configured");
		goto out;
	}
	mm_error_clear(err);
	res->used_legacy = true;
	rc = mm_api_request(c, "POST", "/api/v4/file/s3_test", body,
			    MM_API_EMPTY_OK, &res->doc, NULL, err);
	if (rc != MM_OK)
		explain(res->driver, err);
out:
	mm_json_free(cfg);
	mm_json_free(body);
	return rc;
}

enum mm_result
mm_api_file_s3_test(struct mm_client *c, const struct mm_file_test_req *req,
		    struct mm_file_test_result *res, struct mm_error *err)
{
	struct mm_json *cfg = NULL, *body = NULL;
	enum mm_result rc = MM_OK;

	memset(res, 0, sizeof(*res));
	res->used_legacy = true;
	mm_strlcpy(res->driver, "amazons3", sizeof(res->driver));
	if (mm_file_test_has_overrides(req)) {
		rc = mm_api_config_get(c, &cfg, err);
		if (rc == MM_OK)
			rc = build_body(cfg, req, &body, err);
		if (rc != MM_OK)
			goto out;
	}
	rc = mm_api_request(c, "POST", "/api/v4/file/s3_test", body,
			    MM_API_EMPTY_OK, &res->doc, NULL, err);
	if (rc != MM_OK)
		explain(res->driver, err);
out:
	mm_json_free(cfg);
	mm_json_free(body);
	return rc;
}
