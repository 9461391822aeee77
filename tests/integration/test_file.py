"""The file family against the stand-in: s3-test, info, get (to stdout, a
file or a directory), link, preview, thumbnail, upload (multipart and raw),
with every output format, the error paths and exit codes, local-mode
refusals, --dry-run, the progress bar, and a 64 MiB upload and download
whose checksum is compared and whose peak memory is measured."""
import base64
import hashlib
import json
import os
import signal
import struct
import subprocess
import tempfile
import zlib

from harness import (SANITIZED, ADMIN_TOKEN, CHANNEL_ID, USER_TOKEN, MmadmTestCase,
                     mmadm_bin)

MIB = 1024 * 1024
RSS_LIMIT_KB = 16 * 1024
TIME = "/usr/bin/time"
OTHER_CHANNEL = "otherchan" + "0" * 16 + "a"   # valid id, no such channel


def png(width=3, height=2):
    """A small valid PNG."""
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    raw = b"".join(b"\0" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


class Base(MmadmTestCase):
    def tty(self, *args, **kw):
        env = dict(self.admin_env(), MMADM_FORCE_TTY="1", NO_COLOR="1", **kw.pop("env", {}))
        return self.run_mmadm(*args, env=env, **kw)

    def write(self, name, data):
        path = os.path.join(self.home, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def big_file(self, name, size):
        """size random bytes on disk (written in pieces); returns (path, sha256)."""
        path = os.path.join(self.home, name)
        h = hashlib.sha256()
        with open(path, "wb") as f:
            left = size
            while left:
                piece = os.urandom(min(left, 4 * MIB))
                h.update(piece)
                f.write(piece)
                left -= len(piece)
        return path, h.hexdigest()

    def api_upload(self, name, data, token=USER_TOKEN, channel=CHANNEL_ID):
        r = self.server.api("POST", "/files?channel_id=%s&filename=%s" % (channel, name), data,
                            token=token)
        self.assertEqual(r.status, 201, r.body)
        return r.json()["file_infos"][0]

    def run_rss(self, *args, env=None, timeout=300):
        """Run mmadm under /usr/bin/time and return (rc, stdout bytes,
        stderr bytes, peak resident set in KiB). The measuring process is
        small itself: a child forked from this (large) Python process would
        carry its memory high-water mark over exec. maxrss is None under
        MMADM_WRAPPER (valgrind would be measured instead)."""
        e = self.base_env()
        e.update(self.admin_env())
        e.update(env or {})
        if os.environ.get("MMADM_WRAPPER"):
            r = self.run_mmadm(*args, env=dict(self.admin_env(), **(env or {})), timeout=timeout)
            return r.rc, r.out_bytes, r.err_bytes, None
        self.assertTrue(os.access(TIME, os.X_OK),
                        "%s is needed to measure memory: install the Debian package "
                        "'time' (scripts/deps --test)" % TIME)
        rss_file = os.path.join(self.home, ".rss")
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            p = subprocess.run([TIME, "-f", "%M", "-o", rss_file, mmadm_bin()] + list(args),
                               stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=e,
                               cwd=self.home, timeout=timeout)
            out.seek(0)
            err.seek(0)
            with open(rss_file) as f:
                rss = int(f.read().split()[-1])
            return p.returncode, out.read(), err.read(), rss

    def assert_small(self, rss, what):
        if rss is not None and not SANITIZED:
            self.assertLess(rss, RSS_LIMIT_KB, "%s used %d KiB resident" % (what, rss))

    def no_requests(self):
        self.assertEqual([e for e in self.server.request_log() if e["path"].startswith("/api/")], [])


class TestInfo(Base):
    def test_formats(self):
        info = self.api_upload("hello.txt", b"hello\n")
        r = self.ok(self.admin("file", "info", info["id"]))
        lines = dict(l.split("\t", 1) for l in r.out.splitlines())
        self.assertEqual(lines["id"], info["id"])
        self.assertEqual(lines["name"], "hello.txt")
        self.assertEqual(lines["size"], "6")
        r = self.ok(self.admin("file", "info", info["id"], "-o", "json"))
        server = self.server.api("GET", "/files/%s/info" % info["id"], token=ADMIN_TOKEN).json()
        self.assertEqual(json.loads(r.out), server)
        r = self.ok(self.tty("file", "info", info["id"]))
        self.assertRegex(r.out, r"(?m)^name +hello\.txt$")
        r = self.ok(self.admin("file", "info", info["id"], "-o", "yaml"))
        self.assertIn("name: hello.txt", r.out)

    def test_errors(self):
        self.fails(self.admin("file", "info", "z" * 26), 6, "app.file_info.get.app_error")
        self.fails(self.admin("file", "info", "bad"), 7, "api.context.invalid_url_param.app_error")
        hidden = self.api_upload("secret.txt", b"x", token=ADMIN_TOKEN, channel=OTHER_CHANNEL)
        self.fails(self.user("file", "info", hidden["id"]), 5, "api.context.permissions.app_error")
        self.fails(self.run_mmadm("file", "info", hidden["id"],
                                  env={"MMADM_URL": self.server.url, "MMADM_TOKEN": "x" * 26}),
                   4, "api.context.session_expired.app_error")
        # An id is escaped into one path segment, never interpreted.
        self.assertNotEqual(self.admin("file", "info", "../../system/ping?x=").rc, 0)
        self.assertEqual(self.server.find_requests(path="/api/v4/system/ping"), [])
        self.server.add_fault("/files/.*/info", status=500,
                              body={"id": "app.file_info.get.app_error", "message": "db down",
                                    "status_code": 500})
        self.fails(self.admin("file", "info", hidden["id"]), 8, "db down")

    def test_not_local(self):
        cmds = (("info", "a" * 26), ("get", "a" * 26), ("link", "a" * 26), ("preview", "a" * 26),
                ("thumbnail", "a" * 26), ("upload", CHANNEL_ID, "/etc/hostname"), ("s3-test",))
        for c in cmds:
            self.fails(self.run_mmadm("file", *c, env=self.local_env()), 9, "local socket")
        self.no_requests()


class TestLink(Base):
    def test_link(self):
        info = self.api_upload("doc.txt", b"doc")
        self.fails(self.admin("file", "link", info["id"]), 5,
                   "api.file.get_public_link.disabled.app_error")
        self.server.set_state(enable_public_link=True)
        self.fails(self.admin("file", "link", info["id"]), 7,
                   "api.file.get_public_link.no_post.app_error")
        self.server.set_state(attach_file=info["id"])
        r = self.ok(self.admin("file", "link", info["id"]))
        self.assertRegex(r.out, r"^http://localhost:8065/files/%s/public\?h=\S+\n$" % info["id"])
        r2 = self.ok(self.admin("file", "link", info["id"], "-o", "json"))
        self.assertEqual(json.loads(r2.out), {"link": r.out.strip()})
        self.ok(self.tty("file", "link", info["id"]))
        self.fails(self.admin("file", "link", "z" * 26), 6)


class TestGet(Base):
    def test_stdout_file_and_directory(self):
        data = os.urandom(200000)
        info = self.api_upload("report.bin", data)
        r = self.ok(self.admin("file", "get", info["id"]))
        self.assertEqual(r.out_bytes, data)
        self.assertEqual(r.err, "")
        r = self.ok(self.admin("file", "get", info["id"], "-O", "saved.bin"))
        self.assertEqual(r.out, "saved.bin\n")
        with open(os.path.join(self.home, "saved.bin"), "rb") as f:
            self.assertEqual(f.read(), data)
        # Into a directory: the server's name.
        os.mkdir(os.path.join(self.home, "dl"))
        r = self.ok(self.admin("file", "download", info["id"], "--output-file", "dl", "-o", "json"))
        doc = json.loads(r.out)
        self.assertEqual(doc, {"path": "dl/report.bin", "bytes": 200000, "filename": "report.bin",
                               "content_type": "application/octet-stream"})
        self.assertEqual(sorted(os.listdir(os.path.join(self.home, "dl"))), ["report.bin"])
        # Existing files are kept unless --force.
        self.write("keep.bin", b"mine")
        self.fails(self.admin("file", "get", info["id"], "-O", "keep.bin"), 13,
                   "already exists", "--force")
        self.fails(self.admin("file", "get", info["id"], "-O", "dl"), 13, "dl/report.bin")
        with open(os.path.join(self.home, "keep.bin"), "rb") as f:
            self.assertEqual(f.read(), b"mine")
        self.ok(self.admin("file", "get", info["id"], "-O", "keep.bin", "--force"))
        with open(os.path.join(self.home, "keep.bin"), "rb") as f:
            self.assertEqual(f.read(), data)
        leftovers = [n for n in os.listdir(self.home) + os.listdir(os.path.join(self.home, "dl"))
                     if ".part" in n or "mmadm-download" in n]
        self.assertEqual(leftovers, [])

    def test_server_name_that_is_no_file_name(self):
        # "." and ".." (and an empty name) are no names: the file id is
        # used, as when the server gives none, with or without --force.
        data = b"payload"
        info = self.api_upload("r.bin", data)
        d = os.path.join(self.home, "dl")
        os.mkdir(d)
        for cd in ('attachment; filename=".."', 'attachment; filename="."',
                   'attachment; filename=""', "attachment; filename*=UTF-8''%2E%2E",
                   'attachment; filename="a/.."'):
            for extra in ((), ("--force",)):
                self.server.add_fault("/files/%s$" % info["id"], times=1,
                                      headers={"Content-Disposition": cd})
                r = self.ok(self.admin("file", "get", info["id"], "-O", "./", *extra))
                self.assertEqual(r.out, "./" + info["id"] + "\n", cd)
                with open(os.path.join(self.home, info["id"]), "rb") as f:
                    self.assertEqual(f.read(), data)
                if extra:
                    os.unlink(os.path.join(self.home, info["id"]))
            self.server.add_fault("/files/%s$" % info["id"], times=1,
                                  headers={"Content-Disposition": cd})
            self.ok(self.admin("file", "get", info["id"], "-O", "dl", "--force"))
            self.assertEqual(os.listdir(d), [info["id"]])
        self.assertFalse([n for n in os.listdir(self.home) if "mmadm-download" in n])

    def test_refuses_terminal(self):
        info = self.api_upload("a.bin", b"\0\1\2")
        self.server.clear_log()
        self.fails(self.tty("file", "get", info["id"]), 2, "terminal")
        self.no_requests()
        r = self.ok(self.tty("file", "get", info["id"], "-O", "a.bin"))
        self.assertEqual(r.out, "a.bin\n")

    def test_errors_leave_no_file(self):
        info = self.api_upload("a.bin", os.urandom(100000))
        self.fails(self.admin("file", "get", "z" * 26, "-O", "x.bin"), 6)
        hidden = self.api_upload("s.bin", b"s", token=ADMIN_TOKEN, channel=OTHER_CHANNEL)
        self.fails(self.user("file", "get", hidden["id"], "-O", "x.bin"), 5)
        self.server.add_fault("/files/%s$" % info["id"], status=503, body="upstream down",
                              content_type="text/plain")
        self.fails(self.admin("file", "get", info["id"], "-O", "x.bin"), 8, "upstream down")
        self.assertFalse(os.path.exists(os.path.join(self.home, "x.bin")))
        self.assertEqual([n for n in os.listdir(self.home) if "x.bin" in n], [])

    def test_interrupted_download_leaves_nothing(self):
        data = os.urandom(3 * MIB)
        info = self.api_upload("big.bin", data)
        os.mkdir(os.path.join(self.home, "d"))
        # The connection closes half-way through the body.
        self.server.add_fault("/files/%s$" % info["id"], truncate=True, times=2)
        self.fails(self.admin("file", "get", info["id"], "-O", "out.bin"), 11, "closed")
        self.fails(self.admin("file", "get", info["id"], "-O", "d"), 11, "closed")
        self.assertEqual(os.listdir(os.path.join(self.home, "d")), [])
        self.assertFalse([n for n in os.listdir(self.home) if n.startswith("out.bin")])
        # Dropped before any answer.
        self.server.add_fault("/files/%s$" % info["id"], drop_connection=True, times=1)
        self.fails(self.admin("file", "get", info["id"], "-O", "out.bin"), 3)
        self.assertFalse([n for n in os.listdir(self.home) if n.startswith("out.bin")])
        self.ok(self.admin("file", "get", info["id"], "-O", "out.bin"))
        with open(os.path.join(self.home, "out.bin"), "rb") as f:
            self.assertEqual(f.read(), data)

    def test_sigterm_while_stdout_is_blocked(self):
        # A download to a pipe nobody reads blocks in write(2); the first
        # SIGTERM still ends it at once, with the documented exit code.
        info = self.api_upload("big.bin", os.urandom(4 * MIB))
        rc, out, err, took = self.signal_blocked_writer(
            ["file", "get", info["id"]], "/api/v4/files/%s" % info["id"], signal.SIGTERM)
        self.assertEqual(rc, 130, err)
        self.assertEqual(err, "mmadm: cancelled\n")
        self.assertLess(took, 5)
        self.assertLess(len(out), 4 * MIB)

    def test_preview_and_thumbnail(self):
        image = png()
        info = self.api_upload("pic.png", image)
        for cmd in ("preview", "thumbnail"):
            r = self.ok(self.admin("file", cmd, info["id"], "-O", cmd + ".png"))
            self.assertEqual(r.out, cmd + ".png\n")
            with open(os.path.join(self.home, cmd + ".png"), "rb") as f:
                self.assertEqual(f.read(), image)
            self.assertTrue(self.server.find_requests("GET", "/api/v4/files/%s/%s" % (info["id"], cmd)))
        text = self.api_upload("t.txt", b"text")
        self.fails(self.admin("file", "preview", text["id"], "-O", "p"), 7,
                   "api.file.get_file_preview.no_preview.app_error")
        self.fails(self.admin("file", "thumbnail", text["id"], "-O", "p"), 7,
                   "api.file.get_file_thumbnail.no_thumbnail.app_error")
        self.assertFalse(os.path.exists(os.path.join(self.home, "p")))

    def test_large_download_streams(self):
        path, digest = self.big_file("src.bin", 64 * MIB)
        with open(path, "rb") as f:
            info = self.api_upload("large.bin", f.read())
        rc, out, err, rss = self.run_rss("file", "get", info["id"], "-O", "large.bin")
        self.assertEqual(rc, 0, err)
        with open(os.path.join(self.home, "large.bin"), "rb") as f:
            h = hashlib.sha256()
            for piece in iter(lambda: f.read(MIB), b""):
                h.update(piece)
        self.assertEqual(h.hexdigest(), digest)
        self.assert_small(rss, "a 64 MiB download to a file")
        rc, out, err, rss = self.run_rss("file", "get", info["id"])
        self.assertEqual(rc, 0, err)
        self.assertEqual(hashlib.sha256(out).hexdigest(), digest)
        self.assert_small(rss, "a 64 MiB download to standard output")


class TestUpload(Base):
    def test_multipart_formats(self):
        a = self.write("a.txt", b"alpha")
        b = self.write("b.png", png())
        r = self.ok(self.admin("file", "upload", CHANNEL_ID, a, b, "--client-id", "c1",
                               "--client-id", "c2"))
        rows = [l.split("\t") for l in r.out.splitlines()]
        self.assertEqual([(x[1], x[2], x[3], x[4]) for x in rows],
                         [("a.txt", "5", "text/plain", CHANNEL_ID),
                          ("b.png", str(len(png())), "image/png", CHANNEL_ID)])
        (req,) = self.server.find_requests("POST", "/api/v4/files")
        ctype = dict((k.lower(), v) for k, v in req["headers"])["content-type"]
        self.assertTrue(ctype.startswith("multipart/form-data; boundary="), ctype)
        body = req["body"].encode() if req["body"] is not None else base64.b64decode(req["body_b64"])
        order = [body.find(b'name="channel_id"'), body.find(b'name="client_ids"'),
                 body.find(b'name="files"; filename="a.txt"'), body.find(b'filename="b.png"')]
        self.assertTrue(all(i >= 0 for i in order), body[:500])
        self.assertEqual(order, sorted(order))
        r = self.ok(self.admin("file", "upload", CHANNEL_ID, a, "-o", "json"))
        doc = json.loads(r.out)
        self.assertEqual(sorted(doc), ["client_ids", "file_infos"])
        self.assertEqual(doc["file_infos"][0]["name"], "a.txt")
        r = self.ok(self.tty("file", "upload", CHANNEL_ID, a))
        self.assertRegex(r.out.splitlines()[0], r"^ID +NAME +SIZE +TYPE +CHANNEL$")

    def test_raw(self):
        a = self.write("raw data.bin", b"\0\1\2\3")
        r = self.ok(self.admin("file", "upload", CHANNEL_ID, a, "--raw", "--client-id", "k1", "-o", "json"))
        doc = json.loads(r.out)
        self.assertEqual(doc["client_ids"], ["k1"])
        self.assertEqual(doc["file_infos"][0]["name"], "raw data.bin")
        (req,) = self.server.find_requests("POST", "/api/v4/files")
        self.assertEqual(req["query"], "channel_id=%s&filename=raw%%20data.bin&client_id=k1" % CHANNEL_ID)
        self.assertEqual(req["body_size"], 4)
        info = self.server.api("GET", "/files/%s" % doc["file_infos"][0]["id"], token=ADMIN_TOKEN)
        self.assertEqual(info.body, b"\0\1\2\3")

    def test_errors(self):
        a = self.write("a.txt", b"alpha")
        self.fails(self.admin("file", "upload", CHANNEL_ID, a, "--client-id", "x", "--client-id", "y"),
                   2, "client id")
        self.fails(self.admin("file", "upload", CHANNEL_ID, a, a, "--raw"), 2, "exactly one file")
        self.fails(self.admin("file", "upload", CHANNEL_ID, os.path.join(self.home, "missing")), 13,
                   "missing")
        self.fails(self.admin("file", "upload", CHANNEL_ID, self.home), 13, "not a regular file")
        self.fails(self.admin("file", "upload", CHANNEL_ID), 2, "FILE")
        self.no_requests()
        self.fails(self.admin("file", "upload", "bad", a), 7, "channel_id", "(HTTP 400")
        self.fails(self.user("file", "upload", OTHER_CHANNEL, a), 5, "api.context.permissions.app_error")
        self.server.set_state(max_file_size=1000)
        big = self.write("big.bin", os.urandom(5000))
        self.fails(self.admin("file", "upload", CHANNEL_ID, big), 7,
                   "api.file.upload_file.too_large_detailed.app_error")
        self.server.set_state(max_file_size=104857600, enable_file_attachments=False)
        self.fails(self.admin("file", "upload", CHANNEL_ID, a), 5,
                   "api.file.attachments.disabled.app_error")
        self.server.set_state(enable_file_attachments=True)
        self.server.add_fault("^/api/v4/files$", method="POST", status=502, body="bad gateway",
                              content_type="text/plain")
        self.fails(self.admin("file", "upload", CHANNEL_ID, a), 8, "bad gateway")
        self.fails(self.run_mmadm("file", "upload", CHANNEL_ID, a, env={"MMADM_URL": self.server.url}),
                   4, "no token")

    def test_dry_run_sends_nothing(self):
        a = self.write("a.txt", b"alpha")
        r = self.ok(self.admin("--dry-run", "file", "upload", CHANNEL_ID, a, "--client-id", "c1"))
        self.assertEqual(r.out, "POST /api/v4/files\nform field channel_id: %s\nform field client_ids: c1\n"
                                "form file files: a.txt (5 bytes)\n" % CHANNEL_ID)
        r = self.ok(self.admin("file", "upload", CHANNEL_ID, a, "--raw", "--dry-run"))
        self.assertEqual(r.out, "POST /api/v4/files?channel_id=%s&filename=a.txt\n"
                                "(5 bytes of application/octet-stream)\n" % CHANNEL_ID)
        self.no_requests()

    def test_progress_bar(self):
        a = self.write("a.bin", os.urandom(300000))
        r = self.ok(self.tty("file", "upload", CHANNEL_ID, a))
        self.assertIn("\r[", r.err)
        self.assertIn("100%", r.err)
        self.assertTrue(r.err.endswith("\n"))
        r = self.ok(self.tty("file", "upload", CHANNEL_ID, a, "--quiet"))
        self.assertEqual(r.err, "")
        r = self.ok(self.admin("file", "upload", CHANNEL_ID, a))
        self.assertEqual(r.err, "")
        info = self.api_upload("d.bin", os.urandom(300000))
        r = self.ok(self.tty("file", "get", info["id"], "-O", "d.bin"))
        self.assertIn("100%", r.err)

    def test_large_uploads_stream(self):
        path, digest = self.big_file("large.bin", 64 * MIB)
        for extra in ((), ("--raw",)):
            rc, out, err, rss = self.run_rss("file", "upload", CHANNEL_ID, path, "-o", "json", *extra)
            self.assertEqual(rc, 0, err)
            info = json.loads(out)["file_infos"][0]
            self.assertEqual(info["size"], 64 * MIB)
            body = self.server.api("GET", "/files/%s" % info["id"], token=ADMIN_TOKEN, timeout=120).body
            self.assertEqual(hashlib.sha256(body).hexdigest(), digest)
            self.assert_small(rss, "a 64 MiB upload %s" % " ".join(extra))


class TestS3Test(Base):
    def test_s3_test(self):
        # Without overrides the running config (driver local, no bucket).
        r = self.fails(self.admin("file", "s3-test"), 7, "api.admin.test_s3.missing_s3_bucket", "--bucket")
        (req,) = self.server.find_requests("POST", "/api/v4/file/s3_test")
        self.assertIsNone(req["body"] or None)
        self.assertEqual(self.server.find_requests("POST", "/api/v4/file/test"), [])
        self.server.clear_log()
        r = self.ok(self.admin("file", "s3-test", "--bucket", "b", "--region", "eu-west-1"))
        self.assertEqual(r.out, "OK: file store test passed (driver amazons3)\n")
        (req,) = self.server.find_requests("POST", "/api/v4/file/s3_test")
        fs = json.loads(req["body"])["FileSettings"]
        self.assertEqual((fs["AmazonS3Bucket"], fs["AmazonS3Region"]), ("b", "eu-west-1"))
        r = self.ok(self.admin("file", "s3-test", "--bucket", "b", "-o", "json"))
        self.assertEqual(json.loads(r.out), {"status": "OK"})
        self.fails(self.admin("file", "s3-test", "--bucket", "missing-bucket"), 8,
                   "api.file.test_connection_s3_bucket_does_not_exist.app_error")
        self.fails(self.user("file", "s3-test"), 5)
        self.fails(self.admin("file", "s3-test", "--driver", "local"), 2, "--driver")

    def test_dry_run(self):
        r = self.ok(self.admin("--dry-run", "file", "s3-test", "--bucket", "b"))
        self.assertTrue(r.out.startswith("POST /api/v4/file/s3_test\n"), r.out)
        self.assertEqual(self.server.find_requests("POST"), [])
