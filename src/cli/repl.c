/*
 * The shell: an interactive console (libedit) and script mode. Every line
 * is split into words and run through mm_cli_run on the same ctx, so the
 * one libcurl handle and its connection serve the whole session.
 */
#include "mmadm/repl.h"

#include "cli_internal.h"
#include "mmadm/api.h"
#include "mmadm/dl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <histedit.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HISTORY_SIZE 1000

/* libedit, loaded by the interactive shell only (mmadm/dl.h): the calls
 * below go through this table. */
static struct {
	__typeof__(el_deletestr) *el_deletestr;
	__typeof__(el_end) *el_end;
	__typeof__(el_get) *el_get;
	__typeof__(el_gets) *el_gets;
	__typeof__(el_init) *el_init;
	__typeof__(el_insertstr) *el_insertstr;
	__typeof__(el_line) *el_line;
	__typeof__(el_set) *el_set;
	__typeof__(el_source) *el_source;
	__typeof__(el_wset) *el_wset;
	__typeof__(history) *history;
	__typeof__(history_end) *history_end;
	__typeof__(history_init) *history_init;
} edit;

static const struct mm_dl_sym edit_syms[] = {
	MM_DL_SYM(edit, el_deletestr), MM_DL_SYM(edit, el_end),
	MM_DL_SYM(edit, el_get),       MM_DL_SYM(edit, el_gets),
	MM_DL_SYM(edit, el_init),      MM_DL_SYM(edit, el_insertstr),
	MM_DL_SYM(edit, el_line),      MM_DL_SYM(edit, el_set),
	MM_DL_SYM(edit, el_source),    MM_DL_SYM(edit, el_wset),
	MM_DL_SYM(edit, history),      MM_DL_SYM(edit, history_end),
	MM_DL_SYM(edit, history_init), {NULL, NULL},
};

#define el_deletestr (edit.el_deletestr)
#define el_end (edit.el_end)
#define el_get (edit.el_get)
#define el_gets (edit.el_gets)
#define el_init (edit.el_init)
#define el_insertstr (edit.el_insertstr)
#define el_line (edit.el_line)
#define el_set (edit.el_set)
#define el_source (edit.el_source)
#define el_wset (edit.el_wset)
#define history (edit.history)
#define history_end (edit.history_end)
#define history_init (edit.history_init)

struct mm_repl {
	struct mm_ctx *ctx;
	bool interactive;
	bool done;       /* exit, quit or Ctrl-D */
	int last_code;   /* exit code of the last command */
	bool continuing; /* reading the rest of a backslash-continued line */
	EditLine *el;
	History *hist;
	char *histfile; /* NULL: no history file */
	bool hist_warned;
	char prompt[256];
	char where[512]; /* "FILE:LINE" in script mode */
	bool reported;   /* the failure returned was already reported */
	int depth;       /* scripts run from scripts: 0 for the outermost */
};

/* Scripts may run scripts (shell --file inside a script), to this depth:
 * deeper is taken for a script that runs itself. */
#define REPL_MAX_DEPTH 16

/* ---- Ctrl-C ------------------------------------------------------------ */

static volatile sig_atomic_t got_sigint;
static volatile int *cancel_flag;

static void
on_sigint(int sig)
{
	(void)sig;
	got_sigint = 1;
	if (cancel_flag != NULL)
		*cancel_flag = 1;
}

/* ---- the secret predicate ---------------------------------------------- */

static bool
table_has_secret(const struct mm_opt *opts)
{
	for (const struct mm_opt *o = opts; o != NULL && o->name != NULL; o++)
		if (o->flags & MM_OPT_SECRET)
			return true;
	return false;
}

/* "Section.Key=VALUE", "--opt=Section.Key=VALUE" or a bare
 * "Section.Key", naming a key whose value the server masks. */
static bool
names_secret_key(const char *w)
{
	const char *eq;
	char key[256];
	size_t n;

	if (w[0] == '-' && w[1] == '-') {
		w = strchr(w, '=');
		if (w == NULL)
			return false;
		w++;
	}
	eq = strchr(w, '=');
	/* A bare key ("config set EmailSettings.SMTPPassword VALUE"): the
	 * value follows in the next word. */
	if (eq == NULL)
		return strchr(w, '.') != NULL && mm_config_key_is_secret(w);
	if (memchr(w, '.', (size_t)(eq - w)) == NULL)
		return false;
	n = (size_t)(eq - w);
	if (n >= sizeof(key))
		return false;
	memcpy(key, w, n);
	key[n] = '\0';
	return mm_config_key_is_secret(key);
}

