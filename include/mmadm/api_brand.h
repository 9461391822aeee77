/* Brand image (API-NOTES §3.9): GET, POST and DELETE /brand/image. */
#ifndef MMADM_API_BRAND_H
#define MMADM_API_BRAND_H

#include "api.h"
#include "api_files.h"

/* GET /brand/image (anonymous). A 404 with an empty body means no image
 * is set: MM_ERR_NOTFOUND with a message that says so. */
enum mm_result mm_api_brand_get(struct mm_client *c, struct mm_fetch *f,
				struct mm_error *err);
/* POST /brand/image, multipart field "image", streamed: 201 + OK. */
enum mm_result mm_api_brand_upload(struct mm_client *c, const char *path,
				   mm_progress_fn progress, void *progress_ud,
				   struct mm_json **out, struct mm_error *err);
/* DELETE /brand/image: OK. */
enum mm_result mm_api_brand_delete(struct mm_client *c, struct mm_json **out,
				   struct mm_error *err);

#endif
