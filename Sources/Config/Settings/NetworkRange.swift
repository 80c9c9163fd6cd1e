// Network ranges as Beats names them in `internal_networks` and in `network` conditions: a CIDR block
// or one of the named classes (`private`, `loopback`, ...). The named classes follow libbeat's
// definitions, including its quirk that IPv6 `private` covers fd00::/8 only.

import NetModel

/// A named class of addresses.
public enum NamedNetwork: String, Sendable, Equatable, CaseIterable {
    /// 127.0.0.0/8 and ::1.
    case loopback
    /// 10/8, 172.16/12, 192.168/16 and fd00::/8.
    case `private`
    /// Not private, loopback, unspecified, broadcast, link-local or interface-local multicast.
    case `public`
    /// 224.0.0.0/4 and ff00::/8.
    case multicast
    /// 169.254/16 and fe80::/10.
    case linkLocalUnicast = "link_local_unicast"
    /// 224.0.0.0/24 and ff02::/16.
    case linkLocalMulticast = "link_local_multicast"
    /// ff01::/16.
    case interfaceLocalMulticast = "interface_local_multicast"
    /// Every global unicast address (Go's IsGlobalUnicast; includes private ranges).
    case unicast
    /// The same as `unicast`.
    case globalUnicast = "global_unicast"
    /// 0.0.0.0 and ::.
    case unspecified
}

/// One entry of `internal_networks`.
public enum NetworkRange: Sendable, Equatable, CustomStringConvertible {
    /// A named class.
    case named(NamedNetwork)
    /// A CIDR block; a bare address is a block of one.
    case cidr(IPAddress, prefixLength: Int)

    /// Parses `private`, `10.0.0.0/8`, `2001:db8::/32` or a bare address; nil otherwise.
    public init?(_ text: String) {
        if let named = NamedNetwork(rawValue: text) {
            self = .named(named)
            return
        }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = IPAddress(parts[0]) else { return nil }
        let maxLength = address.isV4 ? 32 : 128
        guard parts.count == 2 else {
            self = .cidr(address, prefixLength: maxLength)
            return
        }
        guard let length = Int(parts[1]), (0...maxLength).contains(length) else { return nil }
        self = .cidr(address, prefixLength: length)
    }

    /// The text form, as it would be written in the configuration.
    public var description: String {
        switch self {
        case .named(let name): return name.rawValue
        case .cidr(let address, let length): return "\(address)/\(length)"
        }
    }

    /// True when `address` falls in this range.
    public func contains(_ address: IPAddress) -> Bool {
        switch self {
        case .cidr(let network, let length):
            return network.family == address.family
                && NetworkRange.prefix(address, length) == NetworkRange.prefix(network, length)
        case .named(let name):
            return NetworkRange.matches(name, address)
        }
    }

    private static func prefix(_ a: IPAddress, _ length: Int) -> (UInt64, UInt64) {
        if a.isV4 {
            let mask: UInt64 = length == 0 ? 0 : (0xffff_ffff << UInt64(32 - length)) & 0xffff_ffff
            return (0, a.low & mask)
        }
        let highMask: UInt64 = length >= 64 ? .max : (length == 0 ? 0 : .max << UInt64(64 - length))
        let lowMask: UInt64 = length <= 64 ? 0 : (length == 128 ? .max : .max << UInt64(128 - length))
        return (a.high & highMask, a.low & lowMask)
    }

    private static func inV4(_ a: IPAddress, _ net: UInt32, _ length: Int) -> Bool {
        a.isV4 && prefix(a, length) == prefix(IPAddress(v4: net), length)
    }

    private static func inV6(_ a: IPAddress, _ high: UInt64, _ length: Int) -> Bool {
        !a.isV4 && prefix(a, length) == prefix(IPAddress(v6High: high, low: 0), length)
    }

    private static func matches(_ name: NamedNetwork, _ a: IPAddress) -> Bool {
        switch name {
        case .loopback:
            return inV4(a, 0x7f00_0000, 8) || (!a.isV4 && a.high == 0 && a.low == 1)
        case .private:
            return inV4(a, 0x0a00_0000, 8) || inV4(a, 0xac10_0000, 12) || inV4(a, 0xc0a8_0000, 16)
                || inV6(a, 0xfd00_0000_0000_0000, 8)
        case .multicast:
            return inV4(a, 0xe000_0000, 4) || inV6(a, 0xff00_0000_0000_0000, 8)
        case .linkLocalUnicast:
            return inV4(a, 0xa9fe_0000, 16) || inV6(a, 0xfe80_0000_0000_0000, 10)
        case .linkLocalMulticast:
            return inV4(a, 0xe000_0000, 24) || inV6(a, 0xff02_0000_0000_0000, 16)
        case .interfaceLocalMulticast:
            return inV6(a, 0xff01_0000_0000_0000, 16)
        case .unspecified:
            return a.high == 0 && a.low == 0
        case .unicast, .globalUnicast:
            let broadcast = a.isV4 && a.v4Value == 0xffff_ffff
            return !broadcast && !matches(.unspecified, a) && !matches(.loopback, a) && !matches(.multicast, a)
                && !matches(.linkLocalUnicast, a)
        case .public:
            let broadcast = a.isV4 && a.v4Value == 0xffff_ffff
            return !broadcast && !matches(.private, a) && !matches(.loopback, a) && !matches(.unspecified, a)
                && !matches(.linkLocalUnicast, a) && !matches(.linkLocalMulticast, a)
                && !matches(.interfaceLocalMulticast, a)
        }
    }
}
