/*
 * Logs area: GET /logs pages (and every page oldest first), POST /logs,
 * POST /logs/query, and the client-side parsing, filtering and following
 * of log lines.
 */
#include "mmadm/api_logs.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define CJ(x) ((const cJSON *)(x))

/* ---- requests ---- */

enum mm_result
mm_api_logs_get(struct mm_client *c, long page, long per_page,
		struct mm_json **out, struct mm_error *err)
{
	char path[96];
	enum mm_result rc;

	*out = NULL;
	if (snprintf(path, sizeof(path),
		     "/api/v4/logs?page=%ld&logs_per_page=%ld", page,
		     per_page) >= (int)sizeof(path))
		return mm_error_set(err, MM_ERR_OTHER, "path too long");
	rc = mm_api_request(c, "GET", path, NULL, 0, out, NULL, err);
	if (rc != MM_OK)
		return rc;
	if (*out == NULL || mm_json_type(*out) == MM_JSON_NULL) {
		mm_json_free(*out);
		*out = mm_json_new_array();
		if (*out == NULL)
			return mm_error_oom(err);
		return MM_OK;
	}
	if (mm_json_type(*out) != MM_JSON_ARRAY) {
		enum mm_json_type t = mm_json_type(*out);

		mm_json_free(*out);
		*out = NULL;
		return mm_error_set(err, MM_ERR_RESPONSE,
				    "expected a list of log lines, got %s",
				    mm_json_type_name(t));
	}
	return MM_OK;
}

/* The non-blank part of a line: start and length. */
static const char *
trimmed(const char *s, size_t *len)
{
	size_t n;

	while (*s != '\0' && isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	*len = n;
	return s;
}

struct spool_page {
	long offset;
	size_t count;
};

static enum mm_result
spool_write(FILE *f, const char *s, struct mm_error *err)
{
	uint32_t len = (uint32_t)strlen(s);

	if (fwrite(&len, sizeof(len), 1, f) != 1 ||
	    (len > 0 && fwrite(s, 1, len, f) != len))
		return mm_error_set(err, MM_ERR_IO,
				    "cannot write the temporary log spool");
	return MM_OK;
}

static enum mm_result
spool_replay(FILE *f, const struct spool_page *pages, size_t npages,
	     mm_logs_line_fn fn, void *ud, struct mm_error *err)
{
	char *buf = NULL;
	size_t cap = 0;
	enum mm_result rc = MM_OK;
	bool stop = false;

	for (size_t p = npages; p-- > 0 && !stop && rc == MM_OK;) {
		if (fseek(f, pages[p].offset, SEEK_SET) != 0) {
			rc = mm_error_set(err, MM_ERR_IO,
					  "cannot read the temporary log "
					  "spool");
			break;
		}
		for (size_t i = 0; i < pages[p].count && !stop; i++) {
			uint32_t len;

			if (fread(&len, sizeof(len), 1, f) != 1) {
				rc = mm_error_set(err, MM_ERR_IO,
						  "cannot read the temporary "
						  "log spool");
				break;
			}
			if ((size_t)len + 1 > cap) {
				char *nb = realloc(buf, (size_t)len + 1);

				if (nb == NULL) {
					rc = mm_error_oom(err);
					break;
				}
				buf = nb;
				cap = (size_t)len + 1;
			}
			if (len > 0 && fread(buf, 1, len, f) != len) {
				rc = mm_error_set(err, MM_ERR_IO,
						  "cannot read the temporary "
						  "log spool");
				break;
			}
			buf[len] = '\0';
			if (!fn(ud, buf))
				stop = true;
		}
	}
	free(buf);
	return rc;
}

enum mm_result
mm_api_logs_all(struct mm_client *c, long first_page, long per_page,
		mm_logs_line_fn fn, void *ud, struct mm_error *err)
{
	FILE *f = tmpfile();
	struct spool_page *pages = NULL;
	size_t npages = 0;
	enum mm_result rc = MM_OK;

	if (f == NULL)
		return mm_error_set(err, MM_ERR_IO,
				    "cannot create a temporary file to order "
				    "the log pages");
	for (long page = first_page < 0 ? 0 : first_page; rc == MM_OK; page++) {
		struct mm_json *doc = NULL;
		struct spool_page *np;
		size_t n;
		bool blank = true;

		rc = mm_api_logs_get(c, page, per_page, &doc, err);
		if (rc != MM_OK)
			break;
		np = realloc(pages, (npages + 1) * sizeof(*pages));
		if (np == NULL) {
			mm_json_free(doc);
			rc = mm_error_oom(err);
			break;
		}
		pages = np;
		pages[npages].offset = ftell(f);
		pages[npages].count = 0;
		n = mm_json_size(doc);
		for (const struct mm_json *m = mm_json_first(doc);
		     m != NULL && rc == MM_OK; m = mm_json_next(m)) {
			const char *s = mm_json_string(m);
			size_t len;

			if (s == NULL)
				continue;
			trimmed(s, &len);
			if (len > 0)
				blank = false;
			rc = spool_write(f, s, err);
			pages[npages].count++;
		}
		npages++;
		mm_json_free(doc);
		if ((long)n < per_page || blank)
			break;
	}
	if (rc == MM_OK && fflush(f) != 0)
		rc = mm_error_set(err, MM_ERR_IO,
				  "cannot write the temporary log spool");
	if (rc == MM_OK)
		rc = spool_replay(f, pages, npages, fn, ud, err);
	free(pages);
	fclose(f);
	return rc;
}

enum mm_result
mm_api_logs_post(struct mm_client *c, const char *level, const char *message,
		 struct mm_json **out, struct mm_error *err)
{
	struct mm_json *body = mm_json_new_object();
	enum mm_result rc;

	*out = NULL;
	if (body == NULL || !mm_json_set_string(body, "level", level) ||
	    !mm_json_set_string(body, "message", message)) {
		mm_json_free(body);
		return mm_error_oom(err);
	}
	rc = mm_api_request(c, "POST", "/api/v4/logs", body, 0, out, NULL, err);
	mm_json_free(body);
	return rc;
}

static cJSON *
string_array(const char *const *v, size_t n)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; a != NULL && i < n; i++) {
		cJSON *s = cJSON_CreateString(v[i]);

		if (s == NULL || !cJSON_AddItemToArray(a, s)) {
			cJSON_Delete(s);
			cJSON_Delete(a);
			return NULL;
		}
	}
	return a;
}

