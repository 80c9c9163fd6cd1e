// IPv6 headers and every extension header the decoder walks (RFC 8200 section 4 and the RFCs of the others).

import NetModel
import PacketDecoding
import Testing

private let udpData = Build.udp(45000, 45053, ascii("ext"))

private func decode6(_ next: UInt8, _ payload: [UInt8], limits: DecoderLimits = .standard) -> (Decoded, Harness) {
    var h = Harness(.ethernet, limits: limits)
    let d = h.feed(Build.ethernet(0x86dd, Build.ipv6(next, payload)))
    return (d, h)
}

@Suite struct IPv6Tests {
    @Test func plainHeaderFields() {
        let frame: [UInt8] =
            Build.ethernet(
                0x86dd,
                [
                    0x60, 0x00, 0x00, 0x00,  // version 6, class 0, flow 0
                    0x00, 0x0b, 0x11, 0x07,  // payload length 11, next header UDP, hop limit 7
                ] + Build.v6A + Build.v6B)  // 2001:db8::1 -> 2001:db8::2
            + Build.udp(43333, 44444, ascii("v6!"))
        var h = Harness()
        let d = h.feed(frame)
        #expect(d.status == .decoded)
        #expect(d.packet.network == .ipv6)
        #expect(d.packet.src == .t("2001:db8::1"))
        #expect(d.packet.dst == .t("2001:db8::2"))
        #expect(d.packet.ttl == 7)
        #expect(d.packet.ipProtocol == 17)
        #expect(d.payload == ascii("v6!"))
    }

    @Test func hopByHopOptions() {
        let (d, _) = decode6(0, Build.ext(17, [0x05, 0x02, 0x00, 0x00]) + udpData)  // router alert
        #expect(d.status == .decoded)
        #expect(d.packet.ipProtocol == 17)
        #expect(d.payload == ascii("ext"))
        #expect(d.packet.anomaly == nil)
    }

    @Test func routingHeader() {
        let routing = Build.ext(17, [2, 1, 0, 0, 0, 0] + Build.v6B)  // type 2, segments left 1, home address
        let (d, _) = decode6(43, routing + udpData)
        #expect(d.status == .decoded && d.packet.transport == .udp)
        #expect(d.packet.dst == .t("2001:db8::2"))
    }

    @Test func destinationOptions() {
        let (d, _) = decode6(60, Build.ext(6, []) + Build.tcp(1, 2, flags: 0x002))
        #expect(d.status == .decoded && d.packet.transport == .tcp)
        #expect(d.packet.ipProtocol == 6)
    }

    @Test func atomicFragmentHeaderIsSkipped() {
        // RFC 6946: offset 0 and M clear is a whole packet.
        let (d, h) = decode6(44, Build.fragment6(17, offset: 0, more: false, id: 9) + udpData)
        #expect(d.status == .decoded)
        #expect(d.payload == ascii("ext"))
        #expect(!d.packet.reassembled)
        #expect(h.decoder.counters.fragmentsReceived == 0)
    }

    @Test func authenticationHeaderLengthIsIn4ByteUnitsPlus2() {
        // next(1) payload len 4 -> (4 + 2) * 4 = 24 bytes: reserved(2) SPI(4) sequence(4) ICV(12)
        let ah: [UInt8] = [17, 4, 0, 0] + be32(0x1000) + be32(1) + [UInt8](repeating: 0xaa, count: 12)
        let (d, _) = decode6(51, ah + udpData)
        #expect(d.status == .decoded)
        #expect(d.packet.transport == .udp)
        #expect(d.payload == ascii("ext"))
    }

    @Test func mobilityHeaderThenNoNextHeader() {
        let (d, _) = decode6(135, Build.ext(59, [0, 0, 0, 0]))
        #expect(d.status == .decoded)
        #expect(d.packet.transport == .none)
        #expect(d.packet.ipProtocol == 59)
    }

    @Test func hipHeader() {
        let (d, _) = decode6(139, Build.ext(17, [UInt8](repeating: 0, count: 14)) + udpData)
        #expect(d.status == .decoded && d.packet.transport == .udp)
    }

    @Test func shim6Header() {
        let (d, _) = decode6(140, Build.ext(17) + udpData)
        #expect(d.status == .decoded && d.packet.transport == .udp)
    }

    @Test func experimentalHeaders253And254() {
        let (d, _) = decode6(253, Build.ext(254) + Build.ext(17) + udpData)
        #expect(d.status == .decoded && d.packet.transport == .udp)
        #expect(d.payload == ascii("ext"))
    }

