// Extension blocks (RFC 8446 section 4.2, RFC 5246 section 7.4.1.4): `Extension extensions<0..2^16-1>`, each
// `ExtensionType extension_type; opaque extension_data<0..2^16-1>`, in ClientHello, ServerHello,
// HelloRetryRequest, EncryptedExtensions, CertificateRequest, NewSessionTicket and TLS 1.3 certificate
// entries.
//
// One bad extension never loses its message: the outer framing (type, length) is trusted to find the next
// extension, and a body that breaks its own grammar is kept as `.malformed` with its type and length, as
// rusticata's x509-parser keeps an unparsable certificate extension. The type list stays complete and in
// wire order, GREASE included, because fingerprints (JA3, JA4) are computed from it.

import WireKit

/// The message an extension block belongs to; it decides how some bodies read (RFC 8446 section 4.2 table).
public enum ExtensionContext: Sendable, Hashable {
    /// ClientHello.
    case clientHello
    /// ServerHello (TLS 1.2 and earlier, or TLS 1.3).
    case serverHello
    /// A TLS 1.3 ServerHello carrying the HelloRetryRequest random.
    case helloRetryRequest
    /// TLS 1.3 EncryptedExtensions.
    case encryptedExtensions
    /// A TLS 1.3 CertificateEntry.
    case certificate
    /// A TLS 1.3 CertificateRequest.
    case certificateRequest
    /// A TLS 1.3 NewSessionTicket.
    case newSessionTicket
}

/// One extension: its type, its body length, and its decoded value.
public struct TLSExtension: Sendable, Hashable {
    /// The extension type (GREASE and unknown types included).
    public var type: ExtensionType
    /// The length of the body on the wire.
    public var length: Int
    /// The decoded body.
    public var value: ExtensionValue

    /// An extension with these fields.
    public init(type: ExtensionType, length: Int, value: ExtensionValue) {
        self.type = type
        self.length = length
        self.value = value
    }

    /// True when the body did not follow its grammar.
    public var isMalformed: Bool {
        if case .malformed = value { return true }
        return false
    }
}

/// One server_name entry (RFC 6066 section 3).
public struct ServerName: Sendable, Hashable {
    /// host_name (0) for every name seen in practice.
    public var type: ServerNameType
    /// The name's bytes as sent: usually ASCII, but not guaranteed to be, so not a String.
    public var name: [UInt8]

    /// An entry with these fields.
    public init(type: ServerNameType, name: [UInt8]) {
        self.type = type
        self.name = name
    }
}

/// One key_share entry (RFC 8446 section 4.2.8).
public struct KeyShareEntry: Sendable, Hashable {
    /// The group of the share.
    public var group: NamedGroup
    /// The length of the public key.
    public var keyExchangeLength: Int

    /// An entry with these fields.
    public init(group: NamedGroup, keyExchangeLength: Int) {
        self.group = group
        self.keyExchangeLength = keyExchangeLength
    }
}

/// A client's status_request (RFC 6066 section 8).
public struct StatusRequest: Sendable, Hashable {
    /// ocsp (1) in practice.
    public var statusType: CertificateStatusType
    /// The byte length of the OCSP responder id list (0: the responder is known to the server).
    public var responderIDListLength: Int
    /// The byte length of the OCSP request extensions.
    public var requestExtensionsLength: Int

    /// A request with these fields.
    public init(statusType: CertificateStatusType, responderIDListLength: Int, requestExtensionsLength: Int) {
        self.statusType = statusType
        self.responderIDListLength = responderIDListLength
        self.requestExtensionsLength = requestExtensionsLength
    }
}

/// The decoded body of an extension. Which case appears depends on the type and the message.
public enum ExtensionValue: Sendable, Hashable {
    /// A body that is empty by design: extended_master_secret, encrypt_then_mac, post_handshake_auth, and
    /// the server's acknowledgements of server_name, status_request, signed_certificate_timestamp and
    /// early_data.
    case empty
    /// A body we do not decode (unknown, GREASE, or a type whose content no consumer needs); see `length`.
    case opaque
    /// A body that broke its grammar, with where and why.
    case malformed(WireError)
    /// server_name in a ClientHello.
    case serverNames([ServerName])
    /// max_fragment_length: 1...4 stand for 2^9...2^12.
    case maxFragmentLength(UInt8)
    /// status_request in a ClientHello or CertificateRequest.
    case statusRequest(StatusRequest)
    /// status_request in a TLS 1.3 certificate entry: the stapled response.
    case certificateStatus(CertificateStatus)
    /// supported_groups.
    case supportedGroups([NamedGroup])
    /// ec_point_formats.
    case ecPointFormats([ECPointFormat])
    /// signature_algorithms, signature_algorithms_cert, or delegated_credential in a hello.
    case signatureSchemes([SignatureScheme])
    /// heartbeat.
    case heartbeat(HeartbeatMode)
    /// application_layer_protocol_negotiation: protocol ids as sent (not necessarily ASCII).
    case protocolNames([[UInt8]])
    /// signed_certificate_timestamp from a server: how many SCTs.
    case signedCertificateTimestamps(count: Int)
    /// padding: how many bytes.
    case padding(length: Int)
    /// record_size_limit.
    case recordSizeLimit(UInt16)
    /// compress_certificate.
    case compressionAlgorithms([CertificateCompressionAlgorithm])
    /// session_ticket: the ticket's length (0 for the empty "I support tickets" form).
    case sessionTicket(length: Int)
    /// pre_shared_key in a ClientHello: how many identities and binders.
    case offeredPSKs(identities: Int, binders: Int)
    /// pre_shared_key in a ServerHello: the index of the chosen identity.
    case selectedIdentity(UInt16)
    /// early_data in a NewSessionTicket.
    case maxEarlyDataSize(UInt32)
    /// supported_versions in a ClientHello.
    case supportedVersions([ProtocolVersion])
    /// supported_versions in a ServerHello or HelloRetryRequest.
    case selectedVersion(ProtocolVersion)
    /// cookie: the cookie's length.
    case cookie(length: Int)
    /// psk_key_exchange_modes.
    case pskKeyExchangeModes([PSKKeyExchangeMode])
    /// key_share in a ClientHello.
    case keyShares([KeyShareEntry])
    /// key_share in a ServerHello.
    case keyShare(KeyShareEntry)
    /// key_share in a HelloRetryRequest: the group the server wants.
    case selectedGroup(NamedGroup)
    /// renegotiation_info: the length of renegotiated_connection (0 on an initial handshake).
    case renegotiationInfo(length: Int)
    /// certificate_authorities: how many distinguished names.
    case certificateAuthorities(count: Int)
    /// encrypted_client_hello in a ClientHello: outer (with its config id and payload length) or inner.
    case encryptedClientHello(ECHClientHelloType, configID: UInt8?, payloadLength: Int)
}
