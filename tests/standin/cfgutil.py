"""Config model of the stand-in: defaults, type-checked decoding, merge,
sanitize/desanitize, validation, filters, client/environment config.

The running config is a plain dict with the shape of default_config.json.
"""

import copy
import json
import os
import re

from core import FAKE_SETTING, AppError, random_string, invalid_body_param

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CONFIG_PATH = os.path.join(HERE, "default_config.json")

RANDOM = object()   # SetDefaults generates a random value when nil/empty

# Values of the model defaults (SetDefaults) that differ from the stand-in's
# initial running config (default_config.json).
MODEL_DEFAULT_OVERRIDES = {
    "ServiceSettings.SiteURL": "",
    "ServiceSettings.EnableMultifactorAuthentication": False,
    "ServiceSettings.EnableUserAccessTokens": False,
    "ServiceSettings.EnableLocalMode": False,
    "ServiceSettings.LocalModeSocketLocation": "/var/tmp/mattermost_local.socket",
    "ServiceSettings.ExtendSessionLengthWithActivity": True,
    "ServiceSettings.TerminateSessionsOnPasswordChange": True,
    "SqlSettings.DataSource": "postgres://mmuser:mostest@localhost/mattermost_test?sslmode=disable&connect_timeout=10&binary_parameters=yes",
    "SqlSettings.AtRestEncryptKey": RANDOM,
    "LogSettings.ConsoleLevel": "DEBUG",
    "FileSettings.PublicLinkSalt": RANDOM,
    "FileSettings.AmazonS3AccessKeyId": "",
    "FileSettings.AmazonS3SecretAccessKey": "",
    "FileSettings.AmazonS3Region": "",
    "FileSettings.AzureAccessKey": "",
    "FileSettings.ExportAzureAccessKey": "",
    "EmailSettings.FeedbackName": "",
    "EmailSettings.FeedbackEmail": "test@example.com",
    "EmailSettings.ReplyToAddress": "test@example.com",
    "EmailSettings.FeedbackOrganization": "",
    "EmailSettings.EnableSMTPAuth": False,
    "EmailSettings.SMTPUsername": "",
    "EmailSettings.SMTPPassword": "",
    "EmailSettings.SMTPServer": "localhost",
    "EmailSettings.SMTPPort": "10025",
    "EmailSettings.ConnectionSecurity": "",
    "EmailSettings.SendPushNotifications": False,
    "EmailSettings.PushNotificationServer": "",
    "SupportSettings.SupportEmail": "",
    "GitLabSettings.Secret": "",
    "GitLabSettings.Id": "",
    "GitLabSettings.AuthEndpoint": "",
    "GitLabSettings.TokenEndpoint": "",
    "GitLabSettings.UserAPIEndpoint": "",
    "GoogleSettings.Secret": "",
    "GoogleSettings.Id": "",
    "Office365Settings.Secret": "",
    "Office365Settings.Id": "",
    "OpenIdSettings.Secret": "",
    "OpenIdSettings.Id": "",
    "OpenIdSettings.DiscoveryEndpoint": "",
    "LdapSettings.LdapServer": "",
    "LdapSettings.BaseDN": "",
    "LdapSettings.BindUsername": "",
    "LdapSettings.BindPassword": "",
    "LdapSettings.GroupDisplayNameAttribute": "",
    "LdapSettings.GroupIdAttribute": "",
    "LdapSettings.FirstNameAttribute": "",
    "LdapSettings.LastNameAttribute": "",
    "LdapSettings.EmailAttribute": "",
    "LdapSettings.UsernameAttribute": "",
    "LdapSettings.IdAttribute": "",
    "LdapSettings.LoginIdAttribute": "",
    "CacheSettings.RedisAddress": "",
    "CacheSettings.RedisPassword": "",
    "CacheSettings.RedisDB": -1,
    "MessageExportSettings.GlobalRelaySettings.SMTPUsername": "",
    "MessageExportSettings.GlobalRelaySettings.SMTPPassword": "",
    "MessageExportSettings.GlobalRelaySettings.EmailAddress": "",
    "PluginSettings.Plugins": {},
    "PluginSettings.PluginStates": {
        "com.mattermost.calls": {"Enable": True},
        "com.mattermost.nps": {"Enable": True},
        "mattermost-ai": {"Enable": True},
        "playbooks": {"Enable": True},
    },
    "ConnectedWorkspacesSettings.EnableSharedChannels": False,
    "ConnectedWorkspacesSettings.EnableRemoteClusterService": False,
}

