"""TLS: certificate verification on by default, --cacert, --insecure,
wrong host names; each failure one line with the connect exit code."""
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

from harness import ADMIN_TOKEN, REPO, SERVER_PY, StandinServer, mmadm_bin

# An openssl.cnf whose TLS policy the stand-in cannot meet (its RSA key
# cannot sign with ed25519, a setting libcurl leaves alone): a run that
# read it fails the handshake, one that did not succeeds.
STRICT_CNF = """openssl_conf = openssl_init
[openssl_init]
ssl_conf = ssl_sect
[ssl_sect]
system_default = system_default_sect
[system_default_sect]
SignatureAlgorithms = ed25519
"""
NO_TLS_TRACE = "* no TLS in this run: OpenSSL set up without openssl.cnf"


class TLSBase(unittest.TestCase):
    """A stand-in serving HTTPS with a throwaway certificate."""

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

    def run_mmadm(self, *args, extra_env=None, stdin=None):
        env = {"PATH": os.environ.get("PATH", ""), "HOME": self.dir,
               "XDG_CONFIG_HOME": os.path.join(self.dir, "cfg"),
               "MMADM_TOKEN": ADMIN_TOKEN}
        env.update({k: v for k, v in os.environ.items() if k.startswith(("ASAN_", "UBSAN_"))})
        env.update(extra_env or {})
        p = subprocess.run([mmadm_bin()] + list(args), env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=30, text=True,
                           input=stdin)
        return p

    def fails_tls(self, p):
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertEqual(p.stderr.count("\n"), 1, p.stderr)
        self.assertIn("TLS", p.stderr)
        self.assertEqual(p.stdout, "")


class TestTLS(TLSBase):
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


class TestOpenSSLConfig(TLSBase):
    """One-shot runs without TLS (--local, http://) skip openssl.cnf; every
    run that may make a TLS connection reads it, as it holds the system's
    TLS policy."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plain = StandinServer().start()
        cls.strict = os.path.join(cls.dir, "strict.cnf")
        with open(cls.strict, "w") as f:
            f.write(STRICT_CNF)

    @classmethod
    def tearDownClass(cls):
        cls.plain.stop()
        super().tearDownClass()

    def strict_env(self):
        return {"OPENSSL_CONF": self.strict}

    def https(self):
        return ["--url", "https://localhost:%d" % self.port, "--cacert", self.cert]

    def test_https_one_shot_honours_openssl_cnf(self):
        p = self.run_mmadm(*self.https(), "system", "ping", extra_env=self.strict_env())
        self.fails_tls(p)
        p = self.run_mmadm(*self.https(), "-v", "system", "ping")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertNotIn(NO_TLS_TRACE, p.stderr)

    def test_plain_one_shot_skips_it(self):
        p = self.run_mmadm("--url", self.plain.url, "-v", "system", "ping",
                           extra_env=self.strict_env())
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, "OK\n")
        self.assertIn(NO_TLS_TRACE, p.stderr)
        p = self.run_mmadm("--local", "--socket", self.plain.socket_path, "-v",
                           "system", "ping", extra_env=self.strict_env())
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(NO_TLS_TRACE, p.stderr)

    def test_shell_reads_it_even_after_a_plain_command(self):
        script = ("system ping --url %s\nsystem ping %s\n"
                  % (self.plain.url, " ".join(self.https())))
        p = self.run_mmadm("-v", "shell", stdin=script, extra_env=self.strict_env())
        self.assertNotIn(NO_TLS_TRACE, p.stderr)
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertIn("TLS", p.stderr)
        self.assertEqual(p.stdout, "OK\n")
        p = self.run_mmadm("shell", stdin=script)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, "OK\nOK\n")


if __name__ == "__main__":
    unittest.main()
