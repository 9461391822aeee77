/*
 * The profiles file: path, load (refusing unsafe files), schema check,
 * atomic 0600 save, and the in-memory set operations.
 *
 * Tokens are secrets: they are copied as rarely as possible, and every
 * buffer that held one is zeroed before it is freed.
 */
#include "mmadm/buf.h"
#include "mmadm/conf.h"
#include "mmadm/json.h"
#include "mmadm/yaml.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define MAX_FILE_SIZE ((off_t)1024 * 1024)

static const char *const profile_keys[] = {
	"url", "username", "auth", "token", "local", "socket", NULL,
};

static const char *
sys_getenv(const char *name)
{
	return getenv(name);
}

enum mm_result
mm_conf_path(mm_getenv_fn getenv_fn, char *buf, size_t size,
	     struct mm_error *err)
{
	const char *base, *sub;
	size_t n;
	int w;

	if (getenv_fn == NULL)
		getenv_fn = sys_getenv;
	base = getenv_fn("XDG_CONFIG_HOME");
	sub = "mmadm/config.yaml";
	if (base == NULL || base[0] != '/') {
		/* The XDG spec says to ignore a relative XDG_CONFIG_HOME. */
		base = getenv_fn("HOME");
		sub = ".config/mmadm/config.yaml";
		if (base == NULL || base[0] == '\0')
			return mm_error_set(err, MM_ERR_CONFIG,
					    "cannot locate the profiles file: "
					    "set HOME or XDG_CONFIG_HOME");
		if (base[0] != '/')
			return mm_error_set(err, MM_ERR_CONFIG,
					    "cannot locate the profiles file: "
					    "HOME (%s) is not an absolute path",
					    base);
	}
	n = strlen(base);
	while (n > 1 && base[n - 1] == '/')
		n--;
	if (n == 1)
		n = 0; /* "/" */
	if (n > INT_MAX)
		return mm_error_set(err, MM_ERR_CONFIG,
				    "the profiles file path is too long");
	w = snprintf(buf, size, "%.*s/%s", (int)n, base, sub);
	if (w < 0 || (size_t)w >= size)
		return mm_error_set(err, MM_ERR_CONFIG,
				    "the profiles file path is too long");
	return MM_OK;
}

bool
mm_profile_name_valid(const char *name)
{
	size_t n = 0;

	if (name == NULL)
		return false;
	for (const char *s = name; *s != '\0'; s++, n++) {
		char c = *s;

		if (n >= 64)
			return false;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		      c == '-'))
			return false;
	}
	return n > 0;
}

/* ---- the set ---- */

static void
wipe_free(char *s)
{
	if (s != NULL) {
		mm_wipe(s, strlen(s));
		free(s);
	}
}

static void
profile_release(struct mm_profile *pr)
{
	free(pr->name);
	free(pr->url);
	free(pr->username);
	free(pr->auth);
	wipe_free(pr->token);
	free(pr->socket);
	memset(pr, 0, sizeof(*pr));
}

void
mm_profiles_release(struct mm_profiles *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->n; i++)
		profile_release(&p->v[i]);
	free(p->v);
	free(p->active);
	p->v = NULL;
	p->n = 0;
	p->active = NULL;
	if (p->lock > 0)
		close(p->lock - 1); /* and with it the flock */
	p->lock = 0;
}

struct mm_profile *
mm_profiles_find(const struct mm_profiles *p, const char *name)
{
	if (p == NULL || name == NULL)
		return NULL;
	for (size_t i = 0; i < p->n; i++)
		if (mm_streq(p->v[i].name, name))
			return &p->v[i];
	return NULL;
}

static bool
dup_field(char **dst, const char *src)
{
	*dst = NULL;
	if (src == NULL)
		return true;
	*dst = mm_strdup(src);
	return *dst != NULL;
}

static bool
profile_copy(struct mm_profile *dst, const struct mm_profile *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->local = src->local;
	if (dup_field(&dst->name, src->name) &&
	    dup_field(&dst->url, src->url) &&
	    dup_field(&dst->username, src->username) &&
	    dup_field(&dst->auth, src->auth) &&
	    dup_field(&dst->token, src->token) &&
	    dup_field(&dst->socket, src->socket))
		return true;
	profile_release(dst);
	return false;
}

