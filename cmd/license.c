/* license: the server's license and trial licenses. */
#include "cmd.h"
#include "mmadm/api_files.h"
#include "mmadm/api_license.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* "1767225600000" (ms since the epoch) -> "2026-01-01 00:00 UTC". */
static bool
ms_date(const char *ms_text, char *buf, size_t size)
{
	char *end;
	long long ms;
	time_t t;
	struct tm tm;

	if (ms_text == NULL || ms_text[0] == '\0')
		return false;
	errno = 0;
	ms = strtoll(ms_text, &end, 10);
	if (*end != '\0' || errno != 0 || ms <= 0)
		return false;
	t = (time_t)(ms / 1000);
	return gmtime_r(&t, &tm) != NULL &&
	       strftime(buf, size, "%Y-%m-%d %H:%M UTC", &tm) > 0;
}

/* Add "<key>" = the date of the number at path (when there is one). */
static bool
add_date(struct mm_json *doc, const char *key, const char *path)
{
	struct mm_buf raw = MM_BUF_INIT;
	char date[64];
	const struct mm_json *v = mm_json_path(doc, path);
	bool ok = true;

	if (mm_json_type(v) == MM_JSON_NUMBER && mm_json_scalar_text(v, &raw) &&
	    ms_date(mm_buf_str(&raw), date, sizeof(date)))
		ok = mm_json_set_string(doc, key, date);
	mm_buf_release(&raw);
	return ok;
}

/* A License object as one table row (dates readable; --columns still
 * names the server's fields). */
static enum mm_result
print_license(struct mm_ctx *ctx, const struct mm_json *lic,
	      struct mm_error *err)
{
	static const struct mm_column cols[] = {
		{"ID", "id"},
		{"SKU", "sku_short_name"},
		{"COMPANY", "customer.company"},
		{"USERS", "features.users"},
		{"STARTS", "starts_date"},
		{"EXPIRES", "expires_date"},
		{"TRIAL", "is_trial"},
		MM_COLUMN_END,
	};
	struct mm_json *shown;

	if (cmd_structured(ctx)) {
		mm_out_doc(&ctx->out, lic, NULL);
		return MM_OK;
	}
	shown = mm_json_dup(lic);
	if (shown == NULL || !add_date(shown, "starts_date", "starts_at") ||
	    !add_date(shown, "expires_date", "expires_at")) {
		mm_json_free(shown);
		return mm_error_oom(err);
	}
	mm_out_doc(&ctx->out, shown, cols);
	mm_json_free(shown);
	return MM_OK;
}

/* A client license map: KEY VALUE rows; in a table the *At times are
 * shown as dates too. */
static enum mm_result
print_client_license(struct mm_ctx *ctx, const struct mm_json *map,
		     struct mm_error *err)
{
	static const char *const headers[] = {"KEY", "VALUE"};
	size_t n = mm_json_size(map);
	const char **cells;
	char(*dates)[96];
	struct mm_strv vals = MM_STRV_INIT;
	enum mm_result rc = MM_OK;
	size_t i = 0;

	if (ctx->out.format != MM_FMT_TABLE || ctx->out.columns != NULL) {
		mm_out_doc(&ctx->out, map, NULL);
		return MM_OK;
	}
	cells = calloc(2 * n + 1, sizeof(*cells));
	dates = calloc(n + 1, sizeof(*dates));
	if (cells == NULL || dates == NULL) {
		rc = mm_error_oom(err);
		goto out;
	}
	for (const struct mm_json *m = mm_json_first(map); m != NULL;
	     m = mm_json_next(m), i++) {
		const char *key = mm_json_key(m), *v = mm_json_string(m);
		size_t klen = key ? strlen(key) : 0;
		char date[64];
		struct mm_buf text = MM_BUF_INIT;

		if (v == NULL) {
			if (!mm_json_scalar_text(m, &text) ||
			    !mm_strv_push(&vals, mm_buf_str(&text))) {
				mm_buf_release(&text);
				rc = mm_error_oom(err);
				goto out;
			}
			mm_buf_release(&text);
			v = vals.v[vals.n - 1];
		}
		if (klen > 2 && strcmp(key + klen - 2, "At") == 0 &&
		    ms_date(v, date, sizeof(date)) &&
		    snprintf(dates[i], sizeof(dates[i]), "%s (%s)", date, v) <
			    (int)sizeof(dates[i]))
			v = dates[i];
		cells[2 * i] = key ? key : "";
		cells[2 * i + 1] = v;
	}
	mm_out_rows(&ctx->out, headers, 2, cells, n);
out:
	mm_strv_release(&vals);
	free(cells);
	free(dates);
	return rc;
}

