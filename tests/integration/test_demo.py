"""The README's main command: scripts/demo's tour against the stand-in
(without its dependency and build steps, which scripts/test has done)."""
import os
import subprocess
import unittest

from harness import REPO, SECRETS, mmadm_bin


class TestDemo(unittest.TestCase):
    def test_tour(self):
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/nonexistent",
               "MMADM_BIN": mmadm_bin(), "LANG": "C.UTF-8"}
        env.update({k: v for k, v in os.environ.items() if k.startswith(("ASAN_", "UBSAN_"))})
        p = subprocess.run(["bash", os.path.join(REPO, "scripts", "demo"), "--tour-only"],
                           cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, timeout=300)
        out = p.stdout + p.stderr
        self.assertEqual(p.returncode, 0, out)
        self.assertIn("demo finished", p.stdout)
        # Two steps fail on purpose: a misspelt config key (with the
        # nearest key suggested) and a file store whose bucket is missing.
        self.assertEqual(out.count("(exit code"), 2, out)
        self.assertIn("did you mean 'ServiceSettings.SiteURL'", out)
        self.assertIn("logged in to", out)
        self.assertIn("OK", out)
        for secret in SECRETS:
            self.assertNotIn(secret, out)


if __name__ == "__main__":
    unittest.main()
