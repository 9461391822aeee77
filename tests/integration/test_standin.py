"""The stand-in itself: its README names every state toggle it accepts,
and it refuses the ones it does not know."""
import glob
import os
import re
import unittest

from harness import REPO, MmadmTestCase

STANDIN = os.path.join(REPO, "tests", "standin")


def accepted_toggles():
    """Toggle names the stand-in's code handles (core defaults, config
    shortcuts in server.py, and each area's apply_toggle)."""
    src = ""
    for path in [os.path.join(STANDIN, "server.py"), os.path.join(STANDIN, "core.py")] + \
            sorted(glob.glob(os.path.join(STANDIN, "areas", "*.py"))):
        with open(path) as f:
            src += f.read()
    keys = set(re.findall(r'key == "([a-z_0-9]+)"', src))
    m = re.search(r"def _toggle_defaults\(self\):(.*?)\n    def ", src, re.S)
    keys |= set(re.findall(r'"([a-z_0-9]+)":', m.group(1)))
    m = re.search(r"cfg_toggles = \{(.*?)\}", src, re.S)
    keys |= set(re.findall(r'"([a-z_0-9]+)": "', m.group(1)))
    return keys


class TestToggleDocs(unittest.TestCase):
    def test_readme_names_every_toggle(self):
        keys = accepted_toggles()
        self.assertGreater(len(keys), 40)
        with open(os.path.join(STANDIN, "README.md")) as f:
            readme = f.read()
        missing = sorted(k for k in keys if "`%s`" % k not in readme)
        self.assertEqual(missing, [], "toggles missing from tests/standin/README.md")


class TestUnknownToggle(MmadmTestCase):
    def test_refused(self):
        with self.assertRaisesRegex(RuntimeError, "400.*unknown state toggle"):
            self.server.set_state(no_such_toggle=1)
        self.server.set_state(seed_logs=3, append_logs=2)


if __name__ == "__main__":
    unittest.main()
