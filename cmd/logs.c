/* logs: read the server log, follow it, add lines, query it. */
#include "cmd.h"
#include "mmadm/api_logs.h"

#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const struct mm_column log_cols[] = {
	{"TIME", "timestamp"},
	{"LEVEL", "level"},
	{"MESSAGE", "msg"},
	MM_COLUMN_END,
};

/* ---- get ---- */

static const struct mm_opt logs_get_opts[] = {
	MM_OPT_STRING(0, "level", "LEVEL[,LEVEL]",
		      "only these levels (debug, info, warn, error...)"),
	MM_OPT_STRING(0, "grep", "REGEX",
		      "only lines matching this regular expression"),
	MM_OPT_STRING(0, "since", "TIME",
		      "only lines from TIME on (15m, 2h, 2024-01-15 14:30)"),
	MM_OPT_BOOL('f', "follow",
		    "keep polling and print new lines until Ctrl-C"),
	MM_OPT_INT(0, "interval", "SECONDS",
		   "with --follow: seconds between polls (default 2)", 1, 300),
	MM_OPT_END(),
};

static const char *const logs_get_examples[] = {
	"mmadm logs get --per-page 200",
	"mmadm logs get --level error,warn --since 1h",
	"mmadm logs get --all --grep 'plugin' -o plain",
	"mmadm logs get --follow --level error",
	NULL,
};

static const char *const logs_get_endpoints[] = {
	"GET /api/v4/logs",
	NULL,
};

struct emit {
	struct mm_ctx *ctx;
	const struct mm_logs_filter *filter;
	bool raw;     /* rows are the lines themselves (json/yaml/plain) */
	size_t skip;  /* lines to pass over first (follow's first page) */
	size_t shown; /* rows printed */
	bool failed;  /* out of memory */
};

/* One log line to the output, if it passes the filter. */
static bool
emit_line(void *ud, const char *line)
{
	struct emit *e = ud;
	struct mm_json *rec, *row = NULL;
	const char *p = line;
	bool ok = true;

	while (*p != '\0' && isspace((unsigned char)*p))
		p++;
	if (*p == '\0')
		return true; /* blank (a server logging to no file: [""]) */
	if (e->skip > 0) {
		e->skip--;
		return true;
	}
	rec = mm_logs_parse_line(line);
	if (!mm_logs_filter_match(e->filter, line, rec)) {
		mm_json_free(rec);
		return true;
	}
	if (e->raw) {
		if (e->ctx->out.format == MM_FMT_PLAIN) {
			size_t n = strlen(p);
			char *copy;

			while (n > 0 && isspace((unsigned char)p[n - 1]))
				n--;
			copy = strndup(p, n);
			row = copy != NULL ? mm_json_new_string(copy) : NULL;
			free(copy);
		} else {
			row = mm_json_new_string(line);
		}
	} else if (rec != NULL) {
		row = rec;
		rec = NULL;
	} else {
		row = mm_json_new_object();
		if (row != NULL && !mm_json_set_string(row, "msg", p)) {
			mm_json_free(row);
			row = NULL;
		}
	}
	if (row == NULL) {
		e->failed = true;
		ok = false;
	} else if (mm_out_list_row(&e->ctx->out, row)) {
		e->shown++;
	} else {
		ok = false; /* a closed pipe (or no memory): stop */
	}
	mm_json_free(rec);
	mm_json_free(row);
	return ok && !mm_out_stopped(&e->ctx->out);
}

static void
emit_page(struct emit *e, const struct mm_json *lines, size_t from)
{
	const struct mm_json *m = mm_json_first(lines);

	for (size_t i = 0; m != NULL && i < from; i++)
		m = mm_json_next(m);
	for (; m != NULL; m = mm_json_next(m)) {
		const char *s = mm_json_string(m);

		if (s != NULL && !emit_line(e, s))
			break;
	}
}

/* Ctrl-C while following: stop cleanly, closing JSON output. */
static volatile sig_atomic_t follow_stop;
static volatile int *follow_cancel;

