#!/usr/bin/env python3
"""Writes a large synthetic pcap for benchmarks: Ethernet/IPv4 TCP and UDP packets (and a share of IPv6)
spread over many flows, with realistic sizes (ACKs, small requests, full-size data) and timestamps GAP µs
apart (default 10). Standard library only.

Usage: gen-bench-pcap.py OUT PACKETS FLOWS [BURST] [cover] [GAP]

BURST is the mean number of consecutive packets of one flow (1 = every packet from a random flow, the
worst case for any flow table; real TCP traffic arrives in bursts of a window's worth of segments).
With `cover`, the first FLOWS bursts visit every flow once, in order, so that each flow has at least one
packet (and a flow event) when PACKETS is at least FLOWS times the burst; the rest are drawn at random.
"""
import random
import struct
import sys


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def main():
    out, packets, flows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    burst = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    cover = len(sys.argv) > 5 and sys.argv[5] == "cover"
    gap = int(sys.argv[6]) if len(sys.argv) > 6 else 10
    rnd = random.Random(42)
    eth_v4 = bytes.fromhex("0200000000020200000000010800")
    eth_v6 = bytes.fromhex("02000000000202000000000186dd")
    sizes = [0, 0, 0, 120, 400, 1448, 1448, 1448]
    payload = bytes(rnd.getrandbits(8) for _ in range(1500))
    flow_table = []
    for i in range(flows):
        v6 = i % 10 == 9
        tcp = i % 4 != 3
        a, b = 0x0A000000 + rnd.randrange(1, 1 << 20), 0xC0A80000 + rnd.randrange(1, 1 << 12)
        flow_table.append((v6, tcp, a, b, rnd.randrange(1024, 65535), 443 if tcp else 53))
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        ts = 1_700_000_000_000_000
        seqs = {}
        left = 0
        bursts = 0
        for n in range(packets):
            if left == 0:
                k = bursts if cover and bursts < flows else rnd.randrange(flows)
                bursts += 1
                left = rnd.randrange(1, 2 * burst) if burst > 1 else 1
                data_forward = rnd.random() < 0.5
            left -= 1
            v6, tcp, a, b, sport, dport = flow_table[k]
            # Within a burst, data flows one way with an ACK back every other segment.
            forward = data_forward if (burst == 1 or n % 2 == 0) else not data_forward
            if burst == 1:
                forward = rnd.random() < 0.5
            size = sizes[rnd.randrange(len(sizes))]
            if not tcp:
                size = min(size, 512)
            body = payload[:size]
            if tcp:
                seq = seqs.get((k, forward), rnd.getrandbits(32))
                seqs[(k, forward)] = (seq + size) & 0xFFFFFFFF
                l4 = struct.pack("!HHIIBBHHH", sport if forward else dport, dport if forward else sport, seq, 0,
                                 5 << 4, 0x18 if size else 0x10, 502, 0, 0) + body
                proto = 6
            else:
                l4 = struct.pack("!HHHH", sport if forward else dport, dport if forward else sport, 8 + size, 0) + body
                proto = 17
            src, dst = (a, b) if forward else (b, a)
            if v6:
                ip = struct.pack("!IHBB", 6 << 28, len(l4), proto, 64) + struct.pack("!QQ", 0x20010DB8 << 32, src) \
                    + struct.pack("!QQ", 0x20010DB8 << 32, dst)
                frame = eth_v6 + ip + l4
            else:
                hdr = struct.pack("!BBHHHBBHII", 0x45, 0, 20 + len(l4), n & 0xFFFF, 0x4000, 64, proto, 0, src, dst)
                hdr = hdr[:10] + struct.pack("!H", checksum(hdr)) + hdr[12:]
                frame = eth_v4 + hdr + l4
            ts += gap
            f.write(struct.pack("<IIII", ts // 1_000_000, ts % 1_000_000, len(frame), len(frame)))
            f.write(frame)


if __name__ == "__main__":
    main()
