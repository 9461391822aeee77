/* The fleet transport loop: one CURLM for the easy handles of many
 * worker threads (see mmadm/http_multi.h). */
#include "mmadm/http.h"
#include "multi_internal.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

struct job {
	CURL *easy;
	CURLcode result;
	bool done;
	struct job *next;
};

struct mm_http_multi {
	CURLM *multi;
	pthread_mutex_t lock;
	pthread_cond_t done;
	struct job *queue; /* submitted, not yet added to the multi */
	struct job *queue_tail;
	struct job *active; /* added to the multi */
	bool stop;
	bool cancelled;
	volatile int *cancel;
	long transfers;
};

enum mm_result
mm_http_multi_new(int max_transfers, volatile int *cancel,
		  struct mm_http_multi **out, struct mm_error *err)
{
	struct mm_http_multi *m;

	*out = NULL;
	if (mm_http_global_init(err) != MM_OK)
		return err->kind;
	m = calloc(1, sizeof(*m));
	if (m == NULL)
		return mm_error_oom(err);
	m->multi = curl_multi_init();
	if (m->multi == NULL) {
		free(m);
		return mm_error_set(err, MM_ERR_OTHER,
				    "cannot create a libcurl multi handle");
	}
	if (pthread_mutex_init(&m->lock, NULL) != 0) {
		curl_multi_cleanup(m->multi);
		free(m);
		return mm_error_set(err, MM_ERR_OTHER, "cannot create a lock");
	}
	if (pthread_cond_init(&m->done, NULL) != 0) {
		pthread_mutex_destroy(&m->lock);
		curl_multi_cleanup(m->multi);
		free(m);
		return mm_error_set(err, MM_ERR_OTHER,
				    "cannot create a condition variable");
	}
	if (max_transfers < 1)
		max_transfers = 1;
	curl_multi_setopt(m->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
			  (long)max_transfers);
	/* The idle-connection cache defaults to 4 x the handles added at
	 * the moment: when few are in flight it shrinks and closes
	 * connections a server's next request would have reused. */
	curl_multi_setopt(m->multi, CURLMOPT_MAXCONNECTS, (long)max_transfers);
	m->cancel = cancel;
	*out = m;
	return MM_OK;
}

void
mm_http_multi_free(struct mm_http_multi *m)
{
	if (m == NULL)
		return;
	curl_multi_cleanup(m->multi);
	pthread_cond_destroy(&m->done);
	pthread_mutex_destroy(&m->lock);
	free(m);
}

long
mm_http_multi_transfers(struct mm_http_multi *m)
{
	long n;

	pthread_mutex_lock(&m->lock);
	n = m->transfers;
	pthread_mutex_unlock(&m->lock);
	return n;
}

CURLcode
mm_http_multi_perform(struct mm_http_multi *m, CURL *easy)
{
	struct job job = {easy, CURLE_OK, false, NULL};

	pthread_mutex_lock(&m->lock);
	if (m->cancelled) {
		pthread_mutex_unlock(&m->lock);
		return CURLE_ABORTED_BY_CALLBACK;
	}
	/* The job lives on this stack, which is safe: we wait below until it
	 * is done, and finish() marks it done only after it has left the
	 * queue and the active list, so nothing points to it once we return.
	 * cppcheck cannot see that wait, hence the two suppressions. */
	if (m->queue_tail != NULL)
		m->queue_tail->next = &job;
	else
		m->queue = &job; /* cppcheck-suppress autoVariables */
	m->queue_tail = &job;    /* cppcheck-suppress autoVariables */
	pthread_mutex_unlock(&m->lock);
	curl_multi_wakeup(m->multi);
	pthread_mutex_lock(&m->lock);
	while (!job.done)
		pthread_cond_wait(&m->done, &m->lock);
	pthread_mutex_unlock(&m->lock);
	return job.result;
}

