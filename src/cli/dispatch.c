/* The dispatcher: globals, family/command lookup, flags, exec. */
#include "cli_internal.h"
#include "mmadm/cli_ext.h"

#include <errno.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const format_choices[] = {"table", "json", "yaml", "plain",
					     NULL};

const struct mm_opt mm_global_opts[] = {
	MM_OPT_STRING(0, "url", "URL", "server address (https://host[:port])"),
	MM_OPT_STRINGF(0, "profile", "NAME", "use this saved profile",
		       MM_OPT_PROFILE),
	MM_OPT_BOOL(0, "local",
		    "talk to the server over its local unix socket (no token)"),
	MM_OPT_FILE(0, "socket", "PATH",
		    "local socket path (default " MM_DEFAULT_SOCKET ")", 0),
	MM_OPT_CHOICE('o', "output", "FORMAT",
		      "output format: table, json, yaml or plain",
		      format_choices),
	MM_OPT_BOOL(0, "json", "shorthand for --output json"),
	MM_OPT_BOOL('q', "quiet", "print no warnings or notes"),
	MM_OPT_BOOL('v', "verbose",
		    "trace requests and responses on stderr (token redacted)"),
	MM_OPT_INT(0, "timeout", "SECONDS", "give up on a request after this",
		   1, 86400),
	MM_OPT_BOOL(0, "insecure",
		    "do not verify the server's TLS certificate"),
	MM_OPT_FILE(0, "cacert", "FILE", "trust the CA certificates in FILE",
		    0),
	MM_OPT_BOOL('y', "yes",
		    "answer yes to confirmations (needed for "
		    "destructive commands without a terminal)"),
	MM_OPT_BOOL(0, "dry-run",
		    "show the requests that would change something, send none"),
	MM_OPT_STRING(0, "columns", "A,B.C",
		      "table/plain columns: dotted fields of each row"),
	MM_OPT_BOOL(0, "no-color", "no colour (also: NO_COLOR=1)"),
	MM_OPT_STRINGF(0, "profiles", "A,B,...",
		       "fleet mode: run on the servers of these profiles at "
		       "once; the output comes when every server is done",
		       MM_OPT_PROFILE),
	MM_OPT_BOOL(0, "all-profiles",
		    "fleet mode: run on the server of every saved profile"),
	MM_OPT_STRING(0, "profiles-matching", "GLOB",
		      "fleet mode: run on the servers of the profiles whose "
		      "name matches GLOB"),
	MM_OPT_INT(0, "parallel", "N",
		   "fleet mode: at most N servers at a time (default 16)", 1,
		   256),
	MM_OPT_BOOL(0, "yes-all-servers",
		    "fleet mode: let a command that changes server state run "
		    "on every selected server"),
	MM_OPT_STRING(0, "jq", "EXPR",
		      "filter the JSON result with a jq expression; one "
		      "result a line, strings raw"),
	MM_OPT_INT(0, "watch", "SECONDS",
		   "run a read command every SECONDS until Ctrl-C", 1, 86400),
	MM_OPT_INT(0, "count", "N",
		   "stop after N runs (--watch) or N items (events)", 1,
		   1000000000),
	MM_OPT_BOOL(0, "curl",
		    "print each request as a curl command; send no write"),
	MM_OPT_BOOL('h', "help", "show help and exit"),
	MM_OPT_BOOL(0, "version", "show the version and exit"),
	MM_OPT_END(),
};

const struct mm_opt mm_paged_opts[] = {
	MM_OPT_INT(0, "page", "N", "first page to fetch (0-based)", 0,
		   100000000),
	MM_OPT_INT(0, "per-page", "N",
		   "items per page (servers cap it: 200 for most "
		   "lists)",
		   1, 100000),
	MM_OPT_BOOL(0, "all", "fetch every page, streaming rows as they come"),
	MM_OPT_END(),
};

static char *default_ask(struct mm_ctx *ctx, const char *prompt, bool secret);

static const char *
env_lookup(const char *name)
{
	return getenv(name);
}

void
mm_ctx_init(struct mm_ctx *ctx, const struct mm_family *families, FILE *in,
	    FILE *out, FILE *err)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->families = families;
	ctx->in = in;
	ctx->in_tty = isatty(fileno(in)) == 1;
	ctx->getenv_fn = env_lookup;
	ctx->ask = default_ask;
	mm_out_init(&ctx->out, out, err, MM_FMT_AUTO, false, false);
}

void
mm_ctx_release(struct mm_ctx *ctx)
{
	mm_http_free(ctx->http);
	ctx->http = NULL;
	ctx->client_ok = false;
	if (ctx->client_key != NULL) {
		mm_wipe(ctx->client_key, strlen(ctx->client_key));
		free(ctx->client_key);
		ctx->client_key = NULL;
	}
	mm_target_release(&ctx->target);
	ctx->target_ok = false;
	mm_out_release(&ctx->out);
}

