"""mmadm shell: the interactive console driven like a person through tmux,
and script mode (a pipe or --file) over one connection.

The console tests type into a real terminal and read the screen: Tab
completion, a command's output, an error followed by a working command,
Ctrl-C during a slow answer, history across restarts, and a login whose
password is neither shown nor written to the history file.
"""

import os
import re
import shlex
import stat
import time
import unittest

from harness import (ADMIN_PASSWORD, ADMIN_TOKEN, ADMIN_USER, MFA_CODE, MFA_PASSWORD,
                     MFA_USER, MmadmTestCase, mmadm_bin)
from tmuxpane import TmuxPane, have_tmux

PROMPT = re.compile(r"(\[\d+\] )?[\w.@:-]+>$")


@unittest.skipUnless(have_tmux(), "tmux is not installed")
class TestConsole(MmadmTestCase):
    def pane_env(self, extra=None):
        env = self.base_env()
        env.pop("PATH", None)
        env["PATH"] = os.environ.get("PATH", "/usr/bin:/bin")
        env.update(extra or {})
        return env

    def console(self, extra_env=None, args=()):
        wrapper = shlex.split(os.environ.get("MMADM_WRAPPER", ""))
        slow = 6.0 if wrapper else 1.0
        pane = TmuxPane(wrapper + [mmadm_bin()] + list(args),
                        env=self.pane_env(extra_env), cwd=self.home,
                        timeout=15.0 * slow)
        pane.start()
        self.addCleanup(pane.stop)
        self.wait_prompt(pane)
        return pane

    def wait_prompt(self, pane, after=0, timeout=None):
        return pane.wait_for(lambda t: PROMPT.search(t.split("\n")[-1]) is not None,
                             timeout=timeout, after=after)

    def run_line(self, pane, line, expect):
        """Type line + Enter, wait for expect and the next prompt; return the
        text the command added."""
        start = len(pane.text())
        pane.line(line)
        if expect is not None:
            pane.wait_for(expect, after=start)
        text = self.wait_prompt(pane, after=start + len(line))
        return text[start:]

    @property
    def host(self):
        return "127.0.0.1:%d" % self.server.port

    def history_file(self):
        return os.path.join(self.xdg_state_home, "mmadm", "history")

    # ----- tests -----
    def test_prompt_completion_and_output(self):
        pane = self.console(self.admin_env())
        self.assertTrue(pane.last_line().endswith(self.host + ">"),
                        pane.last_line())
        pane.type("sys")
        pane.keys("Tab")
        pane.wait_for(lambda t: t.split("\n")[-1].endswith("> system"))
        pane.type("pi")
        pane.keys("Tab")
        pane.wait_for(lambda t: t.split("\n")[-1].endswith("> system ping"))
        start = len(pane.text())
        pane.keys("Enter")
        pane.wait_for(re.compile(r"^OK$", re.M), after=start)
        self.wait_prompt(pane, after=start)
        # Several candidates: Tab lists them.
        start = len(pane.text())
        pane.type("auth lo")
        pane.keys("Tab")
        pane.wait_for(lambda t: t.split("\n")[-1].endswith("> auth log"))
        pane.keys("Tab")
        text = pane.wait_for("logout", after=start)
        self.assertIn("login", text[start:])
        pane.keys("C-u")
        # Option values with a fixed set.
        start = len(pane.text())
        pane.type("system ping -o ")
        pane.keys("Tab")
        text = pane.wait_for("yaml", after=start)
        for fmt in ("json", "table", "plain"):
            self.assertIn(fmt, text[start:])
        pane.keys("C-u")
        # '?' shows the usage of the command being typed.
        start = len(pane.text())
        pane.type("system ping ?")
        pane.wait_for("usage: mmadm system ping", after=start)
        pane.keys("C-u")
        # Both commands used one connection.
        out = self.run_line(pane, "system ping", re.compile(r"^OK$", re.M))
        self.assertNotIn("mmadm:", out)
        self.assertEqual(self.server.stats()["connections"], 1)
        pane.keys("C-d")
        self.assertEqual(pane.wait_exit(), 0)

    def test_error_then_working_command(self):
        pane = self.console(self.admin_env())
        out = self.run_line(pane, "system pong", "did you mean 'system ping'")
        self.assertIn("unknown command", out)
        self.assertTrue(pane.last_line().startswith("[2] "), pane.last_line())
        out = self.run_line(pane, "config get NoSuch.Key", "unknown config key")
        out = self.run_line(pane, "system ping", re.compile(r"^OK$", re.M))
        self.assertFalse(pane.last_line().startswith("["), pane.last_line())
        # A command pasted with its "mmadm" runs (and completes) too.
        self.run_line(pane, "mmadm system ping", re.compile(r"^OK$", re.M))
        pane.type("mmadm sys")
        pane.keys("Tab")
        pane.wait_for(lambda t: t.split("\n")[-1].endswith("> mmadm system"))
        pane.keys("C-u")
        # Unterminated quotes are a usage error, not a crash.
        self.run_line(pane, "config get 'Service", "unterminated single quote")
        # Multi-line input with a trailing backslash.
        start = len(pane.text())
        pane.line("system \\")
        pane.wait_for(lambda t: t.split("\n")[-1] == ">", after=start)
        pane.line("ping")
        pane.wait_for(re.compile(r"^OK$", re.M), after=start)
        self.wait_prompt(pane, after=start)
        pane.line("exit")
        self.assertEqual(pane.wait_exit(), 0)

    def test_ctrl_c_cancels_slow_command(self):
        self.server.add_fault(path_regex=r"^/api/v4/system/ping$", delay_ms=8000,
                              times=1)
        pane = self.console(self.admin_env())
        start = len(pane.text())
        t0 = time.monotonic()
        pane.line("system ping")
        deadline = time.monotonic() + 5
        while not self.server.find_requests("GET", "/api/v4/system/ping"):
            if time.monotonic() > deadline:
                break
            time.sleep(0.05)
        time.sleep(0.3)
        pane.keys("C-c")
        pane.wait_for("cancelled", after=start)
        self.wait_prompt(pane, after=start)
        self.assertLess(time.monotonic() - t0, 7.5,
                        "Ctrl-C did not stop the 8 s request")
        self.assertTrue(pane.last_line().startswith("[130] "), pane.last_line())
        # The console goes on; the next request is answered at once.
        self.run_line(pane, "system ping", re.compile(r"^OK$", re.M))
        # Ctrl-C at the prompt clears the line.
        start = len(pane.text())
        pane.type("system nonsense")
        pane.keys("C-c")
        self.wait_prompt(pane, after=start)
        self.run_line(pane, "system ping", re.compile(r"^OK$", re.M))
        pane.keys("C-d")
        self.assertEqual(pane.wait_exit(), 0)

    def test_history_survives_restart(self):
        pane = self.console(self.admin_env())
        self.run_line(pane, "system ping", re.compile(r"^OK$", re.M))
        self.run_line(pane, "config get ServiceSettings.SiteURL", "http")
        pane.keys("C-d")
        self.assertEqual(pane.wait_exit(), 0)
        path = self.history_file()
        self.assertTrue(os.path.exists(path))
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        pane.stop()

        pane = self.console(self.admin_env())
        pane.keys("Up")
        pane.wait_for(lambda t: t.split("\n")[-1].endswith(
            "> config get ServiceSettings.SiteURL"))
        pane.keys("Up")
        pane.wait_for(lambda t: t.split("\n")[-1].endswith("> system ping"))
        start = len(pane.text())
        pane.keys("Enter")
        pane.wait_for(re.compile(r"^OK$", re.M), after=start)
        self.wait_prompt(pane, after=start)
        # Ctrl-R searches backwards.
        start = len(pane.text())
        pane.keys("C-r")
        pane.type("SiteU")
        pane.wait_for("config get ServiceSettings.SiteURL", after=start)
        pane.keys("C-c")
        self.wait_prompt(pane)
        start = len(pane.text())
        pane.line("history")
        text = self.wait_prompt(pane, after=start)
        self.assertRegex(text[start:], r"\d+  system ping")
        pane.keys("C-d")
        pane.wait_exit()

    def test_login_password_not_shown_or_recorded(self):
        pane = self.console()
        self.assertTrue(pane.last_line().endswith("mmadm>"), pane.last_line())
        start = len(pane.text())
        pane.line("auth login %s --username %s --name standin" %
                  (self.server.url, ADMIN_USER))
        pane.wait_for("Password for", after=start)
        pane.line(ADMIN_PASSWORD)
        pane.wait_for("logged in", after=start)
        self.wait_prompt(pane, after=start)
        self.assertNotIn(ADMIN_PASSWORD, pane.text())
        # The prompt names the new profile and its server.
        self.assertTrue(pane.last_line().endswith("standin@%s>" % self.host),
                        pane.last_line())
        self.run_line(pane, "system ping", re.compile(r"^OK$", re.M))
        self.run_line(pane, "set output json", None)
        out = self.run_line(pane, "system ping", '"status"')
        self.assertIn('"OK"', out)
        out = self.run_line(pane, "use nosuch", "no profile named 'nosuch'")
        pane.keys("C-d")
        self.assertEqual(pane.wait_exit(), 0)
        with open(self.history_file(), "rb") as f:
            hist = f.read().decode("utf-8", "replace")
        self.assertNotIn(ADMIN_PASSWORD, hist)
        self.assertNotIn("auth", hist, "the login line was recorded")
        # libedit's file format escapes blanks as \040.
        self.assertIn("system\\040ping", hist)
        self.assertIn("use\\040nosuch", hist)

    def test_use_switches_profile_and_connection(self):
        for name in ("one", "two"):
            r = self.run_mmadm("auth", "add-token", self.server.url, "--name", name,
                               "--token-stdin", input=ADMIN_TOKEN + "\n")
            self.assertEqual(r.rc, 0, r.err)
        pane = self.console()
        self.assertTrue(pane.last_line().endswith("two@%s>" % self.host),
                        pane.last_line())
        self.run_line(pane, "system ping", re.compile(r"^OK$", re.M))
        self.run_line(pane, "use one", "using profile 'one'")
        self.assertTrue(pane.last_line().endswith("one@%s>" % self.host),
                        pane.last_line())
        pane.type("use t")
        pane.keys("Tab")
        pane.wait_for(lambda t: t.split("\n")[-1].endswith("> use two"))
        pane.keys("C-u")
        self.run_line(pane, "system ping", re.compile(r"^OK$", re.M))
        pane.keys("C-d")
        pane.wait_exit()


