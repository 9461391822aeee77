"""The upload family (resumable upload sessions) against the stand-in:
create, status, list, send/resume and 'upload file', with every output
format, error paths and exit codes, local mode (imports), --dry-run, the
5 MiB first-chunk rule, automatic resume after the stand-in cuts the
connection mid-chunk (checksum compared), bounded retries, and the peak
memory of a 64 MiB upload."""
import hashlib
import json
import os
import re

from harness import ADMIN_TOKEN, CHANNEL_ID, SYSADMIN_ID, USER_TOKEN

from test_file import MIB, OTHER_CHANNEL, Base


class UploadBase(Base):
    def session(self, path, token=ADMIN_TOKEN, **extra):
        body = {"channel_id": CHANNEL_ID, "filename": os.path.basename(path),
                "file_size": os.path.getsize(path)}
        body.update(extra)
        r = self.server.api("POST", "/uploads", body, token=token)
        self.assertEqual(r.status, 201, r.body)
        return r.json()["id"]

    def server_sha(self, file_id):
        r = self.server.api("GET", "/files/%s" % file_id, token=ADMIN_TOKEN, timeout=120)
        self.assertEqual(r.status, 200)
        return hashlib.sha256(r.body).hexdigest()

    def data_requests(self, upload_id):
        return [(e["status"], e["body_size"]) for e in self.server.request_log()
                if e["method"] == "POST" and e["path"] == "/api/v4/uploads/" + upload_id]

    def sha(self, path):
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for piece in iter(lambda: f.read(MIB), b""):
                h.update(piece)
        return h.hexdigest()


class TestCreate(UploadBase):
    def test_from_file_formats(self):
        a = self.write("video.mp4", os.urandom(1000))
        r = self.ok(self.admin("upload", "create", "--channel", CHANNEL_ID, a))
        uid, utype, name, size, offset, chan = r.out.rstrip("\n").split("\t")
        self.assertEqual((utype, name, size, offset, chan),
                         ("attachment", "video.mp4", "1000", "0", CHANNEL_ID))
        self.assertEqual(r.err, "mmadm: note: send the data with 'mmadm upload send %s %s'\n" % (uid, a))
        (req,) = self.server.find_requests("POST", "/api/v4/uploads")
        self.assertEqual(json.loads(req["body"]), {"channel_id": CHANNEL_ID, "filename": "video.mp4",
                                                   "file_size": 1000, "type": "attachment"})
        server = self.server.api("GET", "/uploads/" + uid, token=ADMIN_TOKEN).json()
        self.assertEqual(server["user_id"], SYSADMIN_ID)
        r = self.ok(self.admin("upload", "create", "--channel", CHANNEL_ID, a, "-o", "json", "-q"))
        doc = json.loads(r.out)
        self.assertEqual(doc["file_size"], 1000)
        self.assertEqual(r.err, "")
        r = self.ok(self.tty("upload", "create", "--channel", CHANNEL_ID, a, "--filename", "other.mp4"))
        self.assertRegex(r.out, r"^ID +TYPE +FILENAME +SIZE +RECEIVED +CHANNEL\n\w{26} +attachment +other\.mp4 ")

    def test_size_and_import(self):
        r = self.ok(self.admin("upload", "create", "--type", "import", "--filename", "dump.zip",
                               "--size", "50M", "-o", "json"))
        doc = json.loads(r.out)
        self.assertEqual((doc["type"], doc["file_size"]), ("import", 50 * MIB))
        self.assertNotIn("channel_id", doc)

    def test_usage_errors(self):
        a = self.write("a.bin", b"x")
        self.fails(self.admin("upload", "create", "--channel", CHANNEL_ID), 2, "--size and --filename")
        self.fails(self.admin("upload", "create", "--channel", CHANNEL_ID, a, "--size", "5"), 2, "not both")
        self.fails(self.admin("upload", "create", a), 2, "--channel")
        self.fails(self.admin("upload", "create", "--channel", CHANNEL_ID, "--filename", "x",
                              "--size", "5Q"), 2, "--size")
        self.fails(self.admin("upload", "create", "--channel", CHANNEL_ID, "missing.bin"), 13)
        self.fails(self.admin("upload", "create", "--type", "other", a), 2)
        self.no_requests()

    def test_server_errors(self):
        a = self.write("a.bin", b"x" * 10)
        self.fails(self.user("upload", "create", "--type", "import", a), 5,
                   "api.context.permissions.app_error")
        self.fails(self.user("upload", "create", "--channel", OTHER_CHANNEL, a), 5)
        self.fails(self.admin("upload", "create", "--channel", OTHER_CHANNEL, a), 7,
                   "model.upload_session.is_valid.channel_id.app_error")
        self.server.set_state(max_file_size=5)
        self.fails(self.admin("upload", "create", "--channel", CHANNEL_ID, a), 7,
                   "api.upload.create.upload_too_large.app_error")
        self.server.set_state(max_file_size=104857600, enable_file_attachments=False)
        self.fails(self.admin("upload", "create", "--channel", CHANNEL_ID, a), 12,
                   "api.file.attachments.disabled.app_error")
        self.server.set_state(enable_file_attachments=True)
        self.server.add_fault("^/api/v4/uploads$", status=500,
                              body={"id": "app.upload.create.save.app_error", "message": "store"})
        self.fails(self.admin("upload", "create", "--channel", CHANNEL_ID, a), 8,
                   "app.upload.create.save.app_error")

    def test_dry_run(self):
        a = self.write("a.bin", b"x" * 10)
        r = self.ok(self.admin("--dry-run", "upload", "create", "--channel", CHANNEL_ID, a))
        self.assertTrue(r.out.startswith("POST /api/v4/uploads\n{\n"), r.out)
        self.assertIn('"file_size": 10', r.out)
        self.no_requests()


