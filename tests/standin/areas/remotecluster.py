"""Remote clusters / secure connections (§3.11)."""

import base64
import binascii
import copy
import hashlib
import hmac
import json
import re
import secrets

from core import (REMOTE, SESSION, AppError, MultipartError, Response, _user, go_decode,
                  go_parse_bool, invalid_body_param, invalid_param, invalid_url_param,
                  is_valid_id, json_response, map_from_json, multipart_form, new_id, now_ms,
                  ok_response, paginate, parse_content_type, parse_multipart, random_string,
                  session_expired, JSONDecodeFailure, CHANNEL_ID, SYSADMIN_ID, TEAM_ID)

PERM = "manage_secure_connections"
OFFLINE_AFTER_MS = 5 * 60 * 1000
INVITE_EXPIRES_MS = 48 * 3600 * 1000
FIELDS = ["remote_id", "remote_team_id", "name", "display_name", "site_url", "default_team_id",
          "create_at", "delete_at", "last_ping_at", "last_global_user_sync_at", "token",
          "remote_token", "topics", "creator_id", "plugin_id", "options"]


def init_state(st):
    st.remote_clusters = {}
    st.remote_user_images = {}     # user id -> bytes of the last image set by a remote


def _new_rc(name, display_name, site_url, team_id, creator, create_at=None, **kw):
    channels = set(kw.pop("_channels", set()))
    rc = {"remote_id": new_id(), "remote_team_id": "", "name": name,
          "display_name": display_name or name, "site_url": site_url, "default_team_id": team_id,
          "create_at": create_at or now_ms(), "delete_at": 0, "last_ping_at": 0,
          "last_global_user_sync_at": 0, "token": new_id(), "remote_token": "", "topics": "",
          "creator_id": creator, "plugin_id": "", "options": 0}
    rc.update(kw)
    rc["_channels"] = channels
    return rc


def seed(st, n, vary=True):
    base = now_ms() - (n + 100) * 1000
    for i in range(1, n + 1):
        name = "remote-%04d" % i
        kw = {"last_ping_at": now_ms()}
        site = "https://%s.example.com" % name
        if vary:
            if i % 5 == 0:
                site = "pending_" + new_id()
                kw["last_ping_at"] = 0
            if i % 4 == 0:                      # offline: no ping for over 5 minutes
                kw["last_ping_at"] = now_ms() - OFFLINE_AFTER_MS - 60000 - i
            if i % 7 == 0:
                kw["plugin_id"] = "com.example.plugin-%d" % i
            if i % 3 == 0:
                kw["topics"] = " share incident "
        rc = _new_rc(name, "Remote %04d" % i, site, TEAM_ID, SYSADMIN_ID, base + i * 1000, **kw)
        rc["remote_token"] = new_id() if not site.startswith("pending_") else ""
        st.remote_clusters[rc["remote_id"]] = rc


def apply_toggle(st, key, value):
    if key == "seed_remote_clusters":
        if isinstance(value, dict):
            seed(st, int(value.get("count", 0)), bool(value.get("vary", True)))
        else:
            seed(st, int(value))
        return True
    if key == "clear_remote_clusters":
        st.remote_clusters = {}
        return True
    if key == "remote_users":
        # {"<user_id>": "<remote_id>"}: users synchronised from that remote
        for uid, rid in (value or {}).items():
            u = _user(uid, "remote-" + uid[:8], uid[:8] + "@remote.example.com", "Remote", "User",
                      "system_user")
            u["remote_id"] = rid
            st.users[uid] = u
        return True
    if key == "remote_upload_session":
        # an upload session owned by a remote: {"id", "remote_id", "file_size",
        # "filename"?, "channel_id"?, "type"?, "user_id"?}
        v = dict(value or {})
        us = {"id": v.get("id") or new_id(), "type": v.get("type", "attachment"),
              "create_at": now_ms(), "user_id": v.get("user_id", SYSADMIN_ID),
              "channel_id": v.get("channel_id", CHANNEL_ID), "filename": v.get("filename", "remote.bin"),
              "file_size": int(v.get("file_size", 1)), "file_offset": 0,
              "remote_id": v.get("remote_id", ""), "req_file_id": ""}
        st.uploads[us["id"]] = {"session": us, "data": bytearray(), "busy": False}
        return True
    if key == "remote_cluster_channels":
        # {"<remote_id>": ["<channel_id>", ...]} memberships for in_channel filters
        for rid, chans in (value or {}).items():
            if rid in st.remote_clusters:
                st.remote_clusters[rid]["_channels"] = set(chans)
        return True
    return False


