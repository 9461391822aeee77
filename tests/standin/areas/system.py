"""System area (§3.1): ping, server_busy, integrity, database recycle, caches,
audits, analytics, email/site URL tests, notices, onboarding, upgrade, restart,
support packet, timezones, schema version, redirect location, image proxy,
push acks and the seed-only e2e AI bridge helper.

Toggles of this area (POST /__standin/state): seed_audits N, upgrade_allowed,
enterprise_build, email_test_fails, latest_version_fails, onboarding_complete,
server_busy (seconds), notices (list of Notice objects; an optional "clients"
list limits which client types see one), redirect_locations ({url: Location}
the server's HEAD probe would see; others give ""), proxy_images ({url: base64}
or {url: {"b64", "content_type"}} served by the image proxy for remote hosts;
other remote URLs get the proxy's plain-text 404), ai_bridge_routes (serve the
seed's /system/e2e/ai_bridge, absent in the fork; it still needs
ServiceSettings.EnableTesting, else 501). /manualtest lives outside /api/v4:
the stand-in answers it with the web app (as a server with EnableTesting off);
tests use a fault rule for the 307."""

import base64
import copy
import io
import json
import time
import zipfile
from datetime import datetime, timezone

import cfgutil
from core import (ANON, SESSION, AppError, Response, go_atoi, go_decode, invalid_body_param,
                  invalid_param, invalid_url_param, is_valid_id, json_response, map_from_json,
                  new_id, now_ms, ok_response, paginate, permission_error, JSONDecodeFailure,
                  SYSADMIN_ID, TEAM_ID)

NO_CACHE = ("Cache-Control", "no-cache, no-store, must-revalidate")
MAX_BUSY_SECONDS = 86400
DEFAULT_BUSY_SECONDS = 3600

TIMEZONES = ["Africa/Abidjan", "Africa/Cairo", "Africa/Johannesburg", "America/Anchorage",
             "America/Argentina/Buenos_Aires", "America/Chicago", "America/Denver",
             "America/Los_Angeles", "America/Mexico_City", "America/New_York",
             "America/Sao_Paulo", "America/Toronto", "Asia/Dubai", "Asia/Hong_Kong",
             "Asia/Kolkata", "Asia/Seoul", "Asia/Shanghai", "Asia/Singapore", "Asia/Tokyo",
             "Atlantic/Reykjavik", "Australia/Melbourne", "Australia/Sydney", "Europe/Amsterdam",
             "Europe/Berlin", "Europe/Istanbul", "Europe/London", "Europe/Madrid",
             "Europe/Moscow", "Europe/Paris", "Europe/Rome", "Europe/Stockholm",
             "Pacific/Auckland", "Pacific/Honolulu", "UTC"]


NOTICE_CLIENTS = ("web", "mobile-ios", "mobile-android", "desktop")


def _ai_bridge_default():
    # AIBridgeTestHelperState (seed 001 + upstream docs; unverified details)
    return {"status": {"available": False, "reason": ""}, "agents": [], "services": [],
            "agent_completions": {}, "feature_flags": {"enable_ai_plugin_bridge": False,
                                                       "enable_ai_recaps": False},
            "record_requests": False, "recorded_requests": []}


def init_state(st):
    st.audits = []
    st.onboarding_complete = False
    st.notices_viewed = {}          # user id -> [notice ids]
    st.notices_feed = []            # the product notices the server would offer
    st.redirect_locations = {}      # url -> Location the HEAD request would see
    st.proxy_images = {}            # remote url -> (bytes, content type)
    st.ai_bridge_routes = False     # the fork has no /system/e2e/ai_bridge
    st.ai_bridge = _ai_bridge_default()
    st.push_acks = []
    st.upgrade_done = False
    st.upgrade_allowed = True
    st.enterprise_build = False
    st.restarts = 0
    st.caches_invalidated = 0
    st.db_recycled = 0
    st.emails_sent = []
    st.email_test_fails = False
    st.latest_version_fails = False
    base = now_ms() - 3600 * 1000
    for i in range(3):
        st.audits.append({"id": new_id(), "create_at": base + i * 1000, "user_id": SYSADMIN_ID,
                          "action": "/api/v4/users/login", "extra_info": "success session_user=" + SYSADMIN_ID,
                          "ip_address": "127.0.0.1", "session_id": new_id()})
    st.audits.sort(key=lambda a: -a["create_at"])


