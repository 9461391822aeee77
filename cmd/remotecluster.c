/* remotecluster: secure connections to other servers. */
#include "cmd.h"
#include "mmadm/api_remotecluster.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define RC_FLAGS (CMD_NEEDS_SERVER | CMD_NEEDS_AUTH | CMD_NO_LOCAL)

static const struct mm_column rc_cols[] = {
	{"ID", "remote_id"},
	{"NAME", "name"},
	{"DISPLAY NAME", "display_name"},
	{"STATUS", "status"},
	{"LAST PING (UTC)", "last_ping"},
	{"SITE URL", "site_url"},
	{"PLUGIN", "plugin_id"},
	MM_COLUMN_END,
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return (int64_t)time(NULL) * 1000;
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One RemoteCluster: the server's object for json/yaml, its fields with
 * a status and the last ping in words for table/plain. */
static enum mm_result
print_rc(struct mm_ctx *ctx, const struct mm_json *doc, struct mm_error *err)
{
	struct mm_json *row;

	if (doc == NULL)
		return MM_OK; /* dry run */
	if (cmd_structured(ctx)) {
		mm_out_doc(&ctx->out, doc, NULL);
		return MM_OK;
	}
	row = mm_json_dup(doc);
	if (row == NULL || !mm_remotecluster_to_row(row, now_ms())) {
		mm_json_free(row);
		return mm_error_oom(err);
	}
	mm_out_doc(&ctx->out, row, NULL);
	mm_json_free(row);
	return MM_OK;
}

/* ---- accept ---- */

static const struct mm_opt remotecluster_accept_opts[] = {
	MM_OPT_FILE(0, "invite-file", "FILE",
		    "the invite code from the other server (- = stdin)",
		    MM_OPT_REQUIRED | MM_OPT_STDIN),
	MM_OPT_STRINGF(0, "name", "NAME",
		       "name of the connection on this server",
		       MM_OPT_REQUIRED),
	MM_OPT_STRING(0, "display-name", "TEXT",
		      "display name (default: the name)"),
	MM_OPT_STRINGF(0, "default-team", "TEAM_ID",
		       "team where channels shared from the other server "
		       "are created",
		       MM_OPT_REQUIRED),
	MM_OPT_FILE(0, "password-file", "FILE",
		    "the invite's password (- = stdin)",
		    MM_OPT_REQUIRED | MM_OPT_STDIN | MM_OPT_SECRET),
	MM_OPT_END(),
};

static const char *const remotecluster_accept_examples[] = {
	"mmadm remotecluster accept --invite-file invite.txt --name hq "
	"--default-team 4xp9fdt77pncbef59f4k1qe83o --password-file pw.txt",
	NULL,
};

static const char *const remotecluster_accept_endpoints[] = {
	"POST /api/v4/remotecluster/accept_invite",
	NULL,
};

static enum mm_result
remotecluster_accept_exec(struct mm_ctx *ctx, const struct mm_args *args,
			  struct mm_error *err)
{
	const char *ifile = mm_args_get(args, "invite-file");
	const char *pfile = mm_args_get(args, "password-file");
	struct mm_buf invite = MM_BUF_INIT, pw = MM_BUF_INIT;
	struct mm_rc_accept_req req;
	struct mm_json *doc = NULL;
	struct mm_client *c;
	enum mm_result rc;

	if (strcmp(ifile, "-") == 0 && strcmp(pfile, "-") == 0)
		return mm_error_set(err, MM_ERR_USAGE,
				    "--invite-file and --password-file cannot "
				    "both read standard input");
	rc = mm_read_secret_file(ifile, &invite, "invite", err);
	if (rc == MM_OK)
		rc = mm_read_secret_file(pfile, &pw, "password", err);
	if (rc != MM_OK)
		goto out;
	memset(&req, 0, sizeof(req));
	req.invite = mm_buf_str(&invite);
	req.name = mm_args_get(args, "name");
	req.display_name = mm_args_get(args, "display-name");
	req.default_team_id = mm_args_get(args, "default-team");
	req.password = mm_buf_str(&pw);
	rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_remotecluster_accept(c, &req, &doc, err);
	if (rc == MM_OK)
		rc = print_rc(ctx, doc, err);
out:
	mm_json_free(doc);
	mm_buf_wipe(&invite);
	mm_buf_wipe(&pw);
	return rc;
}

/* ---- create ---- */

static const struct mm_opt remotecluster_create_opts[] = {
	MM_OPT_STRINGF(0, "name", "NAME", "name of the connection",
		       MM_OPT_REQUIRED),
	MM_OPT_STRING(0, "display-name", "TEXT",
		      "display name (default: the name)"),
	MM_OPT_STRINGF(0, "default-team", "TEAM_ID",
		       "team where channels shared from the other server "
		       "are created",
		       MM_OPT_REQUIRED),
	MM_OPT_FILE(0, "password-file", "FILE",
		    "password that protects the invite (- = stdin; default: "
		    "the server generates one)",
		    MM_OPT_STDIN | MM_OPT_SECRET),
	MM_OPT_END(),
};

static const char *const remotecluster_create_examples[] = {
	"mmadm remotecluster create --name branch --default-team "
	"4xp9fdt77pncbef59f4k1qe83o",
	"mmadm -o json remotecluster create --name branch --default-team "
	"4xp9fdt77pncbef59f4k1qe83o --password-file pw.txt",
	NULL,
};

static const char *const remotecluster_create_endpoints[] = {
	"POST /api/v4/remotecluster",
	NULL,
};

static enum mm_result
remotecluster_create_exec(struct mm_ctx *ctx, const struct mm_args *args,
			  struct mm_error *err)
{
	static const char *const head[] = {"Key", "Value"};
	const char *pfile = mm_args_get(args, "password-file");
	struct mm_buf pw = MM_BUF_INIT;
	struct mm_rc_create_req req;
	struct mm_json *doc = NULL;
	const struct mm_json *rcdoc;
	struct mm_client *c;
	const char *cells[14], *generated, *invite;
	size_t n = 0;
	enum mm_result rc = MM_OK;

	memset(&req, 0, sizeof(req));
	if (pfile != NULL) {
		rc = mm_read_secret_file(pfile, &pw, "password", err);
		req.password = mm_buf_str(&pw);
	}
	req.name = mm_args_get(args, "name");
	req.display_name = mm_args_get(args, "display-name");
	req.default_team_id = mm_args_get(args, "default-team");
	if (rc == MM_OK)
		rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_remotecluster_create(c, &req, &doc, err);
	if (rc != MM_OK || doc == NULL)
		goto out;
	generated = mm_json_string(mm_json_get(doc, "password"));
	if (cmd_structured(ctx)) {
		mm_out_doc(&ctx->out, doc, NULL);
	} else {
		static const char *const keys[] = {
			"remote_id",       "name",     "display_name",
			"default_team_id", "site_url", NULL};

		rcdoc = mm_json_get(doc, "remote_cluster");
		for (size_t i = 0; keys[i] != NULL; i++) {
			cells[n++] = keys[i];
			cells[n++] =
				mm_json_string(mm_json_get(rcdoc, keys[i]));
			if (cells[n - 1] == NULL)
				cells[n - 1] = "";
		}
		invite = mm_json_string(mm_json_get(doc, "invite"));
		/* A table would cut the long code at the terminal's width:
		 * there it goes on a line of its own. */
		if (ctx->out.format != MM_FMT_TABLE) {
			cells[n++] = "invite";
			cells[n++] = invite != NULL ? invite : "";
		}
		if (generated != NULL) {
			cells[n++] = "password";
			cells[n++] = generated;
		}
		mm_out_rows(&ctx->out, head, 2, cells, n / 2);
		if (ctx->out.format == MM_FMT_TABLE) {
			mm_out_line(&ctx->out, "");
			mm_out_line(&ctx->out, "Invite code (for 'mmadm "
					       "remotecluster accept' on the "
					       "other server):");
			mm_out_line(&ctx->out, invite != NULL ? invite : "");
		}
	}
	if (generated != NULL)
		mm_note(&ctx->out,
			"the server generated the invite's password: "
			"it is shown only this once");
out:
	mm_api_json_free_wiped(doc);
	mm_buf_wipe(&pw);
	return rc;
}

/* ---- delete ---- */

static const struct mm_arg remotecluster_id_args[] = {
	MM_ARG("ID", "remote cluster id (26 characters)", 0),
	MM_ARG_END(),
};

static const char *const remotecluster_delete_examples[] = {
	"mmadm remotecluster delete 8ur9pkmwdpgjpxyxcr8ahrkfmo --yes",
	NULL,
};

static const char *const remotecluster_delete_endpoints[] = {
	"DELETE /api/v4/remotecluster/{remote_id}",
	NULL,
};

static enum mm_result
remotecluster_delete_exec(struct mm_ctx *ctx, const struct mm_args *args,
			  struct mm_error *err)
{
	return cmd_action_on(ctx, mm_api_remotecluster_delete,
			     mm_args_pos(args, 0), "deleted remote cluster %s",
			     err);
}

/* ---- get ---- */

static const char *const remotecluster_get_examples[] = {
	"mmadm remotecluster get 8ur9pkmwdpgjpxyxcr8ahrkfmo",
	NULL,
};

static const char *const remotecluster_get_endpoints[] = {
	"GET /api/v4/remotecluster/{remote_id}",
	NULL,
};

static enum mm_result
remotecluster_get_exec(struct mm_ctx *ctx, const struct mm_args *args,
		       struct mm_error *err)
{
	struct mm_json *doc = NULL;
	struct mm_client *c;
	enum mm_result rc;

	rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_remotecluster_get(c, mm_args_pos(args, 0), &doc,
					      err);
	if (rc == MM_OK)
		rc = print_rc(ctx, doc, err);
	mm_json_free(doc);
	return rc;
}

/* ---- invite ---- */

static const struct mm_opt remotecluster_invite_opts[] = {
	MM_OPT_FILE(0, "password-file", "FILE",
		    "password that protects the invite (- = stdin)",
		    MM_OPT_REQUIRED | MM_OPT_STDIN | MM_OPT_SECRET),
	MM_OPT_END(),
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

/* ---- list ---- */

static const struct mm_opt remotecluster_list_opts[] = {
	MM_OPT_BOOL(0, "exclude-offline",
		    "only connections that answered a ping in the last 5 "
		    "minutes"),
	MM_OPT_STRING(0, "in-channel", "CHANNEL_ID",
		      "only connections sharing this channel"),
	MM_OPT_STRING(0, "not-in-channel", "CHANNEL_ID",
		      "only connections not sharing this channel"),
	MM_OPT_BOOL(0, "only-confirmed",
		    "only connections whose invite was accepted"),
	MM_OPT_BOOL(0, "only-plugins", "only connections owned by a plugin"),
	MM_OPT_BOOL(0, "exclude-plugins", "no connections owned by a plugin"),
	MM_OPT_BOOL(0, "include-deleted", "also deleted connections"),
	MM_OPT_STRING(0, "topic", "TOPIC",
		      "only connections subscribed to this topic"),
	MM_OPT_STRING(0, "creator", "USER_ID",
		      "only connections created by this user"),
	MM_OPT_STRING(0, "plugin-id", "PLUGIN_ID",
		      "only connections owned by this plugin"),
	MM_OPT_END(),
};

static const char *const remotecluster_list_examples[] = {
	"mmadm remotecluster list",
	"mmadm remotecluster list --only-confirmed --exclude-offline --all",
	"mmadm -o json remotecluster list --include-deleted --all",
	NULL,
};

static const char *const remotecluster_list_endpoints[] = {
	"GET /api/v4/remotecluster",
	NULL,
};

/* The table row of a cluster: its fields, a status and the last ping in
 * words (ud: the time now, in ms). */
static bool
rc_row(void *ud, struct mm_json *item)
{
	return mm_remotecluster_to_row(item, *(const int64_t *)ud);
}

static enum mm_result
remotecluster_list_exec(struct mm_ctx *ctx, const struct mm_args *args,
			struct mm_error *err)
{
	struct mm_buf path = MM_BUF_INIT;
	struct mm_page_req req;
	struct mm_rc_filter f;
	struct mm_client *c;
	int64_t now;
	enum mm_result rc;

	memset(&f, 0, sizeof(f));
	f.exclude_offline = mm_args_bool(args, "exclude-offline", false);
	f.only_confirmed = mm_args_bool(args, "only-confirmed", false);
	f.only_plugins = mm_args_bool(args, "only-plugins", false);
	f.exclude_plugins = mm_args_bool(args, "exclude-plugins", false);
	f.include_deleted = mm_args_bool(args, "include-deleted", false);
	f.in_channel = mm_args_get(args, "in-channel");
	f.not_in_channel = mm_args_get(args, "not-in-channel");
	f.topic = mm_args_get(args, "topic");
	f.creator_id = mm_args_get(args, "creator");
	f.plugin_id = mm_args_get(args, "plugin-id");
	memset(&req, 0, sizeof(req));
	rc = mm_api_remotecluster_list_req(&f, &req, &path, err);
	if (rc != MM_OK)
		goto out;
	cmd_paging(ctx, args, &req);
	rc = mm_ctx_client(ctx, &c, err);
	if (rc != MM_OK)
		goto out;
	now = now_ms();
	rc = cmd_list_rows(ctx, c, &req, rc_cols, rc_row, &now, err);
	rc = mm_api_remotecluster_hint(rc, err);
out:
	mm_buf_release(&path);
	return rc;
}

/* ---- patch ---- */

static const struct mm_opt remotecluster_patch_opts[] = {
	MM_OPT_STRING(0, "display-name", "TEXT", "new display name"),
	MM_OPT_STRING(0, "default-team", "TEAM_ID", "new default team"),
	MM_OPT_END(),
};

static const char *const remotecluster_patch_examples[] = {
	"mmadm remotecluster patch 8ur9pkmwdpgjpxyxcr8ahrkfmo --display-name "
	"'Branch office'",
	NULL,
};

static const char *const remotecluster_patch_endpoints[] = {
	"PATCH /api/v4/remotecluster/{remote_id}",
	NULL,
};

static enum mm_result
remotecluster_patch_exec(struct mm_ctx *ctx, const struct mm_args *args,
			 struct mm_error *err)
{
	struct mm_rc_patch_req req;
	struct mm_json *doc = NULL;
	struct mm_client *c;
	enum mm_result rc;

	memset(&req, 0, sizeof(req));
	req.display_name = mm_args_get(args, "display-name");
	req.default_team_id = mm_args_get(args, "default-team");
	if (req.display_name == NULL && req.default_team_id == NULL)
		return mm_error_set(err, MM_ERR_USAGE,
				    "nothing to change: give --display-name "
				    "and/or --default-team");
	rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_remotecluster_patch(c, mm_args_pos(args, 0), &req,
						&doc, err);
	if (rc == MM_OK)
		rc = print_rc(ctx, doc, err);
	mm_json_free(doc);
	return rc;
}

/* ---- raw (server to server) ---- */

static const char *const raw_kinds[] = {"ping",   "msg",   "confirm-invite",
					"upload", "image", NULL};

static const struct mm_opt remotecluster_raw_opts[] = {
	MM_OPT_STRINGF(0, "remote-id", "ID",
		       "the calling cluster's remote id on the server "
		       "(X-RemoteCluster-Id)",
		       MM_OPT_REQUIRED),
	MM_OPT_FILE(0, "token-file", "FILE",
		    "the remote cluster token (X-RemoteCluster-Token; - = "
		    "stdin)",
		    MM_OPT_REQUIRED | MM_OPT_STDIN | MM_OPT_SECRET),
	MM_OPT_STRING(0, "topic", "TOPIC", "msg: the message topic"),
	MM_OPT_FILE(0, "payload-file", "FILE",
		    "msg, confirm-invite: the payload, JSON or YAML (- = "
		    "stdin)",
		    MM_OPT_STDIN),
	MM_OPT_END(),
};

static const struct mm_arg remotecluster_raw_args[] = {
	MM_ARG_CHOICE("KIND", "the endpoint to call", 0, raw_kinds),
	MM_ARG("ARG", "upload: UPLOAD_ID FILE; image: USER_ID FILE",
	       MM_ARG_OPTIONAL | MM_ARG_VARIADIC),
	MM_ARG_END(),
};

static const char *const remotecluster_raw_examples[] = {
	"mmadm remotecluster raw ping --remote-id 8ur9pkmwdpgjpxyxcr8ahrkfmo "
	"--token-file token.txt",
	"mmadm remotecluster raw msg --remote-id 8ur9pkmwdpgjpxyxcr8ahrkfmo "
	"--token-file token.txt --topic sharedchannel_sync --payload-file "
	"msg.json",
	"mmadm remotecluster raw upload --remote-id "
	"8ur9pkmwdpgjpxyxcr8ahrkfmo --token-file token.txt "
	"x6kd6bxsr3g8pm5ykhu1mmejow photo.jpg",
	NULL,
};

static const char *const remotecluster_raw_endpoints[] = {
	"POST /api/v4/remotecluster/ping",
	"POST /api/v4/remotecluster/msg",
	"POST /api/v4/remotecluster/confirm_invite",
	"POST /api/v4/remotecluster/upload/{upload_id}",
	"POST /api/v4/remotecluster/{user_id}/image",
	NULL,
};

static const struct mm_column raw_file_cols[] = {
	{"ID", "id"},     {"NAME", "name"},
	{"SIZE", "size"}, {"CHANNEL", "channel_id"},
	MM_COLUMN_END,
};

/* Open FILE for a streamed body: a regular file and its size. */
static enum mm_result
open_body_file(const char *path, struct mm_rc_file *f, struct mm_error *err)
{
	struct stat st;
	const char *slash = strrchr(path, '/');

	f->f = fopen(path, "rb");
	if (f->f == NULL)
		return mm_error_set(err, MM_ERR_IO, "cannot open %s: %s", path,
				    strerror(errno));
	if (fstat(fileno(f->f), &st) != 0 || !S_ISREG(st.st_mode))
		return mm_error_set(err, MM_ERR_IO, "%s is not a regular file",
				    path);
	f->size = (uint64_t)st.st_size;
	f->filename = slash != NULL && slash[1] != '\0' ? slash + 1 : path;
	f->path = path;
	return MM_OK;
}

static enum mm_result
raw_file(struct mm_ctx *ctx, struct mm_client *c, const struct mm_rc_peer *p,
	 const char *kind, const struct mm_args *args, struct mm_error *err)
{
	struct mm_rc_file f;
	struct mm_json *doc = NULL;
	const char *id = mm_args_pos(args, 1), *path = mm_args_pos(args, 2);
	bool upload = strcmp(kind, "upload") == 0;
	enum mm_result rc;

	memset(&f, 0, sizeof(f));
	rc = open_body_file(path, &f, err);
	if (rc != MM_OK)
		goto out;
	f.progress = mm_cli_progress;
	f.progress_ud = ctx;
	if (upload)
		rc = mm_api_remotecluster_upload(c, p, id, &f, &doc, err);
	else
		rc = mm_api_remotecluster_image(c, p, id, &f, &doc, err);
	mm_cli_progress_done(ctx);
	if (rc != MM_OK || ctx->dry_run)
		goto out;
	if (!upload)
		rc = cmd_print_status(ctx, doc, "OK: profile image set", err);
	else if (doc == NULL)
		mm_out_line(&ctx->out, "OK: data stored, the upload is not "
				       "complete yet");
	else
		mm_out_doc(&ctx->out, doc, raw_file_cols);
out:
	if (f.f != NULL)
		fclose(f.f);
	mm_json_free(doc);
	return rc;
}

static enum mm_result
remotecluster_raw_exec(struct mm_ctx *ctx, const struct mm_args *args,
		       struct mm_error *err)
{
	const char *kind = mm_args_pos(args, 0);
	const char *tfile = mm_args_get(args, "token-file");
	const char *pfile = mm_args_get(args, "payload-file");
	const char *topic = mm_args_get(args, "topic");
	bool is_file =
		strcmp(kind, "upload") == 0 || strcmp(kind, "image") == 0;
	bool is_msg = strcmp(kind, "msg") == 0;
	bool wants_payload = is_msg || strcmp(kind, "confirm-invite") == 0;
	struct mm_buf token = MM_BUF_INIT;
	struct mm_json *payload = NULL, *doc = NULL;
	struct mm_rc_peer peer;
	struct mm_client *c;
	int64_t sent;
	enum mm_result rc;

	if (mm_args_npos(args) != (is_file ? 3u : 1u))
		return mm_error_set(err, MM_ERR_USAGE,
				    is_file ? "'raw %s' takes an id and a FILE"
					    : "'raw %s' takes no arguments",
				    kind);
	if (wants_payload && pfile == NULL)
		return mm_error_set(err, MM_ERR_USAGE,
				    "'raw %s' needs --payload-file", kind);
	if (!wants_payload && pfile != NULL)
		return mm_error_set(err, MM_ERR_USAGE,
				    "--payload-file is for msg and "
				    "confirm-invite");
	if (is_msg != (topic != NULL))
		return mm_error_set(err, MM_ERR_USAGE,
				    is_msg ? "'raw msg' needs --topic"
					   : "--topic is for msg only");
	if (pfile != NULL && strcmp(pfile, "-") == 0 && strcmp(tfile, "-") == 0)
		return mm_error_set(err, MM_ERR_USAGE,
				    "--token-file and --payload-file cannot "
				    "both read standard input");
	rc = mm_read_secret_file(tfile, &token, "token", err);
	if (rc == MM_OK && pfile != NULL)
		rc = cmd_read_doc(pfile, &payload, err);
	if (rc == MM_OK)
		rc = mm_ctx_client(ctx, &c, err);
	if (rc != MM_OK)
		goto out;
	peer.remote_id = mm_args_get(args, "remote-id");
	peer.token = mm_buf_str(&token);
	if (is_file) {
		rc = raw_file(ctx, c, &peer, kind, args, err);
		goto out;
	}
	sent = now_ms();
	if (strcmp(kind, "ping") == 0)
		rc = mm_api_remotecluster_ping(c, &peer, sent, &doc, err);
	else if (is_msg)
		rc = mm_api_remotecluster_msg(c, &peer, topic, payload, &doc,
					      err);
	else
		rc = mm_api_remotecluster_confirm(c, &peer, payload, &doc, err);
	if (rc != MM_OK || ctx->dry_run)
		goto out;
	if (strcmp(kind, "confirm-invite") == 0) {
		rc = cmd_print_status(ctx, doc, "OK: invite confirmed", err);
		goto out;
	}
	if (doc != NULL)
		mm_out_doc(&ctx->out, doc, NULL);
	if (strcmp(kind, "ping") == 0)
		mm_note(&ctx->out, "round trip %lld ms",
			(long long)(now_ms() - sent));
out:
	mm_api_json_free_wiped(payload);
	mm_json_free(doc);
	mm_buf_wipe(&token);
	return rc;
}

const struct mm_cmd_entry mm_remotecluster_cmds[] = {
	{
		.name = "accept",
		.summary = "Accept another server's invite (connect to it)",
		.help = "Decrypts the invite with its password and confirms "
			"the connection with the\nserver that made it (that "
			"server must be reachable from this one). Prints\nthe "
			"new remote cluster; its token fields are always "
			"blank.",
		.opts = remotecluster_accept_opts,
		.flags = RC_FLAGS | CMD_WRITES,
		.examples = remotecluster_accept_examples,
		.endpoints = remotecluster_accept_endpoints,
		.exec = remotecluster_accept_exec,
	},
	{
		.name = "create",
		.summary = "Create a remote cluster and its invite code",
		.help = "Prints the new connection, the invite code to give "
			"the other server's admin\nand, when no "
			"--password-file is given, the password the server "
			"generated\nfor the invite: it is shown only this "
			"once. The other side runs\n'mmadm remotecluster "
			"accept' with both. Needs ServiceSettings.SiteURL.",
		.opts = remotecluster_create_opts,
		.flags = RC_FLAGS | CMD_WRITES,
		.examples = remotecluster_create_examples,
		.endpoints = remotecluster_create_endpoints,
		.exec = remotecluster_create_exec,
	},
	{
		.name = "delete",
		.summary = "Delete a remote cluster (stop sharing with it)",
		.help = "The server answers 200 with {\"status\":\"OK\"} "
			"(the spec says 204 without a\nbody; both are "
			"accepted, and with -o json a 204 prints nothing).",
		.args = remotecluster_id_args,
		.flags = RC_FLAGS | CMD_WRITES | CMD_DESTRUCTIVE,
		.examples = remotecluster_delete_examples,
		.endpoints = remotecluster_delete_endpoints,
		.exec = remotecluster_delete_exec,
	},
	{
		.name = "get",
		.summary = "Show one remote cluster",
		.help = "Deleted connections are shown too. Table and plain "
			"output add STATUS\n(online, offline, pending, "
			"deleted) "
			"and the last ping in UTC.",
		.args = remotecluster_id_args,
		.flags = RC_FLAGS,
		.examples = remotecluster_get_examples,
		.endpoints = remotecluster_get_endpoints,
		.exec = remotecluster_get_exec,
	},
	{
		.name = "invite",
		.summary = "Create an invite code for a remote cluster",
		.help = "Prints the invite code only, so it can be piped or "
			"redirected. The other\nserver's admin accepts it with "
			"the same password.",
		.opts = remotecluster_invite_opts,
		.args = remotecluster_id_args,
		.flags = RC_FLAGS | CMD_WRITES,
		.examples = remotecluster_invite_examples,
		.endpoints = remotecluster_invite_endpoints,
		.exec = remotecluster_invite_exec,
	},
	{
		.name = "list",
		.summary = "List remote clusters",
		.help = "STATUS is online (answered a ping in the last 5 "
			"minutes), offline, pending\n(invite not accepted yet) "
			"or deleted. --all fetches every page, printing\n"
			"rows as they arrive; JSON output stays one array of "
			"the server's objects.",
		.opts = remotecluster_list_opts,
		.flags = RC_FLAGS | CMD_PAGED,
		.examples = remotecluster_list_examples,
		.endpoints = remotecluster_list_endpoints,
		.exec = remotecluster_list_exec,
	},
	{
		.name = "patch",
		.summary = "Change a remote cluster's display name or team",
		.help = "Prints the changed remote cluster. The server leaks "
			"token and remote_token\nin this answer: mmadm blanks "
			"both (also in -o json) and changes nothing\nelse "
			"in the server's object.",
		.opts = remotecluster_patch_opts,
		.args = remotecluster_id_args,
		.flags = RC_FLAGS | CMD_WRITES,
		.examples = remotecluster_patch_examples,
		.endpoints = remotecluster_patch_endpoints,
		.exec = remotecluster_patch_exec,
	},
	{
		.name = "raw",
		.summary = "Call a server-to-server endpoint as a peer would "
			   "(diagnosis)",
		.help = "Authenticates with X-RemoteCluster-Id and "
			"X-RemoteCluster-Token, never with\nthe profile's "
			"token (the server ignores the remote-cluster headers "
			"when\nanother token is present). ping sends "
			"{\"sent_at\"} and prints the answer;\nmsg and "
			"confirm-invite wrap the payload file in a frame; "
			"upload streams\nFILE into the upload session; image "
			"sets a remote user's profile image.",
		.opts = remotecluster_raw_opts,
		.args = remotecluster_raw_args,
		.flags = CMD_NEEDS_SERVER | CMD_NO_LOCAL | CMD_WRITES,
		.examples = remotecluster_raw_examples,
		.endpoints = remotecluster_raw_endpoints,
		.exec = remotecluster_raw_exec,
	},
	MM_CMD_END,
};
