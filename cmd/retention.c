/* retention: data retention policies (enterprise). */
#include "cmd.h"
#include "mmadm/api_retention.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RET_FLAGS (CMD_NEEDS_SERVER | CMD_NEEDS_AUTH | CMD_NO_LOCAL)

static const struct mm_column policy_cols[] = {
	{"ID", "id"},
	{"NAME", "display_name"},
	{"DAYS", "post_duration"},
	{"TEAMS", "team_count"},
	{"CHANNELS", "channel_count"},
	MM_COLUMN_END,
};

static const struct mm_column team_cols[] = {
	{"ID", "id"},
	{"NAME", "name"},
	{"DISPLAY NAME", "display_name"},
	MM_COLUMN_END,
};

static const struct mm_column channel_cols[] = {
	{"ID", "id"},
	{"NAME", "name"},
	{"DISPLAY NAME", "display_name"},
	{"TYPE", "type"},
	{"TEAM", "team_name"},
	MM_COLUMN_END,
};

static const struct mm_column user_team_cols[] = {
	{"TEAM ID", "team_id"},
	{"DAYS", "post_duration"},
	MM_COLUMN_END,
};

static const struct mm_column user_channel_cols[] = {
	{"CHANNEL ID", "channel_id"},
	{"DAYS", "post_duration"},
	MM_COLUMN_END,
};

static const struct mm_arg policy_id_args[] = {
	MM_ARG("POLICY_ID", "policy id (26 characters)", 0),
	MM_ARG_END(),
};

/* Print a policy (or nothing in a dry run). */
static void
print_policy(struct mm_ctx *ctx, const struct mm_json *doc)
{
	if (doc != NULL)
		mm_out_doc(&ctx->out, doc, policy_cols);
}

/* ---- teams / channels of a policy ---- */

static const char *const member_verbs[] = {"list", "add", "remove", "search",
					   NULL};

static const struct mm_arg members_args[] = {
	MM_ARG_CHOICE("VERB", "what to do", 0, member_verbs),
	MM_ARG("POLICY_ID", "policy id (26 characters)", 0),
	MM_ARG("ID", "add/remove: ids; search: the term",
	       MM_ARG_OPTIONAL | MM_ARG_VARIADIC),
	MM_ARG_END(),
};

static const struct mm_opt retention_channels_opts[] = {
	MM_OPT_LIST(0, "team", "TEAM_ID", "search: only channels of this team"),
	MM_OPT_BOOL(0, "public", "search: public channels"),
	MM_OPT_BOOL(0, "private", "search: private channels"),
	MM_OPT_BOOL(0, "deleted", "search: archived channels only"),
	MM_OPT_END(),
};

static const char *const retention_teams_examples[] = {
	"mmadm retention teams list 9m8a3xs8ujgzzrqrjymw4fpbhc --all",
	"mmadm retention teams add 9m8a3xs8ujgzzrqrjymw4fpbhc "
	"4xp9fdt77pncbef59f4k1qe83o",
	"mmadm retention teams search 9m8a3xs8ujgzzrqrjymw4fpbhc eng",
	NULL,
};

static const char *const retention_teams_endpoints[] = {
	"GET /api/v4/data_retention/policies/{policy_id}/teams",
	"POST /api/v4/data_retention/policies/{policy_id}/teams",
	"DELETE /api/v4/data_retention/policies/{policy_id}/teams",
	"POST /api/v4/data_retention/policies/{policy_id}/teams/search",
	NULL,
};

static const char *const retention_channels_examples[] = {
	"mmadm retention channels list 9m8a3xs8ujgzzrqrjymw4fpbhc",
	"mmadm retention channels remove 9m8a3xs8ujgzzrqrjymw4fpbhc "
	"rcgiyftm7jyrxnmdfdfa1osd8w",
	"mmadm retention channels search 9m8a3xs8ujgzzrqrjymw4fpbhc town "
	"--public",
	NULL,
};

static const char *const retention_channels_endpoints[] = {
	"GET /api/v4/data_retention/policies/{policy_id}/channels",
	"POST /api/v4/data_retention/policies/{policy_id}/channels",
	"DELETE /api/v4/data_retention/policies/{policy_id}/channels",
	"POST /api/v4/data_retention/policies/{policy_id}/channels/search",
	NULL,
};

