// The handshake layer's framing (RFC 8446 section 4, RFC 5246 section 7.4): the four-byte header with its
// 24-bit length, and the one entry point that reads a whole handshake message into a typed value.
//
// Handshake messages may be split across records and records may hold several messages; the caller joins
// fragments using `HandshakeHeader.totalLength` and hands over whole messages. Some grammars depend on the
// negotiated version and suite, which only the caller knows, hence `HandshakeContext`.

import WireKit

/// The header of one handshake message.
public struct HandshakeHeader: Sendable, Hashable {
    /// The message type.
    public var type: HandshakeType
    /// The body length.
    public var length: Int

    /// A header with these fields.
    public init(type: HandshakeType, length: Int) {
        self.type = type
        self.length = length
    }

    /// Header and body together.
    public var totalLength: Int { TLSLimits.handshakeHeaderLength + length }

    /// Reads a handshake header from the start of `bytes`. Throws `truncated` with fewer than four bytes and
    /// `overLimit` (`tls.handshake.too_long`) when the length exceeds `maxLength`.
    public static func parse(
        _ bytes: UnsafeRawBufferPointer, maxLength: Int = TLSLimits.maxHandshakeMessageLength
    ) throws(WireError) -> HandshakeHeader {
        var c = ByteCursor(bytes)
        let type = HandshakeType(try c.readUInt8())
        let length = Int(try c.readUInt24())
        guard length <= maxLength else { throw .tlsOverLimit(at: 1, "tls.handshake.too_long") }
        return HandshakeHeader(type: type, length: length)
    }
}

/// What the caller knows about the connection that some grammars need.
///
/// Before a ServerHello (version nil), Certificate and NewSessionTicket read with the TLS 1.2 grammar,
/// CertificateRequest as TLS 1.2 (with signature algorithms), and ServerKeyExchange only recognises
/// named-curve ECDHE unless `keyExchange` says otherwise.
public struct HandshakeContext: Sendable, Hashable {
    /// The negotiated version (the ServerHello's selected version), once known.
    public var version: ProtocolVersion?
    /// The negotiated suite's key exchange, once known.
    public var keyExchange: KeyExchangeKind

    /// A context; the defaults mean "nothing negotiated yet".
    public init(version: ProtocolVersion? = nil, keyExchange: KeyExchangeKind = .other) {
        self.version = version
        self.keyExchange = keyExchange
    }

    /// True when TLS 1.3 (or a draft) was negotiated.
    public var isTLS13: Bool { version?.isTLS13 ?? false }
}

/// A handshake message, decoded.
public enum HandshakeMessage: Sendable, Hashable {
    /// HelloRequest.
    case helloRequest(EmptyHandshakeMessage)
    /// ClientHello.
    case clientHello(ClientHello)
    /// ServerHello, or a HelloRetryRequest (`isHelloRetryRequest`).
    case serverHello(ServerHello)
    /// NewSessionTicket.
    case newSessionTicket(NewSessionTicket)
    /// EndOfEarlyData.
    case endOfEarlyData(EmptyHandshakeMessage)
    /// EncryptedExtensions.
    case encryptedExtensions(EncryptedExtensions)
    /// Certificate.
    case certificate(Certificate)
    /// ServerKeyExchange.
    case serverKeyExchange(ServerKeyExchange)
    /// CertificateRequest.
    case certificateRequest(CertificateRequest)
    /// ServerHelloDone.
    case serverHelloDone(EmptyHandshakeMessage)
    /// CertificateVerify.
    case certificateVerify(CertificateVerify)
    /// ClientKeyExchange.
    case clientKeyExchange(ClientKeyExchange)
    /// Finished.
    case finished(Finished)
    /// CertificateStatus.
    case certificateStatus(CertificateStatus)
    /// KeyUpdate.
    case keyUpdate(KeyUpdate)
    /// CompressedCertificate.
    case compressedCertificate(CompressedCertificate)
    /// Any other type, kept as its type and body length.
    case other(HandshakeType, length: Int)

