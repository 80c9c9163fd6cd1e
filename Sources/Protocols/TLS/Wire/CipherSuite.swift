// CipherSuite (RFC 8446 section B.4, RFC 5246 appendix A.5, and the IANA "TLS Cipher Suites" registry), the
// signalling values TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746 section 3.3) and TLS_FALLBACK_SCSV
// (RFC 7507 section 2), and the key-exchange family a suite implies, which decides the grammar of the
// ServerKeyExchange that follows (RFC 8422 section 5.4, RFC 5246 section 7.4.3, RFC 4279 section 3,
// RFC 5489 section 2).

/// A cipher suite as offered in a ClientHello or chosen in a ServerHello.
public struct CipherSuite: TLSCodePoint {
    /// The wire value.
    public let rawValue: UInt16
    /// The suite with this wire value.
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    /// The suite with this wire value.
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    /// The registry name, e.g. `TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`.
    public var name: String? { Self.registeredName(rawValue) }

    // A few common suites by name (the registry name, in lowerCamelCase without the TLS_ prefix).

    /// TLS_AES_128_GCM_SHA256 (0x1301): TLS 1.3.
    public static let aes128GCMSHA256 = CipherSuite(0x1301)
    /// TLS_AES_256_GCM_SHA384 (0x1302): TLS 1.3.
    public static let aes256GCMSHA384 = CipherSuite(0x1302)
    /// TLS_CHACHA20_POLY1305_SHA256 (0x1303): TLS 1.3.
    public static let chaCha20Poly1305SHA256 = CipherSuite(0x1303)
    /// TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 (0xc02b).
    public static let ecdheECDSAWithAES128GCMSHA256 = CipherSuite(0xc02b)
    /// TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 (0xc02c).
    public static let ecdheECDSAWithAES256GCMSHA384 = CipherSuite(0xc02c)
    /// TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (0xc02f).
    public static let ecdheRSAWithAES128GCMSHA256 = CipherSuite(0xc02f)
    /// TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 (0xc030).
    public static let ecdheRSAWithAES256GCMSHA384 = CipherSuite(0xc030)
    /// TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 (0xcca8).
    public static let ecdheRSAWithChaCha20Poly1305SHA256 = CipherSuite(0xcca8)
    /// TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 (0xcca9).
    public static let ecdheECDSAWithChaCha20Poly1305SHA256 = CipherSuite(0xcca9)
    /// TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA (0xc013).
    public static let ecdheRSAWithAES128CBCSHA = CipherSuite(0xc013)
    /// TLS_DHE_RSA_WITH_AES_128_GCM_SHA256 (0x009e).
    public static let dheRSAWithAES128GCMSHA256 = CipherSuite(0x009e)
    /// TLS_RSA_WITH_AES_128_GCM_SHA256 (0x009c).
    public static let rsaWithAES128GCMSHA256 = CipherSuite(0x009c)
    /// TLS_RSA_WITH_AES_128_CBC_SHA (0x002f).
    public static let rsaWithAES128CBCSHA = CipherSuite(0x002f)
    /// TLS_RSA_WITH_3DES_EDE_CBC_SHA (0x000a).
    public static let rsaWith3DESEDECBCSHA = CipherSuite(0x000a)
    /// TLS_GOSTR341001_WITH_28147_CNT_IMIT (0x0081): a GOST suite Packetbeat names though the registry does not.
    public static let gostR341001With28147CNTIMIT = CipherSuite(0x0081)
    /// TLS_EMPTY_RENEGOTIATION_INFO_SCSV (0x00ff): not a suite; a client's signal that it supports secure
    /// renegotiation (RFC 5746 section 3.3).
    public static let emptyRenegotiationInfoSCSV = CipherSuite(0x00ff)
    /// TLS_FALLBACK_SCSV (0x5600): not a suite; a client's signal that this is a fallback retry (RFC 7507
    /// section 2).
    public static let fallbackSCSV = CipherSuite(0x5600)

    /// True for the two signalling values, which no server may select.
    public var isSignalingValue: Bool { rawValue == 0x00ff || rawValue == 0x5600 }

    /// True for suites that exist only in TLS 1.3 (RFC 8446 section B.4, RFC 8998, RFC 9150, RFC 9367).
    public var isTLS13Only: Bool {
        switch rawValue {
        case 0x1301...0x1307, 0x00c6, 0x00c7, 0xc0b4, 0xc0b5, 0xc103...0xc106: true
        default: false
        }
    }

    /// The key-exchange family this suite implies, read from its registry name.
    public var keyExchange: KeyExchangeKind {
        if isTLS13Only { return .tls13 }
        guard let name else { return .other }
        // Order matters: the PSK variants share the ECDHE_/DHE_ prefixes.
        if name.hasPrefix("TLS_ECDHE_PSK_") { return .ecdhePSK }
        if name.hasPrefix("TLS_DHE_PSK_") || name.hasPrefix("TLS_PSK_DHE_") { return .dhePSK }
        if name.hasPrefix("TLS_ECDHE_") || name.hasPrefix("TLS_ECDH_anon_") { return .ecdhe }
        if name.hasPrefix("TLS_DHE_") || name.hasPrefix("TLS_DH_anon_") { return .dhe }
        return .other
    }
}

/// The key-exchange family of a negotiated suite: which ServerKeyExchange grammar applies.
///
/// A closed enum: this is wirebeat's classification, not a registry.
public enum KeyExchangeKind: Sendable, Hashable {
    /// ECDHE or ECDH_anon: ServerECDHParams (RFC 8422 section 5.4).
    case ecdhe
    /// DHE or DH_anon: ServerDHParams (RFC 5246 section 7.4.3).
    case dhe
    /// ECDHE_PSK: a PSK identity hint, then ServerECDHParams, unsigned (RFC 5489 section 2).
    case ecdhePSK
    /// DHE_PSK: a PSK identity hint, then ServerDHParams, unsigned (RFC 4279 section 3).
    case dhePSK
    /// A TLS 1.3 suite: there is no ServerKeyExchange.
    case tls13
    /// Anything else (RSA, static DH/ECDH, PSK, SRP, Kerberos, GOST, unknown suites).
    case other
}
