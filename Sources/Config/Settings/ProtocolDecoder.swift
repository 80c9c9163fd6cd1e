// Reading `packetbeat.protocols` in its two forms: the list (`- type: dns`) of Packetbeat 6+, and the
// older map keyed by type (`packetbeat.protocols.dns: {...}`). Errors follow Packetbeat: an unknown or
// repeated type fails, and so does a port claimed by two enabled protocols on the same transport.

import NetModel

enum ProtocolDecoder {
    /// Keys every protocol understands; the rest of an entry is the protocol's own options.
    static let commonKeys: Set<String> = [
        "type", "enabled", "ports", "send_request", "send_response", "transaction_timeout", "tags", "fields",
        "fields_under_root", "processors", "keep_null", "index", "map_to_ecs",
    ]

    static func decodeAll(_ cursor: Cursor, context: inout DecodeContext) throws(ConfigError) -> [ProtocolSettings] {
        guard let node = cursor.node, !node.isNull else { return [] }
        var found: [Found] = []
        switch node.kind {
        case .list:
            for element in try cursor.list() ?? [] {
                guard element.node?.mapEntries != nil else {
                    throw element.error("expected a map with a \"type\", got \(element.node?.shapeName ?? "nothing")")
                }
                let typeCursor = element["type"]
                guard let name = try typeCursor.string() else {
                    throw element.error("missing \"type\" (one of: \(typeNames))")
                }
                let type = try protocolType(name, at: typeCursor)
                found.append(
                    Found(settings: try decode(type, element, context: &context), entry: element, typeAt: typeCursor))
            }
        case .map:
            for (key, entry) in try cursor.entries() ?? [] {
                let type = try protocolType(key, at: entry, keyError: true)
                try entry.requireMapOrAbsent()
                found.append(Found(settings: try decode(type, entry, context: &context), entry: entry, typeAt: entry))
            }
        case .scalar:
            throw cursor.error("expected a list of protocols, got \(node.shapeName)")
        }
        try checkUnique(found)
        return found.map(\.settings)
    }

    /// A decoded protocol with where its entry and its type were written.
    private struct Found {
        var settings: ProtocolSettings
        var entry: Cursor
        var typeAt: Cursor
    }

    static var typeNames: String { ProtocolType.allCases.map(\.rawValue).joined(separator: ", ") }

    private static func protocolType(
        _ name: String, at cursor: Cursor, keyError: Bool = false
    ) throws(ConfigError)
        -> ProtocolType
    {
        guard let type = ProtocolType(rawValue: name.lowercased()) else {
            let message = "unknown protocol type \"\(name)\" (expected one of: \(typeNames))"
            throw keyError ? cursor.keyError(message) : cursor.error(message)
        }
        return type
    }

    private static func checkUnique(_ found: [Found]) throws(ConfigError) {
        var types: [ProtocolType: Cursor] = [:]
        for item in found {
            let type = item.settings.type
            if let first = types[type] {
                let line = first.location?.line.map { " (first at line \($0))" } ?? ""
                throw item.typeAt.error("protocol \"\(type.rawValue)\" is configured more than once\(line)")
            }
            types[type] = item.typeAt
        }
        var owners: [UInt32: ProtocolType] = [:]
        for item in found where item.settings.enabled {
            let settings = item.settings
            for transport in [ProtocolType.Transports.tcp, .udp] where settings.type.transports.contains(transport) {
                for port in settings.ports {
                    let key = UInt32(transport.rawValue) << 16 | UInt32(port)
                    if let owner = owners[key], owner != settings.type {
                        let ports = item.entry["ports"]
                        let names = "\(owner.rawValue) and \(settings.type.rawValue)"
                        throw (ports.isSet ? ports : item.typeAt).error(
                            "duplicate port (\(port)) exists in \(names) protocols")
                    }
                    owners[key] = settings.type
                }
            }
        }
    }

