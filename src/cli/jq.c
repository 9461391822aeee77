/* --jq: filter a command's JSON output in-process with libjq; JSON lines. */
#define _GNU_SOURCE /* fopencookie */
#include "mmadm/cli_ext.h"
#include "mmadm/dl.h"

#include <errno.h>
#include <jq.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* libjq, loaded by --jq only (mmadm/dl.h): the calls below go through
 * this table. */
static struct {
	__typeof__(jq_compile) *jq_compile;
	__typeof__(jq_get_exit_code) *jq_get_exit_code;
	__typeof__(jq_halted) *jq_halted;
	__typeof__(jq_init) *jq_init;
	__typeof__(jq_next) *jq_next;
	__typeof__(jq_set_error_cb) *jq_set_error_cb;
	__typeof__(jq_set_input_cb) *jq_set_input_cb;
	__typeof__(jq_start) *jq_start;
	__typeof__(jq_teardown) *jq_teardown;
	__typeof__(jv_array) *jv_array;
	__typeof__(jv_array_append) *jv_array_append;
	__typeof__(jv_array_get) *jv_array_get;
	__typeof__(jv_array_length) *jv_array_length;
	__typeof__(jv_copy) *jv_copy;
	__typeof__(jv_dump_string) *jv_dump_string;
	__typeof__(jv_free) *jv_free;
	__typeof__(jv_get_kind) *jv_get_kind;
	__typeof__(jv_invalid_get_msg) *jv_invalid_get_msg;
	__typeof__(jv_invalid_has_msg) *jv_invalid_has_msg;
	__typeof__(jv_invalid_with_msg) *jv_invalid_with_msg;
	__typeof__(jv_number_value) *jv_number_value;
	__typeof__(jv_parser_free) *jv_parser_free;
	__typeof__(jv_parser_new) *jv_parser_new;
	__typeof__(jv_parser_next) *jv_parser_next;
	__typeof__(jv_parser_set_buf) *jv_parser_set_buf;
	__typeof__(jv_string) *jv_string;
	__typeof__(jv_string_length_bytes) *jv_string_length_bytes;
	__typeof__(jv_string_value) *jv_string_value;
} jqlib;

/*
 * jv.h defines jv_is_valid() as a static function that calls jv_get_kind()
 * directly; an unoptimised build emits it even when unused, so the symbol
 * must exist: forward it to the loaded library. (The executable does not
 * export it, so libjq's own calls are unaffected.)
 */
jv_kind
jv_get_kind(jv x)
{
	return jqlib.jv_get_kind(x);
}

static const struct mm_dl_sym jqlib_syms[] = {
	MM_DL_SYM(jqlib, jq_compile),
	MM_DL_SYM(jqlib, jq_get_exit_code),
	MM_DL_SYM(jqlib, jq_halted),
	MM_DL_SYM(jqlib, jq_init),
	MM_DL_SYM(jqlib, jq_next),
	MM_DL_SYM(jqlib, jq_set_error_cb),
	MM_DL_SYM(jqlib, jq_set_input_cb),
	MM_DL_SYM(jqlib, jq_start),
	MM_DL_SYM(jqlib, jq_teardown),
	MM_DL_SYM(jqlib, jv_array),
	MM_DL_SYM(jqlib, jv_array_append),
	MM_DL_SYM(jqlib, jv_array_get),
	MM_DL_SYM(jqlib, jv_array_length),
	MM_DL_SYM(jqlib, jv_copy),
	MM_DL_SYM(jqlib, jv_dump_string),
	MM_DL_SYM(jqlib, jv_free),
	MM_DL_SYM(jqlib, jv_get_kind),
	MM_DL_SYM(jqlib, jv_invalid_get_msg),
	MM_DL_SYM(jqlib, jv_invalid_has_msg),
	MM_DL_SYM(jqlib, jv_invalid_with_msg),
	MM_DL_SYM(jqlib, jv_number_value),
	MM_DL_SYM(jqlib, jv_parser_free),
	MM_DL_SYM(jqlib, jv_parser_new),
	MM_DL_SYM(jqlib, jv_parser_next),
	MM_DL_SYM(jqlib, jv_parser_set_buf),
	MM_DL_SYM(jqlib, jv_string),
	MM_DL_SYM(jqlib, jv_string_length_bytes),
	MM_DL_SYM(jqlib, jv_string_value),
	{NULL, NULL},
};

