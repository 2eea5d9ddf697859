// SPDX-License-Identifier: Apache-2.0
/* remora - `--stats`: read a running daemon's report from its control
 * socket and print it */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "remora/ctl.h"
#include "remora/query.h"

/**
 * query_report() - read a running daemon's report from its control socket
 * @path:	control socket path
 * @prog:	our name, for messages
 * @out:	where the report goes
 *
 * Return: exit status: 0 on success, 1 if the daemon cannot be reached
 */
int query_report(const char *path, const char *prog, FILE *out)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct timeval tv = {.tv_sec = (time_t)CTL_TIMEOUT};
	char buf[4096];
	ssize_t n;
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "%s: --control: path too long: %s\n", prog,
			path);
		return 1;
	}
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		fprintf(stderr, "%s: cannot reach the daemon at %s: %s (%s)\n",
			prog, path, strerror(errno),
			errno == EACCES || errno == EPERM
				? "reading the counters needs root"
				: "is it running, with the same --control?");
		if (fd >= 0)
			close(fd);
		return 1;
	}
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "%s: reading %s: %s\n", prog, path,
				strerror(errno));
			close(fd);
			return 1;
		}
		fwrite(buf, 1, (size_t)n, out);
	}
	close(fd);
	return fflush(out) ? 1 : 0;
}
