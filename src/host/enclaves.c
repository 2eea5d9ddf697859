// SPDX-License-Identifier: Apache-2.0
/* remora-host - the enclaves it serves
 *
 * Without sections, the settings describe one enclave, which shares the
 * instance's address (--address) and connects from --enclave-cid. With
 * sections, each describes one enclave of its own address:
 *
 *   listen = vsock:any:5000
 *   enclave-ports = 80,443,1024-61439      # every enclave's, unless its own
 *   [enclave web]                          # --enclave web on the command line
 *   enclave-cid = 16
 *   address = 10.0.1.50
 *   [enclave db]
 *   enclave-cid = 17
 *   address = 10.0.1.51
 *   address6 = 2001:db8::51
 *
 * Settings before the first section are every enclave's defaults; a
 * section's own win. Each enclave gets its own queue: --queue (the base)
 * plus its place in the file, unless it names one. A connection belongs to
 * an enclave by its vsock CID on a shared vsock listener, or by the
 * listener it came in on (unix: and tcp:, for tests): such a listener
 * serves one enclave only.
 */

#include <arpa/inet.h>
#include <string.h>

#include "enclaves.h"
#include "host.h"
#include "remora/opts.h"
#include "remora/pkt.h"

/* Parse a port list flag or exit 2 */
static void host_ports_arg(const char *flag, const char *s, struct portset *ps)
{
	if (portset_parse(ps, s))
		opts_usage_error(
			"%s: '%s' is not a port list (e.g. 80,443,1024-61439)",
			flag, s);
}

/**
 * host_enclaves_init() - the defaults, before any setting is read
 * @es:		enclaves
 * @listen:	the default link address
 * @queue:	the default queue
 */
void host_enclaves_init(struct host_enclaves *es, const char *listen,
			uint16_t queue)
{
	struct host_enclave_config *d = &es->defaults;

	memset(es, 0, sizeof(*es));
	es->cur = -1;
	d->cid = HOST_NO_CID;
	d->uid = TRANSPORT_UID_NONE;
	d->listen_spec = listen;
	d->queue = queue;
	portset_parse(&d->eports, HOST_DEFAULT_ENCLAVE_PORTS);
	portset_parse(&d->hports, HOST_DEFAULT_HOST_PORTS);
}

