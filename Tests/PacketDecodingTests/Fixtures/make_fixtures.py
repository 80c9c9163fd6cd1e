#!/usr/bin/env python3
"""Fixture helper for make-fixtures.sh (standard library only).

  serve V4 V6    TCP (port 8080) and UDP (port 9999) peers in the server namespace.
  client V4 V6   one TCP exchange and one UDP exchange per address family.
  inject-vlan IF / inject-qinq IF
                 send tagged frames on IF through a packet socket (no 8021q module is needed).
  craft          writes the crafted pcaps: link types the veth pair cannot produce, IPv6 extension
                 header chains, reordered / duplicated / overlapping IP fragments, LLC/SNAP framing.

Crafted packets carry correct IPv4 header and UDP/TCP/ICMP checksums so that tshark shows them clean.
"""
import socket
import struct
import sys
import threading

# ---------------------------------------------------------------- real sockets


def serve(v4, v6):
    def tcp_loop(family, addr):
        s = socket.socket(family, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((addr, 8080))
        s.listen(4)
        while True:
            c, _ = s.accept()
            data = b""
            while not data.endswith(b"\n"):
                chunk = c.recv(4096)
                if not chunk:
                    break
                data += chunk
            c.sendall(b"HTTP/1.0 200 OK\r\n\r\n" + b"w" * 200)
            c.close()

    def udp_loop(family, addr):
        s = socket.socket(family, socket.SOCK_DGRAM)
        s.bind((addr, 9999))
        while True:
            data, peer = s.recvfrom(4096)
            s.sendto(b"echo:" + data, peer)

    threads = [
        threading.Thread(target=tcp_loop, args=(socket.AF_INET, v4), daemon=True),
        threading.Thread(target=tcp_loop, args=(socket.AF_INET6, v6), daemon=True),
        threading.Thread(target=udp_loop, args=(socket.AF_INET, v4), daemon=True),
        threading.Thread(target=udp_loop, args=(socket.AF_INET6, v6), daemon=True),
    ]
    for t in threads:
        t.start()
    threading.Event().wait()


def client(v4, v6):
    for family, addr in ((socket.AF_INET, v4), (socket.AF_INET6, v6)):
        c = socket.create_connection((addr, 8080))
        c.sendall(b"GET /wirebeat HTTP/1.0 " + b"q" * 200 + b"\n")
        while c.recv(4096):
            pass
        c.close()
        u = socket.socket(family, socket.SOCK_DGRAM)
        u.settimeout(2)
        u.sendto(b"wirebeat-udp", (addr, 9999))
        u.recvfrom(4096)
        u.close()


# ---------------------------------------------------------------- crafting


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def a4(text):
    return socket.inet_pton(socket.AF_INET, text)


def a6(text):
    return socket.inet_pton(socket.AF_INET6, text)


def ipv4(src, dst, proto, payload, ident=1, flags_off=0, ttl=64, options=b"", total=None):
    ihl = 5 + len(options) // 4
    length = total if total is not None else 4 * ihl + len(payload)
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, length, ident, flags_off, ttl, proto, 0, a4(src), a4(dst))
    hdr += options
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def ipv6(src, dst, nh, payload, hlim=64):
    return struct.pack("!IHBB16s16s", 0x60000000, len(payload), nh, hlim, a6(src), a6(dst)) + payload


def pseudo4(src, dst, proto, length):
    return a4(src) + a4(dst) + struct.pack("!BBH", 0, proto, length)


def pseudo6(src, dst, proto, length):
    return a6(src) + a6(dst) + struct.pack("!IxxxB", length, proto)


def udp(sport, dport, data, pseudo):
    seg = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    c = csum(pseudo(17, len(seg)) + seg) or 0xFFFF
    return seg[:6] + struct.pack("!H", c) + seg[8:]


def tcp(sport, dport, seq, ack, flags, options, data, pseudo, window=65535):
    off = (20 + len(options)) // 4
    seg = struct.pack("!HHIIHHHH", sport, dport, seq, ack, (off << 12) | flags, window, 0, 0) + options + data
    c = csum(pseudo(6, len(seg)) + seg)
    return seg[:16] + struct.pack("!H", c) + seg[18:]


def icmp4(typ, code, ident, seq, data):
    msg = struct.pack("!BBHHH", typ, code, 0, ident, seq) + data
    return msg[:2] + struct.pack("!H", csum(msg)) + msg[4:]


