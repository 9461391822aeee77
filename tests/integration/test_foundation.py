"""The foundation: headline commands, errors and exit codes, auth and
profiles, local mode, tracing, against the stand-in server."""
import json
import os
import re
import shlex
import stat
import subprocess
import unittest

from harness import (ADMIN_TOKEN, FAKE_SETTING, USER_TOKEN, MmadmTestCase,
                     StandinServer, REPO, mmadm_bin)


def header(entry, name):
    for k, v in entry["headers"]:
        if k.lower() == name.lower():
            return v
    return None


class Base(MmadmTestCase):
    """The shared helpers (ok, fails, admin, user, local) are in harness."""


class TestPing(Base):
    def test_ping_tcp(self):
        r = self.ok(self.admin("system", "ping"))
        self.assertEqual(r.out, "OK\n")
        self.assertEqual(r.err, "")
        (req,) = self.server.find_requests("GET", "/api/v4/system/ping")
        self.assertIn("use_rest_semantics=true", req["query"])
        self.assertEqual(header(req, "Authorization"), "Bearer " + ADMIN_TOKEN)
        self.assertTrue(header(req, "User-Agent").startswith("mmadm/"))
        self.assertEqual(header(req, "X-Requested-With"), "XMLHttpRequest")
        self.assertIsNone(header(req, "Cookie"))

    def test_ping_needs_no_token(self):
        r = self.ok(self.run_mmadm("system", "ping", env={"MMADM_URL": self.server.url}))
        self.assertEqual(r.out, "OK\n")

    def test_ping_full_formats(self):
        r = self.ok(self.admin("system", "ping", "--full", "-o", "json"))
        doc = json.loads(r.out)
        self.assertEqual(doc["status"], "OK")
        self.assertEqual(doc["database_status"], "OK")
        self.assertEqual(doc["filestore_status"], "OK")
        (req,) = self.server.find_requests("GET", "/api/v4/system/ping")
        self.assertIn("get_server_status=true", req["query"])
        r = self.ok(self.admin("system", "ping", "--full", "-o", "plain"))
        self.assertIn("status\tOK\n", r.out)
        self.assertIn("database_status\tOK\n", r.out)
        r = self.ok(self.admin("system", "ping", "--full", "-o", "yaml"))
        self.assertIn("status: OK", r.out)
        r = self.ok(self.admin("system", "ping", "--full", "-o", "table"))
        self.assertRegex(r.out, r"^KEY +VALUE\n")
        self.assertRegex(r.out, r"\ndatabase_status +OK\n")

    def test_unhealthy(self):
        self.server.set_state(ping_unhealthy=True)
        r = self.fails(self.admin("system", "ping"), 8, "unhealthy")
        self.assertEqual(r.out, "UNHEALTHY\n")

    def test_unhealthy_database(self):
        self.server.set_state(db_unhealthy=True)
        r = self.fails(self.admin("system", "ping", "--full", "--json"), 8,
                       "database UNHEALTHY")
        self.assertEqual(json.loads(r.out)["database_status"], "UNHEALTHY")

    def test_unhealthy_500_body(self):
        # An older server answers 500 with the ping body itself.
        self.server.add_fault(path_regex="^/api/v4/system/ping$", status=500,
                              body='{"status":"UNHEALTHY"}',
                              content_type="application/json")
        r = self.fails(self.admin("system", "ping"), 8, "unhealthy")
        self.assertEqual(r.out, "UNHEALTHY\n")

    def test_ping_local_socket(self):
        r = self.ok(self.run_mmadm("system", "ping", "--full", "-o", "json",
                                   env=self.local_env()))
        self.assertIn("root_status", json.loads(r.out))
        (req,) = self.server.find_requests("GET", "/api/v4/system/ping")
        self.assertEqual(req["listener"], "local")
        self.assertIsNone(header(req, "Authorization"))

    def test_local_never_sends_token(self):
        env = dict(self.local_env(), MMADM_TOKEN=ADMIN_TOKEN)
        self.ok(self.run_mmadm("system", "ping", env=env))
        (req,) = self.server.find_requests("GET", "/api/v4/system/ping")
        self.assertIsNone(header(req, "Authorization"))


