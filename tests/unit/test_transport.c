// SPDX-License-Identifier: Apache-2.0
/* remora - unit tests of link addresses and unix/tcp sockets (transport.c) */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "remora/transport.h"

/* ---- parsing ---- */

static void parse_vsock(void **state)
{
	struct transport_addr a;

	(void)state;
	assert_int_equal(transport_parse("vsock:16:5000", &a), 0);
	assert_int_equal(a.kind, TRANSPORT_VSOCK);
	assert_int_equal(a.cid, 16);
	assert_int_equal(a.port, 5000);
	assert_string_equal(a.text, "vsock:16:5000");

	assert_int_equal(transport_parse("vsock:3:0", &a), 0);
	assert_int_equal(a.cid, 3);
	assert_int_equal(a.port, 0);

	assert_int_equal(transport_parse("vsock:4294967294:4294967294", &a), 0);
	assert_int_equal(a.cid, 0xfffffffeU);
	assert_int_equal(a.port, 0xfffffffeU);
}

static void parse_vsock_any(void **state)
{
	struct transport_addr a;

	(void)state;
	assert_int_equal(transport_parse("vsock:any:5000", &a), 0);
	assert_int_equal(a.kind, TRANSPORT_VSOCK);
	assert_int_equal(a.cid, TRANSPORT_CID_ANY);
	assert_int_equal(a.port, 5000);
}

static void parse_vsock_bad(void **state)
{
	struct transport_addr a;

	(void)state;
	/* bad cid */
	assert_int_equal(transport_parse("vsock:x:5000", &a), -EINVAL);
	assert_int_equal(transport_parse("vsock:-1:5000", &a), -EINVAL);
	assert_int_equal(transport_parse("vsock:1x:5000", &a), -EINVAL);
	assert_int_equal(transport_parse("vsock:ANY:5000", &a), -EINVAL);
	assert_int_equal(transport_parse("vsock:1:2:3", &a), -EINVAL);
	/* bad port */
	assert_int_equal(transport_parse("vsock:16:http", &a), -EINVAL);
	assert_int_equal(transport_parse("vsock:16:50 0", &a), -EINVAL);
	/* missing parts */
	assert_int_equal(transport_parse("vsock:", &a), -EINVAL);
	assert_int_equal(transport_parse("vsock:16", &a), -EINVAL);
	assert_int_equal(transport_parse("vsock::5000", &a), -EINVAL);
	assert_int_equal(transport_parse("vsock:16:", &a), -EINVAL);
	assert_int_equal(transport_parse("vsock", &a), -EINVAL);
	/* overflow; 0xffffffff itself is reserved (VMADDR_*_ANY) */
	assert_int_equal(transport_parse("vsock:4294967296:5000", &a), -ERANGE);
	assert_int_equal(transport_parse("vsock:16:4294967296", &a), -ERANGE);
	assert_int_equal(transport_parse("vsock:4294967295:5000", &a), -ERANGE);
	assert_int_equal(transport_parse("vsock:16:99999999999999999999", &a),
			 -ERANGE);
}

static void parse_unix(void **state)
{
	struct transport_addr a;

	(void)state;
	assert_int_equal(transport_parse("unix:/run/remora.sock", &a), 0);
	assert_int_equal(a.kind, TRANSPORT_UNIX);
	assert_string_equal(a.path, "/run/remora.sock");
	assert_string_equal(a.text, "unix:/run/remora.sock");

	/* relative paths are paths too */
	assert_int_equal(transport_parse("unix:link.sock", &a), 0);
	assert_string_equal(a.path, "link.sock");
}

static void parse_unix_bad(void **state)
{
	struct transport_addr a;

	(void)state;
	assert_int_equal(transport_parse("unix:", &a), -EINVAL);
	/* abstract sockets do not cross network namespaces */
	assert_int_equal(transport_parse("unix:@remora", &a), -EINVAL);
	assert_int_equal(transport_parse("unix", &a), -EINVAL);
}

static void parse_unix_path_length(void **state)
{
	char s[5 + 108 + 1] = "unix:";
	struct transport_addr a;

	(void)state;
	s[5] = '/';
	memset(s + 6, 'p', 106);
	s[5 + 107] = '\0';
	assert_int_equal(strlen(s + 5), TRANSPORT_UNIX_PATH_MAX);
	assert_int_equal(transport_parse(s, &a), 0);
	assert_int_equal(strlen(a.path), TRANSPORT_UNIX_PATH_MAX);
	assert_string_equal(a.path, s + 5);

	s[5 + 107] = 'p';
	s[5 + 108] = '\0';
	assert_int_equal(transport_parse(s, &a), -ENAMETOOLONG);
}