static void
on_interrupt(int sig)
{
	(void)sig;
	follow_stop = 1;
	if (follow_cancel != NULL)
		*follow_cancel = 1;
}

static bool
stopped(struct mm_ctx *ctx)
{
	return follow_stop || ctx->cancel;
}

/* Sleep up to ms, waking early when stopped. */
static void
nap(struct mm_ctx *ctx, long ms)
{
	while (ms > 0 && !stopped(ctx)) {
		struct timespec ts = {0, 100 * 1000000L};

		if (ms < 100)
			ts.tv_nsec = ms * 1000000L;
		nanosleep(&ts, NULL);
		ms -= 100;
	}
}

static enum mm_result
follow(struct mm_ctx *ctx, struct mm_client *c, struct emit *e,
       struct mm_logs_tail *tail, long interval_s, struct mm_error *err)
{
	struct sigaction sa, old_int, old_term;
	bool own_int = false, own_term = false;
	bool warned_down = false;
	enum mm_result rc = MM_OK;

	/* Take Ctrl-C only where nobody else (the shell) handles it. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_interrupt;
	sigemptyset(&sa.sa_mask);
	follow_stop = 0;
	follow_cancel = &ctx->cancel;
	if (sigaction(SIGINT, NULL, &old_int) == 0 &&
	    old_int.sa_handler == SIG_DFL)
		own_int = sigaction(SIGINT, &sa, NULL) == 0;
	if (sigaction(SIGTERM, NULL, &old_term) == 0 &&
	    old_term.sa_handler == SIG_DFL)
		own_term = sigaction(SIGTERM, &sa, NULL) == 0;
	mm_signal_ends_stream_set(true);
	while (!stopped(ctx) && rc == MM_OK && !mm_out_stopped(&ctx->out)) {
		struct mm_json *lines = NULL;
		size_t first = 0;
		bool gap = false;

		nap(ctx, interval_s * 1000);
		if (stopped(ctx))
			break;
		rc = mm_api_logs_poll(c, tail, &lines, &first, &gap, err);
		if (rc == MM_ERR_CONNECT || rc == MM_ERR_SERVER) {
			/* A restarting server: keep trying. */
			if (!warned_down)
				mm_warn(&ctx->out,
					"cannot read the log (%s); still "
					"trying",
					err->message);
			warned_down = true;
			mm_error_clear(err);
			rc = MM_OK;
			continue;
		}
		if (rc != MM_OK)
			break;
		if (warned_down)
			mm_note(&ctx->out, "reading the log again");
		warned_down = false;
		if (gap)
			mm_warn(&ctx->out,
				"the log was rotated, or more lines came than "
				"one page holds: some lines may be missing");
		emit_page(e, lines, first);
		mm_json_free(lines);
		if (e->failed)
			rc = mm_error_oom(err);
		else if (!mm_out_list_flush(&ctx->out) || ferror(ctx->out.out))
			break; /* the reader went away (| head) */
	}
	mm_signal_ends_stream_set(false);
	if (rc == MM_ERR_CANCELLED || stopped(ctx)) {
		mm_error_clear(err);
		rc = MM_OK; /* Ctrl-C is how a follow ends */
	}
	if (stopped(ctx))
		ctx->cancel = 0; /* the rest of the output is written */
	if (own_int)
		sigaction(SIGINT, &old_int, NULL);
	if (own_term)
		sigaction(SIGTERM, &old_term, NULL);
	follow_cancel = NULL;
	return rc;
}

static bool
all_line(void *ud, const char *line)
{
	struct emit *e = ud;
	bool ok = emit_line(e, line);

	/* Flush every so often so long outputs start at once. */
	if (ok && e->shown > 0 && e->shown % 500 == 0)
		mm_out_list_flush(&e->ctx->out);
	return ok;
}

