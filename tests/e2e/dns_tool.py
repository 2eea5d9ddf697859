#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""DNS clients, forgers and a TCP echo pair for test_names.sh (egress by
name). Plain sockets and pktlib (no third-party module); every socket has a
timeout and every loop a deadline, so nothing hangs. Each prints one line
(or a few) that the test compares.

  dns_tool.py query SERVER NAME [A|AAAA] [--tcp [--count N] [--oob]]
                    [--extra KIND] [--timeout S] [--sport PORT] [--id ID]
      one query; prints the answer's A/AAAA addresses (space separated),
      "noaddress rcode=N" if it has none, or "timeout". Over TCP, --count
      N queries one after the other on one connection (the answers'
      addresses, space separated); --oob sends each as urgent data
      (MSG_OOB). KIND: txt (an
      additional TXT record), two (two questions), cookie (EDNS OPT with an
      8-byte client cookie), nsid (EDNS OPT with an NSID option)
  dns_tool.py wait-query SERVER NAME PORT ID WAIT
      from local PORT, a query with ID; prints "sent", then the first
      datagram that comes back within WAIT s ("got SRC:PORT id=N ADDRS"),
      or "nothing"
  dns_tool.py listen PORT WAIT
      prints "ready", then the first datagram to PORT ("got ...") or
      "nothing"
  dns_tool.py forge SRC DST DPORT ID NAME ADDR
      (raw socket, root) an answer "NAME A ADDR" with ID from SRC port 53
      to DST:DPORT, marked 0x77 (SO_MARK) so that the test's drop rule
      for the real resolver's answers spares it; prints "forged"
  dns_tool.py many SERVER FIRST COUNT DEADLINE
      resolves COUNT names A-B-C-D.many.test of 198.18.64.0/18 from
      address number FIRST, one after the other, for at most DEADLINE s;
      prints "answered N of COUNT in T s"
  dns_tool.py echo-client SERVER NAME PORT INTERVAL DURATION
      resolves NAME (A, through SERVER), connects to the address, sends a
      line every INTERVAL s for DURATION s, each echoed; prints
      "connected ADDR", then "echoed N of M"
  dns_tool.py connect ADDR PORT TIMEOUT
      prints connected, timeout, refused or "error ..."
"""
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pktlib  # noqa: E402

TYPES = {"A": 1, "AAAA": 28, "CNAME": 5, "TXT": 16, "OPT": 41}
MARK = 0x77


def wire_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def make_query(qid, name, qtype=1, extra=None):
    """A standard query (RD set), with something more if extra says so"""
    qd, ar = 1, 0
    body = wire_name(name) + struct.pack("!HH", qtype, 1)
    if extra == "two":
        qd = 2
        body += wire_name(name) + struct.pack("!HH", 28, 1)
    elif extra == "txt":
        ar = 1
        txt = b"\x0bhello-world"
        body += wire_name(name) + struct.pack("!HHIH", 16, 1, 0, len(txt)) + txt
    elif extra == "cookie":
        ar = 1
        opt = struct.pack("!HH", 10, 8) + os.urandom(8)
        body += b"\0" + struct.pack("!HHIH", 41, 1232, 0, len(opt)) + opt
    elif extra == "nsid":
        ar = 1
        opt = struct.pack("!HH", 3, 0)
        body += b"\0" + struct.pack("!HHIH", 41, 1232, 0, len(opt)) + opt
    elif extra:
        raise SystemExit("unknown --extra %s" % extra)
    return struct.pack("!HHHHHH", qid, 0x0100, qd, 0, 0, ar) + body


def make_answer(qid, name, addr, ttl=300):
    """An answer: NAME's question, one A record ADDR"""
    q = wire_name(name) + struct.pack("!HH", 1, 1)
    rr = struct.pack("!HHHIH", 0xC00C, 1, 1, ttl, 4) + socket.inet_aton(addr)
    return struct.pack("!HHHHHH", qid, 0x8180, 1, 1, 0, 0) + q + rr


def read_name(msg, off):
    labels, jumps, end = [], 0, None
    while True:
        n = msg[off]
        if n & 0xC0 == 0xC0:
            if end is None:
                end = off + 2
            off = ((n & 0x3F) << 8) | msg[off + 1]
            jumps += 1
            if jumps > 16:
                raise ValueError("pointer loop")
            continue
        off += 1
        if n == 0:
            break
        labels.append(msg[off:off + n].decode(errors="replace"))
        off += n
    return ".".join(labels), end if end is not None else off


