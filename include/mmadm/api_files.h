/*
 * Files (API-NOTES §3.5): file infos, public links, streamed downloads to
 * a file, a directory or a stream, and streamed uploads to a channel. Also
 * the helpers the other transfer families share (opening a file to
 * upload, describing a finished download).
 */
#ifndef MMADM_API_FILES_H
#define MMADM_API_FILES_H

#include "api.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Open path for a streamed upload: it must be a regular file. *size is its
 * length. MM_ERR_IO (cannot open or read, or not a regular file: a
 * directory, a device, a FIFO) with a message naming the path.
 */
enum mm_result mm_api_open_upload(const char *path, FILE **f, uint64_t *size,
				  struct mm_error *err);
/* The last component of a path ("dir/a.txt" -> "a.txt"). */
const char *mm_api_basename(const char *path);

/* A download to a file, into a directory or to a stream. */
struct mm_fetch {
	const char *dest; /* file or existing directory; NULL = stream */
	FILE *stream;
	bool overwrite;            /* replace an existing file */
	const char *fallback_name; /* in a directory, when the server gives
				      no Content-Disposition name */
	mm_progress_fn progress;
	void *progress_ud;
	/* filled in */
	uint64_t bytes;
	char path[4096];    /* where it was saved, "" for a stream */
	char filename[256]; /* the server's name for it, if any */
	char content_type[128];
};

/*
 * GET path and stream the body: to f->dest (through a temporary file in
 * the same directory, renamed when complete, removed on any failure, so
 * there is never a partial file under the final name), into the directory
 * f->dest under the server's file name (never replacing an existing file
 * unless f->overwrite), or to f->stream. Memory stays flat.
 */
enum mm_result mm_api_fetch(struct mm_client *c, const char *path,
			    struct mm_fetch *f, struct mm_error *err);
/* {"path","bytes","filename","content_type"} of a finished download. */
struct mm_json *mm_api_fetch_doc(const struct mm_fetch *f);

/* The legacy POST /file/s3_test (servers before 11.10) with the overrides
 * of mm_api_file_test (defined in src/api/file.c). */
enum mm_result mm_api_file_s3_test(struct mm_client *c,
				   const struct mm_file_test_req *req,
				   struct mm_file_test_result *res,
				   struct mm_error *err);

/* GET /files/{file_id}/info: the FileInfo. */
enum mm_result mm_api_file_info(struct mm_client *c, const char *file_id,
				struct mm_json **out, struct mm_error *err);
/* GET /files/{file_id}/link: {"link": "..."}. */
enum mm_result mm_api_file_link(struct mm_client *c, const char *file_id,
				struct mm_json **out, struct mm_error *err);

enum mm_file_part {
	MM_FILE_CONTENT,   /* GET /files/{file_id} */
	MM_FILE_PREVIEW,   /* GET /files/{file_id}/preview */
	MM_FILE_THUMBNAIL, /* GET /files/{file_id}/thumbnail */
};
/* Download a file, its preview or its thumbnail (see mm_api_fetch; the
 * fallback name in a directory is the file id). */
enum mm_result mm_api_file_get(struct mm_client *c, const char *file_id,
			       enum mm_file_part part, struct mm_fetch *f,
			       struct mm_error *err);

/* POST /files: files for a channel, streamed from disk. */
struct mm_file_upload {
	const char *channel_id;
	const char *const *paths;
	size_t npaths;
	const char *const *client_ids; /* none, or one per file */
	size_t nclient_ids;
	bool raw; /* one file as the raw body (?channel_id&filename) */
	mm_progress_fn progress;
	void *progress_ud;
};
/* *out: the server's {"file_infos":[...],"client_ids":[...]} (NULL in a
 * dry run). Multipart: channel_id first, then client_ids, then one
 * "files" part per file. */
enum mm_result mm_api_file_upload(struct mm_client *c,
				  const struct mm_file_upload *req,
				  struct mm_json **out, struct mm_error *err);

#endif
