// ProtocolVersion: the two-byte version in record headers, hellos and the supported_versions extension
// (RFC 8446 sections 4.1.2 and 4.2.1, RFC 5246 appendix E, RFC 6101 for SSL 3.0, RFC 6347/9147 for DTLS).
//
// The text forms follow Packetbeat exactly, because they land in `tls.version`, `tls.version_protocol`,
// `tls.detailed.version` and the supported_versions lists: major 3 minor 0 is "SSL 3.0"; major 3 minor n is
// "TLS 1.(n-1)"; anything else is "(raw M.m)" in the detailed form, protocol "unknown" and version "M.m".
// SSL 2.0 (0x0002) never reaches Packetbeat's parser; we print it "SSL 2.0" / "ssl" / "2.0".

/// A protocol version as it appears on the wire (major byte, minor byte).
public struct ProtocolVersion: TLSCodePoint {
    /// The wire value, major byte first.
    public let rawValue: UInt16
    /// The version with this wire value.
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    /// The version with this wire value.
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }
    /// The version with these two bytes.
    public init(major: UInt8, minor: UInt8) { self.rawValue = UInt16(major) << 8 | UInt16(minor) }

    /// 0x0002: the SSL 2.0 ClientHello format (RFC 5246 appendix E.2).
    public static let ssl2 = ProtocolVersion(0x0002)
    /// 0x0300: SSL 3.0 (RFC 6101).
    public static let ssl3 = ProtocolVersion(0x0300)
    /// 0x0301: TLS 1.0 (RFC 2246).
    public static let tls10 = ProtocolVersion(0x0301)
    /// 0x0302: TLS 1.1 (RFC 4346).
    public static let tls11 = ProtocolVersion(0x0302)
    /// 0x0303: TLS 1.2 (RFC 5246), also the frozen legacy_version of TLS 1.3 hellos.
    public static let tls12 = ProtocolVersion(0x0303)
    /// 0x0304: TLS 1.3 (RFC 8446), only ever seen inside supported_versions.
    public static let tls13 = ProtocolVersion(0x0304)
    /// 0xfeff: DTLS 1.0.
    public static let dtls10 = ProtocolVersion(0xfeff)
    /// 0xfefd: DTLS 1.2.
    public static let dtls12 = ProtocolVersion(0xfefd)
    /// 0xfefc: DTLS 1.3.
    public static let dtls13 = ProtocolVersion(0xfefc)

    /// The first byte.
    public var major: UInt8 { UInt8(truncatingIfNeeded: rawValue >> 8) }
    /// The second byte.
    public var minor: UInt8 { UInt8(truncatingIfNeeded: rawValue) }

    /// True for TLS 1.3 and its drafts (0x7f00 + draft number), which share the TLS 1.3 grammar.
    public var isTLS13: Bool { rawValue == 0x0304 || major == 0x7f }

    /// True when a ServerHello with this in its version field has the layout of TLS 1.3's drafts before draft
    /// 22: no legacy_session_id_echo and no legacy_compression_method (draft-ietf-tls-tls13-22 section 4.1.3
    /// added them). Those drafts put their own number there; some early servers put 0x0304, which RFC 8446
    /// servers never do (they send 0x0303 and name 1.3 in supported_versions).
    public var hasDraftServerHelloLayout: Bool { (major == 0x7f && minor < 22) || rawValue == 0x0304 }

    /// A readable name: "TLS 1.2", "SSL 3.0", "DTLS 1.2", "TLS 1.3 draft 28"; nil for other values.
    public var name: String? {
        switch rawValue {
        case 0x0002: "SSL 2.0"
        case 0x0300...0x0304: detailedText
        case 0xfeff: "DTLS 1.0"
        case 0xfefd: "DTLS 1.2"
        case 0xfefc: "DTLS 1.3"
        case 0x7f00...0x7fff: "TLS 1.3 draft \(minor)"
        default: nil
        }
    }

    /// Packetbeat's `tls.detailed.version` form: "TLS 1.2", "SSL 3.0", or "(raw M.m)".
    public var detailedText: String {
        if rawValue == 0x0002 { return "SSL 2.0" }
        guard major == 3 else { return "(raw \(major).\(minor))" }
        return minor == 0 ? "SSL 3.0" : "TLS 1.\(minor - 1)"
    }

    /// Packetbeat's `tls.version_protocol`: "tls", "ssl", or "unknown".
    public var protocolName: String {
        if rawValue == 0x0002 { return "ssl" }
        guard major == 3 else { return "unknown" }
        return minor == 0 ? "ssl" : "tls"
    }

    /// Packetbeat's `tls.version`: "1.2" for TLS, "3.0" for SSL 3.0, "M.m" for anything else.
    public var versionText: String {
        if rawValue == 0x0002 { return "2.0" }
        guard major == 3, minor > 0 else { return recordText }
        return "1.\(minor - 1)"
    }

    /// The record-style form "3.3" (major.minor in decimal), as in `tls.detailed.client_hello.version`.
    public var recordText: String { "\(major).\(minor)" }

    /// The Packetbeat detailed form, which is also how supported_versions lists print.
    public var description: String { detailedText }
}
