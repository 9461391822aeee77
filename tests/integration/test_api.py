"""mmadm api METHOD PATH: any API v4 call with the usual target, auth,
transport, retries and output."""

import json
import os
import unittest
from urllib.parse import parse_qs

from harness import ADMIN_TOKEN, MmadmTestCase


class TestApi(MmadmTestCase):
    def api(self, *args, **kw):
        env = kw.pop("env", None) or self.admin_env()
        return self.run_mmadm("api", *args, env=env, **kw)

    def test_get_prints_the_servers_json(self):
        r = self.api("GET", "/users/me")
        self.assertEqual(r.rc, 0, r.err)
        doc = json.loads(r.out)
        self.assertEqual(doc["username"], "sysadmin")
        req = self.server.find_requests("GET", "/api/v4/users/me")[0]
        self.assertEqual(dict(req["headers"])["Authorization"], "Bearer " + ADMIN_TOKEN)
        # lower-case method, path without /api/v4, or with it: the same call
        for m, p in (("get", "users/me"), ("Get", "/api/v4/users/me")):
            r = self.api(m, p)
            self.assertEqual(r.rc, 0, r.err)
            self.assertEqual(json.loads(r.out)["username"], "sysadmin")

    def test_output_formats_apply(self):
        r = self.api("GET", "/system/ping", "-o", "plain")
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn("status\tOK", r.out.splitlines())
        r = self.api("GET", "/system/ping", "-o", "yaml")
        self.assertIn("status: OK", r.out)
        r = self.api("GET", "/users/me", "--columns", "username,email")
        self.assertEqual(r.out.strip().split("\t"), ["sysadmin", "sysadmin@example.com"])

    def test_fields_are_query_parameters_for_get(self):
        r = self.api("GET", "/system/ping", "-f", "get_server_status=true", "-f", "x=a b&c")
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn("database_status", json.loads(r.out))
        q = parse_qs(self.server.find_requests("GET", "/api/v4/system/ping")[0]["query"])
        self.assertEqual(q["get_server_status"], ["true"])
        self.assertEqual(q["x"], ["a b&c"])

    def test_typed_and_nested_fields_form_a_json_body(self):
        r = self.api("PUT", "/config/patch", "-F", "ServiceSettings[EnableDeveloper]=true",
                     "-F", "TeamSettings[MaxUsersPerTeam]=77", "-f", "TeamSettings[SiteName]=Fleet")
        self.assertEqual(r.rc, 0, r.err)
        req = self.server.find_requests("PUT", "/api/v4/config/patch")[0]
        body = json.loads(req["body"])
        self.assertEqual(body, {"TeamSettings": {"SiteName": "Fleet", "MaxUsersPerTeam": 77},
                                "ServiceSettings": {"EnableDeveloper": True}})
        cfg = self.server.config()
        self.assertTrue(cfg["ServiceSettings"]["EnableDeveloper"])
        self.assertEqual(cfg["TeamSettings"]["MaxUsersPerTeam"], 77)
        # the answer is the server's (sanitized) config
        self.assertEqual(json.loads(r.out)["TeamSettings"]["SiteName"], "Fleet")

    def test_array_fields_and_file_fields(self):
        path = os.path.join(self.home, "notice.txt")
        with open(path, "w") as f:
            f.write("line one\nline two\n")
        r = self.api("PUT", "/system/notices/view", "--dry-run", "-f", "ids[]=a", "-f", "ids[]=b",
                     "-F", "text=@" + path)
        self.assertEqual(r.rc, 0, r.err)
        shown = r.out.split("\n", 1)[1]
        self.assertEqual(json.loads(shown), {"ids": ["a", "b"], "text": "line one\nline two\n"})
        self.assertEqual(self.server.find_requests("PUT"), [])

    def test_file_fields_must_be_text(self):
        # a NUL cut the value short ("abc"), invalid UTF-8 went out raw
        # inside a JSON string
        nul = os.path.join(self.home, "nul.bin")
        with open(nul, "wb") as f:
            f.write(b"abc\0def")
        bad = os.path.join(self.home, "latin1.txt")
        with open(bad, "wb") as f:
            f.write(b"caf\xe9 ok")
        self.server.clear_log()
        r = self.api("POST", "/logs", "-F", "message=@" + nul, "-f", "level=info")
        self.fails(r, 2, nul, "NUL byte at offset 3", "--input")
        r = self.api("POST", "/logs", "-F", "message=@" + bad, "-f", "level=info")
        self.fails(r, 2, bad, "not valid UTF-8 at offset 3", "--input")
        r = self.api("POST", "/logs", "-F", "message=@-", "-f", "level=info",
                     input=b"x\xff")
        self.fails(r, 2, "standard input", "offset 1")
        self.assertEqual(self.server.request_log(), [])
        good = os.path.join(self.home, "utf8.txt")
        with open(good, "wb") as f:
            f.write("caf\u00e9\n".encode())
        self.ok(self.api("POST", "/logs", "-F", "message=@" + good, "-f", "level=info"))
        e = self.server.find_requests("POST", "/api/v4/logs")[0]
        self.assertEqual(json.loads(e["body"])["message"], "caf\u00e9\n")

    def test_input_file_and_stdin(self):
        path = os.path.join(self.home, "patch.json")
        with open(path, "w") as f:
            json.dump({"ServiceSettings": {"EnableDeveloper": True}}, f)
        r = self.api("PUT", "/config/patch", "--input", path)
        self.assertEqual(r.rc, 0, r.err)
        self.assertTrue(self.server.config()["ServiceSettings"]["EnableDeveloper"])
        r = self.api("PUT", "/config/patch", "--input", "-",
                     input='{"ServiceSettings":{"EnableDeveloper":false}}')
        self.assertEqual(r.rc, 0, r.err)
        self.assertFalse(self.server.config()["ServiceSettings"]["EnableDeveloper"])
        req = self.server.find_requests("PUT", "/api/v4/config/patch")[-1]
        self.assertEqual(dict(req["headers"])["Content-Type"], "application/json")

    def test_headers(self):
        r = self.api("GET", "/users/me", "-H", "X-Test-Header: hello")
        self.assertEqual(r.rc, 0, r.err)
        req = self.server.find_requests("GET", "/api/v4/users/me")[0]
        self.assertEqual(dict(req["headers"])["X-Test-Header"], "hello")
        for bad in ("Authorization: Bearer x", "Cookie: MMAUTHTOKEN=x", "no colon"):
            r = self.api("GET", "/users/me", "-H", bad)
            self.assertEqual(r.rc, 2, bad)
        self.assertEqual(len(self.server.find_requests()), 1)

    def test_paginate_emits_one_array(self):
        self.server.set_state(seed_audits=450)
        r = self.api("GET", "/audits", "--paginate")
        self.assertEqual(r.rc, 0, r.err)
        items = json.loads(r.out)
        self.assertEqual(len(items), len(self.server.api("GET", "/audits?per_page=200&page=0",
                                                         token=ADMIN_TOKEN).json()) * 2 +
                         len(self.server.api("GET", "/audits?per_page=200&page=2",
                                             token=ADMIN_TOKEN).json()))
        self.assertGreaterEqual(len(items), 450)
        reqs = [parse_qs(e["query"]) for e in self.server.find_requests("GET", "/api/v4/audits")][:3]
        self.assertEqual([q["page"] for q in reqs], [["0"], ["1"], ["2"]])
        self.assertEqual({q["per_page"][0] for q in reqs}, {"200"})
        # its own per_page is the page size
        self.server.clear_log()
        r = self.api("GET", "/audits?per_page=100", "--paginate", "--jq", "length")
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(int(r.out), len(items))
        self.assertEqual(len(self.server.find_requests("GET", "/api/v4/audits")), 5)
        r = self.api("POST", "/audits", "--paginate")
        self.assertEqual(r.rc, 2)

    def test_errors_are_the_usual_ones(self):
        r = self.api("GET", "/no/such/endpoint")
        self.assertEqual(r.rc, 6)
        self.assertIn("mmadm: api call: ", r.err)
        self.assertIn("api.context.404.app_error", r.err)
        self.assertEqual(r.out, "")
        r = self.api("GET", "/config", env=self.user_env())
        self.assertEqual(r.rc, 5)
        r = self.api("GET", "/users/me", env={"MMADM_URL": self.server.url, "MMADM_TOKEN": "bad"})
        self.assertEqual(r.rc, 4)
        self.server.clear_log()
        for args in (("FETCH", "/users/me"), ("GET", "http://evil/api/v4/users/me"),
                     ("GET", "/a b"), ("GET", "/users/me", "--input", "-")):
            r = self.api(*args)
            self.assertEqual(r.rc, 2, args)
        self.assertEqual(self.server.find_requests("GET", "/api/v4/users/me"), [])

    def test_dot_segments_never_leave_api_v4(self):
        # libcurl resolves dot segments: /../../etc/passwd went to
        # /etc/passwd (the web app) with the bearer token.
        self.server.clear_log()
        for path in ("/../../etc/passwd", "/users/../../../x", "/./users/me",
                     "/%2e%2e/%2E%2e/etc/passwd", "/users/.%2e", "/users/..%2fx",
                     "/api/v4/.."):
            for extra in ((), ("--paginate",)):
                with self.subTest(path=path, extra=extra):
                    r = self.api("GET", path, *extra)
                    self.fails(r, 2, "'..' segments")
                    self.assertEqual(r.out, "")
        r = self.api("POST", "/../../logs", "-f", "level=info")
        self.fails(r, 2, "'..' segments")
        self.assertEqual(self.server.request_log(), [])
        # a dot that is not a whole segment is an ordinary path
        r = self.api("GET", "/users/me..x")
        self.assertEqual(r.rc, 6, r.err)
        self.assertEqual(len(self.server.find_requests("GET", "/api/v4/users/me..x")), 1)

    def test_retries_like_any_command(self):
        self.server.add_fault(path_regex="/users/me", status=503, times=1,
                              body={"id": "x", "message": "busy", "status_code": 503})
        r = self.api("GET", "/users/me")
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(len(self.server.find_requests("GET", "/api/v4/users/me")), 2)

    def test_non_json_answers_print_as_they_came(self):
        self.server.add_fault(path_regex="/system/ping", status=200, body="plain text\nsecond\n",
                              content_type="text/plain")
        r = self.api("GET", "/system/ping")
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(r.out, "plain text\nsecond\n")

    def test_writes_and_dry_run(self):
        r = self.api("POST", "/caches/invalidate", "--dry-run")
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn("POST /api/v4/caches/invalidate", r.out)
        self.assertEqual(self.server.find_requests("POST"), [])
        r = self.api("POST", "/caches/invalidate")
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(json.loads(r.out)["status"], "OK")
        self.assertEqual(len(self.server.find_requests("POST", "/api/v4/caches/invalidate")), 1)
        r = self.api("POST", "/caches/invalidate", "--watch", "1")
        self.assertEqual(r.rc, 2)

    def test_local_mode(self):
        r = self.api("GET", "/config", env=self.local_env())
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn("ServiceSettings", json.loads(r.out))
        self.assertEqual(self.server.find_requests("GET", "/api/v4/config")[0]["listener"], "local")


if __name__ == "__main__":
    unittest.main()