class TestErrors(Base):
    def test_unreachable(self):
        r = self.fails(self.run_mmadm("system", "ping",
                                      env={"MMADM_URL": "http://127.0.0.1:1"}),
                       3, "http://127.0.0.1:1")
        self.assertEqual(r.out, "")

    def test_bad_url(self):
        self.fails(self.run_mmadm("system", "ping", "--url", "ftp://x"), 2)
        self.fails(self.run_mmadm("system", "ping", "--url", "http://u:p@h"), 2)

    def test_no_server(self):
        self.fails(self.run_mmadm("system", "ping"), 10, "--url")

    def test_expired_token(self):
        r = self.fails(self.run_mmadm("config", "get", env={
            "MMADM_URL": self.server.url, "MMADM_TOKEN": "x" * 26}),
            4, "api.context.session_expired.app_error", "auth login")
        self.assertEqual(r.out, "")

    def test_missing_token(self):
        self.fails(self.run_mmadm("config", "get",
                                  env={"MMADM_URL": self.server.url}),
                   4, "MMADM_TOKEN")
        self.assertEqual(self.server.request_log(), [])

    def test_permission(self):
        self.fails(self.run_mmadm("db", "recycle", "--yes", env=self.user_env()),
                   5, "api.context.permissions.app_error")

    def test_server_error_json(self):
        self.server.add_fault(path_regex="^/api/v4/config$", status=500,
                              body=json.dumps({"id": "app.x.boom", "message": "It broke.",
                                               "detailed_error": "", "status_code": 500}),
                              content_type="application/json")
        self.fails(self.admin("config", "get"), 8, "It broke.", "app.x.boom", "500")

    def test_server_error_not_json(self):
        self.server.add_fault(path_regex="^/api/v4/config$", status=502, times=10,
                              body="<html><body>\x1b[31mBad gateway</body></html>",
                              content_type="text/html")
        r = self.fails(self.admin("config", "get"), 8, "HTTP 502", "Bad gateway")
        self.assertNotIn("\x1b", r.err)

    def test_retry_idempotent(self):
        self.server.add_fault(path_regex="^/api/v4/system/ping$", status=503, times=1,
                              body="busy", content_type="text/plain")
        r = self.ok(self.admin("system", "ping"))
        self.assertEqual(r.out, "OK\n")
        self.assertEqual(len(self.server.find_requests("GET", "/api/v4/system/ping")), 2)

    def test_no_retry_post(self):
        self.server.add_fault(path_regex="^/api/v4/database/recycle$", status=503,
                              times=1, body="busy", content_type="text/plain")
        self.fails(self.admin("db", "recycle", "--yes"), 8, "HTTP 503")
        self.assertEqual(len(self.server.find_requests("POST", "/api/v4/database/recycle")), 1)

    def test_invalid_json(self):
        self.server.add_fault(path_regex="^/api/v4/config$", invalid_json=True)
        self.fails(self.admin("config", "get"), 11, "not valid JSON")

    def test_empty_body(self):
        self.server.add_fault(path_regex="^/api/v4/config$", status=200, body="",
                              content_type="application/json")
        self.fails(self.admin("config", "get"), 11, "empty body")

    def test_truncated(self):
        self.server.add_fault(path_regex="^/api/v4/config$", truncate=True)
        r = self.admin("config", "get")
        self.assertIn(r.rc, (3, 11))
        self.assertEqual(r.err.count("\n"), 1)

    def test_timeout(self):
        self.server.add_fault(path_regex="^/api/v4/system/ping$", delay_ms=5000)
        self.fails(self.admin("--timeout", "1", "system", "ping"), 3, "in time")

    def test_usage(self):
        self.fails(self.admin("sytem", "ping"), 2, "did you mean 'system'")
        self.fails(self.admin("system", "pnig"), 2, "did you mean 'system ping'")
        self.fails(self.admin("system", "ping", "--ful"), 2, "did you mean '--full'")
        self.fails(self.admin("remotecluster", "invite"), 2, "--password-file")
        self.fails(self.admin("remotecluster", "invite", "--password-file", "/dev/null"),
                   2, "missing argument ID")
        self.fails(self.admin("-o", "xml", "system", "ping"), 2, "one of table")
        self.fails(self.admin("--timeout", "-3", "system", "ping"), 2)
        # The help hint comes once, from the report, not also in the message.
        for args in (("--version", "extra"), ("qqqqqqqqqq",), ("sytem", "ping")):
            r = self.fails(self.admin(*args), 2, "unknown command")
            self.assertEqual(r.err.count("(see 'mmadm help')"), 1, r.err)
        self.assertEqual(self.server.request_log(), [])

    def test_redirect_not_followed(self):
        self.server.add_fault(path_regex="^/api/v4/config$", status=302,
                              headers={"Location": "http://evil.example/api/v4/config"},
                              body="")
        self.fails(self.admin("config", "get"), 11, "redirect", "evil.example")
        self.assertEqual(len(self.server.find_requests("GET", "/api/v4/config")), 1)


