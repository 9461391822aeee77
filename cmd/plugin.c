/* plugin: install, enable, disable, remove and list plugins. */
#include "cmd.h"
#include "mmadm/api_plugins.h"

#include <stdio.h>
#include <string.h>

#define PLUGIN_FLAGS (CMD_NEEDS_SERVER | CMD_NEEDS_AUTH)

static const struct mm_column manifest_cols[] = {
	{"ID", "id"},
	{"NAME", "name"},
	{"VERSION", "version"},
	MM_COLUMN_END,
};

static const struct mm_column plugin_cols[] = {
	{"ID", "id"},       {"NAME", "name"}, {"VERSION", "version"},
	{"STATE", "state"}, MM_COLUMN_END,
};

static const struct mm_column status_cols[] = {
	{"ID", "plugin_id"},     {"NAME", "name"},       {"VERSION", "version"},
	{"STATE", "state_name"}, {"NODE", "cluster_id"}, {"ERROR", "error"},
	MM_COLUMN_END,
};

static const struct mm_column marketplace_cols[] = {
	{"ID", "manifest.id"},
	{"NAME", "manifest.name"},
	{"VERSION", "manifest.version"},
	{"INSTALLED", "installed_version"},
	MM_COLUMN_END,
};

static const struct mm_arg plugin_id_args[] = {
	MM_ARG("PLUGIN_ID", "the plugin's id (e.g. com.mattermost.demo)", 0),
	MM_ARG_END(),
};

/* An installed plugin's manifest: one row, and how to turn it on. */
static void
print_installed(struct mm_ctx *ctx, const struct mm_json *doc)
{
	const char *id;

	if (doc == NULL)
		return; /* dry run */
	mm_out_doc(&ctx->out, doc, manifest_cols);
	id = mm_json_string(mm_json_get(doc, "id"));
	if (id != NULL && !cmd_structured(ctx))
		mm_note(&ctx->out,
			"installed; turn it on with 'mmadm plugin "
			"enable %s'",
			id);
}

/* ---- detach / reattach (local only) ---- */

static const char *const plugin_detach_examples[] = {
	"mmadm --local plugin detach com.example.devplugin",
	NULL,
};

static const char *const plugin_detach_endpoints[] = {
	"POST /api/v4/plugins/{plugin_id}/detach",
	NULL,
};

static enum mm_result
plugin_detach_exec(struct mm_ctx *ctx, const struct mm_args *args,
		   struct mm_error *err)
{
	return cmd_action_on(ctx, mm_api_plugin_detach, mm_args_pos(args, 0),
			     "detached plugin %s", err);
}

static const struct mm_arg plugin_reattach_args[] = {
	MM_ARG("FILE|-",
	       "request: {\"Manifest\":{...},\"PluginReattachConfig\":{...}} "
	       "as JSON or YAML",
	       MM_ARG_IS_FILE),
	MM_ARG_END(),
};

static const char *const plugin_reattach_examples[] = {
	"mmadm --local plugin reattach reattach.json",
	NULL,
};

static const char *const plugin_reattach_endpoints[] = {
	"POST /api/v4/plugins/reattach",
	NULL,
};

static enum mm_result
plugin_reattach_exec(struct mm_ctx *ctx, const struct mm_args *args,
		     struct mm_error *err)
{
	struct mm_json *req = NULL, *doc = NULL;
	struct mm_client *c;
	enum mm_result rc;

	rc = cmd_read_doc(mm_args_pos(args, 0), &req, err);
	if (rc == MM_OK)
		rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_plugin_reattach(c, req, &doc, err);
	if (rc == MM_OK)
		rc = cmd_print_status(ctx, doc, "plugin reattached", err);
	mm_json_free(req);
	mm_json_free(doc);
	return rc;
}

/* ---- enable / disable / remove ---- */

static const char *const plugin_disable_examples[] = {
	"mmadm plugin disable com.github.manland.mattermost-plugin-gitlab",
	NULL,
};

