"""The license family against the stand-in server: upload (streamed
multipart), remove, show, load-metric, trial and previous-trial."""
import json
import os
import re

from harness import ADMIN_TOKEN, MmadmTestCase

PERM_ID = "api.context.permissions.app_error"
LICENSE_ID = "abcdefghijklmnopqrstuvwxyz"


class Base(MmadmTestCase):
    def anon(self, *args, **kw):
        return self.run_mmadm(*args, env={"MMADM_URL": self.server.url}, **kw)

    def license_file(self, **fields):
        fields.setdefault("id", LICENSE_ID)
        fields.setdefault("customer", {"company": "ACME Corp"})
        path = os.path.join(self.home, "mattermost.license")
        with open(path, "w") as f:
            json.dump(fields, f)
        return path


class TestUpload(Base):
    def test_upload_formats(self):
        path = self.license_file()
        r = self.ok(self.admin("license", "upload", path, "-o", "table"))
        head, row = r.out.splitlines()
        self.assertRegex(head, r"^ID\s+SKU\s+COMPANY\s+USERS\s+STARTS\s+EXPIRES\s+TRIAL$")
        self.assertRegex(row, LICENSE_ID + r"\s+enterprise\s+ACME Corp\s+1000\s+"
                         r"\d{4}-\d\d-\d\d \d\d:\d\d UTC\s+\d{4}-\d\d-\d\d \d\d:\d\d UTC\s+false")
        self.assertEqual(r.err, "")  # no progress bar without a terminal
        (req,) = self.server.find_requests("POST", "/api/v4/license")
        ctype = [v for k, v in req["headers"] if k.lower() == "content-type"][0]
        self.assertTrue(ctype.startswith("multipart/form-data; boundary="), ctype)
        self.assertIn('name="license"; filename="mattermost.license"', req["body"])
        r = self.ok(self.admin("license", "upload", path))
        self.assertTrue(r.out.startswith(LICENSE_ID + "\tenterprise\tACME Corp\t1000\t"), r.out)
        r = self.ok(self.admin("license", "upload", path, "--json"))
        doc = json.loads(r.out)
        self.assertEqual(doc["id"], LICENSE_ID)
        self.assertIsInstance(doc["expires_at"], int)     # the server's object as sent
        self.assertNotIn("expires_date", doc)
        self.assertEqual(self.anon("license", "show", "-o", "json").out.count('"IsLicensed": "true"'), 1)

    def test_spec_style_answer(self):
        # the seed spec: 201 with {"status":"OK"}
        self.server.add_fault(path_regex="^/api/v4/license$", method="POST", status=201,
                              body={"status": "OK"})
        r = self.ok(self.admin("license", "upload", self.license_file()))
        self.assertEqual(r.out, "OK: license uploaded\n")
        r = self.ok(self.admin("license", "upload", self.license_file(), "--json"))
        self.assertEqual(json.loads(r.out), {"status": "OK"})

    def test_rejected(self):
        self.fails(self.admin("license", "upload", self.license_file(signature="invalid")), 7,
                   "api.license.add_license.invalid.app_error", "400")
        self.fails(self.admin("license", "upload", self.license_file(expires_at=1)), 7,
                   "api.license.add_license.expired.app_error")

    def test_permission_and_local(self):
        self.fails(self.user("license", "upload", self.license_file()), 5, PERM_ID)
        self.ok(self.local("license", "upload", self.license_file()))
        (req,) = self.server.find_requests("POST", "/api/v4/license", listener="local")
        self.assertEqual(req["status"], 200)

    def test_missing_file_and_dry_run(self):
        self.fails(self.admin("license", "upload", os.path.join(self.home, "nope")), 13,
                   "cannot open", "nope")
        self.fails(self.admin("license", "upload", self.home), 13, "not a regular file")
        r = self.ok(self.admin("license", "upload", self.license_file(), "--dry-run"))
        self.assertEqual(r.out, "POST /api/v4/license\nform file license: mattermost.license "
                                "(%d bytes)\n" % os.path.getsize(self.license_file()))
        self.assertEqual(self.server.request_log(), [])
        self.fails(self.admin("license", "upload"), 2)

    def test_server_error(self):
        self.server.add_fault(path_regex="^/api/v4/license$", status=500,
                              body={"id": "app.license.save", "message": "Cannot save."})
        self.fails(self.admin("license", "upload", self.license_file()), 8, "Cannot save.")


