/* src/api files, uploads, brand and saml against a fake transport: chunk
 * sizes, resuming upload sessions, multipart and raw uploads, downloads
 * into files and directories, error shapes. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */
#include "mmadm/api_brand.h"
#include "mmadm/api_files.h"
#include "mmadm/api_saml.h"
#include "mmadm/api_uploads.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MIB (1024ull * 1024)

#include "fake_transport.h"

/* A temporary file of n bytes whose byte i is (i * 7 + i / 251) & 255. */
static FILE *
pattern_file(uint64_t n, char *path, size_t size)
{
	FILE *fp;
	int fd;

	snprintf(path, size, "/tmp/mmadm-test-files-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w+b");
	assert_non_null(fp);
	for (uint64_t i = 0; i < n; i++)
		assert_int_not_equal(fputc((int)((i * 7 + i / 251) & 255), fp),
				     EOF);
	assert_int_equal(fflush(fp), 0);
	rewind(fp);
	return fp;
}

static bool
pattern_at(const unsigned char *data, uint64_t len, uint64_t start)
{
	for (uint64_t i = 0; i < len; i++) {
		uint64_t k = start + i;

		if (data[i] != (unsigned char)((k * 7 + k / 251) & 255))
			return false;
	}
	return true;
}

static char *
session(uint64_t size, uint64_t offset)
{
	char *s = malloc(256);

	assert_non_null(s);
	snprintf(s, 256,
		 "{\"id\":\"upid\",\"type\":\"attachment\",\"filename\":"
		 "\"a.bin\",\"file_size\":%llu,\"file_offset\":%llu}",
		 (unsigned long long)size, (unsigned long long)offset);
	return s;
}

/* ---- pure helpers ---- */

static void
test_parse_size(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_true(mm_parse_size("123", &v));
	assert_int_equal(v, 123);
	assert_true(mm_parse_size("64K", &v));
	assert_int_equal(v, 65536);
	assert_true(mm_parse_size("8M", &v));
	assert_int_equal(v, 8 * MIB);
	assert_true(mm_parse_size("8MiB", &v));
	assert_int_equal(v, 8 * MIB);
	assert_true(mm_parse_size("2g", &v));
	assert_int_equal(v, 2048 * MIB);
	assert_false(mm_parse_size("", &v));
	assert_false(mm_parse_size("-1", &v));
	assert_false(mm_parse_size("8X", &v));
	assert_false(mm_parse_size("8MBs", &v));
	assert_false(mm_parse_size("M", &v));
	assert_false(mm_parse_size("99999999999999999999", &v));
	assert_false(mm_parse_size("99999999999999G", &v));
}

static void
test_chunk_len(void **state)
{
	(void)state;
	/* A small file goes in one request (it completes the file). */
	assert_int_equal(mm_upload_chunk_len(0, 3 * MIB, MIB), 3 * MIB);
	/* The first chunk is raised to 5 MiB. */
	assert_int_equal(mm_upload_chunk_len(0, 20 * MIB, MIB), 5 * MIB);
	/* Later chunks may be small. */
	assert_int_equal(mm_upload_chunk_len(5 * MIB, 20 * MIB, MIB), MIB);
	/* The default, capped at what is left. */
	assert_int_equal(mm_upload_chunk_len(0, 20 * MIB, 0), 20 * MIB);
	assert_int_equal(mm_upload_chunk_len(0, 100 * MIB, 0),
			 MM_UPLOAD_CHUNK_DEFAULT);
	assert_int_equal(mm_upload_chunk_len(19 * MIB, 20 * MIB, 8 * MIB), MIB);
	assert_int_equal(mm_upload_chunk_len(20 * MIB, 20 * MIB, MIB), 0);
}

/* ---- upload sessions ---- */

struct progress_log {
	uint64_t last_done, last_total;
	int calls;
};