class TestDb(Base):
    def test_recycle(self):
        r = self.ok(self.admin("db", "recycle", "--yes"))
        self.assertEqual(r.out, "database connections recycled\n")
        self.assertEqual(len(self.server.find_requests("POST", "/api/v4/database/recycle")), 1)
        r = self.ok(self.admin("db", "recycle", "--yes", "--json"))
        self.assertEqual(json.loads(r.out), {"status": "OK"})

    def test_recycle_needs_yes(self):
        self.fails(self.admin("db", "recycle"), 2, "--yes")
        self.assertEqual(self.server.request_log(), [])

    def test_recycle_dry_run(self):
        r = self.ok(self.admin("db", "recycle", "--dry-run"))
        self.assertEqual(r.out, "POST /api/v4/database/recycle\n")
        self.assertEqual(self.server.request_log(), [])

    def test_recycle_not_local(self):
        self.fails(self.run_mmadm("db", "recycle", "--yes", env=self.local_env()),
                   9, "local socket")
        self.assertEqual(self.server.request_log(), [])


class TestFileTest(Base):
    def test_no_overrides_sends_no_body(self):
        r = self.ok(self.admin("file", "test"))
        self.assertIn("OK", r.out)
        (req,) = self.server.find_requests("POST", "/api/v4/file/test")
        self.assertEqual(req["body_size"], 0)
        self.assertEqual(self.server.find_requests("GET", "/api/v4/config"), [])

    def test_overrides(self):
        before = self.server.config()["FileSettings"]
        r = self.ok(self.admin("file", "test", "--driver", "amazons3",
                               "--bucket", "backups", "--region", "eu-west-1"))
        self.assertIn("amazons3", r.out)
        (req,) = self.server.find_requests("POST", "/api/v4/file/test")
        body = json.loads(req["body"])
        fs = body["FileSettings"]
        self.assertEqual(fs["DriverName"], "amazons3")
        self.assertEqual(fs["AmazonS3Bucket"], "backups")
        self.assertEqual(fs["AmazonS3Region"], "eu-west-1")
        # A secret left as the placeholder, for the server to swap back.
        self.assertEqual(fs["AmazonS3SecretAccessKey"], FAKE_SETTING)
        self.assertIn("ServiceSettings", body)   # the full config is sent
        self.assertEqual(self.server.config()["FileSettings"], before)  # nothing saved

    def test_secret_from_file(self):
        path = os.path.join(self.home, "s3key")
        with open(path, "w") as f:
            f.write("s3cr3t-key\n")
        self.ok(self.admin("file", "test", "--driver", "amazons3", "--bucket", "b",
                           "--secret-key-file", path))
        (req,) = self.server.find_requests("POST", "/api/v4/file/test")
        self.assertEqual(json.loads(req["body"])["FileSettings"]["AmazonS3SecretAccessKey"],
                         "s3cr3t-key")

    def test_missing_bucket(self):
        self.fails(self.admin("file", "test", "--driver", "amazons3", "--bucket", ""),
                   7, "AmazonS3Bucket", "--bucket")

    def test_missing_azure_fields(self):
        self.fails(self.admin("file", "test", "--driver", "azureblob", "--account", "acct"),
                   7, "Azure")

    def test_bucket_does_not_exist(self):
        self.fails(self.admin("file", "test", "--driver", "amazons3",
                              "--bucket", "missing-bucket"), 8, "does not exist")

    def test_bad_credentials(self):
        self.fails(self.admin("file", "test", "--driver", "amazons3", "--bucket", "b",
                              "--access-key-id", "bad-key"), 8, "credentials")

    def test_permission_first(self):
        self.fails(self.run_mmadm("file", "test", env=self.user_env()), 5)

    def test_bad_driver_value(self):
        self.fails(self.admin("file", "test", "--driver", "ftp"), 2, "local, amazons3")
        self.assertEqual(self.server.request_log(), [])

    def test_not_local(self):
        self.fails(self.run_mmadm("file", "test", env=self.local_env()), 9)


