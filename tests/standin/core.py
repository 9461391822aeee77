"""Core of the stand-in Mattermost server: errors, responses, router, request
context, shared state and small Go-compatible parsing helpers.

Area modules (areas/*.py) import this module and register routes through
``register(router)``; they may also define ``init_state(state)`` (called on
start and on every control-API reset) and ``apply_toggle(state, key, value)``
(called for control-API state toggles; return True when the key was handled).
"""

import copy
import hashlib
import json
import os
import random
import re
import secrets
import threading
import time

FAKE_SETTING = "*" * 32
ID_ALPHABET = "ybndrfg8ejkmcpqxot1uwisza345h769"

# --- fixed identities --------------------------------------------------------

SYSADMIN_ID = "sysadmin" + "0" * 17 + "a"
USER1_ID = "user1" + "0" * 20 + "a"
MFAADMIN_ID = "mfaadmin" + "0" * 17 + "a"
TEAM_ID = "teammain" + "0" * 17 + "a"
TEAM2_ID = "teamother" + "0" * 16 + "a"
CHANNEL_ID = "chantown" + "0" * 17 + "a"
ADMIN_PAT = "mmadmtestadmintoken0000001"
USER_PAT = "mmadmtestusertoken00000001"
ADMIN_OAUTH = "mmadmtestoauthtoken0000001"
ADMIN_SESSION = "mmadmtestadminsession00001"
USER_SESSION = "mmadmtestusersession000001"
ADMIN_PAT_ID = "adminpatid" + "0" * 15 + "a"
USER_PAT_ID = "userpatid" + "0" * 16 + "a"
MFA_CODE = "123456"
for _v in (SYSADMIN_ID, USER1_ID, MFAADMIN_ID, TEAM_ID, TEAM2_ID, CHANNEL_ID, ADMIN_PAT,
           USER_PAT, ADMIN_OAUTH, ADMIN_SESSION, USER_SESSION, ADMIN_PAT_ID, USER_PAT_ID):
    assert len(_v) == 26 and _v.isalnum(), _v

HERE = os.path.dirname(os.path.abspath(__file__))


def new_id():
    return "".join(secrets.choice(ID_ALPHABET) for _ in range(26))


def now_ms():
    return int(time.time() * 1000)


def random_string(n):
    return "".join(secrets.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(n))


def is_valid_id(s):
    return isinstance(s, str) and len(s) == 26 and s.isascii() and s.isalnum()


# --- JSON the way Go's encoding/json writes it -------------------------------

