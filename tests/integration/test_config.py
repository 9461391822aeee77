"""The config family against the stand-in server: get, patch, set, edit,
reset, replace, reload, client, environment, migrate and diff; above all,
that no save sends a secret's placeholder back or wipes plugin settings."""
import json
import os
import stat

from harness import (ADMIN_TOKEN, FAKE_SETTING, USER_TOKEN, MmadmTestCase,
                     StandinServer)

PERM_ID = "api.context.permissions.app_error"
DSN = ("postgres://mmuser:Db-Pa55word-2024@db.internal.example.com:5432/mattermost"
       "?sslmode=require&connect_timeout=10&binary_parameters=yes")


class Base(MmadmTestCase):
    def fails(self, r, rc, *needles, lines=1):
        self.assertEqual(r.rc, rc, "rc=%d\nout=%s\nerr=%s" % (r.rc, r.out, r.err))
        last = r.err.splitlines()[-1] if r.err else ""
        self.assertTrue(last.startswith("mmadm: "), r.err)
        if lines is not None:
            self.assertEqual(r.err.count("\n"), lines, "stderr: %r" % r.err)
        for n in needles:
            self.assertIn(n, r.err)
        return r

    def write(self, name, text, mode=None):
        path = os.path.join(self.home, name)
        with open(path, "w") as f:
            f.write(text)
        if mode is not None:
            os.chmod(path, mode)
        return path

    def sent(self, method, path):
        return [json.loads(e["body"]) if e["body"] else None
                for e in self.server.find_requests(method, path)]

    def raw(self):
        return self.server.config()

    def assert_secrets_intact(self, cfg=None, redis=True):
        """The stand-in's stored secrets and plugin settings are untouched."""
        cfg = cfg or self.raw()
        self.assertEqual(cfg["SqlSettings"]["DataSource"], DSN)
        self.assertEqual(cfg["PluginSettings"]["Plugins"]["jira"]["secret"],
                         "jira-webhook-Secret-8d7f")
        self.assertEqual(cfg["PluginSettings"]["Plugins"]
                         ["com.github.manland.mattermost-plugin-gitlab"]["gitlaboauthclientsecret"],
                         "gitlab-plugin-oauth-Secret-42")
        if redis:
            self.assertEqual(cfg["CacheSettings"]["RedisPassword"], "Redis-Secret-42")
        for section in cfg.values():
            self.assertNotIn(FAKE_SETTING, json.dumps(section))

    def assert_no_placeholder_sent(self, method, path):
        for e in self.server.find_requests(method, path):
            self.assertNotIn(FAKE_SETTING, e["body"] or "")


class TestGet(Base):
    def test_key_plain_table_json(self):
        r = self.ok(self.admin("config", "get", "ServiceSettings.SiteURL"))
        self.assertEqual(r.out, "http://localhost:8065\n")
        r = self.ok(self.admin("config", "get", "TeamSettings", "-o", "table"))
        self.assertRegex(r.out.splitlines()[0], r"^KEY\s+VALUE$")
        self.assertRegex(r.out, r"SiteName\s+Mattermost")
        r = self.ok(self.admin("config", "get", "-o", "json"))
        doc = json.loads(r.out)
        self.assertEqual(doc["SqlSettings"]["DataSource"], FAKE_SETTING)
        self.assertNotIn("com.example.uninstalled", doc["PluginSettings"]["Plugins"])
        r = self.ok(self.admin("config", "get", "TeamSettings", "-o", "yaml"))
        self.assertIn("SiteName: Mattermost", r.out)

    def test_aliases_and_filters(self):
        r = self.ok(self.admin("config", "export", "--remove-masked", "--remove-defaults",
                               "-o", "json"))
        doc = json.loads(r.out)
        self.assertNotIn("DataSource", doc.get("SqlSettings", {}))
        (req,) = self.server.find_requests("GET", "/api/v4/config")
        self.assertIn("remove_masked=true", req["query"])
        self.assertIn("remove_defaults=true", req["query"])
        r = self.ok(self.admin("config", "show", "TeamSettings.SiteName"))
        self.assertEqual(r.out, "Mattermost\n")

    def test_plugin_id_with_dots(self):
        r = self.ok(self.admin("config", "get", "PluginSettings.Plugins."
                               "com.github.manland.mattermost-plugin-gitlab.gitlaburl"))
        self.assertEqual(r.out, "https://gitlab.example.com\n")

    def test_unknown_key_suggests(self):
        r = self.fails(self.admin("config", "get", "TeamSettings.SiteNam"), 2,
                       "did you mean 'TeamSettings.SiteName'")
        self.assertEqual(r.out, "")

    def test_permission(self):
        self.fails(self.user("config", "get"), 5, PERM_ID)

    def test_server_error(self):
        self.server.add_fault(path_regex="^/api/v4/config$", status=503,
                              body={"id": "app.x", "message": "Down.", "status_code": 503})
        self.fails(self.admin("config", "get"), 8, "Down.", "503")

    def test_local_is_unsanitized(self):
        r = self.ok(self.local("config", "get", "SqlSettings.DataSource"))
        self.assertEqual(r.out, DSN + "\n")
        (req,) = self.server.find_requests("GET", "/api/v4/config")
        self.assertEqual(req["listener"], "local")


