/*
 * Output: table | json | yaml | plain. Everything goes to the streams in
 * struct mm_out; server text is escaped before it reaches a terminal.
 */
#include "mmadm/out.h"

#include "mmadm/yaml.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

enum {
	LIST_IDLE = 0,
	LIST_OPEN = 1,
};

#define BOLD "\033[1m"
#define RESET "\033[0m"
#define ELLIPSIS "\xe2\x80\xa6" /* U+2026, one column */

/* Pending table rows: escaped strings, row-major. */
struct table {
	size_t ncols;
	struct mm_strv head; /* escaped, upper-cased */
	struct mm_strv cells;
	bool header_done;
};

/* ---- formats ---------------------------------------------------------- */

static const char *const format_names[] = {
	[MM_FMT_AUTO] = "auto",   [MM_FMT_TABLE] = "table",
	[MM_FMT_JSON] = "json",   [MM_FMT_YAML] = "yaml",
	[MM_FMT_PLAIN] = "plain",
};

bool
mm_format_parse(const char *s, enum mm_format *out)
{
	if (s == NULL)
		return false;
	for (int f = MM_FMT_TABLE; f <= MM_FMT_PLAIN; f++) {
		if (strcmp(s, format_names[f]) == 0) {
			*out = (enum mm_format)f;
			return true;
		}
	}
	return false;
}

const char *
mm_format_name(enum mm_format f)
{
	if ((int)f < 0 ||
	    (size_t)f >= sizeof(format_names) / sizeof(format_names[0]))
		return "unknown";
	return format_names[f];
}

/* ---- UTF-8 ------------------------------------------------------------ */

/* The sequence at s in a NUL-terminated string (the NUL ends a truncated
 * one); 0 if it is not valid UTF-8. */
static size_t
utf8_decode(const unsigned char *s, uint32_t *cp)
{
	return mm_utf8_decode(s, SIZE_MAX, cp);
}

struct range {
	uint32_t lo, hi;
};

static const struct range zero_width[] = {
	{0x0300, 0x036f},   {0x0483, 0x0489},   {0x0591, 0x05bd},
	{0x05bf, 0x05bf},   {0x05c1, 0x05c2},   {0x05c4, 0x05c5},
	{0x05c7, 0x05c7},   {0x0610, 0x061a},   {0x061c, 0x061c},
	{0x064b, 0x065f},   {0x0670, 0x0670},   {0x06d6, 0x06dc},
	{0x06df, 0x06e4},   {0x06e7, 0x06e8},   {0x06ea, 0x06ed},
	{0x0711, 0x0711},   {0x0730, 0x074a},   {0x07a6, 0x07b0},
	{0x07eb, 0x07f3},   {0x0816, 0x082d},   {0x0859, 0x085b},
	{0x08d3, 0x08e1},   {0x08e3, 0x0902},   {0x093a, 0x093a},
	{0x093c, 0x093c},   {0x0941, 0x0948},   {0x094d, 0x094d},
	{0x0951, 0x0957},   {0x0962, 0x0963},   {0x0981, 0x0981},
	{0x09bc, 0x09bc},   {0x09c1, 0x09c4},   {0x09cd, 0x09cd},
	{0x09e2, 0x09e3},   {0x0a01, 0x0a02},   {0x0a3c, 0x0a3c},
	{0x0a41, 0x0a51},   {0x0a70, 0x0a71},   {0x0a75, 0x0a75},
	{0x0a81, 0x0a82},   {0x0abc, 0x0abc},   {0x0ac1, 0x0ac8},
	{0x0acd, 0x0acd},   {0x0ae2, 0x0ae3},   {0x0b01, 0x0b01},
	{0x0b3c, 0x0b3c},   {0x0b3f, 0x0b3f},   {0x0b41, 0x0b44},
	{0x0b4d, 0x0b4d},   {0x0b56, 0x0b56},   {0x0b62, 0x0b63},
	{0x0b82, 0x0b82},   {0x0bc0, 0x0bc0},   {0x0bcd, 0x0bcd},
	{0x0c00, 0x0c00},   {0x0c3e, 0x0c40},   {0x0c46, 0x0c56},
	{0x0c62, 0x0c63},   {0x0cbc, 0x0cbc},   {0x0ccc, 0x0ccd},
	{0x0ce2, 0x0ce3},   {0x0d41, 0x0d44},   {0x0d4d, 0x0d4d},
	{0x0d62, 0x0d63},   {0x0dca, 0x0dca},   {0x0dd2, 0x0dd6},
	{0x0e31, 0x0e31},   {0x0e34, 0x0e3a},   {0x0e47, 0x0e4e},
	{0x0eb1, 0x0eb1},   {0x0eb4, 0x0ebc},   {0x0ec8, 0x0ecd},
	{0x0f18, 0x0f19},   {0x0f35, 0x0f35},   {0x0f37, 0x0f37},
	{0x0f39, 0x0f39},   {0x0f71, 0x0f7e},   {0x0f80, 0x0f84},
	{0x0f86, 0x0f87},   {0x0f8d, 0x0fbc},   {0x0fc6, 0x0fc6},
	{0x102d, 0x1030},   {0x1032, 0x1037},   {0x1039, 0x103a},
	{0x103d, 0x103e},   {0x1058, 0x1059},   {0x105e, 0x1060},
	{0x1071, 0x1074},   {0x1082, 0x1082},   {0x1085, 0x1086},
	{0x108d, 0x108d},   {0x109d, 0x109d},   {0x1160, 0x11ff},
	{0x135d, 0x135f},   {0x1712, 0x1714},   {0x1732, 0x1734},
	{0x1752, 0x1753},   {0x1772, 0x1773},   {0x17b4, 0x17b5},
	{0x17b7, 0x17bd},   {0x17c6, 0x17c6},   {0x17c9, 0x17d3},
	{0x17dd, 0x17dd},   {0x180b, 0x180e},   {0x18a9, 0x18a9},
	{0x1920, 0x1922},   {0x1927, 0x1928},   {0x1932, 0x1932},
	{0x1939, 0x193b},   {0x1a17, 0x1a18},   {0x1a1b, 0x1a1b},
	{0x1ab0, 0x1aff},   {0x1b00, 0x1b03},   {0x1b34, 0x1b34},
	{0x1b36, 0x1b3a},   {0x1b3c, 0x1b3c},   {0x1b42, 0x1b42},
	{0x1b6b, 0x1b73},   {0x1dc0, 0x1dff},   {0x200b, 0x200f},
	{0x202a, 0x202e},   {0x2060, 0x2064},   {0x2066, 0x206f},
	{0x20d0, 0x20f0},   {0x2cef, 0x2cf1},   {0x2d7f, 0x2d7f},
	{0x2de0, 0x2dff},   {0x302a, 0x302d},   {0x3099, 0x309a},
	{0xa66f, 0xa672},   {0xa674, 0xa67d},   {0xa69e, 0xa69f},
	{0xa6f0, 0xa6f1},   {0xa802, 0xa802},   {0xa806, 0xa806},
	{0xa80b, 0xa80b},   {0xa825, 0xa826},   {0xa8c4, 0xa8c5},
	{0xa8e0, 0xa8f1},   {0xa926, 0xa92d},   {0xa947, 0xa951},
	{0xa980, 0xa982},   {0xa9b3, 0xa9b3},   {0xa9b6, 0xa9b9},
	{0xa9bc, 0xa9bd},   {0xaa29, 0xaa2e},   {0xaa31, 0xaa32},
	{0xaa35, 0xaa36},   {0xaa43, 0xaa43},   {0xaa4c, 0xaa4c},
	{0xaab0, 0xaab0},   {0xaab2, 0xaab4},   {0xaab7, 0xaab8},
	{0xaabe, 0xaabf},   {0xaac1, 0xaac1},   {0xabe5, 0xabe5},
	{0xabe8, 0xabe8},   {0xabed, 0xabed},   {0xfb1e, 0xfb1e},
	{0xfe00, 0xfe0f},   {0xfe20, 0xfe2f},   {0xfeff, 0xfeff},
	{0xfff9, 0xfffb},   {0x101fd, 0x101fd}, {0x10a01, 0x10a0f},
	{0x10a38, 0x10a3f}, {0x1d167, 0x1d169}, {0x1d173, 0x1d182},
	{0x1d185, 0x1d18b}, {0x1d1aa, 0x1d1ad}, {0x1f3fb, 0x1f3ff},
	{0xe0001, 0xe007f}, {0xe0100, 0xe01ef},
};

