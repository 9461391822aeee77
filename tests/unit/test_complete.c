/* src/cli: the shell's line splitter, completion candidates, the secret
 * predicate, and the generated scripts and man pages walked against the
 * real command table. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */
#include "../../cmd/cmd.h"
#include "mmadm/cli.h"
#include "mmadm/repl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the splitter ---- */

static void
split(const char *line, struct mm_split *s)
{
	assert_true(mm_split_line(line, strlen(line), s));
}

static void
test_split_words(void **state)
{
	struct mm_split s;

	(void)state;
	split("  system   ping\t--full ", &s);
	assert_int_equal(s.words.n, 3);
	assert_string_equal(s.words.v[0], "system");
	assert_string_equal(s.words.v[2], "--full");
	assert_false(s.partial);
	assert_int_equal(s.quote, 0);
	assert_false(s.escape);
	mm_split_release(&s);

	split("config patch --set 'A.B=x y' \"C.D=\\\"q\\\" \\n\"", &s);
	assert_int_equal(s.words.n, 5);
	assert_string_equal(s.words.v[3], "A.B=x y");
	assert_string_equal(s.words.v[4], "C.D=\"q\" \\n");
	assert_true(s.partial);
	mm_split_release(&s);

	/* Backslash outside quotes escapes anything; quotes join words. */
	split("a\\ b c\\\\d e'f'\"g\"", &s);
	assert_int_equal(s.words.n, 3);
	assert_string_equal(s.words.v[0], "a b");
	assert_string_equal(s.words.v[1], "c\\d");
	assert_string_equal(s.words.v[2], "efg");
	mm_split_release(&s);

	/* Empty quoted words survive; nothing is expanded. */
	split("x '' \"\" $HOME ~ *", &s);
	assert_int_equal(s.words.n, 6);
	assert_string_equal(s.words.v[1], "");
	assert_string_equal(s.words.v[2], "");
	assert_string_equal(s.words.v[3], "$HOME");
	assert_string_equal(s.words.v[4], "~");
	assert_string_equal(s.words.v[5], "*");
	mm_split_release(&s);
}

static void
test_split_edges(void **state)
{
	struct mm_split s;

	(void)state;
	/* Comments start at a word. */
	split("system ping # check it", &s);
	assert_int_equal(s.words.n, 2);
	assert_false(s.partial);
	mm_split_release(&s);
	split("echo a#b", &s);
	assert_int_equal(s.words.n, 2);
	assert_string_equal(s.words.v[1], "a#b");
	mm_split_release(&s);
	split("   # only a comment", &s);
	assert_int_equal(s.words.n, 0);
	mm_split_release(&s);
	split("", &s);
	assert_int_equal(s.words.n, 0);
	assert_false(s.partial);
	mm_split_release(&s);

	/* Open quotes and a final backslash are reported. */
	split("config get 'Serv", &s);
	assert_int_equal(s.quote, '\'');
	assert_true(s.partial);
	assert_int_equal(s.last_start, 11);
	assert_string_equal(s.words.v[2], "Serv");
	mm_split_release(&s);
	split("a \"b", &s);
	assert_int_equal(s.quote, '"');
	mm_split_release(&s);
	split("system \\", &s);
	assert_true(s.escape);
	mm_split_release(&s);

	/* Only the given length is read (completion at the cursor). */
	assert_true(mm_split_line("system ping", 8, &s));
	assert_int_equal(s.words.n, 2);
	assert_string_equal(s.words.v[1], "p");
	assert_true(s.partial);
	assert_int_equal(s.last_start, 7);
	mm_split_release(&s);
	mm_split_release(NULL);
}

/* ---- completion against a small table ---- */

static enum mm_result
nop_exec(struct mm_ctx *ctx, const struct mm_args *args, struct mm_error *err)
{
	(void)ctx;
	(void)args;
	(void)err;
	return MM_OK;
}

static const char *const drivers[] = {"local", "amazons3", "azure", NULL};
static const char *const kinds[] = {"one", "two", NULL};

