/* System area requests beyond ping and recycle (API-NOTES §3.1). */
#include "mmadm/api_system.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- small helpers ---- */

/* Append "?key=value" or "&key=value" (value escaped). */
static bool
query_add(struct mm_buf *b, const char *key, const char *value)
{
	return mm_buf_putc(b, strchr(mm_buf_str(b), '?') ? '&' : '?') &&
	       mm_buf_puts(b, key) && mm_buf_putc(b, '=') &&
	       mm_http_escape(value, b);
}

bool
mm_api_json_set_number(struct mm_json *obj, const char *key, double v)
{
	struct mm_json *n = NULL;
	struct mm_error e;
	char text[64];
	int len;

	if (!isfinite(v))
		return false;
	if (v == floor(v) && fabs(v) < 9007199254740992.0)
		len = snprintf(text, sizeof(text), "%.0f", v);
	else
		len = snprintf(text, sizeof(text), "%.17g", v);
	if (len < 0 || (size_t)len >= sizeof(text))
		return false;
	mm_error_clear(&e);
	if (mm_json_parse(text, (size_t)len, &n, &e) != MM_OK)
		return false;
	if (!mm_json_set(obj, key, n)) {
		mm_json_free(n);
		return false;
	}
	return true;
}

bool
mm_api_json_set_bool(struct mm_json *obj, const char *key, bool v)
{
	struct mm_json *n = NULL;
	struct mm_error e;
	const char *text = v ? "true" : "false";

	mm_error_clear(&e);
	if (mm_json_parse(text, strlen(text), &n, &e) != MM_OK)
		return false;
	if (!mm_json_set(obj, key, n)) {
		mm_json_free(n);
		return false;
	}
	return true;
}

static bool
json_set_null(struct mm_json *obj, const char *key)
{
	struct mm_json *n = NULL;
	struct mm_error e;

	mm_error_clear(&e);
	if (mm_json_parse("null", 4, &n, &e) != MM_OK)
		return false;
	if (!mm_json_set(obj, key, n)) {
		mm_json_free(n);
		return false;
	}
	return true;
}

bool
mm_api_time_text(long long ms, char *buf, size_t size)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (ms < 0 && ms % 1000 != 0)
		t--;
	if (size == 0 || gmtime_r(&t, &tm) == NULL)
		return false;
	return strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) > 0;
}

bool
mm_api_url_basename(const char *url, char *buf, size_t size)
{
	const char *p = url, *end, *slash;
	size_t n = 0;

	if (url == NULL || size < 2)
		return false;
	/* skip "scheme://host" */
	if ((p = strstr(url, "://")) != NULL) {
		p += 3;
		p += strcspn(p, "/?#");
	} else {
		p = url;
	}
	end = p + strcspn(p, "?#");
	slash = end;
	while (slash > p && slash[-1] != '/')
		slash--;
	for (const char *q = slash; q < end && n + 1 < size && n < 200; q++) {
		unsigned char ch = (unsigned char)*q;

		if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' ||
		    ch == '_')
			buf[n++] = (char)ch;
		else
			buf[n++] = '_';
	}
	buf[n] = '\0';
	if (n == 0 || strcmp(buf, ".") == 0 || strcmp(buf, "..") == 0 ||
	    buf[0] == '.') {
		buf[0] = '\0';
		return false;
	}
	return true;
}

/* ---- ping and waiting ---- */

static bool
is_ok_field(const struct mm_json *doc, const char *key)
{
	const struct mm_json *v = mm_json_get(doc, key);

	return v == NULL || mm_streq(mm_json_string(v), "OK");
}

enum mm_result
mm_api_system_ping_with(struct mm_client *c,
			const struct mm_system_ping_req *req,
			struct mm_ping_result *res, struct mm_error *err)
{
	struct mm_buf path = MM_BUF_INIT;
	struct mm_http_resp resp;
	enum mm_result rc;