const struct mm_family *
mm_cli_find_family(const struct mm_family *fams, const char *name)
{
	for (size_t i = 0; fams[i].name != NULL; i++)
		if (strcmp(fams[i].name, name) == 0)
			return &fams[i];
	return NULL;
}

const struct mm_cmd_entry *
mm_cli_find_cmd(const struct mm_family *fam, const char *name)
{
	for (const struct mm_cmd_entry *c = fam->cmds; c->name != NULL; c++) {
		if (strcmp(c->name, name) == 0)
			return c;
		for (size_t j = 0; c->aliases != NULL && c->aliases[j]; j++)
			if (strcmp(c->aliases[j], name) == 0)
				return c;
	}
	return NULL;
}

static const char *
nearest_family(const struct mm_family *fams, const char *name)
{
	const char *best = NULL;
	size_t bestd = 3;

	for (size_t i = 0; fams[i].name != NULL; i++) {
		size_t d = mm_edit_distance(fams[i].name, name);

		if (d < bestd) {
			bestd = d;
			best = fams[i].name;
		}
	}
	if (bestd > 2 && strcmp("help", name) != 0 &&
	    mm_edit_distance("help", name) <= 1)
		best = "help";
	return best;
}

static const char *
nearest_cmd(const struct mm_family *fam, const char *name)
{
	const char *best = NULL;
	size_t bestd = 3;

	for (const struct mm_cmd_entry *c = fam->cmds; c->name != NULL; c++) {
		size_t d = mm_edit_distance(c->name, name);

		if (d < bestd) {
			bestd = d;
			best = c->name;
		}
	}
	return best;
}

static void
cmd_list(const struct mm_family *fam, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (const struct mm_cmd_entry *c = fam->cmds; c->name != NULL; c++) {
		int n = snprintf(buf + used, size - used, "%s%s",
				 c == fam->cmds ? "" : ", ", c->name);

		if (n < 0 || (size_t)n >= size - used)
			break;
		used += (size_t)n;
	}
}

/* Parse the option at argv[*i] into bag. */
static enum mm_result
parse_option(struct mm_args *bag, int argc, char **argv, int *i,
	     struct mm_error *err)
{
	const char *a = argv[*i], *value = NULL, *eq;
	struct mm_optval *v = NULL;
	bool negated = false;
	char name[128];

	if (a[1] == '-') {
		size_t n;

		eq = strchr(a + 2, '=');
		n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
		if (n == 0 || n >= sizeof(name))
			return mm_error_set(err, MM_ERR_USAGE,
					    "malformed option '%s'", a);
		memcpy(name, a + 2, n);
		name[n] = '\0';
		if (eq != NULL)
			value = eq + 1;
		v = mm_args_find(bag, name);
		if (v == NULL && strncmp(name, "no-", 3) == 0) {
			v = mm_args_find(bag, name + 3);
			if (v != NULL && v->opt->kind == MM_OPT_K_BOOL &&
			    (v->opt->flags & MM_OPT_NEGATABLE))
				negated = true;
			else
				v = NULL;
		}
		if (v == NULL) {
			const char *near = mm_args_nearest(bag, name);

			if (near != NULL)
				return mm_error_set(err, MM_ERR_USAGE,
						    "unknown option '--%s' "
						    "(did you mean '--%s'?)",
						    name, near);
			return mm_error_set(err, MM_ERR_USAGE,
					    "unknown option '--%s'", name);
		}
	} else {
		v = mm_args_find_short(bag, a[1]);
		if (v == NULL)
			return mm_error_set(err, MM_ERR_USAGE,
					    "unknown option '-%c'", a[1]);
		if (a[2] != '\0') {
			if (v->opt->kind == MM_OPT_K_BOOL)
				return mm_error_set(err, MM_ERR_USAGE,
						    "option '-%c' takes no "
						    "value ('%s')",
						    a[1], a);
			value = a + 2;
		}
	}
	if (v->opt->kind == MM_OPT_K_BOOL) {
		if (value != NULL)
			return mm_error_set(err, MM_ERR_USAGE,
					    "option --%s takes no value",
					    v->opt->name);
		return mm_args_store(v, NULL, negated, err);
	}
	if (value == NULL) {
		if (*i + 1 >= argc)
			return mm_error_set(
				err, MM_ERR_USAGE,
				"option --%s needs a value (%s)", v->opt->name,
				v->opt->argname ? v->opt->argname : "VALUE");
		value = argv[++*i];
	}
	return mm_args_store(v, value, false, err);
}

/* Copy the global values parsed before the command into the new bag. */
static enum mm_result
carry_globals(struct mm_args *from, struct mm_args *to, struct mm_error *err)
{
	for (size_t i = 0; i < from->nvals; i++) {
		struct mm_optval *s = &from->vals[i], *d;

		if (!s->set)
			continue;
		d = mm_args_find(to, s->opt->name);
		if (d == NULL || d->opt != s->opt)
			continue;
		d->set = true;
		d->bval = s->bval;
		if (s->sval != NULL && (d->sval = mm_strdup(s->sval)) == NULL)
			return mm_error_oom(err);
		for (size_t j = 0; j < s->list.n; j++)
			if (!mm_strv_push(&d->list, s->list.v[j]))
				return mm_error_oom(err);
	}
	return MM_OK;
}

