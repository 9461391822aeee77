/*
 * The rest of the config area (§3.2 and §4 of API-NOTES): filtered GET,
 * full PUT, reload, migrate, client and environment config, and the
 * client-side logic that keeps saves from wiping secrets or plugin
 * settings: patches of only what changed, plugin maps completed from the
 * server's, placeholders the server would not restore refused, PUT bodies
 * prepared for the unrestored secrets. Never prints, never exits.
 */
#ifndef MMADM_API_CONFIG_H
#define MMADM_API_CONFIG_H

#include "api.h"
#include "buf.h"
#include "error.h"
#include "json.h"

#include <stdbool.h>
#include <stddef.h>

/* ---- requests ---- */

struct mm_config_get_req {
	bool remove_masked;   /* drop every placeholder value (10.4+) */
	bool remove_defaults; /* keep only non-default values (10.4+) */
};
/* GET /config[?remove_masked=true][&remove_defaults=true]: an object. */
enum mm_result mm_api_config_get_with(struct mm_client *c,
				      const struct mm_config_get_req *req,
				      struct mm_json **out,
				      struct mm_error *err);
/* PUT /config with a complete config; *out is the saved config (NULL in
 * a dry run). */
enum mm_result mm_api_config_put(struct mm_client *c, const struct mm_json *cfg,
				 struct mm_json **out, struct mm_error *err);
/* POST /config/reload: {"status":"OK"}. */
enum mm_result mm_api_config_reload(struct mm_client *c, struct mm_json **out,
				    struct mm_error *err);
/* POST /config/migrate {"from","to"} (local socket only). */
enum mm_result mm_api_config_migrate(struct mm_client *c, const char *from,
				     const char *to, struct mm_json **out,
				     struct mm_error *err);
/* GET /config/client?format=old: a flat string map (anonymous allowed). */
enum mm_result mm_api_config_client(struct mm_client *c, struct mm_json **out,
				    struct mm_error *err);
/* GET /config/environment: nested object, true where an environment
 * variable overrides the setting. */
enum mm_result mm_api_config_environment(struct mm_client *c,
					 struct mm_json **out,
					 struct mm_error *err);

/* ---- environment overrides ---- */

/* Dotted keys of the true leaves of an environment document, in order. */
bool mm_config_env_keys(const struct mm_json *env, struct mm_strv *keys);
/* The variable that overrides key: "ServiceSettings.SiteURL" ->
 * "MM_SERVICESETTINGS_SITEURL". false if buf is too small. */
bool mm_config_env_var(const char *key, char *buf, size_t size);

/* ---- keys ---- */

/* The value at a dotted key, or NULL. Like mm_json_path, except that
 * plugin ids (which contain dots) under PluginSettings.Plugins and
 * PluginStates are matched against the config's own plugin entries:
 * "PluginSettings.Plugins.com.example.x.url". */
const struct mm_json *mm_config_lookup(const struct mm_json *cfg,
				       const char *key);

/* ---- patches ---- */

/*
 * `config set KEY VALUE...`: one value is typed like `patch --set` (a list
 * key takes a,b,c or a JSON array); several values are the elements of a
 * list key, typed like its current elements. Unknown keys, several values
 * for a key that is not a list, and the placeholder are MM_ERR_USAGE.
 */
enum mm_result mm_config_patch_from_values(const struct mm_json *current,
					   const char *key,
					   const char *const *values, size_t n,
					   struct mm_json **patch,
					   struct mm_error *err);

/*
 * `config edit`: a patch of what differs between original (the server's
 * config as shown in the editor) and edited. Sections recurse; lists,
 * free-form maps (plugin settings and states) and raw JSON settings are
 * sent whole when they changed. Unchanged values, placeholders included,
 * are never in the patch. Keys deleted in the editor are pushed to
 * removed (if not NULL): deleting does not reset a setting. An edited
 * document that is not an object is MM_ERR_USAGE.
 */
enum mm_result mm_config_edit_patch(const struct mm_json *original,
				    const struct mm_json *edited,
				    struct mm_json **patch,
				    struct mm_strv *removed,
				    struct mm_error *err);

/*
 * The server replaces PluginSettings.Plugins and PluginStates wholesale.
 * When patch names one of them, replace the patch's map by the current
 * map with the patch's plugins merged in per plugin and per key, so the
 * other plugins and keys are kept (placeholders of secret plugin settings
 * are restored by the server). *maps_sent (may be NULL) tells whether a
 * map is now in the patch. false on out of memory.
 */
bool mm_config_patch_complete_maps(const struct mm_json *current,
				   struct mm_json *patch, bool *maps_sent);

/*
 * Refuse a patch that would write a placeholder the server does not
 * restore: inside SqlSettings.ReplicaLagSettings (never restored), or in
 * a replica list whose length differs from the current one (restored only
 * at equal length). MM_ERR_USAGE naming the key.
 */
enum mm_result mm_config_patch_guard(const struct mm_json *current,
				     const struct mm_json *patch,
				     struct mm_error *err);

/* ---- full saves (PUT) ---- */

/*
 * A full config for PUT, which resets whatever is missing to defaults:
 * every section of current must be an object in body, and every secret
 * current has must be in body (a file exported with remove_masked lacks
 * them), else MM_ERR_USAGE. Unknown keys are refused with a suggestion.
 * Other settings current has and body lacks are pushed to missing (may
 * be NULL).
 */
enum mm_result mm_config_check_complete(const struct mm_json *current,
					const struct mm_json *body,
					struct mm_strv *missing,
					struct mm_error *err);

enum mm_config_put_note {
	/* CacheSettings.RedisPassword was the placeholder and was removed:
	 * the server resets it to empty. */
	MM_CONFIG_PUT_REDIS_DROPPED = 1 << 0,
	/* The body carries PluginSettings.Plugins: over TCP the settings of
	 * plugins that are not installed are not in it and will be lost. */
	MM_CONFIG_PUT_PLUGINS = 1 << 1,
};

/*
 * Make a PUT body safe (API-NOTES §4.2): the placeholder of
 * CacheSettings.RedisPassword is removed (refused, MM_ERR_USAGE, when the
 * cache type is redis: the password would be lost); a placeholder in
 * SqlSettings.ReplicaLagSettings is refused; placeholders in replica lists
 * whose length differs from the current one are refused. *notes gets
 * MM_CONFIG_PUT_* bits. Modifies body.
 */
enum mm_result mm_config_put_prepare(const struct mm_json *current,
				     struct mm_json *body, unsigned *notes,
				     struct mm_error *err);

/*
 * `config reset KEY...`: *body = a copy of current without the keys (the
 * server's PUT fills them with defaults), *shape = the removed values at
 * their paths (for showing before/after). Keys must exist and name a
 * setting, a section or an entry of a plugin map, not a list element.
 */
enum mm_result mm_config_reset_body(const struct mm_json *current,
				    const char *const *keys, size_t n,
				    struct mm_json **body,
				    struct mm_json **shape,
				    struct mm_error *err);

/* ---- comparing two servers ---- */

/*
 * The settings whose values differ between a and b, as an object
 * {"Section.Key": [a, b]} (null for a side that lacks the key). Secrets
 * are skipped: known secret keys, any value holding the placeholder, and
 * plugin settings named like a password, secret, token or key.
 */
struct mm_json *mm_config_compare(const struct mm_json *a,
				  const struct mm_json *b);

#endif
