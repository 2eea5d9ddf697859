#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A fake remora peer speaking the link protocol (docs/protocol.md).

  fakepeer.py connect PATH VERSION ROLE [HDRVER]  connect to remora-host
  fakepeer.py listen PATH VERSION ROLE [HDRVER]   wait for remora-enclave

PATH is a unix socket path, or tcp:HOST:PORT (IPv4; connect only). HDRVER,
if given, is put in the frame header instead of VERSION.

It sends a HELLO with the given protocol VERSION and ROLE (1 host,
2 enclave), then prints each frame it receives as "TYPE" or "bye CODE", and
stops at a BYE, at end of stream or a reset ("eof"), or after 10 s
("timeout").
"""
import os
import socket
import struct
import sys
import time

MAGIC = b"RM"
TYPES = {1: "hello", 2: "packet", 3: "keepalive", 4: "bye"}


def hello(version, role, hdrver):
    software = b"fakepeer"
    payload = struct.pack(">HHII", version, role, 0, 65535) + software
    return MAGIC + struct.pack(">BBI", hdrver, 1, len(payload)) + payload


def read_exact(s, n, deadline):
    buf = b""
    while len(buf) < n:
        s.settimeout(max(0.01, deadline - time.time()))
        b = s.recv(n - len(buf))
        if not b:
            return None
        buf += b
    return buf


def run(s, version, role, hdrver):
    try:
        s.sendall(hello(version, role, hdrver))
    except (BrokenPipeError, ConnectionResetError):
        # closed on accept: refused before any frame
        print("eof", flush=True)
        return
    deadline = time.time() + 10
    try:
        while time.time() < deadline:
            hdr = read_exact(s, 8, deadline)
            if hdr is None:
                print("eof", flush=True)
                return
            _, _, ftype, length = struct.unpack(">2sBBI", hdr)
            payload = read_exact(s, length, deadline) if length else b""
            if ftype == 4:
                code = struct.unpack(">I", payload[:4])[0]
                print("bye %d %s" % (code, payload[4:].decode(errors="replace")),
                      flush=True)
                return
            print(TYPES.get(ftype, "type%d" % ftype), flush=True)
    except ConnectionResetError:
        # closed with our HELLO unread (tcp): refused before any frame
        print("eof", flush=True)
    except socket.timeout:
        print("timeout", flush=True)


def main():
    if len(sys.argv) not in (5, 6):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    mode, path, version, role = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    hdrver = int(sys.argv[5]) if len(sys.argv) == 6 else version
    if mode == "connect" and path.startswith("tcp:"):
        host, port = path[4:].rsplit(":", 1)
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.connect((host, int(port)))
        run(s, version, role, hdrver)
        return
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    if mode == "connect":
        s.connect(path)
        run(s, version, role, hdrver)
    else:
        if os.path.exists(path):
            os.unlink(path)
        s.bind(path)
        s.listen(1)
        s.settimeout(15)
        print("listening", flush=True)
        c, _ = s.accept()
        run(c, version, role, hdrver)


if __name__ == "__main__":
    main()
