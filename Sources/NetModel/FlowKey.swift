// The canonical, direction-free identity of a bidirectional flow or connection.
//
// Both directions of a conversation map to the same key: the endpoint that orders lower (address, then
// port) is stored first, and the caller learns which side sent the packet. Hashing the canonical key is
// therefore symmetric, which is what partitioning by flow needs.

/// Which canonical side of a `FlowKey` sent a packet.
public enum FlowSide: UInt8, Sendable, Hashable {
    /// The endpoint stored as `low`.
    case low = 0
    /// The endpoint stored as `high`.
    case high = 1

    /// The other side.
    @inlinable public var opposite: FlowSide { self == .low ? .high : .low }
}

/// Up to two 802.1Q VLAN identifiers (outer first), as seen on a packet.
public struct VLANTags: Hashable, Sendable {
    /// How many tags were present (0, 1 or 2; deeper stacks keep the outer two).
    public var count: UInt8
    /// The outermost VLAN id (12 bits).
    public var outer: UInt16
    /// The second VLAN id, for QinQ.
    public var inner: UInt16

    /// No tags.
    public static let none = VLANTags(count: 0, outer: 0, inner: 0)

    @inlinable
    public init(count: UInt8, outer: UInt16, inner: UInt16) {
        self.count = count
        self.outer = outer
        self.inner = inner
    }

    /// Records one more tag read from the wire, outermost first.
    @inlinable
    public mutating func push(_ id: UInt16) {
        switch count {
        case 0: outer = id; count = 1
        case 1: inner = id; count = 2
        default: count = 2  // deeper stacks: the outer two identify the flow well enough
        }
    }
}

/// A bidirectional flow identity in canonical order.
public struct FlowKey: Hashable, Sendable, CustomStringConvertible {
    /// The lower endpoint's address.
    public var lowIP: IPAddress
    /// The higher endpoint's address.
    public var highIP: IPAddress
    /// The lower endpoint's port (0 for port-less transports).
    public var lowPort: UInt16
    /// The higher endpoint's port.
    public var highPort: UInt16
    /// VLAN tags of the packets (part of the identity, as in Packetbeat).
    public var vlans: VLANTags
    /// ICMP echo identifier, which separates concurrent pings between the same hosts; 0 otherwise.
    public var icmpID: UInt16
    /// The IP protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, ...). Last, so that no padding byte precedes
    /// the 2-aligned fields: with one before `vlans`, the compiler moved padding and tags as one 7-byte value
    /// in two overlapping stores, and stalled on reading them back for every packet.
    public var ipProtocol: UInt8

    /// Builds the canonical key for a packet from `src` to `dst` and says which side `src` is.
    @inlinable
    public static func make(
        src: IPAddress, srcPort: UInt16, dst: IPAddress, dstPort: UInt16, ipProtocol: UInt8,
        vlans: VLANTags = .none, icmpID: UInt16 = 0
    ) -> (key: FlowKey, sender: FlowSide) {
        let srcIsLow: Bool
        if src != dst {
            srcIsLow = src < dst
        } else {
            srcIsLow = srcPort <= dstPort
        }
        if srcIsLow {
            return (
                FlowKey(
                    lowIP: src, highIP: dst, lowPort: srcPort, highPort: dstPort, ipProtocol: ipProtocol,
                    vlans: vlans, icmpID: icmpID), .low
            )
        }
        return (
            FlowKey(
                lowIP: dst, highIP: src, lowPort: dstPort, highPort: srcPort, ipProtocol: ipProtocol,
                vlans: vlans, icmpID: icmpID), .high
        )
    }

    /// The memberwise initializer; callers normally use `make`.
    @inlinable
    public init(
        lowIP: IPAddress, highIP: IPAddress, lowPort: UInt16, highPort: UInt16, ipProtocol: UInt8,
        vlans: VLANTags, icmpID: UInt16
    ) {
        self.lowIP = lowIP
        self.highIP = highIP
        self.lowPort = lowPort
        self.highPort = highPort
        self.ipProtocol = ipProtocol
        self.vlans = vlans
        self.icmpID = icmpID
    }

    /// The endpoint of `side`.
    @inlinable
    public func endpoint(_ side: FlowSide) -> Endpoint {
        side == .low ? Endpoint(ip: lowIP, port: lowPort) : Endpoint(ip: highIP, port: highPort)
    }

    /// A symmetric 64-bit hash for partitioning packets across workers (both directions agree).
    @inlinable
    public var partitionHash: UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        @inline(__always) func mix(_ v: UInt64) {
            h ^= v
            h = h &* 0x100_0000_01b3
            h ^= h >> 29
        }
        mix(lowIP.high); mix(lowIP.low); mix(highIP.high); mix(highIP.low)
        mix(UInt64(lowPort) << 16 | UInt64(highPort))
        mix(UInt64(ipProtocol))
        return h
    }

    public var description: String {
        "\(IPProtocolNumber.transportName(ipProtocol)) \(endpoint(.low)) <-> \(endpoint(.high))"
    }
}
