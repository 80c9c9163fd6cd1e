#!/usr/bin/env python3
"""Writes a large TLS capture for benchmarks: the TCP connections of real handshake captures (the TLS
fixtures), replayed many times with fresh client addresses and ports, 64 connections in flight at once, each
followed by bulk application data (TLS application-data records in full-size segments) both ways.
Standard library only; Ethernet/IPv4 input captures only.

Usage: gen-tls-bench.py OUT HANDSHAKES BULK_SEGMENTS TEMPLATE.pcap [TEMPLATE.pcap ...]
"""
import random
import struct
import sys


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    off, frames = 24, []
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(endian + "IIII", data[off:off + 16])
        frames.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return frames


def tcp_frames(frame):
    """(ip_header_offset, ihl, tcp_offset) for an Ethernet/IPv4/TCP frame, else None."""
    if len(frame) < 54 or frame[12:14] != b"\x08\x00" or frame[23] != 6:
        return None
    ihl = (frame[14] & 0x0F) * 4
    return 14, ihl, 14 + ihl


def connections(frames):
    """Frames grouped by TCP connection, in order, each tagged with whether the client sent it."""
    conns, order = {}, []
    for fr in frames:
        t = tcp_frames(fr)
        if not t:
            continue
        ip, _, tcp = t
        src, dst = fr[ip + 12:ip + 16], fr[ip + 16:ip + 20]
        sport, dport = fr[tcp:tcp + 2], fr[tcp + 2:tcp + 4]
        key = tuple(sorted([(src, sport), (dst, dport)]))
        if key not in conns:
            conns[key] = {"client": (src, sport), "frames": []}
            order.append(key)
        conns[key]["frames"].append((fr, (src, sport) == conns[key]["client"]))
    return [conns[k] for k in order]


def rewrite(frame, from_client, client_ip, client_port):
    fr = bytearray(frame)
    ip, _, tcp = tcp_frames(bytes(fr))
    if from_client:
        fr[ip + 12:ip + 16] = client_ip
        fr[tcp:tcp + 2] = client_port
    else:
        fr[ip + 16:ip + 20] = client_ip
        fr[tcp + 2:tcp + 4] = client_port
    return bytes(fr)


def bulk_frame(template, from_client, client_ip, client_port, length):
    """A full-size TLS application-data segment in the direction of `template`."""
    fr = bytearray(template[:54])
    ip, ihl, tcp = tcp_frames(bytes(fr))
    fr[ip + 2:ip + 4] = struct.pack("!H", 20 + 20 + length)
    fr[14] = 0x45
    fr[tcp + 12] = 5 << 4
    record = b"\x17\x03\x03" + struct.pack("!H", length - 5) + bytes(length - 5)
    return rewrite(bytes(fr[:54]) + record, from_client, client_ip, client_port)


def main():
    out, handshakes, bulk = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    templates = []
    for path in sys.argv[4:]:
        templates += [c for c in connections(read_pcap(path)) if len(c["frames"]) >= 4]
    rnd = random.Random(7)
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        ts = 1_700_000_000_000_000
        active = []
        made = 0
        while made < handshakes or active:
            while made < handshakes and len(active) < 64:
                t = templates[made % len(templates)]
                ip = struct.pack("!I", 0x0A000000 + made // 60000 * 65536 + rnd.randrange(1, 65535))
                port = struct.pack("!H", 1024 + made % 60000)
                frames = [rewrite(fr, c, ip, port) for fr, c in t["frames"]]
                server_frame = next(fr for fr, c in t["frames"] if not c)
                client_frame = next(fr for fr, c in t["frames"] if c)
                for i in range(bulk):
                    toward_client = i % 4 != 0
                    template = server_frame if toward_client else client_frame
                    frames.insert(len(frames) - 1, bulk_frame(template, not toward_client, ip, port, 1448))
                active.append(frames)
                made += 1
            i = rnd.randrange(len(active))
            frame = active[i].pop(0)
            if not active[i]:
                active.pop(i)
            ts += 5
            f.write(struct.pack("<IIII", ts // 1_000_000, ts % 1_000_000, len(frame), len(frame)))
            f.write(frame)


if __name__ == "__main__":
    main()
