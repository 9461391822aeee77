/*
 * Typed requests and responses per API area. Knows paths, methods, query
 * parameters and JSON field names. Returns mm_result and fills mm_error;
 * never prints, never exits.
 */
#ifndef MMADM_API_H
#define MMADM_API_H

#include "error.h"
#include "http.h"
#include "json.h"

#include <stdbool.h>

/* Send function: the seam unit tests replace with a fake transport. */
typedef enum mm_result (*mm_send_fn)(void *ud, const struct mm_http_req *req,
				     struct mm_http_resp *resp,
				     struct mm_error *err);

struct mm_client {
	mm_send_fn send;
	void *send_ud;
	bool local;               /* over the unix socket */
	char server_version[128]; /* last X-Version-Id seen */
	bool dry_run;             /* describe requests instead of sending */
	/* With dry_run: each request that would be sent is passed here
	 * (method, path, body with secrets redacted). */
	void (*dry_run_fn)(void *ud, const char *method, const char *path,
			   const char *body);
	void *dry_run_ud;
	/* With dry_run, when set: receives each request that is not sent,
	 * whole (headers, body, parts), instead of dry_run_fn (--curl). */
	void (*dry_run_req_fn)(void *ud, const struct mm_http_req *req);
};

/* A client over a real struct mm_http. */
void mm_client_init(struct mm_client *c, struct mm_http *http, bool local);

/*
 * Turn a non-2xx response into err: AppError JSON (id, message,
 * detailed_error, request_id) when the body is one, else a message with
 * the status line and a sanitized excerpt of the body. Sets the kind from
 * the status. Returns err->kind.
 */
enum mm_result mm_api_error_from_response(const struct mm_http_resp *resp,
					  struct mm_error *err);

/*
 * One JSON request. body may be NULL (no body). On 2xx with a body, *out
 * receives the parsed document (NULL for an empty body); on non-2xx err is
 * filled from the AppError. resp (optional) receives headers and status.
 * idempotent: GET/PUT/DELETE are by default; pass a POST as safe with
 * MM_API_SAFE_POST.
 */
enum mm_api_flags {
	MM_API_SAFE_POST = 1 << 0,  /* POST may be retried */
	MM_API_EMPTY_OK = 1 << 1,   /* an empty 2xx body is fine */
	MM_API_RAW_BODY = 1 << 2,   /* body is not JSON (keep in resp) */
	MM_API_KEEP_ERROR = 1 << 3, /* non-2xx: still parse body to *out */
	MM_API_NO_COOKIES = 1 << 4, /* no X-Requested-With (login) */
	/* The 2xx document's shape, else MM_ERR_RESPONSE ("unexpected
	 * response: expected ..."). A list may be null (Go's nil slice). */
	MM_API_WANT_OBJECT = 1 << 5,
	MM_API_WANT_STRINGS = 1 << 6, /* a list of strings */
	MM_API_WANT_OBJECTS = 1 << 7, /* a list of objects */
};
enum mm_result mm_api_request(struct mm_client *c, const char *method,
			      const char *path, const struct mm_json *body,
			      unsigned flags, struct mm_json **out,
			      struct mm_http_resp *resp, struct mm_error *err);
/* The MM_API_WANT_* check of mm_api_request on doc (MM_OK if flags ask
 * for no shape). */
enum mm_result mm_api_check_shape(const struct mm_json *doc, unsigned flags,
				  struct mm_error *err);

/* ---- paging ---- */
#define MM_MAX_PER_PAGE 200

/* Called for each element of each page; false stops the loop. The item
 * belongs to the page, which is freed after the page's last item: the
 * function may change it in place (a table row's extra columns) but must
 * not keep it. */
typedef bool (*mm_item_fn)(void *ud, struct mm_json *item);
/* Called after each page with its element count (flush output here). */
typedef bool (*mm_page_fn)(void *ud, size_t items);

struct mm_page_req {
	const char *path;           /* may contain '?' already */
	long page;                  /* first page, 0-based */
	long per_page;              /* already capped by the caller */
	bool all;                   /* loop until a short page */
	const char *page_param;     /* NULL = "page" */
	const char *per_page_param; /* NULL = "per_page" */
	const char *items_key; /* NULL = bare array, else the array's key */
	/* MM_API_WANT_STRINGS / MM_API_WANT_OBJECTS: every page's items
	 * must be such a list (else MM_ERR_RESPONSE, "unexpected
	 * response"). 0 = any elements. */
	unsigned flags;
	/* Put in front of a MM_ERR_RESPONSE about a page (not JSON, not
	 * a list, wrong elements); NULL = none. */
	const char *shape_hint;
};

