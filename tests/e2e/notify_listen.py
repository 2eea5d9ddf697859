#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Stand in for systemd's notification socket: log each sd_notify datagram.

    notify_listen.py PATH LOG

Each datagram is written to LOG as one line, its newlines shown as '|',
prefixed with the time since start, e.g. "0.512 READY=1|STATUS=listening".
Runs until killed.
"""
import os
import socket
import sys
import time

path, log = sys.argv[1], sys.argv[2]
if os.path.exists(path):
    os.unlink(path)
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
os.chmod(path, 0o777)  # the daemon runs as an unprivileged user
t0 = time.monotonic()
with open(log, "a", buffering=1) as f:
    while True:
        msg = s.recv(4096).decode("utf-8", "replace")
        f.write("%.3f %s\n" % (time.monotonic() - t0, msg.replace("\n", "|")))