static void
trace_to_stderr(void *ud, const char *line)
{
	struct mm_ctx *ctx = ud;
	struct mm_buf b = MM_BUF_INIT;

	if (mm_out_escape(line, true, &b))
		fprintf(ctx->out.err, "%s\n", mm_buf_str(&b));
	mm_buf_release(&b);
}

static void
dry_run_print(void *ud, const char *method, const char *path, const char *body)
{
	struct mm_ctx *ctx = ud;

	fprintf(ctx->out.out, "%s %s\n", method, path);
	if (body != NULL)
		fprintf(ctx->out.out, "%s\n", body);
}

/* The local socket must be a socket owned by us or root, not writable by
 * others: anyone who can plant a socket there could otherwise answer as
 * the server. */
static enum mm_result
check_socket(const char *path, struct mm_error *err)
{
	struct stat st;
	uid_t me = geteuid();

	if (lstat(path, &st) != 0) {
		if (errno == ENOENT)
			return mm_error_set(
				err, MM_ERR_CONNECT,
				"local socket %s does not exist: is the server "
				"running with ServiceSettings.EnableLocalMode "
				"on this host? (or give --socket PATH)",
				path);
		return mm_error_set(err, MM_ERR_CONNECT,
				    "cannot inspect local socket %s: %s", path,
				    strerror(errno));
	}
	if (!S_ISSOCK(st.st_mode))
		return mm_error_set(err, MM_ERR_CONNECT,
				    "%s is not a socket: check --socket or "
				    "ServiceSettings.LocalModeSocketLocation",
				    path);
	if (st.st_uid != me && st.st_uid != 0 && me != 0)
		return mm_error_set(err, MM_ERR_CONNECT,
				    "local socket %s belongs to uid %u, not to "
				    "you (uid %u): run mmadm as the server's "
				    "user",
				    path, (unsigned)st.st_uid, (unsigned)me);
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return mm_error_set(err, MM_ERR_CONNECT,
				    "local socket %s is writable by group or "
				    "others (mode %03o): the server creates it "
				    "0600; fix with chmod 600 %s",
				    path, (unsigned)(st.st_mode & 0777), path);
	return MM_OK;
}

/* Everything a client is made from, as one string (it holds the token:
 * wiped when dropped). The shell runs many commands on one ctx and keeps
 * the connection only while this stays the same. */
static char *
client_key(struct mm_ctx *ctx)
{
	struct mm_buf b = MM_BUF_INIT;
	const struct mm_target *t = &ctx->target;
	const char *cacert = mm_args_get(ctx->globals, "cacert");

	if (!mm_buf_printf(
		    &b, "%d\x1f%s\x1f%s\x1f%s\x1f%d\x1f%s\x1f%ld\x1f%d\x1f%d",
		    t->local, t->url ? t->url : "", t->socket ? t->socket : "",
		    t->token ? t->token : "",
		    mm_args_bool(ctx->globals, "insecure", false),
		    cacert ? cacert : "", ctx->timeout_s, ctx->verbose,
		    ctx->curl != NULL)) {
		mm_buf_wipe(&b);
		return NULL;
	}
	return mm_buf_take(&b);
}

static void
drop_client(struct mm_ctx *ctx)
{
	mm_http_free(ctx->http);
	ctx->http = NULL;
	ctx->client_ok = false;
	if (ctx->client_key != NULL) {
		mm_wipe(ctx->client_key, strlen(ctx->client_key));
		free(ctx->client_key);
		ctx->client_key = NULL;
	}
}

void
mm_ctx_http_config(struct mm_ctx *ctx, struct mm_http_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->base_url = ctx->target.url;
	cfg->unix_socket = ctx->target.local ? ctx->target.socket : NULL;
	cfg->token = ctx->target.local ? NULL : ctx->target.token;
	cfg->user_agent = "mmadm/" MMADM_VERSION " (linux)";
	cfg->timeout_s = ctx->timeout_s;
	cfg->insecure = mm_args_bool(ctx->globals, "insecure", false);
	cfg->cacert = mm_args_get(ctx->globals, "cacert");
	cfg->retries = 2;
	cfg->cancel = &ctx->cancel;
	cfg->multi = ctx->multi;
	if (ctx->verbose) {
		cfg->trace = trace_to_stderr;
		cfg->trace_ud = ctx;
	}
}

