// The TLS protocol's options as the analysis uses them (`packetbeat.protocols: - type: tls`), independent
// of the configuration loader: the pipeline maps the loaded settings into this value.

import NetModel

/// Certificate fingerprint algorithms (`fingerprints: [md5, sha1, sha256]`).
public enum TLSFingerprintAlgorithm: String, Sendable, CaseIterable {
    case md5, sha1, sha256
}

/// Options of the TLS dissector.
public struct TLSSettings: Sendable, Equatable {
    /// `send_certificates`: certificate fields (hashes, subject, issuer, x509, detailed certificates).
    public var sendCertificates: Bool
    /// `include_raw_certificates`: the chains as PEM (`tls.server.certificate_chain`, …).
    public var includeRawCertificates: Bool
    /// `include_detailed_fields`: the `tls.detailed.*` tree.
    public var includeDetailedFields: Bool
    /// `fingerprints`: one `tls.<side>.hash.<alg>` per algorithm, in this order.
    public var fingerprints: [TLSFingerprintAlgorithm]
    /// `transaction_timeout`: a handshake not finished after this long is published as it stands.
    public var transactionTimeout: TimeSpan
    /// `detect_all_ports` (ours): recognise TLS by content on ports no protocol claims.
    public var detectAllPorts: Bool

    /// Packetbeat's defaults.
    public static let standard = TLSSettings()

    public init(
        sendCertificates: Bool = true, includeRawCertificates: Bool = false, includeDetailedFields: Bool = true,
        fingerprints: [TLSFingerprintAlgorithm] = [.sha1], transactionTimeout: TimeSpan = .seconds(10),
        detectAllPorts: Bool = false
    ) {
        self.sendCertificates = sendCertificates
        self.includeRawCertificates = includeRawCertificates
        self.includeDetailedFields = includeDetailedFields
        self.fingerprints = fingerprints
        self.transactionTimeout = transactionTimeout
        self.detectAllPorts = detectAllPorts
    }
}
