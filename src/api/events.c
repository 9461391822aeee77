/* The WebSocket event stream (see mmadm/api_events.h). */
#include "mmadm/api.h"
#include "mmadm/api_events.h"
#include "mmadm/rand.h"
#include "mmadm/ws.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define AUTH_WAIT_MS 30000

long
mm_events_seq_step(struct mm_events_seq *s, long seq)
{
	long missed;

	if (!s->have) {
		s->have = true;
		s->next = seq + 1;
		return 0;
	}
	if (seq < s->next)
		return -1;
	missed = seq - s->next;
	s->next = seq + 1;
	return missed;
}

static bool
cancelled(const struct mm_events_req *r)
{
	return r->http->cancel != NULL && *r->http->cancel;
}

static void
note(const struct mm_events_req *r, enum mm_events_note what, const char *text,
     long ms)
{
	if (r->on_note != NULL)
		r->on_note(r->ud, what, text, ms);
}

static void
nap(const struct mm_events_req *r, long ms)
{
	while (ms > 0 && !cancelled(r)) {
		struct timespec ts = {0, 100 * 1000000L};

		if (ms < 100)
			ts.tv_nsec = ms * 1000000L;
		nanosleep(&ts, NULL);
		ms -= 100;
	}
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool
wanted(const struct mm_events_req *r, const char *type)
{
	if (r->ntypes == 0)
		return true;
	for (size_t i = 0; i < r->ntypes; i++)
		if (strcmp(r->types[i], type) == 0)
			return true;
	return false;
}

/* The state of one listening session (across reconnects). */
struct session {
	const struct mm_events_req *r;
	struct mm_events_seq seq;
	long passed;
	bool done;        /* count reached, or on_event said stop */
	bool authed;      /* this connection is authenticated */
	bool ever;        /* some connection was */
	bool resuming;    /* asked to resume: the first message tells */
	char old_id[128]; /* the connection id before this connection */
};

static enum mm_result
send_challenge(struct mm_ws *ws, const char *token, struct mm_error *err)
{
	struct mm_json *msg = mm_json_new_object(), *data = NULL, *seq = NULL;
	struct mm_buf text = MM_BUF_INIT;
	struct mm_error ignore;
	enum mm_result rc;

	mm_error_clear(&ignore);
	if (msg != NULL && mm_json_parse("1", 1, &seq, &ignore) == MM_OK &&
	    mm_json_set(msg, "seq", seq)) {
		seq = NULL;
		data = mm_json_new_object();
	}
	if (data == NULL ||
	    !mm_json_set_string(msg, "action", "authentication_challenge") ||
	    !mm_json_set_string(data, "token", token ? token : "") ||
	    !mm_json_set(msg, "data", data)) {
		mm_json_free(data);
		mm_json_free(seq);
		mm_json_free(msg);
		return mm_error_oom(err);
	}
	if (!mm_json_print(msg, false, &text))
		rc = mm_error_oom(err);
	else
		rc = mm_ws_send_text(ws, text.data, text.len, err);
	mm_buf_wipe(&text);
	/* The document holds the token too. */
	if (mm_json_get(data, "token") != NULL) {
		char *t = (char *)mm_json_string(mm_json_get(data, "token"));

		mm_wipe(t, strlen(t));
	}
	mm_json_free(msg);
	return rc;
}

/* One message of the stream; MM_OK to go on (s->done to stop). */
static enum mm_result
handle(struct session *s, const struct mm_json *msg, struct mm_error *err)
{
	const struct mm_events_req *r = s->r;
	const char *type = mm_json_string(mm_json_get(msg, "event"));
	const struct mm_json *seqv = mm_json_get(msg, "seq");
	bool has_seq = mm_json_type(seqv) == MM_JSON_NUMBER;
	long seq = has_seq ? (long)mm_json_number(seqv) : 0;

	if (mm_json_get(msg, "seq_reply") != NULL) {
		const char *status = mm_json_string(mm_json_get(msg, "status"));

		if (mm_json_number(mm_json_get(msg, "seq_reply")) != 1)
			return MM_OK;
		if (mm_streq(status, "OK")) {
			s->authed = s->ever = true;
			return MM_OK;
		}
		{
			const struct mm_json *e = mm_json_get(msg, "error");
			const char *m =
				mm_json_string(mm_json_get(e, "message"));
			const char *id = mm_json_string(mm_json_get(e, "id"));

			mm_error_set(err, MM_ERR_AUTH,
				     "the server refused the token on the "
				     "WebSocket: %s%s%s%s",
				     m ? m : "authentication failed",
				     id ? " (" : "", id ? id : "",
				     id ? ")" : "");
			if (id != NULL)
				mm_strlcpy(err->server_id, id,
					   sizeof(err->server_id));
			return MM_ERR_AUTH;
		}
	}
	if (type == NULL)
		return MM_OK;
	s->authed = s->ever = true;
	if (strcmp(type, "hello") == 0) {
		const char *id = mm_json_string(
			mm_json_get(mm_json_get(msg, "data"), "connection_id"));

		if (s->resuming) {
			note(r,
			     id != NULL && strcmp(id, s->old_id) == 0
				     ? MM_EVENTS_RESUMED
				     : MM_EVENTS_NEW_STREAM,
			     id ? id : "", 0);
			s->resuming = false;
		} else if (s->old_id[0] == '\0') {
			note(r, MM_EVENTS_CONNECTED, id ? id : "", 0);
		}
		if (id != NULL && strcmp(id, s->old_id) != 0) {
			/* A new stream: its numbering starts again. */
			s->seq.have = false;
		}
		mm_strlcpy(s->seq.conn_id, id ? id : "",
			   sizeof(s->seq.conn_id));
		mm_strlcpy(s->old_id, s->seq.conn_id, sizeof(s->old_id));
	} else if (s->resuming) {
		/* Events before any hello: the server picked up the old
		 * stream where it was. */
		note(r, MM_EVENTS_RESUMED, s->seq.conn_id, 0);
		s->resuming = false;
	}
	if (has_seq) {
		long missed = mm_events_seq_step(&s->seq, seq);

		if (missed < 0)
			return MM_OK; /* seen before the reconnect */
		if (missed > 0)
			note(r, MM_EVENTS_GAP, type, missed);
	}
	if (!wanted(r, type))
		return MM_OK;
	if (r->on_event != NULL && !r->on_event(r->ud, msg)) {
		s->done = true;
		return MM_OK;
	}
	if (r->count > 0 && ++s->passed >= r->count)
		s->done = true;
	return MM_OK;
}

/* Parse and handle one text message. */
static enum mm_result
take(struct session *s, const struct mm_buf *text, struct mm_error *err)
{
	struct mm_json *msg = NULL;
	struct mm_error perr;
	enum mm_result rc;

	mm_error_clear(&perr);
	if (mm_json_parse(text->data, text->len, &msg, &perr) != MM_OK)
		return MM_OK; /* not JSON: not an event; ignore */
	rc = handle(s, msg, err);
	mm_json_free(msg);
	return rc;
}

/* One connection: connect, authenticate, listen until it ends. */
static enum mm_result
one_connection(struct session *s, struct mm_error *err)
{
	const struct mm_events_req *r = s->r;
	long idle = r->idle_ms > 0 ? r->idle_ms : 30000;
	struct mm_buf path = MM_BUF_INIT, text = MM_BUF_INIT;
	struct mm_http_resp resp;
	struct mm_ws *ws = NULL;
	long long deadline, last_data;
	bool pinged = false;
	enum mm_result rc;

	s->authed = false;
	s->resuming = s->seq.conn_id[0] != '\0';
	mm_http_resp_init(&resp);
	/* The id came from the server: escaped into the request line. */
	if (!mm_buf_puts(&path, "/api/v4/websocket") ||
	    (s->resuming &&
	     (!mm_buf_puts(&path, "?connection_id=") ||
	      !mm_http_escape(s->seq.conn_id, &path) ||
	      !mm_buf_printf(&path, "&sequence_number=%ld", s->seq.next)))) {
		rc = mm_error_oom(err);
		goto out;
	}
	rc = mm_ws_connect(r->http, mm_buf_str(&path), &ws, &resp, err);
	if (rc != MM_OK)
		goto out;
	if (ws == NULL) {
		rc = mm_api_error_from_response(&resp, err);
		mm_error_prefix(err, "WebSocket refused");
		goto out;
	}
	rc = send_challenge(ws, r->http->token, err);
	if (rc != MM_OK)
		goto out;
	deadline = now_ms() + AUTH_WAIT_MS;
	while (!s->authed) {
		bool got = false;

		rc = mm_ws_recv(ws, 200, &text, &got, err);
		if (rc != MM_OK)
			goto out;
		if (got) {
			rc = take(s, &text, err);
			if (rc != MM_OK || s->done)
				goto out;
		} else if (now_ms() > deadline) {
			rc = mm_error_set(err, MM_ERR_RESPONSE,
					  "no answer to the WebSocket "
					  "authentication challenge");
			goto out;
		}
	}
	last_data = now_ms();
	while (!s->done) {
		bool got = false;

		rc = mm_ws_recv(ws, 500, &text, &got, err);
		if (rc != MM_OK)
			break;
		if (got) {
			last_data = now_ms();
			pinged = false;
			rc = take(s, &text, err);
			if (rc != MM_OK)
				break;
			continue;
		}
		/* Silence: ping, and give up on a dead connection. */
		if (!pinged && now_ms() - last_data > idle) {
			rc = mm_ws_ping(ws, err);
			if (rc != MM_OK)
				break;
			pinged = true;
		} else if (pinged && now_ms() - last_data > idle * 2) {
			rc = mm_error_set(err, MM_ERR_CONNECT,
					  "no data from the server for %ld s",
					  idle * 2 / 1000);
			break;
		}
	}
out:
	mm_ws_close(ws);
	mm_http_resp_release(&resp);
	mm_buf_release(&path);
	mm_buf_release(&text);
	return rc;
}

/* Worth trying again: the network, the server's 5xx/429, a bad answer. */
static bool
retryable(enum mm_result rc, const struct mm_error *err)
{
	if (rc == MM_ERR_CONNECT || rc == MM_ERR_SERVER ||
	    rc == MM_ERR_RESPONSE)
		return true;
	return err->http_status == 408 || err->http_status == 429;
}

enum mm_result
mm_api_events_listen(const struct mm_events_req *r, struct mm_error *err)
{
	long first = r->backoff_ms > 0 ? r->backoff_ms : 1000;
	long cap = r->backoff_max_ms > 0 ? r->backoff_max_ms : 30000;
	struct session s;
	int attempt = 0;

	memset(&s, 0, sizeof(s));
	s.r = r;
	for (;;) {
		enum mm_result rc = one_connection(&s, err);
		long wait;

		if (s.done || cancelled(r)) {
			mm_error_clear(err);
			return MM_OK;
		}
		if (rc == MM_OK) /* cannot happen: a connection ends badly */
			rc = mm_error_set(err, MM_ERR_CONNECT,
					  "the WebSocket connection ended");
		if (!s.ever || !retryable(rc, err))
			return rc;
		if (s.authed)
			attempt = 0;
		wait = first << (attempt < 10 ? attempt : 10);
		if (wait > cap || wait <= 0)
			wait = cap;
		wait = mm_rand_jitter(wait);
		attempt++;
		note(r, MM_EVENTS_RECONNECTING, err->message, wait);
		mm_error_clear(err);
		nap(r, wait);
		if (cancelled(r))
			return MM_OK;
	}
}