static enum mm_result
logs_get_exec(struct mm_ctx *ctx, const struct mm_args *args,
	      struct mm_error *err)
{
	struct mm_logs_filter_spec spec;
	struct mm_logs_filter *filter = NULL;
	struct mm_logs_tail tail;
	struct emit e;
	struct mm_client *c;
	struct mm_json *lines = NULL;
	bool all = mm_args_bool(args, "all", false);
	bool follow_on = mm_args_bool(args, "follow", false);
	long page = mm_args_int(args, "page", 0);
	long per = mm_args_int(args, "per-page",
			       follow_on ? 20 : MM_LOGS_MAX_PER_PAGE);
	bool listing = false;
	enum mm_result rc;

	memset(&tail, 0, sizeof(tail));
	if (follow_on && (all || mm_args_has(args, "page")))
		return mm_error_set(err, MM_ERR_USAGE,
				    "--follow starts at the end of the log: it "
				    "does not combine with --all or --page");
	if (!follow_on && mm_args_has(args, "interval"))
		return mm_error_set(err, MM_ERR_USAGE,
				    "--interval goes with --follow");
	if (per > MM_LOGS_MAX_PER_PAGE) {
		mm_warn(&ctx->out,
			"--per-page %ld is over the server's maximum of log "
			"lines; asking for %d",
			per, MM_LOGS_MAX_PER_PAGE);
		per = MM_LOGS_MAX_PER_PAGE;
	}
	memset(&spec, 0, sizeof(spec));
	spec.levels = mm_args_get(args, "level");
	spec.grep = mm_args_get(args, "grep");
	spec.since = mm_args_get(args, "since");
	spec.now_ms = now_ms();
	rc = mm_logs_filter_new(&spec, &filter, err);
	if (rc == MM_OK)
		rc = mm_ctx_client(ctx, &c, err);
	if (rc != MM_OK)
		goto out;
	memset(&e, 0, sizeof(e));
	e.ctx = ctx;
	e.filter = filter;
	e.raw = ctx->out.columns == NULL && ctx->out.format != MM_FMT_TABLE;
	if (!mm_out_list_begin(&ctx->out, e.raw ? NULL : log_cols)) {
		rc = mm_error_oom(err);
		goto out;
	}
	listing = true;
	if (all) {
		rc = mm_api_logs_all(c, page, per, all_line, &e, err);
	} else {
		/* Following: read enough lines to recognise where the log
		 * ends, show the last `per`. */
		long want = follow_on && per < 100 ? 100 : per;

		rc = mm_api_logs_get(c, follow_on ? 0 : page, want, &lines,
				     err);
		if (rc == MM_OK && follow_on) {
			size_t nonblank = 0;

			for (const struct mm_json *m = mm_json_first(lines);
			     m != NULL; m = mm_json_next(m)) {
				const char *s = mm_json_string(m);

				while (s != NULL && *s != '\0' &&
				       isspace((unsigned char)*s))
					s++;
				if (s != NULL && *s != '\0')
					nonblank++;
			}
			e.skip = nonblank > (size_t)per ? nonblank - per : 0;
			if (!mm_logs_tail_update(&tail, lines))
				rc = mm_error_oom(err);
		}
		if (rc == MM_OK)
			emit_page(&e, lines, 0);
	}
	if (rc == MM_OK && e.failed)
		rc = mm_error_oom(err);
	if (rc == MM_OK && follow_on && mm_out_list_flush(&ctx->out) &&
	    !ferror(ctx->out.out)) {
		rc = follow(ctx, c, &e, &tail, mm_args_int(args, "interval", 2),
			    err);
	}
out:
	if (listing && rc != MM_OK)
		mm_out_list_fail(&ctx->out);
	else if (listing && !mm_out_list_end(&ctx->out) &&
		 !mm_out_stopped(&ctx->out) && !ferror(ctx->out.out))
		rc = mm_error_oom(err); /* a closed pipe (| head) is not */
	mm_logs_tail_release(&tail);
	mm_logs_filter_free(filter);
	mm_json_free(lines);
	return rc;
}

/* ---- post ---- */

