/*
 * Config area: GET /config, PUT /config/patch, and the client-side logic
 * that builds a safe patch (typed from the live config, unknown keys
 * refused, placeholders never sent back), diffs and redacts.
 */
#include "mmadm/api.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define J(x) ((cJSON *)(x))
#define CJ(x) ((const cJSON *)(x))

enum mm_result
mm_api_config_get(struct mm_client *c, struct mm_json **out,
		  struct mm_error *err)
{
	enum mm_result rc = mm_api_request(c, "GET", "/api/v4/config", NULL, 0,
					   out, NULL, err);

	if (rc == MM_OK && mm_json_type(*out) != MM_JSON_OBJECT) {
		mm_json_free(*out);
		*out = NULL;
		return mm_error_set(err, MM_ERR_RESPONSE,
				    "the server's config is not a JSON object");
	}
	return rc;
}

enum mm_result
mm_api_config_patch(struct mm_client *c, const struct mm_json *patch,
		    struct mm_json **out, struct mm_error *err)
{
	enum mm_result rc = mm_api_request(c, "PUT", "/api/v4/config/patch",
					   patch, 0, out, NULL, err);

	if (rc == MM_OK && !c->dry_run &&
	    mm_json_type(*out) != MM_JSON_OBJECT) {
		mm_json_free(*out);
		*out = NULL;
		return mm_error_set(err, MM_ERR_RESPONSE,
				    "the server's answer to the patch is not "
				    "a config object");
	}
	return rc;
}

/* Free-form maps: any key below them is accepted. */
static const char *const freeform_prefixes[] = {
	"PluginSettings.Plugins.",
	"PluginSettings.PluginStates.",
	NULL,
};

static bool
is_freeform(const char *key)
{
	for (size_t i = 0; freeform_prefixes[i] != NULL; i++) {
		size_t n = strlen(freeform_prefixes[i]);

		if (strncmp(key, freeform_prefixes[i], n) == 0 &&
		    key[n] != '\0')
			return true;
	}
	return false;
}

/* Secrets the server masks (API-NOTES.md 4.1), dotted; "*" = any index. */
static const char *const secret_keys[] = {
	"LdapSettings.BindPassword",
	"FileSettings.AmazonS3SecretAccessKey",
	"FileSettings.PublicLinkSalt",
	"FileSettings.AzureAccessKey",
	"FileSettings.ExportAzureAccessKey",
	"FileSettings.ExportAmazonS3SecretAccessKey",
	"EmailSettings.SMTPPassword",
	"GitLabSettings.Secret",
	"GoogleSettings.Secret",
	"Office365Settings.Secret",
	"OpenIdSettings.Secret",
	"MessageExportSettings.GlobalRelaySettings.SMTPPassword",
	"SqlSettings.DataSource",
	"SqlSettings.DataSourceReplicas",
	"SqlSettings.DataSourceSearchReplicas",
	"SqlSettings.ReplicaLagSettings",
	"SqlSettings.AtRestEncryptKey",
	"ElasticsearchSettings.Password",
	"ServiceSettings.SplitKey",
	"CacheSettings.RedisPassword",
	NULL,
};

bool
mm_config_key_is_secret(const char *key)
{
	for (size_t i = 0; secret_keys[i] != NULL; i++) {
		size_t n = strlen(secret_keys[i]);

		if (strncmp(key, secret_keys[i], n) == 0 &&
		    (key[n] == '\0' || key[n] == '.'))
			return true;
	}
	return false;
}

