// How the network processors read addresses and numbers out of events, with the coercions libbeat's
// processors apply (Go's `net.ParseIP` and `strconv.ParseUint(s, 0, 64)`), so that the same event gives
// the same result in wirebeat and in Beats.

import Events
import NetModel

/// Readers shared by `community_id`, `add_network_direction` and `dns`.
enum NetworkValues {
    /// The address in an IP string, as Go reads it: an IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) is the
    /// IPv4 address, which is how Go's `To4` makes it match IPv4 ranges and hash as four bytes.
    static func address(_ value: FieldValue) -> IPAddress? {
        guard case .string(let text) = value else { return nil }
        return address(text)
    }

    /// The address in `text`, IPv4-mapped IPv6 addresses unmapped; nil when it is not an address.
    static func address(_ text: String) -> IPAddress? {
        IPAddress(text).map(unmapped)
    }

    /// `address` with an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) turned into IPv4.
    static func unmapped(_ address: IPAddress) -> IPAddress {
        guard !address.isV4, address.high == 0, address.low >> 32 == 0xffff else { return address }
        return IPAddress(v4: UInt32(truncatingIfNeeded: address.low))
    }

    /// An unsigned number as libbeat's `tryToUint` reads it: any integer (a negative one wraps around to a
    /// huge value, which the callers' range checks then reject), or a string in Go's base-prefixed syntax.
    /// Floating-point numbers, booleans and everything else are not numbers here.
    static func unsigned(_ value: FieldValue) -> UInt64? {
        switch value {
        case .int(let i): return UInt64(bitPattern: i)
        case .uint(let u): return u
        case .string(let s): return goUnsigned(s)
        default: return nil
        }
    }

    /// `strconv.ParseUint(text, 0, 64)`: decimal, `0x`/`0o`/`0b` prefixes, a bare leading `0` for octal, and
    /// `_` between digits; no sign, no spaces.
    static func goUnsigned(_ text: String) -> UInt64? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, underscoresAllowed(bytes) else { return nil }
        var radix = 10
        var digits = bytes[...]
        if bytes[0] == UInt8(ascii: "0") {
            let marker = bytes.count >= 3 ? bytes[1] | 0x20 : 0
            switch marker {
            case UInt8(ascii: "x"):
                radix = 16
                digits = bytes[2...]
            case UInt8(ascii: "o"):
                radix = 8
                digits = bytes[2...]
            case UInt8(ascii: "b"):
                radix = 2
                digits = bytes[2...]
            default:
                radix = 8
                digits = bytes[1...]
            }
        }
        let clean = digits.filter { $0 != UInt8(ascii: "_") }
        if clean.isEmpty { return radix == 8 && digits.isEmpty ? 0 : nil }
        // UInt64(_:radix:) would accept a sign; Go does not.
        guard clean.allSatisfy(isAlphanumeric) else { return nil }
        return UInt64(String(decoding: clean, as: UTF8.self), radix: radix)
    }

    /// Go's `underscoreOK`: an underscore must sit between digits (or right after a base prefix).
    private static func underscoresAllowed(_ s: [UInt8]) -> Bool {
        enum Seen { case start, digit, underscore, other }
        var seen = Seen.start
        var i = 0
        var hex = false
        if s.count >= 2, s[0] == UInt8(ascii: "0"),
            [UInt8(ascii: "b"), UInt8(ascii: "o"), UInt8(ascii: "x")].contains(s[1] | 0x20)
        {
            i = 2
            seen = .digit
            hex = s[1] | 0x20 == UInt8(ascii: "x")
        }
        while i < s.count {
            let c = s[i]
            let lower = c | 0x20
            if (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
                || (hex && lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "f"))
            {
                seen = .digit
            } else if c == UInt8(ascii: "_") {
                if seen != .digit { return false }
                seen = .underscore
            } else {
                if seen == .underscore { return false }
                seen = .other
            }
            i += 1
        }
        return seen != .underscore
    }

    private static func isAlphanumeric(_ c: UInt8) -> Bool {
        let lower = c | 0x20
        return (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
            || (lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z"))
    }
}