static void parse_tcp_ipv4(void **state)
{
	struct transport_addr a;
	const struct sockaddr_in *sin = (const struct sockaddr_in *)&a.ss;

	(void)state;
	assert_int_equal(transport_parse("tcp:127.0.0.1:80", &a), 0);
	assert_int_equal(a.kind, TRANSPORT_TCP);
	assert_int_equal(a.port, 80);
	assert_int_equal(a.sslen, sizeof(struct sockaddr_in));
	assert_int_equal(sin->sin_family, AF_INET);
	assert_int_equal(ntohs(sin->sin_port), 80);
	assert_int_equal(ntohl(sin->sin_addr.s_addr), 0x7f000001);
	assert_string_equal(a.text, "tcp:127.0.0.1:80");
}

static void parse_tcp_ipv6(void **state)
{
	static const uint8_t loop6[16] = {[15] = 1};
	struct transport_addr a;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&a.ss;

	(void)state;
	assert_int_equal(transport_parse("tcp:[::1]:80", &a), 0);
	assert_int_equal(a.kind, TRANSPORT_TCP);
	assert_int_equal(a.port, 80);
	assert_int_equal(a.sslen, sizeof(struct sockaddr_in6));
	assert_int_equal(sin6->sin6_family, AF_INET6);
	assert_int_equal(ntohs(sin6->sin6_port), 80);
	assert_memory_equal(&sin6->sin6_addr, loop6, 16);
}

static void parse_tcp_bad(void **state)
{
	struct transport_addr a;

	(void)state;
	/* numeric hosts only */
	assert_int_equal(transport_parse("tcp:host.name:80", &a), -EINVAL);
	assert_int_equal(transport_parse("tcp:localhost:80", &a), -EINVAL);
	/* numeric ports only, in range */
	assert_int_equal(transport_parse("tcp:127.0.0.1:65536", &a), -ERANGE);
	assert_int_equal(transport_parse("tcp:127.0.0.1:http", &a), -EINVAL);
	assert_int_equal(transport_parse("tcp:127.0.0.1:", &a), -EINVAL);
	/* missing or malformed parts */
	assert_int_equal(transport_parse("tcp:127.0.0.1", &a), -EINVAL);
	assert_int_equal(transport_parse("tcp::80", &a), -EINVAL);
	assert_int_equal(transport_parse("tcp:[]:80", &a), -EINVAL);
	assert_int_equal(transport_parse("tcp:[::1]80", &a), -EINVAL);
	assert_int_equal(transport_parse("tcp:[::1", &a), -EINVAL);
	/* an IPv6 address must be bracketed */
	assert_int_equal(transport_parse("tcp:::1:80", &a), -EINVAL);
}

static void parse_unknown_kind(void **state)
{
	struct transport_addr a;
	char longs[TRANSPORT_ADDR_MAX + 8];

	(void)state;
	assert_int_equal(transport_parse("udp:1:2", &a), -EINVAL);
	assert_string_equal(a.text, "udp:1:2");
	assert_int_equal(transport_parse("", &a), -EINVAL);
	assert_int_equal(transport_parse("VSOCK:16:5000", &a), -EINVAL);
	assert_int_equal(transport_parse("/run/remora.sock", &a), -EINVAL);

	/* a string that does not fit a->text */
	memset(longs, 'x', sizeof(longs) - 1);
	longs[sizeof(longs) - 1] = '\0';
	memcpy(longs, "unix:/", 6);
	assert_int_equal(transport_parse(longs, &a), -ENAMETOOLONG);
}

/* ---- sockets ---- */

struct tmpdir {
	char dir[64];
	char path[128];
};

static int tmp_setup(void **state)
{
	struct tmpdir *t = calloc(1, sizeof(*t));

	if (!t)
		return -1;
	strcpy(t->dir, "/tmp/remora-unit-XXXXXX");
	if (!mkdtemp(t->dir)) {
		free(t);
		return -1;
	}
	snprintf(t->path, sizeof(t->path), "%s/link.sock", t->dir);
	*state = t;
	return 0;
}

static int tmp_teardown(void **state)
{
	struct tmpdir *t = *state;

	unlink(t->path);
	rmdir(t->dir);
	free(t);
	return 0;
}

static void parse_path(const struct tmpdir *t, struct transport_addr *a)
{
	char s[160];

	snprintf(s, sizeof(s), "unix:%s", t->path);
	assert_int_equal(transport_parse(s, a), 0);
}

static void assert_nonblock_cloexec(int fd)
{
	assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
}

