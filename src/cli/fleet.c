/*
 * Fleet mode: one read command against many servers at once.
 *
 * Commands are synchronous code (an exec may read, decide, read again,
 * page...), so each server's run gets a worker thread with its own
 * context: its own target (from its profile), its own easy handle, and
 * its output captured in memory (JSON text, or rows through the out row
 * sink). Worker threads never touch a socket: their requests are
 * performed by one libcurl multi loop driven by this (the main) thread
 * (src/http/multi.c), which serves every connection of every server. At
 * most --parallel workers run at a time; when all are done the results
 * are merged in profile order: one JSON object keyed by profile, or one
 * table with a leading SERVER column.
 */
#include "mmadm/cli_ext.h"
#include "mmadm/http_multi.h"

#include <fnmatch.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

/* ---- selecting profiles ------------------------------------------------- */

static bool
strv_has(const struct mm_strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return true;
	return false;
}

enum mm_result
mm_fleet_select(const struct mm_profiles *set, const char *list, bool all,
		const char *glob, struct mm_strv *names, struct mm_error *err)
{
	if (list != NULL) {
		char *copy = mm_strdup(list), *save = NULL, *tok;
		enum mm_result rc = MM_OK;

		if (copy == NULL)
			return mm_error_oom(err);
		for (tok = strtok_r(copy, ",", &save);
		     tok != NULL && rc == MM_OK;
		     tok = strtok_r(NULL, ",", &save)) {
			while (*tok == ' ')
				tok++;
			for (size_t n = strlen(tok); n > 0 && tok[n - 1] == ' ';
			     n--)
				tok[n - 1] = '\0';
			if (*tok == '\0')
				continue;
			if (mm_profiles_find(set, tok) == NULL)
				rc = mm_error_set(err, MM_ERR_CONFIG,
						  "no profile named %.80s (see "
						  "'mmadm auth list')",
						  tok);
			else if (strv_has(names, tok))
				rc = mm_error_set(
					err, MM_ERR_USAGE,
					"--profiles names %.80s twice", tok);
			else if (!mm_strv_push(names, tok))
				rc = mm_error_oom(err);
		}
		free(copy);
		if (rc != MM_OK)
			return rc;
		if (names->n == 0)
			return mm_error_set(
				err, MM_ERR_USAGE,
				"--profiles needs a comma-separated "
				"list of profile names");
		return MM_OK;
	}
	for (size_t i = 0; i < set->n; i++) {
		const char *name = set->v[i].name;

		if (!all && fnmatch(glob, name, 0) != 0)
			continue;
		if (!mm_strv_push(names, name))
			return mm_error_oom(err);
	}
	if (names->n == 0)
		return all ? mm_error_set(err, MM_ERR_CONFIG,
					  "--all-profiles: there are no saved "
					  "profiles (see 'mmadm auth login')")
			   : mm_error_set(err, MM_ERR_CONFIG,
					  "no profile matches '%.80s' (see "
					  "'mmadm auth list')",
					  glob);
	return MM_OK;
}

/* ---- rows --------------------------------------------------------------- */

static struct mm_rowtab *
rowset_table(struct mm_rowset *rs, const char *const *heads, size_t ncols)
{
	struct mm_rowtab *t;

	for (size_t i = 0; i < rs->n; i++) {
		size_t c;

		t = &rs->tabs[i];
		if (t->ncols != ncols || (heads == NULL) != (t->heads.n == 0))
			continue;
		for (c = 0; heads != NULL && c < ncols; c++)
			if (!mm_streq(heads[c] ? heads[c] : "", t->heads.v[c]))
				break;
		if (heads == NULL || c == ncols)
			return t;
	}
	t = realloc(rs->tabs, (rs->n + 1) * sizeof(*t));
	if (t == NULL)
		return NULL;
	rs->tabs = t;
	t = &rs->tabs[rs->n];
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
	rs->n++;
	for (size_t c = 0; heads != NULL && c < ncols; c++)
		if (!mm_strv_push(&t->heads, heads[c] ? heads[c] : ""))
			return NULL;
	return t;
}

bool
mm_rowset_add(struct mm_rowset *rs, const char *server,
	      const char *const *heads, const char *const *cells, size_t ncols)
{
	struct mm_rowtab *t;

	if (ncols == 0)
		return true;
	t = rowset_table(rs, heads, ncols);
	if (t == NULL || !mm_strv_push(&t->cells, server))
		return false;
	for (size_t c = 0; c < ncols; c++)
		if (!mm_strv_push(&t->cells, cells[c] ? cells[c] : ""))
			return false;
	return true;
}

