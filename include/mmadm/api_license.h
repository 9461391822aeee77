/*
 * License area (§3.3 of API-NOTES): upload (multipart, streamed), remove,
 * the client license map, the load metric and trial licenses. Never
 * prints, never exits; answers are handed back unmodified.
 */
#ifndef MMADM_API_LICENSE_H
#define MMADM_API_LICENSE_H

#include "api.h"
#include "error.h"
#include "http.h"
#include "json.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct mm_license_upload {
	FILE *file;           /* streamed from its current position */
	uint64_t size;        /* bytes to send */
	const char *filename; /* the name the server sees */
	const char *path;     /* the local file (shown by --curl), or NULL */
	mm_progress_fn progress;
	void *progress_ud;
};

/*
 * POST /license, multipart field "license". The fork answers 200 with the
 * License object, the spec 201 with {"status":"OK"}: both are MM_OK (*out
 * is that document; NULL in a dry run). A 2xx answer that is neither is
 * MM_ERR_RESPONSE.
 */
enum mm_result mm_api_license_upload(struct mm_client *c,
				     const struct mm_license_upload *req,
				     struct mm_json **out,
				     struct mm_error *err);
/* True when an upload answer is the License object (not a status). */
bool mm_license_is_object(const struct mm_json *doc);

/* DELETE /license: {"status":"OK"}. */
enum mm_result mm_api_license_remove(struct mm_client *c, struct mm_json **out,
				     struct mm_error *err);
/* GET /license/client?format=old: flat string map (anonymous allowed;
 * sanitized without read_license_information). */
enum mm_result mm_api_license_client(struct mm_client *c, struct mm_json **out,
				     struct mm_error *err);
/* GET /license/load_metric: {"load": N}, N = MAU / licensed users x 1000. */
enum mm_result mm_api_license_load_metric(struct mm_client *c,
					  struct mm_json **out,
					  struct mm_error *err);

struct mm_trial_req {
	long users; /* > 0 */
	bool terms_accepted;
	bool receive_emails;
	/* Newer servers' contact fields; NULL = not sent. */
	const char *contact_name;
	const char *contact_email;
	const char *company_name;
	const char *company_country;
	const char *company_size;
};
/* POST /trial-license: {"status":"OK"}. users <= 0 or terms not accepted
 * are MM_ERR_USAGE before anything is sent. */
enum mm_result mm_api_license_trial(struct mm_client *c,
				    const struct mm_trial_req *req,
				    struct mm_json **out, struct mm_error *err);
/* GET /trial-license/prev: the previous trial as a client license map
 * ({"IsLicensed":"false"} when there was none). */
enum mm_result mm_api_license_prev_trial(struct mm_client *c,
					 struct mm_json **out,
					 struct mm_error *err);

#endif
