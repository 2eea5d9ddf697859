#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""UDP request/response load: udp_echo_load.py HOST PORT SECONDS RATE

Sends RATE datagrams a second to HOST:PORT (an echo service) for SECONDS,
counts the echoes, prints "sent N received M". A send the kernel refuses
(no route while the enclave's tun is gone) counts as sent and lost.
"""
import socket
import sys
import time

host, port, secs, rate = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setblocking(False)
sent = received = 0
end = time.time() + secs
gap = 1.0 / rate
nxt = time.time()
while time.time() < end + 1:
    now = time.time()
    if now < end and now >= nxt:
        try:
            s.sendto(b"soak %d" % sent, (host, port))
        except OSError:
            # no route for a moment: remora-enclave in tun capture
            # restarting (its tun and routes come back with it); counted
            # as sent and lost
            pass
        sent += 1
        nxt += gap
    try:
        while True:
            s.recv(2048)
            received += 1
    except BlockingIOError:
        pass
    time.sleep(min(gap, 0.005))
print("sent %d received %d" % (sent, received), flush=True)
