"""Shared harness for mmadm integration tests against the stand-in server.

Typical use::

    from harness import MmadmTestCase, ADMIN_TOKEN

    class TestPing(MmadmTestCase):
        server_args = ("--server-version", "11.1.0")

        def test_ping(self):
            r = self.run_mmadm("system", "ping", env=self.admin_env())
            self.assertEqual(r.rc, 0, r.err)
            self.assertTrue(self.server.find_requests("GET", "/api/v4/system/ping"))

Environment: MMADM_BIN (binary, default <repo>/build/mmadm), MMADM_WRAPPER
(optional command prefix such as "valgrind -q --error-exitcode=99"),
STANDIN_VERBOSE=1 (server logs every request to its stderr log file).

The harness makes no assumption about mmadm's output.
"""

import http.client
import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
SERVER_PY = os.path.join(REPO, "tests", "standin", "server.py")

# fixed credentials of the stand-in (see tests/standin/README.md)
ADMIN_USER, ADMIN_PASSWORD = "sysadmin", "Sys-admin-pass1"
USER_USER, USER_PASSWORD = "user1", "User1-pass1"
MFA_USER, MFA_PASSWORD, MFA_CODE = "mfaadmin", "Mfa-admin-pass1", "123456"
ADMIN_TOKEN = "mmadmtestadmintoken0000001"        # PAT of sysadmin
USER_TOKEN = "mmadmtestusertoken00000001"         # PAT of user1
OAUTH_TOKEN = "mmadmtestoauthtoken0000001"        # OAuth session of sysadmin
ADMIN_SESSION_TOKEN = "mmadmtestadminsession00001"  # plain session of sysadmin
USER_SESSION_TOKEN = "mmadmtestusersession000001"   # plain session of user1
SYSADMIN_ID = "sysadmin" + "0" * 17 + "a"
USER1_ID = "user1" + "0" * 20 + "a"
MFAADMIN_ID = "mfaadmin" + "0" * 17 + "a"
TEAM_ID = "teammain" + "0" * 17 + "a"
TEAM2_ID = "teamother" + "0" * 16 + "a"
CHANNEL_ID = "chantown" + "0" * 17 + "a"
FAKE_SETTING = "*" * 32
# Set by ctest for the ASan+UBSan build: shadow memory and the allocator's
# quarantine inflate resident size there, so peak-RSS bounds are checked
# in the plain build's run only.
SANITIZED = os.environ.get("MMADM_SANITIZED") == "1"
# mmadm runs under valgrind (MMADM_WRAPPER). There, _exit() called from a
# signal handler while the program is blocked in write(2) does not end the
# process (seen with valgrind 3.19: the handler runs and prints, the process
# stays in the write), so the tests of that path run in the plain and
# sanitizer passes only.
UNDER_VALGRIND = "valgrind" in os.environ.get("MMADM_WRAPPER", "")
# Every credential of the stand-in: none may appear in mmadm's output.
SECRETS = ("mmadmtestadmintoken0000001", "mmadmtestusertoken00000001",
           "mmadmtestoauthtoken0000001", "mmadmtestadminsession00001",
           "mmadmtestusersession000001", "Sys-admin-pass1", "User1-pass1",
           "Mfa-admin-pass1")


class UnixHTTPConnection(http.client.HTTPConnection):
    """http.client over a unix socket (host is only used for the Host header)."""

    def __init__(self, path, timeout=30):
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self.unix_path)
        self.sock = s


class ApiResponse:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers          # http.client.HTTPMessage (case-insensitive)
        self.body = body                # bytes

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self):
        return "<ApiResponse %d %r>" % (self.status, self.body[:200])


