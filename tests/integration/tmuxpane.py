"""Drive a program in a real terminal: one tmux server per pane, on its own
socket, so tests never touch a user's tmux. Used by test_repl.py and
test_completion.py.

    with TmuxPane(["mmadm"], env={...}, cwd=home) as p:
        p.wait_for("> ")
        p.type("sys"); p.keys("Tab")
        p.wait_for(lambda text: "system " in p.line())

Waiting polls the pane (every 20 ms) up to a bound instead of sleeping a
fixed time, so the tests are quick on a fast machine and still pass on a
slow one (or under valgrind via MMADM_WRAPPER).
"""

import os
import re
import shlex
import shutil
import subprocess
import tempfile
import time

EXIT_MARK = "__PANE_EXIT="


def have_tmux():
    return shutil.which("tmux") is not None


class PaneTimeout(AssertionError):
    pass


class TmuxPane:
    def __init__(self, argv, env=None, cwd=None, width=132, height=50,
                 timeout=15.0):
        self.argv = list(argv)
        self.env = dict(env or {})
        self.cwd = cwd
        self.width = width
        self.height = height
        self.timeout = timeout
        self.dir = None
        self.sock = None

    # ----- lifecycle -----
    def start(self):
        self.dir = tempfile.mkdtemp(prefix="mmadm-tmux-", dir="/tmp")
        self.sock = os.path.join(self.dir, "sock")
        # A clean environment: only what the test gives, plus the TERM
        # tmux sets in the pane. The exit status is printed afterwards and
        # the pane stays open so it can be read.
        envs = " ".join(shlex.quote("%s=%s" % kv) for kv in sorted(self.env.items()))
        cmd = 'env -i TERM="$TERM" %s %s; echo %s$?; exec sleep 3600' % (
            envs, " ".join(shlex.quote(a) for a in self.argv), EXIT_MARK)
        self._tmux("-f", "/dev/null", "new-session", "-d", "-s", "t",
                   "-x", str(self.width), "-y", str(self.height),
                   "-c", self.cwd or self.dir, cmd)
        self._tmux("set-option", "-t", "t", "history-limit", "5000")
        return self

    def stop(self):
        if self.sock is not None:
            subprocess.run(["tmux", "-S", self.sock, "kill-server"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
        self.sock = self.dir = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _tmux(self, *args):
        p = subprocess.run(["tmux", "-S", self.sock] + list(args),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if p.returncode != 0:
            raise RuntimeError("tmux %s: %s" % (" ".join(args), p.stderr.decode()))
        return p.stdout.decode("utf-8", "replace")

    # ----- input -----
    def type(self, text):
        """Type text literally (no key names)."""
        self._tmux("send-keys", "-t", "t", "-l", text)

    def keys(self, *names):
        """Press keys by tmux name: Enter, Tab, C-c, C-d, Up, BSpace ..."""
        self._tmux("send-keys", "-t", "t", *names)

    def line(self, text, *names):
        """Type text, then press Enter (or the given keys)."""
        self.type(text)
        self.keys(*(names or ("Enter",)))

    # ----- output -----
    def text(self):
        """Everything the pane shows, scrollback included, trailing blanks
        and empty lines removed."""
        out = self._tmux("capture-pane", "-p", "-J", "-t", "t", "-S", "-5000")
        lines = [l.rstrip() for l in out.split("\n")]
        while lines and not lines[-1]:
            lines.pop()
        return "\n".join(lines)

    def last_line(self):
        lines = self.text().split("\n")
        return lines[-1] if lines else ""

    def wait_for(self, what, timeout=None, after=0):
        """Wait until what (a substring, a compiled regex or a predicate on
        the text) holds for the pane text from offset ``after``. Returns the
        text."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            text = self.text()
            part = text[after:]
            if callable(what):
                ok = what(part)
            elif isinstance(what, re.Pattern):
                ok = what.search(part) is not None
            else:
                ok = what in part
            if ok:
                return text
            if time.monotonic() > deadline:
                raise PaneTimeout("pane never showed %r; it shows:\n%s" % (
                    getattr(what, "pattern", what), text))
            time.sleep(0.02)

    def wait_exit(self, timeout=None):
        """Wait for the program to end; returns its exit status."""
        text = self.wait_for(re.compile(re.escape(EXIT_MARK) + r"\d+"), timeout)
        return int(re.search(re.escape(EXIT_MARK) + r"(\d+)", text).group(1))