bool
mm_profiles_put(struct mm_profiles *p, const struct mm_profile *prof)
{
	struct mm_profile copy, *old, *v;

	if (p == NULL || prof == NULL || prof->name == NULL)
		return false;
	/* Copy first: prof may point into p. */
	if (!profile_copy(&copy, prof))
		return false;
	old = mm_profiles_find(p, copy.name);
	if (old != NULL) {
		profile_release(old);
		*old = copy;
		return true;
	}
	v = realloc(p->v, (p->n + 1) * sizeof(*v));
	if (v == NULL) {
		profile_release(&copy);
		return false;
	}
	p->v = v;
	p->v[p->n++] = copy;
	return true;
}

bool
mm_profiles_remove(struct mm_profiles *p, const char *name)
{
	struct mm_profile *pr = mm_profiles_find(p, name);
	size_t i;

	if (pr == NULL)
		return false;
	i = (size_t)(pr - p->v);
	if (mm_streq(p->active, name)) {
		free(p->active);
		p->active = NULL;
	}
	profile_release(pr);
	memmove(&p->v[i], &p->v[i + 1], (p->n - i - 1) * sizeof(p->v[0]));
	p->n--;
	if (p->n == 0) {
		free(p->v);
		p->v = NULL;
	}
	return true;
}

bool
mm_profiles_set_active(struct mm_profiles *p, const char *name)
{
	char *copy;

	if (p == NULL)
		return false;
	if (name == NULL) {
		free(p->active);
		p->active = NULL;
		return true;
	}
	if (mm_profiles_find(p, name) == NULL)
		return false;
	copy = mm_strdup(name);
	if (copy == NULL)
		return false;
	free(p->active);
	p->active = copy;
	return true;
}

/* ---- checks shared by load and save ---- */

static bool
has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

static bool
auth_valid(const char *auth)
{
	return auth == NULL || strcmp(auth, "password") == 0 ||
	       strcmp(auth, "token") == 0 || strcmp(auth, "local") == 0;
}

/* What load would refuse, so that save never writes it. */
static enum mm_result
profile_check(const char *path, const struct mm_profile *pr,
	      struct mm_error *err)
{
	if (!mm_profile_name_valid(pr->name))
		return mm_error_set(err, MM_ERR_CONFIG,
				    "%s: invalid profile name \"%.80s\" (use "
				    "1-64 letters, digits, '_', '.' or '-')",
				    path, pr->name != NULL ? pr->name : "");
	if (!auth_valid(pr->auth))
		return mm_error_set(err, MM_ERR_CONFIG,
				    "%s: profile %s: auth must be password, "
				    "token or local, not \"%.40s\"",
				    path, pr->name, pr->auth);
	if (pr->token != NULL && has_control(pr->token))
		return mm_error_set(err, MM_ERR_CONFIG,
				    "%s: profile %s: the token contains "
				    "control characters",
				    path, pr->name);
	return MM_OK;
}

/* ---- load ---- */

static const char *
suggest(const char *key)
{
	for (size_t i = 0; profile_keys[i] != NULL; i++)
		if (mm_edit_distance(key, profile_keys[i]) <= 2)
			return profile_keys[i];
	return NULL;
}

static enum mm_result
unknown_key(const char *path, const char *profile, const char *key,
	    struct mm_error *err)
{
	const char *hint = suggest(key);

	return mm_error_set(err, MM_ERR_CONFIG,
			    "%s: profile %s: unknown key \"%.60s\"%s%s%s "
			    "(known: url, username, auth, token, local, "
			    "socket)",
			    path, profile, key, hint ? " (did you mean " : "",
			    hint ? hint : "", hint ? "?)" : "");
}