/*
 * GET the pages of a list: page, page+1, ... while `all` and the last page
 * was full. An empty page may be [] or null. One page is in memory at a
 * time. Items stream to item_fn; page_fn runs after each page. A full
 * page byte for byte the same as the one before (a server ignoring the
 * page parameter) stops the loop with MM_ERR_RESPONSE before its items
 * are passed on.
 */
enum mm_result mm_api_paged(struct mm_client *c, const struct mm_page_req *r,
			    mm_item_fn item_fn, mm_page_fn page_fn, void *ud,
			    struct mm_error *err);

/* ---- bodies other than JSON, and downloads ---- */

/* What to send: at most one of json, parts or raw. */
struct mm_api_body {
	const struct mm_json *json;
	const struct mm_http_part *parts; /* multipart/form-data, streamed */
	size_t nparts;
	FILE *raw; /* raw body streamed from here (from its position) */
	uint64_t raw_size;
	const char *raw_type; /* NULL = application/octet-stream */
	mm_progress_fn progress;
	void *progress_ud;
	/* Extra "Name: value" headers, NULL-terminated; *Token values are
	 * redacted in dry runs and traces. */
	const char *const *headers;
	bool no_auth; /* never send Authorization (server-to-server calls) */
};

/* mm_api_request with any kind of body (NULL = none). */
enum mm_result mm_api_send(struct mm_client *c, const char *method,
			   const char *path, const struct mm_api_body *body,
			   unsigned flags, struct mm_json **out,
			   struct mm_http_resp *resp, struct mm_error *err);

struct mm_download {
	const char *dest; /* file to create; NULL = write to `stream` */
	FILE *stream;
	bool overwrite; /* replace an existing dest */
	mm_progress_fn progress;
	void *progress_ud;
	/* filled in */
	uint64_t bytes;
	char filename[256]; /* Content-Disposition name, a safe basename */
	char content_type[128];
};

/*
 * GET path and stream a 2xx body to d->dest (via a temp file in the same
 * directory, renamed on success, removed on any failure: never a half file
 * under the final name) or to d->stream. Memory stays flat.
 */
enum mm_result mm_api_download(struct mm_client *c, const char *path,
			       struct mm_download *d, struct mm_error *err);
/* Safe basename from a Content-Disposition value; false (and buf empty)
 * if none: no name, or only "." or "..". */
bool mm_api_disposition_filename(const char *cd, char *buf, size_t size);

/* Server ids: 26 letters and digits. */
bool mm_api_valid_id(const char *id);
/* The usage error for an id that is not one ("invalid WHAT 'ID': ..."). */
enum mm_result mm_api_bad_id(struct mm_error *err, const char *what,
			     const char *id);

/* The server's "{"status":"OK"}" check. */
bool mm_api_status_ok(const struct mm_json *doc);

/* ---- system ---- */
struct mm_ping_result {
	bool healthy;        /* status (and every *_status) is OK */
	struct mm_json *doc; /* the ping body */
};
/* GET /system/ping: mm_api_system_ping_with (mmadm/api_system.h). */

/* POST /database/recycle */
enum mm_result mm_api_db_recycle(struct mm_client *c, struct mm_json **out,
				 struct mm_error *err);

/* ---- config ---- */
#define MM_CONFIG_PLACEHOLDER "********************************"
enum mm_result mm_api_config_get(struct mm_client *c, struct mm_json **out,
				 struct mm_error *err);
enum mm_result mm_api_config_patch(struct mm_client *c,
				   const struct mm_json *patch,
				   struct mm_json **out, struct mm_error *err);

/*
 * Build a patch from "Section.Key=VALUE" assignments, typing each value
 * from the current config: bool, number, string, list (JSON array or
 * comma-separated), object (JSON). Unknown keys are MM_ERR_USAGE with
 * the nearest existing key suggested.
 */
enum mm_result mm_config_patch_from_sets(const struct mm_json *current,
					 const char *const *sets, size_t n,
					 struct mm_json **patch,
					 struct mm_error *err);
/*
 * Check a patch document (from a JSON/YAML file) against the current
 * config: every leaf must name an existing key (free-form maps such as
 * PluginSettings.Plugins excepted) with a compatible type; leaves equal
 * to the placeholder are dropped ("keep"). Modifies patch in place.
 */
