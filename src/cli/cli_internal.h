/* Internals shared by the src/cli files. */
#ifndef MMADM_CLI_INTERNAL_H
#define MMADM_CLI_INTERNAL_H

#include "mmadm/cli.h"

struct mm_optval {
	const struct mm_opt *opt;
	bool set;
	bool bval;
	char *sval;
	struct mm_strv list;
};

struct mm_args {
	struct mm_optval *vals;
	size_t nvals;
	struct mm_strv pos;
};

/* Create a bag for the given option tables (any may be NULL). */
struct mm_args *mm_args_new(const struct mm_opt *a, const struct mm_opt *b,
			    const struct mm_opt *c);
void mm_args_free(struct mm_args *args);
struct mm_optval *mm_args_find(struct mm_args *args, const char *name);
struct mm_optval *mm_args_find_short(struct mm_args *args, char c);
/* Store a value for an option, checking kind/range/choices. */
enum mm_result mm_args_store(struct mm_optval *v, const char *value,
			     bool negated, struct mm_error *err);
/* Nearest option name to an unknown one, or NULL. */
const char *mm_args_nearest(const struct mm_args *args, const char *name);
/* Check required options and positional counts. */
enum mm_result mm_args_check(const struct mm_args *args,
			     const struct mm_arg *specs, struct mm_error *err);

/* Write the usage line of a command ("mmadm fam cmd [options] ARGS"). */
void mm_help_usage_line(FILE *f, const struct mm_family *fam,
			const struct mm_cmd_entry *cmd);
/* The argument name an option shows ("SECONDS", "FILE", "N" ...). */
const char *mm_help_arg_kind(const struct mm_opt *o);

/* What command flags mean to a user ({0, NULL}-terminated), the help
 * topics (NULL-terminated) and the environment variables mmadm reads
 * ({NULL, NULL}-terminated): shared by help and the man pages. */
struct mm_flag_note {
	unsigned flag;
	const char *text;
};
extern const struct mm_flag_note mm_flag_notes[];
extern const char *const mm_help_topics[];
struct mm_env_doc {
	const char *name;
	const char *text;
};
extern const struct mm_env_doc mm_env_docs[];

#endif

#ifndef MMADM_CLI_PROMPT_DECL
#define MMADM_CLI_PROMPT_DECL
/* Ask on the controlling terminal (/dev/tty); echo off when secret.
 * Returns the line without newline (caller frees; wipe if secret), or
 * NULL when there is no terminal or on EOF. */
char *mm_cli_prompt_tty(const char *prompt, bool secret);
#endif
