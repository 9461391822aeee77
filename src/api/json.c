/* struct mm_json is a cJSON node; this file is the only bridge. */
#include "mmadm/json.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define J(x) ((cJSON *)(x))
#define CJ(x) ((const cJSON *)(x))

enum mm_result
mm_json_parse(const char *text, size_t len, struct mm_json **out,
	      struct mm_error *err)
{
	const char *end = NULL;
	cJSON *j;

	*out = NULL;
	if (text == NULL || len == 0)
		return mm_error_set(err, MM_ERR_RESPONSE,
				    "empty JSON document");
	j = cJSON_ParseWithLengthOpts(text, len, &end, false);
	if (j == NULL) {
		size_t off =
			end != NULL && end >= text ? (size_t)(end - text) : 0;
		size_t line = 1, col = 1;

		if (off > len)
			off = len;
		for (size_t i = 0; i < off; i++) {
			if (text[i] == '\n') {
				line++;
				col = 1;
			} else {
				col++;
			}
		}
		return mm_error_set(err, MM_ERR_RESPONSE,
				    "invalid JSON at line %zu, column %zu",
				    line, col);
	}
	/* Anything but white space after the value is an error. */
	while (end != NULL && (size_t)(end - text) < len &&
	       (*end == ' ' || *end == '\n' || *end == '\r' || *end == '\t'))
		end++;
	if (end != NULL && (size_t)(end - text) < len && *end != '\0') {
		cJSON_Delete(j);
		return mm_error_set(err, MM_ERR_RESPONSE,
				    "invalid JSON: trailing data at offset %zu",
				    (size_t)(end - text));
	}
	*out = (struct mm_json *)j;
	return MM_OK;
}

void
mm_json_free(struct mm_json *j)
{
	cJSON_Delete(J(j));
}

struct mm_json *
mm_json_dup(const struct mm_json *j)
{
	if (j == NULL)
		return NULL;
	return (struct mm_json *)cJSON_Duplicate(CJ(j), true);
}

enum mm_json_type
mm_json_type(const struct mm_json *j)
{
	const cJSON *c = CJ(j);

	if (c == NULL)
		return MM_JSON_INVALID;
	switch (c->type & 0xff) {
	case cJSON_NULL:
		return MM_JSON_NULL;
	case cJSON_False:
	case cJSON_True:
		return MM_JSON_BOOL;
	case cJSON_Number:
		return MM_JSON_NUMBER;
	case cJSON_String:
	case cJSON_Raw:
		return MM_JSON_STRING;
	case cJSON_Array:
		return MM_JSON_ARRAY;
	case cJSON_Object:
		return MM_JSON_OBJECT;
	default:
		return MM_JSON_INVALID;
	}
}

const char *
mm_json_type_name(enum mm_json_type t)
{
	switch (t) {
	case MM_JSON_NULL:
		return "null";
	case MM_JSON_BOOL:
		return "boolean";
	case MM_JSON_NUMBER:
		return "number";
	case MM_JSON_STRING:
		return "string";
	case MM_JSON_ARRAY:
		return "list";
	case MM_JSON_OBJECT:
		return "object";
	default:
		return "invalid";
	}
}

const struct mm_json *
mm_json_get(const struct mm_json *j, const char *key)
{
	if (j == NULL || !cJSON_IsObject(CJ(j)))
		return NULL;
	return (const struct mm_json *)cJSON_GetObjectItemCaseSensitive(CJ(j),
									key);
}

const struct mm_json *
mm_json_path(const struct mm_json *j, const char *path)
{
	char part[256];
	const char *p = path, *dot;

	while (j != NULL && *p != '\0') {
		size_t n;

		dot = strchr(p, '.');
		n = dot != NULL ? (size_t)(dot - p) : strlen(p);
		if (n == 0 || n >= sizeof(part))
			return NULL;
		memcpy(part, p, n);
		part[n] = '\0';
		if (cJSON_IsArray(CJ(j))) {
			char *end;
			long idx = strtol(part, &end, 10);

			if (*end != '\0' || idx < 0)
				return NULL;
			j = (const struct mm_json *)cJSON_GetArrayItem(
				CJ(j), (int)idx);
		} else {
			j = mm_json_get(j, part);
		}
		if (dot == NULL)
			break;
		p = dot + 1;
		if (*p == '\0')
			return NULL;
	}
	return j;
}

size_t
mm_json_size(const struct mm_json *j)
{
	if (j == NULL || !(cJSON_IsArray(CJ(j)) || cJSON_IsObject(CJ(j))))
		return 0;
	return (size_t)cJSON_GetArraySize(CJ(j));
}