def parse(msg):
    """(id, rcode, [(type, text)]) of an answer"""
    qid, flags, qd, an = struct.unpack("!HHHH", msg[:8])
    off = 12
    for _ in range(qd):
        _, off = read_name(msg, off)
        off += 4
    rrs = []
    for _ in range(an):
        _, off = read_name(msg, off)
        t, _c, _ttl, ln = struct.unpack("!HHIH", msg[off:off + 10])
        off += 10
        data = msg[off:off + ln]
        if t == 1 and ln == 4:
            rrs.append(("A", socket.inet_ntoa(data)))
        elif t == 28 and ln == 16:
            rrs.append(("AAAA", socket.inet_ntop(socket.AF_INET6, data)))
        elif t == 5:
            rrs.append(("CNAME", read_name(msg, off)[0]))
        off += ln
    return qid, flags & 15, rrs


def addrs_of(msg):
    try:
        _, rcode, rrs = parse(msg)
    except (ValueError, IndexError, struct.error) as e:
        return "unreadable %s" % e
    a = [v for t, v in rrs if t in ("A", "AAAA")]
    return " ".join(a) if a else "noaddress rcode=%d" % rcode


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def query(argv):
    server, name = argv[0], argv[1]
    qtype, tcp, extra, timeout, sport, qid = "A", False, None, 2.0, 0, None
    oob, count = False, 1
    rest = argv[2:]
    i = 0
    while i < len(rest):
        a = rest[i]
        if a in TYPES:
            qtype = a
        elif a == "--tcp":
            tcp = True
        elif a == "--oob":
            oob = True
        elif a == "--count":
            i += 1
            count = int(rest[i])
        elif a == "--extra":
            i += 1
            extra = rest[i]
        elif a == "--timeout":
            i += 1
            timeout = float(rest[i])
        elif a == "--sport":
            i += 1
            sport = int(rest[i])
        elif a == "--id":
            i += 1
            qid = int(rest[i], 0)
        else:
            raise SystemExit("query: unknown argument %s" % a)
        i += 1
    if qid is None:
        qid = struct.unpack("!H", os.urandom(2))[0]
    msg = make_query(qid, name, TYPES[qtype], extra)
    fam = family(server)
    if tcp:
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.settimeout(timeout)
        try:
            s.connect((server, 53))
            got = []
            for n in range(count):
                # the queries of a connection one after the other, each
                # answered before the next; --oob: the whole query as
                # urgent data (its last byte is the urgent one)
                msg = make_query((qid + n) & 0xffff, name, TYPES[qtype], extra)
                frame = struct.pack("!H", len(msg)) + msg
                if oob:
                    s.send(frame, socket.MSG_OOB)
                else:
                    s.sendall(frame)
                buf = b""
                deadline = time.time() + timeout
                while time.time() < deadline:
                    b = s.recv(65536)
                    if not b:
                        break
                    buf += b
                    if len(buf) >= 2 and len(buf) >= 2 + struct.unpack("!H", buf[:2])[0]:
                        break
                if len(buf) < 2 or len(buf) < 2 + struct.unpack("!H", buf[:2])[0]:
                    print("timeout" if not buf else "cut")
                    return
                got.append(addrs_of(buf[2:]))
            print(" ".join(got))
        except socket.timeout:
            print("timeout")
        except OSError as e:
            print("error %s" % e.strerror)
        finally:
            s.close()
        return
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.settimeout(timeout)
    if sport:
        s.bind(("::" if fam == socket.AF_INET6 else "0.0.0.0", sport))
    s.connect((server, 53))
    s.send(msg)
    deadline = time.time() + timeout
    try:
        while True:
            s.settimeout(max(0.01, deadline - time.time()))
            b = s.recv(65536)
            if len(b) >= 2 and struct.unpack("!H", b[:2])[0] == qid:
                print(addrs_of(b))
                return
    except socket.timeout:
        print("timeout")
    except OSError as e:
        print("error %s" % e.strerror)


def show(b, src):
    qid = struct.unpack("!H", b[:2])[0] if len(b) >= 2 else -1
    print("got %s:%d id=%d %s" % (src[0], src[1], qid, addrs_of(b)), flush=True)


