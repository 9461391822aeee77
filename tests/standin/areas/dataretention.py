"""Data retention (§3.8, enterprise): 501 without a license.

Check order per handler follows the fork's api4/data_retention.go: create and
patch decode the body before the permission check; delete, add/remove and the
searches check the policy id first; lists check the permission first. The
license (501) is the App layer's check, so it comes after the permission.
"""

from core import (body_too_large, AppError, go_decode, invalid_body_param, invalid_url_param, is_valid_id,
                  json_response, new_id, now_ms, ok_response, paginate, permission_error,
                  JSONDecodeFailure)

READ = "sysconsole_read_compliance_data_retention_policy"
WRITE = "sysconsole_write_compliance_data_retention_policy"
DAY_MS = 24 * 3600 * 1000


def init_state(st):
    st.retention_policies = {}


def seed(st, n):
    """n policies named "Policy 0001".. with increasing durations."""
    for i in range(1, n + 1):
        p = {"id": new_id(), "display_name": "Policy %04d" % i, "post_duration": i,
             "team_ids": [], "channel_ids": []}
        st.retention_policies[p["id"]] = p


def apply_toggle(st, key, value):
    if key == "seed_retention_policies":
        seed(st, int(value))
        return True
    return False


def state_view(st):
    return {"retention_policies": {pid: {"display_name": p["display_name"],
                                         "post_duration": p["post_duration"],
                                         "team_ids": list(p["team_ids"]),
                                         "channel_ids": list(p["channel_ids"])}
                                   for pid, p in st.retention_policies.items()}}


def _licensed(ctx):
    if not ctx.state.license:
        raise AppError(501, "ent.data_retention.generic.license.error",
                       message="Data retention requires an Enterprise license.")


def _policy_json(p):
    return {"id": p["id"], "display_name": p["display_name"], "post_duration": p["post_duration"],
            "team_count": len(p["team_ids"]), "channel_count": len(p["channel_ids"])}


def _require_policy_id(ctx):
    pid = ctx.params["policy_id"]
    if not is_valid_id(pid):
        raise invalid_url_param("policy_id")
    return pid


def _lookup(ctx, pid):
    p = ctx.state.retention_policies.get(pid)
    if p is None:
        raise AppError(404, "app.data_retention.get_policy.app_error", "policy_id=" + pid,
                       message="Failed to get the data retention policy.")
    return p


def _decode(ctx, param):
    if ctx.body_too_large:
        raise body_too_large()
    try:
        return go_decode(ctx.body)
    except JSONDecodeFailure as e:
        raise invalid_body_param(param, str(e))


def global_policy(ctx):
    _licensed(ctx)
    g = ctx.state.cfg
    now = now_ms()
    msg_days = g("DataRetentionSettings.MessageRetentionDays", 365)
    file_days = g("DataRetentionSettings.FileRetentionDays", 365)
    msg_on = bool(g("DataRetentionSettings.EnableMessageDeletion", False))
    file_on = bool(g("DataRetentionSettings.EnableFileDeletion", False))
    return json_response({"message_deletion_enabled": msg_on, "file_deletion_enabled": file_on,
                          "message_retention_cutoff": now - msg_days * DAY_MS if msg_on else 0,
                          "file_retention_cutoff": now - file_days * DAY_MS if file_on else 0})


def list_policies(ctx):
    ctx.require_perm(READ)
    _licensed(ctx)
    page, per = ctx.page()
    pols = sorted(ctx.state.retention_policies.values(), key=lambda p: (p["display_name"], p["id"]))
    return json_response({"policies": [_policy_json(p) for p in paginate(pols, page, per)],
                          "total_count": len(pols)})


def count_policies(ctx):
    ctx.require_perm(READ)
    _licensed(ctx)
    return json_response({"total_count": len(ctx.state.retention_policies)}, newline=True)


