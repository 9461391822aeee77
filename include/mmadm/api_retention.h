/*
 * Data retention policies (enterprise). Every route answers 501
 * ent.data_retention.generic.license.error without the license; the
 * functions then say so in err's message (kind MM_ERR_UNAVAILABLE).
 */
#ifndef MMADM_API_RETENTION_H
#define MMADM_API_RETENTION_H

#include "api.h"
#include "buf.h"
#include "error.h"
#include "json.h"

#include <stdbool.h>
#include <stddef.h>

/* GET /data_retention/policy: the global policy. */
enum mm_result mm_api_retention_global(struct mm_client *c,
				       struct mm_json **out,
				       struct mm_error *err);

/* Fill req for GET /data_retention/policies ({"policies":[...]}). */
void mm_api_retention_list_req(struct mm_page_req *req);

/* GET /data_retention/policies_count; *count from "total_count". */
enum mm_result mm_api_retention_count(struct mm_client *c, long long *count,
				      struct mm_json **out,
				      struct mm_error *err);

enum mm_result mm_api_retention_get(struct mm_client *c, const char *policy_id,
				    struct mm_json **out, struct mm_error *err);

/* A policy to create, or the fields of a patch (unset = unchanged). */
struct mm_retention_policy {
	const char *display_name;
	bool has_days;
	long days; /* post_duration: days, -1 = keep forever */
	bool set_teams;
	const char *const *team_ids;
	size_t nteams;
	bool set_channels;
	const char *const *channel_ids;
	size_t nchannels;
};
/* POST /data_retention/policies (name and days required). */
enum mm_result mm_api_retention_create(struct mm_client *c,
				       const struct mm_retention_policy *p,
				       struct mm_json **out,
				       struct mm_error *err);
/* PATCH: team/channel lists, when given, replace the policy's. */
enum mm_result mm_api_retention_patch(struct mm_client *c,
				      const char *policy_id,
				      const struct mm_retention_policy *p,
				      struct mm_json **out,
				      struct mm_error *err);
enum mm_result mm_api_retention_delete(struct mm_client *c,
				       const char *policy_id,
				       struct mm_json **out,
				       struct mm_error *err);

/* The request body of create/patch (exposed for tests). */
enum mm_result mm_retention_policy_body(const struct mm_retention_policy *p,
					bool create, struct mm_json **out,
					struct mm_error *err);

enum mm_retention_scope {
	MM_RETENTION_TEAMS,
	MM_RETENTION_CHANNELS,
};

/* Fill req (path kept in *path) for the teams or channels of a policy
 * (a bare array per page). */
enum mm_result mm_api_retention_members_req(enum mm_retention_scope scope,
					    const char *policy_id,
					    struct mm_page_req *req,
					    struct mm_buf *path,
					    struct mm_error *err);
/* POST (add) or DELETE (remove) a JSON array of ids. */
enum mm_result mm_api_retention_members_add(struct mm_client *c,
					    enum mm_retention_scope scope,
					    const char *policy_id,
					    const char *const *ids, size_t n,
					    struct mm_json **out,
					    struct mm_error *err);
enum mm_result mm_api_retention_members_remove(struct mm_client *c,
					       enum mm_retention_scope scope,
					       const char *policy_id,
					       const char *const *ids, size_t n,
					       struct mm_json **out,
					       struct mm_error *err);

struct mm_retention_search {
	const char *term;
	/* channels only */
	const char *const *team_ids;
	size_t nteams;
	bool public_only;
	bool private_only;
	bool deleted;
};
/* POST .../teams/search or .../channels/search: an array. */
enum mm_result mm_api_retention_members_search(
	struct mm_client *c, enum mm_retention_scope scope,
	const char *policy_id, const struct mm_retention_search *s,
	struct mm_json **out, struct mm_error *err);

/* Fill req (path in *path) for GET /users/{user_id}/data_retention/
 * team_policies or channel_policies ({"policies":[...]}); user_id may
 * be "me". */
enum mm_result mm_api_retention_user_req(enum mm_retention_scope scope,
					 const char *user_id,
					 struct mm_page_req *req,
					 struct mm_buf *path,
					 struct mm_error *err);

/* Add the license explanation to a 501 from these routes. */
enum mm_result mm_api_retention_hint(enum mm_result rc, struct mm_error *err);

#endif
