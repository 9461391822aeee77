"""A list that fails prints nothing on stdout: no "[]", no table header, no
"result" in fleet mode. An empty list still prints "[]" or the header; a
list that fails after some rows closes what it printed."""
import json
import os
import unittest

from harness import ADMIN_TOKEN, MmadmTestCase

# (command, expects a licence) -- every paginated path a list goes through:
# cmd_list_rows, api --paginate, logs get --all.
LISTS = [
    ("remotecluster", "list"),
    ("system", "audits", "--all"),
    ("retention", "list", "--all"),
    ("logs", "get", "--all"),
    ("api", "GET", "/audits", "--paginate"),
]


class ListFailure(MmadmTestCase):
    server_args = ("--license",)

    def bad(self, *args):
        return self.run_mmadm(*args, env={"MMADM_URL": self.server.url,
                                          "MMADM_TOKEN": "bad"})

    def test_failure_prints_nothing_in_every_format(self):
        for cmd in LISTS:
            for fmt in ("json", "yaml", "table", "plain"):
                with self.subTest(cmd=cmd, fmt=fmt):
                    r = self.bad("-o", fmt, *cmd)
                    self.fails(r, 4, "HTTP 401")
                    self.assertEqual(r.out, "")

    def test_paginate_on_an_object_prints_nothing(self):
        for fmt in ("json", "yaml", "table"):
            with self.subTest(fmt=fmt):
                r = self.admin("-o", fmt, "api", "GET", "/users/me?x=1", "--paginate")
                self.fails(r, 11, "answers a list")
                self.assertEqual(r.out, "")

    def test_empty_list_still_printed(self):
        self.assertEqual(self.ok(self.admin("-o", "json", "retention", "list", "--all")).out,
                         "[]\n")
        self.assertEqual(self.ok(self.admin("-o", "yaml", "retention", "list", "--all")).out,
                         "[]\n")
        out = self.ok(self.admin("-o", "table", "retention", "list", "--all")).out
        self.assertEqual(out.split(), ["ID", "NAME", "DAYS", "TEAMS", "CHANNELS"])
        self.assertEqual(self.ok(self.admin("-o", "json", "remotecluster", "list")).out,
                         "[]\n")

    def test_failure_after_rows_closes_the_list(self):
        # page 0 answers one row, page 1 fails: the rows stay, JSON parses,
        # the exit code is the failure's.
        self.server.add_fault(path_regex=r"^/api/v4/audits\?page=1&", match_query=True,
                              status=500, content_type="application/json",
                              body=json.dumps({"id": "x", "message": "boom",
                                               "status_code": 500}))
        r = self.admin("-o", "json", "system", "audits", "--all", "--per-page", "1")
        self.fails(r, 8, "boom")
        self.assertEqual(len(json.loads(r.out)), 1)
        r = self.admin("-o", "table", "system", "audits", "--all", "--per-page", "1")
        self.fails(r, 8, "boom")
        self.assertEqual(len(r.out.splitlines()), 2)  # header and the row
        self.assertTrue(r.out.startswith("TIME"))

    def test_a_repeated_full_page_stops_the_loop(self):
        # A server that ignores the page parameter answers the same 200
        # items for every page: the loop stops at page 1 instead of
        # printing rows for ever.
        item = '{"id":"a","create_at":1,"user_id":"u","action":"/x","extra_info":"",' \
               '"ip_address":"","session_id":""}'
        cases = [
            (r"^/api/v4/audits$", "/api/v4/audits",
             ("-o", "plain", "system", "audits", "--all")),
            (r"^/api/v4/audits$", "/api/v4/audits",
             ("api", "GET", "/audits", "--paginate", "--jq", "length")),
            (r"^/api/v4/plugins/marketplace$", "/api/v4/plugins/marketplace",
             ("-o", "plain", "plugin", "marketplace", "list", "--all")),
        ]
        for regex, path, cmd in cases:
            with self.subTest(cmd=cmd):
                self.server.reset()
                self.server.add_fault(path_regex=regex, method="GET", status=200,
                                      body="[", repeat=item + ",", repeat_count=199,
                                      suffix=item + "]")
                r = self.admin(*cmd, timeout=20)
                self.fails(r, 11, "the same page twice", "stopping")
                self.assertNotIn("--paginate needs", r.err)
                self.assertEqual(len(self.server.find_requests("GET", path)), 2)
                if cmd[0] == "-o":
                    self.assertEqual(len(r.out.splitlines()), 200)

    def test_fleet_failed_member_has_no_result(self):
        os.makedirs(os.path.join(self.xdg_config_home, "mmadm"), mode=0o700)
        path = os.path.join(self.xdg_config_home, "mmadm", "config.yaml")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write("active: good\nprofiles:\n"
                    "  good:\n    url: %s\n    auth: token\n    token: %s\n"
                    "  bad:\n    url: %s\n    auth: token\n    token: bad\n"
                    % (self.server.url, ADMIN_TOKEN, self.server.url))
        r = self.run_mmadm("--all-profiles", "-o", "json", "retention", "list", "--all")
        self.assertEqual(r.rc, 4, r)
        doc = json.loads(r.out)
        self.assertEqual(doc["good"], [])
        self.assertEqual(doc["bad"]["error"]["exit_code"], 4)
        self.assertNotIn("result", doc["bad"])


if __name__ == "__main__":
    unittest.main()
