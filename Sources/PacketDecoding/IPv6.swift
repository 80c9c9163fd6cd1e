// IPv6: RFC 8200 sections 3 (header), 4 (extension headers: Hop-by-Hop 0, Routing 43, Fragment 44,
// Destination Options 60, No Next Header 59) and 4.5 (fragmentation); RFC 4302 (AH 51, length in 4-byte
// units plus 2); RFC 4303 (ESP 50: encrypted, decoding stops); RFC 6275 (Mobility 135), RFC 7401 (HIP 139),
// RFC 5533 (Shim6 140) and RFC 3692 (experimental 253/254), which all use the generic extension header
// layout RFC 8200 section 4.8 requires of new headers; RFC 6946 (atomic fragments are not fragments);
// RFC 2675 (jumbograms: payload length 0).
//
// The extension-header walk runs over the frame for an unfragmented packet, and again over the
// reassembly buffer for the headers that followed the Fragment header of a fragmented one.

import NetModel
import WireKit

/// Where the extension-header walk ended.
enum ExtensionWalk {
    /// A transport (or unknown) protocol starts at `offset`.
    case upper(protocol: UInt8, offset: Int)
    /// A non-atomic Fragment header sits at `offset`; the fragmentable part follows it.
    case fragment(offset: Int)
    /// Decoding ends with this status.
    case stop(DecodeStatus)
}

/// IPv6 next-header values the walk knows (IANA "Assigned Internet Protocol Numbers").
enum IPv6NextHeader {
    static let hopByHop: UInt8 = 0
    static let routing: UInt8 = 43
    static let fragment: UInt8 = 44
    static let esp: UInt8 = 50
    static let authentication: UInt8 = 51
    static let noNextHeader: UInt8 = 59
    static let destinationOptions: UInt8 = 60
    static let mobility: UInt8 = 135
    static let hip: UInt8 = 139
    static let shim6: UInt8 = 140
    static let experimental1: UInt8 = 253
    static let experimental2: UInt8 = 254
}

extension PacketDecoder {
    mutating func decodeIPv6(
        _ frame: UnsafeRawBufferPointer, at offset: Int, wire: Int, timestamp: Timestamp,
        into packet: inout DecodedPacket
    ) -> DecodeStatus {
        // version/class/flow(4) payload length(2) next header(1) hop limit(1) source(16) destination(16)
        guard frame.count - offset >= 40 else { return .truncated }
        let onWire = wire - offset - 40
        var payloadLength = Int(frame.loadBE16(at: offset + 4))
        let firstNext = frame[offset + 6]
        if payloadLength == 0 && firstNext != IPv6NextHeader.noNextHeader && onWire > 0 {
            note(.ipv6ZeroPayloadLength, on: &packet)
            payloadLength = onWire
        }
        guard payloadLength <= onWire else { return .malformed(.ipv6PayloadLengthExceedsFrame) }

        packet.network = .ipv6
        packet.ttl = frame[offset + 7]
        packet.src = IPAddress(v6High: frame.loadBE64(at: offset + 8), low: frame.loadBE64(at: offset + 16))
        packet.dst = IPAddress(v6High: frame.loadBE64(at: offset + 24), low: frame.loadBE64(at: offset + 32))

        let start = offset + 40
        let declaredEnd = start + payloadLength
        let capturedEnd = min(declaredEnd, frame.count)
        var headers = 0
        var next = firstNext
        let walk = walkExtensions(
            frame, from: start, capturedEnd: capturedEnd, declaredEnd: declaredEnd, next: &next, headers: &headers,
            insideFragment: false, into: &packet)
        switch walk {
        case .stop(let status):
            return status
        case .upper(let proto, let at):
            packet.ipProtocol = proto
            return decodeTransport(
                proto, segment: UnsafeRawBufferPointer(rebasing: frame[at..<max(at, capturedEnd)]),
                declaredLength: declaredEnd - at, into: &packet)
        case .fragment(let at):
            return decodeIPv6Fragment(
                frame, header: at, unfragmentable: at - start, capturedEnd: capturedEnd, declaredEnd: declaredEnd,
                headers: headers, timestamp: timestamp, into: &packet)
        }
    }

