/* Transport over one reusable libcurl easy handle. */
#include "mmadm/http.h"

#include "mmadm/rand.h"
#include "multi_internal.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <time.h>

#define MM_DEFAULT_MAX_RESPONSE ((size_t)64 * 1024 * 1024)
#define MM_RETRY_CAP_MS 8000L

struct mm_http {
	CURL *curl;
	char *base_url;
	char *unix_socket;
	char *token;
	char *user_agent;
	size_t max_response;
	int retries;
	mm_trace_fn trace;
	void *trace_ud;
	volatile int *cancel;
	struct mm_http_multi *multi; /* fleet mode: perform through it */
	long connections;
	char errbuf[CURL_ERROR_SIZE];
	/* per-transfer state */
	struct mm_http_resp *resp;
	const struct mm_http_req *req;
	bool over_cap;
	bool sink_failed;
	uint64_t upload_left; /* bytes of req->upload still to send */
	off_t upload_start;   /* where the body starts in req->upload */
};

static bool curl_ready;

static void trace_line(struct mm_http *h, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
trace_line(struct mm_http *h, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (h->trace == NULL)
		return;
	va_start(ap, fmt);
	if (vsnprintf(line, sizeof(line), fmt, ap) < 0)
		line[0] = '\0';
	va_end(ap);
	h->trace(h->trace_ud, line);
}

void
mm_http_resp_init(struct mm_http_resp *r)
{
	memset(r, 0, sizeof(*r));
	mm_buf_init(&r->body);
	r->retry_after = -1;
}

void
mm_http_resp_release(struct mm_http_resp *r)
{
	if (r == NULL)
		return;
	mm_buf_release(&r->body);
	mm_wipe(r->token, sizeof(r->token));
	mm_http_resp_init(r);
}

static void
resp_reset(struct mm_http_resp *r)
{
	int tries = r->tries;

	mm_buf_reset(&r->body);
	mm_wipe(r->token, sizeof(r->token));
	r->status = 0;
	r->content_type[0] = r->version_id[0] = r->request_id[0] = '\0';
	r->location[0] = r->content_disposition[0] = '\0';
	r->retry_after = -1;
	r->tries = tries;
}

static void
set_str(char **dst, const char *src)
{
	if (*dst != NULL) {
		mm_wipe(*dst, strlen(*dst));
		free(*dst);
	}
	*dst = mm_strdup(src);
}

/* From <openssl/crypto.h> and <openssl/ssl.h> (1.1.0 and later): the
 * values are part of OpenSSL's ABI. Looked up with dlsym, as libssl is
 * libcurl's dependency, not ours. */
#define MM_OSSL_NO_LOAD_CRYPTO_STRINGS 0x00000001UL
#define MM_OSSL_NO_LOAD_CONFIG 0x00000080UL
#define MM_OSSL_NO_ATEXIT 0x00080000UL
#define MM_OSSL_NO_LOAD_SSL_STRINGS 0x00100000UL

bool
mm_http_promise_no_tls(void)
{
	const curl_version_info_data *v;
	int (*init_ssl)(uint64_t, const void *);
	void *sym;

	if (curl_ready)
		return false;
	v = curl_version_info(CURLVERSION_NOW);
	if (v == NULL || v->ssl_version == NULL ||
	    (strncmp(v->ssl_version, "OpenSSL/3", 9) != 0 &&
	     strncmp(v->ssl_version, "OpenSSL/1.1", 11) != 0))
		return false;
	sym = dlsym(RTLD_DEFAULT, "OPENSSL_init_ssl");
	if (sym == NULL)
		return false;
	memcpy(&init_ssl, &sym, sizeof(init_ssl));
	return init_ssl(MM_OSSL_NO_LOAD_CONFIG | MM_OSSL_NO_ATEXIT |
				MM_OSSL_NO_LOAD_CRYPTO_STRINGS |
				MM_OSSL_NO_LOAD_SSL_STRINGS,
			NULL) == 1;
}

enum mm_result
mm_http_global_init(struct mm_error *err)
{
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return mm_error_set(err, MM_ERR_OTHER,
					    "cannot initialise libcurl");
		curl_ready = true;
	}
	return MM_OK;
}

