"""mmadm plugin ... against the stand-in server.

Every command in table, plain and json output; 403 with the user token, 404,
400 with the server's id, the 501 gates (plugins off, uploads off or
signatures required: checked before the permission), 5xx through a fault;
local mode: the routes the server registers locally succeed over the socket,
statuses is refused (exit 9), reattach/detach are local-only (exit 9 over
TCP); the streamed multipart upload with its progress bar; the marketplace's
own paging rules; the destructive confirmation; --dry-run.
"""

import base64
import io
import json
import os
import subprocess
import tarfile
import urllib.parse

from harness import SANITIZED, ADMIN_TOKEN, MmadmTestCase, mmadm_bin
from test_remotecluster import exit_codes

PERM_ID = "api.context.permissions.app_error"
DISABLED_ID = "app.plugin.disabled.app_error"
UPLOAD_OFF_ID = "app.plugin.upload_disabled.app_error"
NOT_INSTALLED_ID = "app.plugin.not_installed.app_error"


def bundle(pid="com.example.demo", version="0.1.0", pad=0):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        data = json.dumps({"id": pid, "name": "Demo", "version": version}).encode()
        ti = tarfile.TarInfo("demo/plugin.json")
        ti.size = len(data)
        tf.addfile(ti, io.BytesIO(data))
        if pad:
            junk = os.urandom(pad)      # incompressible
            ti = tarfile.TarInfo("demo/server/dist/plugin-linux-amd64")
            ti.size = len(junk)
            tf.addfile(ti, io.BytesIO(junk))
    return buf.getvalue()


class PluginCase(MmadmTestCase):
    EXIT = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.EXIT = exit_codes()

    def pl(self, *args, env=None, **kw):
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
        r = (runner or self.pl)(*args)
        self.assertFails(r, name, text=text)
        self.assertEqual(self.server.request_log(), [])

    def fault_5xx(self, path_regex, *args, status=500):
        self.server.add_fault(path_regex, status=status,
                              body={"id": "app.fake.fault", "message": "injected",
                                    "status_code": status})
        self.assertFails(self.pl(*args), "server", server_id="app.fake.fault")
        self.server.clear_faults()

    def plugins(self):
        return self.server.get_state()["plugins"]

    def write(self, name, data):
        path = os.path.join(self.home, name)
        with open(path, "wb") as f:
            f.write(data)
        return path


