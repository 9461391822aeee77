"""mmadm remotecluster ... against the stand-in server.

Every command in table, plain and json output; the error paths (403 with the
user token, 404, 400 with the server's id, 422 without a SiteURL, 501 with
the feature off, 5xx through a fault) with the exit codes of `mmadm help
exit-codes`; the refusal of every command over the local socket (exit 9);
the destructive confirmation; --dry-run sending nothing; the paging contract
(0, 1, 199, 200, 201 and 401 items, per_page/page in the request log, JSON
of --all parsing as one array, rows printed before the next page arrives);
the invite's pipeable output; the server-to-server endpoints with the
X-RemoteCluster-* headers and never an Authorization header.
"""

import json
import os
import re
import select
import subprocess
import time
import urllib.parse

from harness import ADMIN_TOKEN, CHANNEL_ID, SYSADMIN_ID, TEAM_ID, MmadmTestCase, mmadm_bin

PERM_ID = "api.context.permissions.app_error"
NOT_FOUND_ID = "api.remote_cluster.get.not_found"
MISSING_ID = "zzzzzzzzzzzzzzzzzzzzzzzzzz"


def exit_codes():
    """name -> code from `mmadm help exit-codes` (the documented contract)."""
    out = subprocess.run([mmadm_bin(), "help", "exit-codes"], stdout=subprocess.PIPE,
                         check=True).stdout.decode()
    codes = {}
    for line in out.splitlines():
        m = re.match(r"\s+(\d+)\s+(\S+)\s", line)
        if m:
            codes[m.group(2)] = int(m.group(1))
    return codes


class RCCase(MmadmTestCase):
    server_args = ("--license",)
    EXIT = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.EXIT = exit_codes()

    # ----- running -----
    def rc(self, *args, env=None, **kw):
        e = self.admin_env()
        e.update(env or {})
        return self.run_mmadm(*args, env=e, **kw)

    def tty(self):
        return {"MMADM_FORCE_TTY": "1", "COLUMNS": "250", "NO_COLOR": "1"}

    # ----- assertions -----
    def assertExit(self, r, name):
        self.assertEqual(r.rc, self.EXIT[name],
                         "exit %s, wanted %s (%s)\nout: %r\nerr: %r"
                         % (r.rc, self.EXIT[name], name, r.out, r.err))

    def assertOk(self, r):
        self.assertExit(r, "ok")
        return r

    def assertFails(self, r, name, server_id=None, text=None):
        self.assertExit(r, name)
        self.assertTrue(r.err.startswith("mmadm: "), r.err)
        if server_id:
            self.assertIn(server_id, r.err)
        if text:
            self.assertIn(text, r.err)
        self.assertEqual(r.out, "")
        return r

    def assertNothingSent(self, *args, env=None, name="usage", text=None, runner=None):
        self.server.clear_log()
        r = (runner or self.rc)(*args, **({"env": env} if env else {}))
        self.assertFails(r, name, text=text)
        self.assertEqual(self.server.request_log(), [])
        return r

    def fault_5xx(self, path_regex, *args, method=None, status=500):
        self.server.add_fault(path_regex, method=method, status=status,
                              body={"id": "app.fake.fault", "message": "injected",
                                    "detailed_error": "", "status_code": status})
        r = self.rc(*args)
        self.assertFails(r, "server", server_id="app.fake.fault")
        self.server.clear_faults()

    def non_get(self):
        return [e for e in self.server.request_log() if e["method"] != "GET"]

    def queries(self, path="/api/v4/remotecluster"):
        return [dict(urllib.parse.parse_qsl(e["query"], keep_blank_values=True))
                for e in self.server.find_requests("GET", path)]

    # ----- fixtures -----
    def seed(self, n, vary=True):
        self.server.set_state(seed_remote_clusters={"count": n, "vary": vary})

    def tokens(self):
        return self.server.get_state()["remote_cluster_tokens"]

    def create(self, name="peer", password=None):
        body = {"name": name, "default_team_id": TEAM_ID}
        if password:
            body["password"] = password
        r = self.server.api("POST", "/remotecluster", body, token=ADMIN_TOKEN)
        self.assertEqual(r.status, 201, r.body)
        return r.json()

    def write(self, name, data, mode=0o600):
        path = os.path.join(self.home, name)
        with open(path, "wb" if isinstance(data, bytes) else "w") as f:
            f.write(data)
        os.chmod(path, mode)
        return path