	memset(res, 0, sizeof(*res));
	if (!mm_buf_puts(&path,
			 "/api/v4/system/ping?use_rest_semantics=true") ||
	    (req->full && !query_add(&path, "get_server_status", "true")) ||
	    (req->device_id != NULL &&
	     !query_add(&path, "device_id", req->device_id))) {
		mm_buf_release(&path);
		return mm_error_oom(err);
	}
	mm_http_resp_init(&resp);
	rc = mm_api_request(c, "GET", mm_buf_str(&path), NULL,
			    MM_API_KEEP_ERROR, &res->doc, &resp, err);
	/* An unhealthy server may answer 500 with the ping body itself
	 * (servers before use_rest_semantics). */
	if (rc != MM_OK && resp.status >= 500 && res->doc != NULL &&
	    mm_json_type(res->doc) == MM_JSON_OBJECT &&
	    mm_json_string(mm_json_get(res->doc, "status")) != NULL) {
		mm_error_clear(err);
		rc = MM_OK;
	} else if (rc != MM_OK) {
		mm_json_free(res->doc);
		res->doc = NULL;
	} else if (mm_json_type(res->doc) != MM_JSON_OBJECT ||
		   mm_json_string(mm_json_get(res->doc, "status")) == NULL) {
		rc = mm_error_set(err, MM_ERR_RESPONSE,
				  "the ping answer has no \"status\" field");
		mm_json_free(res->doc);
		res->doc = NULL;
	}
	if (rc == MM_OK)
		res->healthy = is_ok_field(res->doc, "status") &&
			       is_ok_field(res->doc, "database_status") &&
			       is_ok_field(res->doc, "filestore_status");
	mm_http_resp_release(&resp);
	mm_buf_release(&path);
	return rc;
}