static const char *const plugin_disable_endpoints[] = {
	"POST /api/v4/plugins/{plugin_id}/disable",
	NULL,
};

static const char *const plugin_enable_examples[] = {
	"mmadm plugin enable jira",
	NULL,
};

static const char *const plugin_enable_endpoints[] = {
	"POST /api/v4/plugins/{plugin_id}/enable",
	NULL,
};

static const char *const plugin_remove_examples[] = {
	"mmadm plugin remove jira --yes",
	NULL,
};

static const char *const plugin_remove_endpoints[] = {
	"DELETE /api/v4/plugins/{plugin_id}",
	NULL,
};

static enum mm_result
plugin_disable_exec(struct mm_ctx *ctx, const struct mm_args *args,
		    struct mm_error *err)
{
	return cmd_action_on(ctx, mm_api_plugin_disable, mm_args_pos(args, 0),
			     "disabled plugin %s", err);
}

static enum mm_result
plugin_enable_exec(struct mm_ctx *ctx, const struct mm_args *args,
		   struct mm_error *err)
{
	return cmd_action_on(ctx, mm_api_plugin_enable, mm_args_pos(args, 0),
			     "enabled plugin %s", err);
}

static enum mm_result
plugin_remove_exec(struct mm_ctx *ctx, const struct mm_args *args,
		   struct mm_error *err)
{
	return cmd_action_on(ctx, mm_api_plugin_remove, mm_args_pos(args, 0),
			     "removed plugin %s", err);
}

/* ---- install-url ---- */

static const struct mm_opt plugin_force_opts[] = {
	MM_OPT_BOOL(0, "force",
		    "replace an installed plugin that has the same id"),
	MM_OPT_END(),
};

static const struct mm_arg plugin_url_args[] = {
	MM_ARG("URL", "where the server downloads the .tar.gz bundle", 0),
	MM_ARG_END(),
};

static const char *const plugin_install_url_examples[] = {
	"mmadm plugin install-url https://github.com/mattermost/"
	"mattermost-plugin-todo/releases/download/v0.7.1/"
	"com.mattermost.plugin-todo-0.7.1.tar.gz",
	NULL,
};

static const char *const plugin_install_url_endpoints[] = {
	"POST /api/v4/plugins/install_from_url",
	NULL,
};

static enum mm_result
plugin_install_url_exec(struct mm_ctx *ctx, const struct mm_args *args,
			struct mm_error *err)
{
	struct mm_json *doc = NULL;
	struct mm_client *c;
	enum mm_result rc;

	rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_plugin_install_url(
			c, mm_args_pos(args, 0),
			mm_args_bool(args, "force", false), &doc, err);
	if (rc == MM_OK)
		print_installed(ctx, doc);
	mm_json_free(doc);
	return rc;
}

/* ---- list / statuses ---- */

static const char *const plugin_list_examples[] = {
	"mmadm plugin list",
	"mmadm -o json plugin list",
	NULL,
};

static const char *const plugin_list_endpoints[] = {
	"GET /api/v4/plugins",
	NULL,
};

/* The server's document for json/yaml; for table/plain, the rows made
 * of it by to_rows (NULL: the answer is not what `shape` says). */
static enum mm_result
show_rows(struct mm_ctx *ctx, cmd_get_fn fn,
	  struct mm_json *(*to_rows)(const struct mm_json *doc),
	  const struct mm_column *cols, const char *shape, struct mm_error *err)
{
	struct mm_json *doc = NULL, *rows = NULL;
	struct mm_client *c;
	enum mm_result rc = mm_ctx_client(ctx, &c, err);

	if (rc == MM_OK)
		rc = fn(c, &doc, err);
	if (rc == MM_OK && cmd_structured(ctx))
		rc = cmd_show(ctx, doc, NULL, err);
	else if (rc == MM_OK && (rows = to_rows(doc)) == NULL)
		rc = mm_error_set(err, MM_ERR_RESPONSE, "%s", shape);
	else if (rc == MM_OK)
		rc = cmd_show(ctx, rows, cols, err);
	mm_json_free(rows);
	mm_json_free(doc);
	return rc;
}

