/* Retry jitter: a small seeded xorshift64* generator per thread. */
#include "mmadm/rand.h"

#include <stdint.h>
#include <time.h>
#include <unistd.h>

static _Thread_local uint64_t state; /* 0 = not seeded yet */

/* splitmix64's finaliser: seeds that differ in a few bits end up far
 * apart. */
static uint64_t
mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static void
seed(void)
{
	struct timespec ts;
	uint64_t s;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		ts.tv_sec = ts.tv_nsec = 0;
	s = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	s ^= (uint64_t)getpid() << 32;
	s ^= (uint64_t)(uintptr_t)&state; /* differs per thread */
	state = mix(s);
	if (state == 0) /* the one state xorshift cannot leave */
		state = 0x9e3779b97f4a7c15u;
}

uint64_t
mm_rand_next(void)
{
	if (state == 0)
		seed();
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return state * 0x2545f4914f6cdd1du;
}

long
mm_rand_jitter(long ms)
{
	long half;

	if (ms <= 0)
		return ms;
	half = ms / 2;
	/* the high bits: xorshift's low bits are its weakest */
	return half + (long)((mm_rand_next() >> 11) % ((uint64_t)half + 1));
}