static const struct range wide[] = {
	{0x1100, 0x115f},   {0x231a, 0x231b},   {0x2329, 0x232a},
	{0x23e9, 0x23ec},   {0x23f0, 0x23f0},   {0x23f3, 0x23f3},
	{0x25fd, 0x25fe},   {0x2614, 0x2615},   {0x2648, 0x2653},
	{0x267f, 0x267f},   {0x2693, 0x2693},   {0x26a1, 0x26a1},
	{0x26aa, 0x26ab},   {0x26bd, 0x26be},   {0x26c4, 0x26c5},
	{0x26ce, 0x26ce},   {0x26d4, 0x26d4},   {0x26ea, 0x26ea},
	{0x26f2, 0x26f3},   {0x26f5, 0x26f5},   {0x26fa, 0x26fa},
	{0x26fd, 0x26fd},   {0x2705, 0x2705},   {0x270a, 0x270b},
	{0x2728, 0x2728},   {0x274c, 0x274c},   {0x274e, 0x274e},
	{0x2753, 0x2755},   {0x2757, 0x2757},   {0x2795, 0x2797},
	{0x27b0, 0x27b0},   {0x27bf, 0x27bf},   {0x2b1b, 0x2b1c},
	{0x2b50, 0x2b50},   {0x2b55, 0x2b55},   {0x2e80, 0x3029},
	{0x302e, 0x303e},   {0x3041, 0x3098},   {0x309b, 0x33ff},
	{0x3400, 0x4dbf},   {0x4e00, 0x9fff},   {0xa000, 0xa4cf},
	{0xa960, 0xa97f},   {0xac00, 0xd7a3},   {0xf900, 0xfaff},
	{0xfe10, 0xfe19},   {0xfe30, 0xfe6f},   {0xff00, 0xff60},
	{0xffe0, 0xffe6},   {0x16fe0, 0x16fe4}, {0x17000, 0x18cff},
	{0x1b000, 0x1b2ff}, {0x1f004, 0x1f004}, {0x1f0cf, 0x1f0cf},
	{0x1f18e, 0x1f18e}, {0x1f191, 0x1f19a}, {0x1f200, 0x1f2ff},
	{0x1f300, 0x1f320}, {0x1f32d, 0x1f335}, {0x1f337, 0x1f37c},
	{0x1f37e, 0x1f393}, {0x1f3a0, 0x1f3ca}, {0x1f3cf, 0x1f3d3},
	{0x1f3e0, 0x1f3f0}, {0x1f3f4, 0x1f3f4}, {0x1f3f8, 0x1f3fa},
	{0x1f400, 0x1f43e}, {0x1f440, 0x1f440}, {0x1f442, 0x1f4fc},
	{0x1f4ff, 0x1f53d}, {0x1f54b, 0x1f54e}, {0x1f550, 0x1f567},
	{0x1f57a, 0x1f57a}, {0x1f595, 0x1f596}, {0x1f5a4, 0x1f5a4},
	{0x1f5fb, 0x1f64f}, {0x1f680, 0x1f6c5}, {0x1f6cc, 0x1f6cc},
	{0x1f6d0, 0x1f6d2}, {0x1f6d5, 0x1f6d7}, {0x1f6eb, 0x1f6ec},
	{0x1f6f4, 0x1f6fc}, {0x1f7e0, 0x1f7eb}, {0x1f90c, 0x1f93a},
	{0x1f93c, 0x1f945}, {0x1f947, 0x1f9ff}, {0x1fa70, 0x1faff},
	{0x20000, 0x2fffd}, {0x30000, 0x3fffd},
};

static bool
in_ranges(uint32_t cp, const struct range *r, size_t n)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cp < r[mid].lo)
			hi = mid;
		else if (cp > r[mid].hi)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

static size_t
cp_width(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
		return 0;
	if (cp < 0x300)
		return 1;
	if (in_ranges(cp, zero_width, sizeof(zero_width) / sizeof(*zero_width)))
		return 0;
	if (in_ranges(cp, wide, sizeof(wide) / sizeof(*wide)))
		return 2;
	return 1;
}

size_t
mm_out_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0;

	if (s == NULL)
		return 0;
	while (*p != '\0') {
		uint32_t cp;
		size_t n = utf8_decode(p, &cp);

		if (n == 0) { /* shown as one replacement character */
			w++;
			p++;
			continue;
		}
		w += cp_width(cp);
		p += n;
	}
	return w;
}

