/* Data retention policies (enterprise). */
#include "mmadm/api_retention.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <string.h>

static const char *const scope_seg[] = {"teams", "channels"};

enum mm_result
mm_api_retention_hint(enum mm_result rc, struct mm_error *err)
{
	if (rc == MM_ERR_UNAVAILABLE &&
	    (strcmp(err->server_id,
		    "ent.data_retention.generic.license.error") == 0 ||
	     err->server_id[0] == '\0'))
		mm_error_prefix(err, "data retention is not available on this "
				     "server: it needs an Enterprise license");
	return rc;
}

enum mm_result
mm_api_retention_global(struct mm_client *c, struct mm_json **out,
			struct mm_error *err)
{
	return mm_api_retention_hint(
		mm_api_request(c, "GET", "/api/v4/data_retention/policy", NULL,
			       MM_API_WANT_OBJECT, out, NULL, err),
		err);
}

void
mm_api_retention_list_req(struct mm_page_req *req)
{
	req->path = "/api/v4/data_retention/policies";
	req->items_key = "policies";
}

enum mm_result
mm_api_retention_count(struct mm_client *c, long long *count,
		       struct mm_json **out, struct mm_error *err)
{
	const struct mm_json *n;
	enum mm_result rc;

	*count = 0;
	rc = mm_api_retention_hint(
		mm_api_request(c, "GET",
			       "/api/v4/data_retention/policies_count", NULL, 0,
			       out, NULL, err),
		err);
	if (rc != MM_OK)
		return rc;
	n = mm_json_get(*out, "total_count");
	if (mm_json_type(n) != MM_JSON_NUMBER) {
		mm_json_free(*out);
		*out = NULL;
		return mm_error_set(err, MM_ERR_RESPONSE,
				    "the server's answer has no total_count");
	}
	*count = (long long)mm_json_number(n);
	return MM_OK;
}

static enum mm_result
policy_path(struct mm_buf *path, const char *policy_id, const char *suffix,
	    struct mm_error *err)
{
	if (!mm_api_valid_id(policy_id))
		return mm_api_bad_id(err, "policy id", policy_id);
	if (!mm_buf_printf(path, "/api/v4/data_retention/policies/%s%s",
			   policy_id, suffix))
		return mm_error_oom(err);
	return MM_OK;
}

enum mm_result
mm_api_retention_get(struct mm_client *c, const char *policy_id,
		     struct mm_json **out, struct mm_error *err)
{
	struct mm_buf path = MM_BUF_INIT;
	enum mm_result rc;

	*out = NULL;
	rc = policy_path(&path, policy_id, "", err);
	if (rc == MM_OK)
		rc = mm_api_retention_hint(
			mm_api_request(c, "GET", mm_buf_str(&path), NULL, 0,
				       out, NULL, err),
			err);
	mm_buf_release(&path);
	return rc;
}

/* A JSON array of ids, each checked. */
static enum mm_result
id_array(const char *const *ids, size_t n, const char *what, cJSON **out,
	 struct mm_error *err)
{
	cJSON *arr = cJSON_CreateArray();

	*out = NULL;
	if (arr == NULL)
		return mm_error_oom(err);
	for (size_t i = 0; i < n; i++) {
		if (!mm_api_valid_id(ids[i])) {
			cJSON_Delete(arr);
			return mm_api_bad_id(err, what, ids[i]);
		}
		if (!cJSON_AddItemToArray(arr, cJSON_CreateString(ids[i]))) {
			cJSON_Delete(arr);
			return mm_error_oom(err);
		}
	}
	*out = arr;
	return MM_OK;
}

enum mm_result
mm_retention_policy_body(const struct mm_retention_policy *p, bool create,
			 struct mm_json **out, struct mm_error *err)
{
	cJSON *body, *arr = NULL;
	enum mm_result rc;

