/*
 * Resumable upload sessions: create, inspect, list, and send the rest of
 * a file in raw chunks, resuming from the server's file_offset after a
 * dropped connection.
 */
#include "mmadm/api_uploads.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static struct mm_json *
json_uint(uint64_t v)
{
	char text[32];
	struct mm_json *j = NULL;
	struct mm_error err;

	mm_error_clear(&err);
	if (snprintf(text, sizeof(text), "%" PRIu64, v) < 0 ||
	    mm_json_parse(text, strlen(text), &j, &err) != MM_OK)
		return NULL;
	return j;
}

bool
mm_parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	uint64_t mul = 1;

	if (s == NULL || !isdigit((unsigned char)s[0]))
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return false;
	if (*end != '\0') {
		char unit = (char)toupper((unsigned char)*end);
		const char *rest = end + 1;

		if (unit == 'K')
			mul = 1024;
		else if (unit == 'M')
			mul = (uint64_t)1024 * 1024;
		else if (unit == 'G')
			mul = (uint64_t)1024 * 1024 * 1024;
		else
			return false;
		if (*rest != '\0' && strcasecmp(rest, "iB") != 0 &&
		    strcasecmp(rest, "B") != 0)
			return false;
	}
	if (v > UINT64_MAX / mul)
		return false;
	*out = (uint64_t)v * mul;
	return true;
}

uint64_t
mm_upload_chunk_len(uint64_t offset, uint64_t file_size, uint64_t chunk_size)
{
	uint64_t n = chunk_size ? chunk_size : MM_UPLOAD_CHUNK_DEFAULT;

	if (offset >= file_size)
		return 0;
	/* The first chunk is at least 5 MiB unless it completes the file. */
	if (offset == 0 && n < MM_UPLOAD_FIRST_MIN)
		n = MM_UPLOAD_FIRST_MIN;
	if (n > file_size - offset)
		n = file_size - offset;
	return n;
}

static enum mm_result
id_path(const char *prefix, const char *id, const char *suffix,
	struct mm_buf *p, struct mm_error *err)
{
	if (!mm_buf_puts(p, prefix) || !mm_http_escape(id, p) ||
	    !mm_buf_puts(p, suffix))
		return mm_error_oom(err);
	return MM_OK;
}

static enum mm_result
expect_object(enum mm_result rc, struct mm_json **out, struct mm_error *err)
{
	if (rc == MM_OK && *out != NULL &&
	    mm_json_type(*out) != MM_JSON_OBJECT) {
		mm_json_free(*out);
		*out = NULL;
		rc = mm_error_set(err, MM_ERR_RESPONSE,
				  "the server's answer is not a JSON object");
	}
	return rc;
}

enum mm_result
mm_api_upload_create(struct mm_client *c, const struct mm_upload_create *req,
		     struct mm_json **out, struct mm_error *err)
{
	struct mm_json *body = mm_json_new_object();
	enum mm_result rc;
	bool ok;

	*out = NULL;
	ok = body != NULL &&
	     (req->channel_id == NULL ||
	      mm_json_set_string(body, "channel_id", req->channel_id)) &&
	     mm_json_set_string(body, "filename", req->filename) &&
	     mm_json_set(body, "file_size", json_uint(req->file_size)) &&
	     mm_json_set_string(body, "type",
				req->type ? req->type : "attachment") &&
	     (req->user_id == NULL ||
	      mm_json_set_string(body, "user_id", req->user_id));
	if (!ok) {
		mm_json_free(body);
		return mm_error_oom(err);
	}
	rc = mm_api_request(c, "POST", "/api/v4/uploads", body, 0, out, NULL,
			    err);
	mm_json_free(body);
	rc = expect_object(rc, out, err);
	if (rc == MM_OK && *out != NULL &&
	    mm_json_string(mm_json_get(*out, "id")) == NULL) {
		mm_json_free(*out);
		*out = NULL;
		rc = mm_error_set(err, MM_ERR_RESPONSE,
				  "the server's upload session has no id");
	}
	return rc;
}