def show_first(s, wait):
    """Print the first datagram to s within wait seconds, or nothing."""
    s.settimeout(wait)
    try:
        b, src = s.recvfrom(65536)
        show(b, src)
    except socket.timeout:
        print("nothing", flush=True)


def wait_query(argv):
    server, name, port, qid, wait = argv[0], argv[1], int(argv[2]), int(argv[3], 0), float(argv[4])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port))
    s.sendto(make_query(qid, name), (server, 53))
    print("sent", flush=True)
    show_first(s, wait)


def listen(argv):
    port, wait = int(argv[0]), float(argv[1])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port))
    print("ready", flush=True)
    show_first(s, wait)


def forge(argv):
    src, dst, dport, qid, name, addr = argv[0], argv[1], int(argv[2]), int(argv[3], 0), argv[4], argv[5]
    s4, d4 = socket.inet_aton(src), socket.inet_aton(dst)
    pkt = pktlib.ipv4(s4, d4, 17, pktlib.udp(s4, d4, 53, dport, make_answer(qid, name, addr)))
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.setsockopt(socket.SOL_SOCKET, getattr(socket, "SO_MARK", 36), MARK)
    s.sendto(pkt, (dst, 0))
    print("forged", flush=True)


def many_name(i):
    a = (198 << 24) | (18 << 16) | (64 << 8)
    a += i
    return "%d-%d-%d-%d.many.test" % (a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255)


def many(argv):
    server, first, count, limit = argv[0], int(argv[1]), int(argv[2]), float(argv[3])
    s = socket.socket(family(server), socket.SOCK_DGRAM)
    s.connect((server, 53))
    t0 = time.time()
    deadline = t0 + limit
    answered = 0
    for i in range(first, first + count):
        if time.time() >= deadline:
            break
        qid = struct.unpack("!H", os.urandom(2))[0]
        s.send(make_query(qid, many_name(i)))
        end = min(deadline, time.time() + 1.0)
        try:
            while True:
                s.settimeout(max(0.01, end - time.time()))
                b = s.recv(65536)
                if len(b) >= 2 and struct.unpack("!H", b[:2])[0] == qid:
                    if not addrs_of(b).startswith(("noaddress", "unreadable")):
                        answered += 1
                    break
        except socket.timeout:
            pass
    print("answered %d of %d in %.1f s" % (answered, count, time.time() - t0))


def resolve_a(server, name, timeout=2.0):
    s = socket.socket(family(server), socket.SOCK_DGRAM)
    s.settimeout(timeout)
    s.connect((server, 53))
    qid = struct.unpack("!H", os.urandom(2))[0]
    s.send(make_query(qid, name))
    while True:
        b = s.recv(65536)
        if struct.unpack("!H", b[:2])[0] == qid:
            return [v for t, v in parse(b)[2] if t == "A"]


def echo_client(argv):
    server, name, port, interval, duration = argv[0], argv[1], int(argv[2]), float(argv[3]), float(argv[4])
    try:
        addrs = resolve_a(server, name)
    except OSError as e:
        print("no answer: %s" % e)
        return
    if not addrs:
        print("no address")
        return
    c = socket.create_connection((addrs[0], port), timeout=3)
    print("connected %s" % addrs[0], flush=True)
    sent = echoed = 0
    end = time.time() + duration
    f = c.makefile("rb")
    c.settimeout(3)
    while time.time() < end:
        line = b"line %d\n" % sent
        try:
            c.sendall(line)
            sent += 1
            if f.readline() == line:
                echoed += 1
        except OSError:
            pass
        time.sleep(interval)
    print("echoed %d of %d" % (echoed, sent), flush=True)


def connect(argv):
    addr, port, timeout = argv[0], int(argv[1]), float(argv[2])
    try:
        socket.create_connection((addr, port), timeout=timeout).close()
        print("connected")
    except socket.timeout:
        print("timeout")
    except ConnectionRefusedError:
        print("refused")
    except OSError as e:
        print("error %s" % e.strerror)


def main():
    cmds = {
        "query": query, "wait-query": wait_query, "listen": listen,
        "forge": forge, "many": many,
        "echo-client": echo_client, "connect": connect,
    }
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    cmds[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
