#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""TCP payload sizes in a capture: pcap_tcp_sizes.py FILE

Reads a classic pcap (Ethernet, Linux cooked or raw IP), prints
"COUNT MAX FULL": how many IPv4 TCP packets carry data, the largest
payload, and how many carry exactly that much.
"""
import struct
import sys

data = open(sys.argv[1], "rb").read()
if len(data) < 24:
    print("0 0 0")
    sys.exit(0)
order = "<" if struct.unpack("<I", data[:4])[0] in (0xA1B2C3D4, 0xA1B23C4D) else ">"
linktype = struct.unpack(order + "I", data[20:24])[0]
l2 = {1: 14, 113: 16, 101: 0, 228: 0}.get(linktype)
if l2 is None:
    sys.exit("unknown link type %d" % linktype)
sizes = []
off = 24
while off + 16 <= len(data):
    incl = struct.unpack(order + "I", data[off + 8 : off + 12])[0]
    pkt = data[off + 16 : off + 16 + incl]
    off += 16 + incl
    ip = pkt[l2:]
    if len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != 6:
        continue
    ihl = (ip[0] & 15) * 4
    if len(ip) < ihl + 13:
        continue
    total = struct.unpack(">H", ip[2:4])[0]
    payload = total - ihl - (ip[ihl + 12] >> 4) * 4
    if payload > 0:
        sizes.append(payload)
top = max(sizes) if sizes else 0
print(len(sizes), top, sum(1 for s in sizes if s == top))