enum mm_result
mm_api_upload_get(struct mm_client *c, const char *upload_id,
		  struct mm_json **out, struct mm_error *err)
{
	struct mm_buf p = MM_BUF_INIT;
	enum mm_result rc;

	*out = NULL;
	rc = id_path("/api/v4/uploads/", upload_id, "", &p, err);
	if (rc == MM_OK)
		rc = mm_api_request(c, "GET", mm_buf_str(&p), NULL, 0, out,
				    NULL, err);
	mm_buf_release(&p);
	return expect_object(rc, out, err);
}

enum mm_result
mm_api_upload_list(struct mm_client *c, const char *user_id,
		   struct mm_json **out, struct mm_error *err)
{
	struct mm_buf p = MM_BUF_INIT;
	enum mm_result rc;

	*out = NULL;
	rc = id_path("/api/v4/users/", user_id, "/uploads", &p, err);
	if (rc == MM_OK)
		rc = mm_api_request(c, "GET", mm_buf_str(&p), NULL, 0, out,
				    NULL, err);
	mm_buf_release(&p);
	if (rc != MM_OK)
		return rc;
	if (mm_json_type(*out) == MM_JSON_NULL) {
		mm_json_free(*out);
		*out = mm_json_new_array();
		if (*out == NULL)
			return mm_error_oom(err);
	}
	if (mm_json_type(*out) != MM_JSON_ARRAY) {
		mm_json_free(*out);
		*out = NULL;
		return mm_error_set(err, MM_ERR_RESPONSE,
				    "the server's answer is not a JSON array");
	}
	return MM_OK;
}

/* Progress of the whole file across chunk requests. */
struct chunk_progress {
	const struct mm_upload_send *s;
	uint64_t base;
};

static void
chunk_progress(void *ud, uint64_t done, uint64_t total)
{
	struct chunk_progress *p = ud;

	(void)total;
	p->s->progress(p->s->progress_ud, p->base + done, p->s->file_size);
}

static bool
json_uint_field(const struct mm_json *doc, const char *key, uint64_t *v)
{
	const struct mm_json *j = mm_json_get(doc, key);
	double d;

	if (mm_json_type(j) != MM_JSON_NUMBER)
		return false;
	d = mm_json_number(j);
	if (d < 0 || d > 9007199254740992.0)
		return false;
	*v = (uint64_t)d;
	return true;
}

/* GET the session: the offset the server holds. */
static enum mm_result
session_offset(struct mm_client *c, struct mm_upload_send *s, uint64_t *offset,
	       struct mm_error *err)
{
	struct mm_json *us = NULL;
	uint64_t size = 0;
	enum mm_result rc;

	rc = mm_api_upload_get(c, s->upload_id, &us, err);
	if (rc != MM_OK) {
		if (err->http_status == 404)
			mm_error_prefix(err,
					"upload session %s not found (sessions "
					"disappear when complete)",
					s->upload_id);
		return rc;
	}
	if (!json_uint_field(us, "file_size", &size) ||
	    !json_uint_field(us, "file_offset", offset) || *offset > size) {
		mm_json_free(us);
		return mm_error_set(err, MM_ERR_RESPONSE,
				    "the server's upload session has no valid "
				    "file_size/file_offset");
	}
	mm_json_free(us);
	if (size != s->file_size)
		return mm_error_set(err, MM_ERR_USAGE,
				    "upload session %s expects %" PRIu64
				    " bytes but the file has %" PRIu64
				    ": is it the same file?",
				    s->upload_id, size, s->file_size);
	return MM_OK;
}

/* A failure worth resuming after: the connection, not the request. */
static bool
resumable(const struct mm_error *err)
{
	return err->kind == MM_ERR_CONNECT || err->kind == MM_ERR_SERVER ||
	       (err->kind == MM_ERR_RESPONSE && err->http_status == 0);
}