/* A string field; null means absent. */
static enum mm_result
string_field(const char *path, const char *profile, const char *key,
	     const struct mm_json *v, char **dst, struct mm_error *err)
{
	enum mm_json_type t = mm_json_type(v);

	if (t == MM_JSON_NULL)
		return MM_OK;
	if (t != MM_JSON_STRING)
		return mm_error_set(err, MM_ERR_CONFIG,
				    "%s: profile %s: %s must be a string, not "
				    "a %s%s",
				    path, profile, key, mm_json_type_name(t),
				    t == MM_JSON_NUMBER || t == MM_JSON_BOOL
					    ? " (put it in quotes)"
					    : "");
	*dst = mm_strdup(mm_json_string(v));
	if (*dst == NULL)
		return mm_error_oom(err);
	return MM_OK;
}

static enum mm_result
convert_profile(const char *path, const struct mm_json *jp,
		struct mm_profile *pr, struct mm_error *err)
{
	const char *name = pr->name;
	enum mm_json_type t = mm_json_type(jp);
	enum mm_result rc = MM_OK;

	if (t != MM_JSON_OBJECT)
		return mm_error_set(
			err, MM_ERR_CONFIG,
			"%s: profile %s must be a mapping, not a %s", path,
			name, mm_json_type_name(t));
	for (const struct mm_json *v = mm_json_first(jp);
	     rc == MM_OK && v != NULL; v = mm_json_next(v)) {
		const char *key = mm_json_key(v);

		if (strcmp(key, "url") == 0) {
			rc = string_field(path, name, key, v, &pr->url, err);
		} else if (strcmp(key, "username") == 0) {
			rc = string_field(path, name, key, v, &pr->username,
					  err);
		} else if (strcmp(key, "auth") == 0) {
			rc = string_field(path, name, key, v, &pr->auth, err);
		} else if (strcmp(key, "token") == 0) {
			rc = string_field(path, name, key, v, &pr->token, err);
		} else if (strcmp(key, "socket") == 0) {
			rc = string_field(path, name, key, v, &pr->socket, err);
		} else if (strcmp(key, "local") == 0) {
			t = mm_json_type(v);
			if (t == MM_JSON_BOOL)
				pr->local = mm_json_is_true(v);
			else if (t != MM_JSON_NULL)
				rc = mm_error_set(err, MM_ERR_CONFIG,
						  "%s: profile %s: local must "
						  "be true or false, not a %s",
						  path, name,
						  mm_json_type_name(t));
		} else {
			rc = unknown_key(path, name, key, err);
		}
	}
	return rc != MM_OK ? rc : profile_check(path, pr, err);
}

static enum mm_result
convert_profiles(const char *path, const struct mm_json *jps,
		 struct mm_profiles *out, struct mm_error *err)
{
	enum mm_json_type t = mm_json_type(jps);
	size_t n = mm_json_size(jps);

	if (t == MM_JSON_NULL)
		return MM_OK;
	if (t != MM_JSON_OBJECT)
		return mm_error_set(err, MM_ERR_CONFIG,
				    "%s: profiles must be a mapping of names "
				    "to profiles, not a %s",
				    path, mm_json_type_name(t));
	if (n == 0)
		return MM_OK;
	out->v = calloc(n, sizeof(*out->v));
	if (out->v == NULL)
		return mm_error_oom(err);
	for (const struct mm_json *jp = mm_json_first(jps); jp != NULL;
	     jp = mm_json_next(jp)) {
		struct mm_profile *pr = &out->v[out->n++];
		enum mm_result rc;

		if (!mm_profile_name_valid(mm_json_key(jp)))
			return mm_error_set(err, MM_ERR_CONFIG,
					    "%s: invalid profile name "
					    "\"%.80s\" (use 1-64 letters, "
					    "digits, '_', '.' or '-')",
					    path, mm_json_key(jp));
		pr->name = mm_strdup(mm_json_key(jp));
		if (pr->name == NULL)
			return mm_error_oom(err);
		rc = convert_profile(path, jp, pr, err);
		if (rc != MM_OK)
			return rc;
	}
	return MM_OK;
}

static enum mm_result
convert(const char *path, const struct mm_json *doc, struct mm_profiles *out,
	struct mm_error *err)
{
	enum mm_json_type t = mm_json_type(doc);
	const struct mm_json *active = NULL;
	enum mm_result rc;