class TestInstall(PluginCase):
    def test_upload(self):
        path = self.write("demo.tar.gz", bundle())
        # uploads are off by default: 501 before the permission check
        self.assertFails(self.pl("plugin", "upload", path), "unavailable",
                         server_id=UPLOAD_OFF_ID, text="EnableUploads=true")
        self.assertFails(self.user("plugin", "upload", path), "unavailable",
                         server_id=UPLOAD_OFF_ID)
        self.server.set_state(enable_uploads=True)
        self.server.clear_log()
        r = self.assertOk(self.pl("plugin", "upload", path))
        self.assertEqual(r.out, "com.example.demo\tDemo\t0.1.0\n")
        self.assertIn("mmadm plugin enable com.example.demo", r.err)
        e = self.server.find_requests("POST", "/api/v4/plugins")[0]
        hdrs = {k.lower(): v for k, v in e["headers"]}
        self.assertTrue(hdrs["content-type"].startswith("multipart/form-data; boundary="))
        raw = base64.b64decode(e["body_b64"]) if e.get("body_b64") else e["body"].encode()
        self.assertIn(b'name="plugin"; filename="demo.tar.gz"', raw)
        self.assertIn(bundle()[:2], raw)           # the gzip bytes, as sent
        self.assertNotIn(b'name="force"', raw)
        self.assertEqual(self.plugins()["com.example.demo"], {"active": False,
                                                              "version": "0.1.0"})
        # same id without --force: the server's 400
        self.assertFails(self.pl("plugin", "upload", path), "rejected",
                         server_id="app.plugin.install_id.app_error")
        path2 = self.write("demo2.tar.gz", bundle(version="0.2.0"))
        self.server.clear_log()
        r = self.assertOk(self.pl("-o", "json", "plugin", "upload", "--force", path2))
        self.assertEqual(json.loads(r.out)["version"], "0.2.0")
        self.assertEqual(r.err, "")
        body = self.server.find_requests("POST", "/api/v4/plugins")[0]["body_b64"]
        raw = base64.b64decode(body)
        self.assertIn(b'name="force"\r\n\r\ntrue\r\n', raw)
        self.assertLess(raw.index(b'name="force"'), raw.index(b'name="plugin"'))
        self.assertEqual(self.plugins()["com.example.demo"]["version"], "0.2.0")
        # a table on a terminal, and the progress bar there
        r = self.assertOk(self.pl("plugin", "upload", "--force", path2, env=self.tty()))
        self.assertEqual(r.out.splitlines()[0].split(), ["ID", "NAME", "VERSION"])
        self.assertIn("100%", r.err)
        self.assertEqual(r.err.count("100%"), 1)
        # -q: no bar
        r = self.assertOk(self.pl("-q", "plugin", "upload", "--force", path2, env=self.tty()))
        self.assertNotIn("%", r.err)
        # a bad bundle
        bad = self.write("bad.tar.gz", b"not a tarball")
        self.assertFails(self.pl("plugin", "upload", bad), "rejected",
                         server_id="app.plugin.extract.app_error")
        # the other gates
        self.assertFails(self.user("plugin", "upload", path), "permission", server_id=PERM_ID)
        self.server.set_state(require_plugin_signature=True)
        self.assertFails(self.pl("plugin", "upload", path), "unavailable",
                         server_id=UPLOAD_OFF_ID)
        self.server.set_state(require_plugin_signature=False, plugins_enabled=False)
        self.assertFails(self.user("plugin", "upload", path), "unavailable",
                         server_id=UPLOAD_OFF_ID)
        self.server.set_state(plugins_enabled=True)
        self.fault_5xx("/api/v4/plugins$", "plugin", "upload", "--force", path)
        # local files that cannot be sent: nothing goes out
        self.assertNothingSent("plugin", "upload", os.path.join(self.home, "missing.tar.gz"),
                               name="io")
        self.assertNothingSent("plugin", "upload", self.home, name="io", text="regular file")
        self.assertNothingSent("plugin", "upload")
        # dry run
        self.server.clear_log()
        r = self.assertOk(self.pl("--dry-run", "plugin", "upload", "--force", path))
        self.assertEqual(self.server.request_log(), [])
        self.assertIn("POST /api/v4/plugins", r.out)
        self.assertIn("form field force: true", r.out)
        self.assertIn("form file plugin: demo.tar.gz", r.out)

    def test_upload_large_streams(self):
        """A 24 MiB bundle goes through intact (streamed from disk)."""
        self.server.set_state(enable_uploads=True)
        data = bundle(pad=24 * 1024 * 1024)
        path = self.write("big.tar.gz", data)
        del data
        self.server.clear_log()
        timer = "/usr/bin/time"
        measure = os.path.exists(timer) and not os.environ.get("MMADM_WRAPPER")
        env = self.base_env()
        env.update(self.admin_env())
        # /usr/bin/time reports the peak RSS of mmadm alone (a child of
        # this big Python process would count the parent's pages it was
        # forked with).
        cmd = ([timer, "-f", "peak-kib=%M"] if measure else []) + [mmadm_bin(), "plugin",
                                                                   "upload", path]
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                           timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        e = self.server.find_requests("POST", "/api/v4/plugins")[0]
        self.assertGreater(e["body_size"], 24 * 1024 * 1024)
        # the server could read the whole archive (gzip checks its CRC)
        self.assertEqual(self.plugins()["com.example.demo"]["version"], "0.1.0")
        if measure:
            peak = int(p.stderr.decode().rsplit("peak-kib=", 1)[1].split()[0])
            if not SANITIZED:
                self.assertLess(peak, 16 * 1024, "mmadm peaked at %d KiB" % peak)

    def test_install_url(self):
        url = "https://plugins.example.com/demo-0.1.0.tar.gz?sig=a&b=c"
        self.server.set_state(plugin_downloads={url: base64.b64encode(bundle()).decode()})
        # with uploads off the fork answers app.plugin.disabled for this route
        self.assertFails(self.pl("plugin", "install-url", url), "unavailable",
                         server_id=DISABLED_ID, text="EnableUploads=true")
        self.server.set_state(enable_uploads=True)
        self.server.clear_log()
        r = self.assertOk(self.pl("plugin", "install-url", url))
        self.assertEqual(r.out, "com.example.demo\tDemo\t0.1.0\n")
        e = self.server.find_requests("POST", "/api/v4/plugins/install_from_url")[0]
        self.assertEqual(dict(urllib.parse.parse_qsl(e["query"])),
                         {"plugin_download_url": url, "force": "false"})
        self.assertFails(self.pl("plugin", "install-url", url), "rejected",
                         server_id="app.plugin.install_id.app_error")
        r = self.assertOk(self.pl("-o", "json", "plugin", "install-url", "--force", url))
        self.assertEqual(json.loads(r.out)["id"], "com.example.demo")
        self.assertFails(self.pl("plugin", "install-url", "https://127.0.0.1:1/none.tar.gz"),
                         "rejected", server_id="api.plugin.install.download_failed.app_error")
        self.assertFails(self.user("plugin", "install-url", url), "permission",
                         server_id=PERM_ID)
        self.assertNothingSent("plugin", "install-url", "file:///etc/passwd")
        self.fault_5xx("/install_from_url", "plugin", "install-url", url)
        # over the socket (a local route)
        r = self.assertOk(self.local("plugin", "install-url", "--force", url))
        self.assertTrue(self.server.find_requests("POST", "/api/v4/plugins/install_from_url",
                                                  listener="local"))

    def test_upload_locally(self):
        self.server.set_state(enable_uploads=True)
        path = self.write("demo.tar.gz", bundle())
        self.server.clear_log()
        r = self.assertOk(self.local("plugin", "upload", path))
        self.assertEqual(r.out, "com.example.demo\tDemo\t0.1.0\n")
        e = self.server.find_requests("POST", "/api/v4/plugins")[0]
        self.assertEqual(e["listener"], "local")
        self.assertNotIn("authorization", {k.lower() for k, _ in e["headers"]})


