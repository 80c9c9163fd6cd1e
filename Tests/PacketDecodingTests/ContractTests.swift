// The decoder's outward contract: anomaly names (documented in docs/ANOMALIES.md), the standard limits, the
// counters, and value semantics of a decoder that is copied while it holds fragments.

import NetModel
import PacketDecoding
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite struct ContractTests {
    @Test func anomalyNamesAreUniqueDottedAndKnown() {
        let names = DecodeAnomaly.allKnown.map(\.name)
        #expect(Set(names).count == names.count)
        #expect(names.allSatisfy { $0.hasPrefix("decode.") && !$0.contains("unknown") && !$0.contains(" ") })
        #expect(DecodeAnomaly.allKnown.count <= DecodeAnomaly.capacity)
        #expect(DecodeAnomaly.tcpBadDataOffset.name == "decode.tcp.bad_data_offset")
        #expect(DecodeAnomaly.ipv6ExtensionHeaderLoop.description == "decode.ipv6.extension_header_loop")
    }

    @Test func unknownAnomaliesSurviveAndSayWhatTheyAre() {
        let odd = DecodeAnomaly(rawValue: 200)
        #expect(odd.name == "decode.(unknown:200)")
        var counts = AnomalyCounts()
        counts[odd] += 1  // beyond the table: ignored rather than out of bounds
        #expect(counts[odd] == 0 && counts.total == 0)
    }

    @Test func everyAnomalyIsDocumented() throws {
        let file = "\(#filePath)"
        var root = file[..<file.lastIndex(of: "/")!]  // Tests/PacketDecodingTests
        root = root[..<root.lastIndex(of: "/")!]  //      Tests
        root = root[..<root.lastIndex(of: "/")!]  //      package root
        let text = try readText(String(root) + "/docs/ANOMALIES.md")
        for anomaly in DecodeAnomaly.allKnown {
            #expect(text.contains("| `\(anomaly.name)` |"), "\(anomaly.name) missing from docs/ANOMALIES.md")
        }
    }

    @Test func standardLimitsHaveTheirDocumentedValues() {
        let l = DecoderLimits.standard
        #expect(l.maxVLANTags == 8)
        #expect(l.maxIPv6ExtensionHeaders == 16)
        #expect(l.maxConcurrentReassemblies == 64)
        #expect(l.maxFragmentsPerDatagram == 128)
        #expect(l.maxReassembledIPv4Bytes == 65_535)
        #expect(l.maxReassembledIPv6Bytes == 65_575)
        #expect(l.fragmentTimeout == .seconds(30))
        #expect(l.fragmentByteBudget == 2 * 1024 * 1024)
    }

    @Test func limitsBeyondTheWireAreLoweredAndZeroCountsRaised() {
        let d = PacketDecoder(
            linkType: .ethernet,
            limits: DecoderLimits(
                maxVLANTags: 0, maxReassembledIPv4Bytes: 1 << 20, maxReassembledIPv6Bytes: 1 << 20,
                fragmentByteBudget: 10))
        #expect(d.limits.maxVLANTags == 1)
        #expect(d.limits.maxReassembledIPv4Bytes == 65_535)
        #expect(d.limits.maxReassembledIPv6Bytes == 65_575)
        #expect(d.limits.fragmentByteBudget == 65_535)
    }

    @Test func countersSplitFramesByOutcome() {
        var h = Harness()
        let good = Build.ethernet(0x0800, Build.ipv4(17, Build.udp(1, 2, ascii("x"))))
        _ = h.feed(good)
        _ = h.feed(Array(good.prefix(20)), wire: good.count)
        _ = h.feed(Array(good.prefix(good.count - 1)), wire: good.count)
        _ = h.feed(Build.ethernet(0x0806, [UInt8](repeating: 0, count: 28)))
        _ = h.feed(Build.ethernet(0x0800, Build.ipv4(17, Build.udp(1, 2, [], length: 3))))
        let c = h.decoder.counters
        #expect(c.frames == 5)
        #expect(c.truncated == 1 && c.payloadTruncated == 1 && c.nonIP == 1 && c.malformed == 1)
        #expect(c.anomalies[.udpBadLength] == 1 && c.anomalies.total == 1)
        #expect(c.anomalies.byName.map(\.name) == ["decode.udp.bad_length"])
    }

    @Test func aCopiedDecoderReassemblesIndependently() {
        let datagram = Build.udp(7, 8, [UInt8](repeating: 0x11, count: 100))
        let first = Build.ethernet(0x0800, Build.ipv4(17, Array(datagram[0..<56]), id: 4, flagsAndOffset: 0x2000))
        let last = Build.ethernet(0x0800, Build.ipv4(17, Array(datagram[56...]), id: 4, flagsAndOffset: 7))
        var original = Harness()
        _ = original.feed(first)
        var copy = original
        let fromCopy = copy.feed(last)
        #expect(fromCopy.status == .decoded && fromCopy.payload == [UInt8](repeating: 0x11, count: 100))
        #expect(copy.decoder.pendingReassemblies == 0)
        #expect(original.decoder.pendingReassemblies == 1)
        let fromOriginal = original.feed(last)
        #expect(fromOriginal.status == .decoded && fromOriginal.payload == fromCopy.payload)
    }
}

/// Reads a whole text file with libc (the tests do not import Foundation).
private func readText(_ path: String) throws -> String {
    guard let f = fopen(path, "r") else { throw FixtureError(message: "cannot open \(path)") }
    defer { fclose(f) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = fread(&buffer, 1, buffer.count, f)
        if n <= 0 { break }
        bytes += buffer[0..<n]
    }
    return String(decoding: bytes, as: UTF8.self)
}
