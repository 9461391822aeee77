/*
 * YAML -> mm_json through libyaml's event API.
 *
 * The tree is built without recursion: an explicit stack of open
 * containers, capped at MAX_DEPTH. Plain scalars are typed by the YAML 1.2
 * core schema; every other style is a string. Anchors, aliases, custom
 * tags and second documents are refused. Mapping keys are checked for
 * duplicates with a small hash set per open mapping, so a large mapping
 * stays linear.
 *
 * The input may carry secrets (the profiles file holds tokens), so the
 * scalar values and libyaml's input buffers are zeroed before release.
 */
#include "mmadm/yaml.h"

#include <cjson/cJSON.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define MAX_DEPTH 512
#define TAG_PREFIX "tag:yaml.org,2002:"

struct frame {
	cJSON *node;
	bool map;
	char *key;        /* pending key of a mapping, waiting for its value */
	const char **set; /* keys present (point into the cJSON members) */
	size_t set_cap;
	size_t set_n;
};

struct parse {
	yaml_parser_t parser;
	const char *text;
	size_t len;
	const char *name;
	enum mm_result kind;
	struct mm_error *err;
	cJSON *root;
	struct frame *stack;
	size_t depth;
	size_t cap;
	int docs;
};

enum scalar_type {
	SC_STRING,
	SC_NULL,
	SC_TRUE,
	SC_FALSE,
	SC_NUMBER,
};

static enum mm_result perr_at(struct parse *p, size_t line, size_t col,
			      const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static enum mm_result
perr_at(struct parse *p, size_t line, size_t col, const char *fmt, ...)
{
	char what[400];
	va_list ap;

	va_start(ap, fmt);
	if (vsnprintf(what, sizeof(what), fmt, ap) < 0)
		what[0] = '\0';
	va_end(ap);
	if (p->name != NULL)
		return mm_error_set(p->err, p->kind,
				    "%s: line %zu, column %zu: %s", p->name,
				    line, col, what);
	return mm_error_set(p->err, p->kind, "line %zu, column %zu: %s", line,
			    col, what);
}

#define perr(p, mark, ...)                                                     \
	perr_at((p), (size_t)(mark).line + 1, (size_t)(mark).column + 1,       \
		__VA_ARGS__)

static enum mm_result
oom(struct parse *p)
{
	return mm_error_oom(p->err);
}

/* Position of a byte offset, for reader errors that carry no mark. */
static enum mm_result
reader_error(struct parse *p)
{
	size_t off = p->parser.problem_offset, line = 1, col = 1;

	if (off > p->len)
		off = p->len;
	for (size_t i = 0; i < off; i++) {
		unsigned char c = (unsigned char)p->text[i];

		if (c == '\n') {
			line++;
			col = 1;
		} else if ((c & 0xc0) != 0x80) {
			col++;
		}
	}
	return perr_at(p, line, col, "%s",
		       p->parser.problem != NULL ? p->parser.problem
						 : "cannot read the input");
}

static enum mm_result
parser_error(struct parse *p)
{
	const yaml_parser_t *yp = &p->parser;
	const char *problem =
		yp->problem != NULL ? yp->problem : "syntax error";

	switch (yp->error) {
	case YAML_MEMORY_ERROR:
		return oom(p);
	case YAML_READER_ERROR:
		return reader_error(p);
	default:
		break;
	}
	if (yp->context != NULL)
		return perr(p, yp->problem_mark, "%s (%s)", problem,
			    yp->context);
	return perr(p, yp->problem_mark, "%s", problem);
}

/* ---- scalar typing (YAML 1.2 core schema) ---- */

static bool
all_digits(const char *s, const char *digits)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (strchr(digits, *s) == NULL)
			return false;
	return true;
}

static double
radix_value(const char *s, unsigned base)
{
	double v = 0;

	for (; *s != '\0'; s++) {
		unsigned d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (*s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a') + 10;
		else
			d = (unsigned)(*s - 'A') + 10;
		v = v * base + d;
	}
	return v;
}

/* [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )? */
static bool
is_float(const char *s)
{
	size_t digits = 0;

	if (*s == '-' || *s == '+')
		s++;
	if (*s == '.') {
		s++;
		for (; *s >= '0' && *s <= '9'; s++)
			digits++;
		if (digits == 0)
			return false;
	} else {
		for (; *s >= '0' && *s <= '9'; s++)
			digits++;
		if (digits == 0)
			return false;
		if (*s == '.')
			for (s++; *s >= '0' && *s <= '9'; s++)
				;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '-' || *s == '+')
			s++;
		digits = 0;
		for (; *s >= '0' && *s <= '9'; s++)
			digits++;
		if (digits == 0)
			return false;
	}
	return *s == '\0';
}