void
mm_http_multi_stop(struct mm_http_multi *m)
{
	pthread_mutex_lock(&m->lock);
	m->stop = true;
	pthread_mutex_unlock(&m->lock);
	curl_multi_wakeup(m->multi);
}

/* Under the lock: hand a result back to the job's thread. */
static void
finish(struct mm_http_multi *m, struct job *j, CURLcode result)
{
	j->result = result;
	j->done = true;
	m->transfers++;
	pthread_cond_broadcast(&m->done);
}

static void
unlink_active(struct mm_http_multi *m, struct job *j)
{
	for (struct job **p = &m->active; *p != NULL; p = &(*p)->next) {
		if (*p == j) {
			*p = j->next;
			j->next = NULL;
			return;
		}
	}
}

/* Under the lock: start what was submitted (or refuse it once
 * cancelled). */
static void
take_queue(struct mm_http_multi *m)
{
	struct job *j = m->queue;

	m->queue = m->queue_tail = NULL;
	while (j != NULL) {
		struct job *next = j->next;

		j->next = NULL;
		if (m->cancelled) {
			finish(m, j, CURLE_ABORTED_BY_CALLBACK);
		} else {
			curl_easy_setopt(j->easy, CURLOPT_PRIVATE, j);
			if (curl_multi_add_handle(m->multi, j->easy) !=
			    CURLM_OK) {
				finish(m, j, CURLE_FAILED_INIT);
			} else {
				j->next = m->active;
				m->active = j;
			}
		}
		j = next;
	}
}

/* Under the lock: end every transfer in flight as cancelled. */
static void
abort_active(struct mm_http_multi *m)
{
	while (m->active != NULL) {
		struct job *j = m->active;

		m->active = j->next;
		j->next = NULL;
		curl_multi_remove_handle(m->multi, j->easy);
		finish(m, j, CURLE_ABORTED_BY_CALLBACK);
	}
}

static void
collect_done(struct mm_http_multi *m)
{
	CURLMsg *msg;
	int left = 0;

	while ((msg = curl_multi_info_read(m->multi, &left)) != NULL) {
		struct job *j = NULL;
		CURL *easy = msg->easy_handle;
		CURLcode result = msg->data.result;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&j);
		curl_multi_remove_handle(m->multi, easy);
		if (j == NULL)
			continue;
		pthread_mutex_lock(&m->lock);
		unlink_active(m, j);
		finish(m, j, result);
		pthread_mutex_unlock(&m->lock);
	}
}

/* The loop cannot go on: end everything, now and later. */
static enum mm_result
fail_all(struct mm_http_multi *m, CURLMcode mc, struct mm_error *err)
{
	pthread_mutex_lock(&m->lock);
	m->cancelled = true;
	take_queue(m);
	abort_active(m);
	pthread_mutex_unlock(&m->lock);
	return mm_error_set(err, MM_ERR_OTHER, "transfer loop failed: %s",
			    curl_multi_strerror(mc));
}

enum mm_result
mm_http_multi_run(struct mm_http_multi *m, struct mm_error *err)
{
	for (;;) {
		int running = 0;
		CURLMcode mc;
		bool idle;

		pthread_mutex_lock(&m->lock);
		if (m->cancel != NULL && *m->cancel && !m->cancelled)
			m->cancelled = true;
		take_queue(m);
		if (m->cancelled)
			abort_active(m);
		idle = m->active == NULL && m->queue == NULL;
		if (m->stop && idle) {
			pthread_mutex_unlock(&m->lock);
			break;
		}
		pthread_mutex_unlock(&m->lock);
		if (!idle) {
			mc = curl_multi_perform(m->multi, &running);
			if (mc != CURLM_OK)
				return fail_all(m, mc, err);
			collect_done(m);
		}
		mc = curl_multi_poll(m->multi, NULL, 0, 100, NULL);
		if (mc != CURLM_OK)
			return fail_all(m, mc, err);
	}
	return MM_OK;
}