enum mm_result
mm_http_new(const struct mm_http_config *cfg, struct mm_http **out,
	    struct mm_error *err)
{
	struct mm_http *h;
	CURL *c;
	long ct;

	*out = NULL;
	if (mm_http_global_init(err) != MM_OK)
		return err->kind;
	h = calloc(1, sizeof(*h));
	if (h == NULL)
		return mm_error_oom(err);
	h->curl = c = curl_easy_init();
	if (c == NULL) {
		free(h);
		return mm_error_set(err, MM_ERR_OTHER,
				    "cannot create a libcurl handle");
	}
	set_str(&h->base_url,
		cfg->unix_socket != NULL ? "http://localhost" : cfg->base_url);
	set_str(&h->unix_socket, cfg->unix_socket);
	set_str(&h->token, cfg->token);
	set_str(&h->user_agent, cfg->user_agent ? cfg->user_agent : "mmadm");
	if (h->base_url == NULL || h->user_agent == NULL) {
		mm_http_free(h);
		return mm_error_oom(err);
	}
	h->max_response =
		cfg->max_response ? cfg->max_response : MM_DEFAULT_MAX_RESPONSE;
	h->retries = cfg->retries < 0 ? 0 : cfg->retries;
	h->trace = cfg->trace;
	h->trace_ud = cfg->trace_ud;
	h->cancel = cfg->cancel;
	h->multi = cfg->multi;

	ct = cfg->connect_timeout_s > 0 ? cfg->connect_timeout_s : 10;
	if (cfg->timeout_s > 0 && cfg->timeout_s < ct)
		ct = cfg->timeout_s;
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf);
	curl_easy_setopt(c, CURLOPT_USERAGENT, h->user_agent);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, ct);
	curl_easy_setopt(c, CURLOPT_TIMEOUT,
			 cfg->timeout_s > 0 ? cfg->timeout_s : 0L);
	/* A stalled transfer ends: under 1 byte/s for 30 s. */
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 30L);
	curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, cfg->insecure ? 0L : 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, cfg->insecure ? 0L : 2L);
	if (cfg->cacert != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, cfg->cacert);
	if (h->unix_socket != NULL)
		curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, h->unix_socket);
	*out = h;
	return MM_OK;
}

void
mm_http_free(struct mm_http *h)
{
	if (h == NULL)
		return;
	if (h->curl != NULL)
		curl_easy_cleanup(h->curl);
	set_str(&h->base_url, NULL);
	set_str(&h->unix_socket, NULL);
	set_str(&h->token, NULL);
	set_str(&h->user_agent, NULL);
	free(h);
}

void
mm_http_set_token(struct mm_http *h, const char *token)
{
	set_str(&h->token, token);
}

long
mm_http_connections(const struct mm_http *h)
{
	return h->connections;
}

const char *
mm_http_lib_version(void)
{
	/* Not curl_version(): it initialises every protocol library libcurl
	 * was built with (LDAP, SASL plugins ...), a quarter of the cost of
	 * `mmadm --version`. */
	static char buf[128];
	const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);

	if (snprintf(buf, sizeof(buf), "libcurl/%s%s%s", v->version,
		     v->ssl_version ? " " : "",
		     v->ssl_version ? v->ssl_version : "") < 0)
		buf[0] = '\0';
	return buf;
}

bool
mm_http_escape(const char *s, struct mm_buf *out)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		    *p == '.' || *p == '~') {
			if (!mm_buf_putc(out, (char)*p))
				return false;
		} else {
			char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};

			if (!mm_buf_append(out, e, 3))
				return false;
		}
	}
	return true;
}

