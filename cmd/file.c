/* file: file storage, files of posts (info, download, upload, links). */
#include "cmd.h"
#include "mmadm/api_files.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const drivers[] = {"local", "amazons3", "azureblob", NULL};

static const struct mm_opt file_test_opts[] = {
	MM_OPT_CHOICE(0, "driver", "DRIVER",
		      "file store driver: local, amazons3 or azureblob",
		      drivers),
	MM_OPT_STRING(0, "directory", "PATH",
		      "local driver: storage directory"),
	MM_OPT_STRING(0, "bucket", "NAME", "S3 bucket"),
	MM_OPT_STRING(0, "region", "REGION", "S3 region"),
	MM_OPT_STRING(0, "endpoint", "HOST", "S3 endpoint (host[:port])"),
	MM_OPT_STRING(0, "path-prefix", "PREFIX", "S3 path prefix"),
	MM_OPT_STRING(0, "access-key-id", "ID", "S3 access key id"),
	MM_OPT_FILE(0, "secret-key-file", "FILE",
		    "S3 secret access key, read from FILE (- = stdin)",
		    MM_OPT_STDIN | MM_OPT_SECRET),
	MM_OPT_BOOLF(0, "ssl", "S3 over TLS (--no-ssl: plain HTTP)",
		     MM_OPT_NEGATABLE),
	MM_OPT_STRING(0, "account", "NAME", "Azure storage account"),
	MM_OPT_STRING(0, "container", "NAME", "Azure container"),
	MM_OPT_FILE(0, "azure-key-file", "FILE",
		    "Azure access key, read from FILE (- = stdin)",
		    MM_OPT_STDIN | MM_OPT_SECRET),
	MM_OPT_STRING(0, "azure-endpoint", "URL", "Azure endpoint override"),
	MM_OPT_FILE(0, "config", "FILE",
		    "JSON/YAML config whose FileSettings are tested", 0),
	MM_OPT_END(),
};

static const struct mm_opt file_s3_test_opts[] = {
	MM_OPT_STRING(0, "bucket", "NAME", "S3 bucket"),
	MM_OPT_STRING(0, "region", "REGION", "S3 region"),
	MM_OPT_STRING(0, "endpoint", "HOST", "S3 endpoint (host[:port])"),
	MM_OPT_STRING(0, "path-prefix", "PREFIX", "S3 path prefix"),
	MM_OPT_STRING(0, "access-key-id", "ID", "S3 access key id"),
	MM_OPT_FILE(0, "secret-key-file", "FILE",
		    "S3 secret access key, read from FILE (- = stdin)",
		    MM_OPT_STDIN | MM_OPT_SECRET),
	MM_OPT_BOOLF(0, "ssl", "S3 over TLS (--no-ssl: plain HTTP)",
		     MM_OPT_NEGATABLE),
	MM_OPT_FILE(0, "config", "FILE",
		    "JSON/YAML config whose FileSettings are tested", 0),
	MM_OPT_END(),
};

static const char *const file_test_examples[] = {
	"mmadm file test",
	"mmadm file test --driver amazons3 --bucket backups --region "
	"eu-west-1",
	"mmadm file test --driver azureblob --account acme --container mm "
	"--azure-key-file key.txt",
	NULL,
};

static const char *const file_test_endpoints[] = {
	"POST /api/v4/file/test",
	"POST /api/v4/file/s3_test",
	"GET /api/v4/config",
	NULL,
};

static const char *const file_s3_test_examples[] = {
	"mmadm file s3-test",
	"mmadm file s3-test --bucket backups --region eu-west-1 "
	"--secret-key-file s3.key",
	NULL,
};

static const char *const file_s3_test_endpoints[] = {
	"POST /api/v4/file/s3_test",
	"GET /api/v4/config",
	NULL,
};

static enum mm_result
read_secret(const struct mm_args *args, const char *opt, struct mm_buf *buf,
	    const char **dst, struct mm_error *err)
{
	const char *path = mm_args_get(args, opt);
	enum mm_result rc;

	if (path == NULL)
		return MM_OK;
	rc = mm_read_secret_file(path, buf, opt, err);
	if (rc != MM_OK)
		mm_error_prefix(err, "--%s", opt);
	*dst = mm_buf_str(buf);
	return rc;
}

