// IP addresses as plain values: IPv4 and IPv6 in one 17-byte-ish struct, hashable and ordered, with
// text forms per RFC 5952 (IPv6 canonical text) and dotted quad for IPv4.

/// An IPv4 or IPv6 address stored as two 64-bit halves.
///
/// IPv4 addresses keep their 32 bits in the low half with `family == .v4`; the family is explicit so an
/// IPv4-mapped IPv6 address seen on the wire stays an IPv6 address.
public struct IPAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The address family.
    public enum Family: UInt8, Sendable, Hashable, Comparable {
        case v4 = 4
        case v6 = 6
        public static func < (a: Family, b: Family) -> Bool { a.rawValue < b.rawValue }
    }

    /// The first 64 bits of an IPv6 address; 0 for IPv4.
    public var high: UInt64
    /// The last 64 bits of an IPv6 address, or the IPv4 address in the low 32 bits.
    public var low: UInt64
    /// IPv4 or IPv6.
    public var family: Family

    /// An IPv4 address from its 32-bit value in host order (`0x7f000001` is 127.0.0.1).
    @inlinable
    public init(v4 value: UInt32) {
        high = 0
        low = UInt64(value)
        family = .v4
    }

    /// An IPv6 address from its two halves in host order.
    @inlinable
    public init(v6High: UInt64, low: UInt64) {
        high = v6High
        self.low = low
        family = .v6
    }

    /// The unspecified IPv4 address, 0.0.0.0.
    public static let zeroV4 = IPAddress(v4: 0)

    /// True for IPv4.
    @inlinable public var isV4: Bool { family == .v4 }

    /// The IPv4 value (host order); meaningful only when `isV4`.
    @inlinable public var v4Value: UInt32 { UInt32(truncatingIfNeeded: low) }

    /// Network-order bytes: 4 for IPv4, 16 for IPv6.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        appendBytes(to: &out)
        return out
    }

    /// Appends the network-order bytes (4 or 16) to `out`.
    @inlinable
    public func appendBytes(to out: inout [UInt8]) {
        if isV4 {
            let v = v4Value
            out.append(UInt8(v >> 24)); out.append(UInt8(v >> 16 & 0xff))
            out.append(UInt8(v >> 8 & 0xff)); out.append(UInt8(v & 0xff))
        } else {
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(high >> UInt64(shift) & 0xff)) }
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(low >> UInt64(shift) & 0xff)) }
        }
    }

    /// Orders IPv4 before IPv6, then numerically (the same as comparing network-order bytes).
    @inlinable
    public static func < (a: IPAddress, b: IPAddress) -> Bool {
        if a.family != b.family { return a.family < b.family }
        if a.high != b.high { return a.high < b.high }
        return a.low < b.low
    }

    /// Dotted quad for IPv4; RFC 5952 canonical text for IPv6 (lower case, longest zero run compressed).
    public var description: String {
        if isV4 {
            // Built byte by byte: this runs for every address of every event.
            let v = v4Value
            return String(unsafeUninitializedCapacity: 15) { buf in
                var n = 0
                for shift in stride(from: UInt32(24), through: 0, by: -8) {
                    if n > 0 {
                        buf[n] = UInt8(ascii: ".")
                        n += 1
                    }
                    let octet = (v >> shift) & 0xff
                    if octet >= 100 {
                        buf[n] = UInt8(ascii: "0") + UInt8(octet / 100)
                        n += 1
                    }
                    if octet >= 10 {
                        buf[n] = UInt8(ascii: "0") + UInt8(octet / 10 % 10)
                        n += 1
                    }
                    buf[n] = UInt8(ascii: "0") + UInt8(octet % 10)
                    n += 1
                }
                return n
            }
        }
        // Written in place, as IPv4 is: a string per group, joined, cost as much as the rest of a flow event's
        // addresses together.
        let high = high, low = low
        func group(_ i: Int) -> UInt16 { UInt16(truncatingIfNeeded: (i < 4 ? high : low) >> UInt64(48 - 16 * (i % 4))) }
        // RFC 5952 section 4.2: compress the longest run of two or more zero groups, the first on a tie.
        var bestStart = -1, bestLen = 0, runStart = -1
        for i in 0...8 {
            if i < 8 && group(i) == 0 {
                if runStart < 0 { runStart = i }
            } else if runStart >= 0 {
                let len = i - runStart
                if len > bestLen && len >= 2 { bestStart = runStart; bestLen = len }
                runStart = -1
            }
        }
        return String(unsafeUninitializedCapacity: 39) { buf in
            let hex: StaticString = "0123456789abcdef"
            var n = 0
            var i = 0
            while i < 8 {
                if i == bestStart {
                    buf[n] = UInt8(ascii: ":")
                    buf[n + 1] = UInt8(ascii: ":")
                    n += 2
                    i += bestLen
                    continue
                }
                if n > 0 && buf[n - 1] != UInt8(ascii: ":") {
                    buf[n] = UInt8(ascii: ":")
                    n += 1
                }
                let g = group(i)
                var shift = 12
                while shift > 0 && g >> UInt16(shift) == 0 { shift -= 4 }  // no leading zeros (RFC 5952 §4.1)
                while shift >= 0 {
                    buf[n] = hex.withUTF8Buffer { $0[Int(g >> UInt16(shift) & 0xf)] }
                    n += 1
                    shift -= 4
                }
                i += 1
            }
            return n
        }
    }

    /// Parses dotted-quad IPv4 or RFC 4291 IPv6 text (including `::` and an embedded IPv4 tail).
    /// Returns nil for anything else (no zone ids, no brackets). One pass over the bytes, no allocation:
    /// processors and conditions parse addresses out of every event.
    public init?(_ text: some StringProtocol) {
        let parsed =
            text.utf8.withContiguousStorageIfAvailable { IPAddress.parse($0) }
            ?? Array(text.utf8).withUnsafeBufferPointer { IPAddress.parse($0) }
        guard let parsed else { return nil }
        self = parsed
    }

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> IPAddress? {
        if let v4 = parseV4(bytes[...]) { return IPAddress(v4: v4) }
        guard let (h, l) = parseV6(bytes) else { return nil }
        return IPAddress(v6High: h, low: l)
    }

    static func parseV4(_ s: Slice<UnsafeBufferPointer<UInt8>>) -> UInt32? {
        var parts = 0
        var value: UInt32 = 0
        var current: UInt32 = 0
        var digits = 0
        for ch in s {
            if ch == UInt8(ascii: ".") {
                if digits == 0 || parts == 3 { return nil }
                value = value << 8 | current
                parts += 1
                current = 0
                digits = 0
            } else if ch >= UInt8(ascii: "0") && ch <= UInt8(ascii: "9") {
                if digits > 0 && current == 0 { return nil }  // no leading zeros ("01")
                current = current * 10 + UInt32(ch - UInt8(ascii: "0"))
                digits += 1
                if current > 255 || digits > 3 { return nil }
            } else {
                return nil
            }
        }
        if parts != 3 || digits == 0 { return nil }
        return value << 8 | current
    }

    /// RFC 4291 section 2.2: up to eight hex groups of at most four digits separated by colons, at most one
    /// `::` standing for one or more zero groups, and optionally a dotted IPv4 tail as the last 32 bits.
    static func parseV6(_ b: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64)? {
        withUnsafeTemporaryAllocation(of: UInt16.self, capacity: 8) { groups in
            parseV6(b, into: groups)
        }
    }

    /// Reads the groups into `groups` (no heap allocation), then places them around the `::` gap.
    private static func parseV6(_ b: UnsafeBufferPointer<UInt8>, into groups: UnsafeMutableBufferPointer<UInt16>)
        -> (UInt64, UInt64)?
    {
        let colon = UInt8(ascii: ":")
        var count = 0
        var gapAt = -1
        var i = 0
        let n = b.count
        if n >= 2 && b[0] == colon && b[1] == colon {
            gapAt = 0
            i = 2
        } else if n == 0 || b[0] == colon {
            return nil
        }
        while i < n {
            let start = i
            var value: UInt16 = 0
            while i < n, i - start < 5, let digit = hexDigit(b[i]) {
                value = value &<< 4 | UInt16(digit)
                i += 1
            }
            if i < n && b[i] == UInt8(ascii: ".") {
                // The IPv4 tail runs to the end and takes two groups.
                guard count <= 6, let v4 = parseV4(b[start..<n]) else { return nil }
                groups[count] = UInt16(v4 >> 16)
                groups[count + 1] = UInt16(v4 & 0xffff)
                count += 2
                break
            }
            guard (1...4).contains(i - start), count < 8 else { return nil }
            groups[count] = value
            count += 1
            if i == n { break }
            guard b[i] == colon else { return nil }
            i += 1
            if i < n && b[i] == colon {
                guard gapAt < 0 else { return nil }
                gapAt = count
                i += 1
            } else if i == n {
                return nil  // a single trailing colon
            }
        }
        guard gapAt < 0 ? count == 8 : count <= 7 else { return nil }
        let zeros = 8 - count
        var high: UInt64 = 0, low: UInt64 = 0
        for slot in 0..<8 {
            let g: UInt16
            if gapAt < 0 || slot < gapAt {
                g = groups[slot]
            } else if slot < gapAt + zeros {
                g = 0
            } else {
                g = groups[slot - zeros]
            }
            if slot < 4 { high = high << 16 | UInt64(g) } else { low = low << 16 | UInt64(g) }
        }
        return (high, low)
    }

    private static func hexDigit(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