/* Copy a header value (trimmed) into dst if name matches. */
static bool
header_match(const char *line, size_t len, const char *name, char *dst,
	     size_t size)
{
	size_t n = strlen(name), vlen;
	const char *v;

	if (len <= n || line[n] != ':' || strncasecmp(line, name, n) != 0)
		return false;
	v = line + n + 1;
	vlen = len - n - 1;
	while (vlen > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		vlen--;
	}
	while (vlen > 0 && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n' ||
			    v[vlen - 1] == ' '))
		vlen--;
	if (vlen >= size)
		vlen = size - 1;
	memcpy(dst, v, vlen);
	dst[vlen] = '\0';
	return true;
}

static size_t
on_header(char *data, size_t size, size_t nmemb, void *ud)
{
	struct mm_http *h = ud;
	struct mm_http_resp *r = h->resp;
	size_t len = size * nmemb;
	char tmp[32];

	if (len > 5 && strncmp(data, "HTTP/", 5) == 0) {
		/* A new response (e.g. after 100 Continue): start over. */
		resp_reset(r);
		return len;
	}
	if (header_match(data, len, "Content-Type", r->content_type,
			 sizeof(r->content_type)) ||
	    header_match(data, len, "X-Version-Id", r->version_id,
			 sizeof(r->version_id)) ||
	    header_match(data, len, "X-Request-Id", r->request_id,
			 sizeof(r->request_id)) ||
	    header_match(data, len, "Token", r->token, sizeof(r->token)) ||
	    header_match(data, len, "Location", r->location,
			 sizeof(r->location)) ||
	    header_match(data, len, "Content-Disposition",
			 r->content_disposition,
			 sizeof(r->content_disposition)))
		return len;
	if (header_match(data, len, "Retry-After", tmp, sizeof(tmp))) {
		char *end;
		long v = strtol(tmp, &end, 10);

		if (end != tmp && *end == '\0' && v >= 0)
			r->retry_after = v;
	}
	return len;
}

static size_t
on_body(char *data, size_t size, size_t nmemb, void *ud)
{
	struct mm_http *h = ud;
	size_t len = size * nmemb;
	long status = 0;

	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &status);
	if (h->req->sink != NULL && status >= 200 && status < 300) {
		if (!h->req->sink(h->req->sink_ud, data, len)) {
			h->sink_failed = true;
			return 0;
		}
		return len;
	}
	if (h->resp->body.len + len > h->max_response) {
		h->over_cap = true;
		return 0;
	}
	if (!mm_buf_append(&h->resp->body, data, len))
		return 0;
	return len;
}

static size_t
on_read(char *buf, size_t size, size_t nmemb, void *ud)
{
	struct mm_http *h = ud;
	size_t want = size * nmemb, n;

	/* Exactly upload_size bytes: a chunk of a larger file ends there
	 * (libcurl would otherwise send past the Content-Length). */
	if (want > h->upload_left)
		want = (size_t)h->upload_left;
	if (want == 0)
		return 0;
	n = fread(buf, 1, want, h->req->upload);
	if (n == 0 && ferror(h->req->upload))
		return CURL_READFUNC_ABORT;
	h->upload_left -= n;
	return n;
}

/* libcurl rewinds the body to resend it on a fresh connection when the
 * reused one died. Only for idempotent requests: a POST may have been
 * (partly) processed, e.g. an upload chunk the server kept part of, so
 * its caller decides (the rewind fails and so does the request). */
static int
on_seek(void *ud, curl_off_t offset, int origin)
{
	struct mm_http *h = ud;

	if (h->req == NULL || h->req->upload == NULL || origin != SEEK_SET ||
	    offset < 0 || (uint64_t)offset > h->req->upload_size)
		return CURL_SEEKFUNC_CANTSEEK;
	if (!h->req->idempotent && strcmp(h->req->method, "PUT") != 0)
		return CURL_SEEKFUNC_FAIL;
	if (fseeko(h->req->upload, h->upload_start + (off_t)offset, SEEK_SET) !=
	    0)
		return CURL_SEEKFUNC_FAIL;
	h->upload_left = h->req->upload_size - (uint64_t)offset;
	return CURL_SEEKFUNC_OK;
}

