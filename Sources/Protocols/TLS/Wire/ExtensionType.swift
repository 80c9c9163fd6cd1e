// ExtensionType (RFC 8446 section 4.2, RFC 5246 section 7.4.1.4, and the IANA "TLS ExtensionType Values"
// registry).
//
// Each type has up to three names. `ianaName` is the registry's. `name` adds the de-facto names of widely
// deployed unregistered values (NPN, ALPS, Channel ID) so logs read well. `packetbeatName` is the key
// Packetbeat uses under `tls.detailed.*.extensions` (extensions.go): only the eighteen types it knows; every
// other type is listed in `_unparsed_` by its decimal number, which `packetbeatKey` gives.

/// The type of a hello (or other message's) extension.
public struct ExtensionType: TLSCodePoint {
    /// The wire value.
    public let rawValue: UInt16
    /// The extension type with this wire value.
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    /// The extension type with this wire value.
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    /// 0 (RFC 6066 section 3).
    public static let serverName = ExtensionType(0)
    /// 1 (RFC 6066 section 4).
    public static let maxFragmentLength = ExtensionType(1)
    /// 5 (RFC 6066 section 8).
    public static let statusRequest = ExtensionType(5)
    /// 10, formerly elliptic_curves (RFC 8422 section 5.1.1, RFC 7919).
    public static let supportedGroups = ExtensionType(10)
    /// 11 (RFC 8422 section 5.1.2).
    public static let ecPointFormats = ExtensionType(11)
    /// 13 (RFC 8446 section 4.2.3).
    public static let signatureAlgorithms = ExtensionType(13)
    /// 15 (RFC 6520 section 2).
    public static let heartbeat = ExtensionType(15)
    /// 16 (RFC 7301).
    public static let applicationLayerProtocolNegotiation = ExtensionType(16)
    /// 18 (RFC 6962 section 3.3.1).
    public static let signedCertificateTimestamp = ExtensionType(18)
    /// 21 (RFC 7685).
    public static let padding = ExtensionType(21)
    /// 22 (RFC 7366).
    public static let encryptThenMAC = ExtensionType(22)
    /// 23 (RFC 7627).
    public static let extendedMasterSecret = ExtensionType(23)
    /// 27 (RFC 8879 section 3).
    public static let compressCertificate = ExtensionType(27)
    /// 28 (RFC 8449).
    public static let recordSizeLimit = ExtensionType(28)
    /// 34 (RFC 9345 section 4.1.1).
    public static let delegatedCredential = ExtensionType(34)
    /// 35 (RFC 5077 section 3.2).
    public static let sessionTicket = ExtensionType(35)
    /// 41 (RFC 8446 section 4.2.11).
    public static let preSharedKey = ExtensionType(41)
    /// 42 (RFC 8446 section 4.2.10).
    public static let earlyData = ExtensionType(42)
    /// 43 (RFC 8446 section 4.2.1).
    public static let supportedVersions = ExtensionType(43)
    /// 44 (RFC 8446 section 4.2.2).
    public static let cookie = ExtensionType(44)
    /// 45 (RFC 8446 section 4.2.9).
    public static let pskKeyExchangeModes = ExtensionType(45)
    /// 47 (RFC 8446 section 4.2.4).
    public static let certificateAuthorities = ExtensionType(47)
    /// 49 (RFC 8446 section 4.2.6).
    public static let postHandshakeAuth = ExtensionType(49)
    /// 50 (RFC 8446 section 4.2.3).
    public static let signatureAlgorithmsCert = ExtensionType(50)
    /// 51 (RFC 8446 section 4.2.8).
    public static let keyShare = ExtensionType(51)
    /// 57 (RFC 9001 section 8.2).
    public static let quicTransportParameters = ExtensionType(57)
    /// 0xfe0d (Encrypted Client Hello, draft-ietf-tls-esni section 5).
    public static let encryptedClientHello = ExtensionType(0xfe0d)
    /// 0xff01 (RFC 5746 section 3.2).
    public static let renegotiationInfo = ExtensionType(0xff01)

    /// The registry name, or a de-facto name for a widely deployed unregistered value.
    public var name: String? {
        if let ianaName { return ianaName }
        switch rawValue {
        case 62: return "tls_flags"
        case 13172: return "next_protocol_negotiation"
        case 17513: return "application_settings_old"
        case 17613: return "application_settings"
        case 30031: return "channel_id_old"
        case 30032: return "channel_id"
        default: return nil
        }
    }

    /// The IANA registry name.
    public var ianaName: String? {
        switch rawValue {
        case 0: "server_name"
        case 1: "max_fragment_length"
        case 2: "client_certificate_url"
        case 3: "trusted_ca_keys"
        case 4: "truncated_hmac"
        case 5: "status_request"
        case 6: "user_mapping"
        case 7: "client_authz"
        case 8: "server_authz"
        case 9: "cert_type"
        case 10: "supported_groups"
        case 11: "ec_point_formats"
        case 12: "srp"
        case 13: "signature_algorithms"
        case 14: "use_srtp"
        case 15: "heartbeat"
        case 16: "application_layer_protocol_negotiation"
        case 17: "status_request_v2"
        case 18: "signed_certificate_timestamp"
        case 19: "client_certificate_type"
        case 20: "server_certificate_type"
        case 21: "padding"
        case 22: "encrypt_then_mac"
        case 23: "extended_master_secret"
        case 24: "token_binding"
        case 25: "cached_info"
        case 26: "tls_lts"
        case 27: "compress_certificate"
        case 28: "record_size_limit"
        case 29: "pwd_protect"
        case 30: "pwd_clear"
        case 31: "password_salt"
        case 32: "ticket_pinning"
        case 33: "tls_cert_with_extern_psk"
        case 34: "delegated_credential"
        case 35: "session_ticket"
        case 36: "TLMSP"
        case 37: "TLMSP_proxying"
        case 38: "TLMSP_delegate"
        case 39: "supported_ekt_ciphers"
        case 41: "pre_shared_key"
        case 42: "early_data"
        case 43: "supported_versions"
        case 44: "cookie"
        case 45: "psk_key_exchange_modes"
        case 47: "certificate_authorities"
        case 48: "oid_filters"
        case 49: "post_handshake_auth"
        case 50: "signature_algorithms_cert"
        case 51: "key_share"
        case 52: "transparency_info"
        case 53: "connection_id (deprecated)"
        case 54: "connection_id"
        case 55: "external_id_hash"
        case 56: "external_session_id"
        case 57: "quic_transport_parameters"
        case 58: "ticket_request"
        case 59: "dnssec_chain"
        case 60: "sequence_number_encryption_algorithms"
        case 61: "rrc"
        case 0xfd00: "ech_outer_extensions"
        case 0xfe0d: "encrypted_client_hello"
        case 0xff01: "renegotiation_info"
        default: nil
        }
    }

    /// The key Packetbeat gives this extension in `tls.detailed.{client,server}_hello.extensions`, or nil for
    /// the types it only lists, by decimal number, under `_unparsed_` (23, 41, 45, 51, 28, …).
    public var packetbeatName: String? {
        switch rawValue {
        case 0: "server_name_indication"
        case 11: "ec_points_formats"  // Packetbeat's spelling of ec_point_formats
        case 1...10, 12, 13, 16, 35, 43, 0xff01: ianaName
        default: nil
        }
    }

    /// `packetbeatName`, or the decimal number Packetbeat prints in `_unparsed_` for the others.
    public var packetbeatKey: String { packetbeatName ?? String(rawValue) }
}