class TestPatch(Base):
    def test_yaml_file(self):
        path = self.write("p.yaml", "TeamSettings:\n  SiteName: Patched\n"
                          "  MaxUsersPerTeam: 99\n")
        r = self.ok(self.admin("config", "patch", path, "-o", "table"))
        lines = r.out.splitlines()
        self.assertRegex(lines[0], r"^KEY\s+BEFORE\s+AFTER$")
        self.assertRegex(r.out, r"TeamSettings.SiteName\s+Mattermost\s+Patched")
        self.assertRegex(r.out, r"TeamSettings.MaxUsersPerTeam\s+50\s+99")
        (body,) = self.sent("PUT", "/api/v4/config/patch")
        self.assertEqual(body, {"TeamSettings": {"SiteName": "Patched", "MaxUsersPerTeam": 99}})
        self.assertEqual(self.raw()["TeamSettings"]["SiteName"], "Patched")
        self.assert_secrets_intact()

    def test_stdin_json_and_json_output(self):
        r = self.ok(self.admin("config", "patch", "-", "-o", "json",
                               input='{"LogSettings": {"ConsoleLevel": "DEBUG"}}'))
        doc = json.loads(r.out)
        self.assertEqual(doc["LogSettings"]["ConsoleLevel"], "DEBUG")
        self.assertEqual(doc["SqlSettings"]["DataSource"], FAKE_SETTING)

    def test_malformed_file(self):
        path = self.write("bad.yaml", "TeamSettings:\n  SiteName: [oops\n")
        self.fails(self.admin("config", "patch", path), 2, "bad.yaml", "line ", "column ")
        self.assertEqual(self.server.find_requests("PUT"), [])

    def test_unknown_key_in_file(self):
        path = self.write("p.yaml", "TeamSettings:\n  SiteNme: x\n")
        self.fails(self.admin("config", "patch", path), 2, "TeamSettings.SiteName")
        self.assertEqual(self.server.find_requests("PUT"), [])

    def test_dry_run(self):
        before = self.raw()
        r = self.ok(self.admin("config", "patch", "--set", "TeamSettings.SiteName=Dry",
                               "--dry-run"))
        self.assertTrue(r.out.startswith("PUT /api/v4/config/patch\n"), r.out)
        self.assertIn('"SiteName": "Dry"', r.out)
        self.assertIn("would change TeamSettings.SiteName: Mattermost -> Dry", r.err)
        self.assertEqual(self.server.find_requests("PUT"), [])
        self.assertEqual(self.raw(), before)

    def test_nothing_to_change(self):
        r = self.ok(self.admin("config", "patch", "--set", "TeamSettings.SiteName=Mattermost"))
        self.assertIn("nothing to change", r.err)
        self.assertEqual(r.out, "")
        self.assertEqual(self.server.find_requests("PUT"), [])

    def test_unchanged_secrets_are_no_change(self):
        # Empty secrets come back as "" and [] (not masked): sending them
        # back unchanged changes nothing, so nothing is reported or sent.
        for patch in ('{"FileSettings": {"ExportAmazonS3SecretAccessKey": ""}}',
                      '{"SqlSettings": {"DataSourceReplicas": []}}'):
            r = self.ok(self.admin("config", "patch", "-", input=patch))
            self.assertIn("nothing to change", r.err)
            self.assertNotIn("secret", r.out + r.err)
            self.assertEqual(r.out, "")
        r = self.ok(self.admin("config", "set", "FileSettings.ExportAmazonS3SecretAccessKey", ""))
        self.assertIn("nothing to change", r.err)
        self.assertEqual(self.server.find_requests("PUT"), [])
        # The whole config, as fetched, patched back: no change.
        path = self.write("c.json", self.ok(self.admin("config", "get", "-o", "json")).out)
        r = self.ok(self.admin("config", "patch", path))
        self.assertIn("nothing to change", r.err)
        self.assertNotIn("updated", r.out + r.err)
        self.assertEqual(self.server.find_requests("PUT"), [])
        # A real change of a secret is still one.
        r = self.ok(self.admin("config", "patch", "-",
                               input='{"FileSettings": {"ExportAmazonS3SecretAccessKey": "k"}}'))
        self.assertRegex(r.out, r"FileSettings.ExportAmazonS3SecretAccessKey\s+\(secret\)\s+"
                                r"\(secret, updated\)")
        self.assertEqual(len(self.server.find_requests("PUT")), 1)

    def test_placeholder_in_file_is_not_sent(self):
        path = self.write("p.json", json.dumps({
            "SqlSettings": {"DataSource": FAKE_SETTING},
            "CacheSettings": {"RedisPassword": FAKE_SETTING},
            "TeamSettings": {"SiteName": "X"}}))
        self.ok(self.admin("config", "patch", path))
        (body,) = self.sent("PUT", "/api/v4/config/patch")
        self.assertEqual(body, {"TeamSettings": {"SiteName": "X"}})
        self.assert_secrets_intact()

    def test_plugin_setting_keeps_other_plugins(self):
        r = self.ok(self.admin("config", "patch", "--set",
                               "PluginSettings.Plugins.jira.jiraurl=https://jira2.example.com"))
        self.assertIn("jira.jiraurl", r.out)
        (body,) = self.sent("PUT", "/api/v4/config/patch")
        plugins = body["PluginSettings"]["Plugins"]
        # the whole map is sent (the server replaces it), the secret as the
        # placeholder the server restores
        self.assertEqual(plugins["jira"], {"jiraurl": "https://jira2.example.com",
                                           "secret": FAKE_SETTING})
        self.assertIn("com.github.manland.mattermost-plugin-gitlab", plugins)
        self.assertIn("not installed", r.err)
        cfg = self.raw()
        self.assertEqual(cfg["PluginSettings"]["Plugins"]["jira"]["jiraurl"],
                         "https://jira2.example.com")
        self.assert_secrets_intact(cfg)

    def test_rejected(self):
        self.fails(self.admin("config", "patch", "--set", "ServiceSettings.SiteURL="), 7,
                   "api.config.update_config.clear_siteurl.app_error", "400")

    def test_forbidden_change(self):
        self.fails(self.admin("config", "patch", "--set", "PluginSettings.EnableUploads=true"),
                   5, "api.config.update_config.not_allowed_security.app_error")

    def test_permission(self):
        self.fails(self.user("config", "patch", "--set", "TeamSettings.SiteName=x"), 5, PERM_ID)

    def test_local(self):
        self.ok(self.local("config", "patch", "--set", "PluginSettings.EnableUploads=true"))
        self.assertIs(self.raw()["PluginSettings"]["EnableUploads"], True)
        self.assertEqual({e["listener"] for e in self.server.request_log()}, {"local"})


