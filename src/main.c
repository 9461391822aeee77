/* mmadm: the one-shot entry point. */
#include "../cmd/cmd.h"
#include "mmadm/cli.h"

#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/resource.h>

int
main(int argc, char **argv)
{
	struct mm_ctx ctx;
	struct mm_error err;
	enum mm_result rc;

	/* A closed pipe ends output quietly (EPIPE), not with a signal. */
	signal(SIGPIPE, SIG_IGN);
	/* mmadm holds tokens and passwords: no core dumps, no ptrace by
	 * other processes of the same user. Best effort. */
	{
		struct rlimit nocore = {0, 0};

		(void)setrlimit(RLIMIT_CORE, &nocore);
		(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	}
	mm_error_clear(&err);
	mm_ctx_init(&ctx, mm_families, stdin, stdout, stderr);
	rc = mm_cli_run(&ctx, argc - 1, argv + 1, &err);
	if (rc != MM_OK)
		mm_cli_report(&ctx, &err);
	mm_ctx_release(&ctx);
	return mm_exit_code(rc);
}
