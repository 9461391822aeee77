/* Help rendered from the command tables; never needs a server. */
#include "cli_internal.h"

#include <string.h>

const char *
mm_help_arg_kind(const struct mm_opt *o)
{
	if (o->argname != NULL)
		return o->argname;
	switch (o->kind) {
	case MM_OPT_K_INT:
		return "N";
	case MM_OPT_K_FILE:
		return "FILE";
	default:
		return "VALUE";
	}
}

void
mm_help_usage_line(FILE *f, const struct mm_family *fam,
		   const struct mm_cmd_entry *cmd)
{
	bool has_opts = false;

	if (cmd->flags & CMD_FAMILY_DEFAULT)
		fprintf(f, "mmadm %s [%s]", fam->name, cmd->name);
	else if ((cmd->flags & CMD_REPL_ONLY))
		fputs(cmd->name, f);
	else
		fprintf(f, "mmadm %s %s", fam->name, cmd->name);
	for (const struct mm_opt *o = cmd->opts; o && o->name; o++) {
		if (o->flags & MM_OPT_REQUIRED)
			fprintf(f, " --%s %s", o->name, mm_help_arg_kind(o));
		else if (!(o->flags & MM_OPT_HIDDEN))
			has_opts = true;
	}
	if (has_opts || (cmd->flags & CMD_PAGED))
		fputs(" [options]", f);
	for (const struct mm_arg *a = cmd->args; a && a->name; a++) {
		const char *dots = (a->flags & MM_ARG_VARIADIC) ? "..." : "";

		if (a->flags & MM_ARG_OPTIONAL)
			fprintf(f, " [%s%s]", a->name, dots);
		else
			fprintf(f, " %s%s", a->name, dots);
	}
}

static void
print_opts(FILE *f, const struct mm_opt *opts)
{
	for (const struct mm_opt *o = opts; o && o->name; o++) {
		char left[96];
		int n;

		if (o->flags & MM_OPT_HIDDEN)
			continue;
		if (o->kind == MM_OPT_K_BOOL)
			n = snprintf(left, sizeof(left), "%s%c%s--%s%s",
				     o->short_name ? "-" : "",
				     o->short_name ? o->short_name : ' ',
				     o->short_name ? ", " : "  ",
				     (o->flags & MM_OPT_NEGATABLE) ? "[no-]"
								   : "",
				     o->name);
		else
			n = snprintf(left, sizeof(left), "%s%c%s--%s %s",
				     o->short_name ? "-" : "",
				     o->short_name ? o->short_name : ' ',
				     o->short_name ? ", " : "  ", o->name,
				     mm_help_arg_kind(o));
		if (n < 0)
			continue;
		if (strlen(left) <= 26)
			fprintf(f, "  %-26s  %s", left, o->help);
		else
			fprintf(f, "  %s\n  %-26s  %s", left, "", o->help);
		if (o->kind == MM_OPT_K_LIST)
			fputs(" (repeatable)", f);
		if (o->flags & MM_OPT_REQUIRED)
			fputs(" (required)", f);
		fputc('\n', f);
	}
}

const struct mm_flag_note mm_flag_notes[] = {
	{CMD_LOCAL_ONLY, "Only over the local socket: run on the server host "
			 "with --local."},
	{CMD_NO_LOCAL, "Not available over the local socket (the server has "
		       "no local route): needs a server URL (--url or a "
		       "profile)."},
	{CMD_DESTRUCTIVE, "Destructive: asks for confirmation on a terminal; "
			  "needs --yes otherwise."},
	{CMD_FAMILY_DEFAULT, "The command word may be left out."},
	{CMD_REPL_ONLY, "Only inside the interactive shell, typed there "
			"without the family word."},
	{0, NULL},
};

static void
print_flags_note(FILE *f, unsigned flags)
{
	for (size_t i = 0; mm_flag_notes[i].text != NULL; i++)
		if (flags & mm_flag_notes[i].flag)
			fprintf(f, "\n%s\n", mm_flag_notes[i].text);
}

