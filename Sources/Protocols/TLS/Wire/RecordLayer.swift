// The record layer: the five-byte record header (RFC 8446 section 5.1, RFC 5246 section 6.2.1) with its
// length limits (RFC 8446 sections 5.1 and 5.2, RFC 5246 section 6.2.3), and the bodies of the records
// that are not handshake messages: Alert (RFC 8446 section 6, RFC 5246 section 7.2), ChangeCipherSpec
// (RFC 5246 section 7.1, RFC 8446 section 5) and Heartbeat (RFC 6520 section 4).
//
// Headers are checked strictly, because a wrong header means the stream is not TLS or we lost framing:
// only content types 20-24, only major version 3, no length over the limit. Record bodies are not
// reassembled here; the caller collects whole records using `RecordHeader.totalLength`.

import WireKit

/// Which record length limit applies.
public enum RecordProtection: Sendable, Hashable {
    /// A record sent before encryption: at most 2^14 bytes.
    case plaintext
    /// A TLS 1.3 encrypted record: at most 2^14 + 256 bytes.
    case tls13Ciphertext
    /// A TLS 1.2 (or earlier) encrypted record: at most 2^14 + 2048 bytes; the limit to use while unknown.
    case tls12Ciphertext

    /// The largest record length allowed.
    public var maxLength: Int {
        switch self {
        case .plaintext: TLSLimits.maxPlaintextRecordLength
        case .tls13Ciphertext: TLSLimits.maxTLS13CiphertextRecordLength
        case .tls12Ciphertext: TLSLimits.maxTLS12CiphertextRecordLength
        }
    }
}

/// The header of one TLS record.
public struct RecordHeader: Sendable, Hashable {
    /// The record's content type.
    public var contentType: ContentType
    /// legacy_record_version: 3.1 or 3.3 in practice, whatever the negotiated version.
    public var version: ProtocolVersion
    /// The length of the fragment after the header.
    public var length: Int

    /// A header with these fields.
    public init(contentType: ContentType, version: ProtocolVersion, length: Int) {
        self.contentType = contentType
        self.version = version
        self.length = length
    }

    /// Header and fragment together: how many bytes the caller needs before the record is whole.
    public var totalLength: Int { TLSLimits.recordHeaderLength + length }

    /// Notes on a header that parsed: empty handshake, alert or change_cipher_spec fragments, which RFC
    /// 8446 section 5.1 forbids (empty application data is legal: TLS 1.0 CBC clients send it on purpose).
    public var anomalies: [TLSWireAnomaly] {
        length == 0 && contentType != .applicationData ? [.recordEmpty] : []
    }

    /// Reads a record header from the start of `bytes`.
    ///
    /// Throws `truncated` with fewer than five bytes, `malformed` (`tls.record.unknown_content_type`,
    /// `tls.record.bad_version`) when the header cannot be TLS, and `overLimit` (`tls.record.too_long`) when
    /// the length exceeds the limit of `protection`.
    public static func parse(
        _ bytes: UnsafeRawBufferPointer, protection: RecordProtection = .tls12Ciphertext
    ) throws(WireError) -> RecordHeader {
        var c = ByteCursor(bytes)
        let type = ContentType(try c.readUInt8())
        guard (20...24).contains(type.rawValue) else {
            throw .tlsMalformed(at: 0, "tls.record.unknown_content_type")
        }
        let version = ProtocolVersion(try c.readUInt16())
        guard version.major == 3 else { throw .tlsMalformed(at: 1, "tls.record.bad_version") }
        let length = Int(try c.readUInt16())
        guard length <= protection.maxLength else { throw .tlsOverLimit(at: 3, "tls.record.too_long") }
        return RecordHeader(contentType: type, version: version, length: length)
    }
}

/// An unencrypted Alert.
public struct Alert: Sendable, Hashable {
    /// warning or fatal.
    public var level: AlertLevel
    /// The reason (the RFC's `description` field).
    public var alertDescription: AlertDescription
    /// `tls.alert.unknown_level` when the level is neither warning nor fatal.
    public var anomalies: [TLSWireAnomaly]

    /// An alert with these fields.
    public init(level: AlertLevel, alertDescription: AlertDescription) {
        self.level = level
        self.alertDescription = alertDescription
        self.anomalies = level.name == nil ? [.alertUnknownLevel] : []
    }

    /// Reads an Alert record's fragment. Throws `malformed` (`tls.alert.bad_length`) unless it is exactly
    /// two bytes: a longer alert is an encrypted one, which Packetbeat also skips.
    public static func parse(_ fragment: UnsafeRawBufferPointer) throws(WireError) -> Alert {
        guard fragment.count == TLSLimits.alertLength else { throw .tlsMalformed(at: 0, "tls.alert.bad_length") }
        return Alert(level: AlertLevel(fragment[0]), alertDescription: AlertDescription(fragment[1]))
    }
}

/// A ChangeCipherSpec record: a single byte 1.
public struct ChangeCipherSpec: Sendable, Hashable {
    /// The only ChangeCipherSpec there is.
    public init() {}

    /// Checks a ChangeCipherSpec record's fragment. Throws `malformed` (`tls.change_cipher_spec.malformed`)
    /// unless it is exactly the byte 1 (RFC 5246 section 7.1; RFC 8446 section 5 keeps it for middlebox
    /// compatibility with the same encoding).
    public static func parse(_ fragment: UnsafeRawBufferPointer) throws(WireError) -> ChangeCipherSpec {
        guard fragment.count == 1, fragment[0] == 1 else {
            throw .tlsMalformed(at: 0, "tls.change_cipher_spec.malformed")
        }
        return ChangeCipherSpec()
    }
}

/// An unencrypted Heartbeat message (RFC 6520 section 4).
public struct HeartbeatMessage: Sendable, Hashable {
    /// Request or response.
    public var type: HeartbeatMessageType
    /// The payload length the message claims.
    public var payloadLength: Int
    /// The bytes after type and payload_length that the record actually holds (payload and padding).
    public var availableLength: Int
    /// `tls.heartbeat.payload_too_long` (a Heartbleed probe) or `tls.heartbeat.short_padding`.
    public var anomalies: [TLSWireAnomaly]

    /// True when the claimed payload is longer than the record: the shape of a Heartbleed probe.
    public var isOverlong: Bool { payloadLength > availableLength }

    /// Reads a Heartbeat record's fragment. Throws `truncated` when it is shorter than three bytes.
    public static func parse(_ fragment: UnsafeRawBufferPointer) throws(WireError) -> HeartbeatMessage {
        var c = ByteCursor(fragment)
        let type = HeartbeatMessageType(try c.readUInt8())
        let payloadLength = Int(try c.readUInt16())
        let available = c.remaining
        var anomalies: [TLSWireAnomaly] = []
        if payloadLength > available {
            anomalies.append(.heartbeatPayloadTooLong)
        } else if available - payloadLength < TLSLimits.minHeartbeatPadding {
            anomalies.append(.heartbeatShortPadding)
        }
        return HeartbeatMessage(
            type: type, payloadLength: payloadLength, availableLength: available, anomalies: anomalies)
    }
}