class TestStatusList(UploadBase):
    def test_status(self):
        a = self.write("a.bin", b"x" * 10)
        uid = self.session(a)
        r = self.ok(self.admin("upload", "status", uid))
        self.assertEqual(r.out, "%s\tattachment\ta.bin\t10\t0\t%s\n" % (uid, CHANNEL_ID))
        r = self.ok(self.admin("upload", "status", uid, "-o", "json"))
        self.assertEqual(json.loads(r.out), self.server.api("GET", "/uploads/" + uid, token=ADMIN_TOKEN).json())
        self.fails(self.admin("upload", "status", "z" * 26), 6, "app.upload.get.app_error")
        self.fails(self.admin("upload", "status", "bad"), 7, "api.context.invalid_url_param.app_error")
        self.fails(self.user("upload", "status", uid), 5, "api.upload.get_upload.forbidden.app_error")
        # A system admin may read another user's session.
        uid2 = self.session(a, token=USER_TOKEN)
        self.ok(self.admin("upload", "status", uid2))

    def test_list(self):
        r = self.ok(self.admin("upload", "list", "-o", "json"))
        self.assertEqual(json.loads(r.out), [])
        r = self.ok(self.tty("upload", "list"))
        self.assertRegex(r.out, r"^ID +TYPE +FILENAME +SIZE +RECEIVED +CHANNEL\n$")
        a = self.write("a.bin", b"x" * 10)
        u1, u2 = self.session(a), self.session(a)
        self.session(a, token=USER_TOKEN)
        r = self.ok(self.admin("upload", "list"))
        self.assertEqual([l.split("\t")[0] for l in r.out.splitlines()], [u1, u2])
        self.assertTrue(self.server.find_requests("GET", "/api/v4/users/%s/uploads" % "me") or
                        self.server.find_requests("GET", "/api/v4/users/%s/uploads" % SYSADMIN_ID))
        r = self.ok(self.admin("upload", "list", SYSADMIN_ID, "-o", "json"))
        self.assertEqual(len(json.loads(r.out)), 2)
        self.fails(self.user("upload", "list", SYSADMIN_ID), 5,
                   "api.user.get_uploads_for_user.forbidden.app_error")


