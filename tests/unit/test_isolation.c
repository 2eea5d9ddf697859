// SPDX-License-Identifier: Apache-2.0
/* remora - unit tests of the daemons' seccomp filters (isolation.c)
 *
 * Each case forks a child that installs a daemon's real filter, then makes
 * a call: an allowed one must work, a forbidden one must stop the child
 * with the one-line message and ISOLATION_EXIT_STATUS. Filters need no
 * privilege (the child sets no_new_privs); a kernel without seccomp skips.
 */

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/uio.h>
#include <unistd.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <linux/vm_sockets.h>

#include <cmocka.h>
#include <seccomp.h>

#include "remora/isolation.h"
#include "remora/transport.h"

/* As isolation.c: sanitizer builds allow the runtimes' calls (open,
 * ptrace...), so those refusals are checked in release builds only */
#if defined(REMORA_SANITIZE) || defined(__SANITIZE_ADDRESS__)
#define TEST_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_SANITIZER 1
#endif
#endif

#define CHILD_NO_SECCOMP 77 /* the child's status: no seccomp here */

/**
 * struct child - what a child that ran under a filter did
 * @status:	its wait status
 * @err:	what it wrote on stderr, NUL-terminated
 */
struct child {
	int status;
	char err[4096];
};

/* Which filter a child installs */
enum which { HOST, ENCLAVE_VSOCK, ENCLAVE_UNIX, ENCLAVE_TCP6, ENCLAVE_TUN };

static int test_want_app; /* the next child forks an "application" */
static pid_t test_app;	  /* the enclave's "application", if any */
static pid_t test_parent; /* the process that runs the cases */
static int test_journal;  /* the next child logs to the journal */

/* The "application" of the enclave cases, as app.c forks it: before the
 * filter. It waits for SIGUSR1, then execs a program (allowed: it is not
 * confined), or dies of SIGTERM. */
static void fork_app(void)
{
	char *argv[] = {"true", NULL}, *envp[] = {NULL};
	sigset_t usr1;
	int sig;

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	test_app = fork();
	if (test_app)
		return;
	alarm(10); /* never outlives a failed case */
	if (sigwait(&usr1, &sig))
		_exit(40);
	execve("/bin/true", argv, envp);
	_exit(41);
}

static int test_unit_filter; /* the next child runs under a unit's filter */

/* What a unit with SystemCallFilter=@system-service and
 * SystemCallErrorNumber=EPERM, without remora-host's "seccomp", does
 * before the daemon runs: a filter in which seccomp() fails with EPERM.
 * Loaded as the service manager does, before anything in this process
 * asked libseccomp about seccomp(). */
static int install_unit_filter(void)
{
	struct sock_filter insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_seccomp, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = sizeof(insns) / sizeof(insns[0]),
				  .filter = insns};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) ? -errno : 0;
}

static int install(enum which w)
{
	struct transport_addr a;

	if (test_unit_filter && install_unit_filter())
		return -1;

	switch (w) {
	case HOST:
		return isolation_host();
	case ENCLAVE_VSOCK:
		transport_parse("vsock:3:5000", &a);
		break;
	case ENCLAVE_UNIX:
		transport_parse("unix:/nonexistent/link.sock", &a);
		break;
	case ENCLAVE_TCP6:
		transport_parse("tcp:[::1]:5000", &a);
		break;
	case ENCLAVE_TUN:
		/* tun capture, on a vsock link */
		transport_parse("vsock:3:5000", &a);
		return isolation_enclave(&a, test_app, 1);
	}
	return isolation_enclave(&a, test_app, 0);
}

/* Run @fn in a child under filter @w; its stderr is kept. Skips the test
 * where the kernel cannot filter. */
