/*
 * mm_yaml_emit: a JSON tree as one block-style YAML document, through
 * libyaml's emitter. Strings that a YAML reader would take for another
 * type ("true", "123", "null", "", "yes", ...) are double-quoted; invalid
 * UTF-8 (which libyaml refuses) becomes U+FFFD.
 */
#include "mmadm/out.h"
#include "mmadm/yaml.h"

#include <stdint.h>
#include <string.h>
#include <yaml.h>

struct emit {
	yaml_emitter_t emitter;
	struct mm_buf *out;
	struct mm_buf tmp; /* scratch for scalar text */
	bool out_failed;
};

static int
emit_write(void *data, unsigned char *buffer, size_t size)
{
	struct emit *e = data;

	if (!mm_buf_append(e->out, buffer, size)) {
		e->out_failed = true;
		return 0;
	}
	return 1;
}

/* Length of the valid UTF-8 sequence at s (no overlongs, surrogates or
 * values above U+10FFFF), 0 if the byte at s does not start one. */
static size_t
utf8_len(const unsigned char *s)
{
	uint32_t cp;

	return mm_utf8_decode(s, SIZE_MAX, &cp);
}

/* Copy s into b with every invalid byte replaced by U+FFFD. */
static bool
utf8_clean(const char *s, struct mm_buf *b)
{
	const unsigned char *p = (const unsigned char *)s;

	mm_buf_reset(b);
	if (!mm_buf_puts(b, ""))
		return false;
	while (*p != '\0') {
		size_t n = utf8_len(p);

		if (n == 0) {
			if (!mm_buf_puts(b, "\xef\xbf\xbd"))
				return false;
			p++;
			continue;
		}
		if (!mm_buf_append(b, p, n))
			return false;
		p += n;
	}
	return true;
}

static bool
word_in(const char *s, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

/*
 * Would this plain scalar read back as something other than a string?
 * Covers the YAML 1.2 core schema and, to be safe with YAML 1.1 readers
 * (PyYAML, go-yaml v2), their booleans, sexagesimals, dates, 0b/0o/0x
 * and 1_000 style numbers: anything that starts like a number and
 * consists only of number-ish characters is quoted.
 */
static bool
looks_typed(const char *s)
{
	static const char *const words[] = {
		"~",     "null",  "Null",  "NULL",  "true",  "True",  "TRUE",
		"false", "False", "FALSE", "yes",   "Yes",   "YES",   "no",
		"No",    "NO",    "on",    "On",    "ON",    "off",   "Off",
		"OFF",   "y",     "Y",     "n",     "N",     ".inf",  ".Inf",
		".INF",  "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
		".nan",  ".NaN",  ".NAN",  "<<",    "=",     NULL,
	};
	const char *p = s;

	if (*s == '\0' || word_in(s, words))
		return true;
	if (*p == '-' || *p == '+')
		p++;
	if (*p == '.')
		p++;
	if (*p < '0' || *p > '9')
		return false;
	for (p = s; *p != '\0'; p++) {
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= 'A' && *p <= 'Z') || strchr("_:.+- ", *p)))
			return false;
	}
	return true;
}

static bool
emit_event(struct emit *e, yaml_event_t *ev, int init_ok)
{
	if (!init_ok)
		return false;
	return yaml_emitter_emit(&e->emitter, ev) != 0;
}

static bool
emit_scalar(struct emit *e, const char *text, bool is_string)
{
	yaml_event_t ev;
	yaml_scalar_style_t style = YAML_PLAIN_SCALAR_STYLE;
	int plain_implicit = 1;
	int quoted_implicit = 0;

	if (is_string) {
		if (!utf8_clean(text, &e->tmp))
			return false;
		text = mm_buf_str(&e->tmp);
		quoted_implicit = 1;
		if (looks_typed(text)) {
			plain_implicit = 0;
			style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
		} else if (strchr(text, '\n') != NULL) {
			/* libyaml falls back to quoting when it must. */
			style = YAML_LITERAL_SCALAR_STYLE;
		} else {
			style = YAML_ANY_SCALAR_STYLE;
		}
	}
	return emit_event(e, &ev,
			  yaml_scalar_event_initialize(
				  &ev, NULL, NULL, (yaml_char_t *)text,
				  (int)strlen(text), plain_implicit,
				  quoted_implicit, style));
}

