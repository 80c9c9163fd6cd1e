// The subjectAltName extension (RFC 5280 section 4.2.1.6), one GeneralName at a time.
//
// Each GeneralName is decoded with swift-certificates' `GeneralName`; one that does not decode is skipped
// and reported, the others are kept (Go, and so Packetbeat, drops the whole certificate instead). IP
// addresses are printed as Go's `net.IP.String()` does: dotted IPv4, an IPv4-mapped IPv6 address as its
// IPv4 form, other IPv6 addresses in RFC 5952 section 4 form (lower case, longest run of two or more zero
// groups compressed, the first of equal runs).

import SwiftASN1
import X509

enum AlternativeNamesReader {
    /// Reads the value octets of a subjectAltName extension.
    static func read(_ value: ArraySlice<UInt8>, anomalies: inout [X509Anomaly]) -> [AlternativeName] {
        guard let node = try? DER.parse(value), node.identifier == .sequence,
            case .constructed(let entries) = node.content
        else {
            anomalies.append(.sanMalformed)
            return []
        }
        var names: [AlternativeName] = []
        for entry in entries {
            guard let generalName = try? GeneralName(derEncoded: entry) else {
                anomalies.append(.sanMalformed)
                continue
            }
            switch generalName {
            case .dnsName(let name): names.append(AlternativeName(.dnsName, name))
            case .rfc822Name(let name): names.append(AlternativeName(.emailAddress, name))
            case .uniformResourceIdentifier(let uri): names.append(AlternativeName(.uri, uri))
            case .ipAddress(let octets):
                if let text = ipText(octets.bytes) {
                    names.append(AlternativeName(.ipAddress, text))
                } else {
                    anomalies.append(.sanBadIPLength)
                }
            case .directoryName(let name): names.append(AlternativeName(.directoryName, String(describing: name)))
            case .registeredID(let oid): names.append(AlternativeName(.registeredID, oid.description))
            case .otherName(let other):
                let value = (try? derBytes(other.value)).map { "=#" + Hex.lower($0) } ?? ""
                names.append(AlternativeName(.otherName, other.typeID.description + value))
            case .x400Address: names.append(AlternativeName(.x400Address, "#" + Hex.lower(entry.encodedBytes)))
            case .ediPartyName: names.append(AlternativeName(.ediPartyName, "#" + Hex.lower(entry.encodedBytes)))
            }
        }
        return names
    }

    private static func derBytes(_ value: ASN1Any?) throws -> [UInt8] {
        guard let value else { return [] }
        var serializer = DER.Serializer()
        try serializer.serialize(value)
        return serializer.serializedBytes
    }

    /// Go's `net.IP.String()` for a 4- or 16-octet address; nil for any other length.
    static func ipText(_ octets: ArraySlice<UInt8>) -> String? {
        let bytes = Array(octets)
        switch bytes.count {
        case 4:
            return bytes.map(String.init).joined(separator: ".")
        case 16:
            if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
                return bytes[12...].map(String.init).joined(separator: ".")
            }
            let groups = (0..<8).map { UInt16(bytes[2 * $0]) << 8 | UInt16(bytes[2 * $0 + 1]) }
            var bestStart = -1
            var bestLength = 1
            var index = 0
            while index < 8 {
                var end = index
                while end < 8 && groups[end] == 0 { end += 1 }
                if end - index > bestLength {
                    bestStart = index
                    bestLength = end - index
                }
                index = max(end, index + 1)
            }
            func hex(_ range: Range<Int>) -> String {
                range.map { String(groups[$0], radix: 16) }.joined(separator: ":")
            }
            guard bestStart >= 0 else { return hex(0..<8) }
            return hex(0..<bestStart) + "::" + hex(bestStart + bestLength..<8)
        default:
            return nil
        }
    }
}
