"""The logs family against the stand-in server: get (pages, filters,
--all oldest first, --follow), post and query."""
import json
import os
import shlex
import signal
import subprocess
import time

from harness import MmadmTestCase, mmadm_bin

PERM_ID = "api.context.permissions.app_error"


def msgs(out):
    """The msg of each plain output line (raw JSON log records)."""
    return [json.loads(line)["msg"] for line in out.splitlines()]


class Base(MmadmTestCase):
    def queries(self, path="/api/v4/logs"):
        return [e["query"] for e in self.server.find_requests("GET", path)]


class TestGet(Base):
    def test_formats(self):
        self.server.set_state(seed_logs=30)
        r = self.ok(self.admin("logs", "get", "--per-page", "3", "-o", "table"))
        lines = r.out.splitlines()
        self.assertRegex(lines[0], r"^TIME\s+LEVEL\s+MESSAGE$")
        self.assertRegex(lines[1], r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} Z\s+warn\s+log line 27$")
        self.assertEqual(len(lines), 4)
        r = self.ok(self.admin("logs", "get", "--per-page", "3"))
        self.assertEqual(msgs(r.out), ["log line 27", "log line 28", "log line 29"])
        self.assertTrue(r.out.splitlines()[0].startswith('{"timestamp":'))
        r = self.ok(self.admin("logs", "get", "--per-page", "2", "--json"))
        doc = json.loads(r.out)
        self.assertEqual(len(doc), 2)
        self.assertTrue(doc[0].endswith("}\n"))       # the server's strings as sent
        self.assertEqual(json.loads(doc[1])["msg"], "log line 29")
        r = self.ok(self.admin("logs", "get", "--per-page", "2", "--columns", "level,request_id"))
        self.assertEqual(r.out, "error\treq00028\ninfo\treq00029\n")
        self.assertEqual(self.queries()[0], "page=0&logs_per_page=3")

    def test_default_page_size(self):
        self.ok(self.admin("logs", "get"))
        self.assertEqual(self.queries(), ["page=0&logs_per_page=10000"])
        r = self.ok(self.admin("logs", "get", "--per-page", "50000"))
        self.assertIn("asking for 10000", r.err)
        self.assertEqual(self.queries()[1], "page=0&logs_per_page=10000")

    def test_pages(self):
        self.server.set_state(seed_logs=25)
        r = self.ok(self.admin("logs", "get", "--page", "1", "--per-page", "10"))
        self.assertEqual(msgs(r.out), ["log line %d" % i for i in range(5, 15)])
        self.server.clear_log()
        r = self.ok(self.admin("logs", "get", "--all", "--per-page", "10"))
        # every page, read newest first, printed oldest first
        self.assertEqual(msgs(r.out), ["log line %d" % i for i in range(25)])
        self.assertEqual(self.queries(), ["page=%d&logs_per_page=10" % p for p in range(3)])
        r = self.ok(self.admin("logs", "get", "--all", "--per-page", "10", "--json"))
        self.assertEqual([json.loads(x)["msg"] for x in json.loads(r.out)],
                         ["log line %d" % i for i in range(25)])
        r = self.ok(self.admin("logs", "get", "--all", "--page", "1", "--per-page", "10"))
        self.assertEqual(msgs(r.out), ["log line %d" % i for i in range(15)])

    def test_filters(self):
        self.server.set_state(seed_logs=20)
        r = self.ok(self.admin("logs", "get", "--level", "ERROR,warn"))
        self.assertEqual(msgs(r.out), ["log line %d" % i for i in range(20) if i % 5 in (2, 3)])
        r = self.ok(self.admin("logs", "get", "--grep", "line (7|1[0-2])\"", "-o", "table"))
        self.assertEqual([ln.split()[-1] for ln in r.out.splitlines()[1:]], ["7", "10", "11", "12"])
        since = json.loads(self.server.api("GET", "/logs", token="mmadmtestadmintoken0000001")
                           .json()[10])["timestamp"]
        r = self.ok(self.admin("logs", "get", "--since", since))
        self.assertEqual(msgs(r.out), ["log line %d" % i for i in range(10, 20)])
        r = self.ok(self.admin("logs", "get", "--since", "1h"))
        self.assertEqual(len(msgs(r.out)), 20)
        r = self.ok(self.admin("logs", "get", "--since", "2000-01-01 00:00", "--level", "error"))
        self.assertEqual(len(msgs(r.out)), 4)

    def test_filter_usage(self):
        self.fails(self.admin("logs", "get", "--grep", "("), 2, "regular expression")
        self.fails(self.admin("logs", "get", "--since", "last week"), 2, "not a time")
        self.fails(self.admin("logs", "get", "--level", "e-r"), 2, "not a log level")
        self.fails(self.admin("logs", "get", "--level", "bogus"), 2,
                   "'bogus' is not a log level", "debug, info, warn, error")
        self.fails(self.admin("logs", "get", "--level", "error,bogus", "--follow"), 2, "bogus")
        self.fails(self.admin("logs", "get", "--interval", "3"), 2, "--follow")
        self.fails(self.admin("logs", "get", "--follow", "--all"), 2, "--follow")
        self.assertEqual(self.server.request_log(), [])

    def test_no_log_file(self):
        self.server.patch_config({"LogSettings": {"EnableFile": False}})
        r = self.ok(self.admin("logs", "get", "--all", "--per-page", "1"))
        self.assertEqual(r.out, "")
        self.assertEqual(len(self.queries()), 1)

    def test_errors_and_local(self):
        self.fails(self.user("logs", "get"), 5, PERM_ID)
        self.server.add_fault(path_regex="^/api/v4/logs$", status=500, times=3,
                              body={"id": "api.admin.file_read_error", "message": "Cannot read."})
        self.fails(self.admin("logs", "get"), 8, "api.admin.file_read_error")
        self.server.clear_faults()
        r = self.ok(self.local("logs", "get", "--per-page", "1"))
        self.assertEqual(msgs(r.out), ["log line 49"])
        self.assertEqual(self.server.find_requests("GET", "/api/v4/logs")[-1]["listener"], "local")

    def test_mid_all_failure(self):
        self.server.set_state(seed_logs=25)
        self.server.add_fault(path_regex="page=1&", match_query=True, status=500, times=3,
                              body={"id": "app.x", "message": "Broke."})
        r = self.fails(self.admin("logs", "get", "--all", "--per-page", "10"), 8, "Broke.")
        self.assertEqual(r.out, "")

    def test_all_into_a_closed_pipe(self):
        # | head: the reader goes away; that ends the output quietly.
        self.server.set_state(seed_logs=3000)
        for fmt in ("json", "yaml", "table", "plain"):
            self.assertEqual(self.run_into("pipe", "logs", "get", "--all", "--per-page",
                                           "1000", "-o", fmt, timeout=120),
                             (0, ""), fmt)


