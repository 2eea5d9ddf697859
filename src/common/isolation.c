// SPDX-License-Identifier: Apache-2.0
/* remora - self-isolation: a seccomp filter of the system calls each daemon
 * makes once it is set up
 *
 * Everything privileged or file-based happens at start-up: sockets are
 * opened and bound, the queue is bound, the capabilities are dropped. What
 * is left is the event loop moving packets between sockets it already
 * holds. So, once set up, each daemon installs an allowlist of exactly the
 * system calls that loop makes (libev, NFQUEUE over netlink, raw injection,
 * the link, the control socket and metrics, sd_notify, sock_diag, path MTU
 * look-ups, signals, the application of remora-enclave, exit). Anything
 * else, execve, ptrace, opening a file, a new raw or netlink socket, a new
 * executable mapping, is refused: a flaw in the packet path (which parses
 * what the untrusted peer sends) then gives an attacker no new program, no
 * file and no new socket.
 *
 * A refused call stops the daemon (SCMP_ACT_TRAP, handled here): one line
 * on stderr names the call, then exit status ISOLATION_EXIT_STATUS. Not
 * EPERM: a call the code makes and the list forgot would fail in some
 * rare path, silently; a stop says which call is missing the first time.
 * Not a silent SIGSYS kill: the operator reads the call's name in the
 * journal or on the enclave's console.
 *
 * Built with libseccomp rather than as hand-written BPF (as passt does):
 * it checks the architecture (including x86_64's x32 calls), compares
 * 64-bit arguments correctly, knows each architecture's numbers and names
 * (the list below is portable: a call an architecture lacks is skipped),
 * and its filter compiler is the one systemd, QEMU and container runtimes
 * use. libseccomp2 is in every Debian base image (apt depends on it).
 *
 * remora-host also runs under its unit's SystemCallFilter: filters stack,
 * and a call passes only if both allow it (when both refuse one, the
 * kernel takes the stricter action: this filter's stop). The unit allows
 * seccomp(); under a filter that does not, libseccomp loads this one with
 * prctl(PR_SET_SECCOMP).
 */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <seccomp.h>

#include "remora/isolation.h"
#include "remora/log.h"
#include "remora/sigsafe.h"
#include "remora/transport.h"

/* Sanitizer builds (REMORA_SANITIZE, scripts/build.sh --asan): the ASan,
 * LSan and UBSan runtimes make calls of their own, allowed only there */
#if defined(REMORA_SANITIZE) || defined(__SANITIZE_ADDRESS__)
#define ISOLATION_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ISOLATION_SANITIZER 1
#endif
#endif

#define ISOLATION_NR_MAX    512	 /* names kept for call numbers below this */
#define ISOLATION_NAMES_BUF 8192 /* bytes: every name of one architecture */
#define ISOLATION_RULES_MAX 128	 /* distinct calls allowed, at most */

/* What both daemons call once set up */
static const char *const isolation_common[] = {
	/* the event loop (libev): epoll, its signalfd, its timers */
	"epoll_wait",
	"epoll_pwait",
	"epoll_ctl",
	"read",
	"clock_gettime",
	"gettimeofday",
	/* NFQUEUE: packets in batches, verdicts (libmnl); sock_diag */
	"recvmmsg",
	"sendto",
	/* raw injection, in batches */
	"sendmmsg",
	/* the link, the control socket and metrics clients; logs */
	"recvfrom",
	"write",
	"accept4",
	"shutdown",
	"close",
	"getsockopt",
	"setsockopt",
	"getpeername",
	"getsockname",
	/* path MTU look-ups: connect() of a UDP socket opened at start */
	"connect",
	/* the kernel's queue counters, from a file opened at start-up */
	"pread64",
	/* signals (SIGTERM, SIGINT, SIGUSR1, SIGCHLD; crash handlers) */
	"rt_sigreturn",
	"rt_sigprocmask",
	"restart_syscall",
	"wait4",
	/* memory: malloc and free (libev grows its arrays) */
	"brk",
	"munmap",
	"mremap",
	"madvise",
	"futex",
	/* identity: reports, raise(), the control socket's peer check */
	"getpid",
	"gettid",
	"geteuid",
	/* exit: the socket files are removed on a clean stop */
	"unlink",
	"unlinkat",
	"exit_group",
	"exit",
};

