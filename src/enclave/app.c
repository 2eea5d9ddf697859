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

static struct sigaction app_saved[32];

/* Append the decimal digits of @v to @buf at @n; async-signal-safe */
static size_t app_put_num(char *buf, size_t n, size_t cap, unsigned long v)
{
	char d[20];
	size_t k = 0;

	do
		d[k++] = (char)('0' + v % 10);
	while ((v /= 10) && k < sizeof(d));
	while (k && n < cap)
		buf[n++] = d[--k];
	return n;
}

/* Append the text @s to @buf at @n; async-signal-safe */
static size_t app_put_str(char *buf, size_t n, size_t cap, const char *s)
{
	while (*s && n < cap)
		buf[n++] = *s++;
	return n;
}

/**
 * app_crash_text() - the line remora-enclave prints when it crashes
 * @sig:	the fatal signal
 * @pid:	remora-enclave's process id
 * @buf:	where the line goes (not NUL-terminated)
 * @cap:	its size: a line that does not fit is cut
 *
 * Async-signal-safe: no allocation, no stdio, no locale.
 *
 * Return: its length
 */
size_t app_crash_text(int sig, long pid, char *buf, size_t cap)
{
	size_t n = 0;

	n = app_put_str(buf, n, cap,
			"remora-enclave: FATAL: crashed with signal ");
	n = app_put_num(buf, n, cap, sig > 0 ? (unsigned long)sig : 0);
	n = app_put_str(buf, n, cap, " (pid ");
	n = app_put_num(buf, n, cap, pid > 0 ? (unsigned long)pid : 0);
	return app_put_str(buf, n, cap, "); the enclave has no network\n");
}

/* Say loudly that remora-enclave crashed, then let the signal do what it
 * did before (ASan's report, a core dump): async-signal-safe calls only */
static void app_crash(int sig)
{
	char line[128];
	size_t n = app_crash_text(sig, (long)getpid(), line, sizeof(line));

	if (write(STDERR_FILENO, line, n) < 0) {
		/* nothing more can be done */
	}
	if (sig > 0 && sig < (int)(sizeof(app_saved) / sizeof(app_saved[0])))
		sigaction(sig, &app_saved[sig], NULL);
	raise(sig);
}

/**
 * app_crash_handlers() - log a crash of remora-enclave itself loudly
 *
 * SIGSEGV, SIGBUS, SIGILL, SIGFPE and SIGABRT print one FATAL line, then
 * take their previous action.
 */
void app_crash_handlers(void)
{
	static const int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = app_crash;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, &app_saved[sigs[i]]);
}
