// Randomised robustness: 20,000 mutated frames from a fixed seed, over every link type, must decode without
// crashing, reading out of bounds or hanging, and every frame must land in exactly one counter.

import NetModel
import PacketDecoding
import Testing
import TestSupport


/// Values that sit on the edges of the fields they land in.
private let interesting: [UInt8] = [
    0x00, 0x01, 0x02, 0x05, 0x06, 0x07, 0x08, 0x11, 0x20, 0x2c, 0x3a, 0x3b, 0x40, 0x45,
    0x46, 0x4f, 0x60, 0x7f, 0x80, 0x81, 0x86, 0x88, 0xa8, 0xdd, 0xfe, 0xff,
]

/// A corpus of well-formed frames per link type: fixtures plus built frames with fragments and extensions.
private func corpus() throws -> [(LinkType, [UInt8])] {
    var out: [(LinkType, [UInt8])] = []
    for file in [
        "eth-tcp-udp.pcap", "eth-ping.pcap", "eth-ping-frag.pcap", "eth-ping6-frag.pcap", "qinq-udp.pcap",
        "sll-ping.pcap", "sll2-ping.pcap", "ipv6-ext.pcap", "ipv4-frag.pcap", "ipv6-frag.pcap", "null-le.pcap",
        "null-be.pcap", "loop.pcap", "raw.pcap", "linktype-ipv4.pcap", "linktype-ipv6.pcap", "llc-snap.pcap",
    ] {
        let (link, frames) = try Fixture.read(file)
        // Cut to 600 bytes: the mutations aim at headers, and short frames keep the run fast.
        out += frames.map { (link, Array($0.bytes.prefix(600))) }
    }
    for i in 0..<8 {
        let off = UInt16(i)
        out.append(
            (
                .ethernet,
                Build.ethernet(
                    0x0800, Build.ipv4(17, [UInt8](repeating: 9, count: 16), id: 5, flagsAndOffset: 0x2000 | off * 2))
            ))
        out.append(
            (
                .ethernet,
                Build.ethernet(
                    0x86dd,
                    Build.ipv6(
                        44, Build.fragment6(6, offset: i * 16, more: i < 7, id: 5) + [UInt8](repeating: 7, count: 16)))
            ))
    }
    return out
}

@Suite struct MutationTests {
    @Test(.timeLimit(.minutes(5)))
    func twentyThousandMutatedFramesNeitherCrashNorHang() throws {
        let seeds = try corpus()
        var rng = SeededGenerator(seed: 0x5eed_0f_decade)
        // Small limits so the fragment table's eviction and limit paths run often.
        let limits = DecoderLimits(
            maxVLANTags: 3, maxIPv6ExtensionHeaders: 4, maxConcurrentReassemblies: 4, maxFragmentsPerDatagram: 6,
            fragmentTimeout: .seconds(2))
        let links: [LinkType] = [.ethernet, .linuxSLL, .linuxSLL2, .raw, .ipv4, .ipv6, .null, .loop]
        var harnesses = links.map { Harness($0, limits: limits) }
        var outcomes = [Int](repeating: 0, count: links.count)

        for n in 0..<20_000 {
            let (link, seed) = seeds[rng.below(seeds.count)]
            var frame = seed
            for _ in 0...rng.below(4) {
                switch rng.below(6) {
                case 0 where !frame.isEmpty:  // flip bits in a header byte
                    frame[rng.below(min(frame.count, 96))] ^= UInt8(truncatingIfNeeded: rng.next() | 1)
                case 1 where !frame.isEmpty:  // an edge value anywhere
                    frame[rng.below(frame.count)] = interesting[rng.below(interesting.count)]
                case 2:  // cut short
                    frame = Array(frame.prefix(rng.below(frame.count + 1)))
                case 3:  // random tail
                    frame += (0..<rng.below(64)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                case 4 where frame.count > 4:  // a random 16-bit length field
                    let at = rng.below(min(frame.count - 1, 80))
                    frame[at] = UInt8(truncatingIfNeeded: rng.next())
                    frame[at + 1] = UInt8(truncatingIfNeeded: rng.next())
                default:  // read the frame as another link type
                    break
                }
            }
            let index = rng.below(4) == 0 ? rng.below(links.count) : links.firstIndex(of: link) ?? 0
            let wire = frame.count + (rng.below(3) == 0 ? rng.below(2000) : 0)
            let d = harnesses[index].feed(frame, wire: wire, seconds: Int64(n / 500))
            outcomes[index] += 1
            #expect(d.packet.capturedLength == frame.count)
            #expect(d.payload.count <= 65_535)
            if d.status != .decoded { #expect(d.payload.isEmpty || d.status == .fragmentHeld) }
            #expect(harnesses[index].decoder.pendingReassemblies <= 4)
            if n % 1000 == 999 {
                for i in harnesses.indices {
                    harnesses[i].decoder.expireFragments(now: Timestamp(seconds: Int64(n / 500), nanoseconds: 0))
                }
            }
        }

        for (i, h) in harnesses.enumerated() {
            let c = h.decoder.counters
            #expect(c.frames == outcomes[i])
            #expect(c.anomalies.total >= c.malformed)
        }
        #expect(outcomes.reduce(0, +) == 20_000)
        // The corpus really exercised the failure paths.
        let all = harnesses.map(\.decoder.counters)
        #expect(all.map(\.malformed).reduce(0, +) > 100)
        #expect(all.map(\.truncated).reduce(0, +) > 100)
        #expect(all.map(\.datagramsReassembled).reduce(0, +) > 0)
    }
}
