/*
 * Site URL normalisation and target resolution: which server, which
 * token, TCP or the local socket, and where each piece came from.
 *
 * The one rule that matters most: a token stored in a profile is sent
 * only to that profile's own URL.
 */
#include "mmadm/buf.h"
#include "mmadm/conf.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CONF_PATH_MAX 4096

static const char *
sys_getenv(const char *name)
{
	return getenv(name);
}

const char *
mm_source_name(enum mm_source s)
{
	switch (s) {
	case MM_SRC_FLAG:
		return "flag";
	case MM_SRC_ENV:
		return "environment";
	case MM_SRC_PROFILE:
		return "profile";
	case MM_SRC_DEFAULT:
		return "default";
	default:
		return "none";
	}
}

/* ---- URL ---- */

static char
ascii_lower(char c)
{
	return (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
}

/* host[:port] or [v6]:port; sets the host and port spans. */
static bool
split_authority(const char *a, size_t n, size_t *host_len, const char **port,
		size_t *port_len)
{
	const char *colon;

	*port = NULL;
	*port_len = 0;
	*host_len = n;
	if (n > 0 && a[0] == '[') {
		const char *close = memchr(a, ']', n);

		if (close == NULL)
			return false;
		*host_len = (size_t)(close - a) + 1;
		if (*host_len == n)
			return *host_len > 2;
		if (a[*host_len] != ':')
			return false;
		colon = a + *host_len;
	} else {
		colon = memchr(a, ':', n);
		*host_len = colon != NULL ? (size_t)(colon - a) : n;
		if (colon == NULL)
			return true;
		if (memchr(colon + 1, ':', n - *host_len - 1) != NULL)
			return false;
	}
	*port = colon + 1;
	*port_len = n - (size_t)(*port - a);
	return true;
}

static bool
port_valid(const char *p, size_t n)
{
	unsigned long v = 0;

	if (n == 0 || n > 5)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		v = v * 10 + (unsigned long)(p[i] - '0');
	}
	return v >= 1 && v <= 65535;
}

char *
mm_url_normalize(const char *url, struct mm_error *err)
{
	struct mm_buf b = MM_BUF_INIT;
	const char *rest, *scheme, *port;
	size_t auth_len, host_len, port_len, path_len;

	if (url == NULL || *url == '\0') {
		mm_error_set(err, MM_ERR_USAGE, "the URL is empty");
		return NULL;
	}
	for (const unsigned char *s = (const unsigned char *)url; *s; s++) {
		if (*s <= 0x20 || *s == 0x7f) {
			mm_error_set(
				err, MM_ERR_USAGE,
				"invalid URL \"%.200s\": it contains white "
				"space or control characters",
				url);
			return NULL;
		}
	}
	if (strncasecmp(url, "https://", 8) == 0) {
		scheme = "https";
		rest = url + 8;
	} else if (strncasecmp(url, "http://", 7) == 0) {
		scheme = "http";
		rest = url + 7;
	} else {
		mm_error_set(err, MM_ERR_USAGE,
			     "invalid URL \"%.200s\": it must start with "
			     "http:// or https://",
			     url);
		return NULL;
	}
	/* Not echoed: a query string may hold a token. */
	if (strpbrk(rest, "?#") != NULL) {
		mm_error_set(err, MM_ERR_USAGE,
			     "invalid URL: a query (?...) or fragment (#...) "
			     "is not allowed in the server URL");
		return NULL;
	}
	auth_len = strcspn(rest, "/");
	/* Not echoed either: it would print the password. */
	if (memchr(rest, '@', auth_len) != NULL) {
		mm_error_set(err, MM_ERR_USAGE,
			     "invalid URL: it must not contain a user name or "
			     "password (user:password@); use 'mmadm auth "
			     "login' instead");
		return NULL;
	}
	if (!split_authority(rest, auth_len, &host_len, &port, &port_len) ||
	    (port != NULL && !port_valid(port, port_len))) {
		mm_error_set(err, MM_ERR_USAGE,
			     "invalid URL \"%.200s\": bad host or port", url);
		return NULL;
	}
	if (host_len == 0) {
		mm_error_set(err, MM_ERR_USAGE,
			     "invalid URL \"%.200s\": no host name", url);
		return NULL;
	}
	/* The default port says nothing; dropping it makes URLs compare. */
	if (port != NULL && ((strcmp(scheme, "https") == 0 && port_len == 3 &&
			      memcmp(port, "443", 3) == 0) ||
			     (strcmp(scheme, "http") == 0 && port_len == 2 &&
			      memcmp(port, "80", 2) == 0)))
		port = NULL;

	path_len = strlen(rest + auth_len);
	while (path_len > 0 && rest[auth_len + path_len - 1] == '/')
		path_len--;
	if (path_len >= 7 &&
	    memcmp(rest + auth_len + path_len - 7, "/api/v4", 7) == 0)
		path_len -= 7;
	while (path_len > 0 && rest[auth_len + path_len - 1] == '/')
		path_len--;

	if (!mm_buf_puts(&b, scheme) || !mm_buf_puts(&b, "://"))
		goto oom;
	for (size_t i = 0; i < host_len; i++)
		if (!mm_buf_putc(&b, ascii_lower(rest[i])))
			goto oom;
	if (port != NULL &&
	    (!mm_buf_putc(&b, ':') || !mm_buf_append(&b, port, port_len)))
		goto oom;
	if (!mm_buf_append(&b, rest + auth_len, path_len))
		goto oom;
	return mm_buf_take(&b);
oom:
	mm_buf_release(&b);
	mm_error_oom(err);
	return NULL;
}