	if (t == MM_JSON_NULL)
		return MM_OK; /* empty file */
	if (t != MM_JSON_OBJECT)
		return mm_error_set(err, MM_ERR_CONFIG,
				    "%s: expected a mapping with keys active "
				    "and profiles, not a %s",
				    path, mm_json_type_name(t));
	for (const struct mm_json *v = mm_json_first(doc); v != NULL;
	     v = mm_json_next(v)) {
		const char *key = mm_json_key(v);

		if (strcmp(key, "active") == 0) {
			active = v;
		} else if (strcmp(key, "profiles") == 0) {
			rc = convert_profiles(path, v, out, err);
			if (rc != MM_OK)
				return rc;
		} else {
			return mm_error_set(err, MM_ERR_CONFIG,
					    "%s: unknown top-level key "
					    "\"%.60s\" (known: active, "
					    "profiles)",
					    path, key);
		}
	}
	t = mm_json_type(active);
	if (active == NULL || t == MM_JSON_NULL)
		return MM_OK;
	if (t != MM_JSON_STRING)
		return mm_error_set(err, MM_ERR_CONFIG,
				    "%s: active must be a profile name, not a "
				    "%s",
				    path, mm_json_type_name(t));
	if (!mm_profile_name_valid(mm_json_string(active)))
		return mm_error_set(err, MM_ERR_CONFIG,
				    "%s: active: invalid profile name "
				    "\"%.80s\"",
				    path, mm_json_string(active));
	out->active = mm_strdup(mm_json_string(active));
	if (out->active == NULL)
		return mm_error_oom(err);
	return MM_OK;
}

/* Zero the tokens still held by the parsed tree before it is freed. */
static void
wipe_tree_tokens(const struct mm_json *doc)
{
	const struct mm_json *jps = mm_json_get(doc, "profiles");

	for (const struct mm_json *jp = mm_json_first(jps); jp != NULL;
	     jp = mm_json_next(jp)) {
		const char *tok = mm_json_string(mm_json_get(jp, "token"));

		/* The tree is ours: the const is only the accessor's. */
		if (tok != NULL)
			mm_wipe((char *)tok, strlen(tok));
	}
}

static enum mm_result
check_file(const char *path, const struct stat *st, struct mm_error *err)
{
	uid_t me = geteuid();

	if (!S_ISREG(st->st_mode))
		return mm_error_set(err, MM_ERR_CONFIG,
				    "%s is not a regular file", path);
	if (st->st_uid != me && st->st_uid != 0)
		return mm_error_set(err, MM_ERR_CONFIG,
				    "%s is owned by uid %lu, not by you (uid "
				    "%lu); refusing to use it",
				    path, (unsigned long)st->st_uid,
				    (unsigned long)me);
	if ((st->st_mode & 077) != 0)
		return mm_error_set(err, MM_ERR_CONFIG,
				    "%s is readable or writable by group or "
				    "others (mode %04o); run: chmod 600 %s",
				    path, (unsigned)(st->st_mode & 07777),
				    path);
	if (st->st_size > MAX_FILE_SIZE)
		return mm_error_set(err, MM_ERR_CONFIG,
				    "%s is larger than 1 MiB; it cannot be a "
				    "profiles file",
				    path);
	return MM_OK;
}

/* Read the whole file into one exactly-sized buffer (no reallocation,
 * so no stray copies of the tokens are left in freed memory). */
static enum mm_result
read_fd(const char *path, int fd, size_t size, char **text, size_t *len,
	struct mm_error *err)
{
	char *buf = malloc(size + 2);
	size_t n = 0;

