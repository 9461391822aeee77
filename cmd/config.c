/* config: read and change the server configuration. */
#include "cmd.h"
#include "mmadm/api_config.h"
#include "mmadm/yaml.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static enum mm_result
unknown_key(const struct mm_json *cfg, const char *key, struct mm_error *err)
{
	char near[256];

	if (mm_config_nearest_key(cfg, key, near, sizeof(near)))
		return mm_error_set(err, MM_ERR_USAGE,
				    "unknown config key '%s' (did you mean "
				    "'%s'?)",
				    key, near);
	return mm_error_set(err, MM_ERR_USAGE, "unknown config key '%s'", key);
}

/* ---- get ---- */

static const struct mm_opt config_get_opts[] = {
	MM_OPT_BOOL(0, "remove-masked",
		    "leave out settings the server masks (secrets)"),
	MM_OPT_BOOL(0, "remove-defaults",
		    "leave out settings that have their default value"),
	MM_OPT_END(),
};

static const struct mm_arg config_get_args[] = {
	MM_ARG("KEY", "dotted key or section (ServiceSettings.SiteURL)",
	       MM_ARG_OPTIONAL),
	MM_ARG_END(),
};

static const char *const config_get_aliases[] = {"show", "export", NULL};

static const char *const config_get_examples[] = {
	"mmadm config get ServiceSettings.SiteURL",
	"mmadm config get FileSettings -o yaml",
	"mmadm config get -o json > config.json",
	"mmadm config export --remove-masked --remove-defaults -o yaml",
	NULL,
};

static const char *const config_get_endpoints[] = {
	"GET /api/v4/config",
	NULL,
};

static enum mm_result
config_get_exec(struct mm_ctx *ctx, const struct mm_args *args,
		struct mm_error *err)
{
	struct mm_config_get_req req;
	struct mm_client *c;
	struct mm_json *cfg = NULL;
	const struct mm_json *v;
	const char *key = mm_args_pos(args, 0);
	enum mm_result rc;

	memset(&req, 0, sizeof(req));
	req.remove_masked = mm_args_bool(args, "remove-masked", false);
	req.remove_defaults = mm_args_bool(args, "remove-defaults", false);
	rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_config_get_with(c, &req, &cfg, err);
	if (rc != MM_OK)
		goto out;
	v = key ? mm_config_lookup(cfg, key) : cfg;
	if (v == NULL && (req.remove_masked || req.remove_defaults)) {
		rc = mm_error_set(err, MM_ERR_USAGE,
				  "%s is not in the config as filtered (masked "
				  "or default values are left out)",
				  key);
		goto out;
	}
	if (v == NULL) {
		rc = unknown_key(cfg, key, err);
		goto out;
	}
	mm_out_doc(&ctx->out, v, NULL);
out:
	mm_json_free(cfg);
	return rc;
}

/* ---- sending a patch (patch, set, edit) ---- */

static enum mm_result
print_changes(struct mm_ctx *ctx, const struct mm_config_changes *ch,
	      struct mm_error *err)
{
	static const char *const headers[] = {"KEY", "BEFORE", "AFTER"};
	const char **cells = calloc(ch->n * 3 + 1, sizeof(*cells));

	if (cells == NULL)
		return mm_error_oom(err);
	for (size_t i = 0; i < ch->n; i++) {
		cells[i * 3] = ch->v[i].key;
		cells[i * 3 + 1] = ch->v[i].before;
		cells[i * 3 + 2] = ch->v[i].after;
	}
	mm_out_rows(&ctx->out, headers, 3, cells, ch->n);
	free(cells);
	return MM_OK;
}

static void
warn_plugin_map(struct mm_ctx *ctx, const struct mm_client *c,
		const struct mm_json *doc)
{
	if (!c->local && mm_json_path(doc, "PluginSettings.Plugins") != NULL)
		mm_warn(&ctx->out,
			"PluginSettings.Plugins is saved as a whole: over TCP "
			"the server hides the settings of plugins that are "
			"not installed, so those are lost (use --local to "
			"keep them)");
}

/*
 * Send patch (built from cfg, the server's config): plugin maps are
 * completed from cfg, placeholders the server would not restore are
 * refused, then the changed keys are shown before and after (only the
 * preview in a dry run). *nothing tells that there was nothing to send.
 */
static enum mm_result
apply_patch(struct mm_ctx *ctx, struct mm_client *c, const struct mm_json *cfg,
	    struct mm_json *patch, bool *nothing, struct mm_error *err)
{
	struct mm_json *merged = NULL, *after = NULL;
	struct mm_config_changes preview = {NULL, 0}, done = {NULL, 0};
	enum mm_result rc;

	if (nothing != NULL)
		*nothing = false;
	if (!mm_config_patch_complete_maps(cfg, patch, NULL))
		return mm_error_oom(err);
	rc = mm_config_patch_guard(cfg, patch, err);
	if (rc != MM_OK)
		return rc;
	merged = mm_config_merge(cfg, patch);
	if (merged == NULL || !mm_config_diff(cfg, merged, patch, &preview)) {
		rc = mm_error_oom(err);
		goto out;
	}
	if (preview.n == 0) {
		mm_note(&ctx->out, "nothing to change: the server already has "
				   "these values");
		if (nothing != NULL)
			*nothing = true;
		goto out;
	}
	warn_plugin_map(ctx, c, patch);
	if (ctx->dry_run) {
		for (size_t i = 0; i < preview.n; i++)
			mm_note(&ctx->out, "would change %s: %s -> %s",
				preview.v[i].key, preview.v[i].before,
				preview.v[i].after);
	}
	rc = mm_api_config_patch(c, patch, &after, err);
	if (rc != MM_OK || ctx->dry_run)
		goto out;
	if (cmd_structured(ctx)) {
		mm_out_doc(&ctx->out, after, NULL);
		goto out;
	}
	if (!mm_config_diff(cfg, after, patch, &done)) {
		rc = mm_error_oom(err);
		goto out;
	}
	rc = print_changes(ctx, &done, err);
	/* Keys the server kept: an environment override or a write filter. */
	for (size_t i = 0; i < preview.n && rc == MM_OK; i++) {
		bool changed = false;

		for (size_t j = 0; j < done.n; j++)
			if (strcmp(done.v[j].key, preview.v[i].key) == 0)
				changed = true;
		if (!changed)
			mm_warn(&ctx->out,
				"%s did not change on the server (set by an "
				"environment variable, or not writable by you)",
				preview.v[i].key);
	}
out:
	mm_config_changes_release(&preview);
	mm_config_changes_release(&done);
	mm_json_free(merged);
	mm_json_free(after);
	return rc;
}

