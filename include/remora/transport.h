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

int transport_parse(const char *s, struct transport_addr *a);
int transport_listen(const struct transport_addr *a);
int transport_accept(int lfd, const struct transport_addr *a,
		     uint32_t *peer_cid);
int transport_peer_allowed(const struct transport_addr *a, uint32_t peer_cid,
			   uint32_t want_cid);
int transport_connect(const struct transport_addr *a);
int transport_connect_result(int fd);
void transport_unlink(const struct transport_addr *a);

#endif /* REMORA_TRANSPORT_H */