static size_t
on_part_read(char *buf, size_t size, size_t nmemb, void *ud)
{
	FILE *f = ud;
	size_t n = fread(buf, size, nmemb, f);

	if (n == 0 && ferror(f))
		return CURL_READFUNC_ABORT;
	return n;
}

static int
on_part_seek(void *ud, curl_off_t offset, int origin)
{
	FILE *f = ud;

	return fseeko(f, (off_t)offset, origin) == 0 ? CURL_SEEKFUNC_OK
						     : CURL_SEEKFUNC_FAIL;
}

static enum mm_result
build_mime(CURL *c, const struct mm_http_req *req, curl_mime **out,
	   struct mm_error *err)
{
	curl_mime *mime = curl_mime_init(c);

	*out = mime;
	if (mime == NULL)
		return mm_error_oom(err);
	for (size_t i = 0; i < req->nparts; i++) {
		const struct mm_http_part *p = &req->parts[i];
		curl_mimepart *part = curl_mime_addpart(mime);
		CURLcode cc;

		if (part == NULL)
			return mm_error_oom(err);
		cc = curl_mime_name(part, p->name);
		if (cc == CURLE_OK && p->file != NULL) {
			cc = curl_mime_data_cb(part, (curl_off_t)p->size,
					       on_part_read, on_part_seek, NULL,
					       p->file);
			if (cc == CURLE_OK)
				cc = curl_mime_filename(
					part,
					p->filename ? p->filename : "upload");
			if (cc == CURLE_OK)
				cc = curl_mime_type(part,
						    p->type ? p->type
							    : "application/"
							      "octet-stream");
		} else if (cc == CURLE_OK) {
			cc = curl_mime_data(part, p->value ? p->value : "",
					    CURL_ZERO_TERMINATED);
		}
		if (cc != CURLE_OK)
			return mm_error_set(err, MM_ERR_OTHER,
					    "cannot build the upload: %s",
					    curl_easy_strerror(cc));
	}
	return MM_OK;
}

static int
on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
	    curl_off_t ulnow)
{
	struct mm_http *h = ud;

	if (h->cancel != NULL && *h->cancel)
		return 1;
	if (h->req->progress != NULL) {
		if (h->req->upload != NULL || h->req->nparts > 0)
			h->req->progress(h->req->progress_ud, (uint64_t)ulnow,
					 (uint64_t)ultotal);
		else
			h->req->progress(h->req->progress_ud, (uint64_t)dlnow,
					 (uint64_t)dltotal);
	}
	return 0;
}

/* "Token:", "X-RemoteCluster-Token:", "X-CSRF-Token:" ...: a secret. */
static bool
token_header(const char *line)
{
	const char *colon = strchr(line, ':');

	return colon != NULL && colon - line >= 5 &&
	       strncasecmp(colon - 5, "token", 5) == 0;
}

/* Trace one block of header lines, redacting secrets. */
static void
trace_headers(struct mm_http *h, char prefix, const char *data, size_t len)
{
	const char *p = data, *end = data + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char line[768];

		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n > 0) {
			if (n >= sizeof(line))
				n = sizeof(line) - 1;
			memcpy(line, p, n);
			line[n] = '\0';
			for (size_t i = 0; i < n; i++)
				if ((unsigned char)line[i] < 0x20 ||
				    line[i] == 0x7f)
					line[i] = '?';
			if (strncasecmp(line, "Authorization:", 14) == 0)
				trace_line(h, "%c Authorization: [redacted]",
					   prefix);
			else if (token_header(line) ||
				 strncasecmp(line, "Cookie:", 7) == 0 ||
				 strncasecmp(line, "Set-Cookie:", 11) == 0)
				trace_line(h, "%c %.*s [redacted]", prefix,
					   (int)(strchr(line, ':') - line + 1),
					   line);
			else
				trace_line(h, "%c %s", prefix, line);
		}
		if (nl == NULL)
			break;
		p = nl + 1;
	}
}

