/* `mmadm api`: any API v4 call. */
#include "mmadm/api_raw.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum mm_result
mm_api_raw_method(const char *in, char *buf, size_t size, struct mm_error *err)
{
	static const char *const methods[] = {"GET",    "POST", "PUT", "PATCH",
					      "DELETE", "HEAD", NULL};

	for (size_t i = 0; methods[i] != NULL; i++)
		if (strcasecmp(in, methods[i]) == 0)
			return mm_strlcpy(buf, methods[i], size)
				       ? MM_OK
				       : mm_error_set(err, MM_ERR_OTHER,
						      "internal: buffer");
	return mm_error_set(err, MM_ERR_USAGE,
			    "METHOD is one of GET, POST, PUT, PATCH, DELETE, "
			    "HEAD, not '%.40s'",
			    in);
}

/* The byte at s (a character or a %XX escape) and its length. */
static int
path_char(const char *s, size_t *len)
{
	static const char hex[] = "0123456789abcdef";
	const char *hi, *lo;

	*len = 1;
	if (s[0] != '%' || s[1] == '\0' || s[2] == '\0')
		return (unsigned char)s[0];
	hi = strchr(hex, tolower((unsigned char)s[1]));
	lo = strchr(hex, tolower((unsigned char)s[2]));
	if (hi == NULL || lo == NULL)
		return (unsigned char)s[0];
	*len = 3;
	return (int)((hi - hex) * 16 + (lo - hex));
}

/* True when the path part of p (before any '?') has a "." or ".."
 * segment, also written with %2e, or split by an encoded '/' or '\':
 * libcurl and the server's router resolve those, and the request would
 * leave /api/v4. */
static bool
has_dot_segment(const char *p)
{
	size_t dots = 0, other = 0;

	for (;;) {
		size_t len = 1;
		int ch = *p == '\0' || *p == '?' ? '/' : path_char(p, &len);

		if (ch == '/' || ch == '\\') {
			if (dots > 0 && dots <= 2 && other == 0)
				return true;
			if (*p == '\0' || *p == '?')
				return false;
			dots = other = 0;
		} else if (ch == '.') {
			dots++;
		} else {
			other++;
		}
		p += len;
	}
}

enum mm_result
mm_api_raw_path(const char *in, struct mm_buf *out, struct mm_error *err)
{
	const char *p = in;
	bool ok;

	if (strncasecmp(in, "http://", 7) == 0 ||
	    strncasecmp(in, "https://", 8) == 0)
		return mm_error_set(err, MM_ERR_USAGE,
				    "PATH is a path such as /users/me: the "
				    "server comes from the profile, --url or "
				    "MMADM_URL");
	for (const unsigned char *c = (const unsigned char *)in; *c; c++)
		if (*c <= ' ' || *c == 0x7f)
			return mm_error_set(
				err, MM_ERR_USAGE,
				"PATH must not contain spaces or "
				"control characters (percent-encode "
				"them)");
	if (*p == '\0')
		return mm_error_set(err, MM_ERR_USAGE, "PATH is empty");
	if (has_dot_segment(p))
		return mm_error_set(err, MM_ERR_USAGE,
				    "PATH is an endpoint under /api/v4: '.' "
				    "and '..' segments (also as %%2e) are not "
				    "allowed, not '%.60s'",
				    in);
	while (p[0] == '/' && p[1] == '/')
		p++;
	if (strncmp(p, "/api/v4/", 8) == 0 || strcmp(p, "/api/v4") == 0)
		ok = mm_buf_puts(out, p);
	else if (strncmp(p, "api/v4/", 7) == 0)
		ok = mm_buf_putc(out, '/') && mm_buf_puts(out, p);
	else
		ok = mm_buf_puts(out, "/api/v4") &&
		     (*p == '/' || mm_buf_putc(out, '/')) &&
		     mm_buf_puts(out, p);
	return ok ? MM_OK : mm_error_oom(err);
}

