// SPDX-License-Identifier: Apache-2.0
/* remora - link transports: address parsing, listen, accept, connect
 *
 * Low-level calls return -errno; callers say what failed in their terms.
 * All sockets are non-blocking and close-on-exec.
 */

#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <linux/vm_sockets.h>

#include "remora/transport.h"

#define TRANSPORT_SOCKBUF (4 << 20) /* bytes: room for bursts of frames */
#define TRANSPORT_BACKLOG 4

/* Parse a whole decimal number in [0, max] */
static int parse_u32(const char *s, uint32_t max, uint32_t *out)
{
	unsigned long long v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (unsigned)(*s - '0');
		if (v > max)
			return -ERANGE;
	}
	*out = (uint32_t)v;
	return 0;
}

/* Copy the @n bytes at @s into @out (@cap bytes), NUL-terminated.
 * Return: 0, or -EINVAL if they do not fit */
static int transport_copy(char *out, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		return -EINVAL;
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

static int transport_parse_vsock(const char *s, struct transport_addr *a)
{
	const char *colon = strrchr(s, ':');
	char cid[16];
	int rc;

	if (!colon || colon == s ||
	    transport_copy(cid, sizeof(cid), s, (size_t)(colon - s)))
		return -EINVAL;
	if (!strcmp(cid, "any")) {
		a->cid = TRANSPORT_CID_ANY;
	} else {
		rc = parse_u32(cid, 0xfffffffeU, &a->cid);
		if (rc)
			return rc;
	}
	rc = parse_u32(colon + 1, 0xfffffffeU, &a->port);
	if (rc)
		return rc;
	a->kind = TRANSPORT_VSOCK;
	return 0;
}

static int transport_parse_unix(const char *s, struct transport_addr *a)
{
	size_t n = strlen(s);

	/* filesystem paths only: abstract sockets live in one network
	 * namespace, and the link must cross namespaces */
	if (!n || s[0] == '@')
		return -EINVAL;
	if (n > TRANSPORT_UNIX_PATH_MAX)
		return -ENAMETOOLONG;
	memcpy(a->path, s, n + 1);
	a->kind = TRANSPORT_UNIX;
	return 0;
}

static int transport_parse_tcp(const char *s, struct transport_addr *a)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC,
				 .ai_socktype = SOCK_STREAM,
				 .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV};
	struct addrinfo *res;
	char host[64];
	const char *port;
	size_t n;
	uint32_t pnum;
	int rc;

	if (s[0] == '[') {
		const char *end = strchr(s, ']');

		if (!end || end[1] != ':')
			return -EINVAL;
		n = (size_t)(end - s - 1);
		port = end + 2;
		rc = transport_copy(host, sizeof(host), s + 1, n);
	} else {
		const char *colon = strchr(s, ':');

		if (!colon || strchr(colon + 1, ':'))
			return -EINVAL;
		n = (size_t)(colon - s);
		port = colon + 1;
		rc = transport_copy(host, sizeof(host), s, n);
	}
	if (rc)
		return rc;
	rc = parse_u32(port, 65535, &pnum);
	if (rc)
		return rc;
	if (!n)
		return -EINVAL;
	/* numeric only: resolving a name could block, and a link address
	 * that changes with DNS is not something to trust */
	if (getaddrinfo(host, port, &hints, &res))
		return -EINVAL;
	memcpy(&a->ss, res->ai_addr, res->ai_addrlen);
	a->sslen = res->ai_addrlen;
	freeaddrinfo(res);
	a->port = pnum;
	a->kind = TRANSPORT_TCP;
	return 0;
}

/**
 * transport_parse() - parse a link address string
 * @s:	"vsock:CID:PORT", "unix:PATH" or "tcp:HOST:PORT"
 * @a:	result
 *
 * Return: 0 on success, -EINVAL on a syntax error or unknown kind,
 *	   -ERANGE for a number out of range, -ENAMETOOLONG for a long path
 */
int transport_parse(const char *s, struct transport_addr *a)
{
	size_t n = strlen(s);

	memset(a, 0, sizeof(*a));
	if (n >= sizeof(a->text))
		return -ENAMETOOLONG;
	memcpy(a->text, s, n + 1);
	if (!strncmp(s, "vsock:", 6))
		return transport_parse_vsock(s + 6, a);
	if (!strncmp(s, "unix:", 5))
		return transport_parse_unix(s + 5, a);
	if (!strncmp(s, "tcp:", 4))
		return transport_parse_tcp(s + 4, a);
	return -EINVAL;
}

