/* system: server health and system operations. */
#include "cmd.h"
#include "mmadm/api_system.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SYS_AUTH (CMD_NEEDS_SERVER | CMD_NEEDS_AUTH)
#define SYS_REMOTE (SYS_AUTH | CMD_NO_LOCAL)

/* ------------------------------------------------------------------ */
/* ai-bridge, ai-bridge-delete, ai-bridge-set                           */

static const char *const ai_bridge_aliases[] = {"e2e-ai-bridge", NULL};
static const char *const ai_bridge_examples[] = {
	"mmadm system ai-bridge",
	"mmadm system ai-bridge -o json",
	NULL,
};
static const char *const ai_bridge_endpoints[] = {
	"GET /api/v4/system/e2e/ai_bridge",
	NULL,
};

static enum mm_result
ai_bridge_exec(struct mm_ctx *ctx, const struct mm_args *args,
	       struct mm_error *err)
{
	(void)args;
	return cmd_get_show(ctx, mm_api_system_ai_bridge_get, NULL, err);
}

static const char *const ai_bridge_delete_aliases[] = {"e2e-ai-bridge-delete",
						       "ai-bridge-reset", NULL};
static const char *const ai_bridge_delete_examples[] = {
	"mmadm system ai-bridge-delete --yes",
	NULL,
};
static const char *const ai_bridge_delete_endpoints[] = {
	"DELETE /api/v4/system/e2e/ai_bridge",
	NULL,
};

static enum mm_result
ai_bridge_delete_exec(struct mm_ctx *ctx, const struct mm_args *args,
		      struct mm_error *err)
{
	(void)args;
	return cmd_action(ctx, mm_api_system_ai_bridge_delete,
			  "AI bridge test helper reset", err);
}

static const struct mm_arg doc_file_args[] = {
	MM_ARG("FILE|-", "JSON or YAML document, - for standard input",
	       MM_ARG_IS_FILE),
	MM_ARG_END(),
};
static const char *const ai_bridge_set_aliases[] = {"e2e-ai-bridge-set", NULL};
static const char *const ai_bridge_set_examples[] = {
	"mmadm system ai-bridge-set bridge.yaml",
	"echo '{\"status\":{\"available\":true}}' | mmadm system ai-bridge-set "
	"-",
	NULL,
};
static const char *const ai_bridge_set_endpoints[] = {
	"PUT /api/v4/system/e2e/ai_bridge",
	NULL,
};

static enum mm_result
ai_bridge_set_exec(struct mm_ctx *ctx, const struct mm_args *args,
		   struct mm_error *err)
{
	struct mm_client *c;
	struct mm_json *cfg = NULL, *doc = NULL;
	enum mm_result rc = cmd_read_doc(mm_args_pos(args, 0), &cfg, err);

	if (rc == MM_OK && mm_json_type(cfg) != MM_JSON_OBJECT)
		rc = mm_error_set(err, MM_ERR_USAGE,
				  "%s must hold an object (the helper "
				  "configuration)",
				  mm_args_pos(args, 0));
	if (rc == MM_OK)
		rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_system_ai_bridge_set(c, cfg, &doc, err);
	if (rc == MM_OK && doc != NULL)
		rc = cmd_show(ctx, doc, NULL, err);
	mm_json_free(cfg);
	mm_json_free(doc);
	return rc;
}

/* ------------------------------------------------------------------ */
/* analytics                                                            */

static const char *const analytics_names[] = {
	"standard",        "bot_post_counts_day",
	"post_counts_day", "user_counts_with_posts_day",
	"extra_counts",    NULL,
};
static const struct mm_opt analytics_opts[] = {
	MM_OPT_CHOICE(0, "name", "NAME",
		      "which numbers: standard (default), bot_post_counts_day, "
		      "post_counts_day, user_counts_with_posts_day or "
		      "extra_counts",
		      analytics_names),
	MM_OPT_STRING(0, "team", "TEAM_ID", "only this team's numbers"),
	MM_OPT_END(),
};
static const char *const analytics_examples[] = {
	"mmadm system analytics",
	"mmadm system analytics --name post_counts_day --team "
	"teammain00000000000000000a",
	NULL,
};
static const char *const analytics_endpoints[] = {
	"GET /api/v4/analytics/old",
	NULL,
};
static const struct mm_column name_value_cols[] = {
	{"NAME", "name"},
	{"VALUE", "value"},
	MM_COLUMN_END,
};

static enum mm_result
analytics_exec(struct mm_ctx *ctx, const struct mm_args *args,
	       struct mm_error *err)
{
	struct mm_client *c;
	struct mm_json *doc = NULL;
	enum mm_result rc = mm_ctx_client(ctx, &c, err);

	if (rc == MM_OK)
		rc = mm_api_system_analytics(c, mm_args_get(args, "name"),
					     mm_args_get(args, "team"), &doc,
					     err);
	if (rc == MM_OK)
		rc = cmd_show(ctx, doc, name_value_cols, err);
	mm_json_free(doc);
	return rc;
}

/* ------------------------------------------------------------------ */
/* audits                                                               */

static const char *const audits_examples[] = {
	"mmadm system audits",
	"mmadm system audits --all -o json > audits.json",
	"mmadm system audits --per-page 20 --page 2",
	NULL,
};
static const char *const audits_endpoints[] = {
	"GET /api/v4/audits",
	NULL,
};
static const struct mm_column audits_cols[] = {
	{"TIME", "time"},     {"USER", "user_id"},     {"ACTION", "action"},
	{"IP", "ip_address"}, {"EXTRA", "extra_info"}, MM_COLUMN_END,
};

/* Table and plain rows get a readable "time" next to create_at; json
 * and yaml rows stay the server's objects. */
static bool
audit_row(void *ud, struct mm_json *item)
{
	const struct mm_json *at = mm_json_get(item, "create_at");
	char when[64];

	(void)ud;
	if (mm_json_type(at) != MM_JSON_NUMBER ||
	    !mm_api_time_text((long long)mm_json_number(at), when,
			      sizeof(when)))
		return true;
	return mm_json_set_string(item, "time", when);
}

static enum mm_result
audits_exec(struct mm_ctx *ctx, const struct mm_args *args,
	    struct mm_error *err)
{
	struct mm_client *c;
	struct mm_page_req req;
	enum mm_result rc;

	memset(&req, 0, sizeof(req));
	mm_api_system_audits_req(&req);
	cmd_paging(ctx, args, &req);
	rc = mm_ctx_client(ctx, &c, err);
	if (rc != MM_OK)
		return rc;
	return cmd_list_rows(ctx, c, &req, audits_cols, audit_row, NULL, err);
}

/* ------------------------------------------------------------------ */
/* caches-invalidate                                                    */

static const char *const caches_aliases[] = {"invalidate-caches", NULL};
static const char *const caches_examples[] = {
	"mmadm system caches-invalidate",
	NULL,
};
static const char *const caches_endpoints[] = {
	"POST /api/v4/caches/invalidate",
	NULL,
};

static enum mm_result
caches_exec(struct mm_ctx *ctx, const struct mm_args *args,
	    struct mm_error *err)
{
	(void)args;
	return cmd_action(ctx, mm_api_system_caches_invalidate,
			  "all server caches invalidated", err);
}

/* ------------------------------------------------------------------ */
/* email-test, notification-test, site-url-test                         */

static const struct mm_arg email_test_args[] = {
	MM_ARG("CONFIG|-",
	       "configuration (JSON/YAML) whose EmailSettings are tested; "
	       "default: the server's own",
	       MM_ARG_OPTIONAL | MM_ARG_IS_FILE),
	MM_ARG_END(),
};
static const char *const email_test_examples[] = {
	"mmadm system email-test",
	"mmadm config get -o json > cfg.json && mmadm system email-test "
	"cfg.json",
	NULL,
};
static const char *const email_test_endpoints[] = {
	"POST /api/v4/email/test",
	NULL,
};

