/* The error record and the exit-code mapping. */
#include "mmadm/error.h"

#include <stdio.h>
#include <string.h>

static const struct {
	int code;
	const char *name;
	const char *text;
} results[] = {
#define MM_X_ROW(kind, code, name, text) {code, name, text},
	MM_RESULTS(MM_X_ROW)
#undef MM_X_ROW
};

int
mm_exit_code(enum mm_result kind)
{
	if ((unsigned)kind >= MM_RESULT_COUNT)
		return 1;
	return results[kind].code;
}

const char *
mm_result_name(enum mm_result kind)
{
	if ((unsigned)kind >= MM_RESULT_COUNT)
		return "error";
	return results[kind].name;
}

const char *
mm_result_text(enum mm_result kind)
{
	if ((unsigned)kind >= MM_RESULT_COUNT)
		return "";
	return results[kind].text;
}

void
mm_error_clear(struct mm_error *err)
{
	memset(err, 0, sizeof(*err));
	err->kind = MM_OK;
}

/* Replace control characters so one message stays one safe line. */
static void
sanitize_line(char *s)
{
	for (unsigned char *p = (unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			*p = '?';
}

enum mm_result
mm_error_setv(struct mm_error *err, enum mm_result kind, const char *fmt,
	      va_list ap)
{
	err->kind = kind;
	if (vsnprintf(err->message, sizeof(err->message), fmt, ap) < 0)
		err->message[0] = '\0';
	sanitize_line(err->message);
	return kind;
}

enum mm_result
mm_error_set(struct mm_error *err, enum mm_result kind, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mm_error_setv(err, kind, fmt, ap);
	va_end(ap);
	return kind;
}

enum mm_result
mm_error_oom(struct mm_error *err)
{
	return mm_error_set(err, MM_ERR_OTHER, "out of memory");
}

void
mm_error_prefix(struct mm_error *err, const char *fmt, ...)
{
	char prefix[256], old[sizeof(err->message)];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	memcpy(old, err->message, sizeof(old));
	if (snprintf(err->message, sizeof(err->message), "%s: %s", prefix,
		     old) < 0)
		err->message[0] = '\0';
	sanitize_line(err->message);
}

enum mm_result
mm_result_from_http(long status)
{
	if (status >= 200 && status < 300)
		return MM_OK;
	switch (status) {
	case 401:
		return MM_ERR_AUTH;
	case 403:
		return MM_ERR_PERM;
	case 404:
	case 405:
	case 410:
		return MM_ERR_NOTFOUND;
	case 400:
	case 409:
	case 411:
	case 413:
	case 414:
	case 415:
	case 422:
		return MM_ERR_REJECTED;
	case 501:
		return MM_ERR_UNAVAILABLE;
	case 429:
		return MM_ERR_SERVER;
	default:
		break;
	}
	if (status >= 500)
		return MM_ERR_SERVER;
	if (status >= 300 && status < 400)
		return MM_ERR_RESPONSE;
	return MM_ERR_OTHER;
}
