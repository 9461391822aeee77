/* The paging loop shared by every list endpoint. */
#include "mmadm/api.h"

#include <string.h>

enum mm_result
mm_api_paged(struct mm_client *c, const struct mm_page_req *r,
	     mm_item_fn item_fn, mm_page_fn page_fn, void *ud,
	     struct mm_error *err)
{
	const char *pp = r->page_param ? r->page_param : "page";
	const char *ppp = r->per_page_param ? r->per_page_param : "per_page";
	enum mm_result rc = MM_OK;

	for (long page = r->page < 0 ? 0 : r->page;; page++) {
		struct mm_buf path = MM_BUF_INIT;
		struct mm_json *doc = NULL;
		const struct mm_json *items;
		size_t n;
		bool stop = false;

		if (!mm_buf_printf(&path, "%s%c%s=%ld&%s=%ld", r->path,
				   strchr(r->path, '?') ? '&' : '?', pp, page,
				   ppp, r->per_page)) {
			mm_buf_release(&path);
			return mm_error_oom(err);
		}
		rc = mm_api_request(c, "GET", mm_buf_str(&path), NULL, 0, &doc,
				    NULL, err);
		mm_buf_release(&path);
		if (rc != MM_OK)
			return rc;
		items = r->items_key ? mm_json_get(doc, r->items_key) : doc;
		/* Build the message before freeing what it describes. */
		if (r->items_key != NULL &&
		    mm_json_type(doc) != MM_JSON_OBJECT) {
			rc = mm_error_set(err, MM_ERR_RESPONSE,
					  "expected an object with \"%s\", "
					  "got %s",
					  r->items_key,
					  mm_json_type_name(mm_json_type(doc)));
			mm_json_free(doc);
			return rc;
		}
		if (items != NULL && mm_json_type(items) != MM_JSON_NULL &&
		    mm_json_type(items) != MM_JSON_ARRAY) {
			rc = mm_error_set(
				err, MM_ERR_RESPONSE, "expected a list, got %s",
				mm_json_type_name(mm_json_type(items)));
			mm_json_free(doc);
			return rc;
		}
		n = mm_json_size(items);
		/* The page is ours: its items are lent to item_fn to change. */
		for (const struct mm_json *m = mm_json_first(items);
		     m != NULL && !stop; m = mm_json_next(m))
			if (!item_fn(ud, (struct mm_json *)m))
				stop = true;
		mm_json_free(doc);
		if (page_fn != NULL && !page_fn(ud, n))
			stop = true;
		if (stop || !r->all || (long)n < r->per_page)
			break;
	}
	return rc;
}