static void
record_progress(void *ud, uint64_t done, uint64_t total)
{
	struct progress_log *p = ud;

	/* Within one run without resumes the bar never goes back. */
	assert_true(p->calls == 0 || done >= p->last_done);
	p->last_done = done;
	p->last_total = total;
	p->calls++;
}

static void
test_send_chunks(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_json *info = NULL;
	struct mm_upload_send s;
	struct progress_log pl = {0};
	char path[64], *us = session(12 * MIB, 0);
	FILE *fp = pattern_file(12 * MIB, path, sizeof(path));

	(void)state;
	fake_reply(&f, 200, us);
	fake_reply(&f, 204, NULL);
	fake_reply(&f, 204, NULL);
	fake_reply(&f, 200, "{\"id\":\"fileid\",\"size\":12582912}");
	fake_client(&c, &f);
	memset(&s, 0, sizeof(s));
	s.upload_id = "upid";
	s.file = fp;
	s.file_size = 12 * MIB;
	s.chunk_size = 4 * MIB;
	s.progress = record_progress;
	s.progress_ud = &pl;
	mm_error_clear(&err);
	assert_int_equal(mm_api_upload_send(&c, &s, &info, &err), MM_OK);
	assert_non_null(info);
	assert_string_equal(mm_json_string(mm_json_get(info, "id")), "fileid");
	assert_int_equal(f.nsent, 4);
	assert_string_equal(f.sent[0].method, "GET");
	assert_string_equal(f.sent[0].path, "/api/v4/uploads/upid");
	/* 5 MiB first (the server's minimum), then 4 MiB, then the rest. */
	assert_int_equal(f.sent[1].data_len, 5 * MIB);
	assert_int_equal(f.sent[2].data_len, 4 * MIB);
	assert_int_equal(f.sent[3].data_len, 3 * MIB);
	assert_int_equal(f.sent[2].data_start, 5 * MIB);
	for (size_t i = 1; i < 4; i++) {
		assert_string_equal(f.sent[i].method, "POST");
		assert_string_equal(f.sent[i].path, "/api/v4/uploads/upid");
		assert_true(pattern_at(f.sent[i].data, f.sent[i].data_len,
				       f.sent[i].data_start));
	}
	assert_int_equal(s.requests, 3);
	assert_int_equal(s.resumes, 0);
	assert_int_equal(s.start_offset, 0);
	/* Progress covers the whole file, not each chunk. */
	assert_int_equal(pl.last_done, 12 * MIB);
	assert_int_equal(pl.last_total, 12 * MIB);
	mm_json_free(info);
	fake_release(&f);
	free(us);
	fclose(fp);
	unlink(path);
}

static void
test_send_resumes_where_server_stopped(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_json *info = NULL;
	struct mm_upload_send s;
	char path[64], *us0 = session(8 * MIB, 0),
		       *us1 = session(8 * MIB, 6 * MIB + 17);
	FILE *fp = pattern_file(8 * MIB, path, sizeof(path));

	(void)state;
	fake_reply(&f, 200, us0);
	fake_drop(&f, MM_ERR_CONNECT); /* the connection drops mid-chunk */
	fake_reply(&f, 200, us1);      /* the server kept 6 MiB + 17 bytes */
	fake_reply(&f, 200, "{\"id\":\"fileid\"}");
	fake_client(&c, &f);
	memset(&s, 0, sizeof(s));
	s.upload_id = "upid";
	s.file = fp;
	s.file_size = 8 * MIB;
	s.max_resumes = 3;
	s.backoff_ms = 1;
	mm_error_clear(&err);
	assert_int_equal(mm_api_upload_send(&c, &s, &info, &err), MM_OK);
	assert_non_null(info);
	assert_int_equal(f.nsent, 4);
	assert_int_equal(f.sent[1].data_len, 8 * MIB);
	assert_string_equal(f.sent[2].method, "GET");
	assert_int_equal(f.sent[3].data_start, 6 * MIB + 17);
	assert_int_equal(f.sent[3].data_len, 2 * MIB - 17);
	assert_true(
		pattern_at(f.sent[3].data, f.sent[3].data_len, 6 * MIB + 17));
	assert_int_equal(s.resumes, 1);
	assert_int_equal(s.offset, 8 * MIB);
	mm_json_free(info);
	fake_release(&f);
	free(us0);
	free(us1);
	fclose(fp);
	unlink(path);
}