class TestSend(UploadBase):
    def test_send_in_chunks(self):
        path, digest = self.big_file("a.bin", 12 * MIB + 5)
        uid = self.session(path)
        r = self.ok(self.admin("upload", "send", uid, path, "--chunk-size", "4M"))
        fid, name, size, mime, chan = r.out.rstrip("\n").split("\t")
        self.assertEqual((name, size, chan), ("a.bin", str(12 * MIB + 5), CHANNEL_ID))
        self.assertEqual(r.err, "")
        # First chunk raised to the 5 MiB minimum, then 4 MiB chunks.
        self.assertEqual(self.data_requests(uid), [(204, 5 * MIB), (204, 4 * MIB), (200, 3 * MIB + 5)])
        self.assertEqual(self.server_sha(fid), digest)
        (raw,) = [e for e in self.server.find_requests("POST") if e["body_size"] == 5 * MIB]
        ctype = dict((k.lower(), v) for k, v in raw["headers"])["content-type"]
        self.assertEqual(ctype, "application/octet-stream")

    def test_resume_continues_where_server_stopped(self):
        path, digest = self.big_file("a.bin", 9 * MIB)
        uid = self.session(path)
        with open(path, "rb") as f:
            head = f.read(6 * MIB)
        self.assertEqual(self.server.api("POST", "/uploads/" + uid, head, token=ADMIN_TOKEN).status, 204)
        self.server.clear_log()
        r = self.ok(self.admin("upload", "resume", uid, path, "-o", "json"))
        info = json.loads(r.out)
        self.assertIn("resumed at byte %d of %d" % (6 * MIB, 9 * MIB), r.err)
        self.assertEqual(self.data_requests(uid), [(200, 3 * MIB)])
        self.assertEqual(self.server_sha(info["id"]), digest)
        # The session is gone once complete.
        self.fails(self.admin("upload", "resume", uid, path), 6, "not found")

    def test_wrong_file_and_server_rules(self):
        a = self.write("a.bin", os.urandom(12 * MIB))
        b = self.write("b.bin", b"short")
        uid = self.session(a)
        self.fails(self.admin("upload", "send", uid, b), 2, "expects %d bytes" % (12 * MIB))
        # The server's first-part minimum is larger than mmadm's 5 MiB here.
        self.server.set_state(first_chunk_min=8 * MIB)
        self.fails(self.admin("upload", "send", uid, a, "--chunk-size", "1M"), 7,
                   "app.upload.upload_data.first_part_too_small.app_error")
        self.assertEqual(self.data_requests(uid), [(400, 5 * MIB)])
        self.fails(self.admin("upload", "send", uid, a, "--chunk-size", "1K"), 2, "--chunk-size")
        self.fails(self.admin("upload", "send", uid, a, "--retries", "1000"), 2)
        # Someone else's session: the GET is refused before any data.
        self.fails(self.user("upload", "send", uid, a), 5, "api.upload.get_upload.forbidden.app_error")
        self.server.set_state(enable_file_attachments=False)
        self.fails(self.admin("upload", "send", uid, a), 12, "api.file.attachments.disabled.app_error")

    def test_dry_run_sends_no_data(self):
        a = self.write("a.bin", os.urandom(12 * MIB))
        uid = self.session(a)
        self.server.clear_log()
        r = self.ok(self.admin("--dry-run", "upload", "send", uid, a, "--chunk-size", "6M"))
        self.assertEqual(r.out, "POST /api/v4/uploads/{0}\n({1} bytes of application/octet-stream)\n"
                                "POST /api/v4/uploads/{0}\n({2} bytes of application/octet-stream)\n"
                         .format(uid, 6 * MIB, 6 * MIB))
        self.assertEqual([e["method"] for e in self.server.request_log()], ["GET"])
        self.assertEqual(self.server.api("GET", "/uploads/" + uid, token=ADMIN_TOKEN).json()["file_offset"], 0)