static enum mm_result
email_test_exec(struct mm_ctx *ctx, const struct mm_args *args,
		struct mm_error *err)
{
	struct mm_client *c;
	struct mm_json *cfg = NULL, *doc = NULL;
	const char *file = mm_args_pos(args, 0);
	enum mm_result rc = MM_OK;

	if (file != NULL)
		rc = cmd_read_doc(file, &cfg, err);
	if (rc == MM_OK && cfg != NULL &&
	    mm_json_type(mm_json_get(cfg, "EmailSettings")) != MM_JSON_OBJECT)
		rc = mm_error_set(err, MM_ERR_USAGE,
				  "%s has no EmailSettings section (give a "
				  "whole configuration, as 'mmadm config get "
				  "-o json' prints it)",
				  file);
	if (rc == MM_OK)
		rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_system_email_test(c, cfg, &doc, err);
	if (rc == MM_OK)
		rc = cmd_print_status(ctx, doc,
				      "test email sent to your address", err);
	mm_json_free(cfg);
	mm_json_free(doc);
	return rc;
}

static const char *const notification_test_examples[] = {
	"mmadm system notification-test",
	NULL,
};
static const char *const notification_test_endpoints[] = {
	"POST /api/v4/notifications/test",
	NULL,
};

static enum mm_result
notification_test_exec(struct mm_ctx *ctx, const struct mm_args *args,
		       struct mm_error *err)
{
	(void)args;
	return cmd_action(ctx, mm_api_system_notification_test,
			  "test notification sent to you", err);
}

static const struct mm_arg url_args[] = {
	MM_ARG("URL", "an absolute http(s) URL", 0),
	MM_ARG_END(),
};
static const char *const site_url_test_examples[] = {
	"mmadm system site-url-test https://chat.example.com",
	NULL,
};
static const char *const site_url_test_endpoints[] = {
	"POST /api/v4/site_url/test",
	NULL,
};

static enum mm_result
site_url_test_exec(struct mm_ctx *ctx, const struct mm_args *args,
		   struct mm_error *err)
{
	struct mm_client *c;
	struct mm_json *doc = NULL;
	enum mm_result rc = mm_ctx_client(ctx, &c, err);

	if (rc == MM_OK)
		rc = mm_api_system_site_url_test(c, mm_args_pos(args, 0), &doc,
						 err);
	if (rc == MM_OK)
		rc = cmd_print_status(
			ctx, doc, "the server reached itself at that URL", err);
	mm_json_free(doc);
	return rc;
}

/* ------------------------------------------------------------------ */
/* image, support-packet: downloads                                     */

/* Where a download goes: "-" (stdout), an existing directory, or a
 * file. */
static enum mm_result
save_target(struct mm_ctx *ctx, const struct mm_args *args, struct mm_save *s,
	    struct mm_error *err)
{
	const char *file = mm_args_get(args, "output-file");
	struct stat st;

	s->overwrite = mm_args_bool(args, "force", false);
	if (file != NULL && strcmp(file, "-") == 0) {
		if (ctx->out.out_tty)
			return mm_error_set(err, MM_ERR_USAGE,
					    "refusing to write binary data to "
					    "a terminal: redirect it, or give "
					    "--output-file FILE");
		s->stream = ctx->out.out;
		return MM_OK;
	}
	if (file != NULL && stat(file, &st) == 0 && S_ISDIR(st.st_mode))
		s->dir = file;
	else
		s->dest = file;
	s->progress = mm_cli_progress;
	s->progress_ud = ctx;
	return MM_OK;
}

/* After a download to a file: where it went. */
static enum mm_result
print_saved(struct mm_ctx *ctx, const char *what, const struct mm_save *s,
	    struct mm_error *err)
{
	struct mm_json *doc;
	char line[4200];
	enum mm_result rc;

	if (s->stream != NULL)
		return MM_OK;
	if (ctx->out.format == MM_FMT_PLAIN)
		return cmd_emitted(ctx, mm_out_line(&ctx->out, s->path), err);
	if (ctx->out.format == MM_FMT_TABLE) {
		int n = snprintf(line, sizeof(line),
				 "%s saved to %s (%llu bytes)", what, s->path,
				 (unsigned long long)s->bytes);

		if (n < 0 || (size_t)n >= sizeof(line))
			return cmd_emitted(ctx, mm_out_line(&ctx->out, s->path),
					   err);
		return cmd_emitted(ctx, mm_out_line(&ctx->out, line), err);
	}
	doc = mm_json_new_object();
	if (doc == NULL || !mm_json_set_string(doc, "file", s->path) ||
	    !mm_api_json_set_number(doc, "bytes", (double)s->bytes) ||
	    !mm_json_set_string(doc, "content_type", s->content_type)) {
		mm_json_free(doc);
		return mm_error_oom(err);
	}
	rc = cmd_show(ctx, doc, NULL, err);
	mm_json_free(doc);
	return rc;
}

static const struct mm_opt image_opts[] = {
	MM_OPT_FILE(0, "output-file", "FILE|DIR|-",
		    "where to write the image (default: its name from the "
		    "URL, in the current directory; - = standard output)",
		    MM_OPT_STDIN),
	MM_OPT_BOOL(0, "force", "replace an existing file"),
	MM_OPT_END(),
};
static const char *const image_examples[] = {
	"mmadm system image https://images.example.com/logo.png",
	"mmadm system image https://images.example.com/a.png --output-file "
	"- > a.png",
	NULL,
};
static const char *const image_endpoints[] = {
	"GET /api/v4/image",
	NULL,
};

static enum mm_result
image_exec(struct mm_ctx *ctx, const struct mm_args *args, struct mm_error *err)
{
	struct mm_client *c;
	struct mm_save s;
	const char *url = mm_args_pos(args, 0);
	char name[256];
	enum mm_result rc;

	memset(&s, 0, sizeof(s));
	s.fallback =
		mm_api_url_basename(url, name, sizeof(name)) ? name : "image";
	rc = save_target(ctx, args, &s, err);
	if (rc == MM_OK)
		rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_system_image(c, url, &s, err);
	mm_cli_progress_done(ctx);
	if (rc != MM_OK && s.status >= 300 && s.status < 400) {
		long status = s.status;

		rc = mm_error_set(err, MM_ERR_REJECTED,
				  "the server does not proxy this URL: it "
				  "redirects to '%s' (an image on its own "
				  "host, or image proxying is off); fetch it "
				  "from there",
				  s.location);
		err->http_status = status;
	}
	if (rc == MM_OK)
		rc = print_saved(ctx, "image", &s, err);
	return rc;
}

static const struct mm_opt support_packet_opts[] = {
	MM_OPT_FILE(0, "output-file", "FILE|DIR|-",
		    "where to write the zip (default: the name the server "
		    "gives, in the current directory; - = standard output)",
		    MM_OPT_STDIN),
	MM_OPT_BOOL(0, "force", "replace an existing file"),
	MM_OPT_BOOL(0, "no-logs", "leave the server's log files out"),
	MM_OPT_LIST(0, "plugin", "PLUGIN_ID", "add this plugin's diagnostics"),
	MM_OPT_END(),
};
static const char *const support_packet_aliases[] = {"supportpacket", NULL};
static const char *const support_packet_examples[] = {
	"mmadm system support-packet",
	"mmadm system support-packet --no-logs --plugin com.mattermost.calls",
	"mmadm system support-packet --output-file /tmp/packet.zip",
	NULL,
};
static const char *const support_packet_endpoints[] = {
	"GET /api/v4/system/support_packet",
	NULL,
};

static enum mm_result
support_packet_exec(struct mm_ctx *ctx, const struct mm_args *args,
		    struct mm_error *err)
{
	struct mm_client *c;
	struct mm_save s;
	struct mm_support_packet_req req;
	const struct mm_strv *plugins = mm_args_list(args, "plugin");
	enum mm_result rc;

