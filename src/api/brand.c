/* Brand image: GET (anonymous), POST (multipart "image"), DELETE. */
#include "mmadm/api_brand.h"

#include <stdio.h>
#include <string.h>

#define BRAND_PATH "/api/v4/brand/image"

enum mm_result
mm_api_brand_get(struct mm_client *c, struct mm_fetch *f, struct mm_error *err)
{
	enum mm_result rc;

	if (f->fallback_name == NULL)
		f->fallback_name = "brand.png";
	err->server_id[0] = '\0';
	rc = mm_api_fetch(c, BRAND_PATH, f, err);
	/* The server answers a bare 404 (no AppError) when none is set. */
	if (rc == MM_ERR_NOTFOUND && err->server_id[0] == '\0')
		mm_error_set(err, MM_ERR_NOTFOUND,
			     "no brand image is set on this server");
	return rc;
}

enum mm_result
mm_api_brand_upload(struct mm_client *c, const char *path,
		    mm_progress_fn progress, void *progress_ud,
		    struct mm_json **out, struct mm_error *err)
{
	struct mm_http_part part;
	struct mm_api_body body;
	enum mm_result rc;
	FILE *f;
	uint64_t size;

	*out = NULL;
	rc = mm_api_open_upload(path, &f, &size, err);
	if (rc != MM_OK)
		return rc;
	memset(&part, 0, sizeof(part));
	part.name = "image";
	part.filename = mm_api_basename(path);
	part.path = path;
	part.file = f;
	part.size = size;
	memset(&body, 0, sizeof(body));
	body.parts = &part;
	body.nparts = 1;
	body.progress = progress;
	body.progress_ud = progress_ud;
	rc = mm_api_send(c, "POST", BRAND_PATH, &body, MM_API_EMPTY_OK, out,
			 NULL, err);
	fclose(f);
	return rc;
}

enum mm_result
mm_api_brand_delete(struct mm_client *c, struct mm_json **out,
		    struct mm_error *err)
{
	return mm_api_request(c, "DELETE", BRAND_PATH, NULL, MM_API_EMPTY_OK,
			      out, NULL, err);
}
