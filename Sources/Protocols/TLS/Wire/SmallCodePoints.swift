// The small registries: ECPointFormat (RFC 8422 section 5.1.2), CompressionMethod (RFC 5246 section 6.1,
// RFC 3749, RFC 3943), PskKeyExchangeMode (RFC 8446 section 4.2.9), CertificateStatusType (RFC 6066 section
// 8), CertificateCompressionAlgorithm (RFC 8879 section 7.3), HeartbeatMode and HeartbeatMessageType
// (RFC 6520 sections 2 and 3), ClientCertificateType (RFC 5246 section 7.4.4, RFC 8422 section 5.5),
// KeyUpdateRequest (RFC 8446 section 4.6.3), ECHClientHelloType (draft-ietf-tls-esni section 5), ECCurveType
// (RFC 8422 section 5.4), OCSPResponseStatus (RFC 6960 section 4.2.1) and NameType (RFC 6066 section 3).
//
// The spellings of ECPointFormat and CompressionMethod are Packetbeat's (`ec_points_formats`,
// `supported_compression_methods`): "NULL" in capitals, "ansiX962_compressed_prime".

/// An elliptic-curve point format (ec_point_formats).
public struct ECPointFormat: TLSCodePoint {
    /// The wire value.
    public let rawValue: UInt8
    /// The format with this wire value.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// The format with this wire value.
    public init(_ rawValue: UInt8) { self.rawValue = rawValue }
    /// 0: the only format RFC 8422 still allows.
    public static let uncompressed = ECPointFormat(0)
    /// The registry name.
    public var name: String? {
        switch rawValue {
        case 0: "uncompressed"
        case 1: "ansiX962_compressed_prime"
        case 2: "ansiX962_compressed_char2"
        default: nil
        }
    }
}

/// A record compression method.
public struct CompressionMethod: TLSCodePoint {
    /// The wire value.
    public let rawValue: UInt8
    /// The method with this wire value.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// The method with this wire value.
    public init(_ rawValue: UInt8) { self.rawValue = rawValue }
    /// 0: no compression, the only method TLS 1.3 allows.
    public static let null = CompressionMethod(0)
    /// 1: DEFLATE (RFC 3749), the CRIME attack's enabler.
    public static let deflate = CompressionMethod(1)
    /// Packetbeat's name.
    public var name: String? {
        switch rawValue {
        case 0: "NULL"
        case 1: "DEFLATE"
        case 64: "LZS"
        default: nil
        }
    }
}

/// A PSK key-exchange mode (psk_key_exchange_modes).
public struct PSKKeyExchangeMode: TLSCodePoint {
    /// The wire value.
    public let rawValue: UInt8
    /// The mode with this wire value.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// The mode with this wire value.
    public init(_ rawValue: UInt8) { self.rawValue = rawValue }
    /// 0: PSK-only key establishment.
    public static let pskKE = PSKKeyExchangeMode(0)
    /// 1: PSK with (EC)DHE key establishment.
    public static let pskDHEKE = PSKKeyExchangeMode(1)
    /// The registry name.
    public var name: String? {
        switch rawValue {
        case 0: "psk_ke"
        case 1: "psk_dhe_ke"
        default: nil
        }
    }
}

/// The kind of certificate status requested or stapled.
public struct CertificateStatusType: TLSCodePoint {
    /// The wire value.
    public let rawValue: UInt8
    /// The status type with this wire value.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// The status type with this wire value.
    public init(_ rawValue: UInt8) { self.rawValue = rawValue }
    /// 1: an OCSP response.
    public static let ocsp = CertificateStatusType(1)
    /// The registry name.
    public var name: String? {
        switch rawValue {
        case 1: "ocsp"
        case 2: "ocsp_multi_RESERVED"
        default: nil
        }
    }
}

/// A certificate compression algorithm (compress_certificate, CompressedCertificate).
public struct CertificateCompressionAlgorithm: TLSCodePoint {
    /// The wire value.
    public let rawValue: UInt16
    /// The algorithm with this wire value.
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    /// The algorithm with this wire value.
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }
    /// 1: zlib.
    public static let zlib = CertificateCompressionAlgorithm(1)
    /// 2: Brotli.
    public static let brotli = CertificateCompressionAlgorithm(2)
    /// 3: Zstandard.
    public static let zstd = CertificateCompressionAlgorithm(3)
    /// The registry name.
    public var name: String? {
        switch rawValue {
        case 1: "zlib"
        case 2: "brotli"
        case 3: "zstd"
        default: nil
        }
    }
}

/// Whether the sender of the heartbeat extension accepts heartbeat requests.
public struct HeartbeatMode: TLSCodePoint {
    /// The wire value.
    public let rawValue: UInt8
    /// The mode with this wire value.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// The mode with this wire value.
    public init(_ rawValue: UInt8) { self.rawValue = rawValue }
    /// 1: the peer may send requests.
    public static let peerAllowedToSend = HeartbeatMode(1)
    /// The registry name.
    public var name: String? {
        switch rawValue {
        case 1: "peer_allowed_to_send"
        case 2: "peer_not_allowed_to_send"
        default: nil
        }
    }
}