void
mm_rowset_release(struct mm_rowset *rs)
{
	for (size_t i = 0; i < rs->n; i++) {
		mm_strv_release(&rs->tabs[i].heads);
		mm_strv_release(&rs->tabs[i].cells);
	}
	free(rs->tabs);
	rs->tabs = NULL;
	rs->n = 0;
}

bool
mm_rowset_print(const struct mm_rowset *rs, struct mm_out *o)
{
	bool ok = true;

	for (size_t i = 0; ok && i < rs->n; i++) {
		const struct mm_rowtab *t = &rs->tabs[i];
		size_t ncols = t->ncols + 1;
		const char **heads = calloc(ncols, sizeof(*heads));

		if (heads == NULL)
			return false;
		heads[0] = "Server";
		for (size_t c = 1; c < ncols; c++)
			heads[c] = t->heads.n ? t->heads.v[c - 1] : "Result";
		ok = mm_out_rows(o, heads, ncols,
				 (const char *const *)t->cells.v,
				 t->cells.n / ncols);
		free(heads);
	}
	return ok;
}

/* ---- the workers -------------------------------------------------------- */

struct member {
	const char *name;
	enum mm_result rc;
	struct mm_error err;
	char *out; /* captured standard output */
	size_t outlen;
	char *errtext; /* captured standard error */
	size_t errlen;
	struct mm_rowset rows;
	bool rows_failed;
};

struct fleet {
	struct mm_ctx *ctx;
	const struct mm_family *fam;
	const struct mm_cmd_entry *cmd;
	const struct mm_args *args;
	struct mm_http_multi *multi;
	enum mm_format worker_fmt;
	struct member *members;
	size_t n;
	pthread_mutex_t lock;
	size_t next;
	size_t running;
};

/* Fleet members take their target from their profile only: the
 * variables that name one server are hidden. */
static mm_getenv_fn parent_getenv;

static const char *
fleet_getenv(const char *name)
{
	static const char *const hidden[] = {
		"MMADM_URL",   "MMADM_TOKEN",        "MMADM_PROFILE",
		"MMADM_LOCAL", "MMADM_LOCAL_SOCKET", NULL};

	for (size_t i = 0; hidden[i] != NULL; i++)
		if (strcmp(hidden[i], name) == 0)
			return NULL;
	return parent_getenv(name);
}

static char *
no_ask(struct mm_ctx *ctx, const char *prompt, bool secret)
{
	(void)ctx;
	(void)prompt;
	(void)secret;
	return NULL; /* no terminal for a fleet member */
}

static bool
member_row(void *ud, const char *const *heads, const char *const *cells,
	   size_t ncols)
{
	struct member *m = ud;

	if (!mm_rowset_add(&m->rows, m->name, heads, cells, ncols)) {
		m->rows_failed = true;
		return false;
	}
	return true;
}

static void
run_member(struct fleet *f, struct member *m)
{
	struct mm_ctx *ctx = f->ctx;
	struct mm_target_flags tf;
	const char *columns = mm_args_get(f->args, "columns");
	struct mm_ctx w;
	FILE *out, *errf;
	enum mm_result rc;

	mm_error_clear(&m->err);
	out = open_memstream(&m->out, &m->outlen);
	errf = open_memstream(&m->errtext, &m->errlen);
	if (out == NULL || errf == NULL) {
		if (out != NULL)
			fclose(out);
		if (errf != NULL)
			fclose(errf);
		m->rc = mm_error_oom(&m->err);
		return;
	}
	mm_ctx_init(&w, ctx->families, ctx->in, out, errf);
	mm_out_release(&w.out);
	mm_out_init(&w.out, out, errf, f->worker_fmt, true, ctx->out.quiet);
	w.out.width = 0;
	if (columns != NULL)
		mm_out_set_columns(&w.out, columns);
	if (f->worker_fmt == MM_FMT_PLAIN) {
		w.out.row_sink = member_row;
		w.out.row_sink_ud = m;
	}
	w.in_tty = false;
	w.ask = no_ask;
	w.getenv_fn = fleet_getenv;
	memcpy(w.profiles_path, ctx->profiles_path, sizeof(w.profiles_path));
	w.family = f->fam;
	w.cmd = f->cmd;
	w.globals = f->args;
	w.yes = ctx->yes;
	w.dry_run = ctx->dry_run;
	w.verbose = ctx->verbose;
	w.timeout_s = ctx->timeout_s;
	w.multi = f->multi;
	memset(&tf, 0, sizeof(tf));
	tf.profile = m->name;
	rc = mm_target_resolve(&tf, fleet_getenv, w.profiles_path, &w.target,
			       &m->err);
	if (rc == MM_OK) {
		w.target_ok = true;
		rc = mm_cli_check_target(&w, f->fam, f->cmd, &m->err);
	}
	if (rc == MM_OK)
		rc = f->cmd->exec(&w, f->args, &m->err);
	if (fflush(out) != 0 && rc == MM_OK)
		rc = mm_error_oom(&m->err);
	if (m->rows_failed && rc == MM_OK)
		rc = mm_error_oom(&m->err);
	m->rc = rc;
	mm_ctx_release(&w);
	fclose(out);
	fclose(errf);
}

