/* api: any API v4 call, with the target, auth, transport and output of
 * every other command (like `gh api`). */
#include "cmd.h"
#include "mmadm/api_raw.h"
#include "mmadm/cli_ext.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static const struct mm_opt api_call_opts[] = {
	MM_OPT_LIST('f', "raw-field", "KEY=VALUE",
		    "a string field: of the JSON body, or a query parameter "
		    "for GET and HEAD"),
	MM_OPT_LIST('F', "field", "KEY=VALUE",
		    "a typed field: true, false, null and integers as JSON, "
		    "@FILE (or @-) the file's text"),
	MM_OPT_FILE(0, "input", "FILE|-",
		    "send FILE (- = standard input) as the request body; "
		    "fields become query parameters",
		    MM_OPT_STDIN),
	MM_OPT_LIST('H', "header", "NAME:VALUE", "an extra request header"),
	MM_OPT_BOOL(0, "paginate",
		    "GET page 0, 1, ... until a short page and print one JSON "
		    "array"),
	MM_OPT_END(),
};

static const struct mm_arg api_call_args[] = {
	MM_ARG("METHOD", "GET, POST, PUT, PATCH, DELETE or HEAD", 0),
	MM_ARG("PATH", "the endpoint under /api/v4, with its query", 0),
	MM_ARG_END(),
};

static const char *const api_call_examples[] = {
	"mmadm api GET /users/me",
	"mmadm api GET /plugins --jq '.active[].id'",
	"mmadm api GET /audits --paginate",
	("mmadm api PUT /config/patch -F "
	 "'ServiceSettings[EnableDeveloper]=true'"),
	"mmadm api POST /caches/invalidate --dry-run",
	NULL,
};

static const char *const api_call_endpoints[] = {
	"ANY /api/v4/...",
	NULL,
};

/* Fields in the order of the two options: -f first, then -F. */
static struct mm_raw_field *
collect_fields(const struct mm_args *args, size_t *n)
{
	const struct mm_strv *raw = mm_args_list(args, "raw-field");
	const struct mm_strv *typed = mm_args_list(args, "field");
	size_t nr = raw ? raw->n : 0, nt = typed ? typed->n : 0;
	struct mm_raw_field *f = calloc(nr + nt + 1, sizeof(*f));

	*n = 0;
	if (f == NULL)
		return NULL;
	for (size_t i = 0; i < nr; i++)
		f[(*n)++] = (struct mm_raw_field){raw->v[i], false};
	for (size_t i = 0; i < nt; i++)
		f[(*n)++] = (struct mm_raw_field){typed->v[i], true};
	return f;
}

/* --input: a file streamed as it is (standard input via a temporary
 * file, to know its size). */
static enum mm_result
open_input(const char *path, FILE **f, uint64_t *size, struct mm_error *err)
{
	struct stat st;

	*f = NULL;
	if (strcmp(path, "-") == 0) {
		struct mm_buf text = MM_BUF_INIT;
		enum mm_result rc = mm_read_file(
			"-", (size_t)1024 * 1024 * 1024, &text, err);

		if (rc != MM_OK) {
			mm_buf_release(&text);
			return rc;
		}
		*f = tmpfile();
		if (*f == NULL ||
		    fwrite(text.data ? text.data : "", 1, text.len, *f) !=
			    text.len ||
		    fflush(*f) != 0 || fseek(*f, 0, SEEK_SET) != 0) {
			if (*f != NULL)
				fclose(*f);
			*f = NULL;
			mm_buf_wipe(&text);
			return mm_error_set(err, MM_ERR_IO,
					    "cannot buffer standard input");
		}
		*size = text.len;
		mm_buf_wipe(&text);
		return MM_OK;
	}
	*f = fopen(path, "rb");
	if (*f == NULL || fstat(fileno(*f), &st) != 0 || !S_ISREG(st.st_mode)) {
		if (*f != NULL)
			fclose(*f);
		*f = NULL;
		return mm_error_set(err, MM_ERR_IO,
				    "--input %s: not a readable file", path);
	}
	*size = (uint64_t)st.st_size;
	return MM_OK;
}

static bool
paged_item(void *ud, struct mm_json *item)
{
	return mm_out_list_row(&((struct mm_ctx *)ud)->out, item);
}

static bool
paged_page(void *ud, size_t n)
{
	(void)n;
	return mm_out_list_flush(&((struct mm_ctx *)ud)->out);
}

/* JSON unless a format was asked for: the answer is the server's own. */
static void
default_json(struct mm_ctx *ctx, const struct mm_args *args)
{
	if (ctx->multi == NULL && ctx->default_format == MM_FMT_AUTO &&
	    !mm_args_has(args, "output") && !mm_args_has(args, "json") &&
	    !mm_args_has(args, "columns"))
		ctx->out.format = MM_FMT_JSON;
}

static enum mm_result
api_call_exec(struct mm_ctx *ctx, const struct mm_args *args,
	      struct mm_error *err)
{
	const struct mm_strv *hdrs = mm_args_list(args, "header");
	const char *input = mm_args_get(args, "input");
	bool paginate = mm_args_bool(args, "paginate", false);
	struct mm_buf path = MM_BUF_INIT, what = MM_BUF_INIT;
	struct mm_raw_field *fields = NULL;
	struct mm_json *body = NULL;
	struct mm_raw_result res;
	struct mm_raw_req req;
	struct mm_client *c;
	const char **headers = NULL;
	char method[8];
	size_t nfields = 0, nh = hdrs ? hdrs->n : 0, nhdr = 0;
	bool query;
	enum mm_result rc;