static enum mm_result
plugin_list_exec(struct mm_ctx *ctx, const struct mm_args *args,
		 struct mm_error *err)
{
	(void)args;
	return show_rows(ctx, mm_api_plugin_list, mm_plugin_rows, plugin_cols,
			 "the plugin list is not {\"active\":[...],"
			 "\"inactive\":[...]} of objects",
			 err);
}

static const char *const plugin_statuses_examples[] = {
	"mmadm plugin statuses",
	NULL,
};

static const char *const plugin_statuses_endpoints[] = {
	"GET /api/v4/plugins/statuses",
	NULL,
};

static enum mm_result
plugin_statuses_exec(struct mm_ctx *ctx, const struct mm_args *args,
		     struct mm_error *err)
{
	(void)args;
	return show_rows(ctx, mm_api_plugin_statuses, mm_plugin_status_rows,
			 status_cols,
			 "the plugin statuses are not a list of objects", err);
}

/* ---- marketplace ---- */

static const char *const marketplace_verbs[] = {"list", "install", NULL};

static const struct mm_opt plugin_marketplace_opts[] = {
	MM_OPT_STRING(0, "filter", "TEXT",
		      "list: plugins whose id, name or description contains "
		      "TEXT"),
	MM_OPT_BOOL(0, "local-only", "list: only plugins installed here"),
	MM_OPT_BOOL(0, "remote-only",
		    "list: only plugins from the marketplace server"),
	MM_OPT_STRING(0, "plugin-version", "VERSION",
		      "install: the version to ask for (current servers "
		      "install the latest compatible one)"),
	MM_OPT_END(),
};

static const struct mm_arg plugin_marketplace_args[] = {
	MM_ARG_CHOICE("VERB", "what to do", 0, marketplace_verbs),
	MM_ARG("PLUGIN_ID", "install: the plugin to install", MM_ARG_OPTIONAL),
	MM_ARG_END(),
};

static const char *const plugin_marketplace_examples[] = {
	"mmadm plugin marketplace list --filter todo",
	"mmadm plugin marketplace list --all --local-only",
	"mmadm plugin marketplace install com.mattermost.plugin-todo",
	NULL,
};

static const char *const plugin_marketplace_endpoints[] = {
	"GET /api/v4/plugins/marketplace",
	"POST /api/v4/plugins/marketplace",
	NULL,
};

static enum mm_result
marketplace_list(struct mm_ctx *ctx, struct mm_client *c,
		 const struct mm_args *args, struct mm_error *err)
{
	struct mm_marketplace_filter f;
	struct mm_buf path = MM_BUF_INIT;
	struct mm_page_req req;
	enum mm_result rc;

	memset(&f, 0, sizeof(f));
	f.filter = mm_args_get(args, "filter");
	f.local_only = mm_args_bool(args, "local-only", false);
	f.remote_only = mm_args_bool(args, "remote-only", false);
	memset(&req, 0, sizeof(req));
	rc = mm_api_marketplace_list_req(&f, &req, &path, err);
	if (rc == MM_OK) {
		/* Its own rules: per_page defaults to 100 and the server
		 * does not cap it, so no 200 warning. */
		req.page = mm_args_int(args, "page", 0);
		req.per_page =
			mm_args_int(args, "per-page", MM_MARKETPLACE_PER_PAGE);
		req.all = mm_args_bool(args, "all", false);
		rc = mm_api_plugin_hint(
			cmd_list(ctx, c, &req, marketplace_cols, err), err);
	}
	mm_buf_release(&path);
	return rc;
}

static enum mm_result
plugin_marketplace_exec(struct mm_ctx *ctx, const struct mm_args *args,
			struct mm_error *err)
{
	bool list = strcmp(mm_args_pos(args, 0), "list") == 0;
	struct mm_json *doc = NULL;
	struct mm_client *c;
	enum mm_result rc;

