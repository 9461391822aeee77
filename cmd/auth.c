/* auth: log in, save and switch between servers (profiles). */
#include "cmd.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- shared ---- */

/* Load the profiles file; with update, under the writers' lock (held
 * until mm_profiles_release), except in a dry run, which writes nothing. */
static enum mm_result
load_profiles(struct mm_ctx *ctx, struct mm_profiles *p, const char **path,
	      bool update, struct mm_error *err)
{
	memset(p, 0, sizeof(*p));
	*path = mm_ctx_profiles_path(ctx, err);
	if (*path == NULL)
		return err->kind;
	if (update && !ctx->dry_run)
		return mm_profiles_load_for_update(*path, p, err);
	return mm_profiles_load(*path, p, err);
}

/* A profile name from a URL's host: "https://chat.example.com:8443/x" ->
 * "chat.example.com". */
static void
name_from_url(const char *url, char *buf, size_t size)
{
	const char *p = strstr(url, "://");
	size_t n = 0;

	p = p ? p + 3 : url;
	while (*p && *p != ':' && *p != '/' && n + 1 < size) {
		char ch = *p++;

		if (!isalnum((unsigned char)ch) && ch != '.' && ch != '-' &&
		    ch != '_')
			ch = '_';
		buf[n++] = ch;
	}
	buf[n] = '\0';
	if (n == 0)
		mm_strlcpy(buf, "default", size);
}

/* The secret from FILE, stdin or a no-echo prompt. */
static enum mm_result
get_secret(struct mm_ctx *ctx, const char *file, bool from_stdin,
	   const char *prompt, const char *what, const char *how,
	   struct mm_buf *out, struct mm_error *err)
{
	char *line;

	if (file != NULL && from_stdin)
		return mm_error_set(err, MM_ERR_USAGE,
				    "give the %s by file or by standard input, "
				    "not both",
				    what);
	if (file != NULL || from_stdin)
		return mm_read_secret_file(file ? file : "-", out, what, err);
	if (!ctx->in_tty)
		return mm_error_set(
			err, MM_ERR_USAGE,
			"no %s given and no terminal to ask on: use "
			"%s",
			what, how);
	line = ctx->ask(ctx, prompt, true);
	if (line == NULL)
		return mm_error_set(err, MM_ERR_CANCELLED, "no %s entered",
				    what);
	if (line[0] == '\0') {
		free(line);
		return mm_error_set(err, MM_ERR_USAGE, "empty %s", what);
	}
	if (!mm_buf_puts(out, line)) {
		mm_wipe(line, strlen(line));
		free(line);
		return mm_error_oom(err);
	}
	mm_wipe(line, strlen(line));
	free(line);
	return MM_OK;
}

/* Write the profiles file, except in a dry run: then everything up to the
 * write has been checked (the file loads, the change applies) and the
 * file is left as it is. */
static enum mm_result
commit_profiles(struct mm_ctx *ctx, const char *path,
		const struct mm_profiles *p, struct mm_error *err)
{
	if (ctx->dry_run)
		return MM_OK;
	return mm_profiles_save(path, p, err);
}

static enum mm_result
save_profile(struct mm_ctx *ctx, const struct mm_profile *prof,
	     struct mm_error *err)
{
	struct mm_profiles p;
	const char *path;
	enum mm_result rc = load_profiles(ctx, &p, &path, true, err);

	if (rc == MM_OK && (!mm_profiles_put(&p, prof) ||
			    !mm_profiles_set_active(&p, prof->name)))
		rc = mm_error_oom(err);
	if (rc == MM_OK)
		rc = commit_profiles(ctx, path, &p, err);
	mm_profiles_release(&p);
	return rc;
}

static enum mm_result
profile_name(const struct mm_args *args, const char *url, char *buf,
	     size_t size, struct mm_error *err)
{
	const char *name = mm_args_get(args, "name");

	if (name == NULL)
		name_from_url(url, buf, size);
	else
		mm_strlcpy(buf, name, size);
	if (!mm_profile_name_valid(buf))
		return mm_error_set(err, MM_ERR_USAGE,
				    "invalid profile name '%s': use 1-64 "
				    "letters, digits, '.', '-' or '_'",
				    buf);
	return MM_OK;
}

/* ---- login ---- */