void
mm_help_cmd(struct mm_ctx *ctx, const struct mm_family *fam,
	    const struct mm_cmd_entry *cmd)
{
	FILE *f = ctx->out.out;
	bool has_args = cmd->args != NULL && cmd->args[0].name != NULL;
	bool has_opts = false;

	for (const struct mm_opt *o = cmd->opts; o && o->name; o++)
		if (!(o->flags & MM_OPT_HIDDEN))
			has_opts = true;
	if (cmd->flags & CMD_PAGED)
		has_opts = true;
	if (cmd->flags & CMD_REPL_ONLY)
		fprintf(f, "Usage: mmadm %s, then at its prompt: ", fam->name);
	else
		fputs("Usage: ", f);
	mm_help_usage_line(f, fam, cmd);
	fprintf(f, "\n\n%s.\n", cmd->summary);
	if (cmd->help != NULL)
		fprintf(f, "\n%s\n", cmd->help);
	print_flags_note(f, cmd->flags);
	if (cmd->aliases != NULL && cmd->aliases[0] != NULL) {
		fputs("\nAliases:", f);
		for (size_t i = 0; cmd->aliases[i] != NULL; i++)
			fprintf(f, " %s", cmd->aliases[i]);
		fputc('\n', f);
	}
	if (has_args) {
		fputs("\nArguments:\n", f);
		for (const struct mm_arg *a = cmd->args; a->name; a++) {
			fprintf(f, "  %-26s  %s", a->name, a->help);
			for (size_t i = 0; a->choices && a->choices[i]; i++)
				fprintf(f, "%s%s",
					i ? ", " : " (one of: ", a->choices[i]);
			fputs(a->choices && a->choices[0] ? ")\n" : "\n", f);
		}
	}
	if (has_opts) {
		fputs("\nOptions:\n", f);
		print_opts(f, cmd->opts);
		if (cmd->flags & CMD_PAGED)
			print_opts(f, mm_paged_opts);
	}
	if (cmd->examples != NULL && cmd->examples[0] != NULL) {
		fputs("\nExamples:\n", f);
		for (size_t i = 0; cmd->examples[i] != NULL; i++)
			fprintf(f, "  %s\n", cmd->examples[i]);
	}
	fputs("\nGlobal options (--url, --profile, --local, -o, ...): see "
	      "'mmadm help'.\n",
	      f);
}

void
mm_help_family(struct mm_ctx *ctx, const struct mm_family *fam)
{
	FILE *f = ctx->out.out;

	fprintf(f, "Usage: mmadm %s <command> [options]\n\n%s.\n\nCommands:\n",
		fam->name, fam->summary);
	for (const struct mm_cmd_entry *c = fam->cmds; c->name; c++)
		if (!(c->flags & CMD_HIDDEN))
			fprintf(f, "  %-18s  %s\n", c->name, c->summary);
	fprintf(f, "\nRun 'mmadm help %s <command>' for a command's options.\n",
		fam->name);
}

void
mm_help_main(struct mm_ctx *ctx)
{
	FILE *f = ctx->out.out;

	fputs("Usage: mmadm [global options] <family> <command> [options] "
	      "[arguments]\n\n"
	      "Administer a Mattermost server over its REST API v4, by "
	      "HTTP(S) or over\nthe server's local unix socket.\n\n"
	      "Commands:\n",
	      f);
	for (const struct mm_family *fam = ctx->families; fam->name; fam++) {
		fprintf(f, "  %s\n", fam->name);
		for (const struct mm_cmd_entry *c = fam->cmds; c->name; c++)
			if (!(c->flags & CMD_HIDDEN))
				fprintf(f, "    %-18s  %s\n", c->name,
					c->summary);
	}
	fputs("\nGlobal options:\n", f);
	print_opts(f, mm_global_opts);
	fputs("\nHelp topics: 'mmadm help exit-codes', 'mmadm help "
	      "environment'.\n"
	      "Run 'mmadm help <family> <command>' for a command's options.\n",
	      f);
}

void
mm_help_exit_codes(struct mm_ctx *ctx)
{
	FILE *f = ctx->out.out;

	fputs("Exit codes (a stable contract for scripts):\n", f);
#define MM_X_HELP(kind, code, name, text)                                      \
	fprintf(f, "  %3d  %-12s  %s\n", code, name, text);
	MM_RESULTS(MM_X_HELP)
#undef MM_X_HELP
}

const char *const mm_help_topics[] = {"exit-codes", "environment", NULL};

/* The environment variables mmadm reads. */
const struct mm_env_doc mm_env_docs[] = {
	{"MMADM_URL", "server address, when --url is not given"},
	{"MMADM_TOKEN", "access token (never accepted on the command line)"},
	{"MMADM_PROFILE", "profile to use, when --profile is not given"},
	{"MMADM_LOCAL", "1/true: use the local socket, like --local"},
	{"MMADM_LOCAL_SOCKET", "local socket path, when --socket is not given"},
	{"XDG_CONFIG_HOME", "profiles file is $XDG_CONFIG_HOME/mmadm/"
			    "config.yaml (default ~/.config)"},
	{"XDG_STATE_HOME", "shell history is $XDG_STATE_HOME/mmadm/history "
			   "(default ~/.local/state)"},
	{"MMADM_HISTFILE", "shell history file instead; /dev/null keeps "
			   "none"},
	{"NO_COLOR", "set and non-empty: no colour"},
	{"COLUMNS", "terminal width for tables"},
	{NULL, NULL},
};

void
mm_help_environment(struct mm_ctx *ctx)
{
	FILE *f = ctx->out.out;

	fputs("Environment (flags win over these, and so does a profile named "
	      "by --profile;\nthese win over the active profile):\n",
	      f);
	for (size_t i = 0; mm_env_docs[i].name != NULL; i++)
		fprintf(f, "  %-20s  %s\n", mm_env_docs[i].name,
			mm_env_docs[i].text);
}
