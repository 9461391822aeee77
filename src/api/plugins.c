/* Plugins and the plugin marketplace. */
#include "mmadm/api_files.h"
#include "mmadm/api_plugins.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define CJ(x) ((const cJSON *)(x))

bool
mm_plugin_id_valid(const char *id)
{
	if (id == NULL || id[0] == '\0')
		return false;
	for (const char *p = id; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.' &&
		    *p != '-')
			return false;
	return true;
}

static enum mm_result
bad_plugin_id(const char *id, struct mm_error *err)
{
	return mm_error_set(err, MM_ERR_USAGE,
			    "invalid plugin id '%s': letters, digits and "
			    "_ . - only",
			    id ? id : "");
}

enum mm_result
mm_api_plugin_hint(enum mm_result rc, struct mm_error *err)
{
	static const struct {
		const char *id, *what;
	} hints[] = {
		{"app.plugin.disabled.app_error",
		 "plugins are disabled on this server "
		 "(PluginSettings.Enable)"},
		{"app.plugin.upload_disabled.app_error",
		 "plugin uploads are off: they need "
		 "PluginSettings.EnableUploads=true and "
		 "RequirePluginSignature=false in the server's config file"},
		{"app.plugin.marketplace_disabled.app_error",
		 "the marketplace is disabled on this server "
		 "(PluginSettings.EnableMarketplace)"},
	};

	if (rc == MM_OK)
		return rc;
	for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++)
		if (strcmp(err->server_id, hints[i].id) == 0)
			mm_error_prefix(err, "%s", hints[i].what);
	return rc;
}

/* The Manifest a successful install answers (201): an object with a
 * string "id". Anything else is freed and MM_ERR_RESPONSE. */
static enum mm_result
want_manifest(struct mm_client *c, enum mm_result rc, struct mm_json **out,
	      struct mm_error *err)
{
	enum mm_json_type t;

	if (rc != MM_OK || c->dry_run)
		return rc;
	t = mm_json_type(*out);
	if (t == MM_JSON_OBJECT &&
	    mm_json_type(mm_json_get(*out, "id")) == MM_JSON_STRING)
		return MM_OK;
	mm_json_free(*out);
	*out = NULL;
	return mm_error_set(err, MM_ERR_RESPONSE,
			    "unexpected response: expected a plugin manifest "
			    "(an object with a string \"id\"), got %s",
			    t == MM_JSON_OBJECT ? "an object without one"
						: mm_json_type_name(t));
}

static const char *
base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL && slash[1] != '\0' ? slash + 1 : path;
}

enum mm_result
mm_api_plugin_upload(struct mm_client *c, const struct mm_plugin_upload *u,
		     struct mm_json **out, struct mm_error *err)
{
	struct mm_http_part parts[2];
	struct mm_api_body body;
	uint64_t size;
	enum mm_result rc;
	size_t n = 0;
	FILE *f;

	*out = NULL;
	rc = mm_api_open_upload(u->path, &f, &size, err);
	if (rc != MM_OK)
		return rc;
	memset(parts, 0, sizeof(parts));
	if (u->force) {
		parts[n].name = "force";
		parts[n].value = "true";
		n++;
	}
	parts[n].name = "plugin";
	parts[n].filename = base_name(u->path);
	parts[n].path = u->path;
	parts[n].file = f;
	parts[n].size = size;
	parts[n].type = "application/gzip";
	n++;
	memset(&body, 0, sizeof(body));
	body.parts = parts;
	body.nparts = n;
	body.progress = u->progress;
	body.progress_ud = u->progress_ud;
	rc = want_manifest(
		c,
		mm_api_plugin_hint(mm_api_send(c, "POST", "/api/v4/plugins",
					       &body, 0, out, NULL, err),
				   err),
		out, err);
	if (fclose(f) != 0 && rc == MM_OK)
		rc = mm_error_set(err, MM_ERR_IO, "cannot close %s: %s",
				  u->path, strerror(errno));
	return rc;
}

enum mm_result
mm_api_plugin_install_url(struct mm_client *c, const char *url, bool force,
			  struct mm_json **out, struct mm_error *err)
{
	struct mm_buf path = MM_BUF_INIT;
	enum mm_result rc;

	*out = NULL;
	if (url == NULL || (strncmp(url, "http://", 7) != 0 &&
			    strncmp(url, "https://", 8) != 0))
		return mm_error_set(err, MM_ERR_USAGE,
				    "the plugin URL must start with http:// "
				    "or https://, not '%s'",
				    url ? url : "");
	if (!mm_buf_puts(&path, "/api/v4/plugins/install_from_url"
				"?plugin_download_url=") ||
	    !mm_http_escape(url, &path) ||
	    !mm_buf_printf(&path, "&force=%s", force ? "true" : "false")) {
		mm_buf_release(&path);
		return mm_error_oom(err);
	}
	rc = mm_api_request(c, "POST", mm_buf_str(&path), NULL, 0, out, NULL,
			    err);
	/* This route answers app.plugin.disabled for all three gates. */
	if (rc == MM_ERR_UNAVAILABLE &&
	    strcmp(err->server_id, "app.plugin.disabled.app_error") == 0)
		mm_error_prefix(err, "installing plugins needs "
				     "PluginSettings.Enable=true, "
				     "EnableUploads=true and "
				     "RequirePluginSignature=false");
	else
		rc = mm_api_plugin_hint(rc, err);
	mm_buf_release(&path);
	return want_manifest(c, rc, out, err);
}