enum mm_result
mm_ctx_client(struct mm_ctx *ctx, struct mm_client **out, struct mm_error *err)
{
	struct mm_http_config cfg;
	enum mm_result rc;
	char *key;

	if (!ctx->target_ok)
		return mm_error_set(err, MM_ERR_OTHER,
				    "internal: no target resolved");
	key = client_key(ctx);
	if (key == NULL)
		return mm_error_oom(err);
	if (ctx->client_ok && mm_streq(key, ctx->client_key)) {
		mm_wipe(key, strlen(key));
		free(key);
		ctx->client.dry_run = ctx->dry_run;
		*out = &ctx->client;
		return MM_OK;
	}
	drop_client(ctx);
	ctx->client_key = key;
	if (ctx->target.local) {
		rc = check_socket(ctx->target.socket, err);
		if (rc != MM_OK)
			return rc;
	}
	mm_ctx_http_config(ctx, &cfg);
	rc = mm_http_new(&cfg, &ctx->http, err);
	if (rc != MM_OK) {
		drop_client(ctx);
		return rc;
	}
	mm_client_init(&ctx->client, ctx->http, ctx->target.local);
	ctx->client.dry_run = ctx->dry_run;
	ctx->client.dry_run_fn = dry_run_print;
	ctx->client.dry_run_ud = ctx;
	mm_curl_attach(ctx, &ctx->client);
	ctx->client_ok = true;
	*out = &ctx->client;
	return MM_OK;
}

bool
mm_cli_confirm(struct mm_ctx *ctx, const char *question)
{
	char prompt[512];
	char *answer;
	bool yes;

	if (snprintf(prompt, sizeof(prompt), "%s [y/N] ", question) < 0)
		return false;
	answer = ctx->ask(ctx, prompt, false);
	if (answer == NULL)
		return false;
	yes = strcmp(answer, "y") == 0 || strcmp(answer, "Y") == 0 ||
	      strcmp(answer, "yes") == 0 || strcmp(answer, "YES") == 0;
	free(answer);
	return yes;
}

const char *
mm_ctx_profiles_path(struct mm_ctx *ctx, struct mm_error *err)
{
	if (ctx->profiles_path[0] == '\0' &&
	    mm_conf_path(ctx->getenv_fn, ctx->profiles_path,
			 sizeof(ctx->profiles_path), err) != MM_OK) {
		ctx->profiles_path[0] = '\0';
		return NULL;
	}
	return ctx->profiles_path;
}

enum mm_result
mm_ctx_use_url(struct mm_ctx *ctx, const char *url, const char *token,
	       struct mm_error *err)
{
	drop_client(ctx);
	if (ctx->target_ok)
		mm_target_release(&ctx->target);
	memset(&ctx->target, 0, sizeof(ctx->target));
	ctx->target.url = mm_strdup(url);
	ctx->target.token = mm_strdup(token);
	ctx->target_ok = true;
	if (ctx->target.url == NULL ||
	    (token != NULL && ctx->target.token == NULL))
		return mm_error_oom(err);
	ctx->target.url_src = MM_SRC_FLAG;
	return MM_OK;
}

static enum mm_result
prepare_target(struct mm_ctx *ctx, const struct mm_family *fam,
	       const struct mm_cmd_entry *cmd, struct mm_error *err)
{
	struct mm_target_flags flags;
	enum mm_result rc;

	memset(&flags, 0, sizeof(flags));
	flags.url = mm_args_get(ctx->globals, "url");
	flags.profile = mm_args_get(ctx->globals, "profile");
	flags.socket = mm_args_get(ctx->globals, "socket");
	flags.local = mm_args_bool(ctx->globals, "local", false);
	if (mm_ctx_profiles_path(ctx, err) == NULL)
		return err->kind;
	if (ctx->target_ok) {
		mm_target_release(&ctx->target);
		ctx->target_ok = false;
	}
	rc = mm_target_resolve(&flags, ctx->getenv_fn, ctx->profiles_path,
			       &ctx->target, err);
	if (rc != MM_OK)
		return rc;
	ctx->target_ok = true;
	return mm_cli_check_target(ctx, fam, cmd, err);
}

enum mm_result
mm_cli_check_target(struct mm_ctx *ctx, const struct mm_family *fam,
		    const struct mm_cmd_entry *cmd, struct mm_error *err)
{
	if ((cmd->flags & CMD_LOCAL_ONLY) && !ctx->target.local)
		return mm_error_set(err, MM_ERR_LOCAL_ONLY,
				    "'%s %s' only works over the local socket: "
				    "run it on the server host with --local",
				    fam->name, cmd->name);
	if ((cmd->flags & CMD_NO_LOCAL) && ctx->target.local)
		return mm_error_set(err, MM_ERR_LOCAL_ONLY,
				    "the server does not offer '%s %s' over "
				    "the local socket: use --url with a token",
				    fam->name, cmd->name);
	if ((cmd->flags & CMD_NEEDS_AUTH) && !ctx->target.local &&
	    ctx->target.token == NULL)
		return mm_error_set(err, MM_ERR_AUTH,
				    "no token for %s: run 'mmadm auth login "
				    "%s' or set MMADM_TOKEN",
				    ctx->target.url, ctx->target.url);
	return MM_OK;
}

