/* libFuzzer: NUL-separated argv through the dispatcher, against a copy of
 * the real command table whose exec functions do nothing (no network, no
 * files), so every option spec and usage path is exercised. */
#include "../../cmd/cmd.h"
#include "mmadm/cli.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct mm_family *fams;

static enum mm_result
noop_exec(struct mm_ctx *ctx, const struct mm_args *args, struct mm_error *err)
{
	(void)ctx;
	(void)err;
	/* Touch every positional like a command would. */
	for (size_t i = 0; i < mm_args_npos(args); i++)
		if (strlen(mm_args_pos(args, i)) > (size_t)-2)
			abort();
	return MM_OK;
}

static const char *
no_env(const char *name)
{
	(void)name;
	return NULL;
}

static char *
no_answer(struct mm_ctx *ctx, const char *prompt, bool secret)
{
	(void)ctx;
	(void)prompt;
	(void)secret;
	return NULL;
}

static void
build_table(void)
{
	size_t nf = 0;

	while (mm_families[nf].name != NULL)
		nf++;
	fams = calloc(nf + 1, sizeof(*fams));
	for (size_t f = 0; fams != NULL && f < nf; f++) {
		size_t nc = 0;
		struct mm_cmd_entry *cmds;

		while (mm_families[f].cmds[nc].name != NULL)
			nc++;
		cmds = calloc(nc + 1, sizeof(*cmds));
		if (cmds == NULL)
			abort();
		memcpy(cmds, mm_families[f].cmds, nc * sizeof(*cmds));
		for (size_t c = 0; c < nc; c++) {
			cmds[c].exec = noop_exec;
			/* no target resolution: it would read files */
			cmds[c].flags &=
				~(unsigned)(CMD_NEEDS_SERVER | CMD_NEEDS_AUTH);
		}
		fams[f] = mm_families[f];
		fams[f].cmds = cmds;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, *argv[64];
	int argc = 0;
	struct mm_ctx ctx;
	struct mm_error err;
	FILE *out, *in;

	if (fams == NULL)
		build_table();
	if (size > 4096)
		return 0;
	buf = malloc(size + 1);
	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (size_t i = 0; i <= size && argc < 63;) {
		argv[argc++] = buf + i;
		i += strlen(buf + i) + 1;
	}
	argv[argc] = NULL;
	out = fopen("/dev/null", "w");
	in = fopen("/dev/null", "r");
	if (out != NULL && in != NULL) {
		mm_error_clear(&err);
		mm_ctx_init(&ctx, fams, in, out, out);
		ctx.getenv_fn = no_env;
		ctx.ask = no_answer;
		strcpy(ctx.profiles_path,
		       "/nonexistent/mmadm-fuzz/config.yaml");
		if (mm_cli_run(&ctx, argc, argv, &err) != MM_OK)
			mm_cli_report(&ctx, &err);
		mm_ctx_release(&ctx);
	}
	if (out != NULL)
		fclose(out);
	if (in != NULL)
		fclose(in);
	free(buf);
	return 0;
}
