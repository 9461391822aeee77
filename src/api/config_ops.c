/*
 * Config area beyond get and patch: filtered GET, PUT, reload, migrate,
 * client and environment config, and the logic that keeps set, edit,
 * reset and replace from wiping secrets or plugin settings.
 */
#include "mmadm/api_config.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define J(x) ((cJSON *)(x))
#define CJ(x) ((const cJSON *)(x))

/* ---- requests ---- */

static enum mm_result
want_object(struct mm_client *c, struct mm_json **out, const char *what,
	    enum mm_result rc, struct mm_error *err)
{
	if (rc != MM_OK || c->dry_run || *out == NULL ||
	    mm_json_type(*out) == MM_JSON_OBJECT)
		return rc;
	mm_json_free(*out);
	*out = NULL;
	return mm_error_set(err, MM_ERR_RESPONSE,
			    "the server's %s is not a JSON object", what);
}

enum mm_result
mm_api_config_get_with(struct mm_client *c, const struct mm_config_get_req *req,
		       struct mm_json **out, struct mm_error *err)
{
	char path[96];
	enum mm_result rc;

	*out = NULL;
	if (snprintf(path, sizeof(path), "/api/v4/config%s%s%s",
		     req->remove_masked || req->remove_defaults ? "?" : "",
		     req->remove_masked ? "remove_masked=true" : "",
		     req->remove_defaults
			     ? (req->remove_masked ? "&remove_defaults=true"
						   : "remove_defaults=true")
			     : "") >= (int)sizeof(path))
		return mm_error_set(err, MM_ERR_OTHER, "path too long");
	rc = mm_api_request(c, "GET", path, NULL, 0, out, NULL, err);
	if (rc == MM_OK && *out == NULL)
		return mm_error_set(err, MM_ERR_RESPONSE,
				    "the server sent no config");
	return want_object(c, out, "config", rc, err);
}

enum mm_result
mm_api_config_put(struct mm_client *c, const struct mm_json *cfg,
		  struct mm_json **out, struct mm_error *err)
{
	enum mm_result rc = mm_api_request(c, "PUT", "/api/v4/config", cfg, 0,
					   out, NULL, err);

	return want_object(c, out, "answer to the save", rc, err);
}

enum mm_result
mm_api_config_reload(struct mm_client *c, struct mm_json **out,
		     struct mm_error *err)
{
	return mm_api_request(c, "POST", "/api/v4/config/reload", NULL, 0, out,
			      NULL, err);
}

enum mm_result
mm_api_config_migrate(struct mm_client *c, const char *from, const char *to,
		      struct mm_json **out, struct mm_error *err)
{
	struct mm_json *body = mm_json_new_object();
	enum mm_result rc;

	*out = NULL;
	if (body == NULL || !mm_json_set_string(body, "from", from) ||
	    !mm_json_set_string(body, "to", to)) {
		mm_json_free(body);
		return mm_error_oom(err);
	}
	rc = mm_api_request(c, "POST", "/api/v4/config/migrate", body, 0, out,
			    NULL, err);
	mm_json_free(body);
	return rc;
}

enum mm_result
mm_api_config_client(struct mm_client *c, struct mm_json **out,
		     struct mm_error *err)
{
	enum mm_result rc =
		mm_api_request(c, "GET", "/api/v4/config/client?format=old",
			       NULL, 0, out, NULL, err);

	return want_object(c, out, "client config", rc, err);
}

enum mm_result
mm_api_config_environment(struct mm_client *c, struct mm_json **out,
			  struct mm_error *err)
{
	enum mm_result rc =
		mm_api_request(c, "GET", "/api/v4/config/environment", NULL, 0,
			       out, NULL, err);

	return want_object(c, out, "environment config", rc, err);
}

/* ---- small helpers ---- */

static bool
path_push(struct mm_buf *path, const char *key)
{
	return (path->len == 0 || mm_buf_putc(path, '.')) &&
	       mm_buf_puts(path, key ? key : "");
}

static void
path_pop(struct mm_buf *path, size_t mark)
{
	path->len = mark;
	if (path->data != NULL)
		path->data[mark] = '\0';
}

static bool
is_placeholder(const cJSON *v)
{
	return cJSON_IsString(v) &&
	       strcmp(v->valuestring, MM_CONFIG_PLACEHOLDER) == 0;
}

static bool
has_placeholder(const cJSON *v)
{
	if (v == NULL)
		return false;
	if (is_placeholder(v))
		return true;
	if (cJSON_IsArray(v) || cJSON_IsObject(v))
		for (const cJSON *it = v->child; it != NULL; it = it->next)
			if (has_placeholder(it))
				return true;
	return false;
}

bool
mm_config_has_placeholder(const struct mm_json *v)
{
	return has_placeholder((const cJSON *)v);
}

