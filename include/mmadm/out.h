/*
 * Output: table | json | yaml | plain. Every stream is the one in
 * struct mm_out; nothing here writes to stdout/stderr by name.
 */
#ifndef MMADM_OUT_H
#define MMADM_OUT_H

#include "buf.h"
#include "json.h"

#include <stdbool.h>
#include <stdio.h>

enum mm_format {
	MM_FMT_AUTO, /* table on a TTY, plain otherwise */
	MM_FMT_TABLE,
	MM_FMT_JSON,
	MM_FMT_YAML,
	MM_FMT_PLAIN,
};

/* Parse "table"/"json"/"yaml"/"plain"; false if unknown. */
bool mm_format_parse(const char *s, enum mm_format *out);
const char *mm_format_name(enum mm_format f);

struct mm_out {
	FILE *out;             /* data */
	FILE *err;             /* warnings, notes, trace */
	enum mm_format format; /* resolved: never MM_FMT_AUTO after init */
	bool out_tty;          /* stdout is a terminal */
	bool err_tty;
	bool color;  /* colour allowed on out (TTY, no NO_COLOR/--no-color) */
	bool quiet;  /* mute warnings and notes */
	bool pretty; /* JSON pretty-printed unless MMADM_JSON_COMPACT=1 */
	int width;   /* terminal columns, 0 if unknown */
	bool write_failed; /* a write to out failed (not EPIPE) */
	int write_errno;   /* why (0 = unknown), when write_failed */
	/* The reader went away (EPIPE, `| head`): output ends quietly,
	 * nothing more is written, and it is not an error. */
	bool closed;
	/* Non-zero (Ctrl-C, SIGTERM): writes to out stop and fail, and
	 * cancelled and write_failed are set; NULL = never. */
	volatile int *cancel;
	bool cancelled;
	/* streaming list state */
	int list_state;
	const struct mm_column *list_cols;
	size_t list_rows;
	void *table; /* pending table rows (opaque) */
	/* --columns: replaces the command's columns for table/plain */
	struct mm_column *columns;
	char *columns_buf;
	/* When set, table/plain rows go here instead of the stream: raw
	 * cells with their headers (NULL for a lone value). Fleet mode
	 * collects each server's rows to print one table. */
	bool (*row_sink)(void *ud, const char *const *heads,
			 const char *const *cells, size_t ncols);
	void *row_sink_ud;
};

/* A column: header text and dotted path into each row object. */
struct mm_column {
	const char *header;
	const char *path;
};
#define MM_COLUMN_END                                                          \
	{                                                                      \
		NULL, NULL                                                     \
	}

/* Resolve format (AUTO -> table/plain by out_tty), pretty, colour
 * (NO_COLOR env, no_color flag), width (COLUMNS or ioctl). */
void mm_out_init(struct mm_out *o, FILE *out, FILE *err, enum mm_format fmt,
		 bool no_color, bool quiet);
void mm_out_release(struct mm_out *o);

/* fflush(o->out), marked as output that may block (mm_output_busy). */
int mm_out_fflush(struct mm_out *o);
/* Record a failed write to out with its errno: EPIPE (the reader went
 * away) sets closed, anything else write_failed and write_errno. Returns
 * false, for `return mm_out_failed(o, errno);`. */
bool mm_out_failed(struct mm_out *o, int errnum);
/* Flush out and check the stream's error flag (writes made with stdio
 * directly fail at the flush): false, with the failure recorded as by
 * mm_out_failed, once output cannot go on. */
bool mm_out_sync(struct mm_out *o);
/* Output has stopped: a write failed or the reader went away. Callers
 * stop and leave the report (if any) to the dispatcher. */
static inline bool
mm_out_stopped(const struct mm_out *o)
{
	return o->write_failed || o->closed;
}
/* --columns a,b.c: dotted paths into each row; headers are the paths in
 * upper case. false (with o unchanged) for an empty or malformed list. */
bool mm_out_set_columns(struct mm_out *o, const char *spec);

/*
 * Render a server document.
 *  json/yaml: the document unmodified.
 *  table/plain with cols: an array -> one row per element; an object ->
 *  one row. Without cols: an object -> KEY VALUE rows of its leaves with
 *  dotted keys; an array of scalars -> one per line; a scalar -> its text.
 */
bool mm_out_doc(struct mm_out *o, const struct mm_json *doc,
		const struct mm_column *cols);

/* Streaming list: begin, one call per element, end. JSON output stays one
 * valid array; plain rows go out at once; table rows are aligned per
 * batch (flushed at end, or every mm_out_list_flush). */
bool mm_out_list_begin(struct mm_out *o, const struct mm_column *cols);
bool mm_out_list_row(struct mm_out *o, const struct mm_json *item);
bool mm_out_list_flush(struct mm_out *o);
bool mm_out_list_end(struct mm_out *o);
/* End a list whose source failed: with no row out yet, nothing is
 * written (no "[]", no table header), so a failure leaves stdout empty;
 * after some rows it closes the list as mm_out_list_end does, so the
 * partial JSON stays parseable. */
bool mm_out_list_fail(struct mm_out *o);

/* A bare line of data (e.g. an invite code), escaped for a terminal. */
bool mm_out_line(struct mm_out *o, const char *text);
/* A fixed-width table from strings (for client-side data like profiles
 * or a config diff). cells is rows*ncols, row-major. */
bool mm_out_rows(struct mm_out *o, const char *const *headers, size_t ncols,
		 const char *const *cells, size_t nrows);

/* stderr messages with fixed prefixes; warnings/notes obey quiet. */
void mm_warn(struct mm_out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void mm_note(struct mm_out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Make server-controlled text safe for a terminal: C0/C1 control
 * characters, DEL, invalid UTF-8 and the invisible characters that can
 * disguise text (bidi overrides, zero-width space, U+2028...) become
 * \xNN / \u{NNNN} escapes;
 * tabs and newlines are escaped too when one_line is set. Appends.
 */
bool mm_out_escape(const char *s, bool one_line, struct mm_buf *out);
/* JSON text s[0..len) made safe for a terminal, appended to out: every
 * byte >= 0x80 is inside a string, so C1 controls and the invisible
 * characters become \uXXXX (the same value), invalid UTF-8 \ufffd. */
bool mm_out_json_safe(const char *s, size_t len, struct mm_buf *out);
/* Whether s holds one of the invisible characters mm_out_escape shows. */
bool mm_out_has_invisible(const char *s);
/* Display width of a UTF-8 string (wide CJK = 2, combining = 0). */
size_t mm_out_width(const char *s);

#endif
