/*
 * Files: infos, links, streamed downloads (to a file, into a directory or
 * to a stream) and streamed uploads to a channel (multipart or raw).
 */
#include "mmadm/api_files.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *
mm_api_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL && slash[1] != '\0' ? slash + 1 : path;
}

enum mm_result
mm_api_open_upload(const char *path, FILE **f, uint64_t *size,
		   struct mm_error *err)
{
	struct stat st;
	int fd, flags;
	FILE *fp;

	*f = NULL;
	*size = 0;
	/* O_NONBLOCK: a FIFO must not hang the open; it is refused below. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return mm_error_set(err, MM_ERR_IO, "cannot open %s: %s", path,
				    strerror(errno));
	if (fstat(fd, &st) != 0) {
		int e = errno;

		close(fd);
		return mm_error_set(err, MM_ERR_IO, "cannot read %s: %s", path,
				    strerror(e));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return mm_error_set(err, MM_ERR_IO,
				    "%s is not a regular file (an upload "
				    "needs a file of known size)",
				    path);
	}
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0 ||
	    (fp = fdopen(fd, "rb")) == NULL) {
		int e = errno;

		close(fd);
		return mm_error_set(err, MM_ERR_IO, "cannot open %s: %s", path,
				    strerror(e));
	}
	*f = fp;
	*size = (uint64_t)st.st_size;
	return MM_OK;
}

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

struct mm_json *
mm_api_fetch_doc(const struct mm_fetch *f)
{
	struct mm_json *doc = mm_json_new_object();

	if (doc == NULL || !mm_json_set_string(doc, "path", f->path) ||
	    !mm_json_set(doc, "bytes", json_uint(f->bytes)) ||
	    !mm_json_set_string(doc, "filename", f->filename) ||
	    !mm_json_set_string(doc, "content_type", f->content_type)) {
		mm_json_free(doc);
		return NULL;
	}
	return doc;
}

static void
fetch_result(struct mm_fetch *f, const struct mm_download *d)
{
	f->bytes = d->bytes;
	mm_strlcpy(f->filename, d->filename, sizeof(f->filename));
	mm_strlcpy(f->content_type, d->content_type, sizeof(f->content_type));
}

/* Into an existing directory: the name is known only once the answer's
 * headers arrived, so stream into a hidden temporary file there and give
 * it its name at the end. */
static enum mm_result
fetch_to_dir(struct mm_client *c, const char *path, struct mm_fetch *f,
	     struct mm_download *d, struct mm_error *err)
{
	char tmp[4096], final[sizeof(f->path)];
	size_t dl = strlen(f->dest);
	const char *name;
	enum mm_result rc;
	FILE *fp = NULL;
	int fd;

	while (dl > 1 && f->dest[dl - 1] == '/')
		dl--;
	if (snprintf(tmp, sizeof(tmp), "%.*s/.mmadm-download-XXXXXX", (int)dl,
		     f->dest) >= (int)sizeof(tmp))
		return mm_error_set(err, MM_ERR_USAGE,
				    "directory name too "
				    "long");
	fd = mkstemp(tmp);
	if (fd < 0)
		return mm_error_set(err, MM_ERR_IO,
				    "cannot create a file in %s: %s", f->dest,
				    strerror(errno));
	fp = fdopen(fd, "wb");
	if (fp == NULL) {
		rc = mm_error_set(err, MM_ERR_IO, "cannot open %s: %s", tmp,
				  strerror(errno));
		close(fd);
		goto fail;
	}
	d->stream = fp;
	rc = mm_api_download(c, path, d, err);
	if (rc != MM_OK)
		goto fail;
	fetch_result(f, d);
	name = d->filename[0] ? d->filename : f->fallback_name;
	if (name == NULL || name[0] == '\0')
		name = "download";
	if (snprintf(final, sizeof(final), "%.*s/%s", (int)dl, f->dest, name) >=
	    (int)sizeof(final)) {
		rc = mm_error_set(err, MM_ERR_USAGE, "file name too long");
		goto fail;
	}
	if (fsync(fileno(fp)) != 0) {
		rc = mm_error_set(err, MM_ERR_IO, "cannot write %s: %s", tmp,
				  strerror(errno));
		goto fail;
	}
	if (fclose(fp) != 0) {
		fp = NULL;
		rc = mm_error_set(err, MM_ERR_IO, "cannot write %s: %s", tmp,
				  strerror(errno));
		goto fail;
	}
	fp = NULL;
	if (f->overwrite) {
		if (rename(tmp, final) != 0) {
			rc = mm_error_set(err, MM_ERR_IO,
					  "cannot rename %s to %s: %s", tmp,
					  final, strerror(errno));
			goto fail;
		}
	} else if (link(tmp, final) != 0) {
		/* link() never replaces: an existing file stays untouched. */
		if (errno == EEXIST)
			rc = mm_error_set(err, MM_ERR_IO,
					  "%s already exists (remove it or "
					  "choose another name)",
					  final);
		else
			rc = mm_error_set(err, MM_ERR_IO,
					  "cannot create %s: %s", final,
					  strerror(errno));
		goto fail;
	} else {
		unlink(tmp);
	}
	mm_strlcpy(f->path, final, sizeof(f->path));
	return MM_OK;
fail:
	if (fp != NULL)
		fclose(fp);
	unlink(tmp);
	return rc;
}

enum mm_result
mm_api_fetch(struct mm_client *c, const char *path, struct mm_fetch *f,
	     struct mm_error *err)
{
	struct mm_download d;
	struct stat st;
	enum mm_result rc;

