// SPDX-License-Identifier: Apache-2.0
/* remora-enclave - where the enclave's outbound packets are taken from
 *
 * Two ways, one pipeline after them:
 *  - nfqueue: enclave.rules send every packet for a non-local address to
 *    NFQUEUE. The kernel must have CONFIG_NETFILTER_NETLINK_QUEUE and the
 *    NFQUEUE target, which the enclave kernel AWS builds does not.
 *  - tun: remora-enclave opens a tun device with virtio_net_hdr and TCP
 *    segmentation offload, and the enclave's default routes go into it.
 *    The kernel hands each TCP super-packet over with its segment size, so
 *    nothing is asked of sock_diag. The device is not persistent: when
 *    remora-enclave dies it goes, its routes with it, and the enclave has
 *    no route out (fail closed without a rule).
 * In auto, the queue is tried first; a kernel that says it has no such
 * thing gets tun, any other failure (the queue held by another process, no
 * privilege) is an error to fix, not a reason to change mode.
 */

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "capture.h"
#include "remora/fit.h"
#include "remora/nfqueue.h"

/**
 * capture_parse() - parse --capture
 * @s:		"auto", "nfqueue" or "tun"
 * @mode:	result
 *
 * Return: 0, or -1 for anything else
 */
int capture_parse(const char *s, enum capture_mode *mode)
{
	if (!strcmp(s, "auto"))
		*mode = CAPTURE_AUTO;
	else if (!strcmp(s, "nfqueue"))
		*mode = CAPTURE_NFQUEUE;
	else if (!strcmp(s, "tun"))
		*mode = CAPTURE_TUN;
	else
		return -1;
	return 0;
}

/**
 * capture_name() - a mode's name, as --capture spells it
 * @mode:	enum capture_mode
 *
 * Return: static string
 */
const char *capture_name(enum capture_mode mode)
{
	return mode == CAPTURE_TUN	 ? "tun"
	       : mode == CAPTURE_NFQUEUE ? "nfqueue"
					 : "auto";
}

/**
 * capture_choose() - the mode remora-enclave runs in
 * @want:	--capture
 * @queue_rc:	with @want CAPTURE_AUTO or CAPTURE_NFQUEUE, what binding the
 *		queue gave (0 or -errno); not read with CAPTURE_TUN
 * @why:	set to the reason of the choice, for the log line
 *
 * Return: CAPTURE_NFQUEUE (the queue is bound), CAPTURE_TUN, or
 *	   CAPTURE_AUTO when the queue could not be bound and that is an
 *	   error (nfqueue asked for, or a failure that is not a missing
 *	   kernel feature): the caller exits saying @queue_rc
 */
enum capture_mode capture_choose(enum capture_mode want, int queue_rc,
				 const char **why)
{
	if (want == CAPTURE_TUN) {
		*why = "--capture tun";
		return CAPTURE_TUN;
	}
	if (!queue_rc) {
		*why = want == CAPTURE_NFQUEUE
			       ? "--capture nfqueue"
			       : "this kernel has NFQUEUE (auto)";
		return CAPTURE_NFQUEUE;
	}
	if (want == CAPTURE_AUTO && nfqueue_missing(queue_rc)) {
		*why = "this kernel has no NFQUEUE (auto)";
		return CAPTURE_TUN;
	}
	*why = "the queue cannot be bound";
	return CAPTURE_AUTO;
}

/**
 * capture_tun_open() - the device the enclave's default routes go into
 * @t:		filled
 * @name:	interface name
 * @mtu:	its MTU: the largest packet the enclave sends (TCP sends
 *		super-packets of up to 64 KB through it, cut at that size)
 * @no_gso:	no offloads: the kernel cuts and checksums every packet
 *		before the device (--no-gso)
 *
 * Without /dev/net/tun (a /dev without device files), it is made: the
 * misc device 10:200, where the kernel has CONFIG_TUN.
 *
 * Return: 0, or -errno (tun_open()'s, or of bringing it up)
 */
int capture_tun_open(struct tun *t, const char *name, uint32_t mtu, int no_gso)
{
	int rc = tun_open(t, name);

	/* an image whose /dev has no device files yet (as PID 2, before
	 * anyone made them): the tun's is made, as udev would */
	if (rc == -ENOENT && (!mkdir("/dev/net", 0755) || errno == EEXIST) &&
	    !mknod("/dev/net/tun", S_IFCHR | 0666, makedev(10, 200)))
		rc = tun_open(t, name);
	if (rc)
		return rc;
	rc = no_gso ? tun_set_offload(t, 0) : 0;
	if (!rc)
		rc = tun_up_local(t, mtu > TUN_MTU ? TUN_MTU : mtu);
	if (rc)
		tun_close(t);
	return rc;
}

/**
 * capture_tun_flags() - what a packet's virtio_net_hdr says, as fit's flags
 * @vh:		the header the device gave with it
 * @len:	the packet's length
 * @gso_size:	set to its segments' payload size (0: one packet)
 *
 * Return: FIT_AGGREGATE for a super-packet still to be cut, FIT_CSUM_PART
 *	   when its TCP/UDP checksum is still to be computed
 */
unsigned capture_tun_flags(const struct virtio_net_hdr *vh, size_t len,
			   uint16_t *gso_size)
{
	unsigned flags = 0;

	*gso_size = 0;
	if ((vh->gso_type & ~VIRTIO_NET_HDR_GSO_ECN) !=
		    VIRTIO_NET_HDR_GSO_NONE &&
	    vh->gso_size && vh->gso_size < len) {
		flags |= FIT_AGGREGATE;
		*gso_size = vh->gso_size;
	}
	if (vh->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)
		flags |= FIT_CSUM_PART;
	return flags;
}