static void run(enum which w, int (*fn)(void), struct child *c)
{
	int pfd[2];
	ssize_t n;
	size_t len = 0;
	pid_t pid;

	assert_int_equal(pipe(pfd), 0);
	test_parent = getpid();
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		close(pfd[0]);
		dup2(pfd[1], STDERR_FILENO);
		if (test_journal)
			setenv("JOURNAL_STREAM", "8:1234", 1);
		else
			unsetenv("JOURNAL_STREAM");
		if (test_want_app)
			fork_app();
		if (install(w) < 0)
			_exit(CHILD_NO_SECCOMP);
		/* exit(), not _exit(): what runs at exit (LeakSanitizer in
		 * sanitizer builds) must pass the filter too */
		exit(fn());
	}
	close(pfd[1]);
	while ((n = read(pfd[0], c->err + len, sizeof(c->err) - 1 - len)) > 0)
		len += (size_t)n;
	c->err[len] = '\0';
	close(pfd[0]);
	assert_int_equal(waitpid(pid, &c->status, 0), pid);
	if (WIFEXITED(c->status) && WEXITSTATUS(c->status) == CHILD_NO_SECCOMP)
		skip();
}

/* The child was stopped for calling @name, with the line and status */
static void assert_refused(const struct child *c, const char *prog,
			   const char *name)
{
	char want[128];

	if (!WIFEXITED(c->status) ||
	    WEXITSTATUS(c->status) != ISOLATION_EXIT_STATUS)
		fail_msg("status %#x, not exit %d; stderr: %s", c->status,
			 ISOLATION_EXIT_STATUS, c->err);
	snprintf(want, sizeof(want),
		 "%s: FATAL: forbidden system call %d (%s) refused by the "
		 "seccomp filter (pid ",
		 prog, seccomp_syscall_resolve_name(name), name);
	if (!strstr(c->err, want))
		fail_msg("no '%s' in: %s", want, c->err);
}

/* The child ran to its end and exited 0 */
static void assert_allowed(const struct child *c)
{
	if (!WIFEXITED(c->status) || WEXITSTATUS(c->status))
		fail_msg("status %#x, not exit 0; stderr: %s", c->status,
			 c->err);
	assert_null(strstr(c->err, "forbidden"));
}

static void test_trap_text(void **state)
{
	char buf[256];
	size_t n;

	(void)state;
	n = isolation_trap_text("remora-host: FATAL: ", 59, "execve", 1234, buf,
				sizeof(buf));
	buf[n] = '\0';
	assert_string_equal(buf, "remora-host: FATAL: forbidden system call 59 "
				 "(execve) refused by the seccomp filter (pid "
				 "1234): exiting with status 159\n");
	/* an unknown number, another architecture's */
	n = isolation_trap_text("<2>", 1073741883, NULL, 2, buf, sizeof(buf));
	buf[n] = '\0';
	assert_string_equal(buf, "<2>forbidden system call 1073741883 refused "
				 "by the seccomp filter (pid 2): exiting with "
				 "status 159\n");
	n = isolation_trap_text("", -1, NULL, 2, buf, sizeof(buf));
	buf[n] = '\0';
	assert_non_null(strstr(buf, "call -1 refused"));
	/* cut, never overrun */
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(
		isolation_trap_text("remora-host: ", 59, "execve", 1, buf, 10),
		10);
	assert_memory_equal(buf, "remora-hos", 10);
	assert_int_equal(buf[10], 'x');
}

/* What the event loop does: all of it passes the filter */
static int loop_calls(void)
{
	struct timespec ts;
	int fd, sv, flags;
	char *big;
	sigset_t set;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) || getpid() <= 0)
		return 1;
	/* sd_notify's socket, and the calls on a socket the loop makes */
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 2;
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK))
		return 3;
	sv = 1 << 20;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sv, sizeof(sv)))
		return 4;
	if (sendto(fd, "x", 1, MSG_DONTWAIT, NULL, 0) >= 0 ||
	    errno == EPERM) /* not connected: refused by the socket */
		return 5;
	close(fd);
	/* malloc and free of a large block: mmap and munmap */
	big = malloc(4 << 20);
	if (!big)
		return 6;
	memset(big, 1, 4 << 20);
	free(big);
	sigemptyset(&set);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return 7;
	if (write(STDERR_FILENO, "loop calls done\n", 16) != 16)
		return 8;
	return 0;
}

static void test_host_allows_its_loop(void **state)
{
	struct child c;

	(void)state;
	run(HOST, loop_calls, &c);
	assert_allowed(&c);
	assert_non_null(strstr(c.err, "loop calls done"));
	assert_non_null(strstr(c.err, "seccomp: "));
	assert_non_null(strstr(c.err, " system calls allowed; any other stops "
				      "remora-host"));
}

