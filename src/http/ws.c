/* WebSocket client: libcurl connects, wslay frames (see mmadm/ws.h). */
#include "mmadm/ws.h"

#include "mmadm/dl.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>
#include <wslay/wslay.h>

/* wslay, loaded by `events` only (mmadm/dl.h): the calls below go
 * through this table. */
static struct {
	__typeof__(wslay_event_config_set_max_recv_msg_length)
		*wslay_event_config_set_max_recv_msg_length;
	__typeof__(wslay_event_context_client_init)
		*wslay_event_context_client_init;
	__typeof__(wslay_event_context_free) *wslay_event_context_free;
	__typeof__(wslay_event_queue_close) *wslay_event_queue_close;
	__typeof__(wslay_event_queue_msg) *wslay_event_queue_msg;
	__typeof__(wslay_event_recv) *wslay_event_recv;
	__typeof__(wslay_event_send) *wslay_event_send;
	__typeof__(wslay_event_set_error) *wslay_event_set_error;
	__typeof__(wslay_event_want_read) *wslay_event_want_read;
	__typeof__(wslay_event_want_write) *wslay_event_want_write;
} wslay;

static const struct mm_dl_sym wslay_syms[] = {
	MM_DL_SYM(wslay, wslay_event_config_set_max_recv_msg_length),
	MM_DL_SYM(wslay, wslay_event_context_client_init),
	MM_DL_SYM(wslay, wslay_event_context_free),
	MM_DL_SYM(wslay, wslay_event_queue_close),
	MM_DL_SYM(wslay, wslay_event_queue_msg),
	MM_DL_SYM(wslay, wslay_event_recv),
	MM_DL_SYM(wslay, wslay_event_send),
	MM_DL_SYM(wslay, wslay_event_set_error),
	MM_DL_SYM(wslay, wslay_event_want_read),
	MM_DL_SYM(wslay, wslay_event_want_write),
	{NULL, NULL},
};

#define wslay_event_config_set_max_recv_msg_length                             \
	(wslay.wslay_event_config_set_max_recv_msg_length)
#define wslay_event_context_client_init (wslay.wslay_event_context_client_init)
#define wslay_event_context_free (wslay.wslay_event_context_free)
#define wslay_event_queue_close (wslay.wslay_event_queue_close)
#define wslay_event_queue_msg (wslay.wslay_event_queue_msg)
#define wslay_event_recv (wslay.wslay_event_recv)
#define wslay_event_send (wslay.wslay_event_send)
#define wslay_event_set_error (wslay.wslay_event_set_error)
#define wslay_event_want_read (wslay.wslay_event_want_read)
#define wslay_event_want_write (wslay.wslay_event_want_write)

#define WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
#define WS_MAX_HEAD 16384
#define WS_MAX_MSG ((uint64_t)64 * 1024 * 1024)

struct mm_ws {
	CURL *curl;
	curl_socket_t fd;
	wslay_event_context_ptr ev;
	struct mm_buf pre; /* bytes that came after the upgrade answer */
	size_t pre_off;
	struct mm_strv msgs; /* received text messages, oldest first */
	size_t msgs_head;
	bool eof;
	bool failed;
	char why[256]; /* what broke */
	char *target;  /* for messages: the site or the socket */
	mm_trace_fn trace;
	void *trace_ud;
	volatile int *cancel;
	long io_timeout_ms;
};

/* ---- SHA-1 and base64 (for the handshake check) -------------------------- */

static uint32_t
rol(uint32_t v, unsigned n)
{
	return (v << n) | (v >> (32 - n));
}