/* Fill a socket address for @a; vsock "any" becomes VMADDR_CID_ANY */
static socklen_t transport_sockaddr(const struct transport_addr *a,
				    struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	switch (a->kind) {
	case TRANSPORT_VSOCK: {
		struct sockaddr_vm *vm = (struct sockaddr_vm *)ss;

		vm->svm_family = AF_VSOCK;
		vm->svm_cid =
			a->cid == TRANSPORT_CID_ANY ? VMADDR_CID_ANY : a->cid;
		vm->svm_port = a->port;
		return sizeof(*vm);
	}
	case TRANSPORT_UNIX: {
		struct sockaddr_un *un = (struct sockaddr_un *)ss;

		un->sun_family = AF_UNIX;
		memcpy(un->sun_path, a->path, strlen(a->path) + 1);
		return sizeof(*un);
	}
	case TRANSPORT_TCP:
		memcpy(ss, &a->ss, a->sslen);
		return a->sslen;
	}
	return 0;
}

static int transport_family(const struct transport_addr *a)
{
	switch (a->kind) {
	case TRANSPORT_VSOCK:
		return AF_VSOCK;
	case TRANSPORT_UNIX:
		return AF_UNIX;
	case TRANSPORT_TCP:
		return a->ss.ss_family;
	}
	return AF_UNSPEC;
}

/* Options every link socket gets: big buffers (frames come in bursts),
 * no Nagle on TCP (frames are flushed deliberately). */
static void transport_tune(int fd, const struct transport_addr *a)
{
	int v = TRANSPORT_SOCKBUF, one = 1;

	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
	if (a->kind == TRANSPORT_TCP)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/* A non-blocking stream socket of @a's family, and @a as a socket address
 * in @ss (*@sl bytes). Return: the socket, or -errno */
static int transport_socket(const struct transport_addr *a,
			    struct sockaddr_storage *ss, socklen_t *sl)
{
	int fd;

	*sl = transport_sockaddr(a, ss);
	fd = socket(transport_family(a),
		    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	return fd < 0 ? -errno : fd;
}

/**
 * transport_listen() - bind and listen on a link address
 * @a:	parsed address
 *
 * A stale unix socket file left by a previous run is replaced; any other
 * file at that path is left alone and the bind fails. The unix socket is
 * made accessible to its owner only.
 *
 * Return: listening socket, or -errno
 */
int transport_listen(const struct transport_addr *a)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd = transport_socket(a, &ss, &sl), one = 1, rc;

	if (fd < 0)
		return fd;
	if (a->kind == TRANSPORT_TCP)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (a->kind == TRANSPORT_UNIX) {
		struct stat st;

		if (!lstat(a->path, &st) && S_ISSOCK(st.st_mode))
			unlink(a->path);
	}
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0)
		goto fail;
	if (a->kind == TRANSPORT_UNIX && chmod(a->path, 0600) < 0)
		goto fail;
	if (listen(fd, TRANSPORT_BACKLOG) < 0)
		goto fail;
	return fd;
fail:
	rc = -errno;
	close(fd);
	return rc;
}

/* Who connected: the CID and port of a vsock peer, the source port of a
 * tcp one, the user of a unix one (as it was when it connected) */
static void transport_peer_fill(int fd, const struct transport_addr *a,
				const struct sockaddr_storage *ss,
				struct transport_peer *peer)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);

	memset(peer, 0, sizeof(*peer));
	peer->uid = TRANSPORT_UID_NONE;
	switch (a->kind) {
	case TRANSPORT_VSOCK: {
		const struct sockaddr_vm *vm = (const struct sockaddr_vm *)ss;

		peer->cid = vm->svm_cid;
		peer->port = vm->svm_port;
		break;
	}
	case TRANSPORT_TCP:
		if (ss->ss_family == AF_INET6)
			peer->port = ntohs(
				((const struct sockaddr_in6 *)ss)->sin6_port);
		else
			peer->port = ntohs(
				((const struct sockaddr_in *)ss)->sin_port);
		break;
	case TRANSPORT_UNIX:
		if (!getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len))
			peer->uid = cr.uid;
		break;
	}
}

/**
 * transport_accept() - accept one connection
 * @lfd:	listening socket
 * @a:	the listening address (for its kind)
 * @peer:	set to who connected (may be NULL), for transport_peer_check()
 *
 * Return: connected non-blocking socket, or -errno
 */
int transport_accept(int lfd, const struct transport_addr *a,
		     struct transport_peer *peer)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int fd;

	memset(&ss, 0, sizeof(ss));
	fd = accept4(lfd, (struct sockaddr *)&ss, &sl,
		     SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (peer)
		transport_peer_fill(fd, a, &ss, peer);
	transport_tune(fd, a);
	return fd;
}