class TestUploadFile(UploadBase):
    def test_formats_and_chunks(self):
        path, digest = self.big_file("clip.bin", 20 * MIB)
        r = self.ok(self.admin("upload", "file", CHANNEL_ID, path, "--chunk-size", "6M"))
        fid = r.out.split("\t")[0]
        self.assertEqual(self.server_sha(fid), digest)
        (create,) = self.server.find_requests("POST", "/api/v4/uploads")
        self.assertEqual(json.loads(create["body"])["file_size"], 20 * MIB)
        uid = [e["path"] for e in self.server.request_log() if e["path"].startswith("/api/v4/uploads/")][0]
        self.assertEqual(self.data_requests(uid.rsplit("/", 1)[1]),
                         [(204, 6 * MIB), (204, 6 * MIB), (204, 6 * MIB), (200, 2 * MIB)])
        r = self.ok(self.admin("upload", "file", CHANNEL_ID, path, "--filename", "renamed.bin", "-o", "json"))
        self.assertEqual(json.loads(r.out)["name"], "renamed.bin")
        r = self.ok(self.tty("upload", "file", CHANNEL_ID, path))
        self.assertRegex(r.out, r"^ID +NAME +SIZE +TYPE +CHANNEL\n")
        self.assertIn("100%", r.err)
        r = self.ok(self.tty("upload", "file", CHANNEL_ID, path, "-q"))
        self.assertEqual(r.err, "")
        # A small file goes in one request.
        small = self.write("s.txt", b"tiny")
        r = self.ok(self.admin("upload", "file", CHANNEL_ID, small, "-o", "json"))
        self.assertEqual(json.loads(r.out)["size"], 4)

    def test_resumes_after_connection_cut(self):
        path, digest = self.big_file("disk.img", 20 * MIB)
        # The stand-in keeps the first 7 MB of the first chunk, then
        # closes the connection without an answer.
        self.server.set_state(upload_cut={"after": 7000000, "times": 1})
        r = self.ok(self.admin("upload", "file", CHANNEL_ID, path, "--chunk-size", "8M", "-o", "json"))
        self.assertIn("resumed 1 time where the server stopped", r.err)
        info = json.loads(r.out)
        self.assertEqual(info["size"], 20 * MIB)
        self.assertEqual(self.server_sha(info["id"]), digest)
        uid = [e["path"] for e in self.server.request_log()
               if e["path"].startswith("/api/v4/uploads/")][0].rsplit("/", 1)[1]
        log = [(e["method"], e["status"], e["body_size"]) for e in self.server.request_log()
               if e["path"] == "/api/v4/uploads/" + uid]
        self.assertEqual(log, [("GET", 200, 0), ("POST", None, 8 * MIB), ("GET", 200, 0),
                               ("POST", 204, 8 * MIB), ("POST", 200, 20 * MIB - 7000000 - 8 * MIB)])

    def test_cut_in_first_part_restarts(self):
        path, digest = self.big_file("a.bin", 7 * MIB)
        # Under the 5 MiB minimum the server discards what it got.
        self.server.set_state(upload_cut={"after": MIB, "times": 1})
        r = self.ok(self.admin("upload", "file", CHANNEL_ID, path, "-o", "json"))
        self.assertEqual(self.server_sha(json.loads(r.out)["id"]), digest)

    def test_server_error_mid_way_is_resumed(self):
        path, digest = self.big_file("a.bin", 12 * MIB)
        self.server.add_fault("^/api/v4/uploads/", method="POST", status=503, times=1,
                              body={"id": "api.context.server_busy.app_error", "message": "busy"})
        r = self.ok(self.admin("upload", "file", CHANNEL_ID, path, "--chunk-size", "6M", "-o", "json"))
        self.assertEqual(self.server_sha(json.loads(r.out)["id"]), digest)
        self.assertIn("resumed 1 time", r.err)

    def test_bounded_retries_then_manual_resume(self):
        path, digest = self.big_file("a.bin", 12 * MIB)
        # Every data request is cut before the server keeps anything.
        self.server.set_state(upload_cut={"after": 0, "times": 100})
        r = self.fails(self.admin("upload", "file", CHANNEL_ID, path, "--chunk-size", "6M",
                                  "--retries", "2"), 3, "gave up after 2 resumes")
        m = re.search(r"the server holds (\d+) of (\d+) bytes: continue with "
                      r"'mmadm upload resume (\w{26}) (\S+)'", r.err)
        self.assertIsNotNone(m, r.err)
        self.assertEqual((int(m.group(1)), int(m.group(2)), m.group(4)), (0, 12 * MIB, path))
        posts = [e for e in self.server.find_requests("POST") if "/uploads/" in e["path"]]
        self.assertEqual(len(posts), 3)          # the first try and two resumes
        self.server.set_state(upload_cut=None)
        r = self.ok(self.admin("upload", "resume", m.group(3), path, "-o", "json"))
        self.assertEqual(self.server_sha(json.loads(r.out)["id"]), digest)

    def test_errors(self):
        a = self.write("a.bin", b"x" * 100)
        self.fails(self.admin("upload", "file", CHANNEL_ID, "missing.bin"), 13)
        self.fails(self.admin("upload", "file", CHANNEL_ID), 2, "FILE")
        self.no_requests()
        # A bad option is found before the session is created: no orphan
        # session is left on the server.
        for size in ("0", "1K", "lots"):
            self.fails(self.admin("upload", "file", CHANNEL_ID, a, "--chunk-size", size),
                       2, "--chunk-size")
        self.assertEqual(self.server.find_requests("POST", "/api/v4/uploads"), [])
        self.no_requests()
        r = self.ok(self.admin("upload", "list", "-o", "json"))
        self.assertEqual(json.loads(r.out), [])
        self.fails(self.user("upload", "file", OTHER_CHANNEL, a), 5)
        self.fails(self.admin("upload", "file", "z" * 26, a), 7, "channel_id")
        self.fails(self.run_mmadm("upload", "file", CHANNEL_ID, a,
                                  env={"MMADM_URL": self.server.url, "MMADM_TOKEN": "y" * 26}), 4)

    def test_dry_run_sends_nothing(self):
        a = self.write("a.bin", os.urandom(7 * MIB))
        r = self.ok(self.admin("upload", "file", CHANNEL_ID, a, "--dry-run", "--chunk-size", "4M"))
        self.assertTrue(r.out.startswith("POST /api/v4/uploads\n"), r.out)
        self.assertTrue(r.out.endswith("POST /api/v4/uploads/{upload_id}\n(%d bytes of application/octet-stream)\n"
                                       "POST /api/v4/uploads/{upload_id}\n(%d bytes of application/octet-stream)\n"
                                       % (5 * MIB, 2 * MIB)), r.out)
        self.no_requests()

    def test_large_upload_streams(self):
        path, digest = self.big_file("large.bin", 64 * MIB)
        rc, out, err, rss = self.run_rss("upload", "file", CHANNEL_ID, path, "-o", "json")
        self.assertEqual(rc, 0, err)
        info = json.loads(out)
        self.assertEqual(self.server_sha(info["id"]), digest)
        self.assert_small(rss, "a 64 MiB upload session")