class StandinServer:
    """One stand-in server process listening on 127.0.0.1:<free port> and on a
    unix socket inside its own temp dir."""

    def __init__(self, *extra_args, verbose=None, python=None):
        self.extra_args = list(extra_args)
        self.verbose = (os.environ.get("STANDIN_VERBOSE") == "1") if verbose is None else verbose
        self.python = python or sys.executable
        self.proc = None
        self.tmpdir = None
        self.port = None
        self.socket_path = None
        self.log_path = None
        self._log_file = None

    # ----- lifecycle -----
    def start(self, timeout=10.0):
        self.tmpdir = tempfile.mkdtemp(prefix="mmadm-standin-")
        if len(self.tmpdir) > 80:           # unix socket paths are limited to ~107 bytes
            shutil.rmtree(self.tmpdir, ignore_errors=True)
            self.tmpdir = tempfile.mkdtemp(prefix="mmadm-standin-", dir="/tmp")
        port_file = os.path.join(self.tmpdir, "port")
        self.socket_path = os.path.join(self.tmpdir, "mattermost_local.socket")
        self.log_path = os.path.join(self.tmpdir, "server.log")
        self._log_file = open(self.log_path, "wb")
        cmd = [self.python, SERVER_PY, "--host", "127.0.0.1", "--port", "0",
               "--port-file", port_file, "--socket", self.socket_path] + self.extra_args
        if "--instances" in self.extra_args:
            cmd += ["--ports-file", os.path.join(self.tmpdir, "ports")]
        if self.verbose:
            cmd.append("--verbose")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self._log_file,
                                     stderr=subprocess.STDOUT, cwd=self.tmpdir)
        deadline = time.monotonic() + timeout
        while True:
            if os.path.exists(port_file):
                with open(port_file) as f:
                    txt = f.read().strip()
                if txt.isdigit():
                    self.port = int(txt)
                    break
            if self.proc.poll() is not None:
                raise RuntimeError("stand-in server exited with %s:\n%s" % (self.proc.returncode, self.log()))
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("stand-in server not ready within %.0fs" % timeout)
            time.sleep(0.02)
        return self

    def stop(self, timeout=5.0):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout)
        self.proc = None
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None
        if self.tmpdir and os.environ.get("STANDIN_KEEP_TMP") != "1":
            shutil.rmtree(self.tmpdir, ignore_errors=True)
        self.tmpdir = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except (OSError, TypeError):
            return ""

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    @property
    def api_url(self):
        return self.url + "/api/v4"

    # ----- control API -----
    def control(self, method, name, payload=None, query=None):
        url = self.url + "/__standin/" + name
        if query:
            url += "?" + urllib.parse.urlencode(query)
        data = None if payload is None else json.dumps(payload).encode()
        req = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return json.loads(r.read().decode() or "null")
        except urllib.error.HTTPError as e:
            raise RuntimeError("control %s %s failed: %s %s" % (method, name, e.code, e.read().decode()))

    def reset(self, **toggles):
        """Fresh state (config, users, sessions, faults, log, stats), then apply toggles."""
        return self.control("POST", "reset", toggles or None)

    def set_state(self, **toggles):
        return self.control("POST", "state", toggles)

    def get_state(self):
        return self.control("GET", "state")

    def add_fault(self, path_regex=None, method=None, **kw):
        """Add one fault rule: status, body, content_type, headers, delay_ms, times,
        drop_connection, truncate, invalid_json, rate_limit, retry_after, listener, bare."""
        rule = dict(kw)
        if path_regex is not None:
            rule["path_regex"] = path_regex
        if method is not None:
            rule["method"] = method
        return self.control("POST", "faults", [rule])

    def add_faults(self, rules):
        return self.control("POST", "faults", list(rules))

    def clear_faults(self):
        return self.control("DELETE", "faults")

    def faults(self):
        return self.control("GET", "faults")

    def request_log(self, since=0):
        """Every non-control request: dicts with seq, listener ("tcp"|"local"),
        method, path, query, headers ([[name, value], ...] as received), body
        (text or None), body_b64 (when not UTF-8), body_size, status, fault."""
        return self.control("GET", "log", query={"since": since} if since else None)

    def clear_log(self):
        return self.control("DELETE", "log")

    def find_requests(self, method=None, path=None, listener=None):
        out = []
        for e in self.request_log():
            if method and e["method"] != method:
                continue
            if path and e["path"] != path:
                continue
            if listener and e["listener"] != listener:
                continue
            out.append(e)
        return out

    def stats(self):
        """{connections, requests, connections_accepted, tcp_connections, unix_connections}"""
        return self.control("GET", "stats")

    def config(self):
        """The raw (unsanitized) running config."""
        return self.control("GET", "config")

    def patch_config(self, patch):
        return self.control("POST", "config", patch)

    # ----- direct API access (for assertions and setup) -----
    def api(self, method, path, body=None, token=None, headers=None, local=False, timeout=30):
        """Call the API over TCP (or the unix socket with local=True). ``path``
        is relative to /api/v4 unless it starts with '/api/' or is '/'."""
        if not path.startswith("/api/") and path != "/":
            path = "/api/v4" + path
        hdrs = dict(headers or {})
        if token:
            hdrs["Authorization"] = "Bearer " + token
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            hdrs.setdefault("Content-Type", "application/json")
        elif isinstance(body, str):
            body = body.encode()
        conn = (UnixHTTPConnection(self.socket_path, timeout) if local
                else http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout))
        try:
            conn.request(method, path, body=body, headers=hdrs)
            r = conn.getresponse()
            try:
                return ApiResponse(r.status, r.headers, r.read())
            finally:
                r.close()
        finally:
            conn.close()