	memset(&res, 0, sizeof(res));
	memset(&req, 0, sizeof(req));
	rc = mm_api_raw_method(mm_args_pos(args, 0), method, sizeof(method),
			       err);
	if (rc == MM_OK)
		rc = mm_api_raw_path(mm_args_pos(args, 1), &path, err);
	if (rc != MM_OK)
		goto out;
	query = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0 ||
		input != NULL;
	if (paginate && strcmp(method, "GET") != 0) {
		rc = mm_error_set(err, MM_ERR_USAGE,
				  "--paginate pages through a GET");
		goto out;
	}
	if (input != NULL &&
	    (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0)) {
		rc = mm_error_set(err, MM_ERR_USAGE,
				  "--input sends a body: not with %s", method);
		goto out;
	}
	fields = collect_fields(args, &nfields);
	headers = calloc(nh + 1, sizeof(*headers));
	if (fields == NULL || headers == NULL) {
		rc = mm_error_oom(err);
		goto out;
	}
	for (size_t i = 0; i < nh && rc == MM_OK; i++) {
		rc = mm_api_raw_header(hdrs->v[i], err);
		if (strncasecmp(hdrs->v[i], "Content-Type:", 13) == 0) {
			const char *v = hdrs->v[i] + 13;

			while (*v == ' ')
				v++;
			req.content_type = v;
			if (input != NULL)
				continue; /* sent as the body's type */
		}
		headers[nhdr++] = hdrs->v[i];
	}
	if (rc != MM_OK)
		goto out;
	if (!mm_buf_printf(&what, "'api %s'", method)) {
		rc = mm_error_oom(err);
		goto out;
	}
	if (!query || input != NULL) {
		rc = mm_ext_may_write(ctx, mm_buf_str(&what), err);
		if (rc != MM_OK)
			goto out;
	}
	if (query)
		rc = mm_api_raw_query(fields, nfields, &path, err);
	else if (nfields > 0)
		rc = mm_api_raw_body(fields, nfields, &body, err);
	if (rc == MM_OK && input != NULL)
		rc = open_input(input, &req.input, &req.input_size, err);
	if (rc == MM_OK)
		rc = mm_ctx_client(ctx, &c, err);
	if (rc != MM_OK)
		goto out;
	default_json(ctx, args);
	if (paginate) {
		if (!mm_out_list_begin(&ctx->out, NULL)) {
			rc = mm_error_oom(err);
			goto out;
		}
		rc = mm_api_raw_paginate(c, mm_buf_str(&path), paged_item,
					 paged_page, ctx, err);
		if (rc == MM_OK)
			mm_out_list_end(&ctx->out);
		else
			mm_out_list_fail(&ctx->out);
		goto out;
	}
	req.method = method;
	req.path = mm_buf_str(&path);
	req.json = body;
	if (req.input != NULL && req.content_type == NULL)
		req.content_type = "application/json";
	req.headers = nhdr > 0 ? headers : NULL;
	rc = mm_api_raw_call(c, &req, &res, err);
	if (rc != MM_OK)
		goto out;
	if (res.doc != NULL)
		mm_out_doc(&ctx->out, res.doc, NULL);
	else if (res.body.len > 0)
		mm_cli_write_raw(&ctx->out, res.body.data, res.body.len);
out:
	if (req.input != NULL)
		fclose(req.input);
	mm_api_raw_result_release(&res);
	mm_json_free(body);
	free(fields);
	free(headers);
	mm_buf_release(&path);
	mm_buf_release(&what);
	return rc;
}

const struct mm_cmd_entry mm_api_cmds[] = {
	{
		.name = "call",
		.summary = "Call any API v4 endpoint on the selected server",
		.help = "METHOD PATH, where PATH is relative to /api/v4 "
			"(\"/users/me\") and may carry\na query. The server, "
			"token, TLS options, retries and output formats are\n"
			"those of every other command; the answer prints as "
			"JSON unless -o asks\nfor another format (a non-JSON "
			"answer prints as it came). A non-2xx\nanswer is the "
			"usual error line and exit code.\n\n"
			"-f KEY=VALUE adds a string field, -F KEY=VALUE a "
			"typed one (true, false,\nnull, integers; @FILE reads "
			"a file). KEY[SUB] nests objects, KEY[]\nappends to a "
			"list. Fields form a JSON body, or query parameters "
			"for GET\nand HEAD and with --input. --paginate "
			"follows page=0, 1, ... of a list\nuntil a short page "
			"and prints one JSON array.\n\n"
			"A method other than GET and HEAD changes server "
			"state: fleet mode needs\n--yes-all-servers for it, "
			"--dry-run and --curl show it without sending.",
		.opts = api_call_opts,
		.args = api_call_args,
		.flags = CMD_NEEDS_SERVER | CMD_FAMILY_DEFAULT,
		.examples = api_call_examples,
		.endpoints = api_call_endpoints,
		.exec = api_call_exec,
	},
	MM_CMD_END,
};