# free-form maps (replace wholesale; values checked loosely)
MAP_PATHS = {"PluginSettings.Plugins", "PluginSettings.PluginStates"}
# json.RawMessage fields: any JSON value
RAW_PATHS = {"LogSettings.AdvancedLoggingJSON", "ExperimentalAuditSettings.AdvancedLoggingJSON",
             "NotificationLogSettings.AdvancedLoggingJSON"}
# arrays of structs
OBJ_ARRAY_PATHS = {
    "SqlSettings.ReplicaLagSettings": {"DataSource": "", "QueryAbsoluteLag": 0, "QueryTimeLag": 0},
}

# §4.1 placeholders: masked when non-empty / always
SANITIZE_IF_SET = [
    "LdapSettings.BindPassword", "FileSettings.AmazonS3SecretAccessKey",
    "EmailSettings.SMTPPassword", "GitLabSettings.Secret", "GoogleSettings.Secret",
    "Office365Settings.Secret", "OpenIdSettings.Secret",
    "MessageExportSettings.GlobalRelaySettings.SMTPPassword",
    "FileSettings.AzureAccessKey", "FileSettings.ExportAzureAccessKey",
]
SANITIZE_ALWAYS = [
    "FileSettings.PublicLinkSalt", "SqlSettings.DataSource", "SqlSettings.AtRestEncryptKey",
    "ElasticsearchSettings.Password", "ServiceSettings.SplitKey", "CacheSettings.RedisPassword",
]
# §4.2: restored on save (RedisPassword and ReplicaLagSettings[].DataSource are NOT)
DESANITIZE_FIELDS = [
    "LdapSettings.BindPassword", "FileSettings.PublicLinkSalt",
    "FileSettings.AmazonS3SecretAccessKey", "EmailSettings.SMTPPassword",
    "GitLabSettings.Secret", "GoogleSettings.Secret", "Office365Settings.Secret",
    "OpenIdSettings.Secret", "SqlSettings.DataSource", "SqlSettings.AtRestEncryptKey",
    "ElasticsearchSettings.Password", "MessageExportSettings.GlobalRelaySettings.SMTPPassword",
    "ServiceSettings.SplitKey",
]
# seed 001: Desanitize also covers these, keeping the placeholder when unset
DESANITIZE_KEEP_IF_UNSET = ["FileSettings.AzureAccessKey", "FileSettings.ExportAzureAccessKey"]


# --- path helpers ------------------------------------------------------------------

def get_path(cfg, dotted, default=None):
    cur = cfg
    for p in dotted.split("."):
        if not isinstance(cur, dict) or p not in cur:
            return default
        cur = cur[p]
    return cur


def set_path(cfg, dotted, value):
    parts = dotted.split(".")
    cur = cfg
    for p in parts[:-1]:
        if not isinstance(cur.get(p), dict):
            cur[p] = {}
        cur = cur[p]
    cur[parts[-1]] = value


def has_path(cfg, dotted):
    cur = cfg
    for p in dotted.split("."):
        if not isinstance(cur, dict) or p not in cur:
            return False
        cur = cur[p]
    return True


# --- loading / defaults ------------------------------------------------------------

_BASE = None


def base_config():
    global _BASE
    if _BASE is None:
        with open(DEFAULT_CONFIG_PATH, encoding="utf-8") as f:
            _BASE = json.load(f)
    return copy.deepcopy(_BASE)


def load_initial_config(opts):
    cfg = base_config()
    if getattr(opts, "site_url", None) is not None:
        set_path(cfg, "ServiceSettings.SiteURL", opts.site_url)
    sock = getattr(opts, "socket", None)
    if sock:
        set_path(cfg, "ServiceSettings.EnableLocalMode", True)
        set_path(cfg, "ServiceSettings.LocalModeSocketLocation", sock)
    else:
        set_path(cfg, "ServiceSettings.EnableLocalMode", False)
    return cfg


def model_defaults(initial=None):
    d = base_config()
    for k, v in MODEL_DEFAULT_OVERRIDES.items():
        set_path(d, k, "" if v is RANDOM else copy.deepcopy(v))
    return d


# --- decoding with Go type rules ---------------------------------------------------

class ConfigTypeError(Exception):
    pass


