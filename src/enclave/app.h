/* SPDX-License-Identifier: Apache-2.0 */
/* remora-enclave - the application it starts once the network is ready */
#ifndef REMORA_APP_H
#define REMORA_APP_H

#include <sys/types.h>

#include <ev.h>

/**
 * struct app - the application: `remora-enclave [options] -- CMD ARGS`
 * @argv:	command and arguments, NULL-terminated; NULL: no application
 * @pid:	its process, 0 before it is forked, -1 once reaped
 * @go_fd:	write end of the pipe the child waits on before it execs
 * @started:	the child was told to exec
 * @status:	exit status of remora-enclave once the child is reaped:
 *		its exit code, or 128 + the signal that killed it
 * @child:	watcher of the child
 */
struct app {
	char **argv;
	pid_t pid;
	int go_fd;
	int started;
	int status;
	ev_child child;
};

int app_exit_status(int wstatus);
int app_fork(struct app *a, struct ev_loop *loop,
	     void (*exited)(struct ev_loop *loop, ev_child *w, int revents),
	     void *data);
int app_start(struct app *a);
int app_signal(struct app *a, int sig);

#endif /* REMORA_APP_H */
