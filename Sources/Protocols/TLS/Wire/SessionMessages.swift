// The remaining handshake messages: NewSessionTicket (RFC 5077 section 3.3 for TLS 1.2, RFC 8446 section
// 4.6.1 for TLS 1.3), EncryptedExtensions (RFC 8446 section 4.3.1), Finished (RFC 5246 section 7.4.9,
// RFC 8446 section 4.4.4), KeyUpdate (RFC 8446 section 4.6.3), and the messages with empty bodies:
// HelloRequest (RFC 5246 section 7.4.1.1), ServerHelloDone (RFC 5246 section 7.4.5) and EndOfEarlyData
// (RFC 8446 section 4.5).

import WireKit

/// A NewSessionTicket.
public struct NewSessionTicket: Sendable, Hashable {
    /// ticket_lifetime_hint (TLS 1.2) or ticket_lifetime (TLS 1.3), in seconds.
    public var lifetime: UInt32
    /// ticket_age_add (TLS 1.3 only).
    public var ageAdd: UInt32?
    /// ticket_nonce (TLS 1.3 only).
    public var nonce: [UInt8]?
    /// The ticket's length (0: a TLS 1.2 server that decided not to issue one).
    public var ticketLength: Int
    /// The TLS 1.3 extensions (early_data's max_early_data_size).
    public var extensions: ExtensionList
    /// Oddities found while parsing went on.
    public var anomalies: [TLSWireAnomaly]

    /// Reads a NewSessionTicket body; `isTLS13` selects the RFC 8446 grammar.
    public static func parse(body: UnsafeRawBufferPointer, isTLS13: Bool) throws(WireError) -> NewSessionTicket {
        var c = ByteCursor(body)
        return try read(&c, isTLS13: isTLS13)
    }

    /// Reads a NewSessionTicket from `c`, consuming all of it.
    static func read(_ c: inout ByteCursor, isTLS13: Bool) throws(WireError) -> NewSessionTicket {
        var anomalies: [TLSWireAnomaly] = []
        let lifetime = try c.readUInt32()
        guard isTLS13 else {
            let ticket = try c.lengthPrefixed16()
            if !c.isAtEnd {
                anomalies.append(.handshakeBadLength)
                c.skipRest()
            }
            return NewSessionTicket(
                lifetime: lifetime, ageAdd: nil, nonce: nil, ticketLength: ticket.remaining,
                extensions: ExtensionList(), anomalies: anomalies)
        }
        let ageAdd = try c.readUInt32()
        var nonce = try c.lengthPrefixed8()
        let nonceBytes = nonce.copyRest()
        let ticket = try c.lengthPrefixed16()
        let extensions = ExtensionList.parse(&c, context: .newSessionTicket, anomalies: &anomalies)
        return NewSessionTicket(
            lifetime: lifetime, ageAdd: ageAdd, nonce: nonceBytes, ticketLength: ticket.remaining,
            extensions: extensions, anomalies: anomalies)
    }

    /// early_data's max_early_data_size, when present.
    public var maxEarlyDataSize: UInt32? {
        guard case .maxEarlyDataSize(let size) = extensions[.earlyData]?.value else { return nil }
        return size
    }
}

/// TLS 1.3 EncryptedExtensions: the server's extensions that do not establish keys.
public struct EncryptedExtensions: Sendable, Hashable {
    /// The extensions in wire order.
    public var extensions: ExtensionList
    /// Oddities found while parsing went on.
    public var anomalies: [TLSWireAnomaly]

    /// Reads an EncryptedExtensions body.
    public static func parse(body: UnsafeRawBufferPointer) -> EncryptedExtensions {
        var c = ByteCursor(body)
        return read(&c)
    }

    /// Reads EncryptedExtensions from `c`, consuming all of it.
    static func read(_ c: inout ByteCursor) -> EncryptedExtensions {
        var anomalies: [TLSWireAnomaly] = []
        let extensions = ExtensionList.parse(&c, context: .encryptedExtensions, anomalies: &anomalies)
        return EncryptedExtensions(extensions: extensions, anomalies: anomalies)
    }
}

/// A Finished message, kept as the length of its verify_data (12 in TLS 1.2; the hash length in TLS 1.3).
public struct Finished: Sendable, Hashable {
    /// The length of verify_data.
    public var verifyDataLength: Int
    /// `tls.handshake.bad_length` when verify_data is empty.
    public var anomalies: [TLSWireAnomaly]

    /// A Finished with `verifyDataLength` bytes of verify_data.
    public init(verifyDataLength: Int) {
        self.verifyDataLength = verifyDataLength
        self.anomalies = verifyDataLength == 0 ? [.handshakeBadLength] : []
    }
}

/// A TLS 1.3 KeyUpdate.
public struct KeyUpdate: Sendable, Hashable {
    /// Whether the peer is asked to update too.
    public var request: KeyUpdateRequest

    /// A KeyUpdate with this request.
    public init(request: KeyUpdateRequest) { self.request = request }

    /// Reads a KeyUpdate body. Throws `malformed` (`tls.handshake.bad_length`) unless it is one byte.
    public static func parse(body: UnsafeRawBufferPointer) throws(WireError) -> KeyUpdate {
        guard body.count == 1 else { throw .tlsMalformed(at: 0, "tls.handshake.bad_length") }
        return KeyUpdate(request: KeyUpdateRequest(body[0]))
    }
}

/// A message whose body must be empty: HelloRequest, ServerHelloDone, EndOfEarlyData.
public struct EmptyHandshakeMessage: Sendable, Hashable {
    /// Bytes found in a body that should have none.
    public var unexpectedLength: Int
    /// `tls.handshake.bad_length` when the body was not empty.
    public var anomalies: [TLSWireAnomaly]

    /// A message that carried `unexpectedLength` bytes.
    public init(unexpectedLength: Int = 0) {
        self.unexpectedLength = unexpectedLength
        self.anomalies = unexpectedLength == 0 ? [] : [.handshakeBadLength]
    }
}
