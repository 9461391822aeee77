"""License (§3.3).

A stand-in license file is JSON (raw or base64-encoded) with at least an
``id``; missing License fields get defaults. ``"signature": "invalid"`` makes it
fail validation, past ``expires_at`` / future ``starts_at`` make it expired, and
``is_trial: true`` without ``"sanctioned": true`` is refused once a trial was
used (state toggle ``trial_used``).

Toggles: ``license_data`` (License fields, installs a license), ``trial_used``,
``license_manager`` (false: a build without the enterprise license manager, so
``POST /trial-license`` and ``GET /trial-license/prev`` answer 403
``api.license.upgrade_needed.app_error`` after the permission check)."""

import base64
import binascii
import copy
import json

from core import (ANON, AppError, MultipartError, go_decode, invalid_body_param, invalid_param,
                  json_response, multipart_form, new_id, now_ms, ok_response, parse_multipart,
                  text_response, JSONDecodeFailure)

DAY = 24 * 3600 * 1000
FEATURES = {"users": 1000, "ldap": True, "ldap_groups": True, "mfa": True, "google_oauth": True,
            "office365_oauth": True, "openid": True, "compliance": True, "cluster": True,
            "metrics": True, "mhpns": True, "saml": True, "elastic_search": True,
            "announcement": True, "theme_management": True, "email_notification_contents": True,
            "data_retention": True, "message_export": True, "custom_permissions_schemes": True,
            "custom_terms_of_service": True, "guest_accounts": True,
            "guest_accounts_permissions": True, "id_loaded": True,
            "lock_teammate_name_display": True, "cloud": False, "shared_channels": True,
            "remote_cluster_service": True, "outgoing_oauth_connections": True,
            "future_features": True}
CLIENT_FEATURES = [("LDAP", "ldap"), ("LDAPGroups", "ldap_groups"), ("MFA", "mfa"),
                   ("GoogleOAuth", "google_oauth"), ("Office365OAuth", "office365_oauth"),
                   ("OpenId", "openid"), ("Compliance", "compliance"), ("Cluster", "cluster"),
                   ("Metrics", "metrics"), ("MHPNS", "mhpns"), ("SAML", "saml"),
                   ("Elasticsearch", "elastic_search"), ("Announcement", "announcement"),
                   ("ThemeManagement", "theme_management"),
                   ("EmailNotificationContents", "email_notification_contents"),
                   ("DataRetention", "data_retention"), ("MessageExport", "message_export"),
                   ("CustomPermissionsSchemes", "custom_permissions_schemes"),
                   ("CustomTermsOfService", "custom_terms_of_service"),
                   ("GuestAccounts", "guest_accounts"),
                   ("GuestAccountsPermissions", "guest_accounts_permissions"),
                   ("IDLoadedPushNotifications", "id_loaded"),
                   ("LockTeammateNameDisplay", "lock_teammate_name_display"), ("Cloud", "cloud"),
                   ("SharedChannels", "shared_channels"),
                   ("RemoteClusterService", "remote_cluster_service"),
                   ("OutgoingOAuthConnections", "outgoing_oauth_connections")]


def make_license(**over):
    t = now_ms()
    lic = {"id": new_id(), "issued_at": t - DAY, "starts_at": t - DAY, "expires_at": t + 365 * DAY,
           "customer": {"id": new_id(), "name": "Example Admin", "email": "admin@example.com",
                        "company": "Example Inc"},
           "features": copy.deepcopy(FEATURES), "sku_name": "Enterprise",
           "sku_short_name": "enterprise", "is_trial": False, "is_gov_sku": False,
           "is_seat_count_enforced": False, "extra_users": 0, "signup_jwt": None, "limits": None}
    for k, v in over.items():
        if k == "features" and isinstance(v, dict):
            lic["features"].update(v)
        elif k == "customer" and isinstance(v, dict):
            lic["customer"].update(v)
        else:
            lic[k] = v
    return lic


def init_state(st):
    st.license_data = None
    st.trial_used = False
    st.prev_trial = None
    st.license_manager = True


def apply_toggle(st, key, value):
    if key == "license_manager":
        # False: a build without the enterprise license manager
        st.license_manager = bool(value)
        return True
    if key == "license_data":
        st.license_data = make_license(**value) if isinstance(value, dict) else None
        st.license = st.license_data is not None
        return True
    if key == "trial_used":
        st.trial_used = bool(value)
        return True
    return False


def state_view(st):
    return {"trial_used": st.trial_used, "license_manager": st.license_manager,
            "previous_trial": st.prev_trial is not None}


def license_obj(st):
    if not st.license:
        return None
    if st.license_data is None:
        st.license_data = make_license()
    return st.license_data


def client_license(lic, full):
    if lic is None:
        return {"IsLicensed": "false"}
    f = lic.get("features") or {}
    p = {"IsLicensed": "true", "Id": lic["id"], "SkuName": lic.get("sku_name", ""),
         "SkuShortName": lic.get("sku_short_name", ""), "Users": str(f.get("users", 0))}
    for name, key in CLIENT_FEATURES:
        p[name] = "true" if f.get(key) else "false"
    c = lic.get("customer") or {}
    p.update({"IssuedAt": str(lic.get("issued_at", 0)), "StartsAt": str(lic.get("starts_at", 0)),
              "ExpiresAt": str(lic.get("expires_at", 0)), "Name": c.get("name", ""),
              "Email": c.get("email", ""), "Company": c.get("company", ""),
              "IsTrial": "true" if lic.get("is_trial") else "false",
              "IsGovSku": "true" if lic.get("is_gov_sku") else "false",
              "IsSeatCountEnforced": "true" if lic.get("is_seat_count_enforced") else "false",
              "ExtraUsers": str(lic.get("extra_users", 0))})
    if not full:
        for k in ("Id", "Name", "Email", "IssuedAt", "StartsAt", "ExpiresAt", "SkuName"):
            p.pop(k, None)
    return dict(sorted(p.items()))