/* Exchange a few bytes both ways over a connected pair */
static void assert_pair_talks(int a, int b)
{
	char buf[8];

	assert_int_equal(send(a, "ping", 4, MSG_NOSIGNAL), 4);
	assert_int_equal(recv(b, buf, sizeof(buf), 0), 4);
	assert_memory_equal(buf, "ping", 4);
	assert_int_equal(send(b, "pong!", 5, MSG_NOSIGNAL), 5);
	assert_int_equal(recv(a, buf, sizeof(buf), 0), 5);
	assert_memory_equal(buf, "pong!", 5);
}

static int wait_fd(int fd, short events)
{
	struct pollfd p = {.fd = fd, .events = events};

	return poll(&p, 1, 2000);
}

static void unix_round_trip(void **state)
{
	struct tmpdir *t = *state;
	struct transport_addr a;
	struct transport_peer peer;
	struct stat st;
	int lfd, cfd, sfd;

	parse_path(t, &a);
	lfd = transport_listen(&a);
	assert_true(lfd >= 0);
	assert_nonblock_cloexec(lfd);
	assert_int_equal(lstat(t->path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);

	/* nothing to accept yet */
	assert_int_equal(transport_accept(lfd, &a, NULL), -EAGAIN);

	cfd = transport_connect(&a);
	assert_true(cfd >= 0);
	assert_nonblock_cloexec(cfd);
	assert_true(wait_fd(lfd, POLLIN) == 1);
	sfd = transport_accept(lfd, &a, &peer);
	assert_true(sfd >= 0);
	assert_nonblock_cloexec(sfd);
	/* a unix peer is known by its user; it has no CID or port */
	assert_int_equal(peer.uid, geteuid());
	assert_int_equal(peer.cid, 0);
	assert_int_equal(peer.port, 0);
	assert_true(wait_fd(cfd, POLLOUT) == 1);
	assert_int_equal(transport_connect_result(cfd), 0);
	assert_pair_talks(cfd, sfd);

	close(sfd);
	close(cfd);
	close(lfd);
	transport_unlink(&a);
	assert_int_equal(lstat(t->path, &st), -1);
	assert_int_equal(errno, ENOENT);
}

static void unix_connect_refused(void **state)
{
	struct tmpdir *t = *state;
	struct transport_addr a;
	int lfd;

	parse_path(t, &a);
	/* no file */
	assert_int_equal(transport_connect(&a), -ENOENT);
	/* a socket file nobody listens on */
	lfd = transport_listen(&a);
	assert_true(lfd >= 0);
	close(lfd);
	assert_int_equal(transport_connect(&a), -ECONNREFUSED);
}

static void unix_listen_replaces_stale_socket(void **state)
{
	struct tmpdir *t = *state;
	struct transport_addr a;
	int lfd, lfd2, cfd, sfd;

	parse_path(t, &a);
	lfd = transport_listen(&a);
	assert_true(lfd >= 0);
	close(lfd); /* the socket file stays behind, as after a crash */
	assert_int_equal(access(t->path, F_OK), 0);

	lfd2 = transport_listen(&a);
	assert_true(lfd2 >= 0);
	cfd = transport_connect(&a);
	assert_true(cfd >= 0);
	assert_true(wait_fd(lfd2, POLLIN) == 1);
	sfd = transport_accept(lfd2, &a, NULL);
	assert_true(sfd >= 0);
	assert_pair_talks(cfd, sfd);
	close(sfd);
	close(cfd);
	close(lfd2);
}

static void unix_listen_keeps_regular_file(void **state)
{
	struct tmpdir *t = *state;
	struct transport_addr a;
	char buf[32] = {0};
	struct stat st;
	FILE *f;
	int rc;

	parse_path(t, &a);
	f = fopen(t->path, "w");
	assert_non_null(f);
	fputs("precious data", f);
	fclose(f);

	rc = transport_listen(&a);
	assert_int_equal(rc, -EADDRINUSE);

	assert_int_equal(lstat(t->path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	f = fopen(t->path, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "precious data");
}

static void tcp_round_trip(void **state)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	struct transport_addr a;
	struct transport_peer peer;
	char s[64];
	int lfd, cfd, sfd;

	(void)state;
	assert_int_equal(transport_parse("tcp:127.0.0.1:0", &a), 0);
	lfd = transport_listen(&a);
	if (lfd < 0)
		skip(); /* no loopback in this sandbox */
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&sin, &sl), 0);
	snprintf(s, sizeof(s), "tcp:127.0.0.1:%u", ntohs(sin.sin_port));
	assert_int_equal(transport_parse(s, &a), 0);

	cfd = transport_connect(&a);
	if (cfd == -EACCES) {
		/* not root: no port below 1024 to bind, which is the point */
		close(lfd);
		skip();
	}
	assert_true(cfd >= 0);
	assert_true(wait_fd(cfd, POLLOUT) == 1);
	assert_int_equal(transport_connect_result(cfd), 0);
	assert_true(wait_fd(lfd, POLLIN) == 1);
	sfd = transport_accept(lfd, &a, &peer);
	assert_true(sfd >= 0);
	/* the connection comes from a privileged port, the first free one
	 * counting down from 1023; the host lets it in */
	assert_in_range(peer.port, TRANSPORT_PRIV_PORT_MIN,
			TRANSPORT_PRIV_PORT_MAX);
	assert_int_equal(transport_peer_check(&a, &peer, 0, TRANSPORT_UID_NONE),
			 TRANSPORT_PEER_OK);
	assert_pair_talks(cfd, sfd);
	close(sfd);
	close(cfd);
	close(lfd);
}

