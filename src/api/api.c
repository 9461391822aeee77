/* The generic JSON request and AppError handling. */
#include "mmadm/api.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static enum mm_result
http_send(void *ud, const struct mm_http_req *req, struct mm_http_resp *resp,
	  struct mm_error *err)
{
	return mm_http_do(ud, req, resp, err);
}

void
mm_client_init(struct mm_client *c, struct mm_http *http, bool local)
{
	memset(c, 0, sizeof(*c));
	c->send = http_send;
	c->send_ud = http;
	c->local = local;
}

/* Copy at most n bytes of server text into dst as one safe line. */
static void
excerpt(char *dst, size_t size, const char *src, size_t n)
{
	size_t j = 0;

	for (size_t i = 0; i < n && j + 1 < size; i++) {
		unsigned char ch = (unsigned char)src[i];

		dst[j++] = (char)((ch < 0x20 || ch == 0x7f) ? ' ' : ch);
	}
	while (j > 0 && dst[j - 1] == ' ')
		j--;
	dst[j] = '\0';
}

static const char *
status_text(long status)
{
	switch (status) {
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 413:
		return "Payload Too Large";
	case 422:
		return "Unprocessable Entity";
	case 429:
		return "Too Many Requests";
	case 500:
		return "Internal Server Error";
	case 501:
		return "Not Implemented";
	case 502:
		return "Bad Gateway";
	case 503:
		return "Service Unavailable";
	case 504:
		return "Gateway Timeout";
	default:
		return "";
	}
}

enum mm_result
mm_api_error_from_response(const struct mm_http_resp *resp,
			   struct mm_error *err)
{
	enum mm_result kind = mm_result_from_http(resp->status);
	struct mm_json *doc = NULL;
	struct mm_error perr;
	const char *id = NULL, *msg = NULL, *detail = NULL, *rid = NULL;

	if (kind == MM_OK)
		kind = MM_ERR_RESPONSE;
	err->http_status = resp->status;
	mm_strlcpy(err->request_id, resp->request_id, sizeof(err->request_id));
	if (resp->status >= 300 && resp->status < 400) {
		char loc[256];

		excerpt(loc, sizeof(loc), resp->location,
			strlen(resp->location));
		return mm_error_set(err, MM_ERR_RESPONSE,
				    "the server answered HTTP %ld, a redirect "
				    "to '%s'; redirects are not followed: use "
				    "the final address with --url",
				    resp->status, loc);
	}
	mm_error_clear(&perr);
	if (resp->body.len > 0 &&
	    mm_json_parse(resp->body.data, resp->body.len, &doc, &perr) ==
		    MM_OK &&
	    mm_json_type(doc) == MM_JSON_OBJECT) {
		id = mm_json_string(mm_json_get(doc, "id"));
		msg = mm_json_string(mm_json_get(doc, "message"));
		detail = mm_json_string(mm_json_get(doc, "detailed_error"));
		rid = mm_json_string(mm_json_get(doc, "request_id"));
	}
	if (msg != NULL) {
		char m[300];

		excerpt(m, sizeof(m), msg, strlen(msg));
		if (id != NULL && id[0] != '\0') {
			excerpt(err->server_id, sizeof(err->server_id), id,
				strlen(id));
			mm_error_set(err, kind, "%s (HTTP %ld, %s)", m,
				     resp->status, err->server_id);
		} else {
			mm_error_set(err, kind, "%s (HTTP %ld)", m,
				     resp->status);
		}
		if (detail != NULL)
			excerpt(err->detail, sizeof(err->detail), detail,
				strlen(detail));
		if (rid != NULL && rid[0] != '\0')
			excerpt(err->request_id, sizeof(err->request_id), rid,
				strlen(rid));
	} else if (resp->body.len == 0) {
		mm_error_set(err, kind, "HTTP %ld %s with an empty body",
			     resp->status, status_text(resp->status));
	} else {
		char body[200];

		excerpt(body, sizeof(body), resp->body.data,
			resp->body.len < 160 ? resp->body.len : 160);
		mm_error_set(err, kind, "HTTP %ld %s: %s%s", resp->status,
			     status_text(resp->status), body,
			     resp->body.len > 160 ? "..." : "");
	}
	/* The server's own text does not say which limit (its detail, when
	 * developer mode is off, is empty). */
	if (mm_streq(err->server_id,
		     "api.context.request_body_too_large.app_error") ||
	    (id == NULL && resp->body.len >= 28 &&
	     memcmp(resp->body.data, "http: request body too large", 28) == 0))
		mm_error_prefix(err, "the request is over the server's size "
				     "limit (ServiceSettings."
				     "MaximumPayloadSizeBytes, or FileSettings."
				     "MaxFileSize for files)");
	err->http_status = resp->status;
	mm_json_free(doc);
	return err->kind;
}

