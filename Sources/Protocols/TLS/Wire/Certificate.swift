// The certificate messages: Certificate (RFC 5246 section 7.4.2; RFC 8446 section 4.4.2 with its request
// context and per-entry extensions), CertificateStatus (RFC 6066 section 8, also the body of status_request
// in a TLS 1.3 certificate entry), CompressedCertificate (RFC 8879 section 4), CertificateRequest (RFC 5246
// section 7.4.4, RFC 8446 section 4.3.2) and CertificateVerify (RFC 5246 section 7.4.8, RFC 8446 section
// 4.4.3).
//
// Certificates are copied as DER, unparsed: X509Fields decodes them. A chain is read entry by entry, so a
// message cut short still yields the leaf; past `TLSLimits.maxCertificateChainLength` entries are counted
// but not copied, and a certificate over `TLSLimits.maxCertificateLength` keeps only its length.

import WireKit

/// One certificate of a chain.
public struct CertificateEntry: Sendable, Hashable {
    /// The DER encoding (empty when the certificate was too large to copy).
    public var der: [UInt8]
    /// The certificate's length on the wire.
    public var declaredLength: Int
    /// The entry's extensions (TLS 1.3 only: stapled OCSP, SCTs).
    public var extensions: ExtensionList

    /// An entry with these fields.
    public init(der: [UInt8], declaredLength: Int, extensions: ExtensionList = ExtensionList()) {
        self.der = der
        self.declaredLength = declaredLength
        self.extensions = extensions
    }

    /// True when the DER was not copied because it exceeded `TLSLimits.maxCertificateLength`.
    public var isOmitted: Bool { der.count != declaredLength }
}

/// A Certificate message: the sender's chain, leaf first.
public struct Certificate: Sendable, Hashable {
    /// The TLS 1.3 certificate_request_context (empty in the server's chain); nil before TLS 1.3.
    public var requestContext: [UInt8]?
    /// The entries kept, leaf first.
    public var entries: [CertificateEntry]
    /// How many entries the message held, including those past the chain limit.
    public var totalCount: Int
    /// Oddities found while parsing went on.
    public var anomalies: [TLSWireAnomaly]

    /// Reads a Certificate body; `isTLS13` selects the RFC 8446 grammar.
    public static func parse(body: UnsafeRawBufferPointer, isTLS13: Bool) throws(WireError) -> Certificate {
        var c = ByteCursor(body)
        return try read(&c, isTLS13: isTLS13)
    }

    /// Reads a Certificate from `c`, consuming all of it.
    static func read(_ c: inout ByteCursor, isTLS13: Bool) throws(WireError) -> Certificate {
        var anomalies: [TLSWireAnomaly] = []
        var context: [UInt8]? = nil
        if isTLS13 {
            var window = try c.lengthPrefixed8()
            context = window.copyRest()
        }
        let declared = Int(try c.readUInt24())
        if declared > c.remaining { anomalies.noteTruncation() }
        var list = try c.window(min(declared, c.remaining))
        if !c.isAtEnd {
            anomalies.append(.handshakeBadLength)
            c.skipRest()
        }
        var entries: [CertificateEntry] = []
        var total = 0
        while !list.isAtEnd {
            guard list.remaining >= 3, let length = try? Int(list.readUInt24()), length <= list.remaining else {
                anomalies.noteTruncation()
                break
            }
            var der = try list.window(length)
            let extensions =
                isTLS13
                ? ExtensionList.parse(&list, context: .certificate, endsMessage: false, anomalies: &anomalies)
                : ExtensionList()
            total += 1
            if length == 0 { anomalies.append(.certificateEmptyEntry) }
            if entries.count >= TLSLimits.maxCertificateChainLength {
                if total == TLSLimits.maxCertificateChainLength + 1 { anomalies.append(.certificateChainTooLong) }
                continue
            }
            if length > TLSLimits.maxCertificateLength {
                anomalies.append(.certificateTooLarge)
                entries.append(CertificateEntry(der: [], declaredLength: length, extensions: extensions))
            } else {
                entries.append(CertificateEntry(der: der.copyRest(), declaredLength: length, extensions: extensions))
            }
        }
        return Certificate(requestContext: context, entries: entries, totalCount: total, anomalies: anomalies)
    }
}

