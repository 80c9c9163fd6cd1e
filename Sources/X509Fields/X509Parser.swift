// The front door: certificate DER in, `CertificateFields` out (RFC 5280 section 4.1).
//
// Two readings are made of every certificate. swift-certificates' strict `Certificate` parser is the
// oracle for conformance: when it rejects the DER (DSA, X25519 or brainpool keys, unknown signature
// algorithms, negative serials, non-DER encodings, duplicate extensions, ...) the certificate gets
// `x509.certificate.strict_parse_failed`. The fields themselves always come from a lenient walk of the
// TBSCertificate with SwiftASN1 nodes, each part on its own, using swift-certificates' `Extension` and
// `GeneralName` for the extensions: `Certificate` does not expose algorithm OIDs and parameters, nor any
// key it does not support, so one reading path for every certificate keeps accepted and rejected
// certificates from being described by two implementations that could drift apart. One broken part
// (an extension, a name, a time, the key) costs only that part.

import SwiftASN1
import X509

/// Reads X.509 certificates into the fields Packetbeat publishes.
public enum X509Parser {
    /// The fields of a certificate, or nil when `der` is not a certificate (see `parse(der:)` for why).
    public static func fields(der: [UInt8]) -> CertificateFields? {
        try? parse(der: der)
    }

    /// The fields of a certificate; throws when `der` is not a certificate at all. A certificate with odd or
    /// unreadable parts does not throw: the parts that can be read are returned and the others named in
    /// `anomalies`.
    public static func parse(der: [UInt8]) throws(X509ParseError) -> CertificateFields {
        guard !der.isEmpty else { throw X509ParseError(code: .empty, reason: "no bytes") }
        var anomalies: [X509Anomaly] = []
        let root: ASN1Node
        if let strict = try? DER.parse(der) {
            root = strict
        } else if let relaxed = try? BER.parse(der) {
            root = relaxed
            anomalies.append(.notDER)
        } else {
            throw X509ParseError(code: .notDER, reason: "not one complete BER/DER element")
        }
        let skeleton = try Skeleton(root)
        if (try? Certificate(derEncoded: der)) == nil { anomalies.append(.strictParseFailed) }

        var fields = CertificateFields(
            derLength: der.count, versionNumber: nil, serialDecimal: nil, serialHex: nil,
            subject: DistinguishedNameFields(attributes: []), issuer: DistinguishedNameFields(attributes: []),
            notBefore: nil, notAfter: nil, alternativeNames: [], publicKeyAlgorithm: nil,
            publicKeyAlgorithmOID: nil, publicKeySize: nil, publicKeyCurve: nil, publicKeyExponent: nil,
            signatureAlgorithm: nil, signatureAlgorithmOID: nil, fingerprints: Fingerprints(der: der),
            anomalies: [])

        fields.versionNumber = readVersion(skeleton.version, anomalies: &anomalies)
        if case .primitive(let content) = skeleton.serial.content,
            let serial = SerialNumberText.read(content, anomalies: &anomalies)
        {
            fields.serialDecimal = serial.decimal
            fields.serialHex = serial.hex
        }
        readSignatureAlgorithm(skeleton, into: &fields, anomalies: &anomalies)
        fields.issuer = NameReader.read(skeleton.issuer, anomalies: &anomalies)
        (fields.notBefore, fields.notAfter) = ValidityReader.read(skeleton.validity, anomalies: &anomalies)
        fields.subject = NameReader.read(skeleton.subject, anomalies: &anomalies)
        let key = PublicKeyFields.read(skeleton.subjectPublicKeyInfo, anomalies: &anomalies)
        fields.publicKeyAlgorithm = key.algorithm
        fields.publicKeyAlgorithmOID = key.algorithmOID
        fields.publicKeySize = key.size
        fields.publicKeyCurve = key.curve
        fields.publicKeyExponent = key.exponent
        if let extensions = skeleton.extensions {
            let read = ExtensionsReader.read(extensions, anomalies: &anomalies)
            if let san = read.subjectAltName {
                fields.alternativeNames = AlternativeNamesReader.read(san, anomalies: &anomalies)
            }
        }
        if skeleton.signature.identifier != .bitString { anomalies.append(.signatureMalformed) }

        var seen = Set<X509Anomaly>()
        fields.anomalies = anomalies.filter { seen.insert($0).inserted }
        return fields
    }