enum mm_result
mm_api_raw_header(const char *h, struct mm_error *err)
{
	const char *colon = strchr(h, ':');

	if (colon == NULL || colon == h)
		return mm_error_set(err, MM_ERR_USAGE,
				    "-H takes 'Name: value', not '%.60s'", h);
	for (const char *c = h; c < colon; c++)
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_')
			return mm_error_set(err, MM_ERR_USAGE,
					    "-H: '%.*s' is not a header name",
					    (int)(colon - h), h);
	for (const char *c = colon; *c; c++)
		if ((unsigned char)*c < ' ' && *c != '\t')
			return mm_error_set(err, MM_ERR_USAGE,
					    "-H: control characters in a "
					    "header value");
	if ((colon - h == 13 && strncasecmp(h, "Authorization", 13) == 0) ||
	    (colon - h == 6 && strncasecmp(h, "Cookie", 6) == 0))
		return mm_error_set(err, MM_ERR_USAGE,
				    "-H %.*s: secrets never travel on the "
				    "command line; the token comes from the "
				    "profile or MMADM_TOKEN",
				    (int)(colon - h), h);
	return MM_OK;
}

/* ---- fields ------------------------------------------------------------ */

struct field {
	struct mm_strv keys; /* "a", "b" ... ; "" = append to an array */
	char *value;         /* text */
	bool typed;
};

static void
field_release(struct field *f)
{
	mm_strv_release(&f->keys);
	if (f->value != NULL) {
		mm_wipe(f->value, strlen(f->value));
		free(f->value);
	}
	memset(f, 0, sizeof(*f));
}

/* A field's value is a JSON string: the file must be UTF-8 text. A NUL
 * would cut it short. */
static enum mm_result
file_text_check(const char *path, const struct mm_buf *text,
		struct mm_error *err)
{
	const char *name = strcmp(path, "-") == 0 ? "standard input" : path;
	const char *nul = memchr(text->data, '\0', text->len);
	size_t bad = mm_utf8_invalid_at(text->data, text->len);

	if (nul != NULL && (size_t)(nul - text->data) < bad)
		return mm_error_set(err, MM_ERR_USAGE,
				    "%s has a NUL byte at offset %zu: a field "
				    "is text; send raw bytes as the body with "
				    "--input",
				    name, (size_t)(nul - text->data));
	if (bad < text->len)
		return mm_error_set(err, MM_ERR_USAGE,
				    "%s is not valid UTF-8 at offset %zu: a "
				    "field is text; send raw bytes as the body "
				    "with --input",
				    name, bad);
	return MM_OK;
}

static enum mm_result
field_parse(const struct mm_raw_field *rf, struct field *f,
	    struct mm_error *err)
{
	const char *spec = rf->spec, *eq = strchr(spec, '='), *p, *br;
	const char *opt = rf->typed ? "-F" : "-f";
	char name[256];
	size_t n;

	memset(f, 0, sizeof(*f));
	f->typed = rf->typed;
	if (eq == NULL || eq == spec)
		return mm_error_set(err, MM_ERR_USAGE,
				    "%s takes KEY=VALUE, not '%.60s'", opt,
				    spec);
	br = memchr(spec, '[', (size_t)(eq - spec));
	n = (size_t)((br != NULL ? br : eq) - spec);
	if (n == 0 || n >= sizeof(name))
		goto bad;
	memcpy(name, spec, n);
	name[n] = '\0';
	if (!mm_strv_push(&f->keys, name))
		goto oom;
	for (p = spec + n; p < eq;) {
		const char *close;

		if (*p != '[')
			goto bad;
		close = memchr(p, ']', (size_t)(eq - p));
		if (close == NULL || (size_t)(close - p - 1) >= sizeof(name))
			goto bad;
		n = (size_t)(close - p - 1);
		memcpy(name, p + 1, n);
		name[n] = '\0';
		/* "[]" appends: only last */
		if (n == 0 && close + 1 != eq)
			goto bad;
		if (!mm_strv_push(&f->keys, name))
			goto oom;
		p = close + 1;
	}
	if (rf->typed && eq[1] == '@') {
		struct mm_buf text = MM_BUF_INIT;
		enum mm_result rc = mm_read_file(
			eq + 2, (size_t)64 * 1024 * 1024, &text, err);

		if (rc != MM_OK) {
			mm_buf_wipe(&text);
			field_release(f);
			mm_error_prefix(err, "%s %.*s", opt, (int)(eq - spec),
					spec);
			return rc;
		}
		rc = file_text_check(eq + 2, &text, err);
		if (rc != MM_OK) {
			mm_buf_wipe(&text);
			field_release(f);
			mm_error_prefix(err, "%s %.*s=@", opt, (int)(eq - spec),
					spec);
			return rc;
		}
		f->value = mm_buf_take(&text);
		f->typed = false; /* file contents are text */
	} else {
		f->value = mm_strdup(eq + 1);
	}
	if (f->value == NULL)
		goto oom;
	return MM_OK;
bad:
	field_release(f);
	return mm_error_set(err, MM_ERR_USAGE,
			    "%s: malformed key in '%.60s' (KEY, KEY[SUB]... or "
			    "KEY[])",
			    opt, spec);
oom:
	field_release(f);
	return mm_error_oom(err);
}