static enum mm_result
confirm_destructive(struct mm_ctx *ctx, const struct mm_family *fam,
		    const struct mm_cmd_entry *cmd, struct mm_error *err)
{
	char q[512];
	const char *where =
		ctx->target.local ? "the local server" : ctx->target.url;

	if (ctx->yes || ctx->dry_run)
		return MM_OK;
	if (!ctx->in_tty)
		return mm_error_set(
			err, MM_ERR_USAGE,
			"'%s %s' is destructive: confirm with --yes "
			"(there is no terminal to ask on)",
			fam->name, cmd->name);
	if (snprintf(q, sizeof(q), "%s on %s: %s?", cmd->summary,
		     where ? where : "the server", "proceed") < 0)
		q[0] = '\0';
	if (!mm_cli_confirm(ctx, q))
		return mm_error_set(err, MM_ERR_CANCELLED, "cancelled");
	return MM_OK;
}

enum mm_result
mm_cli_exec_one(struct mm_ctx *ctx, const struct mm_family *fam,
		const struct mm_cmd_entry *cmd, const struct mm_args *args,
		struct mm_error *err)
{
	enum mm_result rc;

	if (cmd->flags & CMD_NEEDS_SERVER) {
		rc = prepare_target(ctx, fam, cmd, err);
		if (rc != MM_OK)
			return rc;
		/* One command, one target, no TLS: skip OpenSSL's set-up.
		 * (Commands that reach other targets, such as config diff,
		 * resolve them themselves and are not CMD_NEEDS_SERVER.) */
		if (ctx->repl == NULL && ctx->multi == NULL &&
		    (ctx->target.local ||
		     (ctx->target.url != NULL &&
		      strncasecmp(ctx->target.url, "http://", 7) == 0)) &&
		    mm_http_promise_no_tls() && ctx->verbose)
			trace_to_stderr(ctx,
					"* no TLS in this run: OpenSSL set "
					"up without openssl.cnf");
	}
	if (cmd->flags & CMD_DESTRUCTIVE) {
		rc = confirm_destructive(ctx, fam, cmd, err);
		if (rc != MM_OK)
			return rc;
	}
	return cmd->exec(ctx, args, err);
}

/* A shell-only command, typed in the shell without its family word. */
static const struct mm_cmd_entry *
find_repl_cmd(const struct mm_family *fams, const char *name,
	      const struct mm_family **fam)
{
	for (size_t i = 0; fams[i].name != NULL; i++) {
		const struct mm_cmd_entry *c = mm_cli_find_cmd(&fams[i], name);

		if (c != NULL && (c->flags & CMD_REPL_ONLY)) {
			*fam = &fams[i];
			return c;
		}
	}
	return NULL;
}

static const struct mm_cmd_entry *
family_default(const struct mm_family *fam)
{
	for (const struct mm_cmd_entry *c = fam->cmds; c->name != NULL; c++)
		if (c->flags & CMD_FAMILY_DEFAULT)
			return c;
	return NULL;
}

static bool
is_target_opt(const char *name)
{
	return strcmp(name, "url") == 0 || strcmp(name, "profile") == 0 ||
	       strcmp(name, "local") == 0 || strcmp(name, "socket") == 0;
}

/* The shell's standing global options, under the line's own: an option
 * the line gives wins, and a line naming any part of the target (--url,
 * --profile, --local, --socket) takes none of the standing target. */
static enum mm_result
carry_sticky(const struct mm_args *sticky, struct mm_args *bag,
	     struct mm_error *err)
{
	bool line_target = false;

	for (size_t i = 0; i < bag->nvals; i++)
		if (bag->vals[i].set && is_target_opt(bag->vals[i].opt->name))
			line_target = true;
	for (size_t i = 0; i < sticky->nvals; i++) {
		const struct mm_optval *s = &sticky->vals[i];
		struct mm_optval *d;

		if (!s->set || (line_target && is_target_opt(s->opt->name)))
			continue;
		d = mm_args_find(bag, s->opt->name);
		if (d == NULL || d->opt != s->opt || d->set)
			continue;
		d->set = true;
		d->bval = s->bval;
		if (s->sval != NULL && (d->sval = mm_strdup(s->sval)) == NULL)
			return mm_error_oom(err);
	}
	return MM_OK;
}

/* Fixed values of positional arguments (MM_ARG_CHOICE). */
static enum mm_result
check_arg_choices(const struct mm_args *args, const struct mm_arg *specs,
		  struct mm_error *err)
{
	size_t nspecs = 0;

