/*
 * Completion from the command table: the line splitter shared with the
 * shell, the candidates the shell offers on Tab, and the bash, zsh and
 * fish scripts of `mmadm completion`.
 */
#include "cli_internal.h"
#include "mmadm/repl.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- splitting ------------------------------------------------------- */

void
mm_split_release(struct mm_split *s)
{
	if (s == NULL)
		return;
	mm_strv_release(&s->words);
	memset(s, 0, sizeof(*s));
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool
mm_split_line(const char *line, size_t len, struct mm_split *out)
{
	struct mm_buf w = MM_BUF_INIT;
	bool in_word = false, ok = true;
	size_t i = 0;

	memset(out, 0, sizeof(*out));
	while (ok && i < len) {
		char c = line[i];

		if (out->quote == '\'') {
			if (c == '\'')
				out->quote = 0;
			else
				ok = mm_buf_putc(&w, c);
			i++;
			continue;
		}
		if (out->quote == '"') {
			if (c == '"') {
				out->quote = 0;
			} else if (c == '\\' && i + 1 < len &&
				   line[i + 1] != '\0' &&
				   strchr("\\\"$`", line[i + 1]) != NULL) {
				ok = mm_buf_putc(&w, line[++i]);
			} else if (c == '\\' && i + 1 == len) {
				out->escape = true;
			} else {
				ok = mm_buf_putc(&w, c);
			}
			i++;
			continue;
		}
		if (is_blank(c)) {
			if (in_word) {
				ok = mm_strv_push(&out->words, mm_buf_str(&w));
				mm_buf_reset(&w);
				in_word = false;
			}
			i++;
			continue;
		}
		if (!in_word) {
			if (c == '#')
				break;
			in_word = true;
			out->last_start = i;
		}
		if (c == '\\') {
			if (i + 1 < len)
				ok = mm_buf_putc(&w, line[++i]);
			else
				out->escape = true;
		} else if (c == '\'' || c == '"') {
			out->quote = c;
		} else {
			ok = mm_buf_putc(&w, c);
		}
		i++;
	}
	if (ok && in_word) {
		ok = mm_strv_push(&out->words, mm_buf_str(&w));
		out->partial = true;
	}
	mm_buf_release(&w);
	if (!ok)
		mm_split_release(out);
	return ok;
}

/* ---- the table, as completion sees it -------------------------------- */

static const struct mm_cmd_entry *
family_default(const struct mm_family *fam)
{
	for (const struct mm_cmd_entry *c = fam->cmds; c->name != NULL; c++)
		if (c->flags & CMD_FAMILY_DEFAULT)
			return c;
	return NULL;
}

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

/* The option tables in force after cmd (NULL = global ones only). */
static void
scope_tables(const struct mm_cmd_entry *cmd, const struct mm_opt *t[3])
{
	t[0] = cmd != NULL ? cmd->opts : NULL;
	t[1] = cmd != NULL && (cmd->flags & CMD_PAGED) ? mm_paged_opts : NULL;
	t[2] = mm_global_opts;
}

/* The option a word names ("--name", "--name=V", "--no-name", "-x",
 * "-xV"); *inline_value tells whether the word carries its value. */
static const struct mm_opt *
find_opt(const struct mm_cmd_entry *cmd, const char *w, bool *inline_value)
{
	const struct mm_opt *t[3];
	size_t n;

	*inline_value = false;
	scope_tables(cmd, t);
	if (w[1] == '-') {
		const char *eq = strchr(w + 2, '=');

		n = eq != NULL ? (size_t)(eq - w - 2) : strlen(w + 2);
		*inline_value = eq != NULL;
		for (size_t k = 0; k < 3; k++)
			for (const struct mm_opt *o = t[k]; o && o->name; o++) {
				if (strlen(o->name) == n &&
				    strncmp(o->name, w + 2, n) == 0)
					return o;
				if (o->kind == MM_OPT_K_BOOL &&
				    (o->flags & MM_OPT_NEGATABLE) && n > 3 &&
				    strncmp(w + 2, "no-", 3) == 0 &&
				    strlen(o->name) == n - 3 &&
				    strncmp(o->name, w + 5, n - 3) == 0)
					return o;
			}
		return NULL;
	}
	for (size_t k = 0; k < 3; k++)
		for (const struct mm_opt *o = t[k]; o && o->name; o++)
			if (o->short_name != 0 && o->short_name == w[1]) {
				*inline_value = w[2] != '\0';
				return o;
			}
	return NULL;
}

void
mm_complete_walk(const struct mm_family *fams, bool repl, char *const *words,
		 size_t nwords, struct mm_complete_pos *pos)
{
	memset(pos, 0, sizeof(*pos));
	for (size_t i = 0; i < nwords && !pos->unknown; i++) {
		const char *w = words[i];

		if (pos->want != NULL) {
			pos->want = NULL;
			continue;
		}
		if (!pos->end_opts && strcmp(w, "--") == 0) {
			pos->end_opts = true;
			continue;
		}
		if (!pos->end_opts && w[0] == '-' && w[1] != '\0') {
			const struct mm_opt *o;
			bool inl;

			if (pos->fam != NULL && pos->cmd == NULL && !pos->help)
				pos->cmd = family_default(pos->fam);
			o = find_opt(pos->cmd, w, &inl);
			if (o != NULL && o->kind != MM_OPT_K_BOOL && !inl)
				pos->want = o;
			continue;
		}
		if (pos->help) {
			if (pos->help_words == 0)
				pos->fam = mm_cli_find_family(fams, w);
			pos->help_words++;
			continue;
		}
		if (pos->fam == NULL) {
			if (strcmp(w, "help") == 0) {
				pos->help = true;
				continue;
			}
			pos->fam = mm_cli_find_family(fams, w);
			if (pos->fam == NULL && repl)
				pos->cmd = find_repl_cmd(fams, w, &pos->fam);
			pos->unknown = pos->fam == NULL;
			continue;
		}
		if (pos->cmd == NULL) {
			pos->cmd = mm_cli_find_cmd(pos->fam, w);
			pos->unknown = pos->cmd == NULL;
			continue;
		}
		pos->npos++;
	}
}

/* ---- candidates ------------------------------------------------------- */

void
mm_completion_release(struct mm_completion *c)
{
	if (c == NULL)
		return;
	mm_strv_release(&c->words);
	free(c->keep);
	free(c->match);
	memset(c, 0, sizeof(*c));
}

static bool
starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Add keep+name when name starts with match. */
static bool
offer(struct mm_completion *c, const char *name)
{
	struct mm_buf b = MM_BUF_INIT;
	bool ok;

	if (!starts_with(name, c->match))
		return true;
	for (size_t i = 0; i < c->words.n; i++)
		if (strcmp(c->words.v[i] + strlen(c->keep), name) == 0)
			return true;
	ok = mm_buf_puts(&b, c->keep) && mm_buf_puts(&b, name) &&
	     mm_strv_push(&c->words, mm_buf_str(&b));
	mm_buf_release(&b);
	return ok;
}

bool
mm_completion_add(struct mm_completion *c, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!offer(c, names[i]))
			return false;
	return true;
}

