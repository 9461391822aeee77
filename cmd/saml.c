/* saml: SAML metadata, certificates, and resetting SAML users to email. */
#include "cmd.h"
#include "mmadm/api_saml.h"

#include <stdio.h>
#include <string.h>

static const char *const cert_kinds[] = {"idp", "public", "private", NULL};

/* ---- metadata ---- */

static const struct mm_opt saml_metadata_opts[] = {
	MM_OPT_BOOL(0, "force", "replace an existing file"),
	MM_OPT_END(),
};

static const struct mm_arg saml_metadata_args[] = {
	MM_ARG("FILE",
	       "save here, or into this directory (default: "
	       "standard output)",
	       MM_ARG_OPTIONAL | MM_ARG_IS_FILE),
	MM_ARG_END(),
};

static enum mm_result
saml_metadata_exec(struct mm_ctx *ctx, const struct mm_args *args,
		   struct mm_error *err)
{
	struct mm_client *c;
	struct mm_fetch f;
	enum mm_result rc;

	rc = cmd_fetch_begin(ctx, mm_args_pos(args, 0),
			     mm_args_bool(args, "force", false), false, &f,
			     err);
	if (rc == MM_OK)
		rc = mm_ctx_client(ctx, &c, err);
	if (rc != MM_OK)
		return rc;
	rc = mm_api_saml_metadata(c, &f, err);
	return cmd_fetch_end(ctx, &f, rc, err);
}

static const char *const saml_metadata_examples[] = {
	"mmadm saml metadata",
	"mmadm saml metadata sp-metadata.xml",
	NULL,
};
static const char *const saml_metadata_endpoints[] = {
	"GET /api/v4/saml/metadata",
	NULL,
};

/* ---- metadata-from-idp ---- */

static const struct mm_arg saml_idp_args[] = {
	MM_ARG("URL", "the identity provider's metadata URL", 0),
	MM_ARG_END(),
};

static const struct mm_column idp_cols[] = {
	{"IDP_URL", "idp_url"},
	{"DESCRIPTOR_URL", "idp_descriptor_url"},
	MM_COLUMN_END,
};

static enum mm_result
saml_idp_exec(struct mm_ctx *ctx, const struct mm_args *args,
	      struct mm_error *err)
{
	struct mm_client *c;
	struct mm_json *doc = NULL;
	enum mm_result rc;

	rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_saml_metadata_from_idp(c, mm_args_pos(args, 0),
						   &doc, err);
	if (rc == MM_OK && doc != NULL)
		mm_out_doc(&ctx->out, doc,
			   cmd_structured(ctx) ? NULL : idp_cols);
	mm_json_free(doc);
	return rc;
}

static const char *const saml_idp_examples[] = {
	"mmadm saml metadata-from-idp https://idp.example.com/metadata",
	"mmadm saml metadata-from-idp https://idp.example.com/metadata -o "
	"json",
	NULL,
};
static const char *const saml_idp_endpoints[] = {
	"POST /api/v4/saml/metadatafromidp",
	NULL,
};

/* ---- certificates ---- */

static const struct mm_arg cert_upload_args[] = {
	MM_ARG_CHOICE("KIND", "idp, public or private", 0, cert_kinds),
	MM_ARG("FILE", "the certificate or key (PEM)", MM_ARG_IS_FILE),
	MM_ARG_END(),
};

static const struct mm_arg cert_remove_args[] = {
	MM_ARG_CHOICE("KIND", "idp, public or private", 0, cert_kinds),
	MM_ARG_END(),
};

static enum mm_result
saml_cert_upload_exec(struct mm_ctx *ctx, const struct mm_args *args,
		      struct mm_error *err)
{
	const char *kind = mm_args_pos(args, 0);
	struct mm_client *c;
	struct mm_json *doc = NULL;
	char msg[96];
	enum mm_result rc;

	rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_saml_cert_upload(c, kind, mm_args_pos(args, 1),
					     &doc, err);
	if (rc == MM_OK) {
		if (snprintf(msg, sizeof(msg), "OK: %s certificate uploaded",
			     kind) < 0)
			msg[0] = '\0';
		rc = cmd_print_status(ctx, doc, msg, err);
	}
	mm_json_free(doc);
	return rc;
}