#ifdef ISOLATION_SANITIZER
/* The sanitizer runtimes, measured on their every path under the filter
 * (a clean exit, a leak, an ASan and a UBSan report): the alternate signal
 * stack of their fault handlers; LeakSanitizer at exit, which clones a
 * task that stops the daemon with ptrace while it reads /proc/self/maps
 * and the daemon's threads; their reports, which read the binary's debug
 * information and ask whether stderr is a terminal. Sanitizer builds
 * only: the release build opens no file, clones nothing, traces nothing.
 * A call missing here shows as a daemon that never finishes exiting: the
 * LeakSanitizer task runs with every signal blocked, so the trap kills it
 * without a word, and the daemon waits for it.
 */
static const char *const isolation_sanitizer[] = {
	"sigaltstack", "clone",	   "prctl",  "ptrace",	   "getppid",
	"sched_yield", "open",	   "openat", "newfstatat", "lseek",
	"getdents",    "readlink", "ioctl",
};
#endif

/* Names of the calls of this architecture, for the line a refused call
 * prints: looked up at start-up, read by the signal handler */
static char isolation_names[ISOLATION_NAMES_BUF];
static uint16_t isolation_name_at[ISOLATION_NR_MAX]; /* offset + 1; 0: none */
static uint32_t isolation_arch;
static char isolation_prefix[64];

/**
 * isolation_trap_text() - the line a daemon prints when its filter stops it
 * @prefix:	"remora-host: FATAL: ", or "<2>" for the journal
 * @nr:		the refused system call's number
 * @name:	its name, or NULL if unknown
 * @pid:	the daemon's process id
 * @buf:	where the line goes (not NUL-terminated)
 * @cap:	its size: a line that does not fit is cut
 *
 * Async-signal-safe: no allocation, no stdio, no locale.
 *
 * Return: its length
 */
size_t isolation_trap_text(const char *prefix, long nr, const char *name,
			   long pid, char *buf, size_t cap)
{
	size_t n = 0;

	n = sigsafe_put_str(buf, n, cap, prefix);
	n = sigsafe_put_str(buf, n, cap, "forbidden system call ");
	n = sigsafe_put_num(buf, n, cap, nr);
	if (name) {
		n = sigsafe_put_str(buf, n, cap, " (");
		n = sigsafe_put_str(buf, n, cap, name);
		n = sigsafe_put_str(buf, n, cap, ")");
	}
	n = sigsafe_put_str(buf, n, cap,
			    " refused by the seccomp filter (pid ");
	n = sigsafe_put_num(buf, n, cap, pid);
	n = sigsafe_put_str(buf, n, cap, "): exiting with status ");
	n = sigsafe_put_num(buf, n, cap, ISOLATION_EXIT_STATUS);
	return sigsafe_put_str(buf, n, cap, "\n");
}

/* SIGSYS from the filter: say which call, and stop. Async-signal-safe
 * calls only, each of them allowed by the filter. */
static void isolation_trap(int sig, siginfo_t *si, void *uc)
{
	const char *name = NULL;
	char line[256];
	size_t n;
	int nr = si->si_syscall;

	(void)sig;
	(void)uc;
	if (si->si_arch == isolation_arch && nr >= 0 && nr < ISOLATION_NR_MAX &&
	    isolation_name_at[nr])
		name = isolation_names + isolation_name_at[nr] - 1;
	n = isolation_trap_text(isolation_prefix, nr, name, (long)getpid(),
				line, sizeof(line));
	if (write(STDERR_FILENO, line, n) < 0) {
		/* nothing more can be done */
	}
	_exit(ISOLATION_EXIT_STATUS);
}

/* Keep the native architecture's call names for isolation_trap() */
static void isolation_load_names(void)
{
	size_t at = 0, len;
	char *name;
	int nr;

	isolation_arch = seccomp_arch_native();
	for (nr = 0; nr < ISOLATION_NR_MAX; nr++) {
		name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
		if (!name)
			continue;
		len = strlen(name) + 1;
		if (at + len <= sizeof(isolation_names)) {
			memcpy(isolation_names + at, name, len);
			isolation_name_at[nr] = (uint16_t)(at + 1);
			at += len;
		}
		free(name);
	}
}

/**
 * struct isolation_filter - a filter being built
 * @ctx:	libseccomp's filter
 * @nrs:	the calls allowed so far, each once
 * @n:		how many
 */