def _parse_license_bytes(data):
    text = data.strip()
    obj = None
    for cand in (text,):
        try:
            obj = json.loads(cand.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            try:
                obj = json.loads(base64.b64decode(cand, validate=False).decode("utf-8"))
            except (ValueError, UnicodeDecodeError, binascii.Error):
                obj = None
    if not isinstance(obj, dict) or not isinstance(obj.get("id"), str) or obj.get("signature") == "invalid":
        raise AppError(400, "api.license.add_license.invalid.app_error",
                       message="Invalid license file.")
    fields = {k: v for k, v in obj.items() if k not in ("signature", "sanctioned")}
    lic = make_license(**fields)
    lic["_sanctioned"] = bool(obj.get("sanctioned"))
    return lic


def add_license(ctx):
    st = ctx.state
    ctx.require_perm("manage_license_information", nra=True)
    try:
        parts = parse_multipart(ctx.header("Content-Type", ""), ctx.body)
    except MultipartError as e:
        return text_response(400, str(e) + "\n")
    if ctx.body_too_large:
        return text_response(400, "http: request body too large\n")
    _values, files = multipart_form(parts)
    if "license" not in files:
        raise AppError(400, "api.license.add_license.no_file.app_error",
                       message="No file under 'license' in request.")
    lic = _parse_license_bytes(files["license"][0].data)
    if lic.get("is_trial") and not lic.pop("_sanctioned", False) and not ctx.is_local:
        if st.trial_used:
            raise AppError(400, "api.license.request-trial.can-start-trial.not-allowed",
                           message="A trial license cannot be started because a trial was already used.")
    lic.pop("_sanctioned", None)
    t = now_ms()
    if lic["expires_at"] < t or lic["starts_at"] > t:
        raise AppError(400, "api.license.add_license.expired.app_error",
                       message="License is either expired or has not yet started.")
    if lic.get("is_trial"):
        st.trial_used = True
        st.prev_trial = copy.deepcopy(lic)
    st.license_data = lic
    st.license = True
    return json_response(lic)


def remove_license(ctx):
    st = ctx.state
    ctx.require_perm("manage_license_information", nra=True)
    st.license = False
    st.license_data = None
    return ok_response()


def get_client_license(ctx):
    fmt = ctx.q("format")
    if fmt == "":
        raise AppError(400, "api.license.client.old_format.app_error",
                       message="New format for the client license is not supported yet. Please specify format=old in the query string.")
    if fmt != "old":
        raise invalid_param("format")
    full = ctx.session is not None and ctx.has_perm("read_license_information")
    return json_response(client_license(license_obj(ctx.state), full))


def load_metric(ctx):
    lic = license_obj(ctx.state)
    if lic is None:
        return json_response({"load": 0})
    users = (lic.get("features") or {}).get("users") or 0
    if not users:
        return json_response({"load": 0})
    return json_response({"load": int(round(len(ctx.state.users) / float(users) * 1000))})


def _need_license_manager(st, where):
    if not st.license_manager:
        raise AppError(403, "api.license.upgrade_needed.app_error",
                       message="Feature requires an upgrade to Enterprise Edition.")


def request_trial(ctx):
    st = ctx.state
    ctx.require_perm("manage_license_information", nra=True)
    _need_license_manager(st, "requestTrialLicense")
    body = ctx.json_body("trial_license_request")
    if not isinstance(body, dict):
        raise invalid_body_param("trial_license_request")
    users = body.get("users")
    if isinstance(users, bool) or not isinstance(users, int) or users <= 0:
        raise invalid_body_param("users")
    if body.get("terms_accepted") is not True:
        raise invalid_body_param("terms_accepted")
    if st.trial_used:
        raise AppError(400, "api.license.request-trial.can-start-trial.not-allowed",
                       message="A trial license cannot be started because a trial was already used.")
    lic = make_license(is_trial=True, expires_at=now_ms() + 30 * DAY, sku_name="Enterprise Advanced Trial",
                       sku_short_name="advanced", features={"users": users})
    st.trial_used = True
    st.prev_trial = copy.deepcopy(lic)
    st.license_data = lic
    st.license = True
    return ok_response()


def prev_trial(ctx):
    _need_license_manager(ctx.state, "getPrevTrialLicense")
    full = ctx.has_perm("read_license_information")
    return json_response(client_license(ctx.state.prev_trial, full))


def register(r):
    r.add("POST", "/license", add_license, local=True, file_api=True)
    r.add("DELETE", "/license", remove_license, local=True)
    r.add("GET", "/license/client", get_client_license, auth=ANON)
    r.add("GET", "/license/load_metric", load_metric)
    r.add("POST", "/trial-license", request_trial)
    r.add("GET", "/trial-license/prev", prev_trial)
