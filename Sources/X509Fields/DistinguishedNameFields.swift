// An issuer or subject Name (RFC 5280 section 4.1.2.4) as Packetbeat publishes it, through Go's pkix.Name.
//
// Go reads the attributes into named fields (last CN and SERIALNUMBER win; C, O, OU, L, ST, STREET and
// POSTALCODE collect lists) and `Name.String()` rebuilds the DN from those fields, not from the RDNs on the
// wire: attributes it does not name come first in the sequence, then C, ST, L, STREET, POSTALCODE, O, OU,
// CN, SERIALNUMBER, one RDN per attribute type (repeated values joined with `+`), and `RDNSequence.String()`
// prints the sequence in reverse, comma-separated (crypto/x509/pkix, Go issue 39924). Values are escaped
// after RFC 4514 section 2.4 (`,+"\<>;` anywhere, a leading `#` or space, a trailing space); unnamed types
// print as the dotted OID and `#` with the hex of the value re-marshalled by encoding/asn1 (a
// PrintableString when Go's PrintableString set covers it, otherwise a UTF8String). A multi-valued RDN on
// the wire is therefore split by type, exactly as Go does. Packetbeat joins list fields with a space.

/// The OID of a name attribute, as an open set with Go's short names.
public struct NameAttributeType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The dotted OID, e.g. `2.5.4.3`.
    public let rawValue: String

    /// Wraps a dotted OID.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// commonName (CN).
    public static let commonName = NameAttributeType(rawValue: "2.5.4.3")
    /// serialNumber (SERIALNUMBER).
    public static let serialNumber = NameAttributeType(rawValue: "2.5.4.5")
    /// countryName (C).
    public static let country = NameAttributeType(rawValue: "2.5.4.6")
    /// localityName (L).
    public static let locality = NameAttributeType(rawValue: "2.5.4.7")
    /// stateOrProvinceName (ST).
    public static let stateOrProvince = NameAttributeType(rawValue: "2.5.4.8")
    /// streetAddress (STREET).
    public static let streetAddress = NameAttributeType(rawValue: "2.5.4.9")
    /// organizationName (O).
    public static let organization = NameAttributeType(rawValue: "2.5.4.10")
    /// organizationalUnitName (OU).
    public static let organizationalUnit = NameAttributeType(rawValue: "2.5.4.11")
    /// postalCode (POSTALCODE).
    public static let postalCode = NameAttributeType(rawValue: "2.5.4.17")

    /// The short name Go prints (`CN`, `C`, `L`, `ST`, `O`, `OU`, `STREET`, `POSTALCODE`, `SERIALNUMBER`);
    /// nil for every other type, which Go prints as a dotted OID.
    public var goShortName: String? {
        switch self {
        case .commonName: "CN"
        case .serialNumber: "SERIALNUMBER"
        case .country: "C"
        case .locality: "L"
        case .stateOrProvince: "ST"
        case .streetAddress: "STREET"
        case .organization: "O"
        case .organizationalUnit: "OU"
        case .postalCode: "POSTALCODE"
        default: nil
        }
    }

    /// The dotted OID.
    public var description: String { rawValue }
}

/// One attribute of a Name, as found on the wire.
public struct NameAttribute: Sendable, Hashable {
    /// The attribute type.
    public var type: NameAttributeType
    /// The value decoded as text; nil when the value is not a string type.
    public var value: String?
    /// The value's complete DER (tag, length, content).
    public var valueDER: [UInt8]
    /// Position of the attribute's RDN in the Name, 0 for the first (least specific) one.
    public var rdnIndex: Int

    /// Creates an attribute.
    public init(type: NameAttributeType, value: String?, valueDER: [UInt8], rdnIndex: Int) {
        self.type = type
        self.value = value
        self.valueDER = valueDER
        self.rdnIndex = rdnIndex
    }
}

/// An issuer or subject name with the fields Packetbeat derives from it.
public struct DistinguishedNameFields: Sendable, Equatable {
    /// Every readable attribute, in wire order (RDN by RDN, attributes in each RDN as encoded).
    public var attributes: [NameAttribute]
    /// Go's `pkix.Name.String()`: `CN=www.example.org,OU=Technology,O=…,L=Los Angeles,ST=California,C=US`.
    public var distinguishedName: String

    /// Builds the fields of a Name from its attributes.
    public init(attributes: [NameAttribute]) {
        self.attributes = attributes
        self.distinguishedName = GoName.string(attributes)
    }

    /// Every string value of one attribute type, in wire order.
    public func values(_ type: NameAttributeType) -> [String] {
        attributes.compactMap { $0.type == type ? $0.value : nil }
    }

