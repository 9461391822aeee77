/*
 * Any API v4 call (`mmadm api METHOD PATH`, like `gh api`): path
 * normalisation, request fields (-f/-F) as a JSON body or query
 * parameters, the call itself and --paginate.
 */
#ifndef MMADM_API_RAW_H
#define MMADM_API_RAW_H

#include "api.h"
#include "buf.h"
#include "error.h"
#include "json.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* GET, POST, PUT, PATCH, DELETE or HEAD in any case -> upper case in buf;
 * anything else is MM_ERR_USAGE. */
enum mm_result mm_api_raw_method(const char *in, char *buf, size_t size,
				 struct mm_error *err);

/* "/users/me", "users/me" or "/api/v4/users/me" (query kept) ->
 * "/api/v4/users/me". A full URL, spaces or control characters, and a
 * "." or ".." segment (plain or percent-encoded: it would leave /api/v4)
 * are MM_ERR_USAGE. */
enum mm_result mm_api_raw_path(const char *in, struct mm_buf *out,
			       struct mm_error *err);

/*
 * One field: "KEY=VALUE". KEY may nest: "a[b][c]" (objects) and "a[]"
 * (append to an array). typed (-F): true, false, null and integers become
 * JSON values, "@FILE" the file's text ("@-" standard input); otherwise
 * (-f) VALUE is always a string.
 */
struct mm_raw_field {
	const char *spec;
	bool typed;
};
/* The fields as one JSON object. */
enum mm_result mm_api_raw_body(const struct mm_raw_field *f, size_t n,
			       struct mm_json **out, struct mm_error *err);
/* The fields appended to path as query parameters (values as text). */
enum mm_result mm_api_raw_query(const struct mm_raw_field *f, size_t n,
				struct mm_buf *path, struct mm_error *err);
/* A "Name: value" header a user may add (not Authorization/Cookie:
 * secrets never travel on the command line). */
enum mm_result mm_api_raw_header(const char *h, struct mm_error *err);

struct mm_raw_req {
	const char *method; /* upper case */
	const char *path;   /* "/api/v4/...", query included */
	const struct mm_json *json;
	FILE *input; /* raw body streamed from here instead */
	uint64_t input_size;
	const char *content_type;   /* of the raw body */
	const char *const *headers; /* NULL-terminated, or NULL */
};
struct mm_raw_result {
	long status;
	struct mm_json *doc; /* a JSON answer, NULL otherwise */
	struct mm_buf body;  /* any other answer, as sent */
	char content_type[128];
};
/* Non-2xx is the usual error (AppError decoded). */
enum mm_result mm_api_raw_call(struct mm_client *c, const struct mm_raw_req *r,
			       struct mm_raw_result *res, struct mm_error *err);
void mm_api_raw_result_release(struct mm_raw_result *res);

/* GET every page of a list at path (its own page/per_page taken as the
 * start and size), items to item_fn. */
enum mm_result mm_api_raw_paginate(struct mm_client *c, const char *path,
				   mm_item_fn item_fn, mm_page_fn page_fn,
				   void *ud, struct mm_error *err);

#endif
