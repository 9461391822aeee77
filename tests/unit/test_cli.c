/* src/cli: option parsing, dispatch, help, flags; and the real command
 * table walked like git's t0012. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */
#include "../../cmd/cmd.h"
#include "mmadm/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a test family ---- */
static int calls;
static char seen[512];

static enum mm_result
record_exec(struct mm_ctx *ctx, const struct mm_args *args,
	    struct mm_error *err)
{
	const struct mm_strv *sets = mm_args_list(args, "set");

	(void)ctx;
	(void)err;
	calls++;
	snprintf(seen, sizeof(seen), "n=%zu p0=%s set=%zu dry=%d out=%s",
		 mm_args_npos(args),
		 mm_args_pos(args, 0) ? mm_args_pos(args, 0) : "-",
		 sets ? sets->n : 0, mm_args_bool(args, "dry-run", false),
		 mm_format_name(ctx->out.format));
	return MM_OK;
}

static const char *const colors[] = {"red", "green", NULL};

static const struct mm_opt t_opts[] = {
	MM_OPT_LIST(0, "set", "K=V", "set"),
	MM_OPT_INT(0, "number", "N", "number", 1, 10),
	MM_OPT_CHOICE(0, "color", "C", "color", colors),
	MM_OPT_BOOLF(0, "ssl", "ssl", MM_OPT_NEGATABLE),
	MM_OPT_FILE(0, "in", "FILE", "input", 0),
	MM_OPT_END(),
};
static const struct mm_opt t_req_opts[] = {
	MM_OPT_STRINGF(0, "name", "NAME", "name", MM_OPT_REQUIRED),
	MM_OPT_END(),
};
static const struct mm_arg t_args[] = {
	MM_ARG("FILE", "file", MM_ARG_OPTIONAL),
	MM_ARG_END(),
};
static const struct mm_arg t_id_args[] = {
	MM_ARG("ID", "id", 0),
	MM_ARG_END(),
};

static const struct mm_cmd_entry t_cmds[] = {
	{"do", (const char *const[]){"d", NULL}, "Do it", NULL, t_opts, t_args,
	 0, NULL, NULL, record_exec},
	{"kill", NULL, "Kill it", NULL, NULL, NULL, CMD_DESTRUCTIVE, NULL, NULL,
	 record_exec},
	{"one", NULL, "Needs one", NULL, t_req_opts, t_id_args, 0, NULL, NULL,
	 record_exec},
	{"local", NULL, "Local only", NULL, NULL, NULL,
	 CMD_NEEDS_SERVER | CMD_LOCAL_ONLY, NULL, NULL, record_exec},
	{"auth", NULL, "Needs auth", NULL, NULL, NULL,
	 CMD_NEEDS_SERVER | CMD_NEEDS_AUTH, NULL, NULL, record_exec},
	MM_CMD_END,
};
static const struct mm_family t_fams[] = {
	{"thing", "Things", t_cmds},
	MM_FAMILY_END,
};

static const char *fake_env[8][2];

static const char *
fake_getenv(const char *name)
{
	for (size_t i = 0; i < 8 && fake_env[i][0]; i++)
		if (strcmp(fake_env[i][0], name) == 0)
			return fake_env[i][1];
	return NULL;
}

static char *answer;

static char *
fake_ask(struct mm_ctx *ctx, const char *prompt, bool secret)
{
	(void)ctx;
	(void)prompt;
	(void)secret;
	return answer ? strdup(answer) : NULL;
}

struct run {
	enum mm_result rc;
	struct mm_error err;
	char *out;
	char *errout;
};