static bool
is_integer(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '\0' || strlen(s) > 15)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static struct mm_json *
field_value(const struct field *f)
{
	struct mm_json *j = NULL;
	struct mm_error ignore;

	if (f->typed &&
	    (strcmp(f->value, "true") == 0 || strcmp(f->value, "false") == 0 ||
	     strcmp(f->value, "null") == 0 || is_integer(f->value))) {
		mm_error_clear(&ignore);
		if (mm_json_parse(f->value, strlen(f->value), &j, &ignore) ==
		    MM_OK)
			return j;
	}
	return mm_json_new_string(f->value);
}

/* Walk/create the objects for keys[0..n-2] under root. */
static enum mm_result
place(struct mm_json *root, const struct field *f, struct mm_error *err)
{
	struct mm_json *node = root, *v;
	size_t last = f->keys.n - 1;

	for (size_t i = 0; i < last; i++) {
		struct mm_json *next =
			(struct mm_json *)mm_json_get(node, f->keys.v[i]);
		bool array = f->keys.v[i + 1][0] == '\0';

		if (next == NULL) {
			next = array ? mm_json_new_array()
				     : mm_json_new_object();
			if (next == NULL ||
			    !mm_json_set(node, f->keys.v[i], next)) {
				mm_json_free(next);
				return mm_error_oom(err);
			}
		} else if (mm_json_type(next) !=
			   (array ? MM_JSON_ARRAY : MM_JSON_OBJECT)) {
			return mm_error_set(err, MM_ERR_USAGE,
					    "field %s is given both as a value "
					    "and as %s",
					    f->keys.v[i],
					    array ? "a list" : "an object");
		}
		node = next;
	}
	v = field_value(f);
	if (v == NULL)
		return mm_error_oom(err);
	if (f->keys.v[last][0] == '\0') {
		if (!mm_json_append(node, v)) {
			mm_json_free(v);
			return mm_error_oom(err);
		}
		return MM_OK;
	}
	if (mm_json_get(node, f->keys.v[last]) != NULL) {
		mm_json_free(v);
		return mm_error_set(err, MM_ERR_USAGE,
				    "field %s is given twice (use KEY[] for a "
				    "list)",
				    f->keys.v[last]);
	}
	if (!mm_json_set(node, f->keys.v[last], v)) {
		mm_json_free(v);
		return mm_error_oom(err);
	}
	return MM_OK;
}

enum mm_result
mm_api_raw_body(const struct mm_raw_field *fs, size_t n, struct mm_json **out,
		struct mm_error *err)
{
	struct mm_json *root = mm_json_new_object();
	enum mm_result rc = MM_OK;

	*out = NULL;
	if (root == NULL)
		return mm_error_oom(err);
	for (size_t i = 0; i < n && rc == MM_OK; i++) {
		struct field f;

		rc = field_parse(&fs[i], &f, err);
		if (rc != MM_OK)
			break;
		rc = place(root, &f, err);
		field_release(&f);
	}
	if (rc != MM_OK) {
		mm_json_free(root);
		return rc;
	}
	*out = root;
	return MM_OK;
}

enum mm_result
mm_api_raw_query(const struct mm_raw_field *fs, size_t n, struct mm_buf *path,
		 struct mm_error *err)
{
	bool has_query = strchr(mm_buf_str(path), '?') != NULL;

	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(fs[i].spec, '=');
		struct field f;
		struct mm_buf key = MM_BUF_INIT;
		enum mm_result rc = field_parse(&fs[i], &f, err);
		bool ok;

		if (rc != MM_OK)
			return rc;
		ok = mm_buf_append(&key, fs[i].spec,
				   (size_t)(eq - fs[i].spec)) &&
		     mm_buf_puts(&key, "") &&
		     mm_buf_putc(path, has_query ? '&' : '?') &&
		     mm_http_escape(mm_buf_str(&key), path) &&
		     mm_buf_putc(path, '=') && mm_http_escape(f.value, path);
		has_query = true;
		mm_buf_release(&key);
		field_release(&f);
		if (!ok)
			return mm_error_oom(err);
	}
	return MM_OK;
}

