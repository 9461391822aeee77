/*
 * Plugins: upload, install from a URL or the marketplace, enable,
 * disable, remove, list, statuses, and the local-only developer routes.
 * With PluginSettings.Enable off every route answers 501 before any
 * permission check; the functions say which setting to change.
 */
#ifndef MMADM_API_PLUGINS_H
#define MMADM_API_PLUGINS_H

#include "api.h"
#include "buf.h"
#include "error.h"
#include "http.h"
#include "json.h"

#include <stdbool.h>
#include <stdint.h>

/* Plugin ids: letters, digits, '_', '.', '-' (non-empty). */
bool mm_plugin_id_valid(const char *id);

struct mm_plugin_upload {
	const char *path; /* a .tar.gz bundle (a regular file) */
	bool force;       /* replace an installed plugin with the same id */
	mm_progress_fn progress;
	void *progress_ud;
};
/* POST /plugins, multipart: text field "force" (when set), then the
 * file field "plugin", streamed from disk. 201 Manifest. A file that
 * cannot be opened is MM_ERR_IO before anything is sent. */
enum mm_result mm_api_plugin_upload(struct mm_client *c,
				    const struct mm_plugin_upload *u,
				    struct mm_json **out, struct mm_error *err);

/* POST /plugins/install_from_url?plugin_download_url=URL&force=... */
enum mm_result mm_api_plugin_install_url(struct mm_client *c, const char *url,
					 bool force, struct mm_json **out,
					 struct mm_error *err);

enum mm_result mm_api_plugin_enable(struct mm_client *c, const char *id,
				    struct mm_json **out, struct mm_error *err);
enum mm_result mm_api_plugin_disable(struct mm_client *c, const char *id,
				     struct mm_json **out,
				     struct mm_error *err);
enum mm_result mm_api_plugin_remove(struct mm_client *c, const char *id,
				    struct mm_json **out, struct mm_error *err);

/* GET /plugins: {"active":[Manifest...],"inactive":[...]}. */
enum mm_result mm_api_plugin_list(struct mm_client *c, struct mm_json **out,
				  struct mm_error *err);
/* Table rows of a GET /plugins answer: every manifest (active first)
 * with "state" set to "active" or "inactive". NULL when out of memory
 * or doc is not that shape. */
struct mm_json *mm_plugin_rows(const struct mm_json *doc);

/* GET /plugins/statuses: an array of per-node statuses. */
enum mm_result mm_api_plugin_statuses(struct mm_client *c, struct mm_json **out,
				      struct mm_error *err);
/* Copy of a statuses array with "state_name" added to each (running,
 * not-running, starting, failed-to-start, failed-to-stay-running,
 * stopping, unknown). */
struct mm_json *mm_plugin_status_rows(const struct mm_json *doc);
const char *mm_plugin_state_name(int state);

struct mm_marketplace_filter {
	const char *filter; /* id, name or description contains */
	bool local_only;
	bool remote_only;
};
#define MM_MARKETPLACE_PER_PAGE 100 /* the server's default */
/* Fill req (path kept in *path) for GET /plugins/marketplace; both
 * local_only and remote_only is MM_ERR_USAGE (the server would 500). */
enum mm_result
mm_api_marketplace_list_req(const struct mm_marketplace_filter *f,
			    struct mm_page_req *req, struct mm_buf *path,
			    struct mm_error *err);
/* POST /plugins/marketplace {"id","version"}: 201 Manifest. version may
 * be NULL (""): the server installs the latest compatible version. */
enum mm_result mm_api_marketplace_install(struct mm_client *c, const char *id,
					  const char *version,
					  struct mm_json **out,
					  struct mm_error *err);

/* Local-only developer routes. request: {"Manifest":{...},
 * "PluginReattachConfig":{...}} (Go's untagged field names; the server
 * matches them case-insensitively). Both answer an empty 200. */
enum mm_result mm_api_plugin_reattach(struct mm_client *c,
				      const struct mm_json *request,
				      struct mm_json **out,
				      struct mm_error *err);
enum mm_result mm_api_plugin_detach(struct mm_client *c, const char *id,
				    struct mm_json **out, struct mm_error *err);

/* Add what to change to a 501 from the plugin routes. */
enum mm_result mm_api_plugin_hint(enum mm_result rc, struct mm_error *err);

#endif
