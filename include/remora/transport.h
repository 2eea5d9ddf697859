/* SPDX-License-Identifier: Apache-2.0 */
/* remora - the stream between the daemons: vsock, unix or tcp
 *
 * One interface, three kinds, chosen by an address string:
 *   vsock:CID:PORT   production (Nitro); CID may be "any" to listen
 *   unix:PATH        tests, development: a filesystem path crosses
 *                    network namespaces as vsock crosses the VM boundary
 *   tcp:HOST:PORT    development, non-Nitro hosts; HOST is a numeric IPv4
 *                    address or [IPv6]
 */
#ifndef REMORA_TRANSPORT_H
#define REMORA_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define TRANSPORT_ADDR_MAX	128 /* bytes of an address string */
#define TRANSPORT_UNIX_PATH_MAX 107 /* bytes of a unix socket path */
#define TRANSPORT_CID_ANY	0xffffffffU
#define TRANSPORT_UID_NONE	0xffffffffU /* no uid: unknown, or none allowed */
/* Source ports of the link on vsock and tcp: the kernel lets only a process
 * with CAP_NET_BIND_SERVICE bind a port up to TRANSPORT_PRIV_PORT_MAX (for
 * vsock as for TCP), so a peer connecting from one is privileged.
 * remora-enclave takes the first free one counting down from the top. */
#define TRANSPORT_PRIV_PORT_MAX 1023
#define TRANSPORT_PRIV_PORT_MIN 512

/**
 * enum transport_kind - which socket family carries the link
 */
enum transport_kind {
	TRANSPORT_VSOCK = 1,
	TRANSPORT_UNIX,
	TRANSPORT_TCP,
};

/**
 * struct transport_addr - a parsed link address
 * @kind:	enum transport_kind
 * @cid:	vsock context id (TRANSPORT_CID_ANY for "any")
 * @port:	vsock or TCP port
 * @path:	unix socket path
 * @ss:		resolved TCP socket address
 * @sslen:	length of @ss
 * @text:	the address as given, for logs
 */
struct transport_addr {
	enum transport_kind kind;
	uint32_t cid;
	uint32_t port;
	char path[TRANSPORT_UNIX_PATH_MAX + 1];
	struct sockaddr_storage ss;
	socklen_t sslen;
	char text[TRANSPORT_ADDR_MAX];
};

/**
 * struct transport_peer - who is at the other end of an accepted socket
 * @cid:	vsock: the peer's CID (0 otherwise)
 * @port:	vsock, tcp: the peer's source port (0 for unix)
 * @uid:	unix: the peer's user id when it connected (SO_PEERCRED);
 *		TRANSPORT_UID_NONE otherwise or if unknown
 */
struct transport_peer {
	uint32_t cid;
	uint32_t port;
	uint32_t uid;
};

/**
 * enum transport_peer_verdict - may an accepted peer use the link?
 * @TRANSPORT_PEER_OK:		yes
 * @TRANSPORT_PEER_BAD_CID:	vsock: not the enclave's CID
 * @TRANSPORT_PEER_UNPRIV_PORT:	vsock, tcp: its source port is above
 *				TRANSPORT_PRIV_PORT_MAX, so any process could
 *				have bound it
 * @TRANSPORT_PEER_UNPRIV_UID:	unix: its user is neither root nor the one
 *				allowed
 */
enum transport_peer_verdict {
	TRANSPORT_PEER_OK = 0,
	TRANSPORT_PEER_BAD_CID,
	TRANSPORT_PEER_UNPRIV_PORT,
	TRANSPORT_PEER_UNPRIV_UID,
};

int transport_parse(const char *s, struct transport_addr *a);
int transport_listen(const struct transport_addr *a);
int transport_accept(int lfd, const struct transport_addr *a,
		     struct transport_peer *peer);
enum transport_peer_verdict
transport_peer_check(const struct transport_addr *a,
		     const struct transport_peer *peer, uint32_t want_cid,
		     uint32_t allowed_uid);
int transport_connect(const struct transport_addr *a);
int transport_connect_result(int fd);
void transport_unlink(const struct transport_addr *a);

#endif /* REMORA_TRANSPORT_H */