enum mm_result mm_config_patch_check(const struct mm_json *current,
				     struct mm_json *patch,
				     struct mm_error *err);
/* One changed leaf. */
struct mm_config_change {
	char *key;
	char *before; /* text of the value, NULL if absent */
	char *after;
};
struct mm_config_changes {
	struct mm_config_change *v;
	size_t n;
};
/* Leaves named by patch whose value differs between before and after
 * (after = the server's answer, or before+patch for a dry run). A masked
 * secret cannot be compared: it counts as changed unless the patch gives
 * the placeholder or the value the server showed, or the server's
 * unmasked answer equals the unmasked before value. */
bool mm_config_diff(const struct mm_json *before, const struct mm_json *after,
		    const struct mm_json *patch, struct mm_config_changes *out);
void mm_config_changes_release(struct mm_config_changes *c);
/* Apply patch onto a copy of cfg (deep merge; arrays replace). */
struct mm_json *mm_config_merge(const struct mm_json *cfg,
				const struct mm_json *patch);
/* True when key (dotted) names a secret the server masks. */
bool mm_config_key_is_secret(const char *key);
/* True when v is the placeholder or holds one anywhere inside. */
bool mm_config_has_placeholder(const struct mm_json *v);
/* Copy of doc with secret leaves replaced by the placeholder, and the
 * passwords of data source names in any string too (mm_redact_dsn). */
struct mm_json *mm_config_redact(const struct mm_json *doc);
/* Copy of s with the password of a data source name replaced by the
 * placeholder: URL userinfo (postgres://user:PASS@host/db), MySQL DSNs
 * (user:PASS@tcp(host:3306)/db) and password=PASS keywords or query
 * parameters. Anything else is copied as it is. NULL when out of memory. */
char *mm_redact_dsn(const char *s);
/* Nearest existing leaf key for an unknown one (for "did you mean"). */
bool mm_config_nearest_key(const struct mm_json *cfg, const char *key,
			   char *buf, size_t size);

/* ---- file store test ---- */
struct mm_file_test_req {
	/* Overrides of FileSettings; NULL = keep the server's value. */
	const char *driver;
	const char *directory;
	const char *bucket;
	const char *region;
	const char *endpoint;
	const char *path_prefix;
	const char *access_key_id;
	const char *secret_key; /* secret */
	const char *ssl;        /* "true"/"false" */
	const char *account;
	const char *container;
	const char *azure_key; /* secret */
	const char *azure_endpoint;
	/* A (partial) config whose FileSettings are laid over the server's. */
	const struct mm_json *config;
};
struct mm_file_test_result {
	bool used_legacy;    /* fell back to /file/s3_test */
	char driver[32];     /* the driver tested, when known */
	struct mm_json *doc; /* the server's answer */
};
bool mm_file_test_has_overrides(const struct mm_file_test_req *req);
enum mm_result mm_api_file_test(struct mm_client *c,
				const struct mm_file_test_req *req,
				struct mm_file_test_result *res,
				struct mm_error *err);
void mm_file_test_result_release(struct mm_file_test_result *r);

/* ---- remote clusters ---- */
/* POST /remotecluster/{id}/generate_invite; *invite is the code. */
enum mm_result mm_api_remotecluster_invite(struct mm_client *c,
					   const char *remote_id,
					   const char *password, char **invite,
					   struct mm_error *err);

/* ---- users / auth ---- */
struct mm_login_req {
	const char *login_id;
	const char *password; /* secret */
	const char *mfa;      /* NULL = none */
};
/* On success *token (secret, caller wipes) and *user. On an MFA
 * challenge returns MM_ERR_AUTH with err->server_id set to the MFA id;
 * mm_api_login_needs_mfa(err) tells. In a dry run nothing is sent and
 * *token and *user stay NULL. */
enum mm_result mm_api_login(struct mm_client *c, const struct mm_login_req *req,
			    char **token, struct mm_json **user,
			    struct mm_error *err);
bool mm_api_login_needs_mfa(const struct mm_error *err);
/* The MFA code given was wrong. */
bool mm_api_login_bad_mfa(const struct mm_error *err);
enum mm_result mm_api_logout(struct mm_client *c, struct mm_error *err);
enum mm_result mm_api_users_me(struct mm_client *c, struct mm_json **out,
			       struct mm_error *err);

/* Version "11.1.0" from an X-Version-Id value; false if none. */
bool mm_api_version_from_header(const char *version_id, char *buf, size_t size);

#endif
