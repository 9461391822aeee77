"""Data retention (§3.8, enterprise): 501 without a license."""

from core import (AppError, go_decode, invalid_body_param, invalid_url_param, is_valid_id,
                  json_response, new_id, now_ms, ok_response, paginate, permission_error,
                  JSONDecodeFailure, TEAM_ID, CHANNEL_ID)

READ = "sysconsole_read_compliance_data_retention_policy"
WRITE = "sysconsole_write_compliance_data_retention_policy"
DAY_MS = 24 * 3600 * 1000


def init_state(st):
    st.retention_policies = {}


def _licensed(ctx):
    if not ctx.state.license:
        raise AppError(501, "ent.data_retention.generic.license.error",
                       message="Data retention requires an Enterprise license.")


def _policy_json(p):
    return {"id": p["id"], "display_name": p["display_name"], "post_duration": p["post_duration"],
            "team_count": len(p["team_ids"]), "channel_count": len(p["channel_ids"])}


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
    return json_response({"total_count": len(ctx.state.retention_policies)})


def _body_policy(ctx, partial):
    body = ctx.json_body("policy")
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
    for k in ("team_ids", "channel_ids"):
        v = body.get(k)
        if v is not None and (not isinstance(v, list) or not all(isinstance(x, str) for x in v)):
            raise invalid_body_param(k)
    return body


def create_policy(ctx):
    ctx.require_perm(WRITE)
    _licensed(ctx)
    body = _body_policy(ctx, False)
    p = {"id": new_id(), "display_name": body["display_name"], "post_duration": body["post_duration"],
         "team_ids": list(body.get("team_ids") or []), "channel_ids": list(body.get("channel_ids") or [])}
    ctx.state.retention_policies[p["id"]] = p
    return json_response(_policy_json(p), 201)


def _get_policy(ctx):
    pid = ctx.params["policy_id"]
    if not is_valid_id(pid):
        raise invalid_url_param("policy_id")
    p = ctx.state.retention_policies.get(pid)
    if p is None:
        raise AppError(404, "app.data_retention.get_policy.app_error",
                       message="Failed to get the data retention policy.")
    return p


def get_policy(ctx):
    ctx.require_perm(READ)
    _licensed(ctx)
    return json_response(_policy_json(_get_policy(ctx)))


def patch_policy(ctx):
    ctx.require_perm(WRITE)
    _licensed(ctx)
    p = _get_policy(ctx)
    body = _body_policy(ctx, True)
    for k in ("display_name", "post_duration"):
        if body.get(k) is not None:
            p[k] = body[k]
    for k in ("team_ids", "channel_ids"):
        if body.get(k) is not None:
            p[k] = list(dict.fromkeys(p[k] + body[k]))
    return json_response(_policy_json(p))


def delete_policy(ctx):
    ctx.require_perm(WRITE)
    _licensed(ctx)
    p = _get_policy(ctx)
    del ctx.state.retention_policies[p["id"]]
    return ok_response()


def _members(kind):
    key = kind + "_ids"

    def get(ctx):
        ctx.require_perm(READ)
        _licensed(ctx)
        p = _get_policy(ctx)
        page, per = ctx.page()
        st = ctx.state
        items = []
        for i in p[key]:
            if kind == "team":
                t = st.teams.get(i, {"id": i, "name": i, "display_name": i})
                items.append({"id": t["id"], "name": t["name"], "display_name": t["display_name"],
                              "policy_id": p["id"]})
            else:
                c = st.channels.get(i, {"id": i, "name": i, "team_id": ""})
                items.append({"id": c["id"], "name": c["name"], "team_id": c.get("team_id", ""),
                              "policy_id": p["id"]})
        return json_response(paginate(items, page, per))

    def _ids(ctx):
        try:
            v = go_decode(ctx.body)
        except JSONDecodeFailure as e:
            raise invalid_body_param(key, str(e))
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            raise invalid_body_param(key)
        return v

    def add(ctx):
        ctx.require_perm(WRITE)
        _licensed(ctx)
        p = _get_policy(ctx)
        p[key] = list(dict.fromkeys(p[key] + _ids(ctx)))
        return ok_response()

    def remove(ctx):
        ctx.require_perm(WRITE)
        _licensed(ctx)
        p = _get_policy(ctx)
        drop = set(_ids(ctx))
        p[key] = [i for i in p[key] if i not in drop]
        return ok_response()

    def search(ctx):
        ctx.require_perm(READ)
        _licensed(ctx)
        p = _get_policy(ctx)
        body = ctx.json_body("search")
        term = (body or {}).get("term", "") if isinstance(body, dict) else ""
        st = ctx.state
        src = st.teams if kind == "team" else st.channels
        out = [dict(src[i], policy_id=p["id"]) for i in p[key] if i in src and term in src[i]["name"]]
        for o in out:
            o.pop("members", None)
        return json_response(out)

    return get, add, remove, search


def user_policies(kind):
    def handler(ctx):
        uid = ctx.params["user_id"]
        if uid != ctx.user_id and not ctx.has_perm("manage_system"):
            raise permission_error("manage_system")
        _licensed(ctx)
        out = []
        for p in ctx.state.retention_policies.values():
            for i in p[kind + "_ids"]:
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
