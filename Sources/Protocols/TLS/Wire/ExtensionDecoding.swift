// The one extension dispatch table: how each extension body reads, parameterised by the message it is in
// (RFC 8446 section 4.2 and its subsections; RFC 6066 sections 3, 4 and 8; RFC 8422 section 5.1; RFC 7301
// section 3.1; RFC 6962 section 3.3.1; RFC 7685; RFC 7366; RFC 7627; RFC 8449; RFC 8879 section 3; RFC 5077
// section 3.2; RFC 5746 section 3.2; RFC 6520 section 2; draft-ietf-tls-esni section 5).
//
// Empty lists where the RFC demands at least one entry are accepted as empty: a sniffer reports what was
// sent. A body with bytes left over, an odd-length vector of two-byte values, or a zero-length name is
// malformed. A type decoded in one message and not another (status_request in a ServerHello is an empty
// acknowledgement) reads as the message requires; anything else is kept `.opaque`.

import WireKit

extension ExtensionValue {
    /// Decodes the body of one extension of `type` found in `context`; `body` spans exactly the body.
    static func decode(
        _ type: ExtensionType, _ body: inout ByteCursor, in context: ExtensionContext,
        anomalies: inout [TLSWireAnomaly]
    ) throws(WireError) -> ExtensionValue {
        let isClientRequest = context == .clientHello || context == .certificateRequest
        switch type {
        case .serverName:
            // RFC 6066 section 3: the server acknowledges with an empty body.
            if context != .clientHello { return try empty(&body) }
            return .serverNames(try serverNames(&body, anomalies: &anomalies))
        case .maxFragmentLength:
            return .maxFragmentLength(try body.readUInt8())
        case .statusRequest:
            if isClientRequest { return .statusRequest(try statusRequest(&body)) }
            if context == .certificate { return .certificateStatus(try CertificateStatus.read(&body)) }
            return try empty(&body)
        case .supportedGroups:
            var list = try body.lengthPrefixed16()
            return .supportedGroups(try list.codePoints16(as: NamedGroup.self, anomalies: &anomalies))
        case .ecPointFormats:
            var list = try body.lengthPrefixed8()
            return .ecPointFormats(try list.codePoints8(as: ECPointFormat.self, anomalies: &anomalies))
        case .signatureAlgorithms, .signatureAlgorithmsCert, .delegatedCredential:
            // delegated_credential holds a scheme list in hellos, a credential in certificate entries.
            guard type != .delegatedCredential || isClientRequest else { return opaque(&body) }
            var list = try body.lengthPrefixed16()
            return .signatureSchemes(try list.codePoints16(as: SignatureScheme.self, anomalies: &anomalies))
        case .heartbeat:
            return .heartbeat(HeartbeatMode(try body.readUInt8()))
        case .applicationLayerProtocolNegotiation:
            return .protocolNames(try protocolNames(&body, anomalies: &anomalies))
        case .signedCertificateTimestamp:
            if isClientRequest { return try empty(&body) }
            return .signedCertificateTimestamps(count: try countVector16(&body))
        case .padding:
            if body.rest.contains(where: { $0 != 0 }) { anomalies.append(.extensionPaddingNotZero) }
            let length = body.remaining
            body.skipRest()
            return .padding(length: length)
        case .encryptThenMAC, .extendedMasterSecret, .postHandshakeAuth:
            return try empty(&body)
        case .recordSizeLimit:
            let limit = try body.readUInt16()
            if Int(limit) < TLSLimits.minRecordSizeLimit { anomalies.append(.extensionRecordSizeLimitTooSmall) }
            return .recordSizeLimit(limit)
        case .compressCertificate:
            var list = try body.lengthPrefixed8()
            return .compressionAlgorithms(
                try list.codePoints16(as: CertificateCompressionAlgorithm.self, anomalies: &anomalies))
        case .sessionTicket:
            // RFC 5077 section 3.2: the body is the ticket itself, without an inner length.
            let length = body.remaining
            body.skipRest()
            return .sessionTicket(length: length)
        case .preSharedKey:
            if context == .clientHello { return try offeredPSKs(&body) }
            if context == .serverHello { return .selectedIdentity(try body.readUInt16()) }
            return opaque(&body)
        case .earlyData:
            if context == .newSessionTicket { return .maxEarlyDataSize(try body.readUInt32()) }
            return try empty(&body)
        case .supportedVersions:
            switch context {
            case .clientHello:
                var list = try body.lengthPrefixed8()
                return .supportedVersions(try list.codePoints16(as: ProtocolVersion.self, anomalies: &anomalies))
            case .serverHello, .helloRetryRequest:
                return .selectedVersion(ProtocolVersion(try body.readUInt16()))
            default:
                return opaque(&body)
            }
        case .cookie:
            let cookie = try body.lengthPrefixed16()
            return .cookie(length: cookie.remaining)
        case .pskKeyExchangeModes:
            var list = try body.lengthPrefixed8()
            return .pskKeyExchangeModes(try list.codePoints8(as: PSKKeyExchangeMode.self, anomalies: &anomalies))
        case .keyShare:
            switch context {
            case .clientHello: return .keyShares(try keyShares(&body, anomalies: &anomalies))
            case .serverHello: return .keyShare(try keyShareEntry(&body))
            case .helloRetryRequest: return .selectedGroup(NamedGroup(try body.readUInt16()))
            default: return opaque(&body)
            }
        case .renegotiationInfo:
            let connection = try body.lengthPrefixed8()
            return .renegotiationInfo(length: connection.remaining)
        case .certificateAuthorities:
            return .certificateAuthorities(count: try countVector16(&body))
        case .encryptedClientHello:
            // In EncryptedExtensions the body is retry configs; in a HelloRetryRequest, a confirmation.
            if context == .clientHello { return try encryptedClientHello(&body) }
            return opaque(&body)
        default:
            return opaque(&body)
        }
    }

