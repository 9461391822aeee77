/* Growable buffer, string vector and small string/file helpers. */
#include "mmadm/buf.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
mm_buf_init(struct mm_buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void
mm_buf_release(struct mm_buf *b)
{
	if (b == NULL)
		return;
	free(b->data);
	mm_buf_init(b);
}

void
mm_buf_wipe(struct mm_buf *b)
{
	if (b == NULL)
		return;
	if (b->data != NULL)
		mm_wipe(b->data, b->cap);
	mm_buf_release(b);
}

void
mm_buf_reset(struct mm_buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

static bool
buf_grow(struct mm_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (b->data == NULL) /* no storage yet: empty, whatever len/cap say */
		b->len = b->cap = 0;
	if (extra > SIZE_MAX - b->len - 1)
		return false;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return true;
	cap = b->cap ? b->cap : 64;
	while (cap < need) {
		if (cap > SIZE_MAX / 2) {
			cap = need;
			break;
		}
		cap *= 2;
	}
	p = realloc(b->data, cap);
	if (p == NULL)
		return false;
	b->data = p;
	b->cap = cap;
	return true;
}

bool
mm_buf_append(struct mm_buf *b, const void *data, size_t len)
{
	if (!buf_grow(b, len))
		return false;
	if (len > 0)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return true;
}

bool
mm_buf_puts(struct mm_buf *b, const char *s)
{
	return mm_buf_append(b, s, strlen(s));
}

bool
mm_buf_putc(struct mm_buf *b, char c)
{
	return mm_buf_append(b, &c, 1);
}

bool
mm_buf_printf(struct mm_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !buf_grow(b, (size_t)n))
		return false;
	va_start(ap, fmt);
	n = vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return false;
	b->len += (size_t)n;
	return true;
}

const char *
mm_buf_str(const struct mm_buf *b)
{
	return b->data != NULL ? b->data : "";
}

char *
mm_buf_take(struct mm_buf *b)
{
	char *s = b->data;

	if (s == NULL)
		s = mm_strdup("");
	mm_buf_init(b);
	return s;
}

bool
mm_strv_push(struct mm_strv *sv, const char *s)
{
	char *copy;

	if (sv->n + 1 >= sv->cap) {
		size_t cap = sv->cap ? sv->cap * 2 : 8;
		char **v = realloc(sv->v, cap * sizeof(*v));

		if (v == NULL)
			return false;
		sv->v = v;
		sv->cap = cap;
	}
	copy = mm_strdup(s);
	if (copy == NULL)
		return false;
	sv->v[sv->n++] = copy;
	sv->v[sv->n] = NULL;
	return true;
}

void
mm_strv_release(struct mm_strv *sv)
{
	if (sv == NULL)
		return;
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = 0;
	sv->cap = 0;
}

char *
mm_strdup(const char *s)
{
	size_t n;
	char *p;

	if (s == NULL)
		return NULL;
	n = strlen(s) + 1;
	p = malloc(n);
	if (p != NULL)
		memcpy(p, s, n);
	return p;
}

bool
mm_streq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

bool
mm_strlcpy(char *dst, const char *src, size_t size)
{
	size_t n;

	if (size == 0)
		return false;
	if (src == NULL)
		src = "";
	n = strlen(src);
	if (n >= size) {
		memcpy(dst, src, size - 1);
		dst[size - 1] = '\0';
		return false;
	}
	memcpy(dst, src, n + 1);
	return true;
}

void
mm_wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (n--)
		*v++ = 0;
}

size_t
mm_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t row[65], prev, tmp;

	if (la > 64 || lb > 64)
		return (size_t)-1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
			size_t best = prev + cost;

			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			tmp = row[j];
			row[j] = best;
			prev = tmp;
		}
	}
	return row[lb];
}

static volatile sig_atomic_t output_busy;

void
mm_output_busy_set(bool busy)
{
	output_busy = busy ? 1 : 0;
}

bool
mm_output_busy(void)
{
	return output_busy != 0;
}

static volatile sig_atomic_t signal_ends_stream;

void
mm_signal_ends_stream_set(bool on)
{
	signal_ends_stream = on ? 1 : 0;
}

bool
mm_signal_ends_stream(void)
{
	return signal_ends_stream != 0;
}

static const char *stdin_holder;

const char *
mm_stdin_reserve(const char *holder)
{
	const char *old = stdin_holder;

	stdin_holder = holder;
	return old;
}

enum mm_result
mm_read_file(const char *path, size_t max, struct mm_buf *out,
	     struct mm_error *err)
{
	FILE *f;
	char chunk[65536];
	size_t n;
	bool is_stdin = strcmp(path, "-") == 0;
	enum mm_result rc = MM_OK;

	if (is_stdin && stdin_holder != NULL)
		return mm_error_set(err, MM_ERR_USAGE,
				    "standard input holds %s: give a file "
				    "instead of '-'",
				    stdin_holder);
	f = is_stdin ? stdin : fopen(path, "rb");
	if (f == NULL)
		return mm_error_set(err, MM_ERR_IO, "cannot read %s: %s", path,
				    strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (out->len + n > max) {
			rc = mm_error_set(
				err, MM_ERR_IO, "%s is larger than %zu bytes",
				is_stdin ? "standard input" : path, max);
			goto out;
		}
		if (!mm_buf_append(out, chunk, n)) {
			rc = mm_error_oom(err);
			goto out;
		}
	}
	if (ferror(f)) {
		rc = mm_error_set(err, MM_ERR_IO, "cannot read %s: %s",
				  is_stdin ? "standard input" : path,
				  strerror(errno));
		goto out;
	}
	if (out->data == NULL && !mm_buf_append(out, "", 0))
		rc = mm_error_oom(err);
out:
	mm_wipe(chunk, sizeof(chunk));
	if (!is_stdin)
		fclose(f);
	return rc;
}

size_t
mm_utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp)
{
	size_t n;
	uint32_t c;

	if (avail == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, c = s[0] & 0x07;
	else
		return 0;
	if (n > avail)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	*cp = c;
	return n;
}

size_t
mm_utf8_invalid_at(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		uint32_t c;
		size_t len = mm_utf8_decode(s + i, n - i, &c);

		if (len == 0)
			return i;
		i += len;
	}
	return n;
}

enum mm_result
mm_read_secret_file(const char *path, struct mm_buf *out, const char *what,
		    struct mm_error *err)
{
	enum mm_result rc = mm_read_file(path, (size_t)64 * 1024, out, err);

	if (rc != MM_OK)
		return rc;
	while (out->len > 0 && (out->data[out->len - 1] == '\n' ||
				out->data[out->len - 1] == '\r'))
		out->data[--out->len] = '\0';
	if (out->len == 0)
		return mm_error_set(
			err, MM_ERR_USAGE, "the %s from %s is empty", what,
			strcmp(path, "-") == 0 ? "standard input" : path);
	if (memchr(out->data, '\n', out->len) != NULL)
		return mm_error_set(
			err, MM_ERR_USAGE,
			"the %s from %s has more than one line", what,
			strcmp(path, "-") == 0 ? "standard input" : path);
	/* A NUL would silently cut the secret short. */
	for (size_t i = 0; i < out->len; i++) {
		unsigned char ch = (unsigned char)out->data[i];

		if (ch < 0x20 || ch == 0x7f)
			return mm_error_set(
				err, MM_ERR_USAGE,
				"the %s from %s has %s at offset %zu", what,
				strcmp(path, "-") == 0 ? "standard input"
						       : path,
				ch == 0 ? "a NUL byte" : "a control character",
				i);
	}
	return MM_OK;
}