/*
 * Characters that change how the text around them looks without showing
 * themselves: bidi embeddings, overrides and isolates (which can reorder
 * a line on screen), invisible separators and marks, line and paragraph
 * separators. Shown escaped, so two names that look alike can be told
 * apart. ZWJ and ZWNJ (U+200D, U+200C) are left alone: emoji sequences
 * and several scripts need them.
 */
static bool
invisible(uint32_t cp)
{
	return cp == 0x061c || cp == 0x200b || cp == 0x200e || cp == 0x200f ||
	       (cp >= 0x2028 && cp <= 0x202e) || cp == 0x2060 ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff;
}

bool
mm_out_has_invisible(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (s == NULL)
		return false;
	for (; *p != '\0'; p++) {
		uint32_t cp;

		/* Every one of them starts with one of these bytes. */
		if ((*p == 0xd8 || *p == 0xe2 || *p == 0xef) &&
		    utf8_decode(p, &cp) > 1 && invisible(cp))
			return true;
	}
	return false;
}

bool
mm_out_escape(const char *s, bool one_line, struct mm_buf *out)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *run;

	if (!mm_buf_puts(out, ""))
		return false;
	if (s == NULL)
		return true;
	run = p;
	while (*p != '\0') {
		uint32_t cp = 0;
		size_t n;
		char esc[16];

		if (*p >= 0x20 && *p < 0x7f) {
			p++;
			continue;
		}
		if ((*p == '\n' || *p == '\t') && !one_line) {
			p++;
			continue;
		}
		n = *p < 0x80 ? 1 : utf8_decode(p, &cp);
		if (n > 1 && cp >= 0xa0 && !invisible(cp)) {
			p += n;
			continue;
		}
		/* Something to escape: flush the run before it. */
		if (!mm_buf_append(out, run, (size_t)(p - run)))
			return false;
		if (*p == '\n')
			strcpy(esc, "\\n");
		else if (*p == '\t')
			strcpy(esc, "\\t");
		else if (*p == '\r')
			strcpy(esc, "\\r");
		else if (n > 1)
			snprintf(esc, sizeof(esc), "\\u{%x}", (unsigned)cp);
		else
			snprintf(esc, sizeof(esc), "\\x%02x", (unsigned)*p);
		if (!mm_buf_puts(out, esc))
			return false;
		p += n > 1 ? n : 1;
		run = p;
	}
	return mm_buf_append(out, run, (size_t)(p - run));
}

/*
 * JSON text as printed may carry C1 controls (U+0080..U+009F, which some
 * terminals obey) and invalid UTF-8 inside strings. All JSON syntax is
 * ASCII, so any byte >= 0x80 is inside a string: C1 and the invisible
 * bidi and separator characters become \uXXXX (the same value) and invalid
 * bytes \ufffd (JSON must be UTF-8 anyway).
 */
static bool
json_safe_each(const char *s, size_t len,
	       bool (*put)(void *ud, const char *s, size_t n), void *ud)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + len, *run = p;

	while (p < end) {
		uint32_t cp = 0;
		size_t n;
		char esc[8];

		if (*p < 0x80) {
			p++;
			continue;
		}
		n = mm_utf8_decode(p, (size_t)(end - p), &cp);
		if (n > 0 && cp >= 0xa0 && !invisible(cp)) {
			p += n;
			continue;
		}
		if (p > run && !put(ud, (const char *)run, (size_t)(p - run)))
			return false;
		if (n > 0)
			snprintf(esc, sizeof(esc), "\\u%04x", (unsigned)cp);
		else
			strcpy(esc, "\\ufffd");
		if (!put(ud, esc, strlen(esc)))
			return false;
		p += n > 0 ? n : 1;
		run = p;
	}
	return p == run || put(ud, (const char *)run, (size_t)(p - run));
}

static bool
put_buf(void *ud, const char *s, size_t n)
{
	return mm_buf_append(ud, s, n);
}

bool
mm_out_json_safe(const char *s, size_t len, struct mm_buf *out)
{
	return mm_buf_puts(out, "") && json_safe_each(s, len, put_buf, out);
}

/* ---- writing ---------------------------------------------------------- */

int
mm_out_fflush(struct mm_out *o)
{
	int r;

	mm_output_busy_set(true);
	r = fflush(o->out);
	mm_output_busy_set(false);
	return r;
}

/* A signal asked the command to stop: say so (once the flag is seen). */
static bool
out_cancelled(struct mm_out *o)
{
	/* As for a failed write, callers stop and leave the report to the
	 * dispatcher, which names it a cancel. */
	if (o->cancel != NULL && *o->cancel && !mm_signal_ends_stream())
		o->cancelled = o->write_failed = true;
	return o->cancelled;
}

/* A write failed: a closed pipe ends output quietly, an interrupted
 * write (a signal) is a cancel, anything else an error. */
static bool
out_failed(struct mm_out *o)
{
	if (!out_cancelled(o))
		mm_out_failed(o, errno);
	return false;
}

bool
mm_out_failed(struct mm_out *o, int errnum)
{
	if (errnum == EPIPE) {
		o->closed = true;
	} else if (!o->write_failed) {
		o->write_failed = true;
		o->write_errno = errnum;
	}
	return false;
}

static bool
out_write(struct mm_out *o, const char *s, size_t n)
{
	if (n == 0)
		return true;
	if (o->out == NULL || out_cancelled(o) || o->closed)
		return false;
	errno = 0;
	mm_output_busy_set(true);
	if (fwrite(s, 1, n, o->out) != n) {
		mm_output_busy_set(false);
		return out_failed(o);
	}
	mm_output_busy_set(false);
	return true;
}

static bool
out_puts(struct mm_out *o, const char *s)
{
	return out_write(o, s, strlen(s));
}

static bool
out_buf(struct mm_out *o, const struct mm_buf *b)
{
	return out_write(o, mm_buf_str(b), b->len);
}

static bool
out_flush(struct mm_out *o)
{
	if (o->out == NULL || out_cancelled(o) || o->closed)
		return false;
	errno = 0;
	if (mm_out_fflush(o) != 0)
		return out_failed(o);
	return true;
}