enum mm_result
mm_api_logs_query(struct mm_client *c, const struct mm_logs_query *q, long page,
		  long per_page, struct mm_json **out, struct mm_error *err)
{
	cJSON *body = cJSON_CreateObject();
	cJSON *servers = string_array(q->servers, q->nservers);
	cJSON *levels = string_array(q->levels, q->nlevels);
	char path[128];
	enum mm_result rc;

	*out = NULL;
	if (body == NULL || servers == NULL || levels == NULL ||
	    !cJSON_AddItemToObject(body, "server_names", servers)) {
		cJSON_Delete(servers);
		cJSON_Delete(levels);
		cJSON_Delete(body);
		return mm_error_oom(err);
	}
	if (!cJSON_AddItemToObject(body, "log_levels", levels)) {
		cJSON_Delete(levels);
		cJSON_Delete(body);
		return mm_error_oom(err);
	}
	if (cJSON_AddStringToObject(body, "date_from",
				    q->date_from ? q->date_from : "") == NULL ||
	    cJSON_AddStringToObject(body, "date_to",
				    q->date_to ? q->date_to : "") == NULL) {
		cJSON_Delete(body);
		return mm_error_oom(err);
	}
	if (snprintf(path, sizeof(path),
		     "/api/v4/logs/query?page=%ld&logs_per_page=%ld", page,
		     per_page) >= (int)sizeof(path)) {
		cJSON_Delete(body);
		return mm_error_set(err, MM_ERR_OTHER, "path too long");
	}
	rc = mm_api_request(c, "POST", path, (struct mm_json *)body,
			    MM_API_SAFE_POST, out, NULL, err);
	cJSON_Delete(body);
	if (rc != MM_OK || c->dry_run)
		return rc;
	if (*out == NULL || mm_json_type(*out) != MM_JSON_OBJECT) {
		mm_json_free(*out);
		*out = NULL;
		return mm_error_set(err, MM_ERR_RESPONSE,
				    "the server's log query answer is not an "
				    "object of nodes");
	}
	return MM_OK;
}

/* ---- records and times ---- */

