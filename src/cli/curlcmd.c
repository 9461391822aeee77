/* --curl: each request as the curl command that does the same. */
#include "mmadm/cli_ext.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool
mm_shell_quote(const char *s, struct mm_buf *out)
{
	bool ok = mm_buf_putc(out, '\'');

	for (; ok && *s != '\0'; s++)
		ok = *s == '\'' ? mm_buf_puts(out, "'\\''")
				: mm_buf_putc(out, *s);
	return ok && mm_buf_putc(out, '\'');
}

/* Inside double quotes: $ ` " \ escaped (for a value that holds a
 * variable reference around literal text). */
static bool
dquote_text(const char *s, size_t n, struct mm_buf *out)
{
	bool ok = true;

	for (size_t i = 0; ok && i < n; i++) {
		if (strchr("$`\"\\", s[i]) != NULL)
			ok = mm_buf_putc(out, '\\');
		ok = ok && mm_buf_putc(out, s[i]);
	}
	return ok;
}

/* "X-RemoteCluster-Token: v" -> a secret header (value not shown). */
static bool
secret_header(const char *h, size_t *name_len)
{
	const char *colon = strchr(h, ':');

	if (colon == NULL)
		return false;
	*name_len = (size_t)(colon - h);
	return colon - h >= 5 && strncasecmp(colon - 5, "token", 5) == 0;
}

static bool
arg(struct mm_buf *out, const char *opt, const char *value)
{
	return mm_buf_puts(out, " \\\n  ") && mm_buf_puts(out, opt) &&
	       (value == NULL ||
		(mm_buf_putc(out, ' ') && mm_shell_quote(value, out)));
}

static bool
header_arg(struct mm_buf *out, const char *h)
{
	size_t n = 0;

	if (!secret_header(h, &n))
		return arg(out, "-H", h);
	/* -H "Name: $MMADM_NAME": the value comes from the environment. */
	if (!mm_buf_puts(out, " \\\n  -H \"") || !dquote_text(h, n, out) ||
	    !mm_buf_puts(out, ": $MMADM_"))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)h[i];

		if (!mm_buf_putc(out, isalnum(c) ? (char)toupper(c) : '_'))
			return false;
	}
	return mm_buf_putc(out, '"');
}

/* The body as sent, except secret fields of a JSON body. */
static bool
body_text(const struct mm_http_req *req, struct mm_buf *out)
{
	struct mm_json *doc = NULL, *red = NULL;
	struct mm_error ignore;
	bool ok;

	mm_error_clear(&ignore);
	if (mm_json_parse(req->body, req->body_len, &doc, &ignore) != MM_OK)
		return mm_buf_append(out, req->body, req->body_len) &&
		       mm_buf_puts(out, "");
	red = mm_config_redact(doc);
	ok = red != NULL && mm_json_print(red, false, out);
	mm_json_free(red);
	mm_json_free(doc);
	return ok;
}

/* A word in curl's -F syntax: in double quotes, " and \ escaped. */
static bool
form_quoted(const char *w, struct mm_buf *v)
{
	bool ok = mm_buf_putc(v, '"');

	for (; ok && *w != '\0'; w++)
		ok = ((*w == '"' || *w == '\\') ? mm_buf_putc(v, '\\')
						: true) &&
		     mm_buf_putc(v, *w);
	return ok && mm_buf_putc(v, '"');
}

/* -F name=@"local path";filename="remote name";type=T: curl reads the
 * local file; the name the server sees is given when it differs from
 * the local file's own name. A part without a local path (read from a
 * stream) shows the remote name. */
static bool
file_part(const struct mm_http_part *p, struct mm_buf *out)
{
	struct mm_buf v = MM_BUF_INIT;
	const char *fn = p->filename != NULL ? p->filename : "upload";
	const char *local = p->path != NULL ? p->path : fn;
	const char *slash = strrchr(local, '/');
	const char *base = slash != NULL ? slash + 1 : local;
	bool ok = mm_buf_puts(&v, p->name) && mm_buf_puts(&v, "=@") &&
		  form_quoted(local, &v);

	if (ok && strcmp(base, fn) != 0)
		ok = mm_buf_puts(&v, ";filename=") && form_quoted(fn, &v);
	ok = ok &&
	     (p->type == NULL || mm_buf_printf(&v, ";type=%s", p->type)) &&
	     arg(out, "-F", mm_buf_str(&v));
	mm_buf_release(&v);
	return ok;
}

