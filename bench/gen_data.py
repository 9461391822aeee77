#!/usr/bin/env python3
"""Generate the canned API responses nginx serves for bench/run.

Usage: gen_data.py WWWDIR [--source-config tests/standin/default_config.json]
                          [--clusters 100000] [--per-page 200]
                          [--big-mb 50] [--log-lines 10000]

Everything is deterministic (fixed seed) so two runs serve the same bytes.
Python standard library only. Writes:

  ping.json                 GET /api/v4/system/ping
  config.json               GET /api/v4/config (~200 KB, a realistic config:
                            the stand-in default plus plugin settings, replicas)
  rc/page-N.json            GET /api/v4/remotecluster?page=N&per_page=200
  rc/empty.json             any page past the end (the short, empty page)
  logs.json                 GET /api/v4/logs (one page of 10,000 log lines)
  big/config.json           the same config shape padded to ~50 MB
  big/logs.json             ~50 MB of log lines (one JSON array of strings)
  sizes.json                what was written, for the report
"""

import argparse
import json
import os
import random
import string
import sys

ALNUM = string.ascii_lowercase + string.digits


def mm_id(rng):
    """A Mattermost id: 26 chars of [a-z0-9]."""
    return "".join(rng.choices(ALNUM, k=26))


def dump(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = json.dumps(obj, separators=(",", ":"))
    with open(path, "w", encoding="utf-8") as f:
        f.write(data)
    return len(data.encode("utf-8"))


# --- ping -------------------------------------------------------------------

PING = {"ActiveSearchBackend": "database", "AndroidLatestVersion": "",
        "AndroidMinVersion": "", "IosLatestVersion": "", "IosMinVersion": "",
        "status": "OK"}


# --- config -----------------------------------------------------------------

FALLBACK_CONFIG = {
    "ServiceSettings": {"SiteURL": "https://chat.example.com",
                        "ListenAddress": ":8065", "ReadTimeout": 300,
                        "WriteTimeout": 300, "EnableLocalMode": True},
    "SqlSettings": {"DriverName": "postgres",
                    "DataSource": "********************************",
                    "MaxIdleConns": 20, "MaxOpenConns": 300},
    "LogSettings": {"EnableConsole": True, "ConsoleLevel": "INFO"},
    "FileSettings": {"DriverName": "local", "Directory": "./data/"},
    "PluginSettings": {"Enable": True, "Plugins": {}, "PluginStates": {}},
}

PLUGIN_IDS = [
    "playbooks", "com.mattermost.calls", "focalboard", "jira",
    "github", "com.github.manland.mattermost-plugin-gitlab",
    "com.mattermost.nps", "com.mattermost.apps", "zoom",
    "com.mattermost.plugin-channel-export", "mattermost-ai",
    "com.mattermost.msteams-sync", "com.mattermost.servicenow",
    "com.mattermost.welcomebot", "com.mattermost.plugin-todo",
    "com.mattermost.confluence", "com.mattermost.autolink",
    "com.mattermost.custom-attributes", "com.mattermost.webex",
    "com.mattermost.antivirus", "com.mattermost.agenda",
    "com.mattermost.memes", "com.mattermost.giphy", "com.mattermost.remind",
]


def plugin_settings(rng, pid, weight):
    """Settings of one plugin: strings, flags, numbers and a few nested
    lists, as real plugins store them. weight scales the nested lists."""
    s = {
        "enable": True,
        "siteurl": "https://%s.example.com" % pid.split(".")[-1],
        "secret": "".join(rng.choices(ALNUM, k=32)),
        "encryptionkey": "".join(rng.choices(ALNUM, k=32)),
        "webhooksecret": "".join(rng.choices(ALNUM, k=32)),
        "enablejiraui": rng.random() < 0.5,
        "maxattachmentsize": rng.choice([10, 50, 100]) * 1024 * 1024,
        "rolesallowedtoeditsubscriptions": "system_admin,team_admin",
        "groupsallowedtoeditsubscriptions": "",
        "displaysubscriptionnameinnotifications": True,
        "usernamefield": "username",
        "oauthclientid": mm_id(rng),
        "oauthclientsecret": "********************************",
        "iceserversconfigs": [
            {"urls": ["stun:stun%d.example.com:3478" % i],
             "username": "", "credential": ""} for i in range(2)],
        "allowedips": ["10.%d.%d.0/24" % (rng.randrange(256),
                                            rng.randrange(256))
                       for _ in range(4)],
    }
    subs = []
    for i in range(weight):
        subs.append({
            "id": mm_id(rng), "channel_id": mm_id(rng),
            "name": "Subscription %d of %s" % (i, pid),
            "filters": {"events": ["event_created", "event_updated",
                                   "event_comment_created"],
                        "projects": ["PRJ%d" % rng.randrange(100)],
                        "issue_types": [str(rng.randrange(10000, 10100))],
                        "fields": [{"key": "priority", "inclusion":
                                    "include_any", "values": ["1", "2"]}]},
            "instance_id": "https://jira.example.com"})
    s["subscriptions"] = subs
    return s


def build_config(src, target_bytes, rng):
    cfg = json.loads(json.dumps(src))  # deep copy
    cfg.setdefault("SqlSettings", {})
    cfg["SqlSettings"]["DataSourceReplicas"] = [
        "postgres://mmuser:********@db-replica-%d:5432/mattermost" % i
        for i in range(3)]
    cfg["SqlSettings"]["DataSourceSearchReplicas"] = [
        "postgres://mmuser:********@db-search-%d:5432/mattermost" % i
        for i in range(2)]
    ps = cfg.setdefault("PluginSettings", {})
    plugins = ps.setdefault("Plugins", {})
    states = ps.setdefault("PluginStates", {})
    ps.setdefault("SignaturePublicKeyFiles", [])
    base = len(json.dumps(cfg, separators=(",", ":")))
    size = base
    n = 0
    weight = 6 if target_bytes < 10 * 1024 * 1024 else 40
    while size < target_bytes:
        pid = PLUGIN_IDS[n] if n < len(PLUGIN_IDS) else \
            "com.example.plugin-%05d" % n
        s = plugin_settings(rng, pid, weight)
        plugins[pid] = s
        states[pid] = {"Enable": n % 3 != 2}
        size += len(json.dumps({pid: s}, separators=(",", ":"))) + \
            len(json.dumps({pid: states[pid]}, separators=(",", ":")))
        n += 1
    return cfg


# --- remote clusters ---------------------------------------------------------

def remote_cluster(rng, i, now):
    name = "remote-%06d" % i
    site = "https://%s.example.com" % name
    last_ping = now - rng.randrange(0, 60000)
    if i % 5 == 0:
        site = "pending_" + mm_id(rng)
        last_ping = 0
    elif i % 4 == 0:
        last_ping = now - 3600 * 1000          # offline
    return {
        "remote_id": mm_id(rng), "remote_team_id": "", "name": name,
        "display_name": "Remote %06d" % i, "site_url": site,
        "default_team_id": "rcteam" + "0" * 20,
        "create_at": now - (200000 - i) * 1000, "delete_at": 0,
        "last_ping_at": last_ping, "last_global_user_sync_at": 0,
        "topics": " share incident " if i % 3 == 0 else "",
        "creator_id": "sysadmin" + "0" * 18,
        "plugin_id": "com.example.plugin-%d" % i if i % 7 == 0 else "",
        "options": 0,
    }


# --- logs --------------------------------------------------------------------

LOG_TEMPLATES = [
    ("info", "Received HTTP request", "web/handlers.go:172",
     lambda r: {"method": r.choice(["GET", "POST", "PUT"]),
                "url": "/api/v4/users/%s/teams/unread" % mm_id(r),
                "request_id": mm_id(r), "user_id": mm_id(r),
                "status_code": str(r.choice([200, 200, 201, 304, 403, 404])),
                "duration": "%.6fs" % (r.random() / 20)}),
    ("debug", "Websocket event", "platform/web_hub.go:581",
     lambda r: {"event": r.choice(["posted", "typing", "status_change"]),
                "conn_id": mm_id(r), "user_id": mm_id(r)}),
    ("warn", "Failed to send push notification", "app/notification_push.go:522",
     lambda r: {"device_id": "android_rn-v2:" + mm_id(r),
                "error": "push proxy returned status 502 Bad Gateway",
                "user_id": mm_id(r)}),
    ("error", "Unable to get the file", "web/context.go:121",
     lambda r: {"path": "/api/v4/files/%s/preview" % mm_id(r),
                "request_id": mm_id(r), "ip_addr": "10.0.%d.%d" % (
                    r.randrange(256), r.randrange(256)),
                "user_id": mm_id(r), "method": "GET",
                "err_where": "FileBackend.Reader",
                "http_code": 404,
                "error": "GetFile: Unable to get the file., "
                         "open /mattermost/data/20240514/teams/noteam/"
                         "channels/%s/users/%s/%s/preview.jpg: "
                         "no such file or directory" % (
                             mm_id(r), mm_id(r), mm_id(r))}),
    ("info", "Post.Message has size restrictions", "sqlstore/post_store.go:2897",
     lambda r: {"max_characters": 16383, "max_bytes": 65535}),
]


def log_line(rng, i):
    lvl, msg, caller, extra = LOG_TEMPLATES[i % len(LOG_TEMPLATES)]
    sec = 1715680000 + i // 7
    hh, mm, ss = (sec // 3600) % 24, (sec // 60) % 60, sec % 60
    rec = {"timestamp": "2024-05-14 %02d:%02d:%02d.%03d Z" % (
        hh, mm, ss, (i * 37) % 1000), "level": lvl, "msg": msg,
        "caller": caller}
    rec.update(extra(rng))
    return json.dumps(rec, separators=(",", ":")) + "\n"


def write_logs(path, rng, n=None, target_bytes=None):
    """A GET /api/v4/logs body: a JSON array of log-line strings."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    size = 0
    i = 0
    with open(path, "w", encoding="utf-8") as f:
        f.write("[")
        size += 1
        while (n is not None and i < n) or \
              (target_bytes is not None and size < target_bytes):
            s = json.dumps(log_line(rng, i))
            if i:
                f.write(",")
                size += 1
            f.write(s)
            size += len(s)
            i += 1
        f.write("]")
        size += 1
    return size, i


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("www")
    ap.add_argument("--source-config", default="")
    ap.add_argument("--clusters", type=int, default=100000)
    ap.add_argument("--per-page", type=int, default=200)
    ap.add_argument("--config-kb", type=int, default=200)
    ap.add_argument("--big-mb", type=int, default=50)
    ap.add_argument("--log-lines", type=int, default=10000)
    a = ap.parse_args()

    rng = random.Random(7)
    www = a.www
    sizes = {}
    sizes["ping"] = dump(os.path.join(www, "ping.json"), PING)

    src = FALLBACK_CONFIG
    if a.source_config and os.path.exists(a.source_config):
        with open(a.source_config, encoding="utf-8") as f:
            src = json.load(f)
    cfg = build_config(src, a.config_kb * 1024, rng)
    sizes["config"] = dump(os.path.join(www, "config.json"), cfg)
    sizes["config_plugins"] = len(cfg["PluginSettings"]["Plugins"])

    now = 1715680000000
    per = a.per_page
    pages = (a.clusters + per - 1) // per
    total = 0
    for p in range(pages):
        items = [remote_cluster(rng, i + 1, now)
                 for i in range(p * per, min(a.clusters, (p + 1) * per))]
        total += dump(os.path.join(www, "rc", "page-%d.json" % p), items)
    dump(os.path.join(www, "rc", "empty.json"), [])
    sizes["rc_pages"] = pages
    sizes["rc_clusters"] = a.clusters
    sizes["rc_bytes"] = total

    sizes["logs"], sizes["log_lines"] = write_logs(
        os.path.join(www, "logs.json"), rng, n=a.log_lines)

    big = a.big_mb * 1024 * 1024
    bigcfg = build_config(src, big, rng)
    sizes["big_config"] = dump(os.path.join(www, "big", "config.json"),
                               bigcfg)
    del bigcfg
    sizes["big_logs"], sizes["big_log_lines"] = write_logs(
        os.path.join(www, "big", "logs.json"), rng, target_bytes=big)

    with open(os.path.join(www, "sizes.json"), "w") as f:
        json.dump(sizes, f, indent=1)
    json.dump(sizes, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
