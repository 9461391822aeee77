/* src/api/retention.c against a fake transport: policy bodies, count,
 * members, search, per-user views, paging with {"policies":[...]}, the
 * license hint. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */
#include "fake_transport.h"
#include "mmadm/api.h"
#include "mmadm/api_retention.h"

#include <stdlib.h>
#include <string.h>

#define PID "9m8a3xs8ujgzzrqrjymw4fpbhc"
#define TEAM "4xp9fdt77pncbef59f4k1qe83o"
#define CHAN "rcgiyftm7jyrxnmdfdfa1osd8w"

static void
test_policy_body(void **state)
{
	const char *teams[] = {TEAM};
	const char *chans[] = {CHAN, "bad"};
	struct mm_retention_policy p;
	struct mm_json *body = NULL;
	struct mm_buf text = MM_BUF_INIT;
	struct mm_error err;

	(void)state;
	memset(&p, 0, sizeof(p));
	mm_error_clear(&err);
	/* create needs a name and days */
	assert_int_equal(mm_retention_policy_body(&p, true, &body, &err),
			 MM_ERR_USAGE);
	p.display_name = "Legal";
	p.has_days = true;
	p.days = 0;
	assert_int_equal(mm_retention_policy_body(&p, true, &body, &err),
			 MM_ERR_USAGE);
	p.days = -2;
	assert_int_equal(mm_retention_policy_body(&p, true, &body, &err),
			 MM_ERR_USAGE);
	p.days = -1;
	p.team_ids = teams;
	p.nteams = 1;
	p.set_teams = true;
	assert_int_equal(mm_retention_policy_body(&p, true, &body, &err),
			 MM_OK);
	assert_true(mm_json_print(body, false, &text));
	assert_string_equal(mm_buf_str(&text),
			    "{\"display_name\":\"Legal\",\"post_duration\":-1,"
			    "\"team_ids\":[\"" TEAM "\"],\"channel_ids\":[]}");
	mm_json_free(body);
	mm_buf_reset(&text);

	/* a patch sends only what is set; lists replace */
	memset(&p, 0, sizeof(p));
	assert_int_equal(mm_retention_policy_body(&p, false, &body, &err),
			 MM_ERR_USAGE);
	assert_non_null(strstr(err.message, "nothing to change"));
	p.has_days = true;
	p.days = 90;
	assert_int_equal(mm_retention_policy_body(&p, false, &body, &err),
			 MM_OK);
	assert_true(mm_json_print(body, false, &text));
	assert_string_equal(mm_buf_str(&text), "{\"post_duration\":90}");
	mm_json_free(body);
	p.channel_ids = chans;
	p.nchannels = 2;
	p.set_channels = true;
	assert_int_equal(mm_retention_policy_body(&p, false, &body, &err),
			 MM_ERR_USAGE);
	assert_non_null(strstr(err.message, "'bad'"));
	assert_null(body);
	p.display_name = "";
	assert_int_equal(mm_retention_policy_body(&p, false, &body, &err),
			 MM_ERR_USAGE);
	mm_buf_release(&text);
}

static void
test_crud(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_json *out = NULL;
	struct mm_retention_policy p;
	long long n = -1;

	(void)state;
	fake_reply(&f, 201,
		   "{\"id\":\"" PID
		   "\",\"display_name\":\"L\",\"post_duration\":3,"
		   "\"team_count\":0,\"channel_count\":0}");
	fake_reply(&f, 200, "{\"total_count\":7}");
	fake_reply(&f, 200, "{\"count\":7}");
	fake_reply(&f, 200, "{\"id\":\"" PID "\"}");
	fake_reply(&f, 200, "{\"id\":\"" PID "\"}");
	fake_reply(&f, 200, "{\"status\":\"OK\"}");
	fake_reply(&f, 200, "{\"message_deletion_enabled\":false}");
	fake_client(&c, &f);
	memset(&p, 0, sizeof(p));
	p.display_name = "L";
	p.has_days = true;
	p.days = 3;
	mm_error_clear(&err);
	assert_int_equal(mm_api_retention_create(&c, &p, &out, &err), MM_OK);
	assert_string_equal(f.sent[0].path, "/api/v4/data_retention/policies");
	mm_json_free(out);

	assert_int_equal(mm_api_retention_count(&c, &n, &out, &err), MM_OK);
	assert_int_equal(n, 7);
	assert_string_equal(f.sent[1].path,
			    "/api/v4/data_retention/policies_count");
	mm_json_free(out);
	assert_int_equal(mm_api_retention_count(&c, &n, &out, &err),
			 MM_ERR_RESPONSE);
	assert_null(out);

	assert_int_equal(mm_api_retention_get(&c, PID, &out, &err), MM_OK);
	assert_string_equal(f.sent[3].path,
			    "/api/v4/data_retention/policies/" PID);
	mm_json_free(out);
	p.display_name = NULL;
	assert_int_equal(mm_api_retention_patch(&c, PID, &p, &out, &err),
			 MM_OK);
	assert_string_equal(f.sent[4].method, "PATCH");
	assert_string_equal(f.sent[4].body, "{\"post_duration\":3}");
	mm_json_free(out);
	assert_int_equal(mm_api_retention_delete(&c, PID, &out, &err), MM_OK);
	assert_string_equal(f.sent[5].method, "DELETE");
	mm_json_free(out);
	assert_int_equal(mm_api_retention_global(&c, &out, &err), MM_OK);
	assert_string_equal(f.sent[6].path, "/api/v4/data_retention/policy");
	mm_json_free(out);

	assert_int_equal(mm_api_retention_get(&c, "nope", &out, &err),
			 MM_ERR_USAGE);
	assert_int_equal(mm_api_retention_delete(&c, "", &out, &err),
			 MM_ERR_USAGE);
	assert_int_equal(f.nsent, 7);
	fake_release(&f);
}

