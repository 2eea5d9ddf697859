// SPDX-License-Identifier: Apache-2.0
/* remora - unit tests of remora-enclave's segment sizes (mss.c): what the
 * kernel says for a real TCP connection on loopback, the options a packet
 * carries beyond the usual ones, the cache and when it asks again */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "mss.h"

/* mss_segment_size() for IPv4 addresses in network order */
static size_t seg4(struct mss_cache *m, uint32_t src, uint32_t dst,
		   uint16_t sport, uint16_t dport, size_t thlen, double now)
{
	return mss_segment_size(m, AF_INET, &src, &dst, sport, dport, thlen,
				now);
}

/**
 * struct conn - one established loopback connection
 * @lfd:	listener
 * @cfd:	client end
 * @afd:	accepted end
 * @client:	client's address
 * @server:	server's address
 */
struct conn {
	int lfd, cfd, afd;
	struct sockaddr_in client, server;
};

/* A connection whose client clamps its MSS to @maxseg (0: no clamp) */
static void conn_open(struct conn *c, int maxseg)
{
	socklen_t sl = sizeof(c->server);

	memset(c, 0, sizeof(*c));
	c->server.sin_family = AF_INET;
	c->server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	c->lfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(c->lfd >= 0);
	assert_int_equal(bind(c->lfd, (struct sockaddr *)&c->server, sl), 0);
	assert_int_equal(listen(c->lfd, 1), 0);
	assert_int_equal(
		getsockname(c->lfd, (struct sockaddr *)&c->server, &sl), 0);
	c->cfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(c->cfd >= 0);
	if (maxseg)
		assert_int_equal(setsockopt(c->cfd, IPPROTO_TCP, TCP_MAXSEG,
					    &maxseg, sizeof(maxseg)),
				 0);
	assert_int_equal(connect(c->cfd, (struct sockaddr *)&c->server, sl), 0);
	c->afd = accept(c->lfd, NULL, NULL);
	assert_true(c->afd >= 0);
	sl = sizeof(c->client);
	assert_int_equal(
		getsockname(c->cfd, (struct sockaddr *)&c->client, &sl), 0);
}

static void conn_close(struct conn *c)
{
	close(c->afd);
	close(c->cfd);
	close(c->lfd);
}

/* The kernel's own idea of the client's send MSS and header length */
static void conn_kernel_mss(const struct conn *c, uint32_t *mss, size_t *base)
{
	struct tcp_info ti;
	socklen_t sl = sizeof(ti);

	assert_int_equal(getsockopt(c->cfd, IPPROTO_TCP, TCP_INFO, &ti, &sl),
			 0);
	*mss = ti.tcpi_snd_mss;
	*base = (ti.tcpi_options & TCPI_OPT_TIMESTAMPS) ? 32 : 20;
}

static int setup(void **state)
{
	static struct mss_cache c;

	if (mss_open(&c)) {
		*state = NULL;
		return 0;
	}
	*state = &c;
	return 0;
}

static int teardown(void **state)
{
	if (*state)
		mss_close(*state);
	return 0;
}

static struct mss_cache *cache_or_skip(void **state)
{
	if (!*state) {
		print_message("sock_diag for TCP is not in this kernel\n");
		skip();
	}
	mss_forget(*state);
	return *state;
}

/* The size asked for the client's packets is the kernel's tcpi_snd_mss,
 * for a clamped connection and for one at loopback's full size */
static void test_kernel_answer(void **state)
{
	struct mss_cache *m = cache_or_skip(state);
	static const int clamps[] = {1000, 1400, 0};
	size_t base, i;
	uint32_t want;
	struct conn c;

	for (i = 0; i < sizeof(clamps) / sizeof(clamps[0]); i++) {
		conn_open(&c, clamps[i]);
		conn_kernel_mss(&c, &want, &base);
		if (clamps[i])
			assert_true(want <= (uint32_t)clamps[i]);
		assert_true(want >= MSS_MIN);
		assert_int_equal(seg4(m, c.client.sin_addr.s_addr,
				      c.server.sin_addr.s_addr,
				      ntohs(c.client.sin_port),
				      ntohs(c.server.sin_port), base, 1.0),
				 want);
		conn_close(&c);
	}
}

/* SACK blocks or other options beyond the usual header come out of the
 * payload, as the kernel's tcp_current_mss() takes them; fewer options
 * than the usual never make a segment larger */
static void test_extra_options(void **state)
{
	struct mss_cache *m = cache_or_skip(state);
	uint32_t want, src, dst;
	uint16_t sp, dp;
	struct conn c;
	size_t base;

	conn_open(&c, 1200);
	conn_kernel_mss(&c, &want, &base);
	src = c.client.sin_addr.s_addr;
	dst = c.server.sin_addr.s_addr;
	sp = ntohs(c.client.sin_port);
	dp = ntohs(c.server.sin_port);
	assert_int_equal(seg4(m, src, dst, sp, dp, base + 12, 1.0), want - 12);
	assert_int_equal(seg4(m, src, dst, sp, dp, base + 40, 1.0), want - 40);
	assert_int_equal(seg4(m, src, dst, sp, dp, 20, 1.0), want);
	conn_close(&c);
}