/* ---- calling ------------------------------------------------------------ */

void
mm_api_raw_result_release(struct mm_raw_result *res)
{
	if (res == NULL)
		return;
	mm_json_free(res->doc);
	mm_buf_release(&res->body);
	memset(res, 0, sizeof(*res));
}

static bool
looks_json(const struct mm_http_resp *resp)
{
	size_t i = 0;

	if (strstr(resp->content_type, "json") != NULL)
		return true;
	while (i < resp->body.len && isspace((unsigned char)resp->body.data[i]))
		i++;
	return i < resp->body.len &&
	       (resp->body.data[i] == '{' || resp->body.data[i] == '[');
}

enum mm_result
mm_api_raw_call(struct mm_client *c, const struct mm_raw_req *r,
		struct mm_raw_result *res, struct mm_error *err)
{
	struct mm_http_resp resp;
	struct mm_api_body body;
	enum mm_result rc;

	memset(res, 0, sizeof(*res));
	memset(&body, 0, sizeof(body));
	body.json = r->json;
	body.raw = r->input;
	body.raw_size = r->input_size;
	body.raw_type = r->content_type;
	body.headers = r->headers;
	mm_http_resp_init(&resp);
	rc = mm_api_send(c, r->method, r->path, &body,
			 MM_API_RAW_BODY | MM_API_EMPTY_OK, NULL, &resp, err);
	res->status = resp.status;
	mm_strlcpy(res->content_type, resp.content_type,
		   sizeof(res->content_type));
	if (rc == MM_OK && resp.body.len > 0) {
		struct mm_error perr;

		mm_error_clear(&perr);
		if (!looks_json(&resp) ||
		    mm_json_parse(resp.body.data, resp.body.len, &res->doc,
				  &perr) != MM_OK) {
			res->doc = NULL;
			res->body = resp.body;
			mm_buf_init(&resp.body);
		}
	}
	mm_http_resp_release(&resp);
	return rc;
}

/* Take "name=value" out of the query of path; *value gets a copy. */
static bool
take_param(struct mm_buf *path, const char *name, char **value)
{
	char *q = strchr(path->data, '?');
	size_t n = strlen(name);

	*value = NULL;
	while (q != NULL) {
		char *start = q + 1, *end = strchr(start, '&');
		size_t len = end ? (size_t)(end - start) : strlen(start);

		if (len > n && strncmp(start, name, n) == 0 &&
		    start[n] == '=') {
			free(*value);
			*value = malloc(len - n);
			if (*value == NULL)
				return false;
			memcpy(*value, start + n + 1, len - n - 1);
			(*value)[len - n - 1] = '\0';
			/* drop "?name=v" or "&name=v", keep the separator
			 * when something follows */
			if (end == NULL) {
				*q = '\0';
				path->len = strlen(path->data);
				break;
			}
			memmove(start, end + 1, strlen(end + 1) + 1);
			path->len = strlen(path->data);
			continue;
		}
		q = end;
	}
	return true;
}

enum mm_result
mm_api_raw_paginate(struct mm_client *c, const char *path, mm_item_fn item_fn,
		    mm_page_fn page_fn, void *ud, struct mm_error *err)
{
	struct mm_buf p = MM_BUF_INIT;
	struct mm_page_req req;
	char *page = NULL, *per = NULL;
	enum mm_result rc;

	if (!mm_buf_puts(&p, path) || !take_param(&p, "page", &page) ||
	    !take_param(&p, "per_page", &per)) {
		rc = mm_error_oom(err);
		goto out;
	}
	memset(&req, 0, sizeof(req));
	req.path = mm_buf_str(&p);
	req.page = page != NULL ? strtol(page, NULL, 10) : 0;
	req.per_page = per != NULL ? strtol(per, NULL, 10) : MM_MAX_PER_PAGE;
	if (req.per_page <= 0 || req.per_page > MM_MAX_PER_PAGE)
		req.per_page = MM_MAX_PER_PAGE;
	req.all = true;
	req.shape_hint = "--paginate needs an endpoint that answers a list";
	rc = mm_api_paged(c, &req, item_fn, page_fn, ud, err);
out:
	free(page);
	free(per);
	mm_buf_release(&p);
	return rc;
}