static const struct mm_opt auth_login_opts[] = {
	MM_OPT_STRINGF(0, "username", "NAME", "user name or email",
		       MM_OPT_REQUIRED),
	MM_OPT_STRING(0, "name", "PROFILE",
		      "save as this profile (default: the host name)"),
	MM_OPT_FILE(0, "password-file", "FILE", "read the password from FILE",
		    MM_OPT_STDIN | MM_OPT_SECRET),
	MM_OPT_BOOL(0, "password-stdin",
		    "read the password from standard input"),
	MM_OPT_STRING(0, "mfa", "CODE", "MFA code, when the account needs one"),
	MM_OPT_END(),
};

static const struct mm_arg auth_url_args[] = {
	MM_ARG("URL", "server address (https://chat.example.com)", 0),
	MM_ARG_END(),
};

static const char *const auth_login_examples[] = {
	"mmadm auth login https://chat.example.com --username admin",
	"mmadm auth login https://chat.example.com --username admin "
	"--password-file pw.txt --name prod",
	NULL,
};

static const char *const auth_login_endpoints[] = {
	"POST /api/v4/users/login",
	NULL,
};

static enum mm_result
auth_login_exec(struct mm_ctx *ctx, const struct mm_args *args,
		struct mm_error *err)
{
	struct mm_buf pw = MM_BUF_INIT;
	struct mm_login_req req;
	struct mm_client *c;
	struct mm_json *user = NULL;
	struct mm_profile prof;
	char *url, *token = NULL, *mfa = NULL, name[80], prompt[300];
	enum mm_result rc;

	/* The server answers an empty login id with 401, as a wrong
	 * password: say what is wrong before asking for the password. */
	if (mm_args_get(args, "username") != NULL &&
	    mm_args_get(args, "username")[0] == '\0')
		return mm_error_set(err, MM_ERR_USAGE,
				    "--username needs a user name or email");
	url = mm_url_normalize(mm_args_pos(args, 0), err);
	if (url == NULL)
		return err->kind;
	rc = profile_name(args, url, name, sizeof(name), err);
	if (rc != MM_OK)
		goto out;
	if (snprintf(prompt, sizeof(prompt), "Password for %s at %s: ",
		     mm_args_get(args, "username"), url) < 0)
		prompt[0] = '\0';
	rc = get_secret(ctx, mm_args_get(args, "password-file"),
			mm_args_bool(args, "password-stdin", false), prompt,
			"password", "--password-file FILE or --password-stdin",
			&pw, err);
	if (rc == MM_OK)
		rc = mm_ctx_use_url(ctx, url, NULL, err);
	if (rc == MM_OK)
		rc = mm_ctx_client(ctx, &c, err);
	if (rc != MM_OK)
		goto out;
	memset(&req, 0, sizeof(req));
	req.login_id = mm_args_get(args, "username");
	req.password = mm_buf_str(&pw);
	req.mfa = mm_args_get(args, "mfa");
	rc = mm_api_login(c, &req, &token, &user, err);
	/* An MFA code: asked for on a terminal, again (3 tries in all) when
	 * a typed one was wrong; a wrong --mfa is final. */
	for (int tries = 0; rc != MM_OK && tries < 3 &&
			    ((req.mfa == NULL && mm_api_login_needs_mfa(err)) ||
			     (mfa != NULL && mm_api_login_bad_mfa(err)));
	     tries++) {
		if (!ctx->in_tty) {
			rc = mm_error_set(err, MM_ERR_AUTH,
					  "this account needs an MFA code: "
					  "give --mfa CODE");
			goto out;
		}
		if (mfa != NULL) {
			mm_warn(&ctx->out, "wrong MFA code, try again");
			mm_wipe(mfa, strlen(mfa));
			free(mfa);
		}
		mfa = ctx->ask(ctx, "MFA code: ", false);
		if (mfa == NULL) {
			rc = mm_error_set(err, MM_ERR_CANCELLED,
					  "no MFA code entered");
			goto out;
		}
		mm_error_clear(err);
		req.mfa = mfa;
		rc = mm_api_login(c, &req, &token, &user, err);
	}
	if (rc != MM_OK)
		goto out;
	memset(&prof, 0, sizeof(prof));
	prof.name = name;
	prof.url = url;
	prof.username = (char *)mm_args_get(args, "username");
	prof.auth = "password";
	prof.token = token;
	rc = save_profile(ctx, &prof, err);
	if (rc != MM_OK)
		goto out;
	if (ctx->dry_run) {
		/* The login was not sent: there is no session to save. */
		mm_note(&ctx->out,
			"dry run: would log in to %s as %s and save profile "
			"'%s' as the active one; the profiles file is not "
			"changed",
			url, req.login_id, name);
		goto out;
	}
	if (cmd_structured(ctx))
		mm_out_doc(&ctx->out, user, NULL);
	else {
		char line[400];

		if (snprintf(line, sizeof(line),
			     "logged in to %s as %s; profile '%s' saved and "
			     "active",
			     url, req.login_id, name) < 0)
			line[0] = '\0';
		mm_out_line(&ctx->out, line);
	}
out:
	if (token != NULL) {
		mm_wipe(token, strlen(token));
		free(token);
	}
	if (mfa != NULL)
		mm_wipe(mfa, strlen(mfa));
	free(mfa);
	mm_buf_wipe(&pw);
	mm_json_free(user);
	free(url);
	return rc;
}

