// Reading of a Name (RFC 5280 section 4.1.2.4: SEQUENCE OF SET OF AttributeTypeAndValue) from its
// SwiftASN1 node, one attribute at a time so that a broken RDN loses only itself.
//
// The RDNs are walked here rather than through swift-certificates' `DistinguishedName` because that type
// sorts the attributes of each RDN and keeps only PrintableString, UTF8String and IA5String as text; Go's
// output depends on wire order and on T61String, BMPString and loosely-encoded PrintableStrings, which
// real certificates use.

import SwiftASN1

enum NameReader {
    /// Reads a Name, adding oddities to `anomalies`.
    static func read(_ node: ASN1Node, anomalies: inout [X509Anomaly]) -> DistinguishedNameFields {
        guard node.identifier == .sequence, case .constructed(let rdns) = node.content else {
            anomalies.append(.nameMalformed)
            return DistinguishedNameFields(attributes: [])
        }
        var attributes: [NameAttribute] = []
        for (rdnIndex, rdn) in rdns.enumerated() {
            guard rdn.identifier == .set, case .constructed(let members) = rdn.content else {
                anomalies.append(.nameMalformed)
                continue
            }
            for member in members {
                guard let attribute = readAttribute(member, rdnIndex: rdnIndex, anomalies: &anomalies) else {
                    anomalies.append(.nameMalformed)
                    continue
                }
                attributes.append(attribute)
            }
        }
        return DistinguishedNameFields(attributes: attributes)
    }

    private static func readAttribute(
        _ node: ASN1Node, rdnIndex: Int, anomalies: inout [X509Anomaly]
    ) -> NameAttribute? {
        guard node.identifier == .sequence, case .constructed(let parts) = node.content else { return nil }
        var iterator = parts.makeIterator()
        guard let typeNode = iterator.next(), let valueNode = iterator.next(), iterator.next() == nil,
            let type = try? ASN1ObjectIdentifier(derEncoded: typeNode)
        else { return nil }
        let decoded = DirectoryString.decode(valueNode)
        if let anomaly = decoded.anomaly { anomalies.append(anomaly) }
        return NameAttribute(
            type: NameAttributeType(rawValue: type.description), value: decoded.text,
            valueDER: Array(valueNode.encodedBytes), rdnIndex: rdnIndex)
    }
}