class TestSet(Base):
    def test_scalar_typed(self):
        r = self.ok(self.admin("config", "set", "TeamSettings.MaxUsersPerTeam", "250"))
        self.assertEqual(r.out, "TeamSettings.MaxUsersPerTeam\t50\t250\n")
        (body,) = self.sent("PUT", "/api/v4/config/patch")
        self.assertEqual(body, {"TeamSettings": {"MaxUsersPerTeam": 250}})
        self.assert_secrets_intact()

    def test_list_values(self):
        r = self.ok(self.admin("config", "set", "NativeAppSettings.AppCustomURLSchemes",
                               "a://", "b://", "-o", "table"))
        self.assertRegex(r.out, r"AppCustomURLSchemes\s+\[\"mmauth://\",\"mmauthbeta://\"\]"
                                r"\s+\[\"a://\",\"b://\"\]")
        self.assertEqual(self.raw()["NativeAppSettings"]["AppCustomURLSchemes"],
                         ["a://", "b://"])

    def test_json_output(self):
        r = self.ok(self.admin("config", "set", "ServiceSettings.EnableDeveloper", "true",
                               "--json"))
        self.assertIs(json.loads(r.out)["ServiceSettings"]["EnableDeveloper"], True)

    def test_usage_errors(self):
        self.fails(self.admin("config", "set", "TeamSettings.MaxUsersPerTeam", "1", "2"),
                   2, "not a list")
        self.fails(self.admin("config", "set", "TeamSettings.MaxUsersPerTeam", "many"),
                   2, "number")
        # A whole number that cannot be sent exactly (past 2^53, past
        # int64) is refused, not sent as 9.9999999999999992e+22.
        for big in ("99999999999999999999999", "9223372036854775808", "-9007199254740992",
                    "1e300"):
            self.fails(self.admin("config", "set", "--", "TeamSettings.MaxUsersPerTeam", big),
                       2, "whole number from -9007199254740991 to 9007199254740991", big)
        r = self.ok(self.admin("config", "set", "TeamSettings.MaxUsersPerTeam",
                               "9007199254740991", "--dry-run", "--json"))
        self.assertIn("9007199254740991", r.out)
        self.fails(self.admin("config", "set", "TeamSetting.SiteName", "x"), 2,
                   "did you mean 'TeamSettings.SiteName'")
        self.fails(self.admin("config", "set", "TeamSettings.SiteName"), 2, "no value")
        self.fails(self.admin("config", "set", "EmailSettings.SMTPPassword", FAKE_SETTING),
                   2, "placeholder", lines=2)
        self.assertEqual(self.server.find_requests("PUT"), [])

    def test_secret_from_file(self):
        path = self.write("pw", "New-SMTP-secret\n", 0o600)
        r = self.ok(self.admin("config", "set", "EmailSettings.SMTPPassword",
                               "--value-file", path))
        self.assertNotIn("New-SMTP-secret", r.out + r.err)
        self.assertIn("(secret", r.out)
        (body,) = self.sent("PUT", "/api/v4/config/patch")
        self.assertEqual(body, {"EmailSettings": {"SMTPPassword": "New-SMTP-secret"}})
        self.assertEqual(self.raw()["EmailSettings"]["SMTPPassword"], "New-SMTP-secret")
        r = self.ok(self.admin("config", "set", "EmailSettings.SMTPPassword", "On-argv-1"))
        self.assertIn("process list", r.err)

    def test_dry_run(self):
        r = self.ok(self.admin("config", "set", "TeamSettings.SiteName", "Dry", "--dry-run"))
        self.assertIn("PUT /api/v4/config/patch", r.out)
        self.assertEqual(self.server.find_requests("PUT"), [])

    def test_permission_and_local(self):
        self.fails(self.user("config", "set", "TeamSettings.SiteName", "x"), 5, PERM_ID)
        self.ok(self.local("config", "set", "TeamSettings.SiteName", "Local"))
        self.assertEqual(self.raw()["TeamSettings"]["SiteName"], "Local")
        self.assert_secrets_intact()


