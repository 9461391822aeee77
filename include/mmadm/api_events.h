/*
 * The server's event stream: GET /api/v4/websocket, authenticated with
 * the authentication_challenge message, events as JSON objects
 * {"event", "data", "broadcast", "seq"}. Reconnects with capped backoff
 * and asks to resume where it stopped (connection_id + sequence_number).
 */
#ifndef MMADM_API_EVENTS_H
#define MMADM_API_EVENTS_H

#include "error.h"
#include "http.h"
#include "json.h"

#include <stdbool.h>
#include <stddef.h>

enum mm_events_note {
	MM_EVENTS_CONNECTED,    /* authenticated; text = connection id */
	MM_EVENTS_RECONNECTING, /* text = why; ms = wait before trying */
	MM_EVENTS_RESUMED,      /* the server kept the stream: none lost */
	MM_EVENTS_NEW_STREAM,   /* could not resume: events may be lost */
	MM_EVENTS_GAP,          /* sequence jumped: ms = events missed */
};

struct mm_events_req {
	const struct mm_http_config *http; /* target, token, TLS, cancel */
	const char *const *types; /* pass only these event types (NULL = all) */
	size_t ntypes;
	long count;          /* stop after this many events passed (0 = no) */
	long backoff_ms;     /* first reconnect wait (0 = 1000) */
	long backoff_max_ms; /* cap (0 = 30000) */
	long idle_ms;        /* ping after this much silence (0 = 30000) */
	/* An event that passed the filter; false stops. */
	bool (*on_event)(void *ud, const struct mm_json *event);
	void (*on_note)(void *ud, enum mm_events_note what, const char *text,
			long ms);
	void *ud;
};

/*
 * Listen until count events passed, on_event said stop, or the cancel
 * flag rose (all MM_OK). The first connection must succeed (its failure
 * is returned); later drops reconnect forever with backoff. A rejected
 * token is MM_ERR_AUTH and ends the stream.
 */
enum mm_result mm_api_events_listen(const struct mm_events_req *r,
				    struct mm_error *err);

/* Sequence bookkeeping (exposed for tests). */
struct mm_events_seq {
	char conn_id[128]; /* from hello; empty before the first */
	long next;         /* the sequence number expected next */
	bool have;         /* a sequence was seen */
};
/*
 * Account for one message with sequence number seq (hello or not).
 * Returns the number of events missed before it (0 = in order), or -1
 * for a duplicate already seen (to drop).
 */
long mm_events_seq_step(struct mm_events_seq *s, long seq);

#endif