static const struct mm_opt t_opts[] = {
	MM_OPT_CHOICE(0, "driver", "D", "driver", drivers),
	MM_OPT_FILE(0, "config", "FILE", "config", MM_OPT_STDIN),
	MM_OPT_BOOLF(0, "ssl", "ssl", MM_OPT_NEGATABLE),
	MM_OPT_BOOLF(0, "secret-thing", "hidden", MM_OPT_HIDDEN),
	MM_OPT_STRING('n', "name", "NAME", "name"),
	MM_OPT_END(),
};
static const struct mm_opt t_secret_opts[] = {
	MM_OPT_FILE(0, "password-file", "FILE", "pw",
		    MM_OPT_SECRET | MM_OPT_STDIN),
	MM_OPT_END(),
};
static const struct mm_arg t_args[] = {
	MM_ARG_CHOICE("KIND", "kind", 0, kinds),
	MM_ARG("FILE", "file", MM_ARG_IS_FILE | MM_ARG_VARIADIC),
	MM_ARG_END(),
};
static const struct mm_arg t_prof_args[] = {
	MM_ARG("NAME", "profile", MM_ARG_IS_PROFILE),
	MM_ARG_END(),
};
static const struct mm_opt t_run_opts[] = {
	MM_OPT_FILE(0, "file", "FILE", "script", 0),
	MM_OPT_BOOL(0, "keep-going", "go on"),
	MM_OPT_END(),
};

static const struct mm_cmd_entry t_cmds[] = {
	{"list", (const char *const[]){"ls", NULL}, "List", NULL, NULL, NULL,
	 CMD_PAGED, NULL, NULL, nop_exec},
	{"login", NULL, "Log in", NULL, t_secret_opts, NULL, 0, NULL, NULL,
	 nop_exec},
	{"test", NULL, "Test", NULL, t_opts, t_args, 0, NULL, NULL, nop_exec},
	{"use", NULL, "Use", NULL, NULL, t_prof_args, 0, NULL, NULL, nop_exec},
	{"zz-hidden", NULL, "Hidden", NULL, NULL, NULL, CMD_HIDDEN, NULL, NULL,
	 nop_exec},
	MM_CMD_END,
};
static const struct mm_cmd_entry t_shell_cmds[] = {
	{"run", NULL, "Run", NULL, t_run_opts, NULL, CMD_FAMILY_DEFAULT, NULL,
	 NULL, nop_exec},
	{"set", NULL, "Set", NULL, NULL, NULL, CMD_REPL_ONLY, NULL, NULL,
	 nop_exec},
	{"use", NULL, "Use", NULL, NULL, t_prof_args, CMD_REPL_ONLY, NULL, NULL,
	 nop_exec},
	MM_CMD_END,
};
static const struct mm_family t_fams[] = {
	{"shell", "Shell", t_shell_cmds},
	{"thing", "Things", t_cmds},
	{"tool", "Tools", t_cmds},
	MM_FAMILY_END,
};

/* Complete the last word of line (a trailing blank: an empty word). */
static char *
cands(bool repl, const char *line, unsigned *extra)
{
	struct mm_split s;
	struct mm_completion c;
	struct mm_buf b = MM_BUF_INIT;
	const char *cur = "";
	size_t n;

	split(line, &s);
	n = s.words.n;
	if (s.partial)
		cur = s.words.v[--n];
	assert_true(mm_complete(t_fams, repl, s.words.v, n, cur, &c));
	for (size_t i = 0; i < c.words.n; i++)
		assert_true(
			mm_buf_printf(&b, "%s%s", i ? " " : "", c.words.v[i]));
	if (extra != NULL)
		*extra = c.extra;
	mm_completion_release(&c);
	mm_split_release(&s);
	return mm_buf_take(&b);
}

/* Every word of want is offered, no word of unwanted is. Global options
 * come and go, so lines that reach them are checked this way. */
static void
assert_offers(bool repl, const char *line, const char *want,
	      const char *unwanted)
{
	char *got = cands(repl, line, NULL);
	char padded[4096];
	struct mm_split w;

	snprintf(padded, sizeof(padded), " %s ", got);
	split(want, &w);
	for (size_t i = 0; i < w.words.n; i++) {
		char word[256];

		snprintf(word, sizeof(word), " %s ", w.words.v[i]);
		if (strstr(padded, word) == NULL)
			fail_msg("%s: %s not offered (got: %s)", line,
				 w.words.v[i], got);
	}
	mm_split_release(&w);
	split(unwanted, &w);
	for (size_t i = 0; i < w.words.n; i++) {
		char word[256];

		snprintf(word, sizeof(word), " %s ", w.words.v[i]);
		if (strstr(padded, word) != NULL)
			fail_msg("%s: %s offered (got: %s)", line, w.words.v[i],
				 got);
	}
	mm_split_release(&w);
	free(got);
}

