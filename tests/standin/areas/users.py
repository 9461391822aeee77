"""Users: login/logout, me, get user, personal access tokens."""

import re

from core import (ANON, SESSION, AppError, Response, Session, invalid_body_param,
                  invalid_url_param, is_valid_id, json_response, map_from_json, new_id,
                  ok_response, permission_error, MFA_CODE)


def _invalid_credentials(st):
    email = st.cfg("EmailSettings.EnableSignInWithEmail", True)
    username = st.cfg("EmailSettings.EnableSignInWithUsername", True)
    if email and username:
        i = "api.user.login.invalid_credentials_email_username"
    elif email:
        i = "api.user.login.invalid_credentials_email"
    elif username:
        i = "api.user.login.invalid_credentials_username"
    else:
        i = "api.user.login.invalid_credentials_sso"
    return AppError(401, i)


def _find_user(st, uid, login_id):
    if uid:
        return st.users.get(uid)
    lid = login_id.strip().lower()
    for u in st.users.values():
        if st.cfg("EmailSettings.EnableSignInWithUsername", True) and u["username"] == lid:
            return u
        if st.cfg("EmailSettings.EnableSignInWithEmail", True) and u["email"].lower() == lid:
            return u
    return None


def login(ctx):
    st = ctx.state
    props = map_from_json(ctx.body)
    uid = props.get("id", "")
    login_id = props.get("login_id", "")
    password = props.get("password", "")
    mfa = props.get("token", "")
    if password == "":
        raise AppError(400, "api.user.login.blank_pwd.app_error")
    user = _find_user(st, uid, login_id)
    if user is None:
        raise _invalid_credentials(st)
    # preflight: inactive, too many attempts
    if user.get("delete_at"):
        raise AppError(401, "api.user.login.inactive.app_error")
    max_attempts = st.cfg("ServiceSettings.MaximumLoginAttempts", 10) or 10
    if st.failed_attempts.get(user["id"], 0) >= max_attempts:
        raise AppError(401, "api.user.check_user_login_attempts.too_many.app_error")
    if password != user["_password"]:
        st.failed_attempts[user["id"]] = st.failed_attempts.get(user["id"], 0) + 1
        raise _invalid_credentials(st)
    if user.get("mfa_active") and st.cfg("ServiceSettings.EnableMultifactorAuthentication", False):
        code = mfa.strip()
        if not code or not re.fullmatch(r"[0-9]+", code):
            raise AppError(401, "mfa.validate_token.authenticate.app_error")
        if code != MFA_CODE:
            st.failed_attempts[user["id"]] = st.failed_attempts.get(user["id"], 0) + 1
            raise AppError(401, "api.user.check_user_mfa.bad_code.app_error")
    st.failed_attempts[user["id"]] = 0
    token = new_id()
    sess = Session(token, user["id"])
    st.sessions[token] = sess
    resp = json_response(st.user_public(user["id"], for_self=True))
    resp.header("Token", token)
    if ctx.header("X-Requested-With", "") == "XMLHttpRequest":
        resp.header("Set-Cookie", "MMAUTHTOKEN=%s; Path=/; Max-Age=15552000; HttpOnly; SameSite=Lax" % token)
        resp.header("Set-Cookie", "MMUSERID=%s; Path=/; Max-Age=15552000; SameSite=Lax" % user["id"])
        resp.header("Set-Cookie", "MMCSRF=%s; Path=/; Max-Age=15552000; SameSite=Lax" % sess.csrf)
    return resp


def logout(ctx):
    st = ctx.state
    resp = ok_response()
    for name in ("MMAUTHTOKEN", "MMUSERID", "MMCSRF"):
        resp.header("Set-Cookie", "%s=; Path=/; Max-Age=0" % name)
    if ctx.session is not None and ctx.session.token:
        st.sessions.pop(ctx.session.token, None)
    return resp


def get_user(ctx):
    uid = ctx.params["user_id"]
    if not is_valid_id(uid):
        raise invalid_url_param("user_id")
    u = ctx.state.user_public(uid, for_self=(uid == ctx.user_id))
    if u is None:
        raise AppError(404, "app.user.missing_account.const", "resource: User id: " + uid)
    return json_response(u)


def create_token(ctx):
    st = ctx.state
    uid = ctx.params["user_id"]
    if not is_valid_id(uid):
        raise invalid_url_param("user_id")
    if ctx.session is not None and ctx.session.is_oauth:
        raise permission_error("create_user_access_token")
    body = ctx.json_body("user_access_token", allow_null=True)
    if not isinstance(body, dict):
        body = {}
    desc = body.get("description")
    if not isinstance(desc, str) or desc == "":
        raise invalid_body_param("description")
    ctx.require_perm("create_user_access_token")
    if uid != ctx.user_id and not ctx.is_admin():
        raise permission_error("edit_other_users")
    if uid not in st.users:
        raise AppError(404, "app.user.missing_account.const")
    if not st.cfg("ServiceSettings.EnableUserAccessTokens", False):
        raise AppError(501, "app.user_access_token.disabled")
    tid = new_id()
    tok = new_id()
    st.access_tokens[tid] = {"id": tid, "token": tok, "user_id": uid, "description": desc,
                             "is_active": True}
    st.sessions[tok] = Session(tok, uid, "UserAccessToken", token_id=tid)
    return json_response({"id": tid, "token": tok, "user_id": uid, "description": desc,
                          "is_active": True})


def revoke_token(ctx):
    st = ctx.state
    props = map_from_json(ctx.body)
    tid = props.get("token_id", "")
    if not tid:
        raise invalid_body_param("token_id")
    ctx.require_perm("revoke_user_access_token")
    at = st.access_tokens.get(tid)
    if at is None:
        raise AppError(404, "app.user_access_token.get_by_user.app_error")
    if at["user_id"] != ctx.user_id and not ctx.is_admin():
        raise permission_error("edit_other_users")
    del st.access_tokens[tid]
    st.sessions.pop(at["token"], None)
    return ok_response()


def get_user_tokens(ctx):
    st = ctx.state
    uid = ctx.params["user_id"]
    if not is_valid_id(uid):
        raise invalid_url_param("user_id")
    ctx.require_perm("read_user_access_token")
    if uid != ctx.user_id and not ctx.is_admin():
        raise permission_error("edit_other_users")
    page, per = ctx.page()
    toks = [{k: v for k, v in t.items() if k != "token"} for t in st.access_tokens.values()
            if t["user_id"] == uid]
    return json_response(toks[page * per: page * per + per])


def register(r):
    r.add("POST", "/users/login", login, auth=ANON)
    r.add("POST", "/users/logout", logout, auth=ANON)
    r.add("POST", "/users/tokens/revoke", revoke_token)
    r.add("GET", "/users/{user_id}", get_user, local=True)
    r.add("POST", "/users/{user_id}/tokens", create_token)
    r.add("GET", "/users/{user_id}/tokens", get_user_tokens)