class TestManage(PluginCase):
    def test_list(self):
        r = self.assertOk(self.pl("plugin", "list"))
        self.assertEqual([line.split("\t") for line in r.out.splitlines()],
                         [["jira", "Jira", "4.2.0", "active"],
                          ["com.github.manland.mattermost-plugin-gitlab", "GitLab", "1.9.1",
                           "inactive"]])
        r = self.assertOk(self.pl("plugin", "list", env=self.tty()))
        self.assertEqual(r.out.splitlines()[0].split(), ["ID", "NAME", "VERSION", "STATE"])
        r = self.assertOk(self.pl("-o", "json", "plugin", "list"))
        self.assertEqual(json.loads(r.out),
                         self.server.api("GET", "/plugins", token=ADMIN_TOKEN).json())
        r = self.assertOk(self.pl("-o", "yaml", "plugin", "list"))
        self.assertTrue(r.out.startswith("active:"), r.out)
        r = self.assertOk(self.local("plugin", "list"))
        self.assertIn("jira\tJira", r.out)
        self.assertFails(self.user("plugin", "list"), "permission", server_id=PERM_ID)
        self.server.set_state(plugins_enabled=False)
        # the 501 comes before the permission check
        self.assertFails(self.user("plugin", "list"), "unavailable", server_id=DISABLED_ID,
                         text="PluginSettings.Enable")
        self.server.set_state(plugins_enabled=True)
        self.fault_5xx("/api/v4/plugins$", "plugin", "list")
        self.server.add_fault("/api/v4/plugins$", status=200, body=["x"])
        self.assertFails(self.pl("plugin", "list"), "bad-response")

    def test_statuses(self):
        r = self.assertOk(self.pl("plugin", "statuses"))
        rows = [line.split("\t") for line in r.out.splitlines()]
        self.assertIn(["jira", "Jira", "4.2.0", "running", "", ""], rows)
        self.assertIn(["com.github.manland.mattermost-plugin-gitlab", "GitLab", "1.9.1",
                       "not-running", "", ""], rows)
        r = self.assertOk(self.pl("plugin", "statuses", env=self.tty()))
        self.assertEqual(r.out.splitlines()[0].split(),
                         ["ID", "NAME", "VERSION", "STATE", "NODE", "ERROR"])
        r = self.assertOk(self.pl("-o", "json", "plugin", "statuses"))
        self.assertEqual(json.loads(r.out)[0]["state"], 0)
        self.assertFails(self.user("plugin", "statuses"), "permission", server_id=PERM_ID)
        self.server.set_state(plugins_enabled=False)
        self.assertFails(self.pl("plugin", "statuses"), "unavailable", server_id=DISABLED_ID)
        self.server.set_state(plugins_enabled=True)
        self.fault_5xx("/statuses", "plugin", "statuses")
        self.assertNothingSent("plugin", "statuses", runner=self.local, name="local-only",
                               text="local socket")

    def test_enable_disable_remove(self):
        gl = "com.github.manland.mattermost-plugin-gitlab"
        r = self.assertOk(self.pl("plugin", "enable", gl))
        self.assertEqual(r.out, "enabled plugin %s\n" % gl)
        self.assertTrue(self.plugins()[gl]["active"])
        r = self.assertOk(self.pl("-o", "json", "plugin", "disable", gl))
        self.assertEqual(json.loads(r.out), {"status": "OK"})
        self.assertFalse(self.plugins()[gl]["active"])
        r = self.assertOk(self.local("plugin", "enable", gl))
        self.assertTrue(self.plugins()[gl]["active"])
        for verb in ("enable", "disable"):
            self.assertFails(self.pl("plugin", verb, "no.such.plugin"), "not-found",
                             server_id=NOT_INSTALLED_ID)
            self.assertFails(self.user("plugin", verb, gl), "permission", server_id=PERM_ID)
            self.assertNothingSent("plugin", verb, "bad id")
            self.fault_5xx("/%s$" % verb, "plugin", verb, gl)
        self.server.set_state(plugins_enabled=False)
        self.assertFails(self.user("plugin", "enable", gl), "unavailable", server_id=DISABLED_ID)
        self.server.set_state(plugins_enabled=True)

        # remove: destructive
        self.assertNothingSent("plugin", "remove", gl, text="--yes")
        self.server.clear_log()
        r = self.assertOk(self.pl("--dry-run", "plugin", "remove", gl))
        self.assertEqual(r.out, "DELETE /api/v4/plugins/%s\n" % gl)
        self.assertEqual(self.server.request_log(), [])
        self.assertFails(self.user("plugin", "remove", gl, "--yes"), "permission",
                         server_id=PERM_ID)
        r = self.assertOk(self.pl("plugin", "remove", gl, "--yes"))
        self.assertEqual(r.out, "removed plugin %s\n" % gl)
        self.assertNotIn(gl, self.plugins())
        self.assertFails(self.pl("plugin", "remove", gl, "--yes"), "not-found",
                         server_id=NOT_INSTALLED_ID)
        r = self.assertOk(self.local("-y", "plugin", "remove", "jira"))
        self.assertEqual(self.plugins(), {})
        self.fault_5xx("/api/v4/plugins/", "plugin", "remove", "jira", "--yes")

    def test_dry_run_actions(self):
        self.server.clear_log()
        for verb in ("enable", "disable"):
            r = self.assertOk(self.pl("--dry-run", "plugin", verb, "jira"))
            self.assertEqual(r.out, "POST /api/v4/plugins/jira/%s\n" % verb)
        r = self.assertOk(self.pl("--dry-run", "plugin", "install-url", "https://x/p.tar.gz"))
        self.assertIn("POST /api/v4/plugins/install_from_url?plugin_download_url=", r.out)
        r = self.assertOk(self.pl("--dry-run", "plugin", "marketplace", "install", "zoom"))
        self.assertIn('"id": "zoom"', r.out)
        self.assertEqual(self.server.request_log(), [])


