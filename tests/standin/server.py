#!/usr/bin/env python3
"""Stand-in Mattermost server (REST API v4 subset) for mmadm's tests.

Usage:
  python3 tests/standin/server.py [--host 127.0.0.1] [--port 0] [--port-file PATH]
      [--socket PATH] [--server-version 11.1.0] [--build-number 4521]
      [--no-file-test] [--ping-unhealthy] [--no-remote-cluster]
      [--site-url URL] [--license | --no-license] [--verbose]

See README.md in this directory for credentials and the control API.
"""

import argparse
import base64
import copy
import gzip
import importlib
import json
import os
import pkgutil
import re
import signal
import socket
import socketserver
import sys
import threading
import time
import traceback
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, unquote

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import core  # noqa: E402
import cfgutil  # noqa: E402
from core import (AppError, Ctx, LocalSession, Response, Router, ANON, SESSION, REMOTE,  # noqa: E402
                  go_json, new_id, session_expired)

CONTROL_PREFIX = "/__standin/"
API_PREFIX = "/api/v4"
LOG_LIMIT = 20000
LOG_BODY_LIMIT = 1024 * 1024
GZIP_MIN_SIZE = 1400

WEB_ROOT_HTML = (b"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                 b"<title>Mattermost</title></head><body><noscript>To use Mattermost, please "
                 b"enable JavaScript.</noscript><div id=\"root\"></div></body></html>")


# --- areas ----------------------------------------------------------------------------

def load_areas():
    import areas as pkg
    mods = []
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        mods.append(importlib.import_module("areas." + info.name))
    return mods


# --- application (transport independent) ------------------------------------------------