struct mm_json *
mm_logs_parse_line(const char *line)
{
	struct mm_json *rec = NULL;
	struct mm_error ignore;
	size_t len;
	const char *s = trimmed(line, &len);

	if (len == 0 || s[0] != '{')
		return NULL;
	mm_error_clear(&ignore);
	if (mm_json_parse(s, len, &rec, &ignore) != MM_OK)
		return NULL;
	if (mm_json_type(rec) != MM_JSON_OBJECT) {
		mm_json_free(rec);
		return NULL;
	}
	return rec;
}

/* Exactly n digits. */
static bool
digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return false;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return true;
}

/* An absolute time; naive (no zone) is local when local is set, else
 * UTC. */
static bool
parse_absolute(const char *s, bool local, long long *ms)
{
	const char *p = s;
	int y, mo, d, h = 0, mi = 0, sec = 0, frac = 0;
	long off = 0;
	bool zone = false;
	struct tm tm;
	time_t t;

	if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) ||
	    *p++ != '-' || !digits(&p, 2, &d))
		return false;
	if ((*p == ' ' || *p == 'T') && isdigit((unsigned char)p[1])) {
		p++;
		if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi))
			return false;
		if (*p == ':') {
			p++;
			if (!digits(&p, 2, &sec))
				return false;
			if (*p == '.' || *p == ',') {
				int scale = 100;

				p++;
				if (!isdigit((unsigned char)*p))
					return false;
				for (; isdigit((unsigned char)*p); p++) {
					frac += (*p - '0') * scale;
					scale /= 10;
				}
			}
		}
	}
	if (*p == ' ' && (p[1] == 'Z' || p[1] == '+' || p[1] == '-'))
		p++;
	if (*p == 'Z') {
		zone = true;
		p++;
	} else if (*p == '+' || *p == '-') {
		int zh, zm;
		int sign = *p == '-' ? -1 : 1;

		p++;
		if (!digits(&p, 2, &zh))
			return false;
		if (*p == ':')
			p++;
		if (!digits(&p, 2, &zm) || zh > 23 || zm > 59)
			return false;
		off = sign * (zh * 3600L + zm * 60L);
		zone = true;
	}
	if (*p != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || sec > 60)
		return false;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	if (zone || !local) {
		t = timegm(&tm);
		t -= off;
	} else {
		tm.tm_isdst = -1;
		t = mktime(&tm);
	}
	if (t == (time_t)-1 && !(y == 1969 && mo == 12 && d == 31))
		return false;
	*ms = (long long)t * 1000 + frac;
	return true;
}

bool
mm_logs_parse_time(const char *text, long long now_ms, long long *ms)
{
	char *end;
	long long n;

	if (text == NULL || text[0] == '\0')
		return false;
	if (strcasecmp(text, "now") == 0) {
		*ms = now_ms;
		return true;
	}
	if (isdigit((unsigned char)text[0])) {
		n = strtoll(text, &end, 10);
		if (end != text && end[0] != '\0' && end[1] == '\0' && n >= 0 &&
		    n < 100000000) {
			long long unit = 0;

			switch (end[0]) {
			case 's':
				unit = 1000;
				break;
			case 'm':
				unit = 60LL * 1000;
				break;
			case 'h':
				unit = 3600LL * 1000;
				break;
			case 'd':
				unit = 86400LL * 1000;
				break;
			case 'w':
				unit = 7 * 86400LL * 1000;
				break;
			default:
				break;
			}
			if (unit != 0) {
				*ms = now_ms - n * unit;
				return true;
			}
		}
	}
	return parse_absolute(text, true, ms);
}

bool
mm_logs_record_time(const struct mm_json *rec, long long *ms)
{
	const char *ts = mm_json_string(mm_json_get(rec, "timestamp"));

	if (ts == NULL)
		ts = mm_json_string(mm_json_get(rec, "time"));
	return ts != NULL && parse_absolute(ts, false, ms);
}

bool
mm_logs_format_time(long long ms, char *buf, size_t size)
{
	time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
	int frac = (int)(ms - (long long)t * 1000);
	struct tm tm;
	char date[32];

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm) == 0)
		return false;
	return snprintf(buf, size, "%s.%03d +00:00", date, frac) < (int)size;
}

/* ---- filters ---- */

struct mm_logs_filter {
	struct mm_strv levels; /* lower case */
	regex_t re;
	bool has_re;
	long long since, until;
	bool has_since, has_until;
};

void
mm_logs_filter_free(struct mm_logs_filter *f)
{
	if (f == NULL)
		return;
	mm_strv_release(&f->levels);
	if (f->has_re)
		regfree(&f->re);
	free(f);
}