static void
test_send_resume_at_start_and_gives_up(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_json *info = NULL;
	struct mm_upload_send s;
	char path[64], *us = session(1000, 400);
	FILE *fp = pattern_file(1000, path, sizeof(path));

	(void)state;
	fake_reply(&f, 200, us); /* an earlier run stopped at 400 */
	fake_reply(&f, 500,
		   "{\"id\":\"app.upload.upload_data.read_file."
		   "app_error\",\"message\":\"boom\"}");
	fake_reply(&f, 200, us);
	fake_drop(&f, MM_ERR_CONNECT);
	fake_reply(&f, 200, us);
	fake_drop(&f, MM_ERR_CONNECT);
	fake_client(&c, &f);
	memset(&s, 0, sizeof(s));
	s.upload_id = "upid";
	s.file = fp;
	s.file_size = 1000;
	s.max_resumes = 2;
	s.backoff_ms = 1;
	mm_error_clear(&err);
	assert_int_equal(mm_api_upload_send(&c, &s, &info, &err),
			 MM_ERR_CONNECT);
	assert_null(info);
	assert_int_equal(s.start_offset, 400);
	assert_int_equal(s.offset, 400);
	assert_int_equal(s.resumes, 2);
	assert_int_equal(f.sent[1].data_start, 400);
	assert_int_equal(f.sent[1].data_len, 600);
	assert_non_null(strstr(err.message, "gave up after 2 resumes"));
	fake_release(&f);
	free(us);
	fclose(fp);
	unlink(path);
}

static void
test_send_rejections_are_final(void **state)
{
	struct fake f = {0}, g = {0}, h = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_json *info = NULL;
	struct mm_upload_send s;
	char path[64], *us = session(1000, 0), *other = session(999, 0);
	FILE *fp = pattern_file(1000, path, sizeof(path));

	(void)state;
	/* 400 from the server: not resumed. */
	fake_reply(&f, 200, us);
	fake_reply(&f, 400,
		   "{\"id\":\"app.upload.upload_data.first_part_too_"
		   "small.app_error\",\"message\":\"too small\"}");
	fake_client(&c, &f);
	memset(&s, 0, sizeof(s));
	s.upload_id = "upid";
	s.file = fp;
	s.file_size = 1000;
	s.max_resumes = 5;
	s.backoff_ms = 1;
	mm_error_clear(&err);
	assert_int_equal(mm_api_upload_send(&c, &s, &info, &err),
			 MM_ERR_REJECTED);
	assert_string_equal(err.server_id,
			    "app.upload.upload_data.first_part_too_small."
			    "app_error");
	assert_int_equal(f.nsent, 2);
	assert_int_equal(s.resumes, 0);
	/* A session for another size: the wrong file. */
	fake_reply(&g, 200, other);
	fake_client(&c, &g);
	mm_error_clear(&err);
	assert_int_equal(mm_api_upload_send(&c, &s, &info, &err), MM_ERR_USAGE);
	assert_non_null(strstr(err.message, "expects 999 bytes"));
	assert_int_equal(g.nsent, 1);
	/* The session is gone. */
	fake_reply(&h, 404,
		   "{\"id\":\"app.upload.get.app_error\",\"message\":"
		   "\"Failed to get upload.\"}");
	fake_client(&c, &h);
	mm_error_clear(&err);
	assert_int_equal(mm_api_upload_send(&c, &s, &info, &err),
			 MM_ERR_NOTFOUND);
	assert_non_null(strstr(err.message, "not found"));
	fake_release(&f);
	fake_release(&g);
	fake_release(&h);
	free(us);
	free(other);
	fclose(fp);
	unlink(path);
}