/* ---- patch ---- */

static const struct mm_opt config_patch_opts[] = {
	MM_OPT_LIST(0, "set", "Section.Key=VALUE",
		    "set one key, typed like the current value"),
	MM_OPT_END(),
};

static const struct mm_arg config_patch_args[] = {
	MM_ARG("FILE|-", "JSON or YAML patch file, - for standard input",
	       MM_ARG_OPTIONAL | MM_ARG_IS_FILE),
	MM_ARG_END(),
};

static const char *const config_patch_examples[] = {
	"mmadm config patch --set ServiceSettings.EnableDeveloper=true",
	"mmadm config patch --set LogSettings.ConsoleLevel=DEBUG --dry-run",
	"mmadm config patch changes.yaml",
	NULL,
};

static const char *const config_patch_endpoints[] = {
	"GET /api/v4/config",
	"PUT /api/v4/config/patch",
	NULL,
};

/* --set items: plugin settings (ids contain dots) one by one, the rest
 * together. */
static enum mm_result
patch_from_sets(const struct mm_json *cfg, const struct mm_strv *sets,
		struct mm_json **patch, struct mm_error *err)
{
	struct mm_strv plain = MM_STRV_INIT;
	struct mm_json *p = NULL;
	enum mm_result rc = MM_OK;

	*patch = NULL;
	for (size_t i = 0; i < sets->n && rc == MM_OK; i++)
		if (strncmp(sets->v[i], "PluginSettings.Plugin", 21) != 0 &&
		    !mm_strv_push(&plain, sets->v[i]))
			rc = mm_error_oom(err);
	if (rc == MM_OK)
		rc = mm_config_patch_from_sets(
			cfg, (const char *const *)plain.v, plain.n, &p, err);
	for (size_t i = 0; i < sets->n && rc == MM_OK; i++) {
		const char *eq = strchr(sets->v[i], '=');
		struct mm_json *one = NULL, *merged;
		char *key;

		if (strncmp(sets->v[i], "PluginSettings.Plugin", 21) != 0)
			continue;
		if (eq == NULL) {
			rc = mm_error_set(err, MM_ERR_USAGE,
					  "--set takes Section.Key=VALUE, not "
					  "'%s'",
					  sets->v[i]);
			break;
		}
		key = strndup(sets->v[i], (size_t)(eq - sets->v[i]));
		if (key == NULL) {
			rc = mm_error_oom(err);
			break;
		}
		eq++;
		rc = mm_config_patch_from_values(cfg, key, &eq, 1, &one, err);
		free(key);
		if (rc != MM_OK)
			break;
		merged = mm_config_merge(p, one);
		mm_json_free(one);
		if (merged == NULL) {
			rc = mm_error_oom(err);
			break;
		}
		mm_json_free(p);
		p = merged;
	}
	mm_strv_release(&plain);
	if (rc != MM_OK) {
		mm_json_free(p);
		return rc;
	}
	*patch = p;
	return MM_OK;
}

static enum mm_result
build_patch(const struct mm_json *cfg, const struct mm_args *args,
	    struct mm_json **patch, struct mm_error *err)
{
	const struct mm_strv *sets = mm_args_list(args, "set");
	const char *file = mm_args_pos(args, 0);
	enum mm_result rc;

	if (file != NULL && sets != NULL && sets->n > 0)
		return mm_error_set(err, MM_ERR_USAGE,
				    "give a patch FILE or --set, not both");
	if (file == NULL && (sets == NULL || sets->n == 0))
		return mm_error_set(err, MM_ERR_USAGE,
				    "nothing to patch: give a FILE or "
				    "--set Section.Key=VALUE");
	if (file == NULL)
		return patch_from_sets(cfg, sets, patch, err);
	rc = cmd_read_doc(file, patch, err);
	if (rc == MM_OK)
		rc = mm_config_patch_check(cfg, *patch, err);
	return rc;
}

static enum mm_result
config_patch_exec(struct mm_ctx *ctx, const struct mm_args *args,
		  struct mm_error *err)
{
	struct mm_client *c;
	struct mm_json *cfg = NULL, *patch = NULL;
	enum mm_result rc;

	rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_config_get(c, &cfg, err);
	if (rc == MM_OK)
		rc = build_patch(cfg, args, &patch, err);
	if (rc == MM_OK)
		rc = apply_patch(ctx, c, cfg, patch, NULL, err);
	mm_json_free(cfg);
	mm_json_free(patch);
	return rc;
}

/* ---- set ---- */

static const struct mm_opt config_set_opts[] = {
	MM_OPT_FILE(0, "value-file", "FILE",
		    "read the value from FILE (- = stdin), for secrets",
		    MM_OPT_STDIN | MM_OPT_SECRET),
	MM_OPT_END(),
};

static const struct mm_arg config_set_args[] = {
	MM_ARG("KEY", "dotted key (ServiceSettings.SiteURL)", 0),
	MM_ARG("VALUE", "the value; several values for a list setting",
	       MM_ARG_OPTIONAL | MM_ARG_VARIADIC),
	MM_ARG_END(),
};

static const char *const config_set_examples[] = {
	"mmadm config set ServiceSettings.SiteURL https://chat.example.com",
	"mmadm config set TeamSettings.MaxUsersPerTeam 250",
	("mmadm config set NativeAppSettings.AppCustomURLSchemes mmauth:// "
	 "mmauthbeta://"),
	"mmadm config set EmailSettings.SMTPPassword --value-file -",
	NULL,
};

