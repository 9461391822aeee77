"""--jq EXPR on every command: libjq in-process on the JSON result."""

import json
import unittest

from harness import MmadmTestCase


class TestJq(MmadmTestCase):
    def run_admin(self, *args, **kw):
        return self.run_mmadm(*args, env=self.admin_env(), **kw)

    def test_strings_print_raw(self):
        r = self.run_admin("system", "ping", "--jq", ".status")
        self.assertEqual((r.rc, r.out), (0, "OK\n"), r.err)

    def test_each_result_on_its_own_line_compact(self):
        r = self.run_admin("config", "get", "--jq",
                           ".ServiceSettings | {SiteURL, EnableDeveloper}, (keys | length > 10), 42")
        self.assertEqual(r.rc, 0, r.err)
        lines = r.out.splitlines()
        self.assertEqual(len(lines), 3)
        self.assertEqual(json.loads(lines[0]),
                         {"SiteURL": "http://localhost:8065", "EnableDeveloper": False})
        self.assertEqual(lines[1:], ["true", "42"])

    def test_streamed_lists(self):
        self.server.set_state(seed_audits=250)
        r = self.run_admin("api", "GET", "/audits", "--paginate", "--jq", ".[0:2][] | .action")
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(len(r.out.splitlines()), 2)
        r = self.run_admin("api", "GET", "/audits", "--paginate", "--jq", "length")
        self.assertGreaterEqual(int(r.out), 250)

    def test_output_is_json_whatever_the_terminal(self):
        r = self.run_mmadm("system", "ping", "--jq", ".",
                           env=dict(self.admin_env(), MMADM_FORCE_TTY="1"))
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(json.loads(r.out)["status"], "OK")

    def test_invalid_expression_is_a_usage_error_before_any_request(self):
        r = self.run_admin("system", "ping", "--jq", ".[")
        self.assertEqual(r.rc, 2)
        self.assertIn("--jq: syntax error", r.err)
        self.assertEqual(self.server.request_log(), [])
        r = self.run_admin("system", "ping", "--jq", "nosuchfunction(1)")
        self.assertEqual(r.rc, 2)
        self.assertEqual(self.server.request_log(), [])

    def test_runtime_error(self):
        r = self.run_admin("system", "ping", "--jq", ".status | .[0]")
        self.assertEqual(r.rc, 1)
        self.assertIn("--jq: Cannot index string", r.err)

    def test_conflicting_options(self):
        for extra in (("-o", "yaml"), ("-o", "table"), ("--columns", "status")):
            r = self.run_admin("system", "ping", "--jq", ".", *extra)
            self.assertEqual(r.rc, 2, extra)
        r = self.run_admin("system", "ping", "--jq", ".", "--json")
        self.assertEqual(r.rc, 0, r.err)

    def test_failed_command_keeps_its_exit_code(self):
        r = self.run_admin("api", "GET", "/nope", "--jq", ".")
        self.assertEqual(r.rc, 6)
        self.assertEqual(r.out, "")

    def test_non_json_output_is_reported(self):
        r = self.run_admin("config", "patch", "--set", "ServiceSettings.EnableDeveloper=true",
                           "--dry-run", "--jq", ".")
        self.assertEqual(r.rc, 2)
        self.assertIn("--jq needs JSON output", r.err)


if __name__ == "__main__":
    unittest.main()