/* ---- add-token ---- */

static const struct mm_opt auth_add_token_opts[] = {
	MM_OPT_STRING(0, "name", "PROFILE",
		      "save as this profile (default: the host name)"),
	MM_OPT_FILE(0, "token-file", "FILE", "read the token from FILE",
		    MM_OPT_STDIN | MM_OPT_SECRET),
	MM_OPT_BOOL(0, "token-stdin", "read the token from standard input"),
	MM_OPT_END(),
};

static const char *const auth_add_token_examples[] = {
	"mmadm auth add-token https://chat.example.com --name prod "
	"--token-file token.txt",
	NULL,
};

static const char *const auth_add_token_endpoints[] = {
	"GET /api/v4/users/me",
	NULL,
};

static enum mm_result
auth_add_token_exec(struct mm_ctx *ctx, const struct mm_args *args,
		    struct mm_error *err)
{
	struct mm_buf tok = MM_BUF_INIT;
	struct mm_client *c;
	struct mm_json *me = NULL;
	struct mm_profile prof;
	char *url, name[80], line[400];
	enum mm_result rc;

	url = mm_url_normalize(mm_args_pos(args, 0), err);
	if (url == NULL)
		return err->kind;
	rc = profile_name(args, url, name, sizeof(name), err);
	if (rc == MM_OK)
		rc = get_secret(ctx, mm_args_get(args, "token-file"),
				mm_args_bool(args, "token-stdin", false),
				"Access token: ", "token",
				"--token-file FILE or --token-stdin", &tok,
				err);
	if (rc == MM_OK)
		rc = mm_ctx_use_url(ctx, url, mm_buf_str(&tok), err);
	if (rc == MM_OK)
		rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK) {
		rc = mm_api_users_me(c, &me, err);
		if (rc != MM_OK)
			mm_error_prefix(err, "the token does not work");
	}
	if (rc != MM_OK)
		goto out;
	memset(&prof, 0, sizeof(prof));
	prof.name = name;
	prof.url = url;
	prof.username = (char *)mm_json_string(mm_json_get(me, "username"));
	prof.auth = "token";
	prof.token = (char *)mm_buf_str(&tok);
	rc = save_profile(ctx, &prof, err);
	if (rc != MM_OK)
		goto out;
	if (ctx->dry_run) {
		mm_note(&ctx->out,
			"dry run: would save the token for %s as %s as profile "
			"'%s' and make it active; the profiles file is not "
			"changed",
			url, prof.username ? prof.username : "?", name);
		goto out;
	}
	if (snprintf(line, sizeof(line),
		     "token for %s as %s saved; profile '%s' is active", url,
		     prof.username ? prof.username : "?", name) < 0)
		line[0] = '\0';
	mm_out_line(&ctx->out, line);
out:
	mm_buf_wipe(&tok);
	mm_json_free(me);
	free(url);
	return rc;
}

/* ---- list, use, remove ---- */

static const char *const auth_list_examples[] = {
	"mmadm auth list",
	NULL,
};

static enum mm_result
auth_list_exec(struct mm_ctx *ctx, const struct mm_args *args,
	       struct mm_error *err)
{
	static const char *const headers[] = {"ACTIVE", "NAME", "URL",
					      "USERNAME", "AUTH"};
	struct mm_profiles p;
	const char *path, **cells = NULL;
	enum mm_result rc;

