#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""TCP request/response latency: tcp_rr.py HOST PORT COUNT

Opens one connection to an echo server, sends COUNT 64-byte requests one at
a time, waits for each echo, and prints the median and 99th percentile
round trip in microseconds: "median_us N p99_us M".
"""
import socket
import sys
import time

host, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.create_connection((host, port), timeout=10)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
msg = b"x" * 64
rtts = []
for _ in range(count):
    t0 = time.perf_counter_ns()
    s.sendall(msg)
    got = 0
    while got < len(msg):
        b = s.recv(len(msg) - got)
        if not b:
            sys.exit("connection closed")
        got += len(b)
    rtts.append((time.perf_counter_ns() - t0) / 1000)
rtts.sort()
print("median_us %.1f p99_us %.1f" % (rtts[len(rtts) // 2], rtts[int(len(rtts) * 0.99)]))