class TestList(RCCase):
    def test_formats(self):
        self.seed(12)
        r = self.assertOk(self.rc("remotecluster", "list", env=self.tty()))
        lines = r.out.splitlines()
        self.assertEqual(lines[0].split(),
                         ["ID", "NAME", "DISPLAY", "NAME", "STATUS", "LAST", "PING", "(UTC)", "SITE",
                          "URL", "PLUGIN"])
        self.assertEqual(len(lines), 13)
        body = "\n".join(lines[1:])
        for status in ("online", "offline", "pending"):
            self.assertIn(status, body)
        self.assertIn("com.example.plugin-7", body)
        self.assertIn("never", body)

        r = self.assertOk(self.rc("remotecluster", "list"))
        rows = [line.split("\t") for line in r.out.splitlines()]
        self.assertEqual(len(rows), 12)
        self.assertTrue(all(len(row) == 7 for row in rows))
        by_name = {row[1]: row for row in rows}
        self.assertEqual(by_name["remote-0005"][3], "pending")
        self.assertEqual(by_name["remote-0004"][3], "offline")
        self.assertEqual(by_name["remote-0001"][3], "online")
        self.assertRegex(by_name["remote-0001"][4], r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
        self.assertEqual(by_name["remote-0005"][4], "never")

        r = self.assertOk(self.rc("-o", "json", "remotecluster", "list"))
        doc = json.loads(r.out)
        self.assertEqual(len(doc), 12)
        # the server's objects, unmodified: no added columns
        self.assertNotIn("status", doc[0])
        self.assertEqual(doc, self.server.api("GET", "/remotecluster", token=ADMIN_TOKEN).json())

        r = self.assertOk(self.rc("-o", "yaml", "remotecluster", "list", "--per-page", "2"))
        self.assertTrue(r.out.startswith("- remote_id: "), r.out)
        r = self.assertOk(self.rc("--columns", "name,status,site_url", "remotecluster", "list",
                                  "--per-page", "5"))
        self.assertEqual(r.out.splitlines()[4].split("\t"),
                         ["remote-0005", "pending", by_name["remote-0005"][5]])

    def test_filters(self):
        self.seed(20)
        ids = {rc["name"]: rc["remote_id"]
               for rc in self.server.api("GET", "/remotecluster", token=ADMIN_TOKEN).json()}
        self.server.set_state(remote_cluster_channels={ids["remote-0002"]: [CHANNEL_ID],
                                                       ids["remote-0003"]: [CHANNEL_ID]})
        self.server.clear_log()
        r = self.assertOk(self.rc("remotecluster", "list", "--exclude-offline", "--in-channel",
                                  CHANNEL_ID, "--only-confirmed", "--exclude-plugins",
                                  "--include-deleted", "--topic", "incident", "--creator",
                                  SYSADMIN_ID, "--per-page", "7"))
        q = self.queries()[0]
        self.assertEqual(q, {"exclude_offline": "true", "in_channel": CHANNEL_ID,
                             "only_confirmed": "true", "exclude_plugins": "true",
                             "include_deleted": "true", "topic": "incident",
                             "creator_id": SYSADMIN_ID, "page": "0", "per_page": "7"})
        self.assertEqual([row.split("\t")[1] for row in r.out.splitlines()], ["remote-0003"])

        self.server.clear_log()
        r = self.assertOk(self.rc("remotecluster", "list", "--only-plugins", "--not-in-channel",
                                  CHANNEL_ID, "--plugin-id", "com.example.plugin-14"))
        self.assertEqual(self.queries()[0],
                         {"only_plugins": "true", "not_in_channel": CHANNEL_ID,
                          "plugin_id": "com.example.plugin-14", "page": "0", "per_page": "60"})
        self.assertEqual([row.split("\t")[1] for row in r.out.splitlines()], ["remote-0014"])

        # a deleted one shows only with --include-deleted
        self.assertEqual(self.server.api("DELETE", "/remotecluster/" + ids["remote-0001"],
                                         token=ADMIN_TOKEN).status, 200)
        r = self.assertOk(self.rc("remotecluster", "list"))
        self.assertNotIn("remote-0001", r.out)
        r = self.assertOk(self.rc("remotecluster", "list", "--include-deleted"))
        self.assertIn("deleted", [row.split("\t")[3] for row in r.out.splitlines()
                                  if row.split("\t")[1] == "remote-0001"])

        # malformed filters: usage errors before any request
        self.assertNothingSent("remotecluster", "list", "--in-channel", "town-square")
        self.assertNothingSent("remotecluster", "list", "--creator", "me")
        self.assertNothingSent("remotecluster", "list", "--plugin-id", "a/b")
        self.assertNothingSent("remotecluster", "list", "--only-plugins", "--exclude-plugins")

    def test_paging_all(self):
        for n in (0, 1, 199, 200, 201, 401):
            self.server.reset()
            self.seed(n, vary=False)
            self.server.clear_log()
            r = self.assertOk(self.rc("-o", "json", "remotecluster", "list", "--all"))
            doc = json.loads(r.out)
            self.assertIsInstance(doc, list)
            self.assertEqual(len(doc), n)
            self.assertEqual(len({rc["remote_id"] for rc in doc}), n)
            pages = n // 200 + 1
            self.assertEqual(self.queries(),
                             [{"page": str(p), "per_page": "200"} for p in range(pages)], n)
            # plain: one line per item, same pages
            self.server.clear_log()
            r = self.assertOk(self.rc("remotecluster", "list", "--all"))
            self.assertEqual(len(r.out.splitlines()), n)
            self.assertEqual(len(self.queries()), pages)
            # a table on a terminal: one header, then the rows of every page
            r = self.assertOk(self.rc("remotecluster", "list", "--all", env=self.tty()))
            lines = r.out.splitlines()
            self.assertTrue(lines[0].startswith("ID "), lines[:1])
            self.assertEqual(len(lines), n + 1)

    def test_paging_options(self):
        self.seed(130, vary=False)
        self.server.clear_log()
        r = self.assertOk(self.rc("remotecluster", "list"))
        self.assertEqual(len(r.out.splitlines()), 60)
        self.assertEqual(self.queries(), [{"page": "0", "per_page": "60"}])
        self.server.clear_log()
        r = self.assertOk(self.rc("remotecluster", "list", "--page", "2", "--per-page", "50"))
        self.assertEqual(len(r.out.splitlines()), 30)
        self.assertEqual(self.queries(), [{"page": "2", "per_page": "50"}])
        # over the server's maximum: a warning, and 200 asked for
        self.server.clear_log()
        r = self.assertOk(self.rc("remotecluster", "list", "--per-page", "500"))
        self.assertIn("--per-page 500", r.err)
        self.assertEqual(self.queries(), [{"page": "0", "per_page": "200"}])
        self.assertEqual(len(r.out.splitlines()), 130)
        # --all with a smaller page size loops until the short page
        self.server.clear_log()
        r = self.assertOk(self.rc("-o", "json", "remotecluster", "list", "--all", "--per-page",
                                  "50", "--page", "1"))
        self.assertEqual(len(json.loads(r.out)), 80)
        self.assertEqual(self.queries(), [{"page": "1", "per_page": "50"},
                                          {"page": "2", "per_page": "50"}])
        # quiet mutes the warning
        r = self.assertOk(self.rc("-q", "remotecluster", "list", "--per-page", "500"))
        self.assertEqual(r.err, "")
        # bad paging values are usage errors
        self.assertNothingSent("remotecluster", "list", "--per-page", "0")
        self.assertNothingSent("remotecluster", "list", "--page", "-1")

    def test_rows_stream_before_next_page(self):
        """--all prints a page's rows before the next page has arrived."""
        self.seed(201, vary=False)
        self.server.add_fault(r"/api/v4/remotecluster\?.*page=1", match_query=True, delay_ms=3000)
        env = self.base_env()
        env.update(self.admin_env())
        for mode, extra in (("plain", {}), ("table", self.tty())):
            env.update(extra)
            p = subprocess.Popen([mmadm_bin(), "remotecluster", "list", "--all"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                 cwd=self.home)
            got = b""
            deadline = time.monotonic() + 2.5
            while got.count(b"\n") < 200 and time.monotonic() < deadline:
                ready, _, _ = select.select([p.stdout], [], [], 0.2)
                if ready:
                    chunk = os.read(p.stdout.fileno(), 65536)
                    if not chunk:
                        break
                    got += chunk
            # the first page is out while the second is still delayed
            self.assertGreaterEqual(got.count(b"\n"), 200, mode)
            self.assertIsNone(p.poll(), mode)
            rest, err = p.communicate(timeout=30)
            self.assertEqual(p.returncode, 0, err)
            lines = (got + rest).decode().splitlines()
            self.assertEqual(len([x for x in lines if "remote-" in x]), 201, mode)

    def test_errors(self):
        self.seed(3)
        r = self.user("remotecluster", "list")
        self.assertFails(r, "permission", server_id=PERM_ID, text="HTTP 403")
        self.fault_5xx("/api/v4/remotecluster$", "remotecluster", "list")
        self.fault_5xx("/api/v4/remotecluster$", "remotecluster", "list", status=503)
        self.server.set_state(remote_cluster_enabled=False)
        r = self.rc("remotecluster", "list", "--all")
        self.assertFails(r, "unavailable", server_id="api.remote_cluster.service_not_enabled",
                         text="secure connections are not available")
        # the same without the license feature
        self.server.set_state(remote_cluster_enabled=True, license=False)
        r = self.rc("remotecluster", "list")
        self.assertFails(r, "unavailable", server_id="api.remote_cluster.service_not_enabled",
                         text="the license lacks the feature")
        self.server.set_state(license=True)
        # a page that is not a list
        self.server.add_fault("/api/v4/remotecluster$", status=200, body={"not": "a list"})
        self.assertFails(self.rc("remotecluster", "list"), "bad-response", text="expected a list")


class TestSingle(RCCase):
    def test_get(self):
        rc = self.create()["remote_cluster"]
        rid = rc["remote_id"]
        r = self.assertOk(self.rc("remotecluster", "get", rid))
        kv = dict(line.split("\t", 1) for line in r.out.splitlines())
        self.assertEqual(kv["remote_id"], rid)
        self.assertEqual(kv["status"], "pending")
        self.assertEqual(kv["last_ping"], "never")
        self.assertNotIn("token", kv)
        self.assertNotIn("remote_token", kv)
        r = self.assertOk(self.rc("remotecluster", "get", rid, env=self.tty()))
        self.assertEqual(r.out.splitlines()[0].split(), ["KEY", "VALUE"])
        self.assertIn("pending", r.out)
        r = self.assertOk(self.rc("-o", "json", "remotecluster", "get", rid))
        self.assertEqual(json.loads(r.out),
                         self.server.api("GET", "/remotecluster/" + rid, token=ADMIN_TOKEN).json())
        # errors
        self.assertFails(self.rc("remotecluster", "get", MISSING_ID), "not-found",
                         server_id=NOT_FOUND_ID)
        self.assertFails(self.user("remotecluster", "get", rid), "permission", server_id=PERM_ID)
        self.assertNothingSent("remotecluster", "get", "not-an-id", text="26 letters")
        self.assertNothingSent("remotecluster", "get")
        self.fault_5xx("/api/v4/remotecluster/", "remotecluster", "get", rid)
        self.server.set_state(remote_cluster_enabled=False)
        self.assertFails(self.rc("remotecluster", "get", rid), "unavailable",
                         server_id="api.remote_cluster.service_not_enabled.app_error")

    def test_create(self):
        r = self.assertOk(self.rc("remotecluster", "create", "--name", "branch", "--default-team",
                                  TEAM_ID))
        kv = dict(line.split("\t", 1) for line in r.out.splitlines())
        self.assertEqual(kv["name"], "branch")
        self.assertEqual(kv["display_name"], "branch")
        self.assertTrue(kv["site_url"].startswith("pending_"))
        self.assertEqual(len(kv["password"]), 16)
        self.assertTrue(kv["invite"])
        self.assertIn("shown only this once", r.err)
        body = json.loads(self.non_get()[0]["body"])
        self.assertEqual(body, {"name": "branch", "default_team_id": TEAM_ID})
        # the printed invite and password really open the invite
        acc = self.server.api("POST", "/remotecluster/accept_invite",
                              {"invite": kv["invite"], "password": kv["password"], "name": "x",
                               "default_team_id": TEAM_ID}, token=ADMIN_TOKEN)
        self.assertEqual(acc.status, 201, acc.body)

        pw = self.write("pw.txt", "s3cret-pass\n")
        self.server.clear_log()
        r = self.assertOk(self.rc("-o", "json", "remotecluster", "create", "--name", "b2",
                                  "--display-name", "Branch 2", "--default-team", TEAM_ID,
                                  "--password-file", pw))
        doc = json.loads(r.out)
        self.assertEqual(set(doc), {"remote_cluster", "invite"})
        self.assertEqual(doc["remote_cluster"]["display_name"], "Branch 2")
        self.assertEqual(json.loads(self.non_get()[0]["body"])["password"], "s3cret-pass")
        self.assertNotIn("s3cret-pass", r.out + r.err)
        self.assertEqual(r.err, "")
        # password from stdin
        r = self.assertOk(self.rc("remotecluster", "create", "--name", "b3", "--default-team",
                                  TEAM_ID, "--password-file", "-", input="piped\n"))
        self.assertNotIn("password\t", r.out)
        # table on a terminal
        r = self.assertOk(self.rc("remotecluster", "create", "--name", "b4", "--default-team",
                                  TEAM_ID, env=self.tty()))
        lines = r.out.splitlines()
        self.assertEqual(lines[0].split(), ["KEY", "VALUE"])
        self.assertIn("Invite code", lines[-2])
        code = lines[-1]
        pw_line = [x for x in lines if x.startswith("password ")][0]
        acc = self.server.api("POST", "/remotecluster/accept_invite",
                              {"invite": code, "password": pw_line.split()[1], "name": "y",
                               "default_team_id": TEAM_ID}, token=ADMIN_TOKEN)
        self.assertEqual(acc.status, 201, acc.body)     # the whole code, not cut

        # errors
        self.assertFails(self.user("remotecluster", "create", "--name", "x", "--default-team",
                                   TEAM_ID), "permission", server_id=PERM_ID)
        r = self.rc("remotecluster", "create", "--name", "bad name!", "--default-team", TEAM_ID)
        self.assertFails(r, "rejected", server_id="model.cluster.is_valid.name.app_error",
                         text="HTTP 400")
        self.assertNothingSent("remotecluster", "create", "--name", "x", "--default-team", "main")
        self.assertNothingSent("remotecluster", "create", "--default-team", TEAM_ID)
        self.assertNothingSent("remotecluster", "create", "--name", "x", "--default-team",
                               TEAM_ID, "--password-file", self.write("empty", ""),
                               text="empty")
        self.assertNothingSent("remotecluster", "create", "--name", "x", "--default-team",
                               TEAM_ID, "--password-file", os.path.join(self.home, "nope"),
                               name="io")
        self.fault_5xx("/api/v4/remotecluster$", "remotecluster", "create", "--name", "x",
                       "--default-team", TEAM_ID, method="POST")
        self.server.set_state(site_url="")
        self.assertFails(self.rc("remotecluster", "create", "--name", "x", "--default-team",
                                 TEAM_ID), "rejected", server_id="api.get_site_url_error",
                         text="ServiceSettings.SiteURL")
        self.server.set_state(remote_cluster_enabled=False)
        self.assertFails(self.rc("remotecluster", "create", "--name", "x", "--default-team",
                                 TEAM_ID), "unavailable")

    def test_create_dry_run(self):
        pw = self.write("pw.txt", "hunter22\n")
        self.server.clear_log()
        r = self.assertOk(self.rc("--dry-run", "remotecluster", "create", "--name", "x",
                                  "--default-team", TEAM_ID, "--password-file", pw))
        self.assertEqual(self.server.request_log(), [])
        self.assertTrue(r.out.startswith("POST /api/v4/remotecluster\n"), r.out)
        self.assertNotIn("hunter22", r.out)
        self.assertIn('"password": "********************************"', r.out)

    def test_patch(self):
        rid = self.create()["remote_cluster"]["remote_id"]
        real = self.server.get_state()["remote_cluster_tokens"][rid]
        self.server.clear_log()
        r = self.assertOk(self.rc("-o", "json", "remotecluster", "patch", rid,
                                  "--display-name", "Peer Two", "--default-team", TEAM_ID))
        doc = json.loads(r.out)
        # the stand-in (like the fork) leaks the tokens in this answer
        leaked = self.server.api("PATCH", "/remotecluster/" + rid, {}, token=ADMIN_TOKEN).json()
        self.assertEqual(leaked["token"], real)
        self.assertEqual(doc["token"], "")
        self.assertEqual(doc["remote_token"], "")
        self.assertNotIn(real, r.out + r.err)
        leaked.update(token="", remote_token="")
        self.assertEqual(doc, leaked)     # nothing else changed
        self.assertEqual(doc["display_name"], "Peer Two")
        self.assertEqual(json.loads(self.non_get()[0]["body"]),
                         {"display_name": "Peer Two", "default_team_id": TEAM_ID})
        for args in ((), ("-o", "plain"), ("-o", "yaml")):
            r = self.assertOk(self.rc(*args, "remotecluster", "patch", rid, "--display-name", "P3"))
            self.assertNotIn(real, r.out)
        r = self.assertOk(self.rc("remotecluster", "patch", rid, "--display-name", "P4",
                                  env=self.tty()))
        self.assertIn("P4", r.out)
        self.assertNotIn(real, r.out)
        # errors
        self.assertNothingSent("remotecluster", "patch", rid, text="nothing to change")
        self.assertNothingSent("remotecluster", "patch", rid, "--default-team", "x")
        self.assertFails(self.rc("remotecluster", "patch", MISSING_ID, "--display-name", "x"),
                         "not-found", server_id=NOT_FOUND_ID)
        self.assertFails(self.user("remotecluster", "patch", rid, "--display-name", "x"),
                         "permission", server_id=PERM_ID)
        self.fault_5xx("/api/v4/remotecluster/", "remotecluster", "patch", rid, "--display-name",
                       "x")
        self.server.clear_log()
        r = self.assertOk(self.rc("--dry-run", "remotecluster", "patch", rid, "--display-name",
                                  "Dry"))
        self.assertEqual(self.server.request_log(), [])
        self.assertIn("PATCH /api/v4/remotecluster/" + rid, r.out)

    def test_delete(self):
        rid = self.create()["remote_cluster"]["remote_id"]
        # no terminal, no --yes: refused before any request
        self.assertNothingSent("remotecluster", "delete", rid, text="--yes")
        self.server.clear_log()
        r = self.assertOk(self.rc("--dry-run", "remotecluster", "delete", rid))
        self.assertEqual(self.server.request_log(), [])
        self.assertEqual(r.out, "DELETE /api/v4/remotecluster/%s\n" % rid)
        r = self.assertOk(self.rc("remotecluster", "delete", rid, "--yes"))
        self.assertEqual(r.out, "deleted remote cluster %s\n" % rid)
        self.assertEqual(len(self.server.find_requests("DELETE", "/api/v4/remotecluster/" + rid)),
                         1)
        self.assertGreater(self.server.api("GET", "/remotecluster/" + rid,
                                           token=ADMIN_TOKEN).json()["delete_at"], 0)
        self.assertFails(self.rc("-y", "remotecluster", "delete", rid), "not-found",
                         server_id=NOT_FOUND_ID)
        rid2 = self.create("p2")["remote_cluster"]["remote_id"]
        r = self.assertOk(self.rc("-o", "json", "remotecluster", "delete", rid2, "--yes"))
        self.assertEqual(json.loads(r.out), {"status": "OK"})
        # the spec's 204 without a body is accepted too
        rid3 = self.create("p3")["remote_cluster"]["remote_id"]
        self.server.add_fault("/api/v4/remotecluster/" + rid3, method="DELETE", status=204,
                              body="")
        r = self.assertOk(self.rc("remotecluster", "delete", rid3, "--yes"))
        self.assertEqual(r.out, "deleted remote cluster %s\n" % rid3)
        r = self.assertOk(self.rc("-o", "json", "remotecluster", "delete", rid3, "--yes"))
        self.assertEqual(r.out, "")
        self.server.clear_faults()
        self.assertFails(self.user("remotecluster", "delete", rid3, "--yes"), "permission",
                         server_id=PERM_ID)
        self.assertNothingSent("remotecluster", "delete", "nope", "--yes")
        self.fault_5xx("/api/v4/remotecluster/", "remotecluster", "delete", rid3, "--yes")
        # the server's "not deleted" 500
        self.server.add_fault("/api/v4/remotecluster/", method="DELETE", status=500,
                              body={"id": "api.remote_cluster.cluster_not_deleted",
                                    "message": "Not deleted.", "status_code": 500})
        self.assertFails(self.rc("remotecluster", "delete", rid3, "--yes"), "server",
                         server_id="api.remote_cluster.cluster_not_deleted")


class TestInviteAccept(RCCase):
    def test_invite(self):
        rid = self.create()["remote_cluster"]["remote_id"]
        pw = self.write("pw.txt", "secret\n")
        self.server.clear_log()
        r = self.assertOk(self.rc("remotecluster", "invite", rid, "--password-file", pw))
        # only the code, one line: pipeable
        self.assertEqual(len(r.out.splitlines()), 1)
        self.assertEqual(r.err, "")
        code = r.out.strip()
        self.assertEqual(json.loads(self.non_get()[0]["body"]), {"password": "secret"})
        acc = self.server.api("POST", "/remotecluster/accept_invite",
                              {"invite": code, "password": "secret", "name": "back",
                               "default_team_id": TEAM_ID}, token=ADMIN_TOKEN)
        self.assertEqual(acc.status, 201, acc.body)
        # confirmed now: the server's 400 with its id
        self.assertFails(self.rc("remotecluster", "invite", rid, "--password-file", pw),
                         "rejected", server_id="api.remote_cluster.generate_invite_cluster_is_confirmed")
        rid2 = self.create("p2")["remote_cluster"]["remote_id"]
        r = self.assertOk(self.rc("-o", "json", "remotecluster", "invite", rid2,
                                  "--password-file", "-", input="pw2"))
        self.assertIsInstance(json.loads(r.out), str)
        # a 201 whose body is not one JSON string is a bad response
        for body in ({"id": "app.encrypt.error", "message": "boom"}, ["a"], "null"):
            self.server.add_fault("/generate_invite", status=201, body=body, times=1)
            self.assertFails(self.rc("remotecluster", "invite", rid2, "--password-file", pw),
                             "bad-response", text="not an invite code")
        # usage and file errors, nothing sent
        self.assertNothingSent("remotecluster", "invite", "bad-id", "--password-file", pw,
                               text="invalid remote cluster id")
        self.assertNothingSent("remotecluster", "invite", rid2, "--password-file",
                               os.path.join(self.home, "missing"), name="io")
        self.assertNothingSent("remotecluster", "invite", rid2, "--password-file",
                               self.write("empty", "\n"), text="empty")
        self.assertNothingSent("remotecluster", "invite", rid2)
        self.assertFails(self.rc("remotecluster", "invite", MISSING_ID, "--password-file", pw),
                         "not-found", server_id=NOT_FOUND_ID)
        self.assertFails(self.user("remotecluster", "invite", rid2, "--password-file", pw),
                         "permission", server_id=PERM_ID)
        self.fault_5xx("/generate_invite", "remotecluster", "invite", rid2, "--password-file", pw)
        self.server.set_state(site_url="")
        self.assertFails(self.rc("remotecluster", "invite", rid2, "--password-file", pw),
                         "rejected", server_id="api.get_site_url_error")
        self.server.clear_log()
        self.server.set_state(site_url="http://localhost:8065")
        r = self.assertOk(self.rc("--dry-run", "remotecluster", "invite", rid2, "--password-file",
                                  pw))
        self.assertNotIn("secret", r.out)
        self.assertEqual(self.non_get(), [])

    def test_accept(self):
        created = self.create(password="pw-1")
        inv = self.write("invite.txt", created["invite"] + "\n")
        pw = self.write("pw.txt", "pw-1\n")
        self.server.clear_log()
        r = self.assertOk(self.rc("remotecluster", "accept", "--invite-file", inv,
                                  "--password-file", pw, "--name", "hq", "--display-name",
                                  "Headquarters", "--default-team", TEAM_ID))
        kv = dict(line.split("\t", 1) for line in r.out.splitlines())
        self.assertEqual(kv["display_name"], "Headquarters")
        self.assertEqual(kv["status"], "online")
        self.assertNotIn("token", kv)
        self.assertEqual(json.loads(self.non_get()[0]["body"]),
                         {"invite": created["invite"], "name": "hq",
                          "display_name": "Headquarters", "default_team_id": TEAM_ID,
                          "password": "pw-1"})
        created = self.create("second", password="pw-2")
        r = self.assertOk(self.rc("-o", "json", "remotecluster", "accept", "--invite-file", "-",
                                  "--password-file", self.write("pw2", "pw-2"), "--name", "hq2",
                                  "--default-team", TEAM_ID, input=created["invite"]))
        doc = json.loads(r.out)
        self.assertEqual((doc["name"], doc["token"], doc["remote_token"]), ("hq2", "", ""))
        # errors
        self.assertFails(self.rc("remotecluster", "accept", "--invite-file", inv,
                                 "--password-file", self.write("bad", "wrong"), "--name", "x",
                                 "--default-team", TEAM_ID),
                         "rejected", server_id="api.remote_cluster.invite_decrypt_error")
        self.assertFails(self.rc("remotecluster", "accept", "--invite-file",
                                 self.write("junk", "!!!"), "--password-file", pw, "--name",
                                 "x", "--default-team", TEAM_ID),
                         "rejected", server_id="api.remote_cluster.base64_decode_error")
        self.assertFails(self.rc("remotecluster", "accept", "--invite-file", inv,
                                 "--password-file", pw, "--name", "x", "--default-team",
                                 "nosuchteam0000000000000000"),
                         "rejected", server_id="api.context.invalid_body_param.app_error")
        self.assertFails(self.user("remotecluster", "accept", "--invite-file", inv,
                                   "--password-file", pw, "--name", "x", "--default-team",
                                   TEAM_ID), "permission", server_id=PERM_ID)
        self.assertNothingSent("remotecluster", "accept", "--invite-file", "-",
                               "--password-file", "-", "--name", "x", "--default-team", TEAM_ID,
                               text="standard input")
        self.assertNothingSent("remotecluster", "accept", "--invite-file", inv, "--name", "x",
                               "--default-team", TEAM_ID, text="--password-file")
        self.assertNothingSent("remotecluster", "accept", "--invite-file", inv,
                               "--password-file", pw, "--name", "x", "--default-team", "t1")
        self.fault_5xx("/accept_invite", "remotecluster", "accept", "--invite-file", inv,
                       "--password-file", pw, "--name", "x", "--default-team", TEAM_ID)
        self.server.set_state(remote_cluster_enabled=False)
        self.assertFails(self.rc("remotecluster", "accept", "--invite-file", inv,
                                 "--password-file", pw, "--name", "x", "--default-team",
                                 TEAM_ID), "unavailable")


class TestRaw(RCCase):
    def peer(self):
        self.seed(2, vary=False)
        rid, tok = sorted(self.tokens().items())[0]
        return rid, tok, self.write("token.txt", tok + "\n")

    def assertRemoteHeaders(self, entry, rid, tok):
        hdrs = {k.lower(): v for k, v in entry["headers"]}
        self.assertEqual(hdrs.get("x-remotecluster-id"), rid)
        self.assertEqual(hdrs.get("x-remotecluster-token"), tok)
        # never the profile's token: the server would ignore the others
        self.assertNotIn("authorization", hdrs)
        self.assertNotIn("cookie", hdrs)

    def test_ping(self):
        rid, tok, tfile = self.peer()
        self.server.clear_log()
        before = int(time.time() * 1000)
        r = self.assertOk(self.rc("remotecluster", "raw", "ping", "--remote-id", rid,
                                  "--token-file", tfile))
        kv = dict(line.split("\t", 1) for line in r.out.splitlines())
        self.assertGreaterEqual(int(kv["sent_at"]), before)
        self.assertGreaterEqual(int(kv["recv_at"]), int(kv["sent_at"]))
        self.assertIn("round trip", r.err)
        e = self.server.find_requests("POST", "/api/v4/remotecluster/ping")[0]
        self.assertRemoteHeaders(e, rid, tok)
        frame = json.loads(e["body"])
        self.assertEqual(frame["remote_id"], rid)
        self.assertEqual(frame["msg"]["topic"], "ping")
        self.assertRegex(frame["msg"]["id"], r"^[a-z0-9]{26}$")
        self.assertEqual(frame["msg"]["payload"], {"sent_at": int(kv["sent_at"])})
        r = self.assertOk(self.rc("-o", "json", "remotecluster", "raw", "ping", "--remote-id",
                                  rid, "--token-file", tfile))
        self.assertEqual(set(json.loads(r.out)), {"sent_at", "recv_at"})
        # the trace redacts the token
        r = self.assertOk(self.rc("-v", "remotecluster", "raw", "ping", "--remote-id", rid,
                                  "--token-file", tfile))
        self.assertIn("X-RemoteCluster-Token: [redacted]", r.err)
        self.assertNotIn(tok, r.err + r.out)
        # wrong token, unknown remote, no license: 401 (exit 4)
        bad = self.write("bad.txt", "wrongtoken")
        self.assertFails(self.rc("remotecluster", "raw", "ping", "--remote-id", rid,
                                 "--token-file", bad), "auth",
                         server_id="api.context.session_expired.app_error",
                         text="remote cluster id and token")
        self.assertFails(self.rc("remotecluster", "raw", "ping", "--remote-id", MISSING_ID,
                                 "--token-file", tfile), "auth",
                         server_id="api.context.remote_id_invalid.app_error")
        self.server.set_state(license=False)
        self.assertFails(self.rc("remotecluster", "raw", "ping", "--remote-id", rid,
                                 "--token-file", tfile), "auth")
        self.server.set_state(license=True)
        self.fault_5xx("/remotecluster/ping", "remotecluster", "raw", "ping", "--remote-id", rid,
                       "--token-file", tfile)
        # no token configured at all is fine: it is not needed here
        r = self.run_mmadm("remotecluster", "raw", "ping", "--remote-id", rid, "--token-file",
                           tfile, env={"MMADM_URL": self.server.url})
        self.assertOk(r)

    def test_token_file_with_nul_or_control_characters(self):
        rid, tok, _ = self.peer()
        self.server.clear_log()
        for data in (tok[:2].encode() + b"\0" + tok[2:].encode() + b"\n",
                     tok.encode() + b"\x1b[0m\n"):
            with self.subTest(data=data):
                bad = self.write("bad.txt", data)
                r = self.assertFails(self.rc("remotecluster", "raw", "ping", "--remote-id", rid,
                                             "--token-file", bad), "usage", text=bad)
                self.assertRegex(r.err, r"(NUL byte|control character) at offset \d+")
                self.assertNotIn(tok, r.err)
        self.assertEqual(self.server.request_log(), [])

    def test_msg_and_confirm(self):
        rid, tok, tfile = self.peer()
        payload = self.write("payload.yaml", "channel_id: abc\nposts: [1, 2]\n")
        self.server.clear_log()
        r = self.assertOk(self.rc("remotecluster", "raw", "msg", "--remote-id", rid,
                                  "--token-file", tfile, "--topic", "sharedchannel_sync",
                                  "--payload-file", payload))
        self.assertIn("status\tOK", r.out)
        e = self.server.find_requests("POST", "/api/v4/remotecluster/msg")[0]
        self.assertRemoteHeaders(e, rid, tok)
        frame = json.loads(e["body"])
        self.assertEqual(frame["msg"]["topic"], "sharedchannel_sync")
        self.assertEqual(frame["msg"]["payload"], {"channel_id": "abc", "posts": [1, 2]})
        r = self.assertOk(self.rc("-o", "json", "remotecluster", "raw", "msg", "--remote-id", rid,
                                  "--token-file", tfile, "--topic", "t", "--payload-file", "-",
                                  input='{"x": 1}'))
        self.assertEqual(json.loads(r.out)["status"], "OK")
        conf = self.write("confirm.json", json.dumps({"remote_team_id": "", "site_url":
                                                      "https://peer.example.com",
                                                      "token": "peertoken"}))
        r = self.assertOk(self.rc("remotecluster", "raw", "confirm-invite", "--remote-id", rid,
                                  "--token-file", tfile, "--payload-file", conf))
        self.assertEqual(r.out, "OK: invite confirmed\n")
        got = self.server.api("GET", "/remotecluster/" + rid, token=ADMIN_TOKEN).json()
        self.assertEqual(got["site_url"], "https://peer.example.com")
        r = self.assertOk(self.rc("-o", "json", "remotecluster", "raw", "confirm-invite",
                                  "--remote-id", rid, "--token-file", tfile, "--payload-file",
                                  conf))
        self.assertEqual(json.loads(r.out), {"status": "OK"})
        # the server's 400 for a frame it rejects (payload not an object)
        self.assertFails(self.rc("remotecluster", "raw", "confirm-invite", "--remote-id", rid,
                                 "--token-file", tfile, "--payload-file",
                                 self.write("list.json", "[1]")),
                         "rejected", server_id="api.context.invalid_body_param.app_error")
        # usage: missing/extra options, both from stdin; nothing sent
        self.assertNothingSent("remotecluster", "raw", "msg", "--remote-id", rid,
                               "--token-file", tfile, "--payload-file", payload)
        self.assertNothingSent("remotecluster", "raw", "msg", "--remote-id", rid,
                               "--token-file", tfile, "--topic", "t")
        self.assertNothingSent("remotecluster", "raw", "ping", "--remote-id", rid,
                               "--token-file", tfile, "--topic", "t")
        self.assertNothingSent("remotecluster", "raw", "msg", "--remote-id", rid,
                               "--token-file", "-", "--topic", "t", "--payload-file", "-")
        self.assertNothingSent("remotecluster", "raw", "pong", "--remote-id", rid,
                               "--token-file", tfile)
        self.assertNothingSent("remotecluster", "raw", "ping", "--token-file", tfile)
        self.assertNothingSent("remotecluster", "raw", "ping", "--remote-id", "x",
                               "--token-file", tfile)
        self.assertNothingSent("remotecluster", "raw", "ping", "extra", "--remote-id", rid,
                               "--token-file", tfile)
        # dry run: the frame and headers shown, token redacted, nothing sent
        self.server.clear_log()
        r = self.assertOk(self.rc("--dry-run", "remotecluster", "raw", "msg", "--remote-id", rid,
                                  "--token-file", tfile, "--topic", "t", "--payload-file",
                                  payload))
        self.assertEqual(self.server.request_log(), [])
        self.assertIn("POST /api/v4/remotecluster/msg", r.out)
        self.assertIn("header X-RemoteCluster-Token: [redacted]", r.out)
        self.assertNotIn(tok, r.out)

    def test_upload_and_image(self):
        rid, tok, tfile = self.peer()
        other = sorted(self.tokens())[1]
        up = "upload0000000000000000000a"
        self.server.set_state(remote_upload_session={"id": up, "remote_id": rid, "file_size": 10},
                              first_chunk_min=4)
        part1 = self.write("p1.bin", b"0123")
        part2 = self.write("p2.bin", b"456789")
        self.server.clear_log()
        r = self.assertOk(self.rc("remotecluster", "raw", "upload", up, part1, "--remote-id", rid,
                                  "--token-file", tfile))
        self.assertIn("not complete", r.out)
        e = self.server.find_requests("POST", "/api/v4/remotecluster/upload/" + up)[0]
        self.assertRemoteHeaders(e, rid, tok)
        self.assertEqual(e["body"], "0123")
        r = self.assertOk(self.rc("-o", "json", "remotecluster", "raw", "upload", up, part2,
                                  "--remote-id", rid, "--token-file", tfile))
        info = json.loads(r.out)
        self.assertEqual((info["size"], info["remote_id"]), (10, rid))
        # a session of another remote: 401; unknown session: 404
        up2 = "upload0000000000000000000b"
        self.server.set_state(remote_upload_session={"id": up2, "remote_id": other,
                                                     "file_size": 4})
        self.assertFails(self.rc("remotecluster", "raw", "upload", up2, part1, "--remote-id",
                                 rid, "--token-file", tfile), "auth",
                         server_id="api.context.remote_id_mismatch.app_error")
        self.assertFails(self.rc("remotecluster", "raw", "upload", up, part1, "--remote-id",
                                 rid, "--token-file", tfile), "not-found",
                         server_id="app.upload.get.app_error")
        self.assertNothingSent("remotecluster", "raw", "upload", up, "--remote-id", rid,
                               "--token-file", tfile)
        self.assertNothingSent("remotecluster", "raw", "upload", up,
                               os.path.join(self.home, "missing.bin"), "--remote-id", rid,
                               "--token-file", tfile, name="io")

        user = "ruser000000000000000000000"
        self.server.set_state(remote_users={user: rid, "ruser00000000000000000000b": other})
        img = self.write("face.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 20)
        self.server.clear_log()
        r = self.assertOk(self.rc("remotecluster", "raw", "image", user, img, "--remote-id", rid,
                                  "--token-file", tfile, env={"MMADM_FORCE_TTY": "1"}))
        self.assertEqual(r.out, "OK: profile image set\n")
        self.assertIn("100%", r.err)      # progress bar on a terminal
        e = self.server.find_requests("POST", "/api/v4/remotecluster/%s/image" % user)[0]
        self.assertRemoteHeaders(e, rid, tok)
        self.assertEqual(self.server.get_state()["remote_user_images"], {user: 28})
        r = self.assertOk(self.rc("-o", "json", "remotecluster", "raw", "image", user, img,
                                  "--remote-id", rid, "--token-file", tfile))
        self.assertEqual(json.loads(r.out), {"status": "OK"})
        self.assertFails(self.rc("remotecluster", "raw", "image", "ruser00000000000000000000b",
                                 img, "--remote-id", rid, "--token-file", tfile), "auth",
                         server_id="api.context.remote_id_mismatch.app_error")
        self.assertFails(self.rc("remotecluster", "raw", "image", SYSADMIN_ID, img,
                                 "--remote-id", rid, "--token-file", tfile), "rejected",
                         server_id="api.context.invalid_url_param.app_error")


class TestLocal(RCCase):
    def test_every_command_refused_locally(self):
        pw = self.write("pw.txt", "x")
        rid = "8ur9pkmwdpgjpxyxcr8ahrkfmo"
        for args in (("list",), ("list", "--all"), ("get", rid), ("create", "--name", "x",
                                                                  "--default-team", TEAM_ID),
                     ("patch", rid, "--display-name", "x"), ("delete", rid, "--yes"),
                     ("invite", rid, "--password-file", pw),
                     ("accept", "--invite-file", pw, "--password-file", pw, "--name", "x",
                      "--default-team", TEAM_ID),
                     ("raw", "ping", "--remote-id", rid, "--token-file", pw)):
            self.assertNothingSent("remotecluster", *args, runner=self.local, name="local-only",
                                   text="local socket")

    def test_help_needs_no_server(self):
        for cmd in ("accept", "create", "delete", "get", "invite", "list", "patch", "raw"):
            r = self.run_mmadm("remotecluster", cmd, "--help")
            self.assertOk(r)
            self.assertIn("Usage: mmadm remotecluster " + cmd, r.out)
        r = self.assertOk(self.run_mmadm("help", "remotecluster", "patch"))
        self.assertIn("blanks", r.out)
