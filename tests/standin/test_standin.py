"""Tests of the stand-in server itself.

Run from the repository root:  python3 -m unittest tests/standin/test_standin.py
"""

import base64
import copy
import gzip
import http.client
import io
import json
import os
import re
import socket
import stat
import sys
import tarfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))

from harness import (ADMIN_SESSION_TOKEN, ADMIN_TOKEN, CHANNEL_ID, FAKE_SETTING, OAUTH_TOKEN,  # noqa: E402
                     TEAM_ID, USER_SESSION_TOKEN, USER_TOKEN, StandinServer, UnixHTTPConnection)

SERVER = None
ID_RE = re.compile(r"^[a-z0-9]{26}$")


def setUpModule():
    global SERVER
    SERVER = StandinServer().start()


def tearDownModule():
    SERVER.stop()


def multipart(fields, files, boundary="XbOuNdArYx"):
    out = io.BytesIO()
    for name, value in fields:
        out.write(("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n"
                   % (boundary, name, value)).encode())
    for name, filename, data in files:
        out.write(("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                   "Content-Type: application/octet-stream\r\n\r\n" % (boundary, name, filename)).encode())
        out.write(data)
        out.write(b"\r\n")
    out.write(("--%s--\r\n" % boundary).encode())
    return out.getvalue(), "multipart/form-data; boundary=" + boundary


class Base(unittest.TestCase):
    def setUp(self):
        self.s = SERVER
        self.s.reset()

    def api(self, method, path, body=None, token=None, **kw):
        return self.s.api(method, path, body=body, token=token, **kw)

    def assertAppError(self, r, status, err_id):
        self.assertEqual(r.status, status, r.body)
        d = r.json()
        self.assertEqual(d["id"], err_id, d)
        self.assertEqual(d["status_code"], status)
        self.assertEqual(d["detailed_error"], "")
        self.assertEqual(d["request_id"], r.headers["X-Request-Id"])
        return d


class TestRoutingAndHeaders(Base):
    def test_unknown_path_is_catch_all_404(self):
        for method, path in (("GET", "/nope"), ("DELETE", "/system/ping"), ("PATCH", "/config")):
            r = self.api(method, path, token=ADMIN_TOKEN)
            self.assertEqual(r.status, 404)
            d = r.json()
            self.assertEqual(d["id"], "api.context.404.app_error")
            self.assertIn("Typo?", d["detailed_error"])
            self.assertIsNone(r.headers.get("X-Request-Id"))
            self.assertIsNone(r.headers.get("X-Version-Id"))

    def test_web_root(self):
        r = self.api("GET", "/")
        self.assertEqual(r.status, 200)
        self.assertTrue(r.headers["Content-Type"].startswith("text/html"))

    def test_api_headers(self):
        r = self.api("GET", "/system/ping")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.headers["Content-Type"], "application/json")
        self.assertRegex(r.headers["X-Request-Id"], ID_RE)
        self.assertRegex(r.headers["X-Version-Id"], r"^11\.1\.0\.4521\.[0-9a-f]{32}\.false$")
        self.assertEqual(r.headers["X-Content-Type-Options"], "nosniff")
        self.assertEqual(r.headers["Referrer-Policy"], "no-referrer")
        self.assertEqual(r.headers["Permissions-Policy"], "")
        self.assertEqual(r.headers["Expires"], "0")

    def test_version_toggle_and_license(self):
        self.s.set_state(server_version="10.11.2", build_number="dev", license=True)
        r = self.api("GET", "/system/ping")
        self.assertRegex(r.headers["X-Version-Id"], r"^10\.11\.2\.dev\.[0-9a-f]{32}\.true$")

    def test_request_id_matches_error_body(self):
        r = self.api("GET", "/config")
        self.assertAppError(r, 401, "api.context.session_expired.app_error")

    def test_developer_mode_shows_detail(self):
        self.s.set_state(enable_developer=True)
        r = self.api("GET", "/config", token=USER_TOKEN)
        self.assertEqual(r.status, 403)
        self.assertIn("permission=", r.json()["detailed_error"])

    def test_gzip_when_accepted(self):
        r = self.api("GET", "/config", token=ADMIN_TOKEN, headers={"Accept-Encoding": "gzip"})
        self.assertEqual(r.headers["Content-Encoding"], "gzip")
        self.assertIn("ServiceSettings", json.loads(gzip.decompress(r.body)))
        r = self.api("GET", "/config", token=ADMIN_TOKEN)
        self.assertIsNone(r.headers.get("Content-Encoding"))


class TestAuth(Base):
    def test_no_token_on_session_route(self):
        self.assertAppError(self.api("GET", "/users/me"), 401, "api.context.session_expired.app_error")

    def test_bearer_case_insensitive_and_token_scheme(self):
        for h in ("Bearer " + ADMIN_TOKEN, "bEaReR " + ADMIN_TOKEN, "BEARER " + ADMIN_TOKEN,
                  "Token " + ADMIN_TOKEN, "token " + ADMIN_TOKEN):
            r = self.api("GET", "/users/me", headers={"Authorization": h})
            self.assertEqual(r.status, 200, h)
            self.assertEqual(r.json()["username"], "sysadmin")

    def test_bearer_needs_exactly_one_space(self):
        r = self.api("GET", "/users/me", headers={"Authorization": "Bearer  " + ADMIN_TOKEN})
        self.assertAppError(r, 401, "api.context.session_expired.app_error")

    def test_cookie_wins_over_header(self):
        r = self.api("GET", "/users/me", headers={"Authorization": "Bearer " + ADMIN_TOKEN,
                                                  "Cookie": "MMAUTHTOKEN=stale0000000000000000000000"})
        self.assertAppError(r, 401, "api.context.session_expired.app_error")
        r = self.api("GET", "/users/me", headers={"Authorization": "Bearer nonsense",
                                                  "Cookie": "MMAUTHTOKEN=" + USER_TOKEN})
        self.assertEqual(r.json()["username"], "user1")

    def test_cookie_csrf_on_writes(self):
        h = {"Cookie": "MMAUTHTOKEN=" + ADMIN_TOKEN}
        r = self.api("POST", "/database/recycle", headers=h)
        self.assertAppError(r, 401, "api.context.session_expired.app_error")
        r = self.api("POST", "/database/recycle", headers=dict(h, **{"X-Requested-With": "XMLHttpRequest"}))
        self.assertEqual(r.status, 200)
        # Anonymous routes too (checkCSRFToken looks at every non-GET
        # request the cookie authenticates): the handler does not run.
        r = self.api("POST", "/users/logout", headers=h)
        self.assertAppError(r, 401, "api.context.session_expired.app_error")
        self.assertEqual(self.api("GET", "/users/me", token=ADMIN_TOKEN).status, 200)

    def test_header_beats_query(self):
        r = self.api("GET", "/users/me?access_token=" + USER_TOKEN, token=ADMIN_TOKEN)
        self.assertEqual(r.json()["username"], "sysadmin")

    def test_access_token_query(self):
        self.assertAppError(self.api("GET", "/users/me?access_token=" + ADMIN_TOKEN), 401,
                            "api.context.token_provided.app_error")
        # even on anonymous routes
        self.assertAppError(self.api("GET", "/system/ping?access_token=" + ADMIN_TOKEN), 401,
                            "api.context.token_provided.app_error")
        r = self.api("GET", "/users/me?access_token=" + OAUTH_TOKEN)
        self.assertEqual(r.status, 200)

    def test_anon_route_ignores_bad_token(self):
        r = self.api("GET", "/system/ping", token="garbage")
        self.assertEqual(r.status, 200)
        r = self.api("GET", "/config/client", token="garbage")
        self.assertEqual(r.status, 200)
        self.assertNotIn("EnableUserAccessTokens", r.json())   # limited config
        r = self.api("GET", "/config/client", token=ADMIN_TOKEN)
        self.assertIn("EnableUserAccessTokens", r.json())

    def test_pat_disabled(self):
        self.s.set_state(user_access_tokens=False)
        self.assertAppError(self.api("GET", "/users/me", token=ADMIN_TOKEN), 401,
                            "api.context.session_expired.app_error")
        self.assertEqual(self.api("GET", "/users/me", token=ADMIN_SESSION_TOKEN).status, 200)

    def test_login_and_logout(self):
        r = self.api("POST", "/users/login", {"login_id": "sysadmin", "password": "Sys-admin-pass1"})
        self.assertEqual(r.status, 200, r.body)
        tok = r.headers["Token"]
        self.assertRegex(tok, ID_RE)
        self.assertEqual(r.json()["username"], "sysadmin")
        self.assertNotIn("password", r.json())
        self.assertIsNone(r.headers.get("Set-Cookie"))
        self.assertEqual(self.api("GET", "/users/me", token=tok).json()["id"], r.json()["id"])
        self.assertEqual(self.api("POST", "/users/logout", token=tok).json(), {"status": "OK"})
        self.assertEqual(self.api("GET", "/users/me", token=tok).status, 401)

    def test_login_by_email_and_id(self):
        r = self.api("POST", "/users/login", {"login_id": "USER1@example.com", "password": "User1-pass1"})
        self.assertEqual(r.status, 200)
        r = self.api("POST", "/users/login", {"id": r.json()["id"], "password": "User1-pass1"})
        self.assertEqual(r.status, 200)

    def test_login_errors(self):
        self.assertAppError(self.api("POST", "/users/login", {"login_id": "sysadmin", "password": "nope"}),
                            401, "api.user.login.invalid_credentials_email_username")
        self.assertAppError(self.api("POST", "/users/login", {"login_id": "ghost", "password": "x"}),
                            401, "api.user.login.invalid_credentials_email_username")
        self.assertAppError(self.api("POST", "/users/login", {"login_id": "sysadmin"}),
                            400, "api.user.login.blank_pwd.app_error")
        # non-string values are dropped -> blank password
        self.assertAppError(self.api("POST", "/users/login", {"login_id": "sysadmin", "password": 5}),
                            400, "api.user.login.blank_pwd.app_error")
        self.assertAppError(self.api("POST", "/users/login", "not json"),
                            400, "api.user.login.blank_pwd.app_error")

    def test_login_mfa(self):
        body = {"login_id": "mfaadmin", "password": "Mfa-admin-pass1"}
        self.assertAppError(self.api("POST", "/users/login", body), 401,
                            "mfa.validate_token.authenticate.app_error")
        self.assertAppError(self.api("POST", "/users/login", dict(body, token="abc")), 401,
                            "mfa.validate_token.authenticate.app_error")
        self.assertAppError(self.api("POST", "/users/login", dict(body, token="654321")), 401,
                            "api.user.check_user_mfa.bad_code.app_error")
        r = self.api("POST", "/users/login", dict(body, token="123456"))
        self.assertEqual(r.status, 200)
        self.assertTrue(r.json()["mfa_active"])
        # wrong password never reveals MFA
        self.assertAppError(self.api("POST", "/users/login", dict(body, password="x")), 401,
                            "api.user.login.invalid_credentials_email_username")

    def test_login_cookies_only_with_xrw(self):
        r = self.api("POST", "/users/login", {"login_id": "user1", "password": "User1-pass1"},
                     headers={"X-Requested-With": "XMLHttpRequest"})
        self.assertIn("MMAUTHTOKEN=", r.headers["Set-Cookie"])

    def test_pat_create_and_revoke(self):
        r = self.api("POST", "/users/me/tokens", {"description": "ci"}, token=ADMIN_SESSION_TOKEN)
        self.assertEqual(r.status, 200, r.body)
        d = r.json()
        self.assertEqual(self.api("GET", "/users/me", token=d["token"]).status, 200)
        self.assertAppError(self.api("POST", "/users/me/tokens", {}, token=ADMIN_TOKEN), 400,
                            "api.context.invalid_body_param.app_error")
        self.assertEqual(self.api("POST", "/users/tokens/revoke", {"token_id": d["id"]},
                                  token=ADMIN_TOKEN).status, 200)
        self.assertEqual(self.api("GET", "/users/me", token=d["token"]).status, 401)
        self.s.set_state(user_access_tokens=False)
        self.assertAppError(self.api("POST", "/users/me/tokens", {"description": "x"},
                                     token=ADMIN_SESSION_TOKEN), 501, "app.user_access_token.disabled")


class TestPermissionsOrdering(Base):
    def test_regular_user_403(self):
        for method, path in (("GET", "/config"), ("POST", "/database/recycle"), ("GET", "/audits"),
                             ("POST", "/caches/invalidate"), ("GET", "/remotecluster"),
                             ("POST", "/config/reload"), ("GET", "/server_busy")):
            self.assertAppError(self.api(method, path, token=USER_TOKEN), 403,
                                "api.context.permissions.app_error")

    def test_bad_body_before_permission_on_put_config(self):
        self.assertAppError(self.api("PUT", "/config", "{bad", token=USER_TOKEN), 400,
                            "api.context.invalid_body_param.app_error")
        self.assertAppError(self.api("PUT", "/config", {}, token=USER_TOKEN), 403,
                            "api.context.permissions.app_error")

    def test_file_test_403_first(self):
        self.assertAppError(self.api("POST", "/file/test", {}, token=USER_TOKEN), 403,
                            "api.context.permissions.app_error")
        self.assertAppError(self.api("POST", "/file/test", token=USER_TOKEN), 403,
                            "api.context.permissions.app_error")

    def test_s3_test_nil_fields_before_403(self):
        self.assertAppError(self.api("POST", "/file/s3_test", {}, token=USER_TOKEN), 400,
                            "api.file.test_connection_s3_settings_nil.app_error")
        cfg = self.api("GET", "/config", token=ADMIN_TOKEN).json()
        self.assertAppError(self.api("POST", "/file/s3_test", cfg, token=USER_TOKEN), 403,
                            "api.context.permissions.app_error")

    def test_email_test_nil_before_403(self):
        self.assertAppError(self.api("POST", "/email/test", {"EmailSettings": {}}, token=USER_TOKEN), 400,
                            "api.file.test_connection_email_settings_nil.app_error")
        self.assertAppError(self.api("POST", "/email/test", token=USER_TOKEN), 403,
                            "api.context.permissions.app_error")

    def test_brand_upload_parses_before_permission(self):
        r = self.api("POST", "/brand/image", b"x", token=USER_TOKEN,
                     headers={"Content-Type": "text/plain"})
        self.assertAppError(r, 400, "api.admin.upload_brand_image.parse.app_error")
        body, ct = multipart([], [("other", "a.png", b"x")])
        self.assertAppError(self.api("POST", "/brand/image", body, token=USER_TOKEN,
                                     headers={"Content-Type": ct}), 400,
                            "api.admin.upload_brand_image.no_file.app_error")
        body, ct = multipart([], [("image", "a.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 20)])
        self.assertAppError(self.api("POST", "/brand/image", body, token=USER_TOKEN,
                                     headers={"Content-Type": ct}), 403, "api.context.permissions.app_error")
        r = self.api("POST", "/brand/image", body, token=ADMIN_TOKEN, headers={"Content-Type": ct})
        self.assertEqual((r.status, r.json()), (201, {"status": "OK"}))
        r = self.api("GET", "/brand/image")
        self.assertEqual((r.status, r.headers["Content-Type"]), (200, "image/png"))

    def test_brand_image_none_is_empty_404(self):
        r = self.api("GET", "/brand/image")
        self.assertEqual(r.status, 404)
        self.assertEqual(r.body, b"")

    def test_plugins_disabled_501_before_403(self):
        self.s.set_state(plugins_enabled=False)
        self.assertAppError(self.api("GET", "/plugins", token=USER_TOKEN), 501, "app.plugin.disabled.app_error")
        self.s.set_state(plugins_enabled=True)
        self.assertAppError(self.api("GET", "/plugins", token=USER_TOKEN), 403, "api.context.permissions.app_error")

    def test_restrict_system_admin_nra(self):
        self.s.set_state(restrict_system_admin=True)
        self.assertAppError(self.api("POST", "/database/recycle", token=ADMIN_TOKEN), 403,
                            "api.context.permissions.app_error")
        self.assertEqual(self.api("GET", "/config", token=ADMIN_TOKEN).status, 200)


class TestPing(Base):
    def test_basic(self):
        d = self.api("GET", "/system/ping").json()
        self.assertEqual(d["status"], "OK")
        self.assertEqual(d["ActiveSearchBackend"], "database")
        self.assertNotIn("database_status", d)

    def test_server_status_and_root_status(self):
        r = self.api("GET", "/system/ping?get_server_status=true")
        d = r.json()
        self.assertEqual((d["database_status"], d["filestore_status"]), ("OK", "OK"))
        self.assertNotIn("root_status", d)
        self.assertEqual(r.headers["database_status"], "OK")
        d = self.api("GET", "/system/ping?get_server_status=true", token=ADMIN_TOKEN).json()
        self.assertIs(d["root_status"], False)
        d = self.api("GET", "/system/ping?get_server_status=true", token=USER_TOKEN).json()
        self.assertNotIn("root_status", d)
        d = self.api("GET", "/system/ping?get_server_status=true", local=True).json()
        self.assertIn("root_status", d)

    def test_unhealthy(self):
        self.s.set_state(ping_unhealthy=True)
        r = self.api("GET", "/system/ping")
        self.assertEqual(r.status, 500)
        self.assertEqual(r.json()["status"], "UNHEALTHY")
        r = self.api("GET", "/system/ping?use_rest_semantics=true")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json()["status"], "UNHEALTHY")

    def test_filestore_unhealthy(self):
        self.s.set_state(filestore_unhealthy=True)
        r = self.api("GET", "/system/ping?get_server_status=true&use_rest_semantics=true")
        self.assertEqual((r.status, r.json()["status"], r.json()["filestore_status"]), (200, "UNHEALTHY", "UNHEALTHY"))
        self.assertEqual(self.api("GET", "/system/ping").status, 200)

    def test_goroutine_threshold(self):
        self.s.set_state(goroutine_health_threshold=50)
        self.assertEqual(self.api("GET", "/system/ping").status, 500)


class TestConfig(Base):
    def get(self, q="", token=ADMIN_TOKEN):
        r = self.api("GET", "/config" + q, token=token)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.headers["Cache-Control"], "no-cache, no-store, must-revalidate")
        return r.json()

    def test_body_over_the_payload_limit_is_413(self):
        # The handlers wrap the decoder's MaxBytesError; handleContextError
        # turns it into 413 request_body_too_large.
        big = {"ServiceSettings": {"SiteURL": "http://x"}, "Pad": "x" * 301000}
        for method, path in (("PUT", "/config"), ("PUT", "/config/patch")):
            self.assertAppError(self.api(method, path, big, token=ADMIN_TOKEN), 413,
                                "api.context.request_body_too_large.app_error")

    def test_sanitized_over_tcp(self):
        c = self.get()
        for sec, key in (("SqlSettings", "DataSource"), ("SqlSettings", "AtRestEncryptKey"),
                         ("FileSettings", "PublicLinkSalt"), ("FileSettings", "AmazonS3SecretAccessKey"),
                         ("FileSettings", "AzureAccessKey"), ("EmailSettings", "SMTPPassword"),
                         ("LdapSettings", "BindPassword"), ("GitLabSettings", "Secret"),
                         ("GoogleSettings", "Secret"), ("Office365Settings", "Secret"),
                         ("OpenIdSettings", "Secret"), ("CacheSettings", "RedisPassword"),
                         ("ElasticsearchSettings", "Password"), ("ServiceSettings", "SplitKey")):
            self.assertEqual(c[sec][key], FAKE_SETTING, (sec, key))
        self.assertEqual(c["MessageExportSettings"]["GlobalRelaySettings"]["SMTPPassword"], FAKE_SETTING)
        self.assertEqual(c["FileSettings"]["ExportAmazonS3SecretAccessKey"], "")   # empty stays empty
        plugins = c["PluginSettings"]["Plugins"]
        self.assertEqual(sorted(plugins), ["com.github.manland.mattermost-plugin-gitlab", "jira"])
        self.assertEqual(plugins["jira"], {"jiraurl": "https://jira.example.com", "secret": FAKE_SETTING})
        self.assertGreater(len(json.dumps(c)), 15000)

    def test_unsanitized_locally(self):
        r = self.api("GET", "/config", local=True)
        c = r.json()
        self.assertIn("Db-Pa55word", c["SqlSettings"]["DataSource"])
        self.assertIn("com.example.uninstalled", c["PluginSettings"]["Plugins"])
        self.assertEqual(c["ServiceSettings"]["LocalModeSocketLocation"], self.s.socket_path)

    def test_plugins_disabled_drops_all_plugin_settings(self):
        self.s.set_state(plugins_enabled=False)
        self.assertEqual(self.get()["PluginSettings"]["Plugins"], {})

    def test_remove_masked_and_defaults(self):
        c = self.get("?remove_masked=true")
        self.assertNotIn("DataSource", c["SqlSettings"])
        self.assertNotIn("secret", c["PluginSettings"]["Plugins"]["jira"])
        c = self.get("?remove_defaults=true")
        self.assertEqual(c["ServiceSettings"]["SiteURL"], "http://localhost:8065")
        self.assertNotIn("ListenAddress", c["ServiceSettings"])
        self.assertNotIn("BleveSettings", c)
        c = self.get("?remove_defaults=1&remove_masked=t")
        self.assertNotIn("SqlSettings", c)

    def test_put_round_trip_restores_placeholders_except_two(self):
        self.s.set_state(config_patch={"SqlSettings": {
            "DataSourceReplicas": ["postgres://r:pw@replica/db"],
            "ReplicaLagSettings": [{"DataSource": "postgres://lag:pw@replica/db", "QueryAbsoluteLag": "", "QueryTimeLag": ""}]}})
        # ReplicaLagSettings QueryAbsoluteLag should be ints; fix through control
        raw = self.s.config()
        raw["SqlSettings"]["ReplicaLagSettings"] = [{"DataSource": "postgres://lag:pw@replica/db",
                                                     "QueryAbsoluteLag": 0, "QueryTimeLag": 0}]
        self.s.control("PUT", "config", raw)
        c = self.get()
        self.assertEqual(c["SqlSettings"]["DataSourceReplicas"], [FAKE_SETTING])
        r = self.api("PUT", "/config", c, token=ADMIN_TOKEN)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["SqlSettings"]["DataSource"], FAKE_SETTING)
        raw = self.s.config()
        self.assertIn("Db-Pa55word", raw["SqlSettings"]["DataSource"])
        self.assertEqual(raw["EmailSettings"]["SMTPPassword"], "Smtp-Pa55word!")
        self.assertEqual(raw["FileSettings"]["AmazonS3SecretAccessKey"], "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
        self.assertEqual(raw["PluginSettings"]["Plugins"]["jira"]["secret"], "jira-webhook-Secret-8d7f")
        self.assertEqual(raw["SqlSettings"]["DataSourceReplicas"], ["postgres://r:pw@replica/db"])
        # not restored in the fork:
        self.assertEqual(raw["CacheSettings"]["RedisPassword"], FAKE_SETTING)
        self.assertEqual(raw["SqlSettings"]["ReplicaLagSettings"][0]["DataSource"], FAKE_SETTING)
        # uninstalled plugin settings were invisible and are gone after the PUT
        self.assertNotIn("com.example.uninstalled", raw["PluginSettings"]["Plugins"])

    def test_put_fills_omitted_with_defaults(self):
        c = self.get()
        del c["TeamSettings"]["MaxUsersPerTeam"]
        c["TeamSettings"]["SiteName"] = "Renamed"
        del c["LdapSettings"]
        c["TeamSettings"]["EnableOpenServer"] = None
        r = self.api("PUT", "/config", c, token=ADMIN_TOKEN)
        self.assertEqual(r.status, 200, r.body)
        raw = self.s.config()
        self.assertEqual(raw["TeamSettings"]["SiteName"], "Renamed")
        self.assertEqual(raw["TeamSettings"]["MaxUsersPerTeam"], 50)
        self.assertEqual(raw["LdapSettings"]["BindPassword"], "")
        self.assertEqual(raw["LdapSettings"]["LdapServer"], "")

    def test_put_siteurl_cleared(self):
        c = self.get()
        del c["ServiceSettings"]["SiteURL"]
        self.assertAppError(self.api("PUT", "/config", c, token=ADMIN_TOKEN), 400,
                            "api.config.update_config.clear_siteurl.app_error")

    def test_put_pins_enable_uploads(self):
        c = self.get()
        c["PluginSettings"]["EnableUploads"] = True
        c["PluginSettings"]["MarketplaceURL"] = "https://evil.example.com"
        r = self.api("PUT", "/config", c, token=ADMIN_TOKEN)
        self.assertEqual(r.status, 200)
        raw = self.s.config()
        self.assertIs(raw["PluginSettings"]["EnableUploads"], False)
        self.assertEqual(raw["PluginSettings"]["MarketplaceURL"], "https://api.integrations.mattermost.com")

    def test_put_bad_bodies(self):
        for body in ("", "null", "[1]", "{bad", '{"ServiceSettings":{"SiteURL":5}}',
                     '{"FileSettings":{"MaxFileSize":1.5}}', '{"ServiceSettings":{"EnableDeveloper":"yes"}}',
                     '{"SqlSettings":{"DataSourceReplicas":"x"}}'):
            self.assertAppError(self.api("PUT", "/config", body, token=ADMIN_TOKEN), 400,
                                "api.context.invalid_body_param.app_error")
            self.assertAppError(self.api("PUT", "/config/patch", body, token=ADMIN_TOKEN), 400,
                                "api.context.invalid_body_param.app_error")

    def test_validation(self):
        d = self.assertAppError(self.api("PUT", "/config/patch", {"FileSettings": {"MaxFileSize": 0}},
                                         token=ADMIN_TOKEN), 400, "model.config.is_valid.max_file_size.app_error")
        self.assertTrue(d["message"])
        c = self.get()
        c["FileSettings"]["MaxFileSize"] = -5
        self.assertAppError(self.api("PUT", "/config", c, token=ADMIN_TOKEN), 400,
                            "model.config.is_valid.max_file_size.app_error")
        self.assertAppError(self.api("PUT", "/config/patch", {"ServiceSettings": {"SiteURL": "not a url"}},
                                     token=ADMIN_TOKEN), 400, "model.config.is_valid.site_url.app_error")
        self.assertEqual(self.s.config()["FileSettings"]["MaxFileSize"], 104857600)

    def test_patch_semantics(self):
        r = self.api("PUT", "/config/patch", {"TeamSettings": {"SiteName": "Patched"},
                                              "PluginSettings": {"Plugins": {"jira": {"jiraurl": "https://j2"}}}},
                     token=ADMIN_TOKEN)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["TeamSettings"]["SiteName"], "Patched")
        raw = self.s.config()
        self.assertEqual(raw["TeamSettings"]["MaxUsersPerTeam"], 50)      # kept
        self.assertEqual(raw["EmailSettings"]["SMTPPassword"], "Smtp-Pa55word!")
        self.assertEqual(raw["PluginSettings"]["Plugins"], {"jira": {"jiraurl": "https://j2"}})  # wholesale

    def test_patch_guards(self):
        self.assertAppError(self.api("PUT", "/config/patch", {"PluginSettings": {"EnableUploads": True}},
                                     token=ADMIN_TOKEN), 403, "api.config.update_config.not_allowed_security.app_error")
        self.assertEqual(self.api("PUT", "/config/patch", {"PluginSettings": {"EnableUploads": False}},
                                  token=ADMIN_TOKEN).status, 200)
        self.assertAppError(self.api("PUT", "/config/patch", {"PluginSettings": {
            "EnableUploads": False, "MarketplaceURL": "https://x"}}, token=ADMIN_TOKEN), 403,
            "api.config.update_config.not_allowed_security.app_error")
        self.assertAppError(self.api("PUT", "/config/patch", {"ServiceSettings": {"SiteURL": ""}},
                                     token=ADMIN_TOKEN), 400, "api.config.update_config.clear_siteurl.app_error")

    def test_local_put_skips_guards(self):
        r = self.api("PUT", "/config/patch", {"PluginSettings": {"EnableUploads": True}}, local=True)
        self.assertEqual(r.status, 200, r.body)
        self.assertIs(self.s.config()["PluginSettings"]["EnableUploads"], True)
        self.assertEqual(r.json()["SqlSettings"]["DataSource"], FAKE_SETTING)

    def test_reload_client_environment(self):
        self.assertEqual(self.api("POST", "/config/reload", token=ADMIN_TOKEN).json(), {"status": "OK"})
        self.assertEqual(self.api("GET", "/config/client?format=old").json()["SiteURL"], "http://localhost:8065")
        self.assertEqual(self.api("GET", "/config/environment", token=ADMIN_TOKEN).json(), {})
        self.s.set_state(env_overrides={"ServiceSettings.SiteURL": "https://env.example.com"})
        self.assertEqual(self.api("GET", "/config/environment", token=ADMIN_TOKEN).json(),
                         {"ServiceSettings": {"SiteURL": True}})
        self.assertEqual(self.api("GET", "/config/environment", token=USER_TOKEN).json(), {})
        self.api("PUT", "/config/patch", {"ServiceSettings": {"SiteURL": "https://other"}}, token=ADMIN_TOKEN)
        self.assertEqual(self.s.config()["ServiceSettings"]["SiteURL"], "https://env.example.com")

    def test_version_hash_changes_with_config(self):
        h1 = self.api("GET", "/system/ping").headers["X-Version-Id"]
        self.api("PUT", "/config/patch", {"TeamSettings": {"SiteName": "Changed"}}, token=ADMIN_TOKEN)
        h2 = self.api("GET", "/system/ping").headers["X-Version-Id"]
        self.assertNotEqual(h1, h2)


class TestFileTest(Base):
    def cfg(self):
        return self.api("GET", "/config", token=ADMIN_TOKEN).json()

    def post(self, body=None, token=ADMIN_TOKEN, path="/file/test"):
        return self.api("POST", path, body, token=token)

    def test_running_config(self):
        self.assertEqual(self.post().json(), {"status": "OK"})
        self.assertEqual(self.post("garbage").status, 200)

    def test_nil_fields(self):
        self.assertAppError(self.post({}), 400, "api.file.test_connection_settings_nil")
        c = self.cfg()
        del c["FileSettings"]["AzureContainer"]
        self.assertAppError(self.post(c), 400, "api.file.test_connection_settings_nil")

    def test_driver_switch(self):
        c = self.cfg()
        c["FileSettings"]["DriverName"] = "amazons3"
        self.assertAppError(self.post(c), 400, "api.admin.test_s3.missing_s3_bucket")
        c["FileSettings"]["AmazonS3Bucket"] = "my-bucket"
        self.assertEqual(self.post(c).status, 200)          # placeholder secret swapped
        c["FileSettings"]["AmazonS3Bucket"] = "missing-bucket"
        self.assertAppError(self.post(c), 500, "api.file.test_connection_s3_bucket_does_not_exist.app_error")
        c["FileSettings"]["AmazonS3AccessKeyId"] = "bad-key"
        self.assertAppError(self.post(c), 500, "api.file.test_connection_s3_auth.app_error")
        c = self.cfg()
        c["FileSettings"]["DriverName"] = "azureblob"
        d = self.assertAppError(self.post(c), 400, "api.admin.test_azure.missing_azure_field")
        self.assertIn("AzureStorageAccount", d["message"])
        c["FileSettings"]["AzureStorageAccount"] = "acct"
        d = self.assertAppError(self.post(c), 400, "api.admin.test_azure.missing_azure_field")
        self.assertIn("AzureContainer", d["message"])
        c["FileSettings"]["AzureContainer"] = "cont"
        self.assertEqual(self.post(c).status, 200)
        for drv in ("", "ftp"):
            c["FileSettings"]["DriverName"] = drv
            self.assertAppError(self.post(c), 400, "api.file.test_connection_unsupported_driver")
        self.assertEqual(self.s.config()["FileSettings"]["DriverName"], "local")   # nothing persisted

    def test_placeholder_kept_when_running_unset(self):
        self.s.set_state(config_patch={"FileSettings": {"AmazonS3SecretAccessKey": ""}})
        c = self.cfg()
        c["FileSettings"].update({"DriverName": "amazons3", "AmazonS3Bucket": "b",
                                  "AmazonS3SecretAccessKey": FAKE_SETTING})
        self.assertAppError(self.post(c), 500, "api.file.test_connection_s3_auth.app_error")

    def test_endpoint_absent_mode(self):
        self.s.set_state(file_test_endpoint=False)
        r = self.post()
        self.assertEqual(r.status, 404)
        self.assertEqual(r.json()["id"], "api.context.404.app_error")
        self.assertIsNone(r.headers.get("X-Request-Id"))

    def test_s3_test(self):
        c = self.cfg()
        for k in [k for k in c["FileSettings"] if "Azure" in k]:
            del c["FileSettings"][k]            # an 11.1-shaped FileSettings is complete
        self.assertAppError(self.post(c, path="/file/s3_test"), 400, "api.admin.test_s3.missing_s3_bucket")
        c["FileSettings"]["AmazonS3Bucket"] = "bucket"
        self.assertEqual(self.post(c, path="/file/s3_test").status, 200)
        del c["FileSettings"]["AmazonS3Region"]
        self.assertAppError(self.post(c, path="/file/s3_test"), 400,
                            "api.file.test_connection_s3_settings_nil.app_error")


class TestLocalMode(Base):
    def test_socket_mode(self):
        st = os.stat(self.s.socket_path)
        self.assertTrue(stat.S_ISSOCK(st.st_mode))
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o600)
        self.assertEqual(st.st_uid, os.getuid())

    def test_local_subset(self):
        for method, path in (("POST", "/database/recycle"), ("GET", "/remotecluster"),
                             ("POST", "/file/test"), ("GET", "/config/environment"),
                             ("GET", "/audits"), ("POST", "/caches/invalidate")):
            r = self.api(method, path, local=True)
            self.assertEqual(r.status, 404, path)
            self.assertEqual(r.json()["id"], "api.context.404.app_error")
        self.assertEqual(self.api("GET", "/server_busy", local=True).status, 200)
        self.assertEqual(self.api("GET", "/logs", local=True).status, 200)

    def test_socket_has_no_web_app(self):
        # The socket's router holds the API and nothing else: mux's own 404.
        for method, path in (("GET", "/"), ("HEAD", "/"), ("GET", "/api/v3/x")):
            r = self.api(method, path, local=True)
            self.assertEqual(r.status, 404, path)
            self.assertEqual(r.body, b"404 page not found\n" if method == "GET" else b"")
            self.assertTrue(r.headers["Content-Type"].startswith("text/plain"))
        self.assertEqual(self.api("GET", "/", local=False).status, 200)
        r = self.api("GET", "/api/v4/nope", local=True)
        self.assertEqual(r.json()["id"], "api.context.404.app_error")

    def test_local_only_routes(self):
        self.assertEqual(self.api("POST", "/integrity", token=ADMIN_TOKEN).status, 404)
        self.assertEqual(self.api("POST", "/config/migrate", {"from": "a", "to": "b"}, token=ADMIN_TOKEN).status, 404)
        r = self.api("POST", "/integrity", local=True)
        self.assertEqual(r.status, 200)
        self.assertTrue(all(x["err"] is None for x in r.json()))
        self.s.set_state(integrity_fail=True)
        self.assertTrue(any(x["err"] is not None for x in self.api("POST", "/integrity", local=True).json()))

    def test_migrate(self):
        self.assertAppError(self.api("POST", "/config/migrate", {"to": "x"}, local=True), 400,
                            "api.context.invalid_body_param.app_error")
        dst = os.path.join(self.s.tmpdir, "migrated.json")
        r = self.api("POST", "/config/migrate", {"from": "postgres://u:p@h/db", "to": dst}, local=True)
        self.assertEqual(r.status, 200, r.body)
        with open(dst) as f:
            self.assertIn("Db-Pa55word", json.load(f)["SqlSettings"]["DataSource"])
        self.assertAppError(self.api("POST", "/config/migrate", {"from": "/nonexistent/x.json", "to": dst},
                                     local=True), 500, "api.config.migrate_config.app_error")

    def test_unix_client_no_auth_and_log(self):
        conn = UnixHTTPConnection(self.s.socket_path)
        conn.request("GET", "/api/v4/server_busy")
        r = conn.getresponse()
        self.assertEqual(r.status, 200)
        self.assertEqual(json.loads(r.read())["busy"], False)
        conn.close()
        log = self.s.request_log()
        self.assertEqual(log[-1]["listener"], "local")