/* ---- upload ---- */

static const struct mm_arg license_upload_args[] = {
	MM_ARG("FILE", "the license file (as received from Mattermost)",
	       MM_ARG_IS_FILE),
	MM_ARG_END(),
};

static const char *const license_upload_examples[] = {
	"mmadm license upload mattermost.mattermost-license",
	"mmadm --local license upload /tmp/license.txt",
	NULL,
};

static const char *const license_upload_endpoints[] = {
	"POST /api/v4/license",
	NULL,
};

static enum mm_result
license_upload_exec(struct mm_ctx *ctx, const struct mm_args *args,
		    struct mm_error *err)
{
	const char *path = mm_args_pos(args, 0);
	const char *base = strrchr(path, '/');
	struct mm_license_upload req;
	struct mm_client *c;
	struct mm_json *doc = NULL;
	uint64_t size;
	FILE *f;
	enum mm_result rc = mm_api_open_upload(path, &f, &size, err);

	if (rc != MM_OK)
		return rc;
	memset(&req, 0, sizeof(req));
	req.file = f;
	req.size = size;
	req.filename = base != NULL && base[1] != '\0' ? base + 1 : path;
	req.path = path;
	req.progress = mm_cli_progress;
	req.progress_ud = ctx;
	rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_license_upload(c, &req, &doc, err);
	mm_cli_progress_done(ctx);
	fclose(f);
	if (rc != MM_OK || doc == NULL)
		goto out;
	if (mm_license_is_object(doc))
		rc = print_license(ctx, doc, err);
	else
		rc = cmd_print_status(ctx, doc, "OK: license uploaded", err);
out:
	mm_json_free(doc);
	return rc;
}

/* ---- remove ---- */

static const char *const license_remove_examples[] = {
	"mmadm license remove --yes",
	NULL,
};

static const char *const license_remove_endpoints[] = {
	"DELETE /api/v4/license",
	NULL,
};

static enum mm_result
license_remove_exec(struct mm_ctx *ctx, const struct mm_args *args,
		    struct mm_error *err)
{
	(void)args;
	return cmd_action(ctx, mm_api_license_remove,
			  "OK: license removed (enterprise "
			  "features are off)",
			  err);
}

/* ---- show ---- */

static const char *const license_show_aliases[] = {"get", NULL};

static const char *const license_show_examples[] = {
	"mmadm license show",
	"mmadm license show -o json",
	NULL,
};

static const char *const license_show_endpoints[] = {
	"GET /api/v4/license/client",
	NULL,
};

static enum mm_result
license_show_exec(struct mm_ctx *ctx, const struct mm_args *args,
		  struct mm_error *err)
{
	struct mm_client *c;
	struct mm_json *doc = NULL;
	enum mm_result rc;

	(void)args;
	rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_license_client(c, &doc, err);
	if (rc == MM_OK)
		rc = print_client_license(ctx, doc, err);
	mm_json_free(doc);
	return rc;
}

/* ---- load-metric ---- */

static const char *const license_load_examples[] = {
	"mmadm license load-metric",
	NULL,
};

static const char *const license_load_endpoints[] = {
	"GET /api/v4/license/load_metric",
	NULL,
};