/**
 * transport_peer_check() - may an accepted peer use the link?
 * @a:	the listening address
 * @peer:	who connected, from transport_accept()
 * @want_cid:	vsock: the one CID allowed
 * @allowed_uid: unix: the user allowed besides root (TRANSPORT_UID_NONE:
 *		root only)
 *
 * The link carries the enclave's traffic both ways, past its policy and
 * its rules, so its peer must be remora-enclave, not any process of the
 * enclave. On vsock, any enclave (or the host itself) could connect: only
 * the configured CID is let in. On vsock and tcp, remora-enclave connects
 * from a port only a privileged process can bind; a peer from a higher
 * port is an unprivileged one. On unix, the socket file is mode 0600, and
 * the peer's user must be root or the configured one, whoever opened it.
 *
 * Return: TRANSPORT_PEER_OK, or why the peer is refused
 */
enum transport_peer_verdict
transport_peer_check(const struct transport_addr *a,
		     const struct transport_peer *peer, uint32_t want_cid,
		     uint32_t allowed_uid)
{
	switch (a->kind) {
	case TRANSPORT_VSOCK:
		if (peer->cid != want_cid)
			return TRANSPORT_PEER_BAD_CID;
		/* fall through */
	case TRANSPORT_TCP:
		if (peer->port > TRANSPORT_PRIV_PORT_MAX)
			return TRANSPORT_PEER_UNPRIV_PORT;
		return TRANSPORT_PEER_OK;
	case TRANSPORT_UNIX:
		if (peer->uid == 0 || (peer->uid == allowed_uid &&
				       allowed_uid != TRANSPORT_UID_NONE))
			return TRANSPORT_PEER_OK;
		return TRANSPORT_PEER_UNPRIV_UID;
	}
	return TRANSPORT_PEER_UNPRIV_UID;
}

/* Bind @fd to the first free privileged source port, counting down from
 * TRANSPORT_PRIV_PORT_MAX (as rresvport does): the peer's proof that a
 * privileged process connects */
static int transport_bind_privileged(int fd, const struct transport_addr *a)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	uint32_t port;

	for (port = TRANSPORT_PRIV_PORT_MAX; port >= TRANSPORT_PRIV_PORT_MIN;
	     port--) {
		memset(&ss, 0, sizeof(ss));
		if (a->kind == TRANSPORT_VSOCK) {
			struct sockaddr_vm *vm = (struct sockaddr_vm *)&ss;

			vm->svm_family = AF_VSOCK;
			vm->svm_cid = VMADDR_CID_ANY;
			vm->svm_port = port;
			sl = sizeof(*vm);
		} else if (a->ss.ss_family == AF_INET6) {
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

			s6->sin6_family = AF_INET6;
			s6->sin6_addr = in6addr_any;
			s6->sin6_port = htons((uint16_t)port);
			sl = sizeof(*s6);
		} else {
			struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

			s4->sin_family = AF_INET;
			s4->sin_addr.s_addr = htonl(INADDR_ANY);
			s4->sin_port = htons((uint16_t)port);
			sl = sizeof(*s4);
		}
		if (!bind(fd, (struct sockaddr *)&ss, sl))
			return 0;
		/* in use, or (tcp) in TIME_WAIT from the last link */
		if (errno != EADDRINUSE)
			return -errno;
	}
	return -EADDRINUSE;
}

/**
 * transport_connect() - start a non-blocking connection
 * @a:	parsed address
 *
 * On vsock and tcp the socket is first bound to a source port below 1024
 * (transport_bind_privileged()), which remora-host requires of its peer:
 * that needs CAP_NET_BIND_SERVICE.
 *
 * Return: socket (connected, or in progress: wait for writability and call
 *	   transport_connect_result()), or -errno: -EACCES if no privileged
 *	   port may be bound, -EADDRINUSE if every one is taken
 */
int transport_connect(const struct transport_addr *a)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd = transport_socket(a, &ss, &sl), rc;

	if (fd < 0)
		return fd;
	transport_tune(fd, a);
	if (a->kind != TRANSPORT_UNIX) {
		rc = transport_bind_privileged(fd, a);
		if (rc) {
			close(fd);
			return rc;
		}
	}
	if (connect(fd, (struct sockaddr *)&ss, sl) < 0 &&
	    errno != EINPROGRESS) {
		rc = -errno;
		close(fd);
		return rc;
	}
	return fd;
}

/**
 * transport_connect_result() - outcome of a connection in progress
 * @fd:	socket from transport_connect(), now writable
 *
 * Return: 0 if connected, -errno otherwise
 */
int transport_connect_result(int fd)
{
	int e = 0;
	socklen_t l = sizeof(e);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &l) < 0)
		return -errno;
	return -e;
}

/**
 * transport_unlink() - remove a unix listener's socket file at exit
 * @a:	the listening address
 */
void transport_unlink(const struct transport_addr *a)
{
	if (a->kind == TRANSPORT_UNIX)
		unlink(a->path);
}
