// SPDX-License-Identifier: Apache-2.0
/* remora - dropping the capabilities a daemon no longer needs */

#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "remora/caps.h"
#include "remora/log.h"

/* Names of the capabilities a daemon may keep, for its log */
static const struct {
	int cap;
	const char *name;
} caps_names[] = {
	{CAP_NET_ADMIN, "CAP_NET_ADMIN"},
	{CAP_NET_BIND_SERVICE, "CAP_NET_BIND_SERVICE"},
	{CAP_NET_RAW, "CAP_NET_RAW"},
};

/**
 * caps_drop() - keep only the capabilities still needed
 * @keep:	CAPS_BIT() of each capability to keep
 *
 * Everything else privileged is done at start-up: the raw socket is open
 * with its mark, the listener and control socket are bound. What is left
 * is talking to NFQUEUE: the kernel checks CAP_NET_ADMIN on every netlink
 * message to it (verdicts), against the sender as it is then; and, for
 * remora-enclave on vsock or tcp, binding each new link's source port
 * below 1024 (CAP_NET_BIND_SERVICE), remora-host's proof that a privileged
 * process connects. Those in @keep that the daemon holds stay; every other
 * capability goes, from the effective, permitted, inheritable, ambient and
 * bounding sets; no exec can gain privileges. A flaw in the packet path
 * then gives an attacker no CAP_NET_RAW, CAP_SYS_ADMIN, CAP_DAC_OVERRIDE...
 *
 * Return: 0, or a negative errno (the daemon goes on, with a warning)
 */
int caps_drop(uint64_t keep)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2];
	char kept[128] = "";
	size_t i;
	int cap, rc = 0;

	/* capset cannot add to the permitted set: keep only what we have */
	memset(data, 0, sizeof(data));
	if (!syscall(SYS_capget, &hdr, data))
		keep &= data[0].permitted | (uint64_t)data[1].permitted << 32;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		rc = -errno;
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	/* the bounding set needs CAP_SETPCAP, which may already be gone */
	for (cap = 0; cap <= 63; cap++) {
		if (keep & CAPS_BIT(cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) && errno == EINVAL)
			break;
	}
	memset(data, 0, sizeof(data));
	data[0].effective = data[0].permitted = (uint32_t)keep;
	data[1].effective = data[1].permitted = (uint32_t)(keep >> 32);
	if (syscall(SYS_capset, &hdr, data))
		rc = -errno;
	for (i = 0; i < sizeof(caps_names) / sizeof(caps_names[0]); i++)
		if (keep & CAPS_BIT(caps_names[i].cap))
			snprintf(kept + strlen(kept),
				 sizeof(kept) - strlen(kept), "%s%s",
				 *kept ? " " : "", caps_names[i].name);
	if (rc)
		warn("cannot drop capabilities: %s; running with them",
		     strerror(-rc));
	else
		debug("capabilities dropped: only %s left",
		      *kept ? kept : "none");
	return rc;
}
