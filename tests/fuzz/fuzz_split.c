/* libFuzzer: the shell's line splitter, then completion and the history
 * secret predicate on whatever words come out, against the real table.
 * Nothing runs: no exec, no files, no network. */
#include "../../cmd/cmd.h"
#include "mmadm/repl.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mm_completion c;
	struct mm_split s;
	char *line;

	if (size > 4096)
		return 0;
	line = malloc(size + 1);
	if (line == NULL)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	/* The length given, not the NUL: lines may hold NUL bytes. */
	if (mm_split_line(line, size, &s)) {
		size_t n = s.words.n;
		const char *cur = "";

		(void)mm_repl_line_is_secret(mm_families, s.words.v, n);
		if (s.partial && n > 0)
			cur = s.words.v[--n];
		for (int repl = 0; repl < 2; repl++)
			if (mm_complete(mm_families, repl, s.words.v, n, cur,
					&c)) {
				char *common = mm_completion_common(&c);

				if (common != NULL &&
				    strncmp(common,
					    c.words.n ? c.words.v[0] : "",
					    strlen(common)) != 0)
					abort();
				free(common);
				mm_completion_release(&c);
			}
		mm_split_release(&s);
	}
	free(line);
	return 0;
}
