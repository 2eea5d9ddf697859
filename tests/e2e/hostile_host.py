#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A hostile remora-host: listens on a unix socket for remora-enclave and
sends it what a compromised host could, one scenario per connection.

    hostile_host.py PATH SCENARIO [ARG]

Scenarios (each prints "done SCENARIO SENT" when finished):
  good N            N well-formed packets the enclave must accept: UDP from
                    198.18.0.2:5000 to 198.18.0.1:5353, payload "GOOD"
  packets           one of each bad packet kind, in PACKET frames, payload
                    "EVIL": the enclave must refuse every one
  frames            bad frames after a good HELLO: zero-length packet,
                    unknown type, a version change (closes the link)
  oversize          a frame length of 2^32-1 (closes the link)
  maxlen            a frame length of 65536, one over the limit
  badmagic          a frame that does not start with "RM"
  truncated         half a header, then the connection closed
  halfframe         a HELLO, then half a PACKET frame, then silence
  badversion        a HELLO of protocol version 9
  noHello           a PACKET frame before any HELLO
  noread SECS       a good HELLO, then reads nothing for SECS seconds (a
                    host that cannot keep up): the enclave's send queue
                    must fill, drop and count, never grow
  flood N           N bad packets (spoofed sources, wrong destinations,
                    bad checksums, fragments, garbage) in big writes, as
                    fast as the socket takes them, then 10 good ones
  quotes            ICMP errors about flows that never left the enclave
                    (a loopback UDP flow, the enclave talking to itself),
                    one quoting a later fragment, one quoting nothing:
                    all refused; then one port unreachable about the
                    enclave's real flow 198.18.0.1:40001 -> 198.18.0.2:5353,
                    which must be injected
  supers            20000-byte TCP super-packets to 198.18.0.1:5999 that
                    must never be cut: a wrong TCP checksum, SYN|RST, SYN,
                    URG; then a good one, cut to lo's MTU and injected
  statsflood        a HELLO announcing STATS, then 400 STATS frames in 2 s
                    (requests, and garbage in their payloads): the enclave
                    answers at most twice a second and keeps its link;
                    prints "stats answers N", the STATS frames it sent
The enclave's address is 198.18.0.1; the internet's 198.18.0.2.
"""
import os
import random
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pktlib  # noqa: E402
from pktlib import csum, frame  # noqa: E402

ENCL = bytes([198, 18, 0, 1])
NET = bytes([198, 18, 0, 2])


def udp(src, dst, sport, dport, data):
    length = 8 + len(data)
    pseudo = src + dst + struct.pack("!BBH", 0, 17, length)
    u = struct.pack("!HHHH", sport, dport, length, 0) + data
    c = csum(pseudo + u) or 0xFFFF
    return u[:6] + struct.pack("!H", c) + u[8:]


def tcp_syn(sport, dport):
    return struct.pack("!HHIIBBHHH", sport, dport, 1, 0, 0x50, 0x02, 65535, 0, 0)


def ipv4(*a, **k):
    return pktlib.ipv4(*a, **k)


def tcp_csum(src, dst, seg):
    """seg with its TCP checksum set"""
    c = csum(src + dst + struct.pack("!BBH", 0, 6, len(seg)) + seg)
    return seg[:16] + struct.pack("!H", c) + seg[18:]


def icmp_err(typ, code, quoted, src=NET):
    """An ICMP error to the enclave quoting the bytes quoted"""
    m = struct.pack("!BBHI", typ, code, 0, 0) + quoted
    m = m[:2] + struct.pack("!H", csum(m)) + m[4:]
    return ipv4(src, ENCL, 1, m)


def quote_errors():
    """(evil, packet): ICMP errors the enclave must refuse, then a good one"""
    lo = bytes([127, 0, 0, 1])
    lo_flow = ipv4(lo, lo, 17, udp(lo, lo, 40000, 5353, b"EVIL"))[:28]
    self_flow = ipv4(ENCL, ENCL, 17, udp(ENCL, ENCL, 40002, 5353, b"EVIL"))[:28]
    real = ipv4(ENCL, NET, 17, udp(ENCL, NET, 40001, 5353, b"real"))[:28]
    later = ipv4(ENCL, NET, 17, udp(ENCL, NET, 40001, 5353, b"real"), frag=0x00b9)[:28]
    return [
        (True, icmp_err(3, 3, lo_flow, src=bytes([192, 0, 2, 1]))),
        (True, icmp_err(11, 0, lo_flow)),
        (True, icmp_err(3, 3, self_flow)),
        (True, icmp_err(12, 0, self_flow)),
        (True, icmp_err(3, 3, later)),
        (True, icmp_err(3, 3, b"")),
        (False, icmp_err(3, 3, real)),
    ]


def super_packets():
    """(evil, packet): 20000-byte TCP packets, larger than lo's MTU"""
    def seg(flags, data=bytes(range(256)) * 78 + b"EVIL" * 8):
        return struct.pack("!HHIIBBHHH", 5000, 5999, 1000, 1, 0x50, flags, 65535, 0, 0) + data
    out = []
    bad = bytearray(tcp_csum(NET, ENCL, seg(0x18)))
    bad[100] ^= 1
    out.append((True, ipv4(NET, ENCL, 6, bytes(bad))))
    for flags in (0x06, 0x02, 0x30):  # SYN|RST, SYN, URG|ACK
        out.append((True, ipv4(NET, ENCL, 6, tcp_csum(NET, ENCL, seg(flags)))))
    out.append((False, ipv4(NET, ENCL, 6, tcp_csum(NET, ENCL, seg(0x18)))))
    return out


