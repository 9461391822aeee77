/* Result codes, the error record and the exit-code contract. */
#ifndef MMADM_ERROR_H
#define MMADM_ERROR_H

#include <stdarg.h>

/*
 * The one list of result kinds. X(kind, exit code, name, description).
 * It expands into enum mm_result, mm_exit_code(), `mmadm help exit-codes`
 * and the EXIT STATUS section of mmadm(1), so they agree by construction.
 * The codes are a stable contract: never renumber, only append.
 */
#define MM_RESULTS(X)                                                          \
	X(MM_OK, 0, "ok", "success")                                           \
	X(MM_ERR_OTHER, 1, "error",                                            \
	  "any other failure (out of memory, unexpected condition)")           \
	X(MM_ERR_USAGE, 2, "usage",                                            \
	  "bad command line: unknown command or option, missing or malformed " \
	  "argument, unknown config key, --yes needed without a terminal")     \
	X(MM_ERR_CONNECT, 3, "connect",                                        \
	  "cannot reach the server: DNS, connection refused, TLS failure, "    \
	  "timeout, unusable local socket")                                    \
	X(MM_ERR_AUTH, 4, "auth",                                              \
	  "authentication missing, expired or rejected (HTTP 401)")            \
	X(MM_ERR_PERM, 5, "permission", "permission denied (HTTP 403)")        \
	X(MM_ERR_NOTFOUND, 6, "not-found", "not found (HTTP 404)")             \
	X(MM_ERR_REJECTED, 7, "rejected",                                      \
	  "the server rejected the input (HTTP 400, 409, 413, 414, 422)")      \
	X(MM_ERR_SERVER, 8, "server",                                          \
	  "server failure (HTTP 5xx, 429) or unhealthy server")                \
	X(MM_ERR_LOCAL_ONLY, 9, "local-only",                                  \
	  "a local-mode command used remotely, or a remote-only command used " \
	  "over the local socket")                                             \
	X(MM_ERR_CONFIG, 10, "config",                                         \
	  "profiles file missing, unsafe or malformed; no server configured")  \
	X(MM_ERR_RESPONSE, 11, "bad-response",                                 \
	  "the server's response was malformed or of an unexpected shape")     \
	X(MM_ERR_UNAVAILABLE, 12, "unavailable",                               \
	  "feature not available on this server (HTTP 501: not licensed or "   \
	  "disabled; endpoint missing on an older server)")                    \
	X(MM_ERR_IO, 13, "io", "a local file could not be read or written")    \
	X(MM_ERR_CANCELLED, 130, "cancelled",                                  \
	  "cancelled by the user (confirmation declined, Ctrl-C)")

enum mm_result {
#define MM_X_ENUM(kind, code, name, text) kind,
	MM_RESULTS(MM_X_ENUM)
#undef MM_X_ENUM
		MM_RESULT_COUNT
};

/* Reporting an error never allocates: every buffer is fixed-size. */
struct mm_error {
	enum mm_result kind;
	long http_status;    /* 0 when no HTTP exchange happened */
	char server_id[128]; /* the AppError id, if the server sent one */
	char request_id[64]; /* for support tickets */
	char message[512];   /* one line, control characters replaced */
	char detail[512];    /* the server's detailed_error, shown with -v */
};

int mm_exit_code(enum mm_result kind);
const char *mm_result_name(enum mm_result kind);
const char *mm_result_text(enum mm_result kind);

void mm_error_clear(struct mm_error *err);
/* mm_error_set(err, MM_ERR_OTHER, "out of memory"). */
enum mm_result mm_error_oom(struct mm_error *err);
/* Set kind and a printf-style message (sanitized); returns kind. */
enum mm_result mm_error_set(struct mm_error *err, enum mm_result kind,
			    const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
enum mm_result mm_error_setv(struct mm_error *err, enum mm_result kind,
			     const char *fmt, va_list ap);
/* Put "prefix: " in front of the current message. */
void mm_error_prefix(struct mm_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Map an HTTP status to a result kind (2xx -> MM_OK). */
enum mm_result mm_result_from_http(long status);

#endif