@unittest.skipUnless(have_tmux(), "tmux is not installed")
class TestLoginPrompts(MmadmTestCase):
    def test_mfa_code_asked_again_when_wrong(self):
        pw = os.path.join(self.home, "pw")
        with open(pw, "w") as f:
            f.write(MFA_PASSWORD + "\n")
        env = self.base_env()
        env["PATH"] = os.environ.get("PATH", "/usr/bin:/bin")
        wrapper = shlex.split(os.environ.get("MMADM_WRAPPER", ""))
        pane = TmuxPane(wrapper + [mmadm_bin(), "auth", "login", self.server.url,
                                   "--username", MFA_USER, "--password-file", pw,
                                   "--name", "m"],
                        env=env, cwd=self.home, timeout=90.0 if wrapper else 15.0)
        pane.start()
        self.addCleanup(pane.stop)
        pane.wait_for("MFA code:")
        pane.line("000000")
        text = pane.wait_for("wrong MFA code, try again")
        pane.wait_for("MFA code:", after=text.index("wrong MFA code"))
        pane.line(MFA_CODE)
        self.assertEqual(pane.wait_exit(), 0, pane.text())
        self.assertIn("profile 'm' saved", pane.text())
        logins = self.server.find_requests("POST", "/api/v4/users/login")
        self.assertEqual(len(logins), 3)            # none, wrong code, right code


