"""A read whose 2xx answer has the wrong JSON shape ends with exit 11 and
one line, never with blank or made-up rows and exit 0."""
import base64
import io
import json
import os
import tarfile
import unittest

from harness import MmadmTestCase

# Each command and what its endpoint answers (API-NOTES.md).
READS = [
    (("system", "timezones"), "a list of strings"),
    (("system", "analytics"), "a list of objects"),
    (("system", "notices", "--client-version", "1", "teammain00000000000000000a"),
     "a list of objects"),
    (("retention", "policy"), "an object"),
    (("system", "latest-version"), "an object"),
    (("system", "onboarding"), "an object"),
    (("system", "upgrade-to-enterprise-status"), "an object"),
    (("system", "server-busy"), "an object"),
    (("db", "schema-version"), "a list of objects"),
    (("plugin", "marketplace", "list"), "a list of objects"),
    (("plugin", "marketplace", "list", "--all"), "a list of objects"),
]

WRONG = {
    "an object": ['"str"', "[1,2,3]", "true", "-1", "null", '["a"]'],
    "a list of strings": ['"str"', "[1,2,3]", '{"busy":"yes","expires":"soon"}', '["a",{}]',
                          "true"],
    "a list of objects": ['"str"', "[1,2,3]", '{"name":"x","value":1}', '[{}, "a"]', "7"],
}


class Shapes(MmadmTestCase):
    server_args = ("--license",)

    def answer(self, body, path="^/api/v4/"):
        self.server.clear_faults()
        self.server.add_fault(path_regex=path, status=200, body=body,
                              content_type="application/json")

    def test_real_answers_still_pass(self):
        for cmd, _ in READS:
            if cmd[1] == "latest-version":
                continue  # the stand-in asks GitHub; see the faked answer below
            for fmt in ("json", "table"):
                with self.subTest(cmd=cmd, fmt=fmt):
                    self.ok(self.admin("-o", fmt, *cmd))
        self.answer(json.dumps({"id": 1, "tag_name": "v11.2.0", "name": "v11.2.0",
                                "published_at": "2026-01-01T00:00:00Z",
                                "html_url": "https://example.invalid/r"}),
                    "^/api/v4/latest_version$")
        self.assertIn("v11.2.0", self.ok(self.admin("system", "latest-version")).out)
        self.answer("[]", "^/api/v4/system/timezones$")
        self.ok(self.admin("-o", "json", "system", "timezones"))

    def test_wrong_shapes_exit_11(self):
        for cmd, shape in READS:
            for body in WRONG[shape]:
                self.answer(body)
                for fmt in ("table", "json"):
                    with self.subTest(cmd=cmd, body=body, fmt=fmt):
                        r = self.fails(self.admin("-o", fmt, *cmd), 11,
                                       "unexpected response: expected " + shape)
                        self.assertEqual(r.out, "")


class PluginInstallShapes(MmadmTestCase):
    """An install answers the plugin's Manifest (201): an object with a
    string "id"."""

    def setUp(self):
        super().setUp()
        self.server.set_state(enable_uploads=True, enable_marketplace=True)
        self.bundle = os.path.join(self.home, "demo.tar.gz")
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w:gz") as tf:
            data = json.dumps({"id": "com.example.demo", "name": "Demo",
                               "version": "0.1.0"}).encode()
            ti = tarfile.TarInfo("demo/plugin.json")
            ti.size = len(data)
            tf.addfile(ti, io.BytesIO(data))
        with open(self.bundle, "wb") as f:
            f.write(buf.getvalue())

    def cases(self):
        return [
            ("^/api/v4/plugins$", ("plugin", "upload", self.bundle)),
            ("^/api/v4/plugins/install_from_url$",
             ("plugin", "install-url", "https://example.invalid/p.tar.gz")),
            ("^/api/v4/plugins/marketplace$", ("plugin", "marketplace", "install", "zoom")),
        ]

    def test_real_answers_still_pass(self):
        with open(self.bundle, "rb") as f:
            data = base64.b64encode(f.read()).decode()
        self.server.set_state(plugin_downloads={"https://example.invalid/p.tar.gz": data})
        for _, cmd in self.cases():
            if cmd[1] != "marketplace":
                cmd += ("--force",)  # installed again
            for fmt in ("json", "table"):
                with self.subTest(cmd=cmd, fmt=fmt):
                    self.ok(self.admin("-o", fmt, *cmd))

    def test_wrong_shapes_exit_11(self):
        for regex, cmd in self.cases():
            for body in ('{"x":1}', '{"weird":1}', '{"id":7}', "[1]", '"id"', "null"):
                self.server.clear_faults()
                self.server.add_fault(path_regex=regex, method="POST", status=201, body=body,
                                      content_type="application/json")
                for fmt in ("table", "json"):
                    with self.subTest(cmd=cmd, body=body, fmt=fmt):
                        r = self.fails(self.admin("-o", fmt, *cmd), 11,
                                       "unexpected response: expected a plugin manifest")
                        self.assertEqual(r.out, "")


class ServerBusy(MmadmTestCase):
    def busy(self, body, *args):
        self.server.clear_faults()
        self.server.add_fault(path_regex="^/api/v4/server_busy$", method="GET", status=200,
                              body=body, content_type="application/json")
        return self.admin("-o", "plain", "system", "server-busy", *args)

    def test_bad_fields_exit_11(self):
        for body in ('{"busy":"yes","expires":"soon"}', '{"busy":true,"expires":"soon"}',
                     '{"expires":1}', '{"busy":true,"expires":1,"expires_ts":5}'):
            for fmt in ("plain", "json"):
                with self.subTest(body=body, fmt=fmt):
                    r = self.fails(self.busy(body, "-o", fmt), 11, "unexpected response")
                    self.assertEqual(r.out, "")

    def test_expires_beyond_a_date_shows_raw(self):
        # No overflow (UBSan: signed overflow in seconds*1000) and no 1970
        # date: the flag is shown with the number as the server sent it.
        for expires, shown in (("1e300", "e+300"), ("9223372036854775", "922337203685477"),
                               ("-5", "-5"), ("253402300800", "253402300800")):
            with self.subTest(expires=expires):
                r = self.ok(self.busy('{"busy":true,"expires":%s}' % expires))
                busy, until = r.out.rstrip("\n").split("\t")
                self.assertEqual(busy, "true")
                self.assertIn(shown, until)
                self.assertNotIn("1970", until)
                self.assertEqual(r.err, "")
        r = self.ok(self.busy('{"busy":true,"expires":1800000000}'))
        self.assertEqual(r.out, "true\t2027-01-15T08:00:00Z\n")
        r = self.ok(self.busy('{"busy":false,"expires":-62135596800}'))
        self.assertEqual(r.out, "false\t\n")


if __name__ == "__main__":
    unittest.main()
