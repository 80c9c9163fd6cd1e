// The TLS event, key by key as Packetbeat 8.x publishes it (reference packetbeat-tls-events.md and
// Packetbeat's golden events), plus what Packetbeat never shipped: `tls.server.ja3s`, `tls.client.ja4`,
// `tls.curve`, `tls.detailed.history`, `tls.detailed.anomalies`. Deliberate differences, documented in
// docs/FIELDS.md: TLS 1.3 resumption is `psk` and only when the server accepted a PSK (Packetbeat reports
// the middlebox-compatibility session id echo as resumption by id); without a ServerHello no version is
// reported (Packetbeat printed the client's offer, or "0.0"); `tls.server.x509.serial_number` is upper-case
// hex as ECS specifies (the detailed certificate keeps Packetbeat's decimal); alerts carry `description`
// beside Packetbeat's `type`.

import DissectorKit
import Events
import NetModel
import TLSFingerprint
import TLSWire
import X509Fields

/// Maps a finished connection to its event.
struct TLSEventMapper {
    let settings: TLSSettings
    let cache: TLSEventCache

    func event(for c: TLSReport) -> Event {
        let f = c.facts
        let sni = f.clientHello?.extensions.serverNames.first.map(TLSEventMapper.text)
        let established = c.clientEncrypted && c.serverEncrypted
        let summary = ConnectionSummary(client: c.client, server: c.server, ipProtocol: c.ipProtocol, start: c.start, end: c.end)
        var fields = ConnectionFields.make(summary, protocolName: "tls", status: established ? "OK" : "Error", domain: sni)

        var tls = Fields(capacity: 16)
        if let version = f.negotiatedVersion {
            tls.append("version", .string(version.versionText))
            tls.append("version_protocol", .string(version.protocolName))
        }
        if let cipher = f.serverHello?.cipherSuite { tls.append("cipher", .string(cipher.description)) }
        if let group = f.keyExchangeGroup { tls.append("curve", .string(group.description)) }
        tls.append("established", .bool(established))
        let resumption = f.resumptionMethod
        tls.append("resumed", .bool(resumption != nil))
        if let alpn = f.serverHello?.extensions.alpnProtocols.first {
            tls.append("next_protocol", .string(TLSEventMapper.text(alpn)))
        }
        // Fingerprints once per event, each from the cache when this thread has seen the hello before.
        let clientPrints = TLSEventMapper.fingerprintSummary(f).map(cache.clientFingerprints)
        let serverPrints = TLSEventMapper.serverSummary(f).map(cache.serverFingerprints)
        tls.append("client", .object(clientFields(f, sni: sni, prints: clientPrints)))
        tls.append("server", .object(serverFields(f, prints: serverPrints)))
        if settings.includeDetailedFields {
            tls.append(
                "detailed",
                .object(detailedFields(c, resumption: resumption, clientPrints: clientPrints, serverPrints: serverPrints)))
        }
        fields.append("tls", .object(consume tls))
        return Event(timestamp: summary.end, fields: fields)
    }

    func clientFields(_ f: HandshakeFacts, sni: String?, prints: ClientPrints?) -> Fields {
        var client = Fields(capacity: 12)
        if let sni { client.append("server_name", .string(sni)) }
        if let prints {
            client.append("ja3", .string(prints.ja3))
            client.append("ja4", .string(prints.ja4))
        }
        let ciphers = f.clientHello?.cipherSuites ?? f.sslv2Hello?.cipherSuites ?? []
        if !ciphers.isEmpty { client.append("supported_ciphers", cache.cipherNames(ciphers)) }
        if settings.sendCertificates, !f.clientCertificates.isEmpty {
            certificateFields(f.clientCertificates, into: &client)
        }
        return client
    }

    func serverFields(_ f: HandshakeFacts, prints: ServerPrints?) -> Fields {
        var server = Fields(capacity: 12)
        if let prints { server.append("ja3s", .string(prints.ja3s)) }
        if settings.sendCertificates, !f.serverCertificates.isEmpty {
            certificateFields(f.serverCertificates, into: &server)
        }
        return server
    }

