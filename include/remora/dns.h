/* SPDX-License-Identifier: Apache-2.0 */
/* remora - reading DNS messages: the enclave's queries, and the answers
 *	    that come back through the host (hostile input) */
#ifndef REMORA_DNS_H
#define REMORA_DNS_H

#include <stddef.h>
#include <stdint.h>

#include "remora/view.h"

#define DNS_PORT	 53
#define DNS_HDR		 12  /* bytes of a message's header */
#define DNS_NAME_MAX	 253 /* characters of a name in text, no final dot */
#define DNS_NAME_WIRE	 255 /* bytes of a name on the wire, at most */
#define DNS_LABEL_MAX	 63  /* bytes of one label */
#define DNS_MAX_POINTERS 16  /* compression pointers followed in one name */
#define DNS_MAX_RECORDS	 64  /* answer records read of one message */
#define DNS_MAX_CHAIN	 8   /* CNAMEs followed from the question's name */
#define DNS_MAX_ADDRS	 32  /* addresses taken from one answer */

#define DNS_TYPE_A     1
#define DNS_TYPE_CNAME 5
#define DNS_TYPE_AAAA  28
#define DNS_TYPE_OPT   41
#define DNS_CLASS_IN   1
#define DNS_OPT_COOKIE 10 /* EDNS option: a client cookie is 8 bytes */

/**
 * enum dns_verdict - what a message is
 * @DNS_OK:		read whole
 * @DNS_MALFORMED:	cut short, a name that cannot be read (a label over
 *			63 bytes, a name over 255, a pointer that does not
 *			point back, too many pointers, a byte outside
 *			[A-Za-z0-9_-] in a label), a count that does not fit
 * @DNS_NOT_QUERY:	not one standard query (QR set, another opcode, a
 *			question count other than 1, answer or authority
 *			records, a class other than IN, a compressed name)
 * @DNS_EXTRA:		a query carrying more than its question: bytes after
 *			it, an additional record other than one OPT, OPT
 *			options other than one 8-byte client cookie
 * @DNS_NOT_ANSWER:	not an answer to one question (QR clear, another
 *			opcode, a question count other than 1)
 */
enum dns_verdict {
	DNS_OK = 0,
	DNS_MALFORMED,
	DNS_NOT_QUERY,
	DNS_EXTRA,
	DNS_NOT_ANSWER,
};

/**
 * struct dns_question - a message's one question
 * @id:		message id
 * @type:	QTYPE
 * @name:	QNAME in text: labels joined by '.', lowercase, no final
 *		dot; "" for the root
 */
struct dns_question {
	uint16_t id;
	uint16_t type;
	char name[DNS_NAME_MAX + 1];
};

/**
 * struct dns_addr - an address an answer gives its question's name
 * @version:	4 or 6
 * @a:		4 or 16 bytes, network order
 * @ttl:	seconds: the least TTL of the record and of the CNAMEs that
 *		led to it
 */
struct dns_addr {
	uint8_t version;
	uint8_t a[16];
	uint32_t ttl;
};

/**
 * struct dns_answer - what remora reads of an answer
 * @q:		its question
 * @rcode:	response code (0: no error)
 * @naddrs:	addresses in @addrs
 * @addrs:	the A and AAAA records (class IN) of the question's name and
 *		of the CNAMEs it leads to within the answer section (at most
 *		DNS_MAX_CHAIN of them), in the order they came; at most
 *		DNS_MAX_ADDRS, the rest are not read
 * @cut:	records were left unread: more than DNS_MAX_RECORDS
 *		answers, or more than DNS_MAX_ADDRS addresses
 */
struct dns_answer {
	struct dns_question q;
	unsigned rcode;
	int naddrs;
	struct dns_addr addrs[DNS_MAX_ADDRS];
	int cut;
};

int dns_read_name(struct view msg, size_t *off, char *out);
enum dns_verdict dns_parse_query(struct view msg, struct dns_question *q);
enum dns_verdict dns_parse_answer_question(struct view msg,
					   struct dns_question *q);
enum dns_verdict dns_parse_answer(struct view msg, struct dns_answer *a);
int dns_tcp_next(struct view stream, size_t *off, struct view *msg);

#endif /* REMORA_DNS_H */
