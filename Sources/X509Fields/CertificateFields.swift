// The values Packetbeat publishes for one certificate (tls.detailed.server_certificate.*, ECS x509.*).
//
// Formats follow what Packetbeat 8 prints through Go's crypto/x509 (packetbeat/protos/tls/parse.go,
// `certToMap`): a 1-based version, a decimal serial, Go's names for algorithms, Go's `pkix.Name.String()`
// for distinguished names, and subject alternative names ordered DNS, email, IP. Values Packetbeat leaves
// out but ECS defines (hex serial, curve, exponent, URIs) are carried too, for the mapper to choose.
// RFC 5280 section 4.1 names the certificate fields read here.

/// The fields of one X.509 certificate, read from its DER encoding.
public struct CertificateFields: Sendable, Equatable {
    /// Length of the certificate's DER encoding, in bytes.
    public var derLength: Int
    /// The X.509 version, 1-based as Packetbeat publishes it (`version_number`: 3 for a v3 certificate);
    /// nil when the version field cannot be read.
    public var versionNumber: Int?
    /// The serial number as a signed decimal string, as in `tls.detailed.*.serial_number`
    /// (`"21020869104500376438182461249190639870"`); nil when unreadable or over `X509Limits.maxSerialOctets`.
    public var serialDecimal: String?
    /// The serial number as upper-case hex of its magnitude, two digits per octet, no colons, `-` in front
    /// when negative (`"0FD078DD48F1A2BD4D0F2BA96B6038FE"`, as OpenSSL prints it; ECS `x509.serial_number`).
    public var serialHex: String?
    /// The subject name.
    public var subject: DistinguishedNameFields
    /// The issuer name.
    public var issuer: DistinguishedNameFields
    /// Start of the validity period, nil when unreadable.
    public var notBefore: CertificateTime?
    /// End of the validity period, nil when unreadable.
    public var notAfter: CertificateTime?
    /// Every readable subject alternative name, in certificate order.
    public var alternativeNames: [AlternativeName]
    /// Go's name for the public key algorithm (`"RSA"`, `"ECDSA"`, `"DSA"`, `"Ed25519"`), or `"X25519"`,
    /// `"X448"`, `"Ed448"`, `"RSASSA-PSS"`, or the dotted OID of an unknown algorithm; nil when unreadable.
    public var publicKeyAlgorithm: String?
    /// The dotted OID of the public key algorithm.
    public var publicKeyAlgorithmOID: String?
    /// Key size in bits as Packetbeat publishes it: RSA modulus length, DSA prime length, ECDSA curve size;
    /// nil for Edwards and Montgomery keys (Packetbeat omits the field for them) and unknown curves.
    public var publicKeySize: Int?
    /// The named curve of an elliptic-curve key (`"nistp256"`, `"secp256k1"`, `"brainpoolP256r1"`, ECS
    /// `x509.public_key_curve` style), or its dotted OID when unknown.
    public var publicKeyCurve: String?
    /// The RSA public exponent (ECS `x509.public_key_exponent`), when it fits in an `Int`.
    public var publicKeyExponent: Int?
    /// Go's `SignatureAlgorithm.String()` (`"SHA256-RSA"`, `"ECDSA-SHA384"`, `"SHA256-RSAPSS"`, `"Ed25519"`);
    /// for an algorithm Go does not name, the dotted OID (Go itself prints `"0"`). Nil when unreadable.
    public var signatureAlgorithm: String?
    /// The dotted OID of the signature algorithm.
    public var signatureAlgorithmOID: String?
    /// Fingerprints of the DER, upper-case hex without colons.
    public var fingerprints: Fingerprints
    /// Oddities found while reading, each name once, in the order found.
    public var anomalies: [X509Anomaly]

    /// Packetbeat's `alternative_names`: DNS names, then email addresses, then IP addresses, each group in
    /// certificate order (Go's `DNSNames`, `EmailAddresses`, `IPAddresses`). URIs and other kinds are left
    /// out, as Packetbeat does; they stay in `alternativeNames`.
    public var packetbeatAlternativeNames: [String] {
        let groups: [AlternativeName.Kind] = [.dnsName, .emailAddress, .ipAddress]
        return groups.flatMap { kind in alternativeNames.lazy.filter { $0.kind == kind }.map { $0.value } }
    }
}

/// One subject alternative name (RFC 5280 section 4.2.1.6).
public struct AlternativeName: Sendable, Hashable {
    /// Which GeneralName choice the name is.
    public enum Kind: Sendable, Hashable {
        /// dNSName.
        case dnsName
        /// rfc822Name.
        case emailAddress
        /// iPAddress, in Go's text form.
        case ipAddress
        /// uniformResourceIdentifier.
        case uri
        /// directoryName, as an RFC 4514 string.
        case directoryName
        /// registeredID, as a dotted OID.
        case registeredID
        /// otherName, as `<type-id>=#<hex of the value's DER>`.
        case otherName
        /// x400Address, as `#<hex of its DER>`.
        case x400Address
        /// ediPartyName, as `#<hex of its DER>`.
        case ediPartyName
    }

    /// Which kind of name this is.
    public var kind: Kind
    /// The name as text.
    public var value: String

    /// Creates a name.
    public init(_ kind: Kind, _ value: String) {
        self.kind = kind
        self.value = value
    }
}

/// A certificate validity time, in UTC.
public struct CertificateTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Year, 1950...2049 for UTCTime, 0...9999 for GeneralizedTime.
    public var year: Int
    /// Month, 1...12.
    public var month: Int
    /// Day of the month, 1...31.
    public var day: Int
    /// Hour, 0...23.
    public var hour: Int
    /// Minute, 0...59.
    public var minute: Int
    /// Second, 0...59 (60 tolerated for a leap second).
    public var second: Int
    /// Milliseconds, from a GeneralizedTime fraction (truncated); 0 otherwise.
    public var millisecond: Int

    /// Creates a time from its UTC components.
    public init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, millisecond: Int = 0) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.millisecond = millisecond
    }

    /// Seconds since 1970-01-01T00:00:00Z (negative before), ignoring the milliseconds.
    public var secondsSince1970: Int64 {
        // Days from civil (proleptic Gregorian), counting eras of 400 years from 0000-03-01.
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return days * 86_400 + Int64(hour) * 3_600 + Int64(minute) * 60 + Int64(second)
    }

    /// The Packetbeat form, `2018-11-28T00:00:00.000Z`.
    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):"
            + "\(pad(second, 2)).\(pad(millisecond, 3))Z"
    }

    /// Chronological order.
    public static func < (lhs: CertificateTime, rhs: CertificateTime) -> Bool {
        let left = (lhs.year, lhs.month, lhs.day, lhs.hour, lhs.minute, lhs.second)
        let right = (rhs.year, rhs.month, rhs.day, rhs.hour, rhs.minute, rhs.second)
        return left != right ? left < right : lhs.millisecond < rhs.millisecond
    }
}