def state_view(st):
    return {"remote_clusters": len(st.remote_clusters),
            "remote_cluster_tokens": {rid: rc["token"] for rid, rc in st.remote_clusters.items()},
            "remote_user_images": {uid: len(b) for uid, b in st.remote_user_images.items()}}


def rc_json(rc, sanitize=True):
    d = {k: rc[k] for k in FIELDS}
    if sanitize:
        d["token"] = ""
        d["remote_token"] = ""
    return d


def service_available(st):
    """The server starts its remote-cluster service only when the feature
    is on and the license has RemoteClusterService or SharedChannels
    (app/server.go startInterClusterServices)."""
    if not (st.remote_cluster_enabled and st.license):
        return False
    if st.license_data is None:
        return True     # the default license, made on first use, has both
    feats = st.license_data.get("features") or {}
    return bool(feats.get("remote_cluster_service") or feats.get("shared_channels"))


def _service(ctx):
    if not service_available(ctx.state):
        raise AppError(501, "api.remote_cluster.service_not_enabled.app_error")


def _get(st, rid, include_deleted):
    rc = st.remote_clusters.get(rid)
    if rc is None or (rc["delete_at"] and not include_deleted):
        raise AppError(404, "api.remote_cluster.get.not_found", "remote_id=" + rid)
    return rc


def _require_remote_id(ctx):
    if not ctx.params.get("remote_id"):
        raise invalid_param("remote_id")


# --- invite "encryption" (stand-in scheme, base64 of salt|ciphertext|mac) -----------------

def _keys(password, salt):
    k = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 2000, 64)
    return k[:32], k[32:]


def _stream(key, n):
    out = bytearray()
    ctr = 0
    while len(out) < n:
        out += hashlib.sha256(key + ctr.to_bytes(8, "big")).digest()
        ctr += 1
    return bytes(out[:n])


def encrypt_invite(invite, password):
    pt = json.dumps(invite, separators=(",", ":")).encode()
    salt = secrets.token_bytes(16)
    ek, mk = _keys(password, salt)
    ct = bytes(a ^ b for a, b in zip(pt, _stream(ek, len(pt))))
    mac = hmac.new(mk, salt + ct, hashlib.sha256).digest()
    return base64.b64encode(salt + ct + mac).decode()


def decrypt_invite(code, password):
    try:
        raw = base64.b64decode(code, validate=True)
    except (binascii.Error, ValueError) as e:
        raise AppError(400, "api.remote_cluster.base64_decode_error", str(e))
    if len(raw) < 16 + 32 + 1:
        raise AppError(400, "api.remote_cluster.invite_decrypt_error", "invite too short")
    salt, ct, mac = raw[:16], raw[16:-32], raw[-32:]
    ek, mk = _keys(password, salt)
    if not hmac.compare_digest(mac, hmac.new(mk, salt + ct, hashlib.sha256).digest()):
        raise AppError(400, "api.remote_cluster.invite_decrypt_error", "cipher: message authentication failed")
    pt = bytes(a ^ b for a, b in zip(ct, _stream(ek, len(ct))))
    try:
        return json.loads(pt)
    except ValueError as e:
        raise AppError(400, "api.remote_cluster.invite_decrypt_error", str(e))


# --- user facing routes ---------------------------------------------------------------

def list_rcs(ctx):
    st = ctx.state
    ctx.require_perm(PERM)
    _service(ctx)
    page, per = ctx.page()

    def b(name):
        return bool(go_parse_bool(ctx.q(name)))

    exclude_offline, only_confirmed = b("exclude_offline"), b("only_confirmed")
    only_plugins, exclude_plugins, include_deleted = b("only_plugins"), b("exclude_plugins"), b("include_deleted")
    in_channel, not_in_channel = ctx.q("in_channel"), ctx.q("not_in_channel")
    topic, creator, plugin = ctx.q("topic"), ctx.q("creator_id"), ctx.q("plugin_id")
    now = now_ms()
    out = []
    for rc in st.remote_clusters.values():
        if rc["delete_at"] and not include_deleted:
            continue
        if exclude_offline and rc["last_ping_at"] <= now - OFFLINE_AFTER_MS:
            continue
        if only_confirmed and rc["site_url"].startswith("pending_"):
            continue
        if only_plugins and not rc["plugin_id"]:
            continue
        if exclude_plugins and rc["plugin_id"]:
            continue
        if in_channel and in_channel not in rc["_channels"]:
            continue
        if not_in_channel and not_in_channel in rc["_channels"]:
            continue
        if topic and (" %s " % topic.strip()) not in rc["topics"] and rc["topics"].strip() != "*":
            continue
        if creator and rc["creator_id"] != creator:
            continue
        if plugin and rc["plugin_id"] != plugin:
            continue
        out.append(rc)
    out.sort(key=lambda r: (r["display_name"], r["remote_id"]))
    return json_response([rc_json(r) for r in paginate(out, page, per)])


