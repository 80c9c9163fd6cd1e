import Glibc
import Testing
@testable import NetModel

@Suite struct IPAddressTests {
    @Test(arguments: [
        ("192.168.1.1", "192.168.1.1"),
        ("0.0.0.0", "0.0.0.0"),
        ("2001:db8::1", "2001:db8::1"),
        ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("::", "::"),
        ("::1", "::1"),
        ("fe80::", "fe80::"),
        ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
        ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
        ("::ffff:10.0.0.1", "::ffff:a00:1"),
    ])
    func parsesAndPrintsCanonicalText(input: String, canonical: String) throws {
        let ip = try #require(IPAddress(input))
        #expect(ip.description == canonical)
        #expect(IPAddress(canonical) == ip)
    }

    /// RFC 5952 text by the rule written out plainly (groups as strings, joined), against the in-place writer,
    /// on addresses with zero runs of every length at every position.
    @Test func ipv6TextMatchesTheRuleOnEveryZeroRun() {
        func reference(_ groups: [UInt16]) -> String {
            var bestStart = -1, bestLen = 0, runStart = -1
            for i in 0...8 {
                if i < 8 && groups[i] == 0 {
                    if runStart < 0 { runStart = i }
                } else if runStart >= 0 {
                    if i - runStart > bestLen && i - runStart >= 2 { (bestStart, bestLen) = (runStart, i - runStart) }
                    runStart = -1
                }
            }
            var s = "", i = 0
            while i < 8 {
                if i == bestStart { s += "::"; i += bestLen; continue }
                if !s.isEmpty && !s.hasSuffix(":") { s += ":" }
                s += String(groups[i], radix: 16)
                i += 1
            }
            return s
        }
        var state: UInt64 = 99
        for mask in 0..<256 {
            for _ in 0..<4 {
                let groups = (0..<8).map { i -> UInt16 in
                    state = state &* 6_364_136_223_846_793_005 &+ 1
                    let widths: [UInt16] = [0xf, 0xff, 0xfff, 0xffff]
                    return mask & (1 << i) == 0 ? 0 : max(1, UInt16(truncatingIfNeeded: state >> 40) & widths[Int(state >> 62)])
                }
                var high: UInt64 = 0, low: UInt64 = 0
                for i in 0..<4 {
                    high = high << 16 | UInt64(groups[i])
                    low = low << 16 | UInt64(groups[i + 4])
                }
                let ip = IPAddress(v6High: high, low: low)
                #expect(ip.description == reference(groups), "\(groups)")
                #expect(IPAddress(ip.description) == ip)
            }
        }
    }

    @Test(arguments: ["", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1::2::3", "12345::", ":1:2", "1:2:3:4:5:6:7:8:9", "g::1", "1.2.3.4:80"])
    func rejectsInvalidText(input: String) {
        #expect(IPAddress(input) == nil)
    }

    /// glibc's inet_pton as the oracle, on edge cases and on random groups written in every shape.
    @Test func parsingAgreesWithInetPton() {
        func pton(_ text: String) -> [UInt8]? {
            var v4 = in_addr()
            if !text.contains(":") { return inet_pton(AF_INET, text, &v4) == 1 ? withUnsafeBytes(of: v4) { Array($0) } : nil }
            var v6 = in6_addr()
            return inet_pton(AF_INET6, text, &v6) == 1 ? withUnsafeBytes(of: v6) { Array($0) } : nil
        }
        var cases = [
            "::", "::1", "1::", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8", "1::8", "::ffff:10.0.0.1",
            "64:ff9b::192.0.2.33", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3.4", "1:::2", ":1::", "1::2:",
            "1:2:3:4:5:6:7:8:9", "12345::", "1::2::3", "fffff::", "::ffff:1.2.3", "::1.2.3.04", "ABCD:ef01::", "a:b",
            "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", ":", ":::", "1.2.3.4", "255.255.255.255", "1.2.3.256",
        ]
        var random = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let groups = (0..<8).map { _ in String(UInt16.random(in: 0...0xffff, using: &random) >> UInt16.random(in: 0...16, using: &random), radix: 16) }
            let a = Int.random(in: 0...8, using: &random), b = Int.random(in: a...8, using: &random)
            cases.append(groups.joined(separator: ":"))
            cases.append(groups[..<a].joined(separator: ":") + "::" + groups[b...].joined(separator: ":"))
        }
        // Dotted text of every shape: numbers past 255, leading zeros, three or five parts, stray characters.
        let pieces = ["0", "1", "9", "10", "99", "100", "255", "256", "999", "1000", "00", "01", "007", "", "a", " 1"]
        for _ in 0..<300 {
            let parts = (0..<Int.random(in: 3...5, using: &random)).map { _ in pieces.randomElement(using: &random)! }
            cases.append(parts.joined(separator: "."))
        }
        for text in cases {
            #expect(IPAddress(text)?.bytes == pton(text), "\(text)")
        }
    }

    @Test func ordersIPv4BeforeIPv6AndNumerically() throws {
        let a = try #require(IPAddress("10.0.0.2")), b = try #require(IPAddress("10.0.0.10"))
        let c = try #require(IPAddress("::1"))
        #expect(a < b)
        #expect(b < c)
        #expect(!(c < a))
    }

    @Test func bytesAreNetworkOrder() throws {
        #expect(try #require(IPAddress("1.2.3.4")).bytes == [1, 2, 3, 4])
        #expect(try #require(IPAddress("2001:db8::ff")).bytes == [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [0xff])
    }
}

@Suite struct FlowKeyTests {
    @Test func bothDirectionsGiveTheSameKey() throws {
        let a = try #require(IPAddress("10.0.0.1")), b = try #require(IPAddress("10.0.0.2"))
        let fwd = FlowKey.make(src: a, srcPort: 40000, dst: b, dstPort: 443, ipProtocol: 6)
        let rev = FlowKey.make(src: b, srcPort: 443, dst: a, dstPort: 40000, ipProtocol: 6)
        #expect(fwd.key == rev.key)
        #expect(fwd.sender == .low)
        #expect(rev.sender == .high)
        #expect(fwd.key.partitionHash == rev.key.partitionHash)
    }

