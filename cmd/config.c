/* config: read and change the server configuration. */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>

static const struct mm_arg config_get_args[] = {
	MM_ARG("KEY", "dotted key or section (ServiceSettings.SiteURL)",
	       MM_ARG_OPTIONAL),
	MM_ARG_END(),
};

static const char *const config_get_examples[] = {
	"mmadm config get ServiceSettings.SiteURL",
	"mmadm config get FileSettings -o yaml",
	"mmadm config get -o json > config.json",
	NULL,
};

static const char *const config_get_endpoints[] = {
	"GET /api/v4/config",
	NULL,
};

static enum mm_result
unknown_key(const struct mm_json *cfg, const char *key, struct mm_error *err)
{
	char near[256];

	if (mm_config_nearest_key(cfg, key, near, sizeof(near)))
		return mm_error_set(err, MM_ERR_USAGE,
				    "unknown config key '%s' (did you mean "
				    "'%s'?)",
				    key, near);
	return mm_error_set(err, MM_ERR_USAGE, "unknown config key '%s'", key);
}

static enum mm_result
config_get_exec(struct mm_ctx *ctx, const struct mm_args *args,
		struct mm_error *err)
{
	struct mm_client *c;
	struct mm_json *cfg = NULL;
	const struct mm_json *v;
	const char *key = mm_args_pos(args, 0);
	enum mm_result rc;

	rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_config_get(c, &cfg, err);
	if (rc != MM_OK)
		goto out;
	v = key ? mm_json_path(cfg, key) : cfg;
	if (v == NULL) {
		rc = unknown_key(cfg, key, err);
		goto out;
	}
	mm_out_doc(&ctx->out, v, NULL);
out:
	mm_json_free(cfg);
	return rc;
}

static const struct mm_opt config_patch_opts[] = {
	MM_OPT_LIST(0, "set", "Section.Key=VALUE",
		    "set one key, typed like the current value"),
	MM_OPT_END(),
};

static const struct mm_arg config_patch_args[] = {
	MM_ARG("FILE|-", "JSON or YAML patch file, - for standard input",
	       MM_ARG_OPTIONAL | MM_ARG_IS_FILE),
	MM_ARG_END(),
};

static const char *const config_patch_examples[] = {
	"mmadm config patch --set ServiceSettings.EnableDeveloper=true",
	"mmadm config patch --set LogSettings.ConsoleLevel=DEBUG --dry-run",
	"mmadm config patch changes.yaml",
	NULL,
};

static const char *const config_patch_endpoints[] = {
	"GET /api/v4/config",
	"PUT /api/v4/config/patch",
	NULL,
};

static enum mm_result
build_patch(const struct mm_json *cfg, const struct mm_args *args,
	    struct mm_json **patch, struct mm_error *err)
{
	const struct mm_strv *sets = mm_args_list(args, "set");
	const char *file = mm_args_pos(args, 0);
	enum mm_result rc;

	if (file != NULL && sets != NULL && sets->n > 0)
		return mm_error_set(err, MM_ERR_USAGE,
				    "give a patch FILE or --set, not both");
	if (file == NULL && (sets == NULL || sets->n == 0))
		return mm_error_set(err, MM_ERR_USAGE,
				    "nothing to patch: give a FILE or "
				    "--set Section.Key=VALUE");
	if (file == NULL)
		return mm_config_patch_from_sets(
			cfg, (const char *const *)sets->v, sets->n, patch, err);
	rc = cmd_read_doc(file, patch, err);
	if (rc == MM_OK)
		rc = mm_config_patch_check(cfg, *patch, err);
	return rc;
}

static enum mm_result
print_changes(struct mm_ctx *ctx, const struct mm_config_changes *ch,
	      struct mm_error *err)
{
	static const char *const headers[] = {"KEY", "BEFORE", "AFTER"};
	const char **cells = calloc(ch->n * 3 + 1, sizeof(*cells));

	if (cells == NULL)
		return mm_error_set(err, MM_ERR_OTHER, "out of memory");
	for (size_t i = 0; i < ch->n; i++) {
		cells[i * 3] = ch->v[i].key;
		cells[i * 3 + 1] = ch->v[i].before;
		cells[i * 3 + 2] = ch->v[i].after;
	}
	mm_out_rows(&ctx->out, headers, 3, cells, ch->n);
	free(cells);
	return MM_OK;
}