def icmp6(typ, code, ident, seq, data, src, dst):
    msg = struct.pack("!BBHHH", typ, code, 0, ident, seq) + data
    c = csum(pseudo6(src, dst, 58, len(msg)) + msg)
    return msg[:2] + struct.pack("!H", c) + msg[4:]


def ext(nh, body):
    """Generic extension header (RFC 8200 section 4.8): body padded to 8n+6 bytes."""
    pad = (-(len(body) + 2)) % 8
    if pad == 1:
        body += b"\x00"  # Pad1
    elif pad:
        body += bytes([1, pad - 2]) + b"\0" * (pad - 2)  # PadN
    return bytes([nh, (len(body) + 2) // 8 - 1]) + body


def frag6(nh, offset, more, ident):
    return struct.pack("!BBHI", nh, 0, offset | (1 if more else 0), ident)


MAC_A = bytes.fromhex("02000000000a")
MAC_B = bytes.fromhex("02000000000b")


def eth(payload, etype):
    return MAC_B + MAC_A + struct.pack("!H", etype) + payload


def write_pcap(name, linktype, frames, base=1700000000):
    with open(name, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, linktype))
        for i, frame in enumerate(frames):
            f.write(struct.pack("<IIII", base + i, 1000 * i, len(frame), len(frame)))
            f.write(frame)


def inject(ifname, frames):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((ifname, 0))
    for frame in frames:
        s.send(frame)
    s.close()


def inject_vlan(ifname):
    src, dst = "10.99.100.1", "10.99.100.2"
    ping = ipv4(src, dst, 1, icmp4(8, 0, 0x0100, 1, b"vlan-100"), ident=0x1001)
    inject(ifname, [MAC_B + MAC_A + struct.pack("!HHH", 0x8100, 100, 0x0800) + ping])


def inject_qinq(ifname):
    src, dst = "10.99.230.1", "10.99.230.2"
    dgram = ipv4(src, dst, 17, udp(7000, 7001, b"qinq-200-300", lambda p, n: pseudo4(src, dst, p, n)), ident=0x2002)
    # 802.1ad service tag 200 (PCP 3) outside an 802.1Q customer tag 300.
    tags = struct.pack("!HHHH", 0x88A8, (3 << 13) | 200, 0x8100, 300)
    inject(ifname, [MAC_B + MAC_A + tags + struct.pack("!H", 0x0800) + dgram])


def craft():
    s4, d4 = "192.0.2.1", "192.0.2.2"
    s6, d6 = "2001:db8::1", "2001:db8::2"
    p4 = lambda proto, n: pseudo4(s4, d4, proto, n)  # noqa: E731
    p6 = lambda proto, n: pseudo6(s6, d6, proto, n)  # noqa: E731
    udp4 = ipv4(s4, d4, 17, udp(41111, 42222, b"raw-v4", p4))
    udp6 = ipv6(s6, d6, 17, udp(43333, 44444, b"raw-v6", p6))
    syn_opts = bytes.fromhex("020405b4") + b"\x04\x02" + bytes.fromhex("080a0000000100000000") + b"\x01" + bytes.fromhex("030307")
    syn4 = ipv4(s4, d4, 6, tcp(40000, 80, 1000, 0, 0x002, syn_opts, b"", p4))

    write_pcap("raw.pcap", 101, [udp4, udp6])
    write_pcap("linktype-ipv4.pcap", 228, [ipv4(s4, d4, 1, icmp4(8, 0, 0x1234, 1, b"ping-v4"))])
    write_pcap("linktype-ipv6.pcap", 229, [ipv6(s6, d6, 58, icmp6(128, 0, 0x4321, 1, b"ping-v6", s6, d6))])
    write_pcap("null-le.pcap", 0, [struct.pack("<I", 2) + udp4, struct.pack("<I", 30) + udp6, struct.pack("<I", 7) + b"\0" * 20])
    write_pcap("null-be.pcap", 0, [struct.pack(">I", 2) + udp4, struct.pack(">I", 24) + udp6])
    write_pcap("loop.pcap", 108, [struct.pack(">I", 2) + syn4, struct.pack(">I", 24) + udp6])

    # IPv6 extension header chains, one packet each (see README.md for the list).
    u = lambda data: udp(45000, 45053, data, p6)  # noqa: E731
    hbh = b"\x05\x02\x00\x00"  # router alert option, value 0
    routing = bytes([2, 1]) + b"\0\0\0\0" + a6("2001:db8::99")  # type 2 routing header, segments left 1
    dstopt = b""
    ah_body = struct.pack("!HII", 0, 0x1000, 1) + b"\xaa" * 12  # reserved, SPI, sequence, 96-bit ICV
    ah = bytes([17, (len(ah_body) + 2) // 4 - 2]) + ah_body
    mobility = ext(59, bytes([0, 0, 0, 0]))  # MH type 0 (binding refresh request), checksum 0
    chains = [
        ipv6(s6, d6, 0, ext(17, hbh) + u(b"hbh")),
        ipv6(s6, d6, 0, ext(43, hbh) + ext(60, routing) + ext(6, dstopt) + tcp(40001, 443, 7, 0, 0x002, b"", b"", p6)),
        ipv6(s6, d6, 51, ah + u(b"ah")),
        ipv6(s6, d6, 60, ext(135, dstopt) + mobility),
        ipv6(s6, d6, 139, ext(59, b"\0" * 14)),
        ipv6(s6, d6, 140, ext(17, b"") + u(b"shim6")),
        ipv6(s6, d6, 253, ext(254, b"") + ext(17, b"") + u(b"experimental")),
        ipv6(s6, d6, 50, struct.pack("!II", 0x2000, 5) + b"\x5a" * 24),
        ipv6(s6, d6, 59, b""),
        ipv6(s6, d6, 44, frag6(17, 0, False, 0x77) + u(b"atomic")),
    ]
    write_pcap("ipv6-ext.pcap", 1, [eth(c, 0x86DD) for c in chains])

    # IPv4 fragments: datagram 0x0101 out of order with a duplicate; datagram 0x0202 overlapping.
    data = bytes(range(256)) * 8  # 2048 bytes
    dgram = udp(5000, 5001, data, p4)  # 2056 bytes
    pieces = [(0, dgram[0:808], True), (808, dgram[808:1616], True), (1616, dgram[1616:], False)]
    f = {i: ipv4(s4, d4, 17, chunk, ident=0x0101, flags_off=(0x2000 if more else 0) | (off // 8))
         for i, (off, chunk, more) in enumerate(pieces)}
    small = udp(6000, 6001, b"A" * 32, p4)  # 40 bytes, sent as [0,24) [16,40): bytes 16..24 overlap
    over1 = ipv4(s4, d4, 17, small[0:24], ident=0x0202, flags_off=0x2000)
    over2 = ipv4(s4, d4, 17, small[16:24].replace(b"A", b"Z") + small[24:], ident=0x0202, flags_off=2)
    write_pcap("ipv4-frag.pcap", 1, [eth(x, 0x0800) for x in (f[1], f[2], f[1], f[0], over1, over2)])

    # IPv6 fragments: datagram 0x99 arriving last-first; datagram 0x98 overlapping (dropped, RFC 5722).
    dgram6 = udp(5000, 5001, data[:1500], p6)  # 1508 bytes
    g0 = ipv6(s6, d6, 44, frag6(17, 0, True, 0x99) + dgram6[:1000])
    g1 = ipv6(s6, d6, 44, frag6(17, 1000, False, 0x99) + dgram6[1000:])
    h0 = ipv6(s6, d6, 44, frag6(17, 0, True, 0x98) + dgram6[:1000])
    h1 = ipv6(s6, d6, 44, frag6(17, 992, False, 0x98) + dgram6[992:])
    write_pcap("ipv6-frag.pcap", 1, [eth(x, 0x86DD) for x in (g1, g0, h0, h1)])

    # 802.3 frames: LLC/SNAP carrying IPv4 (RFC 1042), and an STP BPDU (LLC, not SNAP).
    snap = b"\xaa\xaa\x03\x00\x00\x00\x08\x00" + udp4
    stp = b"\x42\x42\x03" + b"\0" * 35
    write_pcap("llc-snap.pcap", 1, [
        bytes.fromhex("0180c2000000") + MAC_A + struct.pack("!H", len(snap)) + snap,
        bytes.fromhex("0180c2000000") + MAC_A + struct.pack("!H", len(stp)) + stp,
    ])


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "serve":
        serve(sys.argv[2], sys.argv[3])
    elif cmd == "client":
        client(sys.argv[2], sys.argv[3])
    elif cmd == "inject-vlan":
        inject_vlan(sys.argv[2])
    elif cmd == "inject-qinq":
        inject_qinq(sys.argv[2])
    elif cmd == "craft":
        craft()
    else:
        sys.exit("usage: make_fixtures.py serve|client|craft")