	*out = NULL;
	if (create && (p->display_name == NULL || !p->has_days))
		return mm_error_set(err, MM_ERR_USAGE,
				    "a policy needs a name (--name) and a "
				    "duration (--days)");
	if (p->display_name != NULL && p->display_name[0] == '\0')
		return mm_error_set(err, MM_ERR_USAGE,
				    "the policy name is empty");
	if (p->has_days && p->days != -1 && p->days < 1)
		return mm_error_set(err, MM_ERR_USAGE,
				    "--days takes a number of days from 1, or "
				    "-1 to keep messages forever, not %ld",
				    p->days);
	if (!create && p->display_name == NULL && !p->has_days &&
	    !p->set_teams && !p->set_channels)
		return mm_error_set(err, MM_ERR_USAGE,
				    "nothing to change: give --name, --days, "
				    "--team or --channel");
	body = cJSON_CreateObject();
	if (body == NULL)
		return mm_error_oom(err);
	if (p->display_name != NULL &&
	    cJSON_AddStringToObject(body, "display_name", p->display_name) ==
		    NULL)
		goto nomem;
	if (p->has_days && cJSON_AddNumberToObject(body, "post_duration",
						   (double)p->days) == NULL)
		goto nomem;
	if (create || p->set_teams) {
		rc = id_array(p->team_ids, p->nteams, "team id", &arr, err);
		if (rc != MM_OK)
			goto fail;
		if (!cJSON_AddItemToObject(body, "team_ids", arr))
			goto nomem;
	}
	if (create || p->set_channels) {
		rc = id_array(p->channel_ids, p->nchannels, "channel id", &arr,
			      err);
		if (rc != MM_OK)
			goto fail;
		if (!cJSON_AddItemToObject(body, "channel_ids", arr))
			goto nomem;
	}
	*out = (struct mm_json *)body;
	return MM_OK;
nomem:
	rc = mm_error_oom(err);
fail:
	cJSON_Delete(body);
	return rc;
}

enum mm_result
mm_api_retention_create(struct mm_client *c,
			const struct mm_retention_policy *p,
			struct mm_json **out, struct mm_error *err)
{
	struct mm_json *body = NULL;
	enum mm_result rc;

	*out = NULL;
	rc = mm_retention_policy_body(p, true, &body, err);
	if (rc == MM_OK)
		rc = mm_api_retention_hint(
			mm_api_request(c, "POST",
				       "/api/v4/data_retention/policies", body,
				       0, out, NULL, err),
			err);
	mm_json_free(body);
	return rc;
}

enum mm_result
mm_api_retention_patch(struct mm_client *c, const char *policy_id,
		       const struct mm_retention_policy *p,
		       struct mm_json **out, struct mm_error *err)
{
	struct mm_buf path = MM_BUF_INIT;
	struct mm_json *body = NULL;
	enum mm_result rc;

	*out = NULL;
	rc = policy_path(&path, policy_id, "", err);
	if (rc == MM_OK)
		rc = mm_retention_policy_body(p, false, &body, err);
	if (rc == MM_OK)
		rc = mm_api_retention_hint(
			mm_api_request(c, "PATCH", mm_buf_str(&path), body, 0,
				       out, NULL, err),
			err);
	mm_json_free(body);
	mm_buf_release(&path);
	return rc;
}

enum mm_result
mm_api_retention_delete(struct mm_client *c, const char *policy_id,
			struct mm_json **out, struct mm_error *err)
{
	struct mm_buf path = MM_BUF_INIT;
	enum mm_result rc;

	*out = NULL;
	rc = policy_path(&path, policy_id, "", err);
	if (rc == MM_OK)
		rc = mm_api_retention_hint(
			mm_api_request(c, "DELETE", mm_buf_str(&path), NULL,
				       MM_API_EMPTY_OK, out, NULL, err),
			err);
	mm_buf_release(&path);
	return rc;
}

enum mm_result
mm_api_retention_members_req(enum mm_retention_scope scope,
			     const char *policy_id, struct mm_page_req *req,
			     struct mm_buf *path, struct mm_error *err)
{
	enum mm_result rc;

	mm_buf_reset(path);
	rc = policy_path(path, policy_id,
			 scope == MM_RETENTION_TEAMS ? "/teams" : "/channels",
			 err);
	if (rc != MM_OK)
		return rc;
	req->path = mm_buf_str(path);
	req->items_key = NULL;
	return MM_OK;
}

static enum mm_result
members_change(struct mm_client *c, const char *method,
	       enum mm_retention_scope scope, const char *policy_id,
	       const char *const *ids, size_t n, struct mm_json **out,
	       struct mm_error *err)
{
	struct mm_buf path = MM_BUF_INIT;
	cJSON *arr = NULL;
	enum mm_result rc;

