"""--jq EXPR on every command: libjq in-process on the JSON result."""

import json
import os
import unittest

from harness import ADMIN_TOKEN, MmadmTestCase


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

    def test_json_results_escape_what_a_terminal_would_obey(self):
        # The same rule as -o json: C1 controls and bidi overrides are
        # written as \u escapes (the same values).
        r = self.run_admin("system", "ping", "--jq", '{a: "x\\u202ey \\u009b"}')
        self.assertEqual((r.rc, r.out), (0, '{"a":"x\\u202ey \\u009b"}\n'), r.err)
        self.assertEqual(json.loads(r.out), {"a": "x\u202ey \u009b"})

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


class TestJqOutputFailure(MmadmTestCase):
    """Output that cannot be written: /dev/full is an error (exit 13, one
    line), a reader that went away (| head) ends the output quietly, and
    either stops the filter at once, however many values it would make."""

    def two_profiles(self):
        d = os.path.join(self.xdg_config_home, "mmadm")
        os.makedirs(d, mode=0o700)
        lines = ["active: a", "profiles:"]
        for n in ("a", "b"):
            lines += ["  %s:" % n, "    url: %s" % self.server.url, "    auth: token",
                      "    token: %s" % ADMIN_TOKEN]
        fd = os.open(os.path.join(d, "config.yaml"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
                     0o600)
        with os.fdopen(fd, "w") as f:
            f.write("\n".join(lines) + "\n")

    FILTERS = (("--jq", ".status"), ("--jq", "repeat(1)"), ("--jq", "range(0; 100000000)"))

    def test_full_disk_is_a_write_error(self):
        for jq in self.FILTERS:
            rc, err = self.run_into("full", "system", "ping", *jq)
            self.assertEqual(rc, 13, (jq, err))
            self.assertEqual(err, "mmadm: system ping: cannot write output: "
                             "No space left on device\n", jq)
        self.two_profiles()
        rc, err = self.run_into("full", "--all-profiles", "--jq", ".a", "system", "ping")
        self.assertEqual(rc, 13, err)
        self.assertEqual(err.count("\n"), 1, err)
        self.assertIn("cannot write output: No space left on device", err)

    def test_closed_pipe_ends_quietly(self):
        for jq in self.FILTERS:
            self.assertEqual(self.run_into("pipe", "system", "ping", *jq), (0, ""), jq)
        # a streamed list: the command stops fetching pages too
        self.server.set_state(seed_audits=250)
        self.assertEqual(self.run_into("pipe", "api", "GET", "/audits", "--paginate",
                                       "--jq", ".[]"), (0, ""))
        self.two_profiles()
        self.assertEqual(self.run_into("pipe", "--all-profiles", "--jq", "repeat(.a)",
                                       "system", "ping"), (0, ""))

    def test_input_is_not_supported(self):
        for expr in ("input", "[inputs]"):
            r = self.run_mmadm("system", "ping", "--jq", expr, env=self.admin_env())
            self.assertEqual(r.rc, 1, r.err)
            self.assertEqual(r.err.count("\n"), 1, r.err)
            self.assertIn("--jq: input and inputs are not supported", r.err)


if __name__ == "__main__":
    unittest.main()