struct described {
	int n;
	char last_path[128];
	char last_body[128];
};

static void
describe(void *ud, const char *method, const char *path, const char *body)
{
	struct described *d = ud;

	assert_string_equal(method, "POST");
	d->n++;
	snprintf(d->last_path, sizeof(d->last_path), "%s", path);
	snprintf(d->last_body, sizeof(d->last_body), "%s", body ? body : "");
}

static void
test_send_dry_run(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_json *info = NULL, *us = NULL;
	struct mm_upload_send s;
	struct mm_upload_create cr;
	struct described d = {0};
	char path[64];
	FILE *fp = pattern_file(1000, path, sizeof(path));

	(void)state;
	fake_client(&c, &f);
	c.dry_run = true;
	c.dry_run_fn = describe;
	c.dry_run_ud = &d;
	memset(&cr, 0, sizeof(cr));
	cr.channel_id = "chan";
	cr.filename = "a.bin";
	cr.file_size = 12 * MIB;
	mm_error_clear(&err);
	assert_int_equal(mm_api_upload_create(&c, &cr, &us, &err), MM_OK);
	assert_null(us);
	memset(&s, 0, sizeof(s));
	s.file = fp;
	s.file_size = 12 * MIB; /* only described: the file is not read */
	s.chunk_size = 4 * MIB;
	assert_int_equal(mm_api_upload_send(&c, &s, &info, &err), MM_OK);
	assert_null(info);
	assert_int_equal(f.nsent, 0);
	assert_int_equal(d.n, 4); /* create + 5M + 4M + 3M */
	assert_string_equal(d.last_path, "/api/v4/uploads/{upload_id}");
	assert_non_null(strstr(d.last_body, "3145728 bytes"));
	fclose(fp);
	unlink(path);
}

static void
test_create_and_list(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_json *out = NULL;
	struct mm_upload_create cr;

	(void)state;
	fake_reply(&f, 201,
		   "{\"id\":\"upid\",\"file_size\":5,\"file_offset\":0}");
	fake_reply(&f, 200, "null");
	fake_reply(&f, 200, "{\"not\":\"a list\"}");
	fake_client(&c, &f);
	memset(&cr, 0, sizeof(cr));
	cr.filename = "import.zip";
	cr.file_size = 5000000000ull;
	cr.type = "import";
	cr.user_id = "nouser";
	mm_error_clear(&err);
	assert_int_equal(mm_api_upload_create(&c, &cr, &out, &err), MM_OK);
	assert_string_equal(f.sent[0].path, "/api/v4/uploads");
	assert_string_equal(f.sent[0].body,
			    "{\"filename\":\"import.zip\",\"file_size\":"
			    "5000000000,\"type\":\"import\",\"user_id\":"
			    "\"nouser\"}");
	mm_json_free(out);
	/* A null list is an empty one. */
	assert_int_equal(mm_api_upload_list(&c, "me", &out, &err), MM_OK);
	assert_string_equal(f.sent[1].path, "/api/v4/users/me/uploads");
	assert_int_equal(mm_json_type(out), MM_JSON_ARRAY);
	assert_int_equal(mm_json_size(out), 0);
	mm_json_free(out);
	assert_int_equal(mm_api_upload_list(&c, "a/b", &out, &err),
			 MM_ERR_RESPONSE);
	/* Ids are escaped into the path. */
	assert_string_equal(f.sent[2].path, "/api/v4/users/a%2Fb/uploads");
	assert_null(out);
	fake_release(&f);
}

/* ---- POST /files ---- */