/* test and s3-test: the overrides, the request, the answer. */
static enum mm_result
store_test(struct mm_ctx *ctx, const struct mm_args *args, bool legacy,
	   struct mm_error *err)
{
	struct mm_client *c;
	struct mm_file_test_req req;
	struct mm_file_test_result res;
	struct mm_buf s3key = MM_BUF_INIT, azkey = MM_BUF_INIT;
	struct mm_json *overlay = NULL;
	const char *cfgfile = mm_args_get(args, "config");
	char msg[160];
	enum mm_result rc;

	memset(&req, 0, sizeof(req));
	memset(&res, 0, sizeof(res));
	req.bucket = mm_args_get(args, "bucket");
	req.region = mm_args_get(args, "region");
	req.endpoint = mm_args_get(args, "endpoint");
	req.path_prefix = mm_args_get(args, "path-prefix");
	req.access_key_id = mm_args_get(args, "access-key-id");
	if (mm_args_has(args, "ssl"))
		req.ssl = mm_args_bool(args, "ssl", true) ? "true" : "false";
	rc = read_secret(args, "secret-key-file", &s3key, &req.secret_key, err);
	if (!legacy) {
		req.driver = mm_args_get(args, "driver");
		req.directory = mm_args_get(args, "directory");
		req.account = mm_args_get(args, "account");
		req.container = mm_args_get(args, "container");
		req.azure_endpoint = mm_args_get(args, "azure-endpoint");
		if (rc == MM_OK)
			rc = read_secret(args, "azure-key-file", &azkey,
					 &req.azure_key, err);
	}
	if (rc == MM_OK && cfgfile != NULL) {
		rc = cmd_read_doc(cfgfile, &overlay, err);
		req.config = overlay;
	}
	if (rc == MM_OK)
		rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = legacy ? mm_api_file_s3_test(c, &req, &res, err)
			    : mm_api_file_test(c, &req, &res, err);
	if (rc != MM_OK)
		goto out;
	if (res.used_legacy && !legacy)
		mm_note(&ctx->out, "this server has no /api/v4/file/test "
				   "(before 11.10): used the legacy S3 test");
	if (snprintf(msg, sizeof(msg), "OK: file store test passed%s%s%s",
		     res.driver[0] ? " (driver " : "", res.driver,
		     res.driver[0] ? ")" : "") < 0)
		msg[0] = '\0';
	rc = cmd_print_status(ctx, res.doc, msg, err);
out:
	mm_file_test_result_release(&res);
	mm_json_free(overlay);
	mm_buf_wipe(&s3key);
	mm_buf_wipe(&azkey);
	return rc;
}

static enum mm_result
file_test_exec(struct mm_ctx *ctx, const struct mm_args *args,
	       struct mm_error *err)
{
	return store_test(ctx, args, false, err);
}

static enum mm_result
file_s3_test_exec(struct mm_ctx *ctx, const struct mm_args *args,
		  struct mm_error *err)
{
	return store_test(ctx, args, true, err);
}

/* ---- downloads (shared with brand and saml through cmd.h) ---- */

enum mm_result
cmd_fetch_begin(struct mm_ctx *ctx, const char *dest, bool force, bool binary,
		struct mm_fetch *f, struct mm_error *err)
{
	memset(f, 0, sizeof(*f));
	if (dest == NULL || strcmp(dest, "-") == 0) {
		if (binary && ctx->out.out_tty)
			return mm_error_set(err, MM_ERR_USAGE,
					    "not writing binary data to a "
					    "terminal: give an output file or "
					    "redirect standard output");
		f->stream = ctx->out.out;
	} else {
		f->dest = dest;
		f->overwrite = force;
	}
	f->progress = mm_cli_progress;
	f->progress_ud = ctx;
	return MM_OK;
}

enum mm_result
cmd_fetch_end(struct mm_ctx *ctx, const struct mm_fetch *f, enum mm_result rc,
	      struct mm_error *err)
{
	struct mm_json *doc;

