/*
 * The command table, declarative options, the parsed-argument bag, the
 * per-invocation context and the dispatcher.
 */
#ifndef MMADM_CLI_H
#define MMADM_CLI_H

#include "api.h"
#include "buf.h"
#include "conf.h"
#include "error.h"
#include "http.h"
#include "out.h"

#include <stdbool.h>
#include <stdio.h>

/* ---- options ---- */
enum mm_opt_kind {
	MM_OPT_K_END = 0,
	MM_OPT_K_BOOL,   /* --name / --no-name when MM_OPT_NEGATABLE */
	MM_OPT_K_STRING, /* --name VALUE or --name=VALUE */
	MM_OPT_K_INT,    /* integer within [min, max] */
	MM_OPT_K_CHOICE, /* one of .choices */
	MM_OPT_K_FILE,   /* a path ("-" = stdin when MM_OPT_STDIN) */
	MM_OPT_K_LIST,   /* repeatable string */
};

enum mm_opt_flags {
	MM_OPT_REQUIRED = 1 << 0,
	MM_OPT_HIDDEN = 1 << 1,
	MM_OPT_STDIN = 1 << 2,     /* "-" means standard input */
	MM_OPT_NEGATABLE = 1 << 3, /* --no-NAME sets false */
	MM_OPT_SECRET = 1 << 4,    /* names a secret source (never echoed) */
	MM_OPT_PROFILE = 1 << 5, /* the value is a profile name (completion) */
};

struct mm_opt {
	const char *name;
	char short_name;
	enum mm_opt_kind kind;
	const char *argname; /* "SECONDS", "FILE" ... */
	const char *help;
	unsigned flags;
	const char *const *choices; /* NULL-terminated, for CHOICE */
	long min, max;              /* for INT */
};

#define MM_OPT_BOOL(s, n, h)                                                   \
	{                                                                      \
		(n), (s), MM_OPT_K_BOOL, NULL, (h), 0, NULL, 0, 0              \
	}
#define MM_OPT_BOOLF(s, n, h, f)                                               \
	{                                                                      \
		(n), (s), MM_OPT_K_BOOL, NULL, (h), (f), NULL, 0, 0            \
	}
#define MM_OPT_STRING(s, n, a, h)                                              \
	{                                                                      \
		(n), (s), MM_OPT_K_STRING, (a), (h), 0, NULL, 0, 0             \
	}
#define MM_OPT_STRINGF(s, n, a, h, f)                                          \
	{                                                                      \
		(n), (s), MM_OPT_K_STRING, (a), (h), (f), NULL, 0, 0           \
	}
#define MM_OPT_INT(s, n, a, h, lo, hi)                                         \
	{                                                                      \
		(n), (s), MM_OPT_K_INT, (a), (h), 0, NULL, (lo), (hi)          \
	}
#define MM_OPT_CHOICE(s, n, a, h, c)                                           \
	{                                                                      \
		(n), (s), MM_OPT_K_CHOICE, (a), (h), 0, (c), 0, 0              \
	}
#define MM_OPT_FILE(s, n, a, h, f)                                             \
	{                                                                      \
		(n), (s), MM_OPT_K_FILE, (a), (h), (f), NULL, 0, 0             \
	}
#define MM_OPT_LIST(s, n, a, h)                                                \
	{                                                                      \
		(n), (s), MM_OPT_K_LIST, (a), (h), 0, NULL, 0, 0               \
	}
#define MM_OPT_END()                                                           \
	{                                                                      \
		NULL, 0, MM_OPT_K_END, NULL, NULL, 0, NULL, 0, 0               \
	}

/* ---- positional arguments ---- */
enum mm_arg_flags {
	MM_ARG_OPTIONAL = 1 << 0,
	MM_ARG_VARIADIC = 1
			  << 1,  /* last only: one or more (zero if OPTIONAL) */
	MM_ARG_IS_FILE = 1 << 2, /* complete as a path */
	MM_ARG_IS_PROFILE = 1 << 3, /* complete as a profile name */
};