    /// A body that must be empty.
    private static func empty(_ body: inout ByteCursor) throws(WireError) -> ExtensionValue {
        guard body.isAtEnd else { throw .tlsMalformed(at: body.offset, "tls.extension.malformed") }
        return .empty
    }

    /// A body kept only as its length.
    private static func opaque(_ body: inout ByteCursor) -> ExtensionValue {
        body.skipRest()
        return .opaque
    }

    /// `ServerName server_name_list<1..2^16-1>`, each `NameType name_type; HostName name<1..2^16-1>`.
    private static func serverNames(
        _ body: inout ByteCursor, anomalies: inout [TLSWireAnomaly]
    ) throws(WireError) -> [ServerName] {
        var list = try body.lengthPrefixed16()
        var names: [ServerName] = []
        while !list.isAtEnd {
            let type = ServerNameType(try list.readUInt8())
            var name = try list.lengthPrefixed16()
            guard name.remaining > 0 else { throw .tlsMalformed(at: name.offset, "tls.extension.malformed") }
            guard names.count < TLSLimits.maxServerNames else {
                anomalies.append(.extensionTooManyEntries)
                list.skipRest()
                break
            }
            guard name.remaining <= TLSLimits.maxServerNameLength else {
                anomalies.append(.extensionServerNameTooLong)
                continue
            }
            names.append(ServerName(type: type, name: name.copyRest()))
        }
        return names
    }

    /// `ProtocolName protocol_name_list<2..2^16-1>`, each `opaque ProtocolName<1..2^8-1>`.
    private static func protocolNames(
        _ body: inout ByteCursor, anomalies: inout [TLSWireAnomaly]
    ) throws(WireError) -> [[UInt8]] {
        var list = try body.lengthPrefixed16()
        var names: [[UInt8]] = []
        while !list.isAtEnd {
            var name = try list.lengthPrefixed8()
            guard name.remaining > 0 else { throw .tlsMalformed(at: name.offset, "tls.extension.malformed") }
            guard names.count < TLSLimits.maxALPNProtocols else {
                anomalies.append(.extensionTooManyEntries)
                list.skipRest()
                break
            }
            names.append(name.copyRest())
        }
        return names
    }

