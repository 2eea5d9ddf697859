#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Small TCP/UDP probes for remora's end-to-end tests.

Each prints one word or line that the test compares with what a direct
path gives; every socket has a timeout, so nothing hangs.

  probe.py halfclose-server ADDR PORT   read to EOF, answer, close
  probe.py halfclose-client ADDR PORT   send, shut down writing, read answer
  probe.py reset-server ADDR PORT       read one byte, close with RST
  probe.py reset-client ADDR PORT       expect the connection to be reset
  probe.py refused-tcp ADDR PORT        expect ECONNREFUSED (a RST came back)
  probe.py refused-udp ADDR PORT        expect ECONNREFUSED (ICMP came back)
"""
import socket
import struct
import sys
import time

TIMEOUT = 10  # s


def listen(addr, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(1)
    s.settimeout(TIMEOUT * 3)
    print("listening", flush=True)
    c, _ = s.accept()
    c.settimeout(TIMEOUT)
    return c


def connect(addr, port):
    c = socket.create_connection((addr, port), timeout=TIMEOUT)
    c.settimeout(TIMEOUT)
    return c


def halfclose_server(addr, port):
    c = listen(addr, port)
    n = 0
    while True:
        b = c.recv(65536)
        if not b:
            break
        n += len(b)
    # the peer has shut down its side; ours still carries the answer
    c.sendall(b"got %d bytes after EOF\n" % n)
    c.close()


def halfclose_client(addr, port):
    c = connect(addr, port)
    c.sendall(b"x" * 100000)
    c.shutdown(socket.SHUT_WR)
    out = b""
    while True:
        b = c.recv(65536)
        if not b:
            break
        out += b
    print(out.decode().strip())


def reset_server(addr, port):
    c = listen(addr, port)
    c.recv(1)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()


def reset_client(addr, port):
    c = connect(addr, port)
    c.sendall(b"x")
    try:
        deadline = time.time() + TIMEOUT
        while time.time() < deadline:
            if not c.recv(1):
                print("eof")
                return
    except ConnectionResetError:
        print("reset")
        return
    except socket.timeout:
        print("timeout")
        return
    print("timeout")


def refused_tcp(addr, port):
    try:
        connect(addr, port)
        print("connected")
    except ConnectionRefusedError:
        print("refused")
    except socket.timeout:
        print("timeout")


def refused_udp(addr, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(TIMEOUT)
    s.connect((addr, port))
    s.send(b"anyone?")
    try:
        s.recv(100)
        print("answered")
    except ConnectionRefusedError:
        print("refused")
    except socket.timeout:
        print("timeout")


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    fn = {
        "halfclose-server": halfclose_server,
        "halfclose-client": halfclose_client,
        "reset-server": reset_server,
        "reset-client": reset_client,
        "refused-tcp": refused_tcp,
        "refused-udp": refused_udp,
    }.get(sys.argv[1])
    if not fn:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    fn(sys.argv[2], int(sys.argv[3]))


if __name__ == "__main__":
    main()