class TestInterrupt(Base):
    """A signal during rendering stops the output at once: exit 130 and
    one line, even when the reader has stopped reading (a full pipe)."""

    def blocked_writer(self, sig):
        self.server.set_state(seed_logs=10000)
        rc, out, err, took = self.signal_blocked_writer(
            ["logs", "get", "--per-page", "10000", "-o", "table"], "/api/v4/logs", sig)
        return rc, out.decode(), err, took

    def test_sigterm_while_writing(self):
        rc, out, err, took = self.blocked_writer(signal.SIGTERM)
        self.assertEqual(rc, 130, err)
        self.assertEqual(err, "mmadm: cancelled\n")
        self.assertLess(took, 5)
        self.assertTrue(out.startswith("TIME"), out[:100])
        self.assertLess(out.count("\n"), 10001)

    def test_sigint_while_writing(self):
        rc, out, err, took = self.blocked_writer(signal.SIGINT)
        self.assertEqual(rc, 130, err)
        self.assertEqual(err, "mmadm: cancelled\n")


class TestFollow(Base):
    def start(self, *args):
        env = self.base_env()
        env.update(self.admin_env())
        cmd = (shlex.split(os.environ.get("MMADM_WRAPPER", "")) + [mmadm_bin(), "logs", "get"]
               + list(args))
        return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=env)

    def wait_requests(self, n, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.server.find_requests("GET", "/api/v4/logs")) >= n:
                return
            time.sleep(0.05)
        self.fail("fewer than %d log requests" % n)

    def test_follow_prints_new_lines_once(self):
        self.server.set_state(seed_logs=30)
        p = self.start("--follow", "--interval", "1", "--per-page", "2", "--json")
        try:
            self.wait_requests(1)
            self.server.api("POST", "/logs", {"level": "ERROR", "message": "first new"},
                            token="mmadmtestadmintoken0000001")
            self.wait_requests(2)
            self.server.set_state(append_logs=3)
            self.wait_requests(4)       # two more polls: nothing new in the second
        finally:
            p.send_signal(signal.SIGINT)
            out, err = p.communicate(timeout=30)
        self.assertEqual(p.returncode, 0, err)
        lines = [json.loads(x)["msg"] for x in json.loads(out.decode())]
        self.assertEqual(lines, ["log line 28", "log line 29",
                                 "Client Logs API Endpoint Message: first new",
                                 "appended line 31", "appended line 32", "appended line 33"])
        queries = self.queries()
        self.assertEqual(queries[0], "page=0&logs_per_page=100")
        self.assertEqual(set(queries[1:]), {"page=0&logs_per_page=1000"})

    def test_follow_filters_and_gap(self):
        p = self.start("--follow", "--interval", "1", "--level", "error")
        try:
            self.wait_requests(1)
            self.server.set_state(seed_logs=5)     # a rotated log: all new
            # The poll after the one that saw the rotation: by then its
            # answer was handled (a signal right after request 2 could
            # end the command before it printed the note).
            self.wait_requests(3)
        finally:
            p.send_signal(signal.SIGTERM)
            out, err = p.communicate(timeout=30)
        self.assertEqual(p.returncode, 0, err)
        self.assertIn("error", out.decode())
        self.assertIn("rotated", err.decode())
        got = msgs(out.decode())
        self.assertEqual(got[-1], "log line 3")
        self.assertTrue(all(json.loads(x)["level"] == "error" for x in out.decode().splitlines()))


