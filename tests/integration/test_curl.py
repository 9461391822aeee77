"""--curl: the equivalent curl command lines, token as "$MMADM_TOKEN"; writes
are never sent (a write command's reads are, to build the write)."""

import json
import os
import shutil
import subprocess
import unittest

from harness import ADMIN_TOKEN, CHANNEL_ID, MmadmTestCase


def commands(text):
    """The curl commands of the output, each joined onto one line."""
    out, cur = [], ""
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        cur += line[:-1] + " " if line.endswith("\\") else line
        if not line.endswith("\\"):
            out.append(cur)
            cur = ""
    return out


@unittest.skipUnless(shutil.which("curl"), "needs curl")
class TestCurl(MmadmTestCase):
    def sh(self, cmd, cwd=None, **env):
        e = dict(os.environ, **env)
        return subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, env=e,
                              timeout=30, cwd=cwd)

    def test_read_command_sends_nothing(self):
        r = self.run_mmadm("system", "ping", "--curl", env=self.admin_env())
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(self.server.request_log(), [])
        cmds = commands(r.out)
        self.assertEqual(len(cmds), 1)
        self.assertIn("'%s/api/v4/system/ping?use_rest_semantics=true'" % self.server.url, cmds[0])
        self.assertIn('-H "Authorization: Bearer $MMADM_TOKEN"', cmds[0])
        # the printed command does what mmadm would have done
        p = self.sh(cmds[0], MMADM_TOKEN=ADMIN_TOKEN)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(json.loads(p.stdout)["status"], "OK")
        hdrs = dict(self.server.find_requests("GET", "/api/v4/system/ping")[0]["headers"])
        self.assertEqual(hdrs["Authorization"], "Bearer " + ADMIN_TOKEN)

    def test_write_prints_reads_and_the_write_sends_only_reads(self):
        r = self.run_mmadm("config", "patch", "--set", "TeamSettings.SiteName=It's ours",
                           "--curl", env=self.admin_env())
        self.assertEqual(r.rc, 0, r.err)
        cmds = commands(r.out)
        self.assertEqual(len(cmds), 2, r.out)
        self.assertNotIn("-X", cmds[0])
        self.assertIn("-X PUT", cmds[1])
        self.assertIn("/api/v4/config/patch'", cmds[1])
        # the GET was needed to build the patch; the PUT was not sent
        self.assertEqual(len(self.server.find_requests("GET", "/api/v4/config")), 1)
        self.assertEqual(self.server.find_requests("PUT"), [])
        self.assertNotEqual(self.server.config()["TeamSettings"]["SiteName"], "It's ours")
        # quoting survives the shell: running it makes the change
        p = self.sh(cmds[1], MMADM_TOKEN=ADMIN_TOKEN)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.server.config()["TeamSettings"]["SiteName"], "It's ours")

    def test_api_command_and_headers(self):
        r = self.run_mmadm("api", "POST", "/caches/invalidate", "-H", "X-Trace: a b",
                           "--curl", env=self.admin_env())
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(self.server.request_log(), [])
        (cmd,) = commands(r.out)
        self.assertIn("-X POST", cmd)
        self.assertIn("-H 'X-Trace: a b'", cmd)
        p = self.sh(cmd, MMADM_TOKEN=ADMIN_TOKEN)
        self.assertEqual(json.loads(p.stdout)["status"], "OK")
        req = self.server.find_requests("POST", "/api/v4/caches/invalidate")[0]
        self.assertEqual(dict(req["headers"])["X-Trace"], "a b")

    def test_file_parts_name_the_local_file(self):
        # -F takes the local path as given (relative to where mmadm ran),
        # quoted for the shell and for curl; running the command uploads
        # the file under its own name.
        d = os.path.join(self.home, "ex dir")
        os.mkdir(d)
        with open(os.path.join(d, "it's a;b.txt"), "wb") as f:
            f.write(b"alpha")
        r = self.run_mmadm("file", "upload", CHANNEL_ID, "ex dir/it's a;b.txt", "--curl",
                           env=self.admin_env())
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(self.server.request_log(), [])
        (cmd,) = commands(r.out)
        self.assertIn("""-F 'files=@"ex dir/it'\\''s a;b.txt"'""", cmd)
        p = self.sh(cmd, cwd=self.home, MMADM_TOKEN=ADMIN_TOKEN)
        self.assertEqual(p.returncode, 0, p.stderr)
        info = json.loads(p.stdout)["file_infos"][0]
        self.assertEqual((info["name"], info["size"]), ("it's a;b.txt", 5))
        # an absolute path, and a license whose name is not the file's
        lic = os.path.join(self.home, "ex dir", "a.txt")
        with open(lic, "w") as f:
            json.dump({"id": "l" * 26, "customer": {"company": "ACME Corp"}}, f)
        r = self.run_mmadm("license", "upload", lic, "--curl", env=self.admin_env())
        self.assertEqual(r.rc, 0, r.err)
        (cmd,) = commands(r.out)
        self.assertIn("""-F 'license=@"%s"'""" % lic, cmd)
        p = self.sh(cmd, cwd="/", MMADM_TOKEN=ADMIN_TOKEN)
        self.assertEqual(p.returncode, 0, p.stderr)
        (req,) = self.server.find_requests("POST", "/api/v4/license")
        self.assertIn('filename="a.txt"', req["body"] or "")
        self.assertEqual(req["status"], 200, p.stdout)

    def test_secret_body_fields_are_not_printed(self):
        r = self.run_mmadm("api", "PUT", "/config/patch", "-f", "SqlSettings[DataSource]=secretdsn",
                           "-f", "EmailSettings[SMTPPassword]=hunter2", "--curl",
                           env=self.admin_env())
        self.assertEqual(r.rc, 0, r.err)
        self.assertNotIn("secretdsn", r.out)
        self.assertNotIn("hunter2", r.out)
        self.assertIn("*" * 32, r.out)

    def test_local_mode_uses_the_socket(self):
        r = self.run_mmadm("config", "get", "--curl", env=self.local_env())
        self.assertEqual(r.rc, 0, r.err)
        (cmd,) = commands(r.out)
        self.assertIn("--unix-socket '%s'" % self.server.socket_path, cmd)
        self.assertIn("'http://localhost/api/v4/config'", cmd)
        self.assertNotIn("Authorization", cmd)
        p = self.sh(cmd)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("ServiceSettings", json.loads(p.stdout))

    def test_transport_options_carry_over(self):
        ca = os.path.join(self.home, "ca.pem")
        open(ca, "w").close()
        r = self.run_mmadm("system", "ping", "--curl", "--timeout", "7", "--insecure",
                           "--cacert", ca, env=self.admin_env())
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn("--max-time 7", r.out)
        self.assertIn(" -k", r.out)
        self.assertIn("--cacert '%s'" % ca, r.out)

    def test_no_combination_with_watch_or_jq(self):
        for extra in (("--watch", "2"), ("--jq", ".")):
            r = self.run_mmadm("system", "ping", "--curl", *extra, env=self.admin_env())
            self.assertEqual(r.rc, 2, extra)
        r = self.run_mmadm("events", "--curl", env=self.admin_env())
        self.assertEqual(r.rc, 2)
        self.assertIn("WebSocket", r.err)


if __name__ == "__main__":
    unittest.main()
