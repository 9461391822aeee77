"""--watch SECONDS: repeat a read command; redraw on a terminal, append
otherwise; --count N or Ctrl-C ends it."""

import os
import shlex
import signal
import subprocess
import time
import unittest

from harness import MmadmTestCase, mmadm_bin


class TestWatch(MmadmTestCase):
    def test_appends_when_not_a_terminal(self):
        t0 = time.monotonic()
        r = self.run_mmadm("system", "ping", "--watch", "1", "--count", "3", env=self.admin_env())
        elapsed = time.monotonic() - t0
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(r.out, "OK\nOK\nOK\n")
        self.assertNotIn("\x1b", r.out)
        self.assertEqual(len(self.server.find_requests("GET", "/api/v4/system/ping")), 3)
        self.assertGreaterEqual(elapsed, 2.0)

    def test_redraws_on_a_terminal(self):
        env = dict(self.admin_env(), MMADM_FORCE_TTY="1", COLUMNS="80")
        r = self.run_mmadm("system", "ping", "--watch", "1", "--count", "2", env=env)
        self.assertEqual(r.rc, 0, r.err)
        frames = r.out.split("\x1b[H\x1b[2J")[1:]
        self.assertEqual(len(frames), 2)
        for f in frames:
            head = f.splitlines()[0]
            self.assertTrue(head.startswith("Every 1s: mmadm system ping"), head)
            self.assertRegex(head, r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
            self.assertIn("OK", f)

    def test_with_jq_and_json(self):
        r = self.run_mmadm("system", "ping", "--watch", "1", "--count", "2", "--jq", ".status",
                           env=self.admin_env())
        self.assertEqual((r.rc, r.out), (0, "OK\nOK\n"), r.err)

    def test_a_failed_run_is_reported_and_the_watch_goes_on(self):
        gone = {"id": "x.y", "message": "gone", "status_code": 404}
        self.server.add_fault(path_regex="/system/ping", status=404, times=1, body=gone)
        r = self.run_mmadm("system", "ping", "--watch", "1", "--count", "2", env=self.admin_env())
        # 404 is not retried: the first run fails, the second succeeds
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(r.err.count("mmadm: system ping: gone"), 1)
        self.assertEqual(r.out, "OK\n")
        self.server.add_fault(path_regex="/system/ping", status=404, body=gone)
        r = self.run_mmadm("system", "ping", "--watch", "1", "--count", "2", env=self.admin_env())
        self.assertEqual(r.rc, 6)
        self.assertEqual(r.err.count("gone"), 2)

    def test_ctrl_c_ends_the_watch(self):
        cmd = shlex.split(os.environ.get("MMADM_WRAPPER", "")) + [
            mmadm_bin(), "system", "ping", "--watch", "1"]
        env = dict(self.base_env(), **self.admin_env())
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and \
                len(self.server.find_requests("GET", "/api/v4/system/ping")) < 2:
            time.sleep(0.1)
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=20)
        self.assertEqual(p.returncode, 0, err)
        self.assertTrue(out.decode().startswith("OK\nOK\n"))

    WATCHED = (("system", "ping"), ("system", "ping", "-o", "json"),
               ("system", "ping", "--jq", ".status"), ("system", "audits"))

    def test_closed_pipe_ends_the_watch_quietly(self):
        # | head: the first write that finds the reader gone ends the watch
        self.server.set_state(seed_audits=30)
        for args in self.WATCHED:
            self.server.clear_log()
            self.assertEqual(self.run_into("pipe", "--watch", "1", *args), (0, ""), args)
            self.assertEqual(len(self.server.request_log()), 1, args)

    def test_write_error_ends_the_watch(self):
        self.server.set_state(seed_audits=30)
        for args in self.WATCHED:
            rc, err = self.run_into("full", "--watch", "1", *args)
            self.assertEqual(rc, 13, (args, err))
            self.assertEqual(err, "mmadm: %s %s: cannot write output: "
                             "No space left on device\n" % args[:2], args)

    def test_usage_errors(self):
        for args, msg in ((("config", "patch", "--set", "ServiceSettings.EnableDeveloper=true",
                            "--watch", "2"), "read-only"),
                          (("system", "ping", "--count", "2"), "--count applies with --watch"),
                          (("system", "ping", "--watch", "0"), "watch"),
                          (("auth", "list", "--watch", "1"), "does not talk to a server")):
            r = self.run_mmadm(*args, env=self.admin_env())
            self.assertEqual(r.rc, 2, args)
            self.assertIn(msg, r.err)
        self.assertEqual(self.server.request_log(), [])


if __name__ == "__main__":
    unittest.main()