class TestPost(Base):
    def test_post(self):
        r = self.ok(self.admin("logs", "post", "--level", "error", "deploy", "starts"))
        self.assertEqual(r.out, "ERROR\tClient Logs API Endpoint Message: deploy starts\n")
        (req,) = self.server.find_requests("POST", "/api/v4/logs")
        self.assertEqual(json.loads(req["body"]), {"level": "ERROR", "message": "deploy starts"})
        last = json.loads(self.ok(self.admin("logs", "get", "--per-page", "1")).out)
        self.assertEqual(last["level"], "error")
        r = self.ok(self.admin("logs", "post", "--level", "DEBUG", "x", "--json"))
        self.assertEqual(json.loads(r.out), {"level": "DEBUG",
                                             "message": "Client Logs API Endpoint Message: x"})
        r = self.ok(self.admin("logs", "post", "--level", "ERROR", "y", "-o", "table"))
        self.assertRegex(r.out, r"^LEVEL\s+MESSAGE\nERROR\s+Client Logs API")

    def test_non_admin_is_debug(self):
        self.ok(self.user("logs", "post", "--level", "ERROR", "from a user"))
        last = json.loads(self.ok(self.admin("logs", "get", "--per-page", "1")).out)
        self.assertEqual(last["level"], "debug")

    def test_errors(self):
        self.fails(self.run_mmadm("logs", "post", "--level", "ERROR", "anon",
                                  env={"MMADM_URL": self.server.url}), 5, PERM_ID)
        self.fails(self.admin("logs", "post", "--level", "WARN", "x"), 2, "ERROR or DEBUG")
        self.fails(self.admin("logs", "post", "x"), 2, "--level")
        self.fails(self.admin("logs", "post", "--level", "ERROR"), 2)
        self.fails(self.local("logs", "post", "--level", "ERROR", "x"), 9)
        (req,) = self.server.find_requests("POST")       # only the anonymous one
        self.assertIn("anon", req["body"])

    def test_long_and_dry_run(self):
        r = self.ok(self.admin("logs", "post", "--level", "ERROR", "z" * 450))
        self.assertIn("keeps the first 399", r.err)
        self.server.clear_log()
        r = self.ok(self.admin("logs", "post", "--level", "ERROR", "dry", "--dry-run"))
        self.assertTrue(r.out.startswith("POST /api/v4/logs\n"))
        self.assertEqual(self.server.request_log(), [])