static enum mm_result
members_exec(struct mm_ctx *ctx, const struct mm_args *args,
	     enum mm_retention_scope scope, struct mm_error *err)
{
	const char *verb = mm_args_pos(args, 0);
	const char *policy = mm_args_pos(args, 1);
	const char *what = scope == MM_RETENTION_TEAMS ? "team" : "channel";
	const struct mm_column *cols =
		scope == MM_RETENTION_TEAMS ? team_cols : channel_cols;
	size_t nids = mm_args_npos(args) - 2;
	bool list = strcmp(verb, "list") == 0;
	bool search = strcmp(verb, "search") == 0;
	struct mm_buf path = MM_BUF_INIT;
	struct mm_json *doc = NULL;
	struct mm_client *c;
	char msg[160];
	enum mm_result rc;

	if (!list &&
	    (mm_args_has(args, "page") || mm_args_has(args, "per-page") ||
	     mm_args_has(args, "all")))
		return mm_error_set(err, MM_ERR_USAGE,
				    "--page, --per-page and --all are for "
				    "'list' only");
	if (scope == MM_RETENTION_CHANNELS && !search &&
	    (mm_args_has(args, "team") || mm_args_has(args, "public") ||
	     mm_args_has(args, "private") || mm_args_has(args, "deleted")))
		return mm_error_set(err, MM_ERR_USAGE,
				    "--team, --public, --private and --deleted "
				    "are for 'search' only");
	if (list && nids > 0)
		return mm_error_set(err, MM_ERR_USAGE,
				    "'list' takes only the policy id");
	if (search && nids != 1)
		return mm_error_set(err, MM_ERR_USAGE,
				    "'search' takes the policy id and one "
				    "search term");
	if (!list && !search && nids == 0)
		return mm_error_set(err, MM_ERR_USAGE,
				    "'%s' needs at least one %s id", verb,
				    what);
	rc = mm_ctx_client(ctx, &c, err);
	if (rc != MM_OK)
		return rc;
	if (list) {
		struct mm_page_req req;

		memset(&req, 0, sizeof(req));
		rc = mm_api_retention_members_req(scope, policy, &req, &path,
						  err);
		if (rc == MM_OK) {
			cmd_paging(ctx, args, &req);
			rc = mm_api_retention_hint(
				cmd_list(ctx, c, &req, cols, err), err);
		}
	} else if (search) {
		struct mm_retention_search s;
		const struct mm_strv *teams = mm_args_list(args, "team");

		memset(&s, 0, sizeof(s));
		s.term = mm_args_pos(args, 2);
		if (teams != NULL) {
			s.team_ids = (const char *const *)teams->v;
			s.nteams = teams->n;
		}
		s.public_only = mm_args_bool(args, "public", false);
		s.private_only = mm_args_bool(args, "private", false);
		s.deleted = mm_args_bool(args, "deleted", false);
		rc = mm_api_retention_members_search(c, scope, policy, &s, &doc,
						     err);
		if (rc == MM_OK && doc != NULL)
			mm_out_doc(&ctx->out, doc, cols);
	} else {
		const char **idv = calloc(nids, sizeof(*idv));
		bool add = strcmp(verb, "add") == 0;

		if (idv == NULL)
			return mm_error_oom(err);
		for (size_t i = 0; i < nids; i++)
			idv[i] = mm_args_pos(args, i + 2);
		if (add)
			rc = mm_api_retention_members_add(c, scope, policy, idv,
							  nids, &doc, err);
		else
			rc = mm_api_retention_members_remove(
				c, scope, policy, idv, nids, &doc, err);
		free(idv);
		if (rc == MM_OK) {
			if (snprintf(msg, sizeof(msg),
				     "%s %zu %s%s %s policy %s",
				     add ? "added" : "removed", nids, what,
				     nids == 1 ? "" : "s", add ? "to" : "from",
				     policy) < 0)
				msg[0] = '\0';
			rc = cmd_print_status(ctx, doc, msg, err);
		}
	}
	mm_json_free(doc);
	mm_buf_release(&path);
	return rc;
}

static enum mm_result
retention_channels_exec(struct mm_ctx *ctx, const struct mm_args *args,
			struct mm_error *err)
{
	return members_exec(ctx, args, MM_RETENTION_CHANNELS, err);
}

static enum mm_result
retention_teams_exec(struct mm_ctx *ctx, const struct mm_args *args,
		     struct mm_error *err)
{
	return members_exec(ctx, args, MM_RETENTION_TEAMS, err);
}

/* ---- count ---- */

static const char *const retention_count_examples[] = {
	"mmadm retention count",
	NULL,
};

static const char *const retention_count_endpoints[] = {
	"GET /api/v4/data_retention/policies_count",
	NULL,
};

