/* The two ways to name the libcurl version: curl_version() builds the full
 * string, which initialises every dependency that reports a version
 * (OpenLDAP, hence SASL and its plugins); curl_version_info() does not.
 * Usage: version full|info */
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "info") == 0) {
		const curl_version_info_data *v =
			curl_version_info(CURLVERSION_NOW);

		printf("probe 0.1.0 (libcurl/%s %s)\n", v->version,
		       v->ssl_version ? v->ssl_version : "");
	} else {
		printf("probe 0.1.0 (%s)\n", curl_version());
	}
	return 0;
}