#define ASSERT_CANDS(repl, line, want)                                         \
	do {                                                                   \
		char *got_ = cands((repl), (line), NULL);                      \
		assert_string_equal(got_, (want));                             \
		free(got_);                                                    \
	} while (0)

static void
test_complete_words(void **state)
{
	unsigned extra;
	char *got;

	(void)state;
	ASSERT_CANDS(false, "", "help shell thing tool");
	ASSERT_CANDS(false, "t", "thing tool");
	ASSERT_CANDS(false, "thi", "thing");
	/* REPL-only commands stand alone in the shell only. */
	ASSERT_CANDS(true, "s", "shell set");
	ASSERT_CANDS(true, "u", "use");
	ASSERT_CANDS(false, "shell ", "run");
	ASSERT_CANDS(false, "thing l", "list login");
	ASSERT_CANDS(false, "nothing ", "");
	ASSERT_CANDS(false, "thing nothing ", "");
	/* Hidden commands run but are never offered. */
	ASSERT_CANDS(false, "thing z", "");
	assert_offers(false, "thing zz-hidden --u", "--url", "");
	/* Aliases resolve; paged commands get --page/--per-page/--all. */
	assert_offers(false, "thing ls --p", "--page --per-page --profile", "");
	assert_offers(false, "thing list --a", "--all", "");
	/* Options: the command's, negatable forms, no hidden ones. */
	assert_offers(false, "thing test --s", "--ssl --socket",
		      "--no-ssl --secret-thing");
	assert_offers(false, "thing test --n", "--no-ssl --name --no-color",
		      "--ssl");
	got = cands(false, "--", NULL);
	assert_non_null(strstr(got, "--url"));
	assert_non_null(strstr(got, "--output"));
	assert_null(strstr(got, "--driver"));
	free(got);
	got = cands(false, "thing test --", NULL);
	assert_non_null(strstr(got, "--driver"));
	assert_null(strstr(got, "--secret-thing"));
	free(got);
	/* Values: choices, after a separate word or "=". */
	ASSERT_CANDS(false, "thing test --driver a", "amazons3 azure");
	ASSERT_CANDS(false, "thing test --driver=a",
		     "--driver=amazons3 --driver=azure");
	ASSERT_CANDS(false, "-o j", "json");
	ASSERT_CANDS(false, "thing -o ", "table json yaml plain");
	ASSERT_CANDS(false, "thing test -n ", "");
	/* A value consumed, the next word is positional again. */
	ASSERT_CANDS(false, "thing test --driver local ", "one two");
	ASSERT_CANDS(false, "thing test --ssl t", "two");
	/* After "--" nothing is an option. */
	ASSERT_CANDS(false, "thing test -- --", "");
	/* Files and profiles are the caller's (extra). */
	got = cands(false, "thing test --config ", &extra);
	assert_int_equal(extra, MM_COMPLETE_FILES);
	free(got);
	got = cands(false, "thing test one x", &extra);
	assert_int_equal(extra, MM_COMPLETE_FILES);
	free(got);
	got = cands(false, "thing test one x y ", &extra);
	assert_int_equal(extra, MM_COMPLETE_FILES);
	free(got);
	got = cands(false, "thing use ", &extra);
	assert_int_equal(extra, MM_COMPLETE_PROFILES);
	free(got);
	got = cands(false, "--profile ", &extra);
	assert_int_equal(extra, MM_COMPLETE_PROFILES);
	free(got);
	got = cands(true, "use ", &extra);
	assert_int_equal(extra, MM_COMPLETE_PROFILES);
	free(got);
	got = cands(false, "use ", &extra);
	assert_int_equal(extra, 0);
	free(got);
	/* A family's default command takes options without its word. */
	assert_offers(false, "shell --k", "--keep-going", "");
	got = cands(false, "shell --file ", &extra);
	assert_int_equal(extra, MM_COMPLETE_FILES);
	free(got);
	/* help FAMILY COMMAND, and the topics. */
	ASSERT_CANDS(false, "help t", "thing tool");
	ASSERT_CANDS(false, "help e", "exit-codes environment");
	ASSERT_CANDS(false, "help thing lo", "login");
	ASSERT_CANDS(false, "help thing login ", "");
}

