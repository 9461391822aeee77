/*
 * Resumable upload sessions (API-NOTES §3.6): POST /uploads, GET and POST
 * /uploads/{upload_id}, GET /users/{user_id}/uploads.
 */
#ifndef MMADM_API_UPLOADS_H
#define MMADM_API_UPLOADS_H

#include "api.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* The server refuses a first chunk below this unless it completes the
 * file (app.upload.upload_data.first_part_too_small.app_error). */
#define MM_UPLOAD_FIRST_MIN (5ull * 1024 * 1024)
#define MM_UPLOAD_CHUNK_DEFAULT (32ull * 1024 * 1024)
#define MM_UPLOAD_CHUNK_MIN (64ull * 1024)
#define MM_UPLOAD_RESUMES_DEFAULT 5

struct mm_upload_create {
	const char *channel_id; /* attachments */
	const char *filename;
	uint64_t file_size;
	const char *type;    /* "attachment" (NULL) or "import" */
	const char *user_id; /* NULL: the caller (the server fills it in) */
};
/* POST /uploads: 201 and the UploadSession in *out (NULL in a dry run). */
enum mm_result mm_api_upload_create(struct mm_client *c,
				    const struct mm_upload_create *req,
				    struct mm_json **out, struct mm_error *err);
/* GET /uploads/{upload_id}: the UploadSession. */
enum mm_result mm_api_upload_get(struct mm_client *c, const char *upload_id,
				 struct mm_json **out, struct mm_error *err);
/* GET /users/{user_id}/uploads: the incomplete sessions ([] when none,
 * also for a null answer). */
enum mm_result mm_api_upload_list(struct mm_client *c, const char *user_id,
				  struct mm_json **out, struct mm_error *err);

struct mm_upload_send {
	const char *upload_id; /* NULL only in a dry run after a create */
	FILE *file;            /* the whole file; read from file_offset */
	uint64_t file_size;
	uint64_t chunk_size; /* bytes per request, 0 = the default */
	int max_resumes;     /* resumes after a dropped connection or 5xx */
	unsigned backoff_ms; /* first wait before a resume, 0 = 250 */
	mm_progress_fn progress;
	void *progress_ud;
	/* filled in */
	uint64_t start_offset; /* the server's file_offset at the start */
	uint64_t offset;       /* bytes the server holds (last known) */
	int resumes;
	int requests; /* data requests made */
};

/*
 * Send the rest of a file: GET the session (its file_size must match),
 * seek to its file_offset and POST the remainder as raw bodies of
 * chunk_size bytes (the first at least MM_UPLOAD_FIRST_MIN unless it
 * completes the file). 204 = more needed, 200 = done: *info gets the
 * FileInfo. A dropped connection or a 5xx answer GETs the session again
 * and continues from where the server says it stopped, at most
 * max_resumes times. In a dry run each data request is described.
 */
enum mm_result mm_api_upload_send(struct mm_client *c, struct mm_upload_send *s,
				  struct mm_json **info, struct mm_error *err);

/* The first chunk's size for a session at offset (pure; for tests). */
uint64_t mm_upload_chunk_len(uint64_t offset, uint64_t file_size,
			     uint64_t chunk_size);
/* "123", "64K", "8M", "8MiB", "1G" -> bytes; false if malformed. */
bool mm_parse_size(const char *s, uint64_t *out);

#endif
