/*
 * Wrapping a command: fleet mode, --jq, --watch, --curl. Every
 * combination is checked (and --jq compiled) before any request, so a
 * usage error never follows a half-done run.
 */
#include "mmadm/cli_ext.h"

#include <stdlib.h>
#include <string.h>

#define MM_FLEET_DEFAULT_PARALLEL 16

bool
mm_ext_wanted(const struct mm_args *a)
{
	static const char *const names[] = {
		"profiles", "all-profiles",    "profiles-matching",
		"parallel", "yes-all-servers", "jq",
		"watch",    "count",           "curl",
		NULL};

	for (size_t i = 0; names[i] != NULL; i++)
		if (mm_args_has(a, names[i]))
			return true;
	return false;
}

static bool
writes(const struct mm_cmd_entry *cmd)
{
	return (cmd->flags & (CMD_WRITES | CMD_DESTRUCTIVE)) != 0;
}

enum mm_result
mm_ext_may_write(struct mm_ctx *ctx, const char *what, struct mm_error *err)
{
	if (mm_args_has(ctx->globals, "watch"))
		return mm_error_set(err, MM_ERR_USAGE,
				    "--watch repeats read-only requests, and "
				    "%s changes server state",
				    what);
	if (ctx->multi != NULL && !ctx->dry_run &&
	    !mm_args_bool(ctx->globals, "yes-all-servers", false))
		return mm_error_set(err, MM_ERR_USAGE,
				    "%s changes server state: on several "
				    "servers at once it needs "
				    "--yes-all-servers (or --dry-run)",
				    what);
	return MM_OK;
}

struct plan {
	struct mm_ctx *ctx;
	const struct mm_family *fam;
	const struct mm_cmd_entry *cmd;
	const struct mm_args *args;
	struct mm_strv names; /* fleet members; empty = one server */
	int parallel;
	struct mm_jq *jq;
};