/* Two links at once take two ports: the second skips the one in use */
static void tcp_privileged_ports_in_use(void **state)
{
	struct sockaddr_in sin, src1, src2;
	socklen_t sl = sizeof(sin);
	struct transport_addr a;
	char s[64];
	int lfd, c1, c2;

	(void)state;
	assert_int_equal(transport_parse("tcp:127.0.0.1:0", &a), 0);
	lfd = transport_listen(&a);
	if (lfd < 0)
		skip();
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&sin, &sl), 0);
	snprintf(s, sizeof(s), "tcp:127.0.0.1:%u", ntohs(sin.sin_port));
	assert_int_equal(transport_parse(s, &a), 0);
	c1 = transport_connect(&a);
	if (c1 == -EACCES) {
		close(lfd);
		skip();
	}
	assert_true(c1 >= 0);
	c2 = transport_connect(&a);
	assert_true(c2 >= 0);
	sl = sizeof(src1);
	assert_int_equal(getsockname(c1, (struct sockaddr *)&src1, &sl), 0);
	sl = sizeof(src2);
	assert_int_equal(getsockname(c2, (struct sockaddr *)&src2, &sl), 0);
	assert_true(ntohs(src1.sin_port) <= TRANSPORT_PRIV_PORT_MAX);
	assert_true(ntohs(src2.sin_port) <= TRANSPORT_PRIV_PORT_MAX);
	assert_true(ntohs(src2.sin_port) >= TRANSPORT_PRIV_PORT_MIN);
	assert_int_not_equal(ntohs(src1.sin_port), ntohs(src2.sin_port));
	close(c2);
	close(c1);
	close(lfd);
}

static void peer_check_vsock(void **state)
{
	struct transport_peer p = {.cid = 16, .uid = TRANSPORT_UID_NONE};
	struct transport_addr a;

	(void)state;
	assert_int_equal(transport_parse("vsock:any:5000", &a), 0);
	p.port = 1023; /* the top of remora-enclave's range */
	assert_int_equal(transport_peer_check(&a, &p, 16, TRANSPORT_UID_NONE),
			 TRANSPORT_PEER_OK);
	p.port = 512;
	assert_int_equal(transport_peer_check(&a, &p, 16, TRANSPORT_UID_NONE),
			 TRANSPORT_PEER_OK);
	/* what the kernel gives a socket it binds itself, unprivileged */
	p.port = 1024;
	assert_int_equal(transport_peer_check(&a, &p, 16, TRANSPORT_UID_NONE),
			 TRANSPORT_PEER_UNPRIV_PORT);
	p.port = 0xfffffffeU;
	assert_int_equal(transport_peer_check(&a, &p, 16, TRANSPORT_UID_NONE),
			 TRANSPORT_PEER_UNPRIV_PORT);
	/* another enclave, or the host itself, even from a privileged port;
	 * the CID is judged first */
	p.port = 1023;
	p.cid = 17;
	assert_int_equal(transport_peer_check(&a, &p, 16, TRANSPORT_UID_NONE),
			 TRANSPORT_PEER_BAD_CID);
	p.cid = 2;
	assert_int_equal(transport_peer_check(&a, &p, 16, TRANSPORT_UID_NONE),
			 TRANSPORT_PEER_BAD_CID);
	p.port = 1024;
	assert_int_equal(transport_peer_check(&a, &p, 16, TRANSPORT_UID_NONE),
			 TRANSPORT_PEER_BAD_CID);
	/* a uid means nothing on vsock */
	p.cid = 16;
	p.uid = 0;
	assert_int_equal(transport_peer_check(&a, &p, 16, 0),
			 TRANSPORT_PEER_UNPRIV_PORT);
}

