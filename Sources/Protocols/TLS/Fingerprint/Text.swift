// Text building shared by the fingerprints: GREASE recognition (RFC 8701 §2), lower-case hexadecimal and decimal
// digits appended to a byte buffer, and digests written as lower-case hex. Fingerprints are built as ASCII bytes
// and hashed as such, which is what the JA3 README and the JA4 specification (FoxIO, technical_details/JA4.md) hash.

import Crypto

/// RFC 8701 §2 reserves sixteen values of the form `0x?A?A` with both bytes equal, for cipher suites, extensions,
/// named groups, signature algorithms and versions alike.
@inline(__always)
func isGREASE(_ value: UInt16) -> Bool {
    value & 0x0F0F == 0x0A0A && value >> 8 == value & 0xFF
}

/// ASCII byte buffer helpers.
enum ASCII {
    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
    static let comma = UInt8(ascii: ",")
    static let dash = UInt8(ascii: "-")
    static let underscore = UInt8(ascii: "_")

    /// Appends `value` as four lower-case hex digits, e.g. `002f`.
    static func appendHex4(_ value: UInt16, to out: inout [UInt8]) {
        out.append(hexDigits[Int(value >> 12)])
        out.append(hexDigits[Int(value >> 8 & 0xF)])
        out.append(hexDigits[Int(value >> 4 & 0xF)])
        out.append(hexDigits[Int(value & 0xF)])
    }

    /// Appends `value` in decimal without leading zeros.
    static func appendDecimal(_ value: some UnsignedInteger, to out: inout [UInt8]) {
        // Digits straight into the buffer: `String(value)` allocated a string per number, which was most of
        // the cost of a JA3 string.
        var v = UInt64(value)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var first = 20
            repeat {
                first -= 1
                digits[first] = UInt8(truncatingIfNeeded: v % 10) &+ 0x30
                v /= 10
            } while v > 0
            out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[first...]))
        }
    }

    /// Appends the values in decimal, separated by `-` (a JA3 field).
    static func appendDecimalList<T: UnsignedInteger>(_ values: some Sequence<T>, to out: inout [UInt8]) {
        var first = true
        for value in values {
            if !first { out.append(dash) }
            first = false
            appendDecimal(value, to: &out)
        }
    }

    /// Appends the values as four-digit hex, separated by `,` (a JA4 list).
    static func appendHexList(_ values: some Sequence<UInt16>, to out: inout [UInt8]) {
        var first = true
        for value in values {
            if !first { out.append(comma) }
            first = false
            appendHex4(value, to: &out)
        }
    }

    /// The lower-case hex spelling of `bytes`, cut to `limit` characters.
    static func hexString(_ bytes: some Sequence<UInt8>, limit: Int = .max) -> String {
        var out: [UInt8] = []
        for byte in bytes {
            guard out.count < limit else { break }
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0xF)])
        }
        if out.count > limit { out.removeLast(out.count - limit) }
        return String(decoding: out, as: UTF8.self)
    }

    /// The ASCII bytes as a `String`.
    static func string(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}