class TestQuery(Base):
    def test_query(self):
        self.server.set_state(seed_logs=20)
        r = self.ok(self.admin("logs", "query", "--level", "ERROR", "-o", "table"))
        lines = r.out.splitlines()
        self.assertRegex(lines[0], r"^NODE\s+TIME\s+LEVEL\s+MESSAGE$")
        self.assertEqual(len(lines), 5)
        self.assertRegex(lines[1], r"^default\s+\S+ \S+ Z\s+error\s+log line 3$")
        (req,) = self.server.find_requests("POST", "/api/v4/logs/query")
        self.assertEqual(req["query"], "page=0&logs_per_page=10000")
        self.assertEqual(json.loads(req["body"]), {"server_names": [], "log_levels": ["error"],
                                                   "date_from": "", "date_to": ""})
        r = self.ok(self.admin("logs", "query", "--level", "error,warn", "--per-page", "3",
                               "--json"))
        doc = json.loads(r.out)
        # page 0 holds the newest matches, oldest first
        self.assertEqual([x["msg"] for x in doc["default"]],
                         ["log line 13", "log line 17", "log line 18"])
        r = self.ok(self.admin("logs", "query", "--level", "error", "--per-page", "2",
                               "--page", "1"))
        self.assertEqual([ln.split("\t")[3] for ln in r.out.splitlines()],
                         ["log line 3", "log line 8"])

    def stamp(self, i):
        lines = self.server.api("GET", "/logs", token="mmadmtestadmintoken0000001").json()
        return json.loads(lines[i])["timestamp"]

    def test_dates(self):
        self.server.set_state(seed_logs=20)
        r = self.ok(self.admin("logs", "query", "--from", self.stamp(11), "--to", self.stamp(15)))
        (req,) = self.server.find_requests("POST", "/api/v4/logs/query")
        body = json.loads(req["body"])
        self.assertRegex(body["date_from"], r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \+00:00$")
        self.assertEqual(body["date_from"][:23], self.stamp(11)[:23])
        # the server cannot parse the "Z" of its own lines and returns them
        # all; the client applies the range
        self.assertEqual([ln.split("\t")[3] for ln in r.out.splitlines()],
                         ["log line %d" % i for i in range(11, 16)])
        r = self.ok(self.admin("logs", "query", "--from", "1h", "--to", "now", "--json"))
        self.assertEqual(len(json.loads(r.out)["default"]), 20)
        self.fails(self.admin("logs", "query", "--from", "soon"), 2, "--from")
        self.assertEqual(len(self.server.find_requests("POST", "/api/v4/logs/query")), 2)
        self.fails(self.admin("logs", "query", "--level", "bogus"), 2,
                   "'bogus' is not a log level", "debug, info, warn, error")
        self.fails(self.admin("logs", "query", "--level", "error", "--level", "warn,Bogus"), 2,
                   "'bogus'")
        self.assertEqual(len(self.server.find_requests("POST", "/api/v4/logs/query")), 2)
        self.ok(self.admin("logs", "query", "--level", "critical,TRACE", "--json"))

    def test_empty_and_servers(self):
        r = self.ok(self.admin("logs", "query", "--level", "fatal", "--server", "node-9",
                               "--json"))
        self.assertEqual(json.loads(r.out), {})
        (req,) = self.server.find_requests("POST", "/api/v4/logs/query")
        self.assertEqual(json.loads(req["body"])["server_names"], ["node-9"])

    def test_errors(self):
        self.fails(self.user("logs", "query"), 5, PERM_ID)
        self.fails(self.local("logs", "query"), 9)
        self.server.add_fault(path_regex="^/api/v4/logs/query$", status=500,
                              body={"id": "api.system.logs.invalidFilter",
                                    "message": "Invalid filter.", "status_code": 500})
        self.fails(self.admin("logs", "query"), 8, "api.system.logs.invalidFilter")
        self.server.clear_log()
        r = self.ok(self.admin("logs", "query", "--level", "error", "--dry-run"))
        self.assertIn("POST /api/v4/logs/query?page=0&logs_per_page=10000", r.out)
        self.assertEqual(self.server.request_log(), [])


if __name__ == "__main__":
    import unittest
    unittest.main()


class TestErrorMatrix(Base):
    def test_status_codes(self):
        cases = [
            (("logs", "get"), "GET", "^/api/v4/logs$"),
            (("logs", "get", "--all", "--per-page", "5"), "GET", "^/api/v4/logs$"),
            (("logs", "post", "--level", "ERROR", "x"), "POST", "^/api/v4/logs$"),
            (("logs", "query"), "POST", "^/api/v4/logs/query$"),
        ]
        for args, method, regex in cases:
            for status, rc in ((400, 7), (404, 6), (500, 8), (501, 12)):
                with self.subTest(args=args, status=status):
                    self.server.clear_faults()
                    self.server.add_fault(path_regex=regex, method=method, status=status,
                                          times=5, body={"id": "test.fault.%d" % status,
                                                         "message": "Fault %d." % status})
                    r = self.admin(*args)
                    self.assertEqual(r.rc, rc, "%s: %s" % (args, r.err))
                    self.assertIn("test.fault.%d" % status, r.err)

    def test_token_needed(self):
        for args in (("logs", "get"), ("logs", "query")):
            with self.subTest(args=args):
                r = self.run_mmadm(*args, env={"MMADM_URL": self.server.url})
                self.assertEqual(r.rc, 4, r.err)
        self.assertEqual(self.server.request_log(), [])