static long long
real_now_ms(void *ud)
{
	struct timespec ts;

	(void)ud;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
real_sleep_ms(void *ud, long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	(void)ud;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Failures that a server being (re)started produces. */
static bool
wait_retryable(enum mm_result rc)
{
	return rc == MM_ERR_CONNECT || rc == MM_ERR_SERVER ||
	       rc == MM_ERR_RESPONSE || rc == MM_ERR_UNAVAILABLE;
}

/* "status UNHEALTHY, database UNHEALTHY" */
static void
unhealthy_text(const struct mm_json *doc, char *buf, size_t size)
{
	const char *st = mm_json_string(mm_json_get(doc, "status"));
	const char *db = mm_json_string(mm_json_get(doc, "database_status"));
	const char *fs = mm_json_string(mm_json_get(doc, "filestore_status"));

	if (snprintf(buf, size, "the server answered status %s%s%s%s%s",
		     st ? st : "?", db ? ", database " : "", db ? db : "",
		     fs ? ", file store " : "", fs ? fs : "") < 0)
		buf[0] = '\0';
}

enum mm_result
mm_api_system_ping_wait(struct mm_client *c,
			const struct mm_system_ping_req *req,
			struct mm_system_wait *w, struct mm_ping_result *res,
			struct mm_error *err)
{
	long long (*now)(void *) = w->now_ms ? w->now_ms : real_now_ms;
	void (*pause)(void *, long) = w->sleep_ms ? w->sleep_ms : real_sleep_ms;
	long long deadline = now(w->clock_ud) + w->timeout_ms;
	char last[384] = "no answer";

	memset(res, 0, sizeof(*res));
	w->attempts = 0;
	for (;;) {
		struct mm_ping_result r;
		struct mm_error e;
		enum mm_result rc;
		long long left;

		if (w->cancel != NULL && *w->cancel)
			return mm_error_set(err, MM_ERR_CANCELLED, "cancelled");
		mm_error_clear(&e);
		rc = mm_api_system_ping_with(c, req, &r, &e);
		w->attempts++;
		if (rc == MM_OK && r.healthy) {
			mm_json_free(res->doc);
			*res = r;
			return MM_OK;
		}
		if (rc != MM_OK && !wait_retryable(rc)) {
			mm_json_free(res->doc);
			res->doc = NULL;
			*err = e;
			return rc;
		}
		if (rc == MM_OK) {
			mm_json_free(res->doc);
			*res = r;
			unhealthy_text(r.doc, last, sizeof(last));
		} else {
			mm_strlcpy(last, e.message, sizeof(last));
		}
		if (w->on_poll != NULL)
			w->on_poll(w->poll_ud, w->attempts,
				   rc == MM_OK ? NULL : &e);
		left = deadline - now(w->clock_ud);
		if (left <= 0)
			break;
		/* Sleep in short steps so a cancel is noticed. */
		for (long long nap = w->interval_ms < left ? w->interval_ms
							   : left;
		     nap > 0 && !(w->cancel != NULL && *w->cancel);) {
			long step = nap < 200 ? (long)nap : 200;

			pause(w->clock_ud, step);
			nap -= step;
		}
	}
	return mm_error_set(err, MM_ERR_SERVER,
			    "the server was not healthy after %ld s "
			    "(%u polls; last: %s)",
			    (w->timeout_ms + 999) / 1000, w->attempts, last);
}

/* ---- version ---- */

bool
mm_api_system_version_parse(const char *version_id, struct mm_system_version *v)
{
	const char *p, *dots[3] = {NULL, NULL, NULL}, *last = NULL,
		       *second_last = NULL;
	size_t ndots = 0, n;

	memset(v, 0, sizeof(*v));
	v->licensed = -1;
	if (version_id == NULL || version_id[0] == '\0')
		return false;
	mm_strlcpy(v->version_id, version_id, sizeof(v->version_id));
	for (p = version_id; *p; p++) {
		if (*p != '.')
			continue;
		if (ndots < 3)
			dots[ndots] = p;
		ndots++;
		second_last = last;
		last = p;
	}
	if (ndots < 2)
		return false;
	/* the semantic version: up to the third dot (or the end) */
	n = ndots >= 3 ? (size_t)(dots[2] - version_id) : strlen(version_id);
	if (n >= sizeof(v->version))
		return false;
	memcpy(v->version, version_id, n);
	v->version[n] = '\0';
	/* version.build.hash.licensed: the build may contain dots */
	if (ndots >= 5) {
		const char *b = dots[2] + 1;

		n = (size_t)(second_last - b);
		if (n < sizeof(v->build)) {
			memcpy(v->build, b, n);
			v->build[n] = '\0';
		}
		n = (size_t)(last - second_last - 1);
		if (n < sizeof(v->config_hash)) {
			memcpy(v->config_hash, second_last + 1, n);
			v->config_hash[n] = '\0';
		}
		if (strcmp(last + 1, "true") == 0)
			v->licensed = 1;
		else if (strcmp(last + 1, "false") == 0)
			v->licensed = 0;
	} else if (ndots >= 3) {
		mm_strlcpy(v->build, dots[2] + 1, sizeof(v->build));
	}
	return true;
}

enum mm_result
mm_api_system_version(struct mm_client *c, struct mm_system_version *v,
		      struct mm_error *err)
{
	struct mm_http_resp resp;
	struct mm_json *doc = NULL;
	enum mm_result rc;

	memset(v, 0, sizeof(*v));
	v->licensed = -1;
	mm_http_resp_init(&resp);
	rc = mm_api_request(c, "GET", "/api/v4/system/ping", NULL,
			    MM_API_KEEP_ERROR, &doc, &resp, err);
	/* An unhealthy server still tells its version (500 + ping body). */
	if (rc != MM_OK && resp.status >= 500 && resp.version_id[0] != '\0') {
		mm_error_clear(err);
		rc = MM_OK;
	}
	if (rc == MM_OK && !mm_api_system_version_parse(resp.version_id, v))
		rc = mm_error_set(err, MM_ERR_RESPONSE,
				  "the server sent no usable X-Version-Id "
				  "header ('%s')",
				  resp.version_id);
	mm_json_free(doc);
	mm_http_resp_release(&resp);
	return rc;
}

enum mm_result
mm_api_system_schema_version(struct mm_client *c, struct mm_json **out,
			     struct mm_error *err)
{
	/* A list of {"version": int, "name": string} migrations. */
	return mm_api_request(c, "GET", "/api/v4/system/schema/version", NULL,
			      MM_API_WANT_OBJECTS, out, NULL, err);
}

bool
mm_api_system_schema_latest(const struct mm_json *doc, long *version,
			    const char **name)
{
	bool found = false;

	*version = -1;
	*name = NULL;
	for (const struct mm_json *m = mm_json_first(doc); m != NULL;
	     m = mm_json_next(m)) {
		const struct mm_json *vj = mm_json_get(m, "version");

		if (mm_json_type(vj) != MM_JSON_NUMBER)
			continue;
		if (!found || mm_json_number(vj) > (double)*version) {
			*version = (long)mm_json_number(vj);
			*name = mm_json_string(mm_json_get(m, "name"));
			found = true;
		}
	}
	return found;
}

struct mm_json *
mm_api_system_version_doc(const struct mm_system_version *v,
			  long schema_version, const char *schema_name)
{
	struct mm_json *o = mm_json_new_object();
	bool ok = o != NULL;

	ok = ok && mm_json_set_string(o, "server_version", v->version) &&
	     mm_json_set_string(o, "build_number", v->build) &&
	     mm_json_set_string(o, "config_hash", v->config_hash);
	if (ok && v->licensed >= 0)
		ok = mm_api_json_set_bool(o, "licensed", v->licensed == 1);
	else if (ok)
		ok = json_set_null(o, "licensed");
	ok = ok && mm_json_set_string(o, "version_id", v->version_id);
	if (ok && schema_version >= 0)
		ok = mm_api_json_set_number(o, "schema_version",
					    (double)schema_version) &&
		     mm_json_set_string(o, "schema_name",
					schema_name ? schema_name : "");
	if (!ok) {
		mm_json_free(o);
		return NULL;
	}
	return o;
}

/* ---- simple reads and actions ---- */

enum mm_result
mm_api_system_timezones(struct mm_client *c, struct mm_json **out,
			struct mm_error *err)
{
	return mm_api_request(c, "GET", "/api/v4/system/timezones", NULL,
			      MM_API_WANT_STRINGS, out, NULL, err);
}

enum mm_result
mm_api_system_notices(struct mm_client *c,
		      const struct mm_system_notices_req *req,
		      struct mm_json **out, struct mm_error *err)
{
	struct mm_buf path = MM_BUF_INIT;
	enum mm_result rc;

	*out = NULL;
	if (!mm_buf_puts(&path, "/api/v4/system/notices/") ||
	    !mm_http_escape(req->team_id, &path) ||
	    !query_add(&path, "clientVersion",
		       req->client_version ? req->client_version : "") ||
	    !query_add(&path, "client", req->client ? req->client : "") ||
	    (req->locale != NULL && !query_add(&path, "locale", req->locale))) {
		mm_buf_release(&path);
		return mm_error_oom(err);
	}
	rc = mm_api_request(c, "GET", mm_buf_str(&path), NULL,
			    MM_API_WANT_OBJECTS, out, NULL, err);
	mm_buf_release(&path);
	return rc;
}

static struct mm_json *
string_array(const char *const *v, size_t n)
{
	struct mm_json *arr = mm_json_new_array();

	for (size_t i = 0; arr != NULL && i < n; i++) {
		struct mm_json *s = mm_json_new_string(v[i]);

		if (s == NULL || !mm_json_append(arr, s)) {
			mm_json_free(s);
			mm_json_free(arr);
			return NULL;
		}
	}
	return arr;
}

enum mm_result
mm_api_system_notices_view(struct mm_client *c, const char *const *ids,
			   size_t n, struct mm_json **out, struct mm_error *err)
{
	struct mm_json *body = string_array(ids, n);
	enum mm_result rc;

	*out = NULL;
	if (body == NULL)
		return mm_error_oom(err);
	rc = mm_api_request(c, "PUT", "/api/v4/system/notices/view", body,
			    MM_API_EMPTY_OK, out, NULL, err);
	mm_json_free(body);
	return rc;
}

enum mm_result
mm_api_system_onboarding(struct mm_client *c, struct mm_json **out,
			 struct mm_error *err)
{
	return mm_api_request(c, "GET", "/api/v4/system/onboarding/complete",
			      NULL, MM_API_WANT_OBJECT, out, NULL, err);
}

enum mm_result
mm_api_system_onboarding_complete(struct mm_client *c, const char *organization,
				  const char *const *plugins, size_t nplugins,
				  struct mm_json **out, struct mm_error *err)
{
	struct mm_json *body = mm_json_new_object(),
		       *list = string_array(plugins, nplugins);
	enum mm_result rc;

	*out = NULL;
	if (body == NULL || list == NULL ||
	    !mm_json_set_string(body, "organization",
				organization ? organization : "") ||
	    !mm_json_set(body, "install_plugins", list)) {
		mm_json_free(body);
		mm_json_free(list);
		return mm_error_oom(err);
	}
	rc = mm_api_request(c, "POST", "/api/v4/system/onboarding/complete",
			    body, MM_API_EMPTY_OK, out, NULL, err);
	mm_json_free(body);
	return rc;
}

enum mm_result
mm_api_system_email_test(struct mm_client *c, const struct mm_json *config,
			 struct mm_json **out, struct mm_error *err)
{
	return mm_api_request(c, "POST", "/api/v4/email/test", config,
			      MM_API_EMPTY_OK, out, NULL, err);
}

enum mm_result
mm_api_system_notification_test(struct mm_client *c, struct mm_json **out,
				struct mm_error *err)
{
	return mm_api_request(c, "POST", "/api/v4/notifications/test", NULL,
			      MM_API_EMPTY_OK, out, NULL, err);
}

enum mm_result
mm_api_system_site_url_test(struct mm_client *c, const char *site_url,
			    struct mm_json **out, struct mm_error *err)
{
	struct mm_json *body = mm_json_new_object();
	enum mm_result rc;

	*out = NULL;
	if (body == NULL || !mm_json_set_string(body, "site_url", site_url)) {
		mm_json_free(body);
		return mm_error_oom(err);
	}
	rc = mm_api_request(c, "POST", "/api/v4/site_url/test", body,
			    MM_API_EMPTY_OK, out, NULL, err);
	mm_json_free(body);
	return rc;
}

enum mm_result
mm_api_system_analytics(struct mm_client *c, const char *name,
			const char *team_id, struct mm_json **out,
			struct mm_error *err)
{
	struct mm_buf path = MM_BUF_INIT;
	enum mm_result rc;

	*out = NULL;
	if (!mm_buf_puts(&path, "/api/v4/analytics/old") ||
	    (name != NULL && !query_add(&path, "name", name)) ||
	    (team_id != NULL && !query_add(&path, "team_id", team_id))) {
		mm_buf_release(&path);
		return mm_error_oom(err);
	}
	rc = mm_api_request(c, "GET", mm_buf_str(&path), NULL,
			    MM_API_WANT_OBJECTS, out, NULL, err);
	mm_buf_release(&path);
	return rc;
}

enum mm_result
mm_api_system_latest_version(struct mm_client *c, struct mm_json **out,
			     struct mm_error *err)
{
	return mm_api_request(c, "GET", "/api/v4/latest_version", NULL,
			      MM_API_WANT_OBJECT, out, NULL, err);
}

enum mm_result
mm_api_system_redirect_location(struct mm_client *c, const char *url,
				struct mm_json **out, struct mm_error *err)
{
	struct mm_buf path = MM_BUF_INIT;
	enum mm_result rc;

	*out = NULL;
	if (!mm_buf_puts(&path, "/api/v4/redirect_location") ||
	    !query_add(&path, "url", url)) {
		mm_buf_release(&path);
		return mm_error_oom(err);
	}
	rc = mm_api_request(c, "GET", mm_buf_str(&path), NULL, 0, out, NULL,
			    err);
	mm_buf_release(&path);
	return rc;
}

/* ---- server busy ---- */

enum mm_result
mm_api_system_busy_get(struct mm_client *c, struct mm_json **out,
		       struct mm_error *err)
{
	return mm_api_request(c, "GET", "/api/v4/server_busy", NULL,
			      MM_API_WANT_OBJECT, out, NULL, err);
}

enum mm_result
mm_api_system_busy_set(struct mm_client *c, long seconds, struct mm_json **out,
		       struct mm_error *err)
{
	char path[96];

	if (seconds > 0)
		snprintf(path, sizeof(path), "/api/v4/server_busy?seconds=%ld",
			 seconds);
	else
		snprintf(path, sizeof(path), "/api/v4/server_busy");
	return mm_api_request(c, "POST", path, NULL,
			      MM_API_EMPTY_OK | MM_API_SAFE_POST, out, NULL,
			      err);
}

enum mm_result
mm_api_system_busy_clear(struct mm_client *c, struct mm_json **out,
			 struct mm_error *err)
{
	return mm_api_request(c, "DELETE", "/api/v4/server_busy", NULL,
			      MM_API_EMPTY_OK, out, NULL, err);
}

/* ---- upgrade and restart ---- */

enum mm_result
mm_api_system_upgrade(struct mm_client *c, struct mm_json **out,
		      struct mm_error *err)
{
	enum mm_result rc =
		mm_api_request(c, "POST", "/api/v4/upgrade_to_enterprise", NULL,
			       MM_API_EMPTY_OK, out, NULL, err);

	/* 429 is the server's way to say "not again": a refusal, not a
	 * server failure. */
	if (rc != MM_OK && err->http_status == 429 &&
	    strncmp(err->server_id, "api.upgrade_to_enterprise.", 26) == 0)
		err->kind = rc = MM_ERR_REJECTED;
	return rc;
}

enum mm_result
mm_api_system_upgrade_status(struct mm_client *c, struct mm_json **out,
			     struct mm_error *err)
{
	return mm_api_request(c, "GET", "/api/v4/upgrade_to_enterprise/status",
			      NULL, MM_API_WANT_OBJECT, out, NULL, err);
}

enum mm_result
mm_api_system_upgrade_allowed(struct mm_client *c, struct mm_json **out,
			      struct mm_error *err)
{
	return mm_api_request(c, "GET", "/api/v4/upgrade_to_enterprise/allowed",
			      NULL, MM_API_EMPTY_OK, out, NULL, err);
}

enum mm_result
mm_api_system_restart(struct mm_client *c, struct mm_json **out, bool *dropped,
		      struct mm_error *err)
{
	enum mm_result rc = mm_api_request(c, "POST", "/api/v4/restart", NULL,
					   MM_API_EMPTY_OK, out, NULL, err);

	*dropped = false;
	if ((rc == MM_ERR_CONNECT || rc == MM_ERR_RESPONSE) &&
	    err->http_status == 0) {
		mm_error_clear(err);
		*dropped = true;
		rc = MM_OK;
	}
	return rc;
}

/* ---- integrity ---- */

enum mm_result
mm_api_system_integrity(struct mm_client *c, struct mm_json **out,
			struct mm_error *err)
{
	enum mm_result rc = mm_api_request(c, "POST", "/api/v4/integrity", NULL,
					   MM_API_EMPTY_OK, out, NULL, err);

	if (rc == MM_OK && *out != NULL &&
	    mm_json_type(*out) != MM_JSON_ARRAY &&
	    mm_json_type(*out) != MM_JSON_NULL) {
		mm_json_free(*out);
		*out = NULL;
		rc = mm_error_set(err, MM_ERR_RESPONSE,
				  "expected a list of integrity checks");
	}
	return rc;
}

bool
mm_api_system_integrity_summary(const struct mm_json *doc,
				struct mm_integrity_summary *s)
{
	memset(s, 0, sizeof(*s));
	if (mm_json_type(doc) == MM_JSON_NULL)
		return true;
	if (mm_json_type(doc) != MM_JSON_ARRAY)
		return false;
	for (const struct mm_json *chk = mm_json_first(doc); chk != NULL;
	     chk = mm_json_next(chk)) {
		const struct mm_json *e = mm_json_get(chk, "err");

		if (mm_json_type(chk) != MM_JSON_OBJECT)
			return false;
		s->checks++;
		if (e != NULL && mm_json_type(e) != MM_JSON_NULL)
			s->failed++;
		s->orphans += mm_json_size(mm_json_path(chk, "data.records"));
	}
	return true;
}

/* ---- audits, caches ---- */

void
mm_api_system_audits_req(struct mm_page_req *r)
{
	r->path = "/api/v4/audits";
	r->page_param = NULL;
	r->per_page_param = NULL;
	r->items_key = NULL;
}

enum mm_result
mm_api_system_caches_invalidate(struct mm_client *c, struct mm_json **out,
				struct mm_error *err)
{
	return mm_api_request(c, "POST", "/api/v4/caches/invalidate", NULL,
			      MM_API_EMPTY_OK | MM_API_SAFE_POST, out, NULL,
			      err);
}

/* ---- e2e AI bridge ---- */

static enum mm_result
ai_bridge_missing(enum mm_result rc, struct mm_error *err)
{
	if (rc == MM_ERR_NOTFOUND &&
	    strcmp(err->server_id, "api.context.404.app_error") == 0) {
		long status = err->http_status;

		mm_error_set(err, MM_ERR_UNAVAILABLE,
			     "this server has no /api/v4/system/e2e/ai_bridge "
			     "(it needs a newer server, with "
			     "ServiceSettings.EnableTesting on)");
		err->http_status = status;
		return MM_ERR_UNAVAILABLE;
	}
	return rc;
}

enum mm_result
mm_api_system_ai_bridge_get(struct mm_client *c, struct mm_json **out,
			    struct mm_error *err)
{
	return ai_bridge_missing(mm_api_request(c, "GET",
						"/api/v4/system/e2e/ai_bridge",
						NULL, 0, out, NULL, err),
				 err);
}

enum mm_result
mm_api_system_ai_bridge_set(struct mm_client *c, const struct mm_json *config,
			    struct mm_json **out, struct mm_error *err)
{
	return ai_bridge_missing(
		mm_api_request(c, "PUT", "/api/v4/system/e2e/ai_bridge", config,
			       MM_API_EMPTY_OK, out, NULL, err),
		err);
}

enum mm_result
mm_api_system_ai_bridge_delete(struct mm_client *c, struct mm_json **out,
			       struct mm_error *err)
{
	return ai_bridge_missing(
		mm_api_request(c, "DELETE", "/api/v4/system/e2e/ai_bridge",
			       NULL, MM_API_EMPTY_OK, out, NULL, err),
		err);
}

/* ---- push acknowledgement ---- */

enum mm_result
mm_api_system_push_ack(struct mm_client *c, const struct mm_push_ack *ack,
		       struct mm_json **out, struct mm_error *err)
{
	struct mm_json *body = mm_json_new_object();
	enum mm_result rc;
	bool ok;

	*out = NULL;
	ok = body != NULL && mm_json_set_string(body, "id", ack->id) &&
	     mm_json_set_string(body, "platform",
				ack->platform ? ack->platform : "") &&
	     mm_json_set_string(body, "type", ack->type ? ack->type : "") &&
	     mm_api_json_set_number(body, "received_at",
				    (double)ack->received_at) &&
	     mm_api_json_set_bool(body, "is_id_loaded", ack->is_id_loaded);
	if (ok && ack->post_id != NULL)
		ok = mm_json_set_string(body, "post_id", ack->post_id);
	if (!ok) {
		mm_json_free(body);
		return mm_error_oom(err);
	}
	rc = mm_api_request(c, "POST", "/api/v4/notifications/ack", body,
			    MM_API_EMPTY_OK, out, NULL, err);
	mm_json_free(body);
	return rc;
}

/* ---- manual test ---- */

enum mm_result
mm_api_system_manual_test(struct mm_client *c,
			  const struct mm_manual_test_req *req,
			  struct mm_manual_test_result *res,
			  struct mm_error *err)
{
	struct mm_buf path = MM_BUF_INIT;
	struct mm_http_resp resp;
	enum mm_result rc;

	memset(res, 0, sizeof(*res));
	if (!mm_buf_puts(&path, "/manualtest") ||
	    !query_add(&path, "test", req->test) ||
	    (req->uid != NULL && !query_add(&path, "uid", req->uid)) ||
	    (req->username != NULL &&
	     !query_add(&path, "username", req->username)) ||
	    (req->teamname != NULL &&
	     !query_add(&path, "teamname", req->teamname))) {
		mm_buf_release(&path);
		return mm_error_oom(err);
	}
	/* A GET, but it creates users and teams: a dry run sends nothing. */
	if (c->dry_run) {
		if (c->dry_run_fn != NULL)
			c->dry_run_fn(c->dry_run_ud, "GET", mm_buf_str(&path),
				      NULL);
		mm_buf_release(&path);
		return MM_OK;
	}
	mm_http_resp_init(&resp);
	rc = mm_api_send(c, "GET", mm_buf_str(&path), NULL,
			 MM_API_RAW_BODY | MM_API_EMPTY_OK, NULL, &resp, err);
	res->status = resp.status;
	mm_strlcpy(res->location, resp.location, sizeof(res->location));
	if (rc != MM_OK && resp.status >= 300 && resp.status < 400) {
		mm_error_clear(err);
		rc = MM_OK;
	} else if (rc == MM_OK &&
		   strncmp(resp.content_type, "text/html", 9) == 0) {
		rc = mm_error_set(err, MM_ERR_UNAVAILABLE,
				  "the server answered with its web app, not "
				  "a test: /manualtest exists only with "
				  "ServiceSettings.EnableTesting on");
		err->http_status = resp.status;
	}
	mm_http_resp_release(&resp);
	mm_buf_release(&path);
	return rc;
}
