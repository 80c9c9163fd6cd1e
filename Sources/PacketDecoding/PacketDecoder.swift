// The packet decoder's front door: one captured frame in, one `DecodedPacket` filled in place, one status.
//
// The decoder walks link layer (Link.swift), IP (IPv4.swift, IPv6.swift, with reassembly in Fragments.swift)
// and transport (Transport.swift). It keeps no per-packet state apart from fragments awaiting the rest of
// their datagram, allocates nothing per packet, and calls nothing dynamically. Two outcomes are kept
// apart throughout, as Packetbeat's consumers need them apart: a frame cut short by the snapshot length
// is *truncated* (no fault of the sender; when only payload is missing it still decodes) and a frame
// that contradicts itself is *malformed* (named by a `DecodeAnomaly`).

import NetModel

/// What `PacketDecoder.decode` made of a frame.
public enum DecodeStatus: Hashable, Sendable {
    /// The packet is filled in. `network` is `.none` for frames without IP (ARP and the like);
    /// `truncated` tells whether the payload was cut; `anomaly` may hold a note.
    case decoded
    /// An IP fragment was stored for reassembly; nothing to account for until its datagram completes.
    /// The packet holds the link and IP fields of the fragment.
    case fragmentHeld
    /// The snapshot length cut a header: the packet is not usable.
    case truncated
    /// The frame contradicts itself or breaks a limit; the packet is not usable.
    case malformed(DecodeAnomaly)
    /// The decoder was made for a link type it does not decode.
    case unsupportedLinkType
}

/// Decodes captured frames of one link type. A value type: each worker owns one.
public struct PacketDecoder: Sendable {
    /// The link type the frames are read as.
    public let linkType: LinkType
    /// The limits in force, after `DecoderLimits.sanitized`.
    public let limits: DecoderLimits
    /// Counters since creation.
    public private(set) var counters = DecodeCounters()

    /// The link-layer decoder for `linkType`.
    let link: LinkDecoder
    /// Datagrams being reassembled.
    var fragments: FragmentTable

    /// A decoder for frames of `linkType`.
    public init(linkType: LinkType, limits: DecoderLimits = .standard) {
        self.linkType = linkType
        self.limits = limits.sanitized
        self.link = LinkDecoder(framing: Framing(linkType), maxVLANTags: self.limits.maxVLANTags)
        self.fragments = FragmentTable(limits: self.limits)
    }

    /// Datagrams currently waiting for more fragments.
    public var pendingReassemblies: Int { fragments.active }

    /// Decodes one captured frame into `packet` (reset first). `wireLength` is pcap's original length.
    ///
    /// `packet.payload` may point into `frame` or into the decoder's reassembly buffer; either way it is
    /// valid only until the next call.
    public mutating func decode(
        _ frame: UnsafeRawBufferPointer, wireLength: Int, timestamp: Timestamp, into packet: inout DecodedPacket
    ) -> DecodeStatus {
        packet.reset()
        packet.timestamp = timestamp
        packet.wireLength = wireLength
        packet.capturedLength = frame.count
        packet.accountedBytes = wireLength
        counters.frames &+= 1
        // A pcap record claiming fewer wire bytes than it captured is corrupt; trusting the captured
        // count keeps every later "does it fit on the wire" check meaningful.
        let wire = max(wireLength, frame.count)
        let status = decodeFrame(frame, wire: wire, timestamp: timestamp, into: &packet)
        switch status {
        case .decoded:
            if packet.network == .none { counters.nonIP &+= 1 }
            if packet.truncated { counters.payloadTruncated &+= 1 }
        case .fragmentHeld:
            break
        case .truncated:
            counters.truncated &+= 1
        case .malformed(let anomaly):
            counters.malformed &+= 1
            counters.anomalies[anomaly] &+= 1
        case .unsupportedLinkType:
            counters.unsupportedLinkType &+= 1
        }
        return status
    }

    /// Drops fragment sets older than the fragment timeout (capture time); called by the pipeline on ticks.
    public mutating func expireFragments(now: Timestamp) {
        fragments.expire(now: now, counters: &counters)
    }

    private mutating func decodeFrame(
        _ frame: UnsafeRawBufferPointer, wire: Int, timestamp: Timestamp, into packet: inout DecodedPacket
    ) -> DecodeStatus {
        switch link.decode(frame, into: &packet) {
        case .network(let offset, let version):
            return decodeIP(frame, at: offset, version: version, wire: wire, timestamp: timestamp, into: &packet)
        case .nonIP:
            return .decoded
        case .stop(let status):
            return status
        }
    }

    /// Dispatches on the IP version nibble, checking it against what the link layer announced.
    private mutating func decodeIP(
        _ frame: UnsafeRawBufferPointer, at offset: Int, version expected: IPVersion, wire: Int,
        timestamp: Timestamp, into packet: inout DecodedPacket
    ) -> DecodeStatus {
        guard offset < frame.count else { return .truncated }
        let version = frame[offset] >> 4
        switch (version, expected) {
        case (4, .v4), (4, .either):
            return decodeIPv4(frame, at: offset, wire: wire, timestamp: timestamp, into: &packet)
        case (6, .v6), (6, .either):
            return decodeIPv6(frame, at: offset, wire: wire, timestamp: timestamp, into: &packet)
        default:
            return .malformed(.ipBadVersion)
        }
    }

    /// Records a note: the packet still decodes, the anomaly is counted and the first one kept on the packet.
    mutating func note(_ anomaly: DecodeAnomaly, on packet: inout DecodedPacket) {
        counters.anomalies[anomaly] &+= 1
        if packet.anomaly == nil { packet.anomaly = anomaly }
    }

    /// Counts one received fragment; the IP decoders call it before any check that may drop it.
    mutating func countFragment() { counters.fragmentsReceived &+= 1 }

    /// Hands a checked fragment to the reassembler.
    mutating func reassemble(_ fragment: IncomingFragment) -> FragmentOutcome {
        fragments.add(fragment, counters: &counters)
    }
}
