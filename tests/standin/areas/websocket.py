"""The event stream: GET /api/v4/websocket (RFC 6455 upgrade, framing with the
standard library).

Behaviour (API-NOTES 3.1): the upgrade needs no auth; the client then sends
``{"seq":N,"action":"authentication_challenge","data":{"token":T}}`` and gets
``{"status":"OK","seq_reply":N}`` (or ``"FAIL"`` with an AppError-like ``error``).
A valid Authorization header at the upgrade authenticates at once. Once
authenticated, a new stream starts with ``hello`` (seq 0, ``data.connection_id``,
``data.server_version``) and events follow with seq 1, 2, ... Reconnecting with
``?connection_id=ID&sequence_number=N`` resumes stream ID when the server still has
event N (the last 256 events are kept): events >= N are replayed with their old
seq numbers and no hello is sent. Otherwise a new stream starts (new id, hello).
Other actions get an OK reply once authenticated. Pings get pongs.

Control API (TCP, see server.py):
  GET  /__standin/ws  -> {"live", "authenticated", "connects", "resumed",
                          "new_streams", "challenges", "last_query"}
  POST /__standin/ws  {"events": [{"event", "data", "broadcast"}, ...],
                       "drop": true}
       adds the events to every stream (the last 256 of each are kept for a
       resume, also while its connection is down) and sends them to the live
       connections, then (drop) closes every connection abruptly, without a
       close frame.
  DELETE /__standin/ws  forget every stream (resume impossible afterwards)
"""

import base64
import collections
import hashlib
import json
import socket
import struct
import sys
import threading

from core import AppError, ANON, new_id

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
HISTORY = 256


class Stream:
    def __init__(self):
        self.id = new_id()
        self.next_seq = 0
        self.history = collections.deque(maxlen=HISTORY)   # (seq, text)


class Conn:
    def __init__(self, hub, sock):
        self.hub = hub
        self.sock = sock
        self.send_lock = threading.Lock()
        self.stream = None          # set once authenticated
        self.alive = True

    def send_frame(self, opcode, payload):
        n = len(payload)
        if n < 126:
            head = struct.pack("!BB", 0x80 | opcode, n)
        elif n < 65536:
            head = struct.pack("!BBH", 0x80 | opcode, 126, n)
        else:
            head = struct.pack("!BBQ", 0x80 | opcode, 127, n)
        with self.send_lock:
            if not self.alive:
                return False
            try:
                self.sock.sendall(head + payload)
                return True
            except OSError:
                self.alive = False
                return False

    def send_json(self, obj):
        return self.send_frame(1, json.dumps(obj, separators=(",", ":")).encode())

    def drop(self):
        with self.send_lock:
            self.alive = False
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class Hub:
    def __init__(self):
        self.lock = threading.Lock()
        self.conns = []
        self.streams = {}
        self.connects = 0
        self.resumed = 0
        self.new_streams = 0
        self.challenges = 0
        self.last_query = {}

    def view(self):
        with self.lock:
            return {"live": len(self.conns),
                    "authenticated": sum(1 for c in self.conns if c.stream is not None),
                    "connects": self.connects, "resumed": self.resumed,
                    "new_streams": self.new_streams, "challenges": self.challenges,
                    "last_query": dict(self.last_query)}

    def drop_all(self):
        with self.lock:
            conns = list(self.conns)
        for c in conns:
            c.drop()

    def event(self, stream, ev):
        """Number the event on the stream and remember it (under self.lock)."""
        msg = {"event": ev.get("event", ""), "data": ev.get("data", {}),
               "broadcast": ev.get("broadcast", {"omit_users": None, "user_id": "",
                                                 "channel_id": "", "team_id": ""}),
               "seq": stream.next_seq}
        stream.next_seq += 1
        text = json.dumps(msg, separators=(",", ":"))
        stream.history.append((msg["seq"], text))
        return text

    def broadcast(self, events):
        """Every stream gets the events; live connections are sent them, the
        streams of dropped ones keep them for a resume (the dead queue)."""
        sent = 0
        with self.lock:
            texts = {sid: [self.event(st, ev) for ev in events]
                     for sid, st in self.streams.items()}
            out = [(c, texts.get(c.stream.id, [])) for c in self.conns if c.stream is not None]
        for c, ts in out:
            for t in ts:
                if c.send_frame(1, t.encode()):
                    sent += 1
        return sent

    def activate(self, conn, state, query):
        """Authenticated: resume the asked stream or start a new one."""
        cid = query.get("connection_id", [""])[0]
        seq_txt = query.get("sequence_number", [""])[0]
        replay = None
        with self.lock:
            st = self.streams.get(cid) if cid else None
            if st is not None and seq_txt.isdigit():
                want = int(seq_txt)
                oldest = st.history[0][0] if st.history else st.next_seq
                if oldest <= want <= st.next_seq:
                    replay = [t for s, t in st.history if s >= want]
            if replay is not None:
                self.resumed += 1
                conn.stream = st
            else:
                st = Stream()
                self.streams[st.id] = st
                self.new_streams += 1
                conn.stream = st
                hello = self.event(st, {"event": "hello",
                                        "data": {"connection_id": st.id,
                                                 "server_version": state.version_header()},
                                        "broadcast": {"omit_users": None, "user_id": "",
                                                      "channel_id": "", "team_id": ""}})
                replay = [hello]
        for t in replay:
            conn.send_frame(1, t.encode())


def init_state(state):
    old = getattr(state, "ws", None)
    if old is not None:
        old.drop_all()
    state.ws = Hub()