	mm_cli_progress_done(ctx);
	if (rc != MM_OK) {
		if (rc == MM_ERR_IO && f->dest != NULL &&
		    strstr(err->message, "already exists") != NULL) {
			char keep[sizeof(err->message)];

			memcpy(keep, err->message, sizeof(keep));
			mm_error_set(err, rc, "%.400s; --force replaces it",
				     keep);
		}
		return rc;
	}
	if (f->stream != NULL)
		return MM_OK; /* the data itself went to standard output */
	if (ctx->out.format != MM_FMT_JSON && ctx->out.format != MM_FMT_YAML) {
		mm_out_line(&ctx->out, f->path);
		return MM_OK;
	}
	doc = mm_api_fetch_doc(f);
	if (doc == NULL)
		return mm_error_oom(err);
	mm_out_doc(&ctx->out, doc, NULL);
	mm_json_free(doc);
	return MM_OK;
}

static const struct mm_opt file_get_opts[] = {
	MM_OPT_FILE('O', "output-file", "FILE",
		    "save to FILE, or into a directory under the server's "
		    "name (default: standard output)",
		    0),
	MM_OPT_BOOL(0, "force", "replace an existing file"),
	MM_OPT_END(),
};

static const struct mm_arg file_id_args[] = {
	MM_ARG("FILE_ID", "the file's id", 0),
	MM_ARG_END(),
};

static enum mm_result
file_fetch(struct mm_ctx *ctx, const struct mm_args *args,
	   enum mm_file_part part, struct mm_error *err)
{
	struct mm_client *c;
	struct mm_fetch f;
	enum mm_result rc;

	rc = cmd_fetch_begin(ctx, mm_args_get(args, "output-file"),
			     mm_args_bool(args, "force", false), true, &f, err);
	if (rc == MM_OK)
		rc = mm_ctx_client(ctx, &c, err);
	if (rc != MM_OK)
		return rc;
	rc = mm_api_file_get(c, mm_args_pos(args, 0), part, &f, err);
	return cmd_fetch_end(ctx, &f, rc, err);
}

static enum mm_result
file_get_exec(struct mm_ctx *ctx, const struct mm_args *args,
	      struct mm_error *err)
{
	return file_fetch(ctx, args, MM_FILE_CONTENT, err);
}

static enum mm_result
file_preview_exec(struct mm_ctx *ctx, const struct mm_args *args,
		  struct mm_error *err)
{
	return file_fetch(ctx, args, MM_FILE_PREVIEW, err);
}

static enum mm_result
file_thumbnail_exec(struct mm_ctx *ctx, const struct mm_args *args,
		    struct mm_error *err)
{
	return file_fetch(ctx, args, MM_FILE_THUMBNAIL, err);
}

static const char *const file_get_aliases[] = {"download", NULL};

static const char *const file_get_examples[] = {
	"mmadm file get 8x7kq3xz1jf4bkg5m7n9gr5w6a -O report.pdf",
	"mmadm file get 8x7kq3xz1jf4bkg5m7n9gr5w6a -O ~/Downloads/",
	"mmadm file get 8x7kq3xz1jf4bkg5m7n9gr5w6a | sha256sum",
	NULL,
};
static const char *const file_get_endpoints[] = {
	"GET /api/v4/files/{file_id}",
	NULL,
};
static const char *const file_preview_examples[] = {
	"mmadm file preview 8x7kq3xz1jf4bkg5m7n9gr5w6a -O preview.jpg",
	NULL,
};
static const char *const file_preview_endpoints[] = {
	"GET /api/v4/files/{file_id}/preview",
	NULL,
};
static const char *const file_thumbnail_examples[] = {
	"mmadm file thumbnail 8x7kq3xz1jf4bkg5m7n9gr5w6a -O thumb.jpg",
	NULL,
};
static const char *const file_thumbnail_endpoints[] = {
	"GET /api/v4/files/{file_id}/thumbnail",
	NULL,
};

/* ---- info and link ---- */

static enum mm_result
file_info_exec(struct mm_ctx *ctx, const struct mm_args *args,
	       struct mm_error *err)
{
	struct mm_client *c;
	struct mm_json *doc = NULL;
	enum mm_result rc;

	rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_file_info(c, mm_args_pos(args, 0), &doc, err);
	if (rc == MM_OK)
		mm_out_doc(&ctx->out, doc, NULL);
	mm_json_free(doc);
	return rc;
}

static const char *const file_info_examples[] = {
	"mmadm file info 8x7kq3xz1jf4bkg5m7n9gr5w6a",
	"mmadm file info 8x7kq3xz1jf4bkg5m7n9gr5w6a -o json",
	NULL,
};
static const char *const file_info_endpoints[] = {
	"GET /api/v4/files/{file_id}/info",
	NULL,
};