static void
test_complete_helpers(void **state)
{
	struct mm_completion c;
	const char *names[] = {"prod", "prod-eu", "staging"};
	char *common;

	(void)state;
	assert_true(mm_complete(t_fams, false, NULL, 0, "--profile=pr", &c));
	assert_string_equal(c.keep, "--profile=");
	assert_string_equal(c.match, "pr");
	assert_int_equal(c.extra, MM_COMPLETE_PROFILES);
	assert_true(mm_completion_add(&c, names, 3));
	assert_int_equal(c.words.n, 2);
	assert_string_equal(c.words.v[0], "--profile=prod");
	assert_string_equal(c.words.v[1], "--profile=prod-eu");
	/* Adding twice keeps one of each. */
	assert_true(mm_completion_add(&c, names, 3));
	assert_int_equal(c.words.n, 2);
	common = mm_completion_common(&c);
	assert_string_equal(common, "--profile=prod");
	free(common);
	mm_completion_release(&c);
	mm_completion_release(NULL);

	assert_true(mm_complete(t_fams, false, NULL, 0, "zzz", &c));
	assert_int_equal(c.words.n, 0);
	common = mm_completion_common(&c);
	assert_string_equal(common, "");
	free(common);
	mm_completion_release(&c);
}

static void
test_walk(void **state)
{
	char *w1[] = {"--url", "x", "thing", "ls", "--page", "2", "a"};
	char *w2[] = {"set", "output"};
	struct mm_complete_pos pos;

	(void)state;
	mm_complete_walk(t_fams, false, w1, 7, &pos);
	assert_ptr_equal(pos.fam, &t_fams[1]);
	assert_ptr_equal(pos.cmd, &t_cmds[0]);
	assert_int_equal(pos.npos, 1);
	assert_null(pos.want);
	mm_complete_walk(t_fams, false, w1, 5, &pos);
	assert_non_null(pos.want);
	assert_string_equal(pos.want->name, "page");
	mm_complete_walk(t_fams, true, w2, 2, &pos);
	assert_ptr_equal(pos.cmd, &t_shell_cmds[1]);
	assert_int_equal(pos.npos, 1);
	mm_complete_walk(t_fams, false, w2, 2, &pos);
	assert_true(pos.unknown);
}

/* ---- secrets stay out of the history ---- */

static bool
secret(const char *line)
{
	struct mm_split s;
	bool r;

	split(line, &s);
	r = mm_repl_line_is_secret(mm_families, s.words.v, s.words.n);
	mm_split_release(&s);
	return r;
}

static void
test_secret_lines(void **state)
{
	(void)state;
	assert_true(secret("auth login https://x --username admin"));
	assert_true(secret("--profile p auth add-token https://x"));
	assert_true(secret("config patch --set "
			   "SqlSettings.DataSource=postgres://u:pw@db"));
	assert_true(secret("config patch --set=FileSettings."
			   "AmazonS3SecretAccessKey=abc"));
	assert_true(secret("config set EmailSettings.SMTPPassword hunter2"));
	assert_false(secret("system ping"));
	assert_false(secret("config patch --set ServiceSettings.SiteURL=x"));
	assert_false(secret("auth list"));
	assert_false(secret("help auth login"));
	assert_false(secret("nonsense words"));
}

/* ---- every command and option reaches the scripts and pages ---- */

static char *
capture_script(enum mm_shell sh)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	assert_true(mm_complete_script(f, mm_families, sh));
	assert_int_equal(fclose(f), 0);
	return text;
}

static char *
capture_man(const struct mm_family *fam)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	assert_true(mm_man_page(f, mm_families, fam));
	assert_int_equal(fclose(f), 0);
	return text;
}

/* name with every '-' as roff's "\-". */
static void
roff_name(const char *prefix, const char *name, char *buf, size_t size)
{
	size_t n = 0;

	for (const char *p = prefix; *p && n + 3 < size; p++) {
		if (*p == '-')
			buf[n++] = '\\';
		buf[n++] = *p;
	}
	for (const char *p = name; *p && n + 3 < size; p++) {
		if (*p == '-')
			buf[n++] = '\\';
		buf[n++] = *p;
	}
	buf[n] = '\0';
}

