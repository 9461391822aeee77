/*
 * A JSON document as cmd/ and out/ see it. The type is opaque so that the
 * command layer never includes cJSON.h; src/api and the JSON/YAML printers
 * are the only code that knows what is behind it.
 */
#ifndef MMADM_JSON_H
#define MMADM_JSON_H

#include "buf.h"
#include "error.h"

#include <stdbool.h>
#include <stddef.h>

struct mm_json;

enum mm_json_type {
	MM_JSON_INVALID,
	MM_JSON_NULL,
	MM_JSON_BOOL,
	MM_JSON_NUMBER,
	MM_JSON_STRING,
	MM_JSON_ARRAY,
	MM_JSON_OBJECT,
};

/* Parse; on failure MM_ERR_RESPONSE (or kind given) with position. */
enum mm_result mm_json_parse(const char *text, size_t len, struct mm_json **out,
			     struct mm_error *err);
void mm_json_free(struct mm_json *j);
struct mm_json *mm_json_dup(const struct mm_json *j);

enum mm_json_type mm_json_type(const struct mm_json *j);
const char *mm_json_type_name(enum mm_json_type t);
/* Object member by exact key (NULL if absent or j not an object). */
const struct mm_json *mm_json_get(const struct mm_json *j, const char *key);
/* Dotted path "Section.Key.Sub"; array indexes as numbers ("a.0.b"). */
const struct mm_json *mm_json_path(const struct mm_json *j, const char *path);
size_t mm_json_size(const struct mm_json *j); /* array or object members */
const struct mm_json *mm_json_at(const struct mm_json *j, size_t i);
/*
 * Walking a container: O(1) a step, where mm_json_at(j, i) is O(i) (the
 * members are a linked list). mm_json_first/mm_json_last return NULL when j
 * is not an array or object or is empty; mm_json_next/mm_json_prev return
 * NULL past the end. mm_json_size is O(n): keep it out of loop conditions.
 *
 *	for (m = mm_json_first(j); m != NULL; m = mm_json_next(m))
 */
const struct mm_json *mm_json_first(const struct mm_json *j);
const struct mm_json *mm_json_next(const struct mm_json *item);
const struct mm_json *mm_json_last(const struct mm_json *j);
const struct mm_json *mm_json_prev(const struct mm_json *item);
/* Key of an object member (as returned by mm_json_at on an object). */
const char *mm_json_key(const struct mm_json *j);
const char *mm_json_string(const struct mm_json *j); /* NULL if not string */
double mm_json_number(const struct mm_json *j);
bool mm_json_is_true(const struct mm_json *j);
/* Scalar as text: strings raw, numbers without ".0" for integers,
 * true/false, "null"; containers compact JSON. Appends to out. */
bool mm_json_scalar_text(const struct mm_json *j, struct mm_buf *out);
/* Serialize: pretty (2-space indent) or compact. Appends to out. */
bool mm_json_print(const struct mm_json *j, bool pretty, struct mm_buf *out);
/*
 * The same text in pieces, for big documents: whenever out holds at least
 * chunk bytes after a whole array or object member, flush(ud, out) is
 * called, and is expected to consume out (mm_buf_reset); false from flush
 * stops printing. A piece never ends inside a string, so each one is valid
 * UTF-8 when the strings are. What is left at the end stays in out.
 */
bool mm_json_print_chunked(const struct mm_json *j, bool pretty,
			   struct mm_buf *out, size_t chunk,
			   bool (*flush)(void *ud, struct mm_buf *out),
			   void *ud);
bool mm_json_equal(const struct mm_json *a, const struct mm_json *b);

/* Building (used by src/api request builders). */
struct mm_json *mm_json_new_object(void);
struct mm_json *mm_json_new_array(void);
struct mm_json *mm_json_new_string(const char *s);
bool mm_json_set(struct mm_json *obj, const char *key, struct mm_json *val);
bool mm_json_set_string(struct mm_json *obj, const char *key, const char *s);
bool mm_json_append(struct mm_json *arr, struct mm_json *val);

#endif