/// The type of a Heartbeat message.
public struct HeartbeatMessageType: TLSCodePoint {
    /// The wire value.
    public let rawValue: UInt8
    /// The message type with this wire value.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// The message type with this wire value.
    public init(_ rawValue: UInt8) { self.rawValue = rawValue }
    /// 1: a request, to be echoed.
    public static let request = HeartbeatMessageType(1)
    /// 2: the echo.
    public static let response = HeartbeatMessageType(2)
    /// The registry name.
    public var name: String? {
        switch rawValue {
        case 1: "heartbeat_request"
        case 2: "heartbeat_response"
        default: nil
        }
    }
}

/// A certificate type a TLS 1.2 server accepts from the client (CertificateRequest.certificate_types).
public struct ClientCertificateType: TLSCodePoint {
    /// The wire value.
    public let rawValue: UInt8
    /// The type with this wire value.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// The type with this wire value.
    public init(_ rawValue: UInt8) { self.rawValue = rawValue }
    /// 1: an RSA signing key.
    public static let rsaSign = ClientCertificateType(1)
    /// 64: an ECDSA signing key.
    public static let ecdsaSign = ClientCertificateType(64)
    /// The registry name.
    public var name: String? {
        switch rawValue {
        case 1: "rsa_sign"
        case 2: "dss_sign"
        case 3: "rsa_fixed_dh"
        case 4: "dss_fixed_dh"
        case 5: "rsa_ephemeral_dh_RESERVED"
        case 6: "dss_ephemeral_dh_RESERVED"
        case 20: "fortezza_dms_RESERVED"
        case 64: "ecdsa_sign"
        case 65: "rsa_fixed_ecdh"
        case 66: "ecdsa_fixed_ecdh"
        case 67: "gost_sign256"
        case 68: "gost_sign512"
        default: nil
        }
    }
}

/// Whether a KeyUpdate asks the peer to update its keys too.
public struct KeyUpdateRequest: TLSCodePoint {
    /// The wire value.
    public let rawValue: UInt8
    /// The request with this wire value.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// The request with this wire value.
    public init(_ rawValue: UInt8) { self.rawValue = rawValue }
    /// 0: no reply update wanted.
    public static let updateNotRequested = KeyUpdateRequest(0)
    /// 1: the peer should update its sending keys too.
    public static let updateRequested = KeyUpdateRequest(1)
    /// The RFC name.
    public var name: String? {
        switch rawValue {
        case 0: "update_not_requested"
        case 1: "update_requested"
        default: nil
        }
    }
}

/// Whether an encrypted_client_hello extension belongs to the outer (cleartext) or inner ClientHello.
public struct ECHClientHelloType: TLSCodePoint {
    /// The wire value.
    public let rawValue: UInt8
    /// The type with this wire value.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// The type with this wire value.
    public init(_ rawValue: UInt8) { self.rawValue = rawValue }
    /// 0: the cleartext ClientHelloOuter, carrying the encrypted inner hello.
    public static let outer = ECHClientHelloType(0)
    /// 1: the ClientHelloInner (seen in cleartext only when ECH is faked or "GREASEd").
    public static let inner = ECHClientHelloType(1)
    /// The draft's name.
    public var name: String? {
        switch rawValue {
        case 0: "outer"
        case 1: "inner"
        default: nil
        }
    }
}

/// How a ServerKeyExchange describes its elliptic curve.
public struct ECCurveType: TLSCodePoint {
    /// The wire value.
    public let rawValue: UInt8
    /// The curve type with this wire value.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// The curve type with this wire value.
    public init(_ rawValue: UInt8) { self.rawValue = rawValue }
    /// 3: a NamedGroup follows; the only type RFC 8422 still allows.
    public static let namedCurve = ECCurveType(3)
    /// The registry name.
    public var name: String? {
        switch rawValue {
        case 1: "explicit_prime"
        case 2: "explicit_char2"
        case 3: "named_curve"
        default: nil
        }
    }
}

/// The top-level status of a stapled OCSP response.
public struct OCSPResponseStatus: TLSCodePoint {
    /// The wire value (the ENUMERATED's value).
    public let rawValue: UInt8
    /// The status with this value.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// The status with this value.
    public init(_ rawValue: UInt8) { self.rawValue = rawValue }
    /// 0: the response carries certificate statuses.
    public static let successful = OCSPResponseStatus(0)
    /// The RFC 6960 name, spelled as Packetbeat prints it.
    public var name: String? {
        switch rawValue {
        case 0: "successful"
        case 1: "malformedRequest"
        case 2: "internalError"
        case 3: "tryLater"
        case 5: "sigRequired"
        case 6: "unauthorized"
        default: nil
        }
    }
}

/// The kind of a server_name entry.
public struct ServerNameType: TLSCodePoint {
    /// The wire value.
    public let rawValue: UInt8
    /// The name type with this wire value.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// The name type with this wire value.
    public init(_ rawValue: UInt8) { self.rawValue = rawValue }
    /// 0: a DNS host name, the only type defined.
    public static let hostName = ServerNameType(0)
    /// The registry name.
    public var name: String? { rawValue == 0 ? "host_name" : nil }
}
