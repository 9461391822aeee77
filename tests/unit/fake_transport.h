/*
 * A fake transport for unit tests of src/api: a client whose send hook
 * answers from a list of canned replies and records what was sent.
 *
 *	struct fake f = {0};
 *	struct mm_client c;
 *
 *	fake_client(&c, &f);
 *	fake_reply(&f, 200, "{\"status\":\"OK\"}");
 *	... call mm_api_* with &c ...
 *	assert_string_equal(f.sent[0].path, "/api/v4/...");
 *	fake_release(&f);
 *
 * A 2xx body is delivered to a streaming sink in two pieces, as a network
 * would; an upload stream is read to its end (sent.data) from where it
 * stood (sent.data_start), and multipart fields are kept both one by one
 * (sent.part) and as "name=value|name<filename:size|" (sent.parts).
 * Include it once, after cmocka.h and the mmadm/api*.h headers.
 */
#ifndef MMADM_TEST_FAKE_TRANSPORT_H
#define MMADM_TEST_FAKE_TRANSPORT_H

#include "mmadm/api.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FAKE_MAX 16

struct canned {
	enum mm_result rc; /* != MM_OK: a transport failure instead */
	long status;
	const char *body;
	const char *content_type;
	const char *disposition;
	const char *location;
	const char *version_id;
	const char *token;
};

struct fake_part {
	char name[32];
	char value[64];
	char filename[128];
	uint64_t size;
	bool file;
};

struct sent {
	char method[8];
	char path[1024];
	char *body; /* NULL = no body */
	char headers[4][256];
	size_t nheaders;
	bool no_auth;
	size_t nparts;
	struct fake_part part[4];
	char parts[512];
	bool upload;
	uint64_t upload_size;
	unsigned char *data; /* the upload stream's bytes */
	uint64_t data_len;
	uint64_t data_start; /* stream position when the request began */
};

struct fake {
	struct canned replies[FAKE_MAX];
	size_t nreplies, next;
	struct sent sent[FAKE_MAX];
	size_t nsent;
	bool repeat_last; /* keep answering with the last reply */
};

static inline void
fake_record(struct sent *s, const struct mm_http_req *req)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->method, sizeof(s->method), "%s", req->method);
	snprintf(s->path, sizeof(s->path), "%s", req->path);
	s->body = req->body ? strndup(req->body, req->body_len) : NULL;
	for (size_t i = 0; req->headers && req->headers[i] && i < 4; i++)
		snprintf(s->headers[s->nheaders++], sizeof(s->headers[0]), "%s",
			 req->headers[i]);
	s->no_auth = req->no_auth;
	s->nparts = req->nparts;
	for (size_t i = 0; i < req->nparts; i++) {
		const struct mm_http_part *p = &req->parts[i];
		size_t n = strlen(s->parts);

		if (i < 4) {
			struct fake_part *fp = &s->part[i];

			snprintf(fp->name, sizeof(fp->name), "%s", p->name);
			snprintf(fp->value, sizeof(fp->value), "%s",
				 p->value ? p->value : "");
			snprintf(fp->filename, sizeof(fp->filename), "%s",
				 p->filename ? p->filename : "");
			fp->size = p->size;
			fp->file = p->file != NULL;
		}
		if (p->file != NULL)
			snprintf(s->parts + n, sizeof(s->parts) - n,
				 "%s<%s:%llu|", p->name, p->filename,
				 (unsigned long long)p->size);
		else
			snprintf(s->parts + n, sizeof(s->parts) - n, "%s=%s|",
				 p->name, p->value);
	}
	s->upload = req->upload != NULL;
	s->upload_size = req->upload_size;
	if (req->upload != NULL) {
		s->data_start = (uint64_t)ftello(req->upload);
		s->data = malloc(req->upload_size + 1);
		assert_non_null(s->data);
		s->data_len = fread(s->data, 1, req->upload_size, req->upload);
		if (req->progress != NULL)
			req->progress(req->progress_ud, s->data_len,
				      req->upload_size);
	}
}

static inline void
fake_copy(char *dst, size_t size, const char *src)
{
	if (src != NULL)
		snprintf(dst, size, "%s", src);
}

static inline enum mm_result
fake_send(void *ud, const struct mm_http_req *req, struct mm_http_resp *resp,
	  struct mm_error *err)
{
	struct fake *f = ud;
	const struct canned *c;

	if (f->next >= f->nreplies && f->repeat_last && f->nreplies > 0)
		f->next = f->nreplies - 1;
	assert_true(f->next < f->nreplies);
	assert_true(f->nsent < FAKE_MAX);
	fake_record(&f->sent[f->nsent++], req);
	c = &f->replies[f->next++];
	if (c->rc != MM_OK)
		return mm_error_set(err, c->rc, "cannot connect to server: %s",
				    "Empty reply from server");
	resp->status = c->status;
	fake_copy(resp->content_type, sizeof(resp->content_type),
		  c->content_type);
	fake_copy(resp->content_disposition, sizeof(resp->content_disposition),
		  c->disposition);
	fake_copy(resp->location, sizeof(resp->location), c->location);
	fake_copy(resp->version_id, sizeof(resp->version_id), c->version_id);
	fake_copy(resp->token, sizeof(resp->token), c->token);
	fake_copy(resp->request_id, sizeof(resp->request_id), "hdrrequestid");
	if (c->body != NULL) {
		size_t n = strlen(c->body), half = n / 2;

		if (req->sink != NULL && c->status >= 200 && c->status < 300) {
			if (!req->sink(req->sink_ud, c->body, half) ||
			    !req->sink(req->sink_ud, c->body + half, n - half))
				return mm_error_set(err, MM_ERR_IO, "sink");
		} else if (!mm_buf_puts(&resp->body, c->body)) {
			return mm_error_set(err, MM_ERR_OTHER, "out of memory");
		}
	}
	return MM_OK;
}

static inline void
fake_release(struct fake *f)
{
	for (size_t i = 0; i < f->nsent; i++) {
		free(f->sent[i].body);
		free(f->sent[i].data);
	}
}

static inline void
fake_client(struct mm_client *c, struct fake *f)
{
	mm_client_init(c, NULL, false);
	c->send = fake_send;
	c->send_ud = f;
}

/* Queue an answer; the result may be amended (headers). */
static inline struct canned *
fake_reply(struct fake *f, long status, const char *body)
{
	struct canned *c;

	assert_true(f->nreplies < FAKE_MAX);
	c = &f->replies[f->nreplies++];
	memset(c, 0, sizeof(*c));
	c->status = status;
	c->body = body;
	return c;
}

/* Queue a transport failure of the given kind (MM_ERR_CONNECT, ...). */
static inline void
fake_drop(struct fake *f, enum mm_result kind)
{
	fake_reply(f, 0, NULL)->rc = kind;
}

#endif