    static func decode(
        _ type: ProtocolType, _ cursor: Cursor, context: inout DecodeContext
    ) throws(ConfigError)
        -> ProtocolSettings
    {
        var out = ProtocolSettings(type: type)
        out.location = cursor.location
        out.enabled = try cursor["enabled"].bool(default: true)
        if type != .icmp {
            if let ports = try cursor["ports"].list(expecting: "a list of ports, e.g. [80, 8080]") {
                out.ports = []
                for port in ports {
                    guard let value = try port.int(in: 1...65535) else { throw port.error("expected a port, got null") }
                    out.ports.append(UInt16(value))
                }
            }
            out.sendRequest = try cursor["send_request"].bool(default: out.sendRequest)
            out.sendResponse = try cursor["send_response"].bool(default: out.sendResponse)
            out.transactionTimeout = try cursor["transaction_timeout"].duration(default: .seconds(10))
            guard out.transactionTimeout > .zero else {
                throw cursor["transaction_timeout"].error("must be greater than 0")
            }
            out.mapToECS = try cursor["map_to_ecs"].bool(default: false)
        } else {
            out.ports = []
        }
        out.metadata = try EventMetadataSettings(cursor)
        let own = (try cursor.entries() ?? []).filter { !commonKeys.contains($0.key) }
        out.rawOptions = ConfigMap(own.map { ConfigMap.Entry(key: $0.key, value: $0.cursor.value() ?? .null) })
        switch type {
        case .tls: out.options = .tls(try decodeTLS(cursor))
        case .dns: out.options = .dns(try decodeDNS(cursor))
        case .http: out.options = .http(try decodeHTTP(cursor))
        default: break
        }
        return out
    }

    private static func decodeTLS(_ cursor: Cursor) throws(ConfigError) -> TLSOptions {
        var out = TLSOptions()
        out.sendCertificates = try cursor["send_certificates"].bool(default: true)
        out.includeRawCertificates = try cursor["include_raw_certificates"].bool(default: false)
        out.includeDetailedFields = try cursor["include_detailed_fields"].bool(default: true)
        out.detectAllPorts = try cursor["detect_all_ports"].bool(default: false)
        if let names = try cursor["fingerprints"].list(expecting: "a list of hash names, e.g. [sha1, sha256]") {
            out.fingerprints = []
            for name in names {
                let algorithm = try name.choice(
                    ["md5": FingerprintAlgorithm.md5, "sha1": .sha1, "sha256": .sha256], caseInsensitive: true)
                if let algorithm, !out.fingerprints.contains(algorithm) { out.fingerprints.append(algorithm) }
            }
        }
        return out
    }

    private static func decodeDNS(_ cursor: Cursor) throws(ConfigError) -> DNSOptions {
        var out = DNSOptions()
        out.includeAuthorities = try cursor["include_authorities"].bool(default: false)
        out.includeAdditionals = try cursor["include_additionals"].bool(default: false)
        return out
    }

    private static func decodeHTTP(_ cursor: Cursor) throws(ConfigError) -> HTTPOptions {
        var out = HTTPOptions()
        out.hideKeywords = try cursor["hide_keywords"].stringList() ?? []
        let sendHeaders = cursor["send_headers"]
        if let scalar = sendHeaders.node?.scalarValue, !sendHeaders.node!.isNull, !scalar.fromVariable {
            out.sendAllHeaders = try sendHeaders.bool() ?? false
        } else {
            out.sendHeaders = try sendHeaders.stringList() ?? []
        }
        out.sendAllHeaders = try cursor["send_all_headers"].bool() ?? out.sendAllHeaders
        out.redactHeaders = try cursor["redact_headers"].stringList() ?? []
        out.includeBodyFor = try cursor["include_body_for"].stringList() ?? []
        out.includeRequestBodyFor = try cursor["include_request_body_for"].stringList() ?? []
        out.includeResponseBodyFor = try cursor["include_response_body_for"].stringList() ?? []
        out.decodeBody = try cursor["decode_body"].bool(default: true)
        out.splitCookie = try cursor["split_cookie"].bool(default: false)
        out.realIPHeader = try cursor["real_ip_header"].nonEmptyString()
        out.redactAuthorization = try cursor["redact_authorization"].bool(default: false)
        out.maxMessageSize = try cursor["max_message_size"].int(default: 10_485_760, in: 1...Int.max)
        return out
    }
}