#define jq_compile (jqlib.jq_compile)
#define jq_get_exit_code (jqlib.jq_get_exit_code)
#define jq_halted (jqlib.jq_halted)
#define jq_init (jqlib.jq_init)
#define jq_next (jqlib.jq_next)
#define jq_set_error_cb (jqlib.jq_set_error_cb)
#define jq_set_input_cb (jqlib.jq_set_input_cb)
#define jq_start (jqlib.jq_start)
#define jq_teardown (jqlib.jq_teardown)
#define jv_array (jqlib.jv_array)
#define jv_array_append (jqlib.jv_array_append)
#define jv_array_get (jqlib.jv_array_get)
#define jv_array_length (jqlib.jv_array_length)
#define jv_copy (jqlib.jv_copy)
#define jv_dump_string (jqlib.jv_dump_string)
#define jv_free (jqlib.jv_free)
#define jv_get_kind (jqlib.jv_get_kind)
#define jv_invalid_get_msg (jqlib.jv_invalid_get_msg)
#define jv_invalid_has_msg (jqlib.jv_invalid_has_msg)
#define jv_invalid_with_msg (jqlib.jv_invalid_with_msg)
/* jv.h defines jv_is_valid as a static function calling libjq directly. */
#define jv_is_valid(x) (jv_get_kind(x) != JV_KIND_INVALID)
#define jv_number_value (jqlib.jv_number_value)
#define jv_parser_free (jqlib.jv_parser_free)
#define jv_parser_new (jqlib.jv_parser_new)
#define jv_parser_next (jqlib.jv_parser_next)
#define jv_parser_set_buf (jqlib.jv_parser_set_buf)
#define jv_string (jqlib.jv_string)
#define jv_string_length_bytes (jqlib.jv_string_length_bytes)
#define jv_string_value (jqlib.jv_string_value)

static enum mm_result
load_jq(struct mm_error *err)
{
	return mm_dl_load("libjq.so.1",
			  "--jq needs libjq (Debian package libjq1)",
			  jqlib_syms, err);
}

struct mm_jq {
	jq_state *jq;
	struct mm_buf msg; /* the first message jq reported */
};

/* ---- writing safely ---------------------------------------------------- */

/* Write to o->out, recording a failure (mm_out_failed). A failed flush
 * inside fwrite does not always make it return short (a line-buffered
 * stream), so the stream's error flag counts too. Writing stops once
 * output has failed or the reader went away. */
static bool
put(struct mm_out *o, const char *s, size_t n)
{
	if (o->out == NULL || mm_out_stopped(o))
		return false;
	if (n == 0)
		return true;
	errno = 0;
	if (fwrite(s, 1, n, o->out) != n || ferror(o->out))
		return mm_out_failed(o, errno);
	return true;
}

static bool
json_text_line(struct mm_out *o, const char *text, size_t len)
{
	struct mm_buf b = MM_BUF_INIT;
	bool ok = mm_out_json_safe(text, len, &b) && mm_buf_putc(&b, '\n') &&
		  put(o, b.data, b.len);

	mm_buf_release(&b);
	return ok;
}

bool
mm_cli_json_line(struct mm_out *o, const struct mm_json *doc)
{
	struct mm_buf raw = MM_BUF_INIT;
	bool ok = mm_json_print(doc, false, &raw) &&
		  json_text_line(o, raw.data, raw.len);

	mm_buf_release(&raw);
	return ok && mm_out_sync(o);
}