static void *
worker(void *arg)
{
	struct fleet *f = arg;

	for (;;) {
		size_t i;

		pthread_mutex_lock(&f->lock);
		i = f->next++;
		pthread_mutex_unlock(&f->lock);
		if (i >= f->n)
			break;
		run_member(f, &f->members[i]);
	}
	pthread_mutex_lock(&f->lock);
	if (--f->running == 0)
		mm_http_multi_stop(f->multi);
	pthread_mutex_unlock(&f->lock);
	return NULL;
}

/* ---- merging ------------------------------------------------------------ */

static struct mm_json *
json_of(const char *text)
{
	struct mm_json *j = NULL;
	struct mm_error ignore;

	mm_error_clear(&ignore);
	if (mm_json_parse(text, strlen(text), &j, &ignore) != MM_OK)
		return NULL;
	return j;
}

/* What a member printed, as one JSON value: the document, null for
 * nothing, an array for several documents, a string for other text. */
static struct mm_json *
member_value(const struct member *m)
{
	struct mm_buf all = MM_BUF_INIT;
	struct mm_json *j = NULL;
	struct mm_error ignore;

	if (m->outlen == 0)
		return json_of("null");
	mm_error_clear(&ignore);
	if (mm_json_parse(m->out, m->outlen, &j, &ignore) == MM_OK)
		return j;
	if (mm_json_collect(m->out, m->outlen, &all))
		j = json_of(mm_buf_str(&all));
	mm_buf_release(&all);
	return j != NULL ? j : mm_json_new_string(m->out);
}

static bool
set_number(struct mm_json *obj, const char *key, long v)
{
	char text[32];
	struct mm_json *n;

	snprintf(text, sizeof(text), "%ld", v);
	n = json_of(text);
	return n != NULL && mm_json_set(obj, key, n);
}

static struct mm_json *
member_error(const struct member *m)
{
	struct mm_json *obj = mm_json_new_object();
	struct mm_json *e = mm_json_new_object();
	bool ok = obj != NULL && e != NULL &&
		  mm_json_set_string(e, "kind", mm_result_name(m->rc)) &&
		  set_number(e, "exit_code", mm_exit_code(m->rc)) &&
		  mm_json_set_string(e, "message",
				     m->err.message[0] ? m->err.message
						       : mm_result_text(m->rc));

	if (ok && m->err.http_status != 0)
		ok = set_number(e, "http_status", m->err.http_status);
	if (ok && m->err.server_id[0] != '\0')
		ok = mm_json_set_string(e, "id", m->err.server_id);
	if (ok && m->err.request_id[0] != '\0')
		ok = mm_json_set_string(e, "request_id", m->err.request_id);
	if (ok) {
		ok = mm_json_set(obj, "error", e);
		e = NULL;
	}
	/* What it printed before failing (an unhealthy ping's document). */
	if (ok && m->outlen > 0) {
		struct mm_json *v = member_value(m);

		ok = v != NULL && mm_json_set(obj, "result", v);
	}
	mm_json_free(e);
	if (!ok) {
		mm_json_free(obj);
		return NULL;
	}
	return obj;
}

