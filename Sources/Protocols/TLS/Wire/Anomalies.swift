// The wire-level oddities the TLS grammar reports, with stable dotted names.
//
// The names are part of wirebeat's output contract and are listed with their meaning in docs/ANOMALIES.md
// ("TLS wire"). They reach the caller two ways: in the `anomalies` of a value whose parsing went on (a
// malformed extension does not lose its ClientHello), or as the `reason` of a thrown `WireError` when
// nothing usable is left (a record with version 7.1 is not TLS); `TLSWireAnomaly(_:otherwise:)` maps the
// latter back to a name.

import WireKit

/// A named oddity in TLS bytes.
public struct TLSWireAnomaly: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The dotted name, e.g. `tls.record.too_long`.
    public let rawValue: String
    /// An anomaly with this dotted name.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The dotted name.
    public var name: String { rawValue }
    /// The dotted name.
    public var description: String { rawValue }

    /// The anomaly a thrown error stands for: the TLS name carried in its reason, else `fallback` (the
    /// caller knows what a bare truncation means where it called).
    public init(_ error: WireError, otherwise fallback: TLSWireAnomaly) {
        let reason = error.reason.description
        self = reason.hasPrefix("tls.") ? TLSWireAnomaly(rawValue: reason) : fallback
    }

    // Record layer.

    /// A record longer than the limit for its protection (thrown as `overLimit`).
    public static let recordTooLong = TLSWireAnomaly(rawValue: "tls.record.too_long")
    /// A record version whose major byte is not 3 (thrown).
    public static let recordBadVersion = TLSWireAnomaly(rawValue: "tls.record.bad_version")
    /// A content type outside 20...24 (thrown).
    public static let recordUnknownContentType = TLSWireAnomaly(rawValue: "tls.record.unknown_content_type")
    /// A zero-length handshake, alert or change_cipher_spec record (RFC 8446 section 5.1 forbids them).
    public static let recordEmpty = TLSWireAnomaly(rawValue: "tls.record.empty")

    // Handshake framing.

    /// A handshake header stating more than `TLSLimits.maxHandshakeMessageLength` (thrown as `overLimit`).
    public static let handshakeTooLong = TLSWireAnomaly(rawValue: "tls.handshake.too_long")
    /// A length inside a message runs past the end of the message.
    public static let handshakeTruncated = TLSWireAnomaly(rawValue: "tls.handshake.truncated")
    /// A message whose length does not fit its type: bytes left over, or an empty message that is not.
    public static let handshakeBadLength = TLSWireAnomaly(rawValue: "tls.handshake.bad_length")
    /// A handshake type no registry names.
    public static let handshakeUnknownType = TLSWireAnomaly(rawValue: "tls.handshake.unknown_type")

    // Hellos.

    /// A ClientHello session id longer than 32 bytes.
    public static let clientHelloBadSessionIDLength = TLSWireAnomaly(
        rawValue: "tls.client_hello.bad_session_id_length")
    /// A ClientHello cipher_suites length that is odd or zero.
    public static let clientHelloBadCipherSuitesLength = TLSWireAnomaly(
        rawValue: "tls.client_hello.bad_cipher_suites_length")
    /// A ClientHello without compression methods.
    public static let clientHelloNoCompressionMethods = TLSWireAnomaly(
        rawValue: "tls.client_hello.no_compression_methods")
    /// A ServerHello session id longer than 32 bytes.
    public static let serverHelloBadSessionIDLength = TLSWireAnomaly(
        rawValue: "tls.server_hello.bad_session_id_length")
    /// An SSL 2.0 CLIENT-HELLO whose lengths contradict each other or appendix E.2 (thrown).
    public static let sslv2Malformed = TLSWireAnomaly(rawValue: "tls.sslv2.malformed")

    // Extensions.

    /// An extension body that does not follow its grammar; the extension is kept as malformed.
    public static let extensionMalformed = TLSWireAnomaly(rawValue: "tls.extension.malformed")
    /// The same extension type twice in one block (RFC 8446 section 4.2).
    public static let extensionDuplicate = TLSWireAnomaly(rawValue: "tls.extension.duplicate")
    /// More extensions than `TLSLimits.maxExtensionsPerMessage`; the rest are skipped.
    public static let extensionTooMany = TLSWireAnomaly(rawValue: "tls.extension.too_many")
    /// A list inside an extension longer than its limit; the first entries are kept.
    public static let extensionTooManyEntries = TLSWireAnomaly(rawValue: "tls.extension.too_many_entries")
    /// A server name longer than `TLSLimits.maxServerNameLength`; it is not kept.
    public static let extensionServerNameTooLong = TLSWireAnomaly(rawValue: "tls.extension.server_name_too_long")
    /// A padding extension with non-zero bytes (RFC 7685 section 3).
    public static let extensionPaddingNotZero = TLSWireAnomaly(rawValue: "tls.extension.padding_not_zero")
    /// A record_size_limit below 64 (RFC 8449 section 4).
    public static let extensionRecordSizeLimitTooSmall = TLSWireAnomaly(
        rawValue: "tls.extension.record_size_limit_too_small")

    // Certificates.

    /// More certificates than `TLSLimits.maxCertificateChainLength`; the rest are skipped.
    public static let certificateChainTooLong = TLSWireAnomaly(rawValue: "tls.certificate.chain_too_long")
    /// A certificate larger than `TLSLimits.maxCertificateLength`; only its length is kept.
    public static let certificateTooLarge = TLSWireAnomaly(rawValue: "tls.certificate.too_large")
    /// A zero-length certificate entry (`ASN.1Cert<1..2^24-1>`).
    public static let certificateEmptyEntry = TLSWireAnomaly(rawValue: "tls.certificate.empty_entry")

    // Other records.

    /// An Alert record that is not exactly two bytes (thrown; usually an encrypted alert).
    public static let alertBadLength = TLSWireAnomaly(rawValue: "tls.alert.bad_length")
    /// An Alert level other than warning (1) or fatal (2).
    public static let alertUnknownLevel = TLSWireAnomaly(rawValue: "tls.alert.unknown_level")
    /// A ChangeCipherSpec record that is not the single byte 1 (thrown).
    public static let changeCipherSpecMalformed = TLSWireAnomaly(rawValue: "tls.change_cipher_spec.malformed")
    /// A Heartbeat whose payload_length claims more than the record holds: the Heartbleed probe
    /// (CVE-2014-0160).
    public static let heartbeatPayloadTooLong = TLSWireAnomaly(rawValue: "tls.heartbeat.payload_too_long")
    /// A Heartbeat with less than 16 bytes of padding (RFC 6520 section 4).
    public static let heartbeatShortPadding = TLSWireAnomaly(rawValue: "tls.heartbeat.short_padding")

    /// Every anomaly the grammar reports, for counters and documentation checks.
    public static let known: [TLSWireAnomaly] = [
        .recordTooLong,
        .recordBadVersion,
        .recordUnknownContentType,
        .recordEmpty,
        .handshakeTooLong,
        .handshakeTruncated,
        .handshakeBadLength,
        .handshakeUnknownType,
        .clientHelloBadSessionIDLength,
        .clientHelloBadCipherSuitesLength,
        .clientHelloNoCompressionMethods,
        .serverHelloBadSessionIDLength,
        .sslv2Malformed,
        .extensionMalformed,
        .extensionDuplicate,
        .extensionTooMany,
        .extensionTooManyEntries,
        .extensionServerNameTooLong,
        .extensionPaddingNotZero,
        .extensionRecordSizeLimitTooSmall,
        .certificateChainTooLong,
        .certificateTooLarge,
        .certificateEmptyEntry,
        .alertBadLength,
        .alertUnknownLevel,
        .changeCipherSpecMalformed,
        .heartbeatPayloadTooLong,
        .heartbeatShortPadding,
    ]
}