    @Test func espEndsDecodingAsOther() {
        let esp = be32(0x2000) + be32(5) + [UInt8](repeating: 0x5a, count: 24)  // SPI, sequence, ciphertext
        let (d, _) = decode6(60, Build.ext(50) + esp)
        #expect(d.status == .decoded)
        #expect(d.packet.transport == .other)
        #expect(d.packet.ipProtocol == 50)
        #expect(d.payload == esp)
    }

    @Test func noNextHeaderEndsWithoutTransport() {
        let (d, h) = decode6(59, [])
        #expect(d.status == .decoded)
        #expect(d.packet.network == .ipv6 && d.packet.transport == .none)
        #expect(h.decoder.counters.nonIP == 0)
    }

    @Test func chainAtTheLimitDecodesAndOneMoreIsALoop() {
        func chain(_ n: Int) -> [UInt8] {
            var bytes: [UInt8] = []
            for i in 0..<n { bytes += Build.ext(i == n - 1 ? 17 : 60) }
            return bytes + udpData
        }
        let limits = DecoderLimits(maxIPv6ExtensionHeaders: 4)
        #expect(decode6(60, chain(4), limits: limits).0.status == .decoded)
        #expect(decode6(60, chain(5), limits: limits).0.status == .malformed(.ipv6ExtensionHeaderLoop))
    }

    @Test func extensionHeaderRunningPastThePayloadIsMalformed() {
        // Hop-by-hop claims 3 * 8 + 8 = 32 bytes; the payload has 8.
        let (d, _) = decode6(0, [17, 3, 0, 0, 0, 0, 0, 0])
        #expect(d.status == .malformed(.ipv6ExtensionHeaderOverrun))
        // Not even the two-byte start fits.
        #expect(decode6(60, [17]).0.status == .malformed(.ipv6ExtensionHeaderOverrun))
    }

    @Test func extensionHeaderCutBySnaplenIsTruncated() {
        let full = Build.ethernet(0x86dd, Build.ipv6(0, Build.ext(17, [UInt8](repeating: 1, count: 20)) + udpData))
        var h = Harness()
        let d = h.feed(Array(full.prefix(14 + 40 + 10)), wire: full.count)
        #expect(d.status == .truncated)
        #expect(h.decoder.counters.truncated == 1)
    }

    @Test func hopByHopAfterAnotherHeaderIsNoted() {
        let (d, h) = decode6(60, Build.ext(0) + Build.ext(17) + udpData)
        #expect(d.status == .decoded)
        #expect(d.packet.anomaly == .ipv6MisplacedHopByHop)
        #expect(h.decoder.counters.anomalies[.ipv6MisplacedHopByHop] == 1)
    }

    @Test func payloadLengthBeyondTheWireIsMalformed() {
        var h = Harness()
        let frame = Build.ethernet(0x86dd, Build.ipv6(17, udpData, payloadLength: udpData.count + 1))
        #expect(h.feed(frame).status == .malformed(.ipv6PayloadLengthExceedsFrame))
    }

    @Test func zeroPayloadLengthTakesTheFrameWithANote() {
        var h = Harness()
        let d = h.feed(Build.ethernet(0x86dd, Build.ipv6(17, udpData, payloadLength: 0)))
        #expect(d.status == .decoded)
        #expect(d.packet.anomaly == .ipv6ZeroPayloadLength)
        #expect(d.payload == ascii("ext"))
    }

    @Test func twoRealFragmentHeadersAreNested() {
        // A reassembled payload that starts with another (non-atomic) Fragment header.
        let inner = Build.fragment6(17, offset: 8, more: false, id: 2) + udpData
        var h = Harness()
        let d = h.feed(
            Build.ethernet(0x86dd, Build.ipv6(44, Build.fragment6(44, offset: 0, more: false, id: 1) + inner)))
        // The outer header is atomic, so the walk meets the inner one in the frame: a plain fragment.
        #expect(d.status == .fragmentHeld)
        let first = Build.fragment6(44, offset: 0, more: true, id: 3) + inner.prefix(8)
        let last = Build.fragment6(44, offset: 8, more: false, id: 3) + inner.dropFirst(8)
        _ = h.feed(Build.ethernet(0x86dd, Build.ipv6(44, first)))
        #expect(h.feed(Build.ethernet(0x86dd, Build.ipv6(44, Array(last)))).status == .malformed(.ipv6NestedFragment))
    }
}