/* strtod in the C locale's notation whatever LC_NUMERIC says. */
static bool
c_strtod(const char *s, double *out)
{
	const char *dp = localeconv()->decimal_point;
	struct mm_buf b = MM_BUF_INIT;
	const char *src = s;
	char *end;
	bool ok;

	if (dp != NULL && strcmp(dp, ".") != 0 && strchr(s, '.') != NULL) {
		for (const char *q = s; *q != '\0'; q++) {
			if (*q == '.' ? !mm_buf_puts(&b, dp)
				      : !mm_buf_putc(&b, *q)) {
				mm_buf_release(&b);
				return false;
			}
		}
		src = mm_buf_str(&b);
	}
	*out = strtod(src, &end);
	ok = *end == '\0';
	mm_buf_release(&b);
	return ok;
}

static bool
any_of(const char *s, const char *a, const char *b, const char *c)
{
	return strcmp(s, a) == 0 || strcmp(s, b) == 0 || strcmp(s, c) == 0;
}

static bool
is_null(const char *s)
{
	return *s == '\0' || strcmp(s, "~") == 0 ||
	       any_of(s, "null", "Null", "NULL");
}

/* Integer forms; *v gets the value. */
static bool
is_int(const char *s, double *v)
{
	const char *d = s + (*s == '-' || *s == '+');

	if (all_digits(d, "0123456789"))
		return c_strtod(s, v);
	if (strncmp(s, "0o", 2) == 0 && all_digits(s + 2, "01234567")) {
		*v = radix_value(s + 2, 8);
		return true;
	}
	if (strncmp(s, "0x", 2) == 0 &&
	    all_digits(s + 2, "0123456789abcdefABCDEF")) {
		*v = radix_value(s + 2, 16);
		return true;
	}
	return false;
}

/* Float forms (integers excluded); *v gets the value. */
static bool
is_float_value(const char *s, double *v)
{
	const char *u = s + (*s == '-' || *s == '+');

	if (any_of(u, ".inf", ".Inf", ".INF")) {
		*v = *s == '-' ? -INFINITY : INFINITY;
		return true;
	}
	if (any_of(s, ".nan", ".NaN", ".NAN")) {
		*v = NAN;
		return true;
	}
	return is_float(s) && c_strtod(s, v);
}

static enum scalar_type
classify(const char *s, double *v)
{
	if (is_null(s))
		return SC_NULL;
	if (any_of(s, "true", "True", "TRUE"))
		return SC_TRUE;
	if (any_of(s, "false", "False", "FALSE"))
		return SC_FALSE;
	if (is_int(s, v) || is_float_value(s, v))
		return SC_NUMBER;
	return SC_STRING;
}

static cJSON *
new_scalar(enum scalar_type t, const char *s, double v)
{
	switch (t) {
	case SC_NULL:
		return cJSON_CreateNull();
	case SC_TRUE:
		return cJSON_CreateTrue();
	case SC_FALSE:
		return cJSON_CreateFalse();
	case SC_NUMBER:
		return cJSON_CreateNumber(v);
	default:
		return (cJSON *)mm_json_new_string(s);
	}
}

/*
 * The node for a scalar event: the type from the explicit tag if any,
 * else from the core schema for plain scalars, else a string.
 */