class TestMarketplace(PluginCase):
    def test_list(self):
        self.server.clear_log()
        r = self.assertOk(self.pl("plugin", "marketplace", "list"))
        rows = [line.split("\t") for line in r.out.splitlines()]
        self.assertEqual(len(rows), 7)
        self.assertIn(["jira", "Jira", "4.2.0", "4.2.0"], rows)
        self.assertIn(["zoom", "Zoom", "1.8.0", ""], rows)
        # the marketplace's own default page size
        self.assertEqual(self.server.find_requests("GET", "/api/v4/plugins/marketplace")[0]
                         ["query"], "page=0&per_page=100")
        r = self.assertOk(self.pl("plugin", "marketplace", "list", env=self.tty()))
        self.assertEqual(r.out.splitlines()[0].split(), ["ID", "NAME", "VERSION", "INSTALLED"])
        r = self.assertOk(self.pl("-o", "json", "plugin", "marketplace", "list", "--filter",
                                  "todo"))
        doc = json.loads(r.out)
        self.assertEqual([e["manifest"]["id"] for e in doc], ["com.mattermost.plugin-todo"])
        self.server.clear_log()
        r = self.assertOk(self.pl("plugin", "marketplace", "list", "--local-only"))
        self.assertEqual(len(r.out.splitlines()), 2)
        self.assertEqual(self.server.find_requests("GET", "/api/v4/plugins/marketplace")[0]
                         ["query"], "local_only=true&page=0&per_page=100")
        # remote_only needs no permission on the server
        self.assertOk(self.user("plugin", "marketplace", "list", "--remote-only"))
        self.assertFails(self.user("plugin", "marketplace", "list"), "permission",
                         server_id=PERM_ID)
        # both: refused before sending (the server would answer 500)
        self.assertNothingSent("plugin", "marketplace", "list", "--local-only", "--remote-only")
        self.assertNothingSent("plugin", "marketplace", "list", "zoom")
        self.assertNothingSent("plugin", "marketplace", "list", "--plugin-version", "1")
        self.assertNothingSent("plugin", "marketplace", "browse")
        self.server.set_state(enable_marketplace=False)
        self.assertFails(self.user("plugin", "marketplace", "list"), "unavailable",
                         server_id="app.plugin.marketplace_disabled.app_error",
                         text="EnableMarketplace")
        self.server.set_state(enable_marketplace=True, plugins_enabled=False)
        self.assertFails(self.pl("plugin", "marketplace", "list"), "unavailable",
                         server_id=DISABLED_ID)
        self.server.set_state(plugins_enabled=True)
        self.fault_5xx("/marketplace", "plugin", "marketplace", "list")
        r = self.assertOk(self.local("plugin", "marketplace", "list", "--filter", "jira"))
        self.assertEqual(r.out.split("\t")[0], "jira")

    def test_paging(self):
        # 7 built in + 244 seeded = 251 entries
        self.server.set_state(seed_marketplace=244)
        self.server.clear_log()
        r = self.assertOk(self.pl("-o", "json", "plugin", "marketplace", "list", "--all"))
        self.assertEqual(len(json.loads(r.out)), 251)
        qs = [e["query"] for e in self.server.find_requests("GET", "/api/v4/plugins/marketplace")]
        self.assertEqual(qs, ["page=0&per_page=100", "page=1&per_page=100",
                              "page=2&per_page=100"])
        # no 200 cap for the marketplace: 300 is sent as is, without a warning
        self.server.clear_log()
        r = self.assertOk(self.pl("plugin", "marketplace", "list", "--per-page", "300", "--all"))
        self.assertEqual(len(r.out.splitlines()), 251)
        self.assertEqual(r.err, "")
        qs = [e["query"] for e in self.server.find_requests("GET", "/api/v4/plugins/marketplace")]
        self.assertEqual(qs, ["page=0&per_page=300"])
        self.server.clear_log()
        r = self.assertOk(self.pl("plugin", "marketplace", "list", "--page", "2", "--per-page",
                                  "50", "--filter", "market"))
        self.assertEqual(len(r.out.splitlines()), 50)
        self.assertEqual(self.server.find_requests("GET", "/api/v4/plugins/marketplace")[0]
                         ["query"], "filter=market&page=2&per_page=50")

    def test_install(self):
        self.server.clear_log()
        r = self.assertOk(self.pl("plugin", "marketplace", "install", "zoom"))
        self.assertEqual(r.out, "zoom\tZoom\t1.8.0\n")
        self.assertIn("mmadm plugin enable zoom", r.err)
        e = self.server.find_requests("POST", "/api/v4/plugins/marketplace")[0]
        self.assertEqual(json.loads(e["body"]), {"id": "zoom", "version": ""})
        self.assertIn("zoom", self.plugins())
        r = self.assertOk(self.pl("-o", "json", "plugin", "marketplace", "install", "github",
                                  "--plugin-version", "2.3.0"))
        self.assertEqual(json.loads(r.out)["id"], "github")
        self.assertEqual(json.loads(self.server.find_requests(
            "POST", "/api/v4/plugins/marketplace")[-1]["body"])["version"], "2.3.0")
        self.assertFails(self.pl("plugin", "marketplace", "install", "no.such"), "not-found",
                         server_id="app.plugin.marketplace_plugins.not_found.app_error")
        self.assertFails(self.user("plugin", "marketplace", "install", "zoom"), "permission",
                         server_id=PERM_ID)
        self.assertNothingSent("plugin", "marketplace", "install")
        self.assertNothingSent("plugin", "marketplace", "install", "zoom", "--all")
        self.assertNothingSent("plugin", "marketplace", "install", "zoom", "--filter", "x")
        self.assertNothingSent("plugin", "marketplace", "install", "bad/id")
        self.server.set_state(enable_marketplace=False)
        self.assertFails(self.pl("plugin", "marketplace", "install", "zoom"), "unavailable",
                         server_id="app.plugin.marketplace_disabled.app_error")
        self.server.set_state(enable_marketplace=True)
        self.fault_5xx("/marketplace", "plugin", "marketplace", "install", "zoom")
        r = self.assertOk(self.local("plugin", "marketplace", "install", "com.mattermost.welcomebot"))
        self.assertIn("com.mattermost.welcomebot", self.plugins())