static const struct mm_opt logs_post_opts[] = {
	{"level", 0, MM_OPT_K_STRING, "ERROR|DEBUG",
	 "the level to log at: ERROR or DEBUG", MM_OPT_REQUIRED, NULL, 0, 0},
	MM_OPT_END(),
};

static const struct mm_arg logs_post_args[] = {
	MM_ARG("MESSAGE", "the text to log (several words are joined)",
	       MM_ARG_VARIADIC),
	MM_ARG_END(),
};

static const char *const logs_post_examples[] = {
	"mmadm logs post --level ERROR 'maintenance starts now'",
	"mmadm logs post --level DEBUG checkpoint 3",
	NULL,
};

static const char *const logs_post_endpoints[] = {
	"POST /api/v4/logs",
	NULL,
};

#define LOG_MESSAGE_MAX 399

static enum mm_result
logs_post_exec(struct mm_ctx *ctx, const struct mm_args *args,
	       struct mm_error *err)
{
	static const struct mm_column cols[] = {
		{"LEVEL", "level"},
		{"MESSAGE", "message"},
		MM_COLUMN_END,
	};
	const char *lvl = mm_args_get(args, "level");
	struct mm_buf msg = MM_BUF_INIT;
	struct mm_client *c;
	struct mm_json *doc = NULL;
	char level[8];
	enum mm_result rc = MM_OK;

	if (strcasecmp(lvl, "error") == 0)
		strcpy(level, "ERROR");
	else if (strcasecmp(lvl, "debug") == 0)
		strcpy(level, "DEBUG");
	else
		return mm_error_set(err, MM_ERR_USAGE,
				    "--level takes ERROR or DEBUG, not '%s'",
				    lvl);
	for (size_t i = 0; i < mm_args_npos(args); i++)
		if (!mm_buf_printf(&msg, "%s%s", i ? " " : "",
				   mm_args_pos(args, i))) {
			rc = mm_error_oom(err);
			goto out;
		}
	if (msg.len > LOG_MESSAGE_MAX)
		mm_warn(&ctx->out,
			"the message has %zu characters; the server keeps the "
			"first %d",
			msg.len, LOG_MESSAGE_MAX);
	rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_logs_post(c, level, mm_buf_str(&msg), &doc, err);
	if (rc == MM_OK && doc != NULL)
		mm_out_doc(&ctx->out, doc, cols);
out:
	mm_json_free(doc);
	mm_buf_release(&msg);
	return rc;
}

/* ---- query ---- */

static const struct mm_opt logs_query_opts[] = {
	MM_OPT_LIST(0, "server", "NAME", "only this cluster node"),
	MM_OPT_LIST(0, "level", "LEVEL", "only this level; a,b for several"),
	MM_OPT_STRING(0, "from", "TIME",
		      "from this time on (15m, 2h, 2024-01-15 14:30)"),
	MM_OPT_STRING(0, "to", "TIME", "up to this time (same forms)"),
	MM_OPT_INT(0, "page", "N", "page of the result (0 = newest)", 0,
		   100000000),
	MM_OPT_INT(0, "per-page", "N",
		   "log lines per page (default and maximum 10000)", 1, 100000),
	MM_OPT_END(),
};

static const char *const logs_query_examples[] = {
	"mmadm logs query --level error --from 2h",
	"mmadm logs query --level error,warn --from 2024-01-15 --to "
	"'2024-01-16 08:00'",
	"mmadm logs query --server node-1 -o json",
	NULL,
};

static const char *const logs_query_endpoints[] = {
	"POST /api/v4/logs/query",
	NULL,
};

