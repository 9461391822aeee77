"""mmadm system ... and db schema-version against the stand-in server.

Every command: output in table, plain and json (yaml once), the error paths
(403 with the user token, 404, 400 with the server's id, 5xx through a fault),
exit codes, local mode over the socket, dry runs that send nothing, paging,
the streamed support packet and ping --wait against a server that turns
healthy after a few polls.
"""

import base64
import io
import json
import os
import shutil
import subprocess
import time
import unittest
import zipfile

from harness import (ADMIN_TOKEN, TEAM_ID, USER_TOKEN, MmadmTestCase, mmadm_bin)

PERM_ID = "api.context.permissions.app_error"


class SystemCase(MmadmTestCase):
    """Helpers shared by the system tests."""

    def sys(self, *args, env=None, **kw):
        return self.run_mmadm(*args, env=self.admin_env() if env is None else env, **kw)

    def assertRc(self, r, rc):
        self.assertEqual(r.rc, rc, "exit %s, wanted %s\nout: %r\nerr: %r" % (r.rc, rc, r.out, r.err))

    def assertOk(self, r):
        self.assertRc(r, 0)
        return r

    def assertFails(self, r, rc, server_id=None, text=None):
        self.assertRc(r, rc)
        self.assertTrue(r.err.startswith("mmadm: "), r.err)
        if server_id:
            self.assertIn(server_id, r.err)
        if text:
            self.assertIn(text, r.err)
        self.assertEqual(r.out, "")
        return r

    def assertDenied(self, *args):
        """The user token gets the server's 403 (exit 5)."""
        r = self.user(*args)
        self.assertFails(r, 5)
        self.assertIn("HTTP 403", r.err)
        return r

    def assertNoLocal(self, *args):
        """Refused before any request over the socket (exit 9)."""
        self.server.clear_log()
        r = self.local(*args)
        self.assertFails(r, 9, text="local socket")
        self.assertEqual(self.server.request_log(), [])

    def fault_5xx(self, path_regex, *args, status=500):
        self.server.add_fault(path_regex, status=status,
                              body={"id": "app.fake.fault", "message": "injected",
                                    "detailed_error": "", "status_code": status})
        r = self.sys(*args)
        self.assertFails(r, 8, server_id="app.fake.fault")
        self.server.clear_faults()

    def requests(self, method, path):
        return self.server.find_requests(method, path)

    def non_get(self):
        return [e for e in self.server.request_log() if e["method"] != "GET"]

    def json_out(self, r):
        self.assertOk(r)
        return json.loads(r.out)


class TestPing(SystemCase):
    def test_ping_formats(self):
        r = self.assertOk(self.sys("system", "ping"))
        self.assertEqual(r.out, "OK\n")
        req = self.requests("GET", "/api/v4/system/ping")[-1]
        self.assertIn("use_rest_semantics=true", req["query"])
        d = self.json_out(self.sys("system", "ping", "-o", "json"))
        self.assertEqual(d["status"], "OK")
        self.assertIn("ActiveSearchBackend", d)
        r = self.assertOk(self.sys("system", "ping", "--full", "-o", "table"))
        self.assertRegex(r.out, r"database_status\s+OK")
        self.assertRegex(r.out, r"root_status\s+false")
        r = self.assertOk(self.sys("system", "ping", "--full", "-o", "plain"))
        self.assertIn("filestore_status\tOK\n", r.out)
        r = self.assertOk(self.sys("system", "ping", "--device-id", "ok-device", "-o", "plain"))
        self.assertIn("CanReceiveNotifications\ttrue\n", r.out)
        self.assertIn("device_id=ok-device", self.requests("GET", "/api/v4/system/ping")[-1]["query"])

    def test_ping_unhealthy_and_local(self):
        self.server.set_state(db_unhealthy=True)
        r = self.sys("system", "ping", "--full", "-o", "plain")
        self.assertRc(r, 8)
        self.assertIn("database_status\tUNHEALTHY", r.out)
        self.assertIn("unhealthy", r.err)
        # anonymous: no token needed, a bad one is ignored
        self.server.set_state(db_unhealthy=False, ping_unhealthy=True)
        r = self.run_mmadm("system", "ping", env={"MMADM_URL": self.server.url, "MMADM_TOKEN": "bogus"})
        self.assertRc(r, 8)
        self.assertEqual(r.out, "UNHEALTHY\n")
        self.server.set_state(ping_unhealthy=False)
        r = self.assertOk(self.local("system", "ping"))
        self.assertEqual(r.out, "OK\n")
        self.assertTrue(self.server.find_requests("GET", "/api/v4/system/ping", listener="local"))

    def test_ping_wait_turns_healthy(self):
        # down for 2 polls (connection dropped), then starting (500 + ping
        # body), then healthy
        self.server.add_faults([
            {"path_regex": "/system/ping", "times": 2, "drop_connection": True},
            {"path_regex": "/system/ping", "times": 2, "status": 500,
             "body": {"status": "UNHEALTHY"}},
        ])
        t0 = time.monotonic()
        r = self.assertOk(self.sys("system", "ping", "--wait", "30", "--interval", "1"))
        self.assertEqual(r.out, "OK\n")
        self.assertIn("not healthy yet", r.err)
        pings = self.requests("GET", "/api/v4/system/ping")
        self.assertGreaterEqual(len(pings), 3)
        self.assertEqual(pings[-1]["status"], 200)
        self.assertLess(time.monotonic() - t0, 25)

    def test_ping_wait_times_out(self):
        self.server.set_state(ping_unhealthy=True)
        t0 = time.monotonic()
        r = self.sys("system", "ping", "--wait", "2", "--interval", "1")
        took = time.monotonic() - t0
        self.assertFails(r, 8, text="not healthy after 2 s")
        self.assertGreaterEqual(len(self.requests("GET", "/api/v4/system/ping")), 2)
        self.assertLess(took, 10)
        # a server that never answers: still 8, not 3
        r = self.run_mmadm("system", "ping", "--wait", "1",
                           env={"MMADM_URL": "http://127.0.0.1:9", "MMADM_TOKEN": ADMIN_TOKEN})
        self.assertFails(r, 8, text="cannot connect")
        # without --wait a refused connection is a connect error
        r = self.run_mmadm("system", "ping", env={"MMADM_URL": "http://127.0.0.1:9"})
        self.assertFails(r, 3)

    def test_ping_usage(self):
        self.assertFails(self.sys("system", "ping", "--interval", "2"), 2, text="--wait")
        self.assertFails(self.sys("system", "ping", "--wait", "0"), 2)
        self.assertEqual(self.server.request_log(), [])


