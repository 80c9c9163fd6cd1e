// Record-layer and handshake-layer code points: ContentType (RFC 8446 section 5.1, RFC 6520 section 3,
// RFC 9146), HandshakeType (RFC 8446 section 4, RFC 5246 section 7.4, RFC 6066 section 8, RFC 8879), and
// the Alert protocol's AlertLevel and AlertDescription (RFC 8446 section 6, RFC 5246 section 7.2).
//
// Alert descriptions carry two names where they differ: the IANA registry marks obsolete values
// `…_RESERVED`, while Packetbeat prints several of them without the suffix (`decryption_failed`,
// `no_renegotiation`). `name` prefers Packetbeat's spelling so alert events stay drop-in compatible.

/// The type of a TLS record (TLSPlaintext.type / TLSCiphertext.opaque_type).
public struct ContentType: TLSCodePoint {
    /// The wire value.
    public let rawValue: UInt8
    /// The content type with this wire value.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// The content type with this wire value.
    public init(_ rawValue: UInt8) { self.rawValue = rawValue }

    /// 20: the one-byte message that switched TLS 1.2 to the negotiated keys (RFC 5246 section 7.1).
    public static let changeCipherSpec = ContentType(20)
    /// 21: an Alert record.
    public static let alert = ContentType(21)
    /// 22: one or more handshake messages (or a fragment of one).
    public static let handshake = ContentType(22)
    /// 23: encrypted application data (and, in TLS 1.3, every encrypted record).
    public static let applicationData = ContentType(23)
    /// 24: a Heartbeat message (RFC 6520).
    public static let heartbeat = ContentType(24)
    /// 25: a record with a connection ID (RFC 9146, DTLS only).
    public static let tls12CID = ContentType(25)
    /// 26: a DTLS 1.3 acknowledgement (RFC 9147).
    public static let ack = ContentType(26)

    /// The IANA name.
    public var name: String? {
        switch rawValue {
        case 20: "change_cipher_spec"
        case 21: "alert"
        case 22: "handshake"
        case 23: "application_data"
        case 24: "heartbeat"
        case 25: "tls12_cid"
        case 26: "ack"
        case 27: "return_routability_check"
        default: nil
        }
    }
}

/// The type of a handshake message (Handshake.msg_type).
public struct HandshakeType: TLSCodePoint {
    /// The wire value.
    public let rawValue: UInt8
    /// The handshake type with this wire value.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// The handshake type with this wire value.
    public init(_ rawValue: UInt8) { self.rawValue = rawValue }

    /// 0: HelloRequest (TLS 1.2 and earlier, server-initiated renegotiation).
    public static let helloRequest = HandshakeType(0)
    /// 1: ClientHello.
    public static let clientHello = HandshakeType(1)
    /// 2: ServerHello (also HelloRetryRequest in TLS 1.3, recognised by its random).
    public static let serverHello = HandshakeType(2)
    /// 4: NewSessionTicket (RFC 5077, RFC 8446 section 4.6.1).
    public static let newSessionTicket = HandshakeType(4)
    /// 5: EndOfEarlyData (TLS 1.3).
    public static let endOfEarlyData = HandshakeType(5)
    /// 6: HelloRetryRequest as drafts of TLS 1.3 sent it; the RFC reuses ServerHello instead.
    public static let helloRetryRequest = HandshakeType(6)
    /// 8: EncryptedExtensions (TLS 1.3).
    public static let encryptedExtensions = HandshakeType(8)
    /// 11: Certificate.
    public static let certificate = HandshakeType(11)
    /// 12: ServerKeyExchange (TLS 1.2 and earlier).
    public static let serverKeyExchange = HandshakeType(12)
    /// 13: CertificateRequest.
    public static let certificateRequest = HandshakeType(13)
    /// 14: ServerHelloDone (TLS 1.2 and earlier).
    public static let serverHelloDone = HandshakeType(14)
    /// 15: CertificateVerify.
    public static let certificateVerify = HandshakeType(15)
    /// 16: ClientKeyExchange (TLS 1.2 and earlier).
    public static let clientKeyExchange = HandshakeType(16)
    /// 20: Finished.
    public static let finished = HandshakeType(20)
    /// 22: CertificateStatus (OCSP stapling, RFC 6066 section 8).
    public static let certificateStatus = HandshakeType(22)
    /// 24: KeyUpdate (TLS 1.3).
    public static let keyUpdate = HandshakeType(24)
    /// 25: CompressedCertificate (RFC 8879).
    public static let compressedCertificate = HandshakeType(25)

    /// The IANA name.
    public var name: String? {
        switch rawValue {
        case 0: "hello_request"
        case 1: "client_hello"
        case 2: "server_hello"
        case 3: "hello_verify_request"
        case 4: "new_session_ticket"
        case 5: "end_of_early_data"
        case 6: "hello_retry_request"
        case 8: "encrypted_extensions"
        case 9: "request_connection_id"
        case 10: "new_connection_id"
        case 11: "certificate"
        case 12: "server_key_exchange"
        case 13: "certificate_request"
        case 14: "server_hello_done"
        case 15: "certificate_verify"
        case 16: "client_key_exchange"
        case 17: "client_certificate_request"
        case 20: "finished"
        case 21: "certificate_url"
        case 22: "certificate_status"
        case 23: "supplemental_data"
        case 24: "key_update"
        case 25: "compressed_certificate"
        case 26: "ekt_key"
        case 254: "message_hash"
        default: nil
        }
    }
}

