#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A tiny authoritative DNS server for pcp's tests (python3 standard library only).

Serves TXT, A and AAAA records from a JSON zone file over UDP and TCP on a loopback address;
NXDOMAIN for names not in the zone, an empty NOERROR answer (NODATA) for a known name without
records of the asked type. Meant to run inside a test network namespace
(`bash tests/netns/netns.sh unshare -- ...`); it refuses non-loopback addresses.

Zone file: {"name.example": {"TXT": ["one string", ["two", "strings"]], "A": ["192.0.2.1"],
"AAAA": ["2001:db8::1"]}, ...}. Names are case-insensitive, a final dot is optional. A TXT
string longer than 255 bytes is split into 255-byte character-strings of one record.

Options: --drop (never answer: simulates an offline network), --delay SECONDS (answer late),
--rcode servfail|refused (answer every query with that error), --max-udp N (truncate UDP
answers above N bytes even when the client's EDNS allows more), --log FILE (one line per
query: "udp|tcp TYPE name"), --port-file FILE (written once listening; with --port 0 the kernel picks).
"""

import argparse
import ipaddress
import json
import os
import signal
import socket
import socketserver
import struct
import sys
import threading
import time

TYPES = {"A": 1, "TXT": 16, "AAAA": 28}
TYPE_NAMES = {v: k for k, v in TYPES.items()}
TYPE_OPT = 41
RCODES = {"noerror": 0, "formerr": 1, "servfail": 2, "nxdomain": 3, "notimp": 4, "refused": 5}


def norm(name):
    return name.lower().rstrip(".")


def load_zone(path):
    with open(path, encoding="utf-8") as f:
        raw = json.load(f)
    zone = {}
    for name, rrsets in raw.items():
        entry = {}
        for rtype, values in rrsets.items():
            if rtype not in TYPES:
                raise SystemExit(f"dns_server: unsupported type {rtype} for {name}")
            entry[TYPES[rtype]] = values
        zone[norm(name)] = entry
    return zone


def encode_name(name):
    out = b""
    for label in norm(name).split("."):
        if label:
            b = label.encode("ascii")
            if len(b) > 63:
                raise ValueError("label too long")
            out += bytes([len(b)]) + b
    return out + b"\x00"


def decode_name(msg, off):
    """Decode an uncompressed or compressed name; returns (text, offset after the name)."""
    labels = []
    end = None
    hops = 0
    while True:
        if off >= len(msg):
            raise ValueError("truncated name")
        n = msg[off]
        if n & 0xC0 == 0xC0:
            if off + 1 >= len(msg) or hops > 16:
                raise ValueError("bad pointer")
            if end is None:
                end = off + 2
            off = ((n & 0x3F) << 8) | msg[off + 1]
            hops += 1
            continue
        if n == 0:
            off += 1
            break
        labels.append(msg[off + 1:off + 1 + n].decode("ascii", "replace"))
        off += 1 + n
    return ".".join(labels), (end if end is not None else off)


def txt_rdata(value):
    parts = value if isinstance(value, list) else [value]
    out = b""
    for p in parts:
        b = p.encode("utf-8")
        if not b:
            out += b"\x00"
        while b:
            chunk, b = b[:255], b[255:]
            out += bytes([len(chunk)]) + chunk
    return out


def rdata(rtype, value):
    if rtype == TYPES["A"]:
        return ipaddress.IPv4Address(value).packed
    if rtype == TYPES["AAAA"]:
        return ipaddress.IPv6Address(value).packed
    return txt_rdata(value)


class Server:
    def __init__(self, args):
        self.zone = load_zone(args.zone)
        self.args = args
        self.log_lock = threading.Lock()

    def log(self, proto, qtype, qname):
        if not self.args.log:
            return
        with self.log_lock, open(self.args.log, "a", encoding="utf-8") as f:
            f.write(f"{proto} {TYPE_NAMES.get(qtype, qtype)} {norm(qname)}\n")

    def answer(self, query, udp_limit):
        """Return the response bytes, or None to stay silent."""
        if len(query) < 12:
            return None
        qid, flags, qd, _an, _ns, ar = struct.unpack("!HHHHHH", query[:12])
        if flags & 0x8000:
            return None  # a response, not a query
        opcode = (flags >> 11) & 0xF
        rd = flags & 0x0100
        try:
            if qd != 1:
                raise ValueError("one question expected")
            qname, off = decode_name(query, 12)
            qtype, qclass = struct.unpack("!HH", query[off:off + 4])
            question = query[12:off + 4]
            off += 4
            edns = None
            for _ in range(ar):  # look for an OPT record
                _, off = decode_name(query, off)
                rtype, rclass, _ttl, rdlen = struct.unpack("!HHIH", query[off:off + 10])
                off += 10 + rdlen
                if rtype == TYPE_OPT:
                    edns = max(512, rclass)
        except (ValueError, struct.error, IndexError):
            return struct.pack("!HHHHHH", qid, 0x8000 | rd | RCODES["formerr"], 0, 0, 0, 0)
        self.log("udp" if udp_limit is not None else "tcp", qtype, qname)
        if self.args.drop:
            return None
        if self.args.delay > 0:
            time.sleep(self.args.delay)
        opt = b"\x00" + struct.pack("!HHIH", TYPE_OPT, 1232, 0, 0) if edns is not None else b""
        arcount = 1 if edns is not None else 0

        def header(rcode, ancount, tc=0):
            f = 0x8000 | 0x0400 | rd | (tc << 9) | rcode  # QR, AA
            return struct.pack("!HHHHHH", qid, f, 1, ancount, 0, arcount)

        if opcode != 0 or qclass != 1:
            return header(RCODES["notimp"], 0) + question + opt
        if self.args.rcode:
            return header(RCODES[self.args.rcode], 0) + question + opt
        entry = self.zone.get(norm(qname))
        if entry is None:
            return header(RCODES["nxdomain"], 0) + question + opt
        answers = b""
        count = 0
        for value in entry.get(qtype, []):
            rd_bytes = rdata(qtype, value)
            answers += b"\xc0\x0c" + struct.pack("!HHIH", qtype, 1, 60, len(rd_bytes)) + rd_bytes
            count += 1
        msg = header(0, count) + question + answers + opt
        if udp_limit is not None:
            limit = edns if edns is not None else 512
            if self.args.max_udp:
                limit = min(limit, self.args.max_udp)
            if len(msg) > limit:
                msg = header(0, 0, tc=1) + question + opt
        return msg


class UdpHandler(socketserver.BaseRequestHandler):
    def handle(self):
        data, sock = self.request
        reply = self.server.dns.answer(data, udp_limit=True)
        if reply is not None:
            sock.sendto(reply, self.client_address)


class TcpHandler(socketserver.BaseRequestHandler):
    def handle(self):
        conn = self.request
        conn.settimeout(10)
        for _ in range(64):  # bounded number of queries per connection
            try:
                head = self._read(2)
                if head is None:
                    return
                (n,) = struct.unpack("!H", head)
                body = self._read(n)
                if body is None:
                    return
            except OSError:
                return
            reply = self.server.dns.answer(body, udp_limit=None)
            if reply is None:
                continue
            try:
                conn.sendall(struct.pack("!H", len(reply)) + reply)
            except OSError:
                return

    def _read(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.request.recv(n - len(buf))
            if not chunk:
                return None
            buf += chunk
        return buf


def make_servers(addr, port, dns):
    family = socket.AF_INET6 if ipaddress.ip_address(addr).version == 6 else socket.AF_INET

    class Udp(socketserver.ThreadingUDPServer):
        address_family = family
        daemon_threads = True
        allow_reuse_address = True

    class Tcp(socketserver.ThreadingTCPServer):
        address_family = family
        daemon_threads = True
        allow_reuse_address = True

    udp = Udp((addr, port), UdpHandler)
    port = udp.server_address[1]
    tcp = Tcp((addr, port), TcpHandler)
    udp.dns = dns
    tcp.dns = dns
    return udp, tcp, port


def main():
    ap = argparse.ArgumentParser(description="tiny authoritative DNS server for tests (loopback only)")
    ap.add_argument("--zone", required=True, help="JSON zone file")
    ap.add_argument("--addr", default="127.0.0.1", help="loopback address to listen on (default 127.0.0.1)")
    ap.add_argument("--port", type=int, default=0, help="UDP and TCP port (0: any free port)")
    ap.add_argument("--port-file", help="write the port here once listening")
    ap.add_argument("--drop", action="store_true", help="never answer (offline network)")
    ap.add_argument("--delay", type=float, default=0.0, help="answer after this many seconds")
    ap.add_argument("--rcode", choices=["servfail", "refused"], help="answer every query with this error")
    ap.add_argument("--max-udp", type=int, default=0, help="truncate UDP answers above this size")
    ap.add_argument("--log", help="append one line per query: udp|tcp TYPE name")
    ap.add_argument("--lifetime", type=float, default=600.0, help="exit after this many seconds (default 600)")
    args = ap.parse_args()

    if not ipaddress.ip_address(args.addr).is_loopback:
        raise SystemExit(f"dns_server: refusing to listen on non-loopback address {args.addr}")
    dns = Server(args)
    udp, tcp, port = make_servers(args.addr, args.port, dns)
    for srv in (udp, tcp):
        threading.Thread(target=srv.serve_forever, daemon=True).start()
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(f"{port}\n")
        os.replace(tmp, args.port_file)
    print(f"dns_server: listening on {args.addr} port {port} (udp+tcp)", file=sys.stderr, flush=True)

    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    done.wait(args.lifetime)
    udp.shutdown()
    tcp.shutdown()


if __name__ == "__main__":
    main()
