// `tls.detailed.*`: the hellos with their extensions under Packetbeat's key names, the certificates, and
// our additions (history, alerts with their side, anomalies, raw fingerprint strings, decoded forms of the
// extensions Packetbeat leaves in `_unparsed_`).
//
// Packetbeat decodes a fixed set of extensions under its own names (server_name_indication,
// supported_groups, ec_points_formats, signature_algorithms, application_layer_protocol_negotiation,
// supported_versions, session_ticket, status_request) and lists every other extension in `_unparsed_`, by
// its Packetbeat name when it has one (renegotiation_info) else by decimal number (23, 51, …). We keep
// `_unparsed_` exactly so, and add decoded forms of key_share, psk_key_exchange_modes, pre_shared_key and
// record_size_limit under names of our own.

import DissectorKit
import Events
import NetModel
import TLSFingerprint
import TLSWire
import X509Fields

extension TLSEventMapper {
    func detailedFields(
        _ c: TLSReport, resumption: String?, clientPrints: ClientPrints?, serverPrints: ServerPrints?
    ) -> Fields {
        let f = c.facts
        var d = Fields(capacity: 16)
        if let version = f.negotiatedVersion { d.append("version", .string(version.detailedText)) }
        d.append("client_certificate_requested", .bool(f.clientCertificateRequested))
        if let resumption { d.append("resumption_method", .string(resumption)) }
        if let hello = f.clientHello {
            d.append("client_hello", .object(clientHello(hello, prints: clientPrints)))
        } else if let v2 = f.sslv2Hello {
            var h = Fields(capacity: 4)
            h.append("version", .string(v2.version.recordText))
            h.append("format", .string("sslv2"))
            if !v2.sessionID.isEmpty { h.append("session_id", .string(TLSEventMapper.hex(v2.sessionID))) }
            if let clientPrints { h.append("ja3_string", .string(clientPrints.ja3String)) }
            d.append("client_hello", .object(h))
        }
        if let hello = f.serverHello { d.append("server_hello", .object(serverHello(hello, prints: serverPrints))) }
        if let hrr = f.helloRetryRequest {
            var r = Fields(capacity: 2)
            if let group = hrr.extensions.keyShareGroups.first { r.append("selected_group", .string(group.description)) }
            r.append("cipher", .string(hrr.cipherSuite.description))
            d.append("hello_retry_request", .object(r))
        }
        if settings.sendCertificates {
            certificates(f.serverCertificates, leafKey: "server_certificate", chainKey: "server_certificate_chain", into: &d)
            certificates(f.clientCertificates, leafKey: "client_certificate", chainKey: "client_certificate_chain", into: &d)
        }
        if let status = f.certificateStatus {
            d.append("ocsp_stapled", .object(["type": .string(status.statusType.description), "length": .int(Int64(status.responseLength))]))
        }
        if !f.alerts.isEmpty { d.append("alerts", .array(f.alerts.map(alert))) }
        d.append("history", .string(c.history))
        if !c.anomalies.isEmpty { d.append("anomalies", .strings(c.anomalies)) }
        return d
    }

    func clientHello(_ h: ClientHello, prints: ClientPrints?) -> Fields {
        var o = Fields(capacity: 10)
        o.append("version", .string(h.legacyVersion.recordText))
        o.append("random", .string(TLSEventMapper.hex(h.random.bytes)))
        if !h.sessionID.isEmpty { o.append("session_id", .string(TLSEventMapper.hex(h.sessionID))) }
        o.append("supported_compression_methods", .strings(h.compressionMethods.map { $0.description }))
        o.append("extensions", .object(extensions(h.extensions, client: true)))
        if let prints {
            o.append("ja3_string", .string(prints.ja3String))
            o.append("ja4_r", .string(prints.ja4Raw))
        }
        return o
    }

    func serverHello(_ h: ServerHello, prints: ServerPrints?) -> Fields {
        var o = Fields(capacity: 7)
        o.append("version", .string(h.legacyVersion.recordText))
        o.append("random", .string(TLSEventMapper.hex(h.random.bytes)))
        if !h.sessionID.isEmpty { o.append("session_id", .string(TLSEventMapper.hex(h.sessionID))) }
        o.append("selected_compression_method", .string(h.compressionMethod.description))
        o.append("extensions", .object(extensions(h.extensions, client: false)))
        if let prints { o.append("ja3s_string", .string(prints.ja3sString)) }
        return o
    }