static void
sha1_block(uint32_t h[5], const unsigned char *p)
{
	uint32_t w[80], a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];

	for (size_t i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
	for (int i = 16; i < 80; i++)
		w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	for (int i = 0; i < 80; i++) {
		uint32_t f, k, t;

		if (i < 20) {
			f = (b & c) | (~b & d);
			k = 0x5a827999;
		} else if (i < 40) {
			f = b ^ c ^ d;
			k = 0x6ed9eba1;
		} else if (i < 60) {
			f = (b & c) | (b & d) | (c & d);
			k = 0x8f1bbcdc;
		} else {
			f = b ^ c ^ d;
			k = 0xca62c1d6;
		}
		t = rol(a, 5) + f + e + k + w[i];
		e = d;
		d = c;
		c = rol(b, 30);
		b = a;
		a = t;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
}

void
mm_sha1(const void *data, size_t len, unsigned char out[20])
{
	uint32_t h[5] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476,
			 0xc3d2e1f0};
	const unsigned char *p = data;
	unsigned char block[64];
	uint64_t bits = (uint64_t)len * 8;
	size_t i, rest;

	for (i = 0; i + 64 <= len; i += 64)
		sha1_block(h, p + i);
	rest = len - i;
	memset(block, 0, sizeof(block));
	memcpy(block, p + i, rest);
	block[rest] = 0x80;
	if (rest >= 56) {
		sha1_block(h, block);
		memset(block, 0, sizeof(block));
	}
	for (int j = 0; j < 8; j++)
		block[63 - j] = (unsigned char)(bits >> (8 * j));
	sha1_block(h, block);
	for (size_t j = 0; j < 5; j++) {
		out[4 * j] = (unsigned char)(h[j] >> 24);
		out[4 * j + 1] = (unsigned char)(h[j] >> 16);
		out[4 * j + 2] = (unsigned char)(h[j] >> 8);
		out[4 * j + 3] = (unsigned char)h[j];
	}
}

static void
base64(const unsigned char *in, size_t n, char *out)
{
	/* the 64 digits, then the padding at index 64 */
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
				  "qrstuvwxyz0123456789+/=";
	size_t o = 0;

	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;

		if (i + 1 < n)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		out[o++] = tab[(v >> 18) & 63];
		out[o++] = tab[(v >> 12) & 63];
		out[o++] = tab[i + 1 < n ? (v >> 6) & 63 : 64];
		out[o++] = tab[i + 2 < n ? v & 63 : 64];
	}
	out[o] = '\0';
}

void
mm_ws_accept_key(const char *key, char out[29])
{
	char buf[128];
	unsigned char digest[20];
	int n = snprintf(buf, sizeof(buf), "%s%s", key, WS_GUID);

	if (n < 0 || (size_t)n >= sizeof(buf))
		n = 0;
	mm_sha1(buf, (size_t)n, digest);
	base64(digest, sizeof(digest), out);
}

/* ---- plumbing ------------------------------------------------------------ */

