// Transport headers: TCP (RFC 9293 section 3.1 header and options; RFC 3168 ECE/CWR and RFC 3540 NS flags;
// RFC 7323 window scale and timestamps; RFC 2018 SACK), UDP (RFC 768, with RFC 2675 section 4 length 0 for
// jumbograms), ICMP (RFC 792, echo identifier) and ICMPv6 (RFC 4443 section 2.1 and 4.1-4.2).
//
// `segment` is the captured part of the IP payload and `declaredLength` the part the IP header promised. A
// header that does not fit in the declared length is malformed; one that fits there but not in the
// captured bytes was cut by the snapshot length. Only the payload may be short, and then the packet still
// decodes with `truncated` set.

import NetModel
import WireKit

/// TCP option kinds the decoder reads (IANA "TCP Option Kind Numbers").
enum TCPOptionKind {
    static let endOfList: UInt8 = 0
    static let noOperation: UInt8 = 1
    static let maximumSegmentSize: UInt8 = 2
    static let windowScale: UInt8 = 3
    static let sackPermitted: UInt8 = 4
    static let sack: UInt8 = 5
    static let timestamps: UInt8 = 8
    /// RFC 7323 section 2.3: a larger shift is logged and treated as 14.
    static let maxWindowShift: UInt8 = 14
}

extension PacketDecoder {
    mutating func decodeTransport(
        _ proto: UInt8, segment: UnsafeRawBufferPointer, declaredLength: Int, into packet: inout DecodedPacket
    ) -> DecodeStatus {
        switch proto {
        case IPProtocolNumber.tcp:
            return decodeTCP(segment, declaredLength: declaredLength, into: &packet)
        case IPProtocolNumber.udp:
            return decodeUDP(segment, declaredLength: declaredLength, into: &packet)
        case IPProtocolNumber.icmp where packet.network == .ipv4:
            return decodeICMP(segment, declaredLength: declaredLength, transport: .icmpv4, into: &packet)
        case IPProtocolNumber.icmpv6 where packet.network == .ipv6:
            return decodeICMP(segment, declaredLength: declaredLength, transport: .icmpv6, into: &packet)
        default:
            packet.transport = .other
            packet.payload = segment
            packet.truncated = segment.count < declaredLength
            return .decoded
        }
    }

    private mutating func decodeTCP(
        _ segment: UnsafeRawBufferPointer, declaredLength: Int, into packet: inout DecodedPacket
    ) -> DecodeStatus {
        // source port(2) destination port(2) sequence(4) acknowledgment(4) data offset(4 bits) reserved(3)
        // flags(9) window(2) checksum(2) urgent pointer(2) options
        guard declaredLength >= 20 else { return .malformed(.tcpShortHeader) }
        guard segment.count >= 20 else { return .truncated }
        let offsetAndFlags = segment.loadBE16(at: 12)
        let headerLength = Int(offsetAndFlags >> 12) * 4
        guard headerLength >= 20, headerLength <= declaredLength else { return .malformed(.tcpBadDataOffset) }
        guard headerLength <= segment.count else { return .truncated }

        packet.transport = .tcp
        packet.srcPort = segment.loadBE16(at: 0)
        packet.dstPort = segment.loadBE16(at: 2)
        packet.tcp.seq = segment.loadBE32(at: 4)
        packet.tcp.ack = segment.loadBE32(at: 8)
        packet.tcp.flags = TCPFlags(rawValue: offsetAndFlags & 0x01ff)
        packet.tcp.window = segment.loadBE16(at: 14)
        packet.tcp.headerLength = UInt8(headerLength)
        if headerLength > 20 { decodeTCPOptions(segment, end: headerLength, into: &packet) }
        packet.payload = UnsafeRawBufferPointer(rebasing: segment[headerLength...])
        packet.truncated = segment.count < declaredLength
        return .decoded
    }

