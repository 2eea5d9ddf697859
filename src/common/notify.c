// SPDX-License-Identifier: Apache-2.0
/* remora - readiness and watchdog for systemd (Type=notify)
 *
 * The sd_notify protocol, written out rather than linked: one datagram per
 * message to the unix socket named by $NOTIFY_SOCKET ('@' for the abstract
 * namespace). Without $NOTIFY_SOCKET (a terminal, PID 2 in an enclave) every
 * call does nothing. With $WATCHDOG_USEC set for this process, the event
 * loop sends WATCHDOG=1 at half that interval: a loop that stops turning
 * stops the pings, and systemd restarts the daemon.
 */

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "remora/log.h"
#include "remora/notify.h"

static ev_timer notify_wd;

/**
 * notify_send() - send one message to the service manager
 * @msg:	e.g. "READY=1\nSTATUS=listening"
 *
 * Return: 1 if sent, 0 if there is no service manager, or a negative errno
 */
int notify_send(const char *msg)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	const char *path = getenv("NOTIFY_SOCKET");
	socklen_t len;
	size_t plen;
	int fd, rc = 1;

	if (!path || !*path)
		return 0;
	plen = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || plen >= sizeof(sun.sun_path))
		return -EINVAL;
	memcpy(sun.sun_path, path, plen);
	if (path[0] == '@')
		sun.sun_path[0] = '\0';
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (sendto(fd, msg, strlen(msg), MSG_NOSIGNAL | MSG_DONTWAIT,
		   (struct sockaddr *)&sun, len) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

/**
 * notify_watchdog_interval() - seconds between watchdog pings
 *
 * Return: half of $WATCHDOG_USEC if it is set for this process, else 0
 */
double notify_watchdog_interval(void)
{
	const char *usec = getenv("WATCHDOG_USEC"), *pid;
	char *end;
	double v;

	if (!usec)
		return 0;
	pid = getenv("WATCHDOG_PID");
	if (pid && strtol(pid, NULL, 10) != (long)getpid())
		return 0;
	v = strtod(usec, &end);
	if (end == usec || *end || !(v > 0))
		return 0;
	return v / 2e6;
}

static void notify_wd_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
	notify_send("WATCHDOG=1");
}

/**
 * notify_ready() - tell the service manager start-up is done
 * @loop:	event loop that will send watchdog pings
 * @status:	one line for `systemctl status`
 */
void notify_ready(struct ev_loop *loop, const char *status)
{
	char msg[512];
	double wd = notify_watchdog_interval();
	int rc;

	snprintf(msg, sizeof(msg), "READY=1\nSTATUS=%s\nMAINPID=%ld", status,
		 (long)getpid());
	rc = notify_send(msg);
	if (rc < 0)
		warn("cannot notify the service manager at %s: %s",
		     getenv("NOTIFY_SOCKET"), strerror(-rc));
	if (rc > 0 && wd > 0) {
		ev_timer_init(&notify_wd, notify_wd_cb, 0, wd);
		ev_timer_again(loop, &notify_wd);
		debug("watchdog: a ping every %g s", wd);
	}
}

/**
 * notify_stopping() - tell the service manager we are shutting down
 */
void notify_stopping(void)
{
	notify_send("STOPPING=1\nSTATUS=stopping");
}