class App:
    def __init__(self, opts):
        self.opts = opts
        self.areas = load_areas()
        self.router = Router()
        for mod in self.areas:
            self.router.current_area = mod.__name__.split(".")[-1]
            mod.register(self.router)
        self.state = core.State(opts, self.areas)
        self.tcp_port = None
        self.socket_path = opts.socket

    # ----- auth -----
    @staticmethod
    def parse_token(ctx):
        """app.ParseAuthTokenFromRequest: returns (token, location)."""
        cookie = ctx.header("Cookie", None)
        if cookie is not None:
            for part in cookie.split(";"):
                part = part.strip()
                if "=" in part:
                    k, v = part.split("=", 1)
                    if k.strip() == "MMAUTHTOKEN":
                        v = v.strip()
                        if len(v) >= 2 and v[0] == '"' and v[-1] == '"':
                            v = v[1:-1]
                        return v, "cookie"
        auth = ctx.header("Authorization", "")
        if len(auth) > 6 and auth[:6].upper() == "BEARER":
            return auth[7:], "header"
        if len(auth) > 5 and auth[:5].lower() == "token":
            return auth[6:], "header"
        tok = ctx.q("access_token")
        if tok:
            return tok, "query"
        tok = ctx.header("X-Cloud-Token", "")
        if tok:
            return tok, "cloud"
        tok = ctx.header("X-RemoteCluster-Token", "")
        if tok:
            return tok, "remote"
        return "", None

    def lookup_session(self, token):
        st = self.state
        sess = st.sessions.get(token)
        if sess is None:
            return None
        u = st.users.get(sess.user_id)
        if u is None or u.get("delete_at"):
            return None
        if sess.kind == "UserAccessToken":
            if not st.cfg("ServiceSettings.EnableUserAccessTokens", False):
                return None
            at = st.access_tokens.get(sess.token_id)
            if at is not None and not at.get("is_active", True):
                return None
        return sess

    def authenticate(self, ctx, route):
        st = self.state
        token, loc = self.parse_token(ctx)
        ctx.token_location = loc
        err = None
        if token and loc not in ("cloud", "remote"):
            sess = self.lookup_session(token)
            if sess is None:
                if route.auth == SESSION:
                    err = session_expired("token=" + token)
            elif not sess.is_oauth and loc == "query":
                err = AppError(401, "api.context.token_provided.app_error", "token=" + token)
            else:
                ctx.session = sess
                # web/handlers.go checkCSRFToken: any non-GET request
                # authenticated by the cookie, whatever the route requires.
                if loc == "cookie" and ctx.method != "GET":
                    ok = ctx.header("X-CSRF-Token", "") == sess.csrf
                    if not ok and ctx.header("X-Requested-With", "") == "XMLHttpRequest":
                        ok = not st.cfg("ServiceSettings.ExperimentalStrictCSRFEnforcement", False)
                    if not ok:
                        ctx.session = None
                        err = session_expired("token=%s Appears to be a CSRF attempt" % token)
                        ctx.extra_headers.append(("Set-Cookie", "MMAUTHTOKEN=; Path=/; Max-Age=0; HttpOnly"))
        elif token and loc == "remote" and route.auth == REMOTE:
            rc_mod = sys.modules.get("areas.remotecluster")
            if rc_mod is None or not rc_mod.service_available(st):
                err = session_expired("remote cluster service unavailable")
            else:
                err = rc_mod.authenticate_remote(ctx, token)
        if err is not None:
            raise err
        if route.auth == SESSION and ctx.session is None:
            raise session_expired("UserRequired")
        if route.auth == REMOTE and getattr(ctx, "remote_id", None) is None:
            raise session_expired("RemoteClusterTokenRequired")

    # ----- dispatch -----
    def handle(self, ctx):
        """Returns (Response, api_headers: bool)."""
        path = ctx.path
        if ctx.is_local and not path.startswith(API_PREFIX + "/"):
            # The socket's router (api4.InitLocal) holds the API routes and
            # nothing else: no web app, so mux's plain-text 404.
            return Response(404, b"404 page not found\n", "text/plain; charset=utf-8"), False
        if not path.startswith("/api/"):
            if ctx.method in ("GET", "HEAD"):
                return Response(200, WEB_ROOT_HTML, "text/html; charset=utf-8",
                                [("Cache-Control", "no-cache, max-age=31556926, public")]), False
            return Response(404, b"404 page not found\n", "text/plain; charset=utf-8"), False
        if path.startswith(API_PREFIX + "/"):
            sub = path[len(API_PREFIX):]
        else:
            sub = None
        st = self.state
        with st.lock:
            route, params = (None, None)
            if sub is not None:
                route, params = self.router.match(ctx.method, sub, ctx.listener, st)
            if route is None:
                return self.catch_all(ctx), False
            ctx.route = route
            ctx.params = dict(params)
            if route.file_api:
                limit = int(st.cfg("FileSettings.MaxFileSize", 104857600) or 0) + 512
            else:
                limit = int(st.cfg("ServiceSettings.MaximumPayloadSizeBytes", 300000) or 0) + 512
            ctx.body_too_large = len(ctx.body) > limit
            try:
                if ctx.is_local:
                    ctx.session = LocalSession()
                else:
                    self.authenticate(ctx, route)
                if ctx.params.get("user_id") == "me" and ctx.session is not None and ctx.session.user_id:
                    ctx.params["user_id"] = ctx.session.user_id
                handler = route.local_handler if ctx.is_local else route.handler
                resp = handler(ctx)
                if resp is None:
                    resp = core.ok_response()
            except AppError as e:
                resp = self.error_response(ctx, e)
            except Exception as e:  # never crash: report as a 500 AppError
                traceback.print_exc(file=sys.stderr)
                resp = self.error_response(ctx, AppError(500, "api.context.unexpected.app_error",
                                                         repr(e), message="An unexpected error occurred."))
            resp.headers.extend(ctx.extra_headers)
            return resp, True

    def error_response(self, ctx, err):
        st = self.state
        body, status = err.body(ctx.request_id, developer=st.developer(), hardened=st.hardened_mode())
        return Response(status, go_json(body), "application/json")

    def catch_all(self, ctx):
        body = {"id": "api.context.404.app_error", "message": "Sorry, we could not find the page.",
                "detailed_error": "There doesn't appear to be an api call for the url='%s'.  Typo? are "
                                  "you missing a team_id or user_id as part of the url?" % ctx.path,
                "status_code": 404}
        return Response(404, go_json(body), "text/plain; charset=utf-8")

    def api_headers(self, ctx, resp):
        st = self.state
        with st.lock:
            version = st.version_header()
        hdrs = [("X-Request-Id", ctx.request_id), ("X-Version-Id", version)]
        if ctx.method == "GET":
            hdrs.append(("Expires", "0"))
        return hdrs


# --- HTTP plumbing -------------------------------------------------------------------------