    /// The common name as Go keeps it: the last CN value; nil when absent or empty.
    public var commonName: String? { nonEmpty(values(.commonName).last) }
    /// The serialNumber attribute as Go keeps it: the last value; nil when absent or empty.
    public var serialNumber: String? { nonEmpty(values(.serialNumber).last) }
    /// Countries, joined with a space as Packetbeat does; nil when absent or empty.
    public var country: String? { joined(.country) }
    /// Organizations, joined with a space; nil when absent or empty.
    public var organization: String? { joined(.organization) }
    /// Organizational units, joined with a space; nil when absent or empty.
    public var organizationalUnit: String? { joined(.organizationalUnit) }
    /// Localities, joined with a space; nil when absent or empty.
    public var locality: String? { joined(.locality) }
    /// States or provinces (`province` / `state_or_province`), joined with a space; nil when absent or empty.
    public var stateOrProvince: String? { joined(.stateOrProvince) }
    /// Street addresses, joined with a space; nil when absent or empty.
    public var streetAddress: String? { joined(.streetAddress) }
    /// Postal codes, joined with a space; nil when absent or empty.
    public var postalCode: String? { joined(.postalCode) }

    private func joined(_ type: NameAttributeType) -> String? {
        nonEmpty(values(type).joined(separator: " "))
    }

    private func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }
}

/// Go's `pkix.Name.String()` over attributes read from the wire.
enum GoName {
    /// The attribute types Go parses into named fields, in `Name.ToRDNSequence` order.
    private static let namedOrder: [NameAttributeType] = [
        .country, .stateOrProvince, .locality, .streetAddress, .postalCode, .organization, .organizationalUnit,
    ]

    static func string(_ attributes: [NameAttribute]) -> String {
        var sequence: [[String]] = []
        // Types Go does not name, and values Go could not have parsed, first: they print last.
        for attribute in attributes where attribute.type.goShortName == nil || attribute.value == nil {
            sequence.append([unnamed(attribute)])
        }
        for type in namedOrder {
            let values = attributes.compactMap { $0.type == type ? $0.value : nil }
            if !values.isEmpty {
                sequence.append(values.map { named(type, $0) })
            }
        }
        for type in [NameAttributeType.commonName, .serialNumber] {
            if let last = attributes.last(where: { $0.type == type && $0.value != nil })?.value, !last.isEmpty {
                sequence.append([named(type, last)])
            }
        }
        return sequence.reversed().map { $0.joined(separator: "+") }.joined(separator: ",")
    }

    private static func named(_ type: NameAttributeType, _ value: String) -> String {
        (type.goShortName ?? type.rawValue) + "=" + escape(value)
    }

    private static func unnamed(_ attribute: NameAttribute) -> String {
        let key = attribute.type.goShortName ?? attribute.type.rawValue
        // Go re-marshals the parsed string; a value it could not parse keeps its own DER.
        let der = attribute.value.map(marshalString) ?? attribute.valueDER
        return key + "=#" + Hex.lower(der)
    }

    /// RFC 4514 section 2.4 escaping as `RDNSequence.String()` applies it.
    static func escape(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        let lastOffset = value.utf8.count - 1
        var offset = 0
        for scalar in value.unicodeScalars {
            let needsEscape: Bool
            switch scalar {
            case ",", "+", "\"", "\\", "<", ">", ";": needsEscape = true
            case " ": needsEscape = offset == 0 || offset == lastOffset
            case "#": needsEscape = offset == 0
            default: needsEscape = false
            }
            if needsEscape { out.append("\\") }
            out.unicodeScalars.append(scalar)
            offset += UTF8.width(scalar)
        }
        return out
    }

    /// encoding/asn1's `Marshal` of a Go string: PrintableString when every character is in Go's
    /// PrintableString set (without `*` and `&`), otherwise UTF8String.
    static func marshalString(_ value: String) -> [UInt8] {
        let content = Array(value.utf8)
        let printable = content.allSatisfy { DirectoryString.isGoPrintable($0, allowAsteriskAndAmpersand: false) }
        var der: [UInt8] = [printable ? 0x13 : 0x0C]
        if content.count < 0x80 {
            der.append(UInt8(content.count))
        } else {
            var length = content.count
            var lengthBytes: [UInt8] = []
            while length > 0 {
                lengthBytes.insert(UInt8(length & 0xFF), at: 0)
                length >>= 8
            }
            der.append(0x80 | UInt8(lengthBytes.count))
            der += lengthBytes
        }
        return der + content
    }
}