bool
mm_out_sync(struct mm_out *o)
{
	if (o->out == NULL || out_cancelled(o) || mm_out_stopped(o))
		return false;
	errno = 0;
	if (mm_out_fflush(o) != 0 || ferror(o->out))
		return out_failed(o);
	return true;
}

/* ---- init ------------------------------------------------------------- */

static bool
env_is(const char *name, const char *value)
{
	const char *v = getenv(name);

	return v != NULL && strcmp(v, value) == 0;
}

static int
terminal_width(FILE *f)
{
	const char *cols = getenv("COLUMNS");
	struct winsize ws;

	if (cols != NULL && *cols != '\0') {
		char *end;
		long n;

		errno = 0;
		n = strtol(cols, &end, 10);
		if (errno == 0 && *end == '\0' && n > 0 && n <= 100000)
			return (int)n;
	}
	if (f != NULL && fileno(f) >= 0 && isatty(fileno(f)) &&
	    ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 0;
}

void
mm_out_init(struct mm_out *o, FILE *out, FILE *err, enum mm_format fmt,
	    bool no_color, bool quiet)
{
	bool forced = env_is("MMADM_FORCE_TTY", "1");
	const char *nc = getenv("NO_COLOR");

	memset(o, 0, sizeof(*o));
	o->out = out;
	o->err = err;
	o->out_tty = forced ||
		     (out != NULL && fileno(out) >= 0 && isatty(fileno(out)));
	o->err_tty = forced ||
		     (err != NULL && fileno(err) >= 0 && isatty(fileno(err)));
	if (fmt == MM_FMT_AUTO || (int)fmt < 0 || fmt > MM_FMT_PLAIN)
		fmt = o->out_tty ? MM_FMT_TABLE : MM_FMT_PLAIN;
	o->format = fmt;
	o->color = o->out_tty && !no_color && (nc == NULL || *nc == '\0');
	o->quiet = quiet;
	o->pretty = !env_is("MMADM_JSON_COMPACT", "1");
	o->width = terminal_width(out);
	o->list_state = LIST_IDLE;
}

static void
table_free(struct table *t)
{
	if (t == NULL)
		return;
	mm_strv_release(&t->head);
	mm_strv_release(&t->cells);
	free(t);
}

void
mm_out_release(struct mm_out *o)
{
	if (o == NULL)
		return;
	table_free(o->table);
	o->table = NULL;
	o->list_state = LIST_IDLE;
	o->list_cols = NULL;
	o->list_rows = 0;
	free(o->columns);
	free(o->columns_buf);
	o->columns = NULL;
	o->columns_buf = NULL;
}

/* ---- tables ----------------------------------------------------------- */

static struct table *
table_new(const char *const *headers, size_t ncols)
{
	struct table *t = calloc(1, sizeof(*t));
	struct mm_buf b = MM_BUF_INIT;

	if (t == NULL)
		return NULL;
	t->ncols = ncols;
	for (size_t c = 0; c < ncols; c++) {
		mm_buf_reset(&b);
		if (!mm_out_escape(headers[c], true, &b))
			goto fail;
		for (size_t i = 0; i < b.len; i++)
			if (b.data[i] >= 'a' && b.data[i] <= 'z')
				b.data[i] = (char)(b.data[i] - 'a' + 'A');
		if (!mm_strv_push(&t->head, mm_buf_str(&b)))
			goto fail;
	}
	mm_buf_release(&b);
	return t;
fail:
	mm_buf_release(&b);
	table_free(t);
	return NULL;
}

/* Append one row of raw cells (NULL = empty), escaped. */
static bool
table_add(struct table *t, const char *const *cells)
{
	struct mm_buf b = MM_BUF_INIT;
	bool ok = true;

	for (size_t c = 0; c < t->ncols && ok; c++) {
		mm_buf_reset(&b);
		ok = mm_out_escape(cells[c], true, &b) &&
		     mm_strv_push(&t->cells, mm_buf_str(&b));
	}
	mm_buf_release(&b);
	return ok;
}

/* Append s cut to display width w (with an ellipsis if cut); returns the
 * width appended through *used. */
static bool
put_cell(struct mm_buf *line, const char *s, size_t w, size_t *used)
{
	size_t sw = mm_out_width(s), acc = 0;
	const unsigned char *p = (const unsigned char *)s;

	if (sw <= w) {
		*used = sw;
		return mm_buf_puts(line, s);
	}
	while (*p != '\0' && w > 0) {
		uint32_t cp = 0;
		size_t n = utf8_decode(p, &cp);
		size_t cw = n == 0 ? 1 : cp_width(cp);

		if (n == 0)
			n = 1;
		if (acc + cw > w - 1)
			break;
		if (!mm_buf_append(line, p, n))
			return false;
		acc += cw;
		p += n;
	}
	if (w > 0) {
		if (!mm_buf_puts(line, ELLIPSIS))
			return false;
		acc++;
	}
	*used = acc;
	return true;
}

static bool
put_spaces(struct mm_buf *line, size_t n)
{
	for (; n > 0; n--)
		if (!mm_buf_putc(line, ' '))
			return false;
	return true;
}

/* One line: cells separated by two spaces, padded to w, no trailing
 * spaces (padding is only written before something visible). */
static bool
table_line(struct mm_buf *line, char *const *cells, const size_t *w,
	   size_t ncols, bool bold)
{
	size_t pending = 0;

	for (size_t c = 0; c < ncols; c++) {
		size_t used = 0;

		if (cells[c][0] != '\0') {
			if (!put_spaces(line, pending) ||
			    (bold && !mm_buf_puts(line, BOLD)) ||
			    !put_cell(line, cells[c], w[c], &used) ||
			    (bold && !mm_buf_puts(line, RESET)))
				return false;
			pending = 0;
		}
		if (c + 1 < ncols)
			pending += w[c] - used + 2;
	}
	return mm_buf_putc(line, '\n');
}

/* Shrink the widest columns until the table fits in width columns; a
 * column never gets narrower than its header (or 3). */
static void
table_fit(size_t *w, const size_t *minw, size_t ncols, size_t width)
{
	size_t total = 2 * (ncols - 1);

	for (size_t c = 0; c < ncols; c++)
		total += w[c];
	while (total > width) {
		size_t big = ncols, next = 0, cut;

		for (size_t c = 0; c < ncols; c++) {
			if (w[c] <= minw[c])
				continue;
			if (big == ncols || w[c] > w[big]) {
				if (big != ncols && w[big] > next)
					next = w[big];
				big = c;
			} else if (w[c] > next) {
				next = w[c];
			}
		}
		if (big == ncols)
			break;
		if (next < minw[big])
			next = minw[big];
		cut = w[big] - next;
		if (cut == 0)
			cut = 1;
		if (cut > total - width)
			cut = total - width;
		w[big] -= cut;
		total -= cut;
	}
}

/* Print the pending rows (and the header, once) aligned together. */
static bool
table_render(struct mm_out *o, struct table *t)
{
	size_t ncols = t->ncols, nrows = ncols ? t->cells.n / ncols : 0;
	size_t *w = NULL, *minw = NULL;
	struct mm_buf text = MM_BUF_INIT;
	bool ok = false;

	if (ncols == 0 || (nrows == 0 && t->header_done))
		return true;
	w = calloc(ncols, sizeof(*w));
	minw = calloc(ncols, sizeof(*minw));
	if (w == NULL || minw == NULL)
		goto out;
	for (size_t c = 0; c < ncols; c++) {
		size_t hw = mm_out_width(t->head.v[c]);

		w[c] = hw;
		minw[c] = hw > 3 ? hw : 3;
		for (size_t r = 0; r < nrows; r++) {
			size_t cw = mm_out_width(t->cells.v[r * ncols + c]);

			if (cw > w[c])
				w[c] = cw;
		}
		if (minw[c] > w[c])
			minw[c] = w[c];
	}
	if (o->width > 0)
		table_fit(w, minw, ncols, (size_t)o->width);
	if (!t->header_done &&
	    !table_line(&text, t->head.v, w, ncols, o->color))
		goto out;
	/* Written in pieces of about 64 KiB, not as one text. */
	for (size_t r = 0; r < nrows; r++) {
		if (!table_line(&text, t->cells.v + r * ncols, w, ncols, false))
			goto out;
		if (text.len >= 65536) {
			if (!out_buf(o, &text))
				goto out;
			mm_buf_reset(&text);
		}
	}
	t->header_done = true;
	mm_strv_release(&t->cells);
	ok = out_buf(o, &text);
out:
	free(w);
	free(minw);
	mm_buf_release(&text);
	return ok;
}

/* ---- rows ------------------------------------------------------------- */

/* A tab-separated line, each cell escaped onto one line. */
static bool
plain_row(struct mm_out *o, const char *const *cells, size_t ncols)
{
	struct mm_buf line = MM_BUF_INIT;
	bool ok = true;

	for (size_t c = 0; c < ncols && ok; c++)
		ok = (c == 0 || mm_buf_putc(&line, '\t')) &&
		     mm_out_escape(cells[c], true, &line);
	ok = ok && mm_buf_putc(&line, '\n') && out_buf(o, &line);
	mm_buf_release(&line);
	return ok;
}

static size_t
count_cols(const struct mm_column *cols)
{
	size_t n = 0;

	while (cols != NULL && cols[n].header != NULL)
		n++;
	return n;
}

/* The row sink (fleet mode): raw cells under the columns' headers. */
static bool
sink_cols(struct mm_out *o, const struct mm_column *cols, size_t ncols,
	  const struct mm_strv *sv)
{
	const char **heads = calloc(ncols, sizeof(*heads));
	bool ok;

	if (heads == NULL)
		return false;
	for (size_t c = 0; c < ncols; c++)
		heads[c] = cols[c].header;
	ok = o->row_sink(o->row_sink_ud, heads, (const char *const *)sv->v,
			 ncols);
	free(heads);
	return ok;
}

/* Raw text of each column of item: missing or null -> "". */
static bool
item_cells(const struct mm_json *item, const struct mm_column *cols,
	   size_t ncols, struct mm_strv *sv)
{
	struct mm_buf b = MM_BUF_INIT;
	bool ok = true;

	mm_strv_release(sv);
	for (size_t c = 0; c < ncols && ok; c++) {
		const struct mm_json *v =
			mm_json_path(item, cols[c].path ? cols[c].path : "");
		enum mm_json_type t = mm_json_type(v);

		mm_buf_reset(&b);
		ok = mm_buf_puts(&b, "") &&
		     (t == MM_JSON_INVALID || t == MM_JSON_NULL ||
		      mm_json_scalar_text(v, &b)) &&
		     mm_strv_push(sv, mm_buf_str(&b));
	}
	mm_buf_release(&b);
	return ok;
}

/* One line for a value shown on its own: scalar text, one line. */
static bool
value_line(struct mm_out *o, const struct mm_json *v)
{
	struct mm_buf raw = MM_BUF_INIT, line = MM_BUF_INIT;
	bool ok = mm_json_scalar_text(v, &raw) && mm_buf_puts(&raw, "");
	const char *cell = mm_buf_str(&raw);

	if (ok && o->row_sink != NULL)
		ok = o->row_sink(o->row_sink_ud, NULL, &cell, 1);
	else
		ok = ok && mm_out_escape(cell, true, &line) &&
		     mm_buf_putc(&line, '\n') && out_buf(o, &line);
	mm_buf_release(&raw);
	mm_buf_release(&line);
	return ok;
}

/* Add one element to a table or print it as a plain row. */
static bool
emit_item(struct mm_out *o, struct table *t, const struct mm_json *item,
	  const struct mm_column *cols, size_t ncols)
{
	struct mm_strv sv = MM_STRV_INIT;
	bool ok;

	if (ncols == 0)
		return value_line(o, item);
	ok = item_cells(item, cols, ncols, &sv);
	if (ok && o->row_sink != NULL)
		ok = sink_cols(o, cols, ncols, &sv);
	else if (ok && o->format == MM_FMT_TABLE)
		ok = table_add(t, (const char *const *)sv.v);
	else if (ok)
		ok = plain_row(o, (const char *const *)sv.v, ncols);
	mm_strv_release(&sv);
	return ok;
}

/* ---- JSON and YAML documents ------------------------------------------ */

static bool
json_text(const struct mm_out *o, const struct mm_json *j, struct mm_buf *out)
{
	struct mm_buf raw = MM_BUF_INIT;
	bool ok = mm_json_print(j, o->pretty, &raw) &&
		  mm_out_json_safe(mm_buf_str(&raw), raw.len, out);

	mm_buf_release(&raw);
	return ok;
}

static bool
put_out(void *ud, const char *s, size_t n)
{
	return out_write(ud, s, n);
}

/* A piece of printed JSON: made terminal-safe straight into the stream. */
static bool
json_piece(void *ud, struct mm_buf *text)
{
	bool ok = json_safe_each(mm_buf_str(text), text->len, put_out, ud);

	mm_buf_reset(text);
	return ok;
}

/* Printed and written in pieces of about 64 KB: a big document is never
 * held as text, only as its tree. */
#define JSON_PIECE ((size_t)64 << 10)

static bool
write_json(struct mm_out *o, const struct mm_json *j)
{
	struct mm_buf text = MM_BUF_INIT;
	bool ok = mm_json_print_chunked(j, o->pretty, &text, JSON_PIECE,
					json_piece, o) &&
		  mm_buf_putc(&text, '\n') && json_piece(o, &text);

	mm_buf_release(&text);
	return ok;
}

static bool
write_yaml(struct mm_out *o, const struct mm_json *j)
{
	struct mm_buf text = MM_BUF_INIT;
	bool ok = mm_yaml_emit(j, &text) && out_buf(o, &text);

	mm_buf_release(&text);
	return ok;
}

/* Print text with every line but the first indented by ind (empty lines
 * stay empty); the first line gets first. */
static bool
indented(struct mm_buf *out, const char *first, const char *ind,
	 const char *text)
{
	const char *p = text;

	if (!mm_buf_puts(out, first))
		return false;
	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		size_t n = nl != NULL ? (size_t)(nl - p) + 1 : strlen(p);

		if (p != text && *p != '\n' && !mm_buf_puts(out, ind))
			return false;
		if (!mm_buf_append(out, p, n))
			return false;
		p += n;
	}
	return true;
}