	while (specs != NULL && specs[nspecs].name != NULL)
		nspecs++;
	for (size_t i = 0; i < args->pos.n && nspecs > 0; i++) {
		const struct mm_arg *a = &specs[i < nspecs ? i : nspecs - 1];
		char list[256];
		size_t used = 0, j;

		if (a->choices == NULL ||
		    (i >= nspecs && !(a->flags & MM_ARG_VARIADIC)))
			continue;
		for (j = 0; a->choices[j] != NULL; j++)
			if (strcmp(a->choices[j], args->pos.v[i]) == 0)
				break;
		if (a->choices[j] != NULL)
			continue;
		list[0] = '\0';
		for (j = 0; a->choices[j] != NULL; j++) {
			int n = snprintf(list + used, sizeof(list) - used,
					 "%s%s", j ? ", " : "", a->choices[j]);

			if (n < 0 || (size_t)n >= sizeof(list) - used)
				break;
			used += (size_t)n;
		}
		return mm_error_set(err, MM_ERR_USAGE,
				    "%s takes one of %s, not '%s'", a->name,
				    list, args->pos.v[i]);
	}
	return MM_OK;
}

static void
print_version(struct mm_ctx *ctx)
{
	fprintf(ctx->out.out, "mmadm %s (%s)\n", MMADM_VERSION,
		mm_http_lib_version());
}

static enum mm_result
run_help(struct mm_ctx *ctx, struct mm_strv *words, struct mm_error *err)
{
	const struct mm_family *fam;
	const struct mm_cmd_entry *cmd;

	if (words->n == 0) {
		mm_help_main(ctx);
		return MM_OK;
	}
	if (strcmp(words->v[0], "exit-codes") == 0) {
		mm_help_exit_codes(ctx);
		return MM_OK;
	}
	if (strcmp(words->v[0], "environment") == 0) {
		mm_help_environment(ctx);
		return MM_OK;
	}
	fam = mm_cli_find_family(ctx->families, words->v[0]);
	if (fam == NULL && ctx->repl != NULL &&
	    (cmd = find_repl_cmd(ctx->families, words->v[0], &fam)) != NULL) {
		mm_help_cmd(ctx, fam, cmd);
		return MM_OK;
	}
	if (fam == NULL)
		return mm_error_set(err, MM_ERR_USAGE,
				    "no help for '%s': not a command or topic "
				    "(topics: exit-codes, environment)",
				    words->v[0]);
	if (words->n == 1) {
		mm_help_family(ctx, fam);
		return MM_OK;
	}
	cmd = mm_cli_find_cmd(fam, words->v[1]);
	if (cmd == NULL)
		return mm_error_set(err, MM_ERR_USAGE, "no command '%s %s'",
				    fam->name, words->v[1]);
	mm_help_cmd(ctx, fam, cmd);
	return MM_OK;
}

static enum mm_result
setup_output(struct mm_ctx *ctx, struct mm_args *bag, struct mm_error *err)
{
	enum mm_format fmt = ctx->default_format;
	const char *o = mm_args_get(bag, "output");
	FILE *out = ctx->out.out, *errf = ctx->out.err;

	if (o != NULL && !mm_format_parse(o, &fmt))
		return mm_error_set(err, MM_ERR_USAGE, "unknown format '%s'",
				    o);
	if (mm_args_bool(bag, "json", false)) {
		if (o != NULL && fmt != MM_FMT_JSON)
			return mm_error_set(err, MM_ERR_USAGE,
					    "--json and --output %s contradict "
					    "each other",
					    o);
		fmt = MM_FMT_JSON;
	}
	mm_out_release(&ctx->out);
	mm_out_init(&ctx->out, out, errf, fmt,
		    mm_args_bool(bag, "no-color", false),
		    mm_args_bool(bag, "quiet", false));
	ctx->out.cancel = &ctx->cancel;
	if (mm_args_get(bag, "columns") != NULL &&
	    !mm_out_set_columns(&ctx->out, mm_args_get(bag, "columns")))
		return mm_error_set(err, MM_ERR_USAGE,
				    "--columns takes a comma-separated list of "
				    "fields, not '%s'",
				    mm_args_get(bag, "columns"));
	ctx->yes = mm_args_bool(bag, "yes", false);
	ctx->dry_run = mm_args_bool(bag, "dry-run", false);
	ctx->verbose = mm_args_bool(bag, "verbose", false);
	ctx->timeout_s = mm_args_int(bag, "timeout", 0);
	return MM_OK;
}

/* The command is known: a bag for its options, holding the global
 * options parsed so far. */
static enum mm_result
select_cmd(struct mm_ctx *ctx, const struct mm_cmd_entry *cmd,
	   struct mm_args *gbag, struct mm_args **cbag, struct mm_error *err)
{
	ctx->cmd = cmd;
	*cbag = mm_args_new(cmd->opts,
			    (cmd->flags & CMD_PAGED) ? mm_paged_opts : NULL,
			    mm_global_opts);
	if (*cbag == NULL)
		return mm_error_oom(err);
	return carry_globals(gbag, *cbag, err);
}

