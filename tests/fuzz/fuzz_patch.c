/* libFuzzer: the config patch builder. Input = YAML/JSON patch text, then
 * after a line "--" any number of Section.Key=VALUE lines. The config is a
 * fixed realistic sample. */
#include "mmadm/api.h"
#include "mmadm/yaml.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char cfg_text[] =
	"{\"ServiceSettings\":{\"SiteURL\":\"http://a\",\"EnableDeveloper\":"
	"false,\"MaximumLoginAttempts\":10,\"TrustedProxyIPHeader\":[\"X\"]},"
	"\"EmailSettings\":{\"SMTPPassword\":"
	"\"********************************\"},\"SqlSettings\":{"
	"\"DataSourceReplicas\":[],\"ReplicaLagSettings\":[]},"
	"\"PluginSettings\":{\"Plugins\":{\"p1\":{\"k\":\"v\"}},"
	"\"PluginStates\":{}},\"LogSettings\":{\"ConsoleLevel\":\"INFO\","
	"\"FileJson\":null}}";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mm_json *cfg = NULL, *patch = NULL, *merged;
	struct mm_error err;
	char *text = malloc(size + 1), *sep;
	struct mm_config_changes ch;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	mm_error_clear(&err);
	if (mm_json_parse(cfg_text, strlen(cfg_text), &cfg, &err) != MM_OK)
		abort();
	sep = strstr(text, "\n--\n");
	if (sep != NULL) {
		const char *sets[16];
		size_t n = 0;
		char *save = NULL;

		*sep = '\0';
		for (char *l = strtok_r(sep + 4, "\n", &save); l && n < 16;
		     l = strtok_r(NULL, "\n", &save))
			sets[n++] = l;
		if (mm_config_patch_from_sets(cfg, sets, n, &patch, &err) ==
		    MM_OK) {
			merged = mm_config_merge(cfg, patch);
			if (mm_config_diff(cfg, merged, patch, &ch))
				mm_config_changes_release(&ch);
			mm_json_free(merged);
			mm_json_free(patch);
			patch = NULL;
		}
	}
	if (mm_yaml_parse(text, strlen(text), "fuzz", MM_ERR_USAGE, &patch,
			  &err) == MM_OK &&
	    mm_config_patch_check(cfg, patch, &err) == MM_OK) {
		struct mm_json *red = mm_config_redact(patch);

		merged = mm_config_merge(cfg, patch);
		if (mm_config_diff(cfg, merged, patch, &ch))
			mm_config_changes_release(&ch);
		mm_json_free(merged);
		mm_json_free(red);
	}
	mm_json_free(patch);
	mm_json_free(cfg);
	free(text);
	return 0;
}