/* ---- documents -------------------------------------------------------- */

/* Call leaf(ud, "A.B.C", value text) for every scalar (or empty
 * container) of j, in document order; nothing is stored. */
typedef bool (*leaf_fn)(void *ud, const char *key, const char *value);

static bool
walk_leaves(const struct mm_json *j, struct mm_buf *key, struct mm_buf *val,
	    leaf_fn leaf, void *ud)
{
	bool ok = true;

	for (const struct mm_json *m = mm_json_first(j); m != NULL && ok;
	     m = mm_json_next(m)) {
		size_t keep = key->len;
		const char *k = mm_json_key(m);

		ok = (keep == 0 || mm_buf_putc(key, '.')) &&
		     mm_buf_puts(key, k != NULL ? k : "");
		if (ok && mm_json_type(m) == MM_JSON_OBJECT &&
		    mm_json_first(m) != NULL) {
			ok = walk_leaves(m, key, val, leaf, ud);
		} else if (ok) {
			mm_buf_reset(val);
			ok = mm_buf_puts(val, "") &&
			     mm_json_scalar_text(m, val) &&
			     leaf(ud, mm_buf_str(key), mm_buf_str(val));
		}
		key->len = keep;
		if (key->data != NULL)
			key->data[keep] = '\0';
	}
	return ok;
}

