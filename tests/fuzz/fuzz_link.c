// SPDX-License-Identifier: Apache-2.0
/* remora - fuzz target: the link as remora-enclave runs it, fed hostile
 * bytes from "the host", with the enclave's checks on every packet.
 *
 * Input: chunks, each a length byte then up to 256 bytes, delivered as
 * separate reads so frames split at every point. The link starts in its
 * handshake, as after a connect. Every packet the checks accept must
 * really belong to the enclave; anything else aborts. The link announces
 * STATS: every STATS payload goes through the decoder remora-host runs on
 * reports (frame_decode_stats()), whose result must hold its promises.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ev.h>

#include "remora/csum.h"
#include "remora/frame.h"
#include "remora/link.h"
#include "remora/log.h"
#include "remora/pkt.h"

#define FUZZ_ENCLAVE_ADDR 0x010012c6U /* 198.18.0.1, network byte order */

/* The enclave's addresses: IPv4 only, as a daemon without --address6 */
static const struct pkt_own fuzz_enclave = {.addr = FUZZ_ENCLAVE_ADDR};

static void fuzz_packet(void *ctx, uint8_t *p, size_t len,
			const struct frame_offload *off)
{
	struct pkt_info pi;

	(void)ctx;
	/* the enclave announces no capability: OFFLOAD frames end the link */
	if (off || len > FRAME_MAX_PAYLOAD)
		abort();
	if (pkt_parse_ipv4(p, len, &pi) != PKT_OK ||
	    pkt_check_inbound(&pi, &fuzz_enclave) != PKT_OK)
		return;
	/* what the enclave would inject: it must be the enclave's */
	if (pi.dst != FUZZ_ENCLAVE_ADDR || pi.src == FUZZ_ENCLAVE_ADDR ||
	    pkt_addr_martian(pi.src) || pi.len != len || (p[0] >> 4) != 4 ||
	    (((p[6] << 8) | p[7]) & 0x3fff) != 0 ||
	    csum(p, (size_t)(p[0] & 0xf) * 4) != 0)
		abort();
	if (pi.proto != 1 && pi.proto != 6 && pi.proto != 17)
		abort();
}

static void fuzz_stats(void *ctx, const uint8_t *p, size_t len)
{
	static struct frame_stats fs;
	unsigned i;
	size_t n, k;

	(void)ctx;
	if (len > FRAME_STATS_MAX_PAYLOAD)
		abort();
	if (frame_decode_stats(p, len, &fs))
		return;
	if (fs.n > FRAME_STATS_MAX)
		abort();
	for (i = 0; i < fs.n; i++) {
		n = strlen(fs.name[i]);
		if (!n || n > FRAME_STATS_NAME_MAX)
			abort();
		for (k = 0; k < n; k++)
			if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789_",
				    fs.name[i][k]))
				abort();
	}
}

static const struct link_ops fuzz_ops = {.packet = fuzz_packet,
					 .stats = fuzz_stats};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ev_loop *loop;
	static struct link l;
	size_t n;
	int fds[2];

	if (!loop) {
		log_init("fuzz", LOG_LVL_OFF);
		loop = ev_loop_new(EVFLAG_AUTO);
		if (!loop || link_init(&l, loop, FRAME_ROLE_ENCLAVE, 1, 5,
				       &fuzz_ops, NULL))
			abort();
		link_set_caps(&l, FRAME_CAP_STATS);
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0,
		       fds))
		abort();
	link_attach(&l, fds[0]);
	while (size > 0 && l.fd >= 0) {
		n = (size_t)data[0] + 1;
		data++;
		size--;
		if (n > size)
			n = size;
		if (link_feed(&l, data, n) > n)
			abort();
		data += n;
		size -= n;
	}
	link_close(&l, FRAME_BYE_SHUTDOWN, "fuzz input done");
	close(fds[1]);
	return 0;
}
