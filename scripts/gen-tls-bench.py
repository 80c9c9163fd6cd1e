#!/usr/bin/env python3
"""Writes a large TLS capture for benchmarks: the TCP connections of real handshake captures (the TLS
fixtures), replayed many times with fresh client addresses and ports, 64 connections in flight at once. Each
connection carries bulk application data (TLS application-data records in full-size segments, three of four
toward the client) after its handshake and before its teardown (alerts, FIN, RST), in sequence: the bulk segments continue each
direction's sequence numbers and acknowledge the other's, and the template's later segments (alerts, FIN,
RST) are shifted past them, so every tool sees one ordinary connection. Standard library only; Ethernet/IPv4
input captures only.

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


def tcp_fields(frame):
    """(seq, ack, flags, payload length) of an Ethernet/IPv4/TCP frame."""
    ip, ihl, tcp = tcp_frames(frame)
    total = struct.unpack("!H", frame[ip + 2:ip + 4])[0]
    data_offset = (frame[tcp + 12] >> 4) * 4
    seq, ack = struct.unpack("!II", frame[tcp + 4:tcp + 12])
    return seq, ack, frame[tcp + 13], total - ihl - data_offset


FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10


def shifted(frame, seq_delta, ack_delta):
    """The frame with its sequence number moved by `seq_delta` and, if it acknowledges, its ack by `ack_delta`."""
    fr = bytearray(frame)
    _, _, tcp = tcp_frames(frame)
    seq, ack, flags, _ = tcp_fields(frame)
    fr[tcp + 4:tcp + 8] = struct.pack("!I", (seq + seq_delta) % 2**32)
    if flags & ACK:
        fr[tcp + 8:tcp + 12] = struct.pack("!I", (ack + ack_delta) % 2**32)
    return bytes(fr)


def bulk_frame(template, seq, ack, length):
    """A full-size TLS application-data segment with the addresses of `template`, at `seq`, acknowledging `ack`."""
    fr = bytearray(template[:54])
    ip, _, tcp = tcp_frames(bytes(fr))
    fr[14] = 0x45
    fr[ip + 2:ip + 4] = struct.pack("!H", 20 + 20 + length)
    fr[tcp + 4:tcp + 12] = struct.pack("!II", seq % 2**32, ack % 2**32)
    fr[tcp + 12] = 5 << 4
    fr[tcp + 13] = PSH | ACK
    record = b"\x17\x03\x03" + struct.pack("!H", length - 5) + bytes(length - 5)
    return bytes(fr) + record


def with_bulk(frames, segments, length=1448):
    """A connection's (frame, from_client) list with `segments` bulk segments inserted before its teardown (its
    first TLS alert record, FIN or RST) and the frames from there on shifted past them."""
    def closes(frame):
        _, _, flags, n = tcp_fields(frame)
        return flags & (FIN | RST) or (n >= 5 and frame[len(frame) - n] == 0x15)
    cut = next((i for i, (fr, _) in enumerate(frames) if closes(fr)), len(frames))
    next_seq, last = {}, {}
    for fr, c in frames[:cut]:
        seq, _, flags, n = tcp_fields(fr)
        end = seq + n + (1 if flags & (SYN | FIN) else 0)
        if c not in next_seq or (end - next_seq[c]) % 2**32 < 2**31:
            next_seq[c] = end
        last[c] = fr
    if True not in last or False not in last:
        return frames
    sent = {True: 0, False: 0}
    bulk = []
    for i in range(segments):
        c = i % 4 == 0
        bulk.append((bulk_frame(last[c], next_seq[c] + sent[c], next_seq[not c] + sent[not c], length), c))
        sent[c] += length
    rest = [(shifted(fr, sent[c], sent[not c]), c) for fr, c in frames[cut:]]
    return frames[:cut] + bulk + rest


def main():
    out, handshakes, bulk = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    templates = []
    for path in sys.argv[4:]:
        templates += [c for c in connections(read_pcap(path)) if len(c["frames"]) >= 4]
    for t in templates:
        t["bulked"] = with_bulk(t["frames"], bulk)
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
                frames = [rewrite(fr, c, ip, port) for fr, c in t["bulked"]]
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
