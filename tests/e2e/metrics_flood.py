#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Load on a metrics endpoint, for a bounded time.

  metrics_flood.py idle HOST PORT CONNS SECONDS
      hold CONNS connections that send nothing, opening a new one whenever
      one is closed (a slowloris), for SECONDS
  metrics_flood.py fast HOST PORT PROCS SECONDS
      PROCS processes each sending "GET /metrics" requests one after the
      other as fast as they are answered, for SECONDS
  metrics_flood.py trickle HOST PORT
      send a request one byte every 0.5 s; print how long until the daemon
      closed the connection

Prints one summary line: "idle opened N closed-by-peer M",
"fast requests N ok A refused R failed F", or "trickle closed-after S".
"""
import multiprocessing
import selectors
import socket
import sys
import time


def idle(host, port, conns, seconds):
    sel = selectors.DefaultSelector()
    opened = closed = 0
    end = time.time() + seconds

    def open_one():
        nonlocal opened
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.connect_ex((host, port))
        sel.register(s, selectors.EVENT_READ)
        opened += 1

    for _ in range(conns):
        open_one()
    while time.time() < end:
        for key, _ in sel.select(timeout=0.05):
            s = key.fileobj
            try:
                data = s.recv(4096)
            except OSError:
                data = b""
            if not data:
                sel.unregister(s)
                s.close()
                closed += 1
                open_one()
    print("idle opened %d closed-by-peer %d" % (opened, closed), flush=True)


def fast_worker(host, port, seconds, out):
    ok = refused = failed = 0
    end = time.time() + seconds
    while time.time() < end:
        try:
            s = socket.create_connection((host, port), timeout=2)
            s.sendall(b"GET /metrics HTTP/1.0\r\n\r\n")
            head = b""
            while True:
                b = s.recv(65536)
                if not b:
                    break
                head += b[:64] if len(head) < 64 else b""
            s.close()
            if head.startswith(b"HTTP/1.0 200"):
                ok += 1
            elif head.startswith(b"HTTP/1.0 503"):
                refused += 1
            else:
                failed += 1
        except OSError:
            failed += 1
    out.put((ok, refused, failed))


def fast(host, port, procs, seconds):
    q = multiprocessing.Queue()
    ps = [multiprocessing.Process(target=fast_worker, args=(host, port, seconds, q))
          for _ in range(procs)]
    for p in ps:
        p.start()
    res = [q.get() for _ in ps]
    for p in ps:
        p.join()
    ok = sum(r[0] for r in res)
    refused = sum(r[1] for r in res)
    failed = sum(r[2] for r in res)
    print("fast requests %d ok %d refused %d failed %d"
          % (ok + refused + failed, ok, refused, failed), flush=True)


def trickle(host, port):
    s = socket.create_connection((host, port), timeout=10)
    t0 = time.time()
    req = b"GET /metrics HTTP/1.0\r\nX-Slow: " + b"a" * 40
    s.settimeout(0.5)
    for c in req:
        try:
            s.send(bytes([c]))
        except OSError:
            break
        try:
            if not s.recv(4096):
                break
        except socket.timeout:
            continue
        except OSError:
            break
    print("trickle closed-after %.2f" % (time.time() - t0), flush=True)


def main():
    mode = sys.argv[1]
    host, port = sys.argv[2], int(sys.argv[3])
    if mode == "idle":
        idle(host, port, int(sys.argv[4]), float(sys.argv[5]))
    elif mode == "fast":
        fast(host, port, int(sys.argv[4]), float(sys.argv[5]))
    elif mode == "trickle":
        trickle(host, port)
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
