/* YAML <-> mm_json, through libyaml. */
#ifndef MMADM_YAML_H
#define MMADM_YAML_H

#include "buf.h"
#include "error.h"
#include "json.h"

#include <stddef.h>
#include <stdio.h>

/*
 * Parse one YAML document (JSON is accepted, being YAML) into a JSON
 * tree. Plain scalars are typed (true/false/yes/no? no: only the YAML 1.2
 * core schema: true/false, null/~/empty, integers, floats); quoted
 * scalars are strings. Anchors/aliases and multiple documents are
 * refused. Errors: `kind` with "line L, column C: problem" (1-based).
 * name (e.g. the file path) prefixes the message when non-NULL.
 */
enum mm_result mm_yaml_parse(const char *text, size_t len, const char *name,
			     enum mm_result kind, struct mm_json **out,
			     struct mm_error *err);

/* Emit a JSON tree as one YAML document (block style, strings quoted
 * when they would otherwise read back as another type). Appends. */
bool mm_yaml_emit(const struct mm_json *doc, struct mm_buf *out);

#endif
