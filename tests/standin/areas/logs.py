"""Logs (§3.4): GET /logs, POST /logs, POST /logs/query, GET /logs/download."""

import json
import re
from datetime import datetime, timedelta, timezone

from core import (ANON, AppError, Response, go_atoi, go_decode, json_response, map_from_json,
                  LOGS_PER_PAGE_DEFAULT, JSONDecodeFailure)

LEVELS = ["info", "debug", "warn", "error", "info"]
NODE = "standin-node-1"


def _line(ts, level, msg, **fields):
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


def apply_toggle(st, key, value):
    if key == "seed_logs":
        seed_logs(st, int(value))
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


def get_logs(ctx):
    ctx.require_perm("get_logs", nra=True)
    page, per = _logs_page(ctx)
    logs = ctx.state.logs
    # page 0 = the newest `per` lines, in file order
    end = len(logs) - page * per
    start = max(0, end - per)
    return json_response(logs[start:end] if end > 0 else [])


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
    level = "error" if (lvl.lower() == "error" and not force_debug) else "debug"
    from datetime import datetime as _dt
    st.logs.append(_line(_dt.now(timezone.utc), level, msg, source="client"))
    m["message"] = msg
    return json_response(dict(sorted(m.items())))


def _parse_date(s):
    if not s:
        return None
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})(?:\.(\d{1,3}))? ?([+-]\d{2}:\d{2}|Z)?", s.strip())
    if not m:
        raise ValueError(s)
    dt = datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S")
    tz = m.group(3)
    if tz and tz != "Z":
        sign = 1 if tz[0] == "+" else -1
        off = timedelta(hours=int(tz[1:3]), minutes=int(tz[4:6])) * sign
        dt = dt.replace(tzinfo=timezone(off))
    else:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt


def query_logs(ctx):
    ctx.require_perm("get_logs", nra=True)
    try:
        f = go_decode(ctx.body)
    except JSONDecodeFailure as e:
        raise AppError(500, "api.system.logs.invalidFilter", str(e))
    if not isinstance(f, dict):
        raise AppError(500, "api.system.logs.invalidFilter")
    try:
        levels = [x.lower() for x in (f.get("log_levels") or [])]
        names = f.get("server_names") or []
        dfrom = _parse_date(f.get("date_from") or "")
        dto = _parse_date(f.get("date_to") or "")
    except (ValueError, AttributeError, TypeError) as e:
        raise AppError(500, "api.system.logs.invalidFilter", str(e))
    page, per = _logs_page(ctx)
    out = []
    if not names or NODE in names:
        for line in ctx.state.logs:
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if levels and rec.get("level", "").lower() not in levels:
                continue
            try:
                ts = datetime.strptime(rec["timestamp"][:19], "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc)
            except (KeyError, ValueError):
                ts = None
            if dfrom and ts and ts < dfrom:
                continue
            if dto and ts and ts > dto:
                continue
            out.append(rec)
    out = out[page * per: page * per + per]
    return json_response({NODE: out})


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