    /// `CertificateStatusType status_type; ResponderID responder_id_list<0..2^16-1>; Extensions
    /// request_extensions` (RFC 6066 section 8), keeping the lengths only.
    private static func statusRequest(_ body: inout ByteCursor) throws(WireError) -> StatusRequest {
        let type = CertificateStatusType(try body.readUInt8())
        guard type == .ocsp else {
            body.skipRest()
            return StatusRequest(statusType: type, responderIDListLength: 0, requestExtensionsLength: 0)
        }
        let responders = try body.lengthPrefixed16()
        let extensions = try body.lengthPrefixed16()
        return StatusRequest(
            statusType: type, responderIDListLength: responders.remaining,
            requestExtensionsLength: extensions.remaining)
    }

    /// `KeyShareEntry client_shares<0..2^16-1>`.
    private static func keyShares(
        _ body: inout ByteCursor, anomalies: inout [TLSWireAnomaly]
    ) throws(WireError) -> [KeyShareEntry] {
        var list = try body.lengthPrefixed16()
        var shares: [KeyShareEntry] = []
        while !list.isAtEnd {
            let share = try keyShareEntry(&list)
            guard shares.count < TLSLimits.maxListEntries else {
                anomalies.append(.extensionTooManyEntries)
                list.skipRest()
                break
            }
            shares.append(share)
        }
        return shares
    }

    /// `NamedGroup group; opaque key_exchange<1..2^16-1>`.
    private static func keyShareEntry(_ c: inout ByteCursor) throws(WireError) -> KeyShareEntry {
        let group = NamedGroup(try c.readUInt16())
        let key = try c.lengthPrefixed16()
        guard key.remaining > 0 else { throw .tlsMalformed(at: key.offset, "tls.extension.malformed") }
        return KeyShareEntry(group: group, keyExchangeLength: key.remaining)
    }

    /// `PskIdentity identities<7..2^16-1>` (each `opaque identity<1..2^16-1>; uint32
    /// obfuscated_ticket_age`), then `PskBinderEntry binders<33..2^16-1>` (each `opaque<32..255>`).
    private static func offeredPSKs(_ body: inout ByteCursor) throws(WireError) -> ExtensionValue {
        var identities = try body.lengthPrefixed16()
        var identityCount = 0
        while !identities.isAtEnd {
            _ = try identities.lengthPrefixed16()
            _ = try identities.readUInt32()
            identityCount += 1
        }
        let binderCount = try countVector8Items(&body)
        return .offeredPSKs(identities: identityCount, binders: binderCount)
    }

    /// Counts the `opaque item<..2^8-1>` entries (PSK binders) of a vector with a two-byte length.
    private static func countVector8Items(_ body: inout ByteCursor) throws(WireError) -> Int {
        try countItems(&body) { item throws(WireError) in _ = try item.lengthPrefixed8() }
    }

    /// Counts the `opaque item<..2^16-1>` entries of a vector with a two-byte length (SCTs, CA names).
    private static func countVector16(_ body: inout ByteCursor) throws(WireError) -> Int {
        try countItems(&body) { item throws(WireError) in _ = try item.lengthPrefixed16() }
    }

    /// Counts the items of a vector with a two-byte length, `skip` reading past one item.
    private static func countItems(
        _ body: inout ByteCursor, skip: (inout ByteCursor) throws(WireError) -> Void
    ) throws(WireError) -> Int {
        var list = try body.lengthPrefixed16()
        var count = 0
        while !list.isAtEnd {
            try skip(&list)
            count += 1
        }
        return count
    }

    /// `ECHClientHelloType type`; for outer: `HpkeSymmetricCipherSuite cipher_suite; uint8 config_id;
    /// opaque enc<0..2^16-1>; opaque payload<1..2^16-1>`; for inner: nothing.
    private static func encryptedClientHello(_ body: inout ByteCursor) throws(WireError) -> ExtensionValue {
        let type = ECHClientHelloType(try body.readUInt8())
        switch type {
        case .outer:
            try body.skip(4)  // HPKE KDF and AEAD ids
            let configID = try body.readUInt8()
            _ = try body.lengthPrefixed16()
            let payload = try body.lengthPrefixed16()
            return .encryptedClientHello(type, configID: configID, payloadLength: payload.remaining)
        case .inner:
            return .encryptedClientHello(type, configID: nil, payloadLength: 0)
        default:
            throw .tlsMalformed(at: body.offset - 1, "tls.extension.malformed")
        }
    }
}
