// Snapshot-length cuts: a cut header makes the frame unusable (`.truncated`); a cut payload still decodes with
// `truncated` set. Then every prefix of real packets, which must only ever move from the first to the second.

import NetModel
import PacketDecoding
import Testing

@Suite struct TruncationTests {
    /// `frame` cut to `keep` bytes, with its original wire length.
    private func cut(_ frame: [UInt8], _ keep: Int, link: LinkType = .ethernet) -> Decoded {
        var h = Harness(link)
        return h.feed(Array(frame.prefix(keep)), wire: frame.count)
    }

    @Test(arguments: [
        (LinkType.ethernet, 13), (.linuxSLL, 15), (.linuxSLL2, 19), (.null, 3), (.loop, 2), (.raw, 0),
    ])
    func cutLinkHeadersAreTruncated(link: LinkType, keep: Int) {
        let frame = [UInt8](repeating: 0x08, count: 64)
        let d = cut(frame, keep, link: link)
        #expect(d.status == .truncated)
    }

    @Test func cutVLANTagIsTruncated() {
        let frame = Build.ethernet(0x8100, [0, 100] + be16(0x0800) + Build.ipv4(17, Build.udp(1, 2, [])))
        #expect(cut(frame, 16).status == .truncated)
    }

    @Test func cutIPv4HeaderAndOptionsAreTruncated() {
        let frame = Build.ethernet(0x0800, Build.ipv4(17, Build.udp(1, 2, ascii("x")), options: [1, 1, 1, 0]))
        #expect(cut(frame, 14 + 19).status == .truncated)
        #expect(cut(frame, 14 + 22).status == .truncated)  // options cut
    }

    @Test func cutIPv6HeaderIsTruncated() {
        let frame = Build.ethernet(0x86dd, Build.ipv6(17, Build.udp(1, 2, ascii("x"))))
        #expect(cut(frame, 14 + 39).status == .truncated)
    }

    @Test func cutTransportHeadersAreTruncated() {
        let tcp = Build.ethernet(0x0800, Build.ipv4(6, Build.tcp(1, 2, options: [2, 4, 5, 0xb4], ascii("data"))))
        #expect(cut(tcp, 14 + 20 + 19).status == .truncated)  // fixed header cut
        #expect(cut(tcp, 14 + 20 + 22).status == .truncated)  // options cut
        let udp = Build.ethernet(0x0800, Build.ipv4(17, Build.udp(1, 2, ascii("data"))))
        #expect(cut(udp, 14 + 20 + 7).status == .truncated)
        let icmp = Build.ethernet(0x86dd, Build.ipv6(58, Build.icmp(type: 128, id: 1, ascii("data"))))
        #expect(cut(icmp, 14 + 40 + 7).status == .truncated)
    }

    @Test func cutPayloadDecodesWithWhatIsThere() {
        let frame = Build.ethernet(0x0800, Build.ipv4(6, Build.tcp(40000, 80, seq: 77, ascii("0123456789"))))
        var h = Harness()
        let d = h.feed(Array(frame.prefix(14 + 20 + 20 + 4)), wire: frame.count)
        #expect(d.status == .decoded)
        #expect(d.packet.truncated)
        #expect(d.packet.tcp.seq == 77)
        #expect(d.payload == ascii("0123"))
        #expect(d.packet.wireLength == frame.count && d.packet.capturedLength == 58)
        #expect(h.decoder.counters.payloadTruncated == 1)
        #expect(h.decoder.counters.truncated == 0)
    }

    @Test func cutFramesCountedOnceAsTruncated() {
        var h = Harness()
        let frame = Build.ethernet(0x0800, Build.ipv4(17, Build.udp(1, 2, [])))
        _ = h.feed(Array(frame.prefix(20)), wire: frame.count)
        #expect(h.decoder.counters.truncated == 1)
        #expect(h.decoder.counters.malformed == 0)
        #expect(h.decoder.counters.frames == 1)
    }

    /// Fixture frames whose every prefix is decoded: statuses must go from `.truncated` to usable and
    /// never be malformed, and a decoded prefix's payload must be a prefix of the whole frame's payload.
    @Test(arguments: [
        "eth-tcp-udp.pcap", "eth-ping.pcap", "qinq-udp.pcap", "sll-ping.pcap", "sll2-ping.pcap", "ipv6-ext.pcap",
        "null-le.pcap", "loop.pcap", "raw.pcap", "llc-snap.pcap", "eth-ping6-frag.pcap",
    ])
    func everyPrefixOfEveryFrameDecodesSensibly(file: String) throws {
        let (link, frames) = try Fixture.read(file)
        for frame in frames {
            var whole = Harness(link)
            let full = whole.feed(frame.bytes, wire: frame.wireLength)
            var sawUsable = false
            for keep in 0...frame.bytes.count {
                var h = Harness(link)
                let d = h.feed(Array(frame.bytes.prefix(keep)), wire: frame.wireLength)
                switch d.status {
                case .truncated:
                    #expect(!sawUsable, "\(file): usable at a shorter prefix, truncated at \(keep)")
                case .decoded:
                    sawUsable = true
                    #expect(full.status == .decoded)
                    #expect(full.payload.starts(with: d.payload))
                    #expect(d.packet.truncated == (keep < frame.wireLength && d.packet.transport != .none))
                case .fragmentHeld:
                    sawUsable = true
                    #expect(full.status == .fragmentHeld)
                default:
                    Issue.record("\(file): prefix \(keep) of \(frame.bytes.count) gave \(d.status)")
                }
            }
            #expect(sawUsable)
        }
    }
}
