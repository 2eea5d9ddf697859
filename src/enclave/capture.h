/* SPDX-License-Identifier: Apache-2.0 */
/* remora-enclave - where the enclave's outbound packets are taken from */
#ifndef REMORA_CAPTURE_H
#define REMORA_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

#include <linux/virtio_net.h>

#include "remora/tun.h"

/**
 * enum capture_mode - how remora-enclave takes the enclave's packets
 * @CAPTURE_AUTO:	NFQUEUE where the kernel has it, else tun
 * @CAPTURE_NFQUEUE:	iptables rules send them to NFQUEUE (enclave.rules)
 * @CAPTURE_TUN:	the default routes go into a tun device remora-enclave
 *			opens (the stock Nitro enclave kernel: no NFQUEUE)
 */
enum capture_mode {
	CAPTURE_AUTO = 0,
	CAPTURE_NFQUEUE,
	CAPTURE_TUN,
};

int capture_parse(const char *s, enum capture_mode *mode);
const char *capture_name(enum capture_mode mode);
enum capture_mode capture_choose(enum capture_mode want, int queue_rc,
				 const char **why);
int capture_tun_open(struct tun *t, const char *name, uint32_t mtu, int no_gso);
unsigned capture_tun_flags(const struct virtio_net_hdr *vh, size_t len,
			   uint16_t *gso_size);

#endif /* REMORA_CAPTURE_H */