	*text = NULL;
	*len = 0;
	if (buf == NULL)
		return mm_error_oom(err);
	while (n < size + 1) {
		ssize_t r = read(fd, buf + n, size + 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			mm_wipe(buf, n);
			free(buf);
			return mm_error_set(err, MM_ERR_IO,
					    "cannot read %s: %s", path,
					    strerror(e));
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > size) {
		mm_wipe(buf, n);
		free(buf);
		return mm_error_set(err, MM_ERR_IO,
				    "%s changed while it was being read; try "
				    "again",
				    path);
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return MM_OK;
}

enum mm_result
mm_profiles_load(const char *path, struct mm_profiles *out,
		 struct mm_error *err)
{
	struct mm_json *doc = NULL;
	struct stat st;
	char *text = NULL;
	size_t len = 0;
	enum mm_result rc;
	int fd;

	memset(out, 0, sizeof(*out));
	/* O_NONBLOCK: a FIFO in the file's place must not hang us. */
	fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return MM_OK;
		return mm_error_set(err, MM_ERR_IO, "cannot open %s: %s", path,
				    strerror(errno));
	}
	if (fstat(fd, &st) != 0) {
		rc = mm_error_set(err, MM_ERR_IO, "cannot stat %s: %s", path,
				  strerror(errno));
		goto out;
	}
	rc = check_file(path, &st, err);
	if (rc != MM_OK)
		goto out;
	rc = read_fd(path, fd, (size_t)st.st_size, &text, &len, err);
	if (rc != MM_OK)
		goto out;
	rc = mm_yaml_parse(text, len, path, MM_ERR_CONFIG, &doc, err);
	if (rc != MM_OK)
		goto out;
	rc = convert(path, doc, out, err);
out:
	if (doc != NULL) {
		wipe_tree_tokens(doc);
		mm_json_free(doc);
	}
	if (text != NULL) {
		mm_wipe(text, len);
		free(text);
	}
	close(fd);
	if (rc != MM_OK)
		mm_profiles_release(out);
	return rc;
}

/* ---- save ---- */

/* Decode one UTF-8 sequence; 0 if invalid (overlong, surrogate, ...). */
static size_t
utf8_decode(const unsigned char *s, unsigned long *cp)
{
	uint32_t c;
	size_t n = mm_utf8_decode(s, SIZE_MAX, &c);

	if (n > 0)
		*cp = c;
	return n;
}

static bool
utf8_valid(const char *s)
{
	unsigned long cp;

	if (s == NULL)
		return true;
	while (*s != '\0') {
		size_t n = utf8_decode((const unsigned char *)s, &cp);

		if (n == 0)
			return false;
		s += n;
	}
	return true;
}

/* Characters a YAML reader takes as they are inside "...". */
static bool
yaml_raw_ok(unsigned long cp)
{
	if (cp >= 0x20 && cp < 0x7f)
		return cp != '"' && cp != '\\';
	if (cp >= 0xa0 && cp <= 0xd7ff)
		return cp != 0x2028 && cp != 0x2029; /* line/para separators */
	if (cp >= 0xe000 && cp <= 0xfffd)
		return cp != 0xfeff; /* byte order mark */
	return cp >= 0x10000;
}

/* One double-quoted YAML scalar; s must be valid UTF-8. */
static void
put_quoted(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned long cp;

	putc('"', f);
	while (*p != '\0') {
		size_t n = utf8_decode(p, &cp);

		if (n == 0) { /* checked before; never emit garbage */
			fputs("\\ufffd", f);
			p++;
			continue;
		}
		if (yaml_raw_ok(cp))
			fwrite(p, 1, n, f);
		else if (cp == '"')
			fputs("\\\"", f);
		else if (cp == '\\')
			fputs("\\\\", f);
		else if (cp == '\n')
			fputs("\\n", f);
		else if (cp == '\t')
			fputs("\\t", f);
		else if (cp == '\r')
			fputs("\\r", f);
		else if (cp < 0x100)
			fprintf(f, "\\x%02lx", cp);
		else if (cp < 0x10000)
			fprintf(f, "\\u%04lx", cp);
		else
			fprintf(f, "\\U%08lx", cp);
		p += n;
	}
	putc('"', f);
}

static void
put_field(FILE *f, const char *key, const char *value)
{
	if (value == NULL)
		return;
	fprintf(f, "    %s: ", key);
	put_quoted(f, value);
	putc('\n', f);
}

static void
emit(FILE *f, const struct mm_profiles *p)
{
	fputs("# mmadm profiles. Holds secrets: keep it mode 0600.\n", f);
	if (p->active != NULL) {
		fputs("active: ", f);
		put_quoted(f, p->active);
		putc('\n', f);
	}
	fputs(p->n == 0 ? "profiles: {}\n" : "profiles:\n", f);
	for (size_t i = 0; i < p->n; i++) {
		const struct mm_profile *pr = &p->v[i];
		bool empty = pr->url == NULL && pr->username == NULL &&
			     pr->auth == NULL && pr->token == NULL &&
			     !pr->local && pr->socket == NULL;

		fputs("  ", f);
		put_quoted(f, pr->name);
		fputs(empty ? ": {}\n" : ":\n", f);
		put_field(f, "url", pr->url);
		put_field(f, "username", pr->username);
		put_field(f, "auth", pr->auth);
		put_field(f, "token", pr->token);
		if (pr->local)
			fputs("    local: true\n", f);
		put_field(f, "socket", pr->socket);
	}
}

static enum mm_result
check_set(const char *path, const struct mm_profiles *p, struct mm_error *err)
{
	if (p->active != NULL && !mm_profile_name_valid(p->active))
		return mm_error_set(err, MM_ERR_CONFIG,
				    "%s: invalid active profile name \"%.80s\"",
				    path, p->active);
	for (size_t i = 0; i < p->n; i++) {
		const struct mm_profile *pr = &p->v[i];
		enum mm_result rc = profile_check(path, pr, err);

		if (rc != MM_OK)
			return rc;
		if (mm_profiles_find(p, pr->name) != pr)
			return mm_error_set(err, MM_ERR_CONFIG,
					    "%s: profile %s appears twice",
					    path, pr->name);
		if (!utf8_valid(pr->url) || !utf8_valid(pr->username) ||
		    !utf8_valid(pr->token) || !utf8_valid(pr->socket))
			return mm_error_set(err, MM_ERR_CONFIG,
					    "%s: profile %s: a value is not "
					    "valid UTF-8",
					    path, pr->name);
	}
	return MM_OK;
}

static enum mm_result
ensure_dir(char *dir, struct mm_error *err)
{
	struct stat st;

	if (stat(dir, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return MM_OK;
		return mm_error_set(err, MM_ERR_IO,
				    "cannot create directory %s: %s", dir,
				    strerror(ENOTDIR));
	}
	if (errno != ENOENT)
		return mm_error_set(err, MM_ERR_IO, "cannot access %s: %s", dir,
				    strerror(errno));
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return mm_error_set(err, MM_ERR_IO,
				    "cannot create directory %s: %s", dir,
				    strerror(errno));
	return MM_OK;
}

/* mkdir -p; directories that exist keep their mode. */
static enum mm_result
make_parents(char *dir, struct mm_error *err)
{
	struct stat st;
	enum mm_result rc;

	if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		return MM_OK;
	for (char *s = dir + 1; *s != '\0'; s++) {
		if (*s != '/' || s[-1] == '/')
			continue;
		*s = '\0';
		rc = ensure_dir(dir, err);
		*s = '/';
		if (rc != MM_OK)
			return rc;
	}
	return ensure_dir(dir, err);
}

static enum mm_result
sync_dir(const char *dir, struct mm_error *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int e = 0;

	if (fd < 0)
		return mm_error_set(err, MM_ERR_IO, "cannot open %s: %s", dir,
				    strerror(errno));
	if (fsync(fd) != 0 && errno != EINVAL)
		e = errno;
	close(fd);
	if (e != 0)
		return mm_error_set(err, MM_ERR_IO, "cannot sync %s: %s", dir,
				    strerror(e));
	return MM_OK;
}

/* path's directory ("." or "/" for the short cases), into dir. */
static bool
dir_of(const char *path, struct mm_buf *dir, const char **base)
{
	const char *slash = strrchr(path, '/');

	*base = slash != NULL ? slash + 1 : path;
	if (slash == NULL)
		return mm_buf_puts(dir, ".");
	if (slash == path)
		return mm_buf_puts(dir, "/");
	return mm_buf_append(dir, path, (size_t)(slash - path));
}

#define LOCK_WAIT_MS 10000

enum mm_result
mm_profiles_load_for_update(const char *path, struct mm_profiles *out,
			    struct mm_error *err)
{
	struct mm_buf dir = MM_BUF_INIT, lock = MM_BUF_INIT;
	const char *base;
	enum mm_result rc;
	int fd = -1;

	memset(out, 0, sizeof(*out));
	if (!dir_of(path, &dir, &base) ||
	    !mm_buf_printf(&lock, "%s/.%s.lock", mm_buf_str(&dir), base)) {
		rc = mm_error_oom(err);
		goto out;
	}
	rc = make_parents(dir.data, err);
	if (rc != MM_OK)
		goto out;
	fd = open(lock.data, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = mm_error_set(err, MM_ERR_IO, "cannot open %s: %s",
				  lock.data, strerror(errno));
		goto out;
	}
	for (int waited = 0; flock(fd, LOCK_EX | LOCK_NB) != 0; waited += 20) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			rc = mm_error_set(err, MM_ERR_IO, "cannot lock %s: %s",
					  lock.data, strerror(errno));
			goto out;
		}
		if (waited >= LOCK_WAIT_MS) {
			rc = mm_error_set(err, MM_ERR_CONFIG,
					  "another mmadm is changing %s: gave "
					  "up after %d s (lock %s)",
					  path, LOCK_WAIT_MS / 1000, lock.data);
			goto out;
		}
		usleep(20000);
	}
	rc = mm_profiles_load(path, out, err);
	if (rc == MM_OK) {
		out->lock = fd + 1;
		fd = -1;
	}
out:
	if (fd >= 0)
		close(fd);
	mm_buf_release(&lock);
	mm_buf_release(&dir);
	return rc;
}