	(void)args;
	rc = load_profiles(ctx, &p, &path, false, err);
	if (rc != MM_OK)
		goto out;
	cells = calloc(p.n * 5 + 1, sizeof(*cells));
	if (cells == NULL) {
		rc = mm_error_oom(err);
		goto out;
	}
	for (size_t i = 0; i < p.n; i++) {
		const struct mm_profile *pr = &p.v[i];

		cells[i * 5] = mm_streq(p.active, pr->name) ? "*" : "";
		cells[i * 5 + 1] = pr->name;
		cells[i * 5 + 2] =
			pr->local ? (pr->socket ? pr->socket : "(local)")
				  : (pr->url ? pr->url : "");
		cells[i * 5 + 3] = pr->username ? pr->username : "";
		cells[i * 5 + 4] =
			pr->auth ? pr->auth : (pr->local ? "local" : "");
	}
	mm_out_rows(&ctx->out, headers, 5, cells, p.n);
	if (p.n == 0)
		mm_note(&ctx->out, "no profiles yet: 'mmadm auth login URL "
				   "--username NAME' adds one");
out:
	free(cells);
	mm_profiles_release(&p);
	return rc;
}

static const struct mm_arg auth_name_args[] = {
	MM_ARG("NAME", "profile name", MM_ARG_IS_PROFILE),
	MM_ARG_END(),
};

static const char *const auth_use_examples[] = {
	"mmadm auth use prod",
	NULL,
};

static enum mm_result
auth_use_exec(struct mm_ctx *ctx, const struct mm_args *args,
	      struct mm_error *err)
{
	struct mm_profiles p;
	const char *path, *name = mm_args_pos(args, 0);
	enum mm_result rc = load_profiles(ctx, &p, &path, true, err);

	if (rc == MM_OK && mm_profiles_find(&p, name) == NULL)
		rc = mm_error_set(err, MM_ERR_CONFIG,
				  "no profile named '%s' (see 'mmadm auth "
				  "list')",
				  name);
	if (rc == MM_OK && !mm_profiles_set_active(&p, name))
		rc = mm_error_oom(err);
	if (rc == MM_OK)
		rc = commit_profiles(ctx, path, &p, err);
	if (rc == MM_OK && ctx->dry_run)
		mm_note(&ctx->out,
			"dry run: would make profile '%s' the active one; "
			"the profiles file is not changed",
			name);
	mm_profiles_release(&p);
	return rc;
}

static const char *const auth_remove_examples[] = {
	"mmadm auth remove staging",
	NULL,
};

static enum mm_result
auth_remove_exec(struct mm_ctx *ctx, const struct mm_args *args,
		 struct mm_error *err)
{
	struct mm_profiles p;
	const char *path, *name = mm_args_pos(args, 0);
	enum mm_result rc = load_profiles(ctx, &p, &path, true, err);

	if (rc == MM_OK && !mm_profiles_remove(&p, name))
		rc = mm_error_set(err, MM_ERR_CONFIG,
				  "no profile named '%s' (see 'mmadm auth "
				  "list')",
				  name);
	if (rc == MM_OK)
		rc = commit_profiles(ctx, path, &p, err);
	if (rc == MM_OK && ctx->dry_run)
		mm_note(&ctx->out,
			"dry run: would remove profile '%s'; the profiles "
			"file is not changed",
			name);
	mm_profiles_release(&p);
	return rc;
}

/* ---- current, logout ---- */

static const char *const auth_current_examples[] = {
	"mmadm auth current",
	"mmadm --profile staging auth current",
	NULL,
};

static enum mm_result
auth_current_exec(struct mm_ctx *ctx, const struct mm_args *args,
		  struct mm_error *err)
{
	static const char *const headers[] = {"SETTING", "VALUE", "FROM"};
	const struct mm_target *t = &ctx->target;
	const char *cells[4 * 3];

	(void)args;
	(void)err;
	cells[0] = "profile";
	cells[1] = t->profile ? t->profile : "";
	cells[2] = mm_source_name(t->profile_src);
	cells[3] = t->local ? "socket" : "url";
	cells[4] = t->local ? t->socket : t->url;
	cells[5] = mm_source_name(t->local ? t->socket_src : t->url_src);
	cells[6] = "local";
	cells[7] = t->local ? "true" : "false";
	cells[8] = mm_source_name(t->local_src);
	cells[9] = "token";
	cells[10] = t->local ? "(not used)" : (t->token ? "set" : "none");
	cells[11] = mm_source_name(t->token_src);
	mm_out_rows(&ctx->out, headers, 3, cells, 4);
	return MM_OK;
}