/* Key names that carry secrets in any request body. */
static bool
is_secret_name(const char *name)
{
	static const char *const words[] = {
		"password",   "secret",     "token",    "accesskey",
		"datasource", "encryptkey", "splitkey", NULL};
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

/* Mark [from, to) of s as a password to hide (once, non-empty). */
static void
dsn_span(size_t from, size_t to, size_t *spans, size_t *n, size_t max)
{
	if (to > from && *n + 2 <= max) {
		spans[(*n)++] = from;
		spans[(*n)++] = to;
	}
}

/* The last '@' of a MySQL DSN "user:pass@proto(addr)/db" or
 * "user:pass@/db": followed by '/' or by a name and '('. */
static const char *
mysql_at(const char *s)
{
	const char *at = NULL;

	for (const char *p = strchr(s, '@'); p != NULL;
	     p = strchr(p + 1, '@')) {
		const char *q = p + 1;

		while (isalnum((unsigned char)*q))
			q++;
		if ((q == p + 1 && *q == '/') || (q > p + 1 && *q == '('))
			at = p;
	}
	return at;
}

char *
mm_redact_dsn(const char *s)
{
	size_t spans[16], n = 0, len = strlen(s);
	const char *scheme = strstr(s, "://"), *at = NULL, *colon;
	struct mm_buf b = MM_BUF_INIT;
	const char *start = s;

	/* scheme://user:pass@host/...: the userinfo ends at the last '@'
	 * before the path. MySQL-style "user:pass@tcp(host)/db" has none. */
	if (scheme != NULL && strcspn(s, "/?#") == (size_t)(scheme - s) + 1) {
		size_t auth;

		start = scheme + 3;
		auth = strcspn(start, "/?#");
		for (size_t i = auth; i > 0; i--)
			if (start[i - 1] == '@') {
				at = start + i - 1;
				break;
			}
		/* mysql://user:pass@tcp(host:3306)/db */
		if (at == NULL)
			at = mysql_at(start);
	} else {
		at = mysql_at(s);
	}
	if (at != NULL) {
		colon = memchr(start, ':', (size_t)(at - start));
		if (colon != NULL)
			dsn_span((size_t)(colon + 1 - s), (size_t)(at - s),
				 spans, &n, 16);
	}
	/* password=... as a keyword (libpq "host=db password=x") or a query
	 * parameter (?password=x&...). */
	for (const char *p = s; *p != '\0'; p++) {
		const char *v = p + 9, *e;

		if (strncasecmp(p, "password=", 9) != 0 ||
		    (p != s && p[-1] != ' ' && p[-1] != '?' && p[-1] != '&' &&
		     p[-1] != ';'))
			continue;
		if (*v == '\'') {
			for (e = v + 1; *e != '\0' && *e != '\''; e++)
				if (*e == '\\' && e[1] != '\0')
					e++;
			dsn_span((size_t)(v + 1 - s), (size_t)(e - s), spans,
				 &n, 16);
		} else {
			e = v + strcspn(v, " &;");
			dsn_span((size_t)(v - s), (size_t)(e - s), spans, &n,
				 16);
		}
	}
	if (n == 0)
		return mm_strdup(s);
	/* Spans may come in any order and overlap: write s with each run of
	 * hidden text as one placeholder. */
	for (size_t pos = 0;;) {
		size_t next = len, end = 0;
		bool grew = true;

		for (size_t i = 0; i < n; i += 2) {
			size_t from = spans[i] > pos ? spans[i] : pos;

			if (spans[i + 1] > pos && from < next) {
				next = from;
				end = spans[i + 1];
			}
		}
		if (!mm_buf_append(&b, s + pos, next - pos))
			goto oom;
		if (next == len)
			break;
		while (grew) {
			grew = false;
			for (size_t i = 0; i < n; i += 2)
				if (spans[i] <= end && spans[i + 1] > end) {
					end = spans[i + 1];
					grew = true;
				}
		}
		if (!mm_buf_puts(&b, MM_CONFIG_PLACEHOLDER))
			goto oom;
		pos = end;
	}
	return mm_buf_take(&b);
oom:
	mm_buf_release(&b);
	return NULL;
}

static void
redact_walk(cJSON *node, struct mm_buf *path)
{
	size_t mark = path->len;

	for (cJSON *it = node->child; it != NULL; it = it->next) {
		bool secret;

		path->len = mark;
		if (path->data != NULL)
			path->data[mark] = '\0';
		if (it->string != NULL) {
			if ((mark > 0 && !mm_buf_putc(path, '.')) ||
			    !mm_buf_puts(path, it->string))
				return;
		}
		secret = (it->string != NULL && is_secret_name(it->string)) ||
			 mm_config_key_is_secret(mm_buf_str(path));
		if (secret && cJSON_IsString(it) && it->valuestring[0]) {
			cJSON_SetValuestring(it, MM_CONFIG_PLACEHOLDER);
		} else if (secret && cJSON_IsArray(it)) {
			for (cJSON *e = it->child; e != NULL; e = e->next)
				if (cJSON_IsString(e))
					cJSON_SetValuestring(
						e, MM_CONFIG_PLACEHOLDER);
				else if (cJSON_IsObject(e))
					redact_walk(e, path);
		} else if (cJSON_IsObject(it) || cJSON_IsArray(it)) {
			redact_walk(it, path);
		} else if (cJSON_IsString(it)) {
			/* A DSN's password (config migrate's from/to). */
			char *red = mm_redact_dsn(it->valuestring);

			if (red == NULL || strcmp(red, it->valuestring) != 0)
				cJSON_SetValuestring(
					it, red ? red : MM_CONFIG_PLACEHOLDER);
			free(red);
		}
	}
	path->len = mark;
	if (path->data != NULL)
		path->data[mark] = '\0';
}

struct mm_json *
mm_config_redact(const struct mm_json *doc)
{
	cJSON *copy = cJSON_Duplicate(CJ(doc), true);
	struct mm_buf path = MM_BUF_INIT;

	if (copy != NULL && (cJSON_IsObject(copy) || cJSON_IsArray(copy)))
		redact_walk(copy, &path);
	mm_buf_release(&path);
	return (struct mm_json *)copy;
}

/* ---- nearest key ---- */

struct nearest {
	const char *want;
	size_t best;
	char *buf;
	size_t size;
};

static void
nearest_walk(const cJSON *node, struct mm_buf *path, struct nearest *n)
{
	size_t mark = path->len;

	for (const cJSON *it = node->child; it != NULL; it = it->next) {
		size_t d;

		if (it->string == NULL)
			continue;
		path->len = mark;
		if ((mark > 0 && !mm_buf_putc(path, '.')) ||
		    !mm_buf_puts(path, it->string))
			return;
		if (strcasecmp(mm_buf_str(path), n->want) == 0)
			d = 0;
		else
			d = mm_edit_distance(mm_buf_str(path), n->want);
		if (d < n->best) {
			n->best = d;
			mm_strlcpy(n->buf, mm_buf_str(path), n->size);
		}
		if (cJSON_IsObject(it))
			nearest_walk(it, path, n);
	}
	path->len = mark;
	if (path->data != NULL)
		path->data[mark] = '\0';
}

bool
mm_config_nearest_key(const struct mm_json *cfg, const char *key, char *buf,
		      size_t size)
{
	struct nearest n = {key, (size_t)-1, buf, size};
	struct mm_buf path = MM_BUF_INIT;
	size_t limit = strlen(key) / 3;

	if (limit < 3)
		limit = 3;
	buf[0] = '\0';
	if (cfg == NULL || !cJSON_IsObject(CJ(cfg)))
		return false;
	nearest_walk(CJ(cfg), &path, &n);
	/* Also try the last component alone (a key given without its
	 * section, or in the wrong one). */
	if (n.best > limit) {
		const char *dot = strrchr(key, '.');
		const char *last = dot ? dot + 1 : key;

		for (const cJSON *s = CJ(cfg)->child; s != NULL; s = s->next) {
			const cJSON *hit;

			if (!cJSON_IsObject(s))
				continue;
			hit = cJSON_GetObjectItem(s, last); /* case-insens. */
			if (hit != NULL && hit->string != NULL &&
			    (size_t)snprintf(buf, size, "%s.%s", s->string,
					     hit->string) < size) {
				n.best = 0;
				break;
			}
		}
	}
	mm_buf_release(&path);
	return n.best <= limit && buf[0] != '\0';
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

/* ---- typing values from --set ---- */

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

static cJSON *
parse_json_value(const char *v)
{
	const char *end = NULL;
	cJSON *j = cJSON_ParseWithOpts(v, &end, true);

	return j;
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* The largest whole number a setting can be given exactly (2^53 - 1). */
#define MM_CONFIG_INT_MAX 9007199254740991.0

/* A value for key typed like cur (NULL cur = unknown type). */
static enum mm_result
typed_value(const char *key, const cJSON *cur, const char *v, cJSON **out,
	    struct mm_error *err)
{
	*out = NULL;
	if (cur == NULL || cJSON_IsNull(cur)) {
		cJSON *j = parse_json_value(v);

		*out = j != NULL ? j : cJSON_CreateString(v);
	} else if (cJSON_IsBool(cur)) {
		bool b;

		if (!parse_bool(v, &b))
			return mm_error_set(err, MM_ERR_USAGE,
					    "%s takes true or false, not '%s'",
					    key, v);
		*out = cJSON_CreateBool(b);
	} else if (cJSON_IsNumber(cur)) {
		char *end;
		double d;

		errno = 0;
		d = strtod(v, &end);
		if (v[0] == '\0' || *end != '\0' || errno != 0 || isnan(d) ||
		    isinf(d))
			return mm_error_set(err, MM_ERR_USAGE,
					    "%s takes a number, not '%s'", key,
					    v);
		if (cur->valuedouble == floor(cur->valuedouble) &&
		    d != floor(d))
			return mm_error_set(err, MM_ERR_USAGE,
					    "%s takes a whole number, not '%s'",
					    key, v);
		/* A whole number past 2^53 has no exact double, and is sent
		 * in exponent form, which the server's Go integer fields
		 * refuse: past the int64 range it would not fit anyway. */
		if (cur->valuedouble == floor(cur->valuedouble) &&
		    fabs(d) > MM_CONFIG_INT_MAX)
			return mm_error_set(err, MM_ERR_USAGE,
					    "%s takes a whole number from "
					    "-%.0f to %.0f, not '%s'",
					    key, MM_CONFIG_INT_MAX,
					    MM_CONFIG_INT_MAX, v);
		*out = cJSON_CreateNumber(d);
	} else if (cJSON_IsString(cur)) {
		*out = cJSON_CreateString(v);
	} else if (cJSON_IsArray(cur)) {
		if (v[0] == '[') {
			*out = parse_json_value(v);
			if (*out == NULL || !cJSON_IsArray(*out)) {
				cJSON_Delete(*out);
				*out = NULL;
				return mm_error_set(
					err, MM_ERR_USAGE,
					"%s takes a list: '%s' is not a JSON "
					"array",
					key, v);
			}
		} else {
			char *copy = mm_strdup(v), *save = NULL, *tok;
			bool numeric = cur->child != NULL &&
				       cJSON_IsNumber(cur->child);

			*out = cJSON_CreateArray();
			if (copy == NULL || *out == NULL) {
				free(copy);
				cJSON_Delete(*out);
				*out = NULL;
				return mm_error_oom(err);
			}
			for (tok = strtok_r(copy, ",", &save); tok != NULL;
			     tok = strtok_r(NULL, ",", &save)) {
				char *t = trim(tok), *end;
				double d = strtod(t, &end);
				cJSON *item;

				if (*t == '\0')
					continue;
				item = numeric && *end == '\0'
					       ? cJSON_CreateNumber(d)
					       : cJSON_CreateString(t);
				cJSON_AddItemToArray(*out, item);
			}
			free(copy);
		}
	} else if (cJSON_IsObject(cur)) {
		*out = parse_json_value(v);
		if (*out == NULL || !cJSON_IsObject(*out)) {
			cJSON_Delete(*out);
			*out = NULL;
			return mm_error_set(
				err, MM_ERR_USAGE,
				"%s is a section: give a JSON object "
				"or set one of its keys "
				"(%s.KEY=VALUE)",
				key, key);
		}
	}
	if (*out == NULL)
		return mm_error_oom(err);
	return MM_OK;
}

/* Put val at dotted key in patch, creating objects on the way. */
static bool
put_path(cJSON *patch, const char *key, cJSON *val)
{
	char *copy = mm_strdup(key), *p, *dot;
	cJSON *node = patch;
	bool ok = false;

	if (copy == NULL)
		goto out;
	for (p = copy; (dot = strchr(p, '.')) != NULL; p = dot + 1) {
		cJSON *next;

		*dot = '\0';
		next = cJSON_GetObjectItemCaseSensitive(node, p);
		if (next == NULL || !cJSON_IsObject(next)) {
			if (next != NULL)
				cJSON_DeleteItemFromObjectCaseSensitive(node,
									p);
			next = cJSON_AddObjectToObject(node, p);
			if (next == NULL)
				goto out;
		}
		node = next;
	}
	if (cJSON_GetObjectItemCaseSensitive(node, p) != NULL)
		cJSON_DeleteItemFromObjectCaseSensitive(node, p);
	ok = cJSON_AddItemToObject(node, p, val);
out:
	if (!ok)
		cJSON_Delete(val);
	free(copy);
	return ok;
}

enum mm_result
mm_config_patch_from_sets(const struct mm_json *current,
			  const char *const *sets, size_t n,
			  struct mm_json **patch, struct mm_error *err)
{
	cJSON *p = cJSON_CreateObject();
	enum mm_result rc = MM_OK;

	*patch = NULL;
	if (p == NULL)
		return mm_error_oom(err);
	for (size_t i = 0; i < n && rc == MM_OK; i++) {
		const char *eq = strchr(sets[i], '=');
		char key[512];
		const struct mm_json *cur;
		cJSON *val;
		size_t klen;

		if (eq == NULL || eq == sets[i]) {
			rc = mm_error_set(err, MM_ERR_USAGE,
					  "--set takes Section.Key=VALUE, not "
					  "'%s'",
					  sets[i]);
			break;
		}
		klen = (size_t)(eq - sets[i]);
		if (klen >= sizeof(key)) {
			rc = mm_error_set(err, MM_ERR_USAGE,
					  "config key too long");
			break;
		}
		memcpy(key, sets[i], klen);
		key[klen] = '\0';
		if (key[klen - 1] == '.' || strstr(key, "..") != NULL ||
		    key[0] == '.') {
			rc = mm_error_set(err, MM_ERR_USAGE,
					  "malformed config key '%s'", key);
			break;
		}
		cur = mm_json_path(current, key);
		if (cur == NULL && !is_freeform(key)) {
			rc = unknown_key(current, key, err);
			break;
		}
		if (strcmp(eq + 1, MM_CONFIG_PLACEHOLDER) == 0) {
			rc = mm_error_set(err, MM_ERR_USAGE,
					  "the value for %s is the server's "
					  "secret placeholder, which means "
					  "'keep the current value'",
					  key);
			break;
		}
		rc = typed_value(key, CJ(cur), eq + 1, &val, err);
		if (rc == MM_OK && !put_path(p, key, val))
			rc = mm_error_oom(err);
	}
	if (rc != MM_OK) {
		cJSON_Delete(p);
		return rc;
	}
	*patch = (struct mm_json *)p;
	return MM_OK;
}

static bool
types_compatible(const cJSON *cur, const cJSON *val)
{
	if (cJSON_IsNull(cur))
		return true;
	if (cJSON_IsBool(cur))
		return cJSON_IsBool(val);
	if (cJSON_IsNumber(cur))
		return cJSON_IsNumber(val);
	if (cJSON_IsString(cur))
		return cJSON_IsString(val);
	if (cJSON_IsArray(cur))
		return cJSON_IsArray(val);
	if (cJSON_IsObject(cur))
		return cJSON_IsObject(val);
	return false;
}

static const char *
cj_type_name(const cJSON *c)
{
	return mm_json_type_name(mm_json_type((const struct mm_json *)c));
}

static enum mm_result
check_walk(const cJSON *cur, cJSON *patch, struct mm_buf *path,
	   const struct mm_json *root, struct mm_error *err)
{
	size_t mark = path->len;
	cJSON *it = patch->child, *next;
	enum mm_result rc = MM_OK;

	for (; it != NULL && rc == MM_OK; it = next) {
		const cJSON *c;

		next = it->next;
		path->len = mark;
		if (path->data != NULL)
			path->data[mark] = '\0';
		if ((mark > 0 && !mm_buf_putc(path, '.')) ||
		    !mm_buf_puts(path, it->string ? it->string : "")) {
			rc = mm_error_oom(err);
			break;
		}
		c = cur != NULL
			    ? cJSON_GetObjectItemCaseSensitive(cur, it->string)
			    : NULL;
		if (cJSON_IsNull(it) ||
		    (cJSON_IsString(it) &&
		     strcmp(it->valuestring, MM_CONFIG_PLACEHOLDER) == 0)) {
			/* null and the placeholder both mean "keep". */
			cJSON_DetachItemViaPointer(patch, it);
			cJSON_Delete(it);
			continue;
		}
		if (is_freeform(mm_buf_str(path)))
			continue;
		if (c == NULL) {
			rc = unknown_key(root, mm_buf_str(path), err);
			break;
		}
		if (!types_compatible(c, it)) {
			rc = mm_error_set(err, MM_ERR_USAGE,
					  "%s must be a %s, not a %s",
					  mm_buf_str(path), cj_type_name(c),
					  cj_type_name(it));
			break;
		}
		if (cJSON_IsObject(it) && cJSON_IsObject(c)) {
			bool was_empty = it->child == NULL;

			rc = check_walk(c, it, path, root, err);
			if (rc == MM_OK && !was_empty && it->child == NULL) {
				cJSON_DetachItemViaPointer(patch, it);
				cJSON_Delete(it);
			}
		}
	}
	path->len = mark;
	if (path->data != NULL)
		path->data[mark] = '\0';
	return rc;
}

enum mm_result
mm_config_patch_check(const struct mm_json *current, struct mm_json *patch,
		      struct mm_error *err)
{
	struct mm_buf path = MM_BUF_INIT;
	enum mm_result rc;

	if (!cJSON_IsObject(CJ(patch)))
		return mm_error_set(err, MM_ERR_USAGE,
				    "a config patch must be an object of "
				    "sections, not a %s",
				    cj_type_name(CJ(patch)));
	rc = check_walk(CJ(current), J(patch), &path, current, err);
	mm_buf_release(&path);
	return rc;
}

/* ---- merge and diff ---- */

static void
merge_into(cJSON *dst, const cJSON *src)
{
	for (const cJSON *it = src->child; it != NULL; it = it->next) {
		cJSON *d = cJSON_GetObjectItemCaseSensitive(dst, it->string);

		if (d != NULL && cJSON_IsObject(d) && cJSON_IsObject(it)) {
			merge_into(d, it);
			continue;
		}
		if (d != NULL)
			cJSON_DeleteItemFromObjectCaseSensitive(dst,
								it->string);
		cJSON_AddItemToObject(dst, it->string,
				      cJSON_Duplicate(it, true));
	}
}

struct mm_json *
mm_config_merge(const struct mm_json *cfg, const struct mm_json *patch)
{
	cJSON *copy = cJSON_Duplicate(CJ(cfg), true);

	if (copy != NULL && cJSON_IsObject(copy) && cJSON_IsObject(CJ(patch)))
		merge_into(copy, CJ(patch));
	return (struct mm_json *)copy;
}

static char *
value_text(const cJSON *v)
{
	struct mm_buf b = MM_BUF_INIT;

	if (v == NULL)
		return NULL;
	if (!mm_json_scalar_text((const struct mm_json *)v, &b)) {
		mm_buf_release(&b);
		return NULL;
	}
	return mm_buf_take(&b);
}

static bool
add_change(struct mm_config_changes *out, const char *key, const cJSON *b,
	   const cJSON *a)
{
	struct mm_config_change *v, *ch;
	bool secret = mm_config_key_is_secret(key) ||
		      (b != NULL && cJSON_IsString(b) &&
		       strcmp(b->valuestring, MM_CONFIG_PLACEHOLDER) == 0);

	v = realloc(out->v, (out->n + 1) * sizeof(*v));
	if (v == NULL)
		return false;
	out->v = v;
	ch = &v[out->n];
	memset(ch, 0, sizeof(*ch));
	ch->key = mm_strdup(key);
	if (secret) {
		ch->before = mm_strdup("(secret)");
		ch->after = mm_strdup("(secret, updated)");
	} else {
		ch->before = b ? value_text(b) : mm_strdup("(absent)");
		ch->after = a ? value_text(a) : mm_strdup("(absent)");
	}
	out->n++;
	return ch->key != NULL && ch->before != NULL && ch->after != NULL;
}

/*
 * Whether a secret setting can have changed. The server shows a set secret
 * as the placeholder, so before and after cannot be compared for it; but
 * the value sent (p) tells a lot: the placeholder means "keep", a value
 * equal to what the server showed is either the real value (empty, or an
 * unsanitized local GET) or placeholders the server restores, and an
 * answer that equals the unmasked before value means the server kept it.
 */
static bool
secret_changed(const cJSON *b, const cJSON *a, const cJSON *p)
{
	if (cJSON_IsString(p) &&
	    strcmp(p->valuestring, MM_CONFIG_PLACEHOLDER) == 0)
		return false;
	if (b != NULL && cJSON_Compare(b, p, true))
		return false;
	if (b != NULL && a != NULL &&
	    !mm_config_has_placeholder((const struct mm_json *)b) &&
	    !mm_config_has_placeholder((const struct mm_json *)a) &&
	    cJSON_Compare(b, a, true))
		return false;
	return true;
}

static bool
diff_walk(const cJSON *before, const cJSON *after, const cJSON *patch,
	  struct mm_buf *path, struct mm_config_changes *out)
{
	size_t mark = path->len;
	bool ok = true;

	for (const cJSON *it = patch->child; it != NULL && ok; it = it->next) {
		const cJSON *b = before ? cJSON_GetObjectItemCaseSensitive(
						  before, it->string)
					: NULL;
		const cJSON *a = after ? cJSON_GetObjectItemCaseSensitive(
						 after, it->string)
				       : NULL;

		path->len = mark;
		if (path->data != NULL)
			path->data[mark] = '\0';
		if ((mark > 0 && !mm_buf_putc(path, '.')) ||
		    !mm_buf_puts(path, it->string)) {
			ok = false;
			break;
		}
		if (cJSON_IsObject(it) && it->child != NULL &&
		    (b == NULL || cJSON_IsObject(b))) {
			ok = diff_walk(b, a, it, path, out);
			continue;
		}
		if (mm_config_key_is_secret(mm_buf_str(path))
			    ? secret_changed(b, a, it)
			    : !cJSON_Compare(b, a, true) ||
				      (b == NULL) != (a == NULL))
			ok = add_change(out, mm_buf_str(path), b, a);
	}
	path->len = mark;
	if (path->data != NULL)
		path->data[mark] = '\0';
	return ok;
}

bool
mm_config_diff(const struct mm_json *before, const struct mm_json *after,
	       const struct mm_json *patch, struct mm_config_changes *out)
{
	struct mm_buf path = MM_BUF_INIT;
	bool ok;

	out->v = NULL;
	out->n = 0;
	if (!cJSON_IsObject(CJ(patch)))
		return true;
	ok = diff_walk(CJ(before), CJ(after), CJ(patch), &path, out);
	mm_buf_release(&path);
	return ok;
}

void
mm_config_changes_release(struct mm_config_changes *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].key);
		free(c->v[i].before);
		free(c->v[i].after);
	}
	free(c->v);
	c->v = NULL;
	c->n = 0;
}
