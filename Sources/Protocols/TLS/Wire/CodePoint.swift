// The shared shape of every TLS registry value (RFC 8447 section 3; RFC 8701 for GREASE).
//
// Code points are open structs, never closed enums: a passive sniffer must carry values it has never heard of
// (new registrations, private-use values, GREASE) through to the event unchanged. An unknown value prints the
// way Packetbeat prints it, `(unknown:0x1234)`, with as many lowercase hex digits as the field is wide, so the
// printed lists stay drop-in compatible.

/// A value from one of the IANA TLS registries (or a de-facto value Packetbeat or deployed software names).
///
/// Conforming types are small `RawRepresentable` structs with `static let` members; `description` is the
/// name, or `(unknown:0x…)` for a value without one.
public protocol TLSCodePoint: RawRepresentable, Hashable, Sendable, CustomStringConvertible
where RawValue: FixedWidthInteger & UnsignedInteger & Sendable {
    /// The value with this wire encoding.
    init(_ rawValue: RawValue)

    /// The registry name, or nil for a value this build does not name.
    var name: String? { get }
}

extension TLSCodePoint {
    /// The name, or `(unknown:0x…)` exactly as Packetbeat prints values it does not know.
    public var description: String { name ?? unknownCodePointText(rawValue) }
}

extension TLSCodePoint where RawValue == UInt16 {
    /// True for the sixteen reserved GREASE values 0x0a0a, 0x1a1a, … 0xfafa (RFC 8701 section 2), which
    /// clients send to keep servers tolerant of unknown values and which fingerprints leave out.
    public var isGREASE: Bool { isGREASEValue(rawValue) }
}

/// RFC 8701 section 2: both bytes equal, and each byte's low nibble is 0xa.
@inline(__always)
func isGREASEValue(_ value: UInt16) -> Bool {
    value & 0x0f0f == 0x0a0a && value >> 8 == value & 0xff
}

/// `(unknown:0x…)` with lowercase hex, zero-padded to the width of `T` (two digits for a byte, four for a
/// 16-bit value), matching Packetbeat's `fmt.Sprintf("(unknown:0x%04x)", …)`.
func unknownCodePointText<T: FixedWidthInteger>(_ value: T) -> String {
    let hex = String(value, radix: 16, uppercase: false)
    let width = T.bitWidth / 4
    let padding = String(repeating: "0", count: max(0, width - hex.count))
    return "(unknown:0x" + padding + hex + ")"
}