static void
sleep_ms(unsigned long ms)
{
	struct timespec ts = {(time_t)(ms / 1000),
			      (long)(ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* One chunk: *done when the server answered with the FileInfo. */
static enum mm_result
send_chunk(struct mm_client *c, struct mm_upload_send *s, const char *path,
	   uint64_t n, struct mm_json **info, struct mm_error *err)
{
	struct chunk_progress cp = {s, s->offset};
	struct mm_http_resp resp;
	struct mm_api_body body;
	enum mm_result rc;

	if (fseeko(s->file, (off_t)s->offset, SEEK_SET) != 0)
		return mm_error_set(err, MM_ERR_IO,
				    "cannot seek to byte %" PRIu64 ": %s",
				    s->offset, strerror(errno));
	memset(&body, 0, sizeof(body));
	body.raw = s->file;
	body.raw_size = n;
	if (s->progress != NULL) {
		body.progress = chunk_progress;
		body.progress_ud = &cp;
	}
	mm_http_resp_init(&resp);
	s->requests++;
	rc = mm_api_send(c, "POST", path, &body, MM_API_EMPTY_OK, info, &resp,
			 err);
	if (rc == MM_OK && !c->dry_run && resp.status != 204 && *info == NULL)
		rc = mm_error_set(err, MM_ERR_RESPONSE,
				  "the server answered HTTP %ld without the "
				  "file's info",
				  resp.status);
	mm_http_resp_release(&resp);
	if (rc != MM_OK)
		return rc;
	s->offset += n;
	if (*info != NULL && mm_json_type(*info) != MM_JSON_OBJECT) {
		mm_json_free(*info);
		*info = NULL;
		return mm_error_set(err, MM_ERR_RESPONSE,
				    "the server's answer is not a JSON object");
	}
	if (*info == NULL && s->progress != NULL && !c->dry_run)
		s->progress(s->progress_ud, s->offset, s->file_size);
	return MM_OK;
}

enum mm_result
mm_api_upload_send(struct mm_client *c, struct mm_upload_send *s,
		   struct mm_json **info, struct mm_error *err)
{
	struct mm_buf path = MM_BUF_INIT;
	unsigned long wait = s->backoff_ms ? s->backoff_ms : 250;
	bool need_status = s->upload_id != NULL, first = true;
	enum mm_result rc;

	*info = NULL;
	s->start_offset = s->offset = 0;
	s->resumes = s->requests = 0;
	if (s->upload_id != NULL)
		rc = id_path("/api/v4/uploads/", s->upload_id, "", &path, err);
	else if (!c->dry_run)
		rc = mm_error_set(err, MM_ERR_OTHER, "no upload session");
	else if (!mm_buf_puts(&path, "/api/v4/uploads/{upload_id}"))
		rc = mm_error_oom(err);
	else
		rc = MM_OK;
	while (rc == MM_OK) {
		uint64_t n;

		if (need_status) {
			rc = session_offset(c, s, &s->offset, err);
			if (rc == MM_OK && first)
				s->start_offset = s->offset;
			if (rc == MM_OK)
				need_status = first = false;
		}
		if (rc == MM_OK) {
			n = mm_upload_chunk_len(s->offset, s->file_size,
						s->chunk_size);
			if (n == 0) {
				if (!c->dry_run)
					rc = mm_error_set(
						err, MM_ERR_RESPONSE,
						"the server holds all %" PRIu64
						" bytes but did not complete "
						"the upload",
						s->file_size);
				break;
			}
			rc = send_chunk(c, s, mm_buf_str(&path), n, info, err);
			if (rc == MM_OK && *info != NULL)
				break;
			if (rc == MM_OK)
				continue;
		}
		if (!resumable(err) || s->resumes >= s->max_resumes)
			break;
		/* The connection dropped (or the server failed) mid-way:
		 * ask where it stopped and go on from there. */
		s->resumes++;
		sleep_ms(wait);
		if (wait < 4000)
			wait *= 2;
		mm_error_clear(err);
		need_status = true;
		rc = MM_OK;
	}
	if (rc != MM_OK && s->resumes > 0)
		mm_error_prefix(err, "gave up after %d resume%s", s->resumes,
				s->resumes == 1 ? "" : "s");
	mm_buf_release(&path);
	return rc;
}
