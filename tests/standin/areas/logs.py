"""Logs (§3.4): GET /logs, POST /logs, POST /logs/query, GET /logs/download.

As the fork's GetLogsSkipSend: page 0 holds the newest ``logs_per_page`` lines,
page N skips the newest N pages, each page is returned oldest first; with
``LogSettings.EnableFile`` false every page is ``[""]``. Lines are mlog JSON
records whose timestamp ends in ``Z`` (UTC), which the query's date filter
(layout ``2006-01-02 15:04:05.999 -07:00``) cannot parse, so on such lines
``date_from``/``date_to`` filter nothing, as on a real UTC server; levels match
exactly (records spell them in lower case). A server that is not clustered
answers the query under the node ``default`` and ignores ``server_names``; no
matching line gives ``{}``. ``POST /logs`` logs at error only for the exact
level ``ERROR`` (and only for admins unless ``EnableDeveloper``).

Toggles: ``seed_logs`` N (replace the log with N lines, one second apart, 60+ s
old), ``append_logs`` N (add N lines stamped now)."""

import json
import re
from datetime import datetime, timedelta, timezone

from core import (ANON, AppError, Response, go_atoi, go_decode, json_response, map_from_json,
                  LOGS_PER_PAGE_DEFAULT, JSONDecodeFailure)

LEVELS = ["info", "debug", "warn", "error", "info"]
# A server without ClusterSettings.Enable answers /logs/query under "default".
NODE = "default"
# time.Parse layout of the fork's LogFilter dates and of entry timestamps
_GO_LAYOUT = re.compile(r"^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})(?:\.(\d+))? ([+-])(\d{2}):(\d{2})$")


