/* Cheap randomness for spreading retries apart (jitter). Not for secrets:
 * keys and nonces come from getrandom(). */
#ifndef MMADM_RAND_H
#define MMADM_RAND_H

#include <stdint.h>

/* The next value of this thread's xorshift64* generator, seeded on first
 * use from the monotonic clock, the pid and the thread. */
uint64_t mm_rand_next(void);

/* A delay uniformly in [ms/2, ms] ("equal jitter"); ms itself if <= 0. */
long mm_rand_jitter(long ms);

#endif