static int
on_debug(CURL *c, curl_infotype type, char *data, size_t size, void *ud)
{
	struct mm_http *h = ud;

	(void)c;
	switch (type) {
	case CURLINFO_TEXT:
		trace_headers(h, '*', data, size);
		break;
	case CURLINFO_HEADER_OUT:
		trace_headers(h, '>', data, size);
		break;
	case CURLINFO_HEADER_IN:
		trace_headers(h, '<', data, size);
		break;
	default:
		break;
	}
	return 0;
}

static const char *
target_name(const struct mm_http *h)
{
	return h->unix_socket != NULL ? h->unix_socket : h->base_url;
}

static enum mm_result
map_curl_error(struct mm_http *h, CURLcode cc, struct mm_error *err)
{
	const char *why = h->errbuf[0] ? h->errbuf : curl_easy_strerror(cc);
	const char *what = h->unix_socket != NULL ? "local socket" : "server";

	switch (cc) {
	case CURLE_ABORTED_BY_CALLBACK:
		return mm_error_set(err, MM_ERR_CANCELLED, "cancelled");
	case CURLE_WRITE_ERROR:
		if (h->over_cap)
			return mm_error_set(
				err, MM_ERR_RESPONSE,
				"the response from %s is larger than %zu bytes",
				target_name(h), h->max_response);
		if (h->sink_failed)
			return mm_error_set(err, MM_ERR_IO,
					    "cannot write the download: %s",
					    strerror(errno));
		return mm_error_oom(err);
	case CURLE_READ_ERROR:
		return mm_error_set(err, MM_ERR_IO,
				    "cannot read the upload: %s", why);
	case CURLE_PARTIAL_FILE:
		return mm_error_set(err, MM_ERR_RESPONSE,
				    "the connection to %s closed before the "
				    "whole response arrived",
				    target_name(h));
	case CURLE_SEND_FAIL_REWIND:
		/* on_seek refused to resend a body that may have been
		 * (partly) processed. */
		return mm_error_set(err, MM_ERR_CONNECT,
				    "the connection to %s broke during the "
				    "request (not sent again: the server may "
				    "have processed part of it)",
				    target_name(h));
	case CURLE_GOT_NOTHING:
		return mm_error_set(err, MM_ERR_CONNECT,
				    "the connection to %s closed without an "
				    "answer",
				    target_name(h));
	case CURLE_OPERATION_TIMEDOUT:
		return mm_error_set(err, MM_ERR_CONNECT,
				    "%s %s did not answer in time: %s", what,
				    target_name(h), why);
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
		if (strstr(why, "host name") != NULL ||
		    strstr(why, "subject name") != NULL)
			return mm_error_set(
				err, MM_ERR_CONNECT,
				"TLS failure with %s: %s (the "
				"certificate was issued for another "
				"name: use that name in the URL)",
				target_name(h), why);
		return mm_error_set(
			err, MM_ERR_CONNECT,
			"TLS failure with %s: %s (use --cacert FILE "
			"for a private CA)",
			target_name(h), why);
	default:
		return mm_error_set(err, MM_ERR_CONNECT,
				    "cannot connect to %s %s: %s", what,
				    target_name(h), why);
	}
}

