/* src/http/multi.c: the transfers of many threads through one multi loop,
 * against a small local HTTP server that answers each request late. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */
#include "mmadm/http.h"
#include "mmadm/http_multi.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define DELAY_MS 400
#define WORKERS 6

/* ---- the server: one thread per connection, answers after DELAY_MS ---- */
struct server {
	int fd;
	int port;
	pthread_t thread;
	int served;
	pthread_mutex_t lock;
};

static void *
serve_conn(void *arg)
{
	int c = (int)(intptr_t)arg;
	char buf[4096];
	size_t used = 0;
	static const char reply[] = "HTTP/1.1 200 OK\r\n"
				    "Content-Type: application/json\r\n"
				    "Content-Length: 11\r\n\r\n"
				    "{\"ok\":true}";

	/* keep-alive: answer every request on this connection */
	for (;;) {
		ssize_t n = read(c, buf + used, sizeof(buf) - 1 - used);
		char *end;

		if (n <= 0)
			break;
		used += (size_t)n;
		buf[used] = '\0';
		while ((end = strstr(buf, "\r\n\r\n")) != NULL) {
			struct timespec ts = {0, DELAY_MS * 1000000L};
			size_t rest = used - (size_t)(end + 4 - buf);

			nanosleep(&ts, NULL);
			if (write(c, reply, sizeof(reply) - 1) < 0)
				goto out;
			memmove(buf, end + 4, rest + 1);
			used = rest;
		}
	}
out:
	close(c);
	return NULL;
}

static void *
accept_loop(void *arg)
{
	struct server *s = arg;

	for (;;) {
		int c = accept(s->fd, NULL, NULL);
		pthread_t t;

		if (c < 0)
			break;
		pthread_mutex_lock(&s->lock);
		s->served++;
		pthread_mutex_unlock(&s->lock);
		if (pthread_create(&t, NULL, serve_conn, (void *)(intptr_t)c) ==
		    0)
			pthread_detach(t);
		else
			close(c);
	}
	return NULL;
}

static void
server_start(struct server *s)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
	s->fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(s->fd >= 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s->fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(s->fd, 64), 0);
	assert_int_equal(getsockname(s->fd, (struct sockaddr *)&a, &len), 0);
	s->port = ntohs(a.sin_port);
	assert_int_equal(pthread_create(&s->thread, NULL, accept_loop, s), 0);
}

static void
server_stop(struct server *s)
{
	shutdown(s->fd, SHUT_RDWR);
	close(s->fd);
	pthread_join(s->thread, NULL);
	pthread_mutex_destroy(&s->lock);
}

/* ---- the workers ---- */
struct worker {
	struct mm_http_multi *multi;
	char url[64];
	int requests;
	int ok;
	enum mm_result rc;
	pthread_t thread;
	volatile int cancel;
};

static void *
work(void *arg)
{
	struct worker *w = arg;
	struct mm_http_config cfg;
	struct mm_http *h = NULL;
	struct mm_error err;

	memset(&cfg, 0, sizeof(cfg));
	cfg.base_url = w->url;
	cfg.multi = w->multi;
	cfg.cancel = &w->cancel;
	mm_error_clear(&err);
	w->rc = mm_http_new(&cfg, &h, &err);
	for (int i = 0; i < w->requests && w->rc == MM_OK; i++) {
		struct mm_http_req req;
		struct mm_http_resp resp;

		memset(&req, 0, sizeof(req));
		req.method = "GET";
		req.path = "/api/v4/x";
		mm_http_resp_init(&resp);
		w->rc = mm_http_do(h, &req, &resp, &err);
		if (w->rc == MM_OK && resp.status == 200 &&
		    strcmp(mm_buf_str(&resp.body), "{\"ok\":true}") == 0)
			w->ok++;
		mm_http_resp_release(&resp);
	}
	mm_http_free(h);
	return NULL;
}

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct run {
	struct worker w[WORKERS];
	struct mm_http_multi *multi;
};

static void
run_workers(struct run *r, const char *url, int requests, int max)
{
	struct mm_error err;

	mm_error_clear(&err);
	assert_int_equal(mm_http_multi_new(max, NULL, &r->multi, &err), MM_OK);
	for (int i = 0; i < WORKERS; i++) {
		memset(&r->w[i], 0, sizeof(r->w[i]));
		r->w[i].multi = r->multi;
		r->w[i].requests = requests;
		snprintf(r->w[i].url, sizeof(r->w[i].url), "%s", url);
		assert_int_equal(
			pthread_create(&r->w[i].thread, NULL, work, &r->w[i]),
			0);
	}
}

