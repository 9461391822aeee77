/* mmadm: the one-shot entry point. */
#include "../cmd/cmd.h"
#include "mmadm/buf.h"
#include "mmadm/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

static volatile int *cancel_flag;

/* Ctrl-C (or SIGTERM) asks the running command to stop: a transfer ends
 * cleanly, temp files are removed, output stops at the next write, and
 * the exit code is 130. When the process is blocked writing output (the
 * reader stopped reading) it ends at once, with the same line and code:
 * nothing is left to clean up then. A second signal ends the process at
 * once. */
static void
on_interrupt(int sig)
{
	static const char msg[] = "mmadm: cancelled\n";

	if (cancel_flag == NULL || *cancel_flag) {
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	*cancel_flag = 1;
	if (mm_output_busy() && !mm_signal_ends_stream()) {
		if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
			_exit(130);
		_exit(130);
	}
}

/* A closed standard fd would be taken by the next open() or socket(),
 * libcurl's internal socketpair among them: output would then go into
 * that socket and input be read from it. Each closed one gets /dev/null
 * opened the wrong way round (write-only for 0, read-only for 1 and 2),
 * so a read or write on it fails with EBADF, as on a closed fd, and the
 * number stays taken. With stderr closed the message is lost but the
 * exit code still tells. */
static void
hold_std_fds(void)
{
	int fd;

	for (fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++) {
		int nfd;

		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		/* The lowest free number is fd itself: lower ones are open. */
		nfd = open("/dev/null",
			   fd == STDIN_FILENO ? O_WRONLY : O_RDONLY);
		if (nfd != fd) {
			if (nfd >= 0)
				(void)close(nfd);
			_exit(mm_exit_code(MM_ERR_IO));
		}
	}
}

int
main(int argc, char **argv)
{
	struct mm_ctx ctx;
	struct mm_error err;
	enum mm_result rc;

	hold_std_fds();
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
	{
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_interrupt;
		sigemptyset(&sa.sa_mask);
		cancel_flag = &ctx.cancel;
		(void)sigaction(SIGINT, &sa, NULL);
		(void)sigaction(SIGTERM, &sa, NULL);
	}
	if (argc == 1 && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
		/* No arguments on a terminal: the interactive shell. */
		static char shell[] = "shell";
		char *sh_argv[] = {shell, NULL};

		rc = mm_cli_run(&ctx, 1, sh_argv, &err);
	} else {
		rc = mm_cli_run(&ctx, argc - 1, argv + 1, &err);
	}
	if (rc != MM_OK)
		mm_cli_report(&ctx, &err);
	mm_ctx_release(&ctx);
	return mm_exit_code(rc);
}
