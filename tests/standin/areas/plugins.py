"""Plugins (§3.10). PluginSettings.Enable=false -> 501 before permissions."""

import copy
import io
import json
import re
import tarfile
import urllib.request

from core import (AppError, MultipartError, Response, go_atoi, go_decode, go_parse_bool,
                  invalid_param, json_response, multipart_form, ok_response, parse_multipart,
                  text_response, JSONDecodeFailure)

READ = "sysconsole_read_plugins"
WRITE = "sysconsole_write_plugins"
ID_RE = re.compile(r"^[a-zA-Z0-9_.-]{3,190}$")


def _manifest(pid, name, version, settings, desc=""):
    return {"id": pid, "name": name, "description": desc, "version": version,
            "min_server_version": "9.0.0",
            "server": {"executables": {"linux-amd64": "server/dist/plugin-linux-amd64",
                                       "linux-arm64": "server/dist/plugin-linux-arm64"}},
            "webapp": {"bundle_path": "webapp/dist/main.js"},
            "settings_schema": {"header": "", "footer": "", "settings": settings}}


def _setting(key, display, secret=False, typ="text"):
    return {"key": key, "display_name": display, "type": typ, "help_text": "",
            "placeholder": "", "default": None, "secret": secret}


INSTALLED = [
    _manifest("jira", "Jira", "4.2.0",
              [_setting("jiraurl", "Jira URL"), _setting("secret", "Webhook Secret", True, "generated")],
              "Atlassian Jira plugin for Mattermost."),
    _manifest("com.github.manland.mattermost-plugin-gitlab", "GitLab", "1.9.1",
              [_setting("gitlaburl", "GitLab URL"),
               _setting("gitlaboauthclientsecret", "GitLab OAuth Client Secret", True)],
              "GitLab plugin for Mattermost."),
]

MARKETPLACE = [
    ("jira", "Jira", "4.2.0", "Atlassian Jira plugin for Mattermost."),
    ("com.github.manland.mattermost-plugin-gitlab", "GitLab", "1.9.1", "GitLab plugin for Mattermost."),
    ("github", "GitHub", "2.3.0", "GitHub plugin for Mattermost."),
    ("zoom", "Zoom", "1.8.0", "Zoom audio and video conferencing plugin."),
    ("com.mattermost.plugin-todo", "Todo", "0.7.1", "A plugin to track Todo issues."),
    ("com.mattermost.welcomebot", "Welcome Bot", "1.3.0", "Welcome new users with a bot."),
    ("com.mattermost.servicenow", "ServiceNow", "2.3.4", "ServiceNow plugin for Mattermost."),
]


def init_state(st):
    st.plugins = {m["id"]: {"manifest": copy.deepcopy(m)} for m in INSTALLED}
    st.plugin_downloads = {}
    st.reattached = []
    st.marketplace_extra = []


def apply_toggle(st, key, value):
    if key == "plugin_downloads":
        import base64
        st.plugin_downloads = {u: base64.b64decode(b) for u, b in (value or {}).items()}
        return True
    if key == "seed_marketplace":
        # N more marketplace entries (for paging tests): com.example.market-0001...
        st.marketplace_extra = [("com.example.market-%04d" % i, "Market %04d" % i, "1.0.%d" % i,
                                 "Seeded marketplace plugin %d." % i) for i in range(1, int(value) + 1)]
        return True
    return False


def state_view(st):
    return {"plugins": {pid: {"active": _is_active(st, pid),
                              "version": p["manifest"].get("version", "")}
                        for pid, p in st.plugins.items()},
            "reattached": list(st.reattached)}


def _enabled(ctx):
    if not ctx.state.cfg("PluginSettings.Enable", True):
        raise AppError(501, "app.plugin.disabled.app_error", message="Plugins have been disabled.")


def _uploads_allowed(st):
    g = st.cfg
    return (bool(g("PluginSettings.Enable", True)) and bool(g("PluginSettings.EnableUploads", False))
            and not g("PluginSettings.RequirePluginSignature", False))


def _is_active(st, pid):
    states = st.cfg("PluginSettings.PluginStates", {}) or {}
    s = states.get(pid)
    return bool(isinstance(s, dict) and s.get("Enable"))