class TestFileTestOldServer(Base):
    server_args = ("--no-file-test",)

    def test_fallback_s3(self):
        r = self.ok(self.admin("file", "test", "--driver", "amazons3", "--bucket", "b"))
        self.assertIn("legacy", r.err)
        self.assertEqual(len(self.server.find_requests("POST", "/api/v4/file/test")), 1)
        self.assertEqual(len(self.server.find_requests("POST", "/api/v4/file/s3_test")), 1)

    def test_other_driver_needs_newer_server(self):
        self.fails(self.admin("file", "test"), 12, "newer server", "local")
        self.assertEqual(self.server.find_requests("POST", "/api/v4/file/s3_test"), [])


class TestInvite(Base):
    server_args = ("--license",)    # remote clusters need the license feature

    def make_cluster(self):
        r = self.server.api("POST", "/api/v4/remotecluster", token=ADMIN_TOKEN,
                            body={"name": "peer", "display_name": "Peer",
                                  "default_team_id": "teammain" + "0" * 17 + "a"})
        self.assertEqual(r.status, 201, r.body)
        return r.json()["remote_cluster"]["remote_id"]

    def test_invite(self):
        rid = self.make_cluster()
        pw = os.path.join(self.home, "pw")
        with open(pw, "w") as f:
            f.write("invite-secret-1\n")
        r = self.ok(self.admin("remotecluster", "invite", rid, "--password-file", pw))
        self.assertRegex(r.out, r"^[A-Za-z0-9+/=_-]+\n$")
        (req,) = self.server.find_requests("POST", "/api/v4/remotecluster/%s/generate_invite" % rid)
        self.assertEqual(json.loads(req["body"]), {"password": "invite-secret-1"})
        r2 = self.ok(self.admin("remotecluster", "invite", rid, "--password-file", "-",
                                input="invite-secret-1\n"))
        self.assertRegex(r2.out, r"^[A-Za-z0-9+/=_-]+\n$")

    def test_invite_errors(self):
        pw = os.path.join(self.home, "pw")
        with open(pw, "w") as f:
            f.write("\n")
        self.fails(self.admin("remotecluster", "invite", "a" * 26, "--password-file", pw),
                   2, "empty")
        with open(pw, "w") as f:
            f.write("x\n")
        self.fails(self.admin("remotecluster", "invite", "short", "--password-file", pw),
                   2, "26 letters")
        self.fails(self.admin("remotecluster", "invite", "a" * 26, "--password-file", pw),
                   6)
        self.fails(self.admin("remotecluster", "invite", "a" * 26, "--password-file",
                              os.path.join(self.home, "nope")), 13, "nope")