static enum mm_result
config_patch_exec(struct mm_ctx *ctx, const struct mm_args *args,
		  struct mm_error *err)
{
	struct mm_client *c;
	struct mm_json *cfg = NULL, *patch = NULL, *merged = NULL,
		       *after = NULL;
	struct mm_config_changes preview = {NULL, 0}, done = {NULL, 0};
	enum mm_result rc;

	rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_config_get(c, &cfg, err);
	if (rc == MM_OK)
		rc = build_patch(cfg, args, &patch, err);
	if (rc != MM_OK)
		goto out;
	merged = mm_config_merge(cfg, patch);
	if (merged == NULL || !mm_config_diff(cfg, merged, patch, &preview)) {
		rc = mm_error_set(err, MM_ERR_OTHER, "out of memory");
		goto out;
	}
	if (preview.n == 0) {
		mm_note(&ctx->out, "nothing to change: the server already has "
				   "these values");
		goto out;
	}
	if (ctx->dry_run) {
		for (size_t i = 0; i < preview.n; i++)
			mm_note(&ctx->out, "would change %s: %s -> %s",
				preview.v[i].key, preview.v[i].before,
				preview.v[i].after);
	}
	rc = mm_api_config_patch(c, patch, &after, err);
	if (rc != MM_OK || ctx->dry_run)
		goto out;
	if (ctx->out.format == MM_FMT_JSON || ctx->out.format == MM_FMT_YAML) {
		mm_out_doc(&ctx->out, after, NULL);
		goto out;
	}
	if (!mm_config_diff(cfg, after, patch, &done)) {
		rc = mm_error_set(err, MM_ERR_OTHER, "out of memory");
		goto out;
	}
	rc = print_changes(ctx, &done, err);
	/* Keys the server kept: an environment override or a write filter. */
	for (size_t i = 0; i < preview.n && rc == MM_OK; i++) {
		bool changed = false;

		for (size_t j = 0; j < done.n; j++)
			if (strcmp(done.v[j].key, preview.v[i].key) == 0)
				changed = true;
		if (!changed)
			mm_warn(&ctx->out,
				"%s did not change on the server (set by an "
				"environment variable, or not writable by you)",
				preview.v[i].key);
	}
out:
	mm_config_changes_release(&preview);
	mm_config_changes_release(&done);
	mm_json_free(cfg);
	mm_json_free(patch);
	mm_json_free(merged);
	mm_json_free(after);
	return rc;
}

const struct mm_cmd_entry mm_config_cmds[] = {
	{
		.name = "get",
		.summary = "Show the configuration or one key of it",
		.help = "Without KEY prints every setting (KEY VALUE rows, or "
			"the whole document with\n-o json/yaml). Secrets come "
			"back from the server as a placeholder of "
			"32\nasterisks "
			"over TCP; over the local socket they are real: treat "
			"that output\nas secret.",
		.args = config_get_args,
		.flags = CMD_NEEDS_SERVER | CMD_NEEDS_AUTH,
		.examples = config_get_examples,
		.endpoints = config_get_endpoints,
		.exec = config_get_exec,
	},
	{
		.name = "patch",
		.summary = "Change some settings, leaving the rest as they are",
		.help = "Sends only the given keys (PUT /config/patch), so "
			"secrets and plugin settings\nare never sent back. "
			"--set values are typed from the current config (bool,"
			"\nnumber, string, list as a,b,c or a JSON array). "
			"Unknown keys are refused\nbefore anything is sent, "
			"with the nearest existing key suggested. Prints each\n"
			"changed key before and after; --dry-run prints the "
			"request only.",
		.opts = config_patch_opts,
		.args = config_patch_args,
		.flags = CMD_NEEDS_SERVER | CMD_NEEDS_AUTH | CMD_WRITES,
		.examples = config_patch_examples,
		.endpoints = config_patch_endpoints,
		.exec = config_patch_exec,
	},
	MM_CMD_END,
};
