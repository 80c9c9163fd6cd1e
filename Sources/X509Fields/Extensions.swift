// The extensions of a v3 certificate (RFC 5280 section 4.2), read one by one with swift-certificates'
// `Certificate.Extension` so that one unreadable extension is skipped and reported while the others are
// kept (rusticata/x509-parser's rule; Go rejects the certificate).
//
// Only the subjectAltName value is interpreted (Packetbeat publishes nothing else from extensions); the
// others are checked for structure, duplicates (RFC 5280 section 4.2: "A certificate MUST NOT include more
// than one instance of a particular extension") and criticality the reader does not understand.

import SwiftASN1
import X509

enum ExtensionsReader {
    /// What the rest of the reader needs from the extensions.
    struct Extracted {
        /// The value octets of the first subjectAltName extension.
        var subjectAltName: ArraySlice<UInt8>?
    }

    private static let subjectAltName: ASN1ObjectIdentifier = [2, 5, 29, 17]

    /// Extensions a reader is expected to know when they are critical: RFC 5280 section 4.2.1, the
    /// Certificate Transparency SCT list (RFC 6962 section 3.3), the TLS feature (RFC 7633) and the
    /// authority/subject information access (RFC 5280 sections 4.2.2.1-2).
    private static let known: Set<ASN1ObjectIdentifier> = [
        [2, 5, 29, 9], [2, 5, 29, 14], [2, 5, 29, 15], [2, 5, 29, 17], [2, 5, 29, 18], [2, 5, 29, 19],
        [2, 5, 29, 30], [2, 5, 29, 31], [2, 5, 29, 32], [2, 5, 29, 33], [2, 5, 29, 35], [2, 5, 29, 36],
        [2, 5, 29, 37], [2, 5, 29, 46], [2, 5, 29, 54], [1, 3, 6, 1, 5, 5, 7, 1, 1], [1, 3, 6, 1, 5, 5, 7, 1, 11],
        [1, 3, 6, 1, 5, 5, 7, 1, 24], [1, 3, 6, 1, 4, 1, 11129, 2, 4, 2], [1, 3, 6, 1, 4, 1, 11129, 2, 4, 3],
    ]

    /// Reads the `[3] EXPLICIT Extensions` node.
    static func read(_ node: ASN1Node, anomalies: inout [X509Anomaly]) -> Extracted {
        var extracted = Extracted()
        guard case .constructed(let wrapped) = node.content, let list = wrapped.first(where: { _ in true }),
            list.identifier == .sequence, case .constructed(let entries) = list.content
        else {
            anomalies.append(.extensionsMalformed)
            return extracted
        }
        var seen = Set<ASN1ObjectIdentifier>()
        for entry in entries {
            guard let parsed = try? Certificate.Extension(derEncoded: entry) else {
                anomalies.append(.extensionMalformed)
                continue
            }
            guard seen.insert(parsed.oid).inserted else {
                anomalies.append(.extensionDuplicate)
                continue
            }
            if parsed.critical && !known.contains(parsed.oid) { anomalies.append(.extensionUnknownCritical) }
            if parsed.oid == subjectAltName { extracted.subjectAltName = parsed.value }
        }
        return extracted
    }
}
