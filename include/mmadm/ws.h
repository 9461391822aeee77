/*
 * A WebSocket client (RFC 6455) for the server's event stream. libcurl
 * makes the connection (TCP, TLS with the usual options, or the unix
 * socket; CURLOPT_CONNECT_ONLY), this file does the HTTP/1.1 upgrade, and
 * wslay does the framing (masking, fragments, ping/pong, close). Never
 * prints: the trace goes to the config's callback, message contents never
 * (they carry the token).
 */
#ifndef MMADM_WS_H
#define MMADM_WS_H

#include "buf.h"
#include "error.h"
#include "http.h"

#include <stdbool.h>
#include <stddef.h>

struct mm_ws;

/*
 * Connect to path ("/api/v4/websocket?...", relative to the site URL,
 * whose sub-path is kept) and upgrade. On 101: MM_OK and *out. Another
 * HTTP answer: MM_OK, *out NULL, and resp (status, body, request id) for
 * the caller to decode. Network or TLS failure: MM_ERR_CONNECT; an answer
 * that is not HTTP or a bad upgrade: MM_ERR_RESPONSE.
 */
enum mm_result mm_ws_connect(const struct mm_http_config *cfg, const char *path,
			     struct mm_ws **out, struct mm_http_resp *resp,
			     struct mm_error *err);
/* Send one text message (waits until written). */
enum mm_result mm_ws_send_text(struct mm_ws *ws, const char *text, size_t len,
			       struct mm_error *err);
/* Queue a ping (sent by the next send or receive). */
enum mm_result mm_ws_ping(struct mm_ws *ws, struct mm_error *err);
/*
 * Wait up to timeout_ms for the next text message: MM_OK with *got true
 * and msg (reset, then filled), or *got false when the time ran out.
 * MM_ERR_CONNECT once the connection ended (closed or broken),
 * MM_ERR_CANCELLED when the config's cancel flag was raised.
 */
enum mm_result mm_ws_recv(struct mm_ws *ws, long timeout_ms, struct mm_buf *msg,
			  bool *got, struct mm_error *err);
/* Close politely (best effort) and free. NULL is fine. */
void mm_ws_close(struct mm_ws *ws);

/* Sec-WebSocket-Accept for a Sec-WebSocket-Key: base64(SHA-1(key +
 * GUID)), 28 characters and a NUL. */
void mm_ws_accept_key(const char *key, char out[29]);
/* SHA-1 of data (20 bytes). */
void mm_sha1(const void *data, size_t len, unsigned char out[20]);

#endif
