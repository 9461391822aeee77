/* Helpers shared by the command families. */
#include <string.h>

#include "cmd.h"
#include "mmadm/yaml.h"

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
	if (ctx->out.format == MM_FMT_JSON || ctx->out.format == MM_FMT_YAML) {
		if (doc != NULL)
			mm_out_doc(&ctx->out, doc, NULL);
		return MM_OK;
	}
	mm_out_line(&ctx->out, human);
	return MM_OK;
}

enum mm_result
cmd_read_doc(const char *path, struct mm_json **out, struct mm_error *err)
{
	struct mm_buf text = MM_BUF_INIT;
	enum mm_result rc;

	*out = NULL;
	rc = mm_read_file(path, 16u * 1024 * 1024, &text, err);
	if (rc == MM_OK)
		rc = mm_yaml_parse(text.data, text.len,
				   strcmp(path, "-") == 0 ? "standard input"
							  : path,
				   MM_ERR_USAGE, out, err);
	mm_buf_wipe(&text);
	return rc;
}