static enum mm_result
print_json(struct fleet *f, struct mm_jq *jq, struct mm_error *err)
{
	struct mm_json *all = mm_json_new_object();
	enum mm_result rc = MM_OK;

	for (size_t i = 0; all != NULL && i < f->n; i++) {
		const struct member *m = &f->members[i];
		struct mm_json *v =
			m->rc == MM_OK ? member_value(m) : member_error(m);

		if (v == NULL || !mm_json_set(all, m->name, v)) {
			mm_json_free(v);
			mm_json_free(all);
			all = NULL;
		}
	}
	if (all == NULL)
		return mm_error_oom(err);
	if (jq != NULL) {
		struct mm_buf text = MM_BUF_INIT;

		if (!mm_json_print(all, false, &text))
			rc = mm_error_oom(err);
		else
			rc = mm_jq_filter_text(jq, text.data, text.len,
					       &f->ctx->out, err);
		mm_buf_release(&text);
	} else {
		mm_out_doc(&f->ctx->out, all, NULL);
	}
	mm_json_free(all);
	return rc;
}

static enum mm_result
print_rows(struct fleet *f, struct mm_error *err)
{
	struct mm_rowset all = {NULL, 0};
	bool ok = true;

	for (size_t i = 0; ok && i < f->n; i++) {
		const struct mm_rowset *rs = &f->members[i].rows;
		const struct member *m = &f->members[i];

		for (size_t t = 0; ok && t < rs->n; t++) {
			const struct mm_rowtab *tab = &rs->tabs[t];
			size_t w = tab->ncols + 1;

			for (size_t r = 0; ok && r < tab->cells.n / w; r++)
				ok = mm_rowset_add(
					&all, tab->cells.v[r * w],
					tab->heads.n ? (const char *const *)
							       tab->heads.v
						     : NULL,
					(const char *const *)tab->cells.v +
						r * w + 1,
					tab->ncols);
		}
		/* Text printed past the renderers (a dry run's requests, a
		 * non-JSON answer): one line a row. */
		for (const char *p = m->out; ok && p != NULL && *p != '\0';) {
			const char *nl = strchr(p, '\n');
			char *line =
				nl ? strndup(p, (size_t)(nl - p)) : strdup(p);
			const char *cell = line;

			ok = line != NULL &&
			     mm_rowset_add(&all, m->name, NULL, &cell, 1);
			free(line);
			p = nl ? nl + 1 : NULL;
		}
	}
	ok = ok && mm_rowset_print(&all, &f->ctx->out);
	mm_rowset_release(&all);
	if (!ok && !mm_out_stopped(&f->ctx->out))
		return mm_error_oom(err);
	return MM_OK;
}

/* A member's messages (warnings, notes, trace) under its name. */
static void
print_messages(FILE *to, const struct member *m)
{
	const char *p = m->errtext, *end = m->errtext + m->errlen;

	while (p != NULL && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (n >= 7 && strncmp(p, "mmadm: ", 7) == 0)
			fprintf(to, "mmadm: %s: %.*s\n", m->name, (int)(n - 7),
				p + 7);
		else
			fprintf(to, "%s: %.*s\n", m->name, (int)n, p);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
}

/* Every member failed the same usage check: say it once. */
static bool
same_usage_error(const struct fleet *f)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->members[i].rc != MM_ERR_USAGE ||
		    strcmp(f->members[i].err.message,
			   f->members[0].err.message) != 0)
			return false;
	return f->n > 0;
}

static enum mm_result
report(struct fleet *f, struct mm_error *err)
{
	struct mm_ctx *ctx = f->ctx;
	const char *where = ctx->where;
	const struct member *first = NULL;
	size_t failed = 0;
	char place[600];

	for (size_t i = 0; i < f->n; i++)
		print_messages(ctx->out.err, &f->members[i]);
	if (same_usage_error(f)) {
		*err = f->members[0].err;
		return err->kind;
	}
	for (size_t i = 0; i < f->n; i++) {
		const struct member *m = &f->members[i];

		if (m->rc == MM_OK)
			continue;
		failed++;
		if (first == NULL)
			first = m;
		if (where != NULL)
			snprintf(place, sizeof(place), "%s: %s", where,
				 m->name);
		else
			snprintf(place, sizeof(place), "%s", m->name);
		ctx->where = place;
		ctx->error_reported = false;
		mm_cli_report(ctx, &m->err);
	}
	ctx->where = where;
	if (first == NULL)
		return MM_OK;
	fprintf(ctx->out.err, "mmadm: %zu of %zu servers failed\n", failed,
		f->n);
	fflush(ctx->out.err);
	*err = first->err;
	ctx->error_reported = true;
	return first->rc;
}

/* ---- running ------------------------------------------------------------ */

static volatile int *interrupt_flag;

