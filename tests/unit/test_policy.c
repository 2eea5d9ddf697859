// SPDX-License-Identifier: Apache-2.0
/* remora - unit tests of the enclave's policy (policy.c) */

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "remora/policy.h"

static uint32_t ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

static struct pkt_info l4(uint8_t proto, const char *dst, uint16_t sport,
			  uint16_t dport)
{
	return (struct pkt_info){.src = ip("198.18.0.1"),
				 .dst = ip(dst),
				 .proto = proto,
				 .sport = sport,
				 .dport = dport};
}

static struct pkt_info ping(const char *dst)
{
	return (struct pkt_info){
		.src = ip("198.18.0.1"), .dst = ip(dst), .proto = 1};
}

static void test_empty_policy_passes_all(void **state)
{
	struct policy p;
	struct pkt_info pi = l4(6, "203.0.113.9", 40000, 25);

	(void)state;
	policy_init(&p);
	assert_false(policy_active(&p));
	assert_int_equal(policy_check_out(&p, &pi), PKT_OK);
	assert_int_equal(policy_check_in(&p, &pi), PKT_OK);
}

static struct pkt_info l4_6(uint8_t proto, const char *dst, uint16_t dport)
{
	struct pkt_info pi = {.version = 6, .proto = proto, .dport = dport};

	assert_int_equal(inet_pton(AF_INET6, "2001:db8:1::1", pi.src6), 1);
	assert_int_equal(inet_pton(AF_INET6, dst, pi.dst6), 1);
	pi.sport = 40000;
	return pi;
}

/* IPv6 rules: "[NET/LEN]:PORTS" or a bare network; each rule covers its
 * own version only; prefixes of any length */
static void test_ipv6_rules(void **state)
{
	struct pkt_info pi;
	struct policy p;

	(void)state;
	policy_init(&p);
	assert_int_equal(policy_add_out(&p, "[2001:db8:5::/48]:443", 1), 0);
	assert_int_equal(policy_add_out(&p, "2001:db8:6::/47", 1), 0);
	assert_int_equal(policy_add_out(&p, "[2001:db8:7::53]:53", 1), 0);
	assert_int_equal(policy_add_out(&p, "[::/0]", 0), 0);
	assert_int_equal(policy_add_out(&p, "0.0.0.0/0:53", 1), 0);
	assert_int_equal(p.nrules, 5);
	/* refused: host bits, a prefix too long, brackets unclosed or
	 * followed by something else, ports on a bare network, not IPv6 */
	assert_int_equal(policy_add_out(&p, "2001:db8:6::/46", 1), -1);
	assert_int_equal(policy_add_out(&p, "[2001:db8::/129]", 1), -1);
	assert_int_equal(policy_add_out(&p, "[2001:db8::/32", 1), -1);
	assert_int_equal(policy_add_out(&p, "[2001:db8::/32]x", 1), -1);
	assert_int_equal(policy_add_out(&p, "[2001:db8::/32]:", 1), -1);
	assert_int_equal(policy_add_out(&p, "2001:db8::/32:443", 1), -1);
	assert_int_equal(policy_add_out(&p, "[10.0.0.0/8]:443", 1), -1);
	assert_int_equal(p.nrules, 5);

	pi = l4_6(6, "2001:db8:5:ffff::1", 443);
	assert_int_equal(policy_check_out(&p, &pi), PKT_OK);
	pi = l4_6(6, "2001:db8:5:ffff::1", 80);
	assert_int_equal(policy_check_out(&p, &pi), PKT_POLICY);
	pi = l4_6(6, "2001:db8:7:1::1", 22); /* inside the /47 */
	assert_int_equal(policy_check_out(&p, &pi), PKT_OK);
	pi = l4_6(6, "2001:db8:8::1", 443); /* outside it */
	assert_int_equal(policy_check_out(&p, &pi), PKT_POLICY);
	pi = l4_6(17, "2001:db8:7::53", 53);
	assert_int_equal(policy_check_out(&p, &pi), PKT_OK);
	/* the IPv4 rule for port 53 does not let IPv6 through, and the IPv6
	 * deny-all does not touch IPv4 */
	pi = l4_6(17, "2001:db8:9::53", 53);
	assert_int_equal(policy_check_out(&p, &pi), PKT_POLICY);
	pi = l4(17, "192.0.2.53", 40000, 53);
	assert_int_equal(policy_check_out(&p, &pi), PKT_OK);
	/* a later IPv6 fragment matches only rules for every port */
	pi = l4_6(17, "2001:db8:6::9", 0);
	pi.frag = PKT_FRAG_LATER;
	assert_int_equal(policy_check_out(&p, &pi), PKT_OK);
	pi = l4_6(17, "2001:db8:5::9", 0);
	pi.frag = PKT_FRAG_LATER;
	assert_int_equal(policy_check_out(&p, &pi), PKT_POLICY);
}