/// The severity of an Alert.
public struct AlertLevel: TLSCodePoint {
    /// The wire value.
    public let rawValue: UInt8
    /// The level with this wire value.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// The level with this wire value.
    public init(_ rawValue: UInt8) { self.rawValue = rawValue }

    /// 1: the connection may continue.
    public static let warning = AlertLevel(1)
    /// 2: the connection ends.
    public static let fatal = AlertLevel(2)

    /// `warning` or `fatal`, as Packetbeat prints `tls.detailed.alerts.severity`.
    public var name: String? {
        switch rawValue {
        case 1: "warning"
        case 2: "fatal"
        default: nil
        }
    }
}

/// The reason given in an Alert.
public struct AlertDescription: TLSCodePoint {
    /// The wire value.
    public let rawValue: UInt8
    /// The description with this wire value.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// The description with this wire value.
    public init(_ rawValue: UInt8) { self.rawValue = rawValue }

    /// 0: orderly shutdown.
    public static let closeNotify = AlertDescription(0)
    /// 10: a message arrived out of order.
    public static let unexpectedMessage = AlertDescription(10)
    /// 20: a record failed authentication.
    public static let badRecordMAC = AlertDescription(20)
    /// 40: no acceptable set of parameters.
    public static let handshakeFailure = AlertDescription(40)
    /// 42: the peer's certificate was corrupt or failed verification.
    public static let badCertificate = AlertDescription(42)
    /// 45: the peer's certificate has expired.
    public static let certificateExpired = AlertDescription(45)
    /// 46: the peer's certificate could not be accepted for another reason.
    public static let certificateUnknown = AlertDescription(46)
    /// 47: a field was out of range or inconsistent.
    public static let illegalParameter = AlertDescription(47)
    /// 48: the certificate chain did not lead to a trusted CA.
    public static let unknownCA = AlertDescription(48)
    /// 50: a message could not be decoded.
    public static let decodeError = AlertDescription(50)
    /// 70: the offered protocol version is not supported.
    public static let protocolVersion = AlertDescription(70)
    /// 80: an error unrelated to the peer.
    public static let internalError = AlertDescription(80)
    /// 86: TLS_FALLBACK_SCSV seen with a lower version than the server supports (RFC 7507).
    public static let inappropriateFallback = AlertDescription(86)
    /// 112: the server does not know the SNI host name (RFC 6066 section 3).
    public static let unrecognizedName = AlertDescription(112)
    /// 120: no ALPN protocol in common (RFC 7301 section 3.2).
    public static let noApplicationProtocol = AlertDescription(120)

    /// Packetbeat's name (alerts.go) where it has one, else the IANA name.
    public var name: String? { packetbeatName ?? ianaName }

    /// The name Packetbeat prints in `tls.detailed.alerts.type`, or nil where it prints `(unknown:0x..)`.
    public var packetbeatName: String? {
        switch rawValue {
        case 21: "decryption_failed"
        case 30: "decompression_failure"
        case 100: "no_renegotiation"
        case 111: "certificate_unobtainable"
        case 114: "bad_certificate_hash_value"
        case 0, 10, 20, 22, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 60, 70, 71, 80, 86, 90, 110, 112, 113, 115:
            ianaName
        default: nil
        }
    }

    /// The IANA registry name (obsolete values carry the registry's `_RESERVED` suffix).
    public var ianaName: String? {
        switch rawValue {
        case 0: "close_notify"
        case 10: "unexpected_message"
        case 20: "bad_record_mac"
        case 21: "decryption_failed_RESERVED"
        case 22: "record_overflow"
        case 30: "decompression_failure_RESERVED"
        case 40: "handshake_failure"
        case 41: "no_certificate_RESERVED"
        case 42: "bad_certificate"
        case 43: "unsupported_certificate"
        case 44: "certificate_revoked"
        case 45: "certificate_expired"
        case 46: "certificate_unknown"
        case 47: "illegal_parameter"
        case 48: "unknown_ca"
        case 49: "access_denied"
        case 50: "decode_error"
        case 51: "decrypt_error"
        case 52: "too_many_cids_requested"
        case 60: "export_restriction_RESERVED"
        case 70: "protocol_version"
        case 71: "insufficient_security"
        case 80: "internal_error"
        case 86: "inappropriate_fallback"
        case 90: "user_canceled"
        case 100: "no_renegotiation_RESERVED"
        case 109: "missing_extension"
        case 110: "unsupported_extension"
        case 111: "certificate_unobtainable_RESERVED"
        case 112: "unrecognized_name"
        case 113: "bad_certificate_status_response"
        case 114: "bad_certificate_hash_value_RESERVED"
        case 115: "unknown_psk_identity"
        case 116: "certificate_required"
        case 117: "general_error"
        case 120: "no_application_protocol"
        case 121: "ech_required"
        default: nil
        }
    }
}
