/* Streamed downloads whose file name the server chooses (support packet)
 * or the caller does (image proxy): temp file, then a no-clobber rename. */
#include "mmadm/api_system.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct save_sink {
	FILE *f;
	uint64_t bytes;
	int saved_errno;
};

static bool
save_write(void *ud, const char *data, size_t len)
{
	struct save_sink *s = ud;

	if (fwrite(data, 1, len, s->f) != len) {
		s->saved_errno = errno ? errno : EIO;
		return false;
	}
	s->bytes += len;
	return true;
}

/* dir + "/" + name into buf. */
static bool
join(char *buf, size_t size, const char *dir, const char *name)
{
	int n = snprintf(buf, size, "%s%s%s", dir,
			 dir[0] && dir[strlen(dir) - 1] != '/' ? "/" : "",
			 name);

	return n >= 0 && (size_t)n < size;
}

/* The directory part of path ("." when there is none). */
static bool
dir_of(const char *path, char *buf, size_t size)
{
	const char *slash = strrchr(path, '/');
	size_t n;

	if (slash == NULL)
		return mm_strlcpy(buf, ".", size);
	n = slash == path ? 1 : (size_t)(slash - path);
	if (n >= size)
		return false;
	memcpy(buf, path, n);
	buf[n] = '\0';
	return true;
}

/* Give the finished temp file its name; without overwrite an existing
 * file is never replaced (link fails with EEXIST). */
static enum mm_result
place(const char *tmp, const char *final, bool overwrite, struct mm_error *err)
{
	struct stat st;

	if (overwrite) {
		if (rename(tmp, final) != 0)
			return mm_error_set(err, MM_ERR_IO,
					    "cannot rename %s to %s: %s", tmp,
					    final, strerror(errno));
		return MM_OK;
	}
	if (link(tmp, final) == 0) {
		unlink(tmp);
		return MM_OK;
	}
	if (errno == EEXIST)
		return mm_error_set(err, MM_ERR_IO,
				    "%s already exists (remove it, or choose "
				    "another name)",
				    final);
	/* A file system without hard links: check, then rename. */
	if (stat(final, &st) == 0)
		return mm_error_set(err, MM_ERR_IO,
				    "%s already exists (remove it, or choose "
				    "another name)",
				    final);
	if (rename(tmp, final) != 0)
		return mm_error_set(err, MM_ERR_IO,
				    "cannot rename %s to %s: %s", tmp, final,
				    strerror(errno));
	return MM_OK;
}

enum mm_result
mm_api_save(struct mm_client *c, const char *path, struct mm_save *s,
	    struct mm_error *err)
{
	/* Read once: streaming or not decides what is set up here (dir,
	 * tmp) and torn down at the end, whatever the request does. */
	FILE *const stream = s->stream;
	struct mm_http_resp resp;
	struct mm_http_req req;
	struct save_sink sink = {NULL, 0, 0};
	char dir[4096], tmp[4096], name[256];
	struct stat st;
	enum mm_result rc;
	int fd = -1;

