// SPDX-License-Identifier: Apache-2.0
/* remora - TEST DOUBLE for AF_VSOCK (LD_PRELOAD), for tests only: never
 * shipped, never built into the daemons.
 *
 * This machine has no vsock transport (no vhost-vsock, no loopback), so
 * a process run with LD_PRELOAD=libremora_vsockshim.so gets stream sockets
 * of family AF_VSOCK that are unix sockets underneath, named by their vsock
 * address in REMORA_VSOCK_SHIM_DIR:
 *   - a listener bound to (any CID, port P) is DIR/lP;
 *   - a connecting socket bound to (any CID, port P), as remora-enclave's
 *     privileged source port, is DIR/cCpP, C being this process's CID,
 *     REMORA_VSOCK_SHIM_CID (default 3); one that connects unbound gets an
 *     ephemeral port from 49152, as the kernel gives;
 *   - connect() to (CID, port P) reaches DIR/lP, whatever the CID;
 *   - accept4(), getpeername() and getsockname() answer with struct
 *     sockaddr_vm: the peer's CID and port come from its socket's name.
 * So remora's own vsock code runs unchanged (struct sockaddr_vm, the CID
 * check, the privileged-port check, the per-CID decisions). What it does
 * not stand in for: the kernel's vsock transport (its buffer and credit
 * flow, SO_VM_SOCKETS_* options, real CIDs given by the hypervisor), and
 * the kernel's rule that a port below 1024 needs CAP_NET_BIND_SERVICE:
 * the double lets any process bind one.
 *
 * The real functions are looked up at load time, before any seccomp
 * filter; the double makes only calls the daemons' filters allow (socket
 * of AF_UNIX, bind, connect, accept4, unlink, close). A closed socket's
 * name is removed, so its port is free again, as with vsock.
 */

#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <linux/vm_sockets.h>

#define SHIM_FDS 4096 /* descriptors followed */

static int (*real_socket)(int, int, int);
static int (*real_bind)(int, const struct sockaddr *, socklen_t);
static int (*real_connect)(int, const struct sockaddr *, socklen_t);
static int (*real_accept4)(int, struct sockaddr *, socklen_t *, int);
static int (*real_accept)(int, struct sockaddr *, socklen_t *);
static int (*real_close)(int);
static int (*real_getsockname)(int, struct sockaddr *, socklen_t *);

static const char *shim_dir;
static unsigned shim_cid = 3;
static unsigned shim_next_port = 49152;

/* per descriptor: a vsock socket of the double? its CID and port, the
 * name it bound (removed on close) */
struct shim_sock {
	unsigned char vsock;
	unsigned char bound;
	unsigned cid;
	unsigned port;
};
static struct shim_sock shim_fd[SHIM_FDS];

__attribute__((constructor)) static void shim_init(void)
{
	const char *cid = getenv("REMORA_VSOCK_SHIM_CID");

	real_socket = dlsym(RTLD_NEXT, "socket");
	real_bind = dlsym(RTLD_NEXT, "bind");
	real_connect = dlsym(RTLD_NEXT, "connect");
	real_accept4 = dlsym(RTLD_NEXT, "accept4");
	real_accept = dlsym(RTLD_NEXT, "accept");
	real_close = dlsym(RTLD_NEXT, "close");
	real_getsockname = dlsym(RTLD_NEXT, "getsockname");
	shim_dir = getenv("REMORA_VSOCK_SHIM_DIR");
	if (cid)
		shim_cid = (unsigned)strtoul(cid, NULL, 10);
	shim_next_port += (unsigned)getpid() % 1000 * 16;
}

static int shim_is(int fd)
{
	return fd >= 0 && fd < SHIM_FDS && shim_fd[fd].vsock;
}

/* DIR/lP for a listener (cid -1), DIR/cCpP otherwise */
static socklen_t shim_path(struct sockaddr_un *un, long cid, unsigned port)
{
	int n;

	memset(un, 0, sizeof(*un));
	un->sun_family = AF_UNIX;
	if (cid < 0)
		n = snprintf(un->sun_path, sizeof(un->sun_path), "%s/l%u",
			     shim_dir, port);
	else
		n = snprintf(un->sun_path, sizeof(un->sun_path), "%s/c%lup%u",
			     shim_dir, (unsigned long)cid, port);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
}

/* The vsock address a double's unix name stands for (0: not one) */
static int shim_parse(const struct sockaddr_un *un, socklen_t len,
		      struct sockaddr_vm *vm)
{
	const char *base;
	unsigned cid = VMADDR_CID_ANY, port;

	if (len <= offsetof(struct sockaddr_un, sun_path) ||
	    un->sun_family != AF_UNIX)
		return 0;
	base = strrchr(un->sun_path, '/');
	base = base ? base + 1 : un->sun_path;
	if (sscanf(base, "c%up%u", &cid, &port) != 2 &&
	    sscanf(base, "l%u", &port) != 1)
		return 0;
	memset(vm, 0, sizeof(*vm));
	vm->svm_family = AF_VSOCK;
	vm->svm_cid = cid;
	vm->svm_port = port;
	return 1;
}

