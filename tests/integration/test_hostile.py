"""Hostile and broken server responses: the client ends with one clear line
and the documented exit code, in bounded memory and time, never a crash."""
import json
import os
import shutil
import subprocess
import time
import unittest

from harness import SANITIZED, ADMIN_TOKEN, MmadmTestCase, mmadm_bin


class Hostile(MmadmTestCase):
    def fails(self, r, rc, *needles):
        self.assertEqual(r.rc, rc, "rc=%d\nout=%s\nerr=%s" % (r.rc, r.out, r.err))
        self.assertEqual(r.err.count("\n"), 1, r.err)
        for n in needles:
            self.assertIn(n, r.err)
        return r

    def peak_rss_kb(self, *args):
        """Run mmadm under /usr/bin/time; return (rc, peak RSS in KiB)."""
        if not os.path.exists("/usr/bin/time"):
            self.skipTest("/usr/bin/time not installed (Debian package 'time')")
        env = dict(self.base_env(), **self.admin_env())
        out = os.path.join(self.home, "rss")
        p = subprocess.run(["/usr/bin/time", "-o", out, "-f", "%M", mmadm_bin()] + list(args),
                           env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           timeout=120)
        with open(out) as f:
            return p.returncode, int(f.read().split()[-1]), p.stderr.decode()

    def test_gigantic_json_bounded(self):
        # 100 MB of JSON: refused past the 64 MiB cap, memory stays bounded.
        self.server.add_fault(path_regex="^/api/v4/config$", status=200, body="[",
                              repeat="1,", repeat_count=50_000_000, suffix="1]",
                              content_type="application/json")
        rc, rss, err = self.peak_rss_kb("config", "get")
        self.assertEqual(rc, 11, err)
        self.assertIn("larger than", err)
        if not SANITIZED:
            self.assertLess(rss, 110 * 1024, "peak RSS %d KiB" % rss)

    def test_deeply_nested_json(self):
        depth = 100000
        self.server.add_fault(path_regex="^/api/v4/config$", status=200,
                              body="[" * depth + "]" * depth,
                              content_type="application/json")
        self.fails(self.admin("config", "get"), 11, "not valid JSON")

    def test_deeply_nested_error_body(self):
        self.server.add_fault(path_regex="^/api/v4/config$", status=400,
                              body='{"a":' * 50000 + "1" + "}" * 50000,
                              content_type="application/json")
        self.fails(self.admin("config", "get"), 7, "HTTP 400")

    def test_wrong_shapes(self):
        self.server.add_fault(path_regex="^/api/v4/system/ping$", status=200,
                              body="[1,2,3]", content_type="application/json")
        self.fails(self.admin("system", "ping"), 11, "status")
        self.server.clear_faults()
        self.server.add_fault(path_regex="^/api/v4/config$", status=200,
                              body='"just a string"', content_type="application/json")
        self.fails(self.admin("config", "get"), 11, "not a JSON object")
        self.server.clear_faults()
        self.server.add_fault(path_regex="generate_invite$", status=201,
                              body='{"invite": 1}', content_type="application/json")
        pw = os.path.join(self.home, "pw")
        with open(pw, "w") as f:
            f.write("x\n")
        self.fails(self.admin("remotecluster", "invite", "a" * 26, "--password-file", pw),
                   11, "invite code")

    def test_apperror_with_control_characters(self):
        self.server.add_fault(path_regex="^/api/v4/config$", status=403,
                              body=json.dumps({"id": "x\x1b]0;pwned\x07",
                                               "message": "No \x1b[2J\x9b31m way\u009b"}),
                              content_type="application/json")
        r = self.fails(self.admin("config", "get"), 5)
        self.assertNotIn("\x1b", r.err)
        self.assertNotIn("\x07", r.err)
        self.assertNotIn("\u009b", r.err)

    def test_rate_limited_then_ok(self):
        self.server.add_fault(path_regex="^/api/v4/system/ping$", rate_limit=True,
                              retry_after=1, times=1)
        t0 = time.time()
        r = self.admin("-v", "system", "ping")
        self.assertEqual(r.rc, 0, r.err)
        self.assertGreaterEqual(time.time() - t0, 0.9)   # Retry-After honoured
        self.assertIn("retrying", r.err)

    def test_retries_bounded(self):
        self.server.add_fault(path_regex="^/api/v4/system/ping$", status=503,
                              body="down", content_type="text/plain")
        r = self.admin("system", "ping")
        self.fails(r, 8, "HTTP 503")
        self.assertEqual(len(self.server.find_requests("GET", "/api/v4/system/ping")), 3)

    def test_rate_limit_plain_text_error(self):
        self.server.add_fault(path_regex="^/api/v4/database/recycle$", rate_limit=True)
        self.fails(self.admin("db", "recycle", "--yes"), 8, "HTTP 429", "limit exceeded")
        self.assertEqual(len(self.server.find_requests("POST", "/api/v4/database/recycle")), 1)

    def test_dropped_connection(self):
        self.server.add_fault(path_regex="^/api/v4/config$", drop_connection=True)
        self.fails(self.admin("config", "get"), 3)

    def test_stalled_transfer_ends(self):
        # No --timeout: the low-speed limit (under 1 byte/s for 30 s) ends it.
        self.server.add_fault(path_regex="^/api/v4/system/ping$", delay_ms=45000)
        t0 = time.time()
        r = self.admin("system", "ping", timeout=60)
        self.assertEqual(r.rc, 3, r.err)
        self.assertLess(time.time() - t0, 40)


if __name__ == "__main__":
    unittest.main()
