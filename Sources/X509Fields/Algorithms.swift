// Signature and public-key algorithms (RFC 5280 sections 4.1.1.2 and 4.1.2.7) named as Packetbeat names
// them through Go's crypto/x509.
//
// Signature names come from Go's `signatureAlgorithmDetails` table (`SHA256-RSA`, `ECDSA-SHA384`, ...).
// RSASSA-PSS (RFC 4055 section 3.1) is named only in Go's three buckets: explicit hash, MGF1 with the same
// hash, salt length equal to the hash length, trailer 1; other parameter sets, like algorithms Go does
// not know, are reported by dotted OID (Go prints `0`). Key sizes follow Packetbeat's `getKeySize`: RSA
// modulus bits, DSA prime bits, ECDSA curve bits, nothing for Edwards or Montgomery keys. Go rejects
// certificates on curves other than P-224/256/384/521; they are named here anyway.

import SwiftASN1

/// An AlgorithmIdentifier (RFC 5280 section 4.1.1.2) as SwiftASN1 nodes.
struct AlgorithmIdentifierNode {
    var oid: ASN1ObjectIdentifier
    var parameters: ASN1Node?

    init?(_ node: ASN1Node) {
        guard node.identifier == .sequence, case .constructed(let parts) = node.content else { return nil }
        var iterator = parts.makeIterator()
        guard let oidNode = iterator.next(), let oid = try? ASN1ObjectIdentifier(derEncoded: oidNode) else {
            return nil
        }
        self.oid = oid
        self.parameters = iterator.next()
        guard iterator.next() == nil else { return nil }
    }

    /// Parameters absent or NULL, as RFC 4055 and Go accept for hash identifiers.
    var hasNoParameters: Bool {
        guard let parameters else { return true }
        return parameters.identifier == .null && parameters.encodedBytes.count == 2
    }
}

enum SignatureAlgorithmName {
    private static let goNames: [ASN1ObjectIdentifier: String] = [
        [1, 2, 840, 113_549, 1, 1, 2]: "MD2-RSA",
        [1, 2, 840, 113_549, 1, 1, 4]: "MD5-RSA",
        [1, 2, 840, 113_549, 1, 1, 5]: "SHA1-RSA",
        [1, 3, 14, 3, 2, 29]: "SHA1-RSA",
        [1, 2, 840, 113_549, 1, 1, 11]: "SHA256-RSA",
        [1, 2, 840, 113_549, 1, 1, 12]: "SHA384-RSA",
        [1, 2, 840, 113_549, 1, 1, 13]: "SHA512-RSA",
        [1, 2, 840, 10040, 4, 3]: "DSA-SHA1",
        [2, 16, 840, 1, 101, 3, 4, 3, 2]: "DSA-SHA256",
        [1, 2, 840, 10045, 4, 1]: "ECDSA-SHA1",
        [1, 2, 840, 10045, 4, 3, 2]: "ECDSA-SHA256",
        [1, 2, 840, 10045, 4, 3, 3]: "ECDSA-SHA384",
        [1, 2, 840, 10045, 4, 3, 4]: "ECDSA-SHA512",
    ]
    private static let ed25519: ASN1ObjectIdentifier = [1, 3, 101, 112]
    private static let rsassaPSS: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 1, 10]
    private static let mgf1: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 1, 8]
    private static let pssBuckets: [ASN1ObjectIdentifier: (salt: Int, name: String)] = [
        [2, 16, 840, 1, 101, 3, 4, 2, 1]: (32, "SHA256-RSAPSS"),
        [2, 16, 840, 1, 101, 3, 4, 2, 2]: (48, "SHA384-RSAPSS"),
        [2, 16, 840, 1, 101, 3, 4, 2, 3]: (64, "SHA512-RSAPSS"),
    ]

    /// Go's `SignatureAlgorithm.String()`, or nil where Go has no name.
    static func goName(_ algorithm: AlgorithmIdentifierNode) -> String? {
        if algorithm.oid == ed25519 { return algorithm.parameters == nil ? "Ed25519" : nil }
        if algorithm.oid == rsassaPSS { return pssName(algorithm.parameters) }
        return goNames[algorithm.oid]
    }

    /// RSASSA-PSS-params: `[0]` hash, `[1]` mask generation, `[2]` salt length, optional `[3]` trailer.
    private static func pssName(_ parameters: ASN1Node?) -> String? {
        guard let parameters, parameters.identifier == .sequence, case .constructed(let fields) = parameters.content
        else { return nil }
        var explicit: [UInt: ASN1Node] = [:]
        for field in fields {
            guard field.identifier.tagClass == .contextSpecific, case .constructed(let inner) = field.content else {
                return nil
            }
            var iterator = inner.makeIterator()
            guard let value = iterator.next(), iterator.next() == nil else { return nil }
            explicit[field.identifier.tagNumber] = value
        }
        guard let hashNode = explicit[0], let maskNode = explicit[1], let saltNode = explicit[2],
            let hash = AlgorithmIdentifierNode(hashNode), hash.hasNoParameters,
            let mask = AlgorithmIdentifierNode(maskNode), mask.oid == mgf1,
            let maskHashNode = mask.parameters, let maskHash = AlgorithmIdentifierNode(maskHashNode),
            maskHash.oid == hash.oid, maskHash.hasNoParameters,
            let salt = try? Int(derEncoded: saltNode)
        else { return nil }
        if let trailerNode = explicit[3] {
            guard let trailer = try? Int(derEncoded: trailerNode), trailer == 1 else { return nil }
        }
        guard let bucket = pssBuckets[hash.oid], bucket.salt == salt else { return nil }
        return bucket.name
    }
}