	s->path[0] = s->content_type[0] = s->location[0] = '\0';
	s->bytes = 0;
	s->status = 0;
	tmp[0] = '\0';
	mm_http_resp_init(&resp);
	if (stream != NULL) {
		sink.f = stream;
	} else {
		if (s->dest != NULL && !s->overwrite && stat(s->dest, &st) == 0)
			return mm_error_set(err, MM_ERR_IO,
					    "%s already exists (remove it, or "
					    "choose another name)",
					    s->dest);
		if (s->dest != NULL ? !dir_of(s->dest, dir, sizeof(dir))
				    : !mm_strlcpy(dir, s->dir ? s->dir : ".",
						  sizeof(dir)))
			return mm_error_set(err, MM_ERR_IO,
					    "the file name is too long");
		if (!join(tmp, sizeof(tmp), dir, ".mmadm-download-XXXXXX"))
			return mm_error_set(err, MM_ERR_IO,
					    "the file name is too long");
		fd = mkstemp(tmp);
		if (fd < 0)
			return mm_error_set(err, MM_ERR_IO,
					    "cannot create a file in %s: %s",
					    dir, strerror(errno));
		sink.f = fdopen(fd, "wb");
		if (sink.f == NULL) {
			rc = mm_error_set(err, MM_ERR_IO, "cannot open %s: %s",
					  tmp, strerror(errno));
			close(fd);
			goto fail;
		}
	}
	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.path = path;
	req.idempotent = true;
	req.sink = save_write;
	req.sink_ud = &sink;
	req.progress = s->progress;
	req.progress_ud = s->progress_ud;
	rc = c->send(c->send_ud, &req, &resp, err);
	s->status = resp.status;
	mm_strlcpy(s->location, resp.location, sizeof(s->location));
	if (rc == MM_ERR_IO && sink.saved_errno != 0)
		mm_error_set(err, MM_ERR_IO, "cannot write %s: %s",
			     stream ? "the output" : tmp,
			     strerror(sink.saved_errno));
	if (rc != MM_OK)
		goto fail;
	if (resp.version_id[0] != '\0')
		mm_strlcpy(c->server_version, resp.version_id,
			   sizeof(c->server_version));
	if (resp.status < 200 || resp.status >= 300) {
		rc = mm_api_error_from_response(&resp, err);
		goto fail;
	}
	s->bytes = sink.bytes;
	mm_strlcpy(s->content_type, resp.content_type, sizeof(s->content_type));
	if (stream != NULL) {
		if (fflush(stream) != 0) {
			rc = mm_error_set(err, MM_ERR_IO,
					  "cannot write the output: %s",
					  strerror(errno));
			goto fail;
		}
		goto out;
	}
	if (fflush(sink.f) != 0 || fsync(fileno(sink.f)) != 0) {
		rc = mm_error_set(err, MM_ERR_IO, "cannot write %s: %s", tmp,
				  strerror(errno));
		goto fail;
	}
	if (fclose(sink.f) != 0) {
		sink.f = NULL;
		rc = mm_error_set(err, MM_ERR_IO, "cannot write %s: %s", tmp,
				  strerror(errno));
		goto fail;
	}
	sink.f = NULL;
	if (s->dest != NULL) {
		if (!mm_strlcpy(s->path, s->dest, sizeof(s->path))) {
			rc = mm_error_set(err, MM_ERR_IO,
					  "the file name is too long");
			goto fail;
		}
	} else {
		if (!mm_api_disposition_filename(resp.content_disposition, name,
						 sizeof(name)) ||
		    name[0] == '.')
			mm_strlcpy(name, s->fallback ? s->fallback : "download",
				   sizeof(name));
		/* the current directory by default: the bare name */
		if (s->dir == NULL
			    ? !mm_strlcpy(s->path, name, sizeof(s->path))
			    : !join(s->path, sizeof(s->path), dir, name)) {
			rc = mm_error_set(err, MM_ERR_IO,
					  "the file name is too long");
			goto fail;
		}
	}
	/* The file keeps mkstemp's 0600: support packets hold logs and
	 * configuration. */
	rc = place(tmp, s->path, s->overwrite, err);
	if (rc != MM_OK)
		goto fail;
	goto out;
fail:
	s->path[0] = '\0';
	if (stream == NULL) {
		if (sink.f != NULL)
			fclose(sink.f);
		if (tmp[0] != '\0')
			unlink(tmp);
	}
out:
	mm_http_resp_release(&resp);
	return rc;
}

enum mm_result
mm_api_system_support_packet(struct mm_client *c,
			     const struct mm_support_packet_req *req,
			     struct mm_save *s, struct mm_error *err)
{
	struct mm_buf path = MM_BUF_INIT;
	enum mm_result rc;
	bool ok = mm_buf_puts(&path, "/api/v4/system/support_packet");

	if (ok && req->no_logs)
		ok = mm_buf_puts(&path, "?basic_server_logs=false");
	for (size_t i = 0; ok && i < req->nplugins; i++)
		ok = mm_buf_putc(&path,
				 strchr(mm_buf_str(&path), '?') ? '&' : '?') &&
		     mm_buf_puts(&path, "plugin_packets=") &&
		     mm_http_escape(req->plugins[i], &path);
	if (!ok) {
		mm_buf_release(&path);
		return mm_error_oom(err);
	}
	if (s->fallback == NULL)
		s->fallback = "mm_support_packet.zip";
	rc = mm_api_save(c, mm_buf_str(&path), s, err);
	mm_buf_release(&path);
	/* The server is fine and the caller allowed: it lacks a license. */
	if (rc == MM_ERR_PERM && strcmp(err->server_id, "api.no_license") == 0)
		err->kind = rc = MM_ERR_UNAVAILABLE;
	return rc;
}

enum mm_result
mm_api_system_image(struct mm_client *c, const char *url, struct mm_save *s,
		    struct mm_error *err)
{
	struct mm_buf path = MM_BUF_INIT;
	enum mm_result rc;

	if (!mm_buf_puts(&path, "/api/v4/image?url=") ||
	    !mm_http_escape(url, &path)) {
		mm_buf_release(&path);
		return mm_error_oom(err);
	}
	rc = mm_api_save(c, mm_buf_str(&path), s, err);
	mm_buf_release(&path);
	return rc;
}
