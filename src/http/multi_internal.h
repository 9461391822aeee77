/* Between http.c and multi.c: perform one easy handle through the loop. */
#ifndef MMADM_HTTP_MULTI_INTERNAL_H
#define MMADM_HTTP_MULTI_INTERNAL_H

#include "mmadm/http_multi.h"

#include <curl/curl.h>

/* Blocks the calling (worker) thread until the loop finished the transfer
 * of easy; returns its result. The handle must not be used meanwhile. */
CURLcode mm_http_multi_perform(struct mm_http_multi *m, CURL *easy);

#endif
