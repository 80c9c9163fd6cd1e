// Helpers shared by the packet-decoding tests: a decoder wrapper that copies what a test wants to check out
// of the borrowed `DecodedPacket`, header builders for tables of bytes, and the fixture reader.

import Capture
import NetModel
import PacketDecoding

/// A decoded frame: the status, the record (whose `payload` pointer is stale by then: use `payload`), and
/// the payload bytes copied while they were valid.
struct Decoded {
    var status: DecodeStatus
    var packet: DecodedPacket
    var payload: [UInt8]
}

/// A decoder plus the record it fills, fed `[UInt8]` frames.
struct Harness {
    var decoder: PacketDecoder
    var packet = DecodedPacket()

    init(_ linkType: LinkType = .ethernet, limits: DecoderLimits = .standard) {
        decoder = PacketDecoder(linkType: linkType, limits: limits)
    }

    /// Decodes `frame` captured whole (or cut, if `wire` is larger than the frame) at `seconds`.
    mutating func feed(_ frame: [UInt8], wire: Int? = nil, seconds: Int64 = 0, nanoseconds: Int64 = 0) -> Decoded {
        let ts = Timestamp(seconds: seconds, nanoseconds: nanoseconds)
        // The payload borrows from `frame` or from the decoder: copy it while both are alive.
        let (status, payload) = frame.withUnsafeBytes { raw in
            let status = decoder.decode(raw, wireLength: wire ?? frame.count, timestamp: ts, into: &packet)
            return (status, Array(packet.payload))
        }
        return Decoded(status: status, packet: packet, payload: payload)
    }
}

/// Bytes of `s` as UTF-8.
func ascii(_ s: String) -> [UInt8] { Array(s.utf8) }

/// Big-endian bytes of integers, for building headers.
func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xff)] }
func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)] }

/// Header builders. Checksums are left 0: the decoder does not verify them (captures on the sending host
/// carry checksums the NIC fills in later, so checking them would reject good traffic).
enum Build {
    static let macA: [UInt8] = [0x02, 0, 0, 0, 0, 0x0a]
    static let macB: [UInt8] = [0x02, 0, 0, 0, 0, 0x0b]
    static let v4A: [UInt8] = [192, 0, 2, 1]
    static let v4B: [UInt8] = [192, 0, 2, 2]
    /// 2001:db8::1 and 2001:db8::2.
    static let v6A: [UInt8] = [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [1]
    static let v6B: [UInt8] = [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [2]

    static func ethernet(_ type: UInt16, _ payload: [UInt8], dst: [UInt8] = macB, src: [UInt8] = macA) -> [UInt8] {
        dst + src + be16(type) + payload
    }

    /// An IPv4 header (no options unless given) followed by `payload`.
    static func ipv4(
        _ proto: UInt8, _ payload: [UInt8], id: UInt16 = 1, flagsAndOffset: UInt16 = 0, ttl: UInt8 = 64,
        options: [UInt8] = [], totalLength: Int? = nil, src: [UInt8] = v4A, dst: [UInt8] = v4B
    ) -> [UInt8] {
        let ihl = UInt8(5 + options.count / 4)
        let total = UInt16(totalLength ?? (Int(ihl) * 4 + payload.count))
        return [0x40 | ihl, 0] + be16(total) + be16(id) + be16(flagsAndOffset) + [ttl, proto, 0, 0] + src + dst
            + options + payload
    }

    /// An IPv6 header followed by `payload` (extension headers included in it).
    static func ipv6(
        _ next: UInt8, _ payload: [UInt8], hopLimit: UInt8 = 64, payloadLength: Int? = nil, src: [UInt8] = v6A,
        dst: [UInt8] = v6B
    ) -> [UInt8] {
        [0x60, 0, 0, 0] + be16(UInt16(payloadLength ?? payload.count)) + [next, hopLimit] + src + dst + payload
    }

    static func udp(_ sport: UInt16, _ dport: UInt16, _ data: [UInt8], length: Int? = nil) -> [UInt8] {
        be16(sport) + be16(dport) + be16(UInt16(length ?? 8 + data.count)) + [0, 0] + data
    }

    static func tcp(
        _ sport: UInt16, _ dport: UInt16, seq: UInt32 = 1, ack: UInt32 = 0, flags: UInt16 = 0x018,
        window: UInt16 = 1024, options: [UInt8] = [], dataOffset: Int? = nil, _ data: [UInt8] = []
    ) -> [UInt8] {
        let off = UInt16(dataOffset ?? (20 + options.count) / 4)
        return be16(sport) + be16(dport) + be32(seq) + be32(ack) + be16(off << 12 | flags) + be16(window) + [
            0, 0, 0, 0,
        ]
            + options + data
    }

    static func icmp(type: UInt8, code: UInt8 = 0, id: UInt16 = 0, seq: UInt16 = 0, _ data: [UInt8] = []) -> [UInt8] {
        [type, code, 0, 0] + be16(id) + be16(seq) + data
    }

    /// A generic IPv6 extension header (RFC 8200 section 4.8) padded with zeros to a multiple of 8 bytes.
    static func ext(_ next: UInt8, _ body: [UInt8] = []) -> [UInt8] {
        var b = body
        while (b.count + 2) % 8 != 0 { b.append(0) }
        return [next, UInt8((b.count + 2) / 8 - 1)] + b
    }

    /// An IPv6 Fragment header.
    static func fragment6(_ next: UInt8, offset: Int, more: Bool, id: UInt32) -> [UInt8] {
        [next, 0] + be16(UInt16(offset) | (more ? 1 : 0)) + be32(id)
    }
}

/// One frame read from a fixture.
struct FixtureFrame {
    var bytes: [UInt8]
    var wireLength: Int
    var timestamp: Timestamp
}

/// Reads committed capture files through libpcap (the same path the real pipeline uses).
enum Fixture {
    static var directory: String {
        let file = "\(#filePath)"
        let supportDir = file[..<file.lastIndex(of: "/")!]
        let testsDir = supportDir[..<supportDir.lastIndex(of: "/")!]
        return testsDir + "/Fixtures"
    }

    static func read(_ name: String) throws -> (linkType: LinkType, frames: [FixtureFrame]) {
        try read(path: directory + "/" + name)
    }

    /// Reads any capture file (or pipe) through libpcap.
    static func read(path: String) throws -> (linkType: LinkType, frames: [FixtureFrame]) {
        let handle = try PcapHandle.openOffline(path: path)
        defer { handle.close() }
        var frames: [FixtureFrame] = []
        loop: while true {
            switch handle.next() {
            case .packet(let p):
                frames.append(FixtureFrame(bytes: Array(p.data), wireLength: p.wireLength, timestamp: p.timestamp))
            case .endOfFile:
                break loop
            case .timeout:
                continue
            case .error(let message):
                throw FixtureError(message: message)
            }
        }
        return (LinkType(rawValue: handle.linkType), frames)
    }

    /// Decodes every frame of a fixture in order with one decoder.
    static func decodeAll(_ name: String, limits: DecoderLimits = .standard) throws -> [Decoded] {
        let (linkType, frames) = try read(name)
        var h = Harness(linkType, limits: limits)
        return frames.map { f in
            h.feed(f.bytes, wire: f.wireLength, seconds: 0, nanoseconds: f.timestamp.nanoseconds)
        }
    }
}

struct FixtureError: Error {
    var message: String
}

extension IPAddress {
    /// Parses test literals; traps on typos.
    static func t(_ text: String) -> IPAddress { IPAddress(text)! }
}
