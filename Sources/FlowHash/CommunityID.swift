// Community ID flow hashing, version 1 (corelight/community-id-spec).
//
// The hash input is: seed (2 bytes, network order) . lower address . higher address . protocol (1 byte)
// . one zero byte . lower port . higher port (ports only for TCP, UDP, SCTP, ICMP and ICMPv6), hashed with
// SHA-1 and written as "1:" + base64. ICMP types are mapped to port pairs as the specification takes from
// Zeek: a type with a counterpart (echo ↔ echo reply, ...) becomes (type, counterpart) and is ordered like
// ports; any other type becomes (type, code) and is hashed in the direction seen ("one-way").

import Crypto
import NetModel

/// Computes Community ID v1 strings.
public struct CommunityID: Sendable {
    /// The seed (0 by default, as Packetbeat and Zeek use).
    public var seed: UInt16

    /// A hasher with `seed`.
    public init(seed: UInt16 = 0) { self.seed = seed }

    /// The Community ID of a packet or flow from `src` to `dst`.
    ///
    /// For TCP, UDP and SCTP pass the ports; for ICMP (1) and ICMPv6 (58) pass the ICMP type as `srcPort`
    /// and the code as `dstPort` (they are mapped here). Other protocols ignore the ports.
    public func hash(src: IPAddress, srcPort: UInt16, dst: IPAddress, dstPort: UInt16, ipProtocol: UInt8) -> String {
        var sport = srcPort, dport = dstPort
        var oneWay = false
        var hasPorts = true
        switch ipProtocol {
        case IPProtocolNumber.tcp, IPProtocolNumber.udp, IPProtocolNumber.sctp:
            break
        case IPProtocolNumber.icmp:
            (sport, dport, oneWay) = CommunityID.icmpPorts(type: UInt8(truncatingIfNeeded: srcPort),
                code: UInt8(truncatingIfNeeded: dstPort), counterparts: CommunityID.icmpv4Counterparts)
        case IPProtocolNumber.icmpv6:
            (sport, dport, oneWay) = CommunityID.icmpPorts(type: UInt8(truncatingIfNeeded: srcPort),
                code: UInt8(truncatingIfNeeded: dstPort), counterparts: CommunityID.icmpv6Counterparts)
        default:
            hasPorts = false
            sport = 0
            dport = 0
        }
        let inOrder = oneWay || src < dst || (src == dst && sport < dport)
        let (a, b, pa, pb) = inOrder ? (src, dst, sport, dport) : (dst, src, dport, sport)

        // At most 2 + 16 + 16 + 2 + 4 bytes, built on the stack: one of these goes into every flow event.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 40) { input in
            var count = 0
            func append(_ byte: UInt8) {
                input[count] = byte
                count += 1
            }
            append(UInt8(seed >> 8))
            append(UInt8(seed & 0xff))
            func append(_ address: IPAddress) {
                var bytes = (address.high.bigEndian, address.low.bigEndian)
                let skip = address.isV4 ? 12 : 0
                withUnsafeBytes(of: &bytes) { raw in
                    UnsafeMutableRawPointer(input.baseAddress! + count).copyMemory(
                        from: raw.baseAddress! + skip, byteCount: 16 - skip)
                }
                count += 16 - skip
            }
            append(a)
            append(b)
            append(ipProtocol)
            append(0)
            if hasPorts {
                append(UInt8(pa >> 8)); append(UInt8(pa & 0xff))
                append(UInt8(pb >> 8)); append(UInt8(pb & 0xff))
            }
            var sha1 = Insecure.SHA1()
            sha1.update(bufferPointer: UnsafeRawBufferPointer(start: input.baseAddress, count: count))
            let digest = sha1.finalize()
            return digest.withUnsafeBytes { Base64.encode($0, prefix: "1:") }
        }
    }

    /// ICMPv4 types with a counterpart (RFC 792, RFC 1256 for router solicitation).
    static let icmpv4Counterparts: [UInt8: UInt8] = [
        8: 0, 0: 8,  // echo / echo reply
        13: 14, 14: 13,  // timestamp / timestamp reply
        15: 16, 16: 15,  // information request / reply
        10: 9,  // router solicitation → advertisement (the advertisement alone is one-way)
        17: 18, 18: 17,  // address mask request / reply
    ]

    /// ICMPv6 types with a counterpart (RFC 4443, RFC 4861, RFC 2710, RFC 4620, RFC 6275).
    static let icmpv6Counterparts: [UInt8: UInt8] = [
        128: 129, 129: 128,  // echo request / reply
        133: 134, 134: 133,  // router solicitation / advertisement
        135: 136, 136: 135,  // neighbor solicitation / advertisement
        130: 131, 131: 130,  // multicast listener query / report
        139: 140, 140: 139,  // node information query / reply
        144: 145, 145: 144,  // home agent address discovery request / reply
    ]

    static func icmpPorts(type: UInt8, code: UInt8, counterparts: [UInt8: UInt8]) -> (UInt16, UInt16, Bool) {
        if let other = counterparts[type] { return (UInt16(type), UInt16(other), false) }
        return (UInt16(type), UInt16(code), true)
    }
}

/// Standard base64 with padding (RFC 4648 section 4), for short binary values such as digests.
public enum Base64 {
    static let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

    /// Encodes `bytes`; `padding: false` gives the raw (unpadded) form.
    public static func encode(_ bytes: [UInt8], padding: Bool = true) -> String {
        bytes.withUnsafeBytes { encode($0, padding: padding) }
    }

    /// `prefix` followed by the encoding of `bytes`, written in place into one string's storage (two of these go
    /// into every flow event).
    public static func encode(_ bytes: UnsafeRawBufferPointer, padding: Bool = true, prefix: StaticString = "") -> String {
        let rest = bytes.count % 3
        let length = prefix.utf8CodeUnitCount + bytes.count / 3 * 4 + (rest == 0 ? 0 : padding ? 4 : rest + 1)
        return String(unsafeUninitializedCapacity: length) { dst in
            alphabet.withUTF8Buffer { table in
                // Unchecked arithmetic: every index is below `length` (or `bytes.count`) by construction, and two
                // of these run for every flow event.
                guard let out = dst.baseAddress, let map = table.baseAddress else { return 0 }
                var o = 0
                prefix.withUTF8Buffer { p in
                    for byte in p {
                        out[o] = byte
                        o &+= 1
                    }
                }
                var i = 0
                while i &+ 3 <= bytes.count {
                    let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i &+ 1]) << 8 | UInt32(bytes[i &+ 2])
                    out[o] = map[Int(v >> 18 & 63)]
                    out[o &+ 1] = map[Int(v >> 12 & 63)]
                    out[o &+ 2] = map[Int(v >> 6 & 63)]
                    out[o &+ 3] = map[Int(v & 63)]
                    i &+= 3
                    o &+= 4
                }
                if rest > 0 {
                    var v = UInt32(bytes[i]) << 16
                    if rest == 2 { v |= UInt32(bytes[i &+ 1]) << 8 }
                    out[o] = map[Int(v >> 18 & 63)]
                    out[o &+ 1] = map[Int(v >> 12 & 63)]
                    o &+= 2
                    if rest == 2 {
                        out[o] = map[Int(v >> 6 & 63)]
                        o &+= 1
                    }
                    while padding && o < length {
                        out[o] = UInt8(ascii: "=")
                        o &+= 1
                    }
                }
                return o
            }
        }
    }
}