bool
mm_cli_write_raw(struct mm_out *o, const char *data, size_t len)
{
	struct mm_buf b = MM_BUF_INIT, text = MM_BUF_INIT;
	bool ok;

	if (!o->out_tty)
		return put(o, data, len) && mm_out_sync(o);
	/* A terminal: control characters escaped, lines kept. */
	ok = mm_buf_append(&text, data, len) && mm_buf_puts(&text, "") &&
	     mm_out_escape(mm_buf_str(&text), false, &b) &&
	     (b.len == 0 || b.data[b.len - 1] == '\n' ||
	      mm_buf_putc(&b, '\n')) &&
	     put(o, mm_buf_str(&b), b.len);
	mm_buf_release(&b);
	mm_buf_release(&text);
	return ok && mm_out_sync(o);
}

/* ---- compiling ---------------------------------------------------------- */

static void
on_jq_message(void *ud, jv msg)
{
	struct mm_jq *q = ud;

	if (q->msg.len == 0) {
		if (jv_get_kind(msg) == JV_KIND_STRING) {
			const char *s = jv_string_value(msg);
			const char *nl;

			if (strncmp(s, "jq: error: ", 11) == 0)
				s += 11;
			else if (strncmp(s, "jq: ", 4) == 0)
				s += 4;
			nl = strchr(s, '\n');
			if (!mm_buf_append(&q->msg, s,
					   nl ? (size_t)(nl - s) : strlen(s)) ||
			    !mm_buf_puts(&q->msg, ""))
				mm_buf_reset(&q->msg);
		} else {
			jv text = jv_dump_string(jv_copy(msg), 0);

			if (!mm_buf_puts(&q->msg, jv_string_value(text)))
				mm_buf_reset(&q->msg);
			jv_free(text);
		}
	}
	jv_free(msg);
}

/* The filter runs on each JSON value the command prints, one at a time:
 * there is no stream of further inputs for input and inputs to read. */
static jv
no_input(jq_state *jq, void *ud)
{
	(void)jq;
	(void)ud;
	return jv_invalid_with_msg(
		jv_string("input and inputs are not supported: the filter "
			  "runs on each JSON value on its own"));
}

enum mm_result
mm_jq_compile(const char *expr, struct mm_jq **out, struct mm_error *err)
{
	struct mm_jq *q;
	enum mm_result rc;

	*out = NULL;
	rc = load_jq(err);
	if (rc != MM_OK)
		return rc;
	q = calloc(1, sizeof(*q));
	if (q == NULL)
		return mm_error_oom(err);
	q->jq = jq_init();
	if (q->jq == NULL) {
		free(q);
		return mm_error_set(err, MM_ERR_OTHER,
				    "cannot initialise libjq");
	}
	jq_set_error_cb(q->jq, on_jq_message, q);
	jq_set_input_cb(q->jq, no_input, NULL);
	if (expr[0] == '\0' || !jq_compile(q->jq, expr)) {
		rc = mm_error_set(err, MM_ERR_USAGE, "--jq: %s",
				  q->msg.len ? mm_buf_str(&q->msg)
					     : "empty or invalid expression");

		mm_jq_free(q);
		return rc;
	}
	*out = q;
	return MM_OK;
}

void
mm_jq_free(struct mm_jq *q)
{
	if (q == NULL)
		return;
	if (q->jq != NULL)
		jq_teardown(&q->jq);
	mm_buf_release(&q->msg);
	free(q);
}

/* ---- filtering ---------------------------------------------------------- */

static bool
print_result(struct mm_out *o, jv r)
{
	bool ok;

	if (jv_get_kind(r) == JV_KIND_STRING) {
		struct mm_buf b = MM_BUF_INIT;
		const char *s = jv_string_value(r);
		size_t n = (size_t)jv_string_length_bytes(jv_copy(r));

		/* Strings raw, like gh; escaped on a terminal. */
		if (o->out_tty)
			ok = mm_out_escape(s, false, &b) &&
			     mm_buf_putc(&b, '\n') && put(o, b.data, b.len);
		else
			ok = put(o, s, n) && put(o, "\n", 1);
		mm_buf_release(&b);
	} else {
		jv text = jv_dump_string(jv_copy(r), 0);

		ok = json_text_line(
			o, jv_string_value(text),
			(size_t)jv_string_length_bytes(jv_copy(text)));
		jv_free(text);
	}
	jv_free(r);
	return ok;
}