/// A stapled certificate status: a CertificateStatus message, or status_request in a TLS 1.3 entry.
public struct CertificateStatus: Sendable, Hashable {
    /// ocsp (1) in practice.
    public var statusType: CertificateStatusType
    /// The length of the OCSP response (or of the opaque body for other types).
    public var responseLength: Int
    /// The top-level OCSPResponseStatus read from the DER, when the response is OCSP and well formed.
    public var ocspResponseStatus: OCSPResponseStatus?

    /// A status with these fields.
    public init(statusType: CertificateStatusType, responseLength: Int, ocspResponseStatus: OCSPResponseStatus?) {
        self.statusType = statusType
        self.responseLength = responseLength
        self.ocspResponseStatus = ocspResponseStatus
    }

    /// Reads a CertificateStatus body.
    public static func parse(body: UnsafeRawBufferPointer) throws(WireError) -> CertificateStatus {
        var c = ByteCursor(body)
        return try read(&c)
    }

    /// Reads `CertificateStatusType status_type; OCSPResponse response<1..2^24-1>` from `c`.
    static func read(_ c: inout ByteCursor) throws(WireError) -> CertificateStatus {
        let type = CertificateStatusType(try c.readUInt8())
        guard type == .ocsp else {
            let length = c.remaining
            c.skipRest()
            return CertificateStatus(statusType: type, responseLength: length, ocspResponseStatus: nil)
        }
        var response = try c.lengthPrefixed24()
        let length = response.remaining
        return CertificateStatus(statusType: type, responseLength: length, ocspResponseStatus: ocspStatus(&response))
    }

    /// RFC 6960 section 4.2.1: `OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED, … }`. Reads the
    /// SEQUENCE header (any DER length form) and the one-byte ENUMERATED; nil if the DER does not start so.
    private static func ocspStatus(_ der: inout ByteCursor) -> OCSPResponseStatus? {
        guard (try? der.readUInt8()) == 0x30, let first = try? der.readUInt8() else { return nil }
        if first & 0x80 != 0 {
            let count = Int(first & 0x7f)
            guard count <= 4, (try? der.skip(count)) != nil else { return nil }
        }
        guard (try? der.readUInt8()) == 0x0a, (try? der.readUInt8()) == 1, let value = try? der.readUInt8() else {
            return nil
        }
        return OCSPResponseStatus(value)
    }
}

/// A CompressedCertificate message (RFC 8879 section 4).
public struct CompressedCertificate: Sendable, Hashable {
    /// The compression algorithm.
    public var algorithm: CertificateCompressionAlgorithm
    /// The length of the Certificate message once decompressed.
    public var uncompressedLength: Int
    /// The length of the compressed bytes.
    public var compressedLength: Int

    /// A message with these fields.
    public init(algorithm: CertificateCompressionAlgorithm, uncompressedLength: Int, compressedLength: Int) {
        self.algorithm = algorithm
        self.uncompressedLength = uncompressedLength
        self.compressedLength = compressedLength
    }

    /// Reads a CompressedCertificate body.
    public static func parse(body: UnsafeRawBufferPointer) throws(WireError) -> CompressedCertificate {
        var c = ByteCursor(body)
        return try read(&c)
    }

    /// Reads `algorithm; uint24 uncompressed_length; opaque compressed_certificate_message<1..2^24-1>`.
    static func read(_ c: inout ByteCursor) throws(WireError) -> CompressedCertificate {
        let algorithm = CertificateCompressionAlgorithm(try c.readUInt16())
        let uncompressed = Int(try c.readUInt24())
        let compressed = try c.lengthPrefixed24()
        return CompressedCertificate(
            algorithm: algorithm, uncompressedLength: uncompressed, compressedLength: compressed.remaining)
    }
}