class TestVersion(SystemCase):
    def test_version_formats(self):
        r = self.assertOk(self.sys("system", "version", "-o", "plain"))
        self.assertIn("server_version\t11.1.0\n", r.out)
        self.assertIn("schema_version\t143\n", r.out)
        self.assertIn("schema_name\tcreate_scheduled_posts\n", r.out)
        self.assertIn("licensed\tfalse\n", r.out)
        d = self.json_out(self.sys("system", "version", "-o", "json"))
        self.assertEqual(d["server_version"], "11.1.0")
        self.assertEqual(d["build_number"], "4521")
        self.assertIs(d["licensed"], False)
        self.assertEqual(d["schema_version"], 143)
        self.assertTrue(d["version_id"].startswith("11.1.0.4521."))
        r = self.assertOk(self.sys("system", "version", "-o", "yaml"))
        self.assertIn('server_version: "11.1.0"', r.out)
        self.assertIn("schema_version: 143", r.out)
        r = self.assertOk(self.sys("system", "version", "-o", "table"))
        self.assertRegex(r.out, r"server_version\s+11\.1\.0")

    def test_version_license_and_build(self):
        self.server.set_state(server_version="11.3.0", build_number="dev", license=True)
        d = self.json_out(self.sys("system", "version", "--json"))
        self.assertEqual((d["server_version"], d["build_number"], d["licensed"]), ("11.3.0", "dev", True))

    def test_version_without_schema_permission(self):
        r = self.assertOk(self.user("system", "version", "-o", "plain"))
        self.assertIn("server_version\t11.1.0\n", r.out)
        self.assertNotIn("schema_version", r.out)
        self.assertIn("warning", r.err.lower())
        self.assertIn(PERM_ID, r.err)

    def test_version_local_and_errors(self):
        r = self.assertOk(self.local("system", "version", "-o", "plain"))
        self.assertIn("schema_version\t143", r.out)
        self.fault_5xx("/system/schema/version", "system", "version")
        r = self.run_mmadm("system", "version", env={"MMADM_URL": self.server.url, "MMADM_TOKEN": "expired"})
        # ping is anonymous, the schema needs a session
        self.assertFails(r, 4, server_id="api.context.session_expired.app_error")


class TestDbSchemaVersion(SystemCase):
    def test_schema_version(self):
        r = self.assertOk(self.sys("db", "schema-version", "-o", "table"))
        lines = r.out.splitlines()
        self.assertRegex(lines[0], r"^VERSION\s+NAME$")
        self.assertRegex(lines[1], r"^143\s+create_scheduled_posts$")
        r = self.assertOk(self.sys("db", "schema-version", "-o", "plain"))
        self.assertEqual(r.out.splitlines()[0], "143\tcreate_scheduled_posts")
        d = self.json_out(self.sys("db", "schema-version", "-o", "json"))
        self.assertEqual(d[0], {"version": 143, "name": "create_scheduled_posts"})
        self.assertEqual(len(d), 3)
        r = self.assertOk(self.local("db", "schema-version", "-o", "plain"))
        self.assertIn("141\t", r.out)
        self.assertIn(PERM_ID, self.assertDenied("db", "schema-version").err)
        self.fault_5xx("/system/schema/version", "db", "schema-version", status=503)
        r = self.run_mmadm("db", "schema-version", env={"MMADM_URL": self.server.url})
        self.assertFails(r, 4, text="no token")


class TestSimpleReads(SystemCase):
    def test_timezones(self):
        r = self.assertOk(self.sys("system", "timezones", "-o", "plain"))
        self.assertIn("Europe/Berlin\n", r.out)
        self.assertIn("UTC\n", r.out)
        d = self.json_out(self.sys("system", "timezones", "-o", "json"))
        self.assertIn("Asia/Tokyo", d)
        # any session will do
        self.assertOk(self.user("system", "timezones"))
        self.assertNoLocal("system", "timezones")
        self.fault_5xx("/system/timezones", "system", "timezones")

    def test_analytics(self):
        r = self.assertOk(self.sys("system", "analytics", "-o", "table"))
        self.assertRegex(r.out.splitlines()[0], r"^NAME\s+VALUE$")
        self.assertRegex(r.out, r"post_count\s+127")
        r = self.assertOk(self.sys("system", "analytics", "--name", "extra_counts",
                                   "--team", TEAM_ID, "-o", "plain"))
        self.assertIn("session_count\t5\n", r.out)
        q = self.requests("GET", "/api/v4/analytics/old")[-1]["query"]
        self.assertIn("name=extra_counts", q)
        self.assertIn("team_id=" + TEAM_ID, q)
        d = self.json_out(self.sys("system", "analytics", "--name", "post_counts_day", "--json"))
        self.assertEqual(len(d), 7)
        self.assertEqual(set(d[0]), {"name", "value"})
        self.assertFails(self.sys("system", "analytics", "--name", "bogus"), 2)
        self.assertDenied("system", "analytics")
        self.assertNoLocal("system", "analytics")
        # the server's own 400 for a name it does not know (a newer client)
        self.server.add_fault("/analytics/old", status=400,
                              body={"id": "api.context.invalid_body_param.app_error",
                                    "message": "Invalid or missing name in request body.",
                                    "detailed_error": "", "status_code": 400})
        self.assertFails(self.sys("system", "analytics"), 7,
                         server_id="api.context.invalid_body_param.app_error")

    def test_latest_version(self):
        r = self.assertOk(self.sys("system", "latest-version", "-o", "table"))
        self.assertRegex(r.out.splitlines()[0], r"^TAG\s+NAME\s+PUBLISHED\s+URL$")
        self.assertIn("v11.2.0", r.out)
        r = self.assertOk(self.sys("system", "latest-version", "-o", "plain"))
        self.assertTrue(r.out.startswith("v11.2.0\tMattermost v11.2.0\t"))
        d = self.json_out(self.sys("system", "latest-version", "--json"))
        self.assertEqual(d["tag_name"], "v11.2.0")
        self.assertIn("body", d)
        self.server.set_state(latest_version_fails=True)
        self.assertFails(self.sys("system", "latest-version"), 8,
                         server_id="app.system.get_latest_version.app_error")
        self.assertDenied("system", "latest-version")
        self.server.set_state(restrict_system_admin=True, latest_version_fails=False)
        self.assertFails(self.sys("system", "latest-version"), 5, server_id=PERM_ID)

    def test_onboarding(self):
        r = self.assertOk(self.sys("system", "onboarding", "-o", "plain"))
        self.assertEqual(r.out, "FirstAdminSetupComplete\tfalse\n")
        r = self.assertOk(self.sys("system", "onboarding", "-o", "table"))
        self.assertRegex(r.out, r"NAME\s+VALUE\nFirstAdminSetupComplete\s+false")
        r = self.assertOk(self.sys("system", "onboarding-complete", "--organization", "Acme Inc",
                                   "--install-plugin", "com.a", "--install-plugin", "com.b"))
        self.assertEqual(r.out, "onboarding marked complete\n")
        body = json.loads(self.requests("POST", "/api/v4/system/onboarding/complete")[-1]["body"])
        self.assertEqual(body, {"organization": "Acme Inc", "install_plugins": ["com.a", "com.b"]})
        d = self.json_out(self.sys("system", "onboarding", "-o", "json"))
        self.assertEqual(d, {"name": "FirstAdminSetupComplete", "value": "true"})
        d = self.json_out(self.sys("system", "onboarding-complete", "--json"))
        self.assertEqual(d, {"status": "OK"})
        self.assertDenied("system", "onboarding")
        r = self.assertDenied("system", "onboarding-complete")
        self.assertIn("app.system.complete_onboarding_request.no_first_user", r.err)
        self.assertNoLocal("system", "onboarding-complete")
        self.fault_5xx("/system/onboarding/complete", "system", "onboarding")