class TestEdit(Base):
    def editor(self, body):
        return self.write("editor.sh", "#!/bin/sh\n" + body, 0o755)

    def test_only_changes_are_sent(self):
        ed = self.editor("stat -c %a \"$1\" > \"$HOME/mode\"\n"
                         "sed -i 's/^  SiteName: .*/  SiteName: \"Edited\"/' \"$1\"\n")
        r = self.ok(self.admin("config", "edit", env={"EDITOR": ed}))
        self.assertEqual(r.out, "TeamSettings.SiteName\tMattermost\tEdited\n")
        with open(os.path.join(self.home, "mode")) as f:
            self.assertEqual(f.read().strip(), "600")
        (body,) = self.sent("PUT", "/api/v4/config/patch")
        self.assertEqual(body, {"TeamSettings": {"SiteName": "Edited"}})
        self.assert_secrets_intact()
        self.assertIn("com.example.uninstalled", self.raw()["PluginSettings"]["Plugins"])

    def test_json_format(self):
        ed = self.editor("sed -i 's/\"EnableDeveloper\": false/\"EnableDeveloper\": true/' \"$1\"\n")
        self.ok(self.admin("config", "edit", "--format", "json", env={"EDITOR": ed}))
        (body,) = self.sent("PUT", "/api/v4/config/patch")
        self.assertEqual(body, {"ServiceSettings": {"EnableDeveloper": True}})

    def test_no_change(self):
        r = self.ok(self.admin("config", "edit", env={"EDITOR": "true"}))
        self.assertIn("no change", r.err)
        self.assertEqual(self.server.find_requests("PUT"), [])

    def test_invalid_text_keeps_file(self):
        ed = self.editor("printf 'TeamSettings:\\n  SiteName: [broken\\n' > \"$1\"\n")
        r = self.fails(self.admin("config", "edit", env={"EDITOR": ed, "TMPDIR": self.home}),
                       2, "line ", "column ", "kept in")
        path = r.err.split("kept in ")[1].split()[0]
        self.assertTrue(path.startswith(self.home))
        self.assertTrue(os.path.exists(path))
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        self.assertEqual(self.server.find_requests("PUT"), [])

    def test_plugin_setting_edit(self):
        ed = self.editor("sed -i 's#https://jira.example.com#https://jira3.example.com#' \"$1\"\n")
        r = self.ok(self.admin("config", "edit", env={"EDITOR": ed}))
        self.assertIn("jira.jiraurl", r.out)
        (body,) = self.sent("PUT", "/api/v4/config/patch")
        self.assertEqual(set(body), {"PluginSettings"})
        self.assertEqual(body["PluginSettings"]["Plugins"]["jira"]["secret"], FAKE_SETTING)
        cfg = self.raw()
        self.assertEqual(cfg["PluginSettings"]["Plugins"]["jira"]["jiraurl"],
                         "https://jira3.example.com")
        self.assert_secrets_intact(cfg)

    def test_secret_edit_and_deleted_key(self):
        ed = self.editor("sed -i -e '/^  EnableDeveloper:/d' "
                         "-e 's/^  SMTPPassword: .*/  SMTPPassword: \"Edited-pw\"/' \"$1\"\n")
        r = self.ok(self.admin("config", "edit", env={"EDITOR": ed}))
        self.assertIn("deleting ServiceSettings.EnableDeveloper does not change it", r.err)
        (body,) = self.sent("PUT", "/api/v4/config/patch")
        self.assertEqual(body, {"EmailSettings": {"SMTPPassword": "Edited-pw"}})
        self.assertNotIn("Edited-pw", r.out)

    def test_editor_fails(self):
        # A failing editor is an error, not the user cancelling.
        ed = self.editor("exit 3\n")
        self.fails(self.admin("config", "edit", env={"EDITOR": ed}), 1, ed, "status 3")
        # The shell says "not found" first; then mmadm's one line.
        r = self.fails(self.admin("config", "edit", env={"EDITOR": "/nonexistent/editor"}), 1,
                       lines=2)
        self.assertRegex(r.err.splitlines()[-1],
                         r"^mmadm: .*cannot start the editor \(/nonexistent/editor\): "
                         r"status 127")
        self.assertEqual(self.server.find_requests("PUT"), [])

    def test_editor_interrupted(self):
        ed = self.editor("kill -INT $$\n")
        self.fails(self.admin("config", "edit", env={"EDITOR": ed}), 130, "interrupted")
        self.assertEqual(self.server.find_requests("PUT"), [])

    def test_no_terminal_default_editor(self):
        # stdin and stdout are not terminals here: the default vi would
        # draw its screen into stdout. Refused before anything is fetched.
        marker = os.path.join(self.home, "vi-ran")
        bindir = os.path.join(self.home, "bin")
        os.makedirs(bindir)
        with open(os.path.join(bindir, "vi"), "w") as f:
            f.write("#!/bin/sh\ntouch %s\n" % marker)
        os.chmod(os.path.join(bindir, "vi"), 0o755)
        path = bindir + ":" + os.environ.get("PATH", "/usr/bin:/bin")
        for editor in (None, ""):
            r = self.fails(self.admin("config", "edit",
                                      env={"EDITOR": editor, "PATH": path}),
                           2, "needs a terminal", "config patch")
            self.assertEqual(r.out, "")
        self.assertFalse(os.path.exists(marker))
        self.assertEqual(self.server.find_requests("GET", "/api/v4/config"), [])

    def test_rejected_keeps_file(self):
        ed = self.editor("sed -i 's#^  SiteURL: .*#  SiteURL: \"\"#' \"$1\"\n")
        r = self.fails(self.admin("config", "edit", env={"EDITOR": ed, "TMPDIR": self.home}),
                       7, "clear_siteurl", "kept in", lines=None)
        path = r.err.split("kept in ")[1].split()[0]
        self.assertTrue(os.path.exists(path))

    def test_local(self):
        ed = self.editor("sed -i 's/^  SiteName: .*/  SiteName: \"L\"/' \"$1\"\n")
        self.ok(self.local("config", "edit", env={"EDITOR": ed}))
        (body,) = self.sent("PUT", "/api/v4/config/patch")
        self.assertEqual(body, {"TeamSettings": {"SiteName": "L"}})
        self.assert_secrets_intact()

    def test_dry_run(self):
        ed = self.editor("sed -i 's/^  SiteName: .*/  SiteName: \"D\"/' \"$1\"\n")
        r = self.ok(self.admin("config", "edit", "--dry-run", env={"EDITOR": ed}))
        self.assertIn("PUT /api/v4/config/patch", r.out)
        self.assertEqual(self.server.find_requests("PUT"), [])