static bool
emit_node(struct emit *e, const struct mm_json *j)
{
	yaml_event_t ev;
	enum mm_json_type t = mm_json_type(j);

	switch (t) {
	case MM_JSON_OBJECT:
		if (!emit_event(e, &ev,
				yaml_mapping_start_event_initialize(
					&ev, NULL, NULL, 1,
					YAML_BLOCK_MAPPING_STYLE)))
			return false;
		for (const struct mm_json *m = mm_json_first(j); m != NULL;
		     m = mm_json_next(m)) {
			const char *key = mm_json_key(m);

			if (!emit_scalar(e, key != NULL ? key : "", true) ||
			    !emit_node(e, m))
				return false;
		}
		return emit_event(e, &ev,
				  yaml_mapping_end_event_initialize(&ev));
	case MM_JSON_ARRAY:
		if (!emit_event(e, &ev,
				yaml_sequence_start_event_initialize(
					&ev, NULL, NULL, 1,
					YAML_BLOCK_SEQUENCE_STYLE)))
			return false;
		for (const struct mm_json *m = mm_json_first(j); m != NULL;
		     m = mm_json_next(m))
			if (!emit_node(e, m))
				return false;
		return emit_event(e, &ev,
				  yaml_sequence_end_event_initialize(&ev));
	case MM_JSON_STRING:
		return emit_scalar(e, mm_json_string(j), true);
	case MM_JSON_NUMBER:
	case MM_JSON_BOOL: {
		struct mm_buf num = MM_BUF_INIT;
		bool ok = mm_json_scalar_text(j, &num) &&
			  emit_scalar(e, mm_buf_str(&num), false);

		mm_buf_release(&num);
		return ok;
	}
	default:
		return emit_scalar(e, "null", false);
	}
}

/* Does any string or key of j hold an invisible character (a bidi
 * override, a zero-width space...)? */
static bool
any_invisible(const struct mm_json *j)
{
	enum mm_json_type t = mm_json_type(j);

	if (t == MM_JSON_STRING)
		return mm_out_has_invisible(mm_json_string(j));
	if (t != MM_JSON_OBJECT && t != MM_JSON_ARRAY)
		return false;
	for (const struct mm_json *m = mm_json_first(j); m != NULL;
	     m = mm_json_next(m))
		if ((t == MM_JSON_OBJECT &&
		     mm_out_has_invisible(mm_json_key(m))) ||
		    any_invisible(m))
			return true;
	return false;
}

bool
mm_yaml_emit(const struct mm_json *doc, struct mm_buf *out)
{
	struct emit e;
	yaml_event_t ev;
	size_t start = out->len;
	bool ok = false;

	memset(&e, 0, sizeof(e));
	e.out = out;
	mm_buf_init(&e.tmp);
	if (!yaml_emitter_initialize(&e.emitter))
		return false;
	yaml_emitter_set_output(&e.emitter, emit_write, &e);
	/* libyaml writes printable non-ASCII as it is, and to YAML a bidi
	 * override is printable. A document that holds one is written with
	 * every non-ASCII character escaped (the same values). */
	yaml_emitter_set_unicode(&e.emitter, !any_invisible(doc));
	yaml_emitter_set_indent(&e.emitter, 2);
	yaml_emitter_set_width(&e.emitter, -1);
	yaml_emitter_set_break(&e.emitter, YAML_LN_BREAK);

	if (!emit_event(&e, &ev,
			yaml_stream_start_event_initialize(
				&ev, YAML_UTF8_ENCODING)) ||
	    !emit_event(&e, &ev,
			yaml_document_start_event_initialize(&ev, NULL, NULL,
							     NULL, 1)) ||
	    !emit_node(&e, doc) ||
	    !emit_event(&e, &ev, yaml_document_end_event_initialize(&ev, 1)) ||
	    !emit_event(&e, &ev, yaml_stream_end_event_initialize(&ev)) ||
	    !yaml_emitter_flush(&e.emitter))
		goto out;
	/* A plain scalar at the root makes libyaml close the stream with
	 * "..."; the end of the text ends the document just as well. */
	if (out->len - start >= 4 &&
	    strcmp(out->data + out->len - 4, "...\n") == 0 &&
	    (out->len - start == 4 || out->data[out->len - 5] == '\n')) {
		out->len -= 4;
		out->data[out->len] = '\0';
	}
	ok = true;
out:
	yaml_emitter_delete(&e.emitter);
	mm_buf_release(&e.tmp);
	if (!ok && out->data != NULL) {
		out->len = start;
		out->data[start] = '\0';
	}
	return ok;
}