	*out = NULL;
	if (n == 0)
		return mm_error_set(err, MM_ERR_USAGE, "no %s ids given",
				    scope == MM_RETENTION_TEAMS ? "team"
								: "channel");
	rc = policy_path(&path, policy_id,
			 scope == MM_RETENTION_TEAMS ? "/teams" : "/channels",
			 err);
	if (rc == MM_OK)
		rc = id_array(ids, n,
			      scope == MM_RETENTION_TEAMS ? "team id"
							  : "channel id",
			      &arr, err);
	if (rc == MM_OK)
		rc = mm_api_retention_hint(
			mm_api_request(c, method, mm_buf_str(&path),
				       (struct mm_json *)arr, MM_API_EMPTY_OK,
				       out, NULL, err),
			err);
	cJSON_Delete(arr);
	mm_buf_release(&path);
	return rc;
}

enum mm_result
mm_api_retention_members_add(struct mm_client *c, enum mm_retention_scope scope,
			     const char *policy_id, const char *const *ids,
			     size_t n, struct mm_json **out,
			     struct mm_error *err)
{
	return members_change(c, "POST", scope, policy_id, ids, n, out, err);
}

enum mm_result
mm_api_retention_members_remove(struct mm_client *c,
				enum mm_retention_scope scope,
				const char *policy_id, const char *const *ids,
				size_t n, struct mm_json **out,
				struct mm_error *err)
{
	return members_change(c, "DELETE", scope, policy_id, ids, n, out, err);
}

enum mm_result
mm_api_retention_members_search(struct mm_client *c,
				enum mm_retention_scope scope,
				const char *policy_id,
				const struct mm_retention_search *s,
				struct mm_json **out, struct mm_error *err)
{
	struct mm_buf path = MM_BUF_INIT;
	cJSON *body = NULL, *teams = NULL;
	enum mm_result rc;

	*out = NULL;
	rc = policy_path(&path, policy_id,
			 scope == MM_RETENTION_TEAMS ? "/teams/search"
						     : "/channels/search",
			 err);
	if (rc != MM_OK)
		goto out;
	body = cJSON_CreateObject();
	if (body == NULL ||
	    cJSON_AddStringToObject(body, "term", s->term ? s->term : "") ==
		    NULL) {
		rc = mm_error_oom(err);
		goto out;
	}
	if (scope == MM_RETENTION_CHANNELS) {
		if (s->nteams > 0) {
			rc = id_array(s->team_ids, s->nteams, "team id", &teams,
				      err);
			if (rc != MM_OK)
				goto out;
			if (!cJSON_AddItemToObject(body, "team_ids", teams)) {
				rc = mm_error_oom(err);
				goto out;
			}
		}
		if ((s->public_only &&
		     cJSON_AddTrueToObject(body, "public") == NULL) ||
		    (s->private_only &&
		     cJSON_AddTrueToObject(body, "private") == NULL) ||
		    (s->deleted &&
		     cJSON_AddTrueToObject(body, "deleted") == NULL)) {
			rc = mm_error_oom(err);
			goto out;
		}
	}
	rc = mm_api_retention_hint(mm_api_request(c, "POST", mm_buf_str(&path),
						  (struct mm_json *)body,
						  MM_API_SAFE_POST, out, NULL,
						  err),
				   err);
	if (rc == MM_OK && !c->dry_run && mm_json_type(*out) != MM_JSON_ARRAY &&
	    mm_json_type(*out) != MM_JSON_NULL) {
		rc = mm_error_set(err, MM_ERR_RESPONSE,
				  "expected a list of %s, got %s",
				  scope_seg[scope],
				  mm_json_type_name(mm_json_type(*out)));
		mm_json_free(*out);
		*out = NULL;
	}
out:
	cJSON_Delete(body);
	mm_buf_release(&path);
	return rc;
}

enum mm_result
mm_api_retention_user_req(enum mm_retention_scope scope, const char *user_id,
			  struct mm_page_req *req, struct mm_buf *path,
			  struct mm_error *err)
{
	mm_buf_reset(path);
	if (user_id == NULL ||
	    (strcmp(user_id, "me") != 0 && !mm_api_valid_id(user_id)))
		return mm_api_bad_id(err, "user id", user_id);
	if (!mm_buf_printf(path, "/api/v4/users/%s/data_retention/%s", user_id,
			   scope == MM_RETENTION_TEAMS ? "team_policies"
						       : "channel_policies"))
		return mm_error_oom(err);
	req->path = mm_buf_str(path);
	req->items_key = "policies";
	return MM_OK;
}
