#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Log every UDP datagram received: udp_sink.py PORT LOG [6]

Binds 0.0.0.0:PORT (or [::]:PORT with 6), so any packet the kernel
delivers to the port, whatever its source or destination, is seen; writes "SRC:PORT PAYLOAD LEN" per
datagram (the first 32 bytes of the payload, and its length).
"""
import socket
import sys

v6 = len(sys.argv) > 3 and sys.argv[3] == "6"
s = socket.socket(socket.AF_INET6 if v6 else socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("::" if v6 else "0.0.0.0", int(sys.argv[1])))
with open(sys.argv[2], "a", buffering=1) as f:
    f.write("ready\n")
    while True:
        data, peer = s.recvfrom(65535)
        addr, port = peer[0], peer[1]
        f.write("%s:%d %s %d\n" % (addr, port, data[:32].decode("ascii", "replace"), len(data)))
