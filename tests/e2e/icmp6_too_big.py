#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Send one ICMPv6 packet too big quoting a UDP datagram, from a raw socket.

  icmp6_too_big.py DST QUOTED_SRC QUOTED_SPORT QUOTED_DST QUOTED_DPORT MTU

As a router beyond the host would: the message goes to DST (the shared
address) and quotes a datagram of one of the enclave's flows, so the
host's conntrack relates it to that flow. The kernel fills in the source
address and the ICMPv6 checksum.
"""
import socket
import struct
import sys


def main():
    if len(sys.argv) != 7:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    dst, qsrc, qsport, qdst, qdport, mtu = sys.argv[1:]
    udp = struct.pack("!HHHH", int(qsport), int(qdport), 8 + 32, 0) + b"q" * 32
    quoted = struct.pack("!IHBB", 0x60000000, len(udp), 17, 64) + \
        socket.inet_pton(socket.AF_INET6, qsrc) + socket.inet_pton(socket.AF_INET6, qdst) + udp
    msg = struct.pack("!BBHI", 2, 0, 0, int(mtu)) + quoted
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    s.sendto(msg, (dst, 0))


if __name__ == "__main__":
    main()