static void test_enclave_allows_its_loop(void **state)
{
	struct child c;

	(void)state;
	run(ENCLAVE_VSOCK, loop_calls, &c);
	assert_allowed(&c);
	assert_non_null(strstr(c.err, "any other stops remora-enclave"));
}

/* The kernel reports the filter: Seccomp 2 in /proc/PID/status */
static int wait_for_parent(void)
{
	char ch;

	if (write(STDOUT_FILENO, "r", 1) != 1 ||
	    read(STDIN_FILENO, &ch, 1) != 1)
		return 1;
	return 0;
}

static void test_kernel_reports_the_filter(void **state)
{
	int to[2], from[2], st, mode = -1;
	char path[64], line[128], ch;
	FILE *f;
	pid_t pid;

	(void)state;
	assert_int_equal(pipe(to), 0);
	assert_int_equal(pipe(from), 0);
	pid = fork();
	if (!pid) {
		dup2(to[0], STDIN_FILENO);
		dup2(from[1], STDOUT_FILENO);
		dup2(open("/dev/null", O_WRONLY), STDERR_FILENO);
		if (isolation_host() < 0)
			_exit(CHILD_NO_SECCOMP);
		exit(wait_for_parent());
	}
	close(to[0]);
	close(from[1]);
	if (read(from[0], &ch, 1) != 1) { /* no seccomp: the child is gone */
		waitpid(pid, &st, 0);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), CHILD_NO_SECCOMP);
		skip();
	}
	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Seccomp: %d", &mode) == 1)
			break;
	fclose(f);
	assert_int_equal(write(to[1], "g", 1), 1);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_int_equal(mode, 2);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static int call_execve(void)
{
	char *argv[] = {"true", NULL}, *envp[] = {NULL};

	execve("/bin/true", argv, envp);
	return 1; /* refused with an errno: not what the filter does */
}

static void test_execve_refused(void **state)
{
	struct child c;

	(void)state;
	run(HOST, call_execve, &c);
	assert_refused(&c, "remora-host", "execve");
	run(ENCLAVE_UNIX, call_execve, &c);
	assert_refused(&c, "remora-enclave", "execve");
}

static int test_pipe[2]; /* made before the filter, which refuses pipe2() */

/* readv() and writev() on a pipe: what tun capture does on its device */
static int call_readv_writev(void)
{
	char out[] = "remora", in[8];
	struct iovec wv = {.iov_base = out, .iov_len = 6};
	struct iovec rv = {.iov_base = in, .iov_len = sizeof(in)};

	if (writev(test_pipe[1], &wv, 1) != 6 ||
	    readv(test_pipe[0], &rv, 1) != 6)
		return 1;
	return memcmp(in, out, 6) != 0;
}

static int call_readv(void)
{
	char in[8];
	struct iovec rv = {.iov_base = in, .iov_len = sizeof(in)};

	if (write(test_pipe[1], "x", 1) != 1)
		return 1;
	readv(test_pipe[0], &rv, 1);
	return 1;
}

/* remora-enclave in tun capture reads its device with readv() and writes
 * it with writev(); in nfqueue capture it does neither: refused */
static void test_enclave_tun_calls(void **state)
{
	struct child c;

	(void)state;
	assert_int_equal(pipe(test_pipe), 0);
	run(ENCLAVE_TUN, call_readv_writev, &c);
	assert_allowed(&c);
	run(ENCLAVE_VSOCK, call_readv, &c);
	assert_refused(&c, "remora-enclave", "readv");
	close(test_pipe[0]);
	close(test_pipe[1]);
}

/* seccomp(): such a unit's filter refuses it with EPERM, and so does
 * this one (a filter, once in, stays as it is) */
static int call_seccomp(void)
{
	syscall(SYS_seccomp, SECCOMP_SET_MODE_STRICT, 0, NULL);
	return 1;
}

/* Under systemd, the line goes to the journal with its priority: crit */
static void test_journal_line(void **state)
{
	char want[128];
	struct child c;

	(void)state;
	test_journal = 1;
	run(HOST, call_execve, &c);
	test_journal = 0;
	assert_true(WIFEXITED(c.status));
	assert_int_equal(WEXITSTATUS(c.status), ISOLATION_EXIT_STATUS);
	snprintf(want, sizeof(want),
		 "\n<2>forbidden system call %d (execve) refused by the "
		 "seccomp filter (pid ",
		 seccomp_syscall_resolve_name("execve"));
	if (!strstr(c.err, want))
		fail_msg("no '%s' in: %s", want + 1, c.err);
}