class TestNotices(SystemCase):
    NOTICES = [
        {"id": "n_admin", "title": "For admins", "description": "d", "sysAdminOnly": True,
         "teamAdminOnly": False},
        {"id": "n_all", "title": "For everyone", "description": "d", "sysAdminOnly": False,
         "teamAdminOnly": False},
        {"id": "n_desktop", "title": "Desktop only", "sysAdminOnly": False, "teamAdminOnly": False,
         "clients": ["desktop"]},
    ]

    def test_notices(self):
        self.server.set_state(notices=self.NOTICES)
        r = self.assertOk(self.sys("system", "notices", TEAM_ID, "--client-version", "11.1.0",
                                   "-o", "table"))
        lines = r.out.splitlines()
        self.assertRegex(lines[0], r"^ID\s+TITLE\s+SYSADMIN_ONLY\s+TEAMADMIN_ONLY$")
        self.assertRegex(lines[1], r"^n_admin\s+For admins\s+true\s+false$")
        self.assertEqual(len(lines), 3)
        q = self.requests("GET", "/api/v4/system/notices/" + TEAM_ID)[-1]["query"]
        self.assertIn("clientVersion=11.1.0", q)
        self.assertIn("client=web", q)
        r = self.assertOk(self.sys("system", "notices", TEAM_ID, "--client", "desktop",
                                   "--client-version", "5.9.0", "--locale", "de", "-o", "plain"))
        self.assertIn("n_desktop\tDesktop only\tfalse\tfalse\n", r.out)
        self.assertIn("locale=de", self.requests("GET", "/api/v4/system/notices/" + TEAM_ID)[-1]["query"])
        d = self.json_out(self.user("system", "notices", TEAM_ID, "--client-version", "1", "--json"))
        self.assertEqual([n["id"] for n in d], ["n_all"])
        # mark viewed: gone from the list
        r = self.assertOk(self.sys("system", "notices-view", "n_all", "n_admin"))
        self.assertEqual(r.out, "notices marked as viewed\n")
        body = json.loads(self.requests("PUT", "/api/v4/system/notices/view")[-1]["body"])
        self.assertEqual(body, ["n_all", "n_admin"])
        d = self.json_out(self.sys("system", "notices", TEAM_ID, "--client-version", "1", "--json"))
        self.assertEqual(d, [])
        self.assertEqual(self.server.get_state()["notices_viewed"],
                         {"sysadmin" + "0" * 17 + "a": ["n_admin", "n_all"]})

    def test_notices_errors(self):
        self.assertFails(self.sys("system", "notices", TEAM_ID), 2, text="client-version")
        self.assertFails(self.sys("system", "notices", TEAM_ID, "--client-version", "1",
                                  "--client", "tv"), 2)
        self.assertFails(self.sys("system", "notices-view"), 2)
        self.assertEqual(self.server.request_log(), [])
        self.assertFails(self.sys("system", "notices", "short", "--client-version", "1"), 7,
                         server_id="api.context.invalid_url_param.app_error")
        self.assertNoLocal("system", "notices", TEAM_ID, "--client-version", "1")
        self.assertNoLocal("system", "notices-view", "x")
        r = self.run_mmadm("system", "notices-view", "x",
                           env={"MMADM_URL": self.server.url, "MMADM_TOKEN": "revoked"})
        self.assertFails(r, 4, server_id="api.context.session_expired.app_error")
        self.fault_5xx("/system/notices/view", "system", "notices-view", "x")
        self.server.clear_log()
        self.assertOk(self.sys("--dry-run", "system", "notices-view", "x"))
        self.assertEqual(self.non_get(), [])


class TestTests(SystemCase):
    def test_email_test(self):
        r = self.assertOk(self.sys("system", "email-test"))
        self.assertEqual(r.out, "test email sent to your address\n")
        self.assertIsNone(self.requests("POST", "/api/v4/email/test")[-1]["body"] or None)
        self.assertEqual(self.server.get_state()["emails_sent"], 1)
        d = self.json_out(self.sys("system", "email-test", "-o", "json"))
        self.assertEqual(d, {"status": "OK"})
        # with a configuration file (as config get prints it)
        cfg = self.server.api("GET", "/config", token=ADMIN_TOKEN).json()
        cfg["EmailSettings"]["SMTPServer"] = "mail.example.com"
        path = os.path.join(self.home, "cfg.json")
        with open(path, "w") as f:
            json.dump(cfg, f)
        self.assertOk(self.sys("system", "email-test", path))
        sent = json.loads(self.requests("POST", "/api/v4/email/test")[-1]["body"])
        self.assertEqual(sent["EmailSettings"]["SMTPServer"], "mail.example.com")
        # SMTP failure: the server's 500
        cfg["EmailSettings"]["SMTPServer"] = "smtp.invalid"
        with open(path, "w") as f:
            json.dump(cfg, f)
        self.assertFails(self.sys("system", "email-test", path), 8,
                         server_id="api.admin.test_email.app_error")
        # incomplete EmailSettings: 400 before the permission check
        with open(path, "w") as f:
            json.dump({"EmailSettings": {"SMTPServer": "x"}}, f)
        self.assertFails(self.user("system", "email-test", path), 7,
                         server_id="api.file.test_connection_email_settings_nil.app_error")
        self.assertDenied("system", "email-test")
        with open(path, "w") as f:
            f.write("{}")
        self.assertFails(self.sys("system", "email-test", path), 2, text="EmailSettings")
        self.assertFails(self.sys("system", "email-test", os.path.join(self.home, "missing.json")), 13)
        self.assertNoLocal("system", "email-test")
        # dry run: the body with secrets redacted, nothing sent
        cfg["EmailSettings"]["SMTPPassword"] = "hunter2-secret"
        with open(path, "w") as f:
            json.dump(cfg, f)
        self.server.clear_log()
        r = self.assertOk(self.sys("--dry-run", "system", "email-test", path))
        self.assertTrue(r.out.startswith("POST /api/v4/email/test\n"))
        self.assertNotIn("hunter2-secret", r.out)
        self.assertEqual(self.non_get(), [])

    def test_notification_test(self):
        r = self.assertOk(self.sys("system", "notification-test"))
        self.assertEqual(r.out, "test notification sent to you\n")
        self.assertEqual(self.json_out(self.user("system", "notification-test", "--json")), {"status": "OK"})
        r = self.assertOk(self.sys("system", "notification-test", "-o", "yaml"))
        self.assertEqual(r.out.strip(), "status: OK")
        self.assertNoLocal("system", "notification-test")
        self.fault_5xx("/notifications/test", "system", "notification-test")

    def test_site_url_test(self):
        r = self.assertOk(self.sys("system", "site-url-test", "https://chat.example.com"))
        self.assertEqual(r.out, "the server reached itself at that URL\n")
        body = json.loads(self.requests("POST", "/api/v4/site_url/test")[-1]["body"])
        self.assertEqual(body, {"site_url": "https://chat.example.com"})
        self.assertFails(self.sys("system", "site-url-test", "https://unreachable.example.com"), 7,
                         server_id="app.admin.test_site_url.failure")
        self.assertFails(self.sys("system", "site-url-test"), 2)
        self.assertFails(self.sys("system", "site-url-test", ""), 7,
                         server_id="api.context.invalid_body_param.app_error")
        self.assertDenied("system", "site-url-test", "https://chat.example.com")
        self.assertNoLocal("system", "site-url-test", "https://x.example.com")