static enum mm_result
config_set_exec(struct mm_ctx *ctx, const struct mm_args *args,
		struct mm_error *err)
{
	const char *key = mm_args_pos(args, 0);
	const char *vfile = mm_args_get(args, "value-file");
	const char **values = NULL;
	size_t n = mm_args_npos(args) - 1;
	struct mm_buf secret = MM_BUF_INIT;
	struct mm_client *c;
	struct mm_json *cfg = NULL, *patch = NULL;
	enum mm_result rc = MM_OK;

	if (vfile != NULL && n > 0)
		return mm_error_set(err, MM_ERR_USAGE,
				    "give VALUE or --value-file, not both");
	if (vfile == NULL && n == 0)
		return mm_error_set(err, MM_ERR_USAGE,
				    "no value: give VALUE (several for a list) "
				    "or --value-file FILE");
	values = calloc(n + 1, sizeof(*values));
	if (values == NULL)
		return mm_error_oom(err);
	if (vfile != NULL) {
		rc = mm_read_secret_file(vfile, &secret, "value", err);
		values[0] = mm_buf_str(&secret);
		n = 1;
	} else {
		for (size_t i = 0; i < n; i++)
			values[i] = mm_args_pos(args, i + 1);
		if (mm_config_key_is_secret(key))
			mm_warn(&ctx->out,
				"%s is a secret: a value on the command line "
				"is visible in the process list (use "
				"--value-file)",
				key);
	}
	if (rc == MM_OK)
		rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_config_get(c, &cfg, err);
	if (rc == MM_OK)
		rc = mm_config_patch_from_values(cfg, key, values, n, &patch,
						 err);
	if (rc == MM_OK)
		rc = apply_patch(ctx, c, cfg, patch, NULL, err);
	free(values);
	mm_buf_wipe(&secret);
	mm_json_free(cfg);
	mm_json_free(patch);
	return rc;
}

/* ---- edit ---- */

static const char *const edit_formats[] = {"yaml", "json", NULL};

static const struct mm_opt config_edit_opts[] = {
	MM_OPT_CHOICE(0, "format", "FORMAT",
		      "edit as yaml (the default) or json", edit_formats),
	MM_OPT_END(),
};

static const char *const config_edit_examples[] = {
	"mmadm config edit",
	"EDITOR=nano mmadm config edit --format json",
	"mmadm --local config edit",
	NULL,
};

static const char *const config_edit_endpoints[] = {
	"GET /api/v4/config",
	"PUT /api/v4/config/patch",
	NULL,
};

static const char yaml_header[] =
	"# mmadm config edit: change what you need, save and quit.\n"
	"# Only the settings you change are sent (PUT /config/patch).\n"
	"# Secrets shown as the server's placeholder (32 asterisks) are kept\n"
	"# as they are; deleting a setting does not reset it (see 'mmadm\n"
	"# config reset'). Save an unchanged file to send nothing.\n";

/* Write text to a new private temporary file; *path gets its name. */
static enum mm_result
write_temp(struct mm_ctx *ctx, const char *suffix, const struct mm_buf *text,
	   char **path, struct mm_error *err)
{
	const char *dir = ctx->getenv_fn("TMPDIR");
	struct mm_buf name = MM_BUF_INIT;
	size_t off = 0;
	int fd;

	*path = NULL;
	if (dir == NULL || dir[0] == '\0')
		dir = "/tmp";
	if (!mm_buf_printf(&name, "%s/mmadm-config-XXXXXX%s", dir, suffix))
		return mm_error_oom(err);
	fd = mkstemps(name.data, (int)strlen(suffix)); /* 0600 */
	if (fd < 0) {
		mm_error_set(err, MM_ERR_IO, "cannot create %s: %s",
			     mm_buf_str(&name), strerror(errno));
		mm_buf_release(&name);
		return err->kind;
	}
	while (off < text->len) {
		ssize_t w = write(fd, text->data + off, text->len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			mm_error_set(err, MM_ERR_IO, "cannot write %s: %s",
				     mm_buf_str(&name), strerror(errno));
			close(fd);
			unlink(name.data);
			mm_buf_release(&name);
			return err->kind;
		}
		off += (size_t)w;
	}
	if (close(fd) != 0) {
		mm_error_set(err, MM_ERR_IO, "cannot write %s: %s",
			     mm_buf_str(&name), strerror(errno));
		unlink(name.data);
		mm_buf_release(&name);
		return err->kind;
	}
	*path = mm_buf_take(&name);
	return MM_OK;
}

/* $EDITOR, or NULL when it is not set. */
static const char *
editor_env(struct mm_ctx *ctx)
{
	const char *editor = ctx->getenv_fn("EDITOR");

	return editor != NULL && editor[0] != '\0' ? editor : NULL;
}

/* The default editor (vi) draws on the terminal: without one on standard
 * input and output it cannot be used, and it would write its screen into
 * whatever stdout is. A set $EDITOR is the user's choice and may be a
 * script (EDITOR='sed -i ...'), so it runs anyway. */
static enum mm_result
check_editor_terminal(struct mm_ctx *ctx, struct mm_error *err)
{
	if (editor_env(ctx) != NULL ||
	    (isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1))
		return MM_OK;
	return mm_error_set(err, MM_ERR_USAGE,
			    "'config edit' needs a terminal for the editor "
			    "(vi; EDITOR is not set): use 'mmadm config get "
			    "-o json > FILE' and 'mmadm config patch FILE', "
			    "or set EDITOR to a command that edits its file "
			    "argument");
}

/* Run $EDITOR (default vi) on path through the shell, as git does, and
 * wait for it; Ctrl-C goes to the editor only. An editor that cannot be
 * started or fails is an error; one ended by Ctrl-C is a cancel. */