	if (list && mm_args_npos(args) > 1)
		return mm_error_set(err, MM_ERR_USAGE,
				    "'marketplace list' takes no plugin id");
	if (list && mm_args_has(args, "plugin-version"))
		return mm_error_set(err, MM_ERR_USAGE,
				    "--plugin-version is for 'marketplace "
				    "install'");
	if (!list && mm_args_npos(args) != 2)
		return mm_error_set(err, MM_ERR_USAGE,
				    "'marketplace install' needs the plugin "
				    "id");
	if (!list &&
	    (mm_args_has(args, "filter") || mm_args_has(args, "local-only") ||
	     mm_args_has(args, "remote-only") || mm_args_has(args, "page") ||
	     mm_args_has(args, "per-page") || mm_args_has(args, "all")))
		return mm_error_set(err, MM_ERR_USAGE,
				    "--filter, --local-only, --remote-only and "
				    "paging options are for 'marketplace "
				    "list'");
	if (list && mm_args_bool(args, "local-only", false) &&
	    mm_args_bool(args, "remote-only", false))
		return mm_error_set(err, MM_ERR_USAGE,
				    "--local-only and --remote-only exclude "
				    "each other");
	rc = mm_ctx_client(ctx, &c, err);
	if (rc != MM_OK)
		return rc;
	if (list)
		return marketplace_list(ctx, c, args, err);
	rc = mm_api_marketplace_install(c, mm_args_pos(args, 1),
					mm_args_get(args, "plugin-version"),
					&doc, err);
	if (rc == MM_OK)
		print_installed(ctx, doc);
	mm_json_free(doc);
	return rc;
}

/* ---- upload ---- */

static const struct mm_arg plugin_upload_args[] = {
	MM_ARG("FILE", "the plugin bundle (.tar.gz)", MM_ARG_IS_FILE),
	MM_ARG_END(),
};

static const char *const plugin_upload_examples[] = {
	"mmadm plugin upload com.mattermost.plugin-todo-0.7.1.tar.gz",
	"mmadm plugin upload --force jira-4.2.0.tar.gz",
	NULL,
};

static const char *const plugin_upload_endpoints[] = {
	"POST /api/v4/plugins",
	NULL,
};

static enum mm_result
plugin_upload_exec(struct mm_ctx *ctx, const struct mm_args *args,
		   struct mm_error *err)
{
	struct mm_plugin_upload u;
	struct mm_json *doc = NULL;
	struct mm_client *c;
	enum mm_result rc;

	memset(&u, 0, sizeof(u));
	u.path = mm_args_pos(args, 0);
	u.force = mm_args_bool(args, "force", false);
	u.progress = mm_cli_progress;
	u.progress_ud = ctx;
	rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_plugin_upload(c, &u, &doc, err);
	mm_cli_progress_done(ctx);
	if (rc == MM_OK)
		print_installed(ctx, doc);
	mm_json_free(doc);
	return rc;
}

