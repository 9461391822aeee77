/* system: server health and system operations. */
#include "cmd.h"

#include <string.h>

static const struct mm_opt system_ping_opts[] = {
	MM_OPT_BOOL(0, "full",
		    "also test the database and file store and show every "
		    "health field"),
	MM_OPT_END(),
};

static const char *const system_ping_examples[] = {
	"mmadm system ping",
	"mmadm system ping --full -o json",
	NULL,
};

static const char *const system_ping_endpoints[] = {
	"GET /api/v4/system/ping",
	NULL,
};

static enum mm_result
system_ping_exec(struct mm_ctx *ctx, const struct mm_args *args,
		 struct mm_error *err)
{
	struct mm_client *c;
	struct mm_ping_req req = {.full = mm_args_bool(args, "full", false)};
	struct mm_ping_result res;
	enum mm_result rc;

	rc = mm_ctx_client(ctx, &c, err);
	if (rc != MM_OK)
		return rc;
	rc = mm_api_system_ping(c, &req, &res, err);
	if (rc != MM_OK)
		return rc;
	if (req.full || ctx->out.format == MM_FMT_JSON ||
	    ctx->out.format == MM_FMT_YAML)
		mm_out_doc(&ctx->out, res.doc, NULL);
	else
		mm_out_line(&ctx->out,
			    mm_json_string(mm_json_get(res.doc, "status")));
	if (!res.healthy) {
		const char *db =
			mm_json_string(mm_json_get(res.doc, "database_status"));
		const char *fs = mm_json_string(
			mm_json_get(res.doc, "filestore_status"));

		mm_error_set(err, MM_ERR_SERVER,
			     "the server is unhealthy (status %s%s%s%s%s)",
			     mm_json_string(mm_json_get(res.doc, "status")),
			     db ? ", database " : "", db ? db : "",
			     fs ? ", file store " : "", fs ? fs : "");
		rc = MM_ERR_SERVER;
	}
	mm_json_free(res.doc);
	return rc;
}

const struct mm_cmd_entry mm_system_cmds[] = {
	{
		.name = "ping",
		.summary = "Check that the server is up and healthy",
		.help = "Exits 0 when the server answers OK, 8 when it reports "
			"itself unhealthy (the\nanswer is printed either way). "
			"--full also has the server test a database\nwrite and "
			"its file store.",
		.opts = system_ping_opts,
		.flags = CMD_NEEDS_SERVER,
		.examples = system_ping_examples,
		.endpoints = system_ping_endpoints,
		.exec = system_ping_exec,
	},
	MM_CMD_END,
};