/* ---- target ---- */

/* NULL and "" are both "not set". */
static const char *
env_get(mm_getenv_fn g, const char *name)
{
	const char *v = g(name);

	return v != NULL && *v != '\0' ? v : NULL;
}

static enum mm_result
env_local(mm_getenv_fn g, bool *local, bool *given, struct mm_error *err)
{
	static const char *const yes[] = {"1", "true", "yes", "on", NULL};
	static const char *const no[] = {"0", "false", "no", "off", NULL};
	const char *v = g("MMADM_LOCAL");

	*local = false;
	*given = v != NULL;
	if (v == NULL || *v == '\0')
		return MM_OK;
	for (size_t i = 0; yes[i] != NULL; i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*local = true;
			return MM_OK;
		}
		if (strcasecmp(v, no[i]) == 0)
			return MM_OK;
	}
	return mm_error_set(err, MM_ERR_USAGE,
			    "MMADM_LOCAL must be 1, true, yes or on (or 0, "
			    "false, no, off), not \"%.40s\"",
			    v);
}

/* The first of --url and MMADM_URL, normalised. */
static enum mm_result
given_url(const struct mm_target_flags *flags, mm_getenv_fn g, char **url,
	  enum mm_source *src, struct mm_error *err)
{
	const char *v = flags->url, *what = "--url";

	*url = NULL;
	*src = MM_SRC_FLAG;
	if (v == NULL) {
		v = env_get(g, "MMADM_URL");
		what = "MMADM_URL";
		*src = MM_SRC_ENV;
	}
	if (v == NULL) {
		*src = MM_SRC_NONE;
		return MM_OK;
	}
	*url = mm_url_normalize(v, err);
	if (*url == NULL) {
		if (err->kind != MM_ERR_OTHER)
			mm_error_prefix(err, "%s", what);
		return err->kind;
	}
	return MM_OK;
}

/* MMADM_TOKEN without its trailing newline; *len 0 when unset. */
static enum mm_result
env_token(mm_getenv_fn g, const char **tok, size_t *len, struct mm_error *err)
{
	const char *v = g("MMADM_TOKEN");
	size_t n = v != NULL ? strlen(v) : 0;

	*tok = NULL;
	*len = 0;
	while (n > 0 && (v[n - 1] == '\n' || v[n - 1] == '\r'))
		n--;
	if (n == 0)
		return MM_OK;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return mm_error_set(err, MM_ERR_USAGE,
					    "MMADM_TOKEN contains control "
					    "characters");
	*tok = v;
	*len = n;
	return MM_OK;
}

static char *
copy_n(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p != NULL) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