/* Maps the server replaces wholesale, keyed by plugin id. */
static bool
is_plugin_map(const char *path)
{
	return strcmp(path, "PluginSettings.Plugins") == 0 ||
	       strcmp(path, "PluginSettings.PluginStates") == 0;
}

static bool
under_plugin_map(const char *path)
{
	return strncmp(path, "PluginSettings.Plugins.", 23) == 0 ||
	       strncmp(path, "PluginSettings.PluginStates.", 28) == 0;
}

/* json.RawMessage settings: any JSON, replaced as a whole. */
static bool
is_raw_setting(const char *path)
{
	const char *dot = strrchr(path, '.');

	return dot != NULL && strcmp(dot + 1, "AdvancedLoggingJSON") == 0;
}

static enum mm_result
unknown_key(const struct mm_json *cfg, const char *key, struct mm_error *err)
{
	char near[256];

	if (mm_config_nearest_key(cfg, key, near, sizeof(near)))
		return mm_error_set(err, MM_ERR_USAGE,
				    "unknown config key '%s' (did you mean "
				    "'%s'?)",
				    key, near);
	return mm_error_set(err, MM_ERR_USAGE,
			    "unknown config key '%s' (see 'mmadm config get')",
			    key);
}

/*
 * Split a dotted key into its segments. Plugin ids contain dots, so under
 * PluginSettings.Plugins / PluginStates the id is the longest key of the
 * current map that the rest starts with (else up to the next dot), and
 * what follows it is one setting name.
 */
static bool
split_key(const cJSON *root, const char *key, struct mm_strv *segs)
{
	static const char *const maps[] = {"PluginSettings.Plugins.",
					   "PluginSettings.PluginStates.",
					   NULL};
	char *copy = NULL, *p, *dot;
	bool ok = true;

	for (size_t m = 0; maps[m] != NULL; m++) {
		size_t n = strlen(maps[m]), best = 0;
		const char *rest = key + n;
		const cJSON *map;
		char mapname[16];

		if (strncmp(key, maps[m], n) != 0 || rest[0] == '\0')
			continue;
		mm_strlcpy(mapname, maps[m] + 15, sizeof(mapname));
		mapname[strlen(mapname) - 1] = '\0';
		map = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(root,
							 "PluginSettings"),
			mapname);
		for (const cJSON *it = cJSON_IsObject(map) ? map->child : NULL;
		     it != NULL; it = it->next) {
			size_t len = strlen(it->string);

			if (len > best && strncmp(rest, it->string, len) == 0 &&
			    (rest[len] == '\0' || rest[len] == '.'))
				best = len;
		}
		if (best == 0)
			best = strcspn(rest, ".");
		copy = malloc(best + 1);
		if (copy == NULL)
			return false;
		memcpy(copy, rest, best);
		copy[best] = '\0';
		ok = mm_strv_push(segs, "PluginSettings") &&
		     mm_strv_push(segs, mapname) && mm_strv_push(segs, copy) &&
		     (rest[best] == '\0' ||
		      mm_strv_push(segs, rest + best + 1));
		free(copy);
		return ok;
	}
	copy = mm_strdup(key);
	if (copy == NULL)
		return false;
	for (p = copy; ok; p = dot + 1) {
		dot = strchr(p, '.');
		if (dot != NULL)
			*dot = '\0';
		ok = mm_strv_push(segs, p);
		if (dot == NULL)
			break;
	}
	free(copy);
	return ok;
}

static bool
key_malformed(const char *key)
{
	return key[0] == '\0' || key[0] == '.' || key[strlen(key) - 1] == '.' ||
	       strstr(key, "..") != NULL;
}

/* The value at segs (NULL if absent); *in_list set when the path goes
 * through an array. */
static const cJSON *
seg_get(const cJSON *root, const struct mm_strv *segs, bool *in_list)
{
	const cJSON *cur = root;

	if (in_list != NULL)
		*in_list = false;
	for (size_t i = 0; i < segs->n && cur != NULL; i++) {
		if (!cJSON_IsObject(cur)) {
			if (in_list != NULL && cJSON_IsArray(cur))
				*in_list = true;
			return NULL;
		}
		cur = cJSON_GetObjectItemCaseSensitive(cur, segs->v[i]);
	}
	return cur;
}