def state_view(state):
    return {"websocket": state.ws.view()}


def upgrade_refused(ctx):
    raise AppError(400, "api.web_socket.connect.upgrade.app_error",
                   "websocket: the client is not using the websocket protocol")


def register(router):
    # A plain GET (no upgrade) lands here; upgrades are taken over before routing.
    router.add("GET", "/websocket", upgrade_refused, auth=ANON)


def is_upgrade(ctx):
    return (ctx.method == "GET" and ctx.path == "/api/v4/websocket"
            and ctx.listener == "tcp"
            and (ctx.header("Upgrade", "") or "").lower() == "websocket"
            and "upgrade" in (ctx.header("Connection", "") or "").lower()
            and ctx.header("Sec-WebSocket-Key", "") != ""
            and ctx.header("Sec-WebSocket-Version", "") == "13")


def read_exact(rfile, n):
    data = b""
    while len(data) < n:
        chunk = rfile.read(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def read_frame(rfile):
    """(opcode, payload) of the next complete message, or None at EOF."""
    parts, first_op = [], None
    while True:
        head = read_exact(rfile, 2)
        if head is None:
            return None
        b0, b1 = head[0], head[1]
        fin, op, masked, n = b0 & 0x80, b0 & 0x0F, b1 & 0x80, b1 & 0x7F
        if n == 126:
            ext = read_exact(rfile, 2)
            if ext is None:
                return None
            n = struct.unpack("!H", ext)[0]
        elif n == 127:
            ext = read_exact(rfile, 8)
            if ext is None:
                return None
            n = struct.unpack("!Q", ext)[0]
        if not masked:
            return ("bad", b"client frames must be masked")
        key = read_exact(rfile, 4)
        payload = read_exact(rfile, n) if n else b""
        if key is None or payload is None:
            return None
        payload = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
        if op >= 8:                      # control frames are never fragmented
            return (op, payload)
        if first_op is None:
            first_op = op
        parts.append(payload)
        if fin:
            return (first_op, b"".join(parts))


def serve(handler, app, ctx):
    """Take over the connection of an upgrade request until it ends."""
    st = app.state
    hub = st.ws
    key = ctx.header("Sec-WebSocket-Key", "").strip().encode()
    accept = base64.b64encode(hashlib.sha1(key + GUID).digest()).decode()
    handler.send_response_only(101, "Switching Protocols")
    handler.send_header("Upgrade", "websocket")
    handler.send_header("Connection", "Upgrade")
    handler.send_header("Sec-WebSocket-Accept", accept)
    handler.send_header("X-Request-Id", ctx.request_id)
    handler.end_headers()
    handler.wfile.flush()
    conn = Conn(hub, handler.connection)
    with hub.lock:
        hub.conns.append(conn)
        hub.connects += 1
        hub.last_query = {k: v[0] for k, v in ctx.query.items()}
    try:
        token, loc = app.parse_token(ctx)
        if token and loc == "header":
            with st.lock:
                sess = app.lookup_session(token)
            if sess is not None:
                hub.activate(conn, st, ctx.query)
        while conn.alive:
            fr = read_frame(handler.rfile)
            if fr is None:
                break
            op, payload = fr
            if op == "bad":
                conn.send_frame(8, struct.pack("!H", 1002) + payload)
                break
            if op == 8:
                conn.send_frame(8, payload[:2])
                break
            if op == 9:
                conn.send_frame(10, payload)
                continue
            if op != 1:
                continue
            try:
                msg = json.loads(payload.decode("utf-8"))
                seq = int(msg.get("seq", 0))
                action = msg.get("action", "")
            except (ValueError, AttributeError, TypeError):
                continue
            if action == "authentication_challenge":
                with hub.lock:
                    hub.challenges += 1
                tok = (msg.get("data") or {}).get("token", "")
                with st.lock:
                    sess = app.lookup_session(tok) if isinstance(tok, str) and tok else None
                if sess is None:
                    conn.send_json({"status": "FAIL", "seq_reply": seq,
                                    "error": {"id": "api.web_socket_router.not_authenticated.app_error",
                                              "message": "Invalid or expired session, please login again."}})
                    continue
                conn.send_json({"status": "OK", "seq_reply": seq})
                if conn.stream is None:
                    hub.activate(conn, st, ctx.query)
                continue
            if conn.stream is None:
                conn.send_json({"status": "FAIL", "seq_reply": seq,
                                "error": {"id": "api.web_socket_router.not_authenticated.app_error",
                                          "message": "Not authenticated."}})
            else:
                conn.send_json({"status": "OK", "seq_reply": seq})
    except (OSError, ValueError):
        pass
    finally:
        conn.drop()
        with hub.lock:
            if conn in hub.conns:
                hub.conns.remove(conn)
    handler.close_connection = True


def control(state, name, method, payload):
    """/__standin/ws; returns (status, body) or None when not ours."""
    if name != "ws":
        return None
    hub = state.ws
    if method == "GET":
        return 200, hub.view()
    if method == "DELETE":
        with hub.lock:
            hub.streams = {}
        return 200, {"status": "OK"}
    if method == "POST":
        if not isinstance(payload, dict):
            return 400, {"error": "expected a JSON object"}
        events = payload.get("events") or []
        if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
            return 400, {"error": "events must be a list of objects"}
        sent = hub.broadcast(events)
        if payload.get("drop"):
            hub.drop_all()
        return 200, {"status": "OK", "sent": sent}
    return 405, {"error": "method"}


if __name__ == "__main__":
    sys.exit("part of the stand-in server: run server.py")