bool
mm_api_status_ok(const struct mm_json *doc)
{
	return mm_streq(mm_json_string(mm_json_get(doc, "status")), "OK");
}

static void
describe_dry_run(struct mm_client *c, const char *method, const char *path,
		 const struct mm_api_body *body, struct mm_buf *shown)
{
	if (body != NULL && body->json != NULL) {
		struct mm_json *red = mm_config_redact(body->json);

		if (red == NULL || !mm_json_print(red, true, shown))
			mm_buf_reset(shown);
		mm_json_free(red);
	} else if (body != NULL && body->nparts > 0) {
		for (size_t i = 0; i < body->nparts; i++) {
			const struct mm_http_part *p = &body->parts[i];

			if (p->file != NULL)
				mm_buf_printf(shown,
					      "%sform file %s: %s (%llu bytes)",
					      i ? "\n" : "", p->name,
					      p->filename ? p->filename : "",
					      (unsigned long long)p->size);
			else
				mm_buf_printf(shown, "%sform field %s: %s",
					      i ? "\n" : "", p->name,
					      p->value ? p->value : "");
		}
	} else if (body != NULL && body->raw != NULL) {
		mm_buf_printf(shown, "(%llu bytes of %s)",
			      (unsigned long long)body->raw_size,
			      body->raw_type ? body->raw_type
					     : "application/octet-stream");
	}
	for (size_t i = 0;
	     body != NULL && body->headers != NULL && body->headers[i] != NULL;
	     i++) {
		const char *h = body->headers[i], *colon = strchr(h, ':');
		bool secret = colon != NULL && colon - h >= 5 &&
			      strncasecmp(colon - 5, "token", 5) == 0;

		if (secret)
			mm_buf_printf(shown, "%sheader %.*s [redacted]",
				      shown->len ? "\n" : "",
				      (int)(colon - h + 1), h);
		else
			mm_buf_printf(shown, "%sheader %s",
				      shown->len ? "\n" : "", h);
	}
	c->dry_run_fn(c->dry_run_ud, method, path,
		      shown->len ? mm_buf_str(shown) : NULL);
}

enum mm_result
mm_api_send(struct mm_client *c, const char *method, const char *path,
	    const struct mm_api_body *body, unsigned flags,
	    struct mm_json **out, struct mm_http_resp *resp_out,
	    struct mm_error *err)
{
	struct mm_http_resp local_resp, *resp;
	struct mm_http_req req;
	struct mm_buf text = MM_BUF_INIT;
	enum mm_result rc;
	bool ok2xx;