def _line(ts, level, msg, **fields):
    # mlog's JSON format: "2006-01-02 15:04:05.000 Z07:00", so UTC ends in "Z"
    rec = {"timestamp": ts.strftime("%Y-%m-%d %H:%M:%S.") + "%03d" % (ts.microsecond // 1000) + " Z",
           "level": level, "msg": msg, "caller": "app/server.go:123"}
    rec.update(fields)
    return json.dumps(rec, separators=(",", ":")) + "\n"


def seed_logs(st, n):
    base = datetime.now(timezone.utc) - timedelta(seconds=n + 60)
    st.logs = [_line(base + timedelta(seconds=i), LEVELS[i % len(LEVELS)], "log line %d" % i,
                     request_id="req%05d" % i) for i in range(n)]


def init_state(st):
    seed_logs(st, 50)


def append_logs(st, n):
    now = datetime.now(timezone.utc)
    start = len(st.logs)
    st.logs.extend(_line(now, LEVELS[i % len(LEVELS)], "appended line %d" % (start + i))
                   for i in range(n))


def apply_toggle(st, key, value):
    if key == "seed_logs":
        seed_logs(st, int(value))
        return True
    if key == "append_logs":
        append_logs(st, int(value))
        return True
    return False


def _logs_page(ctx):
    page = go_atoi(ctx.q("page"))
    if page is None or page < 0:
        page = 0
    per = go_atoi(ctx.q("logs_per_page"))
    if per is None or per < 0:
        per = LOGS_PER_PAGE_DEFAULT
    elif per > LOGS_PER_PAGE_DEFAULT:
        per = LOGS_PER_PAGE_DEFAULT
    return page, per


def _go_time(s):
    """time.Parse("2006-01-02 15:04:05.999 -07:00", s), or None."""
    m = _GO_LAYOUT.match(s or "")
    if not m:
        return None
    try:
        dt = datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    if m.group(2):
        dt = dt.replace(microsecond=int((m.group(2) + "000000")[:6]))
    off = timedelta(hours=int(m.group(4)), minutes=int(m.group(5)))
    return dt.replace(tzinfo=timezone(off if m.group(3) == "+" else -off))


def _filtered(flt, line):
    """isLogFilteredByLevel || isLogFilteredByDate of the fork."""
    if flt is None:
        return False
    try:
        entry = json.loads(line)
    except ValueError:
        return False        # unparsable lines are kept
    if not isinstance(entry, dict):
        return False
    levels = flt.get("log_levels") or []
    if levels and entry.get("level") not in levels:      # exact match
        return True
    dfrom, dto = flt.get("date_from") or "", flt.get("date_to") or ""
    if dfrom == "" and dto == "":
        return False
    start = _go_time(dfrom) or datetime(1, 1, 1, tzinfo=timezone.utc)
    end = _go_time(dto) or datetime.now(timezone.utc)
    t = _go_time(entry.get("timestamp") if isinstance(entry.get("timestamp"), str) else "")
    if t is None:
        return False        # "Cannot parse timestamp, skipping" (a "Z" zone never parses)
    return t < start or t > end


def _get_logs_skip_send(st, page, per, flt=None):
    """app.GetLogsSkipSend: read the file from its end; page N skips the
    newest N*per lines that pass the filter; the page is returned oldest first.
    With LogSettings.EnableFile off the answer is [""]."""
    if not st.cfg("LogSettings.EnableFile", True):
        return [""]
    out = []
    count = 0
    for line in reversed(st.logs):
        if _filtered(flt, line):
            continue
        count += 1
        if count > page * per:
            out.append(line)
        if len(out) == per:
            break
    out.reverse()
    return out


def get_logs(ctx):
    ctx.require_perm("get_logs", nra=True)
    page, per = _logs_page(ctx)
    return json_response(_get_logs_skip_send(ctx.state, page, per))


def post_log(ctx):
    st = ctx.state
    force_debug = False
    if not st.cfg("ServiceSettings.EnableDeveloper", False):
        if ctx.session is None or not ctx.session.user_id:
            raise AppError(403, "api.context.permissions.app_error")
        if not ctx.has_perm("manage_system"):
            force_debug = True
    m = map_from_json(ctx.body)
    lvl = m.get("level", "")
    msg = m.get("message", "")
    if len(msg) > 400:
        msg = msg[:399]
    msg = "Client Logs API Endpoint Message: " + msg
    # the fork compares with "ERROR" exactly
    level = "error" if (lvl == "ERROR" and not force_debug) else "debug"
    st.logs.append(_line(datetime.now(timezone.utc), level, msg, type="client_message",
                         user_agent=ctx.header("User-Agent")))
    m["message"] = msg
    return json_response(dict(sorted(m.items())))


def query_logs(ctx):
    ctx.require_perm("get_logs", nra=True)
    try:
        f = go_decode(ctx.body)
    except JSONDecodeFailure as e:
        raise AppError(500, "api.system.logs.invalidFilter", str(e))
    if not isinstance(f, dict):
        raise AppError(500, "api.system.logs.invalidFilter")
    for key in ("server_names", "log_levels"):
        v = f.get(key)
        if v is not None and (not isinstance(v, list) or not all(isinstance(x, str) for x in v)):
            raise AppError(500, "api.system.logs.invalidFilter", "json: cannot unmarshal " + key)
    for key in ("date_from", "date_to"):
        if f.get(key) is not None and not isinstance(f.get(key), str):
            raise AppError(500, "api.system.logs.invalidFilter", "json: cannot unmarshal " + key)
    page, per = _logs_page(ctx)
    # not clustered: server_names has no effect, the node is "default"
    out = []
    for line in _get_logs_skip_send(ctx.state, page, per, f):
        try:
            rec = json.loads(line)
        except ValueError:
            continue        # "Error parsing log line in Server Logs"
        out.append(rec)
    return json_response({NODE: out} if out else {})


def download_logs(ctx):
    ctx.require_perm("get_logs", nra=True)
    body = "".join(ctx.state.logs).encode()
    return Response(200, body, "text/plain", [("Content-Disposition", 'attachment; filename="mattermost.log"')],
                    is_file=True)


def register(r):
    r.add("GET", "/logs", get_logs, local=True)
    r.add("POST", "/logs", post_log, auth=ANON)
    r.add("POST", "/logs/query", query_logs)
    r.add("GET", "/logs/download", download_logs)