class TestLocalOnly(PluginCase):
    def reattach_file(self, pid="com.example.dev"):
        return self.write("reattach.json", json.dumps({
            "Manifest": {"id": pid, "name": "Dev", "version": "0.0.1"},
            "PluginReattachConfig": {"Protocol": "grpc", "ProtocolVersion": 1,
                                     "Addr": {"Network": "unix", "String": "/tmp/p.sock"},
                                     "Pid": 4242, "Test": True}}).encode())

    def test_reattach_detach(self):
        f = self.reattach_file()
        # over TCP: refused before any request
        self.assertNothingSent("plugin", "reattach", f, name="local-only", text="--local")
        self.assertNothingSent("plugin", "detach", "com.example.dev", name="local-only",
                               text="--local")
        self.server.clear_log()
        r = self.assertOk(self.local("plugin", "reattach", f))
        self.assertEqual(r.out, "plugin reattached\n")
        e = self.server.find_requests("POST", "/api/v4/plugins/reattach")[0]
        self.assertEqual(e["listener"], "local")
        self.assertEqual(json.loads(e["body"])["PluginReattachConfig"]["Pid"], 4242)
        self.assertEqual(self.server.get_state()["reattached"], ["com.example.dev"])
        self.assertTrue(self.plugins()["com.example.dev"]["active"])
        r = self.assertOk(self.local("-o", "json", "plugin", "detach", "com.example.dev"))
        self.assertEqual(r.out, "")      # the server answers an empty 200
        self.assertEqual(self.server.get_state()["reattached"], [])
        r = self.assertOk(self.local("plugin", "detach", "com.example.dev"))
        self.assertEqual(r.out, "detached plugin com.example.dev\n")
        # YAML from stdin works too
        r = self.assertOk(self.local("plugin", "reattach", "-", input=(
            "manifest:\n  id: com.example.y\npluginreattachconfig:\n  Protocol: grpc\n")))
        self.assertIn("com.example.y", self.server.get_state()["reattached"])
        # invalid requests: refused before sending
        for doc in ('{"PluginReattachConfig": {}}', '{"Manifest": {"id": "x/y"}, '
                    '"PluginReattachConfig": {}}', '{"Manifest": {"id": "ok"}}', "[1]"):
            self.assertNothingSent("plugin", "reattach", self.write("r.json", doc.encode()),
                                   runner=self.local)
        self.assertNothingSent("plugin", "reattach", os.path.join(self.home, "none.json"),
                               runner=self.local, name="io")
        self.assertNothingSent("plugin", "detach", "a b", runner=self.local)
        # plugins off: 501 from the plugin environment
        self.server.set_state(plugins_enabled=False)
        self.assertFails(self.local("plugin", "reattach", f), "unavailable",
                         server_id=DISABLED_ID)
        self.assertFails(self.local("plugin", "detach", "jira"), "unavailable",
                         server_id=DISABLED_ID)
        self.server.set_state(plugins_enabled=True)
        self.server.add_fault("/plugins/reattach", status=500, listener="local",
                              body={"id": "app.plugin.reattach.app_error",
                                    "message": "Failed to reattach plugin."})
        self.assertFails(self.local("plugin", "reattach", f), "server",
                         server_id="app.plugin.reattach.app_error")
        self.server.clear_log()
        r = self.assertOk(self.local("--dry-run", "plugin", "detach", "jira"))
        self.assertEqual(r.out, "POST /api/v4/plugins/jira/detach\n")
        self.assertEqual(self.server.request_log(), [])

    def test_help(self):
        for cmd in ("detach", "disable", "enable", "install-url", "list", "marketplace",
                    "reattach", "remove", "statuses", "upload"):
            r = self.run_mmadm("plugin", cmd, "--help")
            self.assertExit(r, "ok")
            self.assertIn("Usage: mmadm plugin " + cmd, r.out)
