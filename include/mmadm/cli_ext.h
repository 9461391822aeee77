/*
 * Beyond one command against one server (issue 8): fleet mode (--profiles,
 * --all-profiles, --profiles-matching), --jq, --watch and --curl, wrapped
 * around any command by the dispatcher, and the output helpers the api
 * and events commands share. Lives in src/cli: writes only to the streams
 * of the context, never exits.
 */
#ifndef MMADM_CLI_EXT_H
#define MMADM_CLI_EXT_H

#include "api.h"
#include "buf.h"
#include "cli.h"
#include "conf.h"
#include "http.h"
#include "out.h"

#include <stdbool.h>
#include <stdio.h>

/* ---- the dispatcher's side (src/cli/dispatch.c) ---- */

/* Resolve the target (CMD_NEEDS_SERVER), confirm (CMD_DESTRUCTIVE), run
 * exec: what mm_cli_run does for one command on one server. */
enum mm_result mm_cli_exec_one(struct mm_ctx *ctx, const struct mm_family *fam,
			       const struct mm_cmd_entry *cmd,
			       const struct mm_args *args,
			       struct mm_error *err);
/* The checks a resolved target must pass for cmd: local-only, remote-only,
 * a token unless local. */
enum mm_result mm_cli_check_target(struct mm_ctx *ctx,
				   const struct mm_family *fam,
				   const struct mm_cmd_entry *cmd,
				   struct mm_error *err);
/* The transport settings mm_ctx_client uses, for connections made apart
 * from the client (the WebSocket of `events`). Pointers are borrowed from
 * ctx; the target must be resolved. */
void mm_ctx_http_config(struct mm_ctx *ctx, struct mm_http_config *cfg);

/* ---- wrapping a command (src/cli/ext.c) ---- */

/* True when the options ask for fleet mode, --jq, --watch or --curl. */
bool mm_ext_wanted(const struct mm_args *args);
/* Check the combination (every usage error before any request) and run
 * the command under what was asked. */
enum mm_result mm_ext_run(struct mm_ctx *ctx, const struct mm_family *fam,
			  const struct mm_cmd_entry *cmd,
			  const struct mm_args *args, struct mm_error *err);
/* For commands whose writing depends on their arguments (`api` with a
 * method other than GET/HEAD): MM_ERR_USAGE when the invocation may not
 * write (fleet mode without --yes-all-servers, --watch). */
enum mm_result mm_ext_may_write(struct mm_ctx *ctx, const char *what,
				struct mm_error *err);

/* ---- fleet mode (src/cli/fleet.c) ---- */

/*
 * The profiles a fleet run targets, in order: the comma-separated list
 * (each must exist, no duplicates), every profile, or those whose name
 * matches the glob (fnmatch). Exactly one selector is given. An empty
 * selection is MM_ERR_CONFIG.
 */
enum mm_result mm_fleet_select(const struct mm_profiles *set, const char *list,
			       bool all, const char *glob,
			       struct mm_strv *names, struct mm_error *err);

struct mm_jq;
/*
 * Run cmd once per profile in names, at most parallel at a time, all
 * transfers through one libcurl multi loop. Output: json/yaml = one
 * object keyed by profile (the result, or {"error": {...}}); table/plain
 * = the command's rows with a leading SERVER column; jq (if not NULL)
 * filters the JSON object. Each failure is reported on stderr under the
 * profile's name, then "N of M servers failed". Returns MM_OK only when
 * every server succeeded, else the first failure in profile order (err
 * holds it, already reported).
 */
enum mm_result mm_fleet_run(struct mm_ctx *ctx, const struct mm_family *fam,
			    const struct mm_cmd_entry *cmd,
			    const struct mm_args *args,
			    const struct mm_strv *names, int parallel,
			    struct mm_jq *jq, struct mm_error *err);

/* Rows collected from commands (the out row sink), grouped into tables by
 * their headers; NULL headers = one-value lines. */
struct mm_rowset {
	struct mm_rowtab *tabs;
	size_t n;
};
struct mm_rowtab {
	struct mm_strv heads; /* empty for one-value lines */
	size_t ncols;
	struct mm_strv cells; /* row-major, ncols + 1 a row: server first */
};
bool mm_rowset_add(struct mm_rowset *rs, const char *server,
		   const char *const *heads, const char *const *cells,
		   size_t ncols);