static void
on_interrupt(int sig)
{
	(void)sig;
	if (interrupt_flag != NULL)
		*interrupt_flag = 1;
}

enum mm_result
mm_fleet_run(struct mm_ctx *ctx, const struct mm_family *fam,
	     const struct mm_cmd_entry *cmd, const struct mm_args *args,
	     const struct mm_strv *names, int parallel, struct mm_jq *jq,
	     struct mm_error *err)
{
	struct fleet f;
	pthread_t *threads = NULL;
	size_t nthreads, started = 0;
	struct sigaction sa, old_int;
	bool own_int = false;
	enum mm_result rc, out_rc = MM_OK;
	struct mm_error loop_err;

	memset(&f, 0, sizeof(f));
	f.ctx = ctx;
	f.fam = fam;
	f.cmd = cmd;
	f.args = args;
	f.n = names->n;
	f.worker_fmt = jq != NULL || ctx->out.format == MM_FMT_JSON ||
				       ctx->out.format == MM_FMT_YAML
			       ? MM_FMT_JSON
			       : MM_FMT_PLAIN;
	if (mm_ctx_profiles_path(ctx, err) == NULL)
		return err->kind;
	f.members = calloc(f.n, sizeof(*f.members));
	nthreads = (size_t)(parallel < 1 ? 1 : parallel);
	if (nthreads > f.n)
		nthreads = f.n;
	threads = calloc(nthreads, sizeof(*threads));
	if (f.members == NULL || threads == NULL) {
		free(f.members);
		free(threads);
		return mm_error_oom(err);
	}
	for (size_t i = 0; i < f.n; i++)
		f.members[i].name = names->v[i];
	rc = mm_http_multi_new((int)nthreads, &ctx->cancel, &f.multi, err);
	if (rc != MM_OK || pthread_mutex_init(&f.lock, NULL) != 0) {
		if (rc == MM_OK)
			rc = mm_error_set(err, MM_ERR_OTHER,
					  "cannot create a lock");
		mm_http_multi_free(f.multi);
		free(f.members);
		free(threads);
		return rc;
	}
	/* Ctrl-C ends every transfer, unless someone (the shell) already
	 * handles it and sets ctx->cancel itself. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_interrupt;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, NULL, &old_int) == 0 &&
	    old_int.sa_handler == SIG_DFL) {
		interrupt_flag = &ctx->cancel;
		own_int = sigaction(SIGINT, &sa, NULL) == 0;
	}
	parent_getenv = ctx->getenv_fn;
	f.running = nthreads;
	for (size_t i = 0; i < nthreads; i++) {
		if (pthread_create(&threads[i], NULL, worker, &f) == 0) {
			started++;
			continue;
		}
		pthread_mutex_lock(&f.lock);
		f.running -= nthreads - i;
		if (f.running == 0)
			mm_http_multi_stop(f.multi);
		pthread_mutex_unlock(&f.lock);
		break;
	}
	mm_error_clear(&loop_err);
	if (started == 0)
		rc = mm_error_set(err, MM_ERR_OTHER,
				  "cannot start a worker thread");
	else
		rc = mm_http_multi_run(f.multi, &loop_err);
	for (size_t i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	if (own_int)
		sigaction(SIGINT, &old_int, NULL);
	interrupt_flag = NULL;
	if (started > 0) {
		struct mm_error out_err;

		mm_error_clear(&out_err);
		if (f.worker_fmt == MM_FMT_JSON)
			out_rc = print_json(&f, jq, &out_err);
		else
			out_rc = print_rows(&f, &out_err);
		fflush(ctx->out.out);
		rc = report(&f, err);
		if (rc == MM_OK && loop_err.kind != MM_OK) {
			*err = loop_err;
			rc = err->kind;
		}
		if (out_rc != MM_OK && rc == MM_OK) {
			*err = out_err;
			rc = out_rc;
		} else if (out_rc != MM_OK) {
			/* The output failed too (a --jq error): say so. */
			ctx->error_reported = false;
			mm_cli_report(ctx, &out_err);
			ctx->error_reported = true;
		}
	}
	for (size_t i = 0; i < f.n; i++) {
		free(f.members[i].out);
		free(f.members[i].errtext);
		mm_rowset_release(&f.members[i].rows);
	}
	pthread_mutex_destroy(&f.lock);
	mm_http_multi_free(f.multi);
	free(f.members);
	free(threads);
	return rc;
}
