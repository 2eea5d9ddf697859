/* SPDX-License-Identifier: Apache-2.0 */
/* remora - injecting packets whole through a tun device, offloads and all */
#ifndef REMORA_TUN_H
#define REMORA_TUN_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/virtio_net.h>

#include "remora/pkt.h"

#define TUN_DEFAULT_NAME "remora0"
#define TUN_MTU		 65535 /* the largest packet written into it */

/* tun_setup() results besides -errno */
#define TUN_RP_STRICT 1 /* net.ipv4.conf.all.rp_filter is 1: see tun.c */

/**
 * struct tun - the device remora-host writes the enclave's packets into
 * @fd:		its file descriptor (-1: none)
 * @name:	interface name
 * @ifindex:	interface index
 * @offload:	the TUN_F_* offloads the device took
 * @v6:		IPv6 is forwarded from it too (per-device forwarding)
 */
struct tun {
	int fd;
	char name[IFNAMSIZ];
	int ifindex;
	unsigned offload;
	int v6;
};

int tun_open(struct tun *t, const char *name);
int tun_setup(struct tun *t, int want6, const char **why6);
int tun_up_local(struct tun *t, uint32_t mtu);
int tun_set_offload(struct tun *t, unsigned off);
void tun_close(struct tun *t);
void tun_vnet_hdr(struct virtio_net_hdr *vh, uint8_t *pkt,
		  const struct pkt_info *pi, unsigned gso_type,
		  uint16_t gso_size, int csum_partial);
int tun_write(const struct tun *t, const struct virtio_net_hdr *vh,
	      const uint8_t *pkt, size_t len);
int tun_inject(const struct tun *t, const struct virtio_net_hdr *vh,
	       const uint8_t *pkt, size_t len);
int tun_drops_open(const struct tun *t);
int tun_drops(int fd, uint64_t *n);
ssize_t tun_read(const struct tun *t, struct virtio_net_hdr *vh, uint8_t *buf,
		 size_t cap);

#endif /* REMORA_TUN_H */