static enum mm_result
scalar_node(struct parse *p, const yaml_event_t *ev, cJSON **out)
{
	const char *s = (const char *)ev->data.scalar.value;
	const char *tag = (const char *)ev->data.scalar.tag;
	enum scalar_type t = SC_STRING;
	double v = 0;

	*out = NULL;
	if (tag == NULL || strcmp(tag, "!") == 0) {
		if (tag == NULL &&
		    ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
			t = classify(s, &v);
	} else if (strcmp(tag, TAG_PREFIX "str") == 0) {
		t = SC_STRING;
	} else if (strcmp(tag, TAG_PREFIX "null") == 0) {
		if (!is_null(s))
			return perr(p, ev->start_mark,
				    "\"%.60s\" is not a valid !!null", s);
		t = SC_NULL;
	} else if (strcmp(tag, TAG_PREFIX "bool") == 0) {
		t = classify(s, &v);
		if (t != SC_TRUE && t != SC_FALSE)
			return perr(p, ev->start_mark,
				    "\"%.60s\" is not a valid !!bool", s);
	} else if (strcmp(tag, TAG_PREFIX "int") == 0) {
		if (!is_int(s, &v))
			return perr(p, ev->start_mark,
				    "\"%.60s\" is not a valid !!int", s);
		t = SC_NUMBER;
	} else if (strcmp(tag, TAG_PREFIX "float") == 0) {
		if (!is_int(s, &v) && !is_float_value(s, &v))
			return perr(p, ev->start_mark,
				    "\"%.60s\" is not a valid !!float", s);
		t = SC_NUMBER;
	} else {
		return perr(p, ev->start_mark,
			    "unsupported tag %.100s on a scalar", tag);
	}
	*out = new_scalar(t, s, v);
	return *out != NULL ? MM_OK : oom(p);
}

/* ---- the key set of an open mapping ---- */

static size_t
key_hash(const char *s)
{
	size_t h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static bool
keyset_has(const struct frame *f, const char *key)
{
	size_t i;

	if (f->set_cap == 0)
		return false;
	for (i = key_hash(key) & (f->set_cap - 1); f->set[i] != NULL;
	     i = (i + 1) & (f->set_cap - 1))
		if (strcmp(f->set[i], key) == 0)
			return true;
	return false;
}

static void
keyset_insert(const char **set, size_t cap, const char *key)
{
	size_t i = key_hash(key) & (cap - 1);

	while (set[i] != NULL)
		i = (i + 1) & (cap - 1);
	set[i] = key;
}

static bool
keyset_add(struct frame *f, const char *key)
{
	if ((f->set_n + 1) * 2 > f->set_cap) {
		size_t cap = f->set_cap ? f->set_cap * 2 : 16;
		const char **set = calloc(cap, sizeof(*set));

		if (set == NULL)
			return false;
		for (size_t i = 0; i < f->set_cap; i++)
			if (f->set[i] != NULL)
				keyset_insert(set, cap, f->set[i]);
		free(f->set);
		f->set = set;
		f->set_cap = cap;
	}
	keyset_insert(f->set, f->set_cap, key);
	f->set_n++;
	return true;
}

/* ---- tree building ---- */

/* Attach a finished or just-opened node to its parent (or make it root). */
static enum mm_result
attach(struct parse *p, cJSON *node, const yaml_event_t *ev)
{
	struct frame *f;

	if (node == NULL)
		return oom(p);
	if (p->depth == 0) {
		if (p->root != NULL) {
			cJSON_Delete(node);
			return perr(p, ev->start_mark,
				    "more than one value in the document");
		}
		p->root = node;
		return MM_OK;
	}
	f = &p->stack[p->depth - 1];
	if (!f->map) {
		if (!cJSON_AddItemToArray(f->node, node)) {
			cJSON_Delete(node);
			return oom(p);
		}
		return MM_OK;
	}
	if (f->key == NULL) {
		cJSON_Delete(node);
		return perr(p, ev->start_mark,
			    "a mapping key must be a scalar, not a %s",
			    ev->type == YAML_MAPPING_START_EVENT ? "mapping"
								 : "sequence");
	}
	if (!cJSON_AddItemToObject(f->node, f->key, node)) {
		cJSON_Delete(node);
		return oom(p);
	}
	free(f->key);
	f->key = NULL;
	/* node->string is the member's own copy of the key. */
	return keyset_add(f, node->string) ? MM_OK : oom(p);
}

static enum mm_result
mapping_key(struct parse *p, const yaml_event_t *ev)
{
	struct frame *f = &p->stack[p->depth - 1];
	const char *s = (const char *)ev->data.scalar.value;
	const char *tag = (const char *)ev->data.scalar.tag;

	if (tag != NULL && strcmp(tag, "!") != 0 &&
	    strcmp(tag, TAG_PREFIX "str") != 0)
		return perr(p, ev->start_mark,
			    "unsupported tag %.100s on a mapping key", tag);
	if (keyset_has(f, s))
		return perr(p, ev->start_mark, "duplicate key \"%.100s\"", s);
	f->key = mm_strdup(s);
	return f->key != NULL ? MM_OK : oom(p);
}

static enum mm_result
on_scalar(struct parse *p, const yaml_event_t *ev)
{
	cJSON *node;
	enum mm_result rc;

	if (ev->data.scalar.anchor != NULL)
		return perr(p, ev->start_mark, "anchors (&) are not allowed");
	if (memchr(ev->data.scalar.value, '\0', ev->data.scalar.length) != NULL)
		return perr(p, ev->start_mark,
			    "NUL characters are not allowed in strings");
	if (p->depth > 0 && p->stack[p->depth - 1].map &&
	    p->stack[p->depth - 1].key == NULL)
		return mapping_key(p, ev);
	rc = scalar_node(p, ev, &node);
	if (rc != MM_OK)
		return rc;
	return attach(p, node, ev);
}

static enum mm_result
on_start(struct parse *p, const yaml_event_t *ev)
{
	bool map = ev->type == YAML_MAPPING_START_EVENT;
	const char *anchor =
		(const char *)(map ? ev->data.mapping_start.anchor
				   : ev->data.sequence_start.anchor);
	const char *tag = (const char *)(map ? ev->data.mapping_start.tag
					     : ev->data.sequence_start.tag);
	cJSON *node;
	enum mm_result rc;

	if (anchor != NULL)
		return perr(p, ev->start_mark, "anchors (&) are not allowed");
	if (tag != NULL && strcmp(tag, "!") != 0 &&
	    strcmp(tag, map ? TAG_PREFIX "map" : TAG_PREFIX "seq") != 0)
		return perr(p, ev->start_mark, "unsupported tag %.100s on a %s",
			    tag, map ? "mapping" : "sequence");
	if (p->depth >= MAX_DEPTH)
		return perr(p, ev->start_mark, "nested deeper than %d levels",
			    MAX_DEPTH);
	if (p->depth == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		struct frame *st = realloc(p->stack, cap * sizeof(*st));

		if (st == NULL)
			return oom(p);
		p->stack = st;
		p->cap = cap;
	}
	node = (cJSON *)(map ? mm_json_new_object() : mm_json_new_array());
	if (node == NULL)
		return oom(p);
	/* Attached at once: the root owns everything, cleanup is one call. */
	rc = attach(p, node, ev);
	if (rc != MM_OK)
		return rc;
	p->stack[p->depth++] = (struct frame){.node = node, .map = map};
	return MM_OK;
}

static void
frame_release(struct frame *f)
{
	free(f->key);
	free(f->set);
}

static enum mm_result
on_event(struct parse *p, const yaml_event_t *ev, bool *done)
{
	switch (ev->type) {
	case YAML_STREAM_END_EVENT:
		*done = true;
		return MM_OK;
	case YAML_DOCUMENT_START_EVENT:
		if (p->docs++ > 0)
			return perr(p, ev->start_mark,
				    "more than one document (---) in the "
				    "input");
		return MM_OK;
	case YAML_ALIAS_EVENT:
		return perr(p, ev->start_mark, "aliases (*) are not allowed");
	case YAML_SCALAR_EVENT:
		return on_scalar(p, ev);
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		return on_start(p, ev);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		if (p->depth > 0)
			frame_release(&p->stack[--p->depth]);
		return MM_OK;
	default:
		return MM_OK;
	}
}

static enum mm_result
run(struct parse *p)
{
	yaml_event_t ev;
	enum mm_result rc = MM_OK;
	bool done = false;

	while (!done && rc == MM_OK) {
		if (!yaml_parser_parse(&p->parser, &ev))
			return parser_error(p);
		rc = on_event(p, &ev, &done);
		if (ev.type == YAML_SCALAR_EVENT)
			mm_wipe(ev.data.scalar.value, ev.data.scalar.length);
		yaml_event_delete(&ev);
	}
	return rc;
}

static void
wipe_parser(yaml_parser_t *yp)
{
	if (yp->buffer.start != NULL)
		mm_wipe(yp->buffer.start,
			(size_t)(yp->buffer.end - yp->buffer.start));
	if (yp->raw_buffer.start != NULL)
		mm_wipe(yp->raw_buffer.start,
			(size_t)(yp->raw_buffer.end - yp->raw_buffer.start));
}

enum mm_result
mm_yaml_parse(const char *text, size_t len, const char *name,
	      enum mm_result kind, struct mm_json **out, struct mm_error *err)
{
	struct parse p = {
		.text = text != NULL ? text : "",
		.len = text != NULL ? len : 0,
		.name = name,
		.kind = kind,
		.err = err,
	};
	enum mm_result rc;

	*out = NULL;
	if (!yaml_parser_initialize(&p.parser))
		return oom(&p);
	yaml_parser_set_input_string(&p.parser, (const unsigned char *)p.text,
				     p.len);
	rc = run(&p);
	if (rc == MM_OK && p.root == NULL) {
		p.root = cJSON_CreateNull();
		if (p.root == NULL)
			rc = oom(&p);
	}
	while (p.depth > 0)
		frame_release(&p.stack[--p.depth]);
	free(p.stack);
	wipe_parser(&p.parser);
	yaml_parser_delete(&p.parser);
	if (rc != MM_OK) {
		cJSON_Delete(p.root);
		return rc;
	}
	*out = (struct mm_json *)p.root;
	return MM_OK;
}
