/* License area: upload, remove, client license, load metric, trials. */
#include "mmadm/api_license.h"

#include <cjson/cJSON.h>
#include <string.h>

static enum mm_result
want_object(struct mm_client *c, struct mm_json **out, const char *what,
	    enum mm_result rc, struct mm_error *err)
{
	if (rc != MM_OK || c->dry_run || *out == NULL ||
	    mm_json_type(*out) == MM_JSON_OBJECT)
		return rc;
	mm_json_free(*out);
	*out = NULL;
	return mm_error_set(err, MM_ERR_RESPONSE,
			    "the server's %s is not a JSON object", what);
}

bool
mm_license_is_object(const struct mm_json *doc)
{
	return mm_json_type(doc) == MM_JSON_OBJECT &&
	       mm_json_string(mm_json_get(doc, "id")) != NULL;
}

enum mm_result
mm_api_license_upload(struct mm_client *c, const struct mm_license_upload *req,
		      struct mm_json **out, struct mm_error *err)
{
	struct mm_http_part part;
	struct mm_api_body body;
	enum mm_result rc;

	*out = NULL;
	memset(&part, 0, sizeof(part));
	part.name = "license";
	part.filename = req->filename;
	part.path = req->path;
	part.file = req->file;
	part.size = req->size;
	memset(&body, 0, sizeof(body));
	body.parts = &part;
	body.nparts = 1;
	body.progress = req->progress;
	body.progress_ud = req->progress_ud;
	rc = mm_api_send(c, "POST", "/api/v4/license", &body, 0, out, NULL,
			 err);
	if (rc != MM_OK || c->dry_run)
		return rc;
	if (mm_license_is_object(*out) || mm_api_status_ok(*out))
		return MM_OK;
	mm_json_free(*out);
	*out = NULL;
	return mm_error_set(err, MM_ERR_RESPONSE,
			    "the server accepted the upload but answered "
			    "neither a license nor OK");
}

enum mm_result
mm_api_license_remove(struct mm_client *c, struct mm_json **out,
		      struct mm_error *err)
{
	return mm_api_request(c, "DELETE", "/api/v4/license", NULL, 0, out,
			      NULL, err);
}

enum mm_result
mm_api_license_client(struct mm_client *c, struct mm_json **out,
		      struct mm_error *err)
{
	enum mm_result rc =
		mm_api_request(c, "GET", "/api/v4/license/client?format=old",
			       NULL, 0, out, NULL, err);

	return want_object(c, out, "client license", rc, err);
}

enum mm_result
mm_api_license_load_metric(struct mm_client *c, struct mm_json **out,
			   struct mm_error *err)
{
	enum mm_result rc =
		mm_api_request(c, "GET", "/api/v4/license/load_metric", NULL, 0,
			       out, NULL, err);

	rc = want_object(c, out, "load metric", rc, err);
	if (rc == MM_OK &&
	    mm_json_type(mm_json_get(*out, "load")) != MM_JSON_NUMBER) {
		mm_json_free(*out);
		*out = NULL;
		return mm_error_set(err, MM_ERR_RESPONSE,
				    "the server's load metric has no number "
				    "\"load\"");
	}
	return rc;
}

static bool
add_opt_string(cJSON *obj, const char *key, const char *v)
{
	return v == NULL || cJSON_AddStringToObject(obj, key, v) != NULL;
}

enum mm_result
mm_api_license_trial(struct mm_client *c, const struct mm_trial_req *req,
		     struct mm_json **out, struct mm_error *err)
{
	cJSON *body;
	enum mm_result rc;

	*out = NULL;
	if (req->users <= 0)
		return mm_error_set(err, MM_ERR_USAGE,
				    "the number of users must be positive");
	if (!req->terms_accepted)
		return mm_error_set(err, MM_ERR_USAGE,
				    "a trial license needs the terms "
				    "accepted (--accept-terms)");
	body = cJSON_CreateObject();
	if (body == NULL ||
	    cJSON_AddNumberToObject(body, "users", (double)req->users) ==
		    NULL ||
	    cJSON_AddBoolToObject(body, "terms_accepted", true) == NULL ||
	    cJSON_AddBoolToObject(body, "receive_emails_accepted",
				  req->receive_emails) == NULL ||
	    !add_opt_string(body, "contact_name", req->contact_name) ||
	    !add_opt_string(body, "contact_email", req->contact_email) ||
	    !add_opt_string(body, "company_name", req->company_name) ||
	    !add_opt_string(body, "company_country", req->company_country) ||
	    !add_opt_string(body, "company_size", req->company_size)) {
		cJSON_Delete(body);
		return mm_error_oom(err);
	}
	rc = mm_api_request(c, "POST", "/api/v4/trial-license",
			    (struct mm_json *)body, 0, out, NULL, err);
	cJSON_Delete(body);
	return rc;
}

enum mm_result
mm_api_license_prev_trial(struct mm_client *c, struct mm_json **out,
			  struct mm_error *err)
{
	enum mm_result rc =
		mm_api_request(c, "GET", "/api/v4/trial-license/prev", NULL, 0,
			       out, NULL, err);

	return want_object(c, out, "previous trial license", rc, err);
}