/* Under such a unit's filter, remora-host still installs its own
 * (libseccomp falls back to prctl): the two stack */
static void test_stacks_on_the_units_filter(void **state)
{
	struct child c;

	(void)state;
	test_unit_filter = 1;
	run(HOST, loop_calls, &c);
	assert_allowed(&c);
	assert_non_null(strstr(c.err, "system calls allowed; any other stops "
				      "remora-host"));
	run(HOST, call_execve, &c);
	test_unit_filter = 0;
	assert_refused(&c, "remora-host", "execve");
	/* a call both refuse: the kernel takes the stricter action, this
	 * filter's stop, not the unit's EPERM */
	test_unit_filter = 1;
	run(HOST, call_seccomp, &c);
	test_unit_filter = 0;
	assert_refused(&c, "remora-host", "seccomp");
}

static int call_raw_socket(void)
{
	socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	return 1;
}

static int call_netlink_socket(void)
{
	socket(AF_NETLINK, SOCK_RAW, 0);
	return 1;
}

static int call_inet_socket(void)
{
	socket(AF_INET, SOCK_STREAM, 0);
	return 1;
}

/* Bits the kernel ignores above an int argument change nothing */
static int call_raw_socket_high_bits(void)
{
	syscall(SYS_socket, 0x100000000UL | AF_INET, SOCK_RAW, IPPROTO_RAW);
	return 1;
}

static void test_new_sockets_refused(void **state)
{
	struct child c;

	(void)state;
	run(HOST, call_raw_socket, &c);
	assert_refused(&c, "remora-host", "socket");
	run(HOST, call_raw_socket_high_bits, &c);
	assert_refused(&c, "remora-host", "socket");
	run(HOST, call_netlink_socket, &c);
	assert_refused(&c, "remora-host", "socket");
	run(ENCLAVE_VSOCK, call_netlink_socket, &c);
	assert_refused(&c, "remora-enclave", "socket");
	/* the enclave's link is vsock: no TCP socket */
	run(ENCLAVE_VSOCK, call_inet_socket, &c);
	assert_refused(&c, "remora-enclave", "socket");
	run(ENCLAVE_TCP6, call_inet_socket, &c);
	assert_refused(&c, "remora-enclave", "socket");
}

/* Reconnection: a socket of the link's family, bound to a chosen port and
 * connected; refused or failed by the kernel, never by the filter */
static int link_socket(int family)
{
	int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return errno == EAFNOSUPPORT || errno == ENODEV ? 0 : 10;
	if (family == AF_INET6) {
		struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6,
					    .sin6_addr = IN6ADDR_LOOPBACK_INIT};
		int e = 0;
		socklen_t l = sizeof(e);

		if (bind(fd, (struct sockaddr *)&sin6, sizeof(sin6)))
			return 11;
		sin6.sin6_port = htons(9); /* nobody listens: refused */
		connect(fd, (struct sockaddr *)&sin6, sizeof(sin6));
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &l))
			return 12;
	}
	close(fd);
	return 0;
}

static int link_socket_vsock(void)
{
	return link_socket(AF_VSOCK) || link_socket(AF_UNIX);
}

static int link_socket_tcp6(void)
{
	return link_socket(AF_INET6);
}

static void test_enclave_link_sockets_allowed(void **state)
{
	struct child c;

	(void)state;
	run(ENCLAVE_VSOCK, link_socket_vsock, &c);
	assert_allowed(&c);
	run(ENCLAVE_TCP6, link_socket_tcp6, &c);
	assert_allowed(&c);
}

static int call_bind(void)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	bind(fd, (struct sockaddr *)&sun, sizeof(sa_family_t));
	return 1;
}

static void test_host_bind_refused(void **state)
{
	struct child c;

	(void)state;
	run(HOST, call_bind, &c);
	assert_refused(&c, "remora-host", "bind");
}

/* Signals the enclave's application and reaps it */
static int signal_app(void)
{
	int st;

	if (kill(test_app, SIGTERM))
		return 20;
	if (waitpid(test_app, &st, 0) != test_app || !WIFSIGNALED(st) ||
	    WTERMSIG(st) != SIGTERM)
		return 21;
	return 0;
}