class TestRemove(Base):
    def test_remove(self):
        self.server.set_state(license=True)
        r = self.ok(self.admin("license", "remove", "--yes"))
        self.assertIn("license removed", r.out)
        self.assertFalse(self.server.get_state()["license"])
        r = self.ok(self.admin("license", "remove", "--yes", "--json"))
        self.assertEqual(json.loads(r.out), {"status": "OK"})
        self.ok(self.local("license", "remove", "--yes"))

    def test_confirm_permission_dry_run(self):
        self.server.set_state(license=True)
        self.fails(self.admin("license", "remove"), 2, "--yes")
        self.fails(self.user("license", "remove", "--yes"), 5, PERM_ID)
        self.server.clear_log()
        r = self.ok(self.admin("license", "remove", "--dry-run"))
        self.assertEqual(r.out, "DELETE /api/v4/license\n")
        self.assertEqual(self.server.find_requests("DELETE"), [])
        self.assertTrue(self.server.get_state()["license"])


class TestShow(Base):
    def test_unlicensed_anonymous(self):
        r = self.ok(self.anon("license", "show"))
        self.assertEqual(r.out, "IsLicensed\tfalse\n")
        (req,) = self.server.find_requests("GET", "/api/v4/license/client")
        self.assertEqual(req["query"], "format=old")

    def test_licensed(self):
        self.server.set_state(license_data={"id": LICENSE_ID, "customer": {"company": "ACME"}})
        r = self.ok(self.admin("license", "show", "-o", "table"))
        self.assertRegex(r.out.splitlines()[0], r"^KEY\s+VALUE$")
        self.assertRegex(r.out, r"Id\s+" + LICENSE_ID)
        self.assertRegex(r.out, r"ExpiresAt\s+\d{4}-\d\d-\d\d \d\d:\d\d UTC \(\d{13}\)")
        r = self.ok(self.admin("license", "get", "--json"))
        doc = json.loads(r.out)
        self.assertEqual(doc["Company"], "ACME")
        self.assertTrue(re.fullmatch(r"\d{13}", doc["ExpiresAt"]))
        # without read_license_information the server leaves out the id
        doc = json.loads(self.ok(self.user("license", "show", "--json")).out)
        self.assertNotIn("Id", doc)
        self.assertEqual(doc["IsLicensed"], "true")
        r = self.ok(self.user("license", "show"))
        self.assertIn("SkuShortName\tenterprise\n", r.out)

    def test_errors(self):
        self.fails(self.local("license", "show"), 9, "local socket")
        self.server.add_fault(path_regex="^/api/v4/license/client$", status=502,
                              body="bad gateway", content_type="text/plain", times=5)
        self.fails(self.anon("license", "show"), 8, "502")
        self.server.clear_faults()
        self.server.add_fault(path_regex="^/api/v4/license/client$", status=404,
                              body={"id": "api.context.404.app_error", "message": "Not found."})
        self.fails(self.anon("license", "show"), 6, "api.context.404.app_error")


class TestLoadMetric(Base):
    def test_load(self):
        r = self.ok(self.admin("license", "load-metric", "-o", "table"))
        self.assertRegex(r.out, r"LOAD\s+ACTIVE/LICENSED\n0\s+0\.0%\n")
        self.server.set_state(license_data={"id": LICENSE_ID, "features": {"users": 10}})
        r = self.ok(self.admin("license", "load-metric", "--json"))
        load = json.loads(r.out)["load"]
        self.assertGreater(load, 0)
        r = self.ok(self.admin("license", "load-metric"))
        self.assertEqual(r.out, "%d\t%.1f%%\n" % (load, load / 10.0))

    def test_errors(self):
        self.fails(self.anon("license", "load-metric"), 4, "no token")
        self.fails(self.local("license", "load-metric"), 9)
        self.server.add_fault(path_regex="load_metric", status=500,
                              body={"id": "app.x", "message": "Broken."})
        self.fails(self.admin("license", "load-metric"), 8, "Broken.")
        self.assertEqual(self.server.find_requests(listener="local"), [])