def good_packet():
    return ipv4(NET, ENCL, 17, udp(NET, ENCL, 5000, 5353, b"GOOD"))


def evil_udp(src, dst=ENCL):
    return ipv4(src, dst, 17, udp(src, dst, 5000, 5353, b"EVIL"))


def bad_packets():
    """(kind, packet) of every kind the enclave must refuse"""
    bad_sum = bytearray(evil_udp(NET))
    bad_sum[10] ^= 0x55
    return [
        ("spoof_loopback", evil_udp(bytes([127, 0, 0, 1]))),
        ("spoof_self", evil_udp(ENCL)),
        ("spoof_multicast", evil_udp(bytes([224, 0, 0, 1]))),
        ("spoof_broadcast", evil_udp(bytes([255, 255, 255, 255]))),
        ("spoof_unspecified", evil_udp(bytes([0, 0, 0, 0]))),
        ("wrong_dst", evil_udp(NET, bytes([198, 18, 0, 9]))),
        ("dst_loopback", evil_udp(NET, bytes([127, 0, 0, 1]))),
        ("bad_checksum", bytes(bad_sum)),
        ("fragment_first", ipv4(NET, ENCL, 17, udp(NET, ENCL, 5000, 5353, b"EVIL"), frag=0x2000)),
        ("fragment_later", ipv4(NET, ENCL, 17, b"EVILEVIL", frag=0x0001)),
        ("total_len_short", evil_udp(NET)[:-2]),
        ("total_len_long", ipv4(NET, ENCL, 17, udp(NET, ENCL, 5000, 5353, b"EVIL"), tot=200)),
        ("ipv6_version", b"\x60" + evil_udp(NET)[1:]),
        ("ihl_too_small", b"\x44" + evil_udp(NET)[1:]),
        ("truncated_tcp", ipv4(NET, ENCL, 6, tcp_syn(80, 5353)[:12])),
        ("truncated_udp", ipv4(NET, ENCL, 17, b"EVIL")),
        ("gre", ipv4(NET, ENCL, 47, b"EVILEVIL")),
        ("icmp_redirect", ipv4(NET, ENCL, 1, struct.pack("!BBHI", 5, 1, 0, 0) + b"EVIL")),
        ("too_short", b"\x45\x00"),
    ]


def hello(version=1, role=1, caps=0):
    return pktlib.hello(role=role, version=version, software=b"hostile",
                        caps=caps)


def count_stats(c, timeout, buf=b""):
    """Read what the enclave sends for a while; count its STATS frames"""
    end = time.time() + timeout
    n = 0
    while time.time() < end:
        c.settimeout(max(0.001, min(0.05, end - time.time())))
        try:
            got = c.recv(65536)
        except socket.timeout:
            continue
        except OSError:
            break
        if not got:
            break
        buf += got
        while len(buf) >= 8:
            length = struct.unpack("!I", buf[4:8])[0]
            if len(buf) < 8 + length:
                break
            n += buf[3] == 6
            buf = buf[8 + length:]
    return n, buf