static void
test_file_upload_multipart_and_raw(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_json *out = NULL;
	struct mm_file_upload req;
	char p1[64], p2[64];
	FILE *f1 = pattern_file(10, p1, sizeof(p1));
	FILE *f2 = pattern_file(20, p2, sizeof(p2));
	const char *paths[] = {p1, p2};
	const char *ids[] = {"c1", "c 2"};
	char expect[512];

	(void)state;
	fake_reply(&f, 201,
		   "{\"file_infos\":[{\"id\":\"a\"},{\"id\":\"b\"}],"
		   "\"client_ids\":[\"c1\",\"c 2\"]}");
	fake_reply(&f, 201, "{\"file_infos\":[{\"id\":\"a\"}]}");
	fake_reply(&f, 201, "{\"unexpected\":true}");
	fake_client(&c, &f);
	memset(&req, 0, sizeof(req));
	req.channel_id = "chan";
	req.paths = paths;
	req.npaths = 2;
	req.client_ids = ids;
	req.nclient_ids = 2;
	mm_error_clear(&err);
	assert_int_equal(mm_api_file_upload(&c, &req, &out, &err), MM_OK);
	assert_string_equal(f.sent[0].path, "/api/v4/files");
	snprintf(expect, sizeof(expect),
		 "channel_id=chan|client_ids=c1|client_ids=c 2|files<%s:10|"
		 "files<%s:20|",
		 mm_api_basename(p1), mm_api_basename(p2));
	assert_string_equal(f.sent[0].parts, expect);
	mm_json_free(out);
	/* Raw: one file, the name and ids in the query. */
	req.raw = true;
	req.npaths = 1;
	req.nclient_ids = 1;
	req.client_ids = ids + 1;
	assert_int_equal(mm_api_file_upload(&c, &req, &out, &err), MM_OK);
	snprintf(expect, sizeof(expect),
		 "/api/v4/files?channel_id=chan&filename=%s&client_id=c%%202",
		 mm_api_basename(p1));
	assert_string_equal(f.sent[1].path, expect);
	assert_int_equal(f.sent[1].data_len, 10);
	mm_json_free(out);
	/* An answer without file_infos. */
	req.raw = false;
	req.nclient_ids = 0;
	assert_int_equal(mm_api_file_upload(&c, &req, &out, &err),
			 MM_ERR_RESPONSE);
	assert_null(out);
	/* Usage errors are found before anything is sent. */
	req.npaths = 2;
	req.nclient_ids = 1;
	assert_int_equal(mm_api_file_upload(&c, &req, &out, &err),
			 MM_ERR_USAGE);
	req.nclient_ids = 0;
	req.raw = true;
	assert_int_equal(mm_api_file_upload(&c, &req, &out, &err),
			 MM_ERR_USAGE);
	paths[1] = "/nonexistent/file";
	req.raw = false;
	assert_int_equal(mm_api_file_upload(&c, &req, &out, &err), MM_ERR_IO);
	paths[1] = "/tmp"; /* not a regular file: a local file problem */
	assert_int_equal(mm_api_file_upload(&c, &req, &out, &err), MM_ERR_IO);
	assert_int_equal(f.nsent, 3);
	fake_release(&f);
	fclose(f1);
	fclose(f2);
	unlink(p1);
	unlink(p2);
}

/* ---- downloads ---- */

