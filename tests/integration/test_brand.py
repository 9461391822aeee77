"""The brand family against the stand-in: get (anonymous; 404 with an empty
body means none is set), upload (multipart field "image", 201 + OK),
delete (destructive), in every format, with the error paths, exit codes,
local-mode refusals and --dry-run."""
import base64
import json
import os

from test_file import Base, png


class TestBrand(Base):
    def test_get_none(self):
        r = self.fails(self.run_mmadm("brand", "get", env={"MMADM_URL": self.server.url}), 6,
                       "no brand image is set on this server")
        self.assertEqual(r.out, "")
        (req,) = self.server.find_requests("GET", "/api/v4/brand/image")
        self.assertNotIn("authorization", [k.lower() for k, _ in req["headers"]])
        self.fails(self.admin("brand", "get", "logo.png"), 6, "no brand image")
        self.assertFalse(os.path.exists(os.path.join(self.home, "logo.png")))

    def test_upload_get_delete(self):
        image = png(5, 4)
        path = self.write("logo.png", image)
        r = self.ok(self.admin("brand", "upload", path))
        self.assertEqual(r.out, "OK: brand image uploaded\n")
        (req,) = self.server.find_requests("POST", "/api/v4/brand/image")
        raw = base64.b64decode(req["body_b64"]) if req["body"] is None else req["body"].encode()
        self.assertIn(b'name="image"; filename="logo.png"', raw)
        self.assertEqual(req["status"], 201)
        r = self.ok(self.admin("brand", "upload", path, "-o", "json"))
        self.assertEqual(json.loads(r.out), {"status": "OK"})
        # Anonymous download, to standard output and to a file.
        r = self.ok(self.run_mmadm("brand", "get", env={"MMADM_URL": self.server.url}))
        self.assertEqual(r.out_bytes, image)
        r = self.ok(self.admin("brand", "get", "saved.png"))
        self.assertEqual(r.out, "saved.png\n")
        with open(os.path.join(self.home, "saved.png"), "rb") as f:
            self.assertEqual(f.read(), image)
        self.fails(self.admin("brand", "get", "saved.png"), 13, "already exists")
        r = self.ok(self.admin("brand", "get", "saved.png", "--force", "-o", "json"))
        self.assertEqual(json.loads(r.out)["bytes"], len(image))
        os.mkdir(os.path.join(self.home, "d"))
        r = self.ok(self.admin("brand", "get", "d"))
        self.assertEqual(r.out, "d/brand.png\n")
        self.fails(self.tty("brand", "get"), 2, "terminal")
        # Delete: destructive.
        self.fails(self.admin("brand", "delete"), 2, "--yes")
        r = self.ok(self.admin("brand", "delete", "--yes"))
        self.assertEqual(r.out, "OK: brand image deleted\n")
        self.fails(self.admin("brand", "delete", "--yes"), 6,
                   "api.admin.delete_brand_image.storage.not_found")
        self.server.set_state(brand_image=base64.b64encode(image).decode())
        r = self.ok(self.admin("brand", "delete", "--yes", "-o", "json"))
        self.assertEqual(json.loads(r.out), {"status": "OK"})
        self.assertEqual(self.server.api("GET", "/brand/image").status, 404)

    def test_upload_errors(self):
        image = self.write("logo.png", png())
        text = self.write("notes.txt", b"not an image")
        self.fails(self.user("brand", "upload", image), 5, "api.context.permissions.app_error")
        self.fails(self.admin("brand", "upload", text), 7, "brand.save_brand_image.decode.app_error")
        self.server.set_state(max_file_size=10)
        self.fails(self.admin("brand", "upload", image), 7,
                   "api.admin.upload_brand_image.too_large.app_error")
        self.server.set_state(max_file_size=104857600)
        self.server.add_fault("^/api/v4/brand/image$", method="POST", status=500,
                              body={"id": "brand.save_brand_image.save_image.app_error",
                                    "message": "cannot save"})
        self.fails(self.admin("brand", "upload", image), 8, "cannot save")
        self.server.clear_faults()
        self.server.clear_log()
        self.fails(self.admin("brand", "upload", os.path.join(self.home, "missing.png")), 13)
        self.fails(self.run_mmadm("brand", "upload", image, env={"MMADM_URL": self.server.url}), 4,
                   "no token")
        self.no_requests()
        self.fails(self.user("brand", "delete", "--yes"), 5)
        self.fails(self.run_mmadm("brand", "delete", "--yes",
                                  env={"MMADM_URL": self.server.url, "MMADM_TOKEN": "q" * 26}), 4)

    def test_not_local(self):
        image = self.write("logo.png", png())
        for args in (("get",), ("upload", image), ("delete", "--yes")):
            self.fails(self.run_mmadm("brand", *args, env=self.local_env()), 9, "local socket")
        self.no_requests()

    def test_dry_run(self):
        image = self.write("logo.png", png())
        r = self.ok(self.admin("--dry-run", "brand", "upload", image))
        self.assertEqual(r.out, "POST /api/v4/brand/image\nform file image: logo.png (%d bytes)\n" % len(png()))
        r = self.ok(self.admin("--dry-run", "brand", "delete"))
        self.assertEqual(r.out, "DELETE /api/v4/brand/image\n")
        self.no_requests()
