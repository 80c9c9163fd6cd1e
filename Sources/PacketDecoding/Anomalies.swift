// The named oddities the packet decoder reports, with stable dotted names.
//
// The names are part of wirebeat's output contract (docs/ANOMALIES.md, "Packet decoding"); the numeric raw
// values are only indices into `DecodeCounters` and may be renumbered. Most anomalies make a frame
// unusable (`DecodeStatus.malformed`); a few are notes on a frame that still decodes (malformed TCP
// options, an IPv4 total length of 0 from segmentation offload, an IPv4 fragment overlap) and are then
// found in `DecodedPacket.anomaly`. The RFC sections behind each check are cited in the decoder files.

/// A named reason a frame is malformed, or a note on a frame that decoded anyway.
///
/// An open set: values this build does not know survive and print as `decode.(unknown:N)`.
public struct DecodeAnomaly: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// An index into the per-anomaly counters, below `DecodeAnomaly.capacity`.
    public let rawValue: UInt8

    /// Wraps a raw index.
    @inlinable
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// How many distinct anomalies the counters have room for.
    public static let capacity = 32

    /// More 802.1Q/802.1ad tags than `DecoderLimits.maxVLANTags`.
    public static let vlanTooManyTags = DecodeAnomaly(rawValue: 0)
    /// The IP version nibble contradicts the link layer (ethertype, address family or link type).
    public static let ipBadVersion = DecodeAnomaly(rawValue: 1)
    /// IPv4 IHL below 5 (RFC 791 section 3.1: the header is at least 20 bytes).
    public static let ipv4BadHeaderLength = DecodeAnomaly(rawValue: 2)
    /// IPv4 total length smaller than its own header.
    public static let ipv4TotalLengthTooSmall = DecodeAnomaly(rawValue: 3)
    /// IPv4 total length larger than the frame was on the wire (not a snaplen cut).
    public static let ipv4TotalLengthExceedsFrame = DecodeAnomaly(rawValue: 4)
    /// Note: IPv4 total length 0, as segmentation offload leaves it in captures on the sender; the frame's
    /// length is used instead.
    public static let ipv4ZeroTotalLength = DecodeAnomaly(rawValue: 5)
    /// IPv6 payload length larger than the frame was on the wire.
    public static let ipv6PayloadLengthExceedsFrame = DecodeAnomaly(rawValue: 6)
    /// Note: IPv6 payload length 0 with a payload present (a jumbogram, RFC 2675, or segmentation offload);
    /// the frame's length is used instead.
    public static let ipv6ZeroPayloadLength = DecodeAnomaly(rawValue: 7)
    /// More IPv6 extension headers than `DecoderLimits.maxIPv6ExtensionHeaders` (a looping or absurd chain).
    public static let ipv6ExtensionHeaderLoop = DecodeAnomaly(rawValue: 8)
    /// An IPv6 extension header whose length runs past the IPv6 payload.
    public static let ipv6ExtensionHeaderOverrun = DecodeAnomaly(rawValue: 9)
    /// Note: a Hop-by-Hop Options header not directly after the IPv6 header (RFC 8200 section 4.1).
    public static let ipv6MisplacedHopByHop = DecodeAnomaly(rawValue: 10)
    /// A second IPv6 Fragment header inside a fragmented or reassembled packet.
    public static let ipv6NestedFragment = DecodeAnomaly(rawValue: 11)
    /// Fragments of one datagram overlap with different data: IPv6 drops the datagram (RFC 5722), IPv4
    /// keeps the bytes that arrived first and decodes on (a note).
    public static let fragmentOverlap = DecodeAnomaly(rawValue: 12)
    /// A fragment reaching past the largest datagram allowed (`DecoderLimits.maxReassembled…Bytes`).
    public static let fragmentTooLarge = DecodeAnomaly(rawValue: 13)
    /// More distinct fragments than `DecoderLimits.maxFragmentsPerDatagram`; the datagram is dropped.
    public static let fragmentTooMany = DecodeAnomaly(rawValue: 14)
    /// A fragment with no data, or a non-last fragment whose length is not a multiple of 8.
    public static let fragmentBadLength = DecodeAnomaly(rawValue: 15)
    /// Fragments disagree on where the datagram ends; the datagram is dropped.
    public static let fragmentConflictingEnd = DecodeAnomaly(rawValue: 16)
    /// Fewer than 20 bytes of TCP header in the IP payload.
    public static let tcpShortHeader = DecodeAnomaly(rawValue: 17)
    /// TCP data offset below 5, or beyond the end of the IP payload.
    public static let tcpBadDataOffset = DecodeAnomaly(rawValue: 18)
    /// Note: a TCP option with an impossible length; options after it are ignored.
    public static let tcpBadOption = DecodeAnomaly(rawValue: 19)
    /// Fewer than 8 bytes of UDP header in the IP payload.
    public static let udpShortHeader = DecodeAnomaly(rawValue: 20)
    /// UDP length below 8 or beyond the end of the IP payload.
    public static let udpBadLength = DecodeAnomaly(rawValue: 21)
    /// Fewer than 8 bytes of ICMP or ICMPv6 header in the IP payload.
    public static let icmpShortHeader = DecodeAnomaly(rawValue: 22)

    /// Every anomaly this build knows, in raw-value order.
    public static let allKnown: [DecodeAnomaly] = (0..<23).map { DecodeAnomaly(rawValue: UInt8($0)) }

    /// The stable dotted name, e.g. `decode.tcp.bad_data_offset`.
    public var name: String {
        switch self {
        case .vlanTooManyTags: return "decode.vlan.too_many_tags"
        case .ipBadVersion: return "decode.ip.bad_version"
        case .ipv4BadHeaderLength: return "decode.ipv4.bad_header_length"
        case .ipv4TotalLengthTooSmall: return "decode.ipv4.total_length_too_small"
        case .ipv4TotalLengthExceedsFrame: return "decode.ipv4.total_length_exceeds_frame"
        case .ipv4ZeroTotalLength: return "decode.ipv4.zero_total_length"
        case .ipv6PayloadLengthExceedsFrame: return "decode.ipv6.payload_length_exceeds_frame"
        case .ipv6ZeroPayloadLength: return "decode.ipv6.zero_payload_length"
        case .ipv6ExtensionHeaderLoop: return "decode.ipv6.extension_header_loop"
        case .ipv6ExtensionHeaderOverrun: return "decode.ipv6.extension_header_overrun"
        case .ipv6MisplacedHopByHop: return "decode.ipv6.misplaced_hop_by_hop"
        case .ipv6NestedFragment: return "decode.ipv6.nested_fragment"
        case .fragmentOverlap: return "decode.ip.fragment.overlap"
        case .fragmentTooLarge: return "decode.ip.fragment.too_large"
        case .fragmentTooMany: return "decode.ip.fragment.too_many"
        case .fragmentBadLength: return "decode.ip.fragment.bad_length"
        case .fragmentConflictingEnd: return "decode.ip.fragment.conflicting_end"
        case .tcpShortHeader: return "decode.tcp.short_header"
        case .tcpBadDataOffset: return "decode.tcp.bad_data_offset"
        case .tcpBadOption: return "decode.tcp.bad_option"
        case .udpShortHeader: return "decode.udp.short_header"
        case .udpBadLength: return "decode.udp.bad_length"
        case .icmpShortHeader: return "decode.icmp.short_header"
        default: return "decode.(unknown:\(rawValue))"
        }
    }

    /// The dotted name.
    public var description: String { name }
}