/* A four-tuple with no socket (or the server's end seen from the wrong
 * side) has no size: the caller lets the kernel cut */
static void test_unknown(void **state)
{
	struct mss_cache *m = cache_or_skip(state);
	struct conn c;

	conn_open(&c, 0);
	assert_int_equal(
		seg4(m, c.client.sin_addr.s_addr, c.server.sin_addr.s_addr,
		     ntohs(c.client.sin_port),
		     (uint16_t)(ntohs(c.server.sin_port) + 1), 32, 1.0),
		0);
	assert_int_equal(
		seg4(m, htonl(0xc0000201), htonl(0xc0000202), 1, 2, 32, 1.0),
		0);
	conn_close(&c);
	/* closed: the next question after the cached answer expires is 0 */
	assert_int_equal(seg4(m, c.client.sin_addr.s_addr,
			      c.server.sin_addr.s_addr,
			      ntohs(c.client.sin_port),
			      ntohs(c.server.sin_port), 32, 100.0),
			 0);
}

/* One request per connection per MSS_TTL; mss_forget() asks again */
static void test_cache(void **state)
{
	struct mss_cache *m = cache_or_skip(state);
	uint32_t want, src, dst;
	uint16_t sp, dp;
	uint64_t q0;
	struct conn c;
	size_t base;

	conn_open(&c, 1100);
	conn_kernel_mss(&c, &want, &base);
	src = c.client.sin_addr.s_addr;
	dst = c.server.sin_addr.s_addr;
	sp = ntohs(c.client.sin_port);
	dp = ntohs(c.server.sin_port);
	q0 = m->queries;
	assert_int_equal(seg4(m, src, dst, sp, dp, base, 10.0), want);
	assert_int_equal(m->queries, q0 + 1);
	assert_int_equal(seg4(m, src, dst, sp, dp, base, 10.0 + MSS_TTL / 2),
			 want);
	assert_int_equal(m->queries, q0 + 1);
	assert_int_equal(seg4(m, src, dst, sp, dp, base, 10.0 + MSS_TTL * 2),
			 want);
	assert_int_equal(m->queries, q0 + 2);
	mss_forget(m);
	assert_int_equal(seg4(m, src, dst, sp, dp, base, 10.0 + MSS_TTL * 2),
			 want);
	assert_int_equal(m->queries, q0 + 3);
	conn_close(&c);
}

/* An IPv6 connection on ::1, clamped: the same answer as the kernel's;
 * skipped where IPv6 is off */
static void test_ipv6(void **state)
{
	struct mss_cache *m = cache_or_skip(state);
	struct sockaddr_in6 srv = {.sin6_family = AF_INET6}, cli;
	socklen_t sl = sizeof(srv);
	int lfd, cfd, afd, clamp = 1200;
	struct tcp_info ti;

	srv.sin6_addr = in6addr_loopback;
	lfd = socket(AF_INET6, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&srv, sizeof(srv))) {
		if (lfd >= 0)
			close(lfd);
		print_message("no IPv6 loopback here\n");
		skip();
	}
	assert_int_equal(listen(lfd, 1), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&srv, &sl), 0);
	cfd = socket(AF_INET6, SOCK_STREAM, 0);
	assert_true(cfd >= 0);
	assert_int_equal(
		setsockopt(cfd, IPPROTO_TCP, TCP_MAXSEG, &clamp, sizeof(clamp)),
		0);
	assert_int_equal(connect(cfd, (struct sockaddr *)&srv, sizeof(srv)), 0);
	afd = accept(lfd, NULL, NULL);
	assert_true(afd >= 0);
	sl = sizeof(cli);
	assert_int_equal(getsockname(cfd, (struct sockaddr *)&cli, &sl), 0);
	sl = sizeof(ti);
	assert_int_equal(getsockopt(cfd, IPPROTO_TCP, TCP_INFO, &ti, &sl), 0);
	assert_true(ti.tcpi_snd_mss <= 1200);
	assert_int_equal(
		mss_segment_size(
			m, AF_INET6, &cli.sin6_addr, &srv.sin6_addr,
			ntohs(cli.sin6_port), ntohs(srv.sin6_port),
			(ti.tcpi_options & TCPI_OPT_TIMESTAMPS) ? 32 : 20, 1.0),
		ti.tcpi_snd_mss);
	close(afd);
	close(cfd);
	close(lfd);
}

/* With the socket closed, nothing is asked and nothing is known */
static void test_closed_cache(void **state)
{
	struct mss_cache c;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.fd = -1;
	assert_int_equal(seg4(&c, 1, 2, 3, 4, 32, 1.0), 0);
	assert_int_equal(c.queries, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_answer),
		cmocka_unit_test(test_extra_options),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_cache),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_closed_cache),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