	memset(&s, 0, sizeof(s));
	memset(&req, 0, sizeof(req));
	req.no_logs = mm_args_bool(args, "no-logs", false);
	if (plugins != NULL) {
		req.plugins = (const char *const *)plugins->v;
		req.nplugins = plugins->n;
	}
	rc = save_target(ctx, args, &s, err);
	if (rc == MM_OK)
		rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_system_support_packet(c, &req, &s, err);
	mm_cli_progress_done(ctx);
	if (rc == MM_ERR_UNAVAILABLE)
		mm_error_prefix(err, "support packets need a licensed server");
	if (rc == MM_OK)
		rc = print_saved(ctx, "support packet", &s, err);
	return rc;
}

/* ------------------------------------------------------------------ */
/* integrity                                                            */

static const struct mm_opt integrity_opts[] = {
	MM_OPT_BOOL(0, "records",
		    "list every orphaned record instead of the summary"),
	MM_OPT_END(),
};
static const char *const integrity_examples[] = {
	"mmadm --local system integrity",
	"mmadm --local system integrity --records -o plain",
	NULL,
};
static const char *const integrity_endpoints[] = {
	"POST /api/v4/integrity",
	NULL,
};

/* Text of a check's err: a string as is, anything else as JSON. */
static bool
err_text(const struct mm_json *e, struct mm_buf *b)
{
	if (mm_json_string(e) != NULL)
		return mm_buf_puts(b, mm_json_string(e));
	return mm_json_print(e, false, b);
}

static enum mm_result
integrity_rows(struct mm_ctx *ctx, const struct mm_json *doc, bool records,
	       struct mm_error *err)
{
	static const char *const sum_head[] = {"PARENT", "CHILD", "ORPHANS",
					       "RESULT"};
	static const char *const rec_head[] = {"PARENT", "CHILD", "PARENT_ID",
					       "CHILD_ID"};
	size_t rows = 0, ncols = 4;
	struct mm_strv cells = MM_STRV_INIT;
	enum mm_result rc = MM_OK;
	bool ok = true;

	for (const struct mm_json *chk = mm_json_first(doc); ok && chk != NULL;
	     chk = mm_json_next(chk)) {
		const struct mm_json *data = mm_json_get(chk, "data");
		const struct mm_json *recs = mm_json_get(data, "records");
		const struct mm_json *e = mm_json_get(chk, "err");
		const char *parent = mm_json_string(
				   mm_json_get(data, "parent_name")),
			   *child = mm_json_string(
				   mm_json_get(data, "child_name"));
		struct mm_buf b = MM_BUF_INIT;

		parent = parent ? parent : "";
		child = child ? child : "";
		if (records) {
			for (const struct mm_json *rec = mm_json_first(recs);
			     ok && rec != NULL; rec = mm_json_next(rec)) {
				const char *pid = mm_json_string(mm_json_get(
						   rec, "parent_id")),
					   *cid = mm_json_string(mm_json_get(
						   rec, "child_id"));

				ok = mm_strv_push(&cells, parent) &&
				     mm_strv_push(&cells, child) &&
				     mm_strv_push(&cells, pid ? pid : "") &&
				     mm_strv_push(&cells, cid ? cid : "");
				rows++;
			}
			continue;
		}
		if (e != NULL && mm_json_type(e) != MM_JSON_NULL) {
			/* a Go error value often arrives as {} */
			ok = mm_buf_puts(&b, "failed");
			if (ok && (mm_json_type(e) != MM_JSON_OBJECT ||
				   mm_json_first(e) != NULL))
				ok = mm_buf_puts(&b, ": ") && err_text(e, &b);
		} else if (mm_json_first(recs) != NULL) {
			ok = mm_buf_puts(&b, "orphaned records");
		} else {
			ok = mm_buf_puts(&b, "ok");
		}
		{
			char count[32];

			ok = ok &&
			     snprintf(count, sizeof(count), "%zu",
				      mm_json_size(recs)) > 0 &&
			     mm_strv_push(&cells, parent) &&
			     mm_strv_push(&cells, child) &&
			     mm_strv_push(&cells, count) &&
			     mm_strv_push(&cells, mm_buf_str(&b));
		}
		mm_buf_release(&b);
		rows++;
	}
	if (!ok)
		rc = mm_error_oom(err);
	else
		rc = cmd_emitted(
			ctx,
			mm_out_rows(&ctx->out, records ? rec_head : sum_head,
				    ncols, (const char *const *)cells.v, rows),
			err);
	mm_strv_release(&cells);
	return rc;
}

static enum mm_result
integrity_exec(struct mm_ctx *ctx, const struct mm_args *args,
	       struct mm_error *err)
{
	struct mm_client *c;
	struct mm_json *doc = NULL;
	struct mm_integrity_summary sum;
	bool records = mm_args_bool(args, "records", false);
	enum mm_result rc = mm_ctx_client(ctx, &c, err);

	if (rc == MM_OK)
		rc = mm_api_system_integrity(c, &doc, err);
	if (rc != MM_OK || (doc == NULL && ctx->dry_run))
		goto out;
	if (!mm_api_system_integrity_summary(doc, &sum)) {
		rc = mm_error_set(err, MM_ERR_RESPONSE,
				  "the integrity answer is not a list of "
				  "checks");
		goto out;
	}
	if (cmd_structured(ctx) || ctx->out.columns != NULL)
		rc = cmd_show(ctx, doc, NULL, err);
	else
		rc = integrity_rows(ctx, doc, records, err);
	if (rc != MM_OK)
		goto out;
	if (sum.failed > 0)
		rc = mm_error_set(err, MM_ERR_SERVER,
				  "%zu of %zu integrity checks failed",
				  sum.failed, sum.checks);
	else if (sum.orphans > 0 && !records)
		mm_warn(&ctx->out,
			"%zu orphaned records found (--records lists them)",
			sum.orphans);
out:
	mm_json_free(doc);
	return rc;
}

/* ------------------------------------------------------------------ */
/* latest-version                                                       */

static const char *const latest_version_examples[] = {
	"mmadm system latest-version",
	NULL,
};
static const char *const latest_version_endpoints[] = {
	"GET /api/v4/latest_version",
	NULL,
};
static const struct mm_column latest_version_cols[] = {
	{"TAG", "tag_name"}, {"NAME", "name"}, {"PUBLISHED", "published_at"},
	{"URL", "html_url"}, MM_COLUMN_END,
};

static enum mm_result
latest_version_exec(struct mm_ctx *ctx, const struct mm_args *args,
		    struct mm_error *err)
{
	(void)args;
	return cmd_get_show(ctx, mm_api_system_latest_version,
			    latest_version_cols, err);
}

/* ------------------------------------------------------------------ */
/* manual-test                                                          */

static const struct mm_opt manual_test_opts[] = {
	MM_OPT_STRINGF(0, "test", "NAME", "the test to set up (autolink ...)",
		       MM_OPT_REQUIRED),
	MM_OPT_STRING(0, "uid", "TEXT", "seed for the generated names"),
	MM_OPT_STRING(0, "username", "NAME",
		      "create a user with this nickname (with --teamname)"),
	MM_OPT_STRING(0, "teamname", "NAME",
		      "create a team with this display name (with "
		      "--username)"),
	MM_OPT_END(),
};
static const char *const manual_test_examples[] = {
	"mmadm system manual-test --test autolink --username tester "
	"--teamname Test",
	NULL,
};
static const char *const manual_test_endpoints[] = {
	"GET /manualtest",
	NULL,
};

static enum mm_result
manual_test_exec(struct mm_ctx *ctx, const struct mm_args *args,
		 struct mm_error *err)
{
	struct mm_client *c;
	struct mm_manual_test_req req;
	struct mm_manual_test_result res;
	struct mm_json *doc = NULL;
	enum mm_result rc;