def go_json(obj, newline=False):
    """Compact JSON with Go's HTML-safe escaping of <, >, & and U+2028/9."""
    s = json.dumps(obj, separators=(",", ":"), ensure_ascii=False)
    s = (s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
         .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
    if newline:
        s += "\n"
    return s.encode("utf-8")


class JSONDecodeFailure(Exception):
    pass


def _reject_constant(name):
    raise ValueError("invalid character '%s' looking for beginning of value" % name[:1])


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def go_decode(body):
    """Decode the first JSON value of a body like json.NewDecoder(r).Decode:
    trailing data is ignored, an empty body is an EOF error."""
    if isinstance(body, (bytes, bytearray)):
        text = bytes(body).decode("utf-8", errors="replace")
    else:
        text = body or ""
    i = 0
    while i < len(text) and text[i] in " \t\r\n":
        i += 1
    if i >= len(text):
        raise JSONDecodeFailure("EOF")
    try:
        val, _end = _DECODER.raw_decode(text, i)
    except ValueError as e:
        raise JSONDecodeFailure(str(e))
    return val


def map_from_json(body):
    """model.MapFromJSON: a string->string map, non-string values dropped,
    anything unparsable gives an empty map."""
    try:
        val = go_decode(body)
    except JSONDecodeFailure:
        return {}
    if not isinstance(val, dict):
        return {}
    return {k: v for k, v in val.items() if isinstance(v, str)}


def string_interface_from_json(body):
    try:
        val = go_decode(body)
    except JSONDecodeFailure:
        return {}
    return val if isinstance(val, dict) else {}


# --- Go strconv helpers -----------------------------------------------------

_ATOI_RE = re.compile(r"^[+-]?[0-9]+$")


def go_atoi(s):
    if s is None or not _ATOI_RE.match(s):
        return None
    v = int(s)
    if v < -(2 ** 63) or v >= 2 ** 63:
        return None
    return v


def go_parse_bool(s):
    if s in ("1", "t", "T", "TRUE", "true", "True"):
        return True
    if s in ("0", "f", "F", "FALSE", "false", "False"):
        return False
    return None


PER_PAGE_DEFAULT = 60
PER_PAGE_MAX = 200
LOGS_PER_PAGE_DEFAULT = 10000


# --- errors -------------------------------------------------------------------

MESSAGES = {
    "api.context.404.app_error": "Sorry, we could not find the page.",
    "api.context.session_expired.app_error": "Invalid or expired session, please login again.",
    "api.context.token_provided.app_error": "Session is not OAuth but token was provided in the query string.",
    "api.context.permissions.app_error": "You do not have the appropriate permissions.",
    "api.context.invalid_body_param.app_error": "Invalid or missing {Name} in request body.",
    "api.context.invalid_url_param.app_error": "Invalid or missing {Name} parameter in request URL.",
    "api.context.invalid_param.app_error": "Invalid {Name} parameter.",
    "api.context.local_origin_required.app_error": "This endpoint requires a local request origin.",
    "api.context.request_body_too_large.app_error": "Your request is too large to process.",
    "api.context.server_busy.app_error": "Server is busy, non-critical services are temporarily unavailable.",
    "api.user.login.invalid_credentials_email_username": "Enter a valid email or username and/or password.",
    "api.user.login.invalid_credentials_email": "Enter a valid email and/or password",
    "api.user.login.invalid_credentials_username": "Enter a valid username and/or password.",
    "api.user.login.invalid_credentials_sso": "Enter a valid email or username and/or password, or sign in using another method.",
    "api.user.login.blank_pwd.app_error": "Password field must not be blank",
    "api.user.login.inactive.app_error": "Login failed because your account has been deactivated. Please contact an administrator.",
    "api.user.check_user_login_attempts.too_many.app_error": "Your account is locked because of too many failed password attempts. Please reset your password.",
    "mfa.validate_token.authenticate.app_error": "Invalid MFA token.",
    "api.user.check_user_mfa.bad_code.app_error": "Invalid MFA token.",
    "app.user_access_token.disabled": "User access tokens are disabled on this server. Please contact your system administrator for details.",
    "app.user.missing_account.const": "Unable to find the user.",
    "app.user_access_token.get_by_user.app_error": "Unable to get user access tokens by user.",
    "api.config.update_config.not_allowed_security.app_error": "Changing {Name} is not allowed for security reasons.",
    "api.config.update_config.clear_siteurl.app_error": "Site URL cannot be cleared.",
    "api.config.reload_config.app_error": "Failed to reload config.",
    "api.config.migrate_config.app_error": "Failed to migrate config store.",
    "api.file.test_connection_s3_settings_nil.app_error": "At least one of the S3 settings is not set.",
    "api.file.test_connection_settings_nil": "At least one of the file storage settings is not set.",
    "api.file.test_connection_unsupported_driver": "Unsupported file storage driver: {Driver}.",
    "api.admin.test_s3.missing_s3_bucket": "S3 Bucket is required",
    "api.admin.test_azure.missing_azure_field": "Missing required Azure Blob Storage setting: {Field}.",
    "api.file.test_connection.app_error": "Unable to access the file storage.",
    "api.file.test_connection_s3_auth.app_error": "Unable to connect to S3. Verify your Amazon S3 connection authorization parameters and authentication settings.",
    "api.file.test_connection_s3_bucket_does_not_exist.app_error": "Ensure your Amazon S3 bucket is available, and verify your bucket permissions.",
    "api.file.test_connection_azure_auth.app_error": "Unable to connect to Azure Blob Storage. Verify your storage account and access key.",
    "api.file.test_connection_azure_container_does_not_exist.app_error": "Ensure your Azure Blob Storage container exists and verify its permissions.",
    "api.file.test_connection_email_settings_nil.app_error": "Email settings has unset values.",
    "api.remote_cluster.service_not_enabled.app_error": "The remote cluster service is not enabled.",
    "api.remote_cluster.get.not_found": "Remote Cluster not found.",
    "api.remote_cluster.cluster_not_deleted": "The remote cluster was not deleted.",
    "api.remote_cluster.generate_invite_cluster_is_confirmed": "Remote Cluster is already confirmed.",
    "api.remote_cluster.invite_decrypt_error": "Cannot decrypt invite. Check the password.",
    "api.remote_cluster.base64_decode_error": "Cannot decode the invite: invalid base64.",
    "api.remote_cluster.invalid_topic.app_error": "Invalid topic.",
    "api.get_site_url_error": "Cannot get the site URL. Please set ServiceSettings.SiteURL.",
    "api.context.remote_id_invalid.app_error": "The remote id {RemoteId} is invalid.",
    "api.context.remote_id_mismatch.app_error": "Remote id mismatch.",
    "api.context.invitation_expired.error": "Invitation has expired.",
    "api.unmarshal_error": "Failed to unmarshal.",
    "model.cluster.is_valid.name.app_error": "Invalid name.",
    "api.system.logs.invalidFilter": "Invalid log filter.",
}


class AppError(Exception):
    def __init__(self, status, err_id, detailed="", params=None, message=None, where=""):
        super().__init__(err_id)
        self.status = status
        self.id = err_id
        self.detailed = detailed
        self.params = params or {}
        self._message = message
        self.where = where

    @property
    def message(self):
        if self._message is not None:
            return self._message
        tmpl = MESSAGES.get(self.id)
        if tmpl is None:
            return self.id
        out = tmpl
        for k, v in self.params.items():
            out = out.replace("{%s}" % k, str(v))
        return out

    def body(self, request_id, developer=False, hardened=False):
        if hardened and self.status >= 500:
            d = {"id": "", "message": "Internal Server Error", "detailed_error": "",
                 "request_id": request_id, "status_code": 500}
            return d, 500
        d = {"id": self.id, "message": self.message,
             "detailed_error": self.detailed if developer else ""}
        if request_id:
            d["request_id"] = request_id
        if self.status:
            d["status_code"] = self.status
        return d, self.status


def invalid_body_param(name, detail=""):
    return AppError(400, "api.context.invalid_body_param.app_error", detail, {"Name": name})


def body_too_large():
    """A JSON body over MaximumPayloadSizeBytes + 512: the handler wraps the
    decoder's MaxBytesError and web/handlers.go handleContextError turns it
    into this 413."""
    return AppError(413, "api.context.request_body_too_large.app_error",
                    "Use the setting `MaximumPayloadSizeBytes` in Mattermost config to "
                    "configure allowed payload limit. Learn more about this setting in "
                    "Mattermost docs at https://docs.mattermost.com/configure/"
                    "environment-configuration-settings.html#maximum-payload-size")


def invalid_url_param(name, detail=""):
    return AppError(400, "api.context.invalid_url_param.app_error", detail, {"Name": name})


def invalid_param(name, detail=""):
    # c.SetInvalidParam is the body-param error in Mattermost
    return invalid_body_param(name, detail)


def permission_error(*perms):
    return AppError(403, "api.context.permissions.app_error",
                    "permission=" + ",".join(perms))


def session_expired(detail=""):
    return AppError(401, "api.context.session_expired.app_error", detail)


# --- responses ----------------------------------------------------------------

class Response:
    """A handler result. ``body`` is bytes; ``headers`` a list of (name, value)."""

    def __init__(self, status=200, body=b"", content_type="application/json", headers=None,
                 is_file=False):
        self.status = status
        self.body = body if isinstance(body, (bytes, bytearray)) else str(body).encode()
        self.content_type = content_type
        self.headers = list(headers or [])
        self.is_file = is_file

    def header(self, name, value):
        self.headers.append((name, value))
        return self


def json_response(obj, status=200, headers=None, newline=False):
    return Response(status, go_json(obj, newline=newline), "application/json", headers)


def ok_response(status=200, headers=None):
    return Response(status, b'{"status":"OK"}', "application/json", headers)


def empty_response(status, headers=None, content_type=None):
    return Response(status, b"", content_type, headers)


def text_response(status, text, content_type="text/plain; charset=utf-8", headers=None):
    return Response(status, text.encode("utf-8"), content_type, headers)


# --- router -------------------------------------------------------------------

SESSION = "session"      # APISessionRequired
ANON = "anon"            # APIHandler: token optional, bad tokens ignored
REMOTE = "remote"        # RemoteClusterTokenRequired

_DEFAULT_PARAM_RE = "[A-Za-z0-9]+"
_PARAM_RES = {
    "plugin_id": "[A-Za-z0-9_.-]+",
    "policy_id": "[A-Za-z0-9]+",
}


class Route:
    def __init__(self, method, pattern, handler, auth, tcp, local, local_handler, enabled,
                 file_api, area):
        self.method = method
        self.pattern = pattern
        self.handler = handler
        self.auth = auth
        self.tcp = tcp
        self.local = local
        self.local_handler = local_handler or handler
        self.enabled = enabled
        self.file_api = file_api
        self.area = area
        regex = "^"
        pos = 0
        for m in re.finditer(r"\{([A-Za-z_]+)(?::([^}]+))?\}", pattern):
            regex += re.escape(pattern[pos:m.start()])
            name = m.group(1)
            prx = m.group(2) or _PARAM_RES.get(name, _DEFAULT_PARAM_RE)
            regex += "(?P<%s>%s)" % (name, prx)
            pos = m.end()
        regex += re.escape(pattern[pos:]) + "$"
        self.regex = re.compile(regex)


class Router:
    """Routes are matched in registration order, first on path + method.
    A path that matches with another method falls through to the 404
    catch-all, like Mattermost's gorilla/mux setup."""

    def __init__(self):
        self.routes = []
        self.current_area = ""

    def add(self, method, pattern, handler, auth=SESSION, tcp=True, local=False,
            local_only=False, local_handler=None, enabled=None, file_api=False):
        """Register ``METHOD /api/v4<pattern>``.

        auth: SESSION, ANON or REMOTE (TCP behaviour; local requests always
        run as the unrestricted local session). local=True also registers the
        route on the unix-socket router; local_only=True registers it only
        there. enabled: optional callable(state) -> bool; when it returns
        False the route does not exist (404 catch-all). file_api: body limit is
        FileSettings.MaxFileSize instead of MaximumPayloadSizeBytes.
        """
        if local_only:
            tcp, local = False, True
        r = Route(method.upper(), pattern, handler, auth, tcp, local, local_handler, enabled,
                  file_api, self.current_area)
        self.routes.append(r)
        return r

    def match(self, method, path, listener, state):
        for r in self.routes:
            if listener == "tcp" and not r.tcp:
                continue
            if listener == "local" and not r.local:
                continue
            if r.method != method:
                continue
            m = r.regex.match(path)
            if not m:
                continue
            if r.enabled is not None and not r.enabled(state):
                continue
            return r, m.groupdict()
        return None, None


# --- multipart ----------------------------------------------------------------

class MultipartError(Exception):
    pass


class Part:
    def __init__(self, headers, data):
        self.headers = headers
        self.data = data
        cd = headers.get("content-disposition", "")
        self.name = _header_param(cd, "name")
        self.filename = _header_param(cd, "filename")
        self.content_type = headers.get("content-type", "")


def _header_param(value, key):
    for m in re.finditer(r';\s*([A-Za-z0-9_*-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)', value):
        if m.group(1).lower() == key:
            v = m.group(2).strip()
            if v.startswith('"'):
                v = re.sub(r'\\(.)', r'\1', v[1:-1])
            return v
    return None


def parse_content_type(value):
    value = value or ""
    mt = value.split(";", 1)[0].strip().lower()
    params = {}
    for m in re.finditer(r';\s*([A-Za-z0-9_*-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)', value):
        v = m.group(2).strip()
        if v.startswith('"') and v.endswith('"') and len(v) >= 2:
            v = re.sub(r'\\(.)', r'\1', v[1:-1])
        params[m.group(1).lower()] = v
    return mt, params


def parse_multipart(content_type, body):
    """Parse multipart/form-data. Raises MultipartError with Go-like texts."""
    mt, params = parse_content_type(content_type)
    if mt not in ("multipart/form-data", "multipart/mixed"):
        raise MultipartError("request Content-Type isn't multipart/form-data")
    boundary = params.get("boundary")
    if not boundary:
        raise MultipartError("no multipart boundary param in Content-Type")
    delim = b"--" + boundary.encode("latin-1")
    body = bytes(body)
    # find first delimiter (at start or after CRLF)
    if body.startswith(delim):
        pos = 0
    else:
        pos = body.find(b"\r\n" + delim)
        if pos < 0:
            raise MultipartError("multipart: NextPart: EOF")
        pos += 2
    parts = []
    while True:
        pos += len(delim)
        if body[pos:pos + 2] == b"--":
            break
        # skip transport padding and the CRLF after the delimiter
        eol = body.find(b"\r\n", pos)
        if eol < 0:
            raise MultipartError("multipart: NextPart: EOF")
        pos = eol + 2
        hend = body.find(b"\r\n\r\n", pos)
        if hend < 0:
            if body[pos:pos + 2] == b"\r\n":
                hend = pos - 2
            else:
                raise MultipartError("multipart: NextPart: EOF")
        headers = {}
        for line in body[pos:hend].split(b"\r\n"):
            if not line:
                continue
            if b":" not in line:
                raise MultipartError("malformed MIME header line: " + line.decode("latin-1"))
            k, v = line.split(b":", 1)
            headers[k.decode("latin-1").strip().lower()] = v.decode("utf-8", "replace").strip()
        dstart = hend + 4
        nxt = body.find(b"\r\n" + delim, dstart)
        if nxt < 0:
            raise MultipartError("multipart: NextPart: EOF")
        parts.append(Part(headers, body[dstart:nxt]))
        pos = nxt + 2
    return parts


def multipart_form(parts):
    """Split parts into (values: name->[str], files: name->[Part])."""
    values, files = {}, {}
    for p in parts:
        if p.name is None:
            continue
        if p.filename is not None:
            files.setdefault(p.name, []).append(p)
        else:
            values.setdefault(p.name, []).append(p.data.decode("utf-8", "replace"))
    return values, files


# --- state --------------------------------------------------------------------

ALL_PERMS = "*"
USER_PERMS = {
    "upload_file", "read_channel", "read_channel_content", "create_post", "view_team",
    "create_direct_channel", "edit_own_user",
}


def _user(uid, username, email, first, last, roles, mfa=False, password=""):
    t = 1700000000000
    return {
        "id": uid, "create_at": t, "update_at": t, "delete_at": 0, "username": username,
        "auth_data": "", "auth_service": "", "email": email, "email_verified": True,
        "nickname": "", "first_name": first, "last_name": last, "position": "",
        "roles": roles,
        "notify_props": {"channel": "true", "comments": "never", "desktop": "mention",
                          "desktop_sound": "true", "email": "true", "first_name": "false",
                          "mention_keys": "", "push": "mention", "push_status": "online"},
        "last_password_update": t, "locale": "en",
        "timezone": {"automaticTimezone": "", "manualTimezone": "",
                     "useAutomaticTimezone": "true"},
        "mfa_active": mfa, "disable_welcome_email": False,
        "_password": password,
    }


class Session:
    def __init__(self, token, user_id, kind="", is_oauth=False, token_id=""):
        self.id = new_id()
        self.token = token
        self.user_id = user_id
        self.kind = kind            # "" | "UserAccessToken" | "OAuth"
        self.is_oauth = is_oauth
        self.csrf = new_id()
        self.token_id = token_id
        self.create_at = now_ms()
        self.is_local = False


class LocalSession(Session):
    def __init__(self):
        super().__init__("", "")
        self.is_local = True


class State:
    """All mutable server state. Guarded by ``lock`` (handlers run under it)."""

    def __init__(self, opts, area_modules):
        self.lock = threading.RLock()
        self.opts = opts
        self.area_modules = area_modules
        self.stats_lock = threading.Lock()
        self.faults = []
        self.request_log = []
        self.log_seq = 0
        self.epoch = 0
        self.connections = 0
        self.connections_accepted = 0
        self.tcp_connections = 0
        self.unix_connections = 0
        self.requests = 0
        self.reset()

    # toggles with plain attribute semantics and their defaults
    def _toggle_defaults(self):
        o = self.opts
        return {
            "server_version": o.server_version,
            "build_number": o.build_number,
            "ping_unhealthy": o.ping_unhealthy,
            "db_unhealthy": False,
            "filestore_unhealthy": False,
            "root_status": False,
            "goroutines": 120,
            "file_test_endpoint": not o.no_file_test,
            "remote_cluster_enabled": not o.no_remote_cluster,
            "license": o.license,
            "first_chunk_min": 5 * 1024 * 1024,
            "integrity_fail": False,
            "config_reload_fails": False,
            "hardened": None,
        }

    def reset(self):
        with self.lock:
            self.epoch += 1
            for k, v in self._toggle_defaults().items():
                setattr(self, k, v)
            from cfgutil import load_initial_config, model_defaults
            self.config = load_initial_config(self.opts)
            self.model_defaults = model_defaults(self.config)
            self.env_overrides = {}
            self.users = {}
            for u in (_user(SYSADMIN_ID, "sysadmin", "sysadmin@example.com", "Sys", "Admin",
                            "system_admin system_user", password="Sys-admin-pass1"),
                      _user(USER1_ID, "user1", "user1@example.com", "User", "One",
                            "system_user", password="User1-pass1"),
                      _user(MFAADMIN_ID, "mfaadmin", "mfaadmin@example.com", "Mfa", "Admin",
                            "system_admin system_user", mfa=True, password="Mfa-admin-pass1")):
                self.users[u["id"]] = u
            self.failed_attempts = {}
            self.sessions = {}
            self.access_tokens = {}
            for tok, uid, tid in ((ADMIN_PAT, SYSADMIN_ID, ADMIN_PAT_ID),
                                  (USER_PAT, USER1_ID, USER_PAT_ID)):
                self.sessions[tok] = Session(tok, uid, "UserAccessToken", token_id=tid)
                self.access_tokens[tid] = {"id": tid, "token": tok, "user_id": uid,
                                           "description": "preset test token",
                                           "is_active": True}
            self.sessions[ADMIN_OAUTH] = Session(ADMIN_OAUTH, SYSADMIN_ID, "OAuth", is_oauth=True)
            self.sessions[ADMIN_SESSION] = Session(ADMIN_SESSION, SYSADMIN_ID)
            self.sessions[USER_SESSION] = Session(USER_SESSION, USER1_ID)
            self.teams = {
                TEAM_ID: {"id": TEAM_ID, "name": "main", "display_name": "Main Team"},
                TEAM2_ID: {"id": TEAM2_ID, "name": "other", "display_name": "Other Team"},
            }
            self.channels = {CHANNEL_ID: {"id": CHANNEL_ID, "team_id": TEAM_ID,
                                          "name": "town-square",
                                          "members": [SYSADMIN_ID, USER1_ID, MFAADMIN_ID]}}
            self.busy_expires = 0.0
            for mod in self.area_modules:
                fn = getattr(mod, "init_state", None)
                if fn:
                    fn(self)
            self.faults = []
            self.request_log = []
            with self.stats_lock:
                self.connections = 0
                self.connections_accepted = 0
                self.tcp_connections = 0
                self.unix_connections = 0
                self.requests = 0

    # --- config access ---
    def cfg(self, dotted, default=None):
        cur = self.config
        for part in dotted.split("."):
            if not isinstance(cur, dict) or part not in cur:
                return default
            cur = cur[part]
        return cur

    def set_cfg(self, dotted, value):
        parts = dotted.split(".")
        cur = self.config
        for p in parts[:-1]:
            cur = cur.setdefault(p, {})
        cur[parts[-1]] = value

    def site_url(self):
        return self.cfg("ServiceSettings.SiteURL", "") or ""

    def restrict_system_admin(self):
        return bool(self.cfg("ExperimentalSettings.RestrictSystemAdmin", False))

    def developer(self):
        return bool(self.cfg("ServiceSettings.EnableDeveloper", False))

    def hardened_mode(self):
        if self.hardened is not None:
            return bool(self.hardened)
        return bool(self.cfg("ServiceSettings.ExperimentalEnableHardenedMode", False))

    def is_busy(self):
        if self.busy_expires and time.time() >= self.busy_expires:
            self.busy_expires = 0.0
        return self.busy_expires > 0

    def version_header(self):
        from cfgutil import client_config
        cc = client_config(self, full=True)
        h = hashlib.md5(go_json(cc)).hexdigest()
        return "%s.%s.%s.%s" % (self.server_version, self.build_number, h,
                                "true" if self.license else "false")

    def user_public(self, uid, for_self=False):
        u = self.users.get(uid)
        if u is None:
            return None
        d = {k: copy.deepcopy(v) for k, v in u.items() if not k.startswith("_")}
        if not d.get("mfa_active"):
            d.pop("mfa_active", None)
        return d


# --- request context --------------------------------------------------------------

class Ctx:
    def __init__(self, state, listener, method, path, raw_query, query, headers, body, request_id):
        self.state = state
        self.listener = listener
        self.method = method
        self.path = path
        self.raw_query = raw_query
        self.query = query
        self.headers = headers
        self.body = body
        self.request_id = request_id
        self.params = {}
        self.session = None
        self.route = None
        self.body_too_large = False
        self.token_location = None
        self.extra_headers = []

    @property
    def is_local(self):
        return self.listener == "local"

    def q(self, name):
        v = self.query.get(name)
        return v[0] if v else ""

    def qs(self, name):
        return list(self.query.get(name, []))

    def header(self, name, default=""):
        v = self.headers.get(name)
        return default if v is None else v

    @property
    def user_id(self):
        return self.session.user_id if self.session else ""

    def user(self):
        return self.state.users.get(self.user_id)

    def is_admin(self):
        if self.session is None:
            return False
        if self.session.is_local:
            return True
        u = self.user()
        return bool(u and "system_admin" in u["roles"].split())

    def has_perm(self, perm):
        if self.session is None:
            return False
        if self.session.is_local:
            return True
        u = self.user()
        if u is None:
            return False
        if "system_admin" in u["roles"].split():
            return True
        return perm in USER_PERMS

    def require_perm(self, *perms, nra=False):
        """SessionHasPermissionToAny(perms); nra adds the NotRestrictedAdmin check."""
        if self.session is not None and self.session.is_local:
            return
        if nra and self.state.restrict_system_admin():
            raise permission_error(*perms)
        if not any(self.has_perm(p) for p in perms):
            raise permission_error(*perms)

    def page(self):
        page = go_atoi(self.q("page"))
        if page is None or page < 0:
            page = 0
        per = go_atoi(self.q("per_page"))
        if per is None or per < 0:
            per = PER_PAGE_DEFAULT
        elif per > PER_PAGE_MAX:
            per = PER_PAGE_MAX
        return page, per

    def json_body(self, param="body", allow_null=False):
        """Decode the body like json.NewDecoder(r.Body).Decode; errors become
        400 invalid_body_param <param>."""
        if self.body_too_large:
            raise body_too_large()
        try:
            v = go_decode(self.body)
        except JSONDecodeFailure as e:
            raise invalid_body_param(param, str(e))
        if v is None and not allow_null:
            raise invalid_body_param(param, "null body")
        return v


def paginate(items, page, per_page):
    start = page * per_page
    return items[start:start + per_page]