static enum mm_result
file_link_exec(struct mm_ctx *ctx, const struct mm_args *args,
	       struct mm_error *err)
{
	struct mm_client *c;
	struct mm_json *doc = NULL;
	enum mm_result rc;

	rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_file_link(c, mm_args_pos(args, 0), &doc, err);
	if (rc != MM_OK)
		goto out;
	if (cmd_structured(ctx))
		mm_out_doc(&ctx->out, doc, NULL);
	else
		mm_out_line(&ctx->out,
			    mm_json_string(mm_json_get(doc, "link")));
out:
	mm_json_free(doc);
	return rc;
}

static const char *const file_link_examples[] = {
	"mmadm file link 8x7kq3xz1jf4bkg5m7n9gr5w6a",
	NULL,
};
static const char *const file_link_endpoints[] = {
	"GET /api/v4/files/{file_id}/link",
	NULL,
};

/* ---- upload ---- */

static const struct mm_column file_info_cols[] = {
	{"ID", "id"},          {"NAME", "name"},          {"SIZE", "size"},
	{"TYPE", "mime_type"}, {"CHANNEL", "channel_id"}, MM_COLUMN_END,
};

static const struct mm_opt file_upload_opts[] = {
	MM_OPT_LIST(0, "client-id", "ID",
		    "client id for a file, one per file in order"),
	MM_OPT_BOOL(0, "raw",
		    "send one file as the raw request body instead of a "
		    "multipart form"),
	MM_OPT_END(),
};

static const struct mm_arg file_upload_args[] = {
	MM_ARG("CHANNEL_ID", "the channel the files are for", 0),
	MM_ARG("FILE", "files to upload", MM_ARG_VARIADIC | MM_ARG_IS_FILE),
	MM_ARG_END(),
};

static enum mm_result
file_upload_exec(struct mm_ctx *ctx, const struct mm_args *args,
		 struct mm_error *err)
{
	const struct mm_strv *ids = mm_args_list(args, "client-id");
	size_t npos = mm_args_npos(args);
	struct mm_file_upload req;
	struct mm_client *c;
	struct mm_json *doc = NULL;
	const char **paths;
	enum mm_result rc;

	paths = calloc(npos, sizeof(*paths));
	if (paths == NULL)
		return mm_error_oom(err);
	for (size_t i = 1; i < npos; i++)
		paths[i - 1] = mm_args_pos(args, i);
	memset(&req, 0, sizeof(req));
	req.channel_id = mm_args_pos(args, 0);
	req.paths = paths;
	req.npaths = npos - 1;
	if (ids != NULL) {
		req.client_ids = (const char *const *)ids->v;
		req.nclient_ids = ids->n;
	}
	req.raw = mm_args_bool(args, "raw", false);
	req.progress = mm_cli_progress;
	req.progress_ud = ctx;
	rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_file_upload(c, &req, &doc, err);
	mm_cli_progress_done(ctx);
	if (rc == MM_OK && doc != NULL) {
		if (ctx->out.format == MM_FMT_JSON ||
		    ctx->out.format == MM_FMT_YAML)
			mm_out_doc(&ctx->out, doc, NULL);
		else
			mm_out_doc(&ctx->out, mm_json_get(doc, "file_infos"),
				   file_info_cols);
	}
	mm_json_free(doc);
	free(paths);
	return rc;
}

static const char *const file_upload_examples[] = {
	"mmadm file upload 4xp9fdt0apyqtnbsjg3mdiwxqw report.pdf "
	"chart.png",
	"mmadm file upload 4xp9fdt0apyqtnbsjg3mdiwxqw big.iso --raw",
	"mmadm file upload 4xp9fdt0apyqtnbsjg3mdiwxqw a.txt --client-id "
	"c1 -o json",
	NULL,
};
static const char *const file_upload_endpoints[] = {
	"POST /api/v4/files",
	NULL,
};

#define FILE_FLAGS (CMD_NEEDS_SERVER | CMD_NEEDS_AUTH | CMD_NO_LOCAL)