	memset(&d, 0, sizeof(d));
	f->bytes = 0;
	f->path[0] = f->filename[0] = f->content_type[0] = '\0';
	d.progress = f->progress;
	d.progress_ud = f->progress_ud;
	if (f->dest == NULL && f->stream == NULL)
		return mm_error_set(err, MM_ERR_OTHER, "no download target");
	if (f->dest != NULL && stat(f->dest, &st) == 0 && S_ISDIR(st.st_mode))
		return fetch_to_dir(c, path, f, &d, err);
	d.dest = f->dest;
	d.stream = f->dest ? NULL : f->stream;
	d.overwrite = f->overwrite;
	rc = mm_api_download(c, path, &d, err);
	if (rc != MM_OK)
		return rc;
	fetch_result(f, &d);
	if (f->dest != NULL)
		mm_strlcpy(f->path, f->dest, sizeof(f->path));
	return MM_OK;
}

/* "/api/v4/files/<escaped id><suffix>" */
static enum mm_result
file_path(const char *file_id, const char *suffix, struct mm_buf *p,
	  struct mm_error *err)
{
	if (!mm_buf_puts(p, "/api/v4/files/") || !mm_http_escape(file_id, p) ||
	    !mm_buf_puts(p, suffix))
		return mm_error_oom(err);
	return MM_OK;
}

static enum mm_result
get_json(struct mm_client *c, const char *file_id, const char *suffix,
	 struct mm_json **out, struct mm_error *err)
{
	struct mm_buf p = MM_BUF_INIT;
	enum mm_result rc;

	*out = NULL;
	rc = file_path(file_id, suffix, &p, err);
	if (rc == MM_OK)
		rc = mm_api_request(c, "GET", mm_buf_str(&p), NULL, 0, out,
				    NULL, err);
	if (rc == MM_OK && mm_json_type(*out) != MM_JSON_OBJECT) {
		mm_json_free(*out);
		*out = NULL;
		rc = mm_error_set(err, MM_ERR_RESPONSE,
				  "the server's answer is not a JSON object");
	}
	mm_buf_release(&p);
	return rc;
}

enum mm_result
mm_api_file_info(struct mm_client *c, const char *file_id, struct mm_json **out,
		 struct mm_error *err)
{
	return get_json(c, file_id, "/info", out, err);
}

enum mm_result
mm_api_file_link(struct mm_client *c, const char *file_id, struct mm_json **out,
		 struct mm_error *err)
{
	enum mm_result rc = get_json(c, file_id, "/link", out, err);

	if (rc == MM_OK && mm_json_string(mm_json_get(*out, "link")) == NULL) {
		mm_json_free(*out);
		*out = NULL;
		rc = mm_error_set(err, MM_ERR_RESPONSE,
				  "the server's answer has no link");
	}
	return rc;
}

enum mm_result
mm_api_file_get(struct mm_client *c, const char *file_id,
		enum mm_file_part part, struct mm_fetch *f,
		struct mm_error *err)
{
	static const char *const suffix[] = {"", "/preview", "/thumbnail"};
	struct mm_buf p = MM_BUF_INIT;
	enum mm_result rc;