static void test_rule_syntax(void **state)
{
	struct policy p;

	(void)state;
	policy_init(&p);
	assert_int_equal(policy_add_out(&p, "10.0.0.0/8", 1), 0);
	assert_int_equal(policy_add_out(&p, "0.0.0.0/0:53", 1), 0);
	assert_int_equal(policy_add_out(&p, "198.51.100.7:443,8443", 1), 0);
	assert_int_equal(policy_add_out(&p, "198.51.100.7/32", 0), 0);
	assert_int_equal(p.nrules, 4);
	/* refused */
	assert_int_equal(policy_add_out(&p, "10.0.0.1/8", 1),
			 -1); /* host bits */
	assert_int_equal(policy_add_out(&p, "10.0.0.0/33", 1), -1);
	assert_int_equal(policy_add_out(&p, "10.0.0.0/", 1), -1);
	assert_int_equal(policy_add_out(&p, "10.0.0.0/-1", 1), -1);
	assert_int_equal(policy_add_out(&p, "10.0.0.0/8x", 1), -1);
	assert_int_equal(policy_add_out(&p, "example.com", 1), -1);
	assert_int_equal(policy_add_out(&p, "", 1), -1);
	assert_int_equal(policy_add_out(&p, ":443", 1), -1);
	assert_int_equal(policy_add_out(&p, "10.0.0.0/8:", 1), -1);
	assert_int_equal(policy_add_out(&p, "10.0.0.0/8:99999", 1), -1);
	assert_int_equal(policy_add_out(&p, "1.2.3.4.5", 1), -1);
	assert_int_equal(p.nrules, 4);
}

static void test_too_many_rules(void **state)
{
	struct policy p;
	int i;

	(void)state;
	policy_init(&p);
	for (i = 0; i < POLICY_MAX_RULES; i++)
		assert_int_equal(policy_add_out(&p, "10.0.0.0/8", 0), 0);
	assert_int_equal(policy_add_out(&p, "10.0.0.0/8", 0), -2);
}

static void test_allow_list_refuses_the_rest(void **state)
{
	struct policy p;
	struct pkt_info a = l4(6, "10.1.2.3", 40000, 5432),
			b = l4(6, "203.0.113.9", 40000, 443),
			dns = l4(17, "203.0.113.53", 40001, 53),
			dns_tcp = l4(6, "203.0.113.53", 40001, 53),
			other_udp = l4(17, "203.0.113.53", 40001, 54),
			pa = ping("10.9.9.9"), pb = ping("203.0.113.9");

	(void)state;
	policy_init(&p);
	assert_int_equal(policy_add_out(&p, "10.0.0.0/8", 1), 0);
	assert_int_equal(policy_add_out(&p, "0.0.0.0/0:53", 1), 0);
	assert_true(policy_active(&p));
	assert_int_equal(policy_check_out(&p, &a), PKT_OK);
	assert_int_equal(policy_check_out(&p, &b), PKT_POLICY);
	assert_int_equal(policy_check_out(&p, &dns), PKT_OK);
	assert_int_equal(policy_check_out(&p, &dns_tcp), PKT_OK);
	assert_int_equal(policy_check_out(&p, &other_udp), PKT_POLICY);
	/* ICMP matches only rules without ports */
	assert_int_equal(policy_check_out(&p, &pa), PKT_OK);
	assert_int_equal(policy_check_out(&p, &pb), PKT_POLICY);
}

