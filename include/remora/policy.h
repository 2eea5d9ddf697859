/* SPDX-License-Identifier: Apache-2.0 */
/* remora - the enclave's own traffic policy, decided by the image's owner */
#ifndef REMORA_POLICY_H
#define REMORA_POLICY_H

#include <stdint.h>

#include "remora/pkt.h"
#include "remora/portset.h"

#define POLICY_MAX_RULES 32

/**
 * struct policy_rule - one outbound rule: a network and, optionally, ports
 * @v6:		an IPv6 network (@net6/@len6), else IPv4 (@net/@mask)
 * @net:	network address, network byte order
 * @mask:	netmask, network byte order
 * @net6:	IPv6 network address
 * @len6:	its prefix length
 * @any_port:	the rule covers every port (and ICMP)
 * @ports:	destination ports covered (TCP and UDP), unless @any_port
 * @allow:	1 for --allow-out, 0 for --deny-out
 */
struct policy_rule {
	int v6;
	uint32_t net;
	uint32_t mask;
	uint8_t net6[16];
	unsigned len6;
	int any_port;
	struct portset ports;
	int allow;
};

/**
 * struct policy - what the enclave accepts in and sends out
 * @have_in:	an inbound allowlist is set
 * @in_ports:	ports that accept new inbound TCP/UDP flows
 * @reply_ports: the enclave's ephemeral range: inbound packets to these
 *		are replies to the enclave's own flows and always pass
 * @rules:	outbound rules, in the order given
 * @nrules:	how many
 * @have_allow:	at least one allow rule: what matches none is refused
 */
struct policy {
	int have_in;
	struct portset in_ports;
	struct portset reply_ports;
	struct policy_rule rules[POLICY_MAX_RULES];
	int nrules;
	int have_allow;
};

void policy_init(struct policy *p);
int policy_set_in(struct policy *p, const char *ports);
int policy_add_out(struct policy *p, const char *spec, int allow);
int policy_active(const struct policy *p);
enum pkt_verdict policy_check_in(const struct policy *p,
				 const struct pkt_info *pi);
int policy_ports_parse(const char *colon, int *any_port, struct portset *ports);
int policy_ports_cover(int any_port, const struct portset *ports,
		       const struct pkt_info *pi);
int policy_service_reply(const struct policy *p, const struct pkt_info *pi);
int policy_match_out(const struct policy *p, const struct pkt_info *pi);
enum pkt_verdict policy_check_out(const struct policy *p,
				  const struct pkt_info *pi);

#endif /* REMORA_POLICY_H */