static enum mm_result
run_editor(struct mm_ctx *ctx, const char *path, struct mm_error *err)
{
	const char *editor = editor_env(ctx);
	struct sigaction ign, old_int, old_quit;
	struct mm_buf cmd = MM_BUF_INIT;
	int status = 0;
	pid_t pid;

	if (editor == NULL)
		editor = "vi";
	if (!mm_buf_printf(&cmd, "%s \"$@\"", editor))
		return mm_error_oom(err);
	fflush(ctx->out.out);
	fflush(ctx->out.err);
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	pid = fork();
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		execl("/bin/sh", "sh", "-c", mm_buf_str(&cmd), editor, path,
		      (char *)NULL);
		_exit(127);
	}
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	mm_buf_release(&cmd);
	if (pid < 0)
		return mm_error_set(err, MM_ERR_OTHER,
				    "cannot start the editor: %s",
				    strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return MM_OK;
	if (WIFEXITED(status) &&
	    (WEXITSTATUS(status) == 126 || WEXITSTATUS(status) == 127))
		return mm_error_set(err, MM_ERR_OTHER,
				    "cannot start the editor (%s): status %d "
				    "(%s): nothing sent",
				    editor, WEXITSTATUS(status),
				    WEXITSTATUS(status) == 127
					    ? "command not found"
					    : "not executable");
	/* The shell reports an editor ended by Ctrl-C as 128 + SIGINT. */
	if ((WIFEXITED(status) && WEXITSTATUS(status) == 128 + SIGINT) ||
	    (WIFSIGNALED(status) && WTERMSIG(status) == SIGINT))
		return mm_error_set(err, MM_ERR_CANCELLED,
				    "the editor (%s) was interrupted: nothing "
				    "sent",
				    editor);
	if (WIFEXITED(status))
		return mm_error_set(err, MM_ERR_OTHER,
				    "the editor (%s) failed with status %d: "
				    "nothing sent",
				    editor, WEXITSTATUS(status));
	return mm_error_set(err, MM_ERR_OTHER,
			    "the editor (%s) was killed by signal %d: nothing "
			    "sent",
			    editor, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

/* Render the config as the user edits it. */
static bool
render_edit(const struct mm_json *cfg, bool json, struct mm_buf *text)
{
	if (json)
		return mm_json_print(cfg, true, text) &&
		       mm_buf_putc(text, '\n');
	return mm_buf_puts(text, yaml_header) && mm_yaml_emit(cfg, text);
}

static void
note_removed(struct mm_ctx *ctx, const struct mm_strv *removed)
{
	for (size_t i = 0; i < removed->n && i < 5; i++)
		mm_warn(&ctx->out,
			"deleting %s does not change it: use 'mmadm config "
			"reset %s' for its default",
			removed->v[i], removed->v[i]);
	if (removed->n > 5)
		mm_warn(&ctx->out, "... and %zu more deleted settings",
			removed->n - 5);
}

static enum mm_result
config_edit_exec(struct mm_ctx *ctx, const struct mm_args *args,
		 struct mm_error *err)
{
	bool json = mm_streq(mm_args_get(args, "format"), "json");
	struct mm_buf before = MM_BUF_INIT, after = MM_BUF_INIT;
	struct mm_strv removed = MM_STRV_INIT;
	struct mm_client *c = NULL;
	struct mm_json *cfg = NULL, *edited = NULL, *patch = NULL;
	char *path = NULL;
	bool keep = false, nothing = false;
	enum mm_result rc;

	rc = check_editor_terminal(ctx, err);
	if (rc == MM_OK)
		rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_config_get(c, &cfg, err);
	if (rc != MM_OK)
		goto out;
	if (!render_edit(cfg, json, &before)) {
		rc = mm_error_oom(err);
		goto out;
	}
	rc = write_temp(ctx, json ? ".json" : ".yaml", &before, &path, err);
	if (rc == MM_OK)
		rc = run_editor(ctx, path, err);
	if (rc == MM_OK)
		rc = mm_read_file(path, (size_t)64 * 1024 * 1024, &after, err);
	if (rc != MM_OK)
		goto out;
	if (after.len == before.len &&
	    memcmp(mm_buf_str(&after), mm_buf_str(&before), after.len) == 0) {
		mm_note(&ctx->out, "no change: nothing sent");
		goto out;
	}
	keep = true; /* from here on a refusal keeps the user's work */
	if (after.len == 0) {
		rc = mm_error_set(err, MM_ERR_CANCELLED,
				  "the edited file is empty: nothing sent");
		keep = false;
		goto out;
	}
	rc = mm_yaml_parse(after.data, after.len, path, MM_ERR_USAGE, &edited,
			   err);
	if (rc == MM_OK)
		rc = mm_config_edit_patch(cfg, edited, &patch, &removed, err);
	if (rc != MM_OK)
		goto out;
	note_removed(ctx, &removed);
	rc = mm_config_patch_check(cfg, patch, err);
	if (rc != MM_OK)
		goto out;
	if (mm_json_size(patch) == 0) {
		mm_note(&ctx->out, "no change: nothing sent");
		keep = false;
		goto out;
	}
	rc = apply_patch(ctx, c, cfg, patch, &nothing, err);
	if (rc == MM_OK)
		keep = false;
out:
	if (path != NULL && keep && rc != MM_OK) {
		char msg[sizeof(err->message)];

		mm_strlcpy(msg, err->message, sizeof(msg));
		mm_error_set(err, err->kind, "%s; your edit is kept in %s%s",
			     msg, path,
			     c != NULL && c->local
				     ? " (it holds the server's secrets: "
				       "delete it when done)"
				     : "");
	} else if (path != NULL) {
		unlink(path);
	}
	free(path);
	mm_buf_wipe(&before);
	mm_buf_wipe(&after);
	mm_strv_release(&removed);
	mm_json_free(cfg);
	mm_json_free(edited);
	mm_json_free(patch);
	return rc;
}

/* ---- reload ---- */

static const char *const config_reload_examples[] = {
	"mmadm config reload",
	"mmadm --local config reload",
	NULL,
};

static const char *const config_reload_endpoints[] = {
	"POST /api/v4/config/reload",
	NULL,
};

static enum mm_result
config_reload_exec(struct mm_ctx *ctx, const struct mm_args *args,
		   struct mm_error *err)
{
	(void)args;
	return cmd_action(ctx, mm_api_config_reload,
			  "OK: configuration reloaded from its "
			  "store",
			  err);
}

/* ---- full saves: reset and replace ---- */

static void
put_warnings(struct mm_ctx *ctx, const struct mm_client *c, unsigned notes)
{
	if (notes & MM_CONFIG_PUT_REDIS_DROPPED)
		mm_warn(&ctx->out,
			"CacheSettings.RedisPassword cannot be read over TCP "
			"and the server does not restore it on a full save: "
			"it is reset to empty (the cache type is not redis; "
			"use --local to keep it)");
	if ((notes & MM_CONFIG_PUT_PLUGINS) && !c->local)
		mm_warn(&ctx->out,
			"a full save over TCP drops the settings of plugins "
			"that are not installed (the server hides them); use "
			"--local to keep them");
}

/* Table of keys whose values differ between two configs. */
static enum mm_result
print_pairs(struct mm_ctx *ctx, const struct mm_json *pairs, const char *a,
	    const char *b, struct mm_error *err)
{
	const char *headers[3] = {"KEY", a, b};
	size_t n = mm_json_size(pairs);
	const char **cells = calloc(3 * n + 1, sizeof(*cells));
	struct mm_strv text = MM_STRV_INIT;
	enum mm_result rc = MM_OK;
	size_t row = 0;

	if (cells == NULL)
		return mm_error_oom(err);
	for (const struct mm_json *pair = mm_json_first(pairs);
	     pair != NULL && rc == MM_OK; pair = mm_json_next(pair), row++) {
		const struct mm_json *v = mm_json_first(pair);

		cells[3 * row] = mm_json_key(pair);
		for (size_t s = 0; s < 2 && rc == MM_OK;
		     s++, v = mm_json_next(v)) {
			struct mm_buf b1 = MM_BUF_INIT;

			bool absent = mm_json_type(v) == MM_JSON_NULL ||
				      mm_json_type(v) == MM_JSON_INVALID;

			if (!(absent ? mm_buf_puts(&b1, "(absent)")
				     : mm_json_scalar_text(v, &b1)))
				rc = mm_error_oom(err);
			if (rc == MM_OK &&
			    !mm_strv_push(&text, mm_buf_str(&b1)))
				rc = mm_error_oom(err);
			if (rc == MM_OK) /* the strings outlive text.v moves */
				cells[3 * row + 1 + s] = text.v[text.n - 1];
			mm_buf_release(&b1);
		}
	}
	if (rc == MM_OK)
		mm_out_rows(&ctx->out, headers, 3, cells, n);
	free(cells);
	mm_strv_release(&text);
	return rc;
}

static const struct mm_arg config_reset_args[] = {
	MM_ARG("KEY", "dotted key or section to reset to its default",
	       MM_ARG_VARIADIC),
	MM_ARG_END(),
};

static const char *const config_reset_examples[] = {
	"mmadm config reset LogSettings.ConsoleLevel --yes",
	"mmadm config reset RateLimitSettings --dry-run",
	"mmadm --local config reset TeamSettings.MaxUsersPerTeam --yes",
	NULL,
};

static const char *const config_reset_endpoints[] = {
	"GET /api/v4/config",
	"PUT /api/v4/config",
	NULL,
};

/* Keys that have a value other than the default (GET with
 * remove_defaults; a server that ignores it makes every key count). */
static enum mm_result
non_default_keys(struct mm_ctx *ctx, struct mm_client *c,
		 const struct mm_args *args, struct mm_strv *keys,
		 struct mm_error *err)
{
	struct mm_config_get_req req;
	struct mm_json *nd = NULL;
	enum mm_result rc;

	memset(&req, 0, sizeof(req));
	req.remove_defaults = true;
	rc = mm_api_config_get_with(c, &req, &nd, err);
	for (size_t i = 0; rc == MM_OK && i < mm_args_npos(args); i++) {
		const char *key = mm_args_pos(args, i);

		if (mm_config_lookup(nd, key) == NULL &&
		    mm_json_first(nd) != NULL) {
			mm_note(&ctx->out, "%s already has its default value",
				key);
			continue;
		}
		if (!mm_strv_push(keys, key))
			rc = mm_error_oom(err);
	}
	mm_json_free(nd);
	return rc;
}

static enum mm_result
config_reset_exec(struct mm_ctx *ctx, const struct mm_args *args,
		  struct mm_error *err)
{
	struct mm_strv keys = MM_STRV_INIT;
	struct mm_config_changes done = {NULL, 0};
	struct mm_client *c;
	struct mm_json *cfg = NULL, *body = NULL, *shape = NULL, *after = NULL;
	unsigned notes = 0;
	enum mm_result rc;

	rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_config_get(c, &cfg, err);
	/* Unknown keys first: a typo must not read as "already default". */
	for (size_t i = 0; rc == MM_OK && i < mm_args_npos(args); i++) {
		const char *k = mm_args_pos(args, i);

		rc = mm_config_reset_body(cfg, &k, 1, &body, &shape, err);
		mm_json_free(body);
		mm_json_free(shape);
		body = shape = NULL;
	}
	if (rc == MM_OK)
		rc = non_default_keys(ctx, c, args, &keys, err);
	if (rc != MM_OK)
		goto out;
	if (keys.n == 0) {
		mm_note(&ctx->out, "nothing to reset: nothing sent");
		goto out;
	}
	rc = mm_config_reset_body(cfg, (const char *const *)keys.v, keys.n,
				  &body, &shape, err);
	if (rc == MM_OK)
		rc = mm_config_put_prepare(cfg, body, &notes, err);
	if (rc != MM_OK)
		goto out;
	put_warnings(ctx, c, notes);
	if (ctx->dry_run)
		for (size_t i = 0; i < keys.n; i++)
			mm_note(&ctx->out, "would reset %s to its default",
				keys.v[i]);
	rc = mm_api_config_put(c, body, &after, err);
	if (rc != MM_OK || ctx->dry_run)
		goto out;
	if (cmd_structured(ctx)) {
		mm_out_doc(&ctx->out, after, NULL);
		goto out;
	}
	if (!mm_config_diff(cfg, after, shape, &done)) {
		rc = mm_error_oom(err);
		goto out;
	}
	rc = print_changes(ctx, &done, err);
	for (size_t i = 0; i < keys.n && rc == MM_OK; i++) {
		size_t klen = strlen(keys.v[i]);
		bool changed = false;

		for (size_t j = 0; j < done.n && !changed; j++)
			changed =
				strncmp(done.v[j].key, keys.v[i], klen) == 0 &&
				(done.v[j].key[klen] == '\0' ||
				 done.v[j].key[klen] == '.');
		if (!changed)
			mm_warn(&ctx->out,
				"%s kept its value (already the default, set "
				"by an environment variable, or not writable "
				"here)",
				keys.v[i]);
	}
out:
	mm_config_changes_release(&done);
	mm_strv_release(&keys);
	mm_json_free(cfg);
	mm_json_free(body);
	mm_json_free(shape);
	mm_json_free(after);
	return rc;
}

static const struct mm_arg config_replace_args[] = {
	MM_ARG("FILE|-", "a complete config, JSON or YAML (- = stdin)",
	       MM_ARG_IS_FILE),
	MM_ARG_END(),
};

static const char *const config_replace_examples[] = {
	"mmadm config get -o json > config.json; mmadm config replace "
	"config.json --yes",
	"mmadm config replace saved.yaml --dry-run",
	NULL,
};

static const char *const config_replace_endpoints[] = {
	"GET /api/v4/config",
	"PUT /api/v4/config",
	NULL,
};

static enum mm_result
config_replace_exec(struct mm_ctx *ctx, const struct mm_args *args,
		    struct mm_error *err)
{
	struct mm_strv missing = MM_STRV_INIT;
	struct mm_client *c;
	struct mm_json *cfg = NULL, *body = NULL, *after = NULL, *pairs = NULL;
	unsigned notes = 0;
	enum mm_result rc;

	rc = cmd_read_doc(mm_args_pos(args, 0), &body, err);
	if (rc == MM_OK)
		rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_config_get(c, &cfg, err);
	if (rc == MM_OK)
		rc = mm_config_check_complete(cfg, body, &missing, err);
	if (rc == MM_OK)
		rc = mm_config_put_prepare(cfg, body, &notes, err);
	if (rc != MM_OK)
		goto out;
	for (size_t i = 0; i < missing.n && i < 5; i++)
		mm_warn(&ctx->out,
			"%s is not in the file: it is reset to its default",
			missing.v[i]);
	if (missing.n > 5)
		mm_warn(&ctx->out,
			"... and %zu more settings not in the file are reset "
			"to their defaults",
			missing.n - 5);
	put_warnings(ctx, c, notes);
	if (ctx->dry_run) {
		pairs = mm_config_compare(cfg, body);
		for (const struct mm_json *m = mm_json_first(pairs); m != NULL;
		     m = mm_json_next(m))
			mm_note(&ctx->out, "would change %s", mm_json_key(m));
	}
	rc = mm_api_config_put(c, body, &after, err);
	if (rc != MM_OK || ctx->dry_run)
		goto out;
	if (cmd_structured(ctx)) {
		mm_out_doc(&ctx->out, after, NULL);
		goto out;
	}
	pairs = mm_config_compare(cfg, after);
	if (pairs == NULL) {
		rc = mm_error_oom(err);
		goto out;
	}
	if (mm_json_size(pairs) == 0)
		mm_note(&ctx->out, "saved; no visible setting changed");
	else
		rc = print_pairs(ctx, pairs, "BEFORE", "AFTER", err);
out:
	mm_strv_release(&missing);
	mm_json_free(cfg);
	mm_json_free(body);
	mm_json_free(after);
	mm_json_free(pairs);
	return rc;
}

/* ---- client ---- */

static const char *const config_client_examples[] = {
	"mmadm config client",
	"mmadm config client -o json",
	NULL,
};

static const char *const config_client_endpoints[] = {
	"GET /api/v4/config/client",
	NULL,
};

static enum mm_result
config_client_exec(struct mm_ctx *ctx, const struct mm_args *args,
		   struct mm_error *err)
{
	(void)args;
	return cmd_get_show(ctx, mm_api_config_client, NULL, err);
}

/* ---- environment ---- */

static const char *const config_environment_aliases[] = {"env", NULL};

static const char *const config_environment_examples[] = {
	"mmadm config environment",
	"mmadm config environment -o json",
	NULL,
};

static const char *const config_environment_endpoints[] = {
	"GET /api/v4/config/environment",
	NULL,
};

static enum mm_result
config_environment_exec(struct mm_ctx *ctx, const struct mm_args *args,
			struct mm_error *err)
{
	static const char *const headers[] = {"KEY", "VARIABLE"};
	struct mm_strv keys = MM_STRV_INIT, vars = MM_STRV_INIT;
	struct mm_client *c;
	struct mm_json *doc = NULL;
	const char **cells = NULL;
	enum mm_result rc;

	(void)args;
	rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_config_environment(c, &doc, err);
	if (rc != MM_OK)
		goto out;
	if (cmd_structured(ctx)) {
		mm_out_doc(&ctx->out, doc, NULL);
		goto out;
	}
	if (!mm_config_env_keys(doc, &keys)) {
		rc = mm_error_oom(err);
		goto out;
	}
	if (keys.n == 0) {
		mm_note(&ctx->out, "no setting is overridden by an "
				   "environment variable");
		goto out;
	}
	cells = calloc(2 * keys.n + 1, sizeof(*cells));
	if (cells == NULL) {
		rc = mm_error_oom(err);
		goto out;
	}
	for (size_t i = 0; i < keys.n; i++) {
		char var[512];

		if (!mm_config_env_var(keys.v[i], var, sizeof(var)))
			var[0] = '\0';
		if (!mm_strv_push(&vars, var)) {
			rc = mm_error_oom(err);
			goto out;
		}
	}
	for (size_t i = 0; i < keys.n; i++) {
		cells[2 * i] = keys.v[i];
		cells[2 * i + 1] = vars.v[i];
	}
	mm_out_rows(&ctx->out, headers, 2, cells, keys.n);
out:
	free(cells);
	mm_strv_release(&keys);
	mm_strv_release(&vars);
	mm_json_free(doc);
	return rc;
}

/* ---- migrate ---- */

static const struct mm_arg config_migrate_args[] = {
	MM_ARG("FROM", "source store: a config file path or a database DSN",
	       MM_ARG_IS_FILE),
	MM_ARG("TO", "destination store, written in full", MM_ARG_IS_FILE),
	MM_ARG_END(),
};

static const char *const config_migrate_examples[] = {
	"mmadm --local config migrate /opt/mattermost/config/config.json "
	"'postgres://mmuser:secret@db/mattermost?sslmode=disable' --yes",
	NULL,
};

static const char *const config_migrate_endpoints[] = {
	"POST /api/v4/config/migrate",
	NULL,
};

static enum mm_result
config_migrate_exec(struct mm_ctx *ctx, const struct mm_args *args,
		    struct mm_error *err)
{
	struct mm_client *c;
	struct mm_json *doc = NULL;
	enum mm_result rc;

	rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_config_migrate(c, mm_args_pos(args, 0),
					   mm_args_pos(args, 1), &doc, err);
	if (rc == MM_OK)
		rc = cmd_print_status(ctx, doc,
				      "OK: configuration copied to the new "
				      "store",
				      err);
	mm_json_free(doc);
	return rc;
}

/* ---- diff ---- */

static const struct mm_arg config_diff_args[] = {
	MM_ARG("PROFILE_A", "saved profile of the first server",
	       MM_ARG_IS_PROFILE),
	MM_ARG("PROFILE_B", "saved profile of the second server",
	       MM_ARG_IS_PROFILE),
	MM_ARG_END(),
};

static const char *const config_diff_examples[] = {
	"mmadm config diff staging prod",
	"mmadm config diff staging prod -o json",
	NULL,
};

static const char *const config_diff_endpoints[] = {
	"GET /api/v4/config",
	NULL,
};

/* GET /config from the server of a saved profile, using the context's
 * connection machinery for it, then putting the context back. */
static enum mm_result
profile_config(struct mm_ctx *ctx, const struct mm_profile *p,
	       struct mm_json **out, struct mm_error *err)
{
	struct mm_target saved = ctx->target, *t = &ctx->target;
	bool saved_ok = ctx->target_ok;
	struct mm_client *c;
	enum mm_result rc;

	memset(t, 0, sizeof(*t));
	t->profile = mm_strdup(p->name);
	t->local = p->local;
	t->profile_src = t->url_src = t->token_src = t->local_src =
		t->socket_src = MM_SRC_PROFILE;
	if (p->local)
		t->socket =
			mm_strdup(p->socket ? p->socket : MM_DEFAULT_SOCKET);
	else
		t->url = mm_strdup(p->url);
	t->token = p->local ? NULL : mm_strdup(p->token);
	ctx->target_ok = true;
	if (t->profile == NULL ||
	    (p->local ? t->socket == NULL : t->url == NULL) ||
	    (!p->local && p->token != NULL && t->token == NULL))
		rc = mm_error_oom(err);
	else if (!p->local && p->url == NULL)
		rc = mm_error_set(err, MM_ERR_CONFIG,
				  "profile '%s' has no server URL", p->name);
	else if (!p->local && p->token == NULL)
		rc = mm_error_set(err, MM_ERR_AUTH,
				  "profile '%s' has no token: run 'mmadm auth "
				  "login' for it",
				  p->name);
	else {
		rc = mm_ctx_client(ctx, &c, err);
		if (rc == MM_OK)
			rc = mm_api_config_get(c, out, err);
	}
	if (rc != MM_OK)
		mm_error_prefix(err, "profile %s", p->name);
	mm_target_release(t);
	*t = saved;
	ctx->target_ok = saved_ok;
	return rc;
}

static enum mm_result
config_diff_exec(struct mm_ctx *ctx, const struct mm_args *args,
		 struct mm_error *err)
{
	const char *na = mm_args_pos(args, 0), *nb = mm_args_pos(args, 1);
	struct mm_profiles profs;
	const struct mm_profile *pa, *pb;
	struct mm_json *a = NULL, *b = NULL, *pairs = NULL;
	const char *path;
	enum mm_result rc;

	memset(&profs, 0, sizeof(profs));
	path = mm_ctx_profiles_path(ctx, err);
	if (path == NULL)
		return err->kind;
	rc = mm_profiles_load(path, &profs, err);
	if (rc != MM_OK)
		goto out;
	pa = mm_profiles_find(&profs, na);
	pb = mm_profiles_find(&profs, nb);
	if (pa == NULL || pb == NULL) {
		rc = mm_error_set(err, MM_ERR_CONFIG,
				  "no profile '%s' in %s (see 'mmadm auth "
				  "list')",
				  pa == NULL ? na : nb, path);
		goto out;
	}
	rc = profile_config(ctx, pa, &a, err);
	if (rc == MM_OK)
		rc = profile_config(ctx, pb, &b, err);
	if (rc != MM_OK)
		goto out;
	pairs = mm_config_compare(a, b);
	if (pairs == NULL) {
		rc = mm_error_oom(err);
		goto out;
	}
	if (mm_json_size(pairs) == 0)
		mm_note(&ctx->out, "no differences (secrets not compared)");
	if (cmd_structured(ctx))
		mm_out_doc(&ctx->out, pairs, NULL);
	else if (mm_json_size(pairs) > 0)
		rc = print_pairs(ctx, pairs, na, nb, err);
out:
	mm_profiles_release(&profs);
	mm_json_free(a);
	mm_json_free(b);
	mm_json_free(pairs);
	return rc;
}

const struct mm_cmd_entry mm_config_cmds[] = {
	{
		.name = "client",
		.summary = "Show the client configuration (what apps see)",
		.help = "The flat string map the server gives its apps "
			"(format=old). Works without a\ntoken, which gets the "
			"smaller anonymous subset.",
		.flags = CMD_NEEDS_SERVER,
		.examples = config_client_examples,
		.endpoints = config_client_endpoints,
		.exec = config_client_exec,
	},
	{
		.name = "diff",
		.summary = "Show the settings that differ between two servers",
		.help = "Reads the config of the servers of two saved profiles "
			"(see 'mmadm auth\nlist') and lists the settings whose "
			"values differ. Secrets are not compared.\nJSON output "
			"is an object of {\"Section.Key\": [A, B]}; null "
			"marks a setting one\nside does not have.",
		.args = config_diff_args,
		.examples = config_diff_examples,
		.endpoints = config_diff_endpoints,
		.exec = config_diff_exec,
	},
	{
		.name = "edit",
		.summary = "Edit the configuration in $EDITOR",
		.help = "Opens the config in $EDITOR (default vi) as YAML or "
			"JSON in a private\ntemporary file, then sends only "
			"what changed (PUT /config/patch): masked\nsecrets and "
			"plugin settings are never sent back, so they are not "
			"wiped.\nAn unchanged file sends nothing. If the "
			"edited text is not valid, or the\nserver refuses it, "
			"the file is kept and its path shown.\nThe default "
			"editor needs a terminal; without one, EDITOR must "
			"be set (a\ncommand that edits the file named as its "
			"argument). An editor that cannot\nstart or exits "
			"with an error status sends nothing and fails.",
		.opts = config_edit_opts,
		.flags = CMD_NEEDS_SERVER | CMD_NEEDS_AUTH | CMD_WRITES,
		.examples = config_edit_examples,
		.endpoints = config_edit_endpoints,
		.exec = config_edit_exec,
	},
	{
		.name = "environment",
		.aliases = config_environment_aliases,
		.summary = "List the settings overridden by environment "
			   "variables",
		.help = "Settings set by MM_<SECTION>_<SETTING> variables in "
			"the server's environment;\nvalues saved for them have "
			"no effect. The server shows only what you may read.",
		.flags = CMD_NEEDS_SERVER | CMD_NEEDS_AUTH | CMD_NO_LOCAL,
		.examples = config_environment_examples,
		.endpoints = config_environment_endpoints,
		.exec = config_environment_exec,
	},
	{
		.name = "get",
		.aliases = config_get_aliases,
		.summary = "Show the configuration or one key of it",
		.help = "Without KEY prints every setting (KEY VALUE rows, or "
			"the whole document with\n-o json/yaml). Secrets come "
			"back from the server as a placeholder of "
			"32\nasterisks "
			"over TCP; over the local socket they are real: treat "
			"that output\nas secret.",
		.opts = config_get_opts,
		.args = config_get_args,
		.flags = CMD_NEEDS_SERVER | CMD_NEEDS_AUTH,
		.examples = config_get_examples,
		.endpoints = config_get_endpoints,
		.exec = config_get_exec,
	},
	{
		.name = "migrate",
		.summary = "Copy the configuration to another store",
		.help = "The server copies its config from FROM to TO (each a "
			"config file path or a\ndatabase DSN), with SAML "
			"certificates and plugin keys; TO is overwritten.\n"
			"Only over the local socket.",
		.args = config_migrate_args,
		.flags = CMD_NEEDS_SERVER | CMD_NEEDS_AUTH | CMD_LOCAL_ONLY |
			 CMD_DESTRUCTIVE | CMD_WRITES,
		.examples = config_migrate_examples,
		.endpoints = config_migrate_endpoints,
		.exec = config_migrate_exec,
	},
	{
		.name = "patch",
		.summary = "Change some settings, leaving the rest as they are",
		.help = "Sends only the given keys (PUT /config/patch), so "
			"secrets and plugin settings\nare never sent back. "
			"--set values are typed from the current config (bool,"
			"\nnumber, string, list as a,b,c or a JSON array). "
			"Unknown keys are refused\nbefore anything is sent, "
			"with the nearest existing key suggested. Prints each\n"
			"changed key before and after; --dry-run prints the "
			"request only.",
		.opts = config_patch_opts,
		.args = config_patch_args,
		.flags = CMD_NEEDS_SERVER | CMD_NEEDS_AUTH | CMD_WRITES,
		.examples = config_patch_examples,
		.endpoints = config_patch_endpoints,
		.exec = config_patch_exec,
	},
	{
		.name = "reload",
		.summary = "Re-read the configuration from its store",
		.flags = CMD_NEEDS_SERVER | CMD_NEEDS_AUTH | CMD_WRITES,
		.examples = config_reload_examples,
		.endpoints = config_reload_endpoints,
		.exec = config_reload_exec,
	},
	{
		.name = "replace",
		.summary = "Save a complete configuration from a file",
		.help = "A full save (PUT /config): whatever the file lacks is "
			"reset to its default,\nso files without every "
			"section, "
			"or without a secret the server has, are\nrefused. "
			"Masked placeholders are restored by the server, "
			"except "
			"where it\ncannot (CacheSettings.RedisPassword, "
			"replica "
			"lag DSNs): see 'config reset'.\nShows what changed.",
		.args = config_replace_args,
		.flags = CMD_NEEDS_SERVER | CMD_NEEDS_AUTH | CMD_DESTRUCTIVE |
			 CMD_WRITES,
		.examples = config_replace_examples,
		.endpoints = config_replace_endpoints,
		.exec = config_replace_exec,
	},
	{
		.name = "reset",
		.summary = "Reset settings to their defaults",
		.help = "Saves the current config without the given keys "
			"(PUT /config), which the\nserver fills with defaults. "
			"Keys already at their default are skipped. Over\nTCP "
			"the masked CacheSettings.RedisPassword cannot be sent "
			"back: it is left out\n(reset to empty), or the "
			"command "
			"is refused when the cache type is redis;\nmasked "
			"replica lag DSNs are refused too. Use --local to keep "
			"them. Shows\neach changed key before and after.",
		.args = config_reset_args,
		.flags = CMD_NEEDS_SERVER | CMD_NEEDS_AUTH | CMD_DESTRUCTIVE |
			 CMD_WRITES,
		.examples = config_reset_examples,
		.endpoints = config_reset_endpoints,
		.exec = config_reset_exec,
	},
	{
		.name = "set",
		.summary = "Set one setting",
		.help = "Like 'config patch --set KEY=VALUE': only this key is "
			"sent, typed like its\ncurrent value. Several VALUEs "
			"are the elements of a list setting. Plugin\nsettings "
			"are PluginSettings.Plugins.<plugin id>.<setting>. For "
			"secrets use\n--value-file, so the value is not on the "
			"command line.",
		.opts = config_set_opts,
		.args = config_set_args,
		.flags = CMD_NEEDS_SERVER | CMD_NEEDS_AUTH | CMD_WRITES,
		.examples = config_set_examples,
		.endpoints = config_patch_endpoints,
		.exec = config_set_exec,
	},
	MM_CMD_END,
};