char *
mm_completion_common(const struct mm_completion *c)
{
	size_t n;

	if (c->words.n == 0)
		return mm_strdup("");
	n = strlen(c->words.v[0]);
	for (size_t i = 1; i < c->words.n; i++) {
		size_t k = 0;

		while (k < n && c->words.v[i][k] == c->words.v[0][k])
			k++;
		n = k;
	}
	{
		char *s = malloc(n + 1);

		if (s == NULL)
			return NULL;
		memcpy(s, c->words.v[0], n);
		s[n] = '\0';
		return s;
	}
}

static bool
offer_list(struct mm_completion *c, const char *const *list)
{
	for (size_t i = 0; list != NULL && list[i] != NULL; i++)
		if (!offer(c, list[i]))
			return false;
	return true;
}

/* What the value of option o may be. */
static bool
offer_value(struct mm_completion *c, const struct mm_opt *o)
{
	if (o->kind == MM_OPT_K_CHOICE)
		return offer_list(c, o->choices);
	if (o->kind == MM_OPT_K_FILE)
		c->extra |= MM_COMPLETE_FILES;
	if (o->flags & MM_OPT_PROFILE)
		c->extra |= MM_COMPLETE_PROFILES;
	return true;
}

static bool
offer_options(struct mm_completion *c, const struct mm_cmd_entry *cmd)
{
	const struct mm_opt *t[3];
	bool ok = true;

	scope_tables(cmd, t);
	for (size_t k = 0; k < 3 && ok; k++)
		for (const struct mm_opt *o = t[k]; ok && o && o->name; o++) {
			char name[160];

			if (o->flags & MM_OPT_HIDDEN)
				continue;
			if (snprintf(name, sizeof(name), "--%s", o->name) <
			    (int)sizeof(name))
				ok = offer(c, name);
			if (ok && o->kind == MM_OPT_K_BOOL &&
			    (o->flags & MM_OPT_NEGATABLE) &&
			    snprintf(name, sizeof(name), "--no-%s", o->name) <
				    (int)sizeof(name))
				ok = offer(c, name);
		}
	return ok;
}

static bool
offer_commands(struct mm_completion *c, const struct mm_family *fam)
{
	for (const struct mm_cmd_entry *e = fam->cmds; e->name != NULL; e++)
		if (!(e->flags & (CMD_REPL_ONLY | CMD_HIDDEN)) &&
		    !offer(c, e->name))
			return false;
	return true;
}

static bool
offer_families(struct mm_completion *c, const struct mm_family *fams, bool repl)
{
	for (size_t i = 0; fams[i].name != NULL; i++) {
		if (!offer(c, fams[i].name))
			return false;
		for (const struct mm_cmd_entry *e = fams[i].cmds;
		     repl && e->name != NULL; e++)
			if ((e->flags & CMD_REPL_ONLY) && !offer(c, e->name))
				return false;
	}
	return true;
}

static bool
offer_argument(struct mm_completion *c, const struct mm_cmd_entry *cmd,
	       size_t index)
{
	const struct mm_arg *a = NULL;
	size_t n = 0;

	while (cmd->args != NULL && cmd->args[n].name != NULL)
		n++;
	if (index < n)
		a = &cmd->args[index];
	else if (n > 0 && (cmd->args[n - 1].flags & MM_ARG_VARIADIC))
		a = &cmd->args[n - 1];
	if (a == NULL)
		return true;
	if (a->flags & MM_ARG_IS_FILE)
		c->extra |= MM_COMPLETE_FILES;
	if (a->flags & MM_ARG_IS_PROFILE)
		c->extra |= MM_COMPLETE_PROFILES;
	return offer_list(c, a->choices);
}

static bool
set_keep(struct mm_completion *c, const char *cur, size_t keep)
{
	free(c->keep);
	free(c->match);
	c->keep = malloc(keep + 1);
	c->match = mm_strdup(cur + keep);
	if (c->keep == NULL || c->match == NULL)
		return false;
	memcpy(c->keep, cur, keep);
	c->keep[keep] = '\0';
	return true;
}

bool
mm_complete(const struct mm_family *fams, bool repl, char *const *words,
	    size_t nwords, const char *cur, struct mm_completion *out)
{
	struct mm_complete_pos pos;
	bool ok;

	memset(out, 0, sizeof(*out));
	if (!set_keep(out, cur, 0))
		goto oom;
	mm_complete_walk(fams, repl, words, nwords, &pos);
	if (pos.unknown)
		return true;
	if (pos.want != NULL) {
		ok = offer_value(out, pos.want);
	} else if (!pos.end_opts && cur[0] == '-') {
		if (pos.fam != NULL && pos.cmd == NULL && !pos.help)
			pos.cmd = family_default(pos.fam);
		if (cur[1] == '-' && strchr(cur, '=') != NULL) {
			const struct mm_opt *o;
			bool inl;

			o = find_opt(pos.cmd, cur, &inl);
			if (!set_keep(out, cur,
				      (size_t)(strchr(cur, '=') - cur) + 1))
				goto oom;
			ok = o == NULL || o->kind == MM_OPT_K_BOOL ||
			     offer_value(out, o);
		} else {
			ok = offer_options(out, pos.cmd);
		}
	} else if (pos.help) {
		ok = true;
		if (pos.help_words == 0)
			ok = offer_families(out, fams, repl) &&
			     offer_list(out, mm_help_topics);
		else if (pos.help_words == 1 && pos.fam != NULL)
			ok = offer_commands(out, pos.fam);
	} else if (pos.fam == NULL) {
		ok = offer(out, "help") && offer_families(out, fams, repl);
	} else if (pos.cmd == NULL) {
		ok = offer_commands(out, pos.fam);
	} else {
		ok = offer_argument(out, pos.cmd, pos.npos);
	}
	if (ok)
		return true;
oom:
	mm_completion_release(out);
	return false;
}