def _check_policy_body(ctx, body, partial):
    """The App/store validation (after the permission and license checks)."""
    st = ctx.state
    if not isinstance(body, dict):
        raise invalid_body_param("policy")
    name = body.get("display_name")
    dur = body.get("post_duration")
    if not partial or name is not None:
        if not isinstance(name, str) or not name:
            raise invalid_body_param("display_name")
    if not partial or dur is not None:
        if isinstance(dur, bool) or not isinstance(dur, int) or dur < -1 or dur == 0:
            raise invalid_body_param("post_duration")
    for k, known in (("team_ids", st.teams), ("channel_ids", st.channels)):
        v = body.get(k)
        if v is None:
            continue
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            raise invalid_body_param(k)
        for x in v:
            if x not in known:
                # store.NewErrNotFound("Team"|"Channel", id) from checkTeamsExist
                raise AppError(404, "app.data_retention.save_policy.app_error",
                               "%s id=%s not found" % (k[:-4], x),
                               message="Failed to save the data retention policy.")
    return body


def create_policy(ctx):
    body = _decode(ctx, "policy")
    ctx.require_perm(WRITE)
    _licensed(ctx)
    body = _check_policy_body(ctx, body, False)
    p = {"id": new_id(), "display_name": body["display_name"], "post_duration": body["post_duration"],
         "team_ids": list(dict.fromkeys(body.get("team_ids") or [])),
         "channel_ids": list(dict.fromkeys(body.get("channel_ids") or []))}
    ctx.state.retention_policies[p["id"]] = p
    return json_response(_policy_json(p), 201)


def get_policy(ctx):
    ctx.require_perm(READ)
    pid = _require_policy_id(ctx)
    _licensed(ctx)
    return json_response(_policy_json(_lookup(ctx, pid)))


def patch_policy(ctx):
    body = _decode(ctx, "policy")
    pid = _require_policy_id(ctx)
    ctx.require_perm(WRITE)
    _licensed(ctx)
    p = _lookup(ctx, pid)
    body = _check_policy_body(ctx, body, True)
    for k in ("display_name", "post_duration"):
        if body.get(k) is not None:
            p[k] = body[k]
    # the store deletes the policy's teams/channels and inserts the given ones
    for k in ("team_ids", "channel_ids"):
        if body.get(k) is not None:
            p[k] = list(dict.fromkeys(body[k]))
    return json_response(_policy_json(p))


def delete_policy(ctx):
    pid = _require_policy_id(ctx)
    ctx.require_perm(WRITE)
    _licensed(ctx)
    p = _lookup(ctx, pid)
    del ctx.state.retention_policies[p["id"]]
    return ok_response()


def _team_json(st, tid, pid):
    t = st.teams.get(tid, {"id": tid, "name": tid, "display_name": tid})
    return {"id": t["id"], "create_at": 1700000000000, "update_at": 1700000000000, "delete_at": 0,
            "display_name": t["display_name"], "name": t["name"], "description": "", "email": "",
            "type": "O", "company_name": "", "allowed_domains": "", "invite_id": "",
            "allow_open_invite": False, "scheme_id": None, "group_constrained": None,
            "policy_id": pid}


def _channel_json(st, cid, pid):
    c = st.channels.get(cid, {"id": cid, "name": cid, "team_id": ""})
    team = st.teams.get(c.get("team_id", ""), {"name": "", "display_name": ""})
    name = c.get("name", cid)
    return {"id": c["id"], "create_at": 1700000000000, "update_at": 1700000000000, "delete_at": 0,
            "team_id": c.get("team_id", ""), "type": c.get("type", "O"),
            "display_name": c.get("display_name") or name.replace("-", " ").title(),
            "name": name, "header": "", "purpose": "", "last_post_at": 0, "total_msg_count": 0,
            "creator_id": "", "scheme_id": None, "group_constrained": None, "policy_id": pid,
            "team_display_name": team["display_name"], "team_name": team["name"],
            "team_update_at": 1700000000000}


