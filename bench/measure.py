#!/usr/bin/env python3
"""The measurements of bench/run, against the nginx it started.

Not meant to be run by hand (bench/run sets up nginx and passes --dir,
--port). Python standard library only; hyperfine, valgrind, curl and jq are
the external tools. Prints the table and writes OUT/results.json and
OUT/results.md. Exit status: 0 when the benchmark ran (whatever the ratios),
2 when the harness itself failed (a baseline that should work did not).
"""

import argparse
import json
import os
import platform
import re
import select
import shlex
import signal
import statistics
import subprocess
import sys
import time

TOKEN = "benchtoken0000000000000000"
FILE_ID = "benchfile00000000000000000"
CHANNEL_ID = "benchchannel00000000000000"
UA = "mmadm-bench"
NA = "n/a (command not available yet)"
# The request mmadm sends for `system ping`; curl sends the same.
PING = "/api/v4/system/ping?use_rest_semantics=true"


class HarnessError(Exception):
    pass


def log(msg):
    sys.stderr.write("bench: %s\n" % msg)
    sys.stderr.flush()


# --- the rows of the table ---------------------------------------------------

class Table:
    def __init__(self):
        self.rows = []

    def add(self, section, metric, mm, base, ratio, target, met, note=""):
        self.rows.append({"section": section, "metric": metric, "mmadm": mm,
                          "baseline": base, "ratio": ratio,
                          "target": target, "met": met, "note": note})

    def render(self, markdown=False):
        hdr = ["metric", "mmadm", "baseline", "ratio", "target", "met"]
        out = []
        if markdown:
            out.append("| " + " | ".join(hdr) + " |")
            out.append("|" + "|".join(["---"] * len(hdr)) + "|")
            sec = None
            for r in self.rows:
                if r["section"] != sec:
                    sec = r["section"]
                    out.append("| **%s** | | | | | |" % sec)
                cells = [r["metric"], r["mmadm"], r["baseline"], r["ratio"],
                         r["target"], r["met"]]
                out.append("| " + " | ".join(c.replace("|", "\\|")
                                             for c in cells) + " |")
            notes = [r for r in self.rows if r["note"]]
            if notes:
                out.append("")
                for r in notes:
                    out.append("- %s: %s" % (r["metric"], r["note"]))
            return "\n".join(out) + "\n"
        widths = [len(h) for h in hdr]
        keys = ["metric", "mmadm", "baseline", "ratio", "target", "met"]
        for r in self.rows:
            for i, k in enumerate(keys):
                widths[i] = max(widths[i], len(r[k]))
        widths[0] = min(widths[0], 58)

        def line(cells):
            return "  ".join(c.ljust(widths[i]) if i < len(cells) - 1 else c
                             for i, c in enumerate(cells))
        out.append(line(hdr))
        out.append(line(["-" * w for w in widths]))
        sec = None
        for r in self.rows:
            if r["section"] != sec:
                sec = r["section"]
                out.append("[%s]" % sec)
            out.append(line([r[k] for k in keys]))
        notes = [r for r in self.rows if r["note"]]
        if notes:
            out.append("")
            out.append("notes:")
            for r in notes:
                out.append("  %s: %s" % (r["metric"], r["note"]))
        return "\n".join(out) + "\n"


def fms(s):
    return "%.2f ms" % (s * 1000) if s < 10 else "%.2f s" % s


def fsec(s):
    return "%.3f s" % s if s >= 1 else "%.1f ms" % (s * 1000)


def fkb(kb):
    return "%.1f MB" % (kb / 1024.0)


def fratio(x):
    return "%.2fx" % x


def met(ok):
    return "met" if ok else "NOT met"


# --- running things ----------------------------------------------------------