	memset(&req, 0, sizeof(req));
	req.test = mm_args_get(args, "test");
	req.uid = mm_args_get(args, "uid");
	req.username = mm_args_get(args, "username");
	req.teamname = mm_args_get(args, "teamname");
	rc = mm_ctx_client(ctx, &c, err);
	if (rc != MM_OK)
		return rc;
	rc = mm_api_system_manual_test(c, &req, &res, err);
	if (rc != MM_OK || res.status == 0)
		return rc;
	if (res.location[0] == '\0')
		mm_note(&ctx->out, "the test ran without a redirect (HTTP %ld)",
			res.status);
	if (cmd_structured(ctx)) {
		doc = mm_json_new_object();
		if (doc == NULL ||
		    !mm_api_json_set_number(doc, "status",
					    (double)res.status) ||
		    !mm_json_set_string(doc, "location", res.location)) {
			mm_json_free(doc);
			return mm_error_oom(err);
		}
		rc = cmd_show(ctx, doc, NULL, err);
		mm_json_free(doc);
		return rc;
	}
	if (res.location[0] != '\0')
		return cmd_emitted(ctx, mm_out_line(&ctx->out, res.location),
				   err);
	return MM_OK;
}

/* ------------------------------------------------------------------ */
/* notices, notices-view                                                */

static const char *const notice_clients[] = {"web", "desktop", "mobile-ios",
					     "mobile-android", NULL};
static const struct mm_opt notices_opts[] = {
	MM_OPT_CHOICE(0, "client", "CLIENT",
		      "client type: web (default), desktop, mobile-ios or "
		      "mobile-android",
		      notice_clients),
	MM_OPT_STRINGF(0, "client-version", "VERSION",
		       "version of that client (notices target versions)",
		       MM_OPT_REQUIRED),
	MM_OPT_STRING(0, "locale", "LOCALE", "language of the notices (en)"),
	MM_OPT_END(),
};
static const struct mm_arg team_args[] = {
	MM_ARG("TEAM_ID", "the team the notices are for", 0),
	MM_ARG_END(),
};
static const char *const notices_examples[] = {
	"mmadm system notices teammain00000000000000000a --client-version "
	"11.1.0",
	"mmadm system notices teammain00000000000000000a --client desktop "
	"--client-version 5.9.0 -o json",
	NULL,
};
static const char *const notices_endpoints[] = {
	"GET /api/v4/system/notices/{team_id}",
	NULL,
};
static const struct mm_column notices_cols[] = {
	{"ID", "id"},
	{"TITLE", "title"},
	{"SYSADMIN_ONLY", "sysAdminOnly"},
	{"TEAMADMIN_ONLY", "teamAdminOnly"},
	MM_COLUMN_END,
};

static enum mm_result
notices_exec(struct mm_ctx *ctx, const struct mm_args *args,
	     struct mm_error *err)
{
	struct mm_client *c;
	struct mm_json *doc = NULL;
	struct mm_system_notices_req req;
	enum mm_result rc;

	memset(&req, 0, sizeof(req));
	req.team_id = mm_args_pos(args, 0);
	req.client = mm_args_get(args, "client");
	if (req.client == NULL)
		req.client = "web";
	req.client_version = mm_args_get(args, "client-version");
	req.locale = mm_args_get(args, "locale");
	rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_system_notices(c, &req, &doc, err);
	if (rc == MM_OK)
		rc = cmd_show(ctx, doc, notices_cols, err);
	mm_json_free(doc);
	return rc;
}

static const struct mm_arg notice_ids_args[] = {
	MM_ARG("NOTICE_ID", "notices to mark as viewed", MM_ARG_VARIADIC),
	MM_ARG_END(),
};
static const char *const notices_view_aliases[] = {"notices-viewed", NULL};
static const char *const notices_view_examples[] = {
	"mmadm system notices-view crt_admin_default_off",
	NULL,
};
static const char *const notices_view_endpoints[] = {
	"PUT /api/v4/system/notices/view",
	NULL,
};

static enum mm_result
notices_view_exec(struct mm_ctx *ctx, const struct mm_args *args,
		  struct mm_error *err)
{
	struct mm_client *c;
	struct mm_json *doc = NULL;
	size_t n = mm_args_npos(args);
	const char **ids = calloc(n + 1, sizeof(*ids));
	enum mm_result rc;

	if (ids == NULL)
		return mm_error_oom(err);
	for (size_t i = 0; i < n; i++)
		ids[i] = mm_args_pos(args, i);
	rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_system_notices_view(c, ids, n, &doc, err);
	if (rc == MM_OK)
		rc = cmd_print_status(ctx, doc,
				      n == 1 ? "1 notice marked as viewed"
					     : "notices marked as viewed",
				      err);
	free(ids);
	mm_json_free(doc);
	return rc;
}

/* ------------------------------------------------------------------ */
/* onboarding, onboarding-complete                                      */

static const char *const onboarding_examples[] = {
	"mmadm system onboarding",
	NULL,
};
static const char *const onboarding_endpoints[] = {
	"GET /api/v4/system/onboarding/complete",
	NULL,
};

static enum mm_result
onboarding_exec(struct mm_ctx *ctx, const struct mm_args *args,
		struct mm_error *err)
{
	(void)args;
	return cmd_get_show(ctx, mm_api_system_onboarding, name_value_cols,
			    err);
}

static const struct mm_opt onboarding_complete_opts[] = {
	MM_OPT_STRING(0, "organization", "NAME", "the organization's name"),
	MM_OPT_LIST(0, "install-plugin", "PLUGIN_ID",
		    "install this Marketplace plugin"),
	MM_OPT_END(),
};
static const char *const onboarding_complete_examples[] = {
	"mmadm system onboarding-complete --organization 'Acme Inc'",
	"mmadm system onboarding-complete --install-plugin "
	"com.github.manland.mattermost-plugin-gitlab",
	NULL,
};
static const char *const onboarding_complete_endpoints[] = {
	"POST /api/v4/system/onboarding/complete",
	NULL,
};

static enum mm_result
onboarding_complete_exec(struct mm_ctx *ctx, const struct mm_args *args,
			 struct mm_error *err)
{
	struct mm_client *c;
	struct mm_json *doc = NULL;
	const struct mm_strv *plugins = mm_args_list(args, "install-plugin");
	enum mm_result rc = mm_ctx_client(ctx, &c, err);

	if (rc == MM_OK)
		rc = mm_api_system_onboarding_complete(
			c, mm_args_get(args, "organization"),
			plugins ? (const char *const *)plugins->v : NULL,
			plugins ? plugins->n : 0, &doc, err);
	if (rc == MM_OK)
		rc = cmd_print_status(ctx, doc, "onboarding marked complete",
				      err);
	mm_json_free(doc);
	return rc;
}

/* ------------------------------------------------------------------ */
/* ping                                                                 */

static const struct mm_opt system_ping_opts[] = {
	MM_OPT_BOOL(0, "full",
		    "also test the database and file store and show every "
		    "health field"),
	MM_OPT_INT(0, "wait", "SECONDS",
		   "poll until the server is healthy, for at most SECONDS", 1,
		   86400),
	MM_OPT_INT(0, "interval", "SECONDS",
		   "pause between polls with --wait (default 2)", 1, 300),
	MM_OPT_STRING(0, "device-id", "ID",
		      "ask whether this mobile device can receive push "
		      "notifications"),
	MM_OPT_END(),
};

static const char *const system_ping_examples[] = {
	"mmadm system ping",
	"mmadm system ping --full -o json",
	"mmadm system ping --wait 120",
	NULL,
};

static const char *const system_ping_endpoints[] = {
	"GET /api/v4/system/ping",
	NULL,
};

static void
ping_polled(void *ud, unsigned attempt, const struct mm_error *why)
{
	struct mm_ctx *ctx = ud;

	if (attempt == 1)
		mm_note(&ctx->out, "not healthy yet (%s): waiting",
			why ? why->message : "the server reports UNHEALTHY");
}