static int signal_parent(void)
{
	kill(test_parent, 0);
	return 1;
}

static void test_enclave_signals_only_its_app(void **state)
{
	struct child c;

	(void)state;
	test_want_app = 1;
	run(ENCLAVE_UNIX, signal_app, &c);
	test_want_app = 0;
	assert_allowed(&c);
	run(ENCLAVE_UNIX, signal_parent, &c);
	assert_refused(&c, "remora-enclave", "kill");
	run(HOST, signal_parent, &c);
	assert_refused(&c, "remora-host", "kill");
}

/* The application, forked before the filter, is not confined by it */
static int app_not_confined(void)
{
	int st;

	if (kill(test_app, SIGUSR1)) /* the word to exec */
		return 30;
	if (waitpid(test_app, &st, 0) != test_app)
		return 31;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 32;
}

static void test_app_is_not_confined(void **state)
{
	struct child c;

	(void)state;
	test_want_app = 1;
	run(ENCLAVE_UNIX, app_not_confined, &c);
	test_want_app = 0;
	assert_allowed(&c);
}

/* abort() in the crash handlers' way: the signal's action, then raise */
static int call_abort(void)
{
	signal(SIGABRT, SIG_DFL);
	abort();
}

static void test_abort_still_works(void **state)
{
	struct child c;

	(void)state;
	run(HOST, call_abort, &c);
	assert_true(WIFSIGNALED(c.status));
	assert_int_equal(WTERMSIG(c.status), SIGABRT);
	assert_null(strstr(c.err, "forbidden"));
}

static int call_exec_mapping(void)
{
	mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1,
	     0);
	return 1;
}

static int call_exec_mprotect(void)
{
	static char page[4096] __attribute__((aligned(4096)));

	mprotect(page, sizeof(page), PROT_READ | PROT_EXEC);
	return 1;
}

static int call_sigsys_handler(void)
{
	signal(SIGSYS, SIG_IGN);
	return 1;
}

static void test_no_code_and_no_handler_change(void **state)
{
	struct child c;

	(void)state;
	run(HOST, call_exec_mapping, &c);
	assert_refused(&c, "remora-host", "mmap");
	run(ENCLAVE_VSOCK, call_exec_mprotect, &c);
	assert_refused(&c, "remora-enclave", "mprotect");
	run(ENCLAVE_VSOCK, call_sigsys_handler, &c);
	assert_refused(&c, "remora-enclave", "rt_sigaction");
}

#ifndef TEST_SANITIZER
static int call_open(void)
{
	open("/etc/hostname", O_RDONLY);
	return 1;
}

static int call_ptrace(void)
{
	ptrace(PTRACE_TRACEME, 0, NULL, NULL);
	return 1;
}

/* What the sanitizer runtimes need, and the release build refuses */
static void test_release_refusals(void **state)
{
	struct child c;

	(void)state;
	run(HOST, call_open, &c);
	assert_refused(&c, "remora-host", "openat");
	run(ENCLAVE_VSOCK, call_open, &c);
	assert_refused(&c, "remora-enclave", "openat");
	run(HOST, call_ptrace, &c);
	assert_refused(&c, "remora-host", "ptrace");
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trap_text),
		cmocka_unit_test(test_host_allows_its_loop),
		cmocka_unit_test(test_enclave_allows_its_loop),
		cmocka_unit_test(test_enclave_tun_calls),
		cmocka_unit_test(test_kernel_reports_the_filter),
		cmocka_unit_test(test_execve_refused),
		cmocka_unit_test(test_journal_line),
		cmocka_unit_test(test_stacks_on_the_units_filter),
		cmocka_unit_test(test_new_sockets_refused),
		cmocka_unit_test(test_enclave_link_sockets_allowed),
		cmocka_unit_test(test_host_bind_refused),
		cmocka_unit_test(test_enclave_signals_only_its_app),
		cmocka_unit_test(test_app_is_not_confined),
		cmocka_unit_test(test_abort_still_works),
		cmocka_unit_test(test_no_code_and_no_handler_change),
#ifndef TEST_SANITIZER
		cmocka_unit_test(test_release_refusals),
#endif
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