static void peer_check_tcp(void **state)
{
	struct transport_peer p = {.uid = TRANSPORT_UID_NONE};
	struct transport_addr a;

	(void)state;
	assert_int_equal(transport_parse("tcp:127.0.0.1:5000", &a), 0);
	p.port = 1023;
	assert_int_equal(transport_peer_check(&a, &p, 16, TRANSPORT_UID_NONE),
			 TRANSPORT_PEER_OK);
	p.port = 1024;
	assert_int_equal(transport_peer_check(&a, &p, 16, TRANSPORT_UID_NONE),
			 TRANSPORT_PEER_UNPRIV_PORT);
	p.port = 45678; /* an ordinary ephemeral port */
	assert_int_equal(transport_peer_check(&a, &p, 16, TRANSPORT_UID_NONE),
			 TRANSPORT_PEER_UNPRIV_PORT);
	/* tcp has no CID: the enclave's CID is not asked */
	p.port = 1000;
	p.cid = 99;
	assert_int_equal(transport_peer_check(&a, &p, 16, TRANSPORT_UID_NONE),
			 TRANSPORT_PEER_OK);
	assert_int_equal(transport_parse("tcp:[::1]:5000", &a), 0);
	p.port = 1024;
	assert_int_equal(transport_peer_check(&a, &p, 16, TRANSPORT_UID_NONE),
			 TRANSPORT_PEER_UNPRIV_PORT);
}

static void peer_check_unix(void **state)
{
	struct transport_peer p = {0};
	struct transport_addr a;

	(void)state;
	assert_int_equal(transport_parse("unix:/run/remora.sock", &a), 0);
	/* root always */
	p.uid = 0;
	assert_int_equal(transport_peer_check(&a, &p, 16, TRANSPORT_UID_NONE),
			 TRANSPORT_PEER_OK);
	assert_int_equal(transport_peer_check(&a, &p, 16, 65534),
			 TRANSPORT_PEER_OK);
	/* the configured user */
	p.uid = 65534;
	assert_int_equal(transport_peer_check(&a, &p, 16, 65534),
			 TRANSPORT_PEER_OK);
	/* anyone else, or that user when none is configured */
	assert_int_equal(transport_peer_check(&a, &p, 16, TRANSPORT_UID_NONE),
			 TRANSPORT_PEER_UNPRIV_UID);
	p.uid = 1000;
	assert_int_equal(transport_peer_check(&a, &p, 16, 65534),
			 TRANSPORT_PEER_UNPRIV_UID);
	/* credentials that could not be read are nobody's */
	p.uid = TRANSPORT_UID_NONE;
	assert_int_equal(transport_peer_check(&a, &p, 16, TRANSPORT_UID_NONE),
			 TRANSPORT_PEER_UNPRIV_UID);
	assert_int_equal(transport_peer_check(&a, &p, 16, 65534),
			 TRANSPORT_PEER_UNPRIV_UID);
	/* a unix peer has no port: a privileged-looking 0 proves nothing */
	p.uid = 1000;
	p.port = 0;
	assert_int_equal(transport_peer_check(&a, &p, 16, 65534),
			 TRANSPORT_PEER_UNPRIV_UID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(peer_check_vsock),
		cmocka_unit_test(peer_check_tcp),
		cmocka_unit_test(peer_check_unix),
		cmocka_unit_test(parse_vsock),
		cmocka_unit_test(parse_vsock_any),
		cmocka_unit_test(parse_vsock_bad),
		cmocka_unit_test(parse_unix),
		cmocka_unit_test(parse_unix_bad),
		cmocka_unit_test(parse_unix_path_length),
		cmocka_unit_test(parse_tcp_ipv4),
		cmocka_unit_test(parse_tcp_ipv6),
		cmocka_unit_test(parse_tcp_bad),
		cmocka_unit_test(parse_unknown_kind),
		cmocka_unit_test_setup_teardown(unix_round_trip, tmp_setup,
						tmp_teardown),
		cmocka_unit_test_setup_teardown(unix_connect_refused, tmp_setup,
						tmp_teardown),
		cmocka_unit_test_setup_teardown(
			unix_listen_replaces_stale_socket, tmp_setup,
			tmp_teardown),
		cmocka_unit_test_setup_teardown(unix_listen_keeps_regular_file,
						tmp_setup, tmp_teardown),
		cmocka_unit_test(tcp_round_trip),
		cmocka_unit_test(tcp_privileged_ports_in_use),
	};

	return cmocka_run_group_tests_name("transport", tests, NULL, NULL);
}