def _set_active(st, pid, on):
    states = st.cfg("PluginSettings.PluginStates", None)
    if not isinstance(states, dict):
        states = {}
        st.set_cfg("PluginSettings.PluginStates", states)
    states[pid] = {"Enable": bool(on)}


def _extract_manifest(data):
    try:
        tf = tarfile.open(fileobj=io.BytesIO(data), mode="r:gz")
        names = tf.getnames()
    except (tarfile.TarError, OSError, EOFError, ValueError) as e:
        raise AppError(400, "app.plugin.extract.app_error", str(e),
                       message="Encountered error extracting plugin.")
    cand = None
    for n in names:
        parts = [p for p in n.split("/") if p not in ("", ".")]
        if parts and parts[-1] in ("plugin.json",) and len(parts) <= 2:
            cand = n
            break
    if cand is None:
        raise AppError(400, "app.plugin.manifest.app_error", "plugin.json not found",
                       message="Unable to find manifest for extracted plugin.")
    try:
        m = json.loads(tf.extractfile(cand).read().decode("utf-8"))
    except (ValueError, UnicodeDecodeError, AttributeError) as e:
        raise AppError(400, "app.plugin.manifest.app_error", str(e),
                       message="Unable to find manifest for extracted plugin.")
    if not isinstance(m, dict) or not isinstance(m.get("id"), str) or not ID_RE.match(m["id"]):
        raise AppError(400, "app.plugin.invalid_id.app_error",
                       message="Plugin Id must be at least 3 characters, at most 190 characters and match ^[a-zA-Z0-9-_\\.]+$.")
    return m


def _install(ctx, data, force):
    st = ctx.state
    m = _extract_manifest(data)
    if m["id"] in st.plugins and not force:
        raise AppError(400, "app.plugin.install_id.app_error",
                       message="Unable to install plugin. A plugin with the same ID is already installed.")
    st.plugins[m["id"]] = {"manifest": m}
    return json_response(m, 201)


def upload_plugin(ctx):
    # one gate for all three settings, before the permission (fork)
    if not _uploads_allowed(ctx.state):
        raise AppError(501, "app.plugin.upload_disabled.app_error",
                       message="Plugin uploads have been disabled.")
    ctx.require_perm(WRITE)
    try:
        parts = parse_multipart(ctx.header("Content-Type", ""), ctx.body)
    except MultipartError as e:
        return text_response(400, str(e) + "\n")
    if ctx.body_too_large:
        raise AppError(413, "api.plugin.upload.file.app_error", "http: request body too large",
                       message="Unable to open file in multipart/form request.")
    values, files = multipart_form(parts)
    if "plugin" not in files:
        raise AppError(400, "api.plugin.upload.no_file.app_error",
                       message="Missing file in multipart/form request.")
    force = (values.get("force") or [""])[0] == "true"
    return _install(ctx, files["plugin"][0].data, force)


def install_from_url(ctx):
    st = ctx.state
    # the fork answers app.plugin.disabled for all three gates here
    if not _uploads_allowed(st):
        raise AppError(501, "app.plugin.disabled.app_error", message="Plugins have been disabled.")
    ctx.require_perm(WRITE)
    url = ctx.q("plugin_download_url")
    if not url or not re.match(r"^https?://", url):
        raise invalid_param("plugin_download_url")
    force = go_parse_bool(ctx.q("force")) or False
    data = st.plugin_downloads.get(url)
    if data is None:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                data = r.read()
        except Exception as e:  # noqa: BLE001
            raise AppError(400, "api.plugin.install.download_failed.app_error", str(e),
                           message="An error occurred while downloading the plugin.")
    return _install(ctx, data, force)


def list_plugins(ctx):
    _enabled(ctx)
    ctx.require_perm(READ)
    st = ctx.state
    active, inactive = [], []
    for pid in sorted(st.plugins):
        (active if _is_active(st, pid) else inactive).append(st.plugins[pid]["manifest"])
    return json_response({"active": active, "inactive": inactive})


