/* SAML: metadata, IdP metadata, certificates, auth data reset. */
#include "mmadm/api_saml.h"

#include <stdio.h>
#include <string.h>

static struct mm_json *
json_bool(bool v)
{
	struct mm_json *j = NULL;
	struct mm_error err;
	const char *t = v ? "true" : "false";

	mm_error_clear(&err);
	if (mm_json_parse(t, strlen(t), &j, &err) != MM_OK)
		return NULL;
	return j;
}

enum mm_result
mm_api_saml_metadata(struct mm_client *c, struct mm_fetch *f,
		     struct mm_error *err)
{
	if (f->fallback_name == NULL)
		f->fallback_name = "metadata.xml";
	return mm_api_fetch(c, "/api/v4/saml/metadata", f, err);
}

enum mm_result
mm_api_saml_metadata_from_idp(struct mm_client *c, const char *url,
			      struct mm_json **out, struct mm_error *err)
{
	struct mm_json *body = mm_json_new_object();
	enum mm_result rc;

	*out = NULL;
	if (body == NULL ||
	    !mm_json_set_string(body, "saml_metadata_url", url)) {
		mm_json_free(body);
		return mm_error_oom(err);
	}
	rc = mm_api_request(c, "POST", "/api/v4/saml/metadatafromidp", body, 0,
			    out, NULL, err);
	mm_json_free(body);
	return rc;
}

const char *
mm_api_saml_cert_kind(const char *kind)
{
	static const char *const kinds[] = {"idp", "public", "private", NULL};

	for (size_t i = 0; kind != NULL && kinds[i] != NULL; i++)
		if (strcmp(kind, kinds[i]) == 0)
			return kinds[i];
	return NULL;
}

static enum mm_result
cert_path(const char *kind, char *buf, size_t size, struct mm_error *err)
{
	const char *k = mm_api_saml_cert_kind(kind);

	if (k == NULL)
		return mm_error_set(err, MM_ERR_USAGE,
				    "unknown certificate kind '%s' (one of "
				    "idp, public, private)",
				    kind ? kind : "");
	if (snprintf(buf, size, "/api/v4/saml/certificate/%s", k) < 0)
		return mm_error_oom(err);
	return MM_OK;
}

enum mm_result
mm_api_saml_cert_upload(struct mm_client *c, const char *kind, const char *path,
			struct mm_json **out, struct mm_error *err)
{
	struct mm_http_part part;
	struct mm_api_body body;
	char url[64];
	enum mm_result rc;
	FILE *f;
	uint64_t size;

	*out = NULL;
	rc = cert_path(kind, url, sizeof(url), err);
	if (rc != MM_OK)
		return rc;
	rc = mm_api_open_upload(path, &f, &size, err);
	if (rc != MM_OK)
		return rc;
	memset(&part, 0, sizeof(part));
	part.name = "certificate";
	part.filename = mm_api_basename(path);
	part.path = path;
	part.file = f;
	part.size = size;
	memset(&body, 0, sizeof(body));
	body.parts = &part;
	body.nparts = 1;
	rc = mm_api_send(c, "POST", url, &body, MM_API_EMPTY_OK, out, NULL,
			 err);
	fclose(f);
	return rc;
}

enum mm_result
mm_api_saml_cert_remove(struct mm_client *c, const char *kind,
			struct mm_json **out, struct mm_error *err)
{
	char url[64];
	enum mm_result rc;

	*out = NULL;
	rc = cert_path(kind, url, sizeof(url), err);
	if (rc != MM_OK)
		return rc;
	return mm_api_request(c, "DELETE", url, NULL, MM_API_EMPTY_OK, out,
			      NULL, err);
}

enum mm_result
mm_api_saml_cert_status(struct mm_client *c, struct mm_json **out,
			struct mm_error *err)
{
	enum mm_result rc;

	rc = mm_api_request(c, "GET", "/api/v4/saml/certificate/status", NULL,
			    0, out, NULL, err);
	if (rc == MM_OK && mm_json_type(*out) != MM_JSON_OBJECT) {
		mm_json_free(*out);
		*out = NULL;
		rc = mm_error_set(err, MM_ERR_RESPONSE,
				  "the server's answer is not a JSON object");
	}
	return rc;
}

enum mm_result
mm_api_saml_reset_auth_data(struct mm_client *c,
			    const struct mm_saml_reset *req,
			    struct mm_json **out, struct mm_error *err)
{
	struct mm_json *body = mm_json_new_object(), *ids = mm_json_new_array();
	enum mm_result rc;
	bool ok = body != NULL && ids != NULL;

	*out = NULL;
	for (size_t i = 0; ok && i < req->nuser_ids; i++)
		ok = mm_json_append(ids, mm_json_new_string(req->user_ids[i]));
	ok = ok &&
	     mm_json_set(body, "include_deleted",
			 json_bool(req->include_deleted)) &&
	     mm_json_set(body, "dry_run", json_bool(req->preview)) &&
	     mm_json_set(body, "user_ids", ids);
	if (!ok) {
		if (body == NULL || mm_json_get(body, "user_ids") == NULL)
			mm_json_free(ids);
		mm_json_free(body);
		return mm_error_oom(err);
	}
	rc = mm_api_request(c, "POST", "/api/v4/saml/reset_auth_data", body, 0,
			    out, NULL, err);
	mm_json_free(body);
	if (rc == MM_OK && *out != NULL &&
	    mm_json_type(mm_json_get(*out, "num_affected")) != MM_JSON_NUMBER) {
		mm_json_free(*out);
		*out = NULL;
		rc = mm_error_set(err, MM_ERR_RESPONSE,
				  "the server's answer has no num_affected");
	}
	return rc;
}
