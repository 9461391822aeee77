/* upload: resumable upload sessions (create, status, send/resume, list)
 * and 'upload file', which does create and send in one go. */
#include "cmd.h"
#include "mmadm/api_files.h"
#include "mmadm/api_uploads.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char *const upload_types[] = {"attachment", "import", NULL};

static const struct mm_column session_cols[] = {
	{"ID", "id"},
	{"TYPE", "type"},
	{"FILENAME", "filename"},
	{"SIZE", "file_size"},
	{"RECEIVED", "file_offset"},
	{"CHANNEL", "channel_id"},
	MM_COLUMN_END,
};

static const struct mm_column file_info_cols[] = {
	{"ID", "id"},          {"NAME", "name"},          {"SIZE", "size"},
	{"TYPE", "mime_type"}, {"CHANNEL", "channel_id"}, MM_COLUMN_END,
};

static void
print_doc(struct mm_ctx *ctx, const struct mm_json *doc,
	  const struct mm_column *cols)
{
	mm_out_doc(&ctx->out, doc, cmd_structured(ctx) ? NULL : cols);
}

/* --chunk-size and --retries of send and file. */
static enum mm_result
send_options(const struct mm_args *args, struct mm_upload_send *s,
	     struct mm_error *err)
{
	const char *cs = mm_args_get(args, "chunk-size");

	s->chunk_size = 0;
	if (cs != NULL && (!mm_parse_size(cs, &s->chunk_size) ||
			   s->chunk_size < MM_UPLOAD_CHUNK_MIN))
		return mm_error_set(err, MM_ERR_USAGE,
				    "--chunk-size takes a size of at least "
				    "64K (such as 8M or 1G), not '%s'",
				    cs);
	s->max_resumes =
		(int)mm_args_int(args, "retries", MM_UPLOAD_RESUMES_DEFAULT);
	return MM_OK;
}

/* After a failed send: say how to continue where the server stopped. */
static void
resume_hint(struct mm_error *err, const char *id, const char *path,
	    const struct mm_upload_send *s)
{
	char keep[sizeof(err->message)];

	if (id == NULL ||
	    (err->kind != MM_ERR_CONNECT && err->kind != MM_ERR_SERVER &&
	     err->kind != MM_ERR_RESPONSE && err->kind != MM_ERR_CANCELLED))
		return;
	memcpy(keep, err->message, sizeof(keep));
	mm_error_set(err, err->kind,
		     "%.260s; the server holds %" PRIu64 " of %" PRIu64
		     " bytes: continue with 'mmadm upload resume %s %s'",
		     keep, s->offset, s->file_size, id, path);
}

static const struct mm_opt send_opts[] = {
	MM_OPT_STRING(0, "chunk-size", "SIZE",
		      "bytes per request, such as 8M (default 32M; the first "
		      "is at least 5M)"),
	MM_OPT_INT(0, "retries", "N",
		   "resume at most N times after a dropped connection "
		   "(default 5)",
		   0, 100),
	MM_OPT_END(),
};

/* ---- create ---- */

static const struct mm_opt upload_create_opts[] = {
	MM_OPT_STRING(0, "channel", "CHANNEL_ID",
		      "channel of an attachment upload"),
	MM_OPT_CHOICE(0, "type", "TYPE",
		      "attachment (default) or import (system admins)",
		      upload_types),
	MM_OPT_STRING(0, "filename", "NAME",
		      "file name on the server (default: FILE's name)"),
	MM_OPT_STRING(0, "size", "SIZE",
		      "file size in bytes (K/M/G suffixes) when no FILE is "
		      "given"),
	MM_OPT_STRING(0, "user", "USER_ID",
		      "owner of the session in local mode (default nouser)"),
	MM_OPT_END(),
};

static const struct mm_arg upload_create_args[] = {
	MM_ARG("FILE", "take the name and size from this file",
	       MM_ARG_OPTIONAL | MM_ARG_IS_FILE),
	MM_ARG_END(),
};

static enum mm_result
upload_create_exec(struct mm_ctx *ctx, const struct mm_args *args,
		   struct mm_error *err)
{
	const char *path = mm_args_pos(args, 0),
		   *size = mm_args_get(args, "size");
	struct mm_upload_create req;
	struct mm_client *c;
	struct mm_json *doc = NULL;
	enum mm_result rc;

