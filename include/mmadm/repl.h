/*
 * The interactive shell and script mode, completion (in the shell and as
 * bash/zsh/fish scripts) and the man pages: all driven by the command
 * table.
 */
#ifndef MMADM_REPL_H
#define MMADM_REPL_H

#include "buf.h"
#include "cli.h"
#include "error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* ---- the shell (src/cli/repl.c) ---- */

/*
 * Run the shell on ctx. Interactive (libedit, history, completion) when
 * file is NULL and ctx->in is a terminal; otherwise script mode: one
 * command a line from file ("-" = standard input) or ctx->in, no prompt,
 * no colour, stopping at the first failure unless keep_going. Every line
 * goes through mm_cli_run on ctx, so one connection serves them all.
 * Failures are reported as they happen (ctx->error_reported is set); the
 * result is the failing command's (the last one with keep_going).
 */
enum mm_result mm_repl_run(struct mm_ctx *ctx, const char *file,
			   bool keep_going, struct mm_error *err);

/* The shell-only commands (their table entries live in cmd/shell.c). */
enum mm_result mm_repl_use(struct mm_ctx *ctx, const char *profile,
			   struct mm_error *err);
enum mm_result mm_repl_set(struct mm_ctx *ctx, const char *setting,
			   const char *value, struct mm_error *err);
enum mm_result mm_repl_history(struct mm_ctx *ctx, struct mm_error *err);
enum mm_result mm_repl_exit(struct mm_ctx *ctx, struct mm_error *err);

/*
 * True when a line must not reach the history file: its command takes a
 * secret (an option flagged MM_OPT_SECRET), or a value names a secret
 * config key (Section.Key=VALUE where the server masks Key).
 */
bool mm_repl_line_is_secret(const struct mm_family *fams, char *const *argv,
			    size_t argc);

/* ---- splitting a line into words (src/cli/complete.c) ---- */

/*
 * Like a POSIX shell without expansion: blanks separate words; '...'
 * keeps everything literally; in "..." a backslash escapes only \ " $ `;
 * elsewhere a backslash escapes any character; '#' at the start of a word
 * begins a comment.
 */
struct mm_split {
	struct mm_strv words;
	bool partial;      /* the last word runs to the end (no blank after) */
	char quote;        /* the quote left open at the end, or 0 */
	bool escape;       /* the line ends in a lone backslash */
	size_t last_start; /* byte offset where the last word starts */
};
/* Split line[0..len). False on out of memory. */
bool mm_split_line(const char *line, size_t len, struct mm_split *out);
void mm_split_release(struct mm_split *s);

/* ---- completion (src/cli/complete.c) ---- */

/* Where a command line stands, from its complete words. */
struct mm_complete_pos {
	const struct mm_family *fam;
	const struct mm_cmd_entry *cmd;
	bool help;                 /* after the word "help" */
	size_t help_words;         /* words after "help" */
	const struct mm_opt *want; /* the next word is this option's value */
	size_t npos;               /* positional arguments so far */
	bool end_opts;             /* after "--" */
	bool unknown;              /* a word named no family or command */
};

/*
 * Walk words (without the program name). In the shell (repl true) a
 * CMD_REPL_ONLY command may stand without its family word.
 */
void mm_complete_walk(const struct mm_family *fams, bool repl,
		      char *const *words, size_t nwords,
		      struct mm_complete_pos *pos);

enum mm_complete_extra {
	MM_COMPLETE_FILES = 1 << 0,    /* also offer file names */
	MM_COMPLETE_PROFILES = 1 << 1, /* also offer profile names */
};

struct mm_completion {
	struct mm_strv words; /* full replacements of the current word */
	unsigned extra;       /* enum mm_complete_extra */
	char *keep;           /* kept in front of file/profile names */
	char *match;          /* what file/profile names must start with */
};

/*
 * Candidates for the word cur after words: families, commands, options
 * (the command's, --page/--per-page/--all for CMD_PAGED ones, and the
 * global ones), fixed values of CHOICE options and arguments. Files and
 * profile names are left to the caller (extra). False on out of memory.
 */
bool mm_complete(const struct mm_family *fams, bool repl, char *const *words,
		 size_t nwords, const char *cur, struct mm_completion *out);
void mm_completion_release(struct mm_completion *c);
/* Add the names in names that start with c->match (keep in front). */
bool mm_completion_add(struct mm_completion *c, const char *const *names,
		       size_t n);

/* The longest common prefix of the candidates (caller frees). */
char *mm_completion_common(const struct mm_completion *c);

/* The scripts printed by `mmadm completion bash|zsh|fish`. */
enum mm_shell {
	MM_SHELL_BASH,
	MM_SHELL_ZSH,
	MM_SHELL_FISH,
};
bool mm_complete_script(FILE *f, const struct mm_family *fams,
			enum mm_shell sh);

/* ---- man pages and the generated files (src/cli/man.c) ---- */

/* mmadm(1) when fam is NULL, else mmadm-FAMILY(1), as roff. */
bool mm_man_page(FILE *f, const struct mm_family *fams,
		 const struct mm_family *fam);

/*
 * Write every generated file under dir: man/mmadm.1, man/mmadm-FAMILY.1,
 * completions/mmadm.bash, completions/_mmadm, completions/mmadm.fish.
 */
enum mm_result mm_docs_generate(struct mm_ctx *ctx, const char *dir,
				struct mm_error *err);

#endif