/* Run the filter on one value (consumed). Output that fails stops it at
 * once (a filter may produce values for ever): MM_OK, as the dispatcher
 * reports a write error and a closed pipe is no error. */
static enum mm_result
filter_value(struct mm_jq *q, jv value, struct mm_out *o, struct mm_error *err)
{
	jv r;

	if (mm_out_stopped(o)) {
		jv_free(value);
		return MM_OK;
	}
	jq_start(q->jq, value, 0);
	while (jv_is_valid(r = jq_next(q->jq))) {
		if (!print_result(o, r))
			return mm_out_stopped(o) ? MM_OK : mm_error_oom(err);
	}
	if (o->out != NULL && !mm_out_sync(o) && mm_out_stopped(o)) {
		jv_free(r);
		return MM_OK;
	}
	if (jv_invalid_has_msg(jv_copy(r))) {
		jv msg = jv_invalid_get_msg(r);
		enum mm_result rc;

		if (jv_get_kind(msg) == JV_KIND_STRING) {
			rc = mm_error_set(err, MM_ERR_OTHER, "--jq: %s",
					  jv_string_value(msg));
		} else {
			jv text = jv_dump_string(jv_copy(msg), 0);

			rc = mm_error_set(err, MM_ERR_OTHER, "--jq: %s",
					  jv_string_value(text));
			jv_free(text);
		}
		jv_free(msg);
		return rc;
	}
	jv_free(r);
	if (jq_halted(q->jq)) {
		jv code = jq_get_exit_code(q->jq);
		bool failed = jv_get_kind(code) == JV_KIND_NUMBER &&
			      jv_number_value(code) != 0;

		jv_free(code);
		if (failed)
			return mm_error_set(err, MM_ERR_OTHER,
					    "--jq: halted with an error");
	}
	return MM_OK;
}

static enum mm_result
parse_error(jv v, struct mm_error *err)
{
	jv msg = jv_invalid_get_msg(v);
	enum mm_result rc = mm_error_set(
		err, MM_ERR_USAGE,
		"--jq needs JSON output, and this command printed something "
		"else (%s)",
		jv_get_kind(msg) == JV_KIND_STRING ? jv_string_value(msg)
						   : "not JSON");

	jv_free(msg);
	return rc;
}

enum mm_result
mm_jq_filter_text(struct mm_jq *q, const char *text, size_t len,
		  struct mm_out *o, struct mm_error *err)
{
	jv_parser *p = jv_parser_new(0);
	enum mm_result rc = MM_OK;
	jv v;

	if (p == NULL)
		return mm_error_oom(err);
	jv_parser_set_buf(p, text, (int)len, 0);
	while (rc == MM_OK && !mm_out_stopped(o)) {
		v = jv_parser_next(p);
		if (!jv_is_valid(v)) {
			if (jv_invalid_has_msg(jv_copy(v)))
				rc = parse_error(v, err);
			else
				jv_free(v);
			break;
		}
		rc = filter_value(q, v, o, err);
	}
	jv_parser_free(p);
	return rc;
}