enum mm_result
mm_cli_run(struct mm_ctx *ctx, int argc, char **argv, struct mm_error *err)
{
	struct mm_args *gbag = mm_args_new(NULL, NULL, mm_global_opts);
	struct mm_args *cbag = NULL, *bag;
	struct mm_strv help_words = MM_STRV_INIT;
	const struct mm_family *fam = NULL;
	const struct mm_cmd_entry *cmd = NULL;
	bool end_opts = false, help_mode = false, help_out = false;
	enum mm_result rc = MM_OK;

	ctx->family = NULL;
	ctx->cmd = NULL;
	ctx->error_reported = false;
	if (gbag == NULL)
		return mm_error_oom(err);
	bag = gbag;
	for (int i = 0; i < argc && rc == MM_OK; i++) {
		const char *a = argv[i];

		if (!end_opts && strcmp(a, "--") == 0) {
			end_opts = true;
			continue;
		}
		if (!end_opts && a[0] == '-' && a[1] != '\0') {
			/* "mmadm shell --file F": options after a family
			 * with a default command are that command's. */
			if (fam != NULL && cmd == NULL && !help_mode &&
			    (cmd = family_default(fam)) != NULL) {
				rc = select_cmd(ctx, cmd, gbag, &cbag, err);
				bag = cbag != NULL ? cbag : bag;
				if (rc != MM_OK)
					break;
			}
			rc = parse_option(bag, argc, argv, &i, err);
			continue;
		}
		if (help_mode) {
			if (!mm_strv_push(&help_words, a))
				rc = mm_error_oom(err);
			continue;
		}
		if (fam == NULL) {
			if (strcmp(a, "help") == 0) {
				help_mode = true;
				continue;
			}
			fam = mm_cli_find_family(ctx->families, a);
			if (fam == NULL && ctx->repl != NULL &&
			    (cmd = find_repl_cmd(ctx->families, a, &fam)) !=
				    NULL) {
				ctx->family = fam;
				rc = select_cmd(ctx, cmd, gbag, &cbag, err);
				bag = cbag != NULL ? cbag : bag;
				continue;
			}
			if (fam == NULL) {
				const char *near =
					nearest_family(ctx->families, a);

				if (near != NULL)
					rc = mm_error_set(
						err, MM_ERR_USAGE,
						"unknown command '%s' (did you "
						"mean '%s'?)",
						a, near);
				else /* mm_cli_report adds the help hint */
					rc = mm_error_set(
						err, MM_ERR_USAGE,
						"unknown command '%s'", a);
			}
			ctx->family = fam;
			continue;
		}
		if (cmd == NULL) {
			cmd = mm_cli_find_cmd(fam, a);
			/* "mmadm api GET /x": the word is the first argument
			 * of a default command that takes arguments. */
			if (cmd == NULL && !help_mode &&
			    family_default(fam) != NULL &&
			    family_default(fam)->args != NULL) {
				cmd = family_default(fam);
				rc = select_cmd(ctx, cmd, gbag, &cbag, err);
				bag = cbag != NULL ? cbag : bag;
				if (rc == MM_OK && !mm_strv_push(&bag->pos, a))
					rc = mm_error_oom(err);
				continue;
			}
			if (cmd == NULL) {
				const char *near = nearest_cmd(fam, a);
				char list[512];

				cmd_list(fam, list, sizeof(list));
				if (near != NULL)
					rc = mm_error_set(
						err, MM_ERR_USAGE,
						"unknown command '%s %s' (did "
						"you mean '%s %s'?)",
						fam->name, a, fam->name, near);
				else
					rc = mm_error_set(
						err, MM_ERR_USAGE,
						"unknown command '%s %s' "
						"(commands: %s)",
						fam->name, a, list);
				break;
			}
			rc = select_cmd(ctx, cmd, gbag, &cbag, err);
			bag = cbag != NULL ? cbag : bag;
			continue;
		}
		if (!mm_strv_push(&bag->pos, a))
			rc = mm_error_oom(err);
	}
	if (rc == MM_OK && fam != NULL && cmd == NULL && !help_mode &&
	    (cmd = family_default(fam)) != NULL) {
		rc = select_cmd(ctx, cmd, gbag, &cbag, err);
		bag = cbag != NULL ? cbag : bag;
	}
	if (rc == MM_OK && ctx->sticky != NULL)
		rc = carry_sticky(ctx->sticky, bag, err);
	ctx->globals = bag;
	if (rc == MM_OK)
		rc = setup_output(ctx, bag, err);
	if (rc != MM_OK) {
		/* --help wins over a usage error in what follows it. */
		if (rc != MM_ERR_USAGE || !mm_args_bool(bag, "help", false))
			goto out;
		mm_error_clear(err);
		rc = MM_OK;
	}
	if (mm_args_bool(bag, "version", false) && fam == NULL) {
		print_version(ctx);
		help_out = true;
		goto flush;
	}
	if (help_mode) {
		rc = run_help(ctx, &help_words, err);
		help_out = true;
		goto flush;
	}
	if (mm_args_bool(bag, "help", false)) {
		if (cmd != NULL)
			mm_help_cmd(ctx, fam, cmd);
		else if (fam != NULL)
			mm_help_family(ctx, fam);
		else
			mm_help_main(ctx);
		help_out = true;
		goto flush;
	}
	if (fam == NULL) {
		mm_help_main(ctx);
		help_out = true;
		goto flush;
	}
	if (cmd == NULL) {
		char list[512];

		cmd_list(fam, list, sizeof(list));
		rc = mm_error_set(err, MM_ERR_USAGE,
				  "missing command after '%s' (one of: %s)",
				  fam->name, list);
		goto out;
	}
	if ((cmd->flags & CMD_REPL_ONLY) && ctx->repl == NULL) {
		rc = mm_error_set(err, MM_ERR_USAGE,
				  "'%s' works only inside the interactive "
				  "shell (start it with 'mmadm %s')",
				  cmd->name, fam->name);
		goto out;
	}
	rc = mm_args_check(bag, cmd->args, err);
	if (rc == MM_OK)
		rc = check_arg_choices(bag, cmd->args, err);
	if (rc != MM_OK)
		goto out;
	if (mm_ext_wanted(bag))
		rc = mm_ext_run(ctx, fam, cmd, bag, err);
	else
		rc = mm_cli_exec_one(ctx, fam, cmd, bag, err);
flush:
	if (ctx->out.cancelled) {
		/* Output stopped on Ctrl-C or SIGTERM: what is still buffered
		 * is dropped (flushing it could block on a full pipe again). */
		__fpurge(ctx->out.out);
		if (rc == MM_OK)
			rc = mm_error_set(err, MM_ERR_CANCELLED, "cancelled");
	} else if ((mm_out_fflush(&ctx->out) != 0 ||
		    (help_out && ferror(ctx->out.out))) &&
		   errno != EPIPE && !ctx->out.closed && rc == MM_OK) {
		/* Help and --version write with stdio directly: for them the
		 * stream's error flag counts too, with errno from the failed
		 * write or flush. */
		rc = mm_error_set(err, MM_ERR_IO, "cannot write output: %s",
				  strerror(errno));
	} else if (ctx->out.write_failed && rc == MM_OK) {
		int e = ctx->out.write_errno;

		rc = mm_error_set(err, MM_ERR_IO, "cannot write output%s%s",
				  e != 0 ? ": " : "",
				  e != 0 ? strerror(e) : "");
	}
out:
	ctx->globals = NULL;
	mm_args_free(cbag);
	mm_args_free(gbag);
	mm_strv_release(&help_words);
	return rc;
}