static enum mm_result
saml_cert_remove_exec(struct mm_ctx *ctx, const struct mm_args *args,
		      struct mm_error *err)
{
	return cmd_action_on(ctx, mm_api_saml_cert_remove, mm_args_pos(args, 0),
			     "OK: %s certificate removed", err);
}

static const struct mm_column cert_status_cols[] = {
	{"IDP_CERTIFICATE", "idp_certificate_file"},
	{"PUBLIC_CERTIFICATE", "public_certificate_file"},
	{"PRIVATE_KEY", "private_key_file"},
	MM_COLUMN_END,
};

static enum mm_result
saml_cert_status_exec(struct mm_ctx *ctx, const struct mm_args *args,
		      struct mm_error *err)
{
	(void)args;
	return cmd_get_show(ctx, mm_api_saml_cert_status, cert_status_cols,
			    err);
}

static const char *const saml_cert_upload_examples[] = {
	"mmadm saml certificate-upload idp idp.crt",
	"mmadm saml certificate-upload private sp.key",
	NULL,
};
static const char *const saml_cert_upload_endpoints[] = {
	"POST /api/v4/saml/certificate/idp",
	"POST /api/v4/saml/certificate/public",
	"POST /api/v4/saml/certificate/private",
	NULL,
};
static const char *const saml_cert_remove_examples[] = {
	"mmadm saml certificate-remove public --yes",
	NULL,
};
static const char *const saml_cert_remove_endpoints[] = {
	"DELETE /api/v4/saml/certificate/idp",
	"DELETE /api/v4/saml/certificate/public",
	"DELETE /api/v4/saml/certificate/private",
	NULL,
};
static const char *const saml_cert_status_examples[] = {
	"mmadm saml certificate-status",
	NULL,
};
static const char *const saml_cert_status_endpoints[] = {
	"GET /api/v4/saml/certificate/status",
	NULL,
};

/* ---- reset-auth-data ---- */

static const struct mm_opt saml_reset_opts[] = {
	MM_OPT_BOOL(0, "include-deleted", "also reset deactivated users"),
	MM_OPT_BOOL(0, "preview",
		    "have the server count the users only, changing nothing "
		    "(its dry_run)"),
	MM_OPT_LIST(0, "user", "USER_ID",
		    "only this user (default: every SAML user)"),
	MM_OPT_END(),
};

static enum mm_result
saml_reset_exec(struct mm_ctx *ctx, const struct mm_args *args,
		struct mm_error *err)
{
	const struct mm_strv *users = mm_args_list(args, "user");
	struct mm_saml_reset req;
	struct mm_client *c;
	struct mm_json *doc = NULL;
	char msg[128];
	enum mm_result rc;

	memset(&req, 0, sizeof(req));
	req.include_deleted = mm_args_bool(args, "include-deleted", false);
	req.preview = mm_args_bool(args, "preview", false);
	if (users != NULL) {
		req.user_ids = (const char *const *)users->v;
		req.nuser_ids = users->n;
	}
	rc = mm_ctx_client(ctx, &c, err);
	if (rc == MM_OK)
		rc = mm_api_saml_reset_auth_data(c, &req, &doc, err);
	if (rc != MM_OK || doc == NULL)
		goto out;
	if (cmd_structured(ctx)) {
		mm_out_doc(&ctx->out, doc, NULL);
	} else {
		long n = (long)mm_json_number(mm_json_get(doc, "num_affected"));

		if (snprintf(msg, sizeof(msg), "%ld user%s %s", n,
			     n == 1 ? "" : "s",
			     req.preview ? "would be reset to email login "
					   "(preview: nothing changed)"
					 : "reset to email login") < 0)
			msg[0] = '\0';
		mm_out_line(&ctx->out, msg);
	}
out:
	mm_json_free(doc);
	return rc;
}