static int
count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static char *
slurp(const char *path)
{
	static char buf[256];
	FILE *fp = fopen(path, "rb");
	size_t n;

	assert_non_null(fp);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static void
test_fetch_into_directory(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_fetch fe;
	char dir[] = "/tmp/mmadm-test-dir-XXXXXX", file[128];

	(void)state;
	assert_non_null(mkdtemp(dir));
	fake_reply(&f, 200, "first body")->disposition =
		"attachment; filename=\"../r.txt\"";
	fake_reply(&f, 200, "second body")->disposition =
		"attachment;filename=\"r.txt\"";
	fake_reply(&f, 200, "third body")->disposition =
		"inline;filename=\"r.txt\"; filename*=UTF-8''r.txt";
	fake_reply(&f, 200, "no name");
	fake_reply(&f, 500, "{\"id\":\"x\",\"message\":\"m\"}");
	fake_client(&c, &f);
	memset(&fe, 0, sizeof(fe));
	fe.dest = dir;
	mm_error_clear(&err);
	/* The server's name, reduced to a basename. */
	assert_int_equal(mm_api_file_get(&c, "fid", MM_FILE_CONTENT, &fe, &err),
			 MM_OK);
	assert_string_equal(f.sent[0].path, "/api/v4/files/fid");
	snprintf(file, sizeof(file), "%s/r.txt", dir);
	assert_string_equal(fe.path, file);
	assert_int_equal(fe.bytes, 10);
	assert_string_equal(slurp(file), "first body");
	/* An existing file is kept, and no temporary file is left. */
	assert_int_equal(mm_api_file_get(&c, "fid", MM_FILE_PREVIEW, &fe, &err),
			 MM_ERR_IO);
	assert_string_equal(f.sent[1].path, "/api/v4/files/fid/preview");
	assert_non_null(strstr(err.message, "already exists"));
	assert_string_equal(slurp(file), "first body");
	assert_int_equal(count_entries(dir), 1);
	/* --force replaces it. */
	fe.overwrite = true;
	assert_int_equal(
		mm_api_file_get(&c, "fid", MM_FILE_THUMBNAIL, &fe, &err),
		MM_OK);
	assert_string_equal(f.sent[2].path, "/api/v4/files/fid/thumbnail");
	assert_string_equal(slurp(file), "third body");
	/* No Content-Disposition: the file id. */
	fe.fallback_name = NULL;
	assert_int_equal(mm_api_file_get(&c, "f1d", MM_FILE_CONTENT, &fe, &err),
			 MM_OK);
	snprintf(file, sizeof(file), "%s/f1d", dir);
	assert_string_equal(fe.path, file);
	assert_string_equal(slurp(file), "no name");
	unlink(file);
	/* A failure leaves nothing behind. */
	fe.fallback_name = NULL;
	assert_int_equal(mm_api_file_get(&c, "fid", MM_FILE_CONTENT, &fe, &err),
			 MM_ERR_SERVER);
	assert_int_equal(count_entries(dir), 1);
	snprintf(file, sizeof(file), "%s/r.txt", dir);
	unlink(file);
	rmdir(dir);
	fake_release(&f);
}

/* A name that is no file name ("", ".", "..", a path ending in one) is
 * none at all: the buffer is left empty, the caller falls back. */
static void
test_disposition_filename(void **state)
{
	static const char *const none[] = {
		"attachment; filename=\"..\"",
		"attachment; filename=\".\"",
		"attachment; filename=\"\"",
		"attachment; filename=\"a/..\"",
		"attachment; filename=..",
		"attachment; filename*=UTF-8''..",
		"attachment; filename*=UTF-8''%2e%2e",
		"attachment; filename*=UTF-8''%2E",
		"attachment; filename*=UTF-8''..; filename=\"..\"",
		"attachment",
		"",
	};
	char buf[64];

	(void)state;
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
		memcpy(buf, "stale", 6);
		assert_false(
			mm_api_disposition_filename(none[i], buf, sizeof(buf)));
		assert_string_equal(buf, "");
	}
	assert_true(mm_api_disposition_filename(
		"attachment; filename*=UTF-8''..; filename=\"ok.txt\"", buf,
		sizeof(buf)));
	assert_string_equal(buf, "ok.txt");
	assert_true(mm_api_disposition_filename("attachment; filename=\"...\"",
						buf, sizeof(buf)));
	assert_string_equal(buf, "...");
}

