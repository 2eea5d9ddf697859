#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Send one ICMP port-unreachable quoting a TCP segment, from a raw socket.

  icmp_error.py SRC DST QUOTED_SRC QUOTED_SPORT QUOTED_DST QUOTED_DPORT

Used to check that an enclave cannot attach itself to a flow of the host's
own: the error quotes a segment of that flow, so conntrack would file it as
RELATED to the host's connection.
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
    if len(sys.argv) != 7:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    src, dst, qsrc, qsport, qdst, qdport = sys.argv[1:]
    tcp = struct.pack("!HHIIBBHHH", int(qsport), int(qdport), 1, 0, 0x50,
                      0x18, 65535, 0, 0)
    quoted = ip4(qsrc, qdst, socket.IPPROTO_TCP, tcp)[:28]
    icmp = struct.pack("!BBHI", 3, 3, 0, 0) + quoted
    icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.sendto(ip4(src, dst, socket.IPPROTO_ICMP, icmp), (dst, 0))


if __name__ == "__main__":
    main()