    /// Reads one whole handshake message (header and body) from the start of `message`; bytes after it are
    /// not read.
    ///
    /// Throws `truncated` when the message is not all there, `overLimit` when its header exceeds `maxLength`,
    /// and `malformed` or `truncated` when its fixed fields are unusable. Oddities in the rest are returned in
    /// the message's `anomalies`.
    public static func parse(
        _ message: UnsafeRawBufferPointer, context: HandshakeContext = HandshakeContext(),
        maxLength: Int = TLSLimits.maxHandshakeMessageLength
    ) throws(WireError) -> HandshakeMessage {
        let header = try HandshakeHeader.parse(message, maxLength: maxLength)
        var outer = ByteCursor(message, start: TLSLimits.handshakeHeaderLength, end: message.count)
        var c = try outer.window(header.length)
        switch header.type {
        case .helloRequest: return .helloRequest(EmptyHandshakeMessage(unexpectedLength: c.remaining))
        case .clientHello: return .clientHello(try ClientHello.read(&c))
        case .serverHello: return .serverHello(try ServerHello.read(&c))
        case .newSessionTicket:
            return .newSessionTicket(try NewSessionTicket.read(&c, isTLS13: context.isTLS13))
        case .endOfEarlyData: return .endOfEarlyData(EmptyHandshakeMessage(unexpectedLength: c.remaining))
        case .encryptedExtensions: return .encryptedExtensions(EncryptedExtensions.read(&c))
        case .certificate: return .certificate(try Certificate.read(&c, isTLS13: context.isTLS13))
        case .serverKeyExchange:
            return .serverKeyExchange(
                try ServerKeyExchange.read(&c, keyExchange: context.keyExchange, version: context.version))
        case .certificateRequest:
            return .certificateRequest(try CertificateRequest.read(&c, version: context.version ?? .tls12))
        case .serverHelloDone: return .serverHelloDone(EmptyHandshakeMessage(unexpectedLength: c.remaining))
        case .certificateVerify: return .certificateVerify(try CertificateVerify.read(&c, version: context.version))
        case .clientKeyExchange: return .clientKeyExchange(ClientKeyExchange(length: c.remaining))
        case .finished: return .finished(Finished(verifyDataLength: c.remaining))
        case .certificateStatus: return .certificateStatus(try CertificateStatus.read(&c))
        case .keyUpdate: return .keyUpdate(try KeyUpdate.parse(body: c.rest))
        case .compressedCertificate: return .compressedCertificate(try CompressedCertificate.read(&c))
        default: return .other(header.type, length: header.length)
        }
    }

    /// The message's type.
    public var type: HandshakeType {
        switch self {
        case .helloRequest: .helloRequest
        case .clientHello: .clientHello
        case .serverHello: .serverHello
        case .newSessionTicket: .newSessionTicket
        case .endOfEarlyData: .endOfEarlyData
        case .encryptedExtensions: .encryptedExtensions
        case .certificate: .certificate
        case .serverKeyExchange: .serverKeyExchange
        case .certificateRequest: .certificateRequest
        case .serverHelloDone: .serverHelloDone
        case .certificateVerify: .certificateVerify
        case .clientKeyExchange: .clientKeyExchange
        case .finished: .finished
        case .certificateStatus: .certificateStatus
        case .keyUpdate: .keyUpdate
        case .compressedCertificate: .compressedCertificate
        case .other(let type, _): type
        }
    }

    /// The oddities found while parsing went on (`tls.handshake.unknown_type` for unnamed types).
    public var anomalies: [TLSWireAnomaly] {
        switch self {
        case .helloRequest(let m), .endOfEarlyData(let m), .serverHelloDone(let m): m.anomalies
        case .clientHello(let m): m.anomalies
        case .serverHello(let m): m.anomalies
        case .newSessionTicket(let m): m.anomalies
        case .encryptedExtensions(let m): m.anomalies
        case .certificate(let m): m.anomalies
        case .serverKeyExchange(let m): m.anomalies
        case .certificateRequest(let m): m.anomalies
        case .finished(let m): m.anomalies
        case .certificateVerify, .clientKeyExchange, .certificateStatus, .keyUpdate, .compressedCertificate: []
        case .other(let type, _): type.name == nil ? [.handshakeUnknownType] : []
        }
    }
}
