// SPDX-License-Identifier: Apache-2.0
/* remora - unit tests of raw injection in batches (raw.c), in a network
 * namespace of the test's own (a user namespace makes it root there, so
 * no privilege is needed): packets reach a local socket and are counted;
 * a batch says when it is full; a packet larger than lo's MTU is handed
 * back to the caller, or counted as an injection drop when the caller
 * takes none back. Skipped where namespaces cannot be made. */

#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "remora/csum.h"
#include "remora/raw.h"
#include "remora/stats.h"

#define LO_MTU 1500
#define PORT   5999

static int rx = -1;

/* A UDP datagram of @len bytes in all from 127.0.0.1 to 127.0.0.1:PORT,
 * in @p (checksum 0: none, which UDP over IPv4 allows) */
static size_t make_udp(uint8_t *p, size_t len)
{
	memset(p, 0, len);
	p[0] = 0x45;
	p[2] = (uint8_t)(len >> 8);
	p[3] = (uint8_t)len;
	p[8] = 64;
	p[9] = IPPROTO_UDP;
	p[12] = p[16] = 127;
	p[15] = p[19] = 1;
	csum_ip4_header(p, 20);
	p[20] = 0x30; /* source port 12345 */
	p[21] = 0x39;
	p[22] = (uint8_t)(PORT >> 8);
	p[23] = (uint8_t)PORT;
	p[24] = (uint8_t)((len - 20) >> 8);
	p[25] = (uint8_t)(len - 20);
	return len;
}

/* Datagrams waiting on the receiving socket */
static int received(void)
{
	char buf[2048];
	int n = 0;

	while (recv(rx, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		n++;
	return n;
}

/* A namespace of our own with lo up at LO_MTU, and a socket on PORT */
static int setup(void **state)
{
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_port = htons(PORT),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct ifreq ifr;
	int fd;

	(void)state;
	if (unshare(CLONE_NEWUSER | CLONE_NEWNET) &&
	    (geteuid() || unshare(CLONE_NEWNET)))
		return -1;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	ifr.ifr_mtu = LO_MTU;
	if (fd < 0 || ioctl(fd, SIOCSIFMTU, &ifr))
		return -1;
	ifr.ifr_flags = IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr))
		return -1;
	close(fd);
	rx = socket(AF_INET, SOCK_DGRAM, 0);
	return rx < 0 || bind(rx, (struct sockaddr *)&sin, sizeof(sin)) ? -1
									: 0;
}

static void raw_injects_and_counts(void **state)
{
	static uint8_t pkts[3][200];
	struct raw_batch b;
	int fd, i;

	(void)state;
	fd = raw_open(AF_INET, 0);
	assert_true(fd >= 0);
	raw_batch_init(&b, fd, AF_INET);
	memset(&stats, 0, sizeof(stats));
	for (i = 0; i < 3; i++)
		assert_int_equal(raw_batch_add(&b, pkts[i],
					       make_udp(pkts[i], 100 + i),
					       htonl(INADDR_LOOPBACK)),
				 0);
	assert_int_equal(raw_batch_flush(&b, NULL, 0), 0);
	assert_int_equal(b.n, 0);
	assert_int_equal(stats.c[STAT_L2I_INJECTED_PACKETS], 3);
	assert_int_equal(stats.c[STAT_L2I_INJECTED_BYTES], 100 + 101 + 102);
	assert_int_equal(received(), 3);
	close(fd);
}

static void raw_batch_says_full(void **state)
{
	static uint8_t pkt[100];
	struct raw_batch b;
	int fd, i;

	(void)state;
	fd = raw_open(AF_INET, 0);
	raw_batch_init(&b, fd, AF_INET);
	make_udp(pkt, sizeof(pkt));
	for (i = 1; i < RAW_BATCH; i++)
		assert_int_equal(raw_batch_add(&b, pkt, sizeof(pkt),
					       htonl(INADDR_LOOPBACK)),
				 0);
	assert_int_equal(
		raw_batch_add(&b, pkt, sizeof(pkt), htonl(INADDR_LOOPBACK)), 1);
	memset(&stats, 0, sizeof(stats));
	raw_batch_flush(&b, NULL, 0);
	assert_int_equal(stats.c[STAT_L2I_INJECTED_PACKETS], RAW_BATCH);
	assert_int_equal(received(), RAW_BATCH);
	close(fd);
}

/* Too large for lo: handed back in order, the others sent around it */
static void raw_too_big_handed_back(void **state)
{
	static uint8_t small[100], big1[LO_MTU + 1], big2[2000];
	struct raw_too_big big[RAW_BATCH];
	struct raw_batch b;
	int fd;

	(void)state;
	fd = raw_open(AF_INET, 0);
	raw_batch_init(&b, fd, AF_INET);
	memset(&stats, 0, sizeof(stats));
	raw_batch_add(&b, small, make_udp(small, sizeof(small)),
		      htonl(INADDR_LOOPBACK));
	raw_batch_add(&b, big1, make_udp(big1, sizeof(big1)),
		      htonl(INADDR_LOOPBACK));
	raw_batch_add(&b, small, sizeof(small), htonl(INADDR_LOOPBACK));
	raw_batch_add(&b, big2, make_udp(big2, sizeof(big2)),
		      htonl(INADDR_LOOPBACK));
	assert_int_equal(raw_batch_flush(&b, big, RAW_BATCH), 2);
	assert_ptr_equal(big[0].pkt, big1);
	assert_int_equal(big[0].len, sizeof(big1));
	assert_ptr_equal(big[1].pkt, big2);
	assert_int_equal(stats.c[STAT_L2I_INJECTED_PACKETS], 2);
	assert_int_equal(stats.c[STAT_L2I_DROP_INJECT], 0);
	assert_int_equal(received(), 2);
	/* with nowhere to hand them back: injection drops */
	raw_batch_add(&b, big1, sizeof(big1), htonl(INADDR_LOOPBACK));
	raw_batch_add(&b, small, sizeof(small), htonl(INADDR_LOOPBACK));
	assert_int_equal(raw_batch_flush(&b, NULL, 0), 0);
	assert_int_equal(stats.c[STAT_L2I_DROP_INJECT], 1);
	assert_int_equal(stats.c[STAT_L2I_INJECTED_PACKETS], 3);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(raw_injects_and_counts),
		cmocka_unit_test(raw_batch_says_full),
		cmocka_unit_test(raw_too_big_handed_back),
	};

	if (setup(NULL)) {
		printf("[  SKIPPED ] test_raw: cannot make a network namespace "
		       "here (%s)\n",
		       strerror(errno));
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