/* Split --level values on commas, lower case (records spell levels so). */
static enum mm_result
query_levels(const struct mm_strv *in, struct mm_strv *out, struct mm_buf *csv,
	     struct mm_error *err)
{
	for (size_t i = 0; in != NULL && i < in->n; i++) {
		char *copy = mm_strdup(in->v[i]), *save = NULL, *tok;

		if (copy == NULL)
			return mm_error_oom(err);
		for (tok = strtok_r(copy, ",", &save); tok != NULL;
		     tok = strtok_r(NULL, ",", &save)) {
			for (char *p = tok; *p; p++)
				*p = (char)tolower((unsigned char)*p);
			if (*tok == '\0')
				continue;
			if (!mm_logs_known_level(tok)) {
				enum mm_result rc = mm_error_set(
					err, MM_ERR_USAGE,
					"'%s' is not a log level (one of: %s)",
					tok, MM_LOGS_LEVELS);

				free(copy);
				return rc;
			}
			if (!mm_strv_push(out, tok) ||
			    !mm_buf_printf(csv, "%s%s", csv->len ? "," : "",
					   tok)) {
				free(copy);
				return mm_error_oom(err);
			}
		}
		free(copy);
	}
	return MM_OK;
}

static enum mm_result
query_time(const char *opt, const char *text, long long now, char *buf,
	   size_t size, struct mm_error *err)
{
	long long ms;

	buf[0] = '\0';
	if (text == NULL)
		return MM_OK;
	if (!mm_logs_parse_time(text, now, &ms))
		return mm_error_set(err, MM_ERR_USAGE,
				    "--%s '%s' is not a time (give e.g. 15m, "
				    "2h, 2024-01-15 or '2024-01-15 14:30')",
				    opt, text);
	if (!mm_logs_format_time(ms, buf, size))
		return mm_error_set(err, MM_ERR_USAGE,
				    "--%s '%s' is out of range", opt, text);
	return MM_OK;
}

static enum mm_result
logs_query_exec(struct mm_ctx *ctx, const struct mm_args *args,
		struct mm_error *err)
{
	static const struct mm_column cols[] = {
		{"NODE", "node"},   {"TIME", "timestamp"}, {"LEVEL", "level"},
		{"MESSAGE", "msg"}, MM_COLUMN_END,
	};
	const struct mm_strv *servers = mm_args_list(args, "server");
	struct mm_strv levels = MM_STRV_INIT;
	struct mm_buf csv = MM_BUF_INIT;
	struct mm_logs_filter_spec spec;
	struct mm_logs_filter *filter = NULL;
	struct mm_logs_query q;
	struct mm_client *c;
	struct mm_json *doc = NULL, *kept = NULL;
	long long now = now_ms();
	long per = mm_args_int(args, "per-page", MM_LOGS_MAX_PER_PAGE);
	char from[64], to[64];
	bool table;
	enum mm_result rc;

