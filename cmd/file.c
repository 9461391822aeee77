/* file: file storage. */
#include "cmd.h"

#include <stdio.h>
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

static enum mm_result
file_test_exec(struct mm_ctx *ctx, const struct mm_args *args,
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
	req.driver = mm_args_get(args, "driver");
	req.directory = mm_args_get(args, "directory");
	req.bucket = mm_args_get(args, "bucket");
	req.region = mm_args_get(args, "region");
	req.endpoint = mm_args_get(args, "endpoint");
	req.path_prefix = mm_args_get(args, "path-prefix");
	req.access_key_id = mm_args_get(args, "access-key-id");
	req.account = mm_args_get(args, "account");
	req.container = mm_args_get(args, "container");
	req.azure_endpoint = mm_args_get(args, "azure-endpoint");
	if (mm_args_has(args, "ssl"))
		req.ssl = mm_args_bool(args, "ssl", true) ? "true" : "false";
	rc = read_secret(args, "secret-key-file", &s3key, &req.secret_key, err);
	if (rc == MM_OK)
		rc = read_secret(args, "azure-key-file", &azkey, &req.azure_key,
				 err);
	if (rc == MM_OK && cfgfile != NULL) {
		rc = cmd_read_doc(cfgfile, &overlay, err);
		req.config = overlay;
	}
	if (rc == MM_OK)
		rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_file_test(c, &req, &res, err);
	if (rc != MM_OK)
		goto out;
	if (res.used_legacy)
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

const struct mm_cmd_entry mm_file_cmds[] = {
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
		.flags = CMD_NEEDS_SERVER | CMD_NEEDS_AUTH | CMD_NO_LOCAL,
		.examples = file_test_examples,
		.endpoints = file_test_endpoints,
		.exec = file_test_exec,
	},
	MM_CMD_END,
};
