/* SPDX-License-Identifier: Apache-2.0 */
/* remora-host - the enclaves it serves: their settings, and how a
 * connection or a packet finds its enclave */
#ifndef REMORA_HOST_ENCLAVES_H
#define REMORA_HOST_ENCLAVES_H

#include <stdint.h>

#include "remora/portset.h"
#include "remora/transport.h"

#define HOST_ENCLAVES_MAX 4  /* what one parent instance can run */
#define HOST_NAME_LEN	  32 /* bytes of an enclave's name, NUL included */
#define HOST_NO_CID	  0xffffffffU

/**
 * struct host_enclave_config - one enclave: who may connect for it, the
 *				address it owns, its ports
 * @name:	its name ([enclave NAME], [A-Za-z0-9_.-]); "" for the one
 *		enclave of a settings file without sections
 * @addr:	its IPv4 address, network byte order
 * @addr6:	its IPv6 address, if @have_addr6
 * @have_addr6:	it has one: IPv6 is carried for it
 * @cid:	the vsock CID it connects from (HOST_NO_CID: unset)
 * @uid:	on a unix link, the user allowed to connect besides root
 *		(TRANSPORT_UID_NONE: root only)
 * @ports:	ports it owns: its enclave ports less its host ports
 * @eports:	its enclave ports as given
 * @hports:	its host ports as given
 * @listen:	the link address its connections come in on
 * @listen_spec: that address as given
 * @queue:	its NFQUEUE number
 * @out_flags:	PKT_OUT_* flags of the check of its packets
 *		(--allow-metadata)
 * @set:	HOST_SET_* bits: what was given for it, rather than taken
 *		from the settings before the first enclave
 */
struct host_enclave_config {
	char name[HOST_NAME_LEN];
	uint32_t addr;
	uint8_t addr6[16];
	int have_addr6;
	uint32_t cid;
	uint32_t uid;
	struct portset ports;
	struct portset eports;
	struct portset hports;
	struct transport_addr listen;
	const char *listen_spec;
	uint16_t queue;
	unsigned out_flags;
	unsigned set;
};

enum {
	HOST_SET_ADDR = 1 << 0,
	HOST_SET_ADDR6 = 1 << 1,
	HOST_SET_CID = 1 << 2,
	HOST_SET_UID = 1 << 3,
	HOST_SET_EPORTS = 1 << 4,
	HOST_SET_HPORTS = 1 << 5,
	HOST_SET_LISTEN = 1 << 6,
	HOST_SET_QUEUE = 1 << 7,
	HOST_SET_METADATA = 1 << 8,
};

/**
 * struct host_enclaves - every enclave of the settings
 * @e:		the enclaves, @n of them
 * @n:		how many (1 without sections)
 * @named:	they come from [enclave NAME] sections (--enclave NAME)
 * @defaults:	what the settings before the first enclave give every one
 * @cur:	the enclave the settings read now belong to (-1: defaults)
 */
struct host_enclaves {
	struct host_enclave_config e[HOST_ENCLAVES_MAX];
	int n;
	int named;
	struct host_enclave_config defaults;
	int cur;
};

void host_enclaves_init(struct host_enclaves *es, const char *listen,
			uint16_t queue);
int host_enclaves_opt(struct host_enclaves *es, int c, const char *arg);
void host_enclaves_finish(struct host_enclaves *es, uint16_t queue);
int host_enclaves_by_cid(const struct host_enclaves *es, const char *listen,
			 uint32_t cid);
int host_enclaves_by_addr(const struct host_enclaves *es, int version,
			  const uint8_t *addr);

#endif /* REMORA_HOST_ENCLAVES_H */