class Bench:
    def __init__(self, a):
        self.a = a
        self.bin = a.bin
        self.dir = a.dir
        self.out = a.out
        self.port = a.port
        self.sock = os.path.join(a.dir, "mm.sock")
        self.www = os.path.join(a.dir, "www")
        self.url = "http://127.0.0.1:%d" % a.port
        self.tls_url = "https://127.0.0.1:%d" % a.tls_port
        self.cacert = os.path.join(a.dir, "tls", "cert.pem")
        self.quick = a.quick
        self.t = Table()
        self.hf_dir = os.path.join(a.out, "hyperfine")
        os.makedirs(self.hf_dir, exist_ok=True)
        self.hf_log = open(os.path.join(a.out, "hyperfine.log"), "w")
        self.env = self.make_env()
        self.curl_h = ["-H", "Authorization: Bearer " + TOKEN,
                       "-H", "X-Requested-With: XMLHttpRequest",
                       "-H", "Accept: application/json",
                       "-A", UA]
        self.curl_h_local = self.curl_h[2:]  # no token over the socket
        self.avail = {}
        self.results = {}
        self.err_notes = []
        self.last_dur = 0.0  # slowest preflight since fit() was last called
        self.durs = {}

    def make_env(self):
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("MMADM_") and k not in
               ("NO_COLOR", "http_proxy", "https_proxy", "HTTP_PROXY",
                "HTTPS_PROXY", "ALL_PROXY", "all_proxy", "CURL_HOME")}
        home = os.path.join(self.dir, "home")
        xdg = os.path.join(self.dir, "xdg")
        os.makedirs(os.path.join(xdg, "mmadm"), exist_ok=True)
        os.makedirs(home, exist_ok=True)
        prof = os.path.join(xdg, "mmadm", "config.yaml")
        # A realistic profiles file: three servers, the bench one active.
        with open(prof, "w") as f:
            f.write("active: bench\nprofiles:\n"
                    "  bench:\n    url: %s\n    username: sysadmin\n"
                    "    auth: token\n    token: %s\n"
                    "  prod:\n    url: https://chat.example.com\n"
                    "    username: admin\n    auth: password\n"
                    "    token: abcdefghijklmnopqrstuvwxyz\n"
                    "  box: {local: true, socket: %s}\n"
                    % (self.url, TOKEN, self.sock))
        os.chmod(prof, 0o600)
        env.update({"HOME": home, "XDG_CONFIG_HOME": xdg,
                    "MMADM_TOKEN": TOKEN, "NO_COLOR": "1",
                    "LANG": env.get("LANG", "C.UTF-8")})
        return env

    # mmadm command lines
    def mm(self, *args, url=None):
        return [self.bin, "--url", url or self.url] + list(args)

    def mm_tls(self, *args):
        return [self.bin, "--url", self.tls_url, "--cacert", self.cacert] + \
            list(args)

    def curl_tls(self, path):
        return ["curl", "-s", "--cacert", self.cacert] + self.curl_h + \
            [self.tls_url + path]

    def mm_local(self, *args):
        return [self.bin, "--local", "--socket", self.sock] + list(args)

    def curl(self, path, base=None, extra=()):
        return ["curl", "-s"] + self.curl_h + list(extra) + \
            [(base or self.url) + path]

    def curl_local(self, path, extra=()):
        return ["curl", "-s", "--unix-socket", self.sock] + \
            self.curl_h_local + list(extra) + ["http://localhost" + path]

    def run(self, argv, timeout=120, stdout=subprocess.DEVNULL, env=None,
            stdin=subprocess.DEVNULL):
        try:
            p = subprocess.run(argv, stdout=stdout, stderr=subprocess.PIPE,
                               stdin=stdin, env=env or self.env,
                               timeout=timeout)
        except subprocess.TimeoutExpired:
            return 124, b"", b"timed out after %d s" % timeout
        return p.returncode, p.stdout, p.stderr

    def available(self, family, cmd=None, needle=None):
        """Whether `mmadm help FAMILY [CMD]` exists (and mentions needle)."""
        key = (family, cmd, needle)
        if key not in self.avail:
            argv = [self.bin, "help", family] + ([cmd] if cmd else [])
            rc, out, _ = self.run(argv, timeout=20, stdout=subprocess.PIPE)
            ok = rc == 0 and (needle is None or
                              needle.encode() in (out or b""))
            self.avail[key] = ok
        return self.avail[key]

    def preflight(self, argv, what, baseline=False, timeout=120, env=None):
        """Run once; None if fine, else a short reason. A failing baseline
        is a harness failure."""
        t0 = time.time()
        rc, _, err = self.run(argv, timeout=timeout, env=env)
        self.durs[what] = time.time() - t0
        self.last_dur = max(self.last_dur, self.durs[what])
        if rc == 0:
            return None
        first = (err or b"").decode("utf-8", "replace").strip()
        first = first.splitlines()[0][:120] if first else ""
        reason = "error: exit %d%s" % (rc, (": " + first) if first else "")
        if not baseline:
            self.err_notes.append("%s: %s" % (what, reason))
            reason = ("timed out (> %d s)" % timeout if rc == 124 else
                      "error (exit %d, see notes)" % rc)
        if baseline:
            raise HarnessError("baseline %s failed: %s (%s)" % (
                what, reason, " ".join(argv)))
        log("%s: %s" % (what, reason))
        return reason

    def fit(self, runs, warmup, budget=90):
        """Fewer runs when the slowest command just preflighted would make
        the group take more than budget seconds (bounds the whole run)."""
        d, self.last_dur = self.last_dur, 0.0
        if d * (runs + warmup) <= budget:
            return runs, warmup
        return max(1, int(budget / max(d, 0.001))), 0

    def hyperfine(self, name, cmds, runs=None, warmup=5, min_runs=None,
                  timeout=600, rounds=1):
        """cmds: [(label, argv)]. Returns {label: {mean, stddev, median,
        min, runs}}. rounds > 1 alternates the order to cancel drift and
        averages the means."""
        acc = {}
        for rnd in range(rounds):
            order = cmds if rnd % 2 == 0 else list(reversed(cmds))
            path = os.path.join(self.hf_dir, "%s-%d.json" % (name, rnd))
            argv = ["hyperfine", "-N", "--style", "basic",
                    "--warmup", str(warmup), "--export-json", path]
            if runs is not None:
                argv += ["--runs", str(runs)]
            if min_runs is not None:
                argv += ["--min-runs", str(min_runs)]
            for label, cmd in order:
                argv += ["--command-name", label,
                         " ".join(shlex.quote(c) for c in cmd)]
            self.hf_log.write("$ %s\n" % " ".join(shlex.quote(c)
                                                  for c in argv))
            self.hf_log.flush()
            try:
                p = subprocess.run(argv, stdout=self.hf_log,
                                   stderr=subprocess.STDOUT, env=self.env,
                                   timeout=timeout)
            except subprocess.TimeoutExpired:
                raise HarnessError("hyperfine %s timed out" % name)
            if p.returncode != 0:
                raise HarnessError("hyperfine %s failed (see %s)" % (
                    name, self.hf_log.name))
            with open(path) as f:
                data = json.load(f)
            for r in data["results"]:
                acc.setdefault(r["command"], []).append(r)
        res = {}
        for label, rs in acc.items():
            times = [t for r in rs for t in r["times"]]
            res[label] = {
                # The statistic the table uses: the median of every run of
                # every round (robust to the outliers a busy machine adds).
                "t": statistics.median(times),
                "mean": statistics.mean(times),
                "stddev": statistics.pstdev(times),
                "median": statistics.median(times),
                "min": min(times), "runs": len(times),
                "round_medians": [r["median"] for r in rs],
                # CPU time is less disturbed by a busy machine than wall
                # time is: a second view of the same ratio.
                "cpu": statistics.mean(r["user"] + r["system"] for r in rs)}
        self.results["hyperfine." + name] = res
        return res

    def rss(self, argv, n=5, timeout=300):
        """Peak RSS (KB) of argv: median over n runs of /usr/bin/time -f %M.
        (Not wait4 from here: a child forked from this Python process
        inherits its high-water mark, about 15 MB, across exec.)"""
        vals = []
        rec = os.path.join(self.dir, "rss.txt")
        for _ in range(n):
            rc, _, _ = self.run(["/usr/bin/time", "-f", "%M", "-o", rec] +
                                argv, timeout=timeout)
            if rc != 0:
                return None
            with open(rec) as f:
                lines = [x for x in f.read().split() if x.isdigit()]
            if not lines:
                raise HarnessError("/usr/bin/time gave no %M")
            vals.append(int(lines[-1]))
        return statistics.median(vals)

    def callgrind(self, name, argv):
        """Total instructions (Ir) of argv under callgrind; the output file
        stays in OUT/callgrind for callgrind_annotate."""
        d = os.path.join(self.out, "callgrind")
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, "%s.out" % name)
        rc, _, err = self.run(["valgrind", "--tool=callgrind",
                               "--callgrind-out-file=" + path] + argv,
                              timeout=300)
        if rc != 0 or not os.path.exists(path):
            return None, path
        total = None
        with open(path) as f:
            for line in f:
                if line.startswith("summary:") or line.startswith("totals:"):
                    total = int(line.split()[1])
        return total, path

    def inclusive(self, path, patterns):
        """Inclusive Ir of the first function matching each regex."""
        rc, out, _ = self.run(["callgrind_annotate", "--inclusive=yes",
                               "--threshold=100", path], timeout=120,
                              stdout=subprocess.PIPE)
        res = {p: 0 for p in patterns}
        if rc != 0:
            return res
        for line in out.decode("utf-8", "replace").splitlines():
            m = re.match(r"\s*([\d,]+)\s+\([^)]*\)\s+(?:\*\s+)?(\S+)",
                         line)
            if not m:
                continue
            ir = int(m.group(1).replace(",", ""))
            fn = m.group(2).rsplit(":", 1)[-1]  # "file:function"
            for p in patterns:
                if res[p] == 0 and re.search(p, fn):
                    res[p] = ir
        return res

    # --- sections ------------------------------------------------------------

    def startup(self):
        sec = "one-shot wall time (hyperfine, median of all runs)"
        # Alternating rounds: A B C, C B A, ... so that a neighbour's load
        # hits both sides of a ratio alike.
        runs = 15 if self.quick else 30
        rounds = 2 if self.quick else 6
        log("start-up: --version")
        self.preflight([self.bin, "--version"], "mmadm --version")
        self.preflight(["curl", "--version"], "curl --version", True)
        r = self.hyperfine("version", [
            ("mmadm --version", [self.bin, "--version"]),
            ("curl --version", ["curl", "--version"]),
            ("true", ["true"])], warmup=3, runs=runs, rounds=rounds)
        true_mean = r["true"]["t"]
        self.true_mean = true_mean
        self.row_time(sec, "mmadm --version vs curl --version",
                      r["mmadm --version"], r["curl --version"], 1.1)
        self.t.add(sec, "process overhead: true", fms(true_mean), "", "",
                   "", "")

        log("start-up: system ping over TCP and the unix socket")
        base_tcp = self.curl(PING)
        base_unix = self.curl_local(PING)
        self.preflight(base_tcp, "curl ping (TCP)", True)
        self.preflight(base_unix, "curl ping (unix socket)", True)
        cmds = [("curl -s ping (TCP)", base_tcp)]
        fail = {}
        for label, argv in [
                ("mmadm system ping (TCP, --url)", self.mm("system", "ping")),
                ("mmadm system ping (TCP, profile)",
                 [self.bin, "--profile", "bench", "system", "ping"])]:
            e = self.preflight(argv, label)
            if e:
                fail[label] = e
            else:
                cmds.append((label, argv))
        r = self.hyperfine("ping-tcp", cmds, warmup=3, runs=runs,
                           rounds=rounds)
        self.ping_tcp = r
        for label, tgt in [("mmadm system ping (TCP, --url)", 1.1),
                           ("mmadm system ping (TCP, profile)", 1.1)]:
            if label in fail:
                self.t.add(sec, label + " vs curl -s", fail[label],
                           fms(r["curl -s ping (TCP)"]["t"]), "",
                           "<= %.1fx" % tgt, "NOT met")
            else:
                self.row_time(sec, label + " vs curl -s", r[label],
                              r["curl -s ping (TCP)"], tgt)
        cmds = [("curl -s --unix-socket ping", base_unix)]
        lab = "mmadm --local system ping"
        e = self.preflight(self.mm_local("system", "ping"), lab)
        if not e:
            cmds.append((lab, self.mm_local("system", "ping")))
        r = self.hyperfine("ping-unix", cmds, warmup=3, runs=runs,
                           rounds=rounds)
        if e:
            self.t.add(sec, lab + " vs curl --unix-socket", e,
                       fms(r["curl -s --unix-socket ping"]["t"]), "",
                       "<= 1.1x", "NOT met")
        else:
            self.row_time(sec, lab + " vs curl --unix-socket", r[lab],
                          r["curl -s --unix-socket ping"], 1.1)

        cmds = [("curl -s ping (TLS)", self.curl_tls(PING))]
        self.preflight(self.curl_tls(PING), "curl ping (TLS)", True)
        lab = "mmadm system ping (TLS, --cacert)"
        e = self.preflight(self.mm_tls("system", "ping"), lab)
        if not e:
            cmds.append((lab, self.mm_tls("system", "ping")))
        r = self.hyperfine("ping-tls", cmds, warmup=3, runs=runs,
                           rounds=rounds)
        if e:
            self.t.add(sec, lab + " vs curl -s", e,
                       fms(r["curl -s ping (TLS)"]["t"]), "", "<= 1.1x",
                       "NOT met")
        else:
            self.row_time(sec, lab + " vs curl -s", r[lab],
                          r["curl -s ping (TLS)"], 1.1)

        # Same request, minus the process overhead both pay.
        t = self.ping_tcp
        if "mmadm system ping (TCP, --url)" in t:
            m = t["mmadm system ping (TCP, --url)"]["t"] - true_mean
            c = t["curl -s ping (TCP)"]["t"] - true_mean
            self.t.add(sec, "ping (TCP) net of `true`", fms(m), fms(c),
                       fratio(m / c), "info", "")

        log("one-shot: config get (200 KB)")
        base = self.curl("/api/v4/config")
        self.preflight(base, "curl config", True)
        argv = self.mm("config", "get", "-o", "json")
        e = self.preflight(argv, "mmadm config get")
        cmds = [("curl -s config", base)]
        if not e:
            cmds.append(("mmadm config get -o json", argv))
        r = self.hyperfine("config", cmds, warmup=3,
                           min_runs=10 if self.quick else 30)
        if e:
            self.t.add(sec, "config get -o json (200 KB) vs curl -s", e,
                       fms(r["curl -s config"]["t"]), "", "info", "")
        else:
            self.row_time(sec, "config get -o json (200 KB) vs curl -s",
                          r["mmadm config get -o json"], r["curl -s config"],
                          None)

        lab = "logs get (10,000 lines, %.1f MB) vs curl -s" % (
            self.sizes["logs"] / 1e6)
        if not self.available("logs", "get"):
            self.t.add(sec, lab, NA, "", "", "info", "")
        else:
            base = self.curl("/api/v4/logs?page=0&logs_per_page=10000")
            argv = self.mm("logs", "get", "-o", "json")
            e = self.preflight(argv, "mmadm logs get", timeout=60)
            cmds = [("curl -s logs", base)]
            if not e:
                cmds.append(("mmadm logs get -o json", argv))
            nr, nw = self.fit(3 if self.quick else 10, 1)
            r = self.hyperfine("logs", cmds, warmup=nw, runs=nr)
            if e:
                self.t.add(sec, lab, e, fms(r["curl -s logs"]["t"]), "",
                           "info", "")
            else:
                self.row_time(sec, lab, r["mmadm logs get -o json"],
                              r["curl -s logs"], None)

    def row_time(self, sec, metric, m, b, target):
        # The ratio is the median of the per-round ratios: each round
        # measures both commands within seconds of each other, so load from
        # elsewhere on the machine largely cancels out.
        rm, rb = m.get("round_medians", []), b.get("round_medians", [])
        note = ""
        if len(rm) > 1 and len(rm) == len(rb):
            per = sorted(x / y for x, y in zip(rm, rb))
            ratio = statistics.median(per)
            note = "per-round ratios %.2f-%.2f over %d rounds" % (
                per[0], per[-1], len(per))
        else:
            ratio = m["t"] / b["t"]
        if m.get("cpu") and b.get("cpu"):
            note += "%sCPU user+sys %s vs %s (%.2fx)" % (
                "; " if note else "", fms(m["cpu"]), fms(b["cpu"]),
                m["cpu"] / b["cpu"])
        if target is None:
            tgt, ok = "info", ""
        else:
            tgt, ok = "<= %.1fx" % target, met(ratio <= target)
        self.t.add(sec, metric,
                   "%s ±%.2f" % (fms(m["t"]), m["stddev"] * 1000),
                   "%s ±%.2f" % (fms(b["t"]), b["stddev"] * 1000),
                   fratio(ratio), tgt, ok, note)

    def memory(self):
        sec = "peak RSS of one-shot commands (/usr/bin/time %M, median of 5)"
        log("peak RSS")
        pairs = [
            ("system ping (TCP)", self.mm("system", "ping"),
             self.curl(PING)),
            ("--local system ping", self.mm_local("system", "ping"),
             self.curl_local(PING)),
            ("system ping (TLS)", self.mm_tls("system", "ping"),
             self.curl_tls(PING)),
            ("--version", [self.bin, "--version"], ["curl", "--version"]),
            ("config get -o json (200 KB)", self.mm("config", "get", "-o",
                                                    "json"),
             self.curl("/api/v4/config")),
        ]
        for label, mm, base in pairs:
            b = self.rss(base)
            if b is None:
                raise HarnessError("curl for %s failed" % label)
            m = self.rss(mm)
            if m is None:
                self.t.add(sec, label, "error", fkb(b), "", "<= 1.2x",
                           "NOT met")
                continue
            self.t.add(sec, label, fkb(m), fkb(b), fratio(m / b), "<= 1.2x",
                       met(m / b <= 1.2))

    def script_mode(self):
        sec = "script mode: 1000 pings"
        log("script mode")
        n = 1000
        urls = os.path.join(self.dir, "curl-1000-pings.cfg")
        with open(urls, "w") as f:
            for h in ["Authorization: Bearer " + TOKEN,
                      "X-Requested-With: XMLHttpRequest",
                      "Accept: application/json"]:
                f.write('header = "%s"\n' % h)
            f.write('user-agent = "%s"\nsilent\n' % UA)
            for _ in range(n):
                f.write('url = "%s%s"\n' % (self.url, PING))
        curl_argv = ["curl", "-K", urls]
        self.preflight(curl_argv, "curl 1000 URLs", True)
        script = os.path.join(self.dir, "pings.mmadm")
        with open(script, "w") as f:
            f.write("system ping\n" * n)
        one = self.ping_tcp.get("mmadm system ping (TCP, --url)")
        if not (self.available("shell", None, "--file") or
                self.available("shell", "run", "--file")):
            r = self.hyperfine("script-curl", [("curl -K 1000 URLs",
                                                curl_argv)],
                               warmup=1, runs=3 if self.quick else 5)
            c = r["curl -K 1000 URLs"]["t"]
            self.t.add(sec, "shell --file (1000 pings) vs 1000 one-shots",
                       NA, fsec(one["t"] * n) if one else "", "",
                       ">= 10x faster", "")
            self.t.add(sec, "shell --file (1000 pings) vs one curl, 1000 URLs",
                       NA, fsec(c), "", "<= 1.5x", "")
            return
        argv = self.mm("shell", "--file", script)
        mark = self.log_mark()
        e = self.preflight(argv, "mmadm shell --file", timeout=120)
        conns, reqs = self.connections_since(mark, "/api/v4/system/ping")
        cmds = [("curl -K 1000 URLs", curl_argv)]
        if not e:
            cmds.append(("mmadm shell --file", argv))
        nr, nw = self.fit(3 if self.quick else 5, 1)
        r = self.hyperfine("script", cmds, warmup=nw, runs=nr, timeout=900)
        c = r["curl -K 1000 URLs"]["t"]
        if e:
            self.t.add(sec, "shell --file (1000 pings) vs 1000 one-shots",
                       e, "", "", ">= 10x faster", "NOT met")
            self.t.add(sec, "shell --file (1000 pings) vs one curl, 1000 URLs",
                       e, fsec(c), "", "<= 1.5x", "NOT met")
            return
        s = r["mmadm shell --file"]["t"]
        if one:
            speed = one["t"] * n / s
            self.t.add(sec, "shell --file (1000 pings) vs 1000 one-shots",
                       fsec(s), fsec(one["t"] * n), "%.1fx faster" % speed,
                       ">= 10x faster", met(speed >= 10),
                       "baseline = 1000 x the one-shot median measured above")
        self.t.add(sec, "shell --file (1000 pings) vs one curl, 1000 URLs",
                   fsec(s), fsec(c), fratio(s / c), "<= 1.5x",
                   met(s / c <= 1.5),
                   "nginx saw %s requests on %s connection(s)" % (
                       reqs if reqs is not None else "?",
                       conns if conns is not None else "?"))

    def log_mark(self):
        path = os.path.join(self.dir, "logs", "access.log")
        time.sleep(1.2)  # let nginx flush its buffered access log
        try:
            return os.path.getsize(path)
        except OSError:
            return 0

    def connections_since(self, mark, uri_prefix):
        path = os.path.join(self.dir, "logs", "access.log")
        time.sleep(1.2)
        conns = set()
        reqs = 0
        try:
            with open(path, "rb") as f:
                f.seek(mark)
                for line in f:
                    parts = line.decode("utf-8", "replace").split()
                    if len(parts) >= 7 and parts[6].strip('"').startswith(
                            uri_prefix):
                        conns.add(parts[2])
                        reqs += 1
        except OSError:
            return None, None
        return len(conns), reqs

    def paging(self):
        sec = "--all over 100,000 remote clusters (500 pages of 200)"
        log("--all paging")
        pages = self.sizes["rc_pages"]
        cfg = os.path.join(self.dir, "curl-rc-pages.cfg")
        with open(cfg, "w") as f:
            for h in ["Authorization: Bearer " + TOKEN,
                      "X-Requested-With: XMLHttpRequest",
                      "Accept: application/json"]:
                f.write('header = "%s"\n' % h)
            f.write('user-agent = "%s"\nsilent\n' % UA)
            for p in range(pages + 1):
                f.write('url = "%s/api/v4/remotecluster?page=%d&per_page=200"'
                        '\n' % (self.url, p))
        curl_argv = ["curl", "-K", cfg]
        self.preflight(curl_argv, "curl all pages", True)
        if not self.available("remotecluster", "list", "--all"):
            r = self.hyperfine("paging-curl", [("curl -K 501 pages",
                                                curl_argv)],
                               warmup=1, runs=3)
            b = self.rss(curl_argv, n=3)
            for fmt in ("plain", "json"):
                self.t.add(sec, "list --all -o %s: peak RSS" % fmt, NA,
                           fkb(b), "", "< 16 MB", "")
            self.t.add(sec, "list --all -o plain: wall time", NA,
                       fsec(r["curl -K 501 pages"]["t"]), "", "info", "")
            self.t.add(sec, "first row out before page 2 is fetched", NA, "",
                       "", "yes", "")
            return
        cmd = self.mm("remotecluster", "list", "--all", "--per-page", "200",
                      "-o", "plain")
        e = self.preflight(cmd, "mmadm remotecluster list --all",
                           timeout=120)
        cmds = [("curl -K 501 pages", curl_argv)]
        if not e:
            cmds.append(("mmadm remotecluster list --all -o plain", cmd))
        nr, nw = self.fit(3, 1)
        r = self.hyperfine("paging", cmds, warmup=nw, runs=nr, timeout=900)
        b = self.rss(curl_argv, n=3)
        if e:
            for fmt in ("plain", "json"):
                self.t.add(sec, "list --all -o %s: peak RSS" % fmt, e,
                           fkb(b), "", "< 16 MB", "NOT met")
        else:
            for fmt in ("plain", "json"):
                argv = self.mm("remotecluster", "list", "--all",
                               "--per-page", "200", "-o", fmt)
                slow = self.durs.get("mmadm remotecluster list --all", 0)
                m = self.rss(argv, n=3 if slow < 10 else 1, timeout=150)
                if m is None:
                    self.t.add(sec, "list --all -o %s: peak RSS" % fmt,
                               "error", fkb(b), "", "< 16 MB", "NOT met")
                else:
                    self.t.add(sec, "list --all -o %s: peak RSS" % fmt,
                               fkb(m), fkb(b), fratio(m / b), "< 16 MB",
                               met(m < 16 * 1024),
                               "" if fmt == "json" else
                               "baseline: one curl fetching the same pages")
            m = r["mmadm remotecluster list --all -o plain"]
            c = r["curl -K 501 pages"]
            self.t.add(sec, "list --all -o plain: wall time", fsec(m["t"]),
                       fsec(c["t"]), fratio(m["t"] / c["t"]), "info",
                       "")
        # First row before the second page: /stall/ trickles page 1+.
        argv = self.mm("remotecluster", "list", "--all", "--per-page", "200",
                       "-o", "plain", url=self.url + "/stall")
        first, why = self.time_to_first_line(argv, 15)
        c0 = self.curl_time("/api/v4/remotecluster?page=0&per_page=200")
        if first is None:
            self.t.add(sec, "first row out before page 2 is fetched",
                       "no (%s)" % why, "curl page 0: " + fsec(c0), "", "yes",
                       "NOT met")
        else:
            self.t.add(sec, "first row out before page 2 is fetched",
                       "yes, after %s" % fsec(first),
                       "curl page 0: " + fsec(c0), "", "yes", "met",
                       "page 2 trickles at 256 B/s, so only a streaming "
                       "client prints a row")

    def time_to_first_line(self, argv, limit):
        t0 = time.time()
        p = subprocess.Popen(argv, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL,
                             stdin=subprocess.DEVNULL, env=self.env)
        got = None
        why = "no output in %d s" % limit
        buf = b""
        try:
            while time.time() - t0 < limit:
                r, _, _ = select.select([p.stdout], [], [], 0.2)
                if r:
                    chunk = os.read(p.stdout.fileno(), 65536)
                    if not chunk:
                        why = "exited (%s) without a row" % p.poll()
                        break
                    buf += chunk
                    if b"\n" in buf:
                        got = time.time() - t0
                        break
                elif p.poll() is not None:
                    why = "exited (%s) without a row" % p.returncode
                    break
        finally:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
            p.stdout.close()
        return got, why

    def curl_time(self, path):
        vals = []
        for _ in range(5):
            rc, out, _ = self.run(self.curl(path, extra=["-o", os.devnull,
                                                         "-w",
                                                         "%{time_total}"]),
                                  stdout=subprocess.PIPE)
            if rc != 0:
                raise HarnessError("curl %s failed" % path)
            vals.append(float(out))
        return statistics.median(vals)

    def rendering(self):
        sec = "rendering 50 MB (fetch + parse + print vs jq -c . on the file)"
        log("rendering 50 MB")
        runs = 3 if self.quick else 5
        big = self.url + "/big"
        for what, fam, cmd, path, size in [
                ("config", "config", "get", "/api/v4/config",
                 self.sizes["big_config"]),
                ("logs", "logs", "get", "/api/v4/logs",
                 self.sizes["big_logs"])]:
            f = os.path.join(self.www, "big", what + ".json")
            jq = ["jq", "-c", ".", f]
            self.preflight(jq, "jq -c . " + what, True, timeout=300)
            curl = self.curl(path, base=big)
            cmds = [("jq -c . (%s)" % what, jq),
                    ("curl -s (%s)" % what, curl)]
            fmts = {}
            if self.available(fam, cmd):
                for fmt in ("json", "table"):
                    argv = [self.bin, "--url", big, fam, cmd, "-o", fmt]
                    e = self.preflight(argv, "mmadm %s %s -o %s" % (
                        fam, cmd, fmt), timeout=60)
                    fmts[fmt] = e
                    if not e:
                        cmds.append(("mmadm %s %s -o %s" % (fam, cmd, fmt),
                                     argv))
            nr, nw = self.fit(runs, 1, budget=120)
            r = self.hyperfine("render-" + what, cmds, warmup=nw, runs=nr,
                               timeout=900)
            j = r["jq -c . (%s)" % what]
            for fmt in ("json", "table"):
                metric = "%s %s -o %s (%.0f MB) vs jq -c ." % (
                    fam, cmd, fmt, size / 1e6)
                if not fmts:
                    self.t.add(sec, metric, NA, fsec(j["t"]), "",
                               "<= 1.0x", "")
                elif fmts.get(fmt):
                    self.t.add(sec, metric, fmts[fmt], fsec(j["t"]), "",
                               "<= 1.0x", "NOT met")
                else:
                    m = r["mmadm %s %s -o %s" % (fam, cmd, fmt)]
                    self.t.add(sec, metric, fsec(m["t"]), fsec(j["t"]),
                               fratio(m["t"] / j["t"]), "<= 1.0x",
                               met(m["t"] <= j["t"]),
                               "" if fmt == "table" else
                               "transfer alone (curl -s): %s" % fsec(
                                   r["curl -s (%s)" % what]["t"]))
            jr = self.rss(jq, n=1) if fmts else None
            for fmt in ("json", "table"):
                if not fmts or fmts.get(fmt):
                    continue
                mr = self.rss([self.bin, "--url", big, fam, cmd, "-o",
                               fmt], n=1)
                self.t.add(sec, "peak RSS: %s %s -o %s vs jq -c ." % (
                    fam, cmd, fmt), fkb(mr) if mr else "error",
                    fkb(jr) if jr else "?",
                    fratio(mr / jr) if mr and jr else "", "info", "")

    def transfers(self):
        sec = "1 GiB transfers (--big)"
        if not self.a.big:
            return
        big = os.path.join(self.www, "files", "big.bin")
        if not os.path.exists(big):
            self.t.add(sec, "download/upload 1 GiB", "skipped", "", "", "",
                       "", self.a.big_skip or "no 1 GiB file")
            return
        size = os.path.getsize(big)
        log("1 GiB download")
        dl_path = "/api/v4/files/" + FILE_ID
        curl = self.curl(dl_path, extra=["-o", os.devnull])
        self.preflight(curl, "curl download", True, timeout=300)
        cmds = [("curl download", curl)]
        e = None
        if self.available("file", "get"):
            argv = self.mm("file", "get", FILE_ID)
            e = self.preflight(argv, "mmadm file get", timeout=120)
            if not e:
                cmds.append(("mmadm file get", argv))
        nr, nw = self.fit(3, 1)
        r = self.hyperfine("download", cmds, warmup=nw, runs=nr, timeout=900)
        cb = self.rss(curl, n=1)
        self.transfer_rows(sec, "download", r, "curl download",
                           "mmadm file get", size, e, cb,
                           self.mm("file", "get", FILE_ID))
        log("1 GiB upload")
        curl = self.curl("/api/v4/files", extra=[
            "-F", "channel_id=" + CHANNEL_ID, "-F", "files=@" + big,
            "-o", os.devnull])
        self.preflight(curl, "curl upload", True, timeout=300)
        cmds = [("curl upload", curl)]
        e = None
        up = self.mm("file", "upload", CHANNEL_ID, big)
        if self.available("file", "upload"):
            e = self.preflight(up, "mmadm file upload", timeout=120)
            if not e:
                cmds.append(("mmadm file upload", up))
        nr, nw = self.fit(3, 0)
        r = self.hyperfine("upload", cmds, warmup=nw, runs=nr, timeout=900)
        cb = self.rss(curl, n=1)
        self.transfer_rows(sec, "upload", r, "curl upload",
                           "mmadm file upload", size, e, cb, up)

    def transfer_rows(self, sec, what, r, clab, mlab, size, err, curl_rss,
                      argv):
        c = r[clab]["t"]
        ctp = size / c / 1e6
        fam_cmd = mlab.split(" ", 1)[1]
        if mlab not in r:
            val = err or NA
            ok = "NOT met" if err else ""
            self.t.add(sec, "%s 1 GiB: throughput" % what, val,
                       "%.0f MB/s" % ctp, "", ">= 0.90x", ok)
            self.t.add(sec, "%s 1 GiB: peak RSS" % what, val, fkb(curl_rss),
                       "", "< 16 MB", ok)
            return
        m = r[mlab]["t"]
        mtp = size / m / 1e6
        self.t.add(sec, "%s 1 GiB (%s): throughput" % (what, fam_cmd),
                   "%.0f MB/s" % mtp, "%.0f MB/s" % ctp, fratio(mtp / ctp),
                   ">= 0.90x", met(mtp / ctp >= 0.9))
        mr = self.rss(argv, n=1)
        self.t.add(sec, "%s 1 GiB (%s): peak RSS" % (what, fam_cmd),
                   fkb(mr) if mr else "error", fkb(curl_rss),
                   fratio(mr / curl_rss) if mr else "", "< 16 MB",
                   met(bool(mr) and mr < 16 * 1024))

    def instructions(self):
        sec = "start-up instructions (callgrind Ir)"
        log("callgrind")
        pairs = [
            ("--version", [self.bin, "--version"], ["curl", "--version"]),
            ("system ping (TCP)", self.mm("system", "ping"),
             self.curl(PING)),
            ("--local system ping", self.mm_local("system", "ping"),
             self.curl_local(PING)),
            ("system ping (TLS)", self.mm_tls("system", "ping"),
             self.curl_tls(PING)),
        ]
        files, curl_files = {}, {}
        for label, mm, base in pairs:
            key = re.sub(r"[^a-z]+", "-", label.strip("-")).strip("-")
            m, mp = self.callgrind("mmadm-" + key, mm)
            b, bp = self.callgrind("curl-" + key, base)
            files[label], curl_files[label] = mp, bp
            if b is None:
                raise HarnessError("curl under callgrind failed (%s)" % label)
            if m is None:
                self.t.add(sec, label, "error", "%.2f M" % (b / 1e6), "",
                           "tracked", "")
                continue
            self.t.add(sec, label, "%.2f M" % (m / 1e6), "%.2f M" % (b / 1e6),
                       fratio(m / b), "tracked", "")
            self.results["callgrind." + key] = {"mmadm": m, "curl": b}
        # The "no lazy work a command does not need".
        v = self.inclusive(files["--version"],
                           [r"mm_profiles_load", r"^yaml_parser_parse",
                            r"curl_global_init"])
        yaml = max(v[r"mm_profiles_load"], v[r"^yaml_parser_parse"])
        self.t.add(sec, "--version parses no profiles file",
                   "%s Ir in profile/YAML parsing" % format(yaml, ","), "",
                   "", "0", met(yaml == 0))
        # "No TLS init for --local": what a run that makes no TLS
        # connection can skip is openssl.cnf, the error strings and the
        # exit-time cleanup (mm_http_promise_no_tls). The rest of
        # OPENSSL_init_ssl (CPU features, algorithm tables) runs inside
        # curl_global_init whatever the flags, as long as libcurl does the
        # transfer: reported, not a target.
        skip = [r"^CONF_modules_load_file_ex", r"^ERR_load_strings_const",
                r"^OPENSSL_cleanup"]
        init = [r"^OPENSSL_init_ssl", r"^OPENSSL_init_crypto",
                r"curl_global_init"]
        lc = self.inclusive(files["--local system ping"], skip + init)
        cc = self.inclusive(curl_files["--local system ping"],
                            skip + init)
        lazy = sum(lc[p] for p in skip)
        self.t.add(sec, "--local skips openssl.cnf, error strings, cleanup",
                   "%s Ir (cnf %s, strings %s, exit %s)" % (
                       format(lazy, ","), format(lc[skip[0]], ","),
                       format(lc[skip[1]], ","), format(lc[skip[2]], ",")),
                   "curl: %s Ir" % format(sum(cc[p] for p in skip), ","),
                   "", "0", met(lazy == 0))
        tls = max(lc[init[0]], lc[init[1]])
        base = max(cc[init[0]], cc[init[1]])
        self.t.add(sec, "--local: OpenSSL init left (inside libcurl)",
                   "%s Ir" % format(tls, ","), "%s Ir" % format(base, ","),
                   fratio(tls / base) if base else "", "info", "")