    /// `[0] EXPLICIT Version DEFAULT v1`, 1-based; a negative version is malformed.
    private static func readVersion(_ node: ASN1Node?, anomalies: inout [X509Anomaly]) -> Int? {
        guard let node else { return 1 }
        guard case .constructed(let inner) = node.content, let integer = inner.first(where: { _ in true }),
            let raw = try? Int(derEncoded: integer), (0..<Int.max).contains(raw)
        else {
            anomalies.append(.versionMalformed)
            return nil
        }
        if !(0...2).contains(raw) { anomalies.append(.versionUnknown) }
        return raw + 1
    }

    private static func readSignatureAlgorithm(
        _ skeleton: Skeleton, into fields: inout CertificateFields, anomalies: inout [X509Anomaly]
    ) {
        if skeleton.innerSignatureAlgorithm.encodedBytes != skeleton.signatureAlgorithm.encodedBytes {
            anomalies.append(.signatureAlgorithmMismatch)
        }
        guard let algorithm = AlgorithmIdentifierNode(skeleton.signatureAlgorithm) else {
            anomalies.append(.signatureAlgorithmMalformed)
            return
        }
        fields.signatureAlgorithmOID = algorithm.oid.description
        fields.signatureAlgorithm = SignatureAlgorithmName.goName(algorithm) ?? algorithm.oid.description
    }
}

/// The parts of a certificate whose presence and tags make it a certificate (RFC 5280 section 4.1).
struct Skeleton {
    var version: ASN1Node?
    var serial: ASN1Node
    var innerSignatureAlgorithm: ASN1Node
    var issuer: ASN1Node
    var validity: ASN1Node
    var subject: ASN1Node
    var subjectPublicKeyInfo: ASN1Node
    var extensions: ASN1Node?
    var signatureAlgorithm: ASN1Node
    var signature: ASN1Node

    private static let versionTag = ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)
    private static let extensionsTag = ASN1Identifier(tagWithNumber: 3, tagClass: .contextSpecific)

    init(_ root: ASN1Node) throws(X509ParseError) {
        guard root.identifier == .sequence, case .constructed(let top) = root.content else {
            throw .notCertificate("the outer element is not a SEQUENCE")
        }
        let parts = Array(top)
        guard parts.count == 3, parts[0].identifier == .sequence, parts[1].identifier == .sequence,
            case .constructed(let tbsChildren) = parts[0].content
        else { throw .notCertificate("not SEQUENCE { tbsCertificate, signatureAlgorithm, signature }") }
        signatureAlgorithm = parts[1]
        signature = parts[2]

        var tbs = Array(tbsChildren)[...]
        if tbs.first?.identifier == Self.versionTag { version = tbs.removeFirst() }
        let expected: [ASN1Identifier] = [.integer, .sequence, .sequence, .sequence, .sequence, .sequence]
        guard tbs.count >= expected.count, zip(tbs, expected).allSatisfy({ $0.identifier == $1 }) else {
            throw .notCertificate("the TBSCertificate lacks serial, signature, issuer, validity, subject or key")
        }
        serial = tbs.removeFirst()
        innerSignatureAlgorithm = tbs.removeFirst()
        issuer = tbs.removeFirst()
        validity = tbs.removeFirst()
        subject = tbs.removeFirst()
        subjectPublicKeyInfo = tbs.removeFirst()
        extensions = tbs.first { $0.identifier == Self.extensionsTag }
    }
}
