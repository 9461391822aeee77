/*
 * Profiles file ($XDG_CONFIG_HOME/mmadm/config.yaml), environment and
 * target resolution. Writes nothing to the terminal.
 *
 * File format (YAML, mode 0600):
 *   active: prod
 *   profiles:
 *     prod:
 *       url: https://chat.example.com
 *       username: sysadmin
 *       auth: password            # password | token | local
 *       token: abcdefghijklmnopqrstuvwxyz
 *     box:
 *       local: true
 *       socket: /var/tmp/mattermost_local.socket
 */
#ifndef MMADM_CONF_H
#define MMADM_CONF_H

#include "error.h"

#include <stdbool.h>
#include <stddef.h>

#define MM_DEFAULT_SOCKET "/var/tmp/mattermost_local.socket"

struct mm_profile {
	char *name;
	char *url;      /* NULL for local profiles */
	char *username; /* informational */
	char *auth;     /* "password", "token", "local" or NULL */
	char *token;    /* secret; wiped on release */
	bool local;     /* talk over the unix socket */
	char *socket;   /* NULL = default */
};

struct mm_profiles {
	struct mm_profile *v;
	size_t n;
	char *active; /* name of the active profile or NULL */
	int lock;     /* mm_profiles_load_for_update's lock: fd + 1, 0: none */
};

/* Path of the profiles file: $XDG_CONFIG_HOME/mmadm/config.yaml, else
 * $HOME/.config/mmadm/config.yaml. getenv_fn may be NULL (getenv). */
typedef const char *(*mm_getenv_fn)(const char *name);
enum mm_result mm_conf_path(mm_getenv_fn getenv_fn, char *buf, size_t size,
			    struct mm_error *err);

/*
 * Load. A missing file is an empty set (MM_OK). A file readable or
 * writable by group/others is refused (MM_ERR_CONFIG, message says
 * "chmod 600 PATH"). Malformed YAML: MM_ERR_CONFIG naming line and column.
 */
enum mm_result mm_profiles_load(const char *path, struct mm_profiles *out,
				struct mm_error *err);
/*
 * Load for a change: first take the writers' lock (flock on ".NAME.lock"
 * beside the file, 0600, directory made as for a save), so that two mmadm
 * changing profiles at once cannot lose each other's change. Waits up to
 * 10 s for another writer (then MM_ERR_CONFIG). mm_profiles_release lets
 * go of the lock: release after the save.
 */
enum mm_result mm_profiles_load_for_update(const char *path,
					   struct mm_profiles *out,
					   struct mm_error *err);
/* Atomic save: mkdir -p (0700), temp file 0600 in the same directory,
 * write, fsync, rename, fsync directory. */
enum mm_result mm_profiles_save(const char *path, const struct mm_profiles *p,
				struct mm_error *err);
void mm_profiles_release(struct mm_profiles *p);

struct mm_profile *mm_profiles_find(const struct mm_profiles *p,
				    const char *name);
/* Insert or replace (deep copy of prof); false on out of memory. */
bool mm_profiles_put(struct mm_profiles *p, const struct mm_profile *prof);
bool mm_profiles_remove(struct mm_profiles *p, const char *name);
bool mm_profiles_set_active(struct mm_profiles *p, const char *name);
/* Valid profile name: 1-64 chars of [A-Za-z0-9_.-]. */
bool mm_profile_name_valid(const char *name);

/* Where the pieces of a target came from (for `auth current`). */
enum mm_source {
	MM_SRC_NONE,
	MM_SRC_FLAG,
	MM_SRC_ENV,
	MM_SRC_PROFILE,
	MM_SRC_DEFAULT,
};
const char *mm_source_name(enum mm_source s);

/* What the command line said (NULL / false = not given). */
struct mm_target_flags {
	const char *url;
	const char *profile;
	const char *socket;
	bool local;
};

struct mm_target {
	char *profile; /* name of the profile used, or NULL */
	char *url;     /* base site URL without trailing '/', NULL if local */
	char *token;   /* secret, NULL if none; wiped on release */
	bool local;
	char *socket; /* path when local */
	enum mm_source profile_src, url_src, token_src, local_src, socket_src;
};

/*
 * Resolution order: flags, then MMADM_URL / MMADM_TOKEN / MMADM_PROFILE /
 * MMADM_LOCAL / MMADM_LOCAL_SOCKET, then the selected profile (--profile,
 * MMADM_PROFILE, else the active one). A profile named by --profile ranks
 * with the flags: what it says (URL or socket, token) outranks the
 * environment, which still fills what it leaves out, except that a
 * MMADM_TOKEN given with an MMADM_URL stays with that URL. A profile's
 * token is used only
 * with that profile's own URL: a --url or MMADM_URL pointing elsewhere
 * never receives it. Loads the profiles file only when needed.
 * Fails with MM_ERR_CONFIG when no server can be determined, and with
 * MM_ERR_CONFIG when a named profile does not exist.
 */
enum mm_result mm_target_resolve(const struct mm_target_flags *flags,
				 mm_getenv_fn getenv_fn,
				 const char *profiles_path,
				 struct mm_target *out, struct mm_error *err);
void mm_target_release(struct mm_target *t);

/* Normalise a site URL: scheme http/https required, strip trailing '/',
 * strip a trailing "/api/v4". Returns a new string or NULL (err set,
 * MM_ERR_USAGE). */
char *mm_url_normalize(const char *url, struct mm_error *err);

#endif
