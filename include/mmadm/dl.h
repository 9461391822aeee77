/*
 * Optional libraries loaded on first use (dlopen), so that a command that
 * never needs line editing, jq or WebSockets does not pay for loading and
 * relocating them at start-up.
 */
#ifndef MMADM_DL_H
#define MMADM_DL_H

#include "mmadm/error.h"

/* One symbol to resolve into *slot; a table ends with {NULL, NULL}. */
struct mm_dl_sym {
	const char *name;
	void **slot;
};

/*
 * Open soname (RTLD_NOW | RTLD_LOCAL, once per process, never closed) and
 * fill every slot of syms. `what` names the library for the user, as in
 * "the interactive shell needs libedit (Debian package libedit2)". On
 * failure sets err (MM_ERR_OTHER, one line with dlerror()) and leaves the
 * slots as they were. Thread-safe; cheap once loaded.
 */
enum mm_result mm_dl_load(const char *soname, const char *what,
			  const struct mm_dl_sym *syms, struct mm_error *err);

/* A table entry for function fn held in tab.fn (a pointer of fn's type). */
#define MM_DL_SYM(tab, fn)                                                     \
	{                                                                      \
#fn, (void **)&(tab).fn                                        \
	}

#endif