    /// Reads the options the trackers use. A bad option is a note: the segment itself is still good, and
    /// options after a bad length cannot be found, so reading stops there.
    private mutating func decodeTCPOptions(
        _ segment: UnsafeRawBufferPointer, end: Int, into packet: inout DecodedPacket
    ) {
        var at = 20
        while at < end {
            let kind = segment[at]
            if kind == TCPOptionKind.endOfList { return }
            if kind == TCPOptionKind.noOperation {
                at += 1
                continue
            }
            // kind(1) length(1) data(length - 2)
            guard at + 1 < end else { return note(.tcpBadOption, on: &packet) }
            let length = Int(segment[at + 1])
            guard length >= 2, at + length <= end else { return note(.tcpBadOption, on: &packet) }
            switch (kind, length) {
            case (TCPOptionKind.maximumSegmentSize, 4):
                packet.tcp.mss = segment.loadBE16(at: at + 2)
            case (TCPOptionKind.windowScale, 3):
                packet.tcp.windowScale = Int8(min(segment[at + 2], TCPOptionKind.maxWindowShift))
            case (TCPOptionKind.sackPermitted, 2):
                packet.tcp.sackPermitted = true
            case (TCPOptionKind.timestamps, 10):
                packet.tcp.hasTimestamps = true
                packet.tcp.tsVal = segment.loadBE32(at: at + 2)
                packet.tcp.tsEcr = segment.loadBE32(at: at + 6)
            case (TCPOptionKind.sack, _):
                // RFC 2018 section 3: 2 + 8n bytes, n >= 1.
                if length < 10 || (length - 2) % 8 != 0 { note(.tcpBadOption, on: &packet) }
            case (TCPOptionKind.maximumSegmentSize, _), (TCPOptionKind.windowScale, _),
                (TCPOptionKind.sackPermitted, _), (TCPOptionKind.timestamps, _):
                // A known option with the wrong length: its length still frames the next option.
                note(.tcpBadOption, on: &packet)
            default:
                break
            }
            at += length
        }
    }

    private mutating func decodeUDP(
        _ segment: UnsafeRawBufferPointer, declaredLength: Int, into packet: inout DecodedPacket
    ) -> DecodeStatus {
        // source port(2) destination port(2) length(2) checksum(2)
        guard declaredLength >= 8 else { return .malformed(.udpShortHeader) }
        guard segment.count >= 8 else { return .truncated }
        var length = Int(segment.loadBE16(at: 4))
        // RFC 2675 section 4: length 0 in an IPv6 jumbogram means "the IP payload length".
        if length == 0 && packet.network == .ipv6 { length = declaredLength }
        // A length past the IP payload is a lie; a shorter one leaves trailing bytes that are not UDP data.
        guard length >= 8, length <= declaredLength else { return .malformed(.udpBadLength) }

        packet.transport = .udp
        packet.srcPort = segment.loadBE16(at: 0)
        packet.dstPort = segment.loadBE16(at: 2)
        packet.payload = UnsafeRawBufferPointer(rebasing: segment[8..<min(length, segment.count)])
        packet.truncated = segment.count < length
        return .decoded
    }

    private mutating func decodeICMP(
        _ segment: UnsafeRawBufferPointer, declaredLength: Int, transport: TransportLayer,
        into packet: inout DecodedPacket
    ) -> DecodeStatus {
        // type(1) code(1) checksum(2) rest of header(4): identifier(2) sequence(2) for echo messages
        guard declaredLength >= 8 else { return .malformed(.icmpShortHeader) }
        guard segment.count >= 8 else { return .truncated }
        let type = segment[0]
        packet.transport = transport
        packet.icmpType = type
        packet.icmpCode = segment[1]
        let isEcho =
            transport == .icmpv4
            ? (type == ICMPType.echoRequestV4 || type == ICMPType.echoReplyV4)
            : (type == ICMPType.echoRequestV6 || type == ICMPType.echoReplyV6)
        if isEcho { packet.icmpID = segment.loadBE16(at: 4) }
        packet.payload = UnsafeRawBufferPointer(rebasing: segment[8...])
        packet.truncated = segment.count < declaredLength
        return .decoded
    }
}

/// ICMP message types whose identifier separates concurrent pings.
enum ICMPType {
    static let echoReplyV4: UInt8 = 0
    static let echoRequestV4: UInt8 = 8
    static let echoRequestV6: UInt8 = 128
    static let echoReplyV6: UInt8 = 129
}
