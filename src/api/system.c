/* System area: ping, database recycle. */
#include "mmadm/api.h"

#include <string.h>

static bool
is_ok_field(const struct mm_json *doc, const char *key)
{
	const struct mm_json *v = mm_json_get(doc, key);

	return v == NULL || mm_streq(mm_json_string(v), "OK");
}

enum mm_result
mm_api_system_ping(struct mm_client *c, const struct mm_ping_req *req,
		   struct mm_ping_result *res, struct mm_error *err)
{
	struct mm_http_resp resp;
	enum mm_result rc;
	const char *path =
		req->full ? "/api/v4/system/ping?get_server_status=true&"
			    "use_rest_semantics=true"
			  : "/api/v4/system/ping?use_rest_semantics=true";

	memset(res, 0, sizeof(*res));
	mm_http_resp_init(&resp);
	rc = mm_api_request(c, "GET", path, NULL, MM_API_KEEP_ERROR, &res->doc,
			    &resp, err);
	/* An unhealthy server may answer 500 with the ping body itself
	 * (older servers, or without use_rest_semantics). */
	if (rc != MM_OK && resp.status >= 500 && res->doc != NULL &&
	    mm_json_type(res->doc) == MM_JSON_OBJECT &&
	    mm_json_string(mm_json_get(res->doc, "status")) != NULL) {
		mm_error_clear(err);
		rc = MM_OK;
	} else if (rc != MM_OK) {
		mm_json_free(res->doc);
		res->doc = NULL;
	} else if (mm_json_type(res->doc) != MM_JSON_OBJECT ||
		   mm_json_string(mm_json_get(res->doc, "status")) == NULL) {
		rc = mm_error_set(err, MM_ERR_RESPONSE,
				  "the ping answer has no \"status\" field");
		mm_json_free(res->doc);
		res->doc = NULL;
	}
	if (rc == MM_OK)
		res->healthy = is_ok_field(res->doc, "status") &&
			       mm_json_get(res->doc, "status") != NULL &&
			       is_ok_field(res->doc, "database_status") &&
			       is_ok_field(res->doc, "filestore_status");
	mm_http_resp_release(&resp);
	return rc;
}

enum mm_result
mm_api_db_recycle(struct mm_client *c, struct mm_json **out,
		  struct mm_error *err)
{
	return mm_api_request(c, "POST", "/api/v4/database/recycle", NULL,
			      MM_API_EMPTY_OK, out, NULL, err);
}
