import Foundation
import NetModel
import Testing

@testable import FlowHash

/// Vectors from corelight/community-id-spec `baseline/baseline_deflt.json` (seed 0). For ICMP the baseline
/// lists the already-mapped port pair; the cases below give the ICMP type and code that produce it.
@Suite struct CommunityIDTests {
    struct Vector: Sendable, CustomStringConvertible {
        let proto: UInt8, src: String, dst: String, sport: UInt16, dport: UInt16, id: String
        var description: String { "\(proto) \(src):\(sport) -> \(dst):\(dport)" }
    }

    static let vectors: [Vector] = [
        .init(proto: 6, src: "128.232.110.120", dst: "66.35.250.204", sport: 34855, dport: 80, id: "1:LQU9qZlK+B5F3KDmev6m5PMibrg="),
        .init(proto: 6, src: "66.35.250.204", dst: "128.232.110.120", sport: 80, dport: 34855, id: "1:LQU9qZlK+B5F3KDmev6m5PMibrg="),
        .init(proto: 17, src: "192.168.1.52", dst: "8.8.8.8", sport: 54585, dport: 53, id: "1:d/FP5EW3wiY1vCndhwleRRKHowQ="),
        .init(proto: 17, src: "8.8.8.8", dst: "192.168.1.52", sport: 53, dport: 54585, id: "1:d/FP5EW3wiY1vCndhwleRRKHowQ="),
        .init(proto: 6, src: "2001:470:e5bf:dead:4957:2174:e82c:4887", dst: "2607:f8b0:400c:c03::1a", sport: 63943, dport: 25, id: "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4="),
        .init(proto: 6, src: "2607:f8b0:400c:c03::1a", dst: "2001:470:e5bf:dead:4957:2174:e82c:4887", sport: 25, dport: 63943, id: "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4="),
        .init(proto: 132, src: "192.168.170.8", dst: "192.168.170.56", sport: 7, dport: 7, id: "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs="),
        .init(proto: 132, src: "192.168.170.56", dst: "192.168.170.8", sport: 7, dport: 7, id: "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs="),
        .init(proto: 46, src: "10.1.12.1", dst: "10.1.12.2", sport: 0, dport: 0, id: "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw="),
        .init(proto: 46, src: "10.1.12.2", dst: "10.1.12.1", sport: 0, dport: 0, id: "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw="),
        // ICMP echo request (8/0) and reply (0/0): two-way, ordered.
        .init(proto: 1, src: "192.168.0.89", dst: "192.168.0.1", sport: 8, dport: 0, id: "1:X0snYXpgwiv9TZtqg64sgzUn6Dk="),
        .init(proto: 1, src: "192.168.0.1", dst: "192.168.0.89", sport: 0, dport: 0, id: "1:X0snYXpgwiv9TZtqg64sgzUn6Dk="),
        // ICMP time exceeded (11/0): one-way.
        .init(proto: 1, src: "10.0.0.1", dst: "10.0.0.2", sport: 11, dport: 0, id: "1:YHxtAirCG//0OzkcVAukqKQN9xM="),
        // ICMPv6 neighbor solicitation (135) and advertisement (136).
        .init(proto: 58, src: "fe80::200:86ff:fe05:80da", dst: "fe80::260:97ff:fe07:69ea", sport: 135, dport: 0, id: "1:dGHyGvjMfljg6Bppwm3bg0LO8TY="),
        .init(proto: 58, src: "fe80::260:97ff:fe07:69ea", dst: "fe80::200:86ff:fe05:80da", sport: 136, dport: 0, id: "1:dGHyGvjMfljg6Bppwm3bg0LO8TY="),
        .init(proto: 58, src: "fe80::260:97ff:fe07:69ea", dst: "fe80::200:86ff:fe05:80da", sport: 135, dport: 0, id: "1:zavyT/cezQr1fmImYCwYnMXbgck="),
        // ICMPv6 time exceeded (3/0) and destination unreachable (1/4): one-way.
        .init(proto: 58, src: "3ffe:501:1800:2345::2", dst: "3ffe:507:0:1:200:86ff:fe05:80da", sport: 3, dport: 0, id: "1:2ObVBgIn28oZvibYZhZMBgh7WdQ="),
        .init(proto: 58, src: "3ffe:501:410:0:2c0:dfff:fe47:33e", dst: "3ffe:507:0:1:200:86ff:fe05:80da", sport: 1, dport: 4, id: "1:hLZd0XGWojozrvxqE0dWB1iM6R0="),
        // ICMPv6 echo request / reply.
        .init(proto: 58, src: "3ffe:507:0:1:200:86ff:fe05:80da", dst: "3ffe:501:0:1001::2", sport: 128, dport: 0, id: "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg="),
        .init(proto: 58, src: "3ffe:501:0:1001::2", dst: "3ffe:507:0:1:200:86ff:fe05:80da", sport: 129, dport: 0, id: "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg="),
        // ICMPv6 router solicitation (133) and advertisement (134) to multicast groups.
        .init(proto: 58, src: "fe80::200:86ff:fe05:80da", dst: "ff02::2", sport: 133, dport: 0, id: "1:hO+sN4H+MG5MY/8hIrXPqc4ZQz0="),
        .init(proto: 58, src: "fe80::260:97ff:fe07:69ea", dst: "ff02::1", sport: 134, dport: 0, id: "1:pkvHqCL88/tg1k4cPigmZXUtL00="),
    ]

    @Test(arguments: vectors)
    func matchesPublishedBaseline(v: Vector) throws {
        let src = try #require(IPAddress(v.src)), dst = try #require(IPAddress(v.dst))
        #expect(CommunityID().hash(src: src, srcPort: v.sport, dst: dst, dstPort: v.dport, ipProtocol: v.proto) == v.id)
    }

    @Test func seedChangesTheHash() throws {
        let a = try #require(IPAddress("10.0.0.1")), b = try #require(IPAddress("10.0.0.2"))
        let h0 = CommunityID(seed: 0).hash(src: a, srcPort: 1, dst: b, dstPort: 2, ipProtocol: 6)
        let h1 = CommunityID(seed: 1).hash(src: a, srcPort: 1, dst: b, dstPort: 2, ipProtocol: 6)
        #expect(h0 != h1)
        #expect(h0.hasPrefix("1:") && h0.count == 30)
    }

    @Test(arguments: [([UInt8](), ""), ([0x66], "Zg=="), ([0x66, 0x6f], "Zm8="), ([0x66, 0x6f, 0x6f], "Zm9v"),
                      (Array("foobar".utf8), "Zm9vYmFy")])
    func base64MatchesRFC4648(input: [UInt8], output: String) {
        #expect(Base64.encode(input) == output)
    }

    @Test func base64AgreesWithFoundationAtEveryLengthPaddedOrNot() {
        var state: UInt64 = 7
        for length in 0...70 {
            let bytes = (0..<length).map { _ -> UInt8 in
                state = state &* 6_364_136_223_846_793_005 &+ 1
                return UInt8(truncatingIfNeeded: state >> 56)
            }
            let reference = Data(bytes).base64EncodedString()
            #expect(Base64.encode(bytes) == reference, "length \(length)")
            #expect(Base64.encode(bytes, padding: false) == reference.replacingOccurrences(of: "=", with: ""), "length \(length)")
        }
    }
}
