/* Questions on the controlling terminal. */
#include "cli_internal.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

char *
mm_cli_prompt_tty(const char *prompt, bool secret)
{
	struct termios old, noecho;
	bool restore = false;
	char line[1024];
	size_t len = 0;
	char *res = NULL;
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (write(fd, prompt, strlen(prompt)) < 0)
		goto out;
	if (secret && tcgetattr(fd, &old) == 0) {
		noecho = old;
		noecho.c_lflag &= ~(tcflag_t)ECHO;
		noecho.c_lflag |= ECHONL;
		if (tcsetattr(fd, TCSAFLUSH, &noecho) == 0)
			restore = true;
	}
	for (;;) {
		char ch;
		ssize_t n = read(fd, &ch, 1);

		if (n <= 0) {
			if (len == 0)
				goto out;
			break;
		}
		if (ch == '\n' || ch == '\r')
			break;
		if (len + 1 < sizeof(line))
			line[len++] = ch;
	}
	line[len] = '\0';
	res = mm_strdup(line);
out:
	if (restore)
		tcsetattr(fd, TCSAFLUSH, &old);
	mm_wipe(line, sizeof(line));
	close(fd);
	return res;
}