static enum mm_result
retention_count_exec(struct mm_ctx *ctx, const struct mm_args *args,
		     struct mm_error *err)
{
	struct mm_json *doc = NULL;
	struct mm_client *c;
	long long n = 0;
	char text[32];
	enum mm_result rc;

	(void)args;
	rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_retention_count(c, &n, &doc, err);
	if (rc == MM_OK) {
		if (ctx->out.format == MM_FMT_JSON ||
		    ctx->out.format == MM_FMT_YAML) {
			mm_out_doc(&ctx->out, doc, NULL);
		} else {
			snprintf(text, sizeof(text), "%lld", n);
			mm_out_line(&ctx->out, text);
		}
	}
	mm_json_free(doc);
	return rc;
}

/* ---- create / patch ---- */

static const struct mm_opt retention_create_opts[] = {
	MM_OPT_STRINGF(0, "name", "NAME", "the policy's display name",
		       MM_OPT_REQUIRED),
	{"days", 0, MM_OPT_K_INT, "DAYS",
	 "keep messages this many days (-1 = forever)", MM_OPT_REQUIRED, NULL,
	 -1, 1000000},
	MM_OPT_LIST(0, "team", "TEAM_ID", "apply to this team"),
	MM_OPT_LIST(0, "channel", "CHANNEL_ID", "apply to this channel"),
	MM_OPT_END(),
};

static const struct mm_opt retention_patch_opts[] = {
	MM_OPT_STRING(0, "name", "NAME", "new display name"),
	MM_OPT_INT(0, "days", "DAYS",
		   "keep messages this many days (-1 = forever)", -1, 1000000),
	MM_OPT_LIST(0, "team", "TEAM_ID",
		    "the policy's teams become exactly these"),
	MM_OPT_LIST(0, "channel", "CHANNEL_ID",
		    "the policy's channels become exactly these"),
	MM_OPT_END(),
};

static const char *const retention_create_examples[] = {
	"mmadm retention create --name 'Legal hold' --days 3650 --team "
	"4xp9fdt77pncbef59f4k1qe83o",
	NULL,
};

static const char *const retention_create_endpoints[] = {
	"POST /api/v4/data_retention/policies",
	NULL,
};

static const char *const retention_patch_examples[] = {
	"mmadm retention patch 9m8a3xs8ujgzzrqrjymw4fpbhc --days 90",
	NULL,
};

static const char *const retention_patch_endpoints[] = {
	"PATCH /api/v4/data_retention/policies/{policy_id}",
	NULL,
};

static void
policy_from_args(const struct mm_args *args, struct mm_retention_policy *p)
{
	const struct mm_strv *teams = mm_args_list(args, "team");
	const struct mm_strv *chans = mm_args_list(args, "channel");

	memset(p, 0, sizeof(*p));
	p->display_name = mm_args_get(args, "name");
	p->has_days = mm_args_has(args, "days");
	p->days = mm_args_int(args, "days", 0);
	if (teams != NULL && teams->n > 0) {
		p->set_teams = true;
		p->team_ids = (const char *const *)teams->v;
		p->nteams = teams->n;
	}
	if (chans != NULL && chans->n > 0) {
		p->set_channels = true;
		p->channel_ids = (const char *const *)chans->v;
		p->nchannels = chans->n;
	}
}

static enum mm_result
retention_create_exec(struct mm_ctx *ctx, const struct mm_args *args,
		      struct mm_error *err)
{
	struct mm_retention_policy p;
	struct mm_json *doc = NULL;
	struct mm_client *c;
	enum mm_result rc;

	policy_from_args(args, &p); /* --days is required by the table */
	rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_retention_create(c, &p, &doc, err);
	if (rc == MM_OK)
		print_policy(ctx, doc);
	mm_json_free(doc);
	return rc;
}

static enum mm_result
retention_patch_exec(struct mm_ctx *ctx, const struct mm_args *args,
		     struct mm_error *err)
{
	struct mm_retention_policy p;
	struct mm_json *doc = NULL;
	struct mm_client *c;
	enum mm_result rc;

	policy_from_args(args, &p);
	rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_retention_patch(c, mm_args_pos(args, 0), &p, &doc,
					    err);
	if (rc == MM_OK)
		print_policy(ctx, doc);
	mm_json_free(doc);
	return rc;
}

/* ---- delete ---- */

static const char *const retention_delete_examples[] = {
	"mmadm retention delete 9m8a3xs8ujgzzrqrjymw4fpbhc --yes",
	NULL,
};

