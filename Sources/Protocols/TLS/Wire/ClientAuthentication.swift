// The messages of client authentication: CertificateRequest (RFC 5246 section 7.4.4 for TLS 1.2, RFC 4346
// section 7.4.4 for TLS 1.0/1.1 without signature algorithms, RFC 8446 section 4.3.2 for TLS 1.3) and
// CertificateVerify (RFC 5246 section 7.4.8, RFC 8446 section 4.4.3).

import WireKit

/// A server's request for a client certificate.
public struct CertificateRequest: Sendable, Hashable {
    /// The certificate types accepted (TLS 1.2 and earlier).
    public var certificateTypes: [ClientCertificateType]
    /// The signature schemes accepted: the TLS 1.2 field, or the TLS 1.3 signature_algorithms extension.
    public var signatureAlgorithms: [SignatureScheme]
    /// How many CA distinguished names were listed (TLS 1.2 and earlier; in TLS 1.3 see
    /// certificate_authorities in `extensions`).
    public var certificateAuthorityCount: Int
    /// The TLS 1.3 certificate_request_context; nil before TLS 1.3.
    public var requestContext: [UInt8]?
    /// The TLS 1.3 extensions (empty before TLS 1.3).
    public var extensions: ExtensionList
    /// Oddities found while parsing went on.
    public var anomalies: [TLSWireAnomaly]

    /// Reads a CertificateRequest body under the grammar of the negotiated `version`.
    public static func parse(body: UnsafeRawBufferPointer, version: ProtocolVersion) throws(WireError)
        -> CertificateRequest
    {
        var c = ByteCursor(body)
        return try read(&c, version: version)
    }

    /// Reads a CertificateRequest from `c`, consuming all of it.
    static func read(_ c: inout ByteCursor, version: ProtocolVersion) throws(WireError) -> CertificateRequest {
        var anomalies: [TLSWireAnomaly] = []
        if version.isTLS13 {
            var window = try c.lengthPrefixed8()
            let context = window.copyRest()
            let extensions = ExtensionList.parse(&c, context: .certificateRequest, anomalies: &anomalies)
            return CertificateRequest(
                certificateTypes: [], signatureAlgorithms: extensions.signatureAlgorithms,
                certificateAuthorityCount: 0, requestContext: context, extensions: extensions, anomalies: anomalies)
        }
        var types = try c.lengthPrefixed8()
        let certificateTypes = try types.codePoints8(as: ClientCertificateType.self, anomalies: &anomalies)
        var schemes: [SignatureScheme] = []
        if version.major == 3, version.minor >= 3 {
            var list = try c.lengthPrefixed16()
            schemes = try list.codePoints16(as: SignatureScheme.self, anomalies: &anomalies)
        }
        var authorities = try c.lengthPrefixed16()
        var count = 0
        while !authorities.isAtEnd {
            _ = try authorities.lengthPrefixed16()
            count += 1
        }
        if !c.isAtEnd {
            anomalies.append(.handshakeBadLength)
            c.skipRest()
        }
        return CertificateRequest(
            certificateTypes: certificateTypes, signatureAlgorithms: schemes, certificateAuthorityCount: count,
            requestContext: nil, extensions: ExtensionList(), anomalies: anomalies)
    }
}

/// A CertificateVerify: the signature proving possession of the certificate's key.
public struct CertificateVerify: Sendable, Hashable {
    /// The scheme (TLS 1.2 and 1.3; nil for TLS 1.0 and 1.1, which have none on the wire).
    public var signatureScheme: SignatureScheme?
    /// The signature's length.
    public var signatureLength: Int

    /// A CertificateVerify with these fields.
    public init(signatureScheme: SignatureScheme?, signatureLength: Int) {
        self.signatureScheme = signatureScheme
        self.signatureLength = signatureLength
    }

    /// Reads a CertificateVerify body; `version` (when known) says whether a scheme precedes the signature.
    public static func parse(body: UnsafeRawBufferPointer, version: ProtocolVersion?) throws(WireError)
        -> CertificateVerify
    {
        var c = ByteCursor(body)
        return try read(&c, version: version)
    }

    /// Reads a CertificateVerify from `c`.
    static func read(_ c: inout ByteCursor, version: ProtocolVersion?) throws(WireError) -> CertificateVerify {
        let (scheme, length) = try c.digitallySigned(version: version)
        return CertificateVerify(signatureScheme: scheme, signatureLength: length)
    }
}
