/* shell: the interactive console and script mode, and the commands that
 * only make sense inside it. */
#include "cmd.h"
#include "mmadm/repl.h"

static const struct mm_opt shell_run_opts[] = {
	MM_OPT_FILE(0, "file", "FILE",
		    "run the commands in FILE, one a line (- for standard "
		    "input)",
		    MM_OPT_STDIN),
	MM_OPT_BOOL(0, "keep-going",
		    "in a script, go on after a failed command (the exit "
		    "code is the last failure's)"),
	MM_OPT_END(),
};

static const char *const shell_run_examples[] = {
	"mmadm shell",
	"mmadm --profile prod shell",
	"mmadm shell --file maintenance.txt",
	"mmadm shell --keep-going < checks.txt",
	NULL,
};

static enum mm_result
shell_run_exec(struct mm_ctx *ctx, const struct mm_args *args,
	       struct mm_error *err)
{
	return mm_repl_run(ctx, mm_args_get(args, "file"),
			   mm_args_bool(args, "keep-going", false), err);
}

static const struct mm_arg shell_use_args[] = {
	MM_ARG("PROFILE", "saved profile to talk to from now on",
	       MM_ARG_IS_PROFILE),
	MM_ARG_END(),
};

static const char *const shell_use_examples[] = {
	"use prod",
	NULL,
};

static enum mm_result
shell_use_exec(struct mm_ctx *ctx, const struct mm_args *args,
	       struct mm_error *err)
{
	return mm_repl_use(ctx, mm_args_pos(args, 0), err);
}

static const char *const shell_settings[] = {"output", NULL};
static const char *const shell_formats[] = {"table", "json", "yaml",
					    "plain", "auto", NULL};

static const struct mm_arg shell_set_args[] = {
	MM_ARG_CHOICE("SETTING", "what to change", 0, shell_settings),
	MM_ARG_CHOICE("VALUE",
		      "output: the format of every following command "
		      "(auto = table on a terminal)",
		      0, shell_formats),
	MM_ARG_END(),
};

static const char *const shell_set_examples[] = {
	"set output json",
	"set output auto",
	NULL,
};

static enum mm_result
shell_set_exec(struct mm_ctx *ctx, const struct mm_args *args,
	       struct mm_error *err)
{
	return mm_repl_set(ctx, mm_args_pos(args, 0), mm_args_pos(args, 1),
			   err);
}

static const char *const shell_history_examples[] = {
	"history",
	NULL,
};

static enum mm_result
shell_history_exec(struct mm_ctx *ctx, const struct mm_args *args,
		   struct mm_error *err)
{
	(void)args;
	return mm_repl_history(ctx, err);
}

static const char *const shell_exit_examples[] = {
	"exit",
	NULL,
};

static enum mm_result
shell_exit_exec(struct mm_ctx *ctx, const struct mm_args *args,
		struct mm_error *err)
{
	(void)args;
	return mm_repl_exit(ctx, err);
}

const struct mm_cmd_entry mm_shell_cmds[] = {
	{
		.name = "exit",
		.aliases = (const char *const[]){"quit", NULL},
		.summary = "Leave the shell (so does Ctrl-D)",
		.flags = CMD_REPL_ONLY,
		.examples = shell_exit_examples,
		.exec = shell_exit_exec,
	},
	{
		.name = "history",
		.summary = "List the commands entered so far",
		.help = "History is kept in $XDG_STATE_HOME/mmadm/history "
			"(mode 0600), or in\n$MMADM_HISTFILE. Lines of "
			"commands that take a secret are never recorded.\n"
			"Up/Down recall lines, Ctrl-R searches backwards.",
		.flags = CMD_REPL_ONLY,
		.examples = shell_history_examples,
		.exec = shell_history_exec,
	},
	{
		.name = "run",
		.summary =
			"Run commands in one process, reusing its connection: "
			"interactively or from a script",
		.help = "On a terminal: a console with line editing, Tab "
			"completion, '?' for the\nusage of the command being "
			"typed, history and a prompt naming the\nprofile and "
			"server. Each line is one mmadm command (a leading "
			"'mmadm' may\nstay), split like a shell line (quotes, "
			"backslash escapes, no\nexpansion); a trailing "
			"backslash continues it on the next line. Ctrl-C\n"
			"cancels the command in flight, Ctrl-D or 'exit' "
			"leaves.\n\nWith --file, or when standard input is not "
			"a terminal: script mode, one\ncommand a line (blank "
			"lines and # comments skipped), no prompt and no\n"
			"colour, stopping at the first failure unless "
			"--keep-going. The exit code\nis the failing "
			"command's. Global options given before 'shell' apply "
			"to\nevery line. Commands reuse one connection; a "
			"write that "
			"is not safe to\nsend twice (most POSTs) opens a fresh "
			"one, so a dropped connection never\nruns it twice. "
			"When the script comes on\nstandard input, a command "
			"cannot read '-' from it (use --file FILE).",
		.opts = shell_run_opts,
		.flags = CMD_FAMILY_DEFAULT,
		.examples = shell_run_examples,
		.exec = shell_run_exec,
	},
	{
		.name = "set",
		.summary = "Change a setting of the shell session",
		.args = shell_set_args,
		.flags = CMD_REPL_ONLY,
		.examples = shell_set_examples,
		.exec = shell_set_exec,
	},
	{
		.name = "use",
		.summary = "Talk to another saved profile from now on",
		.help = "Like --profile PROFILE on every following line; "
			"the active profile in the\nprofiles file stays as it "
			"is.",
		.args = shell_use_args,
		.flags = CMD_REPL_ONLY,
		.examples = shell_use_examples,
		.exec = shell_use_exec,
	},
	MM_CMD_END,
};
