// Reading and validating `output.kafka` with libbeat's rules and messages where users know them
// ("no hosts configured", "password must be set when username is configured",
// "unknown kafka partition mode"), so a config that libbeat rejects is rejected here too.

import NetModel

enum KafkaDecoder {
    static func decode(_ cursor: Cursor) throws(ConfigError) -> KafkaOutputSettings {
        let hostsCursor = cursor["hosts"]
        let hosts = try hostsCursor.stringList() ?? []
        guard !hosts.isEmpty else {
            throw hostsCursor.node != nil
                ? hostsCursor.error("no hosts configured")
                : hostsCursor.keyError("no hosts configured: set output.kafka.hosts, e.g. [\"kafka:9092\"]")
        }
        for (index, host) in hosts.enumerated() where host.trimmingSpaces.isEmpty {
            throw hostsCursor[String(index)].error("empty host")
        }
        var out = KafkaOutputSettings(hosts: hosts)
        out.topic = try cursor["topic"].formatString()
        out.topics = try decodeTopics(cursor["topics"])
        if out.topic == nil && out.topics.isEmpty {
            throw cursor.keyError("either 'topic' or 'topics' must be defined")
        }
        out.key = try cursor["key"].formatString()
        out.partitioner = try decodePartition(cursor["partition"])
        out.clientID = try cursor["client_id"].nonEmptyString() ?? "beats"
        if let version = try cursor["version"].string() {
            let parts = version.split(separator: ".", omittingEmptySubsequences: false)
            guard (2...4).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) else {
                throw cursor["version"].error("invalid kafka version \"\(version)\" (use a release such as 2.1.0)")
            }
            out.version = version
        }
        try decodeAuthentication(cursor, into: &out)
        out.ssl = try decodeTLS(cursor["ssl"])
        out.metadata = try decodeMetadata(cursor["metadata"])
        out.bulkMaxSize = try cursor["bulk_max_size"].int(default: 2048, in: 0...Int.max)
        out.bulkFlushFrequency = try nonNegative(cursor["bulk_flush_frequency"], default: .zero)
        out.maxMessageBytes = try cursor["max_message_bytes"].int(default: 1_000_000, in: 1...Int.max)
        let acks = cursor["required_acks"]
        if acks.isSet {
            let value = try acks.int(default: 1)
            guard (-1...1).contains(value) else {
                throw acks.error("required_acks must be -1 (all replicas), 0 (none) or 1 (leader), got \(value)")
            }
            out.requiredAcks = value
        }
        if let text = try cursor["compression"].string() {
            guard let compression = compressions[text.lowercased()] else {
                throw cursor["compression"].error("compression mode '\(text)' unknown")
            }
            out.compression = compression
        }
        let level = cursor["compression_level"]
        out.compressionLevel = try level.int(default: 4)
        if out.compression == .gzip && !(0...9).contains(out.compressionLevel) {
            throw level.error("compression_level must be between 0 and 9 for gzip, got \(out.compressionLevel)")
        }
        out.brokerTimeout = try positive(cursor["broker_timeout"], default: .seconds(10))
        out.timeout = try positive(cursor["timeout"], default: .seconds(30))
        out.keepAlive = try nonNegative(cursor["keep_alive"], default: .zero)
        out.channelBufferSize = try cursor["channel_buffer_size"].int(default: 256, in: 1...Int.max)
        let retries = cursor["max_retries"]
        out.maxRetries = try retries.int(default: 3, in: -1...Int.max)
        guard out.maxRetries != 0 else {
            throw retries.error("max_retries must be -1 (retry forever) or at least 1, got 0")
        }
        out.backoffInit = try positive(cursor["backoff"]["init"], default: .seconds(1))
        out.backoffMax = try positive(cursor["backoff"]["max"], default: .seconds(60))
        out.headers = try decodeHeaders(cursor["headers"])
        out.codec = try OutputDecoder.decodeCodec(cursor["codec"], legacyPretty: nil)
        out.worker = try cursor["worker"].int(default: 1, in: 1...Int.max)
        out.librdkafka = try decodeLibrdkafka(cursor["librdkafka"])
        return out
    }

    private static let compressions: [String: KafkaCompression] = [
        "none": .none, "no": .none, "off": .none, "gzip": .gzip, "snappy": .snappy, "lz4": .lz4, "zstd": .zstd,
    ]

    private static func positive(_ cursor: Cursor, default value: TimeSpan) throws(ConfigError) -> TimeSpan {
        let result = try cursor.duration(default: value)
        guard result > .zero else { throw cursor.error("must be greater than 0, got \(result)") }
        return result
    }

    private static func nonNegative(_ cursor: Cursor, default value: TimeSpan) throws(ConfigError) -> TimeSpan {
        let result = try cursor.duration(default: value)
        guard result >= .zero else { throw cursor.error("must not be negative, got \(result)") }
        return result
    }

    private static func decodeTopics(_ cursor: Cursor) throws(ConfigError) -> [KafkaTopicRule] {
        var rules: [KafkaTopicRule] = []
        for element in try cursor.list(expecting: "a list of topic rules") ?? [] {
            guard element.node?.mapEntries != nil else {
                throw element.error("a topic rule must be a map with a \"topic\"")
            }
            guard let topic = try element["topic"].formatString() else {
                throw element.error("a topic rule needs a \"topic\"")
            }
            var mappings: [String: String] = [:]
            for (from, to) in try element["mappings"].entries() ?? [] {
                mappings[from] = try to.string() ?? ""
            }
            let when = element["when"]
            if when.isSet, when.node?.mapEntries == nil {
                throw when.error("expected a condition map (equals, contains, regexp, range, network, ...)")
            }
            rules.append(
                KafkaTopicRule(
                    topic: topic, mappings: mappings, defaultTopic: try element["default"].string(),
                    when: when.value(), location: element.location))
        }
        return rules
    }

    private static func decodePartition(_ cursor: Cursor) throws(ConfigError) -> KafkaPartitioner {
        guard let entries = try cursor.entries(), let (name, mode) = entries.first else {
            return .hash(fields: [], random: true, reachableOnly: false)
        }
        if entries.count > 1 {
            let names = entries.map(\.key).joined(separator: ", ")
            throw entries[1].cursor.keyError("too many partitioners: \(names) (configure one)")
        }
        try mode.requireMapOrAbsent()
        let reachableOnly = try mode["reachable_only"].bool(default: false)
        switch name {
        case "hash":
            return .hash(
                fields: try mode["hash"].stringList() ?? [], random: try mode["random"].bool(default: true),
                reachableOnly: reachableOnly)
        case "random":
            return .random(
                groupEvents: try mode["group_events"].int(default: 1, in: 1...Int.max), reachableOnly: reachableOnly)
        case "round_robin":
            return .roundRobin(
                groupEvents: try mode["group_events"].int(default: 1, in: 1...Int.max), reachableOnly: reachableOnly)
        default:
            throw mode.keyError("unknown kafka partition mode \"\(name)\" (expected hash, random or round_robin)")
        }
    }

    private static func decodeAuthentication(_ cursor: Cursor, into out: inout KafkaOutputSettings) throws(ConfigError)
    {
        out.username = try cursor["username"].nonEmptyString()
        out.password = try cursor["password"].string().flatMap { $0.isEmpty ? nil : $0 }
        if out.username != nil && out.password == nil {
            throw cursor["username"].keyError("password must be set when username is configured")
        }
        let mechanism = cursor["sasl"]["mechanism"]
        out.saslMechanism = try mechanism.choice(
            ["plain": KafkaSASLMechanism.plain, "scram-sha-256": .scramSHA256, "scram-sha-512": .scramSHA512],
            caseInsensitive: true)
        if out.saslMechanism == nil && out.username != nil { out.saslMechanism = .plain }
        let kerberos = cursor["kerberos"]
        try kerberos.requireMapOrAbsent()
        if kerberos.isSet, try kerberos["enabled"].bool(default: true) {
            var k = KafkaKerberosSettings()
            k.authType =
                try kerberos["auth_type"].choice(["keytab": .keytab, "password": .password], caseInsensitive: true)
                ?? .password
            k.keytab = try kerberos["keytab"].nonEmptyString()
            k.configPath = try kerberos["config_path"].nonEmptyString()
            k.serviceName = try kerberos["service_name"].nonEmptyString()
            k.username = try kerberos["username"].nonEmptyString()
            k.password = try kerberos["password"].nonEmptyString()
            k.realm = try kerberos["realm"].nonEmptyString()
            // libbeat also honours the older output.kafka.enable_krb5_fast.
            let legacyFAST = try cursor["enable_krb5_fast"].bool(default: false)
            k.enableKRB5FAST = try kerberos["enable_krb5_fast"].bool(default: legacyFAST)
            if k.authType == .keytab && k.keytab == nil {
                throw kerberos.keyError("kerberos.keytab must be set when auth_type is keytab")
            }
            out.kerberos = k
        }
    }

    static func decodeTLS(_ cursor: Cursor) throws(ConfigError) -> TLSClientSettings? {
        try cursor.requireMapOrAbsent()
        guard cursor.node != nil, try cursor["enabled"].bool(default: true) else { return nil }
        var out = TLSClientSettings()
        out.certificateAuthorities = try cursor["certificate_authorities"].stringList() ?? []
        out.certificate = try cursor["certificate"].nonEmptyString()
        out.key = try cursor["key"].nonEmptyString()
        if (out.certificate == nil) != (out.key == nil) {
            let missing = out.certificate == nil ? "certificate" : "key"
            throw cursor.keyError("ssl.certificate and ssl.key must be set together (\(missing) is missing)")
        }
        out.keyPassphrase = try cursor["key_passphrase"].string()
        out.keyPassphrasePath = try cursor["key_passphrase_path"].nonEmptyString()
        out.verificationMode =
            try cursor["verification_mode"].choice(
                ["full": .full, "strict": .strict, "certificate": .certificate, "none": .none], caseInsensitive: true)
            ?? .full
        if let protocols = try cursor["supported_protocols"].list() {
            out.supportedProtocols = []
            for element in protocols {
                let known = ["SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"]
                let name = try element.string() ?? ""
                guard let match = known.first(where: { $0.lowercased() == name.lowercased() }) else {
                    let expected = known.joined(separator: ", ")
                    throw element.error("unknown TLS version \"\(name)\" (expected one of: \(expected))")
                }
                out.supportedProtocols.append(match)
            }
        }
        out.cipherSuites = try cursor["cipher_suites"].stringList() ?? []
        out.curveTypes = try cursor["curve_types"].stringList() ?? []
        out.caSHA256 = try cursor["ca_sha256"].stringList() ?? []
        out.caTrustedFingerprint = try cursor["ca_trusted_fingerprint"].nonEmptyString()
        return out
    }

    private static func decodeMetadata(_ cursor: Cursor) throws(ConfigError) -> KafkaMetadataSettings {
        try cursor.requireMapOrAbsent()
        var out = KafkaMetadataSettings()
        out.refreshFrequency = try positive(cursor["refresh_frequency"], default: .seconds(600))
        out.full = try cursor["full"].bool(default: false)
        out.retryMax = try cursor["retry"]["max"].int(default: 3, in: 0...Int.max)
        out.retryBackoff = try nonNegative(cursor["retry"]["backoff"], default: .milliseconds(250))
        return out
    }

    private static func decodeHeaders(_ cursor: Cursor) throws(ConfigError) -> [KafkaHeader] {
        var out: [KafkaHeader] = []
        for element in try cursor.list(expecting: "a list of {key, value} headers") ?? [] {
            guard element.node?.mapEntries != nil else { throw element.error("a header must be a map {key, value}") }
            let key = try element["key"].string() ?? ""
            guard !key.isEmpty else { continue }
            out.append(KafkaHeader(key: key, value: try element["value"].string() ?? ""))
        }
        return out
    }

    /// Flattens `librdkafka` to dotted property names: `{queue.buffering.max.ms: 5}` arrives as nested
    /// maps because dotted keys are expanded everywhere.
    private static func decodeLibrdkafka(_ cursor: Cursor) throws(ConfigError) -> [String: String] {
        var out: [String: String] = [:]
        func walk(_ cursor: Cursor, prefix: String) throws(ConfigError) {
            for (key, child) in try cursor.entries() ?? [] {
                let name = prefix.isEmpty ? key : prefix + "." + key
                if child.node?.mapEntries != nil {
                    try walk(child, prefix: name)
                } else {
                    guard let value = try child.scalarText(expecting: "a property value (string or number)") else {
                        throw child.error("librdkafka property \"\(name)\" has no value")
                    }
                    out[name] = value
                }
            }
        }
        try walk(cursor, prefix: "")
        return out
    }
}
