/* Remote clusters (secure connections). */
#include "mmadm/api.h"
#include "mmadm/api_remotecluster.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define J(x) ((cJSON *)(x))
#define CJ(x) ((const cJSON *)(x))

/* The server's RemoteOfflineAfterMillis. */
#define RC_OFFLINE_AFTER_MS (5L * 60 * 1000)

enum mm_result
mm_api_remotecluster_hint(enum mm_result rc, struct mm_error *err)
{
	if (rc == MM_OK)
		return rc;
	if (strcmp(err->server_id,
		   "api.remote_cluster.service_not_enabled.app_error") == 0)
		mm_error_prefix(err, "secure connections are not available on "
				     "this server (the license lacks the "
				     "feature)");
	else if (strcmp(err->server_id, "api.get_site_url_error") == 0)
		mm_error_prefix(err, "the server has no Site URL: set "
				     "ServiceSettings.SiteURL first");
	return rc;
}

static void
wipe_strings(cJSON *node)
{
	for (; node != NULL; node = node->next) {
		if (cJSON_IsString(node) && node->valuestring != NULL)
			mm_wipe(node->valuestring, strlen(node->valuestring));
		if (node->child != NULL)
			wipe_strings(node->child);
	}
}

void
mm_api_json_free_wiped(struct mm_json *doc)
{
	if (doc == NULL)
		return;
	if (J(doc)->child != NULL)
		wipe_strings(J(doc)->child);
	else if (cJSON_IsString(J(doc)) && J(doc)->valuestring != NULL)
		mm_wipe(J(doc)->valuestring, strlen(J(doc)->valuestring));
	mm_json_free(doc);
}

void
mm_remotecluster_blank_tokens(struct mm_json *rc)
{
	static const char *const keys[] = {"token", "remote_token", NULL};

	if (rc == NULL || !cJSON_IsObject(J(rc)))
		return;
	for (size_t i = 0; keys[i] != NULL; i++) {
		cJSON *t = cJSON_GetObjectItemCaseSensitive(J(rc), keys[i]);

		if (t == NULL)
			continue;
		if (cJSON_IsString(t) && t->valuestring != NULL)
			mm_wipe(t->valuestring, strlen(t->valuestring));
		else
			mm_json_set_string(rc, keys[i], "");
	}
}

/*
 * A request whose answer (or body) may carry secrets: the raw response
 * body is wiped before it is freed.
 */
static enum mm_result
secret_request(struct mm_client *c, const char *method, const char *path,
	       const struct mm_json *body, unsigned flags, struct mm_json **out,
	       struct mm_error *err)
{
	struct mm_http_resp resp;
	enum mm_result rc;

	mm_http_resp_init(&resp);
	rc = mm_api_request(c, method, path, body, flags, out, &resp, err);
	mm_buf_wipe(&resp.body);
	mm_http_resp_release(&resp);
	return rc;
}

/* Wipe the string member key of a request body (a password). */
static void
wipe_member(struct mm_json *body, const char *key)
{
	const char *s = mm_json_string(mm_json_get(body, key));

	if (s != NULL)
		mm_wipe((char *)s, strlen(s));
}

/* ---- list ---- */

static bool
valid_plugin_id(const char *id)
{
	if (id == NULL || id[0] == '\0')
		return false;
	for (const char *p = id; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.' &&
		    *p != '-')
			return false;
	return true;
}

static bool
add_query(struct mm_buf *path, const char *name, const char *value)
{
	return mm_buf_putc(path, strchr(mm_buf_str(path), '?') ? '&' : '?') &&
	       mm_buf_puts(path, name) && mm_buf_putc(path, '=') &&
	       mm_http_escape(value, path);
}

enum mm_result
mm_api_remotecluster_list_req(const struct mm_rc_filter *f,
			      struct mm_page_req *req, struct mm_buf *path,
			      struct mm_error *err)
{
	const struct {
		const char *name;
		bool on;
	} bools[] = {
		{"exclude_offline", f->exclude_offline},
		{"only_confirmed", f->only_confirmed},
		{"only_plugins", f->only_plugins},
		{"exclude_plugins", f->exclude_plugins},
		{"include_deleted", f->include_deleted},
	};
	bool ok;