    @Test func sameAddressOrdersByPort() throws {
        let a = try #require(IPAddress("127.0.0.1"))
        let fwd = FlowKey.make(src: a, srcPort: 5000, dst: a, dstPort: 80, ipProtocol: 6)
        #expect(fwd.sender == .high)
        #expect(fwd.key.lowPort == 80)
    }

    @Test func vlanIsPartOfTheIdentity() throws {
        let a = try #require(IPAddress("10.0.0.1")), b = try #require(IPAddress("10.0.0.2"))
        var v = VLANTags.none
        v.push(100)
        let plain = FlowKey.make(src: a, srcPort: 1, dst: b, dstPort: 2, ipProtocol: 17)
        let tagged = FlowKey.make(src: a, srcPort: 1, dst: b, dstPort: 2, ipProtocol: 17, vlans: v)
        #expect(plain.key != tagged.key)
    }
}

@Suite struct TimeFormattingTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"),
        (Int64(1_546_300_800_123_456_789), "2019-01-01T00:00:00.123Z"),
        (Int64(951_782_400_999_000_000), "2000-02-29T00:00:00.999Z"),
        (Int64(4_102_444_799_000_000_000), "2099-12-31T23:59:59.000Z"),
        (Int64(-1_000_000), "1969-12-31T23:59:59.999Z"),
    ])
    func formatsMillisecondsUTC(ns: Int64, text: String) {
        #expect(Timestamp(nanoseconds: ns).description == text)
    }

    @Test(arguments: [
        (Int64(1_700_000_000_123_456_789), 0, "2023-11-14T22:13:20Z"),
        (Int64(1_700_000_000_123_456_789), 3, "2023-11-14T22:13:20.123Z"),
        (Int64(1_700_000_000_123_456_789), 6, "2023-11-14T22:13:20.123456Z"),
        (Int64(1_700_000_000_123_456_789), 9, "2023-11-14T22:13:20.123456789Z"),
        (Int64(0), 3, "1970-01-01T00:00:00.000Z"),
        (Int64(-1), 9, "1969-12-31T23:59:59.999999999Z"),
        (Int64(951_782_400_000_000_000), 3, "2000-02-29T00:00:00.000Z"),
        (Int64.max, 9, "2262-04-11T23:47:16.854775807Z"),
    ])
    func rfc3339TruncatesToTheAskedDigits(ns: Int64, digits: Int, text: String) {
        #expect(RFC3339.format(Timestamp(nanoseconds: ns), fractionDigits: digits) == text)
        var bytes: [UInt8] = Array("x".utf8)
        RFC3339.append(Timestamp(nanoseconds: ns), fractionDigits: digits, to: &bytes)
        #expect(bytes == Array(("x" + text).utf8))
    }

    /// Writes through one day cache give what separate writes give, across day, month, year and epoch
    /// boundaries, forwards and backwards.
    @Test func cachedDaysWriteTheSameText() {
        let day: Int64 = 86_400 * 1_000_000_000
        var times: [Int64] = [0, -1, 1, day - 1, day, 3 * day + 5, 3 * day + 6, -day, -day - 1]
        times += [951_782_399_999_999_999, 951_782_400_000_000_000, 951_868_800_000_000_000]  // 2000-02-28/29, 03-01
        times += [1_704_067_199_999_999_999, 1_704_067_200_000_000_000, 1_700_000_000_123_456_789]  // 2023 → 2024
        var cache = RFC3339.DayCache()
        for digits in [0, 3, 9] {
            for ns in times + times.reversed() {
                let text = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: RFC3339.maxLength) { buffer in
                    let count = RFC3339.write(
                        Timestamp(nanoseconds: ns), fractionDigits: digits, to: buffer.baseAddress!, cache: &cache)
                    return String(decoding: UnsafeBufferPointer(rebasing: buffer[..<count]), as: UTF8.self)
                }
                #expect(text == RFC3339.format(Timestamp(nanoseconds: ns), fractionDigits: digits))
            }
        }
    }

    @Test func daysRoundTrip() {
        for d in stride(from: Int64(-800_000), through: 800_000, by: 997) {
            let (y, m, dd) = RFC3339.civil(fromDays: d)
            #expect(RFC3339.days(year: y, month: m, day: dd) == d)
        }
    }

    @Test(arguments: [
        (Int64(0), "0s"), (Int64(1_500), "1.5µs"), (Int64(250_000_000), "250ms"),
        (Int64(90_000_000_000), "1m30s"), (Int64(3_600_000_000_000), "1h0m0s"), (Int64(10_000_000_000), "10s"),
    ])
    func timeSpanPrintsLikeGo(ns: Int64, text: String) {
        #expect(TimeSpan(nanoseconds: ns).description == text)
    }

    @Test func macPrintsLowerCaseWithColons() {
        #expect(MACAddress(0x001b_213a_4f5c).description == "00:1b:21:3a:4f:5c")
        #expect(MACAddress(0xffee_0a09_10af).description == "ff:ee:0a:09:10:af")
        #expect(MACAddress(0).description == "00:00:00:00:00:00")
    }
}
