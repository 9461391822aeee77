/* libFuzzer: the profiles file loader (and what it loads must save and load
 * back the same). */
#include "mmadm/conf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char in[128], out[128];
	struct mm_profiles p, q;
	struct mm_error err;
	FILE *f;

	if (dir[0] == '\0') {
		strcpy(dir, "/tmp/mmadm-fuzz-XXXXXX");
		if (mkdtemp(dir) == NULL)
			abort();
	}
	snprintf(in, sizeof(in), "%s/in.yaml", dir);
	snprintf(out, sizeof(out), "%s/out/config.yaml", dir);
	f = fopen(in, "wb");
	if (f == NULL)
		abort();
	if (fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
	chmod(in, 0600);
	mm_error_clear(&err);
	memset(&p, 0, sizeof(p));
	memset(&q, 0, sizeof(q));
	if (mm_profiles_load(in, &p, &err) == MM_OK &&
	    mm_profiles_save(out, &p, &err) == MM_OK) {
		if (mm_profiles_load(out, &q, &err) != MM_OK || q.n != p.n)
			abort();
		for (size_t i = 0; i < p.n; i++)
			if (strcmp(p.v[i].name, q.v[i].name) != 0 ||
			    (p.v[i].token == NULL) != (q.v[i].token == NULL) ||
			    (p.v[i].token &&
			     strcmp(p.v[i].token, q.v[i].token)))
				abort();
	}
	mm_profiles_release(&p);
	mm_profiles_release(&q);
	return 0;
}
