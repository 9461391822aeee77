/* src/util/rand.c: the retry jitter stays in [ms/2, ms] and varies. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */
#include "mmadm/rand.h"

static void
test_jitter_range(void **state)
{
	static const long delays[] = {1, 2, 3, 500, 1001, 8000, 32000, 30000};

	(void)state;
	for (size_t d = 0; d < sizeof(delays) / sizeof(delays[0]); d++) {
		long ms = delays[d];

		for (int i = 0; i < 2000; i++) {
			long j = mm_rand_jitter(ms);

			assert_true(j >= ms / 2);
			assert_true(j <= ms);
		}
	}
}

static void
test_jitter_varies(void **state)
{
	long first = mm_rand_jitter(8000), lo = first, hi = first;

	(void)state;
	for (int i = 0; i < 1000; i++) {
		long j = mm_rand_jitter(8000);

		if (j < lo)
			lo = j;
		if (j > hi)
			hi = j;
	}
	/* 1000 draws over 4001 values: both ends of the range are reached
	 * roughly, not one value over and over. */
	assert_true(lo < 4400);
	assert_true(hi > 7600);
}

static void
test_jitter_nonpositive(void **state)
{
	(void)state;
	assert_int_equal(mm_rand_jitter(0), 0);
	assert_int_equal(mm_rand_jitter(-5), -5);
}

static void
test_next_not_stuck(void **state)
{
	uint64_t a = mm_rand_next(), b = mm_rand_next();

	(void)state;
	assert_true(a != b);
	assert_true(a != 0 || b != 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jitter_range),
		cmocka_unit_test(test_jitter_varies),
		cmocka_unit_test(test_jitter_nonpositive),
		cmocka_unit_test(test_next_not_stuck),
	};

	return cmocka_run_group_tests_name("rand", tests, NULL, NULL);
}