def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


def machine():
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    uname = subprocess.run(["uname", "-a"], stdout=subprocess.PIPE,
                           text=True).stdout.strip()
    return {"uname": uname, "cpu": cpu, "cpus": os.cpu_count(),
            "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
            "python": platform.python_version()}


def tool_versions(binpath):
    v = {}
    for name, argv in [("mmadm", [binpath, "--version"]),
                       ("curl", ["curl", "--version"]),
                       ("nginx", ["nginx", "-v"]),
                       ("hyperfine", ["hyperfine", "--version"]),
                       ("jq", ["jq", "--version"]),
                       ("valgrind", ["valgrind", "--version"])]:
        try:
            p = subprocess.run(argv, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True,
                               timeout=20)
            v[name] = p.stdout.strip().splitlines()[0] if p.stdout else ""
        except (OSError, subprocess.TimeoutExpired):
            v[name] = "?"
    return v


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--tls-port", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--big", action="store_true")
    ap.add_argument("--big-skip", default="")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", default="",
                    help="comma list of sections: startup,memory,script,"
                    "paging,rendering,transfers,instructions")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    b = Bench(a)
    with open(os.path.join(a.dir, "www", "sizes.json")) as f:
        b.sizes = json.load(f)
    b.ping_tcp = {}
    sections = ["startup", "memory", "script", "paging", "rendering",
                "transfers", "instructions"]
    only = [s for s in a.only.split(",") if s] or sections
    t0 = time.time()
    load0 = loadavg()
    try:
        for s in sections:
            if s in only:
                getattr(b, {"script": "script_mode"}.get(s, s))()
    except HarnessError as e:
        log("harness failure: %s" % e)
        sys.stdout.write(b.t.render())
        sys.stdout.write("".join("  %s\n" % x for x in b.err_notes))
        return 2
    m = machine()
    m["elapsed_s"] = round(time.time() - t0, 1)
    m["loadavg"] = "%s at start, %s at end" % (load0, loadavg())
    vers = tool_versions(a.bin)
    text = b.t.render()
    if b.err_notes:
        text += "\nerrors:\n" + "".join("  %s\n" % e for e in b.err_notes)
    head = ("mmadm bench  %s\n%s (%s CPUs), load average %s\n%s\n\n" % (
        m["date"], m["cpu"], m["cpus"], m["loadavg"], m["uname"]))
    sys.stdout.write("\n" + head + text)
    with open(os.path.join(a.out, "results.json"), "w") as f:
        json.dump({"machine": m, "versions": vers, "rows": b.t.rows,
                   "raw": b.results, "sizes": b.sizes}, f, indent=1)
    with open(os.path.join(a.out, "results.md"), "w") as f:
        f.write("Measured %s on `%s`, %s (%s CPUs), load average %s; "
                "bench ran %.0f s.\n\n" % (
                    m["date"], m["uname"], m["cpu"], m["cpus"], m["loadavg"],
                    m["elapsed_s"]))
        f.write("Tools: %s.\n\n" % "; ".join(
            "%s" % v for v in vers.values()))
        f.write(b.t.render(markdown=True))
        if b.err_notes:
            f.write("\nErrors:\n\n" + "".join(
                "- %s\n" % e for e in b.err_notes))
    log("results in %s/results.{md,json}; raw hyperfine JSON in %s" % (
        a.out, b.hf_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
