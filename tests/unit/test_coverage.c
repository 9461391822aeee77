/* Every operation of the seed documents has a command: the endpoints of
 * tests/seed_endpoints.txt must each appear in some command's .endpoints. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */
#include "../../cmd/cmd.h"

#include <stdio.h>
#include <string.h>

static bool
covered(const char *endpoint)
{
	for (const struct mm_family *f = mm_families; f->name; f++)
		for (const struct mm_cmd_entry *c = f->cmds; c->name; c++)
			for (size_t i = 0; c->endpoints && c->endpoints[i]; i++)
				if (strcmp(c->endpoints[i], endpoint) == 0)
					return true;
	return false;
}

static void
test_seed_endpoints_covered(void **state)
{
	FILE *f = fopen(MMADM_SOURCE_DIR "/tests/seed_endpoints.txt", "r");
	char line[512];
	size_t n = 0, missing = 0;

	(void)state;
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		n++;
		if (!covered(line)) {
			fprintf(stderr, "no command calls: %s\n", line);
			missing++;
		}
	}
	fclose(f);
	assert_true(n > 60);
	assert_int_equal(missing, 0);
}

/* Endpoint strings are well-formed: METHOD, a space, a path. */
static void
test_endpoint_strings(void **state)
{
	/* ANY: a generic command (mmadm api) that can call any path. */
	static const char *const methods[] = {
		"GET ", "POST ", "PUT ", "DELETE ", "PATCH ", "ANY ", NULL};

	(void)state;
	for (const struct mm_family *f = mm_families; f->name; f++)
		for (const struct mm_cmd_entry *c = f->cmds; c->name; c++)
			for (size_t i = 0; c->endpoints && c->endpoints[i];
			     i++) {
				const char *e = c->endpoints[i];
				bool ok = false;

				for (size_t m = 0; methods[m]; m++)
					if (strncmp(e, methods[m],
						    strlen(methods[m])) == 0 &&
					    e[strlen(methods[m])] == '/')
						ok = true;
				if (!ok)
					fail_msg("%s %s: bad endpoint '%s'",
						 f->name, c->name, e);
			}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_endpoint_strings),
		cmocka_unit_test(test_seed_endpoints_covered),
	};

	return cmocka_run_group_tests_name("coverage", tests, NULL, NULL);
}
