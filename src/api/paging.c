/* The paging loop shared by every list endpoint. */
#include "mmadm/api.h"

#include <stdint.h>
#include <string.h>

/* FNV-1a: enough to tell a page repeated byte for byte (a collision can
 * only stop a list early with an error, never show wrong rows). */
static uint64_t
page_hash(const char *s, size_t n)
{
	uint64_t h = 14695981039346656037ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* rc from a page (MM_ERR_RESPONSE) with the caller's hint in front. */
static enum mm_result
page_error(const struct mm_page_req *r, enum mm_result rc, struct mm_error *err)
{
	if (rc == MM_ERR_RESPONSE && r->shape_hint != NULL)
		mm_error_prefix(err, "%s", r->shape_hint);
	return rc;
}

enum mm_result
mm_api_paged(struct mm_client *c, const struct mm_page_req *r,
	     mm_item_fn item_fn, mm_page_fn page_fn, void *ud,
	     struct mm_error *err)
{
	const char *pp = r->page_param ? r->page_param : "page";
	const char *ppp = r->per_page_param ? r->per_page_param : "per_page";
	enum mm_result rc = MM_OK;
	uint64_t last_hash = 0;
	size_t last_len = 0; /* 0: no previous page to compare */
	long first = r->page < 0 ? 0 : r->page;

	for (long page = first;; page++) {
		struct mm_buf path = MM_BUF_INIT;
		struct mm_http_resp resp;
		struct mm_json *doc = NULL;
		const struct mm_json *items;
		uint64_t hash;
		size_t n, len;
		bool stop = false;

		if (!mm_buf_printf(&path, "%s%c%s=%ld&%s=%ld", r->path,
				   strchr(r->path, '?') ? '&' : '?', pp, page,
				   ppp, r->per_page)) {
			mm_buf_release(&path);
			return mm_error_oom(err);
		}
		mm_http_resp_init(&resp);
		rc = mm_api_request(c, "GET", mm_buf_str(&path), NULL, 0, &doc,
				    &resp, err);
		mm_buf_release(&path);
		/* Only the page's size and hash outlive it. */
		len = resp.body.len;
		hash = page_hash(resp.body.data, resp.body.len);
		mm_http_resp_release(&resp);
		if (rc != MM_OK)
			return page_error(r, rc, err);
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
			return page_error(r, rc, err);
		}
		/* The caller's shape first: its message says what a page
		 * should hold. */
		if (items != NULL && r->flags != 0) {
			rc = mm_api_check_shape(items, r->flags, err);
			if (rc != MM_OK) {
				mm_json_free(doc);
				return page_error(r, rc, err);
			}
		}
		if (items != NULL && mm_json_type(items) != MM_JSON_NULL &&
		    mm_json_type(items) != MM_JSON_ARRAY) {
			rc = mm_error_set(
				err, MM_ERR_RESPONSE, "expected a list, got %s",
				mm_json_type_name(mm_json_type(items)));
			mm_json_free(doc);
			return page_error(r, rc, err);
		}
		n = mm_json_size(items);
		/* A server that answers every page with the same full page
		 * would keep the loop going for ever: stop before its rows
		 * are shown a second time. */
		if (n > 0 && last_len != 0 && len == last_len &&
		    hash == last_hash) {
			mm_json_free(doc);
			return mm_error_set(err, MM_ERR_RESPONSE,
					    "the server sent the same page "
					    "twice (pages %ld and %ld); "
					    "stopping",
					    page - 1, page);
		}
		last_len = len;
		last_hash = hash;
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
