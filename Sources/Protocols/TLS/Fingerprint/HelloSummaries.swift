// The parts of a TLS ClientHello and ServerHello that the JA3, JA3S and JA4 fingerprints read, as plain numbers
// and bytes, so this target needs no TLS parser.
//
// Field sources: ClientHello and ServerHello (RFC 8446 §4.1.2-4.1.3, RFC 5246 §7.4.1.2-7.4.1.3), the SSL 2.0
// CLIENT-HELLO accepted for compatibility (RFC 5246 Appendix E.2), server_name (RFC 6066 §3), supported_groups and
// ec_point_formats (RFC 8422 §5.1), signature_algorithms (RFC 8446 §4.2.3), supported_versions (RFC 8446 §4.2.1),
// ALPN (RFC 7301 §3.1). GREASE values (RFC 8701) are kept as they were on the wire: each fingerprint drops them itself.

/// What the fingerprints need from a ClientHello, in wire order and with GREASE values left in.
public struct ClientHelloSummary: Sendable, Hashable {
    /// How the hello travelled; JA4 writes it as its first character.
    public enum Transport: Sendable, Hashable {
        /// TLS over TCP (`t`).
        case tcp
        /// TLS inside QUIC CRYPTO frames, RFC 9001 (`q`).
        case quic
        /// DTLS, RFC 6347 / RFC 9147 (`d`).
        case dtls
    }

    /// `legacy_version` (`client_version`), e.g. `0x0303`; for an SSL 2.0 CLIENT-HELLO its version field.
    public var legacyVersion: UInt16
    /// Cipher suites in wire order, GREASE included.
    public var cipherSuites: [UInt16]
    /// Extension types in wire order, GREASE included.
    public var extensionTypes: [UInt16]
    /// The supported_groups (formerly elliptic_curves) list in wire order.
    public var supportedGroups: [UInt16]
    /// The ec_point_formats list in wire order.
    public var ecPointFormats: [UInt8]
    /// The signature_algorithms list (extension 13 only, not signature_algorithms_cert) in wire order.
    public var signatureAlgorithms: [UInt16]
    /// The supported_versions list in wire order; empty when the extension is absent.
    public var supportedVersions: [UInt16]
    /// The ALPN protocol names, raw bytes, in wire order.
    public var alpnProtocols: [[UInt8]]
    /// Whether a server_name extension carrying a host name was present.
    public var hasServerName: Bool
    /// How the hello travelled.
    public var transport: Transport
    /// Whether the hello came in the SSL 2.0 record format (which carries no extensions).
    public var isSSLv2: Bool

    /// A summary; every list defaults to empty, the transport to TCP.
    public init(
        legacyVersion: UInt16,
        cipherSuites: [UInt16] = [],
        extensionTypes: [UInt16] = [],
        supportedGroups: [UInt16] = [],
        ecPointFormats: [UInt8] = [],
        signatureAlgorithms: [UInt16] = [],
        supportedVersions: [UInt16] = [],
        alpnProtocols: [[UInt8]] = [],
        hasServerName: Bool = false,
        transport: Transport = .tcp,
        isSSLv2: Bool = false
    ) {
        self.legacyVersion = legacyVersion
        self.cipherSuites = cipherSuites
        self.extensionTypes = extensionTypes
        self.supportedGroups = supportedGroups
        self.ecPointFormats = ecPointFormats
        self.signatureAlgorithms = signatureAlgorithms
        self.supportedVersions = supportedVersions
        self.alpnProtocols = alpnProtocols
        self.hasServerName = hasServerName
        self.transport = transport
        self.isSSLv2 = isSSLv2
    }
}

/// What JA3S needs from a ServerHello.
public struct ServerHelloSummary: Sendable, Hashable {
    /// `legacy_version` (`server_version`), `0x0303` for TLS 1.3.
    public var version: UInt16
    /// The selected cipher suite.
    public var cipherSuite: UInt16
    /// Extension types in wire order.
    public var extensionTypes: [UInt16]

    /// A summary of one ServerHello.
    public init(version: UInt16, cipherSuite: UInt16, extensionTypes: [UInt16] = []) {
        self.version = version
        self.cipherSuite = cipherSuite
        self.extensionTypes = extensionTypes
    }
}