	mm_buf_reset(path);
	if (f->in_channel != NULL && !mm_api_valid_id(f->in_channel))
		return mm_api_bad_id(err, "channel id", f->in_channel);
	if (f->not_in_channel != NULL && !mm_api_valid_id(f->not_in_channel))
		return mm_api_bad_id(err, "channel id", f->not_in_channel);
	if (f->creator_id != NULL && !mm_api_valid_id(f->creator_id))
		return mm_api_bad_id(err, "user id", f->creator_id);
	if (f->plugin_id != NULL && !valid_plugin_id(f->plugin_id))
		return mm_error_set(err, MM_ERR_USAGE,
				    "invalid plugin id '%s': letters, digits "
				    "and _ . - only",
				    f->plugin_id);
	if (f->only_plugins && f->exclude_plugins)
		return mm_error_set(err, MM_ERR_USAGE,
				    "--only-plugins and --exclude-plugins "
				    "exclude each other");
	if (f->in_channel != NULL && f->not_in_channel != NULL &&
	    strcmp(f->in_channel, f->not_in_channel) == 0)
		return mm_error_set(err, MM_ERR_USAGE,
				    "--in-channel and --not-in-channel name "
				    "the same channel");
	ok = mm_buf_puts(path, "/api/v4/remotecluster");
	for (size_t i = 0; ok && i < sizeof(bools) / sizeof(bools[0]); i++)
		if (bools[i].on)
			ok = add_query(path, bools[i].name, "true");
	if (ok && f->in_channel != NULL)
		ok = add_query(path, "in_channel", f->in_channel);
	if (ok && f->not_in_channel != NULL)
		ok = add_query(path, "not_in_channel", f->not_in_channel);
	if (ok && f->topic != NULL)
		ok = add_query(path, "topic", f->topic);
	if (ok && f->creator_id != NULL)
		ok = add_query(path, "creator_id", f->creator_id);
	if (ok && f->plugin_id != NULL)
		ok = add_query(path, "plugin_id", f->plugin_id);
	if (!ok)
		return mm_error_oom(err);
	req->path = mm_buf_str(path);
	req->items_key = NULL;
	return MM_OK;
}

bool
mm_remotecluster_to_row(struct mm_json *rc, int64_t now_ms)
{
	cJSON *row = (cJSON *)rc;
	const char *site, *status;
	double ping, del;
	char when[32];

	if (!cJSON_IsObject(row))
		return true;
	cJSON_DeleteItemFromObjectCaseSensitive(row, "token");
	cJSON_DeleteItemFromObjectCaseSensitive(row, "remote_token");
	site = mm_json_string(mm_json_get(rc, "site_url"));
	ping = mm_json_number(mm_json_get(rc, "last_ping_at"));
	del = mm_json_number(mm_json_get(rc, "delete_at"));
	if (del > 0)
		status = "deleted";
	else if (site == NULL || site[0] == '\0' ||
		 strncmp(site, "pending_", 8) == 0)
		status = "pending";
	else if (ping > (double)(now_ms - RC_OFFLINE_AFTER_MS))
		status = "online";
	else
		status = "offline";
	if (ping > 0) {
		time_t t = (time_t)(ping / 1000);
		struct tm tm;

		if (gmtime_r(&t, &tm) == NULL ||
		    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm) == 0)
			strcpy(when, "?");
	} else {
		strcpy(when, "never");
	}
	return mm_json_set_string(rc, "status", status) &&
	       mm_json_set_string(rc, "last_ping", when);
}

/* ---- admin routes ---- */

static enum mm_result
rc_path(struct mm_buf *path, const char *remote_id, const char *suffix,
	struct mm_error *err)
{
	if (!mm_api_valid_id(remote_id))
		return mm_api_bad_id(err, "remote cluster id", remote_id);
	if (!mm_buf_printf(path, "/api/v4/remotecluster/%s%s", remote_id,
			   suffix))
		return mm_error_oom(err);
	return MM_OK;
}

enum mm_result
mm_api_remotecluster_create(struct mm_client *c,
			    const struct mm_rc_create_req *r,
			    struct mm_json **out, struct mm_error *err)
{
	struct mm_json *body = NULL;
	enum mm_result rc;

