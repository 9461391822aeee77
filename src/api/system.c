/* Database area: recycle (ping is in system_ops.c). */
#include "mmadm/api.h"

enum mm_result
mm_api_db_recycle(struct mm_client *c, struct mm_json **out,
		  struct mm_error *err)
{
	return mm_api_request(c, "POST", "/api/v4/database/recycle", NULL,
			      MM_API_EMPTY_OK, out, NULL, err);
}
