// The one reusable record the decoder fills in place for every packet.
//
// No field of `DecodedPacket` owns memory: `payload` borrows either from the captured bytes or from the
// decoder's reassembly buffer, and is valid only until the next call to `PacketDecoder.decode`.

import NetModel

/// libpcap link-layer header types (DLT_/LINKTYPE_ values) the decoder understands.
public struct LinkType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The DLT_/LINKTYPE_ number.
    public let rawValue: Int32
    /// Wraps a DLT_/LINKTYPE_ number; unknown values survive.
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// DLT_NULL: BSD loopback, 4-byte address family in host byte order of the capturing machine.
    public static let null = LinkType(rawValue: 0)
    /// DLT_EN10MB: Ethernet II / 802.3.
    public static let ethernet = LinkType(rawValue: 1)
    /// DLT_RAW (12 on most platforms, 14 on some BSDs) and LINKTYPE_RAW (101): bare IPv4 or IPv6.
    public static let raw = LinkType(rawValue: 12)
    /// DLT_RAW as numbered on OpenBSD.
    public static let rawAlt = LinkType(rawValue: 14)
    /// LINKTYPE_RAW, the value pcap files carry for raw IP.
    public static let linktypeRaw = LinkType(rawValue: 101)
    /// DLT_LOOP: OpenBSD loopback, address family in network byte order.
    public static let loop = LinkType(rawValue: 108)
    /// DLT_LINUX_SLL: Linux "cooked" capture v1 (the `any` device before libpcap 1.10).
    public static let linuxSLL = LinkType(rawValue: 113)
    /// LINKTYPE_IPV4.
    public static let ipv4 = LinkType(rawValue: 228)
    /// LINKTYPE_IPV6.
    public static let ipv6 = LinkType(rawValue: 229)
    /// DLT_LINUX_SLL2: Linux "cooked" capture v2.
    public static let linuxSLL2 = LinkType(rawValue: 276)

    /// libpcap's short name (`EN10MB`, `LINUX_SLL2`), or `DLT_<n>` for unknown values.
    public var description: String {
        switch self {
        case .null: return "NULL"
        case .ethernet: return "EN10MB"
        case .raw, .rawAlt, .linktypeRaw: return "RAW"
        case .loop: return "LOOP"
        case .linuxSLL: return "LINUX_SLL"
        case .ipv4: return "IPV4"
        case .ipv6: return "IPV6"
        case .linuxSLL2: return "LINUX_SLL2"
        default: return "DLT_\(rawValue)"
        }
    }
}

/// TCP header flags.
public struct TCPFlags: OptionSet, Hashable, Sendable {
    /// The flag bits as in the header's low 9 bits.
    public let rawValue: UInt16
    /// Flags from their bits.
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    /// No more data from sender.
    public static let fin = TCPFlags(rawValue: 0x001)
    /// Synchronize sequence numbers.
    public static let syn = TCPFlags(rawValue: 0x002)
    /// Reset the connection.
    public static let rst = TCPFlags(rawValue: 0x004)
    /// Push function.
    public static let psh = TCPFlags(rawValue: 0x008)
    /// Acknowledgment field significant.
    public static let ack = TCPFlags(rawValue: 0x010)
    /// Urgent pointer field significant.
    public static let urg = TCPFlags(rawValue: 0x020)
    /// ECN-Echo (RFC 3168).
    public static let ece = TCPFlags(rawValue: 0x040)
    /// Congestion Window Reduced (RFC 3168).
    public static let cwr = TCPFlags(rawValue: 0x080)
    /// ECN-nonce concealment protection (RFC 3540, historic).
    public static let ns = TCPFlags(rawValue: 0x100)
}

/// The network layer found in a packet.
public enum NetworkLayer: UInt8, Sendable {
    /// No IP layer (ARP, LLDP, other ethertypes) or not decoded.
    case none
    /// IPv4.
    case ipv4
    /// IPv6.
    case ipv6
}

/// The transport layer found in a packet.
public enum TransportLayer: UInt8, Sendable {
    /// No transport header decoded (unknown protocol, or a non-first fragment not yet reassembled).
    case none
    /// TCP; `DecodedPacket.tcp` and the ports are set.
    case tcp
    /// UDP; the ports are set.
    case udp
    /// ICMP for IPv4; type, code and echo identifier are set.
    case icmpv4
    /// ICMPv6; type, code and echo identifier are set.
    case icmpv6
    /// A known IP packet whose protocol wirebeat does not decode further (GRE, ESP, SCTP, ...).
    case other
}