/*
 * KEY/VALUE output of an object, streamed: a table is written in two
 * walks over the document (the first measures the columns, the second
 * prints), so no copy of the cells is kept, whatever the document's size.
 */
struct keys_pass {
	struct mm_out *o;
	const char *const *head;
	struct mm_buf cell[2]; /* escaped key and value */
	struct mm_buf line;
	size_t w[2];
	bool measure;
};

static bool
keys_leaf(void *ud, const char *key, const char *value)
{
	struct keys_pass *p = ud;
	const char *raw[2] = {key, value};
	char *cells[2];

	if (p->o->row_sink != NULL)
		return p->o->row_sink(p->o->row_sink_ud, p->head, raw, 2);
	if (p->o->format != MM_FMT_TABLE)
		return plain_row(p->o, raw, 2);
	for (int c = 0; c < 2; c++) {
		mm_buf_reset(&p->cell[c]);
		if (!mm_buf_puts(&p->cell[c], "") ||
		    !mm_out_escape(raw[c], true, &p->cell[c]))
			return false;
		cells[c] = p->cell[c].data;
	}
	if (p->measure) {
		for (int c = 0; c < 2; c++) {
			size_t cw = mm_out_width(cells[c]);

			if (cw > p->w[c])
				p->w[c] = cw;
		}
		return true;
	}
	mm_buf_reset(&p->line);
	return table_line(&p->line, cells, p->w, 2, false) &&
	       out_buf(p->o, &p->line);
}

static bool
doc_keys(struct mm_out *o, const struct mm_json *doc)
{
	static const char *const head[] = {"Key", "Value"};
	struct keys_pass p;
	struct mm_buf key = MM_BUF_INIT, val = MM_BUF_INIT;
	struct table *t = NULL;
	bool ok = true;

	memset(&p, 0, sizeof(p));
	p.o = o;
	p.head = head;
	if (o->format == MM_FMT_TABLE && o->row_sink == NULL) {
		size_t minw[2];

		t = table_new(head, 2);
		ok = t != NULL;
		p.measure = true;
		for (int c = 0; ok && c < 2; c++)
			p.w[c] = mm_out_width(t->head.v[c]);
		ok = ok && walk_leaves(doc, &key, &val, keys_leaf, &p);
		for (int c = 0; ok && c < 2; c++) {
			size_t hw = mm_out_width(t->head.v[c]);

			minw[c] = hw > 3 ? hw : 3;
			if (minw[c] > p.w[c])
				minw[c] = p.w[c];
		}
		if (ok && o->width > 0)
			table_fit(p.w, minw, 2, (size_t)o->width);
		p.measure = false;
		ok = ok && table_line(&p.line, t->head.v, p.w, 2, o->color) &&
		     out_buf(o, &p.line);
	}
	ok = ok && walk_leaves(doc, &key, &val, keys_leaf, &p);
	table_free(t);
	for (int c = 0; c < 2; c++)
		mm_buf_release(&p.cell[c]);
	mm_buf_release(&p.line);
	mm_buf_release(&key);
	mm_buf_release(&val);
	return ok;
}

