/*
 * Typed requests of the system area (§3.1 of API-NOTES): health and
 * version, notices, onboarding, tests, server busy, upgrade and restart,
 * integrity, support packet, audits, caches, the image proxy, push
 * acknowledgements and the e2e/manual test helpers. Never prints, never
 * exits; JSON answers are handed back unmodified.
 */
#ifndef MMADM_API_SYSTEM_H
#define MMADM_API_SYSTEM_H

#include "api.h"
#include "error.h"
#include "json.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- ping and waiting for health ---- */
struct mm_system_ping_req {
	bool full;             /* get_server_status=true */
	const char *device_id; /* push-proxy check for this device, or NULL */
};

/* GET /system/ping?use_rest_semantics=true[...]: an unhealthy answer is
 * MM_OK with res->healthy false (also when the server answers 500 with
 * the ping body). res->doc is the caller's. */
enum mm_result mm_api_system_ping_with(struct mm_client *c,
				       const struct mm_system_ping_req *req,
				       struct mm_ping_result *res,
				       struct mm_error *err);

struct mm_system_wait {
	long timeout_ms;  /* give up after this long */
	long interval_ms; /* pause between polls */
	/* Clock and sleep (NULL = the monotonic clock and nanosleep): tests
	 * replace them. */
	long long (*now_ms)(void *ud);
	void (*sleep_ms)(void *ud, long ms);
	void *clock_ud;
	volatile int *cancel; /* non-zero stops the wait (MM_ERR_CANCELLED) */
	/* After each poll that was not healthy (why: what went wrong, or
	 * NULL when the server answered unhealthy); may be NULL. */
	void (*on_poll)(void *ud, unsigned attempt, const struct mm_error *why);
	void *poll_ud;
	/* filled in */
	unsigned attempts;
};

/*
 * Ping until the server answers healthy or w->timeout_ms has passed.
 * Connection failures, 5xx and malformed answers (a server starting up)
 * count as "not yet". MM_OK with res->healthy true when healthy; otherwise
 * MM_ERR_SERVER naming the last reason (res->doc holds the last ping
 * answer if there was one). Other errors end the wait at once.
 */
enum mm_result mm_api_system_ping_wait(struct mm_client *c,
				       const struct mm_system_ping_req *req,
				       struct mm_system_wait *w,
				       struct mm_ping_result *res,
				       struct mm_error *err);

/* ---- version ---- */
struct mm_system_version {
	char version_id[128]; /* X-Version-Id as sent */
	char version[64];     /* "11.1.0" */
	char build[64];       /* build number ("dev" on dev builds) */
	char config_hash[64]; /* client config hash */
	int licensed;         /* 1 true, 0 false, -1 unknown */
};
/* Split an X-Version-Id ("11.1.0.4521.<hash>.true"; the build number may
 * itself contain dots). false when it has too few parts. */
bool mm_api_system_version_parse(const char *version_id,
				 struct mm_system_version *v);
/* GET /system/ping (anonymous) for the X-Version-Id header. */
enum mm_result mm_api_system_version(struct mm_client *c,
				     struct mm_system_version *v,
				     struct mm_error *err);
/* GET /system/schema/version: array of {version, name}. */
enum mm_result mm_api_system_schema_version(struct mm_client *c,
					    struct mm_json **out,
					    struct mm_error *err);
/* The highest applied migration of that array; false if none. *name is
 * borrowed from doc (may be NULL). */
bool mm_api_system_schema_latest(const struct mm_json *doc, long *version,
				 const char **name);
/* The document `system version` prints: server_version, build_number,
 * config_hash, licensed, version_id and, when schema_version >= 0,
 * schema_version and schema_name. NULL when out of memory. */
struct mm_json *mm_api_system_version_doc(const struct mm_system_version *v,
					  long schema_version,
					  const char *schema_name);

/* ---- simple reads ---- */
enum mm_result mm_api_system_timezones(struct mm_client *c,
				       struct mm_json **out,
				       struct mm_error *err);

struct mm_system_notices_req {
	const char *team_id;
	const char *client; /* web, mobile-ios, mobile-android, desktop */
	const char *client_version; /* clientVersion */
	const char *locale;         /* NULL = none */
};
enum mm_result mm_api_system_notices(struct mm_client *c,
				     const struct mm_system_notices_req *req,
				     struct mm_json **out,
				     struct mm_error *err);
