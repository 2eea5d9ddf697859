#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Send large UDP datagrams: udp_big_send.py DST PORT SIZE MODE COUNT TAG

DST may be IPv4 or IPv6 (IPV6_MTU_DISCOVER then, same modes: IPv6 is never
fragmented on the way, only by the sender).

MODE is the socket's IP_MTU_DISCOVER: dont (no DF: fragmented on the way
where needed), want (Linux's default: DF while the datagram fits the path
MTU the kernel knows, fragmented locally beyond it) or do (DF always: a
datagram larger than the known path MTU fails with EMSGSIZE). Sends COUNT
datagrams of SIZE bytes, 0.2 s apart, each starting with "TAG-i "; prints
"sent N" and, for each refused one, "EMSGSIZE mtu=M" (M: IP_MTU).
"""
import errno
import socket
import sys
import time

IP_MTU_DISCOVER, IP_MTU = 10, 14
IPV6_MTU_DISCOVER, IPV6_MTU = 23, 24
MODES = {"dont": 0, "want": 1, "do": 2}
dst, port, size, mode, count, tag = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), sys.argv[6]
v6 = ":" in dst
level, discover, mtu_opt = (socket.IPPROTO_IPV6, IPV6_MTU_DISCOVER, IPV6_MTU) if v6 else (socket.IPPROTO_IP, IP_MTU_DISCOVER, IP_MTU)
s = socket.socket(socket.AF_INET6 if v6 else socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(level, discover, MODES[mode])
s.connect((dst, port))
sent = 0
for i in range(count):
    head = ("%s-%d " % (tag, i)).encode()
    try:
        s.send(head + b"x" * (size - len(head)))
        sent += 1
    except OSError as e:
        if e.errno != errno.EMSGSIZE:
            raise
        print("EMSGSIZE mtu=%d" % s.getsockopt(level, mtu_opt))
    time.sleep(0.2)
print("sent %d" % sent)
