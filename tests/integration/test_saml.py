"""The saml family against the stand-in: metadata (anonymous XML, 501
without the SAML component), metadata-from-idp, certificate upload,
remove and status, and reset-auth-data (also over the local socket), in
every format, with the error paths, exit codes and --dry-run."""
import json
import os

from test_file import Base

CERT = (b"-----BEGIN CERTIFICATE-----\nMIIC8DCCAdigAwIBAgIQstandin\n"
        b"-----END CERTIFICATE-----\n")


class SamlBase(Base):
    server_args = ("--license",)


class TestMetadata(SamlBase):
    def test_metadata(self):
        r = self.ok(self.run_mmadm("saml", "metadata", env={"MMADM_URL": self.server.url}))
        self.assertTrue(r.out.startswith('<?xml version="1.0"'), r.out)
        self.assertIn("EntityDescriptor", r.out)
        r = self.ok(self.admin("saml", "metadata", "sp.xml"))
        self.assertEqual(r.out, "sp.xml\n")
        with open(os.path.join(self.home, "sp.xml")) as f:
            self.assertIn("AssertionConsumerService", f.read())
        os.mkdir(os.path.join(self.home, "d"))
        r = self.ok(self.admin("saml", "metadata", "d", "-o", "json"))
        doc = json.loads(r.out)
        self.assertEqual((doc["path"], doc["filename"], doc["content_type"]),
                         ("d/metadata.xml", "metadata.xml", "application/xml"))
        # XML is text: fine on a terminal.
        r = self.ok(self.tty("saml", "metadata"))
        self.assertIn("EntityDescriptor", r.out)
        self.server.set_state(license=False)
        self.fails(self.admin("saml", "metadata"), 12, "api.admin.saml.not_available.app_error")
        self.fails(self.run_mmadm("saml", "metadata", env=self.local_env()), 9)

    def test_metadata_from_idp(self):
        url = "https://idp.example.com/metadata"
        r = self.ok(self.admin("saml", "metadata-from-idp", url))
        self.assertEqual(r.out, "https://idp.example.com/sso/saml\thttps://idp.example.com/metadata\n")
        (req,) = self.server.find_requests("POST", "/api/v4/saml/metadatafromidp")
        self.assertEqual(json.loads(req["body"]), {"saml_metadata_url": url})
        r = self.ok(self.admin("saml", "metadata-from-idp", url, "-o", "json"))
        self.assertEqual(sorted(json.loads(r.out)),
                         ["idp_descriptor_url", "idp_public_certificate", "idp_url"])
        r = self.ok(self.tty("saml", "metadata-from-idp", url))
        self.assertRegex(r.out, r"^IDP_URL +DESCRIPTOR_URL\n")
        self.fails(self.admin("saml", "metadata-from-idp", "https://fail.example.com/md"), 7,
                   "app.admin.saml.failure_get_metadata_from_idp.app_error")
        self.fails(self.admin("saml", "metadata-from-idp", ""), 7, "saml_metadata_url")
        self.fails(self.user("saml", "metadata-from-idp", url), 5, "api.context.permissions.app_error")
        self.fails(self.run_mmadm("saml", "metadata-from-idp", url, env=self.local_env()), 9)
        r = self.ok(self.admin("--dry-run", "saml", "metadata-from-idp", url))
        self.assertEqual(r.out, 'POST /api/v4/saml/metadatafromidp\n{\n  "saml_metadata_url": "%s"\n}\n' % url)