class TestAuth(Base):
    def write(self, name, text, mode=0o600):
        path = os.path.join(self.home, name)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, mode)
        return path

    def profiles_path(self):
        return os.path.join(self.xdg_config_home, "mmadm", "config.yaml")

    def login(self, name="standin", user="sysadmin", pw="Sys-admin-pass1", *extra):
        return self.run_mmadm("auth", "login", self.server.url, "--username", user,
                              "--password-file", self.write("pw", pw + "\n"),
                              "--name", name, *extra)

    def test_login_and_use(self):
        r = self.ok(self.login())
        self.assertIn("profile 'standin'", r.out)
        path = self.profiles_path()
        st = os.stat(path)
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o600)
        self.assertEqual(stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode), 0o700)
        (req,) = self.server.find_requests("POST", "/api/v4/users/login")
        self.assertEqual(json.loads(req["body"]),
                         {"login_id": "sysadmin", "password": "Sys-admin-pass1"})
        # No X-Requested-With on login, so the server sets no cookie
        # copies of the session (API-NOTES 1.3); other requests keep it.
        self.assertIsNone(header(req, "X-Requested-With"))
        # The saved session works without any environment.
        r = self.ok(self.run_mmadm("config", "get", "ServiceSettings.SiteURL"))
        self.assertEqual(r.out, "http://localhost:8065\n")
        r = self.ok(self.run_mmadm("auth", "list", "-o", "plain"))
        self.assertEqual(r.out.split("\t")[:3], ["*", "standin", self.server.url])
        with open(path) as f:
            token = re.search(r'token: "?([a-z0-9]+)', f.read()).group(1)
        self.assertNotIn(token, r.out)
        r = self.ok(self.run_mmadm("auth", "current", "-o", "plain"))
        self.assertIn("profile\tstandin\tprofile", r.out)
        self.assertIn("token\tset\tprofile", r.out)

    def test_password_stdin_and_failures(self):
        r = self.ok(self.run_mmadm("auth", "login", self.server.url, "--username", "sysadmin",
                                   "--password-stdin", input="Sys-admin-pass1\n"))
        self.assertTrue(os.path.exists(self.profiles_path()))
        r = self.fails(self.login("bad", "sysadmin", "wrong"), 4,
                       "api.user.login.invalid_credentials")
        # A failed login is not a stale token: no "run auth login" advice.
        self.assertNotIn("run 'mmadm auth login'", r.err)
        self.fails(self.run_mmadm("auth", "login", self.server.url, "--username", "x"),
                   2, "--password-file")
        # An empty user name is a usage error, found before any request.
        self.server.clear_log()
        self.fails(self.run_mmadm("auth", "login", self.server.url, "--username", "",
                                  "--password-stdin", input="Sys-admin-pass1\n"),
                   2, "--username")
        self.assertEqual(self.server.request_log(), [])

    def test_mfa(self):
        r = self.fails(self.login("m", "mfaadmin", "Mfa-admin-pass1"), 4, "--mfa")
        self.assertNotIn("run 'mmadm auth login'", r.err)
        self.fails(self.login("m", "mfaadmin", "Mfa-admin-pass1", "--mfa", "000000"), 4,
                   "api.user.check_user_mfa.bad_code.app_error")
        self.ok(self.login("m", "mfaadmin", "Mfa-admin-pass1", "--mfa", "123456"))

    def test_token_file_with_a_nul_is_refused(self):
        # the token was cut at the NUL and the rest silently dropped
        tok = self.write("tok", ADMIN_TOKEN[:5] + "\0" + ADMIN_TOKEN[5:] + "\n")
        self.server.clear_log()
        self.fails(self.run_mmadm("auth", "add-token", self.server.url, "--name", "a",
                                  "--token-file", tok), 2, tok, "NUL byte at offset 5")
        self.fails(self.run_mmadm("auth", "add-token", self.server.url, "--name", "a",
                                  "--token-stdin", input="ab\x07cd\n"), 2,
                   "standard input", "control character at offset 2")
        self.assertEqual(self.server.request_log(), [])

    def test_add_token_use_remove(self):
        tok = self.write("tok", ADMIN_TOKEN + "\n")
        r = self.ok(self.run_mmadm("auth", "add-token", self.server.url, "--name", "a",
                                   "--token-file", tok))
        self.assertIn("sysadmin", r.out)
        self.ok(self.run_mmadm("auth", "add-token", self.server.url, "--name", "b",
                               "--token-stdin", input=USER_TOKEN + "\n"))
        bad = self.write("bad", "y" * 26 + "\n")
        self.fails(self.run_mmadm("auth", "add-token", self.server.url, "--name", "c",
                                  "--token-file", bad), 4, "does not work")
        r = self.ok(self.run_mmadm("auth", "list", "-o", "plain"))
        self.assertEqual([l.split("\t")[1] for l in r.out.splitlines()], ["a", "b"])
        self.assertTrue(r.out.splitlines()[1].startswith("*\tb"))
        self.fails(self.run_mmadm("db", "recycle", "--yes"), 5)  # b = user1
        self.ok(self.run_mmadm("auth", "use", "a"))
        self.ok(self.run_mmadm("db", "recycle", "--yes"))
        self.ok(self.run_mmadm("--profile", "b", "system", "ping"))
        self.fails(self.run_mmadm("--profile", "zz", "system", "ping"), 10, "zz")
        self.fails(self.run_mmadm("auth", "use", "zz"), 10, "zz")
        self.ok(self.run_mmadm("auth", "remove", "b"))
        r = self.ok(self.run_mmadm("auth", "list", "-o", "plain"))
        self.assertEqual(len(r.out.splitlines()), 1)

    def test_help_and_version_report_write_errors(self):
        cmds = (["help"], ["--version"], ["help", "exit-codes"],
                ["system", "ping", "--help"], ["completion", "bash"])
        for args in cmds:
            rc, err = self.run_into("full", *args, env=self.base_env(), timeout=60)
            self.assertEqual(rc, 13, (args, err))
            self.assertIn("No space left on device", err)
            self.assertEqual(err.count("\n"), 1, err)
        # A reader that is gone (| head) is not an error, as for data.
        for args in cmds:
            self.assertEqual(self.run_into("pipe", *args, env=self.base_env(), timeout=60),
                             (0, ""), args)

    def test_named_profile_outranks_environment(self):
        # MMADM_URL/MMADM_TOKEN exported for another server must not
        # redirect a command whose --profile was given explicitly.
        tok = self.write("tok", ADMIN_TOKEN + "\n")
        self.ok(self.run_mmadm("auth", "add-token", self.server.url, "--name", "a",
                               "--token-file", tok))
        env = {"MMADM_URL": "http://127.0.0.1:1", "MMADM_TOKEN": "z" * 26}
        self.fails(self.run_mmadm("system", "ping", env=env), 3)
        self.ok(self.run_mmadm("--profile", "a", "db", "recycle", "--yes", env=env))
        r = self.ok(self.run_mmadm("--profile", "a", "auth", "current", "-o", "json",
                                   env=env))
        self.assertIn(self.server.url, r.out)
        self.assertNotIn("127.0.0.1:1", r.out)
        # The shell's 'use' is the same choice.
        r = self.ok(self.run_mmadm("shell", input="use a\nsystem ping\n", env=env))
        self.assertIn("OK", r.out)

    def test_parallel_profile_changes_are_all_kept(self):
        # Each writer reads, changes and renames the file: without the
        # lock, the last rename won and earlier profiles were lost while
        # every process said it had saved.
        tok = self.write("tok", ADMIN_TOKEN + "\n")
        wrapper = shlex.split(os.environ.get("MMADM_WRAPPER", ""))
        procs = [subprocess.Popen(wrapper + [mmadm_bin(), "-q", "auth", "add-token",
                                             self.server.url, "--name", "p%d" % i,
                                             "--token-file", tok],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                  env=self.base_env(), cwd=self.home)
                 for i in range(12)]
        for p in procs:
            err = p.communicate(timeout=120)[1]
            self.assertEqual(p.returncode, 0, err)
        r = self.ok(self.run_mmadm("auth", "list", "-o", "plain"))
        names = sorted(l.split("\t")[1] for l in r.out.splitlines())
        self.assertEqual(names, sorted("p%d" % i for i in range(12)))

    def test_token_stays_home(self):
        self.ok(self.login())
        other = StandinServer()
        other.start()
        try:
            self.run_mmadm("config", "get", "--url", other.url)
            for e in other.request_log():
                self.assertIsNone(header(e, "Authorization"))
        finally:
            other.stop()

    def test_logout(self):
        self.ok(self.login())
        with open(self.profiles_path()) as f:
            token = re.search(r'token: "?([a-z0-9]+)', f.read()).group(1)
        self.ok(self.run_mmadm("auth", "logout"))
        with open(self.profiles_path()) as f:
            self.assertNotIn(token, f.read())
        r = self.server.api("GET", "/api/v4/users/me", token=token)
        self.assertEqual(r.status, 401)
        self.fails(self.run_mmadm("config", "get"), 4)

    def profiles_bytes(self):
        with open(self.profiles_path(), "rb") as f:
            return f.read()

    def test_dry_run_changes_no_profile(self):
        """--dry-run: the auth commands that change profiles show what they
        would do and leave the profiles file byte for byte as it was."""
        self.ok(self.login("p1"))
        tok = self.write("tok", ADMIN_TOKEN + "\n")
        self.ok(self.run_mmadm("auth", "add-token", self.server.url, "--name", "p2",
                               "--token-file", tok))
        before = self.profiles_bytes()
        token = re.search(r'"?p1"?:.*?token: "?([a-z0-9]+)', before.decode(),
                          re.S).group(1)

        r = self.ok(self.run_mmadm("--dry-run", "--profile", "p1", "auth", "logout"))
        self.assertIn("POST /api/v4/users/logout", r.out)
        self.assertNotIn("logged out", r.out)
        self.assertIn("dry run: would end the session", r.err)
        self.assertEqual(self.profiles_bytes(), before)
        self.assertEqual(self.server.find_requests("POST", "/api/v4/users/logout"), [])
        self.assertEqual(self.server.api("GET", "/api/v4/users/me", token=token).status,
                         200)

        r = self.ok(self.run_mmadm("--dry-run", "auth", "remove", "p1"))
        self.assertIn("dry run: would remove profile 'p1'", r.err)
        self.assertEqual(self.profiles_bytes(), before)
        # A profile that does not exist is still an error.
        self.fails(self.run_mmadm("--dry-run", "auth", "remove", "zz"), 10, "zz")

        r = self.ok(self.run_mmadm("--dry-run", "auth", "use", "p1"))
        self.assertIn("dry run: would make profile 'p1' the active one", r.err)
        self.assertEqual(self.profiles_bytes(), before)

        r = self.ok(self.run_mmadm("--dry-run", "auth", "add-token", self.server.url,
                                   "--name", "p3", "--token-file", tok))
        self.assertIn("dry run: would save the token", r.err)
        self.assertIn("'p3'", r.err)
        self.assertNotIn("saved;", r.out)
        self.assertEqual(self.profiles_bytes(), before)

        n = len(self.server.find_requests("POST", "/api/v4/users/login"))
        r = self.ok(self.run_mmadm("--dry-run", "auth", "login", self.server.url,
                                   "--username", "sysadmin", "--password-file",
                                   self.write("pw", "Sys-admin-pass1\n"),
                                   "--name", "p4"))
        self.assertIn("POST /api/v4/users/login", r.out)
        self.assertNotIn("Sys-admin-pass1", r.out + r.err)
        self.assertIn("dry run: would log in to", r.err)
        self.assertIn("'p4'", r.err)
        self.assertEqual(self.profiles_bytes(), before)
        self.assertEqual(len(self.server.find_requests("POST", "/api/v4/users/login")), n)

        # No profiles file yet: a dry-run login creates none.
        os.remove(self.profiles_path())
        self.ok(self.run_mmadm("--dry-run", "auth", "login", self.server.url,
                               "--username", "sysadmin", "--password-file",
                               self.write("pw", "Sys-admin-pass1\n")))
        self.assertFalse(os.path.exists(self.profiles_path()))

    def test_unsafe_profiles_file(self):
        self.ok(self.login())
        os.chmod(self.profiles_path(), 0o644)
        self.fails(self.run_mmadm("system", "ping"), 10, "chmod 600")

    def test_malformed_profiles_file(self):
        os.makedirs(os.path.dirname(self.profiles_path()), mode=0o700)
        self.write(os.path.relpath(self.profiles_path(), self.home),
                   "active: x\nprofiles:\n  x: [unclosed\n")
        self.fails(self.run_mmadm("system", "ping"), 10, "line")

    def test_token_not_in_outputs(self):
        outputs = []
        outputs.append(self.login())
        for args in (("system", "ping", "-v"), ("config", "get", "-v"),
                     ("auth", "list"), ("auth", "current"), ("auth", "list", "--json")):
            outputs.append(self.run_mmadm(*args))
        with open(self.profiles_path()) as f:
            token = re.search(r'token: "?([a-z0-9]+)', f.read()).group(1)
        for r in outputs:
            self.assertNotIn(token, r.out)
            self.assertNotIn(token, r.err)
            self.assertNotIn("Sys-admin-pass1", r.out + r.err)


