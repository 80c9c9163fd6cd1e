// Why a byte string could not be read as a certificate at all.
//
// Only the skeleton of RFC 5280 section 4.1 is required: a SEQUENCE of TBSCertificate, AlgorithmIdentifier
// and signature, whose TBSCertificate holds serialNumber, signature, issuer, validity, subject and
// subjectPublicKeyInfo with the right tags in the right order. Everything inside those parts is read
// leniently and reported as `X509Anomaly` values instead of failing.

/// The reason a DER byte string is not a certificate.
public struct X509ParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, as an open set of stable names.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The stable name, e.g. `not_der`.
        public let rawValue: String

        /// Wraps a name.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The stable name.
        public var description: String { rawValue }

        /// No bytes at all.
        public static let empty = Code(rawValue: "empty")
        /// Not one complete ASN.1 element under BER rules (truncated, trailing bytes, broken lengths).
        public static let notDER = Code(rawValue: "not_der")
        /// Well-formed ASN.1 that does not have the shape of an X.509 certificate (a key, a CSR, a CRL, ...).
        public static let notCertificate = Code(rawValue: "not_certificate")
    }

    /// What went wrong.
    public var code: Code
    /// A human-readable explanation, for logs only (not stable).
    public var reason: String

    /// Creates an error.
    public init(code: Code, reason: String) {
        self.code = code
        self.reason = reason
    }

    /// `code: reason`.
    public var description: String { "\(code): \(reason)" }

    @inline(never)
    static func notCertificate(_ reason: String) -> X509ParseError {
        X509ParseError(code: .notCertificate, reason: reason)
    }
}
