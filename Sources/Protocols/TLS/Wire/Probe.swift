// Content-based detection of a TLS stream on any port: does this direction start with a handshake record
// holding a ClientHello or ServerHello (RFC 8446 sections 5.1 and 4.1.2), or with an SSL 2.0-compatible
// CLIENT-HELLO (RFC 5246 appendix E.2)? Also the two-byte SSL 2.0 record header, so that such a hello can be
// framed like any other record.
//
// The probe looks at eleven bytes at most and answers as soon as one byte rules TLS out, so a registry can
// run it on every unclassified stream cheaply. It accepts what real stacks send (record versions 3.0-3.4,
// fragmented hellos whose handshake length exceeds the record) and nothing that merely starts with 0x16.

import WireKit

/// The answer of `RecordHeader.probe(_:)`.
public enum StreamProbe: Sendable, Hashable {
    /// A handshake record starting a ClientHello.
    case clientHello
    /// A handshake record starting a ServerHello: the server side, or a capture that missed the client.
    case serverHello
    /// An SSL 2.0-format CLIENT-HELLO, as old clients send to reach SSL 3.0/TLS servers.
    case sslv2ClientHello
    /// Nothing contradicts TLS yet; at least this many bytes (counted from the start) decide.
    case needMore(Int)
    /// These bytes cannot start a TLS stream.
    case notTLS
}

extension RecordHeader {
    /// Whether `bytes`, the first bytes of one direction of a stream, look like the start of TLS.
    public static func probe(_ bytes: UnsafeRawBufferPointer) -> StreamProbe {
        let record = probeRecord(bytes)
        if record == .clientHello || record == .serverHello { return record }
        let sslv2 = probeSSLv2(bytes)
        if sslv2 == .sslv2ClientHello { return sslv2 }
        switch (record, sslv2) {
        case (.needMore(let a), .needMore(let b)): return .needMore(min(a, b))
        case (.needMore, _): return record
        case (_, .needMore): return sslv2
        default: return .notTLS
        }
    }

    private static func probeRecord(_ b: UnsafeRawBufferPointer) -> StreamProbe {
        let n = b.count
        if n >= 1, b[0] != ContentType.handshake.rawValue { return .notTLS }
        if n >= 2, b[1] != 3 { return .notTLS }
        if n >= 3, b[2] > 4 { return .notTLS }
        if n >= 5 {
            // A record too short to hold a handshake header is legal but never how a stream starts.
            let length = Int(b.loadBE16(at: 3))
            guard (TLSLimits.handshakeHeaderLength...TLSLimits.maxPlaintextRecordLength).contains(length) else {
                return .notTLS
            }
        }
        if n >= 6, b[5] != HandshakeType.clientHello.rawValue, b[5] != HandshakeType.serverHello.rawValue {
            return .notTLS
        }
        if n >= 9 {
            // The smallest bodies: version, random, session id length, one suite, one compression method
            // (ClientHello also their two length fields); the largest is the message limit.
            let length = Int(b[6]) << 16 | Int(b[7]) << 8 | Int(b[8])
            let minimum = b[5] == HandshakeType.clientHello.rawValue ? 41 : 38
            if length < minimum || length > TLSLimits.maxHandshakeMessageLength { return .notTLS }
        }
        if n >= 11, b[9] != 3 || b[10] > 4 { return .notTLS }
        guard n >= TLSLimits.probeLength else { return .needMore(TLSLimits.probeLength) }
        return b[5] == HandshakeType.clientHello.rawValue ? .clientHello : .serverHello
    }

    private static func probeSSLv2(_ b: UnsafeRawBufferPointer) -> StreamProbe {
        let n = b.count
        if n >= 1, b[0] & 0x80 == 0 { return .notTLS }
        if n >= 3, b[2] != 1 { return .notTLS }
        if n >= 4, b[3] != 0, b[3] != 3 { return .notTLS }
        if n >= 5, !(b[3] == 0 && b[4] == 2), !(b[3] == 3 && b[4] <= 4) { return .notTLS }
        guard n >= TLSLimits.probeLength else { return .needMore(TLSLimits.probeLength) }
        let length = Int(b[0] & 0x7f) << 8 | Int(b[1])
        let fields = SSLv2ClientHello.Lengths(
            cipherSpecs: Int(b.loadBE16(at: 5)), sessionID: Int(b.loadBE16(at: 7)), challenge: Int(b.loadBE16(at: 9)))
        return fields.areValid(recordLength: length) ? .sslv2ClientHello : .notTLS
    }
}

/// The two-byte header of an SSL 2.0 record (RFC 5246 appendix E.2): the high bit set, then a 15-bit length.
///
/// The three-byte form (with padding) is never used for a CLIENT-HELLO and is not accepted.
public struct SSLv2RecordHeader: Sendable, Hashable {
    /// The length of the record body after the two header bytes.
    public var length: Int
    /// Header and body together.
    public var totalLength: Int { 2 + length }

    /// Reads the header. Throws `truncated` with fewer than two bytes and `malformed` (`tls.sslv2.malformed`)
    /// when the high bit is clear.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(WireError) -> SSLv2RecordHeader {
        var c = ByteCursor(bytes)
        let first = try c.readUInt8()
        guard first & 0x80 != 0 else { throw .tlsMalformed(at: 0, "tls.sslv2.malformed") }
        return SSLv2RecordHeader(length: Int(first & 0x7f) << 8 | Int(try c.readUInt8()))
    }
}
