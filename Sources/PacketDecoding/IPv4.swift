// IPv4: RFC 791 section 3.1 (header, IHL, total length, options skipped as a block) and section 3.2
// (fragmentation: identification, MF flag, offset in 8-byte units).
//
// The total length decides where the datagram ends: bytes after it in the frame are link padding (Ethernet
// pads to 60 bytes) and are trimmed; a total length beyond the captured bytes but within the wire length
// means the snapshot length cut the payload; beyond the wire length it is a lie. A total length of 0 is
// what captures on a sender using TCP segmentation offload show (the NIC fills it in later), so it is taken
// as "the rest of the frame" with a note, as Wireshark and gopacket do.

import NetModel
import WireKit

extension PacketDecoder {
    mutating func decodeIPv4(
        _ frame: UnsafeRawBufferPointer, at offset: Int, wire: Int, timestamp: Timestamp,
        into packet: inout DecodedPacket
    ) -> DecodeStatus {
        // version/IHL(1) TOS(1) total length(2) id(2) flags/fragment offset(2) TTL(1) protocol(1)
        // checksum(2) source(4) destination(4) options(IHL*4 - 20)
        let captured = frame.count - offset
        guard captured >= 20 else { return .truncated }
        let headerLength = Int(frame[offset] & 0x0f) * 4
        guard headerLength >= 20 else { return .malformed(.ipv4BadHeaderLength) }
        guard captured >= headerLength else { return .truncated }

        let onWire = wire - offset
        var totalLength = Int(frame.loadBE16(at: offset + 2))
        if totalLength == 0 {
            note(.ipv4ZeroTotalLength, on: &packet)
            totalLength = min(onWire, DecoderLimits.defaultMaxReassembledIPv4Bytes)
        } else if totalLength < headerLength {
            return .malformed(.ipv4TotalLengthTooSmall)
        }
        guard totalLength <= onWire else { return .malformed(.ipv4TotalLengthExceedsFrame) }

        packet.network = .ipv4
        packet.ttl = frame[offset + 8]
        packet.ipProtocol = frame[offset + 9]
        packet.src = IPAddress(v4: frame.loadBE32(at: offset + 12))
        packet.dst = IPAddress(v4: frame.loadBE32(at: offset + 16))

        let payloadStart = offset + headerLength
        let payloadLength = totalLength - headerLength
        let capturedEnd = min(offset + totalLength, frame.count)
        let payload = UnsafeRawBufferPointer(rebasing: frame[payloadStart..<capturedEnd])

        let flagsAndOffset = frame.loadBE16(at: offset + 6)
        let moreFragments = flagsAndOffset & 0x2000 != 0
        let fragmentOffset = Int(flagsAndOffset & 0x1fff) * 8
        if !moreFragments && fragmentOffset == 0 {
            return decodeTransport(
                packet.ipProtocol, segment: payload, declaredLength: payloadLength, into: &packet)
        }

        countFragment()
        // Offsets count 8-byte blocks, so every fragment but the last must carry a multiple of 8 bytes
        // (RFC 791 section 3.2); an empty fragment adds nothing and is only a way to pin a slot.
        if payloadLength == 0 || (moreFragments && payloadLength % 8 != 0) {
            return .malformed(.fragmentBadLength)
        }
        if headerLength + fragmentOffset + payloadLength > limits.maxReassembledIPv4Bytes {
            return .malformed(.fragmentTooLarge)
        }
        let key = FragmentKey(
            src: packet.src, dst: packet.dst, id: UInt32(frame.loadBE16(at: offset + 4)),
            ipProtocol: packet.ipProtocol, family: .ipv4)
        let outcome = reassemble(
            IncomingFragment(
                key: key, offset: fragmentOffset, length: payloadLength, data: payload, isLast: !moreFragments,
                ipProtocol: packet.ipProtocol, ttl: packet.ttl, wireLength: packet.wireLength, timestamp: timestamp))
        switch outcome {
        case .held(let overlapped):
            if overlapped { note(.fragmentOverlap, on: &packet) }
            return .fragmentHeld
        case .dropped(let why):
            return .malformed(why)
        case .completed(let datagram, let overlapped):
            if overlapped { note(.fragmentOverlap, on: &packet) }
            packet.reassembled = true
            packet.accountedBytes = datagram.accountedBytes
            packet.accountedFrames = datagram.frames
            packet.ttl = datagram.ttl
            return decodeTransport(
                packet.ipProtocol, segment: datagram.bytes, declaredLength: datagram.length, into: &packet)
        }
    }
}