	if (per > MM_LOGS_MAX_PER_PAGE) {
		mm_warn(&ctx->out,
			"--per-page %ld is over the server's maximum of log "
			"lines; asking for %d",
			per, MM_LOGS_MAX_PER_PAGE);
		per = MM_LOGS_MAX_PER_PAGE;
	}
	rc = query_levels(mm_args_list(args, "level"), &levels, &csv, err);
	if (rc == MM_OK)
		rc = query_time("from", mm_args_get(args, "from"), now, from,
				sizeof(from), err);
	if (rc == MM_OK)
		rc = query_time("to", mm_args_get(args, "to"), now, to,
				sizeof(to), err);
	if (rc != MM_OK)
		goto out;
	/* The same filter again on the answer: servers whose log lines carry
	 * a "Z" zone cannot parse them and skip the date filter. */
	memset(&spec, 0, sizeof(spec));
	spec.levels = levels.n > 0 ? mm_buf_str(&csv) : NULL;
	spec.since = mm_args_get(args, "from");
	spec.until = mm_args_get(args, "to");
	spec.now_ms = now;
	rc = mm_logs_filter_new(&spec, &filter, err);
	if (rc != MM_OK)
		goto out;
	memset(&q, 0, sizeof(q));
	q.servers = servers != NULL ? (const char *const *)servers->v : NULL;
	q.nservers = servers != NULL ? servers->n : 0;
	q.levels = (const char *const *)levels.v;
	q.nlevels = levels.n;
	q.date_from = from[0] ? from : NULL;
	q.date_to = to[0] ? to : NULL;
	rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_logs_query(c, &q, mm_args_int(args, "page", 0), per,
				       &doc, err);
	if (rc != MM_OK || doc == NULL)
		goto out;
	table = ctx->out.format == MM_FMT_TABLE ||
		ctx->out.format == MM_FMT_PLAIN;
	kept = table ? mm_json_new_array() : mm_json_new_object();
	if (kept == NULL) {
		rc = mm_error_oom(err);
		goto out;
	}
	for (const struct mm_json *node = mm_json_first(doc);
	     node != NULL && rc == MM_OK; node = mm_json_next(node)) {
		struct mm_json *recs = table ? NULL : mm_json_new_array();

		if (!table && (recs == NULL ||
			       !mm_json_set(kept, mm_json_key(node), recs))) {
			mm_json_free(recs);
			rc = mm_error_oom(err);
			break;
		}
		for (const struct mm_json *rec = mm_json_first(node);
		     rec != NULL; rec = mm_json_next(rec)) {
			struct mm_json *row;

			if (!mm_logs_filter_match(filter, "", rec))
				continue;
			row = mm_json_dup(rec);
			if (row == NULL ||
			    (table && mm_json_type(row) == MM_JSON_OBJECT &&
			     !mm_json_set_string(row, "node",
						 mm_json_key(node))) ||
			    !mm_json_append(table ? kept : recs, row)) {
				mm_json_free(row);
				rc = mm_error_oom(err);
				break;
			}
		}
	}
	if (rc == MM_OK)
		mm_out_doc(&ctx->out, kept, table ? cols : NULL);
out:
	mm_logs_filter_free(filter);
	mm_strv_release(&levels);
	mm_buf_release(&csv);
	mm_json_free(doc);
	mm_json_free(kept);
	return rc;
}

const struct mm_cmd_entry mm_logs_cmds[] = {
	{
		.name = "get",
		.summary = "Show the server log",
		.help = "Page 0 holds the newest --per-page lines (log lines, "
			"default and maximum\n10000), page 1 the ones before, "
			"and so on; lines are printed oldest first,\nalso with "
			"--all, which reads back to the start of the log. "
			"--level, --grep\nand --since filter on this side "
			"(the server has no filters here). The table\nshows "
			"time, level and message of each JSON record; plain "
			"prints the raw lines,\nJSON the server's strings. "
			"--follow prints the last --per-page lines (default\n"
			"20), then polls every --interval seconds and prints "
			"only new lines, until\nCtrl-C.",
		.opts = logs_get_opts,
		.flags = CMD_NEEDS_SERVER | CMD_NEEDS_AUTH | CMD_PAGED,
		.examples = logs_get_examples,
		.endpoints = logs_get_endpoints,
		.exec = logs_get_exec,
	},
	{
		.name = "post",
		.summary = "Write a line into the server log",
		.help = "The server prefixes the message with \"Client Logs "
			"API "
			"Endpoint Message: \" and\nkeeps 399 characters. "
			"Without ServiceSettings.EnableDeveloper a token is "
			"needed,\nand users who are not system admins are "
			"logged at DEBUG whatever they ask.",
		.opts = logs_post_opts,
		.args = logs_post_args,
		.flags = CMD_NEEDS_SERVER | CMD_NO_LOCAL | CMD_WRITES,
		.examples = logs_post_examples,
		.endpoints = logs_post_endpoints,
		.exec = logs_post_exec,
	},
	{
		.name = "query",
		.summary = "Search the server log by level, node and time",
		.help = "The server filters by node (--server), level and time "
			"range and answers per\nnode; levels and times are "
			"applied again on this side, as servers whose log\n"
			"lines end their timestamp in \"Z\" skip the time "
			"filter. Times without a zone\nare local time. Page 0 "
			"holds the newest matches.",
		.opts = logs_query_opts,
		.flags = CMD_NEEDS_SERVER | CMD_NEEDS_AUTH | CMD_NO_LOCAL,
		.examples = logs_query_examples,
		.endpoints = logs_query_endpoints,
		.exec = logs_query_exec,
	},
	MM_CMD_END,
};
