// Small reading helpers shared by the TLS grammar: vectors of code points (RFC 8446 section 3.4,
// "Vectors"), copies of opaque fields into values that outlive the input, and errors that carry a TLS
// anomaly name as their reason.

import WireKit

extension WireError {
    /// A malformed-value error whose reason is the dotted anomaly name `name`.
    @inline(never)
    static func tlsMalformed(at offset: Int, _ name: StaticString) -> WireError {
        WireError(code: .malformed, offset: offset, reason: name)
    }

    /// An over-limit error whose reason is the dotted anomaly name `name`.
    @inline(never)
    static func tlsOverLimit(at offset: Int, _ name: StaticString) -> WireError {
        WireError(code: .overLimit, offset: offset, reason: name)
    }
}

extension [TLSWireAnomaly] {
    /// Notes that a length ran past the end of the message, once: a cut message trips every enclosing
    /// length, and one report says it all.
    mutating func noteTruncation() {
        if !contains(.handshakeTruncated) { append(.handshakeTruncated) }
    }
}

extension ByteCursor {
    /// Copies the unread bytes and consumes them.
    mutating func copyRest() -> [UInt8] {
        let bytes = Array(rest)
        skipRest()
        return bytes
    }

    /// Consumes the unread bytes.
    mutating func skipRest() {
        // Skipping exactly `remaining` cannot fail.
        try? skip(remaining)
    }

    /// Reads the rest of this window as 16-bit code points, keeping at most `limit`.
    mutating func codePoints16<T: TLSCodePoint>(
        as: T.Type, limit: Int = TLSLimits.maxListEntries, anomalies: inout [TLSWireAnomaly]
    ) throws(WireError) -> [T] where T.RawValue == UInt16 {
        // A vector of 2-byte elements with an odd byte count has no valid reading.
        guard remaining % 2 == 0 else { throw .tlsMalformed(at: offset, "tls.extension.malformed") }
        let count = remaining / 2
        var values: [T] = []
        values.reserveCapacity(Swift.min(count, limit))
        for _ in 0..<Swift.min(count, limit) { values.append(T(try readUInt16())) }
        if count > limit {
            anomalies.append(.extensionTooManyEntries)
            skipRest()
        }
        return values
    }

    /// Reads the rest of this window as 8-bit code points, keeping at most `limit`.
    mutating func codePoints8<T: TLSCodePoint>(
        as: T.Type, limit: Int = TLSLimits.maxListEntries, anomalies: inout [TLSWireAnomaly]
    ) throws(WireError) -> [T] where T.RawValue == UInt8 {
        let count = remaining
        var values: [T] = []
        values.reserveCapacity(Swift.min(count, limit))
        for _ in 0..<Swift.min(count, limit) { values.append(T(try readUInt8())) }
        if count > limit {
            anomalies.append(.extensionTooManyEntries)
            skipRest()
        }
        return values
    }

    /// Reads a signature that may or may not be preceded by its SignatureScheme: TLS 1.2 and 1.3 send
    /// `scheme, signature<0..2^16-1>` (RFC 5246 section 4.7, RFC 8446 section 4.4.3); TLS 1.0 and 1.1 send the
    /// signature alone. With the version unknown, the form whose length accounts for every remaining byte
    /// wins, the TLS 1.2 form first.
    mutating func digitallySigned(version: ProtocolVersion?) throws(WireError) -> (SignatureScheme?, Int) {
        let hasScheme: Bool
        if let version {
            hasScheme = version.isTLS13 || (version.major == 3 && version.minor >= 3)
        } else if remaining >= 4, 4 + Int(base.loadBE16(at: offset + 2)) == remaining {
            hasScheme = true
        } else {
            hasScheme = false
        }
        let scheme = hasScheme ? SignatureScheme(try readUInt16()) : nil
        let signature = try lengthPrefixed16()
        return (scheme, signature.remaining)
    }
}