struct isolation_filter {
	scmp_filter_ctx ctx;
	int nrs[ISOLATION_RULES_MAX];
	int n;
};

/* Allow @name when its arguments match all of @cmp (none: any); several
 * rules for one call allow it when any of them matches. A call this
 * architecture does not have is skipped. Start-up only: dies on an error,
 * which is remora's bug. */
static void isolation_allow(struct isolation_filter *f, const char *name,
			    unsigned int ncmp, const struct scmp_arg_cmp *cmp)
{
	int nr = seccomp_syscall_resolve_name(name), rc, i;

	if (nr == __NR_SCMP_ERROR || nr < 0)
		return;
	rc = seccomp_rule_add_array(f->ctx, SCMP_ACT_ALLOW, nr, ncmp, cmp);
	if (rc)
		die("seccomp: cannot allow %s: %s", name, strerror(-rc));
	for (i = 0; i < f->n; i++)
		if (f->nrs[i] == nr)
			return;
	if (f->n < ISOLATION_RULES_MAX)
		f->nrs[f->n++] = nr;
}

/* Allow @name whatever its arguments */
static void isolation_allow_any(struct isolation_filter *f, const char *name)
{
	isolation_allow(f, name, 0, NULL);
}

/* Allow @name when its int argument @arg equals @v (the low 32 bits: the
 * kernel ignores the others, whatever the caller left there) */
static void isolation_allow_eq(struct isolation_filter *f, const char *name,
			       unsigned int arg, uint32_t v)
{
	struct scmp_arg_cmp cmp = {.arg = arg,
				   .op = SCMP_CMP_MASKED_EQ,
				   .datum_a = 0xffffffffU,
				   .datum_b = v};

	isolation_allow(f, name, 1, &cmp);
}

/* What both daemons need whose arguments are worth checking */
static void isolation_allow_common(struct isolation_filter *f)
{
	/* no new executable memory: code cannot be brought in */
	struct scmp_arg_cmp noexec = {.arg = 2,
				      .op = SCMP_CMP_MASKED_EQ,
				      .datum_a = PROT_EXEC,
				      .datum_b = 0};
	static const int fcntl_cmds[] = {F_GETFL, F_SETFL, F_GETFD, F_SETFD};
	/* the crash handlers give a fatal signal its previous action back
	 * (abort() too, for SIGABRT); nothing else changes a handler once
	 * set up, so nobody replaces the one that reports a refused call */
	static const int crash_sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE,
					 SIGABRT};
	size_t i;

	for (i = 0; i < sizeof(isolation_common) / sizeof(*isolation_common);
	     i++)
		isolation_allow_any(f, isolation_common[i]);
	for (i = 0; i < sizeof(fcntl_cmds) / sizeof(*fcntl_cmds); i++)
		isolation_allow_eq(f, "fcntl", 1, (uint32_t)fcntl_cmds[i]);
	for (i = 0; i < sizeof(crash_sigs) / sizeof(*crash_sigs); i++)
		isolation_allow_eq(f, "rt_sigaction", 0,
				   (uint32_t)crash_sigs[i]);
	isolation_allow(f, "mmap", 1, &noexec);
	isolation_allow(f, "mprotect", 1, &noexec);
	/* raise() and abort() (the crash handlers): this process only */
	isolation_allow_eq(f, "tgkill", 0, (uint32_t)getpid());
#ifdef ISOLATION_SANITIZER
	for (i = 0;
	     i < sizeof(isolation_sanitizer) / sizeof(*isolation_sanitizer);
	     i++)
		isolation_allow_any(f, isolation_sanitizer[i]);
	/* LeakSanitizer's task handles these too (and the crash signals) */
	isolation_allow_eq(f, "rt_sigaction", 0, SIGXCPU);
	isolation_allow_eq(f, "rt_sigaction", 0, SIGXFSZ);
#endif
}

