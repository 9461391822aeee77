/* SAML (API-NOTES §3.7): metadata, IdP metadata, certificates, resetting
 * SAML users to email login. */
#ifndef MMADM_API_SAML_H
#define MMADM_API_SAML_H

#include "api.h"
#include "api_files.h"

#include <stdbool.h>
#include <stddef.h>

/* GET /saml/metadata (anonymous): the SP metadata XML, streamed. */
enum mm_result mm_api_saml_metadata(struct mm_client *c, struct mm_fetch *f,
				    struct mm_error *err);
/* POST /saml/metadatafromidp {"saml_metadata_url": url}. */
enum mm_result mm_api_saml_metadata_from_idp(struct mm_client *c,
					     const char *url,
					     struct mm_json **out,
					     struct mm_error *err);

/* "idp", "public" or "private" (the path segment); NULL when unknown. */
const char *mm_api_saml_cert_kind(const char *kind);
/* POST /saml/certificate/{kind}, multipart field "certificate". */
enum mm_result mm_api_saml_cert_upload(struct mm_client *c, const char *kind,
				       const char *path, struct mm_json **out,
				       struct mm_error *err);
/* DELETE /saml/certificate/{kind}. */
enum mm_result mm_api_saml_cert_remove(struct mm_client *c, const char *kind,
				       struct mm_json **out,
				       struct mm_error *err);
/* GET /saml/certificate/status. */
enum mm_result mm_api_saml_cert_status(struct mm_client *c,
				       struct mm_json **out,
				       struct mm_error *err);

struct mm_saml_reset {
	bool include_deleted;
	bool preview; /* the server's dry_run: count, change nothing */
	const char *const *user_ids;
	size_t nuser_ids;
};
/* POST /saml/reset_auth_data: {"num_affected": N}. */
enum mm_result mm_api_saml_reset_auth_data(struct mm_client *c,
					   const struct mm_saml_reset *req,
					   struct mm_json **out,
					   struct mm_error *err);

#endif