struct mm_arg {
	const char *name; /* "ID", "FILE|-" */
	const char *help;
	unsigned flags;
	const char *const *choices; /* NULL-terminated fixed values, or NULL */
};
#define MM_ARG(n, h, f)                                                        \
	{                                                                      \
		(n), (h), (f), NULL                                            \
	}
#define MM_ARG_CHOICE(n, h, f, c)                                              \
	{                                                                      \
		(n), (h), (f), (c)                                             \
	}
#define MM_ARG_END()                                                           \
	{                                                                      \
		NULL, NULL, 0, NULL                                            \
	}

/* ---- the parsed bag ---- */
struct mm_args;
bool mm_args_has(const struct mm_args *a, const char *name);
/* Last value of a STRING/CHOICE/FILE/INT option, NULL if not given. */
const char *mm_args_get(const struct mm_args *a, const char *name);
long mm_args_int(const struct mm_args *a, const char *name, long dflt);
/* BOOL: true if given (and not negated); dflt when absent. */
bool mm_args_bool(const struct mm_args *a, const char *name, bool dflt);
const struct mm_strv *mm_args_list(const struct mm_args *a, const char *name);
size_t mm_args_npos(const struct mm_args *a);
const char *mm_args_pos(const struct mm_args *a, size_t i);

/* ---- commands ---- */
enum mm_cmd_flags {
	CMD_NEEDS_SERVER = 1 << 0,   /* resolve the target before exec */
	CMD_NEEDS_AUTH = 1 << 1,     /* a token unless in local mode */
	CMD_LOCAL_ONLY = 1 << 2,     /* refuse unless --local */
	CMD_DESTRUCTIVE = 1 << 3,    /* confirm on a TTY, --yes otherwise */
	CMD_PAGED = 1 << 4,          /* --page/--per-page/--all */
	CMD_NO_LOCAL = 1 << 5,       /* the server has no local route */
	CMD_WRITES = 1 << 6,         /* changes server state (dry-run aware) */
	CMD_FAMILY_DEFAULT = 1 << 7, /* run when no command word follows */
	CMD_REPL_ONLY = 1 << 8,      /* shell only, typed without the family */
	CMD_HIDDEN = 1 << 9,         /* not in help, man pages, completion */
	CMD_STREAM = 1 << 12,        /* runs until stopped: takes --count N */
};

struct mm_ctx;
typedef enum mm_result (*mm_exec_fn)(struct mm_ctx *ctx,
				     const struct mm_args *args,
				     struct mm_error *err);

struct mm_cmd_entry {
	const char *name;
	const char *const *aliases; /* NULL-terminated or NULL */
	const char *summary;        /* one line, no final period */
	const char *help;           /* long description, may be NULL */
	const struct mm_opt *opts;  /* MM_OPT_END-terminated or NULL */
	const struct mm_arg *args;  /* MM_ARG_END-terminated or NULL */
	unsigned flags;
	const char *const *examples;  /* NULL-terminated command lines */
	const char *const *endpoints; /* "METHOD /api/v4/path" it calls */
	mm_exec_fn exec;
};
#define MM_CMD_END                                                             \
	{                                                                      \
		NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL        \
	}

struct mm_family {
	const char *name;
	const char *summary;
	const struct mm_cmd_entry *cmds;
};
#define MM_FAMILY_END                                                          \
	{                                                                      \
		NULL, NULL, NULL                                               \
	}