class TestLocal(UploadBase):
    def test_import_over_socket(self):
        path, digest = self.big_file("import.zip", 6 * MIB)
        r = self.ok(self.run_mmadm("upload", "create", "--type", "import", path, "-o", "json",
                                   env=self.local_env()))
        doc = json.loads(r.out)
        self.assertEqual((doc["type"], doc["user_id"]), ("import", "nouser"))
        r = self.ok(self.run_mmadm("upload", "list", env=self.local_env()))
        self.assertEqual(r.out.split("\t")[0], doc["id"])
        self.assertTrue(self.server.find_requests("GET", "/api/v4/users/nouser/uploads", listener="local"))
        r = self.ok(self.run_mmadm("upload", "status", doc["id"], env=self.local_env()))
        r = self.ok(self.run_mmadm("upload", "send", doc["id"], path, "-o", "json", env=self.local_env()))
        self.assertEqual(self.server_sha(json.loads(r.out)["id"]), digest)
        self.assertEqual({e["listener"] for e in self.server.request_log() if e["path"].startswith("/api/v4/uploads")},
                         {"local"})
        for e in self.server.request_log():
            if e["listener"] == "local":
                self.assertNotIn("authorization", [k.lower() for k, _ in e["headers"]])

    def test_attachment_upload_refused_locally(self):
        a = self.write("a.bin", b"x")
        self.fails(self.run_mmadm("upload", "file", CHANNEL_ID, a, env=self.local_env()), 9,
                   "import sessions only")
        self.no_requests()
