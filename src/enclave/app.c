// SPDX-License-Identifier: Apache-2.0
/* remora-enclave - the application it starts once the network is ready
 *
 *   remora-enclave [options] -- /app/run.sh args
 *
 * As PID 2 of the enclave image, remora-enclave brings the network up and
 * then runs the application, so the image needs no shell script to order
 * the two. The child is forked early, while remora-enclave still holds its
 * start-up privileges, and waits on a pipe; it execs the command once
 * remora-enclave says the network is ready. So the application starts
 * with the privileges the image gave (root, every capability) while
 * remora-enclave itself keeps only what it needs.
 *
 * SIGTERM and SIGINT are forwarded to the application; when it exits,
 * remora-enclave stops and exits with its status (its exit code, or 128 +
 * the signal that killed it). If remora-enclave dies first, the
 * application gets SIGTERM (PR_SET_PDEATHSIG): it does not run on without
 * a network.
 */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app.h"
#include "remora/log.h"

/**
 * app_exit_status() - remora-enclave's exit status for the child's
 * @wstatus:	status from waitpid()
 *
 * Return: the exit code, or 128 + the signal number, as a shell does
 */
int app_exit_status(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return 1;
}

/* The child: wait for the word, then become the application */
static void app_child(struct app *a, int go, pid_t parent)
{
	sigset_t all;
	char c;
	ssize_t n;
	int sig;

	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(128 + SIGTERM); /* remora-enclave is already gone */
	for (sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	do
		n = read(go, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		_exit(128 + SIGTERM); /* remora-enclave stopped first */
	close(go);
	execvp(a->argv[0], a->argv);
	fprintf(stderr, "remora-enclave: error: cannot start %s: %s\n",
		a->argv[0], strerror(errno));
	_exit(127);
}

/**
 * app_fork() - fork the application's process, which waits for app_start()
 * @a:		application, @a->argv set
 * @loop:	the default event loop (child watchers need it)
 * @exited:	called when the child exits
 * @data:	@exited's watcher data
 *
 * Return: 0, or a negative errno
 */
int app_fork(struct app *a, struct ev_loop *loop,
	     void (*exited)(struct ev_loop *loop, ev_child *w, int revents),
	     void *data)
{
	pid_t parent = getpid();
	int pfd[2];

	if (pipe2(pfd, O_CLOEXEC))
		return -errno;
	a->pid = fork();
	if (a->pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -errno;
	}
	if (!a->pid) {
		close(pfd[1]);
		app_child(a, pfd[0], parent);
	}
	close(pfd[0]);
	a->go_fd = pfd[1];
	a->started = 0;
	ev_child_init(&a->child, exited, a->pid, 0);
	a->child.data = data;
	ev_child_start(loop, &a->child);
	return 0;
}

/**
 * app_start() - let the application exec
 * @a:	application, forked
 *
 * Return: 0, or a negative errno (the child has gone)
 */
int app_start(struct app *a)
{
	ssize_t n;

	if (a->started || a->go_fd < 0)
		return 0;
	a->started = 1;
	n = write(a->go_fd, "g", 1);
	close(a->go_fd);
	a->go_fd = -1;
	return n == 1 ? 0 : -errno;
}

/**
 * app_signal() - pass a signal on to the application
 * @a:		application
 * @sig:	signal
 *
 * Return: 1 if there is a running child to signal, 0 otherwise
 */
int app_signal(struct app *a, int sig)
{
	if (!a->argv || a->pid <= 0)
		return 0;
	if (!a->started) {
		/* never exec'ed: closing the pipe makes it exit */
		close(a->go_fd);
		a->go_fd = -1;
		a->started = 1;
	}
	kill(a->pid, sig);
	return 1;
}