def apply_toggle(st, key, value):
    if key == "seed_audits":
        n = int(value)
        base = now_ms() - (n + 10) * 1000
        st.audits = [{"id": new_id(), "create_at": base + i * 1000, "user_id": SYSADMIN_ID,
                      "action": "/api/v4/audit/%04d" % i, "extra_info": "seeded audit %d" % i,
                      "ip_address": "127.0.0.1", "session_id": new_id()} for i in range(n)]
        st.audits.sort(key=lambda a: -a["create_at"])
        return True
    if key in ("upgrade_allowed", "enterprise_build", "email_test_fails", "latest_version_fails",
               "onboarding_complete"):
        setattr(st, key, bool(value))
        return True
    if key == "server_busy":
        st.busy_expires = time.time() + float(value) if value else 0.0
        return True
    if key == "notices":
        # list of Notice objects; optional "clients" (list) limits who sees one
        if not isinstance(value, list) or not all(isinstance(n, dict) and n.get("id") for n in value):
            raise ValueError("notices must be a list of objects with an id")
        st.notices_feed = copy.deepcopy(value)
        return True
    if key == "redirect_locations":
        if not isinstance(value, dict):
            raise ValueError("redirect_locations must be an object {url: location}")
        st.redirect_locations = dict(value)
        return True
    if key == "proxy_images":
        # {url: base64} or {url: {"b64": ..., "content_type": ...}}
        if not isinstance(value, dict):
            raise ValueError("proxy_images must be an object {url: base64}")
        imgs = {}
        for url, v in value.items():
            if isinstance(v, dict):
                imgs[url] = (base64.b64decode(v.get("b64", "")), v.get("content_type", "image/png"))
            else:
                imgs[url] = (base64.b64decode(v), "image/png")
        st.proxy_images = imgs
        return True
    if key == "ai_bridge_routes":
        st.ai_bridge_routes = bool(value)
        return True
    return False


def state_view(st):
    return {"restarts": st.restarts, "caches_invalidated": st.caches_invalidated,
            "db_recycled": st.db_recycled, "emails_sent": len(st.emails_sent),
            "audits": len(st.audits), "upgrade_done": st.upgrade_done,
            "notices_viewed": copy.deepcopy(st.notices_viewed),
            "onboarding_complete": st.onboarding_complete, "push_acks": copy.deepcopy(st.push_acks),
            "ai_bridge": copy.deepcopy(st.ai_bridge), "busy": st.is_busy()}


# --- ping -------------------------------------------------------------------------------

