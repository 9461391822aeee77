/*
 * Transport: one reusable libcurl easy handle (keep-alive), TCP or unix
 * socket, auth header, timeouts, size caps, streaming, redacted tracing.
 * Knows nothing of Mattermost objects. Never prints: the trace goes to a
 * callback the caller provides.
 */
#ifndef MMADM_HTTP_H
#define MMADM_HTTP_H

#include "buf.h"
#include "error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct mm_http;

typedef void (*mm_trace_fn)(void *ud, const char *line);
/* Called with each chunk of a streamed download; false aborts. */
typedef bool (*mm_sink_fn)(void *ud, const char *data, size_t len);
/* Progress: bytes done / total (0 = unknown) for upload or download. */
typedef void (*mm_progress_fn)(void *ud, uint64_t done, uint64_t total);

struct mm_http_config {
	const char *base_url;    /* "https://host[:port][/sub]"; for local
				    mode NULL (http://localhost is used) */
	const char *unix_socket; /* non-NULL: local mode over this socket */
	const char *token;       /* borrowed; NULL = no Authorization */
	const char *user_agent;
	long timeout_s;         /* total per request, 0 = none */
	long connect_timeout_s; /* 0 = default (10) */
	bool insecure;          /* skip TLS verification */
	const char *cacert;     /* CA bundle file */
	size_t max_response;    /* cap for buffered bodies, 0 = 64 MiB */
	int retries;            /* extra tries for idempotent requests */
	mm_trace_fn trace;      /* NULL = no trace */
	void *trace_ud;
	volatile int *cancel; /* non-zero aborts the transfer */
	/* Fleet mode: transfers go through this loop (mmadm/http_multi.h)
	 * instead of curl_easy_perform; NULL = perform directly. */
	struct mm_http_multi *multi;
};

/* One part of a multipart/form-data body. File parts stream from `file`
 * (rewound for a retry); text parts send `value`. */
struct mm_http_part {
	const char *name;
	const char *value;    /* text part, or NULL */
	const char *filename; /* file part: the name the server sees */
	FILE *file;           /* file part: streamed */
	uint64_t size;
	const char *type; /* NULL = application/octet-stream */
	const char *path; /* file part: the local file (for --curl), or NULL */
};

struct mm_http_req {
	const char *method; /* "GET", "POST", ... */
	const char *path;   /* "/api/v4/..." with query already escaped */
	const char *content_type;
	const char *body; /* NULL = no body */
	size_t body_len;
	const struct mm_http_part *parts; /* multipart/form-data body */
	size_t nparts;
	FILE *upload; /* stream body from this file instead */
	uint64_t upload_size;
	bool idempotent; /* safe to retry (GET/PUT/DELETE default) */
	mm_sink_fn sink; /* stream the 2xx body here instead of memory */
	void *sink_ud;
	mm_progress_fn progress;
	void *progress_ud;
	/* Extra "Name: value" header lines, NULL-terminated (NULL = none).
	 * Values of headers whose name ends in "Token" are redacted in the
	 * trace. */
	const char *const *headers;
	bool no_auth; /* never send Authorization, even with a token */
	/* Omit X-Requested-With: the server then sets no session cookies
	 * (API-NOTES §1.3; used for login, whose token comes in a header). */
	bool no_cookies;
};

struct mm_http_resp {
	long status;
	struct mm_buf body; /* empty when streamed to a sink */
	char content_type[128];
	char version_id[128]; /* X-Version-Id */
	char request_id[64];  /* X-Request-Id */
	char token[128];      /* Token (login); secret, wiped on release */
	char location[512];   /* Location */
	char content_disposition[512];
	long retry_after; /* seconds, -1 if absent */
	int tries;        /* attempts made */
};

/* Initialise libcurl once (before any thread uses it); mm_http_new does
 * it too. */
enum mm_result mm_http_global_init(struct mm_error *err);

/*
 * Promise that this process will make no TLS connection (a one-shot
 * command over the local socket or http://). Before libcurl is
 * initialised, and when its TLS library is OpenSSL, OpenSSL is then set
 * up without reading openssl.cnf or loading its error strings and
 * without its exit handler: about 2 M instructions (0.7 ms) of start-up
 * that such a run does not need. Never call it when a later command may
 * use https:// (the shell, fleet mode, config diff): openssl.cnf holds
 * the system's TLS policy. Returns whether it took effect.
 */
bool mm_http_promise_no_tls(void);
enum mm_result mm_http_new(const struct mm_http_config *cfg,
			   struct mm_http **out, struct mm_error *err);
void mm_http_free(struct mm_http *h);
/* Replace the token (e.g. after login); NULL removes it. */
void mm_http_set_token(struct mm_http *h, const char *token);

/*
 * Perform one request. MM_OK whenever an HTTP response arrived, whatever
 * its status (the caller maps it); MM_ERR_CONNECT for network/TLS
 * failures and timeouts (message names the target and libcurl's reason),
 * MM_ERR_RESPONSE for a body over the cap, MM_ERR_CANCELLED if cancelled.
 */
enum mm_result mm_http_do(struct mm_http *h, const struct mm_http_req *req,
			  struct mm_http_resp *resp, struct mm_error *err);
void mm_http_resp_init(struct mm_http_resp *r);
void mm_http_resp_release(struct mm_http_resp *r);

/* Percent-encode for a query value or path segment. Appends to out. */
bool mm_http_escape(const char *s, struct mm_buf *out);
/* Number of connections opened so far by this handle (for tests). */
long mm_http_connections(const struct mm_http *h);
/* libcurl version string ("libcurl/8.x OpenSSL/..."). */
const char *mm_http_lib_version(void);

#endif
