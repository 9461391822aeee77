/*
 * The floor: the least a libcurl + cJSON client can do for `system ping`.
 * Same request and headers as mmadm and the curl baseline, parses the
 * answer with cJSON and prints "status".
 *
 * Usage: floor_ping URL [--socket PATH] [--cacert FILE] [--no-ssl-config]
 *   --no-ssl-config: OPENSSL_init_crypto(NO_LOAD_CONFIG | NO_ATEXIT) before
 *   curl_global_init, so openssl.cnf is not read and OPENSSL_cleanup does
 *   not run at exit (what a plain-HTTP or --local run could do; note that
 *   CURL_GLOBAL_NOTHING would not help: libcurl ignores the SSL flag
 *   since 7.57)
 * MMADM_TOKEN is sent as a Bearer token unless --socket is given.
 */
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* From <openssl/crypto.h> (OpenSSL 3); declared here so that the probe
 * needs no libssl-dev. */
int OPENSSL_init_crypto(uint64_t opts, const void *settings);
#define PROBE_INIT_NO_LOAD_CONFIG 0x00000080L
#define PROBE_INIT_NO_ATEXIT 0x00080000L

struct buf {
	char *p;
	size_t n;
};

static size_t
on_body(char *d, size_t s, size_t n, void *ud)
{
	struct buf *b = ud;
	char *p = realloc(b->p, b->n + s * n + 1);

	if (p == NULL)
		return 0;
	memcpy(p + b->n, d, s * n);
	b->p = p;
	b->n += s * n;
	p[b->n] = '\0';
	return s * n;
}

int
main(int argc, char **argv)
{
	const char *url = NULL, *sock = NULL, *cacert = NULL;
	const char *tok = getenv("MMADM_TOKEN");
	struct curl_slist *h = NULL;
	struct buf b = {NULL, 0};
	char auth[256], full[1024];
	long noconf = 0, code = 0;
	cJSON *doc;
	CURL *c;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc)
			sock = argv[++i];
		else if (strcmp(argv[i], "--cacert") == 0 && i + 1 < argc)
			cacert = argv[++i];
		else if (strcmp(argv[i], "--no-ssl-config") == 0)
			noconf = 1;
		else
			url = argv[i];
	}
	if (url == NULL)
		return 2;
	if (noconf)
		OPENSSL_init_crypto(
			PROBE_INIT_NO_LOAD_CONFIG | PROBE_INIT_NO_ATEXIT, NULL);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	c = curl_easy_init();
	snprintf(full, sizeof(full),
		 "%s/api/v4/system/ping?use_rest_semantics=true", url);
	curl_easy_setopt(c, CURLOPT_URL, full);
	if (sock != NULL) {
		curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, sock);
	} else if (tok != NULL) {
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", tok);
		h = curl_slist_append(h, auth);
	}
	if (cacert != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, cacert);
	h = curl_slist_append(h, "X-Requested-With: XMLHttpRequest");
	h = curl_slist_append(h, "Accept: application/json");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "mmadm-bench");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	if (curl_easy_perform(c) != CURLE_OK)
		return 3;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	doc = cJSON_ParseWithLength(b.p ? b.p : "", b.n);
	if (code != 200 || doc == NULL)
		return 11;
	puts(cJSON_GetStringValue(
		cJSON_GetObjectItemCaseSensitive(doc, "status")));
	cJSON_Delete(doc);
	free(b.p);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	curl_global_cleanup();
	return 0;
}