static void test_first_match_wins(void **state)
{
	struct policy p;
	struct pkt_info imds = l4(6, "169.254.169.254", 40000, 80),
			link_local = l4(6, "169.254.1.1", 40000, 80),
			web = l4(6, "203.0.113.9", 40000, 80);

	(void)state;
	policy_init(&p);
	assert_int_equal(policy_add_out(&p, "169.254.169.254", 0), 0);
	assert_int_equal(policy_add_out(&p, "169.254.0.0/16", 1), 0);
	assert_int_equal(policy_add_out(&p, "0.0.0.0/0:80,443", 1), 0);
	assert_int_equal(policy_check_out(&p, &imds), PKT_POLICY);
	assert_int_equal(policy_check_out(&p, &link_local), PKT_OK);
	assert_int_equal(policy_check_out(&p, &web), PKT_OK);

	/* the same rules, the other way round: the allow comes first */
	policy_init(&p);
	assert_int_equal(policy_add_out(&p, "169.254.0.0/16", 1), 0);
	assert_int_equal(policy_add_out(&p, "169.254.169.254", 0), 0);
	assert_int_equal(policy_check_out(&p, &imds), PKT_OK);
}

static void test_deny_only(void **state)
{
	struct policy p;
	struct pkt_info smtp = l4(6, "203.0.113.9", 40000, 25),
			web = l4(6, "203.0.113.9", 40000, 443);

	(void)state;
	policy_init(&p);
	assert_int_equal(policy_add_out(&p, "0.0.0.0/0:25", 0), 0);
	assert_int_equal(policy_check_out(&p, &smtp), PKT_POLICY);
	/* with deny rules only, what matches none goes out */
	assert_int_equal(policy_check_out(&p, &web), PKT_OK);
}

static void test_inbound_allowlist(void **state)
{
	struct policy p;
	struct pkt_info https = l4(6, "198.18.0.1", 50000, 443),
			ssh = l4(6, "198.18.0.1", 50000, 22),
			reply = l4(17, "198.18.0.1", 53, 40001),
			reply_top = l4(6, "198.18.0.1", 443, 60999),
			above = l4(6, "198.18.0.1", 443, 61000),
			echo = ping("198.18.0.1");

	(void)state;
	policy_init(&p);
	assert_int_equal(policy_set_in(&p, "443,8000-8100"), 0);
	assert_int_equal(policy_check_in(&p, &https), PKT_OK);
	assert_int_equal(policy_check_in(&p, &ssh), PKT_POLICY);
	/* replies to the enclave's own flows, in its ephemeral range */
	assert_int_equal(policy_check_in(&p, &reply), PKT_OK);
	assert_int_equal(policy_check_in(&p, &reply_top), PKT_OK);
	assert_int_equal(policy_check_in(&p, &above), PKT_POLICY);
	/* ICMP is for the inbound checks, not the allowlist */
	assert_int_equal(policy_check_in(&p, &echo), PKT_OK);
	assert_int_equal(policy_set_in(&p, "443,x"), -1);
	assert_int_equal(policy_set_in(&p, ""), -1);
}

static void test_service_replies_go_out(void **state)
{
	struct policy p;
	struct pkt_info reply = l4(6, "203.0.113.9", 443, 50000),
			other = l4(6, "203.0.113.9", 444, 50000);

	(void)state;
	policy_init(&p);
	assert_int_equal(policy_set_in(&p, "443"), 0);
	assert_int_equal(policy_add_out(&p, "10.0.0.0/8", 1), 0);
	/* the client of the enclave's port 443 gets its answers */
	assert_int_equal(policy_check_out(&p, &reply), PKT_OK);
	assert_int_equal(policy_check_out(&p, &other), PKT_POLICY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_policy_passes_all),
		cmocka_unit_test(test_rule_syntax),
		cmocka_unit_test(test_ipv6_rules),
		cmocka_unit_test(test_too_many_rules),
		cmocka_unit_test(test_allow_list_refuses_the_rest),
		cmocka_unit_test(test_first_match_wins),
		cmocka_unit_test(test_deny_only),
		cmocka_unit_test(test_inbound_allowlist),
		cmocka_unit_test(test_service_replies_go_out),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