    /// `hash.*`, `subject`, `issuer`, `not_before`, `not_after`, `x509.*` of the leaf, and `certificate_chain`
    /// (PEM, leaf first) when raw certificates are asked for.
    func certificateFields(_ chain: [[UInt8]], into side: inout Fields) {
        guard let leafDER = chain.first else { return }
        let mapped = cache.certificate(leafDER)
        if !settings.fingerprints.isEmpty {
            let leaf = mapped?.fields
            var hash = Fields(capacity: 3)
            for alg in settings.fingerprints {
                let value: String
                switch alg {
                case .md5: value = leaf?.fingerprints.md5 ?? X509Parser.fingerprint(.md5, der: leafDER)
                case .sha1: value = leaf?.fingerprints.sha1 ?? X509Parser.fingerprint(.sha1, der: leafDER)
                case .sha256: value = leaf?.fingerprints.sha256 ?? X509Parser.fingerprint(.sha256, der: leafDER)
                }
                hash.append(alg.rawValue, .string(value))
            }
            side.append("hash", .object(hash))
        }
        if let mapped {
            let leaf = mapped.fields
            side.append("subject", .string(leaf.subject.distinguishedName))
            side.append("issuer", .string(leaf.issuer.distinguishedName))
            if let t = leaf.notBefore { side.append("not_before", .timestamp(TLSEventMapper.timestamp(t))) }
            if let t = leaf.notAfter { side.append("not_after", .timestamp(TLSEventMapper.timestamp(t))) }
            side.append("x509", .object(mapped.ecs))
        }
        if settings.includeRawCertificates {
            side.append("certificate_chain", .strings(chain.map { X509Parser.pem(der: $0) }))
        }
    }

    /// The fingerprint inputs of the client hello (TLS or SSLv2), or nil without one.
    static func fingerprintSummary(_ f: HandshakeFacts) -> ClientHelloSummary? {
        if let h = f.clientHello {
            let e = h.extensions
            return ClientHelloSummary(
                legacyVersion: h.legacyVersion.rawValue, cipherSuites: h.cipherSuites.map { $0.rawValue },
                extensionTypes: e.types.map { $0.rawValue }, supportedGroups: e.supportedGroups.map { $0.rawValue },
                ecPointFormats: e.ecPointFormats.map { $0.rawValue }, signatureAlgorithms: e.signatureAlgorithms.map { $0.rawValue },
                supportedVersions: e.supportedVersions.map { $0.rawValue }, alpnProtocols: e.alpnProtocols,
                hasServerName: !e.serverNames.isEmpty)
        }
        if let v2 = f.sslv2Hello {
            return ClientHelloSummary(
                legacyVersion: v2.version.rawValue, cipherSuites: v2.cipherSuites.map { $0.rawValue }, isSSLv2: true)
        }
        return nil
    }

    /// The fingerprint inputs of the server hello, or nil without one.
    static func serverSummary(_ f: HandshakeFacts) -> ServerHelloSummary? {
        f.serverHello.map {
            ServerHelloSummary(
                version: $0.legacyVersion.rawValue, cipherSuite: $0.cipherSuite.rawValue,
                extensionTypes: $0.extensions.types.map { $0.rawValue })
        }
    }

    /// Bytes from the wire as text: UTF-8 when valid, else each byte as a Latin-1 character, so nothing is
    /// lost or invented.
    static func text(_ bytes: [UInt8]) -> String {
        if let s = String(validating: bytes, as: UTF8.self) { return s }
        return String(bytes.map { Character(Unicode.Scalar($0)) })
    }

    static func timestamp(_ t: CertificateTime) -> Timestamp {
        Timestamp(seconds: t.secondsSince1970, nanoseconds: Int64(t.millisecond) * 1_000_000)
    }
}