	memset(&req, 0, sizeof(req));
	req.channel_id = mm_args_get(args, "channel");
	req.type = mm_args_get(args, "type");
	req.filename = mm_args_get(args, "filename");
	req.user_id = mm_args_get(args, "user");
	if (path != NULL && size != NULL)
		return mm_error_set(err, MM_ERR_USAGE,
				    "give FILE or --size, not both");
	if (path != NULL) {
		FILE *f;

		rc = mm_api_open_upload(path, &f, &req.file_size, err);
		if (rc != MM_OK)
			return rc;
		fclose(f);
		if (req.filename == NULL)
			req.filename = mm_api_basename(path);
	} else if (size == NULL || req.filename == NULL) {
		return mm_error_set(err, MM_ERR_USAGE,
				    "give FILE, or --size and --filename");
	} else if (!mm_parse_size(size, &req.file_size)) {
		return mm_error_set(err, MM_ERR_USAGE,
				    "--size takes a number of bytes (K/M/G "
				    "suffixes allowed), not '%s'",
				    size);
	}
	if (!mm_streq(req.type, "import") && req.channel_id == NULL)
		return mm_error_set(err, MM_ERR_USAGE,
				    "an attachment upload needs --channel "
				    "CHANNEL_ID (or --type import)");
	rc = mm_ctx_client(ctx, &c, err);
	if (rc != MM_OK)
		return rc;
	if (req.user_id == NULL && c->local)
		req.user_id = "nouser";
	rc = mm_api_upload_create(c, &req, &doc, err);
	if (rc == MM_OK && doc != NULL) {
		print_doc(ctx, doc, session_cols);
		mm_note(&ctx->out,
			"send the data with 'mmadm upload send %s %s'",
			mm_json_string(mm_json_get(doc, "id")),
			path ? path : "FILE");
	}
	mm_json_free(doc);
	return rc;
}

static const char *const upload_create_examples[] = {
	"mmadm upload create --channel 4xp9fdt0apyqtnbsjg3mdiwxqw video.mp4",
	"mmadm upload create --type import export.zip",
	"mmadm upload create --type import --filename data.zip --size 2G",
	NULL,
};
static const char *const upload_create_endpoints[] = {
	"POST /api/v4/uploads",
	NULL,
};

/* ---- status ---- */

static const struct mm_arg upload_id_args[] = {
	MM_ARG("UPLOAD_ID", "the upload session's id", 0),
	MM_ARG_END(),
};

static enum mm_result
upload_status_exec(struct mm_ctx *ctx, const struct mm_args *args,
		   struct mm_error *err)
{
	struct mm_client *c;
	struct mm_json *doc = NULL;
	enum mm_result rc;

	rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_upload_get(c, mm_args_pos(args, 0), &doc, err);
	if (rc == MM_OK)
		print_doc(ctx, doc, session_cols);
	mm_json_free(doc);
	return rc;
}

static const char *const upload_status_examples[] = {
	"mmadm upload status 9ds3n1kfbjgp5qe8i5pmy4wx7r",
	"mmadm upload status 9ds3n1kfbjgp5qe8i5pmy4wx7r -o json",
	NULL,
};
static const char *const upload_status_endpoints[] = {
	"GET /api/v4/uploads/{upload_id}",
	NULL,
};

/* ---- list ---- */

static const struct mm_arg upload_list_args[] = {
	MM_ARG("USER_ID",
	       "whose sessions: me (default), or nouser for "
	       "local imports",
	       MM_ARG_OPTIONAL),
	MM_ARG_END(),
};

static enum mm_result
upload_list_exec(struct mm_ctx *ctx, const struct mm_args *args,
		 struct mm_error *err)
{
	const char *user = mm_args_pos(args, 0);
	struct mm_client *c;
	struct mm_json *doc = NULL;
	enum mm_result rc;

	rc = mm_ctx_client(ctx, &c, err);
	if (rc != MM_OK)
		return rc;
	if (user == NULL)
		user = c->local ? "nouser" : "me";
	rc = mm_api_upload_list(c, user, &doc, err);
	if (rc == MM_OK)
		print_doc(ctx, doc, session_cols);
	mm_json_free(doc);
	return rc;
}

static const char *const upload_list_examples[] = {
	"mmadm upload list",
	"mmadm --local upload list nouser",
	NULL,
};
static const char *const upload_list_endpoints[] = {
	"GET /api/v4/users/{user_id}/uploads",
	NULL,
};