/// What Packetbeat and ECS publish about the subject public key.
struct PublicKeyFields: Equatable {
    var algorithm: String?
    var algorithmOID: String?
    var size: Int?
    var curve: String?
    var exponent: Int?

    private static let rsa: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 1, 1]
    private static let rsassaPSS: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 1, 10]
    private static let dsa: ASN1ObjectIdentifier = [1, 2, 840, 10040, 4, 1]
    private static let ecPublicKey: ASN1ObjectIdentifier = [1, 2, 840, 10045, 2, 1]
    private static let otherNames: [ASN1ObjectIdentifier: String] = [
        [1, 3, 101, 110]: "X25519", [1, 3, 101, 111]: "X448", [1, 3, 101, 112]: "Ed25519", [1, 3, 101, 113]: "Ed448",
    ]
    private static let curves: [ASN1ObjectIdentifier: (name: String, bits: Int)] = [
        [1, 3, 132, 0, 33]: ("nistp224", 224),
        [1, 2, 840, 10045, 3, 1, 7]: ("nistp256", 256),
        [1, 3, 132, 0, 34]: ("nistp384", 384),
        [1, 3, 132, 0, 35]: ("nistp521", 521),
        [1, 3, 132, 0, 10]: ("secp256k1", 256),
        [1, 3, 36, 3, 3, 2, 8, 1, 1, 7]: ("brainpoolP256r1", 256),
        [1, 3, 36, 3, 3, 2, 8, 1, 1, 11]: ("brainpoolP384r1", 384),
        [1, 3, 36, 3, 3, 2, 8, 1, 1, 13]: ("brainpoolP512r1", 512),
    ]

    /// Reads a SubjectPublicKeyInfo node, adding `x509.public_key.malformed` when a part cannot be read.
    static func read(_ node: ASN1Node, anomalies: inout [X509Anomaly]) -> PublicKeyFields {
        var fields = PublicKeyFields()
        guard case .constructed(let parts) = node.content else {
            anomalies.append(.publicKeyMalformed)
            return fields
        }
        var iterator = parts.makeIterator()
        guard let algorithmNode = iterator.next(), let algorithm = AlgorithmIdentifierNode(algorithmNode) else {
            anomalies.append(.publicKeyMalformed)
            return fields
        }
        let oid = algorithm.oid
        fields.algorithmOID = oid.description
        let key = iterator.next().flatMap { try? ASN1BitString(derEncoded: $0) }?.bytes
        var readable = key != nil
        switch oid {
        case rsa, rsassaPSS:
            fields.algorithm = oid == rsa ? "RSA" : "RSASSA-PSS"
            if let key, let integers = integers(in: key), integers.count == 2 {
                fields.size = bitLength(integers[0])
                fields.exponent = smallInteger(integers[1])
            } else {
                readable = false
            }
        case dsa:
            fields.algorithm = "DSA"
            if let parameters = algorithm.parameters, let values = integers(in: parameters), values.count == 3 {
                fields.size = bitLength(values[0])
            } else if let key, let y = try? DER.parse(key), case .primitive(let content) = y.content {
                fields.size = bitLength(content)
            } else {
                readable = false
            }
        case ecPublicKey:
            fields.algorithm = "ECDSA"
            if let curveNode = algorithm.parameters, let curve = try? ASN1ObjectIdentifier(derEncoded: curveNode) {
                fields.curve = curves[curve]?.name ?? curve.description
                fields.size = curves[curve]?.bits
            }
        default:
            fields.algorithm = otherNames[oid] ?? oid.description
        }
        if !readable { anomalies.append(.publicKeyMalformed) }
        return fields
    }

    /// The content octets of the INTEGERs in a SEQUENCE, either a node or DER bytes.
    private static func integers(in node: ASN1Node) -> [ArraySlice<UInt8>]? {
        guard node.identifier == .sequence, case .constructed(let children) = node.content else { return nil }
        var values: [ArraySlice<UInt8>] = []
        for child in children {
            guard child.identifier == .integer, case .primitive(let content) = child.content else { return nil }
            values.append(content)
        }
        return values
    }

    private static func integers(in der: ArraySlice<UInt8>) -> [ArraySlice<UInt8>]? {
        guard let node = try? DER.parse(der) else { return nil }
        return integers(in: node)
    }

    /// Bits in an unsigned big-endian magnitude (Go's `big.Int.BitLen`).
    static func bitLength(_ content: ArraySlice<UInt8>) -> Int? {
        let significant = content.drop { $0 == 0 }
        guard let first = significant.first else { return nil }
        return (significant.count - 1) * 8 + (8 - first.leadingZeroBitCount)
    }

    private static func smallInteger(_ content: ArraySlice<UInt8>) -> Int? {
        let significant = content.drop { $0 == 0 }
        guard significant.count < 8 || (significant.count == 8 && (significant.first ?? 0) < 0x80) else { return nil }
        return significant.reduce(0) { $0 << 8 | Int($1) }
    }
}