	mm_http_resp_init(&local_resp);
	resp = resp_out != NULL ? resp_out : &local_resp;
	if (out != NULL)
		*out = NULL;
	if (body != NULL && body->json != NULL &&
	    !mm_json_print(body->json, false, &text)) {
		rc = mm_error_oom(err);
		goto out;
	}
	memset(&req, 0, sizeof(req));
	req.method = method;
	req.path = path;
	if (body != NULL && body->json != NULL) {
		req.body = mm_buf_str(&text);
		req.body_len = text.len;
	} else if (body != NULL && body->nparts > 0) {
		req.parts = body->parts;
		req.nparts = body->nparts;
	} else if (body != NULL && body->raw != NULL) {
		req.upload = body->raw;
		req.upload_size = body->raw_size;
		req.content_type = body->raw_type ? body->raw_type
						  : "application/octet-stream";
	}
	if (body != NULL) {
		req.progress = body->progress;
		req.progress_ud = body->progress_ud;
		req.headers = body->headers;
		req.no_auth = body->no_auth;
	}
	req.idempotent = (flags & MM_API_SAFE_POST) != 0;
	req.no_cookies = (flags & MM_API_NO_COOKIES) != 0;
	if (c->dry_run && strcmp(method, "GET") != 0) {
		if (c->dry_run_req_fn != NULL) {
			c->dry_run_req_fn(c->dry_run_ud, &req);
		} else if (c->dry_run_fn != NULL) {
			struct mm_buf shown = MM_BUF_INIT;

			describe_dry_run(c, method, path, body, &shown);
			mm_buf_release(&shown);
		}
		rc = MM_OK;
		goto out;
	}
	rc = c->send(c->send_ud, &req, resp, err);
	if (rc != MM_OK)
		goto out;
	if (resp->version_id[0] != '\0')
		mm_strlcpy(c->server_version, resp->version_id,
			   sizeof(c->server_version));
	ok2xx = resp->status >= 200 && resp->status < 300;
	if (!ok2xx) {
		rc = mm_api_error_from_response(resp, err);
		if ((flags & MM_API_KEEP_ERROR) && out != NULL &&
		    resp->body.len > 0) {
			struct mm_error ignore;

			mm_error_clear(&ignore);
			if (mm_json_parse(resp->body.data, resp->body.len, out,
					  &ignore) != MM_OK)
				*out = NULL;
		}
		goto out;
	}
	if (flags & MM_API_RAW_BODY)
		goto out;
	if (resp->body.len == 0) {
		if (!(flags & MM_API_EMPTY_OK))
			rc = mm_error_set(err, MM_ERR_RESPONSE,
					  "the server answered HTTP %ld with "
					  "an empty body where JSON was "
					  "expected",
					  resp->status);
		goto out;
	}
	if (out != NULL) {
		rc = mm_json_parse(resp->body.data, resp->body.len, out, err);
		if (rc != MM_OK)
			mm_error_prefix(err,
					"the server's answer (HTTP %ld) is not "
					"valid JSON",
					resp->status);
		else
			rc = mm_api_check_shape(*out, flags, err);
		if (rc != MM_OK) {
			mm_json_free(*out);
			*out = NULL;
		}
	}
out:
	mm_buf_wipe(&text);
	if (resp != resp_out)
		mm_http_resp_release(resp);
	return rc;
}

enum mm_result
mm_api_check_shape(const struct mm_json *doc, unsigned flags,
		   struct mm_error *err)
{
	enum mm_json_type t = mm_json_type(doc), want = MM_JSON_ARRAY;
	const char *what = NULL, *elem = NULL;

	if (flags & MM_API_WANT_OBJECT) {
		want = MM_JSON_OBJECT;
		what = "an object";
	} else if (flags & MM_API_WANT_STRINGS) {
		what = "a list of strings";
		elem = "string";
	} else if (flags & MM_API_WANT_OBJECTS) {
		what = "a list of objects";
		elem = "object";
	} else {
		return MM_OK;
	}
	if (t == MM_JSON_NULL && want == MM_JSON_ARRAY)
		return MM_OK;
	if (t != want)
		return mm_error_set(err, MM_ERR_RESPONSE,
				    "unexpected response: expected %s, got %s",
				    what, mm_json_type_name(t));
	for (const struct mm_json *m = mm_json_first(doc);
	     elem != NULL && m != NULL; m = mm_json_next(m)) {
		enum mm_json_type et = mm_json_type(m);

		if (strcmp(mm_json_type_name(et), elem) != 0)
			return mm_error_set(err, MM_ERR_RESPONSE,
					    "unexpected response: expected %s, "
					    "got a list with an element of "
					    "type %s",
					    what, mm_json_type_name(et));
	}
	return MM_OK;
}

enum mm_result
mm_api_request(struct mm_client *c, const char *method, const char *path,
	       const struct mm_json *body, unsigned flags, struct mm_json **out,
	       struct mm_http_resp *resp, struct mm_error *err)
{
	struct mm_api_body b;

	memset(&b, 0, sizeof(b));
	b.json = body;
	return mm_api_send(c, method, path, body ? &b : NULL, flags, out, resp,
			   err);
}

bool
mm_api_version_from_header(const char *version_id, char *buf, size_t size)
{
	int dots = 0;
	size_t i;

	if (version_id == NULL || version_id[0] == '\0')
		return false;
	for (i = 0; version_id[i] != '\0'; i++) {
		if (version_id[i] == '.' && ++dots == 3)
			break;
	}
	if (dots < 2 || i + 1 > size)
		return false;
	memcpy(buf, version_id, i);
	buf[i] = '\0';
	return true;
}

bool
mm_api_valid_id(const char *id)
{
	size_t n = 0;

	if (id == NULL)
		return false;
	for (; id[n] != '\0'; n++)
		if (!isalnum((unsigned char)id[n]))
			return false;
	return n == 26;
}

enum mm_result
mm_api_bad_id(struct mm_error *err, const char *what, const char *id)
{
	return mm_error_set(err, MM_ERR_USAGE,
			    "invalid %s '%s': expected 26 letters and digits",
			    what, id ? id : "");
}