static void
test_fetch_to_file_and_stream(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_fetch fe;
	struct mm_json *doc;
	char dir[] = "/tmp/mmadm-test-dir-XXXXXX", file[128], *mem = NULL;
	size_t memlen = 0;
	FILE *ms;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/out.bin", dir);
	fake_reply(&f, 503, "upstream down");
	fake_reply(&f, 200, "payload");
	fake_reply(&f, 200, "streamed");
	fake_client(&c, &f);
	memset(&fe, 0, sizeof(fe));
	fe.dest = file;
	mm_error_clear(&err);
	assert_int_equal(mm_api_fetch(&c, "/x", &fe, &err), MM_ERR_SERVER);
	assert_int_equal(count_entries(dir), 0);
	assert_int_equal(mm_api_fetch(&c, "/x", &fe, &err), MM_OK);
	assert_string_equal(slurp(file), "payload");
	doc = mm_api_fetch_doc(&fe);
	assert_non_null(doc);
	assert_string_equal(mm_json_string(mm_json_get(doc, "path")), file);
	assert_int_equal((int)mm_json_number(mm_json_get(doc, "bytes")), 7);
	mm_json_free(doc);
	ms = open_memstream(&mem, &memlen);
	assert_non_null(ms);
	memset(&fe, 0, sizeof(fe));
	fe.stream = ms;
	assert_int_equal(mm_api_fetch(&c, "/x", &fe, &err), MM_OK);
	fclose(ms);
	assert_string_equal(mem, "streamed");
	assert_string_equal(fe.path, "");
	free(mem);
	unlink(file);
	rmdir(dir);
	fake_release(&f);
}

/* ---- brand and saml ---- */

static void
test_brand(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_fetch fe;
	struct mm_json *out = NULL;
	char p[64];
	FILE *fp = pattern_file(33, p, sizeof(p));

	(void)state;
	fake_reply(&f, 404, NULL);
	fake_reply(&f, 404, "{\"id\":\"api.other\",\"message\":\"other\"}");
	fake_reply(&f, 201, "{\"status\":\"OK\"}");
	fake_reply(&f, 200, "{\"status\":\"OK\"}");
	fake_client(&c, &f);
	memset(&fe, 0, sizeof(fe));
	fe.stream = stdout;
	mm_error_clear(&err);
	assert_int_equal(mm_api_brand_get(&c, &fe, &err), MM_ERR_NOTFOUND);
	assert_string_equal(err.message,
			    "no brand image is set on this server");
	mm_error_clear(&err);
	assert_int_equal(mm_api_brand_get(&c, &fe, &err), MM_ERR_NOTFOUND);
	assert_string_equal(err.server_id, "api.other");
	assert_int_equal(mm_api_brand_upload(&c, p, NULL, NULL, &out, &err),
			 MM_OK);
	assert_true(mm_api_status_ok(out));
	mm_json_free(out);
	assert_string_equal(f.sent[2].path, "/api/v4/brand/image");
	assert_non_null(strstr(f.sent[2].parts, "image<"));
	assert_non_null(strstr(f.sent[2].parts, ":33|"));
	assert_int_equal(mm_api_brand_delete(&c, &out, &err), MM_OK);
	assert_string_equal(f.sent[3].method, "DELETE");
	mm_json_free(out);
	fake_release(&f);
	fclose(fp);
	unlink(p);
}

