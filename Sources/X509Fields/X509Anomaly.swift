// The named oddities found while reading a certificate, and the one limit on the work it takes.
//
// Parsing is not validating (STYLE.md, after rusticata/x509-parser): a certificate with an odd part still
// yields every other field, and the odd part is named here. The names are stable dotted strings, part of
// the output contract (docs/ANOMALIES.md, "X.509 certificates"). Many of them mark certificates that Go's
// crypto/x509, and therefore Packetbeat, rejects outright (Packetbeat then publishes no certificate fields
// for the whole chain); wirebeat reports what it can read instead.

/// A named oddity in a certificate that was read anyway.
///
/// An open set of stable dotted names; unknown names survive as their raw string.
public struct X509Anomaly: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The dotted name, e.g. `x509.extension.malformed`.
    public let rawValue: String

    /// Wraps a dotted name.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The dotted name.
    public var description: String { rawValue }

    /// The certificate is valid BER but not DER (a non-minimal or indefinite length, for example); it was
    /// read with BER rules.
    public static let notDER = X509Anomaly(rawValue: "x509.der.not_strict")
    /// swift-certificates' strict `Certificate` parser rejected the DER (unsupported key or signature
    /// algorithm, non-DER field, invalid extension list, ...); every field was read at the TBSCertificate
    /// level instead.
    public static let strictParseFailed = X509Anomaly(rawValue: "x509.certificate.strict_parse_failed")
    /// The outer signature is not a BIT STRING.
    public static let signatureMalformed = X509Anomaly(rawValue: "x509.signature.malformed")
    /// The version field is not a small INTEGER; `versionNumber` is nil.
    public static let versionMalformed = X509Anomaly(rawValue: "x509.version.malformed")
    /// A version other than v1, v2 or v3 (RFC 5280 section 4.1.2.1); it is still reported.
    public static let versionUnknown = X509Anomaly(rawValue: "x509.version.unknown")
    /// The serial number INTEGER is empty; no serial is reported.
    public static let serialMalformed = X509Anomaly(rawValue: "x509.serial.malformed")
    /// The serial number INTEGER has a redundant leading 0x00 or 0xFF octet (X.690 section 8.3.2).
    public static let serialNonMinimal = X509Anomaly(rawValue: "x509.serial.non_minimal")
    /// A negative serial number (RFC 5280 section 4.1.2.2 requires a positive one).
    public static let serialNegative = X509Anomaly(rawValue: "x509.serial.negative")
    /// A serial number longer than 20 octets (RFC 5280 section 4.1.2.2); it is still reported.
    public static let serialTooLong = X509Anomaly(rawValue: "x509.serial.too_long")
    /// A serial number longer than `X509Limits.maxSerialOctets`; no serial is reported.
    public static let serialOverLimit = X509Anomaly(rawValue: "x509.serial.over_limit")
    /// A signature AlgorithmIdentifier that cannot be read.
    public static let signatureAlgorithmMalformed = X509Anomaly(rawValue: "x509.signature_algorithm.malformed")
    /// The TBSCertificate's `signature` differs from the outer `signatureAlgorithm` (RFC 5280 section
    /// 4.1.1.2 requires them to be equal); the outer one is reported.
    public static let signatureAlgorithmMismatch = X509Anomaly(rawValue: "x509.signature_algorithm.mismatch")
    /// A Name, RDN or attribute that cannot be read; the unreadable part is skipped.
    public static let nameMalformed = X509Anomaly(rawValue: "x509.name.malformed")
    /// A name attribute string whose bytes are invalid for its type (a PrintableString with `@`, an odd-length
    /// BMPString, invalid UTF-8, ...); it is decoded leniently.
    public static let nameInvalidString = X509Anomaly(rawValue: "x509.name.invalid_string")
    /// A name attribute string of a type Go does not accept (UniversalString, VisibleString, ...); it is
    /// decoded anyway.
    public static let nameUnsupportedStringType = X509Anomaly(rawValue: "x509.name.unsupported_string_type")
    /// A name attribute whose value is not a string; the DN shows it as `#` and the hex of its DER.
    public static let nameNonStringValue = X509Anomaly(rawValue: "x509.name.non_string_value")
    /// The Validity, or one of its times, cannot be read; that time is nil.
    public static let validityMalformed = X509Anomaly(rawValue: "x509.validity.malformed")
    /// A validity time readable only with relaxed rules (no seconds, a time-zone offset, ...; RFC 5280
    /// section 4.1.2.5 requires `YYMMDDHHMMSSZ` or `YYYYMMDDHHMMSSZ`).
    public static let validityNonStrictTime = X509Anomaly(rawValue: "x509.validity.non_strict_time")
    /// The SubjectPublicKeyInfo, or the key inside it, cannot be read; what can be read is reported.
    public static let publicKeyMalformed = X509Anomaly(rawValue: "x509.public_key.malformed")
    /// The `[3]` extensions field is not a SEQUENCE OF Extension; no extension is read.
    public static let extensionsMalformed = X509Anomaly(rawValue: "x509.extensions.malformed")
    /// One extension cannot be read; it is skipped and the others are kept.
    public static let extensionMalformed = X509Anomaly(rawValue: "x509.extension.malformed")
    /// Two extensions with the same OID (RFC 5280 section 4.2); the first is used.
    public static let extensionDuplicate = X509Anomaly(rawValue: "x509.extension.duplicate")
    /// A critical extension this reader does not know (RFC 5280 section 4.2: a relying party must reject
    /// the certificate; a sniffer reports it).
    public static let extensionUnknownCritical = X509Anomaly(rawValue: "x509.extension.unknown_critical")
    /// The subjectAltName value, or one GeneralName in it, cannot be read; readable names are kept.
    public static let sanMalformed = X509Anomaly(rawValue: "x509.san.malformed")
    /// A subjectAltName iPAddress that is neither 4 nor 16 octets (RFC 5280 section 4.2.1.6); it is skipped.
    public static let sanBadIPLength = X509Anomaly(rawValue: "x509.san.bad_ip_length")

    /// Every anomaly this target reports, in the order of the certificate's fields.
    public static let all: [X509Anomaly] = [
        .notDER, .strictParseFailed, .signatureMalformed, .versionMalformed, .versionUnknown, .serialMalformed,
        .serialNonMinimal, .serialNegative, .serialTooLong, .serialOverLimit, .signatureAlgorithmMalformed,
        .signatureAlgorithmMismatch, .nameMalformed, .nameInvalidString, .nameUnsupportedStringType,
        .nameNonStringValue, .validityMalformed, .validityNonStrictTime, .publicKeyMalformed,
        .extensionsMalformed, .extensionMalformed, .extensionDuplicate, .extensionUnknownCritical, .sanMalformed,
        .sanBadIPLength,
    ]
}

/// Bounds on the work done for one certificate.
public enum X509Limits {
    /// Longest serial number (in content octets) converted to text: 64.
    ///
    /// Decimal conversion divides the whole number once per nine digits, so its cost grows with the square
    /// of the length; a hostile certificate could otherwise carry a serial of tens of kilobytes. RFC 5280
    /// section 4.1.2.2 allows 20 octets, and the longest serials seen in real chains stay under 40.
    public static let maxSerialOctets = 64
}
