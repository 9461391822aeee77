/* Streamed downloads to a file (temp + rename) or a stream. */
#include "mmadm/api.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

struct sink {
	FILE *f;
	uint64_t bytes;
	int saved_errno;
	bool stream; /* the caller's stream (stdout), not our temp file */
};

static bool
sink_write(void *ud, const char *data, size_t len)
{
	struct sink *s = ud;
	size_t n;

	/* Only the caller's stream may block on a reader; a signal that
	 * comes while our temp file is written must let us remove it. */
	if (s->stream)
		mm_output_busy_set(true);
	n = fwrite(data, 1, len, s->f);
	if (s->stream)
		mm_output_busy_set(false);
	if (n != len) {
		s->saved_errno = errno;
		return false;
	}
	s->bytes += len;
	return true;
}

static int
hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Keep only a harmless basename: no path, no control characters. A name
 * that is none ("", "." or "..") is emptied, so that no caller can use
 * it by mistake. */
static bool
safe_basename(char *name)
{
	char *slash = strrchr(name, '/');

	if (slash != NULL)
		memmove(name, slash + 1, strlen(slash + 1) + 1);
	for (unsigned char *p = (unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '\\')
			*p = '_';
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		name[0] = '\0';
	return name[0] != '\0';
}

bool
mm_api_disposition_filename(const char *cd, char *buf, size_t size)
{
	const char *p;
	size_t n = 0;

	if (cd == NULL || size == 0)
		return false;
	buf[0] = '\0';
	p = strstr(cd, "filename*=");
	if (p != NULL) {
		p += 10;
		if (strncasecmp(p, "UTF-8''", 7) == 0)
			p += 7;
		while (*p && *p != ';' && *p != ' ' && n + 1 < size) {
			if (*p == '%' && hexval(p[1]) >= 0 &&
			    hexval(p[2]) >= 0) {
				buf[n++] = (char)(hexval(p[1]) * 16 +
						  hexval(p[2]));
				p += 3;
			} else {
				buf[n++] = *p++;
			}
		}
		buf[n] = '\0';
		if (safe_basename(buf))
			return true;
	}
	p = strstr(cd, "filename=");
	if (p == NULL) {
		buf[0] = '\0';
		return false;
	}
	p += 9;
	n = 0;
	if (*p == '"') {
		p++;
		while (*p && *p != '"' && n + 1 < size)
			buf[n++] = *p++;
	} else {
		while (*p && *p != ';' && *p != ' ' && n + 1 < size)
			buf[n++] = *p++;
	}
	buf[n] = '\0';
	return safe_basename(buf);
}

enum mm_result
mm_api_download(struct mm_client *c, const char *path, struct mm_download *d,
		struct mm_error *err)
{
	struct mm_http_resp resp;
	struct mm_http_req req;
	struct sink s = {NULL, 0, 0, false};
	char *tmp = NULL;
	int fd = -1;
	enum mm_result rc;
	struct stat st;

	d->bytes = 0;
	d->filename[0] = d->content_type[0] = '\0';
	mm_http_resp_init(&resp);
	if (d->dest != NULL) {
		size_t n = strlen(d->dest) + 16;

		if (!d->overwrite && stat(d->dest, &st) == 0)
			return mm_error_set(err, MM_ERR_IO,
					    "%s already exists (remove it or "
					    "choose another name)",
					    d->dest);
		tmp = malloc(n);
		if (tmp == NULL)
			return mm_error_oom(err);
		snprintf(tmp, n, "%s.part-XXXXXX", d->dest);
		fd = mkstemp(tmp);
		if (fd < 0) {
			rc = mm_error_set(err, MM_ERR_IO,
					  "cannot create %s: %s", tmp,
					  strerror(errno));
			free(tmp);
			return rc;
		}
		s.f = fdopen(fd, "wb");
		/* One write(2) per 512 KiB rather than per stdio buffer. */
		if (s.f != NULL)
			(void)setvbuf(s.f, NULL, _IOFBF, (size_t)512 * 1024);
		if (s.f == NULL) {
			rc = mm_error_set(err, MM_ERR_IO, "cannot open %s: %s",
					  tmp, strerror(errno));
			close(fd);
			goto fail;
		}
	} else {
		s.f = d->stream;
		s.stream = true;
	}
	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.path = path;
	req.sink = sink_write;
	req.sink_ud = &s;
	req.progress = d->progress;
	req.progress_ud = d->progress_ud;
	rc = c->send(c->send_ud, &req, &resp, err);
	if (rc == MM_ERR_IO && s.saved_errno != 0)
		mm_error_set(err, MM_ERR_IO, "cannot write %s: %s",
			     d->dest ? d->dest : "the output",
			     strerror(s.saved_errno));
	if (rc != MM_OK)
		goto fail;
	if (resp.status < 200 || resp.status >= 300) {
		rc = mm_api_error_from_response(&resp, err);
		goto fail;
	}
	d->bytes = s.bytes;
	mm_api_disposition_filename(resp.content_disposition, d->filename,
				    sizeof(d->filename));
	mm_strlcpy(d->content_type, resp.content_type, sizeof(d->content_type));
	if (d->dest == NULL) {
		if (fflush(s.f) != 0) {
			rc = mm_error_set(err, MM_ERR_IO,
					  "cannot write the output: %s",
					  strerror(errno));
			goto fail;
		}
		goto out;
	}
	if (fflush(s.f) != 0 || fsync(fileno(s.f)) != 0) {
		rc = mm_error_set(err, MM_ERR_IO, "cannot write %s: %s", tmp,
				  strerror(errno));
		goto fail;
	}
	if (fclose(s.f) != 0) {
		s.f = NULL;
		rc = mm_error_set(err, MM_ERR_IO, "cannot write %s: %s", tmp,
				  strerror(errno));
		goto fail;
	}
	s.f = NULL;
	if (rename(tmp, d->dest) != 0) {
		rc = mm_error_set(err, MM_ERR_IO, "cannot rename %s to %s: %s",
				  tmp, d->dest, strerror(errno));
		goto fail;
	}
	goto out;
fail:
	if (d->dest != NULL) {
		if (s.f != NULL)
			fclose(s.f);
		s.f = NULL;
		if (tmp != NULL)
			unlink(tmp);
	}
out:
	free(tmp);
	mm_http_resp_release(&resp);
	return rc;
}