static enum mm_result
license_load_exec(struct mm_ctx *ctx, const struct mm_args *args,
		  struct mm_error *err)
{
	static const struct mm_column cols[] = {
		{"LOAD", "load"},
		{"ACTIVE/LICENSED", "percent"},
		MM_COLUMN_END,
	};
	struct mm_client *c;
	struct mm_json *doc = NULL, *shown = NULL;
	char pct[32];
	enum mm_result rc;

	(void)args;
	rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_license_load_metric(c, &doc, err);
	if (rc != MM_OK)
		goto out;
	if (cmd_structured(ctx)) {
		mm_out_doc(&ctx->out, doc, NULL);
		goto out;
	}
	/* load = monthly active users / licensed users x 1000 */
	if (snprintf(pct, sizeof(pct), "%.1f%%",
		     mm_json_number(mm_json_get(doc, "load")) / 10.0) >=
	    (int)sizeof(pct))
		pct[0] = '\0';
	shown = mm_json_dup(doc);
	if (shown == NULL || !mm_json_set_string(shown, "percent", pct)) {
		rc = mm_error_oom(err);
		goto out;
	}
	mm_out_doc(&ctx->out, shown, cols);
out:
	mm_json_free(doc);
	mm_json_free(shown);
	return rc;
}

/* ---- trial ---- */

static const struct mm_opt license_trial_opts[] = {
	{"users", 0, MM_OPT_K_INT, "N", "number of users the trial is for",
	 MM_OPT_REQUIRED, NULL, 1, 1000000},
	MM_OPT_BOOL(0, "accept-terms",
		    "accept the Mattermost Software and Services License "
		    "Agreement (required)"),
	MM_OPT_BOOL(0, "receive-emails",
		    "agree to receive emails from Mattermost"),
	MM_OPT_STRING(0, "contact-name", "NAME", "contact person"),
	MM_OPT_STRING(0, "contact-email", "EMAIL", "contact email address"),
	MM_OPT_STRING(0, "company-name", "NAME", "company name"),
	MM_OPT_STRING(0, "company-country", "COUNTRY", "company country"),
	MM_OPT_STRING(0, "company-size", "SIZE", "company size"),
	MM_OPT_END(),
};

static const char *const license_trial_aliases[] = {"request-trial", NULL};

static const char *const license_trial_examples[] = {
	"mmadm license trial --users 100 --accept-terms",
	NULL,
};

static const char *const license_trial_endpoints[] = {
	"POST /api/v4/trial-license",
	NULL,
};

static enum mm_result
license_trial_exec(struct mm_ctx *ctx, const struct mm_args *args,
		   struct mm_error *err)
{
	struct mm_trial_req req;
	struct mm_client *c;
	struct mm_json *doc = NULL;
	enum mm_result rc;

	if (!mm_args_bool(args, "accept-terms", false))
		return mm_error_set(err, MM_ERR_USAGE,
				    "requesting a trial license means "
				    "accepting the Mattermost license "
				    "agreement: add --accept-terms");
	memset(&req, 0, sizeof(req));
	req.users = mm_args_int(args, "users", 0);
	req.terms_accepted = true;
	req.receive_emails = mm_args_bool(args, "receive-emails", false);
	req.contact_name = mm_args_get(args, "contact-name");
	req.contact_email = mm_args_get(args, "contact-email");
	req.company_name = mm_args_get(args, "company-name");
	req.company_country = mm_args_get(args, "company-country");
	req.company_size = mm_args_get(args, "company-size");
	rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_license_trial(c, &req, &doc, err);
	if (rc == MM_OK)
		rc = cmd_print_status(ctx, doc,
				      "OK: trial license installed (see "
				      "'mmadm license show')",
				      err);
	mm_json_free(doc);
	return rc;
}

/* ---- previous-trial ---- */

static const char *const license_prev_aliases[] = {"prev-trial", NULL};

static const char *const license_prev_examples[] = {
	"mmadm license previous-trial",
	NULL,
};

static const char *const license_prev_endpoints[] = {
	"GET /api/v4/trial-license/prev",
	NULL,
};

