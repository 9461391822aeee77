"""SAML (§3.7), following api4/saml.go: metadata (anonymous, 501 without the
SAML component), certificates (permission first, then the multipart form;
/idp also takes application/x-pem-file), certificate status, metadata from
an IdP, and resetting SAML users to email login (also local).

Toggle ``saml_users``: N extra users with ``auth_service: "saml"`` (every
third one deactivated), ids ``samluser<k>`` padded to 26 characters; they are
what ``/saml/reset_auth_data`` counts and resets.
"""

import base64
import binascii

from core import (ANON, AppError, MultipartError, Response, go_decode, invalid_param, json_response,
                  map_from_json, multipart_form, ok_response, parse_content_type, parse_multipart,
                  JSONDecodeFailure, _user)

KINDS = {
    "public": ("saml-public.crt", "SamlSettings.PublicCertificateFile", "public_certificate_file"),
    "private": ("saml-private.key", "SamlSettings.PrivateKeyFile", "private_key_file"),
    "idp": ("saml-idp.crt", "SamlSettings.IdpCertificateFile", "idp_certificate_file"),
}


def init_state(st):
    st.saml_files = {}


def saml_user_id(k):
    base = "samluser%d" % k
    return base + "0" * (25 - len(base)) + "a"


def apply_toggle(st, key, value):
    if key == "saml_users":
        n = int(value)
        for k in range(1, n + 1):
            uid = saml_user_id(k)
            u = _user(uid, "samluser%d" % k, "samluser%d@example.com" % k, "Saml", "User%d" % k,
                      "system_user")
            u["auth_service"] = "saml"
            u["auth_data"] = "saml-%d" % k
            if k % 3 == 0:
                u["delete_at"] = 1700000000000
            st.users[uid] = u
        return True
    return False


def state_view(st):
    return {"saml_users": sum(1 for u in st.users.values() if u.get("auth_service") == "saml")}


def _available(ctx):
    if not ctx.state.license:
        raise AppError(501, "api.admin.saml.not_available.app_error",
                       message="SAML 2.0 is not configured or supported on this server.")


def metadata(ctx):
    _available(ctx)
    site = ctx.state.site_url() or "http://localhost:8065"
    xml = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
           'entityID="%s/login/sso/saml"><md:SPSSODescriptor '
           'protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
           '<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" '
           'Location="%s/login/sso/saml" index="1"></md:AssertionConsumerService>'
           '</md:SPSSODescriptor></md:EntityDescriptor>\n') % (site, site)
    return Response(200, xml.encode(), "application/xml",
                    [("Content-Disposition", 'attachment; filename="metadata.xml"')], is_file=True)


def _certificate_part(ctx):
    """parseSamlCertificateRequest: any ParseMultipartForm failure, a body
    over the limit included, is a 400 no_file with the Go error as detail."""
    if ctx.body_too_large:
        raise AppError(400, "api.admin.add_certificate.no_file.app_error",
                       "http: request body too large",
                       message="No file under 'certificate' in request.")
    try:
        parts = parse_multipart(ctx.header("Content-Type", ""), ctx.body)
    except MultipartError as e:
        raise AppError(400, "api.admin.add_certificate.no_file.app_error", str(e),
                       message="No file under 'certificate' in request.")
    _v, files = multipart_form(parts)
    if "certificate" not in files:
        raise AppError(400, "api.admin.add_certificate.no_file.app_error",
                       message="No file under 'certificate' in request.")
    return files["certificate"][0].data


def _add_cert(kind):
    fname, cfgkey, _ = KINDS[kind]

    def handler(ctx):
        st = ctx.state
        ctx.require_perm("add_saml_%s_cert" % kind)
        if kind == "idp":
            ctype = ctx.header("Content-Type", "")
            if not ctype:
                raise AppError(400, "api.admin.saml.set_certificate_from_metadata.missing_content_type.app_error",
                               message="Missing content type.")
            mt, _ = parse_content_type(ctype)
            if mt == "application/x-pem-file":
                try:
                    der = base64.b64decode(ctx.body.strip(), validate=False)
                except (binascii.Error, ValueError) as e:
                    der, why = b"", str(e)
                else:
                    why = "x509: malformed certificate"
                if not der:
                    raise AppError(500, "api.admin.saml.failure_parse_idp_certificate.app_error", why,
                                   message="Failure encountered while parsing the certificate received from the Identity Provider.")
                data = ctx.body
            elif mt == "multipart/form-data":
                data = _certificate_part(ctx)
            else:
                raise AppError(400, "api.admin.saml.set_certificate_from_metadata.invalid_content_type.app_error",
                               message="Invalid content type.")
        else:
            data = _certificate_part(ctx)
        st.saml_files[fname] = data
        st.set_cfg(cfgkey, fname)
        return ok_response()
    return handler