/* Start building: refused calls trap, calls of another architecture too */
static void isolation_begin(struct isolation_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->ctx = seccomp_init(SCMP_ACT_TRAP);
	if (!f->ctx)
		die("seccomp: cannot start a filter (out of memory?)");
	/* the kernel's own errors (EINVAL: no seccomp here), not ECANCELED */
	seccomp_attr_set(f->ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
	seccomp_attr_set(f->ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_TRAP);
	/* Kernels before 5.16 force the speculative store bypass and
	 * indirect branch mitigations on every filtered task (meant for
	 * untrusted code running inside it; remora runs none), at a cost on
	 * every packet; later ones leave them to prctl, as this asks. Not
	 * possible where seccomp() is refused (prctl() takes no flags). */
	seccomp_attr_set(f->ctx, SCMP_FLTATR_CTL_SSB, 1);
	isolation_allow_common(f);
}

/* Load the filter with its handler in place.
 * Return: number of calls allowed, or -errno if this kernel cannot filter */
static int isolation_finish(struct isolation_filter *f, const char *prog)
{
	struct sigaction sa;
	sigset_t sys;
	int rc;

	isolation_load_names();
	if (getenv("JOURNAL_STREAM"))
		strcpy(isolation_prefix, "<2>"); /* journald: critical */
	else if ((size_t)snprintf(isolation_prefix, sizeof(isolation_prefix),
				  "%s: FATAL: ", prog) >=
		 sizeof(isolation_prefix))
		strcpy(isolation_prefix, "FATAL: ");
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = isolation_trap;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL))
		die("seccomp: cannot handle SIGSYS: %s", strerror(errno));
	sigemptyset(&sys);
	sigaddset(&sys, SIGSYS);
	sigprocmask(SIG_UNBLOCK, &sys, NULL);

	rc = seccomp_load(f->ctx);
	seccomp_release(f->ctx);
	if (rc == -EINVAL || rc == -ENOSYS) {
		warn("this kernel cannot filter system calls (seccomp: %s; "
		     "needs CONFIG_SECCOMP_FILTER): %s runs without its "
		     "filter",
		     strerror(-rc), prog);
		return rc;
	}
	if (rc)
		die("cannot install the seccomp filter: %s", strerror(-rc));
	info("seccomp: %d system calls allowed; any other stops %s", f->n,
	     prog);
	return f->n;
}

/**
 * isolation_host() - confine remora-host to the calls of its event loop
 *
 * Once set up (capabilities dropped), remora-host makes new sockets only
 * for sd_notify (AF_UNIX); its listeners, raw sockets, queue and path
 * MTU sockets are already open. It writes into its tun device with
 * writev(): each packet behind its virtio_net_hdr, in one call. Start-up only: dies if the filter cannot
 * be built or loaded, warns if the kernel has no seccomp.
 *
 * Return: number of system calls allowed, or -errno if this kernel cannot
 *	   filter (the daemon goes on without)
 */
int isolation_host(void)
{
	struct isolation_filter f;

	isolation_begin(&f);
	isolation_allow_eq(&f, "socket", 0, AF_UNIX);
	isolation_allow_any(&f, "writev");
	return isolation_finish(&f, "remora-host");
}

/**
 * isolation_enclave() - confine remora-enclave to the calls of its loop
 * @link:	the link's address: reconnections open sockets of its family
 * @app:	the application's process (forked before, so it is not
 *		confined), which remora-enclave signals and reaps; 0 if none
 * @tun:	packets are captured with a tun device: readv() and writev(),
 *		each packet behind its virtio_net_hdr
 *
 * On top of what both daemons make: sockets of the link's family (and
 * AF_UNIX, sd_notify), bind() (a chosen source port), kill() of the
 * application only. Start-up only: dies if the filter cannot be built or
 * loaded, warns if the kernel has no seccomp.
 *
 * Return: number of system calls allowed, or -errno if this kernel cannot
 *	   filter (the daemon goes on without)
 */
int isolation_enclave(const struct transport_addr *link, pid_t app, int tun)
{
	struct isolation_filter f;
	int family = AF_UNIX;

	isolation_begin(&f);
	switch (link->kind) {
	case TRANSPORT_VSOCK:
		family = AF_VSOCK;
		break;
	case TRANSPORT_UNIX:
		family = AF_UNIX;
		break;
	case TRANSPORT_TCP:
		family = link->ss.ss_family;
		break;
	}
	isolation_allow_eq(&f, "socket", 0, (uint32_t)family);
	if (family != AF_UNIX)
		isolation_allow_eq(&f, "socket", 0, AF_UNIX);
	isolation_allow_any(&f, "bind");
	if (app > 0)
		isolation_allow_eq(&f, "kill", 0, (uint32_t)app);
	if (tun) {
		isolation_allow_any(&f, "readv");
		isolation_allow_any(&f, "writev");
	}
	return isolation_finish(&f, "remora-enclave");
}
