// Small network value types shared by the packet path and the event mappers.

/// A 48-bit Ethernet address.
public struct MACAddress: Hashable, Sendable, CustomStringConvertible {
    /// The address in the low 48 bits, first octet most significant.
    public var value: UInt64

    /// An address from its 48-bit value.
    @inlinable public init(_ value: UInt64) { self.value = value & 0xffff_ffff_ffff }

    /// An address from six bytes at `offset` of `bytes`; the caller has checked bounds.
    @inlinable
    public init(bytes: UnsafeRawBufferPointer, at offset: Int) {
        // Two loads behind one bounds check, rather than six checked byte reads (every frame has two).
        precondition(offset >= 0 && offset <= bytes.count - 6, "MAC address out of bounds")
        let high = UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
        let low = UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt16.self))
        value = UInt64(high) << 16 | UInt64(low)
    }

    /// Lower-case, colon-separated (`00:1b:21:3a:4f:5c`), the form Packetbeat's flow events use.
    public var description: String {
        // Built as 17 ASCII bytes: every flow event formats two addresses, and appending Characters pays for
        // grapheme handling on each of them.
        String(unsafeUninitializedCapacity: 17) { buffer in
            for i in 0..<6 {
                let b = UInt8(truncatingIfNeeded: value >> UInt64(40 - 8 * i))
                if i > 0 { buffer[3 * i - 1] = UInt8(ascii: ":") }
                buffer[3 * i] = MACAddress.hexDigit(b >> 4)
                buffer[3 * i + 1] = MACAddress.hexDigit(b & 0xf)
            }
            return 17
        }
    }

    @inline(__always)
    static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}

/// A point in capture time: nanoseconds since the Unix epoch, UTC.
///
/// Capture time comes from the packet headers (or from the wall clock for live idle ticks); nothing on
/// the packet path reads the clock for event times.
public struct Timestamp: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Nanoseconds since 1970-01-01T00:00:00Z.
    public var nanoseconds: Int64

    /// A timestamp from nanoseconds since the epoch.
    @inlinable public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    /// A timestamp from seconds and a sub-second part in nanoseconds.
    @inlinable
    public init(seconds: Int64, nanoseconds sub: Int64) {
        nanoseconds = seconds &* 1_000_000_000 &+ sub
    }

    /// The epoch itself; used as "never".
    public static let zero = Timestamp(nanoseconds: 0)

    @inlinable public static func < (a: Timestamp, b: Timestamp) -> Bool { a.nanoseconds < b.nanoseconds }

    /// This time shifted by `d`.
    @inlinable
    public static func + (t: Timestamp, d: TimeSpan) -> Timestamp {
        Timestamp(nanoseconds: t.nanoseconds &+ d.nanoseconds)
    }

    /// The span from `b` to `a`.
    @inlinable
    public static func - (a: Timestamp, b: Timestamp) -> TimeSpan {
        TimeSpan(nanoseconds: a.nanoseconds &- b.nanoseconds)
    }

    /// RFC 3339 with milliseconds in UTC, the form Beats uses for every time value.
    public var description: String { RFC3339.format(self, fractionDigits: 3) }
}

/// A span of capture time in nanoseconds (distinct from `Swift.Duration`: a plain Int64 of capture time).
public struct TimeSpan: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The length in nanoseconds; may be negative.
    public var nanoseconds: Int64

    /// A duration of `nanoseconds`.
    @inlinable public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    /// A duration of whole seconds.
    @inlinable public static func seconds(_ s: Int64) -> TimeSpan { TimeSpan(nanoseconds: s &* 1_000_000_000) }

    /// A duration of milliseconds.
    @inlinable public static func milliseconds(_ ms: Int64) -> TimeSpan { TimeSpan(nanoseconds: ms &* 1_000_000) }

    /// Zero.
    public static let zero = TimeSpan(nanoseconds: 0)

    @inlinable public static func < (a: TimeSpan, b: TimeSpan) -> Bool { a.nanoseconds < b.nanoseconds }

    /// Go-style text (`1m30s`, `250ms`, `0s`), the form Beats configs and logs use.
    public var description: String {
        let ns = nanoseconds
        if ns == 0 { return "0s" }
        let sign = ns < 0 ? "-" : ""
        let a = ns.magnitude
        if a < 1_000 { return "\(sign)\(a)ns" }
        if a < 1_000_000 { return sign + TimeSpan.decimal(a, unit: 1_000) + "µs" }
        if a < 1_000_000_000 { return sign + TimeSpan.decimal(a, unit: 1_000_000) + "ms" }
        var rest = a
        var s = ""
        let h = rest / 3_600_000_000_000
        rest %= 3_600_000_000_000
        let m = rest / 60_000_000_000
        rest %= 60_000_000_000
        if h > 0 { s += "\(h)h" }
        if h > 0 || m > 0 { s += "\(m)m" }
        s += TimeSpan.decimal(rest, unit: 1_000_000_000) + "s"
        return sign + s
    }

    static func decimal(_ value: UInt64, unit: UInt64) -> String {
        let whole = value / unit
        var frac = value % unit
        if frac == 0 { return "\(whole)" }
        var digits = String(frac)
        let width = String(unit).count - 1
        digits = String(repeating: "0", count: width - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        frac = 0
        return "\(whole).\(digits)"
    }
}

/// IANA protocol numbers for the transports wirebeat tracks.
public enum IPProtocolNumber {
    public static let icmp: UInt8 = 1
    public static let tcp: UInt8 = 6
    public static let udp: UInt8 = 17
    public static let icmpv6: UInt8 = 58
    public static let sctp: UInt8 = 132

    /// The ECS `network.transport` name for a protocol number (`tcp`, `udp`, `icmp`, `ipv6-icmp`), or the
    /// decimal number for others.
    public static func transportName(_ p: UInt8) -> String {
        switch p {
        case tcp: return "tcp"
        case udp: return "udp"
        case icmp: return "icmp"
        case icmpv6: return "ipv6-icmp"
        case sctp: return "sctp"
        default: return String(p)
        }
    }
}

/// An IP address and port.
public struct Endpoint: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var ip: IPAddress
    public var port: UInt16

    @inlinable public init(ip: IPAddress, port: UInt16) {
        self.ip = ip
        self.port = port
    }

    @inlinable
    public static func < (a: Endpoint, b: Endpoint) -> Bool {
        a.ip != b.ip ? a.ip < b.ip : a.port < b.port
    }

    /// `1.2.3.4:443` or `[2001:db8::1]:443`.
    public var description: String { ip.isV4 ? "\(ip):\(port)" : "[\(ip)]:\(port)" }
}

/// Bytes as lower-case hexadecimal text (session ids, randoms, digests).
public enum HexText {
    /// Two lower-case hex digits per byte.
    public static func lowercase(_ bytes: some Sequence<UInt8>) -> String {
        let digits: StaticString = "0123456789abcdef"
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for b in bytes {
            out.append(digits.utf8Start[Int(b >> 4)])
            out.append(digits.utf8Start[Int(b & 0xf)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