class TestFaultsAndTransport(Base):
    def test_keepalive_1000_requests(self):
        self.s.reset()
        conn = http.client.HTTPConnection("127.0.0.1", self.s.port, timeout=10)
        for i in range(1000):
            conn.request("GET", "/api/v4/system/ping", headers={"Authorization": "Bearer " + ADMIN_TOKEN})
            r = conn.getresponse()
            r.read()
            self.assertEqual(r.status, 200)
        conn.close()
        st = self.s.stats()
        self.assertEqual(st["requests"], 1000)
        self.assertEqual(st["connections"], 1)

    def test_status_fault_and_times(self):
        self.s.add_fault("^/api/v4/system/ping$", status=503, body={"id": "x", "message": "m"}, times=2)
        self.assertEqual(self.api("GET", "/system/ping").status, 503)
        self.assertEqual(self.api("GET", "/system/ping").status, 503)
        self.assertEqual(self.api("GET", "/system/ping").status, 200)

    def test_rate_limit_fault(self):
        self.s.add_fault("/users/me", rate_limit=True, retry_after=3)
        r = self.api("GET", "/users/me", token=ADMIN_TOKEN)
        self.assertEqual(r.status, 429)
        self.assertEqual(r.body, b"limit exceeded\n")
        self.assertTrue(r.headers["Content-Type"].startswith("text/plain"))
        self.assertEqual(r.headers["Retry-After"], "3")
        self.assertEqual(r.headers["X-RateLimit-Remaining"], "0")
        self.assertIsNotNone(r.headers["X-RateLimit-Limit"])
        self.assertIsNotNone(r.headers["X-RateLimit-Reset"])

    def test_method_filter_and_headers(self):
        self.s.add_fault("/config", method="PUT", status=500, body="boom", content_type="text/plain",
                         headers={"X-Extra": "1"})
        self.assertEqual(self.api("GET", "/config", token=ADMIN_TOKEN).status, 200)
        r = self.api("PUT", "/config", {}, token=ADMIN_TOKEN)
        self.assertEqual((r.status, r.body, r.headers["X-Extra"]), (500, b"boom", "1"))

    def test_drop_connection(self):
        self.s.add_fault("/system/ping", drop_connection=True, times=1)
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionError)):
            self.api("GET", "/system/ping")
        self.assertEqual(self.api("GET", "/system/ping").status, 200)

    def test_truncate(self):
        self.s.add_fault("/config$", truncate=True, times=1)
        with self.assertRaises(http.client.IncompleteRead):
            self.api("GET", "/config", token=ADMIN_TOKEN)

    def test_invalid_json(self):
        self.s.add_fault("/users/me", invalid_json=True)
        r = self.api("GET", "/users/me", token=ADMIN_TOKEN)
        self.assertEqual(r.status, 200)
        with self.assertRaises(ValueError):
            json.loads(r.body)

    def test_delay(self):
        self.s.add_fault("/system/ping", delay_ms=300)
        t = time.monotonic()
        self.assertEqual(self.api("GET", "/system/ping").status, 200)
        self.assertGreaterEqual(time.monotonic() - t, 0.28)

    def test_fault_on_socket(self):
        self.s.add_fault("/system/ping", status=502, listener="local")
        self.assertEqual(self.api("GET", "/system/ping").status, 200)
        self.assertEqual(self.api("GET", "/system/ping", local=True).status, 502)

    def test_request_log(self):
        self.api("POST", "/users/login", {"login_id": "a", "password": "b"},
                 headers={"Authorization": "Bearer XyZ", "User-Agent": "mmadm/0.1 (linux)"})
        e = self.s.request_log()[-1]
        self.assertEqual((e["method"], e["path"], e["status"]), ("POST", "/api/v4/users/login", 401))
        self.assertIn(["Authorization", "Bearer XyZ"], e["headers"])
        self.assertEqual(json.loads(e["body"]), {"login_id": "a", "password": "b"})

    def test_chunked_request_body(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.s.port, timeout=10)
        body = json.dumps({"TeamSettings": {"SiteName": "Chunky"}}).encode()
        conn.putrequest("PUT", "/api/v4/config/patch")
        conn.putheader("Authorization", "Bearer " + ADMIN_TOKEN)
        conn.putheader("Transfer-Encoding", "chunked")
        conn.endheaders()
        conn.send(b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body))
        r = conn.getresponse()
        self.assertEqual(r.status, 200, r.read())
        conn.close()
        self.assertEqual(self.s.config()["TeamSettings"]["SiteName"], "Chunky")