/* ---- send / resume ---- */

static const struct mm_arg upload_send_args[] = {
	MM_ARG("UPLOAD_ID", "the upload session's id", 0),
	MM_ARG("FILE", "the file the session was created for", MM_ARG_IS_FILE),
	MM_ARG_END(),
};

static enum mm_result
send_file(struct mm_ctx *ctx, struct mm_client *c, struct mm_upload_send *s,
	  const char *id, const char *path, FILE *f, uint64_t size,
	  struct mm_error *err)
{
	struct mm_json *info = NULL;
	enum mm_result rc;

	s->upload_id = id;
	s->file = f;
	s->file_size = size;
	s->progress = mm_cli_progress;
	s->progress_ud = ctx;
	rc = mm_api_upload_send(c, s, &info, err);
	mm_cli_progress_done(ctx);
	if (rc != MM_OK) {
		resume_hint(err, id, path, s);
		return rc;
	}
	if (s->start_offset > 0)
		mm_note(&ctx->out,
			"resumed at byte %" PRIu64 " of %" PRIu64
			" (the server already had the rest)",
			s->start_offset, s->file_size);
	if (s->resumes > 0)
		mm_note(&ctx->out,
			"resumed %d time%s where the server stopped (dropped "
			"connection or server failure)",
			s->resumes, s->resumes == 1 ? "" : "s");
	if (info != NULL)
		print_doc(ctx, info, file_info_cols);
	mm_json_free(info);
	return MM_OK;
}

static enum mm_result
upload_send_exec(struct mm_ctx *ctx, const struct mm_args *args,
		 struct mm_error *err)
{
	const char *path = mm_args_pos(args, 1);
	struct mm_upload_send s;
	struct mm_client *c;
	uint64_t size;
	enum mm_result rc;
	FILE *f;

	memset(&s, 0, sizeof(s));
	rc = send_options(args, &s, err);
	if (rc != MM_OK)
		return rc;
	rc = mm_api_open_upload(path, &f, &size, err);
	if (rc != MM_OK)
		return rc;
	rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = send_file(ctx, c, &s, mm_args_pos(args, 0), path, f, size,
			       err);
	fclose(f);
	return rc;
}

static const char *const upload_send_aliases[] = {"resume", NULL};
static const char *const upload_send_examples[] = {
	"mmadm upload send 9ds3n1kfbjgp5qe8i5pmy4wx7r video.mp4",
	"mmadm upload resume 9ds3n1kfbjgp5qe8i5pmy4wx7r video.mp4 "
	"--chunk-size 8M",
	NULL,
};
static const char *const upload_send_endpoints[] = {
	"GET /api/v4/uploads/{upload_id}",
	"POST /api/v4/uploads/{upload_id}",
	NULL,
};

/* ---- file: create + send ---- */

static const struct mm_opt upload_file_opts[] = {
	MM_OPT_STRING(0, "filename", "NAME",
		      "file name on the server (default: FILE's name)"),
	MM_OPT_STRING(0, "chunk-size", "SIZE",
		      "bytes per request, such as 8M (default 32M; the first "
		      "is at least 5M)"),
	MM_OPT_INT(0, "retries", "N",
		   "resume at most N times after a dropped connection "
		   "(default 5)",
		   0, 100),
	MM_OPT_END(),
};

static const struct mm_arg upload_file_args[] = {
	MM_ARG("CHANNEL_ID", "the channel the file is for", 0),
	MM_ARG("FILE", "the file to upload", MM_ARG_IS_FILE),
	MM_ARG_END(),
};

static enum mm_result
upload_file_exec(struct mm_ctx *ctx, const struct mm_args *args,
		 struct mm_error *err)
{
	const char *path = mm_args_pos(args, 1);
	struct mm_upload_create req;
	struct mm_upload_send s;
	struct mm_client *c;
	struct mm_json *us = NULL;
	enum mm_result rc;
	FILE *f;