static bool
doc_rows(struct mm_out *o, const struct mm_json *doc,
	 const struct mm_column *cols)
{
	size_t ncols = count_cols(cols);
	const char **head = NULL;
	struct table *t = NULL;
	bool ok = true;

	if (o->format == MM_FMT_TABLE && o->row_sink == NULL) {
		head = calloc(ncols, sizeof(*head));
		if (head == NULL)
			return false;
		for (size_t c = 0; c < ncols; c++)
			head[c] = cols[c].header;
		t = table_new(head, ncols);
		free(head);
		if (t == NULL)
			return false;
	}
	switch (mm_json_type(doc)) {
	case MM_JSON_ARRAY:
		for (const struct mm_json *m = mm_json_first(doc);
		     ok && m != NULL; m = mm_json_next(m))
			ok = emit_item(o, t, m, cols, ncols);
		break;
	case MM_JSON_OBJECT:
		ok = emit_item(o, t, doc, cols, ncols);
		break;
	case MM_JSON_NULL:
	case MM_JSON_INVALID:
		break; /* no rows (the server sends null for an empty list) */
	default:
		ok = value_line(o, doc);
		table_free(t);
		t = NULL;
		break;
	}
	if (ok && t != NULL)
		ok = table_render(o, t);
	table_free(t);
	return ok;
}

bool
mm_out_set_columns(struct mm_out *o, const char *spec)
{
	size_t n = 1, i = 0, spec_len;
	char *buf, *p, *save = NULL;
	struct mm_column *cols;

	if (spec == NULL || spec[0] == '\0')
		return false;
	for (const char *c = spec; *c; c++)
		if (*c == ',')
			n++;
	spec_len = strlen(spec);
	buf = malloc(spec_len * 2 + 2);
	cols = calloc(n + 1, sizeof(*cols));
	if (buf == NULL || cols == NULL)
		goto fail;
	memcpy(buf, spec, spec_len + 1);
	for (p = strtok_r(buf, ",", &save); p != NULL;
	     p = strtok_r(NULL, ",", &save)) {
		if (p[0] == '\0' || p[0] == '.' || p[strlen(p) - 1] == '.')
			goto fail;
		cols[i].path = p;
		i++;
	}
	if (i == 0)
		goto fail;
	/* Headers live after the paths in the same buffer. */
	p = buf + spec_len + 1;
	for (size_t c = 0; c < i; c++) {
		size_t len = strlen(cols[c].path);

		for (size_t k = 0; k < len; k++)
			p[k] = (char)toupper((unsigned char)cols[c].path[k]);
		p[len] = '\0';
		cols[c].header = p;
		p += len + 1;
	}
	free(o->columns);
	free(o->columns_buf);
	o->columns = cols;
	o->columns_buf = buf;
	return true;
fail:
	free(buf);
	free(cols);
	return false;
}

bool
mm_out_doc(struct mm_out *o, const struct mm_json *doc,
	   const struct mm_column *cols)
{
	bool ok;

	if (o->columns != NULL)
		cols = o->columns;

	switch (o->format) {
	case MM_FMT_JSON:
		ok = write_json(o, doc);
		break;
	case MM_FMT_YAML:
		ok = write_yaml(o, doc);
		break;
	default:
		if (count_cols(cols) > 0) {
			ok = doc_rows(o, doc, cols);
		} else if (mm_json_type(doc) == MM_JSON_OBJECT) {
			ok = doc_keys(o, doc);
		} else if (mm_json_type(doc) == MM_JSON_ARRAY) {
			ok = true;
			for (const struct mm_json *m = mm_json_first(doc);
			     ok && m != NULL; m = mm_json_next(m))
				ok = value_line(o, m);
		} else {
			struct mm_buf raw = MM_BUF_INIT, line = MM_BUF_INIT;
			const char *cell;

			ok = mm_json_scalar_text(doc, &raw) &&
			     mm_buf_puts(&raw, "");
			cell = mm_buf_str(&raw);
			if (ok && o->row_sink != NULL)
				ok = o->row_sink(o->row_sink_ud, NULL, &cell,
						 1);
			else
				ok = ok && mm_out_escape(cell, false, &line) &&
				     mm_buf_putc(&line, '\n') &&
				     out_buf(o, &line);
			mm_buf_release(&raw);
			mm_buf_release(&line);
		}
		break;
	}
	return out_flush(o) && ok;
}

/* ---- streaming lists -------------------------------------------------- */

bool
mm_out_list_begin(struct mm_out *o, const struct mm_column *cols)
{
	size_t ncols = count_cols(cols);

	if (o->list_state != LIST_IDLE)
		return false;
	if (o->columns != NULL) {
		cols = o->columns;
		ncols = count_cols(cols);
	}
	o->list_cols = cols;
	o->list_rows = 0;
	o->table = NULL;
	if (o->format == MM_FMT_TABLE && ncols > 0 && o->row_sink == NULL) {
		const char **head = calloc(ncols, sizeof(*head));

		if (head == NULL)
			return false;
		for (size_t c = 0; c < ncols; c++)
			head[c] = cols[c].header;
		o->table = table_new(head, ncols);
		free(head);
		if (o->table == NULL)
			return false;
	}
	o->list_state = LIST_OPEN;
	return true;
}

static bool
list_json_row(struct mm_out *o, const struct mm_json *item)
{
	struct mm_buf item_text = MM_BUF_INIT, text = MM_BUF_INIT;
	bool first = o->list_rows == 0;
	bool ok = json_text(o, item, &item_text);

	if (ok && o->pretty)
		ok = indented(&text, first ? "[\n  " : ",\n  ", "  ",
			      mm_buf_str(&item_text));
	else if (ok)
		ok = mm_buf_puts(&text, first ? "[" : ",") &&
		     mm_buf_puts(&text, mm_buf_str(&item_text));
	ok = ok && out_buf(o, &text);
	mm_buf_release(&item_text);
	mm_buf_release(&text);
	return ok;
}

static bool
list_yaml_row(struct mm_out *o, const struct mm_json *item)
{
	struct mm_buf item_text = MM_BUF_INIT, text = MM_BUF_INIT;
	enum mm_json_type t = mm_json_type(item);
	/* libyaml indents a block scalar at the root as it would under
	 * "- ", so only containers move right. */
	const char *ind = t == MM_JSON_OBJECT || t == MM_JSON_ARRAY ? "  " : "";
	bool ok = mm_yaml_emit(item, &item_text) &&
		  indented(&text, "- ", ind, mm_buf_str(&item_text)) &&
		  out_buf(o, &text);

	mm_buf_release(&item_text);
	mm_buf_release(&text);
	return ok;
}

