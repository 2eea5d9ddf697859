#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Send one ICMP destination-unreachable quoting a packet, from a raw socket.

  icmp_error.py SRC DST QUOTED_SRC QUOTED_SPORT QUOTED_DST QUOTED_DPORT
                [PROTO [CODE [MTU]]]

The quoted packet is a TCP segment (PROTO tcp, the default) or a UDP
datagram (udp); CODE is 3 (port unreachable) by default, 4 is
"fragmentation needed", whose next-hop MTU is MTU. Used to check that an
enclave cannot attach itself to a flow of the host's own (the error quotes
a segment of that flow, so conntrack would file it as RELATED to the host's
connection), and that an error from beyond the host about an enclave's
flow reaches the enclave.
"""
import os
import socket
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pktlib import csum, ipv4  # noqa: E402


def ip4(src, dst, proto, payload):
    return ipv4(socket.inet_aton(src), socket.inet_aton(dst), proto, payload,
                ident=0)


def main():
    if not 7 <= len(sys.argv) <= 10:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    src, dst, qsrc, qsport, qdst, qdport = sys.argv[1:7]
    proto = sys.argv[7] if len(sys.argv) > 7 else "tcp"
    code = int(sys.argv[8]) if len(sys.argv) > 8 else 3
    mtu = int(sys.argv[9]) if len(sys.argv) > 9 else 0
    if proto == "udp":
        l4 = struct.pack("!HHHH", int(qsport), int(qdport), 8 + 32, 0) + b"q" * 32
        quoted = ip4(qsrc, qdst, socket.IPPROTO_UDP, l4)[:28]
    else:
        l4 = struct.pack("!HHIIBBHHH", int(qsport), int(qdport), 1, 0, 0x50,
                         0x18, 65535, 0, 0)
        quoted = ip4(qsrc, qdst, socket.IPPROTO_TCP, l4)[:28]
    icmp = struct.pack("!BBHHH", 3, code, 0, 0, mtu) + quoted
    icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.sendto(ip4(src, dst, socket.IPPROTO_ICMP, icmp), (dst, 0))


if __name__ == "__main__":
    main()