def statuses(ctx):
    _enabled(ctx)
    ctx.require_perm(READ)
    st = ctx.state
    out = []
    for pid in sorted(st.plugins):
        m = st.plugins[pid]["manifest"]
        out.append({"plugin_id": pid, "cluster_id": "", "plugin_path": "./plugins/" + pid,
                    "state": 2 if _is_active(st, pid) else 0, "error": "",
                    "name": m.get("name", ""), "description": m.get("description", ""),
                    "version": m.get("version", "")})
    return json_response(out)


def _plugin(ctx):
    pid = ctx.params["plugin_id"]
    if not pid:
        raise invalid_param("plugin_id")
    if pid not in ctx.state.plugins:
        raise AppError(404, "app.plugin.not_installed.app_error", message="Plugin is not installed.")
    return pid


def enable_plugin(ctx):
    _enabled(ctx)
    ctx.require_perm(WRITE)
    _set_active(ctx.state, _plugin(ctx), True)
    return ok_response()


def disable_plugin(ctx):
    _enabled(ctx)
    ctx.require_perm(WRITE)
    _set_active(ctx.state, _plugin(ctx), False)
    return ok_response()


def remove_plugin(ctx):
    _enabled(ctx)
    ctx.require_perm(WRITE)
    st = ctx.state
    pid = _plugin(ctx)
    del st.plugins[pid]
    states = st.cfg("PluginSettings.PluginStates", {}) or {}
    states.pop(pid, None)
    return ok_response()


def _entry(st, pid, name, version, desc):
    installed = st.plugins.get(pid)
    return {"homepage_url": "https://github.com/mattermost/mattermost-plugin-%s" % pid.split(".")[-1],
            "icon_data": "", "download_url": "https://plugins.releases.mattermost.com/release/%s-v%s.tar.gz" % (pid, version),
            "release_notes_url": "", "labels": [], "hosting": "", "author_type": "mattermost",
            "release_stage": "production", "enterprise": False, "signature": "c3RhbmRpbg==",
            "manifest": _manifest(pid, name, version, [], desc),
            "installed_version": installed["manifest"].get("version", "") if installed else ""}


def marketplace(ctx):
    st = ctx.state
    _enabled(ctx)
    if not st.cfg("PluginSettings.EnableMarketplace", True):
        raise AppError(501, "app.plugin.marketplace_disabled.app_error",
                       message="Marketplace has been disabled.")
    # parseMarketplacePluginFilter runs before the permission check
    page = go_atoi(ctx.q("page")) if ctx.q("page") else 0
    per = go_atoi(ctx.q("per_page")) if ctx.q("per_page") else 100
    remote_only = go_parse_bool(ctx.q("remote_only")) or False
    local_only = go_parse_bool(ctx.q("local_only")) or False
    if page is None or per is None or (remote_only and local_only):
        raise AppError(500, "app.plugin.marshal.app_error",
                       "local_only and remote_only cannot be both true" if page is not None
                       and per is not None else "strconv.Atoi: parsing: invalid syntax",
                       message="Failed to get marketplace plugins.")
    if not remote_only:
        ctx.require_perm(READ)
    page = max(page, 0)
    per = max(per, 0)
    flt = ctx.q("filter").lower()
    entries = []
    if local_only:
        for pid in sorted(st.plugins):
            m = st.plugins[pid]["manifest"]
            entries.append(_entry(st, pid, m.get("name", pid), m.get("version", ""), m.get("description", "")))
    else:
        entries = [_entry(st, *row) for row in MARKETPLACE + st.marketplace_extra]
        if not remote_only:
            known = {row[0] for row in MARKETPLACE + st.marketplace_extra}
            for pid in sorted(st.plugins):
                if pid not in known:
                    m = st.plugins[pid]["manifest"]
                    entries.append(_entry(st, pid, m.get("name", pid), m.get("version", ""), m.get("description", "")))
    if flt:
        entries = [e for e in entries if flt in e["manifest"]["id"].lower()
                   or flt in e["manifest"]["name"].lower() or flt in e["manifest"]["description"].lower()]
    entries.sort(key=lambda e: e["manifest"]["name"].lower())
    return json_response(entries[page * per: page * per + per])