static void shim_answer(const struct sockaddr_vm *vm, struct sockaddr *addr,
			socklen_t *len)
{
	if (!addr || !len)
		return;
	memcpy(addr, vm, *len < sizeof(*vm) ? *len : sizeof(*vm));
	*len = sizeof(*vm);
}

int socket(int domain, int type, int protocol)
{
	int fd;

	if (domain != AF_VSOCK || !shim_dir)
		return real_socket(domain, type, protocol);
	fd = real_socket(AF_UNIX, type, 0);
	if (fd >= 0 && fd < SHIM_FDS)
		shim_fd[fd] = (struct shim_sock){.vsock = 1};
	return fd;
}

/* Bind @fd as (this CID, @port), or as a listener on @port */
static int shim_bind_as(int fd, unsigned port, int listener)
{
	struct sockaddr_un un;
	socklen_t len = shim_path(&un, listener ? -1 : (long)shim_cid, port);
	int rc;

	/* a listener's name left by a run that was killed is taken over */
	if (listener)
		unlink(un.sun_path);
	rc = real_bind(fd, (struct sockaddr *)&un, len);
	if (!rc) {
		shim_fd[fd].bound = 1;
		shim_fd[fd].cid = listener ? VMADDR_CID_ANY : shim_cid;
		shim_fd[fd].port = port;
	}
	return rc;
}

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	const struct sockaddr_vm *vm = (const struct sockaddr_vm *)addr;

	if (!shim_is(fd))
		return real_bind(fd, addr, len);
	if (len < sizeof(*vm) || vm->svm_family != AF_VSOCK) {
		errno = EINVAL;
		return -1;
	}
	/* remora-host binds (any CID, its port) to listen; remora-enclave
	 * binds (any CID, a port below 1024) before it connects. A port
	 * above the reserved ones on any CID is taken as a listener's. */
	return shim_bind_as(fd, vm->svm_port, vm->svm_port >= 1024);
}

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	const struct sockaddr_vm *vm = (const struct sockaddr_vm *)addr;
	struct sockaddr_un un;
	socklen_t ulen;

	if (!shim_is(fd))
		return real_connect(fd, addr, len);
	if (len < sizeof(*vm) || vm->svm_family != AF_VSOCK) {
		errno = EINVAL;
		return -1;
	}
	/* unbound: an ephemeral port, as the kernel gives one */
	while (!shim_fd[fd].bound) {
		if (shim_bind_as(fd, shim_next_port++, 0) &&
		    errno != EADDRINUSE)
			return -1;
		if (shim_next_port > 65535)
			shim_next_port = 49152;
	}
	ulen = shim_path(&un, -1, vm->svm_port);
	return real_connect(fd, (struct sockaddr *)&un, ulen);
}

int accept4(int lfd, struct sockaddr *addr, socklen_t *len, int flags)
{
	struct sockaddr_un un;
	struct sockaddr_vm vm;
	socklen_t ulen = sizeof(un);
	int fd;

	if (!shim_is(lfd))
		return real_accept4(lfd, addr, len, flags);
	fd = real_accept4(lfd, (struct sockaddr *)&un, &ulen, flags);
	if (fd < 0)
		return fd;
	if (fd < SHIM_FDS)
		shim_fd[fd] = (struct shim_sock){.vsock = 1};
	if (!shim_parse(&un, ulen, &vm)) {
		/* the peer bound no name: not a socket of the double */
		memset(&vm, 0, sizeof(vm));
		vm.svm_family = AF_VSOCK;
		vm.svm_cid = VMADDR_CID_ANY;
	}
	shim_answer(&vm, addr, len);
	return fd;
}

int accept(int lfd, struct sockaddr *addr, socklen_t *len)
{
	if (!shim_is(lfd))
		return real_accept(lfd, addr, len);
	return accept4(lfd, addr, len, 0);
}

int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	struct sockaddr_vm vm = {.svm_family = AF_VSOCK};

	if (!shim_is(fd))
		return real_getsockname(fd, addr, len);
	vm.svm_cid = shim_fd[fd].bound ? shim_fd[fd].cid : VMADDR_CID_ANY;
	vm.svm_port = shim_fd[fd].port;
	shim_answer(&vm, addr, len);
	return 0;
}

int close(int fd)
{
	struct sockaddr_un un;

	/* a connecting socket's name goes with it: its port is free again
	 * (a listener's stays until the next one takes it over) */
	if (shim_is(fd)) {
		if (shim_fd[fd].bound && shim_fd[fd].cid != VMADDR_CID_ANY) {
			shim_path(&un, (long)shim_fd[fd].cid, shim_fd[fd].port);
			unlink(un.sun_path);
		}
		shim_fd[fd].vsock = 0;
	}
	return real_close(fd);
}