class TestReset(Base):
    def test_reset_keys(self):
        self.server.patch_config({"TeamSettings": {"SiteName": "Custom", "MaxUsersPerTeam": 7}})
        r = self.ok(self.admin("config", "reset", "TeamSettings.SiteName",
                               "TeamSettings.MaxUsersPerTeam", "--yes", "-o", "table"))
        self.assertRegex(r.out, r"TeamSettings.SiteName\s+Custom\s+Mattermost")
        self.assertRegex(r.out, r"TeamSettings.MaxUsersPerTeam\s+7\s+50")
        (body,) = self.sent("PUT", "/api/v4/config")
        self.assertNotIn("SiteName", body["TeamSettings"])
        # the unrestored secret is not sent back as asterisks
        self.assertNotIn("RedisPassword", body["CacheSettings"])
        self.assertIn("RedisPassword", r.err)
        cfg = self.raw()
        self.assertEqual(cfg["TeamSettings"]["SiteName"], "Mattermost")
        self.assertNotEqual(cfg["CacheSettings"]["RedisPassword"], FAKE_SETTING)
        self.assert_secrets_intact(cfg, redis=False)

    def test_json_output(self):
        self.server.patch_config({"TeamSettings": {"SiteName": "Custom"}})
        r = self.ok(self.admin("config", "reset", "TeamSettings.SiteName", "--yes", "--json"))
        self.assertEqual(json.loads(r.out)["TeamSettings"]["SiteName"], "Mattermost")

    def test_local_keeps_everything(self):
        # the model's default console level is DEBUG (the initial config has INFO)
        r = self.ok(self.local("config", "reset", "LogSettings.ConsoleLevel", "--yes"))
        self.assertEqual(r.out, "LogSettings.ConsoleLevel\tINFO\tDEBUG\n")
        cfg = self.raw()
        self.assert_secrets_intact(cfg)
        self.assertIn("com.example.uninstalled", cfg["PluginSettings"]["Plugins"])

    def test_already_default(self):
        r = self.ok(self.admin("config", "reset", "TeamSettings.SiteName", "--yes"))
        self.assertIn("already has its default value", r.err)
        self.assertEqual(self.server.find_requests("PUT"), [])

    def test_needs_yes_and_known_keys(self):
        self.fails(self.admin("config", "reset", "TeamSettings.SiteName"), 2, "--yes")
        self.fails(self.admin("config", "reset", "TeamSettings.SiteNam", "--yes"), 2,
                   "did you mean 'TeamSettings.SiteName'")
        self.fails(self.admin("config", "reset", "RateLimitSettings.VaryByHeader.x", "--yes"),
                   2, "unknown config key")
        self.assertEqual(self.server.find_requests("PUT"), [])

    def test_redis_cache_refused_over_tcp(self):
        self.server.patch_config({"CacheSettings": {"CacheType": "redis"},
                                  "TeamSettings": {"SiteName": "Custom"}})
        self.fails(self.admin("config", "reset", "TeamSettings.SiteName", "--yes"), 2,
                   "RedisPassword", "--local")
        self.assertEqual(self.server.find_requests("PUT"), [])
        self.ok(self.local("config", "reset", "TeamSettings.SiteName", "--yes"))
        self.assertEqual(self.raw()["CacheSettings"]["RedisPassword"], "Redis-Secret-42")

    def test_replica_lag_refused_over_tcp(self):
        self.server.patch_config({
            "SqlSettings": {"ReplicaLagSettings": [{"DataSource": "postgres://lag", "QueryAbsoluteLag": 1,
                                                    "QueryTimeLag": 2}]},
            "TeamSettings": {"SiteName": "Custom"}})
        self.fails(self.admin("config", "reset", "TeamSettings.SiteName", "--yes"), 2,
                   "ReplicaLagSettings")
        self.assertEqual(self.server.find_requests("PUT"), [])

    def test_dry_run(self):
        self.server.patch_config({"TeamSettings": {"SiteName": "Custom"}})
        before = self.raw()
        r = self.ok(self.admin("config", "reset", "TeamSettings.SiteName", "--dry-run"))
        self.assertTrue(r.out.startswith("PUT /api/v4/config\n"), r.out[:200])
        self.assertNotIn("Db-Pa55word", r.out)
        self.assertIn("would reset TeamSettings.SiteName", r.err)
        self.assertEqual(self.server.find_requests("PUT"), [])
        self.assertEqual(self.raw(), before)

    def test_permission(self):
        self.server.patch_config({"TeamSettings": {"SiteName": "Custom"}})
        self.fails(self.user("config", "reset", "TeamSettings.SiteName", "--yes"), 5, PERM_ID)


