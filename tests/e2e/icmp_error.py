#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Send one ICMP destination-unreachable quoting a packet, from a raw socket.

  icmp_error.py [--quote-frag OFF] [--mark MARK]
                SRC DST QUOTED_SRC QUOTED_SPORT QUOTED_DST QUOTED_DPORT
                [PROTO [CODE [MTU]]]

The quoted packet is a TCP segment (PROTO tcp, the default) or a UDP
datagram (udp); CODE is 3 (port unreachable) by default, 4 is
"fragmentation needed", whose next-hop MTU is MTU. --quote-frag sets the
quoted header's fragment offset (in 8-byte units: a later fragment, which
no real error quotes); --mark sends with that SO_MARK (as remora-host's
injection socket does). Used to check that an enclave cannot attach itself
to a flow of the host's own (the error quotes a segment of that flow, so
conntrack would file it as RELATED to the host's connection, or as INVALID
for a later fragment), and that an error from beyond the host about an
enclave's flow reaches the enclave.
"""
import os
import socket
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pktlib import csum, ipv4  # noqa: E402

SO_MARK = 36


def ip4(src, dst, proto, payload, frag=0x4000):
    return ipv4(socket.inet_aton(src), socket.inet_aton(dst), proto, payload,
                ident=0, frag=frag)


def main():
    args = sys.argv[1:]
    qfrag, mark = None, 0
    while args and args[0].startswith("--"):
        if args[0] == "--quote-frag" and len(args) > 1:
            qfrag = int(args[1])
        elif args[0] == "--mark" and len(args) > 1:
            mark = int(args[1], 0)
        else:
            print(__doc__, file=sys.stderr)
            sys.exit(2)
        args = args[2:]
    if not 6 <= len(args) <= 9:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    src, dst, qsrc, qsport, qdst, qdport = args[0:6]
    proto = args[6] if len(args) > 6 else "tcp"
    code = int(args[7]) if len(args) > 7 else 3
    mtu = int(args[8]) if len(args) > 8 else 0
    frag = 0x4000 if qfrag is None else qfrag
    if proto == "udp":
        l4 = struct.pack("!HHHH", int(qsport), int(qdport), 8 + 32, 0) + b"q" * 32
        quoted = ip4(qsrc, qdst, socket.IPPROTO_UDP, l4, frag)[:28]
    else:
        l4 = struct.pack("!HHIIBBHHH", int(qsport), int(qdport), 1, 0, 0x50,
                         0x18, 65535, 0, 0)
        quoted = ip4(qsrc, qdst, socket.IPPROTO_TCP, l4, frag)[:28]
    icmp = struct.pack("!BBHHH", 3, code, 0, 0, mtu) + quoted
    icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    if mark:
        s.setsockopt(socket.SOL_SOCKET, SO_MARK, mark)
    s.sendto(ip4(src, dst, socket.IPPROTO_ICMP, icmp), (dst, 0))


if __name__ == "__main__":
    main()
