/* remotecluster: secure connections to other servers. */
#include "cmd.h"

#include <stdlib.h>

static const struct mm_opt remotecluster_invite_opts[] = {
	MM_OPT_FILE(0, "password-file", "FILE",
		    "password that protects the invite (- = stdin)",
		    MM_OPT_REQUIRED | MM_OPT_STDIN | MM_OPT_SECRET),
	MM_OPT_END(),
};

static const struct mm_arg remotecluster_invite_args[] = {
	MM_ARG("ID", "remote cluster id (26 characters)", 0),
	MM_ARG_END(),
};

static const char *const remotecluster_invite_examples[] = {
	"mmadm remotecluster invite 8ur9pkmwdpgjpxyxcr8ahrkfmo "
	"--password-file pw.txt > invite.txt",
	NULL,
};

static const char *const remotecluster_invite_endpoints[] = {
	"POST /api/v4/remotecluster/{remote_id}/generate_invite",
	NULL,
};

static enum mm_result
remotecluster_invite_exec(struct mm_ctx *ctx, const struct mm_args *args,
			  struct mm_error *err)
{
	struct mm_client *c;
	struct mm_buf pw = MM_BUF_INIT;
	char *invite = NULL;
	enum mm_result rc;

	rc = mm_read_secret_file(mm_args_get(args, "password-file"), &pw,
				 "password", err);
	if (rc == MM_OK)
		rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_remotecluster_invite(c, mm_args_pos(args, 0),
						 mm_buf_str(&pw), &invite, err);
	if (rc == MM_OK && invite != NULL)
		mm_out_line(&ctx->out, invite);
	mm_buf_wipe(&pw);
	free(invite);
	return rc;
}

const struct mm_cmd_entry mm_remotecluster_cmds[] = {
	{
		.name = "invite",
		.summary = "Create an invite code for a remote cluster",
		.help = "Prints the invite code only, so it can be piped or "
			"redirected. The other\nserver's admin accepts it with "
			"the same password.",
		.opts = remotecluster_invite_opts,
		.args = remotecluster_invite_args,
		.flags = CMD_NEEDS_SERVER | CMD_NEEDS_AUTH | CMD_NO_LOCAL |
			 CMD_WRITES,
		.examples = remotecluster_invite_examples,
		.endpoints = remotecluster_invite_endpoints,
		.exec = remotecluster_invite_exec,
	},
	MM_CMD_END,
};
