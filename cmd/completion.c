/* completion: shell completion scripts generated from the command table. */
#include "cmd.h"
#include "mmadm/repl.h"

#include <errno.h>
#include <string.h>

static enum mm_result
print_script(struct mm_ctx *ctx, enum mm_shell sh, struct mm_error *err)
{
	/* A closed pipe (| head) ends output quietly, as everywhere. */
	if (!mm_complete_script(ctx->out.out, ctx->families, sh) &&
	    errno != EPIPE)
		return mm_error_set(err, MM_ERR_IO,
				    "cannot write the script: %s",
				    strerror(errno));
	return MM_OK;
}

static enum mm_result
completion_bash_exec(struct mm_ctx *ctx, const struct mm_args *args,
		     struct mm_error *err)
{
	(void)args;
	return print_script(ctx, MM_SHELL_BASH, err);
}

static enum mm_result
completion_zsh_exec(struct mm_ctx *ctx, const struct mm_args *args,
		    struct mm_error *err)
{
	(void)args;
	return print_script(ctx, MM_SHELL_ZSH, err);
}

static enum mm_result
completion_fish_exec(struct mm_ctx *ctx, const struct mm_args *args,
		     struct mm_error *err)
{
	(void)args;
	return print_script(ctx, MM_SHELL_FISH, err);
}

static const char *const completion_bash_examples[] = {
	"mmadm completion bash > ~/.local/share/bash-completion/completions/"
	"mmadm",
	"source <(mmadm completion bash)",
	NULL,
};

static const struct mm_arg completion_generate_args[] = {
	MM_ARG("DIR", "directory to write man/ and completions/ under", 0),
	MM_ARG_END(),
};

static const char *const completion_generate_examples[] = {
	"mmadm completion generate build/docs",
	NULL,
};

static enum mm_result
completion_generate_exec(struct mm_ctx *ctx, const struct mm_args *args,
			 struct mm_error *err)
{
	return mm_docs_generate(ctx, mm_args_pos(args, 0), err);
}

static const char *const completion_zsh_examples[] = {
	"mmadm completion zsh > \"${fpath[1]}/_mmadm\"",
	NULL,
};

static const char *const completion_fish_examples[] = {
	"mmadm completion fish > ~/.config/fish/completions/mmadm.fish",
	NULL,
};

const struct mm_cmd_entry mm_completion_cmds[] = {
	{
		.name = "bash",
		.summary = "Print the bash completion script",
		.help = "Completes families, commands, options, fixed option "
			"values, file names\nand profile names. Installed "
			"copies live in\n"
			"share/bash-completion/completions/mmadm.",
		.examples = completion_bash_examples,
		.exec = completion_bash_exec,
	},
	{
		.name = "fish",
		.summary = "Print the fish completion script",
		.help = "Installed copies live in "
			"share/fish/vendor_completions.d/mmadm.fish.",
		.examples = completion_fish_examples,
		.exec = completion_fish_exec,
	},
	{
		.name = "generate",
		.summary =
			"Write every completion script and man page (for the "
			"build)",
		.help = "Writes DIR/completions/{mmadm.bash,_mmadm,mmadm.fish} "
			"and DIR/man/*.1, the\nfiles the build installs and "
			"scripts/gen-docs commits.",
		.args = completion_generate_args,
		.flags = CMD_HIDDEN,
		.examples = completion_generate_examples,
		.exec = completion_generate_exec,
	},
	{
		.name = "zsh",
		.summary = "Print the zsh completion script",
		.help = "Installed copies live in "
			"share/zsh/site-functions/_mmadm.",
		.examples = completion_zsh_examples,
		.exec = completion_zsh_exec,
	},
	MM_CMD_END,
};