def _remove_cert(kind):
    fname, cfgkey, _ = KINDS[kind]

    def handler(ctx):
        st = ctx.state
        ctx.require_perm("remove_saml_%s_cert" % kind)
        st.saml_files.pop(fname, None)
        st.set_cfg(cfgkey, "")
        if kind == "public":
            st.set_cfg("SamlSettings.Encrypt", False)
        return ok_response()
    return handler


def cert_status(ctx):
    st = ctx.state
    ctx.require_perm("get_saml_cert_status")
    out = {}
    for kind in ("idp", "private", "public"):
        fname, cfgkey, key = KINDS[kind]
        out[key] = bool(st.cfg(cfgkey)) and fname in st.saml_files
    return json_response(dict(sorted(out.items())), newline=True)


def metadata_from_idp(ctx):
    """getSamlMetadataFromIdp: permission first (anonymous callers too), then
    the URL (SetInvalidParam), then the fetch (400 on failure)."""
    if ctx.session is None or not ctx.has_perm("get_saml_metadata_from_idp"):
        raise AppError(403, "api.context.permissions.app_error")
    props = map_from_json(ctx.body)
    url = props.get("saml_metadata_url", "")
    if not url:
        raise invalid_param("saml_metadata_url")
    if not (url.startswith("http://") or url.startswith("https://")) or "fail" in url:
        raise AppError(400, "app.admin.saml.failure_get_metadata_from_idp.app_error",
                       "failed to fetch " + url,
                       message="Failed to obtain metadata from Identity Provider URL.")
    host = url.split("/")[2]
    return json_response({"idp_descriptor_url": "https://%s/metadata" % host,
                          "idp_url": "https://%s/sso/saml" % host,
                          "idp_public_certificate": "MIIC8DCCAdigAwIBAgIQstandinCertificateBase64=="},
                         newline=True)


def reset_auth_data(ctx):
    """resetAuthDataToEmail: manage_system, then the JSON body
    {include_deleted, dry_run, user_ids}; counts (and unless dry_run resets)
    the SAML users."""
    st = ctx.state
    ctx.require_perm("manage_system")
    try:
        body = go_decode(ctx.body)
    except JSONDecodeFailure as e:
        raise AppError(400, "model.utils.decode_json.app_error", str(e),
                       message="could not decode")
    if not isinstance(body, dict):
        raise AppError(400, "model.utils.decode_json.app_error",
                       "json: cannot unmarshal into Go value of type api4.ResetAuthDataParams",
                       message="could not decode")
    include_deleted = body.get("include_deleted") is True
    dry_run = body.get("dry_run") is True
    ids = body.get("user_ids") or []
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise AppError(400, "model.utils.decode_json.app_error",
                       "json: cannot unmarshal into Go struct field user_ids",
                       message="could not decode")
    n = 0
    for u in st.users.values():
        if u.get("auth_service") != "saml":
            continue
        if u.get("delete_at") and not include_deleted:
            continue
        if ids and u["id"] not in ids:
            continue
        n += 1
        if not dry_run:
            u["auth_service"] = ""
            u["auth_data"] = ""
    return json_response({"num_affected": n}, newline=True)


def register(r):
    r.add("GET", "/saml/metadata", metadata, auth=ANON)
    for kind in ("public", "private", "idp"):
        r.add("POST", "/saml/certificate/" + kind, _add_cert(kind))
        r.add("DELETE", "/saml/certificate/" + kind, _remove_cert(kind))
    r.add("GET", "/saml/certificate/status", cert_status)
    r.add("POST", "/saml/metadatafromidp", metadata_from_idp, auth=ANON)
    r.add("POST", "/saml/reset_auth_data", reset_auth_data, local=True)