class TestServerBusyAndSystem(Base):
    def test_busy(self):
        d = self.api("GET", "/server_busy", token=ADMIN_TOKEN).json()
        self.assertEqual(d["busy"], False)
        self.assertAppError(self.api("POST", "/server_busy?seconds=0", token=ADMIN_TOKEN), 400,
                            "api.context.invalid_url_param.app_error")
        self.assertAppError(self.api("POST", "/server_busy?seconds=86401", token=ADMIN_TOKEN), 400,
                            "api.context.invalid_url_param.app_error")
        self.assertEqual(self.api("POST", "/server_busy?seconds=60", token=ADMIN_TOKEN).json(), {"status": "OK"})
        d = self.api("GET", "/server_busy", token=ADMIN_TOKEN).json()
        self.assertTrue(d["busy"])
        self.assertAlmostEqual(d["expires"], time.time() + 60, delta=5)
        self.assertEqual(self.api("DELETE", "/server_busy", token=ADMIN_TOKEN).json(), {"status": "OK"})

    def test_recycle_and_audits_paging(self):
        self.assertEqual(self.api("POST", "/database/recycle", token=ADMIN_TOKEN).json(), {"status": "OK"})
        self.s.set_state(seed_audits=250)
        self.assertEqual(len(self.api("GET", "/audits", token=ADMIN_TOKEN).json()), 60)
        self.assertEqual(len(self.api("GET", "/audits?per_page=500", token=ADMIN_TOKEN).json()), 200)
        self.assertEqual(len(self.api("GET", "/audits?per_page=200&page=1", token=ADMIN_TOKEN).json()), 50)
        self.assertEqual(len(self.api("GET", "/audits?per_page=x&page=-3", token=ADMIN_TOKEN).json()), 60)
        self.assertEqual(self.api("GET", "/audits?per_page=0", token=ADMIN_TOKEN).json(), [])

    def test_support_packet(self):
        self.assertAppError(self.api("GET", "/system/support_packet", token=ADMIN_TOKEN), 403, "api.no_license")
        self.s.set_state(license=True)
        r = self.api("GET", "/system/support_packet", token=ADMIN_TOKEN)
        self.assertEqual(r.status, 200)
        self.assertEqual(r.headers["Content-Type"], "application/zip")
        self.assertRegex(r.headers["Content-Disposition"], r'filename="mm_support_packet_.*\.zip"')

    def test_misc(self):
        self.assertIn("UTC", self.api("GET", "/system/timezones", token=USER_TOKEN).json())
        self.assertAppError(self.api("GET", "/analytics/old?name=bogus", token=ADMIN_TOKEN), 400,
                            "api.context.invalid_body_param.app_error")
        self.assertEqual(self.api("POST", "/upgrade_to_enterprise", token=ADMIN_TOKEN).status, 202)
        self.assertEqual(self.api("POST", "/upgrade_to_enterprise", token=ADMIN_TOKEN).status, 429)
        self.assertAppError(self.api("POST", "/site_url/test", {}, token=ADMIN_TOKEN), 400,
                            "api.context.invalid_body_param.app_error")
        self.assertAppError(self.api("POST", "/logs/query", token=ADMIN_TOKEN), 500, "api.system.logs.invalidFilter")
        self.assertEqual(len(self.api("GET", "/logs?logs_per_page=5", token=ADMIN_TOKEN).json()), 5)
        self.assertAppError(self.api("POST", "/logs", {"level": "ERROR", "message": "x"}), 403,
                            "api.context.permissions.app_error")
        d = self.api("POST", "/logs", {"level": "ERROR", "message": "x"}, token=USER_TOKEN).json()
        self.assertEqual(d["message"], "Client Logs API Endpoint Message: x")

    def test_enterprise_gates(self):
        self.assertAppError(self.api("GET", "/data_retention/policy", token=ADMIN_TOKEN), 501,
                            "ent.data_retention.generic.license.error")
        self.assertAppError(self.api("GET", "/saml/metadata"), 501, "api.admin.saml.not_available.app_error")
        self.s.set_state(license=True)
        r = self.api("POST", "/data_retention/policies", {"display_name": "p", "post_duration": 30,
                                                          "team_ids": [TEAM_ID]}, token=ADMIN_TOKEN)
        self.assertEqual(r.status, 201, r.body)
        self.assertEqual(r.json()["team_count"], 1)
        self.assertEqual(self.api("GET", "/data_retention/policies", token=ADMIN_TOKEN).json()["total_count"], 1)
        self.assertEqual(self.api("GET", "/saml/metadata").headers["Content-Type"], "application/xml")

    def test_license_upload(self):
        body, ct = multipart([], [("license", "l.txt", json.dumps({"id": "x" * 26}).encode())])
        r = self.api("POST", "/license", body, token=ADMIN_TOKEN, headers={"Content-Type": ct})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["sku_short_name"], "enterprise")
        self.assertTrue(self.api("GET", "/system/ping").headers["X-Version-Id"].endswith(".true"))
        self.assertEqual(self.api("GET", "/license/client?format=old").json()["IsLicensed"], "true")
        self.assertAppError(self.api("GET", "/license/client"), 400, "api.license.client.old_format.app_error")
        r = self.api("POST", "/license", b"nope", token=ADMIN_TOKEN, headers={"Content-Type": "text/plain"})
        self.assertEqual((r.status, r.headers["Content-Type"]), (400, "text/plain; charset=utf-8"))
        body, ct = multipart([], [("file", "l.txt", b"x")])
        self.assertAppError(self.api("POST", "/license", body, token=ADMIN_TOKEN, headers={"Content-Type": ct}),
                            400, "api.license.add_license.no_file.app_error")
        body, ct = multipart([], [("license", "l.txt", json.dumps({"id": "y", "expires_at": 1}).encode())])
        self.assertAppError(self.api("POST", "/license", body, token=ADMIN_TOKEN, headers={"Content-Type": ct}),
                            400, "api.license.add_license.expired.app_error")
        self.assertEqual(self.api("DELETE", "/license", local=True).json(), {"status": "OK"})