def ping(ctx):
    st = ctx.state
    g = st.cfg
    s = {"status": "OK",
         "AndroidLatestVersion": g("ClientRequirements.AndroidLatestVersion", ""),
         "AndroidMinVersion": g("ClientRequirements.AndroidMinVersion", ""),
         "IosLatestVersion": g("ClientRequirements.IosLatestVersion", ""),
         "IosMinVersion": g("ClientRequirements.IosMinVersion", "")}
    flag = g("FeatureFlags.TestFeature", "off")
    if flag != "off":
        s["TestFeatureFlag"] = flag
    thr = g("ServiceSettings.GoroutineHealthThreshold", -1) or 0
    if st.ping_unhealthy or (thr > 0 and st.goroutines >= thr):
        s["status"] = "UNHEALTHY"
    headers = []
    if ctx.q("get_server_status") == "true":
        s["database_status"] = "UNHEALTHY" if st.db_unhealthy else "OK"
        s["filestore_status"] = "UNHEALTHY" if st.filestore_unhealthy else "OK"
        if st.db_unhealthy or st.filestore_unhealthy:
            s["status"] = "UNHEALTHY"
        headers = [("status", s["status"]), ("database_status", s["database_status"]),
                   ("filestore_status", s["filestore_status"])]
        if ctx.has_perm("manage_system"):
            s["root_status"] = bool(st.root_status)
    dev = ctx.q("device_id")
    if dev:
        if not g("EmailSettings.SendPushNotifications", False):
            s["CanReceiveNotifications"] = "false"
        else:
            s["CanReceiveNotifications"] = "true" if dev.startswith("ok") else "unknown"
    s["ActiveSearchBackend"] = "elasticsearch" if g("ElasticsearchSettings.EnableSearching") else "database"
    status = 200
    if s["status"] != "OK" and ctx.q("use_rest_semantics") != "true":
        status = 500
    return json_response(dict(sorted(s.items())), status, headers)


# --- misc system ------------------------------------------------------------------------

def timezones(ctx):
    return json_response(TIMEZONES)


def recycle_db(ctx):
    ctx.require_perm("recycle_database_connections", nra=True)
    ctx.state.db_recycled += 1
    return ok_response()


def invalidate_caches(ctx):
    ctx.require_perm("invalidate_caches", nra=True)
    ctx.state.caches_invalidated += 1
    resp = ok_response()
    resp.header(*NO_CACHE)
    return resp


