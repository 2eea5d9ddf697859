#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Send one UDP GSO super-datagram: udp_gso_send.py DST PORT COUNT SIZE

One sendto() of COUNT * SIZE bytes with UDP_SEGMENT = SIZE: the kernel
keeps it as one packet down to the device, where it becomes COUNT
datagrams of SIZE bytes; the i-th is filled with the letter 'A' + i.
"""
import socket
import sys

UDP_SEGMENT = 103
dst, port, count, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_UDP, UDP_SEGMENT, size)
s.sendto(b"".join(bytes([65 + i]) * size for i in range(count)), (dst, port))