class TestRemoteClusters(Base):
    def setUp(self):
        super().setUp()
        self.s.set_state(license=True)

    def test_needs_a_license_with_the_feature(self):
        # app/server.go starts the service only with RemoteClusterService or
        # SharedChannels in the license; without it every route is 501.
        for state in ({"license": False},
                      {"license_data": {"features": {"remote_cluster_service": False,
                                                     "shared_channels": False}}}):
            self.s.set_state(**state)
            self.assertAppError(self.api("GET", "/remotecluster", token=ADMIN_TOKEN), 501,
                                "api.remote_cluster.service_not_enabled.app_error")
        self.s.set_state(license_data={"features": {"remote_cluster_service": False,
                                                    "shared_channels": True}})
        self.assertEqual(self.api("GET", "/remotecluster", token=ADMIN_TOKEN).status, 200)

    def test_list_paging_and_filters(self):
        self.s.set_state(seed_remote_clusters={"count": 401, "vary": False})
        pages = []
        page = 0
        while True:
            items = self.api("GET", "/remotecluster?per_page=200&page=%d" % page, token=ADMIN_TOKEN).json()
            pages.append(len(items))
            if len(items) < 200:
                break
            page += 1
        self.assertEqual(pages, [200, 200, 1])
        self.assertEqual(len(self.api("GET", "/remotecluster", token=ADMIN_TOKEN).json()), 60)
        self.assertEqual(len(self.api("GET", "/remotecluster?per_page=999", token=ADMIN_TOKEN).json()), 200)
        item = self.api("GET", "/remotecluster?per_page=1", token=ADMIN_TOKEN).json()[0]
        self.assertEqual((item["token"], item["remote_token"]), ("", ""))
        self.s.set_state(clear_remote_clusters=True, seed_remote_clusters=20)
        allrc = self.api("GET", "/remotecluster", token=ADMIN_TOKEN).json()
        self.assertEqual(len(allrc), 20)
        conf = self.api("GET", "/remotecluster?only_confirmed=true", token=ADMIN_TOKEN).json()
        self.assertEqual(len(conf), 16)
        plug = self.api("GET", "/remotecluster?only_plugins=true", token=ADMIN_TOKEN).json()
        self.assertEqual(len(plug), 2)
        self.assertEqual(len(self.api("GET", "/remotecluster?exclude_plugins=true", token=ADMIN_TOKEN).json()), 18)
        online = self.api("GET", "/remotecluster?exclude_offline=true", token=ADMIN_TOKEN).json()
        self.assertTrue(all(x["last_ping_at"] > 0 for x in online))
        self.assertLess(len(online), 20)
        self.assertEqual(self.api("GET", "/remotecluster?per_page=5&page=10", token=ADMIN_TOKEN).json(), [])

    def test_lifecycle(self):
        r = self.api("POST", "/remotecluster", {"name": "peer", "default_team_id": TEAM_ID}, token=ADMIN_TOKEN)
        self.assertEqual(r.status, 201, r.body)
        d = r.json()
        self.assertEqual(len(d["password"]), 16)
        self.assertTrue(d["invite"])
        rc = d["remote_cluster"]
        self.assertTrue(rc["site_url"].startswith("pending_"))
        self.assertEqual(rc["display_name"], "peer")
        rid = rc["remote_id"]
        r = self.api("POST", "/remotecluster", {"name": "p2", "default_team_id": TEAM_ID, "password": "pw"},
                     token=ADMIN_TOKEN)
        self.assertNotIn("password", r.json())
        self.assertAppError(self.api("POST", "/remotecluster", {"name": "x"}, token=ADMIN_TOKEN), 400,
                            "api.context.invalid_body_param.app_error")
        # generate invite: 201 with a JSON string
        r = self.api("POST", "/remotecluster/%s/generate_invite" % rid, {"password": "secret"}, token=ADMIN_TOKEN)
        self.assertEqual(r.status, 201)
        invite = r.json()
        self.assertIsInstance(invite, str)
        self.assertAppError(self.api("POST", "/remotecluster/%s/generate_invite" % rid, {}, token=ADMIN_TOKEN),
                            400, "api.context.invalid_body_param.app_error")
        # accept it (round trip on the same server)
        bad = self.api("POST", "/remotecluster/accept_invite", {"invite": invite, "name": "back",
                                                                "default_team_id": TEAM_ID, "password": "wrong"},
                       token=ADMIN_TOKEN)
        self.assertAppError(bad, 400, "api.remote_cluster.invite_decrypt_error")
        self.assertAppError(self.api("POST", "/remotecluster/accept_invite", {
            "invite": "!!!", "name": "b", "default_team_id": TEAM_ID, "password": "x"}, token=ADMIN_TOKEN),
            400, "api.remote_cluster.base64_decode_error")
        r = self.api("POST", "/remotecluster/accept_invite", {"invite": invite, "name": "back",
                                                              "default_team_id": TEAM_ID, "password": "secret"},
                     token=ADMIN_TOKEN)
        self.assertEqual(r.status, 201, r.body)
        self.assertEqual(r.json()["site_url"], "http://localhost:8065")
        self.assertAppError(self.api("POST", "/remotecluster/%s/generate_invite" % rid, {"password": "x"},
                                     token=ADMIN_TOKEN), 400, "api.remote_cluster.generate_invite_cluster_is_confirmed")
        # patch (unsanitized quirk), get, delete
        r = self.api("PATCH", "/remotecluster/" + rid, {"display_name": "Peer!"}, token=ADMIN_TOKEN)
        self.assertEqual(r.json()["display_name"], "Peer!")
        self.assertTrue(r.json()["token"])
        self.assertEqual(self.api("DELETE", "/remotecluster/" + rid, token=ADMIN_TOKEN).json(), {"status": "OK"})
        r = self.api("GET", "/remotecluster/" + rid, token=ADMIN_TOKEN)
        self.assertGreater(r.json()["delete_at"], 0)
        self.assertAppError(self.api("DELETE", "/remotecluster/" + rid, token=ADMIN_TOKEN), 404,
                            "api.remote_cluster.get.not_found")
        self.assertAppError(self.api("GET", "/remotecluster/abc", token=ADMIN_TOKEN), 404,
                            "api.remote_cluster.get.not_found")

    def test_disabled_and_no_site_url(self):
        self.s.set_state(remote_cluster_enabled=False)
        self.assertAppError(self.api("GET", "/remotecluster", token=ADMIN_TOKEN), 501,
                            "api.remote_cluster.service_not_enabled.app_error")
        self.assertAppError(self.api("GET", "/remotecluster", token=USER_TOKEN), 403,
                            "api.context.permissions.app_error")
        self.s.set_state(remote_cluster_enabled=True, site_url="")
        self.assertAppError(self.api("POST", "/remotecluster", {"name": "x", "default_team_id": TEAM_ID},
                                     token=ADMIN_TOKEN), 422, "api.get_site_url_error")