def create_rc(ctx):
    st = ctx.state
    ctx.require_perm(PERM)
    _service(ctx)
    body = ctx.json_body("remoteCluster")
    if not isinstance(body, dict):
        raise invalid_body_param("remoteCluster", "json: cannot unmarshal into model.RemoteClusterWithPassword")
    for k in ("name", "display_name", "default_team_id", "password"):
        if body.get(k) is not None and not isinstance(body.get(k), str):
            raise invalid_body_param("remoteCluster", "json: cannot unmarshal %s" % k)
    site = st.site_url()
    if not site:
        raise AppError(422, "api.get_site_url_error")
    team = body.get("default_team_id") or ""
    if not team:
        raise invalid_param("remote_cluster.default_team_id")
    name = body.get("name") or ""
    if not re.fullmatch(r"[A-Za-z0-9._-]{1,64}", name):
        raise AppError(400, "model.cluster.is_valid.name.app_error")
    rc = _new_rc(name, body.get("display_name") or name, "pending_" + new_id(), team, ctx.user_id)
    st.remote_clusters[rc["remote_id"]] = rc
    password = body.get("password") or ""
    generated = password == ""
    if generated:
        password = random_string(16)
    invite = encrypt_invite({"remote_id": rc["remote_id"], "remote_team_id": "", "site_url": site,
                             "token": rc["token"], "version": 2}, password)
    resp = {"remote_cluster": rc_json(rc), "invite": invite}
    if generated:
        resp["password"] = password
    return json_response(resp, 201)


def get_rc(ctx):
    ctx.require_perm(PERM)
    _require_remote_id(ctx)
    _service(ctx)
    return json_response(rc_json(_get(ctx.state, ctx.params["remote_id"], True)), newline=True)


def patch_rc(ctx):
    st = ctx.state
    ctx.require_perm(PERM)
    _require_remote_id(ctx)
    _service(ctx)
    body = ctx.json_body("remotecluster")
    if not isinstance(body, dict):
        raise invalid_body_param("remotecluster", "json: cannot unmarshal into model.RemoteClusterPatch")
    for k in ("display_name", "default_team_id"):
        if body.get(k) is not None and not isinstance(body[k], str):
            raise invalid_body_param("remotecluster", "json: cannot unmarshal %s" % k)
    rc = _get(st, ctx.params["remote_id"], False)
    if body.get("display_name") is not None:
        rc["display_name"] = body["display_name"]
    if body.get("default_team_id") is not None:
        rc["default_team_id"] = body["default_team_id"]
    # quirk: the fork does not sanitize the patch response
    return json_response(rc_json(rc, sanitize=False), newline=True)


def delete_rc(ctx):
    st = ctx.state
    _require_remote_id(ctx)
    ctx.require_perm(PERM)
    _service(ctx)
    rc = _get(st, ctx.params["remote_id"], False)
    rc["delete_at"] = now_ms()
    return ok_response()


def generate_invite(ctx):
    st = ctx.state
    _require_remote_id(ctx)
    ctx.require_perm(PERM)
    _service(ctx)
    password = map_from_json(ctx.body).get("password", "")
    if not password:
        raise invalid_param("password")
    site = st.site_url()
    if not site:
        raise AppError(422, "api.get_site_url_error")
    rc = _get(st, ctx.params["remote_id"], False)
    if not rc["site_url"].startswith("pending_"):
        raise AppError(400, "api.remote_cluster.generate_invite_cluster_is_confirmed")
    code = encrypt_invite({"remote_id": rc["remote_id"], "remote_team_id": "", "site_url": site,
                           "token": rc["token"], "version": 2}, password)
    return json_response(code, 201, newline=True)