class TestVerbose(Base):
    def test_trace_redacts_token(self):
        r = self.ok(self.admin("-v", "system", "ping"))
        self.assertIn("> GET /api/v4/system/ping?use_rest_semantics=true", r.err)
        self.assertIn("Authorization: [redacted]", r.err)
        self.assertIn("< HTTP/1.1 200", r.err)
        self.assertNotIn(ADMIN_TOKEN, r.err)
        self.assertEqual(r.out, "OK\n")


class TestLocalSocketChecks(Base):
    def test_missing_socket(self):
        self.fails(self.run_mmadm("system", "ping", "--local", "--socket",
                                  os.path.join(self.home, "none.sock")),
                   3, "does not exist")

    def test_not_a_socket(self):
        path = os.path.join(self.home, "file.sock")
        open(path, "w").close()
        self.fails(self.run_mmadm("system", "ping", "--local", "--socket", path),
                   3, "not a socket")

    def test_writable_socket_refused(self):
        os.chmod(self.server.socket_path, 0o666)
        try:
            self.fails(self.run_mmadm("system", "ping", env=self.local_env()),
                       3, "writable", "chmod 600")
        finally:
            os.chmod(self.server.socket_path, 0o600)
        self.assertEqual(self.server.request_log(), [])


class TestInterrupt(Base):
    def interrupt(self, *args, cwd=None):
        import signal
        import subprocess
        import time
        env = dict(self.base_env(), **self.admin_env())
        p = subprocess.Popen([os.environ.get("MMADM_BIN") or
                              os.path.join(REPO, "build", "mmadm")] + list(args),
                             env=env, cwd=cwd or self.home, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        deadline = time.time() + 10
        while time.time() < deadline and not self.server.request_log():
            time.sleep(0.05)
        time.sleep(0.2)
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=10)
        return p.returncode, out.decode(), err.decode()

    def test_ctrl_c_cancels_request(self):
        self.server.add_fault(path_regex="^/api/v4/system/ping$", delay_ms=20000)
        rc, out, err = self.interrupt("system", "ping")
        self.assertEqual(rc, 130, err)
        self.assertEqual(err, "mmadm: system ping: cancelled\n")
        self.assertEqual(out, "")

    def test_ctrl_c_leaves_no_partial_download(self):
        self.server.add_fault(path_regex="^/api/v4/system/support_packet$",
                              delay_ms=20000)
        dest = os.path.join(self.home, "dl")
        os.mkdir(dest)
        rc, out, err = self.interrupt("system", "support-packet", "--output-file",
                                      os.path.join(dest, "packet.zip"))
        self.assertEqual(rc, 130, err)
        self.assertEqual(os.listdir(dest), [])