/* Load the file and pick the profile (named, else the active one). */
static enum mm_result
select_profile(const char *profiles_path, mm_getenv_fn g, const char **name,
	       enum mm_source *name_src, struct mm_profiles *set,
	       const struct mm_profile **prof, struct mm_error *err)
{
	char path[CONF_PATH_MAX];
	enum mm_result rc;

	*prof = NULL;
	if (profiles_path == NULL) {
		rc = mm_conf_path(g, path, sizeof(path), err);
		if (rc != MM_OK)
			return rc;
		profiles_path = path;
	}
	rc = mm_profiles_load(profiles_path, set, err);
	if (rc != MM_OK)
		return rc;
	if (*name != NULL) {
		*prof = mm_profiles_find(set, *name);
		if (*prof == NULL)
			return mm_error_set(err, MM_ERR_CONFIG,
					    "no profile named %.80s (see "
					    "'mmadm auth list')",
					    *name);
		return MM_OK;
	}
	if (set->active == NULL)
		return MM_OK;
	*prof = mm_profiles_find(set, set->active);
	if (*prof == NULL)
		return mm_error_set(err, MM_ERR_CONFIG,
				    "%s: the active profile %.80s does not "
				    "exist (see 'mmadm auth list')",
				    profiles_path, set->active);
	*name = set->active;
	*name_src = MM_SRC_PROFILE;
	return MM_OK;
}

/* The profile's token, if the URL in use is the profile's own. */
static enum mm_result
profile_token(const struct mm_profile *prof, const char *url, char **tok,
	      struct mm_error *err)
{
	struct mm_error scratch;
	char *purl;
	bool same;

	*tok = NULL;
	if (prof == NULL || prof->token == NULL || prof->token[0] == '\0' ||
	    prof->url == NULL)
		return MM_OK;
	mm_error_clear(&scratch);
	purl = mm_url_normalize(prof->url, &scratch);
	if (purl == NULL)
		return scratch.kind == MM_ERR_OTHER
			       ? mm_error_oom(err)
			       : MM_OK; /* a bad URL matches nothing */
	same = strcmp(purl, url) == 0;
	free(purl);
	if (!same)
		return MM_OK;
	*tok = mm_strdup(prof->token);
	if (*tok == NULL)
		return mm_error_oom(err);
	return MM_OK;
}

enum mm_result
mm_target_resolve(const struct mm_target_flags *flags, mm_getenv_fn getenv_fn,
		  const char *profiles_path, struct mm_target *out,
		  struct mm_error *err)
{
	static const struct mm_target_flags no_flags;
	struct mm_profiles set = {0};
	const struct mm_profile *prof = NULL;
	mm_getenv_fn g = getenv_fn != NULL ? getenv_fn : sys_getenv;
	const char *name = NULL, *socket, *tok;
	enum mm_source socket_src;
	enum mm_source name_src = MM_SRC_NONE;
	size_t tok_len;
	bool local, env_given, used = false, explicit, env_token_ok = true;
	enum mm_result rc;

	memset(out, 0, sizeof(*out));
	if (flags == NULL)
		flags = &no_flags;

	rc = env_local(g, &local, &env_given, err);
	if (rc != MM_OK)
		goto out;
	out->local_src = env_given ? MM_SRC_ENV : MM_SRC_DEFAULT;
	if (flags->local) {
		local = true;
		out->local_src = MM_SRC_FLAG;
	}

	if (flags->profile != NULL) {
		name = flags->profile;
		name_src = MM_SRC_FLAG;
	} else if ((name = env_get(g, "MMADM_PROFILE")) != NULL) {
		name_src = MM_SRC_ENV;
	}

	rc = given_url(flags, g, &out->url, &out->url_src, err);
	if (rc != MM_OK)
		goto out;
	rc = env_token(g, &tok, &tok_len, err);
	if (rc != MM_OK)
		goto out;

	socket = flags->socket;
	socket_src = MM_SRC_FLAG;
	if (socket == NULL) {
		socket = env_get(g, "MMADM_LOCAL_SOCKET");
		socket_src = MM_SRC_ENV;
	}