SECURITY_HEADERS = [("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer"),
                    ("Permissions-Policy", "")]


class BadRequestBody(Exception):
    pass


class BodyTooLarge(Exception):
    pass


MAX_BODY = 1024 * 1024 * 1024     # never buffer more than 1 GiB


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 300

    def setup(self):
        super().setup()
        self._counted_epoch = None
        app = self.server.app
        st = app.state
        with st.stats_lock:
            st.connections_accepted += 1
            if self.server.listener == "tcp":
                st.tcp_connections += 1
            else:
                st.unix_connections += 1
        if self.server.listener == "tcp":
            try:
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError:
                pass

    # quiet default logging (unix peers have no address tuple)
    def log_message(self, fmt, *args):
        if self.server.app.opts.verbose:
            sys.stderr.write("standin[%s]: %s\n" % (self.server.listener, fmt % args))

    def log_request(self, code="-", size="-"):
        pass

    def do_GET(self):
        self.dispatch()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_GET

    # ----- body -----
    def read_body(self):
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            data = bytearray()
            while True:
                line = self.rfile.readline(65537)
                if not line:
                    raise BadRequestBody("unexpected EOF in chunked body")
                try:
                    size = int(line.split(b";", 1)[0].strip(), 16)
                except ValueError:
                    raise BadRequestBody("malformed chunk size")
                if size == 0:
                    while True:
                        tl = self.rfile.readline(65537)
                        if tl in (b"\r\n", b"\n", b""):
                            break
                    break
                chunk = self.rfile.read(size)
                if len(chunk) != size:
                    raise BadRequestBody("unexpected EOF in chunk")
                data += chunk
                self.rfile.readline(65537)
            return bytes(data)
        cl = self.headers.get("Content-Length")
        if cl is None:
            return b""
        try:
            n = int(cl)
            if n < 0:
                raise ValueError
        except ValueError:
            raise BadRequestBody("invalid Content-Length")
        if n > MAX_BODY:
            raise BodyTooLarge(n)
        data = self.rfile.read(n) if n else b""
        if len(data) != n:
            raise BadRequestBody("short body")
        return data

    # ----- send -----
    def send_raw(self, status, headers, body, head_only=False, content_length=None, close=False,
                 body_prefix_only=None):
        self.send_response_only(status)
        self.send_header("Date", formatdate(usegmt=True))
        for k, v in headers:
            self.send_header(k, v)
        if status not in (204, 304) and not (100 <= status < 200):
            self.send_header("Content-Length", str(len(body) if content_length is None else content_length))
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if not head_only and status not in (204, 304):
            payload = body if body_prefix_only is None else body[:body_prefix_only]
            if payload:
                self.wfile.write(payload)
        self.wfile.flush()

    def dispatch(self):
        app = self.server.app
        st = app.state
        listener = self.server.listener
        raw_path = self.path
        m = re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/]*", raw_path)
        if m:                                   # absolute-form request target
            raw_path = raw_path[m.end():] or "/"
        path, _, raw_query = raw_path.partition("?")
        path = unquote(path) if "%" in path else path
        try:
            body = self.read_body()
        except BadRequestBody as e:
            self.send_raw(400, [("Content-Type", "text/plain; charset=utf-8")],
                          ("400 Bad Request: %s" % e).encode(), close=True)
            return
        except BodyTooLarge:
            body = go_json({"id": "api.context.request_body_too_large.app_error",
                            "message": "Your request is too large to process.",
                            "detailed_error": "", "status_code": 413})
            self.send_raw(413, [("Content-Type", "application/json")], body, close=True)
            return
        if listener == "tcp" and path.startswith(CONTROL_PREFIX):
            self.control(path, raw_query, body)
            return
        # count this connection / request
        with st.stats_lock:
            if self._counted_epoch != st.epoch:
                self._counted_epoch = st.epoch
                st.connections += 1
            st.requests += 1
        query = parse_qs(raw_query, keep_blank_values=True)
        request_id = new_id()
        ctx = Ctx(st, "local" if listener == "unix" else "tcp", self.command, path, raw_query,
                  query, self.headers, body, request_id)
        entry = self.log_entry(ctx, body)
        if app.opts.verbose:
            sys.stderr.write("standin[%s] %s %s\n" % (listener, self.command, raw_path))
        fault = self.match_fault(ctx)
        ws = sys.modules.get("areas.websocket")
        if (ws is not None and ws.is_upgrade(ctx)
                and (fault is None or not (fault.get("status") is not None or fault.get("rate_limit")
                                           or fault.get("drop_connection")))):
            if fault is not None and fault.get("delay_ms"):
                time.sleep(float(fault["delay_ms"]) / 1000.0)
            entry["status"] = 101
            ws.serve(self, app, ctx)    # the connection is the WebSocket's now
            return
        try:
            self.respond(app, ctx, fault, entry)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def log_entry(self, ctx, body):
        st = self.server.app.state
        e = {"listener": ctx.listener, "method": ctx.method, "path": ctx.path,
             "query": ctx.raw_query, "headers": [[k, v] for k, v in self.headers.items()],
             "body_size": len(body), "time": time.time(), "status": None, "fault": False}
        b = body[:LOG_BODY_LIMIT]
        try:
            e["body"] = b.decode("utf-8")
        except UnicodeDecodeError:
            e["body"] = None
            e["body_b64"] = base64.b64encode(b).decode("ascii")
        e["body_truncated"] = len(body) > LOG_BODY_LIMIT
        with st.stats_lock:
            st.log_seq += 1
            e["seq"] = st.log_seq
            st.request_log.append(e)
            if len(st.request_log) > LOG_LIMIT:
                del st.request_log[: len(st.request_log) - LOG_LIMIT]
        return e

    def match_fault(self, ctx):
        st = self.server.app.state
        with st.stats_lock:
            for f in st.faults:
                if f.get("_remaining") == 0:
                    continue
                m = f.get("method")
                if m and m.upper() != ctx.method:
                    continue
                lst = f.get("listener")
                if lst and lst != ctx.listener and not (lst == "unix" and ctx.listener == "local"):
                    continue
                rx = f.get("_re")
                target = ctx.path + ("?" + ctx.raw_query if f.get("match_query") and ctx.raw_query else "")
                if rx is not None and not rx.search(target):
                    continue
                if f.get("_remaining") is not None:
                    f["_remaining"] -= 1
                f["_hits"] = f.get("_hits", 0) + 1
                return dict(f)
        return None

    def respond(self, app, ctx, fault, entry):
        head_only = ctx.method == "HEAD"
        if fault is not None:
            entry["fault"] = True
            delay = fault.get("delay_ms")
            if delay:
                time.sleep(float(delay) / 1000.0)
            if fault.get("drop_connection"):
                entry["status"] = 0
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                return
            synthetic = fault.get("status") is not None or fault.get("rate_limit")
            if synthetic:
                resp, api = self.fault_response(fault), not fault.get("bare", bool(fault.get("rate_limit")))
            else:
                resp, api = app.handle(ctx)
        else:
            resp, api = app.handle(ctx)

        headers = []
        if resp.content_type:
            headers.append(("Content-Type", resp.content_type))
        if api:
            headers.extend(app.api_headers(ctx, resp))
        headers.extend(SECURITY_HEADERS)
        headers.extend(resp.headers)
        body = bytes(resp.body)
        if fault is not None and fault.get("headers"):
            for k, v in fault["headers"].items():
                headers = [(hk, hv) for hk, hv in headers if hk.lower() != k.lower()]
                headers.append((k, str(v)))
        if fault is not None and fault.get("invalid_json"):
            body = body[: max(1, len(body) // 2)] if body else b'{"status":"OK",'
        # gzip like gziphandler when WebserverMode is gzip
        if (api and not head_only and not resp.is_file and resp.status not in (204, 304)
                and len(body) >= GZIP_MIN_SIZE
                and "gzip" in (self.headers.get("Accept-Encoding") or "").lower()
                and app.state.cfg("ServiceSettings.WebserverMode", "gzip") == "gzip"
                and not (fault is not None and (fault.get("truncate") or fault.get("invalid_json")))):
            body = gzip.compress(body, mtime=0)
            headers.append(("Content-Encoding", "gzip"))
            headers.append(("Vary", "Accept-Encoding"))
        entry["status"] = resp.status
        if fault is not None and fault.get("truncate"):
            extra = int(fault.get("truncate_extra", 0) or 0) or max(16, len(body))
            keep = len(body) // 2
            self.send_raw(resp.status, headers, body, head_only=head_only,
                          content_length=len(body) + extra, close=True, body_prefix_only=keep)
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        close = bool(fault is not None and fault.get("close"))
        self.send_raw(resp.status, headers, body, head_only=head_only, close=close)

    def fault_response(self, f):
        if f.get("rate_limit") and f.get("status") is None:
            status = 429
        else:
            status = int(f.get("status"))
        body = f.get("body")
        ctype = f.get("content_type")
        if f.get("rate_limit"):
            if body is None:
                body = "limit exceeded\n"
            ctype = ctype or "text/plain; charset=utf-8"
            hdrs = [("X-Ratelimit-Limit", str(f.get("limit", 10))),
                    ("X-Ratelimit-Remaining", "0"),
                    ("X-Ratelimit-Reset", str(f.get("retry_after", 1))),
                    ("Retry-After", str(f.get("retry_after", 1)))]
        else:
            hdrs = []
        if body is None:
            raw = b""
        elif isinstance(body, (dict, list)):
            raw = go_json(body)
            ctype = ctype or "application/json"
        else:
            raw = str(body).encode("utf-8")
        if f.get("body_b64"):
            raw = base64.b64decode(f["body_b64"])
        if f.get("repeat") is not None:
            # body + repeat * repeat_count + suffix: huge bodies for tests
            raw = (raw + str(f["repeat"]).encode("utf-8") * int(f.get("repeat_count", 1))
                   + str(f.get("suffix", "")).encode("utf-8"))
        if ctype is None:
            ctype = "application/json"
        return Response(status, raw, ctype, hdrs)

    # ----- control API -----
    def control(self, path, raw_query, body):
        app = self.server.app
        st = app.state
        name = path[len(CONTROL_PREFIX):].strip("/")
        method = self.command
        try:
            payload = json.loads(body.decode("utf-8")) if body.strip() else None
        except (ValueError, UnicodeDecodeError) as e:
            return self.control_reply(400, {"error": "bad JSON: %s" % e})
        try:
            if name == "reset" and method == "POST":
                st.reset()
                if isinstance(payload, dict) and payload:
                    self.apply_toggles(payload)
                return self.control_reply(200, {"status": "OK"})
            if name == "state":
                if method == "POST":
                    if not isinstance(payload, dict):
                        return self.control_reply(400, {"error": "expected a JSON object"})
                    self.apply_toggles(payload)
                elif method != "GET":
                    return self.control_reply(405, {"error": "method"})
                return self.control_reply(200, self.state_view())
            if name == "faults":
                if method == "GET":
                    with st.stats_lock:
                        out = [{k: v for k, v in f.items() if k != "_re"} for f in st.faults]
                    return self.control_reply(200, out)
                if method == "DELETE":
                    with st.stats_lock:
                        st.faults = []
                    return self.control_reply(200, {"status": "OK"})
                if method in ("POST", "PUT"):
                    rules = payload
                    if isinstance(rules, dict) and "faults" in rules:
                        rules = rules["faults"]
                    if isinstance(rules, dict):
                        rules = [rules]
                    if not isinstance(rules, list):
                        return self.control_reply(400, {"error": "expected a fault object or list"})
                    compiled = []
                    for r in rules:
                        if not isinstance(r, dict):
                            return self.control_reply(400, {"error": "fault must be an object"})
                        r = dict(r)
                        rx = r.get("path_regex")
                        try:
                            r["_re"] = re.compile(rx) if rx else None
                        except re.error as e:
                            return self.control_reply(400, {"error": "bad path_regex: %s" % e})
                        t = r.get("times")
                        r["_remaining"] = int(t) if t is not None else None
                        if r.get("status") is not None:
                            r["status"] = int(r["status"])
                        compiled.append(r)
                    with st.stats_lock:
                        if method == "PUT":
                            st.faults = []
                        st.faults.extend(compiled)
                        n = len(st.faults)
                    return self.control_reply(200, {"status": "OK", "count": n})
            if name == "log":
                if method == "DELETE":
                    with st.stats_lock:
                        st.request_log = []
                    return self.control_reply(200, {"status": "OK"})
                q = parse_qs(raw_query)
                since = int(q.get("since", ["0"])[0] or 0)
                with st.stats_lock:
                    out = [e for e in st.request_log if e["seq"] > since]
                return self.control_reply(200, out)
            if name == "stats":
                with st.stats_lock:
                    out = {"connections": st.connections, "requests": st.requests,
                           "connections_accepted": st.connections_accepted,
                           "tcp_connections": st.tcp_connections,
                           "unix_connections": st.unix_connections}
                return self.control_reply(200, out)
            if name == "config":
                with st.lock:
                    if method in ("POST", "PATCH") and isinstance(payload, dict):
                        st.config = cfgutil.merge(st.config, payload)
                    elif method == "PUT" and isinstance(payload, dict):
                        st.config = payload
                    return self.control_reply(200, st.config)
            for mod in app.areas:
                fn = getattr(mod, "control", None)
                res = fn(st, name, method, payload) if fn else None
                if res is not None:
                    return self.control_reply(*res)
            return self.control_reply(404, {"error": "unknown control endpoint %s %s" % (method, path)})
        except (ValueError, TypeError, KeyError) as e:
            return self.control_reply(400, {"error": "%s: %s" % (type(e).__name__, e)})
        except Exception as e:  # never drop the control connection
            traceback.print_exc(file=sys.stderr)
            return self.control_reply(500, {"error": repr(e)})

    def control_reply(self, status, obj):
        body = json.dumps(obj).encode("utf-8")
        self.send_raw(status, [("Content-Type", "application/json")], body,
                      head_only=self.command == "HEAD")

    def state_view(self):
        app = self.server.app
        st = app.state
        with st.lock:
            v = {k: getattr(st, k) for k in st._toggle_defaults().keys()}
            v.update({
                "site_url": st.site_url(),
                "plugins_enabled": bool(st.cfg("PluginSettings.Enable")),
                "enable_uploads": bool(st.cfg("PluginSettings.EnableUploads")),
                "restrict_system_admin": st.restrict_system_admin(),
                "env_overrides": st.env_overrides,
                "busy": st.is_busy(),
                "tcp_port": app.tcp_port,
                "socket": app.socket_path,
            })
            for mod in app.areas:
                fn = getattr(mod, "state_view", None)
                if fn:
                    v.update(fn(st))
        return v

    def apply_toggles(self, payload):
        app = self.server.app
        st = app.state
        cfg_toggles = {
            "site_url": "ServiceSettings.SiteURL",
            "plugins_enabled": "PluginSettings.Enable",
            "enable_uploads": "PluginSettings.EnableUploads",
            "restrict_system_admin": "ExperimentalSettings.RestrictSystemAdmin",
            "enable_developer": "ServiceSettings.EnableDeveloper",
            "user_access_tokens": "ServiceSettings.EnableUserAccessTokens",
            "mfa_enabled": "ServiceSettings.EnableMultifactorAuthentication",
            "enable_marketplace": "PluginSettings.EnableMarketplace",
            "require_plugin_signature": "PluginSettings.RequirePluginSignature",
            "max_file_size": "FileSettings.MaxFileSize",
            "enable_file_attachments": "FileSettings.EnableFileAttachments",
            "enable_public_link": "FileSettings.EnablePublicLink",
            "goroutine_health_threshold": "ServiceSettings.GoroutineHealthThreshold",
            "webserver_mode": "ServiceSettings.WebserverMode",
        }
        simple = set(st._toggle_defaults().keys())
        with st.lock:
            for key, value in payload.items():
                if key in simple:
                    setattr(st, key, value)
                elif key in cfg_toggles:
                    st.set_cfg(cfg_toggles[key], value)
                elif key == "config_patch":
                    if not isinstance(value, dict):
                        raise ValueError("config_patch must be an object")
                    st.config = cfgutil.merge(st.config, value)
                elif key == "env_overrides":
                    if not isinstance(value, dict):
                        raise ValueError("env_overrides must be an object of dotted paths")
                    st.env_overrides = dict(value)
                    cfgutil.apply_env_overrides(st, st.config)
                else:
                    handled = False
                    for mod in app.areas:
                        fn = getattr(mod, "apply_toggle", None)
                        if fn and fn(st, key, value):
                            handled = True
                            break
                    if not handled:
                        raise ValueError("unknown state toggle %r" % key)


class TCPServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False
    request_queue_size = 128

    def __init__(self, addr, handler, app, tls=None):
        if ":" in addr[0]:
            self.address_family = socket.AF_INET6
        self.app = app
        self.listener = "tcp"
        self.tls = tls
        super().__init__(addr, handler)

    def handle_error(self, request, client_address):
        # A client that refuses our certificate is what the TLS tests do.
        if self.tls is not None and isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)

    def get_request(self):
        conn, addr = super().get_request()
        if self.tls is not None:
            # The handshake happens on the handler thread's first read.
            conn = self.tls.wrap_socket(conn, server_side=True,
                                        do_handshake_on_connect=False)
        return conn, addr


class UnixServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128

    def __init__(self, path, handler, app):
        self.app = app
        self.listener = "unix"
        super().__init__(path, handler)


def write_port_file(path, port):
    d = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(d, ".%s.%d.tmp" % (os.path.basename(path), os.getpid()))
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.replace(tmp, path)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description="Stand-in Mattermost server for mmadm tests")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file")
    p.add_argument("--socket", help="also listen on this unix socket (local mode)")
    p.add_argument("--server-version", default="11.1.0")
    p.add_argument("--build-number", default="4521")
    p.add_argument("--no-file-test", action="store_true",
                   help="do not serve POST /api/v4/file/test (404, like the fork)")
    p.add_argument("--ping-unhealthy", action="store_true")
    p.add_argument("--no-remote-cluster", action="store_true",
                   help="remote cluster service disabled (501)")
    p.add_argument("--site-url", default=None)
    lic = p.add_mutually_exclusive_group()
    lic.add_argument("--license", dest="license", action="store_true", default=False)
    lic.add_argument("--no-license", dest="license", action="store_false")
    p.add_argument("--tls-cert", help="serve HTTPS with this PEM certificate")
    p.add_argument("--tls-key", help="private key of --tls-cert")
    p.add_argument("--instances", type=int, default=1,
                   help="serve N independent stand-ins (own state, faults, log), each on its "
                        "own TCP port; the first is the usual one (fleet tests)")
    p.add_argument("--ports-file", help="receives every instance's TCP port, one a line")
    p.add_argument("--verbose", action="store_true")
    return p.parse_args(argv)


