/* events: the server's live events over its WebSocket. */
#include "cmd.h"
#include "mmadm/api_events.h"
#include "mmadm/cli_ext.h"

#include <signal.h>
#include <string.h>

static const struct mm_opt events_listen_opts[] = {
	MM_OPT_LIST(0, "filter", "TYPE",
		    "print only events of this type: posted, hello, "
		    "config_changed ..."),
	MM_OPT_END(),
};

static const char *const events_listen_examples[] = {
	"mmadm events",
	"mmadm events --filter posted --filter post_edited",
	"mmadm events --count 1 --filter hello -o json",
	NULL,
};

static const char *const events_listen_endpoints[] = {
	"GET /api/v4/websocket",
	NULL,
};

static const struct mm_column event_cols[] = {
	{"Seq", "seq"},
	{"Event", "event"},
	{"Channel", "broadcast.channel_id"},
	{"Team", "broadcast.team_id"},
	{"User", "broadcast.user_id"},
	{"Data", "data"},
	MM_COLUMN_END,
};

struct listen {
	struct mm_ctx *ctx;
	bool lines; /* JSON lines (json, plain), else a streamed list */
	bool failed;
};

static bool
on_event(void *ud, const struct mm_json *ev)
{
	struct listen *l = ud;
	struct mm_out *o = &l->ctx->out;

	if (l->lines)
		l->failed = !mm_cli_json_line(o, ev);
	else
		l->failed = !mm_out_list_row(o, ev) || !mm_out_list_flush(o);
	return !l->failed;
}

static void
on_note(void *ud, enum mm_events_note what, const char *text, long ms)
{
	struct listen *l = ud;
	struct mm_out *o = &l->ctx->out;

	switch (what) {
	case MM_EVENTS_CONNECTED:
		mm_note(o, "listening (connection %s)", text);
		break;
	case MM_EVENTS_RECONNECTING:
		mm_warn(o, "%s; reconnecting in %.1f s", text,
			(double)ms / 1000.0);
		break;
	case MM_EVENTS_RESUMED:
		mm_note(o, "reconnected; the stream resumed where it stopped");
		break;
	case MM_EVENTS_NEW_STREAM:
		mm_warn(o, "reconnected, but the server could not resume the "
			   "stream: events sent meanwhile are lost");
		break;
	case MM_EVENTS_GAP:
		mm_warn(o, "%ld event(s) missed before this '%s' event", ms,
			text);
		break;
	}
}

/* Ctrl-C ends the stream cleanly (closing a JSON list). */
static volatile int *events_cancel;

static void
on_interrupt(int sig)
{
	(void)sig;
	if (events_cancel != NULL)
		*events_cancel = 1;
}

static enum mm_result
events_listen_exec(struct mm_ctx *ctx, const struct mm_args *args,
		   struct mm_error *err)
{
	const struct mm_strv *types = mm_args_list(args, "filter");
	struct mm_http_config cfg;
	struct mm_events_req req;
	struct listen l = {ctx, false, false};
	struct sigaction sa, old_int, old_term;
	bool own_int = false, own_term = false;
	enum mm_result rc;

	if (ctx->curl != NULL)
		return mm_error_set(err, MM_ERR_USAGE,
				    "--curl cannot show a WebSocket stream");
	mm_ctx_http_config(ctx, &cfg);
	memset(&req, 0, sizeof(req));
	req.http = &cfg;
	req.types = types != NULL ? (const char *const *)types->v : NULL;
	req.ntypes = types != NULL ? types->n : 0;
	req.count = mm_args_int(args, "count", 0);
	req.on_event = on_event;
	req.on_note = on_note;
	req.ud = &l;
	l.lines = ctx->out.format == MM_FMT_JSON ||
		  ctx->out.format == MM_FMT_PLAIN;
	if (!l.lines && !mm_out_list_begin(&ctx->out, event_cols))
		return mm_error_oom(err);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_interrupt;
	sigemptyset(&sa.sa_mask);
	events_cancel = &ctx->cancel;
	if (sigaction(SIGINT, NULL, &old_int) == 0 &&
	    old_int.sa_handler == SIG_DFL)
		own_int = sigaction(SIGINT, &sa, NULL) == 0;
	if (sigaction(SIGTERM, NULL, &old_term) == 0 &&
	    old_term.sa_handler == SIG_DFL)
		own_term = sigaction(SIGTERM, &sa, NULL) == 0;
	mm_signal_ends_stream_set(true);
	rc = mm_api_events_listen(&req, err);
	mm_signal_ends_stream_set(false);
	if (own_int)
		sigaction(SIGINT, &old_int, NULL);
	if (own_term)
		sigaction(SIGTERM, &old_term, NULL);
	ctx->cancel = 0; /* Ctrl-C is how a stream ends: finish the output */
	events_cancel = NULL;
	if (!l.lines && rc == MM_OK)
		mm_out_list_end(&ctx->out);
	else if (!l.lines)
		mm_out_list_fail(&ctx->out);
	if (rc == MM_OK && l.failed && !mm_out_stopped(&ctx->out))
		rc = mm_error_oom(err);
	return rc;
}

const struct mm_cmd_entry mm_events_cmds[] = {
	{
		.name = "listen",
		.summary = "Print the server's live events as they happen",
		.help = "Connects to the server's WebSocket "
			"(/api/v4/websocket), authenticates with\nthe token "
			"(the authentication_challenge message) and prints "
			"each event:\none JSON object a line with -o json or "
			"plain, a table otherwise. The first\nevent is "
			"'hello'. --filter keeps only the given types; "
			"--count N stops\nafter N printed events; Ctrl-C "
			"stops too.\n\nA dropped connection is retried with "
			"growing waits (1 s doubling to 30 s)\nand the server "
			"is asked to resume the stream where it stopped\n"
			"(connection_id and the next sequence_number); a "
			"warning says when it\ncould not and events may have "
			"been lost.",
		.opts = events_listen_opts,
		.flags = CMD_NEEDS_SERVER | CMD_NEEDS_AUTH | CMD_NO_LOCAL |
			 CMD_FAMILY_DEFAULT | CMD_STREAM,
		.examples = events_listen_examples,
		.endpoints = events_listen_endpoints,
		.exec = events_listen_exec,
	},
	MM_CMD_END,
};