class TestCertificates(SamlBase):
    def test_upload_status_remove(self):
        cert = self.write("idp.crt", CERT)
        r = self.ok(self.admin("saml", "certificate-status"))
        self.assertEqual(r.out, "false\tfalse\tfalse\n")
        for kind in ("idp", "public", "private"):
            r = self.ok(self.admin("saml", "certificate-upload", kind, cert))
            self.assertEqual(r.out, "OK: %s certificate uploaded\n" % kind)
            (req,) = self.server.find_requests("POST", "/api/v4/saml/certificate/" + kind)
            self.assertIn('name="certificate"; filename="idp.crt"', req["body"])
        cfg = self.server.config()["SamlSettings"]
        self.assertEqual((cfg["IdpCertificateFile"], cfg["PublicCertificateFile"], cfg["PrivateKeyFile"]),
                         ("saml-idp.crt", "saml-public.crt", "saml-private.key"))
        r = self.ok(self.admin("saml", "cert-status", "-o", "json"))
        self.assertEqual(json.loads(r.out), {"idp_certificate_file": True, "private_key_file": True,
                                             "public_certificate_file": True})
        r = self.ok(self.tty("saml", "certificate-status"))
        self.assertRegex(r.out, r"^IDP_CERTIFICATE +PUBLIC_CERTIFICATE +PRIVATE_KEY\ntrue +true +true\n$")
        self.server.patch_config({"SamlSettings": {"Encrypt": True}})
        self.fails(self.admin("saml", "certificate-remove", "public"), 2, "--yes")
        r = self.ok(self.admin("saml", "certificate-remove", "public", "--yes"))
        self.assertEqual(r.out, "OK: public certificate removed\n")
        self.assertFalse(self.server.config()["SamlSettings"]["Encrypt"])
        r = self.ok(self.admin("saml", "cert-remove", "idp", "--yes", "-o", "json"))
        self.assertEqual(json.loads(r.out), {"status": "OK"})
        r = self.ok(self.admin("saml", "certificate-status"))
        self.assertEqual(r.out, "false\tfalse\ttrue\n")
        self.assertTrue(self.server.find_requests("DELETE", "/api/v4/saml/certificate/idp"))

    def test_errors(self):
        cert = self.write("c.pem", CERT)
        self.fails(self.admin("saml", "certificate-upload", "other", cert), 2, "idp")
        self.fails(self.admin("saml", "certificate-remove", "other", "--yes"), 2)
        self.fails(self.admin("saml", "certificate-upload", "idp", os.path.join(self.home, "nope")), 13)
        self.no_requests()
        self.fails(self.user("saml", "certificate-upload", "idp", cert), 5, "api.context.permissions.app_error")
        self.fails(self.user("saml", "certificate-remove", "private", "--yes"), 5)
        self.fails(self.user("saml", "certificate-status"), 5)
        # Certificates count against the ordinary request size limit; the
        # server reports the multipart failure as a 400.
        self.server.patch_config({"ServiceSettings": {"MaximumPayloadSizeBytes": 10}})
        big = self.write("big.pem", CERT * 100)
        self.fails(self.admin("saml", "certificate-upload", "public", big), 7,
                   "api.admin.add_certificate.no_file.app_error")
        self.server.patch_config({"ServiceSettings": {"MaximumPayloadSizeBytes": 300000}})
        self.server.add_fault("/saml/certificate/status", status=500,
                              body={"id": "api.admin.saml.cert_status.app_error", "message": "disk"})
        self.fails(self.admin("saml", "certificate-status"), 8, "disk")
        self.server.clear_faults()
        self.fails(self.run_mmadm("saml", "certificate-status",
                                  env={"MMADM_URL": self.server.url, "MMADM_TOKEN": "w" * 26}), 4)
        for args in (("certificate-upload", "idp", cert), ("certificate-remove", "idp", "--yes"),
                     ("certificate-status",)):
            self.fails(self.run_mmadm("saml", *args, env=self.local_env()), 9, "local socket")

    def test_dry_run(self):
        cert = self.write("c.pem", CERT)
        r = self.ok(self.admin("--dry-run", "saml", "certificate-upload", "private", cert))
        self.assertEqual(r.out, "POST /api/v4/saml/certificate/private\nform file certificate: c.pem (%d bytes)\n"
                         % len(CERT))
        r = self.ok(self.admin("--dry-run", "saml", "certificate-remove", "private"))
        self.assertEqual(r.out, "DELETE /api/v4/saml/certificate/private\n")
        self.no_requests()


class TestResetAuthData(SamlBase):
    def test_preview_and_reset(self):
        self.server.set_state(saml_users=6)   # users 3 and 6 are deactivated
        self.fails(self.admin("saml", "reset-auth-data"), 2, "--yes")
        r = self.ok(self.admin("saml", "reset-auth-data", "--preview", "--yes"))
        self.assertEqual(r.out, "4 users would be reset to email login (preview: nothing changed)\n")
        (req,) = self.server.find_requests("POST", "/api/v4/saml/reset_auth_data")
        self.assertEqual(json.loads(req["body"]), {"include_deleted": False, "dry_run": True, "user_ids": []})
        r = self.ok(self.admin("saml", "reset-auth-data", "--preview", "--include-deleted", "--yes",
                               "-o", "json"))
        self.assertEqual(json.loads(r.out), {"num_affected": 6})
        u1 = "samluser1" + "0" * 16 + "a"
        u2 = "samluser2" + "0" * 16 + "a"
        r = self.ok(self.admin("saml", "reset-auth-data", "--user", u1, "--user", u2, "--yes"))
        self.assertEqual(r.out, "2 users reset to email login\n")
        self.assertEqual(self.server.get_state()["saml_users"], 4)
        r = self.ok(self.admin("saml", "reset-auth-data", "--yes"))
        self.assertEqual(r.out, "2 users reset to email login\n")
        r = self.ok(self.admin("saml", "reset-auth-data", "--yes", "--include-deleted"))
        self.assertEqual(r.out, "2 users reset to email login\n")
        r = self.ok(self.admin("saml", "reset-auth-data", "--yes"))
        self.assertEqual(r.out, "0 users reset to email login\n")

    def test_local_and_errors(self):
        self.server.set_state(saml_users=2)
        r = self.ok(self.run_mmadm("saml", "reset-auth-data", "--yes", "--preview", env=self.local_env()))
        self.assertEqual(r.out, "2 users would be reset to email login (preview: nothing changed)\n")
        (req,) = self.server.find_requests("POST", "/api/v4/saml/reset_auth_data")
        self.assertEqual(req["listener"], "local")
        self.fails(self.user("saml", "reset-auth-data", "--yes"), 5, "api.context.permissions.app_error")
        self.server.add_fault("/saml/reset_auth_data", status=500,
                              body={"id": "app.user.reset_auth_data_to_email.app_error", "message": "db"})
        self.fails(self.admin("saml", "reset-auth-data", "--yes"), 8,
                   "app.user.reset_auth_data_to_email.app_error")
        self.server.clear_faults()
        self.server.clear_log()
        r = self.ok(self.admin("--dry-run", "saml", "reset-auth-data", "--user", "abc"))
        self.assertEqual(r.out, 'POST /api/v4/saml/reset_auth_data\n{\n  "include_deleted": false,\n'
                                '  "dry_run": false,\n  "user_ids": [\n    "abc"\n  ]\n}\n')
        self.no_requests()
        self.assertEqual(self.server.get_state()["saml_users"], 2)
