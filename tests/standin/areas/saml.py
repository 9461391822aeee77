"""SAML (§3.7)."""

import base64
import binascii

from core import (ANON, AppError, MultipartError, Response, go_decode, invalid_body_param,
                  json_response, map_from_json, multipart_form, ok_response, parse_content_type,
                  parse_multipart, permission_error, JSONDecodeFailure)

KINDS = {
    "public": ("saml-public.crt", "SamlSettings.PublicCertificateFile", "public_certificate_file"),
    "private": ("saml-private.key", "SamlSettings.PrivateKeyFile", "private_key_file"),
    "idp": ("saml-idp.crt", "SamlSettings.IdpCertificateFile", "idp_certificate_file"),
}


def init_state(st):
    st.saml_files = {}


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


def _add_cert(kind):
    fname, cfgkey, _ = KINDS[kind]

    def handler(ctx):
        st = ctx.state
        ctx.require_perm("add_saml_%s_cert" % kind)
        if ctx.body_too_large:
            raise AppError(413, "api.context.request_body_too_large.app_error")
        ctype = ctx.header("Content-Type", "")
        mt, _ = parse_content_type(ctype)
        if kind == "idp" and mt == "application/x-pem-file":
            try:
                der = base64.b64decode(ctx.body.strip(), validate=False)
            except (binascii.Error, ValueError) as e:
                raise AppError(400, "api.admin.add_certificate.parse.app_error", str(e),
                               message="Error parsing the certificate.")
            if not der:
                raise AppError(400, "api.admin.add_certificate.parse.app_error",
                               message="Error parsing the certificate.")
            data = ctx.body
        else:
            try:
                parts = parse_multipart(ctype, ctx.body)
            except MultipartError as e:
                raise AppError(400, "api.admin.add_certificate.parse.app_error", str(e),
                               message="Error parsing the certificate.")
            _v, files = multipart_form(parts)
            if "certificate" not in files:
                raise AppError(400, "api.admin.add_certificate.no_file.app_error",
                               message="No file under 'certificate' in request.")
            data = files["certificate"][0].data
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
    return json_response(dict(sorted(out.items())))


def metadata_from_idp(ctx):
    if ctx.session is None or not ctx.has_perm("get_saml_metadata_from_idp"):
        raise AppError(403, "api.context.permissions.app_error")
    props = map_from_json(ctx.body)
    url = props.get("saml_metadata_url", "")
    if not url:
        raise invalid_body_param("saml_metadata_url")
    if not (url.startswith("http://") or url.startswith("https://")) or "fail" in url:
        raise AppError(400, "app.admin.saml.failure_get_metadata_from_idp.app_error",
                       "failed to fetch " + url,
                       message="Failed to obtain metadata from Identity Provider URL.")
    host = url.split("/")[2]
    return json_response({"idp_descriptor_url": "https://%s/metadata" % host,
                          "idp_url": "https://%s/sso/saml" % host,
                          "idp_public_certificate": "MIIC8DCCAdigAwIBAgIQstandinCertificateBase64=="})


def reset_auth_data(ctx):
    ctx.require_perm("manage_system")
    body = ctx.json_body("reset_auth_data", allow_null=True) or {}
    if not isinstance(body, dict):
        raise invalid_body_param("reset_auth_data")
    ids = body.get("user_ids") or []
    n = len(ids) if ids else 0
    return json_response({"num_affected": n})


def register(r):
    r.add("GET", "/saml/metadata", metadata, auth=ANON)
    for kind in ("public", "private", "idp"):
        r.add("POST", "/saml/certificate/" + kind, _add_cert(kind))
        r.add("DELETE", "/saml/certificate/" + kind, _remove_cert(kind))
    r.add("GET", "/saml/certificate/status", cert_status)
    r.add("POST", "/saml/metadatafromidp", metadata_from_idp, auth=ANON)
    r.add("POST", "/saml/reset_auth_data", reset_auth_data, local=True)