class TestServerBusy(SystemCase):
    def test_busy_cycle(self):
        r = self.assertOk(self.sys("system", "server-busy", "-o", "plain"))
        self.assertEqual(r.out, "false\t\n")
        d = self.json_out(self.sys("system", "server-busy", "-o", "json"))
        self.assertEqual(d["busy"], False)
        self.assertEqual(d["expires"], -62135596800)
        r = self.assertOk(self.sys("system", "server-busy-set", "--seconds", "600"))
        self.assertEqual(r.out, "server marked busy for 600 seconds\n")
        self.assertEqual(self.requests("POST", "/api/v4/server_busy")[-1]["query"], "seconds=600")
        r = self.assertOk(self.sys("system", "server-busy", "-o", "table"))
        self.assertRegex(r.out, r"BUSY\s+EXPIRES\ntrue\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n")
        r = self.assertOk(self.sys("system", "getbusy", "-o", "plain"))
        self.assertTrue(r.out.startswith("true\t"))
        self.assertEqual(self.json_out(self.sys("system", "server-busy-clear", "--json")), {"status": "OK"})
        self.assertFalse(self.server.get_state()["busy"])
        # default duration: no query, the server's 3600
        self.assertOk(self.sys("system", "setbusy"))
        self.assertEqual(self.requests("POST", "/api/v4/server_busy")[-1]["query"], "")
        d = self.json_out(self.sys("system", "server-busy", "--json"))
        self.assertAlmostEqual(d["expires"], time.time() + 3600, delta=30)

    def test_busy_local_errors(self):
        self.assertOk(self.local("system", "server-busy-set", "--seconds", "60"))
        r = self.assertOk(self.local("system", "server-busy", "-o", "plain"))
        self.assertTrue(r.out.startswith("true\t"))
        self.assertOk(self.local("system", "server-busy-clear"))
        self.assertTrue(self.server.find_requests("DELETE", "/api/v4/server_busy", listener="local"))
        self.assertFails(self.sys("system", "server-busy-set", "--seconds", "0"), 2)
        self.assertFails(self.sys("system", "server-busy-set", "--seconds", "86401"), 2)
        self.assertDenied("system", "server-busy")
        self.assertDenied("system", "server-busy-set")
        self.assertDenied("system", "server-busy-clear")
        self.fault_5xx("/server_busy", "system", "server-busy")
        # the server's own range check
        self.server.add_fault("/server_busy", status=400, method="POST",
                              body={"id": "api.context.invalid_url_param.app_error",
                                    "message": "Invalid or missing seconds must be 1 - 86400 parameter "
                                               "in request URL.", "detailed_error": "",
                                    "status_code": 400})
        self.assertFails(self.sys("system", "server-busy-set", "--seconds", "5"), 7,
                         server_id="api.context.invalid_url_param.app_error")
        self.server.clear_faults()
        self.server.clear_log()
        r = self.assertOk(self.sys("--dry-run", "system", "server-busy-set", "--seconds", "30"))
        self.assertEqual(r.out, "POST /api/v4/server_busy?seconds=30\n")
        self.assertOk(self.sys("--dry-run", "system", "server-busy-clear"))
        self.assertEqual(self.non_get(), [])