/* Put val (owned) at segs, creating objects on the way. */
static bool
seg_put(cJSON *root, const struct mm_strv *segs, cJSON *val)
{
	cJSON *node = root;

	if (val == NULL || segs->n == 0) {
		cJSON_Delete(val);
		return false;
	}
	for (size_t i = 0; i + 1 < segs->n; i++) {
		cJSON *next =
			cJSON_GetObjectItemCaseSensitive(node, segs->v[i]);

		if (!cJSON_IsObject(next)) {
			cJSON_DeleteItemFromObjectCaseSensitive(node,
								segs->v[i]);
			next = cJSON_AddObjectToObject(node, segs->v[i]);
			if (next == NULL) {
				cJSON_Delete(val);
				return false;
			}
		}
		node = next;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(node, segs->v[segs->n - 1]);
	if (!cJSON_AddItemToObject(node, segs->v[segs->n - 1], val)) {
		cJSON_Delete(val);
		return false;
	}
	return true;
}

/* Remove the value at segs from root, if there. */
static void
seg_remove(cJSON *root, const struct mm_strv *segs)
{
	cJSON *node = root;

	for (size_t i = 0; i + 1 < segs->n && node != NULL; i++) {
		node = cJSON_GetObjectItemCaseSensitive(node, segs->v[i]);
		if (!cJSON_IsObject(node))
			return;
	}
	if (node != NULL && segs->n > 0)
		cJSON_DeleteItemFromObjectCaseSensitive(node,
							segs->v[segs->n - 1]);
}

const struct mm_json *
mm_config_lookup(const struct mm_json *cfg, const char *key)
{
	struct mm_strv segs = MM_STRV_INIT;
	const cJSON *v = NULL;

	if (!key_malformed(key) && split_key(CJ(cfg), key, &segs))
		v = seg_get(CJ(cfg), &segs, NULL);
	mm_strv_release(&segs);
	return (const struct mm_json *)v;
}

/* ---- environment ---- */

static bool
env_walk(const cJSON *node, struct mm_buf *path, struct mm_strv *keys)
{
	size_t mark = path->len;
	bool ok = true;

	for (const cJSON *it = node->child; it != NULL && ok; it = it->next) {
		path_pop(path, mark);
		if (!path_push(path, it->string))
			return false;
		if (cJSON_IsObject(it))
			ok = env_walk(it, path, keys);
		else if (!cJSON_IsFalse(it) && !cJSON_IsNull(it))
			ok = mm_strv_push(keys, mm_buf_str(path));
	}
	path_pop(path, mark);
	return ok;
}

bool
mm_config_env_keys(const struct mm_json *env, struct mm_strv *keys)
{
	struct mm_buf path = MM_BUF_INIT;
	bool ok = true;

	if (cJSON_IsObject(CJ(env)))
		ok = env_walk(CJ(env), &path, keys);
	mm_buf_release(&path);
	return ok;
}

bool
mm_config_env_var(const char *key, char *buf, size_t size)
{
	size_t j;

	if (size < 4)
		return false;
	memcpy(buf, "MM_", 3);
	j = 3;
	for (size_t i = 0; key[i] != '\0'; i++) {
		if (j + 1 >= size) {
			buf[0] = '\0';
			return false;
		}
		buf[j++] =
			(char)(key[i] == '.' ? '_'
					     : toupper((unsigned char)key[i]));
	}
	buf[j] = '\0';
	return true;
}

/* ---- set KEY VALUE... ---- */

static bool
parse_bool(const char *v, bool *out)
{
	static const char *const t[] = {"true", "yes", "on", "1", NULL};
	static const char *const f[] = {"false", "no", "off", "0", NULL};

	for (size_t i = 0; t[i] != NULL; i++) {
		if (strcasecmp(v, t[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcasecmp(v, f[i]) == 0) {
			*out = false;
			return true;
		}
	}
	return false;
}

/* A scalar (or list element) typed like `like` (NULL: a string). */
static enum mm_result
list_element(const char *key, const cJSON *like, const char *v, cJSON **out,
	     struct mm_error *err)
{
	*out = NULL;
	if (cJSON_IsNumber(like)) {
		char *end;
		double d;

		errno = 0;
		d = strtod(v, &end);
		if (v[0] == '\0' || *end != '\0' || errno != 0 || isnan(d) ||
		    isinf(d))
			return mm_error_set(err, MM_ERR_USAGE,
					    "%s takes numbers: '%s' is not a "
					    "number",
					    key, v);
		*out = cJSON_CreateNumber(d);
	} else if (cJSON_IsBool(like)) {
		bool b;

		if (!parse_bool(v, &b))
			return mm_error_set(err, MM_ERR_USAGE,
					    "%s takes true or false, not '%s'",
					    key, v);
		*out = cJSON_CreateBool(b);
	} else if (like != NULL &&
		   (cJSON_IsObject(like) || cJSON_IsArray(like))) {
		return mm_error_set(err, MM_ERR_USAGE,
				    "%s is a list of objects: give it as one "
				    "JSON array",
				    key);
	} else {
		*out = cJSON_CreateString(v);
	}
	if (*out == NULL)
		return mm_error_oom(err);
	return MM_OK;
}

/* A value for a plugin setting typed like its current value (NULL: JSON
 * if it parses, else a string). */
static enum mm_result
plugin_value(const char *key, const cJSON *cur, const char *v, cJSON **out,
	     struct mm_error *err)
{
	*out = NULL;
	if (cur == NULL || cJSON_IsNull(cur)) {
		*out = cJSON_Parse(v);
		if (*out == NULL)
			*out = cJSON_CreateString(v);
	} else if (cJSON_IsObject(cur) || cJSON_IsArray(cur)) {
		*out = cJSON_Parse(v);
		if (*out == NULL ||
		    cJSON_IsObject(*out) != cJSON_IsObject(cur) ||
		    cJSON_IsArray(*out) != cJSON_IsArray(cur)) {
			cJSON_Delete(*out);
			*out = NULL;
			return mm_error_set(
				err, MM_ERR_USAGE, "%s takes a JSON %s", key,
				cJSON_IsObject(cur) ? "object" : "array");
		}
	} else {
		return list_element(key, cur, v, out, err);
	}
	if (*out == NULL)
		return mm_error_oom(err);
	return MM_OK;
}

enum mm_result
mm_config_patch_from_values(const struct mm_json *current, const char *key,
			    const char *const *values, size_t n,
			    struct mm_json **patch, struct mm_error *err)
{
	struct mm_strv segs = MM_STRV_INIT;
	const cJSON *cur;
	cJSON *p = NULL, *val = NULL;
	bool plugin = under_plugin_map(key);
	enum mm_result rc = MM_OK;

	*patch = NULL;
	if (key_malformed(key) || strchr(key, '=') != NULL)
		return mm_error_set(err, MM_ERR_USAGE,
				    "malformed config key '%s'", key);
	if (n == 0)
		return mm_error_set(err, MM_ERR_USAGE, "no value for %s", key);
	for (size_t i = 0; i < n; i++)
		if (strcmp(values[i], MM_CONFIG_PLACEHOLDER) == 0)
			return mm_error_set(err, MM_ERR_USAGE,
					    "the value for %s is the server's "
					    "secret placeholder, which means "
					    "'keep the current value'",
					    key);
	if (n == 1 && !plugin) {
		struct mm_buf set = MM_BUF_INIT;
		const char *one;

		if (!mm_buf_printf(&set, "%s=%s", key, values[0])) {
			mm_buf_wipe(&set);
			return mm_error_oom(err);
		}
		one = mm_buf_str(&set);
		rc = mm_config_patch_from_sets(current, &one, 1, patch, err);
		mm_buf_wipe(&set);
		return rc;
	}
	if (!split_key(CJ(current), key, &segs)) {
		rc = mm_error_oom(err);
		goto out;
	}
	cur = seg_get(CJ(current), &segs, NULL);
	if (cur == NULL && !plugin) {
		rc = unknown_key(current, key, err);
		goto out;
	}
	if (plugin && segs.n < 4 && (n > 1 || values[0][0] != '{')) {
		rc = mm_error_set(err, MM_ERR_USAGE,
				  "%s is a plugin: give its settings as one "
				  "JSON object, or set one of them (%s.KEY)",
				  key, key);
		goto out;
	}
	if (n == 1) {
		rc = plugin_value(key, cur, values[0], &val, err);
	} else if (cur != NULL && !cJSON_IsArray(cur)) {
		rc = mm_error_set(err, MM_ERR_USAGE,
				  "%s is not a list: give one value, not %zu",
				  key, n);
	} else {
		val = cJSON_CreateArray();
		if (val == NULL)
			rc = mm_error_oom(err);
		for (size_t i = 0; i < n && rc == MM_OK; i++) {
			cJSON *el;

			rc = list_element(key, cur != NULL ? cur->child : NULL,
					  values[i], &el, err);
			if (rc == MM_OK && !cJSON_AddItemToArray(val, el)) {
				cJSON_Delete(el);
				rc = mm_error_oom(err);
			}
		}
	}
	if (rc != MM_OK)
		goto out;
	p = cJSON_CreateObject();
	if (p == NULL || !seg_put(p, &segs, val)) {
		val = NULL;
		rc = mm_error_oom(err);
		goto out;
	}
	val = NULL;
	*patch = (struct mm_json *)p;
	p = NULL;
out:
	mm_strv_release(&segs);
	cJSON_Delete(val);
	cJSON_Delete(p);
	return rc;
}

/* ---- edit ---- */

static bool
removed_walk(const cJSON *o, const cJSON *e, struct mm_buf *path,
	     struct mm_strv *removed)
{
	size_t mark = path->len;
	bool ok = true;

	for (const cJSON *it = o->child; it != NULL && ok; it = it->next) {
		const cJSON *ei =
			cJSON_GetObjectItemCaseSensitive(e, it->string);

		path_pop(path, mark);
		if (!path_push(path, it->string))
			return false;
		if (ei == NULL)
			ok = mm_strv_push(removed, mm_buf_str(path));
		else if (cJSON_IsObject(it) && cJSON_IsObject(ei) &&
			 !is_raw_setting(mm_buf_str(path)))
			ok = removed_walk(it, ei, path, removed);
	}
	path_pop(path, mark);
	return ok;
}

static bool
edit_walk(const cJSON *o, const cJSON *e, cJSON *patch, struct mm_buf *path)
{
	size_t mark = path->len;
	bool ok = true;

	for (const cJSON *it = e->child; it != NULL && ok; it = it->next) {
		const cJSON *oi = o != NULL ? cJSON_GetObjectItemCaseSensitive(
						      o, it->string)
					    : NULL;
		cJSON *sub;

		path_pop(path, mark);
		if (!path_push(path, it->string))
			return false;
		if (oi != NULL && cJSON_Compare(oi, it, true))
			continue;
		if (oi != NULL && cJSON_IsObject(oi) && cJSON_IsObject(it) &&
		    !is_raw_setting(mm_buf_str(path))) {
			sub = cJSON_CreateObject();
			ok = sub != NULL && edit_walk(oi, it, sub, path);
			if (ok && sub->child == NULL) {
				cJSON_Delete(sub);
				continue;
			}
		} else {
			sub = cJSON_Duplicate(it, true);
			ok = sub != NULL;
		}
		if (ok)
			ok = cJSON_AddItemToObject(patch, it->string, sub);
		if (!ok)
			cJSON_Delete(sub);
	}
	path_pop(path, mark);
	return ok;
}

enum mm_result
mm_config_edit_patch(const struct mm_json *original,
		     const struct mm_json *edited, struct mm_json **patch,
		     struct mm_strv *removed, struct mm_error *err)
{
	struct mm_buf path = MM_BUF_INIT;
	cJSON *p;
	bool ok;

	*patch = NULL;
	if (!cJSON_IsObject(CJ(edited)))
		return mm_error_set(err, MM_ERR_USAGE,
				    "the edited config must be an object of "
				    "sections, not a %s",
				    mm_json_type_name(mm_json_type(edited)));
	p = cJSON_CreateObject();
	ok = p != NULL && edit_walk(CJ(original), CJ(edited), p, &path);
	if (ok && removed != NULL && cJSON_IsObject(CJ(original))) {
		path_pop(&path, 0);
		ok = removed_walk(CJ(original), CJ(edited), &path, removed);
	}
	mm_buf_release(&path);
	if (!ok) {
		cJSON_Delete(p);
		return mm_error_oom(err);
	}
	*patch = (struct mm_json *)p;
	return MM_OK;
}

/* ---- plugin maps ---- */

/* obj[key] = a copy of v, in place when key is there. */
static bool
set_copy(cJSON *obj, const char *key, const cJSON *v)
{
	cJSON *copy = cJSON_Duplicate(v, true);
	bool ok;

	if (copy == NULL)
		return false;
	if (cJSON_GetObjectItemCaseSensitive(obj, key) != NULL)
		ok = cJSON_ReplaceItemInObjectCaseSensitive(obj, key, copy);
	else
		ok = cJSON_AddItemToObject(obj, key, copy);
	if (!ok)
		cJSON_Delete(copy);
	return ok;
}

/* dst[k] = copy of v for every k of src (src and dst objects). */
static bool
merge_keys(cJSON *dst, const cJSON *src)
{
	for (const cJSON *it = src->child; it != NULL; it = it->next)
		if (!set_copy(dst, it->string, it))
			return false;
	return true;
}

bool
mm_config_patch_complete_maps(const struct mm_json *current,
			      struct mm_json *patch, bool *maps_sent)
{
	static const char *const maps[] = {"Plugins", "PluginStates", NULL};
	cJSON *ps =
		cJSON_GetObjectItemCaseSensitive(J(patch), "PluginSettings");
	const cJSON *cps =
		cJSON_GetObjectItemCaseSensitive(CJ(current), "PluginSettings");

	if (maps_sent != NULL)
		*maps_sent = false;
	if (!cJSON_IsObject(ps))
		return true;
	for (size_t m = 0; maps[m] != NULL; m++) {
		cJSON *pm = cJSON_GetObjectItemCaseSensitive(ps, maps[m]);
		const cJSON *cm =
			cJSON_GetObjectItemCaseSensitive(cps, maps[m]);
		cJSON *full;

		if (!cJSON_IsObject(pm))
			continue;
		full = cJSON_IsObject(cm) ? cJSON_Duplicate(cm, true)
					  : cJSON_CreateObject();
		if (full == NULL)
			return false;
		for (const cJSON *pl = pm->child; pl != NULL; pl = pl->next) {
			cJSON *fp = cJSON_GetObjectItemCaseSensitive(
				full, pl->string);
			bool ok = cJSON_IsObject(fp) && cJSON_IsObject(pl)
					  ? merge_keys(fp, pl)
					  : set_copy(full, pl->string, pl);

			if (!ok) {
				cJSON_Delete(full);
				return false;
			}
		}
		if (!cJSON_ReplaceItemInObjectCaseSensitive(ps, maps[m],
							    full)) {
			cJSON_Delete(full);
			return false;
		}
		if (maps_sent != NULL)
			*maps_sent = true;
	}
	return true;
}

/* ---- placeholders the server would not restore ---- */

static enum mm_result
guard_sql(const cJSON *cur_sql, const cJSON *sql, struct mm_error *err)
{
	static const char *const lists[] = {"DataSourceReplicas",
					    "DataSourceSearchReplicas", NULL};
	const cJSON *lag =
		cJSON_GetObjectItemCaseSensitive(sql, "ReplicaLagSettings");

	if (cJSON_IsArray(lag) && has_placeholder(lag))
		return mm_error_set(
			err, MM_ERR_USAGE,
			"SqlSettings.ReplicaLagSettings holds the masked "
			"placeholder, which the server does not restore there: "
			"give the real DataSource values, or run over the "
			"local "
			"socket (--local), where the config is not masked");
	for (size_t i = 0; lists[i] != NULL; i++) {
		const cJSON *v =
			cJSON_GetObjectItemCaseSensitive(sql, lists[i]);
		const cJSON *c =
			cJSON_GetObjectItemCaseSensitive(cur_sql, lists[i]);

		if (!cJSON_IsArray(v) || !has_placeholder(v))
			continue;
		if (!cJSON_IsArray(c) ||
		    cJSON_GetArraySize(c) != cJSON_GetArraySize(v))
			return mm_error_set(
				err, MM_ERR_USAGE,
				"SqlSettings.%s holds the masked placeholder "
				"but has %d entries where the server has %d: "
				"the server restores masked entries only when "
				"the count is unchanged; give every DSN in "
				"full, or use --local",
				lists[i], cJSON_GetArraySize(v),
				cJSON_IsArray(c) ? cJSON_GetArraySize(c) : 0);
	}
	return MM_OK;
}

enum mm_result
mm_config_patch_guard(const struct mm_json *current,
		      const struct mm_json *patch, struct mm_error *err)
{
	const cJSON *sql =
		cJSON_GetObjectItemCaseSensitive(CJ(patch), "SqlSettings");

	if (!cJSON_IsObject(sql))
		return MM_OK;
	return guard_sql(
		cJSON_GetObjectItemCaseSensitive(CJ(current), "SqlSettings"),
		sql, err);
}

/* ---- full saves ---- */

static enum mm_result
known_walk(const cJSON *cur, const cJSON *body, struct mm_buf *path,
	   const struct mm_json *root, struct mm_error *err)
{
	size_t mark = path->len;
	enum mm_result rc = MM_OK;

	for (const cJSON *it = body->child; it != NULL && rc == MM_OK;
	     it = it->next) {
		const cJSON *c =
			cJSON_GetObjectItemCaseSensitive(cur, it->string);

		path_pop(path, mark);
		if (!path_push(path, it->string)) {
			rc = mm_error_oom(err);
			break;
		}
		if (c == NULL) {
			rc = unknown_key(root, mm_buf_str(path), err);
			break;
		}
		if (cJSON_IsObject(c) && cJSON_IsObject(it) &&
		    !is_plugin_map(mm_buf_str(path)) &&
		    !is_raw_setting(mm_buf_str(path)))
			rc = known_walk(c, it, path, root, err);
	}
	path_pop(path, mark);
	return rc;
}

/* Leaves of cur that body lacks: secrets to *secret (first one named),
 * others to missing. Plugin maps are entries, not settings. */
static bool
missing_walk(const cJSON *cur, const cJSON *body, struct mm_buf *path,
	     struct mm_strv *missing, struct mm_buf *secret, size_t *nsecret)
{
	size_t mark = path->len;
	bool ok = true;

	for (const cJSON *it = cur->child; it != NULL && ok; it = it->next) {
		const cJSON *b =
			cJSON_GetObjectItemCaseSensitive(body, it->string);

		path_pop(path, mark);
		if (!path_push(path, it->string))
			return false;
		if (b != NULL && cJSON_IsObject(it) && cJSON_IsObject(b) &&
		    !is_plugin_map(mm_buf_str(path)) &&
		    !is_raw_setting(mm_buf_str(path))) {
			ok = missing_walk(it, b, path, missing, secret,
					  nsecret);
			continue;
		}
		if (b != NULL || cJSON_IsNull(it))
			continue;
		if (mm_config_key_is_secret(mm_buf_str(path)) &&
		    !(cJSON_IsString(it) && it->valuestring[0] == '\0') &&
		    !(cJSON_IsArray(it) && it->child == NULL)) {
			if ((*nsecret)++ == 0)
				ok = mm_buf_puts(secret, mm_buf_str(path));
		} else if (missing != NULL) {
			ok = mm_strv_push(missing, mm_buf_str(path));
		}
	}
	path_pop(path, mark);
	return ok;
}

enum mm_result
mm_config_check_complete(const struct mm_json *current,
			 const struct mm_json *body, struct mm_strv *missing,
			 struct mm_error *err)
{
	struct mm_buf absent = MM_BUF_INIT, path = MM_BUF_INIT,
		      secret = MM_BUF_INIT;
	size_t nabsent = 0, nsecret = 0;
	enum mm_result rc = MM_OK;

	if (!cJSON_IsObject(CJ(body)))
		return mm_error_set(err, MM_ERR_USAGE,
				    "a config must be an object of sections, "
				    "not a %s",
				    mm_json_type_name(mm_json_type(body)));
	for (const cJSON *s = CJ(current)->child; s != NULL; s = s->next) {
		const cJSON *b;

		if (!cJSON_IsObject(s))
			continue;
		b = cJSON_GetObjectItemCaseSensitive(CJ(body), s->string);
		if (cJSON_IsObject(b))
			continue;
		nabsent++;
		if (nabsent <= 6 &&
		    !mm_buf_printf(&absent, "%s%s", nabsent > 1 ? ", " : "",
				   s->string)) {
			rc = mm_error_oom(err);
			goto out;
		}
	}
	if (nabsent > 0) {
		rc = mm_error_set(err, MM_ERR_USAGE,
				  "not a complete config: %zu section%s "
				  "missing (%s%s); a full save resets what is "
				  "missing to the defaults: use 'mmadm config "
				  "patch' to change some settings",
				  nabsent, nabsent > 1 ? "s are" : " is",
				  mm_buf_str(&absent),
				  nabsent > 6 ? ", ..." : "");
		goto out;
	}
	rc = known_walk(CJ(current), CJ(body), &path, current, err);
	if (rc != MM_OK)
		goto out;
	path_pop(&path, 0);
	if (!missing_walk(CJ(current), CJ(body), &path, missing, &secret,
			  &nsecret)) {
		rc = mm_error_oom(err);
		goto out;
	}
	if (nsecret > 0)
		rc = mm_error_set(
			err, MM_ERR_USAGE,
			"the config lacks %s%s (exported without "
			"masked values?): a full save would reset it; "
			"keep the server's placeholder there to keep "
			"the current value",
			mm_buf_str(&secret),
			nsecret > 1 ? " and other secrets" : "");
out:
	mm_buf_release(&absent);
	mm_buf_release(&path);
	mm_buf_release(&secret);
	return rc;
}

enum mm_result
mm_config_put_prepare(const struct mm_json *current, struct mm_json *body,
		      unsigned *notes, struct mm_error *err)
{
	cJSON *cache =
		cJSON_GetObjectItemCaseSensitive(J(body), "CacheSettings");
	const cJSON *sql =
		cJSON_GetObjectItemCaseSensitive(CJ(body), "SqlSettings");
	const cJSON *ps =
		cJSON_GetObjectItemCaseSensitive(CJ(body), "PluginSettings");
	enum mm_result rc;

	*notes = 0;
	if (cJSON_IsObject(cache) &&
	    is_placeholder(
		    cJSON_GetObjectItemCaseSensitive(cache, "RedisPassword"))) {
		const cJSON *type =
			cJSON_GetObjectItemCaseSensitive(cache, "CacheType");

		if (cJSON_IsString(type) &&
		    strcasecmp(type->valuestring, "redis") == 0)
			return mm_error_set(
				err, MM_ERR_USAGE,
				"CacheSettings.RedisPassword is masked and the "
				"server would not restore it on a full save, "
				"while the cache type is redis: run over the "
				"local socket (--local), where the config is "
				"not masked");
		cJSON_DeleteItemFromObjectCaseSensitive(cache, "RedisPassword");
		*notes |= MM_CONFIG_PUT_REDIS_DROPPED;
	}
	if (cJSON_IsObject(sql)) {
		rc = guard_sql(cJSON_GetObjectItemCaseSensitive(CJ(current),
								"SqlSettings"),
			       sql, err);
		if (rc != MM_OK)
			return rc;
	}
	if (cJSON_IsObject(ps) &&
	    cJSON_GetObjectItemCaseSensitive(ps, "Plugins") != NULL)
		*notes |= MM_CONFIG_PUT_PLUGINS;
	return MM_OK;
}

enum mm_result
mm_config_reset_body(const struct mm_json *current, const char *const *keys,
		     size_t n, struct mm_json **body, struct mm_json **shape,
		     struct mm_error *err)
{
	cJSON *b = cJSON_Duplicate(CJ(current), true);
	cJSON *sh = cJSON_CreateObject();
	enum mm_result rc = MM_OK;

	*body = NULL;
	*shape = NULL;
	if (b == NULL || sh == NULL)
		rc = mm_error_oom(err);
	for (size_t i = 0; i < n && rc == MM_OK; i++) {
		struct mm_strv segs = MM_STRV_INIT;
		const cJSON *cur;
		bool in_list;

		if (key_malformed(keys[i])) {
			rc = mm_error_set(err, MM_ERR_USAGE,
					  "malformed config key '%s'", keys[i]);
			break;
		}
		if (!split_key(CJ(current), keys[i], &segs)) {
			mm_strv_release(&segs);
			rc = mm_error_oom(err);
			break;
		}
		cur = seg_get(CJ(current), &segs, &in_list);
		if (cur == NULL && in_list)
			rc = mm_error_set(err, MM_ERR_USAGE,
					  "%s: 'config reset' takes a setting "
					  "or a section, not an element of a "
					  "list",
					  keys[i]);
		else if (cur == NULL)
			rc = unknown_key(current, keys[i], err);
		else if (!seg_put(sh, &segs, cJSON_Duplicate(cur, true)))
			rc = mm_error_oom(err);
		else
			seg_remove(b, &segs);
		mm_strv_release(&segs);
	}
	if (rc != MM_OK) {
		cJSON_Delete(b);
		cJSON_Delete(sh);
		return rc;
	}
	*body = (struct mm_json *)b;
	*shape = (struct mm_json *)sh;
	return MM_OK;
}

/* ---- compare ---- */

/* A plugin setting named like a secret (plugins declare secrets in their
 * manifests, which a client cannot see). */
static bool
secret_name(const char *name)
{
	static const char *const words[] = {
		"password", "secret", "token", "key", "dsn", "salt", NULL};
	char low[128];
	size_t i;

	for (i = 0; name[i] != '\0' && i + 1 < sizeof(low); i++)
		low[i] = (char)tolower((unsigned char)name[i]);
	low[i] = '\0';
	for (i = 0; words[i] != NULL; i++)
		if (strstr(low, words[i]) != NULL)
			return true;
	return false;
}

static bool
skip_secret(const char *path, const cJSON *a, const cJSON *b)
{
	const char *dot = strrchr(path, '.');

	if (mm_config_key_is_secret(path) || has_placeholder(a) ||
	    has_placeholder(b))
		return true;
	return under_plugin_map(path) && secret_name(dot ? dot + 1 : path);
}

static bool
compare_add(cJSON *out, const char *path, const cJSON *a, const cJSON *b)
{
	cJSON *pair = cJSON_CreateArray();
	cJSON *ca = a ? cJSON_Duplicate(a, true) : cJSON_CreateNull();
	cJSON *cb = b ? cJSON_Duplicate(b, true) : cJSON_CreateNull();

	if (pair == NULL || ca == NULL || cb == NULL) {
		cJSON_Delete(pair);
		cJSON_Delete(ca);
		cJSON_Delete(cb);
		return false;
	}
	cJSON_AddItemToArray(pair, ca);
	cJSON_AddItemToArray(pair, cb);
	if (!cJSON_AddItemToObject(out, path, pair)) {
		cJSON_Delete(pair);
		return false;
	}
	return true;
}

static bool compare_walk(const cJSON *a, const cJSON *b, struct mm_buf *path,
			 cJSON *out);

static bool
compare_one(const char *key, const cJSON *va, const cJSON *vb,
	    struct mm_buf *path, cJSON *out)
{
	size_t mark = path->len;
	bool ok = path_push(path, key);

	if (!ok)
		return false;
	if ((va == NULL || cJSON_IsObject(va)) &&
	    (vb == NULL || cJSON_IsObject(vb)) &&
	    (va != NULL ? va->child != NULL : vb->child != NULL) &&
	    !is_raw_setting(mm_buf_str(path)))
		ok = compare_walk(va, vb, path, out);
	else if (!(va != NULL && vb != NULL && cJSON_Compare(va, vb, true)) &&
		 !skip_secret(mm_buf_str(path), va, vb))
		ok = compare_add(out, mm_buf_str(path), va, vb);
	path_pop(path, mark);
	return ok;
}

static bool
compare_walk(const cJSON *a, const cJSON *b, struct mm_buf *path, cJSON *out)
{
	bool ok = true;

	for (const cJSON *it = a ? a->child : NULL; it != NULL && ok;
	     it = it->next)
		ok = compare_one(
			it->string, it,
			b ? cJSON_GetObjectItemCaseSensitive(b, it->string)
			  : NULL,
			path, out);
	for (const cJSON *it = b ? b->child : NULL; it != NULL && ok;
	     it = it->next)
		if (a == NULL ||
		    cJSON_GetObjectItemCaseSensitive(a, it->string) == NULL)
			ok = compare_one(it->string, NULL, it, path, out);
	return ok;
}

struct mm_json *
mm_config_compare(const struct mm_json *a, const struct mm_json *b)
{
	struct mm_buf path = MM_BUF_INIT;
	cJSON *out = cJSON_CreateObject();

	if (out != NULL &&
	    !compare_walk(cJSON_IsObject(CJ(a)) ? CJ(a) : NULL,
			  cJSON_IsObject(CJ(b)) ? CJ(b) : NULL, &path, out)) {
		cJSON_Delete(out);
		out = NULL;
	}
	mm_buf_release(&path);
	return (struct mm_json *)out;
}