    /// Extensions under Packetbeat's names, `_unparsed_` for the rest, then our decoded additions.
    func extensions(_ list: ExtensionList, client: Bool) -> Fields {
        var e = Fields(capacity: 12)
        var unparsed: [String] = []
        // GREASE extensions are skipped altogether, as Packetbeat does.
        for entry in list.entries where !entry.type.isGREASE {
            let t = entry.type
            switch t {
            case .serverName where client:
                e.append("server_name_indication", .strings(list.serverNames.map(TLSEventMapper.text)))
            case .supportedGroups:
                e.append("supported_groups", .strings(list.supportedGroups.filter { !$0.isGREASE }.map { $0.description }))
            case .maxFragmentLength:
                if case .maxFragmentLength(let v) = entry.value {
                    e.append("max_fragment_length", .string((1...4).contains(v) ? "2^\(8 + Int(v))" : "(unknown:\(v))"))
                } else {
                    unparsed.append(TLSEventMapper.unparsedName(t))
                }
            case .ecPointFormats:
                e.append("ec_points_formats", .strings(list.ecPointFormats.map { $0.description }))
            case .signatureAlgorithms:
                e.append("signature_algorithms", .strings(list.signatureAlgorithms.map { $0.description }))
            case .applicationLayerProtocolNegotiation:
                e.append("application_layer_protocol_negotiation", .strings(list.alpnProtocols.map(TLSEventMapper.text)))
            case .supportedVersions:
                if client {
                    e.append("supported_versions", .strings(list.supportedVersions.filter { !$0.isGREASE }.map { $0.detailedText }))
                } else if let v = list.selectedVersion {
                    e.append("supported_versions", .string(v.detailedText))
                }
            case .sessionTicket:
                if case .sessionTicket(let length) = entry.value {
                    e.append("session_ticket", .string(length == 0 ? "" : "(\(length) bytes)"))
                }
            case .statusRequest where !client && entry.length == 0:
                e.append("status_request", .object(["response": .bool(true)]))
            case .statusRequest where client:
                if case .statusRequest(let s) = entry.value {
                    e.append(
                        "status_request",
                        .object([
                            "type": .string(s.statusType.description),
                            "responder_id_list_length": .int(Int64(s.responderIDListLength)),
                            "request_extensions": .int(Int64(s.requestExtensionsLength)),
                        ]))
                } else {
                    unparsed.append(TLSEventMapper.unparsedName(t))
                }
            default:
                unparsed.append(TLSEventMapper.unparsedName(t))
            }
        }
        if !unparsed.isEmpty { e.append("_unparsed_", .strings(unparsed)) }
        // Ours: decoded forms of what Packetbeat leaves unparsed.
        let shares = list.keyShareGroups
        if !shares.isEmpty { e.append("key_share", .strings(shares.map { $0.description })) }
        let modes = list.pskKeyExchangeModes
        if !modes.isEmpty { e.append("psk_key_exchange_modes", .strings(modes.map { $0.description })) }
        switch list[.preSharedKey]?.value {
        case .offeredPSKs(let identities, _)?: e.append("pre_shared_key", .object(["identities": .int(Int64(identities))]))
        case .selectedIdentity(let i)?: e.append("pre_shared_key", .object(["selected_identity": .int(Int64(i))]))
        default: break
        }
        if case .recordSizeLimit(let n)? = list[.recordSizeLimit]?.value { e.append("record_size_limit", .int(Int64(n))) }
        return e
    }

    func certificates(_ chain: [[UInt8]], leafKey: String, chainKey: String, into d: inout Fields) {
        guard let leaf = chain.first else { return }
        if let mapped = cache.certificate(leaf) { d.append(leafKey, .object(mapped.detailed)) }
        let rest = chain.dropFirst().compactMap { cache.certificate($0) }.map { FieldValue.object($0.detailed) }
        if !rest.isEmpty { d.append(chainKey, .array(rest)) }
    }

    func alert(_ a: AlertRecord) -> FieldValue {
        var o = Fields(capacity: 6)
        o.append("source", .string(a.fromClient ? "client" : "server"))
        if let alert = a.alert {
            o.append("severity", .string(alert.level.description))
            o.append("code", .int(Int64(alert.alertDescription.rawValue)))
            o.append("type", .string(alert.alertDescription.description))
            o.append("description", .string(alert.alertDescription.description))
        } else {
            o.append("encrypted", .bool(true))
        }
        return .object(o)
    }

    /// Packetbeat's `_unparsed_` entry: its name for the extension, or the decimal number.
    static func unparsedName(_ t: ExtensionType) -> String { t.packetbeatName ?? String(t.rawValue) }

    static func hex(_ bytes: [UInt8]) -> String { HexText.lowercase(bytes) }
}