bool
mm_json_collect(const char *text, size_t len, struct mm_buf *out)
{
	struct mm_error err;
	jv_parser *p;
	jv all, v, dumped;
	bool ok = true;
	int n;

	if (load_jq(&err) != MM_OK)
		return false;
	p = jv_parser_new(0);
	all = jv_array();
	if (p == NULL) {
		jv_free(all);
		return false;
	}
	jv_parser_set_buf(p, text, (int)len, 0);
	for (;;) {
		v = jv_parser_next(p);
		if (!jv_is_valid(v)) {
			if (jv_invalid_has_msg(jv_copy(v)))
				ok = false;
			jv_free(v);
			break;
		}
		all = jv_array_append(all, v);
	}
	jv_parser_free(p);
	if (!ok) {
		jv_free(all);
		return false;
	}
	n = jv_array_length(jv_copy(all));
	if (n == 0) {
		jv_free(all);
		return mm_buf_puts(out, "null");
	}
	if (n == 1)
		all = jv_array_get(all, 0);
	dumped = jv_dump_string(all, 0);
	ok = mm_buf_append(out, jv_string_value(dumped),
			   (size_t)jv_string_length_bytes(jv_copy(dumped))) &&
	     mm_buf_puts(out, "");
	jv_free(dumped);
	return ok;
}

/* ---- streaming ---------------------------------------------------------- */

struct mm_jq_stream {
	struct mm_jq *q;
	struct mm_out *o;
	jv_parser *p;
	FILE *capture;
	bool failed;
	struct mm_error err; /* the first failure */
};

static void
feed(struct mm_jq_stream *s, const char *data, size_t len, bool last)
{
	if (s->failed || mm_out_stopped(s->o))
		return;
	jv_parser_set_buf(s->p, data, (int)len, last ? 0 : 1);
	for (;;) {
		jv v = jv_parser_next(s->p);

		if (!jv_is_valid(v)) {
			if (jv_invalid_has_msg(jv_copy(v))) {
				parse_error(v, &s->err);
				s->failed = true;
			} else {
				jv_free(v);
			}
			return;
		}
		if (filter_value(s->q, v, s->o, &s->err) != MM_OK) {
			s->failed = true;
			return;
		}
		if (mm_out_stopped(s->o))
			return;
	}
}

static ssize_t
stream_write(void *cookie, const char *data, size_t len)
{
	struct mm_jq_stream *s = cookie;

	/* jv_parser takes at most INT_MAX bytes at a time. */
	for (size_t off = 0; off < len;) {
		size_t n = len - off > 1u << 30 ? 1u << 30 : len - off;

		feed(s, data + off, n, false);
		off += n;
	}
	/* Output failed: the command's own writes fail the same way, so it
	 * stops producing (quietly for a closed pipe). */
	if (s->o->closed) {
		errno = EPIPE;
		return -1;
	}
	if (s->o->write_failed) {
		errno = s->o->write_errno != 0 ? s->o->write_errno : EIO;
		return -1;
	}
	return (ssize_t)len;
}

static int
stream_close(void *cookie)
{
	(void)cookie;
	return 0;
}

enum mm_result
mm_jq_stream_begin(struct mm_jq *q, struct mm_out *o, struct mm_jq_stream **out,
		   FILE **capture, struct mm_error *err)
{
	cookie_io_functions_t io = {NULL, stream_write, NULL, stream_close};
	struct mm_jq_stream *s = calloc(1, sizeof(*s));

	*out = NULL;
	*capture = NULL;
	if (s == NULL)
		return mm_error_oom(err);
	s->q = q;
	s->o = o;
	mm_error_clear(&s->err);
	s->p = jv_parser_new(0);
	s->capture = s->p != NULL ? fopencookie(s, "w", io) : NULL;
	if (s->capture == NULL) {
		if (s->p != NULL)
			jv_parser_free(s->p);
		free(s);
		return mm_error_oom(err);
	}
	*out = s;
	*capture = s->capture;
	return MM_OK;
}

enum mm_result
mm_jq_stream_end(struct mm_jq_stream *s, struct mm_error *err)
{
	enum mm_result rc = MM_OK;

	if (s == NULL)
		return MM_OK;
	fclose(s->capture); /* flushes into the parser */
	feed(s, "", 0, true);
	jv_parser_free(s->p);
	if (s->failed) {
		*err = s->err;
		rc = err->kind;
	}
	free(s);
	return rc;
}
