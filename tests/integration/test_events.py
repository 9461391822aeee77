"""mmadm events: the WebSocket event stream, authentication_challenge,
--filter, --count, reconnect with backoff and resume."""

import json
import os
import select
import shlex
import signal
import subprocess
import time
import unittest
from urllib.parse import parse_qs

from harness import ADMIN_TOKEN, MmadmTestCase, mmadm_bin


class Listener:
    """mmadm events running in the background."""

    def __init__(self, case, *args, env=None):
        cmd = shlex.split(os.environ.get("MMADM_WRAPPER", "")) + [mmadm_bin(), "events"] + list(args)
        e = dict(case.base_env(), **(env or case.admin_env()))
        self.case = case
        self.p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=e)

    def finish(self, timeout=30):
        out, err = self.p.communicate(timeout=timeout)
        for secret in (ADMIN_TOKEN,):
            self.case.assertNotIn(secret.encode(), out + err)
        return self.p.returncode, out.decode(), err.decode()

    def kill(self):
        if self.p.poll() is None:
            self.p.kill()
            self.p.communicate()


class TestEvents(MmadmTestCase):
    def ws(self):
        return self.server.control("GET", "ws")

    def wait_for(self, pred, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            v = pred()
            if v:
                return v
            time.sleep(0.05)
        self.fail("timed out waiting")

    def authenticated(self, n=1):
        self.wait_for(lambda: self.ws()["authenticated"] >= n)

    def emit(self, *events, drop=False):
        return self.server.control("POST", "ws", {"events": list(events), "drop": drop})

    def listen(self, *args, **kw):
        ln = Listener(self, *args, **kw)
        self.addCleanup(ln.kill)
        return ln

    def test_hello_then_events_as_json_lines(self):
        ln = self.listen("--count", "3", "-o", "json")
        self.authenticated()
        self.emit({"event": "posted", "data": {"n": 1}},
                  {"event": "config_changed", "data": {"n": 2}})
        rc, out, err = ln.finish()
        self.assertEqual(rc, 0, err)
        evs = [json.loads(line) for line in out.splitlines()]
        self.assertEqual([e["event"] for e in evs], ["hello", "posted", "config_changed"])
        self.assertEqual([e["seq"] for e in evs], [0, 1, 2])
        self.assertEqual(evs[1]["data"], {"n": 1})
        self.assertTrue(evs[0]["data"]["connection_id"])
        # authenticated with the challenge, not a header
        st = self.ws()
        self.assertEqual(st["challenges"], 1)
        req = self.server.find_requests("GET", "/api/v4/websocket")[0]
        self.assertNotIn("Authorization", dict(req["headers"]))
        self.assertEqual(req["status"], 101)

    def test_filter_and_table(self):
        ln = self.listen("--filter", "posted", "--filter", "post_edited", "--count", "2",
                         "-o", "table")
        self.authenticated()
        self.emit({"event": "typing", "data": {}},
                  {"event": "posted", "data": {"x": 1},
                   "broadcast": {"channel_id": "chan1", "team_id": "", "user_id": "", "omit_users": None}},
                  {"event": "status_change", "data": {}},
                  {"event": "post_edited", "data": {"y": 2}})
        rc, out, err = ln.finish()
        self.assertEqual(rc, 0, err)
        lines = out.splitlines()
        self.assertEqual(lines[0].split(), ["SEQ", "EVENT", "CHANNEL", "TEAM", "USER", "DATA"])
        self.assertEqual(lines[1].split()[:3], ["2", "posted", "chan1"])
        self.assertEqual(lines[2].split()[:2], ["4", "post_edited"])
        self.assertIn('{"y":2}', lines[2])

    def test_reconnect_resumes_the_stream(self):
        ln = self.listen("--count", "4", "--filter", "posted")
        self.authenticated()
        cid = self.ws()["last_query"]
        self.emit({"event": "posted", "data": {"n": 1}}, drop=True)
        # sent while the client is away: kept for the resume
        self.emit({"event": "posted", "data": {"n": 2}})
        self.wait_for(lambda: self.ws()["resumed"] >= 1)
        self.emit({"event": "posted", "data": {"n": 3}}, {"event": "posted", "data": {"n": 4}})
        rc, out, err = ln.finish()
        self.assertEqual(rc, 0, err)
        evs = [json.loads(line) for line in out.splitlines()]
        self.assertEqual([e["data"]["n"] for e in evs], [1, 2, 3, 4])
        self.assertEqual([e["seq"] for e in evs], [1, 2, 3, 4])
        self.assertEqual(cid, {})
        ups = self.server.find_requests("GET", "/api/v4/websocket")
        self.assertEqual(len(ups), 2)
        q = parse_qs(ups[1]["query"])
        self.assertEqual(q["sequence_number"], ["2"])
        self.assertEqual(len(q["connection_id"][0]), 26)
        self.assertIn("reconnecting in", err)
        self.assertIn("resumed", err)

    def test_lost_stream_is_reported(self):
        ln = self.listen("--count", "2", "--filter", "posted")
        self.authenticated()
        self.emit({"event": "posted", "data": {"n": 1}})
        self.server.control("DELETE", "ws")        # the server forgets every stream
        self.emit(drop=True)
        self.wait_for(lambda: self.ws()["new_streams"] >= 2)
        self.emit({"event": "posted", "data": {"n": 2}})
        rc, out, err = ln.finish()
        self.assertEqual(rc, 0, err)
        self.assertEqual([json.loads(x)["data"]["n"] for x in out.splitlines()], [1, 2])
        self.assertIn("could not resume", err)

    def test_backoff_grows_while_the_server_refuses(self):
        ln = self.listen("--count", "1", "--filter", "posted")
        self.authenticated()
        self.server.add_fault(path_regex="/websocket", status=503, times=2,
                              body={"id": "busy", "message": "busy", "status_code": 503})
        self.emit(drop=True)
        self.wait_for(lambda: self.ws()["authenticated"] >= 1 and
                      len(self.server.find_requests("GET", "/api/v4/websocket")) >= 4)
        self.emit({"event": "posted", "data": {}})
        rc, out, err = ln.finish()
        self.assertEqual(rc, 0, err)
        waits = [float(x.split("reconnecting in ")[1].split()[0])
                 for x in err.splitlines() if "reconnecting in" in x]
        self.assertEqual(len(waits), 3, err)
        # jittered doubling: 0.5-1 s, 1-2 s, 2-4 s
        self.assertTrue(0.5 <= waits[0] <= 1.0 and 1.0 <= waits[1] <= 2.0 and
                        2.0 <= waits[2] <= 4.0, waits)

    def test_bad_token_is_an_auth_error(self):
        ln = self.listen(env={"MMADM_URL": self.server.url, "MMADM_TOKEN": "nosuchtoken"})
        rc, out, err = ln.finish()
        self.assertEqual(rc, 4, err)
        self.assertIn("refused the token", err)
        self.assertEqual(out, "")

    def test_server_down_is_a_connect_error(self):
        import socket
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        ln = self.listen(env={"MMADM_URL": "http://127.0.0.1:%d" % port, "MMADM_TOKEN": ADMIN_TOKEN})
        rc, out, err = ln.finish()
        self.assertEqual(rc, 3, err)

    def test_refused_upgrade_is_decoded(self):
        self.server.add_fault(path_regex="/websocket", status=403,
                              body={"id": "api.context.permissions.app_error",
                                    "message": "no", "status_code": 403})
        rc, out, err = self.listen().finish()
        self.assertEqual(rc, 5, err)
        self.assertIn("WebSocket refused", err)
        # without an upgrade the endpoint answers 400 like the real server
        self.server.clear_faults()
        r = self.run_mmadm("api", "GET", "/websocket", env=self.admin_env())
        self.assertEqual(r.rc, 7)
        self.assertIn("api.web_socket.connect.upgrade.app_error", r.err)

    def test_ctrl_c_ends_the_stream(self):
        ln = self.listen("-o", "json")
        self.authenticated()
        # The server counts the authentication before mmadm has printed
        # the hello that follows it: wait for the line (under valgrind
        # that can take a while), then interrupt.
        ready, _, _ = select.select([ln.p.stdout], [], [], 60)
        self.assertTrue(ready, "no hello within 60 s")
        first = ln.p.stdout.readline()
        self.assertEqual(json.loads(first)["event"], "hello")
        ln.p.send_signal(signal.SIGINT)
        rc, out, err = ln.finish()
        self.assertEqual(rc, 0, err)
        self.assertNotIn("cancelled", err)

    def test_local_mode_is_refused(self):
        r = self.run_mmadm("events", env=self.local_env())
        self.assertEqual(r.rc, 9)

    def test_count_applies_to_events(self):
        r = self.run_mmadm("events", "--count", "0", env=self.admin_env())
        self.assertEqual(r.rc, 2)


if __name__ == "__main__":
    unittest.main()