class TestRedirectAndImage(SystemCase):
    def test_redirect_location(self):
        self.server.set_state(redirect_locations={"https://bit.ly/x": "https://example.com/landing"})
        r = self.assertOk(self.sys("system", "redirect-location", "https://bit.ly/x"))
        self.assertEqual(r.out, "https://example.com/landing\n")
        self.assertIn("url=https%3A%2F%2Fbit.ly%2Fx",
                      self.requests("GET", "/api/v4/redirect_location")[-1]["query"])
        d = self.json_out(self.sys("system", "redirect-location", "https://bit.ly/x", "--json"))
        self.assertEqual(d, {"location": "https://example.com/landing"})
        r = self.assertOk(self.user("system", "redirect-location", "https://other.example.com/"))
        self.assertEqual(r.out, "")
        self.assertIn("no redirect", r.err)
        self.server.set_state(config_patch={"ServiceSettings": {"EnableLinkPreviews": False}})
        r = self.assertOk(self.sys("system", "redirect-location", "https://bit.ly/x", "-o", "plain"))
        self.assertEqual(r.out, "")
        self.assertFails(self.sys("system", "redirect-location"), 2)
        self.assertNoLocal("system", "redirect-location", "https://bit.ly/x")
        self.fault_5xx("/redirect_location", "system", "redirect-location", "https://bit.ly/x")
        self.server.add_fault("/redirect_location", status=200, body="not json", content_type="text/plain")
        self.assertFails(self.sys("system", "redirect-location", "https://bit.ly/x"), 11)

    def test_image(self):
        url = "https://images.example.com/pics/cat.png"
        data = bytes(range(256)) * 64
        self.assertFails(self.sys("system", "image", url), 7, server_id="api.image.get.app_error")
        self.server.set_state(config_patch={"ImageProxySettings": {"Enable": True}},
                              proxy_images={url: base64.b64encode(data).decode()})
        r = self.assertOk(self.sys("system", "image", url, "-o", "plain"))
        self.assertEqual(r.out, "cat.png\n")
        with open(os.path.join(self.home, "cat.png"), "rb") as f:
            self.assertEqual(f.read(), data)
        self.assertFails(self.sys("system", "image", url), 13, text="already exists")
        r = self.assertOk(self.sys("system", "image", url, "--force", "-o", "table"))
        self.assertEqual(r.out, "image saved to cat.png (%d bytes)\n" % len(data))
        r = self.assertOk(self.sys("system", "image", url, "--output-file", "-"))
        self.assertEqual(r.out_bytes, data)
        d = self.json_out(self.sys("system", "image", url, "--output-file", "sub.png", "--json"))
        self.assertEqual(d, {"file": "sub.png", "bytes": len(data), "content_type": "image/png"})
        # own host: the server redirects instead of proxying
        r = self.sys("system", "image", "http://localhost:8065/static/logo.png")
        self.assertFails(r, 7, text="redirects to 'http://localhost:8065/static/logo.png'")
        # the proxy could not fetch it (plain-text 404)
        self.assertFails(self.sys("system", "image", "https://images.example.com/gone.png"), 6,
                         text="error fetching remote image")
        self.assertFalse(os.path.exists(os.path.join(self.home, "gone.png")))
        self.assertEqual(sorted(os.listdir(self.home)), ["cat.png", "sub.png"])
        self.assertNoLocal("system", "image", url)
        r = self.run_mmadm("system", "image", url, env={"MMADM_URL": self.server.url})
        self.assertFails(r, 4)
        self.fault_5xx("/image", "system", "image", url, status=502)


class TestUpgradeRestart(SystemCase):
    def test_upgrade(self):
        self.assertFails(self.sys("system", "upgrade-to-enterprise"), 2, text="--yes")
        self.server.set_state(upgrade_allowed=False)
        r = self.assertDenied("system", "upgrade-to-enterprise-allowed")
        self.assertIn(PERM_ID, r.err)
        self.assertFails(self.sys("system", "upgrade-allowed"), 5,
                         server_id="api.upgrade_to_enterprise.invalid-user-and-permission.app_error")
        self.assertFails(self.sys("system", "upgrade-to-enterprise", "--yes"), 5,
                         server_id="api.upgrade_to_enterprise.invalid-user-and-permission.app_error")
        self.server.set_state(upgrade_allowed=True)
        r = self.assertOk(self.sys("system", "upgrade-to-enterprise-allowed"))
        self.assertEqual(r.out, "the server can upgrade itself to Enterprise Edition\n")
        r = self.assertOk(self.sys("system", "upgrade-to-enterprise-status", "-o", "table"))
        self.assertRegex(r.out, r"PERCENTAGE\s+ERROR\n0\s*\n")
        r = self.assertOk(self.sys("system", "upgrade-to-enterprise", "--yes"))
        self.assertIn("upgrade started", r.out)
        self.assertEqual(self.requests("POST", "/api/v4/upgrade_to_enterprise")[-1]["status"], 202)
        d = self.json_out(self.sys("system", "upgrade-status", "--json"))
        self.assertEqual(d, {"percentage": 100, "error": None})
        # 429 on the wire: a refusal (7), not a server failure
        self.assertFails(self.sys("system", "upgrade", "--yes"), 7,
                         server_id="api.upgrade_to_enterprise.app_error")
        self.server.set_state(enterprise_build=True)
        self.assertFails(self.sys("system", "upgrade", "--yes"), 7,
                         server_id="api.upgrade_to_enterprise.already-enterprise.app_error")
        self.assertDenied("system", "upgrade-to-enterprise", "--yes")
        self.assertDenied("system", "upgrade-to-enterprise-status")
        self.assertNoLocal("system", "upgrade-to-enterprise", "--yes")
        # a failed upgrade reported by the status
        self.server.add_fault("/upgrade_to_enterprise/status", status=200,
                              body={"percentage": 0, "error": "invalid signature"})
        r = self.sys("system", "upgrade-to-enterprise-status", "-o", "plain")
        self.assertRc(r, 8)
        self.assertEqual(r.out, "0\tinvalid signature\n")
        self.assertIn("the upgrade failed: invalid signature", r.err)
        self.server.clear_faults()
        self.server.clear_log()
        self.assertOk(self.sys("--dry-run", "system", "upgrade-to-enterprise"))
        self.assertEqual(self.non_get(), [])

    def test_restart(self):
        self.assertFails(self.sys("system", "restart"), 2, text="--yes")
        self.assertEqual(self.server.get_state()["restarts"], 0)
        r = self.assertOk(self.sys("system", "restart", "--yes"))
        self.assertIn("restart requested", r.out)
        self.assertEqual(self.server.get_state()["restarts"], 1)
        self.assertEqual(self.json_out(self.sys("system", "restart", "--yes", "--json")), {"status": "OK"})
        # the server goes down before its answer arrives: still success
        self.server.add_fault("/restart", drop_connection=True)
        r = self.assertOk(self.sys("system", "restart", "--yes"))
        self.assertEqual(r.out, "restart requested\n")
        self.assertIn("restart is under way", r.err)
        self.server.clear_faults()
        # an unreachable server is not mistaken for one restarting
        r = self.run_mmadm("system", "restart", "--yes",
                           env={"MMADM_URL": "http://127.0.0.1:9", "MMADM_TOKEN": ADMIN_TOKEN})
        self.assertFails(r, 3)
        self.assertDenied("system", "restart", "--yes")
        self.assertNoLocal("system", "restart", "--yes")
        self.fault_5xx("/restart", "system", "restart", "--yes")
        self.server.clear_log()
        r = self.assertOk(self.sys("--dry-run", "system", "restart"))
        self.assertEqual(r.out, "POST /api/v4/restart\n")
        self.assertEqual(self.non_get(), [])
        self.assertEqual(self.server.get_state()["restarts"], 2)

    @unittest.skipUnless(shutil.which("script"), "needs script(1) for a terminal")
    def test_restart_declined_on_a_terminal(self):
        env = self.base_env()
        env.update(self.admin_env())
        p = subprocess.run(["script", "-qec", "%s system restart" % mmadm_bin(), "/dev/null"],
                           input=b"n\n", stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=env, cwd=self.home, timeout=30)
        self.assertEqual(p.returncode, 130, p.stdout)
        self.assertIn(b"[y/N]", p.stdout)
        self.assertEqual(self.server.get_state()["restarts"], 0)