def _busy_state(st):
    busy = st.is_busy()
    if busy:
        exp = int(st.busy_expires)
        ts = datetime.fromtimestamp(exp, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    else:
        exp = -62135596800      # time.Time{}.Unix()
        ts = "0001-01-01T00:00:00Z"
    return {"busy": busy, "expires": exp, "expires_ts": ts}


def set_busy(ctx):
    ctx.require_perm("manage_system")
    secs = ctx.q("seconds") or str(DEFAULT_BUSY_SECONDS)
    v = go_atoi(secs)
    if v is None or v <= 0 or v > MAX_BUSY_SECONDS:
        raise invalid_url_param("seconds")
    ctx.state.busy_expires = time.time() + v
    return ok_response()


def get_busy(ctx):
    ctx.require_perm("manage_system")
    return json_response(_busy_state(ctx.state))


def clear_busy(ctx):
    ctx.require_perm("manage_system")
    ctx.state.busy_expires = 0.0
    return ok_response()


INTEGRITY_RELATIONS = [
    ("Channels", "ChannelMembers", "ChannelId", "ChannelId"),
    ("Channels", "Posts", "ChannelId", "ChannelId"),
    ("Posts", "Reactions", "PostId", "PostId"),
    ("Teams", "Channels", "TeamId", "TeamId"),
    ("Teams", "TeamMembers", "TeamId", "TeamId"),
    ("Users", "Sessions", "UserId", "UserId"),
    ("Users", "Posts", "UserId", "UserId"),
    ("Users", "ChannelMembers", "UserId", "UserId"),
]


def integrity(ctx):
    ctx.require_perm("manage_system")
    out = []
    for i, (p, c, pa, ca) in enumerate(INTEGRITY_RELATIONS):
        recs = []
        err = None
        if ctx.state.integrity_fail and i == 1:
            recs = [{"parent_id": new_id(), "child_id": new_id()}, {"parent_id": None, "child_id": new_id()}]
        if ctx.state.integrity_fail and i == 2:
            err = {}
        out.append({"data": {"parent_name": p, "child_name": c, "parent_id_attr": pa,
                             "child_id_attr": ca, "records": recs}, "err": err})
    return json_response(out)


def audits(ctx):
    ctx.require_perm("read_audits")
    page, per = ctx.page()
    return json_response(paginate(ctx.state.audits, page, per))


def schema_version(ctx):
    ctx.require_perm("sysconsole_read_*")
    return json_response([{"version": 143, "name": "create_scheduled_posts"},
                          {"version": 142, "name": "add_channel_banner_fields"},
                          {"version": 141, "name": "add_remoteid_channelid_to_post_acknowledgements"}])


ANALYTICS = {
    "standard": [("channel_open_count", 4), ("channel_private_count", 1), ("post_count", 127),
                 ("unique_user_count", 3), ("team_count", 2), ("total_websocket_connections", 1),
                 ("total_master_db_connections", 12), ("total_read_db_connections", 0),
                 ("daily_active_users", 2), ("monthly_active_users", 3),
                 ("inactive_user_count", 0), ("total_file_count", 0), ("total_file_size", 0)],
    "extra_counts": [("file_post_count", 3), ("hashtag_post_count", 1),
                     ("incoming_webhook_count", 0), ("outgoing_webhook_count", 0),
                     ("command_count", 0), ("session_count", 5)],
}


def analytics_old(ctx):
    ctx.require_perm("get_analytics")
    name = ctx.q("name") or "standard"
    if name in ANALYTICS:
        rows = [{"name": n, "value": v} for n, v in ANALYTICS[name]]
    elif name in ("post_counts_day", "bot_post_counts_day", "user_counts_with_posts_day"):
        today = datetime.now(timezone.utc).date()
        rows = []
        for i in range(7):
            d = today.toordinal() - i
            rows.append({"name": datetime.fromordinal(d).strftime("%Y-%m-%d"), "value": (i * 7) % 11})
    else:
        raise invalid_param("name")
    return json_response(rows)


def latest_version(ctx):
    ctx.require_perm("manage_system", nra=True)
    if ctx.state.latest_version_fails:
        raise AppError(500, "app.system.get_latest_version.app_error", "github unreachable",
                       message="Unable to get the latest release version.")
    return json_response({"id": 180412345, "tag_name": "v11.2.0", "name": "Mattermost v11.2.0",
                          "created_at": "2025-12-10T12:00:00Z",
                          "published_at": "2025-12-16T12:00:00Z",
                          "body": "Mattermost Platform Release 11.2.0",
                          "html_url": "https://github.com/mattermost/mattermost/releases/tag/v11.2.0"})


def redirect_location(ctx):
    # Fork order: link previews off -> "" before the url check. The server
    # sends HEAD url and reports the Location it got ("" when the fetch fails,
    # the answer is no redirect, or the Location exceeds 2100 chars).
    if not ctx.state.cfg("ServiceSettings.EnableLinkPreviews", True):
        return json_response({"location": ""})
    url = ctx.q("url")
    if not url:
        raise invalid_param("url")
    loc = ctx.state.redirect_locations.get(url, "")
    if len(loc) > 2100:
        loc = ""
    return json_response({"location": loc})


def _host(url):
    rest = url.split("://", 1)[1] if "://" in url else ""
    return rest.split("/", 1)[0].split("?", 1)[0].lower()


def image_proxy(ctx):
    url = ctx.q("url")
    if not ctx.state.cfg("ImageProxySettings.Enable", False):
        raise AppError(400, "api.image.get.app_error", message="Requested image url cannot be parsed.")
    if not url:
        raise invalid_param("url")
    host = _host(url)
    if not host or host == _host(ctx.state.site_url()):
        # relative or own host: not proxied, redirect there
        return Response(302, b"", None, [("Location", url)])
    img = ctx.state.proxy_images.get(url)
    if img is None:
        # the local proxy's failure to fetch is plain text, not an AppError
        return Response(404, b"error fetching remote image: 404 Not Found\n", "text/plain; charset=utf-8")
    resp = Response(200, img[0], img[1])
    resp.is_file = True
    resp.header("Cache-Control", "max-age=2592000, private")
    return resp


def notices(ctx):
    # RequireTeamId, then the client type; clientVersion and locale are free text
    if not is_valid_id(ctx.params["team_id"]):
        raise invalid_url_param("team_id")
    client = ctx.q("client")
    if client not in NOTICE_CLIENTS:
        raise invalid_param("client")
    st = ctx.state
    seen = set(st.notices_viewed.get(ctx.user_id, []))
    out = []
    for n in st.notices_feed:
        if n["id"] in seen:
            continue
        if n.get("sysAdminOnly") and not ctx.is_admin():
            continue
        if n.get("clients") and client not in n["clients"]:
            continue
        out.append({k: v for k, v in n.items() if k != "clients"})
    return json_response(out)


def notices_view(ctx):
    try:
        v = go_decode(ctx.body)
    except JSONDecodeFailure as e:
        raise AppError(400, "api.payload.parse.error", str(e), message="Error parsing the payload.")
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise AppError(400, "api.payload.parse.error", message="Error parsing the payload.")
    seen = ctx.state.notices_viewed.setdefault(ctx.user_id, [])
    seen.extend(x for x in sorted(v) if x not in seen)
    return ok_response()


def get_onboarding(ctx):
    ctx.require_perm("manage_system")
    return json_response({"name": "FirstAdminSetupComplete",
                          "value": "true" if ctx.state.onboarding_complete else "false"})


def complete_onboarding(ctx):
    if not ctx.has_perm("manage_system"):
        raise AppError(403, "app.system.complete_onboarding_request.no_first_user",
                       message="Onboarding can only be completed by a system admin.")
    try:
        v = go_decode(ctx.body)
    except JSONDecodeFailure as e:
        raise AppError(400, "app.system.complete_onboarding_request.app_error", str(e),
                       message="Unable to parse the onboarding request.")
    if not isinstance(v, dict):
        raise AppError(400, "app.system.complete_onboarding_request.app_error",
                       message="Unable to parse the onboarding request.")
    ctx.state.onboarding_complete = True
    return ok_response()


def _has_nil_fields(section, template):
    if not isinstance(section, dict):
        return True
    for k in template:
        if section.get(k) is None:
            return True
    return False


def email_test(ctx):
    st = ctx.state
    cfg = None
    try:
        v = go_decode(ctx.body)
        if isinstance(v, dict):
            cfg = v
    except JSONDecodeFailure:
        cfg = None
    if cfg is None:
        cfg = copy.deepcopy(st.config)
    es = cfg.get("EmailSettings")
    if _has_nil_fields(es, st.model_defaults["EmailSettings"]):
        raise AppError(400, "api.file.test_connection_email_settings_nil.app_error")
    ctx.require_perm("test_email", nra=True)
    if es.get("SMTPPassword") == "*" * 32:
        es["SMTPPassword"] = st.cfg("EmailSettings.SMTPPassword")
    server = es.get("SMTPServer") or ""
    if not server:
        raise AppError(500, "api.admin.test_email.missing_server",
                       message="SMTP Server is required")
    if st.email_test_fails or server.endswith(".invalid"):
        raise AppError(500, "api.admin.test_email.app_error", "dial tcp: lookup %s: no such host" % server,
                       message="There was a problem testing the email connection.")
    st.emails_sent.append({"to": (ctx.user() or {}).get("email", ""), "server": server})
    return ok_response()


def notifications_test(ctx):
    ctx.state.emails_sent.append({"to": (ctx.user() or {}).get("email", ""), "kind": "notification"})
    return ok_response()


def site_url_test(ctx):
    ctx.require_perm("test_site_url", nra=True)
    props = map_from_json(ctx.body)
    url = props.get("site_url", "")
    if not url:
        raise invalid_body_param("site_url")
    if not (url.startswith("http://") or url.startswith("https://")) or "unreachable" in url:
        raise AppError(400, "app.admin.test_site_url.failure",
                       message="This is not a valid live URL")
    return ok_response()


def upgrade(ctx):
    # fork order: permission, already enterprise (429), upgrade running or
    # done (429), then whether the binary can be replaced (403)
    ctx.require_perm("manage_system")
    st = ctx.state
    if st.enterprise_build:
        raise AppError(429, "api.upgrade_to_enterprise.already-enterprise.app_error",
                       message="You cannot upgrade because you are already running Mattermost Enterprise Edition.")
    if st.upgrade_done:
        raise AppError(429, "api.upgrade_to_enterprise.app_error",
                       message="An upgrade to Mattermost Enterprise Edition is already running.")
    if not st.upgrade_allowed:
        raise AppError(403, "api.upgrade_to_enterprise.invalid-user-and-permission.app_error",
                       message="Mattermost does not have permission to write to the binary.")
    st.upgrade_done = True
    return ok_response(202)


def upgrade_status(ctx):
    ctx.require_perm("manage_system")
    st = ctx.state
    return json_response({"percentage": 100 if st.upgrade_done else 0, "error": None})


def upgrade_allowed(ctx):
    ctx.require_perm("manage_system")
    if not ctx.state.upgrade_allowed:
        raise AppError(403, "api.upgrade_to_enterprise.invalid-user-and-permission.app_error",
                       message="Mattermost does not have permission to write to the binary.")
    return ok_response()


def restart(ctx):
    ctx.require_perm("manage_system")
    ctx.state.restarts += 1
    return ok_response()


def notifications_ack(ctx):
    # fork order: decode the PushNotificationAck (400), then push enabled (501)
    try:
        v = go_decode(ctx.body)
    except JSONDecodeFailure as e:
        v = e
    if not isinstance(v, dict):
        raise AppError(400, "api.push_notifications_ack.message.parse.app_error", str(v),
                       message="Unable to parse the push notification acknowledgement.")
    if not ctx.state.cfg("EmailSettings.SendPushNotifications", False):
        raise AppError(501, "api.push_notification.disabled.app_error",
                       message="Push Notifications are disabled on this server.")
    ack = {k: v.get(k) for k in ("id", "received_at", "platform", "type", "post_id", "is_id_loaded")}
    ctx.state.push_acks.append(ack)
    if v.get("is_id_loaded") and v.get("post_id") and v.get("type") == "message":
        # an id-only notification: the server answers with the message itself
        return json_response({"ack_id": v.get("id", ""), "platform": v.get("platform", ""),
                              "server_id": cfgutil.DIAGNOSTIC_ID, "post_id": v["post_id"],
                              "category": "CAN_REPLY", "type": "message", "version": "v2",
                              "message": "sysadmin: (message)", "channel_id": "", "is_id_loaded": True})
    return ok_response()


# --- e2e AI bridge test helper (seed only: a newer server than the fork) ----------------

def _ai_bridge_enabled(ctx):
    # EnableTesting (501) before manage_system (403), as upstream
    if not ctx.state.cfg("ServiceSettings.EnableTesting", False):
        raise AppError(501, "api.ai_bridge_test_helper.disabled.app_error",
                       message="The AI bridge test helper is only available with EnableTesting.")
    ctx.require_perm("manage_system")


def ai_bridge_get(ctx):
    _ai_bridge_enabled(ctx)
    return json_response(ctx.state.ai_bridge)


def ai_bridge_put(ctx):
    _ai_bridge_enabled(ctx)
    v = ctx.json_body("body")
    if not isinstance(v, dict):
        raise invalid_body_param("body")
    st = ctx.state
    for key in ("status", "agents", "services", "agent_completions", "feature_flags",
                "record_requests"):
        if key in v:
            st.ai_bridge[key] = copy.deepcopy(v[key])
    return json_response(st.ai_bridge)


def ai_bridge_delete(ctx):
    _ai_bridge_enabled(ctx)
    ctx.state.ai_bridge = _ai_bridge_default()
    return ok_response()


def support_packet(ctx):
    st = ctx.state
    ctx.require_perm("manage_system", nra=True)
    lic_mod = __import__("areas.license", fromlist=["license_obj"])
    lic = lic_mod.license_obj(st)
    if lic is None:
        raise AppError(403, "api.no_license", message="E10 or E20 license required to use this endpoint.")
    company = (lic.get("customer") or {}).get("company", "") or "company"
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H-%M")
    fname = "mm_support_packet_%s_%s.zip" % (company.replace(" ", "_"), stamp)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("metadata.yaml", "version: 1\ntype: support-packet\ngenerated_at: %d\n"
                   "server_version: %s\nserver_id: %s\n" % (now_ms(), st.server_version, cfgutil.DIAGNOSTIC_ID))
        z.writestr("stats.yaml", "registered_users: %d\nactive_users: %d\n" % (len(st.users), len(st.users)))
        z.writestr("sanitized_config.json", json.dumps(cfgutil.sanitize(st.config, cfgutil.plugin_manifests(st)), indent=2))
        z.writestr("diagnostics.yaml", "version: %s\nlicense_to: %s\n" % (st.server_version, company))
        if ctx.q("basic_server_logs") != "false":
            logs = getattr(st, "logs", [])
            z.writestr("mattermost.log", "".join(logs))
        for pid in ctx.qs("plugin_packets"):
            z.writestr("%s/diagnostics.yaml" % pid, "plugin_id: %s\n" % pid)
    resp = Response(200, buf.getvalue(), "application/zip")
    resp.header("Content-Disposition", 'attachment; filename="%s"' % fname)
    resp.header(*NO_CACHE)
    return resp


def register(r):
    r.add("GET", "/system/ping", ping, auth=ANON, local=True)
    r.add("GET", "/system/timezones", timezones)
    r.add("PUT", "/system/notices/view", notices_view)
    r.add("GET", "/system/notices/{team_id}", notices)
    r.add("GET", "/system/onboarding/complete", get_onboarding)
    r.add("POST", "/system/onboarding/complete", complete_onboarding)
    r.add("GET", "/system/schema/version", schema_version, local=True)
    r.add("GET", "/system/support_packet", support_packet, local=True)
    r.add("POST", "/database/recycle", recycle_db)
    r.add("POST", "/caches/invalidate", invalidate_caches)
    r.add("GET", "/server_busy", get_busy, local=True)
    r.add("POST", "/server_busy", set_busy, local=True)
    r.add("DELETE", "/server_busy", clear_busy, local=True)
    r.add("POST", "/integrity", integrity, local_only=True)
    r.add("GET", "/audits", audits)
    r.add("GET", "/analytics/old", analytics_old)
    r.add("GET", "/latest_version", latest_version)
    r.add("GET", "/redirect_location", redirect_location)
    r.add("GET", "/image", image_proxy)
    r.add("POST", "/email/test", email_test)
    r.add("POST", "/notifications/test", notifications_test)
    r.add("POST", "/notifications/ack", notifications_ack)
    r.add("POST", "/site_url/test", site_url_test)
    r.add("POST", "/upgrade_to_enterprise", upgrade)
    r.add("GET", "/upgrade_to_enterprise/status", upgrade_status)
    r.add("GET", "/upgrade_to_enterprise/allowed", upgrade_allowed)
    r.add("POST", "/restart", restart)
    on = lambda st: st.ai_bridge_routes  # noqa: E731
    r.add("GET", "/system/e2e/ai_bridge", ai_bridge_get, enabled=on)
    r.add("PUT", "/system/e2e/ai_bridge", ai_bridge_put, enabled=on)
    r.add("DELETE", "/system/e2e/ai_bridge", ai_bridge_delete, enabled=on)
