/* libFuzzer: a server response (status from the first byte, then the body)
 * through AppError parsing, JSON parsing and every output format. */
#include "mmadm/api.h"
#include "mmadm/out.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const long statuses[] = {200, 201, 302, 400, 401, 403,
					404, 413, 429, 500, 501, 503};
	struct mm_http_resp resp;
	struct mm_error err;
	struct mm_json *doc = NULL;
	FILE *sink;

	if (size < 1)
		return 0;
	mm_http_resp_init(&resp);
	resp.status =
		statuses[data[0] % (sizeof(statuses) / sizeof(*statuses))];
	if (!mm_buf_append(&resp.body, data + 1, size - 1)) {
		mm_http_resp_release(&resp);
		return 0;
	}
	mm_error_clear(&err);
	mm_api_error_from_response(&resp, &err);
	/* the message must stay one printable line */
	for (const char *p = err.message; *p; p++)
		if ((unsigned char)*p < 0x20)
			abort();
	mm_error_clear(&err);
	if (mm_json_parse(resp.body.data, resp.body.len, &doc, &err) == MM_OK) {
		static const struct mm_column cols[] = {
			{"ID", "id"}, {"NAME", "a.b"}, MM_COLUMN_END};
		enum mm_format fmts[] = {MM_FMT_TABLE, MM_FMT_JSON, MM_FMT_YAML,
					 MM_FMT_PLAIN};

		sink = fopen("/dev/null", "w");
		for (size_t i = 0; sink != NULL && i < 4; i++) {
			struct mm_out o;

			mm_out_init(&o, sink, sink, fmts[i], true, false);
			mm_out_doc(&o, doc, NULL);
			mm_out_doc(&o, doc, cols);
			mm_out_release(&o);
		}
		if (sink != NULL)
			fclose(sink);
		mm_json_free(doc);
	}
	mm_http_resp_release(&resp);
	return 0;
}