static enum mm_result
system_ping_exec(struct mm_ctx *ctx, const struct mm_args *args,
		 struct mm_error *err)
{
	struct mm_client *c;
	struct mm_system_ping_req req = {
		.full = mm_args_bool(args, "full", false),
		.device_id = mm_args_get(args, "device-id"),
	};
	struct mm_ping_result res = {false, NULL};
	long wait = mm_args_int(args, "wait", 0);
	enum mm_result rc;

	if (mm_args_has(args, "interval") && wait == 0)
		return mm_error_set(err, MM_ERR_USAGE,
				    "--interval only applies with --wait");
	/* Each poll must end in time: bound the request unless --timeout
	 * says otherwise. */
	if (wait > 0 && ctx->timeout_s == 0)
		ctx->timeout_s = wait < 30 ? wait : 30;
	rc = mm_ctx_client(ctx, &c, err);
	if (rc != MM_OK)
		return rc;
	if (wait > 0) {
		struct mm_system_wait w;

		memset(&w, 0, sizeof(w));
		w.timeout_ms = wait * 1000;
		w.interval_ms = mm_args_int(args, "interval", 2) * 1000;
		w.cancel = &ctx->cancel;
		w.on_poll = ping_polled;
		w.poll_ud = ctx;
		rc = mm_api_system_ping_wait(c, &req, &w, &res, err);
		if (rc != MM_OK) {
			mm_json_free(res.doc);
			return rc;
		}
	} else {
		rc = mm_api_system_ping_with(c, &req, &res, err);
		if (rc != MM_OK)
			return rc;
	}
	if (req.full || req.device_id != NULL || cmd_structured(ctx))
		rc = cmd_show(ctx, res.doc, NULL, err);
	else
		rc = cmd_emitted(
			ctx,
			mm_out_line(&ctx->out, mm_json_string(mm_json_get(
						       res.doc, "status"))),
			err);
	if (rc == MM_OK && !res.healthy) {
		const char *db =
			mm_json_string(mm_json_get(res.doc, "database_status"));
		const char *fs = mm_json_string(
			mm_json_get(res.doc, "filestore_status"));

		mm_error_set(err, MM_ERR_SERVER,
			     "the server is unhealthy (status %s%s%s%s%s)",
			     mm_json_string(mm_json_get(res.doc, "status")),
			     db ? ", database " : "", db ? db : "",
			     fs ? ", file store " : "", fs ? fs : "");
		rc = MM_ERR_SERVER;
	}
	mm_json_free(res.doc);
	return rc;
}

/* ------------------------------------------------------------------ */
/* push-ack                                                             */

static const struct mm_opt push_ack_opts[] = {
	MM_OPT_STRINGF(0, "id", "ACK_ID", "the notification's ack id",
		       MM_OPT_REQUIRED),
	MM_OPT_STRING(0, "platform", "PLATFORM",
		      "the device platform (android, ios)"),
	MM_OPT_STRING(0, "type", "TYPE",
		      "notification type (message, clear, update_badge ...)"),
	MM_OPT_STRING(0, "post-id", "POST_ID", "the post notified about"),
	MM_OPT_INT(0, "received-at", "MS",
		   "when the device got it (milliseconds since the epoch)", 0,
		   9007199254740991L),
	MM_OPT_BOOL(0, "id-loaded",
		    "an id-only notification: the server answers with the "
		    "message (with --post-id and --type message)"),
	MM_OPT_END(),
};
static const char *const push_ack_examples[] = {
	"mmadm system push-ack --id 8s3jrmhsz3rkfqsqc4kn1g7nbe --platform "
	"android --type message",
	NULL,
};
static const char *const push_ack_endpoints[] = {
	"POST /api/v4/notifications/ack",
	NULL,
};

static enum mm_result
push_ack_exec(struct mm_ctx *ctx, const struct mm_args *args,
	      struct mm_error *err)
{
	struct mm_client *c;
	struct mm_json *doc = NULL;
	struct mm_push_ack ack;
	enum mm_result rc;

	memset(&ack, 0, sizeof(ack));
	ack.id = mm_args_get(args, "id");
	ack.platform = mm_args_get(args, "platform");
	ack.type = mm_args_get(args, "type");
	ack.post_id = mm_args_get(args, "post-id");
	ack.received_at = mm_args_int(args, "received-at", 0);
	ack.is_id_loaded = mm_args_bool(args, "id-loaded", false);
	rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_system_push_ack(c, &ack, &doc, err);
	/* id-loaded acks answer with the notification itself */
	if (rc == MM_OK && doc != NULL && mm_json_get(doc, "status") == NULL)
		rc = cmd_show(ctx, doc, NULL, err);
	else if (rc == MM_OK)
		rc = cmd_print_status(ctx, doc, "notification acknowledged",
				      err);
	mm_json_free(doc);
	return rc;
}

/* ------------------------------------------------------------------ */
/* redirect-location                                                    */

static const char *const redirect_location_examples[] = {
	"mmadm system redirect-location https://bit.ly/example",
	NULL,
};
static const char *const redirect_location_endpoints[] = {
	"GET /api/v4/redirect_location",
	NULL,
};

static enum mm_result
redirect_location_exec(struct mm_ctx *ctx, const struct mm_args *args,
		       struct mm_error *err)
{
	struct mm_client *c;
	struct mm_json *doc = NULL;
	const char *loc;
	enum mm_result rc = mm_ctx_client(ctx, &c, err);

	if (rc == MM_OK)
		rc = mm_api_system_redirect_location(c, mm_args_pos(args, 0),
						     &doc, err);
	if (rc != MM_OK)
		goto out;
	loc = mm_json_string(mm_json_get(doc, "location"));
	if (loc == NULL) {
		rc = mm_error_set(err, MM_ERR_RESPONSE,
				  "the answer has no \"location\"");
	} else if (cmd_structured(ctx)) {
		rc = cmd_show(ctx, doc, NULL, err);
	} else if (loc[0] == '\0') {
		mm_note(&ctx->out, "no redirect: the URL does not redirect, "
				   "could not be fetched, or link previews "
				   "are off");
	} else {
		rc = cmd_emitted(ctx, mm_out_line(&ctx->out, loc), err);
	}
out:
	mm_json_free(doc);
	return rc;
}

/* ------------------------------------------------------------------ */
/* restart                                                              */

static const char *const restart_examples[] = {
	"mmadm system restart --yes && sleep 5 && mmadm system ping --wait 120",
	NULL,
};
static const char *const restart_endpoints[] = {
	"POST /api/v4/restart",
	"GET /api/v4/system/ping",
	NULL,
};

static enum mm_result
restart_exec(struct mm_ctx *ctx, const struct mm_args *args,
	     struct mm_error *err)
{
	struct mm_client *c;
	struct mm_json *doc = NULL;
	struct mm_system_ping_req ping = {false, NULL};
	struct mm_ping_result pres = {false, NULL};
	bool dropped = false;
	enum mm_result rc;

	(void)args;
	rc = mm_ctx_client(ctx, &c, err);
	/* Reachable first: a connection that drops after the restart
	 * request then means the server went down as asked. */
	if (rc == MM_OK)
		rc = mm_api_system_ping_with(c, &ping, &pres, err);
	mm_json_free(pres.doc);
	if (rc == MM_OK)
		rc = mm_api_system_restart(c, &doc, &dropped, err);
	if (rc == MM_OK && dropped) {
		/* no answer to show, not even in json/yaml: say what
		 * happened */
		mm_note(&ctx->out, "the connection closed as the server went "
				   "down: the restart is under way");
		rc = cmd_emitted(
			ctx, mm_out_line(&ctx->out, "restart requested"), err);
	} else if (rc == MM_OK) {
		rc = cmd_print_status(ctx, doc,
				      "restart requested: the server restarts "
				      "in about a second",
				      err);
	}
	mm_json_free(doc);
	return rc;
}