static struct run
run_fams(const struct mm_family *fams, bool tty, const char *line)
{
	struct run r;
	struct mm_ctx ctx;
	char *argv[32], *copy = strdup(line), *save = NULL, *tok;
	int argc = 0;
	size_t on = 0, en = 0;
	FILE *out = open_memstream(&r.out, &on);
	FILE *err = open_memstream(&r.errout, &en);
	FILE *in = tmpfile();

	for (tok = strtok_r(copy, " ", &save); tok && argc < 31;
	     tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	mm_error_clear(&r.err);
	mm_ctx_init(&ctx, fams, in, out, err);
	ctx.in_tty = tty;
	ctx.getenv_fn = fake_getenv;
	ctx.ask = fake_ask;
	strcpy(ctx.profiles_path, "/nonexistent/mmadm-test/config.yaml");
	calls = 0;
	seen[0] = '\0';
	r.rc = mm_cli_run(&ctx, argc, argv, &r.err);
	if (r.rc != MM_OK)
		mm_cli_report(&ctx, &r.err);
	mm_ctx_release(&ctx);
	fclose(out);
	fclose(err);
	fclose(in);
	free(copy);
	return r;
}

static struct run
run(const char *line)
{
	return run_fams(t_fams, false, line);
}

static void
run_free(struct run *r)
{
	free(r->out);
	free(r->errout);
}

static void
test_parse_forms(void **state)
{
	struct run r;

	(void)state;
	r = run("thing do --set a=1 --set=b=2 f.txt");
	assert_int_equal(r.rc, MM_OK);
	assert_int_equal(calls, 1);
	assert_string_equal(seen, "n=1 p0=f.txt set=2 dry=0 out=plain");
	run_free(&r);

	r = run("-o json thing d --dry-run --number 3 --color=green --no-ssl");
	if (r.rc != MM_OK)
		fail_msg("rc %d: %s", r.rc, r.errout);
	assert_string_equal(seen, "n=0 p0=- set=0 dry=1 out=json");
	run_free(&r);

	r = run("thing do -oyaml -- --not-an-option");
	assert_int_equal(r.rc, MM_OK);
	assert_string_equal(seen, "n=1 p0=--not-an-option set=0 dry=0 "
				  "out=yaml");
	run_free(&r);

	r = run("thing do --json");
	assert_int_equal(r.rc, MM_OK);
	assert_string_equal(seen, "n=0 p0=- set=0 dry=0 out=json");
	run_free(&r);

	r = run("thing do -");
	assert_int_equal(r.rc, MM_OK);
	assert_string_equal(seen, "n=1 p0=- set=0 dry=0 out=plain");
	run_free(&r);
}

static void
assert_usage(const char *line, const char *needle)
{
	struct run r = run(line);

	assert_int_equal(r.rc, MM_ERR_USAGE);
	assert_int_equal(calls, 0);
	if (strstr(r.errout, needle) == NULL)
		fail_msg("'%s': stderr '%s' lacks '%s'", line, r.errout,
			 needle);
	/* one line, with the help pointer */
	assert_non_null(strstr(r.errout, "(see 'mmadm help"));
	assert_ptr_equal(strchr(r.errout, '\n'),
			 r.errout + strlen(r.errout) - 1);
	assert_int_equal(mm_exit_code(r.rc), 2);
	run_free(&r);
}

static void
test_usage_errors(void **state)
{
	(void)state;
	assert_usage("thing do --sett x", "did you mean '--set'");
	assert_usage("thing do --number", "needs a value (N)");
	assert_usage("thing do --number 11", "between 1 and 10");
	assert_usage("thing do --number x", "whole number");
	assert_usage("thing do --color blue", "one of red, green");
	assert_usage("thing do --dry-run=yes", "takes no value");
	assert_usage("thing do --in -", "standard input");
	assert_usage("thing do a b", "unexpected argument 'b'");
	assert_usage("thing one", "--name NAME is required");
	assert_usage("thing one --name x", "missing argument ID");
	assert_usage("thing dox", "did you mean 'thing do'");
	assert_usage("thnig do", "did you mean 'thing'");
	assert_usage("thing", "missing command after 'thing'");
	assert_usage("-x thing do", "unknown option '-x'");
	assert_usage("thing do -o xml", "one of table, json");
	assert_usage("thing do --json -o yaml", "contradict");
	assert_usage("--timeout 0 thing do", "between 1 and 86400");
}

static void
test_help(void **state)
{
	struct run r;

	(void)state;
	r = run("thing do --help");
	assert_int_equal(r.rc, MM_OK);
	assert_int_equal(calls, 0);
	assert_non_null(strstr(r.out, "Usage: mmadm thing do [options] "
				      "[FILE]"));
	assert_non_null(strstr(r.out, "--set K=V"));
	assert_non_null(strstr(r.out, "(repeatable)"));
	assert_non_null(strstr(r.out, "--[no-]ssl"));
	assert_string_equal(r.errout, "");
	run_free(&r);

	/* --help wins over a usage error after it */
	r = run("thing one --help --bogus");
	assert_int_equal(r.rc, MM_OK);
	assert_non_null(strstr(r.out, "Usage: mmadm thing one --name NAME "
				      "ID"));
	run_free(&r);

	r = run("help thing kill");
	assert_int_equal(r.rc, MM_OK);
	assert_non_null(strstr(r.out, "Destructive"));
	run_free(&r);

	r = run("help exit-codes");
	assert_int_equal(r.rc, MM_OK);
	assert_non_null(strstr(r.out, "130  cancelled"));
	run_free(&r);

	r = run("help nosuch");
	assert_int_equal(r.rc, MM_ERR_USAGE);
	run_free(&r);

	r = run("");
	assert_int_equal(r.rc, MM_OK);
	assert_non_null(strstr(r.out, "Global options:"));
	run_free(&r);
}

static void
test_destructive(void **state)
{
	struct run r;

	(void)state;
	r = run_fams(t_fams, false, "thing kill");
	assert_int_equal(r.rc, MM_ERR_USAGE);
	assert_non_null(strstr(r.errout, "--yes"));
	assert_int_equal(calls, 0);
	run_free(&r);

	r = run_fams(t_fams, false, "thing kill --yes");
	assert_int_equal(r.rc, MM_OK);
	assert_int_equal(calls, 1);
	run_free(&r);

	answer = "n";
	r = run_fams(t_fams, true, "thing kill");
	assert_int_equal(r.rc, MM_ERR_CANCELLED);
	assert_int_equal(mm_exit_code(r.rc), 130);
	assert_int_equal(calls, 0);
	run_free(&r);

	answer = "y";
	r = run_fams(t_fams, true, "thing kill");
	assert_int_equal(r.rc, MM_OK);
	assert_int_equal(calls, 1);
	run_free(&r);
	answer = NULL;

	r = run_fams(t_fams, true, "thing kill");
	assert_int_equal(r.rc, MM_ERR_CANCELLED);
	run_free(&r);
}

static void
test_target_flags(void **state)
{
	struct run r;

	(void)state;
	memset(fake_env, 0, sizeof(fake_env));
	r = run("thing local");
	assert_int_equal(r.rc, MM_ERR_CONFIG);
	run_free(&r);

	fake_env[0][0] = "MMADM_URL";
	fake_env[0][1] = "http://127.0.0.1:9";
	r = run("thing local");
	assert_int_equal(r.rc, MM_ERR_LOCAL_ONLY);
	assert_non_null(strstr(r.errout, "--local"));
	run_free(&r);

	r = run("thing auth");
	assert_int_equal(r.rc, MM_ERR_AUTH);
	assert_non_null(strstr(r.errout, "MMADM_TOKEN"));
	run_free(&r);

	fake_env[1][0] = "MMADM_TOKEN";
	fake_env[1][1] = "tok";
	r = run("thing auth");
	assert_int_equal(r.rc, MM_OK);
	assert_int_equal(calls, 1);
	run_free(&r);

	r = run("--local thing local");
	assert_int_equal(r.rc, MM_OK);
	run_free(&r);
	memset(fake_env, 0, sizeof(fake_env));
}

static void
test_exit_codes_distinct(void **state)
{
	(void)state;
	for (int a = 0; a < MM_RESULT_COUNT; a++)
		for (int b = a + 1; b < MM_RESULT_COUNT; b++)
			assert_int_not_equal(mm_exit_code(a), mm_exit_code(b));
	assert_int_equal(mm_exit_code(MM_OK), 0);
	assert_int_equal(mm_exit_code(MM_ERR_USAGE), 2);
}

/* Every real command: sorted, unique, summary, example, help exits 0. */
static void
test_real_table(void **state)
{
	(void)state;
	for (const struct mm_family *f = mm_families; f->name; f++) {
		if (f[1].name != NULL)
			assert_true(strcmp(f->name, f[1].name) < 0);
		for (const struct mm_cmd_entry *c = f->cmds; c->name; c++) {
			char line[128];
			struct run r;

			if (c[1].name != NULL &&
			    strcmp(c->name, c[1].name) >= 0)
				fail_msg("%s: %s not sorted", f->name, c->name);
			assert_non_null(c->summary);
			assert_true(c->summary[strlen(c->summary) - 1] != '.');
			if (c->examples == NULL || c->examples[0] == NULL)
				fail_msg("%s %s has no example", f->name,
					 c->name);
			for (const struct mm_opt *o = c->opts; o && o->name;
			     o++) {
				assert_non_null(o->help);
				for (const struct mm_opt *g = mm_global_opts;
				     g->name; g++)
					if (strcmp(g->name, o->name) == 0)
						fail_msg(
							"%s %s: --%s shadows a "
							"global option",
							f->name, c->name,
							o->name);
			}
			snprintf(line, sizeof(line), "%s %s --help", f->name,
				 c->name);
			r = run_fams(mm_families, false, line);
			assert_int_equal(r.rc, MM_OK);
			assert_non_null(strstr(r.out, "Usage: mmadm "));
			/* The renderer adds these notes: the option's own
			 * text must not say them again. */
			if (strstr(r.out, "(repeatable) (repeatable)") ||
			    strstr(r.out, "(required) (required)") ||
			    strstr(r.out, "(repeatable, "))
				fail_msg("%s: a note is doubled:\n%s", line,
					 r.out);
			run_free(&r);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_forms),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_destructive),
		cmocka_unit_test(test_target_flags),
		cmocka_unit_test(test_exit_codes_distinct),
		cmocka_unit_test(test_real_table),
	};

	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