class TestScriptMode(MmadmTestCase):
    def test_thousand_commands_one_connection(self):
        before = self.server.stats()
        self.assertEqual(before["connections"], 0)
        r = self.run_mmadm("shell", input="system ping\n" * 1000,
                           env=self.admin_env(), timeout=120)
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(r.out.split("\n").count("OK"), 1000)
        self.assertEqual(r.err, "")
        stats = self.server.stats()
        self.assertEqual(stats["requests"], 1000)
        self.assertEqual(stats["connections"], 1)

    def test_writes_are_never_sent_twice(self):
        # A POST on a reused connection that dies before any answer would
        # be re-sent by libcurl on a fresh one; the server may have run it.
        # Writes that are not safe to repeat take a new connection, so a
        # drop is an error and the request went once.
        self.server.add_fault(path_regex="^/api/v4/logs$", method="POST",
                              drop_connection=True, times=1)
        r = self.run_mmadm("shell", "--keep-going",
                           input="system ping\nlogs post --level ERROR one\n"
                                 "logs post --level ERROR two\nsystem ping\n",
                           env=self.admin_env())
        self.assertEqual(r.rc, 3, r.err)   # --keep-going: the last failure decides
        self.assertIn("line 2: logs post: ", r.err)
        self.assertEqual(r.err.count("\n"), 1, r.err)
        self.assertEqual(r.out.split("\n").count("OK"), 2)
        posts = self.server.find_requests("POST", "/api/v4/logs")
        self.assertEqual(len(posts), 2)     # one per command: none repeated
        # GETs keep sharing a connection.
        self.assertLessEqual(self.server.stats()["connections"], 3)

    def test_script_that_runs_itself(self):
        # It used to recurse until the stack overflowed (SIGSEGV).
        script = os.path.join(self.home, "rec.txt")
        other = os.path.join(self.home, "ping.txt")
        with open(script, "w") as f:
            f.write("shell --file %s\n" % script)
        with open(other, "w") as f:
            f.write("system ping\n")
        r = self.run_mmadm("shell", "--file", script, env=self.admin_env())
        self.assertEqual(r.rc, 2, r)
        self.assertEqual(r.err.count("\n"), 1, r.err)
        self.assertIn("scripts nest more than 16 deep", r.err)
        self.assertEqual(r.out, "")
        # A script that runs another one is fine.
        r = self.run_mmadm("shell", input="shell --file %s\n" % other,
                           env=self.admin_env())
        self.assertEqual((r.rc, r.out, r.err), (0, "OK\n", ""))

    def test_file_stops_at_first_failure(self):
        script = os.path.join(self.home, "batch.txt")
        with open(script, "w") as f:
            f.write("# maintenance\n\nsystem ping\n"
                    "config get No.Such\n"
                    "system ping\n")
        r = self.run_mmadm("shell", "--file", script, env=self.admin_env())
        self.assertEqual(r.rc, 2, r)
        self.assertEqual(r.out.split("\n").count("OK"), 1)
        self.assertIn("batch.txt:4: config get: unknown config key", r.err)
        self.assertNotIn("\x1b", r.out + r.err)
        r = self.run_mmadm("shell", "--file", script, "--keep-going",
                           env=self.admin_env())
        self.assertEqual(r.rc, 2, r)
        self.assertEqual(r.out.split("\n").count("OK"), 2)

    def test_stdin_script_is_not_read_by_its_commands(self):
        # "config patch -" would otherwise swallow the lines after it.
        script = ('config patch -\n{"ServiceSettings": {"SiteURL": "http://x"}}\n'
                  "system ping\n")
        r = self.run_mmadm("shell", "--keep-going", input=script,
                           env=self.admin_env())
        self.assertEqual(r.rc, 2, r)
        self.assertIn("line 1: config patch: standard input holds the shell "
                      "script (run it with --file to read '-'): give a file "
                      "instead of '-'", r.err)
        self.assertIn("line 2: ", r.err)        # the JSON line ran as a command
        self.assertEqual(r.out.split("\n").count("OK"), 1)
        self.assertEqual(self.server.find_requests("PUT", "/api/v4/config"), [])
        # From --file, '-' is the real standard input again.
        path = os.path.join(self.home, "patch.txt")
        with open(path, "w") as f:
            f.write("config patch - --yes\n")
        r = self.run_mmadm("shell", "--file", path,
                           input='{"ServiceSettings": {"SiteURL": "http://x.example"}}',
                           env=self.admin_env())
        self.assertEqual(r.rc, 0, r)

    def test_keep_going_exits_with_last_failure(self):
        r = self.run_mmadm("shell", "--keep-going",
                           input="system pong\nsystem ping\nuse nobody\n"
                                 "system ping \\\n  --full -o json\n",
                           env=self.admin_env())
        self.assertEqual(r.rc, 10, r)
        self.assertIn("line 1: system: unknown command", r.err)
        self.assertIn("line 3: use: no profile named 'nobody'", r.err)
        self.assertIn('"status"', r.out)

    def test_pasted_program_name_and_comments(self):
        r = self.run_mmadm("shell", input="mmadm system ping  # check\n"
                                          "   \n# done\n",
                           env=self.admin_env())
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(r.out, "OK\n")

    def test_global_options_hold_for_every_line(self):
        r = self.run_mmadm("--url", self.server.url, "-o", "json", "shell",
                           input="system ping\nset output plain\nsystem ping\n",
                           env={"MMADM_TOKEN": ADMIN_TOKEN})
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn('"status": "OK"', r.out)
        self.assertTrue(r.out.rstrip().endswith("\nOK"), r.out)

    def test_shell_only_commands_refused_one_shot(self):
        for args in (("shell", "use", "prod"), ("shell", "set", "output", "json"),
                     ("shell", "history"), ("shell", "exit")):
            r = self.run_mmadm(*args)
            self.assertEqual(r.rc, 2, r)
            self.assertIn("works only inside the interactive shell", r.err)
        r = self.run_mmadm("help", "shell")
        self.assertEqual(r.rc, 0, r.err)
        for word in ("run", "use", "set", "history", "exit"):
            self.assertIn(word, r.out)
        r = self.run_mmadm("shell", "--file", "/nonexistent/x")
        self.assertEqual(r.rc, 13, r)

    def test_no_arguments_without_terminal_prints_help(self):
        r = self.run_mmadm()
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn("Usage: mmadm", r.out)


if __name__ == "__main__":
    unittest.main()