static const char *const retention_delete_endpoints[] = {
	"DELETE /api/v4/data_retention/policies/{policy_id}",
	NULL,
};

static enum mm_result
retention_delete_exec(struct mm_ctx *ctx, const struct mm_args *args,
		      struct mm_error *err)
{
	return cmd_action_on(ctx, mm_api_retention_delete, mm_args_pos(args, 0),
			     "deleted retention policy %s", err);
}

/* ---- get ---- */

static const char *const retention_get_examples[] = {
	"mmadm retention get 9m8a3xs8ujgzzrqrjymw4fpbhc",
	NULL,
};

static const char *const retention_get_endpoints[] = {
	"GET /api/v4/data_retention/policies/{policy_id}",
	NULL,
};

static enum mm_result
retention_get_exec(struct mm_ctx *ctx, const struct mm_args *args,
		   struct mm_error *err)
{
	struct mm_json *doc = NULL;
	struct mm_client *c;
	enum mm_result rc;

	rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_retention_get(c, mm_args_pos(args, 0), &doc, err);
	if (rc == MM_OK)
		print_policy(ctx, doc);
	mm_json_free(doc);
	return rc;
}

/* ---- list ---- */

static const char *const retention_list_examples[] = {
	"mmadm retention list",
	"mmadm -o json retention list --all",
	NULL,
};

static const char *const retention_list_endpoints[] = {
	"GET /api/v4/data_retention/policies",
	NULL,
};

static enum mm_result
retention_list_exec(struct mm_ctx *ctx, const struct mm_args *args,
		    struct mm_error *err)
{
	struct mm_page_req req;
	struct mm_client *c;
	enum mm_result rc;

	memset(&req, 0, sizeof(req));
	mm_api_retention_list_req(&req);
	cmd_paging(ctx, args, &req);
	rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_retention_hint(
			cmd_list(ctx, c, &req, policy_cols, err), err);
	return rc;
}

/* ---- policy (global) ---- */

static const char *const retention_policy_examples[] = {
	"mmadm retention policy",
	NULL,
};

static const char *const retention_policy_endpoints[] = {
	"GET /api/v4/data_retention/policy",
	NULL,
};

static enum mm_result
retention_policy_exec(struct mm_ctx *ctx, const struct mm_args *args,
		      struct mm_error *err)
{
	(void)args;
	return cmd_get_show(ctx, mm_api_retention_global, NULL, err);
}

/* ---- per-user views ---- */

static const struct mm_arg user_args[] = {
	MM_ARG("USER_ID", "user id (26 characters) or me", 0),
	MM_ARG_END(),
};

static const char *const retention_user_channels_examples[] = {
	"mmadm retention user-channels me",
	NULL,
};

static const char *const retention_user_channels_endpoints[] = {
	"GET /api/v4/users/{user_id}/data_retention/channel_policies",
	NULL,
};

static const char *const retention_user_teams_examples[] = {
	"mmadm retention user-teams 5ng1ugyhxbrmfbwe4eoik8kr4w --all",
	NULL,
};

static const char *const retention_user_teams_endpoints[] = {
	"GET /api/v4/users/{user_id}/data_retention/team_policies",
	NULL,
};

static enum mm_result
user_exec(struct mm_ctx *ctx, const struct mm_args *args,
	  enum mm_retention_scope scope, struct mm_error *err)
{
	struct mm_buf path = MM_BUF_INIT;
	struct mm_page_req req;
	struct mm_client *c;
	enum mm_result rc;

	memset(&req, 0, sizeof(req));
	rc = mm_api_retention_user_req(scope, mm_args_pos(args, 0), &req, &path,
				       err);
	if (rc == MM_OK) {
		cmd_paging(ctx, args, &req);
		rc = mm_ctx_client(ctx, &c, err);
	}
	if (rc == MM_OK)
		rc = mm_api_retention_hint(cmd_list(ctx, c, &req,
						    scope == MM_RETENTION_TEAMS
							    ? user_team_cols
							    : user_channel_cols,
						    err),
					   err);
	mm_buf_release(&path);
	return rc;
}

static enum mm_result
retention_user_channels_exec(struct mm_ctx *ctx, const struct mm_args *args,
			     struct mm_error *err)
{
	return user_exec(ctx, args, MM_RETENTION_CHANNELS, err);
}

static enum mm_result
retention_user_teams_exec(struct mm_ctx *ctx, const struct mm_args *args,
			  struct mm_error *err)
{
	return user_exec(ctx, args, MM_RETENTION_TEAMS, err);
}

