/* Optional libraries loaded on first use (see mmadm/dl.h). */
#include "mmadm/dl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <string.h>

#define MM_DL_MAX 8

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	const char *soname;
	void *handle;
} opened[MM_DL_MAX];

/* The handle for soname, opened on first use; NULL with err set. Called
 * with the lock held. */
static void *
open_lib(const char *soname, const char *what, struct mm_error *err)
{
	const char *why;
	void *h;
	size_t i;

	for (i = 0; i < MM_DL_MAX && opened[i].soname != NULL; i++)
		if (strcmp(opened[i].soname, soname) == 0)
			return opened[i].handle;
	if (i == MM_DL_MAX) {
		mm_error_set(err, MM_ERR_OTHER, "%s: too many libraries", what);
		return NULL;
	}
	h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		why = dlerror();
		mm_error_set(err, MM_ERR_OTHER, "%s: %s", what,
			     why != NULL ? why : soname);
		return NULL;
	}
	opened[i].soname = soname;
	opened[i].handle = h;
	return h;
}

enum mm_result
mm_dl_load(const char *soname, const char *what, const struct mm_dl_sym *syms,
	   struct mm_error *err)
{
	enum mm_result rc = MM_OK;
	void *h;

	pthread_mutex_lock(&lock);
	h = open_lib(soname, what, err);
	if (h == NULL)
		rc = err->kind;
	if (rc == MM_OK && syms[0].name != NULL) {
		void *first;

		memcpy(&first, syms[0].slot, sizeof(first));
		if (first != NULL) { /* filled by an earlier call */
			pthread_mutex_unlock(&lock);
			return MM_OK;
		}
	}
	/* Resolve everything before filling any slot: all or nothing. */
	for (const struct mm_dl_sym *s = syms; rc == MM_OK && s->name != NULL;
	     s++) {
		const char *why;
		void *p;

		dlerror();
		p = dlsym(h, s->name);
		why = dlerror();
		if (p == NULL || why != NULL)
			rc = mm_error_set(err, MM_ERR_OTHER,
					  "%s: %s: missing symbol %s", what,
					  soname, s->name);
	}
	for (const struct mm_dl_sym *s = syms; rc == MM_OK && s->name != NULL;
	     s++) {
		/* POSIX guarantees a function pointer survives the trip
		 * through void *; the caller's slot has the function's type,
		 * so copy the object representation rather than cast. */
		void *p = dlsym(h, s->name);

		memcpy(s->slot, &p, sizeof(p));
	}
	pthread_mutex_unlock(&lock);
	return rc;
}