/* PUT /system/notices/view with the ids as a JSON array. */
enum mm_result mm_api_system_notices_view(struct mm_client *c,
					  const char *const *ids, size_t n,
					  struct mm_json **out,
					  struct mm_error *err);

enum mm_result mm_api_system_onboarding(struct mm_client *c,
					struct mm_json **out,
					struct mm_error *err);
/* POST /system/onboarding/complete {organization, install_plugins}. */
enum mm_result
mm_api_system_onboarding_complete(struct mm_client *c, const char *organization,
				  const char *const *plugins, size_t nplugins,
				  struct mm_json **out, struct mm_error *err);

/* ---- tests ---- */
/* POST /email/test; config NULL = no body (the server tests its own). */
enum mm_result mm_api_system_email_test(struct mm_client *c,
					const struct mm_json *config,
					struct mm_json **out,
					struct mm_error *err);
enum mm_result mm_api_system_notification_test(struct mm_client *c,
					       struct mm_json **out,
					       struct mm_error *err);
enum mm_result mm_api_system_site_url_test(struct mm_client *c,
					   const char *site_url,
					   struct mm_json **out,
					   struct mm_error *err);

/* ---- analytics, releases, redirects ---- */
/* GET /analytics/old; name and team_id may be NULL. */
enum mm_result mm_api_system_analytics(struct mm_client *c, const char *name,
				       const char *team_id,
				       struct mm_json **out,
				       struct mm_error *err);
enum mm_result mm_api_system_latest_version(struct mm_client *c,
					    struct mm_json **out,
					    struct mm_error *err);
enum mm_result mm_api_system_redirect_location(struct mm_client *c,
					       const char *url,
					       struct mm_json **out,
					       struct mm_error *err);

/* ---- server busy ---- */
enum mm_result mm_api_system_busy_get(struct mm_client *c, struct mm_json **out,
				      struct mm_error *err);
/* seconds <= 0 = the server's default (3600). */
enum mm_result mm_api_system_busy_set(struct mm_client *c, long seconds,
				      struct mm_json **out,
				      struct mm_error *err);
enum mm_result mm_api_system_busy_clear(struct mm_client *c,
					struct mm_json **out,
					struct mm_error *err);

/* ---- upgrade and restart ---- */
/* POST /upgrade_to_enterprise (202). "Already Enterprise" and "already
 * running" (429 on the wire) are MM_ERR_REJECTED. */
enum mm_result mm_api_system_upgrade(struct mm_client *c, struct mm_json **out,
				     struct mm_error *err);
enum mm_result mm_api_system_upgrade_status(struct mm_client *c,
					    struct mm_json **out,
					    struct mm_error *err);
enum mm_result mm_api_system_upgrade_allowed(struct mm_client *c,
					     struct mm_json **out,
					     struct mm_error *err);
/*
 * POST /restart. The server answers OK and restarts a second later, so a
 * connection that drops without an answer means it went down as asked:
 * MM_OK with *dropped set. To tell that from a server that was never
 * reachable, the caller pings first.
 */
enum mm_result mm_api_system_restart(struct mm_client *c, struct mm_json **out,
				     bool *dropped, struct mm_error *err);

/* ---- integrity (local only) ---- */
enum mm_result mm_api_system_integrity(struct mm_client *c,
				       struct mm_json **out,
				       struct mm_error *err);
struct mm_integrity_summary {
	size_t checks;  /* relations checked */
	size_t failed;  /* checks whose err is not null */
	size_t orphans; /* records found over all checks */
};
/* Count an integrity answer; false when it is not an array of checks. */
bool mm_api_system_integrity_summary(const struct mm_json *doc,
				     struct mm_integrity_summary *s);

/* ---- audits, caches ---- */
/* Fill the page request's path for GET /audits. */
void mm_api_system_audits_req(struct mm_page_req *r);
enum mm_result mm_api_system_caches_invalidate(struct mm_client *c,
					       struct mm_json **out,
					       struct mm_error *err);

/* ---- e2e AI bridge test helper (seed only; absent in the fork) ---- */
/* A 404 from the catch-all (server without the route) becomes
 * MM_ERR_UNAVAILABLE, like the 501 of a server with testing off. */