	*out = NULL;
	if (r->name == NULL || r->name[0] == '\0')
		return mm_error_set(err, MM_ERR_USAGE, "a name is required");
	if (!mm_api_valid_id(r->default_team_id))
		return mm_api_bad_id(err, "team id", r->default_team_id);
	body = mm_json_new_object();
	if (body == NULL || !mm_json_set_string(body, "name", r->name) ||
	    (r->display_name != NULL &&
	     !mm_json_set_string(body, "display_name", r->display_name)) ||
	    !mm_json_set_string(body, "default_team_id", r->default_team_id) ||
	    (r->password != NULL &&
	     !mm_json_set_string(body, "password", r->password))) {
		rc = mm_error_oom(err);
		goto out;
	}
	rc = mm_api_remotecluster_hint(secret_request(c, "POST",
						      "/api/v4/remotecluster",
						      body, 0, out, err),
				       err);
	if (rc == MM_OK && *out != NULL) {
		if (mm_json_type(*out) != MM_JSON_OBJECT ||
		    mm_json_type(mm_json_get(*out, "remote_cluster")) !=
			    MM_JSON_OBJECT) {
			rc = mm_error_set(err, MM_ERR_RESPONSE,
					  "the server's answer has no "
					  "remote_cluster object");
			mm_api_json_free_wiped(*out);
			*out = NULL;
			goto out;
		}
		mm_remotecluster_blank_tokens(
			(struct mm_json *)mm_json_get(*out, "remote_cluster"));
	}
out:
	wipe_member(body, "password");
	mm_json_free(body);
	return rc;
}

enum mm_result
mm_api_remotecluster_get(struct mm_client *c, const char *remote_id,
			 struct mm_json **out, struct mm_error *err)
{
	struct mm_buf path = MM_BUF_INIT;
	enum mm_result rc;

	*out = NULL;
	rc = rc_path(&path, remote_id, "", err);
	if (rc == MM_OK)
		rc = mm_api_remotecluster_hint(
			secret_request(c, "GET", mm_buf_str(&path), NULL, 0,
				       out, err),
			err);
	if (rc == MM_OK)
		mm_remotecluster_blank_tokens(*out);
	mm_buf_release(&path);
	return rc;
}

enum mm_result
mm_api_remotecluster_patch(struct mm_client *c, const char *remote_id,
			   const struct mm_rc_patch_req *r,
			   struct mm_json **out, struct mm_error *err)
{
	struct mm_buf path = MM_BUF_INIT;
	struct mm_json *body = NULL;
	enum mm_result rc;

	*out = NULL;
	rc = rc_path(&path, remote_id, "", err);
	if (rc != MM_OK)
		goto out;
	if (r->display_name == NULL && r->default_team_id == NULL) {
		rc = mm_error_set(err, MM_ERR_USAGE,
				  "nothing to change: give --display-name "
				  "and/or --default-team");
		goto out;
	}
	if (r->default_team_id != NULL &&
	    !mm_api_valid_id(r->default_team_id)) {
		rc = mm_api_bad_id(err, "team id", r->default_team_id);
		goto out;
	}
	body = mm_json_new_object();
	if (body == NULL ||
	    (r->display_name != NULL &&
	     !mm_json_set_string(body, "display_name", r->display_name)) ||
	    (r->default_team_id != NULL &&
	     !mm_json_set_string(body, "default_team_id",
				 r->default_team_id))) {
		rc = mm_error_oom(err);
		goto out;
	}
	rc = mm_api_remotecluster_hint(secret_request(c, "PATCH",
						      mm_buf_str(&path), body,
						      0, out, err),
				       err);
	if (rc == MM_OK)
		mm_remotecluster_blank_tokens(*out);
out:
	mm_json_free(body);
	mm_buf_release(&path);
	return rc;
}

enum mm_result
mm_api_remotecluster_delete(struct mm_client *c, const char *remote_id,
			    struct mm_json **out, struct mm_error *err)
{
	struct mm_buf path = MM_BUF_INIT;
	enum mm_result rc;

