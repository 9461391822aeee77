/* The parsed-argument bag and per-option value checks. */
#include "cli_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static size_t
count_opts(const struct mm_opt *o)
{
	size_t n = 0;

	while (o != NULL && o[n].name != NULL)
		n++;
	return n;
}

struct mm_args *
mm_args_new(const struct mm_opt *a, const struct mm_opt *b,
	    const struct mm_opt *c)
{
	const struct mm_opt *tables[3] = {a, b, c};
	struct mm_args *args = calloc(1, sizeof(*args));
	size_t n = count_opts(a) + count_opts(b) + count_opts(c);

	if (args == NULL)
		return NULL;
	args->vals = calloc(n + 1, sizeof(*args->vals));
	if (args->vals == NULL) {
		free(args);
		return NULL;
	}
	for (size_t t = 0; t < 3; t++)
		for (size_t i = 0; i < count_opts(tables[t]); i++)
			args->vals[args->nvals++].opt = &tables[t][i];
	return args;
}

void
mm_args_free(struct mm_args *args)
{
	if (args == NULL)
		return;
	for (size_t i = 0; i < args->nvals; i++) {
		free(args->vals[i].sval);
		mm_strv_release(&args->vals[i].list);
	}
	free(args->vals);
	mm_strv_release(&args->pos);
	free(args);
}

struct mm_optval *
mm_args_find(struct mm_args *args, const char *name)
{
	for (size_t i = 0; args != NULL && i < args->nvals; i++)
		if (strcmp(args->vals[i].opt->name, name) == 0)
			return &args->vals[i];
	return NULL;
}

struct mm_optval *
mm_args_find_short(struct mm_args *args, char c)
{
	for (size_t i = 0; args != NULL && i < args->nvals; i++)
		if (c != 0 && args->vals[i].opt->short_name == c)
			return &args->vals[i];
	return NULL;
}

static const struct mm_optval *
find_const(const struct mm_args *args, const char *name)
{
	return mm_args_find((struct mm_args *)args, name);
}

bool
mm_args_has(const struct mm_args *a, const char *name)
{
	const struct mm_optval *v = find_const(a, name);

	return v != NULL && v->set;
}

const char *
mm_args_get(const struct mm_args *a, const char *name)
{
	const struct mm_optval *v = find_const(a, name);

	return v != NULL && v->set ? v->sval : NULL;
}

long
mm_args_int(const struct mm_args *a, const char *name, long dflt)
{
	const char *s = mm_args_get(a, name);

	return s != NULL ? strtol(s, NULL, 10) : dflt;
}

bool
mm_args_bool(const struct mm_args *a, const char *name, bool dflt)
{
	const struct mm_optval *v = find_const(a, name);

	return v != NULL && v->set ? v->bval : dflt;
}

const struct mm_strv *
mm_args_list(const struct mm_args *a, const char *name)
{
	const struct mm_optval *v = find_const(a, name);

	return v != NULL ? &v->list : NULL;
}

size_t
mm_args_npos(const struct mm_args *a)
{
	return a != NULL ? a->pos.n : 0;
}

const char *
mm_args_pos(const struct mm_args *a, size_t i)
{
	return a != NULL && i < a->pos.n ? a->pos.v[i] : NULL;
}

static void
choices_text(const char *const *c, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; c[i] != NULL; i++) {
		int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "",
				 c[i]);

		if (n < 0 || (size_t)n >= size - used)
			break;
		used += (size_t)n;
	}
}

enum mm_result
mm_args_store(struct mm_optval *v, const char *value, bool negated,
	      struct mm_error *err)
{
	const struct mm_opt *o = v->opt;
	char *copy;

	switch (o->kind) {
	case MM_OPT_K_BOOL:
		v->set = true;
		v->bval = !negated;
		return MM_OK;
	case MM_OPT_K_INT: {
		char *end;
		long n;

		errno = 0;
		n = strtol(value, &end, 10);
		if (value[0] == '\0' || *end != '\0' || errno != 0)
			return mm_error_set(err, MM_ERR_USAGE,
					    "option --%s takes a whole number, "
					    "not '%s'",
					    o->name, value);
		if ((o->min != 0 || o->max != 0) && (n < o->min || n > o->max))
			return mm_error_set(err, MM_ERR_USAGE,
					    "option --%s must be between %ld "
					    "and %ld, not %ld",
					    o->name, o->min, o->max, n);
		break;
	}
	case MM_OPT_K_CHOICE: {
		size_t i;
		char list[256];

		for (i = 0; o->choices[i] != NULL; i++)
			if (strcmp(o->choices[i], value) == 0)
				break;
		if (o->choices[i] == NULL) {
			choices_text(o->choices, list, sizeof(list));
			return mm_error_set(err, MM_ERR_USAGE,
					    "option --%s takes one of %s, not "
					    "'%s'",
					    o->name, list, value);
		}
		break;
	}
	case MM_OPT_K_FILE:
		if (value[0] == '\0')
			return mm_error_set(err, MM_ERR_USAGE,
					    "option --%s needs a file name",
					    o->name);
		if (strcmp(value, "-") == 0 && !(o->flags & MM_OPT_STDIN))
			return mm_error_set(
				err, MM_ERR_USAGE,
				"option --%s does not read standard "
				"input ('-')",
				o->name);
		break;
	case MM_OPT_K_LIST:
		if (!mm_strv_push(&v->list, value))
			return mm_error_oom(err);
		v->set = true;
		return MM_OK;
	default:
		break;
	}
	copy = mm_strdup(value);
	if (copy == NULL)
		return mm_error_oom(err);
	free(v->sval);
	v->sval = copy;
	v->set = true;
	return MM_OK;
}

const char *
mm_args_nearest(const struct mm_args *args, const char *name)
{
	const char *best = NULL;
	size_t bestd = 3;

	for (size_t i = 0; i < args->nvals; i++) {
		const struct mm_opt *o = args->vals[i].opt;
		size_t d;

		if (o->flags & MM_OPT_HIDDEN)
			continue;
		d = mm_edit_distance(o->name, name);
		if (d < bestd || (strncmp(o->name, name, strlen(name)) == 0 &&
				  strlen(name) >= 3 && best == NULL)) {
			bestd = d < bestd ? d : bestd;
			best = o->name;
		}
	}
	return best;
}

enum mm_result
mm_args_check(const struct mm_args *args, const struct mm_arg *specs,
	      struct mm_error *err)
{
	size_t required = 0, total = 0;
	bool variadic = false;

	for (size_t i = 0; i < args->nvals; i++) {
		const struct mm_opt *o = args->vals[i].opt;

		if ((o->flags & MM_OPT_REQUIRED) && !args->vals[i].set)
			return mm_error_set(
				err, MM_ERR_USAGE, "option --%s %s is required",
				o->name, o->argname ? o->argname : "");
	}
	for (size_t i = 0; specs != NULL && specs[i].name != NULL; i++) {
		total++;
		if (!(specs[i].flags & MM_ARG_OPTIONAL))
			required++;
		if (specs[i].flags & MM_ARG_VARIADIC)
			variadic = true;
	}
	if (args->pos.n < required)
		return mm_error_set(err, MM_ERR_USAGE, "missing argument %s",
				    specs[args->pos.n].name);
	if (!variadic && args->pos.n > total)
		return mm_error_set(err, MM_ERR_USAGE,
				    "unexpected argument '%s'",
				    args->pos.v[total]);
	return MM_OK;
}
