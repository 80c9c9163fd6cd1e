// The SSL 2.0-compatible CLIENT-HELLO (RFC 5246 appendix E.2, RFC 6101 appendix E): how clients that also
// spoke SSL 2.0 opened a connection to an SSL 3.0 or TLS server. The record starts with the two-byte SSL 2.0
// header; cipher specs are three bytes, and those whose first byte is 0 are TLS cipher suites.

import WireKit

/// An SSL 2.0-format CLIENT-HELLO.
public struct SSLv2ClientHello: Sendable, Hashable {
    /// The highest version the client supports (3.1 for a TLS 1.0 client; 0.2 for a pure SSL 2.0 one).
    public var version: ProtocolVersion
    /// Every three-byte cipher spec, in the client's order.
    public var cipherSpecs: [UInt32]
    /// The specs whose first byte is 0, which name TLS cipher suites, in the client's order.
    public var cipherSuites: [CipherSuite]
    /// The session id (empty, or 16 bytes to resume an SSL 2.0 session).
    public var sessionID: [UInt8]
    /// The challenge, which plays the role of the client random.
    public var challenge: [UInt8]

    /// The three length fields of the message.
    struct Lengths {
        var cipherSpecs: Int
        var sessionID: Int
        var challenge: Int

        /// RFC 5246 appendix E.2: whole cipher specs (at least one), a session id of 0 or 16 bytes, a challenge
        /// of 16 to 32 bytes, and nothing else in the record after the 9-byte fixed part.
        func areValid(recordLength: Int) -> Bool {
            cipherSpecs > 0 && cipherSpecs % 3 == 0 && (sessionID == 0 || sessionID == 16)
                && TLSLimits.sslv2ChallengeLengths.contains(challenge)
                && 9 + cipherSpecs + sessionID + challenge == recordLength
        }
    }

    /// Reads a whole SSL 2.0 record (header included) holding a CLIENT-HELLO.
    ///
    /// Throws `truncated` when the record is not all there and `malformed` (`tls.sslv2.malformed`) when it
    /// is not a CLIENT-HELLO or its lengths contradict each other.
    public static func parse(record: UnsafeRawBufferPointer) throws(WireError) -> SSLv2ClientHello {
        let header = try SSLv2RecordHeader.parse(record)
        var outer = ByteCursor(record, start: 2, end: record.count)
        var c = try outer.window(header.length)
        guard try c.readUInt8() == 1 else { throw .tlsMalformed(at: 2, "tls.sslv2.malformed") }
        let version = ProtocolVersion(try c.readUInt16())
        let lengths = Lengths(
            cipherSpecs: Int(try c.readUInt16()), sessionID: Int(try c.readUInt16()),
            challenge: Int(try c.readUInt16()))
        guard lengths.areValid(recordLength: header.length) else {
            throw .tlsMalformed(at: 5, "tls.sslv2.malformed")
        }
        var specs: [UInt32] = []
        var suites: [CipherSuite] = []
        specs.reserveCapacity(lengths.cipherSpecs / 3)
        for _ in 0..<(lengths.cipherSpecs / 3) {
            let high = UInt32(try c.readUInt8())
            let low = try c.readUInt16()
            specs.append(high << 16 | UInt32(low))
            if high == 0 { suites.append(CipherSuite(low)) }
        }
        let sessionID = Array(try c.readBytes(lengths.sessionID))
        let challenge = Array(try c.readBytes(lengths.challenge))
        return SSLv2ClientHello(
            version: version, cipherSpecs: specs, cipherSuites: suites, sessionID: sessionID, challenge: challenge)
    }
}