bool
mm_out_list_row(struct mm_out *o, const struct mm_json *item)
{
	bool ok;

	if (o->list_state != LIST_OPEN)
		return false;
	switch (o->format) {
	case MM_FMT_JSON:
		ok = list_json_row(o, item);
		break;
	case MM_FMT_YAML:
		ok = list_yaml_row(o, item);
		break;
	default:
		ok = emit_item(o, o->table, item, o->list_cols,
			       count_cols(o->list_cols));
		break;
	}
	if (ok)
		o->list_rows++;
	return ok;
}

bool
mm_out_list_flush(struct mm_out *o)
{
	bool ok = true;

	if (o->list_state != LIST_OPEN)
		return false;
	if (o->table != NULL && ((struct table *)o->table)->cells.n > 0)
		ok = table_render(o, o->table);
	return out_flush(o) && ok;
}

bool
mm_out_list_end(struct mm_out *o)
{
	bool ok = true;

	if (o->list_state != LIST_OPEN)
		return false;
	switch (o->format) {
	case MM_FMT_JSON:
		if (o->list_rows == 0)
			ok = out_puts(o, "[]\n");
		else
			ok = out_puts(o, o->pretty ? "\n]\n" : "]\n");
		break;
	case MM_FMT_YAML:
		if (o->list_rows == 0)
			ok = out_puts(o, "[]\n");
		break;
	default:
		if (o->table != NULL)
			ok = table_render(o, o->table);
		break;
	}
	mm_out_release(o);
	return out_flush(o) && ok;
}

bool
mm_out_list_fail(struct mm_out *o)
{
	if (o->list_state != LIST_OPEN)
		return false;
	if (o->list_rows > 0)
		return mm_out_list_end(o);
	mm_out_release(o);
	return out_flush(o);
}

/* ---- lines and string tables ------------------------------------------ */

bool
mm_out_line(struct mm_out *o, const char *text)
{
	struct mm_json *j = NULL;
	struct mm_buf line = MM_BUF_INIT;
	bool ok;

	switch (o->format) {
	case MM_FMT_JSON:
	case MM_FMT_YAML:
		j = mm_json_new_string(text != NULL ? text : "");
		ok = j != NULL && (o->format == MM_FMT_JSON ? write_json(o, j)
							    : write_yaml(o, j));
		break;
	default:
		if (o->row_sink != NULL) {
			const char *cell = text != NULL ? text : "";

			ok = o->row_sink(o->row_sink_ud, NULL, &cell, 1);
			break;
		}
		ok = mm_out_escape(text, true, &line) &&
		     mm_buf_putc(&line, '\n') && out_buf(o, &line);
		break;
	}
	mm_json_free(j);
	mm_buf_release(&line);
	return out_flush(o) && ok;
}

/* "Display Name" -> "display_name" */
static bool
rows_key(const char *header, struct mm_buf *b)
{
	mm_buf_reset(b);
	if (!mm_buf_puts(b, header != NULL ? header : ""))
		return false;
	for (size_t i = 0; i < b->len; i++) {
		if (b->data[i] >= 'A' && b->data[i] <= 'Z')
			b->data[i] = (char)(b->data[i] - 'A' + 'a');
		else if (b->data[i] == ' ')
			b->data[i] = '_';
	}
	return true;
}

static struct mm_json *
rows_json(const char *const *headers, size_t ncols, const char *const *cells,
	  size_t nrows)
{
	struct mm_json *arr = mm_json_new_array();
	struct mm_buf key = MM_BUF_INIT;

	for (size_t r = 0; arr != NULL && r < nrows; r++) {
		struct mm_json *obj = mm_json_new_object();

		if (obj == NULL || !mm_json_append(arr, obj))
			goto fail;
		for (size_t c = 0; c < ncols; c++) {
			const char *s = cells[r * ncols + c];

			if (!rows_key(headers[c], &key) ||
			    !mm_json_set_string(obj, mm_buf_str(&key),
						s != NULL ? s : ""))
				goto fail;
		}
	}
	mm_buf_release(&key);
	return arr;
fail:
	mm_buf_release(&key);
	mm_json_free(arr);
	return NULL;
}

bool
mm_out_rows(struct mm_out *o, const char *const *headers, size_t ncols,
	    const char *const *cells, size_t nrows)
{
	struct mm_json *j = NULL;
	struct table *t = NULL;
	bool ok = true;

	if (o->row_sink != NULL && o->format != MM_FMT_JSON &&
	    o->format != MM_FMT_YAML) {
		for (size_t r = 0; ok && r < nrows; r++)
			ok = o->row_sink(o->row_sink_ud, headers,
					 cells + r * ncols, ncols);
		return ok;
	}
	switch (o->format) {
	case MM_FMT_JSON:
	case MM_FMT_YAML:
		j = rows_json(headers, ncols, cells, nrows);
		ok = j != NULL && (o->format == MM_FMT_JSON ? write_json(o, j)
							    : write_yaml(o, j));
		break;
	case MM_FMT_TABLE:
		t = table_new(headers, ncols);
		ok = t != NULL;
		for (size_t r = 0; ok && r < nrows; r++)
			ok = table_add(t, cells + r * ncols);
		ok = ok && table_render(o, t);
		break;
	default:
		for (size_t r = 0; ok && r < nrows; r++)
			ok = plain_row(o, cells + r * ncols, ncols);
		break;
	}
	mm_json_free(j);
	table_free(t);
	return out_flush(o) && ok;
}

/* ---- messages --------------------------------------------------------- */

static void
message(struct mm_out *o, const char *prefix, const char *fmt, va_list ap)
{
	struct mm_buf line = MM_BUF_INIT;
	char small[512], *text = small;
	va_list copy;
	int n;

	if (o->quiet || o->err == NULL)
		return;
	va_copy(copy, ap);
	n = vsnprintf(small, sizeof(small), fmt, copy);
	va_end(copy);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(small)) {
		text = malloc((size_t)n + 1);
		if (text == NULL)
			return;
		vsnprintf(text, (size_t)n + 1, fmt, ap);
	}
	if (mm_buf_puts(&line, "mmadm: ") && mm_buf_puts(&line, prefix) &&
	    mm_out_escape(text, false, &line) &&
	    (line.data[line.len - 1] == '\n' || mm_buf_putc(&line, '\n')))
		(void)fwrite(line.data, 1, line.len, o->err);
	if (text != small)
		free(text);
	mm_buf_release(&line);
}

void
mm_warn(struct mm_out *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	message(o, "warning: ", fmt, ap);
	va_end(ap);
}

void
mm_note(struct mm_out *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	message(o, "note: ", fmt, ap);
	va_end(ap);
}
