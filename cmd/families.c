/* The one list of command families. */
#include "cmd.h"

const struct mm_family mm_families[] = {
	{"auth", "Log in, save and switch between servers (profiles)",
	 mm_auth_cmds},
	{"config", "Read and change the server configuration", mm_config_cmds},
	{"db", "Database maintenance", mm_db_cmds},
	{"file", "File storage", mm_file_cmds},
	{"remotecluster", "Secure connections to other Mattermost servers",
	 mm_remotecluster_cmds},
	{"system", "Server health and system operations", mm_system_cmds},
	MM_FAMILY_END,
};