bool
mm_repl_line_is_secret(const struct mm_family *fams, char *const *argv,
		       size_t argc)
{
	struct mm_complete_pos pos;

	mm_complete_walk(fams, true, argv, argc, &pos);
	if (pos.cmd != NULL && !pos.help &&
	    (table_has_secret(pos.cmd->opts) ||
	     ((pos.cmd->flags & CMD_PAGED) && table_has_secret(mm_paged_opts))))
		return true;
	if (table_has_secret(mm_global_opts))
		return true;
	for (size_t i = 0; i < argc; i++)
		if (names_secret_key(argv[i]))
			return true;
	return false;
}

/* ---- history ----------------------------------------------------------- */

/* mkdir -p for the directories above path, mode 0700. */
static bool
make_parents(char *path)
{
	for (char *p = path + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST) {
			*p = '/';
			return false;
		}
		*p = '/';
	}
	return true;
}

/* $MMADM_HISTFILE ("/dev/null" or empty: none), else
 * $XDG_STATE_HOME/mmadm/history, else ~/.local/state/mmadm/history. */
static char *
history_path(struct mm_ctx *ctx)
{
	const char *e = ctx->getenv_fn("MMADM_HISTFILE");
	const char *state = ctx->getenv_fn("XDG_STATE_HOME");
	const char *home = ctx->getenv_fn("HOME");
	struct mm_buf b = MM_BUF_INIT;
	char *path;

	if (e != NULL)
		return e[0] == '\0' || strcmp(e, "/dev/null") == 0
			       ? NULL
			       : mm_strdup(e);
	if (state != NULL && state[0] == '/') {
		if (!mm_buf_printf(&b, "%s/mmadm/history", state))
			goto fail;
	} else if (home != NULL && home[0] == '/') {
		if (!mm_buf_printf(&b, "%s/.local/state/mmadm/history", home))
			goto fail;
	} else {
		return NULL;
	}
	path = mm_buf_take(&b);
	if (path != NULL && !make_parents(path)) {
		free(path);
		return NULL;
	}
	return path;
fail:
	mm_buf_release(&b);
	return NULL;
}