bool
mm_curl_command(const struct mm_curl_target *t, const struct mm_http_req *req,
		struct mm_buf *out)
{
	struct mm_buf url = MM_BUF_INIT, tmp = MM_BUF_INIT;
	const char *m = req->method;
	bool ok = true, has_ctype = false;

	for (size_t i = 0; req->headers != NULL && req->headers[i] != NULL; i++)
		if (strncasecmp(req->headers[i], "Content-Type:", 13) == 0)
			has_ctype = true;
	if (req->upload != NULL)
		ok = mm_buf_printf(out,
				   "# the %llu-byte body is read from standard "
				   "input\n",
				   (unsigned long long)req->upload_size);
	ok = ok &&
	     mm_buf_puts(&url, t->socket != NULL ? "http://localhost"
						 : (t->url ? t->url : "")) &&
	     mm_buf_puts(&url, req->path) && mm_buf_puts(out, "curl -sS");
	if (ok && t->socket != NULL)
		ok = mm_buf_puts(out, " --unix-socket ") &&
		     mm_shell_quote(t->socket, out);
	if (ok && t->insecure)
		ok = mm_buf_puts(out, " -k");
	if (ok && t->cacert != NULL)
		ok = mm_buf_puts(out, " --cacert ") &&
		     mm_shell_quote(t->cacert, out);
	if (ok && t->timeout_s > 0)
		ok = mm_buf_printf(out, " --max-time %ld", t->timeout_s);
	ok = ok && mm_buf_puts(out, " --compressed");
	if (ok && strcmp(m, "HEAD") == 0)
		ok = mm_buf_puts(out, " --head");
	else if (ok && strcmp(m, "GET") != 0 &&
		 !(strcmp(m, "POST") == 0 &&
		   (req->body != NULL || req->nparts > 0)))
		ok = mm_buf_puts(out, " -X ") && mm_buf_puts(out, m);
	ok = ok && mm_buf_putc(out, ' ') &&
	     mm_shell_quote(mm_buf_str(&url), out);
	if (ok && t->token && t->socket == NULL && !req->no_auth)
		ok = mm_buf_puts(out, " \\\n  -H \"Authorization: Bearer "
				      "$MMADM_TOKEN\"");
	if (ok && t->user_agent != NULL)
		ok = arg(out, "-A", t->user_agent);
	ok = ok && arg(out, "-H", "Accept: application/json") &&
	     (req->no_cookies ||
	      arg(out, "-H", "X-Requested-With: XMLHttpRequest"));
	for (size_t i = 0;
	     ok && req->headers != NULL && req->headers[i] != NULL; i++)
		ok = header_arg(out, req->headers[i]);
	if (ok && req->nparts > 0) {
		for (size_t i = 0; ok && i < req->nparts; i++) {
			const struct mm_http_part *p = &req->parts[i];

			if (p->file != NULL) {
				ok = file_part(p, out);
			} else {
				mm_buf_reset(&tmp);
				ok = mm_buf_printf(&tmp, "%s=%s", p->name,
						   p->value ? p->value : "") &&
				     arg(out, "--form-string",
					 mm_buf_str(&tmp));
			}
		}
	} else if (ok && req->upload != NULL) {
		mm_buf_reset(&tmp);
		ok = (has_ctype ||
		      (mm_buf_printf(&tmp, "Content-Type: %s",
				     req->content_type
					     ? req->content_type
					     : "application/octet-stream") &&
		       arg(out, "-H", mm_buf_str(&tmp)))) &&
		     arg(out, "--data-binary", "@-");
	} else if (ok && req->body != NULL) {
		mm_buf_reset(&tmp);
		ok = (has_ctype ||
		      (mm_buf_printf(&tmp, "Content-Type: %s",
				     req->content_type ? req->content_type
						       : "application/json") &&
		       arg(out, "-H", mm_buf_str(&tmp))));
		mm_buf_reset(&tmp);
		ok = ok && body_text(req, &tmp) &&
		     arg(out, "--data-binary", mm_buf_str(&tmp));
	}
	ok = ok && mm_buf_putc(out, '\n');
	mm_buf_release(&url);
	mm_buf_wipe(&tmp);
	return ok;
}