	rc = file_path(file_id, suffix[part], &p, err);
	if (rc == MM_OK) {
		if (f->fallback_name == NULL)
			f->fallback_name = file_id;
		rc = mm_api_fetch(c, mm_buf_str(&p), f, err);
	}
	mm_buf_release(&p);
	return rc;
}

static bool
query_param(struct mm_buf *p, char sep, const char *name, const char *value)
{
	return mm_buf_putc(p, sep) && mm_buf_puts(p, name) &&
	       mm_buf_putc(p, '=') && mm_http_escape(value, p);
}

static enum mm_result
check_upload_answer(struct mm_json *doc, struct mm_error *err)
{
	const struct mm_json *infos = mm_json_get(doc, "file_infos");

	if (mm_json_type(infos) != MM_JSON_ARRAY)
		return mm_error_set(err, MM_ERR_RESPONSE,
				    "the server's answer has no file_infos");
	return MM_OK;
}

/* One file of an upload: its open stream and its size. */
struct upload_src {
	FILE *f;
	uint64_t size;
};

enum mm_result
mm_api_file_upload(struct mm_client *c, const struct mm_file_upload *req,
		   struct mm_json **out, struct mm_error *err)
{
	struct mm_http_part *parts = NULL;
	struct mm_api_body body;
	struct mm_buf path = MM_BUF_INIT;
	struct upload_src *src = NULL;
	size_t np = 0;
	enum mm_result rc = MM_OK;

	*out = NULL;
	if (req->npaths == 0)
		return mm_error_set(err, MM_ERR_USAGE, "no file to upload");
	if (req->nclient_ids != 0 && req->nclient_ids != req->npaths)
		return mm_error_set(err, MM_ERR_USAGE,
				    "give one client id per file or none "
				    "(files: %zu, client ids: %zu)",
				    req->npaths, req->nclient_ids);
	if (req->raw && req->npaths != 1)
		return mm_error_set(err, MM_ERR_USAGE,
				    "a raw upload sends exactly one file "
				    "(%zu given)",
				    req->npaths);
	src = calloc(req->npaths, sizeof(*src));
	if (src == NULL) {
		rc = mm_error_oom(err);
		goto out;
	}
	for (size_t i = 0; i < req->npaths && rc == MM_OK; i++)
		rc = mm_api_open_upload(req->paths[i], &src[i].f, &src[i].size,
					err);
	if (rc != MM_OK)
		goto out;
	memset(&body, 0, sizeof(body));
	body.progress = req->progress;
	body.progress_ud = req->progress_ud;
	if (req->raw) {
		if (!mm_buf_puts(&path, "/api/v4/files") ||
		    !query_param(&path, '?', "channel_id", req->channel_id) ||
		    !query_param(&path, '&', "filename",
				 mm_api_basename(req->paths[0])) ||
		    (req->nclient_ids == 1 &&
		     !query_param(&path, '&', "client_id",
				  req->client_ids[0]))) {
			rc = mm_error_oom(err);
			goto out;
		}
		body.raw = src[0].f;
		body.raw_size = src[0].size;
	} else {
		parts = calloc(1 + req->nclient_ids + req->npaths,
			       sizeof(*parts));
		if (parts == NULL || !mm_buf_puts(&path, "/api/v4/files")) {
			rc = mm_error_oom(err);
			goto out;
		}
		/* channel_id first: the server streams the files only when
		 * it already knows the channel. */
		parts[np].name = "channel_id";
		parts[np++].value = req->channel_id;
		for (size_t i = 0; i < req->nclient_ids; i++) {
			parts[np].name = "client_ids";
			parts[np++].value = req->client_ids[i];
		}
		for (size_t i = 0; i < req->npaths; i++) {
			parts[np].name = "files";
			parts[np].filename = mm_api_basename(req->paths[i]);
			parts[np].path = req->paths[i];
			parts[np].file = src[i].f;
			parts[np++].size = src[i].size;
		}
		body.parts = parts;
		body.nparts = np;
	}
	rc = mm_api_send(c, "POST", mm_buf_str(&path), &body, 0, out, NULL,
			 err);
	if (rc == MM_OK && *out != NULL) {
		rc = check_upload_answer(*out, err);
		if (rc != MM_OK) {
			mm_json_free(*out);
			*out = NULL;
		}
	}
out:
	for (size_t i = 0; src != NULL && i < req->npaths; i++)
		if (src[i].f != NULL)
			fclose(src[i].f);
	free(src);
	free(parts);
	mm_buf_release(&path);
	return rc;
}