class TestUploads(Base):
    def test_resumable_upload(self):
        self.s.set_state(first_chunk_min=1000)
        r = self.api("POST", "/uploads", {"channel_id": CHANNEL_ID, "filename": "../a.bin", "file_size": 3000},
                     token=USER_TOKEN)
        self.assertEqual(r.status, 201, r.body)
        us = r.json()
        self.assertEqual(us["filename"], "a.bin")
        self.assertEqual(us["type"], "attachment")
        path = "/uploads/" + us["id"]
        self.assertAppError(self.api("POST", path, b"x" * 10, token=USER_TOKEN), 400,
                            "app.upload.upload_data.first_part_too_small.app_error")
        r = self.api("POST", path, b"x" * 1000, token=USER_TOKEN)
        self.assertEqual((r.status, r.body), (204, b""))
        self.assertEqual(self.api("GET", path, token=USER_TOKEN).json()["file_offset"], 1000)
        self.assertEqual(self.api("GET", path, token=ADMIN_SESSION_TOKEN).status, 200)   # admins may read
        r2 = self.api("POST", "/uploads", {"channel_id": CHANNEL_ID, "filename": "b", "file_size": 5},
                      token=ADMIN_TOKEN)
        self.assertAppError(self.api("GET", "/uploads/" + r2.json()["id"], token=USER_TOKEN), 403,
                            "api.upload.get_upload.forbidden.app_error")
        self.assertAppError(self.api("POST", path, b"x" * 2001, token=USER_TOKEN), 400,
                            "api.upload.upload_data.invalid_content_length")
        r = self.api("POST", path, b"y" * 2000, token=USER_TOKEN)
        self.assertEqual(r.status, 200)
        info = r.json()
        self.assertEqual((info["size"], info["name"]), (3000, "a.bin"))
        self.assertEqual(self.api("GET", "/files/%s/info" % info["id"], token=USER_TOKEN).status, 200)
        self.assertAppError(self.api("GET", "/uploads/bad", token=USER_TOKEN), 400,
                            "api.context.invalid_url_param.app_error")

    def test_import_upload_locally(self):
        r = self.api("POST", "/uploads", {"filename": "import.zip", "file_size": 10, "type": "import",
                                          "user_id": "nouser"}, local=True)
        self.assertEqual(r.status, 201, r.body)
        self.assertEqual(r.json()["user_id"], "nouser")
        self.assertEqual(len(self.api("GET", "/users/nouser/uploads", local=True).json()), 1)
        self.assertAppError(self.api("POST", "/uploads", {"filename": "i.zip", "file_size": 10, "type": "import"},
                                     token=USER_TOKEN), 403, "api.context.permissions.app_error")

    def test_too_large(self):
        self.assertAppError(self.api("POST", "/uploads", {"channel_id": CHANNEL_ID, "filename": "a",
                                                          "file_size": 10 ** 12}, token=USER_TOKEN),
                            413, "api.upload.create.upload_too_large.app_error")

    def test_file_upload_multipart_and_raw(self):
        body, ct = multipart([("channel_id", CHANNEL_ID), ("client_ids", "c1")], [("files", "hello.txt", b"hi")])
        r = self.api("POST", "/files", body, token=USER_TOKEN, headers={"Content-Type": ct})
        self.assertEqual(r.status, 201, r.body)
        self.assertEqual(r.json()["client_ids"], ["c1"])
        fid = r.json()["file_infos"][0]["id"]
        r = self.api("GET", "/files/" + fid, token=USER_TOKEN)
        self.assertEqual((r.status, r.body), (200, b"hi"))
        self.assertIn("attachment", r.headers["Content-Disposition"])
        r = self.api("POST", "/files?channel_id=%s&filename=raw.bin" % CHANNEL_ID, b"\0\1", token=USER_TOKEN)
        self.assertEqual(r.status, 201)
        self.assertAppError(self.api("GET", "/files/%s/link" % fid, token=USER_TOKEN), 403,
                            "api.file.get_public_link.disabled.app_error")
        self.assertAppError(self.api("GET", "/files/%s/thumbnail" % fid, token=USER_TOKEN), 400,
                            "api.file.get_file_thumbnail.no_thumbnail.app_error")


    def test_file_upload_multipart_part_rules(self):
        def post(values, files):
            body, ct = multipart(values, files)
            return self.api("POST", "/files", body, token=USER_TOKEN, headers={"Content-Type": ct})
        # Unknown value field: an invalid param named after it.
        d = self.assertAppError(post([("channel_id", CHANNEL_ID), ("foo", "bar")],
                                     [("files", "a.txt", b"a")]),
                                400, "api.context.invalid_body_param.app_error")
        self.assertIn("foo", d["message"])
        # After channel_id any file-part name is streamed.
        r = post([("channel_id", CHANNEL_ID)], [("attachment", "b.txt", b"b")])
        self.assertEqual(r.status, 201, r.body)
        self.assertEqual(len(r.json()["file_infos"]), 1)
        # Before it, the buffered form uploads the "files" parts only.
        body = (b"--B\r\nContent-Disposition: form-data; name=\"other\"; filename=\"o.txt\"\r\n\r\no"
                b"\r\n--B\r\nContent-Disposition: form-data; name=\"files\"; filename=\"f.txt\"\r\n\r\nf"
                b"\r\n--B\r\nContent-Disposition: form-data; name=\"channel_id\"\r\n\r\n"
                + CHANNEL_ID.encode() + b"\r\n--B--\r\n")
        r = self.api("POST", "/files", body, token=USER_TOKEN,
                     headers={"Content-Type": "multipart/form-data; boundary=B"})
        self.assertEqual(r.status, 201, r.body)
        self.assertEqual([i["name"] for i in r.json()["file_infos"]], ["f.txt"])
        # A file first and no channel_id at all.
        self.assertAppError(post([], [("files", "a.txt", b"a")]), 400,
                            "api.context.invalid_body_param.app_error")


