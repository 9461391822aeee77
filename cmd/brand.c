/* brand: the brand image of the login page. */
#include "cmd.h"
#include "mmadm/api_brand.h"

#include <string.h>

static const struct mm_opt brand_get_opts[] = {
	MM_OPT_BOOL(0, "force", "replace an existing file"),
	MM_OPT_END(),
};

static const struct mm_arg brand_get_args[] = {
	MM_ARG("FILE",
	       "save here, or into this directory (default: "
	       "standard output)",
	       MM_ARG_OPTIONAL | MM_ARG_IS_FILE),
	MM_ARG_END(),
};

static enum mm_result
brand_get_exec(struct mm_ctx *ctx, const struct mm_args *args,
	       struct mm_error *err)
{
	struct mm_client *c;
	struct mm_fetch f;
	enum mm_result rc;

	rc = cmd_fetch_begin(ctx, mm_args_pos(args, 0),
			     mm_args_bool(args, "force", false), true, &f, err);
	if (rc == MM_OK)
		rc = mm_ctx_client(ctx, &c, err);
	if (rc != MM_OK)
		return rc;
	rc = mm_api_brand_get(c, &f, err);
	return cmd_fetch_end(ctx, &f, rc, err);
}

static const char *const brand_get_examples[] = {
	"mmadm brand get logo.png",
	"mmadm brand get > logo.png",
	NULL,
};
static const char *const brand_get_endpoints[] = {
	"GET /api/v4/brand/image",
	NULL,
};

static const struct mm_arg brand_upload_args[] = {
	MM_ARG("FILE", "a PNG, JPEG, GIF or BMP image", MM_ARG_IS_FILE),
	MM_ARG_END(),
};

static enum mm_result
brand_upload_exec(struct mm_ctx *ctx, const struct mm_args *args,
		  struct mm_error *err)
{
	struct mm_client *c;
	struct mm_json *doc = NULL;
	enum mm_result rc;

	rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_brand_upload(c, mm_args_pos(args, 0),
					 mm_cli_progress, ctx, &doc, err);
	mm_cli_progress_done(ctx);
	if (rc == MM_OK)
		rc = cmd_print_status(ctx, doc, "OK: brand image uploaded",
				      err);
	mm_json_free(doc);
	return rc;
}

static const char *const brand_upload_examples[] = {
	"mmadm brand upload logo.png",
	NULL,
};
static const char *const brand_upload_endpoints[] = {
	"POST /api/v4/brand/image",
	NULL,
};

static enum mm_result
brand_delete_exec(struct mm_ctx *ctx, const struct mm_args *args,
		  struct mm_error *err)
{
	(void)args;
	return cmd_action(ctx, mm_api_brand_delete, "OK: brand image deleted",
			  err);
}

static const char *const brand_delete_examples[] = {
	"mmadm brand delete --yes",
	NULL,
};
static const char *const brand_delete_endpoints[] = {
	"DELETE /api/v4/brand/image",
	NULL,
};

const struct mm_cmd_entry mm_brand_cmds[] = {
	{
		.name = "delete",
		.summary = "Delete the brand image",
		.help = "A server without a brand image answers 404.",
		.flags = CMD_NEEDS_SERVER | CMD_NEEDS_AUTH | CMD_NO_LOCAL |
			 CMD_DESTRUCTIVE | CMD_WRITES,
		.examples = brand_delete_examples,
		.endpoints = brand_delete_endpoints,
		.exec = brand_delete_exec,
	},
	{
		.name = "get",
		.summary = "Download the brand image",
		.help = "Anonymous: needs no token. Saves to FILE (through a "
			"temporary file, never\nreplacing an existing FILE "
			"without --force) or writes to standard output\n(not "
			"to a terminal). Exits 6 when no brand image is set.",
		.opts = brand_get_opts,
		.args = brand_get_args,
		.flags = CMD_NEEDS_SERVER | CMD_NO_LOCAL,
		.examples = brand_get_examples,
		.endpoints = brand_get_endpoints,
		.exec = brand_get_exec,
	},
	{
		.name = "upload",
		.summary = "Upload a new brand image",
		.help = "Sends FILE as the multipart field 'image', streamed. "
			"The server parses\nthe form before checking "
			"permissions, so a malformed request is a 400 even\n"
			"for a user who may not change the brand.",
		.args = brand_upload_args,
		.flags = CMD_NEEDS_SERVER | CMD_NEEDS_AUTH | CMD_NO_LOCAL |
			 CMD_WRITES,
		.examples = brand_upload_examples,
		.endpoints = brand_upload_endpoints,
		.exec = brand_upload_exec,
	},
	MM_CMD_END,
};