def _json_kind(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    return "object"


def _go_kind(template):
    if isinstance(template, bool):
        return "bool"
    if isinstance(template, int):
        return "int"
    if isinstance(template, float):
        return "float64"
    if isinstance(template, str):
        return "string"
    if isinstance(template, list):
        return "[]string"
    return "struct"


def _type_err(path, v, gokind):
    raise ConfigTypeError("json: cannot unmarshal %s into Go struct field %s of type %s"
                          % (_json_kind(v), path, gokind))


def _check_scalar(path, v, template):
    if v is None:
        return None
    if isinstance(template, bool):
        if not isinstance(v, bool):
            _type_err(path, v, "bool")
        return v
    if isinstance(template, int):
        if isinstance(v, bool) or not isinstance(v, int):
            if isinstance(v, float) and not isinstance(v, bool):
                # Go: "json: cannot unmarshal number 1.5 into ... of type int"
                raise ConfigTypeError("json: cannot unmarshal number %s into Go struct field %s of type int" % (v, path))
            _type_err(path, v, "int")
        return v
    if isinstance(template, float):
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            _type_err(path, v, "float64")
        return v
    if isinstance(template, str):
        if not isinstance(v, str):
            _type_err(path, v, "string")
        return v
    return v


def decode_partial(body, schema, prefix=""):
    """Validate a decoded JSON object against the schema (a full config dict)
    and return a partial config containing only known keys (None = null)."""
    out = {}
    for key, v in body.items():
        if key not in schema:
            continue    # unknown fields are ignored by encoding/json
        template = schema[key]
        path = prefix + key
        if path in RAW_PATHS:
            out[key] = v
            continue
        if v is None:
            out[key] = None
            continue
        if path in MAP_PATHS:
            if not isinstance(v, dict):
                _type_err(path, v, "map")
            m = {}
            for pid, pv in v.items():
                if pv is not None and not isinstance(pv, dict):
                    _type_err(path, pv, "map[string]interface {}")
                if path.endswith("PluginStates") and isinstance(pv, dict):
                    en = pv.get("Enable")
                    if en is not None and not isinstance(en, bool):
                        _type_err(path + ".Enable", en, "bool")
                m[pid] = copy.deepcopy(pv)
            out[key] = m
            continue
        if path in OBJ_ARRAY_PATHS:
            if not isinstance(v, list):
                _type_err(path, v, "[]struct")
            arr = []
            tmpl = OBJ_ARRAY_PATHS[path]
            for el in v:
                if el is None:
                    arr.append(None)
                    continue
                if not isinstance(el, dict):
                    _type_err(path, el, "struct")
                arr.append(decode_partial(el, tmpl, path + "."))
            out[key] = arr
            continue
        if isinstance(template, dict):
            if not isinstance(v, dict):
                _type_err(path, v, "struct")
            out[key] = decode_partial(v, template, path + ".")
            continue
        if isinstance(template, list):
            if not isinstance(v, list):
                _type_err(path, v, "[]string")
            arr = []
            for el in v:
                if el is None:
                    arr.append("")
                elif not isinstance(el, str):
                    _type_err(path, el, "string")
                else:
                    arr.append(el)
            out[key] = arr
            continue
        out[key] = _check_scalar(path, v, template)
    return out


def decode_config_body(ctx):
    """Decode a request body as a (partial) Config. 400 invalid_body_param
    `config` on bad JSON, null, non-object or type mismatches."""
    from core import body_too_large, go_decode, JSONDecodeFailure
    if ctx.body_too_large:
        raise body_too_large()
    try:
        v = go_decode(ctx.body)
    except JSONDecodeFailure as e:
        raise invalid_body_param("config", str(e))
    if v is None:
        raise invalid_body_param("config", "")
    if not isinstance(v, dict):
        raise invalid_body_param("config", "json: cannot unmarshal %s into Go value of type model.Config" % _json_kind(v))
    try:
        return decode_partial(v, ctx.state.model_defaults)
    except ConfigTypeError as e:
        raise invalid_body_param("config", str(e))


def fill_defaults(partial, defaults, prefix=""):
    """cfg.SetDefaults(): every nil field gets its model default."""
    out = {}
    for key, dv in defaults.items():
        path = prefix + key
        v = partial.get(key) if isinstance(partial, dict) else None
        if isinstance(dv, dict) and path not in MAP_PATHS and path not in RAW_PATHS:
            out[key] = fill_defaults(v if isinstance(v, dict) else {}, dv, path + ".")
            continue
        if path in OBJ_ARRAY_PATHS and isinstance(v, list):
            tmpl = OBJ_ARRAY_PATHS[path]
            out[key] = [fill_defaults(el or {}, tmpl, path + ".") for el in v]
            continue
        if v is None:
            if MODEL_DEFAULT_OVERRIDES.get(path) is RANDOM:
                out[key] = random_string(32)
            elif path in RAW_PATHS:
                out[key] = None
            else:
                out[key] = copy.deepcopy(dv)
        else:
            if MODEL_DEFAULT_OVERRIDES.get(path) is RANDOM and v == "":
                out[key] = random_string(32)
            else:
                out[key] = copy.deepcopy(v)
    return out


def merge(base, patch, prefix=""):
    """config.Merge: structs merge field by field, a nil patch value keeps
    the base, maps and slices replace wholesale."""
    out = copy.deepcopy(base)
    if not isinstance(patch, dict):
        return out
    for key, pv in patch.items():
        path = prefix + key
        if pv is None:
            continue
        bv = out.get(key)
        if (isinstance(bv, dict) and isinstance(pv, dict) and path not in MAP_PATHS
                and path not in RAW_PATHS):
            out[key] = merge(bv, pv, path + ".")
        elif path in OBJ_ARRAY_PATHS and isinstance(pv, list):
            tmpl = OBJ_ARRAY_PATHS[path]
            out[key] = [merge(copy.deepcopy(tmpl), el or {}, path + ".") for el in pv]
        else:
            out[key] = copy.deepcopy(pv)
    return out


# --- sanitize / desanitize -----------------------------------------------------------

def plugin_manifests(state):
    """Manifests of installed plugins, or None when they cannot be read."""
    if not get_path(state.config, "PluginSettings.Enable", False):
        return None
    plugins = getattr(state, "plugins", {}) or {}
    return {pid: p["manifest"] for pid, p in plugins.items()}


def sanitize(cfg, manifests):
    c = copy.deepcopy(cfg)
    for p in SANITIZE_IF_SET:
        v = get_path(c, p)
        if isinstance(v, str) and v != "":
            set_path(c, p, FAKE_SETTING)
    for p in SANITIZE_ALWAYS:
        if has_path(c, p) and get_path(c, p) is not None:
            set_path(c, p, FAKE_SETTING)
    sql = c.get("SqlSettings") or {}
    for k in ("DataSourceReplicas", "DataSourceSearchReplicas"):
        if isinstance(sql.get(k), list):
            sql[k] = [FAKE_SETTING for _ in sql[k]]
    if isinstance(sql.get("ReplicaLagSettings"), list):
        for el in sql["ReplicaLagSettings"]:
            if isinstance(el, dict) and el.get("DataSource") is not None:
                el["DataSource"] = FAKE_SETTING
    ps = c.get("PluginSettings") or {}
    plugins = ps.get("Plugins")
    if isinstance(plugins, dict):
        manifests = manifests or {}
        for pid in list(plugins.keys()):
            settings = plugins[pid]
            if not isinstance(settings, dict):
                if pid not in manifests:
                    del plugins[pid]
                continue
            manifest = manifests.get(pid)
            for key in list(settings.keys()):
                if manifest is None:
                    del plugins[pid]
                    break
                schema = manifest.get("settings_schema") or {}
                for s in schema.get("settings") or []:
                    if s.get("secret") and str(s.get("key", "")).lower() == key.lower():
                        settings[key] = FAKE_SETTING
                        break
    return c


def desanitize(actual, target):
    """Swap placeholders in target for the stored values (store.Set)."""
    for p in DESANITIZE_FIELDS:
        if get_path(target, p) == FAKE_SETTING:
            set_path(target, p, get_path(actual, p))
    for p in DESANITIZE_KEEP_IF_UNSET:
        if get_path(target, p) == FAKE_SETTING:
            av = get_path(actual, p)
            if av:
                set_path(target, p, av)
    tsql = target.get("SqlSettings") or {}
    asql = actual.get("SqlSettings") or {}
    for k in ("DataSourceReplicas", "DataSourceSearchReplicas"):
        tv, av = tsql.get(k), asql.get(k)
        if isinstance(tv, list) and isinstance(av, list) and len(tv) == len(av):
            for i, v in enumerate(tv):
                if v == FAKE_SETTING:
                    tv[i] = av[i]
    tplug = get_path(target, "PluginSettings.Plugins")
    aplug = get_path(actual, "PluginSettings.Plugins") or {}
    if isinstance(tplug, dict):
        for pid, settings in tplug.items():
            if not isinstance(settings, dict) or pid not in aplug:
                continue
            asettings = aplug.get(pid) or {}
            for k, v in list(settings.items()):
                if v == FAKE_SETTING:
                    settings[k] = asettings.get(k)
    return target


def apply_env_overrides(state, cfg):
    for path, value in (state.env_overrides or {}).items():
        set_path(cfg, path, copy.deepcopy(value))
    return cfg


# --- filters (remove_masked / remove_defaults) --------------------------------------------

def remove_defaults(cfg, defaults):
    out = {}
    for k, v in cfg.items():
        dv = defaults.get(k) if isinstance(defaults, dict) else None
        if isinstance(v, dict) and isinstance(dv, dict):
            sub = remove_defaults(v, dv)
            if sub:
                out[k] = sub
            continue
        if isinstance(defaults, dict) and k in defaults and v == dv:
            continue
        out[k] = v
    return out


def remove_masked(cfg):
    """Drop every value equal to the placeholder; a section emptied by that
    removal is dropped too."""
    out = {}
    for k, v in cfg.items():
        if isinstance(v, dict):
            sub = remove_masked(v)
            if sub or not v or not _only_masked_removed(v):
                out[k] = sub
        elif v == FAKE_SETTING:
            continue
        else:
            out[k] = v
    return out


def _only_masked_removed(d):
    """True if d contains at least one placeholder somewhere."""
    for v in d.values():
        if v == FAKE_SETTING or (isinstance(v, dict) and _only_masked_removed(v)):
            return True
    return False


# --- validation (Config.IsValid subset) ---------------------------------------------------

def _bad(name, params=None, detail=""):
    return AppError(400, "model.config.is_valid.%s.app_error" % name, detail, params or {},
                    message=_VALID_MSGS.get(name))


_VALID_MSGS = {
    "max_file_size": "Invalid max file size for file settings. Must be a whole number greater than zero.",
    "site_url": "Site URL must be a valid URL and start with http:// or https://.",
    "listen_address": "Invalid listen address for service settings. Must be set.",
    "read_timeout": "Invalid value for read timeout.",
    "write_timeout": "Invalid value for write timeout.",
    "login_attempts": "Invalid maximum login attempts for service settings. Must be a positive number.",
    "max_users": "Invalid maximum users per team for team settings. Must be a positive number.",
    "max_channels": "Invalid maximum channels per team for team settings. Must be a positive number.",
    "sitename_length": "Site name must be less than or equal to 30 characters.",
    "sql_driver": "Invalid driver name for SQL settings. Must be 'mysql' or 'postgres'.",
    "sql_idle": "Invalid maximum idle connections for SQL settings. Must be a positive number.",
    "sql_max_conn": "Invalid maximum open connections for SQL settings. Must be a positive number.",
    "sql_data_src": "Invalid data source for SQL settings. Must be set.",
    "sql_query_timeout": "Invalid query timeout for SQL settings. Must be a positive number.",
    "encrypt_sql": "Invalid at rest encrypt key for SQL settings. Must be 32 chars or more.",
    "file_driver": "Invalid driver name for file settings. Must be 'local', 'amazons3' or 'azureblob'.",
    "file_salt": "Invalid public link salt for file settings. Must be 32 chars or more.",
    "directory": "Invalid Directory. Must be a non-empty string.",
    "email_security": "Invalid connection security for email settings. Must be '', 'TLS', or 'STARTTLS'.",
    "email_batching_buffer_size": "Invalid email batching buffer size for email settings. Must be zero or a positive number.",
    "email_batching_interval": "Invalid email batching interval for email settings. Must be 30 seconds or more.",
    "password_length": "Minimum password length must be a whole number greater than or equal to 5 and less than or equal to 72.",
    "rate_mem": "Invalid memory store size for rate limit settings. Must be a positive number.",
    "rate_sec": "Invalid per second for rate limit settings. Must be a positive number.",
    "max_burst": "Maximum burst size must be greater than zero.",
    "webserver_security": "Invalid value for webserver connection security.",
    "time_between_user_typing": "Time between user typing updates should not be set to less than 1000 milliseconds.",
    "local_mode_socket": "Unable to locate local socket file directory.",
    "max_payload_size": "Invalid max payload size for service settings. Must be a whole number greater than zero.",
    "max_url_length": "Invalid max URL length for service settings. Must be a whole number greater than zero.",
    "ldap_server": "AD/LDAP field \"AD/LDAP Server\" is required.",
    "ldap_basedn": "AD/LDAP field \"BaseDN\" is required.",
    "ldap_sync_interval": "Invalid sync interval time. Must be at least one minute.",
    "teammate_name_display": "Invalid teammate display. Must be 'full_name', 'nickname_full_name' or 'username'.",
    "restrict_direct_message": "Invalid direct message restriction. Must be 'any', or 'team'.",
    "elastic_search.connection_url": "The Elasticsearch ConnectionUrl setting must be provided when Elasticsearch indexing is enabled.",
    "elastic_search.enable_searching": "Elasticsearch IndexingEnabled setting must be set to true when Elasticsearch SearchEnabled is set to true.",
    "message_export.export_type": "Message export job ExportFormat must be one of 'actiance', 'csv' or 'globalrelay'.",
    "message_export.daily_runtime": "Message export job DailyRuntime must be a 24-hour time stamp in the form HH:MM.",
    "default_locale": "Invalid default locale.",
}

_URI_RE = re.compile(r"^(/|[A-Za-z][A-Za-z0-9+.\-]*:)[^\s]*$")
LOCALES = {"en", "bg", "de", "en-AU", "es", "fa", "fr", "hu", "it", "ja", "ko", "nl", "pl",
           "pt-BR", "ro", "ru", "sv", "tr", "uk", "vi", "zh-CN", "zh-TW"}


def _int(cfg, p):
    v = get_path(cfg, p)
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else 0


def validate(cfg):
    g = lambda p: get_path(cfg, p)
    # TeamSettings
    if _int(cfg, "TeamSettings.MaxUsersPerTeam") <= 0:
        raise _bad("max_users")
    if _int(cfg, "TeamSettings.MaxChannelsPerTeam") <= 0:
        raise _bad("max_channels")
    if g("TeamSettings.RestrictDirectMessage") not in ("any", "team"):
        raise _bad("restrict_direct_message")
    if g("TeamSettings.TeammateNameDisplay") not in ("full_name", "nickname_full_name", "username"):
        raise _bad("teammate_name_display")
    if len(g("TeamSettings.SiteName") or "") > 30:
        raise _bad("sitename_length", {"MaxLength": 30})
    # SqlSettings
    key = g("SqlSettings.AtRestEncryptKey") or ""
    if key and len(key) < 32:
        raise _bad("encrypt_sql")
    if g("SqlSettings.DriverName") not in ("postgres", "mysql"):
        raise _bad("sql_driver")
    if _int(cfg, "SqlSettings.MaxIdleConns") <= 0:
        raise _bad("sql_idle")
    if _int(cfg, "SqlSettings.QueryTimeout") <= 0:
        raise _bad("sql_query_timeout")
    if not g("SqlSettings.DataSource"):
        raise _bad("sql_data_src")
    if _int(cfg, "SqlSettings.MaxOpenConns") <= 0:
        raise _bad("sql_max_conn")
    # FileSettings
    if _int(cfg, "FileSettings.MaxFileSize") <= 0:
        raise _bad("max_file_size")
    if g("FileSettings.DriverName") not in ("local", "amazons3", "azureblob"):
        raise _bad("file_driver")
    salt = g("FileSettings.PublicLinkSalt") or ""
    if salt and len(salt) < 32:
        raise _bad("file_salt")
    if not g("FileSettings.Directory"):
        raise _bad("directory")
    # EmailSettings
    if g("EmailSettings.ConnectionSecurity") not in ("", "TLS", "STARTTLS", "PLAIN"):
        raise _bad("email_security")
    if _int(cfg, "EmailSettings.EmailBatchingBufferSize") <= 0:
        raise _bad("email_batching_buffer_size")
    if _int(cfg, "EmailSettings.EmailBatchingInterval") < 30:
        raise _bad("email_batching_interval")
    # LdapSettings
    if g("LdapSettings.Enable"):
        if not g("LdapSettings.LdapServer"):
            raise _bad("ldap_server")
        if not g("LdapSettings.BaseDN"):
            raise _bad("ldap_basedn")
    if _int(cfg, "LdapSettings.SyncIntervalMinutes") <= 0:
        raise _bad("ldap_sync_interval")
    # PasswordSettings
    ml = _int(cfg, "PasswordSettings.MinimumLength")
    if ml < 5 or ml > 72:
        raise _bad("password_length", {"MinLength": 5, "MaxLength": 72})
    # LocalizationSettings
    if g("LocalizationSettings.DefaultServerLocale") not in LOCALES:
        raise _bad("default_locale")
    # ServiceSettings
    site = g("ServiceSettings.SiteURL") or ""
    if site and not _URI_RE.match(site):
        raise _bad("site_url")
    if not g("ServiceSettings.ListenAddress"):
        raise _bad("listen_address")
    if g("ServiceSettings.ConnectionSecurity") not in ("", "TLS"):
        raise _bad("webserver_security")
    if _int(cfg, "ServiceSettings.ReadTimeout") <= 0:
        raise _bad("read_timeout")
    if _int(cfg, "ServiceSettings.WriteTimeout") <= 0:
        raise _bad("write_timeout")
    if _int(cfg, "ServiceSettings.MaximumLoginAttempts") <= 0:
        raise _bad("login_attempts")
    if _int(cfg, "ServiceSettings.TimeBetweenUserTypingUpdatesMilliseconds") < 1000:
        raise _bad("time_between_user_typing")
    if _int(cfg, "ServiceSettings.MaximumPayloadSizeBytes") <= 0:
        raise _bad("max_payload_size")
    if _int(cfg, "ServiceSettings.MaximumURLLength") <= 0:
        raise _bad("max_url_length")
    if g("ServiceSettings.EnableLocalMode"):
        loc = g("ServiceSettings.LocalModeSocketLocation") or ""
        if not os.path.isdir(os.path.dirname(loc) or "."):
            raise _bad("local_mode_socket")
    # RateLimitSettings
    if _int(cfg, "RateLimitSettings.MemoryStoreSize") <= 0:
        raise _bad("rate_mem")
    if _int(cfg, "RateLimitSettings.PerSec") <= 0:
        raise _bad("rate_sec")
    if _int(cfg, "RateLimitSettings.MaxBurst") <= 0:
        raise _bad("max_burst")
    # ElasticsearchSettings
    if g("ElasticsearchSettings.EnableIndexing") and not g("ElasticsearchSettings.ConnectionURL"):
        raise _bad("elastic_search.connection_url")
    if g("ElasticsearchSettings.EnableSearching") and not g("ElasticsearchSettings.EnableIndexing"):
        raise _bad("elastic_search.enable_searching")
    # MessageExportSettings
    if g("MessageExportSettings.EnableExport"):
        if g("MessageExportSettings.ExportFormat") not in ("actiance", "csv", "globalrelay"):
            raise _bad("message_export.export_type")
        if not re.match(r"^([01][0-9]|2[0-3]):[0-5][0-9]$", g("MessageExportSettings.DailyRunTime") or ""):
            raise _bad("message_export.daily_runtime")


# --- client / environment config --------------------------------------------------------

BUILD_DATE = "Tue Nov 18 10:00:00 UTC 2025"
BUILD_HASH = "6f1f6a2c41f1d3b0c8e57d1a4a7c2b9e0d5f3a18"
DIAGNOSTIC_ID = "diagnostic" + "0" * 15 + "a"


def _b(v):
    return "true" if v else "false"


def client_config(state, full):
    g = state.cfg
    lic = bool(state.license)
    c = {
        "AboutLink": g("SupportSettings.AboutLink", ""),
        "AndroidAppDownloadLink": g("NativeAppSettings.AndroidAppDownloadLink", ""),
        "AndroidLatestVersion": g("ClientRequirements.AndroidLatestVersion", ""),
        "AndroidMinVersion": g("ClientRequirements.AndroidMinVersion", ""),
        "AppDownloadLink": g("NativeAppSettings.AppDownloadLink", ""),
        "BuildDate": BUILD_DATE,
        "BuildEnterpriseReady": "true",
        "BuildHash": BUILD_HASH,
        "BuildHashEnterprise": BUILD_HASH if lic else "none",
        "BuildNumber": str(state.build_number),
        "CustomBrandText": g("TeamSettings.CustomBrandText", ""),
        "CustomDescriptionText": g("TeamSettings.CustomDescriptionText", ""),
        "DefaultClientLocale": g("LocalizationSettings.DefaultClientLocale", "en"),
        "AvailableLocales": g("LocalizationSettings.AvailableLocales", ""),
        "DiagnosticId": DIAGNOSTIC_ID,
        "TelemetryId": DIAGNOSTIC_ID,
        "DiagnosticsEnabled": _b(g("LogSettings.EnableDiagnostics", True)),
        "EnableCustomBrand": _b(g("TeamSettings.EnableCustomBrand", False)),
        "EnableLdap": _b(lic and g("LdapSettings.Enable", False)),
        "EnableSaml": _b(lic and g("SamlSettings.Enable", False)),
        "EnableMultifactorAuthentication": _b(g("ServiceSettings.EnableMultifactorAuthentication", False)),
        "EnableOpenServer": _b(g("TeamSettings.EnableOpenServer", False)),
        "EnableSignInWithEmail": _b(g("EmailSettings.EnableSignInWithEmail", True)),
        "EnableSignInWithUsername": _b(g("EmailSettings.EnableSignInWithUsername", True)),
        "EnableSignUpWithEmail": _b(g("EmailSettings.EnableSignUpWithEmail", True)),
        "EnableSignUpWithGitLab": _b(g("GitLabSettings.Enable", False)),
        "EnableUserCreation": _b(g("TeamSettings.EnableUserCreation", True)),
        "HelpLink": g("SupportSettings.HelpLink", ""),
        "IosAppDownloadLink": g("NativeAppSettings.IosAppDownloadLink", ""),
        "IosLatestVersion": g("ClientRequirements.IosLatestVersion", ""),
        "IosMinVersion": g("ClientRequirements.IosMinVersion", ""),
        "NoAccounts": "false",
        "PasswordMinimumLength": str(g("PasswordSettings.MinimumLength", 8)),
        "PrivacyPolicyLink": g("SupportSettings.PrivacyPolicyLink", ""),
        "ReportAProblemLink": g("SupportSettings.ReportAProblemLink", ""),
        "SiteName": g("TeamSettings.SiteName", ""),
        "SiteURL": g("ServiceSettings.SiteURL", ""),
        "SupportEmail": g("SupportSettings.SupportEmail", ""),
        "TermsOfServiceLink": g("SupportSettings.TermsOfServiceLink", ""),
        "Version": str(state.server_version),
        "WebsocketPort": str(g("ServiceSettings.WebsocketPort", 80)),
        "WebsocketSecurePort": str(g("ServiceSettings.WebsocketSecurePort", 443)),
        "WebsocketURL": g("ServiceSettings.WebsocketURL", ""),
    }
    if full:
        c.update({
            "AllowCustomThemes": _b(g("ThemeSettings.AllowCustomThemes", True)),
            "DefaultTheme": g("ThemeSettings.DefaultTheme", "default"),
            "EnableBanner": _b(g("AnnouncementSettings.EnableBanner", False)),
            "EnableCommands": _b(g("ServiceSettings.EnableCommands", True)),
            "EnableCustomEmoji": _b(g("ServiceSettings.EnableCustomEmoji", True)),
            "EnableFileAttachments": _b(g("FileSettings.EnableFileAttachments", True)),
            "EnableIncomingWebhooks": _b(g("ServiceSettings.EnableIncomingWebhooks", True)),
            "EnableLinkPreviews": _b(g("ServiceSettings.EnableLinkPreviews", True)),
            "EnableMarketplace": _b(g("PluginSettings.EnableMarketplace", True)),
            "EnableOutgoingWebhooks": _b(g("ServiceSettings.EnableOutgoingWebhooks", True)),
            "EnablePublicLink": _b(g("FileSettings.EnablePublicLink", False)),
            "EnableUserAccessTokens": _b(g("ServiceSettings.EnableUserAccessTokens", False)),
            "EnforceMultifactorAuthentication": _b(g("ServiceSettings.EnforceMultifactorAuthentication", False)),
            "ExperimentalEnableAuthenticationTransfer": _b(g("ServiceSettings.ExperimentalEnableAuthenticationTransfer", True)),
            "IsDefaultMarketplace": _b(g("PluginSettings.MarketplaceURL", "") == "https://api.integrations.mattermost.com"),
            "MaxFileSize": str(g("FileSettings.MaxFileSize", 0)),
            "MaxNotificationsPerChannel": str(g("TeamSettings.MaxNotificationsPerChannel", 1000)),
            "PluginsEnabled": _b(g("PluginSettings.Enable", True)),
            "RestrictDirectMessage": g("TeamSettings.RestrictDirectMessage", "any"),
            "SendEmailNotifications": _b(g("EmailSettings.SendEmailNotifications", True)),
            "SendPushNotifications": _b(g("EmailSettings.SendPushNotifications", False)),
            "ShowEmailAddress": _b(g("PrivacySettings.ShowEmailAddress", True)),
            "ShowFullName": _b(g("PrivacySettings.ShowFullName", True)),
            "TeammateNameDisplay": g("TeamSettings.TeammateNameDisplay", "username"),
            "EnableDeveloper": _b(g("ServiceSettings.EnableDeveloper", False)),
            "EnableTesting": _b(g("ServiceSettings.EnableTesting", False)),
        })
    return dict(sorted(c.items()))


def environment_config(state):
    out = {}
    for path in sorted((state.env_overrides or {}).keys()):
        set_path(out, path, True)
    return out
