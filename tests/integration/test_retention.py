"""mmadm retention ... (data retention policies) against the stand-in server.

Every command in table, plain and json output; 403 with the user token, 404,
400 with the server's id, 501 without a license (exit 12 with a clear
message), 5xx through a fault; refusal over the local socket (no retention
route is local); the destructive confirmation; --dry-run; paging of the
{"policies":[...],"total_count":N} lists with 0, 1, 199, 200, 201 and 401
policies (page/per_page in the request log, one JSON array for --all).
"""

import json
import urllib.parse

from harness import (ADMIN_TOKEN, CHANNEL_ID, SYSADMIN_ID, TEAM2_ID, TEAM_ID, USER1_ID,
                     MmadmTestCase)
from test_remotecluster import exit_codes

PERM_ID = "api.context.permissions.app_error"
LICENSE_ID = "ent.data_retention.generic.license.error"
NOT_FOUND_ID = "app.data_retention.get_policy.app_error"
MISSING = "zzzzzzzzzzzzzzzzzzzzzzzzzz"


class RetCase(MmadmTestCase):
    server_args = ("--license",)
    EXIT = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.EXIT = exit_codes()

    def ret(self, *args, env=None, **kw):
        e = self.admin_env()
        e.update(env or {})
        return self.run_mmadm(*args, env=e, **kw)

    def tty(self):
        return {"MMADM_FORCE_TTY": "1", "COLUMNS": "200", "NO_COLOR": "1"}

    def assertExit(self, r, name):
        self.assertEqual(r.rc, self.EXIT[name], "exit %s, wanted %s (%s)\nout: %r\nerr: %r"
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

    def assertNothingSent(self, *args, name="usage", text=None, runner=None):
        self.server.clear_log()
        r = (runner or self.ret)(*args)
        self.assertFails(r, name, text=text)
        self.assertEqual(self.server.request_log(), [])

    def assertUnlicensed(self, *args):
        self.server.set_state(license=False)
        r = self.ret(*args)
        self.assertFails(r, "unavailable", server_id=LICENSE_ID,
                         text="data retention is not available on this server: it needs an "
                              "Enterprise license")
        self.server.set_state(license=True)

    def fault_5xx(self, path_regex, *args, status=500):
        self.server.add_fault(path_regex, status=status,
                              body={"id": "app.fake.fault", "message": "injected",
                                    "status_code": status})
        self.assertFails(self.ret(*args), "server", server_id="app.fake.fault")
        self.server.clear_faults()

    def fault_400(self, path_regex, *args):
        self.server.add_fault(path_regex, status=400,
                              body={"id": "app.data_retention.invalid.app_error",
                                    "message": "Invalid policy.", "status_code": 400})
        self.assertFails(self.ret(*args), "rejected",
                         server_id="app.data_retention.invalid.app_error", text="HTTP 400")
        self.server.clear_faults()

    def queries(self, path):
        return [dict(urllib.parse.parse_qsl(e["query"]))
                for e in self.server.find_requests("GET", path)]

    def bodies(self, method):
        return [json.loads(e["body"]) for e in self.server.request_log()
                if e["method"] == method]

    def policy(self, name="Legal", days=30, teams=(TEAM_ID,), channels=(CHANNEL_ID,)):
        r = self.server.api("POST", "/data_retention/policies",
                            {"display_name": name, "post_duration": days, "team_ids": list(teams),
                             "channel_ids": list(channels)}, token=ADMIN_TOKEN)
        self.assertEqual(r.status, 201, r.body)
        return r.json()["id"]

    def state(self, pid):
        return self.server.get_state()["retention_policies"][pid]


class TestPolicies(RetCase):
    def test_global_policy(self):
        self.server.patch_config({"DataRetentionSettings": {"EnableMessageDeletion": True,
                                                            "MessageRetentionDays": 10}})
        r = self.assertOk(self.ret("retention", "policy"))
        kv = dict(line.split("\t") for line in r.out.splitlines())
        self.assertEqual(kv["message_deletion_enabled"], "true")
        self.assertEqual(kv["file_deletion_enabled"], "false")
        self.assertGreater(int(kv["message_retention_cutoff"]), 0)
        r = self.assertOk(self.ret("-o", "json", "retention", "policy"))
        self.assertEqual(set(json.loads(r.out)), {"message_deletion_enabled",
                                                  "file_deletion_enabled",
                                                  "message_retention_cutoff",
                                                  "file_retention_cutoff"})
        r = self.assertOk(self.ret("retention", "policy", env=self.tty()))
        self.assertEqual(r.out.splitlines()[0].split(), ["KEY", "VALUE"])
        # any session may read it
        self.assertOk(self.user("retention", "policy"))
        self.assertUnlicensed("retention", "policy")
        self.fault_5xx("/data_retention/policy$", "retention", "policy")

    def test_list_formats_and_errors(self):
        a = self.policy("Alpha", 30)
        self.policy("Beta", -1, teams=(), channels=())
        r = self.assertOk(self.ret("retention", "list", env=self.tty()))
        lines = r.out.splitlines()
        self.assertEqual(lines[0].split(), ["ID", "NAME", "DAYS", "TEAMS", "CHANNELS"])
        self.assertEqual(lines[1].split(), [a, "Alpha", "30", "1", "1"])
        r = self.assertOk(self.ret("retention", "list"))
        self.assertEqual(r.out.splitlines()[1].split("\t")[1:], ["Beta", "-1", "0", "0"])
        r = self.assertOk(self.ret("-o", "json", "retention", "list"))
        server = self.server.api("GET", "/data_retention/policies", token=ADMIN_TOKEN).json()
        self.assertEqual(json.loads(r.out), server["policies"])
        self.assertFails(self.user("retention", "list"), "permission", server_id=PERM_ID)
        self.assertUnlicensed("retention", "list")
        self.assertUnlicensed("retention", "list", "--all")
        self.fault_5xx("/data_retention/policies$", "retention", "list")
        self.server.add_fault("/data_retention/policies$", status=200, body=[{"id": "x"}])
        self.assertFails(self.ret("retention", "list"), "bad-response", text="policies")

    def test_list_paging(self):
        for n in (0, 1, 199, 200, 201, 401):
            self.server.reset()
            self.server.set_state(seed_retention_policies=n)
            self.server.clear_log()
            r = self.assertOk(self.ret("-o", "json", "retention", "list", "--all"))
            doc = json.loads(r.out)
            self.assertEqual(len(doc), n)
            self.assertEqual(len({p["id"] for p in doc}), n)
            self.assertEqual(self.queries("/api/v4/data_retention/policies"),
                             [{"page": str(p), "per_page": "200"} for p in range(n // 200 + 1)])
            r = self.assertOk(self.ret("retention", "list", "--all"))
            self.assertEqual(len(r.out.splitlines()), n)
        self.server.clear_log()
        r = self.assertOk(self.ret("retention", "list", "--per-page", "300", "--page", "1"))
        self.assertIn("--per-page 300", r.err)
        self.assertEqual(self.queries("/api/v4/data_retention/policies"),
                         [{"page": "1", "per_page": "200"}])
        self.assertEqual(len(r.out.splitlines()), 200)    # items 200..399 of 401
        self.server.clear_log()
        r = self.assertOk(self.ret("retention", "list"))
        self.assertEqual(self.queries("/api/v4/data_retention/policies"),
                         [{"page": "0", "per_page": "60"}])
        self.assertEqual(len(r.out.splitlines()), 60)

    def test_count(self):
        self.server.set_state(seed_retention_policies=7)
        r = self.assertOk(self.ret("retention", "count"))
        self.assertEqual(r.out, "7\n")
        r = self.assertOk(self.ret("-o", "json", "retention", "count"))
        self.assertEqual(json.loads(r.out), {"total_count": 7})
        self.assertFails(self.user("retention", "count"), "permission", server_id=PERM_ID)
        self.assertUnlicensed("retention", "count")
        self.fault_5xx("/policies_count", "retention", "count")
        self.server.add_fault("/policies_count", status=200, body={"count": 1})
        self.assertFails(self.ret("retention", "count"), "bad-response", text="total_count")

    def test_get(self):
        pid = self.policy()
        r = self.assertOk(self.ret("retention", "get", pid))
        self.assertEqual(r.out.split("\t"), [pid, "Legal", "30", "1", "1\n"])
        r = self.assertOk(self.ret("-o", "json", "retention", "get", pid))
        self.assertEqual(json.loads(r.out), {"id": pid, "display_name": "Legal",
                                             "post_duration": 30, "team_count": 1,
                                             "channel_count": 1})
        r = self.assertOk(self.ret("retention", "get", pid, env=self.tty()))
        self.assertEqual(r.out.splitlines()[0].split(), ["ID", "NAME", "DAYS", "TEAMS",
                                                         "CHANNELS"])
        self.assertFails(self.ret("retention", "get", MISSING), "not-found",
                         server_id=NOT_FOUND_ID)
        self.assertFails(self.user("retention", "get", pid), "permission", server_id=PERM_ID)
        self.assertNothingSent("retention", "get", "legal")
        self.assertUnlicensed("retention", "get", pid)
        self.fault_5xx("/data_retention/policies/", "retention", "get", pid)

    def test_create(self):
        self.server.clear_log()
        r = self.assertOk(self.ret("retention", "create", "--name", "Legal hold", "--days",
                                   "3650", "--team", TEAM_ID, "--team", TEAM2_ID, "--channel",
                                   CHANNEL_ID))
        row = r.out.rstrip("\n").split("\t")
        self.assertEqual(row[1:], ["Legal hold", "3650", "2", "1"])
        self.assertEqual(self.bodies("POST"), [{"display_name": "Legal hold",
                                                "post_duration": 3650,
                                                "team_ids": [TEAM_ID, TEAM2_ID],
                                                "channel_ids": [CHANNEL_ID]}])
        self.assertEqual(self.state(row[0])["team_ids"], [TEAM_ID, TEAM2_ID])
        r = self.assertOk(self.ret("-o", "json", "retention", "create", "--name", "Forever",
                                   "--days", "-1"))
        doc = json.loads(r.out)
        self.assertEqual((doc["post_duration"], doc["team_count"]), (-1, 0))
        # errors
        self.assertNothingSent("retention", "create", "--name", "x", "--days", "0",
                               text="--days")
        self.assertNothingSent("retention", "create", "--name", "x", text="--days")
        self.assertNothingSent("retention", "create", "--days", "3")
        self.assertNothingSent("retention", "create", "--name", "x", "--days", "-5")
        self.assertNothingSent("retention", "create", "--name", "x", "--days", "3", "--team",
                               "main")
        self.assertNothingSent("retention", "create", "--name", "", "--days", "3")
        self.assertFails(self.ret("retention", "create", "--name", "x", "--days", "3", "--team",
                                  MISSING), "not-found",
                         server_id="app.data_retention.save_policy.app_error")
        self.assertFails(self.user("retention", "create", "--name", "x", "--days", "3"),
                         "permission", server_id=PERM_ID)
        self.fault_400("/data_retention/policies$", "retention", "create", "--name", "x",
                       "--days", "3")
        self.assertUnlicensed("retention", "create", "--name", "x", "--days", "3")
        self.fault_5xx("/data_retention/policies$", "retention", "create", "--name", "x",
                       "--days", "3")
        self.server.clear_log()
        r = self.assertOk(self.ret("--dry-run", "retention", "create", "--name", "x", "--days",
                                   "3"))
        self.assertTrue(r.out.startswith("POST /api/v4/data_retention/policies\n"), r.out)
        self.assertEqual([e for e in self.server.request_log() if e["method"] != "GET"], [])

    def test_patch(self):
        pid = self.policy()
        self.server.clear_log()
        r = self.assertOk(self.ret("retention", "patch", pid, "--days", "90"))
        self.assertEqual(r.out.split("\t")[1:], ["Legal", "90", "1", "1\n"])
        self.assertEqual(self.bodies("PATCH"), [{"post_duration": 90}])
        # lists replace the policy's teams/channels
        r = self.assertOk(self.ret("-o", "json", "retention", "patch", pid, "--name", "L2",
                                   "--team", TEAM2_ID))
        self.assertEqual(json.loads(r.out)["display_name"], "L2")
        st = self.state(pid)
        self.assertEqual((st["team_ids"], st["channel_ids"]), ([TEAM2_ID], [CHANNEL_ID]))
        self.assertNothingSent("retention", "patch", pid, text="nothing to change")
        self.assertNothingSent("retention", "patch", "bad", "--days", "3")
        self.assertNothingSent("retention", "patch", pid, "--days", "0")
        self.assertFails(self.ret("retention", "patch", MISSING, "--days", "3"), "not-found",
                         server_id=NOT_FOUND_ID)
        self.assertFails(self.user("retention", "patch", pid, "--days", "3"), "permission",
                         server_id=PERM_ID)
        self.fault_400("/data_retention/policies/", "retention", "patch", pid, "--days", "3")
        self.assertUnlicensed("retention", "patch", pid, "--days", "3")
        self.server.clear_log()
        r = self.assertOk(self.ret("--dry-run", "retention", "patch", pid, "--days", "5"))
        self.assertIn("PATCH /api/v4/data_retention/policies/" + pid, r.out)
        self.assertEqual(self.server.request_log(), [])

    def test_delete(self):
        pid = self.policy()
        self.assertNothingSent("retention", "delete", pid, text="--yes")
        self.server.clear_log()
        r = self.assertOk(self.ret("--dry-run", "retention", "delete", pid))
        self.assertEqual(r.out, "DELETE /api/v4/data_retention/policies/%s\n" % pid)
        self.assertEqual(self.server.request_log(), [])
        self.assertFails(self.user("retention", "delete", pid, "--yes"), "permission",
                         server_id=PERM_ID)
        self.assertUnlicensed("retention", "delete", pid, "--yes")
        r = self.assertOk(self.ret("retention", "delete", pid, "--yes"))
        self.assertEqual(r.out, "deleted retention policy %s\n" % pid)
        self.assertFails(self.ret("retention", "delete", pid, "--yes"), "not-found",
                         server_id=NOT_FOUND_ID)
        pid = self.policy()
        r = self.assertOk(self.ret("-o", "json", "-y", "retention", "delete", pid))
        self.assertEqual(json.loads(r.out), {"status": "OK"})
        self.assertNothingSent("retention", "delete", "x", "--yes")
        self.fault_5xx("/data_retention/policies/", "retention", "delete", MISSING, "--yes")


class TestMembers(RetCase):
    def test_teams(self):
        pid = self.policy(teams=(TEAM_ID,), channels=())
        r = self.assertOk(self.ret("retention", "teams", "add", pid, TEAM2_ID))
        self.assertEqual(r.out, "added 1 team to policy %s\n" % pid)
        self.assertEqual(self.state(pid)["team_ids"], [TEAM_ID, TEAM2_ID])
        e = self.server.find_requests("POST", "/api/v4/data_retention/policies/%s/teams" % pid)
        self.assertEqual(json.loads(e[0]["body"]), [TEAM2_ID])
        r = self.assertOk(self.ret("retention", "teams", "list", pid, env=self.tty()))
        lines = r.out.splitlines()
        self.assertEqual(lines[0].split(), ["ID", "NAME", "DISPLAY", "NAME"])
        self.assertEqual(lines[1].split(), [TEAM_ID, "main", "Main", "Team"])
        r = self.assertOk(self.ret("-o", "json", "retention", "teams", "list", pid))
        self.assertEqual([t["id"] for t in json.loads(r.out)], [TEAM_ID, TEAM2_ID])
        # paging: 2 teams, one per page, until the empty page
        self.server.clear_log()
        r = self.assertOk(self.ret("retention", "teams", "list", pid, "--per-page", "1", "--all"))
        self.assertEqual(len(r.out.splitlines()), 2)
        self.assertEqual(self.queries("/api/v4/data_retention/policies/%s/teams" % pid),
                         [{"page": "0", "per_page": "1"}, {"page": "1", "per_page": "1"},
                          {"page": "2", "per_page": "1"}])
        r = self.assertOk(self.ret("retention", "teams", "search", pid, "oth"))
        self.assertEqual(r.out.split("\t")[:2], [TEAM2_ID, "other"])
        self.assertEqual(self.bodies("POST")[-1], {"term": "oth"})
        r = self.assertOk(self.ret("-o", "json", "retention", "teams", "remove", pid, TEAM_ID,
                                   TEAM2_ID))
        self.assertEqual(json.loads(r.out), {"status": "OK"})
        self.assertEqual(self.state(pid)["team_ids"], [])
        r = self.assertOk(self.ret("retention", "teams", "list", pid))
        self.assertEqual(r.out, "")
        # errors
        for args in (("list", pid, TEAM_ID), ("add", pid), ("remove", pid),
                     ("search", pid), ("search", pid, "a", "b"), ("add", pid, "main"),
                     ("add", pid, TEAM_ID, "--all"), ("list", "nope"), ("rename", pid),
                     ("list",)):
            self.assertNothingSent("retention", "teams", *args)
        self.assertFails(self.ret("retention", "teams", "add", pid, MISSING), "not-found",
                         server_id="app.data_retention.save_policy.app_error")
        self.assertFails(self.ret("retention", "teams", "list", MISSING), "not-found",
                         server_id=NOT_FOUND_ID)
        self.assertFails(self.user("retention", "teams", "list", pid), "permission",
                         server_id=PERM_ID)
        self.assertFails(self.user("retention", "teams", "add", pid, TEAM_ID), "permission",
                         server_id=PERM_ID)
        self.fault_400("/teams$", "retention", "teams", "add", pid, TEAM_ID)
        self.fault_5xx("/teams$", "retention", "teams", "list", pid)
        self.assertUnlicensed("retention", "teams", "list", pid)
        self.assertUnlicensed("retention", "teams", "remove", pid, TEAM_ID)
        self.server.clear_log()
        r = self.assertOk(self.ret("--dry-run", "retention", "teams", "remove", pid, TEAM_ID))
        self.assertEqual(r.out, "DELETE /api/v4/data_retention/policies/%s/teams\n[\n  \"%s\"\n]\n"
                         % (pid, TEAM_ID))
        self.assertEqual(self.server.request_log(), [])

    def test_channels(self):
        pid = self.policy(teams=(), channels=())
        r = self.assertOk(self.ret("retention", "channels", "add", pid, CHANNEL_ID))
        self.assertEqual(r.out, "added 1 channel to policy %s\n" % pid)
        r = self.assertOk(self.ret("retention", "channels", "list", pid))
        self.assertEqual(r.out.rstrip("\n").split("\t"),
                         [CHANNEL_ID, "town-square", "Town Square", "O", "main"])
        r = self.assertOk(self.ret("-o", "json", "retention", "channels", "list", pid))
        doc = json.loads(r.out)
        self.assertEqual((doc[0]["id"], doc[0]["team_name"], doc[0]["policy_id"]),
                         (CHANNEL_ID, "main", pid))
        self.server.clear_log()
        r = self.assertOk(self.ret("retention", "channels", "search", pid, "town", "--team",
                                   TEAM_ID, "--public"))
        self.assertTrue(r.out.startswith(CHANNEL_ID))
        self.assertEqual(self.bodies("POST"), [{"term": "town", "team_ids": [TEAM_ID],
                                                "public": True}])
        r = self.assertOk(self.ret("retention", "channels", "search", pid, "town", "--private"))
        self.assertEqual(r.out, "")
        r = self.assertOk(self.ret("retention", "channels", "search", pid, "town", "--team",
                                   TEAM2_ID))
        self.assertEqual(r.out, "")
        r = self.assertOk(self.ret("retention", "channels", "remove", pid, CHANNEL_ID))
        self.assertEqual(r.out, "removed 1 channel from policy %s\n" % pid)
        self.assertNothingSent("retention", "channels", "list", pid, "--public")
        self.assertNothingSent("retention", "channels", "add", pid, CHANNEL_ID, "--team",
                               TEAM_ID)
        self.assertNothingSent("retention", "channels", "search", pid, "x", "--team", "main")
        self.assertFails(self.user("retention", "channels", "search", pid, "x"), "permission",
                         server_id=PERM_ID)
        self.assertUnlicensed("retention", "channels", "search", pid, "town")
        self.fault_5xx("/channels/search", "retention", "channels", "search", pid, "town")

    def test_user_views(self):
        self.policy(days=42, teams=(TEAM_ID, TEAM2_ID), channels=(CHANNEL_ID,))
        r = self.assertOk(self.ret("retention", "user-teams", "me"))
        # sysadmin is in "main" only (through town-square)
        self.assertEqual(r.out, "%s\t42\n" % TEAM_ID)
        self.assertTrue(self.server.find_requests(
            "GET", "/api/v4/users/me/data_retention/team_policies"))
        r = self.assertOk(self.ret("-o", "json", "retention", "user-channels", USER1_ID))
        self.assertEqual(json.loads(r.out), [{"channel_id": CHANNEL_ID, "post_duration": 42}])
        r = self.assertOk(self.ret("retention", "user-channels", SYSADMIN_ID, env=self.tty()))
        self.assertEqual(r.out.splitlines()[0].split(), ["CHANNEL", "ID", "DAYS"])
        # the user may read their own, not another's
        self.assertOk(self.user("retention", "user-teams", "me"))
        self.assertOk(self.user("retention", "user-teams", USER1_ID))
        self.assertFails(self.user("retention", "user-teams", SYSADMIN_ID), "permission",
                         server_id=PERM_ID)
        # paged with {"policies":[...]}
        self.server.clear_log()
        r = self.assertOk(self.ret("retention", "user-teams", "me", "--all", "--per-page", "1"))
        self.assertEqual(len(r.out.splitlines()), 1)
        self.assertEqual(self.queries("/api/v4/users/me/data_retention/team_policies"),
                         [{"page": "0", "per_page": "1"}, {"page": "1", "per_page": "1"}])
        self.assertNothingSent("retention", "user-teams", "someone")
        self.assertUnlicensed("retention", "user-teams", "me")
        self.assertUnlicensed("retention", "user-channels", "me", "--all")
        self.fault_5xx("/data_retention/channel_policies", "retention", "user-channels", "me")

    def test_local_refused(self):
        pid = MISSING
        for args in (("policy",), ("list",), ("count",), ("get", pid),
                     ("create", "--name", "x", "--days", "3"), ("patch", pid, "--days", "3"),
                     ("delete", pid, "--yes"), ("teams", "list", pid),
                     ("teams", "add", pid, TEAM_ID), ("channels", "search", pid, "x"),
                     ("user-teams", "me"), ("user-channels", "me")):
            self.assertNothingSent("retention", *args, runner=lambda *a: self.run_mmadm(
                *a, env=self.local_env()), name="local-only", text="local socket")

    def test_help(self):
        for cmd in ("channels", "count", "create", "delete", "get", "list", "patch", "policy",
                    "teams", "user-channels", "user-teams"):
            r = self.run_mmadm("help", "retention", cmd)
            self.assertExit(r, "ok")
            self.assertIn("Usage: mmadm retention " + cmd, r.out)
        self.assertIn("replace", self.run_mmadm("help", "retention", "patch").out)
