/* Growable byte buffer and string vector. */
#ifndef MMADM_BUF_H
#define MMADM_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mm_buf {
	char *data; /* always NUL-terminated once anything was appended */
	size_t len;
	size_t cap;
};

#define MM_BUF_INIT                                                            \
	{                                                                      \
		NULL, 0, 0                                                     \
	}

void mm_buf_init(struct mm_buf *b);
void mm_buf_release(struct mm_buf *b);
/* Zero the contents (for secrets), then release. */
void mm_buf_wipe(struct mm_buf *b);
void mm_buf_reset(struct mm_buf *b);
bool mm_buf_append(struct mm_buf *b, const void *data, size_t len);
bool mm_buf_puts(struct mm_buf *b, const char *s);
bool mm_buf_putc(struct mm_buf *b, char c);
bool mm_buf_printf(struct mm_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "" for an empty buffer; never NULL. */
const char *mm_buf_str(const struct mm_buf *b);
/* Hand the string to the caller (NULL-safe: returns "" copy if empty). */
char *mm_buf_take(struct mm_buf *b);

struct mm_strv {
	char **v; /* NULL-terminated */
	size_t n;
	size_t cap;
};

#define MM_STRV_INIT                                                           \
	{                                                                      \
		NULL, 0, 0                                                     \
	}

bool mm_strv_push(struct mm_strv *sv, const char *s);
void mm_strv_release(struct mm_strv *sv);

/* Small string helpers. */
char *mm_strdup(const char *s);              /* NULL-safe */
bool mm_streq(const char *a, const char *b); /* NULL-safe */
/* Copy with truncation, always terminated; false if truncated. */
bool mm_strlcpy(char *dst, const char *src, size_t size);
/* Zero memory in a way the compiler keeps. */
void mm_wipe(void *p, size_t n);
/* Levenshtein distance, capped; for "did you mean". */
size_t mm_edit_distance(const char *a, const char *b);
/* Read a whole file (or "-" for stdin) into buf, capped at max bytes. */
#include "error.h"
/*
 * Output that may block on its reader (stdout on a pipe): writers mark
 * the write with mm_output_busy_set(true/false), and a signal handler
 * that finds mm_output_busy() knows the process may be stuck there, with
 * nothing else under way (no temp file to remove), and can end it at
 * once. Safe to call from a signal handler.
 */
void mm_output_busy_set(bool busy);
bool mm_output_busy(void);

/*
 * A stream that Ctrl-C ends normally (events, logs --follow, --watch):
 * while set, the signal only stops the stream; output is not cancelled
 * and the process is not ended in the middle of a write, so what was
 * received is written out and the command exits 0. A second signal still
 * ends the process. Safe to call from a signal handler.
 */
void mm_signal_ends_stream_set(bool on);
bool mm_signal_ends_stream(void);

/*
 * Standard input is taken (by `holder`, e.g. "the shell script"; NULL
 * frees it): until then "-" is refused with a usage error instead of
 * being read. Returns the previous holder.
 */
const char *mm_stdin_reserve(const char *holder);
enum mm_result mm_read_file(const char *path, size_t max, struct mm_buf *out,
			    struct mm_error *err);
/* The UTF-8 sequence at s (at most avail bytes): its length, and its code
 * point in *cp; 0 when it is not valid UTF-8 (overlong, surrogate, above
 * U+10FFFF, truncated). The one decoder every module uses. */
size_t mm_utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp);
/* Offset of the first byte of s[0..n) that starts no valid UTF-8
 * sequence (overlong, surrogate, above U+10FFFF, truncated); n when all
 * of it is valid. A NUL byte is valid here. */
size_t mm_utf8_invalid_at(const char *s, size_t n);
/* Read a one-line secret from a file or "-" (stdin); trailing newline
 * stripped; empty, a NUL byte or another control character (which would
 * cut it short or corrupt a header) is a usage error. */
enum mm_result mm_read_secret_file(const char *path, struct mm_buf *out,
				   const char *what, struct mm_error *err);

#endif
