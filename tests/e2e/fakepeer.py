#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A fake remora peer speaking the link protocol (docs/protocol.md).

  fakepeer.py connect PATH VERSION ROLE [HDRVER] [OPTIONS]  connect to remora-host
  fakepeer.py listen PATH VERSION ROLE [HDRVER] [OPTIONS]   wait for remora-enclave

PATH is a unix socket path, or tcp:HOST:PORT (IPv4; connect only). HDRVER,
if given, is put in the frame header instead of VERSION.

It sends a HELLO with the given protocol VERSION and ROLE (1 host,
2 enclave), then prints each frame it receives as "TYPE" ("hello caps N"
for a HELLO) or "bye CODE TEXT", and stops at a BYE, at end of stream or
a reset ("eof"), or after --seconds ("timeout").

Options:
  --caps N          capability bits to announce in the HELLO (1: OFFLOAD)
  --seconds S       how long to run (default 10)
  --keepalive S     send a KEEPALIVE every S seconds
  --describe        print what each PACKET and OFFLOAD frame carries:
                    "packet DESCRIPTION", "offload gso=T flags=F size=N
                    DESCRIPTION" (pktlib.describe())
  --tcp-peer MSS    act as the TCP peer of the enclave's connections: answer
                    each SYN with a SYN-ACK advertising MSS (window 65535,
                    no other option) and acknowledge the data that arrives
  --send SCENARIO   once the peer's HELLO is in, send the frames of
                    SCENARIO (as the enclave 198.18.0.1, to 198.18.0.2),
                    print "sent SCENARIO N", and go on reading:
      old           PACKET frames as a remora-enclave without OFFLOAD
                    sends: a UDP datagram 40000 -> 7400 "OLD-UDP" and a TCP
                    SYN 40001 -> 7401
      super         OFFLOAD: a TCP super-packet 40002 -> 7402 of 3 segments
                    of 1000 bytes (gso TCP, size 1000, CSUM_PARTIAL, seq
                    1000), then a UDP datagram 40003 -> 7403 "PARTIAL-UDP"
                    with its checksum partial (gso NONE)
      hostile       OFFLOAD frames a host must refuse, each to port 7666:
                    a SYN with gso TCP; gso_size 10; gso UDP; CSUM_PARTIAL
                    on an ICMP echo; a reserved flag bit (0x02). Then a
                    PACKET frame, UDP 40004 -> 7404 "AFTER-HOSTILE"
      offload       one valid OFFLOAD frame (UDP 40005 -> 7405, gso NONE,
                    complete checksum)
      stats         STATS frames (announce --caps 2): a report
                    (q2l_sent_packets 77, fake_only 5), then three a host
                    must refuse: a name with a capital, a cut entry, a
                    name of length 0
      local         a valid TCP super-packet (gso TCP 1000, 3 segments) to
                    198.18.0.5:7002, another address of the host's
