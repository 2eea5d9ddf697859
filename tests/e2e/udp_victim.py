#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Connected UDP sockets that report the ICMP errors the kernel gives them.

    udp_victim.py SECONDS NAME:LOCAL_IP:LOCAL_PORT:PEER_IP:PEER_PORT ...

Each socket is bound and connected as given (an application's flow);
prints "ready", then for SECONDS polls each one and prints "NAME refused"
(ECONNREFUSED: a port unreachable was delivered to it) or "NAME error
ERRNO" once, and "done" at the end. A connected UDP socket is told of a
port unreachable about its flow, so an error the enclave's kernel was
handed shows up here.
"""
import errno
import socket
import sys
import time


def main():
    secs = float(sys.argv[1])
    socks = []
    for spec in sys.argv[2:]:
        name, lip, lport, pip, pport = spec.split(":")
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((lip, int(lport)))
        s.connect((pip, int(pport)))
        s.setblocking(False)
        socks.append((name, s))
    print("ready", flush=True)
    told = set()
    end = time.time() + secs
    while time.time() < end:
        for name, s in socks:
            if name in told:
                continue
            try:
                s.recv(2048)
            except BlockingIOError:
                continue
            except ConnectionRefusedError:
                print("%s refused" % name, flush=True)
                told.add(name)
            except OSError as e:
                print("%s error %s" % (name, errno.errorcode.get(e.errno, e.errno)), flush=True)
                told.add(name)
        time.sleep(0.02)
    print("done", flush=True)


if __name__ == "__main__":
    main()