/* ---- the context every exec receives ---- */
struct mm_repl;
struct mm_ctx {
	struct mm_out out; /* data on out.out, messages on out.err */
	FILE *in;          /* standard input */
	bool in_tty;
	const struct mm_family *families;
	const struct mm_family *family; /* the running command */
	const struct mm_cmd_entry *cmd;
	const struct mm_args *globals;
	mm_getenv_fn getenv_fn;
	char profiles_path[4096];
	/* resolved lazily by the dispatcher for CMD_NEEDS_SERVER */
	struct mm_target target;
	bool target_ok;
	struct mm_http *http;
	struct mm_client client;
	bool client_ok;
	bool yes;     /* --yes */
	bool dry_run; /* --dry-run */
	bool verbose; /* --verbose */
	long timeout_s;
	volatile int cancel;
	/* transfer progress bar state (src/cli/progress.c) */
	long long progress_last_ms;
	uint64_t progress_done, progress_total;
	bool progress_active;
	/* Interactive answers (tests may replace): read a line from the
	 * terminal, echo off when secret. NULL result = EOF. */
	char *(*ask)(struct mm_ctx *ctx, const char *prompt, bool secret);
	/* The shell (src/cli/repl.c), NULL in one-shot mode. */
	struct mm_repl *repl;
	/* Shell: global options applied before each line's own (owned by
	 * the shell; NULL otherwise), and the format of `set output`. */
	struct mm_args *sticky;
	enum mm_format default_format;
	/* What the open client was made for (secret: holds the token); a
	 * different target or transport option makes a new client. */
	char *client_key;
	/* The error was already printed: mm_cli_report prints nothing. */
	bool error_reported;
	/* Script mode: "FILE:LINE", put in front of reported errors. */
	const char *where;
	/* Fleet member: requests go through this transfer loop
	 * (mmadm/http_multi.h). */
	struct mm_http_multi *multi;
	/* --curl: requests are printed as curl commands (cli_ext.h). */
	struct mm_curl_show *curl;
};

/* The global option table (shared by parser, help, man, completion). */
extern const struct mm_opt mm_global_opts[];
/* Added to every CMD_PAGED command: --page, --per-page, --all. */
extern const struct mm_opt mm_paged_opts[];

/*
 * Run one command line (argv without the program name). Parses global
 * options anywhere before "--", finds family and command (exact names and
 * aliases), parses the command's options against its table, arranges
 * what its flags ask for and calls exec. Usage errors set MM_ERR_USAGE
 * with a message naming the problem. ctx must come from mm_ctx_init.
 */
enum mm_result mm_cli_run(struct mm_ctx *ctx, int argc, char **argv,
			  struct mm_error *err);

void mm_ctx_init(struct mm_ctx *ctx, const struct mm_family *families, FILE *in,
		 FILE *out, FILE *err);
void mm_ctx_release(struct mm_ctx *ctx);

/* Print the error the standard way: "mmadm: <family> <cmd>: message". */
void mm_cli_report(struct mm_ctx *ctx, const struct mm_error *err);

/* Ensure a connected client for the resolved target (lazy). */
enum mm_result mm_ctx_client(struct mm_ctx *ctx, struct mm_client **out,
			     struct mm_error *err);

/* Point the context at an explicit URL and token (auth login/add-token),
 * dropping any previous connection. token may be NULL. */
enum mm_result mm_ctx_use_url(struct mm_ctx *ctx, const char *url,
			      const char *token, struct mm_error *err);
/* The profiles file path (computed once). */
const char *mm_ctx_profiles_path(struct mm_ctx *ctx, struct mm_error *err);

/* Progress callback for transfers (ud = the ctx): a bar on stderr when it
 * is a terminal and not --quiet, at most 10 redraws a second.
 * mm_cli_progress_done ends the line. */
void mm_cli_progress(void *ud, uint64_t done, uint64_t total);
void mm_cli_progress_done(struct mm_ctx *ctx);

/* Ask yes/no on the terminal; false when declined or no terminal. */
bool mm_cli_confirm(struct mm_ctx *ctx, const char *question);

/* Lookup helpers (also used by help, man and completion generators). */
const struct mm_family *mm_cli_find_family(const struct mm_family *fams,
					   const char *name);
const struct mm_cmd_entry *mm_cli_find_cmd(const struct mm_family *fam,
					   const char *name);

/* Help rendering (to ctx->out.out). */
void mm_help_main(struct mm_ctx *ctx);
void mm_help_family(struct mm_ctx *ctx, const struct mm_family *fam);
void mm_help_cmd(struct mm_ctx *ctx, const struct mm_family *fam,
		 const struct mm_cmd_entry *cmd);
void mm_help_exit_codes(struct mm_ctx *ctx);
void mm_help_environment(struct mm_ctx *ctx);

#define MMADM_VERSION "0.1.0"

#endif