class StandinFleet:
    """Many independent stand-ins in one process (server.py --instances N): each
    instance has its own port, state, faults and request log, and is reached
    through a StandinServer object (``fleet[i]``) whose control methods work as
    usual. Cheaper than N processes for fleet-mode tests."""

    def __init__(self, n, *extra_args):
        self.n = n
        self.main = StandinServer("--instances", str(n), *extra_args)
        self.instances = []

    def start(self, timeout=30.0):
        self.main.start(timeout)
        ports_file = os.path.join(self.main.tmpdir, "ports")
        # --ports-file is written before --port-file, so it is there now
        with open(ports_file) as f:
            ports = [int(x) for x in f.read().split()]
        for port in ports:
            inst = StandinServer()
            inst.port = port
            self.instances.append(inst)
        return self

    def stop(self):
        self.main.stop()
        self.instances = []

    def __getitem__(self, i):
        return self.instances[i]

    def __len__(self):
        return len(self.instances)


class MmadmResult:
    def __init__(self, args, rc, out_bytes, err_bytes):
        self.args = args
        self.rc = rc
        self.out_bytes = out_bytes
        self.err_bytes = err_bytes
        self.out = out_bytes.decode("utf-8", "replace")
        self.err = err_bytes.decode("utf-8", "replace")

    def __repr__(self):
        return "<MmadmResult rc=%r out=%r err=%r>" % (self.rc, self.out[:300], self.err[:300])


PASSTHROUGH_PREFIXES = ("ASAN_", "UBSAN_", "LSAN_", "MSAN_", "TSAN_", "LLVM_PROFILE", "GCOV_")


def mmadm_bin():
    return os.environ.get("MMADM_BIN") or os.path.join(REPO, "build", "mmadm")