"""
import argparse
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pktlib  # noqa: E402
from pktlib import (CSUM_PARTIAL, GSO_NONE, GSO_TCP, GSO_UDP, OFFLOAD,  # noqa: E402
                    PACKET, frame, ipv4, offload, tcp, udp)

TYPES = {1: "hello", 2: "packet", 3: "keepalive", 4: "bye", 5: "offload",
         6: "stats"}
ENCL = bytes([198, 18, 0, 1])
NET = bytes([198, 18, 0, 2])


def scenario(name):
    """The frames of a --send scenario"""
    def udp4(sport, dport, data, partial=False):
        return ipv4(ENCL, NET, 17, udp(ENCL, NET, sport, dport, data, partial))

    def tcp4(sport, dport, flags, data=b"", partial=False, seq=1000):
        return ipv4(ENCL, NET, 6, tcp(ENCL, NET, sport, dport, seq, 1, flags,
                                      data, partial=partial))
    data = bytes(range(250)) * 12  # 3000 bytes
    if name == "old":
        return [frame(PACKET, udp4(40000, 7400, b"OLD-UDP")),
                frame(PACKET, tcp4(40001, 7401, 0x02, seq=1))]
    if name == "super":
        return [offload(tcp4(40002, 7402, 0x18, data, partial=True),
                        GSO_TCP, CSUM_PARTIAL, 1000),
                offload(udp4(40003, 7403, b"PARTIAL-UDP", partial=True),
                        GSO_NONE, CSUM_PARTIAL, 0)]
    if name == "hostile":
        echo = ipv4(ENCL, NET, 1, pktlib.icmp_echo(7666, 1, b"EVIL"))
        return [offload(tcp4(40010, 7666, 0x02, data), GSO_TCP, 0, 1000),
                offload(tcp4(40011, 7666, 0x18, data), GSO_TCP, 0, 10),
                offload(udp4(40012, 7666, data), GSO_UDP, 0, 1000),
                offload(echo, GSO_NONE, CSUM_PARTIAL, 0),
                offload(udp4(40013, 7666, b"EVIL"), GSO_NONE, 0x02, 0),
                frame(PACKET, udp4(40004, 7404, b"AFTER-HOSTILE"))]
    if name == "offload":
        return [offload(udp4(40005, 7405, b"OFFLOAD-RAW"))]
    if name == "local":
        other = bytes([198, 18, 0, 5])
        return [offload(ipv4(ENCL, other, 6,
                             tcp(ENCL, other, 40006, 7002, 1000, 1, 0x18,
                                 data, partial=True)),
                        GSO_TCP, CSUM_PARTIAL, 1000)]
    if name == "stats":
        def entry(n, v):
            return bytes([len(n)]) + n + struct.pack(">Q", v)
        return [frame(6, entry(b"q2l_sent_packets", 77) + entry(b"fake_only", 5)),
                frame(6, entry(b"q2l_sent_packets", 78) + entry(b"Bad", 1)),
                frame(6, entry(b"q2l_sent_packets", 79)[:-1]),
                frame(6, bytes([0]) + struct.pack(">Q", 1))]
    raise SystemExit("unknown scenario %s" % name)


class TcpPeer:
    """The far end of the enclave's TCP connections, as far as needed for
    the enclave to send: a SYN-ACK with an MSS, ACKs for what arrives"""

    def __init__(self, mss):
        self.mss = mss
        self.next = {}  # (sport, dport) -> next sequence number expected

    def answer(self, pkt):
        """The packet to send back for one from the enclave, or None"""
        if len(pkt) < 40 or pkt[0] != 0x45 or pkt[9] != 6:
            return None
        src, dst = pkt[12:16], pkt[16:20]
        tot = struct.unpack("!H", pkt[2:4])[0]
        sport, dport, seq, _, off, fl = struct.unpack("!HHIIBB", pkt[20:34])
        dlen = tot - 20 - (off >> 4) * 4
        key = (sport, dport)
        if fl & 0x04:  # RST
            return None
        if fl & 0x12 == 0x02:  # SYN
            self.next[key] = (seq + 1) & 0xFFFFFFFF
            seg = tcp(dst, src, dport, sport, 7000, self.next[key], 0x12,
                      options=struct.pack("!BBH", 2, 4, self.mss))
            return ipv4(dst, src, 6, seg)
        if key not in self.next or (dlen == 0 and not fl & 0x01):
            return None
        end = (seq + dlen + (1 if fl & 0x01 else 0)) & 0xFFFFFFFF
        if (end - self.next[key]) & 0x80000000 == 0:
            self.next[key] = end
        return ipv4(dst, src, 6, tcp(dst, src, dport, sport, 7001,
                                     self.next[key], 0x10))


class Reader:
    """Whole frames from the stream, waiting at most a moment for each"""

    def __init__(self, s):
        self.s = s
        self.buf = b""

    def frame(self, wait):
        """(type, payload), None if none is whole within wait seconds, or
        raise EOFError at the end of the stream"""
        end = time.time() + wait
        while True:
            if len(self.buf) >= 8:
                ftype, length = struct.unpack(">BI", self.buf[3:8])
                if len(self.buf) >= 8 + length:
                    payload = self.buf[8:8 + length]
                    self.buf = self.buf[8 + length:]
                    return ftype, payload
            left = end - time.time()
            if left <= 0:
                return None
            self.s.settimeout(max(0.01, left))
            try:
                b = self.s.recv(1 << 16)
            except socket.timeout:
                return None
            if not b:
                raise EOFError
            self.buf += b


def run(s, a):
    last_ka = time.time()
    try:
        s.sendall(pktlib.hello(role=a.role, version=a.version,
                               software=b"fakepeer", caps=a.caps,
                               hdrver=a.hdrver))
    except (BrokenPipeError, ConnectionResetError):
        # closed on accept: refused before any frame
        print("eof", flush=True)
        return
    peer = TcpPeer(a.tcp_peer) if a.tcp_peer else None
    r = Reader(s)
    deadline = time.time() + a.seconds
    try:
        while time.time() < deadline:
            if a.keepalive and time.time() - last_ka >= a.keepalive:
                s.sendall(frame(3, b""))
                last_ka = time.time()
            got = r.frame(min(0.1, max(0.0, deadline - time.time())))
            if got is None:
                continue
            ftype, payload = got
            if ftype == 4:
                code = struct.unpack(">I", payload[:4])[0]
                print("bye %d %s" % (code, payload[4:].decode(errors="replace")),
                      flush=True)
                return
            if ftype == 1:
                caps = struct.unpack(">I", payload[4:8])[0] if len(payload) >= 8 else 0
                print("hello caps %d" % caps, flush=True)
                if a.send:
                    frames = scenario(a.send)
                    for f in frames:
                        s.sendall(f)
                    print("sent %s %d" % (a.send, len(frames)), flush=True)
                continue
            pkt = None
            if ftype == PACKET:
                pkt = payload
                if a.describe:
                    print("packet " + pktlib.describe(pkt), flush=True)
            elif ftype == OFFLOAD and len(payload) >= 4:
                pkt = payload[4:]
                if a.describe:
                    g, fl, size = struct.unpack(">BBH", payload[:4])
                    print("offload gso=%d flags=%d size=%d %s" %
                          (g, fl, size, pktlib.describe(pkt)), flush=True)
            if not a.describe or pkt is None:
                print(TYPES.get(ftype, "type%d" % ftype), flush=True)
            if peer and pkt:
                answer = peer.answer(pkt)
                if answer:
                    s.sendall(frame(PACKET, answer))
        print("timeout", flush=True)
    except EOFError:
        print("eof", flush=True)
    except (ConnectionResetError, BrokenPipeError):
        # closed with our HELLO unread (tcp): refused before any frame
        print("eof", flush=True)


def main():
    p = argparse.ArgumentParser(usage=__doc__)
    p.add_argument("mode", choices=("connect", "listen"))
    p.add_argument("path")
    p.add_argument("version", type=int)
    p.add_argument("role", type=int)
    p.add_argument("hdrver", type=int, nargs="?")
    p.add_argument("--caps", type=lambda x: int(x, 0), default=0)
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--keepalive", type=float, default=0)
    p.add_argument("--describe", action="store_true")
    p.add_argument("--tcp-peer", type=int, default=0)
    p.add_argument("--send")
    a = p.parse_args()
    if a.send:
        scenario(a.send)  # a bad name fails before any connection
    if a.mode == "connect" and a.path.startswith("tcp:"):
        host, port = a.path[4:].rsplit(":", 1)
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.connect((host, int(port)))
        run(s, a)
        return
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    if a.mode == "connect":
        s.connect(a.path)
        run(s, a)
    else:
        if os.path.exists(a.path):
            os.unlink(a.path)
        s.bind(a.path)
        s.listen(1)
        s.settimeout(15)
        print("listening", flush=True)
        c, _ = s.accept()
        run(c, a)


if __name__ == "__main__":
    main()