def accept_invite(ctx):
    st = ctx.state
    ctx.require_perm(PERM)
    _service(ctx)
    body = ctx.json_body("remoteCluster")
    if not isinstance(body, dict):
        raise invalid_body_param("remoteCluster", "json: cannot unmarshal into model.RemoteClusterAcceptInvite")
    for k in ("invite", "name", "display_name", "default_team_id", "password"):
        if body.get(k) is not None and not isinstance(body.get(k), str):
            raise invalid_body_param("remoteCluster", "json: cannot unmarshal %s" % k)
    team = body.get("default_team_id") or ""
    if not team:
        raise invalid_param("remoteCluster.default_team_id")
    if team not in st.teams:
        raise invalid_param("remoteCluster.default_team_id", "team not found")
    name = body.get("name") or ""
    display = body.get("display_name") or name
    invite = decrypt_invite(body.get("invite") or "", body.get("password") or "")
    site = st.site_url()
    if not site:
        raise AppError(422, "api.get_site_url_error")
    remote_site = invite.get("site_url") or ""
    if "unreachable" in remote_site:
        raise AppError(500, "api.remote_cluster.accept_invitation_error",
                       "dial tcp: connection refused", message="Failed to accept the invitation.")
    rc = _new_rc(name, display, remote_site, team, ctx.user_id, remote_token=invite.get("token", ""),
                 last_ping_at=now_ms())
    st.remote_clusters[rc["remote_id"]] = rc
    # an invite created by this server confirms the local pending record too
    src = st.remote_clusters.get(invite.get("remote_id", ""))
    if src is not None and src["token"] == invite.get("token") and src["site_url"].startswith("pending_"):
        src["site_url"] = site
        src["remote_token"] = rc["token"]
    return json_response(rc_json(rc), 201)


# --- server to server -------------------------------------------------------------------

def authenticate_remote(ctx, token):
    st = ctx.state
    rid = ctx.header("X-RemoteCluster-Id", "")
    if not rid:
        return AppError(401, "api.context.remote_id_missing.app_error",
                        message="Remote cluster id is missing.")
    rc = st.remote_clusters.get(rid)
    if rc is None or rc["delete_at"]:
        return AppError(401, "api.context.remote_id_invalid.app_error", params={"RemoteId": rid})
    if rc["token"] != token:
        return session_expired("remote cluster token mismatch")
    ctx.remote_id = rid
    return None


def _frame(ctx):
    try:
        frame = go_decode(ctx.body)
    except JSONDecodeFailure as e:
        raise AppError(400, "api.unmarshal_error", str(e))
    if not isinstance(frame, dict) or not isinstance(frame.get("msg"), dict):
        raise AppError(400, "api.unmarshal_error", "frame is not an object")
    if not is_valid_id(frame.get("remote_id", "")):
        raise AppError(400, "api.remote_cluster.invalid_id.app_error", message="Invalid id.")
    msg = frame["msg"]
    if not is_valid_id(msg.get("id", "")):
        raise AppError(400, "api.remote_cluster.invalid_id.app_error", message="Invalid id.")
    if not msg.get("topic"):
        raise AppError(400, "api.remote_cluster.invalid_topic.app_error")
    if not msg.get("payload"):
        raise AppError(400, "api.remote_cluster.invalid_payload.app_error", message="Invalid payload.")
    if frame["remote_id"] != ctx.remote_id:
        raise AppError(400, "api.context.remote_id_invalid.app_error", params={"RemoteId": frame["remote_id"]})
    return frame


def remote_ping(ctx):
    _service(ctx)
    frame = _frame(ctx)
    payload = frame["msg"]["payload"]
    if not isinstance(payload, dict):
        raise invalid_param("msg.payload")
    rc = ctx.state.remote_clusters[frame["remote_id"]]
    rc["last_ping_at"] = now_ms()
    return json_response({"sent_at": payload.get("sent_at", 0), "recv_at": now_ms()}, newline=True)


def remote_msg(ctx):
    _service(ctx)
    _frame(ctx)
    return json_response({"status": "OK", "err": "", "payload": None})


def remote_confirm(ctx):
    _service(ctx)
    frame = _frame(ctx)
    rc = ctx.state.remote_clusters[frame["remote_id"]]
    if now_ms() - rc["create_at"] > INVITE_EXPIRES_MS:
        raise AppError(400, "api.context.invitation_expired.error")
    p = frame["msg"]["payload"]
    if not isinstance(p, dict):
        raise invalid_param("msg.payload")
    rc["site_url"] = p.get("site_url", rc["site_url"])
    rc["remote_team_id"] = p.get("remote_team_id", "")
    rc["remote_token"] = p.get("token", "")
    return ok_response()