class TestClosedStdFds(Base):
    """A closed fd 0, 1 or 2 must not be taken by a socket or file mmadm
    opens (libcurl's wakeup socketpair took fd 1, and the output went into
    it): output to a closed stdout fails like /dev/full, a read of a
    closed stdin fails with EBADF."""
    server_args = ("--license",)

    def run_closed(self, fds, *args, input=b""):
        env = self.base_env()
        env.update(self.admin_env())
        cmd = shlex.split(os.environ.get("MMADM_WRAPPER", "")) + [mmadm_bin()] + list(args)

        def close_fds():
            for fd in fds:
                os.close(fd)

        p = subprocess.run(cmd, input=input, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=env, cwd=self.home,
                           timeout=30, preexec_fn=close_fds)
        return p.returncode, p.stderr.decode()

    def test_closed_stdout(self):
        for args in (("system", "timezones"),
                     ("-o", "json", "remotecluster", "list"),
                     ("system", "ping"), ("--version",), ("help",),
                     ("help", "config"), ("config", "--help")):
            rc, err = self.run_closed((1,), *args)
            self.assertEqual(rc, 13, "%s: %s" % (args, err))
            self.assertIn("cannot write output", err)
            self.assertEqual(err.count("\n"), 1, err)

    def test_help_to_full_device(self):
        # --version and help check their output like every command.
        with open("/dev/full", "w") as full:
            for args in (("--version",), ("help",), ("config", "patch", "--help")):
                p = subprocess.run([mmadm_bin()] + list(args), stdout=full,
                                   stderr=subprocess.PIPE, timeout=30)
                self.assertEqual(p.returncode, 13, args)
                self.assertIn(b"cannot write output", p.stderr)

    def test_closed_stdin(self):
        rc, err = self.run_closed((0,), "config", "patch", "-", "--dry-run")
        self.assertEqual(rc, 13, err)
        self.assertIn("standard input", err)
        self.assertIn("Bad file descriptor", err)
        self.assertNotIn("temporarily unavailable", err)
        self.assertEqual(self.server.find_requests("PUT", "/api/v4/config"), [])

    def test_closed_stderr(self):
        # Nothing can be shown, but the exit code still tells.
        rc, _ = self.run_closed((1, 2), "system", "timezones")
        self.assertEqual(rc, 13)
        rc, _ = self.run_closed((2,), "system", "ping", "--url", "http://")
        self.assertNotEqual(rc, 0)


class TestDocs(Base):
    def test_version(self):
        r = self.ok(self.run_mmadm("--version"))
        self.assertRegex(r.out, r"^mmadm \d+\.\d+\.\d+ .*libcurl/")

    def test_help_needs_nothing(self):
        r = self.ok(self.run_mmadm("help", "config", "patch"))
        self.assertIn("Usage: mmadm config patch", r.out)
        r = self.ok(self.run_mmadm("config", "patch", "--help"))
        self.assertIn("--set", r.out)
        self.assertEqual(self.server.request_log(), [])

    def test_exit_codes_match_readme(self):
        r = self.ok(self.run_mmadm("help", "exit-codes"))
        listed = re.findall(r"^\s+(\d+)\s+(\S+)\s+(.+)$", r.out, re.M)
        with open(os.path.join(REPO, "README.md")) as f:
            readme = re.findall(r"^\| (\d+) \| (\S+) \| (.+) \|$", f.read(), re.M)
        self.assertEqual([tuple(x) for x in listed], [tuple(x) for x in readme])
        self.assertGreaterEqual(len(listed), 10)


if __name__ == "__main__":
    unittest.main()
