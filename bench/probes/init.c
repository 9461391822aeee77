/*
 * What curl_global_init costs, and what can be skipped.
 * Usage: init default|nothing|noconfig
 *   default   curl_global_init(CURL_GLOBAL_DEFAULT): libcurl initialises
 *             OpenSSL, which loads openssl.cnf and registers
 *             OPENSSL_cleanup to run at exit
 *   nothing   curl_global_init(CURL_GLOBAL_NOTHING): since libcurl 7.57
 *             the SSL flag is ignored, so this does the same work
 *   noconfig  first OPENSSL_init_crypto(NO_LOAD_CONFIG | NO_ATEXIT), then
 *             CURL_GLOBAL_DEFAULT: OpenSSL's run-once config step is then
 *             already done, so openssl.cnf is not read and nothing runs at
 *             exit (only safe where no TLS is used, e.g. --local)
 */
#include <curl/curl.h>
#include <stdint.h>
#include <string.h>

/* From <openssl/crypto.h> (OpenSSL 3), declared here so that the probe
 * needs no libssl-dev. */
int OPENSSL_init_crypto(uint64_t opts, const void *settings);
#define PROBE_INIT_NO_LOAD_CONFIG 0x00000080L
#define PROBE_INIT_NO_ATEXIT 0x00080000L

int
main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "default";
	long flags = strcmp(mode, "nothing") == 0 ? CURL_GLOBAL_NOTHING
						  : CURL_GLOBAL_DEFAULT;
	CURL *c;

	if (strcmp(mode, "noconfig") == 0)
		OPENSSL_init_crypto(
			PROBE_INIT_NO_LOAD_CONFIG | PROBE_INIT_NO_ATEXIT, NULL);
	if (curl_global_init(flags) != CURLE_OK)
		return 1;
	c = curl_easy_init();
	curl_easy_cleanup(c);
	curl_global_cleanup();
	return 0;
}