def remote_upload(ctx):
    """POST /remotecluster/upload/{upload_id} (uploadRemoteData)."""
    st = ctx.state
    if not st.cfg("FileSettings.EnableFileAttachments", True):
        raise AppError(501, "api.file.attachments.disabled.app_error",
                       message="File attachments have been disabled on this server.")
    uid = ctx.params["upload_id"]
    if not is_valid_id(uid):
        raise invalid_url_param("upload_id")
    up = st.uploads.get(uid)
    if up is None:
        raise AppError(404, "app.upload.get.app_error", "id=" + uid, message="Failed to get upload.")
    us = up["session"]
    if us.get("remote_id", "") != ctx.remote_id:
        raise AppError(401, "api.context.remote_id_mismatch.app_error")
    if us["type"] == "import":
        raise AppError(400, "api.remote_cluster.import_not_allowed.app_error",
                       message="Import uploads are not allowed from a remote cluster.")
    data = ctx.body
    mt, _ = parse_content_type(ctx.header("Content-Type", ""))
    if mt.startswith("multipart/"):
        try:
            parts = parse_multipart(ctx.header("Content-Type", ""), ctx.body)
        except MultipartError as e:
            raise AppError(400, "api.upload.upload_data.multipart_error", str(e),
                           message="Failed to process multipart data.")
        if not parts:
            raise AppError(400, "api.upload.upload_data.multipart_error",
                           message="Failed to process multipart data.")
        data = parts[0].data
    remaining = us["file_size"] - us["file_offset"]
    if len(data) > remaining:
        raise AppError(400, "api.upload.upload_data.invalid_content_length",
                       message="Invalid Content-Length.")
    if us["file_offset"] == 0 and len(data) < st.first_chunk_min and len(data) < remaining:
        raise AppError(400, "app.upload.upload_data.first_part_too_small.app_error",
                       "size=%d" % len(data),
                       message="Failed to upload data. First part must be at least %d Bytes."
                       % st.first_chunk_min)
    up["data"] += data
    us["file_offset"] += len(data)
    if us["file_offset"] < us["file_size"]:
        return Response(204, b"", "application/json")
    from areas.files import make_file_info
    info = make_file_info(st, us["user_id"], us.get("channel_id", ""), us["filename"],
                          bytes(up["data"]), remote_id=us["remote_id"])
    del st.uploads[us["id"]]
    return json_response(info, newline=True)


def remote_image(ctx):
    """POST /remotecluster/{user_id}/image (remoteSetProfileImage)."""
    st = ctx.state
    uid = ctx.params["user_id"]
    if not is_valid_id(uid):
        raise invalid_url_param("user_id")
    if not st.cfg("FileSettings.DriverName", "local"):
        raise AppError(501, "api.user.upload_profile_user.storage.app_error",
                       message="Unable to upload file. Image storage is not configured.")
    if ctx.body_too_large:
        raise AppError(413, "api.user.upload_profile_user.too_large.app_error",
                       message="Unable to upload profile image. File is too large.")
    try:
        parts = parse_multipart(ctx.header("Content-Type", ""), ctx.body)
    except MultipartError as e:
        raise AppError(500, "api.user.upload_profile_user.parse.app_error", str(e),
                       message="Could not parse multipart form.")
    _, files = multipart_form(parts)
    if "image" not in files:
        raise AppError(400, "api.user.upload_profile_user.no_file.app_error",
                       message="No file under 'image' in request.")
    u = st.users.get(uid)
    if u is None or not u.get("remote_id"):
        raise invalid_url_param("user_id")
    if u["remote_id"] != ctx.remote_id:
        raise AppError(401, "api.context.remote_id_mismatch.app_error")
    st.remote_user_images[uid] = bytes(files["image"][0].data)
    return ok_response()


def register(r):
    r.add("POST", "/remotecluster/ping", remote_ping, auth=REMOTE)
    r.add("POST", "/remotecluster/msg", remote_msg, auth=REMOTE)
    r.add("POST", "/remotecluster/confirm_invite", remote_confirm, auth=REMOTE)
    r.add("POST", "/remotecluster/upload/{upload_id}", remote_upload, auth=REMOTE, file_api=True)
    r.add("POST", "/remotecluster/{user_id}/image", remote_image, auth=REMOTE, file_api=True)
    r.add("GET", "/remotecluster", list_rcs)
    r.add("POST", "/remotecluster", create_rc)
    r.add("POST", "/remotecluster/accept_invite", accept_invite)
    r.add("POST", "/remotecluster/{remote_id}/generate_invite", generate_invite)
    r.add("GET", "/remotecluster/{remote_id}", get_rc)
    r.add("PATCH", "/remotecluster/{remote_id}", patch_rc)
    r.add("DELETE", "/remotecluster/{remote_id}", delete_rc)
