// IPv4 headers: options, lengths against the frame, and the malformed cases of RFC 791 section 3.1.

import NetModel
import PacketDecoding
import Testing

@Suite struct IPv4Tests {
    @Test func headerOptionsAreSkippedToReachTheTransport() {
        let frame: [UInt8] = Build.ethernet(
            0x0800,
            [
                0x46, 0x00, 0x00, 0x24,  // version 4, IHL 6 (24-byte header), total length 36
                0x12, 0x34, 0x00, 0x00,  // id 0x1234
                0x05, 0x11, 0x00, 0x00,  // TTL 5, UDP
                0xc0, 0x00, 0x02, 0x01,  // 192.0.2.1
                0xc0, 0x00, 0x02, 0x02,  // 192.0.2.2
                0x94, 0x04, 0x00, 0x00,  // option: router alert (RFC 2113)
            ] + Build.udp(53, 5353, ascii("opts")))
        var h = Harness()
        let d = h.feed(frame)
        #expect(d.status == .decoded)
        #expect(d.packet.ttl == 5)
        #expect(d.packet.srcPort == 53 && d.packet.dstPort == 5353)
        #expect(d.payload == ascii("opts"))
    }

    @Test func maximalOptionsIHL15() {
        let options = [UInt8](repeating: 1, count: 40)  // 40 bytes of NOP options
        var h = Harness()
        let d = h.feed(Build.ethernet(0x0800, Build.ipv4(17, Build.udp(1, 2, ascii("x")), options: options)))
        #expect(d.status == .decoded)
        #expect(d.payload == ascii("x"))
    }

    @Test func headerLengthBelowFiveWordsIsMalformed() {
        var ip = Build.ipv4(17, Build.udp(1, 2, []))
        ip[0] = 0x44  // IHL 4
        var h = Harness()
        #expect(h.feed(Build.ethernet(0x0800, ip)).status == .malformed(.ipv4BadHeaderLength))
        #expect(h.decoder.counters.malformed == 1)
        #expect(h.decoder.counters.anomalies[.ipv4BadHeaderLength] == 1)
    }

    @Test func totalLengthBelowTheHeaderIsMalformed() {
        var h = Harness()
        let d = h.feed(Build.ethernet(0x0800, Build.ipv4(17, Build.udp(1, 2, []), totalLength: 19)))
        #expect(d.status == .malformed(.ipv4TotalLengthTooSmall))
    }

    @Test func totalLengthBeyondTheWireLengthIsMalformed() {
        // The frame was captured whole (wire == captured) but claims 10 more bytes than it had.
        let ip = Build.ipv4(17, Build.udp(1, 2, ascii("abc")), totalLength: 41)
        var h = Harness()
        #expect(h.feed(Build.ethernet(0x0800, ip)).status == .malformed(.ipv4TotalLengthExceedsFrame))
    }

    @Test func totalLengthZeroIsTakenAsTheFrameLengthWithANote() {
        // What a capture on a host using TCP segmentation offload shows.
        let ip = Build.ipv4(6, Build.tcp(40000, 80, ascii("tso data")), totalLength: 0)
        var h = Harness()
        let d = h.feed(Build.ethernet(0x0800, ip))
        #expect(d.status == .decoded)
        #expect(d.packet.anomaly == .ipv4ZeroTotalLength)
        #expect(d.payload == ascii("tso data"))
        #expect(h.decoder.counters.anomalies[.ipv4ZeroTotalLength] == 1)
        #expect(h.decoder.counters.malformed == 0)
    }

    @Test func unknownProtocolsDecodeAsOtherWithTheIPPayload() {
        let gre: [UInt8] = [0x00, 0x00, 0x08, 0x00] + Build.ipv4(17, Build.udp(1, 2, []))
        var h = Harness()
        let d = h.feed(Build.ethernet(0x0800, Build.ipv4(47, gre)))
        #expect(d.status == .decoded)
        #expect(d.packet.transport == .other)
        #expect(d.packet.ipProtocol == 47)
        #expect(d.payload == gre)
    }

    @Test func icmpv6NumberInsideIPv4IsNotICMP() {
        var h = Harness()
        let d = h.feed(Build.ethernet(0x0800, Build.ipv4(58, Build.icmp(type: 128, id: 7))))
        #expect(d.packet.transport == .other)
        #expect(d.packet.icmpID == 0)
    }
}
