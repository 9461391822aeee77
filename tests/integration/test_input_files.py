"""An input file that is not a regular file (a directory, a device, a FIFO)
is exit 13, "a local file could not be read", with one line naming it,
whatever command reads it; nothing is sent."""
import os
import unittest

from harness import MmadmTestCase

CHANNEL = "chantown00000000000000000a"

# F stands for the file.
UPLOADS = [
    ("brand", "upload", "F"),
    ("saml", "certificate-upload", "idp", "F"),
    ("file", "upload", CHANNEL, "F"),
    ("upload", "create", "--type", "import", "F"),
    ("upload", "send", "uploadid0000000000000000aa", "F"),
    ("license", "upload", "F"),
    ("plugin", "upload", "F"),
]


class InputFiles(MmadmTestCase):
    server_args = ("--license",)

    def run_with(self, cmd, path):
        return self.admin(*[path if a == "F" else a for a in cmd], timeout=20)

    def check(self, cmd, path):
        with self.subTest(cmd=cmd, path=path):
            self.server.clear_log()
            r = self.fails(self.run_with(cmd, path), 13, path)
            self.assertEqual(r.out, "")
            self.assertNotIn("mmadm help", r.err)
            sent = [e for e in self.server.request_log() if e["method"] != "GET"]
            self.assertEqual(sent, [])

    def test_directory(self):
        d = os.path.join(self.home, "adir")
        os.mkdir(d)
        for cmd in UPLOADS + [("config", "patch", "F")]:
            self.check(cmd, d)

    def test_device(self):
        for cmd in UPLOADS:
            self.check(cmd, "/dev/null")

    def test_fifo_does_not_hang(self):
        fifo = os.path.join(self.home, "fifo")
        os.mkfifo(fifo)
        for cmd in UPLOADS:
            self.check(cmd, fifo)


if __name__ == "__main__":
    unittest.main()