static void trace_line(struct mm_ws *ws, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
trace_line(struct mm_ws *ws, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (ws->trace == NULL)
		return;
	va_start(ap, fmt);
	if (vsnprintf(line, sizeof(line), fmt, ap) < 0)
		line[0] = '\0';
	va_end(ap);
	for (char *c = line; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	ws->trace(ws->trace_ud, line);
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool
cancelled(const struct mm_ws *ws)
{
	return ws->cancel != NULL && *ws->cancel;
}

/* Wait for the socket; false on timeout or cancel (why set). */
static bool
wait_fd(struct mm_ws *ws, short events, long long deadline)
{
	for (;;) {
		struct pollfd pfd = {ws->fd, events, 0};
		long long left = deadline - now_ms();
		int r;

		if (cancelled(ws)) {
			snprintf(ws->why, sizeof(ws->why), "cancelled");
			return false;
		}
		if (left <= 0) {
			snprintf(ws->why, sizeof(ws->why), "no answer in time");
			return false;
		}
		r = poll(&pfd, 1, left > 200 ? 200 : (int)left);
		if (r > 0)
			return true;
		if (r < 0 && errno != EINTR) {
			snprintf(ws->why, sizeof(ws->why), "poll: %s",
				 strerror(errno));
			return false;
		}
	}
}

static bool
send_all(struct mm_ws *ws, const char *data, size_t len)
{
	long long deadline = now_ms() + ws->io_timeout_ms;

	while (len > 0) {
		size_t n = 0;
		CURLcode cc = curl_easy_send(ws->curl, data, len, &n);

		if (cc == CURLE_AGAIN) {
			if (!wait_fd(ws, POLLOUT, deadline))
				return false;
			continue;
		}
		if (cc != CURLE_OK) {
			snprintf(ws->why, sizeof(ws->why), "%s",
				 curl_easy_strerror(cc));
			return false;
		}
		data += n;
		len -= n;
	}
	return true;
}

/* ---- wslay callbacks ----------------------------------------------------- */

static ssize_t
on_recv(wslay_event_context_ptr ev, uint8_t *buf, size_t len, int flags,
	void *ud)
{
	struct mm_ws *ws = ud;
	size_t n = 0;
	CURLcode cc;

	(void)flags;
	if (ws->pre_off < ws->pre.len) {
		n = ws->pre.len - ws->pre_off;
		if (n > len)
			n = len;
		memcpy(buf, ws->pre.data + ws->pre_off, n);
		ws->pre_off += n;
		return (ssize_t)n;
	}
	cc = curl_easy_recv(ws->curl, buf, len, &n);
	if (cc == CURLE_AGAIN) {
		wslay_event_set_error(ev, WSLAY_ERR_WOULDBLOCK);
		return -1;
	}
	if (cc != CURLE_OK) {
		ws->failed = true;
		snprintf(ws->why, sizeof(ws->why), "%s",
			 curl_easy_strerror(cc));
		wslay_event_set_error(ev, WSLAY_ERR_CALLBACK_FAILURE);
		return -1;
	}
	if (n == 0) {
		ws->eof = true;
		wslay_event_set_error(ev, WSLAY_ERR_CALLBACK_FAILURE);
		return -1;
	}
	return (ssize_t)n;
}

static ssize_t
on_send(wslay_event_context_ptr ev, const uint8_t *data, size_t len, int flags,
	void *ud)
{
	struct mm_ws *ws = ud;
	size_t n = 0;
	CURLcode cc;

	(void)flags;
	cc = curl_easy_send(ws->curl, data, len, &n);
	if (cc == CURLE_AGAIN) {
		wslay_event_set_error(ev, WSLAY_ERR_WOULDBLOCK);
		return -1;
	}
	if (cc != CURLE_OK) {
		ws->failed = true;
		snprintf(ws->why, sizeof(ws->why), "%s",
			 curl_easy_strerror(cc));
		wslay_event_set_error(ev, WSLAY_ERR_CALLBACK_FAILURE);
		return -1;
	}
	return (ssize_t)n;
}

static int
on_genmask(wslay_event_context_ptr ev, uint8_t *buf, size_t len, void *ud)
{
	(void)ud;
	if (getrandom(buf, len, 0) != (ssize_t)len) {
		wslay_event_set_error(ev, WSLAY_ERR_CALLBACK_FAILURE);
		return -1;
	}
	return 0;
}

static void
on_msg(wslay_event_context_ptr ev, const struct wslay_event_on_msg_recv_arg *a,
       void *ud)
{
	struct mm_ws *ws = ud;
	char *copy;

	(void)ev;
	if (a->opcode == WSLAY_CONNECTION_CLOSE) {
		trace_line(ws, "< websocket close (code %u)",
			   (unsigned)a->status_code);
		return;
	}
	if (a->opcode != WSLAY_TEXT_FRAME)
		return;
	trace_line(ws, "< websocket message (%zu bytes)", a->msg_length);
	copy = malloc(a->msg_length + 1);
	if (copy == NULL) {
		ws->failed = true;
		snprintf(ws->why, sizeof(ws->why), "out of memory");
		return;
	}
	memcpy(copy, a->msg, a->msg_length);
	copy[a->msg_length] = '\0';
	if (!mm_strv_push(&ws->msgs, copy)) {
		ws->failed = true;
		snprintf(ws->why, sizeof(ws->why), "out of memory");
	}
	free(copy);
}

/* ---- the handshake ------------------------------------------------------- */

/* Host header and path prefix from the site URL. */
static bool
site_parts(const char *url, struct mm_buf *host, struct mm_buf *prefix)
{
	CURLU *u = curl_url();
	char *h = NULL, *port = NULL, *path = NULL;
	bool ok = u != NULL &&
		  curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
		  curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK;

	if (ok) {
		if (curl_url_get(u, CURLUPART_PORT, &port, 0) != CURLUE_OK)
			port = NULL;
		if (curl_url_get(u, CURLUPART_PATH, &path, 0) != CURLUE_OK)
			path = NULL;
		ok = mm_buf_puts(host, h) &&
		     (port == NULL ||
		      (mm_buf_putc(host, ':') && mm_buf_puts(host, port))) &&
		     mm_buf_puts(prefix, "");
		if (ok && path != NULL && strcmp(path, "/") != 0) {
			size_t n = strlen(path);

			while (n > 0 && path[n - 1] == '/')
				n--;
			ok = mm_buf_append(prefix, path, n) &&
			     mm_buf_puts(prefix, "");
		}
	}
	curl_free(h);
	curl_free(port);
	curl_free(path);
	curl_url_cleanup(u);
	return ok;
}

/* Value of header name in the head (lines after the status line). */
static bool
head_value(const char *head, const char *name, char *buf, size_t size)
{
	size_t n = strlen(name);

	for (const char *p = strstr(head, "\r\n"); p != NULL;
	     p = strstr(p, "\r\n")) {
		const char *v, *end;
		size_t len;

		p += 2;
		if (strncasecmp(p, name, n) != 0 || p[n] != ':')
			continue;
		v = p + n + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		end = strstr(v, "\r\n");
		len = end ? (size_t)(end - v) : strlen(v);
		while (len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t'))
			len--;
		if (len >= size)
			len = size - 1;
		memcpy(buf, v, len);
		buf[len] = '\0';
		return true;
	}
	return false;
}

static void
trace_head(struct mm_ws *ws, char prefix, const char *head)
{
	const char *p = head;

	while (ws->trace != NULL && *p != '\0') {
		const char *end = strstr(p, "\r\n");
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (n == 0)
			break;
		trace_line(ws, "%c %.*s", prefix, (int)n, p);
		if (end == NULL)
			break;
		p = end + 2;
	}
}

/* Read the answer's head (and what follows it into ws->pre). */
static enum mm_result
read_head(struct mm_ws *ws, struct mm_buf *head, struct mm_error *err)
{
	long long deadline = now_ms() + ws->io_timeout_ms;
	char buf[4096];

	for (;;) {
		const char *end;
		size_t n = 0;
		CURLcode cc = curl_easy_recv(ws->curl, buf, sizeof(buf), &n);

		if (cc == CURLE_AGAIN) {
			if (!wait_fd(ws, POLLIN, deadline))
				return mm_error_set(
					err,
					cancelled(ws) ? MM_ERR_CANCELLED
						      : MM_ERR_CONNECT,
					"WebSocket upgrade at %s: %s",
					ws->target, ws->why);
			continue;
		}
		if (cc != CURLE_OK)
			return mm_error_set(err, MM_ERR_CONNECT,
					    "WebSocket upgrade at %s: %s",
					    ws->target, curl_easy_strerror(cc));
		if (n == 0)
			return mm_error_set(err, MM_ERR_RESPONSE,
					    "%s closed the connection during "
					    "the WebSocket upgrade",
					    ws->target);
		if (!mm_buf_append(head, buf, n) || !mm_buf_puts(head, ""))
			return mm_error_oom(err);
		end = strstr(head->data, "\r\n\r\n");
		if (end != NULL) {
			size_t used = (size_t)(end - head->data) + 4;

			if (!mm_buf_append(&ws->pre, head->data + used,
					   head->len - used))
				return mm_error_oom(err);
			head->len = used;
			head->data[used] = '\0';
			return MM_OK;
		}
		if (head->len > WS_MAX_HEAD)
			return mm_error_set(err, MM_ERR_RESPONSE,
					    "the answer of %s to the WebSocket "
					    "upgrade has an oversized head",
					    ws->target);
	}
}

/* The code of the status line "HTTP/1.x NNN ..." that starts the head, or
 * -1 when it is not one. */
static long
head_status(const char *head)
{
	const char *p = head;
	long v;

	if (strncmp(p, "HTTP/1.", 7) != 0 || !isdigit((unsigned char)p[7]))
		return -1;
	p += 7;
	while (isdigit((unsigned char)*p))
		p++;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!isdigit((unsigned char)*p))
		return -1;
	errno = 0;
	v = strtol(p, NULL, 10);
	return errno == 0 ? v : -1;
}

/* A refused upgrade: status, request id and the body, for the caller. */
static void
refused(struct mm_ws *ws, const char *head, struct mm_http_resp *resp)
{
	char len_text[32];
	long long deadline = now_ms() + ws->io_timeout_ms;
	size_t want = 0;
	char buf[4096];

	head_value(head, "Content-Type", resp->content_type,
		   sizeof(resp->content_type));
	head_value(head, "X-Request-Id", resp->request_id,
		   sizeof(resp->request_id));
	head_value(head, "X-Version-Id", resp->version_id,
		   sizeof(resp->version_id));
	if (head_value(head, "Content-Length", len_text, sizeof(len_text)))
		want = (size_t)strtoul(len_text, NULL, 10);
	if (want > 65536)
		want = 65536;
	if (!mm_buf_append(&resp->body, ws->pre.data, ws->pre.len))
		return;
	while (resp->body.len < want) {
		size_t n = 0;
		CURLcode cc = curl_easy_recv(ws->curl, buf, sizeof(buf), &n);

		if (cc == CURLE_AGAIN) {
			if (!wait_fd(ws, POLLIN, deadline))
				break;
			continue;
		}
		if (cc != CURLE_OK || n == 0 ||
		    !mm_buf_append(&resp->body, buf, n))
			break;
	}
	mm_buf_puts(&resp->body, "");
}

static enum mm_result
handshake(struct mm_ws *ws, const struct mm_http_config *cfg, const char *path,
	  struct mm_http_resp *resp, bool *upgraded, struct mm_error *err)
{
	struct mm_buf host = MM_BUF_INIT, prefix = MM_BUF_INIT,
		      req = MM_BUF_INIT, head = MM_BUF_INIT;
	unsigned char nonce[16];
	char key[32], accept[29], got[64], upgrade[64];
	const char *answer;
	enum mm_result rc = MM_OK;
	long status = 0;

	*upgraded = false;
	if (getrandom(nonce, sizeof(nonce), 0) != (ssize_t)sizeof(nonce)) {
		rc = mm_error_set(err, MM_ERR_OTHER,
				  "no random bytes for the WebSocket key");
		goto out;
	}
	base64(nonce, sizeof(nonce), key);
	mm_ws_accept_key(key, accept);
	if (cfg->unix_socket != NULL) {
		if (!mm_buf_puts(&host, "localhost") ||
		    !mm_buf_puts(&prefix, ""))
			goto oom;
	} else if (!site_parts(cfg->base_url, &host, &prefix)) {
		rc = mm_error_set(err, MM_ERR_USAGE, "cannot parse %s",
				  cfg->base_url);
		goto out;
	}
	if (!mm_buf_printf(&req,
			   "GET %s%s HTTP/1.1\r\nHost: %s\r\n"
			   "Upgrade: websocket\r\nConnection: Upgrade\r\n"
			   "Sec-WebSocket-Key: %s\r\n"
			   "Sec-WebSocket-Version: 13\r\n"
			   "User-Agent: %s\r\n\r\n",
			   mm_buf_str(&prefix), path, mm_buf_str(&host), key,
			   cfg->user_agent ? cfg->user_agent : "mmadm"))
		goto oom;
	trace_head(ws, '>', req.data);
	if (!send_all(ws, req.data, req.len)) {
		rc = mm_error_set(
			err, cancelled(ws) ? MM_ERR_CANCELLED : MM_ERR_CONNECT,
			"cannot send the WebSocket upgrade to %s: %s",
			ws->target, ws->why);
		goto out;
	}
	rc = read_head(ws, &head, err);
	if (rc != MM_OK)
		goto out;
	answer = mm_buf_str(&head);
	trace_head(ws, '<', answer);
	status = head_status(answer);
	if (status < 0) {
		rc = mm_error_set(err, MM_ERR_RESPONSE,
				  "%s did not answer the WebSocket upgrade "
				  "with HTTP",
				  ws->target);
		goto out;
	}
	resp->status = status;
	if (status != 101) {
		refused(ws, answer, resp);
		goto out;
	}
	if (!head_value(answer, "Upgrade", upgrade, sizeof(upgrade)) ||
	    strcasecmp(upgrade, "websocket") != 0 ||
	    !head_value(answer, "Sec-WebSocket-Accept", got, sizeof(got)) ||
	    strcmp(got, accept) != 0) {
		rc = mm_error_set(err, MM_ERR_RESPONSE,
				  "%s answered 101 without a valid WebSocket "
				  "upgrade (Upgrade/Sec-WebSocket-Accept)",
				  ws->target);
		goto out;
	}
	*upgraded = true;
	goto out;
oom:
	rc = mm_error_oom(err);
out:
	mm_buf_release(&host);
	mm_buf_release(&prefix);
	mm_buf_release(&req);
	mm_buf_release(&head);
	return rc;
}

static void
ws_free(struct mm_ws *ws)
{
	if (ws == NULL)
		return;
	if (ws->ev != NULL)
		wslay_event_context_free(ws->ev);
	if (ws->curl != NULL)
		curl_easy_cleanup(ws->curl);
	mm_buf_release(&ws->pre);
	mm_strv_release(&ws->msgs);
	free(ws->target);
	free(ws);
}

enum mm_result
mm_ws_connect(const struct mm_http_config *cfg, const char *path,
	      struct mm_ws **out, struct mm_http_resp *resp,
	      struct mm_error *err)
{
	static const struct wslay_event_callbacks cbs = {
		on_recv, on_send, on_genmask, NULL, NULL, NULL, on_msg};
	struct mm_ws *ws;
	curl_socket_t fd = CURL_SOCKET_BAD;
	char errbuf[CURL_ERROR_SIZE];
	enum mm_result rc;
	bool upgraded;
	long ct;
	CURLcode cc;

	*out = NULL;
	rc = mm_dl_load("libwslay.so.1",
			"WebSockets need libwslay (Debian package libwslay1)",
			wslay_syms, err);
	if (rc != MM_OK)
		return rc;
	rc = mm_http_global_init(err);
	if (rc != MM_OK)
		return rc;
	ws = calloc(1, sizeof(*ws));
	if (ws == NULL)
		return mm_error_oom(err);
	ws->trace = cfg->trace;
	ws->trace_ud = cfg->trace_ud;
	ws->cancel = cfg->cancel;
	ws->io_timeout_ms = cfg->timeout_s > 0 ? cfg->timeout_s * 1000 : 30000;
	ws->target =
		mm_strdup(cfg->unix_socket ? cfg->unix_socket : cfg->base_url);
	ws->curl = curl_easy_init();
	if (ws->target == NULL || ws->curl == NULL) {
		ws_free(ws);
		return mm_error_oom(err);
	}
	errbuf[0] = '\0';
	ct = cfg->connect_timeout_s > 0 ? cfg->connect_timeout_s : 10;
	curl_easy_setopt(ws->curl, CURLOPT_URL,
			 cfg->unix_socket ? "http://localhost" : cfg->base_url);
	curl_easy_setopt(ws->curl, CURLOPT_CONNECT_ONLY, 1L);
	curl_easy_setopt(ws->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(ws->curl, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(ws->curl, CURLOPT_CONNECTTIMEOUT, ct);
	curl_easy_setopt(ws->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(ws->curl, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(ws->curl, CURLOPT_SSL_VERIFYPEER,
			 cfg->insecure ? 0L : 1L);
	curl_easy_setopt(ws->curl, CURLOPT_SSL_VERIFYHOST,
			 cfg->insecure ? 0L : 2L);
	if (cfg->cacert != NULL)
		curl_easy_setopt(ws->curl, CURLOPT_CAINFO, cfg->cacert);
	if (cfg->unix_socket != NULL)
		curl_easy_setopt(ws->curl, CURLOPT_UNIX_SOCKET_PATH,
				 cfg->unix_socket);
	cc = curl_easy_perform(ws->curl);
	curl_easy_setopt(ws->curl, CURLOPT_ERRORBUFFER, NULL);
	if (cc != CURLE_OK) {
		rc = mm_error_set(err, MM_ERR_CONNECT,
				  "cannot connect to %s: %s", ws->target,
				  errbuf[0] ? errbuf : curl_easy_strerror(cc));
		ws_free(ws);
		return rc;
	}
	if (curl_easy_getinfo(ws->curl, CURLINFO_ACTIVESOCKET, &fd) !=
		    CURLE_OK ||
	    fd == CURL_SOCKET_BAD) {
		ws_free(ws);
		return mm_error_set(err, MM_ERR_CONNECT,
				    "no socket for the connection");
	}
	ws->fd = fd;
	rc = handshake(ws, cfg, path, resp, &upgraded, err);
	if (rc != MM_OK || !upgraded) {
		ws_free(ws);
		return rc;
	}
	if (wslay_event_context_client_init(&ws->ev, &cbs, ws) != 0) {
		ws->ev = NULL;
		ws_free(ws);
		return mm_error_oom(err);
	}
	wslay_event_config_set_max_recv_msg_length(ws->ev, WS_MAX_MSG);
	trace_line(ws, "* WebSocket open");
	*out = ws;
	return MM_OK;
}

/* ---- messages ------------------------------------------------------------ */

static enum mm_result
broken(struct mm_ws *ws, struct mm_error *err)
{
	if (cancelled(ws))
		return mm_error_set(err, MM_ERR_CANCELLED, "cancelled");
	if (ws->failed)
		return mm_error_set(err, MM_ERR_CONNECT,
				    "the WebSocket connection to %s broke: %s",
				    ws->target, ws->why);
	return mm_error_set(err, MM_ERR_CONNECT,
			    "%s closed the WebSocket connection", ws->target);
}

/* Send what wslay has queued (without waiting for a busy socket). */
static bool
flush_out(struct mm_ws *ws)
{
	if (wslay_event_want_write(ws->ev) && wslay_event_send(ws->ev) != 0) {
		if (!ws->failed) {
			ws->failed = true;
			snprintf(ws->why, sizeof(ws->why), "cannot send");
		}
		return false;
	}
	return true;
}

enum mm_result
mm_ws_send_text(struct mm_ws *ws, const char *text, size_t len,
		struct mm_error *err)
{
	struct wslay_event_msg m = {WSLAY_TEXT_FRAME, (const uint8_t *)text,
				    len};
	long long deadline = now_ms() + ws->io_timeout_ms;

	if (wslay_event_queue_msg(ws->ev, &m) != 0)
		return broken(ws, err);
	trace_line(ws, "> websocket message (%zu bytes)", len);
	while (wslay_event_want_write(ws->ev)) {
		if (!flush_out(ws))
			return broken(ws, err);
		if (wslay_event_want_write(ws->ev) &&
		    !wait_fd(ws, POLLOUT, deadline))
			return cancelled(ws)
				       ? broken(ws, err)
				       : mm_error_set(err, MM_ERR_CONNECT,
						      "cannot send to %s: %s",
						      ws->target, ws->why);
	}
	return MM_OK;
}

enum mm_result
mm_ws_ping(struct mm_ws *ws, struct mm_error *err)
{
	struct wslay_event_msg m = {WSLAY_PING, NULL, 0};

	if (wslay_event_queue_msg(ws->ev, &m) != 0 || !flush_out(ws))
		return broken(ws, err);
	return MM_OK;
}

enum mm_result
mm_ws_recv(struct mm_ws *ws, long timeout_ms, struct mm_buf *msg, bool *got,
	   struct mm_error *err)
{
	long long deadline = now_ms() + timeout_ms;

	*got = false;
	while (ws->msgs_head >= ws->msgs.n) {
		struct pollfd pfd = {ws->fd, POLLIN, 0};
		long long left;
		int r;

		if (cancelled(ws) || ws->failed || ws->eof)
			return broken(ws, err);
		if (!wslay_event_want_read(ws->ev) &&
		    !wslay_event_want_write(ws->ev))
			return broken(ws, err); /* closed */
		if (!flush_out(ws))
			return broken(ws, err);
		if (ws->pre_off < ws->pre.len) {
			r = 1;
			pfd.revents = POLLIN;
		} else {
			left = deadline - now_ms();
			if (left <= 0)
				return MM_OK;
			if (wslay_event_want_write(ws->ev))
				pfd.events |= POLLOUT;
			r = poll(&pfd, 1, left > 200 ? 200 : (int)left);
			if (r < 0 && errno != EINTR) {
				ws->failed = true;
				snprintf(ws->why, sizeof(ws->why), "poll: %s",
					 strerror(errno));
				return broken(ws, err);
			}
		}
		if (r > 0 && (pfd.revents & (POLLIN | POLLHUP | POLLERR)) &&
		    wslay_event_want_read(ws->ev) &&
		    wslay_event_recv(ws->ev) != 0) {
			if (!ws->failed && !ws->eof) {
				ws->failed = true;
				snprintf(ws->why, sizeof(ws->why),
					 "WebSocket protocol error");
			}
			if (ws->msgs_head < ws->msgs.n)
				break; /* deliver what came first */
			return broken(ws, err);
		}
	}
	mm_buf_reset(msg);
	if (!mm_buf_puts(msg, ws->msgs.v[ws->msgs_head]))
		return mm_error_oom(err);
	free(ws->msgs.v[ws->msgs_head]);
	ws->msgs.v[ws->msgs_head++] = NULL;
	if (ws->msgs_head == ws->msgs.n) {
		mm_strv_release(&ws->msgs);
		ws->msgs_head = 0;
	}
	*got = true;
	return MM_OK;
}

void
mm_ws_close(struct mm_ws *ws)
{
	if (ws == NULL)
		return;
	if (ws->ev != NULL && !ws->failed && !ws->eof &&
	    wslay_event_queue_close(ws->ev, 1000, NULL, 0) == 0)
		flush_out(ws);
	ws_free(ws);
}
