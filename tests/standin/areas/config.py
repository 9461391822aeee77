"""Config endpoints (§3.2, §4)."""

import copy
import json
import os
import re

import cfgutil
from core import (ANON, SESSION, AppError, go_parse_bool, invalid_body_param, json_response,
                  ok_response, string_interface_from_json)

NO_CACHE = ("Cache-Control", "no-cache, no-store, must-revalidate")
SYSCONSOLE_READ = "sysconsole_read_*"
SYSCONSOLE_WRITE = "sysconsole_write_*"


def init_state(st):
    st.migrations = []


def _respond_config(ctx, cfg):
    resp = json_response(cfg, newline=True)
    resp.header(*NO_CACHE)
    return resp


def _sanitized(st, cfg=None):
    return cfgutil.sanitize(cfg if cfg is not None else st.config, cfgutil.plugin_manifests(st))


def _filtered(ctx, cfg):
    st = ctx.state
    if go_parse_bool(ctx.q("remove_defaults")):
        cfg = cfgutil.remove_defaults(cfg, st.model_defaults)
    if go_parse_bool(ctx.q("remove_masked")):
        cfg = cfgutil.remove_masked(cfg)
    return cfg


def get_config(ctx):
    ctx.require_perm(SYSCONSOLE_READ)
    return _respond_config(ctx, _filtered(ctx, _sanitized(ctx.state)))


def local_get_config(ctx):
    return _respond_config(ctx, _filtered(ctx, copy.deepcopy(ctx.state.config)))


def _save(st, cfg):
    """SaveConfig: desanitize against the stored config, keep env overrides."""
    cfgutil.desanitize(st.config, cfg)
    cfgutil.apply_env_overrides(st, cfg)
    st.config = cfg


def _es_autocomplete_guard(app_cfg, cfg):
    if (not cfgutil.get_path(app_cfg, "ElasticsearchSettings.EnableAutocomplete")
            and cfgutil.get_path(cfg, "ElasticsearchSettings.EnableAutocomplete")):
        raise AppError(400, "api.config.update.elasticsearch.autocomplete_cannot_be_enabled_error",
                       message="Autocomplete cannot be enabled because the index has not been completed.")


def update_config(ctx):
    st = ctx.state
    partial = cfgutil.decode_config_body(ctx)
    cfg = cfgutil.fill_defaults(partial, st.model_defaults)
    ctx.require_perm(SYSCONSOLE_WRITE)
    app_cfg = st.config
    if (cfgutil.get_path(app_cfg, "ServiceSettings.SiteURL") or "") != "" and \
            cfgutil.get_path(cfg, "ServiceSettings.SiteURL") == "":
        raise AppError(400, "api.config.update_config.clear_siteurl.app_error")
    cfg = cfgutil.merge(app_cfg, cfg)
    ps, aps = cfg["PluginSettings"], app_cfg.get("PluginSettings", {})
    ps["EnableUploads"] = aps.get("EnableUploads", False)
    ps["SignaturePublicKeyFiles"] = copy.deepcopy(aps.get("SignaturePublicKeyFiles", []))
    if not aps.get("EnableUploads", False):
        ps["MarketplaceURL"] = aps.get("MarketplaceURL")
    _es_autocomplete_guard(app_cfg, cfg)
    cfgutil.validate(cfg)
    _save(st, cfg)
    return _respond_config(ctx, _sanitized(st))


def local_update_config(ctx):
    st = ctx.state
    partial = cfgutil.decode_config_body(ctx)
    cfg = cfgutil.fill_defaults(partial, st.model_defaults)
    cfgutil.validate(cfg)
    _save(st, cfg)
    return _respond_config(ctx, _sanitized(st))