	memset(&req, 0, sizeof(req));
	memset(&s, 0, sizeof(s));
	/* Every option is checked before the session is created: a usage
	 * error after it would leave an orphan session on the server. */
	rc = send_options(args, &s, err);
	if (rc != MM_OK)
		return rc;
	rc = mm_api_open_upload(path, &f, &req.file_size, err);
	if (rc != MM_OK)
		return rc;
	req.channel_id = mm_args_pos(args, 0);
	req.filename = mm_args_get(args, "filename");
	if (req.filename == NULL)
		req.filename = mm_api_basename(path);
	rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK && c->local)
		/* The local session has no user, and the server takes data
		 * for an attachment session only from its owner. */
		rc = mm_error_set(err, MM_ERR_LOCAL_ONLY,
				  "over the local socket the server accepts "
				  "upload data for import sessions only: use "
				  "'upload create --type import FILE' and "
				  "'upload send', or --url with a token");
	if (rc == MM_OK)
		rc = mm_api_upload_create(c, &req, &us, err);
	if (rc == MM_OK)
		rc = send_file(ctx, c, &s,
			       us ? mm_json_string(mm_json_get(us, "id"))
				  : NULL,
			       path, f, req.file_size, err);
	mm_json_free(us);
	fclose(f);
	return rc;
}

static const char *const upload_file_examples[] = {
	"mmadm upload file 4xp9fdt0apyqtnbsjg3mdiwxqw video.mp4",
	"mmadm upload file 4xp9fdt0apyqtnbsjg3mdiwxqw disk.img --chunk-size "
	"64M --retries 10",
	NULL,
};
static const char *const upload_file_endpoints[] = {
	"POST /api/v4/uploads",
	"GET /api/v4/uploads/{upload_id}",
	"POST /api/v4/uploads/{upload_id}",
	NULL,
};

#define UPLOAD_FLAGS (CMD_NEEDS_SERVER | CMD_NEEDS_AUTH)

const struct mm_cmd_entry mm_upload_cmds[] = {
	{
		.name = "create",
		.summary = "Create an upload session for a file",
		.help = "POST /api/v4/uploads with the file's name and size "
			"(from FILE, or --filename\nand --size). Attachments "
			"need --channel; --type import needs a system\nadmin. "
			"Prints the session; send the data with 'upload send'. "
			"Over the\nlocal socket the session belongs to "
			"'nouser' unless --user is given.",
		.opts = upload_create_opts,
		.args = upload_create_args,
		.flags = UPLOAD_FLAGS | CMD_WRITES,
		.examples = upload_create_examples,
		.endpoints = upload_create_endpoints,
		.exec = upload_create_exec,
	},
	{
		.name = "file",
		.summary = "Upload a file to a channel through a resumable "
			   "session",
		.help = "Creates an upload session and sends the file in "
			"chunks (32M, the first at\nleast 5M), streamed from "
			"disk. When the connection drops or the server\nfails "
			"mid-way, asks the server how much it has and goes on "
			"from there\n(--retries times). Prints the FileInfo. "
			"If it gives up, the message says\nhow to continue "
			"with 'upload resume'. Not over the local socket: "
			"there the\nserver takes data for import sessions "
			"only ('upload create --type import').",
		.opts = upload_file_opts,
		.args = upload_file_args,
		.flags = UPLOAD_FLAGS | CMD_WRITES,
		.examples = upload_file_examples,
		.endpoints = upload_file_endpoints,
		.exec = upload_file_exec,
	},
	{
		.name = "list",
		.summary = "List incomplete upload sessions",
		.args = upload_list_args,
		.flags = UPLOAD_FLAGS,
		.examples = upload_list_examples,
		.endpoints = upload_list_endpoints,
		.exec = upload_list_exec,
	},
	{
		.name = "send",
		.aliases = upload_send_aliases,
		.summary = "Send (or resume sending) a file to an upload "
			   "session",
		.help = "Asks the server how many bytes of the session it "
			"has, seeks FILE there\nand sends the rest in chunks, "
			"streamed from disk; resumes by itself after\na "
			"dropped connection (--retries times). Prints the "
			"FileInfo when the\nupload is complete.",
		.opts = send_opts,
		.args = upload_send_args,
		.flags = UPLOAD_FLAGS | CMD_WRITES,
		.examples = upload_send_examples,
		.endpoints = upload_send_endpoints,
		.exec = upload_send_exec,
	},
	{
		.name = "status",
		.summary = "Show an upload session (how much the server has)",
		.args = upload_id_args,
		.flags = UPLOAD_FLAGS,
		.examples = upload_status_examples,
		.endpoints = upload_status_endpoints,
		.exec = upload_status_exec,
	},
	MM_CMD_END,
};