	*out = NULL;
	rc = rc_path(&path, remote_id, "", err);
	if (rc == MM_OK)
		rc = mm_api_remotecluster_hint(
			mm_api_request(c, "DELETE", mm_buf_str(&path), NULL,
				       MM_API_EMPTY_OK, out, NULL, err),
			err);
	mm_buf_release(&path);
	return rc;
}

enum mm_result
mm_api_remotecluster_accept(struct mm_client *c,
			    const struct mm_rc_accept_req *r,
			    struct mm_json **out, struct mm_error *err)
{
	struct mm_json *body = NULL;
	enum mm_result rc;

	*out = NULL;
	if (r->invite == NULL || r->invite[0] == '\0')
		return mm_error_set(err, MM_ERR_USAGE, "the invite is empty");
	if (r->name == NULL || r->name[0] == '\0')
		return mm_error_set(err, MM_ERR_USAGE, "a name is required");
	if (!mm_api_valid_id(r->default_team_id))
		return mm_api_bad_id(err, "team id", r->default_team_id);
	body = mm_json_new_object();
	if (body == NULL || !mm_json_set_string(body, "invite", r->invite) ||
	    !mm_json_set_string(body, "name", r->name) ||
	    (r->display_name != NULL &&
	     !mm_json_set_string(body, "display_name", r->display_name)) ||
	    !mm_json_set_string(body, "default_team_id", r->default_team_id) ||
	    !mm_json_set_string(body, "password",
				r->password ? r->password : "")) {
		rc = mm_error_oom(err);
		goto out;
	}
	rc = mm_api_remotecluster_hint(
		secret_request(c, "POST", "/api/v4/remotecluster/accept_invite",
			       body, 0, out, err),
		err);
	if (rc == MM_OK)
		mm_remotecluster_blank_tokens(*out);
out:
	wipe_member(body, "password");
	mm_json_free(body);
	return rc;
}

enum mm_result
mm_api_remotecluster_invite(struct mm_client *c, const char *remote_id,
			    const char *password, char **invite,
			    struct mm_error *err)
{
	struct mm_json *body = NULL, *doc = NULL;
	struct mm_buf path = MM_BUF_INIT;
	enum mm_result rc;
	const char *code;

	*invite = NULL;
	rc = rc_path(&path, remote_id, "/generate_invite", err);
	if (rc != MM_OK)
		goto out;
	body = mm_json_new_object();
	if (body == NULL || !mm_json_set_string(body, "password", password)) {
		rc = mm_error_oom(err);
		goto out;
	}
	rc = mm_api_remotecluster_hint(mm_api_request(c, "POST",
						      mm_buf_str(&path), body,
						      0, &doc, NULL, err),
				       err);
	if (rc != MM_OK || c->dry_run)
		goto out;
	code = mm_json_string(doc);
	if (code == NULL || code[0] == '\0') {
		rc = mm_error_set(err, MM_ERR_RESPONSE,
				  "the server's answer is not an invite code "
				  "(expected one JSON string, got %s)",
				  mm_json_type_name(mm_json_type(doc)));
		goto out;
	}
	*invite = mm_strdup(code);
	if (*invite == NULL)
		rc = mm_error_oom(err);
out:
	wipe_member(body, "password");
	mm_json_free(body);
	mm_json_free(doc);
	mm_buf_release(&path);
	return rc;
}

/* ---- server to server ---- */