static void
test_members(void **state)
{
	const char *ids[] = {TEAM, CHAN};
	const char *teams[] = {TEAM};
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_json *out = NULL;
	struct mm_retention_search s;
	struct mm_page_req req;
	struct mm_buf path = MM_BUF_INIT;

	(void)state;
	fake_reply(&f, 200, "{\"status\":\"OK\"}");
	fake_reply(&f, 200, "{\"status\":\"OK\"}");
	fake_reply(&f, 200, "[]");
	fake_reply(&f, 200, "{\"not\":\"a list\"}");
	fake_client(&c, &f);
	mm_error_clear(&err);
	assert_int_equal(mm_api_retention_members_add(&c, MM_RETENTION_TEAMS,
						      PID, ids, 2, &out, &err),
			 MM_OK);
	assert_string_equal(f.sent[0].method, "POST");
	assert_string_equal(f.sent[0].path,
			    "/api/v4/data_retention/policies/" PID "/teams");
	assert_string_equal(f.sent[0].body, "[\"" TEAM "\",\"" CHAN "\"]");
	mm_json_free(out);
	assert_int_equal(
		mm_api_retention_members_remove(&c, MM_RETENTION_CHANNELS, PID,
						ids, 1, &out, &err),
		MM_OK);
	assert_string_equal(f.sent[1].method, "DELETE");
	assert_string_equal(f.sent[1].path,
			    "/api/v4/data_retention/policies/" PID "/channels");
	mm_json_free(out);
	assert_int_equal(mm_api_retention_members_add(&c, MM_RETENTION_TEAMS,
						      PID, ids, 0, &out, &err),
			 MM_ERR_USAGE);

	memset(&s, 0, sizeof(s));
	s.term = "town";
	s.team_ids = teams;
	s.nteams = 1;
	s.public_only = true;
	assert_int_equal(mm_api_retention_members_search(&c,
							 MM_RETENTION_CHANNELS,
							 PID, &s, &out, &err),
			 MM_OK);
	assert_string_equal(f.sent[2].path,
			    "/api/v4/data_retention/policies/" PID
			    "/channels/search");
	assert_string_equal(f.sent[2].body,
			    "{\"term\":\"town\",\"team_ids\":[\"" TEAM
			    "\"],\"public\":true}");
	mm_json_free(out);
	assert_int_equal(mm_api_retention_members_search(&c, MM_RETENTION_TEAMS,
							 PID, &s, &out, &err),
			 MM_ERR_RESPONSE);
	assert_string_equal(f.sent[3].body, "{\"term\":\"town\"}");
	assert_null(out);

	memset(&req, 0, sizeof(req));
	assert_int_equal(mm_api_retention_members_req(MM_RETENTION_CHANNELS,
						      PID, &req, &path, &err),
			 MM_OK);
	assert_string_equal(req.path,
			    "/api/v4/data_retention/policies/" PID "/channels");
	assert_int_equal(mm_api_retention_user_req(MM_RETENTION_TEAMS, "me",
						   &req, &path, &err),
			 MM_OK);
	assert_string_equal(req.path,
			    "/api/v4/users/me/data_retention/team_policies");
	assert_string_equal(req.items_key, "policies");
	assert_int_equal(mm_api_retention_user_req(MM_RETENTION_CHANNELS, "x?y",
						   &req, &path, &err),
			 MM_ERR_USAGE);
	assert_int_equal(f.nsent, 4);
	mm_buf_release(&path);
	fake_release(&f);
}

static size_t seen;

static bool
count_item(void *ud, struct mm_json *item)
{
	(void)ud;
	assert_non_null(mm_json_get(item, "id"));
	seen++;
	return true;
}

/* {"policies":[...],"total_count":N} pages, and the 501 hint. */
static void
test_list_paging_and_license(void **state)
{
	struct fake f = {0};
	struct mm_client c;
	struct mm_error err;
	struct mm_page_req req;

	(void)state;
	fake_reply(
		&f, 200,
		"{\"policies\":[{\"id\":\"a\"},{\"id\":\"b\"}],\"total_count\":"
		"3}");
	fake_reply(&f, 200,
		   "{\"policies\":[{\"id\":\"c\"}],\"total_count\":3}");
	fake_reply(&f, 501,
		   "{\"id\":\"ent.data_retention.generic.license.error\","
		   "\"message\":\"Data retention requires a license.\"}");
	fake_client(&c, &f);
	memset(&req, 0, sizeof(req));
	mm_api_retention_list_req(&req);
	req.per_page = 2;
	req.all = true;
	mm_error_clear(&err);
	seen = 0;
	assert_int_equal(mm_api_paged(&c, &req, count_item, NULL, NULL, &err),
			 MM_OK);
	assert_int_equal(seen, 3);
	assert_string_equal(f.sent[1].path, "/api/v4/data_retention/policies"
					    "?page=1&per_page=2");
	req.all = false;
	assert_int_equal(
		mm_api_retention_hint(
			mm_api_paged(&c, &req, count_item, NULL, NULL, &err),
			&err),
		MM_ERR_UNAVAILABLE);
	assert_non_null(strstr(err.message, "Enterprise license"));
	assert_non_null(strstr(err.message, "ent.data_retention"));
	fake_release(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_body),
		cmocka_unit_test(test_crud),
		cmocka_unit_test(test_members),
		cmocka_unit_test(test_list_paging_and_license),
	};

	return cmocka_run_group_tests_name("retention", tests, NULL, NULL);
}
