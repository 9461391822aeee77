"""Fleet mode: one command against many servers at once (--profiles,
--all-profiles, --profiles-matching), through one libcurl multi loop.

A fleet of 50 servers: 47 stand-in instances in one process plus 3 ports with
nothing listening; some instances are slow (delay faults)."""

import json
import os
import socket
import time
import unittest

from harness import ADMIN_TOKEN, MmadmTestCase, StandinFleet

N = 50
DOWN = (7, 23, 41)          # profile indexes with no server
SLOW = (3, 30, 44, 49)      # profile indexes whose ping takes DELAY seconds
DELAY = 2.0


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def name(i):
    return "s%02d" % i


class FleetCase(MmadmTestCase):
    """The class's own stand-in (unused here) plus the fleet."""

    fleet = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fleet = StandinFleet(N - len(DOWN)).start()
        inst = iter(range(len(cls.fleet)))
        cls.urls, cls.inst_of = [], {}
        for i in range(N):
            if i in DOWN:
                cls.urls.append("http://127.0.0.1:%d" % free_port())
            else:
                k = next(inst)
                cls.inst_of[i] = k
                cls.urls.append(cls.fleet[k].url)

    @classmethod
    def tearDownClass(cls):
        if cls.fleet is not None:
            cls.fleet.stop()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        for k in range(len(self.fleet)):
            self.fleet[k].reset()
        os.makedirs(os.path.join(self.xdg_config_home, "mmadm"), mode=0o700)
        path = os.path.join(self.xdg_config_home, "mmadm", "config.yaml")
        lines = ["active: s00", "profiles:"]
        for i in range(N):
            lines += ["  %s:" % name(i), "    url: %s" % self.urls[i], "    auth: token",
                      "    token: %s" % ADMIN_TOKEN]
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write("\n".join(lines) + "\n")

    def srv(self, i):
        return self.fleet[self.inst_of[i]]

    def slow_down(self, indexes, delay=DELAY, path="/system/ping"):
        for i in indexes:
            self.srv(i).add_fault(path_regex=path, delay_ms=int(delay * 1000))

    def timed(self, *args, **kw):
        t0 = time.monotonic()
        r = self.run_mmadm(*args, **kw)
        return r, time.monotonic() - t0

    def slack(self):
        # valgrind and sanitizers slow every run down
        return 15.0 if os.environ.get("MMADM_WRAPPER") else 2.5