static void
test_saml(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_json *out = NULL;
	struct mm_saml_reset rq;
	const char *ids[] = {"u1", "u2"};
	char p[64];
	FILE *fp = pattern_file(5, p, sizeof(p));

	(void)state;
	fake_reply(&f, 200, "{\"status\":\"OK\"}");
	fake_reply(&f, 200, "{\"status\":\"OK\"}");
	fake_reply(&f, 200, "{\"num_affected\":2}");
	fake_reply(&f, 200, "{\"num_affected\":\"two\"}");
	fake_reply(&f, 200, "[true]");
	fake_client(&c, &f);
	mm_error_clear(&err);
	assert_null(mm_api_saml_cert_kind("other"));
	assert_string_equal(mm_api_saml_cert_kind("idp"), "idp");
	assert_int_equal(mm_api_saml_cert_upload(&c, "bogus", p, &out, &err),
			 MM_ERR_USAGE);
	assert_int_equal(mm_api_saml_cert_upload(&c, "private", p, &out, &err),
			 MM_OK);
	mm_json_free(out);
	assert_string_equal(f.sent[0].path, "/api/v4/saml/certificate/private");
	assert_non_null(strstr(f.sent[0].parts, "certificate<"));
	assert_int_equal(mm_api_saml_cert_remove(&c, "public", &out, &err),
			 MM_OK);
	mm_json_free(out);
	assert_string_equal(f.sent[1].method, "DELETE");
	assert_string_equal(f.sent[1].path, "/api/v4/saml/certificate/public");
	memset(&rq, 0, sizeof(rq));
	rq.preview = true;
	rq.user_ids = ids;
	rq.nuser_ids = 2;
	assert_int_equal(mm_api_saml_reset_auth_data(&c, &rq, &out, &err),
			 MM_OK);
	assert_string_equal(f.sent[2].body,
			    "{\"include_deleted\":false,\"dry_run\":true,"
			    "\"user_ids\":[\"u1\",\"u2\"]}");
	mm_json_free(out);
	rq.nuser_ids = 0;
	rq.include_deleted = true;
	assert_int_equal(mm_api_saml_reset_auth_data(&c, &rq, &out, &err),
			 MM_ERR_RESPONSE);
	assert_string_equal(f.sent[3].body,
			    "{\"include_deleted\":true,\"dry_run\":true,"
			    "\"user_ids\":[]}");
	assert_null(out);
	assert_int_equal(mm_api_saml_cert_status(&c, &out, &err),
			 MM_ERR_RESPONSE);
	assert_null(out);
	fake_release(&f);
	fclose(fp);
	unlink(p);
}

/* ---- s3-test ---- */

static void
test_s3_test(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_file_test_req req;
	struct mm_file_test_result res;

	(void)state;
	fake_reply(&f, 200, "{\"status\":\"OK\"}");
	fake_reply(&f, 200,
		   "{\"FileSettings\":{\"DriverName\":\"local\","
		   "\"AmazonS3Bucket\":\"\"}}");
	fake_reply(&f, 400,
		   "{\"id\":\"api.admin.test_s3.missing_s3_bucket\","
		   "\"message\":\"S3 Bucket is required\"}");
	fake_client(&c, &f);
	memset(&req, 0, sizeof(req));
	mm_error_clear(&err);
	assert_int_equal(mm_api_file_s3_test(&c, &req, &res, &err), MM_OK);
	assert_true(res.used_legacy);
	assert_string_equal(f.sent[0].path, "/api/v4/file/s3_test");
	assert_null(f.sent[0].body);
	mm_file_test_result_release(&res);
	req.region = "eu-west-1";
	assert_int_equal(mm_api_file_s3_test(&c, &req, &res, &err),
			 MM_ERR_REJECTED);
	assert_string_equal(f.sent[1].path, "/api/v4/config");
	assert_string_equal(f.sent[2].path, "/api/v4/file/s3_test");
	assert_non_null(strstr(f.sent[2].body, "\"AmazonS3Region\":"
					       "\"eu-west-1\""));
	assert_non_null(strstr(err.message, "--bucket"));
	mm_file_test_result_release(&res);
	fake_release(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_size),
		cmocka_unit_test(test_chunk_len),
		cmocka_unit_test(test_send_chunks),
		cmocka_unit_test(test_send_resumes_where_server_stopped),
		cmocka_unit_test(test_send_resume_at_start_and_gives_up),
		cmocka_unit_test(test_send_rejections_are_final),
		cmocka_unit_test(test_send_dry_run),
		cmocka_unit_test(test_create_and_list),
		cmocka_unit_test(test_file_upload_multipart_and_raw),
		cmocka_unit_test(test_fetch_into_directory),
		cmocka_unit_test(test_disposition_filename),
		cmocka_unit_test(test_fetch_to_file_and_stream),
		cmocka_unit_test(test_brand),
		cmocka_unit_test(test_saml),
		cmocka_unit_test(test_s3_test),
	};

	return cmocka_run_group_tests_name("files", tests, NULL, NULL);
}