def patch_config(ctx):
    st = ctx.state
    patch = cfgutil.decode_config_body(ctx)
    ctx.require_perm(SYSCONSOLE_WRITE)
    app_cfg = st.config
    get = cfgutil.get_path
    if (get(app_cfg, "ServiceSettings.SiteURL") or "") != "" and \
            get(patch, "ServiceSettings.SiteURL") == "":
        raise AppError(400, "api.config.update_config.clear_siteurl.app_error")
    eu = get(patch, "PluginSettings.EnableUploads")
    if eu is not None and eu != get(app_cfg, "PluginSettings.EnableUploads"):
        raise AppError(403, "api.config.update_config.not_allowed_security.app_error",
                       params={"Name": "PluginSettings.EnableUploads"})
    mu = get(patch, "PluginSettings.MarketplaceURL")
    if mu is not None and eu is not None:
        if mu != get(app_cfg, "PluginSettings.MarketplaceURL") and not eu:
            raise AppError(403, "api.config.update_config.not_allowed_security.app_error",
                           params={"Name": "PluginSettings.MarketplaceURL"})
    cfg = cfgutil.merge(app_cfg, patch)
    cfgutil.validate(cfg)
    _save(st, cfg)
    return _respond_config(ctx, _sanitized(st))


def local_patch_config(ctx):
    st = ctx.state
    patch = cfgutil.decode_config_body(ctx)
    cfg = cfgutil.merge(st.config, patch)
    cfgutil.validate(cfg)
    _save(st, cfg)
    return _respond_config(ctx, _sanitized(st))


def reload_config(ctx):
    ctx.require_perm("reload_config", nra=True)
    if ctx.state.config_reload_fails:
        raise AppError(500, "api.config.reload_config.app_error", "simulated failure")
    resp = ok_response()
    resp.header(*NO_CACHE)
    return resp


def client_config(ctx):
    full = ctx.is_local or (ctx.session is not None and bool(ctx.session.user_id))
    return json_response(cfgutil.client_config(ctx.state, full), newline=True)


def environment_config(ctx):
    st = ctx.state
    out = cfgutil.environment_config(st) if ctx.has_perm(SYSCONSOLE_READ) else {}
    resp = json_response(out)
    resp.header(*NO_CACHE)
    return resp


_DSN_RE = re.compile(r"^(postgres|postgresql|mysql)://|@tcp\(", re.I)


def migrate_config(ctx):
    st = ctx.state
    props = string_interface_from_json(ctx.body)
    src = props.get("from")
    if not isinstance(src, str):
        raise invalid_body_param("from")
    dst = props.get("to")
    if not isinstance(dst, str):
        raise invalid_body_param("to")
    ctx.require_perm("manage_system")

    def fail(detail):
        return AppError(500, "api.config.migrate_config.app_error", detail)

    if _DSN_RE.search(src):
        data = copy.deepcopy(st.config)
    else:
        try:
            with open(src, encoding="utf-8") as f:
                data = json.load(f)
        except (OSError, ValueError) as e:
            raise fail("failed to create source config store: %s" % e)
        if not isinstance(data, dict):
            raise fail("source config is not an object")
    if _DSN_RE.search(dst):
        st.migrations.append({"from": src, "to": dst})
    else:
        try:
            with open(dst, "w", encoding="utf-8") as f:
                json.dump(data, f, indent=4)
        except OSError as e:
            raise fail("failed to create destination config store: %s" % e)
        st.migrations.append({"from": src, "to": dst})
    return ok_response()


def state_view(st):
    return {"migrations": list(st.migrations)}


def register(r):
    r.add("GET", "/config", get_config, local=True, local_handler=local_get_config)
    r.add("PUT", "/config", update_config, local=True, local_handler=local_update_config)
    r.add("PUT", "/config/patch", patch_config, local=True, local_handler=local_patch_config)
    r.add("POST", "/config/reload", reload_config, local=True)
    r.add("GET", "/config/client", client_config, auth=ANON, local=True)
    r.add("GET", "/config/environment", environment_config)
    r.add("POST", "/config/migrate", migrate_config, local_only=True)
