/*
 * Logs area (§3.4 of API-NOTES): pages of the server log, client log
 * lines, filtered queries; plus the client-side pieces `logs get` needs:
 * parsing log records and times, filters, every page oldest first, and
 * finding the new lines of a followed log. Never prints, never exits.
 */
#ifndef MMADM_API_LOGS_H
#define MMADM_API_LOGS_H

#include "api.h"
#include "buf.h"
#include "error.h"
#include "json.h"

#include <stdbool.h>
#include <stddef.h>

/* The server's logs_per_page default and maximum. */
#define MM_LOGS_MAX_PER_PAGE 10000

/*
 * GET /logs?page=N&logs_per_page=M: an array of raw log lines (strings,
 * usually JSON records, often with a trailing newline). Page 0 holds the
 * newest M lines, page 1 the M before them, and so on; each page is in
 * file order (oldest first). null becomes an empty array.
 */
enum mm_result mm_api_logs_get(struct mm_client *c, long page, long per_page,
			       struct mm_json **out, struct mm_error *err);

/* Called with each line (as sent, NUL-terminated); false stops. */
typedef bool (*mm_logs_line_fn)(void *ud, const char *line);

/*
 * Every page from first_page back to the start of the log, handed to fn
 * oldest line first. Pages are spooled to an unlinked temporary file and
 * replayed in reverse, so memory holds one page. Stops at a short page,
 * or a page of only empty lines (a server that logs to no file answers
 * [""] for every page).
 */
enum mm_result mm_api_logs_all(struct mm_client *c, long first_page,
			       long per_page, mm_logs_line_fn fn, void *ud,
			       struct mm_error *err);

/* POST /logs {"level","message"}; *out echoes them (prefixed message). */
enum mm_result mm_api_logs_post(struct mm_client *c, const char *level,
				const char *message, struct mm_json **out,
				struct mm_error *err);

struct mm_logs_query {
	const char *const *servers; /* server_names */
	size_t nservers;
	const char *const *levels; /* log_levels, as the records spell them */
	size_t nlevels;
	const char *date_from; /* "YYYY-MM-DD HH:MM:SS.mmm +HH:MM" or NULL */
	const char *date_to;
};
/* POST /logs/query?page=&logs_per_page=: {"<node>": [record, ...]}. */
enum mm_result mm_api_logs_query(struct mm_client *c,
				 const struct mm_logs_query *q, long page,
				 long per_page, struct mm_json **out,
				 struct mm_error *err);

/* ---- records and times ---- */

/* The record of a log line (a JSON object), or NULL for other text. */
struct mm_json *mm_logs_parse_line(const char *line);

/*
 * A time given by a user: "now", a duration back from now ("90s", "15m",
 * "2h", "7d", "1w"), or "YYYY-MM-DD[ HH:MM[:SS[.mmm]]]" ('T' also
 * separates) with an optional zone ("Z", "+02:00", "-0500"); without a
 * zone it is local time. Milliseconds since the epoch. false if invalid.
 */
bool mm_logs_parse_time(const char *text, long long now_ms, long long *ms);
/* A log record's "timestamp" ("2024-01-15 14:30:45.123 Z" or with an
 * offset; RFC 3339 too) in milliseconds; false if absent or unparsable. */
bool mm_logs_record_time(const struct mm_json *rec, long long *ms);
/* The filter format of /logs/query: "YYYY-MM-DD HH:MM:SS.mmm +00:00"
 * (UTC). false if buf is too small. */
bool mm_logs_format_time(long long ms, char *buf, size_t size);

/* ---- client-side filters ---- */

/* The levels the server writes (mlog's standard levels), for messages. */
#define MM_LOGS_LEVELS                                                         \
	"trace, debug, info, warn, error, critical, fatal, panic, stdlog, "    \
	"logerror"
/* True when level (any case) is one of MM_LOGS_LEVELS. */
bool mm_logs_known_level(const char *level);

struct mm_logs_filter;
struct mm_logs_filter_spec {
	const char *levels; /* comma-separated, any case; NULL = all */
	const char *grep;   /* extended regular expression on the line */
	const char *since;  /* a time for mm_logs_parse_time */
	const char *until;
	long long now_ms;
};
/* MM_ERR_USAGE naming the bad level, expression or time. */
enum mm_result mm_logs_filter_new(const struct mm_logs_filter_spec *spec,
				  struct mm_logs_filter **out,
				  struct mm_error *err);
void mm_logs_filter_free(struct mm_logs_filter *f);
/* rec may be NULL (a line that is not a record: it passes the level
 * filter only when no level is asked for, and the time filters always). */
bool mm_logs_filter_match(const struct mm_logs_filter *f, const char *line,
			  const struct mm_json *rec);

/* ---- following ---- */

#define MM_LOGS_TAIL 16
/* The last lines seen (trimmed, empty lines skipped). */
struct mm_logs_tail {
	char *lines[MM_LOGS_TAIL];
	size_t n;
};
void mm_logs_tail_release(struct mm_logs_tail *t);
/* Remember the last lines of a page (an array of strings). */
bool mm_logs_tail_update(struct mm_logs_tail *t, const struct mm_json *lines);
/*
 * Index in lines of the first line written after the tail (the size of
 * lines when nothing is new), 0 when the tail is empty, or -1 when the
 * tail is not in lines (more new lines than the page holds, or the log
 * was rotated).
 */
long mm_logs_tail_find(const struct mm_logs_tail *t,
		       const struct mm_json *lines);

/*
 * One poll of a followed log: GET page 0 (1000 lines, then the maximum
 * when the tail is not among them). *lines gets the page, *first_new the
 * index of the first new line, *gap whether lines may have been missed
 * (the tail was not found). The tail is updated.
 */
enum mm_result mm_api_logs_poll(struct mm_client *c, struct mm_logs_tail *tail,
				struct mm_json **lines, size_t *first_new,
				bool *gap, struct mm_error *err);

#endif