static enum mm_result
check(struct plan *p, struct mm_error *err)
{
	const struct mm_args *a = p->args;
	const struct mm_cmd_entry *cmd = p->cmd;
	const char *fn = p->fam->name, *cn = cmd->name;
	const char *list = mm_args_get(a, "profiles");
	const char *glob = mm_args_get(a, "profiles-matching");
	const char *o = mm_args_get(a, "output");
	bool all = mm_args_bool(a, "all-profiles", false);
	bool fleet = list != NULL || all || glob != NULL;
	bool watch = mm_args_has(a, "watch"), curl = mm_args_bool(a, "curl", 0);
	bool jq = mm_args_get(a, "jq") != NULL;

	if ((list != NULL) + all + (glob != NULL) > 1)
		return mm_error_set(err, MM_ERR_USAGE,
				    "--profiles, --all-profiles and "
				    "--profiles-matching exclude each other");
	if (!fleet &&
	    (mm_args_has(a, "parallel") || mm_args_has(a, "yes-all-servers")))
		return mm_error_set(err, MM_ERR_USAGE,
				    "--parallel and --yes-all-servers apply "
				    "only with --profiles, --all-profiles or "
				    "--profiles-matching");
	if ((fleet || watch || curl) && !(cmd->flags & CMD_NEEDS_SERVER))
		return mm_error_set(err, MM_ERR_USAGE,
				    "'%s %s' does not talk to a server: "
				    "fleet options, --watch and --curl do not "
				    "apply",
				    fn, cn);
	if (fleet && (mm_args_has(a, "url") || mm_args_has(a, "profile") ||
		      mm_args_has(a, "local") || mm_args_has(a, "socket")))
		return mm_error_set(err, MM_ERR_USAGE,
				    "fleet mode takes each server from its "
				    "profile: --url, --profile, --local and "
				    "--socket do not combine with it");
	if (fleet && writes(cmd) && !p->ctx->dry_run &&
	    !mm_args_bool(a, "yes-all-servers", false))
		return mm_error_set(err, MM_ERR_USAGE,
				    "'%s %s' changes server state: on several "
				    "servers at once it needs "
				    "--yes-all-servers (or --dry-run)",
				    fn, cn);
	/* Fleet output is printed once every server is done: a run that
	 * only ends on Ctrl-C would print nothing at all. */
	if (fleet && mm_args_bool(a, "follow", false))
		return mm_error_set(err, MM_ERR_USAGE,
				    "'%s %s --follow' runs until stopped, and "
				    "fleet mode prints when every server is "
				    "done: drop --follow (or use --watch)",
				    fn, cn);
	if (fleet && (cmd->flags & CMD_STREAM) && !mm_args_has(a, "count"))
		return mm_error_set(err, MM_ERR_USAGE,
				    "'%s %s' runs until stopped, and fleet "
				    "mode prints when every server is done: "
				    "give --count N",
				    fn, cn);
	if (watch && writes(cmd))
		return mm_error_set(err, MM_ERR_USAGE,
				    "--watch repeats read-only commands, and "
				    "'%s %s' changes server state",
				    fn, cn);
	if (mm_args_has(a, "count") && !watch && !(cmd->flags & CMD_STREAM))
		return mm_error_set(err, MM_ERR_USAGE,
				    "--count applies with --watch (or to "
				    "commands that stream, like 'events')");
	if (curl && (fleet || watch || jq))
		return mm_error_set(err, MM_ERR_USAGE,
				    "--curl prints the requests for one run "
				    "on one server: it does not combine with "
				    "fleet options, --watch or --jq");
	if (jq && ((o != NULL && strcmp(o, "json") != 0) ||
		   mm_args_has(a, "columns")))
		return mm_error_set(err, MM_ERR_USAGE,
				    "--jq filters JSON output: it does not "
				    "combine with --output %s or --columns",
				    o != NULL ? o : "table");
	p->parallel =
		(int)mm_args_int(a, "parallel", MM_FLEET_DEFAULT_PARALLEL);
	if (jq) {
		enum mm_result rc =
			mm_jq_compile(mm_args_get(a, "jq"), &p->jq, err);

		if (rc != MM_OK)
			return rc;
	}
	if (fleet) {
		struct mm_profiles set = {0};
		const char *path = mm_ctx_profiles_path(p->ctx, err);
		enum mm_result rc;

		if (path == NULL)
			return err->kind;
		rc = mm_profiles_load(path, &set, err);
		if (rc == MM_OK)
			rc = mm_fleet_select(&set, list, all, glob, &p->names,
					     err);
		mm_profiles_release(&set);
		if (rc != MM_OK)
			return rc;
	}
	return MM_OK;
}

/* Destructive commands on a fleet: one question for all servers. */
static enum mm_result
confirm_fleet(struct plan *p, struct mm_error *err)
{
	struct mm_ctx *ctx = p->ctx;
	char q[512];

	if (!(p->cmd->flags & CMD_DESTRUCTIVE) || ctx->yes || ctx->dry_run)
		return MM_OK;
	if (!ctx->in_tty)
		return mm_error_set(err, MM_ERR_USAGE,
				    "'%s %s' is destructive: confirm with "
				    "--yes (there is no terminal to ask on)",
				    p->fam->name, p->cmd->name);
	snprintf(q, sizeof(q), "%s on %zu servers (%s%s): proceed?",
		 p->cmd->summary, p->names.n, p->names.v[0],
		 p->names.n > 1 ? ", ..." : "");
	if (!mm_cli_confirm(ctx, q))
		return mm_error_set(err, MM_ERR_CANCELLED, "cancelled");
	return MM_OK;
}