class MmadmTestCase(unittest.TestCase):
    """One stand-in server per test class (``server_args`` = extra CLI args),
    state reset before every test, fresh HOME/XDG dirs per test.

    Per-test attributes: ``self.home`` (exists), ``self.xdg_config_home`` and
    ``self.xdg_state_home`` (paths under home, not created).
    """

    server_args = ()
    server = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = StandinServer(*cls.server_args)
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        if cls.server is not None:
            cls.server.stop()
            cls.server = None
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        self.server.reset()
        self.home = tempfile.mkdtemp(prefix="mmadm-home-")
        self.addCleanup(shutil.rmtree, self.home, True)
        self.xdg_config_home = os.path.join(self.home, ".config")
        self.xdg_state_home = os.path.join(self.home, ".local", "state")

    # ----- environments -----
    def base_env(self):
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self.home,
               "XDG_CONFIG_HOME": self.xdg_config_home, "XDG_STATE_HOME": self.xdg_state_home,
               "LANG": "C.UTF-8"}
        for k, v in os.environ.items():
            if k.startswith(PASSTHROUGH_PREFIXES):
                env[k] = v
        return env

    def admin_env(self):
        return {"MMADM_URL": self.server.url, "MMADM_TOKEN": ADMIN_TOKEN}

    def user_env(self):
        return {"MMADM_URL": self.server.url, "MMADM_TOKEN": USER_TOKEN}

    def local_env(self):
        return {"MMADM_LOCAL": "1", "MMADM_LOCAL_SOCKET": self.server.socket_path}

    # ----- running the binary -----
    # ----- running as someone, and checking the result -----
    def ok(self, r):
        self.assertEqual(r.rc, 0, "rc=%d\nout=%s\nerr=%s" % (r.rc, r.out, r.err))
        return r

    def fails(self, r, rc, *needles):
        """Exit code rc, nothing but one 'mmadm: ...' line on stderr,
        containing every needle."""
        self.assertEqual(r.rc, rc, "rc=%d\nout=%s\nerr=%s" % (r.rc, r.out, r.err))
        self.assertTrue(r.err.startswith("mmadm: "), r.err)
        self.assertEqual(r.err.count("\n"), 1, "one line on stderr: %r" % r.err)
        for n in needles:
            self.assertIn(n, r.err)
        return r

    def admin(self, *args, **kw):
        env = dict(self.admin_env(), **kw.pop("env", {}))
        return self.run_mmadm(*args, env=env, **kw)

    def user(self, *args, **kw):
        env = dict(self.user_env(), **kw.pop("env", {}))
        return self.run_mmadm(*args, env=env, **kw)

    def local(self, *args, **kw):
        env = dict(self.local_env(), **kw.pop("env", {}))
        return self.run_mmadm(*args, env=env, **kw)

    def run_into(self, stdout, *args, env=None, timeout=30):
        """Run mmadm ``args`` (admin environment unless ``env`` is given)
        with stdout on /dev/full ("full") or on a pipe whose reader is gone
        before mmadm starts ("pipe", as after ``| head``). Returns (rc,
        stderr text)."""
        if env is None:
            env = dict(self.base_env(), **self.admin_env())
        cmd = shlex.split(os.environ.get("MMADM_WRAPPER", "")) + [mmadm_bin()] + list(args)
        if stdout == "full":
            with open("/dev/full", "wb") as full:
                p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=full,
                                   stderr=subprocess.PIPE, env=env, cwd=self.home,
                                   timeout=timeout)
        else:
            r, w = os.pipe()
            os.close(r)
            try:
                p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=w,
                                   stderr=subprocess.PIPE, env=env, cwd=self.home,
                                   timeout=timeout)
            finally:
                os.close(w)
        return p.returncode, p.stderr.decode()

    def signal_blocked_writer(self, args, request_path, sig):
        """Start mmadm ``args`` (admin environment) with a stdout pipe nobody
        reads, wait until the stand-in has answered ``request_path`` and
        the output has filled the pipe, then send ``sig``. Returns (rc,
        stdout bytes, stderr text, seconds from the signal to the exit)."""
        if UNDER_VALGRIND:
            self.skipTest("valgrind does not let a signal handler's _exit end a "
                          "blocked write (see harness.UNDER_VALGRIND)")
        env = self.base_env()
        env.update(self.admin_env())
        cmd = shlex.split(os.environ.get("MMADM_WRAPPER", "")) + [mmadm_bin()] + list(args)
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=env, cwd=self.home)
        try:
            deadline = time.monotonic() + 30
            while (time.monotonic() < deadline
                   and not self.server.find_requests("GET", request_path)):
                time.sleep(0.05)
            time.sleep(1.5)
            self.assertIsNone(p.poll(), "mmadm should be blocked on the full pipe")
            p.send_signal(sig)
            t0 = time.monotonic()
            p.wait(timeout=10)
            took = time.monotonic() - t0
            out, err = p.communicate(timeout=10)
        finally:
            if p.poll() is None:
                p.kill()
                p.communicate()
        return p.returncode, out, err.decode(), took

    def run_mmadm(self, *args, input=None, env=None, timeout=30, cwd=None,
                  allow_secrets=False):
        """Run mmadm with a clean environment (base_env() updated by ``env``;
        a value of None removes a variable). ``input`` may be str or bytes.
        Returns MmadmResult with .rc .out .err (text) and .out_bytes/.err_bytes."""
        binary = mmadm_bin()
        if not os.path.exists(binary):
            self.fail("mmadm binary not found at %s (build it or set MMADM_BIN)" % binary)
        e = self.base_env()
        for k, v in (env or {}).items():
            if v is None:
                e.pop(k, None)
            else:
                e[k] = str(v)
        cmd = shlex.split(os.environ.get("MMADM_WRAPPER", "")) + [binary] + [str(a) for a in args]
        if isinstance(input, str):
            input = input.encode("utf-8")
        p = subprocess.run(cmd, input=input if input is not None else b"",
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=e,
                           cwd=cwd or self.home, timeout=timeout)
        res = MmadmResult(list(args), p.returncode, p.stdout, p.stderr)
        if not allow_secrets:
            # No test token or password may ever reach an output (issue 6:
            # "a test greps all outputs of a full run for the test token").
            for secret in SECRETS:
                for stream, data in (("stdout", p.stdout), ("stderr", p.stderr)):
                    if secret.encode() in data:
                        self.fail("secret %r leaked on %s of mmadm %s" %
                                  (secret[:6] + "...", stream, " ".join(map(str, args))))
        return res