/// The TCP header fields the stream and flow trackers need.
public struct TCPHeader: Sendable {
    /// Sequence number.
    public var seq: UInt32 = 0
    /// Acknowledgment number (meaningful when `flags` has `.ack`).
    public var ack: UInt32 = 0
    /// Control flags.
    public var flags: TCPFlags = []
    /// Raw window field, before any window scaling.
    public var window: UInt16 = 0
    /// Header length in bytes (data offset × 4).
    public var headerLength: UInt8 = 0
    /// MSS option value, 0 when absent.
    public var mss: UInt16 = 0
    /// Window-scale shift, or -1 when absent (values above 14 read as 14, RFC 7323 section 2.3).
    public var windowScale: Int8 = -1
    /// SACK-permitted option present.
    public var sackPermitted: Bool = false
    /// Timestamp option present.
    public var hasTimestamps: Bool = false
    /// Timestamp value (TSval), when `hasTimestamps`.
    public var tsVal: UInt32 = 0
    /// Timestamp echo reply (TSecr), when `hasTimestamps`.
    public var tsEcr: UInt32 = 0

    /// An empty header.
    public init() {}
}

/// Everything the decoder learned about one packet. Reset and refilled for every packet.
public struct DecodedPacket {
    /// Capture time of the packet (for a reassembled datagram: of its last fragment).
    public var timestamp: Timestamp = .zero
    /// The frame's length on the wire (pcap `len`), which flows count as bytes, as Packetbeat does.
    public var wireLength: Int = 0
    /// Bytes actually captured (pcap `caplen`).
    public var capturedLength: Int = 0
    /// Wire bytes of every frame that made up this packet (more than `wireLength` after reassembly).
    public var accountedBytes: Int = 0
    /// Frames that made up this packet (1, or the number of fragments after reassembly, exact duplicate
    /// fragments included since they too crossed the wire).
    public var accountedFrames: Int = 1

    /// True when an Ethernet (or SLL with a 6-byte address) header supplied `srcMAC`.
    public var hasSourceMAC: Bool = false
    /// True when an Ethernet header supplied `dstMAC` (SLL has no destination address).
    public var hasDestinationMAC: Bool = false
    /// Source MAC address, when `hasSourceMAC`.
    public var srcMAC: MACAddress = MACAddress(0)
    /// Destination MAC address, when `hasDestinationMAC`.
    public var dstMAC: MACAddress = MACAddress(0)
    /// 802.1Q / 802.1ad tags, outermost first.
    public var vlans: VLANTags = .none

    /// The IP version found, or `.none`.
    public var network: NetworkLayer = .none
    /// Source IP address, when `network != .none`.
    public var src: IPAddress = .zeroV4
    /// Destination IP address, when `network != .none`.
    public var dst: IPAddress = .zeroV4
    /// IPv4 protocol / IPv6 final next-header.
    public var ipProtocol: UInt8 = 0
    /// IPv4 TTL or IPv6 hop limit.
    public var ttl: UInt8 = 0
    /// True when this packet was rebuilt from IP fragments.
    public var reassembled: Bool = false

    /// The transport header found, or `.none`.
    public var transport: TransportLayer = .none
    /// TCP/UDP source port; 0 otherwise.
    public var srcPort: UInt16 = 0
    /// TCP/UDP destination port; 0 otherwise.
    public var dstPort: UInt16 = 0
    /// Valid when `transport == .tcp`.
    public var tcp = TCPHeader()
    /// ICMP/ICMPv6 type; valid for `.icmpv4` / `.icmpv6`.
    public var icmpType: UInt8 = 0
    /// ICMP/ICMPv6 code; valid for `.icmpv4` / `.icmpv6`.
    public var icmpCode: UInt8 = 0
    /// ICMP echo identifier for echo request/reply; 0 otherwise.
    public var icmpID: UInt16 = 0

    /// Transport payload (TCP/UDP data, ICMP body; the whole IP payload for `.other`), borrowed; valid until
    /// the next `decode` call.
    public var payload = UnsafeRawBufferPointer(start: nil, count: 0)
    /// True when the capture cut the packet short (snaplen): counts are still right, payload is partial.
    public var truncated: Bool = false
    /// The first note the decoder made on a packet that still decoded (bad TCP options, an IPv4 total
    /// length of 0 from segmentation offload, an IPv4 fragment overlap, ...); nil when there was none.
    /// Malformed frames carry their anomaly in `DecodeStatus.malformed` instead.
    public var anomaly: DecodeAnomaly? = nil

    /// An empty record.
    public init() {}

    /// Clears the record for the next packet without releasing anything.
    @inlinable
    public mutating func reset() {
        self = DecodedPacket()
    }
}