/* ------------------------------------------------------------------ */
/* server-busy, server-busy-clear, server-busy-set                      */

static const char *const busy_aliases[] = {"getbusy", NULL};
static const char *const busy_examples[] = {
	"mmadm system server-busy",
	"mmadm --local system server-busy -o json",
	NULL,
};
static const char *const busy_endpoints[] = {
	"GET /api/v4/server_busy",
	NULL,
};
static const struct mm_column busy_cols[] = {
	{"BUSY", "busy"},
	{"EXPIRES", "until"},
	MM_COLUMN_END,
};

/* The last second strftime's four-digit year can show: 9999-12-31. */
#define BUSY_MAX_EXPIRES 253402300799.0

/* "until" for a busy server: the server's expires_ts, else expires (unix
 * seconds) as a date. An expires no date can show (before 1970, past
 * 9999) is printed as the server sent it: the server is busy either way,
 * which is what the command is for, and an invented date would be worse
 * than the raw number. */
static bool
busy_until(const struct mm_json *doc, struct mm_buf *until)
{
	const char *ts = mm_json_string(mm_json_get(doc, "expires_ts"));
	const struct mm_json *exp = mm_json_get(doc, "expires");
	char when[64] = "";
	double secs;

	if (ts != NULL)
		return mm_buf_puts(until, ts);
	if (exp == NULL)
		return mm_buf_puts(until, "");
	secs = mm_json_number(exp);
	if (secs >= 0 && secs <= BUSY_MAX_EXPIRES &&
	    mm_api_time_text((long long)secs * 1000, when, sizeof(when)))
		return mm_buf_puts(until, when);
	return mm_json_scalar_text(exp, until) && mm_buf_puts(until, "");
}

static enum mm_result
busy_exec(struct mm_ctx *ctx, const struct mm_args *args, struct mm_error *err)
{
	struct mm_client *c;
	struct mm_json *doc = NULL, *row = NULL;
	struct mm_buf until = MM_BUF_INIT;
	enum mm_json_type et;
	enum mm_result rc = mm_ctx_client(ctx, &c, err);

	(void)args;
	if (rc == MM_OK)
		rc = mm_api_system_busy_get(c, &doc, err); /* an object */
	if (rc != MM_OK)
		goto out;
	et = mm_json_type(mm_json_get(doc, "expires"));
	if (mm_json_type(mm_json_get(doc, "busy")) != MM_JSON_BOOL ||
	    (et != MM_JSON_INVALID && et != MM_JSON_NUMBER) ||
	    (mm_json_get(doc, "expires_ts") != NULL &&
	     mm_json_string(mm_json_get(doc, "expires_ts")) == NULL)) {
		rc = mm_error_set(err, MM_ERR_RESPONSE,
				  "unexpected response: expected "
				  "{\"busy\":true|false,\"expires\":SECONDS}");
		goto out;
	}
	if (cmd_structured(ctx)) {
		rc = cmd_show(ctx, doc, NULL, err);
		goto out;
	}
	/* "until": when the flag clears, empty when not busy (the server
	 * sends Go's zero time then). */
	row = mm_json_dup(doc);
	if (row == NULL ||
	    (mm_json_is_true(mm_json_get(doc, "busy"))
		     ? !busy_until(doc, &until)
		     : !mm_buf_puts(&until, "")) ||
	    !mm_json_set_string(row, "until", mm_buf_str(&until))) {
		rc = mm_error_oom(err);
		goto out;
	}
	rc = cmd_show(ctx, row, busy_cols, err);
out:
	mm_buf_release(&until);
	mm_json_free(row);
	mm_json_free(doc);
	return rc;
}

static const char *const busy_clear_aliases[] = {"clearbusy", NULL};
static const char *const busy_clear_examples[] = {
	"mmadm system server-busy-clear",
	NULL,
};
static const char *const busy_clear_endpoints[] = {
	"DELETE /api/v4/server_busy",
	NULL,
};

static enum mm_result
busy_clear_exec(struct mm_ctx *ctx, const struct mm_args *args,
		struct mm_error *err)
{
	(void)args;
	return cmd_action(ctx, mm_api_system_busy_clear,
			  "server no longer marked busy", err);
}

static const struct mm_opt busy_set_opts[] = {
	MM_OPT_INT(0, "seconds", "N",
		   "how long the flag stays (default 3600, at most 86400)", 1,
		   86400),
	MM_OPT_END(),
};
static const char *const busy_set_aliases[] = {"setbusy", NULL};
static const char *const busy_set_examples[] = {
	"mmadm system server-busy-set --seconds 600",
	NULL,
};
static const char *const busy_set_endpoints[] = {
	"POST /api/v4/server_busy",
	NULL,
};

static enum mm_result
busy_set_exec(struct mm_ctx *ctx, const struct mm_args *args,
	      struct mm_error *err)
{
	struct mm_client *c;
	struct mm_json *doc = NULL;
	long secs = mm_args_int(args, "seconds", 0);
	char human[96];
	enum mm_result rc = mm_ctx_client(ctx, &c, err);

	if (rc == MM_OK)
		rc = mm_api_system_busy_set(c, secs, &doc, err);
	if (snprintf(human, sizeof(human), "server marked busy for %ld seconds",
		     secs > 0 ? secs : 3600) < 0)
		human[0] = '\0';
	if (rc == MM_OK)
		rc = cmd_print_status(ctx, doc, human, err);
	mm_json_free(doc);
	return rc;
}

/* ------------------------------------------------------------------ */
/* timezones                                                            */

static const char *const timezones_examples[] = {
	"mmadm system timezones",
	"mmadm system timezones | grep Europe/",
	NULL,
};
static const char *const timezones_endpoints[] = {
	"GET /api/v4/system/timezones",
	NULL,
};

static enum mm_result
timezones_exec(struct mm_ctx *ctx, const struct mm_args *args,
	       struct mm_error *err)
{
	(void)args;
	return cmd_get_show(ctx, mm_api_system_timezones, NULL, err);
}

/* ------------------------------------------------------------------ */
/* upgrade-to-enterprise, -allowed, -status                             */

static const char *const upgrade_aliases[] = {"upgrade", NULL};
static const char *const upgrade_examples[] = {
	"mmadm system upgrade-to-enterprise --yes",
	NULL,
};
static const char *const upgrade_endpoints[] = {
	"POST /api/v4/upgrade_to_enterprise",
	NULL,
};

static enum mm_result
upgrade_exec(struct mm_ctx *ctx, const struct mm_args *args,
	     struct mm_error *err)
{
	(void)args;
	return cmd_action(ctx, mm_api_system_upgrade,
			  "upgrade started: follow it with 'mmadm system "
			  "upgrade-to-enterprise-status', then restart",
			  err);
}

static const char *const upgrade_allowed_aliases[] = {"upgrade-allowed", NULL};
static const char *const upgrade_allowed_examples[] = {
	"mmadm system upgrade-to-enterprise-allowed",
	NULL,
};
static const char *const upgrade_allowed_endpoints[] = {
	"GET /api/v4/upgrade_to_enterprise/allowed",
	NULL,
};

static enum mm_result
upgrade_allowed_exec(struct mm_ctx *ctx, const struct mm_args *args,
		     struct mm_error *err)
{
	(void)args;
	return cmd_action(ctx, mm_api_system_upgrade_allowed,
			  "the server can upgrade itself to Enterprise Edition",
			  err);
}

static const char *const upgrade_status_aliases[] = {"upgrade-status", NULL};
static const char *const upgrade_status_examples[] = {
	"mmadm system upgrade-to-enterprise-status",
	NULL,
};
static const char *const upgrade_status_endpoints[] = {
	"GET /api/v4/upgrade_to_enterprise/status",
	NULL,
};
static const struct mm_column upgrade_status_cols[] = {
	{"PERCENTAGE", "percentage"},
	{"ERROR", "error"},
	MM_COLUMN_END,
};