/* --enclave NAME: a new enclave; what follows is its */
static void host_enclaves_new(struct host_enclaves *es, const char *name)
{
	size_t len = strlen(name);
	int i;

	if (!len || len >= HOST_NAME_LEN ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789_.-") != len)
		opts_usage_error(
			"--enclave: '%s' is not an enclave name (1 to %d of A-Z a-z 0-9 _ . -)",
			name, HOST_NAME_LEN - 1);
	for (i = 0; i < es->n; i++)
		if (!strcmp(es->e[i].name, name))
			opts_usage_error(
				"--enclave: '%s' is defined twice (each [enclave NAME] section once)",
				name);
	if (es->n == HOST_ENCLAVES_MAX)
		opts_usage_error(
			"--enclave %s: at most %d enclaves (what one parent instance can run)",
			name, HOST_ENCLAVES_MAX);
	es->cur = es->n++;
	es->named = 1;
	es->e[es->cur] = (struct host_enclave_config){.set = 0};
	memcpy(es->e[es->cur].name, name, len + 1);
}

/* The settings an enclave's own value or a default goes to */
static struct host_enclave_config *host_enclaves_at(struct host_enclaves *es)
{
	return es->cur < 0 ? &es->defaults : &es->e[es->cur];
}

/**
 * host_enclaves_opt() - take a setting that is an enclave's
 * @es:		enclaves
 * @c:		getopt's value of the option
 * @arg:	its argument
 *
 * Return: 1 if it was one (taken, or exit 2 if bad), 0 if not
 */
int host_enclaves_opt(struct host_enclaves *es, int c, const char *arg)
{
	struct host_enclave_config *ec;
	unsigned bit;

	if (c == HOST_OPT_ENCLAVE) {
		host_enclaves_new(es, arg);
		return 1;
	}
	ec = host_enclaves_at(es);
	switch (c) {
	case 'a':
		ec->addr = opts_ipv4("--address", arg);
		/* (the one enclave's is checked as the shared address) */
		if (es->cur >= 0 && pkt_addr_martian(ec->addr))
			opts_usage_error(
				"--address: %s cannot be enclave %s's address (loopback, unspecified, multicast or reserved)",
				arg, ec->name);
		bit = HOST_SET_ADDR;
		break;
	case OPTS_ADDRESS6:
		opts_ipv6("--address6", arg, ec->addr6);
		ec->have_addr6 = 1;
		bit = HOST_SET_ADDR6;
		break;
	case 'c':
		ec->cid = opts_u32("--enclave-cid", arg, 3, 0xfffffffeU);
		bit = HOST_SET_CID;
		break;
	case HOST_OPT_ENCLAVE_UID:
		ec->uid = opts_u32("--enclave-uid", arg, 0,
				   TRANSPORT_UID_NONE - 1);
		bit = HOST_SET_UID;
		break;
	case 'p':
		host_ports_arg("--enclave-ports", arg, &ec->eports);
		bit = HOST_SET_EPORTS;
		break;
	case 'P':
		host_ports_arg("--host-ports", arg, &ec->hports);
		bit = HOST_SET_HPORTS;
		break;
	case 'l':
		ec->listen_spec = arg;
		bit = HOST_SET_LISTEN;
		break;
	case 'q':
		ec->queue = (uint16_t)opts_u32("--queue", arg, 0, 65535);
		bit = HOST_SET_QUEUE;
		break;
	case HOST_OPT_ALLOW_METADATA:
		ec->out_flags |= PKT_OUT_ALLOW_METADATA;
		bit = HOST_SET_METADATA;
		break;
	default:
		return 0;
	}
	ec->set |= bit;
	return 1;
}

/* What an enclave did not set, from the defaults */
static void host_enclaves_inherit(struct host_enclave_config *ec,
				  const struct host_enclave_config *d)
{
	if (!(ec->set & HOST_SET_UID))
		ec->uid = d->uid;
	if (!(ec->set & HOST_SET_EPORTS))
		ec->eports = d->eports;
	if (!(ec->set & HOST_SET_HPORTS))
		ec->hports = d->hports;
	if (!(ec->set & HOST_SET_LISTEN))
		ec->listen_spec = d->listen_spec;
	if (!(ec->set & HOST_SET_METADATA))
		ec->out_flags = d->out_flags;
	if (!(ec->set & HOST_SET_CID))
		ec->cid = HOST_NO_CID;
}

/* One enclave's settings, whole and sound, or exit 2. @what names it in
 * messages. */
static void host_enclaves_check_one(struct host_enclave_config *ec,
				    const char *what)
{
	if (!(ec->set & HOST_SET_ADDR))
		opts_usage_error(
			"%s has no address: give it its own IPv4 address (--address; the instance's own, or a secondary private address)",
			what);
	opts_link("--listen", ec->listen_spec, &ec->listen);
	if (ec->listen.kind == TRANSPORT_VSOCK && ec->cid == HOST_NO_CID)
		opts_usage_error(
			"%s: --enclave-cid is required with a vsock listen address: only that enclave may connect",
			what);
	ec->ports = ec->eports;
	portset_subtract(&ec->ports, &ec->hports);
	if (!portset_count(&ec->ports))
		opts_usage_error(
			"%s: --enclave-ports: no port is left to the enclave once --host-ports are taken out",
			what);
}

/* Two enclaves must differ in what tells their packets and connections
 * apart, or exit 2 */
static void host_enclaves_check_pair(const struct host_enclave_config *a,
				     const struct host_enclave_config *b)
{
	if (a->addr == b->addr)
		opts_usage_error(
			"enclaves %s and %s have the same address %s: each needs its own (a secondary private address of the instance)",
			a->name, b->name,
			inet_ntoa((struct in_addr){.s_addr = a->addr}));
	if (a->have_addr6 && b->have_addr6 && !memcmp(a->addr6, b->addr6, 16))
		opts_usage_error(
			"enclaves %s and %s have the same IPv6 address: each needs its own",
			a->name, b->name);
	if (a->queue == b->queue)
		opts_usage_error(
			"enclaves %s and %s have the same queue %u: each needs its own (--queue)",
			a->name, b->name, a->queue);
	if (strcmp(a->listen.text, b->listen.text))
		return;
	if (a->listen.kind != TRANSPORT_VSOCK)
		opts_usage_error(
			"enclaves %s and %s both listen on %s: on a unix: or tcp: link only the listener tells enclaves apart; give each its own",
			a->name, b->name, a->listen.text);
	if (a->cid == b->cid)
		opts_usage_error(
			"enclaves %s and %s both connect from vsock CID %u: each enclave has its own CID (nitro-cli run-enclave --enclave-cid)",
			a->name, b->name, a->cid);
}

/**
 * host_enclaves_finish() - fill each enclave from the defaults and check
 *			    them, or exit 2 saying what is wrong
 * @es:		enclaves
 * @queue:	the base queue number (--queue before any section)
 */
void host_enclaves_finish(struct host_enclaves *es, uint16_t queue)
{
	char what[HOST_NAME_LEN + 16];
	int i, j;

	if (!es->named) {
		/* one enclave, sharing the instance's address */
		es->e[0] = es->defaults;
		es->e[0].queue = queue;
		es->n = 1;
		host_enclaves_check_one(&es->e[0], "the enclave");
		return;
	}
	if (es->defaults.set & (HOST_SET_ADDR | HOST_SET_ADDR6 | HOST_SET_CID))
		opts_usage_error(
			"--address, --address6 and --enclave-cid are each enclave's own once enclaves are named: give them in its [enclave NAME] section (after its --enclave NAME)");
	for (i = 0; i < es->n; i++) {
		struct host_enclave_config *ec = &es->e[i];

		host_enclaves_inherit(ec, &es->defaults);
		if (!(ec->set & HOST_SET_QUEUE))
			ec->queue = (uint16_t)(queue + i);
		snprintf(what, sizeof(what), "enclave %s", ec->name);
		host_enclaves_check_one(ec, what);
		for (j = 0; j < i; j++)
			host_enclaves_check_pair(&es->e[j], ec);
	}
}

/**
 * host_enclaves_by_cid() - the enclave a connection on a listener is for
 * @es:		enclaves
 * @listen:	the listener's address, as its text
 * @cid:	the peer's vsock CID (ignored on other links)
 *
 * Return: the enclave's index; -1 if none on that listener has that CID
 */
int host_enclaves_by_cid(const struct host_enclaves *es, const char *listen,
			 uint32_t cid)
{
	int i;

	for (i = 0; i < es->n; i++)
		if (!strcmp(es->e[i].listen.text, listen) &&
		    (es->e[i].listen.kind != TRANSPORT_VSOCK ||
		     es->e[i].cid == cid))
			return i;
	return -1;
}

/**
 * host_enclaves_by_addr() - the enclave that owns an address
 * @es:		enclaves
 * @version:	4 or 6
 * @addr:	the address (4 or 16 bytes, network byte order)
 *
 * Return: the enclave's index, or -1
 */
int host_enclaves_by_addr(const struct host_enclaves *es, int version,
			  const uint8_t *addr)
{
	int i;

	for (i = 0; i < es->n; i++) {
		if (version == 4 ? !memcmp(&es->e[i].addr, addr, 4)
				 : es->e[i].have_addr6 &&
					   !memcmp(es->e[i].addr6, addr, 16))
			return i;
	}
	return -1;
}
