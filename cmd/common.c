/* Helpers shared by the command families. */
#include "cmd.h"
#include "mmadm/yaml.h"

#include <string.h>

enum mm_result
cmd_print_status(struct mm_ctx *ctx, const struct mm_json *doc,
		 const char *human, struct mm_error *err)
{
	if (doc == NULL && ctx->dry_run)
		return MM_OK;
	if (doc != NULL && mm_json_type(doc) == MM_JSON_OBJECT &&
	    mm_json_get(doc, "status") != NULL && !mm_api_status_ok(doc))
		return mm_error_set(err, MM_ERR_RESPONSE,
				    "the server did not answer OK");
	if (cmd_structured(ctx)) {
		if (doc != NULL)
			mm_out_doc(&ctx->out, doc, NULL);
		return MM_OK;
	}
	mm_out_line(&ctx->out, human);
	return MM_OK;
}

enum mm_result
cmd_emitted(struct mm_ctx *ctx, bool ok, struct mm_error *err)
{
	if (ok || mm_out_stopped(&ctx->out))
		return MM_OK;
	return mm_error_oom(err);
}

enum mm_result
cmd_show(struct mm_ctx *ctx, const struct mm_json *doc,
	 const struct mm_column *cols, struct mm_error *err)
{
	return cmd_emitted(ctx, mm_out_doc(&ctx->out, doc, cols), err);
}

/* Get the client, run fn, then print its document: as an action's status
 * line when human is set, else shown with cols. */
static enum mm_result
run_and_print(struct mm_ctx *ctx, cmd_get_fn fn, const char *human,
	      const struct mm_column *cols, struct mm_error *err)
{
	struct mm_client *c;
	struct mm_json *doc = NULL;
	enum mm_result rc = mm_ctx_client(ctx, &c, err);

	if (rc == MM_OK)
		rc = fn(c, &doc, err);
	if (rc == MM_OK)
		rc = human != NULL ? cmd_print_status(ctx, doc, human, err)
				   : cmd_show(ctx, doc, cols, err);
	mm_json_free(doc);
	return rc;
}

enum mm_result
cmd_get_show(struct mm_ctx *ctx, cmd_get_fn fn, const struct mm_column *cols,
	     struct mm_error *err)
{
	return run_and_print(ctx, fn, NULL, cols, err);
}

enum mm_result
cmd_action(struct mm_ctx *ctx, cmd_get_fn fn, const char *human,
	   struct mm_error *err)
{
	return run_and_print(ctx, fn, human != NULL ? human : "", NULL, err);
}

enum mm_result
cmd_action_on(struct mm_ctx *ctx, cmd_id_fn fn, const char *id,
	      const char *human_fmt, struct mm_error *err)
{
	struct mm_client *c;
	struct mm_json *doc = NULL;
	char human[512];
	enum mm_result rc = mm_ctx_client(ctx, &c, err);

	if (rc == MM_OK)
		rc = fn(c, id, &doc, err);
	if (rc == MM_OK) {
		if (snprintf(human, sizeof(human), human_fmt, id) < 0)
			human[0] = '\0';
		rc = cmd_print_status(ctx, doc, human, err);
	}
	mm_json_free(doc);
	return rc;
}

enum mm_result
cmd_read_doc(const char *path, struct mm_json **out, struct mm_error *err)
{
	struct mm_buf text = MM_BUF_INIT;
	enum mm_result rc;

	*out = NULL;
	rc = mm_read_file(path, (size_t)16 * 1024 * 1024, &text, err);
	if (rc == MM_OK)
		rc = mm_yaml_parse(text.data, text.len,
				   strcmp(path, "-") == 0 ? "standard input"
							  : path,
				   MM_ERR_USAGE, out, err);
	mm_buf_wipe(&text);
	return rc;
}

void
cmd_paging(struct mm_ctx *ctx, const struct mm_args *args,
	   struct mm_page_req *req)
{
	bool all = mm_args_bool(args, "all", false);
	long per = mm_args_int(args, "per-page", all ? MM_MAX_PER_PAGE : 60);

	if (per > MM_MAX_PER_PAGE) {
		mm_warn(&ctx->out,
			"--per-page %ld is over the server's maximum; asking "
			"for %d",
			per, MM_MAX_PER_PAGE);
		per = MM_MAX_PER_PAGE;
	}
	req->page = mm_args_int(args, "page", 0);
	req->per_page = per;
	req->all = all;
}

struct list_state {
	struct mm_ctx *ctx;
	cmd_row_fn row;
	void *row_ud;
	bool nomem;
};

static bool
list_item(void *ud, struct mm_json *item)
{
	struct list_state *l = ud;

	if (l->row != NULL && !cmd_structured(l->ctx) &&
	    !l->row(l->row_ud, item)) {
		l->nomem = true;
		return false;
	}
	return mm_out_list_row(&l->ctx->out, item);
}

static bool
list_page(void *ud, size_t n)
{
	struct list_state *l = ud;

	(void)n;
	return mm_out_list_flush(&l->ctx->out);
}

enum mm_result
cmd_list_rows(struct mm_ctx *ctx, struct mm_client *c,
	      const struct mm_page_req *req, const struct mm_column *cols,
	      cmd_row_fn row, void *row_ud, struct mm_error *err)
{
	struct list_state l = {ctx, row, row_ud, false};
	enum mm_result rc;

	if (!mm_out_list_begin(&ctx->out, cols))
		return mm_error_oom(err);
	rc = mm_api_paged(c, req, list_item, list_page, &l, err);
	if (rc == MM_OK && l.nomem)
		rc = mm_error_oom(err);
	/* A failure before the first row leaves stdout empty. */
	if (rc != MM_OK) {
		mm_out_list_fail(&ctx->out);
		return rc;
	}
	/* A failed write (closed pipe: `| head`) stops the loop; the
	 * dispatcher reports real write errors. Anything else is memory. */
	if (!mm_out_list_end(&ctx->out) && !mm_out_stopped(&ctx->out) &&
	    !ferror(ctx->out.out))
		rc = mm_error_oom(err);
	return rc;
}

enum mm_result
cmd_list(struct mm_ctx *ctx, struct mm_client *c, const struct mm_page_req *req,
	 const struct mm_column *cols, struct mm_error *err)
{
	return cmd_list_rows(ctx, c, req, cols, NULL, NULL, err);
}