/* ---- scripts: shared helpers ----------------------------------------- */

/* Single-quoted for sh/bash/zsh; control characters become blanks. */
static void
sh_quote(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", f);
		else if ((unsigned char)*s < 0x20)
			fputc(' ', f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

/* Single-quoted for fish (backslash escapes \ and '). */
static void
fish_quote(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\t') {
			/* Candidate and description: a real tab. */
			fputs("'\\t'", f);
			continue;
		}
		if (*s == '\'' || *s == '\\')
			fputc('\\', f);
		if ((unsigned char)*s < 0x20)
			fputc(' ', f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

static bool
visible_cmd(const struct mm_cmd_entry *c)
{
	return !(c->flags & (CMD_REPL_ONLY | CMD_HIDDEN));
}

/* The value kind of an option as the scripts name it: NULL for a flag,
 * "word", "file", "profile" or "choice a b c" (written to f). */
static bool
takes_value(const struct mm_opt *o)
{
	return o->kind != MM_OPT_K_BOOL;
}

static void
value_kind(FILE *f, const struct mm_opt *o)
{
	if (o->kind == MM_OPT_K_CHOICE) {
		fputs("choice", f);
		for (size_t i = 0; o->choices[i] != NULL; i++)
			fprintf(f, " %s", o->choices[i]);
	} else if (o->kind == MM_OPT_K_FILE) {
		fputs("file", f);
	} else if (o->flags & MM_OPT_PROFILE) {
		fputs("profile", f);
	} else {
		fputs("word", f);
	}
}

static bool
arg_has_kind(const struct mm_arg *a)
{
	return (a->flags & (MM_ARG_IS_FILE | MM_ARG_IS_PROFILE)) ||
	       a->choices != NULL;
}

static void
arg_kind(FILE *f, const struct mm_arg *a)
{
	if (a->choices != NULL) {
		fputs("choice", f);
		for (size_t i = 0; a->choices[i] != NULL; i++)
			fprintf(f, " %s", a->choices[i]);
	} else if (a->flags & MM_ARG_IS_FILE) {
		fputs("file", f);
	} else if (a->flags & MM_ARG_IS_PROFILE) {
		fputs("profile", f);
	}
}

/* The option tables of a command, in order (cmd NULL: none). */
static void
cmd_tables(const struct mm_cmd_entry *cmd, const struct mm_opt *t[2])
{
	t[0] = cmd->opts;
	t[1] = (cmd->flags & CMD_PAGED) ? mm_paged_opts : NULL;
}

/* ---- bash and zsh: the data functions (same syntax) ------------------ */

enum sh_kind {
	SH_BASH,
	SH_ZSH,
};

static void
sh_families(FILE *f, const struct mm_family *fams)
{
	fputs("_mmadm_families=", f);
	{
		struct mm_buf b = MM_BUF_INIT;
		bool ok = true;

		for (size_t i = 0; fams[i].name != NULL && ok; i++)
			ok = mm_buf_printf(&b, "%s%s", i ? " " : "",
					   fams[i].name);
		sh_quote(f, mm_buf_str(&b));
		mm_buf_release(&b);
	}
	fputs("\n_mmadm_topics=", f);
	{
		struct mm_buf b = MM_BUF_INIT;
		bool ok = true;

		for (size_t i = 0; mm_help_topics[i] != NULL && ok; i++)
			ok = mm_buf_printf(&b, "%s%s", i ? " " : "",
					   mm_help_topics[i]);
		sh_quote(f, mm_buf_str(&b));
		mm_buf_release(&b);
	}
	fputs("\n\n", f);
}

static void
sh_commands(FILE *f, const struct mm_family *fams, enum sh_kind k)
{
	fputs("# The commands of family $1.\n_mmadm_commands()\n{\n", f);
	if (k == SH_ZSH)
		fputs("\treply=()\n", f);
	fputs("\tcase $1 in\n", f);
	for (size_t i = 0; fams[i].name != NULL; i++) {
		fprintf(f, "\t%s)", fams[i].name);
		if (k == SH_BASH) {
			struct mm_buf b = MM_BUF_INIT;
			bool ok = true;

			for (const struct mm_cmd_entry *c = fams[i].cmds;
			     c->name && ok; c++)
				if (visible_cmd(c))
					ok = mm_buf_printf(&b, "%s%s",
							   b.len ? " " : "",
							   c->name);
			fputs(" REPLY=", f);
			sh_quote(f, mm_buf_str(&b));
			mm_buf_release(&b);
			fputs(" ;;\n", f);
			continue;
		}
		fputs("\n\t\treply=(\n", f);
		for (const struct mm_cmd_entry *c = fams[i].cmds; c->name; c++)
			if (visible_cmd(c)) {
				struct mm_buf b = MM_BUF_INIT;

				if (mm_buf_printf(&b, "%s:%s", c->name,
						  c->summary)) {
					fputs("\t\t\t", f);
					sh_quote(f, mm_buf_str(&b));
					fputc('\n', f);
				}
				mm_buf_release(&b);
			}
		fputs("\t\t)\n\t\t;;\n", f);
	}
	if (k == SH_BASH)
		fputs("\t*) REPLY= ;;\n", f);
	fputs("\tesac\n}\n\n", f);
}

/*
 * The lookup tables of the scripts, written once for both syntaxes: a
 * row maps one or more patterns to a value, as `PAT | PAT) REPLY='V' ;;`
 * in bash and zsh and as `case 'PAT' 'PAT'` / `echo 'V'` in fish.
 */
struct case_syntax {
	const char *open;  /* before the first pattern */
	const char *alt;   /* between two patterns */
	const char *quote; /* around each pattern */
	const char *then;  /* after the patterns, before the value */
	const char *close; /* after the value */
	const char *end;   /* after the last row: catch-all, end of table */
};

static const struct case_syntax sh_case = {
	"\t", " | ", "", ") REPLY='", "' ;;\n", "\t*) REPLY= ;;\n\tesac\n}\n\n",
};
static const struct case_syntax fish_case = {
	"\tcase ", " ", "'", "\n\t\techo '", "'\n", "\tend\nend\n\n",
};

static void case_pattern(FILE *f, const struct case_syntax *s, bool first,
			 const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void
case_pattern(FILE *f, const struct case_syntax *s, bool first, const char *fmt,
	     ...)
{
	va_list ap;

	fputs(first ? s->open : s->alt, f);
	fputs(s->quote, f);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputs(s->quote, f);
}

/* FAMILY/WORD -> the command that word names (aliases resolved). */
static void
table_commands(FILE *f, const struct mm_family *fams,
	       const struct case_syntax *s)
{
	for (size_t i = 0; fams[i].name != NULL; i++)
		for (const struct mm_cmd_entry *c = fams[i].cmds; c->name;
		     c++) {
			if (!visible_cmd(c))
				continue;
			case_pattern(f, s, true, "%s/%s", fams[i].name,
				     c->name);
			for (size_t j = 0; c->aliases && c->aliases[j]; j++)
				case_pattern(f, s, false, "%s/%s", fams[i].name,
					     c->aliases[j]);
			fprintf(f, "%s%s%s", s->then, c->name, s->close);
		}
	fputs(s->end, f);
}

/* FAMILY -> the command run when no command word follows. */
static void
table_defaults(FILE *f, const struct mm_family *fams,
	       const struct case_syntax *s)
{
	for (size_t i = 0; fams[i].name != NULL; i++) {
		const struct mm_cmd_entry *d = family_default(&fams[i]);

		if (d == NULL)
			continue;
		case_pattern(f, s, true, "%s", fams[i].name);
		fprintf(f, "%s%s%s", s->then, d->name, s->close);
	}
	fputs(s->end, f);
}

/* One row per option that takes a value: PREFIX--name and PREFIX-c. */
static void
value_rows(FILE *f, const struct case_syntax *s, const char *prefix,
	   const struct mm_opt *opts)
{
	for (const struct mm_opt *o = opts; o && o->name; o++) {
		if ((o->flags & MM_OPT_HIDDEN) || !takes_value(o))
			continue;
		case_pattern(f, s, true, "%s--%s", prefix, o->name);
		if (o->short_name != 0)
			case_pattern(f, s, false, "%s-%c", prefix,
				     o->short_name);
		fputs(s->then, f);
		value_kind(f, o);
		fputs(s->close, f);
	}
}

/* FAMILY/COMMAND/OPTION -> what its value is (value_kind). */
static void
table_values(FILE *f, const struct mm_family *fams, const struct case_syntax *s)
{
	for (size_t i = 0; fams[i].name != NULL; i++)
		for (const struct mm_cmd_entry *c = fams[i].cmds; c->name;
		     c++) {
			const struct mm_opt *t[2];
			char prefix[256];

			if (!visible_cmd(c) ||
			    snprintf(prefix, sizeof(prefix), "%s/%s/",
				     fams[i].name,
				     c->name) >= (int)sizeof(prefix))
				continue;
			cmd_tables(c, t);
			value_rows(f, s, prefix, t[0]);
			value_rows(f, s, prefix, t[1]);
		}
	value_rows(f, s, "*/*/", mm_global_opts);
	fputs(s->end, f);
}

/* FAMILY/COMMAND/N -> what positional argument N (from 0) is; the last
 * of a variadic list stands for all that follow. */
static void
table_arguments(FILE *f, const struct mm_family *fams,
		const struct case_syntax *s)
{
	for (size_t i = 0; fams[i].name != NULL; i++)
		for (const struct mm_cmd_entry *c = fams[i].cmds; c->name;
		     c++) {
			size_t n = 0;
			bool any = false;

			for (; c->args != NULL && c->args[n].name != NULL; n++)
				if (arg_has_kind(&c->args[n]))
					any = true;
			if (!visible_cmd(c) || !any)
				continue;
			for (size_t j = 0; j < n; j++) {
				const struct mm_arg *a = &c->args[j];

				if (j + 1 == n && (a->flags & MM_ARG_VARIADIC))
					case_pattern(f, s, true, "%s/%s/*",
						     fams[i].name, c->name);
				else
					case_pattern(f, s, true, "%s/%s/%zu",
						     fams[i].name, c->name, j);
				fputs(s->then, f);
				arg_kind(f, a);
				fputs(s->close, f);
			}
		}
	fputs(s->end, f);
}

static void
sh_command(FILE *f, const struct mm_family *fams)
{
	fputs("# The command that word $2 names in family $1 (aliases "
	      "resolved).\n_mmadm_command()\n{\n\tcase $1/$2 in\n",
	      f);
	table_commands(f, fams, &sh_case);
	fputs("# The command run when family $1 is followed by no command "
	      "word.\n_mmadm_default()\n{\n\tcase $1 in\n",
	      f);
	table_defaults(f, fams, &sh_case);
}

static void
sh_opt_names(FILE *f, const struct mm_opt *opts, enum sh_kind k,
	     struct mm_buf *b)
{
	for (const struct mm_opt *o = opts; o && o->name; o++) {
		bool neg = o->kind == MM_OPT_K_BOOL &&
			   (o->flags & MM_OPT_NEGATABLE);

		if (o->flags & MM_OPT_HIDDEN)
			continue;
		if (k == SH_BASH) {
			if (!mm_buf_printf(b, "%s--%s", b->len ? " " : "",
					   o->name) ||
			    (neg && !mm_buf_printf(b, " --no-%s", o->name)))
				return;
			continue;
		}
		mm_buf_reset(b);
		if (mm_buf_printf(b, "--%s:%s", o->name, o->help)) {
			fputs("\t\t", f);
			sh_quote(f, mm_buf_str(b));
			fputc('\n', f);
		}
		mm_buf_reset(b);
		if (neg && mm_buf_printf(b, "--no-%s:%s", o->name, o->help)) {
			fputs("\t\t", f);
			sh_quote(f, mm_buf_str(b));
			fputc('\n', f);
		}
		mm_buf_reset(b);
	}
}

static void
sh_options(FILE *f, const struct mm_family *fams, enum sh_kind k)
{
	struct mm_buf b = MM_BUF_INIT;

	fputs("# The options of command $1/$2, global ones included.\n"
	      "_mmadm_options()\n{\n",
	      f);
	fputs(k == SH_BASH ? "\tREPLY=\n" : "\treply=()\n", f);
	fputs("\tcase $1/$2 in\n", f);
	for (size_t i = 0; fams[i].name != NULL; i++)
		for (const struct mm_cmd_entry *c = fams[i].cmds; c->name;
		     c++) {
			const struct mm_opt *t[2];
			bool any = false;

			cmd_tables(c, t);
			for (size_t n = 0; n < 2; n++)
				for (const struct mm_opt *o = t[n];
				     o && o->name; o++)
					any = any ||
					      !(o->flags & MM_OPT_HIDDEN);
			if (!visible_cmd(c) || !any)
				continue;
			fprintf(f, "\t%s/%s)", fams[i].name, c->name);
			if (k == SH_BASH) {
				mm_buf_reset(&b);
				sh_opt_names(f, t[0], k, &b);
				sh_opt_names(f, t[1], k, &b);
				fputs(" REPLY=", f);
				sh_quote(f, mm_buf_str(&b));
				fputs(" ;;\n", f);
				continue;
			}
			fputs("\n\t\treply=(\n", f);
			sh_opt_names(f, t[0], k, &b);
			sh_opt_names(f, t[1], k, &b);
			fputs("\t\t)\n\t\t;;\n", f);
		}
	fputs("\tesac\n", f);
	mm_buf_reset(&b);
	if (k == SH_BASH) {
		sh_opt_names(f, mm_global_opts, k, &b);
		fputs("\tREPLY+=${REPLY:+ }", f);
		sh_quote(f, mm_buf_str(&b));
		fputc('\n', f);
	} else {
		fputs("\treply+=(\n", f);
		sh_opt_names(f, mm_global_opts, k, &b);
		fputs("\t)\n", f);
	}
	mm_buf_release(&b);
	fputs("}\n\n", f);
}

static void
sh_values(FILE *f, const struct mm_family *fams)
{
	fputs("# What follows option $3 of command $1/$2: nothing (a flag), "
	      "word, file,\n# profile or \"choice VALUES\".\n"
	      "_mmadm_value()\n{\n\tcase $1/$2/$3 in\n",
	      f);
	table_values(f, fams, &sh_case);
}

static void
sh_arguments(FILE *f, const struct mm_family *fams)
{
	fputs("# What positional argument $3 (from 0) of command $1/$2 is: "
	      "file, profile,\n# \"choice VALUES\" or nothing.\n"
	      "_mmadm_argument()\n{\n\tcase $1/$2/$3 in\n",
	      f);
	table_arguments(f, fams, &sh_case);
}

/* The walk over the words before the cursor, shared by bash and zsh:
 * $words from index `first` to `last` (exclusive) of the current one. */
static void
sh_walk(FILE *f, const char *first, const char *last)
{
	fprintf(f,
		"\tlocal fam= cmd= help=0 nhelp=0 npos=0 endopts=0 want= i w\n"
		"\tfor ((i = %s; i < %s; i++)); do\n"
		"\t\tw=${words[i]}\n"
		"\t\t[[ $w == = ]] && continue\n"
		"\t\tif [[ -n $want ]]; then\n"
		"\t\t\twant=\n"
		"\t\t\tcontinue\n"
		"\t\tfi\n"
		"\t\tif ((!endopts)) && [[ $w == -- ]]; then\n"
		"\t\t\tendopts=1\n"
		"\t\t\tcontinue\n"
		"\t\tfi\n"
		"\t\tif ((!endopts)) && [[ $w == -?* ]]; then\n"
		"\t\t\tif [[ -n $fam && -z $cmd ]] && ((!help)); then\n"
		"\t\t\t\t_mmadm_default \"$fam\"\n"
		"\t\t\t\tcmd=$REPLY\n"
		"\t\t\tfi\n"
		"\t\t\tif [[ $w != *=* ]]; then\n"
		"\t\t\t\t_mmadm_value \"$fam\" \"$cmd\" \"$w\"\n"
		"\t\t\t\t[[ -n $REPLY ]] && want=$w\n"
		"\t\t\tfi\n"
		"\t\t\tcontinue\n"
		"\t\tfi\n"
		"\t\tif ((help)); then\n"
		"\t\t\t((nhelp == 0)) && fam=$w\n"
		"\t\t\tnhelp=$((nhelp + 1))\n"
		"\t\t\tcontinue\n"
		"\t\tfi\n"
		"\t\tif [[ -z $fam ]]; then\n"
		"\t\t\tif [[ $w == help ]]; then\n"
		"\t\t\t\thelp=1\n"
		"\t\t\t\tcontinue\n"
		"\t\t\tfi\n"
		"\t\t\tfam=$w\n"
		"\t\t\t[[ \" $_mmadm_families \" == *\" $fam \"* ]] || "
		"return 1\n"
		"\t\t\tcontinue\n"
		"\t\tfi\n"
		"\t\tif [[ -z $cmd ]]; then\n"
		"\t\t\t_mmadm_command \"$fam\" \"$w\"\n"
		"\t\t\tcmd=$REPLY\n"
		"\t\t\t[[ -n $cmd ]] || return 1\n"
		"\t\t\tcontinue\n"
		"\t\tfi\n"
		"\t\tnpos=$((npos + 1))\n"
		"\tdone\n",
		first, last);
}

static const char sh_header[] =
	"# generated by mmadm, do not edit\n"
	"#\n"
	"# %s completion for mmadm " MMADM_VERSION ", from its command "
	"table\n"
	"# (mmadm completion %s). Profile names come from\n"
	"# 'mmadm auth list -o plain' when they are completed.\n\n";

static void
bash_script(FILE *f, const struct mm_family *fams)
{
	fprintf(f, sh_header, "bash", "bash");
	sh_families(f, fams);
	sh_commands(f, fams, SH_BASH);
	sh_command(f, fams);
	sh_options(f, fams, SH_BASH);
	sh_values(f, fams);
	sh_arguments(f, fams);
	fputs("# Complete $cur as $1 describes (see _mmadm_value).\n"
	      "_mmadm_reply()\n"
	      "{\n"
	      "\tcase $1 in\n"
	      "\tfile)\n"
	      "\t\tif declare -F _filedir >/dev/null; then\n"
	      "\t\t\t_filedir\n"
	      "\t\telse\n"
	      "\t\t\tcompopt -o filenames 2>/dev/null\n"
	      "\t\t\tCOMPREPLY=($(compgen -f -- \"$cur\"))\n"
	      "\t\tfi\n"
	      "\t\t;;\n"
	      "\tprofile)\n"
	      "\t\tCOMPREPLY=($(compgen -W \"$(\"${words[0]}\" auth list "
	      "-o plain 2>/dev/null |\n"
	      "\t\t\tcut -f2)\" -- \"$cur\"))\n"
	      "\t\t;;\n"
	      "\tchoice\\ *)\n"
	      "\t\tCOMPREPLY=($(compgen -W \"${1#choice }\" -- \"$cur\"))\n"
	      "\t\t;;\n"
	      "\tesac\n"
	      "}\n\n"
	      "_mmadm()\n"
	      "{\n"
	      "\tlocal cur prev words cword split=false REPLY\n"
	      "\tif declare -F _init_completion >/dev/null; then\n"
	      "\t\t_init_completion -s || return\n"
	      "\telse\n"
	      "\t\twords=(\"${COMP_WORDS[@]}\")\n"
	      "\t\tcword=$COMP_CWORD\n"
	      "\t\tcur=${words[cword]}\n"
	      "\t\t[[ $cur == = ]] && cur=\n"
	      "\tfi\n",
	      f);
	sh_walk(f, "1", "cword");
	fputs("\tif [[ $split == true ]]; then\n"
	      "\t\twant=$prev\n"
	      "\telif [[ -z $want ]] && ((!endopts)) && [[ $cur == -* ]]; "
	      "then\n"
	      "\t\tif [[ -n $fam && -z $cmd ]] && ((!help)); then\n"
	      "\t\t\t_mmadm_default \"$fam\"\n"
	      "\t\t\tcmd=$REPLY\n"
	      "\t\tfi\n"
	      "\t\t_mmadm_options \"$fam\" \"$cmd\"\n"
	      "\t\tCOMPREPLY=($(compgen -W \"$REPLY\" -- \"$cur\"))\n"
	      "\t\treturn\n"
	      "\tfi\n"
	      "\tif [[ -n $want ]]; then\n"
	      "\t\t_mmadm_value \"$fam\" \"$cmd\" \"$want\"\n"
	      "\t\t_mmadm_reply \"$REPLY\"\n"
	      "\telif ((help)); then\n"
	      "\t\tcase $nhelp in\n"
	      "\t\t0) COMPREPLY=($(compgen -W \"$_mmadm_families "
	      "$_mmadm_topics\" -- \"$cur\")) ;;\n"
	      "\t\t1)\n"
	      "\t\t\t_mmadm_commands \"$fam\"\n"
	      "\t\t\tCOMPREPLY=($(compgen -W \"$REPLY\" -- \"$cur\"))\n"
	      "\t\t\t;;\n"
	      "\t\tesac\n"
	      "\telif [[ -z $fam ]]; then\n"
	      "\t\tCOMPREPLY=($(compgen -W \"help $_mmadm_families\" -- "
	      "\"$cur\"))\n"
	      "\telif [[ -z $cmd ]]; then\n"
	      "\t\t_mmadm_commands \"$fam\"\n"
	      "\t\tCOMPREPLY=($(compgen -W \"$REPLY\" -- \"$cur\"))\n"
	      "\telse\n"
	      "\t\t_mmadm_argument \"$fam\" \"$cmd\" \"$npos\"\n"
	      "\t\t_mmadm_reply \"$REPLY\"\n"
	      "\tfi\n"
	      "}\n\n"
	      "complete -F _mmadm mmadm\n",
	      f);
}

static void
zsh_script(FILE *f, const struct mm_family *fams)
{
	fputs("#compdef mmadm\n", f);
	fprintf(f, sh_header, "zsh", "zsh");
	sh_families(f, fams);
	fputs("# The families, with what they are for.\n"
	      "_mmadm_family_list()\n{\n\treply=(\n",
	      f);
	for (size_t i = 0; fams[i].name != NULL; i++) {
		struct mm_buf b = MM_BUF_INIT;

		if (mm_buf_printf(&b, "%s:%s", fams[i].name, fams[i].summary)) {
			fputs("\t\t", f);
			sh_quote(f, mm_buf_str(&b));
			fputc('\n', f);
		}
		mm_buf_release(&b);
	}
	fputs("\t)\n}\n\n", f);
	sh_commands(f, fams, SH_ZSH);
	sh_command(f, fams);
	sh_options(f, fams, SH_ZSH);
	sh_values(f, fams);
	sh_arguments(f, fams);
	fputs("# Complete the current word as $1 describes (see "
	      "_mmadm_value).\n"
	      "_mmadm_reply()\n"
	      "{\n"
	      "\tlocal -a vals\n"
	      "\tcase $1 in\n"
	      "\tfile) _files ;;\n"
	      "\tprofile)\n"
	      "\t\tvals=(${(f)\"$(${words[1]} auth list -o plain "
	      "2>/dev/null | cut -f2)\"})\n"
	      "\t\tcompadd -a vals\n"
	      "\t\t;;\n"
	      "\tchoice\\ *)\n"
	      "\t\tvals=(${=1#choice })\n"
	      "\t\tcompadd -a vals\n"
	      "\t\t;;\n"
	      "\tesac\n"
	      "}\n\n"
	      "_mmadm()\n"
	      "{\n"
	      "\tlocal REPLY cur=${words[CURRENT]}\n"
	      "\tlocal -a reply\n",
	      f);
	sh_walk(f, "2", "CURRENT");
	fputs("\tif [[ -z $want ]] && ((!endopts)) && [[ $cur == --*=* ]]; "
	      "then\n"
	      "\t\twant=${cur%%=*}\n"
	      "\t\tcompset -P '*='\n"
	      "\t\tif [[ -n $fam && -z $cmd ]] && ((!help)); then\n"
	      "\t\t\t_mmadm_default \"$fam\"\n"
	      "\t\t\tcmd=$REPLY\n"
	      "\t\tfi\n"
	      "\telif [[ -z $want ]] && ((!endopts)) && [[ $cur == -* ]]; "
	      "then\n"
	      "\t\tif [[ -n $fam && -z $cmd ]] && ((!help)); then\n"
	      "\t\t\t_mmadm_default \"$fam\"\n"
	      "\t\t\tcmd=$REPLY\n"
	      "\t\tfi\n"
	      "\t\t_mmadm_options \"$fam\" \"$cmd\"\n"
	      "\t\t_describe -t options 'mmadm option' reply\n"
	      "\t\treturn\n"
	      "\tfi\n"
	      "\tif [[ -n $want ]]; then\n"
	      "\t\t_mmadm_value \"$fam\" \"$cmd\" \"$want\"\n"
	      "\t\t_mmadm_reply \"$REPLY\"\n"
	      "\telif ((help)); then\n"
	      "\t\tcase $nhelp in\n"
	      "\t\t0)\n"
	      "\t\t\t_mmadm_family_list\n"
	      "\t\t\treply+=(${=_mmadm_topics})\n"
	      "\t\t\t_describe -t families 'mmadm family or topic' reply\n"
	      "\t\t\t;;\n"
	      "\t\t1)\n"
	      "\t\t\t_mmadm_commands \"$fam\"\n"
	      "\t\t\t_describe -t commands \"mmadm $fam command\" reply\n"
	      "\t\t\t;;\n"
	      "\t\tesac\n"
	      "\telif [[ -z $fam ]]; then\n"
	      "\t\t_mmadm_family_list\n"
	      "\t\treply+=('help:Show help on a command or topic')\n"
	      "\t\t_describe -t families 'mmadm family' reply\n"
	      "\telif [[ -z $cmd ]]; then\n"
	      "\t\t_mmadm_commands \"$fam\"\n"
	      "\t\t_describe -t commands \"mmadm $fam command\" reply\n"
	      "\telse\n"
	      "\t\t_mmadm_argument \"$fam\" \"$cmd\" \"$npos\"\n"
	      "\t\t_mmadm_reply \"$REPLY\"\n"
	      "\tfi\n"
	      "}\n\n"
	      "if [[ $funcstack[1] == _mmadm ]]; then\n"
	      "\t_mmadm \"$@\"\n"
	      "else\n"
	      "\tcompdef _mmadm mmadm\n"
	      "fi\n",
	      f);
}

/* ---- fish ------------------------------------------------------------ */

static void
fish_opt_lines(FILE *f, const struct mm_opt *opts)
{
	for (const struct mm_opt *o = opts; o && o->name; o++) {
		struct mm_buf b = MM_BUF_INIT;

		if (o->flags & MM_OPT_HIDDEN)
			continue;
		if (mm_buf_printf(&b, "--%s\t%s", o->name, o->help)) {
			fputs("\t\techo ", f);
			fish_quote(f, mm_buf_str(&b));
			fputc('\n', f);
		}
		mm_buf_reset(&b);
		if (o->kind == MM_OPT_K_BOOL && (o->flags & MM_OPT_NEGATABLE) &&
		    mm_buf_printf(&b, "--no-%s\t%s", o->name, o->help)) {
			fputs("\t\techo ", f);
			fish_quote(f, mm_buf_str(&b));
			fputc('\n', f);
		}
		mm_buf_release(&b);
	}
}

static void
fish_data(FILE *f, const struct mm_family *fams)
{
	fputs("# The families and what they are for.\n"
	      "function __mmadm_families\n",
	      f);
	for (size_t i = 0; fams[i].name != NULL; i++) {
		struct mm_buf b = MM_BUF_INIT;

		if (mm_buf_printf(&b, "%s\t%s", fams[i].name,
				  fams[i].summary)) {
			fputs("\techo ", f);
			fish_quote(f, mm_buf_str(&b));
			fputc('\n', f);
		}
		mm_buf_release(&b);
	}
	fputs("end\n\n# The commands of family $argv[1].\n"
	      "function __mmadm_commands\n\tswitch $argv[1]\n",
	      f);
	for (size_t i = 0; fams[i].name != NULL; i++) {
		fprintf(f, "\tcase %s\n", fams[i].name);
		for (const struct mm_cmd_entry *c = fams[i].cmds; c->name;
		     c++) {
			struct mm_buf b = MM_BUF_INIT;

			if (visible_cmd(c) &&
			    mm_buf_printf(&b, "%s\t%s", c->name, c->summary)) {
				fputs("\t\techo ", f);
				fish_quote(f, mm_buf_str(&b));
				fputc('\n', f);
			}
			mm_buf_release(&b);
		}
	}
	fputs("\tend\nend\n\n"
	      "# The command that word $argv[2] names in family $argv[1].\n"
	      "function __mmadm_command\n\tswitch $argv[1]/$argv[2]\n",
	      f);
	table_commands(f, fams, &fish_case);
	fputs("# The command run when family $argv[1] is followed by no "
	      "command word.\nfunction __mmadm_default\n\tswitch $argv[1]\n",
	      f);
	table_defaults(f, fams, &fish_case);
	fputs("# The options of command $argv[1]/$argv[2], global ones "
	      "included.\nfunction __mmadm_options\n\tswitch "
	      "$argv[1]/$argv[2]\n",
	      f);
	for (size_t i = 0; fams[i].name != NULL; i++)
		for (const struct mm_cmd_entry *c = fams[i].cmds; c->name;
		     c++) {
			const struct mm_opt *t[2];

			if (!visible_cmd(c))
				continue;
			cmd_tables(c, t);
			fprintf(f, "\tcase %s/%s\n", fams[i].name, c->name);
			fish_opt_lines(f, t[0]);
			fish_opt_lines(f, t[1]);
		}
	fputs("\tend\n", f);
	fish_opt_lines(f, mm_global_opts);
	fputs("end\n\n"
	      "# What follows option $argv[3] of command $argv[1]/$argv[2]: "
	      "nothing (a\n# flag), word, file, profile or \"choice "
	      "VALUES\".\nfunction __mmadm_value\n\tswitch "
	      "$argv[1]/$argv[2]/$argv[3]\n",
	      f);
	table_values(f, fams, &fish_case);
	fputs("# What positional argument $argv[3] (from 0) of command "
	      "$argv[1]/$argv[2] is:\n# file, profile, \"choice VALUES\" or "
	      "nothing.\nfunction __mmadm_argument\n\tswitch "
	      "$argv[1]/$argv[2]/$argv[3]\n",
	      f);
	table_arguments(f, fams, &fish_case);
}

static void
fish_script(FILE *f, const struct mm_family *fams)
{
	fputs("# generated by mmadm, do not edit\n"
	      "#\n"
	      "# fish completion for mmadm " MMADM_VERSION
	      ", from its command table\n"
	      "# (mmadm completion fish). Profile names come from\n"
	      "# 'mmadm auth list -o plain' when they are completed.\n\n",
	      f);
	{
		struct mm_buf b = MM_BUF_INIT;
		bool ok = true;

		for (size_t i = 0; mm_help_topics[i] != NULL && ok; i++)
			ok = mm_buf_printf(&b, "%s%s", i ? " " : "",
					   mm_help_topics[i]);
		fprintf(f, "set -g __mmadm_topics %s\n\n", mm_buf_str(&b));
		mm_buf_release(&b);
	}
	fish_data(f, fams);
	fputs("# Candidates of kind $argv[1] for the value $argv[2], each "
	      "after $argv[3].\n"
	      "function __mmadm_reply\n"
	      "\tset -l kind (string split ' ' -- $argv[1])\n"
	      "\tswitch $kind[1]\n"
	      "\tcase file\n"
	      "\t\tfor p in (__fish_complete_path $argv[2])\n"
	      "\t\t\techo $argv[3]$p\n"
	      "\t\tend\n"
	      "\tcase profile\n"
	      "\t\tset -l prog (commandline -opc)[1]\n"
	      "\t\tfor p in ($prog auth list -o plain 2>/dev/null | cut -f2)\n"
	      "\t\t\techo $argv[3]$p\n"
	      "\t\tend\n"
	      "\tcase choice\n"
	      "\t\tfor v in $kind[2..-1]\n"
	      "\t\t\techo $argv[3]$v\n"
	      "\t\tend\n"
	      "\tend\n"
	      "end\n\n"
	      "function __mmadm_complete\n"
	      "\tset -l tokens (commandline -opc)\n"
	      "\tset -l cur (commandline -ct)\n"
	      "\tset -l fam\n"
	      "\tset -l cmd\n"
	      "\tset -l help 0\n"
	      "\tset -l nhelp 0\n"
	      "\tset -l npos 0\n"
	      "\tset -l endopts 0\n"
	      "\tset -l want\n"
	      "\tset -e tokens[1]\n"
	      "\tfor w in $tokens\n"
	      "\t\tif test -n \"$want\"\n"
	      "\t\t\tset want\n"
	      "\t\t\tcontinue\n"
	      "\t\tend\n"
	      "\t\tif test $endopts = 0 -a \"$w\" = --\n"
	      "\t\t\tset endopts 1\n"
	      "\t\t\tcontinue\n"
	      "\t\tend\n"
	      "\t\tif test $endopts = 0; and string match -qr -- '^-.' $w\n"
	      "\t\t\tif test -n \"$fam\" -a -z \"$cmd\" -a $help = 0\n"
	      "\t\t\t\tset cmd (__mmadm_default $fam)\n"
	      "\t\t\tend\n"
	      "\t\t\tif not string match -q -- '*=*' $w\n"
	      "\t\t\t\tset -l kind (__mmadm_value \"$fam\" \"$cmd\" $w)\n"
	      "\t\t\t\ttest -n \"$kind\"; and set want $w\n"
	      "\t\t\tend\n"
	      "\t\t\tcontinue\n"
	      "\t\tend\n"
	      "\t\tif test $help = 1\n"
	      "\t\t\ttest $nhelp = 0; and set fam $w\n"
	      "\t\t\tset nhelp (math $nhelp + 1)\n"
	      "\t\t\tcontinue\n"
	      "\t\tend\n"
	      "\t\tif test -z \"$fam\"\n"
	      "\t\t\tif test \"$w\" = help\n"
	      "\t\t\t\tset help 1\n"
	      "\t\t\t\tcontinue\n"
	      "\t\t\tend\n"
	      "\t\t\tset fam $w\n"
	      "\t\t\tcontains -- $fam (__mmadm_families | string replace -r "
	      "'\\t.*' '')\n"
	      "\t\t\tor return\n"
	      "\t\t\tcontinue\n"
	      "\t\tend\n"
	      "\t\tif test -z \"$cmd\"\n"
	      "\t\t\tset cmd (__mmadm_command $fam $w)\n"
	      "\t\t\ttest -n \"$cmd\"; or return\n"
	      "\t\t\tcontinue\n"
	      "\t\tend\n"
	      "\t\tset npos (math $npos + 1)\n"
	      "\tend\n"
	      "\tif test -n \"$want\"\n"
	      "\t\tset -l kind (__mmadm_value \"$fam\" \"$cmd\" $want)\n"
	      "\t\t__mmadm_reply \"$kind\" \"$cur\" ''\n"
	      "\t\treturn\n"
	      "\tend\n"
	      "\tif test $endopts = 0; and string match -q -- '-*' $cur\n"
	      "\t\tif test -n \"$fam\" -a -z \"$cmd\" -a $help = 0\n"
	      "\t\t\tset cmd (__mmadm_default $fam)\n"
	      "\t\tend\n"
	      "\t\tif string match -q -- '--*=*' $cur\n"
	      "\t\t\tset -l opt (string replace -r '=.*' '' -- $cur)\n"
	      "\t\t\tset -l val (string replace -r '^[^=]*=' '' -- $cur)\n"
	      "\t\t\tset -l kind (__mmadm_value \"$fam\" \"$cmd\" $opt)\n"
	      "\t\t\t__mmadm_reply \"$kind\" \"$val\" $opt=\n"
	      "\t\t\treturn\n"
	      "\t\tend\n"
	      "\t\t__mmadm_options \"$fam\" \"$cmd\"\n"
	      "\t\treturn\n"
	      "\tend\n"
	      "\tif test $help = 1\n"
	      "\t\tif test $nhelp = 0\n"
	      "\t\t\t__mmadm_families\n"
	      "\t\t\tprintf '%s\\n' $__mmadm_topics\n"
	      "\t\telse if test $nhelp = 1\n"
	      "\t\t\t__mmadm_commands $fam\n"
	      "\t\tend\n"
	      "\telse if test -z \"$fam\"\n"
	      "\t\techo help\\tShow help on a command or topic\n"
	      "\t\t__mmadm_families\n"
	      "\telse if test -z \"$cmd\"\n"
	      "\t\t__mmadm_commands $fam\n"
	      "\telse\n"
	      "\t\tset -l kind (__mmadm_argument $fam $cmd $npos)\n"
	      "\t\t__mmadm_reply \"$kind\" \"$cur\" ''\n"
	      "\tend\n"
	      "end\n\n"
	      "complete -c mmadm -e\n"
	      "complete -c mmadm -f -a '(__mmadm_complete)'\n",
	      f);
}

bool
mm_complete_script(FILE *f, const struct mm_family *fams, enum mm_shell sh)
{
	switch (sh) {
	case MM_SHELL_BASH:
		bash_script(f, fams);
		break;
	case MM_SHELL_ZSH:
		zsh_script(f, fams);
		break;
	case MM_SHELL_FISH:
		fish_script(f, fams);
		break;
	}
	return fflush(f) == 0 && !ferror(f);
}