def main(argv=None):
    opts = parse_args(argv)
    app = App(opts)
    tls = None
    if opts.tls_cert:
        import ssl
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(opts.tls_cert, opts.tls_key)
    tcp = TCPServer((opts.host, opts.port), Handler, app, tls)
    app.tcp_port = tcp.server_address[1]
    unix = None
    if opts.socket:
        try:
            if os.path.lexists(opts.socket):
                os.unlink(opts.socket)
        except OSError as e:
            sys.stderr.write("standin: cannot remove stale socket %s: %s\n" % (opts.socket, e))
            return 1
        old_umask = os.umask(0o177)
        try:
            unix = UnixServer(opts.socket, Handler, app)
        finally:
            os.umask(old_umask)
        os.chmod(opts.socket, 0o600)

    extra = []
    if opts.instances > 1:
        xopts = copy.copy(opts)
        xopts.socket = None
        for _ in range(opts.instances - 1):
            xapp = App(xopts)
            srv = TCPServer((opts.host, 0), Handler, xapp, tls)
            xapp.tcp_port = srv.server_address[1]
            extra.append(srv)

    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    threads = []
    for srv in [tcp, unix] + extra:
        if srv is None:
            continue
        t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
        t.start()
        threads.append(t)
    if opts.ports_file:
        d = os.path.dirname(os.path.abspath(opts.ports_file))
        tmp = os.path.join(d, ".ports.%d.tmp" % os.getpid())
        with open(tmp, "w") as f:
            for srv in [tcp] + extra:
                f.write("%d\n" % srv.server_address[1])
        os.replace(tmp, opts.ports_file)
    if opts.port_file:
        write_port_file(opts.port_file, app.tcp_port)
    if opts.verbose:
        sys.stderr.write("standin: listening on %s:%d%s\n" % (
            opts.host, app.tcp_port, (" and unix:" + opts.socket) if opts.socket else ""))
    try:
        while not stop.wait(0.5):
            pass
    finally:
        for srv in [tcp, unix] + extra:
            if srv is not None:
                srv.shutdown()
                srv.server_close()
        if opts.socket:
            try:
                os.unlink(opts.socket)
            except OSError:
                pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