class TestTrial(Base):
    def test_request(self):
        r = self.ok(self.admin("license", "trial", "--users", "25", "--accept-terms",
                               "--company-name", "ACME"))
        self.assertIn("trial license installed", r.out)
        (req,) = self.server.find_requests("POST", "/api/v4/trial-license")
        body = json.loads(req["body"])
        self.assertEqual(body, {"users": 25, "terms_accepted": True,
                                "receive_emails_accepted": False, "company_name": "ACME"})
        show = json.loads(self.ok(self.admin("license", "show", "--json")).out)
        self.assertEqual(show["IsTrial"], "true")
        self.assertEqual(show["Users"], "25")
        # one trial per server
        self.fails(self.admin("license", "request-trial", "--users", "25", "--accept-terms"),
                   7, "api.license.request-trial.can-start-trial.not-allowed")

    def test_usage(self):
        self.fails(self.admin("license", "trial", "--users", "25"), 2, "--accept-terms")
        self.fails(self.admin("license", "trial", "--accept-terms"), 2, "--users")
        self.fails(self.admin("license", "trial", "--users", "0", "--accept-terms"), 2)
        self.assertEqual(self.server.request_log(), [])

    def test_errors(self):
        self.fails(self.user("license", "trial", "--users", "5", "--accept-terms"), 5, PERM_ID)
        self.server.set_state(license_manager=False)
        self.fails(self.admin("license", "trial", "--users", "5", "--accept-terms"), 5,
                   "api.license.upgrade_needed.app_error")
        self.fails(self.local("license", "trial", "--users", "5", "--accept-terms"), 9)
        self.server.clear_log()
        r = self.ok(self.admin("license", "trial", "--users", "5", "--accept-terms", "--dry-run"))
        self.assertIn("POST /api/v4/trial-license", r.out)
        self.assertIn('"users": 5', r.out)
        self.assertEqual(self.server.request_log(), [])


class TestPreviousTrial(Base):
    def test_previous(self):
        r = self.ok(self.admin("license", "previous-trial"))
        self.assertEqual(r.out, "IsLicensed\tfalse\n")
        self.assertIn("never had a trial", r.err)
        self.ok(self.admin("license", "trial", "--users", "30", "--accept-terms"))
        r = self.ok(self.admin("license", "prev-trial", "--json"))
        doc = json.loads(r.out)
        self.assertEqual(doc["IsTrial"], "true")
        self.assertEqual(doc["Users"], "30")
        r = self.ok(self.admin("license", "previous-trial", "-o", "table"))
        self.assertRegex(r.out, r"SkuShortName\s+advanced")
        # sanitized for a user without read_license_information
        doc = json.loads(self.ok(self.user("license", "previous-trial", "--json")).out)
        self.assertNotIn("Id", doc)

    def test_errors(self):
        self.server.set_state(license_manager=False)
        self.fails(self.admin("license", "previous-trial"), 5,
                   "api.license.upgrade_needed.app_error")
        self.fails(self.local("license", "previous-trial"), 9)
        self.fails(self.anon("license", "previous-trial"), 4)


if __name__ == "__main__":
    import unittest
    unittest.main()


class TestErrorMatrix(Base):
    def test_status_codes(self):
        path = self.license_file()
        cases = [
            (("license", "upload", path), "POST", "^/api/v4/license$"),
            (("license", "remove", "--yes"), "DELETE", "^/api/v4/license$"),
            (("license", "show"), "GET", "^/api/v4/license/client$"),
            (("license", "load-metric"), "GET", "^/api/v4/license/load_metric$"),
            (("license", "trial", "--users", "5", "--accept-terms"), "POST",
             "^/api/v4/trial-license$"),
            (("license", "previous-trial"), "GET", "^/api/v4/trial-license/prev$"),
        ]
        for args, method, regex in cases:
            for status, rc in ((400, 7), (404, 6), (500, 8), (501, 12)):
                with self.subTest(args=args, status=status):
                    self.server.clear_faults()
                    self.server.add_fault(path_regex=regex, method=method, status=status,
                                          times=5, body={"id": "test.fault.%d" % status,
                                                         "message": "Fault %d." % status})
                    r = self.admin(*args)
                    self.assertEqual(r.rc, rc, "%s: %s" % (args, r.err))
                    self.assertIn("test.fault.%d" % status, r.err)

    def test_user_token_is_refused(self):
        for args in (("license", "upload", self.license_file()), ("license", "remove", "--yes"),
                     ("license", "trial", "--users", "5", "--accept-terms")):
            with self.subTest(args=args):
                self.fails(self.user(*args), 5, PERM_ID)