static const char *const saml_reset_examples[] = {
	"mmadm saml reset-auth-data --preview --yes",
	"mmadm saml reset-auth-data --user 8x7kq3xz1jf4bkg5m7n9gr5w6a --yes",
	"mmadm --local saml reset-auth-data --include-deleted --yes",
	NULL,
};
static const char *const saml_reset_endpoints[] = {
	"POST /api/v4/saml/reset_auth_data",
	NULL,
};

#define SAML_FLAGS (CMD_NEEDS_SERVER | CMD_NEEDS_AUTH | CMD_NO_LOCAL)
static const char *const cert_remove_aliases[] = {"cert-remove", NULL};
static const char *const cert_status_aliases[] = {"cert-status", NULL};
static const char *const cert_upload_aliases[] = {"cert-upload", NULL};

const struct mm_cmd_entry mm_saml_cmds[] = {
	{
		.name = "certificate-remove",
		.aliases = cert_remove_aliases,
		.summary = "Remove the IdP certificate, the public "
			   "certificate or the private key",
		.help = "Removing the public certificate also turns "
			"SamlSettings.Encrypt off.",
		.args = cert_remove_args,
		.flags = SAML_FLAGS | CMD_DESTRUCTIVE | CMD_WRITES,
		.examples = saml_cert_remove_examples,
		.endpoints = saml_cert_remove_endpoints,
		.exec = saml_cert_remove_exec,
	},
	{
		.name = "certificate-status",
		.aliases = cert_status_aliases,
		.summary = "Show which SAML certificate files are present",
		.flags = SAML_FLAGS,
		.examples = saml_cert_status_examples,
		.endpoints = saml_cert_status_endpoints,
		.exec = saml_cert_status_exec,
	},
	{
		.name = "certificate-upload",
		.aliases = cert_upload_aliases,
		.summary = "Upload the IdP certificate, the public "
			   "certificate or the private key",
		.help = "Sends FILE as the multipart field 'certificate'. The "
			"server stores it as\nsaml-idp.crt, saml-public.crt or "
			"saml-private.key and points the matching\n"
			"SamlSettings file setting at it. The ordinary "
			"request size limit applies\n"
			"(ServiceSettings.MaximumPayloadSizeBytes).",
		.args = cert_upload_args,
		.flags = SAML_FLAGS | CMD_WRITES,
		.examples = saml_cert_upload_examples,
		.endpoints = saml_cert_upload_endpoints,
		.exec = saml_cert_upload_exec,
	},
	{
		.name = "metadata",
		.summary = "Download the server's SAML service provider "
			   "metadata (XML)",
		.help = "Anonymous: needs no token. Writes the XML to standard "
			"output or saves it\nto FILE. A server without the "
			"SAML "
			"component (unlicensed) answers 501.",
		.opts = saml_metadata_opts,
		.args = saml_metadata_args,
		.flags = CMD_NEEDS_SERVER | CMD_NO_LOCAL,
		.examples = saml_metadata_examples,
		.endpoints = saml_metadata_endpoints,
		.exec = saml_metadata_exec,
	},
	{
		.name = "metadata-from-idp",
		.summary = "Have the server fetch an identity provider's "
			   "metadata",
		.help = "The server fetches URL and answers with the IdP's "
			"descriptor URL, SSO URL\nand public certificate "
			"(-o json shows the certificate). A fetch failure\nis "
			"a 400.",
		.args = saml_idp_args,
		.flags = SAML_FLAGS,
		.examples = saml_idp_examples,
		.endpoints = saml_idp_endpoints,
		.exec = saml_idp_exec,
	},
	{
		.name = "reset-auth-data",
		.summary = "Switch SAML users back to email login",
		.help = "Resets the SAML auth data of every SAML user (or of "
			"each --user) so\nthey log in with email and password. "
			"--preview asks the server to count\nthem without "
			"changing anything (mmadm's own --dry-run sends "
			"nothing at\nall). Also works over the local socket.",
		.opts = saml_reset_opts,
		.flags = CMD_NEEDS_SERVER | CMD_NEEDS_AUTH | CMD_DESTRUCTIVE |
			 CMD_WRITES,
		.examples = saml_reset_examples,
		.endpoints = saml_reset_endpoints,
		.exec = saml_reset_exec,
	},
	MM_CMD_END,
};
