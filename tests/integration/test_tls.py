"""TLS: certificate verification on by default, --cacert, --insecure,
wrong host names; each failure one line with the connect exit code."""
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

from harness import ADMIN_TOKEN, REPO, SERVER_PY, mmadm_bin


class TestTLS(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if shutil.which("openssl") is None:
            raise unittest.SkipTest("openssl not installed")
        cls.dir = tempfile.mkdtemp(prefix="mmadm-tls-")
        cls.cert = os.path.join(cls.dir, "cert.pem")
        cls.key = os.path.join(cls.dir, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                        "-keyout", cls.key, "-out", cls.cert, "-days", "2",
                        "-subj", "/CN=localhost",
                        "-addext", "subjectAltName=DNS:localhost"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = os.path.join(cls.dir, "port")
        cls.proc = subprocess.Popen([sys.executable, SERVER_PY, "--port", "0",
                                     "--port-file", port_file, "--tls-cert", cls.cert,
                                     "--tls-key", cls.key],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while time.time() < deadline and not os.path.exists(port_file):
            time.sleep(0.05)
        with open(port_file) as f:
            cls.port = int(f.read())

    @classmethod
    def tearDownClass(cls):
        cls.proc.terminate()
        cls.proc.wait(5)
        shutil.rmtree(cls.dir, True)

    def run_mmadm(self, *args):
        env = {"PATH": os.environ.get("PATH", ""), "HOME": self.dir,
               "XDG_CONFIG_HOME": os.path.join(self.dir, "cfg"),
               "MMADM_TOKEN": ADMIN_TOKEN}
        env.update({k: v for k, v in os.environ.items() if k.startswith(("ASAN_", "UBSAN_"))})
        p = subprocess.run([mmadm_bin()] + list(args), env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=30, text=True)
        return p

    def fails_tls(self, p):
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertEqual(p.stderr.count("\n"), 1, p.stderr)
        self.assertIn("TLS", p.stderr)
        self.assertEqual(p.stdout, "")

    def test_self_signed_refused(self):
        self.fails_tls(self.run_mmadm("--url", "https://localhost:%d" % self.port,
                                      "system", "ping"))

    def test_cacert(self):
        p = self.run_mmadm("--url", "https://localhost:%d" % self.port,
                           "--cacert", self.cert, "system", "ping")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, "OK\n")

    def test_wrong_host(self):
        self.fails_tls(self.run_mmadm("--url", "https://127.0.0.1:%d" % self.port,
                                      "--cacert", self.cert, "system", "ping"))

    def test_insecure(self):
        p = self.run_mmadm("--url", "https://127.0.0.1:%d" % self.port,
                           "--insecure", "system", "ping")
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_plain_http_to_tls_port(self):
        p = self.run_mmadm("--url", "http://localhost:%d" % self.port,
                           "--timeout", "5", "system", "ping")
        self.assertIn(p.returncode, (3, 11), p.stderr)
        self.assertEqual(p.stderr.count("\n"), 1, p.stderr)

    def test_dns_failure(self):
        p = self.run_mmadm("--url", "https://no-such-host.invalid", "--timeout", "10",
                           "system", "ping")
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertIn("no-such-host.invalid", p.stderr)


if __name__ == "__main__":
    unittest.main()