class TestReplace(Base):
    def export(self):
        return json.loads(self.ok(self.admin("config", "get", "-o", "json")).out)

    def test_replace(self):
        cfg = self.export()
        cfg["TeamSettings"]["SiteName"] = "Replaced"
        path = self.write("c.json", json.dumps(cfg))
        self.server.clear_log()
        r = self.ok(self.admin("config", "replace", path, "--yes"))
        self.assertEqual(r.out, "TeamSettings.SiteName\tMattermost\tReplaced\n")
        (body,) = self.sent("PUT", "/api/v4/config")
        self.assertNotIn("RedisPassword", body["CacheSettings"])
        cfg = self.raw()
        self.assertEqual(cfg["TeamSettings"]["SiteName"], "Replaced")
        self.assert_secrets_intact(cfg, redis=False)

    def test_incomplete_file_refused(self):
        cfg = self.export()
        del cfg["RateLimitSettings"]
        path = self.write("c.json", json.dumps(cfg))
        self.fails(self.admin("config", "replace", path, "--yes"), 2,
                   "RateLimitSettings", "config patch")
        masked = json.loads(self.ok(self.admin("config", "get", "--remove-masked",
                                               "-o", "json")).out)
        path = self.write("m.json", json.dumps(masked))
        self.fails(self.admin("config", "replace", path, "--yes"), 2, "lacks",
                   "other secrets", "placeholder")
        self.assertEqual(self.server.find_requests("PUT"), [])

    def test_dry_run_and_yes(self):
        cfg = self.export()
        path = self.write("c.yaml", json.dumps(cfg))
        self.fails(self.admin("config", "replace", path), 2, "--yes")
        r = self.ok(self.admin("config", "replace", path, "--dry-run"))
        self.assertTrue(r.out.startswith("PUT /api/v4/config\n"))
        self.assertEqual(self.server.find_requests("PUT"), [])