const struct mm_cmd_entry mm_file_cmds[] = {
	{
		.name = "get",
		.aliases = file_get_aliases,
		.summary = "Download a file (streamed to a file or standard "
			   "output)",
		.help = "Streams the file: memory use does not grow with its "
			"size. With -O FILE the\ndata goes to a temporary file "
			"next to FILE, renamed when complete, so an\n"
			"interrupted download never leaves a partial FILE. "
			"With -O DIRECTORY the\nserver's file name is used. "
			"An existing file is kept unless --force.\nA progress "
			"bar shows on a terminal (not with --quiet).",
		.opts = file_get_opts,
		.args = file_id_args,
		.flags = FILE_FLAGS,
		.examples = file_get_examples,
		.endpoints = file_get_endpoints,
		.exec = file_get_exec,
	},
	{
		.name = "info",
		.summary = "Show a file's metadata (FileInfo)",
		.args = file_id_args,
		.flags = FILE_FLAGS,
		.examples = file_info_examples,
		.endpoints = file_info_endpoints,
		.exec = file_info_exec,
	},
	{
		.name = "link",
		.summary = "Show a file's public link",
		.help = "Needs FileSettings.EnablePublicLink (else 403) and a "
			"file attached to a\npost (else 400).",
		.args = file_id_args,
		.flags = FILE_FLAGS,
		.examples = file_link_examples,
		.endpoints = file_link_endpoints,
		.exec = file_link_exec,
	},
	{
		.name = "preview",
		.summary = "Download a file's preview image",
		.help = "Like 'file get'. Files without a preview (not an "
			"image) answer 400.",
		.opts = file_get_opts,
		.args = file_id_args,
		.flags = FILE_FLAGS,
		.examples = file_preview_examples,
		.endpoints = file_preview_endpoints,
		.exec = file_preview_exec,
	},
	{
		.name = "s3-test",
		.summary = "Test the S3 file store with the legacy endpoint "
			   "(servers before 11.10)",
		.help = "POST /api/v4/file/s3_test, for servers that lack "
			"/api/v4/file/test ('file\ntest' falls back to it "
			"by itself). Without options the server tests its "
			"running\nconfiguration; with overrides the server's "
			"config is fetched and the\noverrides are laid over "
			"its FileSettings. Nothing is saved. Note the\nfork's "
			"order: a FileSettings field left null is a 400 even "
			"before the\npermission check.",
		.opts = file_s3_test_opts,
		.flags = FILE_FLAGS,
		.examples = file_s3_test_examples,
		.endpoints = file_s3_test_endpoints,
		.exec = file_s3_test_exec,
	},
	{
		.name = "test",
		.summary = "Test the server's connection to its file store",
		.help = "Without options the server tests its running "
			"configuration (no request\nbody). With overrides, the "
			"server's config is fetched, the overrides are laid\n"
			"over its FileSettings and that is tested; nothing is "
			"saved. Secrets left as\nthe server's placeholder are "
			"filled in by the server. Servers before 11.10\nonly "
			"have the S3 test, which is used for amazons3.",
		.opts = file_test_opts,
		.flags = FILE_FLAGS,
		.examples = file_test_examples,
		.endpoints = file_test_endpoints,
		.exec = file_test_exec,
	},
	{
		.name = "thumbnail",
		.summary = "Download a file's thumbnail image",
		.help = "Like 'file get'. Files without a thumbnail (not an "
			"image) answer 400.",
		.opts = file_get_opts,
		.args = file_id_args,
		.flags = FILE_FLAGS,
		.examples = file_thumbnail_examples,
		.endpoints = file_thumbnail_endpoints,
		.exec = file_thumbnail_exec,
	},
	{
		.name = "upload",
		.summary = "Upload files to a channel (streamed from disk)",
		.help = "Sends one multipart form: the channel_id field first, "
			"then one client_ids\nfield per --client-id, then one "
			"'files' part per FILE, each streamed from\ndisk. "
			"--raw sends a single FILE as the request body instead "
			"(query\nchannel_id, filename, client_id). Prints the "
			"server's FileInfo of each\nfile. For large files that "
			"must survive a dropped connection see\n'upload file'.",
		.opts = file_upload_opts,
		.args = file_upload_args,
		.flags = FILE_FLAGS | CMD_WRITES,
		.examples = file_upload_examples,
		.endpoints = file_upload_endpoints,
		.exec = file_upload_exec,
	},
	MM_CMD_END,
};
