/* db: database maintenance. */
#include "cmd.h"
#include "mmadm/api_system.h"

static const char *const db_recycle_examples[] = {
	"mmadm db recycle --yes",
	NULL,
};

static const char *const db_recycle_endpoints[] = {
	"POST /api/v4/database/recycle",
	NULL,
};

static enum mm_result
db_recycle_exec(struct mm_ctx *ctx, const struct mm_args *args,
		struct mm_error *err)
{
	(void)args;
	return cmd_action(ctx, mm_api_db_recycle,
			  "database connections recycled", err);
}

static const char *const db_schema_version_examples[] = {
	"mmadm db schema-version",
	"mmadm --local db schema-version -o json",
	NULL,
};

static const char *const db_schema_version_endpoints[] = {
	"GET /api/v4/system/schema/version",
	NULL,
};

static const struct mm_column db_schema_version_cols[] = {
	{"VERSION", "version"},
	{"NAME", "name"},
	MM_COLUMN_END,
};

static enum mm_result
db_schema_version_exec(struct mm_ctx *ctx, const struct mm_args *args,
		       struct mm_error *err)
{
	(void)args;
	return cmd_get_show(ctx, mm_api_system_schema_version,
			    db_schema_version_cols, err);
}

const struct mm_cmd_entry mm_db_cmds[] = {
	{
		.name = "recycle",
		.summary = "Close and reopen the server's database connections",
		.help = "Closes every connection to the master and read "
			"replica databases and opens\nthem again. Requests in "
			"flight may fail while it happens.",
		.flags = CMD_NEEDS_SERVER | CMD_NEEDS_AUTH | CMD_DESTRUCTIVE |
			 CMD_NO_LOCAL | CMD_WRITES,
		.examples = db_recycle_examples,
		.endpoints = db_recycle_endpoints,
		.exec = db_recycle_exec,
	},
	{
		.name = "schema-version",
		.summary = "List the database schema migrations applied",
		.help = "VERSION NAME rows as the server lists them (the "
			"newest "
			"first on current\nservers). Needs a system console "
			"read permission.",
		.flags = CMD_NEEDS_SERVER | CMD_NEEDS_AUTH,
		.examples = db_schema_version_examples,
		.endpoints = db_schema_version_endpoints,
		.exec = db_schema_version_exec,
	},
	MM_CMD_END,
};