class TestSmallCommands(Base):
    def test_reload(self):
        r = self.ok(self.admin("config", "reload"))
        self.assertIn("reloaded", r.out)
        r = self.ok(self.admin("config", "reload", "--json"))
        self.assertEqual(json.loads(r.out), {"status": "OK"})
        self.ok(self.local("config", "reload"))
        self.fails(self.user("config", "reload"), 5, PERM_ID)
        self.server.set_state(config_reload_fails=True)
        self.fails(self.admin("config", "reload"), 8, "api.config.reload_config.app_error")
        r = self.ok(self.admin("config", "reload", "--dry-run"))
        self.assertEqual(r.out, "POST /api/v4/config/reload\n")

    def test_client(self):
        r = self.ok(self.run_mmadm("config", "client", env={"MMADM_URL": self.server.url}))
        self.assertIn("SiteURL\thttp://localhost:8065\n", r.out)
        self.assertNotIn("EnableDeveloper", r.out)       # anonymous subset
        r = self.ok(self.admin("config", "client", "-o", "json"))
        self.assertEqual(json.loads(r.out)["EnableDeveloper"], "false")
        r = self.ok(self.admin("config", "client", "-o", "table"))
        self.assertRegex(r.out, r"SiteURL\s+http://localhost:8065")
        self.ok(self.local("config", "client"))
        (req,) = self.server.find_requests("GET", "/api/v4/config/client", listener="local")
        self.assertIn("format=old", req["query"])

    def test_environment(self):
        r = self.ok(self.admin("config", "environment"))
        self.assertEqual(r.out, "")
        self.assertIn("no setting is overridden", r.err)
        self.server.set_state(env_overrides={"ServiceSettings.SiteURL": "https://env.example.com",
                                             "SqlSettings.DataSource": DSN})
        r = self.ok(self.admin("config", "env", "-o", "table"))
        self.assertRegex(r.out, r"ServiceSettings.SiteURL\s+MM_SERVICESETTINGS_SITEURL")
        self.assertRegex(r.out, r"SqlSettings.DataSource\s+MM_SQLSETTINGS_DATASOURCE")
        r = self.ok(self.admin("config", "environment", "--json"))
        self.assertEqual(json.loads(r.out)["ServiceSettings"], {"SiteURL": True})
        r = self.ok(self.user("config", "environment"))
        self.assertEqual(r.out, "")
        self.fails(self.local("config", "environment"), 9, "local socket")
        self.server.add_fault(path_regex="^/api/v4/config/environment$", status=404,
                              body={"id": "api.context.404.app_error", "message": "Not found."})
        self.fails(self.admin("config", "environment"), 6, "api.context.404.app_error")

    def test_migrate(self):
        dst = os.path.join(self.home, "migrated.json")
        r = self.ok(self.local("config", "migrate", "postgres://u:p@db/mm", dst, "--yes"))
        self.assertIn("OK", r.out)
        with open(dst) as f:
            self.assertEqual(json.load(f)["SqlSettings"]["DataSource"], DSN)
        (body,) = self.sent("POST", "/api/v4/config/migrate")
        self.assertEqual(body, {"from": "postgres://u:p@db/mm", "to": dst})
        self.fails(self.local("config", "migrate", "/nonexistent/c.json", dst, "--yes"), 8,
                   "api.config.migrate_config.app_error")
        self.fails(self.local("config", "migrate", "a", "b"), 2, "--yes")
        self.server.clear_log()
        self.fails(self.admin("config", "migrate", "a", "b", "--yes"), 9, "local socket")
        self.fails(self.admin("config", "migrate", "a", "--yes"), 2)
        self.assertEqual(self.server.request_log(), [])


    def test_migrate_dry_run_hides_dsn_password(self):
        dsn = "postgres://mmuser:Dsn-pass-77@db/mattermost?sslmode=disable"
        mysql = "mmuser:My-pass-88@tcp(db:3306)/mattermost?charset=utf8mb4"
        for src, dst in (("/opt/mattermost/config/config.json", dsn), (mysql, dsn)):
            r = self.ok(self.local("config", "migrate", src, dst, "--yes", "--dry-run"))
            self.assertIn("POST /api/v4/config/migrate", r.out)
            self.assertIn("postgres://mmuser:%s@db/mattermost?sslmode=disable" % FAKE_SETTING,
                          r.out)
            r2 = self.ok(self.local("--curl", "config", "migrate", src, dst, "--yes"))
            self.assertIn("/api/v4/config/migrate", r2.out)
            self.assertIn("mmuser:%s@db" % FAKE_SETTING, r2.out)
            for out in (r, r2):
                self.assertNotIn("Dsn-pass-77", out.out + out.err)
                self.assertNotIn("My-pass-88", out.out + out.err)
        self.assertEqual(self.server.find_requests("POST", "/api/v4/config/migrate"), [])
        # The real request carries the real value.
        self.ok(self.local("config", "migrate", dsn, os.path.join(self.home, "m.json"), "--yes"))
        (body,) = self.sent("POST", "/api/v4/config/migrate")
        self.assertEqual(body["from"], dsn)