static bool
retryable(long status)
{
	return status == 429 || status == 502 || status == 503 || status == 504;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static long
backoff_ms(int attempt, long retry_after)
{
	long ms = 500L << (attempt < 5 ? attempt : 5);

	if (ms > MM_RETRY_CAP_MS)
		ms = MM_RETRY_CAP_MS;
	ms = mm_rand_jitter(ms);
	if (retry_after >= 0) {
		long ra = retry_after * 1000;

		ms = ra > MM_RETRY_CAP_MS * 4 ? MM_RETRY_CAP_MS * 4 : ra;
	}
	return ms;
}

static enum mm_result
perform_once(struct mm_http *h, const struct mm_http_req *req,
	     off_t upload_start, struct curl_slist *headers,
	     struct mm_http_resp *resp, struct mm_error *err)
{
	CURL *c = h->curl;
	CURLcode cc;
	long nconn = 0;

	resp_reset(resp);
	h->over_cap = false;
	h->sink_failed = false;
	h->errbuf[0] = '\0';
	/* A retry starts the body again where the first try started (a
	 * resumed upload starts in the middle of its file). */
	if (req->upload != NULL && resp->tries > 0 &&
	    fseeko(req->upload, upload_start, SEEK_SET) != 0)
		return mm_error_set(err, MM_ERR_IO,
				    "cannot rewind the upload for a retry");
	h->upload_left = req->upload_size;
	resp->tries++;
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	cc = h->multi != NULL ? mm_http_multi_perform(h->multi, c)
			      : curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &nconn);
	h->connections += nconn;
	if (cc != CURLE_OK)
		return map_curl_error(h, cc, err);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
	return MM_OK;
}

enum mm_result
mm_http_do(struct mm_http *h, const struct mm_http_req *req,
	   struct mm_http_resp *resp, struct mm_error *err)
{
	CURL *c = h->curl;
	struct mm_buf url = MM_BUF_INIT, auth = MM_BUF_INIT,
		      ctype = MM_BUF_INIT;
	struct curl_slist *headers = NULL, *tmp;
	curl_mime *mime = NULL;
	off_t upload_start;
	enum mm_result rc = MM_OK;
	bool idem = req->idempotent || strcmp(req->method, "GET") == 0 ||
		    strcmp(req->method, "PUT") == 0 ||
		    strcmp(req->method, "DELETE") == 0 ||
		    strcmp(req->method, "HEAD") == 0;

	h->req = req;
	h->resp = resp;
	if (!mm_buf_puts(&url, h->base_url) || !mm_buf_puts(&url, req->path))
		goto oom;
	curl_easy_setopt(c, CURLOPT_URL, url.data);

