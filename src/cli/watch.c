/* --watch SECONDS: run a read command again and again. */
#include "mmadm/cli_ext.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>

static volatile int *watch_cancel;

static void
on_interrupt(int sig)
{
	(void)sig;
	if (watch_cancel != NULL)
		*watch_cancel = 1;
}

/* Sleep up to ms, waking early on Ctrl-C. */
static void
nap(struct mm_ctx *ctx, long ms)
{
	while (ms > 0 && !ctx->cancel) {
		struct timespec ts = {0, 100 * 1000000L};

		if (ms < 100)
			ts.tv_nsec = ms * 1000000L;
		nanosleep(&ts, NULL);
		ms -= 100;
	}
}

/* Clear the screen and write "Every Ns: TITLE" with the time on the
 * right. */
static void
header(struct mm_ctx *ctx, const char *title, long interval_s)
{
	char left[512], right[64];
	time_t now = time(NULL);
	struct tm tm;
	int pad;

	snprintf(left, sizeof(left), "Every %lds: %s", interval_s, title);
	if (localtime_r(&now, &tm) == NULL ||
	    strftime(right, sizeof(right), "%Y-%m-%d %H:%M:%S", &tm) == 0)
		right[0] = '\0';
	pad = ctx->out.width > 0
		      ? ctx->out.width - (int)strlen(left) - (int)strlen(right)
		      : 2;
	if (pad < 2)
		pad = 2;
	errno = 0;
	if (fprintf(ctx->out.out, "\033[H\033[2J%s%*s%s\n\n", left, pad, "",
		    right) < 0)
		mm_out_failed(&ctx->out, errno);
}

enum mm_result
mm_watch_run(struct mm_ctx *ctx, const char *title, long interval_s, long count,
	     mm_watch_once_fn once, void *ud, struct mm_error *err)
{
	struct sigaction sa, old_int;
	bool own_int = false, tty = ctx->out.out_tty;
	enum mm_result last = MM_OK;
	struct mm_error last_err;

	mm_error_clear(&last_err);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_interrupt;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, NULL, &old_int) == 0 &&
	    old_int.sa_handler == SIG_DFL) {
		watch_cancel = &ctx->cancel;
		own_int = sigaction(SIGINT, &sa, NULL) == 0;
	}
	mm_signal_ends_stream_set(true);
	for (long i = 0; count == 0 || i < count; i++) {
		enum mm_result rc;

		if (tty)
			header(ctx, title, interval_s);
		if (mm_out_stopped(&ctx->out))
			break;
		mm_error_clear(err);
		ctx->error_reported = false;
		rc = once(ud, err);
		/* Output that fails (the header too) ends the watch: quietly
		 * when the reader went away (| head), else the dispatcher
		 * reports the write error. */
		mm_out_sync(&ctx->out);
		if (ctx->cancel && (rc == MM_OK || rc == MM_ERR_CANCELLED))
			break; /* interrupted: the last complete run counts */
		if (rc != MM_OK && !ctx->error_reported)
			mm_cli_report(ctx, err);
		last = rc;
		last_err = *err;
		/* A mistake in the command line does not go away by waiting. */
		if (rc == MM_ERR_USAGE || rc == MM_ERR_CONFIG ||
		    rc == MM_ERR_LOCAL_ONLY)
			break;
		if (mm_out_stopped(&ctx->out) || ctx->cancel ||
		    (count > 0 && i + 1 >= count))
			break;
		nap(ctx, interval_s * 1000);
		if (ctx->cancel)
			break;
	}
	mm_signal_ends_stream_set(false);
	if (own_int) {
		sigaction(SIGINT, &old_int, NULL);
		ctx->cancel = 0; /* Ctrl-C is how a watch ends */
	}
	watch_cancel = NULL;
	*err = last_err;
	ctx->error_reported = last != MM_OK;
	return last;
}