static enum mm_result
license_prev_exec(struct mm_ctx *ctx, const struct mm_args *args,
		  struct mm_error *err)
{
	struct mm_client *c;
	struct mm_json *doc = NULL;
	enum mm_result rc;

	(void)args;
	rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_license_prev_trial(c, &doc, err);
	if (rc != MM_OK)
		goto out;
	if (mm_streq(mm_json_string(mm_json_get(doc, "IsLicensed")), "false"))
		mm_note(&ctx->out, "this server never had a trial license");
	rc = print_client_license(ctx, doc, err);
out:
	mm_json_free(doc);
	return rc;
}

const struct mm_cmd_entry mm_license_cmds[] = {
	{
		.name = "load-metric",
		.summary = "Show how much of the licensed user count is in use",
		.help = "LOAD is the server's metric: monthly active users "
			"divided by licensed users,\ntimes 1000 (0 without a "
			"license). The second column is the same as a\n"
			"percentage.",
		.flags = CMD_NEEDS_SERVER | CMD_NEEDS_AUTH | CMD_NO_LOCAL,
		.examples = license_load_examples,
		.endpoints = license_load_endpoints,
		.exec = license_load_exec,
	},
	{
		.name = "previous-trial",
		.aliases = license_prev_aliases,
		.summary = "Show the trial license this server had before",
		.help = "The previous trial as a client license map "
			"(IsLicensed is \"false\" when there\nwas none). "
			"Without the read_license_information permission "
			"the server leaves\nout the id, names, email and "
			"dates.",
		.flags = CMD_NEEDS_SERVER | CMD_NEEDS_AUTH | CMD_NO_LOCAL,
		.examples = license_prev_examples,
		.endpoints = license_prev_endpoints,
		.exec = license_prev_exec,
	},
	{
		.name = "remove",
		.summary =
			"Remove the license, turning enterprise features off",
		.flags = CMD_NEEDS_SERVER | CMD_NEEDS_AUTH | CMD_DESTRUCTIVE |
			 CMD_WRITES,
		.examples = license_remove_examples,
		.endpoints = license_remove_endpoints,
		.exec = license_remove_exec,
	},
	{
		.name = "show",
		.aliases = license_show_aliases,
		.summary = "Show the server's license (client format)",
		.help = "A flat map of strings (IsLicensed, SkuShortName, "
			"Users, features...). Works\nwithout a token; "
			"without the read_license_information permission the "
			"server\nleaves out Id, Name, Email, IssuedAt, "
			"StartsAt, ExpiresAt and SkuName. The\ntable shows "
			"the *At times as dates too.",
		.flags = CMD_NEEDS_SERVER | CMD_NO_LOCAL,
		.examples = license_show_examples,
		.endpoints = license_show_endpoints,
		.exec = license_show_exec,
	},
	{
		.name = "trial",
		.aliases = license_trial_aliases,
		.summary = "Request and install a trial license",
		.help = "The server asks Mattermost for a trial license for "
			"--users users and installs\nit. A server gets one "
			"trial: a second request is refused (HTTP 400). "
			"Requires\n--accept-terms.",
		.opts = license_trial_opts,
		.flags = CMD_NEEDS_SERVER | CMD_NEEDS_AUTH | CMD_NO_LOCAL |
			 CMD_WRITES,
		.examples = license_trial_examples,
		.endpoints = license_trial_endpoints,
		.exec = license_trial_exec,
	},
	{
		.name = "upload",
		.summary = "Install a license file",
		.help = "Streams FILE to the server (multipart field "
			"\"license\"), with a progress bar\non a terminal. "
			"Shows the installed license (servers that answer "
			"only OK\nget a one-line confirmation).",
		.args = license_upload_args,
		.flags = CMD_NEEDS_SERVER | CMD_NEEDS_AUTH | CMD_WRITES,
		.examples = license_upload_examples,
		.endpoints = license_upload_endpoints,
		.exec = license_upload_exec,
	},
	MM_CMD_END,
};