	/* A request that is not idempotent goes on a new connection:
	 * libcurl silently sends a request again on a fresh connection when
	 * a reused one dies before any answer, and a POST the server did
	 * process before dying would then run twice. */
	curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, idem ? 0L : 1L);

	/* Method and body. Reset what a previous request may have set. */
	curl_easy_setopt(c, CURLOPT_UPLOAD, 0L);
	curl_easy_setopt(c, CURLOPT_NOBODY, 0L);
	/* MIMEPOST and POSTFIELDS (even NULL) select POST: reset them
	 * before HTTPGET. A stale POSTFIELDS would also stop libcurl from
	 * rewinding a streamed body when it resends it on a fresh
	 * connection. */
	curl_easy_setopt(c, CURLOPT_MIMEPOST, NULL);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, NULL);
	curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, NULL);
	if (req->nparts > 0) {
		rc = build_mime(c, req, &mime, err);
		if (rc != MM_OK)
			goto out;
		curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
		if (strcmp(req->method, "POST") != 0)
			curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
	} else if (req->upload != NULL) {
		curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(c, CURLOPT_READDATA, h);
		curl_easy_setopt(c, CURLOPT_SEEKFUNCTION, on_seek);
		curl_easy_setopt(c, CURLOPT_SEEKDATA, h);
		curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE,
				 (curl_off_t)req->upload_size);
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
	} else if (req->body != NULL || strcmp(req->method, "POST") == 0 ||
		   strcmp(req->method, "PUT") == 0 ||
		   strcmp(req->method, "PATCH") == 0) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
				 (curl_off_t)(req->body ? req->body_len : 0));
		curl_easy_setopt(c, CURLOPT_POSTFIELDS,
				 req->body ? req->body : "");
		if (strcmp(req->method, "POST") != 0)
			curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
	} else if (strcmp(req->method, "HEAD") == 0) {
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	} else if (strcmp(req->method, "GET") != 0) {
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
	}

	/* Headers. */
	if (h->token != NULL && h->unix_socket == NULL && !req->no_auth) {
		if (!mm_buf_printf(&auth, "Authorization: Bearer %s", h->token))
			goto oom;
		if ((tmp = curl_slist_append(headers, auth.data)) == NULL)
			goto oom;
		headers = tmp;
	}
	if (!req->no_cookies) {
		if ((tmp = curl_slist_append(
			     headers, "X-Requested-With: XMLHttpRequest")) ==
		    NULL)
			goto oom;
		headers = tmp;
	}
	if ((tmp = curl_slist_append(headers, "Accept: application/json")) ==
	    NULL)
		goto oom;
	headers = tmp;
	if ((tmp = curl_slist_append(headers, "Expect:")) == NULL)
		goto oom;
	headers = tmp;
	for (size_t i = 0; req->headers != NULL && req->headers[i] != NULL;
	     i++) {
		if ((tmp = curl_slist_append(headers, req->headers[i])) == NULL)
			goto oom;
		headers = tmp;
	}
	if (req->nparts == 0 && (req->content_type != NULL ||
				 (req->body != NULL && req->upload == NULL))) {
		if (!mm_buf_printf(&ctype, "Content-Type: %s",
				   req->content_type ? req->content_type
						     : "application/json"))
			goto oom;
		if ((tmp = curl_slist_append(headers, ctype.data)) == NULL)
			goto oom;
		headers = tmp;
	}

	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	/* Large transfers: bigger buffers mean far fewer system calls (the
	 * default 16 KiB receive buffer costs ~40% of a download's speed). */
	curl_easy_setopt(c, CURLOPT_BUFFERSIZE,
			 req->sink != NULL ? 512L * 1024 : 64L * 1024);
	curl_easy_setopt(c, CURLOPT_UPLOAD_BUFFERSIZE,
			 (req->upload != NULL || req->nparts > 0) ? 512L * 1024
								  : 64L * 1024);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, h);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, h);
	curl_easy_setopt(c, CURLOPT_VERBOSE, h->trace ? 1L : 0L);
	if (h->trace != NULL) {
		curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, on_debug);
		curl_easy_setopt(c, CURLOPT_DEBUGDATA, h);
	}

	resp->tries = 0;
	upload_start = req->upload != NULL ? ftello(req->upload) : 0;
	h->upload_start = upload_start;
	for (int attempt = 0;; attempt++) {
		long wait;

		rc = perform_once(h, req, upload_start, headers, resp, err);
		if (rc != MM_OK || !idem || attempt >= h->retries ||
		    !retryable(resp->status) || req->sink != NULL ||
		    (req->upload != NULL && req->upload == stdin))
			break;
		wait = backoff_ms(attempt, resp->retry_after);
		trace_line(h, "* HTTP %ld: retrying in %ld ms (try %d of %d)",
			   resp->status, wait, attempt + 2, h->retries + 1);
		sleep_ms(wait);
		if (h->cancel != NULL && *h->cancel) {
			rc = mm_error_set(err, MM_ERR_CANCELLED, "cancelled");
			break;
		}
	}
	goto out;
oom:
	rc = mm_error_oom(err);
out:
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(c, CURLOPT_MIMEPOST, NULL);
	curl_mime_free(mime);
	curl_slist_free_all(headers);
	mm_buf_release(&url);
	mm_buf_wipe(&auth);
	mm_buf_release(&ctype);
	h->req = NULL;
	h->resp = NULL;
	return rc;
}
