/* The one list of command families. */
#include "cmd.h"

const struct mm_family mm_families[] = {
	{"api", "Call any API v4 endpoint (like gh api)", mm_api_cmds},
	{"auth", "Log in, save and switch between servers (profiles)",
	 mm_auth_cmds},
	{"brand", "The brand image of the login page", mm_brand_cmds},
	{"completion", "Shell completion scripts (bash, zsh, fish)",
	 mm_completion_cmds},
	{"config", "Read and change the server configuration", mm_config_cmds},
	{"db", "Database maintenance", mm_db_cmds},
	{"events", "Live server events over the WebSocket", mm_events_cmds},
	{"file", "File storage and the files of posts", mm_file_cmds},
	{"license", "The server's license and trial licenses", mm_license_cmds},
	{"logs", "Read, follow, query and write the server log", mm_logs_cmds},
	{"plugin", "Install, enable, disable and list plugins", mm_plugin_cmds},
	{"remotecluster", "Secure connections to other Mattermost servers",
	 mm_remotecluster_cmds},
	{"retention", "Data retention policies (Enterprise)",
	 mm_retention_cmds},
	{"saml", "SAML metadata, certificates and SAML users", mm_saml_cmds},
	{"shell", "Interactive console and script mode, reusing one connection",
	 mm_shell_cmds},
	{"system", "Server health and system operations", mm_system_cmds},
	{"upload", "Resumable upload sessions", mm_upload_cmds},
	MM_FAMILY_END,
};