class TestDiff(Base):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other = StandinServer()
        cls.other.start()

    @classmethod
    def tearDownClass(cls):
        cls.other.stop()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        self.other.reset()
        os.makedirs(os.path.join(self.xdg_config_home, "mmadm"))
        path = os.path.join(self.xdg_config_home, "mmadm", "config.yaml")
        with open(path, "w") as f:
            f.write("active: a\nprofiles:\n"
                    "  a:\n    url: %s\n    token: %s\n"
                    "  b:\n    url: %s\n    token: %s\n"
                    "  box:\n    local: true\n    socket: %s\n"
                    "  nobody:\n    url: %s\n    token: %s\n"
                    % (self.server.url, ADMIN_TOKEN, self.other.url, ADMIN_TOKEN,
                       self.server.socket_path, self.other.url, USER_TOKEN))
        os.chmod(path, 0o600)

    def test_diff(self):
        self.other.patch_config({"TeamSettings": {"SiteName": "Other"},
                                 "EmailSettings": {"SMTPPassword": "other-secret"},
                                 "PluginSettings": {"Plugins": {"jira": {"secret": "x"}}}})
        r = self.ok(self.run_mmadm("config", "diff", "a", "b", "-o", "table"))
        self.assertRegex(r.out.splitlines()[0], r"^KEY\s+A\s+B$")
        self.assertRegex(r.out, r"TeamSettings.SiteName\s+Mattermost\s+Other")
        self.assertNotIn("SMTPPassword", r.out)
        self.assertNotIn("secret", r.out)
        r = self.ok(self.run_mmadm("config", "diff", "a", "b", "--json"))
        doc = json.loads(r.out)
        self.assertEqual(doc["TeamSettings.SiteName"], ["Mattermost", "Other"])
        self.assertNotIn("EmailSettings.SMTPPassword", doc)
        self.assertEqual(len(self.server.find_requests("GET", "/api/v4/config")), 2)
        self.assertEqual(len(self.other.find_requests("GET", "/api/v4/config")), 2)

    def test_same_and_local(self):
        self.other.patch_config({"ServiceSettings": {
            "LocalModeSocketLocation": self.server.socket_path}})
        r = self.ok(self.run_mmadm("config", "diff", "a", "b"))
        self.assertEqual(r.out, "")
        self.assertIn("no differences", r.err)
        # local (unsanitized) against TCP: secrets never shown
        r = self.ok(self.run_mmadm("config", "diff", "box", "b", "--json"))
        doc = json.loads(r.out)
        self.assertNotIn("Db-Pa55word", r.out)
        self.assertNotIn("jira-webhook-Secret", r.out)
        # the socket sees a plugin TCP hides; its token-like setting is not shown
        self.assertEqual(doc, {"PluginSettings.Plugins.com.example.uninstalled.apiurl":
                               ["https://legacy.example.com/api", None]})
        self.assertNotIn("uninstalled-plugin-token", r.out)

    def test_errors(self):
        self.fails(self.run_mmadm("config", "diff", "a", "missing"), 10, "no profile 'missing'")
        self.fails(self.run_mmadm("config", "diff", "a", "nobody"), 5, "profile nobody", PERM_ID)
        self.fails(self.run_mmadm("config", "diff", "a"), 2)


if __name__ == "__main__":
    import unittest
    unittest.main()


class TestErrorMatrix(Base):
    """Every config command maps the server's errors to the exit codes, and
    shows the server's error id."""

    def cases(self):
        ed = self.write("ed.sh", "#!/bin/sh\nsed -i 's/^  SiteName: .*/  SiteName: \"M\"/' \"$1\"\n",
                        0o755)
        self.server.patch_config({"TeamSettings": {"SiteName": "Custom"}})
        full = self.write("full.json", self.ok(self.admin("config", "get", "--json")).out)
        return [
            (("config", "get"), "GET", "^/api/v4/config$", {}),
            (("config", "patch", "--set", "TeamSettings.SiteName=Y"), "PUT",
             "^/api/v4/config/patch$", {}),
            (("config", "set", "TeamSettings.SiteName", "Y"), "PUT", "^/api/v4/config/patch$", {}),
            (("config", "edit"), "PUT", "^/api/v4/config/patch$", {"EDITOR": ed, "TMPDIR": self.home}),
            (("config", "reset", "TeamSettings.SiteName", "--yes"), "PUT", "^/api/v4/config$", {}),
            (("config", "replace", full, "--yes"), "PUT", "^/api/v4/config$", {}),
            (("config", "reload"), "POST", "^/api/v4/config/reload$", {}),
            (("config", "client"), "GET", "^/api/v4/config/client$", {}),
            (("config", "environment"), "GET", "^/api/v4/config/environment$", {}),
        ]

    def test_status_codes(self):
        for args, method, regex, env in self.cases():
            for status, rc in ((400, 7), (404, 6), (500, 8), (501, 12)):
                with self.subTest(args=args, status=status):
                    self.server.clear_faults()
                    self.server.add_fault(path_regex=regex, method=method, status=status,
                                          times=5, body={"id": "test.fault.%d" % status,
                                                         "message": "Fault %d." % status})
                    r = self.admin(*args, env=env)
                    self.assertEqual(r.rc, rc, "%s: %s" % (args, r.err))
                    self.assertIn("test.fault.%d" % status, r.err)
                    self.assertIn("Fault %d." % status, r.err)

    def test_user_token_is_refused(self):
        ed = self.write("ed.sh", "#!/bin/sh\nexit 0\n", 0o755)
        for args in (("config", "get"), ("config", "patch", "--set", "TeamSettings.SiteName=Y"),
                     ("config", "set", "TeamSettings.SiteName", "Y"), ("config", "edit"),
                     ("config", "reset", "TeamSettings.SiteName", "--yes"),
                     ("config", "reload")):
            with self.subTest(args=args):
                r = self.user(*args, env={"EDITOR": ed})
                self.assertEqual(r.rc, 5, r.err)
                self.assertIn(PERM_ID, r.err)

    def test_token_needed(self):
        for args in (("config", "get"), ("config", "reload"), ("config", "environment")):
            with self.subTest(args=args):
                r = self.run_mmadm(*args, env={"MMADM_URL": self.server.url})
                self.assertEqual(r.rc, 4, r.err)
        self.assertEqual(self.server.request_log(), [])