/* One run on one server with its JSON output filtered as it comes. */
static enum mm_result
run_jq(struct plan *p, struct mm_error *err)
{
	struct mm_ctx *ctx = p->ctx;
	struct mm_out real = ctx->out;
	struct mm_jq_stream *s = NULL;
	struct mm_error serr;
	FILE *capture = NULL;
	enum mm_result rc, src;

	rc = mm_jq_stream_begin(p->jq, &real, &s, &capture, err);
	if (rc != MM_OK)
		return rc;
	mm_out_init(&ctx->out, capture, real.err, MM_FMT_JSON, true,
		    real.quiet);
	rc = mm_cli_exec_one(ctx, p->fam, p->cmd, p->args, err);
	mm_out_release(&ctx->out);
	mm_error_clear(&serr);
	src = mm_jq_stream_end(s, &serr);
	ctx->out = real;
	if (rc == MM_OK && src != MM_OK) {
		*err = serr;
		rc = src;
	} else if (src != MM_OK) {
		mm_cli_report(ctx, &serr);
	}
	return rc;
}

static enum mm_result
run_once(void *ud, struct mm_error *err)
{
	struct plan *p = ud;

	if (p->names.n > 0)
		return mm_fleet_run(p->ctx, p->fam, p->cmd, p->args, &p->names,
				    p->parallel, p->jq, err);
	if (p->jq != NULL)
		return run_jq(p, err);
	return mm_cli_exec_one(p->ctx, p->fam, p->cmd, p->args, err);
}

/* --curl: the command runs as a dry run; each request goes to standard
 * output as a curl command and the command's own output is dropped. A
 * write command's reads are sent (it may need them to build the write);
 * a read command sends nothing and ends at its first request. */
static enum mm_result
run_curl(struct plan *p, struct mm_error *err)
{
	struct mm_ctx *ctx = p->ctx;
	FILE *real = ctx->out.out, *null = fopen("/dev/null", "w");
	struct mm_curl_show *s =
		mm_curl_show_new(real, writes(p->cmd) || ctx->dry_run);
	bool dry = ctx->dry_run;
	enum mm_result rc;

	if (null == NULL || s == NULL) {
		if (null != NULL)
			fclose(null);
		mm_curl_show_free(s);
		return mm_error_oom(err);
	}
	ctx->out.out = null;
	ctx->curl = s;
	ctx->dry_run = true;
	rc = mm_cli_exec_one(ctx, p->fam, p->cmd, p->args, err);
	ctx->dry_run = dry;
	ctx->curl = NULL;
	ctx->out.out = real;
	ctx->out.write_failed = false;
	fclose(null);
	if (rc == MM_ERR_CANCELLED && mm_curl_show_stopped(s)) {
		mm_error_clear(err);
		rc = MM_OK;
	}
	if (rc == MM_OK && mm_curl_show_failed(s))
		rc = mm_error_set(err, MM_ERR_IO, "cannot write output");
	mm_curl_show_free(s);
	return rc;
}

enum mm_result
mm_ext_run(struct mm_ctx *ctx, const struct mm_family *fam,
	   const struct mm_cmd_entry *cmd, const struct mm_args *args,
	   struct mm_error *err)
{
	struct plan p;
	enum mm_result rc;

	memset(&p, 0, sizeof(p));
	p.ctx = ctx;
	p.fam = fam;
	p.cmd = cmd;
	p.args = args;
	rc = check(&p, err);
	if (rc == MM_OK && p.names.n > 0)
		rc = confirm_fleet(&p, err);
	if (rc != MM_OK)
		goto out;
	if (mm_args_bool(args, "curl", false)) {
		rc = run_curl(&p, err);
	} else if (mm_args_has(args, "watch")) {
		char title[256];

		if (p.names.n > 0)
			snprintf(title, sizeof(title),
				 "mmadm %s %s (%zu servers)", fam->name,
				 cmd->name, p.names.n);
		else
			snprintf(title, sizeof(title), "mmadm %s %s", fam->name,
				 cmd->name);
		rc = mm_watch_run(ctx, title, mm_args_int(args, "watch", 2),
				  mm_args_int(args, "count", 0), run_once, &p,
				  err);
	} else {
		rc = run_once(&p, err);
	}
out:
	mm_jq_free(p.jq);
	mm_strv_release(&p.names);
	return rc;
}