const struct mm_cmd_entry mm_plugin_cmds[] = {
	{
		.name = "detach",
		.summary = "Detach a plugin reattached for development",
		.help = "Local mode only (--local): the server has this route "
			"on its unix socket\nonly. The server answers 200 "
			"with an empty body.",
		.args = plugin_id_args,
		.flags = PLUGIN_FLAGS | CMD_LOCAL_ONLY | CMD_WRITES,
		.examples = plugin_detach_examples,
		.endpoints = plugin_detach_endpoints,
		.exec = plugin_detach_exec,
	},
	{
		.name = "disable",
		.summary = "Disable an installed plugin",
		.args = plugin_id_args,
		.flags = PLUGIN_FLAGS | CMD_WRITES,
		.examples = plugin_disable_examples,
		.endpoints = plugin_disable_endpoints,
		.exec = plugin_disable_exec,
	},
	{
		.name = "enable",
		.summary = "Enable an installed plugin",
		.args = plugin_id_args,
		.flags = PLUGIN_FLAGS | CMD_WRITES,
		.examples = plugin_enable_examples,
		.endpoints = plugin_enable_endpoints,
		.exec = plugin_enable_exec,
	},
	{
		.name = "install-url",
		.summary = "Have the server download and install a plugin",
		.help = "The server fetches the .tar.gz itself. Needs "
			"PluginSettings.EnableUploads=true\nand "
			"RequirePluginSignature=false, else 501 (exit 12). "
			"The plugin is\ninstalled disabled.",
		.opts = plugin_force_opts,
		.args = plugin_url_args,
		.flags = PLUGIN_FLAGS | CMD_WRITES,
		.examples = plugin_install_url_examples,
		.endpoints = plugin_install_url_endpoints,
		.exec = plugin_install_url_exec,
	},
	{
		.name = "list",
		.summary = "List installed plugins, active and inactive",
		.help = "Table and plain output: one row per plugin with "
			"STATE active or inactive.\nJSON/YAML: the server's "
			"{\"active\":[...],\"inactive\":[...]}.",
		.flags = PLUGIN_FLAGS,
		.examples = plugin_list_examples,
		.endpoints = plugin_list_endpoints,
		.exec = plugin_list_exec,
	},
	{
		.name = "marketplace",
		.summary = "List or install plugins from the marketplace",
		.help = "list is paged with the marketplace's own rules: "
			"--per-page defaults to 100\nand is not capped; --all "
			"fetches pages until a short one. install asks\nfor "
			"the plugin id; the server installs the latest "
			"compatible version.\nNeeds "
			"PluginSettings.EnableMarketplace (else 501, exit "
			"12).",
		.opts = plugin_marketplace_opts,
		.args = plugin_marketplace_args,
		.flags = PLUGIN_FLAGS | CMD_PAGED | CMD_WRITES,
		.examples = plugin_marketplace_examples,
		.endpoints = plugin_marketplace_endpoints,
		.exec = plugin_marketplace_exec,
	},
	{
		.name = "reattach",
		.summary = "Reattach a plugin process started elsewhere",
		.help = "Developer tooling, local mode only (--local). FILE "
			"holds the request the\nserver decodes: "
			"{\"Manifest\":{...},\"PluginReattachConfig\":{...}}.",
		.args = plugin_reattach_args,
		.flags = PLUGIN_FLAGS | CMD_LOCAL_ONLY | CMD_WRITES,
		.examples = plugin_reattach_examples,
		.endpoints = plugin_reattach_endpoints,
		.exec = plugin_reattach_exec,
	},
	{
		.name = "remove",
		.summary = "Remove an installed plugin",
		.args = plugin_id_args,
		.flags = PLUGIN_FLAGS | CMD_WRITES | CMD_DESTRUCTIVE,
		.examples = plugin_remove_examples,
		.endpoints = plugin_remove_endpoints,
		.exec = plugin_remove_exec,
	},
	{
		.name = "statuses",
		.summary = "Show the plugins' state on every cluster node",
		.flags = PLUGIN_FLAGS | CMD_NO_LOCAL,
		.examples = plugin_statuses_examples,
		.endpoints = plugin_statuses_endpoints,
		.exec = plugin_statuses_exec,
	},
	{
		.name = "upload",
		.summary = "Upload and install a plugin bundle (.tar.gz)",
		.help = "The bundle streams from disk with a progress bar on "
			"a terminal. --force\nreplaces an installed plugin "
			"with the same id. Needs\n"
			"PluginSettings.EnableUploads=true and "
			"RequirePluginSignature=false,\nelse the server "
			"answers 501 (exit 12). The plugin is installed "
			"disabled.",
		.opts = plugin_force_opts,
		.args = plugin_upload_args,
		.flags = PLUGIN_FLAGS | CMD_WRITES,
		.examples = plugin_upload_examples,
		.endpoints = plugin_upload_endpoints,
		.exec = plugin_upload_exec,
	},
	MM_CMD_END,
};