const struct mm_json *
mm_json_at(const struct mm_json *j, size_t i)
{
	if (j == NULL || i > (size_t)INT32_MAX)
		return NULL;
	return (const struct mm_json *)cJSON_GetArrayItem(CJ(j), (int)i);
}

const struct mm_json *
mm_json_first(const struct mm_json *j)
{
	if (j == NULL || !(cJSON_IsArray(CJ(j)) || cJSON_IsObject(CJ(j))))
		return NULL;
	return (const struct mm_json *)CJ(j)->child;
}

const struct mm_json *
mm_json_next(const struct mm_json *item)
{
	return item != NULL ? (const struct mm_json *)CJ(item)->next : NULL;
}

/*
 * cJSON keeps the first member's prev pointing at the last member (parse,
 * add, insert, detach, replace and duplicate all maintain it in 1.7.15);
 * every other member's prev is its predecessor. Trust child->prev only when
 * it looks like the tail, and walk otherwise.
 */
const struct mm_json *
mm_json_last(const struct mm_json *j)
{
	const cJSON *c = CJ(mm_json_first(j));

	if (c == NULL)
		return NULL;
	if (c->prev != NULL && c->prev->next == NULL)
		return (const struct mm_json *)c->prev;
	while (c->next != NULL)
		c = c->next;
	return (const struct mm_json *)c;
}

const struct mm_json *
mm_json_prev(const struct mm_json *item)
{
	const cJSON *p = item != NULL ? CJ(item)->prev : NULL;

	/* The first member's prev is the last one, whose next is NULL. */
	if (p == NULL || p->next != CJ(item))
		return NULL;
	return (const struct mm_json *)p;
}

const char *
mm_json_key(const struct mm_json *j)
{
	return j != NULL ? CJ(j)->string : NULL;
}

const char *
mm_json_string(const struct mm_json *j)
{
	if (j == NULL || !cJSON_IsString(CJ(j)))
		return NULL;
	return CJ(j)->valuestring;
}

double
mm_json_number(const struct mm_json *j)
{
	if (j == NULL || !cJSON_IsNumber(CJ(j)))
		return 0;
	return CJ(j)->valuedouble;
}

bool
mm_json_is_true(const struct mm_json *j)
{
	return j != NULL && cJSON_IsTrue(CJ(j));
}

static bool
number_text(double d, struct mm_buf *out)
{
	char tmp[64];

	if (isnan(d) || isinf(d))
		return mm_buf_puts(out, "null");
	if (d == floor(d) && fabs(d) < 9007199254740992.0)
		snprintf(tmp, sizeof(tmp), "%.0f", d);
	else
		snprintf(tmp, sizeof(tmp), "%.17g", d);
	return mm_buf_puts(out, tmp);
}

bool
mm_json_scalar_text(const struct mm_json *j, struct mm_buf *out)
{
	switch (mm_json_type(j)) {
	case MM_JSON_NULL:
		return mm_buf_puts(out, "null");
	case MM_JSON_BOOL:
		return mm_buf_puts(out, mm_json_is_true(j) ? "true" : "false");
	case MM_JSON_NUMBER:
		return number_text(CJ(j)->valuedouble, out);
	case MM_JSON_STRING:
		return mm_buf_puts(out, CJ(j)->valuestring);
	case MM_JSON_ARRAY:
	case MM_JSON_OBJECT:
		return mm_json_print(j, false, out);
	default:
		return mm_buf_puts(out, "");
	}
}

/*
 * Our own printer: cJSON prints integers above 2^31 in %g notation in some
 * versions and uses tabs for indentation; we want 2-space indent and exact
 * integers (ids, timestamps in ms).
 */
struct printer {
	bool pretty;
	struct mm_buf *out;
	/* mm_json_print_chunked: hand out over once it holds chunk bytes */
	size_t chunk;
	bool (*flush)(void *ud, struct mm_buf *out);
	void *ud;
};

static bool print_value(const cJSON *c, int depth, struct printer *pr);

/* Bytes that print_string copies as they are. */
static bool
plain_byte(unsigned char c)
{
	return c >= 0x20 && c != '"' && c != '\\' && c != 0x7f;
}

static bool
print_string(const char *s, struct mm_buf *out)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;

	if (!mm_buf_putc(out, '"'))
		return false;
	for (;;) {
		const unsigned char *run = p;
		char e[7] = {'\\', 'u', '0', '0', 0, 0, 0};
		const char *esc = e;

		while (plain_byte(*p))
			p++;
		if (p > run && !mm_buf_append(out, run, (size_t)(p - run)))
			return false;
		switch (*p) {
		case '\0':
			return mm_buf_putc(out, '"');
		case '"':
			esc = "\\\"";
			break;
		case '\\':
			esc = "\\\\";
			break;
		case '\n':
			esc = "\\n";
			break;
		case '\r':
			esc = "\\r";
			break;
		case '\t':
			esc = "\\t";
			break;
		default: /* other controls and DEL */
			e[4] = hex[*p >> 4];
			e[5] = hex[*p & 15];
			break;
		}
		if (!mm_buf_puts(out, esc))
			return false;
		p++;
	}
}