/* method /plugins/{id}{suffix} with no body, answering OK. */
static enum mm_result
plugin_action(struct mm_client *c, const char *method, const char *id,
	      const char *suffix, struct mm_json **out, struct mm_error *err)
{
	struct mm_buf path = MM_BUF_INIT;
	enum mm_result rc;

	*out = NULL;
	if (!mm_plugin_id_valid(id))
		return bad_plugin_id(id, err);
	if (!mm_buf_puts(&path, "/api/v4/plugins/") ||
	    !mm_http_escape(id, &path) || !mm_buf_puts(&path, suffix)) {
		mm_buf_release(&path);
		return mm_error_oom(err);
	}
	rc = mm_api_plugin_hint(mm_api_request(c, method, mm_buf_str(&path),
					       NULL, MM_API_EMPTY_OK, out, NULL,
					       err),
				err);
	mm_buf_release(&path);
	return rc;
}

enum mm_result
mm_api_plugin_enable(struct mm_client *c, const char *id, struct mm_json **out,
		     struct mm_error *err)
{
	return plugin_action(c, "POST", id, "/enable", out, err);
}

enum mm_result
mm_api_plugin_disable(struct mm_client *c, const char *id, struct mm_json **out,
		      struct mm_error *err)
{
	return plugin_action(c, "POST", id, "/disable", out, err);
}

enum mm_result
mm_api_plugin_remove(struct mm_client *c, const char *id, struct mm_json **out,
		     struct mm_error *err)
{
	return plugin_action(c, "DELETE", id, "", out, err);
}

enum mm_result
mm_api_plugin_detach(struct mm_client *c, const char *id, struct mm_json **out,
		     struct mm_error *err)
{
	return plugin_action(c, "POST", id, "/detach", out, err);
}

enum mm_result
mm_api_plugin_list(struct mm_client *c, struct mm_json **out,
		   struct mm_error *err)
{
	enum mm_result rc;

	rc = mm_api_plugin_hint(mm_api_request(c, "GET", "/api/v4/plugins",
					       NULL, 0, out, NULL, err),
				err);
	if (rc == MM_OK && mm_json_type(*out) != MM_JSON_OBJECT) {
		rc = mm_error_set(err, MM_ERR_RESPONSE,
				  "expected {\"active\":[...],\"inactive\":"
				  "[...]}, got %s",
				  mm_json_type_name(mm_json_type(*out)));
		mm_json_free(*out);
		*out = NULL;
	}
	return rc;
}

/* Append a copy of every element of list with "state" = state. */
static bool
add_rows(cJSON *rows, const cJSON *list, const char *state)
{
	const cJSON *m;

	if (list == NULL || cJSON_IsNull(list))
		return true;
	if (!cJSON_IsArray(list))
		return false;
	cJSON_ArrayForEach(m, list)
	{
		cJSON *row = cJSON_Duplicate(m, true);

		if (row == NULL || !cJSON_IsObject(row)) {
			cJSON_Delete(row);
			return false;
		}
		cJSON_DeleteItemFromObjectCaseSensitive(row, "state");
		if (cJSON_AddStringToObject(row, "state", state) == NULL ||
		    !cJSON_AddItemToArray(rows, row)) {
			cJSON_Delete(row);
			return false;
		}
	}
	return true;
}

struct mm_json *
mm_plugin_rows(const struct mm_json *doc)
{
	cJSON *rows;

	if (!cJSON_IsObject(CJ(doc)))
		return NULL;
	rows = cJSON_CreateArray();
	if (rows == NULL ||
	    !add_rows(rows, cJSON_GetObjectItemCaseSensitive(CJ(doc), "active"),
		      "active") ||
	    !add_rows(rows,
		      cJSON_GetObjectItemCaseSensitive(CJ(doc), "inactive"),
		      "inactive")) {
		cJSON_Delete(rows);
		return NULL;
	}
	return (struct mm_json *)rows;
}

enum mm_result
mm_api_plugin_statuses(struct mm_client *c, struct mm_json **out,
		       struct mm_error *err)
{
	enum mm_result rc;

	rc = mm_api_plugin_hint(mm_api_request(c, "GET",
					       "/api/v4/plugins/statuses", NULL,
					       0, out, NULL, err),
				err);
	if (rc == MM_OK && mm_json_type(*out) != MM_JSON_ARRAY &&
	    mm_json_type(*out) != MM_JSON_NULL) {
		rc = mm_error_set(err, MM_ERR_RESPONSE,
				  "expected a list of plugin statuses, got %s",
				  mm_json_type_name(mm_json_type(*out)));
		mm_json_free(*out);
		*out = NULL;
	}
	return rc;
}