static void
expect_in(const char *text, const char *what, const char *where)
{
	if (strstr(text, what) == NULL)
		fail_msg("'%s' is missing from %s", what, where);
}

static void
check_opts(const char *const scripts[3], const char *man,
	   const struct mm_opt *opts, const char *where)
{
	static const char *const names[3] = {"bash", "zsh", "fish"};

	for (const struct mm_opt *o = opts; o && o->name; o++) {
		char word[200], roff[400];

		if (o->flags & MM_OPT_HIDDEN)
			continue;
		snprintf(word, sizeof(word), "--%s", o->name);
		for (size_t s = 0; s < 3; s++)
			if (scripts != NULL)
				expect_in(scripts[s], word, names[s]);
		roff_name("--", o->name, roff, sizeof(roff));
		expect_in(man, roff, where);
		for (size_t i = 0; o->kind == MM_OPT_K_CHOICE && o->choices[i];
		     i++)
			for (size_t s = 0; s < 3; s++)
				if (scripts != NULL)
					expect_in(scripts[s], o->choices[i],
						  names[s]);
	}
}

static void
test_generated_cover_table(void **state)
{
	const char *scripts[3];
	char *bash = capture_script(MM_SHELL_BASH);
	char *zsh = capture_script(MM_SHELL_ZSH);
	char *fish = capture_script(MM_SHELL_FISH);
	char *main_page = capture_man(NULL);

	(void)state;
	scripts[0] = bash;
	scripts[1] = zsh;
	scripts[2] = fish;
	assert_true(strncmp(bash, "# generated by mmadm, do not edit", 33) ==
		    0);
	assert_true(strncmp(fish, "# generated by mmadm, do not edit", 33) ==
		    0);
	/* zsh needs #compdef on the first line; the mark comes next. */
	assert_true(strncmp(zsh,
			    "#compdef mmadm\n# generated by mmadm, do "
			    "not edit",
			    47) == 0);
	assert_true(strncmp(main_page, ".\\\" generated by mmadm, do not edit",
			    35) == 0);
	check_opts(scripts, main_page, mm_global_opts, "mmadm.1");
#define MM_X_CODE(kind, code, name, text)                                      \
	{                                                                      \
		char w[64];                                                    \
		snprintf(w, sizeof(w), "\\fB%d\\fR", code);                    \
		expect_in(main_page, w, "EXIT STATUS of mmadm.1");             \
	}
	MM_RESULTS(MM_X_CODE)
#undef MM_X_CODE
	for (const struct mm_family *f = mm_families; f->name; f++) {
		char *page = capture_man(f);
		char where[128], word[200];

		snprintf(where, sizeof(where), "mmadm-%s.1", f->name);
		roff_name("mmadm-", f->name, word, sizeof(word));
		expect_in(main_page, word, "SEE ALSO of mmadm.1");
		for (size_t s = 0; s < 3; s++)
			expect_in(scripts[s], f->name, "a completion script");
		for (const struct mm_cmd_entry *c = f->cmds; c->name; c++) {
			bool one_shot = !(c->flags & CMD_REPL_ONLY);

			if (c->flags & CMD_HIDDEN)
				continue;
			roff_name("", c->name, word, sizeof(word));
			expect_in(page, word, where);
			expect_in(main_page, word, "COMMANDS of mmadm.1");
			snprintf(word, sizeof(word), "%s/%s", f->name, c->name);
			if (one_shot)
				for (size_t s = 0; s < 3; s++)
					expect_in(scripts[s], word,
						  "a completion script");
			check_opts(one_shot ? scripts : NULL, page, c->opts,
				   where);
			if (c->flags & CMD_PAGED)
				check_opts(one_shot ? scripts : NULL, page,
					   mm_paged_opts, where);
		}
		free(page);
	}
	free(main_page);
	free(bash);
	free(zsh);
	free(fish);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_words),
		cmocka_unit_test(test_split_edges),
		cmocka_unit_test(test_complete_words),
		cmocka_unit_test(test_complete_helpers),
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_secret_lines),
		cmocka_unit_test(test_generated_cover_table),
	};

	return cmocka_run_group_tests_name("complete", tests, NULL, NULL);
}