static enum mm_result
upgrade_status_exec(struct mm_ctx *ctx, const struct mm_args *args,
		    struct mm_error *err)
{
	struct mm_client *c;
	struct mm_json *doc = NULL;
	const char *e;
	enum mm_result rc = mm_ctx_client(ctx, &c, err);

	(void)args;
	if (rc == MM_OK)
		rc = mm_api_system_upgrade_status(c, &doc, err);
	if (rc == MM_OK)
		rc = cmd_show(ctx, doc, upgrade_status_cols, err);
	e = mm_json_string(mm_json_get(doc, "error"));
	if (rc == MM_OK && e != NULL && e[0] != '\0')
		rc = mm_error_set(err, MM_ERR_SERVER, "the upgrade failed: %s",
				  e);
	mm_json_free(doc);
	return rc;
}

/* ------------------------------------------------------------------ */
/* version                                                              */

static const char *const version_examples[] = {
	"mmadm system version",
	"mmadm system version -o json",
	NULL,
};
static const char *const version_endpoints[] = {
	"GET /api/v4/system/ping",
	"GET /api/v4/system/schema/version",
	NULL,
};

static enum mm_result
version_exec(struct mm_ctx *ctx, const struct mm_args *args,
	     struct mm_error *err)
{
	struct mm_client *c;
	struct mm_system_version v;
	struct mm_json *schema = NULL, *doc = NULL;
	struct mm_error serr;
	long sv = -1;
	const char *name = NULL;
	enum mm_result rc, src;

	(void)args;
	rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_system_version(c, &v, err);
	if (rc != MM_OK)
		return rc;
	mm_error_clear(&serr);
	src = mm_api_system_schema_version(c, &schema, &serr);
	if (src == MM_ERR_PERM) {
		mm_warn(&ctx->out,
			"no schema version: %s (it needs a system console "
			"read permission)",
			serr.message);
	} else if (src != MM_OK) {
		*err = serr;
		return src;
	} else if (!mm_api_system_schema_latest(schema, &sv, &name)) {
		mm_warn(&ctx->out, "the server lists no applied migrations");
	}
	doc = mm_api_system_version_doc(&v, sv, name);
	if (doc == NULL)
		rc = mm_error_oom(err);
	else
		rc = cmd_show(ctx, doc, NULL, err);
	mm_json_free(doc);
	mm_json_free(schema);
	return rc;
}

/* ------------------------------------------------------------------ */