    /// A fragment: checked, stored, and when it completes its datagram, the rest of the chain is walked in
    /// the reassembled bytes.
    private mutating func decodeIPv6Fragment(
        _ frame: UnsafeRawBufferPointer, header at: Int, unfragmentable: Int, capturedEnd: Int, declaredEnd: Int,
        headers: Int, timestamp: Timestamp, into packet: inout DecodedPacket
    ) -> DecodeStatus {
        // next header(1) reserved(1) offset(13 bits)/reserved(2)/M(1) identification(4)
        countFragment()
        let nextHeader = frame[at]
        packet.ipProtocol = nextHeader
        let offsetAndFlag = frame.loadBE16(at: at + 2)
        let fragmentOffset = Int(offsetAndFlag & 0xfff8)
        let moreFragments = offsetAndFlag & 1 != 0
        let dataStart = at + 8
        let length = declaredEnd - dataStart
        // RFC 8200 section 4.5: a non-last fragment must be a multiple of 8 bytes long, and one that would
        // make the reassembled payload exceed 65,535 bytes is discarded.
        if length == 0 || (moreFragments && length % 8 != 0) { return .malformed(.fragmentBadLength) }
        if 40 + unfragmentable + fragmentOffset + length > limits.maxReassembledIPv6Bytes {
            return .malformed(.fragmentTooLarge)
        }
        let key = FragmentKey(
            src: packet.src, dst: packet.dst, id: frame.loadBE32(at: at + 4), ipProtocol: 0, family: .ipv6)
        let outcome = reassemble(
            IncomingFragment(
                key: key, offset: fragmentOffset, length: length,
                data: UnsafeRawBufferPointer(rebasing: frame[dataStart..<max(dataStart, capturedEnd)]),
                isLast: !moreFragments, ipProtocol: nextHeader, ttl: packet.ttl, wireLength: packet.wireLength,
                timestamp: timestamp))
        switch outcome {
        case .held:
            return .fragmentHeld
        case .dropped(let why):
            return .malformed(why)
        case .completed(let datagram, _):
            packet.reassembled = true
            packet.accountedBytes = datagram.accountedBytes
            packet.accountedFrames = datagram.frames
            packet.ttl = datagram.ttl
            var next = datagram.ipProtocol
            var count = headers
            let bytes = datagram.bytes
            let walk = walkExtensions(
                bytes, from: 0, capturedEnd: bytes.count, declaredEnd: datagram.length, next: &next, headers: &count,
                insideFragment: true, into: &packet)
            switch walk {
            case .stop(let status):
                return status
            case .fragment:
                return .malformed(.ipv6NestedFragment)
            case .upper(let proto, let start):
                packet.ipProtocol = proto
                return decodeTransport(
                    proto, segment: UnsafeRawBufferPointer(rebasing: bytes[start..<max(start, bytes.count)]),
                    declaredLength: datagram.length - start, into: &packet)
            }
        }
    }

    /// Walks extension headers from `from` while `next` names one, counting them in `headers`.
    ///
    /// Lengths are checked against `declaredEnd` first (a header running past the payload is malformed
    /// whatever was captured) and then against `capturedEnd` (cut by the snapshot length).
    mutating func walkExtensions(
        _ bytes: UnsafeRawBufferPointer, from: Int, capturedEnd: Int, declaredEnd: Int, next: inout UInt8,
        headers: inout Int, insideFragment: Bool, into packet: inout DecodedPacket
    ) -> ExtensionWalk {
        var at = from
        while true {
            switch next {
            case IPv6NextHeader.esp:
                // Everything after the SPI and sequence number is encrypted.
                packet.ipProtocol = next
                packet.transport = .other
                packet.payload = UnsafeRawBufferPointer(rebasing: bytes[at..<max(at, capturedEnd)])
                packet.truncated = capturedEnd < declaredEnd
                return .stop(.decoded)
            case IPv6NextHeader.noNextHeader:
                packet.ipProtocol = next
                return .stop(.decoded)
            case IPv6NextHeader.hopByHop, IPv6NextHeader.routing, IPv6NextHeader.fragment,
                IPv6NextHeader.authentication, IPv6NextHeader.destinationOptions, IPv6NextHeader.mobility,
                IPv6NextHeader.hip, IPv6NextHeader.shim6, IPv6NextHeader.experimental1, IPv6NextHeader.experimental2:
                break
            default:
                return .upper(protocol: next, offset: at)
            }
            headers += 1
            if headers > limits.maxIPv6ExtensionHeaders { return .stop(.malformed(.ipv6ExtensionHeaderLoop)) }
            if next == IPv6NextHeader.hopByHop && headers != 1 { note(.ipv6MisplacedHopByHop, on: &packet) }
            // Every extension header starts with next header(1) and a length(1).
            guard at + 2 <= declaredEnd else { return .stop(.malformed(.ipv6ExtensionHeaderOverrun)) }
            guard at + 2 <= capturedEnd else { return .stop(.truncated) }
            let size: Int
            switch next {
            case IPv6NextHeader.fragment: size = 8
            case IPv6NextHeader.authentication: size = (Int(bytes[at + 1]) + 2) * 4
            default: size = (Int(bytes[at + 1]) + 1) * 8
            }
            guard at + size <= declaredEnd else { return .stop(.malformed(.ipv6ExtensionHeaderOverrun)) }
            guard at + size <= capturedEnd else { return .stop(.truncated) }
            if next == IPv6NextHeader.fragment {
                let offsetAndFlag = bytes.loadBE16(at: at + 2)
                // RFC 6946: offset 0 without M is an "atomic fragment", a whole packet: skip the header.
                if offsetAndFlag & 0xfff9 != 0 {
                    if insideFragment { return .stop(.malformed(.ipv6NestedFragment)) }
                    return .fragment(offset: at)
                }
            }
            next = bytes[at]
            at += size
        }
    }
}
