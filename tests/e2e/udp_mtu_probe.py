#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Watch a UDP flow's path MTU: udp_mtu_probe.py DST PORT WAIT

Connects a UDP socket that forbids fragmentation (IP_PMTUDISC_DO, or its
IPv6 twin when DST is IPv6) to DST:PORT, sends one small datagram, prints "sport N", waits WAIT seconds
(an ICMP "fragmentation needed" about the flow may arrive meanwhile), then
prints "mtu M": the path MTU the kernel now holds for DST (IP_MTU).
"""
import socket
import sys
import time

IP_MTU_DISCOVER, IP_PMTUDISC_DO, IP_MTU = 10, 2, 14
IPV6_MTU_DISCOVER, IPV6_MTU = 23, 24
v6 = ":" in sys.argv[1]
level, mtu_opt = (socket.IPPROTO_IPV6, IPV6_MTU) if v6 else (socket.IPPROTO_IP, IP_MTU)
s = socket.socket(socket.AF_INET6 if v6 else socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(level, IPV6_MTU_DISCOVER if v6 else IP_MTU_DISCOVER, IP_PMTUDISC_DO)
s.connect((sys.argv[1], int(sys.argv[2])))
s.send(b"probe")
print("sport %d" % s.getsockname()[1], flush=True)
time.sleep(float(sys.argv[3]))
print("mtu %d" % s.getsockopt(level, mtu_opt), flush=True)