const struct mm_cmd_entry mm_retention_cmds[] = {
	{
		.name = "channels",
		.summary = "List, add, remove or search a policy's channels",
		.help = "list is paged (--page, --per-page, --all). add and "
			"remove take channel ids\nand answer OK. search finds "
			"the policy's channels whose name contains\nthe term "
			"(--team, --public, --private, --deleted narrow it).",
		.opts = retention_channels_opts,
		.args = members_args,
		.flags = RET_FLAGS | CMD_PAGED | CMD_WRITES,
		.examples = retention_channels_examples,
		.endpoints = retention_channels_endpoints,
		.exec = retention_channels_exec,
	},
	{
		.name = "count",
		.summary = "Count the granular retention policies",
		.flags = RET_FLAGS,
		.examples = retention_count_examples,
		.endpoints = retention_count_endpoints,
		.exec = retention_count_exec,
	},
	{
		.name = "create",
		.summary = "Create a retention policy for teams and channels",
		.help = "--days -1 keeps messages forever. Teams and channels "
			"can also be added\nlater with 'retention teams add' "
			"and 'retention channels add'.",
		.opts = retention_create_opts,
		.flags = RET_FLAGS | CMD_WRITES,
		.examples = retention_create_examples,
		.endpoints = retention_create_endpoints,
		.exec = retention_create_exec,
	},
	{
		.name = "delete",
		.summary = "Delete a retention policy",
		.args = policy_id_args,
		.flags = RET_FLAGS | CMD_WRITES | CMD_DESTRUCTIVE,
		.examples = retention_delete_examples,
		.endpoints = retention_delete_endpoints,
		.exec = retention_delete_exec,
	},
	{
		.name = "get",
		.summary = "Show one retention policy",
		.args = policy_id_args,
		.flags = RET_FLAGS,
		.examples = retention_get_examples,
		.endpoints = retention_get_endpoints,
		.exec = retention_get_exec,
	},
	{
		.name = "list",
		.summary = "List the granular retention policies",
		.help = "DAYS is how long messages are kept (-1 = forever). "
			"Data retention needs an\nEnterprise license: "
			"without one the server answers 501 (exit 12).",
		.flags = RET_FLAGS | CMD_PAGED,
		.examples = retention_list_examples,
		.endpoints = retention_list_endpoints,
		.exec = retention_list_exec,
	},
	{
		.name = "patch",
		.summary = "Change a retention policy",
		.help = "Only the given fields change. --team and --channel "
			"replace the policy's\nwhole team or channel list; "
			"to add or remove some, use 'retention teams\nadd|"
			"remove' and 'retention channels add|remove'.",
		.opts = retention_patch_opts,
		.args = policy_id_args,
		.flags = RET_FLAGS | CMD_WRITES,
		.examples = retention_patch_examples,
		.endpoints = retention_patch_endpoints,
		.exec = retention_patch_exec,
	},
	{
		.name = "policy",
		.summary = "Show the global data retention policy",
		.help = "Whether message and file deletion are on, and the "
			"current cutoffs (ms\nsince the epoch; 0 when off).",
		.flags = RET_FLAGS,
		.examples = retention_policy_examples,
		.endpoints = retention_policy_endpoints,
		.exec = retention_policy_exec,
	},
	{
		.name = "teams",
		.summary = "List, add, remove or search a policy's teams",
		.help = "list is paged (--page, --per-page, --all). add and "
			"remove take team ids and\nanswer OK. search finds "
			"the policy's teams whose name contains the term.",
		.args = members_args,
		.flags = RET_FLAGS | CMD_PAGED | CMD_WRITES,
		.examples = retention_teams_examples,
		.endpoints = retention_teams_endpoints,
		.exec = retention_teams_exec,
	},
	{
		.name = "user-channels",
		.summary = "Show the retention policies of a user's channels",
		.args = user_args,
		.flags = RET_FLAGS | CMD_PAGED,
		.examples = retention_user_channels_examples,
		.endpoints = retention_user_channels_endpoints,
		.exec = retention_user_channels_exec,
	},
	{
		.name = "user-teams",
		.summary = "Show the retention policies of a user's teams",
		.args = user_args,
		.flags = RET_FLAGS | CMD_PAGED,
		.examples = retention_user_teams_examples,
		.endpoints = retention_user_teams_endpoints,
		.exec = retention_user_teams_exec,
	},
	MM_CMD_END,
};