const struct mm_cmd_entry mm_system_cmds[] = {
	{
		.name = "ai-bridge",
		.aliases = ai_bridge_aliases,
		.summary = "Show the AI bridge end-to-end test helper's state",
		.help = "A test helper of newer servers (the seed API; not in "
			"11.1): needs\nServiceSettings.EnableTesting. Exits 12 "
			"when the server lacks it or testing\nis off.",
		.flags = SYS_REMOTE,
		.examples = ai_bridge_examples,
		.endpoints = ai_bridge_endpoints,
		.exec = ai_bridge_exec,
	},
	{
		.name = "ai-bridge-delete",
		.aliases = ai_bridge_delete_aliases,
		.summary = "Reset the AI bridge end-to-end test helper",
		.flags = SYS_REMOTE | CMD_DESTRUCTIVE | CMD_WRITES,
		.examples = ai_bridge_delete_examples,
		.endpoints = ai_bridge_delete_endpoints,
		.exec = ai_bridge_delete_exec,
	},
	{
		.name = "ai-bridge-set",
		.aliases = ai_bridge_set_aliases,
		.summary = "Configure the AI bridge end-to-end test helper",
		.help = "Sends FILE (a JSON or YAML AIBridgeTestHelperConfig: "
			"status, agents,\nservices, completions, feature "
			"flags) "
			"and prints the helper's new state.",
		.args = doc_file_args,
		.flags = SYS_REMOTE | CMD_WRITES,
		.examples = ai_bridge_set_examples,
		.endpoints = ai_bridge_set_endpoints,
		.exec = ai_bridge_set_exec,
	},
	{
		.name = "analytics",
		.summary = "Show usage numbers (the old analytics format)",
		.help = "NAME VALUE rows; the daily counts (post_counts_day, "
			"...) have one row per\nday, named by date.",
		.opts = analytics_opts,
		.flags = SYS_REMOTE,
		.examples = analytics_examples,
		.endpoints = analytics_endpoints,
		.exec = analytics_exec,
	},
	{
		.name = "audits",
		.summary = "List the server's audit records, newest first",
		.help = "Table and plain output add TIME (UTC, from "
			"create_at); "
			"-o json/yaml print\nthe server's records unchanged.",
		.flags = SYS_REMOTE | CMD_PAGED,
		.examples = audits_examples,
		.endpoints = audits_endpoints,
		.exec = audits_exec,
	},
	{
		.name = "caches-invalidate",
		.aliases = caches_aliases,
		.summary = "Purge all of the server's in-memory caches",
		.help = "The server is slower for a while as the caches fill "
			"again.",
		.flags = SYS_REMOTE | CMD_WRITES,
		.examples = caches_examples,
		.endpoints = caches_endpoints,
		.exec = caches_exec,
	},
	{
		.name = "email-test",
		.summary = "Send a test email to yourself",
		.help = "Without CONFIG the server tests its own email "
			"settings. "
			"With CONFIG (a whole\nconfiguration, as 'mmadm config "
			"get -o json' prints it) it tests those\nEmailSettings "
			"and saves nothing; a password left as the server's\n"
			"placeholder is filled in by the server. SMTP failures "
			"exit 8; incomplete\nEmailSettings exit 7.",
		.args = email_test_args,
		.flags = SYS_REMOTE,
		.examples = email_test_examples,
		.endpoints = email_test_endpoints,
		.exec = email_test_exec,
	},
	{
		.name = "image",
		.summary = "Fetch an image through the server's image proxy",
		.help = "Streams the proxied image to a file (named after the "
			"URL unless\n--output-file says otherwise). A URL on "
			"the "
			"server's own host, or a server\nwith the proxy off, "
			"answers with a redirect or an error (exit 7).",
		.opts = image_opts,
		.args = url_args,
		.flags = SYS_REMOTE,
		.examples = image_examples,
		.endpoints = image_endpoints,
		.exec = image_exec,
	},
	{
		.name = "integrity",
		.summary = "Check the database's relational integrity",
		.help = "Lists each parent/child relation checked with its "
			"orphaned records. Exits 8\nwhen a check failed. Slow "
			"on big databases, and it loads the database: run\nit "
			"outside busy hours.",
		.opts = integrity_opts,
		.flags = CMD_NEEDS_SERVER | CMD_LOCAL_ONLY,
		.examples = integrity_examples,
		.endpoints = integrity_endpoints,
		.exec = integrity_exec,
	},
	{
		.name = "latest-version",
		.summary = "Show the latest Mattermost server release",
		.help = "The server asks GitHub; its own failures to do so "
			"exit "
			"8.",
		.flags = SYS_REMOTE,
		.examples = latest_version_examples,
		.endpoints = latest_version_endpoints,
		.exec = latest_version_exec,
	},
	{
		.name = "manual-test",
		.summary =
			"Set up a developer manual test (EnableTesting only)",
		.help = "Calls /manualtest at the site root. The server "
			"answers "
			"307 to the channel\nthe test prepared; that address "
			"is printed. A server without\nServiceSettings."
			"EnableTesting answers with its web app: exit 12. "
			"With\n--username and --teamname the test creates a "
			"user and a team, so even\n--dry-run sends nothing.",
		.opts = manual_test_opts,
		.flags = CMD_NEEDS_SERVER | CMD_NO_LOCAL | CMD_WRITES,
		.examples = manual_test_examples,
		.endpoints = manual_test_endpoints,
		.exec = manual_test_exec,
	},
	{
		.name = "notices",
		.summary = "List the product notices a client would show you",
		.opts = notices_opts,
		.args = team_args,
		.flags = SYS_REMOTE,
		.examples = notices_examples,
		.endpoints = notices_endpoints,
		.exec = notices_exec,
	},
	{
		.name = "notices-view",
		.aliases = notices_view_aliases,
		.summary = "Mark product notices as viewed by you",
		.args = notice_ids_args,
		.flags = SYS_REMOTE | CMD_WRITES,
		.examples = notices_view_examples,
		.endpoints = notices_view_endpoints,
		.exec = notices_view_exec,
	},
	{
		.name = "notification-test",
		.summary = "Send a test notification to yourself",
		.flags = SYS_REMOTE,
		.examples = notification_test_examples,
		.endpoints = notification_test_endpoints,
		.exec = notification_test_exec,
	},
	{
		.name = "onboarding",
		.summary = "Show whether first-admin onboarding is complete",
		.flags = SYS_REMOTE,
		.examples = onboarding_examples,
		.endpoints = onboarding_endpoints,
		.exec = onboarding_exec,
	},
	{
		.name = "onboarding-complete",
		.summary = "Mark first-admin onboarding as complete",
		.help = "Optionally names the organization and installs "
			"Marketplace plugins, as the\nweb app's onboarding "
			"does.",
		.opts = onboarding_complete_opts,
		.flags = SYS_REMOTE | CMD_WRITES,
		.examples = onboarding_complete_examples,
		.endpoints = onboarding_complete_endpoints,
		.exec = onboarding_complete_exec,
	},
	{
		.name = "ping",
		.summary = "Check that the server is up and healthy",
		.help = "Exits 0 when the server answers OK, 8 when it reports "
			"itself unhealthy (the\nanswer is printed either way). "
			"--full also has the server test a database\nwrite and "
			"its file store. --wait SECONDS polls (every "
			"--interval "
			"seconds)\nuntil the server is healthy, treating "
			"refused connections and errors as\n\"not yet\", and "
			"exits 8 if it is not healthy in time: for scripts "
			"waiting\non a restart. Unless --timeout is given, "
			"each "
			"poll gives up after 30 s.",
		.opts = system_ping_opts,
		.flags = CMD_NEEDS_SERVER,
		.examples = system_ping_examples,
		.endpoints = system_ping_endpoints,
		.exec = system_ping_exec,
	},
	{
		.name = "push-ack",
		.summary = "Acknowledge a push notification (as a mobile app "
			   "does)",
		.help = "For diagnosing push delivery: the server forwards the "
			"ack to the push proxy.\nExits 12 when push "
			"notifications are off.",
		.opts = push_ack_opts,
		.flags = SYS_REMOTE | CMD_WRITES,
		.examples = push_ack_examples,
		.endpoints = push_ack_endpoints,
		.exec = push_ack_exec,
	},
	{
		.name = "redirect-location",
		.summary = "Show where a URL redirects to, as seen by the "
			   "server",
		.help = "Prints nothing (with a note) when the URL does not "
			"redirect, cannot be\nfetched, or link previews are "
			"off.",
		.args = url_args,
		.flags = SYS_REMOTE,
		.examples = redirect_location_examples,
		.endpoints = redirect_location_endpoints,
		.exec = redirect_location_exec,
	},
	{
		.name = "restart",
		.summary = "Restart the server process",
		.help = "Pings first, then asks for the restart; the server "
			"answers and restarts\nabout a second later. A "
			"connection that drops right after the request\ncounts "
			"as success. Wait for it with 'mmadm system ping "
			"--wait'.",
		.flags = SYS_REMOTE | CMD_DESTRUCTIVE | CMD_WRITES,
		.examples = restart_examples,
		.endpoints = restart_endpoints,
		.exec = restart_exec,
	},
	{
		.name = "server-busy",
		.aliases = busy_aliases,
		.summary = "Show whether the server is marked busy",
		.help = "A busy server turns off non-critical services "
			"(search, "
			"statuses, typing)\nuntil the flag expires (EXPIRES, "
			"UTC).",
		.flags = SYS_AUTH,
		.examples = busy_examples,
		.endpoints = busy_endpoints,
		.exec = busy_exec,
	},
	{
		.name = "server-busy-clear",
		.aliases = busy_clear_aliases,
		.summary = "Clear the server's busy flag",
		.flags = SYS_AUTH | CMD_WRITES,
		.examples = busy_clear_examples,
		.endpoints = busy_clear_endpoints,
		.exec = busy_clear_exec,
	},
	{
		.name = "server-busy-set",
		.aliases = busy_set_aliases,
		.summary = "Mark the server busy (high load) for a while",
		.opts = busy_set_opts,
		.flags = SYS_AUTH | CMD_WRITES,
		.examples = busy_set_examples,
		.endpoints = busy_set_endpoints,
		.exec = busy_set_exec,
	},
	{
		.name = "site-url-test",
		.summary = "Check that the server can reach itself at a URL",
		.args = url_args,
		.flags = SYS_REMOTE,
		.examples = site_url_test_examples,
		.endpoints = site_url_test_endpoints,
		.exec = site_url_test_exec,
	},
	{
		.name = "support-packet",
		.aliases = support_packet_aliases,
		.summary =
			"Download a support packet (zip) for troubleshooting",
		.help = "Streams the zip to the file the server names\n"
			"(mm_support_packet_<company>_<time>.zip) unless "
			"--output-file says\notherwise; an existing file is "
			"kept unless --force. The file is readable\nby you "
			"only: it holds logs and configuration. A progress "
			"bar shows on a\nterminal. Needs a licensed server "
			"(exit 12 otherwise).",
		.opts = support_packet_opts,
		.flags = SYS_AUTH,
		.examples = support_packet_examples,
		.endpoints = support_packet_endpoints,
		.exec = support_packet_exec,
	},
	{
		.name = "timezones",
		.summary = "List the time zones the server supports",
		.flags = SYS_REMOTE,
		.examples = timezones_examples,
		.endpoints = timezones_endpoints,
		.exec = timezones_exec,
	},
	{
		.name = "upgrade-to-enterprise",
		.aliases = upgrade_aliases,
		.summary =
			"Upgrade Team Edition to Enterprise Edition in place",
		.help = "The server downloads the Enterprise binary and "
			"replaces its own; restart it\nafterwards. A server "
			"already on Enterprise, or with an upgrade running, "
			"exits 7.",
		.flags = SYS_REMOTE | CMD_DESTRUCTIVE | CMD_WRITES,
		.examples = upgrade_examples,
		.endpoints = upgrade_endpoints,
		.exec = upgrade_exec,
	},
	{
		.name = "upgrade-to-enterprise-allowed",
		.aliases = upgrade_allowed_aliases,
		.summary = "Check that the server could upgrade itself",
		.help = "Exits 5 with the server's reason (file permissions, "
			"architecture) when not.",
		.flags = SYS_REMOTE,
		.examples = upgrade_allowed_examples,
		.endpoints = upgrade_allowed_endpoints,
		.exec = upgrade_allowed_exec,
	},
	{
		.name = "upgrade-to-enterprise-status",
		.aliases = upgrade_status_aliases,
		.summary = "Show the progress of an Enterprise upgrade",
		.help = "Exits 8 when the server reports an upgrade error.",
		.flags = SYS_REMOTE,
		.examples = upgrade_status_examples,
		.endpoints = upgrade_status_endpoints,
		.exec = upgrade_status_exec,
	},
	{
		.name = "version",
		.summary = "Show the server's version and database schema "
			   "version",
		.help = "From the X-Version-Id header (version, build, config "
			"hash, licensed) and\nthe newest applied schema "
			"migration. Without a system console read\npermission "
			"the schema version is left out with a warning.",
		.flags = SYS_AUTH,
		.examples = version_examples,
		.endpoints = version_endpoints,
		.exec = version_exec,
	},
	MM_CMD_END,
};