bool
mm_api_new_id(char *buf, size_t size)
{
	static const char alphabet[] = "ybndrfg8ejkmcpqxot1uwisza345h769";
	unsigned char raw[16];
	unsigned acc = 0;
	int bits = 0;
	size_t n = 0;

	if (size < 27 || getentropy(raw, sizeof(raw)) != 0)
		return false;
	for (size_t i = 0; i < sizeof(raw); i++) {
		acc = (acc << 8) | raw[i];
		bits += 8;
		while (bits >= 5) {
			buf[n++] = alphabet[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0)
		buf[n++] = alphabet[(acc << (5 - bits)) & 31];
	buf[n] = '\0';
	mm_wipe(raw, sizeof(raw));
	return n == 26;
}

struct mm_json *
mm_remotecluster_frame(const char *remote_id, const char *topic,
		       const struct mm_json *payload, int64_t now_ms,
		       const char *msg_id)
{
	cJSON *frame = cJSON_CreateObject(), *msg = cJSON_CreateObject();
	cJSON *pl = cJSON_Duplicate(CJ(payload), true);
	char id[27];

	if (msg_id == NULL) {
		if (!mm_api_new_id(id, sizeof(id)))
			goto fail;
		msg_id = id;
	}
	if (frame == NULL || msg == NULL || pl == NULL ||
	    cJSON_AddStringToObject(frame, "remote_id", remote_id) == NULL ||
	    cJSON_AddStringToObject(msg, "id", msg_id) == NULL ||
	    cJSON_AddStringToObject(msg, "topic", topic) == NULL ||
	    cJSON_AddNumberToObject(msg, "create_at", (double)now_ms) == NULL ||
	    !cJSON_AddItemToObject(msg, "payload", pl))
		goto fail;
	pl = NULL;
	if (!cJSON_AddItemToObject(frame, "msg", msg))
		goto fail;
	return (struct mm_json *)frame;
fail:
	cJSON_Delete(pl);
	cJSON_Delete(msg);
	cJSON_Delete(frame);
	return NULL;
}

static int64_t
wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The two X-RemoteCluster-* headers; hdr[2] = NULL. Wipe with
 * peer_release. */
struct peer_headers {
	struct mm_buf id, token;
	const char *v[3];
};

static enum mm_result
peer_headers(const struct mm_rc_peer *p, struct peer_headers *h,
	     struct mm_error *err)
{
	memset(h, 0, sizeof(*h));
	if (!mm_api_valid_id(p->remote_id))
		return mm_api_bad_id(err, "remote cluster id", p->remote_id);
	if (p->token == NULL || p->token[0] == '\0')
		return mm_error_set(err, MM_ERR_USAGE,
				    "the remote cluster token is empty");
	for (const char *t = p->token; *t; t++)
		if ((unsigned char)*t < 0x20 || *t == 0x7f)
			return mm_error_set(err, MM_ERR_USAGE,
					    "the remote cluster token has "
					    "control characters");
	if (!mm_buf_printf(&h->id, "X-RemoteCluster-Id: %s", p->remote_id) ||
	    !mm_buf_printf(&h->token, "X-RemoteCluster-Token: %s", p->token))
		return mm_error_oom(err);
	h->v[0] = mm_buf_str(&h->id);
	h->v[1] = mm_buf_str(&h->token);
	h->v[2] = NULL;
	return MM_OK;
}

static void
peer_release(struct peer_headers *h)
{
	mm_buf_release(&h->id);
	mm_buf_wipe(&h->token);
}

static enum mm_result
peer_send(struct mm_client *c, const struct mm_rc_peer *p, const char *path,
	  struct mm_api_body *body, unsigned flags, struct mm_json **out,
	  struct mm_error *err)
{
	struct peer_headers h;
	enum mm_result rc;

	rc = peer_headers(p, &h, err);
	if (rc == MM_OK) {
		body->headers = h.v;
		body->no_auth = true;
		rc = mm_api_send(c, "POST", path, body, flags, out, NULL, err);
		body->headers = NULL;
		if (rc == MM_ERR_AUTH)
			mm_error_prefix(err, "the server refused the remote "
					     "cluster id and token (wrong "
					     "token, unknown or deleted "
					     "remote, or no license)");
	}
	peer_release(&h);
	return mm_api_remotecluster_hint(rc, err);
}

static enum mm_result
frame_send(struct mm_client *c, const struct mm_rc_peer *p, const char *path,
	   const char *topic, const struct mm_json *payload,
	   struct mm_json **out, struct mm_error *err)
{
	struct mm_api_body body;
	struct mm_json *frame;
	enum mm_result rc;

	*out = NULL;
	if (topic == NULL || topic[0] == '\0')
		return mm_error_set(err, MM_ERR_USAGE, "the topic is empty");
	if (payload == NULL || mm_json_type(payload) == MM_JSON_NULL)
		return mm_error_set(err, MM_ERR_USAGE,
				    "the payload is empty: the server "
				    "rejects frames without one");
	if (!mm_api_valid_id(p->remote_id))
		return mm_api_bad_id(err, "remote cluster id", p->remote_id);
	frame = mm_remotecluster_frame(p->remote_id, topic, payload, wall_ms(),
				       NULL);
	if (frame == NULL)
		return mm_error_set(err, MM_ERR_OTHER,
				    "cannot build the frame (out of memory "
				    "or no random source)");
	memset(&body, 0, sizeof(body));
	body.json = frame;
	rc = peer_send(c, p, path, &body, MM_API_EMPTY_OK, out, err);
	mm_api_json_free_wiped(frame);
	return rc;
}

enum mm_result
mm_api_remotecluster_ping(struct mm_client *c, const struct mm_rc_peer *p,
			  int64_t sent_at, struct mm_json **out,
			  struct mm_error *err)
{
	cJSON *payload = cJSON_CreateObject();
	enum mm_result rc;

	*out = NULL;
	if (payload == NULL ||
	    cJSON_AddNumberToObject(payload, "sent_at", (double)sent_at) ==
		    NULL) {
		cJSON_Delete(payload);
		return mm_error_oom(err);
	}
	rc = frame_send(c, p, "/api/v4/remotecluster/ping", "ping",
			(struct mm_json *)payload, out, err);
	cJSON_Delete(payload);
	return rc;
}

enum mm_result
mm_api_remotecluster_msg(struct mm_client *c, const struct mm_rc_peer *p,
			 const char *topic, const struct mm_json *payload,
			 struct mm_json **out, struct mm_error *err)
{
	return frame_send(c, p, "/api/v4/remotecluster/msg", topic, payload,
			  out, err);
}

enum mm_result
mm_api_remotecluster_confirm(struct mm_client *c, const struct mm_rc_peer *p,
			     const struct mm_json *payload,
			     struct mm_json **out, struct mm_error *err)
{
	return frame_send(c, p, "/api/v4/remotecluster/confirm_invite",
			  "confirm_invite", payload, out, err);
}

enum mm_result
mm_api_remotecluster_upload(struct mm_client *c, const struct mm_rc_peer *p,
			    const char *upload_id,
			    const struct mm_rc_file *file, struct mm_json **out,
			    struct mm_error *err)
{
	struct mm_buf path = MM_BUF_INIT;
	struct mm_api_body body;
	enum mm_result rc;

	*out = NULL;
	if (!mm_api_valid_id(upload_id))
		return mm_api_bad_id(err, "upload id", upload_id);
	if (!mm_buf_printf(&path, "/api/v4/remotecluster/upload/%s", upload_id))
		return mm_error_oom(err);
	memset(&body, 0, sizeof(body));
	body.raw = file->f;
	body.raw_size = file->size;
	body.progress = file->progress;
	body.progress_ud = file->progress_ud;
	rc = peer_send(c, p, mm_buf_str(&path), &body, MM_API_EMPTY_OK, out,
		       err);
	mm_buf_release(&path);
	return rc;
}

enum mm_result
mm_api_remotecluster_image(struct mm_client *c, const struct mm_rc_peer *p,
			   const char *user_id, const struct mm_rc_file *file,
			   struct mm_json **out, struct mm_error *err)
{
	struct mm_buf path = MM_BUF_INIT;
	struct mm_http_part part;
	struct mm_api_body body;
	enum mm_result rc;

	*out = NULL;
	if (!mm_api_valid_id(user_id))
		return mm_api_bad_id(err, "user id", user_id);
	if (!mm_buf_printf(&path, "/api/v4/remotecluster/%s/image", user_id))
		return mm_error_oom(err);
	memset(&part, 0, sizeof(part));
	part.name = "image";
	part.filename = file->filename ? file->filename : "image";
	part.path = file->path;
	part.file = file->f;
	part.size = file->size;
	memset(&body, 0, sizeof(body));
	body.parts = &part;
	body.nparts = 1;
	body.progress = file->progress;
	body.progress_ud = file->progress_ud;
	rc = peer_send(c, p, mm_buf_str(&path), &body, MM_API_EMPTY_OK, out,
		       err);
	mm_buf_release(&path);
	return rc;
}