/* ---- the hook ---- */

struct mm_curl_show {
	FILE *dest;
	bool send_reads;
	bool stopped;
	bool failed;
	struct mm_ctx *ctx;
	mm_send_fn real_send;
	void *real_ud;
};

struct mm_curl_show *
mm_curl_show_new(FILE *dest, bool send_reads)
{
	struct mm_curl_show *s = calloc(1, sizeof(*s));

	if (s != NULL) {
		s->dest = dest;
		s->send_reads = send_reads;
	}
	return s;
}

void
mm_curl_show_free(struct mm_curl_show *s)
{
	free(s);
}

bool
mm_curl_show_stopped(const struct mm_curl_show *s)
{
	return s->stopped;
}

bool
mm_curl_show_failed(const struct mm_curl_show *s)
{
	return s->failed;
}

static void
show(struct mm_curl_show *s, const struct mm_http_req *req)
{
	struct mm_ctx *ctx = s->ctx;
	struct mm_curl_target t;
	struct mm_buf line = MM_BUF_INIT;

	memset(&t, 0, sizeof(t));
	t.url = ctx->target.local ? NULL : ctx->target.url;
	t.socket = ctx->target.local ? ctx->target.socket : NULL;
	t.token = !ctx->target.local && ctx->target.token != NULL;
	t.insecure = mm_args_bool(ctx->globals, "insecure", false);
	t.cacert = mm_args_get(ctx->globals, "cacert");
	t.timeout_s = ctx->timeout_s;
	t.user_agent = "mmadm/" MMADM_VERSION " (linux)";
	if (!mm_curl_command(&t, req, &line) ||
	    fwrite(line.data, 1, line.len, s->dest) != line.len ||
	    fflush(s->dest) != 0)
		s->failed = true;
	mm_buf_release(&line);
}

static enum mm_result
curl_send(void *ud, const struct mm_http_req *req, struct mm_http_resp *resp,
	  struct mm_error *err)
{
	struct mm_curl_show *s = ud;

	show(s, req);
	if (!s->send_reads || strcmp(req->method, "GET") != 0) {
		s->stopped = true;
		return mm_error_set(err, MM_ERR_CANCELLED, "not sent (--curl)");
	}
	return s->real_send(s->real_ud, req, resp, err);
}

static void
curl_dry_req(void *ud, const struct mm_http_req *req)
{
	show(((struct mm_ctx *)ud)->curl, req);
}

static void
curl_dry(void *ud, const char *method, const char *path, const char *body)
{
	struct mm_http_req req;

	memset(&req, 0, sizeof(req));
	req.method = method;
	req.path = path;
	req.body = body;
	req.body_len = body != NULL ? strlen(body) : 0;
	show(((struct mm_ctx *)ud)->curl, &req);
}

void
mm_curl_attach(struct mm_ctx *ctx, struct mm_client *c)
{
	struct mm_curl_show *s = ctx->curl;

	if (s == NULL || c->send == curl_send)
		return;
	s->ctx = ctx;
	s->real_send = c->send;
	s->real_ud = c->send_ud;
	c->send = curl_send;
	c->send_ud = s;
	/* Writes are never sent: the command runs as a dry run whose
	 * requests are printed whole. */
	c->dry_run = true;
	c->dry_run_fn = curl_dry;
	c->dry_run_req_fn = curl_dry_req;
	c->dry_run_ud = ctx;
}