class TestIntegrity(SystemCase):
    def test_integrity(self):
        self.server.clear_log()
        self.assertFails(self.sys("system", "integrity"), 9, text="--local")
        self.assertEqual(self.server.request_log(), [])
        r = self.assertOk(self.local("system", "integrity", "-o", "table"))
        lines = r.out.splitlines()
        self.assertRegex(lines[0], r"^PARENT\s+CHILD\s+ORPHANS\s+RESULT$")
        self.assertRegex(lines[1], r"^Channels\s+ChannelMembers\s+0\s+ok$")
        self.assertEqual(len(lines), 9)
        d = self.json_out(self.local("system", "integrity", "-o", "json"))
        self.assertEqual(len(d), 8)
        self.assertEqual(d[0]["data"]["parent_id_attr"], "ChannelId")
        self.assertIsNone(d[0]["err"])
        self.server.set_state(integrity_fail=True)
        r = self.local("system", "integrity", "-o", "plain")
        self.assertRc(r, 8)
        self.assertIn("Channels\tPosts\t2\torphaned records\n", r.out)
        self.assertIn("Posts\tReactions\t0\tfailed\n", r.out)
        self.assertIn("1 of 8 integrity checks failed", r.err)
        r = self.local("system", "integrity", "--records", "-o", "plain")
        self.assertRc(r, 8)
        rows = [l.split("\t") for l in r.out.splitlines()]
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[1][:2], ["Channels", "Posts"])
        self.assertEqual(rows[1][2], "")
        # the server's answer, unmodified, even when a check failed
        r = self.local("system", "integrity", "-o", "json")
        self.assertRc(r, 8)
        self.assertEqual(json.loads(r.out)[2]["err"], {})
        self.server.add_fault("/integrity", status=500, listener="local",
                              body={"id": "app.fake.fault", "message": "x", "detailed_error": "",
                                    "status_code": 500})
        self.assertFails(self.local("system", "integrity"), 8, server_id="app.fake.fault")
        self.server.clear_faults()
        self.server.clear_log()
        self.assertOk(self.local("--dry-run", "system", "integrity"))
        self.assertEqual(self.non_get(), [])


class TestSupportPacket(SystemCase):
    server_args = ("--license",)

    def test_support_packet_files(self):
        r = self.assertOk(self.sys("system", "support-packet", "-o", "plain"))
        name = r.out.strip()
        self.assertRegex(name, r"^mm_support_packet_.+_\d{4}-\d\d-\d\dT\d\d-\d\d\.zip$")
        path = os.path.join(self.home, name)
        self.assertEqual(os.stat(path).st_mode & 0o777, 0o600)
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
        self.assertIn("mattermost.log", names)
        self.assertIn("sanitized_config.json", names)
        # the same name again: kept
        self.assertFails(self.sys("system", "support-packet"), 13, text="already exists")
        self.assertEqual([n for n in os.listdir(self.home) if n.startswith("mm_support")
                          or n.startswith(".mmadm")], [name])
        out = os.path.join(self.home, "p.zip")
        d = self.json_out(self.sys("system", "support-packet", "--no-logs", "--plugin", "com.a",
                                   "--plugin", "com.b", "--output-file", out, "--json"))
        self.assertEqual(d["file"], out)
        self.assertEqual(d["bytes"], os.path.getsize(out))
        self.assertEqual(d["content_type"], "application/zip")
        q = self.requests("GET", "/api/v4/system/support_packet")[-1]["query"]
        self.assertEqual(q, "basic_server_logs=false&plugin_packets=com.a&plugin_packets=com.b")
        with zipfile.ZipFile(out) as z:
            names = z.namelist()
        self.assertNotIn("mattermost.log", names)
        self.assertIn("com.a/diagnostics.yaml", names)
        self.assertIn("com.b/diagnostics.yaml", names)
        r = self.assertOk(self.sys("system", "support-packet", "--output-file", out, "--force",
                                   "-o", "table"))
        self.assertRegex(r.out, r"^support packet saved to .*p\.zip \(\d+ bytes\)\n$")
        sub = os.path.join(self.home, "dir")
        os.mkdir(sub)
        r = self.assertOk(self.sys("system", "supportpacket", "--output-file", sub, "-o", "plain"))
        self.assertTrue(r.out.startswith(sub + "/mm_support_packet_"))
        r = self.assertOk(self.sys("system", "support-packet", "--output-file", "-"))
        with zipfile.ZipFile(io.BytesIO(r.out_bytes)) as z:
            self.assertIn("metadata.yaml", z.namelist())

    def test_support_packet_streamed_byte_for_byte(self):
        data = os.urandom(3 * 1024 * 1024 + 17)
        self.server.add_fault("/system/support_packet", status=200, content_type="application/zip",
                              body_b64=base64.b64encode(data).decode(),
                              headers={"Content-Disposition":
                                       'attachment; filename="mm_support_packet_Acme_2025-01-02T03-04.zip"'})
        r = self.assertOk(self.sys("system", "support-packet", "-o", "plain"))
        self.assertEqual(r.out, "mm_support_packet_Acme_2025-01-02T03-04.zip\n")
        self.assertEqual(r.err, "")  # no terminal: no progress bar
        with open(os.path.join(self.home, "mm_support_packet_Acme_2025-01-02T03-04.zip"), "rb") as f:
            self.assertEqual(f.read(), data)
        # a cut connection leaves no file behind
        self.server.add_fault("/system/support_packet", truncate=True, status=200,
                              content_type="application/zip", body_b64=base64.b64encode(data).decode(),
                              headers={"Content-Disposition": 'attachment; filename="cut.zip"'})
        r = self.sys("system", "support-packet")
        self.assertNotEqual(r.rc, 0)
        self.assertFalse(os.path.exists(os.path.join(self.home, "cut.zip")))
        self.assertFalse([n for n in os.listdir(self.home) if n.startswith(".mmadm")])

    @unittest.skipUnless(shutil.which("script"), "needs script(1) for a terminal")
    def test_support_packet_progress_on_a_terminal(self):
        data = os.urandom(2 * 1024 * 1024)
        self.server.add_fault("/system/support_packet", status=200, content_type="application/zip",
                              body_b64=base64.b64encode(data).decode(),
                              headers={"Content-Disposition": 'attachment; filename="tty.zip"'})
        env = self.base_env()
        env.update(self.admin_env())
        p = subprocess.run(["script", "-qec", "%s system support-packet" % mmadm_bin(), "/dev/null"],
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=env, cwd=self.home, timeout=30)
        self.assertEqual(p.returncode, 0, p.stdout)
        self.assertIn(b"100%", p.stdout)
        self.assertIn(b"tty.zip", p.stdout)
        with open(os.path.join(self.home, "tty.zip"), "rb") as f:
            self.assertEqual(f.read(), data)

    def test_support_packet_errors_and_local(self):
        r = self.assertOk(self.local("system", "support-packet", "--output-file", "local.zip", "-o", "plain"))
        self.assertEqual(r.out, "local.zip\n")
        self.assertTrue(self.server.find_requests("GET", "/api/v4/system/support_packet", listener="local"))
        self.assertDenied("system", "support-packet")
        self.server.set_state(license=False)
        self.assertFails(self.sys("system", "support-packet"), 12, server_id="api.no_license")
        self.server.set_state(license=True, restrict_system_admin=True)
        self.assertFails(self.sys("system", "support-packet"), 5, server_id=PERM_ID)
        self.fault_5xx("/system/support_packet", "system", "support-packet")
        self.assertFalse([n for n in os.listdir(self.home) if n.startswith(".mmadm")])