static void
history_save(struct mm_repl *r)
{
	HistEvent ev;
	FILE *f;
	int fd;

	if (r->histfile == NULL)
		return;
	fd = open(r->histfile,
		  O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	f = fd >= 0 && fchmod(fd, 0600) == 0 ? fdopen(fd, "w") : NULL;
	if (f == NULL) {
		if (fd >= 0)
			close(fd);
		if (!r->hist_warned)
			mm_warn(&r->ctx->out,
				"cannot write the history file %s",
				r->histfile);
		r->hist_warned = true;
		return;
	}
	if (history(r->hist, &ev, H_SAVE_FP, f) < 0 && !r->hist_warned) {
		mm_warn(&r->ctx->out, "cannot write the history file %s",
			r->histfile);
		r->hist_warned = true;
	}
	if (fclose(f) != 0 && !r->hist_warned) {
		mm_warn(&r->ctx->out, "cannot write the history file %s",
			r->histfile);
		r->hist_warned = true;
	}
}

static void
history_add(struct mm_repl *r, const char *line, char *const *words,
	    size_t nwords)
{
	HistEvent ev;

	struct mm_buf b = MM_BUF_INIT;
	bool ok;

	if (r->hist == NULL ||
	    mm_repl_line_is_secret(r->ctx->families, words, nwords))
		return;
	/* As typed, without the blank Tab leaves at the end. */
	ok = mm_buf_puts(&b, line);
	while (ok && b.len > 0 &&
	       (b.data[b.len - 1] == ' ' || b.data[b.len - 1] == '\t'))
		b.data[--b.len] = '\0';
	if (ok && history(r->hist, &ev, H_ENTER, mm_buf_str(&b)) >= 0)
		history_save(r);
	mm_buf_release(&b);
}

/* ---- running one line -------------------------------------------------- */

/* Words after a leading "mmadm" (commands pasted from docs or examples). */
static size_t
skip_prog(char *const *words, size_t n)
{
	return n > 1 && strcmp(words[0], "mmadm") == 0 ? 1 : 0;
}

static enum mm_result
run_line(struct mm_repl *r, const char *line, struct mm_error *err)
{
	struct mm_ctx *ctx = r->ctx;
	struct mm_split sp;
	enum mm_result rc;

	mm_error_clear(err);
	if (!mm_split_line(line, strlen(line), &sp)) {
		rc = mm_error_oom(err);
		ctx->family = NULL;
		ctx->cmd = NULL;
		ctx->error_reported = false;
		mm_cli_report(ctx, err);
		r->last_code = mm_exit_code(rc);
		return rc;
	}
	if (sp.words.n == 0 && sp.quote == 0 && !sp.escape) {
		mm_split_release(&sp);
		return MM_OK;
	}
	if (r->interactive)
		history_add(r, line,
			    sp.words.v + skip_prog(sp.words.v, sp.words.n),
			    sp.words.n - skip_prog(sp.words.v, sp.words.n));
	if (sp.quote != 0) {
		rc = mm_error_set(err, MM_ERR_USAGE, "unterminated %s quote",
				  sp.quote == '"' ? "double" : "single");
		ctx->family = NULL;
		ctx->cmd = NULL;
		ctx->error_reported = false;
		mm_cli_report(ctx, err);
	} else {
		ctx->cancel = 0;
		got_sigint = 0;
		size_t skip = skip_prog(sp.words.v, sp.words.n);

		rc = mm_cli_run(ctx, (int)(sp.words.n - skip),
				sp.words.v + skip, err);
		if (rc != MM_OK)
			mm_cli_report(ctx, err);
	}
	r->last_code = mm_exit_code(rc);
	mm_split_release(&sp);
	return rc;
}

/* Ends in a backslash that escapes the newline (an odd number of them). */
static bool
continues(const struct mm_buf *b)
{
	size_t n = 0;

	while (n < b->len && b->data[b->len - 1 - n] == '\\')
		n++;
	return n % 2 == 1;
}

static void
chomp(struct mm_buf *b)
{
	while (b->len > 0 &&
	       (b->data[b->len - 1] == '\n' || b->data[b->len - 1] == '\r'))
		b->data[--b->len] = '\0';
}

/* ---- script mode ------------------------------------------------------- */

static enum mm_result
run_script(struct mm_repl *r, const char *file, bool keep_going,
	   struct mm_error *err)
{
	struct mm_ctx *ctx = r->ctx;
	struct mm_buf cmd = MM_BUF_INIT;
	struct mm_error one;
	enum mm_result last = MM_OK;
	FILE *in = ctx->in;
	const char *name = NULL, *old_holder = NULL;
	char *line = NULL;
	size_t cap = 0, lineno = 0, start = 0;
	ssize_t n;

	if (file != NULL && strcmp(file, "-") != 0) {
		in = fopen(file, "r");
		if (in == NULL)
			return mm_error_set(err, MM_ERR_IO,
					    "cannot read %s: %s", file,
					    strerror(errno));
		name = file;
	}
	if (in == stdin)
		old_holder = mm_stdin_reserve("the shell script (run it "
					      "with --file to read '-')");
	while (!r->done && (n = getline(&line, &cap, in)) != -1) {
		enum mm_result rc;

		lineno++;
		if (cmd.len == 0)
			start = lineno;
		if (!mm_buf_append(&cmd, line, (size_t)n)) {
			last = mm_error_oom(err);
			break;
		}
		chomp(&cmd);
		if (continues(&cmd)) {
			cmd.data[--cmd.len] = '\0';
			continue;
		}
		if (name != NULL)
			snprintf(r->where, sizeof(r->where), "%s:%zu", name,
				 start);
		else
			snprintf(r->where, sizeof(r->where), "line %zu", start);
		ctx->where = r->where;
		rc = run_line(r, mm_buf_str(&cmd), &one);
		ctx->where = NULL;
		mm_buf_reset(&cmd);
		if (rc == MM_OK)
			continue;
		last = rc;
		*err = one;
		r->reported = true;
		if (rc == MM_ERR_CANCELLED || !keep_going)
			break;
	}
	if (last == MM_OK && ferror(in)) {
		r->reported = false;
		last = mm_error_set(err, MM_ERR_IO, "cannot read %s: %s",
				    name ? name : "standard input",
				    strerror(errno));
	} else if (last == MM_OK && cmd.len > 0 && !r->done) {
		/* A backslash on the last line: run what there is. */
		snprintf(r->where, sizeof(r->where), "%s:%zu",
			 name ? name : "line", start);
		ctx->where = r->where;
		last = run_line(r, mm_buf_str(&cmd), err);
		r->reported = true;
		ctx->where = NULL;
	}
	if (in == stdin)
		(void)mm_stdin_reserve(old_holder);
	free(line);
	mm_buf_release(&cmd);
	if (in != ctx->in)
		fclose(in);
	return last;
}

/* ---- the prompt -------------------------------------------------------- */

/* "PROFILE@HOST> ", "HOST> ", "local> " or "mmadm> ", after "[CODE] "
 * when the last command failed. */
static void
build_prompt(struct mm_repl *r)
{
	struct mm_ctx *ctx = r->ctx;
	struct mm_target_flags fl;
	struct mm_target t;
	struct mm_error e;
	const char *path = mm_ctx_profiles_path(ctx, &e);
	char name[200], code[16] = "";

	mm_strlcpy(name, "mmadm", sizeof(name));
	memset(&fl, 0, sizeof(fl));
	fl.url = mm_args_get(ctx->sticky, "url");
	fl.profile = mm_args_get(ctx->sticky, "profile");
	fl.socket = mm_args_get(ctx->sticky, "socket");
	fl.local = mm_args_bool(ctx->sticky, "local", false);
	if (path != NULL &&
	    mm_target_resolve(&fl, ctx->getenv_fn, path, &t, &e) == MM_OK) {
		if (t.local) {
			mm_strlcpy(name, "local", sizeof(name));
		} else if (t.url != NULL) {
			const char *h = strstr(t.url, "://");
			const char *at;
			size_t hl;

			h = h != NULL ? h + 3 : t.url;
			hl = strcspn(h, "/");
			at = memchr(h, '@', hl);
			if (at != NULL) {
				hl -= (size_t)(at + 1 - h);
				h = at + 1;
			}
			if (snprintf(name, sizeof(name), "%s%s%.*s",
				     t.profile ? t.profile : "",
				     t.profile ? "@" : "", (int)hl,
				     h) >= (int)sizeof(name))
				name[sizeof(name) - 1] = '\0';
		}
		mm_target_release(&t);
	}
	for (char *p = name; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	if (r->last_code != 0)
		snprintf(code, sizeof(code), "[%d] ", r->last_code);
	snprintf(r->prompt, sizeof(r->prompt), "%s%s> ", code, name);
}

static char *
prompt_fn(EditLine *el)
{
	static char more[] = "> ";
	struct mm_repl *r = NULL;

	if (el_get(el, EL_CLIENTDATA, &r) != 0 || r == NULL)
		return more;
	return r->continuing ? more : r->prompt;
}

/* ---- completion on Tab, usage on '?' ----------------------------------- */

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
add_files(struct mm_completion *c)
{
	const char *m = c->match, *slash = strrchr(m, '/');
	const char *base = slash != NULL ? slash + 1 : m;
	struct mm_buf dir = MM_BUF_INIT, cand = MM_BUF_INIT;
	struct dirent *de;
	DIR *d;

	if (slash == NULL)
		mm_buf_puts(&dir, ".");
	else if (slash == m)
		mm_buf_puts(&dir, "/");
	else
		mm_buf_append(&dir, m, (size_t)(slash - m));
	d = opendir(mm_buf_str(&dir));
	while (d != NULL && (de = readdir(d)) != NULL) {
		struct stat st;
		const char *nm = de->d_name;

		if (strcmp(nm, ".") == 0 || strcmp(nm, "..") == 0 ||
		    (nm[0] == '.' && base[0] != '.') ||
		    strncmp(nm, base, strlen(base)) != 0)
			continue;
		mm_buf_reset(&cand);
		if (slash != NULL)
			mm_buf_append(&cand, m, (size_t)(slash - m) + 1);
		mm_buf_puts(&cand, nm);
		if (stat(mm_buf_str(&cand), &st) == 0 && S_ISDIR(st.st_mode))
			mm_buf_putc(&cand, '/');
		{
			const char *s = mm_buf_str(&cand);

			mm_completion_add(c, &s, 1);
		}
	}
	if (d != NULL)
		closedir(d);
	mm_buf_release(&dir);
	mm_buf_release(&cand);
}

static void
add_profiles(struct mm_ctx *ctx, struct mm_completion *c)
{
	struct mm_profiles p;
	struct mm_error e;
	const char *path = mm_ctx_profiles_path(ctx, &e);

	if (path == NULL || mm_profiles_load(path, &p, &e) != MM_OK)
		return;
	for (size_t i = 0; i < p.n; i++) {
		const char *s = p.v[i].name;

		mm_completion_add(c, &s, 1);
	}
	mm_profiles_release(&p);
}

/* Characters, not bytes, for el_deletestr. */
static int
utf8_chars(const char *s, size_t len)
{
	int n = 0;

	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

/* Word as typed: blanks, quotes, backslashes (and a leading #) escaped. */
static bool
quote_word(const char *w, struct mm_buf *out)
{
	for (size_t i = 0; w[i] != '\0'; i++) {
		if (strchr(" \t'\"\\", w[i]) != NULL || (i == 0 && w[i] == '#'))
			if (!mm_buf_putc(out, '\\'))
				return false;
		if (!mm_buf_putc(out, w[i]))
			return false;
	}
	return true;
}

static void
list_candidates(struct mm_repl *r, const struct mm_completion *c)
{
	FILE *f = r->ctx->out.out;
	size_t width = 0, cols, rows;
	int term = r->ctx->out.width > 0 ? r->ctx->out.width : 80;

	for (size_t i = 0; i < c->words.n; i++)
		if (strlen(c->words.v[i]) > width)
			width = strlen(c->words.v[i]);
	width += 2;
	cols = (size_t)term / width;
	if (cols == 0)
		cols = 1;
	rows = (c->words.n + cols - 1) / cols;
	fputc('\n', f);
	for (size_t row = 0; row < rows; row++) {
		for (size_t col = 0; col < cols; col++) {
			size_t i = col * rows + row;

			if (i >= c->words.n)
				break;
			fprintf(f, "%-*s", (int)width, c->words.v[i]);
		}
		fputc('\n', f);
	}
	fflush(f);
}

static unsigned char
complete_fn(EditLine *el, int ch)
{
	struct mm_repl *r = NULL;
	const LineInfo *li = el_line(el);
	size_t len = (size_t)(li->cursor - li->buffer), nwords, raw = 0, skip;
	struct mm_completion c;
	struct mm_split sp;
	struct mm_buf ins = MM_BUF_INIT;
	const char *cur = "";
	unsigned char res = CC_REFRESH;
	char *common = NULL;

	(void)ch;
	if (el_get(el, EL_CLIENTDATA, &r) != 0 || r == NULL ||
	    !mm_split_line(li->buffer, len, &sp))
		return CC_ERROR;
	nwords = sp.words.n;
	if (sp.partial) {
		cur = sp.words.v[--nwords];
		raw = len - sp.last_start;
	}
	skip = nwords >= 1 && strcmp(sp.words.v[0], "mmadm") == 0 ? 1 : 0;
	if (!mm_complete(r->ctx->families, true, sp.words.v + skip,
			 nwords - skip, cur, &c)) {
		mm_split_release(&sp);
		return CC_ERROR;
	}
	if (c.extra & MM_COMPLETE_FILES)
		add_files(&c);
	if (c.extra & MM_COMPLETE_PROFILES)
		add_profiles(r->ctx, &c);
	if (c.words.n > 1)
		qsort(c.words.v, c.words.n, sizeof(*c.words.v), cmp_str);
	if (c.words.n == 0) {
		res = CC_REFRESH_BEEP;
		goto out;
	}
	common = c.words.n == 1 ? mm_strdup(c.words.v[0])
				: mm_completion_common(&c);
	if (common == NULL) {
		res = CC_ERROR;
		goto out;
	}
	if (c.words.n > 1 && strlen(common) <= strlen(cur)) {
		list_candidates(r, &c);
		res = CC_REDISPLAY;
		goto out;
	}
	if (!quote_word(common, &ins) ||
	    (c.words.n == 1 && common[strlen(common) - 1] != '/' &&
	     !mm_buf_putc(&ins, ' '))) {
		res = CC_ERROR;
		goto out;
	}
	if (raw > 0)
		el_deletestr(el, utf8_chars(li->buffer + sp.last_start, raw));
	if (el_insertstr(el, mm_buf_str(&ins)) != 0)
		res = CC_ERROR;
out:
	free(common);
	mm_buf_release(&ins);
	mm_completion_release(&c);
	mm_split_release(&sp);
	return res;
}

static void
hint_options(FILE *f, const struct mm_opt *opts, size_t *col)
{
	for (const struct mm_opt *o = opts; o != NULL && o->name != NULL; o++) {
		size_t w;

		if (o->flags & MM_OPT_HIDDEN)
			continue;
		w = strlen(o->name) + 3 +
		    (o->kind != MM_OPT_K_BOOL ? strlen(mm_help_arg_kind(o)) + 1
					      : 0);
		if (*col + w > 76) {
			fputs("\n ", f);
			*col = 1;
		}
		if (o->kind != MM_OPT_K_BOOL)
			fprintf(f, " --%s %s", o->name, mm_help_arg_kind(o));
		else
			fprintf(f, " --%s", o->name);
		*col += w;
	}
}

/* '?': the usage of the command being typed, or what may come next. */
static unsigned char
hint_fn(EditLine *el, int ch)
{
	struct mm_repl *r = NULL;
	const LineInfo *li = el_line(el);
	size_t len = (size_t)(li->cursor - li->buffer), skip;
	struct mm_complete_pos pos;
	struct mm_split sp;
	FILE *f;

	(void)ch;
	if (el_get(el, EL_CLIENTDATA, &r) != 0 || r == NULL ||
	    !mm_split_line(li->buffer, len, &sp))
		return CC_ERROR;
	if (sp.quote != 0 || sp.escape) {
		mm_split_release(&sp);
		return el_insertstr(el, "?") == 0 ? CC_REFRESH : CC_ERROR;
	}
	f = r->ctx->out.out;
	skip = skip_prog(sp.words.v, sp.words.n);
	mm_complete_walk(r->ctx->families, true, sp.words.v + skip,
			 sp.words.n - skip, &pos);
	fputc('\n', f);
	if (pos.unknown) {
		fputs("no such command: type 'help' or press Tab\n", f);
	} else if (pos.cmd != NULL && !pos.help) {
		size_t col = 7;

		fputs("usage: ", f);
		mm_help_usage_line(f, pos.fam, pos.cmd);
		fprintf(f, "\n  %s\n", pos.cmd->summary);
		if (pos.cmd->opts != NULL && pos.cmd->opts[0].name != NULL) {
			fputs("options:", f);
			col = 8;
			hint_options(f, pos.cmd->opts, &col);
			if (pos.cmd->flags & CMD_PAGED)
				hint_options(f, mm_paged_opts, &col);
			fputc('\n', f);
		}
	} else if (pos.fam != NULL) {
		for (const struct mm_cmd_entry *c = pos.fam->cmds; c->name; c++)
			if (!(c->flags & (CMD_REPL_ONLY | CMD_HIDDEN)))
				fprintf(f, "  %s %-18s  %s\n", pos.fam->name,
					c->name, c->summary);
	} else {
		for (const struct mm_family *fam = r->ctx->families; fam->name;
		     fam++)
			fprintf(f, "  %-14s  %s\n", fam->name, fam->summary);
		for (const struct mm_family *fam = r->ctx->families; fam->name;
		     fam++)
			for (const struct mm_cmd_entry *c = fam->cmds; c->name;
			     c++)
				if (c->flags & CMD_REPL_ONLY)
					fprintf(f, "  %-14s  %s\n", c->name,
						c->summary);
		fputs("  help            help on a command or topic\n", f);
	}
	fflush(f);
	mm_split_release(&sp);
	return CC_REDISPLAY;
}

/* ---- the interactive loop ---------------------------------------------- */

static bool
editor_start(struct mm_repl *r)
{
	struct mm_ctx *ctx = r->ctx;
	HistEvent ev;

	r->hist = history_init();
	if (r->hist == NULL)
		return false;
	history(r->hist, &ev, H_SETSIZE, HISTORY_SIZE);
	history(r->hist, &ev, H_SETUNIQUE, 1);
	r->histfile = history_path(ctx);
	if (r->histfile != NULL)
		history(r->hist, &ev, H_LOAD, r->histfile);
	r->el = el_init("mmadm", ctx->in, ctx->out.out, ctx->out.err);
	if (r->el == NULL)
		return false;
	el_set(r->el, EL_CLIENTDATA, r);
	el_set(r->el, EL_EDITOR, "emacs");
	el_set(r->el, EL_SIGNAL, 1);
	el_set(r->el, EL_PROMPT, prompt_fn);
	el_set(r->el, EL_HIST, history, r->hist);
	/* Wide strings: el_set would copy narrow ones and never free the
	 * copies (libedit says so in el_set). */
	el_wset(r->el, EL_ADDFN, L"mmadm-complete",
		L"complete a family, command, option or value", complete_fn);
	el_wset(r->el, EL_ADDFN, L"mmadm-hint",
		L"show the usage of the command being typed", hint_fn);
	el_set(r->el, EL_BIND, "^I", "mmadm-complete", NULL);
	el_set(r->el, EL_BIND, "?", "mmadm-hint", NULL);
	el_set(r->el, EL_BIND, "^R", "em-inc-search-prev", NULL);
	el_source(r->el, NULL);
	return true;
}

static void
editor_stop(struct mm_repl *r)
{
	if (r->el != NULL)
		el_end(r->el);
	if (r->hist != NULL)
		history_end(r->hist);
	r->el = NULL;
	r->hist = NULL;
	free(r->histfile);
	r->histfile = NULL;
}

static enum mm_result
interactive(struct mm_repl *r, struct mm_error *err)
{
	struct mm_ctx *ctx = r->ctx;
	struct mm_buf acc = MM_BUF_INIT;
	struct mm_error one;
	enum mm_result rc;

	rc = mm_dl_load("libedit.so.2",
			"the interactive shell needs libedit (Debian package "
			"libedit2)",
			edit_syms, err);
	if (rc != MM_OK)
		return rc;
	if (!editor_start(r)) {
		editor_stop(r);
		return mm_error_set(err, MM_ERR_OTHER,
				    "cannot start line editing");
	}
	fprintf(ctx->out.err,
		"mmadm %s shell: Tab completes, '?' shows usage, 'help' "
		"lists commands, Ctrl-D leaves.\n",
		MMADM_VERSION);
	while (!r->done) {
		const char *line;
		int count = 0;

		if (!r->continuing)
			build_prompt(r);
		got_sigint = 0;
		line = el_gets(r->el, &count);
		if (line == NULL || count <= 0) {
			if (got_sigint || (count < 0 && errno == EINTR)) {
				/* Ctrl-C at the prompt: a fresh line. */
				fputc('\n', ctx->out.out);
				fflush(ctx->out.out);
				mm_buf_reset(&acc);
				r->continuing = false;
				continue;
			}
			fputc('\n', ctx->out.out);
			break;
		}
		if (!mm_buf_puts(&acc, line)) {
			mm_buf_release(&acc);
			editor_stop(r);
			return mm_error_oom(err);
		}
		chomp(&acc);
		if (continues(&acc)) {
			acc.data[--acc.len] = '\0';
			r->continuing = true;
			continue;
		}
		r->continuing = false;
		run_line(r, mm_buf_str(&acc), &one);
		mm_buf_reset(&acc);
	}
	fflush(ctx->out.out);
	mm_buf_release(&acc);
	editor_stop(r);
	return MM_OK;
}

/* ---- set-up ------------------------------------------------------------ */

static bool
is_global(const struct mm_opt *o)
{
	for (const struct mm_opt *g = mm_global_opts; g->name != NULL; g++)
		if (g == o)
			return true;
	return false;
}

/* The global options given with `shell` hold for every line, except the
 * output format, which becomes the session's default (`set output`). */
static enum mm_result
make_sticky(struct mm_ctx *ctx, bool script, struct mm_args **out,
	    struct mm_error *err)
{
	struct mm_args *s = mm_args_new(NULL, NULL, mm_global_opts);
	const struct mm_args *g = ctx->globals;

	*out = NULL;
	if (s == NULL)
		return mm_error_oom(err);
	for (size_t i = 0; g != NULL && i < g->nvals; i++) {
		const struct mm_optval *v = &g->vals[i];
		const char *name = v->opt->name;
		struct mm_optval *d;

		if (!v->set || !is_global(v->opt) ||
		    strcmp(name, "output") == 0 || strcmp(name, "json") == 0 ||
		    strcmp(name, "help") == 0 || strcmp(name, "version") == 0)
			continue;
		d = mm_args_find(s, name);
		if (d == NULL)
			continue;
		d->set = true;
		d->bval = v->bval;
		if (v->sval != NULL && (d->sval = mm_strdup(v->sval)) == NULL) {
			mm_args_free(s);
			return mm_error_oom(err);
		}
	}
	if (script) {
		struct mm_optval *d = mm_args_find(s, "no-color");

		if (d != NULL) {
			d->set = true;
			d->bval = true;
		}
	}
	*out = s;
	return MM_OK;
}

enum mm_result
mm_repl_run(struct mm_ctx *ctx, const char *file, bool keep_going,
	    struct mm_error *err)
{
	const struct mm_args *saved_globals = ctx->globals;
	const struct mm_family *saved_family = ctx->family;
	const struct mm_cmd_entry *saved_cmd = ctx->cmd;
	enum mm_format saved_format = ctx->default_format;
	struct mm_repl *outer = ctx->repl;
	struct mm_args *sticky = NULL;
	struct sigaction sa, old_sa;
	volatile int *old_cancel = cancel_flag;
	struct mm_repl r;
	enum mm_result rc;
	char *old_locale = NULL;

	if (outer != NULL && file == NULL)
		return mm_error_set(err, MM_ERR_USAGE,
				    "already in the shell (to run a script "
				    "here: shell --file FILE)");
	if (outer != NULL && outer->depth + 1 > REPL_MAX_DEPTH)
		return mm_error_set(err, MM_ERR_USAGE,
				    "scripts nest more than %d deep: does "
				    "%s run itself?",
				    REPL_MAX_DEPTH, file);
	memset(&r, 0, sizeof(r));
	r.depth = outer != NULL ? outer->depth + 1 : 0;
	r.ctx = ctx;
	r.interactive = file == NULL && ctx->in_tty;
	if (outer == NULL) {
		rc = make_sticky(ctx, !r.interactive, &sticky, err);
		if (rc != MM_OK)
			return rc;
		if (ctx->out.format != MM_FMT_AUTO &&
		    (mm_args_get(ctx->globals, "output") != NULL ||
		     mm_args_bool(ctx->globals, "json", false)))
			ctx->default_format = ctx->out.format;
		ctx->sticky = sticky;
	}
	ctx->repl = &r;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_sa);
	cancel_flag = &ctx->cancel;
	if (r.interactive) {
		const char *l = setlocale(LC_CTYPE, NULL);

		old_locale = l != NULL ? mm_strdup(l) : NULL;
		setlocale(LC_CTYPE, "");
		rc = interactive(&r, err);
		if (old_locale != NULL)
			setlocale(LC_CTYPE, old_locale);
		free(old_locale);
	} else {
		rc = run_script(&r, file, keep_going, err);
	}
	sigaction(SIGINT, &old_sa, NULL);
	cancel_flag = old_cancel;
	ctx->repl = outer;
	if (outer == NULL) {
		ctx->sticky = NULL;
		mm_args_free(sticky);
		ctx->default_format = saved_format;
	}
	ctx->globals = saved_globals;
	ctx->family = saved_family;
	ctx->cmd = saved_cmd;
	/* Failures were reported line by line. */
	ctx->error_reported = rc != MM_OK && r.reported;
	return rc;
}

/* ---- the shell-only commands ------------------------------------------- */

enum mm_result
mm_repl_use(struct mm_ctx *ctx, const char *profile, struct mm_error *err)
{
	static const char *const target[] = {"url", "local", "socket"};
	struct mm_profiles p;
	const struct mm_profile *pr;
	const char *path = mm_ctx_profiles_path(ctx, err);
	struct mm_optval *v;
	enum mm_result rc;

	if (ctx->repl == NULL || ctx->sticky == NULL)
		return mm_error_set(err, MM_ERR_USAGE,
				    "'use' works only inside the shell");
	if (path == NULL)
		return err->kind;
	rc = mm_profiles_load(path, &p, err);
	if (rc != MM_OK)
		return rc;
	pr = mm_profiles_find(&p, profile);
	if (pr == NULL) {
		mm_profiles_release(&p);
		return mm_error_set(err, MM_ERR_CONFIG,
				    "no profile named '%s' (see 'auth list')",
				    profile);
	}
	mm_note(&ctx->out, "using profile '%s' (%s)", pr->name,
		pr->local ? "local socket" : (pr->url ? pr->url : "?"));
	mm_profiles_release(&p);
	for (size_t i = 0; i < sizeof(target) / sizeof(*target); i++) {
		v = mm_args_find(ctx->sticky, target[i]);
		if (v != NULL) {
			free(v->sval);
			v->sval = NULL;
			v->set = false;
			v->bval = false;
		}
	}
	v = mm_args_find(ctx->sticky, "profile");
	if (v == NULL)
		return mm_error_set(err, MM_ERR_OTHER,
				    "internal: no --profile");
	return mm_args_store(v, profile, false, err);
}

enum mm_result
mm_repl_set(struct mm_ctx *ctx, const char *setting, const char *value,
	    struct mm_error *err)
{
	enum mm_format fmt = MM_FMT_AUTO;

	if (ctx->repl == NULL)
		return mm_error_set(err, MM_ERR_USAGE,
				    "'set' works only inside the shell");
	if (strcmp(setting, "output") != 0)
		return mm_error_set(err, MM_ERR_USAGE, "no setting '%s'",
				    setting);
	if (strcmp(value, "auto") != 0 && !mm_format_parse(value, &fmt))
		return mm_error_set(err, MM_ERR_USAGE, "unknown format '%s'",
				    value);
	ctx->default_format = fmt;
	return MM_OK;
}

enum mm_result
mm_repl_history(struct mm_ctx *ctx, struct mm_error *err)
{
	struct mm_repl *r = ctx->repl;
	HistEvent ev;

	(void)err;
	if (r == NULL || r->hist == NULL)
		return MM_OK;
	for (int rv = history(r->hist, &ev, H_LAST); rv != -1;
	     rv = history(r->hist, &ev, H_PREV))
		fprintf(ctx->out.out, "%5d  %.*s\n", ev.num,
			(int)strcspn(ev.str, "\n"), ev.str);
	return MM_OK;
}

enum mm_result
mm_repl_exit(struct mm_ctx *ctx, struct mm_error *err)
{
	(void)err;
	if (ctx->repl != NULL)
		ctx->repl->done = true;
	return MM_OK;
}
