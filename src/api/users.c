/* Users area: login, logout, me. */
#include "mmadm/api.h"

#include <stdlib.h>
#include <string.h>

#define MFA_REQUIRED "mfa.validate_token.authenticate.app_error"
#define MFA_BAD_CODE "api.user.check_user_mfa.bad_code.app_error"

bool
mm_api_login_needs_mfa(const struct mm_error *err)
{
	return err->kind == MM_ERR_AUTH &&
	       strcmp(err->server_id, MFA_REQUIRED) == 0;
}

bool
mm_api_login_bad_mfa(const struct mm_error *err)
{
	return err->kind == MM_ERR_AUTH &&
	       strcmp(err->server_id, MFA_BAD_CODE) == 0;
}

enum mm_result
mm_api_login(struct mm_client *c, const struct mm_login_req *req, char **token,
	     struct mm_json **user, struct mm_error *err)
{
	struct mm_json *body = mm_json_new_object();
	struct mm_http_resp resp;
	enum mm_result rc;

	*token = NULL;
	*user = NULL;
	mm_http_resp_init(&resp);
	if (body == NULL ||
	    !mm_json_set_string(body, "login_id", req->login_id) ||
	    !mm_json_set_string(body, "password", req->password) ||
	    (req->mfa != NULL &&
	     !mm_json_set_string(body, "token", req->mfa))) {
		rc = mm_error_oom(err);
		goto out;
	}
	/* Without X-Requested-With the server sends the token in the Token
	 * header only, and no cookie copies of it. */
	rc = mm_api_request(c, "POST", "/api/v4/users/login", body,
			    MM_API_NO_COOKIES, user, &resp, err);
	/* A dry run sends nothing: no session, *token stays NULL. */
	if (rc != MM_OK || c->dry_run)
		goto out;
	if (resp.token[0] == '\0') {
		rc = mm_error_set(err, MM_ERR_RESPONSE,
				  "the login succeeded but the server sent no "
				  "Token header");
		goto out;
	}
	*token = mm_strdup(resp.token);
	if (*token == NULL)
		rc = mm_error_oom(err);
out:
	if (rc != MM_OK) {
		mm_json_free(*user);
		*user = NULL;
	}
	/* The request body held the password: wipe it (the serialized copy
	 * is wiped by mm_api_request). */
	if (body != NULL) {
		const char *pw = mm_json_string(mm_json_get(body, "password"));

		if (pw != NULL)
			mm_wipe((char *)pw, strlen(pw));
	}
	mm_json_free(body);
	mm_http_resp_release(&resp);
	return rc;
}

enum mm_result
mm_api_logout(struct mm_client *c, struct mm_error *err)
{
	struct mm_json *doc = NULL;
	enum mm_result rc =
		mm_api_request(c, "POST", "/api/v4/users/logout", NULL,
			       MM_API_EMPTY_OK, &doc, NULL, err);

	mm_json_free(doc);
	return rc;
}

enum mm_result
mm_api_users_me(struct mm_client *c, struct mm_json **out, struct mm_error *err)
{
	return mm_api_request(c, "GET", "/api/v4/users/me", NULL, 0, out, NULL,
			      err);
}