bool
mm_logs_known_level(const char *level)
{
	/* server/public/shared/mlog/levels.go: the standard levels, the
	 * non-standard "critical", the redirected standard logger's and the
	 * logger's own. */
	static const char *const known[] = {
		"trace",    "debug", "info",  "warn",   "error",
		"critical", "fatal", "panic", "stdlog", "logerror",
	};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcasecmp(level, known[i]) == 0)
			return true;
	return false;
}

static enum mm_result
filter_levels(struct mm_logs_filter *f, const char *spec, struct mm_error *err)
{
	char *copy = mm_strdup(spec), *save = NULL, *tok;
	enum mm_result rc = MM_OK;

	if (copy == NULL)
		return mm_error_oom(err);
	for (tok = strtok_r(copy, ",", &save); tok != NULL && rc == MM_OK;
	     tok = strtok_r(NULL, ",", &save)) {
		size_t len;
		char *t = (char *)trimmed(tok, &len);

		t[len] = '\0';
		if (len == 0)
			continue;
		if (!mm_logs_known_level(t)) {
			rc = mm_error_set(err, MM_ERR_USAGE,
					  "'%s' is not a log level (one of: "
					  "%s)",
					  t, MM_LOGS_LEVELS);
			break;
		}
		for (size_t i = 0; i < len; i++)
			t[i] = (char)tolower((unsigned char)t[i]);
		if (rc == MM_OK && !mm_strv_push(&f->levels, t))
			rc = mm_error_oom(err);
	}
	if (rc == MM_OK && f->levels.n == 0)
		rc = mm_error_set(err, MM_ERR_USAGE,
				  "--level needs at least one level");
	free(copy);
	return rc;
}

enum mm_result
mm_logs_filter_new(const struct mm_logs_filter_spec *spec,
		   struct mm_logs_filter **out, struct mm_error *err)
{
	struct mm_logs_filter *f = calloc(1, sizeof(*f));
	enum mm_result rc = MM_OK;

	*out = NULL;
	if (f == NULL)
		return mm_error_oom(err);
	if (spec->levels != NULL)
		rc = filter_levels(f, spec->levels, err);
	if (rc == MM_OK && spec->grep != NULL) {
		int e = regcomp(&f->re, spec->grep,
				REG_EXTENDED | REG_NOSUB | REG_NEWLINE);

		if (e != 0) {
			char why[128];

			regerror(e, &f->re, why, sizeof(why));
			rc = mm_error_set(err, MM_ERR_USAGE,
					  "--grep '%s' is not a valid regular "
					  "expression: %s",
					  spec->grep, why);
		} else {
			f->has_re = true;
		}
	}
	if (rc == MM_OK && spec->since != NULL) {
		f->has_since = mm_logs_parse_time(spec->since, spec->now_ms,
						  &f->since);
		if (!f->has_since)
			rc = mm_error_set(err, MM_ERR_USAGE,
					  "--since '%s' is not a time (give "
					  "e.g. 15m, 2h, 2024-01-15 or "
					  "'2024-01-15 14:30')",
					  spec->since);
	}
	if (rc == MM_OK && spec->until != NULL) {
		f->has_until = mm_logs_parse_time(spec->until, spec->now_ms,
						  &f->until);
		if (!f->has_until)
			rc = mm_error_set(err, MM_ERR_USAGE,
					  "'%s' is not a time (give e.g. 15m, "
					  "2h, 2024-01-15 or '2024-01-15 "
					  "14:30')",
					  spec->until);
	}
	if (rc != MM_OK) {
		mm_logs_filter_free(f);
		return rc;
	}
	*out = f;
	return MM_OK;
}

bool
mm_logs_filter_match(const struct mm_logs_filter *f, const char *line,
		     const struct mm_json *rec)
{
	long long t;

	if (f == NULL)
		return true;
	if (f->levels.n > 0) {
		const char *lvl = mm_json_string(mm_json_get(rec, "level"));
		bool hit = false;

		for (size_t i = 0; lvl != NULL && i < f->levels.n && !hit; i++)
			hit = strcasecmp(lvl, f->levels.v[i]) == 0;
		if (!hit)
			return false;
	}
	if (f->has_re && regexec(&f->re, line, 0, NULL, 0) != 0)
		return false;
	if ((f->has_since || f->has_until) && rec != NULL &&
	    mm_logs_record_time(rec, &t)) {
		if (f->has_since && t < f->since)
			return false;
		if (f->has_until && t > f->until)
			return false;
	}
	return true;
}