/* Stop the loop once every worker is done (from another thread). */
static void *
stopper(void *arg)
{
	struct run *r = arg;

	for (int i = 0; i < WORKERS; i++)
		pthread_join(r->w[i].thread, NULL);
	mm_http_multi_stop(r->multi);
	return NULL;
}

static void
test_concurrent_transfers(void **state)
{
	struct server s;
	struct run r;
	struct mm_error err;
	pthread_t st;
	char url[64];
	long t0, elapsed;

	(void)state;
	server_start(&s);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", s.port);
	t0 = now_ms();
	run_workers(&r, url, 2, WORKERS);
	assert_int_equal(pthread_create(&st, NULL, stopper, &r), 0);
	mm_error_clear(&err);
	assert_int_equal(mm_http_multi_run(r.multi, &err), MM_OK);
	pthread_join(st, NULL);
	elapsed = now_ms() - t0;
	print_message("%d workers x 2 requests of %d ms: %ld ms\n", WORKERS,
		      DELAY_MS, elapsed);
	for (int i = 0; i < WORKERS; i++) {
		assert_int_equal(r.w[i].rc, MM_OK);
		assert_int_equal(r.w[i].ok, 2);
	}
	assert_int_equal(mm_http_multi_transfers(r.multi), WORKERS * 2);
	/* two rounds of DELAY_MS side by side: less than the sum in a row */
	assert_true(elapsed >= 2 * DELAY_MS);
	assert_true(elapsed < 2 * DELAY_MS * WORKERS - DELAY_MS);
	/* keep-alive: one connection a worker, reused for its second GET */
	assert_int_equal(s.served, WORKERS);
	mm_http_multi_free(r.multi);
	server_stop(&s);
}

static void
test_bounded_and_failures(void **state)
{
	struct server s;
	struct run r;
	struct mm_error err;
	pthread_t st;
	char url[64];
	long t0, elapsed;

	(void)state;
	server_start(&s);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", s.port);
	t0 = now_ms();
	run_workers(&r, url, 1, 2); /* at most 2 transfers at a time */
	assert_int_equal(pthread_create(&st, NULL, stopper, &r), 0);
	mm_error_clear(&err);
	assert_int_equal(mm_http_multi_run(r.multi, &err), MM_OK);
	pthread_join(st, NULL);
	elapsed = now_ms() - t0;
	for (int i = 0; i < WORKERS; i++)
		assert_int_equal(r.w[i].ok, 1);
	assert_true(elapsed >= DELAY_MS * WORKERS / 2);
	mm_http_multi_free(r.multi);
	server_stop(&s);
	/* nothing listens any more: each transfer fails on its own */
	run_workers(&r, url, 1, WORKERS);
	assert_int_equal(pthread_create(&st, NULL, stopper, &r), 0);
	assert_int_equal(mm_http_multi_run(r.multi, &err), MM_OK);
	pthread_join(st, NULL);
	for (int i = 0; i < WORKERS; i++)
		assert_int_equal(r.w[i].rc, MM_ERR_CONNECT);
	mm_http_multi_free(r.multi);
}

static void
test_cancel(void **state)
{
	struct mm_http_multi *m = NULL;
	struct mm_error err;
	struct worker w;
	struct server s;
	volatile int cancel = 1;

	(void)state;
	server_start(&s);
	mm_error_clear(&err);
	assert_int_equal(mm_http_multi_new(1, &cancel, &m, &err), MM_OK);
	memset(&w, 0, sizeof(w));
	w.multi = m;
	w.requests = 1;
	snprintf(w.url, sizeof(w.url), "http://127.0.0.1:%d", s.port);
	assert_int_equal(pthread_create(&w.thread, NULL, work, &w), 0);
	mm_http_multi_stop(m);
	assert_int_equal(mm_http_multi_run(m, &err), MM_OK);
	pthread_join(w.thread, NULL);
	assert_int_equal(w.rc, MM_ERR_CANCELLED);
	mm_http_multi_free(m);
	server_stop(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_concurrent_transfers),
		cmocka_unit_test(test_bounded_and_failures),
		cmocka_unit_test(test_cancel),
	};

	struct mm_error err;

	/* libcurl's (slow) global set-up outside the timed parts */
	mm_error_clear(&err);
	if (mm_http_global_init(&err) != MM_OK)
		return 1;
	return cmocka_run_group_tests_name("http_multi", tests, NULL, NULL);
}