	/* The file only when a profile could add something, or was named. */
	if (name != NULL || !((local && socket != NULL) ||
			      (!local && out->url != NULL && tok != NULL))) {
		rc = select_profile(profiles_path, g, &name, &name_src, &set,
				    &prof, err);
		if (rc != MM_OK)
			goto out;
	}
	used = name_src == MM_SRC_FLAG || name_src == MM_SRC_ENV;
	/* A profile named on the command line (or by the shell's 'use') is
	 * a choice made now: what it says outranks the MMADM_* environment,
	 * and only the other flags outrank it; where it says nothing, the
	 * environment still applies. A token from the environment that came
	 * with an MMADM_URL belongs to that URL and stays there. */
	explicit = name_src == MM_SRC_FLAG && prof != NULL;
	if (explicit && (prof->local || prof->url != NULL)) {
		if (out->url_src == MM_SRC_ENV) {
			free(out->url);
			out->url = NULL;
			out->url_src = MM_SRC_NONE;
			env_token_ok = false;
		}
		if (!flags->local && out->local_src == MM_SRC_ENV) {
			local = false;
			out->local_src = MM_SRC_DEFAULT;
		}
	}
	if (explicit && flags->socket == NULL && prof->socket != NULL)
		socket = NULL; /* the profile's, below */

	if (!local && prof != NULL && prof->local && out->url == NULL) {
		local = true;
		out->local_src = MM_SRC_PROFILE;
		used = true;
	}

	if (local) {
		/* Never a token over the socket. */
		free(out->url);
		out->url = NULL;
		out->url_src = MM_SRC_NONE;
		out->local = true;
		if (socket == NULL && prof != NULL && prof->socket != NULL) {
			socket = prof->socket;
			socket_src = MM_SRC_PROFILE;
			used = true;
		}
		if (socket == NULL) {
			socket = MM_DEFAULT_SOCKET;
			socket_src = MM_SRC_DEFAULT;
		}
		out->socket_src = socket_src;
		out->socket = mm_strdup(socket);
		if (out->socket == NULL) {
			rc = mm_error_oom(err);
			goto out;
		}
	} else {
		if (out->url == NULL && prof != NULL && prof->url != NULL) {
			out->url = mm_url_normalize(prof->url, err);
			if (out->url == NULL) {
				rc = err->kind;
				if (rc != MM_ERR_OTHER) {
					mm_error_prefix(err, "profile %s",
							prof->name);
					rc = err->kind = MM_ERR_CONFIG;
				}
				goto out;
			}
			out->url_src = MM_SRC_PROFILE;
			used = true;
		}
		if (out->url == NULL) {
			rc = mm_error_set(err, MM_ERR_CONFIG,
					  "no server given: use --url URL, "
					  "MMADM_URL, --local or 'mmadm auth "
					  "login URL'");
			goto out;
		}
		/* The environment's token first, unless a profile was named:
		 * then the profile's own, and the environment's only when
		 * the profile has none for this URL. */
		if (explicit || tok == NULL) {
			rc = profile_token(prof, out->url, &out->token, err);
			if (rc != MM_OK)
				goto out;
			if (out->token != NULL) {
				out->token_src = MM_SRC_PROFILE;
				used = true;
			}
		}
		if (out->token == NULL && tok != NULL && env_token_ok) {
			out->token = copy_n(tok, tok_len);
			if (out->token == NULL) {
				rc = mm_error_oom(err);
				goto out;
			}
			out->token_src = MM_SRC_ENV;
		}
	}
	if (used && prof != NULL) {
		out->profile = mm_strdup(prof->name);
		if (out->profile == NULL) {
			rc = mm_error_oom(err);
			goto out;
		}
		out->profile_src = name_src;
	}
out:
	mm_profiles_release(&set);
	if (rc != MM_OK)
		mm_target_release(out);
	return rc;
}

void
mm_target_release(struct mm_target *t)
{
	if (t == NULL)
		return;
	free(t->profile);
	free(t->url);
	if (t->token != NULL) {
		mm_wipe(t->token, strlen(t->token));
		free(t->token);
	}
	free(t->socket);
	memset(t, 0, sizeof(*t));
}