const char *
mm_plugin_state_name(int state)
{
	static const char *const names[] = {
		"not-running",
		"starting",
		"running",
		"failed-to-start",
		"failed-to-stay-running",
		"stopping",
	};

	if (state < 0 || (size_t)state >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[state];
}

struct mm_json *
mm_plugin_status_rows(const struct mm_json *doc)
{
	cJSON *rows = cJSON_CreateArray();
	const cJSON *s;

	if (rows == NULL)
		return NULL;
	if (doc == NULL || cJSON_IsNull(CJ(doc)))
		return (struct mm_json *)rows;
	if (!cJSON_IsArray(CJ(doc))) {
		cJSON_Delete(rows);
		return NULL;
	}
	cJSON_ArrayForEach(s, CJ(doc))
	{
		cJSON *row = cJSON_Duplicate(s, true);
		const cJSON *st;

		if (row == NULL || !cJSON_IsObject(row)) {
			cJSON_Delete(row);
			cJSON_Delete(rows);
			return NULL;
		}
		st = cJSON_GetObjectItemCaseSensitive(row, "state");
		if (cJSON_AddStringToObject(
			    row, "state_name",
			    cJSON_IsNumber(st)
				    ? mm_plugin_state_name((int)st->valuedouble)
				    : "unknown") == NULL ||
		    !cJSON_AddItemToArray(rows, row)) {
			cJSON_Delete(row);
			cJSON_Delete(rows);
			return NULL;
		}
	}
	return (struct mm_json *)rows;
}

enum mm_result
mm_api_marketplace_list_req(const struct mm_marketplace_filter *f,
			    struct mm_page_req *req, struct mm_buf *path,
			    struct mm_error *err)
{
	bool ok;

	mm_buf_reset(path);
	if (f->local_only && f->remote_only)
		return mm_error_set(err, MM_ERR_USAGE,
				    "--local-only and --remote-only exclude "
				    "each other");
	ok = mm_buf_puts(path, "/api/v4/plugins/marketplace");
	if (ok && f->filter != NULL && f->filter[0] != '\0')
		ok = mm_buf_puts(path, "?filter=") &&
		     mm_http_escape(f->filter, path);
	if (ok && f->local_only)
		ok = mm_buf_printf(path, "%clocal_only=true",
				   strchr(mm_buf_str(path), '?') ? '&' : '?');
	if (ok && f->remote_only)
		ok = mm_buf_printf(path, "%cremote_only=true",
				   strchr(mm_buf_str(path), '?') ? '&' : '?');
	if (!ok)
		return mm_error_oom(err);
	req->path = mm_buf_str(path);
	req->items_key = NULL;
	req->flags = MM_API_WANT_OBJECTS; /* marketplace entries */
	return MM_OK;
}

enum mm_result
mm_api_marketplace_install(struct mm_client *c, const char *id,
			   const char *version, struct mm_json **out,
			   struct mm_error *err)
{
	struct mm_json *body;
	enum mm_result rc;

	*out = NULL;
	if (!mm_plugin_id_valid(id))
		return bad_plugin_id(id, err);
	body = mm_json_new_object();
	if (body == NULL || !mm_json_set_string(body, "id", id) ||
	    !mm_json_set_string(body, "version", version ? version : "")) {
		mm_json_free(body);
		return mm_error_oom(err);
	}
	rc = mm_api_plugin_hint(mm_api_request(c, "POST",
					       "/api/v4/plugins/marketplace",
					       body, 0, out, NULL, err),
				err);
	rc = want_manifest(c, rc, out, err);
	mm_json_free(body);
	return rc;
}

enum mm_result
mm_api_plugin_reattach(struct mm_client *c, const struct mm_json *request,
		       struct mm_json **out, struct mm_error *err)
{
	const cJSON *m, *cfg, *id;

	*out = NULL;
	/* Go decodes the untagged fields Manifest and PluginReattachConfig
	 * case-insensitively; so does cJSON_GetObjectItem. */
	m = cJSON_GetObjectItem(CJ(request), "Manifest");
	cfg = cJSON_GetObjectItem(CJ(request), "PluginReattachConfig");
	id = cJSON_GetObjectItemCaseSensitive(m, "id");
	if (!cJSON_IsObject(m) || !cJSON_IsString(id))
		return mm_error_set(err, MM_ERR_USAGE,
				    "the reattach request needs a \"Manifest\" "
				    "object with an \"id\"");
	if (!mm_plugin_id_valid(id->valuestring))
		return bad_plugin_id(id->valuestring, err);
	if (!cJSON_IsObject(cfg))
		return mm_error_set(err, MM_ERR_USAGE,
				    "the reattach request needs a "
				    "\"PluginReattachConfig\" object");
	return mm_api_plugin_hint(
		mm_api_request(c, "POST", "/api/v4/plugins/reattach", request,
			       MM_API_EMPTY_OK, out, NULL, err),
		err);
}