class TestPlugins(Base):
    def bundle(self, pid="com.example.demo"):
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w:gz") as tf:
            data = json.dumps({"id": pid, "name": "Demo", "version": "0.1.0"}).encode()
            ti = tarfile.TarInfo("demo/plugin.json")
            ti.size = len(data)
            tf.addfile(ti, io.BytesIO(data))
        return buf.getvalue()

    def test_upload_gates_and_install(self):
        body, ct = multipart([], [("plugin", "plugin.tar.gz", self.bundle())])
        h = {"Content-Type": ct}
        self.assertAppError(self.api("POST", "/plugins", body, token=ADMIN_TOKEN, headers=h), 501,
                            "app.plugin.upload_disabled.app_error")
        self.s.set_state(enable_uploads=True)
        r = self.api("POST", "/plugins", body, token=ADMIN_TOKEN, headers=h)
        self.assertEqual(r.status, 201, r.body)
        self.assertEqual(r.json()["id"], "com.example.demo")
        self.assertAppError(self.api("POST", "/plugins", body, token=ADMIN_TOKEN, headers=h), 400,
                            "app.plugin.install_id.app_error")
        body2, ct2 = multipart([("force", "true")], [("plugin", "plugin.tar.gz", self.bundle())])
        self.assertEqual(self.api("POST", "/plugins", body2, token=ADMIN_TOKEN,
                                  headers={"Content-Type": ct2}).status, 201)
        lst = self.api("GET", "/plugins", token=ADMIN_TOKEN).json()
        self.assertIn("com.example.demo", [m["id"] for m in lst["inactive"]])
        self.assertEqual(self.api("POST", "/plugins/com.example.demo/enable", token=ADMIN_TOKEN).status, 200)
        lst = self.api("GET", "/plugins", local=True).json()
        self.assertIn("com.example.demo", [m["id"] for m in lst["active"]])
        self.assertAppError(self.api("DELETE", "/plugins/nope.nope", token=ADMIN_TOKEN), 404,
                            "app.plugin.not_installed.app_error")
        self.assertEqual(self.api("DELETE", "/plugins/com.example.demo", token=ADMIN_TOKEN).status, 200)

    def test_marketplace(self):
        items = self.api("GET", "/plugins/marketplace?per_page=3", token=ADMIN_TOKEN).json()
        self.assertEqual(len(items), 3)
        r = self.api("GET", "/plugins/marketplace?local_only=true&remote_only=true", token=ADMIN_TOKEN)
        self.assertEqual(r.status, 500)
        self.assertAppError(self.api("POST", "/plugins/marketplace", "x", token=ADMIN_TOKEN), 501,
                            "app.plugin.marketplace_plugin_request.app_error")
        self.assertEqual(self.api("POST", "/plugins/marketplace", {"id": "zoom"}, token=ADMIN_TOKEN).status, 201)


class TestCLIFlags(unittest.TestCase):
    def test_flags(self):
        with StandinServer("--no-file-test", "--ping-unhealthy", "--no-remote-cluster", "--license",
                           "--site-url", "", "--server-version", "9.11.0") as s:
            self.assertEqual(s.api("POST", "/file/test", token=ADMIN_TOKEN).status, 404)
            self.assertEqual(s.api("GET", "/system/ping").status, 500)
            self.assertEqual(s.api("GET", "/remotecluster", token=ADMIN_TOKEN).status, 501)
            v = s.api("GET", "/system/ping?use_rest_semantics=true").headers["X-Version-Id"]
            self.assertTrue(v.startswith("9.11.0.") and v.endswith(".true"), v)
            self.assertEqual(s.config()["ServiceSettings"]["SiteURL"], "")
            sock = s.socket_path
        self.assertFalse(os.path.exists(sock))


if __name__ == "__main__":
    unittest.main()