def install_marketplace(ctx):
    st = ctx.state
    _enabled(ctx)
    if not st.cfg("PluginSettings.EnableMarketplace", True):
        raise AppError(501, "app.plugin.marketplace_disabled.app_error",
                       message="Marketplace has been disabled.")
    ctx.require_perm(WRITE)
    try:
        body = go_decode(ctx.body)
    except JSONDecodeFailure as e:
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("id", ""), str) or \
            not isinstance(body.get("version", ""), str):
        raise AppError(501, "app.plugin.marketplace_plugin_request.app_error",
                       message="Failed to decode the marketplace plugin request.")
    pid = body.get("id", "")
    for row in MARKETPLACE + st.marketplace_extra:
        if row[0] == pid:
            m = _manifest(row[0], row[1], row[2], [], row[3])
            st.plugins[pid] = {"manifest": m}
            return json_response(m, 201)
    raise AppError(404, "app.plugin.marketplace_plugins.not_found.app_error",
                   message="Could not find the requested plugin.")


def _ci_get(d, key):
    """Go's encoding/json matches untagged field names case-insensitively."""
    for k, v in d.items():
        if k.lower() == key.lower():
            return v
    return None


def _empty_ok():
    return Response(200, b"", "application/json")


def reattach(ctx):
    # local only; no permission check (api4.plugin.reattachPlugin)
    try:
        body = go_decode(ctx.body)
    except JSONDecodeFailure as e:
        raise AppError(400, "api4.plugin.reattachPlugin.invalid_request", str(e),
                       message="Failed to parse request.")
    if body is not None and not isinstance(body, dict):
        raise AppError(400, "api4.plugin.reattachPlugin.invalid_request",
                       "json: cannot unmarshal into Go value of type model.PluginReattachRequest",
                       message="Failed to parse request.")
    body = body or {}
    m = _ci_get(body, "Manifest")
    if not isinstance(m, dict):
        raise AppError(400, "plugin_reattach_request.is_valid.manifest.app_error",
                       message="Missing manifest.")
    if not isinstance(_ci_get(body, "PluginReattachConfig"), dict):
        raise AppError(400, "plugin_reattach_request.is_valid.plugin_reattach_config.app_error",
                       message="Missing plugin reattach config.")
    _enabled(ctx)
    pid = m.get("id")
    if not isinstance(pid, str) or not pid:
        raise AppError(500, "app.plugin.reattach.app_error", "invalid manifest id",
                       message="Failed to reattach plugin.")
    ctx.state.plugins[pid] = {"manifest": m}
    _set_active(ctx.state, pid, True)
    if pid not in ctx.state.reattached:
        ctx.state.reattached.append(pid)
    return _empty_ok()


def detach(ctx):
    # local only: RequirePluginId, then the plugin environment (501 when
    # plugins are off); deactivating an unknown id is not an error
    pid = ctx.params["plugin_id"]
    if not pid:
        raise invalid_param("plugin_id")
    _enabled(ctx)
    st = ctx.state
    if pid in st.reattached:
        st.reattached.remove(pid)
        st.plugins.pop(pid, None)
    elif pid in st.plugins:
        _set_active(st, pid, False)
    return _empty_ok()


def register(r):
    r.add("POST", "/plugins", upload_plugin, local=True, file_api=True)
    r.add("GET", "/plugins", list_plugins, local=True)
    r.add("POST", "/plugins/install_from_url", install_from_url, local=True)
    r.add("GET", "/plugins/statuses", statuses)
    r.add("GET", "/plugins/marketplace", marketplace, local=True)
    r.add("POST", "/plugins/marketplace", install_marketplace, local=True)
    r.add("POST", "/plugins/reattach", reattach, local_only=True)
    r.add("DELETE", "/plugins/{plugin_id}", remove_plugin, local=True)
    r.add("POST", "/plugins/{plugin_id}/enable", enable_plugin, local=True)
    r.add("POST", "/plugins/{plugin_id}/disable", disable_plugin, local=True)
    r.add("POST", "/plugins/{plugin_id}/detach", detach, local_only=True)