void
mm_cli_report(struct mm_ctx *ctx, const struct mm_error *err)
{
	FILE *f = ctx->out.err;

	if (err->kind == MM_OK || ctx->error_reported)
		return;
	fputs("mmadm: ", f);
	if (ctx->where != NULL)
		fprintf(f, "%s: ", ctx->where);
	if (ctx->cmd != NULL && (ctx->cmd->flags & CMD_REPL_ONLY))
		fprintf(f, "%s: ", ctx->cmd->name);
	else if (ctx->family != NULL && ctx->cmd != NULL)
		fprintf(f, "%s %s: ", ctx->family->name, ctx->cmd->name);
	else if (ctx->family != NULL)
		fprintf(f, "%s: ", ctx->family->name);
	{
		/* Messages carry server text: escape it for the terminal. */
		struct mm_buf b = MM_BUF_INIT;
		const char *m = err->message[0] ? err->message
						: mm_result_text(err->kind);

		if (mm_out_escape(m, true, &b))
			fputs(mm_buf_str(&b), f);
		else
			fputs(m, f);
		mm_buf_release(&b);
	}
	if (err->kind == MM_ERR_USAGE) {
		if (ctx->cmd != NULL && (ctx->cmd->flags & CMD_REPL_ONLY))
			fprintf(f, " (see 'help %s')", ctx->cmd->name);
		else if (ctx->family != NULL && ctx->cmd != NULL)
			fprintf(f, " (see 'mmadm help %s %s')",
				ctx->family->name, ctx->cmd->name);
		else if (ctx->family != NULL)
			fprintf(f, " (see 'mmadm help %s')", ctx->family->name);
		else
			fputs(" (see 'mmadm help')", f);
	} else if (err->kind == MM_ERR_AUTH && err->http_status == 401 &&
		   (err->server_id[0] == '\0' ||
		    strcmp(err->server_id,
			   "api.context.session_expired.app_error") == 0)) {
		/* Only for a session the server refused: not for a failed
		 * login, an MFA prompt or a remote cluster's token. */
		fputs(" (token missing, expired or revoked, or personal access "
		      "tokens are disabled on the server: run 'mmadm auth "
		      "login')",
		      f);
	}
	if (ctx->verbose && err->request_id[0] != '\0')
		fprintf(f, " [request id %s]", err->request_id);
	if (ctx->verbose && err->detail[0] != '\0')
		fprintf(f, " [detail: %s]", err->detail);
	fputc('\n', f);
	fflush(f);
}

static char *
default_ask(struct mm_ctx *ctx, const char *prompt, bool secret)
{
	(void)ctx;
	return mm_cli_prompt_tty(prompt, secret);
}