/* ---- following ---- */

void
mm_logs_tail_release(struct mm_logs_tail *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->lines[i]);
	t->n = 0;
}

bool
mm_logs_tail_update(struct mm_logs_tail *t, const struct mm_json *lines)
{
	char *keep[MM_LOGS_TAIL];
	size_t k = MM_LOGS_TAIL;

	/* The last MM_LOGS_TAIL non-empty lines, filled from the end. */
	memset(keep, 0, sizeof(keep));
	for (const struct mm_json *m = mm_json_last(lines); m != NULL && k > 0;
	     m = mm_json_prev(m)) {
		const char *s = mm_json_string(m);
		size_t len;

		if (s == NULL)
			continue;
		s = trimmed(s, &len);
		if (len == 0)
			continue;
		keep[--k] = strndup(s, len);
		if (keep[k] == NULL) {
			for (size_t j = 0; j < MM_LOGS_TAIL; j++)
				free(keep[j]);
			return false;
		}
	}
	if (k == MM_LOGS_TAIL)
		return true; /* no lines: keep the old tail */
	mm_logs_tail_release(t);
	t->n = MM_LOGS_TAIL - k;
	memcpy(t->lines, keep + k, t->n * sizeof(keep[0]));
	return true;
}

static bool
line_is(const struct mm_json *item, const char *want)
{
	const char *s = mm_json_string(item);
	size_t len;

	if (s == NULL)
		return false;
	s = trimmed(s, &len);
	return strlen(want) == len && memcmp(s, want, len) == 0;
}

/* A non-empty line of a page: its node and its index in the page. */
struct line_ref {
	const struct mm_json *item;
	size_t i;
};

long
mm_logs_tail_find(const struct mm_logs_tail *t, const struct mm_json *lines)
{
	struct line_ref *idx;
	size_t n = mm_json_size(lines), m = 0, i = 0;
	long found = -1;

	if (t->n == 0)
		return 0;
	idx = calloc(n + 1, sizeof(*idx));
	if (idx == NULL)
		return -1;
	for (const struct mm_json *it = mm_json_first(lines); it != NULL;
	     it = mm_json_next(it), i++) {
		const char *s = mm_json_string(it);
		size_t len;

		if (s != NULL && (trimmed(s, &len), len > 0)) {
			idx[m].item = it;
			idx[m++].i = i;
		}
	}
	/* The last place where the page's lines end like the tail. */
	for (size_t e = m; e-- > 0 && found < 0;) {
		size_t k = t->n < e + 1 ? t->n : e + 1;
		bool match = true;

		for (size_t j = 0; j < k && match; j++)
			match = line_is(idx[e - j].item,
					t->lines[t->n - 1 - j]);
		if (match)
			found = (long)idx[e].i + 1;
	}
	free(idx);
	return found;
}

enum mm_result
mm_api_logs_poll(struct mm_client *c, struct mm_logs_tail *tail,
		 struct mm_json **lines, size_t *first_new, bool *gap,
		 struct mm_error *err)
{
	long per = 1000;
	enum mm_result rc;

	*lines = NULL;
	*first_new = 0;
	*gap = false;
	for (;;) {
		struct mm_json *doc = NULL;
		long pos;
		size_t n;

		rc = mm_api_logs_get(c, 0, per, &doc, err);
		if (rc != MM_OK)
			return rc;
		n = mm_json_size(doc);
		pos = mm_logs_tail_find(tail, doc);
		if (tail->n == 0 && (long)n >= per &&
		    per < MM_LOGS_MAX_PER_PAGE)
			pos = -1; /* an empty log grew by a full page */
		if (pos < 0 && (long)n >= per && per < MM_LOGS_MAX_PER_PAGE) {
			mm_json_free(doc);
			per = MM_LOGS_MAX_PER_PAGE;
			continue;
		}
		if (pos < 0) {
			*gap = tail->n > 0 || (long)n >= per;
			pos = 0;
		}
		if (!mm_logs_tail_update(tail, doc)) {
			mm_json_free(doc);
			return mm_error_oom(err);
		}
		*lines = doc;
		*first_new = (size_t)pos;
		return MM_OK;
	}
}
