/* Shared by the command families in cmd/. */
#ifndef MMADM_CMD_H
#define MMADM_CMD_H

#include "mmadm/api.h"
#include "mmadm/cli.h"
#include "mmadm/out.h"

extern const struct mm_cmd_entry mm_system_cmds[];
extern const struct mm_cmd_entry mm_config_cmds[];
extern const struct mm_cmd_entry mm_file_cmds[];
extern const struct mm_cmd_entry mm_db_cmds[];
extern const struct mm_cmd_entry mm_remotecluster_cmds[];
extern const struct mm_cmd_entry mm_retention_cmds[];
extern const struct mm_cmd_entry mm_plugin_cmds[];
extern const struct mm_cmd_entry mm_auth_cmds[];
extern const struct mm_cmd_entry mm_completion_cmds[];
extern const struct mm_cmd_entry mm_shell_cmds[];
extern const struct mm_cmd_entry mm_upload_cmds[];
extern const struct mm_cmd_entry mm_brand_cmds[];
extern const struct mm_cmd_entry mm_saml_cmds[];
extern const struct mm_cmd_entry mm_license_cmds[];
extern const struct mm_cmd_entry mm_logs_cmds[];
extern const struct mm_cmd_entry mm_api_cmds[];
extern const struct mm_cmd_entry mm_events_cmds[];
extern const struct mm_family mm_families[];

/*
 * Downloads (defined in cmd/file.c): begin sets f up for dest (a file or
 * a directory; NULL or "-" = standard output, refused on a terminal when
 * binary) with a progress bar; end finishes the bar and prints where the
 * data went (nothing when it went to standard output).
 */
struct mm_fetch;
enum mm_result cmd_fetch_begin(struct mm_ctx *ctx, const char *dest, bool force,
			       bool binary, struct mm_fetch *f,
			       struct mm_error *err);
enum mm_result cmd_fetch_end(struct mm_ctx *ctx, const struct mm_fetch *f,
			     enum mm_result rc, struct mm_error *err);

/* True for -o json and -o yaml: the server's documents go out as sent. */
static inline bool
cmd_structured(const struct mm_ctx *ctx)
{
	return ctx->out.format == MM_FMT_JSON || ctx->out.format == MM_FMT_YAML;
}

/* One request that yields a document (or {"status":"OK"}). */
typedef enum mm_result (*cmd_get_fn)(struct mm_client *c, struct mm_json **out,
				     struct mm_error *err);

/* The result of an output call: a failed write is reported by the
 * dispatcher (out.write_failed), a closed pipe ends output quietly
 * (out.closed); anything else is out of memory. */
enum mm_result cmd_emitted(struct mm_ctx *ctx, bool ok, struct mm_error *err);

/* Print a server document: json/yaml unmodified, else with cols (NULL:
 * every field). */
enum mm_result cmd_show(struct mm_ctx *ctx, const struct mm_json *doc,
			const struct mm_column *cols, struct mm_error *err);

/* Get the client, run fn, show its document with cols. */
enum mm_result cmd_get_show(struct mm_ctx *ctx, cmd_get_fn fn,
			    const struct mm_column *cols, struct mm_error *err);

/* Get the client, run the action fn, print its status (cmd_print_status). */
enum mm_result cmd_action(struct mm_ctx *ctx, cmd_get_fn fn, const char *human,
			  struct mm_error *err);

/* The same for an action on one object: fn(c, id, ...), and the line
 * printed is human_fmt with id in it ("deleted policy %s"). */
typedef enum mm_result (*cmd_id_fn)(struct mm_client *c, const char *id,
				    struct mm_json **out, struct mm_error *err);
enum mm_result cmd_action_on(struct mm_ctx *ctx, cmd_id_fn fn, const char *id,
			     const char *human_fmt, struct mm_error *err)
	__attribute__((format(printf, 4, 0)));

/*
 * Print the answer of an action endpoint ({"status":"OK"}): the server's
 * document for json/yaml, `human` as one line for table/plain. In a dry
 * run (doc NULL) prints nothing more.
 */
enum mm_result cmd_print_status(struct mm_ctx *ctx, const struct mm_json *doc,
				const char *human, struct mm_error *err);

/*
 * Paged listing: fill the page request from --page/--per-page/--all
 * (warning when --per-page exceeds the server's maximum), then stream the
 * rows of every page to the output with cols, flushing after each page so
 * the first rows appear before the next page is fetched.
 */
void cmd_paging(struct mm_ctx *ctx, const struct mm_args *args,
		struct mm_page_req *req);
enum mm_result cmd_list(struct mm_ctx *ctx, struct mm_client *c,
			const struct mm_page_req *req,
			const struct mm_column *cols, struct mm_error *err);
/* cmd_list, with each item turned into the row shown for table/plain by
 * row, in place (the page's item is not used again; false = out of
 * memory). json/yaml get the server's items as they are. */
typedef bool (*cmd_row_fn)(void *ud, struct mm_json *item);
enum mm_result cmd_list_rows(struct mm_ctx *ctx, struct mm_client *c,
			     const struct mm_page_req *req,
			     const struct mm_column *cols, cmd_row_fn row,
			     void *row_ud, struct mm_error *err);

/* Read a JSON or YAML document from a file or "-" (usage errors name the
 * line and column). */
enum mm_result cmd_read_doc(const char *path, struct mm_json **out,
			    struct mm_error *err);

#endif