void mm_rowset_release(struct mm_rowset *rs);
/* Print each table with a leading SERVER column (RESULT for one-value
 * lines). */
bool mm_rowset_print(const struct mm_rowset *rs, struct mm_out *o);

/* ---- --jq (src/cli/jq.c, libjq) ---- */

/* Compile; a bad expression is MM_ERR_USAGE naming jq's complaint. */
enum mm_result mm_jq_compile(const char *expr, struct mm_jq **out,
			     struct mm_error *err);
void mm_jq_free(struct mm_jq *jq);
/*
 * Filter every JSON value in text (a stream of values) and print each
 * result on its own line to o: strings raw (like gh), anything else as
 * compact JSON. Not JSON is MM_ERR_USAGE; a jq runtime error MM_ERR_OTHER.
 */
enum mm_result mm_jq_filter_text(struct mm_jq *jq, const char *text, size_t len,
				 struct mm_out *o, struct mm_error *err);
/*
 * Streaming: a FILE that a command writes JSON to; each value is filtered
 * and printed to o as soon as it is complete. Close with mm_jq_stream_end
 * (which reports what went wrong, if anything).
 */
struct mm_jq_stream;
enum mm_result mm_jq_stream_begin(struct mm_jq *jq, struct mm_out *o,
				  struct mm_jq_stream **out, FILE **capture,
				  struct mm_error *err);
enum mm_result mm_jq_stream_end(struct mm_jq_stream *s, struct mm_error *err);

/* A stream of JSON values as one JSON text: nothing -> null, one value ->
 * itself, several -> an array of them. false when text is not JSON. */
bool mm_json_collect(const char *text, size_t len, struct mm_buf *out);

/* One compact JSON document on its own line (JSON lines), safe for a
 * terminal (C1 controls and invalid UTF-8 escaped). */
bool mm_cli_json_line(struct mm_out *o, const struct mm_json *doc);
/* Bytes as they are (escaped when the output is a terminal). */
bool mm_cli_write_raw(struct mm_out *o, const char *data, size_t len);

/* ---- --curl (src/cli/curlcmd.c) ---- */

struct mm_curl_target {
	const char *url;    /* site URL, NULL in local mode */
	const char *socket; /* local mode: the unix socket */
	bool token;         /* an Authorization header is sent */
	bool insecure;
	const char *cacert;
	long timeout_s;
	const char *user_agent;
};
/* Append the curl command line for req (shell-quoted, token as
 * "$MMADM_TOKEN", secret headers as variables, secret JSON fields as the
 * placeholder), ending with a newline. */
bool mm_curl_command(const struct mm_curl_target *t,
		     const struct mm_http_req *req, struct mm_buf *out);
/* Single-quote s for a POSIX shell. */
bool mm_shell_quote(const char *s, struct mm_buf *out);

/* The --curl state of a run (ctx->curl). */
struct mm_curl_show;
struct mm_curl_show *mm_curl_show_new(FILE *dest, bool send_reads);
void mm_curl_show_free(struct mm_curl_show *s);
/* A GET was not sent: the command stopped there on purpose. */
bool mm_curl_show_stopped(const struct mm_curl_show *s);
bool mm_curl_show_failed(const struct mm_curl_show *s);
/* Route a fresh client of ctx through the printer (mm_ctx_client). */
void mm_curl_attach(struct mm_ctx *ctx, struct mm_client *c);

/* ---- --watch (src/cli/watch.c) ---- */

typedef enum mm_result (*mm_watch_once_fn)(void *ud, struct mm_error *err);
/*
 * Run once_fn every interval_s seconds until count runs (0 = no limit) or
 * Ctrl-C. On a terminal each run redraws the screen under a header line;
 * otherwise output is appended. A failed run is reported and the watch
 * goes on. Returns the result of the last completed run.
 */
enum mm_result mm_watch_run(struct mm_ctx *ctx, const char *title,
			    long interval_s, long count, mm_watch_once_fn once,
			    void *ud, struct mm_error *err);

#endif