def read_frames(c, timeout):
    """Read and discard what the enclave sends for a while; True if open"""
    c.settimeout(timeout)
    end = time.time() + timeout
    try:
        while time.time() < end:
            if not c.recv(65536):
                return False
    except socket.timeout:
        return True
    except OSError:
        return False
    return True


def scenario(c, name, arg):
    sent = 0
    if name == "truncated":
        c.sendall(b"RM\x01")
        return 1
    if name == "badversion":
        c.sendall(hello(version=9))
        read_frames(c, 0.5)
        return 1
    if name == "noHello":
        c.sendall(frame(2, good_packet()))
        read_frames(c, 0.5)
        return 1
    if name == "statsflood":
        c.sendall(hello(caps=2))
        answers, buf = 0, b""
        start = time.time()
        for i in range(400):
            c.sendall(frame(6, b"" if i % 2 else os.urandom(i % 97)))
            sent += 1
            got, buf = count_stats(c, 0.005, buf)
            answers += got
        got, buf = count_stats(c, 1.0, buf)
        print("stats answers %d in %.1f s" % (answers + got, time.time() - start),
              flush=True)
        return sent
    c.sendall(hello())
    if name == "good":
        for _ in range(int(arg)):
            c.sendall(frame(2, good_packet()))
            sent += 1
    elif name == "packets":
        for _, p in bad_packets():
            c.sendall(frame(2, p))
            sent += 1
    elif name == "frames":
        c.sendall(frame(2, b""))
        c.sendall(frame(9, b"EVIL future frame type"))
        c.sendall(frame(2, good_packet(), version=2))
        sent = 3
    elif name == "oversize":
        c.sendall(b"RM\x01\x02\xff\xff\xff\xff" + b"EVIL" * 100)
        sent = 1
    elif name == "maxlen":
        c.sendall(b"RM\x01\x02\x00\x01\x00\x00" + b"EVIL" * 100)
        sent = 1
    elif name == "badmagic":
        c.sendall(b"XM\x01\x02\x00\x00\x00\x04EVIL")
        sent = 1
    elif name == "halfframe":
        c.sendall(frame(2, good_packet())[:15])
        sent = 1
        time.sleep(float(arg or 3))  # silent: the enclave must give up
    elif name == "noread":
        c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        deadline = time.time() + float(arg)
        while time.time() < deadline:  # keepalives only: alive, not reading
            c.sendall(frame(3, b""))
            time.sleep(0.1)
        return 1
    elif name == "quotes":
        for _, p in quote_errors():
            c.sendall(frame(2, p))
            sent += 1
    elif name == "supers":
        for _, p in super_packets():
            c.sendall(frame(2, p))
            sent += 1
    elif name == "flood":
        rnd = random.Random(7)
        kinds = [p for _, p in bad_packets()]
        blob = bytearray()
        n = int(arg)
        for i in range(n):
            if i % 50 == 49:
                junk = bytes(rnd.getrandbits(8) for _ in range(rnd.randrange(1, 200)))
                blob += frame(2, junk)
            else:
                blob += frame(2, kinds[i % len(kinds)])
            if len(blob) > 1 << 20:
                c.sendall(blob)
                blob = bytearray()
        for _ in range(10):
            blob += frame(2, good_packet())
        c.sendall(blob)
        sent = n + 10
    read_frames(c, 0.5)
    return sent


def main():
    path, name = sys.argv[1], sys.argv[2]
    arg = sys.argv[3] if len(sys.argv) > 3 else None
    if os.path.exists(path):
        os.unlink(path)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.listen(1)
    s.settimeout(20)
    print("listening", flush=True)
    c, _ = s.accept()
    # one connection only: the enclave's reconnections find nobody
    s.close()
    os.unlink(path)
    try:
        sent = scenario(c, name, arg)
    except (BrokenPipeError, ConnectionResetError):
        sent = -1
    print("done %s %d" % (name, sent), flush=True)
    c.close()


if __name__ == "__main__":
    main()
