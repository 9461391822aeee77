/*
 * Fleet transport: one libcurl multi handle driven by one thread, carrying
 * the transfers of many worker threads (src/cli/fleet.c).
 *
 * Each worker owns an ordinary struct mm_http (its easy handle, options,
 * callbacks, retries) made with mm_http_config.multi set. Instead of
 * curl_easy_perform, a request hands the easy handle to the loop and
 * blocks until the loop reports it done; the loop thread adds it to the
 * CURLM, drives every transfer with curl_multi_perform/curl_multi_poll,
 * and wakes the owner. So commands stay synchronous code, while all the
 * sockets of all the servers are served by one event loop with one
 * connection cache, and a cap on concurrent transfers.
 */
#ifndef MMADM_HTTP_MULTI_H
#define MMADM_HTTP_MULTI_H

#include "error.h"

struct mm_http_multi;

/*
 * max_transfers caps the transfers in flight (and the connections:
 * CURLMOPT_MAX_TOTAL_CONNECTIONS). cancel (may be NULL) is polled by the
 * loop: when it becomes non-zero every transfer ends as cancelled.
 */
enum mm_result mm_http_multi_new(int max_transfers, volatile int *cancel,
				 struct mm_http_multi **out,
				 struct mm_error *err);
void mm_http_multi_free(struct mm_http_multi *m);

/* Drive transfers until mm_http_multi_stop was called and none is left.
 * Call from exactly one thread. */
enum mm_result mm_http_multi_run(struct mm_http_multi *m, struct mm_error *err);
/* Let mm_http_multi_run return once idle (any thread). */
void mm_http_multi_stop(struct mm_http_multi *m);

/* Transfers done through the loop so far (for tests and traces). */
long mm_http_multi_transfers(struct mm_http_multi *m);

#endif
