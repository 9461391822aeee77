/* Remote clusters (secure connections). */
#include "mmadm/api.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Server ids are 26 letters and digits. */
static bool
valid_id(const char *id)
{
	size_t n = 0;

	for (; id[n] != '\0'; n++)
		if (!isalnum((unsigned char)id[n]))
			return false;
	return n == 26;
}

enum mm_result
mm_api_remotecluster_invite(struct mm_client *c, const char *remote_id,
			    const char *password, char **invite,
			    struct mm_error *err)
{
	struct mm_json *body = NULL, *doc = NULL;
	struct mm_buf path = MM_BUF_INIT;
	enum mm_result rc;
	const char *code;

	*invite = NULL;
	if (!valid_id(remote_id))
		return mm_error_set(err, MM_ERR_USAGE,
				    "invalid remote cluster id '%s': expected "
				    "26 letters and digits",
				    remote_id);
	body = mm_json_new_object();
	if (body == NULL || !mm_json_set_string(body, "password", password) ||
	    !mm_buf_printf(&path, "/api/v4/remotecluster/%s/generate_invite",
			   remote_id)) {
		rc = mm_error_set(err, MM_ERR_OTHER, "out of memory");
		goto out;
	}
	rc = mm_api_request(c, "POST", mm_buf_str(&path), body, 0, &doc, NULL,
			    err);
	if (rc != MM_OK || c->dry_run)
		goto out;
	code = mm_json_string(doc);
	if (code == NULL || code[0] == '\0') {
		rc = mm_error_set(err, MM_ERR_RESPONSE,
				  "the server's answer is not an invite code "
				  "(expected one JSON string, got %s)",
				  mm_json_type_name(mm_json_type(doc)));
		goto out;
	}
	*invite = mm_strdup(code);
	if (*invite == NULL)
		rc = mm_error_set(err, MM_ERR_OTHER, "out of memory");
out:
	if (body != NULL) {
		const char *pw = mm_json_string(mm_json_get(body, "password"));

		if (pw != NULL)
			mm_wipe((char *)pw, strlen(pw));
	}
	mm_json_free(body);
	mm_json_free(doc);
	mm_buf_release(&path);
	return rc;
}