enum mm_result mm_api_system_ai_bridge_get(struct mm_client *c,
					   struct mm_json **out,
					   struct mm_error *err);
enum mm_result mm_api_system_ai_bridge_set(struct mm_client *c,
					   const struct mm_json *config,
					   struct mm_json **out,
					   struct mm_error *err);
enum mm_result mm_api_system_ai_bridge_delete(struct mm_client *c,
					      struct mm_json **out,
					      struct mm_error *err);

/* ---- push notification acknowledgement ---- */
struct mm_push_ack {
	const char *id;        /* the ack id of the notification */
	const char *platform;  /* android, ios ... */
	const char *type;      /* message, clear, update_badge ... */
	const char *post_id;   /* NULL = none */
	long long received_at; /* ms since the epoch, 0 = none */
	bool is_id_loaded;
};
enum mm_result mm_api_system_push_ack(struct mm_client *c,
				      const struct mm_push_ack *ack,
				      struct mm_json **out,
				      struct mm_error *err);

/* ---- manual test helper (site root, not /api/v4) ---- */
struct mm_manual_test_req {
	const char *test; /* required */
	const char *uid;
	const char *username;
	const char *teamname;
};
struct mm_manual_test_result {
	long status;        /* 307 when the test set itself up */
	char location[512]; /* the redirect target */
};
/* GET /manualtest: 3xx = success (location filled), 200 with JSON or no
 * body = ran without a redirect, 200 HTML = the web app answered (testing
 * is off: MM_ERR_UNAVAILABLE). The test creates users and teams, so in
 * a dry run the request is only described (res->status stays 0). */
enum mm_result mm_api_system_manual_test(struct mm_client *c,
					 const struct mm_manual_test_req *req,
					 struct mm_manual_test_result *res,
					 struct mm_error *err);

/* ---- streamed downloads to a file named by the server ---- */
struct mm_save {
	const char *dest;     /* file to write; NULL = a name from the server */
	const char *dir;      /* where a server-named file goes (NULL = ".") */
	const char *fallback; /* name when the server sends none */
	FILE *stream;         /* instead of a file (dest and dir ignored) */
	bool overwrite;       /* replace an existing file */
	mm_progress_fn progress;
	void *progress_ud;
	/* filled in */
	char path[4096]; /* the file written */
	uint64_t bytes;
	char content_type[128];
	long status;        /* HTTP status of the answer */
	char location[512]; /* Location of a redirect answer */
};
/*
 * GET path and stream the body to a temporary file in the target
 * directory, then give it its final name (s->dest, else the
 * Content-Disposition file name, else s->fallback) without replacing an
 * existing file unless s->overwrite. Nothing is left behind on failure.
 */
enum mm_result mm_api_save(struct mm_client *c, const char *path,
			   struct mm_save *s, struct mm_error *err);

struct mm_support_packet_req {
	bool no_logs;               /* basic_server_logs=false */
	const char *const *plugins; /* plugin_packets, repeatable */
	size_t nplugins;
};
/* GET /system/support_packet, saved with mm_api_save. A server without
 * a license (403 api.no_license) is MM_ERR_UNAVAILABLE. */
enum mm_result
mm_api_system_support_packet(struct mm_client *c,
			     const struct mm_support_packet_req *req,
			     struct mm_save *s, struct mm_error *err);
/* GET /image?url=URL (the image proxy), saved with mm_api_save. */
enum mm_result mm_api_system_image(struct mm_client *c, const char *url,
				   struct mm_save *s, struct mm_error *err);

/* ---- small helpers ---- */
/* "2024-05-01T12:00:00Z" from milliseconds since the epoch (UTC). */
bool mm_api_time_text(long long ms, char *buf, size_t size);
/* A safe file name from the last path segment of a URL ("cat.png" from
 * "https://h/a/cat.png?x=1"); false when there is none. */
bool mm_api_url_basename(const char *url, char *buf, size_t size);
/* Add a number / a boolean member to a JSON object. */
bool mm_api_json_set_number(struct mm_json *obj, const char *key, double v);
bool mm_api_json_set_bool(struct mm_json *obj, const char *key, bool v);

#endif