enum mm_result
mm_profiles_save(const char *path, const struct mm_profiles *p,
		 struct mm_error *err)
{
	struct mm_buf dir = MM_BUF_INIT, tmp = MM_BUF_INIT;
	char iobuf[8192];
	const char *base;
	enum mm_result rc;
	FILE *f = NULL;
	bool created = false;
	int fd, e;

	rc = check_set(path, p, err);
	if (rc != MM_OK)
		return rc;
	if (!dir_of(path, &dir, &base)) {
		rc = mm_error_oom(err);
		goto out;
	}
	if (*base == '\0') {
		rc = mm_error_set(err, MM_ERR_IO,
				  "cannot write %s: not a file name", path);
		goto out;
	}
	rc = make_parents(dir.data, err);
	if (rc != MM_OK)
		goto out;
	if (!mm_buf_printf(&tmp, "%s/.%s.XXXXXX", dir.data, base)) {
		rc = mm_error_oom(err);
		goto out;
	}
	fd = mkstemp(tmp.data);
	if (fd < 0) {
		rc = mm_error_set(err, MM_ERR_IO,
				  "cannot write %s: cannot create a temporary "
				  "file: %s",
				  path, strerror(errno));
		goto out;
	}
	created = true;
	if (fchmod(fd, 0600) != 0 || (f = fdopen(fd, "w")) == NULL) {
		e = errno;
		close(fd);
		rc = mm_error_set(err, MM_ERR_IO, "cannot write %s: %s", path,
				  strerror(e));
		goto out;
	}
	/* Our own stdio buffer, so that it can be wiped afterwards. */
	setvbuf(f, iobuf, _IOFBF, sizeof(iobuf));
	errno = 0;
	emit(f, p);
	if (ferror(f) || fflush(f) != 0 || fsync(fileno(f)) != 0) {
		e = errno;
		fclose(f);
		f = NULL;
		rc = mm_error_set(err, MM_ERR_IO, "cannot write %s: %s", path,
				  e != 0 ? strerror(e) : "write error");
		goto out;
	}
	e = fclose(f);
	f = NULL;
	if (e != 0) {
		rc = mm_error_set(err, MM_ERR_IO, "cannot write %s: %s", path,
				  strerror(errno));
		goto out;
	}
	if (rename(tmp.data, path) != 0) {
		rc = mm_error_set(err, MM_ERR_IO, "cannot write %s: %s", path,
				  strerror(errno));
		goto out;
	}
	created = false;
	rc = sync_dir(dir.data, err);
out:
	mm_wipe(iobuf, sizeof(iobuf));
	if (created)
		unlink(tmp.data);
	mm_buf_release(&tmp);
	mm_buf_release(&dir);
	return rc;
}
