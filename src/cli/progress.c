/* A transfer progress bar on stderr. */
#include "cli_internal.h"

#include <stdio.h>
#include <time.h>

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
human(uint64_t n, char *buf, size_t size)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	double v = (double)n;
	size_t u = 0;

	while (v >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024;
		u++;
	}
	snprintf(buf, size, u ? "%.1f %s" : "%.0f %s", v, units[u]);
}

void
mm_cli_progress(void *ud, uint64_t done, uint64_t total)
{
	struct mm_ctx *ctx = ud;
	long long t;
	char a[32], b[32];

	if (!ctx->out.err_tty || ctx->out.quiet || (done == 0 && total == 0))
		return;
	t = now_ms();
	/* libcurl calls back while waiting for the reply too: draw only
	 * when the numbers moved, and at most ten times a second. */
	if (ctx->progress_active &&
	    ((done == ctx->progress_done && total == ctx->progress_total) ||
	     (t - ctx->progress_last_ms < 100 && done != total)))
		return;
	ctx->progress_done = done;
	ctx->progress_total = total;
	ctx->progress_last_ms = t;
	ctx->progress_active = true;
	human(done, a, sizeof(a));
	if (total > 0) {
		int pct = (int)(done * 100 / total), fill = pct * 30 / 100;

		human(total, b, sizeof(b));
		fprintf(ctx->out.err, "\r[%-30.*s] %3d%%  %s / %s ", fill,
			"##############################", pct, a, b);
	} else {
		fprintf(ctx->out.err, "\r%s ", a);
	}
	fflush(ctx->out.err);
}

void
mm_cli_progress_done(struct mm_ctx *ctx)
{
	if (ctx->progress_active) {
		fputc('\n', ctx->out.err);
		fflush(ctx->out.err);
	}
	ctx->progress_active = false;
}