static const char *const auth_logout_examples[] = {
	"mmadm auth logout",
	NULL,
};

static const char *const auth_logout_endpoints[] = {
	"POST /api/v4/users/logout",
	NULL,
};

static enum mm_result
auth_logout_exec(struct mm_ctx *ctx, const struct mm_args *args,
		 struct mm_error *err)
{
	struct mm_client *c;
	struct mm_profiles p;
	struct mm_profile *pr;
	const char *path;
	enum mm_result rc;

	(void)args;
	rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_logout(c, err);
	if (rc != MM_OK)
		return rc;
	if (ctx->target.token_src != MM_SRC_PROFILE) {
		if (ctx->dry_run)
			mm_note(&ctx->out,
				"dry run: would end the session on the "
				"server; the token came from the "
				"environment, no profile would change");
		else
			mm_note(&ctx->out,
				"session ended on the server; the token "
				"came from the environment, no profile "
				"changed");
		return MM_OK;
	}
	rc = load_profiles(ctx, &p, &path, true, err);
	pr = rc == MM_OK ? mm_profiles_find(&p, ctx->target.profile) : NULL;
	if (pr != NULL && pr->token != NULL) {
		struct mm_profile copy = *pr;

		copy.token = NULL;
		if (!mm_profiles_put(&p, &copy))
			rc = mm_error_oom(err);
		else
			rc = commit_profiles(ctx, path, &p, err);
	}
	mm_profiles_release(&p);
	if (rc == MM_OK && ctx->dry_run)
		mm_note(&ctx->out,
			"dry run: would end the session on the server and "
			"remove the token of profile '%s'; the profiles "
			"file is not changed",
			ctx->target.profile ? ctx->target.profile : "?");
	else if (rc == MM_OK)
		mm_out_line(&ctx->out, "logged out; the profile's token was "
				       "removed");
	return rc;
}

const struct mm_cmd_entry mm_auth_cmds[] = {
	{
		.name = "add-token",
		.summary = "Save a personal access token as a profile",
		.help = "The token is read from --token-file, standard input "
			"or a prompt that does\nnot echo; it is never taken "
			"from the command line. It is checked with\nGET "
			"/users/me before it is saved.",
		.opts = auth_add_token_opts,
		.args = auth_url_args,
		.examples = auth_add_token_examples,
		.endpoints = auth_add_token_endpoints,
		.exec = auth_add_token_exec,
	},
	{
		.name = "current",
		.summary = "Show which server and credentials a command would "
			   "use",
		.flags = CMD_NEEDS_SERVER,
		.examples = auth_current_examples,
		.exec = auth_current_exec,
	},
	{
		.name = "list",
		.aliases = (const char *const[]){"ls", NULL},
		.summary = "List the saved profiles",
		.examples = auth_list_examples,
		.exec = auth_list_exec,
	},
	{
		.name = "login",
		.summary = "Log in with a user name and password and save the "
			   "session",
		.help = "The password comes from --password-file, "
			"--password-stdin or a prompt that does\nnot echo. "
			"When the account has MFA, give --mfa CODE or answer "
			"the prompt.\nThe session token is saved in the "
			"profiles file (mode 0600) and the\nprofile becomes "
			"active.",
		.opts = auth_login_opts,
		.args = auth_url_args,
		.examples = auth_login_examples,
		.endpoints = auth_login_endpoints,
		.exec = auth_login_exec,
	},
	{
		.name = "logout",
		.summary = "End the session on the server and forget its token",
		.flags = CMD_NEEDS_SERVER | CMD_NEEDS_AUTH | CMD_NO_LOCAL,
		.examples = auth_logout_examples,
		.endpoints = auth_logout_endpoints,
		.exec = auth_logout_exec,
	},
	{
		.name = "remove",
		.aliases = (const char *const[]){"rm", NULL},
		.summary = "Delete a saved profile",
		.args = auth_name_args,
		.examples = auth_remove_examples,
		.exec = auth_remove_exec,
	},
	{
		.name = "use",
		.summary = "Make a saved profile the active one",
		.args = auth_name_args,
		.examples = auth_use_examples,
		.exec = auth_use_exec,
	},
	MM_CMD_END,
};
