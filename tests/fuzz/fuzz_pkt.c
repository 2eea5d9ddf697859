// SPDX-License-Identifier: Apache-2.0
/* remora - fuzz target: the packet checks of both directions.
 *
 * The input is one packet. Whatever pkt_parse_ipv4() accepts must be a
 * whole, well-formed IPv4 TCP/UDP/ICMP packet; whatever the enclave's
 * inbound check accepts must be addressed to the enclave from an address
 * that can exist; whatever the host's outbound check accepts must come
 * from the shared address and one of the enclave's ports, to an address
 * the enclave may reach. Any breach aborts.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "remora/pkt.h"
#include "remora/portset.h"

#define FUZZ_ADDR 0x010012c6U /* 198.18.0.1, network byte order */
#define FUZZ_IMDS 0xfea9fea9U /* 169.254.169.254, network byte order */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct portset ports;
	static int ready;
	struct pkt_info pi;
	size_t hlen;

	if (!ready) {
		if (portset_parse(&ports, "80,443,1024-61439"))
			abort();
		ready = 1;
	}
	if (pkt_parse_ipv4(data, size, &pi) != PKT_OK)
		return 0;
	hlen = (size_t)(data[0] & 0xf) * 4;
	if (size < 20 || (data[0] >> 4) != 4 || hlen < 20 || hlen > size ||
	    pi.hlen != hlen || pi.len != size ||
	    (((size_t)data[2] << 8) | data[3]) != size ||
	    pkt_ipv4_csum(data, hlen) != 0 ||
	    (((data[6] << 8) | data[7]) & 0x3fff) != 0)
		abort();
	if ((pi.proto == 6 && size < hlen + 20) ||
	    (pi.proto == 17 && size < hlen + 8) ||
	    (pi.proto == 1 && size < hlen + 8) ||
	    (pi.proto != 1 && pi.proto != 6 && pi.proto != 17))
		abort();
	if (memcmp(&pi.src, data + 12, 4) || memcmp(&pi.dst, data + 16, 4))
		abort();

	if (pkt_check_inbound(&pi, FUZZ_ADDR) == PKT_OK &&
	    (pi.dst != FUZZ_ADDR || pi.src == FUZZ_ADDR ||
	     pkt_addr_martian(pi.src)))
		abort();
	if (pkt_check_outbound(&pi, FUZZ_ADDR, &ports) == PKT_OK &&
	    (pi.src != FUZZ_ADDR || pi.dst == FUZZ_ADDR ||
	     pi.dst == FUZZ_IMDS || pkt_addr_martian(pi.dst) ||
	     ((pi.proto == 6 || pi.proto == 17) &&
	      !portset_has(&ports, pi.sport))))
		abort();
	return 0;
}