class TestAudits(SystemCase):
    def test_audits_formats(self):
        r = self.assertOk(self.sys("system", "audits", "-o", "table"))
        lines = r.out.splitlines()
        self.assertRegex(lines[0], r"^TIME\s+USER\s+ACTION\s+IP\s+EXTRA$")
        self.assertRegex(lines[1], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\s+sysadmin0+a\s+/api/v4/users/login")
        self.assertEqual(len(lines), 4)
        d = self.json_out(self.sys("system", "audits", "-o", "json"))
        self.assertEqual(len(d), 3)
        self.assertNotIn("time", d[0])  # the server's objects, unmodified
        self.assertEqual(set(d[0]), {"id", "create_at", "user_id", "action", "extra_info",
                                     "ip_address", "session_id"})
        r = self.assertOk(self.sys("system", "audits", "--columns", "action,ip_address", "-o", "plain"))
        self.assertEqual(r.out.splitlines()[0], "/api/v4/users/login\t127.0.0.1")

    def test_audits_paging(self):
        self.server.set_state(seed_audits=450)
        r = self.assertOk(self.sys("system", "audits", "--all", "-o", "plain"))
        self.assertEqual(len(r.out.splitlines()), 450)
        pages = [e["query"] for e in self.requests("GET", "/api/v4/audits")]
        self.assertEqual(pages, ["page=0&per_page=200", "page=1&per_page=200", "page=2&per_page=200"])
        self.server.clear_log()
        d = self.json_out(self.sys("system", "audits", "--all", "--per-page", "100", "--json"))
        self.assertEqual(len(d), 450)
        self.assertEqual(len({a["id"] for a in d}), 450)
        self.assertEqual(len(self.requests("GET", "/api/v4/audits")), 5)
        d = self.json_out(self.sys("system", "audits", "--page", "2", "--per-page", "100", "--json"))
        self.assertEqual(len(d), 100)
        self.assertEqual(d[0]["action"], "/api/v4/audit/0249")
        r = self.assertOk(self.sys("system", "audits", "--per-page", "500", "-o", "plain"))
        self.assertEqual(len(r.out.splitlines()), 200)
        self.assertIn("over the server's maximum", r.err)
        # exactly a full last page: one more (empty) request ends the loop
        self.server.set_state(seed_audits=400)
        self.server.clear_log()
        d = self.json_out(self.sys("system", "audits", "--all", "--json"))
        self.assertEqual(len(d), 400)
        self.assertEqual(len(self.requests("GET", "/api/v4/audits")), 3)
        self.server.set_state(seed_audits=0)
        self.assertEqual(self.json_out(self.sys("system", "audits", "--all", "--json")), [])

    def test_audits_errors(self):
        r = self.assertDenied("system", "audits")
        self.assertIn(PERM_ID, r.err)
        self.assertNoLocal("system", "audits")
        self.fault_5xx("/audits", "system", "audits", "--all")
        # a failure on page 2 after page 1 streamed
        self.server.set_state(seed_audits=250)
        self.server.add_fault(r"/audits\?page=1", match_query=True, status=503, body={"id": "app.fake.fault", "message": "m",
                                                "detailed_error": "", "status_code": 503})
        r = self.sys("system", "audits", "--all", "-o", "plain")
        self.assertRc(r, 8)
        self.assertEqual(len(r.out.splitlines()), 200)


class TestCachesAndPush(SystemCase):
    def test_caches_invalidate(self):
        r = self.assertOk(self.sys("system", "caches-invalidate"))
        self.assertEqual(r.out, "all server caches invalidated\n")
        self.assertEqual(self.json_out(self.sys("system", "invalidate-caches", "--json")), {"status": "OK"})
        self.assertEqual(self.server.get_state()["caches_invalidated"], 2)
        self.assertDenied("system", "caches-invalidate")
        self.server.set_state(restrict_system_admin=True)
        self.assertFails(self.sys("system", "caches-invalidate"), 5, server_id=PERM_ID)
        self.assertNoLocal("system", "caches-invalidate")
        self.server.clear_log()
        r = self.assertOk(self.sys("--dry-run", "system", "caches-invalidate"))
        self.assertEqual(r.out, "POST /api/v4/caches/invalidate\n")
        self.assertEqual(self.non_get(), [])

    def test_push_ack(self):
        r = self.assertOk(self.user("system", "push-ack", "--id", "ack1", "--platform", "android",
                                    "--type", "clear", "--received-at", "1700000000000"))
        self.assertEqual(r.out, "notification acknowledged\n")
        body = json.loads(self.requests("POST", "/api/v4/notifications/ack")[-1]["body"])
        self.assertEqual(body, {"id": "ack1", "platform": "android", "type": "clear",
                                "received_at": 1700000000000, "is_id_loaded": False})
        # an id-only notification: the server answers with the message
        d = self.json_out(self.sys("system", "push-ack", "--id", "ack2", "--type", "message",
                                   "--post-id", "p" * 26, "--id-loaded", "--json"))
        self.assertEqual(d["post_id"], "p" * 26)
        self.assertEqual(d["ack_id"], "ack2")
        self.assertEqual(len(self.server.get_state()["push_acks"]), 2)
        self.assertFails(self.sys("system", "push-ack"), 2, text="--id")
        self.assertNoLocal("system", "push-ack", "--id", "x")
        self.server.set_state(config_patch={"EmailSettings": {"SendPushNotifications": False}})
        self.assertFails(self.sys("system", "push-ack", "--id", "x"), 12,
                         server_id="api.push_notification.disabled.app_error")
        r = self.run_mmadm("system", "push-ack", "--id", "x", env={"MMADM_URL": self.server.url,
                                                                  "MMADM_TOKEN": "nope"})
        self.assertFails(r, 4)


class TestAiBridge(SystemCase):
    def test_absent_on_the_fork(self):
        self.assertFails(self.sys("system", "ai-bridge"), 12, text="no /api/v4/system/e2e/ai_bridge")
        self.assertFails(self.sys("system", "ai-bridge-delete", "--yes"), 12)
        self.assertNoLocal("system", "ai-bridge")

    def test_ai_bridge(self):
        self.server.set_state(ai_bridge_routes=True)
        # testing off: 501 before the permission check
        self.assertFails(self.user("system", "ai-bridge"), 12,
                         server_id="api.ai_bridge_test_helper.disabled.app_error")
        self.server.set_state(config_patch={"ServiceSettings": {"EnableTesting": True}})
        r = self.assertOk(self.sys("system", "ai-bridge", "-o", "plain"))
        self.assertIn("status.available\tfalse\n", r.out)
        cfg = os.path.join(self.home, "bridge.yaml")
        with open(cfg, "w") as f:
            f.write("status:\n  available: true\nagents:\n  - id: a1\n    displayName: Agent\n")
        d = self.json_out(self.sys("system", "ai-bridge-set", cfg, "--json"))
        self.assertEqual(d["status"]["available"], True)
        self.assertEqual(d["agents"][0]["id"], "a1")
        sent = json.loads(self.requests("PUT", "/api/v4/system/e2e/ai_bridge")[-1]["body"])
        self.assertEqual(sent, {"status": {"available": True},
                                "agents": [{"id": "a1", "displayName": "Agent"}]})
        r = self.assertOk(self.sys("system", "e2e-ai-bridge", "-o", "table"))
        self.assertRegex(r.out, r"agents\s+\[\{\"id\":\"a1\"")
        self.assertFails(self.sys("system", "ai-bridge-delete"), 2, text="--yes")
        self.assertEqual(self.json_out(self.sys("system", "ai-bridge-delete", "--yes", "--json")),
                         {"status": "OK"})
        self.assertEqual(self.server.get_state()["ai_bridge"]["agents"], [])
        self.assertDenied("system", "ai-bridge")
        self.assertDenied("system", "ai-bridge-set", cfg)
        with open(cfg, "w") as f:
            f.write("[1, 2]\n")
        self.assertFails(self.sys("system", "ai-bridge-set", cfg), 2)
        self.fault_5xx("/system/e2e/ai_bridge", "system", "ai-bridge")
        self.server.add_fault("/system/e2e/ai_bridge", status=400, method="PUT",
                              body={"id": "api.context.invalid_body_param.app_error",
                                    "message": "Invalid or missing body in request body.",
                                    "detailed_error": "", "status_code": 400})
        with open(cfg, "w") as f:
            f.write("{}\n")
        self.assertFails(self.sys("system", "ai-bridge-set", cfg), 7,
                         server_id="api.context.invalid_body_param.app_error")


class TestManualTest(SystemCase):
    def test_manual_test(self):
        # EnableTesting off: /manualtest is the web app (200 HTML)
        self.assertFails(self.sys("system", "manual-test", "--test", "autolink"), 12,
                         text="EnableTesting")
        self.server.add_fault("^/manualtest$", status=307, body="",
                              headers={"Location": "/channels/town-square"}, bare=True)
        r = self.assertOk(self.run_mmadm("system", "manual-test", "--test", "autolink", "--uid", "x 1",
                                         "--username", "tester", "--teamname", "Team",
                                         env={"MMADM_URL": self.server.url}))
        self.assertEqual(r.out, "/channels/town-square\n")
        q = self.requests("GET", "/manualtest")[-1]["query"]
        self.assertEqual(q, "test=autolink&uid=x%201&username=tester&teamname=Team")
        d = self.json_out(self.sys("system", "manual-test", "--test", "general", "--json"))
        self.assertEqual(d, {"status": 307, "location": "/channels/town-square"})
        self.server.clear_faults()
        self.server.add_fault("^/manualtest$", status=400,
                              body={"id": "manaultesting.manual_test.parse.app_error", "message": "m",
                                    "detailed_error": "", "status_code": 400})
        self.assertFails(self.sys("system", "manual-test", "--test", "x"), 7,
                         server_id="manaultesting.manual_test.parse.app_error")
        self.server.clear_faults()
        self.assertFails(self.sys("system", "manual-test"), 2, text="--test")
        self.assertNoLocal("system", "manual-test", "--test", "autolink")
        # it creates users and teams: a dry run sends nothing
        self.server.clear_log()
        r = self.assertOk(self.sys("--dry-run", "system", "manual-test", "--test", "autolink"))
        self.assertEqual(r.out, "GET /manualtest?test=autolink\n")
        self.assertEqual(self.server.request_log(), [])


class TestCommon(SystemCase):
    def test_dry_run_sends_nothing(self):
        self.server.clear_log()
        for args in (("system", "server-busy-set"), ("system", "restart"),
                     ("system", "caches-invalidate"), ("system", "notification-test"),
                     ("system", "site-url-test", "https://x.example.com"),
                     ("system", "onboarding-complete", "--organization", "A"),
                     ("system", "upgrade-to-enterprise"), ("system", "push-ack", "--id", "a"),
                     ("system", "notices-view", "n1"), ("system", "email-test")):
            r = self.assertOk(self.sys("--dry-run", *args))
            self.assertRegex(r.out, r"^(POST|PUT|DELETE) /api/v4/")
        self.assertEqual(self.non_get(), [])
        st = self.server.get_state()
        self.assertEqual((st["restarts"], st["caches_invalidated"], st["emails_sent"]), (0, 0, 0))
        self.assertFalse(st["onboarding_complete"])

    def test_unreachable_and_bad_responses(self):
        env = {"MMADM_URL": "http://127.0.0.1:9", "MMADM_TOKEN": ADMIN_TOKEN}
        for args in (("system", "timezones"), ("system", "version"), ("db", "schema-version"),
                     ("system", "support-packet")):
            self.assertFails(self.run_mmadm(*args, env=env), 3)
        self.server.add_fault("/system/timezones", status=200, invalid_json=True)
        self.assertFails(self.sys("system", "timezones"), 11)

    def test_help(self):
        for cmd in ("ping", "version", "support-packet", "integrity", "audits", "restart"):
            r = self.assertOk(self.run_mmadm("help", "system", cmd))
            self.assertIn("Usage: mmadm system " + cmd, r.out)
        r = self.assertOk(self.run_mmadm("system", "restart", "--help"))
        self.assertIn("Destructive", r.out)
        r = self.assertOk(self.run_mmadm("help", "system", "integrity"))
        self.assertIn("--local", r.out)


if __name__ == "__main__":
    unittest.main()