class TestFleet(FleetCase):
    def test_fifty_servers_json_down_and_slow(self):
        # the same run without slow servers, for the time mmadm itself takes
        # (large under valgrind)
        r, base = self.timed("system", "ping", "--all-profiles", "-o", "json", timeout=120)
        self.assertEqual(r.rc, 3, r.err)
        for k in range(len(self.fleet)):
            self.fleet[k].clear_log()
        self.slow_down(SLOW)
        r, elapsed = self.timed("system", "ping", "--all-profiles", "-o", "json", timeout=120)
        # the first failure in profile order decides: s07 cannot connect (3)
        self.assertEqual(r.rc, 3, r.err)
        doc = json.loads(r.out)
        self.assertEqual(sorted(doc), [name(i) for i in range(N)])
        for i in range(N):
            if i in DOWN:
                e = doc[name(i)]["error"]
                self.assertEqual(e["kind"], "connect")
                self.assertEqual(e["exit_code"], 3)
                self.assertIn("cannot connect", e["message"])
            else:
                self.assertEqual(doc[name(i)]["status"], "OK", name(i))
                self.assertEqual(len(self.srv(i).find_requests("GET", "/api/v4/system/ping")), 1)
        self.assertIn("mmadm: 3 of 50 servers failed", r.err)
        for i in DOWN:
            self.assertIn("mmadm: %s: system ping: cannot connect" % name(i), r.err)
        # concurrent: about the slowest server, far from the sum of the delays
        self.assertGreaterEqual(elapsed, DELAY)
        self.assertLess(elapsed, DELAY + self.slack(), "took %.1fs" % elapsed)
        self.assertLess(elapsed - base, DELAY * (len(SLOW) - 1.5),
                        "took %.1fs, %.1fs without slow servers" % (elapsed, base))

    def test_table_has_server_column(self):
        r = self.run_mmadm("system", "ping", "--profiles-matching", "s0[0-6]", "-o", "table")
        self.assertEqual(r.rc, 0, r.err)
        lines = r.out.splitlines()
        self.assertEqual(lines[0].split(), ["SERVER", "RESULT"])
        self.assertEqual([ln.split() for ln in lines[1:]], [[name(i), "OK"] for i in range(7)])
        self.assertEqual(r.err, "")

    def test_plain_rows_of_a_list_command(self):
        # a KEY VALUE document per server becomes SERVER KEY VALUE rows
        r = self.run_mmadm("system", "ping", "--full", "--profiles", "s01,s02")
        self.assertEqual(r.rc, 0, r.err)
        rows = [ln.split("\t") for ln in r.out.splitlines()]
        self.assertIn(["s01", "status", "OK"], rows)
        self.assertIn(["s02", "database_status", "OK"], rows)
        self.assertEqual({row[0] for row in rows}, {"s01", "s02"})

    def test_first_failure_in_profile_order_decides_exit_code(self):
        self.srv(2).add_fault(path_regex="/system/ping", status=403,
                                 body={"id": "api.context.permissions.app_error",
                                       "message": "You do not have the appropriate permissions.",
                                       "detailed_error": "", "status_code": 403})
        r = self.run_mmadm("system", "ping", "--profiles", "s07,s02,s01", "-o", "json")
        # s07 (down, 3) is listed first
        self.assertEqual(r.rc, 3, r.err)
        r = self.run_mmadm("system", "ping", "--profiles", "s01,s02,s07", "-o", "json")
        self.assertEqual(r.rc, 5, r.err)
        doc = json.loads(r.out)
        self.assertEqual(doc["s02"]["error"]["http_status"], 403)
        self.assertEqual(doc["s02"]["error"]["id"], "api.context.permissions.app_error")
        self.assertIn("mmadm: 2 of 3 servers failed", r.err)

    def test_parallel_bounds_concurrency(self):
        self.slow_down(SLOW, delay=1.0)
        sel = ",".join(name(i) for i in SLOW)
        r, t_par = self.timed("system", "ping", "--profiles", sel)
        self.assertEqual(r.rc, 0, r.err)
        r, t_one = self.timed("system", "ping", "--profiles", sel, "--parallel", "1")
        self.assertEqual(r.rc, 0, r.err)
        self.assertGreaterEqual(t_one, 3.0)
        self.assertLess(t_par, t_one)
        self.assertLess(t_par, 1.0 + self.slack())

    def test_unknown_profile_is_a_config_error_before_any_request(self):
        r = self.run_mmadm("system", "ping", "--profiles", "s01,nosuch")
        self.assertEqual(r.rc, 10)
        self.assertIn("no profile named nosuch", r.err)
        self.assertEqual(self.srv(1).request_log(), [])
        r = self.run_mmadm("system", "ping", "--profiles-matching", "zz*")
        self.assertEqual(r.rc, 10)
        self.assertIn("no profile matches", r.err)

    def test_usage_errors(self):
        for args, msg in (
                (("--profiles", "s01", "--all-profiles"), "exclude each other"),
                (("--parallel", "4"), "only with --profiles"),
                (("--all-profiles", "--url", "http://x"), "do not combine"),
                (("--all-profiles", "--curl"), "--curl"),
                (("--profiles", "s01,s01"), "twice")):
            r = self.run_mmadm("system", "ping", *args)
            self.assertEqual(r.rc, 2, (args, r.err))
            self.assertIn(msg, r.err)
        r = self.run_mmadm("auth", "list", "--all-profiles")
        self.assertEqual(r.rc, 2)
        self.assertIn("does not talk to a server", r.err)

    def test_runs_that_never_end_are_refused(self):
        # Fleet output comes when every server is done: these would print
        # nothing until Ctrl-C.
        r = self.run_mmadm("logs", "get", "--follow", "--all-profiles")
        self.assertEqual(r.rc, 2, r.err)
        self.assertIn("'logs get --follow' runs until stopped", r.err)
        self.assertEqual(r.err.count("\n"), 1, r.err)
        r = self.run_mmadm("events", "--all-profiles")
        self.assertEqual(r.rc, 2, r.err)
        self.assertIn("give --count N", r.err)
        self.assertEqual(self.srv(1).request_log(), [])

    def test_writes_need_yes_all_servers(self):
        r = self.run_mmadm("config", "patch", "--set", "ServiceSettings.EnableDeveloper=true",
                           "--profiles", "s01,s02")
        self.assertEqual(r.rc, 2)
        self.assertIn("--yes-all-servers", r.err)
        for i in (1, 2):
            self.assertEqual(self.srv(i).request_log(), [])
        r = self.run_mmadm("config", "patch", "--set", "ServiceSettings.EnableDeveloper=true",
                           "--profiles", "s01,s02", "--yes-all-servers")
        self.assertEqual(r.rc, 0, r.err)
        for i in (1, 2):
            self.assertTrue(self.srv(i).config()["ServiceSettings"]["EnableDeveloper"])
        self.assertFalse(self.srv(3).config()["ServiceSettings"]["EnableDeveloper"])
        # a dry run needs no confirmation and changes nothing
        r = self.run_mmadm("config", "patch", "--set", "ServiceSettings.EnableDeveloper=true",
                           "--profiles", "s04", "--dry-run")
        self.assertEqual(r.rc, 0, r.err)
        self.assertFalse(self.srv(4).config()["ServiceSettings"]["EnableDeveloper"])
        # the api command decides by its method
        r = self.run_mmadm("api", "POST", "/caches/invalidate", "--profiles", "s01,s02")
        self.assertEqual(r.rc, 2)
        self.assertEqual(r.err.count("--yes-all-servers"), 1, r.err)
        self.assertEqual(self.srv(1).find_requests("POST"), [])
        # a dry run shows each server's request, one row a line
        r = self.run_mmadm("api", "POST", "/caches/invalidate", "--profiles", "s01,s02",
                           "--dry-run")
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(r.out, "s01\tPOST /api/v4/caches/invalidate\n"
                                "s02\tPOST /api/v4/caches/invalidate\n")
        self.assertEqual(self.srv(1).find_requests("POST"), [])

    def test_destructive_needs_yes_too(self):
        r = self.run_mmadm("db", "recycle", "--profiles", "s01", "--yes-all-servers")
        self.assertEqual(r.rc, 2)
        self.assertIn("--yes", r.err)
        r = self.run_mmadm("db", "recycle", "--profiles", "s01,s02", "--yes-all-servers", "--yes")
        self.assertEqual(r.rc, 0, r.err)
        for i in (1, 2):
            self.assertEqual(len(self.srv(i).find_requests("POST", "/api/v4/database/recycle")), 1)

    def test_jq_over_the_fleet(self):
        r = self.run_mmadm("system", "ping", "--all-profiles",
                           "--jq", "to_entries[] | select(.value.error) | .key")
        self.assertEqual(r.rc, 3, r.err)
        self.assertEqual(r.out.split(), [name(i) for i in DOWN])

    def test_environment_target_is_ignored(self):
        # fleet members take their server from their profile only
        r = self.run_mmadm("system", "ping", "--profiles", "s05", "-o", "json",
                           env={"MMADM_URL": "http://127.0.0.1:1", "MMADM_TOKEN": "nope"})
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(json.loads(r.out)["s05"]["status"], "OK")
        hdrs = dict(self.srv(5).find_requests("GET", "/api/v4/system/ping")[0]["headers"])
        self.assertEqual(hdrs.get("Authorization"), "Bearer " + ADMIN_TOKEN)

    def test_yaml_and_verbose_messages_under_the_server_name(self):
        r = self.run_mmadm("system", "ping", "--profiles", "s01,s07", "-o", "yaml", "-v")
        self.assertEqual(r.rc, 3)
        self.assertIn("s01:\n", r.out)
        self.assertIn("s07:\n  error:\n", r.out)
        self.assertIn("s01: > GET /api/v4/system/ping", r.err)
        self.assertIn("s01: > Authorization: [redacted]", r.err)

    def test_one_connection_per_server_for_many_requests(self):
        # a paged listing makes several requests: keep-alive in the multi loop
        for i in (1, 2):
            self.srv(i).set_state(seed_audits=450)
        r = self.run_mmadm("system", "audits", "--all", "--profiles", "s01,s02", "-o", "json")
        if r.rc == 2 and "unknown command" in r.err:
            self.skipTest("no 'system audits' command in this build")
        self.assertEqual(r.rc, 0, r.err)
        doc = json.loads(r.out)
        self.assertEqual(len(doc["s01"]), 450)
        for i in (1, 2):
            st = self.srv(i).stats()
            self.assertEqual(st["requests"], 3)
            self.assertEqual(st["connections"], 1)


if __name__ == "__main__":
    unittest.main()