def _members(kind):
    key = kind + "_ids"
    param = key

    def as_json(st, i, pid):
        return _team_json(st, i, pid) if kind == "team" else _channel_json(st, i, pid)

    def get(ctx):
        ctx.require_perm(READ)
        pid = _require_policy_id(ctx)
        _licensed(ctx)
        p = _lookup(ctx, pid)
        page, per = ctx.page()
        return json_response([as_json(ctx.state, i, p["id"]) for i in paginate(p[key], page, per)])

    def _ids(ctx):
        v = _decode(ctx, param)
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            raise invalid_body_param(param, "json: cannot unmarshal into Go value of type []string")
        return v

    def add(ctx):
        pid = _require_policy_id(ctx)
        ids = _ids(ctx)
        ctx.require_perm(WRITE)
        _licensed(ctx)
        p = _lookup(ctx, pid)
        known = ctx.state.teams if kind == "team" else ctx.state.channels
        for i in ids:
            if i not in known:
                raise AppError(404, "app.data_retention.save_policy.app_error",
                               "%s id=%s not found" % (kind, i),
                               message="Failed to save the data retention policy.")
        p[key] = list(dict.fromkeys(p[key] + ids))
        return ok_response()

    def remove(ctx):
        pid = _require_policy_id(ctx)
        ids = _ids(ctx)
        ctx.require_perm(WRITE)
        _licensed(ctx)
        p = _lookup(ctx, pid)
        drop = set(ids)
        p[key] = [i for i in p[key] if i not in drop]
        return ok_response()

    def search(ctx):
        pid = _require_policy_id(ctx)
        if kind == "team":
            ctx.require_perm(READ)
            body = _decode(ctx, "team_search")
        else:
            body = _decode(ctx, "channel_search")
            if body is None:
                raise invalid_body_param("channel_search")
            ctx.require_perm(READ)
        if not isinstance(body, dict):
            raise invalid_body_param(kind + "_search", "json: cannot unmarshal into Go struct")
        term = body.get("term") or ""
        if not isinstance(term, str):
            raise invalid_body_param(kind + "_search", "json: cannot unmarshal term")
        _licensed(ctx)
        p = _lookup(ctx, pid)
        st = ctx.state
        out = []
        for i in p[key]:
            item = as_json(st, i, p["id"])
            if term.lower() not in (item["name"] + " " + item["display_name"]).lower():
                continue
            if kind == "channel":
                teams = body.get("team_ids") or []
                if teams and item["team_id"] not in teams:
                    continue
                public, private = bool(body.get("public")), bool(body.get("private"))
                if public != private and (item["type"] == "O") != public:
                    continue
                if bool(body.get("deleted")) and not item["delete_at"]:
                    continue
            out.append(item)
        return json_response(out)

    return get, add, remove, search


def _user_teams(st, uid):
    """Teams the user belongs to: those holding a channel the user is in."""
    return {c.get("team_id") for c in st.channels.values() if uid in c.get("members", [])}


def user_policies(kind):
    def handler(ctx):
        uid = ctx.params["user_id"]
        if not is_valid_id(uid):
            raise invalid_url_param("user_id")
        if uid != ctx.user_id and not ctx.has_perm("manage_system"):
            raise permission_error("manage_system")
        _licensed(ctx)
        st = ctx.state
        if kind == "team":
            mine = _user_teams(st, uid)
        else:
            mine = {cid for cid, c in st.channels.items() if uid in c.get("members", [])}
        out = []
        for p in sorted(st.retention_policies.values(), key=lambda p: p["id"]):
            for i in p[kind + "_ids"]:
                if i in mine:
                    out.append({kind + "_id": i, "post_duration": p["post_duration"]})
        page, per = ctx.page()
        return json_response({"policies": paginate(out, page, per), "total_count": len(out)})
    return handler


def register(r):
    r.add("GET", "/data_retention/policy", global_policy)
    r.add("GET", "/data_retention/policies_count", count_policies)
    r.add("GET", "/data_retention/policies", list_policies)
    r.add("POST", "/data_retention/policies", create_policy)
    r.add("GET", "/data_retention/policies/{policy_id}", get_policy)
    r.add("PATCH", "/data_retention/policies/{policy_id}", patch_policy)
    r.add("DELETE", "/data_retention/policies/{policy_id}", delete_policy)
    for kind, seg in (("team", "teams"), ("channel", "channels")):
        get, add, remove, search = _members(kind)
        r.add("GET", "/data_retention/policies/{policy_id}/" + seg, get)
        r.add("POST", "/data_retention/policies/{policy_id}/" + seg, add)
        r.add("DELETE", "/data_retention/policies/{policy_id}/" + seg, remove)
        r.add("POST", "/data_retention/policies/{policy_id}/%s/search" % seg, search)
    r.add("GET", "/users/{user_id}/data_retention/team_policies", user_policies("team"))
    r.add("GET", "/users/{user_id}/data_retention/channel_policies", user_policies("channel"))