static bool
indent(struct mm_buf *out, int depth)
{
	static const char spaces[] = "                                ";
	size_t n = 2 * (size_t)(depth > 0 ? depth : 0);

	while (n > 0) {
		size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;

		if (!mm_buf_append(out, spaces, k))
			return false;
		n -= k;
	}
	return true;
}

static bool
print_container(const cJSON *c, int depth, struct printer *pr)
{
	struct mm_buf *out = pr->out;
	bool obj = cJSON_IsObject(c);
	const cJSON *it;

	if (!mm_buf_putc(out, obj ? '{' : '['))
		return false;
	if (c->child == NULL)
		return mm_buf_putc(out, obj ? '}' : ']');
	for (it = c->child; it != NULL; it = it->next) {
		if (pr->pretty &&
		    (!mm_buf_putc(out, '\n') || !indent(out, depth + 1)))
			return false;
		if (obj) {
			if (!print_string(it->string ? it->string : "", out) ||
			    !mm_buf_puts(out, pr->pretty ? ": " : ":"))
				return false;
		}
		if (!print_value(it, depth + 1, pr))
			return false;
		if (it->next != NULL && !mm_buf_putc(out, ','))
			return false;
		/* Between members: never inside a string or a UTF-8 sequence.
		 */
		if (pr->flush != NULL && out->len >= pr->chunk &&
		    !pr->flush(pr->ud, out))
			return false;
	}
	if (pr->pretty && (!mm_buf_putc(out, '\n') || !indent(out, depth)))
		return false;
	return mm_buf_putc(out, obj ? '}' : ']');
}

static bool
print_value(const cJSON *c, int depth, struct printer *pr)
{
	struct mm_buf *out = pr->out;

	switch (c->type & 0xff) {
	case cJSON_NULL:
		return mm_buf_puts(out, "null");
	case cJSON_False:
		return mm_buf_puts(out, "false");
	case cJSON_True:
		return mm_buf_puts(out, "true");
	case cJSON_Number:
		return number_text(c->valuedouble, out);
	case cJSON_String:
		return print_string(c->valuestring ? c->valuestring : "", out);
	case cJSON_Raw:
		return mm_buf_puts(out, c->valuestring ? c->valuestring : "");
	case cJSON_Array:
	case cJSON_Object:
		return print_container(c, depth, pr);
	default:
		return mm_buf_puts(out, "null");
	}
}

bool
mm_json_print(const struct mm_json *j, bool pretty, struct mm_buf *out)
{
	return mm_json_print_chunked(j, pretty, out, 0, NULL, NULL);
}

bool
mm_json_print_chunked(const struct mm_json *j, bool pretty, struct mm_buf *out,
		      size_t chunk, bool (*flush)(void *ud, struct mm_buf *out),
		      void *ud)
{
	struct printer pr = {pretty, out, chunk, flush, ud};

	if (j == NULL)
		return mm_buf_puts(out, "null");
	return print_value(CJ(j), 0, &pr);
}

bool
mm_json_equal(const struct mm_json *a, const struct mm_json *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return cJSON_Compare(CJ(a), CJ(b), true);
}

struct mm_json *
mm_json_new_object(void)
{
	return (struct mm_json *)cJSON_CreateObject();
}

struct mm_json *
mm_json_new_array(void)
{
	return (struct mm_json *)cJSON_CreateArray();
}

struct mm_json *
mm_json_new_string(const char *s)
{
	return (struct mm_json *)cJSON_CreateString(s);
}

bool
mm_json_set(struct mm_json *obj, const char *key, struct mm_json *val)
{
	if (obj == NULL || val == NULL || !cJSON_IsObject(CJ(obj))) {
		cJSON_Delete(J(val));
		return false;
	}
	if (cJSON_GetObjectItemCaseSensitive(CJ(obj), key) != NULL)
		return cJSON_ReplaceItemInObjectCaseSensitive(J(obj), key,
							      J(val));
	return cJSON_AddItemToObject(J(obj), key, J(val));
}

bool
mm_json_set_string(struct mm_json *obj, const char *key, const char *s)
{
	return mm_json_set(obj, key, mm_json_new_string(s));
}

bool
mm_json_append(struct mm_json *arr, struct mm_json *val)
{
	if (arr == NULL || val == NULL || !cJSON_IsArray(CJ(arr))) {
		cJSON_Delete(J(val));
		return false;
	}
	return cJSON_AddItemToArray(J(arr), J(val));
}
