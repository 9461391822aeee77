/*
 * Remote clusters (secure connections): the admin routes and the
 * server-to-server routes a peer calls. The invite lives in api.h
 * (mm_api_remotecluster_invite).
 */
#ifndef MMADM_API_REMOTECLUSTER_H
#define MMADM_API_REMOTECLUSTER_H

#include "api.h"
#include "buf.h"
#include "error.h"
#include "json.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* GET /remotecluster filters; NULL/false = not sent. */
struct mm_rc_filter {
	bool exclude_offline;
	bool only_confirmed;
	bool only_plugins;
	bool exclude_plugins;
	bool include_deleted;
	const char *in_channel;     /* channel id */
	const char *not_in_channel; /* channel id */
	const char *topic;          /* fork extra */
	const char *creator_id;     /* fork extra */
	const char *plugin_id;      /* fork extra */
};

/*
 * Fill req->path (stored in *path, which the caller releases) for the
 * list with these filters; paging fields of req are left alone.
 * Malformed channel/creator ids are MM_ERR_USAGE (nothing sent).
 */
enum mm_result mm_api_remotecluster_list_req(const struct mm_rc_filter *f,
					     struct mm_page_req *req,
					     struct mm_buf *path,
					     struct mm_error *err);

/*
 * Turn one RemoteCluster into its table row, in place: "status" (deleted,
 * pending, online or offline, as the server decides: online = pinged in
 * the last 5 minutes) and "last_ping" (UTC "YYYY-MM-DD HH:MM:SS" or
 * "never") added, and the token fields removed. false when out of memory
 * (rc may then have lost its tokens only). Not an object: left alone.
 */
bool mm_remotecluster_to_row(struct mm_json *rc, int64_t now_ms);

/* Blank "token" and "remote_token" of a RemoteCluster object in place
 * (their text is wiped first). */
void mm_remotecluster_blank_tokens(struct mm_json *rc);

/* Explain the errors an admin can fix (501 service not enabled, 422 no
 * SiteURL) in err's message; returns rc. The functions below apply it;
 * paged lists (mm_api_paged) need it from the caller. */
enum mm_result mm_api_remotecluster_hint(enum mm_result rc,
					 struct mm_error *err);

/* Free a document that may hold secrets (a generated password): every
 * string is wiped first. NULL is fine. */
void mm_api_json_free_wiped(struct mm_json *doc);

struct mm_rc_create_req {
	const char *name;
	const char *display_name;    /* NULL = the server uses name */
	const char *default_team_id; /* required */
	const char *password;        /* secret; NULL = server generates */
};
/* POST /remotecluster: {"remote_cluster","invite","password"?}. */
enum mm_result mm_api_remotecluster_create(struct mm_client *c,
					   const struct mm_rc_create_req *r,
					   struct mm_json **out,
					   struct mm_error *err);

enum mm_result mm_api_remotecluster_get(struct mm_client *c,
					const char *remote_id,
					struct mm_json **out,
					struct mm_error *err);

struct mm_rc_patch_req {
	const char *display_name;    /* NULL = unchanged */
	const char *default_team_id; /* NULL = unchanged */
};
/* PATCH /remotecluster/{id}; the fork leaks the token fields in this
 * answer: they are blanked in *out (and wiped from memory). */
enum mm_result mm_api_remotecluster_patch(struct mm_client *c,
					  const char *remote_id,
					  const struct mm_rc_patch_req *r,
					  struct mm_json **out,
					  struct mm_error *err);

/* DELETE: the fork answers 200 + OK, the spec 204 (then *out = NULL). */
enum mm_result mm_api_remotecluster_delete(struct mm_client *c,
					   const char *remote_id,
					   struct mm_json **out,
					   struct mm_error *err);

struct mm_rc_accept_req {
	const char *invite; /* the code */
	const char *name;
	const char *display_name;
	const char *default_team_id;
	const char *password; /* secret */
};
enum mm_result mm_api_remotecluster_accept(struct mm_client *c,
					   const struct mm_rc_accept_req *r,
					   struct mm_json **out,
					   struct mm_error *err);

/* ---- server to server (diagnosis) ----
 * These authenticate with X-RemoteCluster-Id/-Token and never send the
 * Authorization header: the server looks at the remote-cluster headers
 * only when no other token is present. */
struct mm_rc_peer {
	const char *remote_id; /* the caller's id on the server */
	const char *token;     /* secret */
};

/* A new random id (26 lowercase base32 characters) in buf[27]. */
bool mm_api_new_id(char *buf, size_t size);

/* The transport frame {"remote_id","msg":{"id","topic","create_at",
 * "payload"}}; payload is copied. msg_id NULL = a new id. */
struct mm_json *mm_remotecluster_frame(const char *remote_id, const char *topic,
				       const struct mm_json *payload,
				       int64_t now_ms, const char *msg_id);

/* POST /remotecluster/ping with payload {"sent_at": sent_at}; *out is
 * {"sent_at","recv_at"}. */
enum mm_result mm_api_remotecluster_ping(struct mm_client *c,
					 const struct mm_rc_peer *p,
					 int64_t sent_at, struct mm_json **out,
					 struct mm_error *err);
/* POST /remotecluster/msg or /confirm_invite with a frame around
 * payload (topic: any non-empty string). */
enum mm_result
mm_api_remotecluster_msg(struct mm_client *c, const struct mm_rc_peer *p,
			 const char *topic, const struct mm_json *payload,
			 struct mm_json **out, struct mm_error *err);
enum mm_result mm_api_remotecluster_confirm(struct mm_client *c,
					    const struct mm_rc_peer *p,
					    const struct mm_json *payload,
					    struct mm_json **out,
					    struct mm_error *err);

/* A local file to stream as a request body. */
struct mm_rc_file {
	FILE *f;
	uint64_t size;
	const char *filename; /* multipart name the server sees */
	const char *path;     /* the local file (shown by --curl) */
	mm_progress_fn progress;
	void *progress_ud;
};
/* POST /remotecluster/upload/{upload_id}: raw body; 204 (incomplete,
 * *out = NULL) or 200 FileInfo. */
enum mm_result mm_api_remotecluster_upload(struct mm_client *c,
					   const struct mm_rc_peer *p,
					   const char *upload_id,
					   const struct mm_rc_file *file,
					   struct mm_json **out,
					   struct mm_error *err);
/* POST /remotecluster/{user_id}/image: multipart field "image". */
enum mm_result
mm_api_remotecluster_image(struct mm_client *c, const struct mm_rc_peer *p,
			   const char *user_id, const struct mm_rc_file *file,
			   struct mm_json **out, struct mm_error *err);

#endif
